//! Shared by the evidence integration tests: the corpus manifest and independent metadata checks
//! (kamadak-exif for Exif, our own small walkers for container structure, flate2 for PDF streams,
//! plain byte searches for XMP packets and canary strings).

#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::PathBuf;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Entry {
    pub file: String,
    pub kind: Option<String>,
    pub expect: String,
    pub code: Option<String>,
    #[serde(default)]
    pub removed: Vec<String>,
    #[serde(default)]
    pub exif_gps_in_original: bool,
    pub orientation: Option<u16>,
    pub declared_name: Option<String>,
    #[serde(default)]
    pub keeps: Vec<String>,
}

pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}

pub fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest parses")
}

pub fn read(file: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Exif as kamadak-exif reads it from a JPEG, PNG or WebP container (`None`: no Exif at all).
pub fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).ok()
}

/// Every byte an investigator-independent reader could see: the file plus, for PDFs, every stream
/// inflated with flate2, and for zips every entry decompressed.
pub fn visible_bytes(kind: &str, bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![bytes.to_vec()];
    match kind {
        "pdf" => out.extend(pdf_streams(bytes)),
        "docx" => {
            let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("derivative is a zip");
            for i in 0..z.len() {
                let mut f = z.by_index(i).expect("entry");
                let mut v = Vec::new();
                f.read_to_end(&mut v).expect("entry reads");
                out.push(v);
            }
        }
        _ => {}
    }
    out
}

/// Inflated content of every `stream … endstream` that is zlib data (independent of lopdf).
pub fn pdf_streams(b: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = find(&b[i..], b"stream") {
        let mut start = i + p + 6;
        if b.get(start) == Some(&b'\r') {
            start += 1;
        }
        if b.get(start) == Some(&b'\n') {
            start += 1;
        }
        let Some(end) = find(&b[start..], b"endstream") else { break };
        let data = &b[start..start + end];
        let mut z = flate2::read::ZlibDecoder::new(data);
        let mut v = Vec::new();
        if z.read_to_end(&mut v).is_ok() || !v.is_empty() {
            out.push(v);
        }
        i = start + end + 9;
    }
    out
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// JPEG markers in order (segment payloads included), stopping at EOI.
pub fn jpeg_segments(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 1 < b.len() {
        assert_eq!(b[i], 0xFF, "marker expected at {i}");
        let m = b[i + 1];
        i += 2;
        if m == 0xD9 {
            out.push((m, Vec::new()));
            break;
        }
        if (0xD0..=0xD7).contains(&m) || m == 0xFF {
            continue;
        }
        let len = u16::from_be_bytes([b[i], b[i + 1]]) as usize;
        out.push((m, b[i + 2..i + len].to_vec()));
        i += len;
        if m == 0xDA {
            while i + 1 < b.len() && !(b[i] == 0xFF && b[i + 1] != 0 && !(0xD0..=0xD7).contains(&b[i + 1])) {
                i += 1;
            }
        }
    }
    out
}

/// From the first SOS marker to the first EOI (scan headers, tables between scans, entropy data).
pub fn jpeg_scan_span(b: &[u8]) -> &[u8] {
    let mut i = 2;
    loop {
        let m = b[i + 1];
        if m == 0xDA {
            break;
        }
        i += 2 + u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
    }
    let eoi = find(&b[i..], &[0xFF, 0xD9]).expect("EOI") + i;
    &b[i..eoi + 2]
}

/// PNG chunks (type, data).
pub fn png_chunks(b: &[u8]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 12 <= b.len() {
        let n = u32::from_be_bytes(b[i..i + 4].try_into().unwrap()) as usize;
        let t: [u8; 4] = b[i + 4..i + 8].try_into().unwrap();
        out.push((t, b[i + 8..i + 8 + n].to_vec()));
        i += 12 + n;
        if &t == b"IEND" {
            break;
        }
    }
    out
}

/// A container chunk: four-character type and data.
pub type Chunk = ([u8; 4], Vec<u8>);

/// WebP RIFF chunks and the RIFF size field.
pub fn webp_chunks(b: &[u8]) -> (u32, Vec<Chunk>) {
    let size = u32::from_le_bytes(b[4..8].try_into().unwrap());
    let mut out = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let t: [u8; 4] = b[i..i + 4].try_into().unwrap();
        let n = u32::from_le_bytes(b[i + 4..i + 8].try_into().unwrap()) as usize;
        out.push((t, b[i + 8..(i + 8 + n).min(b.len())].to_vec()));
        i += 8 + n + (n & 1);
    }
    (size, out)
}
