//! The ASN-neutrality vulnerability index per region (`netra_domain::risk`), for officials within
//! their scope and, without the counts of regions too small to score, for the public.

use netra_domain::catalogue;
use netra_domain::ids::RegionCode;
use netra_domain::policy::Actor;
use netra_domain::region::RegionLevel;
use netra_domain::risk::{self, RegionRisk, RiskMethod};
use netra_store::stats::{self, StatsFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::stats::StatsParams;
use crate::{CoreError, Netra};

/// Which regions are compared with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    #[default]
    Province,
    Regency,
}

impl RiskLevel {
    pub fn parse(s: &str) -> Option<RiskLevel> {
        match s {
            "province" | "provinsi" => Some(RiskLevel::Province),
            "regency" | "kabkota" => Some(RiskLevel::Regency),
            _ => None,
        }
    }

    fn region_level(self) -> RegionLevel {
        match self {
            RiskLevel::Province => RegionLevel::Province,
            RiskLevel::Regency => RegionLevel::Regency,
        }
    }

    fn prefix_len(self) -> usize {
        match self {
            RiskLevel::Province => 2,
            RiskLevel::Regency => 5,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskComponentInfo {
    pub key: String,
    pub weight: f64,
    pub name_id: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskComponentValue {
    pub key: String,
    /// 0–100, higher = more vulnerable; `null` where the edition does not compute it yet.
    pub value: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskRow {
    pub code: String,
    pub name: String,
    /// 0–100; `null` when the region has too few reported ASN to be scored (`min_asn`).
    pub score: Option<f64>,
    /// `rendah`, `sedang` or `tinggi` (cut-offs of the edition for this level).
    pub category: Option<String>,
    pub components: Vec<RiskComponentValue>,
    /// ASN reported; `null` in the public view of regions below `min_asn`.
    pub asn_reported: Option<i64>,
}

/// The index for one election and level, every region of the level (within scope) listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskView {
    pub election: String,
    pub edition: String,
    pub level: RiskLevel,
    pub min_asn: i64,
    /// Lowest score of `sedang` and of `tinggi` at this level.
    pub cutoff_sedang: f64,
    pub cutoff_tinggi: f64,
    pub components: Vec<RiskComponentInfo>,
    /// Highest score first; unscored regions last.
    pub regions: Vec<RiskRow>,
}

fn view(method: &RiskMethod, election: String, level: RiskLevel, rows: Vec<RegionRisk>, public: bool) -> RiskView {
    let cut = method.cutoffs_for(level.region_level());
    let regions = rows
        .into_iter()
        .map(|r| {
            let name = RegionCode::parse(&r.region)
                .ok()
                .and_then(|c| catalogue::region(&c).map(|x| x.name.clone()))
                .unwrap_or_else(|| r.region.clone());
            let hidden = public && r.score.is_none();
            RiskRow {
                code: r.region,
                name,
                score: r.score,
                category: r.category.map(|c| c.as_str().to_owned()),
                components: r
                    .components
                    .into_iter()
                    .map(|(key, value)| RiskComponentValue { key, value: if hidden { None } else { value } })
                    .collect(),
                asn_reported: (!hidden).then_some(r.asn_reported),
            }
        })
        .collect();
    RiskView {
        election,
        edition: method.edition.clone(),
        level,
        min_asn: method.min_asn,
        cutoff_sedang: cut.sedang,
        cutoff_tinggi: cut.tinggi,
        components: method
            .components
            .iter()
            .map(|c| RiskComponentInfo {
                key: c.key.clone(),
                weight: c.weight,
                name_id: c.name_id.clone(),
                name_en: c.name_en.clone(),
            })
            .collect(),
        regions,
    }
}

impl Netra {
    /// The index within the actor's scope and filters. Regions of the level inside the scope with
    /// no case are listed too (unscored), so the map has every region.
    pub async fn risk_index(&self, actor: &Actor, p: &StatsParams, level: RiskLevel) -> Result<RiskView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.risk_of(actor, code, &f, level, false).await
    }

    /// The index for everyone: regions too small to score show neither counts nor components.
    pub async fn public_risk_index(&self, election: &str, level: RiskLevel) -> Result<RiskView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        self.risk_of(&actor, code, &f, level, true).await
    }

    async fn risk_of(
        &self,
        actor: &Actor,
        election: String,
        f: &StatsFilter,
        level: RiskLevel,
        public: bool,
    ) -> Result<RiskView, CoreError> {
        let mut inputs = stats::risk_inputs(&self.db, actor, f, level.prefix_len(), self.now()).await?;
        // Every region of the level within the actor's scope and the filter, with zeros.
        let scope = actor.scope.region.clone();
        let filter = f.region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        let inside = |c: &RegionCode| {
            let ok = |r: &Option<RegionCode>| r.as_ref().is_none_or(|r| c.is_within(r) || r.is_within(c));
            ok(&scope) && ok(&filter)
        };
        let regions = catalogue::regions();
        let all: Vec<&RegionCode> = match level {
            RiskLevel::Province => regions.provinces().iter().map(|p| &p.code).collect(),
            RiskLevel::Regency => regions.regencies().iter().map(|r| &r.code).collect(),
        };
        for code in all.into_iter().filter(|c| inside(c)) {
            if !inputs.iter().any(|i| i.region == code.as_str()) {
                inputs.push(risk::RegionInputs { region: code.as_str().to_owned(), ..Default::default() });
            }
        }
        let method = risk::current_method();
        let rows = method.compute(level.region_level(), &inputs);
        Ok(view(method, election, level, rows, public))
    }
}
