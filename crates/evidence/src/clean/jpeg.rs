//! JPEG: segments are rewritten, pixels are never re-encoded.
//!
//! Kept: SOI, the JFIF APP0 header (without its thumbnail), APP2 ICC profiles, APP14 Adobe (colour
//! transform), tables, frame and scan headers with their entropy-coded data, EOI. Dropped: APP1 Exif
//! (with the GPS IFD, maker notes, serial numbers and the embedded IFD1 thumbnail) and XMP, APP13
//! IPTC/Photoshop, APP2 MPF (multi-picture previews) and FlashPix, every other APPn, COM comments,
//! JFXX thumbnails, and anything after EOI. If the Exif block carried a non-default orientation, a
//! minimal Exif block with only that Orientation tag is written back, so the photo still displays
//! upright.

use super::Removed;

/// Cleans a JPEG; `Err` describes why the structure could not be followed.
pub fn clean(b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err("missing start-of-image marker".into());
    }
    let mut removed = Removed::default();
    let mut head: Vec<u8> = Vec::new(); // a kept JFIF APP0, written right after SOI
    let mut body: Vec<u8> = Vec::with_capacity(b.len());
    let mut orientation: Option<u16> = None;
    let mut i = 2;
    let mut seen_frame = false;
    loop {
        if i >= b.len() {
            return Err("missing end-of-image marker".into());
        }
        if b[i] != 0xFF {
            return Err(format!("expected a marker at byte {i}"));
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1; // fill bytes
        }
        let Some(&marker) = b.get(i) else { return Err("truncated marker".into()) };
        i += 1;
        match marker {
            0xD9 => {
                body.extend_from_slice(&[0xFF, 0xD9]);
                if i < b.len() {
                    removed.add("trailing_data");
                }
                break;
            }
            0xD8 => return Err("nested start-of-image marker".into()),
            0x01 | 0xD0..=0xD7 => {
                body.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            _ => {}
        }
        if i + 2 > b.len() {
            return Err("truncated segment length".into());
        }
        let len = u16::from_be_bytes([b[i], b[i + 1]]) as usize;
        if len < 2 || i + len > b.len() {
            return Err(format!("segment 0x{marker:02X} runs past the end of the file"));
        }
        let payload = &b[i + 2..i + len];
        let segment = &b[i - 2..i + len];
        i += len;
        match marker {
            0xE0 if payload.starts_with(b"JFIF\0") && payload.len() >= 14 && head.is_empty() && !seen_frame => {
                // JFIF header: keep it, without the optional thumbnail (Xthumbnail, Ythumbnail = 0).
                if payload[12] != 0 || payload[13] != 0 || payload.len() > 14 {
                    removed.add("thumbnail");
                }
                head.extend_from_slice(&[0xFF, 0xE0, 0x00, 16]);
                head.extend_from_slice(&payload[..12]);
                head.extend_from_slice(&[0, 0]);
            }
            0xE0 => removed.add(if payload.starts_with(b"JFXX\0") { "thumbnail" } else { "app0" }),
            0xE1 if payload.starts_with(b"Exif\0\0") => {
                removed.add("exif");
                let facts = exif_facts(&payload[6..]);
                if facts.gps {
                    removed.add("gps");
                }
                if facts.thumbnail {
                    removed.add("thumbnail");
                }
                if orientation.is_none() {
                    orientation = facts.orientation.filter(|o| (2..=8).contains(o));
                }
            }
            0xE1 if payload.starts_with(b"http://ns.adobe.com/x") => removed.add("xmp"),
            0xE1 => removed.add("app1"),
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => body.extend_from_slice(segment),
            0xE2 if payload.starts_with(b"MPF\0") => removed.add("mpf_previews"),
            0xE2 => removed.add("app2"),
            0xED => removed.add(if payload.starts_with(b"Photoshop 3.0\0") { "iptc" } else { "app13" }),
            0xEE if payload.starts_with(b"Adobe") => body.extend_from_slice(segment),
            0xE3..=0xEF => removed.add("app_segment"),
            0xFE => removed.add("comment"),
            0xDA => {
                // Scan header, then entropy-coded data up to the next real marker (not a stuffed
                // 0xFF00 and not a restart marker).
                body.extend_from_slice(segment);
                let start = i;
                while i + 1 < b.len() {
                    if b[i] == 0xFF && b[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&b[i + 1]) && b[i + 1] != 0xFF {
                        break;
                    }
                    i += 1;
                }
                if i + 1 >= b.len() {
                    return Err("scan data runs past the end of the file".into());
                }
                // `i` is at 0xFF; a run of fill bytes before the marker is handled by the loop.
                body.extend_from_slice(&b[start..i]);
            }
            0xC0..=0xCF => {
                if !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                    seen_frame = true;
                }
                body.extend_from_slice(segment);
            }
            // DQT, DRI, DNL, EXP and the JPEG extension markers carry no metadata.
            _ => body.extend_from_slice(segment),
        }
    }
    if !seen_frame {
        return Err("no frame header".into());
    }
    let mut out = Vec::with_capacity(head.len() + body.len() + 64);
    out.extend_from_slice(&[0xFF, 0xD8]);
    out.extend_from_slice(&head);
    if let Some(o) = orientation {
        out.extend_from_slice(&orientation_only_exif(o));
    }
    out.extend_from_slice(&body);
    Ok((out, removed))
}

#[derive(Debug, Default)]
struct ExifFacts {
    gps: bool,
    thumbnail: bool,
    orientation: Option<u16>,
}

/// What the Exif block held that matters here (best effort: the block is dropped either way).
fn exif_facts(tiff: &[u8]) -> ExifFacts {
    let mut f = ExifFacts::default();
    let le = match tiff.get(..2) {
        Some(b"II") => true,
        Some(b"MM") => false,
        _ => return f,
    };
    let u16_at = |o: usize| {
        tiff.get(o..o + 2).map(|s| if le { u16::from_le_bytes([s[0], s[1]]) } else { u16::from_be_bytes([s[0], s[1]]) })
    };
    let u32_at = |o: usize| {
        tiff.get(o..o + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) }
        })
    };
    let Some(ifd0) = u32_at(4).map(|v| v as usize) else { return f };
    let Some(count) = u16_at(ifd0) else { return f };
    for n in 0..count as usize {
        let e = ifd0 + 2 + n * 12;
        match u16_at(e) {
            Some(0x8825) => f.gps = true,
            Some(0x0112) => f.orientation = u16_at(e + 8),
            _ => {}
        }
    }
    f.thumbnail = u32_at(ifd0 + 2 + count as usize * 12).is_some_and(|next| next != 0);
    f
}

/// An APP1 Exif segment whose IFD0 holds only Orientation.
fn orientation_only_exif(o: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian, IFD0 at 8
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // count 1
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no IFD1
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}
