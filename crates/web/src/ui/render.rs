//! Server-side HTML: minijinja templates compiled into the binary, the `t` translation function,
//! and Indonesian date and number formats.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};
use netra_domain::ids::RegionCode;
use netra_domain::region::TimeZoneId;

use crate::i18n::{Lang, t};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("signin.html", include_str!("../../templates/signin.html")),
    ("code.html", include_str!("../../templates/code.html")),
    ("enrol.html", include_str!("../../templates/enrol.html")),
    ("recovery.html", include_str!("../../templates/recovery.html")),
    ("desk.html", include_str!("../../templates/desk.html")),
    ("case.html", include_str!("../../templates/case.html")),
    ("message.html", include_str!("../../templates/message.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("dashboard.html", include_str!("../../templates/dashboard.html")),
    ("transparency.html", include_str!("../../templates/transparency.html")),
    ("custody.html", include_str!("../../templates/custody.html")),
    ("unseal.html", include_str!("../../templates/unseal.html")),
    ("portal_macros.html", include_str!("../../templates/portal_macros.html")),
    ("portal_home.html", include_str!("../../templates/portal_home.html")),
    ("portal_form.html", include_str!("../../templates/portal_form.html")),
    ("portal_region.html", include_str!("../../templates/portal_region.html")),
    ("portal_done.html", include_str!("../../templates/portal_done.html")),
    ("portal_receipt.html", include_str!("../../templates/portal_receipt.html")),
    ("portal_status.html", include_str!("../../templates/portal_status.html")),
    ("portal_message.html", include_str!("../../templates/portal_message.html")),
];

/// Every page template (officials' pages and the public portal), compiled once.
pub(crate) fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, src) in TEMPLATES {
            env.add_template(name, src).unwrap_or_else(|e| panic!("template {name}: {e:#}"));
        }
        env.add_function("t", translate);
        env.add_filter("when", when_filter);
        env.add_filter("day", day_filter);
        env.add_filter("region_name", region_name_filter);
        env.add_filter("num", netra_charts::format::int);
        env.add_filter("truncate", truncate);
        env
    })
}

fn lang_of(state: &State) -> Lang {
    state.lookup("lang").and_then(|v| v.as_str().and_then(Lang::from_code)).unwrap_or(Lang::Id)
}

/// `t("key", name=value, …)`: the message in the page language with Fluent placeables filled in.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut m = t(lang_of(state), key);
    for arg in kwargs.args() {
        let v: Value = kwargs.get(arg)?;
        m = m.replace(&format!("{{ ${arg} }}"), &v.to_string());
    }
    Ok(m)
}

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
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The zone a case's times are shown in: its handling office's region, WIB when unknown.
pub fn zone_of(region: Option<&str>) -> TimeZoneId {
    region.and_then(|r| RegionCode::parse(r).ok()).and_then(|r| TimeZoneId::for_region(&r)).unwrap_or(TimeZoneId::Wib)
}

/// "23 November 2026 14.30 WIB" (Indonesian) or "23 November 2026, 14:30 WIB".
pub fn format_when(t: DateTime<Utc>, zone: TimeZoneId, lang: Lang) -> String {
    let local = t.with_timezone::<FixedOffset>(&zone.offset());
    let m = (local.month0()) as usize;
    match lang {
        Lang::Id => format!(
            "{} {} {} {:02}.{:02} {}",
            local.day(),
            MONTHS_ID[m],
            local.year(),
            local.hour(),
            local.minute(),
            zone.as_str()
        ),
        Lang::En => format!(
            "{} {} {}, {:02}:{:02} {}",
            local.day(),
            MONTHS_EN[m],
            local.year(),
            local.hour(),
            local.minute(),
            zone.as_str()
        ),
    }
}

/// "23 November 2026" in the page language.
pub fn format_day(d: chrono::NaiveDate, lang: Lang) -> String {
    let months = if lang == Lang::Id { MONTHS_ID } else { MONTHS_EN };
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

/// `{{ at | when(case.handling_region) }}`.
fn when_filter(state: &State, v: Value, region: Option<Value>) -> String {
    let Some(t) = parse_time(&v) else { return String::new() };
    let region = region.and_then(|r| r.as_str().map(str::to_owned));
    format_when(t, zone_of(region.as_deref()), lang_of(state))
}

/// `{{ "2024-10-01" | day }}`.
fn day_filter(state: &State, v: Value) -> String {
    let Some(s) = v.as_str() else { return String::new() };
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => format_day(d, lang_of(state)),
        Err(_) => parse_time(&v).map(|t| format_day(t.date_naive(), lang_of(state))).unwrap_or_else(|| s.to_owned()),
    }
}

/// The name of a region code ("33.74" → "KOTA SEMARANG"), or the code if unknown.
fn region_name_filter(v: Value) -> String {
    let Some(code) = v.as_str() else { return String::new() };
    RegionCode::parse(code)
        .ok()
        .and_then(|c| netra_domain::catalogue::region(&c))
        .map(|r| r.name.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// Shortens text to `n` characters, ending with an ellipsis when something was cut.
fn truncate(s: String, n: usize) -> String {
    if s.chars().count() <= n { s } else { format!("{}…", s.chars().take(n).collect::<String>().trim_end()) }
}

/// Renders `name` with `ctx`; a template error is logged and becomes a plain 500.
pub fn render(status: StatusCode, name: &str, ctx: Value) -> Response {
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %format!("{e:#}"), "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_case_zone_and_language() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T07:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(format_when(t, TimeZoneId::Wib, Lang::Id), "23 November 2026 14.05 WIB");
        assert_eq!(format_when(t, TimeZoneId::Wit, Lang::En), "23 November 2026, 16:05 WIT");
        assert_eq!(zone_of(Some("91.71")), TimeZoneId::Wit);
        assert_eq!(zone_of(Some("73.71")), TimeZoneId::Wita);
        assert_eq!(zone_of(None), TimeZoneId::Wib);
        let d = chrono::NaiveDate::from_ymd_opt(2024, 8, 17).unwrap();
        assert_eq!(format_day(d, Lang::Id), "17 Agustus 2024");
    }

    #[test]
    fn thousands_use_dots() {
        use netra_charts::format::int as group_thousands;
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(694), "694");
        assert_eq!(group_thousands(1234567), "1.234.567");
        assert_eq!(group_thousands(-1000), "-1.000");
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            env().get_template(name).unwrap();
        }
    }
}
