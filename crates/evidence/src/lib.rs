//! Evidence: what a reporter uploads, kept tamper-evident and safe to share (security.md, promise 3).
//!
//! The pipeline, in order:
//! 1. [`UploadBuffer`] / [`read_upload`] receive the bytes under a size limit enforced while streaming
//!    and compute the SHA-256 of the raw upload on the way;
//! 2. [`sanitize_file_name`] keeps a display name only (never used for storage);
//! 3. [`sniff()`] decides the type from the bytes against an allow-list (the declared type and the
//!    extension are ignored);
//! 4. [`clean::clean`] writes a derivative without metadata, or flags the format
//!    [`Cleaning::NotPossible`];
//! 5. [`Vault::ingest`] encrypts the original to the age recipient ([`EvidenceKeys`]) and stores both
//!    objects under random UUIDv7 keys, in a local folder or an S3-compatible store;
//! 6. [`Vault::read_original`] / [`Vault::read_derivative`] re-hash on every read.
//!
//! Rows, policy and audit events are the business of `netra-store` and `netra-core`
//! (`netra_core::evidence`).

pub mod clean;
mod error;
pub mod keys;
pub mod name;
pub mod sniff;
pub mod upload;
pub mod vault;

pub use clean::{Cleaned, Cleaning, Removed};
pub use error::Error;
pub use keys::EvidenceKeys;
pub use name::sanitize_file_name;
pub use object_store;
pub use sniff::{Category, MediaKind, TypeInfo, sniff, supported_types};
pub use upload::{Upload, UploadBuffer, UploadPolicy, read_upload, sha256_hex};
pub use vault::{Derivative, EvidenceConfig, Ingested, Inspection, ObjectInfo, S3Config, StorageConfig, Vault};
