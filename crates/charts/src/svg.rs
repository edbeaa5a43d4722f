//! Small SVG building blocks shared by the charts and the map: escaping, the accessible document
//! frame, the colour palette and the fill patterns that keep series apart without colour.

use std::fmt::Write;

/// Escapes text for XML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Series colours: dark enough for white text and for 3:1 against a white background (WCAG 1.4.11),
/// ordered so neighbours differ in hue and lightness (checked by a test).
pub const PALETTE: [&str; 8] = ["#1f4e79", "#b34700", "#2e7d32", "#6a1b9a", "#8a6d00", "#00695c", "#ad1457", "#455a64"];

/// Text colour on white.
pub const INK: &str = "#1a1a1a";
/// Grid lines and axes.
pub const GRID: &str = "#767676";

/// Fill of series `i`: a pattern id when it is not the first (solid) series.
pub fn fill(prefix: &str, i: usize) -> String {
    if i == 0 { PALETTE[0].to_owned() } else { format!("url(#{prefix}-p{i})") }
}

/// `<defs>` with one pattern per series beyond the first: stripes, dots, cross-hatching… in white
/// over the series colour, so adjacent segments differ even in greyscale.
pub fn pattern_defs(prefix: &str, n: usize) -> String {
    let mut out = String::from("<defs>");
    for i in 1..n {
        let colour = PALETTE[i % PALETTE.len()];
        let mark = match i % 6 {
            1 => r##"<path d="M0 8L8 0M-2 2L2-2M6 10L10 6" stroke="#fff" stroke-width="1.6"/>"##,
            2 => r##"<circle cx="4" cy="4" r="1.6" fill="#fff"/>"##,
            3 => r##"<path d="M0 0L8 8M8 0L0 8" stroke="#fff" stroke-width="1.2"/>"##,
            4 => r##"<path d="M0 4H8" stroke="#fff" stroke-width="1.6"/>"##,
            5 => r##"<path d="M4 0V8" stroke="#fff" stroke-width="1.6"/>"##,
            _ => r##"<path d="M0 0L8 8M-2 6L2 10M6-2L10 2" stroke="#fff" stroke-width="1.6"/>"##,
        };
        let _ = write!(
            out,
            r##"<pattern id="{prefix}-p{i}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>{mark}</pattern>"##
        );
    }
    out.push_str("</defs>");
    out
}

/// A stable id prefix for one chart, so several inline SVGs on a page do not share pattern ids.
pub fn id_prefix(kind: &str, title: &str) -> String {
    // FNV-1a: deterministic across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in kind.bytes().chain(title.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("nc{h:08x}")
}

/// Opens an accessible SVG document: `role="img"`, `<title>` and `<desc>` referenced by
/// `aria-labelledby`, a visible title, and a system font stack (no web fonts are loaded).
pub fn open(prefix: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    let (t, d) = (escape(title), escape(desc));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" font-size="13" fill="{INK}"><title id="{prefix}-title">{t}</title><desc id="{prefix}-desc">{d}</desc><rect width="{width}" height="{height}" fill="#fff"/><text x="12" y="22" font-size="15" font-weight="bold">{t}</text>"##
    )
}

/// Splits a label into lines of at most `width` characters at spaces (long words are kept whole).
pub fn wrap(label: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        let cut: String = rest.chars().take(width.saturating_sub(1)).collect();
        lines.push(format!("{cut}…"));
    }
    lines
}

/// A `<text>` with one `<tspan>` per line, starting at (`x`, `y`), `dy` apart.
pub fn text_lines(x: f64, y: f64, dy: f64, anchor: &str, lines: &[String]) -> String {
    let mut out = format!(r##"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">"##);
    for (i, l) in lines.iter().enumerate() {
        let _ = write!(out, r##"<tspan x="{x:.1}" dy="{}">{}</tspan>"##, if i == 0 { 0.0 } else { dy }, escape(l));
    }
    out.push_str("</text>");
    out
}

/// WCAG 2 contrast ratio between two `#rrggbb` colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    fn lum(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r##"<a href="x">&'"##), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(escape("a\u{1}b"), "a b");
    }

    #[test]
    fn palette_has_contrast_for_white_text_and_on_white() {
        for c in PALETTE {
            assert!(contrast(c, "#ffffff") >= 4.5, "{c}: {:.2}", contrast(c, "#ffffff"));
        }
        assert!(contrast(INK, "#ffffff") >= 7.0);
        assert!(contrast(GRID, "#ffffff") >= 4.5);
    }

    #[test]
    fn wraps_long_labels() {
        assert_eq!(
            wrap("Kabupaten Administrasi Kepulauan Seribu", 20, 3),
            ["Kabupaten", "Administrasi", "Kepulauan Seribu"]
        );
        let w = wrap("satu dua tiga empat lima enam tujuh", 9, 2);
        assert_eq!(w.len(), 2);
        assert!(w[1].ends_with('…'));
    }
}
