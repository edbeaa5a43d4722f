//! Validated identifiers: parse, don't validate. Handlers and use cases only ever hold values that
//! passed `parse`, so the rest of the code never re-checks a region code or a NIP.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::region::RegionLevel;

/// Why an identifier was refused. Each variant is specific so the API can say exactly what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("region code `{0}` is not of the form PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD")]
    RegionFormat(String),
    #[error("region code `{code}`: {reason}")]
    RegionSegment { code: String, reason: &'static str },
    #[error("NIP must be 18 digits, got {0} characters")]
    NipLength(usize),
    #[error("NIP must contain digits only")]
    NipDigits,
    #[error("NIP birth date `{0}` is not a real date")]
    NipBirthDate(String),
    #[error("NIP appointment (TMT CPNS) `{0}` is not a real year and month")]
    NipAppointment(String),
    #[error("NIP appointment {appointed} is before the holder turned 18 (born {born})")]
    NipAppointedUnderage { born: NaiveDate, appointed: String },
    #[error("NIP gender digit must be 1 (male) or 2 (female), got {0}")]
    NipGender(char),
    #[error("NIP sequence number must not be 000")]
    NipSequence,
    #[error("NIK must be 16 digits, got {0} characters")]
    NikLength(usize),
    #[error("NIK must contain digits only")]
    NikDigits,
    #[error("NIK birth date part `{0}` is not a real date")]
    NikBirthDate(String),
    #[error("PPPK number must be 18 digits")]
    PppkFormat,
}

/// Kemendagri region code `PP`, `PP.KK`, `PP.KK.CC` or `PP.KK.CC.DDDD`.
/// Kabupaten are 01–69, kota 71–99; desa start with 2 and kelurahan with 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        let parts: Vec<&str> = s.split('.').collect();
        let widths: &[usize] = match parts.len() {
            1 => &[2],
            2 => &[2, 2],
            3 => &[2, 2, 2],
            4 => &[2, 2, 2, 4],
            _ => return Err(IdError::RegionFormat(s.to_owned())),
        };
        for (p, w) in parts.iter().zip(widths) {
            if p.len() != *w || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdError::RegionFormat(s.to_owned()));
            }
        }
        let seg = |reason| IdError::RegionSegment { code: s.to_owned(), reason };
        let province: u32 = parts[0].parse().expect("digits");
        if !(11..=99).contains(&province) {
            return Err(seg("province segment must be 11–99"));
        }
        if let Some(k) = parts.get(1) {
            let k: u32 = k.parse().expect("digits");
            if k == 0 || k == 70 {
                return Err(seg("kabupaten are 01–69 and kota 71–99"));
            }
        }
        if let Some(c) = parts.get(2)
            && *c == "00"
        {
            return Err(seg("kecamatan segment must not be 00"));
        }
        if let Some(d) = parts.get(3)
            && !(d.starts_with('1') || d.starts_with('2'))
        {
            return Err(seg("kelurahan start with 1 and desa with 2"));
        }
        Ok(RegionCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.split('.').count() {
            1 => RegionLevel::Province,
            2 => RegionLevel::Regency,
            3 => RegionLevel::District,
            _ => RegionLevel::Village,
        }
    }

    /// The two-digit province code.
    pub fn province(&self) -> &str {
        &self.0[..2]
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0.rfind('.').map(|i| RegionCode(self.0[..i].to_owned()))
    }

    /// The ancestor (or self) at `level`, if this code is at least that deep.
    pub fn ancestor_at(&self, level: RegionLevel) -> Option<RegionCode> {
        let keep = match level {
            RegionLevel::Province => 1,
            RegionLevel::Regency => 2,
            RegionLevel::District => 3,
            RegionLevel::Village => 4,
        };
        let parts: Vec<&str> = self.0.split('.').collect();
        (parts.len() >= keep).then(|| RegionCode(parts[..keep].join(".")))
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self.0 == other.0 || (self.0.starts_with(&other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'.'))
    }

    /// True for a kota (71–99) at regency level or below.
    pub fn is_kota(&self) -> bool {
        self.0.get(3..5).and_then(|k| k.parse::<u32>().ok()).is_some_and(|k| k >= 71)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Gender encoded in a NIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// NIP of a PNS: `YYYYMMDD` birth date, `YYYYMM` CPNS appointment (TMT), gender digit, 3-digit sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip(String);

impl Nip {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.chars().count() != 18 {
            return Err(IdError::NipLength(s.chars().count()));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::NipDigits);
        }
        let born = NaiveDate::parse_from_str(&s[0..8], "%Y%m%d")
            .ok()
            .filter(|d| d.year() >= 1900)
            .ok_or_else(|| IdError::NipBirthDate(s[0..8].to_owned()))?;
        let ay: i32 = s[8..12].parse().expect("digits");
        let am: u32 = s[12..14].parse().expect("digits");
        let appointed = NaiveDate::from_ymd_opt(ay, am, 1)
            .filter(|_| ay >= 1945)
            .ok_or_else(|| IdError::NipAppointment(s[8..14].to_owned()))?;
        // TMT CPNS counts from the first of the month: the holder must be 18 by the end of that month.
        let eighteenth = born
            .with_year(born.year() + 18)
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(born.year() + 18, 3, 1).expect("valid"));
        let month_end = appointed
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .expect("valid month");
        if month_end < eighteenth {
            return Err(IdError::NipAppointedUnderage { born, appointed: format!("{ay:04}-{am:02}") });
        }
        let g = s.as_bytes()[14] as char;
        if g != '1' && g != '2' {
            return Err(IdError::NipGender(g));
        }
        if &s[15..18] == "000" {
            return Err(IdError::NipSequence);
        }
        Ok(Nip(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[0..8], "%Y%m%d").expect("validated")
    }

    /// Year and month of the CPNS appointment (TMT).
    pub fn appointment(&self) -> (i32, u32) {
        (self.0[8..12].parse().expect("validated"), self.0[12..14].parse().expect("validated"))
    }

    pub fn gender(&self) -> Gender {
        if self.0.as_bytes()[14] == b'1' { Gender::Male } else { Gender::Female }
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// NIK (national identity number): 6-digit kecamatan code, birth date `DDMMYY` (day + 40 for women),
/// 4-digit sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

impl Nik {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.chars().count() != 16 {
            return Err(IdError::NikLength(s.chars().count()));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::NikDigits);
        }
        let mut day: u32 = s[6..8].parse().expect("digits");
        if day > 40 {
            day -= 40;
        }
        let month: u32 = s[8..10].parse().expect("digits");
        let yy: i32 = s[10..12].parse().expect("digits");
        // Two-digit years are ambiguous; any century gives a valid date check for day/month.
        if NaiveDate::from_ymd_opt(2000 + yy, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(1900 + yy, month, day))
            .is_none()
        {
            return Err(IdError::NikBirthDate(s[6..12].to_owned()));
        }
        Ok(Nik(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Employee number of a PPPK (contract ASN): 18 digits, format not otherwise verified [U].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PppkNumber(String);

impl PppkNumber {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() != 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::PppkFormat);
        }
        Ok(PppkNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_parse_and_nest() {
        let v = RegionCode::parse("33.73.04.1001").unwrap();
        assert_eq!(v.level(), RegionLevel::Village);
        assert_eq!(v.province(), "33");
        assert!(v.is_within(&RegionCode::parse("33.73").unwrap()));
        assert!(!v.is_within(&RegionCode::parse("33.7").unwrap_or(RegionCode("33.7".into()))));
        assert!(
            !RegionCode::parse("31.71")
                .unwrap()
                .is_within(&RegionCode::parse("31.7").unwrap_or(RegionCode("31.7".into())))
        );
        assert!(v.is_kota());
        assert_eq!(v.parent().unwrap().as_str(), "33.73.04");
        assert!(RegionCode::parse("33.70").is_err());
        assert!(RegionCode::parse("33.73.04.3001").is_err());
        assert!(RegionCode::parse("3373").is_err());
        assert!(RegionCode::parse("33.7a").is_err());
    }
}
