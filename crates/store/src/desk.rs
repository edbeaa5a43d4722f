//! The case desk: each official's inbox and the filtered, searchable case list.
//!
//! Both use keyset pagination on an indexed sort key so the 1,000th page costs what the first does,
//! and every query starts from [`crate::cases::scope_clause`]. Full-text search uses SQLite FTS5 or
//! PostgreSQL's `indonesian` configuration over one text document per case (`case_search`), which
//! [`reindex_case`] rebuilds inside the transaction that changed the case.

use chrono::{DateTime, Utc};
use netra_domain::policy::Actor;
use sqlx::Row;

use crate::cases::{CASE_COLUMNS, CaseRecord, row_to_case, scope_clause};
use crate::codec::ms;
use crate::{Db, Dialect, StoreError, Tx};

/// Which list the desk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeskView {
    /// What needs the actor's action, most urgent deadline first.
    #[default]
    Inbox,
    /// Every case in scope, newest first.
    All,
}

/// What "needs my action" means for the actor's role, decided by the domain (see `netra_domain::inbox`).
#[derive(Debug, Clone, Default)]
pub struct Actionable {
    /// Case states in which the role acts on the case itself (Bawaslu roles).
    pub case_states: Vec<&'static str>,
    /// Subject-track states in which the role acts on a track (authority, PPK).
    pub track_states: Vec<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct DeskFilter {
    pub view: DeskView,
    pub actionable: Actionable,
    pub election_id: Option<String>,
    /// Region subtree (Kemendagri code) of the handling office.
    pub region: Option<String>,
    pub state: Option<String>,
    pub kind: Option<String>,
    /// Election stage recorded on the alleged act.
    pub stage: Option<String>,
    /// Violation form code, e.g. `D-2`.
    pub violation: Option<String>,
    pub position_class: Option<String>,
    /// Agency code (as in the agencies table).
    pub agency_code: Option<String>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    /// Free text; every word must occur (prefix match).
    pub q: Option<String>,
    /// Keyset cursor from the previous page.
    pub after: Option<DeskCursor>,
    pub limit: i64,
}

/// Position in a desk list: the sort key (unix ms) and the case id that broke the tie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskCursor {
    pub key: i64,
    pub id: String,
}

impl DeskCursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.key, self.id)
    }

    pub fn decode(s: &str) -> Option<DeskCursor> {
        let (k, id) = s.split_once('_')?;
        let ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return None;
        }
        Some(DeskCursor { key: k.parse().ok()?, id: id.to_owned() })
    }
}

/// One row of the desk.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeskRow {
    pub case: CaseRecord,
    pub summary: String,
    pub subjects: i64,
    /// The sort key: the running deadline in the inbox, receipt time in the full list.
    pub due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DeskPage {
    pub rows: Vec<DeskRow>,
    pub next: Option<String>,
}

/// Counts shown above the inbox, capped at [`COUNT_CAP`] so a national desk stays fast.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct DeskCounts {
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
}

pub const COUNT_CAP: i64 = 10_000;

enum Bind {
    S(String),
    I(i64),
}

struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn arg(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.text.clone()));
        for b in &self.binds {
            q = match b {
                Bind::S(s) => q.bind(s.clone()),
                Bind::I(i) => q.bind(*i),
            };
        }
        q
    }
}

fn quoted_list(states: &[&'static str]) -> String {
    // States come from the domain's closed enums, never from the request.
    states.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
}

/// The expression the list is ordered by, and whether it is ascending.
fn sort_key(f: &DeskFilter) -> (String, bool) {
    match f.view {
        DeskView::All => ("c.received_at".into(), false),
        DeskView::Inbox if !f.actionable.track_states.is_empty() => (
            format!(
                "(SELECT MIN(st.deadline_at) FROM subject_tracks st WHERE st.case_id = c.id AND st.state IN ({}))",
                quoted_list(&f.actionable.track_states)
            ),
            true,
        ),
        DeskView::Inbox => ("c.deadline_at".into(), true),
    }
}

/// Turns user text into an FTS5 query: each word quoted (so operators are inert) and prefix-matched.
pub fn fts5_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '/' && c != '-')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(12)
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// SQLite does not use an index for `handling_region LIKE '33.74.%'` with a bound pattern, so a
/// region subtree becomes a full scan. The same subtree as a range (`'33.74' ≤ x ≤ '33.74/'`, `/`
/// sorting right after `.` in the binary collation) is redundant with the LIKE and lets the planner
/// walk `cases_region`. Not on PostgreSQL: a linguistic collation may ignore the punctuation.
fn subtree_range(db: &Db, sql: &mut Sql, region: &str) {
    if db.dialect == Dialect::Sqlite {
        let lo = sql.arg(Bind::S(region.to_owned()));
        let hi = sql.arg(Bind::S(format!("{region}/")));
        sql.text.push_str(&format!(" AND c.handling_region >= {lo} AND c.handling_region <= {hi}"));
    }
}

/// The filters shared by the list and its counts; appends to `sql` and returns the sort key.
fn where_clause(db: &Db, actor: &Actor, f: &DeskFilter, sql: &mut Sql) -> Result<(String, bool), StoreError> {
    let (scope, scope_binds) = scope_clause(actor, sql.binds.len() + 1);
    sql.binds.extend(scope_binds.into_iter().map(Bind::S));
    sql.text.push_str(&format!(" WHERE {scope}"));
    if let Some(r) = &actor.scope.region {
        subtree_range(db, sql, r.as_str());
    }
    let (key, asc) = sort_key(f);
    if f.view == DeskView::Inbox {
        if !f.actionable.case_states.is_empty() {
            sql.text.push_str(&format!(" AND c.state IN ({})", quoted_list(&f.actionable.case_states)));
        }
        if f.actionable.case_states.is_empty() && f.actionable.track_states.is_empty() {
            sql.text.push_str(" AND 1 = 0");
        }
        sql.text.push_str(&format!(" AND {key} IS NOT NULL"));
    }
    let eq = |sql: &mut Sql, col: &str, v: &Option<String>| {
        if let Some(v) = v {
            let a = sql.arg(Bind::S(v.clone()));
            sql.text.push_str(&format!(" AND {col} = {a}"));
        }
    };
    eq(sql, "c.election_id", &f.election_id);
    eq(sql, "c.state", &f.state);
    eq(sql, "c.kind", &f.kind);
    if let Some(r) = &f.region {
        let a = sql.arg(Bind::S(r.clone()));
        let b = sql.arg(Bind::S(format!("{r}.%")));
        sql.text.push_str(&format!(" AND (c.handling_region = {a} OR c.handling_region LIKE {b})"));
        subtree_range(db, sql, r);
    }
    if let Some(stage) = &f.stage {
        let a = sql.arg(Bind::S(stage.clone()));
        sql.text.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM alleged_acts aa WHERE aa.case_id = c.id AND aa.stage = {a})"
        ));
    }
    if let Some(v) = &f.violation {
        // violation_codes is a JSON array of strings; match the quoted code exactly.
        let a = sql.arg(Bind::S(format!("%\"{}\"%", v.replace(['%', '_', '"'], ""))));
        sql.text.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM alleged_acts aa WHERE aa.case_id = c.id AND aa.violation_codes LIKE {a})"
        ));
    }
    if f.position_class.is_some() || f.agency_code.is_some() {
        let mut cond = String::new();
        if let Some(pc) = &f.position_class {
            let a = sql.arg(Bind::S(pc.clone()));
            cond.push_str(&format!(" AND cs.position_class = {a}"));
        }
        if let Some(ag) = &f.agency_code {
            let a = sql.arg(Bind::S(ag.clone()));
            cond.push_str(&format!(" AND st2.agency_id IN (SELECT ag.id FROM agencies ag WHERE ag.code = {a})"));
        }
        sql.text.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM subject_tracks st2 JOIN civil_servants cs ON cs.id = st2.civil_servant_id WHERE st2.case_id = c.id{cond})"
        ));
    }
    if let Some(t) = f.received_from {
        let a = sql.arg(Bind::I(ms(t)));
        sql.text.push_str(&format!(" AND c.received_at >= {a}"));
    }
    if let Some(t) = f.received_to {
        let a = sql.arg(Bind::I(ms(t)));
        sql.text.push_str(&format!(" AND c.received_at <= {a}"));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        match db.dialect {
            Dialect::Sqlite => {
                let Some(m) = fts5_query(q) else { return Ok((key, asc)) };
                let a = sql.arg(Bind::S(m));
                sql.text.push_str(&format!(
                    " AND c.id IN (SELECT m.case_id FROM case_search_ids m WHERE m.rowid IN (SELECT rowid FROM case_search WHERE case_search MATCH {a}))"
                ));
            }
            Dialect::Postgres => {
                let a = sql.arg(Bind::S(q.to_owned()));
                sql.text.push_str(&format!(
                    " AND c.id IN (SELECT m.case_id FROM case_search_ids m JOIN case_search s ON s.rowid = m.rowid WHERE s.tsv @@ plainto_tsquery('indonesian', {a}))"
                ));
            }
        }
    }
    Ok((key, asc))
}

/// One page of the desk for `actor`.
pub async fn page(db: &Db, actor: &Actor, f: &DeskFilter) -> Result<DeskPage, StoreError> {
    let mut sql = Sql {
        text: format!(
            "SELECT {CASE_COLUMNS}, (SELECT i.summary FROM intakes i WHERE i.id = c.intake_id) AS summary, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM subject_tracks sx WHERE sx.case_id = c.id) AS subjects, "
        ),
        binds: Vec::new(),
    };
    let (key, asc) = sort_key(f);
    sql.text.push_str(&format!("{key} AS sort_key FROM cases c"));
    where_clause(db, actor, f, &mut sql)?;
    if let Some(cur) = &f.after {
        let k = sql.arg(Bind::I(cur.key));
        let k2 = sql.arg(Bind::I(cur.key));
        let id = sql.arg(Bind::S(cur.id.clone()));
        let op = if asc { ">" } else { "<" };
        sql.text.push_str(&format!(" AND ({key} {op} {k} OR ({key} = {k2} AND c.id {op} {id}))"));
    }
    let dir = if asc { "ASC" } else { "DESC" };
    let limit = f.limit.clamp(1, 200);
    let l = sql.arg(Bind::I(limit + 1));
    sql.text.push_str(&format!(" ORDER BY {key} {dir}, c.id {dir} LIMIT {l}"));
    let rows = sql.query().fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut keys = Vec::with_capacity(rows.len());
    for r in &rows {
        let key: Option<i64> = r.try_get("sort_key")?;
        keys.push(key);
        out.push(DeskRow {
            case: row_to_case(r)?,
            summary: r.try_get::<Option<String>, _>("summary")?.unwrap_or_default(),
            subjects: r.try_get("subjects")?,
            due_at: key.filter(|_| f.view == DeskView::Inbox).map(crate::codec::from_ms),
        });
    }
    let next = if out.len() as i64 > limit {
        out.truncate(limit as usize);
        let last = out.last().expect("limit >= 1");
        keys[limit as usize - 1].map(|k| DeskCursor { key: k, id: last.case.id.clone() }.encode())
    } else {
        None
    };
    Ok(DeskPage { rows: out, next })
}

/// Open, overdue and due-soon counts of the inbox under the same filters (each capped).
pub async fn counts(
    db: &Db,
    actor: &Actor,
    f: &DeskFilter,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> Result<DeskCounts, StoreError> {
    let f = DeskFilter { view: DeskView::Inbox, after: None, ..f.clone() };
    // One pass over the (capped) inbox: the sort key is the deadline.
    let (key, _) = sort_key(&f);
    let mut sql = Sql { text: format!("SELECT {key} AS due FROM cases c"), binds: Vec::new() };
    where_clause(db, actor, &f, &mut sql)?;
    // Earliest deadlines first: overdue and due-soon cases lie within the cap unless they alone
    // exceed it.
    sql.text.push_str(&format!(" ORDER BY {key}"));
    let cap = sql.arg(Bind::I(COUNT_CAP));
    let now_a = sql.arg(Bind::I(ms(now)));
    let now_b = sql.arg(Bind::I(ms(now)));
    let soon_a = sql.arg(Bind::I(ms(soon)));
    sql.text = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS open, \
         CAST(COALESCE(SUM(CASE WHEN due < {now_a} THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue, \
         CAST(COALESCE(SUM(CASE WHEN due >= {now_b} AND due < {soon_a} THEN 1 ELSE 0 END), 0) AS BIGINT) AS due_soon \
         FROM ({} LIMIT {cap}) capped",
        sql.text
    );
    let r = sql.query().fetch_one(&db.pool).await?;
    Ok(DeskCounts { open: r.try_get("open")?, overdue: r.try_get("overdue")?, due_soon: r.try_get("due_soon")? })
}

/// Rebuilds the search document of one case: number, intake summary, acts, subjects and agencies.
pub async fn reindex_case(tx: &mut Tx, dialect: Dialect, case_id: &str) -> Result<(), StoreError> {
    let mut body = String::new();
    let parts: [&str; 4] = [
        "SELECT COALESCE(c.number, '') || ' ' || i.summary AS t FROM cases c JOIN intakes i ON i.id = c.intake_id WHERE c.id = $1",
        "SELECT description AS t FROM alleged_acts WHERE case_id = $1",
        "SELECT cs.name || ' ' || COALESCE(cs.nip, '') || ' ' || COALESCE(cs.position_title, '') AS t FROM subject_tracks st JOIN civil_servants cs ON cs.id = st.civil_servant_id WHERE st.case_id = $1",
        "SELECT a.name AS t FROM subject_tracks st JOIN agencies a ON a.id = st.agency_id WHERE st.case_id = $1",
    ];
    for sql in parts {
        for r in sqlx::query(sql).bind(case_id).fetch_all(&mut **tx).await? {
            body.push_str(&r.try_get::<String, _>("t")?);
            body.push('\n');
        }
    }
    let rowid: i64 = match sqlx::query("SELECT rowid FROM case_search_ids WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
    {
        Some(r) => r.try_get("rowid")?,
        None => sqlx::query("INSERT INTO case_search_ids (case_id) VALUES ($1) RETURNING rowid")
            .bind(case_id)
            .fetch_one(&mut **tx)
            .await?
            .try_get("rowid")?,
    };
    sqlx::query("DELETE FROM case_search WHERE rowid = $1").bind(rowid).execute(&mut **tx).await?;
    let insert = match dialect {
        Dialect::Sqlite | Dialect::Postgres => "INSERT INTO case_search (rowid, body) VALUES ($1, $2)",
    };
    sqlx::query(insert).bind(rowid).bind(body).execute(&mut **tx).await?;
    Ok(())
}

/// Indexes every case that has no search document yet (after upgrading an existing database).
pub async fn reindex_missing(db: &Db) -> Result<u64, StoreError> {
    let ids: Vec<String> = sqlx::query(
        "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_search_ids m WHERE m.case_id = c.id)",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    for chunk in ids.chunks(500) {
        let mut tx = db.begin_write().await?;
        for id in chunk {
            reindex_case(&mut tx, db.dialect, id).await?;
        }
        tx.commit().await?;
    }
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_every_word() {
        assert_eq!(fts5_query("kepala dinas").as_deref(), Some("\"kepala\"* \"dinas\"*"));
        assert_eq!(fts5_query("\" OR NEAR(").as_deref(), Some("\"OR\"* \"NEAR\"*"));
        assert_eq!(fts5_query("  ** "), None);
    }

    #[test]
    fn cursor_round_trips_and_rejects_junk() {
        let c = DeskCursor { key: 1_700_000_000_000, id: "0190a1b2-c3d4".into() };
        assert_eq!(DeskCursor::decode(&c.encode()), Some(c));
        assert_eq!(DeskCursor::decode("x_1"), None);
        assert_eq!(DeskCursor::decode("1_a'b"), None);
    }
}
