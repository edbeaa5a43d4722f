//! Spreadsheet imports: runs with their checkpoint, the stable external reference of every imported
//! case, and the one insert the import needs that native use cases never do (a subject track created
//! directly in its historical state).
//!
//! The checkpoint (`import_runs.cases_done`) is always written in the same transaction as the cases
//! it counts, so after an interruption `cases_done` equals the number of `imported_cases` rows of the
//! run (see `docs/import.md`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use netra_domain::model::CivilServant;
use netra_domain::workflow::TrackStatus;
use sqlx::Row;

use crate::codec::{from_ms, ms};
use crate::{Db, StoreError, Tx};

/// `import_runs.state` while a run has cases left to write.
pub const RUNNING: &str = "running";
/// `import_runs.state` once every case of the file is in.
pub const COMPLETED: &str = "completed";

/// One run of `netra import` over one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRun {
    pub id: String,
    /// SHA-256 (hex) of the file's bytes.
    pub file_hash: String,
    pub file_name: String,
    /// `csv` or `xlsx`.
    pub format: String,
    pub rows_total: i64,
    /// New cases the run has to write (cases already imported before are not counted).
    pub cases_total: i64,
    /// Checkpoint: cases written and committed so far.
    pub cases_done: i64,
    pub last_case_ref: Option<String>,
    pub state: String,
    pub actor: String,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const RUN_COLUMNS: &str = "id, file_hash, file_name, format, rows_total, cases_total, cases_done, last_case_ref, state, actor, started_at, updated_at, finished_at";

fn row_to_run(r: &sqlx::any::AnyRow) -> Result<ImportRun, StoreError> {
    Ok(ImportRun {
        id: r.try_get("id")?,
        file_hash: r.try_get("file_hash")?,
        file_name: r.try_get("file_name")?,
        format: r.try_get("format")?,
        rows_total: r.try_get("rows_total")?,
        cases_total: r.try_get("cases_total")?,
        cases_done: r.try_get("cases_done")?,
        last_case_ref: r.try_get("last_case_ref")?,
        state: r.try_get("state")?,
        actor: r.try_get("actor")?,
        started_at: from_ms(r.try_get("started_at")?),
        updated_at: from_ms(r.try_get("updated_at")?),
        finished_at: r.try_get::<Option<i64>, _>("finished_at")?.map(from_ms),
    })
}

/// The unfinished run over the file with this hash, if an earlier import was interrupted.
pub async fn running_for_file(db: &Db, file_hash: &str) -> Result<Option<ImportRun>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM import_runs WHERE file_hash = $1 AND state = $2 ORDER BY started_at DESC, id DESC"
    ));
    let rows = sqlx::query(sql).bind(file_hash).bind(RUNNING).fetch_all(&db.pool).await?;
    rows.first().map(row_to_run).transpose()
}

pub async fn run(db: &Db, id: &str) -> Result<ImportRun, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM import_runs WHERE id = $1"));
    let r = sqlx::query(sql).bind(id).fetch_optional(&db.pool).await?.ok_or(StoreError::NotFound)?;
    row_to_run(&r)
}

/// Every run, newest first.
pub async fn runs(db: &Db) -> Result<Vec<ImportRun>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM import_runs ORDER BY started_at DESC, id DESC"));
    sqlx::query(sql).fetch_all(&db.pool).await?.iter().map(row_to_run).collect()
}

pub async fn insert_run(tx: &mut Tx, r: &ImportRun) -> Result<(), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO import_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ));
    sqlx::query(sql)
        .bind(&r.id)
        .bind(&r.file_hash)
        .bind(&r.file_name)
        .bind(&r.format)
        .bind(r.rows_total)
        .bind(r.cases_total)
        .bind(r.cases_done)
        .bind(r.last_case_ref.clone())
        .bind(&r.state)
        .bind(&r.actor)
        .bind(ms(r.started_at))
        .bind(ms(r.updated_at))
        .bind(r.finished_at.map(ms))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves the checkpoint of a running run; `completed` also closes it.
pub async fn checkpoint(
    tx: &mut Tx,
    run_id: &str,
    cases_done: i64,
    last_case_ref: Option<&str>,
    completed: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE import_runs SET cases_done = $1, last_case_ref = COALESCE($2, last_case_ref), state = $3, updated_at = $4, finished_at = $5 WHERE id = $6 AND state = $7")
        .bind(cases_done)
        .bind(last_case_ref.map(str::to_owned))
        .bind(if completed { COMPLETED } else { RUNNING })
        .bind(ms(at))
        .bind(completed.then(|| ms(at)))
        .bind(run_id)
        .bind(RUNNING)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        // Another process finished or resumed the same run first.
        return Err(StoreError::Conflict { expected: cases_done, actual: -1 });
    }
    Ok(())
}

/// An imported case as remembered for idempotency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCase {
    pub case_id: String,
    pub external_ref: String,
    pub content_hash: String,
    pub run_id: String,
}

/// The imported cases of an election, by external reference.
pub async fn imported_in_election(db: &Db, election_id: &str) -> Result<HashMap<String, ImportedCase>, StoreError> {
    let rows =
        sqlx::query("SELECT case_id, external_ref, content_hash, run_id FROM imported_cases WHERE election_id = $1")
            .bind(election_id)
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| {
            let c = ImportedCase {
                case_id: r.try_get("case_id")?,
                external_ref: r.try_get("external_ref")?,
                content_hash: r.try_get("content_hash")?,
                run_id: r.try_get("run_id")?,
            };
            Ok((c.external_ref.clone(), c))
        })
        .collect()
}

pub async fn insert_imported_case(
    tx: &mut Tx,
    case_id: &str,
    election_id: &str,
    external_ref: &str,
    content_hash: &str,
    run_id: &str,
    first_row: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO imported_cases (case_id, election_id, external_ref, content_hash, run_id, first_row, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(case_id)
        .bind(election_id)
        .bind(external_ref)
        .bind(content_hash)
        .bind(run_id)
        .bind(first_row)
        .bind(ms(at))
        .execute(&mut **tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("case reference in this election"),
            other => other,
        })?;
    Ok(())
}

/// Cases written by one run (equals the run's checkpoint: both change in the same transaction).
pub async fn count_for_run(db: &Db, run_id: &str) -> Result<i64, StoreError> {
    let r = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM imported_cases WHERE run_id = $1")
        .bind(run_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(r.try_get("n")?)
}

/// Which of `numbers` are already some case's registration number.
pub async fn numbers_in_use(db: &Db, numbers: &[String]) -> Result<HashSet<String>, StoreError> {
    let mut out = HashSet::new();
    for chunk in numbers.chunks(400) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql =
            sqlx::AssertSqlSafe(format!("SELECT number FROM cases WHERE number IN ({})", placeholders.join(", ")));
        let mut q = sqlx::query(sql);
        for n in chunk {
            q = q.bind(n.clone());
        }
        for r in q.fetch_all(&db.pool).await? {
            out.insert(r.try_get::<String, _>("number")?);
        }
    }
    Ok(out)
}

/// A subject track written directly in the state the history reached.
#[derive(Debug, Clone)]
pub struct ImportedTrack<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub civil_servant: &'a CivilServant,
    pub status: TrackStatus,
    pub state_changed_at: DateTime<Utc>,
    pub deadline: Option<(String, DateTime<Utc>)>,
    pub authority_id: Option<&'a str>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_track(tx: &mut Tx, t: &ImportedTrack<'_>) -> Result<(), StoreError> {
    let (rule, due) = t.deadline.clone().map_or((None, None), |(r, d)| (Some(r), Some(ms(d))));
    sqlx::query("INSERT INTO subject_tracks (id, case_id, civil_servant_id, agency_id, state, data_blocked, version, state_changed_at, deadline_rule, deadline_at, authority_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(t.id)
        .bind(t.case_id)
        .bind(&t.civil_servant.id)
        .bind(t.civil_servant.agency_id.clone())
        .bind(t.status.state.as_str())
        .bind(t.status.data_blocked)
        .bind(1_i64)
        .bind(ms(t.state_changed_at))
        .bind(rule)
        .bind(due)
        .bind(t.authority_id.map(str::to_owned))
        .bind(ms(t.created_at))
        .execute(&mut **tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("civil servant in this case"),
            other => other,
        })?;
    Ok(())
}
