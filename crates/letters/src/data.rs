//! Typed data of each letter. What the templates see is [`LetterData::view`]: this data as it is
//! (`data.letter`), the Indonesian renderings of its dates, times and codes (`data.fmt`) and the
//! verification hash (`data.verification`). Field lists follow `shared/research/forms.md`; fields
//! marked there as unverified are documented in `docs/letters.md`.

use chrono::{DateTime, NaiveDate, Utc};
use netra_domain::model::{InviteeRole, ViolationCategory};
use netra_domain::region::TimeZoneId;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::LetterError;
use crate::date::{hari_tanggal, local_date, pukul, tanggal};

/// The body a letter comes from: its letterhead, where it is signed, and the zone its times are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Full name for the letterhead, e.g. `Badan Pengawas Pemilihan Umum Kota Semarang`.
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    /// Where the letter is signed: `Semarang, 23 November 2026`.
    pub city: String,
    /// Zone of the office's region (WIB, WITA, WIT); every time on the letter is written in it.
    pub time_zone: TimeZoneId,
}

/// Who signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    pub name: String,
    /// e.g. `Ketua Bawaslu Kota Semarang`.
    pub position: String,
    #[serde(default)]
    pub nip: Option<String>,
}

/// A reported civil servant (terlapor) or another person named in a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    #[serde(default)]
    pub nip: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// The addressee of an outgoing letter (`Yth. … di …`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Addressee {
    /// e.g. `Kepala Badan Kepegawaian Negara` or `Wali Kota Semarang selaku Pejabat Pembina Kepegawaian`.
    pub title: String,
    /// The `di …` line, e.g. `Jakarta`.
    pub place: String,
}

/// Tanda bukti penyampaian laporan: the receipt a reporter takes home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptData {
    pub office: Office,
    /// The number the report was received under (printed as the letter's number).
    pub registration_number: String,
    pub received_at: DateTime<Utc>,
    /// How it arrived, e.g. `langsung`, `SIGAPLAPOR`, `daring (Netra)`.
    pub channel: String,
    /// None for an anonymous informasi awal: the receipt then names no one.
    #[serde(default)]
    pub reporter_name: Option<String>,
    pub subjects: Vec<Person>,
    pub incident_summary: String,
    #[serde(default)]
    pub incident_place: Option<String>,
    #[serde(default)]
    pub incident_date: Option<NaiveDate>,
    /// When the reporter learned of it (starts the reporting clock).
    #[serde(default)]
    pub known_date: Option<NaiveDate>,
    #[serde(default)]
    pub evidence: Vec<String>,
    pub received_by: Signatory,
}

/// Someone invited to, or heard in, a clarification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invitee {
    pub name: String,
    pub role: InviteeRole,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// A clarification held online (media daring, Perbawaslu 7/2022 Ps 28(3), 29(4)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Online {
    /// One of the reasons Ps 28(3) allows (geography, security, facilities, disaster).
    pub reason: String,
    #[serde(default)]
    pub link: Option<String>,
}

/// The earlier invitation a second invitation refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousInvitation {
    pub letter_number: String,
    pub issued_on: NaiveDate,
    pub scheduled_at: DateTime<Utc>,
}

/// Undangan klarifikasi, Formulir Model B.9 (first or second invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationData {
    pub office: Office,
    pub letter_number: String,
    pub registration_number: String,
    pub issued_on: NaiveDate,
    pub invitee: Invitee,
    pub scheduled_at: DateTime<Utc>,
    pub place: String,
    #[serde(default)]
    pub online: Option<Online>,
    /// The alleged violation, in a sentence.
    pub matter: String,
    #[serde(default)]
    pub contact: Option<String>,
    /// Required for the second invitation.
    #[serde(default)]
    pub previous: Option<PreviousInvitation>,
    pub signatory: Signatory,
    #[serde(default)]
    pub copies: Vec<String>,
}

/// One question and its answer in the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub question: String,
    pub answer: String,
}

/// Berita acara klarifikasi, Formulir Model B.12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinutesData {
    pub office: Office,
    pub registration_number: String,
    pub held_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    pub place: String,
    #[serde(default)]
    pub online: Option<Online>,
    #[serde(default)]
    pub invitation_number: Option<String>,
    pub clarified: Invitee,
    /// Whether the person took the oath or pledge (Berita Acara Sumpah/Janji B.10/B.11 attached).
    pub oath_taken: bool,
    pub statements: Vec<Statement>,
    #[serde(default)]
    pub closing_note: Option<String>,
    /// The officers who held the clarification.
    pub clarifiers: Vec<Signatory>,
}

/// Surat penerusan: Bawaslu forwards an ASN-neutrality violation to the neutrality authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardingData {
    pub office: Office,
    pub letter_number: String,
    pub registration_number: String,
    pub issued_on: NaiveDate,
    /// Sifat, e.g. `Segera`.
    pub classification: String,
    /// Lampiran, e.g. `1 (satu) berkas`.
    pub attachments: String,
    pub addressee: Addressee,
    pub election_name: String,
    pub plenary_date: NaiveDate,
    pub subjects: Vec<Person>,
    /// Short account of the facts established.
    pub facts: String,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub enclosures: Vec<String>,
    pub signatory: Signatory,
    #[serde(default)]
    pub copies: Vec<String>,
}

/// A reference to an earlier letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterRef {
    pub letter_number: String,
    pub date: NaiveDate,
}

/// The authority's finding and recommended sanction for one civil servant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub subject: Person,
    /// SKB 2022 codes, e.g. `D-2`.
    pub violation_codes: Vec<String>,
    /// The violation in words.
    pub violation: String,
    /// Chosen by the authority, never derived.
    pub category: ViolationCategory,
    /// The recommended sanction in words, e.g. `hukuman disiplin sedang berupa …`.
    pub sanction: String,
}

/// Rekomendasi: the neutrality authority (KASN until 2024-08-24, BKN since) asks the PPK to sanction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationData {
    pub authority: Office,
    pub letter_number: String,
    /// Bawaslu's case number the recommendation answers.
    pub registration_number: String,
    pub issued_on: NaiveDate,
    pub classification: String,
    pub attachments: String,
    pub addressee: Addressee,
    /// Bawaslu's forwarding letter, when the case came that way.
    #[serde(default)]
    pub referral: Option<LetterRef>,
    pub findings: Vec<Finding>,
    /// Days the PPK has to follow up (configurable; see docs/letters.md).
    #[serde(default)]
    pub follow_up_days: Option<u32>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    pub signatory: Signatory,
    #[serde(default)]
    pub copies: Vec<String>,
}

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Receipt,
    Invitation,
    SecondInvitation,
    ClarificationMinutes,
    Forwarding,
    Recommendation,
}

impl LetterKind {
    pub const ALL: &'static [LetterKind] = &[
        LetterKind::Receipt,
        LetterKind::Invitation,
        LetterKind::SecondInvitation,
        LetterKind::ClarificationMinutes,
        LetterKind::Forwarding,
        LetterKind::Recommendation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Receipt => "receipt",
            LetterKind::Invitation => "invitation",
            LetterKind::SecondInvitation => "second_invitation",
            LetterKind::ClarificationMinutes => "clarification_minutes",
            LetterKind::Forwarding => "forwarding",
            LetterKind::Recommendation => "recommendation",
        }
    }

    /// The document's Indonesian title.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::Receipt => "Tanda Bukti Penyampaian Laporan",
            LetterKind::Invitation => "Undangan Klarifikasi",
            LetterKind::SecondInvitation => "Undangan Klarifikasi Kedua",
            LetterKind::ClarificationMinutes => "Berita Acara Klarifikasi",
            LetterKind::Forwarding => "Penerusan Dugaan Pelanggaran Netralitas ASN",
            LetterKind::Recommendation => "Rekomendasi Pelanggaran Netralitas ASN",
        }
    }
}

/// A letter's data, one variant per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum LetterData {
    Receipt(ReceiptData),
    Invitation(InvitationData),
    SecondInvitation(InvitationData),
    ClarificationMinutes(MinutesData),
    Forwarding(ForwardingData),
    Recommendation(RecommendationData),
}

fn role_label(r: InviteeRole) -> &'static str {
    match r {
        InviteeRole::Reporter => "Pelapor",
        InviteeRole::Subject => "Terlapor",
        InviteeRole::Witness => "Saksi",
        InviteeRole::Expert => "Ahli",
    }
}

fn category_label(c: ViolationCategory) -> &'static str {
    match c {
        ViolationCategory::KodeEtik => "pelanggaran kode etik",
        ViolationCategory::Disiplin => "pelanggaran disiplin",
    }
}

fn required(field: &str, v: &str) -> Result<(), LetterError> {
    if v.trim().is_empty() {
        return Err(LetterError::Data(format!("`{field}` is required")));
    }
    Ok(())
}

fn place_date(office: &Office, date: NaiveDate) -> String {
    format!("{}, {}", office.city, tanggal(date))
}

impl LetterData {
    pub fn kind(&self) -> LetterKind {
        match self {
            LetterData::Receipt(_) => LetterKind::Receipt,
            LetterData::Invitation(_) => LetterKind::Invitation,
            LetterData::SecondInvitation(_) => LetterKind::SecondInvitation,
            LetterData::ClarificationMinutes(_) => LetterKind::ClarificationMinutes,
            LetterData::Forwarding(_) => LetterKind::Forwarding,
            LetterData::Recommendation(_) => LetterKind::Recommendation,
        }
    }

    /// The number printed prominently on the letter (the case's registration number).
    pub fn registration_number(&self) -> &str {
        match self {
            LetterData::Receipt(d) => &d.registration_number,
            LetterData::Invitation(d) | LetterData::SecondInvitation(d) => &d.registration_number,
            LetterData::ClarificationMinutes(d) => &d.registration_number,
            LetterData::Forwarding(d) => &d.registration_number,
            LetterData::Recommendation(d) => &d.registration_number,
        }
    }

    /// Checks what a letter cannot do without.
    pub fn validate(&self) -> Result<(), LetterError> {
        required("registration_number", self.registration_number())?;
        match self {
            LetterData::Receipt(d) => {
                required("office.name", &d.office.name)?;
                required("received_by.name", &d.received_by.name)
            }
            LetterData::Invitation(d) | LetterData::SecondInvitation(d) => {
                required("letter_number", &d.letter_number)?;
                required("invitee.name", &d.invitee.name)?;
                required("place", &d.place)?;
                if self.kind() == LetterKind::SecondInvitation && d.previous.is_none() {
                    return Err(LetterError::Data("a second invitation must name the first one (`previous`)".into()));
                }
                Ok(())
            }
            LetterData::ClarificationMinutes(d) => {
                required("clarified.name", &d.clarified.name)?;
                if d.clarifiers.is_empty() {
                    return Err(LetterError::Data("the minutes need at least one clarifying officer".into()));
                }
                Ok(())
            }
            LetterData::Forwarding(d) => {
                required("letter_number", &d.letter_number)?;
                if d.subjects.is_empty() {
                    return Err(LetterError::Data("name at least one civil servant (`subjects`)".into()));
                }
                Ok(())
            }
            LetterData::Recommendation(d) => {
                required("letter_number", &d.letter_number)?;
                if d.findings.is_empty() {
                    return Err(LetterError::Data("a recommendation needs at least one finding".into()));
                }
                Ok(())
            }
        }
    }

    /// Indonesian renderings of the dates, times and codes, so templates never format by themselves.
    pub fn formatted(&self) -> Value {
        match self {
            LetterData::Receipt(d) => {
                let tz = d.office.time_zone;
                let day = local_date(d.received_at, tz);
                json!({
                    "received_date": hari_tanggal(day),
                    "received_time": pukul(d.received_at, tz),
                    "place_date": place_date(&d.office, day),
                    "incident_date": d.incident_date.map(hari_tanggal),
                    "known_date": d.known_date.map(hari_tanggal),
                })
            }
            LetterData::Invitation(d) | LetterData::SecondInvitation(d) => {
                let tz = d.office.time_zone;
                json!({
                    "place_date": place_date(&d.office, d.issued_on),
                    "scheduled_date": hari_tanggal(local_date(d.scheduled_at, tz)),
                    "scheduled_time": pukul(d.scheduled_at, tz),
                    "role": role_label(d.invitee.role),
                    "previous_issued": d.previous.as_ref().map(|p| tanggal(p.issued_on)),
                    "previous_scheduled": d.previous.as_ref().map(|p| hari_tanggal(local_date(p.scheduled_at, tz))),
                })
            }
            LetterData::ClarificationMinutes(d) => {
                let tz = d.office.time_zone;
                let day = local_date(d.held_at, tz);
                json!({
                    "held_date": hari_tanggal(day),
                    "held_time": pukul(d.held_at, tz),
                    "ended_time": d.ended_at.map(|t| pukul(t, tz)),
                    "place_date": place_date(&d.office, day),
                    "role": role_label(d.clarified.role),
                })
            }
            LetterData::Forwarding(d) => json!({
                "place_date": place_date(&d.office, d.issued_on),
                "plenary_date": hari_tanggal(d.plenary_date),
            }),
            LetterData::Recommendation(d) => json!({
                "place_date": place_date(&d.authority, d.issued_on),
                "referral_date": d.referral.as_ref().map(|r| tanggal(r.date)),
                "categories": d.findings.iter().map(|f| category_label(f.category)).collect::<Vec<_>>(),
            }),
        }
    }

    /// Everything a template sees as `data` (see the module docs).
    pub fn view(&self, verification_hash: &str) -> Value {
        let letter = match self {
            LetterData::Receipt(d) => serde_json::to_value(d),
            LetterData::Invitation(d) | LetterData::SecondInvitation(d) => serde_json::to_value(d),
            LetterData::ClarificationMinutes(d) => serde_json::to_value(d),
            LetterData::Forwarding(d) => serde_json::to_value(d),
            LetterData::Recommendation(d) => serde_json::to_value(d),
        }
        .expect("letter data serialises");
        json!({
            "kind": self.kind().as_str(),
            "title": self.kind().title(),
            "letter": letter,
            "fmt": self.formatted(),
            "verification": {"algorithm": "SHA-256", "hash": verification_hash},
        })
    }
}
