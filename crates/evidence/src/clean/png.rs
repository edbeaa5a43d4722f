//! PNG: chunks are copied whole (with their CRCs) from an allow-list; everything else is dropped.
//!
//! Kept: IHDR, PLTE, IDAT, IEND and the rendering chunks tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD,
//! pHYs, cICP, mDCV, cLLI and the APNG chunks acTL, fcTL, fdAT. Dropped: tEXt, zTXt, iTXt (including
//! XMP), eXIf, tIME, any private or unknown chunk, and anything after IEND.

use super::Removed;

const KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs",
    b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
];

pub fn clean(b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !b.starts_with(SIG) {
        return Err("missing PNG signature".into());
    }
    let mut removed = Removed::default();
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIG);
    let mut i = SIG.len();
    let mut first = true;
    loop {
        if i + 12 > b.len() {
            return Err("truncated chunk (no IEND)".into());
        }
        let len = u32::from_be_bytes(b[i..i + 4].try_into().expect("4 bytes")) as usize;
        let kind: [u8; 4] = b[i + 4..i + 8].try_into().expect("4 bytes");
        let end = i.checked_add(12).and_then(|v| v.checked_add(len)).ok_or("chunk length overflows")?;
        if end > b.len() {
            return Err(format!("chunk {} runs past the end of the file", String::from_utf8_lossy(&kind)));
        }
        if first && &kind != b"IHDR" {
            return Err("the first chunk is not IHDR".into());
        }
        first = false;
        if KEEP.contains(&&kind) {
            out.extend_from_slice(&b[i..end]);
        } else {
            let data = &b[i + 8..i + 8 + len];
            removed.add(match &kind {
                b"iTXt" if data.starts_with(b"XML:com.adobe.xmp\0") => "xmp",
                b"tEXt" | b"zTXt" | b"iTXt" => "text",
                b"eXIf" | b"zxIf" => "exif",
                b"tIME" => "time",
                _ => "private_chunk",
            });
        }
        i = end;
        if &kind == b"IEND" {
            if i < b.len() {
                removed.add("trailing_data");
            }
            break;
        }
    }
    Ok((out, removed))
}
