//! Choropleth maps of Indonesia by province (38) and by kabupaten/kota (514, of which 507 have a
//! shape), drawn from geometry compiled in from `data/geo/` (see `data/geo/SOURCE.md`).
//!
//! The geometry is pre-projected by `data/geo/build.py` (equirectangular on lon 94–142 E,
//! lat 11 S–6 N, 100 units per degree; view box 4800 × 1700). Each region is a `<path>` inside an
//! `<a href="?region=CODE">` with a `<title>` naming it and its value, so a click filters the
//! dashboard and a screen reader or tooltip gives the number. Regions without a shape are never
//! dropped: [`MapOutput::without_shape`] lists them for a table under the map.

use std::fmt::Write;
use std::sync::OnceLock;

use crate::format;
use crate::svg::{self, GRID, INK, escape};

const PROVINCE_PATHS: &str = include_str!("../../../data/geo/provinces.paths");
const REGENCY_PATHS: &str = include_str!("../../../data/geo/regencies.paths");
const MISSING_CSV: &str = include_str!("../../../data/geo/regencies-missing.csv");

/// Width and height of the projected geometry, in its own units (0.01 degree).
pub const GEO_WIDTH: f64 = 4800.0;
pub const GEO_HEIGHT: f64 = 1700.0;

/// Which regions the map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLevel {
    /// 38 provinsi (codes `PP`).
    Province,
    /// Kabupaten and kota (codes `PP.KK`).
    Regency,
}

fn parse_paths(text: &'static str) -> Vec<(&'static str, &'static str)> {
    text.lines().filter_map(|l| l.split_once('\t')).collect()
}

/// Shapes of a level as (Kemendagri code, SVG path data), sorted by code.
pub fn shapes(level: MapLevel) -> &'static [(&'static str, &'static str)] {
    static PROVINCES: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    static REGENCIES: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    match level {
        MapLevel::Province => PROVINCES.get_or_init(|| parse_paths(PROVINCE_PATHS)),
        MapLevel::Regency => REGENCIES.get_or_init(|| parse_paths(REGENCY_PATHS)),
    }
}

/// True when the region has a shape on the map of `level`.
pub fn has_shape(level: MapLevel, code: &str) -> bool {
    shapes(level).binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

/// The kabupaten/kota that the shipped geometry has no shape for (code, name), as documented in
/// `data/geo/regencies-missing.csv`.
pub fn regencies_without_shape() -> Vec<(&'static str, &'static str)> {
    MISSING_CSV.lines().skip(1).filter_map(|l| l.split_once(',')).collect()
}

/// One region's value. `None` is a withheld (suppressed) count, drawn with a hatch, not as zero.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionValue {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
}

/// How values are grouped into colour classes (zero always has its own class).
#[derive(Debug, Clone, PartialEq)]
pub enum Breaks {
    /// Up to this many classes with about equally many regions each (over the positive values).
    Quantiles(usize),
    /// Upper bounds (inclusive) of the classes, ascending; values above the last bound form a last class.
    Fixed(Vec<f64>),
}

/// One colour class of the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub lower: f64,
    /// `None` for an open last class (fixed breaks).
    pub upper: Option<f64>,
    pub colour: &'static str,
    pub label: String,
}

/// A choropleth to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    pub title: String,
    /// Longer text for `<desc>`; a summary is generated when empty.
    pub description: String,
    pub level: MapLevel,
    /// What the values count (`"kasus"`, `"ASN"`).
    pub unit: String,
    pub values: Vec<RegionValue>,
    pub breaks: Breaks,
    /// Prefix of each region's link; the region code is appended (default use: `"?region="`).
    pub link_prefix: String,
}

/// The drawn map and what could not be drawn on it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOutput {
    pub svg: String,
    /// Regions with a value but no shape at this level: show them in a table under the map.
    pub without_shape: Vec<RegionValue>,
    pub classes: Vec<Class>,
}

/// Sequential blues, light to dark; the legend carries the ranges in text.
const RAMP: [&str; 5] = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
const ZERO: &str = "#ffffff";
const NO_VALUE: &str = "#d9d9d9";
const OUT_W: f64 = 960.0;

fn range_label(lower: f64, upper: Option<f64>, previous: Option<f64>) -> String {
    match (upper, previous) {
        (Some(u), _) if u == lower => format::number(u),
        (Some(u), _) => format!("{}–{}", format::number(lower), format::number(u)),
        (None, Some(p)) => format!("> {}", format::number(p)),
        (None, None) => format!("≥ {}", format::number(lower)),
    }
}

fn classes(values: &[f64], breaks: &Breaks) -> Vec<Class> {
    let mut positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0 && v.is_finite()).collect();
    positive.sort_by(f64::total_cmp);
    let integers = positive.iter().all(|v| v.fract() == 0.0);
    let step = if integers { 1.0 } else { 0.0 };
    let mut uppers: Vec<Option<f64>> = match breaks {
        Breaks::Quantiles(k) => {
            let k = (*k).clamp(1, RAMP.len());
            let n = positive.len();
            let mut u: Vec<Option<f64>> =
                (1..=k).filter(|_| n > 0).map(|i| Some(positive[(i * n).div_ceil(k).max(1) - 1])).collect();
            u.dedup();
            u
        }
        Breaks::Fixed(b) => {
            let mut u: Vec<Option<f64>> =
                b.iter().copied().filter(|v| *v > 0.0).take(RAMP.len() - 1).map(Some).collect();
            u.push(None);
            u
        }
    };
    if uppers.is_empty() {
        uppers.push(None);
    }
    let first = if integers { 1.0 } else { positive.first().copied().unwrap_or(0.0) };
    let mut out = Vec::new();
    let (mut lower, mut previous) = (first, None);
    let shift = RAMP.len() - uppers.len();
    for (i, upper) in uppers.into_iter().enumerate() {
        let colour = RAMP[(i + shift).min(RAMP.len() - 1)];
        out.push(Class { lower, upper, colour, label: range_label(lower, upper, previous) });
        lower = upper.map_or(lower, |u| u + step);
        previous = upper;
    }
    out
}

fn class_of(classes: &[Class], v: f64) -> Option<&Class> {
    classes.iter().find(|c| c.upper.is_none_or(|u| v <= u)).or(classes.last())
}

impl Choropleth {
    /// Draws the map: one linked `<path>` per region with a shape, a legend with the class ranges,
    /// and the regions without a shape listed in [`MapOutput::without_shape`].
    pub fn render(&self) -> MapOutput {
        let prefix = svg::id_prefix("map", &self.title);
        let known: Vec<f64> = self.values.iter().filter_map(|v| v.value).collect();
        let classes = classes(&known, &self.breaks);
        let without_shape: Vec<RegionValue> =
            self.values.iter().filter(|v| !has_shape(self.level, &v.code)).cloned().collect();
        let desc = if self.description.is_empty() {
            let mut d = format!(
                "Peta koroplet {} ({}): {} wilayah berwarna menurut kelas nilai; legenda di kiri bawah. Klik wilayah untuk menyaring.",
                match self.level {
                    MapLevel::Province => "per provinsi",
                    MapLevel::Regency => "per kabupaten/kota",
                },
                self.unit,
                self.values.len() - without_shape.len()
            );
            if !without_shape.is_empty() {
                let names: Vec<&str> = without_shape.iter().map(|v| v.name.as_str()).collect();
                let _ = write!(d, " Tanpa bentuk di peta (lihat tabel): {}.", names.join(", "));
            }
            d
        } else {
            self.description.clone()
        };
        let scale = OUT_W / GEO_WIDTH;
        let map_h = GEO_HEIGHT * scale;
        let height = 40.0 + map_h + 30.0;
        // The regions are links, and links may not sit inside an image role: the map is a group.
        let mut out = svg::open(&prefix, OUT_W as u32, height.ceil() as u32, &self.title, &desc).replacen(
            "role=\"img\"",
            "role=\"group\"",
            1,
        );
        let _ = write!(
            out,
            r##"<defs><pattern id="{prefix}-withheld" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#f0f0f0"/><path d="M0 8L8 0M-2 2L2-2M6 10L10 6" stroke="#707070" stroke-width="1.2"/></pattern></defs>"##
        );
        let _ = write!(
            out,
            r##"<g transform="translate(0 40) scale({scale})" stroke="{INK}" stroke-width="0.6" stroke-linejoin="round" vector-effect="non-scaling-stroke">"##
        );
        for (code, d) in shapes(self.level) {
            let value = self.values.iter().find(|v| v.code == *code);
            let (fill, tip) = match value {
                Some(RegionValue { name, value: Some(v), .. }) => {
                    let fill = if *v <= 0.0 { ZERO } else { class_of(&classes, *v).map_or(NO_VALUE, |c| c.colour) };
                    (fill.to_owned(), format!("{name}: {} {}", format::number(*v), self.unit))
                }
                Some(RegionValue { name, value: None, .. }) => {
                    (format!("url(#{prefix}-withheld)"), format!("{name}: {}", crate::chart::WITHHELD))
                }
                None => (NO_VALUE.to_owned(), format!("{code}: {}", crate::chart::NO_DATA)),
            };
            let tip = escape(&tip);
            let _ = write!(
                out,
                r##"<a href="{}{code}" aria-label="{tip}"><path d="{d}" fill="{fill}" vector-effect="non-scaling-stroke" data-code="{code}"><title>{tip}</title></path></a>"##,
                escape(&self.link_prefix)
            );
        }
        out.push_str("</g>");
        // Legend in the empty sea south-west of Sumatra.
        let mut y = 40.0 + map_h * 0.56;
        let _ = write!(
            out,
            r##"<g class="legend"><text x="12" y="{y:.1}" font-weight="bold">{}</text>"##,
            escape(&self.unit)
        );
        let mut entries: Vec<(String, String)> = vec![(ZERO.to_owned(), "0".to_owned())];
        entries.extend(classes.iter().map(|c| (c.colour.to_owned(), c.label.clone())));
        if self.values.iter().any(|v| v.value.is_none()) {
            entries.push((format!("url(#{prefix}-withheld)"), crate::chart::WITHHELD.to_owned()));
        }
        if shapes(self.level).iter().any(|(c, _)| !self.values.iter().any(|v| v.code == *c)) {
            entries.push((NO_VALUE.to_owned(), crate::chart::NO_DATA.to_owned()));
        }
        for (fill, label) in entries {
            y += 19.0;
            let _ = write!(
                out,
                r##"<rect x="12" y="{:.1}" width="22" height="14" fill="{fill}" stroke="{GRID}"/><text x="40" y="{y:.1}">{}</text>"##,
                y - 11.0,
                escape(&label)
            );
        }
        out.push_str("</g></svg>");
        MapOutput { svg: out, without_shape, classes }
    }

    /// The accessible table twin of the map: every region with its value, including those without
    /// a shape (marked), in the order given.
    pub fn table(&self) -> String {
        let mut out = format!(
            r##"<table class="netra-map-table"><caption>{}</caption><thead><tr><th scope="col">Kode</th><th scope="col">Wilayah</th><th scope="col">{}</th></tr></thead><tbody>"##,
            escape(&self.title),
            escape(&self.unit)
        );
        for v in &self.values {
            let value = v.value.map_or_else(|| crate::chart::WITHHELD.to_owned(), format::number);
            let note = if has_shape(self.level, &v.code) { "" } else { " (tidak ada di peta)" };
            let _ = write!(
                out,
                r##"<tr><td>{}</td><th scope="row"><a href="{}{}">{}</a>{note}</th><td class="num">{value}</td></tr>"##,
                escape(&v.code),
                escape(&self.link_prefix),
                escape(&v.code),
                escape(&v.name)
            );
        }
        out.push_str("</tbody></table>");
        out
    }
}
