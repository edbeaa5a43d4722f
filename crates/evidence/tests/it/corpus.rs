//! The metadata corpus (`tests/corpus`, made by `generate.py`): every file goes through the vault on
//! a local folder; each cleaned derivative is checked with readers that are not the cleaner (kamadak-exif,
//! flate2, structure walkers, byte searches for planted `CANARY` strings and XMP packets), and each
//! original is decrypted with the age identity straight from the key file and hashed against the
//! recorded SHA-256.

use std::collections::BTreeSet;

use crate::common::*;
use netra_evidence::{Cleaning, EvidenceConfig, EvidenceKeys, MediaKind, Upload, Vault};

const SECRETS: &[&[u8]] = &[b"CANARY", b"<x:xmpmeta", b"http://ns.adobe.com/xap", b"Photoshop 3.0"];

fn check_no_secrets(file: &str, kind: &str, derivative: &[u8]) {
    for (n, part) in visible_bytes(kind, derivative).iter().enumerate() {
        for s in SECRETS {
            assert!(!contains(part, s), "{file}: `{}` left in part {n} of the derivative", String::from_utf8_lossy(s));
        }
    }
}

fn check_exif(e: &Entry, original: &[u8], derivative: &[u8]) {
    if e.exif_gps_in_original {
        let ex = exif_of(original).unwrap_or_else(|| panic!("{}: fixture has no Exif", e.file));
        assert!(
            ex.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some(),
            "{}: fixture has no GPS latitude",
            e.file
        );
    }
    match exif_of(derivative) {
        None => assert!(e.orientation.is_none(), "{}: orientation was not carried over", e.file),
        Some(ex) => {
            let tags: Vec<String> = ex.fields().map(|f| format!("{}", f.tag)).collect();
            assert_eq!(tags, vec!["Orientation".to_owned()], "{}: Exif left in the derivative", e.file);
            let o = ex.get_field(exif::Tag::Orientation, exif::In::PRIMARY).and_then(|f| f.value.get_uint(0));
            assert_eq!(o, e.orientation.map(u32::from), "{}: orientation", e.file);
        }
    }
}

fn check_jpeg(e: &Entry, original: &[u8], d: &[u8]) {
    let segs = jpeg_segments(d);
    assert_eq!(segs.last().map(|s| s.0), Some(0xD9), "{}: ends with EOI", e.file);
    assert!(d.ends_with(&[0xFF, 0xD9]), "{}: nothing after EOI", e.file);
    for (m, payload) in &segs {
        match m {
            0xE1 => assert!(payload.starts_with(b"Exif\0\0") && e.orientation.is_some(), "{}: APP1 left", e.file),
            0xE2 => assert!(payload.starts_with(b"ICC_PROFILE\0"), "{}: APP2 other than ICC left", e.file),
            0xE0 => {
                assert!(payload.starts_with(b"JFIF\0"), "{}: APP0 other than JFIF", e.file);
                assert_eq!(&payload[12..14], &[0, 0], "{}: JFIF thumbnail left", e.file);
                assert_eq!(payload.len(), 14, "{}: JFIF thumbnail bytes left", e.file);
            }
            0xE3..=0xED | 0xEF | 0xFE => panic!("{}: segment 0x{m:02X} left", e.file),
            _ => {}
        }
    }
    for k in &e.keeps {
        assert!(segs.iter().any(|(_, p)| p.starts_with(k.as_bytes())), "{}: {k} should be kept", e.file);
    }
    // Pixels are not re-encoded: scans and entropy-coded data are byte-identical.
    assert_eq!(jpeg_scan_span(original), jpeg_scan_span(d), "{}: scan data changed", e.file);
}

fn check_png(e: &Entry, original: &[u8], d: &[u8]) {
    const ALLOWED: &[&[u8; 4]] = &[
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs",
        b"acTL", b"fcTL", b"fdAT",
    ];
    let chunks = png_chunks(d);
    for (t, _) in &chunks {
        assert!(ALLOWED.contains(&t), "{}: chunk {} left", e.file, String::from_utf8_lossy(t));
    }
    assert_eq!(chunks.last().map(|c| &c.0), Some(b"IEND"), "{}", e.file);
    let idat = |c: &[([u8; 4], Vec<u8>)]| -> Vec<u8> {
        c.iter().filter(|(t, _)| t == b"IDAT" || t == b"fdAT").flat_map(|(_, d)| d.clone()).collect()
    };
    assert_eq!(idat(&png_chunks(original)), idat(&chunks), "{}: image data changed", e.file);
    let total: usize = chunks.iter().map(|(_, d)| d.len() + 12).sum();
    assert_eq!(total + 8, d.len(), "{}: bytes after IEND", e.file);
}

fn check_webp(e: &Entry, d: &[u8]) {
    let (size, chunks) = webp_chunks(d);
    assert_eq!(size as usize + 8, d.len(), "{}: RIFF size", e.file);
    for (t, data) in &chunks {
        assert!(t != b"EXIF" && t != b"XMP ", "{}: {} left", e.file, String::from_utf8_lossy(t));
        if t == b"VP8X" {
            assert_eq!(data[0] & 0x0C, 0, "{}: VP8X still announces EXIF/XMP", e.file);
        }
    }
}

fn check_gif(e: &Entry, d: &[u8]) {
    assert!(!contains(d, b"XMP DataXMP"), "{}", e.file);
    assert!(!d.windows(2).any(|w| w == [0x21, 0xFE]), "{}: comment extension left", e.file);
    assert_eq!(d.last(), Some(&0x3B), "{}: trailer", e.file);
}

fn check_pdf(e: &Entry, d: &[u8]) {
    for part in visible_bytes("pdf", d) {
        for key in [&b"/Author"[..], b"/Creator", b"/Producer", b"/Metadata", b"/Info", b"/EmbeddedFile"] {
            assert!(!contains(&part, key), "{}: {} left", e.file, String::from_utf8_lossy(key));
        }
    }
    let doc = lopdf::Document::load_mem(d).unwrap_or_else(|err| panic!("{}: derivative is not a PDF: {err}", e.file));
    assert_eq!(doc.get_pages().len(), 1, "{}: pages", e.file);
}

fn check_docx(e: &Entry, d: &[u8]) {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(d)).expect("zip");
    let names: BTreeSet<String> = z.file_names().map(|n| n.expect("name").into_owned()).collect();
    assert!(!names.contains("docProps/custom.xml"), "{}", e.file);
    assert!(names.contains("word/document.xml"), "{}", e.file);
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
    assert!(doc.contains("Camat mengunggah ajakan memilih paslon."), "{}: text lost", e.file);
    for part in visible_bytes("docx", d) {
        for key in [&b"<dc:creator>"[..], b"lastModifiedBy>", b"<Company>", b"<Template>", b"custom.xml"] {
            assert!(!contains(&part, key), "{}: {} left", e.file, String::from_utf8_lossy(key));
        }
    }
    for i in 0..z.len() {
        let f = z.by_index(i).unwrap();
        assert_eq!(f.last_modified(), Some(zip::DateTime::default()), "{}: entry time kept", e.file);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_is_cleaned_and_originals_are_sealed() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let cfg = EvidenceConfig::local(dir.path());
    let vault = Vault::open(&cfg)?;
    // The key file is a plain age identity file: decrypt with it directly, not through the vault.
    let identity_text = std::fs::read_to_string(&cfg.key_file)?;
    let identity: age::x25519::Identity = identity_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .expect("identity line")
        .parse()
        .map_err(|e: &str| anyhow::anyhow!(e))?;
    let manifest = manifest();
    let cleaned = manifest.iter().filter(|e| e.expect == "cleaned").count();
    assert!(cleaned >= 30, "corpus has only {cleaned} cleanable files");
    let mut seen_errors = BTreeSet::new();
    for e in &manifest {
        let original = read(&e.file);
        let upload = Upload::from_bytes(&original, vault.policy())?;
        let name = e.declared_name.clone().unwrap_or_else(|| e.file.clone());
        let result = vault.ingest(upload, Some(&name)).await;
        if e.expect == "error" {
            let err = result.expect_err(&e.file);
            assert_eq!(Some(err.code()), e.code.as_deref(), "{}: {err}", e.file);
            assert!(err.is_rejection(), "{}", e.file);
            seen_errors.insert(err.code());
            continue;
        }
        let ing = result.unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let kind = e.kind.as_deref().expect("kind");
        assert_eq!(serde_json::to_value(ing.kind)?, serde_json::json!(kind), "{}: sniffed type", e.file);
        assert_eq!(ing.sha256, sha256(&original), "{}", e.file);
        assert_eq!(ing.size, original.len() as u64);
        assert_eq!(ing.display_name.as_deref(), Some(name.as_str()));
        // Keys are random, never the name.
        assert!(ing.original_key.starts_with("original/") && ing.original_key.ends_with(".age"));
        assert_eq!(ing.original_key.len(), "original/".len() + 36 + 4, "{}", ing.original_key);
        // The original: through the vault, and by hand from the folder with the identity file.
        assert_eq!(vault.read_original(&ing.original_key, &ing.sha256).await?, original, "{}", e.file);
        let sealed = std::fs::read(dir.path().join("evidence").join(&ing.original_key))?;
        assert!(!contains(&sealed, b"CANARY"), "{}: original stored in clear", e.file);
        let opened = age::decrypt(&identity, &sealed)?;
        assert_eq!(sha256(&opened), ing.sha256, "{}", e.file);
        match (&ing.cleaning, e.expect.as_str()) {
            (Cleaning::NotPossible { reason }, "not_possible") => {
                assert!(ing.derivative.is_none(), "{}", e.file);
                assert!(!reason.is_empty());
                let k = MediaKind::ALL.iter().find(|k| serde_json::to_value(k).ok() == Some(serde_json::json!(kind)));
                if let Some(limitation) = k.and_then(|k| k.cleaning_limitation()) {
                    assert_eq!(reason, limitation, "{}", e.file);
                }
            }
            (Cleaning::Cleaned { removed }, "cleaned") => {
                for label in &e.removed {
                    assert!(removed.contains(label), "{}: `{label}` not reported in {removed:?}", e.file);
                }
                let d = ing.derivative.as_ref().expect("derivative");
                let bytes = vault.read_derivative(&d.key, &d.sha256).await?;
                assert_eq!(sha256(&bytes), d.sha256);
                // NETRA_EVIDENCE_DUMP=DIR keeps the derivatives, e.g. for `exiftool -a -G1 -s DIR`.
                if let Ok(out) = std::env::var("NETRA_EVIDENCE_DUMP") {
                    std::fs::create_dir_all(&out)?;
                    std::fs::write(std::path::Path::new(&out).join(&e.file), &bytes)?;
                }
                check_no_secrets(&e.file, kind, &bytes);
                match kind {
                    "jpeg" => {
                        check_exif(e, &original, &bytes);
                        check_jpeg(e, &original, &bytes);
                    }
                    "png" => {
                        check_exif(e, &original, &bytes);
                        check_png(e, &original, &bytes);
                    }
                    "webp" => {
                        check_exif(e, &original, &bytes);
                        check_webp(e, &bytes);
                    }
                    "gif" => check_gif(e, &bytes),
                    "pdf" => check_pdf(e, &bytes),
                    "docx" => check_docx(e, &bytes),
                    other => panic!("unexpected kind {other}"),
                }
                // Cleaning is idempotent: the derivative has nothing left to remove.
                let again = vault.inspect(&Upload::from_bytes(&bytes, vault.policy())?, None)?;
                match again.cleaning {
                    Cleaning::Cleaned { removed } => {
                        let rest: Vec<_> = removed.labels().iter().filter(|l| *l != "exif").collect();
                        assert!(rest.is_empty(), "{}: second pass removed {rest:?}", e.file);
                    }
                    other => panic!("{}: second pass {other:?}", e.file),
                }
            }
            (other, want) => panic!("{}: expected {want}, got {other:?}", e.file),
        }
    }
    for code in
        ["evidence-archive-bomb", "evidence-unsafe-archive", "evidence-type-not-allowed", "evidence-link-not-a-file"]
    {
        assert!(seen_errors.contains(code), "no corpus file produced {code}");
    }
    // The same key decrypts after a restart (the key file is reused, not replaced).
    let again = EvidenceKeys::load_or_create(&cfg.key_file)?;
    assert_eq!(again.key_id(), vault.keys().key_id());
    Ok(())
}

fn sha256(b: &[u8]) -> String {
    netra_evidence::sha256_hex(b)
}
