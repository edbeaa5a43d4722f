//! Dev-only test helpers for Netra.
//!
//! [`TestDb`] hands every test its own fresh, migrated database:
//!
//! - SQLite: `netra.db` in a temporary folder (always available);
//! - PostgreSQL: when `NETRA_TEST_PG_URL` is set (for example
//!   `postgres://postgres@127.0.0.1:5432/postgres`, a superuser or a role with CREATEDB), a new
//!   database `netra_t_<uuid>` cloned with `CREATE DATABASE … TEMPLATE` from a migrated template.
//!
//! The template is named after a hash of the embedded PostgreSQL migrations
//! (`netra_tpl_<hash>`), built once per cluster under an advisory lock and reused by every test
//! process afterwards. This matters because `cargo nextest` runs each test in its own process, so a
//! per-process template would be rebuilt for every test. A changed migration gives a new hash and
//! therefore a new template. Each test database is dropped (`WITH (FORCE)`) when the [`TestDb`] is
//! dropped, unless `NETRA_TEST_KEEP_DB=1` is set (useful to inspect a failing test).
//!
//! Storage-contract tests run on both engines with [`on_all_backends!`]:
//!
//! ```ignore
//! async fn ping_works(db: &netra_store::Db) -> anyhow::Result<()> {
//!     db.ping().await?;
//!     Ok(())
//! }
//! netra_testkit::on_all_backends!(ping, ping_works);
//! // generates the tests `ping::sqlite` and `ping::postgres`
//! ```

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use netra_store::{Db, Dialect};
use sqlx::any::install_default_drivers;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor, Row};

/// Environment variable naming the PostgreSQL server used for tests.
pub const PG_URL_VAR: &str = "NETRA_TEST_PG_URL";

/// The PostgreSQL URL from `NETRA_TEST_PG_URL`, if set and not empty.
pub fn pg_url() -> Option<String> {
    std::env::var(PG_URL_VAR).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// True when running under CI (`CI` set to anything but empty, `0` or `false`).
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
}

/// A fresh, migrated database that cleans up after itself.
#[derive(Debug)]
pub struct TestDb {
    /// The connected handle (pool) to the fresh database.
    pub db: Db,
    /// The URL of the fresh database (to open more connections, or to pass to a spawned server).
    pub url: String,
    /// Keeps the SQLite folder alive; deleted on drop.
    dir: Option<tempfile::TempDir>,
    /// PostgreSQL: (admin URL, database name) to drop on drop.
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// PostgreSQL when `NETRA_TEST_PG_URL` is set, SQLite otherwise.
    pub async fn new() -> TestDb {
        match pg_url() {
            Some(base) => TestDb::postgres_at(&base).await,
            None => TestDb::sqlite().await,
        }
    }

    /// A fresh SQLite database in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("netra-test-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary folder for the test database: {e}"));
        let db = Db::open_sqlite_dir(dir.path())
            .await
            .unwrap_or_else(|e| panic!("cannot open the SQLite test database in {}: {e}", dir.path().display()));
        db.migrate().await.unwrap_or_else(|e| panic!("cannot migrate the SQLite test database: {e}"));
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("netra.db").display());
        TestDb { db, url, dir: Some(dir), pg_drop: None }
    }

    /// A fresh PostgreSQL database, or `None` when `NETRA_TEST_PG_URL` is not set.
    ///
    /// Panics when the variable is unset under CI (`CI=true`), so CI can never silently skip the
    /// PostgreSQL half of the suite.
    pub async fn postgres() -> Option<TestDb> {
        match pg_url() {
            Some(base) => Some(TestDb::postgres_at(&base).await),
            None if is_ci() => panic!(
                "{PG_URL_VAR} is not set but CI is: PostgreSQL tests must run in CI (use scripts/test, which starts a cluster)"
            ),
            None => None,
        }
    }

    /// A fresh PostgreSQL database on the server at `base` (any database URL on that server).
    pub async fn postgres_at(base: &str) -> TestDb {
        install_default_drivers();
        let template = template(base).await;
        let name = format!("netra_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin(base).await;
        exec(&mut admin, &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name} from {template}: {e}"));
        let _ = admin.close().await;
        let url = with_database(base, &name);
        let db = Db::connect(&url).await.unwrap_or_else(|e| panic!("cannot connect to test database {name}: {e}"));
        TestDb { db, url, dir: None, pg_drop: Some((base.to_owned(), name)) }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.db.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// The SQLite folder (None on PostgreSQL).
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().to_owned())
    }

    /// Closes the pool and drops the database now (instead of in `Drop`).
    pub async fn close(mut self) {
        self.db.close().await;
        if let Some((base, name)) = self.pg_drop.take() {
            drop_database(&base, &name).await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, name)) = self.pg_drop.take() else {
            return;
        };
        if keep_db() {
            eprintln!("NETRA_TEST_KEEP_DB: keeping test database {name}");
            return;
        }
        // Drop runs inside the test's runtime, which cannot be blocked on; use a thread with its
        // own runtime, and wait a bounded time so the database is gone before the process exits.
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("netra-testdb-drop".into()).spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(drop_database(&base, &name));
            }
            let _ = done_tx.send(());
        });
        if spawned.is_ok() {
            let _ = done_rx.recv_timeout(Duration::from_secs(15));
        }
    }
}

fn keep_db() -> bool {
    std::env::var("NETRA_TEST_KEEP_DB").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

async fn drop_database(base: &str, name: &str) {
    if keep_db() {
        eprintln!("NETRA_TEST_KEEP_DB: keeping test database {name}");
        return;
    }
    install_default_drivers();
    let Ok(mut admin) = AnyConnection::connect(base).await else {
        return;
    };
    let _ = exec(&mut admin, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    let _ = admin.close().await;
}

/// Template name for the current PostgreSQL migrations on the server at `base`, built at most once
/// per cluster (and looked up at most once per process and server).
async fn template(base: &str) -> String {
    type Cells = Mutex<HashMap<String, Arc<tokio::sync::OnceCell<String>>>>;
    static TEMPLATES: OnceLock<Cells> = OnceLock::new();
    let cell = {
        let mut cells = TEMPLATES.get_or_init(Cells::default).lock().unwrap_or_else(|p| p.into_inner());
        cells.entry(base.to_owned()).or_default().clone()
    };
    cell.get_or_init(|| build_template(base)).await.clone()
}

/// FNV-1a over versions and checksums: stable across Rust versions, unlike `DefaultHasher`.
fn migrations_fingerprint() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for m in netra_store::db::migrations(Dialect::Postgres) {
        feed(&m.version.to_be_bytes());
        feed(&m.checksum);
    }
    h
}

const TEMPLATE_LOCK: i64 = 0x6e65_7472_6174_706c; // "netratpl"

async fn build_template(base: &str) -> String {
    let name = format!("netra_tpl_{:016x}", migrations_fingerprint());
    let building = format!("{name}_build");
    let mut admin = admin(base).await;
    // Serialises template building across test processes; released when `admin` closes.
    exec(&mut admin, &format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
        .await
        .unwrap_or_else(|e| panic!("cannot take the template lock: {e}"));
    let exists = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .and_then(|r| r.try_get::<i64, _>("n"))
        .unwrap_or_else(|e| panic!("cannot list databases: {e}"));
    if exists == 0 {
        // Build under a temporary name and rename at the end, so a crash mid-way never leaves a
        // half-migrated template under the real name.
        let step = |what: &'static str| move |e: sqlx::Error| panic!("building the test template ({what}): {e}");
        exec(&mut admin, &format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"))
            .await
            .unwrap_or_else(step("drop stale"));
        exec(&mut admin, &format!("CREATE DATABASE \"{building}\"")).await.unwrap_or_else(step("create"));
        let db = Db::connect(&with_database(base, &building))
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the template database {building}: {e}"));
        db.migrate().await.unwrap_or_else(|e| panic!("cannot migrate the template database {building}: {e}"));
        db.close().await;
        exec(&mut admin, &format!("ALTER DATABASE \"{building}\" WITH ALLOW_CONNECTIONS false IS_TEMPLATE true"))
            .await
            .unwrap_or_else(step("mark as template"));
        exec(&mut admin, &format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\""))
            .await
            .unwrap_or_else(step("rename"));
    }
    let _ = exec(&mut admin, &format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})")).await;
    let _ = admin.close().await;
    name
}

async fn admin(base: &str) -> AnyConnection {
    install_default_drivers();
    AnyConnection::connect(base)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {PG_URL_VAR} ({}): {e}", netra_store::db::redact(base)))
}

/// Runs one statement with the simple query protocol (CREATE/DROP DATABASE cannot be prepared in
/// every setup). Only ever called with identifiers this module generated.
async fn exec(conn: &mut AnyConnection, sql: &str) -> Result<(), sqlx::Error> {
    conn.execute(sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))).await.map(|_| ())
}

/// `base` with its database name replaced by `name` (query parameters kept).
pub fn with_database(base: &str, name: &str) -> String {
    let (main, query) = match base.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (base, None),
    };
    let authority_start = main.find("://").map_or(0, |i| i + 3);
    let server = match main[authority_start..].find('/') {
        Some(i) => &main[..authority_start + i],
        None => main,
    };
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// What a test body may return: `()` or any `Result<(), E: Debug>` (so bodies can use `?`).
pub trait TestOutcome {
    fn into_result(self) -> Result<(), String>;
}

impl TestOutcome for () {
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Debug> TestOutcome for Result<(), E> {
    fn into_result(self) -> Result<(), String> {
        self.map_err(|e| format!("{e:?}"))
    }
}

/// Runs a test future on a fresh multi-threaded runtime (two workers, like the CI machines).
#[doc(hidden)]
pub fn __run<F: std::future::Future<Output = ()>>(fut: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
        .block_on(fut);
}

#[doc(hidden)]
pub fn __check<O: TestOutcome>(backend: &str, outcome: O) {
    if let Err(e) = outcome.into_result() {
        panic!("[{backend}] test failed: {e}");
    }
}

/// Generates a module `$name` with two tests, `$name::sqlite` and `$name::postgres`, each calling
/// `$body(&db).await` on a fresh migrated database of that engine. `$body` is an
/// `async fn(&netra_store::Db)` returning `()` or `Result<(), E: Debug>`.
///
/// The PostgreSQL test prints `skipped: NETRA_TEST_PG_URL not set` and passes when the variable is
/// unset, except under CI (`CI=true`), where it fails instead.
///
/// Filter with `cargo nextest run NAME` (both), `… ::sqlite` or `… ::postgres`.
#[macro_export]
macro_rules! on_all_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                $crate::__run(async {
                    let t = $crate::TestDb::sqlite().await;
                    $crate::__check("sqlite", $body(&t.db).await);
                    t.close().await;
                });
            }

            #[test]
            fn postgres() {
                $crate::__run(async {
                    let Some(t) = $crate::TestDb::postgres().await else {
                        eprintln!("skipped: NETRA_TEST_PG_URL not set");
                        return;
                    };
                    $crate::__check("postgres", $body(&t.db).await);
                    t.close().await;
                });
            }
        }
    };
}

/// The fixture most tests start from: reference data, the Pilkada 2024 election (`el-pilkada`,
/// code `pilkada-2024`, preparation → campaign → quiet period → voting on 27 November) and the
/// Kota Semarang government (`ag-smg`, code `pemkot-semarang`, region `33.74`).
pub async fn seed_pilkada_2024(db: &netra_store::Db) -> Result<(), netra_store::StoreError> {
    use netra_domain::model::{AgencyKind, Election, ElectionKind, Stage, StageKind};
    use netra_store::people::{self, Agency};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("fixture date");
    netra_store::reference::ensure_loaded(db, chrono::Utc::now()).await?;
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
            Stage { kind: StageKind::QuietPeriod, starts_on: d("2024-11-24"), ends_on: d("2024-11-26") },
            Stage { kind: StageKind::Voting, starts_on: d("2024-11-27"), ends_on: d("2024-11-27") },
        ],
        regions: vec![],
    };
    people::insert_election(&mut tx, &election, 1, 0).await?;
    people::insert_agency(
        &mut tx,
        &Agency {
            id: "ag-smg".into(),
            code: "pemkot-semarang".into(),
            name: "Pemerintah Kota Semarang".into(),
            kind: AgencyKind::Regency,
            region_code: Some("33.74".into()),
        },
    )
    .await?;
    tx.commit().await.map_err(netra_store::StoreError::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u:p@h:1/db?sslmode=disable", "x"), "postgres://u:p@h:1/x?sslmode=disable");
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
        assert_eq!(with_database("postgresql://h/?sslmode=disable", "x"), "postgresql://h/x?sslmode=disable");
    }
}
