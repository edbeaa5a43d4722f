//! The shipped reference data: every file parses, counts match the sources, and the lookups the rules
//! depend on (time zones, categories, authority by date) give the documented answers.

use std::collections::HashSet;
use std::time::Instant;

use chrono::NaiveDate;
use netra_domain::catalogue::{
    AuthorityStatus, Catalogue, CatalogueVersions, EmploymentType, PositionClass, RegionIndex, SanctionLevel,
    ViolationCategory, ViolationForm, authorities, authority, authority_on, catalogue_versions, employment_types,
    position_classes, province_time_zone, regions, sanction_option, sanction_options_for, sanctions, violation,
    violations,
};
use netra_domain::ids::RegionCode;
use netra_domain::region::{RegionLevel, TimeZoneId};

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("valid region code")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

#[test]
fn region_counts_match_kemendagri_2025() {
    let index = regions();
    assert_eq!(index.provinces().len(), 38);
    assert_eq!(index.regencies().len(), 514);
    assert_eq!(index.districts().len(), 7_285);
    assert_eq!(index.len(), 38 + 514 + 7_285);
    assert_eq!(index.version(), "idn-area-data-4.0.1");

    let kota = index.regencies().iter().filter(|r| r.code.is_kota()).count();
    assert_eq!((index.regencies().len() - kota, kota), (416, 98));
    for r in index.regencies() {
        let prefix = if r.code.is_kota() { "Kota " } else { "Kabupaten " };
        assert!(r.name.starts_with(prefix), "{} {}", r.code, r.name);
    }
}

#[test]
fn every_region_has_its_parent_and_its_province_zone() {
    let index = regions();
    for r in index.iter() {
        assert_eq!(r.level, r.code.level());
        assert_eq!(index.get(&r.code), Some(r));
        match &r.parent {
            None => assert_eq!(r.level, RegionLevel::Province),
            Some(p) => {
                let parent = index.get(p).unwrap_or_else(|| panic!("parent of {} missing", r.code));
                assert!(index.children(p).contains(r), "{} not among children of {p}", r.code);
                assert_eq!(r.time_zone, parent.time_zone);
            }
        }
        assert_eq!(Some(r.time_zone), province_time_zone(r.code.province()));
    }
    let child_total: usize = index.provinces().iter().map(|p| index.children(&p.code).len()).sum();
    assert_eq!(child_total, 514);
}

#[test]
fn lookups_and_children() {
    let index = regions();
    let salatiga = index.get(&code("33.73")).expect("Kota Salatiga");
    assert_eq!(salatiga.name, "Kota Salatiga");
    assert_eq!(salatiga.parent, Some(code("33")));
    assert_eq!(index.get(&code("33.73.04")).map(|r| r.name.as_str()), Some("Sidomukti"));
    // Quoted name in the v4 CSV.
    assert_eq!(index.get(&code("35.29.22")).map(|r| r.name.as_str()), Some("Ra\"as"));
    assert_eq!(index.children(&code("31")).len(), 6, "DKI: 1 kabupaten + 5 kota administrasi");
    assert!(index.children(&code("33.73.04")).is_empty(), "villages are not shipped");
    assert!(index.get(&code("33.73.04.1001")).is_none());
    assert!(index.get(&code("39")).is_none());
    assert!(index.children(&code("39")).is_empty());
}

#[test]
fn province_time_zones() {
    assert_eq!(province_time_zone("31"), Some(TimeZoneId::Wib));
    assert_eq!(province_time_zone("73"), Some(TimeZoneId::Wita));
    assert_eq!(province_time_zone("94"), Some(TimeZoneId::Wit));
    assert_eq!(province_time_zone("21"), Some(TimeZoneId::Wib));
    assert_eq!(province_time_zone("62"), Some(TimeZoneId::Wib));
    assert_eq!(province_time_zone("63"), Some(TimeZoneId::Wita));
    assert_eq!(province_time_zone("82"), Some(TimeZoneId::Wit));
    for unknown in ["20", "37", "99", "00", "", "xx", "1"] {
        assert_eq!(province_time_zone(unknown), None, "{unknown:?}");
    }
    for p in regions().provinces() {
        assert!(province_time_zone(p.code.as_str()).is_some(), "{} has no zone", p.code);
    }
    assert_eq!(TimeZoneId::for_region(&code("94.01")), Some(TimeZoneId::Wit));
}

const PROVINCES: &str = include_str!("../../../../data/regions/provinces.csv");
const REGENCIES: &str = include_str!("../../../../data/regions/regencies.csv");
const DISTRICTS: &str = include_str!("../../../../data/regions/districts.csv");
const ZONES: &str = include_str!("../../../../data/regions/province-timezones.csv");

#[test]
fn regions_parse_quickly() {
    // The index is built at every start. Budget: 50 ms in release; debug builds get slack.
    let start = Instant::now();
    let index = RegionIndex::from_csv("idn-area-data-4.0.1", PROVINCES, REGENCIES, DISTRICTS, ZONES)
        .expect("shipped CSVs parse");
    let elapsed = start.elapsed();
    assert_eq!(index.len(), regions().len());
    let budget_ms = if cfg!(debug_assertions) { 1_000 } else { 50 };
    assert!(elapsed.as_millis() < budget_ms, "parsing {} regions took {elapsed:?}", index.len());
}

#[test]
fn inconsistent_region_data_is_refused() {
    let orphan = format!("{DISTRICTS}99.99.01,99.99,Nowhere\n");
    let err = RegionIndex::from_csv("test", PROVINCES, REGENCIES, &orphan, ZONES).expect_err("orphan district");
    assert!(err.to_string().contains("99.99"), "{err}");

    let no_zone = ZONES.replace("94,WIT\n", "");
    let err = RegionIndex::from_csv("test", PROVINCES, REGENCIES, DISTRICTS, &no_zone).expect_err("zone missing");
    assert!(err.to_string().contains("94"), "{err}");

    let wrong_level = format!("{REGENCIES}11.01.01,11,Kabupaten Salah\n");
    assert!(RegionIndex::from_csv("test", PROVINCES, &wrong_level, DISTRICTS, ZONES).is_err());

    let duplicate = format!("{PROVINCES}11,Aceh\n");
    assert!(RegionIndex::from_csv("test", &duplicate, REGENCIES, DISTRICTS, ZONES).is_err());
}

#[test]
fn inconsistent_catalogues_are_refused() {
    let shipped = include_str!("../../../../data/catalogues/violations.json");
    assert!(Catalogue::<ViolationForm>::from_json("violations.json", shipped).is_ok());
    let duplicate = shipped.replace("\"code\": \"D-11\"", "\"code\": \"D-10\"");
    let err = Catalogue::<ViolationForm>::from_json("violations.json", &duplicate).expect_err("duplicate");
    assert!(err.to_string().contains("D-10"), "{err}");
    let miscategorised = shipped.replacen("\"category\": \"disiplin\"", "\"category\": \"kode_etik\"", 1);
    assert!(Catalogue::<ViolationForm>::from_json("violations.json", &miscategorised).is_err());
    let unknown_field = shipped.replacen("\"version\": 1,", "\"version\": 1, \"extra\": 0,", 1);
    assert!(Catalogue::<ViolationForm>::from_json("violations.json", &unknown_field).is_err());
}

#[test]
fn violation_forms_follow_skb_2022() {
    let catalogue = violations();
    assert_eq!((catalogue.id.as_str(), catalogue.version), ("skb-2022", 1));
    let codes: Vec<&str> = catalogue.iter().map(|v| v.code.as_str()).collect();
    let expected: Vec<String> = (1..=7).map(|i| format!("KE-{i}")).chain((1..=11).map(|i| format!("D-{i}"))).collect();
    assert_eq!(codes, expected);
    for v in catalogue.iter() {
        let category =
            if v.code.starts_with("KE-") { ViolationCategory::KodeEtik } else { ViolationCategory::Disiplin };
        assert_eq!(v.category, category, "{}", v.code);
        assert_eq!(v.valid_from, date(2022, 9, 22));
        assert!(!v.plain_id.is_empty() && !v.name_id.is_empty() && !v.name_en.is_empty());
        if v.category == ViolationCategory::KodeEtik {
            assert_eq!(v.sanction_hint, SanctionLevel::Moral, "{}", v.code);
        }
    }
    assert_eq!(violation("D-5").map(|v| v.sanction_hint), Some(SanctionLevel::Ptdh));
    assert_eq!(violation("D-3").map(|v| v.sanction_hint), Some(SanctionLevel::Sedang));
    assert_eq!(violation("D-8").map(|v| v.sanction_hint), Some(SanctionLevel::Sedang));
    assert_eq!(violation("D-1").map(|v| v.sanction_hint), Some(SanctionLevel::Berat));
    assert!(violation("D-12").is_none());
}

#[test]
fn sanction_codes_are_unique_and_cover_the_regimes() {
    let catalogue = sanctions();
    let mut seen = HashSet::new();
    for o in catalogue.iter() {
        assert!(seen.insert(o.code.as_str()), "duplicate sanction code {}", o.code);
        assert!(!o.legal_basis.is_empty(), "{}", o.code);
    }
    let tukin: Vec<u32> = ["6m", "9m", "12m"]
        .iter()
        .map(|m| sanction_option(&format!("pp94.sedang.tukin25_{m}")).and_then(|o| o.duration_months).expect(m))
        .collect();
    assert_eq!(tukin, [6, 9, 12]);

    // What a PPK may impose on a PNS depends on the date: PP 94/2021 replaced PP 53/2010.
    let berat_2020 = sanction_options_for(SanctionLevel::Berat, EmploymentType::Pns, date(2020, 12, 1));
    assert!(!berat_2020.is_empty());
    assert!(berat_2020.iter().all(|o| o.regime == "pp53_2010"));
    let sedang_2024 = sanction_options_for(SanctionLevel::Sedang, EmploymentType::Pns, date(2024, 11, 27));
    let codes: Vec<&str> = sedang_2024.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, ["pp94.sedang.tukin25_6m", "pp94.sedang.tukin25_9m", "pp94.sedang.tukin25_12m"]);
    let moral = sanction_options_for(SanctionLevel::Moral, EmploymentType::Pns, date(2024, 1, 1));
    assert_eq!(moral.len(), 2);
}

#[test]
fn position_classes_and_employment_types() {
    let catalogue = position_classes();
    assert_eq!(catalogue.id, "position-classes");
    let classes: Vec<PositionClass> = catalogue.iter().map(|c| c.class).collect();
    assert_eq!(classes, PositionClass::ALL);
    for c in PositionClass::ALL {
        assert_eq!(PositionClass::parse(c.as_str()), Some(*c));
        let json = serde_json::to_string(c).expect("serialise");
        assert_eq!(json, format!("\"{}\"", c.as_str()));
    }
    assert!(PositionClass::Pengawas.is_managerial());
    assert!(!PositionClass::Fungsional.is_managerial());
    assert_eq!(PositionClass::parse("JPT_Pratama"), Some(PositionClass::JptPratama));
    assert_eq!(PositionClass::parse("camat"), None, "territorial head is a flag, not a class");

    let types: Vec<EmploymentType> = employment_types().iter().map(|e| e.employment_type).collect();
    assert_eq!(types, EmploymentType::ALL);
    assert!(!EmploymentType::Ppnpn.is_asn());
}

#[test]
fn authority_by_date() {
    assert_eq!(authority_on(date(2024, 8, 24)).map(|a| a.id.as_str()), Some("kasn"));
    assert_eq!(authority_on(date(2024, 8, 25)).map(|a| a.id.as_str()), Some("bkn"));
    assert_eq!(authority_on(date(2020, 6, 1)).map(|a| a.id.as_str()), Some("kasn"));
    assert_eq!(authority_on(date(2030, 1, 1)).map(|a| a.id.as_str()), Some("bkn"));
    assert!(authority_on(date(2010, 1, 1)).is_none());

    let bkn = authority("bkn").expect("bkn");
    assert_eq!(bkn.unit_id.as_deref(), Some("Deputi Bidang Pengawasan dan Pengendalian"));
    assert_eq!(bkn.valid_to, None);
    let independent = authority("independent_body").expect("placeholder for MK 121/PUU-XXII/2024");
    assert_eq!(independent.status, AuthorityStatus::Expected);
    assert_eq!((independent.valid_from, independent.valid_to), (None, None));
    assert_eq!(authorities().id, "neutrality-authorities");
}

#[test]
fn catalogue_versions_are_listed_once_each() {
    let versions = catalogue_versions();
    assert!(!versions.is_empty());
    let ids: HashSet<&str> = versions.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), versions.len(), "duplicate catalogue id in {versions:?}");
    for id in ["skb-2022", "sanctions", "position-classes", "neutrality-authorities"] {
        assert!(ids.contains(id), "{id} missing");
    }
    assert!(versions.iter().all(|(_, v)| *v >= 1));

    let current = CatalogueVersions::current();
    assert_eq!(current.regions, "idn-area-data-4.0.1");
    assert_eq!(current.get("skb-2022"), Some(1));
    let json = serde_json::to_string(&current).expect("serialise");
    assert_eq!(serde_json::from_str::<CatalogueVersions>(&json).expect("round trip"), current);
}
