//! WebP: RIFF chunks from an allow-list are copied, the RIFF size is recomputed and the VP8X flags no
//! longer announce EXIF or XMP.
//!
//! Kept: VP8X, ICCP, ANIM, ANMF, ALPH, VP8, VP8L. Dropped: EXIF, XMP, unknown chunks, and anything
//! after the RIFF payload.

use super::Removed;

const KEEP: &[&[u8; 4]] = &[b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"];
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

pub fn clean(b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    if b.len() < 12 || &b[..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return Err("missing RIFF/WEBP header".into());
    }
    let riff_len = u32::from_le_bytes(b[4..8].try_into().expect("4 bytes")) as usize;
    let riff_end = 8usize.checked_add(riff_len).ok_or("size overflows")?;
    if riff_end > b.len() {
        return Err("the RIFF size runs past the end of the file".into());
    }
    let mut removed = Removed::default();
    if riff_end < b.len() {
        removed.add("trailing_data");
    }
    let mut chunks: Vec<u8> = Vec::with_capacity(riff_len);
    let mut i = 12;
    let mut has_image = false;
    while i < riff_end {
        if i + 8 > riff_end {
            return Err("truncated chunk header".into());
        }
        let kind: [u8; 4] = b[i..i + 4].try_into().expect("4 bytes");
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().expect("4 bytes")) as usize;
        let padded = len + (len & 1);
        let end = (i + 8).checked_add(padded).ok_or("chunk size overflows")?;
        // Some writers omit the final pad byte; accept exactly that.
        let end = if end == riff_end + 1 && len & 1 == 1 { riff_end } else { end };
        if end > riff_end {
            return Err(format!("chunk {} runs past the RIFF payload", String::from_utf8_lossy(&kind)));
        }
        if KEEP.contains(&&kind) {
            let start = chunks.len();
            chunks.extend_from_slice(&b[i..end]);
            if end - i < 8 + padded {
                chunks.push(0);
            }
            if &kind == b"VP8X" {
                if len < 10 {
                    return Err("VP8X chunk too short".into());
                }
                chunks[start + 8] &= !(FLAG_EXIF | FLAG_XMP);
            }
            has_image |= matches!(&kind, b"VP8 " | b"VP8L" | b"ANMF");
        } else {
            removed.add(match &kind {
                b"EXIF" => "exif",
                b"XMP " => "xmp",
                _ => "private_chunk",
            });
        }
        i = end;
    }
    if !has_image {
        return Err("no image data".into());
    }
    let mut out = Vec::with_capacity(12 + chunks.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + chunks.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Ok((out, removed))
}
