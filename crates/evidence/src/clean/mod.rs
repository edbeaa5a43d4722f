//! Derivatives without metadata. Each cleaner rewrites the container without re-encoding the
//! content (pixels, text) and reports what it removed; formats that cannot be cleaned reliably are
//! flagged [`Cleaning::NotPossible`] and kept as sealed originals only.

pub mod docx;
pub mod gif;
pub mod jpeg;
pub mod pdf;
pub mod png;
pub mod webp;

use crate::{Error, MediaKind, UploadPolicy};

/// What a cleaner removed: stable labels such as `exif`, `gps`, `thumbnail`, `xmp`, `iptc`,
/// `comment`, `text`, `info`, `core_properties` (sorted, without duplicates).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Removed(Vec<String>);

impl Removed {
    pub fn add(&mut self, label: &str) {
        if let Err(at) = self.0.binary_search_by(|l| l.as_str().cmp(label)) {
            self.0.insert(at, label.to_owned());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn labels(&self) -> &[String] {
        &self.0
    }

    pub fn contains(&self, label: &str) -> bool {
        self.0.iter().any(|l| l == label)
    }
}

/// The outcome of cleaning.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cleaning {
    /// A derivative without metadata exists; `removed` says what was found and dropped (empty when
    /// the file carried none).
    Cleaned { removed: Removed },
    /// No derivative: the format (or this file) cannot be cleaned reliably. Only the sealed original is
    /// kept, readable by the investigating role.
    NotPossible { reason: String },
}

impl Cleaning {
    /// `cleaned` or `not_possible` (the stored status).
    pub fn status(&self) -> &'static str {
        match self {
            Cleaning::Cleaned { .. } => "cleaned",
            Cleaning::NotPossible { .. } => "not_possible",
        }
    }
}

/// A cleaning result: the derivative (when possible) and what happened.
#[derive(Clone)]
pub struct Cleaned {
    pub cleaning: Cleaning,
    pub derivative: Option<Vec<u8>>,
}

impl std::fmt::Debug for Cleaned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleaned")
            .field("cleaning", &self.cleaning)
            .field("derivative_len", &self.derivative.as_ref().map(Vec::len))
            .finish()
    }
}

/// Removes the metadata of `bytes`, already sniffed as `kind`.
///
/// Images whose structure cannot be followed are refused ([`Error::Malformed`]); a PDF that cannot be
/// parsed is accepted as [`Cleaning::NotPossible`] (PDF readers are lenient and the document may be
/// the only copy of the evidence); unsafe archives are refused.
pub fn clean(kind: MediaKind, bytes: &[u8], policy: &UploadPolicy) -> Result<Cleaned, Error> {
    let done =
        |(d, removed): (Vec<u8>, Removed)| Cleaned { cleaning: Cleaning::Cleaned { removed }, derivative: Some(d) };
    let not_possible = |reason: String| Cleaned { cleaning: Cleaning::NotPossible { reason }, derivative: None };
    match kind {
        MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp | MediaKind::Gif => clean_image(kind, bytes)
            .map(done)
            .map_err(|detail| Error::Malformed { media_type: kind.media_type(), detail }),
        MediaKind::Pdf => Ok(match pdf::clean(bytes) {
            Ok(r) => done(r),
            Err(reason) => {
                not_possible(format!("{reason}; the document is kept sealed for the investigating officers only"))
            }
        }),
        MediaKind::Docx => docx::clean(bytes, policy).map(done),
        MediaKind::Heic | MediaKind::Mp4 | MediaKind::Mov => {
            Ok(not_possible(kind.cleaning_limitation().unwrap_or("cannot be cleaned").to_owned()))
        }
    }
}

/// The image kinds this module can clean, from the bytes.
pub(crate) fn image_kind(b: &[u8]) -> Option<MediaKind> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaKind::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaKind::Png)
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(MediaKind::Webp)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(MediaKind::Gif)
    } else {
        None
    }
}

pub(crate) fn clean_image(kind: MediaKind, b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    match kind {
        MediaKind::Jpeg => jpeg::clean(b),
        MediaKind::Png => png::clean(b),
        MediaKind::Webp => webp::clean(b),
        MediaKind::Gif => gif::clean(b),
        other => Err(format!("{} is not an image Netra cleans", other.media_type())),
    }
}
