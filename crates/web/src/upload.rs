//! Evidence files and text fields out of `multipart/form-data` bodies, for the portal and the
//! officials' pages alike. A file is refused the moment it passes the vault's limit: nothing beyond
//! `limit + 1` bytes is ever buffered, and the route's body limit bounds the whole form.

use axum::extract::multipart::{Field, MultipartError};
use netra_evidence::{Error, Upload, UploadBuffer, UploadPolicy};

/// Room for the text fields and multipart framing of a form on top of its files.
pub const FORM_OVERHEAD_BYTES: usize = 256 * 1024;

/// The body limit of a route taking up to `files` evidence files under `policy`.
pub fn body_limit(policy: &UploadPolicy, files: usize) -> usize {
    usize::try_from(policy.max_bytes)
        .unwrap_or(usize::MAX / 4)
        .saturating_mul(files)
        .saturating_add(FORM_OVERHEAD_BYTES)
}

/// One uploaded file and the name the client gave it.
pub struct FormFile {
    pub upload: Upload,
    pub file_name: Option<String>,
}

fn io(e: MultipartError) -> Error {
    Error::Io(e.body_text())
}

/// Reads a file part. A browser sends an empty part (no name, no bytes) for a file input left
/// empty: that is `Ok(None)`, not an error; a named 0-byte file is [`Error::Empty`].
pub async fn read_file_field(mut field: Field<'_>, policy: &UploadPolicy) -> Result<Option<FormFile>, Error> {
    let file_name = field.file_name().map(str::to_owned).filter(|n| !n.trim().is_empty());
    let mut buf = UploadBuffer::new(policy);
    while let Some(chunk) = field.chunk().await.map_err(io)? {
        buf.push(&chunk)?;
    }
    if buf.is_empty() && file_name.is_none() {
        return Ok(None);
    }
    Ok(Some(FormFile { upload: buf.finish()?, file_name }))
}

/// Why a text part was refused.
#[derive(Debug)]
pub enum TextFieldError {
    TooLong { limit: usize },
    NotUtf8,
    Body(String),
}

/// Reads a text part of at most `limit` bytes.
pub async fn read_text_field(mut field: Field<'_>, limit: usize) -> Result<String, TextFieldError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| TextFieldError::Body(e.body_text()))? {
        if out.len() + chunk.len() > limit {
            return Err(TextFieldError::TooLong { limit });
        }
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out).map_err(|_| TextFieldError::NotUtf8)
}
