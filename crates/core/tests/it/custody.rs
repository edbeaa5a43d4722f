//! Identity custody (`netra_core::custody`): request → custodian's decision → one unseal with fresh
//! re-authentication, and every refusal on the way. Each test runs on SQLite and PostgreSQL
//! (`netra_testkit::on_all_backends!`) with a manual clock.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use netra_core::custody::{APPROVAL_VALIDITY, CustodyError, REAUTH_MAX_AGE, UnsealDecisionInput, UnsealRequestInput};
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput};
use netra_core::workflow::{CaseCommand, CaseTransitionRequest};
use netra_core::{CoreError, ManualClock, Netra, Sealer};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Denied, Role, Scope};
use netra_store::Db;
use netra_store::audit::{self, AuditEvent, Verification};

type Result = anyhow::Result<()>;

const REPORTER_NAME: &str = "Siti Rahmawati";
const REPORTER_ADDRESS: &str = "Jl. Pemuda No. 12, Semarang";
const REPORTER_PHONE: &str = "081234567890";
const REASON: &str = "Pelapor perlu diundang klarifikasi ulang; alamat dalam berkas tidak lengkap.";
const DECISION: &str = "Alasan sah: undangan klarifikasi pelapor sesuai Ps 28 ayat (1).";

pub(crate) fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
}

pub(crate) fn actor(user_id: &str, role: Role, region: Option<&str>, agency: Option<&str>) -> Actor {
    Actor {
        user_id: user_id.into(),
        username: user_id.into(),
        role,
        scope: Scope {
            region: region.map(|r| netra_domain::ids::RegionCode::parse(r).expect("region")),
            agency_id: agency.map(str::to_owned),
        },
    }
}

/// The officer of Bawaslu Kota Semarang who investigates.
pub(crate) fn officer() -> Actor {
    actor("siti-officer", Role::BawasluKabKota, Some("33.74"), None)
}

/// A second officer of the same office.
fn colleague() -> Actor {
    actor("agus-officer", Role::BawasluKabKota, Some("33.74"), None)
}

/// The identity custodian of Jawa Tengah.
fn custodian() -> Actor {
    actor("rina-custodian", Role::IdentityCustodian, Some("33"), None)
}

pub(crate) struct Fx {
    pub(crate) netra: Netra,
    clock: Arc<ManualClock>,
}

impl Fx {
    pub(crate) async fn new(db: &Db) -> anyhow::Result<Fx> {
        netra_testkit::seed_pilkada_2024(db).await?;
        let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
        let netra = Netra::new(db.clone(), Sealer::new([9; 32]), NumberTemplate::default_template(), clock.clone());
        Ok(Fx { netra, clock })
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.netra.now()
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.clock.set(self.now() + by);
    }

    /// Files a public report in Kota Semarang and returns its case id.
    pub(crate) async fn report(&self, kind: &str) -> anyhow::Result<String> {
        Ok(self.submit(kind).await?.case_id)
    }

    /// Files a public report in Kota Semarang and returns its receipt.
    pub(crate) async fn submit(&self, kind: &str) -> anyhow::Result<netra_core::intake::ReportReceipt> {
        let input = ReportInput {
            kind: kind.into(),
            election: "pilkada-2024".into(),
            reporter: (kind == "laporan").then(|| ReporterInput {
                name: REPORTER_NAME.into(),
                address: REPORTER_ADDRESS.into(),
                nik: None,
                phone: Some(REPORTER_PHONE.into()),
                email: None,
            }),
            known_at: t("2024-10-14T02:00:00Z"),
            act: ActInput {
                occurred_at: t("2024-10-13T03:00:00Z"),
                region_code: "33.74.01".into(),
                description: "Seorang camat mengunggah foto bersama paslon nomor urut 2 dengan ajakan memilih.".into(),
                violation_codes: vec!["D-2".into()],
                candidate_id: None,
                medium: "social_media".into(),
                platform: Some("facebook".into()),
                url: Some("https://facebook.com/example/posts/1".into()),
            },
            subjects: vec![SubjectInput {
                name: "Budi Santoso".into(),
                nip: Some("197805122005011003".into()),
                agency: Some("pemkot-semarang".into()),
                employment_type: None,
                position_class: None,
                position_title: Some("Camat".into()),
                territorial_head: true,
                work_region: None,
            }],
        };
        Ok(self.netra.submit_report(&input, None).await?)
    }

    async fn request(&self, who: &Actor, case_id: &str) -> std::result::Result<String, CustodyError> {
        Ok(self.netra.request_unseal(who, case_id, &UnsealRequestInput { reason: REASON.into() }).await?.id)
    }

    async fn decide(&self, who: &Actor, request_id: &str, approve: bool) -> std::result::Result<String, CustodyError> {
        let input = UnsealDecisionInput { approve, reason: DECISION.into() };
        Ok(self.netra.decide_unseal(who, request_id, &input).await?.status)
    }

    /// Audit events of one unseal request, oldest first.
    async fn events(&self, request_id: &str) -> anyhow::Result<Vec<AuditEvent>> {
        Ok(audit::for_entity(&self.netra.db, "unseal_request", request_id).await?)
    }

    async fn count(&self, request_id: &str, action: &str) -> anyhow::Result<usize> {
        Ok(self.events(request_id).await?.iter().filter(|e| e.action == action).count())
    }

    /// A request by the officer, approved by the custodian.
    async fn approved(&self, case_id: &str) -> anyhow::Result<String> {
        let id = self.request(&officer(), case_id).await?;
        assert_eq!(self.decide(&custodian(), &id, true).await?, "approved");
        Ok(id)
    }
}

fn is_not_found(e: &CustodyError) -> bool {
    matches!(e, CustodyError::Core(CoreError::NotFound))
}

fn is_role_denied(e: &CustodyError) -> bool {
    matches!(e, CustodyError::Core(CoreError::Denied(Denied::Role { .. })))
}

/// No audit payload ever holds the reporter's name, address or phone.
async fn assert_audit_free_of_identity(db: &Db) -> Result {
    let rows = sqlx::query("SELECT payload FROM audit_events").fetch_all(&db.pool).await?;
    for r in rows {
        let payload: String = sqlx::Row::try_get(&r, "payload")?;
        for secret in [REPORTER_NAME, REPORTER_ADDRESS, REPORTER_PHONE] {
            anyhow::ensure!(!payload.contains(secret), "audit payload leaks `{secret}`: {payload}");
        }
    }
    Ok(())
}

async fn whole_flow(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;

    let req = fx.netra.request_unseal(&officer(), &case_id, &UnsealRequestInput { reason: REASON.into() }).await?;
    assert_eq!(req.status, "pending");
    assert_eq!(req.requested_by, "siti-officer");
    assert!(!req.can_unseal);

    // The custodian sees it in the queue; the case's officers see it on the case.
    let queue = fx.netra.pending_unseal_requests(&custodian()).await?;
    assert_eq!(queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [req.id.as_str()]);
    assert_eq!(queue[0].reason, REASON);
    assert_eq!(fx.netra.unseal_requests_for_case(&colleague(), &case_id).await?.len(), 1);

    fx.advance(Duration::hours(2));
    let decided = fx
        .netra
        .decide_unseal(&custodian(), &req.id, &UnsealDecisionInput { approve: true, reason: DECISION.into() })
        .await?;
    assert_eq!(decided.status, "approved");
    assert_eq!(decided.decided_by.as_deref(), Some("rina-custodian"));
    assert_eq!(decided.valid_until, Some(fx.now() + APPROVAL_VALIDITY));
    assert!(fx.netra.pending_unseal_requests(&custodian()).await?.is_empty());
    let listed = fx.netra.unseal_requests_for_case(&officer(), &case_id).await?;
    assert!(listed[0].can_unseal, "the requester may unseal now");
    assert!(!fx.netra.unseal_requests_for_case(&colleague(), &case_id).await?[0].can_unseal);

    fx.advance(Duration::minutes(30));
    let reauth = fx.now() - Duration::minutes(1);
    let before = fx.events(&req.id).await?.len();
    let id = fx.netra.unseal_identity(&officer(), &req.id, reauth).await?;
    assert_eq!(id.reporter.name, REPORTER_NAME);
    assert_eq!(id.reporter.address, REPORTER_ADDRESS);
    assert_eq!(id.reporter.phone.as_deref(), Some(REPORTER_PHONE));
    assert_eq!(id.case_id, case_id);
    assert!(!format!("{id:?}").contains(REPORTER_NAME), "Debug must not print the identity");

    // Exactly one audit event for the unseal: who, which case, which request — never the identity.
    let events = fx.events(&req.id).await?;
    assert_eq!(events.len(), before + 1);
    let ev = events.last().expect("the unseal event");
    assert_eq!(ev.action, "custody.unsealed");
    assert_eq!(ev.actor, "siti-officer");
    assert_eq!(ev.payload["case_id"], case_id.as_str());
    assert_eq!(ev.payload["request_id"], req.id.as_str());
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["custody.unseal_requested", "custody.unseal_approved", "custody.unsealed"]);
    assert_audit_free_of_identity(db).await?;
    assert!(matches!(audit::verify(db).await?, Verification::Intact { .. }));

    let after = fx.netra.unseal_requests_for_case(&officer(), &case_id).await?;
    assert_eq!(after[0].status, "unsealed");
    assert_eq!(after[0].unsealed_at, Some(fx.now()));
    assert!(!after[0].can_unseal);
    Ok(())
}
netra_testkit::on_all_backends!(whole_flow_request_approve_unseal, whole_flow);

async fn second_unseal_is_refused(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.approved(&case_id).await?;
    fx.netra.unseal_identity(&officer(), &id, fx.now()).await?;
    fx.advance(Duration::minutes(1));
    let e = fx.netra.unseal_identity(&officer(), &id, fx.now()).await.unwrap_err();
    assert!(matches!(e, CustodyError::AlreadyUnsealed), "{e:?}");
    // Still exactly one unseal; the refused attempt is logged as a denial.
    assert_eq!(fx.count(&id, "custody.unsealed").await?, 1);
    assert_eq!(fx.count(&id, "custody.unseal_denied").await?, 1);
    Ok(())
}
netra_testkit::on_all_backends!(a_second_unseal_is_refused, second_unseal_is_refused);

async fn stale_reauthentication(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.approved(&case_id).await?;
    let stale = fx.now() - REAUTH_MAX_AGE - Duration::seconds(1);
    let e = fx.netra.unseal_identity(&officer(), &id, stale).await.unwrap_err();
    assert!(matches!(e, CustodyError::ReauthenticationRequired { max_age_minutes: 5 }), "{e:?}");
    assert_eq!(e.code(), "reauthentication-required");
    // A re-authentication "from the future" is not fresh either.
    let e = fx.netra.unseal_identity(&officer(), &id, fx.now() + Duration::minutes(10)).await.unwrap_err();
    assert!(matches!(e, CustodyError::ReauthenticationRequired { .. }), "{e:?}");
    assert_eq!(fx.count(&id, "custody.unsealed").await?, 0);
    // The approval was not used up: after re-authenticating, the unseal works.
    let exact = fx.now() - REAUTH_MAX_AGE;
    assert_eq!(fx.netra.unseal_identity(&officer(), &id, exact).await?.reporter.name, REPORTER_NAME);
    assert_eq!(fx.count(&id, "custody.unsealed").await?, 1);
    Ok(())
}
netra_testkit::on_all_backends!(stale_reauthentication_is_refused, stale_reauthentication);

async fn refusal_paths(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;

    // A short reason is refused before anything is stored.
    let e = fx.netra.request_unseal(&officer(), &case_id, &UnsealRequestInput { reason: "  perlu  ".into() }).await;
    assert!(matches!(e, Err(CustodyError::Core(CoreError::Invalid(ref f))) if f[0].code == "too_short"), "{e:?}");

    let id = fx.request(&officer(), &case_id).await?;
    // One pending request per officer and case.
    assert!(matches!(fx.request(&officer(), &case_id).await, Err(CustodyError::AlreadyRequested)));

    // Not approved yet: nothing to read.
    let e = fx.netra.unseal_identity(&officer(), &id, fx.now()).await.unwrap_err();
    assert!(matches!(e, CustodyError::NotApproved), "{e:?}");

    // Officers do not decide; custodians do not request.
    assert!(is_role_denied(&fx.decide(&colleague(), &id, true).await.unwrap_err()));
    assert!(is_role_denied(&fx.request(&custodian(), &case_id).await.unwrap_err()));

    // Refused: the requester cannot unseal, and the decision is final.
    assert_eq!(fx.decide(&custodian(), &id, false).await?, "refused");
    let e = fx.netra.unseal_identity(&officer(), &id, fx.now()).await.unwrap_err();
    assert!(matches!(e, CustodyError::Refused), "{e:?}");
    let e = fx.decide(&custodian(), &id, true).await.unwrap_err();
    assert!(matches!(e, CustodyError::AlreadyDecided { ref status } if status == "refused"), "{e:?}");

    // A new request after a refusal is allowed; only the requester may use its approval.
    let id2 = fx.approved(&case_id).await?;
    let e = fx.netra.unseal_identity(&colleague(), &id2, fx.now()).await.unwrap_err();
    assert!(matches!(e, CustodyError::NotRequester), "{e:?}");

    // An approval expires unused after its validity window.
    fx.advance(APPROVAL_VALIDITY + Duration::minutes(1));
    let listed = fx.netra.unseal_requests_for_case(&officer(), &case_id).await?;
    assert_eq!(listed.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(), ["refused", "expired"]);
    let e = fx.netra.unseal_identity(&officer(), &id2, fx.now()).await.unwrap_err();
    assert!(matches!(e, CustodyError::Expired { .. }), "{e:?}");

    assert_eq!(fx.count(&id, "custody.unsealed").await? + fx.count(&id2, "custody.unsealed").await?, 0);
    assert_audit_free_of_identity(db).await?;
    Ok(())
}
netra_testkit::on_all_backends!(refusal_paths_of_request_decision_and_unseal, refusal_paths);

async fn self_approval(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.request(&officer(), &case_id).await?;
    // The same person later holds the custodian role (same user id): they cannot decide their own
    // request.
    let same_person = Actor { role: Role::IdentityCustodian, scope: custodian().scope, ..officer() };
    let e = fx.decide(&same_person, &id, true).await.unwrap_err();
    assert!(matches!(e, CustodyError::OwnRequest), "{e:?}");
    assert_eq!(fx.count(&id, "custody.decision_denied").await?, 1);
    assert_eq!(fx.netra.pending_unseal_requests(&custodian()).await?.len(), 1, "still pending");
    Ok(())
}
netra_testkit::on_all_backends!(a_custodian_cannot_approve_their_own_request, self_approval);

async fn out_of_scope_is_not_found(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.request(&officer(), &case_id).await?;
    let garut = actor("garut-officer", Role::BawasluKabKota, Some("32.05"), None);
    let jabar_custodian = actor("jabar-custodian", Role::IdentityCustodian, Some("32"), None);
    let missing = "0190aaaa-0000-7000-8000-000000000000";

    // Out of scope answers exactly like a missing object.
    for (e, m) in [
        (fx.request(&garut, &case_id).await.unwrap_err(), fx.request(&garut, missing).await.unwrap_err()),
        (
            fx.decide(&jabar_custodian, &id, true).await.unwrap_err(),
            fx.decide(&jabar_custodian, missing, true).await.unwrap_err(),
        ),
        (
            fx.netra.unseal_requests_for_case(&garut, &case_id).await.unwrap_err(),
            fx.netra.unseal_requests_for_case(&garut, missing).await.unwrap_err(),
        ),
    ] {
        assert!(is_not_found(&e) && is_not_found(&m), "{e:?} / {m:?}");
        assert_eq!(e.to_string(), m.to_string());
    }
    assert!(fx.netra.pending_unseal_requests(&jabar_custodian).await?.is_empty());

    // An approved request is as invisible to an officer outside the case's region as the case.
    assert_eq!(fx.decide(&custodian(), &id, true).await?, "approved");
    let e = fx.netra.unseal_identity(&garut, &id, fx.now()).await.unwrap_err();
    assert!(is_not_found(&e), "{e:?}");
    assert_eq!(fx.count(&id, "custody.unseal_denied").await?, 0, "out of scope leaves no trace in the request");
    Ok(())
}
netra_testkit::on_all_backends!(out_of_scope_is_answered_as_not_found, out_of_scope_is_not_found);

async fn other_roles_never_take_part(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.approved(&case_id).await?;
    // Forward the case so the authority and the PPK can see it at all.
    let req = CaseTransitionRequest {
        expected_version: 1,
        command: CaseCommand::ForwardDirect {
            reason: "Murni dugaan pelanggaran netralitas ASN.".into(),
            letter_number: None,
        },
    };
    fx.netra.transition_case(&officer(), &case_id, &req).await?;
    let outsiders = [
        actor("ppk", Role::Ppk, None, Some("ag-smg")),
        actor("bkn", Role::AuthorityVerifier, None, None),
        actor("bkn-analyst", Role::AuthorityAnalyst, None, None),
        actor("inspektorat", Role::Inspectorate, None, Some("ag-smg")),
        actor("admin", Role::Administrator, None, None),
        actor("auditor", Role::Auditor, None, None),
    ];
    for a in &outsiders {
        assert!(is_role_denied(&fx.request(a, &case_id).await.unwrap_err()), "{:?} request", a.role);
        assert!(is_role_denied(&fx.decide(a, &id, true).await.unwrap_err()), "{:?} decide", a.role);
        assert!(is_role_denied(&fx.netra.unseal_identity(a, &id, fx.now()).await.unwrap_err()), "{:?} unseal", a.role);
        assert!(
            is_role_denied(&fx.netra.unseal_requests_for_case(a, &case_id).await.unwrap_err()),
            "{:?} list",
            a.role
        );
        assert!(is_role_denied(&fx.netra.pending_unseal_requests(a).await.unwrap_err()), "{:?} queue", a.role);
    }
    // The case view holds no identity, for anyone, even after an unseal.
    fx.netra.unseal_identity(&officer(), &id, fx.now()).await?;
    for a in [&outsiders[0], &outsiders[1], &outsiders[3], &officer(), &custodian()] {
        let view = serde_json::to_string(&fx.netra.case_view(a, &case_id).await?)?;
        for secret in [REPORTER_NAME, REPORTER_ADDRESS, REPORTER_PHONE] {
            assert!(!view.contains(secret), "{:?} case view leaks `{secret}`", a.role);
        }
        assert!(!view.contains("custody."), "custody events stay out of the case timeline");
    }
    assert_audit_free_of_identity(db).await?;
    Ok(())
}
netra_testkit::on_all_backends!(other_roles_never_request_decide_or_unseal, other_roles_never_take_part);

async fn anonymous_tip(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("informasi_awal").await?;
    let e = fx.request(&officer(), &case_id).await.unwrap_err();
    assert!(matches!(e, CustodyError::NothingToUnseal), "{e:?}");
    assert_eq!(e.code(), "nothing-to-unseal");
    assert!(fx.netra.unseal_requests_for_case(&officer(), &case_id).await?.is_empty());
    Ok(())
}
netra_testkit::on_all_backends!(anonymous_informasi_awal_has_nothing_to_unseal, anonymous_tip);

async fn concurrent_unseals(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let case_id = fx.report("laporan").await?;
    let id = fx.approved(&case_id).await?;
    let (me, now) = (officer(), fx.now());
    let (a, b) = tokio::join!(fx.netra.unseal_identity(&me, &id, now), fx.netra.unseal_identity(&me, &id, now));
    let ok = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(ok, 1, "exactly one of two concurrent unseals succeeds: {a:?} / {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(CustodyError::AlreadyUnsealed)), "{loser:?}");
    assert_eq!(fx.count(&id, "custody.unsealed").await?, 1);
    Ok(())
}
netra_testkit::on_all_backends!(concurrent_unseals_succeed_once, concurrent_unseals);
