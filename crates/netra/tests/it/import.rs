//! `netra import`: recap sheets through the real binary.

#[path = "../fixtures/import/generate.rs"]
mod generate;

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The committed fixtures and template are what the generator writes (CSV byte for byte; XLSX cell
/// for cell). With `NETRA_REGENERATE_FIXTURES=1` the files are written instead.
#[test]
fn fixtures_match_their_generator() {
    let regenerate = std::env::var("NETRA_REGENERATE_FIXTURES").is_ok_and(|v| v == "1");
    for (path, bytes) in generate::all_files() {
        let file = root().join(&path);
        if regenerate {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &bytes).unwrap();
            continue;
        }
        let committed = std::fs::read(&file).unwrap_or_else(|e| panic!("{path}: {e} (regenerate the fixtures)"));
        if path.ends_with(".csv") {
            assert!(committed == bytes, "{path} differs from its generator (regenerate the fixtures)");
        } else {
            let a = netra_core::import::read_xlsx(&committed, None).unwrap();
            let b = netra_core::import::read_xlsx(&bytes, None).unwrap();
            assert_eq!(a, b, "{path} differs from its generator (regenerate the fixtures)");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command

use std::sync::Arc;

use netra_core::stats::StatsParams;
use netra_core::{Netra, Sealer, SystemClock};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::Actor;
use netra_store::Db;
use netra_store::stats::Dimension;
use serde_json::{Value, json};
use sqlx::Row;

use crate::support::Instance;

fn fixture(name: &str) -> String {
    root().join("crates/netra/tests/fixtures/import").join(name).display().to_string()
}

async fn open(n: &Instance) -> Netra {
    let db = Db::connect(&n.database_url()).await.expect("database");
    Netra::new(db, Sealer::new([1; 32]), NumberTemplate::default_template(), Arc::new(SystemClock))
}

/// The funnel and every breakdown of Pilkada 2020, as the dashboards see them.
async fn figures(n: &Instance) -> Value {
    let netra = open(n).await;
    let actor = Actor::system("test");
    let p = StatsParams { election: "pilkada-2020".into(), ..StatsParams::default() };
    let mut out = json!({"funnel": netra.funnel(&actor, "pilkada-2020").await.expect("funnel")});
    for d in Dimension::ALL {
        let b = netra.breakdown(&actor, &p, d).await.expect("breakdown");
        out[d.as_str()] = json!({"total": b.total, "rows": b.rows});
    }
    netra.db.close().await;
    out
}

async fn count(n: &Instance, table: &str) -> i64 {
    let mut c = n.connect().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}")))
        .fetch_one(&mut c)
        .await
        .expect("count")
        .try_get("n")
        .expect("n")
}

const TABLES: [&str; 8] = [
    "cases",
    "subject_tracks",
    "civil_servants",
    "recommendations",
    "sanctions",
    "imported_cases",
    "import_runs",
    "audit_events",
];

async fn counts(n: &Instance) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push(count(n, t).await);
    }
    out
}

/// KASN's 30 Sep 2020 snapshot through `netra import`, then the same file again: nothing changes.
async fn kasn_then_again(n: &Instance) {
    let file = fixture("kasn-2020-09-30.csv");
    let out = n.run(&["import", &file, "--json", "--lang", "en"]).success();
    let r = out.json();
    assert_eq!(r["status"], "completed", "{out}");
    assert_eq!((r["cases_imported"].as_u64(), r["subjects_imported"].as_u64()), (Some(528), Some(694)), "{out}");
    assert_eq!(r["new_elections"], json!(["pilkada-2020"]), "{out}");
    let f = figures(n).await;
    assert_eq!(f["funnel"]["asn"]["reported"], 694);
    assert_eq!(f["funnel"]["asn"]["recommended"], 492);
    assert_eq!(f["funnel"]["asn"]["sanctioned"], 256);
    let before = counts(n).await;

    let again = n.run(&["import", &file, "--lang", "en"]).success();
    let again = again.stdout_has(&["Nothing changed: all 528 cases of this file were already imported"]);
    drop(again);
    assert_eq!(counts(n).await, before, "{TABLES:?}");
    assert_eq!(figures(n).await, f);
    n.run(&["audit", "verify"]).success();
}

on_both_engines!(kasn_twice, super::kasn_then_again);

/// The CSV and the XLSX of the same sheet give the same cases and the same figures, and importing
/// the other format afterwards is recognised as the same data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_and_xlsx_give_identical_results() {
    let (a, b) = (Instance::sqlite(), Instance::sqlite());
    a.run(&["import", &fixture("positions-2020.csv"), "--json"]).success();
    b.run(&["import", &fixture("positions-2020.xlsx"), "--json"]).success();
    let fa = figures(&a).await;
    assert_eq!(fa["position_class"]["total"]["asn"], 1000);
    assert_eq!(fa, figures(&b).await);
    assert_eq!(counts(&a).await, counts(&b).await);
    let dump = |n: &Instance| {
        let url = n.database_url();
        async move {
            let mut c = connect(&url).await;
            let rows = sqlx::query("SELECT i.external_ref, i.content_hash, c.state, c.number, c.handling_region, c.received_at, a.nip, a.name, t.state AS track_state FROM imported_cases i JOIN cases c ON c.id = i.case_id JOIN subject_tracks t ON t.case_id = c.id JOIN civil_servants a ON a.id = t.civil_servant_id ORDER BY i.external_ref, a.name")
                .fetch_all(&mut c)
                .await
                .expect("dump");
            rows.iter()
                .map(|r| {
                    let s = |k: &str| r.try_get::<Option<String>, _>(k).expect(k).unwrap_or_default();
                    let received: i64 = r.try_get("received_at").expect("received_at");
                    [
                        s("external_ref"),
                        s("content_hash"),
                        s("state"),
                        s("number"),
                        s("handling_region"),
                        received.to_string(),
                        s("nip"),
                        s("name"),
                        s("track_state"),
                    ]
                    .join("|")
                })
                .collect::<Vec<_>>()
        }
    };
    let (da, db) = (dump(&a).await, dump(&b).await);
    assert_eq!(da.len(), 1000);
    assert_eq!(da, db);
    let cross = a.run(&["import", &fixture("positions-2020.xlsx"), "--json"]).success();
    assert_eq!(cross.json()["status"], "nothing_to_do", "{cross}");
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("connect")
}

/// An invalid file: every bad row on its own line (row, column, value, message), in Indonesian by
/// default and in English with `--lang en` or an English locale; exit 1 and nothing stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_file_is_reported_row_by_row_and_nothing_is_stored() {
    let n = Instance::sqlite();
    let file = fixture("invalid.csv");
    let id = n.run(&["import", &file, "--lang", "id"]).failure();
    assert_eq!(id.code(), Some(1), "{id}");
    let id = id.stdout_has(&[
        "Berkas tidak valid: 13 kesalahan pada 11 baris. Tidak ada yang disimpan.",
        "baris 3, kolom nip, nilai \"19780512200501100\": NIP harus 18 digit, ditemukan 17 karakter",
        "baris 4, kolom wilayah_penanganan, nilai \"33.99\": wilayah `33.99` tidak ada dalam daftar wilayah Kemendagri",
        "baris 7, kolom opsi_sanksi, nilai \"pp42.moral.terbuka\": sanksi atau tindak lanjut PPK tanpa rekomendasi KASN/BKN",
        "baris 10, kolom tanggal_diterima, nilai \"2020-10-06\": berbeda dengan baris 2",
        "baris 12, kolom opsi_sanksi",
        "baris 13, kolom tanggal_putusan",
    ]);
    for row in 3..=13 {
        assert!(id.stdout.contains(&format!("baris {row}, kolom ")), "row {row} is reported:\n{id}");
    }
    assert!(
        !id.stdout.contains("baris 2, kolom") && !id.stdout.contains("baris 14, kolom"),
        "valid rows are not:\n{id}"
    );
    let en = n.run(&["import", &file, "--lang", "en"]).failure();
    let en = en.stdout_has(&[
        "Invalid file: 13 errors on 11 rows. Nothing was stored.",
        "row 3, column nip, value \"19780512200501100\": NIP must be 18 digits",
    ]);
    drop(en);
    let mut c = n.command(&["import", &file]);
    c.env("LANG", "en_US.UTF-8").env_remove("LC_ALL").env_remove("LC_MESSAGES");
    let by_locale = crate::support::run_with_timeout(c, crate::support::COMMAND_TIMEOUT).failure();
    let by_locale = by_locale.stdout_has(&["row 8, column hasil_penanganan, value \"ditunda\": unknown value"]);
    drop(by_locale);
    let json = n.run(&["import", &file, "--json"]).failure().json();
    assert_eq!(json["status"], "invalid");
    assert_eq!(json["errors"].as_array().map(Vec::len), Some(13));
    for t in ["cases", "intakes", "elections", "agencies", "import_runs", "audit_events"] {
        assert_eq!(count(&n, t).await, 0, "{t}");
    }
}

/// A failure while writing the second batch: the first batch and its checkpoint stay; a plain
/// re-run is refused; `--resume` finishes without duplicates.
async fn interrupted_then_resumed(n: &Instance) {
    let file = fixture("kasn-2020-09-30.csv");
    let mut c = n.command(&["import", &file, "--batch", "100", "--lang", "en"]);
    c.env("NETRA_IMPORT_FAIL_AT_CASE", "150");
    let crashed = crate::support::run_with_timeout(c, crate::support::COMMAND_TIMEOUT).failure();
    assert_eq!(crashed.code(), Some(2), "{crashed}");
    let crashed = crashed.stderr_has(&["simulated failure", "100 of 528 cases stored", "--resume"]);
    drop(crashed);
    assert_eq!(count(n, "cases").await, 100);

    let refused = n.run(&["import", &file, "--lang", "en"]).failure();
    assert_eq!(refused.code(), Some(1), "{refused}");
    let refused = refused.stderr_has(&["was interrupted", "--resume"]);
    drop(refused);
    assert_eq!(count(n, "cases").await, 100);

    let resumed = n.run(&["import", &file, "--resume", "--lang", "en"]).success();
    let resumed = resumed.stdout_has(&["Done: 428 cases and", "resumed from checkpoint 100"]);
    drop(resumed);
    assert_eq!(count(n, "cases").await, 528);
    assert_eq!(count(n, "imported_cases").await, 528);
    assert_eq!(count(n, "import_runs").await, 1);
    let f = figures(n).await;
    assert_eq!(
        (f["funnel"]["asn"]["reported"].as_i64(), f["funnel"]["asn"]["sanctioned"].as_i64()),
        (Some(694), Some(256))
    );
    n.run(&["audit", "verify"]).success();
}

on_both_engines!(resume, super::interrupted_then_resumed);

/// The downloadable template is a valid sheet: a dry run plans it and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_passes_a_dry_run() {
    let n = Instance::sqlite();
    for file in ["data/import/template.csv", "data/import/template.xlsx"] {
        let path = root().join(file).display().to_string();
        let out = n.run(&["import", &path, "--dry-run", "--lang", "id"]).success();
        let out = out.stdout_has(&[
            "Uji coba (tidak ada yang disimpan): 2 kasus baru akan diimpor",
            "pilkada-2020",
            "pemkab-3324",
        ]);
        drop(out);
    }
    assert_eq!(count(&n, "cases").await, 0);
    assert_eq!(count(&n, "elections").await, 0);
    n.run(&["import", "nowhere.csv"]).failure();
    n.run(&["import", &fixture("invalid.csv"), "--lang", "fr"]).failure().stderr_has(&["--lang"]);
}
