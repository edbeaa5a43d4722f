//! Receiving an upload: the size limit is enforced while the bytes arrive, and the SHA-256 of the raw
//! stream is computed on the way, before any processing.

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::Error;

/// Limits applied to every upload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UploadPolicy {
    /// Largest accepted upload in bytes; one byte more is refused ([`Error::TooLarge`]).
    pub max_bytes: u64,
    /// DOCX: most entries an archive may have.
    pub max_archive_entries: usize,
    /// DOCX: most bytes all entries together may expand to.
    pub max_archive_uncompressed: u64,
    /// DOCX: highest expansion ratio of an entry larger than [`UploadPolicy::RATIO_FLOOR`] bytes, and of
    /// the archive as a whole.
    pub max_compression_ratio: u64,
}

impl UploadPolicy {
    /// Entries smaller than this are not held to the ratio limit (small XML parts compress very well).
    pub const RATIO_FLOOR: u64 = 1024 * 1024;
    /// Default upload limit: 32 MiB.
    pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;
}

impl Default for UploadPolicy {
    fn default() -> Self {
        UploadPolicy {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_archive_entries: 1_000,
            max_archive_uncompressed: 128 * 1024 * 1024,
            max_compression_ratio: 100,
        }
    }
}

/// Collects an upload chunk by chunk. It never holds more than `max_bytes`: the chunk that would
/// cross the limit is refused before it is copied.
pub struct UploadBuffer {
    limit: u64,
    data: Vec<u8>,
    hasher: Sha256,
}

impl std::fmt::Debug for UploadBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadBuffer").field("limit", &self.limit).field("len", &self.data.len()).finish()
    }
}

impl UploadBuffer {
    pub fn new(policy: &UploadPolicy) -> Self {
        UploadBuffer { limit: policy.max_bytes, data: Vec::new(), hasher: Sha256::new() }
    }

    /// Appends a chunk, or fails with [`Error::TooLarge`] if it would cross the limit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.data.len() as u64 + chunk.len() as u64 > self.limit {
            return Err(Error::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        self.data.extend_from_slice(chunk);
        Ok(())
    }

    /// Bytes received so far.
    pub fn len(&self) -> u64 {
        self.data.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The complete upload, or [`Error::Empty`] for zero bytes.
    pub fn finish(self) -> Result<Upload, Error> {
        if self.data.is_empty() {
            return Err(Error::Empty);
        }
        Ok(Upload { bytes: self.data, sha256: self.hasher.finalize().into() })
    }
}

/// A complete upload and the SHA-256 of its raw bytes.
#[derive(Clone)]
pub struct Upload {
    bytes: Vec<u8>,
    sha256: [u8; 32],
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload").field("size", &self.bytes.len()).field("sha256", &self.sha256_hex()).finish()
    }
}

impl Upload {
    /// An upload from bytes already in memory (same checks as streaming).
    pub fn from_bytes(bytes: &[u8], policy: &UploadPolicy) -> Result<Upload, Error> {
        let mut b = UploadBuffer::new(policy);
        b.push(bytes)?;
        b.finish()
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub fn sha256(&self) -> [u8; 32] {
        self.sha256
    }

    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
}

/// Reads an upload from `reader` in 64 KiB chunks, refusing it as soon as it passes the limit.
pub async fn read_upload<R: AsyncRead + Unpin>(mut reader: R, policy: &UploadPolicy) -> Result<Upload, Error> {
    let mut buf = UploadBuffer::new(policy);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk).await.map_err(|e| Error::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        buf.push(&chunk[..n])?;
    }
    buf.finish()
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_exact() {
        let p = UploadPolicy { max_bytes: 10, ..UploadPolicy::default() };
        let mut b = UploadBuffer::new(&p);
        b.push(b"12345").unwrap();
        b.push(b"67890").unwrap();
        assert!(matches!(b.push(b"x"), Err(Error::TooLarge { limit: 10 })));
        assert_eq!(b.len(), 10);
        let u = b.finish().unwrap();
        assert_eq!(u.sha256_hex(), sha256_hex(b"1234567890"));
        assert!(matches!(UploadBuffer::new(&p).finish(), Err(Error::Empty)));
    }
}
