//! The statistics endpoints over a real loopback socket, on SQLite and PostgreSQL: cases seeded
//! through the netra-core use cases, then every breakdown, PPK compliance, attendance, handling
//! time and the map counts read back as an official (within scope) and as the public (suppressed).

use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput};
use netra_core::tracks::{TrackCommand, TrackTransitionRequest};
use netra_core::workflow::{
    CaseCommand, CaseTransitionRequest, CaseView, RecordAttendance, ScheduleClarification, SubjectDecision,
};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::ids::RegionCode;
use netra_domain::model::{AgencyKind, Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::Db;
use netra_store::people::{self, Agency, Candidate, PpkHolder};
use netra_store::users;
use serde_json::Value;
use utoipa::OpenApi;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn region(c: &str) -> Scope {
    Scope { region: Some(RegionCode::parse(c).unwrap()), agency_id: None }
}

fn actor(name: &str, role: Role, scope: Scope) -> Actor {
    Actor { user_id: name.into(), username: name.into(), role, scope }
}

struct Seed {
    netra: Netra,
    clock: Arc<ManualClock>,
    semarang: Actor,
    garut: Actor,
    bkn: Actor,
}

/// One reported civil servant: (name, position class, territorial head, agency code).
type Subject<'a> = (&'a str, Option<&'a str>, bool, Option<&'a str>);

impl Seed {
    async fn report(
        &self,
        at: &str,
        place: &str,
        medium: &str,
        platform: Option<&str>,
        codes: &[&str],
        subjects: &[Subject<'_>],
    ) -> anyhow::Result<String> {
        let now = t(at);
        self.clock.set(now);
        let input = ReportInput {
            kind: "laporan".into(),
            election: "pilkada-2024".into(),
            reporter: Some(ReporterInput {
                name: "Pelapor".into(),
                address: "Jl. Uji 1".into(),
                nik: None,
                phone: None,
                email: None,
            }),
            known_at: now - Duration::hours(20),
            act: ActInput {
                occurred_at: now - Duration::days(1),
                region_code: place.into(),
                description: "ASN mengunggah dukungan kepada calon di masa kampanye.".into(),
                violation_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
                candidate_id: None,
                medium: medium.into(),
                platform: platform.map(str::to_owned),
                url: None,
            },
            subjects: subjects
                .iter()
                .map(|(name, class, head, agency)| SubjectInput {
                    name: (*name).into(),
                    nip: None,
                    agency: agency.map(str::to_owned),
                    employment_type: None,
                    position_class: class.map(str::to_owned),
                    position_title: None,
                    territorial_head: *head,
                    work_region: None,
                })
                .collect(),
        };
        Ok(self.netra.submit_report(&input, None).await?.case_id)
    }

    async fn act(&self, who: &Actor, case: &str, at: DateTime<Utc>, command: CaseCommand) -> anyhow::Result<CaseView> {
        self.clock.set(at);
        let v = self.netra.case_view(who, case).await?;
        Ok(self
            .netra
            .transition_case(who, case, &CaseTransitionRequest { expected_version: v.case.version, command })
            .await?)
    }

    async fn invite(&self, case: &str, at: DateTime<Utc>, attended: bool) -> anyhow::Result<()> {
        self.clock.set(at);
        let s = self
            .netra
            .schedule_clarification(
                &self.semarang,
                case,
                &ScheduleClarification {
                    invitee_name: "Terlapor".into(),
                    invitee_role: "subject".into(),
                    subject_track_id: None,
                    scheduled_at: at + Duration::days(2),
                    delivered_at: at,
                    delivery_channel: "langsung".into(),
                    mode: "in_person".into(),
                    online_reason: None,
                    place: "Kantor Bawaslu Kota Semarang".into(),
                },
            )
            .await?;
        self.clock.set(at + Duration::days(2) + Duration::hours(2));
        self.netra
            .record_attendance(
                &self.semarang,
                case,
                &s.id,
                &RecordAttendance {
                    attended,
                    minutes: attended.then(|| "Terlapor hadir dan memberi keterangan.".to_owned()),
                },
            )
            .await?;
        Ok(())
    }

    /// Register → clarification (with the given attendance record) → study → plenary decision
    /// `decide_after` days after registration.
    async fn handle(
        &self,
        case: &str,
        at: &str,
        attendance: &[bool],
        decide_after: i64,
        refer: bool,
    ) -> anyhow::Result<CaseView> {
        let start = t(at);
        self.act(&self.semarang, case, start, CaseCommand::Register {}).await?;
        self.act(&self.semarang, case, start, CaseCommand::StartClarification {}).await?;
        let mut when = start;
        for attended in attendance {
            self.invite(case, when, *attended).await?;
            when += Duration::days(2) + Duration::hours(3);
        }
        self.act(&self.semarang, case, when, CaseCommand::FinishClarification { note: None }).await?;
        self.act(&self.semarang, case, when, CaseCommand::SubmitStudy { summary: "Kajian selesai.".into() }).await?;
        let v = self.netra.case_view(&self.semarang, case).await?;
        let subjects = v
            .subjects
            .iter()
            .map(|s| SubjectDecision {
                track_id: s.track.id.clone(),
                outcome: if refer { "refer" } else { "stop" }.into(),
            })
            .collect();
        let decide =
            CaseCommand::Decide { summary: "Putusan pleno.".into(), subjects, gakkumdu: false, letter_number: None };
        self.act(&self.semarang, case, start + Duration::days(decide_after), decide).await
    }

    async fn track(&self, who: &Actor, case: &str, at: DateTime<Utc>, command: TrackCommand) -> anyhow::Result<()> {
        self.clock.set(at);
        let v = self.netra.case_view(who, case).await?;
        let tr = &v.subjects[0].track;
        self.netra
            .transition_track(who, &tr.id, &TrackTransitionRequest { expected_version: tr.version, command })
            .await?;
        Ok(())
    }

    async fn recommend(&self, case: &str, at: DateTime<Utc>, category: &str) -> anyhow::Result<()> {
        let level = if category == "kode_etik" { "moral" } else { "sedang" };
        let cmd = TrackCommand::IssueRecommendation {
            category: category.into(),
            sanction_level: level.into(),
            sanction_option: None,
            violation_codes: vec!["D-2".into()],
            letter_number: None,
        };
        self.track(&self.bkn, case, at, cmd).await?;
        self.track(&self.bkn, case, at, TrackCommand::DeliverToPpk { letter_number: None }).await
    }
}

async fn token(db: &Db, username: &str, role: Role, scope: Scope) -> anyhow::Result<String> {
    let u = users::create(db, username, username, role, &scope, Utc::now()).await?;
    let tok = format!("tok-{username}-{}", netra_store::codec::new_id());
    users::create_token(db, &u.id, &tok, "test", Utc::now()).await?;
    Ok(tok)
}

async fn setup(db: &Db) -> anyhow::Result<(Seed, String)> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let mut tx = db.begin_write().await?;
    let election = Election {
        id: "el-pilkada".into(),
        code: "pilkada-2024".into(),
        name: "Pemilihan Serentak 2024".into(),
        kind: ElectionKind::RegionalSimultaneous,
        year: 2024,
        voting_day: d("2024-11-27"),
        stages: vec![
            Stage { kind: StageKind::Preparation, starts_on: d("2024-01-26"), ends_on: d("2024-09-21") },
            Stage { kind: StageKind::Campaign, starts_on: d("2024-09-25"), ends_on: d("2024-11-23") },
        ],
        regions: vec![],
    };
    people::insert_election(&mut tx, &election, 1, 0).await?;
    for (id, code, name, kind, region) in [
        ("ag-smg", "pemkot-semarang", "Pemerintah Kota Semarang", AgencyKind::Regency, Some("33.74")),
        ("ag-jtg", "pemprov-jateng", "Pemerintah Provinsi Jawa Tengah", AgencyKind::Province, Some("33")),
        ("ag-garut", "pemkab-garut", "Pemerintah Kabupaten Garut", AgencyKind::Regency, Some("32.05")),
    ] {
        people::insert_agency(
            &mut tx,
            &Agency {
                id: id.into(),
                code: code.into(),
                name: name.into(),
                kind,
                region_code: region.map(str::to_owned),
            },
        )
        .await?;
    }
    // The mayor of Semarang (PPK of the city's ASN) runs in this election: a conflict of interest.
    people::insert_candidate(
        &mut tx,
        &Candidate {
            id: "cand-1".into(),
            election_id: "el-pilkada".into(),
            name: "Wali Kota Petahana".into(),
            nicknames: vec![],
            ballot_number: Some(1),
            party: None,
            region_code: Some("33.74".into()),
            slogans: vec![],
            statuses: vec![("candidate".into(), d("2024-09-22"))],
        },
    )
    .await?;
    people::insert_ppk_holder(
        &mut tx,
        &PpkHolder {
            id: "ppk-smg".into(),
            agency_id: "ag-smg".into(),
            name: "Wali Kota Petahana".into(),
            position: "Wali Kota Semarang".into(),
            valid_from: d("2021-02-26"),
            valid_to: None,
            candidate_id: Some("cand-1".into()),
        },
    )
    .await?;
    tx.commit().await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-01T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([7; 32]), NumberTemplate::default_template(), clock.clone());
    let seed = Seed {
        netra: netra.clone(),
        clock,
        semarang: actor("kota-semarang", Role::BawasluKabKota, region("33.74")),
        garut: actor("kab-garut", Role::BawasluKabKota, region("32.05")),
        bkn: actor("bkn", Role::AuthorityVerifier, Scope::national()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state =
        netra_web::AppState { netra, started: std::time::Instant::now(), config: netra_web::WebConfig::default() };
    let (router, _, state) = netra_web::api_stats::routes(state).into_parts();
    tokio::spawn(async move { axum::serve(listener, router.with_state(state)).await });
    Ok((seed, base))
}

/// Seeds 12 cases (11 in Kota Semarang, 1 in Kabupaten Garut with two ASN) across the workflow.
async fn seed_cases(s: &Seed) -> anyhow::Result<()> {
    let smg = Some("pemkot-semarang");
    let c1 = s
        .report(
            "2024-10-01T03:00:00Z",
            "33.74.01",
            "social_media",
            Some("Facebook"),
            &["D-2"],
            &[("A", Some("jpt_pratama"), false, smg)],
        )
        .await?;
    let c2 = s
        .report(
            "2024-10-02T03:00:00Z",
            "33.74.02",
            "social_media",
            Some("fb"),
            &["KE-2"],
            &[("B", Some("administrator"), false, Some("pemprov-jateng"))],
        )
        .await?;
    let c3 = s
        .report(
            "2024-10-03T03:00:00Z",
            "33.74.03",
            "social_media",
            Some("facebook"),
            &["D-2", "D-11"],
            &[("C", Some("administrator"), true, smg)],
        )
        .await?;
    let c4 = s
        .report(
            "2024-10-04T03:00:00Z",
            "33.74.04",
            "social_media",
            Some("Instagram"),
            &["D-2"],
            &[("D", Some("fungsional"), false, smg)],
        )
        .await?;
    let c5 = s
        .report("2024-10-05T03:00:00Z", "33.74.05", "offline", None, &[], &[("E", Some("pelaksana"), false, smg)])
        .await?;
    let c7 = s
        .report(
            "2024-10-20T03:00:00Z",
            "32.05.01",
            "online",
            Some("grup WA"),
            &["D-6"],
            &[("G", Some("fungsional"), false, Some("pemkab-garut")), ("H", None, false, Some("pemkab-garut"))],
        )
        .await?;
    for i in 0..5 {
        s.report(
            &format!("2024-10-2{i}T05:00:00Z"),
            "33.74.06",
            "social_media",
            Some("TikTok"),
            &["KE-4"],
            &[("F", Some("fungsional"), false, smg)],
        )
        .await?;
    }
    let c6 = s
        .report(
            "2024-11-05T03:00:00Z",
            "33.74.07",
            "social_media",
            Some("IG"),
            &["KE-4"],
            &[("J", Some("jpt_pratama"), false, smg)],
        )
        .await?;

    // Decided within the 5-day limit, except case 4 (8 days). Case 3's subject never comes.
    s.handle(&c1, "2024-10-01T04:00:00Z", &[true], 3, true).await?;
    s.handle(&c2, "2024-10-02T04:00:00Z", &[true], 3, true).await?;
    s.handle(&c3, "2024-10-03T04:00:00Z", &[false, false], 5, true).await?;
    s.handle(&c4, "2024-10-04T04:00:00Z", &[false, true], 8, true).await?;
    s.handle(&c6, "2024-11-05T04:00:00Z", &[true], 3, true).await?;
    // Case 5 stays registered past its deadline; the Garut case is refused registration.
    s.act(&s.semarang, &c5, t("2024-10-05T04:00:00Z"), CaseCommand::Register {}).await?;
    s.act(&s.garut, &c7, t("2024-10-20T04:00:00Z"), CaseCommand::RefuseRegistration { reason: "Terlambat.".into() })
        .await?;

    // The authority recommends; the PPK sanctions cases 1 and 2; 3 and 4 pass the 14-day PPK limit.
    s.recommend(&c1, t("2024-10-06T03:00:00Z"), "disiplin").await?;
    s.recommend(&c2, t("2024-10-15T03:00:00Z"), "kode_etik").await?;
    s.recommend(&c3, t("2024-10-10T03:00:00Z"), "disiplin").await?;
    s.recommend(&c4, t("2024-10-14T03:00:00Z"), "disiplin").await?;
    s.recommend(&c6, t("2024-11-10T03:00:00Z"), "kode_etik").await?;
    let sanction = |date: &str| TrackCommand::RecordSanction {
        sanction_option: "pp42.moral.terbuka".into(),
        decree_number: "800/1/2024".into(),
        decree_date: d(date),
    };
    s.track(&s.bkn, &c1, t("2024-10-12T03:00:00Z"), sanction("2024-10-11")).await?;
    s.track(&s.bkn, &c2, t("2024-10-16T03:00:00Z"), sanction("2024-10-16")).await?;
    s.clock.set(t("2024-11-20T03:00:00Z"));
    Ok(())
}

async fn get(base: &str, path: &str, tok: Option<&str>) -> anyhow::Result<(u16, Value)> {
    let mut r = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(tok) = tok {
        r = r.bearer_auth(tok);
    }
    let resp = r.send().await?;
    let status = resp.status().as_u16();
    let text = resp.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

async fn ok(base: &str, path: &str, tok: Option<&str>) -> anyhow::Result<Value> {
    let (s, v) = get(base, path, tok).await?;
    ensure!(s == 200, "GET {path}: {s} {v}");
    Ok(v)
}

fn row<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["rows"].as_array().and_then(|r| r.iter().find(|r| r["key"] == key)).unwrap_or(&Value::Null)
}

fn counts(v: &Value, key: &str) -> (i64, i64) {
    let r = row(v, key);
    (r["cases"].as_i64().unwrap_or(-1), r["asn"].as_i64().unwrap_or(-1))
}

/// No withheld public cell can be recovered by subtracting published cells from a published total:
/// when anything is withheld, at least two cells are and they add up to at least 5.
fn check_no_recovery(total: &Value, cells: &[&Value], what: &str) -> anyhow::Result<()> {
    let withheld: Vec<&&Value> = cells.iter().filter(|c| c["suppressed"] == true).collect();
    for c in cells.iter().chain([&total]) {
        if let Some(v) = c["value"].as_i64() {
            ensure!(v == 0 || v >= 5, "{what}: published small count {v}");
        }
    }
    if withheld.is_empty() || total["suppressed"] == true {
        return Ok(());
    }
    let published: i64 = cells.iter().filter_map(|c| c["value"].as_i64()).sum();
    let hidden = total["value"].as_i64().context("total")? - published;
    ensure!(withheld.len() >= 2 && hidden >= 5, "{what}: {} withheld cells hold {hidden}", withheld.len());
    Ok(())
}

/// Every published count anywhere in a public response is 0 or at least 5 (days and shares aside).
fn no_small_counts(v: &Value, key: &str) -> anyhow::Result<()> {
    match v {
        Value::Object(m) if m.contains_key("suppressed") => {
            if !matches!(key, "median_days" | "p90_days" | "late_share")
                && let Some(n) = m["value"].as_i64()
            {
                ensure!(n == 0 || n >= 5, "{key}: published small count {n}");
            }
            Ok(())
        }
        Value::Object(m) => m.iter().try_for_each(|(k, x)| no_small_counts(x, k)),
        Value::Array(a) => a.iter().try_for_each(|x| no_small_counts(x, key)),
        _ => Ok(()),
    }
}

async fn statistics_in_both_units_within_scope(db: &Db) -> anyhow::Result<()> {
    let (seed, base) = setup(db).await?;
    seed_cases(&seed).await?;
    let ri = token(db, "bawaslu-ri", Role::BawasluRi, Scope::national()).await?;
    let garut = token(db, "garut", Role::BawasluKabKota, region("32.05")).await?;
    let ppk = token(db, "ppk-smg", Role::Ppk, Scope { region: None, agency_id: Some("ag-smg".into()) }).await?;
    let q = "election=pilkada-2024";

    // Position class: camat/lurah apart from their class; both units, labelled.
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=position_class&{q}"), Some(&ri)).await?;
    ensure!(v["total"] == serde_json::json!({"cases": 12, "asn": 13}), "{}", v["total"]);
    ensure!(v["units"]["cases"].as_str().is_some_and(|u| u.contains("Bawaslu")) && v["units"]["asn"].is_string());
    ensure!(counts(&v, "jpt_pratama") == (2, 2) && counts(&v, "administrator") == (1, 1), "{v}");
    ensure!(counts(&v, "territorial_head") == (1, 1) && counts(&v, "fungsional") == (7, 7), "{v}");
    ensure!(counts(&v, "unknown") == (1, 1) && counts(&v, "jpt_utama") == (0, 0), "{v}");
    ensure!(row(&v, "territorial_head")["label"] == "Camat/Lurah (kepala wilayah)");

    // Scope: an office sees its own cases only; a PPK only its agency's forwarded ASN.
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=medium&{q}"), Some(&garut)).await?;
    ensure!(v["total"] == serde_json::json!({"cases": 1, "asn": 2}) && counts(&v, "online") == (1, 2), "{v}");
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=position_class&{q}"), Some(&ppk)).await?;
    ensure!(v["total"] == serde_json::json!({"cases": 4, "asn": 4}), "PPK sees cases 1, 3, 4, 6: {}", v["total"]);
    ensure!(counts(&v, "administrator") == (0, 0), "case 2's ASN is another agency's: {v}");
    for path in ["attendance", "handling-time", "ppk-compliance", "regions"] {
        let v = ok(&base, &format!("/api/v1/stats/{path}?{q}"), Some(&ppk)).await?;
        ensure!(!v.to_string().contains("Pemerintah Provinsi Jawa Tengah"), "PPK sees another agency in {path}: {v}");
    }
    let v = ok(&base, &format!("/api/v1/stats/attendance?{q}"), Some(&ppk)).await?;
    ensure!(v["total"]["invitations"] == 6, "cases 1, 3, 4, 6: {v}");

    // Region subtree and receipt window filters.
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=medium&{q}&region=32"), Some(&ri)).await?;
    ensure!(v["total"]["cases"] == 1, "{v}");
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=medium&{q}&received_from=2024-10-03T00:00:00Z&received_to=2024-10-05T23:59:59Z"), Some(&ri)).await?;
    ensure!(v["total"]["cases"] == 3 && counts(&v, "social_media") == (2, 2) && counts(&v, "offline") == (1, 1), "{v}");

    // Medium, platform (free text reduced to a closed list), violation forms and categories.
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=platform&{q}"), Some(&ri)).await?;
    ensure!(
        counts(&v, "facebook") == (3, 3) && counts(&v, "instagram") == (2, 2) && counts(&v, "tiktok") == (5, 5),
        "{v}"
    );
    ensure!(counts(&v, "whatsapp") == (1, 2) && counts(&v, "not_online") == (1, 1), "{v}");
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=violation_form&{q}"), Some(&ri)).await?;
    ensure!(counts(&v, "D-2") == (3, 3) && counts(&v, "D-11") == (1, 1) && counts(&v, "KE-4") == (6, 6), "{v}");
    ensure!(counts(&v, "unspecified") == (1, 1) && row(&v, "KE-4")["group"] == "Kode etik", "{v}");
    ensure!(v["multi_valued"]["cases"] == true, "{v}");
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=category&{q}"), Some(&ri)).await?;
    ensure!(
        counts(&v, "disiplin") == (3, 3) && counts(&v, "kode_etik") == (2, 2) && counts(&v, "none") == (7, 8),
        "{v}"
    );
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=agency_kind&{q}"), Some(&ri)).await?;
    ensure!(
        counts(&v, "regency") == (11, 12) && counts(&v, "province") == (1, 1) && counts(&v, "central") == (0, 0),
        "{v}"
    );
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=province&{q}"), Some(&ri)).await?;
    ensure!(
        counts(&v, "33") == (11, 11) && counts(&v, "32") == (1, 2) && row(&v, "33")["label"] == "Jawa Tengah",
        "{v}"
    );
    let v = ok(&base, &format!("/api/v1/stats/breakdown?dimension=month&{q}"), Some(&ri)).await?;
    let months: Vec<&str> = v["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    ensure!(
        months == ["2024-10", "2024-11"]
            && counts(&v, "2024-10") == (11, 12)
            && row(&v, "2024-11")["label"] == "November 2024",
        "{v}"
    );

    // PPK compliance: the city's PPK is conflicted; overdue once the 14 days have passed.
    let v = ok(&base, &format!("/api/v1/stats/ppk-compliance?{q}"), Some(&ri)).await?;
    let smg =
        v["agencies"].as_array().unwrap().iter().find(|a| a["agency_code"] == "pemkot-semarang").context("smg")?;
    ensure!(smg["recommended"] == 4 && smg["followed_up"] == 1 && smg["overdue"] == 2 && smg["pending"] == 1, "{smg}");
    ensure!(
        smg["ppk_conflicted"] == true && smg["ppk_position"] == "Wali Kota Semarang" && smg["follow_up_rate"] == 0.25,
        "{smg}"
    );
    let jtg = v["agencies"].as_array().unwrap().iter().find(|a| a["agency_code"] == "pemprov-jateng").context("jtg")?;
    ensure!(jtg["recommended"] == 1 && jtg["followed_up"] == 1 && jtg["ppk_conflicted"] == false, "{jtg}");
    ensure!(v["total"]["recommended"] == 5 && v["unit"] == "asn", "{v}");

    // Attendance: six invitations to subjects, three no-shows, case 3's subject never came.
    let v = ok(&base, &format!("/api/v1/stats/attendance?{q}"), Some(&ri)).await?;
    let subj = v["roles"].as_array().unwrap().iter().find(|r| r["role"] == "subject").context("subject")?;
    ensure!(subj["invitations"] == 7 && subj["attended"] == 4 && subj["absent"] == 3 && subj["pending"] == 0, "{subj}");
    ensure!(subj["second_invitations"] == 2 && subj["invitees"] == 5 && subj["never_attended"] == 1, "{subj}");

    // Handling time: case 4 decided after the 5-day limit; case 5 still open and overdue.
    let v = ok(&base, &format!("/api/v1/stats/handling-time?{q}"), Some(&ri)).await?;
    let b = v["phases"].as_array().unwrap().iter().find(|p| p["phase"] == "bawaslu").context("bawaslu")?;
    ensure!(b["rule"] == "pilkada.handling_extended" && b["unit"] == "cases", "{b}");
    let o = &b["overall"];
    ensure!(
        o["finished"] == 5 && o["late"] == 1 && o["on_time"] == 4 && o["open"] == 1 && o["open_overdue"] == 1,
        "{o}"
    );
    ensure!(o["median_days"] == 3.0 && o["p90_days"] == 8.0 && o["late_share"] == 0.2, "{o}");
    ensure!(b["offices"][0]["office"] == "33.74" && b["offices"][0]["office_name"] == "Kota Semarang", "{b}");
    let ppk_phase = v["phases"].as_array().unwrap().iter().find(|p| p["phase"] == "ppk").context("ppk")?;
    ensure!(
        ppk_phase["overall"]["finished"] == 2
            && ppk_phase["overall"]["open"] == 3
            && ppk_phase["overall"]["open_overdue"] == 2,
        "{ppk_phase}"
    );

    // Map counts: every region listed; the handling office's regency counts.
    let v = ok(&base, &format!("/api/v1/stats/regions?{q}"), Some(&ri)).await?;
    ensure!(v["provinces"].as_array().unwrap().len() == 38 && v["regencies"].as_array().unwrap().len() == 514);
    let find = |list: &str, code: &str| {
        v[list].as_array().unwrap().iter().find(|r| r["code"] == code).cloned().unwrap_or_default()
    };
    ensure!(find("regencies", "33.74")["cases"] == 11 && find("regencies", "32.05")["asn"] == 2, "{v}");
    ensure!(find("provinces", "33")["cases"] == 11 && find("provinces", "11")["cases"] == 0, "{v}");
    let v = ok(&base, &format!("/api/v1/stats/regions?{q}&region=32"), Some(&ri)).await?;
    ensure!(v["provinces"].as_array().unwrap().len() == 1 && v["total"]["cases"] == 1, "{v}");

    // Errors: unauthenticated, unknown dimension, bad region, unknown election.
    let (s, _) = get(&base, &format!("/api/v1/stats/regions?{q}"), None).await?;
    ensure!(s == 401);
    let (s, p) = get(&base, &format!("/api/v1/stats/breakdown?dimension=colour&{q}"), Some(&ri)).await?;
    ensure!(s == 400 && p["detail"].as_str().is_some_and(|d| d.contains("position_class")), "{s} {p}");
    let (s, _) = get(&base, &format!("/api/v1/stats/regions?{q}&region=99.99"), Some(&ri)).await?;
    ensure!(s == 400);
    let (s, _) = get(&base, "/api/v1/stats/attendance?election=nope", Some(&ri)).await?;
    ensure!(s == 404);
    Ok(())
}

netra_testkit::on_all_backends!(stats_official, statistics_in_both_units_within_scope);

async fn public_statistics_are_suppressed(db: &Db) -> anyhow::Result<()> {
    let (seed, base) = setup(db).await?;
    seed_cases(&seed).await?;
    let q = "election=pilkada-2024";

    // 7 fungsional ASN are published; the other classes (1–2 each) are withheld together.
    let v = ok(&base, &format!("/api/v1/public/stats/breakdown?dimension=position_class&{q}"), None).await?;
    ensure!(v["suppress_below"] == 5 && v["total"]["asn"]["value"] == 13, "{v}");
    ensure!(row(&v, "fungsional")["asn"]["value"] == 7, "{v}");
    ensure!(row(&v, "jpt_pratama")["asn"]["suppressed"] == true && row(&v, "jpt_utama")["asn"]["value"] == 0, "{v}");
    for dim in
        ["position_class", "violation_form", "category", "medium", "platform", "agency_kind", "province", "month"]
    {
        let v = ok(&base, &format!("/api/v1/public/stats/breakdown?dimension={dim}&{q}"), None).await?;
        for unit in ["cases", "asn"] {
            let cells: Vec<&Value> = v["rows"].as_array().unwrap().iter().map(|r| &r[unit]).collect();
            if v["multi_valued"][unit] == false {
                check_no_recovery(&v["total"][unit], &cells, &format!("{dim}/{unit}"))?;
            }
        }
    }
    // Platform: TikTok's 5 cases stand; the small platforms are withheld together.
    let v = ok(&base, &format!("/api/v1/public/stats/breakdown?dimension=platform&{q}"), None).await?;
    ensure!(
        row(&v, "whatsapp")["cases"]["suppressed"] == true && row(&v, "whatsapp")["cases"]["value"].is_null(),
        "{v}"
    );

    // The map: Garut's single case is withheld, and with it Jawa Tengah (otherwise 12 − 11 = 1),
    // and then Kota Semarang (otherwise it would equal its withheld province).
    let v = ok(&base, &format!("/api/v1/public/stats/regions?{q}"), None).await?;
    let find = |list: &str, code: &str| {
        v[list].as_array().unwrap().iter().find(|r| r["code"] == code).cloned().unwrap_or_default()
    };
    ensure!(v["total"]["cases"]["value"] == 12, "{v}");
    ensure!(
        find("provinces", "32")["cases"]["suppressed"] == true
            && find("provinces", "33")["cases"]["suppressed"] == true
    );
    ensure!(
        find("regencies", "33.74")["cases"]["suppressed"] == true && find("regencies", "11.01")["cases"]["value"] == 0
    );
    let provinces: Vec<&Value> = v["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["cases"])
        .chain([&v["national_office"]["cases"]])
        .collect();
    check_no_recovery(&v["total"]["cases"], &provinces, "provinces")?;
    // The province breakdown withholds exactly the same provinces as the map.
    let b = ok(&base, &format!("/api/v1/public/stats/breakdown?dimension=province&{q}"), None).await?;
    for p in v["provinces"].as_array().unwrap() {
        ensure!(row(&b, p["code"].as_str().unwrap())["cases"] == p["cases"], "province {} differs", p["code"]);
    }

    // PPK compliance, attendance and handling time: only published values that are 0 or ≥ 5.
    let v = ok(&base, &format!("/api/v1/public/stats/ppk-compliance?{q}"), None).await?;
    ensure!(v["total"]["recommended"]["value"] == 5, "{v}");
    let smg =
        v["agencies"].as_array().unwrap().iter().find(|a| a["agency_code"] == "pemkot-semarang").context("smg")?;
    ensure!(smg["recommended"]["suppressed"] == true && smg["ppk_conflicted"] == true, "{smg}");
    ensure!(!v.to_string().contains("Wali Kota Petahana"), "no personal names in public statistics");
    let v = ok(&base, &format!("/api/v1/public/stats/attendance?{q}"), None).await?;
    ensure!(v["total"]["invitations"]["value"] == 7 && v["total"]["never_attended"]["suppressed"] == true, "{v}");
    let v = ok(&base, &format!("/api/v1/public/stats/handling-time?{q}"), None).await?;
    let b = v["phases"].as_array().unwrap().iter().find(|p| p["phase"] == "bawaslu").context("bawaslu")?;
    ensure!(b["overall"]["finished"]["value"] == 5 && b["overall"]["median_days"]["value"] == 3.0, "{b}");
    ensure!(b["overall"]["late"]["suppressed"] == true && b["overall"]["late_share"]["value"].is_null(), "{b}");
    for body in [&v, &ok(&base, &format!("/api/v1/public/stats/ppk-compliance?{q}"), None).await?] {
        no_small_counts(body, "")?;
    }

    // Public statistics take the election only: a region or date filter would allow differencing.
    let (s, p) = get(&base, &format!("/api/v1/public/stats/regions?{q}&region=33"), None).await?;
    ensure!(s == 400, "{s} {p}");
    let (s, _) = get(
        &base,
        &format!("/api/v1/public/stats/breakdown?dimension=month&{q}&received_from=2024-10-01T00:00:00Z"),
        None,
    )
    .await?;
    ensure!(s == 400);
    let (s, _) = get(&base, "/api/v1/public/stats/regions?election=nope", None).await?;
    ensure!(s == 404);
    Ok(())
}

netra_testkit::on_all_backends!(stats_public, public_statistics_are_suppressed);

/// Every statistics path is documented with a response example and served by `routes()`.
async fn documented_with_examples(db: &Db) -> anyhow::Result<()> {
    let (_seed, base) = setup(db).await?;
    let doc = serde_json::to_value(netra_web::api_stats::StatsApiDoc::openapi())?;
    let paths = doc["paths"].as_object().context("paths")?;
    ensure!(paths.len() == 12, "{:?}", paths.keys().collect::<Vec<_>>());
    for (path, item) in paths {
        let op = &item["get"];
        let example = &op["responses"]["200"]["content"]["application/json"]["example"];
        ensure!(example.is_object(), "{path}: no response example");
        ensure!(
            op["parameters"].as_array().is_some_and(|p| p.iter().all(|p| !p["example"].is_null())),
            "{path}: parameter without example"
        );
        let public = path.contains("/public/");
        ensure!(op.get("security").is_some() != public, "{path}: security");
        let dim = if path.ends_with("/breakdown") { "&dimension=month" } else { "" };
        let (s, _) = get(&base, &format!("{path}?election=pilkada-2024{dim}"), None).await?;
        ensure!(s == if public { 200 } else { 401 }, "{path}: {s}");
    }
    Ok(())
}

netra_testkit::on_all_backends!(stats_openapi, documented_with_examples);

/// The vulnerability index from the seeded cases, worked by hand from `docs/risk-index.md`:
/// Jawa Tengah has 11 ASN reported, 5 decided and all 5 forwarded, 3 senior (2 JPT Pratama and a
/// camat), 5 recommendations of which 2 passed the PPK deadline unsanctioned; Jawa Barat has 2 ASN
/// (both not forwarded), too few to score. Pooled rates: forwarded 5/7, senior 3/13, unenforced 2/5.
/// incidence 100; substantiation (5 + 5·5/7)/10 = 85.71; seniority (3 + 5·3/13)/16 = 25.96;
/// impunity (2 + 5·2/5)/10 = 40 → 0.40·100 + 0.20·85.71 + 0.15·25.96 + 0.25·40 = 71.04.
async fn risk_index_from_case_data(db: &Db) -> anyhow::Result<()> {
    let (seed, base) = setup(db).await?;
    seed_cases(&seed).await?;
    let ri = token(db, "bawaslu-ri", Role::BawasluRi, Scope::national()).await?;
    let q = "election=pilkada-2024";
    let find = |v: &Value, code: &str| {
        v["regions"].as_array().unwrap().iter().find(|r| r["code"] == code).cloned().unwrap_or_default()
    };
    let component = |r: &Value, key: &str| {
        r["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .map(|c| c["value"].clone())
            .unwrap_or_default()
    };

    let v = ok(&base, &format!("/api/v1/stats/risk?{q}"), Some(&ri)).await?;
    ensure!(v["edition"] == "netra-ikn-2026.1" && v["level"] == "province", "{v}");
    ensure!(v["regions"].as_array().unwrap().len() == 38, "every province listed");
    ensure!(v["cutoff_tinggi"] == 68.5 && v["cutoff_sedang"] == 21.7, "{v}");
    let jateng = find(&v, "33");
    ensure!(v["regions"][0]["code"] == "33", "highest score first: {}", v["regions"][0]);
    let score = jateng["score"].as_f64().context("Jawa Tengah is scored")?;
    ensure!((score - 71.04).abs() < 0.011, "score {score}: {jateng}");
    ensure!(jateng["category"] == "tinggi" && jateng["asn_reported"] == 11, "{jateng}");
    ensure!(component(&jateng, "incidence") == 100.0 && component(&jateng, "substantiation") == 85.71, "{jateng}");
    ensure!(component(&jateng, "seniority") == 25.96 && component(&jateng, "impunity") == 40.0, "{jateng}");
    ensure!(component(&jateng, "incumbency").is_null(), "{jateng}");
    let jabar = find(&v, "32");
    ensure!(jabar["score"].is_null() && jabar["category"].is_null() && jabar["asn_reported"] == 2, "{jabar}");

    // Kabupaten/kota: the same numbers, judged against the kabupaten/kota cut-offs.
    let v = ok(&base, &format!("/api/v1/stats/risk?{q}&level=regency"), Some(&ri)).await?;
    ensure!(v["regions"].as_array().unwrap().len() == 514 && v["cutoff_tinggi"] == 49.33, "{}", v["cutoff_tinggi"]);
    let smg = find(&v, "33.74");
    ensure!(smg["category"] == "tinggi" && (smg["score"].as_f64().unwrap_or(0.0) - 71.04).abs() < 0.011, "{smg}");

    // Scope and filters narrow the regions; bad levels are refused.
    let garut = token(db, "garut", Role::BawasluKabKota, region("32.05")).await?;
    let v = ok(&base, &format!("/api/v1/stats/risk?{q}&level=regency"), Some(&garut)).await?;
    ensure!(v["regions"].as_array().unwrap().len() == 1 && v["regions"][0]["code"] == "32.05", "{v}");
    let v = ok(&base, &format!("/api/v1/stats/risk?{q}&region=32"), Some(&ri)).await?;
    ensure!(v["regions"].as_array().unwrap().len() == 1, "{v}");
    let (s, p) = get(&base, &format!("/api/v1/stats/risk?{q}&level=desa"), Some(&ri)).await?;
    ensure!(s == 400 && p["detail"].as_str().is_some_and(|d| d.contains("regency")), "{s} {p}");

    // Public: the same scores; a region too small to score shows no counts or components.
    let v = ok(&base, &format!("/api/v1/public/stats/risk?{q}"), None).await?;
    ensure!((find(&v, "33")["score"].as_f64().unwrap_or(0.0) - 71.04).abs() < 0.011, "{v}");
    let jabar = find(&v, "32");
    ensure!(jabar["asn_reported"].is_null(), "{jabar}");
    ensure!(jabar["components"].as_array().unwrap().iter().all(|c| c["value"].is_null()), "{jabar}");
    Ok(())
}

netra_testkit::on_all_backends!(stats_risk_index, risk_index_from_case_data);
