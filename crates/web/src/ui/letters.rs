//! Official letters as PDF, built from what the case page shows (never the sealed identity) and
//! rendered by `netra-letters` (typst, embedded fonts). Each PDF carries the registration number
//! and a verification hash of its data; the hash is also sent in `X-Netra-Verification`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use netra_core::workflow::CaseView;
use netra_domain::ids::RegionCode;
use netra_domain::model::{Attendance, ClarificationMode, ClarificationSession, ViolationCategory};
use netra_domain::policy::Role;
use netra_letters::{
    Addressee, Finding, ForwardingData, InvitationData, Invitee, LetterData, LetterRef, MinutesData, Office, Online,
    Person, PreviousInvitation, ReceiptData, RecommendationData, Signatory, Statement,
};
use serde::Deserialize;

use super::render::zone_of;
use super::{core_error_page, error_page, forbidden_page, message};
use crate::AppState;
use crate::error::{ApiError, Localised};
use crate::routes::{Access, CASE_WORKERS, Principal, Registry};

pub fn routes(state: AppState) -> Registry {
    Registry::new(state).route(Method::GET, "/kasus/{id}/surat/{kind}", Access::Officials(CASE_WORKERS), get(letter))
}

#[derive(Debug, Deserialize, Default)]
pub struct LetterQuery {
    /// Clarification session (invitations, minutes).
    #[serde(default)]
    sesi: Option<String>,
    /// Subject track (recommendation).
    #[serde(default)]
    subjek: Option<String>,
}

/// Which letters a role may produce: Bawaslu's own letters, and the recommendation for everyone
/// who handles it after referral.
fn may_issue(role: Role, kind: &str) -> bool {
    match kind {
        "tanda-terima" | "undangan" | "berita-acara" | "penerusan" => role.is_bawaslu(),
        "rekomendasi" => role.is_bawaslu() || role.is_authority() || matches!(role, Role::Ppk | Role::Inspectorate),
        _ => false,
    }
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn region_name(code: &str) -> Option<String> {
    RegionCode::parse(code).ok().and_then(|c| netra_domain::catalogue::region(&c)).map(|r| title_case(&r.name))
}

/// The Bawaslu office handling the case: RI, a province, or a regency/city.
fn office_of(view: &CaseView) -> Office {
    let code = view.case.handling_region.clone().unwrap_or_default();
    let zone = zone_of(Some(&code));
    let name = match (code.matches('.').count(), region_name(&code)) {
        (_, None) => "Badan Pengawas Pemilihan Umum Republik Indonesia".to_owned(),
        (0, Some(p)) => format!("Bawaslu Provinsi {p}"),
        (_, Some(k)) => format!("Bawaslu {k}"),
    };
    let city = region_name(&code).map(|n| n.trim_start_matches("Kota ").trim_start_matches("Kabupaten ").to_owned());
    Office { name, address: None, city: city.unwrap_or_else(|| "Jakarta".into()), time_zone: zone }
}

fn signatory(who: &Principal, office: &Office) -> Signatory {
    Signatory { name: who.display_name.clone(), position: format!("Petugas {}", office.name), nip: None }
}

fn local_day(t: DateTime<Utc>, office: &Office) -> NaiveDate {
    t.with_timezone(&office.time_zone.offset()).date_naive()
}

fn persons(view: &CaseView, only_forwarded: bool) -> Vec<Person> {
    view.subjects
        .iter()
        .filter(|s| !only_forwarded || !matches!(s.track.status.state.as_str(), "in_bawaslu" | "not_forwarded"))
        .map(|s| Person {
            name: s.track.civil_servant.name.clone(),
            nip: s.track.civil_servant.nip.clone(),
            position: s.track.civil_servant.position_title.clone(),
            agency: s.track.agency_id.clone(),
            address: None,
        })
        .collect()
}

fn registration(view: &CaseView) -> String {
    view.case
        .number
        .clone()
        .unwrap_or_else(|| format!("(belum diregistrasi) {}", &view.case.id[..8.min(view.case.id.len())]))
}

fn invitee(s: &ClarificationSession) -> Invitee {
    Invitee { name: s.invitee_name.clone(), role: s.invitee_role, position: None, address: None }
}

fn online(s: &ClarificationSession) -> Option<Online> {
    (s.mode == ClarificationMode::Online)
        .then(|| Online { reason: s.online_reason.clone().unwrap_or_default(), link: None })
}

/// The letter for `kind`, or `None` when the case has nothing for it yet (e.g. no referral).
fn letter_data(who: &Principal, view: &CaseView, kind: &str, q: &LetterQuery) -> Option<LetterData> {
    let office = office_of(view);
    let number = registration(view);
    let me = signatory(who, &office);
    let act = view.acts.first();
    let session = || view.clarification_sessions.iter().find(|s| Some(&s.id) == q.sesi.as_ref());
    match kind {
        "tanda-terima" => Some(LetterData::Receipt(ReceiptData {
            registration_number: number,
            received_at: view.intake.received_at,
            channel: view.intake.channel.clone(),
            // The identity stays sealed; the receipt names no reporter.
            reporter_name: None,
            subjects: persons(view, false),
            incident_summary: act.map(|a| a.description.clone()).unwrap_or_else(|| view.intake.summary.clone()),
            incident_place: act.and_then(|a| region_name(&a.region_code)),
            incident_date: act.map(|a| local_day(a.occurred_at, &office)),
            known_date: Some(local_day(view.intake.known_at, &office)),
            evidence: vec![],
            received_by: me,
            office,
        })),
        "undangan" => {
            let s = session()?;
            let previous = if s.invitation_no > 1 {
                let p = view
                    .clarification_sessions
                    .iter()
                    .find(|p| p.invitation_no == s.invitation_no - 1 && p.invitee_name == s.invitee_name)?;
                Some(PreviousInvitation {
                    letter_number: format!("{number}/UND-{}", p.invitation_no),
                    issued_on: local_day(p.delivered_at, &office),
                    scheduled_at: p.scheduled_at,
                })
            } else {
                None
            };
            let data = InvitationData {
                letter_number: format!("{number}/UND-{}", s.invitation_no),
                registration_number: number.clone(),
                issued_on: local_day(s.delivered_at, &office),
                invitee: invitee(s),
                scheduled_at: s.scheduled_at,
                place: s.place.clone(),
                online: online(s),
                matter: format!("Klarifikasi dugaan pelanggaran netralitas ASN, nomor registrasi {number}"),
                contact: None,
                previous: previous.clone(),
                signatory: me,
                copies: vec![],
                office,
            };
            Some(if previous.is_some() { LetterData::SecondInvitation(data) } else { LetterData::Invitation(data) })
        }
        "berita-acara" => {
            let s = session().filter(|s| s.attendance == Attendance::Attended)?;
            Some(LetterData::ClarificationMinutes(MinutesData {
                registration_number: number.clone(),
                held_at: s.scheduled_at,
                ended_at: None,
                place: s.place.clone(),
                online: online(s),
                invitation_number: Some(format!("{number}/UND-{}", s.invitation_no)),
                clarified: invitee(s),
                oath_taken: false,
                statements: vec![Statement {
                    question: "Keterangan yang disampaikan".into(),
                    answer: s.minutes.clone().unwrap_or_default(),
                }],
                closing_note: None,
                clarifiers: vec![me],
                office,
            }))
        }
        "penerusan" => {
            let decision = view.timeline.iter().rev().find(|e| e.action == "case.decide_refer")?;
            let subjects = persons(view, true);
            if subjects.is_empty() {
                return None;
            }
            let letter_number = decision.payload["letter_number"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{number}/PNR"));
            let authority = netra_domain::catalogue::authority_on(local_day(decision.at, &office));
            Some(LetterData::Forwarding(ForwardingData {
                letter_number,
                registration_number: number,
                issued_on: local_day(decision.at, &office),
                classification: "Segera".into(),
                attachments: "1 (satu) berkas".into(),
                addressee: Addressee {
                    title: authority
                        .map(|a| format!("Kepala {}", a.name_id))
                        .unwrap_or_else(|| "Otoritas Netralitas ASN".into()),
                    place: "Jakarta".into(),
                },
                election_name: view.case.election_id.clone(),
                plenary_date: local_day(decision.at, &office),
                subjects,
                facts: view.acts.iter().map(|a| a.description.clone()).collect::<Vec<_>>().join("\n"),
                legal_basis: vec![
                    "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara".into(),
                    "Surat Keputusan Bersama tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN (2022)"
                        .into(),
                ],
                enclosures: vec![],
                signatory: me,
                copies: vec![],
                office,
            }))
        }
        "rekomendasi" => {
            let sv = view.subjects.iter().find(|s| Some(&s.track.id) == q.subjek.as_ref())?;
            let rec = sv.events.iter().rev().find(|e| e.action == "issue_recommendation")?;
            let codes: Vec<String> = rec.details["violation_codes"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let category = rec.details["category"].as_str().and_then(ViolationCategory::parse)?;
            let level = rec.details["sanction_level"].as_str().unwrap_or_default();
            let sanction = rec.details["sanction_option"]
                .as_str()
                .and_then(netra_domain::catalogue::sanction_option)
                .map(|o| o.name_id.clone())
                .unwrap_or_else(|| format!("Hukuman disiplin tingkat {level}"));
            let violation = codes
                .iter()
                .filter_map(|c| netra_domain::catalogue::violation(c).map(|v| v.name_id.clone()))
                .collect::<Vec<_>>()
                .join("; ");
            let day = local_day(rec.at, &office);
            let authority = netra_domain::catalogue::authority_on(day);
            let authority_office = Office {
                name: authority.map(|a| a.name_id.clone()).unwrap_or_else(|| "Otoritas Netralitas ASN".into()),
                address: None,
                city: "Jakarta".into(),
                time_zone: netra_domain::region::TimeZoneId::Wib,
            };
            let referral = view.timeline.iter().rev().find(|e| e.action == "case.decide_refer").map(|e| LetterRef {
                letter_number: e.payload["letter_number"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{number}/PNR")),
                date: local_day(e.at, &office),
            });
            let ppk = sv.ppk.as_ref();
            Some(LetterData::Recommendation(RecommendationData {
                letter_number: rec.details["letter_number"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{number}/REK")),
                registration_number: number,
                issued_on: day,
                classification: "Segera".into(),
                attachments: "-".into(),
                addressee: Addressee {
                    title: ppk.map(|p| p.position.clone()).unwrap_or_else(|| "Pejabat Pembina Kepegawaian".into()),
                    place: office.city.clone(),
                },
                referral,
                findings: vec![Finding {
                    subject: Person {
                        name: sv.track.civil_servant.name.clone(),
                        nip: sv.track.civil_servant.nip.clone(),
                        position: sv.track.civil_servant.position_title.clone(),
                        agency: sv.track.agency_id.clone(),
                        address: None,
                    },
                    violation_codes: codes,
                    violation,
                    category,
                    sanction,
                }],
                follow_up_days: Some(14),
                legal_basis: vec!["Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara".into()],
                signatory: Signatory {
                    name: who.display_name.clone(),
                    position: format!("Pejabat {}", authority_office.name),
                    nip: None,
                },
                copies: vec![],
                authority: authority_office,
            }))
        }
        _ => None,
    }
}

async fn letter(
    State(s): State<AppState>,
    who: Principal,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<LetterQuery>,
) -> Response {
    let kind = kind.trim_end_matches(".pdf").to_owned();
    if !["tanda-terima", "undangan", "berita-acara", "penerusan", "rekomendasi"].contains(&kind.as_str()) {
        return message(StatusCode::NOT_FOUND, who.lang, "notfound-title", "notfound-text");
    }
    let view = match s.netra.case_view(&who.actor, &id).await {
        Ok(v) => v,
        Err(e) => return core_error_page(&who, e),
    };
    if !may_issue(who.actor.role, &kind) {
        return forbidden_page(who.lang);
    }
    let Some(data) = letter_data(&who, &view, &kind, &q) else {
        return message(StatusCode::NOT_FOUND, who.lang, "notfound-title", "letter-unavailable");
    };
    let number = view.case.number.clone().unwrap_or_else(|| view.case.id.clone());
    let rendered = tokio::task::spawn_blocking(move || netra_letters::render(&data, None)).await;
    match rendered {
        Ok(Ok(r)) => {
            let file: String = format!("{kind}-{number}.pdf")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
                .collect();
            let mut resp = (StatusCode::OK, r.pdf).into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            if let Ok(v) = HeaderValue::from_str(&r.verification_hash) {
                h.insert("x-netra-verification", v);
            }
            resp
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "letter rendering failed");
            error_page(who.lang, &Localised(ApiError::BadQuery(e.to_string()), who.lang))
        }
        Err(e) => {
            tracing::error!(error = %e, "letter task failed");
            error_page(who.lang, &Localised(ApiError::BadQuery("letter".into()), who.lang))
        }
    }
}

/// Which letters the case page offers to `role` (kind, label key, query).
pub fn offered(role: Role, view: &CaseView) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut add = |kind: &str, label: &str, query: String| {
        if may_issue(role, kind) {
            out.push(
                serde_json::json!({"href": format!("/kasus/{}/surat/{kind}.pdf{query}", view.case.id), "label": label}),
            );
        }
    };
    if view.intake.kind == "laporan" {
        add("tanda-terima", "letter-receipt", String::new());
    }
    for s in &view.clarification_sessions {
        let who = &s.invitee_name;
        let second = if s.invitation_no > 1 { "letter-invitation-2" } else { "letter-invitation" };
        add("undangan", second, format!("?sesi={}&_={}", s.id, super::url_encode(who)));
        if s.attendance == Attendance::Attended {
            add("berita-acara", "letter-minutes", format!("?sesi={}&_={}", s.id, super::url_encode(who)));
        }
    }
    if view.timeline.iter().any(|e| e.action == "case.decide_refer") {
        add("penerusan", "letter-forwarding", String::new());
    }
    for sv in &view.subjects {
        if sv.events.iter().any(|e| e.action == "issue_recommendation") {
            add("rekomendasi", "letter-recommendation", format!("?subjek={}", sv.track.id));
        }
    }
    out
}
