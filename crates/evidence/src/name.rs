//! File names are only ever shown, never used to build storage keys. What the client sends is cut
//! down to a safe display name: no folders, no control or direction-changing characters, bounded
//! length.

use crate::Error;

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// The display name for a client-supplied file name: the last path component, without control,
/// invisible or bidirectional-override characters, leading dots or characters that are unsafe in a
/// download header. `Ok(None)` when nothing usable is left.
///
/// A name with a `..` component (`../../etc/passwd`) is refused with [`Error::FileNameTraversal`]:
/// browsers send bare names, so such a name is an attack, not a mistake. A plain folder prefix
/// (`C:\Users\x\y.jpg`, as old browsers send) is only stripped.
pub fn sanitize_file_name(raw: &str) -> Result<Option<String>, Error> {
    let parts: Vec<&str> = raw.split(['/', '\\']).collect();
    if parts.iter().any(|p| p.trim() == "..") {
        return Err(Error::FileNameTraversal);
    }
    let last = parts.iter().rev().find(|p| !p.trim().is_empty()).copied().unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | ';') { '_' } else { c })
        .collect();
    name = name.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim().to_owned();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        name = shorten(&name);
    }
    Ok(Some(name))
}

/// Zero-width and bidirectional formatting characters (`gpj.exe` spoofing with U+202E).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

/// Cuts the stem so stem + extension fit [`MAX_NAME_CHARS`].
fn shorten(name: &str) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s, Some(e)),
        _ => (name, None),
    };
    let ext_len = ext.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(MAX_NAME_CHARS - ext_len).collect();
    match ext {
        Some(e) => format!("{}.{e}", stem.trim_end()),
        None => stem.trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_to_a_safe_display_name() {
        assert_eq!(sanitize_file_name("foto camat.jpg").unwrap().as_deref(), Some("foto camat.jpg"));
        assert_eq!(sanitize_file_name("C:\\Users\\budi\\Desktop\\y.jpg").unwrap().as_deref(), Some("y.jpg"));
        assert_eq!(sanitize_file_name("/home/budi/bukti.pdf").unwrap().as_deref(), Some("bukti.pdf"));
        assert_eq!(sanitize_file_name("a\u{202E}gpj.exe").unwrap().as_deref(), Some("agpj.exe"));
        assert_eq!(sanitize_file_name("x\r\n\t\0.png").unwrap().as_deref(), Some("x.png"));
        assert_eq!(sanitize_file_name(".htaccess").unwrap().as_deref(), Some("htaccess"));
        assert_eq!(sanitize_file_name("a:b|c?.jpg").unwrap().as_deref(), Some("a_b_c_.jpg"));
        assert_eq!(sanitize_file_name("").unwrap(), None);
        assert_eq!(sanitize_file_name("...").unwrap(), None);
        assert_eq!(sanitize_file_name("dir/").unwrap().as_deref(), Some("dir"));
        assert!(matches!(sanitize_file_name("../../etc/passwd"), Err(Error::FileNameTraversal)));
        assert!(matches!(sanitize_file_name("..\\..\\boot.ini"), Err(Error::FileNameTraversal)));
        let long = format!("{}.jpeg", "x".repeat(300));
        let short = sanitize_file_name(&long).unwrap().unwrap();
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert!(short.ends_with(".jpeg"));
    }
}
