//! Seeding: writes benchmark data straight into a database that `netra migrate` has created, with
//! multi-row INSERTs in large transactions, so a million rows take seconds instead of the hours the
//! use cases (one durable transaction each) would need.
//!
//! The audit chain is hashed with [`netra_store::audit::event_hash`], exactly as
//! `netra_store::audit::append` does, so `netra audit verify` accepts it. Cases, intakes, civil
//! servants and subject tracks respect every NOT NULL, UNIQUE and FOREIGN KEY constraint of
//! `crates/store/migrations/sqlite/0001_init.sql` (foreign keys stay ON while seeding).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{SecondsFormat, TimeZone, Utc};
use netra_store::audit::{GENESIS, event_hash};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, Sqlite};

/// Rows per multi-row INSERT are chosen so that `rows * columns` stays near 10,000 bound
/// parameters (SQLite allows 32,766).
const PARAMS_PER_STATEMENT: usize = 10_000;
/// Rows per transaction.
const ROWS_PER_TX: usize = 50_000;

/// A small deterministic PRNG (SplitMix64): the data set is the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.below((hi - lo) as u64) as i64)
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// Picks from `(weight, value)` pairs.
    pub fn weighted<T: Copy>(&mut self, xs: &[(u64, T)]) -> T {
        let total: u64 = xs.iter().map(|x| x.0).sum();
        let mut r = self.below(total);
        for &(w, v) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].1
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// One bound value of a multi-row INSERT.
enum V {
    I(i64),
    T(String),
    S(&'static str),
    NullT,
    NullI,
    B(bool),
}

/// Collects rows of one table and flushes them as multi-row INSERTs.
struct Batch {
    head: &'static str,
    cols: usize,
    vals: Vec<V>,
    rows_per_statement: usize,
}

impl Batch {
    fn new(head: &'static str, cols: usize) -> Self {
        let rows_per_statement = (PARAMS_PER_STATEMENT / cols).max(1);
        Batch { head, cols, vals: Vec::with_capacity(rows_per_statement * cols), rows_per_statement }
    }

    /// Adds one row; flushes when the statement is full.
    async fn row(&mut self, conn: &mut SqliteConnection, row: Vec<V>) -> anyhow::Result<()> {
        self.push(row);
        if self.full() {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Adds one row without flushing (for tables whose rows reference rows of another batch).
    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.cols);
        self.vals.extend(row);
    }

    fn full(&self) -> bool {
        self.vals.len() >= self.rows_per_statement * self.cols
    }

    async fn flush(&mut self, conn: &mut SqliteConnection) -> anyhow::Result<()> {
        if self.vals.is_empty() {
            return Ok(());
        }
        let rows = self.vals.len() / self.cols;
        let mut sql = String::with_capacity(self.head.len() + 8 + rows * (self.cols * 2 + 3));
        sql.push_str(self.head);
        sql.push_str(" VALUES ");
        for r in 0..rows {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..self.cols {
                if c > 0 {
                    sql.push(',');
                }
                sql.push('?');
            }
            sql.push(')');
        }
        let mut q = sqlx::query::<Sqlite>(sqlx::AssertSqlSafe(sql));
        for v in self.vals.drain(..) {
            q = match v {
                V::I(x) => q.bind(x),
                V::T(s) => q.bind(s),
                V::S(s) => q.bind(s),
                V::NullT => q.bind(None::<String>),
                V::NullI => q.bind(None::<i64>),
                V::B(b) => q.bind(b),
            };
        }
        q.execute(&mut *conn).await.with_context(|| format!("{} ({rows} rows)", self.head))?;
        Ok(())
    }
}

/// Opens `DIR/netra.db` (which `netra migrate` must have created) for bulk loading.
pub async fn open(dir: &Path) -> anyhow::Result<SqliteConnection> {
    let path = dir.join("netra.db");
    if !path.exists() {
        bail!("{} does not exist: run `netra migrate --data {}` first", path.display(), dir.display());
    }
    let conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Wal)
        // Bulk load: durability of the seed itself does not matter (the final checkpoint writes it out).
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(true)
        .pragma("cache_size", "-262144")
        .pragma("temp_store", "memory")
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    Ok(conn)
}

/// Writes everything into the main database file and empties the WAL, so the measured commands
/// start from a database in the state a long-running deployment would leave it in.
async fn finish(mut conn: SqliteConnection) -> anyhow::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Regency/city codes and names from the reference data loaded by `netra migrate`.
async fn regencies(conn: &mut SqliteConnection) -> anyhow::Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT code, name FROM regions WHERE level = 'regency' ORDER BY code")
        .fetch_all(&mut *conn)
        .await?;
    let out: Vec<(String, String)> =
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect::<Result<_, sqlx::Error>>()?;
    if out.is_empty() {
        bail!("no regency regions in the database: was it opened with `netra migrate`?");
    }
    Ok(out)
}

/// `Kota Semarang` → `kota-semarang` (the demo's office usernames look like `bawaslu.kota-semarang`).
fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn iso(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn roman(month: u32) -> &'static str {
    const R: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    R[(month as usize - 1) % 12]
}

fn uuid7() -> String {
    uuid::Uuid::now_v7().to_string()
}

const CATALOGUE_VERSIONS: &str =
    r#"[["skb-2022",1],["sanctions",1],["position-classes",1],["neutrality-authorities",1]]"#;

// ---------------------------------------------------------------------------------------------
// Audit chain
// ---------------------------------------------------------------------------------------------

/// The exact bytes `event_hash` feeds to SHA-256 for every event, one after another, with the
/// stored hash of each: the input of the pure-hashing baseline.
pub struct HashInput {
    pub bytes: Vec<u8>,
    /// End offset of each event in `bytes`.
    pub ends: Vec<usize>,
    /// The stored hash of each event (raw), to prove the buffer holds the chain's bytes.
    pub digests: Vec<[u8; 32]>,
}

impl HashInput {
    fn with_capacity(events: usize) -> Self {
        HashInput { bytes: Vec::with_capacity(events * 460), ends: Vec::with_capacity(events), digests: Vec::new() }
    }

    fn push(&mut self, parts: [&str; 8], hash_hex: &str) -> anyhow::Result<()> {
        // Same encoding as `netra_store::audit::event_hash`: u64 big-endian length, then the bytes.
        for part in parts {
            self.bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
            self.bytes.extend_from_slice(part.as_bytes());
        }
        self.ends.push(self.bytes.len());
        let mut d = [0u8; 32];
        hex::decode_to_slice(hash_hex, &mut d).context("event hash is not 64 hex characters")?;
        self.digests.push(d);
        Ok(())
    }

    pub fn events(&self) -> usize {
        self.ends.len()
    }

    /// Iterates over the per-event byte slices.
    pub fn slices(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let s = &self.bytes[start..end];
            start = end;
            s
        })
    }
}

/// What [`seed_audit`] wrote.
pub struct AuditSeed {
    pub events: u64,
    pub head: String,
    pub elapsed: Duration,
    pub hash_input: Option<HashInput>,
}

/// Lifecycles of a case as a sequence of audit actions, with their weights.
const LIFECYCLES: &[(u64, &[&str])] = &[
    (
        40,
        &[
            "intake.received",
            "case.register",
            "case.start_clarification",
            "clarification.scheduled",
            "clarification.attendance",
            "case.finish_clarification",
            "case.submit_study",
            "case.decide_refer",
            "track.issue_recommendation",
            "track.deliver_to_ppk",
            "track.record_sanction",
        ],
    ),
    (
        20,
        &[
            "intake.received",
            "case.register",
            "case.start_clarification",
            "clarification.scheduled",
            "clarification.attendance",
            "case.finish_clarification",
            "case.submit_study",
            "case.decide_stop",
        ],
    ),
    (15, &["intake.received", "case.refuse_registration"]),
    (10, &["intake.received", "case.forward_direct", "track.issue_recommendation", "track.deliver_to_ppk"]),
    (10, &["intake.received", "case.mark_incomplete", "case.complete", "case.register"]),
    (5, &["intake.received", "case.withdraw"]),
];

/// Produces a realistic stream of audit events (the shapes and sizes of the demo's events:
/// about 215 bytes of JSON payload on average).
struct AuditGen {
    rng: Rng,
    regions: Vec<(String, String)>,
    at_ms: i64,
    plan: &'static [&'static str],
    step: usize,
    case_id: String,
    track_id: String,
    session_id: String,
    region: usize,
    office: String,
    version: i64,
    number_seq: u64,
}

struct Ev {
    at_ms: i64,
    actor: String,
    action: &'static str,
    entity_id: String,
    payload: String,
}

impl AuditGen {
    fn new(regions: Vec<(String, String)>) -> Self {
        AuditGen {
            rng: Rng::new(0x4e45_5452_4141_5544),
            regions,
            // 2024-01-26T00:00:00Z, start of the Pilkada 2024 stages.
            at_ms: 1_706_227_200_000,
            plan: &[],
            step: 0,
            case_id: String::new(),
            track_id: String::new(),
            session_id: String::new(),
            region: 0,
            office: String::new(),
            version: 1,
            number_seq: 0,
        }
    }

    fn next(&mut self) -> Ev {
        if self.step >= self.plan.len() {
            self.plan = self.rng.weighted(LIFECYCLES);
            self.step = 0;
            self.case_id = uuid7();
            self.track_id = uuid7();
            self.region = self.rng.below(self.regions.len() as u64) as usize;
            self.office = format!("bawaslu.{}", slug(&self.regions[self.region].1));
            self.version = 1;
        }
        let action = self.plan[self.step];
        self.step += 1;
        // One event every ~30 s on average: a million events span about a year.
        self.at_ms += self.rng.range(2_000, 58_000);
        let at = self.at_ms;
        let region = self.regions[self.region].0.clone();
        let track = self.track_id.clone();
        let from_to = |from: &str, to: &str, version: i64| {
            format!(r#""from":"{from}","to":"{to}","track_actions":[],"version":{version}"#)
        };
        let (actor, payload) = match action {
            "intake.received" => {
                let web = self.rng.percent(60);
                let (channel, kind, rule, actor) = if web {
                    ("web", "laporan", "pilkada.report", "public".to_owned())
                } else {
                    ("in_person", "temuan", "pilkada.temuan", self.office.clone())
                };
                let payload = format!(
                    r#"{{"channel":"{channel}","handling_region":"{region}","identity_sealed":{web},"intake_id":"{}","kind":"{kind}","late":false,"reporting_due":"{}","reporting_rule":"{rule}","subject_tracks":["{track}"]}}"#,
                    uuid7(),
                    iso(at + 7 * 86_400_000),
                );
                (actor, payload)
            }
            "case.register" => {
                self.version += 1;
                self.number_seq += 1;
                let month = Utc.timestamp_millis_opt(at).single().map_or(1, |d| chrono::Datelike::month(&d));
                let number = format!("{:03}/LP/PB/Kab/{region}/{}/2024", self.number_seq % 1000 + 1, roman(month));
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"received","number":"{number}","to":"registered","track_actions":[],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "case.start_clarification" => {
                self.version += 1;
                (self.office.clone(), format!("{{{}}}", from_to("registered", "clarification", self.version)))
            }
            "clarification.scheduled" => {
                self.session_id = uuid7();
                (
                    self.office.clone(),
                    format!(
                        r#"{{"delivered_at":"{}","invitation_no":1,"invitee_role":"subject","mode":"in_person","scheduled_at":"{}","session_id":"{}"}}"#,
                        iso(at),
                        iso(at + 2 * 86_400_000),
                        self.session_id
                    ),
                )
            }
            "clarification.attendance" => (
                self.office.clone(),
                format!(
                    r#"{{"attendance":"attended","invitation_no":1,"invitee_role":"subject","session_id":"{}"}}"#,
                    self.session_id
                ),
            ),
            "case.finish_clarification" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"clarification","minutes":"Berita acara klarifikasi terlapor dan dua saksi telah ditandatangani.","to":"study","track_actions":[],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "case.submit_study" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"study","study":"Kajian dugaan pelanggaran netralitas ASN: unggahan media sosial mendukung bakal calon, memenuhi unsur SKB 2022.","to":"plenary","track_actions":[],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "case.decide_refer" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"authority":"bkn","decision_id":"{}","from":"plenary","gakkumdu":false,"letter_number":"{:03}/PP.01.02/K.{}/{:02}/2024","subjects":[{{"outcome":"refer","track_id":"{track}"}}],"summary":"Terbukti (SKB 2022 KE-5, bakal calon). Diteruskan ke BKN.","to":"referred","track_actions":[{{"action":"forward","track_id":"{track}"}}],"version":{}}}"#,
                        uuid7(),
                        self.rng.below(999) + 1,
                        region.replace('.', ""),
                        self.rng.below(12) + 1,
                        self.version
                    ),
                )
            }
            "case.decide_stop" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"decision_id":"{}","from":"plenary","gakkumdu":false,"subjects":[{{"outcome":"stop","track_id":"{track}"}}],"summary":"Tidak terbukti: unggahan dibuat sebelum tahapan kampanye dan tanpa ajakan memilih.","to":"stopped","track_actions":[{{"action":"not_forward","track_id":"{track}"}}],"version":{}}}"#,
                        uuid7(),
                        self.version
                    ),
                )
            }
            "case.refuse_registration" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"received","reason":"Tidak memenuhi syarat materiel: terlapor bukan ASN dan peristiwa di luar tahapan.","to":"not_registered","track_actions":[{{"action":"not_forward","track_id":"{track}"}}],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "case.forward_direct" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"authority":"bkn","from":"received","letter_number":"{:03}/PP.01.02/K.{}/{:02}/2024","reason":"Bukan pelanggaran pemilihan; diteruskan langsung ke BKN.","to":"forwarded_direct","track_actions":[{{"action":"forward","track_id":"{track}"}}],"version":{}}}"#,
                        self.rng.below(999) + 1,
                        region.replace('.', ""),
                        self.rng.below(12) + 1,
                        self.version
                    ),
                )
            }
            "case.mark_incomplete" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"received","missing":["bukti","identitas terlapor"],"to":"incomplete","track_actions":[],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "case.complete" => {
                self.version += 1;
                (self.office.clone(), format!("{{{}}}", from_to("incomplete", "received", self.version)))
            }
            "case.withdraw" => {
                self.version += 1;
                (
                    self.office.clone(),
                    format!(
                        r#"{{"from":"received","reason":"Pelapor mencabut laporan secara tertulis sebelum registrasi.","to":"withdrawn","track_actions":[{{"action":"not_forward","track_id":"{track}"}}],"version":{}}}"#,
                        self.version
                    ),
                )
            }
            "track.issue_recommendation" => (
                "bkn.verifikator".to_owned(),
                format!(
                    r#"{{"catalogue_versions":{CATALOGUE_VERSIONS},"category":"kode_etik","data_blocked":false,"from":"awaiting_verification","recommendation_id":"{}","sanction_level":"moral","sanction_option":"pp42.moral.tertutup","to":"recommendation_issued","track_id":"{track}","violation_codes":["KE-5"]}}"#,
                    uuid7()
                ),
            ),
            "track.deliver_to_ppk" => (
                "bkn.verifikator".to_owned(),
                format!(
                    r#"{{"data_blocked":false,"from":"recommendation_issued","letter_number":"{}/B-PP.02/SD/D/2024","to":"awaiting_ppk","track_id":"{track}"}}"#,
                    self.rng.below(9000) + 1000
                ),
            ),
            _ => (
                format!("ppk.{}", &self.office["bawaslu.".len()..]),
                format!(
                    r#"{{"catalogue_versions":{CATALOGUE_VERSIONS},"decree_date":"{}","decree_number":"800/{}/BKPSDM/2024","from":"awaiting_ppk","legal_basis":"PP 42/2004 Pasal 15","sanction_id":"{}","sanction_option":"pp42.moral.tertutup","to":"sanctioned","track_id":"{track}"}}"#,
                    &iso(at)[..10],
                    self.rng.below(900) + 100,
                    uuid7()
                ),
            ),
        };
        Ev { at_ms: at, actor, action, entity_id: self.case_id.clone(), payload }
    }
}

const INSERT_EVENTS: &str =
    "INSERT INTO audit_events (seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)";

/// Appends `events` events to the (empty) audit chain of the database in `dir` and moves the
/// `audit_head` row to the last one. With `collect`, also returns the hashed bytes of every event.
pub async fn seed_audit(dir: &Path, events: u64, collect: bool) -> anyhow::Result<AuditSeed> {
    let started = Instant::now();
    let mut conn = open(dir).await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut conn).await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_events").fetch_one(&mut conn).await?.try_get("n")?;
    if head_seq != 0 || head_hash != GENESIS || stored != 0 {
        bail!("{} already holds an audit chain ({stored} events): seed a freshly migrated database", dir.display());
    }
    let mut generator = AuditGen::new(regencies(&mut conn).await?);
    let mut hash_input = collect.then(|| HashInput::with_capacity(events as usize));
    let mut batch = Batch::new(INSERT_EVENTS, 10);
    let mut prev = GENESIS.to_owned();
    let mut tx_rows = 0;
    sqlx::query("BEGIN").execute(&mut conn).await?;
    for seq in 1..=events as i64 {
        let ev = generator.next();
        let hash = event_hash(&prev, seq, ev.at_ms, &ev.actor, ev.action, "case", &ev.entity_id, &ev.payload);
        if let Some(h) = hash_input.as_mut() {
            let (seq_s, at_s) = (seq.to_string(), ev.at_ms.to_string());
            h.push([&prev, &seq_s, &at_s, &ev.actor, ev.action, "case", &ev.entity_id, &ev.payload], &hash)?;
        }
        let row = vec![
            V::I(seq),
            V::T(uuid7()),
            V::I(ev.at_ms),
            V::T(ev.actor),
            V::S(ev.action),
            V::S("case"),
            V::T(ev.entity_id),
            V::T(ev.payload),
            V::T(std::mem::replace(&mut prev, hash.clone())),
            V::T(hash),
        ];
        batch.row(&mut conn, row).await?;
        tx_rows += 1;
        if tx_rows >= ROWS_PER_TX {
            batch.flush(&mut conn).await?;
            sqlx::query("COMMIT").execute(&mut conn).await?;
            sqlx::query("BEGIN").execute(&mut conn).await?;
            tx_rows = 0;
        }
    }
    batch.flush(&mut conn).await?;
    sqlx::query("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
        .bind(events as i64)
        .bind(&prev)
        .execute(&mut conn)
        .await?;
    sqlx::query("COMMIT").execute(&mut conn).await?;
    finish(conn).await?;
    Ok(AuditSeed { events, head: prev, elapsed: started.elapsed(), hash_input })
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// What [`seed_cases`] wrote.
pub struct CaseSeed {
    pub cases: u64,
    pub civil_servants: u64,
    pub elapsed: Duration,
}

/// Case states with their share of the data set (per mille), the deadline rule an open case in
/// that state runs under, and the subject-track states its tracks can be in.
/// (state, deadline rule of an open case, possible subject-track states).
type StateSpec = (&'static str, Option<&'static str>, &'static [&'static str]);

const CASE_STATES: &[(u64, StateSpec)] = &[
    (
        300,
        (
            "referred",
            None,
            &["awaiting_verification", "recommendation_issued", "awaiting_ppk", "sanctioned", "overdue", "not_proven"],
        ),
    ),
    (120, ("stopped", None, &["not_forwarded"])),
    (80, ("not_registered", None, &["not_forwarded"])),
    (80, ("received", Some("pilkada.kajian_awal"), &["in_bawaslu"])),
    (40, ("incomplete", Some("pilkada.completion"), &["in_bawaslu"])),
    (60, ("registered", Some("pilkada.handling"), &["in_bawaslu"])),
    (60, ("clarification", Some("pilkada.handling_extended"), &["in_bawaslu"])),
    (60, ("study", Some("pilkada.handling_extended"), &["in_bawaslu"])),
    (60, ("plenary", Some("pilkada.handling_extended"), &["in_bawaslu"])),
    (50, ("forwarded_direct", None, &["awaiting_verification", "recommendation_issued", "rejected"])),
    (30, ("gakkumdu", None, &["not_forwarded"])),
    (30, ("withdrawn", None, &["not_forwarded"])),
    (30, ("transferred", None, &["in_bawaslu"])),
];

const STAGES: &str = r#"[{"kind":"preparation","starts_on":"2024-01-26","ends_on":"2024-08-26"},{"kind":"candidate_registration","starts_on":"2024-08-27","ends_on":"2024-09-21"},{"kind":"candidate_fixing","starts_on":"2024-09-22","ends_on":"2024-09-24"},{"kind":"campaign","starts_on":"2024-09-25","ends_on":"2024-11-23"},{"kind":"quiet_period","starts_on":"2024-11-24","ends_on":"2024-11-26"},{"kind":"voting","starts_on":"2024-11-27","ends_on":"2024-11-27"},{"kind":"recapitulation","starts_on":"2024-11-27","ends_on":"2024-12-16"}]"#;

const FIRST_NAMES: &[&str] = &[
    "Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Made",
    "Nur", "Putu", "Rina", "Sri", "Taufik", "Wahyu", "Yohanes",
];
const LAST_NAMES: &[&str] = &[
    "Santoso",
    "Wibowo",
    "Siregar",
    "Nasution",
    "Pratama",
    "Saputra",
    "Hidayat",
    "Rumengan",
    "Lubis",
    "Sihombing",
    "Kurniawan",
    "Setiawan",
    "Wijaya",
    "Harahap",
    "Manurung",
    "Simanjuntak",
];
const TITLES: &[&str] = &["S.E.", "S.AP.", "S.Pd.", "S.H.", "S.Kom.", "M.Si.", "S.T.", "A.Md."];
const POSITIONS: &[(&str, &str)] = &[
    ("pelaksana", "Pengadministrasi Umum, Dinas Perhubungan"),
    ("fungsional", "Analis Kebijakan Ahli Pertama, Bappelitbang"),
    ("fungsional", "Guru Ahli Muda, Dinas Pendidikan"),
    ("struktural", "Kepala Bidang Pemberdayaan Masyarakat, Dinas PMD"),
    ("pelaksana", "Pengelola Data, Dinas Kependudukan dan Pencatatan Sipil"),
    ("struktural", "Camat"),
    ("fungsional", "Perawat Ahli Pertama, RSUD"),
];
const SUMMARIES: &[&str] = &[
    "Seorang pelaksana {office} mengunggah foto bersama bakal calon bupati dengan pose jari dan tagar dukungan di Instagram.",
    "Kepala bidang {office} hadir dan memberikan sambutan pada deklarasi pasangan calon di balai desa.",
    "Seorang guru ASN di {office} membagikan ulang konten kampanye pasangan calon di grup WhatsApp wali murid.",
    "Camat di {office} mengarahkan kepala desa untuk memenangkan pasangan calon tertentu dalam rapat koordinasi.",
    "ASN {office} memasang alat peraga kampanye pasangan calon di pagar kantor dinas.",
];

/// NIP-shaped (18 digits) and unique for every index below ~3.7 billion.
fn nip(mut i: u64) -> String {
    let seq = i % 999 + 1;
    i /= 999;
    let gender = i % 2 + 1;
    i /= 2;
    let appointed_month = i % 12 + 1;
    i /= 12;
    let appointed_year = 2000 + i % 24;
    i /= 24;
    let day = i % 28 + 1;
    i /= 28;
    let month = i % 12 + 1;
    i /= 12;
    let year = 1960 + i % 40;
    format!("{year}{month:02}{day:02}{appointed_year}{appointed_month:02}{gender}{seq:03}")
}

const INSERT_ELECTION: &str = "INSERT INTO elections (id, code, name, kind, year, voting_day, stages, regions, rule_set, rule_set_version, created_at) VALUES (?, 'bench-pilkada-2024', 'Pemilihan Gubernur, Bupati, dan Wali Kota Serentak 2024 (benchmark)', 'regional_simultaneous', 2024, '2024-11-27', ?, '[]', 'pilkada', ?, ?)";
const INSERT_ASN: &str = "INSERT INTO civil_servants (id, name, nip, employment_type, position_class, position_title, territorial_head, agency_id, work_region)";
const INSERT_INTAKES: &str = "INSERT INTO intakes (id, kind, channel, election_id, known_at, received_at, receipt_hash, late, late_rule, late_due_at, summary, created_by)";
const INSERT_CASES: &str = "INSERT INTO cases (id, intake_id, number, state, version, election_id, handling_region, kind, received_at, registered_at, state_changed_at, deadline_rule, deadline_at, forwarded, gakkumdu, catalogue_versions, rule_set_version, created_at, updated_at)";
const INSERT_TRACKS: &str = "INSERT INTO subject_tracks (id, case_id, civil_servant_id, agency_id, state, data_blocked, version, state_changed_at, deadline_rule, deadline_at, authority_id, created_at)";

/// Inserts one election and `cases` cases (each with its intake and one subject track about one
/// of `cases / 4` civil servants), spread over the regencies and across every case state.
pub async fn seed_cases(dir: &Path, cases: u64) -> anyhow::Result<CaseSeed> {
    let started = Instant::now();
    let mut conn = open(dir).await?;
    let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(&mut conn).await?.try_get("n")?;
    if stored != 0 {
        bail!("{} already holds {stored} cases: seed a freshly migrated database", dir.display());
    }
    let regions = regencies(&mut conn).await?;
    let mut rng = Rng::new(0x4341_5345_5345_4544);
    let now_ms = Utc::now().timestamp_millis();
    let rule_set_version = netra_domain::deadline::RuleSet::embedded_all()
        .iter()
        .find(|r| r.id == "pilkada")
        .map_or(1, |r| i64::from(r.version));

    sqlx::query("BEGIN").execute(&mut conn).await?;
    let election_id = uuid7();
    sqlx::query(INSERT_ELECTION)
        .bind(&election_id)
        .bind(STAGES)
        .bind(rule_set_version)
        .bind(now_ms)
        .execute(&mut conn)
        .await?;

    // Civil servants: a quarter as many as cases (some are reported more than once).
    let n_asn = (cases / 4).max(1);
    let mut asn_ids = Vec::with_capacity(n_asn as usize);
    let mut asn_region = Vec::with_capacity(n_asn as usize);
    let mut batch = Batch::new(INSERT_ASN, 9);
    for i in 0..n_asn {
        let id = uuid7();
        let region = rng.below(regions.len() as u64) as usize;
        let (class, title) = *rng.pick(POSITIONS);
        let name = format!("{} {}, {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES), rng.pick(TITLES));
        batch
            .row(
                &mut conn,
                vec![
                    V::T(id.clone()),
                    V::T(name),
                    V::T(nip(i)),
                    V::S(if rng.percent(85) { "pns" } else { "pppk" }),
                    V::S(class),
                    V::T(format!("{title} {}", regions[region].1)),
                    V::B(title == "Camat"),
                    V::NullT,
                    V::T(regions[region].0.clone()),
                ],
            )
            .await?;
        asn_ids.push(id);
        asn_region.push(region);
    }
    batch.flush(&mut conn).await?;
    sqlx::query("COMMIT").execute(&mut conn).await?;

    let mut intakes = Batch::new(INSERT_INTAKES, 12);
    let mut case_rows = Batch::new(INSERT_CASES, 19);
    let mut tracks = Batch::new(INSERT_TRACKS, 12);
    let mut counters: std::collections::HashMap<(usize, &'static str), u64> = std::collections::HashMap::new();
    // 2024-01-26 .. 2024-12-31, the Pilkada 2024 year.
    let (from_ms, to_ms) = (1_706_227_200_000_i64, 1_735_603_200_000_i64);
    let day = 86_400_000_i64;
    sqlx::query("BEGIN").execute(&mut conn).await?;
    for i in 0..cases {
        let asn = rng.below(n_asn) as usize;
        // Most cases are handled where the civil servant works.
        let region = if rng.percent(90) { asn_region[asn] } else { rng.below(regions.len() as u64) as usize };
        let (code, name) = &regions[region];
        let office = format!("bawaslu.{}", slug(name));
        let (state, deadline_rule, track_states) = rng.weighted(CASE_STATES);
        let kind: &'static str = rng.weighted(&[(60, "laporan"), (30, "temuan"), (10, "informasi_awal")]);
        let channel: &'static str = match kind {
            "laporan" => rng.weighted(&[(70, "web"), (15, "in_person"), (10, "email"), (5, "sigaplapor")]),
            "temuan" => "in_person",
            _ => rng.weighted(&[(60, "screening"), (40, "phone")]),
        };
        let received = rng.range(from_ms, to_ms);
        let known = received - rng.range(3_600_000, 5 * day);
        let intake_id = uuid7();
        let case_id = uuid7();
        let late = rng.percent(3);
        let late_rule = if kind == "temuan" { "pilkada.temuan" } else { "pilkada.report" };
        let receipt_hash = if channel == "web" {
            V::T(format!(
                "$argon2id$v=19$m=19456,t=2,p=1${}${}",
                &hex::encode(rng.next_u64().to_be_bytes())[..16],
                hex::encode(
                    [rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64()].map(u64::to_be_bytes).concat()
                )
            ))
        } else {
            V::NullT
        };
        let summary = rng.pick(SUMMARIES).replace("{office}", name);
        intakes.push(vec![
            V::T(intake_id.clone()),
            V::S(kind),
            V::S(channel),
            V::T(election_id.clone()),
            V::I(known),
            V::I(received),
            receipt_hash,
            V::B(late),
            V::S(late_rule),
            V::I(known + 7 * day),
            V::T(summary),
            V::T(if channel == "web" { "public".into() } else { office.clone() }),
        ]);

        let registered_states = ["registered", "clarification", "study", "plenary", "stopped", "referred", "gakkumdu"];
        let registered = registered_states.contains(&state);
        let registered_at = registered.then(|| received + rng.range(day, 7 * day));
        let number = match registered_at {
            Some(at) => {
                let code_kind = if kind == "laporan" { "LP" } else { "TM" };
                let seq = counters.entry((region, code_kind)).or_insert(0);
                *seq += 1;
                let month = Utc.timestamp_millis_opt(at).single().map_or(1, |d| chrono::Datelike::month(&d));
                let level = if name.starts_with("Kota") { "Kota" } else { "Kab" };
                V::T(format!("{:03}/{code_kind}/PB/{level}/{code}/{}/2024", *seq, roman(month)))
            }
            None => V::NullT,
        };
        let changed = registered_at.unwrap_or(received) + rng.range(0, 30 * day);
        let deadline_at = deadline_rule.map(|_| changed + rng.range(3 * day, 21 * day));
        let version = rng.range(1, 12);
        case_rows.push(vec![
            V::T(case_id.clone()),
            V::T(intake_id),
            number,
            V::S(state),
            V::I(version),
            V::T(election_id.clone()),
            V::T(code.clone()),
            V::S(kind),
            V::I(received),
            registered_at.map_or(V::NullI, V::I),
            V::I(changed),
            deadline_rule.map_or(V::NullT, V::S),
            deadline_at.map_or(V::NullI, V::I),
            V::B(matches!(state, "referred" | "forwarded_direct")),
            V::B(state == "gakkumdu"),
            V::S(CATALOGUE_VERSIONS),
            V::I(rule_set_version),
            V::I(received),
            V::I(changed),
        ]);

        let track_state = *rng.pick(track_states);
        let at_authority = !matches!(track_state, "in_bawaslu" | "not_forwarded");
        let track_deadline = matches!(track_state, "awaiting_verification" | "awaiting_ppk").then(|| {
            (
                if track_state == "awaiting_ppk" { "pilkada.ppk_follow_up" } else { "pilkada.authority_verification" },
                changed + 14 * day,
            )
        });
        tracks.push(vec![
            V::T(uuid7()),
            V::T(case_id),
            V::T(asn_ids[asn].clone()),
            V::NullT,
            V::S(track_state),
            V::B(false),
            V::I(rng.range(1, 6)),
            V::I(changed),
            track_deadline.map_or(V::NullT, |d| V::S(d.0)),
            track_deadline.map_or(V::NullI, |d| V::I(d.1)),
            if at_authority { V::S("bkn") } else { V::NullT },
            V::I(received),
        ]);

        // Parents first: a case row may only be written once its intake is.
        if intakes.full() || case_rows.full() || tracks.full() {
            intakes.flush(&mut conn).await?;
            case_rows.flush(&mut conn).await?;
            tracks.flush(&mut conn).await?;
        }
        if (i + 1) % ROWS_PER_TX as u64 == 0 {
            intakes.flush(&mut conn).await?;
            case_rows.flush(&mut conn).await?;
            tracks.flush(&mut conn).await?;
            sqlx::query("COMMIT").execute(&mut conn).await?;
            sqlx::query("BEGIN").execute(&mut conn).await?;
        }
    }
    intakes.flush(&mut conn).await?;
    case_rows.flush(&mut conn).await?;
    tracks.flush(&mut conn).await?;
    let mut counter_batch = Batch::new("INSERT INTO case_counters (counter_key, value)", 2);
    let mut keys: Vec<_> = counters.into_iter().collect();
    keys.sort();
    for ((region, code_kind), value) in keys {
        counter_batch
            .row(&mut conn, vec![V::T(format!("{}|{code_kind}|PB|2024", regions[region].0)), V::I(value as i64)])
            .await?;
    }
    counter_batch.flush(&mut conn).await?;
    sqlx::query("COMMIT").execute(&mut conn).await?;
    finish(conn).await?;
    Ok(CaseSeed { cases, civil_servants: n_asn, elapsed: started.elapsed() })
}

/// `seed-audit` / `seed-cases` outcome lines.
pub fn describe_audit(s: &AuditSeed, dir: &Path) -> String {
    format!(
        "seeded {} audit events into {} in {:.2?} (head {})",
        s.events,
        dir.join("netra.db").display(),
        s.elapsed,
        s.head
    )
}

pub fn describe_cases(s: &CaseSeed, dir: &Path) -> String {
    format!(
        "seeded {} cases (with intakes and subject tracks) and {} civil servants into {} in {:.2?}",
        s.cases,
        s.civil_servants,
        dir.join("netra.db").display(),
        s.elapsed
    )
}
