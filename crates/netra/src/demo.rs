//! The demo dataset: a Pemilu 2024-like and a Pilkada 2024-like election and cases walked through
//! the real use cases (so every row, deadline and audit event is what production would write) to
//! every case state and every subject-track state, across provinces in all three time zones.
//! Loading twice changes nothing (a `meta` marker records a completed load).

use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use netra_core::intake::{ActInput, ReportInput, SubjectInput};
use netra_core::tracks::{TrackCommand, TrackTransitionRequest};
use netra_core::workflow::{
    CaseCommand, CaseTransitionRequest, CaseView, RecordAttendance, ScheduleClarification, SubjectDecision,
};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::catalogue;
use netra_domain::ids::RegionCode;
use netra_domain::model::{Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::Db;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Serialize)]
pub struct DemoReport {
    pub loaded: bool,
    pub elections: usize,
    pub cases: usize,
    pub states: Vec<(String, i64)>,
    pub track_states: Vec<(String, i64)>,
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid demo date")
}

fn stage(kind: StageKind, a: &str, b: &str) -> Stage {
    Stage { kind, starts_on: d(a), ends_on: d(b) }
}

fn elections() -> Vec<Election> {
    vec![
        Election {
            id: "demo-pemilu-2024".into(),
            code: "pemilu-2024".into(),
            name: "Pemilihan Umum 2024 (Presiden dan Wakil Presiden)".into(),
            kind: ElectionKind::GeneralPresidential,
            year: 2024,
            voting_day: d("2024-02-14"),
            stages: vec![
                stage(StageKind::Preparation, "2022-06-14", "2023-10-18"),
                stage(StageKind::CandidateRegistration, "2023-10-19", "2023-11-12"),
                stage(StageKind::CandidateFixing, "2023-11-13", "2023-11-27"),
                stage(StageKind::Campaign, "2023-11-28", "2024-02-10"),
                stage(StageKind::QuietPeriod, "2024-02-11", "2024-02-13"),
                stage(StageKind::Voting, "2024-02-14", "2024-02-14"),
                stage(StageKind::Recapitulation, "2024-02-15", "2024-03-20"),
            ],
            regions: vec![],
        },
        Election {
            id: "demo-pilkada-2024".into(),
            code: "pilkada-2024".into(),
            name: "Pemilihan Serentak Gubernur, Bupati dan Wali Kota 2024".into(),
            kind: ElectionKind::RegionalSimultaneous,
            year: 2024,
            voting_day: d("2024-11-27"),
            stages: vec![
                stage(StageKind::Preparation, "2024-01-26", "2024-08-26"),
                stage(StageKind::CandidateRegistration, "2024-08-27", "2024-09-21"),
                stage(StageKind::CandidateFixing, "2024-09-22", "2024-09-24"),
                stage(StageKind::Campaign, "2024-09-25", "2024-11-23"),
                stage(StageKind::QuietPeriod, "2024-11-24", "2024-11-26"),
                stage(StageKind::Voting, "2024-11-27", "2024-11-27"),
                stage(StageKind::Recapitulation, "2024-11-28", "2024-12-16"),
            ],
            regions: vec![],
        },
    ]
}

/// Where a scenario ends: a case state, or (for referred cases) a subject-track state.
#[derive(Clone, Copy)]
enum Target {
    Case(&'static str),
    Track(&'static str, bool),
}

struct Walker<'a> {
    netra: &'a Netra,
    clock: &'a ManualClock,
    officer: Actor,
    authority: Actor,
    now: DateTime<Utc>,
}

impl Walker<'_> {
    fn tick(&mut self, d: Duration) {
        self.now += d;
        self.clock.set(self.now);
    }

    async fn case(&mut self, id: &str, v: &CaseView, command: CaseCommand) -> anyhow::Result<CaseView> {
        self.tick(Duration::hours(5));
        let req = CaseTransitionRequest { expected_version: v.case.version, command };
        Ok(self.netra.transition_case(&self.officer, id, &req).await?)
    }

    async fn track(&mut self, v: &CaseView, command: TrackCommand) -> anyhow::Result<CaseView> {
        self.tick(Duration::days(2));
        let t = &v.subjects[0].track;
        let req = TrackTransitionRequest { expected_version: t.version, command };
        Ok(self.netra.transition_track(&self.authority, &t.id.clone(), &req).await?)
    }

    async fn clarify(&mut self, id: &str, name: &str, attended: bool) -> anyhow::Result<()> {
        let scheduled = self.now + Duration::days(2);
        let s = self
            .netra
            .schedule_clarification(
                &self.officer,
                id,
                &ScheduleClarification {
                    invitee_name: name.into(),
                    invitee_role: "subject".into(),
                    subject_track_id: None,
                    scheduled_at: scheduled,
                    delivered_at: self.now,
                    delivery_channel: "langsung".into(),
                    mode: "in_person".into(),
                    online_reason: None,
                    place: "Kantor Bawaslu".into(),
                },
            )
            .await?;
        self.tick(Duration::days(2) + Duration::hours(3));
        let minutes =
            attended.then(|| "Terlapor hadir, disumpah, dan memberikan keterangan (Formulir Model B.12).".to_owned());
        self.netra.record_attendance(&self.officer, id, &s.id, &RecordAttendance { attended, minutes }).await?;
        Ok(())
    }
}

struct Scenario {
    regency: &'static str,
    election: &'static str,
    start: &'static str,
    target: Target,
    subject: &'static str,
    title: &'static str,
    code: &'static str,
    social: bool,
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        regency: "33.74",
        election: "pilkada-2024",
        start: "2024-10-01T02:00:00Z",
        target: Target::Case("received"),
        subject: "Budi Santoso",
        title: "Camat",
        code: "D-2",
        social: true,
    },
    Scenario {
        regency: "32.05",
        election: "pilkada-2024",
        start: "2024-10-02T02:00:00Z",
        target: Target::Case("incomplete"),
        subject: "Asep Saepudin",
        title: "Kepala Desa",
        code: "D-8",
        social: false,
    },
    Scenario {
        regency: "35.78",
        election: "pilkada-2024",
        start: "2024-10-03T02:00:00Z",
        target: Target::Case("not_registered"),
        subject: "Dwi Lestari",
        title: "Guru SMP",
        code: "KE-4",
        social: true,
    },
    Scenario {
        regency: "11.71",
        election: "pilkada-2024",
        start: "2024-10-04T02:00:00Z",
        target: Target::Case("withdrawn"),
        subject: "Teuku Ridwan",
        title: "Kepala Bidang",
        code: "D-4",
        social: false,
    },
    Scenario {
        regency: "12.71",
        election: "pilkada-2024",
        start: "2024-10-05T02:00:00Z",
        target: Target::Case("transferred"),
        subject: "Maruli Siregar",
        title: "Lurah",
        code: "D-7",
        social: true,
    },
    Scenario {
        regency: "51.71",
        election: "pilkada-2024",
        start: "2024-10-06T02:00:00Z",
        target: Target::Case("forwarded_direct"),
        subject: "I Made Suarta",
        title: "Kepala Dinas",
        code: "D-11",
        social: false,
    },
    Scenario {
        regency: "73.71",
        election: "pilkada-2024",
        start: "2024-10-07T02:00:00Z",
        target: Target::Case("registered"),
        subject: "Andi Mappanyukki",
        title: "Sekretaris Dinas",
        code: "D-6",
        social: true,
    },
    Scenario {
        regency: "64.72",
        election: "pilkada-2024",
        start: "2024-10-08T02:00:00Z",
        target: Target::Case("clarification"),
        subject: "Rahmat Hidayat",
        title: "Analis Kebijakan",
        code: "KE-5",
        social: true,
    },
    Scenario {
        regency: "91.03",
        election: "pilkada-2024",
        start: "2024-10-09T02:00:00Z",
        target: Target::Case("study"),
        subject: "Yohanes Wenda",
        title: "Kepala Distrik",
        code: "D-8",
        social: false,
    },
    Scenario {
        regency: "81.71",
        election: "pilkada-2024",
        start: "2024-10-10T02:00:00Z",
        target: Target::Case("plenary"),
        subject: "Abdul Rahman Latuconsina",
        title: "Pengawas Sekolah",
        code: "D-2",
        social: true,
    },
    Scenario {
        regency: "63.71",
        election: "pilkada-2024",
        start: "2024-10-11T02:00:00Z",
        target: Target::Case("stopped"),
        subject: "Siti Aminah",
        title: "Pelaksana",
        code: "KE-4",
        social: true,
    },
    Scenario {
        regency: "61.71",
        election: "pilkada-2024",
        start: "2024-10-12T02:00:00Z",
        target: Target::Case("gakkumdu"),
        subject: "Hendra Gunawan",
        title: "Camat",
        code: "D-9",
        social: false,
    },
    Scenario {
        regency: "31.74",
        election: "pemilu-2024",
        start: "2024-01-08T02:00:00Z",
        target: Target::Track("awaiting_verification", false),
        subject: "Dian Puspitasari",
        title: "Auditor",
        code: "D-2",
        social: true,
    },
    Scenario {
        regency: "34.71",
        election: "pemilu-2024",
        start: "2024-01-09T02:00:00Z",
        target: Target::Track("rejected", false),
        subject: "Bambang Wijaya",
        title: "Dosen",
        code: "KE-2",
        social: true,
    },
    Scenario {
        regency: "16.71",
        election: "pemilu-2024",
        start: "2024-01-10T02:00:00Z",
        target: Target::Track("cancelled", false),
        subject: "Yuliana",
        title: "Bidan",
        code: "KE-5",
        social: true,
    },
    Scenario {
        regency: "18.71",
        election: "pemilu-2024",
        start: "2024-01-11T02:00:00Z",
        target: Target::Track("not_proven", false),
        subject: "Agus Salim",
        title: "Kepala Seksi",
        code: "D-4",
        social: false,
    },
    Scenario {
        regency: "13.71",
        election: "pemilu-2024",
        start: "2024-01-12T02:00:00Z",
        target: Target::Track("left_service", false),
        subject: "Nurhayati",
        title: "Penyuluh",
        code: "D-6",
        social: true,
    },
    Scenario {
        regency: "52.71",
        election: "pemilu-2024",
        start: "2024-01-13T02:00:00Z",
        target: Target::Track("recommendation_issued", false),
        subject: "Lalu Muhammad",
        title: "Kepala Bagian",
        code: "D-1",
        social: false,
    },
    Scenario {
        regency: "53.71",
        election: "pemilu-2024",
        start: "2024-01-14T02:00:00Z",
        target: Target::Track("awaiting_ppk", false),
        subject: "Yosef Kolo",
        title: "Guru SD",
        code: "KE-3",
        social: false,
    },
    Scenario {
        regency: "71.71",
        election: "pemilu-2024",
        start: "2024-01-15T02:00:00Z",
        target: Target::Track("sanctioned", false),
        subject: "Johny Tumbelaka",
        title: "Kepala Dinas",
        code: "D-11",
        social: false,
    },
    Scenario {
        regency: "74.71",
        election: "pilkada-2024",
        start: "2024-10-13T02:00:00Z",
        target: Target::Track("overdue", false),
        subject: "La Ode Hasan",
        title: "Lurah",
        code: "D-7",
        social: true,
    },
    Scenario {
        regency: "76.01",
        election: "pilkada-2024",
        start: "2024-10-14T02:00:00Z",
        target: Target::Track("data_blocked", false),
        subject: "Muhammad Arsyad",
        title: "Sekretaris Camat",
        code: "D-8",
        social: false,
    },
    Scenario {
        regency: "82.71",
        election: "pilkada-2024",
        start: "2024-10-15T02:00:00Z",
        target: Target::Track("escalated", false),
        subject: "Ismail Tidore",
        title: "Kepala Badan",
        code: "D-11",
        social: false,
    },
    Scenario {
        regency: "94.04",
        election: "pilkada-2024",
        start: "2024-10-16T02:00:00Z",
        target: Target::Track("sanctioned", true),
        subject: "Markus Kogoya",
        title: "Kepala Distrik",
        code: "D-2",
        social: true,
    },
    Scenario {
        regency: "15.71",
        election: "pilkada-2024",
        start: "2024-10-17T02:00:00Z",
        target: Target::Track("unblocked", false),
        subject: "Rudi Hartono",
        title: "Kepala Puskesmas",
        code: "D-6",
        social: true,
    },
];

fn first_district(regency: &str) -> anyhow::Result<String> {
    let code = RegionCode::parse(regency)?;
    let kids = catalogue::regions().children(&code);
    Ok(kids.first().with_context(|| format!("regency {regency} has no kecamatan"))?.code.as_str().to_owned())
}

async fn walk(w: &mut Walker<'_>, i: usize, s: &Scenario) -> anyhow::Result<()> {
    w.now = DateTime::parse_from_rfc3339(s.start)?.with_timezone(&Utc);
    w.clock.set(w.now);
    let laporan = i % 3 != 2;
    let input = ReportInput {
        kind: if laporan { "laporan" } else { "informasi_awal" }.into(),
        election: s.election.into(),
        reporter: laporan.then(|| netra_core::intake::ReporterInput {
            name: format!("Pelapor Demo {}", i + 1),
            address: "Alamat disegel (data demo)".into(),
            nik: None,
            phone: None,
            email: None,
        }),
        known_at: w.now - Duration::hours(20),
        act: ActInput {
            occurred_at: w.now - Duration::days(1),
            region_code: first_district(s.regency)?,
            description: format!(
                "{} ({}) diduga melanggar netralitas ASN: {}.",
                s.subject,
                s.title,
                catalogue::violation(s.code).map(|v| v.name_id.clone()).unwrap_or_default()
            ),
            violation_codes: vec![s.code.into()],
            candidate_id: None,
            medium: if s.social { "social_media" } else { "offline" }.into(),
            platform: s.social.then(|| ["facebook", "instagram", "tiktok", "whatsapp"][i % 4].to_owned()),
            url: None,
        },
        subjects: vec![SubjectInput {
            name: s.subject.into(),
            nip: None,
            agency: None,
            employment_type: Some("pns".into()),
            position_class: Some(["administrator", "pengawas", "fungsional", "pelaksana", "jpt_pratama"][i % 5].into()),
            position_title: Some(s.title.into()),
            territorial_head: matches!(s.title, "Camat" | "Lurah" | "Kepala Distrik"),
            work_region: Some(s.regency.into()),
        }],
    };
    let receipt = w.netra.submit_report(&input, None).await.with_context(|| format!("scenario {i}"))?;
    let id = receipt.case_id;
    let mut v = w.netra.case_view(&w.officer, &id).await?;
    let case_target = match s.target {
        Target::Case(c) => c,
        Target::Track(..) => "referred",
    };
    let simple = match case_target {
        "received" => return Ok(()),
        "incomplete" => Some(CaseCommand::MarkIncomplete { missing: vec!["Bukti foto unggahan".into()] }),
        "not_registered" => Some(CaseCommand::RefuseRegistration {
            reason: "Syarat materiel tidak terpenuhi setelah pemberitahuan.".into(),
        }),
        "withdrawn" => Some(CaseCommand::Withdraw { reason: "Pelapor mencabut laporan sebelum registrasi.".into() }),
        "transferred" => Some(CaseCommand::Transfer {
            to_region: "12".into(),
            reason: "Pengambilalihan oleh Bawaslu Provinsi.".into(),
        }),
        "forwarded_direct" => Some(CaseCommand::ForwardDirect {
            reason: "Murni dugaan pelanggaran netralitas ASN sebelum penetapan calon.".into(),
            letter_number: None,
        }),
        _ => None,
    };
    if let Some(cmd) = simple {
        w.case(&id, &v, cmd).await?;
        return Ok(());
    }
    v = w.case(&id, &v, CaseCommand::Register {}).await?;
    if case_target == "registered" {
        return Ok(());
    }
    w.case(&id, &v, CaseCommand::StartClarification {}).await?;
    // Every third case: the subject skips the first invitation and comes to the second.
    if i.is_multiple_of(3) {
        w.clarify(&id, s.subject, false).await?;
    }
    if case_target == "clarification" {
        return Ok(());
    }
    w.clarify(&id, s.subject, true).await?;
    v = w.netra.case_view(&w.officer, &id).await?;
    v = w.case(&id, &v, CaseCommand::FinishClarification { note: None }).await?;
    if case_target == "study" {
        return Ok(());
    }
    v = w
        .case(
            &id,
            &v,
            CaseCommand::SubmitStudy { summary: "Kajian dugaan pelanggaran atas keterangan dan bukti.".into() },
        )
        .await?;
    if case_target == "plenary" {
        return Ok(());
    }
    let track_id = v.subjects[0].track.id.clone();
    let outcome = if case_target == "referred" { "refer" } else { "stop" };
    v = w
        .case(
            &id,
            &v,
            CaseCommand::Decide {
                summary: "Keputusan rapat pleno.".into(),
                subjects: vec![SubjectDecision { track_id, outcome: outcome.into() }],
                gakkumdu: case_target == "gakkumdu",
                letter_number: None,
            },
        )
        .await?;
    let Target::Track(track_target, blocked_sanction) = s.target else { return Ok(()) };
    let ends = |cmd: TrackCommand| cmd;
    let verdict = match track_target {
        "awaiting_verification" => return Ok(()),
        "rejected" => Some(ends(TrackCommand::Reject { reason: "Berkas tidak lengkap.".into() })),
        "cancelled" => Some(TrackCommand::Cancel { reason: "Dibatalkan karena duplikasi laporan.".into() }),
        "not_proven" => Some(TrackCommand::FindNotProven { reason: "Tidak terbukti.".into() }),
        "left_service" => Some(TrackCommand::RecordLeftService { reason: "ASN pensiun.".into() }),
        _ => None,
    };
    if let Some(cmd) = verdict {
        w.track(&v, cmd).await?;
        return Ok(());
    }
    let level = if s.code.starts_with("KE") { ("kode_etik", "moral") } else { ("disiplin", "sedang") };
    v = w
        .track(
            &v,
            TrackCommand::IssueRecommendation {
                category: level.0.into(),
                sanction_level: level.1.into(),
                sanction_option: None,
                violation_codes: vec![s.code.into()],
                letter_number: None,
            },
        )
        .await?;
    if track_target == "recommendation_issued" {
        return Ok(());
    }
    v = w.track(&v, TrackCommand::DeliverToPpk { letter_number: None }).await?;
    if track_target == "awaiting_ppk" {
        return Ok(());
    }
    let sanction = if level.1 == "moral" { "pp42.moral.terbuka" } else { "pp94.sedang.tukin25_6m" };
    let decree = |w: &Walker<'_>| TrackCommand::RecordSanction {
        sanction_option: sanction.into(),
        decree_number: format!("800/{}/BKPSDM/2024", 100 + i),
        decree_date: w.now.date_naive(),
    };
    if track_target == "sanctioned" && !blocked_sanction {
        let cmd = decree(w);
        w.track(&v, cmd).await?;
        return Ok(());
    }
    w.tick(Duration::days(20));
    v = w.track(&v, TrackCommand::MarkOverdue {}).await?;
    if track_target == "overdue" {
        return Ok(());
    }
    if track_target == "escalated" {
        w.track(
            &v,
            TrackCommand::Escalate { kind: "kemendagri_reprimand".into(), reference: Some("Teguran Mendagri".into()) },
        )
        .await?;
        return Ok(());
    }
    v = w.track(&v, TrackCommand::BlockData { reference: "Pemblokiran SIASN".into() }).await?;
    if track_target == "data_blocked" {
        return Ok(());
    }
    let cmd = decree(w);
    v = w.track(&v, cmd).await?;
    if track_target == "sanctioned" {
        return Ok(());
    }
    w.track(&v, TrackCommand::Unblock { reference: Some("Pembukaan blokir".into()) }).await?;
    Ok(())
}

/// Loads the demo dataset unless it is already there.
pub async fn load(db: &Db, seal_key: [u8; 32]) -> anyhow::Result<DemoReport> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let marker = sqlx::query("SELECT value FROM meta WHERE key = 'demo_loaded'").fetch_optional(&db.pool).await?;
    let loaded = if marker.is_some() {
        false
    } else {
        if netra_store::people::election(db, "pemilu-2024").await.is_ok() {
            bail!(
                "the database holds a partial demo load (elections without the completion marker); use a fresh data folder"
            );
        }
        let mut tx = db.begin_write().await?;
        for e in elections() {
            let version = netra_core::intake::rule_set_version(e.kind.rule_set());
            netra_store::people::insert_election(&mut tx, &e, version, Utc::now().timestamp_millis()).await?;
        }
        tx.commit().await?;
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let netra = Netra::new(db.clone(), Sealer::new(seal_key), NumberTemplate::default_template(), clock.clone());
        let mut w = Walker {
            netra: &netra,
            clock: &clock,
            officer: Actor {
                user_id: "demo-bawaslu".into(),
                username: "demo.bawaslu".into(),
                role: Role::BawasluRi,
                scope: Scope::national(),
            },
            authority: Actor {
                user_id: "demo-bkn".into(),
                username: "demo.bkn".into(),
                role: Role::AuthorityVerifier,
                scope: Scope::national(),
            },
            now: Utc::now(),
        };
        for (i, s) in SCENARIOS.iter().enumerate() {
            walk(&mut w, i, s).await.with_context(|| format!("demo scenario {} ({})", i + 1, s.regency))?;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('demo_loaded', $1)")
            .bind(json!({"scenarios": SCENARIOS.len()}).to_string())
            .execute(&db.pool)
            .await?;
        true
    };
    let states = netra_store::cases::count_by_state(db).await?;
    let track_states = netra_store::cases::count_tracks_by_state(db).await?;
    let n: i64 =
        sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM cases").fetch_one(&db.pool).await?.try_get("n")?;
    Ok(DemoReport {
        loaded,
        elections: netra_store::people::elections(db).await?.len(),
        cases: usize::try_from(n).unwrap_or(0),
        states,
        track_states,
    })
}
