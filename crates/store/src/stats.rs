//! Aggregate counts for dashboards, always within the actor's scope, in both counting units:
//! cases (Bawaslu's unit) and civil servants (the authority's unit: one subject track per ASN).

use netra_domain::policy::Actor;
use sqlx::Row;

use crate::cases::scope_clause;
use crate::{Db, StoreError};

/// The handling funnel of one election. Each step counts what reached it or any later step, so the
/// numbers read like the published ones ("694 ASN reported, 492 recommended, 256 sanctioned").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Funnel {
    pub reported: i64,
    pub registered: i64,
    pub referred: i64,
    pub recommended: i64,
    pub sanctioned: i64,
    pub not_registered: i64,
    pub stopped: i64,
    pub not_proven: i64,
    pub in_progress: i64,
}

const REFERRED_TRACK: &str = "('awaiting_verification', 'rejected', 'cancelled', 'not_proven', 'left_service', 'recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated', 'sanctioned', 'unblocked')";
const RECOMMENDED_TRACK: &str =
    "('recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated', 'sanctioned', 'unblocked')";
const SANCTIONED_TRACK: &str = "('sanctioned', 'unblocked')";
const OPEN_CASE: &str = "('received', 'incomplete', 'transferred', 'registered', 'clarification', 'study', 'plenary')";

fn bigint(r: &sqlx::any::AnyRow, c: &str) -> Result<i64, StoreError> {
    Ok(r.try_get::<Option<i64>, _>(c)?.unwrap_or(0))
}

/// The funnel counted in cases and in ASN, within `actor`'s scope.
pub async fn funnel(db: &Db, actor: &Actor, election_id: &str) -> Result<(Funnel, Funnel), StoreError> {
    let (clause, binds) = scope_clause(actor, 2);
    let case_sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS reported,
            CAST(SUM(CASE WHEN c.registered_at IS NOT NULL OR c.state = 'forwarded_direct' THEN 1 ELSE 0 END) AS BIGINT) AS registered,
            CAST(SUM(CASE WHEN c.forwarded THEN 1 ELSE 0 END) AS BIGINT) AS referred,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state IN {RECOMMENDED_TRACK}) THEN 1 ELSE 0 END) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state IN {SANCTIONED_TRACK}) THEN 1 ELSE 0 END) AS BIGINT) AS sanctioned,
            CAST(SUM(CASE WHEN c.state IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS not_registered,
            CAST(SUM(CASE WHEN c.state IN ('stopped', 'gakkumdu') AND NOT c.forwarded THEN 1 ELSE 0 END) AS BIGINT) AS stopped,
            CAST(SUM(CASE WHEN c.forwarded AND NOT EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state NOT IN ('not_proven', 'not_forwarded')) THEN 1 ELSE 0 END) AS BIGINT) AS not_proven,
            CAST(SUM(CASE WHEN c.state IN {OPEN_CASE} THEN 1 ELSE 0 END) AS BIGINT) AS in_progress
         FROM cases c WHERE c.election_id = $1 AND {clause}"
    );
    let asn_sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS reported,
            CAST(SUM(CASE WHEN c.registered_at IS NOT NULL OR c.state = 'forwarded_direct' THEN 1 ELSE 0 END) AS BIGINT) AS registered,
            CAST(SUM(CASE WHEN t.state IN {REFERRED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS referred,
            CAST(SUM(CASE WHEN t.state IN {RECOMMENDED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN t.state IN {SANCTIONED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS sanctioned,
            CAST(SUM(CASE WHEN c.state IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS not_registered,
            CAST(SUM(CASE WHEN t.state = 'not_forwarded' AND c.state NOT IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS stopped,
            CAST(SUM(CASE WHEN t.state = 'not_proven' THEN 1 ELSE 0 END) AS BIGINT) AS not_proven,
            CAST(SUM(CASE WHEN t.state IN ('in_bawaslu', 'awaiting_verification', 'recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated') OR (t.state = 'sanctioned' AND t.data_blocked) THEN 1 ELSE 0 END) AS BIGINT) AS in_progress
         FROM subject_tracks t JOIN cases c ON c.id = t.case_id WHERE c.election_id = $1 AND {clause}"
    );
    let mut out = [Funnel::default(), Funnel::default()];
    for (i, sql) in [case_sql, asn_sql].into_iter().enumerate() {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(election_id.to_owned());
        for b in &binds {
            q = q.bind(b.clone());
        }
        let r = q.fetch_one(&db.pool).await?;
        out[i] = Funnel {
            reported: bigint(&r, "reported")?,
            registered: bigint(&r, "registered")?,
            referred: bigint(&r, "referred")?,
            recommended: bigint(&r, "recommended")?,
            sanctioned: bigint(&r, "sanctioned")?,
            not_registered: bigint(&r, "not_registered")?,
            stopped: bigint(&r, "stopped")?,
            not_proven: bigint(&r, "not_proven")?,
            in_progress: bigint(&r, "in_progress")?,
        };
    }
    let [cases, asn] = out;
    Ok((cases, asn))
}
