//! Demo data: two real elections (Pemilu 2024, Pilkada 2024), candidates, agencies with their PPK
//! holders over time, and ~40 cases that reach every case and subject-track state.
//!
//! Every case goes through the real use cases (`submit_report`, `create_temuan`,
//! `transition_case`, clarification, `transition_track`) with a manual clock, so each state
//! change has its audit event, deadlines are computed from the rule sets, and the history has
//! realistic dates. The scenarios are a table ([`scenarios`]); [`compile`] turns one scenario into
//! timed steps and all steps of all cases are replayed in time order, so the audit log reads like a
//! real year of work.
//!
//! Loading is idempotent: the `meta` key `demo_loaded` is written last. A database holding the demo
//! elections but no marker is a partial (interrupted) load and is refused with an error.
//!
//! Names of people, candidates and parties are fictional. Election dates come from the project
//! research (`shared/research/domain-sources.md` §6: campaign, quiet period, voting, candidate fixing,
//! end of recapitulation); the other stage boundaries (preparation, registration, start of
//! recapitulation) are approximate public KPU schedules, and the PPK holders' terms are illustrative.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use netra_core::deadlines::rule_set_version;
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput, TemuanInput};
use netra_core::tracks::{TrackCommand, TrackTransitionRequest};
use netra_core::workflow::{
    CaseCommand, CaseTransitionRequest, CaseView, RecordAttendance, ScheduleClarification, SubjectDecision,
};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::calendar::HolidayCalendar;
use netra_domain::catalogue;
use netra_domain::ids::RegionCode;
use netra_domain::model::{AgencyKind, Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_domain::region::{RegionLevel, TimeZoneId};
use netra_store::codec::new_id;
use netra_store::people::{self, Agency, Candidate, PpkHolder};
use netra_store::{Db, StoreError, cases};
use serde::Serialize;

/// `meta` key written once the whole demo is in.
pub const MARKER: &str = "demo_loaded";
pub const PEMILU: &str = "pemilu-2024";
pub const PILKADA: &str = "pilkada-2024";

/// What `load` did, and what the database holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    /// False when the demo was already loaded (nothing changed).
    pub loaded: bool,
    pub elections: usize,
    pub cases: usize,
    /// Cases per state.
    pub states: Vec<(String, i64)>,
    /// Subject tracks (ASN) per state.
    pub track_states: Vec<(String, i64)>,
}

/// Loads the demo data set into `db` (migrated). Loading twice changes nothing.
pub async fn load(db: &Db, seal_key: [u8; 32]) -> anyhow::Result<DemoReport> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await.context("loading reference data")?;
    if marker_present(db).await? {
        tracing::info!("demo data already loaded; nothing to do");
        return report(db, false).await;
    }
    for code in [PEMILU, PILKADA] {
        match people::election(db, code).await {
            Ok(_) => bail!(
                "the database already holds election `{code}` but not the demo marker `{MARKER}`: either an earlier demo \
                 load was interrupted (a partial demo load) or the election was created by hand. Load the demo only into \
                 an empty database (delete the data folder or use a fresh database)"
            ),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }

    // Compile every scenario first: a broken table fails before anything is written.
    let specs = scenarios();
    let mut steps = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let compiled = compile(spec).with_context(|| format!("demo scenario `{}`", spec.key))?;
        steps.extend(compiled.into_iter().enumerate().map(|(j, s)| (s.at, i, j, s.op)));
    }
    steps.sort_by_key(|s| (s.0, s.1, s.2));

    let clock = Arc::new(ManualClock::new(local("2023-06-01 08:00", TimeZoneId::Wib)));
    let netra = Netra::new(db.clone(), Sealer::new(seal_key), NumberTemplate::default_template(), clock.clone());
    let refs = insert_reference(db).await.context("inserting demo elections, candidates and agencies")?;

    let mut runs: Vec<Run> = specs.iter().map(|_| Run::default()).collect();
    let mut letters = Letters::default();
    let n_steps = steps.len();
    for (at, i, j, op) in steps {
        clock.set(at);
        let spec = &specs[i];
        let what = op.name();
        let op = letters.fill(op, &runs[i].handling, at);
        exec(&netra, &refs, spec, &mut runs[i], op)
            .await
            .with_context(|| format!("demo scenario `{}`, step {j} ({what}) at {at}", spec.key))?;
    }
    clock.set(demo_end());
    demo_officials(&netra).await.context("creating the demo officials")?;

    let mut tx = db.begin_write().await?;
    netra_store::reference::set_meta(&mut tx, MARKER, "1").await?;
    tx.commit().await?;
    let out = report(db, true).await?;
    tracing::info!(cases = out.cases, steps = n_steps, "demo data loaded");
    Ok(out)
}

/// The password of every demo official. Demo data only: never use the demo in production.
pub const DEMO_PASSWORD: &str = "demo-netra-2024";

/// A demo official: username, display name, role, region, agency code.
pub type DemoOfficial = (&'static str, &'static str, Role, Option<&'static str>, Option<&'static str>);

/// Demo officials, one per role.
pub const OFFICIALS: &[DemoOfficial] = &[
    ("demo.ri", "Petugas Bawaslu RI", Role::BawasluRi, None, None),
    ("demo.jateng", "Petugas Bawaslu Jawa Tengah", Role::BawasluProvinsi, Some("33"), None),
    ("demo.semarang", "Petugas Bawaslu Kota Semarang", Role::BawasluKabKota, Some("33.74"), None),
    ("demo.penjaga", "Penjaga Identitas Jawa Tengah", Role::IdentityCustodian, Some("33"), None),
    ("demo.bkn", "Verifikator BKN", Role::AuthorityVerifier, None, None),
    ("demo.analis", "Analis BKN", Role::AuthorityAnalyst, None, None),
    ("demo.ppk", "PPK Pemerintah Kota Semarang", Role::Ppk, None, Some("pemkot-semarang")),
    ("demo.inspektorat", "Inspektorat Kota Semarang", Role::Inspectorate, None, Some("pemkot-semarang")),
    ("demo.admin", "Administrator Netra", Role::Administrator, None, None),
    ("demo.auditor", "Auditor Netra", Role::Auditor, None, None),
];

/// Creates the demo officials with [`DEMO_PASSWORD`]; each enrols TOTP at the first sign-in.
async fn demo_officials(netra: &Netra) -> anyhow::Result<()> {
    let admin = Actor {
        user_id: "system:demo".into(),
        username: "system:demo".into(),
        role: Role::Administrator,
        scope: Scope::national(),
    };
    for (username, name, role, region, agency) in OFFICIALS {
        let agency_id = match agency {
            Some(code) => Some(people::agency(&netra.db, code).await?.id),
            None => None,
        };
        let scope = Scope { region: region.map(RegionCode::parse).transpose()?, agency_id };
        netra_store::users::create(&netra.db, username, name, *role, &scope, netra.now()).await?;
        netra.auth().set_password(&admin, username, DEMO_PASSWORD, netra.now()).await?;
    }
    Ok(())
}

async fn marker_present(db: &Db) -> anyhow::Result<bool> {
    Ok(netra_store::reference::meta_value(db, MARKER).await?.is_some())
}

async fn report(db: &Db, loaded: bool) -> anyhow::Result<DemoReport> {
    let states = cases::count_by_state(db).await?;
    let track_states = cases::count_tracks_by_state(db).await?;
    Ok(DemoReport {
        loaded,
        elections: people::elections(db).await?.len(),
        cases: usize::try_from(states.iter().map(|(_, n)| n).sum::<i64>()).unwrap_or(0),
        states,
        track_states,
    })
}

// ---------------------------------------------------------------------------------------------
// Time helpers

/// The demo's "today": everything happened before this instant (20 Dec 2024, 17:00 WIB).
pub fn demo_end() -> DateTime<Utc> {
    local("2024-12-20 17:00", TimeZoneId::Wib)
}

fn tz_of(region: &str) -> TimeZoneId {
    RegionCode::parse(region).ok().and_then(|r| TimeZoneId::for_region(&r)).unwrap_or(TimeZoneId::Wib)
}

/// `"YYYY-MM-DD HH:MM"` in local time of `tz`.
fn local(s: &str, tz: TimeZoneId) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("demo time `{s}`: {e}"));
    tz.offset().from_local_datetime(&naive).single().expect("fixed offset").with_timezone(&Utc)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("demo date `{s}`: {e}"))
}

/// A moving point in time, in the local time of a Bawaslu office; officers act on working days.
#[derive(Clone, Copy)]
struct Cursor {
    t: DateTime<Utc>,
    off: FixedOffset,
}

impl Cursor {
    fn new(t: DateTime<Utc>, tz: TimeZoneId) -> Self {
        Cursor { t, off: tz.offset() }
    }

    fn set_local(&mut self, d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        let t =
            self.off.from_local_datetime(&d.and_hms_opt(h, m, 0).expect("valid time")).single().expect("fixed offset");
        let t = t.with_timezone(&Utc);
        // Never go back in time: a step on the same day but at an earlier hour happens just after.
        self.t = if t > self.t { t } else { self.t + Duration::minutes(30) };
        self.t
    }

    /// `n` working days later (skipping weekends and national holidays) at `h:m` local.
    fn wd(&mut self, n: u32, h: u32, m: u32) -> DateTime<Utc> {
        let cal = HolidayCalendar::embedded();
        let mut d = self.t.with_timezone(&self.off).date_naive();
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("date");
            if cal.is_working_day(d) {
                left -= 1;
            }
        }
        self.set_local(d, h, m)
    }

    /// `n` calendar days later, moved to the next working day, at `h:m` local.
    fn cal(&mut self, n: i64, h: u32, m: u32) -> DateTime<Utc> {
        let cal = HolidayCalendar::embedded();
        let mut d = self.t.with_timezone(&self.off).date_naive() + Duration::days(n);
        while !cal.is_working_day(d) {
            d = d.succ_opt().expect("date");
        }
        self.set_local(d, h, m)
    }

    fn plus(&mut self, minutes: i64) -> DateTime<Utc> {
        self.t += Duration::minutes(minutes);
        self.t
    }

    fn local_date(&self) -> NaiveDate {
        self.t.with_timezone(&self.off).date_naive()
    }
}

// ---------------------------------------------------------------------------------------------
// Reference data: elections, candidates, agencies and PPK holders

/// Ids created for the reference rows, by demo key.
struct Refs {
    candidates: HashMap<&'static str, String>,
    agencies: HashMap<&'static str, String>,
}

fn stage(kind: StageKind, from: &str, to: &str) -> Stage {
    Stage { kind, starts_on: date(from), ends_on: date(to) }
}

fn elections() -> Vec<Election> {
    let pilkada_regions: Vec<String> = catalogue::regions()
        .provinces()
        .iter()
        .map(|p| p.code.as_str().to_owned())
        .filter(|c| c != "34") // DIY elects no governor
        .collect();
    vec![
        Election {
            id: new_id(),
            code: PEMILU.into(),
            name: "Pemilihan Umum 2024 (Presiden dan Wakil Presiden, DPR, DPD, DPRD)".into(),
            kind: ElectionKind::GeneralPresidential,
            year: 2024,
            voting_day: date("2024-02-14"),
            stages: vec![
                stage(StageKind::Preparation, "2022-06-14", "2023-04-30"),
                stage(StageKind::CandidateRegistration, "2023-05-01", "2023-11-12"),
                stage(StageKind::CandidateFixing, "2023-11-13", "2023-11-27"),
                stage(StageKind::Campaign, "2023-11-28", "2024-02-10"),
                stage(StageKind::QuietPeriod, "2024-02-11", "2024-02-13"),
                stage(StageKind::Voting, "2024-02-14", "2024-02-14"),
                stage(StageKind::Recapitulation, "2024-02-15", "2024-03-20"),
            ],
            regions: vec![],
        },
        Election {
            id: new_id(),
            code: PILKADA.into(),
            name: "Pemilihan Gubernur, Bupati, dan Wali Kota Serentak 2024".into(),
            kind: ElectionKind::RegionalSimultaneous,
            year: 2024,
            voting_day: date("2024-11-27"),
            stages: vec![
                stage(StageKind::Preparation, "2024-01-26", "2024-08-26"),
                stage(StageKind::CandidateRegistration, "2024-08-27", "2024-09-21"),
                stage(StageKind::CandidateFixing, "2024-09-22", "2024-09-24"),
                stage(StageKind::Campaign, "2024-09-25", "2024-11-23"),
                stage(StageKind::QuietPeriod, "2024-11-24", "2024-11-26"),
                stage(StageKind::Voting, "2024-11-27", "2024-11-27"),
                stage(StageKind::Recapitulation, "2024-11-28", "2024-12-16"),
            ],
            regions: pilkada_regions,
        },
    ]
}

/// (key, election, region, ballot no., name, nicknames, party/coalition, slogans and hashtags).
type CandidateRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    i32,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

const CANDIDATES: &[CandidateRow] = &[
    // Pemilu 2024: presidential pairs (registered 19–25 Oct 2023, fixed 13 Nov 2023).
    (
        "pres-1",
        PEMILU,
        None,
        1,
        "Hendra Gunawan Wiratama – Muhammad Ilham Syahputra",
        &["Hendra–Ilham", "HI"],
        "Koalisi Perubahan Nusantara (Partai Karya Nusantara, Partai Amanat Sejahtera)",
        &["Indonesia Berubah, Rakyat Sejahtera", "#HendraIlham"],
    ),
    (
        "pres-2",
        PEMILU,
        None,
        2,
        "Surya Adinegoro – Bima Kusuma Atmaja",
        &["Surya–Bima", "SB"],
        "Koalisi Indonesia Jaya (Partai Bintang Rakyat, Partai Gerakan Desa, Partai Demokrasi Pembangunan)",
        &["Lanjutkan Indonesia Jaya", "#SuryaBima2024", "#SatuPutaran"],
    ),
    (
        "pres-3",
        PEMILU,
        None,
        3,
        "Ahmad Fauzi Lubis – Kartika Sari Dewi",
        &["Fauzi–Kartika"],
        "Koalisi Amanah Rakyat (Partai Bulan Sabit Raya, Partai Nurani Bangsa)",
        &["Rakyat Berdaulat, Negeri Bermartabat", "#FauziKartika"],
    ),
    // Pemilu 2024: legislative candidates (DCS 19 Aug 2023, DCT 4 Nov 2023).
    (
        "caleg-arsyad",
        PEMILU,
        Some("73"),
        3,
        "Drs. H. Muh. Arsyad Tahir, M.Si.",
        &["Pak Arsyad"],
        "Partai Karya Nusantara (DPRD Provinsi Sulawesi Selatan)",
        &["Arsyad Peduli", "#CoblosNomor3"],
    ),
    (
        "caleg-yulianus",
        PEMILU,
        Some("91"),
        2,
        "Yulianus Marweri, S.H.",
        &["Kaka Yuli"],
        "Partai Bintang Rakyat (DPR RI Dapil Papua)",
        &["Papua Maju Bersama"],
    ),
    (
        "caleg-nurjanah",
        PEMILU,
        Some("73.08"),
        1,
        "Hj. Siti Nurjanah, S.E.",
        &["Bunda Nur"],
        "Partai Amanat Sejahtera (DPRD Kabupaten Bone)",
        &["Bone Berkah", "#BundaNurUntukBone"],
    ),
    // Pilkada 2024 (bakal calon from declaration, paslon from 22 Sep 2024).
    (
        "smg-1",
        PILKADA,
        Some("33.74"),
        1,
        "Dr. Ir. Bambang Sutrisno, M.T. – Nur Azizah, S.E.",
        &["BamNur", "Mas Bambang"],
        "Partai Karya Nusantara, Partai Bintang Rakyat, Partai Gerakan Desa",
        &["Semarang Makin Hebat", "#BamNurJuara"],
    ),
    (
        "smg-2",
        PILKADA,
        Some("33.74"),
        2,
        "Hj. Retno Wulandari, S.H. – Agus Prasetyo, S.T.",
        &["Mbak Retno", "ReAgus"],
        "Partai Demokrasi Pembangunan, Partai Amanat Sejahtera",
        &["Lanjutkan Semarang Bersatu", "#ReAgusMenang"],
    ),
    (
        "grt-1",
        PILKADA,
        Some("32.05"),
        1,
        "H. Dadang Hermawan, S.Ag. – Euis Komariah, S.Pd.",
        &["Kang Dadang", "DaEuis"],
        "Partai Nurani Bangsa, Partai Gerakan Desa",
        &["Garut Sauyunan", "#DadangEuis"],
    ),
    (
        "grt-2",
        PILKADA,
        Some("32.05"),
        2,
        "Ir. H. Cecep Suhendar – Hj. Neneng Rosdiana",
        &["Kang Cecep", "CeNeng"],
        "Partai Karya Nusantara, Partai Bulan Sabit Raya",
        &["Garut Ngahiji", "#CeNeng2024"],
    ),
    (
        "sls-1",
        PILKADA,
        Some("73"),
        1,
        "Ir. H. Andi Baso Mappanyukki – Hj. Andi Nurhayati",
        &["ABM", "Andalan Baru"],
        "Partai Bintang Rakyat, Partai Amanat Sejahtera",
        &["Sulsel Bangkit", "#ABMNur"],
    ),
    (
        "sls-2",
        PILKADA,
        Some("73"),
        2,
        "Prof. Dr. Muh. Syahrul Rahman – Ir. Hasanuddin Lallo",
        &["Prof Syahrul", "SAHAL"],
        "Partai Karya Nusantara, Partai Demokrasi Pembangunan",
        &["Sulsel Lebih Maju", "#SAHALMenang"],
    ),
    (
        "sb-1",
        PILKADA,
        Some("13"),
        1,
        "Dr. H. Fauzan Hidayat Dt. Rajo Basa – Hj. Rahmi Yunita",
        &["Fauzan–Rahmi"],
        "Partai Bulan Sabit Raya, Partai Nurani Bangsa",
        &["Sumbar Madani", "#FauzanRahmi"],
    ),
    (
        "sumut-2",
        PILKADA,
        Some("12"),
        2,
        "Dr. Edy Syahputra Harahap – Ir. Togar Simanjuntak",
        &["Edy–Togar"],
        "Partai Demokrasi Pembangunan, Partai Gerakan Desa",
        &["Sumut Bermartabat", "#EdyTogar"],
    ),
    (
        "mdn-1",
        PILKADA,
        Some("12.71"),
        1,
        "Dr. Ferry Tarigan – Hj. Aulia Rahma",
        &["Ferry–Aulia"],
        "Partai Karya Nusantara",
        &["Medan Berkah"],
    ),
    (
        "ptk-1",
        PILKADA,
        Some("61.71"),
        1,
        "Ir. H. Syarif Usman Alkadrie – Eka Pratiwi, S.H.",
        &["Bang Usman"],
        "Partai Bintang Rakyat, Partai Amanat Sejahtera",
        &["Pontianak Cemerlang", "#UsmanEka"],
    ),
    (
        "mnd-3",
        PILKADA,
        Some("71.71"),
        3,
        "Stevanus Tumbelaka, S.E. – Meiske Rondonuwu",
        &["Steve–Meiske", "SM"],
        "Partai Demokrasi Pembangunan, Partai Nurani Bangsa",
        &["Manado Hebat", "#SMHebat"],
    ),
    (
        "plg-2",
        PILKADA,
        Some("16.71"),
        2,
        "H. Ahmad Zulkarnain – Hj. Siti Marlina",
        &["AZ–Marlina"],
        "Partai Bulan Sabit Raya",
        &["Palembang Emas"],
    ),
    (
        "amb-1",
        PILKADA,
        Some("81.71"),
        1,
        "Ir. Paulus Latuconsina – Hamdan Tuasikal",
        &["Paulus–Hamdan", "PAHAM"],
        "Partai Gerakan Desa, Partai Karya Nusantara",
        &["Ambon Manise Bersatu", "#PAHAM"],
    ),
    (
        "jyp-2",
        PILKADA,
        Some("91.03"),
        2,
        "Yohanis Wally, S.E. – Markus Ohee, S.Sos.",
        &["Yohanis–Markus"],
        "Partai Bintang Rakyat",
        &["Tabi Maju"],
    ),
    (
        "jpr-1",
        PILKADA,
        Some("91.71"),
        1,
        "Dr. Yakob Itaar – Frida Sanggenafa",
        &["Yakob–Frida"],
        "Partai Demokrasi Pembangunan",
        &["Jayapura Kota Damai", "#YakobFrida"],
    ),
    (
        "dps-1",
        PILKADA,
        Some("51.71"),
        1,
        "I Gusti Ngurah Arya Wibawa – Ni Made Sri Utami",
        &["Arya–Utami"],
        "Partai Demokrasi Pembangunan, Partai Karya Nusantara",
        &["Denpasar Kota Kreatif", "#AryaUtami"],
    ),
    (
        "smd-1",
        PILKADA,
        Some("64.72"),
        1,
        "H. Rusdi Effendi – Saparuddin, S.T.",
        &["Rusdi–Sapar"],
        "Partai Amanat Sejahtera",
        &["Samarinda Kota Peradaban"],
    ),
    (
        "jtm-2",
        PILKADA,
        Some("35"),
        2,
        "Dr. Ir. Rahmad Santoso – Hj. Endang Wahyuni",
        &["Rahmad–Endang", "RAHEN"],
        "Partai Karya Nusantara, Partai Gerakan Desa",
        &["Jatim Makmur", "#RAHEN"],
    ),
    (
        "bon-1",
        PILKADA,
        Some("73.08"),
        1,
        "Andi Irwan Petta Rala – H. Muhammad Yusran",
        &["AIR–Yusran"],
        "Partai Bulan Sabit Raya",
        &["Bone Maradeka"],
    ),
    (
        "mtr-2",
        PILKADA,
        Some("52.71"),
        2,
        "H. Lalu Sahrul Azmi – Baiq Nurul Hidayah",
        &["LSA–Baiq"],
        "Partai Nurani Bangsa",
        &["Mataram Harum"],
    ),
    (
        "tng-1",
        PILKADA,
        Some("36.03"),
        1,
        "Dr. H. Irfan Maulana – Hj. Siti Chodijah",
        &["Irfan–Chodijah"],
        "Partai Bintang Rakyat, Partai Demokrasi Pembangunan",
        &["Tangerang Gemilang"],
    ),
    (
        "bdg-3",
        PILKADA,
        Some("32.73"),
        3,
        "Ir. Arief Setiawan – Hj. Dewi Sartika Putri",
        &["AS–Dewi"],
        "Partai Gerakan Desa",
        &["Bandung Juara Lagi"],
    ),
    (
        "bms-1",
        PILKADA,
        Some("33.02"),
        1,
        "H. Teguh Waluyo – Sri Hartini, S.E.",
        &["Teguh–Sri"],
        "Partai Karya Nusantara",
        &["Banyumas Satria"],
    ),
];

/// (code, name, kind, region).
const AGENCIES: &[(&str, &str, AgencyKind, Option<&str>)] = &[
    ("kemenag", "Kementerian Agama", AgencyKind::Central, None),
    ("pemprov-sumut", "Pemerintah Provinsi Sumatera Utara", AgencyKind::Province, Some("12")),
    ("pemkot-medan", "Pemerintah Kota Medan", AgencyKind::Regency, Some("12.71")),
    ("pemkot-padang", "Pemerintah Kota Padang", AgencyKind::Regency, Some("13.71")),
    ("pemkot-palembang", "Pemerintah Kota Palembang", AgencyKind::Regency, Some("16.71")),
    ("pemkab-garut", "Pemerintah Kabupaten Garut", AgencyKind::Regency, Some("32.05")),
    ("pemkot-bandung", "Pemerintah Kota Bandung", AgencyKind::Regency, Some("32.73")),
    ("pemkab-banyumas", "Pemerintah Kabupaten Banyumas", AgencyKind::Regency, Some("33.02")),
    ("pemkot-semarang", "Pemerintah Kota Semarang", AgencyKind::Regency, Some("33.74")),
    ("pemprov-jatim", "Pemerintah Provinsi Jawa Timur", AgencyKind::Province, Some("35")),
    ("pemkot-surabaya", "Pemerintah Kota Surabaya", AgencyKind::Regency, Some("35.78")),
    ("pemkab-tangerang", "Pemerintah Kabupaten Tangerang", AgencyKind::Regency, Some("36.03")),
    ("pemkot-denpasar", "Pemerintah Kota Denpasar", AgencyKind::Regency, Some("51.71")),
    ("pemkot-mataram", "Pemerintah Kota Mataram", AgencyKind::Regency, Some("52.71")),
    ("pemkot-pontianak", "Pemerintah Kota Pontianak", AgencyKind::Regency, Some("61.71")),
    ("pemkot-samarinda", "Pemerintah Kota Samarinda", AgencyKind::Regency, Some("64.72")),
    ("pemkot-manado", "Pemerintah Kota Manado", AgencyKind::Regency, Some("71.71")),
    ("pemprov-sulsel", "Pemerintah Provinsi Sulawesi Selatan", AgencyKind::Province, Some("73")),
    ("pemkot-makassar", "Pemerintah Kota Makassar", AgencyKind::Regency, Some("73.71")),
    ("pemkab-bone", "Pemerintah Kabupaten Bone", AgencyKind::Regency, Some("73.08")),
    ("pemkot-ambon", "Pemerintah Kota Ambon", AgencyKind::Regency, Some("81.71")),
    ("pemkab-jayapura", "Pemerintah Kabupaten Jayapura", AgencyKind::Regency, Some("91.03")),
    ("pemkot-jayapura", "Pemerintah Kota Jayapura", AgencyKind::Regency, Some("91.71")),
];

/// (agency, holder, position, from, to, candidate). Incumbents running in Pilkada 2024 took campaign
/// leave (25 Sep – 23 Nov 2024) and an acting head (Pjs) held the PPK office meanwhile.
type PpkRow = (&'static str, &'static str, &'static str, &'static str, Option<&'static str>, Option<&'static str>);

const PPK_HOLDERS: &[PpkRow] = &[
    ("kemenag", "Prof. Dr. H. Abdul Karim Siregar, M.A.", "Menteri Agama", "2020-12-23", Some("2024-10-20"), None),
    ("kemenag", "Dr. H. Nasrullah Yusuf, M.A.", "Menteri Agama", "2024-10-21", None, None),
    ("pemprov-sumut", "Ir. H. Bonar Sitompul, M.M.", "Gubernur Sumatera Utara", "2018-09-05", Some("2023-09-04"), None),
    ("pemprov-sumut", "Dr. Hasanuddin Daulay, M.Si.", "Penjabat Gubernur Sumatera Utara", "2023-09-05", None, None),
    ("pemkot-medan", "H. Rahmat Syahputra Nasution, S.E.", "Wali Kota Medan", "2021-02-26", None, None),
    ("pemkot-padang", "Ir. H. Yusril Chaniago", "Wali Kota Padang", "2019-05-13", Some("2024-05-12"), None),
    ("pemkot-padang", "Drs. Arfian Tanjung, M.M.", "Penjabat Wali Kota Padang", "2024-05-13", None, None),
    ("pemkot-palembang", "Dr. Firmansyah Aziz, M.Si.", "Penjabat Wali Kota Palembang", "2023-09-21", None, None),
    ("pemkab-garut", "H. Asep Rukmana, S.Sos.", "Bupati Garut", "2019-09-24", Some("2023-12-31"), None),
    ("pemkab-garut", "Drs. Dedi Supriadi, M.Si.", "Penjabat Bupati Garut", "2024-01-01", None, None),
    ("pemkot-bandung", "Dr. Bambang Tirtayasa, M.Si.", "Penjabat Wali Kota Bandung", "2023-09-20", None, None),
    ("pemkab-banyumas", "Drs. Hadi Purwanto, M.M.", "Penjabat Bupati Banyumas", "2023-12-23", None, None),
    (
        "pemkot-semarang",
        "Hj. Retno Wulandari, S.H.",
        "Wali Kota Semarang",
        "2021-02-26",
        Some("2024-09-24"),
        Some("smg-2"),
    ),
    (
        "pemkot-semarang",
        "Drs. Wahyu Kristanto, M.M.",
        "Pjs. Wali Kota Semarang",
        "2024-09-25",
        Some("2024-11-23"),
        None,
    ),
    ("pemkot-semarang", "Hj. Retno Wulandari, S.H.", "Wali Kota Semarang", "2024-11-24", None, Some("smg-2")),
    ("pemprov-jatim", "Dra. Hj. Kusumaningrum, M.Si.", "Gubernur Jawa Timur", "2019-02-13", Some("2024-02-12"), None),
    ("pemprov-jatim", "Dr. Hendro Prasetyo, M.Si.", "Penjabat Gubernur Jawa Timur", "2024-02-13", None, None),
    ("pemkot-surabaya", "Ir. Wahyu Hidayat, M.T.", "Wali Kota Surabaya", "2021-02-26", None, None),
    ("pemkab-tangerang", "H. Zulkarnain Hasan, S.H.", "Bupati Tangerang", "2018-12-17", Some("2023-12-16"), None),
    ("pemkab-tangerang", "Dr. Ahmad Syafei, M.Si.", "Penjabat Bupati Tangerang", "2023-12-17", None, None),
    ("pemkot-denpasar", "I Nyoman Sudiarsa, S.E., M.M.", "Wali Kota Denpasar", "2021-02-26", None, None),
    ("pemkot-mataram", "H. Lalu Muhammad Fadli, S.H.", "Wali Kota Mataram", "2021-02-26", None, None),
    (
        "pemkot-pontianak",
        "Ir. H. Muhammad Rizal Alkadrie",
        "Wali Kota Pontianak",
        "2018-12-23",
        Some("2023-12-22"),
        None,
    ),
    ("pemkot-pontianak", "Dr. Yohanes Aloysius, M.Si.", "Penjabat Wali Kota Pontianak", "2023-12-23", None, None),
    ("pemkot-samarinda", "H. Rahmat Hidayat Siregar, S.E.", "Wali Kota Samarinda", "2021-02-26", None, None),
    ("pemkot-manado", "Stevanus Tumbelaka, S.E.", "Wali Kota Manado", "2021-02-26", Some("2024-09-24"), Some("mnd-3")),
    ("pemkot-manado", "Dr. Denny Mangala, M.Si.", "Pjs. Wali Kota Manado", "2024-09-25", Some("2024-11-23"), None),
    ("pemkot-manado", "Stevanus Tumbelaka, S.E.", "Wali Kota Manado", "2024-11-24", None, Some("mnd-3")),
    (
        "pemprov-sulsel",
        "Ir. H. Andi Mappasessu, M.M.",
        "Gubernur Sulawesi Selatan",
        "2018-09-05",
        Some("2023-09-04"),
        None,
    ),
    (
        "pemprov-sulsel",
        "Dr. Ir. Andi Bachtiar Sultan, M.Si.",
        "Penjabat Gubernur Sulawesi Selatan",
        "2023-09-05",
        None,
        None,
    ),
    ("pemkot-makassar", "Ir. H. Daeng Muhammad Sabri, M.T.", "Wali Kota Makassar", "2021-02-26", None, None),
    ("pemkab-bone", "Dr. H. Andi Baharuddin Petta Sule", "Bupati Bone", "2018-09-24", Some("2023-09-23"), None),
    ("pemkab-bone", "Dr. H. Andi Muhammad Yunus, M.Si.", "Penjabat Bupati Bone", "2023-09-24", None, None),
    ("pemkot-ambon", "Dr. Frans Latumeten, M.Si.", "Penjabat Wali Kota Ambon", "2022-05-24", None, None),
    ("pemkab-jayapura", "Dr. Nikolas Demetouw, M.Si.", "Penjabat Bupati Jayapura", "2022-09-20", None, None),
    ("pemkot-jayapura", "Drs. Robert Awi, M.Si.", "Penjabat Wali Kota Jayapura", "2022-05-24", None, None),
];

async fn insert_reference(db: &Db) -> anyhow::Result<Refs> {
    let created = local("2023-06-01 08:00", TimeZoneId::Wib).timestamp_millis();
    let mut tx = db.begin_write().await?;
    let mut election_ids = HashMap::new();
    for e in elections() {
        if !people::insert_election(&mut tx, &e, rule_set_version(e.kind), created).await? {
            bail!("election `{}` already exists (partial demo load?)", e.code);
        }
        election_ids.insert(e.code.clone(), e.id.clone());
    }
    let mut candidates = HashMap::new();
    for &(key, election, region, ballot, name, nicks, party, slogans) in CANDIDATES {
        let statuses = if election == PEMILU {
            if key.starts_with("pres") {
                vec![("prospective".to_owned(), date("2023-10-19")), ("candidate".to_owned(), date("2023-11-13"))]
            } else {
                vec![("prospective".to_owned(), date("2023-08-19")), ("candidate".to_owned(), date("2023-11-04"))]
            }
        } else {
            vec![("prospective".to_owned(), date("2024-06-01")), ("candidate".to_owned(), date("2024-09-22"))]
        };
        let c = Candidate {
            id: new_id(),
            election_id: election_ids[election].clone(),
            name: name.into(),
            nicknames: nicks.iter().map(|s| (*s).to_owned()).collect(),
            ballot_number: Some(ballot),
            party: Some(party.into()),
            region_code: region.map(str::to_owned),
            slogans: slogans.iter().map(|s| (*s).to_owned()).collect(),
            statuses,
        };
        people::insert_candidate(&mut tx, &c).await?;
        candidates.insert(key, c.id);
    }
    let mut agencies = HashMap::new();
    for &(code, name, kind, region) in AGENCIES {
        let a =
            Agency { id: new_id(), code: code.into(), name: name.into(), kind, region_code: region.map(str::to_owned) };
        people::insert_agency(&mut tx, &a).await?;
        agencies.insert(code, a.id);
    }
    for &(agency, name, position, from, to, candidate) in PPK_HOLDERS {
        let p = PpkHolder {
            id: new_id(),
            agency_id: agencies.get(agency).ok_or_else(|| anyhow!("PPK holder of unknown agency `{agency}`"))?.clone(),
            name: name.into(),
            position: position.into(),
            valid_from: date(from),
            valid_to: to.map(date),
            candidate_id: candidate
                .map(|c| {
                    candidates.get(c).cloned().ok_or_else(|| anyhow!("PPK holder linked to unknown candidate `{c}`"))
                })
                .transpose()?,
        };
        people::insert_ppk_holder(&mut tx, &p).await?;
    }
    tx.commit().await?;
    Ok(Refs { candidates, agencies })
}

// ---------------------------------------------------------------------------------------------
// Scenario table

enum Intake {
    /// A formal report; the identity is sealed.
    Laporan { name: &'static str, address: &'static str, nik: Option<&'static str>, phone: Option<&'static str> },
    /// An anonymous tip.
    Info,
    /// An officer's own finding, by the Bawaslu office of `office` (a province or kabupaten/kota).
    Temuan { office: &'static str },
}

#[derive(Clone, Copy)]
enum Medium {
    Offline,
    Social { platform: &'static str, url: Option<&'static str> },
}

struct Subj {
    name: &'static str,
    nip: Option<&'static str>,
    employment: Option<&'static str>,
    agency: Option<&'static str>,
    class: Option<&'static str>,
    title: Option<&'static str>,
    head: bool,
    work: Option<&'static str>,
}

/// A PNS with a NIP and a known post.
fn pns(
    name: &'static str,
    nip: &'static str,
    agency: &'static str,
    class: &'static str,
    title: &'static str,
    head: bool,
    work: &'static str,
) -> Subj {
    Subj {
        name,
        nip: Some(nip),
        employment: Some("pns"),
        agency: Some(agency),
        class: Some(class),
        title: Some(title),
        head,
        work: Some(work),
    }
}

/// Identity only partly known at intake (name, perhaps agency).
fn partial(name: &'static str, agency: Option<&'static str>) -> Subj {
    Subj { name, nip: None, employment: None, agency, class: None, title: None, head: false, work: None }
}

#[derive(Clone, Copy)]
enum Who {
    Reporter,
    Subject(usize),
    Witness(&'static str),
    Expert(&'static str),
}

#[derive(Clone, Copy)]
enum Att {
    Yes(&'static str),
    No,
    Pending,
}

/// One clarification invitee: outcome of the first invitation and, after a no-show, of the second.
struct Inv {
    who: Who,
    first: Att,
    second: Option<Att>,
    online: Option<&'static str>,
}

fn inv(who: Who, first: Att) -> Inv {
    Inv { who, first, second: None, online: None }
}

fn inv2(who: Who, second: Att) -> Inv {
    Inv { who, first: Att::No, second: Some(second), online: None }
}

#[derive(Clone, Copy)]
struct Rec {
    category: &'static str,
    level: &'static str,
    option: &'static str,
    codes: &'static [&'static str],
}

const fn rec(category: &'static str, level: &'static str, option: &'static str, codes: &'static [&'static str]) -> Rec {
    Rec { category, level, option, codes }
}

/// What the PPK (and the authority, when the PPK does not act) does after a recommendation.
#[derive(Clone, Copy)]
enum Ppk {
    NotDelivered,
    Awaiting,
    Sanction,
    Overdue,
    LateSanction,
    Escalated(&'static str),
    Blocked,
    BlockedEscalated(&'static str),
    BlockedSanction,
    Unblocked,
}

/// The authority's handling of one forwarded subject.
#[derive(Clone, Copy)]
enum Tp {
    Pending,
    Reject(&'static str),
    Cancel(&'static str),
    NotProven(&'static str),
    LeftService(&'static str),
    Recommend(Rec, Ppk),
}

/// How far Bawaslu takes a registered case.
enum Until {
    Registered,
    Clarification,
    Study,
    Plenary,
    Stop(&'static str),
    Gakkumdu(&'static str),
    /// Plenary summary and one outcome per subject: `Some` = refer (then the authority's path), `None` = stop.
    Refer(&'static str, Vec<Option<Tp>>),
}

enum Pre {
    Direct,
    Completed(&'static [&'static str]),
    TransferAccepted(&'static str, &'static str),
}

enum Plan {
    Received,
    Incomplete(&'static [&'static str]),
    IncompleteExpired(&'static [&'static str]),
    LateRefused,
    Withdrawn(&'static str),
    Transferred(&'static str, &'static str),
    ForwardDirect(&'static str, Vec<Tp>),
    Handle(Pre, Until),
}

struct Spec {
    key: &'static str,
    election: &'static str,
    intake: Intake,
    /// Kecamatan (or kabupaten/kota) where the act happened.
    region: &'static str,
    /// Local times `YYYY-MM-DD HH:MM`: the act, when it became known, when the report arrived.
    occurred: &'static str,
    known: &'static str,
    received: &'static str,
    text: &'static str,
    codes: &'static [&'static str],
    candidate: Option<&'static str>,
    medium: Medium,
    subjects: Vec<Subj>,
    invites: Vec<Inv>,
    plan: Plan,
}

const fn sm(platform: &'static str, url: &'static str) -> Medium {
    Medium::Social { platform, url: Some(url) }
}

/// The demo cases. Keys: `P` Pemilu 2024, `K` Pilkada 2024.
fn scenarios() -> Vec<Spec> {
    use Att::{No, Pending, Yes};
    use Who::{Expert, Reporter, Subject, Witness};
    vec![
        // ---------------------------------------------------------------- Pemilu 2024
        Spec {
            key: "P01-semarang-camat-instagram",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Siti Rahmawati",
                address: "Jl. Pemuda No. 12, Sekayu, Semarang Tengah, Kota Semarang",
                nik: Some("3374015503920002"),
                phone: Some("0812-2845-7731"),
            },
            region: "33.74.01",
            occurred: "2023-12-09 19:30",
            known: "2023-12-10 09:30",
            received: "2023-12-11 11:30",
            text: "Camat Semarang Tengah mengunggah foto di akun Instagram pribadinya berpose dua jari di depan baliho pasangan calon presiden nomor urut 2 dengan keterangan \"Lanjutkan Indonesia Jaya\"; unggahan disukai lebih dari 300 akun.",
            codes: &["D-7", "D-2"],
            candidate: Some("pres-2"),
            medium: sm("instagram", "https://www.instagram.com/p/C0kT7xRPq2m/"),
            subjects: vec![pns(
                "Hari Wibowo, S.STP., M.Si.",
                "198105122003121002",
                "pemkot-semarang",
                "administrator",
                "Camat Semarang Tengah",
                true,
                "33.74.01",
            )],
            invites: vec![
                inv(
                    Reporter,
                    Yes("Pelapor menyerahkan tangkapan layar dan tautan unggahan; keterangan sesuai laporan."),
                ),
                inv(
                    Subject(0),
                    Yes(
                        "Terlapor mengakui akun Instagram miliknya dan unggahan dibuat pada 9 Desember 2023; unggahan telah dihapus.",
                    ),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti: terlapor mengunggah foto dengan alat peraga pasangan calon disertai ajakan (SKB 2022 D-7 dan D-2). Diteruskan ke KASN sebagai pelanggaran peraturan perundang-undangan lainnya.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.penurunan_jabatan_12m", &["D-7", "D-2"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "P02-makassar-kadis-kampanye-caleg",
            election: PEMILU,
            intake: Intake::Temuan { office: "73.71" },
            region: "73.71.04",
            occurred: "2024-01-13 15:00",
            known: "2024-01-13 17:00",
            received: "2024-01-15 09:00",
            text: "Kepala Dinas Pemuda dan Olahraga Provinsi Sulawesi Selatan hadir mengenakan atribut dan berorasi pada kampanye terbuka calon anggota DPRD Provinsi Sulawesi Selatan Drs. H. Muh. Arsyad Tahir di Lapangan Karebosi, mengajak peserta memilih nomor urut 3.",
            codes: &["D-4"],
            candidate: Some("caleg-arsyad"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Dr. Andi Rahmat Hidayat, M.Si.",
                "197208141998031003",
                "pemprov-sulsel",
                "jpt_pratama",
                "Kepala Dinas Pemuda dan Olahraga Provinsi Sulawesi Selatan",
                false,
                "73",
            )],
            invites: vec![
                inv2(
                    Subject(0),
                    Yes(
                        "Terlapor hadir pada undangan kedua, mengakui hadir di kampanye atas undangan kerabat dan membantah berorasi; rekaman pengawas menunjukkan sebaliknya.",
                    ),
                ),
                inv(
                    Witness("Muhammad Ikhsan, Pengawas Kelurahan Pattunuang"),
                    Yes("Saksi menerangkan terlapor naik ke panggung dan mengajak memilih nomor urut 3."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti berdasarkan rekaman pengawas dan keterangan saksi (SKB 2022 D-4). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.pembebasan_jabatan_12m", &["D-4"]),
                        Ppk::Unblocked,
                    ))],
                ),
            ),
        },
        Spec {
            key: "P03-medan-lurah-grup-whatsapp",
            election: PEMILU,
            intake: Intake::Info,
            region: "12.71.02",
            occurred: "2024-01-21 20:00",
            known: "2024-01-23 12:00",
            received: "2024-01-23 15:00",
            text: "Lurah Sunggal disebut menjadi admin grup WhatsApp \"Relawan Surya–Bima Medan Sunggal\" dan membagikan jadwal kampanye serta ajakan memilih pasangan calon nomor urut 2 kepada warga.",
            codes: &["D-6"],
            candidate: Some("pres-2"),
            medium: Medium::Social { platform: "whatsapp", url: None },
            subjects: vec![pns(
                "Rizky Ananda Nasution, S.STP.",
                "199003172012061001",
                "pemkot-medan",
                "pengawas",
                "Lurah Sunggal",
                true,
                "12.71.02",
            )],
            invites: vec![
                inv(
                    Subject(0),
                    Yes(
                        "Terlapor menerangkan dimasukkan ke grup oleh warga tanpa persetujuan dan telah keluar; tidak pernah mengunggah ajakan.",
                    ),
                ),
                inv2(Witness("Darwin Sembiring, admin grup"), No),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Stop(
                    "Tidak terbukti: riwayat grup menunjukkan terlapor bukan admin dan tidak membagikan ajakan. Saksi tidak hadir pada dua kali undangan sehingga kajian dilakukan atas bukti yang ada.",
                ),
            ),
        },
        Spec {
            key: "P04-surabaya-kalender-caleg-dua-terlapor",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Bagus Setiawan",
                address: "Jl. Jemursari Utara III No. 8, Wonocolo, Surabaya",
                nik: None,
                phone: Some("0813-3190-2254"),
            },
            region: "35.78.02",
            occurred: "2024-01-08 09:00",
            known: "2024-01-09 15:00",
            received: "2024-01-10 10:00",
            text: "Kepala Bidang Pembinaan SD Dinas Pendidikan Kota Surabaya membagikan kalender bergambar calon anggota DPRD Kota Surabaya kepada kepala sekolah dalam rapat koordinasi; seorang guru ikut membagikan kalender tersebut di sekolahnya.",
            codes: &["D-1", "D-8"],
            candidate: None,
            medium: Medium::Offline,
            subjects: vec![
                pns(
                    "Drs. Bambang Hariyanto, M.Pd.",
                    "196811021994031005",
                    "pemkot-surabaya",
                    "administrator",
                    "Kepala Bidang Pembinaan Sekolah Dasar, Dinas Pendidikan",
                    false,
                    "35.78",
                ),
                pns(
                    "Lestari Widyaningsih, S.Pd.",
                    "198507242010012012",
                    "pemkot-surabaya",
                    "fungsional",
                    "Guru Ahli Muda SDN Jemur Wonosari I",
                    false,
                    "35.78.02",
                ),
            ],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan dua kalender dan foto rapat koordinasi.")),
                inv(Subject(0), Yes("Terlapor mengakui membagikan kalender yang diterima dari kerabat calon.")),
                inv(
                    Subject(1),
                    Yes("Terlapor menerangkan hanya meneruskan kiriman dari dinas tanpa mengetahui isinya."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terlapor I terbukti membagikan alat peraga calon (SKB 2022 D-1, D-8) dan diteruskan ke KASN; terlapor II tidak memenuhi unsur karena tidak mengetahui isi kiriman.",
                    vec![
                        Some(Tp::Recommend(
                            rec("disiplin", "sedang", "pp94.sedang.tukin25_9m", &["D-8", "D-1"]),
                            Ppk::Sanction,
                        )),
                        None,
                    ],
                ),
            ),
        },
        Spec {
            key: "P05-tangerang-laporan-terlambat",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Rohmat Hidayat",
                address: "Kp. Cikande RT 02/05, Balaraja, Kabupaten Tangerang",
                nik: None,
                phone: None,
            },
            region: "36.03.01",
            occurred: "2023-12-02 10:00",
            known: "2023-12-02 14:00",
            received: "2024-01-08 10:00",
            text: "Seorang staf Kantor Kecamatan Balaraja memasang stiker dan membagikan kaus pasangan calon presiden nomor urut 1 kepada warga saat pelayanan KTP di kantor kecamatan.",
            codes: &["D-1", "D-8"],
            candidate: Some("pres-1"),
            medium: Medium::Offline,
            subjects: vec![Subj {
                title: Some("Pengadministrasi Umum, Kecamatan Balaraja"),
                class: Some("pelaksana"),
                work: Some("36.03.01"),
                ..partial("Ahmad Fauzan", Some("pemkab-tangerang"))
            }],
            invites: vec![],
            plan: Plan::LateRefused,
        },
        Spec {
            key: "P06-jakarta-kemenag-x",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Dimas Aryo Nugroho",
                address: "Jl. Cikini Raya No. 41, Menteng, Jakarta Pusat",
                nik: None,
                phone: Some("0811-9021-443"),
            },
            region: "31.71.01",
            occurred: "2024-01-20 21:15",
            known: "2024-01-21 08:00",
            received: "2024-01-22 10:00",
            text: "Seorang direktur pada Direktorat Jenderal Pendidikan Islam Kementerian Agama mengunggah ajakan memilih pasangan calon nomor urut 1 dengan tagar #HendraIlham di akun X pribadinya dan mengomentari unggahan akun resmi tim kampanye.",
            codes: &["D-2", "D-6"],
            candidate: Some("pres-1"),
            medium: sm("x", "https://x.com/taufiqhidayat_/status/1748712093381123456"),
            subjects: vec![pns(
                "Dr. H. Muhammad Taufiq Hidayat, M.A.",
                "197506302001121001",
                "kemenag",
                "jpt_pratama",
                "Direktur pada Direktorat Jenderal Pendidikan Islam",
                false,
                "31.71",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan arsip unggahan (web archive) dan tangkapan layar.")),
                inv(Subject(0), Yes("Terlapor mengakui akun miliknya; menyatakan unggahan bersifat pribadi.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti mengampanyekan pasangan calon melalui media sosial (SKB 2022 D-2, D-6). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "sedang", "pp94.sedang.tukin25_12m", &["D-2", "D-6"]),
                        Ppk::Escalated("president_escalation"),
                    ))],
                ),
            ),
        },
        Spec {
            key: "P07-denpasar-guru-tiktok-masa-tenang",
            election: PEMILU,
            intake: Intake::Temuan { office: "51.71" },
            region: "51.71.03",
            occurred: "2024-02-12 19:00",
            known: "2024-02-13 08:00",
            received: "2024-02-13 11:00",
            text: "Pada masa tenang, seorang guru SMP negeri mengunggah video TikTok berisi yel-yel dan ajakan memilih pasangan calon presiden nomor urut 3; video ditonton lebih dari 12.000 kali sebelum dihapus.",
            codes: &["D-2"],
            candidate: Some("pres-3"),
            medium: sm("tiktok", "https://www.tiktok.com/@madesuar88/video/7334561209876543210"),
            subjects: vec![pns(
                "I Made Suarjana, S.Pd.",
                "198811052015031002",
                "pemkot-denpasar",
                "fungsional",
                "Guru Ahli Pertama SMP Negeri 3 Denpasar",
                false,
                "51.71.03",
            )],
            invites: vec![],
            plan: Plan::ForwardDirect(
                "Kajian awal: pelanggaran netralitas ASN tanpa unsur pidana Pemilu; diteruskan langsung ke KASN sesuai SKB 2022.",
                vec![Tp::Recommend(rec("kode_etik", "moral", "pp42.moral.terbuka", &["D-2"]), Ppk::LateSanction)],
            ),
        },
        Spec {
            key: "P08-samarinda-akun-facebook-palsu",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Nurul Aini",
                address: "Jl. Juanda Gg. 7 No. 21, Samarinda Ulu, Samarinda",
                nik: None,
                phone: None,
            },
            region: "64.72.03",
            occurred: "2023-12-16 20:00",
            known: "2023-12-17 07:30",
            received: "2023-12-18 09:00",
            text: "Akun Facebook atas nama seorang pranata komputer Pemerintah Kota Samarinda membagikan materi kampanye dan ajakan memilih pasangan calon nomor urut 1 di beberapa grup warga.",
            codes: &["D-2"],
            candidate: Some("pres-1"),
            medium: sm("facebook", "https://www.facebook.com/groups/wargasamarindaulu/posts/3012298765"),
            subjects: vec![pns(
                "Muhammad Rizal, S.Kom.",
                "199108192019031004",
                "pemkot-samarinda",
                "fungsional",
                "Pranata Komputer Ahli Pertama, Dinas Komunikasi dan Informatika",
                false,
                "64.72",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menunjukkan unggahan di tiga grup warga.")),
                inv(
                    Subject(0),
                    Yes(
                        "Terlapor menyatakan akun tersebut bukan miliknya dan telah melaporkan pemalsuan akun ke Facebook.",
                    ),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terdapat bukti permulaan yang cukup; penentuan kepemilikan akun diserahkan kepada KASN.",
                    vec![Some(Tp::NotProven(
                        "Hasil penelusuran: akun dibuat pihak lain memakai foto terlapor (akun palsu); keterlibatan terlapor tidak terbukti.",
                    ))],
                ),
            ),
        },
        Spec {
            key: "P09-ambon-kepsek-hari-pemungutan",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Maria Pattiasina",
                address: "Jl. Dr. Kayadoe, Kel. Benteng, Nusaniwe, Kota Ambon",
                nik: None,
                phone: Some("0852-4311-0987"),
            },
            region: "81.71.02",
            occurred: "2024-02-14 08:30",
            known: "2024-02-14 10:00",
            received: "2024-02-14 16:00",
            text: "Pada hari pemungutan suara, Kepala SMP Negeri 9 Ambon mengumpulkan guru di sekolah dan menginstruksikan agar memilih pasangan calon nomor urut 3 sebelum berangkat ke TPS, disertai ancaman terhadap penilaian kinerja.",
            codes: &["D-8", "D-11"],
            candidate: Some("pres-3"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Drs. Johanis Latumahina, M.Pd.",
                "196904121995121001",
                "pemkot-ambon",
                "fungsional",
                "Kepala SMP Negeri 9 Ambon",
                false,
                "81.71.02",
            )],
            invites: vec![
                inv(
                    Reporter,
                    Yes("Pelapor, guru di sekolah tersebut, menerangkan isi arahan dan menyerahkan rekaman suara."),
                ),
                inv2(Subject(0), Yes("Terlapor hadir pada undangan kedua dan membantah adanya ancaman.")),
                inv(
                    Witness("Yakomina Leiwakabessy, guru SMP Negeri 9 Ambon"),
                    Yes("Saksi membenarkan arahan memilih nomor urut 3."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Gakkumdu(
                    "Memenuhi unsur dugaan tindak pidana Pemilu (Pasal 494 jo. Pasal 280 ayat (3) UU 7/2017); diteruskan ke Sentra Gakkumdu Kota Ambon.",
                ),
            ),
        },
        Spec {
            key: "P10-jayapura-kepala-distrik-pensiun",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Yosina Kaigere",
                address: "Jl. Raya Sentani–Hawai, Sentani, Kabupaten Jayapura",
                nik: None,
                phone: None,
            },
            region: "91.03.01",
            occurred: "2024-01-06 14:00",
            known: "2024-01-06 18:00",
            received: "2024-01-08 10:00",
            text: "Kepala Distrik Sentani hadir dan memberikan sambutan dukungan dalam kampanye tatap muka calon anggota DPR RI nomor urut 2 Yulianus Marweri di Lapangan Theys Sentani.",
            codes: &["D-4"],
            candidate: Some("caleg-yulianus"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Yonas Ohee, S.Sos.",
                "196601101988031003",
                "pemkab-jayapura",
                "administrator",
                "Kepala Distrik Sentani",
                true,
                "91.03.01",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan video sambutan terlapor.")),
                inv(Subject(0), Yes("Terlapor mengakui memberi sambutan atas permintaan tokoh adat.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti menghadiri dan mendukung kampanye (SKB 2022 D-4). Diteruskan ke KASN.",
                    vec![Some(Tp::LeftService(
                        "Terlapor mencapai batas usia pensiun 58 tahun dan diberhentikan dengan hormat dengan hak pensiun terhitung 1 Februari 2024; rekomendasi tidak dapat ditindaklanjuti.",
                    ))],
                ),
            ),
        },
        Spec {
            key: "P11-pontianak-laporan-dicabut",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Sulastri",
                address: "Jl. Tanjung Raya II Gg. Mandiri, Pontianak Timur",
                nik: None,
                phone: None,
            },
            region: "61.71.02",
            occurred: "2024-01-05 10:00",
            known: "2024-01-05 12:00",
            received: "2024-01-08 09:00",
            text: "Seorang staf Kelurahan Tanjung Hulu membagikan brosur calon anggota DPRD Kota Pontianak kepada warga yang mengurus surat keterangan.",
            codes: &["D-8"],
            candidate: None,
            medium: Medium::Offline,
            subjects: vec![partial("Hendri Saputra", Some("pemkot-pontianak"))],
            invites: vec![],
            plan: Plan::Withdrawn(
                "Pelapor mencabut laporan secara tertulis karena merasa persoalan telah diselesaikan secara kekeluargaan; dicatat sebagai informasi awal untuk pengawasan.",
            ),
        },
        Spec {
            key: "P12-padang-tidak-dilengkapi",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Yulia Rahmi",
                address: "Jl. Sawahan Dalam No. 5, Padang Timur, Kota Padang",
                nik: None,
                phone: Some("0821-7012-3345"),
            },
            region: "13.71.02",
            occurred: "2024-01-31 16:00",
            known: "2024-02-01 09:00",
            received: "2024-02-02 10:00",
            text: "Terlapor disebut ikut membagikan bahan kampanye salah satu calon anggota DPD di lingkungan kantor kelurahan.",
            codes: &[],
            candidate: None,
            medium: Medium::Offline,
            subjects: vec![partial("Syafril", Some("pemkot-padang"))],
            invites: vec![],
            plan: Plan::IncompleteExpired(&[
                "uraian kejadian (waktu, tempat, dan perbuatan)",
                "bukti foto, video, atau saksi",
                "identitas dan jabatan terlapor",
            ]),
        },
        Spec {
            key: "P13-palembang-ppnpn-ditolak",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Rizal Effendi",
                address: "Jl. Kol. H. Barlian Km 7, Sukarami, Kota Palembang",
                nik: None,
                phone: None,
            },
            region: "16.71.07",
            occurred: "2024-02-03 19:00",
            known: "2024-02-04 08:00",
            received: "2024-02-05 10:00",
            text: "Seorang petugas kebersihan yang disebut sebagai pegawai Pemerintah Kota Palembang memasang spanduk pasangan calon presiden nomor urut 1 di pagar kantor Kelurahan Sukarami.",
            codes: &["D-1"],
            candidate: Some("pres-1"),
            medium: Medium::Offline,
            subjects: vec![Subj {
                employment: Some("ppnpn"),
                class: Some("pelaksana"),
                title: Some("Petugas Kebersihan, Kelurahan Sukarami"),
                work: Some("16.71.07"),
                ..partial("Andi Saputra", Some("pemkot-palembang"))
            }],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan foto pemasangan spanduk.")),
                inv(Subject(0), Yes("Terlapor mengakui memasang spanduk atas permintaan tim kampanye.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Perbuatan terbukti; status kepegawaian terlapor diserahkan kepada KASN untuk diverifikasi.",
                    vec![Some(Tp::Reject(
                        "Terlapor pegawai non-ASN (PPNPN), di luar kewenangan KASN; disarankan pembinaan oleh PPK sesuai SE MenPANRB Nomor 1 Tahun 2023.",
                    ))],
                ),
            ),
        },
        Spec {
            key: "P14a-mataram-sekdis-facebook",
            election: PEMILU,
            intake: Intake::Temuan { office: "52.71" },
            region: "52.71.02",
            occurred: "2024-01-17 10:00",
            known: "2024-01-17 13:00",
            received: "2024-01-18 09:00",
            text: "Sekretaris Dinas Komunikasi dan Informatika Kota Mataram mengunggah di Facebook foto bersama calon anggota DPR RI dengan ajakan \"coblos nomor 4\" dan membagikannya ke grup WhatsApp pegawai.",
            codes: &["D-7", "D-2"],
            candidate: None,
            medium: sm("facebook", "https://www.facebook.com/lalu.juaini/posts/pfbid02Kx7"),
            subjects: vec![pns(
                "Lalu Muhammad Juaini, S.Kom., M.M.",
                "197911242005011004",
                "pemkot-mataram",
                "administrator",
                "Sekretaris Dinas Komunikasi dan Informatika",
                false,
                "52.71",
            )],
            invites: vec![inv(Subject(0), Yes("Terlapor mengakui unggahan dan telah menghapusnya."))],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 D-7, D-2). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.penurunan_jabatan_12m", &["D-7", "D-2"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "P14b-mataram-informasi-awal-duplikat",
            election: PEMILU,
            intake: Intake::Info,
            region: "52.71.02",
            occurred: "2024-01-17 10:00",
            known: "2024-01-18 20:00",
            received: "2024-01-19 08:00",
            text: "Informasi masyarakat: pejabat Diskominfo Kota Mataram mengunggah foto bersama calon anggota DPR RI dengan ajakan memilih nomor 4.",
            codes: &["D-7"],
            candidate: None,
            medium: Medium::Social { platform: "facebook", url: None },
            subjects: vec![pns(
                "Lalu Muhammad Juaini, S.Kom., M.M.",
                "197911242005011004",
                "pemkot-mataram",
                "administrator",
                "Sekretaris Dinas Komunikasi dan Informatika",
                false,
                "52.71",
            )],
            invites: vec![],
            plan: Plan::ForwardDirect(
                "Informasi awal dengan bukti tangkapan layar; diteruskan langsung ke KASN sebagai pelengkap.",
                vec![Tp::Cancel(
                    "Dibatalkan: duplikasi dengan temuan Bawaslu Kota Mataram atas terlapor dan perbuatan yang sama yang sedang ditangani; diputus dalam satu rekomendasi.",
                )],
            ),
        },
        Spec {
            key: "P15-bone-camat-kumpulkan-kades",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Muh. Fadli",
                address: "Desa Tarasu, Kecamatan Kajuara, Kabupaten Bone",
                nik: None,
                phone: None,
            },
            region: "73.08.03",
            occurred: "2024-01-24 10:00",
            known: "2024-01-24 14:00",
            received: "2024-01-25 10:00",
            text: "Camat Kajuara mengumpulkan kepala desa se-Kecamatan Kajuara di aula kantor camat dan meminta mereka mengarahkan warga memilih calon anggota DPRD Kabupaten Bone nomor urut 1 Hj. Siti Nurjanah.",
            codes: &["D-8", "D-11"],
            candidate: Some("caleg-nurjanah"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Andi Muhammad Ridwan, S.STP., M.Si.",
                "198302202002121001",
                "pemkab-bone",
                "administrator",
                "Camat Kajuara",
                true,
                "73.08.03",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan rekaman suara pertemuan.")),
                inv(
                    Subject(0),
                    Yes("Terlapor menerangkan pertemuan adalah rapat koordinasi rutin dan membantah arahan memilih."),
                ),
                inv(
                    Witness("H. Baharuddin, Kepala Desa Tarasu"),
                    Yes("Saksi membenarkan adanya arahan untuk mendukung calon nomor urut 1."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti membuat tindakan yang menguntungkan calon (SKB 2022 D-8, D-11). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.pembebasan_jabatan_12m", &["D-8", "D-11"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "P16-manado-foto-bakal-capres",
            election: PEMILU,
            intake: Intake::Temuan { office: "71.71" },
            region: "71.71.06",
            occurred: "2023-10-28 11:00",
            known: "2023-10-29 09:00",
            received: "2023-10-30 10:00",
            text: "Seorang pelaksana Dinas Perhubungan Kota Manado mengunggah foto bersama bakal calon presiden Ahmad Fauzi Lubis dengan kaus bertuliskan \"#FauziKartika\" di Instagram.",
            codes: &["KE-5"],
            candidate: Some("pres-3"),
            medium: sm("instagram", "https://www.instagram.com/p/Cy9QwLmNa1B/"),
            subjects: vec![pns(
                "Stevie Rumengan, S.E.",
                "199204022020121003",
                "pemkot-manado",
                "pelaksana",
                "Pengadministrasi Umum, Dinas Perhubungan",
                false,
                "71.71",
            )],
            invites: vec![inv(Subject(0), Yes("Terlapor mengakui unggahan dan tidak mengetahui larangan bagi ASN."))],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 KE-5, bakal calon). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("kode_etik", "moral", "pp42.moral.tertutup", &["KE-5"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "P17-bandung-tiktok-dilengkapi",
            election: PEMILU,
            intake: Intake::Laporan {
                name: "Annisa Putri Lestari",
                address: "Jl. Dipatiukur No. 35, Coblong, Kota Bandung",
                nik: Some("3273024807990003"),
                phone: None,
            },
            region: "32.73.02",
            occurred: "2023-11-06 19:00",
            known: "2023-11-07 08:00",
            received: "2023-11-08 10:00",
            text: "Seorang analis kebijakan Bappelitbang Kota Bandung membuat konten TikTok yang mempromosikan bakal calon presiden Surya Adinegoro dengan ajakan \"dukung Surya–Bima\".",
            codes: &["KE-2"],
            candidate: Some("pres-2"),
            medium: sm("tiktok", "https://www.tiktok.com/@rendyfirm/video/7298812345678901234"),
            subjects: vec![pns(
                "Rendy Firmansyah, S.AP.",
                "199407112019031002",
                "pemkot-bandung",
                "fungsional",
                "Analis Kebijakan Ahli Pertama, Bappelitbang",
                false,
                "32.73",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan tautan video dan rekaman layar.")),
                inv(Subject(0), Yes("Terlapor mengakui membuat konten dan telah menghapusnya.")),
            ],
            plan: Plan::Handle(
                Pre::Completed(&["tautan video TikTok dan tangkapan layar", "fotokopi KTP pelapor"]),
                Until::Refer(
                    "Terbukti mempromosikan bakal calon di media sosial (SKB 2022 KE-2). Diteruskan ke KASN.",
                    vec![Some(Tp::Recommend(
                        rec("kode_etik", "moral", "pp42.moral.terbuka", &["KE-2"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        // ---------------------------------------------------------------- Pilkada 2024
        Spec {
            key: "K01-garut-kepsek-kampanye",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Dede Rohman",
                address: "Kp. Sukagalih RT 03/07, Tarogong Kidul, Kabupaten Garut",
                nik: None,
                phone: Some("0857-2233-9012"),
            },
            region: "32.05.05",
            occurred: "2024-11-21 10:00",
            known: "2024-11-21 19:00",
            received: "2024-11-22 09:00",
            text: "Kepala SD negeri di Tarogong Kidul memberikan sambutan dalam kegiatan kampanye pasangan calon bupati nomor urut 2 dan membagikan bahan kampanye kepada wali murid.",
            codes: &["D-4", "D-8"],
            candidate: Some("grt-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Iwan Setiawan, S.Pd., M.M.Pd.",
                "197611212000031002",
                "pemkab-garut",
                "fungsional",
                "Kepala SD Negeri 2 Tarogong",
                false,
                "32.05.05",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan video sambutan dan contoh bahan kampanye.")),
                inv(Subject(0), Yes("Terlapor mengakui hadir dan memberi sambutan.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 D-4, D-8). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "sedang", "pp94.sedang.tukin25_6m", &["D-4", "D-8"]),
                        Ppk::Awaiting,
                    ))],
                ),
            ),
        },
        Spec {
            key: "K02-semarang-sekcam-kapus-kampanye-petahana",
            election: PILKADA,
            intake: Intake::Temuan { office: "33.74" },
            region: "33.74.10",
            occurred: "2024-11-05 19:30",
            known: "2024-11-05 21:00",
            received: "2024-11-06 10:00",
            text: "Pengawas kampanye mendapati Sekretaris Kecamatan Tembalang dan Kepala Puskesmas Rowosari hadir di panggung kampanye pasangan calon wali kota nomor urut 2 (petahana), mengenakan kaus pasangan calon dan ikut mengajak warga memilih.",
            codes: &["D-4"],
            candidate: Some("smg-2"),
            medium: Medium::Offline,
            subjects: vec![
                pns(
                    "Dwi Cahyono, S.IP., M.Si.",
                    "198012032006041002",
                    "pemkot-semarang",
                    "administrator",
                    "Sekretaris Kecamatan Tembalang",
                    false,
                    "33.74.10",
                ),
                pns(
                    "dr. Rina Marlina",
                    "198409152010012015",
                    "pemkot-semarang",
                    "fungsional",
                    "Dokter Ahli Madya, Kepala Puskesmas Rowosari",
                    false,
                    "33.74.10",
                ),
            ],
            invites: vec![
                inv(Subject(0), Yes("Terlapor mengakui hadir dan naik ke panggung.")),
                inv2(Subject(1), Yes("Terlapor hadir pada undangan kedua; mengakui hadir karena diajak atasan.")),
                inv(
                    Witness("Slamet Riyadi, Pengawas Kelurahan Rowosari"),
                    Yes("Saksi menerangkan kedua terlapor mengenakan kaus pasangan calon."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Kedua terlapor terbukti menghadiri dan mendukung kampanye (SKB 2022 D-4). Diteruskan ke BKN; PPK adalah petahana yang menjadi pasangan calon.",
                    vec![
                        Some(Tp::Recommend(
                            rec("disiplin", "berat", "pp94.berat.pembebasan_jabatan_12m", &["D-4"]),
                            Ppk::Blocked,
                        )),
                        Some(Tp::Recommend(
                            rec("disiplin", "sedang", "pp94.sedang.tukin25_6m", &["D-4"]),
                            Ppk::Overdue,
                        )),
                    ],
                ),
            ),
        },
        Spec {
            key: "K03-makassar-lurah-grup-tim-pemenangan",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Nurhaedah",
                address: "Jl. A.P. Pettarani Lr. 3 No. 9, Panakkukang, Kota Makassar",
                nik: None,
                phone: None,
            },
            region: "73.71.09",
            occurred: "2024-11-22 20:00",
            known: "2024-11-23 08:00",
            received: "2024-11-25 09:00",
            text: "Lurah Karampuang menjadi anggota dan aktif mengunggah materi kampanye di grup WhatsApp \"Tim Pemenangan ABM Panakkukang\", termasuk ajakan mencoblos pasangan calon gubernur nomor urut 1.",
            codes: &["D-6", "D-2"],
            candidate: Some("sls-1"),
            medium: Medium::Social { platform: "whatsapp", url: None },
            subjects: vec![pns(
                "Muh. Syahrir Daeng Tata, S.STP.",
                "198701052008011002",
                "pemkot-makassar",
                "pengawas",
                "Lurah Karampuang",
                true,
                "73.71.09",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor, anggota grup, menyerahkan ekspor percakapan grup.")),
                inv(Subject(0), Yes("Terlapor mengakui menjadi anggota grup.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 D-6, D-2). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "sedang", "pp94.sedang.tukin25_9m", &["D-6", "D-2"]),
                        Ppk::NotDelivered,
                    ))],
                ),
            ),
        },
        Spec {
            key: "K04-sulsel-kadisdik-mobilisasi-kepsek",
            election: PILKADA,
            intake: Intake::Temuan { office: "73" },
            region: "73.71.04",
            occurred: "2024-11-19 09:00",
            known: "2024-11-20 14:00",
            received: "2024-11-22 10:00",
            text: "Kepala Dinas Pendidikan Provinsi Sulawesi Selatan mengumpulkan kepala SMA/SMK negeri se-Kota Makassar di sebuah hotel dan mengarahkan dukungan kepada pasangan calon gubernur nomor urut 2, termasuk pendataan guru pendukung.",
            codes: &["D-8", "D-11"],
            candidate: Some("sls-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Dr. H. Muhammad Ansar, M.Pd.",
                "197003181996031004",
                "pemprov-sulsel",
                "jpt_pratama",
                "Kepala Dinas Pendidikan Provinsi Sulawesi Selatan",
                false,
                "73",
            )],
            invites: vec![
                inv2(Subject(0), No),
                inv(
                    Witness("Andi Nurlia, Kepala SMA Negeri 5 Makassar"),
                    Yes("Saksi membenarkan pertemuan dan arahan dukungan."),
                ),
                inv(
                    Witness("Hamzah Ramli, Kepala SMK Negeri 2 Makassar"),
                    Yes("Saksi menyerahkan formulir pendataan guru pendukung."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terlapor tidak hadir pada dua kali undangan; berdasarkan keterangan saksi dan dokumen, terbukti (SKB 2022 D-8, D-11). Diteruskan ke BKN.",
                    vec![Some(Tp::Pending)],
                ),
            ),
        },
        Spec {
            key: "K05-denpasar-instagram-story",
            election: PILKADA,
            intake: Intake::Info,
            region: "51.71.02",
            occurred: "2024-11-22 21:00",
            known: "2024-12-10 09:00",
            received: "2024-12-10 13:00",
            text: "Seorang ASN Dinas Pariwisata Kota Denpasar mengunggah serangkaian Instagram Story berisi ajakan memilih pasangan calon wali kota nomor urut 1 menjelang masa tenang; tangkapan layar beredar di grup warga.",
            codes: &["D-2"],
            candidate: Some("dps-1"),
            medium: Medium::Social { platform: "instagram", url: None },
            subjects: vec![pns(
                "Ni Kadek Ayu Widiastuti, S.Par.",
                "199312082019032014",
                "pemkot-denpasar",
                "pelaksana",
                "Pengelola Data Kepariwisataan, Dinas Pariwisata",
                false,
                "51.71",
            )],
            invites: vec![],
            plan: Plan::Handle(Pre::Direct, Until::Registered),
        },
        Spec {
            key: "K06-samarinda-sembako-masa-tenang",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Agus Salim",
                address: "Jl. Sultan Sulaiman RT 12, Sambutan, Kota Samarinda",
                nik: None,
                phone: Some("0812-5566-7788"),
            },
            region: "64.72.07",
            occurred: "2024-11-25 10:00",
            known: "2024-12-12 19:00",
            received: "2024-12-13 09:00",
            text: "Pada masa tenang, seorang kepala seksi Kantor Kecamatan Sambutan membagikan paket sembako berstiker pasangan calon wali kota nomor urut 1 kepada warga RT 12; video baru diterima pelapor pada 12 Desember.",
            codes: &["D-8"],
            candidate: Some("smd-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Hairul Anwar, S.Sos.",
                "198206142009011005",
                "pemkot-samarinda",
                "pengawas",
                "Kepala Seksi Kesejahteraan Sosial, Kecamatan Sambutan",
                false,
                "64.72.07",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan video dan dua paket sembako berstiker.")),
                Inv { who: Subject(0), first: No, second: Some(Pending), online: None },
            ],
            plan: Plan::Handle(Pre::Direct, Until::Clarification),
        },
        Spec {
            key: "K07-kota-jayapura-bantuan-semen",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Yance Rumbiak",
                address: "Jl. Raya Abepura–Kotaraja, Abepura, Kota Jayapura",
                nik: None,
                phone: None,
            },
            region: "91.71.03",
            occurred: "2024-11-23 15:00",
            known: "2024-11-24 09:00",
            received: "2024-11-25 10:00",
            text: "Seorang pejabat Dinas PUPR Kota Jayapura hadir di posko pemenangan pasangan calon wali kota nomor urut 1 dan menyerahkan bantuan semen atas nama pasangan calon kepada jemaat gereja.",
            codes: &["D-8", "D-4"],
            candidate: Some("jpr-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Ir. Samuel Yoku, M.T.",
                "197509222003121002",
                "pemkot-jayapura",
                "administrator",
                "Kepala Bidang Cipta Karya, Dinas PUPR",
                false,
                "91.71",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan foto penyerahan bantuan.")),
                inv(
                    Subject(0),
                    Yes("Terlapor menerangkan bantuan berasal dari dana pribadi pasangan calon, bukan anggaran dinas."),
                ),
                Inv {
                    who: Witness("Pdt. Markus Kareth"),
                    first: Yes("Saksi (daring) membenarkan penyerahan bantuan dengan menyebut nama pasangan calon."),
                    second: None,
                    online: Some(
                        "Saksi bertugas di Distrik Waris, Kabupaten Keerom; kendala geografis dan transportasi.",
                    ),
                },
            ],
            plan: Plan::Handle(Pre::Direct, Until::Study),
        },
        Spec {
            key: "K08-kab-jayapura-kendaraan-dinas",
            election: PILKADA,
            intake: Intake::Temuan { office: "91.03" },
            region: "91.03.01",
            occurred: "2024-11-25 10:00",
            known: "2024-11-25 12:00",
            received: "2024-11-26 10:00",
            text: "Pengawas mendapati Kepala Bagian Umum Sekretariat Daerah Kabupaten Jayapura menggunakan kendaraan dinas untuk mengangkut tim pemenangan pasangan calon bupati nomor urut 2 pada masa tenang.",
            codes: &["D-11", "D-8"],
            candidate: Some("jyp-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Daud Pulanda, S.E., M.Si.",
                "197805302006041001",
                "pemkab-jayapura",
                "administrator",
                "Kepala Bagian Umum, Sekretariat Daerah",
                false,
                "91.03",
            )],
            invites: vec![
                inv(Subject(0), Yes("Terlapor menerangkan kendaraan dipinjam tanpa sepengetahuannya.")),
                inv(
                    Witness("Herman Yoku, Pengawas Kelurahan Hinekombe"),
                    Yes("Saksi melihat terlapor mengemudikan kendaraan tersebut."),
                ),
            ],
            plan: Plan::Handle(Pre::Direct, Until::Plenary),
        },
        Spec {
            key: "K09-ambon-amplop-masa-tenang",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Jems Pattinama",
                address: "Jl. Laksdya Leo Wattimena, Passo, Baguala, Kota Ambon",
                nik: None,
                phone: None,
            },
            region: "81.71.03",
            occurred: "2024-11-26 20:00",
            known: "2024-12-17 12:00",
            received: "2024-12-19 10:00",
            text: "Video yang beredar 17 Desember 2024 memperlihatkan seorang ASN Dinas Sosial Kota Ambon membagikan amplop kepada warga Passo pada malam masa tenang sambil menyebut nama pasangan calon wali kota nomor urut 1.",
            codes: &["D-8"],
            candidate: Some("amb-1"),
            medium: Medium::Offline,
            subjects: vec![partial("Ronald Tuhumury", Some("pemkot-ambon"))],
            invites: vec![],
            plan: Plan::Received,
        },
        Spec {
            key: "K10-medan-kurang-lengkap",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Sri Wahyuni",
                address: "Jl. Pelajar Timur Gg. Sepakat No. 4, Medan Denai, Kota Medan",
                nik: None,
                phone: Some("0813-7065-1120"),
            },
            region: "12.71.04",
            occurred: "2024-11-24 19:00",
            known: "2024-12-16 09:00",
            received: "2024-12-18 10:00",
            text: "Pelapor menerima informasi bahwa seorang pegawai kantor kelurahan ikut membagikan kupon pasangan calon wali kota pada awal masa tenang.",
            codes: &[],
            candidate: Some("mdn-1"),
            medium: Medium::Offline,
            subjects: vec![partial("Ismail", None)],
            invites: vec![],
            plan: Plan::Incomplete(&[
                "uraian waktu dan tempat kejadian yang jelas",
                "bukti (foto, video, atau saksi)",
                "nama lengkap dan jabatan terlapor",
            ]),
        },
        Spec {
            key: "K11-bandung-laporan-terlambat",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Rudi Hartono",
                address: "Jl. Tubagus Ismail Dalam No. 17, Coblong, Kota Bandung",
                nik: None,
                phone: None,
            },
            region: "32.73.02",
            occurred: "2024-10-01 10:00",
            known: "2024-10-02 09:00",
            received: "2024-10-21 10:00",
            text: "Lurah Dago hadir dalam deklarasi relawan pasangan calon wali kota nomor urut 3 dan mengenakan rompi relawan.",
            codes: &["D-4"],
            candidate: Some("bdg-3"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Yudi Permana, S.STP.",
                "198805172010101001",
                "pemkot-bandung",
                "pengawas",
                "Lurah Dago",
                true,
                "32.73.02",
            )],
            invites: vec![],
            plan: Plan::LateRefused,
        },
        Spec {
            key: "K12-surabaya-karo-pemprov-dilimpahkan",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Fajar Nugroho",
                address: "Jl. Gubeng Kertajaya V No. 12, Gubeng, Kota Surabaya",
                nik: None,
                phone: None,
            },
            region: "35.78.08",
            occurred: "2024-11-20 10:00",
            known: "2024-12-12 09:00",
            received: "2024-12-16 10:00",
            text: "Kepala Biro Administrasi Pimpinan Sekretariat Daerah Provinsi Jawa Timur menghadiri syukuran relawan pasangan calon gubernur nomor urut 2 di Gubeng dan menyampaikan ajakan memilih.",
            codes: &["D-4"],
            candidate: Some("jtm-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Dr. Heru Tjahjono, M.Si.",
                "197104061997031003",
                "pemprov-jatim",
                "jpt_pratama",
                "Kepala Biro Administrasi Pimpinan, Sekretariat Daerah",
                false,
                "35",
            )],
            invites: vec![],
            plan: Plan::Transferred(
                "35",
                "Terlapor pejabat pimpinan tinggi Pemerintah Provinsi Jawa Timur dan dugaan terkait pemilihan gubernur; penanganan diambil alih Bawaslu Provinsi Jawa Timur.",
            ),
        },
        Spec {
            key: "K13-malang-upt-provinsi-tiktok",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Wahyu Pratama",
                address: "Jl. Panji No. 40, Kepanjen, Kabupaten Malang",
                nik: None,
                phone: None,
            },
            region: "35.07.13",
            occurred: "2024-10-12 19:00",
            known: "2024-10-13 08:00",
            received: "2024-10-14 10:00",
            text: "Akun TikTok yang diduga milik staf UPT Pengelolaan Sumber Daya Air Provinsi Jawa Timur di Kepanjen mengunggah video dukungan kepada pasangan calon gubernur nomor urut 2.",
            codes: &["D-2"],
            candidate: Some("jtm-2"),
            medium: sm("tiktok", "https://www.tiktok.com/@ekowahyu_kpj/video/7424451122334455667"),
            subjects: vec![pns(
                "Eko Wahyudi, A.Md.",
                "198911032014021001",
                "pemprov-jatim",
                "pelaksana",
                "Pengelola Sarana Irigasi, UPT PSDA Malang",
                false,
                "35.07.13",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan rekaman layar video.")),
                inv(Subject(0), Yes("Terlapor membantah memiliki akun TikTok tersebut.")),
            ],
            plan: Plan::Handle(
                Pre::TransferAccepted(
                    "35",
                    "Terlapor ASN Pemerintah Provinsi Jawa Timur; dilimpahkan ke Bawaslu Provinsi Jawa Timur.",
                ),
                Until::Refer(
                    "Terdapat bukti permulaan; kepemilikan akun diverifikasi oleh BKN.",
                    vec![Some(Tp::NotProven(
                        "Hasil verifikasi BKN: akun TikTok bukan milik terlapor; tidak ditemukan bukti keterlibatan terlapor.",
                    ))],
                ),
            ),
        },
        Spec {
            key: "K14-pontianak-facebook-diteruskan",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Siti Aisyah",
                address: "Jl. Gajah Mada No. 88, Pontianak Kota",
                nik: None,
                phone: None,
            },
            region: "61.71.05",
            occurred: "2024-11-21 19:00",
            known: "2024-12-09 08:00",
            received: "2024-12-10 09:00",
            text: "Seorang kepala seksi Dinas Perdagangan Kota Pontianak mengunggah video di Facebook berisi ajakan memilih pasangan calon wali kota nomor urut 1 dan menandai akun resmi pasangan calon.",
            codes: &["D-2"],
            candidate: Some("ptk-1"),
            medium: sm("facebook", "https://www.facebook.com/syarifah.nurulhuda/videos/1122334455667788"),
            subjects: vec![pns(
                "Syarifah Nurul Huda, S.E.",
                "198603092010012009",
                "pemkot-pontianak",
                "pengawas",
                "Kepala Seksi Pengembangan Usaha, Dinas Perdagangan",
                false,
                "61.71",
            )],
            invites: vec![],
            plan: Plan::ForwardDirect(
                "Bukti unggahan lengkap dan terlapor teridentifikasi; tidak ada unsur pidana pemilihan; diteruskan langsung ke BKN.",
                vec![Tp::Pending],
            ),
        },
        Spec {
            key: "K15-palembang-disdukcapil-stiker",
            election: PILKADA,
            intake: Intake::Info,
            region: "16.71.05",
            occurred: "2024-10-07 10:00",
            known: "2024-10-08 09:00",
            received: "2024-10-08 15:00",
            text: "Pegawai Dinas Kependudukan dan Pencatatan Sipil Kota Palembang memakai kaus pasangan calon wali kota nomor urut 2 dan membagikan stiker di loket pelayanan.",
            codes: &["D-1", "D-8"],
            candidate: Some("plg-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Rahmat Hidayat, S.Kom.",
                "199002282015031001",
                "pemkot-palembang",
                "pelaksana",
                "Pengolah Data Kependudukan, Disdukcapil",
                false,
                "16.71.05",
            )],
            invites: vec![],
            plan: Plan::ForwardDirect(
                "Informasi awal disertai foto dan identitas terlapor; diteruskan langsung ke BKN.",
                vec![Tp::Recommend(
                    rec("disiplin", "sedang", "pp94.sedang.tukin25_6m", &["D-1", "D-8"]),
                    Ppk::Sanction,
                )],
            ),
        },
        Spec {
            key: "K16-banyumas-laporan-dicabut",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Tri Wibowo",
                address: "Desa Sokaraja Kulon RT 04/02, Sokaraja, Kabupaten Banyumas",
                nik: None,
                phone: None,
            },
            region: "33.02.19",
            occurred: "2024-10-03 16:00",
            known: "2024-10-03 18:00",
            received: "2024-10-04 10:00",
            text: "Seorang guru SMP negeri di Sokaraja disebut mengajak siswa kelas IX mengikuti kampanye pasangan calon bupati nomor urut 1.",
            codes: &["D-8"],
            candidate: Some("bms-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Sugeng Riyanto, S.Pd.",
                "197705102005011006",
                "pemkab-banyumas",
                "fungsional",
                "Guru Ahli Madya SMP Negeri 1 Sokaraja",
                false,
                "33.02.19",
            )],
            invites: vec![],
            plan: Plan::Withdrawn(
                "Pelapor mencabut laporan sebelum registrasi karena informasi berasal dari pesan berantai yang tidak dapat dipastikan kebenarannya.",
            ),
        },
        Spec {
            key: "K17-mataram-pelapor-tidak-hadir",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "L. Ahmad Hasyim",
                address: "Jl. Majapahit, Sandubaya, Kota Mataram",
                nik: None,
                phone: None,
            },
            region: "52.71.06",
            occurred: "2024-10-10 09:00",
            known: "2024-10-10 12:00",
            received: "2024-10-11 10:00",
            text: "Pelapor menduga seorang ASN Kantor Kecamatan Sandubaya mengarahkan ketua RT untuk mendata pendukung pasangan calon wali kota nomor urut 2.",
            codes: &["D-8"],
            candidate: Some("mtr-2"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Baiq Rahmawati, S.Sos.",
                "198112122008012011",
                "pemkot-mataram",
                "pengawas",
                "Kepala Seksi Pemerintahan, Kecamatan Sandubaya",
                false,
                "52.71.06",
            )],
            invites: vec![
                inv2(Reporter, No),
                inv(
                    Subject(0),
                    Yes("Terlapor membantah dan menerangkan pendataan adalah pemutakhiran data penerima bantuan."),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Stop(
                    "Pelapor tidak hadir pada dua kali undangan klarifikasi dan tidak ada bukti lain yang menguatkan; unsur dugaan pelanggaran tidak terpenuhi.",
                ),
            ),
        },
        Spec {
            key: "K18-tangerang-camat-surat-edaran",
            election: PILKADA,
            intake: Intake::Temuan { office: "36.03" },
            region: "36.03.18",
            occurred: "2024-10-21 09:00",
            known: "2024-10-21 11:00",
            received: "2024-10-22 10:00",
            text: "Camat Cikupa menerbitkan surat edaran kepada kepala desa agar mengerahkan warga menghadiri \"sosialisasi program\" yang ternyata kampanye pasangan calon bupati nomor urut 1.",
            codes: &["D-11", "D-8"],
            candidate: Some("tng-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "H. Jajat Sudrajat, S.IP., M.Si.",
                "197302141993031004",
                "pemkab-tangerang",
                "administrator",
                "Camat Cikupa",
                true,
                "36.03.18",
            )],
            invites: vec![
                inv(Subject(0), Yes("Terlapor mengakui menandatangani surat edaran atas permintaan panitia.")),
                inv(Witness("Ade Supriatna, Kepala Desa Bojong"), Yes("Saksi menyerahkan surat edaran asli.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Gakkumdu(
                    "Tindakan terlapor memenuhi unsur dugaan tindak pidana Pasal 188 jo. Pasal 71 ayat (1) UU 1/2015 sebagaimana diubah UU 10/2016; diteruskan ke Sentra Gakkumdu Kabupaten Tangerang.",
                ),
            ),
        },
        Spec {
            key: "K19-bone-dua-asn-dinkes",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Andi Sitti Rahma",
                address: "Jl. Ahmad Yani, Watampone, Kabupaten Bone",
                nik: None,
                phone: None,
            },
            region: "73.08.21",
            occurred: "2024-11-21 14:00",
            known: "2024-11-21 18:00",
            received: "2024-11-22 10:00",
            text: "Dua pegawai Dinas Kesehatan Kabupaten Bone hadir dalam kampanye dialogis pasangan calon bupati nomor urut 1; salah satunya berorasi dan membagikan stiker.",
            codes: &["D-4"],
            candidate: Some("bon-1"),
            medium: Medium::Offline,
            subjects: vec![
                pns(
                    "Andi Asriadi, S.KM., M.Kes.",
                    "197908172005011007",
                    "pemkab-bone",
                    "administrator",
                    "Kepala Bidang Pencegahan dan Pengendalian Penyakit, Dinas Kesehatan",
                    false,
                    "73.08",
                ),
                Subj {
                    employment: Some("pppk"),
                    class: Some("fungsional"),
                    title: Some("Bidan Terampil, Puskesmas Watampone"),
                    work: Some("73.08.21"),
                    ..partial("Nurhayati, A.Md.Keb.", Some("pemkab-bone"))
                },
            ],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan video orasi.")),
                inv(Subject(0), Yes("Terlapor mengakui berorasi.")),
                inv(Subject(1), Yes("Terlapor menerangkan hadir sebagai petugas kesehatan yang ditugaskan puskesmas.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terlapor I terbukti (SKB 2022 D-4) dan diteruskan ke BKN; terlapor II hadir dalam tugas pelayanan kesehatan, tidak memenuhi unsur.",
                    vec![
                        Some(Tp::Recommend(
                            rec("disiplin", "berat", "pp94.berat.penurunan_jabatan_12m", &["D-4"]),
                            Ppk::Awaiting,
                        )),
                        None,
                    ],
                ),
            ),
        },
        Spec {
            key: "K20-padang-kabid-relawan-eskalasi",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Rahmat Fauzi",
                address: "Jl. Kuranji Raya No. 22, Kuranji, Kota Padang",
                nik: None,
                phone: None,
            },
            region: "13.71.09",
            occurred: "2024-09-28 10:00",
            known: "2024-09-28 15:00",
            received: "2024-09-30 10:00",
            text: "Kepala Bidang Bina Marga Dinas PUPR Kota Padang menjadi pembicara dalam pertemuan relawan pasangan calon gubernur nomor urut 1 dan membagikan alat peraga kampanye.",
            codes: &["D-4", "D-1"],
            candidate: Some("sb-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Ir. Zulfahmi Chaniago, M.T.",
                "197412031999031003",
                "pemkot-padang",
                "administrator",
                "Kepala Bidang Bina Marga, Dinas PUPR",
                false,
                "13.71",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan foto dan undangan pertemuan relawan.")),
                inv(Subject(0), Yes("Terlapor mengakui hadir sebagai pembicara.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 D-4, D-1). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.penurunan_jabatan_12m", &["D-4", "D-1"]),
                        Ppk::BlockedEscalated("kemendagri_reprimand"),
                    ))],
                ),
            ),
        },
        Spec {
            key: "K21-manado-kadinsos-bansos",
            election: PILKADA,
            intake: Intake::Laporan {
                name: "Jeane Mandagi",
                address: "Jl. Sam Ratulangi, Wanea, Kota Manado",
                nik: None,
                phone: None,
            },
            region: "71.71.07",
            occurred: "2024-09-27 19:00",
            known: "2024-09-28 08:00",
            received: "2024-09-30 09:00",
            text: "Kepala Dinas Sosial Kota Manado menggunakan acara penyaluran bantuan sosial untuk memperkenalkan pasangan calon wali kota nomor urut 3 dan membagikan kalender bergambar pasangan calon.",
            codes: &["D-8", "D-11"],
            candidate: Some("mnd-3"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Drs. Jefry Kalangi, M.Si.",
                "196910241994031005",
                "pemkot-manado",
                "jpt_pratama",
                "Kepala Dinas Sosial",
                false,
                "71.71",
            )],
            invites: vec![
                inv(Reporter, Yes("Pelapor menyerahkan kalender dan video acara.")),
                inv2(Subject(0), Yes("Terlapor hadir pada undangan kedua; menyatakan kalender dititipkan pihak lain.")),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti memanfaatkan program pemerintah untuk pasangan calon (SKB 2022 D-8, D-11). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "berat", "pp94.berat.pembebasan_jabatan_12m", &["D-8", "D-11"]),
                        Ppk::Unblocked,
                    ))],
                ),
            ),
        },
        Spec {
            key: "K23-sumut-sekdis-instagram-blokir",
            election: PILKADA,
            intake: Intake::Temuan { office: "12" },
            region: "12.71.17",
            occurred: "2024-10-05 20:00",
            known: "2024-10-06 09:00",
            received: "2024-10-07 10:00",
            text: "Sekretaris Dinas Komunikasi dan Informatika Provinsi Sumatera Utara membagikan ulang konten kampanye pasangan calon gubernur nomor urut 2 melalui akun Instagram pribadi dan grup WhatsApp pegawai.",
            codes: &["D-2", "D-6"],
            candidate: Some("sumut-2"),
            medium: sm("instagram", "https://www.instagram.com/p/DAx1Yb2Nq7c/"),
            subjects: vec![pns(
                "Drs. Parlindungan Siregar, M.Si.",
                "197206111998031002",
                "pemprov-sumut",
                "administrator",
                "Sekretaris Dinas Komunikasi dan Informatika",
                false,
                "12",
            )],
            invites: vec![inv(Subject(0), Yes("Terlapor mengakui membagikan ulang konten."))],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 D-2, D-6). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("disiplin", "sedang", "pp94.sedang.tukin25_12m", &["D-2", "D-6"]),
                        Ppk::BlockedSanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "K24-pontianak-baliho-bakal-calon",
            election: PILKADA,
            intake: Intake::Temuan { office: "61.71" },
            region: "61.71.01",
            occurred: "2024-08-20 16:00",
            known: "2024-08-21 09:00",
            received: "2024-08-22 10:00",
            text: "Seorang pengemudi Dinas Lingkungan Hidup Kota Pontianak memasang baliho bakal calon wali kota di halaman rumah dinas dan memakai kendaraan dinas untuk mengangkut alat peraga.",
            codes: &["KE-1"],
            candidate: Some("ptk-1"),
            medium: Medium::Offline,
            subjects: vec![pns(
                "Ahmad Rizki Pratama",
                "199506222020121001",
                "pemkot-pontianak",
                "pelaksana",
                "Pengemudi, Dinas Lingkungan Hidup",
                false,
                "61.71",
            )],
            invites: vec![inv(Subject(0), Yes("Terlapor mengakui memasang baliho atas perintah kerabat bakal calon."))],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Refer(
                    "Terbukti (SKB 2022 KE-1, bakal calon). Diteruskan ke BKN.",
                    vec![Some(Tp::Recommend(
                        rec("kode_etik", "moral", "pp42.moral.tertutup", &["KE-1"]),
                        Ppk::Sanction,
                    ))],
                ),
            ),
        },
        Spec {
            key: "K25-semarang-like-follow-dihentikan",
            election: PILKADA,
            intake: Intake::Info,
            region: "33.74.11",
            occurred: "2024-10-20 20:00",
            known: "2024-10-21 09:00",
            received: "2024-10-21 14:00",
            text: "Hasil penelusuran media sosial: akun Instagram atas nama seorang pegawai Kecamatan Banyumanik menyukai dan membagikan unggahan akun resmi pasangan calon wali kota nomor urut 1.",
            codes: &["D-6"],
            candidate: Some("smg-1"),
            medium: sm("instagram", "https://www.instagram.com/p/DBbT4kPNzQe/"),
            subjects: vec![Subj {
                class: Some("pelaksana"),
                title: Some("Pengadministrasi Keuangan, Kecamatan Banyumanik"),
                work: Some("33.74.11"),
                ..partial("Yuliana Sari, S.E.", Some("pemkot-semarang"))
            }],
            invites: vec![
                inv(Subject(0), Yes("Terlapor menyatakan tidak memiliki akun Instagram tersebut.")),
                inv(
                    Expert("Dr. Arif Budiman, ahli forensik digital"),
                    Yes(
                        "Ahli menerangkan akun dibuat tiga hari sebelum unggahan dan foto profil diambil dari akun lain.",
                    ),
                ),
            ],
            plan: Plan::Handle(
                Pre::Direct,
                Until::Stop(
                    "Keterangan ahli menunjukkan akun bukan milik terlapor; dugaan pelanggaran tidak terbukti.",
                ),
            ),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Compiling a scenario into timed steps

enum By {
    Authority,
    Ppk,
}

enum Op {
    Submit,
    Case(CaseCommand),
    RefuseLate,
    Decide { summary: String, refer: Vec<bool>, gakkumdu: bool, letter: Option<String> },
    Invite { idx: usize, second: bool, scheduled_at: DateTime<Utc>, delivered_at: DateTime<Utc> },
    Attend { idx: usize, second: bool, att: Att },
    Track { subject: usize, cmd: TrackCommand, by: By },
}

impl Op {
    fn name(&self) -> String {
        match self {
            Op::Submit => "submit".into(),
            Op::Case(c) => format!(
                "case {}",
                serde_json::to_value(c).ok().and_then(|v| v["action"].as_str().map(str::to_owned)).unwrap_or_default()
            ),
            Op::RefuseLate => "refuse registration (late)".into(),
            Op::Decide { .. } => "plenary decision".into(),
            Op::Invite { idx, second, .. } => format!("invitation {} of invitee {idx}", if *second { 2 } else { 1 }),
            Op::Attend { idx, second, .. } => format!("attendance {} of invitee {idx}", if *second { 2 } else { 1 }),
            Op::Track { subject, cmd, .. } => format!(
                "track {subject} {}",
                serde_json::to_value(cmd)
                    .ok()
                    .and_then(|v| v["action"].as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        }
    }
}

struct Step {
    at: DateTime<Utc>,
    op: Op,
}

/// Deterministic letter and decree numbers.
#[derive(Default)]
struct Letters {
    bawaslu: u32,
    authority: u32,
    decree: u32,
    block: u32,
}

impl Letters {
    fn referral(&mut self, office: &str, at: DateTime<Utc>, tz: TimeZoneId) -> String {
        self.bawaslu += 1;
        let d = at.with_timezone(&tz.offset());
        format!("{:03}/PP.01.02/K.{}/{:02}/{}", self.bawaslu + 40, office.replace('.', ""), d.month(), d.year())
    }

    fn recommendation(&mut self, at: DateTime<Utc>, tz: TimeZoneId) -> String {
        self.authority += 1;
        let d = at.with_timezone(&tz.offset());
        match authority_id(d.date_naive()).as_str() {
            "kasn" => format!("B-{}/KASN/{}/{}", 1200 + self.authority * 7, d.month(), d.year()),
            _ => format!("{}/B-PP.02/SD/K/{}", 3400 + self.authority * 5, d.year()),
        }
    }

    fn decree(&mut self, at: DateTime<Utc>, tz: TimeZoneId) -> String {
        self.decree += 1;
        format!("800.1.6.4/{:04}/{}", 210 + self.decree * 3, at.with_timezone(&tz.offset()).year())
    }

    fn block(&mut self, at: DateTime<Utc>, tz: TimeZoneId) -> String {
        self.block += 1;
        let d = at.with_timezone(&tz.offset());
        match authority_id(d.date_naive()).as_str() {
            "kasn" => format!(
                "Surat KASN B-{}/KASN/{}/{} kepada Kepala BKN: permintaan pemblokiran data kepegawaian",
                2100 + self.block,
                d.month(),
                d.year()
            ),
            _ => format!(
                "Pemblokiran data kepegawaian di SIASN, Surat Deputi Wasdal BKN {}/B-PP.02/SD/D/{}",
                5100 + self.block,
                d.year()
            ),
        }
    }
}

impl Letters {
    /// Gives the letters, decrees and references of a step their numbers, in the order they are issued.
    fn fill(&mut self, op: Op, office: &str, at: DateTime<Utc>) -> Op {
        let tz = TimeZoneId::Wib;
        match op {
            Op::Case(CaseCommand::ForwardDirect { reason, letter_number: None }) => {
                Op::Case(CaseCommand::ForwardDirect { reason, letter_number: Some(self.referral(office, at, tz)) })
            }
            Op::Decide { summary, refer, gakkumdu, letter: None } if refer.iter().any(|r| *r) => {
                let letter = Some(self.referral(office, at, tz));
                Op::Decide { summary, refer, gakkumdu, letter }
            }
            Op::Track { subject, cmd, by } => {
                let cmd = match cmd {
                    TrackCommand::IssueRecommendation {
                        category,
                        sanction_level,
                        sanction_option,
                        violation_codes,
                        letter_number: None,
                    } => {
                        let letter_number = Some(self.recommendation(at, tz));
                        TrackCommand::IssueRecommendation {
                            category,
                            sanction_level,
                            sanction_option,
                            violation_codes,
                            letter_number,
                        }
                    }
                    TrackCommand::DeliverToPpk { letter_number: None } => TrackCommand::DeliverToPpk {
                        letter_number: Some(format!(
                            "Penyampaian rekomendasi kepada PPK, {}",
                            self.recommendation(at, tz)
                        )),
                    },
                    TrackCommand::BlockData { reference } if reference.is_empty() => {
                        TrackCommand::BlockData { reference: self.block(at, tz) }
                    }
                    TrackCommand::Escalate { kind, reference: None } => {
                        let reference =
                            Some(format!("Surat {} kepada {}", self.recommendation(at, tz), escalation_to(&kind)));
                        TrackCommand::Escalate { kind, reference }
                    }
                    TrackCommand::RecordSanction { sanction_option, decree_number, decree_date }
                        if decree_number.is_empty() =>
                    {
                        TrackCommand::RecordSanction {
                            sanction_option,
                            decree_number: self.decree(at, tz),
                            decree_date,
                        }
                    }
                    other => other,
                };
                Op::Track { subject, cmd, by }
            }
            other => other,
        }
    }
}

fn authority_id(d: NaiveDate) -> String {
    catalogue::authority_on(d).map_or_else(|| "authority".to_owned(), |a| a.id.clone())
}

/// The office that first handles the scenario's case.
fn first_office(spec: &Spec) -> anyhow::Result<String> {
    Ok(match &spec.intake {
        Intake::Temuan { office } => (*office).to_owned(),
        _ => {
            let r = RegionCode::parse(spec.region).map_err(|e| anyhow!("{e}"))?;
            r.ancestor_at(RegionLevel::Regency).unwrap_or(r).as_str().to_owned()
        }
    })
}

fn compile(spec: &Spec) -> anyhow::Result<Vec<Step>> {
    let office = first_office(spec)?;
    let tz = tz_of(&office);
    let received = local(spec.received, tz_of(spec.region));
    let mut steps = vec![Step { at: received, op: Op::Submit }];
    let mut c = Cursor::new(received, tz);
    match &spec.plan {
        Plan::Received => {}
        Plan::Incomplete(missing) => {
            steps.push(Step { at: c.wd(1, 10, 0), op: Op::Case(mark_incomplete(missing)) });
        }
        Plan::IncompleteExpired(missing) => {
            steps.push(Step { at: c.wd(1, 10, 0), op: Op::Case(mark_incomplete(missing)) });
            let reason = "Pelapor tidak melengkapi syarat formal dan materiel dalam batas waktu setelah pemberitahuan; laporan tidak diregistrasi (Perbawaslu 7/2022).".to_owned();
            steps.push(Step { at: c.wd(3, 10, 0), op: Op::Case(CaseCommand::RefuseRegistration { reason }) });
        }
        Plan::LateRefused => steps.push(Step { at: c.wd(1, 9, 30), op: Op::RefuseLate }),
        Plan::Withdrawn(reason) => {
            steps.push(Step { at: c.wd(1, 13, 0), op: Op::Case(CaseCommand::Withdraw { reason: (*reason).into() }) })
        }
        Plan::Transferred(to, reason) => {
            steps.push(Step {
                at: c.wd(1, 11, 0),
                op: Op::Case(CaseCommand::Transfer { to_region: (*to).into(), reason: (*reason).into() }),
            });
        }
        Plan::ForwardDirect(reason, tps) => {
            let at = c.wd(1, 14, 0);
            steps.push(Step {
                at,
                op: Op::Case(CaseCommand::ForwardDirect { reason: (*reason).into(), letter_number: None }),
            });
            for (i, tp) in tps.iter().enumerate() {
                track_steps(&mut steps, i, tp, Cursor::new(at + Duration::minutes(45 * i as i64), tz), tz)?;
            }
        }
        Plan::Handle(pre, until) => {
            match pre {
                Pre::Direct => {}
                Pre::Completed(missing) => {
                    steps.push(Step { at: c.wd(1, 10, 0), op: Op::Case(mark_incomplete(missing)) });
                    let note = Some("Pelapor melengkapi bukti dan identitas pada hari berikutnya.".to_owned());
                    steps.push(Step { at: c.wd(1, 11, 0), op: Op::Case(CaseCommand::Complete { note }) });
                }
                Pre::TransferAccepted(to, reason) => {
                    steps.push(Step {
                        at: c.wd(1, 11, 0),
                        op: Op::Case(CaseCommand::Transfer { to_region: (*to).into(), reason: (*reason).into() }),
                    });
                    steps.push(Step { at: c.wd(1, 9, 0), op: Op::Case(CaseCommand::AcceptTransfer {}) });
                }
            }
            steps.push(Step { at: c.wd(1, 9, 0), op: Op::Case(CaseCommand::Register {}) });
            if matches!(until, Until::Registered) {
                return finish(spec, steps);
            }
            if spec.invites.is_empty() {
                bail!("a case that goes past registration needs at least one clarification invitee");
            }
            steps.push(Step { at: c.plus(120), op: Op::Case(CaseCommand::StartClarification {}) });
            // First invitations: delivered this afternoon, sessions two working days later.
            let delivered = c.plus(180);
            let mut day = c;
            let first_day = day.wd(2, 9, 0);
            let mut last = delivered;
            let mut no_shows = Vec::new();
            for (i, v) in spec.invites.iter().enumerate() {
                let scheduled = first_day + Duration::minutes(90 * i as i64);
                steps.push(Step {
                    at: delivered + Duration::minutes(i as i64),
                    op: Op::Invite { idx: i, second: false, scheduled_at: scheduled, delivered_at: delivered },
                });
                if !matches!(v.first, Att::Pending) {
                    last = scheduled + Duration::minutes(120);
                    steps.push(Step { at: last, op: Op::Attend { idx: i, second: false, att: v.first } });
                }
                if matches!(v.first, Att::No) && v.second.is_some() {
                    no_shows.push(i);
                }
            }
            // Second invitations after a no-show: delivered the same day, three working days' notice.
            if !no_shows.is_empty() {
                let mut cur = Cursor::new(last, tz);
                let delivered2 = cur.plus(60);
                let second_day = cur.wd(3, 9, 0);
                for (k, &i) in no_shows.iter().enumerate() {
                    let scheduled = second_day + Duration::minutes(90 * k as i64);
                    steps.push(Step {
                        at: delivered2 + Duration::minutes(k as i64),
                        op: Op::Invite { idx: i, second: true, scheduled_at: scheduled, delivered_at: delivered2 },
                    });
                    let att = spec.invites[i].second.expect("checked");
                    if !matches!(att, Att::Pending) {
                        last = last.max(scheduled + Duration::minutes(120));
                        steps.push(Step {
                            at: scheduled + Duration::minutes(120),
                            op: Op::Attend { idx: i, second: true, att },
                        });
                    }
                }
            }
            if matches!(until, Until::Clarification) {
                return finish(spec, steps);
            }
            let mut c = Cursor::new(last, tz);
            steps.push(Step {
                at: c.wd(1, 9, 0),
                op: Op::Case(CaseCommand::FinishClarification { note: Some(clarification_note(spec)) }),
            });
            if matches!(until, Until::Study) {
                return finish(spec, steps);
            }
            let study = "Kajian dugaan pelanggaran (Formulir Model B.10) disusun berdasarkan laporan/temuan, hasil klarifikasi, dan alat bukti; disampaikan ke rapat pleno.";
            steps.push(Step { at: c.wd(1, 14, 0), op: Op::Case(CaseCommand::SubmitStudy { summary: study.into() }) });
            if matches!(until, Until::Plenary) {
                return finish(spec, steps);
            }
            let at = c.wd(1, 10, 0);
            let n = spec.subjects.len();
            match until {
                Until::Stop(s) => steps.push(Step {
                    at,
                    op: Op::Decide { summary: (*s).into(), refer: vec![false; n], gakkumdu: false, letter: None },
                }),
                Until::Gakkumdu(s) => steps.push(Step {
                    at,
                    op: Op::Decide { summary: (*s).into(), refer: vec![false; n], gakkumdu: true, letter: None },
                }),
                Until::Refer(s, outcomes) => {
                    if outcomes.len() != n {
                        bail!("{} outcomes for {n} subjects", outcomes.len());
                    }
                    let refer = outcomes.iter().map(Option::is_some).collect();
                    steps.push(Step {
                        at,
                        op: Op::Decide { summary: (*s).into(), refer, gakkumdu: false, letter: None },
                    });
                    for (i, o) in outcomes.iter().enumerate() {
                        if let Some(tp) = o {
                            track_steps(&mut steps, i, tp, Cursor::new(at + Duration::minutes(45 * i as i64), tz), tz)?;
                        }
                    }
                }
                _ => unreachable!("handled above"),
            }
        }
    }
    finish(spec, steps)
}

fn mark_incomplete(missing: &[&str]) -> CaseCommand {
    CaseCommand::MarkIncomplete { missing: missing.iter().map(|s| (*s).to_owned()).collect() }
}

fn clarification_note(spec: &Spec) -> String {
    let absent = spec.invites.iter().filter(|v| matches!(v.first, Att::No)).count();
    let twice = spec.invites.iter().filter(|v| matches!(v.second, Some(Att::No))).count();
    match (absent, twice) {
        (0, _) => "Seluruh pihak hadir dan memberikan keterangan (Formulir Model B.12).".into(),
        (_, 0) => "Pihak yang tidak hadir pada undangan pertama hadir pada undangan kedua.".into(),
        _ => "Sebagian pihak tidak hadir pada dua kali undangan; kajian dilanjutkan atas bukti yang ada dan ketidakhadiran dicatat.".into(),
    }
}

/// The neutrality authority's and the PPK's steps for one forwarded subject.
fn track_steps(steps: &mut Vec<Step>, subject: usize, tp: &Tp, mut c: Cursor, tz: TimeZoneId) -> anyhow::Result<()> {
    let push = |steps: &mut Vec<Step>, at, cmd, by| steps.push(Step { at, op: Op::Track { subject, cmd, by } });
    let verdict_at = c.wd(4, 10, 0);
    let (rec, ppk) = match *tp {
        Tp::Pending => return Ok(()),
        Tp::Recommend(rec, ppk) => (rec, ppk),
        Tp::Reject(r) | Tp::Cancel(r) | Tp::NotProven(r) | Tp::LeftService(r) => {
            let reason = r.to_owned();
            let cmd = match *tp {
                Tp::Reject(_) => TrackCommand::Reject { reason },
                Tp::Cancel(_) => TrackCommand::Cancel { reason },
                Tp::NotProven(_) => TrackCommand::FindNotProven { reason },
                _ => TrackCommand::RecordLeftService { reason },
            };
            push(steps, verdict_at, cmd, By::Authority);
            return Ok(());
        }
    };
    let issue = TrackCommand::IssueRecommendation {
        category: rec.category.into(),
        sanction_level: rec.level.into(),
        sanction_option: Some(rec.option.into()),
        violation_codes: rec.codes.iter().map(|s| (*s).to_owned()).collect(),
        letter_number: None,
    };
    push(steps, verdict_at, issue, By::Authority);
    if matches!(ppk, Ppk::NotDelivered) {
        return Ok(());
    }
    let delivered = c.wd(1, 9, 0);
    push(steps, delivered, TrackCommand::DeliverToPpk { letter_number: None }, By::Authority);
    let sanction = |c: &mut Cursor, days: u32| {
        let at = c.wd(days, 10, 0);
        let decree_date = c.local_date() - Duration::days(1);
        (
            at,
            TrackCommand::RecordSanction {
                sanction_option: rec.option.into(),
                decree_number: String::new(),
                decree_date,
            },
        )
    };
    match ppk {
        Ppk::NotDelivered | Ppk::Awaiting => return Ok(()),
        Ppk::Sanction => {
            let (at, cmd) = sanction(&mut c, 6);
            push(steps, at, cmd, By::Ppk);
            return Ok(());
        }
        _ => {}
    }
    // The PPK let the follow-up deadline (14 days from the recommendation) pass.
    let mut late = Cursor::new(verdict_at, tz);
    let overdue_at = late.cal(16, 9, 0);
    push(steps, overdue_at, TrackCommand::MarkOverdue {}, By::Authority);
    let mut c = late;
    match ppk {
        Ppk::Overdue => {}
        Ppk::LateSanction => {
            let (at, cmd) = sanction(&mut c, 3);
            push(steps, at, cmd, By::Ppk);
        }
        Ppk::Escalated(kind) => {
            let at = c.wd(5, 10, 0);
            push(steps, at, TrackCommand::Escalate { kind: kind.into(), reference: None }, By::Authority);
        }
        Ppk::Blocked | Ppk::BlockedEscalated(_) | Ppk::BlockedSanction | Ppk::Unblocked => {
            let at = c.wd(5, 10, 0);
            push(steps, at, TrackCommand::BlockData { reference: String::new() }, By::Authority);
            match ppk {
                Ppk::BlockedEscalated(kind) => {
                    let at = c.wd(5, 10, 0);
                    push(steps, at, TrackCommand::Escalate { kind: kind.into(), reference: None }, By::Authority);
                }
                Ppk::BlockedSanction | Ppk::Unblocked => {
                    let (at, cmd) = sanction(&mut c, 7);
                    push(steps, at, cmd, By::Ppk);
                    if matches!(ppk, Ppk::Unblocked) {
                        let at = c.wd(2, 10, 0);
                        push(
                            steps,
                            at,
                            TrackCommand::Unblock {
                                reference: Some(
                                    "Pembukaan blokir setelah PPK menyampaikan salinan keputusan hukuman disiplin"
                                        .into(),
                                ),
                            },
                            By::Authority,
                        );
                    }
                }
                _ => {}
            }
        }
        _ => unreachable!("handled above"),
    }
    Ok(())
}

fn escalation_to(kind: &str) -> &'static str {
    match kind {
        "president_escalation" => "Presiden melalui Menteri Sekretaris Negara: PPK tidak menindaklanjuti rekomendasi",
        "kemendagri_reprimand" => "Menteri Dalam Negeri: permohonan teguran kepada kepala daerah selaku PPK",
        _ => "pihak berwenang",
    }
}

fn finish(spec: &Spec, steps: Vec<Step>) -> anyhow::Result<Vec<Step>> {
    let tz = tz_of(spec.region);
    let (occurred, known) = (local(spec.occurred, tz), local(spec.known, tz));
    if !(occurred <= known && known <= steps[0].at) {
        bail!("times out of order: occurred {occurred}, known {known}, received {}", steps[0].at);
    }
    let mut steps = steps;
    // Invitations, sessions and subjects interleave: replay in time order (stable for equal times).
    steps.sort_by_key(|s| s.at);
    if !matches!(steps[0].op, Op::Submit) {
        bail!("step `{}` at {} comes before the report was received", steps[0].op.name(), steps[0].at);
    }
    let last = steps.last().expect("at least the submission");
    if last.at > demo_end() {
        bail!("step `{}` at {} is after the demo's end {}", last.op.name(), last.at, demo_end());
    }
    Ok(steps)
}

// ---------------------------------------------------------------------------------------------
// Executing steps through the use cases

#[derive(Default)]
struct Run {
    case_id: String,
    version: i64,
    handling: String,
    /// Track id and version per subject (scenario order).
    tracks: Vec<(String, i64)>,
    sessions: HashMap<(usize, bool), String>,
    /// The reporting rule and due instant (for refusing a late report).
    reporting: Option<(String, DateTime<Utc>, bool)>,
}

fn system_actor() -> Actor {
    Actor::system("demo")
}

fn bawaslu_actor(region: &str) -> anyhow::Result<Actor> {
    let code = RegionCode::parse(region).map_err(|e| anyhow!("{e}"))?;
    let name = catalogue::region(&code).map(|r| r.name.clone()).unwrap_or_else(|| region.to_owned());
    let (role, username) = match code.level() {
        RegionLevel::Province => (Role::BawasluProvinsi, format!("bawaslu.prov-{}", slug(&name))),
        _ => (Role::BawasluKabKota, format!("bawaslu.{}", slug(&name))),
    };
    Ok(Actor {
        user_id: format!("demo:{username}"),
        username,
        role,
        scope: Scope { region: Some(code), agency_id: None },
    })
}

fn office_name(region: &str) -> String {
    let name = RegionCode::parse(region).ok().and_then(|c| catalogue::region(&c).map(|r| (r.level, r.name.clone())));
    match name {
        Some((RegionLevel::Province, n)) => format!("Bawaslu Provinsi {n}"),
        Some((_, n)) => format!("Bawaslu {n}"),
        None => "Bawaslu".into(),
    }
}

fn authority_actor(at: DateTime<Utc>) -> Actor {
    let id = authority_id(at.with_timezone(&TimeZoneId::Wib.offset()).date_naive());
    let username = format!("{id}.verifikator");
    Actor { user_id: format!("demo:{username}"), username, role: Role::AuthorityVerifier, scope: Scope::national() }
}

fn ppk_actor(agency_code: &str, agency_id: &str) -> Actor {
    let username = format!("ppk.{agency_code}");
    Actor {
        user_id: format!("demo:{username}"),
        username,
        role: Role::Ppk,
        scope: Scope { region: None, agency_id: Some(agency_id.to_owned()) },
    }
}

fn slug(s: &str) -> String {
    s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

fn act_input(spec: &Spec, refs: &Refs) -> anyhow::Result<ActInput> {
    let (medium, platform, url) = match spec.medium {
        Medium::Offline => ("offline", None, None),
        Medium::Social { platform, url } => ("social_media", Some(platform.to_owned()), url.map(str::to_owned)),
    };
    Ok(ActInput {
        occurred_at: local(spec.occurred, tz_of(spec.region)),
        region_code: spec.region.into(),
        description: spec.text.into(),
        violation_codes: spec.codes.iter().map(|s| (*s).to_owned()).collect(),
        candidate_id: spec
            .candidate
            .map(|k| refs.candidates.get(k).cloned().ok_or_else(|| anyhow!("unknown demo candidate `{k}`")))
            .transpose()?,
        medium: medium.into(),
        platform,
        url,
    })
}

fn subject_inputs(spec: &Spec) -> Vec<SubjectInput> {
    spec.subjects
        .iter()
        .map(|s| SubjectInput {
            name: s.name.into(),
            nip: s.nip.map(str::to_owned),
            agency: s.agency.map(str::to_owned),
            employment_type: s.employment.map(str::to_owned),
            position_class: s.class.map(str::to_owned),
            position_title: s.title.map(str::to_owned),
            territorial_head: s.head,
            work_region: s.work.map(str::to_owned),
        })
        .collect()
}

impl Run {
    fn absorb(&mut self, spec: &Spec, view: &CaseView) -> anyhow::Result<()> {
        self.version = view.case.version;
        if let Some(h) = &view.case.handling_region {
            self.handling.clone_from(h);
        }
        self.tracks = spec
            .subjects
            .iter()
            .map(|s| {
                view.subjects
                    .iter()
                    .find(|t| t.track.civil_servant.name == s.name)
                    .map(|t| (t.track.id.clone(), t.track.version))
                    .ok_or_else(|| anyhow!("no track for subject `{}`", s.name))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(())
    }
}

async fn exec(netra: &Netra, refs: &Refs, spec: &Spec, run: &mut Run, op: Op) -> anyhow::Result<()> {
    let now = netra.now();
    match op {
        Op::Submit => {
            let act = act_input(spec, refs)?;
            let known_at = local(spec.known, tz_of(spec.region));
            let receipt = match &spec.intake {
                Intake::Temuan { office } => {
                    let input =
                        TemuanInput { election: spec.election.into(), known_at, act, subjects: subject_inputs(spec) };
                    netra.create_temuan(&bawaslu_actor(office)?, &input).await?
                }
                intake => {
                    let (kind, reporter) = match intake {
                        Intake::Laporan { name, address, nik, phone } => (
                            "laporan",
                            Some(ReporterInput {
                                name: (*name).into(),
                                address: (*address).into(),
                                nik: nik.map(str::to_owned),
                                phone: phone.map(str::to_owned),
                                email: None,
                            }),
                        ),
                        _ => ("informasi_awal", None),
                    };
                    let input = ReportInput {
                        kind: kind.into(),
                        election: spec.election.into(),
                        reporter,
                        known_at,
                        act,
                        subjects: subject_inputs(spec),
                    };
                    netra.submit_report(&input, None).await?
                }
            };
            let late_expected = matches!(spec.plan, Plan::LateRefused);
            if receipt.late != late_expected {
                bail!(
                    "report late = {} (rule {}, due {}), but the scenario expects late = {late_expected}",
                    receipt.late,
                    receipt.reporting_deadline.rule,
                    receipt.reporting_deadline.due
                );
            }
            run.case_id = receipt.case_id;
            run.reporting = Some((receipt.reporting_deadline.rule, receipt.reporting_deadline.due, receipt.late));
            let view = netra.case_view(&system_actor(), &run.case_id).await?;
            run.absorb(spec, &view)?;
        }
        Op::RefuseLate => {
            let (rule, due, _) = run.reporting.clone().ok_or_else(|| anyhow!("no receipt"))?;
            let citation =
                netra_domain::deadline::find_rule(&rule).map(|(_, r)| r.citation.clone()).unwrap_or_default();
            let tz = tz_of(&run.handling).offset();
            let reason = format!(
                "Laporan disampaikan melewati batas waktu penyampaian laporan ({rule}: {citation}) yang berakhir {}; tidak memenuhi syarat formal sehingga tidak diregistrasi.",
                due.with_timezone(&tz).format("%d-%m-%Y %H:%M")
            );
            let cmd = CaseCommand::RefuseRegistration { reason };
            transition(netra, spec, run, cmd).await?;
        }
        Op::Case(cmd) => transition(netra, spec, run, cmd).await?,
        Op::Decide { summary, refer, gakkumdu, letter } => {
            let subjects = run
                .tracks
                .iter()
                .zip(&refer)
                .map(|((id, _), r)| SubjectDecision {
                    track_id: id.clone(),
                    outcome: if *r { "refer" } else { "stop" }.into(),
                })
                .collect();
            transition(netra, spec, run, CaseCommand::Decide { summary, subjects, gakkumdu, letter_number: letter })
                .await?;
        }
        Op::Invite { idx, second, scheduled_at, delivered_at } => {
            let v = &spec.invites[idx];
            let (name, role, track) = match v.who {
                Who::Reporter => match &spec.intake {
                    Intake::Laporan { name, .. } => ((*name).to_owned(), "reporter", None),
                    _ => bail!("only a laporan has a reporter to invite"),
                },
                Who::Subject(i) => (spec.subjects[i].name.to_owned(), "subject", Some(run.tracks[i].0.clone())),
                Who::Witness(n) => (n.to_owned(), "witness", None),
                Who::Expert(n) => (n.to_owned(), "expert", None),
            };
            let office = office_name(&run.handling);
            let input = ScheduleClarification {
                invitee_name: name,
                invitee_role: role.into(),
                subject_track_id: track,
                scheduled_at,
                delivered_at,
                delivery_channel: if v.online.is_some() {
                    "surat elektronik dan WhatsApp"
                } else if second {
                    "diantar langsung (undangan kedua)"
                } else {
                    "diantar langsung"
                }
                .into(),
                mode: if v.online.is_some() { "online" } else { "in_person" }.into(),
                online_reason: v.online.map(str::to_owned),
                place: if v.online.is_some() {
                    format!("Rapat daring {office} (Zoom)")
                } else {
                    format!("Kantor {office}")
                },
            };
            let s = netra.schedule_clarification(&bawaslu_actor(&run.handling)?, &run.case_id, &input).await?;
            run.sessions.insert((idx, second), s.id);
        }
        Op::Attend { idx, second, att } => {
            let session = run.sessions.get(&(idx, second)).cloned().ok_or_else(|| anyhow!("session not scheduled"))?;
            let input = match att {
                Att::Yes(minutes) => RecordAttendance { attended: true, minutes: Some(minutes.to_owned()) },
                _ => RecordAttendance { attended: false, minutes: None },
            };
            netra.record_attendance(&bawaslu_actor(&run.handling)?, &run.case_id, &session, &input).await?;
        }
        Op::Track { subject, cmd, by } => {
            let actor = match by {
                By::Authority => authority_actor(now),
                By::Ppk => {
                    let code = spec.subjects[subject]
                        .agency
                        .ok_or_else(|| anyhow!("a PPK acts only on a subject with an agency"))?;
                    ppk_actor(code, refs.agencies.get(code).ok_or_else(|| anyhow!("unknown agency `{code}`"))?)
                }
            };
            let (track_id, version) = run.tracks[subject].clone();
            let view = netra
                .transition_track(
                    &actor,
                    &track_id,
                    &TrackTransitionRequest { expected_version: version, command: cmd },
                )
                .await?;
            // A PPK sees only its own agency's subjects: refresh through the system actor.
            let view = if matches!(by, By::Ppk) { netra.case_view(&system_actor(), &run.case_id).await? } else { view };
            run.absorb(spec, &view)?;
        }
    }
    Ok(())
}

async fn transition(netra: &Netra, spec: &Spec, run: &mut Run, command: CaseCommand) -> anyhow::Result<()> {
    let actor = bawaslu_actor(&run.handling)?;
    let req = CaseTransitionRequest { expected_version: run.version, command };
    let view = netra.transition_case(&actor, &run.case_id, &req).await?;
    run.absorb(spec, &view)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use netra_domain::workflow::{CaseState, TrackState};
    use netra_store::audit::{self, Verification};
    use sqlx::Row;

    use super::*;

    #[test]
    fn every_scenario_compiles_within_the_demo_period() {
        for s in scenarios() {
            compile(&s).unwrap_or_else(|e| panic!("{}: {e:#}", s.key));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_covers_every_state_and_loads_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open_sqlite_dir(dir.path()).await.expect("open");
        db.migrate().await.expect("migrate");
        let key = [7_u8; 32];

        let first = load(&db, key).await.expect("demo loads");
        assert!(first.loaded);
        assert_eq!(first.elections, 2);
        assert!((40..=60).contains(&first.cases), "{} cases", first.cases);
        let states: BTreeSet<&str> = first.states.iter().map(|(s, _)| s.as_str()).collect();
        for s in CaseState::ALL {
            assert!(states.contains(s.as_str()), "no case in state {s}: {:?}", first.states);
        }
        let tracks: BTreeSet<&str> = first.track_states.iter().map(|(s, _)| s.as_str()).collect();
        for s in TrackState::ALL {
            assert!(tracks.contains(s.as_str()), "no track in state {s}: {:?}", first.track_states);
        }
        // A sanction recorded while the data block is still in force, and one without any block.
        let blocked_sanctioned: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM subject_tracks WHERE state = 'sanctioned' AND data_blocked = TRUE")
            .fetch_one(&db.pool)
            .await
            .expect("query")
            .try_get("n")
            .expect("n");
        assert!(blocked_sanctioned >= 1);
        let provinces: Vec<String> = sqlx::query("SELECT DISTINCT substr(handling_region, 1, 2) AS p FROM cases")
            .fetch_all(&db.pool)
            .await
            .expect("query")
            .iter()
            .map(|r| r.try_get("p").expect("p"))
            .collect();
        assert!(provinces.len() >= 10, "provinces: {provinces:?}");
        let zones: BTreeSet<&str> = provinces.iter().map(|p| tz_of(p).as_str()).collect();
        assert_eq!(zones.len(), 3, "WIB, WITA and WIT");
        let late: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM intakes WHERE late = TRUE")
            .fetch_one(&db.pool)
            .await
            .expect("query")
            .try_get("n")
            .expect("n");
        assert!(late >= 1);
        assert!(matches!(audit::verify(&db).await.expect("verify"), Verification::Intact { .. }));

        let second = load(&db, key).await.expect("second load is a no-op");
        assert!(!second.loaded);
        assert_eq!(second.states, first.states);
        assert_eq!(second.track_states, first.track_states);
        assert_eq!(second.cases, first.cases);
        assert_eq!(second.elections, first.elections);
    }

    #[tokio::test]
    async fn a_partial_load_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open_sqlite_dir(dir.path()).await.expect("open");
        db.migrate().await.expect("migrate");
        netra_store::reference::ensure_loaded(&db, Utc::now()).await.expect("reference");
        insert_reference(&db).await.expect("reference rows");
        let err = load(&db, [1; 32]).await.expect_err("partial load must be refused");
        assert!(format!("{err:#}").contains("partial demo load"), "{err:#}");
    }
}
