//! Evidence use cases (`netra_core::evidence`): attach (objects first, then row + audit event), list
//! and open by role and scope, re-hash on every read, `verify_all`, `collect_orphans`. Each test runs
//! on SQLite and PostgreSQL (`netra_testkit::on_all_backends!`); objects go to an in-memory
//! `object_store` (the local folder and S3 are covered in `netra-evidence`'s own tests).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use netra_core::evidence::{EvidenceError, Uploader};
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput};
use netra_core::{CoreError, ManualClock, Netra, Sealer};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_evidence::object_store::memory::InMemory;
use netra_evidence::object_store::path::Path as ObjectPath;
use netra_evidence::object_store::{ObjectStoreExt, PutPayload};
use netra_evidence::{EvidenceKeys, Upload, UploadPolicy, Vault};
use netra_store::Db;
use netra_store::audit::{self, Verification};

type Result = anyhow::Result<()>;

const FILE_NAME: &str = "IMG_20241013_Siti_Rahmawati.jpg";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
}

fn actor(user_id: &str, role: Role, region: Option<&str>) -> Actor {
    Actor {
        user_id: user_id.into(),
        username: user_id.into(),
        role,
        scope: Scope {
            region: region.map(|r| netra_domain::ids::RegionCode::parse(r).expect("region")),
            agency_id: None,
        },
    }
}

fn officer() -> Actor {
    actor("siti-officer", Role::BawasluKabKota, Some("33.74"))
}

fn foreign_officer() -> Actor {
    actor("andi-officer", Role::BawasluKabKota, Some("73.71"))
}

/// Sees the case (in scope, not a forwarded-only role) but is not Bawaslu.
fn custodian() -> Actor {
    actor("rina-custodian", Role::IdentityCustodian, Some("33"))
}

fn corpus(file: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../evidence/tests/corpus").join(file);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn upload(file: &str) -> Upload {
    Upload::from_bytes(&corpus(file), &UploadPolicy::default()).expect("upload")
}

struct Fx {
    netra: Netra,
    vault: Vault,
}

impl Fx {
    async fn new(db: &Db) -> anyhow::Result<Fx> {
        netra_testkit::seed_pilkada_2024(db).await?;
        let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
        let netra = Netra::new(db.clone(), Sealer::new([9; 32]), NumberTemplate::default_template(), clock);
        let vault = Vault::new(Arc::new(InMemory::new()), EvidenceKeys::generate(), UploadPolicy::default());
        Ok(Fx { netra, vault })
    }

    /// A laporan in Kota Semarang: (case id, intake id).
    async fn report(&self) -> anyhow::Result<(String, String)> {
        let input = ReportInput {
            kind: "laporan".into(),
            election: "pilkada-2024".into(),
            reporter: Some(ReporterInput {
                name: "Siti Rahmawati".into(),
                address: "Jl. Pemuda No. 12, Semarang".into(),
                nik: None,
                phone: None,
                email: None,
            }),
            known_at: t("2024-10-14T02:00:00Z"),
            act: ActInput {
                occurred_at: t("2024-10-13T03:00:00Z"),
                region_code: "33.74.01".into(),
                description: "Seorang camat mengunggah foto bersama paslon nomor urut 2 dengan ajakan memilih.".into(),
                violation_codes: vec!["D-2".into()],
                candidate_id: None,
                medium: "social_media".into(),
                platform: Some("facebook".into()),
                url: Some("https://facebook.com/example/posts/1".into()),
            },
            subjects: vec![SubjectInput {
                name: "Budi Santoso".into(),
                nip: Some("197805122005011003".into()),
                agency: Some("pemkot-semarang".into()),
                employment_type: None,
                position_class: None,
                position_title: Some("Camat".into()),
                territorial_head: true,
                work_region: None,
            }],
        };
        let r = self.netra.submit_report(&input, None).await?;
        Ok((r.case_id, r.intake_id))
    }

    async fn count_events(&self, entity_type: &str, id: &str, action: &str) -> anyhow::Result<usize> {
        Ok(audit::for_entity(&self.netra.db, entity_type, id).await?.iter().filter(|e| e.action == action).count())
    }
}

fn not_found(r: &std::result::Result<impl std::fmt::Debug, EvidenceError>) -> bool {
    matches!(r, Err(EvidenceError::Core(CoreError::NotFound)))
}

fn denied(r: &std::result::Result<impl std::fmt::Debug, EvidenceError>) -> bool {
    matches!(r, Err(EvidenceError::Core(CoreError::Denied(_))))
}

async fn attach_writes_objects_then_row_and_audit(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let ev = fx.netra.evidence(&fx.vault);
    let (case_id, intake_id) = fx.report().await?;

    // The reporter, for their own case.
    let v = ev
        .attach_evidence(
            Uploader::Reporter { intake_id: &intake_id },
            &case_id,
            upload("jpeg_full_le.jpg"),
            Some(FILE_NAME),
        )
        .await?;
    assert_eq!((v.kind.as_str(), v.media_type.as_str(), v.cleaning.as_str()), ("image", "image/jpeg", "cleaned"));
    assert!(v.removed.iter().any(|r| r == "gps") && v.removed.iter().any(|r| r == "xmp"));
    assert_eq!(v.sha256, netra_evidence::sha256_hex(&corpus("jpeg_full_le.jpg")));
    assert!(!v.original_available && !v.name.contains("Siti"), "the reporter's view is an outsider's: {v:?}");
    assert_eq!(v.added_by, "reporter");
    // Not for another intake's case, and not for a missing case.
    let other =
        ev.attach_evidence(Uploader::Reporter { intake_id: "nope" }, &case_id, upload("png_rgba_text.png"), None).await;
    assert!(not_found(&other));
    // A video is accepted as a sealed original only.
    let video = ev
        .attach_evidence(
            Uploader::Reporter { intake_id: &intake_id },
            &case_id,
            upload("mp4_gps.mp4"),
            Some("rekaman.mp4"),
        )
        .await?;
    assert_eq!((video.cleaning.as_str(), video.derivative_available), ("not_possible", false));
    assert!(video.cleaning_note.as_deref().is_some_and(|n| n.contains("GPS")));

    // An officer in scope; a foreign officer and a non-Bawaslu role may not.
    let pdf = ev
        .attach_evidence(Uploader::Official(&officer()), &case_id, upload("pdf_info_xmp.pdf"), Some("notulen.pdf"))
        .await?;
    assert_eq!((pdf.added_by.as_str(), pdf.name.as_str()), ("official", "notulen.pdf"));
    assert!(not_found(
        &ev.attach_evidence(Uploader::Official(&foreign_officer()), &case_id, upload("pdf_info_xmp.pdf"), None).await
    ));
    assert!(denied(
        &ev.attach_evidence(Uploader::Official(&custodian()), &case_id, upload("pdf_info_xmp.pdf"), None).await
    ));
    // Refused files: a typed error with its code, nothing stored.
    let bomb =
        ev.attach_evidence(Uploader::Official(&officer()), &case_id, upload("hostile_zip_bomb.docx"), None).await;
    assert_eq!(bomb.as_ref().map_err(EvidenceError::code).unwrap_err(), "evidence-archive-bomb");
    assert_eq!(fx.vault.list().await?.len(), 2 + 1 + 2, "jpeg (2 objects) + mp4 (1) + pdf (2)");

    // Rows: intake id only for the reporter's uploads, added_by the official's user id.
    let rows = netra_store::evidence::for_case(&db.pool, &case_id).await?;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].intake_id.as_deref(), Some(intake_id.as_str()));
    assert_eq!(rows[0].added_by, "reporter");
    assert_eq!(rows[0].display_name.as_deref(), Some(FILE_NAME));
    assert_eq!(rows[2].intake_id, None);
    assert_eq!(rows[2].added_by, "siti-officer");

    // One audit event per attachment, on the case timeline, without the file name.
    let events: Vec<_> = audit::for_entity(&fx.netra.db, "case", &case_id)
        .await?
        .into_iter()
        .filter(|e| e.action == "evidence.attached")
        .collect();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].actor, "public");
    assert_eq!(events[0].payload["sha256"], serde_json::json!(v.sha256));
    assert_eq!(events[0].payload["media_type"], serde_json::json!("image/jpeg"));
    assert_eq!(events[0].payload["evidence_id"], serde_json::json!(v.id));
    for e in &events {
        let text = e.payload.to_string();
        assert!(!text.contains("Siti") && !text.contains(".jpg") && !text.contains("notulen"), "{text}");
    }
    assert!(matches!(audit::verify(&fx.netra.db).await?, Verification::Intact { .. }));
    Ok(())
}
netra_testkit::on_all_backends!(attach_objects_first_then_row_and_audit, attach_writes_objects_then_row_and_audit);

async fn list_and_open_by_role(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let ev = fx.netra.evidence(&fx.vault);
    let (case_id, intake_id) = fx.report().await?;
    let reporter = Uploader::Reporter { intake_id: &intake_id };
    let photo = ev.attach_evidence(reporter, &case_id, upload("jpeg_full_le.jpg"), Some(FILE_NAME)).await?;
    let heic = ev.attach_evidence(reporter, &case_id, upload("heic_iphone.heic"), Some("IMG_0001.HEIC")).await?;

    // The investigating officer: real names, originals available.
    let list = ev.evidence_list(&officer(), &case_id).await?;
    assert_eq!(list.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec![FILE_NAME, "IMG_0001.HEIC"]);
    assert!(list.iter().all(|v| v.original_available));
    let original = ev.open_original(&officer(), &photo.id).await?;
    assert_eq!(original.bytes, corpus("jpeg_full_le.jpg"));
    assert_eq!(original.file_name, FILE_NAME);
    assert_eq!(fx.count_events("evidence", &photo.id, "evidence.original_read").await?, 1);
    let clean = ev.open_derivative(&officer(), &photo.id).await?;
    assert!(!clean.bytes.windows(6).any(|w| w == b"CANARY"));
    assert_eq!(Some(netra_evidence::sha256_hex(&clean.bytes)), photo.derivative_sha256);

    // Another role that can see the case: generated names, cleaned copies only; the refusal of an
    // original is logged.
    let list = ev.evidence_list(&custodian(), &case_id).await?;
    assert!(list.iter().all(|v| v.name.starts_with("bukti-") && !v.original_available), "{list:?}");
    assert!(list[0].name.ends_with(".jpg") && list[1].name.ends_with(".heic"));
    let d = ev.open_derivative(&custodian(), &photo.id).await?;
    assert!(d.file_name.starts_with("bukti-"));
    assert!(denied(&ev.open_original(&custodian(), &photo.id).await));
    assert_eq!(fx.count_events("evidence", &photo.id, "evidence.original_denied").await?, 1);
    // HEIC: no cleaned copy exists, so nothing is readable outside the investigating role.
    let e = ev.open_derivative(&custodian(), &heic.id).await.unwrap_err();
    assert_eq!(e.code(), "evidence-no-derivative");
    assert_eq!(ev.open_original(&officer(), &heic.id).await?.bytes, corpus("heic_iphone.heic"));

    // Outside the scope: exactly like a missing case or evidence.
    assert!(not_found(&ev.evidence_list(&foreign_officer(), &case_id).await));
    assert!(not_found(&ev.open_original(&foreign_officer(), &photo.id).await));
    assert!(not_found(&ev.open_derivative(&foreign_officer(), &photo.id).await));
    assert!(not_found(&ev.open_original(&officer(), "no-such-evidence").await));
    assert_eq!(fx.count_events("evidence", &photo.id, "evidence.original_read").await?, 1);
    // Administrators and auditors never read case content.
    assert!(denied(&ev.evidence_list(&actor("admin", Role::Administrator, None), &case_id).await));
    assert!(denied(&ev.evidence_list(&actor("audit", Role::Auditor, None), &case_id).await));
    Ok(())
}
netra_testkit::on_all_backends!(list_and_open_follow_role_and_scope, list_and_open_by_role);

async fn verify_and_tampering(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let ev = fx.netra.evidence(&fx.vault);
    let (case_id, _) = fx.report().await?;
    let mut ids = Vec::new();
    for f in ["jpeg_full_le.jpg", "png_text_exif_xmp.png", "docx_core_app_custom.docx", "mov_quicktime.mov"] {
        ids.push(ev.attach_evidence(Uploader::Official(&officer()), &case_id, upload(f), Some(f)).await?);
    }
    let report = ev.verify_all().await?;
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.evidence, report.objects), (4, 7));

    let rows = netra_store::evidence::for_case(&db.pool, &case_id).await?;
    let store = fx.vault.store();
    // A changed derivative, an original overwritten with other (validly encrypted) content, a
    // deleted original.
    let dkey = ObjectPath::from(rows[0].derivative_key.clone().expect("derivative").as_str());
    store.put(&dkey, PutPayload::from(b"not the photo".to_vec())).await?;
    let other = fx.vault.keys().encrypt(b"another file")?;
    store.put(&ObjectPath::from(rows[1].original_key.as_str()), PutPayload::from(other)).await?;
    store.delete(&ObjectPath::from(rows[3].original_key.as_str())).await?;

    let report = ev.verify_all().await?;
    let mut found: Vec<_> = report.problems.iter().map(|p| (p.evidence_id.as_str(), p.object, p.problem)).collect();
    found.sort();
    let mut want = vec![
        (ids[0].id.as_str(), "derivative", "changed"),
        (ids[1].id.as_str(), "original", "changed"),
        (ids[3].id.as_str(), "original", "missing"),
    ];
    want.sort();
    assert_eq!(found, want);

    // Reads refuse the same objects, with typed errors, and record the failure.
    assert_eq!(ev.open_derivative(&officer(), &ids[0].id).await.unwrap_err().code(), "evidence-integrity-mismatch");
    assert_eq!(ev.open_original(&officer(), &ids[1].id).await.unwrap_err().code(), "evidence-integrity-mismatch");
    assert_eq!(ev.open_original(&officer(), &ids[3].id).await.unwrap_err().code(), "evidence-object-missing");
    assert_eq!(fx.count_events("evidence", &ids[0].id, "evidence.integrity_failed").await?, 1);
    // A failed read is not a read.
    assert_eq!(fx.count_events("evidence", &ids[1].id, "evidence.original_read").await?, 0);
    // Untouched objects still read.
    assert_eq!(ev.open_original(&officer(), &ids[2].id).await?.bytes, corpus("docx_core_app_custom.docx"));
    Ok(())
}
netra_testkit::on_all_backends!(verify_all_finds_changed_and_missing_objects, verify_and_tampering);

async fn orphans_are_collected(db: &Db) -> Result {
    let fx = Fx::new(db).await?;
    let ev = fx.netra.evidence(&fx.vault);
    let (case_id, _) = fx.report().await?;
    let kept = ev.attach_evidence(Uploader::Official(&officer()), &case_id, upload("jpeg_full_le.jpg"), None).await?;
    // A crash between the objects and the row: objects without a row.
    let orphan = fx.vault.ingest(upload("pdf_info_xmp.pdf"), None).await?;
    assert_eq!(fx.vault.list().await?.len(), 4);

    // Young orphans may be uploads in flight: left alone.
    let r = ev.collect_orphans(Duration::hours(1)).await?;
    assert_eq!((r.scanned, r.too_young, r.deleted.len()), (4, 2, 0));

    let r = ev.collect_orphans(Duration::zero()).await?;
    let mut deleted = r.deleted.clone();
    deleted.sort();
    let mut want = vec![orphan.original_key.clone(), orphan.derivative.expect("derivative").key];
    want.sort();
    assert_eq!(deleted, want);
    assert_eq!(fx.vault.list().await?.len(), 2);
    assert!(ev.verify_all().await?.is_intact());
    assert_eq!(ev.open_original(&officer(), &kept.id).await?.bytes, corpus("jpeg_full_le.jpg"));
    // Nothing left to collect.
    assert!(ev.collect_orphans(Duration::zero()).await?.deleted.is_empty());
    Ok(())
}
netra_testkit::on_all_backends!(orphan_objects_are_collected, orphans_are_collected);
