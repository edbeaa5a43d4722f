//! Indonesian number formatting: `.` groups thousands, `,` is the decimal mark, a space before `%`.

/// `1234` → `"1.234"`, `-1234567` → `"-1.234.567"`.
pub fn int(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A number with `decimals` digits after the decimal comma, thousands grouped: `1234.56, 1` → `"1.234,6"`.
/// Whole numbers are written without decimals when `decimals` is 0.
pub fn decimal(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    // Rounding may give "-0,0": only show the sign when something non-zero is left.
    let negative = v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&int(whole));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// A value: whole numbers as integers, others with one decimal (`3.0` → `"3"`, `2.26` → `"2,3"`).
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9e15 { int(v as i64) } else { decimal(v, 1) }
}

/// A share given as a fraction: `0.379` → `"37,9 %"`.
pub fn percent(fraction: f64) -> String {
    format!("{} %", decimal(fraction * 100.0, 1))
}

/// `"2024-10"` → `"Okt 2024"`; anything else is returned unchanged.
pub fn month_label(ym: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];
    match ym.split_once('-').and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?))) {
        Some((y, m)) if (1..=12).contains(&m) && y.len() == 4 => format!("{} {y}", MONTHS[m - 1]),
        _ => ym.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_style() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1234), "1.234");
        assert_eq!(int(-1234567), "-1.234.567");
        assert_eq!(decimal(1234.56, 1), "1.234,6");
        assert_eq!(decimal(-0.01, 1), "0,0");
        assert_eq!(percent(0.379), "37,9 %");
        assert_eq!(percent(1.0), "100,0 %");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.26), "2,3");
        assert_eq!(month_label("2024-10"), "Okt 2024");
        assert_eq!(month_label("lainnya"), "lainnya");
    }
}
