//! Dates and times as Indonesian official letters write them: `23 November 2026`,
//! `Senin, 23 November 2026`, `pukul 09.30 WIB` (hours and minutes joined by a dot, PUEBI), always
//! in the zone of the region (WIB UTC+7, WITA UTC+8, WIT UTC+9), never the server's.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use netra_domain::region::TimeZoneId;

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// Indonesian month name (`1` → `Januari`).
pub fn month_name(month: u32) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// Indonesian weekday name (`Senin` … `Minggu`; KBBI spelling `Jumat`).
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Senin",
        Weekday::Tue => "Selasa",
        Weekday::Wed => "Rabu",
        Weekday::Thu => "Kamis",
        Weekday::Fri => "Jumat",
        Weekday::Sat => "Sabtu",
        Weekday::Sun => "Minggu",
    }
}

/// `23 November 2026` (no leading zero on the day).
pub fn tanggal(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date.month()), date.year())
}

/// `Senin, 23 November 2026`.
pub fn hari_tanggal(date: NaiveDate) -> String {
    format!("{}, {}", weekday_name(date.weekday()), tanggal(date))
}

/// The calendar date of an instant in a region's zone.
pub fn local_date(at: DateTime<Utc>, tz: TimeZoneId) -> NaiveDate {
    at.with_timezone(&tz.offset()).date_naive()
}

/// `09.30 WIB`: the clock time of an instant in a region's zone, with the zone's name.
pub fn pukul(at: DateTime<Utc>, tz: TimeZoneId) -> String {
    let local = at.with_timezone(&tz.offset());
    format!("{:02}.{:02} {}", local.hour(), local.minute(), tz.as_str())
}

/// `Senin, 23 November 2026 pukul 09.30 WIB`.
pub fn hari_tanggal_pukul(at: DateTime<Utc>, tz: TimeZoneId) -> String {
    format!("{} pukul {}", hari_tanggal(local_date(at, tz)), pukul(at, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_use_indonesian_month_names_without_leading_zero() {
        assert_eq!(tanggal(d(2026, 11, 23)), "23 November 2026");
        assert_eq!(tanggal(d(2024, 1, 5)), "5 Januari 2024");
        assert_eq!(tanggal(d(2024, 2, 29)), "29 Februari 2024");
        assert_eq!(tanggal(d(2024, 8, 17)), "17 Agustus 2024");
        let all: Vec<_> = (1..=12).map(month_name).collect();
        assert_eq!(
            all.join(" "),
            "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
        );
    }

    #[test]
    fn weekdays_are_indonesian() {
        // 23 November 2026 is a Monday; 27 November 2024 (Pilkada voting day) a Wednesday.
        assert_eq!(hari_tanggal(d(2026, 11, 23)), "Senin, 23 November 2026");
        assert_eq!(hari_tanggal(d(2024, 11, 27)), "Rabu, 27 November 2024");
        let week: Vec<_> = (0..7).map(|i| weekday_name(d(2026, 11, 23 + i).weekday())).collect();
        assert_eq!(week, ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]);
    }

    #[test]
    fn times_carry_the_regions_zone_and_a_dot() {
        let t = utc("2026-11-23T02:30:00Z");
        assert_eq!(pukul(t, TimeZoneId::Wib), "09.30 WIB");
        assert_eq!(pukul(t, TimeZoneId::Wita), "10.30 WITA");
        assert_eq!(pukul(t, TimeZoneId::Wit), "11.30 WIT");
        assert_eq!(hari_tanggal_pukul(t, TimeZoneId::Wib), "Senin, 23 November 2026 pukul 09.30 WIB");
    }

    #[test]
    fn the_local_date_can_differ_from_the_utc_date() {
        // 23:30 UTC on Sunday is already Monday morning in every Indonesian zone.
        let t = utc("2026-11-22T23:30:00Z");
        assert_eq!(hari_tanggal(local_date(t, TimeZoneId::Wib)), "Senin, 23 November 2026");
        assert_eq!(pukul(t, TimeZoneId::Wit), "08.30 WIT");
        // 16:59 UTC is 23:59 WIB the same day but 00:59 WITA the next day.
        let t = utc("2026-11-23T16:59:00Z");
        assert_eq!(tanggal(local_date(t, TimeZoneId::Wib)), "23 November 2026");
        assert_eq!(tanggal(local_date(t, TimeZoneId::Wita)), "24 November 2026");
    }
}
