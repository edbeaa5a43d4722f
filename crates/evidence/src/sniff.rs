//! The type of an upload, from its bytes only. The declared content type and the file name are
//! never consulted: a photo named `.pdf` is a photo, and an executable named `.jpg` is refused.

use crate::{Error, UploadPolicy, clean::docx};

/// The accepted formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Heic,
    Mp4,
    Mov,
    Pdf,
    Docx,
}

/// Broad category, stored with each piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Image,
    Video,
    Document,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Image => "image",
            Category::Video => "video",
            Category::Document => "document",
        }
    }
}

impl MediaKind {
    pub const ALL: &'static [MediaKind] = &[
        MediaKind::Jpeg,
        MediaKind::Png,
        MediaKind::Webp,
        MediaKind::Gif,
        MediaKind::Heic,
        MediaKind::Mp4,
        MediaKind::Mov,
        MediaKind::Pdf,
        MediaKind::Docx,
    ];

    /// The IANA media type.
    pub fn media_type(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "image/jpeg",
            MediaKind::Png => "image/png",
            MediaKind::Webp => "image/webp",
            MediaKind::Gif => "image/gif",
            MediaKind::Heic => "image/heic",
            MediaKind::Mp4 => "video/mp4",
            MediaKind::Mov => "video/quicktime",
            MediaKind::Pdf => "application/pdf",
            MediaKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub fn from_media_type(s: &str) -> Option<MediaKind> {
        MediaKind::ALL.iter().copied().find(|k| k.media_type() == s)
    }

    /// The usual file extension (for generated download names).
    pub fn extension(self) -> &'static str {
        match self {
            MediaKind::Jpeg => "jpg",
            MediaKind::Png => "png",
            MediaKind::Webp => "webp",
            MediaKind::Gif => "gif",
            MediaKind::Heic => "heic",
            MediaKind::Mp4 => "mp4",
            MediaKind::Mov => "mov",
            MediaKind::Pdf => "pdf",
            MediaKind::Docx => "docx",
        }
    }

    pub fn category(self) -> Category {
        match self {
            MediaKind::Jpeg | MediaKind::Png | MediaKind::Webp | MediaKind::Gif | MediaKind::Heic => Category::Image,
            MediaKind::Mp4 | MediaKind::Mov => Category::Video,
            MediaKind::Pdf | MediaKind::Docx => Category::Document,
        }
    }

    /// `None` when Netra removes this format's metadata; otherwise why it cannot, in words the
    /// reporter is shown before submitting (the file is then kept as a sealed original only).
    pub fn cleaning_limitation(self) -> Option<&'static str> {
        match self {
            MediaKind::Heic => Some(
                "HEIC photos keep their location and camera data in the file and Netra cannot remove it yet; \
                 the photo is kept sealed for the investigating officers only. To share a cleaned copy, \
                 send it as JPEG (on iPhone: Settings > Camera > Formats > Most Compatible).",
            ),
            MediaKind::Mp4 | MediaKind::Mov => Some(
                "videos can hold the recording place (GPS), the device and the owner's name, and Netra \
                 cannot remove them reliably; the video is kept sealed for the investigating officers only",
            ),
            _ => None,
        }
    }
}

/// One accepted format as the upload form shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TypeInfo {
    pub media_type: &'static str,
    pub extension: &'static str,
    pub category: &'static str,
    pub cleanable: bool,
    pub limitation: Option<&'static str>,
}

/// The allow-list, for the upload form (warn before submitting when a format cannot be cleaned).
pub fn supported_types() -> Vec<TypeInfo> {
    MediaKind::ALL
        .iter()
        .map(|k| TypeInfo {
            media_type: k.media_type(),
            extension: k.extension(),
            category: k.category().as_str(),
            cleanable: k.cleaning_limitation().is_none(),
            limitation: k.cleaning_limitation(),
        })
        .collect()
}

/// The format of `bytes`, or why it is refused.
pub fn sniff(bytes: &[u8], policy: &UploadPolicy) -> Result<MediaKind, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    let not = |detected: &str| Err(Error::TypeNotAllowed { detected: detected.to_owned() });
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaKind::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(MediaKind::Gif);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" {
        return match &bytes[8..12] {
            b"WEBP" => Ok(MediaKind::Webp),
            b"WAVE" => not("audio/wav"),
            b"AVI " => not("video/x-msvideo"),
            _ => not("application/x-riff"),
        };
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(MediaKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx::identify(bytes, policy);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return iso_bmff(bytes);
    }
    not(&other_type(bytes))
}

/// HEIC, MP4 and MOV share the ISO base media file format; the `ftyp` brands tell them apart.
fn iso_bmff(bytes: &[u8]) -> Result<MediaKind, Error> {
    let size = u32::from_be_bytes(bytes[..4].try_into().expect("4 bytes")) as usize;
    let end = size.clamp(12, bytes.len().min(4096));
    let major: &[u8] = &bytes[8..12];
    let compatible: Vec<&[u8]> = if end > 16 { bytes[16..end].chunks_exact(4).collect() } else { Vec::new() };
    let has = |brands: &[&[u8]]| brands.contains(&major) || compatible.iter().any(|c| brands.contains(c));
    let not = |d: &str| Err(Error::TypeNotAllowed { detected: d.to_owned() });
    if matches!(major, b"avif" | b"avis") {
        return not("image/avif");
    }
    if matches!(major, b"M4A " | b"M4B " | b"M4P " | b"F4A " | b"F4B ") {
        return not("audio/mp4");
    }
    if major == b"qt  " {
        return Ok(MediaKind::Mov);
    }
    if has(&[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"]) {
        return Ok(MediaKind::Heic);
    }
    const MP4: &[&[u8]] = &[
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9", b"mp41", b"mp42", b"mp71", b"avc1",
        b"M4V ", b"M4VH", b"M4VP", b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3g2a", b"3g2b", b"3g2c", b"dash", b"MSNV",
        b"XAVC", b"f4v ", b"mmp4", b"NDAS",
    ];
    if has(MP4) {
        return Ok(MediaKind::Mp4);
    }
    not("video/unknown")
}

/// A name for a refused type, so the reporter learns what they sent.
fn other_type(b: &[u8]) -> String {
    let t = |s: &str| s.to_owned();
    if b.starts_with(b"MZ") {
        return t("application/x-msdownload");
    }
    if b.starts_with(b"\x7fELF") {
        return t("application/x-executable");
    }
    if b.starts_with(b"BM") && b.len() > 14 {
        return t("image/bmp");
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return t("image/tiff");
    }
    if b.starts_with(b"ID3") || (b.len() > 1 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0) {
        return t("audio/mpeg");
    }
    if b.starts_with(b"OggS") {
        return t("audio/ogg");
    }
    if b.starts_with(b"\x1a\x45\xdf\xa3") {
        return t("video/webm");
    }
    if b.starts_with(b"Rar!") {
        return t("application/vnd.rar");
    }
    if b.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return t("application/x-7z-compressed");
    }
    if b.starts_with(&[0x1f, 0x8b]) {
        return t("application/gzip");
    }
    if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return t("application/x-ole-storage");
    }
    if b.starts_with(b"{\\rtf") {
        return t("application/rtf");
    }
    let head = String::from_utf8_lossy(&b[..b.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")) {
        return t("image/svg+xml");
    }
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<script") {
        return t("text/html");
    }
    if std::str::from_utf8(b).is_ok() {
        return t("text/plain");
    }
    t("application/octet-stream")
}

/// True when the upload is only a link: a short text that is one URL, or a `.url`/`.webloc` shortcut.
pub fn is_link(bytes: &[u8]) -> bool {
    if bytes.len() > 4096 {
        return false;
    }
    let Ok(s) = std::str::from_utf8(bytes) else { return false };
    let s = s.trim_start_matches('\u{feff}').trim();
    let one_url = |u: &str| {
        let u = u.trim();
        (u.starts_with("http://") || u.starts_with("https://")) && !u.contains(char::is_whitespace)
    };
    one_url(s)
        || (s.starts_with("[InternetShortcut]") && s.lines().any(|l| l.trim_start().starts_with("URL=")))
        || (s.contains("<plist") && s.contains("<key>URL</key>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(b: &[u8]) -> Result<MediaKind, Error> {
        sniff(b, &UploadPolicy::default())
    }

    #[test]
    fn magic_numbers_decide() {
        assert_eq!(sniffed(b"\xFF\xD8\xFF\xE0rest").unwrap(), MediaKind::Jpeg);
        assert_eq!(sniffed(b"\x89PNG\r\n\x1a\nrest").unwrap(), MediaKind::Png);
        assert_eq!(sniffed(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), MediaKind::Webp);
        assert_eq!(sniffed(b"%PDF-1.7\n").unwrap(), MediaKind::Pdf);
        assert_eq!(sniffed(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap(), MediaKind::Heic);
        assert_eq!(sniffed(b"\0\0\0\x14ftypqt  \0\0\0\0qt  ").unwrap(), MediaKind::Mov);
        assert_eq!(sniffed(b"\0\0\0\x18ftypmp42\0\0\0\0isommp42").unwrap(), MediaKind::Mp4);
        for (b, d) in [
            (&b"MZ\x90\0"[..], "application/x-msdownload"),
            (b"<html><script>", "text/html"),
            (b"<svg xmlns=", "image/svg+xml"),
            (b"\0\0\0\x18ftypM4A \0\0\0\0M4A ", "audio/mp4"),
            (b"\0\0\0\x14ftypavif\0\0\0\0", "image/avif"),
            (b"hello", "text/plain"),
        ] {
            match sniffed(b) {
                Err(Error::TypeNotAllowed { detected }) => assert_eq!(detected, d),
                other => panic!("{d}: {other:?}"),
            }
        }
    }

    #[test]
    fn links_are_recognised() {
        assert!(is_link(b"https://facebook.com/camat/posts/1\n"));
        assert!(is_link(b"[InternetShortcut]\r\nURL=https://x.com/a/status/1\r\n"));
        assert!(!is_link(b"see https://x.com and more"));
    }
}
