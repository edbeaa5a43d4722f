//! Intake: public reports (laporan, informasi awal) and officers' own findings (temuan).
//!
//! A report is validated field by field, its reporting deadline is computed from the election's rule
//! set (a late report is stored and flagged with the rule cited, never silently accepted or
//! dropped), the reporter's identity is sealed, and intake + case + act + subjects + audit event are
//! written in one transaction. The receipt code is shown once and stored only as an Argon2id hash.

use chrono::{DateTime, Utc};
use netra_domain::catalogue;
use netra_domain::ids::{Nik, Nip, PppkNumber, RegionCode};
use netra_domain::model::{CivilServant, Election, EmploymentType, IntakeKind, Medium};
use netra_domain::policy::{self, Action, Actor};
use netra_domain::region::RegionLevel;
use netra_domain::workflow::CaseState;
use netra_store::audit::{self, NewEvent};
use netra_store::cases::{self, ActRecord, CaseRecord, IntakeRecord, StoredReceipt, StoredResponse};
use netra_store::codec::new_id;
use netra_store::{StoreError, people};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::deadlines::{case_deadline, case_time_zone, due_at};
use crate::portal::Receipt;
use crate::seal::IdempotencyKeys;
use crate::{CoreError, FieldError, Netra};

/// Reporter identity for a formal laporan (the law requires name and address). Sealed at rest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReporterInput {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub nik: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// What happened, when and where.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    pub occurred_at: DateTime<Utc>,
    /// Kemendagri code of the place, down to kecamatan (e.g. `33.74.05`).
    pub region_code: String,
    pub description: String,
    /// SKB 2022 codes such as `KE-2` or `D-6`; may be empty when the reporter cannot tell.
    #[serde(default)]
    pub violation_codes: Vec<String>,
    #[serde(default)]
    pub candidate_id: Option<String>,
    /// `offline`, `social_media` or `online`.
    pub medium: String,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// A reported civil servant. Only the name is required; identity can be completed later.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    pub name: String,
    #[serde(default)]
    pub nip: Option<String>,
    /// Agency id or code.
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub employment_type: Option<String>,
    #[serde(default)]
    pub position_class: Option<String>,
    #[serde(default)]
    pub position_title: Option<String>,
    #[serde(default)]
    pub territorial_head: bool,
    #[serde(default)]
    pub work_region: Option<String>,
}

/// A public report: `laporan` (identity required, sealed) or `informasi_awal` (anonymous).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "laporan",
    "election": "pilkada-2024",
    "reporter": {"name": "Siti Rahmawati", "address": "Jl. Pemuda No. 12, Semarang"},
    "known_at": "2024-10-14T02:00:00Z",
    "act": {
        "occurred_at": "2024-10-13T03:00:00Z",
        "region_code": "33.74.05",
        "description": "Seorang camat mengunggah foto bersama paslon nomor urut 2 dengan ajakan memilih di Facebook.",
        "violation_codes": ["D-2"],
        "medium": "social_media",
        "platform": "facebook",
        "url": "https://facebook.com/example/posts/1"
    },
    "subjects": [{"name": "Budi Santoso", "nip": "197805122005011003", "position_title": "Camat", "territorial_head": true}]
}))]
pub struct ReportInput {
    pub kind: String,
    /// Election id or code, e.g. `pilkada-2024`.
    pub election: String,
    #[serde(default)]
    pub reporter: Option<ReporterInput>,
    /// When the reporter learned of the act (the reporting clock starts here).
    pub known_at: DateTime<Utc>,
    pub act: ActInput,
    pub subjects: Vec<SubjectInput>,
}

/// An officer's own finding (temuan).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "election": "pemilu-2024",
    "known_at": "2024-01-10T03:00:00Z",
    "act": {
        "occurred_at": "2024-01-09T05:00:00Z",
        "region_code": "73.71",
        "description": "Kepala dinas menghadiri kampanye calon legislatif dan menyampaikan dukungan.",
        "violation_codes": ["D-4"],
        "medium": "offline"
    },
    "subjects": [{"name": "Andi Mappanyukki", "position_class": "jpt_pratama"}]
}))]
pub struct TemuanInput {
    pub election: String,
    pub known_at: DateTime<Utc>,
    pub act: ActInput,
    pub subjects: Vec<SubjectInput>,
}

/// The reporting deadline that applied to an intake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DeadlineInfo {
    pub rule: String,
    pub due: DateTime<Utc>,
}

/// What the reporter gets back. `receipt_code` is shown once and never stored in clear.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ReportReceipt {
    pub intake_id: String,
    pub case_id: String,
    pub kind: String,
    pub state: String,
    pub received_at: DateTime<Utc>,
    pub receipt_code: Option<String>,
    pub reporting_deadline: DeadlineInfo,
    /// True when the report came after its reporting deadline; officers then refuse registration
    /// citing `reporting_deadline.rule` (or decide otherwise, with the reason recorded).
    pub late: bool,
}

struct Validated {
    election: Election,
    act_region: RegionCode,
    medium: Medium,
    subjects: Vec<CivilServant>,
}

fn validate_common(
    election: Option<Election>,
    known_at: DateTime<Utc>,
    act: &ActInput,
    subjects: &[SubjectInput],
    now: DateTime<Utc>,
    errs: &mut Vec<FieldError>,
) -> Option<Validated> {
    let election = match election {
        Some(e) => Some(e),
        None => {
            errs.push(FieldError::new("election", "unknown_election", "no election with this id or code"));
            None
        }
    };
    let act_region = match RegionCode::parse(&act.region_code) {
        Ok(r) if catalogue::regions().get(&r).is_some() => Some(r),
        Ok(r) if r.level() == RegionLevel::Village => {
            errs.push(FieldError::new("act.region_code", "region_too_deep", "give the region down to kecamatan level"));
            None
        }
        Ok(r) => {
            errs.push(FieldError::new(
                "act.region_code",
                "unknown_region",
                format!("region `{r}` does not exist in the reference list"),
            ));
            None
        }
        Err(e) => {
            errs.push(FieldError::new("act.region_code", "invalid_region", e.to_string()));
            None
        }
    };
    if let (Some(e), Some(r)) = (&election, &act_region)
        && !e.regions.is_empty()
        && !e.regions.iter().filter_map(|c| RegionCode::parse(c).ok()).any(|s| r.is_within(&s) || s.is_within(r))
    {
        errs.push(FieldError::new(
            "act.region_code",
            "region_not_in_election",
            format!("region `{r}` is not in scope of election `{}`", e.code),
        ));
    }
    if act.occurred_at > now {
        errs.push(FieldError::new("act.occurred_at", "in_future", "the act cannot be in the future"));
    }
    if known_at > now {
        errs.push(FieldError::new("known_at", "in_future", "the date you learned of it cannot be in the future"));
    }
    if known_at < act.occurred_at {
        errs.push(FieldError::new("known_at", "before_act", "you cannot have learned of the act before it happened"));
    }
    if let Some(e) = &election
        && act.occurred_at.date_naive() < e.starts_on()
    {
        errs.push(FieldError::new(
            "act.occurred_at",
            "before_election",
            format!("the act is dated before election `{}` began ({})", e.code, e.starts_on()),
        ));
    }
    if act.description.trim().chars().count() < 10 {
        errs.push(FieldError::new("act.description", "too_short", "describe what happened (at least 10 characters)"));
    }
    for (i, code) in act.violation_codes.iter().enumerate() {
        if catalogue::violation(code).is_none() {
            errs.push(FieldError::new(
                &format!("act.violation_codes[{i}]"),
                "unknown_violation",
                format!("`{code}` is not in the SKB 2022 catalogue"),
            ));
        }
    }
    let medium = Medium::parse(&act.medium);
    if medium.is_none() {
        errs.push(FieldError::new("act.medium", "invalid_medium", "use offline, social_media or online"));
    }
    if subjects.is_empty() {
        errs.push(FieldError::new("subjects", "required", "name at least one civil servant"));
    }
    let mut out = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        let f = |name: &str| format!("subjects[{i}].{name}");
        if s.name.trim().is_empty() {
            errs.push(FieldError::new(&f("name"), "required", "the name is required"));
        }
        let employment_type = match s.employment_type.as_deref() {
            None => None,
            Some(t) => match EmploymentType::parse(t) {
                Some(t) => Some(t),
                None => {
                    errs.push(FieldError::new(
                        &f("employment_type"),
                        "invalid_employment_type",
                        "use pns, pppk or ppnpn",
                    ));
                    None
                }
            },
        };
        // PPPK (contract ASN) carry an employee number of their own, not a PNS NIP.
        let nip = match s.nip.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(n) if employment_type == Some(EmploymentType::Pppk) => match PppkNumber::parse(n) {
                Ok(n) => Some(n.as_str().to_owned()),
                Err(e) => {
                    errs.push(FieldError::new(&f("nip"), "invalid_pppk_number", e.to_string()));
                    None
                }
            },
            Some(n) => match Nip::parse(n) {
                Ok(n) => Some(n.as_str().to_owned()),
                Err(e) => {
                    errs.push(FieldError::new(&f("nip"), "invalid_nip", e.to_string()));
                    None
                }
            },
        };
        if let Some(pc) = &s.position_class
            && !catalogue::position_classes().entries.iter().any(|c| c.class.as_str() == pc)
        {
            errs.push(FieldError::new(
                &f("position_class"),
                "invalid_position_class",
                format!("`{pc}` is not a position class"),
            ));
        }
        if let Some(w) = &s.work_region
            && RegionCode::parse(w).ok().and_then(|r| catalogue::regions().get(&r).map(|_| ())).is_none()
        {
            errs.push(FieldError::new(&f("work_region"), "unknown_region", format!("region `{w}` does not exist")));
        }
        out.push(CivilServant {
            id: new_id(),
            name: s.name.trim().to_owned(),
            nip,
            employment_type,
            position_class: s.position_class.clone(),
            position_title: s.position_title.clone(),
            territorial_head: s.territorial_head,
            agency_id: s.agency.clone(),
            work_region: s.work_region.clone(),
        });
    }
    Some(Validated { election: election?, act_region: act_region?, medium: medium?, subjects: out })
}

/// The Bawaslu office that handles an act: the kabupaten/kota of the place, or the province.
pub fn handling_region_for(act_region: &RegionCode) -> RegionCode {
    act_region.ancestor_at(RegionLevel::Regency).unwrap_or_else(|| act_region.clone())
}

impl Netra {
    async fn resolve_election(&self, id_or_code: &str) -> Result<Option<Election>, CoreError> {
        match people::election(&self.db, id_or_code).await {
            Ok(e) => Ok(Some(e)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The reporting deadline for an act known at `known_at`.
    pub fn reporting_deadline(
        &self,
        election: &Election,
        kind: IntakeKind,
        act: &ActInput,
        known_at: DateTime<Utc>,
        region: &RegionCode,
    ) -> Result<DeadlineInfo, CoreError> {
        let set = election.kind.rule_set();
        let tz = case_time_zone(Some(region.as_str()));
        let local_act_date = act.occurred_at.with_timezone(&tz.offset()).date_naive();
        let name = match kind {
            IntakeKind::Temuan => "temuan",
            _ if election.is_short_clock(local_act_date) => "report_quiet_period",
            _ => "report",
        };
        let rule = format!("{set}.{name}");
        Ok(DeadlineInfo { due: due_at(&rule, known_at, tz)?, rule })
    }

    /// Public intake. With an `idempotency_key`, a retry returns the first response unchanged.
    pub async fn submit_report(
        &self,
        input: &ReportInput,
        idempotency_key: Option<&str>,
    ) -> Result<ReportReceipt, CoreError> {
        let keys = idempotency_key.map(IdempotencyKeys::derive);
        let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(input).expect("serialisable")));
        if let Some(k) = &keys
            && let Some(stored) = cases::idempotent_response(&self.db.pool, &k.lookup).await?
        {
            return replay(k, &stored, &request_hash);
        }
        let now = self.now();
        let mut errs = Vec::new();
        let kind = match input.kind.as_str() {
            "laporan" => Some(IntakeKind::Laporan),
            "informasi_awal" => Some(IntakeKind::InformasiAwal),
            _ => {
                errs.push(FieldError::new(
                    "kind",
                    "invalid_kind",
                    "use laporan (formal, identity sealed) or informasi_awal (anonymous)",
                ));
                None
            }
        };
        match (kind, &input.reporter) {
            (Some(IntakeKind::Laporan), None) => {
                errs.push(FieldError::new(
                    "reporter",
                    "required",
                    "a laporan needs the reporter's name and address; choose informasi_awal to stay anonymous",
                ));
            }
            (Some(IntakeKind::Laporan), Some(r)) => {
                if r.name.trim().is_empty() {
                    errs.push(FieldError::new(
                        "reporter.name",
                        "required",
                        "the reporter's name is required for a laporan",
                    ));
                }
                if r.address.trim().is_empty() {
                    errs.push(FieldError::new(
                        "reporter.address",
                        "required",
                        "the reporter's address is required for a laporan",
                    ));
                }
                if let Some(nik) = r.nik.as_deref().filter(|n| !n.trim().is_empty())
                    && let Err(e) = Nik::parse(nik)
                {
                    errs.push(FieldError::new("reporter.nik", "invalid_nik", e.to_string()));
                }
            }
            (Some(IntakeKind::InformasiAwal), Some(_)) => {
                errs.push(FieldError::new(
                    "reporter",
                    "not_allowed",
                    "informasi_awal is anonymous: leave the reporter out, or choose laporan",
                ));
            }
            _ => {}
        }
        let election = self.resolve_election(&input.election).await?;
        let v = validate_common(election, input.known_at, &input.act, &input.subjects, now, &mut errs);
        let (Some(kind), Some(v), true) = (kind, v, errs.is_empty()) else {
            return Err(CoreError::Invalid(errs));
        };
        let receipt = Receipt::generate();
        let receipt_hash = tokio::task::spawn_blocking({
            let r = receipt.clone();
            move || r.hash()
        })
        .await
        .map_err(|_| CoreError::Seal)??;
        let identity = input.reporter.as_ref().map(|r| serde_json::to_vec(r).expect("serialisable"));
        let idem = keys.as_ref().map(|k| Idem { keys: k, request_hash: request_hash.clone() });
        match self
            .create_intake(
                kind,
                "web",
                &v,
                input.known_at,
                &input.act,
                "public",
                Some((&receipt, &receipt_hash)),
                identity.as_deref(),
                None,
                idem,
                now,
            )
            .await
        {
            // A concurrent retry with the same key committed first: the whole second intake rolled
            // back, so answer with the first response.
            Err(CoreError::Store(StoreError::Duplicate(_))) if keys.is_some() => {
                let k = keys.as_ref().expect("checked");
                let first = cases::idempotent_response(&self.db.pool, &k.lookup).await?.ok_or(CoreError::NotFound)?;
                replay(k, &first, &request_hash)
            }
            other => other,
        }
    }

    /// An officer records their own finding.
    pub async fn create_temuan(&self, actor: &Actor, input: &TemuanInput) -> Result<ReportReceipt, CoreError> {
        policy::can(actor, Action::CreateTemuan, None)?;
        let now = self.now();
        let mut errs = Vec::new();
        let election = self.resolve_election(&input.election).await?;
        let v = validate_common(election, input.known_at, &input.act, &input.subjects, now, &mut errs);
        let (Some(v), true) = (v, errs.is_empty()) else {
            return Err(CoreError::Invalid(errs));
        };
        if !actor.scope.covers_region(&v.act_region) {
            return Err(CoreError::invalid("act.region_code", "outside_scope", "the act is outside your region"));
        }
        let office = match &actor.scope.region {
            Some(r) if r.level() >= RegionLevel::Regency => Some(handling_region_for(r)),
            Some(r) => Some(r.clone()),
            None => None,
        };
        self.create_intake(
            IntakeKind::Temuan,
            "in_person",
            &v,
            input.known_at,
            &input.act,
            &actor.username,
            None,
            None,
            office,
            None,
            now,
        )
        .await
    }

    async fn create_intake(
        &self,
        kind: IntakeKind,
        channel: &str,
        v: &Validated,
        known_at: DateTime<Utc>,
        act: &ActInput,
        created_by: &str,
        receipt: Option<(&Receipt, &str)>,
        identity: Option<&[u8]>,
        office: Option<RegionCode>,
        idem: Option<Idem<'_>>,
        now: DateTime<Utc>,
    ) -> Result<ReportReceipt, CoreError> {
        let handling = office.unwrap_or_else(|| handling_region_for(&v.act_region));
        let deadline = self.reporting_deadline(&v.election, kind, act, known_at, &v.act_region)?;
        let late = now > deadline.due;
        let tz = case_time_zone(Some(handling.as_str()));
        let intake = IntakeRecord {
            id: new_id(),
            kind,
            channel: channel.to_owned(),
            election_id: v.election.id.clone(),
            known_at,
            received_at: now,
            late,
            late_rule: Some(deadline.rule.clone()),
            late_due_at: Some(deadline.due),
            summary: act.description.trim().to_owned(),
            created_by: created_by.to_owned(),
        };
        let case_deadline = case_deadline(v.election.kind, CaseState::Received, now, tz)?;
        let versions = serde_json::to_value(catalogue::catalogue_versions()).expect("serialisable");
        let case = CaseRecord {
            id: new_id(),
            intake_id: intake.id.clone(),
            number: None,
            state: CaseState::Received,
            version: 1,
            election_id: v.election.id.clone(),
            handling_region: Some(handling.as_str().to_owned()),
            kind,
            received_at: now,
            registered_at: None,
            state_changed_at: now,
            deadline_rule: case_deadline.as_ref().map(|d| d.0.clone()),
            deadline_at: case_deadline.as_ref().map(|d| d.1),
            forwarded: false,
            gakkumdu: false,
            catalogue_versions: versions,
            rule_set_version: crate::deadlines::rule_set_version(v.election.kind),
            created_at: now,
            updated_at: now,
        };
        let local_date = act.occurred_at.with_timezone(&tz.offset()).date_naive();
        let candidate_status = match &act.candidate_id {
            Some(c) => {
                if !people::candidate_exists(&self.db, &v.election.id, c).await? {
                    return Err(CoreError::invalid(
                        "act.candidate_id",
                        "unknown_candidate",
                        "no such candidate in this election",
                    ));
                }
                people::candidate_status_on(&self.db, c, local_date).await?
            }
            None => None,
        };
        let mut tx = self.db.begin_write().await?;
        let stored = receipt.map(|(code, hash)| StoredReceipt { selector: code.selector(), hash });
        cases::insert_intake(&mut tx, &intake, stored).await?;
        if let Some(identity) = identity {
            let (nonce, ct) = self.sealer.seal(identity, intake.id.as_bytes());
            cases::insert_sealed_identity(&mut tx, &intake.id, self.sealer.key_id(), &nonce, &ct).await?;
        }
        cases::insert_case(&mut tx, &case).await?;
        cases::insert_act(
            &mut tx,
            &ActRecord {
                id: new_id(),
                case_id: case.id.clone(),
                occurred_at: act.occurred_at,
                region_code: v.act_region.as_str().to_owned(),
                description: act.description.trim().to_owned(),
                violation_codes: act.violation_codes.clone(),
                candidate_id: act.candidate_id.clone(),
                candidate_status,
                medium: v.medium.as_str().to_owned(),
                platform: act.platform.clone(),
                url: act.url.clone(),
                stage: v.election.stage_on(local_date).map(|s| s.as_str().to_owned()),
            },
        )
        .await?;
        let mut subject_ids = Vec::new();
        for s in &v.subjects {
            let mut asn = s.clone();
            if let Some(agency) = &asn.agency_id {
                match people::agency(&self.db, agency).await {
                    Ok(a) => asn.agency_id = Some(a.id),
                    Err(StoreError::NotFound) => {
                        return Err(CoreError::invalid(
                            "subjects.agency",
                            "unknown_agency",
                            format!("agency `{agency}` is not registered"),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            let existing = match &asn.nip {
                Some(nip) => people::civil_servant_by_nip(&mut tx, nip).await?,
                None => None,
            };
            let asn = match existing {
                Some(e) => e,
                None => {
                    people::insert_civil_servant(&mut tx, &asn).await?;
                    asn
                }
            };
            let track_id = new_id();
            cases::insert_track(&mut tx, &track_id, &case.id, &asn, now).await?;
            subject_ids.push(track_id);
        }
        audit::append(
            &mut tx,
            NewEvent {
                actor: created_by,
                action: "intake.received",
                entity_type: "case",
                entity_id: &case.id,
                payload: json!({
                    "intake_id": intake.id, "kind": kind.as_str(), "channel": channel,
                    "handling_region": handling.as_str(), "late": late, "reporting_rule": deadline.rule,
                    "reporting_due": deadline.due, "subject_tracks": subject_ids,
                    "identity_sealed": identity.is_some(),
                }),
            },
            now,
        )
        .await?;
        let out = ReportReceipt {
            intake_id: intake.id,
            case_id: case.id,
            kind: kind.as_str().to_owned(),
            state: CaseState::Received.as_str().to_owned(),
            received_at: now,
            receipt_code: receipt.map(|r| r.0.digits().to_owned()),
            reporting_deadline: deadline,
            late,
        };
        if let Some(idem) = idem {
            // Same transaction as the intake: either both exist or neither does.
            let (nonce, response) = idem.keys.seal(&serde_json::to_vec(&out).expect("serialisable"));
            let stored = StoredResponse { request_hash: idem.request_hash, status_code: 201, nonce, response };
            cases::store_idempotent_response(&mut tx, &idem.keys.lookup, &stored, now).await?;
        }
        netra_store::desk::reindex_case(&mut tx, self.db.dialect, &out.case_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(out)
    }
}

struct Idem<'a> {
    keys: &'a IdempotencyKeys,
    request_hash: String,
}

fn replay(k: &IdempotencyKeys, stored: &StoredResponse, request_hash: &str) -> Result<ReportReceipt, CoreError> {
    if stored.request_hash != request_hash {
        return Err(CoreError::IdempotencyMismatch);
    }
    let body = k.open(&stored.nonce, &stored.response)?;
    serde_json::from_slice(&body).map_err(|_| CoreError::Seal)
}
