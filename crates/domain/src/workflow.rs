//! The case workflow: the only place where legal state transitions are defined.
//!
//! Two machines, as in `docs/domain.md`:
//! - a [`CaseState`] for Bawaslu's handling of one intake (intake → registration → clarification →
//!   study → plenary → referred / stopped / Gakkumdu);
//! - a [`TrackState`] per civil servant (subject track) for the authority and the PPK stage, because
//!   the neutrality authority and the PPK act per ASN and statistics count ASN.
//!
//! `next` is total over (state, action): every pair is either a listed transition or an
//! [`IllegalTransition`] naming the current state and the actions that are allowed from it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

macro_rules! str_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        pub enum $name { $(#[serde(rename = $s)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum! {
    /// Bawaslu-level state of a case.
    pub enum CaseState {
        Received => "received",
        Incomplete => "incomplete",
        NotRegistered => "not_registered",
        Withdrawn => "withdrawn",
        Transferred => "transferred",
        ForwardedDirect => "forwarded_direct",
        Registered => "registered",
        Clarification => "clarification",
        Study => "study",
        Plenary => "plenary",
        Stopped => "stopped",
        Referred => "referred",
        Gakkumdu => "gakkumdu",
    }
}

str_enum! {
    /// What an officer can do to a case.
    pub enum CaseAction {
        MarkIncomplete => "mark_incomplete",
        Complete => "complete",
        RefuseRegistration => "refuse_registration",
        Withdraw => "withdraw",
        Transfer => "transfer",
        AcceptTransfer => "accept_transfer",
        ForwardDirect => "forward_direct",
        Register => "register",
        StartClarification => "start_clarification",
        FinishClarification => "finish_clarification",
        SubmitStudy => "submit_study",
        DecideStop => "decide_stop",
        DecideRefer => "decide_refer",
        DecideGakkumdu => "decide_gakkumdu",
    }
}

str_enum! {
    /// Per-ASN state at the neutrality authority and the PPK.
    pub enum TrackState {
        InBawaslu => "in_bawaslu",
        NotForwarded => "not_forwarded",
        AwaitingVerification => "awaiting_verification",
        Rejected => "rejected",
        Cancelled => "cancelled",
        NotProven => "not_proven",
        LeftService => "left_service",
        RecommendationIssued => "recommendation_issued",
        AwaitingPpk => "awaiting_ppk",
        Overdue => "overdue",
        DataBlocked => "data_blocked",
        Escalated => "escalated",
        Sanctioned => "sanctioned",
        Unblocked => "unblocked",
    }
}

str_enum! {
    /// What the authority (or the PPK, for sanctions) can do to a subject track.
    pub enum TrackAction {
        Forward => "forward",
        Drop => "drop",
        Reject => "reject",
        Cancel => "cancel",
        FindNotProven => "find_not_proven",
        RecordLeftService => "record_left_service",
        IssueRecommendation => "issue_recommendation",
        DeliverToPpk => "deliver_to_ppk",
        MarkOverdue => "mark_overdue",
        BlockData => "block_data",
        Escalate => "escalate",
        RecordSanction => "record_sanction",
        Unblock => "unblock",
    }
}

/// An action that is not allowed from the current state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("action `{action}` is not allowed in state `{state}`; allowed: [{}]", allowed.join(", "))]
pub struct IllegalTransition {
    pub state: String,
    pub action: String,
    pub allowed: Vec<String>,
}

const CASE_TRANSITIONS: &[(CaseState, CaseAction, CaseState)] = {
    use CaseAction as A;
    use CaseState as S;
    &[
        (S::Received, A::MarkIncomplete, S::Incomplete),
        (S::Received, A::RefuseRegistration, S::NotRegistered),
        (S::Received, A::Withdraw, S::Withdrawn),
        (S::Received, A::Transfer, S::Transferred),
        (S::Received, A::ForwardDirect, S::ForwardedDirect),
        (S::Received, A::Register, S::Registered),
        (S::Incomplete, A::Complete, S::Received),
        (S::Incomplete, A::RefuseRegistration, S::NotRegistered),
        (S::Incomplete, A::Withdraw, S::Withdrawn),
        (S::Transferred, A::AcceptTransfer, S::Received),
        (S::Registered, A::StartClarification, S::Clarification),
        (S::Clarification, A::FinishClarification, S::Study),
        (S::Study, A::SubmitStudy, S::Plenary),
        (S::Plenary, A::DecideStop, S::Stopped),
        (S::Plenary, A::DecideRefer, S::Referred),
        (S::Plenary, A::DecideGakkumdu, S::Gakkumdu),
    ]
};

impl CaseState {
    pub fn is_terminal(self) -> bool {
        allowed_case_actions(self).is_empty()
    }

    /// Before registration the reporter may still withdraw, and the intake has no case number yet.
    pub fn is_pre_registration(self) -> bool {
        matches!(self, CaseState::Received | CaseState::Incomplete | CaseState::Transferred)
    }
}

/// Actions allowed from `state`, in a stable order.
pub fn allowed_case_actions(state: CaseState) -> Vec<CaseAction> {
    CASE_TRANSITIONS.iter().filter(|(s, _, _)| *s == state).map(|(_, a, _)| *a).collect()
}

/// The state a case moves to, or why it cannot.
pub fn next_case_state(state: CaseState, action: CaseAction) -> Result<CaseState, IllegalTransition> {
    CASE_TRANSITIONS.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, to)| *to).ok_or_else(|| {
        IllegalTransition {
            state: state.as_str().to_owned(),
            action: action.as_str().to_owned(),
            allowed: allowed_case_actions(state).iter().map(|a| a.as_str().to_owned()).collect(),
        }
    })
}

/// Every legal case transition (for documentation and tests).
pub fn case_transitions() -> &'static [(CaseState, CaseAction, CaseState)] {
    CASE_TRANSITIONS
}

/// A subject track's position: the state plus whether BKN currently blocks the ASN's personnel data.
/// The block outlives the sanction (it is lifted after the sanction is recorded), so it is a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrackStatus {
    pub state: TrackState,
    pub data_blocked: bool,
}

impl TrackStatus {
    pub const START: TrackStatus = TrackStatus { state: TrackState::InBawaslu, data_blocked: false };

    pub fn is_terminal(self) -> bool {
        allowed_track_actions(self).is_empty()
    }
}

/// Actions allowed from a track status, in a stable order.
pub fn allowed_track_actions(t: TrackStatus) -> Vec<TrackAction> {
    use TrackAction as A;
    use TrackState as S;
    match t.state {
        S::InBawaslu => vec![A::Forward, A::Drop],
        S::AwaitingVerification => {
            vec![A::Reject, A::Cancel, A::FindNotProven, A::RecordLeftService, A::IssueRecommendation]
        }
        S::RecommendationIssued => vec![A::DeliverToPpk],
        S::AwaitingPpk => vec![A::MarkOverdue, A::RecordSanction],
        S::Overdue => vec![A::BlockData, A::Escalate, A::RecordSanction],
        S::DataBlocked => vec![A::Escalate, A::RecordSanction],
        S::Escalated if t.data_blocked => vec![A::RecordSanction],
        S::Escalated => vec![A::BlockData, A::RecordSanction],
        S::Sanctioned if t.data_blocked => vec![A::Unblock],
        S::Sanctioned | S::Unblocked | S::NotForwarded | S::Rejected | S::Cancelled | S::NotProven | S::LeftService => {
            vec![]
        }
    }
}

/// The status a track moves to, or why it cannot.
pub fn next_track_status(t: TrackStatus, action: TrackAction) -> Result<TrackStatus, IllegalTransition> {
    use TrackAction as A;
    use TrackState as S;
    if !allowed_track_actions(t).contains(&action) {
        return Err(IllegalTransition {
            state: if t.data_blocked { format!("{} (data_blocked)", t.state) } else { t.state.to_string() },
            action: action.as_str().to_owned(),
            allowed: allowed_track_actions(t).iter().map(|a| a.as_str().to_owned()).collect(),
        });
    }
    let state = match action {
        A::Forward => S::AwaitingVerification,
        A::Drop => S::NotForwarded,
        A::Reject => S::Rejected,
        A::Cancel => S::Cancelled,
        A::FindNotProven => S::NotProven,
        A::RecordLeftService => S::LeftService,
        A::IssueRecommendation => S::RecommendationIssued,
        A::DeliverToPpk => S::AwaitingPpk,
        A::MarkOverdue => S::Overdue,
        A::BlockData => S::DataBlocked,
        A::Escalate => S::Escalated,
        A::RecordSanction => S::Sanctioned,
        A::Unblock => S::Unblocked,
    };
    let data_blocked = match action {
        A::BlockData => true,
        A::Unblock => false,
        _ => t.data_blocked,
    };
    Ok(TrackStatus { state, data_blocked })
}

/// Which track action a case transition implies for every subject still in Bawaslu's hands.
/// Referral is decided per subject (some ASN of a case may be forwarded and others dropped), so
/// `DecideRefer` returns `None` and the caller applies each subject's own outcome.
pub fn track_effect_of(action: CaseAction) -> Option<TrackAction> {
    match action {
        CaseAction::ForwardDirect => Some(TrackAction::Forward),
        CaseAction::RefuseRegistration | CaseAction::Withdraw | CaseAction::DecideStop | CaseAction::DecideGakkumdu => {
            Some(TrackAction::Drop)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_transition_names_state_and_allowed_actions() {
        let e = next_case_state(CaseState::Registered, CaseAction::DecideRefer).unwrap_err();
        assert_eq!(e.state, "registered");
        assert_eq!(e.allowed, vec!["start_clarification"]);
        assert!(e.to_string().contains("start_clarification"));
    }

    #[test]
    fn sanction_after_block_requires_unblock() {
        let mut t = TrackStatus::START;
        for a in [
            TrackAction::Forward,
            TrackAction::IssueRecommendation,
            TrackAction::DeliverToPpk,
            TrackAction::MarkOverdue,
            TrackAction::BlockData,
            TrackAction::RecordSanction,
        ] {
            t = next_track_status(t, a).unwrap();
        }
        assert!(!t.is_terminal());
        t = next_track_status(t, TrackAction::Unblock).unwrap();
        assert_eq!(t.state, TrackState::Unblocked);
        assert!(t.is_terminal());
    }
}
