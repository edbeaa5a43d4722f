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
    fn administrators_cannot_read_cases() {
        let a = actor(Role::Administrator, None, None);
        assert!(matches!(can(&a, Action::ViewCase, None), Err(Denied::Role { .. })));
        assert!(can(&a, Action::ManageUsers, None).is_ok());
    }
}
