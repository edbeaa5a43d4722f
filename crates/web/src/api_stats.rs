//! `/api/v1/stats/*` (officials, within their scope) and `/api/v1/public/stats/*` (everyone,
//! national, small counts suppressed): breakdowns, PPK compliance, clarification attendance,
//! handling time against the legal deadlines, and counts per region for the map.
//!
//! Official endpoints take the same filters (election, region subtree, receipt window); public
//! ones take only the election and refuse other parameters, so overlapping public queries cannot be
//! subtracted from each other (see `docs/statistics.md`). The web crate merges [`routes`] into its
//! registry and [`StatsApiDoc`] into its OpenAPI document.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::routing::get;
use chrono::{DateTime, Utc};
use netra_core::CoreError;
use netra_core::risk::{RiskLevel, RiskView};
use netra_core::stats::{
    AttendanceView, BreakdownView, HandlingTimeView, PpkComplianceView, PublicAttendanceView, PublicBreakdownView,
    PublicHandlingTimeView, PublicPpkComplianceView, PublicRegionsView, RegionsView, StatsParams,
};
use netra_store::stats::Dimension;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::AppState;
use crate::api::{Official, ReqLang};
use crate::error::{ApiError, Localised, Problem};
use crate::i18n::Lang;
use crate::routes::{Access, CASE_WORKERS, Registry};

type ApiResult<T> = Result<Json<T>, Localised>;

/// The statistics routes with their access policy (officials: the roles that may read the funnel),
/// to merge into the application's [`Registry`].
pub fn routes(state: AppState) -> Registry {
    use Access::{Officials, Public};
    use Method as M;
    Registry::new(state)
        .route(M::GET, "/api/v1/stats/breakdown", Officials(CASE_WORKERS), get(stats_breakdown))
        .route(M::GET, "/api/v1/stats/ppk-compliance", Officials(CASE_WORKERS), get(stats_ppk_compliance))
        .route(M::GET, "/api/v1/stats/attendance", Officials(CASE_WORKERS), get(stats_attendance))
        .route(M::GET, "/api/v1/stats/handling-time", Officials(CASE_WORKERS), get(stats_handling_time))
        .route(M::GET, "/api/v1/stats/regions", Officials(CASE_WORKERS), get(stats_regions))
        .route(M::GET, "/api/v1/public/stats/breakdown", Public, get(public_stats_breakdown))
        .route(M::GET, "/api/v1/public/stats/ppk-compliance", Public, get(public_stats_ppk_compliance))
        .route(M::GET, "/api/v1/public/stats/attendance", Public, get(public_stats_attendance))
        .route(M::GET, "/api/v1/public/stats/handling-time", Public, get(public_stats_handling_time))
        .route(M::GET, "/api/v1/public/stats/regions", Public, get(public_stats_regions))
        .route(M::GET, "/api/v1/stats/risk", Officials(CASE_WORKERS), get(stats_risk))
        .route(M::GET, "/api/v1/public/stats/risk", Public, get(public_stats_risk))
}

/// Filters of the risk index for officials: the dashboard filters plus the level compared.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RiskQuery {
    /// `province` (default) or `regency` (kabupaten/kota).
    #[param(example = "regency")]
    pub level: Option<String>,
    #[param(example = "pilkada-2024")]
    pub election: String,
    #[param(example = "33")]
    pub region: Option<String>,
    #[param(example = "2024-09-01T00:00:00+07:00")]
    pub received_from: Option<DateTime<Utc>>,
    #[param(example = "2024-12-31T23:59:59+07:00")]
    pub received_to: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicRiskQuery {
    /// `province` (default) or `regency` (kabupaten/kota).
    #[param(example = "province")]
    pub level: Option<String>,
    #[param(example = "pilkada-2024")]
    pub election: String,
}

fn risk_level(s: Option<&str>, lang: Lang) -> Result<RiskLevel, Localised> {
    match s {
        None => Ok(RiskLevel::Province),
        Some(s) => RiskLevel::parse(s).ok_or_else(|| {
            Localised(ApiError::BadQuery(format!("unknown level `{s}`; use province or regency")), lang)
        }),
    }
}

/// Filters of an official dashboard.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// Election id or code.
    #[param(example = "pilkada-2024")]
    pub election: String,
    /// Region subtree of the handling office (Kemendagri code).
    #[param(example = "33")]
    pub region: Option<String>,
    /// Only cases received at or after this instant (RFC 3339).
    #[param(example = "2024-09-01T00:00:00+07:00")]
    pub received_from: Option<DateTime<Utc>>,
    /// Only cases received at or before this instant (RFC 3339).
    #[param(example = "2024-12-31T23:59:59+07:00")]
    pub received_to: Option<DateTime<Utc>>,
}

/// An official breakdown: the dashboard filters plus the dimension.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BreakdownQuery {
    /// `position_class`, `violation_form`, `category`, `medium`, `platform`, `agency_kind`, `province` or `month`.
    #[param(example = "position_class")]
    pub dimension: String,
    #[param(example = "pilkada-2024")]
    pub election: String,
    #[param(example = "33")]
    pub region: Option<String>,
    #[param(example = "2024-09-01T00:00:00+07:00")]
    pub received_from: Option<DateTime<Utc>>,
    #[param(example = "2024-12-31T23:59:59+07:00")]
    pub received_to: Option<DateTime<Utc>>,
}

/// Public statistics are national and per election only.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicStatsQuery {
    #[param(example = "pilkada-2024")]
    pub election: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicBreakdownQuery {
    #[param(example = "position_class")]
    pub dimension: String,
    #[param(example = "pilkada-2024")]
    pub election: String,
}

fn query<T>(q: Result<Query<T>, QueryRejection>, lang: Lang) -> Result<T, Localised> {
    q.map(|Query(q)| q).map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))
}

fn dimension(s: &str, lang: Lang) -> Result<Dimension, Localised> {
    Dimension::parse(s).ok_or_else(|| {
        let all: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
        Localised(ApiError::BadQuery(format!("unknown dimension `{s}`; use one of {}", all.join(", "))), lang)
    })
}

/// Invalid filter values are bad query parameters (400), like any other.
fn fail(lang: Lang) -> impl FnOnce(CoreError) -> Localised {
    move |e| match e {
        CoreError::Invalid(f) => {
            Localised(ApiError::BadQuery(f.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; ")), lang)
        }
        other => Localised(other.into(), lang),
    }
}

fn params(
    election: String,
    region: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> StatsParams {
    StatsParams { election, region, received_from: from, received_to: to }
}

impl DashboardQuery {
    fn into_params(self) -> StatsParams {
        params(self.election, self.region, self.received_from, self.received_to)
    }
}

/// Counts along one dimension, in cases and in ASN, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/stats/breakdown", params(BreakdownQuery), security(("bearer" = [])),
    responses(
        (status = 200, body = BreakdownView, example = json!({
            "election": "pilkada-2024", "dimension": "position_class",
            "units": {"asn": "ASN: satu per ASN terlapor per kasus (satuan otoritas netralitas dan PPK)", "cases": "Kasus: satu per laporan/temuan yang ditangani Bawaslu (satuan Bawaslu)"},
            "multi_valued": {"cases": true, "asn": false},
            "total": {"cases": 57, "asn": 61},
            "rows": [
                {"key": "jpt_pratama", "label": "Jabatan Pimpinan Tinggi Pratama", "cases": 20, "asn": 21},
                {"key": "fungsional", "label": "Jabatan Fungsional", "cases": 14, "asn": 14},
                {"key": "territorial_head", "label": "Camat/Lurah (kepala wilayah)", "cases": 6, "asn": 7}
            ]
        })),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_breakdown(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<BreakdownQuery>, QueryRejection>,
) -> ApiResult<BreakdownView> {
    let q = query(q, lang)?;
    let dim = dimension(&q.dimension, lang)?;
    let p = params(q.election, q.region, q.received_from, q.received_to);
    Ok(Json(s.netra.breakdown(&actor, &p, dim).await.map_err(fail(lang))?))
}

/// PPK follow-up of recommendations per employing agency (ASN), with the conflict flag.
#[utoipa::path(get, path = "/api/v1/stats/ppk-compliance", params(DashboardQuery), security(("bearer" = [])),
    responses(
        (status = 200, body = PpkComplianceView, example = json!({
            "election": "pilkada-2024", "unit": "asn",
            "total": {"agency_id": null, "agency_code": null, "agency_name": "Semua instansi", "agency_kind": "all", "recommended": 12, "followed_up": 7, "pending": 2, "overdue": 3, "data_blocks": 1, "escalated": 0, "follow_up_rate": 0.583, "ppk_position": null, "ppk_conflicted": true},
            "agencies": [{"agency_id": "0192…", "agency_code": "pemkab-demak", "agency_name": "Pemerintah Kabupaten Demak", "agency_kind": "regency", "recommended": 12, "followed_up": 7, "pending": 2, "overdue": 3, "data_blocks": 1, "escalated": 0, "follow_up_rate": 0.583, "ppk_position": "Bupati Demak", "ppk_conflicted": true}]
        })),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_ppk_compliance(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> ApiResult<PpkComplianceView> {
    let p = query(q, lang)?.into_params();
    Ok(Json(s.netra.ppk_compliance(&actor, &p).await.map_err(fail(lang))?))
}

/// Clarification invitations and attendance by invitee role.
#[utoipa::path(get, path = "/api/v1/stats/attendance", params(DashboardQuery), security(("bearer" = [])),
    responses(
        (status = 200, body = AttendanceView, example = json!({
            "election": "pilkada-2024",
            "units": {"invitations": "Undangan klarifikasi (undangan pertama dan kedua dihitung sendiri-sendiri)", "invitees": "Orang yang diundang, dihitung sekali per kasus"},
            "total": {"role": "all", "label": "Semua peran", "invitations": 9, "attended": 5, "absent": 3, "pending": 1, "second_invitations": 2, "invitees": 7, "never_attended": 1},
            "roles": [{"role": "subject", "label": "Terlapor (ASN)", "invitations": 6, "attended": 3, "absent": 3, "pending": 0, "second_invitations": 2, "invitees": 4, "never_attended": 1}]
        })),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_attendance(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> ApiResult<AttendanceView> {
    let p = query(q, lang)?.into_params();
    Ok(Json(s.netra.attendance(&actor, &p).await.map_err(fail(lang))?))
}

/// Handling time per phase (Bawaslu, authority, PPK) and office against the legal deadlines.
#[utoipa::path(get, path = "/api/v1/stats/handling-time", params(DashboardQuery), security(("bearer" = [])),
    responses(
        (status = 200, body = HandlingTimeView, example = json!({
            "election": "pilkada-2024",
            "phases": [{"phase": "bawaslu", "unit": "cases", "rule": "pilkada.handling_extended", "citation": "UU 1/2015 Pasal 134 ayat (5) dan (6)",
                "overall": {"office": null, "office_name": "Semua kantor", "finished": 40, "median_days": 4.5, "p90_days": 9.0, "late": 6, "on_time": 34, "late_share": 0.15, "open": 3, "open_overdue": 1},
                "offices": [{"office": "33.74", "office_name": "Kota Semarang", "finished": 12, "median_days": 3.9, "p90_days": 6.0, "late": 1, "on_time": 11, "late_share": 0.083, "open": 0, "open_overdue": 0}]}]
        })),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_handling_time(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> ApiResult<HandlingTimeView> {
    let p = query(q, lang)?.into_params();
    Ok(Json(s.netra.handling_time(&actor, &p).await.map_err(fail(lang))?))
}

/// Cases and ASN per province and kabupaten/kota of the handling office, for the map.
#[utoipa::path(get, path = "/api/v1/stats/regions", params(DashboardQuery), security(("bearer" = [])),
    responses(
        (status = 200, body = RegionsView, example = json!({
            "election": "pilkada-2024",
            "units": {"asn": "ASN: satu per ASN terlapor per kasus (satuan otoritas netralitas dan PPK)", "cases": "Kasus: satu per laporan/temuan yang ditangani Bawaslu (satuan Bawaslu)"},
            "total": {"cases": 57, "asn": 61}, "national_office": {"cases": 0, "asn": 0},
            "provinces": [{"code": "33", "name": "Jawa Tengah", "cases": 57, "asn": 61}],
            "regencies": [{"code": "33.74", "name": "Kota Semarang", "cases": 12, "asn": 13}],
            "province_offices": [{"code": "33", "name": "Bawaslu Provinsi Jawa Tengah", "cases": 2, "asn": 2}]
        })),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_regions(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<DashboardQuery>, QueryRejection>,
) -> ApiResult<RegionsView> {
    let p = query(q, lang)?.into_params();
    Ok(Json(s.netra.region_stats(&actor, &p).await.map_err(fail(lang))?))
}

/// The national breakdown for everyone; withheld counts are `null` with `suppressed: true`.
#[utoipa::path(get, path = "/api/v1/public/stats/breakdown", params(PublicBreakdownQuery),
    responses(
        (status = 200, body = PublicBreakdownView, example = json!({
            "election": "pilkada-2024", "dimension": "medium", "suppress_below": 5,
            "units": {"asn": "ASN: satu per ASN terlapor per kasus (satuan otoritas netralitas dan PPK)", "cases": "Kasus: satu per laporan/temuan yang ditangani Bawaslu (satuan Bawaslu)"},
            "multi_valued": {"cases": false, "asn": false},
            "total": {"cases": {"value": 57, "suppressed": false}, "asn": {"value": 61, "suppressed": false}},
            "rows": [
                {"key": "social_media", "label": "Media sosial", "cases": {"value": 40, "suppressed": false}, "asn": {"value": 43, "suppressed": false}},
                {"key": "online", "label": "Daring lainnya", "cases": {"value": null, "suppressed": true}, "asn": {"value": null, "suppressed": true}},
                {"key": "offline", "label": "Luring (tatap muka)", "cases": {"value": null, "suppressed": true}, "asn": {"value": null, "suppressed": true}}
            ]
        })),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_breakdown(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicBreakdownQuery>, QueryRejection>,
) -> ApiResult<PublicBreakdownView> {
    let q = query(q, lang)?;
    let dim = dimension(&q.dimension, lang)?;
    Ok(Json(s.netra.public_breakdown(&q.election, dim).await.map_err(fail(lang))?))
}

/// Netra's ASN-neutrality vulnerability index per province or kabupaten/kota, within the caller's
/// scope: score 0–100, category (rendah/sedang/tinggi, cut-offs per level) and every component.
/// Method: docs/risk-index.md; every response names the edition it was computed with.
#[utoipa::path(get, path = "/api/v1/stats/risk", params(RiskQuery), security(("bearer" = [])),
    responses((status = 200, body = RiskView, example = json!({
            "election": "pilkada-2024", "edition": "netra-ikn-2026.1", "level": "province", "min_asn": 5,
            "cutoff_sedang": 21.7, "cutoff_tinggi": 68.5,
            "components": [
                {"key": "incidence", "weight": 0.4, "name_id": "Intensitas laporan", "name_en": "Incidence"},
                {"key": "substantiation", "weight": 0.2, "name_id": "Tingkat terbukti", "name_en": "Substantiation"},
                {"key": "seniority", "weight": 0.15, "name_id": "Keterlibatan pejabat", "name_en": "Seniority"},
                {"key": "impunity", "weight": 0.25, "name_id": "Rekomendasi tidak ditindaklanjuti", "name_en": "Impunity"},
                {"key": "incumbency", "weight": 0.0, "name_id": "Petahana mencalonkan diri", "name_en": "Incumbent standing again"}
            ],
            "regions": [
                {"code": "33", "name": "Jawa Tengah", "score": 71.04, "category": "tinggi", "asn_reported": 11,
                 "components": [{"key": "incidence", "value": 100.0}, {"key": "substantiation", "value": 85.71},
                                {"key": "seniority", "value": 25.96}, {"key": "impunity", "value": 40.0}, {"key": "incumbency", "value": null}]},
                {"code": "32", "name": "Jawa Barat", "score": null, "category": null, "asn_reported": null,
                 "components": [{"key": "incidence", "value": null}, {"key": "substantiation", "value": null},
                                {"key": "seniority", "value": null}, {"key": "impunity", "value": null}, {"key": "incumbency", "value": null}]}
            ]
        })), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn stats_risk(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<RiskQuery>, QueryRejection>,
) -> ApiResult<RiskView> {
    let q = query(q, lang)?;
    let level = risk_level(q.level.as_deref(), lang)?;
    let p = params(q.election, q.region, q.received_from, q.received_to);
    Ok(Json(s.netra.risk_index(&actor, &p, level).await.map_err(fail(lang))?))
}

/// The vulnerability index for everyone: regions with too few reported ASN to be scored show
/// neither their count nor their components.
#[utoipa::path(get, path = "/api/v1/public/stats/risk", params(PublicRiskQuery),
    responses((status = 200, body = RiskView, example = json!({
            "election": "pilkada-2024", "edition": "netra-ikn-2026.1", "level": "province", "min_asn": 5,
            "cutoff_sedang": 21.7, "cutoff_tinggi": 68.5,
            "components": [
                {"key": "incidence", "weight": 0.4, "name_id": "Intensitas laporan", "name_en": "Incidence"},
                {"key": "substantiation", "weight": 0.2, "name_id": "Tingkat terbukti", "name_en": "Substantiation"},
                {"key": "seniority", "weight": 0.15, "name_id": "Keterlibatan pejabat", "name_en": "Seniority"},
                {"key": "impunity", "weight": 0.25, "name_id": "Rekomendasi tidak ditindaklanjuti", "name_en": "Impunity"},
                {"key": "incumbency", "weight": 0.0, "name_id": "Petahana mencalonkan diri", "name_en": "Incumbent standing again"}
            ],
            "regions": [
                {"code": "33", "name": "Jawa Tengah", "score": 71.04, "category": "tinggi", "asn_reported": 11,
                 "components": [{"key": "incidence", "value": 100.0}, {"key": "substantiation", "value": 85.71},
                                {"key": "seniority", "value": 25.96}, {"key": "impunity", "value": 40.0}, {"key": "incumbency", "value": null}]},
                {"code": "32", "name": "Jawa Barat", "score": null, "category": null, "asn_reported": null,
                 "components": [{"key": "incidence", "value": null}, {"key": "substantiation", "value": null},
                                {"key": "seniority", "value": null}, {"key": "impunity", "value": null}, {"key": "incumbency", "value": null}]}
            ]
        })), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_risk(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicRiskQuery>, QueryRejection>,
) -> ApiResult<RiskView> {
    let q = query(q, lang)?;
    let level = risk_level(q.level.as_deref(), lang)?;
    Ok(Json(s.netra.public_risk_index(&q.election, level).await.map_err(fail(lang))?))
}

/// National PPK compliance per agency for everyone, suppressed.
#[utoipa::path(get, path = "/api/v1/public/stats/ppk-compliance", params(PublicStatsQuery),
    responses(
        (status = 200, body = PublicPpkComplianceView, example = json!({
            "election": "pilkada-2024", "suppress_below": 5, "unit": "asn",
            "total": {"agency_code": null, "agency_name": "Semua instansi", "agency_kind": "all", "recommended": {"value": 12, "suppressed": false}, "followed_up": {"value": 7, "suppressed": false}, "pending": {"value": null, "suppressed": true}, "overdue": {"value": null, "suppressed": true}, "data_blocks": {"value": null, "suppressed": true}, "escalated": {"value": 0, "suppressed": false}, "ppk_conflicted": true},
            "agencies": []
        })),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_ppk_compliance(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicStatsQuery>, QueryRejection>,
) -> ApiResult<PublicPpkComplianceView> {
    let q = query(q, lang)?;
    Ok(Json(s.netra.public_ppk_compliance(&q.election).await.map_err(fail(lang))?))
}

/// National clarification attendance for everyone, suppressed.
#[utoipa::path(get, path = "/api/v1/public/stats/attendance", params(PublicStatsQuery),
    responses(
        (status = 200, body = PublicAttendanceView, example = json!({
            "election": "pilkada-2024", "suppress_below": 5,
            "units": {"invitations": "Undangan klarifikasi (undangan pertama dan kedua dihitung sendiri-sendiri)", "invitees": "Orang yang diundang, dihitung sekali per kasus"},
            "total": {"role": "all", "label": "Semua peran", "invitations": {"value": 30, "suppressed": false}, "attended": {"value": 22, "suppressed": false}, "absent": {"value": 8, "suppressed": false}, "pending": {"value": 0, "suppressed": false}, "second_invitations": {"value": 6, "suppressed": false}, "invitees": {"value": 24, "suppressed": false}, "never_attended": {"value": null, "suppressed": true}},
            "roles": []
        })),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_attendance(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicStatsQuery>, QueryRejection>,
) -> ApiResult<PublicAttendanceView> {
    let q = query(q, lang)?;
    Ok(Json(s.netra.public_attendance(&q.election).await.map_err(fail(lang))?))
}

/// National handling time for everyone; medians and shares only where the count is published.
#[utoipa::path(get, path = "/api/v1/public/stats/handling-time", params(PublicStatsQuery),
    responses(
        (status = 200, body = PublicHandlingTimeView, example = json!({
            "election": "pilkada-2024", "suppress_below": 5,
            "phases": [{"phase": "ppk", "unit": "asn", "rule": "pilkada.ppk_follow_up", "citation": "SBT 2024",
                "overall": {"office": null, "office_name": "Semua kantor", "finished": {"value": 7, "suppressed": false}, "median_days": {"value": 11.5, "suppressed": false}, "p90_days": {"value": 20.0, "suppressed": false}, "late": {"value": null, "suppressed": true}, "on_time": {"value": null, "suppressed": true}, "late_share": {"value": null, "suppressed": true}, "open": {"value": 5, "suppressed": false}, "open_overdue": {"value": null, "suppressed": true}},
                "offices": []}]
        })),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_handling_time(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicStatsQuery>, QueryRejection>,
) -> ApiResult<PublicHandlingTimeView> {
    let q = query(q, lang)?;
    Ok(Json(s.netra.public_handling_time(&q.election).await.map_err(fail(lang))?))
}

/// National counts per province and kabupaten/kota for everyone, suppressed within each level.
#[utoipa::path(get, path = "/api/v1/public/stats/regions", params(PublicStatsQuery),
    responses(
        (status = 200, body = PublicRegionsView, example = json!({
            "election": "pilkada-2024", "suppress_below": 5,
            "units": {"asn": "ASN: satu per ASN terlapor per kasus (satuan otoritas netralitas dan PPK)", "cases": "Kasus: satu per laporan/temuan yang ditangani Bawaslu (satuan Bawaslu)"},
            "total": {"cases": {"value": 57, "suppressed": false}, "asn": {"value": 61, "suppressed": false}},
            "national_office": {"cases": {"value": 0, "suppressed": false}, "asn": {"value": 0, "suppressed": false}},
            "provinces": [{"code": "33", "name": "Jawa Tengah", "cases": {"value": 57, "suppressed": false}, "asn": {"value": 61, "suppressed": false}}],
            "regencies": [{"code": "33.74", "name": "Kota Semarang", "cases": {"value": null, "suppressed": true}, "asn": {"value": null, "suppressed": true}}],
            "province_offices": []
        })),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn public_stats_regions(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<PublicStatsQuery>, QueryRejection>,
) -> ApiResult<PublicRegionsView> {
    let q = query(q, lang)?;
    Ok(Json(s.netra.public_regions(&q.election).await.map_err(fail(lang))?))
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The statistics paths, to be merged into the main API document.
#[derive(OpenApi)]
#[openapi(
    paths(
        stats_breakdown, stats_ppk_compliance, stats_attendance, stats_handling_time, stats_regions,
        public_stats_breakdown, public_stats_ppk_compliance, public_stats_attendance, public_stats_handling_time,
        public_stats_regions, stats_risk, public_stats_risk
    ),
    components(schemas(Problem)),
    modifiers(&BearerScheme)
)]
pub struct StatsApiDoc;
