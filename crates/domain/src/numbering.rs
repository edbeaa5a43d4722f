//! Bawaslu registration numbers from a configurable template.
//!
//! Bawaslu's pattern is `NNN/LP|TM/PL|PB/RI|Prov|Kab|Kota/<region>/<Roman month>/<year>`, e.g.
//! `002/LP/PL/Kab/27.09/III/2024`. Bawaslu's region segment is its own numbering, not Kemendagri's,
//! and the full table is unverified, so the segment comes from configuration (a map) and falls back
//! to the Kemendagri code (`pp.kk`, `pp.00`, `00.00`).

use std::collections::HashMap;

use thiserror::Error;

use crate::ids::RegionCode;
use crate::model::IntakeKind;
use crate::region::RegionLevel;

pub const DEFAULT_TEMPLATE: &str = "{seq:03}/{kind}/{election}/{level}/{region}/{month}/{year}";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberingError {
    #[error("unknown placeholder `{{{0}}}` in case number template")]
    UnknownPlaceholder(String),
    #[error("unclosed `{{` in case number template")]
    Unclosed,
    #[error("the template must contain {{seq}} so numbers are unique")]
    MissingSeq,
}

/// A parsed, validated numbering template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberTemplate {
    raw: String,
    bawaslu_region: HashMap<String, String>,
}

/// Everything a number is made of.
#[derive(Debug, Clone)]
pub struct NumberParts<'a> {
    pub seq: u32,
    pub kind: IntakeKind,
    pub general_election: bool,
    /// Handling office's region; `None` for Bawaslu RI.
    pub office_region: Option<&'a RegionCode>,
    pub month: u32,
    pub year: i32,
}

const PLACEHOLDERS: &[&str] = &["seq", "seq:03", "kind", "election", "level", "region", "month", "year"];

impl NumberTemplate {
    pub fn parse(raw: &str, bawaslu_region: HashMap<String, String>) -> Result<Self, NumberingError> {
        let mut rest = raw;
        let mut has_seq = false;
        while let Some(i) = rest.find('{') {
            let end = rest[i..].find('}').ok_or(NumberingError::Unclosed)? + i;
            let name = &rest[i + 1..end];
            if !PLACEHOLDERS.contains(&name) {
                return Err(NumberingError::UnknownPlaceholder(name.to_owned()));
            }
            has_seq |= name.starts_with("seq");
            rest = &rest[end + 1..];
        }
        if !has_seq {
            return Err(NumberingError::MissingSeq);
        }
        Ok(Self { raw: raw.to_owned(), bawaslu_region })
    }

    pub fn default_template() -> Self {
        Self::parse(DEFAULT_TEMPLATE, HashMap::new()).expect("default template is valid")
    }

    /// The counter scope: numbers restart per office, intake kind, election type and year.
    pub fn counter_key(&self, p: &NumberParts<'_>) -> String {
        format!(
            "{}|{}|{}|{}",
            p.office_region.map_or("RI", |r| r.as_str()),
            p.kind.number_code(),
            if p.general_election { "PL" } else { "PB" },
            p.year
        )
    }

    pub fn render(&self, p: &NumberParts<'_>) -> String {
        let level = match p.office_region {
            None => "RI",
            Some(r) if r.level() == RegionLevel::Province => "Prov",
            Some(r) if r.is_kota() => "Kota",
            Some(_) => "Kab",
        };
        let region = match p.office_region {
            None => "00.00".to_owned(),
            Some(r) => self.bawaslu_region.get(r.as_str()).cloned().unwrap_or_else(|| {
                match r.ancestor_at(RegionLevel::Regency) {
                    Some(k) => k.as_str().to_owned(),
                    None => format!("{}.00", r.province()),
                }
            }),
        };
        self.raw
            .replace("{seq:03}", &format!("{:03}", p.seq))
            .replace("{seq}", &p.seq.to_string())
            .replace("{kind}", p.kind.number_code())
            .replace("{election}", if p.general_election { "PL" } else { "PB" })
            .replace("{level}", level)
            .replace("{region}", &region)
            .replace("{month}", roman_month(p.month))
            .replace("{year}", &p.year.to_string())
    }
}

pub fn roman_month(m: u32) -> &'static str {
    const R: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    R.get((m as usize).wrapping_sub(1)).copied().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_bawaslu_pattern() {
        let t = NumberTemplate::default_template();
        let r = RegionCode::parse("33.09").unwrap();
        let n = t.render(&NumberParts {
            seq: 2,
            kind: IntakeKind::Laporan,
            general_election: true,
            office_region: Some(&r),
            month: 3,
            year: 2024,
        });
        assert_eq!(n, "002/LP/PL/Kab/33.09/III/2024");
        let p = RegionCode::parse("73").unwrap();
        let n = t.render(&NumberParts {
            seq: 14,
            kind: IntakeKind::Temuan,
            general_election: false,
            office_region: Some(&p),
            month: 11,
            year: 2024,
        });
        assert_eq!(n, "014/TM/PB/Prov/73.00/XI/2024");
    }

    #[test]
    fn bawaslu_region_segment_comes_from_the_map() {
        let map = HashMap::from([("33".to_owned(), "14.00".to_owned()), ("33.09".to_owned(), "14.11".to_owned())]);
        let t = NumberTemplate::parse(DEFAULT_TEMPLATE, map).unwrap();
        let r = RegionCode::parse("33.09").unwrap();
        let parts = NumberParts {
            seq: 7,
            kind: IntakeKind::Laporan,
            general_election: true,
            office_region: Some(&r),
            month: 4,
            year: 2024,
        };
        assert_eq!(t.render(&parts), "007/LP/PL/Kab/14.11/IV/2024");
        assert_eq!(t.render(&NumberParts { office_region: None, ..parts }), "007/LP/PL/RI/00.00/IV/2024");
        let custom = NumberTemplate::parse("{seq}/Reg/{kind}/{election}/{year}", HashMap::new()).unwrap();
        assert_eq!(custom.render(&NumberParts { seq: 12, ..parts }), "12/Reg/LP/PL/2024");
    }

    #[test]
    fn bad_templates_are_refused() {
        assert_eq!(
            NumberTemplate::parse("{seq}/{bogus}", HashMap::new()),
            Err(NumberingError::UnknownPlaceholder("bogus".into()))
        );
        assert_eq!(NumberTemplate::parse("{kind}/{year}", HashMap::new()), Err(NumberingError::MissingSeq));
        assert_eq!(NumberTemplate::parse("{seq", HashMap::new()), Err(NumberingError::Unclosed));
    }
}
