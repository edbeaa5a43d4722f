//! The statistics pages over a real loopback socket, on SQLite and PostgreSQL: cases seeded through
//! the netra-core use cases, then the officials' dashboard (scope, region filter, map), its CSV
//! export (formula injection neutralised, BOM) and the public transparency page (suppressed, no
//! cookie, no case details).

use std::sync::Arc;

use anyhow::ensure;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput};
use netra_core::tracks::{TrackCommand, TrackTransitionRequest};
use netra_core::workflow::{
    CaseCommand, CaseTransitionRequest, RecordAttendance, ScheduleClarification, SubjectDecision,
};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::ids::RegionCode;
use netra_domain::model::{AgencyKind, Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::Db;
use netra_store::people::{self, Agency};
use netra_store::users;

/// An agency whose name a spreadsheet would run as a formula.
const EVIL_AGENCY: &str = "=HYPERLINK(\"http://evil.example\",\"klik\")";
const REPORTER: &str = "Siti Pelapor Rahasia";

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

struct App {
    netra: Netra,
    clock: Arc<ManualClock>,
    base: String,
    http: reqwest::Client,
}

impl App {
    /// Reports one act with `subjects` (name, position class, agency code) at `place`.
    async fn report(
        &self,
        at: &str,
        place: &str,
        medium: &str,
        platform: Option<&str>,
        codes: &[&str],
        subjects: &[(&str, &str, &str)],
    ) -> anyhow::Result<String> {
        let now = t(at);
        self.clock.set(now);
        let input = ReportInput {
            kind: "laporan".into(),
            election: "pilkada-2024".into(),
            reporter: Some(ReporterInput {
                name: REPORTER.into(),
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
                .map(|(name, class, agency)| SubjectInput {
                    name: (*name).into(),
                    nip: None,
                    agency: Some((*agency).to_owned()),
                    employment_type: None,
                    position_class: Some((*class).to_owned()),
                    position_title: None,
                    territorial_head: false,
                    work_region: None,
                })
                .collect(),
        };
        Ok(self.netra.submit_report(&input, None).await?.case_id)
    }

    async fn act(&self, who: &Actor, case: &str, at: DateTime<Utc>, command: CaseCommand) -> anyhow::Result<()> {
        self.clock.set(at);
        let v = self.netra.case_view(who, case).await?;
        self.netra
            .transition_case(who, case, &CaseTransitionRequest { expected_version: v.case.version, command })
            .await?;
        Ok(())
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

    /// Register → clarification (the subject attends) → study → plenary refers every subject.
    async fn refer(&self, officer: &Actor, case: &str, at: &str) -> anyhow::Result<()> {
        let start = t(at);
        self.act(officer, case, start, CaseCommand::Register {}).await?;
        self.act(officer, case, start, CaseCommand::StartClarification {}).await?;
        self.clock.set(start);
        let s = self
            .netra
            .schedule_clarification(
                officer,
                case,
                &ScheduleClarification {
                    invitee_name: "Terlapor".into(),
                    invitee_role: "subject".into(),
                    subject_track_id: None,
                    scheduled_at: start + Duration::days(1),
                    delivered_at: start,
                    delivery_channel: "langsung".into(),
                    mode: "in_person".into(),
                    online_reason: None,
                    place: "Kantor Bawaslu Kota Semarang".into(),
                },
            )
            .await?;
        self.clock.set(start + Duration::days(1) + Duration::hours(2));
        self.netra
            .record_attendance(
                officer,
                case,
                &s.id,
                &RecordAttendance { attended: true, minutes: Some("Terlapor hadir.".into()) },
            )
            .await?;
        let when = start + Duration::days(2);
        self.act(officer, case, when, CaseCommand::FinishClarification { note: None }).await?;
        self.act(officer, case, when, CaseCommand::SubmitStudy { summary: "Kajian selesai.".into() }).await?;
        let v = self.netra.case_view(officer, case).await?;
        let subjects = v
            .subjects
            .iter()
            .map(|s| SubjectDecision { track_id: s.track.id.clone(), outcome: "refer".into() })
            .collect();
        let decide =
            CaseCommand::Decide { summary: "Putusan pleno.".into(), subjects, gakkumdu: false, letter_number: None };
        self.act(officer, case, start + Duration::days(3), decide).await
    }

    /// A signed-in page session for a new user with `role` and `scope`.
    async fn session(&self, username: &str, role: Role, scope: Scope) -> anyhow::Result<String> {
        let n = &self.netra;
        let now = n.now();
        users::create(&n.db, username, username, role, &scope, now).await?;
        let admin = actor("system:test", Role::Administrator, Scope::national());
        let password = "kata-sandi-panjang-sekali";
        n.auth().set_password(&admin, username, password, now).await?;
        let pending = n.auth().begin_sign_in(username, password, now).await?;
        let e = n.auth().begin_enrolment(&pending.token, now).await?;
        let secret = data_encoding::BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
        let code = netra_core::auth::totp_code(&secret, now);
        let (session, _) = n.auth().confirm_enrolment(&pending.token, &code, now).await?;
        Ok(session.token)
    }

    /// GET `path` with an optional session; status, `Set-Cookie` headers, content type and body bytes.
    async fn get(&self, path: &str, session: Option<&str>) -> anyhow::Result<(u16, Vec<String>, String, Vec<u8>)> {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            r = r.header("cookie", format!("netra_sesi={s}"));
        }
        let resp = r.send().await?;
        let status = resp.status().as_u16();
        let cookies =
            resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect();
        let ctype = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        Ok((status, cookies, ctype, resp.bytes().await?.to_vec()))
    }

    async fn page(&self, path: &str, session: Option<&str>) -> anyhow::Result<String> {
        let (status, _, _, body) = self.get(path, session).await?;
        let body = String::from_utf8(body)?;
        ensure!(status == 200, "GET {path}: {status}\n{body}");
        Ok(body)
    }
}

/// Seeds two elections (the 2024 Pilkada is the most recent) and 7 cases of the Pilkada:
/// 6 in Kota Semarang (one referred and recommended, its ASN employed by an agency whose name is a
/// spreadsheet formula; five on TikTok) and 1 in Kabupaten Garut naming two ASN.
async fn setup(db: &Db) -> anyhow::Result<App> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let mut tx = db.begin_write().await?;
    for (id, code, name, kind, year, voting) in [
        ("el-pemilu", "pemilu-2019", "Pemilu 2019", ElectionKind::GeneralPresidential, 2019, "2019-04-17"),
        (
            "el-pilkada",
            "pilkada-2024",
            "Pemilihan Serentak 2024",
            ElectionKind::RegionalSimultaneous,
            2024,
            "2024-11-27",
        ),
    ] {
        let e = Election {
            id: id.into(),
            code: code.into(),
            name: name.into(),
            kind,
            year,
            voting_day: d(voting),
            stages: vec![
                Stage { kind: StageKind::Preparation, starts_on: d("2024-01-26"), ends_on: d("2024-09-21") },
                Stage { kind: StageKind::Campaign, starts_on: d("2024-09-25"), ends_on: d("2024-11-23") },
            ],
            regions: vec![],
        };
        people::insert_election(&mut tx, &e, 1, 0).await?;
    }
    for (id, code, name, kind, region) in [
        ("ag-smg", "pemkot-semarang", "Pemerintah Kota Semarang", AgencyKind::Regency, "33.74"),
        ("ag-evil", "dinas-formula", EVIL_AGENCY, AgencyKind::Regency, "33.74"),
        ("ag-garut", "pemkab-garut", "Pemerintah Kabupaten Garut", AgencyKind::Regency, "32.05"),
    ] {
        let a = Agency { id: id.into(), code: code.into(), name: name.into(), kind, region_code: Some(region.into()) };
        people::insert_agency(&mut tx, &a).await?;
    }
    tx.commit().await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-01T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([7; 32]), NumberTemplate::default_template(), clock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = netra_web::router(netra.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let app = App { netra, clock, base, http };

    let semarang = actor("kota-semarang", Role::BawasluKabKota, region("33.74"));
    let bkn = actor("bkn", Role::AuthorityVerifier, Scope::national());
    let c1 = app
        .report(
            "2024-10-01T03:00:00Z",
            "33.74.01",
            "social_media",
            Some("Facebook"),
            &["D-2"],
            &[("A", "jpt_pratama", "dinas-formula")],
        )
        .await?;
    for i in 0..5 {
        app.report(
            &format!("2024-10-2{i}T05:00:00Z"),
            "33.74.06",
            "social_media",
            Some("TikTok"),
            &["KE-4"],
            &[("F", "fungsional", "pemkot-semarang")],
        )
        .await?;
    }
    app.report(
        "2024-10-20T03:00:00Z",
        "32.05.01",
        "online",
        Some("grup WA"),
        &["D-6"],
        &[("G", "fungsional", "pemkab-garut"), ("H", "pelaksana", "pemkab-garut")],
    )
    .await?;
    app.refer(&semarang, &c1, "2024-10-01T04:00:00Z").await?;
    let recommend = TrackCommand::IssueRecommendation {
        category: "disiplin".into(),
        sanction_level: "sedang".into(),
        sanction_option: None,
        violation_codes: vec!["D-2".into()],
        letter_number: None,
    };
    app.track(&bkn, &c1, t("2024-10-06T03:00:00Z"), recommend).await?;
    app.track(&bkn, &c1, t("2024-10-06T03:00:00Z"), TrackCommand::DeliverToPpk { letter_number: None }).await?;
    app.clock.set(t("2024-11-20T03:00:00Z"));
    Ok(app)
}

/// A row of a dashboard or chart table: its header cell followed by the two unit columns.
fn row(label: &str, cases: &str, asn: &str) -> String {
    format!(r#"{label}</th><td class="num">{cases}</td><td class="num">{asn}</td>"#)
}

async fn the_dashboard_shows_the_officials_scope(db: &Db) -> anyhow::Result<()> {
    let app = setup(db).await?;
    let officer = app.session("kota-semarang", Role::BawasluKabKota, region("33.74")).await?;
    let ri = app.session("bawaslu-ri", Role::BawasluRi, Scope::national()).await?;
    let admin = app.session("admin", Role::Administrator, Scope::national()).await?;

    // The regency officer: the most recent election by default, only Kota Semarang's numbers.
    let html = app.page("/statistik", Some(&officer)).await?;
    ensure!(html.contains(r#"<option value="pilkada-2024" selected>"#), "most recent election is the default");
    ensure!(
        html.contains(r#"id="total-cases">6<"#) && html.contains(r#"id="total-asn">6<"#),
        "officer totals:\n{html}"
    );
    ensure!(html.contains(&row("Dilaporkan", "6", "6")), "funnel in both units");
    ensure!(html.contains(&row("Diteruskan ke otoritas netralitas", "1", "1")), "funnel: referred");
    ensure!(html.contains(&row("TikTok", "5", "5")) && html.contains(&row("WhatsApp", "0", "0")), "platforms in scope");
    ensure!(html.contains(&row("Facebook", "1", "1")), "platform rows");
    ensure!(!html.contains("Pemerintah Kabupaten Garut"), "Garut is outside the officer's scope");
    // PPK compliance: the formula agency's single recommendation, past due, 0 % followed up.
    ensure!(html.contains("=HYPERLINK(&quot;http:") && !html.contains(EVIL_AGENCY), "agency name escaped");
    ensure!(html.contains("0,0 %"), "Indonesian percentage");
    ensure!(html.contains(&row("Lewat batas waktu: tindak lanjut PPK", "–", "1")), "overdue in the funnel");
    // The map: an inline SVG, by kabupaten/kota for a regency officer, each region a filter link.
    ensure!(html.contains(r#"role="img""#) && html.contains(r#"data-code="33.74""#), "map drawn");
    ensure!(html.contains(r#"href="?election=pilkada-2024&amp;region=33.74""#), "region link on the map");
    ensure!(html.contains("ekspor.csv?table=ppk&amp;election=pilkada-2024"), "export links");
    ensure!(html.contains(r##"hx-select="#dash-body""##) && html.contains(r#"href="/statistik" aria-current="page""#));
    ensure!(!html.contains(REPORTER), "no reporter identity");

    // Bawaslu RI sees both offices; a region filter narrows every figure, the funnel included.
    let html = app.page("/statistik?election=pilkada-2024", Some(&ri)).await?;
    ensure!(html.contains(r#"id="total-cases">7<"#) && html.contains(r#"id="total-asn">8<"#), "national totals");
    ensure!(html.contains(&row("WhatsApp", "1", "2")) && html.contains(&row("Dilaporkan", "7", "8")));
    ensure!(html.contains(r#"data-code="33""#) && html.contains(r#"href="?election=pilkada-2024&amp;region=33""#));
    let html = app.page("/statistik?election=pilkada-2024&region=32.05", Some(&ri)).await?;
    ensure!(html.contains(r#"id="total-cases">1<"#) && html.contains(r#"id="total-asn">2<"#), "Garut only:\n{html}");
    ensure!(html.contains(&row("Dilaporkan", "1", "2")) && html.contains(&row("TikTok", "0", "0")), "narrowed");
    // Dates narrow the breakdowns: 20–22 October holds Garut and three TikTok cases.
    let html = app.page("/statistik?election=pilkada-2024&from=2024-10-20&to=2024-10-22", Some(&ri)).await?;
    ensure!(html.contains(r#"id="total-cases">4<"#) && html.contains(&row("TikTok", "3", "3")), "date window");
    // Kabupaten/kota level: the regions without a shape are listed under the map, never dropped.
    let html = app.page("/statistik?election=pilkada-2024&level=kabkota", Some(&ri)).await?;
    ensure!(html.contains(r#"id="tanpa-bentuk""#) && html.contains("Kota Sibolga"), "regions without shape");
    // Invalid filters are reported and ignored, not a failure.
    let html = app.page("/statistik?election=nope&region=99.99&from=kemarin", Some(&ri)).await?;
    ensure!(html.contains("nope") && html.contains("99.99") && html.contains(r#"id="total-cases">7<"#));
    // An older election is one click away and has no cases.
    let html = app.page("/statistik?election=pemilu-2019", Some(&ri)).await?;
    ensure!(html.contains(r#"id="total-cases">0<"#));

    // The administrator never reads case statistics; nobody signed in is sent to sign in.
    for path in ["/statistik", "/statistik/ekspor.csv?table=funnel&election=pilkada-2024"] {
        let (status, ..) = app.get(path, Some(&admin)).await?;
        ensure!(status == 403, "{path} as administrator: {status}");
        let (status, ..) = app.get(path, None).await?;
        ensure!(status == 303, "{path} signed out: {status}");
    }
    Ok(())
}

netra_testkit::on_all_backends!(dashboard_scope, the_dashboard_shows_the_officials_scope);

async fn exports_are_safe_csv(db: &Db) -> anyhow::Result<()> {
    let app = setup(db).await?;
    let officer = app.session("kota-semarang", Role::BawasluKabKota, region("33.74")).await?;
    let (status, _, ctype, body) =
        app.get("/statistik/ekspor.csv?table=ppk&election=pilkada-2024", Some(&officer)).await?;
    ensure!(status == 200 && ctype.starts_with("text/csv"), "{status} {ctype}");
    ensure!(body.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 byte-order mark for Excel");
    let text = String::from_utf8(body[3..].to_vec())?;
    ensure!(text.starts_with("Instansi,Jenis,Direkomendasikan"), "{text}");
    // The formula is neutralised with a leading apostrophe (and quoted for its commas and quotes).
    ensure!(text.contains(r#""'=HYPERLINK(""http://evil.example"",""klik"")""#), "{text}");
    for line in text.lines() {
        for field in line.split(',') {
            let f = field.trim_start_matches('"');
            ensure!(!f.starts_with(['=', '+', '-', '@']), "a field could run as a formula: {line}");
        }
    }
    // Recommended on 6 October, no decree by 20 November: past the PPK deadline.
    ensure!(text.contains(",1,0,0,1,0,0,0.000,,Tidak\r\n"), "plain numbers: {text}");
    // Every table exports; none carries reporter identity.
    for table in [
        "funnel",
        "position_class",
        "violation_form",
        "category",
        "medium",
        "platform",
        "agency_kind",
        "province",
        "month",
        "attendance",
        "handling-bawaslu",
        "handling-authority",
        "handling-ppk",
        "regions",
    ] {
        let (status, _, _, body) =
            app.get(&format!("/statistik/ekspor.csv?table={table}&election=pilkada-2024"), Some(&officer)).await?;
        let text = String::from_utf8(body)?;
        ensure!(status == 200 && text.starts_with('\u{feff}'), "{table}: {status}");
        ensure!(!text.contains(REPORTER) && !text.contains("Pemerintah Kabupaten Garut"), "{table}: {text}");
    }
    let (_, _, _, body) = app.get("/statistik/ekspor.csv?table=platform&election=pilkada-2024", Some(&officer)).await?;
    ensure!(String::from_utf8(body)?.contains("TikTok,5,5\r\n"), "filters of the dashboard apply");
    // Unknown tables and filters are refused.
    for path in
        ["/statistik/ekspor.csv?table=reporters&election=pilkada-2024", "/statistik/ekspor.csv?table=ppk&region=xx"]
    {
        let (status, ..) = app.get(path, Some(&officer)).await?;
        ensure!(status == 400, "{path}: {status}");
    }
    Ok(())
}

netra_testkit::on_all_backends!(dashboard_export, exports_are_safe_csv);

async fn the_transparency_page_is_public_and_suppressed(db: &Db) -> anyhow::Result<()> {
    let app = setup(db).await?;
    let (status, cookies, ctype, body) = app.get("/transparansi", None).await?;
    let html = String::from_utf8(body)?;
    ensure!(status == 200 && ctype.starts_with("text/html"), "{status}\n{html}");
    ensure!(cookies.is_empty(), "the public page sets no cookie: {cookies:?}");
    ensure!(html.contains("Pemilihan Serentak 2024"), "the most recent election");
    ensure!(html.contains("Angka 1–4 disembunyikan"), "suppression explained in plain language");
    // National totals are published; Garut's single case is withheld, and so is Jawa Tengah
    // (otherwise 7 − 6 would give Garut away).
    ensure!(html.contains(&row("Dilaporkan", "7", "8")), "stages");
    let prov = |code: &str| {
        let start = html.find(&format!(r#"<tr id="prov-{code}">"#)).unwrap_or(0);
        html[start..].split("</tr>").next().unwrap_or("").to_owned()
    };
    ensure!(prov("32").contains("withheld") && prov("32").contains("disembunyikan"), "{}", prov("32"));
    ensure!(prov("33").contains("withheld") && !prov("33").contains(">6<"), "{}", prov("33"));
    ensure!(prov("11").contains(r#"<td class="num">0</td>"#), "{}", prov("11"));
    ensure!(html.contains(r##"href="#prov-33""##) && html.contains(r#"role="img""#), "the map by province");
    // Nothing about a case: no names, agencies, summaries, numbers or sign-in parts.
    for secret in
        [REPORTER, "HYPERLINK", "Pemerintah Kota Semarang", "ASN mengunggah", "/kasus/", "_csrf", "action=\"/keluar\""]
    {
        ensure!(
            !html.contains(secret),
            "public page shows {secret}: {}",
            html.find(secret).map(|i| &html[i.saturating_sub(200)..(i + 100).min(html.len())]).unwrap_or("")
        );
    }
    // Public statistics take no filters: the same page whatever the query says.
    let filtered = app.page("/transparansi?region=32&election=pemilu-2019", None).await?;
    ensure!(filtered == html, "the public page ignores parameters");
    Ok(())
}

netra_testkit::on_all_backends!(transparency_public, the_transparency_page_is_public_and_suppressed);
