//! Clarification rules (Perbawaslu 7/2022 Ps 28–30): invitation at least one day before, a second
//! invitation only after a no-show, online only with a stated reason, and the study may proceed on
//! the evidence held once every invitation has an outcome.

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::model::{Attendance, ClarificationMode, ClarificationSession, InviteeRole};
use crate::region::TimeZoneId;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClarificationError {
    #[error(
        "the invitation must reach the invitee at least 1 day before the clarification (delivered {delivered}, scheduled {scheduled})"
    )]
    NoticeTooShort { delivered: String, scheduled: String },
    #[error("an online clarification needs a stated reason (geography, security, facilities or disaster)")]
    OnlineWithoutReason,
    #[error("a second invitation is only possible after the invitee missed the first one")]
    SecondWithoutNoShow,
    #[error("the invitee already missed two invitations; the study proceeds on the evidence held")]
    NoThirdInvitation,
    #[error("the invitee already attended")]
    AlreadyAttended,
    #[error("attendance for this session was already recorded as `{0}`")]
    AttendanceAlreadyRecorded(String),
    #[error("attendance cannot be recorded before the scheduled time")]
    AttendanceBeforeSchedule,
    #[error("clarification cannot finish: {0} session(s) still have no recorded attendance")]
    SessionsPending(usize),
    #[error("clarification cannot finish before at least one session was scheduled")]
    NoSessions,
}

/// Checks a new invitation against the earlier sessions of the same case.
/// Returns the invitation number (1 or 2) it must carry.
pub fn check_invitation(
    earlier: &[ClarificationSession],
    invitee_name: &str,
    role: InviteeRole,
    scheduled_at: DateTime<Utc>,
    delivered_at: DateTime<Utc>,
    mode: ClarificationMode,
    online_reason: Option<&str>,
    tz: TimeZoneId,
) -> Result<u8, ClarificationError> {
    // "1 Hari" is counted in local calendar days: delivered on day D, the session is on D+1 or later.
    let off = tz.offset();
    let d = delivered_at.with_timezone(&off).date_naive();
    let s = scheduled_at.with_timezone(&off).date_naive();
    if (s - d).num_days() < 1 {
        return Err(ClarificationError::NoticeTooShort {
            delivered: delivered_at.with_timezone(&off).to_rfc3339(),
            scheduled: scheduled_at.with_timezone(&off).to_rfc3339(),
        });
    }
    if mode == ClarificationMode::Online && online_reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(ClarificationError::OnlineWithoutReason);
    }
    let same: Vec<&ClarificationSession> = earlier
        .iter()
        .filter(|e| e.invitee_role == role && e.invitee_name.trim().eq_ignore_ascii_case(invitee_name.trim()))
        .collect();
    if same.iter().any(|e| e.attendance == Attendance::Attended) {
        return Err(ClarificationError::AlreadyAttended);
    }
    match same.len() {
        0 => Ok(1),
        1 if same[0].attendance == Attendance::Absent => Ok(2),
        1 => Err(ClarificationError::SecondWithoutNoShow),
        _ => Err(ClarificationError::NoThirdInvitation),
    }
}

/// Checks that attendance may be recorded for `session` at `now`.
pub fn check_attendance(session: &ClarificationSession, now: DateTime<Utc>) -> Result<(), ClarificationError> {
    if session.attendance != Attendance::Pending {
        return Err(ClarificationError::AttendanceAlreadyRecorded(session.attendance.to_string()));
    }
    if now < session.scheduled_at {
        return Err(ClarificationError::AttendanceBeforeSchedule);
    }
    Ok(())
}

/// The clarification stage may end once at least one session exists and none is pending.
pub fn check_can_finish(sessions: &[ClarificationSession]) -> Result<(), ClarificationError> {
    if sessions.is_empty() {
        return Err(ClarificationError::NoSessions);
    }
    let pending = sessions.iter().filter(|s| s.attendance == Attendance::Pending).count();
    if pending > 0 {
        return Err(ClarificationError::SessionsPending(pending));
    }
    Ok(())
}
