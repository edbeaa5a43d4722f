//! Evidence errors. Each variant has a stable machine code ([`Error::code`]) that the web layer puts in
//! problem+json and the UI translates; messages never contain the upload's name or content.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    /// A 0-byte upload.
    #[error("the file is empty")]
    Empty,
    /// More bytes than the configured limit (detected while streaming, at limit + 1).
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The bytes are not one of the accepted formats (the declared type and the name are ignored).
    #[error(
        "files of this type are not accepted (the content is {detected}); accepted: JPEG, PNG, WebP, GIF, HEIC, MP4, MOV, PDF, DOCX"
    )]
    TypeNotAllowed { detected: String },
    /// The upload is only a link (a text file or a `.url` shortcut): links go in the report's URL field.
    #[error("a link to a post is not a file: put the link in the report's link field")]
    LinkNotAFile,
    /// The file name tries to climb out of a folder (`../`): only a hostile client sends that.
    #[error("the file name contains a relative path (`..`)")]
    FileNameTraversal,
    /// The bytes start like an accepted format but its structure is broken.
    #[error("the file looks like {media_type} but its structure is broken: {detail}")]
    Malformed { media_type: &'static str, detail: String },
    /// A DOCX (zip) that would expand too much: too many entries, too many bytes or too high a ratio.
    #[error("the document is a compressed archive that expands too much ({detail})")]
    ArchiveBomb { detail: String },
    /// A DOCX (zip) with encrypted entries, links or names outside the archive.
    #[error("the document archive is unsafe to open ({detail})")]
    UnsafeArchive { detail: String },
    /// A stored object is not there (deleted, or the store was restored without it).
    #[error("stored object `{key}` is missing")]
    ObjectMissing { key: String },
    /// A stored object no longer hashes to the SHA-256 recorded when it was uploaded.
    #[error("stored object `{key}` does not match its recorded SHA-256 (expected {expected}, found {actual})")]
    IntegrityMismatch { key: String, expected: String, actual: String },
    /// An encrypted original that does not decrypt: altered, truncated, or sealed with another key.
    #[error("stored original `{key}` cannot be decrypted: it was altered or sealed with another key")]
    Undecryptable { key: String },
    /// The evidence key file could not be read, created or parsed.
    #[error("evidence key: {0}")]
    Key(String),
    /// The object store failed (unreachable, denied, full).
    #[error("object storage: {0}")]
    Storage(String),
    /// Reading the upload stream failed.
    #[error("reading the upload failed: {0}")]
    Io(String),
}

impl Error {
    /// Stable machine code (problem+json `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "evidence-empty",
            Error::TooLarge { .. } => "evidence-too-large",
            Error::TypeNotAllowed { .. } => "evidence-type-not-allowed",
            Error::LinkNotAFile => "evidence-link-not-a-file",
            Error::FileNameTraversal => "evidence-name-traversal",
            Error::Malformed { .. } => "evidence-malformed",
            Error::ArchiveBomb { .. } => "evidence-archive-bomb",
            Error::UnsafeArchive { .. } => "evidence-unsafe-archive",
            Error::ObjectMissing { .. } => "evidence-object-missing",
            Error::IntegrityMismatch { .. } => "evidence-integrity-mismatch",
            Error::Undecryptable { .. } => "evidence-undecryptable",
            Error::Key(_) => "evidence-key",
            Error::Storage(_) => "evidence-storage",
            Error::Io(_) => "evidence-io",
        }
    }

    /// True when the upload itself was refused (the client's fault: 4xx), false for server-side
    /// failures (storage, keys, integrity: 5xx).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Error::Empty
                | Error::TooLarge { .. }
                | Error::TypeNotAllowed { .. }
                | Error::LinkNotAFile
                | Error::FileNameTraversal
                | Error::Malformed { .. }
                | Error::ArchiveBomb { .. }
                | Error::UnsafeArchive { .. }
                | Error::Io(_)
        )
    }
}
