//! Domain entities shared by storage, use cases and the API.
//!
//! Ids are UUIDv7 strings created at the edge; timestamps are `DateTime<Utc>`. Identity of a
//! reported civil servant may be partial at intake (name and agency only) and resolved later.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::workflow::str_enum;

str_enum! {
    /// Pemilu (general) or Pemilihan (regional-head) election and its office.
    pub enum ElectionKind {
        GeneralPresidential => "general_presidential",
        GeneralLegislative => "general_legislative",
        RegionalGovernor => "regional_governor",
        RegionalRegent => "regional_regent",
        RegionalMayor => "regional_mayor",
        RegionalSimultaneous => "regional_simultaneous",
    }
}

impl ElectionKind {
    /// Pemilu (UU 7/2017) vs Pemilihan (UU 1/2015): picks the deadline rule set and the `PL`/`PB` code.
    pub fn is_general(self) -> bool {
        matches!(self, ElectionKind::GeneralPresidential | ElectionKind::GeneralLegislative)
    }

    /// Id of the deadline rule set that governs this kind of election.
    pub fn rule_set(self) -> &'static str {
        if self.is_general() { "pemilu" } else { "pilkada" }
    }
}

str_enum! {
    /// Stages of the election calendar (tahapan) that matter for neutrality.
    pub enum StageKind {
        Preparation => "preparation",
        CandidateRegistration => "candidate_registration",
        CandidateFixing => "candidate_fixing",
        Campaign => "campaign",
        QuietPeriod => "quiet_period",
        Voting => "voting",
        Recapitulation => "recapitulation",
    }
}

/// One stage of an election, in calendar dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub kind: StageKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// An election with its stage calendar and regions in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: ElectionKind,
    pub year: i32,
    pub voting_day: NaiveDate,
    pub stages: Vec<Stage>,
    /// Region codes in scope; empty means national.
    pub regions: Vec<String>,
}

impl Election {
    /// The stage in force on `date`, if any.
    pub fn stage_on(&self, date: NaiveDate) -> Option<StageKind> {
        self.stages.iter().find(|s| s.starts_on <= date && date <= s.ends_on).map(|s| s.kind)
    }

    /// Reports about acts in the quiet period or on voting day run on the short 24-hour clock (Pemilu).
    pub fn is_short_clock(&self, date: NaiveDate) -> bool {
        self.kind.is_general() && matches!(self.stage_on(date), Some(StageKind::QuietPeriod | StageKind::Voting))
    }

    /// The earliest date an act can be tied to this election (the first stage).
    pub fn starts_on(&self) -> NaiveDate {
        self.stages.iter().map(|s| s.starts_on).min().unwrap_or(self.voting_day)
    }
}

str_enum! {
    /// Candidate status over time: bakal calon until the fixing date, then calon/paslon.
    pub enum CandidateStatus {
        Prospective => "prospective",
        Candidate => "candidate",
        Elected => "elected",
        Withdrawn => "withdrawn",
    }
}

str_enum! {
    /// Where an agency sits: central ministry/agency, provincial or kabupaten/kota government.
    pub enum AgencyKind {
        Central => "central",
        Province => "province",
        Regency => "regency",
    }
}

str_enum! {
    /// The three kinds of intake (laporan, informasi awal, temuan).
    pub enum IntakeKind {
        Laporan => "laporan",
        InformasiAwal => "informasi_awal",
        Temuan => "temuan",
    }
}

impl IntakeKind {
    /// Segment of the Bawaslu number: laporan `LP`, temuan (and adopted informasi awal) `TM`.
    pub fn number_code(self) -> &'static str {
        match self {
            IntakeKind::Laporan => "LP",
            IntakeKind::InformasiAwal | IntakeKind::Temuan => "TM",
        }
    }
}

str_enum! {
    /// How the intake arrived.
    pub enum Channel {
        Web => "web",
        InPerson => "in_person",
        Email => "email",
        Phone => "phone",
        Sigaplapor => "sigaplapor",
        Sbt => "sbt",
        Screening => "screening",
        Import => "import",
    }
}

str_enum! {
    /// Where the alleged act happened.
    pub enum Medium {
        Offline => "offline",
        SocialMedia => "social_media",
        Online => "online",
    }
}

str_enum! {
    /// PNS, PPPK or non-ASN government employee (PPNPN).
    pub enum EmploymentType {
        Pns => "pns",
        Pppk => "pppk",
        Ppnpn => "ppnpn",
    }
}

/// A reported civil servant. Only `name` is required; the rest is resolved as the case goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilServant {
    pub id: String,
    pub name: String,
    pub nip: Option<String>,
    pub employment_type: Option<EmploymentType>,
    pub position_class: Option<String>,
    pub position_title: Option<String>,
    pub territorial_head: bool,
    pub agency_id: Option<String>,
    pub work_region: Option<String>,
}

str_enum! {
    /// Capacity in which someone is invited to clarification.
    pub enum InviteeRole {
        Reporter => "reporter",
        Subject => "subject",
        Witness => "witness",
        Expert => "expert",
    }
}

str_enum! {
    /// Attendance at a clarification session; absences are kept, they matter for statistics.
    pub enum Attendance {
        Pending => "pending",
        Attended => "attended",
        Absent => "absent",
    }
}

str_enum! {
    /// Tatap muka or media daring (online only for stated reasons, and recorded).
    pub enum ClarificationMode {
        InPerson => "in_person",
        Online => "online",
    }
}

/// A clarification invitation and its outcome (Perbawaslu 7/2022 Ps 28–30).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClarificationSession {
    pub id: String,
    pub case_id: String,
    pub invitee_name: String,
    pub invitee_role: InviteeRole,
    pub subject_id: Option<String>,
    /// 1 for the first invitation, 2 for the second after a no-show.
    pub invitation_no: u8,
    pub scheduled_at: DateTime<Utc>,
    pub delivered_at: DateTime<Utc>,
    pub delivery_channel: String,
    pub mode: ClarificationMode,
    pub online_reason: Option<String>,
    pub place: String,
    pub attendance: Attendance,
    pub minutes: Option<String>,
}

str_enum! {
    /// What the plenary decided for one subject.
    pub enum SubjectOutcome {
        Refer => "refer",
        Stop => "stop",
    }
}

str_enum! {
    /// Category the authority chooses (the system never derives it).
    pub enum ViolationCategory {
        KodeEtik => "kode_etik",
        Disiplin => "disiplin",
    }
}

str_enum! {
    /// Enforcement against a PPK who does not follow up.
    pub enum EnforcementKind {
        DataBlock => "data_block",
        Unblock => "unblock",
        KemendagriReprimand => "kemendagri_reprimand",
        PresidentEscalation => "president_escalation",
        PpkSanction => "ppk_sanction",
    }
}
