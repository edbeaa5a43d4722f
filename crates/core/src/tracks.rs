//! Subject-track use cases: the neutrality authority's verification and recommendation, the PPK's
//! sanction, and enforcement when the PPK does not act (data block, escalation).

use chrono::NaiveDate;
use netra_domain::catalogue::{self, SanctionLevel};
use netra_domain::model::{EnforcementKind, ViolationCategory};
use netra_domain::policy::{Action, Actor};
use netra_domain::workflow::{TrackAction, TrackState, next_track_status};
use netra_store::audit::{self, NewEvent};
use netra_store::cases;
use netra_store::codec::new_id;
use netra_store::{StoreError, people};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::deadlines::{case_time_zone, track_deadline};
use crate::workflow::{CaseView, load_for_action};
use crate::{CoreError, Netra};

/// An action on one civil servant's track.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum TrackCommand {
    Reject {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    FindNotProven {
        reason: String,
    },
    /// The ASN was dismissed, retired or resigned: the case is moot for this person.
    RecordLeftService {
        reason: String,
    },
    IssueRecommendation {
        /// `kode_etik` or `disiplin` — chosen by the authority, never derived.
        category: String,
        /// `moral`, `ringan`, `sedang`, `berat` or `ptdh`.
        sanction_level: String,
        sanction_option: Option<String>,
        violation_codes: Vec<String>,
        letter_number: Option<String>,
    },
    DeliverToPpk {
        letter_number: Option<String>,
    },
    /// Only after the PPK follow-up deadline has passed.
    MarkOverdue {},
    BlockData {
        reference: String,
    },
    /// `kemendagri_reprimand`, `president_escalation` or `ppk_sanction`.
    Escalate {
        kind: String,
        reference: Option<String>,
    },
    RecordSanction {
        sanction_option: String,
        decree_number: String,
        decree_date: NaiveDate,
    },
    Unblock {
        reference: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expected_version": 2, "command": {"action": "issue_recommendation", "category": "disiplin", "sanction_level": "sedang", "sanction_option": "pp94.sedang.tukin25_6m", "violation_codes": ["D-2"], "letter_number": "B-1234/PW.01/10/2024"}}))]
pub struct TrackTransitionRequest {
    pub expected_version: i64,
    pub command: TrackCommand,
}

fn action_of(c: &TrackCommand) -> TrackAction {
    match c {
        TrackCommand::Reject { .. } => TrackAction::Reject,
        TrackCommand::Cancel { .. } => TrackAction::Cancel,
        TrackCommand::FindNotProven { .. } => TrackAction::FindNotProven,
        TrackCommand::RecordLeftService { .. } => TrackAction::RecordLeftService,
        TrackCommand::IssueRecommendation { .. } => TrackAction::IssueRecommendation,
        TrackCommand::DeliverToPpk { .. } => TrackAction::DeliverToPpk,
        TrackCommand::MarkOverdue {} => TrackAction::MarkOverdue,
        TrackCommand::BlockData { .. } => TrackAction::BlockData,
        TrackCommand::Escalate { .. } => TrackAction::Escalate,
        TrackCommand::RecordSanction { .. } => TrackAction::RecordSanction,
        TrackCommand::Unblock { .. } => TrackAction::Unblock,
    }
}

/// A sanction option must exist, match the level (when given), apply to the subject's employment
/// type (when known) and be in force on `on` — PP 53/2010 options cannot be imposed after PP 94/2021.
fn check_option(
    code: &str,
    level: Option<SanctionLevel>,
    employment: Option<netra_domain::model::EmploymentType>,
    on: NaiveDate,
) -> Result<&'static catalogue::SanctionOption, CoreError> {
    let opt = catalogue::sanction_option(code).ok_or_else(|| {
        CoreError::invalid(
            "command.sanction_option",
            "unknown_sanction",
            format!("`{code}` is not in the sanction catalogue"),
        )
    })?;
    if let Some(level) = level
        && opt.level != level
    {
        return Err(CoreError::invalid(
            "command.sanction_option",
            "level_mismatch",
            format!("`{code}` is a {} sanction, not {}", opt.level.as_str(), level.as_str()),
        ));
    }
    if let Some(e) = employment
        && !opt.applies_to.is_empty()
        && !opt.applies_to.iter().any(|a| a.as_str() == e.as_str())
    {
        return Err(CoreError::invalid(
            "command.sanction_option",
            "not_applicable",
            format!("`{code}` does not apply to {} employees", e.as_str()),
        ));
    }
    if !opt.is_valid_on(on) {
        return Err(CoreError::invalid(
            "command.sanction_option",
            "not_in_force",
            format!("`{code}` ({}) is not in force on {on}", opt.legal_basis),
        ));
    }
    Ok(opt)
}

fn need(field: &str, v: &str) -> Result<(), CoreError> {
    if v.trim().is_empty() {
        return Err(CoreError::invalid(field, "required", format!("{field} is required")));
    }
    Ok(())
}

impl Netra {
    /// Applies one action to a subject track and returns the updated case.
    pub async fn transition_track(
        &self,
        actor: &Actor,
        track_id: &str,
        req: &TrackTransitionRequest,
    ) -> Result<CaseView, CoreError> {
        let now = self.now();
        let action = action_of(&req.command);
        let mut tx = self.db.begin_write().await?;
        let case_id = cases::track_case_id(&mut *tx, track_id).await?;
        let (c, tracks) = load_for_action(&mut tx, actor, &case_id, Action::Track(action)).await?;
        let t = tracks.iter().find(|t| t.id == track_id).ok_or(CoreError::NotFound)?;
        // A PPK acts only on its own agency's civil servants.
        if let Some(agency) = &actor.scope.agency_id
            && t.agency_id.as_ref() != Some(agency)
        {
            return Err(CoreError::NotFound);
        }
        if t.version != req.expected_version {
            return Err(StoreError::Conflict { expected: req.expected_version, actual: t.version }.into());
        }
        let status = next_track_status(t.status, action)?;
        let election = people::election(&self.db, &c.election_id).await?;
        let tz = case_time_zone(c.handling_region.as_deref());
        let versions = json!(catalogue::catalogue_versions());
        let mut payload = json!({"track_id": track_id, "from": t.status.state.as_str(), "to": status.state.as_str(), "data_blocked": status.data_blocked});
        // Most states start their own clock; DeliverToPpk keeps the PPK clock started by the recommendation.
        let mut deadline = track_deadline(election.kind, status.state, now, tz)?;
        match &req.command {
            TrackCommand::Reject { reason }
            | TrackCommand::Cancel { reason }
            | TrackCommand::FindNotProven { reason }
            | TrackCommand::RecordLeftService { reason } => {
                need("command.reason", reason)?;
                payload["reason"] = json!(reason);
            }
            TrackCommand::IssueRecommendation {
                category,
                sanction_level,
                sanction_option,
                violation_codes,
                letter_number,
            } => {
                let cat = ViolationCategory::parse(category).ok_or_else(|| {
                    CoreError::invalid("command.category", "invalid_category", "use kode_etik or disiplin")
                })?;
                let level = SanctionLevel::parse(sanction_level).ok_or_else(|| {
                    CoreError::invalid(
                        "command.sanction_level",
                        "invalid_level",
                        "use moral, ringan, sedang, berat or ptdh",
                    )
                })?;
                if let Some(o) = sanction_option {
                    let local = now.with_timezone(&tz.offset()).date_naive();
                    check_option(o, Some(level), t.civil_servant.employment_type, local)?;
                }
                if violation_codes.is_empty() {
                    return Err(CoreError::invalid(
                        "command.violation_codes",
                        "required",
                        "name the violation form(s) found",
                    ));
                }
                for (i, v) in violation_codes.iter().enumerate() {
                    if catalogue::violation(v).is_none() {
                        return Err(CoreError::invalid(
                            &format!("command.violation_codes[{i}]"),
                            "unknown_violation",
                            format!("`{v}` is not in the SKB 2022 catalogue"),
                        ));
                    }
                }
                let authority = t.authority_id.clone().unwrap_or_else(|| "unknown".into());
                let id = new_id();
                cases::insert_recommendation(
                    &mut tx,
                    &id,
                    track_id,
                    &authority,
                    cat.as_str(),
                    level.as_str(),
                    sanction_option.as_deref(),
                    violation_codes,
                    letter_number.as_deref(),
                    now,
                    &versions,
                )
                .await?;
                payload["recommendation_id"] = json!(id);
                payload["category"] = json!(cat.as_str());
                payload["sanction_level"] = json!(level.as_str());
                payload["sanction_option"] = json!(sanction_option);
                payload["violation_codes"] = json!(violation_codes);
                payload["catalogue_versions"] = versions.clone();
            }
            TrackCommand::DeliverToPpk { letter_number } => {
                deadline = t.deadline_rule.clone().zip(t.deadline_at).or(deadline);
                payload["letter_number"] = json!(letter_number);
                if let Some(agency) = &t.agency_id {
                    let local = now.with_timezone(&tz.offset()).date_naive();
                    if let Some(ppk) = people::ppk_on(&self.db, agency, local, &election.id).await? {
                        payload["ppk_conflicted"] = json!(ppk.conflicted);
                    }
                }
            }
            TrackCommand::MarkOverdue {} => match (t.deadline_rule.as_deref(), t.deadline_at) {
                (Some(rule), Some(due)) if now <= due => {
                    return Err(CoreError::DeadlineNotPassed {
                        rule: rule.to_owned(),
                        due: due.with_timezone(&tz.offset()).to_rfc3339(),
                    });
                }
                _ => payload["overdue_rule"] = json!(t.deadline_rule),
            },
            TrackCommand::BlockData { reference } => {
                need("command.reference", reference)?;
                cases::insert_enforcement(
                    &mut tx,
                    &new_id(),
                    track_id,
                    EnforcementKind::DataBlock.as_str(),
                    now,
                    Some(reference),
                    None,
                )
                .await?;
                payload["reference"] = json!(reference);
            }
            TrackCommand::Escalate { kind, reference } => {
                let k = EnforcementKind::parse(kind)
                    .filter(|k| {
                        matches!(
                            k,
                            EnforcementKind::KemendagriReprimand
                                | EnforcementKind::PresidentEscalation
                                | EnforcementKind::PpkSanction
                        )
                    })
                    .ok_or_else(|| {
                        CoreError::invalid(
                            "command.kind",
                            "invalid_escalation",
                            "use kemendagri_reprimand, president_escalation or ppk_sanction",
                        )
                    })?;
                cases::insert_enforcement(&mut tx, &new_id(), track_id, k.as_str(), now, reference.as_deref(), None)
                    .await?;
                payload["kind"] = json!(k.as_str());
            }
            TrackCommand::RecordSanction { sanction_option, decree_number, decree_date } => {
                need("command.decree_number", decree_number)?;
                let opt = check_option(sanction_option, None, t.civil_servant.employment_type, *decree_date)?;
                let local_today = now.with_timezone(&tz.offset()).date_naive();
                if *decree_date > local_today {
                    return Err(CoreError::invalid(
                        "command.decree_date",
                        "in_future",
                        "the decree date cannot be in the future",
                    ));
                }
                if *decree_date < c.received_at.with_timezone(&tz.offset()).date_naive() {
                    return Err(CoreError::invalid(
                        "command.decree_date",
                        "before_case",
                        "the decree cannot predate the report",
                    ));
                }
                let id = new_id();
                cases::insert_sanction(
                    &mut tx,
                    &id,
                    track_id,
                    &opt.code,
                    &opt.legal_basis,
                    decree_number,
                    &decree_date.to_string(),
                    now,
                    &versions,
                )
                .await?;
                payload["sanction_id"] = json!(id);
                payload["sanction_option"] = json!(opt.code);
                payload["legal_basis"] = json!(opt.legal_basis);
                payload["decree_number"] = json!(decree_number);
                payload["decree_date"] = json!(decree_date);
                payload["catalogue_versions"] = versions.clone();
            }
            TrackCommand::Unblock { reference } => {
                cases::insert_enforcement(
                    &mut tx,
                    &new_id(),
                    track_id,
                    EnforcementKind::Unblock.as_str(),
                    now,
                    reference.as_deref(),
                    None,
                )
                .await?;
            }
        }
        if matches!(status.state, TrackState::Overdue | TrackState::DataBlocked | TrackState::Escalated) {
            deadline = None;
        }
        cases::insert_track_event(&mut tx, &new_id(), track_id, action.as_str(), now, &payload).await?;
        cases::update_track(&mut tx, track_id, t.version, status, now, deadline, None).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: &format!("track.{}", action.as_str()),
                entity_type: "case",
                entity_id: &case_id,
                payload,
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.case_view(actor, &case_id).await
    }
}
