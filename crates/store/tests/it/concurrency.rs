//! Optimistic concurrency: two officers move the same case from the same version at the same time.
//! Exactly one wins; the loser's whole transaction, including its audit event, is rolled back.

use std::sync::Arc;

use netra_domain::model::IntakeKind;
use netra_domain::workflow::CaseState;
use netra_store::audit::{self, NewEvent, Verification};
use netra_store::cases::{self, CaseRecord, CaseUpdate, IntakeRecord};
use netra_store::{Db, StoreError};
use serde_json::json;
use sqlx::Row;
use tokio::sync::Barrier;

use crate::support::{at, count_where, exec};

const ROUNDS: usize = 20;

async fn seed_election(db: &Db) -> anyhow::Result<String> {
    exec(
        db,
        "INSERT INTO elections (id, code, name, kind, year, voting_day, stages, regions, rule_set, rule_set_version, created_at) \
         VALUES ('el-1', 'PILKADA-2024', 'Pilkada Serentak 2024', 'pilkada', 2024, '2024-11-27', '[]', '[]', 'pilkada', 1, 0)",
    )
    .await?;
    Ok("el-1".into())
}

/// One intake and its case at version 1, through the repository functions.
async fn seed_case(db: &Db, election_id: &str, round: usize) -> anyhow::Result<String> {
    let intake_id = format!("intake-{round}");
    let case_id = format!("case-{round}");
    let received = at(i64::try_from(round)?);
    let mut tx = db.begin_write().await?;
    cases::insert_intake(
        &mut tx,
        &IntakeRecord {
            id: intake_id.clone(),
            kind: IntakeKind::Laporan,
            channel: "web".into(),
            election_id: election_id.to_owned(),
            known_at: received,
            received_at: received,
            late: false,
            late_rule: None,
            late_due_at: None,
            summary: "Kepala dinas mengunggah dukungan untuk pasangan calon".into(),
            created_by: "public".into(),
        },
        None,
    )
    .await?;
    cases::insert_case(
        &mut tx,
        &CaseRecord {
            id: case_id.clone(),
            intake_id,
            number: None,
            state: CaseState::Received,
            version: 1,
            election_id: election_id.to_owned(),
            handling_region: Some("35.07".into()),
            kind: IntakeKind::Laporan,
            received_at: received,
            registered_at: None,
            state_changed_at: received,
            deadline_rule: None,
            deadline_at: None,
            forwarded: false,
            gakkumdu: false,
            catalogue_versions: json!({}),
            rule_set_version: 1,
            created_at: received,
            updated_at: received,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(case_id)
}

/// One officer's use case: move the case from version 1 and record it, in one transaction.
async fn register(db: Db, case_id: String, officer: &'static str, start: Arc<Barrier>) -> Result<i64, StoreError> {
    start.wait().await;
    let mut tx = db.begin_write().await?;
    let now = at(1_000);
    let update =
        CaseUpdate { number: Some(format!("{case_id}/{officer}")), registered_at: Some(now), ..CaseUpdate::default() };
    let version = cases::update_case_state(&mut tx, &case_id, 1, CaseState::Registered, now, None, &update).await?;
    // Widen the window in which both transactions are open at the same time.
    tokio::task::yield_now().await;
    audit::append(
        &mut tx,
        NewEvent {
            actor: officer,
            action: "case.register",
            entity_type: "case",
            entity_id: &case_id,
            payload: json!({ "version": version }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

async fn one_of_two_concurrent_updates_wins(db: &Db) -> anyhow::Result<()> {
    let election_id = seed_election(db).await?;
    let mut locked = 0;
    for round in 0..ROUNDS {
        let case_id = seed_case(db, &election_id, round).await?;
        let start = Arc::new(Barrier::new(2));
        let a = tokio::spawn(register(db.clone(), case_id.clone(), "officer-a", start.clone()));
        let b = tokio::spawn(register(db.clone(), case_id.clone(), "officer-b", start));
        let (a, b) = (a.await?, b.await?);

        let (winner, loser) = match (&a, &b) {
            (Ok(_), Err(e)) => ("officer-a", e),
            (Err(e), Ok(_)) => ("officer-b", e),
            _ => panic!("round {round}: exactly one update must succeed, got a={a:?} b={b:?}"),
        };
        match loser {
            StoreError::Conflict { expected: 1, actual: 2 } => {}
            // Acceptable on SQLite only: BEGIN IMMEDIATE gave up waiting for the other writer.
            StoreError::Locked if db.dialect == netra_store::Dialect::Sqlite => locked += 1,
            other => panic!("round {round}: the loser must get Conflict {{ expected: 1, actual: 2 }}, got {other:?}"),
        }
        assert_eq!(a.as_ref().or(b.as_ref()).ok(), Some(&2), "round {round}: the winner moved the case to version 2");

        let events =
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_events WHERE entity_type = 'case' AND entity_id = $1";
        assert_eq!(count_where(db, events, &case_id).await?, 1, "round {round}: only the winner's audit event exists");
        let row = sqlx::query("SELECT c.state, c.version, c.number, e.actor FROM cases c JOIN audit_events e ON e.entity_id = c.id WHERE c.id = $1")
            .bind(case_id.clone())
            .fetch_one(&db.pool)
            .await?;
        assert_eq!(row.try_get::<String, _>("state")?, "registered");
        assert_eq!(row.try_get::<i64, _>("version")?, 2);
        assert_eq!(row.try_get::<String, _>("actor")?, winner, "round {round}: the event is the winner's");
        assert_eq!(
            row.try_get::<Option<String>, _>("number")?,
            Some(format!("{case_id}/{winner}")),
            "round {round}: the loser's changes are gone"
        );
    }
    if locked > 0 {
        eprintln!("note: {locked} of {ROUNDS} rounds ended with Locked instead of Conflict");
    }
    let expected = u64::try_from(ROUNDS)?;
    assert!(
        matches!(audit::verify(db).await?, Verification::Intact { events, .. } if events == expected),
        "the chain holds exactly the winners' events"
    );
    Ok(())
}
netra_testkit::on_all_backends!(concurrent_update, one_of_two_concurrent_updates_wins);

async fn stale_version_is_a_conflict_and_missing_case_is_not_found(db: &Db) -> anyhow::Result<()> {
    let election_id = seed_election(db).await?;
    let case_id = seed_case(db, &election_id, 0).await?;
    let mut tx = db.begin_write().await?;
    let v = cases::update_case_state(&mut tx, &case_id, 1, CaseState::Incomplete, at(10), None, &CaseUpdate::default())
        .await?;
    assert_eq!(v, 2);
    let again =
        cases::update_case_state(&mut tx, &case_id, 1, CaseState::Registered, at(11), None, &CaseUpdate::default())
            .await;
    assert!(matches!(again, Err(StoreError::Conflict { expected: 1, actual: 2 })), "{again:?}");
    let missing = cases::update_case_state(
        &mut tx,
        "no-such-case",
        1,
        CaseState::Registered,
        at(11),
        None,
        &CaseUpdate::default(),
    )
    .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    tx.commit().await?;
    Ok(())
}
netra_testkit::on_all_backends!(stale_version, stale_version_is_a_conflict_and_missing_case_is_not_found);
