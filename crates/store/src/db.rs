//! Connection set-up, migrations and write transactions for both engines.

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::StoreError;

/// The engine behind the pool. Used only for the few statements that differ between engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A write transaction (`BEGIN IMMEDIATE` on SQLite, so a reader never has to upgrade its lock).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The database handle shared by every request.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub dialect: Dialect,
}

macro_rules! migration_set {
    ($dir:literal: $($ver:literal $file:literal $name:literal),+ $(,)?) => {
        vec![$(Migration::new(
            $ver,
            Cow::Borrowed($name),
            MigrationType::Simple,
            sqlx::AssertSqlSafe(include_str!(concat!("../migrations/", $dir, "/", $file, "_", $name, ".sql"))).into_sql_str(),
            false,
        )),+]
    };
}

use sqlx::SqlSafeStr;

/// Migrations embedded in the binary. Both lists must carry the same versions (a test checks it).
pub fn migrations(dialect: Dialect) -> Vec<Migration> {
    match dialect {
        Dialect::Sqlite => {
            migration_set!("sqlite": 1 "0001" "init", 2 "0002" "audit_rowid", 3 "0003" "auth", 4 "0004" "custody", 5 "0005" "search", 6 "0006" "evidence", 7 "0007" "import", 8 "0008" "portal")
        }
        Dialect::Postgres => {
            migration_set!("postgres": 1 "0001" "init", 2 "0002" "audit_rowid", 3 "0003" "auth", 4 "0004" "custody", 5 "0005" "search", 6 "0006" "evidence", 7 "0007" "import", 8 "0008" "portal")
        }
    }
}

impl Db {
    /// Opens `DIR/netra.db` (created if missing) with WAL and `synchronous=FULL`.
    pub async fn open_sqlite_dir(dir: &Path) -> Result<Db, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Unavailable(format!("cannot create data folder {}: {e}", dir.display())))?;
        let path = dir.join("netra.db");
        Db::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to `sqlite://…` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        install_default_drivers();
        let dialect = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(StoreError::Unavailable(format!(
                "unsupported database URL scheme in `{}` (use sqlite:// or postgres://)",
                redact(url)
            )));
        };
        // Fail fast with the real cause: the pool retries refused connections until its acquire
        // timeout and then only says "no database connection available".
        let probe = tokio::time::timeout(Duration::from_secs(5), <AnyConnection as Connection>::connect(url))
            .await
            .map_err(|_| StoreError::Unavailable(format!("timed out connecting to {}", redact(url))))?
            .map_err(|e| match StoreError::from(e) {
                StoreError::Unavailable(msg) => StoreError::Unavailable(format!("{}: {msg}", redact(url))),
                StoreError::Database(inner) => StoreError::Unavailable(format!("{}: {inner}", redact(url))),
                other => other,
            })?;
        let _ = probe.close().await;
        let mut opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        opts = match dialect {
            Dialect::Sqlite => opts.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    // FULL: an acknowledged report survives power loss (WAL alone with NORMAL may lose
                    // the last transactions).
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            }),
            Dialect::Postgres => opts.max_connections(16),
        };
        let pool = opts.connect(url).await.map_err(|e| match StoreError::from(e) {
            StoreError::Database(inner) => StoreError::Unavailable(inner.to_string()),
            other => other,
        })?;
        if dialect == Dialect::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        Ok(Db { pool, dialect })
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = Migrator::with_migrations(migrations(self.dialect));
        migrator.run(&self.pool).await?;
        if self.dialect == Dialect::Sqlite {
            // Without table statistics SQLite picks the state index for the inbox and scans a third of
            // the cases; with them it walks the deadline index (70 ms → 1 ms on 100,000 cases).
            // `optimize` only analyses tables whose statistics are missing or stale, and the limit
            // keeps that to milliseconds on large tables. PostgreSQL's autovacuum does this itself.
            let mut conn = self.pool.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
            sqlx::query("PRAGMA optimize = 0x10002").execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Cheap liveness check used by `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction.
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Hides a password in a URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
