//! Where evidence objects live: a local folder by default (`DIR/evidence/`), or any S3-compatible
//! store. Object keys are random UUIDv7s (`original/<uuid>.age`, `derivative/<uuid>`), never derived
//! from anything the reporter sent. Every read re-hashes and refuses a mismatch.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::Error;
use crate::clean::{self, Cleaning};
use crate::keys::EvidenceKeys;
use crate::name::sanitize_file_name;
use crate::sniff::{self, MediaKind};
use crate::upload::{Upload, UploadPolicy, sha256_hex};

const ORIGINAL_PREFIX: &str = "original/";
const DERIVATIVE_PREFIX: &str = "derivative/";

/// An S3-compatible store.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct S3Config {
    /// `https://s3.example.id` or `http://127.0.0.1:9000`; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Allow plain HTTP (only for a store on loopback or a private network).
    #[serde(default)]
    pub allow_http: bool,
    /// Optional key prefix inside the bucket (e.g. `netra/`).
    #[serde(default)]
    pub prefix: Option<String>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("allow_http", &self.allow_http)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// The object store to use.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum StorageConfig {
    /// A local folder (written with fsync of file and folder before a write returns).
    Local {
        root: PathBuf,
    },
    S3(S3Config),
}

/// Everything the evidence vault needs.
#[derive(Debug, Clone)]
pub struct EvidenceConfig {
    pub storage: StorageConfig,
    /// The age identity file, created on first use.
    pub key_file: PathBuf,
    pub policy: UploadPolicy,
}

impl EvidenceConfig {
    /// The embedded default: objects in `DIR/evidence/`, key in `DIR/keys/evidence.age`.
    pub fn local(data_dir: &Path) -> Self {
        EvidenceConfig {
            storage: StorageConfig::Local { root: data_dir.join("evidence") },
            key_file: data_dir.join("keys").join("evidence.age"),
            policy: UploadPolicy::default(),
        }
    }

    /// [`EvidenceConfig::local`], switched to S3 when `NETRA_S3_BUCKET` is set. Variables:
    /// `NETRA_S3_BUCKET`, `NETRA_S3_ENDPOINT`, `NETRA_S3_REGION` (default `us-east-1`),
    /// `NETRA_S3_ACCESS_KEY_ID`, `NETRA_S3_SECRET_ACCESS_KEY`, `NETRA_S3_ALLOW_HTTP` (`1`/`true`),
    /// `NETRA_S3_PREFIX`; `NETRA_EVIDENCE_KEY_FILE` moves the key file and `NETRA_EVIDENCE_MAX_BYTES`
    /// changes the upload limit.
    pub fn from_env(data_dir: &Path) -> Result<Self, Error> {
        let var = |n: &str| std::env::var(n).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut cfg = EvidenceConfig::local(data_dir);
        if let Some(bucket) = var("NETRA_S3_BUCKET") {
            let need = |n: &str| var(n).ok_or_else(|| Error::Storage(format!("{n} must be set with NETRA_S3_BUCKET")));
            cfg.storage = StorageConfig::S3(S3Config {
                endpoint: var("NETRA_S3_ENDPOINT"),
                bucket,
                region: var("NETRA_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                access_key_id: need("NETRA_S3_ACCESS_KEY_ID")?,
                secret_access_key: need("NETRA_S3_SECRET_ACCESS_KEY")?,
                allow_http: var("NETRA_S3_ALLOW_HTTP").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true")),
                prefix: var("NETRA_S3_PREFIX"),
            });
        }
        if let Some(k) = var("NETRA_EVIDENCE_KEY_FILE") {
            cfg.key_file = PathBuf::from(k);
        }
        if let Some(m) = var("NETRA_EVIDENCE_MAX_BYTES") {
            cfg.policy.max_bytes =
                m.parse().map_err(|_| Error::Storage("NETRA_EVIDENCE_MAX_BYTES must be a number of bytes".into()))?;
        }
        Ok(cfg)
    }
}

/// The derivative object of a piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Derivative {
    pub key: String,
    pub sha256: String,
    pub size: u64,
}

/// What [`Vault::ingest`] stored. Both objects exist when this is returned.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ingested {
    pub kind: MediaKind,
    /// The sanitised display name (never used for storage).
    pub display_name: Option<String>,
    pub size: u64,
    /// SHA-256 of the raw upload (hex).
    pub sha256: String,
    /// The age-encrypted original.
    pub original_key: String,
    /// Fingerprint of the key the original was encrypted to.
    pub key_id: String,
    pub derivative: Option<Derivative>,
    pub cleaning: Cleaning,
}

/// An object found in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
}

/// Evidence storage: object store + evidence key + upload policy. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn ObjectStore>,
    keys: Arc<EvidenceKeys>,
    policy: UploadPolicy,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("store", &self.store.to_string()).field("keys", &self.keys).finish()
    }
}

fn storage(e: object_store::Error) -> Error {
    Error::Storage(e.to_string())
}

impl Vault {
    /// Opens the configured store, creating the local folder and the key file when missing.
    pub fn open(cfg: &EvidenceConfig) -> Result<Vault, Error> {
        let keys = EvidenceKeys::load_or_create(&cfg.key_file)?;
        let store: Arc<dyn ObjectStore> = match &cfg.storage {
            StorageConfig::Local { root } => {
                std::fs::create_dir_all(root)
                    .map_err(|e| Error::Storage(format!("cannot create {}: {e}", root.display())))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(root)
                        .map_err(storage)?
                        .with_fsync(true)
                        .with_automatic_cleanup(true),
                )
            }
            StorageConfig::S3(s) => {
                let mut b = AmazonS3Builder::new()
                    .with_bucket_name(&s.bucket)
                    .with_region(&s.region)
                    .with_access_key_id(&s.access_key_id)
                    .with_secret_access_key(&s.secret_access_key)
                    .with_allow_http(s.allow_http);
                if let Some(e) = &s.endpoint {
                    b = b.with_endpoint(e);
                }
                let s3 = b.build().map_err(storage)?;
                match s.prefix.as_deref().map(|p| p.trim_matches('/')).filter(|p| !p.is_empty()) {
                    Some(p) => Arc::new(PrefixStore::new(s3, p)),
                    None => Arc::new(s3),
                }
            }
        };
        Ok(Vault::new(store, keys, cfg.policy.clone()))
    }

    /// A vault over any object store (tests use `object_store::memory::InMemory`).
    pub fn new(store: Arc<dyn ObjectStore>, keys: EvidenceKeys, policy: UploadPolicy) -> Vault {
        Vault { store, keys: Arc::new(keys), policy }
    }

    pub fn policy(&self) -> &UploadPolicy {
        &self.policy
    }

    pub fn keys(&self) -> &EvidenceKeys {
        &self.keys
    }

    /// The underlying object store (tests and tools).
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Checks an upload without storing anything: file name, type and what cleaning would do. Runs
    /// the cleaner, so call it off the async threads for large files.
    pub fn inspect(&self, upload: &Upload, declared_name: Option<&str>) -> Result<Inspection, Error> {
        let display_name = declared_name.map(sanitize_file_name).transpose()?.flatten();
        let kind = identify(upload.bytes(), &self.policy)?;
        let cleaned = clean::clean(kind, upload.bytes(), &self.policy)?;
        Ok(Inspection { kind, display_name, cleaning: cleaned.cleaning })
    }

    /// Sniffs, cleans and encrypts `upload` (on a blocking thread), then writes the encrypted original
    /// and the derivative. Returns only once both objects are stored; on failure nothing is left but
    /// possibly an orphan for the collector.
    pub async fn ingest(&self, upload: Upload, declared_name: Option<&str>) -> Result<Ingested, Error> {
        let display_name = declared_name.map(sanitize_file_name).transpose()?.flatten();
        let keys = self.keys.clone();
        let policy = self.policy.clone();
        let prepared = tokio::task::spawn_blocking(move || prepare(&upload, &policy, &keys))
            .await
            .map_err(|e| Error::Io(format!("processing task failed: {e}")))??;
        let original_key = format!("{ORIGINAL_PREFIX}{}.age", uuid::Uuid::now_v7());
        self.put(&original_key, prepared.ciphertext).await?;
        let derivative = match prepared.derivative {
            Some(bytes) => {
                let d = Derivative {
                    key: format!("{DERIVATIVE_PREFIX}{}", uuid::Uuid::now_v7()),
                    sha256: sha256_hex(&bytes),
                    size: bytes.len() as u64,
                };
                if let Err(e) = self.put(&d.key, bytes).await {
                    let _ = self.delete(&original_key).await;
                    return Err(e);
                }
                Some(d)
            }
            None => None,
        };
        Ok(Ingested {
            kind: prepared.kind,
            display_name,
            size: prepared.size,
            sha256: prepared.sha256,
            original_key,
            key_id: self.keys.key_id().to_owned(),
            derivative,
            cleaning: prepared.cleaning,
        })
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), Error> {
        self.store.put(&ObjectPath::from(key), PutPayload::from(bytes)).await.map_err(storage)?;
        Ok(())
    }

    async fn get(&self, key: &str, prefix: &str) -> Result<bytes::Bytes, Error> {
        if !key.starts_with(prefix) || key.contains("..") {
            return Err(Error::Storage(format!("`{key}` is not an evidence object key")));
        }
        let path = ObjectPath::parse(key).map_err(|e| Error::Storage(e.to_string()))?;
        let missing = || Error::ObjectMissing { key: key.to_owned() };
        let got = match self.store.get(&path).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => return Err(missing()),
            Err(e) => return Err(storage(e)),
        };
        match got.bytes().await {
            Ok(b) => Ok(b),
            Err(object_store::Error::NotFound { .. }) => Err(missing()),
            Err(e) => Err(storage(e)),
        }
    }

    /// Reads, decrypts and re-hashes an original; refuses it unless it hashes to `sha256`.
    pub async fn read_original(&self, key: &str, sha256: &str) -> Result<Vec<u8>, Error> {
        let ciphertext = self.get(key, ORIGINAL_PREFIX).await?;
        let keys = self.keys.clone();
        let plain = tokio::task::spawn_blocking(move || keys.decrypt(&ciphertext))
            .await
            .map_err(|e| Error::Io(format!("decryption task failed: {e}")))?
            .ok_or_else(|| Error::Undecryptable { key: key.to_owned() })?;
        check(key, sha256, plain)
    }

    /// Reads and re-hashes a derivative; refuses it unless it hashes to `sha256`.
    pub async fn read_derivative(&self, key: &str, sha256: &str) -> Result<Vec<u8>, Error> {
        let bytes = self.get(key, DERIVATIVE_PREFIX).await?;
        check(key, sha256, bytes.to_vec())
    }

    /// Deletes an object; a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), Error> {
        if !(key.starts_with(ORIGINAL_PREFIX) || key.starts_with(DERIVATIVE_PREFIX)) || key.contains("..") {
            return Err(Error::Storage(format!("`{key}` is not an evidence object key")));
        }
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage(e)),
        }
    }

    /// Every evidence object in the store (originals and derivatives).
    pub async fn list(&self) -> Result<Vec<ObjectInfo>, Error> {
        let mut out = Vec::new();
        for prefix in [ORIGINAL_PREFIX, DERIVATIVE_PREFIX] {
            let p = ObjectPath::from(prefix.trim_end_matches('/'));
            let metas: Vec<object_store::ObjectMeta> =
                self.store.list(Some(&p)).try_collect().await.map_err(storage)?;
            out.extend(metas.into_iter().map(|m| ObjectInfo {
                key: m.location.to_string(),
                size: m.size,
                last_modified: m.last_modified,
            }));
        }
        Ok(out)
    }
}

/// What an upload is and what cleaning it would get (the "before submitting" warning).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Inspection {
    pub kind: MediaKind,
    pub display_name: Option<String>,
    pub cleaning: Cleaning,
}

struct Prepared {
    kind: MediaKind,
    size: u64,
    sha256: String,
    cleaning: Cleaning,
    derivative: Option<Vec<u8>>,
    ciphertext: Vec<u8>,
}

/// Link check first (a URL in a text file is a common mistake), then the magic numbers.
fn identify(bytes: &[u8], policy: &UploadPolicy) -> Result<MediaKind, Error> {
    if sniff::is_link(bytes) {
        return Err(Error::LinkNotAFile);
    }
    sniff::sniff(bytes, policy)
}

fn prepare(upload: &Upload, policy: &UploadPolicy, keys: &EvidenceKeys) -> Result<Prepared, Error> {
    let kind = identify(upload.bytes(), policy)?;
    let cleaned = clean::clean(kind, upload.bytes(), policy)?;
    let ciphertext = keys.encrypt(upload.bytes())?;
    Ok(Prepared {
        kind,
        size: upload.size(),
        sha256: upload.sha256_hex(),
        cleaning: cleaned.cleaning,
        derivative: cleaned.derivative,
        ciphertext,
    })
}

fn check(key: &str, expected: &str, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    let actual = sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(Error::IntegrityMismatch { key: key.to_owned(), expected: expected.to_owned(), actual });
    }
    Ok(bytes)
}
