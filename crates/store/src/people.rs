//! Elections, candidates, agencies with their PPK holders, and civil servants.

use chrono::NaiveDate;
use netra_domain::model::{AgencyKind, CivilServant, Election, ElectionKind, EmploymentType, Stage};
use sqlx::Row;

use crate::codec::{date, from_json, json, parse_date, parse_enum};
use crate::{Db, StoreError, Tx};

const INSERT_ELECTION: &str = "INSERT INTO elections (id, code, name, kind, year, voting_day, stages, regions, rule_set, rule_set_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (code) DO NOTHING";

pub async fn insert_election(
    tx: &mut Tx,
    e: &Election,
    rule_set_version: i64,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let n = sqlx::query(INSERT_ELECTION)
        .bind(&e.id)
        .bind(&e.code)
        .bind(&e.name)
        .bind(e.kind.as_str())
        .bind(e.year)
        .bind(date(e.voting_day))
        .bind(json(&e.stages))
        .bind(json(&e.regions))
        .bind(e.kind.rule_set())
        .bind(rule_set_version)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

const SELECT_ELECTION: &str = "SELECT id, code, name, kind, year, voting_day, stages, regions FROM elections";

fn row_to_election(r: &sqlx::any::AnyRow) -> Result<Election, StoreError> {
    Ok(Election {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: parse_enum(&r.try_get::<String, _>("kind")?, ElectionKind::parse)?,
        year: r.try_get("year")?,
        voting_day: parse_date(&r.try_get::<String, _>("voting_day")?)?,
        stages: from_json::<Vec<Stage>>(&r.try_get::<String, _>("stages")?)?,
        regions: from_json(&r.try_get::<String, _>("regions")?)?,
    })
}

/// An election by id or by code.
pub async fn election(db: &Db, id_or_code: &str) -> Result<Election, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_ELECTION} WHERE id = $1 OR code = $1"));
    let r = sqlx::query(sql).bind(id_or_code).fetch_optional(&db.pool).await?.ok_or(StoreError::NotFound)?;
    row_to_election(&r)
}

pub async fn elections(db: &Db) -> Result<Vec<Election>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_ELECTION} ORDER BY voting_day DESC"));
    sqlx::query(sql).fetch_all(&db.pool).await?.iter().map(row_to_election).collect()
}

/// A candidate with the status history needed to tell bakal calon from calon on a date.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    pub id: String,
    pub election_id: String,
    pub name: String,
    pub nicknames: Vec<String>,
    pub ballot_number: Option<i32>,
    pub party: Option<String>,
    pub region_code: Option<String>,
    pub slogans: Vec<String>,
    /// (status, valid_from) in date order.
    pub statuses: Vec<(String, NaiveDate)>,
}

pub async fn insert_candidate(tx: &mut Tx, c: &Candidate) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO candidates (id, election_id, name, nicknames, ballot_number, party, region_code, slogans) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&c.id)
        .bind(&c.election_id)
        .bind(&c.name)
        .bind(json(&c.nicknames))
        .bind(c.ballot_number)
        .bind(c.party.clone())
        .bind(c.region_code.clone())
        .bind(json(&c.slogans))
        .execute(&mut **tx)
        .await?;
    for (i, (status, from)) in c.statuses.iter().enumerate() {
        sqlx::query("INSERT INTO candidate_statuses (id, candidate_id, status, valid_from) VALUES ($1, $2, $3, $4)")
            .bind(format!("{}-{i}", c.id))
            .bind(&c.id)
            .bind(status)
            .bind(date(*from))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The status of a candidate on a date (bakal calon before the fixing date, calon after).
pub async fn candidate_status_on(db: &Db, candidate_id: &str, on: NaiveDate) -> Result<Option<String>, StoreError> {
    let r = sqlx::query("SELECT status FROM candidate_statuses WHERE candidate_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1")
        .bind(candidate_id)
        .bind(date(on))
        .fetch_optional(&db.pool)
        .await?;
    Ok(r.map(|r| r.try_get("status")).transpose()?)
}

pub async fn candidate_exists(db: &Db, election_id: &str, candidate_id: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT id FROM candidates WHERE id = $1 AND election_id = $2")
        .bind(candidate_id)
        .bind(election_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// An employing agency (instansi).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Agency {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub region_code: Option<String>,
}

pub async fn insert_agency(tx: &mut Tx, a: &Agency) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO agencies (id, code, name, kind, region_code) VALUES ($1, $2, $3, $4, $5)")
        .bind(&a.id)
        .bind(&a.code)
        .bind(&a.name)
        .bind(a.kind.as_str())
        .bind(a.region_code.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn agency(db: &Db, id: &str) -> Result<Agency, StoreError> {
    let r = sqlx::query("SELECT id, code, name, kind, region_code FROM agencies WHERE id = $1 OR code = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Agency {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: parse_enum(&r.try_get::<String, _>("kind")?, AgencyKind::parse)?,
        region_code: r.try_get("region_code")?,
    })
}

/// One holder of an agency's PPK office over a period; `candidate_id` marks a conflict of interest.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PpkHolder {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub position: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub candidate_id: Option<String>,
}

pub async fn insert_ppk_holder(tx: &mut Tx, p: &PpkHolder) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ppk_holders (id, agency_id, name, position, valid_from, valid_to, candidate_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&p.id)
        .bind(&p.agency_id)
        .bind(&p.name)
        .bind(&p.position)
        .bind(date(p.valid_from))
        .bind(p.valid_to.map(date))
        .bind(p.candidate_id.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The PPK holder of an agency on a date, with the conflict flag when that person is a candidate
/// in the given election.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PpkOnDate {
    pub name: String,
    pub position: String,
    pub conflicted: bool,
}

pub async fn ppk_on(
    db: &Db,
    agency_id: &str,
    on: NaiveDate,
    election_id: &str,
) -> Result<Option<PpkOnDate>, StoreError> {
    let r = sqlx::query("SELECT p.name, p.position, c.election_id FROM ppk_holders p LEFT JOIN candidates c ON c.id = p.candidate_id WHERE p.agency_id = $1 AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2) ORDER BY p.valid_from DESC LIMIT 1")
        .bind(agency_id)
        .bind(date(on))
        .fetch_optional(&db.pool)
        .await?;
    let Some(r) = r else { return Ok(None) };
    let cand_election: Option<String> = r.try_get("election_id")?;
    Ok(Some(PpkOnDate {
        name: r.try_get("name")?,
        position: r.try_get("position")?,
        conflicted: cand_election.as_deref() == Some(election_id),
    }))
}

const INSERT_ASN: &str = "INSERT INTO civil_servants (id, name, nip, employment_type, position_class, position_title, territorial_head, agency_id, work_region) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub async fn insert_civil_servant(tx: &mut Tx, c: &CivilServant) -> Result<(), StoreError> {
    sqlx::query(INSERT_ASN)
        .bind(&c.id)
        .bind(&c.name)
        .bind(c.nip.clone())
        .bind(c.employment_type.map(|e| e.as_str()))
        .bind(c.position_class.clone())
        .bind(c.position_title.clone())
        .bind(c.territorial_head)
        .bind(c.agency_id.clone())
        .bind(c.work_region.clone())
        .execute(&mut **tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("NIP"),
            other => other,
        })?;
    Ok(())
}

/// A civil servant already known by NIP (so one person is one row across cases).
pub async fn civil_servant_by_nip(tx: &mut Tx, nip: &str) -> Result<Option<CivilServant>, StoreError> {
    let r = sqlx::query("SELECT id, name, nip, employment_type, position_class, position_title, CAST(CASE WHEN territorial_head THEN 1 ELSE 0 END AS BIGINT) AS territorial_head, agency_id, work_region FROM civil_servants WHERE nip = $1")
        .bind(nip)
        .fetch_optional(&mut **tx)
        .await?;
    r.map(|r| row_to_asn(&r)).transpose()
}

pub(crate) fn row_to_asn(r: &sqlx::any::AnyRow) -> Result<CivilServant, StoreError> {
    let et: Option<String> = r.try_get("employment_type")?;
    Ok(CivilServant {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        nip: r.try_get("nip")?,
        employment_type: et.map(|e| parse_enum(&e, EmploymentType::parse)).transpose()?,
        position_class: r.try_get("position_class")?,
        position_title: r.try_get("position_title")?,
        territorial_head: crate::codec::get_bool(r, "territorial_head")?,
        agency_id: r.try_get("agency_id")?,
        work_region: r.try_get("work_region")?,
    })
}

/// Candidates of an election with their latest status, for building the screening lexicon.
pub async fn candidates(db: &Db, election_id: &str) -> Result<Vec<Candidate>, StoreError> {
    let rows = sqlx::query("SELECT id, election_id, name, nicknames, ballot_number, party, region_code, slogans FROM candidates WHERE election_id = $1 ORDER BY ballot_number, name")
        .bind(election_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Candidate {
                id: r.try_get("id")?,
                election_id: r.try_get("election_id")?,
                name: r.try_get("name")?,
                nicknames: from_json(&r.try_get::<String, _>("nicknames")?)?,
                ballot_number: r.try_get("ballot_number")?,
                party: r.try_get("party")?,
                region_code: r.try_get("region_code")?,
                slogans: from_json(&r.try_get::<String, _>("slogans")?)?,
                statuses: Vec::new(),
            })
        })
        .collect()
}
