//! PDF: parsed with `lopdf` and written out anew, which also drops older revisions of incremental
//! updates and regenerates object streams.
//!
//! Removed: the trailer's /Info dictionary (Author, Creator, Producer, Title, Subject, Keywords,
//! dates), the file /ID, every /Metadata XMP stream (document, page and image level), /PieceInfo
//! application data, embedded files (/EmbeddedFiles, /AF, /Type /EmbeddedFile), the author (/T) of
//! markup annotations such as comments and highlights, and the Exif/XMP blocks of embedded JPEG
//! images (cleaned like any other JPEG). Objects no longer referenced are pruned before saving.

use lopdf::{Document, LoadOptions, Object};

use super::{Removed, jpeg};

/// Streams may not decompress beyond this while loading (decompression bombs).
const MAX_STREAM: usize = 64 * 1024 * 1024;

const MARKUP_NO_AUTHOR: &[&[u8]] = &[b"Widget", b"Link"];

/// Cleans a PDF; `Err` (the PDF cannot be parsed or is encrypted) makes it "cannot be cleaned".
pub fn clean(b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    let opts = LoadOptions { max_decompressed_size: Some(MAX_STREAM), ..LoadOptions::default() };
    let mut doc = Document::load_mem_with_options(b, opts).map_err(|e| format!("the PDF could not be read ({e})"))?;
    if doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted".into());
    }
    let mut removed = Removed::default();
    if doc.trailer.remove(b"Info").is_some() {
        removed.add("info");
    }
    if doc.trailer.remove(b"ID").is_some() {
        removed.add("file_id");
    }
    let mut metadata_streams = Vec::new();
    let mut embedded = Vec::new();
    for (id, obj) in doc.objects.iter_mut() {
        if let Object::Stream(s) = obj {
            if s.dict.has_type(b"Metadata") || s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"XML") {
                metadata_streams.push(*id);
            }
            if s.dict.has_type(b"EmbeddedFile") {
                embedded.push(*id);
            }
            if is_plain_jpeg(&s.dict)
                && let Ok((clean, r)) = jpeg::clean(&s.content)
                && !r.is_empty()
            {
                removed.add("image_metadata");
                let len = clean.len() as i64;
                s.set_content(clean);
                s.dict.set("Length", len);
            }
        }
        scrub(obj, &mut removed, 0);
    }
    for id in metadata_streams {
        doc.objects.remove(&id);
        removed.add("xmp");
    }
    for id in embedded {
        doc.objects.remove(&id);
        removed.add("embedded_files");
    }
    doc.prune_objects();
    let mut out = Vec::with_capacity(b.len());
    doc.save_to(&mut out).map_err(|e| format!("the cleaned PDF could not be written ({e})"))?;
    Ok((out, removed))
}

/// Removes metadata keys from a dictionary (or a stream's dictionary) and from the dictionaries and
/// arrays nested in it.
fn scrub(obj: &mut Object, removed: &mut Removed, depth: usize) {
    if depth > 32 {
        return;
    }
    let dict = match obj {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &mut s.dict,
        Object::Array(a) => {
            for o in a.iter_mut() {
                scrub(o, removed, depth + 1);
            }
            return;
        }
        _ => return,
    };
    for (key, label) in [
        (&b"Metadata"[..], "xmp"),
        (b"PieceInfo", "piece_info"),
        (b"EmbeddedFiles", "embedded_files"),
        (b"AF", "embedded_files"),
    ] {
        if dict.remove(key).is_some() {
            removed.add(label);
        }
    }
    let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok().map(<[u8]>::to_vec);
    let is_annotation = dict.has_type(b"Annot") || (subtype.is_some() && dict.has(b"Rect") && dict.has(b"P"));
    if is_annotation
        && subtype.as_deref().is_some_and(|s| !MARKUP_NO_AUTHOR.contains(&s))
        && dict.remove(b"T").is_some()
    {
        removed.add("annotation_author");
    }
    for (_, v) in dict.iter_mut() {
        scrub(v, removed, depth + 1);
    }
}

/// A JPEG image stream with no other filter (so its content is the JPEG file itself).
fn is_plain_jpeg(d: &lopdf::Dictionary) -> bool {
    match d.get(b"Filter") {
        Ok(Object::Name(n)) => n == b"DCTDecode",
        Ok(Object::Array(a)) => a.len() == 1 && matches!(&a[0], Object::Name(n) if n == b"DCTDecode"),
        _ => false,
    }
}
