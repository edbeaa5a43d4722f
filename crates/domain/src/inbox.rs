//! What "needs my action" means for each role, derived from the workflow tables and the policy so
//! that the desk can never disagree with what the case page lets the official do.

use crate::policy::{Action, Actor, Role, Scope, can};
use crate::workflow::{CaseState, TrackState, TrackStatus, allowed_case_actions, allowed_track_actions};

fn probe(role: Role) -> Actor {
    Actor { user_id: String::new(), username: String::new(), role, scope: Scope::national() }
}

/// Case states in which `role` may perform at least one case action.
pub fn actionable_case_states(role: Role) -> Vec<&'static str> {
    let a = probe(role);
    CaseState::ALL
        .iter()
        .filter(|s| allowed_case_actions(**s).into_iter().any(|x| can(&a, Action::Case(x), None).is_ok()))
        .map(|s| s.as_str())
        .collect()
}

/// Track states in which `role` may perform at least one track action, except Bawaslu's own
/// forward/drop, which happen through the case's plenary decision and so are covered by case states.
pub fn actionable_track_states(role: Role) -> Vec<&'static str> {
    if role.is_bawaslu() {
        return Vec::new();
    }
    let a = probe(role);
    TrackState::ALL
        .iter()
        .filter(|s| {
            [false, true].into_iter().any(|blocked| {
                allowed_track_actions(TrackStatus { state: **s, data_blocked: blocked })
                    .into_iter()
                    .any(|x| can(&a, Action::Track(x), None).is_ok())
            })
        })
        .map(|s| s.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inboxes_follow_the_workflow_and_policy() {
        let kab = actionable_case_states(Role::BawasluKabKota);
        assert!(kab.contains(&"received") && kab.contains(&"plenary"));
        assert!(!kab.contains(&"referred") && !kab.contains(&"stopped"));
        assert!(actionable_track_states(Role::BawasluKabKota).is_empty());

        let ppk = actionable_track_states(Role::Ppk);
        assert!(ppk.contains(&"awaiting_ppk") && ppk.contains(&"overdue"));
        assert!(!ppk.contains(&"awaiting_verification"));
        assert!(actionable_case_states(Role::Ppk).is_empty());

        let auth = actionable_track_states(Role::AuthorityVerifier);
        assert!(auth.contains(&"awaiting_verification") && auth.contains(&"recommendation_issued"));
        assert!(actionable_track_states(Role::Administrator).is_empty());
        assert!(actionable_case_states(Role::Auditor).is_empty());
    }
}
