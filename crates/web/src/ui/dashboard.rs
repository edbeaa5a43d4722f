//! Statistics pages: the officials' dashboard (`/statistik`) with a CSV export of each of its tables
//! (`/statistik/ekspor.csv`), and the public transparency page (`/transparansi`).
//!
//! The dashboard reads the statistics use cases of `netra_core::stats` within the signed-in
//! official's scope and the filters of the URL (election, region subtree, receipt dates, map level,
//! charted unit), so every view can be bookmarked and works without JavaScript; the filter form
//! uses htmx to swap only the dashboard body when JavaScript is available. Charts and the map are
//! drawn on the server by `netra_charts`, each chart with its accessible table beside it.
//!
//! The transparency page is public: it reads only the `public_*` use cases (national, counts of
//! 1–4 withheld with complementary suppression), takes no parameters at all (so two overlapping
//! queries cannot be differenced), sets no cookie and shows no case details.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::Value;
use netra_charts::map::{Breaks, Choropleth, MapLevel, RegionValue};
use netra_charts::{Chart, Series, format};
use netra_core::CoreError;
use netra_core::risk::{RiskLevel, RiskView};
use netra_core::stats::{
    AttendanceView, BreakdownRow, BreakdownView, HandlingTimeView, PhaseView, PpkComplianceView, PublicCount,
    RegionsView, StatsParams,
};
use netra_domain::ids::RegionCode;
use netra_domain::model::Election;
use netra_domain::policy::Actor;
use netra_store::stats::{Dimension, Funnel, Phase};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

use netra_charts::format::int as group_thousands;

use super::render::{render, zone_of};
use super::{base_ctx, core_error_page, error_page, message, non_empty, url_encode};
use crate::AppState;
use crate::error::Localised;
use crate::i18n::{Lang, t, t_args, try_t};
use crate::routes::{Access, CASE_WORKERS, Principal, Registry, page_lang};

/// The statistics pages and their access policy.
pub fn routes(state: AppState) -> Registry {
    use Access::{Officials, Public};
    use Method as M;
    Registry::new(state)
        .route(M::GET, "/statistik", Officials(CASE_WORKERS), get(dashboard_page))
        .route(M::GET, "/statistik/ekspor.csv", Officials(CASE_WORKERS), get(export_csv))
        .route(M::GET, "/transparansi", Public, get(transparency_page))
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// The dashboard's URL parameters (unknown ones are ignored, invalid ones reported on the page).
#[derive(Debug, Deserialize, Default)]
struct DashQuery {
    #[serde(default)]
    election: Option<String>,
    #[serde(default)]
    region: Option<String>,
    /// `provinsi` or `kabkota` (map level).
    #[serde(default)]
    level: Option<String>,
    /// `kasus` or `asn` (unit of the charts and the map; tables always show both).
    #[serde(default)]
    unit: Option<String>,
    /// Receipt date window, `YYYY-MM-DD`, inclusive, in the official's time zone.
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// Export only: which table.
    #[serde(default)]
    table: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Cases,
    Asn,
}

impl Unit {
    fn of(self, cases: i64, asn: i64) -> i64 {
        match self {
            Unit::Cases => cases,
            Unit::Asn => asn,
        }
    }

    fn label(self, lang: Lang) -> String {
        t(lang, if self == Unit::Cases { "dash-unit-cases" } else { "dash-unit-asn" })
    }
}

/// The resolved filters of one request.
struct Filters {
    election: Election,
    /// The region chosen in the URL (validated).
    region: Option<RegionCode>,
    /// What the statistics are restricted to: the chosen region, else the official's own region.
    effective_region: Option<RegionCode>,
    level: MapLevel,
    level_param: Option<&'static str>,
    unit: Unit,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    received_from: Option<DateTime<Utc>>,
    received_to: Option<DateTime<Utc>>,
    /// Values that could not be used, to show on the page.
    problems: Vec<String>,
}

impl Filters {
    fn params(&self) -> StatsParams {
        StatsParams {
            election: self.election.id.clone(),
            region: self.effective_region.as_ref().map(|r| r.as_str().to_owned()),
            received_from: self.received_from,
            received_to: self.received_to,
        }
    }

    /// The query string of the filters, without `region` when `with_region` is false (for the map
    /// links, which append their own).
    fn query(&self, with_region: bool) -> String {
        let mut pairs = vec![("election", self.election.code.clone())];
        if with_region && let Some(r) = &self.region {
            pairs.push(("region", r.as_str().to_owned()));
        }
        if let Some(l) = self.level_param {
            pairs.push(("level", l.to_owned()));
        }
        if self.unit == Unit::Asn {
            pairs.push(("unit", "asn".to_owned()));
        }
        if let Some(d) = self.from {
            pairs.push(("from", d.format("%Y-%m-%d").to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("to", d.format("%Y-%m-%d").to_string()));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect::<Vec<_>>().join("&")
    }

    fn export_url(&self, table: &str) -> String {
        format!("/statistik/ekspor.csv?table={}&{}", url_encode(table), self.query(true))
    }
}

fn known_region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code).ok().filter(|c| netra_domain::catalogue::region(c).is_some())
}

fn region_label(code: &RegionCode) -> String {
    netra_domain::catalogue::region(code).map_or_else(|| code.as_str().to_owned(), |r| r.name.clone())
}

/// Resolves the URL parameters; `None` when there is no election at all.
fn resolve(who: &Principal, elections: &[Election], q: &DashQuery) -> Option<Filters> {
    let mut problems = Vec::new();
    let chosen = non_empty(&q.election);
    let election = match chosen.as_deref() {
        Some(c) => match elections.iter().find(|e| e.code == c || e.id == c) {
            Some(e) => e.clone(),
            None => {
                problems.push(c.to_owned());
                elections.first()?.clone()
            }
        },
        // Most recent first (by voting day).
        None => elections.first()?.clone(),
    };
    let region = non_empty(&q.region).and_then(|r| {
        let code = known_region(&r);
        if code.is_none() {
            problems.push(r);
        }
        code
    });
    let zone = zone_of(who.actor.scope.region.as_ref().map(|r| r.as_str())).offset();
    let mut day = |v: &Option<String>, end: bool| -> (Option<NaiveDate>, Option<DateTime<Utc>>) {
        let Some(s) = non_empty(v) else { return (None, None) };
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => {
                let t = if end { d.and_hms_opt(23, 59, 59) } else { d.and_hms_opt(0, 0, 0) }.expect("valid time");
                (Some(d), t.and_local_timezone(zone).single().map(|t| t.with_timezone(&Utc)))
            }
            Err(_) => {
                problems.push(s);
                (None, None)
            }
        }
    };
    let (from, received_from) = day(&q.from, false);
    let (to, received_to) = day(&q.to, true);
    let effective_region = region.clone().or_else(|| who.actor.scope.region.clone());
    let level_param = match q.level.as_deref().map(str::trim) {
        Some("kabkota") => Some("kabkota"),
        Some("provinsi") => Some("provinsi"),
        Some("") | None => None,
        Some(other) => {
            problems.push(other.to_owned());
            None
        }
    };
    // Drilled into a region (or an official of one): kabupaten/kota by default, else provinces.
    let level = match level_param {
        Some("kabkota") => MapLevel::Regency,
        Some(_) => MapLevel::Province,
        None if effective_region.is_some() => MapLevel::Regency,
        None => MapLevel::Province,
    };
    let unit = if q.unit.as_deref() == Some("asn") { Unit::Asn } else { Unit::Cases };
    Some(Filters {
        election,
        region,
        effective_region,
        level,
        level_param,
        unit,
        from,
        to,
        received_from,
        received_to,
        problems,
    })
}

/// The official with the region filter folded into the scope, for the funnel use case (which takes
/// no region filter). Only ever narrower than the official's own scope; `None` when the filter and
/// the scope do not overlap (nothing to count).
fn narrowed(actor: &Actor, region: Option<&RegionCode>) -> Option<Actor> {
    let Some(f) = region else { return Some(actor.clone()) };
    let mut a = actor.clone();
    match &actor.scope.region {
        Some(own) if own.is_within(f) => {}
        Some(own) if !f.is_within(own) => return None,
        _ => a.scope.region = Some(f.clone()),
    }
    Some(a)
}

// ---------------------------------------------------------------------------------------------
// Tables (shown on the page and exported as CSV)
// ---------------------------------------------------------------------------------------------

/// One cell: how it is shown and how it is exported.
#[derive(Debug, Clone, Serialize)]
struct Cell {
    text: String,
    csv: String,
    num: bool,
}

fn txt(s: impl Into<String>) -> Cell {
    let s = s.into();
    Cell { csv: s.clone(), text: s, num: false }
}

fn int(n: i64) -> Cell {
    Cell { text: group_thousands(n), csv: n.to_string(), num: true }
}

fn none() -> Cell {
    Cell { text: "–".into(), csv: String::new(), num: true }
}

fn days(v: Option<f64>) -> Cell {
    match v {
        Some(d) => Cell { text: format::decimal(d, 1), csv: format!("{d:.1}"), num: true },
        None => none(),
    }
}

fn share(v: Option<f64>) -> Cell {
    match v {
        Some(s) => Cell { text: format::percent(s), csv: format!("{s:.3}"), num: true },
        None => none(),
    }
}

fn public_cell(lang: Lang, c: &PublicCount) -> Cell {
    match c.value {
        Some(v) if !c.suppressed => int(v),
        _ => Cell { text: t(lang, "pub-withheld"), csv: String::new(), num: true },
    }
}

#[derive(Debug, Clone, Serialize)]
struct Row {
    cells: Vec<Cell>,
    total: bool,
    flag: bool,
}

impl Row {
    fn of(cells: Vec<Cell>) -> Self {
        Row { cells, total: false, flag: false }
    }
    fn total(cells: Vec<Cell>) -> Self {
        Row { cells, total: true, flag: false }
    }
}

#[derive(Debug, Clone, Serialize)]
struct Table {
    id: String,
    title: String,
    note: Option<String>,
    columns: Vec<String>,
    rows: Vec<Row>,
    export: String,
}

const FUNNEL_STEPS: [&str; 9] = [
    "reported",
    "registered",
    "referred",
    "recommended",
    "sanctioned",
    "not_registered",
    "stopped",
    "not_proven",
    "in_progress",
];

fn funnel_value(f: &Funnel, step: &str) -> i64 {
    match step {
        "reported" => f.reported,
        "registered" => f.registered,
        "referred" => f.referred,
        "recommended" => f.recommended,
        "sanctioned" => f.sanctioned,
        "not_registered" => f.not_registered,
        "stopped" => f.stopped,
        "not_proven" => f.not_proven,
        _ => f.in_progress,
    }
}

fn phase_of(v: &HandlingTimeView, p: Phase) -> Option<&PhaseView> {
    v.phases.iter().find(|x| x.phase == p)
}

fn funnel_table(
    lang: Lang,
    cases: &Funnel,
    asn: &Funnel,
    handling: &HandlingTimeView,
    ppk: &PpkComplianceView,
) -> Table {
    let mut rows: Vec<Row> = FUNNEL_STEPS
        .iter()
        .map(|s| {
            Row::of(vec![
                txt(t(lang, &format!("dash-funnel-{s}"))),
                int(funnel_value(cases, s)),
                int(funnel_value(asn, s)),
            ])
        })
        .collect();
    let open_overdue = |p| phase_of(handling, p).map_or(0, |v| v.overall.open_overdue);
    let mut late = |key: &str, c: Option<i64>, a: Option<i64>| {
        let mut r = Row::of(vec![txt(t(lang, key)), c.map_or_else(none, int), a.map_or_else(none, int)]);
        r.flag = c.unwrap_or(0) + a.unwrap_or(0) > 0;
        rows.push(r);
    };
    late("dash-funnel-overdue-bawaslu", Some(open_overdue(Phase::Bawaslu)), None);
    late("dash-funnel-overdue-authority", None, Some(open_overdue(Phase::Authority)));
    late("dash-funnel-overdue-ppk", None, Some(ppk.total.overdue));
    Table {
        id: "funnel".into(),
        title: t(lang, "dash-funnel-title"),
        note: Some(t(lang, "dash-funnel-note")),
        columns: vec![t(lang, "dash-col-step"), Unit::Cases.label(lang), Unit::Asn.label(lang)],
        rows,
        export: String::new(),
    }
}

const DIMENSIONS: [Dimension; 8] = [
    Dimension::PositionClass,
    Dimension::ViolationForm,
    Dimension::Category,
    Dimension::Medium,
    Dimension::Platform,
    Dimension::AgencyKind,
    Dimension::Province,
    Dimension::Month,
];

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A category's label in the page language (closed categories are translated; catalogue names,
/// provinces and free values keep their Indonesian label).
fn category_label(lang: Lang, dim: Dimension, r: &BreakdownRow) -> String {
    if dim == Dimension::Month {
        let m: Option<usize> = r.key.get(5..7).and_then(|m| m.parse().ok()).filter(|m| (1..=12).contains(m));
        return match (lang, m) {
            (Lang::En, Some(m)) => format!("{} {}", MONTHS_EN[m - 1], &r.key[..4]),
            _ => format::month_label(&r.key),
        };
    }
    try_t(lang, &format!("dash-cat-{}-{}", dim.as_str(), r.key)).unwrap_or_else(|| r.label.clone())
}

fn breakdown_table(lang: Lang, v: &BreakdownView) -> Table {
    let dim = v.dimension;
    let grouped = v.rows.iter().any(|r| r.group.is_some());
    let mut columns = vec![t(lang, &format!("dash-dim-{}", dim.as_str()))];
    if grouped {
        columns.push(t(lang, "dash-col-group"));
    }
    columns.extend([Unit::Cases.label(lang), Unit::Asn.label(lang)]);
    let mut rows: Vec<Row> = v
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![txt(category_label(lang, dim, r))];
            if grouped {
                cells.push(txt(r.group.clone().unwrap_or_default()));
            }
            cells.extend([int(r.cases), int(r.asn)]);
            Row::of(cells)
        })
        .collect();
    let mut total = vec![txt(t(lang, "dash-total"))];
    if grouped {
        total.push(txt(""));
    }
    total.extend([int(v.total.cases), int(v.total.asn)]);
    rows.push(Row::total(total));
    let multi = match (v.multi_valued.cases, v.multi_valued.asn) {
        (true, true) => Some(t(lang, "dash-multi-both")),
        (true, false) => Some(t(lang, "dash-multi-cases")),
        _ => None,
    };
    Table {
        id: dim.as_str().into(),
        title: t(lang, &format!("dash-dim-{}", dim.as_str())),
        note: multi,
        columns,
        rows,
        export: String::new(),
    }
}

fn yes_no(lang: Lang, b: bool) -> Cell {
    txt(t(lang, if b { "dash-yes" } else { "dash-no" }))
}

fn ppk_table(lang: Lang, v: &PpkComplianceView) -> Table {
    let kind = |k: &str| try_t(lang, &format!("dash-cat-agency_kind-{k}")).unwrap_or_else(|| k.to_owned());
    let cells = |r: &netra_core::stats::PpkRow, name: String| {
        vec![
            txt(name),
            txt(if r.agency_kind == "all" { String::new() } else { kind(&r.agency_kind) }),
            int(r.recommended),
            int(r.followed_up),
            int(r.pending),
            int(r.overdue),
            int(r.data_blocks),
            int(r.escalated),
            share(r.follow_up_rate),
            txt(r.ppk_position.clone().unwrap_or_default()),
            yes_no(lang, r.ppk_conflicted),
        ]
    };
    let mut rows: Vec<Row> = v
        .agencies
        .iter()
        .map(|r| {
            let mut row = Row::of(cells(r, r.agency_name.clone()));
            row.flag = r.ppk_conflicted;
            row
        })
        .collect();
    rows.push(Row::total(cells(&v.total, t(lang, "dash-total"))));
    let columns = [
        "dash-col-agency",
        "dash-col-agency-kind",
        "dash-col-recommended",
        "dash-col-followed-up",
        "dash-col-pending",
        "dash-col-overdue",
        "dash-col-data-blocks",
        "dash-col-escalated",
        "dash-col-follow-up-rate",
        "dash-col-ppk",
        "dash-col-conflict",
    ];
    Table {
        id: "ppk".into(),
        title: t(lang, "dash-ppk-title"),
        note: Some(t(lang, "dash-ppk-note")),
        columns: columns.iter().map(|k| t(lang, k)).collect(),
        rows,
        export: String::new(),
    }
}

fn attendance_table(lang: Lang, v: &AttendanceView) -> Table {
    let cells = |r: &netra_core::stats::AttendanceRow, label: String| {
        vec![
            txt(label),
            int(r.invitations),
            int(r.attended),
            int(r.absent),
            int(r.pending),
            int(r.second_invitations),
            int(r.invitees),
            int(r.never_attended),
        ]
    };
    let mut rows: Vec<Row> = v
        .roles
        .iter()
        .map(|r| {
            let label = try_t(lang, &format!("dash-role-{}", r.role)).unwrap_or_else(|| r.label.clone());
            Row::of(cells(r, label))
        })
        .collect();
    rows.push(Row::total(cells(&v.total, t(lang, "dash-total"))));
    let columns = [
        "dash-col-role",
        "dash-col-invitations",
        "dash-col-attended",
        "dash-col-absent",
        "dash-col-not-recorded",
        "dash-col-second",
        "dash-col-invitees",
        "dash-col-never",
    ];
    Table {
        id: "attendance".into(),
        title: t(lang, "dash-attendance-title"),
        note: Some(t(lang, "dash-attendance-note")),
        columns: columns.iter().map(|k| t(lang, k)).collect(),
        rows,
        export: String::new(),
    }
}

fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Bawaslu => "bawaslu",
        Phase::Authority => "authority",
        Phase::Ppk => "ppk",
    }
}

fn handling_table(lang: Lang, p: &PhaseView) -> Table {
    let key = phase_key(p.phase);
    let cells = |r: &netra_core::stats::HandlingRow, name: String| {
        vec![
            txt(name),
            int(r.finished),
            days(r.median_days),
            days(r.p90_days),
            int(r.on_time),
            int(r.late),
            share(r.late_share),
            int(r.open),
            int(r.open_overdue),
        ]
    };
    let mut rows: Vec<Row> = p
        .offices
        .iter()
        .map(|r| {
            let mut row = Row::of(cells(r, r.office_name.clone()));
            row.flag = r.late + r.open_overdue > 0;
            row
        })
        .collect();
    rows.push(Row::total(cells(&p.overall, t(lang, "dash-all-offices"))));
    let unit = if p.unit == "cases" { Unit::Cases } else { Unit::Asn };
    let columns = [
        "dash-col-office",
        "dash-col-finished",
        "dash-col-median",
        "dash-col-p90",
        "dash-col-on-time",
        "dash-col-late",
        "dash-col-late-share",
        "dash-col-open",
        "dash-col-open-overdue",
    ];
    Table {
        id: format!("handling-{key}"),
        title: t(lang, &format!("dash-phase-{key}")),
        note: Some(t_args(
            lang,
            "dash-handling-note",
            &[("unit", &unit.label(lang)), ("rule", &p.rule), ("citation", &p.citation)],
        )),
        columns: columns.iter().map(|k| t(lang, k)).collect(),
        rows,
        export: String::new(),
    }
}

fn regions_table(lang: Lang, v: &RegionsView, level: MapLevel) -> Table {
    let list = if level == MapLevel::Province { &v.provinces } else { &v.regencies };
    let mut rows: Vec<Row> = list
        .iter()
        .map(|r| {
            let note = if netra_charts::map::has_shape(level, &r.code) { "" } else { "dash-map-no-shape" };
            Row::of(vec![
                txt(r.code.clone()),
                txt(r.name.clone()),
                int(r.cases),
                int(r.asn),
                txt(if note.is_empty() { String::new() } else { t(lang, note) }),
            ])
        })
        .collect();
    if level == MapLevel::Regency {
        for o in v.province_offices.iter().filter(|o| o.cases + o.asn > 0) {
            rows.push(Row::of(vec![
                txt(o.code.clone()),
                txt(o.name.clone()),
                int(o.cases),
                int(o.asn),
                txt(t(lang, "dash-map-province-office")),
            ]));
        }
    }
    if v.national_office.cases + v.national_office.asn > 0 {
        rows.push(Row::of(vec![
            txt(""),
            txt(t(lang, "dash-national-office")),
            int(v.national_office.cases),
            int(v.national_office.asn),
            txt(t(lang, "dash-map-national-office")),
        ]));
    }
    rows.push(Row::total(vec![txt(""), txt(t(lang, "dash-total")), int(v.total.cases), int(v.total.asn), txt("")]));
    let title = if level == MapLevel::Province { "dash-map-title-province" } else { "dash-map-title-regency" };
    Table {
        id: "regions".into(),
        title: t(lang, title),
        note: None,
        columns: vec![
            t(lang, "dash-col-code"),
            t(lang, "dash-col-region"),
            Unit::Cases.label(lang),
            Unit::Asn.label(lang),
            t(lang, "dash-col-note"),
        ],
        rows,
        export: String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// One CSV field: a value that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) gets a leading apostrophe, then RFC 4180 quoting.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r', ';']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// The table as CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends,
/// the column headers, then every row (the total last). Numbers are plain (`1234`, `0.25`).
fn to_csv(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    let line = |out: &mut String, fields: Vec<String>| {
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(&mut out, table.columns.clone());
    for r in &table.rows {
        line(&mut out, r.cells.iter().map(|c| c.csv.clone()).collect());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The dashboard
// ---------------------------------------------------------------------------------------------

/// Everything the dashboard shows, read within the official's scope.
struct Data {
    funnel: (Funnel, Funnel),
    breakdowns: Vec<BreakdownView>,
    ppk: PpkComplianceView,
    attendance: AttendanceView,
    handling: HandlingTimeView,
    regions: RegionsView,
    risk: RiskView,
}

fn risk_level(level: MapLevel) -> RiskLevel {
    if level == MapLevel::Province { RiskLevel::Province } else { RiskLevel::Regency }
}

fn score(v: Option<f64>) -> Cell {
    match v {
        Some(s) => Cell { text: format::decimal(s, 1), csv: format!("{s:.2}"), num: true },
        None => none(),
    }
}

/// Every region of the level with its score, category and components; the method's edition and
/// cut-offs in the note.
fn risk_table(lang: Lang, v: &RiskView) -> Table {
    let mut columns = vec![
        t(lang, "dash-col-code"),
        t(lang, "dash-col-region"),
        t(lang, "risk-col-score"),
        t(lang, "risk-col-category"),
    ];
    columns.extend(v.components.iter().map(|c| if lang == Lang::En { c.name_en.clone() } else { c.name_id.clone() }));
    columns.push(Unit::Asn.label(lang));
    let rows = v
        .regions
        .iter()
        .map(|r| {
            let mut cells = vec![
                txt(r.code.clone()),
                txt(r.name.clone()),
                score(r.score),
                txt(match &r.category {
                    Some(c) => t(lang, &format!("risk-category-{c}")),
                    None => t(lang, "risk-not-scored"),
                }),
            ];
            cells.extend(r.components.iter().map(|c| score(c.value)));
            cells.push(r.asn_reported.map_or_else(none, int));
            let mut row = Row::of(cells);
            row.flag = r.category.as_deref() == Some("tinggi");
            row
        })
        .collect();
    Table {
        id: "risk".into(),
        title: t(lang, "risk-title"),
        note: Some(crate::i18n::t_args(
            lang,
            "risk-note",
            &[
                ("edition", &v.edition),
                ("sedang", &format::decimal(v.cutoff_sedang, 2)),
                ("tinggi", &format::decimal(v.cutoff_tinggi, 2)),
                ("min", &v.min_asn.to_string()),
            ],
        )),
        columns,
        rows,
        export: String::new(),
    }
}

/// The index on the map: grey where a region is not scored, three shades for the categories.
fn risk_map(lang: Lang, f: &Filters, v: &RiskView) -> String {
    let map = Choropleth {
        title: t(lang, "risk-map-title"),
        description: String::new(),
        level: f.level,
        unit: t(lang, "risk-col-score"),
        values: v
            .regions
            .iter()
            .map(|r| RegionValue { code: r.code.clone(), name: r.name.clone(), value: r.score })
            .collect(),
        // Scores carry two decimals: the class below a cut-off ends 0.01 under it.
        breaks: Breaks::Fixed(vec![v.cutoff_sedang - 0.01, v.cutoff_tinggi - 0.01]),
        link_prefix: format!("?{}&region=", f.query(false)),
    };
    map.render().svg
}

async fn funnel_of(s: &AppState, who: &Principal, f: &Filters) -> Result<(Funnel, Funnel), CoreError> {
    match narrowed(&who.actor, f.effective_region.as_ref()) {
        Some(actor) => {
            let v = s.netra.funnel(&actor, &f.election.id).await?;
            Ok((v.cases, v.asn))
        }
        None => Ok((Funnel::default(), Funnel::default())),
    }
}

async fn load(s: &AppState, who: &Principal, f: &Filters) -> Result<Data, CoreError> {
    let p = f.params();
    let a = &who.actor;
    let mut breakdowns = Vec::new();
    for dim in DIMENSIONS {
        breakdowns.push(s.netra.breakdown(a, &p, dim).await?);
    }
    Ok(Data {
        funnel: funnel_of(s, who, f).await?,
        breakdowns,
        ppk: s.netra.ppk_compliance(a, &p).await?,
        attendance: s.netra.attendance(a, &p).await?,
        handling: s.netra.handling_time(a, &p).await?,
        regions: s.netra.region_stats(a, &p).await?,
        risk: s.netra.risk_index(a, &p, risk_level(f.level)).await?,
    })
}

fn svg_of(dim: Dimension, lang: Lang, v: &BreakdownView, unit: Unit) -> String {
    // Long closed lists (provinces, violation forms) chart only what occurs; the table has every row.
    let rows: Vec<&BreakdownRow> = v
        .rows
        .iter()
        .filter(|r| !matches!(dim, Dimension::Province | Dimension::ViolationForm) || r.cases + r.asn > 0)
        .collect();
    let title = t_args(
        lang,
        "dash-chart-title",
        &[("what", &t(lang, &format!("dash-dim-{}", dim.as_str()))), ("unit", &unit.label(lang))],
    );
    let series = |u: Unit| Series {
        name: u.label(lang),
        values: rows.iter().map(|r| Some(u.of(r.cases, r.asn) as f64)).collect(),
    };
    let mut chart = Chart {
        title,
        description: String::new(),
        categories: rows.iter().map(|r| category_label(lang, dim, r)).collect(),
        series: vec![series(unit)],
        unit: unit.label(lang),
    };
    match dim {
        Dimension::Month => {
            chart.title = t(lang, "dash-dim-month");
            chart.series = vec![series(Unit::Cases), series(Unit::Asn)];
            netra_charts::line(&chart)
        }
        Dimension::Medium => netra_charts::donut(&chart),
        _ => netra_charts::bar(&chart),
    }
}

/// The accessible twin of a breakdown chart: every category in both units.
fn chart_table(lang: Lang, v: &BreakdownView) -> String {
    let dim = v.dimension;
    let series = |u: Unit| Series {
        name: u.label(lang),
        values: v.rows.iter().map(|r| Some(u.of(r.cases, r.asn) as f64)).collect(),
    };
    netra_charts::table(&Chart {
        title: t(lang, &format!("dash-dim-{}", dim.as_str())),
        description: String::new(),
        categories: v.rows.iter().map(|r| category_label(lang, dim, r)).collect(),
        series: vec![series(Unit::Cases), series(Unit::Asn)],
        unit: t(lang, "dash-col-category"),
    })
}

fn funnel_svg(lang: Lang, cases: &Funnel, asn: &Funnel, unit: Unit) -> String {
    let f = if unit == Unit::Cases { cases } else { asn };
    netra_charts::bar(&Chart {
        title: t_args(
            lang,
            "dash-chart-title",
            &[("what", &t(lang, "dash-funnel-title")), ("unit", &unit.label(lang))],
        ),
        description: String::new(),
        categories: FUNNEL_STEPS.iter().map(|s| t(lang, &format!("dash-funnel-{s}"))).collect(),
        series: vec![Series {
            name: unit.label(lang),
            values: FUNNEL_STEPS.iter().map(|s| Some(funnel_value(f, s) as f64)).collect(),
        }],
        unit: unit.label(lang),
    })
}

fn map_json(lang: Lang, f: &Filters, r: &RegionsView) -> serde_json::Value {
    let list = if f.level == MapLevel::Province { &r.provinces } else { &r.regencies };
    let unit_word = t(lang, if f.unit == Unit::Cases { "dash-unit-cases-short" } else { "dash-unit-asn-short" });
    let title =
        t(lang, if f.level == MapLevel::Province { "dash-map-title-province" } else { "dash-map-title-regency" });
    let map = Choropleth {
        title: format!("{title} ({unit_word})"),
        description: String::new(),
        level: f.level,
        unit: unit_word,
        values: list
            .iter()
            .map(|x| RegionValue {
                code: x.code.clone(),
                name: x.name.clone(),
                value: Some(f.unit.of(x.cases, x.asn) as f64),
            })
            .collect(),
        breaks: Breaks::Quantiles(5),
        link_prefix: format!("?{}&region=", f.query(false)),
    };
    let out = map.render();
    let without: Vec<_> = out
        .without_shape
        .iter()
        .map(|v| {
            let row = list.iter().find(|x| x.code == v.code);
            json!({
                "code": v.code, "name": v.name,
                "cases": group_thousands(row.map_or(0, |x| x.cases)),
                "asn": group_thousands(row.map_or(0, |x| x.asn)),
                "link": format!("{}{}", map.link_prefix, v.code),
            })
        })
        .collect();
    let mut offices: Vec<serde_json::Value> = Vec::new();
    if f.level == MapLevel::Regency {
        offices.extend(
            r.province_offices
                .iter()
                .filter(|o| o.cases + o.asn > 0)
                .map(|o| json!({"name": o.name, "cases": group_thousands(o.cases), "asn": group_thousands(o.asn)})),
        );
    }
    if r.national_office.cases + r.national_office.asn > 0 {
        offices.push(json!({
            "name": t(lang, "dash-national-office"),
            "cases": group_thousands(r.national_office.cases),
            "asn": group_thousands(r.national_office.asn),
        }));
    }
    json!({
        "svg": out.svg,
        "table": map.table(),
        "without_shape": without,
        "offices": offices,
        "level": if f.level == MapLevel::Province { "provinsi" } else { "kabkota" },
    })
}

fn with_export(mut t: Table, f: &Filters) -> Table {
    t.export = f.export_url(&t.id);
    t
}

async fn dashboard_page(
    State(s): State<AppState>,
    who: Principal,
    q: Result<Query<DashQuery>, QueryRejection>,
) -> Response {
    let lang = who.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let elections = match netra_store::people::elections(&s.netra.db).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, &Localised(e.into(), lang)),
    };
    let mut ctx = base_ctx(&who, "/statistik");
    let Some(f) = resolve(&who, &elections, &q) else {
        ctx.insert("no_election".into(), json!(true));
        return render(StatusCode::OK, "dashboard.html", Value::from(minijinja::value::Serde(&ctx)));
    };
    let d = match load(&s, &who, &f).await {
        Ok(d) => d,
        Err(e) => return core_error_page(&who, e),
    };
    let unit = f.unit;
    let funnel = with_export(funnel_table(lang, &d.funnel.0, &d.funnel.1, &d.handling, &d.ppk), &f);
    let breakdowns: Vec<serde_json::Value> = d
        .breakdowns
        .iter()
        .map(|b| {
            let dim = b.dimension;
            let table = with_export(breakdown_table(lang, b), &f);
            json!({
                "id": dim.as_str(),
                "title": t(lang, &format!("dash-dim-{}", dim.as_str())),
                "svg": svg_of(dim, lang, b, unit),
                "table": chart_table(lang, b),
                "note": table.note,
                "total": {"cases": group_thousands(b.total.cases), "asn": group_thousands(b.total.asn)},
                "export": table.export,
                // Long labels or many rows: the table goes under the chart rather than beside it.
                "stacked": matches!(dim, Dimension::ViolationForm | Dimension::Province),
            })
        })
        .collect();
    let handling: Vec<Table> = d.handling.phases.iter().map(|p| with_export(handling_table(lang, p), &f)).collect();
    let mut map = map_json(lang, &f, &d.regions);
    if let Some(m) = map.as_object_mut() {
        m.insert("export".into(), json!(f.export_url("regions")));
    }
    let scope_name = who.actor.scope.region.as_ref().map(region_label);
    let here = format!("/statistik?{}", f.query(true));
    let level_link = |l: &str| {
        let mut g = Filters { level_param: None, ..clone_filters(&f) };
        g.level_param = if l == "kabkota" { Some("kabkota") } else { Some("provinsi") };
        format!("/statistik?{}", g.query(true))
    };
    let clear_region = (f.region.is_some()).then(|| {
        let g = Filters { region: None, ..clone_filters(&f) };
        format!("/statistik?{}", g.query(true))
    });
    ctx.insert("path".into(), json!(here));
    ctx.insert(
        "elections".into(),
        json!(elections.iter().map(|e| json!({"code": e.code, "name": e.name})).collect::<Vec<_>>()),
    );
    ctx.insert(
        "f".into(),
        json!({
            "election": f.election.code,
            "election_name": f.election.name,
            "region": f.region.as_ref().map(|r| r.as_str()),
            "region_name": f.region.as_ref().map(region_label),
            "scope_name": scope_name,
            "level": if f.level == MapLevel::Province { "provinsi" } else { "kabkota" },
            "level_param": f.level_param,
            "unit": if unit == Unit::Cases { "kasus" } else { "asn" },
            "from": f.from.map(|d| d.format("%Y-%m-%d").to_string()),
            "to": f.to.map(|d| d.format("%Y-%m-%d").to_string()),
            "dated": f.from.is_some() || f.to.is_some(),
        }),
    );
    ctx.insert("problems".into(), json!(f.problems));
    ctx.insert("funnel".into(), json!(funnel));
    ctx.insert("funnel_svg".into(), json!(funnel_svg(lang, &d.funnel.0, &d.funnel.1, unit)));
    ctx.insert("breakdowns".into(), json!(breakdowns));
    ctx.insert("ppk".into(), json!(with_export(ppk_table(lang, &d.ppk), &f)));
    ctx.insert("attendance".into(), json!(with_export(attendance_table(lang, &d.attendance), &f)));
    ctx.insert("handling".into(), json!(handling));
    ctx.insert("risk".into(), json!(with_export(risk_table(lang, &d.risk), &f)));
    ctx.insert("risk_map".into(), json!(risk_map(lang, &f, &d.risk)));
    ctx.insert("map".into(), map);
    ctx.insert("level_links".into(), json!({"provinsi": level_link("provinsi"), "kabkota": level_link("kabkota")}));
    ctx.insert("clear_region".into(), json!(clear_region));
    ctx.insert(
        "totals".into(),
        json!({"cases": group_thousands(d.regions.total.cases), "asn": group_thousands(d.regions.total.asn)}),
    );
    let mut resp = render(StatusCode::OK, "dashboard.html", Value::from(minijinja::value::Serde(&ctx)));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn clone_filters(f: &Filters) -> Filters {
    Filters {
        election: f.election.clone(),
        region: f.region.clone(),
        effective_region: f.effective_region.clone(),
        level: f.level,
        level_param: f.level_param,
        unit: f.unit,
        from: f.from,
        to: f.to,
        received_from: f.received_from,
        received_to: f.received_to,
        problems: Vec::new(),
    }
}

/// Names of the tables that can be exported.
pub const EXPORTS: &[&str] = &[
    "funnel",
    "position_class",
    "violation_form",
    "category",
    "medium",
    "platform",
    "agency_kind",
    "province",
    "month",
    "ppk",
    "attendance",
    "handling-bawaslu",
    "handling-authority",
    "handling-ppk",
    "regions",
    "risk",
];

async fn export_table(s: &AppState, who: &Principal, f: &Filters, id: &str) -> Result<Option<Table>, CoreError> {
    let lang = who.lang;
    let p = f.params();
    let a = &who.actor;
    let table = match id {
        "funnel" => {
            let (cases, asn) = funnel_of(s, who, f).await?;
            let handling = s.netra.handling_time(a, &p).await?;
            let ppk = s.netra.ppk_compliance(a, &p).await?;
            funnel_table(lang, &cases, &asn, &handling, &ppk)
        }
        "ppk" => ppk_table(lang, &s.netra.ppk_compliance(a, &p).await?),
        "attendance" => attendance_table(lang, &s.netra.attendance(a, &p).await?),
        "regions" => regions_table(lang, &s.netra.region_stats(a, &p).await?, f.level),
        "risk" => risk_table(lang, &s.netra.risk_index(a, &p, risk_level(f.level)).await?),
        h if h.starts_with("handling-") => {
            let v = s.netra.handling_time(a, &p).await?;
            match v.phases.iter().find(|x| format!("handling-{}", phase_key(x.phase)) == h) {
                Some(ph) => handling_table(lang, ph),
                None => return Ok(None),
            }
        }
        other => match Dimension::parse(other) {
            Some(dim) => breakdown_table(lang, &s.netra.breakdown(a, &p, dim).await?),
            None => return Ok(None),
        },
    };
    Ok(Some(table))
}

async fn export_csv(
    State(s): State<AppState>,
    who: Principal,
    q: Result<Query<DashQuery>, QueryRejection>,
) -> Response {
    let lang = who.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let elections = match netra_store::people::elections(&s.netra.db).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, &Localised(e.into(), lang)),
    };
    let id = q.table.clone().unwrap_or_default();
    let Some(f) = resolve(&who, &elections, &q).filter(|f| f.problems.is_empty() && EXPORTS.contains(&id.as_str()))
    else {
        return message(StatusCode::BAD_REQUEST, lang, "dash-export-bad-title", "dash-export-bad-text");
    };
    let table = match export_table(&s, &who, &f, &id).await {
        Ok(Some(t)) => t,
        Ok(None) => return message(StatusCode::BAD_REQUEST, lang, "dash-export-bad-title", "dash-export-bad-text"),
        Err(e) => return core_error_page(&who, e),
    };
    let mut name = format!("netra-{}-{}", f.election.code, id);
    if let Some(r) = &f.region {
        name.push('-');
        name.push_str(r.as_str());
    }
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        to_csv(&table),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// The public transparency page
// ---------------------------------------------------------------------------------------------

async fn transparency_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let lang = page_lang(&headers);
    let mut ctx = Map::new();
    ctx.insert("lang".into(), json!(lang.code()));
    ctx.insert("path".into(), json!("/transparansi"));
    let elections = match netra_store::people::elections(&s.netra.db).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, &Localised(e.into(), lang)),
    };
    let Some(election) = elections.first() else {
        ctx.insert("no_election".into(), json!(true));
        return render(StatusCode::OK, "transparency.html", Value::from(minijinja::value::Serde(&ctx)));
    };
    let fail = |e: CoreError| error_page(lang, &Localised(e.into(), lang));
    let funnel = match s.netra.public_funnel(&election.id).await {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let forms = match s.netra.public_breakdown(&election.id, Dimension::ViolationForm).await {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let regions = match s.netra.public_regions(&election.id).await {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let zero = PublicCount { value: Some(0), suppressed: false };
    let stages: Vec<Row> = FUNNEL_STEPS
        .iter()
        .map(|st| {
            Row::of(vec![
                txt(t(lang, &format!("dash-funnel-{st}"))),
                public_cell(lang, funnel.cases.get(*st).unwrap_or(&zero)),
                public_cell(lang, funnel.asn.get(*st).unwrap_or(&zero)),
            ])
        })
        .collect();
    let grouped = forms.rows.iter().any(|r| r.group.is_some());
    let mut form_rows: Vec<Row> = forms
        .rows
        .iter()
        .map(|r| {
            let label = try_t(lang, &format!("dash-cat-violation_form-{}", r.key)).unwrap_or_else(|| r.label.clone());
            let mut cells = vec![txt(label)];
            if grouped {
                cells.push(txt(r.group.clone().unwrap_or_default()));
            }
            cells.extend([public_cell(lang, &r.cases), public_cell(lang, &r.asn)]);
            Row::of(cells)
        })
        .collect();
    let mut total = vec![txt(t(lang, "dash-total"))];
    if grouped {
        total.push(txt(""));
    }
    total.extend([public_cell(lang, &forms.total.cases), public_cell(lang, &forms.total.asn)]);
    form_rows.push(Row::total(total));
    let mut form_columns = vec![t(lang, "dash-dim-violation_form")];
    if grouped {
        form_columns.push(t(lang, "dash-col-group"));
    }
    form_columns.extend([Unit::Cases.label(lang), Unit::Asn.label(lang)]);
    // Violation forms as a chart: withheld values are drawn as "disembunyikan", never as zero.
    let shown: Vec<_> = forms.rows.iter().filter(|r| r.cases.value != Some(0)).collect();
    let forms_svg = netra_charts::bar(&Chart {
        title: t_args(
            lang,
            "dash-chart-title",
            &[("what", &t(lang, "dash-dim-violation_form")), ("unit", &Unit::Cases.label(lang))],
        ),
        description: String::new(),
        categories: shown.iter().map(|r| r.label.clone()).collect(),
        series: vec![Series {
            name: Unit::Cases.label(lang),
            values: shown.iter().map(|r| r.cases.value.filter(|_| !r.cases.suppressed).map(|v| v as f64)).collect(),
        }],
        unit: t(lang, "dash-unit-cases-short"),
    });
    let unit_word = t(lang, "dash-unit-cases-short");
    let map = Choropleth {
        title: format!("{} ({unit_word})", t(lang, "dash-map-title-province")),
        description: String::new(),
        level: MapLevel::Province,
        unit: unit_word,
        values: regions
            .provinces
            .iter()
            .map(|p| RegionValue {
                code: p.code.clone(),
                name: p.name.clone(),
                value: p.cases.value.filter(|_| !p.cases.suppressed).map(|v| v as f64),
            })
            .collect(),
        breaks: Breaks::Quantiles(5),
        // Regions link to their row of the table below: the public page takes no filters.
        link_prefix: "#prov-".into(),
    }
    .render();
    let provinces: Vec<serde_json::Value> = regions
        .provinces
        .iter()
        .map(|p| json!({"code": p.code, "name": p.name, "cases": public_cell(lang, &p.cases), "asn": public_cell(lang, &p.asn)}))
        .collect();
    ctx.insert("election".into(), json!({"code": election.code, "name": election.name}));
    ctx.insert("suppress_below".into(), json!(funnel.suppress_below));
    ctx.insert(
        "stages".into(),
        json!({"columns": [t(lang, "dash-col-step"), Unit::Cases.label(lang), Unit::Asn.label(lang)], "rows": stages}),
    );
    ctx.insert("forms".into(), json!({"columns": form_columns, "rows": form_rows, "svg": forms_svg}));
    ctx.insert("map_svg".into(), json!(map.svg));
    ctx.insert("provinces".into(), json!(provinces));
    ctx.insert(
        "national".into(),
        json!({
            "show": regions.national_office.cases.value != Some(0) || regions.national_office.asn.value != Some(0),
            "cases": public_cell(lang, &regions.national_office.cases),
            "asn": public_cell(lang, &regions.national_office.asn),
        }),
    );
    ctx.insert(
        "total".into(),
        json!({"cases": public_cell(lang, &regions.total.cases), "asn": public_cell(lang, &regions.total.asn)}),
    );
    render(StatusCode::OK, "transparency.html", Value::from(minijinja::value::Serde(&ctx)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_cannot_become_formulas() {
        assert_eq!(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv_field("+62 811"), "'+62 811");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("\rx"), "\"'\rx\"");
        assert_eq!(csv_field("Kota Semarang"), "Kota Semarang");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("12"), "12");
    }

    #[test]
    fn the_region_filter_only_narrows_the_scope() {
        let code = |c: &str| RegionCode::parse(c).unwrap();
        let mut a = Actor::system("t");
        a.scope.region = Some(code("33"));
        assert_eq!(narrowed(&a, Some(&code("33.74"))).unwrap().scope.region, Some(code("33.74")));
        assert_eq!(narrowed(&a, None).unwrap().scope.region, Some(code("33")));
        // A broader filter keeps the official's own region; a disjoint one counts nothing.
        assert_eq!(narrowed(&a, Some(&code("33"))).unwrap().scope.region, Some(code("33")));
        let mut k = a.clone();
        k.scope.region = Some(code("33.74"));
        assert_eq!(narrowed(&k, Some(&code("33"))).unwrap().scope.region, Some(code("33.74")));
        assert!(narrowed(&a, Some(&code("32"))).is_none());
        let national = Actor::system("t");
        assert_eq!(narrowed(&national, Some(&code("32"))).unwrap().scope.region, Some(code("32")));
    }
}
