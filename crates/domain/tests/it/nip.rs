//! NIP (and NIK) validation.

use netra_domain::ids::{Gender, IdError, Nik, Nip};

#[test]
fn valid_nip_parses_into_its_parts() {
    let n = Nip::parse("197805122005011003").unwrap();
    assert_eq!(n.birth_date().to_string(), "1978-05-12");
    assert_eq!(n.appointment(), (2005, 1));
    assert_eq!(n.gender(), Gender::Male);
    assert_eq!(Nip::parse("19900228 201503 2 001").unwrap().gender(), Gender::Female);
}

#[test]
fn wrong_length_and_non_digits_are_refused() {
    assert_eq!(Nip::parse("19780512200501100"), Err(IdError::NipLength(17)));
    assert_eq!(Nip::parse("1978051220050110033"), Err(IdError::NipLength(19)));
    assert_eq!(Nip::parse("19780512200501100A"), Err(IdError::NipDigits));
}

#[test]
fn impossible_birth_dates_are_refused() {
    assert!(matches!(Nip::parse("197813122005011003"), Err(IdError::NipBirthDate(_))));
    assert!(matches!(Nip::parse("197902302005011003"), Err(IdError::NipBirthDate(_))));
    assert!(matches!(Nip::parse("180001012005011003"), Err(IdError::NipBirthDate(_))));
    // 29 Feb only in leap years.
    assert!(Nip::parse("198402292008011001").is_ok());
    assert!(matches!(Nip::parse("198302292008011001"), Err(IdError::NipBirthDate(_))));
}

#[test]
fn appointment_before_age_18_is_refused() {
    assert!(matches!(Nip::parse("199005122005011003"), Err(IdError::NipAppointedUnderage { .. })));
    // Turns 18 in May 2008: appointed 2008-05 is fine, 2008-04 is not.
    assert!(Nip::parse("199005122008051003").is_ok());
    assert!(matches!(Nip::parse("199005122008041003"), Err(IdError::NipAppointedUnderage { .. })));
    assert!(matches!(Nip::parse("197805122005131003"), Err(IdError::NipAppointment(_))));
}

#[test]
fn gender_digit_and_sequence_are_checked() {
    assert_eq!(Nip::parse("197805122005013003"), Err(IdError::NipGender('3')));
    assert_eq!(Nip::parse("197805122005010003"), Err(IdError::NipGender('0')));
    assert_eq!(Nip::parse("197805122005011000"), Err(IdError::NipSequence));
}

#[test]
fn nik_is_checked() {
    assert!(Nik::parse("3374051205780001").is_ok());
    // Women: day + 40 (52 = the 12th).
    assert!(Nik::parse("3374055205780001").is_ok());
    assert_eq!(Nik::parse("337405520578000"), Err(IdError::NikLength(15)));
    assert_eq!(Nik::parse("33740552057800x1"), Err(IdError::NikDigits));
    assert!(matches!(Nik::parse("3374053213780001"), Err(IdError::NikBirthDate(_))));
    assert!(matches!(Nik::parse("3374057505780001"), Err(IdError::NikBirthDate(_))));
}
