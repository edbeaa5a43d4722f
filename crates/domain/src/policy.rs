//! Who may do what: roles, scopes and the one `can` function every use case calls.
//!
//! Deny by default: an action not listed for a role is refused. Scope is a region subtree and/or an
//! agency; storage applies the same scope to every case query, so a missing check cannot leak rows.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::RegionCode;
use crate::workflow::{CaseAction, TrackAction, str_enum};

str_enum! {
    /// Official roles (see docs/domain.md).
    pub enum Role {
        BawasluRi => "bawaslu_ri",
        BawasluProvinsi => "bawaslu_provinsi",
        BawasluKabKota => "bawaslu_kabkota",
        PanwasluKecamatan => "panwaslu_kecamatan",
        IdentityCustodian => "identity_custodian",
        AuthorityVerifier => "authority_verifier",
        AuthorityAnalyst => "authority_analyst",
        Ppk => "ppk",
        Inspectorate => "inspectorate",
        Administrator => "administrator",
        Auditor => "auditor",
    }
}

impl Role {
    pub fn is_bawaslu(self) -> bool {
        matches!(self, Role::BawasluRi | Role::BawasluProvinsi | Role::BawasluKabKota | Role::PanwasluKecamatan)
    }

    pub fn is_authority(self) -> bool {
        matches!(self, Role::AuthorityVerifier | Role::AuthorityAnalyst)
    }

    /// Roles that only see cases once Bawaslu has forwarded at least one ASN.
    pub fn sees_forwarded_only(self) -> bool {
        matches!(self, Role::AuthorityVerifier | Role::AuthorityAnalyst | Role::Ppk | Role::Inspectorate)
    }
}

/// What an actor can see: a region subtree (none = national), and for PPK/inspectorate an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Scope {
    pub region: Option<RegionCode>,
    pub agency_id: Option<String>,
}

impl Scope {
    pub fn national() -> Self {
        Scope::default()
    }

    pub fn covers_region(&self, code: &RegionCode) -> bool {
        self.region.as_ref().is_none_or(|r| code.is_within(r))
    }
}

/// The authenticated official performing a use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// The actor used by command-line jobs (demo loader, imports); it is recorded in the audit log.
    pub fn system(job: &str) -> Self {
        Actor {
            user_id: format!("system:{job}"),
            username: format!("system:{job}"),
            role: Role::BawasluRi,
            scope: Scope::national(),
        }
    }
}

/// Things an actor may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ListCases,
    ViewCase,
    CreateTemuan,
    Case(CaseAction),
    ScheduleClarification,
    RecordAttendance,
    Track(TrackAction),
    ManageUsers,
    ManageReferenceData,
    ReadAuditLog,
    /// Ask the identity custodian to unseal a laporan's reporter identity (with a written reason).
    RequestUnseal,
    /// Approve or refuse an unseal request (the identity custodian only, never their own request).
    DecideUnseal,
    /// Read the identity under an approved request (the requester only, with fresh re-authentication).
    Unseal,
    /// See the unseal requests of a case (who asked, why, what was decided; never the identity).
    ListUnsealRequests,
    /// Read the messages a reporter exchanged with the handling office.
    ReadReporterMessages,
    /// Write to the reporter through the portal.
    MessageReporter,
}

/// Facts about the object an action touches, as far as policy needs them.
#[derive(Debug, Clone, Default)]
pub struct Target<'a> {
    pub handling_region: Option<&'a RegionCode>,
    /// Agencies of the subjects involved (for PPK/inspectorate scope).
    pub agencies: &'a [String],
    /// True once at least one subject was forwarded to the authority.
    pub forwarded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Denied {
    #[error("role `{role}` may not perform `{action}`")]
    Role { role: Role, action: String },
    /// Outside the actor's scope: callers must answer exactly like "not found".
    #[error("object is outside the actor's scope")]
    OutOfScope,
}

fn action_name(a: Action) -> String {
    match a {
        Action::Case(c) => c.as_str().to_owned(),
        Action::Track(t) => t.as_str().to_owned(),
        other => format!("{other:?}"),
    }
}

fn role_allows(role: Role, action: Action) -> bool {
    use TrackAction as T;
    match action {
        Action::ListCases | Action::ViewCase => !matches!(role, Role::Administrator | Role::Auditor),
        Action::CreateTemuan | Action::Case(_) | Action::ScheduleClarification | Action::RecordAttendance => {
            role.is_bawaslu()
        }
        // The plenary decides per subject; the resulting Forward/Drop are Bawaslu's.
        Action::Track(T::Forward | T::Drop) => role.is_bawaslu(),
        Action::Track(T::RecordSanction) => matches!(role, Role::Ppk | Role::AuthorityVerifier),
        Action::Track(_) => role == Role::AuthorityVerifier,
        Action::ManageUsers | Action::ManageReferenceData => role == Role::Administrator,
        Action::ReadAuditLog => matches!(role, Role::Auditor | Role::Administrator),
        // Sealed reporter identity stays with Bawaslu: the investigating officers ask and read, the
        // custodian decides. The PPK, the authority, the inspectorate, administrators and auditors
        // never take part (security.md, promise 1).
        Action::RequestUnseal | Action::Unseal => role.is_bawaslu(),
        Action::DecideUnseal => role == Role::IdentityCustodian,
        Action::ListUnsealRequests => role.is_bawaslu() || role == Role::IdentityCustodian,
        // What a reporter writes can identify them: it stays with the office handling the report.
        Action::ReadReporterMessages | Action::MessageReporter => role.is_bawaslu(),
    }
}

/// The single authorisation decision. `target` is `None` for actions without an object.
pub fn can(actor: &Actor, action: Action, target: Option<&Target<'_>>) -> Result<(), Denied> {
    if !role_allows(actor.role, action) {
        return Err(Denied::Role { role: actor.role, action: action_name(action) });
    }
    let Some(t) = target else { return Ok(()) };
    if actor.role.sees_forwarded_only() && !t.forwarded {
        return Err(Denied::OutOfScope);
    }
    if let Some(agency) = &actor.scope.agency_id
        && !t.agencies.iter().any(|a| a == agency)
    {
        return Err(Denied::OutOfScope);
    }
    if let (Some(_), Some(code)) = (&actor.scope.region, t.handling_region)
        && !actor.scope.covers_region(code)
    {
        return Err(Denied::OutOfScope);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, region: Option<&str>, agency: Option<&str>) -> Actor {
        Actor {
            user_id: "u".into(),
            username: "u".into(),
            role,
            scope: Scope {
                region: region.map(|r| RegionCode::parse(r).unwrap()),
                agency_id: agency.map(str::to_owned),
            },
        }
    }

    #[test]
    fn region_scope_is_a_subtree() {
        let kab = RegionCode::parse("33.09").unwrap();
        let other = RegionCode::parse("33.10").unwrap();
        let a = actor(Role::BawasluProvinsi, Some("33"), None);
        let t = Target { handling_region: Some(&kab), ..Default::default() };
        assert!(can(&a, Action::ViewCase, Some(&t)).is_ok());
        let b = actor(Role::BawasluKabKota, Some("33.10"), None);
        assert_eq!(can(&b, Action::ViewCase, Some(&t)), Err(Denied::OutOfScope));
        let t2 = Target { handling_region: Some(&other), ..Default::default() };
        assert!(can(&b, Action::Case(CaseAction::Register), Some(&t2)).is_ok());
    }

    #[test]
    fn ppk_sees_only_forwarded_cases_of_own_agency() {
        let kab = RegionCode::parse("33.09").unwrap();
        let agencies = vec!["ag-1".to_owned()];
        let p = actor(Role::Ppk, None, Some("ag-1"));
        let mut t = Target { handling_region: Some(&kab), agencies: &agencies, forwarded: false };
        assert_eq!(can(&p, Action::ViewCase, Some(&t)), Err(Denied::OutOfScope));
        t.forwarded = true;
        assert!(can(&p, Action::ViewCase, Some(&t)).is_ok());
        assert!(can(&p, Action::Track(TrackAction::RecordSanction), Some(&t)).is_ok());
        assert!(can(&p, Action::Track(TrackAction::BlockData), Some(&t)).is_err());
        let other = actor(Role::Ppk, None, Some("ag-2"));
        assert_eq!(can(&other, Action::ViewCase, Some(&t)), Err(Denied::OutOfScope));
    }

    #[test]
    fn only_bawaslu_requests_and_reads_and_only_the_custodian_decides() {
        let kab = RegionCode::parse("33.74").unwrap();
        let t = Target { handling_region: Some(&kab), forwarded: true, ..Default::default() };
        for role in Role::ALL {
            let a = actor(*role, None, None);
            let request = can(&a, Action::RequestUnseal, Some(&t)).is_ok();
            let unseal = can(&a, Action::Unseal, Some(&t)).is_ok();
            let decide = can(&a, Action::DecideUnseal, Some(&t)).is_ok();
            let list = can(&a, Action::ListUnsealRequests, Some(&t)).is_ok();
            assert_eq!(request, role.is_bawaslu(), "{role} request");
            assert_eq!(unseal, role.is_bawaslu(), "{role} unseal");
            assert_eq!(decide, *role == Role::IdentityCustodian, "{role} decide");
            assert_eq!(list, role.is_bawaslu() || *role == Role::IdentityCustodian, "{role} list");
        }
        for role in [Role::Ppk, Role::Inspectorate, Role::AuthorityVerifier, Role::AuthorityAnalyst] {
            let a = actor(role, None, Some("ag-1"));
            for action in [Action::RequestUnseal, Action::DecideUnseal, Action::Unseal, Action::ListUnsealRequests] {
                assert!(matches!(can(&a, action, Some(&t)), Err(Denied::Role { .. })), "{role} {action:?}");
            }
        }
    }

    #[test]
    fn custodian_scope_is_a_region_subtree() {
        let inside = RegionCode::parse("33.74").unwrap();
        let outside = RegionCode::parse("32.05").unwrap();
        let c = actor(Role::IdentityCustodian, Some("33"), None);
        let t_in = Target { handling_region: Some(&inside), ..Default::default() };
        let t_out = Target { handling_region: Some(&outside), ..Default::default() };
        assert!(can(&c, Action::DecideUnseal, Some(&t_in)).is_ok());
        assert_eq!(can(&c, Action::DecideUnseal, Some(&t_out)), Err(Denied::OutOfScope));
        let officer = actor(Role::BawasluKabKota, Some("32.05"), None);
        assert_eq!(can(&officer, Action::RequestUnseal, Some(&t_in)), Err(Denied::OutOfScope));
        assert!(can(&officer, Action::RequestUnseal, Some(&t_out)).is_ok());
    }

    #[test]
    fn administrators_cannot_read_cases() {
        let a = actor(Role::Administrator, None, None);
        assert!(matches!(can(&a, Action::ViewCase, None), Err(Denied::Role { .. })));
        assert!(can(&a, Action::ManageUsers, None).is_ok());
    }
}
