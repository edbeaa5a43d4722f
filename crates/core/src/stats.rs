//! Statistics use cases: the handling funnel and the dashboard breakdowns in both counting units,
//! for officials (within their scope) and for the public (national, with small counts suppressed).
//!
//! Units: a *case* is Bawaslu's unit (one per intake, possibly several ASN); an *ASN* is one subject
//! track (one civil servant in one case), the authority's unit. Every figure is labelled with its
//! unit. Public figures go through [`Protector`]: counts of 1–4 are withheld, and further cells are
//! withheld until no withheld cell can be recovered by subtracting published cells from a
//! published total (see `docs/statistics.md`). Public figures take no region or date filter, so
//! two overlapping queries cannot be differenced either.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};
use netra_domain::catalogue;
use netra_domain::ids::RegionCode;
use netra_domain::policy::{self, Action, Actor};
use netra_domain::region::RegionLevel;
use netra_store::people;
use netra_store::stats::{self, Count, Dimension, Funnel, Phase, StatsFilter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::deadlines::{case_time_zone, due_at};
use crate::{CoreError, Netra};

/// Counts below this are withheld from the public so that nobody can be identified.
pub const SUPPRESS_BELOW: i64 = 5;

/// The funnel of one election, labelled by counting unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FunnelView {
    pub election: String,
    /// Bawaslu's unit: one case per intake (may cover several ASN).
    pub cases: Funnel,
    /// The authority's unit: one subject track per civil servant.
    pub asn: Funnel,
}

/// A public count: the number, or `null` with `suppressed: true` when it is 1–4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicCount {
    pub value: Option<i64>,
    pub suppressed: bool,
}

impl PublicCount {
    fn of(v: i64) -> Self {
        PublicCount::masked(v, v > 0 && v < SUPPRESS_BELOW)
    }

    fn masked(v: i64, suppressed: bool) -> Self {
        if suppressed {
            PublicCount { value: None, suppressed: true }
        } else {
            PublicCount { value: Some(v), suppressed: false }
        }
    }
}

/// The public funnel: every count passed through [`PublicCount`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicFunnelView {
    pub election: String,
    pub suppress_below: i64,
    pub cases: std::collections::BTreeMap<String, PublicCount>,
    pub asn: std::collections::BTreeMap<String, PublicCount>,
}

fn public(f: &Funnel) -> std::collections::BTreeMap<String, PublicCount> {
    let v = serde_json::to_value(f).expect("serialisable");
    v.as_object().expect("struct").iter().map(|(k, n)| (k.clone(), PublicCount::of(n.as_i64().unwrap_or(0)))).collect()
}

impl Netra {
    /// The funnel of `election` within the actor's scope.
    pub async fn funnel(&self, actor: &Actor, election: &str) -> Result<FunnelView, CoreError> {
        policy::can(actor, Action::ListCases, None)?;
        let e = people::election(&self.db, election).await?;
        let (cases, asn) = stats::funnel(&self.db, actor, &e.id).await?;
        Ok(FunnelView { election: e.code, cases, asn })
    }

    /// The national funnel for everyone, with small counts suppressed.
    pub async fn public_funnel(&self, election: &str) -> Result<PublicFunnelView, CoreError> {
        let e = people::election(&self.db, election).await?;
        let (cases, asn) = stats::funnel(&self.db, &Actor::system("public-stats"), &e.id).await?;
        Ok(PublicFunnelView {
            election: e.code,
            suppress_below: SUPPRESS_BELOW,
            cases: public(&cases),
            asn: public(&asn),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboards: breakdowns, PPK compliance, attendance, handling time, regions
// ---------------------------------------------------------------------------------------------

/// What each counting unit means, repeated in every response so no number goes unlabelled.
pub fn units() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("cases".to_owned(), "Kasus: satu per laporan/temuan yang ditangani Bawaslu (satuan Bawaslu)".to_owned()),
        ("asn".to_owned(), "ASN: satu per ASN terlapor per kasus (satuan otoritas netralitas dan PPK)".to_owned()),
    ])
}

/// Filters of an official's dashboard (the public ones take only the election).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct StatsParams {
    /// Election id or code, e.g. `pilkada-2024`.
    pub election: String,
    /// Region subtree of the handling office (Kemendagri code, e.g. `33` or `33.74`).
    #[serde(default)]
    pub region: Option<String>,
    /// Only cases received at or after this instant.
    #[serde(default)]
    pub received_from: Option<DateTime<Utc>>,
    /// Only cases received at or before this instant.
    #[serde(default)]
    pub received_to: Option<DateTime<Utc>>,
}

/// Both units of one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnitCounts {
    pub cases: i64,
    pub asn: i64,
}

/// Both units of one public figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicUnitCounts {
    pub cases: PublicCount,
    pub asn: PublicCount,
}

/// Whether one case (or one ASN) can fall into several categories, so the rows add up to more than
/// the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct MultiValued {
    pub cases: bool,
    pub asn: bool,
}

/// One category of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BreakdownRow {
    /// Stable code (`jpt_pratama`, `D-2`, `social_media`, `33`, `2024-10`, …).
    pub key: String,
    /// Indonesian label for display.
    pub label: String,
    /// Coarser group the category belongs to (the catalogue category of a violation form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub cases: i64,
    pub asn: i64,
}

/// A breakdown of one election along one dimension, within the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreakdownView {
    pub election: String,
    #[schema(value_type = String, example = "position_class")]
    pub dimension: Dimension,
    pub units: BTreeMap<String, String>,
    pub multi_valued: MultiValued,
    /// Distinct cases and ASN within the scope and filters.
    pub total: UnitCounts,
    pub rows: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicBreakdownRow {
    pub key: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub cases: PublicCount,
    pub asn: PublicCount,
}

/// The national breakdown for everyone, suppressed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicBreakdownView {
    pub election: String,
    #[schema(value_type = String, example = "position_class")]
    pub dimension: Dimension,
    pub suppress_below: i64,
    pub units: BTreeMap<String, String>,
    pub multi_valued: MultiValued,
    pub total: PublicUnitCounts,
    pub rows: Vec<PublicBreakdownRow>,
}

/// A region's counts (province, kabupaten/kota, or an office handling at province level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub cases: i64,
    pub asn: i64,
}

/// Counts per province and per kabupaten/kota of the handling office, for the map. Every region of
/// the filter's subtree is listed, with zeros. Cases handled by a provincial office count in its
/// province and in `province_offices`, not in any kabupaten/kota; cases handled by Bawaslu RI count
/// only in `national_office` and the total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionsView {
    pub election: String,
    pub units: BTreeMap<String, String>,
    pub total: UnitCounts,
    pub national_office: UnitCounts,
    pub provinces: Vec<RegionRow>,
    pub regencies: Vec<RegionRow>,
    pub province_offices: Vec<RegionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicRegionRow {
    pub code: String,
    pub name: String,
    pub cases: PublicCount,
    pub asn: PublicCount,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicRegionsView {
    pub election: String,
    pub suppress_below: i64,
    pub units: BTreeMap<String, String>,
    pub total: PublicUnitCounts,
    pub national_office: PublicUnitCounts,
    pub provinces: Vec<PublicRegionRow>,
    pub regencies: Vec<PublicRegionRow>,
    pub province_offices: Vec<PublicRegionRow>,
}

/// PPK follow-up of one agency's recommendations (unit: ASN).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PpkRow {
    pub agency_id: Option<String>,
    pub agency_code: Option<String>,
    pub agency_name: String,
    /// `central`, `province`, `regency` or `unknown`.
    pub agency_kind: String,
    /// Recommendations issued (ASN).
    pub recommended: i64,
    /// Sanction decree recorded by the PPK.
    pub followed_up: i64,
    /// Not yet followed up, deadline still running.
    pub pending: i64,
    /// Not followed up and the PPK deadline has passed.
    pub overdue: i64,
    /// ASN whose personnel data the authority blocked at least once.
    pub data_blocks: i64,
    /// Escalated to Kemendagri or the President.
    pub escalated: i64,
    /// `followed_up / recommended`.
    pub follow_up_rate: Option<f64>,
    /// Position of today's PPK holder, when recorded.
    pub ppk_position: Option<String>,
    /// Today's PPK holder is a candidate in this election (conflict of interest).
    pub ppk_conflicted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PpkComplianceView {
    pub election: String,
    /// Always `asn`: recommendations and sanctions are per civil servant.
    pub unit: String,
    pub total: PpkRow,
    pub agencies: Vec<PpkRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicPpkRow {
    pub agency_code: Option<String>,
    pub agency_name: String,
    pub agency_kind: String,
    pub recommended: PublicCount,
    pub followed_up: PublicCount,
    pub pending: PublicCount,
    pub overdue: PublicCount,
    pub data_blocks: PublicCount,
    pub escalated: PublicCount,
    pub ppk_conflicted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicPpkComplianceView {
    pub election: String,
    pub suppress_below: i64,
    pub unit: String,
    pub total: PublicPpkRow,
    pub agencies: Vec<PublicPpkRow>,
}

/// Clarification attendance of one invitee role (`reporter`, `subject`, `witness`, `expert`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AttendanceRow {
    pub role: String,
    pub label: String,
    /// Invitations sent (first and second).
    pub invitations: i64,
    pub attended: i64,
    pub absent: i64,
    /// Session not held yet or attendance not recorded.
    pub pending: i64,
    /// Second invitations (sent after a first no-show).
    pub second_invitations: i64,
    /// Distinct people invited (per case).
    pub invitees: i64,
    /// Invitees absent from every session recorded for them (the case is then studied on the
    /// evidence held, Perbawaslu 7/2022 Ps 30).
    pub never_attended: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceView {
    pub election: String,
    /// `invitations` count invitations; `invitees` and `never_attended` count people per case.
    pub units: BTreeMap<String, String>,
    pub total: AttendanceRow,
    pub roles: Vec<AttendanceRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicAttendanceRow {
    pub role: String,
    pub label: String,
    pub invitations: PublicCount,
    pub attended: PublicCount,
    pub absent: PublicCount,
    pub pending: PublicCount,
    pub second_invitations: PublicCount,
    pub invitees: PublicCount,
    pub never_attended: PublicCount,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicAttendanceView {
    pub election: String,
    pub suppress_below: i64,
    pub units: BTreeMap<String, String>,
    pub total: PublicAttendanceRow,
    pub roles: Vec<PublicAttendanceRow>,
}

/// Handling time of one office in one phase. Days are calendar days (24 h) between the two
/// recorded instants; lateness is judged against the legal deadline (which may count working days).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HandlingRow {
    /// Region code (Bawaslu), authority id, or agency id; `None` for the national row.
    pub office: Option<String>,
    pub office_name: String,
    /// Finished intervals.
    pub finished: i64,
    pub median_days: Option<f64>,
    /// 90th percentile (nearest rank).
    pub p90_days: Option<f64>,
    /// Finished after the deadline.
    pub late: i64,
    pub on_time: i64,
    /// `late / finished`.
    pub late_share: Option<f64>,
    /// Still open.
    pub open: i64,
    /// Still open and already past the deadline.
    pub open_overdue: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhaseView {
    #[schema(value_type = String, example = "bawaslu")]
    pub phase: Phase,
    /// `cases` (Bawaslu) or `asn` (authority, PPK).
    pub unit: String,
    /// Deadline rule applied, e.g. `pilkada.handling_extended`, with its citation.
    pub rule: String,
    pub citation: String,
    pub overall: HandlingRow,
    pub offices: Vec<HandlingRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandlingTimeView {
    pub election: String,
    pub phases: Vec<PhaseView>,
}

/// A public statistic that is withheld with its count.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicMeasure {
    pub value: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicHandlingRow {
    pub office: Option<String>,
    pub office_name: String,
    pub finished: PublicCount,
    pub median_days: PublicMeasure,
    pub p90_days: PublicMeasure,
    pub late: PublicCount,
    pub on_time: PublicCount,
    pub late_share: PublicMeasure,
    pub open: PublicCount,
    pub open_overdue: PublicCount,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicPhaseView {
    #[schema(value_type = String, example = "bawaslu")]
    pub phase: Phase,
    pub unit: String,
    pub rule: String,
    pub citation: String,
    pub overall: PublicHandlingRow,
    pub offices: Vec<PublicHandlingRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicHandlingTimeView {
    pub election: String,
    pub suppress_below: i64,
    pub phases: Vec<PublicPhaseView>,
}

// ---------------------------------------------------------------------------------------------
// Suppression
// ---------------------------------------------------------------------------------------------

/// Small-count suppression with complementary suppression over additive groups.
///
/// Cells are counts; a group says `total = sum(members)` (or `>=` for multi-valued categories).
/// Rules, applied until nothing changes: every count of 1–4 is withheld; in a group whose total is
/// published, if any member is withheld then at least two are and the withheld members add up to at
/// least [`SUPPRESS_BELOW`] — otherwise the smallest published non-zero member is withheld too, and
/// if none is left the total is withheld; in a group whose total is withheld, at least one non-zero
/// member is withheld, so the total cannot be rebuilt by adding published members. Zeros are
/// published. Withholding only ever grows, so the loop ends.
#[derive(Debug, Default)]
pub struct Protector {
    values: Vec<i64>,
    groups: Vec<(usize, Vec<usize>)>,
}

impl Protector {
    /// Adds a cell and returns its index.
    pub fn cell(&mut self, v: i64) -> usize {
        self.values.push(v);
        self.values.len() - 1
    }

    /// Declares that `members` add up to `total`.
    pub fn group(&mut self, total: usize, members: Vec<usize>) {
        self.groups.push((total, members));
    }

    /// A cell as published, given the result of [`Protector::run`].
    pub fn public(&self, withheld: &[bool], i: usize) -> PublicCount {
        PublicCount::masked(self.values[i], withheld[i])
    }

    /// Which cells are withheld.
    pub fn run(&self) -> Vec<bool> {
        let v = &self.values;
        let mut out: Vec<bool> = v.iter().map(|&x| x > 0 && x < SUPPRESS_BELOW).collect();
        let smallest_published = |out: &[bool], members: &[usize]| {
            members.iter().copied().filter(|&m| !out[m] && v[m] > 0).min_by_key(|&m| (v[m], m))
        };
        loop {
            let mut changed = false;
            for (total, members) in &self.groups {
                let withheld: Vec<usize> = members.iter().copied().filter(|&m| out[m] && v[m] > 0).collect();
                if out[*total] {
                    if withheld.is_empty()
                        && let Some(m) = smallest_published(&out, members)
                    {
                        out[m] = true;
                        changed = true;
                    }
                    continue;
                }
                if withheld.is_empty() {
                    continue;
                }
                let (mut k, mut sum) = (withheld.len(), withheld.iter().map(|&m| v[m]).sum::<i64>());
                while k < 2 || sum < SUPPRESS_BELOW {
                    changed = true;
                    match smallest_published(&out, members) {
                        Some(m) => {
                            out[m] = true;
                            k += 1;
                            sum += v[m];
                        }
                        None => {
                            out[*total] = true;
                            break;
                        }
                    }
                }
            }
            if !changed {
                return out;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

const PLATFORMS: [(&str, &str); 9] = [
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("x", "X (Twitter)"),
    ("whatsapp", "WhatsApp"),
    ("youtube", "YouTube"),
    ("telegram", "Telegram"),
    ("other", "Platform lain"),
    ("unspecified", "Tidak disebutkan"),
];

/// Free-text platform names reduced to a short, closed list (free text never reaches the public).
fn platform_key(raw: &str) -> &'static str {
    let p = raw.trim().to_lowercase();
    let is = |names: &[&str]| {
        names.iter().any(|n| p == *n || p.starts_with(&format!("{n} ")) || p.contains(&format!("{n}.com")))
    };
    if p.is_empty() {
        "unspecified"
    } else if is(&["facebook", "fb", "meta"]) {
        "facebook"
    } else if is(&["instagram", "ig"]) {
        "instagram"
    } else if is(&["tiktok", "tik tok"]) {
        "tiktok"
    } else if is(&["x", "twitter", "x (twitter)"]) {
        "x"
    } else if is(&["whatsapp", "wa", "whatsapp group", "grup whatsapp", "grup wa"]) {
        "whatsapp"
    } else if is(&["youtube", "yt"]) {
        "youtube"
    } else if is(&["telegram"]) {
        "telegram"
    } else {
        "other"
    }
}

fn region_name(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|c| catalogue::region(&c).map(|r| r.name.clone()))
        .unwrap_or_else(|| code.to_owned())
}

/// Every category of a closed dimension in display order, with its label and group; `None` for
/// open dimensions (month), whose categories come from the data.
fn categories(dim: Dimension) -> Vec<(String, String, Option<String>)> {
    let row = |k: &str, l: &str| (k.to_owned(), l.to_owned(), None);
    match dim {
        Dimension::PositionClass => {
            let mut v: Vec<_> = catalogue::position_classes()
                .iter()
                .map(|c| (c.class.as_str().to_owned(), c.name_id.clone(), None))
                .collect();
            v.push(row("territorial_head", "Camat/Lurah (kepala wilayah)"));
            v.push(row("unknown", "Tidak diketahui"));
            v
        }
        Dimension::ViolationForm => {
            let mut v: Vec<_> = catalogue::violations()
                .iter()
                .map(|f| {
                    let group = match f.category {
                        catalogue::ViolationCategory::KodeEtik => "Kode etik",
                        catalogue::ViolationCategory::Disiplin => "Disiplin",
                    };
                    (f.code.clone(), format!("{} — {}", f.code, f.name_id), Some(group.to_owned()))
                })
                .collect();
            v.push(row("unspecified", "Tidak disebutkan pelapor"));
            v
        }
        Dimension::Category => {
            vec![row("kode_etik", "Kode etik"), row("disiplin", "Disiplin"), row("none", "Belum/tidak ada rekomendasi")]
        }
        Dimension::Medium => vec![
            row("social_media", "Media sosial"),
            row("online", "Daring lainnya"),
            row("offline", "Luring (tatap muka)"),
        ],
        Dimension::Platform => {
            let mut v: Vec<_> = PLATFORMS.iter().map(|(k, l)| row(k, l)).collect();
            v.push(row("not_online", "Luring (bukan daring)"));
            v
        }
        Dimension::AgencyKind => vec![
            row("central", "Instansi pusat"),
            row("province", "Pemerintah provinsi"),
            row("regency", "Pemerintah kabupaten/kota"),
            row("unknown", "Tidak diketahui"),
        ],
        Dimension::Province => {
            let mut v: Vec<_> = catalogue::regions()
                .provinces()
                .iter()
                .map(|p| (p.code.as_str().to_owned(), p.name.clone(), None))
                .collect();
            v.push(row("national", "Bawaslu RI (nasional)"));
            v
        }
        Dimension::Month => Vec::new(),
    }
}

fn multi_valued(dim: Dimension) -> MultiValued {
    match dim {
        Dimension::PositionClass | Dimension::AgencyKind | Dimension::Category => {
            MultiValued { cases: true, asn: false }
        }
        Dimension::ViolationForm => MultiValued { cases: true, asn: true },
        Dimension::Medium | Dimension::Platform | Dimension::Province | Dimension::Month => {
            MultiValued { cases: false, asn: false }
        }
    }
}

fn month_key(t: DateTime<Utc>, handling_region: Option<&str>) -> String {
    let local = t.with_timezone(&case_time_zone(handling_region).offset());
    format!("{:04}-{:02}", local.year(), local.month())
}

fn month_label(key: &str) -> String {
    let m: usize = key.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    match m {
        1..=12 => format!("{} {}", MONTHS_ID[m - 1], &key[..4]),
        _ => key.to_owned(),
    }
}

/// Every month from the first to the last key, so a line chart has no silent gaps.
fn month_range(first: &str, last: &str) -> Vec<String> {
    let parse = |k: &str| Some((k.get(..4)?.parse::<i32>().ok()?, k.get(5..7)?.parse::<u32>().ok()?));
    let (Some(mut a), Some(b)) = (parse(first), parse(last)) else { return Vec::new() };
    let mut out = Vec::new();
    while a <= b && out.len() < 600 {
        out.push(format!("{:04}-{:02}", a.0, a.1));
        a = if a.1 == 12 { (a.0 + 1, 1) } else { (a.0, a.1 + 1) };
    }
    out
}

/// Durations of one office in one phase, before they become a [`HandlingRow`].
#[derive(Default)]
struct Tally {
    name: String,
    /// Finished intervals, in days.
    days: Vec<f64>,
    late: i64,
    open: i64,
    open_overdue: i64,
}

/// Nearest-rank percentile of sorted values (`p` in 0..=100).
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Median (mean of the two middle values for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| (a as f64 / b as f64 * 1000.0).round() / 1000.0)
}

// ---------------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------------

impl Netra {
    pub(crate) async fn stats_filter(
        &self,
        actor: &Actor,
        p: &StatsParams,
    ) -> Result<(String, StatsFilter), CoreError> {
        policy::can(actor, Action::ListCases, None)?;
        if let Some(r) = &p.region {
            let code =
                RegionCode::parse(r).map_err(|e| CoreError::invalid("region", "invalid_region", e.to_string()))?;
            if catalogue::region(&code).is_none() {
                return Err(CoreError::invalid("region", "unknown_region", format!("unknown region `{code}`")));
            }
        }
        let e = people::election(&self.db, &p.election).await?;
        let f = StatsFilter {
            election_id: e.id,
            region: p.region.clone(),
            received_from: p.received_from,
            received_to: p.received_to,
        };
        Ok((e.code, f))
    }

    pub(crate) async fn public_filter(&self, election: &str) -> Result<(Actor, String, StatsFilter), CoreError> {
        let e = people::election(&self.db, election).await?;
        let f = StatsFilter { election_id: e.id, ..StatsFilter::default() };
        Ok((Actor::system("public-stats"), e.code, f))
    }

    /// Counts along `dim` in both units, within the actor's scope and the filters.
    pub async fn breakdown(&self, actor: &Actor, p: &StatsParams, dim: Dimension) -> Result<BreakdownView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.breakdown_of(actor, code, &f, dim).await
    }

    async fn breakdown_of(
        &self,
        actor: &Actor,
        election: String,
        f: &StatsFilter,
        dim: Dimension,
    ) -> Result<BreakdownView, CoreError> {
        let (cases, asn) = stats::totals(&self.db, actor, f).await?;
        let counts: Vec<Count> = match dim {
            Dimension::Month => {
                let mut by: BTreeMap<String, Count> = BTreeMap::new();
                for r in stats::receipt_times(&self.db, actor, f).await? {
                    let k = month_key(r.received_at, r.handling_region.as_deref());
                    let e = by.entry(k.clone()).or_insert(Count { key: Some(k), cases: 0, asn: 0 });
                    e.cases += 1;
                    e.asn += r.asn;
                }
                by.into_values().collect()
            }
            Dimension::Platform => {
                let mut by: BTreeMap<String, Count> = BTreeMap::new();
                for c in stats::breakdown(&self.db, actor, f, dim).await? {
                    let raw = c.key.unwrap_or_default();
                    let k = if raw == "not_online" { "not_online" } else { platform_key(&raw) };
                    let e = by.entry(k.to_owned()).or_insert(Count { key: Some(k.to_owned()), cases: 0, asn: 0 });
                    e.cases += c.cases;
                    e.asn += c.asn;
                }
                by.into_values().collect()
            }
            Dimension::Province => stats::by_handling_region(&self.db, actor, f)
                .await?
                .into_iter()
                .fold(BTreeMap::<String, Count>::new(), |mut m, c| {
                    let k = c.key.as_deref().map_or("national".to_owned(), |r| r.chars().take(2).collect());
                    let e = m.entry(k.clone()).or_insert(Count { key: Some(k), cases: 0, asn: 0 });
                    e.cases += c.cases;
                    e.asn += c.asn;
                    m
                })
                .into_values()
                .collect(),
            _ => stats::breakdown(&self.db, actor, f, dim).await?,
        };
        let mut found: HashMap<String, (i64, i64)> =
            counts.into_iter().map(|c| (c.key.unwrap_or_else(|| "unknown".into()), (c.cases, c.asn))).collect();
        let mut rows: Vec<BreakdownRow> = Vec::new();
        let known = categories(dim);
        let keys: Vec<(String, String, Option<String>)> = if dim == Dimension::Month {
            let mut ks: Vec<&String> = found.keys().collect();
            ks.sort();
            match (ks.first(), ks.last()) {
                (Some(a), Some(b)) => {
                    month_range(a, b).into_iter().map(|k| (k.clone(), month_label(&k), None)).collect()
                }
                _ => Vec::new(),
            }
        } else {
            known
        };
        for (key, label, group) in keys {
            let (c, a) = found.remove(&key).unwrap_or((0, 0));
            // Open categories (the national office, say) only appear when they hold something.
            if c == 0 && a == 0 && key == "national" {
                continue;
            }
            rows.push(BreakdownRow { key, label, group, cases: c, asn: a });
        }
        // Values outside the catalogue (older data): kept, labelled by their code.
        let mut rest: Vec<_> = found.into_iter().collect();
        rest.sort();
        rows.extend(rest.into_iter().map(|(k, (c, a))| BreakdownRow {
            label: k.clone(),
            key: k,
            group: None,
            cases: c,
            asn: a,
        }));
        Ok(BreakdownView {
            election,
            dimension: dim,
            units: units(),
            multi_valued: multi_valued(dim),
            total: UnitCounts { cases, asn },
            rows,
        })
    }

    /// The national breakdown for everyone, suppressed (no region or date filter: see the module doc).
    pub async fn public_breakdown(&self, election: &str, dim: Dimension) -> Result<PublicBreakdownView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        if dim == Dimension::Province {
            // The same cells as the public map, so both endpoints withhold exactly the same provinces.
            let r = self.public_regions(election).await?;
            let rows = r
                .provinces
                .into_iter()
                .map(|p| PublicBreakdownRow { key: p.code, label: p.name, group: None, cases: p.cases, asn: p.asn })
                .chain((r.national_office.cases.value != Some(0) || r.national_office.asn.value != Some(0)).then(
                    || PublicBreakdownRow {
                        key: "national".into(),
                        label: "Bawaslu RI (nasional)".into(),
                        group: None,
                        cases: r.national_office.cases.clone(),
                        asn: r.national_office.asn.clone(),
                    },
                ))
                .collect();
            return Ok(PublicBreakdownView {
                election: code,
                dimension: dim,
                suppress_below: SUPPRESS_BELOW,
                units: units(),
                multi_valued: multi_valued(dim),
                total: r.total,
                rows,
            });
        }
        let b = self.breakdown_of(&actor, code, &f, dim).await?;
        let protect = |total: i64, cells: Vec<i64>| {
            let mut p = Protector::default();
            let t = p.cell(total);
            let members: Vec<usize> = cells.iter().map(|&v| p.cell(v)).collect();
            p.group(t, members.clone());
            let w = p.run();
            (p.public(&w, t), members.iter().map(|&m| p.public(&w, m)).collect::<Vec<_>>())
        };
        let (tc, rc) = protect(b.total.cases, b.rows.iter().map(|r| r.cases).collect());
        let (ta, ra) = protect(b.total.asn, b.rows.iter().map(|r| r.asn).collect());
        let rows = b
            .rows
            .into_iter()
            .zip(rc.into_iter().zip(ra))
            .map(|(r, (cases, asn))| PublicBreakdownRow { key: r.key, label: r.label, group: r.group, cases, asn })
            .collect();
        Ok(PublicBreakdownView {
            election: b.election,
            dimension: dim,
            suppress_below: SUPPRESS_BELOW,
            units: units(),
            multi_valued: b.multi_valued,
            total: PublicUnitCounts { cases: tc, asn: ta },
            rows,
        })
    }

    /// Counts per province and kabupaten/kota of the handling office, within the actor's scope.
    pub async fn region_stats(&self, actor: &Actor, p: &StatsParams) -> Result<RegionsView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.regions_of(actor, code, &f).await
    }

    async fn regions_of(&self, actor: &Actor, election: String, f: &StatsFilter) -> Result<RegionsView, CoreError> {
        let mut prov: HashMap<String, UnitCounts> = HashMap::new();
        let mut reg: HashMap<String, UnitCounts> = HashMap::new();
        let mut office: HashMap<String, UnitCounts> = HashMap::new();
        let (mut total, mut national) = (UnitCounts::default(), UnitCounts::default());
        let add = |m: &mut HashMap<String, UnitCounts>, k: &str, c: &Count| {
            let e = m.entry(k.to_owned()).or_default();
            e.cases += c.cases;
            e.asn += c.asn;
        };
        for c in stats::by_handling_region(&self.db, actor, f).await? {
            total.cases += c.cases;
            total.asn += c.asn;
            let Some(code) = c.key.as_deref().and_then(|k| RegionCode::parse(k).ok()) else {
                national.cases += c.cases;
                national.asn += c.asn;
                continue;
            };
            add(&mut prov, code.province(), &c);
            match code.ancestor_at(RegionLevel::Regency) {
                Some(r) => add(&mut reg, r.as_str(), &c),
                None => add(&mut office, code.province(), &c),
            }
        }
        let within = |code: &RegionCode| match &f.region {
            Some(r) => RegionCode::parse(r).is_ok_and(|r| code.is_within(&r) || r.is_within(code)),
            None => true,
        };
        let row = |m: &HashMap<String, UnitCounts>, code: &RegionCode, name: &str| {
            let u = m.get(code.as_str()).copied().unwrap_or_default();
            RegionRow { code: code.as_str().to_owned(), name: name.to_owned(), cases: u.cases, asn: u.asn }
        };
        let regions = catalogue::regions();
        let provinces: Vec<RegionRow> =
            regions.provinces().iter().filter(|p| within(&p.code)).map(|p| row(&prov, &p.code, &p.name)).collect();
        let regencies: Vec<RegionRow> =
            regions.regencies().iter().filter(|r| within(&r.code)).map(|r| row(&reg, &r.code, &r.name)).collect();
        let province_offices: Vec<RegionRow> = regions
            .provinces()
            .iter()
            .filter(|p| within(&p.code))
            .map(|p| row(&office, &p.code, &format!("Bawaslu Provinsi {}", p.name)))
            .collect();
        Ok(RegionsView {
            election,
            units: units(),
            total,
            national_office: national,
            provinces,
            regencies,
            province_offices,
        })
    }

    /// The national map counts for everyone, suppressed hierarchically (provinces within the
    /// national total, kabupaten/kota and the provincial office within their province).
    pub async fn public_regions(&self, election: &str) -> Result<PublicRegionsView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        let r = self.regions_of(&actor, code, &f).await?;
        let getters: [fn(&UnitCounts) -> i64; 2] = [|u| u.cases, |u| u.asn];
        let [cases, asn] = getters.map(|get| {
            let mut p = Protector::default();
            let cell = |p: &mut Protector, x: &RegionRow| p.cell(get(&UnitCounts { cases: x.cases, asn: x.asn }));
            let total = p.cell(get(&r.total));
            let national = p.cell(get(&r.national_office));
            let provs: Vec<usize> = r.provinces.iter().map(|x| cell(&mut p, x)).collect();
            let regs: Vec<usize> = r.regencies.iter().map(|x| cell(&mut p, x)).collect();
            let offices: Vec<usize> = r.province_offices.iter().map(|x| cell(&mut p, x)).collect();
            p.group(total, provs.iter().copied().chain([national]).collect());
            for (i, pr) in r.provinces.iter().enumerate() {
                let inside = format!("{}.", pr.code);
                let mut members: Vec<usize> = r
                    .regencies
                    .iter()
                    .zip(&regs)
                    .filter(|(g, _)| g.code.starts_with(&inside))
                    .map(|(_, &c)| c)
                    .collect();
                members.push(offices[i]);
                p.group(provs[i], members);
            }
            let w = p.run();
            let list = |idx: &[usize]| idx.iter().map(|&i| p.public(&w, i)).collect::<Vec<_>>();
            (p.public(&w, total), p.public(&w, national), list(&provs), list(&regs), list(&offices))
        });
        let rows = |list: &[RegionRow], c: Vec<PublicCount>, a: Vec<PublicCount>| -> Vec<PublicRegionRow> {
            list.iter()
                .zip(c.into_iter().zip(a))
                .map(|(x, (cases, asn))| PublicRegionRow { code: x.code.clone(), name: x.name.clone(), cases, asn })
                .collect()
        };
        Ok(PublicRegionsView {
            election: r.election.clone(),
            suppress_below: SUPPRESS_BELOW,
            units: units(),
            total: PublicUnitCounts { cases: cases.0, asn: asn.0 },
            national_office: PublicUnitCounts { cases: cases.1, asn: asn.1 },
            provinces: rows(&r.provinces, cases.2, asn.2),
            regencies: rows(&r.regencies, cases.3, asn.3),
            province_offices: rows(&r.province_offices, cases.4, asn.4),
        })
    }

    /// PPK follow-up per employing agency (ASN), with the conflict flag for today's PPK holder.
    pub async fn ppk_compliance(&self, actor: &Actor, p: &StatsParams) -> Result<PpkComplianceView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.ppk_of(actor, code, &f).await
    }

    async fn ppk_of(&self, actor: &Actor, election: String, f: &StatsFilter) -> Result<PpkComplianceView, CoreError> {
        let now = self.now();
        // "Today" in WIB: PPK terms change on calendar dates and the conflict flag is advisory.
        let today = now.with_timezone(&netra_domain::region::TimeZoneId::Wib.offset()).date_naive();
        let mut agencies = Vec::new();
        let mut total = PpkRow {
            agency_id: None,
            agency_code: None,
            agency_name: "Semua instansi".into(),
            agency_kind: "all".into(),
            recommended: 0,
            followed_up: 0,
            pending: 0,
            overdue: 0,
            data_blocks: 0,
            escalated: 0,
            follow_up_rate: None,
            ppk_position: None,
            ppk_conflicted: false,
        };
        for a in stats::ppk_compliance(&self.db, actor, f, now).await? {
            let ppk = match &a.agency_id {
                Some(id) => people::ppk_on(&self.db, id, today, &f.election_id).await?,
                None => None,
            };
            total.recommended += a.recommended;
            total.followed_up += a.followed_up;
            total.pending += a.pending;
            total.overdue += a.overdue;
            total.data_blocks += a.data_blocks;
            total.escalated += a.escalated;
            total.ppk_conflicted |= ppk.as_ref().is_some_and(|p| p.conflicted);
            agencies.push(PpkRow {
                agency_name: a.agency_name.clone().unwrap_or_else(|| "Instansi tidak diketahui".into()),
                agency_kind: a.agency_kind.clone().unwrap_or_else(|| "unknown".into()),
                agency_id: a.agency_id,
                agency_code: a.agency_code,
                follow_up_rate: ratio(a.followed_up, a.recommended),
                recommended: a.recommended,
                followed_up: a.followed_up,
                pending: a.pending,
                overdue: a.overdue,
                data_blocks: a.data_blocks,
                escalated: a.escalated,
                ppk_position: ppk.as_ref().map(|p| p.position.clone()),
                ppk_conflicted: ppk.is_some_and(|p| p.conflicted),
            });
        }
        total.follow_up_rate = ratio(total.followed_up, total.recommended);
        Ok(PpkComplianceView { election, unit: "asn".into(), total, agencies })
    }

    /// National PPK compliance for everyone: each agency's row and each column are suppressed groups.
    pub async fn public_ppk_compliance(&self, election: &str) -> Result<PublicPpkComplianceView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        let v = self.ppk_of(&actor, code, &f).await?;
        let measures: [fn(&PpkRow) -> i64; 6] =
            [|r| r.recommended, |r| r.followed_up, |r| r.pending, |r| r.overdue, |r| r.data_blocks, |r| r.escalated];
        let mut p = Protector::default();
        let rows: Vec<&PpkRow> = std::iter::once(&v.total).chain(&v.agencies).collect();
        // cells[row][measure]; row 0 is the total.
        let cells: Vec<Vec<usize>> = rows.iter().map(|r| measures.iter().map(|m| p.cell(m(r))).collect()).collect();
        for row in &cells {
            p.group(row[0], vec![row[1], row[2], row[3]]);
        }
        for m in 0..measures.len() {
            p.group(cells[0][m], cells[1..].iter().map(|r| r[m]).collect());
        }
        let w = p.run();
        let public = |r: &PpkRow, c: &[usize]| PublicPpkRow {
            agency_code: r.agency_code.clone(),
            agency_name: r.agency_name.clone(),
            agency_kind: r.agency_kind.clone(),
            recommended: p.public(&w, c[0]),
            followed_up: p.public(&w, c[1]),
            pending: p.public(&w, c[2]),
            overdue: p.public(&w, c[3]),
            data_blocks: p.public(&w, c[4]),
            escalated: p.public(&w, c[5]),
            ppk_conflicted: r.ppk_conflicted,
        };
        let mut out: Vec<PublicPpkRow> = rows.iter().zip(&cells).map(|(r, c)| public(r, c)).collect();
        let total = out.remove(0);
        Ok(PublicPpkComplianceView {
            election: v.election,
            suppress_below: SUPPRESS_BELOW,
            unit: v.unit,
            total,
            agencies: out,
        })
    }

    /// Clarification invitations and attendance by invitee role.
    pub async fn attendance(&self, actor: &Actor, p: &StatsParams) -> Result<AttendanceView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.attendance_of(actor, code, &f).await
    }

    async fn attendance_of(
        &self,
        actor: &Actor,
        election: String,
        f: &StatsFilter,
    ) -> Result<AttendanceView, CoreError> {
        const ROLES: [(&str, &str); 4] =
            [("subject", "Terlapor (ASN)"), ("reporter", "Pelapor"), ("witness", "Saksi"), ("expert", "Ahli")];
        let invitations = stats::invitations(&self.db, actor, f).await?;
        let row = |role: &str, label: &str, list: &[&stats::Invitation]| {
            let mut people: BTreeMap<(&str, &str), (bool, bool)> = BTreeMap::new();
            for i in list {
                let e = people.entry((i.case_id.as_str(), i.invitee.as_str())).or_insert((false, false));
                e.0 |= i.attendance == "attended";
                e.1 |= i.attendance == "absent";
            }
            let n = |a: &str| list.iter().filter(|i| i.attendance == a).count() as i64;
            AttendanceRow {
                role: role.to_owned(),
                label: label.to_owned(),
                invitations: list.len() as i64,
                attended: n("attended"),
                absent: n("absent"),
                pending: n("pending"),
                second_invitations: list.iter().filter(|i| i.invitation_no >= 2).count() as i64,
                invitees: people.len() as i64,
                never_attended: people.values().filter(|(attended, absent)| *absent && !*attended).count() as i64,
            }
        };
        let mut roles: Vec<AttendanceRow> = ROLES
            .iter()
            .map(|(r, l)| row(r, l, &invitations.iter().filter(|i| i.role == *r).collect::<Vec<_>>()))
            .collect();
        let others: BTreeSet<&str> =
            invitations.iter().map(|i| i.role.as_str()).filter(|r| !ROLES.iter().any(|(k, _)| k == r)).collect();
        for r in others {
            roles.push(row(r, r, &invitations.iter().filter(|i| i.role == r).collect::<Vec<_>>()));
        }
        let total = row("all", "Semua peran", &invitations.iter().collect::<Vec<_>>());
        let units = BTreeMap::from([
            (
                "invitations".to_owned(),
                "Undangan klarifikasi (undangan pertama dan kedua dihitung sendiri-sendiri)".to_owned(),
            ),
            ("invitees".to_owned(), "Orang yang diundang, dihitung sekali per kasus".to_owned()),
        ]);
        Ok(AttendanceView { election, units, total, roles })
    }

    /// National attendance for everyone, suppressed.
    pub async fn public_attendance(&self, election: &str) -> Result<PublicAttendanceView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        let v = self.attendance_of(&actor, code, &f).await?;
        let measures: [fn(&AttendanceRow) -> i64; 7] = [
            |r| r.invitations,
            |r| r.attended,
            |r| r.absent,
            |r| r.pending,
            |r| r.second_invitations,
            |r| r.invitees,
            |r| r.never_attended,
        ];
        let rows: Vec<&AttendanceRow> = std::iter::once(&v.total).chain(&v.roles).collect();
        let mut p = Protector::default();
        let cells: Vec<Vec<usize>> = rows.iter().map(|r| measures.iter().map(|m| p.cell(m(r))).collect()).collect();
        for row in &cells {
            p.group(row[0], vec![row[1], row[2], row[3]]);
        }
        for m in 0..measures.len() {
            p.group(cells[0][m], cells[1..].iter().map(|r| r[m]).collect());
        }
        let w = p.run();
        let mut out: Vec<PublicAttendanceRow> = rows
            .iter()
            .zip(&cells)
            .map(|(r, c)| PublicAttendanceRow {
                role: r.role.clone(),
                label: r.label.clone(),
                invitations: p.public(&w, c[0]),
                attended: p.public(&w, c[1]),
                absent: p.public(&w, c[2]),
                pending: p.public(&w, c[3]),
                second_invitations: p.public(&w, c[4]),
                invitees: p.public(&w, c[5]),
                never_attended: p.public(&w, c[6]),
            })
            .collect();
        let total = out.remove(0);
        Ok(PublicAttendanceView {
            election: v.election,
            suppress_below: SUPPRESS_BELOW,
            units: v.units,
            total,
            roles: out,
        })
    }

    /// Handling time per phase and office against the legal deadlines.
    pub async fn handling_time(&self, actor: &Actor, p: &StatsParams) -> Result<HandlingTimeView, CoreError> {
        let (code, f) = self.stats_filter(actor, p).await?;
        self.handling_of(actor, code, &f).await
    }

    async fn handling_of(
        &self,
        actor: &Actor,
        election: String,
        f: &StatsFilter,
    ) -> Result<HandlingTimeView, CoreError> {
        let e = people::election(&self.db, &f.election_id).await?;
        let set = e.kind.rule_set();
        let now = self.now();
        let intervals = stats::intervals(&self.db, actor, f).await?;
        let mut phases = Vec::new();
        for (phase, name, unit) in [
            (Phase::Bawaslu, "handling_extended", "cases"),
            (Phase::Authority, "authority_verification", "asn"),
            (Phase::Ppk, "ppk_follow_up", "asn"),
        ] {
            let rule = format!("{set}.{name}");
            let citation =
                netra_domain::deadline::find_rule(&rule).map(|(_, r)| r.citation.clone()).unwrap_or_default();
            // (office, name) -> (durations in days of finished intervals, late, open, open overdue)
            let mut by: BTreeMap<Option<String>, Tally> = BTreeMap::new();
            let mut all = Tally { name: "Semua kantor".into(), ..Tally::default() };
            for i in intervals.iter().filter(|i| i.phase == phase) {
                let due = due_at(&rule, i.start, case_time_zone(i.handling_region.as_deref()))?;
                let name = match (phase, &i.office) {
                    (Phase::Bawaslu, None) => "Bawaslu RI".to_owned(),
                    (_, None) => "Tidak diketahui".to_owned(),
                    (Phase::Bawaslu, Some(r)) => region_name(r),
                    (Phase::Authority, Some(a)) => {
                        catalogue::authority(a).map_or_else(|| a.clone(), |a| a.name_id.clone())
                    }
                    (Phase::Ppk, Some(a)) => i.office_name.clone().unwrap_or_else(|| a.clone()),
                };
                let e = by.entry(i.office.clone()).or_insert_with(|| Tally { name, ..Tally::default() });
                for acc in [&mut *e, &mut all] {
                    match i.end {
                        Some(end) => {
                            acc.days.push((end - i.start).num_seconds() as f64 / 86_400.0);
                            acc.late += i64::from(end > due);
                        }
                        None => {
                            acc.open += 1;
                            acc.open_overdue += i64::from(now > due);
                        }
                    }
                }
            }
            let row = |office: Option<String>, mut t: Tally| {
                t.days.sort_by(f64::total_cmp);
                let finished = t.days.len() as i64;
                HandlingRow {
                    office,
                    office_name: t.name,
                    finished,
                    median_days: median(&t.days).map(round1),
                    p90_days: percentile(&t.days, 90.0).map(round1),
                    late: t.late,
                    on_time: finished - t.late,
                    late_share: ratio(t.late, finished),
                    open: t.open,
                    open_overdue: t.open_overdue,
                }
            };
            let offices = by.into_iter().map(|(k, v)| row(k, v)).collect();
            phases.push(PhaseView { phase, unit: unit.into(), rule, citation, overall: row(None, all), offices });
        }
        Ok(HandlingTimeView { election, phases })
    }

    /// National handling time for everyone: counts suppressed per office and across offices;
    /// median, 90th percentile and share late only where the number finished is published.
    pub async fn public_handling_time(&self, election: &str) -> Result<PublicHandlingTimeView, CoreError> {
        let (actor, code, f) = self.public_filter(election).await?;
        let v = self.handling_of(&actor, code, &f).await?;
        let mut phases = Vec::new();
        for ph in v.phases {
            let measures: [fn(&HandlingRow) -> i64; 6] = [
                |r| r.finished,
                |r| r.on_time,
                |r| r.late,
                |r| r.open,
                |r| r.open - r.open_overdue,
                |r| r.open_overdue,
            ];
            let rows: Vec<&HandlingRow> = std::iter::once(&ph.overall).chain(&ph.offices).collect();
            let mut p = Protector::default();
            let cells: Vec<Vec<usize>> = rows.iter().map(|r| measures.iter().map(|m| p.cell(m(r))).collect()).collect();
            for row in &cells {
                p.group(row[0], vec![row[1], row[2]]);
                p.group(row[3], vec![row[4], row[5]]);
            }
            for m in 0..measures.len() {
                p.group(cells[0][m], cells[1..].iter().map(|r| r[m]).collect());
            }
            let w = p.run();
            let measure = |v: Option<f64>, hidden: bool| PublicMeasure {
                value: if hidden { None } else { v },
                suppressed: hidden,
            };
            let mut out: Vec<PublicHandlingRow> = rows
                .iter()
                .zip(&cells)
                .map(|(r, c)| {
                    let hidden = w[c[0]];
                    PublicHandlingRow {
                        office: r.office.clone(),
                        office_name: r.office_name.clone(),
                        finished: p.public(&w, c[0]),
                        median_days: measure(r.median_days, hidden),
                        p90_days: measure(r.p90_days, hidden),
                        late: p.public(&w, c[2]),
                        on_time: p.public(&w, c[1]),
                        late_share: measure(r.late_share, hidden || w[c[2]]),
                        open: p.public(&w, c[3]),
                        open_overdue: p.public(&w, c[5]),
                    }
                })
                .collect();
            let overall = out.remove(0);
            phases.push(PublicPhaseView {
                phase: ph.phase,
                unit: ph.unit,
                rule: ph.rule,
                citation: ph.citation,
                overall,
                offices: out,
            });
        }
        Ok(PublicHandlingTimeView { election: v.election, suppress_below: SUPPRESS_BELOW, phases })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_but_zero_and_five_are_not() {
        assert_eq!(PublicCount::of(0), PublicCount { value: Some(0), suppressed: false });
        assert_eq!(PublicCount::of(1), PublicCount { value: None, suppressed: true });
        assert_eq!(PublicCount::of(4), PublicCount { value: None, suppressed: true });
        assert_eq!(PublicCount::of(5), PublicCount { value: Some(5), suppressed: false });
    }

    fn withheld(total: i64, cells: &[i64]) -> Vec<bool> {
        let mut p = Protector::default();
        let t = p.cell(total);
        let m = cells.iter().map(|&v| p.cell(v)).collect();
        p.group(t, m);
        p.run()
    }

    #[test]
    fn a_lone_small_cell_gets_a_complementary_partner() {
        // 3 alone could be recovered as 40 - 12 - 25; the smallest other non-zero cell goes too.
        assert_eq!(withheld(40, &[3, 12, 25, 0]), [false, true, true, false, false]);
        // Two small cells adding up to at least 5 protect each other.
        assert_eq!(withheld(30, &[2, 3, 25]), [false, true, true, false]);
        // Two ones add up to 2: both would be known to be 1, so a third cell is withheld.
        assert_eq!(withheld(32, &[1, 1, 30]), [false, true, true, true]);
        // Nothing small, nothing withheld; zeros are always published.
        assert_eq!(withheld(30, &[0, 10, 20]), [false; 4]);
    }

    #[test]
    fn when_no_partner_is_left_the_total_is_withheld_and_no_member_rebuilds_it() {
        let w = withheld(7, &[3, 4]);
        assert!(w[1] && w[2], "{w:?}");
        let w = withheld(9, &[4]);
        assert!(w[0] && w[1], "{w:?}");
        // A withheld total must not be the sum of published members: the province (2) is withheld,
        // so its only non-zero regency (2) is withheld too, and the other province (18) partners it.
        let mut p = Protector::default();
        let nation = p.cell(20);
        let (a, b) = (p.cell(2), p.cell(18));
        let (a1, a2) = (p.cell(0), p.cell(2));
        p.group(nation, vec![a, b]);
        p.group(a, vec![a1, a2]);
        let w = p.run();
        assert!(w[a] && w[b] && w[a2] && !w[a1] && !w[nation], "{w:?}");
        // No withheld cell can be recovered by subtraction from a published total.
        let mut p = Protector::default();
        let nation = p.cell(60);
        let provs: Vec<usize> = [30, 25, 5].iter().map(|&v| p.cell(v)).collect();
        p.group(nation, provs.clone());
        let kids: Vec<usize> = [28, 2].iter().map(|&v| p.cell(v)).collect();
        p.group(provs[0], kids.clone());
        let w = p.run();
        assert!(w[kids[1]] && w[kids[0]], "28 would give away the 2: {w:?}");
    }

    #[test]
    fn percentiles_use_nearest_rank_and_median_averages_the_middle() {
        let d = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&d, 90.0), Some(9.0));
        assert_eq!(percentile(&d, 100.0), Some(10.0));
        assert_eq!(percentile(&d[..1], 90.0), Some(1.0));
        assert_eq!(percentile(&[], 90.0), None);
        assert_eq!(median(&d), Some(5.5));
        assert_eq!(median(&d[..3]), Some(2.0));
    }

    #[test]
    fn platforms_are_reduced_to_a_closed_list() {
        assert_eq!(platform_key("Facebook"), "facebook");
        assert_eq!(platform_key(" IG "), "instagram");
        assert_eq!(platform_key("grup WA"), "whatsapp");
        assert_eq!(platform_key("Twitter"), "x");
        assert_eq!(platform_key("forum warga RT 05 (nama ketua)"), "other");
        assert_eq!(platform_key(""), "unspecified");
    }

    #[test]
    fn months_fill_gaps_and_follow_the_office_time_zone() {
        assert_eq!(month_range("2024-11", "2025-02"), ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(month_label("2024-10"), "Oktober 2024");
        // 31 Oct 2024 20:00 UTC is already 1 November in Jayapura (WIT, UTC+9) but not in Medan (WIB).
        let t = DateTime::parse_from_rfc3339("2024-10-31T20:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(month_key(t, Some("91.71")), "2024-11");
        assert_eq!(month_key(t, Some("12.71")), "2024-11");
        let t = DateTime::parse_from_rfc3339("2024-10-31T16:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(month_key(t, Some("91.71")), "2024-11");
        assert_eq!(month_key(t, Some("12.71")), "2024-10");
    }
}
