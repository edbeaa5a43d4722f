//! Case-level use cases: transitions, clarification sessions, reading and listing cases.

use chrono::{DateTime, Datelike, Utc};
use netra_domain::catalogue;
use netra_domain::clarification;
use netra_domain::ids::RegionCode;
use netra_domain::model::{Attendance, ClarificationMode, ClarificationSession, InviteeRole, SubjectOutcome};
use netra_domain::numbering::NumberParts;
use netra_domain::policy::{self, Action, Actor, Target};
use netra_domain::workflow::{
    CaseAction, CaseState, TrackAction, TrackState, TrackStatus, allowed_case_actions, allowed_track_actions,
    next_case_state, next_track_status, track_effect_of,
};
use netra_store::audit::{self, AuditEvent, NewEvent};
use netra_store::cases::{self, ActRecord, CaseFilter, CaseRecord, CaseUpdate, TrackRecord};
use netra_store::codec::new_id;
use netra_store::{StoreError, Tx, people};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::deadlines::{case_deadline, case_time_zone, track_deadline};
use crate::{CoreError, Netra};

/// The plenary's decision for one subject track.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectDecision {
    pub track_id: String,
    /// `refer` (forward to the neutrality authority) or `stop`.
    pub outcome: String,
}

/// A workflow action on a case, with the data that action needs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseCommand {
    /// Kajian awal found formal/material requirements missing; the reporter is told what.
    MarkIncomplete {
        missing: Vec<String>,
    },
    /// The reporter completed the report in time.
    Complete {
        note: Option<String>,
    },
    /// Not registered (late, requirements not met); the reason is recorded.
    RefuseRegistration {
        reason: String,
    },
    /// Withdrawn by the reporter before registration.
    Withdraw {
        reason: String,
    },
    /// Pelimpahan / pengambilalihan to another Bawaslu office.
    Transfer {
        to_region: String,
        reason: String,
    },
    /// The receiving office takes the case.
    AcceptTransfer {},
    /// Forwarded directly to the neutrality authority without Bawaslu examination.
    ForwardDirect {
        reason: String,
        letter_number: Option<String>,
    },
    Register {},
    StartClarification {},
    FinishClarification {
        note: Option<String>,
    },
    SubmitStudy {
        summary: String,
    },
    /// Plenary decision with one outcome per subject.
    Decide {
        summary: String,
        subjects: Vec<SubjectDecision>,
        #[serde(default)]
        gakkumdu: bool,
        letter_number: Option<String>,
    },
}

/// A transition request: the command plus the case version the officer was looking at.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_version": 1, "command": {"action": "register"}}))]
pub struct CaseTransitionRequest {
    pub expected_version: i64,
    pub command: CaseCommand,
}

/// A clarification invitation to schedule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "invitee_name": "Budi Santoso", "invitee_role": "subject", "scheduled_at": "2024-10-18T02:00:00Z",
    "delivered_at": "2024-10-16T03:00:00Z", "delivery_channel": "langsung", "mode": "in_person",
    "place": "Kantor Bawaslu Kota Semarang"
}))]
pub struct ScheduleClarification {
    pub invitee_name: String,
    /// `reporter`, `subject`, `witness` or `expert`.
    pub invitee_role: String,
    #[serde(default)]
    pub subject_track_id: Option<String>,
    pub scheduled_at: DateTime<Utc>,
    /// When the invitation reached the invitee (proof of receipt, Ps 29(3)).
    pub delivered_at: DateTime<Utc>,
    pub delivery_channel: String,
    /// `in_person` or `online`.
    pub mode: String,
    #[serde(default)]
    pub online_reason: Option<String>,
    pub place: String,
}

/// Attendance of a clarification session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"attended": true, "minutes": "Terlapor hadir dan memberikan keterangan (Formulir Model B.12)."}))]
pub struct RecordAttendance {
    pub attended: bool,
    #[serde(default)]
    pub minutes: Option<String>,
}

/// The running deadline of a case or track, with overdue computed at read time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineView {
    pub rule: String,
    pub due: DateTime<Utc>,
    pub overdue: bool,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrackView {
    #[schema(value_type = Object)]
    pub track: TrackRecord,
    pub deadline: Option<DeadlineView>,
    pub allowed_actions: Vec<String>,
    /// Who holds the PPK office of the subject's agency today, and whether that person is a
    /// candidate in this election (conflict of interest).
    #[schema(value_type = Option<Object>)]
    pub ppk: Option<netra_store::people::PpkOnDate>,
    /// The PPK has not acted in time and is conflicted: escalate (Kemendagri / President).
    pub escalation_advised: bool,
    /// Recommendation, delivery, sanction and enforcement records of this track, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<netra_store::cases::TrackEvent>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntakeView {
    pub kind: String,
    pub channel: String,
    pub known_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub late: bool,
    pub reporting_rule: Option<String>,
    pub reporting_due: Option<DateTime<Utc>>,
    pub summary: String,
}

/// Everything about one case that the actor may see. Never contains reporter identity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    #[schema(value_type = Object)]
    pub case: CaseRecord,
    pub intake: IntakeView,
    #[schema(value_type = Vec<Object>)]
    pub acts: Vec<ActRecord>,
    pub subjects: Vec<TrackView>,
    #[schema(value_type = Vec<Object>)]
    pub clarification_sessions: Vec<ClarificationSession>,
    pub deadline: Option<DeadlineView>,
    pub allowed_actions: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub timeline: Vec<AuditEvent>,
}

pub(crate) fn deadline_view(
    rule: Option<&str>,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DeadlineView> {
    let (rule, due) = (rule?, due?);
    let citation = netra_domain::deadline::find_rule(rule).map(|(_, r)| r.citation.clone()).unwrap_or_default();
    Some(DeadlineView { rule: rule.to_owned(), due, overdue: now > due, citation })
}

pub(crate) fn target_of<'a>(c: &'a CaseRecord, region: &'a Option<RegionCode>, agencies: &'a [String]) -> Target<'a> {
    Target { handling_region: region.as_ref(), agencies, forwarded: c.forwarded }
}

pub(crate) async fn load_for_action(
    tx: &mut Tx,
    actor: &Actor,
    case_id: &str,
    action: Action,
) -> Result<(CaseRecord, Vec<TrackRecord>), CoreError> {
    let c = cases::case_in_scope(&mut **tx, actor, case_id).await?;
    let tracks = cases::tracks(&mut **tx, case_id).await?;
    let region = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
    let agencies: Vec<String> = tracks.iter().filter_map(|t| t.agency_id.clone()).collect();
    policy::can(actor, action, Some(&target_of(&c, &region, &agencies)))?;
    Ok((c, tracks))
}

fn action_of(cmd: &CaseCommand, decisions_refer: bool) -> CaseAction {
    match cmd {
        CaseCommand::MarkIncomplete { .. } => CaseAction::MarkIncomplete,
        CaseCommand::Complete { .. } => CaseAction::Complete,
        CaseCommand::RefuseRegistration { .. } => CaseAction::RefuseRegistration,
        CaseCommand::Withdraw { .. } => CaseAction::Withdraw,
        CaseCommand::Transfer { .. } => CaseAction::Transfer,
        CaseCommand::AcceptTransfer {} => CaseAction::AcceptTransfer,
        CaseCommand::ForwardDirect { .. } => CaseAction::ForwardDirect,
        CaseCommand::Register {} => CaseAction::Register,
        CaseCommand::StartClarification {} => CaseAction::StartClarification,
        CaseCommand::FinishClarification { .. } => CaseAction::FinishClarification,
        CaseCommand::SubmitStudy { .. } => CaseAction::SubmitStudy,
        CaseCommand::Decide { gakkumdu, .. } => {
            if decisions_refer {
                CaseAction::DecideRefer
            } else if *gakkumdu {
                CaseAction::DecideGakkumdu
            } else {
                CaseAction::DecideStop
            }
        }
    }
}

fn required(field: &str, v: &str) -> Result<(), CoreError> {
    if v.trim().is_empty() {
        return Err(CoreError::invalid(field, "required", format!("{field} is required")));
    }
    Ok(())
}

impl Netra {
    /// Applies one workflow command to a case.
    pub async fn transition_case(
        &self,
        actor: &Actor,
        case_id: &str,
        req: &CaseTransitionRequest,
    ) -> Result<CaseView, CoreError> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        // Resolve which decision action applies before the policy check.
        let refer = matches!(&req.command, CaseCommand::Decide { subjects, .. } if subjects.iter().any(|s| s.outcome == "refer"));
        let action = action_of(&req.command, refer);
        let (c, tracks) = load_for_action(&mut tx, actor, case_id, Action::Case(action)).await?;
        if c.version != req.expected_version {
            return Err(StoreError::Conflict { expected: req.expected_version, actual: c.version }.into());
        }
        let next = next_case_state(c.state, action)?;
        let election = people::election(&self.db, &c.election_id).await?;
        let mut tz = case_time_zone(c.handling_region.as_deref());
        let mut update = CaseUpdate::default();
        let mut payload = json!({ "from": c.state.as_str(), "to": next.as_str(), "version": c.version + 1 });
        let mut track_actions: Vec<(String, TrackAction)> = Vec::new();
        match &req.command {
            CaseCommand::MarkIncomplete { missing } => {
                if missing.iter().all(|m| m.trim().is_empty()) {
                    return Err(CoreError::invalid(
                        "command.missing",
                        "required",
                        "list what the reporter must complete",
                    ));
                }
                payload["missing"] = json!(missing);
            }
            CaseCommand::Complete { note } => payload["note"] = json!(note),
            CaseCommand::RefuseRegistration { reason } | CaseCommand::Withdraw { reason } => {
                required("command.reason", reason)?;
                payload["reason"] = json!(reason);
            }
            CaseCommand::Transfer { to_region, reason } => {
                required("command.reason", reason)?;
                let r = RegionCode::parse(to_region)
                    .map_err(|e| CoreError::invalid("command.to_region", "invalid_region", e.to_string()))?;
                if catalogue::regions().get(&r).is_none() {
                    return Err(CoreError::invalid(
                        "command.to_region",
                        "unknown_region",
                        format!("region `{r}` does not exist"),
                    ));
                }
                if c.handling_region.as_deref() == Some(r.as_str()) {
                    return Err(CoreError::invalid(
                        "command.to_region",
                        "same_office",
                        "the case is already handled there",
                    ));
                }
                update.handling_region = Some(r.as_str().to_owned());
                tz = case_time_zone(Some(r.as_str()));
                payload["to_region"] = json!(r.as_str());
                payload["from_region"] = json!(c.handling_region);
                payload["reason"] = json!(reason);
            }
            CaseCommand::AcceptTransfer {} => {}
            CaseCommand::ForwardDirect { reason, letter_number } => {
                required("command.reason", reason)?;
                payload["reason"] = json!(reason);
                payload["letter_number"] = json!(letter_number);
            }
            CaseCommand::Register {} => {
                let office = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
                let local = now.with_timezone(&tz.offset());
                let parts = NumberParts {
                    seq: 0,
                    kind: c.kind,
                    general_election: election.kind.is_general(),
                    office_region: office.as_ref(),
                    month: local.month(),
                    year: local.year(),
                };
                let seq = cases::next_counter(&mut tx, &self.numbering.counter_key(&parts)).await?;
                let number =
                    self.numbering.render(&NumberParts { seq: u32::try_from(seq).unwrap_or(u32::MAX), ..parts });
                payload["number"] = json!(number);
                update.number = Some(number);
                update.registered_at = Some(now);
            }
            CaseCommand::StartClarification {} => {}
            CaseCommand::FinishClarification { note } => {
                let sessions = cases::sessions(&mut *tx, case_id).await?;
                clarification::check_can_finish(&sessions)?;
                let absent = sessions.iter().filter(|s| s.attendance == Attendance::Absent).count();
                payload["note"] = json!(note);
                payload["sessions"] = json!(sessions.len());
                payload["absences"] = json!(absent);
            }
            CaseCommand::SubmitStudy { summary } => {
                required("command.summary", summary)?;
                payload["summary"] = json!(summary);
            }
            CaseCommand::Decide { summary, subjects, gakkumdu, letter_number } => {
                required("command.summary", summary)?;
                let open: Vec<&TrackRecord> = tracks.iter().filter(|t| t.status == TrackStatus::START).collect();
                for (i, d) in subjects.iter().enumerate() {
                    let Some(t) = open.iter().find(|t| t.id == d.track_id) else {
                        return Err(CoreError::invalid(
                            &format!("command.subjects[{i}].track_id"),
                            "unknown_track",
                            "not an open subject of this case",
                        ));
                    };
                    let outcome = SubjectOutcome::parse(&d.outcome).ok_or_else(|| {
                        CoreError::invalid(
                            &format!("command.subjects[{i}].outcome"),
                            "invalid_outcome",
                            "use refer or stop",
                        )
                    })?;
                    let ta = if outcome == SubjectOutcome::Refer { TrackAction::Forward } else { TrackAction::Drop };
                    track_actions.push((t.id.clone(), ta));
                }
                if track_actions.len() != open.len() || subjects.len() != open.len() {
                    return Err(CoreError::invalid(
                        "command.subjects",
                        "incomplete_decision",
                        format!("decide every subject exactly once ({} open)", open.len()),
                    ));
                }
                let versions = json!(catalogue::catalogue_versions());
                let decision_id = new_id();
                cases::insert_plenary(
                    &mut tx,
                    &decision_id,
                    case_id,
                    now,
                    next.as_str(),
                    summary,
                    &json!(subjects),
                    &versions,
                )
                .await?;
                payload["decision_id"] = json!(decision_id);
                payload["summary"] = json!(summary);
                payload["subjects"] = json!(subjects);
                payload["gakkumdu"] = json!(gakkumdu);
                payload["letter_number"] = json!(letter_number);
                update.gakkumdu = Some(*gakkumdu);
            }
        }
        // A plenary decision already carries one outcome per subject; other actions apply to all.
        if let Some(effect) = track_effect_of(action).filter(|_| !matches!(req.command, CaseCommand::Decide { .. })) {
            for t in tracks.iter().filter(|t| t.status == TrackStatus::START) {
                track_actions.push((t.id.clone(), effect));
            }
        }
        let forwarding = track_actions.iter().any(|(_, a)| *a == TrackAction::Forward);
        if forwarding {
            let local_date = now.with_timezone(&tz.offset()).date_naive();
            let authority =
                catalogue::authority_on(local_date).map(|a| a.id.clone()).unwrap_or_else(|| "unknown".into());
            let letter = match &req.command {
                CaseCommand::ForwardDirect { letter_number, .. } | CaseCommand::Decide { letter_number, .. } => {
                    letter_number.clone()
                }
                _ => None,
            };
            cases::insert_referral(
                &mut tx,
                &new_id(),
                case_id,
                &authority,
                now,
                letter.as_deref(),
                action == CaseAction::ForwardDirect,
            )
            .await?;
            payload["authority"] = json!(authority);
            update.forwarded = Some(true);
        }
        for (track_id, ta) in &track_actions {
            let t = tracks.iter().find(|t| &t.id == track_id).expect("track of this case");
            let status = next_track_status(t.status, *ta)?;
            let deadline = track_deadline(election.kind, status.state, now, tz)?;
            let authority = payload.get("authority").and_then(|a| a.as_str()).map(str::to_owned);
            cases::update_track(&mut tx, track_id, t.version, status, now, deadline, authority.as_deref()).await?;
        }
        payload["track_actions"] =
            json!(track_actions.iter().map(|(t, a)| json!({"track_id": t, "action": a.as_str()})).collect::<Vec<_>>());
        let deadline_from = if next == CaseState::Registered || next.is_pre_registration() {
            now
        } else {
            c.registered_at.unwrap_or(now)
        };
        let deadline = case_deadline(election.kind, next, deadline_from, tz)?;
        cases::update_case_state(&mut tx, case_id, c.version, next, now, deadline, &update).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: &format!("case.{}", action.as_str()),
                entity_type: "case",
                entity_id: case_id,
                payload,
            },
            now,
        )
        .await?;
        if update.number.is_some() {
            netra_store::desk::reindex_case(&mut tx, self.db.dialect, case_id).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        match self.case_view(actor, case_id).await {
            // After a transfer the case belongs to the receiving office and may be outside the
            // sender's scope. The sender still gets the result of what it just did, with no actions.
            Err(CoreError::NotFound) if action == CaseAction::Transfer => {
                let mut wide = actor.clone();
                wide.scope.region = None;
                let mut view = self.case_view(&wide, case_id).await?;
                view.allowed_actions.clear();
                view.subjects.iter_mut().for_each(|t| t.allowed_actions.clear());
                Ok(view)
            }
            other => other,
        }
    }

    /// Schedules a clarification invitation (first, or second after a no-show).
    pub async fn schedule_clarification(
        &self,
        actor: &Actor,
        case_id: &str,
        input: &ScheduleClarification,
    ) -> Result<ClarificationSession, CoreError> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let (c, tracks) = load_for_action(&mut tx, actor, case_id, Action::ScheduleClarification).await?;
        if c.state != CaseState::Clarification {
            return Err(netra_domain::workflow::IllegalTransition {
                state: c.state.as_str().to_owned(),
                action: "schedule_clarification".into(),
                allowed: allowed_case_actions(c.state).iter().map(|a| a.as_str().to_owned()).collect(),
            }
            .into());
        }
        required("invitee_name", &input.invitee_name)?;
        required("place", &input.place)?;
        required("delivery_channel", &input.delivery_channel)?;
        let role = InviteeRole::parse(&input.invitee_role).ok_or_else(|| {
            CoreError::invalid("invitee_role", "invalid_role", "use reporter, subject, witness or expert")
        })?;
        let mode = ClarificationMode::parse(&input.mode)
            .ok_or_else(|| CoreError::invalid("mode", "invalid_mode", "use in_person or online"))?;
        if input.delivered_at > now {
            return Err(CoreError::invalid(
                "delivered_at",
                "in_future",
                "record delivery once the invitation was received",
            ));
        }
        if let Some(t) = &input.subject_track_id
            && !tracks.iter().any(|x| &x.id == t)
        {
            return Err(CoreError::invalid("subject_track_id", "unknown_track", "not a subject of this case"));
        }
        let earlier = cases::sessions(&mut *tx, case_id).await?;
        let tz = case_time_zone(c.handling_region.as_deref());
        let no = clarification::check_invitation(
            &earlier,
            &input.invitee_name,
            role,
            input.scheduled_at,
            input.delivered_at,
            mode,
            input.online_reason.as_deref(),
            tz,
        )?;
        let s = ClarificationSession {
            id: new_id(),
            case_id: case_id.to_owned(),
            invitee_name: input.invitee_name.trim().to_owned(),
            invitee_role: role,
            subject_id: input.subject_track_id.clone(),
            invitation_no: no,
            scheduled_at: input.scheduled_at,
            delivered_at: input.delivered_at,
            delivery_channel: input.delivery_channel.clone(),
            mode,
            online_reason: input.online_reason.clone(),
            place: input.place.clone(),
            attendance: Attendance::Pending,
            minutes: None,
        };
        cases::insert_session(&mut tx, &s).await?;
        // Invitee names of reporters are personal data: the audit log records only the role.
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "clarification.scheduled",
                entity_type: "case",
                entity_id: case_id,
                payload: json!({"session_id": s.id, "invitee_role": role.as_str(), "invitation_no": no, "scheduled_at": s.scheduled_at, "delivered_at": s.delivered_at, "mode": mode.as_str()}),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(s)
    }

    /// Records attendance (or absence) of a session.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        case_id: &str,
        session_id: &str,
        input: &RecordAttendance,
    ) -> Result<ClarificationSession, CoreError> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let (_c, _) = load_for_action(&mut tx, actor, case_id, Action::RecordAttendance).await?;
        let sessions = cases::sessions(&mut *tx, case_id).await?;
        let mut s = sessions.into_iter().find(|s| s.id == session_id).ok_or(CoreError::NotFound)?;
        clarification::check_attendance(&s, now)?;
        if input.attended && input.minutes.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err(CoreError::invalid(
                "minutes",
                "required",
                "attach the minutes (Formulir Model B.12) of an attended session",
            ));
        }
        let att = if input.attended { Attendance::Attended } else { Attendance::Absent };
        cases::record_attendance(&mut tx, session_id, att, input.minutes.as_deref(), now).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "clarification.attendance",
                entity_type: "case",
                entity_id: case_id,
                payload: json!({"session_id": session_id, "attendance": att.as_str(), "invitation_no": s.invitation_no, "invitee_role": s.invitee_role.as_str()}),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        s.attendance = att;
        s.minutes = input.minutes.clone();
        Ok(s)
    }

    /// Reads one case with everything the actor may see.
    pub async fn case_view(&self, actor: &Actor, case_id: &str) -> Result<CaseView, CoreError> {
        let now = self.now();
        let c = cases::case_in_scope(&self.db.pool, actor, case_id).await?;
        let tracks = cases::tracks(&self.db.pool, case_id).await?;
        let region = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        let agencies: Vec<String> = tracks.iter().filter_map(|t| t.agency_id.clone()).collect();
        policy::can(actor, Action::ViewCase, Some(&target_of(&c, &region, &agencies)))?;
        let intake = cases::intake(&self.db, &c.intake_id).await?;
        let acts = cases::acts(&self.db, case_id).await?;
        let sessions = cases::sessions(&self.db.pool, case_id).await?;
        let timeline = audit::for_entity(&self.db, "case", case_id).await?;
        let target = target_of(&c, &region, &agencies);
        let allowed_actions = allowed_case_actions(c.state)
            .into_iter()
            .filter(|a| policy::can(actor, Action::Case(*a), Some(&target)).is_ok())
            .map(|a| a.as_str().to_owned())
            .collect();
        let local_today = now.with_timezone(&case_time_zone(c.handling_region.as_deref()).offset()).date_naive();
        let mut events = cases::track_events(&self.db, case_id).await?;
        let mut subjects = Vec::new();
        for t in tracks {
            if actor.scope.agency_id.as_ref().is_some_and(|a| t.agency_id.as_ref() != Some(a)) {
                continue;
            }
            let ppk = match &t.agency_id {
                Some(a) => people::ppk_on(&self.db, a, local_today, &c.election_id).await?,
                None => None,
            };
            let deadline = deadline_view(t.deadline_rule.as_deref(), t.deadline_at, now);
            let late = matches!(t.status.state, TrackState::Overdue | TrackState::DataBlocked)
                || (t.status.state == TrackState::AwaitingPpk && deadline.as_ref().is_some_and(|d| d.overdue));
            let (mine, rest): (Vec<_>, Vec<_>) = events.into_iter().partition(|e| e.track_id == t.id);
            events = rest;
            subjects.push(TrackView {
                events: mine,
                escalation_advised: late && ppk.as_ref().is_some_and(|p| p.conflicted),
                ppk,
                deadline,
                allowed_actions: allowed_track_actions(t.status)
                    .into_iter()
                    .filter(|a| policy::can(actor, Action::Track(*a), Some(&target)).is_ok())
                    .map(|a| a.as_str().to_owned())
                    .collect(),
                track: t,
            });
        }
        Ok(CaseView {
            deadline: deadline_view(c.deadline_rule.as_deref(), c.deadline_at, now),
            intake: IntakeView {
                kind: intake.kind.as_str().to_owned(),
                channel: intake.channel,
                known_at: intake.known_at,
                received_at: intake.received_at,
                late: intake.late,
                reporting_rule: intake.late_rule,
                reporting_due: intake.late_due_at,
                summary: intake.summary,
            },
            case: c,
            acts,
            subjects,
            clarification_sessions: sessions,
            allowed_actions,
            timeline,
        })
    }

    /// One page of the actor's case desk with its inbox counts (overdue, due within three days).
    pub async fn desk(
        &self,
        actor: &Actor,
        filter: &netra_store::desk::DeskFilter,
    ) -> Result<(netra_store::desk::DeskPage, netra_store::desk::DeskCounts), CoreError> {
        policy::can(actor, Action::ListCases, None)?;
        let now = self.now();
        let page = netra_store::desk::page(&self.db, actor, filter).await?;
        let counts = netra_store::desk::counts(&self.db, actor, filter, now, now + chrono::Duration::days(3)).await?;
        Ok((page, counts))
    }

    /// Lists cases within the actor's scope.
    pub async fn list_cases(&self, actor: &Actor, filter: &CaseFilter) -> Result<Vec<CaseRecord>, CoreError> {
        policy::can(actor, Action::ListCases, None)?;
        Ok(cases::list_in_scope(&self.db, actor, filter).await?)
    }
}
