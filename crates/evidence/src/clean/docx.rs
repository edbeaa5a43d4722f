//! DOCX: the zip is checked against bomb limits before anything is decompressed, then every entry is
//! copied into a new archive with fixed timestamps, except:
//!
//! - `docProps/core.xml` is replaced by empty core properties (creator, lastModifiedBy, title,
//!   subject, keywords, description, dates: all gone);
//! - `docProps/app.xml` is replaced by empty extended properties (company, manager, template path);
//! - `docProps/custom.xml` is dropped, with its relationship and content-type override;
//! - in `word/*.xml` the revision and comment authors (`w:author`, `w:initials`, `w15:author`,
//!   `w15:userId`, `w15:providerId`) are blanked and the attached template (a path that often holds the
//!   Windows user name) is removed;
//! - embedded JPEG, PNG, WebP and GIF images (`word/media/…`, `docProps/thumbnail.*`) are cleaned like
//!   uploads of their own.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::Removed;
use crate::{Error, MediaKind, UploadPolicy};

const MEDIA: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const EMPTY_CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>"#;

const EMPTY_APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>"#;

const AUTHOR_ATTRIBUTES: &[&str] = &["w:author", "w:initials", "w15:author", "w15:userId", "w15:providerId"];

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn malformed(e: impl std::fmt::Display) -> Error {
    Error::Malformed { media_type: MEDIA, detail: e.to_string() }
}

/// Opens the archive and checks the bomb limits on the central directory, before decompressing
/// anything. Returns the archive and the entry names.
fn open<'a>(b: &'a [u8], p: &UploadPolicy) -> Result<(Archive<'a>, Vec<String>), Error> {
    let mut zip = ZipArchive::new(Cursor::new(b))
        .map_err(|e| Error::Malformed { media_type: "application/zip", detail: e.to_string() })?;
    if zip.len() > p.max_archive_entries {
        return Err(Error::ArchiveBomb {
            detail: format!("{} entries, more than the limit of {}", zip.len(), p.max_archive_entries),
        });
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(malformed)?;
        let name = f.name().map_err(malformed)?.into_owned();
        if f.encrypted() {
            return Err(Error::UnsafeArchive { detail: "an entry is encrypted".into() });
        }
        if f.is_symlink() {
            return Err(Error::UnsafeArchive { detail: "an entry is a symbolic link".into() });
        }
        if f.enclosed_name().is_none() || name.contains('\\') {
            return Err(Error::UnsafeArchive { detail: "an entry name leaves the archive".into() });
        }
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        if size > UploadPolicy::RATIO_FLOOR && size / packed > p.max_compression_ratio {
            return Err(Error::ArchiveBomb {
                detail: format!(
                    "an entry expands {}:1, more than the limit of {}:1",
                    size / packed,
                    p.max_compression_ratio
                ),
            });
        }
        total = total.saturating_add(size);
        if total > p.max_archive_uncompressed {
            return Err(Error::ArchiveBomb {
                detail: format!("the entries expand to more than {} bytes", p.max_archive_uncompressed),
            });
        }
        names.push(name);
    }
    let whole = total / (b.len() as u64).max(1);
    if total > UploadPolicy::RATIO_FLOOR && whole > p.max_compression_ratio {
        return Err(Error::ArchiveBomb {
            detail: format!("the archive expands {whole}:1, more than the limit of {}:1", p.max_compression_ratio),
        });
    }
    Ok((zip, names))
}

/// Tells a DOCX from other zip-based files (which are refused).
pub fn identify(b: &[u8], p: &UploadPolicy) -> Result<MediaKind, Error> {
    let (_, names) = open(b, p)?;
    let has = |n: &str| names.iter().any(|x| x == n);
    let not = |d: &str| Err(Error::TypeNotAllowed { detected: d.to_owned() });
    if has("[Content_Types].xml") && has("word/document.xml") {
        if names.iter().any(|n| n.ends_with("vbaProject.bin")) {
            return not("application/vnd.ms-word.document.macroEnabled.12");
        }
        return Ok(MediaKind::Docx);
    }
    if has("xl/workbook.xml") {
        return not("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    if has("ppt/presentation.xml") {
        return not("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    }
    if has("mimetype") {
        return not("application/vnd.oasis.opendocument");
    }
    not("application/zip")
}

/// Reads one entry, never more than its declared size (a lying header is a bomb).
fn read_entry(zip: &mut Archive<'_>, i: usize, budget: &mut u64) -> Result<Vec<u8>, Error> {
    let mut f = zip.by_index(i).map_err(malformed)?;
    let declared = f.size();
    if declared > *budget {
        return Err(Error::ArchiveBomb { detail: "the entries expand beyond the limit".into() });
    }
    let mut buf = Vec::with_capacity(declared.min(16 * 1024 * 1024) as usize);
    (&mut f).take(declared).read_to_end(&mut buf).map_err(malformed)?;
    // One more byte must not exist: an entry inflating past its declared size is a bomb (the zip
    // reader may report it as an error or yield the byte).
    let mut probe = [0u8; 1];
    if !matches!(f.read(&mut probe), Ok(0)) {
        return Err(Error::ArchiveBomb { detail: "an entry expands beyond its declared size".into() });
    }
    *budget -= buf.len() as u64;
    Ok(buf)
}

pub fn clean(b: &[u8], p: &UploadPolicy) -> Result<(Vec<u8>, Removed), Error> {
    let (mut zip, names) = open(b, p)?;
    let mut removed = Removed::default();
    let mut budget = p.max_archive_uncompressed;
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(b.len())));
    for (i, name) in names.iter().enumerate() {
        if name.ends_with('/') {
            continue; // directory entries are not needed
        }
        let data = read_entry(&mut zip, i, &mut budget)?;
        let data: Vec<u8> = match name.as_str() {
            "docProps/custom.xml" => {
                removed.add("custom_properties");
                continue;
            }
            "docProps/core.xml" => {
                if data != EMPTY_CORE.as_bytes() {
                    removed.add("core_properties");
                }
                EMPTY_CORE.as_bytes().to_vec()
            }
            "docProps/app.xml" => {
                if data != EMPTY_APP.as_bytes() {
                    removed.add("app_properties");
                }
                EMPTY_APP.as_bytes().to_vec()
            }
            "_rels/.rels" => drop_elements(&text(&data)?, "<Relationship ", "docProps/custom.xml").into_bytes(),
            "[Content_Types].xml" => drop_elements(&text(&data)?, "<Override ", "/docProps/custom.xml").into_bytes(),
            "word/_rels/settings.xml.rels" => {
                let s = text(&data)?;
                let t = drop_elements(&s, "<Relationship ", "/attachedTemplate\"");
                if t != s {
                    removed.add("template_path");
                }
                t.into_bytes()
            }
            n if n.starts_with("word/") && n.ends_with(".xml") => {
                let s = text(&data)?;
                let mut t = blank_attributes(&s, AUTHOR_ATTRIBUTES);
                if t != s {
                    removed.add("revision_authors");
                }
                let before = t.len();
                t = drop_elements(&t, "<w:attachedTemplate ", "");
                if t.len() != before {
                    removed.add("template_path");
                }
                t.into_bytes()
            }
            _ => match super::image_kind(&data) {
                Some(kind) => match super::clean_image(kind, &data) {
                    Ok((clean, r)) => {
                        if !r.is_empty() {
                            removed.add("embedded_image_metadata");
                        }
                        clean
                    }
                    Err(_) => data,
                },
                None => data,
            },
        };
        out.start_file(name.as_str(), opts).map_err(malformed)?;
        out.write_all(&data).map_err(malformed)?;
    }
    let out = out.finish().map_err(malformed)?.into_inner();
    Ok((out, removed))
}

fn text(data: &[u8]) -> Result<String, Error> {
    String::from_utf8(data.to_vec()).map_err(|_| malformed("an XML part is not UTF-8"))
}

/// Removes self-closing elements that start with `open` (e.g. `<Relationship `) and contain `needle`.
fn drop_elements(xml: &str, open: &str, needle: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start..].find('>') else { break };
        let element = &rest[start..start + len + 1];
        out.push_str(&rest[..start]);
        if !(element.ends_with("/>") && element.contains(needle)) {
            out.push_str(element);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Empties the values of the named attributes (` name="…"` or ` name='…'`).
fn blank_attributes(xml: &str, names: &[&str]) -> String {
    let mut s = xml.to_owned();
    for name in names {
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        let pattern = format!("{name}=");
        while let Some(pos) = rest.find(&pattern) {
            let preceded_by_space = rest[..pos].chars().next_back().is_some_and(char::is_whitespace);
            let value_start = pos + pattern.len();
            let quote = rest[value_start..].chars().next();
            match quote {
                Some(q @ ('"' | '\'')) if preceded_by_space => {
                    let Some(close) = rest[value_start + 1..].find(q) else { break };
                    out.push_str(&rest[..value_start + 1]);
                    out.push(q);
                    rest = &rest[value_start + 1 + close + 1..];
                }
                _ => {
                    out.push_str(&rest[..value_start]);
                    rest = &rest[value_start..];
                }
            }
        }
        out.push_str(rest);
        s = out;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_elements() {
        let x = r#"<w:ins w:id="1" w:author="Budi Santoso" w:date="2024"><w:comment w:initials='BS'/>xw:author="k"</w:ins>"#;
        assert_eq!(
            blank_attributes(x, AUTHOR_ATTRIBUTES),
            r#"<w:ins w:id="1" w:author="" w:date="2024"><w:comment w:initials=''/>xw:author="k"</w:ins>"#
        );
        let rels = r#"<Relationships><Relationship Id="rId1" Target="docProps/core.xml"/><Relationship Id="rId9" Target="docProps/custom.xml"/></Relationships>"#;
        assert_eq!(
            drop_elements(rels, "<Relationship ", "docProps/custom.xml"),
            r#"<Relationships><Relationship Id="rId1" Target="docProps/core.xml"/></Relationships>"#
        );
    }
}
