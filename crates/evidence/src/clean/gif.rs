//! GIF: blocks are walked and copied, except comments, foreign application extensions (XMP, ICC and
//! others) and anything after the trailer. Image data, palettes, graphic control and the animation
//! loop extensions (NETSCAPE2.0, ANIMEXTS1.0) are kept.

use super::Removed;

pub fn clean(b: &[u8]) -> Result<(Vec<u8>, Removed), String> {
    if b.len() < 13 || !(b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a")) {
        return Err("missing GIF header".into());
    }
    let mut removed = Removed::default();
    let mut out = Vec::with_capacity(b.len());
    let packed = b[10];
    let mut i = 13;
    if packed & 0x80 != 0 {
        i += 3 * (1usize << ((packed & 7) + 1));
    }
    if i > b.len() {
        return Err("truncated global colour table".into());
    }
    out.extend_from_slice(&b[..i]);
    let mut images = 0;
    loop {
        let Some(&intro) = b.get(i) else { return Err("missing trailer".into()) };
        match intro {
            0x3B => {
                out.push(0x3B);
                if i + 1 < b.len() {
                    removed.add("trailing_data");
                }
                break;
            }
            0x21 => {
                let label = *b.get(i + 1).ok_or("truncated extension")?;
                let end = sub_blocks_end(b, i + 2)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => {
                        let id = b.get(i + 3..i + 14).unwrap_or_default();
                        let loop_ext = b.get(i + 2) == Some(&11) && (id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0");
                        if !loop_ext {
                            removed.add(if id == b"XMP DataXMP" { "xmp" } else { "application_extension" });
                        }
                        loop_ext
                    }
                    0xFE => {
                        removed.add("comment");
                        false
                    }
                    _ => {
                        removed.add("unknown_extension");
                        false
                    }
                };
                if keep {
                    out.extend_from_slice(&b[i..end]);
                }
                i = end;
            }
            0x2C => {
                let desc = b.get(i..i + 10).ok_or("truncated image descriptor")?;
                let mut j = i + 10;
                if desc[9] & 0x80 != 0 {
                    j += 3 * (1usize << ((desc[9] & 7) + 1));
                }
                j += 1; // LZW minimum code size
                if j > b.len() {
                    return Err("truncated image".into());
                }
                let end = sub_blocks_end(b, j)?;
                out.extend_from_slice(&b[i..end]);
                images += 1;
                i = end;
            }
            other => return Err(format!("unexpected block 0x{other:02X}")),
        }
    }
    if images == 0 {
        return Err("no image".into());
    }
    Ok((out, removed))
}

/// Index just past the terminating zero-length sub-block that starts at `i`.
fn sub_blocks_end(b: &[u8], mut i: usize) -> Result<usize, String> {
    loop {
        let n = *b.get(i).ok_or("truncated data sub-blocks")? as usize;
        i += 1;
        if n == 0 {
            return Ok(i);
        }
        i += n;
    }
}
