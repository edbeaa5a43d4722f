//! Netra's ASN-neutrality vulnerability index (IKP-style), per province or kabupaten/kota.
//!
//! The method is data (`data/risk/netra-ikn-*.json`): components with weights, a shrinkage
//! strength, the smallest number of reported ASN a region needs to be scored, and category cut-offs
//! per level. Bawaslu changes its IKP method between editions, so every result names the edition it
//! was computed with. The rationale is in `docs/risk-index.md`.
//!
//! All components are 0–100, higher = more vulnerable:
//! - `incidence`: ASN reported, `ln(1 + n)` relative to the largest among regions of the level;
//! - `substantiation`: ASN forwarded among ASN decided by Bawaslu (forwarded or not);
//! - `seniority`: JPT and camat/lurah among ASN reported;
//! - `impunity`: recommendations overdue, escalated or blocked among recommendations issued;
//! - `incumbency`: not computed yet (weight 0 in edition 2026.1).
//!
//! Rates are shrunk towards the pooled rate of all regions of the level: `(x + k·p) / (n + k)`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::region::RegionLevel;

const EDITION_2026_1: &str = include_str!("../../../data/risk/netra-ikn-2026.1.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Component {
    pub key: String,
    pub weight: f64,
    pub name_id: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Cutoffs {
    /// Lowest score that is `sedang`.
    pub sedang: f64,
    /// Lowest score that is `tinggi`.
    pub tinggi: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LevelCutoffs {
    pub province: Cutoffs,
    pub regency: Cutoffs,
}

/// One edition of the method.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RiskMethod {
    pub edition: String,
    pub name_id: String,
    pub name_en: String,
    pub notes: Vec<String>,
    pub components: Vec<Component>,
    /// Pseudo-observations of the pooled rate added to every region's rates.
    pub shrinkage: f64,
    /// Regions with fewer reported ASN are listed as not scored (too little data).
    pub min_asn: i64,
    pub cutoffs: LevelCutoffs,
}

/// The current edition.
pub fn current_method() -> &'static RiskMethod {
    static M: OnceLock<RiskMethod> = OnceLock::new();
    M.get_or_init(|| serde_json::from_str(EDITION_2026_1).expect("data/risk edition parses (checked by a test)"))
}

/// What the index needs per region, counted in the ASN unit (subject tracks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInputs {
    /// Kemendagri code of the province or kabupaten/kota.
    pub region: String,
    pub asn_reported: i64,
    /// Decided by Bawaslu: forwarded to the authority or not.
    pub asn_decided: i64,
    pub asn_forwarded: i64,
    /// JPT (utama, madya, pratama) or territorial heads (camat/lurah).
    pub asn_senior: i64,
    /// Recommendations issued by the authority (every later track state included).
    pub asn_recommended: i64,
    /// Recommendations overdue, escalated or blocked by the PPK.
    pub asn_unenforced: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    Rendah,
    Sedang,
    Tinggi,
}

impl RiskCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskCategory::Rendah => "rendah",
            RiskCategory::Sedang => "sedang",
            RiskCategory::Tinggi => "tinggi",
        }
    }
}

/// One region's result. `score` and `category` are `None` when it has fewer than `min_asn`
/// reported ASN; the components are still shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionRisk {
    pub region: String,
    pub score: Option<f64>,
    pub category: Option<RiskCategory>,
    /// `(component key, value 0–100)` in the method's order; `None` where not computable.
    pub components: Vec<(String, Option<f64>)>,
    pub asn_reported: i64,
}

fn shrunk(x: i64, n: i64, pooled: f64, k: f64) -> f64 {
    100.0 * (x as f64 + k * pooled) / (n as f64 + k)
}

fn pooled(inputs: &[RegionInputs], x: impl Fn(&RegionInputs) -> i64, n: impl Fn(&RegionInputs) -> i64) -> f64 {
    let (xs, ns) = inputs.iter().fold((0i64, 0i64), |(a, b), r| (a + x(r), b + n(r)));
    if ns == 0 { 0.0 } else { xs as f64 / ns as f64 }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl RiskMethod {
    pub fn cutoffs_for(&self, level: RegionLevel) -> Cutoffs {
        match level {
            RegionLevel::Province => self.cutoffs.province,
            _ => self.cutoffs.regency,
        }
    }

    pub fn category(&self, level: RegionLevel, score: f64) -> RiskCategory {
        let c = self.cutoffs_for(level);
        if score >= c.tinggi {
            RiskCategory::Tinggi
        } else if score >= c.sedang {
            RiskCategory::Sedang
        } else {
            RiskCategory::Rendah
        }
    }

    /// Scores every region of one level against the others of that level, highest first.
    pub fn compute(&self, level: RegionLevel, inputs: &[RegionInputs]) -> Vec<RegionRisk> {
        let k = self.shrinkage;
        let p_sub = pooled(inputs, |r| r.asn_forwarded, |r| r.asn_decided);
        let p_sen = pooled(inputs, |r| r.asn_senior, |r| r.asn_reported);
        let p_imp = pooled(inputs, |r| r.asn_unenforced, |r| r.asn_recommended);
        let max_log = inputs.iter().map(|r| (r.asn_reported.max(0) as f64).ln_1p()).fold(0.0, f64::max);
        let total_weight: f64 = self.components.iter().filter(|c| c.key != "incumbency").map(|c| c.weight).sum();
        let mut out: Vec<RegionRisk> = inputs
            .iter()
            .map(|r| {
                let components: Vec<(String, Option<f64>)> = self
                    .components
                    .iter()
                    .map(|c| {
                        let v = match c.key.as_str() {
                            "incidence" if max_log > 0.0 => {
                                Some(100.0 * (r.asn_reported.max(0) as f64).ln_1p() / max_log)
                            }
                            "incidence" => Some(0.0),
                            "substantiation" => Some(shrunk(r.asn_forwarded, r.asn_decided, p_sub, k)),
                            "seniority" => Some(shrunk(r.asn_senior, r.asn_reported, p_sen, k)),
                            "impunity" => Some(shrunk(r.asn_unenforced, r.asn_recommended, p_imp, k)),
                            _ => None,
                        };
                        (c.key.clone(), v.map(round2))
                    })
                    .collect();
                let scored = r.asn_reported >= self.min_asn && total_weight > 0.0;
                let score = scored.then(|| {
                    let sum: f64 =
                        self.components.iter().zip(&components).filter_map(|(c, (_, v))| v.map(|v| c.weight * v)).sum();
                    round2(sum / total_weight)
                });
                RegionRisk {
                    region: r.region.clone(),
                    score,
                    category: score.map(|s| self.category(level, s)),
                    components,
                    asn_reported: r.asn_reported,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)).then_with(|| a.region.cmp(&b.region))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(
        code: &str,
        reported: i64,
        decided: i64,
        forwarded: i64,
        senior: i64,
        rec: i64,
        unenf: i64,
    ) -> RegionInputs {
        RegionInputs {
            region: code.into(),
            asn_reported: reported,
            asn_decided: decided,
            asn_forwarded: forwarded,
            asn_senior: senior,
            asn_recommended: rec,
            asn_unenforced: unenf,
        }
    }

    #[test]
    fn the_shipped_edition_is_consistent() {
        let m = current_method();
        assert_eq!(m.edition, "netra-ikn-2026.1");
        let sum: f64 = m.components.iter().map(|c| c.weight).sum();
        assert!((sum - 1.0).abs() < 1e-9, "weights sum to {sum}");
        for c in [m.cutoffs.province, m.cutoffs.regency] {
            assert!(0.0 < c.sedang && c.sedang < c.tinggi && c.tinggi <= 100.0);
        }
        // IKP 2024's bands: provinces and kabupaten/kota differ.
        assert_eq!(m.category(RegionLevel::Province, 50.0), RiskCategory::Sedang);
        assert_eq!(m.category(RegionLevel::Regency, 50.0), RiskCategory::Tinggi);
        assert_eq!(m.category(RegionLevel::Regency, 13.46), RiskCategory::Rendah);
    }

    #[test]
    fn scores_follow_the_components_and_small_regions_are_not_scored() {
        let m = current_method();
        let inputs = [
            // Many reports, mostly proven, senior officials, PPKs ignoring recommendations.
            region("33", 120, 100, 90, 60, 80, 50),
            // Few reports, mostly unproven, no follow-up problem.
            region("34", 20, 20, 4, 2, 4, 0),
            // Too little data to score.
            region("35", 3, 3, 3, 3, 3, 3),
        ];
        let r = m.compute(RegionLevel::Province, &inputs);
        assert_eq!(r.iter().map(|x| x.region.as_str()).collect::<Vec<_>>(), ["33", "34", "35"]);
        let (high, low, none) = (&r[0], &r[1], &r[2]);
        assert_eq!(high.components[0], ("incidence".into(), Some(100.0)));
        assert!(high.score.unwrap() > low.score.unwrap());
        assert_eq!(high.category, Some(RiskCategory::Tinggi), "{high:?}");
        assert_eq!(none.score, None);
        assert_eq!(none.category, None);
        assert!(none.components.iter().any(|(k, v)| k == "impunity" && v.is_some()), "components still shown");
        assert!(high.components.iter().any(|(k, v)| k == "incumbency" && v.is_none()));
        // Shrinkage: 3 of 3 forwarded is pulled towards the pooled rate (97/123), not 100.
        let sub = none.components.iter().find(|(k, _)| k == "substantiation").unwrap().1.unwrap();
        assert!(sub < 100.0 && sub > 97.0 / 123.0 * 100.0, "{sub}");
    }

    #[test]
    fn nothing_reported_scores_nothing() {
        let r = current_method().compute(RegionLevel::Regency, &[region("33.74", 0, 0, 0, 0, 0, 0)]);
        assert_eq!(r[0].score, None);
        assert_eq!(r[0].components[0].1, Some(0.0));
    }
}
