//! Bad input (each a specific typed error with a stable code), the streaming size limit, the key
//! file, and tamper detection on the local-folder store.

use crate::common::read;
use netra_evidence::{Error, EvidenceConfig, EvidenceKeys, Upload, UploadBuffer, UploadPolicy, Vault, read_upload};

fn small_policy(max: u64) -> UploadPolicy {
    UploadPolicy { max_bytes: max, ..UploadPolicy::default() }
}

#[tokio::test]
async fn empty_and_over_the_limit_are_refused_while_streaming() {
    let p = small_policy(1000);
    let empty: &[u8] = b"";
    let e = read_upload(empty, &p).await.unwrap_err();
    assert!(matches!(e, Error::Empty));
    assert_eq!(e.code(), "evidence-empty");
    let exact = vec![7u8; 1000];
    assert_eq!(read_upload(exact.as_slice(), &p).await.unwrap().size(), 1000);
    let over = vec![7u8; 1001];
    let e = read_upload(over.as_slice(), &p).await.unwrap_err();
    assert!(matches!(e, Error::TooLarge { limit: 1000 }));
    assert_eq!(e.code(), "evidence-too-large");
    // The buffer never holds the byte that crosses the limit.
    let mut b = UploadBuffer::new(&p);
    for _ in 0..10 {
        b.push(&[1u8; 100]).unwrap();
    }
    assert!(b.push(&[1u8]).is_err());
    assert_eq!(b.len(), 1000);
    // A never-ending stream stops at the limit instead of filling memory.
    let endless = tokio::io::repeat(0x42);
    assert!(matches!(read_upload(endless, &small_policy(3 * 1024 * 1024)).await, Err(Error::TooLarge { .. })));
}

#[tokio::test]
async fn bad_inputs_have_stable_codes() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let vault = Vault::open(&EvidenceConfig::local(dir.path()))?;
    let p = vault.policy().clone();
    let png = read("lie_png_named_jpg.jpg");
    // A path in the file name.
    let e = vault.ingest(Upload::from_bytes(&png, &p)?, Some("../../etc/passwd")).await.unwrap_err();
    assert_eq!(e.code(), "evidence-name-traversal");
    // A plain folder prefix is only cut off; the storage key never derives from the name.
    let ok = vault.ingest(Upload::from_bytes(&png, &p)?, Some("C:\\Users\\budi\\Desktop\\foto.jpg")).await?;
    assert_eq!(ok.display_name.as_deref(), Some("foto.jpg"));
    assert!(!ok.original_key.contains("foto") && !ok.original_key.contains("budi"));
    // The name and the declared type lie: the bytes decide (PNG, whatever `.jpg` says).
    assert_eq!(ok.kind.media_type(), "image/png");
    // An executable named .jpg, HTML named .pdf, SVG, a bare link.
    for (file, code) in [
        ("hostile_exe_named_jpg.jpg", "evidence-type-not-allowed"),
        ("hostile_html_named_pdf.pdf", "evidence-type-not-allowed"),
        ("hostile_svg_image.svg", "evidence-type-not-allowed"),
        ("hostile_link_only.txt", "evidence-link-not-a-file"),
        ("hostile_zip_bomb.docx", "evidence-archive-bomb"),
        ("hostile_lying_sizes.docx", "evidence-archive-bomb"),
        ("hostile_too_many_entries.docx", "evidence-archive-bomb"),
        ("hostile_path_traversal.docx", "evidence-unsafe-archive"),
    ] {
        let e = vault.ingest(Upload::from_bytes(&read(file), &p)?, Some(file)).await.unwrap_err();
        assert_eq!(e.code(), code, "{file}: {e}");
    }
    if let Error::TypeNotAllowed { detected } =
        vault.ingest(Upload::from_bytes(&read("hostile_exe_named_jpg.jpg"), &p)?, None).await.unwrap_err()
    {
        assert_eq!(detected, "application/x-msdownload");
    } else {
        panic!("expected TypeNotAllowed");
    }
    // A broken JPEG is refused (it would not display anyway).
    let mut broken = read("jpeg_full_le.jpg");
    broken.truncate(broken.len() / 2);
    let e = vault.ingest(Upload::from_bytes(&broken, &p)?, None).await.unwrap_err();
    assert_eq!(e.code(), "evidence-malformed");
    // Nothing was stored for any refused upload: only the one accepted PNG (original + derivative).
    assert_eq!(vault.list().await?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn every_read_rehashes_and_tampering_is_a_typed_error() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let vault = Vault::open(&EvidenceConfig::local(dir.path()))?;
    let bytes = read("jpeg_full_le.jpg");
    let ing = vault.ingest(Upload::from_bytes(&bytes, vault.policy())?, Some("a.jpg")).await?;
    let d = ing.derivative.clone().expect("derivative");
    let root = dir.path().join("evidence");

    // A wrong recorded hash.
    let e = vault.read_original(&ing.original_key, &"0".repeat(64)).await.unwrap_err();
    assert_eq!(e.code(), "evidence-integrity-mismatch");

    // One flipped bit in the derivative.
    let dpath = root.join(&d.key);
    let mut db = std::fs::read(&dpath)?;
    let mid = db.len() / 2;
    db[mid] ^= 0x01;
    std::fs::write(&dpath, &db)?;
    let e = vault.read_derivative(&d.key, &d.sha256).await.unwrap_err();
    assert!(matches!(e, Error::IntegrityMismatch { .. }), "{e}");

    // One flipped bit in the encrypted original: age's authentication refuses it.
    let opath = root.join(&ing.original_key);
    let mut ob = std::fs::read(&opath)?;
    let at = ob.len() - 10;
    ob[at] ^= 0x80;
    std::fs::write(&opath, &ob)?;
    let e = vault.read_original(&ing.original_key, &ing.sha256).await.unwrap_err();
    assert_eq!(e.code(), "evidence-undecryptable");

    // Gone.
    std::fs::remove_file(&opath)?;
    let e = vault.read_original(&ing.original_key, &ing.sha256).await.unwrap_err();
    assert_eq!(e.code(), "evidence-object-missing");

    // Keys outside the evidence prefixes are refused before touching the store.
    assert_eq!(vault.read_original("../netra.db", &ing.sha256).await.unwrap_err().code(), "evidence-storage");
    assert_eq!(vault.read_derivative(&ing.original_key, &ing.sha256).await.unwrap_err().code(), "evidence-storage");

    // Delete and list.
    vault.delete(&d.key).await?;
    vault.delete(&d.key).await?; // idempotent
    assert!(vault.list().await?.is_empty());
    Ok(())
}

#[test]
fn key_file_is_created_once_private_and_readable_by_age() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("keys").join("evidence.age");
    let a = EvidenceKeys::load_or_create(&path)?;
    let b = EvidenceKeys::load_or_create(&path)?;
    assert_eq!(a.key_id(), b.key_id());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&path)?;
    assert!(text.contains(&format!("# public key: {}", a.recipient())));
    let ct = a.encrypt(b"bukti")?;
    let id: age::x25519::Identity = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap()
        .parse()
        .map_err(|e: &str| anyhow::anyhow!(e))?;
    assert_eq!(age::decrypt(&id, &ct)?, b"bukti");
    assert!(EvidenceKeys::generate().decrypt(&ct).is_none());
    assert!(format!("{a:?}").contains(a.key_id()) && !format!("{a:?}").contains("AGE-SECRET"));
    Ok(())
}

#[test]
fn supported_types_flag_what_cannot_be_cleaned() {
    let t = netra_evidence::supported_types();
    let flagged: Vec<_> = t.iter().filter(|t| !t.cleanable).map(|t| t.media_type).collect();
    assert_eq!(flagged, vec!["image/heic", "video/mp4", "video/quicktime"]);
    assert!(t.iter().filter(|t| t.cleanable).all(|t| t.limitation.is_none()));
}
