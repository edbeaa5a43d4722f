//! Reference data compiled into the binary: regions (Kemendagri codes, idn-area-data 4.0.1), the
//! province time-zone table, and the versioned catalogues the rules interpret — violation forms
//! (SKB 2022), sanction options, position classes and employment types, and neutrality authorities.
//!
//! Everything comes from `data/regions/` and `data/catalogues/` via `include_str!` and is parsed once,
//! on first use, into a `OnceLock`; there is no file I/O. Each catalogue carries an `id` and a `version`
//! so every decision can store exactly which data it applied (`CatalogueVersions::current`).
//!
//! Failure policy: a shipped file that does not parse or violates an invariant (duplicate code, region
//! whose parent is missing, province without a time zone, overlapping authority periods) makes the
//! first accessor panic with the file name and the reason. Panicking is acceptable *only* because the
//! files are compiled in — they cannot change after the build — and `tests/it/catalogue.rs` loads every
//! one of them, so a bad file fails the test suite, never a running server. Data from any other origin
//! (an administrator's upload) must go through `Catalogue::from_json`, which returns an error instead.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ids::RegionCode;
use crate::region::{Region, RegionLevel, TimeZoneId};

const PROVINCES_CSV: &str = include_str!("../../../data/regions/provinces.csv");
const REGENCIES_CSV: &str = include_str!("../../../data/regions/regencies.csv");
const DISTRICTS_CSV: &str = include_str!("../../../data/regions/districts.csv");
const TIMEZONES_CSV: &str = include_str!("../../../data/regions/province-timezones.csv");
const VIOLATIONS_JSON: &str = include_str!("../../../data/catalogues/violations.json");
const SANCTIONS_JSON: &str = include_str!("../../../data/catalogues/sanctions.json");
const POSITIONS_JSON: &str = include_str!("../../../data/catalogues/position-classes.json");
const AUTHORITIES_JSON: &str = include_str!("../../../data/catalogues/authorities.json");

/// Version of the shipped region list (`data/regions/SOURCE.md`).
pub const REGIONS_VERSION: &str = "idn-area-data-4.0.1";

/// Why reference data was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogueError {
    #[error("{file}: CSV error: {message}")]
    Csv { file: &'static str, message: String },
    #[error("{file}: JSON error: {message}")]
    Json { file: String, message: String },
    #[error("{file} line {line}: {message}")]
    Row { file: &'static str, line: u64, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

// ---------------------------------------------------------------------------------------------
// Time zones and regions
// ---------------------------------------------------------------------------------------------

/// Time zone of a province by its two-digit code, from `data/regions/province-timezones.csv`
/// (Keppres 41/1987 zoning). `None` for a code that is not a province.
pub fn province_time_zone(province: &str) -> Option<TimeZoneId> {
    let p: usize = province.parse().ok()?;
    zones().get(p).copied().flatten()
}

type ZoneTable = [Option<TimeZoneId>; 100];

fn zones() -> &'static ZoneTable {
    static ZONES: OnceLock<ZoneTable> = OnceLock::new();
    ZONES.get_or_init(|| shipped(parse_zones(TIMEZONES_CSV)))
}

fn parse_zones(text: &str) -> Result<ZoneTable, CatalogueError> {
    const FILE: &str = "province-timezones.csv";
    let mut table: ZoneTable = [None; 100];
    for_each_row(FILE, text, 2, |line, row| {
        let code = row[0].trim();
        let zone = TimeZoneId::parse(row[1].trim()).ok_or_else(|| format!("unknown time zone `{}`", &row[1]))?;
        let p = RegionCode::parse(code)
            .ok()
            .filter(|c| c.level() == RegionLevel::Province)
            .and_then(|_| code.parse::<usize>().ok())
            .ok_or_else(|| format!("`{code}` is not a province code"))?;
        if table[p].replace(zone).is_some() {
            return Err(format!("province {code} listed twice (line {line})"));
        }
        Ok(())
    })?;
    Ok(table)
}

/// The shipped regions: 38 provinces, 514 kabupaten/kota and 7,285 kecamatan (villages are not
/// shipped). Each level is sorted by code, so a region's children are one contiguous slice.
#[derive(Debug)]
pub struct RegionIndex {
    version: &'static str,
    provinces: Vec<Region>,
    regencies: Vec<Region>,
    districts: Vec<Region>,
}

impl RegionIndex {
    /// Builds an index from CSV texts in the shipped formats (`code,name`; `code,province_code,name`;
    /// `code,regency_code,name`; `province_code,time_zone`). Refuses duplicate codes, codes at the
    /// wrong level, parents that do not exist and provinces without a time zone.
    pub fn from_csv(
        version: &'static str,
        provinces: &str,
        regencies: &str,
        districts: &str,
        time_zones: &str,
    ) -> Result<Self, CatalogueError> {
        parse_regions(version, provinces, regencies, districts, &parse_zones(time_zones)?)
    }

    /// Version of the region list, stored with decisions (`idn-area-data-4.0.1` when shipped).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// Number of regions at all levels.
    pub fn len(&self) -> usize {
        self.provinces.len() + self.regencies.len() + self.districts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Regions of one level, sorted by code (empty for villages, which are not shipped).
    pub fn level(&self, level: RegionLevel) -> &[Region] {
        match level {
            RegionLevel::Province => &self.provinces,
            RegionLevel::Regency => &self.regencies,
            RegionLevel::District => &self.districts,
            RegionLevel::Village => &[],
        }
    }

    pub fn provinces(&self) -> &[Region] {
        &self.provinces
    }

    /// Kabupaten and kota.
    pub fn regencies(&self) -> &[Region] {
        &self.regencies
    }

    /// Kecamatan.
    pub fn districts(&self) -> &[Region] {
        &self.districts
    }

    /// Every region: provinces, then regencies, then districts, each by code.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.provinces.iter().chain(&self.regencies).chain(&self.districts)
    }

    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        let level = self.level(code.level());
        level.binary_search_by(|r| r.code.cmp(code)).ok().map(|i| &level[i])
    }

    /// Direct children of `code`, sorted by code (empty for a district or an unknown code).
    pub fn children(&self, code: &RegionCode) -> &[Region] {
        let below = match code.level() {
            RegionLevel::Province => &self.regencies,
            RegionLevel::Regency => &self.districts,
            RegionLevel::District | RegionLevel::Village => return &[],
        };
        // Codes are fixed-width, so sorting by code also sorts by parent.
        let lo = below.partition_point(|r| r.parent.as_ref().is_none_or(|p| p < code));
        let hi = below.partition_point(|r| r.parent.as_ref().is_none_or(|p| p <= code));
        &below[lo..hi]
    }
}

/// The shipped region index, parsed on first use.
pub fn regions() -> &'static RegionIndex {
    static REGIONS: OnceLock<RegionIndex> = OnceLock::new();
    REGIONS
        .get_or_init(|| shipped(parse_regions(REGIONS_VERSION, PROVINCES_CSV, REGENCIES_CSV, DISTRICTS_CSV, zones())))
}

/// A shipped region by code (`None` for villages and unknown codes).
pub fn region(code: &RegionCode) -> Option<&'static Region> {
    regions().get(code)
}

fn parse_regions(
    version: &'static str,
    provinces: &str,
    regencies: &str,
    districts: &str,
    zones: &ZoneTable,
) -> Result<RegionIndex, CatalogueError> {
    let zone_of = |code: &RegionCode| -> Result<TimeZoneId, String> {
        let p: usize = code.province().parse().map_err(|_| "bad province segment".to_owned())?;
        zones[p].ok_or_else(|| format!("province {} has no time zone in province-timezones.csv", code.province()))
    };

    let mut province_list = Vec::with_capacity(40);
    for_each_row("provinces.csv", provinces, 2, |_, row| {
        let code = region_code(row[0], RegionLevel::Province)?;
        let time_zone = zone_of(&code)?;
        province_list.push(Region {
            code,
            name: row[1].to_owned(),
            level: RegionLevel::Province,
            parent: None,
            time_zone,
        });
        Ok(())
    })?;
    let province_list = sorted_unique("provinces.csv", province_list)?;

    let regency_list = parse_level("regencies.csv", regencies, RegionLevel::Regency, &province_list, 520)?;
    let district_list = parse_level("districts.csv", districts, RegionLevel::District, &regency_list, 7_300)?;

    Ok(RegionIndex { version, provinces: province_list, regencies: regency_list, districts: district_list })
}

/// Rows `code,parent_code,name` of one level below `parents`; the zone is inherited from the parent.
fn parse_level(
    file: &'static str,
    text: &str,
    level: RegionLevel,
    parents: &[Region],
    capacity: usize,
) -> Result<Vec<Region>, CatalogueError> {
    let mut list = Vec::with_capacity(capacity);
    for_each_row(file, text, 3, |_, row| {
        let code = region_code(row[0], level)?;
        let parent = code.parent().ok_or("code has no parent")?;
        if parent.as_str() != row[1] {
            return Err(format!("parent column `{}` does not match code {code}", row[1]));
        }
        let parent_region = parents
            .binary_search_by(|r| r.code.cmp(&parent))
            .map(|i| &parents[i])
            .map_err(|_| format!("parent {parent} of {code} does not exist"))?;
        list.push(Region {
            code,
            name: row[2].to_owned(),
            level,
            parent: Some(parent),
            time_zone: parent_region.time_zone,
        });
        Ok(())
    })?;
    sorted_unique(file, list)
}

fn region_code(text: &str, level: RegionLevel) -> Result<RegionCode, String> {
    let code = RegionCode::parse(text).map_err(|e| e.to_string())?;
    if code.level() != level {
        return Err(format!("`{code}` is not a {} code", level.as_str()));
    }
    Ok(code)
}

fn sorted_unique(file: &'static str, mut list: Vec<Region>) -> Result<Vec<Region>, CatalogueError> {
    list.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    if let Some(w) = list.windows(2).find(|w| w[0].code == w[1].code) {
        return Err(CatalogueError::Invalid {
            file: file.to_owned(),
            message: format!("duplicate code {}", w[0].code),
        });
    }
    Ok(list)
}

const MAX_WIDTH: usize = 3;

/// Reads a headed CSV whose rows have exactly `width` (at most `MAX_WIDTH`) fields and hands each row to `f`.
fn for_each_row(
    file: &'static str,
    text: &str,
    width: usize,
    mut f: impl FnMut(u64, &[&str]) -> Result<(), String>,
) -> Result<(), CatalogueError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    debug_assert!(width <= MAX_WIDTH);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                return Err(CatalogueError::Csv { file, message: e.to_string() });
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != width {
            let message = format!("expected {width} fields, found {}", record.len());
            return Err(CatalogueError::Row { file, line, message });
        }
        let mut fields = [""; MAX_WIDTH];
        for (slot, value) in fields.iter_mut().zip(record.iter()) {
            *slot = value;
        }
        f(line, &fields[..width]).map_err(|message| CatalogueError::Row { file, line, message })?;
    }
}

// ---------------------------------------------------------------------------------------------
// Catalogue vocabulary
// ---------------------------------------------------------------------------------------------

/// A closed vocabulary whose serde form and `as_str` are the same stable code.
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code, as stored and serialised.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            /// Parses a stable code (ASCII case-insensitive, surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum! {
    /// How sure the project is of a catalogue fact (`../research/domain-sources.md` marks).
    pub enum Verification {
        /// [V] the source states it directly, or two independent sources agree.
        Verified = "verified",
        /// [S] a single secondary source.
        SingleSource = "single_source",
        /// [U] unverified or inferred: treat as configurable, never as settled law.
        Unverified = "unverified",
    }
}

code_enum! {
    /// Legal category of a violation (SKB 2022): code of ethics (PP 42/2004) or discipline (PP 94/2021).
    pub enum ViolationCategory {
        KodeEtik = "kode_etik",
        Disiplin = "disiplin",
    }
}

code_enum! {
    /// Sanction level. `Moral` belongs to the code-of-ethics regime (PP 42/2004); the others to
    /// discipline (PP 94/2021, formerly PP 53/2010) and the ASN law (PTDH).
    pub enum SanctionLevel {
        Moral = "moral",
        Ringan = "ringan",
        Sedang = "sedang",
        Berat = "berat",
        Ptdh = "ptdh",
    }
}

code_enum! {
    /// Where a violation form typically happens; a hint for the intake form and screening.
    pub enum MediumHint {
        SocialMedia = "social_media",
        Offline = "offline",
        Any = "any",
    }
}

code_enum! {
    /// Position class under UU 20/2023 (Ps 14 managerial, Ps 18 non-managerial). Camat and lurah are
    /// not a class: they carry a separate territorial-head flag.
    pub enum PositionClass {
        JptUtama = "jpt_utama",
        JptMadya = "jpt_madya",
        JptPratama = "jpt_pratama",
        Administrator = "administrator",
        Pengawas = "pengawas",
        Fungsional = "fungsional",
        Pelaksana = "pelaksana",
    }
}

impl PositionClass {
    /// Jabatan manajerial (UU 20/2023 Ps 14).
    pub fn is_managerial(self) -> bool {
        !matches!(self, PositionClass::Fungsional | PositionClass::Pelaksana)
    }

    /// One of the three JPT tiers (statistics report them together as "JPT").
    pub fn is_jpt(self) -> bool {
        matches!(self, PositionClass::JptUtama | PositionClass::JptMadya | PositionClass::JptPratama)
    }
}

code_enum! {
    /// Employment type of the person reported.
    pub enum EmploymentType {
        /// Pegawai Negeri Sipil (ASN).
        Pns = "pns",
        /// Pegawai Pemerintah dengan Perjanjian Kerja (ASN).
        Pppk = "pppk",
        /// Pegawai Pemerintah Non Pegawai Negeri: non-ASN staff, covered by SE MenPANRB 01/2023.
        Ppnpn = "ppnpn",
    }
}

impl EmploymentType {
    pub fn is_asn(self) -> bool {
        !matches!(self, EmploymentType::Ppnpn)
    }
}

code_enum! {
    /// Lifecycle of a neutrality authority.
    pub enum AuthorityStatus {
        Historical = "historical",
        Active = "active",
        Expected = "expected",
    }
}

// ---------------------------------------------------------------------------------------------
// Catalogues
// ---------------------------------------------------------------------------------------------

/// A versioned catalogue as shipped in `data/catalogues/*.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue<T> {
    pub id: String,
    pub version: u32,
    /// Legal source(s) of the entries, in words.
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub entries: Vec<T>,
}

/// An entry of a catalogue: it has a unique key and can check itself.
pub trait CatalogueEntry {
    fn key(&self) -> &str;

    /// Invariants of one entry; the message names what is wrong.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

impl<T: CatalogueEntry + serde::de::DeserializeOwned> Catalogue<T> {
    /// Parses and checks a catalogue (unique keys, every entry's own invariants, non-empty).
    pub fn from_json(file: &str, text: &str) -> Result<Self, CatalogueError> {
        let catalogue: Self = serde_json::from_str(text)
            .map_err(|e| CatalogueError::Json { file: file.to_owned(), message: e.to_string() })?;
        catalogue.checked(file)
    }
}

impl<T: CatalogueEntry> Catalogue<T> {
    fn checked(self, file: &str) -> Result<Self, CatalogueError> {
        let invalid = |message: String| CatalogueError::Invalid { file: file.to_owned(), message };
        if self.id.trim().is_empty() || self.version == 0 {
            return Err(invalid("id must be non-empty and version at least 1".to_owned()));
        }
        if self.entries.is_empty() {
            return Err(invalid("no entries".to_owned()));
        }
        let mut seen = HashSet::new();
        for entry in &self.entries {
            if !seen.insert(entry.key()) {
                return Err(invalid(format!("duplicate entry `{}`", entry.key())));
            }
            entry.check().map_err(|m| invalid(format!("entry `{}`: {m}", entry.key())))?;
        }
        Ok(self)
    }

    /// The entry with this key (violation code, sanction code, class code, authority id).
    pub fn get(&self, key: &str) -> Option<&T> {
        self.entries.iter().find(|e| e.key() == key)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn check_period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), String> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(format!("valid_from {f} is after valid_to {t}")),
        _ => Ok(()),
    }
}

fn non_empty(fields: &[(&str, &str)]) -> Result<(), String> {
    match fields.iter().find(|(_, v)| v.trim().is_empty()) {
        Some((name, _)) => Err(format!("{name} is empty")),
        None => Ok(()),
    }
}

/// A form of violation of ASN neutrality (SKB 2022: KE-1..KE-7 code of ethics, D-1..D-11 discipline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationForm {
    pub code: String,
    pub category: ViolationCategory,
    /// Official wording (Bahasa Indonesia).
    pub name_id: String,
    pub name_en: String,
    /// Plain wording for the public report form.
    pub plain_id: String,
    /// Level the SKB attaches to the form; the authority's recommendation records the level chosen.
    pub sanction_hint: SanctionLevel,
    pub medium_hint: MediumHint,
    pub valid_from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    pub verification: Verification,
}

impl CatalogueEntry for ViolationForm {
    fn key(&self) -> &str {
        &self.code
    }

    fn check(&self) -> Result<(), String> {
        non_empty(&[("code", &self.code), ("name_id", &self.name_id), ("name_en", &self.name_en)])?;
        non_empty(&[("plain_id", &self.plain_id)])?;
        check_period(Some(self.valid_from), self.valid_to)?;
        let expected = match self.code.split_once('-') {
            Some(("KE", _)) => ViolationCategory::KodeEtik,
            Some(("D", _)) => ViolationCategory::Disiplin,
            _ => return Err("code must start with KE- or D-".to_owned()),
        };
        if self.category != expected {
            return Err(format!("category {} does not match the code prefix", self.category));
        }
        let moral = self.sanction_hint == SanctionLevel::Moral;
        if moral != (self.category == ViolationCategory::KodeEtik) {
            return Err("code-of-ethics forms take moral sanctions and only they do".to_owned());
        }
        Ok(())
    }
}

/// One sanction a PPK can impose, with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionOption {
    /// Stable code, e.g. `pp94.sedang.tukin25_6m`.
    pub code: String,
    pub level: SanctionLevel,
    /// Regime the option belongs to: `pp42_2004`, `pp94_2021`, `pp53_2010`, `uu_asn`, `pp49_2018`, ….
    pub regime: String,
    pub legal_basis: String,
    pub name_id: String,
    pub name_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    /// Employment types the option can be imposed on.
    pub applies_to: Vec<EmploymentType>,
    /// First day the option could be imposed (`None`: in force, start not recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day (inclusive) the option could be imposed; `None` while in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    pub verification: Verification,
}

impl SanctionOption {
    /// True when the option could be imposed on `date` (open bounds count as open).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

impl CatalogueEntry for SanctionOption {
    fn key(&self) -> &str {
        &self.code
    }

    fn check(&self) -> Result<(), String> {
        non_empty(&[("code", &self.code), ("regime", &self.regime), ("legal_basis", &self.legal_basis)])?;
        non_empty(&[("name_id", &self.name_id), ("name_en", &self.name_en)])?;
        check_period(self.valid_from, self.valid_to)?;
        if self.applies_to.is_empty() {
            return Err("applies_to is empty".to_owned());
        }
        if self.duration_months == Some(0) {
            return Err("duration_months must be positive".to_owned());
        }
        Ok(())
    }
}

/// A position class with its names and the managerial flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionClassInfo {
    pub class: PositionClass,
    pub name_id: String,
    pub name_en: String,
    pub managerial: bool,
    pub legal_basis: String,
    pub verification: Verification,
}

impl CatalogueEntry for PositionClassInfo {
    fn key(&self) -> &str {
        self.class.as_str()
    }

    fn check(&self) -> Result<(), String> {
        non_empty(&[("name_id", &self.name_id), ("name_en", &self.name_en), ("legal_basis", &self.legal_basis)])?;
        if self.managerial != self.class.is_managerial() {
            return Err("managerial flag disagrees with UU 20/2023 Ps 14/18".to_owned());
        }
        Ok(())
    }
}

/// An employment type with its names (shipped with the position classes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentTypeInfo {
    #[serde(rename = "type")]
    pub employment_type: EmploymentType,
    pub name_id: String,
    pub name_en: String,
    pub asn: bool,
    pub legal_basis: String,
    pub verification: Verification,
}

/// The institution that verifies Bawaslu referrals and recommends sanctions to the PPK, for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeutralityAuthority {
    /// Stable id: `kasn`, `bkn`, `independent_body`.
    pub id: String,
    pub name_id: String,
    pub name_en: String,
    /// The unit inside the institution that exercises the function, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// First day (inclusive); `None` means the authority covers no date yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day (inclusive); `None` means open-ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    pub status: AuthorityStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_note: Option<String>,
    pub legal_basis: Vec<String>,
    pub verification: Verification,
}

impl NeutralityAuthority {
    /// True when the authority held the neutrality function on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from.is_some_and(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

impl CatalogueEntry for NeutralityAuthority {
    fn key(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), String> {
        non_empty(&[("id", &self.id), ("name_id", &self.name_id), ("name_en", &self.name_en)])?;
        check_period(self.valid_from, self.valid_to)?;
        if self.valid_from.is_none() && self.valid_to.is_some() {
            return Err("valid_to without valid_from".to_owned());
        }
        if self.legal_basis.is_empty() {
            return Err("legal_basis is empty".to_owned());
        }
        Ok(())
    }
}

/// Shape of `position-classes.json`: a catalogue of classes plus the employment types.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionClassesFile {
    id: String,
    version: u32,
    source: String,
    #[serde(default)]
    notes: Vec<String>,
    entries: Vec<PositionClassInfo>,
    employment_types: Vec<EmploymentTypeInfo>,
}

struct PositionData {
    classes: Catalogue<PositionClassInfo>,
    employment_types: Vec<EmploymentTypeInfo>,
}

fn shipped<T>(result: Result<T, CatalogueError>) -> T {
    result.unwrap_or_else(|e| panic!("shipped reference data: {e}"))
}

/// Violation forms of SKB 2022 (`skb-2022`).
pub fn violations() -> &'static Catalogue<ViolationForm> {
    static CELL: OnceLock<Catalogue<ViolationForm>> = OnceLock::new();
    CELL.get_or_init(|| shipped(Catalogue::from_json("violations.json", VIOLATIONS_JSON)))
}

/// A violation form by code (`KE-1`, `D-5`, …).
pub fn violation(code: &str) -> Option<&'static ViolationForm> {
    violations().get(code)
}

/// Sanction options of every regime (`sanctions`).
pub fn sanctions() -> &'static Catalogue<SanctionOption> {
    static CELL: OnceLock<Catalogue<SanctionOption>> = OnceLock::new();
    CELL.get_or_init(|| shipped(Catalogue::from_json("sanctions.json", SANCTIONS_JSON)))
}

/// A sanction option by code (`pp94.sedang.tukin25_6m`, …).
pub fn sanction_option(code: &str) -> Option<&'static SanctionOption> {
    sanctions().get(code)
}

/// Options of `level` that could be imposed on `employment` on `date`, in catalogue order.
pub fn sanction_options_for(
    level: SanctionLevel,
    employment: EmploymentType,
    date: NaiveDate,
) -> Vec<&'static SanctionOption> {
    sanctions()
        .iter()
        .filter(|o| o.level == level && o.applies_to.contains(&employment) && o.is_valid_on(date))
        .collect()
}

fn positions() -> &'static PositionData {
    static CELL: OnceLock<PositionData> = OnceLock::new();
    CELL.get_or_init(|| shipped(parse_positions("position-classes.json", POSITIONS_JSON)))
}

fn parse_positions(file: &str, text: &str) -> Result<PositionData, CatalogueError> {
    let raw: PositionClassesFile = serde_json::from_str(text)
        .map_err(|e| CatalogueError::Json { file: file.to_owned(), message: e.to_string() })?;
    let classes =
        Catalogue { id: raw.id, version: raw.version, source: raw.source, notes: raw.notes, entries: raw.entries }
            .checked(file)?;
    let invalid = |message: String| CatalogueError::Invalid { file: file.to_owned(), message };
    for class in PositionClass::ALL {
        if classes.get(class.as_str()).is_none() {
            return Err(invalid(format!("position class `{class}` missing")));
        }
    }
    for ty in EmploymentType::ALL {
        match raw.employment_types.iter().filter(|e| e.employment_type == *ty).count() {
            1 => {}
            n => return Err(invalid(format!("employment type `{ty}` listed {n} times"))),
        }
    }
    if let Some(e) = raw.employment_types.iter().find(|e| e.asn != e.employment_type.is_asn()) {
        return Err(invalid(format!("employment type `{}`: wrong asn flag", e.employment_type)));
    }
    Ok(PositionData { classes, employment_types: raw.employment_types })
}

/// Position classes (`position-classes`).
pub fn position_classes() -> &'static Catalogue<PositionClassInfo> {
    &positions().classes
}

/// Employment types; versioned with the position classes.
pub fn employment_types() -> &'static [EmploymentTypeInfo] {
    &positions().employment_types
}

/// Neutrality authorities over time (`neutrality-authorities`).
pub fn authorities() -> &'static Catalogue<NeutralityAuthority> {
    static CELL: OnceLock<Catalogue<NeutralityAuthority>> = OnceLock::new();
    CELL.get_or_init(|| shipped(parse_authorities("authorities.json", AUTHORITIES_JSON)))
}

fn parse_authorities(file: &str, text: &str) -> Result<Catalogue<NeutralityAuthority>, CatalogueError> {
    let catalogue: Catalogue<NeutralityAuthority> = Catalogue::from_json(file, text)?;
    let mut dated: Vec<&NeutralityAuthority> = catalogue.iter().filter(|a| a.valid_from.is_some()).collect();
    dated.sort_by_key(|a| a.valid_from);
    for pair in dated.windows(2) {
        if pair[0].valid_to.is_none_or(|end| end >= pair[1].valid_from.expect("dated")) {
            let message = format!("periods of `{}` and `{}` overlap", pair[0].id, pair[1].id);
            return Err(CatalogueError::Invalid { file: file.to_owned(), message });
        }
    }
    Ok(catalogue)
}

/// A neutrality authority by id (`kasn`, `bkn`, `independent_body`).
pub fn authority(id: &str) -> Option<&'static NeutralityAuthority> {
    authorities().get(id)
}

/// The authority that held the neutrality function on `date` (`None` before KASN existed).
pub fn authority_on(date: NaiveDate) -> Option<&'static NeutralityAuthority> {
    authorities().iter().find(|a| a.covers(date))
}

/// Id and version of every shipped catalogue, in a fixed order.
pub fn catalogue_versions() -> Vec<(String, u32)> {
    let p = position_classes();
    vec![
        (violations().id.clone(), violations().version),
        (sanctions().id.clone(), sanctions().version),
        (p.id.clone(), p.version),
        (authorities().id.clone(), authorities().version),
    ]
}

/// The reference-data versions a decision applied; stored with the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueVersions {
    /// Region list version (`idn-area-data-4.0.1`).
    pub regions: String,
    /// Catalogue id → version.
    pub catalogues: BTreeMap<String, u32>,
}

impl CatalogueVersions {
    /// The versions compiled into this build.
    pub fn current() -> Self {
        CatalogueVersions {
            regions: REGIONS_VERSION.to_owned(),
            catalogues: catalogue_versions().into_iter().collect(),
        }
    }

    /// Version of catalogue `id`, if recorded.
    pub fn get(&self, id: &str) -> Option<u32> {
        self.catalogues.get(id).copied()
    }
}
