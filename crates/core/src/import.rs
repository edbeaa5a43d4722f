//! Import of historical recap sheets (CSV or XLSX, 2020–2024): one row per reported civil servant,
//! rows sharing a case reference form one case (`docs/import.md`).
//!
//! The import is one use case in three phases:
//!
//! 1. **Read** ([`ImportSource::from_bytes`]): CSV (UTF-8, `,` `;` or tab, detected) or the first
//!    (or a named) worksheet of an XLSX workbook, into a [`Sheet`] of text cells with their spreadsheet
//!    row numbers. Dates typed as dates in XLSX become `YYYY-MM-DD`.
//! 2. **Validate** every row against the column mapping ([`COLUMNS`]), the region and violation
//!    catalogues, NIP rules, closed lists and cross-field rules (a sanction needs a recommendation, a
//!    recommendation needs a forwarded subject, dates in order, …), then every case against the
//!    database (election, agencies, registration numbers, earlier imports). Every problem is reported
//!    with its row, column and value, in Indonesian and English ([`RowIssue`]). All or nothing: if any
//!    row is invalid nothing is written (unless [`ImportOptions::skip_invalid`]).
//! 3. **Write** the new cases in batches of [`ImportOptions::batch_size`]. Each batch is one
//!    transaction holding its cases *and* the run's checkpoint (`import_runs.cases_done`), so an
//!    interruption loses at most the batch in flight and [`ImportOptions::resume`] continues after the
//!    last checkpoint.
//!
//! Imported cases are written as the rows the native use cases leave behind (intake with channel
//! `import`, case, alleged act, civil servants, subject tracks in their final state, plenary decision,
//! referral, recommendation, sanction and track events), with the historical dates, so the
//! statistics (`crate::stats`) count them exactly like native cases. Each case gets one audit event
//! `case.imported` (at the import instant, by the importing actor) carrying its reconstructed history;
//! the run gets `import.started` / `import.resumed` / `import.completed`.
//!
//! Idempotency: a case is identified by (election, case reference); the hash of its normalised
//! content is stored with it. Importing the same rows again (the same file, or the same data in the
//! other format) changes nothing; importing a reference again with different content is refused.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use netra_domain::catalogue::{self, SanctionLevel};
use netra_domain::ids::{IdError, Nip, PppkNumber, RegionCode};
use netra_domain::model::{
    AgencyKind, CivilServant, Election, ElectionKind, EmploymentType, IntakeKind, Medium, Stage, StageKind,
    ViolationCategory,
};
use netra_domain::policy::{self, Action, Actor};
use netra_domain::region::{RegionLevel, TimeZoneId};
use netra_domain::workflow::{CaseState, TrackAction, TrackState, TrackStatus, next_track_status};
use netra_store::audit::{self, NewEvent};
use netra_store::cases::{self, ActRecord, CaseRecord, IntakeRecord};
use netra_store::codec::new_id;
use netra_store::import::{self as runs, ImportRun, ImportedTrack};
use netra_store::people::{self, Agency};
use netra_store::{StoreError, Tx};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::deadlines::{case_deadline, case_time_zone, due_at, rule_set_version, track_deadline};
use crate::{CoreError, Netra};

// ---------------------------------------------------------------------------------------------
// Languages and messages
// ---------------------------------------------------------------------------------------------

/// Language of the messages shown to the person importing. Indonesian by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    /// `id`, `en`, or a locale such as `en_US.UTF-8` / `id_ID`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "en" || s.starts_with("en_") || s.starts_with("en-") || s.starts_with("en.") {
            Some(Lang::En)
        } else if s == "id" || s.starts_with("id_") || s.starts_with("id-") || s.starts_with("id.") {
            Some(Lang::Id)
        } else {
            None
        }
    }

    /// From the POSIX locale variables (`LC_ALL`, `LC_MESSAGES`, `LANG`): English for an `en` locale,
    /// Indonesian otherwise.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.trim().is_empty()
            {
                return if Lang::parse(&v) == Some(Lang::En) { Lang::En } else { Lang::Id };
            }
        }
        Lang::Id
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub id: String,
    pub en: String,
}

impl Msg {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Msg {
        Msg { id: id.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// Why a whole import could not start (the rows themselves are reported as [`RowIssue`]s).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read as a sheet (not UTF-8, not a workbook, no header row…).
    #[error("{}", .0.en)]
    File(Msg),
    /// The run conflicts with an earlier interrupted run of the same file (or `--resume` has
    /// nothing to resume).
    #[error("{}", .0.en)]
    Refused(Msg),
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Core(e.into())
    }
}

impl ImportError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ImportError::File(m) | ImportError::Refused(m) => m.get(lang).to_owned(),
            ImportError::Core(e) => e.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Column mapping
// ---------------------------------------------------------------------------------------------

/// The columns of a recap sheet. The order is the template's order ([`COLUMNS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    CaseRef,
    Election,
    ReceivedDate,
    HandlingRegion,
    CaseKind,
    RegistrationNumber,
    OccurredDate,
    ActRegion,
    Description,
    ViolationCodes,
    Medium,
    Platform,
    DecisionDate,
    AsnName,
    Nip,
    EmploymentType,
    PositionClass,
    TerritorialHead,
    PositionTitle,
    AgencyCode,
    AgencyName,
    AgencyKind,
    Outcome,
    AuthorityState,
    RecommendationDate,
    RecommendationCategory,
    RecommendationLevel,
    RecommendationLetter,
    PpkState,
    SanctionOption,
    SanctionDecreeNumber,
    SanctionDecreeDate,
}

/// One column of the mapping: its Indonesian header, the English alias also accepted, and whether
/// it describes the case (same value on every row of the case; may be left empty after the first)
/// or the civil servant of the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub col: Col,
    pub name: &'static str,
    pub alias: &'static str,
    pub required: bool,
    pub per_case: bool,
    pub example: &'static str,
    pub help_id: &'static str,
    pub help_en: &'static str,
}

macro_rules! column {
    ($col:ident, $name:literal, $alias:literal, $req:literal, $case:literal, $ex:literal, $id:literal, $en:literal) => {
        ColumnSpec {
            col: Col::$col,
            name: $name,
            alias: $alias,
            required: $req,
            per_case: $case,
            example: $ex,
            help_id: $id,
            help_en: $en,
        }
    };
}

/// The documented column mapping (`docs/import.md`, `data/import/template.*`), in template order.
pub const COLUMNS: &[ColumnSpec] = &[
    column!(
        CaseRef,
        "no_kasus",
        "case_ref",
        true,
        true,
        "LP-2020-33.24-007",
        "Rujukan kasus dalam rekap (nomor register atau kode rekap). Baris dengan rujukan sama = satu kasus dengan beberapa ASN. Kunci impor: rujukan + pemilihan.",
        "Case reference in the recap (register number or recap code). Rows sharing it form one case with several ASN. Import key: reference + election."
    ),
    column!(
        Election,
        "pemilihan",
        "election",
        true,
        true,
        "pilkada-2020",
        "Kode pemilihan: pilkada-2020, pemilu-2019, pemilu-2024, pilkada-2024 atau kode lain yang sudah ada di Netra.",
        "Election code: pilkada-2020, pemilu-2019, pemilu-2024, pilkada-2024 or another code already in Netra."
    ),
    column!(
        ReceivedDate,
        "tanggal_diterima",
        "received_date",
        true,
        true,
        "2020-09-14",
        "Tanggal laporan/temuan diterima: YYYY-MM-DD atau DD/MM/YYYY (sel tanggal Excel juga diterima).",
        "Date the report/finding was received: YYYY-MM-DD or DD/MM/YYYY (Excel date cells accepted)."
    ),
    column!(
        HandlingRegion,
        "wilayah_penanganan",
        "handling_region",
        true,
        true,
        "33.24",
        "Kode Kemendagri kantor Bawaslu yang menangani: provinsi (33) atau kabupaten/kota (33.24); RI untuk Bawaslu RI.",
        "Kemendagri code of the handling Bawaslu office: province (33) or regency/city (33.24); RI for Bawaslu RI."
    ),
    column!(
        CaseKind,
        "jenis_kasus",
        "case_kind",
        true,
        true,
        "laporan",
        "laporan, temuan atau informasi_awal.",
        "laporan (report), temuan (finding) or informasi_awal (anonymous tip)."
    ),
    column!(
        RegistrationNumber,
        "nomor_registrasi",
        "registration_number",
        false,
        true,
        "007/Reg/LP/PB/Kab/14.24/X/2020",
        "Nomor register Bawaslu (hanya untuk kasus yang diregistrasi).",
        "Bawaslu register number (registered cases only)."
    ),
    column!(
        OccurredDate,
        "tanggal_kejadian",
        "occurred_date",
        false,
        true,
        "2020-09-10",
        "Tanggal dugaan pelanggaran; kosong = tanggal diterima.",
        "Date of the alleged act; empty = received date."
    ),
    column!(
        ActRegion,
        "wilayah_kejadian",
        "act_region",
        false,
        true,
        "33.24.08",
        "Kode Kemendagri tempat kejadian (sampai kecamatan); kosong = wilayah penanganan.",
        "Kemendagri code of the place (down to kecamatan); empty = handling region."
    ),
    column!(
        Description,
        "uraian",
        "description",
        false,
        true,
        "Camat mengunggah foto bersama bakal calon di Facebook.",
        "Uraian singkat dugaan pelanggaran.",
        "Short description of the alleged act."
    ),
    column!(
        ViolationCodes,
        "bentuk_pelanggaran",
        "violation_codes",
        false,
        true,
        "KE-2; D-6",
        "Kode bentuk pelanggaran SKB 2022 (KE-1…KE-7, D-1…D-11), dipisah titik koma.",
        "SKB 2022 violation form codes (KE-1…KE-7, D-1…D-11), separated by semicolons."
    ),
    column!(
        Medium,
        "media",
        "medium",
        false,
        true,
        "media_sosial",
        "luring, media_sosial atau daring (offline, social_media, online); kosong = tidak diketahui.",
        "offline, social_media or online (luring, media_sosial, daring); empty = unknown."
    ),
    column!(
        Platform,
        "platform",
        "platform",
        false,
        true,
        "facebook",
        "Platform untuk pelanggaran daring (facebook, instagram, tiktok, x, whatsapp, youtube, telegram, …).",
        "Platform of an online act (facebook, instagram, tiktok, x, whatsapp, youtube, telegram, …)."
    ),
    column!(
        DecisionDate,
        "tanggal_putusan",
        "decision_date",
        false,
        true,
        "2020-09-21",
        "Tanggal putusan pleno atau penerusan langsung; kosong = tanggal diterima.",
        "Date of the plenary decision or the direct forwarding; empty = received date."
    ),
    column!(
        AsnName,
        "nama_asn",
        "asn_name",
        true,
        false,
        "Budi Santoso, S.Sos.",
        "Nama ASN terlapor.",
        "Name of the reported civil servant."
    ),
    column!(
        Nip,
        "nip",
        "nip",
        false,
        false,
        "197805122005011003",
        "NIP 18 digit (atau nomor PPPK); boleh kosong, diperiksa bila diisi. Format sel sebagai teks di Excel.",
        "18-digit NIP (or PPPK number); optional, checked when given. Format the cells as text in Excel."
    ),
    column!(
        EmploymentType,
        "jenis_kepegawaian",
        "employment_type",
        false,
        false,
        "pns",
        "pns, pppk atau ppnpn.",
        "pns, pppk or ppnpn."
    ),
    column!(
        PositionClass,
        "kelas_jabatan",
        "position_class",
        false,
        false,
        "administrator",
        "jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, fungsional atau pelaksana.",
        "jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, fungsional or pelaksana."
    ),
    column!(
        TerritorialHead,
        "kepala_wilayah",
        "territorial_head",
        false,
        false,
        "ya",
        "ya bila camat atau lurah (dihitung tersendiri dalam statistik); kosong = tidak.",
        "ya/yes for a camat or lurah (counted apart in the statistics); empty = no."
    ),
    column!(
        PositionTitle,
        "jabatan",
        "position_title",
        false,
        false,
        "Camat Kaliwungu",
        "Nama jabatan.",
        "Position title."
    ),
    column!(
        AgencyCode,
        "kode_instansi",
        "agency_code",
        false,
        false,
        "pemkab-3324",
        "Kode instansi di Netra; instansi baru dibuat bila nama_instansi dan jenis_instansi diisi.",
        "Agency code in Netra; a new agency is created when agency_name and agency_kind are given."
    ),
    column!(
        AgencyName,
        "nama_instansi",
        "agency_name",
        false,
        false,
        "Pemerintah Kabupaten Kendal",
        "Nama instansi (untuk instansi baru).",
        "Agency name (for a new agency)."
    ),
    column!(
        AgencyKind,
        "jenis_instansi",
        "agency_kind",
        false,
        false,
        "kabupaten_kota",
        "pusat, provinsi atau kabupaten_kota (central, province, regency).",
        "central, province or regency (pusat, provinsi, kabupaten_kota)."
    ),
    column!(
        Outcome,
        "hasil_penanganan",
        "outcome",
        true,
        false,
        "diteruskan",
        "Hasil penanganan Bawaslu untuk ASN ini: diteruskan, dihentikan, gakkumdu, diteruskan_langsung, tidak_diregistrasi, dicabut atau dalam_proses.",
        "Bawaslu's outcome for this ASN: forwarded, stopped, gakkumdu, forwarded_direct, not_registered, withdrawn or in_progress."
    ),
    column!(
        AuthorityState,
        "status_otoritas",
        "authority_state",
        false,
        false,
        "rekomendasi",
        "Hasil KASN/BKN: menunggu_verifikasi, rekomendasi, ditolak, dibatalkan, tidak_terbukti atau berhenti; kosong = rekomendasi bila kolom rekomendasi diisi, selain itu menunggu_verifikasi.",
        "KASN/BKN outcome: awaiting_verification, recommended, rejected, cancelled, not_proven or left_service; empty = recommended when the recommendation columns are filled, else awaiting_verification."
    ),
    column!(
        RecommendationDate,
        "tanggal_rekomendasi",
        "recommendation_date",
        false,
        false,
        "2020-09-28",
        "Tanggal rekomendasi (atau hasil otoritas lainnya).",
        "Date of the recommendation (or of the authority's other outcome)."
    ),
    column!(
        RecommendationCategory,
        "kategori_rekomendasi",
        "recommendation_category",
        false,
        false,
        "kode_etik",
        "kode_etik atau disiplin, sebagaimana dipilih otoritas.",
        "kode_etik or disiplin, as chosen by the authority."
    ),
    column!(
        RecommendationLevel,
        "tingkat_rekomendasi",
        "recommendation_level",
        false,
        false,
        "moral",
        "moral, ringan, sedang, berat atau ptdh.",
        "moral, ringan, sedang, berat or ptdh."
    ),
    column!(
        RecommendationLetter,
        "nomor_rekomendasi",
        "recommendation_letter",
        false,
        false,
        "R-2745/KASN/9/2020",
        "Nomor surat rekomendasi.",
        "Recommendation letter number."
    ),
    column!(
        PpkState,
        "tindak_lanjut_ppk",
        "ppk_state",
        false,
        false,
        "dijatuhi_sanksi",
        "belum_disampaikan, menunggu, terlambat atau dijatuhi_sanksi; kosong = dijatuhi_sanksi bila sanksi diisi, selain itu menunggu.",
        "not_delivered, awaiting, overdue or sanctioned; empty = sanctioned when the sanction is given, else awaiting."
    ),
    column!(
        SanctionOption,
        "opsi_sanksi",
        "sanction_option",
        false,
        false,
        "pp42.moral.terbuka",
        "Kode sanksi yang dijatuhkan PPK (katalog sanksi, mis. pp42.moral.terbuka, pp53.sedang.tunda_kgb_1y).",
        "Code of the sanction imposed by the PPK (sanction catalogue, e.g. pp42.moral.terbuka, pp53.sedang.tunda_kgb_1y)."
    ),
    column!(
        SanctionDecreeNumber,
        "nomor_sk_sanksi",
        "sanction_decree_number",
        false,
        false,
        "800/1234/2020",
        "Nomor keputusan PPK.",
        "Number of the PPK's decree."
    ),
    column!(
        SanctionDecreeDate,
        "tanggal_sk_sanksi",
        "sanction_decree_date",
        false,
        false,
        "2020-10-12",
        "Tanggal keputusan PPK.",
        "Date of the PPK's decree."
    ),
];

impl Col {
    pub const ALL: [Col; 32] = [
        Col::CaseRef,
        Col::Election,
        Col::ReceivedDate,
        Col::HandlingRegion,
        Col::CaseKind,
        Col::RegistrationNumber,
        Col::OccurredDate,
        Col::ActRegion,
        Col::Description,
        Col::ViolationCodes,
        Col::Medium,
        Col::Platform,
        Col::DecisionDate,
        Col::AsnName,
        Col::Nip,
        Col::EmploymentType,
        Col::PositionClass,
        Col::TerritorialHead,
        Col::PositionTitle,
        Col::AgencyCode,
        Col::AgencyName,
        Col::AgencyKind,
        Col::Outcome,
        Col::AuthorityState,
        Col::RecommendationDate,
        Col::RecommendationCategory,
        Col::RecommendationLevel,
        Col::RecommendationLetter,
        Col::PpkState,
        Col::SanctionOption,
        Col::SanctionDecreeNumber,
        Col::SanctionDecreeDate,
    ];

    pub fn spec(self) -> &'static ColumnSpec {
        &COLUMNS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The column a header names (Indonesian name or English alias; case, spaces and hyphens do
    /// not matter).
    pub fn from_header(h: &str) -> Option<Col> {
        let norm: String = h
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        COLUMNS.iter().find(|c| c.name == norm || c.alias == norm).map(|c| c.col)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading sheets
// ---------------------------------------------------------------------------------------------

/// File format of a recap sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// A workbook by its content (ZIP or OLE signature) or extension; CSV otherwise.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
        let lower = file_name.to_ascii_lowercase();
        if bytes.starts_with(b"PK\x03\x04")
            || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
            || [".xlsx", ".xlsm", ".xls", ".ods"].iter().any(|e| lower.ends_with(e))
        {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// A sheet as text cells: the header row and the data rows with their spreadsheet row numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub header_row: u64,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetRow {
    /// Row number as a spreadsheet shows it (the header is usually row 1).
    pub row: u64,
    pub cells: Vec<String>,
    /// Columns holding a number too long for a spreadsheet to keep exactly (a NIP typed as a
    /// number loses its last digits).
    pub lossy: Vec<usize>,
}

impl Sheet {
    /// A sheet from literal cells (tests, generators). Rows are numbered from 2.
    pub fn from_cells(headers: &[&str], rows: &[Vec<String>]) -> Sheet {
        Sheet {
            header_row: 1,
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow { row: i as u64 + 2, cells: r.clone(), lossy: Vec::new() })
                .collect(),
        }
    }
}

fn file_error(id: impl Into<String>, en: impl Into<String>) -> ImportError {
    ImportError::File(Msg::new(id, en))
}

/// Reads CSV bytes: UTF-8 (a BOM is skipped), delimiter `,`, `;` or tab detected from the header.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(file_error(
            format!("berkas CSV bukan UTF-8 (baris {line}); simpan ulang sebagai \"CSV UTF-8\""),
            format!("the CSV file is not UTF-8 (line {line}); save it again as \"CSV UTF-8\""),
        ));
    }
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first_line.iter().filter(|b| *b == d).count(), *d == b','))
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    // Line numbers from byte offsets: the reader's own line count is off after CRLF. The offset it
    // reports may point at the end of the previous line (its CR or LF), so line breaks (and blank
    // lines, which the reader skips) are stepped over to the record's first character.
    let mut lines_before = 0_u64;
    let mut counted_to = 0_usize;
    let mut line_at = |b: u64| {
        let mut start = usize::try_from(b).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            lines_before += bytes[counted_to..start].iter().filter(|c| **c == b'\n').count() as u64;
            counted_to = start;
        }
        lines_before + 1
    };
    let mut sheet = Sheet::default();
    let mut header = true;
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_error(
                format!("CSV tidak dapat dibaca di sekitar baris {line}: {e}"),
                format!("the CSV cannot be read near line {line}: {e}"),
            )
        })?;
        let row = rec.position().map_or(0, |p| line_at(p.byte()));
        let cells: Vec<String> = rec.iter().map(str::to_owned).collect();
        if header {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            sheet.header_row = row;
            sheet.headers = cells;
            header = false;
        } else {
            sheet.rows.push(SheetRow { row, cells, lossy: Vec::new() });
        }
    }
    if header {
        return Err(file_error("berkas kosong: tidak ada baris judul kolom", "the file is empty: no header row"));
    }
    Ok(sheet)
}

/// Reads a workbook (XLSX; XLS and ODS go through the same reader): the sheet named `sheet`, or the
/// first one. The header is the first non-empty row.
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, ImportError> {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(|e| {
        file_error(format!("berkas bukan buku kerja XLSX yang sah: {e}"), format!("not a valid XLSX workbook: {e}"))
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.eq_ignore_ascii_case(s)).cloned().ok_or_else(|| {
            file_error(
                format!("lembar `{s}` tidak ada; lembar yang ada: {}", names.join(", ")),
                format!("no sheet `{s}`; the workbook has: {}", names.join(", ")),
            )
        })?,
        None => {
            names.first().cloned().ok_or_else(|| file_error("buku kerja tanpa lembar", "the workbook has no sheet"))?
        }
    };
    let range = wb.worksheet_range(&name).map_err(|e| {
        file_error(format!("lembar `{name}` tidak dapat dibaca: {e}"), format!("sheet `{name}` cannot be read: {e}"))
    })?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let lead = c0 as usize;
    let mut out = Sheet::default();
    let mut header = true;
    for (i, cells) in range.rows().enumerate() {
        let row = u64::from(r0) + i as u64 + 1;
        let mut texts: Vec<String> = vec![String::new(); lead];
        let mut lossy = Vec::new();
        for (j, c) in cells.iter().enumerate() {
            let text = match c {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(v) => v.to_string(),
                Data::Float(f) => {
                    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                        format!("{}", *f as i64)
                    } else {
                        if f.abs() >= 9.007_199_254_740_992e15 {
                            lossy.push(lead + j);
                        }
                        f.to_string()
                    }
                }
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => {
                    let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
                    if (hh, mm, ss) == (0, 0, 0) {
                        format!("{y:04}-{m:02}-{d:02}")
                    } else {
                        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
                    }
                }
                Data::Error(e) => format!("#{e:?}"),
            };
            texts.push(text);
        }
        if header {
            if texts.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            out.header_row = row;
            out.headers = texts;
            header = false;
        } else {
            out.rows.push(SheetRow { row, cells: texts, lossy });
        }
    }
    if header {
        return Err(file_error(
            format!("lembar `{name}` kosong: tidak ada baris judul kolom"),
            format!("sheet `{name}` is empty: no header row"),
        ));
    }
    Ok(out)
}

/// A file to import: its name, format, SHA-256 and cells.
#[derive(Debug, Clone)]
pub struct ImportSource {
    pub name: String,
    pub format: Format,
    /// SHA-256 of the file's bytes (hex); identifies the file for `--resume`.
    pub sha256: String,
    pub sheet: Sheet,
}

impl ImportSource {
    pub fn from_bytes(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<ImportSource, ImportError> {
        let format = Format::detect(name, bytes);
        let parsed = match format {
            Format::Csv => read_csv(bytes)?,
            Format::Xlsx => read_xlsx(bytes, sheet)?,
        };
        Ok(ImportSource { name: name.to_owned(), format, sha256: hex::encode(Sha256::digest(bytes)), sheet: parsed })
    }
}

// ---------------------------------------------------------------------------------------------
// Options, progress and the report
// ---------------------------------------------------------------------------------------------

/// How to run an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Validate and plan only; write nothing.
    pub dry_run: bool,
    /// Continue the interrupted run of the same file from its checkpoint.
    pub resume: bool,
    /// Cases per transaction (each commit moves the checkpoint).
    pub batch_size: usize,
    /// Import the valid cases and skip every case with an invalid row (default: all or nothing).
    pub skip_invalid: bool,
    /// Testing aid: fail (as a crash would) while writing the `n`-th new case of this call (1-based);
    /// its batch rolls back.
    #[doc(hidden)]
    pub fail_at_case: Option<u64>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { dry_run: false, resume: false, batch_size: 200, skip_invalid: false, fail_at_case: None }
    }
}

/// Progress reported to the caller's hook. Returning `ControlFlow::Break` from the hook stops the
/// import after the batch in flight is committed (a graceful interruption; `--resume` continues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// Validation passed; `to_import` new cases will be written (`done` of them in earlier runs).
    Validated { rows: u64, cases: u64, to_import: u64, done: u64 },
    /// One more case written in the open transaction (not yet committed).
    Written { done: u64, total: u64 },
    /// A batch and the checkpoint were committed.
    Checkpoint { done: u64, total: u64 },
}

/// The caller's progress hook.
pub type Hook<'a> = dyn FnMut(&ImportProgress) -> ControlFlow<()> + Send + 'a;

/// What happened to the import as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Every new case is in.
    Completed,
    /// Every case of the file was already imported with the same content: nothing was written.
    NothingToDo,
    /// Rows are invalid: nothing was written.
    Invalid,
    /// `--dry-run`: validated, nothing written.
    DryRun,
    /// Stopped after a checkpoint; `--resume` continues.
    Interrupted,
}

/// One problem with one cell, row or case. `row` 0 means the file as a whole; the header row is the
/// sheet's first non-empty row (usually 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowIssue {
    pub row: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    /// Stable machine code (`invalid_nip`, `sanction_without_recommendation`, …).
    pub code: String,
    pub message: Msg,
}

impl RowIssue {
    /// One line of the row-by-row report.
    pub fn render(&self, lang: Lang) -> String {
        let (row_w, col_w, val_w) = match lang {
            Lang::Id => ("baris", "kolom", "nilai"),
            Lang::En => ("row", "column", "value"),
        };
        let mut s = format!("{row_w} {}", self.row);
        if let Some(c) = &self.column {
            s.push_str(&format!(", {col_w} {c}"));
        }
        if let Some(v) = &self.value {
            s.push_str(&format!(", {val_w} \"{v}\""));
        }
        s.push_str(": ");
        s.push_str(self.message.get(lang));
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub name: String,
    pub format: Format,
    pub sha256: String,
}

/// The outcome of [`Netra::import_sheet`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub status: ImportStatus,
    pub file: FileInfo,
    pub run_id: Option<String>,
    /// Data rows read (empty rows are not counted).
    pub rows: u64,
    pub cases_in_file: u64,
    pub subjects_in_file: u64,
    /// Cases of the file already imported with identical content (skipped).
    pub cases_already_imported: u64,
    /// Cases of the file skipped because a row is invalid (`skip_invalid`).
    pub cases_skipped_invalid: u64,
    /// New cases this run has to write in total (including those written before a resume).
    pub cases_to_import: u64,
    /// Cases written (committed) by this call.
    pub cases_imported: u64,
    /// Subject tracks (ASN) written by this call.
    pub subjects_imported: u64,
    /// Checkpoint the run resumed from.
    pub resumed_from: Option<u64>,
    /// Elections created from the built-in table (in a dry run: that would be created).
    pub new_elections: Vec<String>,
    /// Agencies created from the sheet (in a dry run: that would be created).
    pub new_agencies: Vec<String>,
    pub errors: Vec<RowIssue>,
    pub warnings: Vec<RowIssue>,
}

// ---------------------------------------------------------------------------------------------
// Built-in elections
// ---------------------------------------------------------------------------------------------

/// Codes of the elections the import can create when a sheet names one that is not in the database.
pub const BUILTIN_ELECTIONS: [&str; 4] = ["pemilu-2019", "pilkada-2020", "pemilu-2024", "pilkada-2024"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("built-in date")
}

fn stage(kind: StageKind, from: &str, to: &str) -> Stage {
    Stage { kind, starts_on: d(from), ends_on: d(to) }
}

/// A built-in election by code (a fresh id). Stage dates follow the KPU schedules (PKPU 7/2017 as
/// amended for 2019, PKPU 5/2020 as amended for 2020, PKPU 3/2022 and PKPU 2/2024); the boundaries of
/// the preparation and recapitulation stages are approximate. Pilkada 2020's 270 regions are not
/// listed, so its scope is not restricted (empty = national).
pub fn builtin_election(code: &str) -> Option<Election> {
    let (name, kind, year, voting, stages, regions): (&str, ElectionKind, i32, &str, Vec<Stage>, Vec<String>) =
        match code {
            "pemilu-2019" => (
                "Pemilihan Umum 2019 (Presiden dan Wakil Presiden, DPR, DPD, DPRD)",
                ElectionKind::GeneralPresidential,
                2019,
                "2019-04-17",
                vec![
                    stage(StageKind::Preparation, "2017-08-17", "2018-07-03"),
                    stage(StageKind::CandidateRegistration, "2018-07-04", "2018-09-19"),
                    stage(StageKind::CandidateFixing, "2018-09-20", "2018-09-22"),
                    stage(StageKind::Campaign, "2018-09-23", "2019-04-13"),
                    stage(StageKind::QuietPeriod, "2019-04-14", "2019-04-16"),
                    stage(StageKind::Voting, "2019-04-17", "2019-04-17"),
                    stage(StageKind::Recapitulation, "2019-04-18", "2019-05-21"),
                ],
                vec![],
            ),
            "pilkada-2020" => (
                "Pemilihan Gubernur, Bupati, dan Wali Kota Serentak 2020",
                ElectionKind::RegionalSimultaneous,
                2020,
                "2020-12-09",
                vec![
                    stage(StageKind::Preparation, "2019-09-30", "2020-09-03"),
                    stage(StageKind::CandidateRegistration, "2020-09-04", "2020-09-22"),
                    stage(StageKind::CandidateFixing, "2020-09-23", "2020-09-25"),
                    stage(StageKind::Campaign, "2020-09-26", "2020-12-05"),
                    stage(StageKind::QuietPeriod, "2020-12-06", "2020-12-08"),
                    stage(StageKind::Voting, "2020-12-09", "2020-12-09"),
                    stage(StageKind::Recapitulation, "2020-12-10", "2020-12-23"),
                ],
                vec![],
            ),
            "pemilu-2024" => (
                "Pemilihan Umum 2024 (Presiden dan Wakil Presiden, DPR, DPD, DPRD)",
                ElectionKind::GeneralPresidential,
                2024,
                "2024-02-14",
                vec![
                    stage(StageKind::Preparation, "2022-06-14", "2023-04-30"),
                    stage(StageKind::CandidateRegistration, "2023-05-01", "2023-11-12"),
                    stage(StageKind::CandidateFixing, "2023-11-13", "2023-11-27"),
                    stage(StageKind::Campaign, "2023-11-28", "2024-02-10"),
                    stage(StageKind::QuietPeriod, "2024-02-11", "2024-02-13"),
                    stage(StageKind::Voting, "2024-02-14", "2024-02-14"),
                    stage(StageKind::Recapitulation, "2024-02-15", "2024-03-20"),
                ],
                vec![],
            ),
            "pilkada-2024" => (
                "Pemilihan Gubernur, Bupati, dan Wali Kota Serentak 2024",
                ElectionKind::RegionalSimultaneous,
                2024,
                "2024-11-27",
                vec![
                    stage(StageKind::Preparation, "2024-01-26", "2024-08-26"),
                    stage(StageKind::CandidateRegistration, "2024-08-27", "2024-09-21"),
                    stage(StageKind::CandidateFixing, "2024-09-22", "2024-09-24"),
                    stage(StageKind::Campaign, "2024-09-25", "2024-11-23"),
                    stage(StageKind::QuietPeriod, "2024-11-24", "2024-11-26"),
                    stage(StageKind::Voting, "2024-11-27", "2024-11-27"),
                    stage(StageKind::Recapitulation, "2024-11-28", "2024-12-16"),
                ],
                // Every province but DIY, which elects no governor.
                catalogue::regions()
                    .provinces()
                    .iter()
                    .map(|p| p.code.as_str().to_owned())
                    .filter(|c| c != "34")
                    .collect(),
            ),
            _ => return None,
        };
    Some(Election {
        id: new_id(),
        code: code.to_owned(),
        name: name.to_owned(),
        kind,
        year,
        voting_day: d(voting),
        stages,
        regions,
    })
}

// ---------------------------------------------------------------------------------------------
// Validation: cells
// ---------------------------------------------------------------------------------------------

const NCOLS: usize = Col::ALL.len();

/// Canonical values of one row by column (`None`: empty, or invalid and already reported).
type Vals = [Option<String>; NCOLS];

struct Issues {
    errors: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
}

fn clip(v: &str) -> String {
    let v = v.trim();
    if v.chars().count() > 80 { format!("{}…", v.chars().take(80).collect::<String>()) } else { v.to_owned() }
}

impl Issues {
    fn issue(row: u64, col: Option<Col>, value: Option<&str>, code: &str, message: Msg) -> RowIssue {
        RowIssue {
            row,
            column: col.map(|c| c.name().to_owned()),
            value: value.map(clip),
            code: code.to_owned(),
            message,
        }
    }

    fn err(&mut self, row: u64, col: Option<Col>, value: Option<&str>, code: &str, message: Msg) {
        self.errors.push(Issues::issue(row, col, value, code, message));
    }

    fn warn(&mut self, row: u64, col: Option<Col>, value: Option<&str>, code: &str, message: Msg) {
        self.warnings.push(Issues::issue(row, col, value, code, message));
    }
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect()
}

/// A closed list: canonical code, accepted spellings (normalised), and how to name it in a message.
struct Closed {
    entries: &'static [(&'static str, &'static [&'static str])],
    names_id: &'static str,
    names_en: &'static str,
}

impl Closed {
    fn get(&self, raw: &str) -> Result<String, (&'static str, Msg)> {
        let n = norm(raw);
        self.entries
            .iter()
            .find(|(code, aliases)| *code == n || aliases.contains(&n.as_str()))
            .map(|(code, _)| (*code).to_owned())
            .ok_or_else(|| {
                (
                    "not_in_list",
                    Msg::new(
                        format!("nilai tidak dikenal; gunakan salah satu: {}", self.names_id),
                        format!("unknown value; use one of: {}", self.names_en),
                    ),
                )
            })
    }
}

const CASE_KINDS: Closed = Closed {
    entries: &[
        ("laporan", &["report", "lp"]),
        ("temuan", &["finding", "tm"]),
        ("informasi_awal", &["info_awal", "tip", "initial_information"]),
    ],
    names_id: "laporan, temuan, informasi_awal",
    names_en: "laporan (report), temuan (finding), informasi_awal (tip)",
};

const OUTCOMES: Closed = Closed {
    entries: &[
        ("forwarded", &["diteruskan", "referred", "diteruskan_ke_kasn", "diteruskan_ke_bkn"]),
        ("stopped", &["dihentikan", "tidak_diteruskan"]),
        ("gakkumdu", &["pidana", "diteruskan_ke_gakkumdu"]),
        ("forwarded_direct", &["diteruskan_langsung", "penerusan_langsung"]),
        ("not_registered", &["tidak_diregistrasi", "tidak_diregister"]),
        ("withdrawn", &["dicabut"]),
        ("in_progress", &["dalam_proses", "proses"]),
    ],
    names_id: "diteruskan, dihentikan, gakkumdu, diteruskan_langsung, tidak_diregistrasi, dicabut, dalam_proses",
    names_en: "forwarded, stopped, gakkumdu, forwarded_direct, not_registered, withdrawn, in_progress",
};

const AUTHORITY_STATES: Closed = Closed {
    entries: &[
        ("awaiting_verification", &["menunggu_verifikasi", "menunggu", "verifikasi"]),
        ("recommended", &["rekomendasi", "direkomendasikan", "recommendation_issued"]),
        ("rejected", &["ditolak"]),
        ("cancelled", &["dibatalkan", "canceled"]),
        ("not_proven", &["tidak_terbukti"]),
        ("left_service", &["berhenti", "pensiun", "berhenti_dari_asn"]),
    ],
    names_id: "menunggu_verifikasi, rekomendasi, ditolak, dibatalkan, tidak_terbukti, berhenti",
    names_en: "awaiting_verification, recommended, rejected, cancelled, not_proven, left_service",
};

const PPK_STATES: Closed = Closed {
    entries: &[
        ("not_delivered", &["belum_disampaikan"]),
        ("awaiting", &["menunggu", "belum_ditindaklanjuti", "awaiting_ppk"]),
        ("overdue", &["terlambat", "melewati_tenggat"]),
        ("sanctioned", &["dijatuhi_sanksi", "ditindaklanjuti", "sudah_ditindaklanjuti", "sanksi"]),
    ],
    names_id: "belum_disampaikan, menunggu, terlambat, dijatuhi_sanksi",
    names_en: "not_delivered, awaiting, overdue, sanctioned",
};

const MEDIA: Closed = Closed {
    entries: &[
        ("offline", &["luring", "tatap_muka"]),
        ("social_media", &["media_sosial", "medsos", "sosial_media"]),
        ("online", &["daring", "online_lainnya"]),
    ],
    names_id: "luring, media_sosial, daring",
    names_en: "offline, social_media, online",
};

const AGENCY_KINDS: Closed = Closed {
    entries: &[
        ("central", &["pusat", "kementerian", "lembaga", "kementerian/lembaga", "instansi_pusat"]),
        ("province", &["provinsi", "pemprov", "pemerintah_provinsi"]),
        ("regency", &["kabupaten_kota", "kabupaten/kota", "kabupaten", "kota", "pemkab", "pemkot"]),
    ],
    names_id: "pusat, provinsi, kabupaten_kota",
    names_en: "central, province, regency",
};

const EMPLOYMENT: Closed = Closed {
    entries: &[("pns", &[]), ("pppk", &[]), ("ppnpn", &["honorer", "non_asn"])],
    names_id: "pns, pppk, ppnpn",
    names_en: "pns, pppk, ppnpn",
};

const CATEGORIES: Closed = Closed {
    entries: &[("kode_etik", &["etik", "code_of_ethics"]), ("disiplin", &["discipline"])],
    names_id: "kode_etik, disiplin",
    names_en: "kode_etik (code of ethics), disiplin (discipline)",
};

const LEVELS: Closed = Closed {
    entries: &[
        ("moral", &[]),
        ("ringan", &["light"]),
        ("sedang", &["moderate"]),
        ("berat", &["severe", "heavy"]),
        ("ptdh", &[]),
    ],
    names_id: "moral, ringan, sedang, berat, ptdh",
    names_en: "moral, ringan (light), sedang (moderate), berat (severe), ptdh",
};

const YES_NO: Closed = Closed {
    entries: &[
        ("ya", &["y", "yes", "true", "1", "camat", "lurah", "camat/lurah"]),
        ("tidak", &["t", "n", "no", "false", "0", "bukan"]),
    ],
    names_id: "ya, tidak",
    names_en: "ya (yes), tidak (no)",
};

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)))
}

fn id_error(e: &IdError) -> Msg {
    let id = match e {
        IdError::RegionFormat(s) => {
            format!("kode wilayah `{s}` tidak berbentuk PP, PP.KK, PP.KK.CC atau PP.KK.CC.DDDD")
        }
        IdError::RegionSegment { code, reason } => format!("kode wilayah `{code}` tidak sah ({reason})"),
        IdError::NipLength(n) => format!("NIP harus 18 digit, ditemukan {n} karakter"),
        IdError::NipDigits => "NIP hanya boleh berisi angka".to_owned(),
        IdError::NipBirthDate(s) => format!("tanggal lahir pada NIP (`{s}`) bukan tanggal yang sah"),
        IdError::NipAppointment(s) => format!("TMT CPNS pada NIP (`{s}`) bukan tahun dan bulan yang sah"),
        IdError::NipAppointedUnderage { born, appointed } => {
            format!("TMT CPNS {appointed} sebelum pemegang NIP berusia 18 tahun (lahir {born})")
        }
        IdError::NipGender(c) => format!("digit jenis kelamin pada NIP harus 1 atau 2, ditemukan {c}"),
        IdError::NipSequence => "nomor urut pada NIP tidak boleh 000".to_owned(),
        IdError::PppkFormat => "nomor PPPK harus 18 digit".to_owned(),
        other => other.to_string(),
    };
    Msg::new(id, e.to_string())
}

fn split_codes(raw: &str) -> Vec<String> {
    raw.split([',', ';', '|', '\n'])
        .map(|c| {
            let c: String = c.chars().filter(|ch| !ch.is_whitespace()).collect::<String>().to_uppercase();
            // `KE2` → `KE-2`, `D6` → `D-6`.
            match c.find(|ch: char| ch.is_ascii_digit()) {
                Some(i) if i > 0 && !c.contains('-') => format!("{}-{}", &c[..i], &c[i..]),
                _ => c,
            }
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// The canonical form of one cell, or why it is invalid.
fn canon(col: Col, raw: &str) -> Result<String, (&'static str, Msg)> {
    let v = raw.trim();
    let too_long = |max: usize| {
        (v.chars().count() > max).then(|| {
            ("too_long", Msg::new(format!("paling banyak {max} karakter"), format!("at most {max} characters")))
        })
    };
    match col {
        Col::CaseRef | Col::RegistrationNumber | Col::RecommendationLetter | Col::SanctionDecreeNumber => {
            match too_long(200) {
                Some(e) => Err(e),
                None => Ok(v.to_owned()),
            }
        }
        Col::AsnName | Col::PositionTitle | Col::AgencyName | Col::AgencyCode | Col::Platform => match too_long(300) {
            Some(e) => Err(e),
            None => Ok(if col == Col::Platform { v.to_lowercase() } else { v.to_owned() }),
        },
        Col::Description => match too_long(5000) {
            Some(e) => Err(e),
            None => Ok(v.to_owned()),
        },
        Col::Election => Ok(v.to_lowercase()),
        Col::ReceivedDate
        | Col::OccurredDate
        | Col::DecisionDate
        | Col::RecommendationDate
        | Col::SanctionDecreeDate => parse_date(v).map(|d| d.format("%Y-%m-%d").to_string()).ok_or_else(|| {
            (
                "invalid_date",
                Msg::new(
                    "bukan tanggal yang sah; gunakan YYYY-MM-DD atau DD/MM/YYYY",
                    "not a valid date; use YYYY-MM-DD or DD/MM/YYYY",
                ),
            )
        }),
        Col::HandlingRegion => {
            if ["ri", "nasional", "national", "bawaslu_ri", "pusat"].contains(&norm(v).as_str()) {
                return Ok("RI".to_owned());
            }
            let code = RegionCode::parse(v).map_err(|e| ("invalid_region", id_error(&e)))?;
            let Some(r) = catalogue::region(&code) else {
                return Err((
                    "unknown_region",
                    Msg::new(
                        format!("wilayah `{code}` tidak ada dalam daftar wilayah Kemendagri"),
                        format!("region `{code}` is not in the Kemendagri region list"),
                    ),
                ));
            };
            if !matches!(r.level, RegionLevel::Province | RegionLevel::Regency) {
                return Err((
                    "office_level",
                    Msg::new(
                        "kantor Bawaslu yang menangani ada di tingkat provinsi atau kabupaten/kota (mis. 33 atau 33.24)",
                        "the handling Bawaslu office is a province or regency/city office (e.g. 33 or 33.24)",
                    ),
                ));
            }
            Ok(code.as_str().to_owned())
        }
        Col::ActRegion => {
            let code = RegionCode::parse(v).map_err(|e| ("invalid_region", id_error(&e)))?;
            if catalogue::region(&code).is_some() {
                Ok(code.as_str().to_owned())
            } else if code.level() == RegionLevel::Village {
                Err((
                    "region_too_deep",
                    Msg::new("isi wilayah sampai tingkat kecamatan", "give the region down to kecamatan level"),
                ))
            } else {
                Err((
                    "unknown_region",
                    Msg::new(
                        format!("wilayah `{code}` tidak ada dalam daftar wilayah Kemendagri"),
                        format!("region `{code}` is not in the Kemendagri region list"),
                    ),
                ))
            }
        }
        Col::CaseKind => CASE_KINDS.get(v),
        Col::ViolationCodes => {
            let mut out: Vec<String> = Vec::new();
            for c in split_codes(v) {
                if catalogue::violation(&c).is_none() {
                    return Err((
                        "unknown_violation",
                        Msg::new(
                            format!("`{c}` tidak ada dalam katalog bentuk pelanggaran SKB 2022 (KE-1…KE-7, D-1…D-11)"),
                            format!("`{c}` is not in the SKB 2022 violation catalogue (KE-1…KE-7, D-1…D-11)"),
                        ),
                    ));
                }
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            Ok(out.join(";"))
        }
        Col::Medium => MEDIA.get(v),
        Col::Nip => Ok(v.chars().filter(|c| !c.is_whitespace()).collect()),
        Col::EmploymentType => EMPLOYMENT.get(v),
        Col::PositionClass => {
            let n = norm(v);
            catalogue::position_classes().iter().find(|c| c.class.as_str() == n).map(|c| c.class.as_str().to_owned()).ok_or(
                (
                    "not_in_list",
                    Msg::new(
                        "kelas jabatan tidak dikenal; gunakan jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, fungsional atau pelaksana (camat/lurah: isi kepala_wilayah = ya)",
                        "unknown position class; use jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, fungsional or pelaksana (camat/lurah: set territorial_head = yes)",
                    ),
                ),
            )
        }
        Col::TerritorialHead => YES_NO.get(v),
        Col::AgencyKind => AGENCY_KINDS.get(v),
        Col::Outcome => OUTCOMES.get(v),
        Col::AuthorityState => AUTHORITY_STATES.get(v),
        Col::RecommendationCategory => CATEGORIES.get(v),
        Col::RecommendationLevel => LEVELS.get(v),
        Col::PpkState => PPK_STATES.get(v),
        Col::SanctionOption => {
            let code = v.to_lowercase();
            if catalogue::sanction_option(&code).is_some() {
                Ok(code)
            } else {
                Err((
                    "unknown_sanction",
                    Msg::new(
                        format!(
                            "`{v}` tidak ada dalam katalog sanksi (mis. pp42.moral.terbuka, pp53.sedang.tunda_kgb_1y, pp94.sedang.tukin25_6m)"
                        ),
                        format!(
                            "`{v}` is not in the sanction catalogue (e.g. pp42.moral.terbuka, pp53.sedang.tunda_kgb_1y, pp94.sedang.tukin25_6m)"
                        ),
                    ),
                ))
            }
        }
    }
}

/// One data row with its canonical values.
struct ParsedRow {
    row: u64,
    vals: Vals,
    /// The cells as written (for the report).
    raw: Vals,
}

impl ParsedRow {
    fn get(&self, c: Col) -> Option<&str> {
        self.vals[c as usize].as_deref()
    }

    fn raw(&self, c: Col) -> Option<&str> {
        self.raw[c as usize].as_deref()
    }

    fn has(&self, c: Col) -> bool {
        self.raw[c as usize].is_some()
    }
}

fn date_of(v: Option<&str>) -> Option<NaiveDate> {
    v.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// Maps the header to columns. Missing required columns and duplicates are errors; unknown
/// columns are ignored with a warning.
fn map_headers(sheet: &Sheet, issues: &mut Issues) -> Vec<Option<Col>> {
    let mut seen: HashMap<Col, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, h) in sheet.headers.iter().enumerate() {
        if h.trim().is_empty() {
            out.push(None);
            continue;
        }
        match Col::from_header(h) {
            Some(c) => {
                if let Some(first) = seen.insert(c, i) {
                    issues.err(
                        sheet.header_row,
                        Some(c),
                        Some(h),
                        "duplicate_column",
                        Msg::new(
                            format!("kolom {} muncul dua kali (kolom ke-{} dan ke-{})", c.name(), first + 1, i + 1),
                            format!("column {} appears twice (columns {} and {})", c.name(), first + 1, i + 1),
                        ),
                    );
                    out.push(None);
                } else {
                    out.push(Some(c));
                }
            }
            None => {
                issues.warn(
                    sheet.header_row,
                    None,
                    Some(h),
                    "unknown_column",
                    Msg::new(
                        "kolom tidak dikenal, diabaikan (lihat docs/import.md untuk nama kolom)",
                        "unknown column, ignored (see docs/import.md for the column names)",
                    ),
                );
                out.push(None);
            }
        }
    }
    for spec in COLUMNS.iter().filter(|s| s.required) {
        if !seen.contains_key(&spec.col) {
            issues.err(
                sheet.header_row,
                Some(spec.col),
                None,
                "missing_column",
                Msg::new(
                    format!("kolom wajib {} tidak ada (nama Inggris {} juga diterima)", spec.name, spec.alias),
                    format!("required column {} is missing (English name {} is accepted too)", spec.name, spec.alias),
                ),
            );
        }
    }
    out
}

fn required_msg(c: Col) -> Msg {
    Msg::new(format!("kolom {} wajib diisi", c.name()), format!("column {} is required", c.spec().alias))
}

/// Reads and checks every cell of every row, then the rules that involve several cells of a row.
fn parse_rows(sheet: &Sheet, map: &[Option<Col>], issues: &mut Issues, today: NaiveDate) -> Vec<ParsedRow> {
    let mut out = Vec::new();
    for r in &sheet.rows {
        if r.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut p = ParsedRow { row: r.row, vals: std::array::from_fn(|_| None), raw: std::array::from_fn(|_| None) };
        if r.cells.iter().skip(map.len()).any(|c| !c.trim().is_empty()) {
            issues.err(
                r.row,
                None,
                None,
                "extra_cells",
                Msg::new(
                    "baris berisi sel di luar kolom yang berjudul",
                    "the row has cells beyond the columns with a header",
                ),
            );
        }
        for (i, cell) in r.cells.iter().enumerate() {
            let Some(Some(col)) = map.get(i) else { continue };
            if cell.trim().is_empty() {
                continue;
            }
            p.raw[*col as usize] = Some(cell.trim().to_owned());
            if r.lossy.contains(&i) {
                issues.err(
                    r.row,
                    Some(*col),
                    Some(cell),
                    "number_too_long",
                    Msg::new(
                        "angka terlalu panjang sehingga digit terakhir hilang di Excel; format kolom sebagai teks dan ketik ulang",
                        "the number is too long and lost its last digits in Excel; format the column as text and type it again",
                    ),
                );
                continue;
            }
            match canon(*col, cell) {
                Ok(v) => p.vals[*col as usize] = Some(v),
                Err((code, msg)) => issues.err(r.row, Some(*col), Some(cell), code, msg),
            }
        }
        check_row(&mut p, issues, today);
        out.push(p);
    }
    out
}

/// Rules between the cells of one row (one civil servant).
fn check_row(p: &mut ParsedRow, issues: &mut Issues, today: NaiveDate) {
    let row = p.row;
    for c in [Col::CaseRef, Col::AsnName, Col::Outcome] {
        if !p.has(c) {
            issues.err(row, Some(c), None, "required", required_msg(c));
        }
    }
    // NIP, or the PPPK employee number, checked when given.
    if let Some(n) = p.get(Col::Nip).map(str::to_owned) {
        let res = if p.get(Col::EmploymentType) == Some("pppk") {
            PppkNumber::parse(&n).map(|x| x.as_str().to_owned())
        } else {
            Nip::parse(&n).map(|x| x.as_str().to_owned())
        };
        match res {
            Ok(v) => p.vals[Col::Nip as usize] = Some(v),
            Err(e) => {
                let code = if matches!(e, IdError::PppkFormat) { "invalid_pppk_number" } else { "invalid_nip" };
                issues.err(row, Some(Col::Nip), p.raw(Col::Nip), code, id_error(&e));
                p.vals[Col::Nip as usize] = None;
            }
        }
    }
    for c in [Col::ReceivedDate, Col::OccurredDate, Col::DecisionDate, Col::RecommendationDate, Col::SanctionDecreeDate]
    {
        if let Some(d) = date_of(p.get(c))
            && d > today
        {
            issues.err(
                row,
                Some(c),
                p.raw(c),
                "in_future",
                Msg::new("tanggal tidak boleh di masa depan", "the date cannot be in the future"),
            );
        }
    }
    if (p.has(Col::AgencyName) || p.has(Col::AgencyKind)) && !p.has(Col::AgencyCode) {
        issues.err(
            row,
            Some(Col::AgencyCode),
            None,
            "agency_code_required",
            Msg::new(
                "isi kode_instansi bila nama_instansi atau jenis_instansi diisi",
                "give agency_code when agency_name or agency_kind is given",
            ),
        );
    }
    let outcome = p.get(Col::Outcome).map(str::to_owned);
    let forwarded = matches!(outcome.as_deref(), Some("forwarded" | "forwarded_direct"));
    let authority_cols = [
        Col::AuthorityState,
        Col::RecommendationDate,
        Col::RecommendationCategory,
        Col::RecommendationLevel,
        Col::RecommendationLetter,
        Col::PpkState,
        Col::SanctionOption,
        Col::SanctionDecreeNumber,
        Col::SanctionDecreeDate,
    ];
    if outcome.is_some() && !forwarded {
        for c in authority_cols {
            if p.has(c) {
                issues.err(
                    row,
                    Some(c),
                    p.raw(c),
                    "not_forwarded",
                    Msg::new(
                        "ASN ini tidak diteruskan ke KASN/BKN (hasil_penanganan), jadi kolom otoritas, rekomendasi dan sanksi harus kosong",
                        "this ASN was not forwarded to KASN/BKN (outcome), so the authority, recommendation and sanction columns must be empty",
                    ),
                );
            }
        }
        return;
    }
    let rec_cols = [Col::RecommendationCategory, Col::RecommendationLevel, Col::RecommendationDate];
    let any_rec =
        p.has(Col::RecommendationCategory) || p.has(Col::RecommendationLevel) || p.has(Col::RecommendationLetter);
    let state = p
        .get(Col::AuthorityState)
        .map(str::to_owned)
        .unwrap_or_else(|| if any_rec { "recommended".to_owned() } else { "awaiting_verification".to_owned() });
    if state == "recommended" {
        for c in rec_cols {
            if !p.has(c) {
                issues.err(
                    row,
                    Some(c),
                    None,
                    "recommendation_incomplete",
                    Msg::new(
                        format!(
                            "rekomendasi tanpa {}: kategori, tingkat dan tanggal rekomendasi wajib diisi bersama",
                            c.name()
                        ),
                        format!("recommendation without {}: category, level and date go together", c.spec().alias),
                    ),
                );
            }
        }
    } else {
        for c in [Col::RecommendationCategory, Col::RecommendationLevel, Col::RecommendationLetter] {
            if p.has(c) {
                issues.err(
                    row,
                    Some(c),
                    p.raw(c),
                    "recommendation_not_expected",
                    Msg::new(
                        "kolom rekomendasi diisi, padahal status_otoritas bukan rekomendasi",
                        "a recommendation column is filled but authority_state is not recommended",
                    ),
                );
            }
        }
    }
    let recommended = state == "recommended";
    let sanction_cols = [Col::SanctionOption, Col::SanctionDecreeNumber, Col::SanctionDecreeDate];
    let any_sanction = sanction_cols.iter().any(|c| p.has(*c));
    if (any_sanction || p.has(Col::PpkState)) && !recommended {
        let c = if any_sanction { Col::SanctionOption } else { Col::PpkState };
        issues.err(
            row,
            Some(c),
            p.raw(c),
            "sanction_without_recommendation",
            Msg::new(
                "sanksi atau tindak lanjut PPK tanpa rekomendasi KASN/BKN",
                "a sanction or PPK follow-up without a KASN/BKN recommendation",
            ),
        );
        return;
    }
    if any_sanction {
        for c in sanction_cols {
            if !p.has(c) {
                issues.err(
                    row,
                    Some(c),
                    None,
                    "sanction_incomplete",
                    Msg::new(
                        format!("sanksi tanpa {}: opsi, nomor dan tanggal keputusan wajib diisi bersama", c.name()),
                        format!("sanction without {}: option, decree number and date go together", c.spec().alias),
                    ),
                );
            }
        }
    }
    match (p.get(Col::PpkState), any_sanction) {
        (Some("sanctioned"), false) => issues.err(
            row,
            Some(Col::PpkState),
            p.raw(Col::PpkState),
            "sanction_missing",
            Msg::new(
                "tindak lanjut dijatuhi_sanksi, tetapi opsi_sanksi, nomor_sk_sanksi dan tanggal_sk_sanksi kosong",
                "follow-up is sanctioned but sanction_option, sanction_decree_number and sanction_decree_date are empty",
            ),
        ),
        (Some(s), true) if s != "sanctioned" => issues.err(
            row,
            Some(Col::PpkState),
            p.raw(Col::PpkState),
            "sanction_not_expected",
            Msg::new(
                "sanksi diisi, padahal tindak_lanjut_ppk bukan dijatuhi_sanksi",
                "a sanction is given but ppk_state is not sanctioned",
            ),
        ),
        _ => {}
    }
    // The sanction option must exist on the decree date and apply to the employment type.
    if let (Some(code), Some(date)) = (p.get(Col::SanctionOption), date_of(p.get(Col::SanctionDecreeDate)))
        && let Some(opt) = catalogue::sanction_option(code)
    {
        if !opt.is_valid_on(date) {
            issues.err(
                row,
                Some(Col::SanctionOption),
                p.raw(Col::SanctionOption),
                "not_in_force",
                Msg::new(
                    format!("sanksi `{code}` ({}) tidak berlaku pada tanggal keputusan {date}", opt.legal_basis),
                    format!("sanction `{code}` ({}) is not in force on the decree date {date}", opt.legal_basis),
                ),
            );
        }
        if let Some(e) = p.get(Col::EmploymentType)
            && !opt.applies_to.is_empty()
            && !opt.applies_to.iter().any(|a| a.as_str() == e)
        {
            issues.err(
                row,
                Some(Col::SanctionOption),
                p.raw(Col::SanctionOption),
                "not_applicable",
                Msg::new(
                    format!("sanksi `{code}` tidak berlaku bagi pegawai {e}"),
                    format!("sanction `{code}` does not apply to {e} employees"),
                ),
            );
        }
        if let Some(level) = p.get(Col::RecommendationLevel)
            && opt.level.as_str() != level
        {
            issues.warn(
                row,
                Some(Col::SanctionOption),
                p.raw(Col::SanctionOption),
                "level_differs",
                Msg::new(
                    format!("sanksi bertingkat {}, rekomendasi bertingkat {level}", opt.level.as_str()),
                    format!("the sanction is {}, the recommendation was {level}", opt.level.as_str()),
                ),
            );
        }
    }
    // Dates in order within the row.
    let rec = date_of(p.get(Col::RecommendationDate));
    if let (Some(r), Some(s)) = (rec, date_of(p.get(Col::SanctionDecreeDate)))
        && s < r
    {
        issues.err(
            row,
            Some(Col::SanctionDecreeDate),
            p.raw(Col::SanctionDecreeDate),
            "before_recommendation",
            Msg::new(
                format!("keputusan PPK bertanggal sebelum rekomendasi ({r})"),
                format!("the PPK's decree is dated before the recommendation ({r})"),
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Validation: cases
// ---------------------------------------------------------------------------------------------

/// Rows sharing a case reference, with the case-level values merged.
struct CaseGroup {
    external_ref: String,
    rows: Vec<usize>,
    vals: Vals,
    /// Row each merged value came from.
    src: [u64; NCOLS],
}

fn group_cases(parsed: &[ParsedRow], issues: &mut Issues) -> Vec<CaseGroup> {
    let mut groups: Vec<CaseGroup> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, p) in parsed.iter().enumerate() {
        let Some(r) = p.get(Col::CaseRef) else { continue };
        let gi = *index.entry(r.to_owned()).or_insert_with(|| {
            groups.push(CaseGroup {
                external_ref: r.to_owned(),
                rows: Vec::new(),
                vals: std::array::from_fn(|_| None),
                src: [0; NCOLS],
            });
            groups.len() - 1
        });
        let g = &mut groups[gi];
        g.rows.push(i);
        for spec in COLUMNS.iter().filter(|s| s.per_case && s.col != Col::CaseRef) {
            let c = spec.col as usize;
            let Some(v) = &p.vals[c] else { continue };
            match &g.vals[c] {
                None => {
                    g.vals[c] = Some(v.clone());
                    g.src[c] = p.row;
                }
                Some(prev) if prev != v => issues.err(
                    p.row,
                    Some(spec.col),
                    p.raw(spec.col),
                    "differs_within_case",
                    Msg::new(
                        format!(
                            "berbeda dengan baris {} (`{prev}`) dari kasus yang sama; kolom kasus harus sama di setiap baris kasus (atau dikosongkan)",
                            g.src[c]
                        ),
                        format!(
                            "differs from row {} (`{prev}`) of the same case; case columns must be equal on every row of the case (or left empty)",
                            g.src[c]
                        ),
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    groups
}

/// Bawaslu's outcome for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Forwarded,
    Stopped,
    Gakkumdu,
    ForwardedDirect,
    NotRegistered,
    Withdrawn,
    InProgress,
}

impl Outcome {
    fn parse(s: &str) -> Option<Outcome> {
        Some(match s {
            "forwarded" => Outcome::Forwarded,
            "stopped" => Outcome::Stopped,
            "gakkumdu" => Outcome::Gakkumdu,
            "forwarded_direct" => Outcome::ForwardedDirect,
            "not_registered" => Outcome::NotRegistered,
            "withdrawn" => Outcome::Withdrawn,
            "in_progress" => Outcome::InProgress,
            _ => return None,
        })
    }

    /// Outcomes that belong to the whole case (every subject shares them).
    fn whole_case(self) -> bool {
        matches!(self, Outcome::ForwardedDirect | Outcome::NotRegistered | Outcome::Withdrawn | Outcome::InProgress)
    }

    fn registered(self) -> bool {
        matches!(self, Outcome::Forwarded | Outcome::Stopped | Outcome::Gakkumdu | Outcome::InProgress)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthorityState {
    Awaiting,
    Recommended,
    Rejected,
    Cancelled,
    NotProven,
    LeftService,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PpkState {
    NotDelivered,
    Awaiting,
    Overdue,
    Sanctioned,
}

#[derive(Debug, Clone)]
struct Recommendation {
    category: ViolationCategory,
    level: SanctionLevel,
    date: NaiveDate,
    letter: Option<String>,
}

#[derive(Debug, Clone)]
struct Sanction {
    option: String,
    number: String,
    date: NaiveDate,
}

#[derive(Debug, Clone)]
struct SubjectDraft {
    row: u64,
    name: String,
    nip: Option<String>,
    employment: Option<EmploymentType>,
    class: Option<String>,
    head: bool,
    title: Option<String>,
    agency_code: Option<String>,
    outcome: Outcome,
    authority: AuthorityState,
    /// Date of the authority's outcome (the recommendation date column).
    authority_date: Option<NaiveDate>,
    recommendation: Option<Recommendation>,
    ppk: PpkState,
    sanction: Option<Sanction>,
}

#[derive(Debug, Clone)]
struct CaseDraft {
    external_ref: String,
    first_row: u64,
    rows: Vec<u64>,
    election: String,
    received: NaiveDate,
    handling: Option<RegionCode>,
    kind: IntakeKind,
    number: Option<String>,
    number_row: u64,
    occurred: Option<NaiveDate>,
    act_region: RegionCode,
    description: Option<String>,
    violation_codes: Vec<String>,
    medium: Option<Medium>,
    platform: Option<String>,
    decision: Option<NaiveDate>,
    subjects: Vec<SubjectDraft>,
    /// SHA-256 of the normalised content (both formats give the same hash).
    hash: String,
}

impl CaseDraft {
    fn tz(&self) -> TimeZoneId {
        case_time_zone(self.handling.as_ref().map(RegionCode::as_str))
    }

    fn decision_date(&self) -> NaiveDate {
        self.decision.unwrap_or(self.received)
    }
}

/// Elections named by the sheet: in the database, or to be created from the built-in table.
struct ElectionPlan {
    election: Election,
    exists: bool,
}

struct CaseCtx<'a> {
    elections: &'a HashMap<String, ElectionPlan>,
    actor: &'a Actor,
    now: DateTime<Utc>,
}

fn local_today(now: DateTime<Utc>, tz: TimeZoneId) -> NaiveDate {
    now.with_timezone(&tz.offset()).date_naive()
}

/// Noon local time of `d` in `tz`: dates without a time of day are placed mid-day, so the local date
/// survives any conversion.
fn noon(d: NaiveDate, tz: TimeZoneId) -> DateTime<Utc> {
    let naive = d.and_hms_opt(12, 0, 0).expect("valid time");
    tz.offset().from_local_datetime(&naive).single().expect("fixed offset").with_timezone(&Utc)
}

fn content_hash(g: &CaseGroup, parsed: &[ParsedRow]) -> String {
    let case: BTreeMap<&str, &str> = COLUMNS
        .iter()
        .filter(|s| s.per_case)
        .filter_map(|s| g.vals[s.col as usize].as_deref().map(|v| (s.name, v)))
        .collect();
    let subjects: Vec<BTreeMap<&str, &str>> = g
        .rows
        .iter()
        .map(|&i| {
            COLUMNS
                .iter()
                .filter(|s| !s.per_case)
                .filter_map(|s| parsed[i].vals[s.col as usize].as_deref().map(|v| (s.name, v)))
                .collect()
        })
        .collect();
    let doc = json!({"case": case, "subjects": subjects});
    hex::encode(Sha256::digest(doc.to_string().as_bytes()))
}

/// Builds one case from its rows and checks the rules that span rows, dates and the election.
fn build_case(g: &CaseGroup, parsed: &[ParsedRow], issues: &mut Issues, ctx: &CaseCtx<'_>) -> Option<CaseDraft> {
    let first = &parsed[g.rows[0]];
    let first_row = first.row;
    let val = |c: Col| g.vals[c as usize].as_deref();
    let src = |c: Col| if g.src[c as usize] == 0 { first_row } else { g.src[c as usize] };
    let mut ok = true;
    for c in [Col::Election, Col::ReceivedDate, Col::HandlingRegion, Col::CaseKind] {
        if val(c).is_none() {
            ok = false;
            if !g.rows.iter().any(|&i| parsed[i].has(c)) {
                issues.err(first_row, Some(c), None, "required", required_msg(c));
            }
        }
    }
    let handling = match val(Col::HandlingRegion) {
        Some("RI") | None => None,
        Some(code) => RegionCode::parse(code).ok(),
    };
    let tz = case_time_zone(handling.as_ref().map(RegionCode::as_str));
    let received = date_of(val(Col::ReceivedDate));
    let occurred = date_of(val(Col::OccurredDate));
    let decision = date_of(val(Col::DecisionDate));
    let act_region = match (val(Col::ActRegion), &handling) {
        (Some(a), _) => RegionCode::parse(a).ok(),
        (None, Some(h)) => Some(h.clone()),
        (None, None) => {
            if val(Col::HandlingRegion) == Some("RI") {
                issues.err(
                    src(Col::HandlingRegion),
                    Some(Col::ActRegion),
                    None,
                    "act_region_required",
                    Msg::new(
                        "kasus yang ditangani Bawaslu RI memerlukan wilayah_kejadian",
                        "a case handled by Bawaslu RI needs act_region",
                    ),
                );
            }
            None
        }
    };
    let in_scope = match &handling {
        Some(h) => ctx.actor.scope.covers_region(h),
        None => ctx.actor.scope.region.is_none(),
    };
    if !in_scope && val(Col::HandlingRegion).is_some() {
        issues.err(
            src(Col::HandlingRegion),
            Some(Col::HandlingRegion),
            val(Col::HandlingRegion),
            "outside_scope",
            Msg::new("wilayah penanganan di luar cakupan Anda", "the handling region is outside your scope"),
        );
    }
    if let (Some(o), Some(r)) = (occurred, received)
        && o > r
    {
        issues.err(
            src(Col::OccurredDate),
            Some(Col::OccurredDate),
            val(Col::OccurredDate),
            "after_received",
            Msg::new(
                format!("kejadian bertanggal setelah laporan diterima ({r})"),
                format!("the act is dated after the report was received ({r})"),
            ),
        );
    }
    if let (Some(dd), Some(r)) = (decision, received)
        && dd < r
    {
        issues.err(
            src(Col::DecisionDate),
            Some(Col::DecisionDate),
            val(Col::DecisionDate),
            "before_received",
            Msg::new(
                format!("putusan bertanggal sebelum laporan diterima ({r})"),
                format!("the decision is dated before the report was received ({r})"),
            ),
        );
    }
    // The election: known, and the dates inside its period.
    let election = val(Col::Election).and_then(|code| match ctx.elections.get(code) {
        Some(p) => Some(&p.election),
        None => {
            issues.err(
                src(Col::Election),
                Some(Col::Election),
                Some(code),
                "unknown_election",
                Msg::new(
                    format!(
                        "pemilihan `{code}` tidak ada di Netra dan tidak ada dalam tabel bawaan ({})",
                        BUILTIN_ELECTIONS.join(", ")
                    ),
                    format!(
                        "election `{code}` is not in Netra nor in the built-in table ({})",
                        BUILTIN_ELECTIONS.join(", ")
                    ),
                ),
            );
            None
        }
    });
    if let Some(e) = election {
        for (c, day) in [(Col::ReceivedDate, received), (Col::OccurredDate, occurred)] {
            if let Some(day) = day
                && day < e.starts_on()
            {
                issues.err(
                    src(c),
                    Some(c),
                    val(c),
                    "before_election",
                    Msg::new(
                        format!("tanggal sebelum tahapan {} dimulai ({})", e.code, e.starts_on()),
                        format!("the date is before election {} began ({})", e.code, e.starts_on()),
                    ),
                );
            }
        }
        if let Some(r) = &act_region
            && !e.regions.is_empty()
            && !e.regions.iter().filter_map(|c| RegionCode::parse(c).ok()).any(|s| r.is_within(&s) || s.is_within(r))
        {
            let c = if val(Col::ActRegion).is_some() { Col::ActRegion } else { Col::HandlingRegion };
            issues.err(
                src(c),
                Some(c),
                Some(r.as_str()),
                "region_not_in_election",
                Msg::new(
                    format!("wilayah `{r}` tidak termasuk pemilihan {}", e.code),
                    format!("region `{r}` is not in scope of election {}", e.code),
                ),
            );
        }
    }
    // Subjects.
    let whole: Option<(Outcome, u64)> = g.rows.iter().find_map(|&i| {
        parsed[i].get(Col::Outcome).and_then(Outcome::parse).filter(|o| o.whole_case()).map(|o| (o, parsed[i].row))
    });
    let mut subjects = Vec::new();
    let mut seen: HashMap<(String, Option<String>), u64> = HashMap::new();
    let mut seen_nip: HashMap<String, u64> = HashMap::new();
    let decision_day = decision.or(received);
    for &i in &g.rows {
        let p = &parsed[i];
        let Some(outcome) = p.get(Col::Outcome).and_then(Outcome::parse) else {
            ok = false;
            continue;
        };
        if let Some((w, wrow)) = whole
            && w != outcome
        {
            issues.err(
                p.row,
                Some(Col::Outcome),
                p.raw(Col::Outcome),
                "outcome_differs",
                Msg::new(
                    format!(
                        "hasil `{}` pada baris {wrow} berlaku untuk seluruh kasus, jadi setiap ASN kasus ini harus bernilai sama",
                        parsed.iter().find(|x| x.row == wrow).and_then(|x| x.raw(Col::Outcome)).unwrap_or_default()
                    ),
                    format!("the outcome on row {wrow} applies to the whole case, so every ASN of the case must have it"),
                ),
            );
        }
        let Some(name) = p.get(Col::AsnName) else {
            ok = false;
            continue;
        };
        let nip = p.get(Col::Nip).map(str::to_owned);
        if let Some(prev) = seen.insert((name.to_lowercase(), nip.clone()), p.row) {
            issues.err(
                p.row,
                Some(Col::AsnName),
                p.raw(Col::AsnName),
                "duplicate_subject",
                Msg::new(
                    format!("ASN yang sama sudah tercatat pada baris {prev} untuk kasus ini"),
                    format!("the same ASN is already on row {prev} for this case"),
                ),
            );
        } else if let Some(n) = &nip
            && let Some(prev) = seen_nip.insert(n.clone(), p.row)
        {
            issues.err(
                p.row,
                Some(Col::Nip),
                p.raw(Col::Nip),
                "duplicate_nip",
                Msg::new(
                    format!("NIP ini sudah tercatat pada baris {prev} untuk kasus ini"),
                    format!("this NIP is already on row {prev} for this case"),
                ),
            );
        }
        let any_rec =
            p.has(Col::RecommendationCategory) || p.has(Col::RecommendationLevel) || p.has(Col::RecommendationLetter);
        let authority = match p.get(Col::AuthorityState) {
            Some("recommended") => AuthorityState::Recommended,
            Some("rejected") => AuthorityState::Rejected,
            Some("cancelled") => AuthorityState::Cancelled,
            Some("not_proven") => AuthorityState::NotProven,
            Some("left_service") => AuthorityState::LeftService,
            Some(_) => AuthorityState::Awaiting,
            None if any_rec => AuthorityState::Recommended,
            None => AuthorityState::Awaiting,
        };
        let authority_date = date_of(p.get(Col::RecommendationDate));
        if let (Some(a), Some(dd)) = (authority_date, decision_day)
            && a < dd
        {
            issues.err(
                p.row,
                Some(Col::RecommendationDate),
                p.raw(Col::RecommendationDate),
                "before_decision",
                Msg::new(
                    format!("hasil KASN/BKN bertanggal sebelum kasus diteruskan ({dd})"),
                    format!("the KASN/BKN outcome is dated before the case was forwarded ({dd})"),
                ),
            );
        }
        let recommendation = match (
            p.get(Col::RecommendationCategory).and_then(ViolationCategory::parse),
            p.get(Col::RecommendationLevel).and_then(SanctionLevel::parse),
            authority_date,
        ) {
            (Some(category), Some(level), Some(date)) if authority == AuthorityState::Recommended => {
                Some(Recommendation {
                    category,
                    level,
                    date,
                    letter: p.get(Col::RecommendationLetter).map(str::to_owned),
                })
            }
            _ => None,
        };
        if authority == AuthorityState::Recommended && recommendation.is_none() {
            ok = false;
        }
        let sanction = match (
            p.get(Col::SanctionOption),
            p.get(Col::SanctionDecreeNumber),
            date_of(p.get(Col::SanctionDecreeDate)),
        ) {
            (Some(o), Some(n), Some(dd)) => Some(Sanction { option: o.to_owned(), number: n.to_owned(), date: dd }),
            _ => None,
        };
        let ppk = match p.get(Col::PpkState) {
            Some("not_delivered") => PpkState::NotDelivered,
            Some("overdue") => PpkState::Overdue,
            Some("sanctioned") => PpkState::Sanctioned,
            Some(_) => PpkState::Awaiting,
            None if sanction.is_some() => PpkState::Sanctioned,
            None => PpkState::Awaiting,
        };
        if ppk == PpkState::Sanctioned && sanction.is_none() {
            ok = false;
        }
        if let (PpkState::Overdue, Some(rec), Some(e)) = (ppk, &recommendation, election) {
            let rule = format!("{}.ppk_follow_up", e.kind.rule_set());
            if let Ok(due) = due_at(&rule, noon(rec.date, tz), tz)
                && due >= ctx.now
            {
                issues.err(
                    p.row,
                    Some(Col::PpkState),
                    p.raw(Col::PpkState),
                    "deadline_not_passed",
                    Msg::new(
                        format!(
                            "tenggat tindak lanjut PPK ({rule}) belum lewat, jadi belum dapat dinyatakan terlambat"
                        ),
                        format!("the PPK follow-up deadline ({rule}) has not passed, so it cannot be overdue yet"),
                    ),
                );
            }
        }
        subjects.push(SubjectDraft {
            row: p.row,
            name: name.to_owned(),
            nip,
            employment: p.get(Col::EmploymentType).and_then(EmploymentType::parse),
            class: p.get(Col::PositionClass).map(str::to_owned),
            head: p.get(Col::TerritorialHead) == Some("ya"),
            title: p.get(Col::PositionTitle).map(str::to_owned),
            agency_code: p.get(Col::AgencyCode).map(str::to_owned),
            outcome,
            authority,
            authority_date,
            recommendation,
            ppk,
            sanction,
        });
    }
    if whole.is_some_and(|(w, _)| w == Outcome::InProgress) && decision.is_some() {
        issues.err(
            src(Col::DecisionDate),
            Some(Col::DecisionDate),
            val(Col::DecisionDate),
            "not_decided",
            Msg::new(
                "kasus dalam_proses belum diputus, jadi tanggal_putusan harus kosong",
                "an in_progress case has no decision yet, so decision_date must be empty",
            ),
        );
    }
    let registered = subjects.iter().all(|s| s.outcome.registered());
    if val(Col::RegistrationNumber).is_some() && !registered {
        issues.err(
            src(Col::RegistrationNumber),
            Some(Col::RegistrationNumber),
            val(Col::RegistrationNumber),
            "not_registered_number",
            Msg::new(
                "nomor registrasi hanya untuk kasus yang diregistrasi (bukan tidak_diregistrasi, dicabut atau diteruskan_langsung)",
                "a registration number belongs only to a registered case (not not_registered, withdrawn or forwarded_direct)",
            ),
        );
    }
    let (Some(_), Some(received), Some(kind), Some(act_region), true) =
        (election, received, val(Col::CaseKind).and_then(IntakeKind::parse), act_region, ok)
    else {
        return None;
    };
    if subjects.is_empty() {
        return None;
    }
    Some(CaseDraft {
        external_ref: g.external_ref.clone(),
        first_row,
        rows: g.rows.iter().map(|&i| parsed[i].row).collect(),
        election: val(Col::Election).unwrap_or_default().to_owned(),
        received,
        handling,
        kind,
        number: val(Col::RegistrationNumber).map(str::to_owned),
        number_row: src(Col::RegistrationNumber),
        occurred,
        act_region,
        description: val(Col::Description).map(str::to_owned),
        violation_codes: val(Col::ViolationCodes)
            .map(|v| v.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        medium: val(Col::Medium).and_then(Medium::parse),
        platform: val(Col::Platform).map(str::to_owned),
        decision,
        subjects,
        hash: content_hash(g, parsed),
    })
}

/// An agency named by the sheet: registered already, or to be created from the sheet.
#[derive(Debug, Clone)]
struct AgencyPlan {
    id: String,
    name: Option<String>,
    kind: Option<AgencyKind>,
    exists: bool,
    first_row: u64,
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// The history of one subject track, replayed through the workflow's state machine.
struct TrackPlan {
    status: TrackStatus,
    changed_at: DateTime<Utc>,
    deadline: Option<(String, DateTime<Utc>)>,
    authority: Option<String>,
    /// Authority and PPK acts (what `transition_track` records): action, instant, from, to.
    steps: Vec<(TrackAction, DateTime<Utc>, TrackStatus, TrackStatus)>,
}

impl TrackPlan {
    fn apply(&mut self, action: TrackAction, at: DateTime<Utc>, record: bool) -> Result<(), CoreError> {
        let next = next_track_status(self.status, action)?;
        if record {
            self.steps.push((action, at, self.status, next));
        }
        self.status = next;
        self.changed_at = at;
        Ok(())
    }
}

fn track_plan(c: &CaseDraft, s: &SubjectDraft, kind: ElectionKind, authority: &str) -> Result<TrackPlan, CoreError> {
    let tz = c.tz();
    let decided = noon(c.decision_date(), tz);
    let mut plan = TrackPlan {
        status: TrackStatus::START,
        changed_at: noon(c.received, tz),
        deadline: None,
        authority: None,
        steps: Vec::new(),
    };
    match s.outcome {
        Outcome::InProgress => return Ok(plan),
        Outcome::Forwarded | Outcome::ForwardedDirect => {
            plan.apply(TrackAction::Forward, decided, false)?;
            plan.authority = Some(authority.to_owned());
            plan.deadline = track_deadline(kind, TrackState::AwaitingVerification, decided, tz)?;
        }
        Outcome::Stopped | Outcome::Gakkumdu | Outcome::NotRegistered | Outcome::Withdrawn => {
            plan.apply(TrackAction::Drop, decided, false)?;
            return Ok(plan);
        }
    }
    let verdict_at = noon(s.authority_date.unwrap_or(c.decision_date()), tz);
    let verdict = match s.authority {
        AuthorityState::Awaiting => return Ok(plan),
        AuthorityState::Rejected => TrackAction::Reject,
        AuthorityState::Cancelled => TrackAction::Cancel,
        AuthorityState::NotProven => TrackAction::FindNotProven,
        AuthorityState::LeftService => TrackAction::RecordLeftService,
        AuthorityState::Recommended => TrackAction::IssueRecommendation,
    };
    plan.apply(verdict, verdict_at, true)?;
    plan.deadline = None;
    if verdict != TrackAction::IssueRecommendation {
        return Ok(plan);
    }
    // The PPK clock starts with the recommendation and keeps running after delivery.
    plan.deadline = track_deadline(kind, TrackState::RecommendationIssued, verdict_at, tz)?;
    match s.ppk {
        PpkState::NotDelivered => {}
        PpkState::Awaiting => plan.apply(TrackAction::DeliverToPpk, verdict_at, true)?,
        PpkState::Overdue => {
            plan.apply(TrackAction::DeliverToPpk, verdict_at, true)?;
            let due = plan.deadline.as_ref().map_or(verdict_at, |d| d.1);
            plan.apply(TrackAction::MarkOverdue, due, true)?;
            plan.deadline = None;
        }
        PpkState::Sanctioned => {
            plan.apply(TrackAction::DeliverToPpk, verdict_at, true)?;
            let at = s.sanction.as_ref().map_or(verdict_at, |x| noon(x.date, tz));
            plan.apply(TrackAction::RecordSanction, at, true)?;
            plan.deadline = None;
        }
    }
    Ok(plan)
}

const IMPORTED_NOTE: &str = "Diimpor dari rekap riwayat penanganan (netra import).";

impl Netra {
    async fn plan_elections(&self, groups: &[CaseGroup]) -> Result<HashMap<String, ElectionPlan>, ImportError> {
        let mut out = HashMap::new();
        for g in groups {
            let Some(code) = g.vals[Col::Election as usize].as_deref() else { continue };
            if out.contains_key(code) {
                continue;
            }
            match people::election(&self.db, code).await {
                Ok(e) => {
                    out.insert(code.to_owned(), ElectionPlan { election: e, exists: true });
                }
                Err(StoreError::NotFound) => {
                    if let Some(e) = builtin_election(code) {
                        out.insert(code.to_owned(), ElectionPlan { election: e, exists: false });
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    async fn plan_agencies(
        &self,
        parsed: &[ParsedRow],
        issues: &mut Issues,
    ) -> Result<HashMap<String, AgencyPlan>, ImportError> {
        let mut out: HashMap<String, AgencyPlan> = HashMap::new();
        let mut warned: HashSet<String> = HashSet::new();
        for p in parsed {
            let Some(code) = p.get(Col::AgencyCode) else { continue };
            if !out.contains_key(code) {
                let plan = match people::agency(&self.db, code).await {
                    Ok(a) => {
                        AgencyPlan { id: a.id, name: Some(a.name), kind: Some(a.kind), exists: true, first_row: p.row }
                    }
                    Err(StoreError::NotFound) => {
                        AgencyPlan { id: new_id(), name: None, kind: None, exists: false, first_row: p.row }
                    }
                    Err(e) => return Err(e.into()),
                };
                out.insert(code.to_owned(), plan);
            }
            let plan = out.get_mut(code).expect("inserted above");
            let name = p.get(Col::AgencyName);
            let kind = p.get(Col::AgencyKind).and_then(AgencyKind::parse);
            if plan.exists {
                let differs =
                    name.is_some_and(|n| Some(n) != plan.name.as_deref()) || kind.is_some_and(|k| Some(k) != plan.kind);
                if differs && warned.insert(code.to_owned()) {
                    issues.warn(
                        p.row,
                        Some(Col::AgencyName),
                        name,
                        "agency_differs",
                        Msg::new(
                            format!(
                                "instansi `{code}` sudah terdaftar sebagai \"{}\"; data yang terdaftar dipakai",
                                plan.name.as_deref().unwrap_or_default()
                            ),
                            format!(
                                "agency `{code}` is registered as \"{}\"; the registered record is used",
                                plan.name.as_deref().unwrap_or_default()
                            ),
                        ),
                    );
                }
                continue;
            }
            match (name, &plan.name) {
                (Some(n), None) => plan.name = Some(n.to_owned()),
                (Some(n), Some(prev)) if n != prev => issues.err(
                    p.row,
                    Some(Col::AgencyName),
                    Some(n),
                    "agency_differs_in_file",
                    Msg::new(
                        format!("kode instansi `{code}` bernama \"{prev}\" pada baris sebelumnya"),
                        format!("agency code `{code}` is named \"{prev}\" on an earlier row"),
                    ),
                ),
                _ => {}
            }
            match (kind, plan.kind) {
                (Some(k), None) => plan.kind = Some(k),
                (Some(k), Some(prev)) if k != prev => issues.err(
                    p.row,
                    Some(Col::AgencyKind),
                    p.raw(Col::AgencyKind),
                    "agency_differs_in_file",
                    Msg::new(
                        format!("kode instansi `{code}` berjenis {} pada baris sebelumnya", prev.as_str()),
                        format!("agency code `{code}` is of kind {} on an earlier row", prev.as_str()),
                    ),
                ),
                _ => {}
            }
        }
        for p in parsed {
            let Some(code) = p.get(Col::AgencyCode) else { continue };
            let plan = &out[code];
            if !plan.exists && (plan.name.is_none() || plan.kind.is_none()) {
                issues.err(
                    p.row,
                    Some(Col::AgencyCode),
                    Some(code),
                    "unknown_agency",
                    Msg::new(
                        format!(
                            "instansi `{code}` belum terdaftar di Netra: isi nama_instansi dan jenis_instansi (pada baris mana pun dengan kode ini) agar dibuat"
                        ),
                        format!(
                            "agency `{code}` is not registered in Netra: give agency_name and agency_kind (on any row with this code) to create it"
                        ),
                    ),
                );
            }
        }
        Ok(out)
    }

    /// Writes one case with everything the native use cases would have left behind.
    async fn write_case(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        c: &CaseDraft,
        e: &Election,
        agencies: &HashMap<String, AgencyPlan>,
        run: &ImportRun,
        source: &ImportSource,
        now: DateTime<Utc>,
    ) -> Result<u64, ImportError> {
        let tz = c.tz();
        let received = noon(c.received, tz);
        let decided = noon(c.decision_date(), tz);
        let act_day = c.occurred.unwrap_or(c.received);
        let forwarded = c.subjects.iter().any(|s| matches!(s.outcome, Outcome::Forwarded | Outcome::ForwardedDirect));
        let gakkumdu = c.subjects.iter().any(|s| s.outcome == Outcome::Gakkumdu);
        let whole = c.subjects.iter().map(|s| s.outcome).find(|o| o.whole_case());
        let (state, plenary) = match whole {
            Some(Outcome::ForwardedDirect) => (CaseState::ForwardedDirect, false),
            Some(Outcome::NotRegistered) => (CaseState::NotRegistered, false),
            Some(Outcome::Withdrawn) => (CaseState::Withdrawn, false),
            Some(_) => (CaseState::Registered, false),
            None if forwarded => (CaseState::Referred, true),
            None if gakkumdu => (CaseState::Gakkumdu, true),
            None => (CaseState::Stopped, true),
        };
        let registered = plenary || state == CaseState::Registered;
        let deadline = if state == CaseState::Registered { case_deadline(e.kind, state, received, tz)? } else { None };
        let authority =
            catalogue::authority_on(c.decision_date()).map_or_else(|| "unknown".to_owned(), |a| a.id.clone());
        let versions = json!(catalogue::catalogue_versions());
        let summary = c.description.clone().unwrap_or_else(|| {
            format!("Diimpor dari rekap {} (rujukan {}, baris {}).", source.name, c.external_ref, c.first_row)
        });
        let intake = IntakeRecord {
            id: new_id(),
            kind: c.kind,
            channel: netra_domain::model::Channel::Import.as_str().to_owned(),
            election_id: e.id.clone(),
            known_at: received,
            received_at: received,
            late: false,
            late_rule: None,
            late_due_at: None,
            summary: summary.clone(),
            created_by: actor.username.clone(),
        };
        let case = CaseRecord {
            id: new_id(),
            intake_id: intake.id.clone(),
            number: c.number.clone(),
            state,
            version: 1,
            election_id: e.id.clone(),
            handling_region: c.handling.as_ref().map(|h| h.as_str().to_owned()),
            kind: c.kind,
            received_at: received,
            registered_at: registered.then_some(received),
            state_changed_at: if state == CaseState::Registered { received } else { decided },
            deadline_rule: deadline.as_ref().map(|d| d.0.clone()),
            deadline_at: deadline.as_ref().map(|d| d.1),
            forwarded,
            gakkumdu,
            catalogue_versions: versions.clone(),
            rule_set_version: rule_set_version(e.kind),
            created_at: now,
            updated_at: now,
        };
        cases::insert_intake(tx, &intake, None).await?;
        cases::insert_case(tx, &case).await.map_err(|err| match err {
            StoreError::Duplicate(_) => StoreError::Duplicate("registration number"),
            other => other,
        })?;
        cases::insert_act(
            tx,
            &ActRecord {
                id: new_id(),
                case_id: case.id.clone(),
                occurred_at: noon(act_day, tz),
                region_code: c.act_region.as_str().to_owned(),
                description: summary,
                violation_codes: c.violation_codes.clone(),
                candidate_id: None,
                candidate_status: None,
                medium: c.medium.map_or("unknown", Medium::as_str).to_owned(),
                platform: c.platform.clone(),
                url: None,
                stage: e.stage_on(act_day).map(|s| s.as_str().to_owned()),
            },
        )
        .await?;
        let mut tracks_out = Vec::new();
        let mut outcomes = Vec::new();
        for s in &c.subjects {
            let asn = CivilServant {
                id: new_id(),
                name: s.name.clone(),
                nip: s.nip.clone(),
                employment_type: s.employment,
                position_class: s.class.clone(),
                position_title: s.title.clone(),
                territorial_head: s.head,
                agency_id: s.agency_code.as_ref().and_then(|code| agencies.get(code)).map(|a| a.id.clone()),
                work_region: None,
            };
            let existing = match &asn.nip {
                Some(nip) => people::civil_servant_by_nip(tx, nip).await?,
                None => None,
            };
            let asn = match existing {
                Some(mut known) => {
                    // The track belongs to the agency named on this row, as at intake.
                    known.agency_id = asn.agency_id.clone().or(known.agency_id);
                    known
                }
                None => {
                    people::insert_civil_servant(tx, &asn).await?;
                    asn
                }
            };
            let plan = track_plan(c, s, e.kind, &authority)?;
            let track_id = new_id();
            runs::insert_track(
                tx,
                &ImportedTrack {
                    id: &track_id,
                    case_id: &case.id,
                    civil_servant: &asn,
                    status: plan.status,
                    state_changed_at: plan.changed_at,
                    deadline: plan.deadline.clone(),
                    authority_id: plan.authority.as_deref(),
                    created_at: received,
                },
            )
            .await?;
            for (action, at, from, next) in &plan.steps {
                let mut payload = json!({
                    "track_id": track_id, "from": from.state.as_str(), "to": next.state.as_str(),
                    "data_blocked": next.data_blocked, "imported": true,
                });
                match action {
                    TrackAction::IssueRecommendation => {
                        let rec = s.recommendation.as_ref().ok_or(CoreError::NotFound)?;
                        let id = new_id();
                        cases::insert_recommendation(
                            tx,
                            &id,
                            &track_id,
                            plan.authority.as_deref().unwrap_or("unknown"),
                            rec.category.as_str(),
                            rec.level.as_str(),
                            None,
                            &c.violation_codes,
                            rec.letter.as_deref(),
                            *at,
                            &versions,
                        )
                        .await?;
                        payload["recommendation_id"] = json!(id);
                        payload["category"] = json!(rec.category.as_str());
                        payload["sanction_level"] = json!(rec.level.as_str());
                        payload["violation_codes"] = json!(c.violation_codes);
                        payload["letter_number"] = json!(rec.letter);
                        payload["catalogue_versions"] = versions.clone();
                    }
                    TrackAction::RecordSanction => {
                        let x = s.sanction.as_ref().ok_or(CoreError::NotFound)?;
                        let opt = catalogue::sanction_option(&x.option).ok_or(CoreError::NotFound)?;
                        let id = new_id();
                        cases::insert_sanction(
                            tx,
                            &id,
                            &track_id,
                            &opt.code,
                            &opt.legal_basis,
                            &x.number,
                            &x.date.to_string(),
                            *at,
                            &versions,
                        )
                        .await?;
                        payload["sanction_id"] = json!(id);
                        payload["sanction_option"] = json!(opt.code);
                        payload["legal_basis"] = json!(opt.legal_basis);
                        payload["decree_number"] = json!(x.number);
                        payload["decree_date"] = json!(x.date);
                        payload["catalogue_versions"] = versions.clone();
                    }
                    TrackAction::MarkOverdue => {
                        payload["overdue_rule"] = json!(format!("{}.ppk_follow_up", e.kind.rule_set()))
                    }
                    TrackAction::DeliverToPpk => {}
                    _ => payload["reason"] = json!(IMPORTED_NOTE),
                }
                cases::insert_track_event(tx, &new_id(), &track_id, action.as_str(), *at, &payload).await?;
            }
            outcomes.push(json!({
                "track_id": track_id,
                "outcome": if plan.authority.is_some() { "refer" } else { "stop" },
            }));
            tracks_out.push(json!({
                "track_id": track_id, "row": s.row, "state": plan.status.state.as_str(),
                "actions": plan.steps.iter().map(|(a, at, _, _)| json!({"action": a.as_str(), "at": at})).collect::<Vec<_>>(),
            }));
        }
        if plenary {
            cases::insert_plenary(
                tx,
                &new_id(),
                &case.id,
                decided,
                state.as_str(),
                "Putusan pleno (diimpor dari rekap riwayat penanganan).",
                &json!(outcomes),
                &versions,
            )
            .await?;
        }
        if forwarded {
            cases::insert_referral(
                tx,
                &new_id(),
                &case.id,
                &authority,
                decided,
                None,
                state == CaseState::ForwardedDirect,
            )
            .await?;
        }
        runs::insert_imported_case(
            tx,
            &case.id,
            &e.id,
            &c.external_ref,
            &c.hash,
            &run.id,
            i64::try_from(c.first_row).unwrap_or(i64::MAX),
            now,
        )
        .await?;
        audit::append(
            tx,
            NewEvent {
                actor: &actor.username,
                action: "case.imported",
                entity_type: "case",
                entity_id: &case.id,
                payload: json!({
                    "run_id": run.id, "file": source.name, "file_sha256": source.sha256, "external_ref": c.external_ref,
                    "rows": c.rows, "content_hash": c.hash, "channel": "import", "kind": c.kind.as_str(),
                    "election": e.code, "handling_region": case.handling_region, "state": state.as_str(),
                    "received_at": received, "registered_at": case.registered_at,
                    "decided_at": (plenary || forwarded || matches!(state, CaseState::NotRegistered | CaseState::Withdrawn)).then_some(decided),
                    "forwarded": forwarded, "gakkumdu": gakkumdu, "authority": forwarded.then_some(&authority),
                    "subject_tracks": tracks_out,
                }),
            },
            now,
        )
        .await?;
        netra_store::desk::reindex_case(tx, self.db.dialect, &case.id).await?;
        Ok(c.subjects.len() as u64)
    }
}

// ---------------------------------------------------------------------------------------------
// The use case
// ---------------------------------------------------------------------------------------------

fn refused(id: impl Into<String>, en: impl Into<String>) -> ImportError {
    ImportError::Refused(Msg::new(id, en))
}

impl Netra {
    /// Imports a recap sheet: validates every row, then writes the new cases in checkpointed
    /// batches (see the module documentation). Returns the report; rows that are invalid make the
    /// status [`ImportStatus::Invalid`] and nothing is written.
    pub async fn import_sheet(
        &self,
        actor: &Actor,
        source: &ImportSource,
        opts: &ImportOptions,
        hook: &mut Hook<'_>,
    ) -> Result<ImportReport, ImportError> {
        policy::can(actor, Action::CreateTemuan, None).map_err(CoreError::from)?;
        let now = self.now();
        let mut report = ImportReport {
            status: ImportStatus::Invalid,
            file: FileInfo { name: source.name.clone(), format: source.format, sha256: source.sha256.clone() },
            run_id: None,
            rows: 0,
            cases_in_file: 0,
            subjects_in_file: 0,
            cases_already_imported: 0,
            cases_skipped_invalid: 0,
            cases_to_import: 0,
            cases_imported: 0,
            subjects_imported: 0,
            resumed_from: None,
            new_elections: Vec::new(),
            new_agencies: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        let running = runs::running_for_file(&self.db, &source.sha256).await?;
        if !opts.dry_run {
            match (&running, opts.resume) {
                (Some(r), false) => {
                    return Err(refused(
                        format!(
                            "impor berkas ini terhenti sebelumnya (run {}, {} dari {} kasus tersimpan); jalankan lagi dengan --resume untuk melanjutkan",
                            r.id, r.cases_done, r.cases_total
                        ),
                        format!(
                            "an earlier import of this file was interrupted (run {}, {} of {} cases stored); run again with --resume to continue",
                            r.id, r.cases_done, r.cases_total
                        ),
                    ));
                }
                (None, true) => {
                    return Err(refused(
                        "tidak ada impor berkas ini yang terhenti; jalankan tanpa --resume",
                        "no interrupted import of this file to resume; run without --resume",
                    ));
                }
                _ => {}
            }
        }

        // Validate.
        let mut issues = Issues { errors: Vec::new(), warnings: Vec::new() };
        let sheet = &source.sheet;
        let map = map_headers(sheet, &mut issues);
        if !issues.errors.is_empty() {
            report.errors = issues.errors;
            report.warnings = issues.warnings;
            return Ok(report);
        }
        // The latest calendar date anywhere in Indonesia (WIT).
        let today = local_today(now, TimeZoneId::Wit);
        let parsed = parse_rows(sheet, &map, &mut issues, today);
        let groups = group_cases(&parsed, &mut issues);
        let elections = self.plan_elections(&groups).await?;
        let ctx = CaseCtx { elections: &elections, actor, now };
        let drafts: Vec<CaseDraft> = groups.iter().filter_map(|g| build_case(g, &parsed, &mut issues, &ctx)).collect();
        let agencies = self.plan_agencies(&parsed, &mut issues).await?;
        let mut imported: HashMap<String, HashMap<String, runs::ImportedCase>> = HashMap::new();
        for (code, p) in &elections {
            if p.exists {
                imported.insert(code.clone(), runs::imported_in_election(&self.db, &p.election.id).await?);
            }
        }
        let mut already: HashSet<String> = HashSet::new();
        for c in &drafts {
            let Some(prev) = imported.get(&c.election).and_then(|m| m.get(&c.external_ref)) else { continue };
            if prev.content_hash == c.hash {
                already.insert(c.external_ref.clone());
            } else {
                issues.err(
                    c.first_row,
                    Some(Col::CaseRef),
                    Some(&c.external_ref),
                    "imported_with_other_content",
                    Msg::new(
                        "kasus dengan rujukan ini sudah diimpor untuk pemilihan ini dengan isi berbeda; impor tidak mengubah kasus yang sudah ada (perbaiki datanya di Netra, atau gunakan rujukan lain)",
                        "a case with this reference was already imported for this election with different content; an import never changes an existing case (correct it in Netra, or use another reference)",
                    ),
                );
            }
        }
        // Registration numbers of new cases: unique in the file and in the database.
        let mut numbers: HashMap<&str, u64> = HashMap::new();
        for c in drafts.iter().filter(|c| !already.contains(&c.external_ref)) {
            if let Some(n) = &c.number
                && let Some(prev) = numbers.insert(n, c.number_row)
            {
                issues.err(
                    c.number_row,
                    Some(Col::RegistrationNumber),
                    Some(n),
                    "duplicate_number",
                    Msg::new(
                        format!("nomor registrasi ini juga dipakai kasus lain pada baris {prev}"),
                        format!("this registration number is also used by another case on row {prev}"),
                    ),
                );
            }
        }
        let wanted: Vec<String> = numbers.keys().map(|n| (*n).to_owned()).collect();
        let in_use = runs::numbers_in_use(&self.db, &wanted).await?;
        for c in drafts.iter().filter(|c| !already.contains(&c.external_ref)) {
            if let Some(n) = &c.number
                && in_use.contains(n)
            {
                issues.err(
                    c.number_row,
                    Some(Col::RegistrationNumber),
                    Some(n),
                    "number_in_use",
                    Msg::new(
                        "nomor registrasi ini sudah dipakai kasus lain di Netra",
                        "this registration number is already used by another case in Netra",
                    ),
                );
            }
        }

        // Which cases are invalid, and is anything fatal?
        let case_of_row: HashMap<u64, &str> =
            parsed.iter().filter_map(|p| p.get(Col::CaseRef).map(|r| (p.row, r))).collect();
        let mut bad: HashSet<&str> = HashSet::new();
        let mut fatal = false;
        for e in &issues.errors {
            match case_of_row.get(&e.row) {
                Some(r) => {
                    bad.insert(r);
                }
                None if e.row <= sheet.header_row => fatal = true,
                None => {}
            }
        }
        let order = |c: &Option<String>| c.as_deref().and_then(Col::from_header).map_or(usize::MAX, |c| c as usize);
        issues.errors.sort_by_key(|a| (a.row, order(&a.column)));
        issues.warnings.sort_by_key(|a| (a.row, order(&a.column)));
        report.rows = parsed.len() as u64;
        report.cases_in_file = groups.len() as u64;
        report.subjects_in_file = parsed.iter().filter(|p| p.get(Col::CaseRef).is_some()).count() as u64;
        report.cases_already_imported = already.len() as u64;
        report.cases_skipped_invalid = groups.iter().filter(|g| bad.contains(g.external_ref.as_str())).count() as u64;
        let invalid = !issues.errors.is_empty();
        report.errors = issues.errors;
        report.warnings = issues.warnings;
        if invalid && (!opts.skip_invalid || fatal) {
            report.status = ImportStatus::Invalid;
            return Ok(report);
        }
        let new_cases: Vec<&CaseDraft> = drafts
            .iter()
            .filter(|c| !already.contains(&c.external_ref) && !bad.contains(c.external_ref.as_str()))
            .collect();
        let mut new_elections: Vec<&ElectionPlan> = Vec::new();
        for c in &new_cases {
            let p = &elections[&c.election];
            if !p.exists && !new_elections.iter().any(|x| x.election.code == p.election.code) {
                new_elections.push(p);
            }
        }
        report.new_elections = new_elections.iter().map(|p| p.election.code.clone()).collect();
        let mut new_agencies: Vec<&str> = Vec::new();
        for s in new_cases.iter().flat_map(|c| &c.subjects) {
            if let Some(code) = &s.agency_code
                && !agencies[code].exists
                && !new_agencies.contains(&code.as_str())
            {
                new_agencies.push(code);
            }
        }
        report.new_agencies = new_agencies.iter().map(|c| (*c).to_owned()).collect();
        let done_before = running.as_ref().filter(|_| opts.resume).map_or(0, |r| r.cases_done);
        report.cases_to_import = done_before as u64 + new_cases.len() as u64;
        if opts.dry_run {
            report.status = ImportStatus::DryRun;
            return Ok(report);
        }

        // Write.
        let run = match running.filter(|_| opts.resume) {
            Some(r) => {
                let stored = runs::count_for_run(&self.db, &r.id).await?;
                if stored != r.cases_done {
                    return Err(StoreError::Corrupt(format!(
                        "import run {} records {} cases but its checkpoint says {}",
                        r.id, stored, r.cases_done
                    ))
                    .into());
                }
                report.resumed_from = Some(r.cases_done as u64);
                r
            }
            None => {
                if new_cases.is_empty() {
                    report.status = ImportStatus::NothingToDo;
                    return Ok(report);
                }
                ImportRun {
                    id: new_id(),
                    file_hash: source.sha256.clone(),
                    file_name: source.name.clone(),
                    format: source.format.as_str().to_owned(),
                    rows_total: parsed.len() as i64,
                    cases_total: new_cases.len() as i64,
                    cases_done: 0,
                    last_case_ref: None,
                    state: runs::RUNNING.to_owned(),
                    actor: actor.username.clone(),
                    started_at: now,
                    updated_at: now,
                    finished_at: None,
                }
            }
        };
        let resumed = report.resumed_from.is_some();
        // A new run exists once its first batch is committed.
        if resumed {
            report.run_id = Some(run.id.clone());
        }
        let total = report.cases_to_import;
        let mut done = done_before as u64;
        let mut stop =
            hook(&ImportProgress::Validated { rows: report.rows, cases: report.cases_in_file, to_import: total, done })
                .is_break();
        if stop {
            report.status = ImportStatus::Interrupted;
            return Ok(report);
        }
        let batch = opts.batch_size.max(1);
        let chunks: Vec<&[&CaseDraft]> =
            if new_cases.is_empty() { vec![&[][..]] } else { new_cases.chunks(batch).collect() };
        let mut created: HashSet<&str> = HashSet::new();
        let mut index = 0_u64;
        for (k, chunk) in chunks.iter().enumerate() {
            let last = k + 1 == chunks.len();
            let mut tx = self.db.begin_write().await?;
            if k == 0 {
                let payload = json!({
                    "run_id": run.id, "file": source.name, "file_sha256": source.sha256,
                    "format": source.format.as_str(), "rows": report.rows, "cases": report.cases_in_file,
                    "cases_to_import": total, "already_imported": report.cases_already_imported,
                    "skipped_invalid": report.cases_skipped_invalid, "batch_size": batch,
                });
                if resumed {
                    let mut p = payload;
                    p["resumed_from"] = json!(done_before);
                    audit::append(
                        &mut tx,
                        NewEvent {
                            actor: &actor.username,
                            action: "import.resumed",
                            entity_type: "import_run",
                            entity_id: &run.id,
                            payload: p,
                        },
                        now,
                    )
                    .await?;
                } else {
                    runs::insert_run(&mut tx, &run).await?;
                    audit::append(
                        &mut tx,
                        NewEvent {
                            actor: &actor.username,
                            action: "import.started",
                            entity_type: "import_run",
                            entity_id: &run.id,
                            payload,
                        },
                        now,
                    )
                    .await?;
                }
                for p in &new_elections {
                    let e = &p.election;
                    people::insert_election(&mut tx, e, rule_set_version(e.kind), now.timestamp_millis()).await?;
                    audit::append(
                        &mut tx,
                        NewEvent {
                            actor: &actor.username,
                            action: "election.created",
                            entity_type: "election",
                            entity_id: &e.id,
                            payload: json!({"code": e.code, "name": e.name, "kind": e.kind.as_str(), "source": "built-in table of netra import", "run_id": run.id}),
                        },
                        now,
                    )
                    .await?;
                }
            }
            for c in chunk.iter() {
                index += 1;
                if opts.fail_at_case == Some(index) {
                    // Dropping the transaction rolls the whole batch back, as a crash would.
                    return Err(StoreError::Unavailable(format!(
                        "simulated failure while writing case {} (`{}`)",
                        done + 1,
                        c.external_ref
                    ))
                    .into());
                }
                for s in &c.subjects {
                    let Some(code) = s.agency_code.as_deref() else { continue };
                    let plan = &agencies[code];
                    if plan.exists || !created.insert(code) {
                        continue;
                    }
                    let a = Agency {
                        id: plan.id.clone(),
                        code: code.to_owned(),
                        name: plan.name.clone().unwrap_or_default(),
                        kind: plan.kind.unwrap_or(AgencyKind::Regency),
                        region_code: None,
                    };
                    people::insert_agency(&mut tx, &a).await?;
                    audit::append(
                        &mut tx,
                        NewEvent {
                            actor: &actor.username,
                            action: "agency.created",
                            entity_type: "agency",
                            entity_id: &a.id,
                            payload: json!({"code": a.code, "name": a.name, "kind": a.kind.as_str(), "run_id": run.id, "row": plan.first_row}),
                        },
                        now,
                    )
                    .await?;
                }
                let e = &elections[&c.election].election;
                report.subjects_imported += self.write_case(&mut tx, actor, c, e, &agencies, &run, source, now).await?;
                done += 1;
                stop |= hook(&ImportProgress::Written { done, total }).is_break();
            }
            runs::checkpoint(
                &mut tx,
                &run.id,
                i64::try_from(done).unwrap_or(i64::MAX),
                chunk.last().map(|c| c.external_ref.as_str()),
                last,
                now,
            )
            .await?;
            if last {
                audit::append(
                    &mut tx,
                    NewEvent {
                        actor: &actor.username,
                        action: "import.completed",
                        entity_type: "import_run",
                        entity_id: &run.id,
                        payload: json!({"run_id": run.id, "file_sha256": source.sha256, "cases": done}),
                    },
                    now,
                )
                .await?;
            }
            tx.commit().await.map_err(StoreError::from)?;
            report.run_id = Some(run.id.clone());
            report.cases_imported += chunk.len() as u64;
            stop |= hook(&ImportProgress::Checkpoint { done, total }).is_break();
            if stop && !last {
                report.status = ImportStatus::Interrupted;
                return Ok(report);
            }
        }
        report.status = ImportStatus::Completed;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_table_and_the_enum_agree() {
        assert_eq!(COLUMNS.len(), Col::ALL.len());
        for (spec, col) in COLUMNS.iter().zip(Col::ALL) {
            assert_eq!(spec.col, col, "{}", spec.name);
            assert_eq!(Col::from_header(spec.name), Some(col));
            assert_eq!(Col::from_header(spec.alias), Some(col));
            assert_eq!(Col::from_header(&spec.name.to_uppercase().replace('_', " ")), Some(col));
        }
        let names: HashSet<&str> = COLUMNS.iter().flat_map(|c| [c.name, c.alias]).collect();
        assert_eq!(names.len(), COLUMNS.len() * 2 - COLUMNS.iter().filter(|c| c.name == c.alias).count());
    }

    #[test]
    fn languages_come_from_the_flag_or_the_locale() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("id_ID"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn dates_codes_and_closed_lists_are_normalised() {
        assert_eq!(parse_date("2020-09-14"), NaiveDate::from_ymd_opt(2020, 9, 14));
        assert_eq!(parse_date("14/09/2020"), NaiveDate::from_ymd_opt(2020, 9, 14));
        assert_eq!(parse_date("4/9/2020"), NaiveDate::from_ymd_opt(2020, 9, 4));
        assert_eq!(parse_date("2020-09-14 00:00:00"), NaiveDate::from_ymd_opt(2020, 9, 14));
        assert_eq!(parse_date("31/02/2020"), None);
        assert_eq!(parse_date("14/09/20"), None);
        assert_eq!(split_codes("ke2; D 6,d-11"), ["KE-2", "D-6", "D-11"]);
        assert_eq!(canon(Col::ViolationCodes, "KE-2; ke-2;D-6").unwrap(), "KE-2;D-6");
        assert_eq!(canon(Col::Outcome, "Diteruskan").unwrap(), "forwarded");
        assert_eq!(canon(Col::Outcome, "forwarded direct").unwrap(), "forwarded_direct");
        assert_eq!(canon(Col::AgencyKind, "Kabupaten/Kota").unwrap(), "regency");
        assert_eq!(canon(Col::PositionClass, "JPT Pratama").unwrap(), "jpt_pratama");
        assert_eq!(canon(Col::HandlingRegion, "Bawaslu RI").unwrap(), "RI");
        assert_eq!(canon(Col::HandlingRegion, "33.24.08").unwrap_err().0, "office_level");
        assert_eq!(canon(Col::ActRegion, "33.24.08.2001").unwrap_err().0, "region_too_deep");
        assert!(canon(Col::Outcome, "ditunda").is_err());
    }

    #[test]
    fn csv_rows_keep_spreadsheet_numbers_with_crlf_semicolons_and_a_bom() {
        let text = "\u{feff}no_kasus;nama_asn\r\nA;\"Budi, S.Pd.\"\r\n\r\nB;\"Siti\r\nRahayu\"\r\nC;Ani\r\n";
        let s = read_csv(text.as_bytes()).unwrap();
        assert_eq!(s.headers, ["no_kasus", "nama_asn"]);
        let rows: Vec<(u64, &str)> = s.rows.iter().map(|r| (r.row, r.cells[1].as_str())).collect();
        assert_eq!(rows, [(2, "Budi, S.Pd."), (4, "Siti\r\nRahayu"), (6, "Ani")]);
        let lf = read_csv(b"a,b\n1,2\n\n3,4\n").unwrap();
        assert_eq!(lf.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4]);
        assert!(matches!(read_csv(b"a,b\n\xff\xfe,1\n"), Err(ImportError::File(_))));
        assert!(matches!(read_csv(b"\n\n"), Err(ImportError::File(_))));
    }

    #[test]
    fn formats_are_told_apart_by_content_first() {
        assert_eq!(Format::detect("rekap.csv", b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(Format::detect("rekap.XLSX", b""), Format::Xlsx);
        assert_eq!(Format::detect("rekap.txt", b"no_kasus,pemilihan"), Format::Csv);
    }

    #[test]
    fn every_builtin_election_is_complete() {
        for code in BUILTIN_ELECTIONS {
            let e = builtin_election(code).unwrap();
            assert_eq!(e.code, code);
            assert!(e.stages.windows(2).all(|w| w[0].ends_on < w[1].starts_on), "{code}: stages in order");
            assert_eq!(e.stage_on(e.voting_day), Some(StageKind::Voting), "{code}");
        }
        assert!(builtin_election("pilkada-2019").is_none());
    }
}
