//! Example data for every letter kind: used by tests, and by an administrator's template editor
//! to preview an override before saving it. All names are invented.

use chrono::{DateTime, NaiveDate, Utc};
use netra_domain::model::{InviteeRole, ViolationCategory};
use netra_domain::region::TimeZoneId;

use crate::data::*;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("sample instant").with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("sample date")
}

fn bawaslu() -> Office {
    Office {
        name: "Badan Pengawas Pemilihan Umum Kota Semarang".into(),
        address: Some("Jl. Turi No. 1, Semarang 50136".into()),
        city: "Semarang".into(),
        time_zone: TimeZoneId::Wib,
    }
}

fn ketua() -> Signatory {
    Signatory { name: "Arief Rahman".into(), position: "Ketua Bawaslu Kota Semarang".into(), nip: None }
}

fn subject() -> Person {
    Person {
        name: "Budi Santoso".into(),
        nip: Some("197805122005011003".into()),
        position: Some("Camat Semarang Tengah".into()),
        agency: Some("Pemerintah Kota Semarang".into()),
        address: None,
    }
}

const NUMBER: &str = "001/Reg/LP/PB/Kota/14.74/XI/2024";

fn invitation() -> InvitationData {
    InvitationData {
        office: bawaslu(),
        letter_number: "012/PP.01.02/K.JT-14/XI/2024".into(),
        registration_number: NUMBER.into(),
        issued_on: d("2024-11-18"),
        invitee: Invitee {
            name: "Budi Santoso".into(),
            role: InviteeRole::Subject,
            position: Some("Camat Semarang Tengah".into()),
            address: Some("Kantor Kecamatan Semarang Tengah".into()),
        },
        scheduled_at: t("2024-11-20T02:00:00Z"),
        place: "Kantor Bawaslu Kota Semarang, Jl. Turi No. 1".into(),
        online: None,
        matter: "unggahan foto bersama pasangan calon nomor urut 2 disertai ajakan memilih di Facebook".into(),
        contact: Some("Sekretariat Bawaslu Kota Semarang, (024) 000000".into()),
        previous: None,
        signatory: ketua(),
        copies: vec!["Ketua Bawaslu Provinsi Jawa Tengah".into()],
    }
}

/// Example data of a kind.
pub fn sample(kind: LetterKind) -> LetterData {
    match kind {
        LetterKind::Receipt => LetterData::Receipt(ReceiptData {
            office: bawaslu(),
            registration_number: "001/LP/PB/Kota/14.74/XI/2024".into(),
            received_at: t("2024-11-14T03:15:00Z"),
            channel: "daring (Netra)".into(),
            reporter_name: Some("Siti Rahmawati".into()),
            subjects: vec![subject()],
            incident_summary: "Terlapor mengunggah foto bersama pasangan calon nomor urut 2 dengan ajakan memilih."
                .into(),
            incident_place: Some("Facebook; Kecamatan Semarang Tengah".into()),
            incident_date: Some(d("2024-11-12")),
            known_date: Some(d("2024-11-13")),
            evidence: vec!["Tangkapan layar unggahan (3 lembar)".into(), "Tautan unggahan".into()],
            received_by: Signatory {
                name: "Dewi Lestari".into(),
                position: "Staf Penanganan Pelanggaran".into(),
                nip: None,
            },
        }),
        LetterKind::Invitation => LetterData::Invitation(invitation()),
        LetterKind::SecondInvitation => LetterData::SecondInvitation(InvitationData {
            letter_number: "015/PP.01.02/K.JT-14/XI/2024".into(),
            issued_on: d("2024-11-20"),
            scheduled_at: t("2024-11-21T02:00:00Z"),
            previous: Some(PreviousInvitation {
                letter_number: "012/PP.01.02/K.JT-14/XI/2024".into(),
                issued_on: d("2024-11-18"),
                scheduled_at: t("2024-11-20T02:00:00Z"),
            }),
            ..invitation()
        }),
        LetterKind::ClarificationMinutes => LetterData::ClarificationMinutes(MinutesData {
            office: bawaslu(),
            registration_number: NUMBER.into(),
            held_at: t("2024-11-21T02:10:00Z"),
            ended_at: Some(t("2024-11-21T03:25:00Z")),
            place: "Kantor Bawaslu Kota Semarang".into(),
            online: None,
            invitation_number: Some("015/PP.01.02/K.JT-14/XI/2024".into()),
            clarified: Invitee {
                name: "Budi Santoso".into(),
                role: InviteeRole::Subject,
                position: Some("Camat Semarang Tengah".into()),
                address: None,
            },
            oath_taken: true,
            statements: vec![
                Statement {
                    question: "Apakah Saudara pemilik akun Facebook tersebut?".into(),
                    answer: "Benar, akun tersebut milik saya.".into(),
                },
                Statement {
                    question: "Apa maksud unggahan tanggal 12 November 2024?".into(),
                    answer: "Saya hanya berfoto saat acara warga.\nAjakan memilih ditulis oleh admin halaman.".into(),
                },
            ],
            closing_note: Some("Terlapor menyerahkan salinan surat tugas pada acara tersebut.".into()),
            clarifiers: vec![
                Signatory { name: "Arief Rahman".into(), position: "Ketua Bawaslu Kota Semarang".into(), nip: None },
                Signatory { name: "Nur Hidayah".into(), position: "Anggota Bawaslu Kota Semarang".into(), nip: None },
            ],
        }),
        LetterKind::Forwarding => LetterData::Forwarding(ForwardingData {
            office: bawaslu(),
            letter_number: "031/PP.01.02/K.JT-14/XI/2024".into(),
            registration_number: NUMBER.into(),
            issued_on: d("2024-11-25"),
            classification: "Segera".into(),
            attachments: "1 (satu) berkas".into(),
            addressee: Addressee { title: "Kepala Badan Kepegawaian Negara".into(), place: "Jakarta".into() },
            election_name: "Pemilihan Wali Kota dan Wakil Wali Kota Semarang Tahun 2024".into(),
            plenary_date: d("2024-11-22"),
            subjects: vec![subject()],
            facts: "Terlapor mengunggah foto bersama pasangan calon nomor urut 2 disertai ajakan memilih.\nTerlapor membenarkan kepemilikan akun dalam klarifikasi.".into(),
            legal_basis: vec![
                "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara".into(),
                "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil".into(),
            ],
            enclosures: vec!["Kajian dugaan pelanggaran".into(), "Berita acara klarifikasi".into()],
            signatory: ketua(),
            copies: vec!["Ketua Bawaslu Provinsi Jawa Tengah".into()],
        }),
        LetterKind::Recommendation => LetterData::Recommendation(RecommendationData {
            authority: Office {
                name: "Badan Kepegawaian Negara".into(),
                address: Some("Jl. Mayjen Sutoyo No. 12, Jakarta Timur".into()),
                city: "Jakarta".into(),
                time_zone: TimeZoneId::Wib,
            },
            letter_number: "B-1234/PW.01/XII/2024".into(),
            registration_number: NUMBER.into(),
            issued_on: d("2024-12-02"),
            classification: "Segera".into(),
            attachments: "-".into(),
            addressee: Addressee {
                title: "Wali Kota Semarang selaku Pejabat Pembina Kepegawaian".into(),
                place: "Semarang".into(),
            },
            referral: Some(LetterRef { letter_number: "031/PP.01.02/K.JT-14/XI/2024".into(), date: d("2024-11-25") }),
            findings: vec![Finding {
                subject: subject(),
                violation_codes: vec!["D-2".into()],
                violation: "melakukan promosi/kampanye pasangan calon melalui media sosial".into(),
                category: ViolationCategory::Disiplin,
                sanction: "hukuman disiplin berat sesuai Peraturan Pemerintah Nomor 94 Tahun 2021".into(),
            }],
            follow_up_days: Some(14),
            legal_basis: vec!["Surat Keputusan Bersama Tahun 2022 tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai ASN".into()],
            signatory: Signatory {
                name: "Hendra Wijaya".into(),
                position: "Deputi Bidang Pengawasan dan Pengendalian".into(),
                nip: Some("197001011995031001".into()),
            },
            copies: vec!["Menteri Dalam Negeri".into(), "Ketua Bawaslu Kota Semarang".into()],
        }),
    }
}
