//! Identity custody (security.md, promise 1): unsealing a laporan's reporter identity.
//!
//! The flow, each step one transaction with its own audit event:
//! 1. a Bawaslu officer in scope of the case asks, with a written reason ([`Netra::request_unseal`]);
//! 2. an identity custodian whose region covers the case approves or refuses, with a reason, and never
//!    their own request ([`Netra::decide_unseal`]);
//! 3. the requester alone reads the identity, once, within [`APPROVAL_VALIDITY`] of the approval and
//!    within [`REAUTH_MAX_AGE`] of a fresh re-authentication ([`Netra::unseal_identity`]).
//!
//! Invariants: the identity is only ever decrypted in step 3 and returned to the caller; it is never
//! written to the audit log, to `unseal_requests` or to a log line. A successful unseal writes
//! exactly one audit event (`custody.unsealed`). Refused attempts on a request the actor can see are
//! authorisation decisions on sealed data and are logged too (`custody.unseal_denied`,
//! `custody.decision_denied`), never as `custody.unsealed`. Custody events use the entity type
//! `unseal_request`, so they stay out of the case timeline that the PPK and the authority see.
//! A case outside the actor's scope answers [`CoreError::NotFound`], exactly like a missing one.

use chrono::{DateTime, Duration, Utc};
use netra_domain::ids::RegionCode;
use netra_domain::model::IntakeKind;
use netra_domain::policy::{self, Action, Actor, Denied};
use netra_store::audit::{self, NewEvent};
use netra_store::cases;
use netra_store::codec::new_id;
use netra_store::custody::{self, Decision, UnsealRequestRecord, UnsealStatus};
use netra_store::{StoreError, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use thiserror::Error;
use utoipa::ToSchema;

use crate::intake::ReporterInput;
use crate::workflow::{load_for_action, target_of};
use crate::{CoreError, Netra};

/// Minimum length (characters, trimmed) of the written reason for a request and for a decision.
pub const REASON_MIN_CHARS: usize = 20;
/// How recent the requester's re-authentication must be when unsealing.
pub const REAUTH_MAX_AGE: Duration = Duration::minutes(5);
/// Re-authentication times this far in the future are refused too (clock skew allowance).
const REAUTH_FUTURE_SKEW: Duration = Duration::minutes(1);
/// How long an approval can be used (once) after the custodian's decision.
pub const APPROVAL_VALIDITY: Duration = Duration::hours(24);

/// Why a custody use case refused. [`CustodyError::Core`] carries the common cases: not found (also
/// for out of scope), a role that may never take part, invalid input, storage failures.
#[derive(Debug, Error)]
pub enum CustodyError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("this case has no sealed reporter identity: an informasi awal is anonymous and a temuan has no reporter")]
    NothingToUnseal,
    #[error("you already have a pending unseal request for this case")]
    AlreadyRequested,
    #[error("an identity custodian cannot decide their own unseal request")]
    OwnRequest,
    #[error("the request was already decided ({status})")]
    AlreadyDecided { status: String },
    #[error("only the officer who made the request may unseal with it")]
    NotRequester,
    #[error("the request is still waiting for the identity custodian's decision")]
    NotApproved,
    #[error("the identity custodian refused this request")]
    Refused,
    #[error("this approval was already used; make a new request")]
    AlreadyUnsealed,
    #[error("this approval expired at {valid_until}; make a new request")]
    Expired { valid_until: DateTime<Utc> },
    #[error("re-authenticate first: unsealing needs a sign-in confirmed within the last {max_age_minutes} minutes")]
    ReauthenticationRequired { max_age_minutes: i64 },
}

impl CustodyError {
    /// Stable machine code (problem+json `code`) for the web layer.
    pub fn code(&self) -> &'static str {
        match self {
            CustodyError::Core(_) => "core",
            CustodyError::NothingToUnseal => "nothing-to-unseal",
            CustodyError::AlreadyRequested => "unseal-already-requested",
            CustodyError::OwnRequest => "unseal-own-request",
            CustodyError::AlreadyDecided { .. } => "unseal-already-decided",
            CustodyError::NotRequester => "unseal-not-requester",
            CustodyError::NotApproved => "unseal-not-approved",
            CustodyError::Refused => "unseal-refused",
            CustodyError::AlreadyUnsealed => "unseal-already-used",
            CustodyError::Expired { .. } => "unseal-expired",
            CustodyError::ReauthenticationRequired { .. } => "reauthentication-required",
        }
    }
}

impl From<StoreError> for CustodyError {
    fn from(e: StoreError) -> Self {
        CustodyError::Core(e.into())
    }
}

impl From<Denied> for CustodyError {
    fn from(d: Denied) -> Self {
        // Out of scope becomes NotFound here.
        CustodyError::Core(d.into())
    }
}

/// A request to unseal the reporter identity of a laporan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Pelapor perlu diundang klarifikasi ulang; alamat dalam berkas tidak lengkap."}))]
pub struct UnsealRequestInput {
    /// Why the identity is needed (at least 20 characters).
    pub reason: String,
}

/// The identity custodian's decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approve": true, "reason": "Alasan sah: undangan klarifikasi pelapor (Ps 28 ayat 1)."}))]
pub struct UnsealDecisionInput {
    pub approve: bool,
    /// Why (at least 20 characters), also for an approval.
    pub reason: String,
}

/// An unseal request as officers and custodians see it. Never contains the identity.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct UnsealRequestView {
    pub id: String,
    pub case_id: String,
    pub case_number: Option<String>,
    /// Username of the requesting officer.
    pub requested_by: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// `pending`, `approved`, `refused`, `unsealed` or `expired` (an unused approval past its window).
    pub status: String,
    /// Username of the custodian who decided.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub unsealed_at: Option<DateTime<Utc>>,
    /// True when the viewing actor may unseal with this request now (after re-authenticating).
    pub can_unseal: bool,
}

/// The result of an unseal: the reporter identity of one laporan, for the requester only.
#[derive(Clone, Serialize, ToSchema)]
pub struct UnsealedIdentity {
    pub request_id: String,
    pub case_id: String,
    pub unsealed_at: DateTime<Utc>,
    pub reporter: ReporterInput,
}

impl std::fmt::Debug for UnsealedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the identity (panics and error logs use Debug).
        f.debug_struct("UnsealedIdentity")
            .field("request_id", &self.request_id)
            .field("case_id", &self.case_id)
            .finish_non_exhaustive()
    }
}

fn view(r: &UnsealRequestRecord, actor: &Actor, now: DateTime<Utc>) -> UnsealRequestView {
    let status = r.status_at(now);
    UnsealRequestView {
        id: r.id.clone(),
        case_id: r.case_id.clone(),
        case_number: r.case_number.clone(),
        requested_by: r.requested_by_name.clone(),
        reason: r.reason.clone(),
        requested_at: r.requested_at,
        status: status.as_str().to_owned(),
        decided_by: r.decided_by_name.clone(),
        decision_reason: r.decision_reason.clone(),
        decided_at: r.decided_at,
        valid_until: r.valid_until,
        unsealed_at: r.unsealed_at,
        can_unseal: status == UnsealStatus::Approved
            && r.requested_by == actor.user_id
            && policy::can(actor, Action::Unseal, None).is_ok(),
    }
}

fn written_reason(reason: &str) -> Result<String, CoreError> {
    let reason = reason.trim();
    if reason.chars().count() < REASON_MIN_CHARS {
        return Err(CoreError::invalid(
            "reason",
            "too_short",
            format!("write the reason in at least {REASON_MIN_CHARS} characters"),
        ));
    }
    Ok(reason.to_owned())
}

/// The audit log binds the reason by its hash; the text itself stays in `unseal_requests`, out of the
/// log that administrators and auditors read.
fn reason_hash(reason: &str) -> String {
    hex::encode(Sha256::digest(reason.as_bytes()))
}

/// Logs a refused attempt on a request the actor can see, then commits so the record survives the
/// refusal.
async fn deny(
    mut tx: Tx,
    actor: &Actor,
    action: &str,
    r: &UnsealRequestRecord,
    err: CustodyError,
    now: DateTime<Utc>,
) -> CustodyError {
    let ev = NewEvent {
        actor: &actor.username,
        action,
        entity_type: "unseal_request",
        entity_id: &r.id,
        payload: json!({"case_id": r.case_id, "request_id": r.id, "refused": err.code()}),
    };
    if let Err(e) = audit::append(&mut tx, ev, now).await {
        return e.into();
    }
    match tx.commit().await {
        Ok(()) => err,
        Err(e) => StoreError::from(e).into(),
    }
}

impl Netra {
    /// A Bawaslu officer in scope of the case asks to unseal the reporter identity of its laporan.
    pub async fn request_unseal(
        &self,
        actor: &Actor,
        case_id: &str,
        input: &UnsealRequestInput,
    ) -> Result<UnsealRequestView, CustodyError> {
        policy::can(actor, Action::RequestUnseal, None)?;
        let reason = written_reason(&input.reason)?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let (c, _) = load_for_action(&mut tx, actor, case_id, Action::RequestUnseal).await?;
        if c.kind != IntakeKind::Laporan || !custody::has_sealed_identity(&mut *tx, &c.intake_id).await? {
            return Err(CustodyError::NothingToUnseal);
        }
        let r = UnsealRequestRecord {
            id: new_id(),
            case_id: c.id.clone(),
            case_number: c.number.clone(),
            intake_id: c.intake_id.clone(),
            requested_by: actor.user_id.clone(),
            requested_by_name: actor.username.clone(),
            reason,
            requested_at: now,
            status: UnsealStatus::Pending,
            decided_by: None,
            decided_by_name: None,
            decision_reason: None,
            decided_at: None,
            valid_until: None,
            unsealed_at: None,
        };
        custody::insert_request(&mut tx, &r).await.map_err(|e| match e {
            StoreError::Duplicate(_) => CustodyError::AlreadyRequested,
            other => other.into(),
        })?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "custody.unseal_requested",
                entity_type: "unseal_request",
                entity_id: &r.id,
                payload: json!({
                    "case_id": r.case_id, "request_id": r.id, "intake_id": r.intake_id,
                    "reason_sha256": reason_hash(&r.reason), "reason_chars": r.reason.chars().count(),
                }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view(&r, actor, now))
    }

    /// The identity custodian approves or refuses a pending request in their region.
    pub async fn decide_unseal(
        &self,
        custodian: &Actor,
        request_id: &str,
        input: &UnsealDecisionInput,
    ) -> Result<UnsealRequestView, CustodyError> {
        policy::can(custodian, Action::DecideUnseal, None)?;
        let reason = written_reason(&input.reason)?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let mut r = custody::request_in_scope(&mut *tx, custodian, request_id).await?;
        load_for_action(&mut tx, custodian, &r.case_id, Action::DecideUnseal).await?;
        if r.requested_by == custodian.user_id {
            return Err(deny(tx, custodian, "custody.decision_denied", &r, CustodyError::OwnRequest, now).await);
        }
        if r.status != UnsealStatus::Pending {
            return Err(CustodyError::AlreadyDecided { status: r.status_at(now).as_str().to_owned() });
        }
        let valid_until = input.approve.then(|| now + APPROVAL_VALIDITY);
        let decision = Decision {
            approve: input.approve,
            decided_by: &custodian.user_id,
            decided_by_name: &custodian.username,
            reason: &reason,
            at: now,
            valid_until,
        };
        if !custody::decide(&mut tx, &r.id, &decision).await? {
            // Another custodian decided between our read and our write.
            let now_stored = custody::request_in_scope(&mut *tx, custodian, request_id).await?;
            return Err(CustodyError::AlreadyDecided { status: now_stored.status_at(now).as_str().to_owned() });
        }
        audit::append(
            &mut tx,
            NewEvent {
                actor: &custodian.username,
                action: if input.approve { "custody.unseal_approved" } else { "custody.unseal_refused" },
                entity_type: "unseal_request",
                entity_id: &r.id,
                payload: json!({
                    "case_id": r.case_id, "request_id": r.id, "requested_by": r.requested_by_name,
                    "valid_until": valid_until, "reason_sha256": reason_hash(&reason),
                }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        r.status = if input.approve { UnsealStatus::Approved } else { UnsealStatus::Refused };
        r.decided_by = Some(custodian.user_id.clone());
        r.decided_by_name = Some(custodian.username.clone());
        r.decision_reason = Some(reason);
        r.decided_at = Some(now);
        r.valid_until = valid_until;
        Ok(view(&r, custodian, now))
    }

    /// The requester reads the reporter identity under an approved request: once, within the
    /// approval's validity window, and only if `reauthenticated_at` (the session's last
    /// re-authentication, supplied by the web layer) is at most [`REAUTH_MAX_AGE`] old.
    pub async fn unseal_identity(
        &self,
        actor: &Actor,
        request_id: &str,
        reauthenticated_at: DateTime<Utc>,
    ) -> Result<UnsealedIdentity, CustodyError> {
        policy::can(actor, Action::Unseal, None)?;
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let r = custody::request_in_scope(&mut *tx, actor, request_id).await?;
        load_for_action(&mut tx, actor, &r.case_id, Action::Unseal).await?;
        let refusal = if r.requested_by != actor.user_id {
            Some(CustodyError::NotRequester)
        } else {
            match r.status_at(now) {
                UnsealStatus::Pending => Some(CustodyError::NotApproved),
                UnsealStatus::Refused => Some(CustodyError::Refused),
                UnsealStatus::Unsealed => Some(CustodyError::AlreadyUnsealed),
                UnsealStatus::Expired => {
                    Some(CustodyError::Expired { valid_until: r.valid_until.unwrap_or(r.requested_at) })
                }
                UnsealStatus::Approved => {
                    let age = now - reauthenticated_at;
                    (age > REAUTH_MAX_AGE || age < -REAUTH_FUTURE_SKEW).then_some(
                        CustodyError::ReauthenticationRequired { max_age_minutes: REAUTH_MAX_AGE.num_minutes() },
                    )
                }
            }
        };
        if let Some(err) = refusal {
            return Err(deny(tx, actor, "custody.unseal_denied", &r, err, now).await);
        }
        let sealed = custody::sealed_identity(&mut *tx, &r.intake_id).await?.ok_or(CustodyError::NothingToUnseal)?;
        if sealed.key_id != self.sealer.key_id() {
            return Err(CoreError::Seal.into());
        }
        let plain = self.sealer.open(&sealed.nonce, &sealed.ciphertext, r.intake_id.as_bytes())?;
        let reporter: ReporterInput = serde_json::from_slice(&plain).map_err(|_| CoreError::Seal)?;
        if !custody::mark_unsealed(&mut tx, &r.id, now).await? {
            // A concurrent unseal with the same approval committed first.
            return Err(CustodyError::AlreadyUnsealed);
        }
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "custody.unsealed",
                entity_type: "unseal_request",
                entity_id: &r.id,
                payload: json!({
                    "case_id": r.case_id, "request_id": r.id, "intake_id": r.intake_id,
                    "approved_by": r.decided_by_name, "reauthenticated_at": reauthenticated_at,
                }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(UnsealedIdentity { request_id: r.id, case_id: r.case_id, unsealed_at: now, reporter })
    }

    /// The custodian's queue: pending requests on cases in their region, oldest first.
    pub async fn pending_unseal_requests(&self, custodian: &Actor) -> Result<Vec<UnsealRequestView>, CustodyError> {
        policy::can(custodian, Action::DecideUnseal, None)?;
        let now = self.now();
        Ok(custody::pending_in_scope(&self.db, custodian).await?.iter().map(|r| view(r, custodian, now)).collect())
    }

    /// Every unseal request of one case (officers and custodians in scope), oldest first.
    pub async fn unseal_requests_for_case(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<UnsealRequestView>, CustodyError> {
        policy::can(actor, Action::ListUnsealRequests, None)?;
        let now = self.now();
        let c = cases::case_in_scope(&self.db.pool, actor, case_id).await?;
        let tracks = cases::tracks(&self.db.pool, case_id).await?;
        let region = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        let agencies: Vec<String> = tracks.iter().filter_map(|t| t.agency_id.clone()).collect();
        policy::can(actor, Action::ListUnsealRequests, Some(&target_of(&c, &region, &agencies)))?;
        Ok(custody::requests_for_case(&self.db, case_id).await?.iter().map(|r| view(r, actor, now)).collect())
    }
}
