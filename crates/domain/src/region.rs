//! Regions (Kemendagri codes) and the time zone each province keeps.
//!
//! Indonesia has three fixed-offset zones and no daylight saving, so a zone is just an offset.

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

use crate::ids::RegionCode;

/// Indonesian time zones: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimeZoneId {
    Wib,
    Wita,
    Wit,
}

impl TimeZoneId {
    pub fn offset(self) -> FixedOffset {
        let hours = match self {
            TimeZoneId::Wib => 7,
            TimeZoneId::Wita => 8,
            TimeZoneId::Wit => 9,
        };
        FixedOffset::east_opt(hours * 3600).expect("valid offset")
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeZoneId::Wib => "WIB",
            TimeZoneId::Wita => "WITA",
            TimeZoneId::Wit => "WIT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "WIB" => Some(TimeZoneId::Wib),
            "WITA" => Some(TimeZoneId::Wita),
            "WIT" => Some(TimeZoneId::Wit),
            _ => None,
        }
    }

    /// Zone of a province, by its two-digit code (UU/Keppres 41/1987 zoning; the
    /// per-province table is shipped in `data/regions/province-timezones.csv`).
    pub fn for_province(province: &str) -> Option<Self> {
        crate::catalogue::province_time_zone(province)
    }

    /// Zone of any region: the zone of its province.
    pub fn for_region(code: &RegionCode) -> Option<Self> {
        Self::for_province(code.province())
    }
}

/// Administrative level of a region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    Regency,
    District,
    Village,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Regency => "regency",
            RegionLevel::District => "district",
            RegionLevel::Village => "village",
        }
    }
}

/// One region of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<RegionCode>,
    pub time_zone: TimeZoneId,
}
