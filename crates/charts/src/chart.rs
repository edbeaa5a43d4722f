//! Bar (horizontal), stacked bar, line and donut charts, and the HTML table that goes beside each.
//!
//! Every chart is built from one [`Chart`]: a title, category labels and labelled series. A value
//! of `None` is a withheld (suppressed) count: it is drawn as text, never as a zero. Output is a
//! self-contained SVG string (no scripts, no external fonts or images) with `role="img"`, `<title>`,
//! `<desc>` and visible text labels; series are told apart by pattern and label as well as colour.

use std::fmt::Write;

use crate::format;
use crate::svg::{self, GRID, INK, PALETTE, escape};

/// Data for one chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    pub title: String,
    /// Longer text for `<desc>`; a summary is generated when empty.
    pub description: String,
    /// Category labels: bars (bar, stacked), points on the x axis (line) or slices (donut).
    pub categories: Vec<String>,
    /// One or more labelled series, each with one value per category (`None` = withheld).
    pub series: Vec<Series>,
    /// What the numbers count, e.g. `"kasus"` or `"ASN"` (shown in the description and the table).
    pub unit: String,
}

/// A labelled series of values, one per category.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Text shown in place of a withheld value.
pub const WITHHELD: &str = "disembunyikan";
/// Text shown when there is nothing to draw.
pub const NO_DATA: &str = "Tidak ada data";

const WIDTH: u32 = 640;

impl Chart {
    fn value(&self, s: usize, c: usize) -> Option<f64> {
        self.series.get(s).and_then(|s| s.values.get(c).copied().flatten()).filter(|v| v.is_finite())
    }

    /// True when no category has a value to draw.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
            || !(0..self.series.len()).any(|s| (0..self.categories.len()).any(|c| self.value(s, c).is_some()))
    }

    fn describe(&self, kind: &str) -> String {
        if !self.description.is_empty() {
            return self.description.clone();
        }
        if self.is_empty() {
            return format!("{kind}. {NO_DATA}.");
        }
        let unit = if self.unit.is_empty() { String::new() } else { format!(" ({})", self.unit) };
        let names: Vec<&str> = self.series.iter().map(|s| s.name.as_str()).collect();
        let mut best: Option<(usize, f64)> = None;
        for c in 0..self.categories.len() {
            let total: f64 = (0..self.series.len()).filter_map(|s| self.value(s, c)).sum();
            if best.is_none_or(|(_, b)| total > b) {
                best = Some((c, total));
            }
        }
        let (c, v) = best.unwrap_or((0, 0.0));
        format!(
            "{kind}{unit}: {} kategori, seri {}. Nilai terbesar: {} ({}). Rincian ada pada tabel.",
            self.categories.len(),
            names.join(", "),
            self.categories[c],
            format::number(v)
        )
    }
}

fn placeholder(prefix: &str, title: &str, desc: &str) -> String {
    let mut out = svg::open(prefix, WIDTH, 120, title, desc);
    let _ = write!(
        out,
        r##"<rect x="12" y="36" width="{}" height="72" fill="#f2f2f2" stroke="{GRID}" stroke-dasharray="4 3"/><text x="{}" y="77" text-anchor="middle" class="no-data">{NO_DATA}</text></svg>"##,
        WIDTH - 24,
        WIDTH / 2
    );
    out
}

/// Horizontal bar chart of the first series (long Indonesian labels are wrapped on the left).
/// Bar lengths are proportional to the values, from a zero baseline.
pub fn bar(chart: &Chart) -> String {
    let prefix = svg::id_prefix("bar", &chart.title);
    let desc = chart.describe("Diagram batang");
    if chart.is_empty() {
        return placeholder(&prefix, &chart.title, &desc);
    }
    let (label_w, x0, value_w) = (210.0, 222.0, 96.0);
    let plot = f64::from(WIDTH) - x0 - value_w;
    let max = (0..chart.categories.len()).filter_map(|c| chart.value(0, c)).fold(0.0_f64, f64::max);
    let rows: Vec<Vec<String>> = chart.categories.iter().map(|c| svg::wrap(c, 30, 3)).collect();
    let height = 44.0 + rows.iter().map(|l| row_height(l.len())).sum::<f64>() + 12.0;
    let mut out = svg::open(&prefix, WIDTH, height.ceil() as u32, &chart.title, &desc);
    let mut y = 44.0;
    let _ = write!(out, r##"<g class="bars">"##);
    for (c, lines) in rows.iter().enumerate() {
        let h = row_height(lines.len());
        let mid = y + h / 2.0;
        let label_y = mid - (lines.len() as f64 - 1.0) * 7.5 + 4.5;
        out.push_str(&svg::text_lines(label_w, label_y, 15.0, "end", lines));
        match chart.value(0, c) {
            Some(v) => {
                let w = if max > 0.0 { (v.max(0.0) / max) * plot } else { 0.0 };
                let _ = write!(
                    out,
                    r##"<rect x="{x0}" y="{:.1}" width="{w:.2}" height="16" fill="{}" data-value="{v}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}">{}</text>"##,
                    mid - 8.0,
                    PALETTE[0],
                    escape(&chart.categories[c]),
                    format::number(v),
                    x0 + w + 6.0,
                    mid + 4.5,
                    format::number(v)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" font-style="italic">{WITHHELD}</text>"##,
                    x0 + 4.0,
                    mid + 4.5
                );
            }
        }
        y += h;
    }
    let _ = write!(out, r##"</g><line x1="{x0}" y1="40" x2="{x0}" y2="{y:.1}" stroke="{GRID}"/></svg>"##);
    out
}

fn row_height(lines: usize) -> f64 {
    (lines as f64 * 15.0 + 10.0).max(26.0)
}

fn legend(out: &mut String, prefix: &str, chart: &Chart, y: f64) -> f64 {
    let (mut x, mut y) = (12.0, y);
    for (i, s) in chart.series.iter().enumerate() {
        let w = 28.0 + s.name.chars().count() as f64 * 7.2;
        if x + w > f64::from(WIDTH) - 12.0 {
            x = 12.0;
            y += 20.0;
        }
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="{}" stroke="{INK}" stroke-width="0.5"/><text x="{:.1}" y="{:.1}">{}</text>"##,
            y - 11.0,
            svg::fill(prefix, i),
            x + 20.0,
            y,
            escape(&s.name)
        );
        x += w + 16.0;
    }
    y
}

/// Horizontal stacked bars: one bar per category, one segment per series, with a legend, the total
/// at the end of each bar and each segment's value in its tooltip.
pub fn stacked_bar(chart: &Chart) -> String {
    let prefix = svg::id_prefix("stacked", &chart.title);
    let desc = chart.describe("Diagram batang bertumpuk");
    if chart.is_empty() {
        return placeholder(&prefix, &chart.title, &desc);
    }
    let (label_w, x0, value_w) = (210.0, 222.0, 96.0);
    let plot = f64::from(WIDTH) - x0 - value_w;
    let totals: Vec<f64> = (0..chart.categories.len())
        .map(|c| (0..chart.series.len()).filter_map(|s| chart.value(s, c)).map(|v| v.max(0.0)).sum())
        .collect();
    let max = totals.iter().copied().fold(0.0_f64, f64::max);
    let mut body = String::new();
    let legend_bottom = legend(&mut body, &prefix, chart, 48.0);
    let rows: Vec<Vec<String>> = chart.categories.iter().map(|c| svg::wrap(c, 30, 3)).collect();
    let mut y = legend_bottom + 14.0;
    for (c, lines) in rows.iter().enumerate() {
        let h = row_height(lines.len());
        let mid = y + h / 2.0;
        body.push_str(&svg::text_lines(label_w, mid - (lines.len() as f64 - 1.0) * 7.5 + 4.5, 15.0, "end", lines));
        let mut x = x0;
        let mut withheld = false;
        for (s, series) in chart.series.iter().enumerate() {
            match chart.value(s, c) {
                Some(v) => {
                    let w = if max > 0.0 { v.max(0.0) / max * plot } else { 0.0 };
                    let _ = write!(
                        body,
                        r##"<rect x="{x:.2}" y="{:.1}" width="{w:.2}" height="16" fill="{}" stroke="#fff" stroke-width="1" data-value="{v}"><title>{} — {}: {}</title></rect>"##,
                        mid - 8.0,
                        svg::fill(&prefix, s),
                        escape(&chart.categories[c]),
                        escape(&series.name),
                        format::number(v)
                    );
                    x += w;
                }
                None => withheld = true,
            }
        }
        let total = format::number(totals[c]);
        let note = if withheld { format!("{total} + {WITHHELD}") } else { total };
        let _ = write!(body, r##"<text x="{:.1}" y="{:.1}">{}</text>"##, x + 6.0, mid + 4.5, escape(&note));
        y += h;
    }
    let mut out = svg::open(&prefix, WIDTH, (y + 12.0).ceil() as u32, &chart.title, &desc);
    out.push_str(&svg::pattern_defs(&prefix, chart.series.len()));
    out.push_str(&body);
    let _ = write!(
        out,
        r##"<line x1="{x0}" y1="{:.1}" x2="{x0}" y2="{y:.1}" stroke="{GRID}"/></svg>"##,
        legend_bottom + 10.0
    );
    out
}

/// A "nice" upper bound and step for an axis from 0 to `max`.
fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = if max >= 4.0 { step.max(1.0) } else { step };
    ((max / step).ceil() * step, step)
}

/// Line chart over ordered categories (months): one line per series, each with its own dash
/// pattern and marker shape, labelled at its last point and in the legend.
pub fn line(chart: &Chart) -> String {
    let prefix = svg::id_prefix("line", &chart.title);
    let desc = chart.describe("Diagram garis");
    if chart.is_empty() {
        return placeholder(&prefix, &chart.title, &desc);
    }
    let mut body = String::new();
    let top = legend(&mut body, &prefix, chart, 48.0) + 18.0;
    let (x0, x1, y1) = (64.0, f64::from(WIDTH) - 110.0, top + 220.0);
    let max = (0..chart.series.len())
        .flat_map(|s| (0..chart.categories.len()).filter_map(move |c| chart.value(s, c)))
        .fold(0.0_f64, f64::max);
    let (ymax, step) = nice_axis(max);
    let n = chart.categories.len();
    let xs = |c: usize| if n == 1 { (x0 + x1) / 2.0 } else { x0 + (x1 - x0) * c as f64 / (n - 1) as f64 };
    let ys = |v: f64| y1 - (v / ymax) * (y1 - top);
    let mut tick = 0.0;
    while tick <= ymax + step / 2.0 {
        let _ = write!(
            body,
            r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="{GRID}" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            x0 - 6.0,
            ys(tick) + 4.0,
            format::number(tick),
            y = ys(tick)
        );
        tick += step;
    }
    let every = n.div_ceil(8).max(1);
    for (c, label) in chart.categories.iter().enumerate() {
        if c % every == 0 || c == n - 1 {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                xs(c),
                y1 + 18.0,
                escape(label)
            );
        }
    }
    const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "12 4", "1 2"];
    for (s, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let dash = DASHES[s % DASHES.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for c in 0..n {
            match chart.value(s, c) {
                Some(v) => {
                    let _ = write!(d, "{}{:.1} {:.1}", if pen_down { "L" } else { "M" }, xs(c), ys(v));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            body,
            r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"><title>{}</title></path>"##,
            escape(&series.name)
        );
        let mut last = None;
        for c in 0..n {
            if let Some(v) = chart.value(s, c) {
                let tip = format!("{} — {}: {}", series.name, chart.categories[c], format::number(v));
                body.push_str(&marker(s, xs(c), ys(v), colour, &tip));
                last = Some((c, v));
            }
        }
        if let Some((c, v)) = last {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" fill="{colour}">{}: {}</text>"##,
                xs(c) + 8.0,
                ys(v) + 4.0 + s as f64 * 2.0,
                escape(&svg::wrap(&series.name, 14, 1)[0]),
                format::number(v)
            );
        }
    }
    let mut out = svg::open(&prefix, WIDTH, (y1 + 32.0) as u32, &chart.title, &desc);
    out.push_str(&svg::pattern_defs(&prefix, chart.series.len()));
    out.push_str(&body);
    let _ = write!(out, r##"<line x1="{x0}" y1="{y1:.1}" x2="{x1}" y2="{y1:.1}" stroke="{INK}"/></svg>"##);
    out
}

fn marker(s: usize, x: f64, y: f64, colour: &str, tip: &str) -> String {
    let shape = match s % 4 {
        0 => format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="4""##),
        1 => format!(r##"<rect x="{:.1}" y="{:.1}" width="8" height="8""##, x - 4.0, y - 4.0),
        2 => format!(r##"<path d="M{x:.1} {:.1}l5 9h-10z""##, y - 5.0),
        _ => format!(r##"<path d="M{x:.1} {:.1}l5 5-5 5-5-5z""##, y - 5.0),
    };
    format!(
        r##"{shape} fill="{colour}" stroke="#fff" stroke-width="1"><title>{}</title></{}>"##,
        escape(tip),
        tag(&shape)
    )
}

fn tag(shape: &str) -> &str {
    shape[1..].split(' ').next().unwrap_or("path")
}

/// Donut chart of the first series: slices with patterns, the total in the middle and a legend
/// naming each slice with its value and share.
pub fn donut(chart: &Chart) -> String {
    let prefix = svg::id_prefix("donut", &chart.title);
    let desc = chart.describe("Diagram donat");
    let total: f64 = (0..chart.categories.len()).filter_map(|c| chart.value(0, c)).map(|v| v.max(0.0)).sum();
    if chart.is_empty() || total <= 0.0 {
        return placeholder(&prefix, &chart.title, &desc);
    }
    let n = chart.categories.len();
    let height = (44.0 + 260.0_f64).max(60.0 + n as f64 * 34.0);
    let mut out = svg::open(&prefix, WIDTH, height as u32, &chart.title, &desc);
    out.push_str(&svg::pattern_defs(&prefix, n));
    let (cx, cy, r, inner) = (150.0, 170.0, 115.0, 62.0);
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for c in 0..n {
        let Some(v) = chart.value(0, c).filter(|v| *v > 0.0) else { continue };
        let sweep = v / total * std::f64::consts::TAU;
        let tip = format!("{}: {} ({})", chart.categories[c], format::number(v), format::percent(v / total));
        if sweep >= std::f64::consts::TAU - 1e-9 {
            let _ = write!(
                out,
                r##"<path d="M{:.2} {cy:.2}a{r} {r} 0 1 0 {:.2} 0a{r} {r} 0 1 0 {:.2} 0M{:.2} {cy:.2}a{inner} {inner} 0 1 1 {:.2} 0a{inner} {inner} 0 1 1 {:.2} 0z" fill-rule="evenodd" fill="{}" stroke="#fff" stroke-width="1.5"><title>{}</title></path>"##,
                cx - r,
                2.0 * r,
                -2.0 * r,
                cx - inner,
                2.0 * inner,
                -2.0 * inner,
                svg::fill(&prefix, c),
                escape(&tip)
            );
        } else {
            let end = angle + sweep;
            let large = i32::from(sweep > std::f64::consts::PI);
            let p = |a: f64, rad: f64| (cx + rad * a.cos(), cy + rad * a.sin());
            let (a, b, cc, d) = (p(angle, r), p(end, r), p(end, inner), p(angle, inner));
            let _ = write!(
                out,
                r##"<path d="M{:.2} {:.2}A{r} {r} 0 {large} 1 {:.2} {:.2}L{:.2} {:.2}A{inner} {inner} 0 {large} 0 {:.2} {:.2}z" fill="{}" stroke="#fff" stroke-width="1.5"><title>{}</title></path>"##,
                a.0,
                a.1,
                b.0,
                b.1,
                cc.0,
                cc.1,
                d.0,
                d.1,
                svg::fill(&prefix, c),
                escape(&tip)
            );
            angle = end;
        }
    }
    let _ = write!(
        out,
        r##"<text x="{cx}" y="{:.1}" text-anchor="middle" font-size="20" font-weight="bold">{}</text><text x="{cx}" y="{:.1}" text-anchor="middle">{}</text>"##,
        cy + 4.0,
        format::number(total),
        cy + 22.0,
        escape(if chart.unit.is_empty() { "total" } else { &chart.unit })
    );
    let mut y = 60.0;
    for c in 0..n {
        let value = match chart.value(0, c) {
            Some(v) => format!("{} ({})", format::number(v), format::percent(v.max(0.0) / total)),
            None => WITHHELD.to_owned(),
        };
        let _ = write!(
            out,
            r##"<rect x="300" y="{:.1}" width="16" height="16" fill="{}" stroke="{INK}" stroke-width="0.5"/>"##,
            y - 12.0,
            svg::fill(&prefix, c)
        );
        let mut lines = svg::wrap(&chart.categories[c], 36, 1);
        lines.push(value);
        out.push_str(&svg::text_lines(324.0, y, 15.0, "start", &lines));
        y += 34.0;
    }
    out.push_str("</svg>");
    out
}

/// The accessible HTML table for a chart: caption, one row per category, one column per series.
/// All text is escaped; numbers are formatted Indonesian style; withheld values say so.
pub fn table(chart: &Chart) -> String {
    let mut out = format!(
        r##"<table class="netra-chart-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>"##,
        escape(&chart.title),
        escape(if chart.unit.is_empty() { "Kategori" } else { &chart.unit })
    );
    for s in &chart.series {
        let _ = write!(out, r##"<th scope="col">{}</th>"##, escape(&s.name));
    }
    out.push_str("</tr></thead><tbody>");
    if chart.categories.is_empty() {
        let _ = write!(out, r##"<tr><td colspan="{}">{NO_DATA}</td></tr>"##, chart.series.len() + 1);
    }
    for (c, label) in chart.categories.iter().enumerate() {
        let _ = write!(out, r##"<tr><th scope="row">{}</th>"##, escape(label));
        for s in 0..chart.series.len() {
            match chart.value(s, c) {
                Some(v) => {
                    let _ = write!(out, r##"<td class="num">{}</td>"##, format::number(v));
                }
                None => {
                    let _ = write!(out, r##"<td class="withheld">{WITHHELD}</td>"##);
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
