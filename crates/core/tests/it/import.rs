//! Import of recap sheets (`netra_core::import`): the published 2020 figures reproduced through the
//! real statistics use cases, idempotency, the row-by-row report of an invalid file, resuming after
//! an interruption, and imported cases read back like native ones. Every test runs on SQLite and
//! PostgreSQL (`netra_testkit::on_all_backends!`). Fixtures: `crates/netra/tests/fixtures/import/`
//! (written by `generate.rs` there).

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use netra_core::import::{ImportOptions, ImportProgress, ImportReport, ImportSource, ImportStatus};
use netra_core::stats::StatsParams;
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::ids::RegionCode;
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::audit::{self, Verification};
use netra_store::stats::Dimension;
use netra_store::{Db, reference};
use sqlx::Row;

type Result = anyhow::Result<()>;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../netra/tests/fixtures/import");

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
}

fn source(name: &str) -> ImportSource {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"));
    ImportSource::from_bytes(name, &bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn template() -> ImportSource {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/import/template.csv");
    ImportSource::from_bytes("template.csv", &std::fs::read(path).expect("template"), None).expect("template")
}

async fn netra(db: &Db) -> anyhow::Result<Netra> {
    reference::ensure_loaded(db, Utc::now()).await?;
    let clock = Arc::new(ManualClock::new(t("2025-06-02T03:00:00Z")));
    Ok(Netra::new(db.clone(), Sealer::new([7; 32]), NumberTemplate::default_template(), clock))
}

fn importer() -> Actor {
    Actor::system("import")
}

fn national() -> Actor {
    Actor { user_id: "analis".into(), username: "analis".into(), role: Role::BawasluRi, scope: Scope::national() }
}

async fn import(n: &Netra, s: &ImportSource, opts: &ImportOptions) -> anyhow::Result<ImportReport> {
    Ok(n.import_sheet(&importer(), s, opts, &mut |_: &ImportProgress| ControlFlow::Continue(())).await?)
}

/// Rows per table that an import writes to (and the audit chain).
async fn counts(db: &Db) -> anyhow::Result<BTreeMap<&'static str, i64>> {
    let mut out = BTreeMap::new();
    for table in [
        "intakes",
        "cases",
        "alleged_acts",
        "civil_servants",
        "subject_tracks",
        "plenary_decisions",
        "referrals",
        "recommendations",
        "sanctions",
        "track_events",
        "agencies",
        "elections",
        "import_runs",
        "imported_cases",
        "case_search_ids",
        "audit_events",
    ] {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}")))
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?;
        out.insert(table, n);
    }
    Ok(out)
}

fn params(region: Option<&str>) -> StatsParams {
    StatsParams { election: "pilkada-2020".into(), region: region.map(str::to_owned), ..StatsParams::default() }
}

// ---------------------------------------------------------------------------------------------
// The published figures

/// KASN, 30 Sep 2020: 694 ASN reported, 492 recommended, 256 sanctioned (ASN unit of the funnel).
async fn kasn_snapshot_2020(db: &Db) -> Result {
    let n = netra(db).await?;
    let r = import(&n, &source("kasn-2020-09-30.csv"), &ImportOptions::default()).await?;
    assert_eq!(r.status, ImportStatus::Completed, "{:#?}", r.errors);
    assert_eq!((r.rows, r.subjects_imported), (694, 694));
    assert_eq!(r.new_elections, ["pilkada-2020"]);
    let f = n.funnel(&national(), "pilkada-2020").await?;
    assert_eq!(f.asn.reported, 694);
    assert_eq!(f.asn.referred, 694, "every ASN of the snapshot reached KASN");
    assert_eq!(f.asn.recommended, 492);
    assert_eq!(f.asn.sanctioned, 256);
    assert_eq!(f.cases.reported, r.cases_in_file as i64);
    // The category chosen by KASN is counted for exactly the recommended ASN.
    let b = n.breakdown(&national(), &params(None), Dimension::Category).await?;
    let asn = |k: &str| b.rows.iter().find(|x| x.key == k).map_or(0, |x| x.asn);
    assert_eq!(asn("kode_etik") + asn("disiplin"), 492);
    assert_eq!(asn("none"), 694 - 492);
    assert!(matches!(audit::verify(db).await?, Verification::Intact { .. }));
    Ok(())
}
netra_testkit::on_all_backends!(kasn_snapshot, kasn_snapshot_2020);

/// Bawaslu Jawa Tengah 2020: 57 cases, 47 forwarded to KASN, 10 stopped (case unit, region 33).
async fn jateng_2020(db: &Db) -> Result {
    let n = netra(db).await?;
    let r = import(&n, &source("bawaslu-jateng-2020.csv"), &ImportOptions::default()).await?;
    assert_eq!(r.status, ImportStatus::Completed, "{:#?}", r.errors);
    let jateng = Actor {
        user_id: "bawaslu.jateng".into(),
        username: "bawaslu.jateng".into(),
        role: Role::BawasluProvinsi,
        scope: Scope { region: Some(RegionCode::parse("33")?), agency_id: None },
    };
    let f = n.funnel(&jateng, "pilkada-2020").await?;
    assert_eq!((f.cases.reported, f.cases.referred, f.cases.stopped), (57, 47, 10));
    assert_eq!(f.cases.registered, 57);
    assert_eq!(f.cases.in_progress, 0);
    // The same through the dashboard filter of a national user.
    let b = n.breakdown(&national(), &params(Some("33")), Dimension::Province).await?;
    assert_eq!(b.total.cases, 57);
    assert_eq!(b.rows.iter().find(|x| x.key == "33").map(|x| x.cases), Some(57));
    Ok(())
}
netra_testkit::on_all_backends!(jateng, jateng_2020);

/// One 2020 snapshot of 1,000 ASN: JPT 37.9 %, Fungsional 22.7 %, Administrator 13 %, Pelaksana
/// 10.4 %, Camat/Lurah 6.9 %, the rest other — read from the XLSX twin of the fixture.
async fn position_shares_2020(db: &Db) -> Result {
    let n = netra(db).await?;
    let r = import(&n, &source("positions-2020.xlsx"), &ImportOptions::default()).await?;
    assert_eq!(r.status, ImportStatus::Completed, "{:#?}", r.errors);
    let b = n.breakdown(&national(), &params(None), Dimension::PositionClass).await?;
    assert_eq!(b.total.asn, 1000);
    let asn = |keys: &[&str]| b.rows.iter().filter(|x| keys.contains(&x.key.as_str())).map(|x| x.asn).sum::<i64>();
    let share = |keys: &[&str]| (asn(keys) as f64 * 1000.0 / b.total.asn as f64).round() / 10.0;
    assert_eq!(share(&["jpt_utama", "jpt_madya", "jpt_pratama"]), 37.9);
    assert_eq!(share(&["fungsional"]), 22.7);
    assert_eq!(share(&["administrator"]), 13.0);
    assert_eq!(share(&["pelaksana"]), 10.4);
    assert_eq!(share(&["territorial_head"]), 6.9);
    assert_eq!(share(&["pengawas", "unknown"]), 9.1);
    assert_eq!(b.rows.iter().map(|x| x.asn).sum::<i64>(), 1000, "one row per ASN");
    Ok(())
}
netra_testkit::on_all_backends!(position_shares, position_shares_2020);

// ---------------------------------------------------------------------------------------------
// Idempotency, invalid files, resuming

/// The same file twice, then the same data as XLSX: the second and third runs change nothing.
async fn importing_twice_changes_nothing(db: &Db) -> Result {
    let n = netra(db).await?;
    let first = import(&n, &source("bawaslu-jateng-2020.csv"), &ImportOptions::default()).await?;
    assert_eq!(first.status, ImportStatus::Completed);
    let before = counts(db).await?;
    assert_eq!(before["cases"], 57);
    assert_eq!(before["imported_cases"], 57);
    for name in ["bawaslu-jateng-2020.csv", "bawaslu-jateng-2020.xlsx"] {
        let again = import(&n, &source(name), &ImportOptions::default()).await?;
        assert_eq!(again.status, ImportStatus::NothingToDo, "{name}: {:#?}", again.errors);
        assert_eq!(again.cases_already_imported, 57, "{name}");
        assert_eq!((again.cases_imported, again.run_id.clone()), (0, None), "{name}");
        assert_eq!(counts(db).await?, before, "{name}: no row was added anywhere, not even an audit event");
    }
    // One external reference per case, no duplicates.
    let dup: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT external_ref FROM imported_cases GROUP BY election_id, external_ref HAVING COUNT(*) > 1) d")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    assert_eq!(dup, 0);
    Ok(())
}
netra_testkit::on_all_backends!(idempotent, importing_twice_changes_nothing);

/// Every bad row is reported with its row, column and value; nothing at all is stored.
async fn invalid_file_reports_every_row(db: &Db) -> Result {
    let n = netra(db).await?;
    let before = counts(db).await?;
    let r = import(&n, &source("invalid.csv"), &ImportOptions::default()).await?;
    assert_eq!(r.status, ImportStatus::Invalid);
    let got: Vec<(u64, Option<&str>, &str)> =
        r.errors.iter().map(|e| (e.row, e.column.as_deref(), e.code.as_str())).collect();
    let expected: Vec<(u64, Option<&str>, &str)> = vec![
        (3, Some("nip"), "invalid_nip"),
        (4, Some("wilayah_penanganan"), "unknown_region"),
        (5, Some("bentuk_pelanggaran"), "unknown_violation"),
        (6, Some("tanggal_diterima"), "invalid_date"),
        (7, Some("opsi_sanksi"), "sanction_without_recommendation"),
        (8, Some("hasil_penanganan"), "not_in_list"),
        (9, Some("tanggal_rekomendasi"), "not_forwarded"),
        (9, Some("kategori_rekomendasi"), "not_forwarded"),
        (9, Some("tingkat_rekomendasi"), "not_forwarded"),
        (10, Some("tanggal_diterima"), "differs_within_case"),
        (11, Some("pemilihan"), "unknown_election"),
        (12, Some("opsi_sanksi"), "not_in_force"),
        (13, Some("tanggal_putusan"), "before_received"),
    ];
    assert_eq!(got, expected);
    assert!(r.errors.iter().all(|e| e.value.is_some() && !e.message.id.is_empty() && !e.message.en.is_empty()));
    assert_eq!(r.errors[0].value.as_deref(), Some("19780512200501100"));
    assert_eq!(counts(db).await?, before, "nothing stored");
    // With --skip-invalid only the valid case goes in (INV-01 has a bad second row).
    let r =
        import(&n, &source("invalid.csv"), &ImportOptions { skip_invalid: true, ..ImportOptions::default() }).await?;
    assert_eq!(r.status, ImportStatus::Completed);
    assert_eq!((r.cases_imported, r.cases_skipped_invalid), (1, 11));
    Ok(())
}
netra_testkit::on_all_backends!(invalid_file, invalid_file_reports_every_row);

/// A crash while writing the third batch, then `resume`: the first two batches stay (with their
/// checkpoint), the third rolls back, and the resumed run finishes without duplicates.
async fn resume_after_a_crash(db: &Db) -> Result {
    let n = netra(db).await?;
    let s = source("kasn-2020-09-30.csv");
    let total = 528;
    let crash = ImportOptions { batch_size: 100, fail_at_case: Some(250), ..ImportOptions::default() };
    let err = import(&n, &s, &crash).await.expect_err("the injected failure");
    assert!(err.to_string().contains("simulated failure"), "{err}");
    let after_crash = counts(db).await?;
    assert_eq!(after_crash["cases"], 200, "two committed batches of 100");
    assert_eq!(after_crash["imported_cases"], 200);
    let run = netra_store::import::running_for_file(db, &s.sha256).await?.expect("an unfinished run");
    assert_eq!((run.cases_done, run.cases_total), (200, total));

    // Not resuming is refused; a dry run still works and writes nothing.
    let refused = import(&n, &s, &ImportOptions::default()).await.expect_err("must ask for --resume");
    assert!(refused.to_string().contains("--resume"), "{refused}");
    let dry = import(&n, &s, &ImportOptions { dry_run: true, ..ImportOptions::default() }).await?;
    assert_eq!((dry.status, dry.cases_already_imported, dry.cases_to_import), (ImportStatus::DryRun, 200, 328));
    assert_eq!(counts(db).await?, after_crash);

    // A graceful stop after the next checkpoint, then the end.
    let mut checkpoints = 0;
    let r = n
        .import_sheet(
            &importer(),
            &s,
            &ImportOptions { resume: true, batch_size: 100, ..ImportOptions::default() },
            &mut |p: &ImportProgress| {
                if matches!(p, ImportProgress::Checkpoint { .. }) {
                    checkpoints += 1;
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            },
        )
        .await?;
    assert_eq!(checkpoints, 1);
    assert_eq!((r.status, r.resumed_from, r.cases_imported), (ImportStatus::Interrupted, Some(200), 100));
    let r = import(&n, &s, &ImportOptions { resume: true, ..ImportOptions::default() }).await?;
    assert_eq!((r.status, r.resumed_from, r.cases_imported), (ImportStatus::Completed, Some(300), 228));
    assert_eq!(r.run_id.as_deref(), Some(run.id.as_str()), "the same run, continued");
    let done = netra_store::import::run(db, &run.id).await?;
    assert_eq!((done.state.as_str(), done.cases_done), ("completed", total));

    let c = counts(db).await?;
    assert_eq!((c["cases"], c["imported_cases"], c["subject_tracks"], c["import_runs"]), (total, total, 694, 1));
    let f = n.funnel(&national(), "pilkada-2020").await?;
    assert_eq!((f.asn.reported, f.asn.recommended, f.asn.sanctioned), (694, 492, 256));
    // Nothing left to resume, and a plain re-run is a no-op.
    assert!(import(&n, &s, &ImportOptions { resume: true, ..ImportOptions::default() }).await.is_err());
    assert_eq!(import(&n, &s, &ImportOptions::default()).await?.status, ImportStatus::NothingToDo);
    assert!(matches!(audit::verify(db).await?, Verification::Intact { .. }));
    Ok(())
}
netra_testkit::on_all_backends!(resume, resume_after_a_crash);

// ---------------------------------------------------------------------------------------------
// Imported cases are ordinary cases

/// The template's example cases: read back through the case view, with channel `import`, the
/// historical dates, the plenary's per-subject outcome, KASN's recommendation and the PPK's decree.
async fn imported_cases_read_like_native_ones(db: &Db) -> Result {
    let n = netra(db).await?;
    let dry = import(&n, &template(), &ImportOptions { dry_run: true, ..ImportOptions::default() }).await?;
    assert_eq!(dry.status, ImportStatus::DryRun, "{:#?}", dry.errors);
    assert_eq!(
        (dry.new_elections.clone(), dry.new_agencies.clone()),
        (vec!["pilkada-2020".to_owned()], vec!["pemkab-3324".to_owned(), "pemkot-3374".to_owned()])
    );
    assert_eq!(counts(db).await?["cases"], 0);
    let r = import(&n, &template(), &ImportOptions::default()).await?;
    assert_eq!((r.status, r.cases_imported, r.subjects_imported), (ImportStatus::Completed, 2, 3));

    let id: String = sqlx::query("SELECT case_id FROM imported_cases WHERE external_ref = $1")
        .bind("007/Reg/LP/PB/Kab/14.24/IX/2020")
        .fetch_one(&db.pool)
        .await?
        .try_get("case_id")?;
    let v = n.case_view(&national(), &id).await?;
    assert_eq!(v.intake.channel, "import");
    assert_eq!(v.case.state.as_str(), "referred");
    assert_eq!(v.case.number.as_deref(), Some("007/Reg/LP/PB/Kab/14.24/IX/2020"));
    assert_eq!(v.case.handling_region.as_deref(), Some("33.24"));
    assert_eq!(v.case.received_at, t("2020-09-14T05:00:00Z"), "noon WIB on the received date");
    assert!(v.case.forwarded);
    assert_eq!(v.acts[0].region_code, "33.24.08");
    assert_eq!(v.acts[0].violation_codes, ["KE-2", "KE-5"]);
    let states: Vec<&str> = v.subjects.iter().map(|s| s.track.status.state.as_str()).collect();
    assert_eq!(states, ["sanctioned", "not_forwarded"]);
    let camat = &v.subjects[0];
    assert!(camat.track.civil_servant.territorial_head);
    assert_eq!(camat.track.authority_id.as_deref(), Some("kasn"));
    let actions: Vec<&str> = camat.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["issue_recommendation", "deliver_to_ppk", "record_sanction"]);
    assert_eq!(camat.events[2].details["decree_number"], "800/1234/2020");
    assert!(camat.deadline.is_none());
    assert_eq!(v.timeline.len(), 1);
    assert_eq!(v.timeline[0].action, "case.imported");
    assert_eq!(v.timeline[0].actor, "system:import");

    let f = n.funnel(&national(), "pilkada-2020").await?;
    assert_eq!((f.cases.reported, f.cases.referred, f.cases.recommended, f.cases.sanctioned), (2, 2, 1, 1));
    assert_eq!((f.asn.reported, f.asn.referred, f.asn.stopped, f.asn.in_progress), (3, 2, 1, 1));
    // The ASN awaiting KASN's verification has the verification clock (long passed).
    let h = n.handling_time(&national(), &params(None)).await?;
    assert!(h.phases.iter().any(|p| p.overall.finished > 0));
    Ok(())
}
netra_testkit::on_all_backends!(read_back, imported_cases_read_like_native_ones);
