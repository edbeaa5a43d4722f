//! Property tests of the workflow state machines.

use std::collections::{BTreeSet, VecDeque};

use netra_domain::workflow::{
    CaseAction, CaseState, TrackAction, TrackState, TrackStatus, allowed_case_actions, allowed_track_actions,
    case_transitions, next_case_state, next_track_status,
};
use proptest::prelude::*;

/// The documented case machine (docs/workflow.md), written out independently of the code's table.
const DOCUMENTED: &[(&str, &str, &str)] = &[
    ("received", "mark_incomplete", "incomplete"),
    ("received", "refuse_registration", "not_registered"),
    ("received", "withdraw", "withdrawn"),
    ("received", "transfer", "transferred"),
    ("received", "forward_direct", "forwarded_direct"),
    ("received", "register", "registered"),
    ("incomplete", "complete", "received"),
    ("incomplete", "refuse_registration", "not_registered"),
    ("incomplete", "withdraw", "withdrawn"),
    ("transferred", "accept_transfer", "received"),
    ("registered", "start_clarification", "clarification"),
    ("clarification", "finish_clarification", "study"),
    ("study", "submit_study", "plenary"),
    ("plenary", "decide_stop", "stopped"),
    ("plenary", "decide_refer", "referred"),
    ("plenary", "decide_gakkumdu", "gakkumdu"),
];

#[test]
fn case_table_is_exactly_the_documented_machine() {
    let code: BTreeSet<(String, String, String)> =
        case_transitions().iter().map(|(s, a, t)| (s.to_string(), a.to_string(), t.to_string())).collect();
    let doc: BTreeSet<(String, String, String)> =
        DOCUMENTED.iter().map(|(s, a, t)| (s.to_string(), a.to_string(), t.to_string())).collect();
    assert_eq!(code, doc);
    // And `next_case_state` agrees with the table on every (state, action) pair.
    for s in CaseState::ALL {
        for a in CaseAction::ALL {
            let documented = DOCUMENTED.iter().find(|(ds, da, _)| *ds == s.as_str() && *da == a.as_str());
            match (next_case_state(*s, *a), documented) {
                (Ok(t), Some((_, _, dt))) => assert_eq!(t.as_str(), *dt),
                (Err(e), None) => {
                    assert_eq!(e.state, s.as_str());
                    let allowed: Vec<String> = allowed_case_actions(*s).iter().map(|x| x.to_string()).collect();
                    assert_eq!(e.allowed, allowed);
                }
                (r, d) => panic!("{s} --{a}--> {r:?} but documented {d:?}"),
            }
        }
    }
}

#[test]
fn every_case_state_can_reach_a_terminal_state() {
    for start in CaseState::ALL {
        let mut seen = BTreeSet::new();
        let mut q = VecDeque::from([*start]);
        let mut found = false;
        while let Some(s) = q.pop_front() {
            if !seen.insert(s) {
                continue;
            }
            if s.is_terminal() {
                found = true;
                break;
            }
            q.extend(allowed_case_actions(s).into_iter().map(|a| next_case_state(s, a).unwrap()));
        }
        assert!(found, "{start} cannot reach a terminal state");
    }
}

#[test]
fn every_track_status_can_reach_a_terminal_status() {
    let all: Vec<TrackStatus> = TrackState::ALL
        .iter()
        .flat_map(|s| [false, true].map(|b| TrackStatus { state: *s, data_blocked: b }))
        .collect();
    for start in all {
        let mut seen = BTreeSet::new();
        let mut q = VecDeque::from([start]);
        let mut found = false;
        while let Some(t) = q.pop_front() {
            if !seen.insert((t.state, t.data_blocked)) {
                continue;
            }
            if t.is_terminal() {
                found = true;
                break;
            }
            q.extend(allowed_track_actions(t).into_iter().map(|a| next_track_status(t, a).unwrap()));
        }
        assert!(found, "{start:?} cannot reach a terminal status");
    }
}

#[test]
fn a_blocked_sanction_is_not_final_until_unblocked() {
    let t = TrackStatus { state: TrackState::Sanctioned, data_blocked: true };
    assert_eq!(allowed_track_actions(t), vec![TrackAction::Unblock]);
    let t = TrackStatus { state: TrackState::Sanctioned, data_blocked: false };
    assert!(t.is_terminal());
    assert!(next_track_status(t, TrackAction::Unblock).is_err());
}

proptest! {
    /// No sequence of actions (legal or not) leaves the documented machine: every accepted step is a
    /// documented transition and every refused step leaves the state unchanged.
    #[test]
    fn random_case_action_sequences_stay_in_the_machine(actions in prop::collection::vec(0..CaseAction::ALL.len(), 0..60)) {
        let mut s = CaseState::Received;
        for i in actions {
            let a = CaseAction::ALL[i];
            match next_case_state(s, a) {
                Ok(t) => {
                    prop_assert!(DOCUMENTED.contains(&(s.as_str(), a.as_str(), t.as_str())));
                    s = t;
                }
                Err(e) => prop_assert!(!e.allowed.contains(&a.to_string())),
            }
        }
    }

    #[test]
    fn random_track_action_sequences_keep_invariants(actions in prop::collection::vec(0..TrackAction::ALL.len(), 0..60)) {
        let mut t = TrackStatus::START;
        for i in actions {
            let a = TrackAction::ALL[i];
            let allowed = allowed_track_actions(t).contains(&a);
            match next_track_status(t, a) {
                Ok(n) => {
                    prop_assert!(allowed);
                    // The block flag changes only through BlockData / Unblock.
                    if a != TrackAction::BlockData && a != TrackAction::Unblock {
                        prop_assert_eq!(n.data_blocked, t.data_blocked);
                    }
                    // Unblocked is reachable only from a blocked sanction.
                    if n.state == TrackState::Unblocked {
                        prop_assert!(t.state == TrackState::Sanctioned && t.data_blocked);
                    }
                    t = n;
                }
                Err(_) => prop_assert!(!allowed),
            }
        }
    }
}
