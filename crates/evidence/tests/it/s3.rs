//! The S3 path against a real S3-compatible server: `s3s-fs` (an S3 server backed by a folder) runs
//! in-process on 127.0.0.1:0 with SigV4 authentication, and the vault talks to it through
//! `object_store`'s S3 client exactly as it would to MinIO, Garage or AWS.

use std::path::Path;

use crate::common::read;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use netra_evidence::{Cleaning, EvidenceConfig, S3Config, StorageConfig, Upload, Vault};
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

const ACCESS_KEY: &str = "netra-test-access";
const SECRET_KEY: &str = "netra-test-secret-0123456789";
const BUCKET: &str = "evidence";

/// Starts s3s-fs over `root` on a loopback port and returns its endpoint URL. The server task ends
/// with the test's runtime.
async fn start_s3(root: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(root.join(BUCKET))?; // an s3s-fs bucket is a folder
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut b = S3ServiceBuilder::new(fs);
    b.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = b.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { break };
            let svc = service.clone();
            tokio::spawn(async move {
                let _ = ConnBuilder::new(TokioExecutor::new()).serve_connection(TokioIo::new(socket), svc).await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

fn s3_config(endpoint: &str, dir: &Path, secret: &str, prefix: Option<&str>) -> EvidenceConfig {
    EvidenceConfig {
        storage: StorageConfig::S3(S3Config {
            endpoint: Some(endpoint.to_owned()),
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: secret.into(),
            allow_http: true,
            prefix: prefix.map(str::to_owned),
        }),
        key_file: dir.join("keys").join("evidence.age"),
        policy: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_store_round_trips_and_detects_tampering() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let s3_root = tempfile::tempdir()?;
    let endpoint = start_s3(s3_root.path()).await?;
    let cfg = s3_config(&endpoint, data.path(), SECRET_KEY, Some("netra"));
    assert!(!format!("{cfg:?}").contains(SECRET_KEY), "the secret must not be printed");
    let vault = Vault::open(&cfg)?;

    let mut stored = Vec::new();
    for file in ["jpeg_full_le.jpg", "pdf_info_xmp.pdf", "docx_core_app_custom.docx", "mp4_gps.mp4"] {
        let bytes = read(file);
        let ing = vault.ingest(Upload::from_bytes(&bytes, vault.policy())?, Some(file)).await?;
        assert_eq!(vault.read_original(&ing.original_key, &ing.sha256).await?, bytes, "{file}");
        if let Some(d) = &ing.derivative {
            let clean = vault.read_derivative(&d.key, &d.sha256).await?;
            for part in crate::common::visible_bytes(if file.ends_with(".docx") { "docx" } else { "pdf" }, &clean) {
                assert!(!crate::common::contains(&part, b"CANARY"), "{file}: derivative not clean");
            }
        } else {
            assert!(matches!(ing.cleaning, Cleaning::NotPossible { .. }), "{file}");
        }
        stored.push(ing);
    }
    // 4 originals + 3 derivatives, listed through the S3 API under the prefix.
    let listed = vault.list().await?;
    assert_eq!(listed.len(), 7, "{listed:?}");
    assert!(listed.iter().all(|o| o.key.starts_with("original/") || o.key.starts_with("derivative/")));
    // On the server side the objects live under the prefix, encrypted.
    let first = &stored[0];
    let on_disk = s3_root.path().join(BUCKET).join("netra").join(&first.original_key);
    let sealed = std::fs::read(&on_disk)?;
    assert!(sealed.starts_with(b"age-encryption.org/v1"));

    // Tamper with an object behind the store's back: the next read refuses it.
    let d = first.derivative.as_ref().expect("jpeg derivative");
    let dpath = s3_root.path().join(BUCKET).join("netra").join(&d.key);
    let mut b = std::fs::read(&dpath)?;
    let mid = b.len() / 2;
    b[mid] ^= 0x04;
    std::fs::write(&dpath, &b)?;
    let e = vault.read_derivative(&d.key, &d.sha256).await.unwrap_err();
    assert_eq!(e.code(), "evidence-integrity-mismatch");

    // Missing object.
    vault.delete(&first.original_key).await?;
    let e = vault.read_original(&first.original_key, &first.sha256).await.unwrap_err();
    assert_eq!(e.code(), "evidence-object-missing", "{e}");
    assert_eq!(vault.list().await?.len(), 6);

    // Wrong credentials: a storage error, not a crash or a silent success.
    let bad = Vault::open(&s3_config(&endpoint, data.path(), "wrong-secret", Some("netra")))?;
    let e = bad.ingest(Upload::from_bytes(&read("png_rgba_text.png"), bad.policy())?, None).await.unwrap_err();
    assert_eq!(e.code(), "evidence-storage", "{e}");
    Ok(())
}
