//! Evidence use cases (security.md, promises 3 and 4; `netra-evidence` does the file work).
//!
//! - [`Evidence::attach_evidence`]: a reporter (for the case of their own report) or a Bawaslu officer in
//!   scope adds a file. The objects (age-encrypted original, cleaned derivative) are written FIRST; then
//!   the row and its audit event in one transaction. A crash in between leaves only orphan objects,
//!   which [`Evidence::collect_orphans`] deletes; never a row without its objects.
//! - [`Evidence::evidence_list`]: the evidence of a case within the actor's scope. Non-Bawaslu roles
//!   (authority, PPK, inspectorate) see a generated file name instead of the reporter's, because a
//!   file name can identify who took the photo.
//! - [`Evidence::open_derivative`]: the cleaned copy, for anyone who may view the case.
//! - [`Evidence::open_original`]: the sealed original, for Bawaslu roles (the investigating role) only;
//!   every read and every refusal to a role that can see the case is one audit event.
//! - [`Evidence::verify_all`] re-hashes every object; [`Evidence::collect_orphans`] removes objects no
//!   row references.
//!
//! Audit payloads carry identifiers, hashes and the media type, never the file name.

use chrono::{DateTime, Duration, Utc};
use netra_domain::ids::RegionCode;
use netra_domain::policy::{self, Action, Actor, Denied};
use netra_evidence::{Cleaning, Ingested, MediaKind, Upload, Vault};
use netra_store::audit::{self, NewEvent};
use netra_store::codec::new_id;
use netra_store::evidence::{self as rows, EvidenceRecord};
use netra_store::{StoreError, cases};
use serde::Serialize;
use serde_json::json;
use thiserror::Error;
use utoipa::ToSchema;

use crate::workflow::target_of;
use crate::{CoreError, Netra};

/// Audit actor for uploads by the public reporter (as for the intake itself).
const PUBLIC_ACTOR: &str = "public";
/// `added_by` of evidence the reporter uploaded.
pub const ADDED_BY_REPORTER: &str = "reporter";

/// Why an evidence use case refused.
#[derive(Debug, Error)]
pub enum EvidenceError {
    /// Not found (also out of scope), a role that may not do this, storage failures.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The file was refused, or an object is missing, altered or unreadable (see its `code()`).
    #[error(transparent)]
    File(#[from] netra_evidence::Error),
    /// The format could not be cleaned, so only the sealed original exists.
    #[error(
        "this evidence has no cleaned copy ({reason}); only the investigating officers can open the sealed original"
    )]
    NoDerivative { reason: String },
}

impl EvidenceError {
    /// Stable machine code (problem+json `code`); `core` means: map the inner [`CoreError`].
    pub fn code(&self) -> &'static str {
        match self {
            EvidenceError::Core(_) => "core",
            EvidenceError::File(e) => e.code(),
            EvidenceError::NoDerivative { .. } => "evidence-no-derivative",
        }
    }
}

impl From<StoreError> for EvidenceError {
    fn from(e: StoreError) -> Self {
        EvidenceError::Core(e.into())
    }
}

impl From<Denied> for EvidenceError {
    fn from(d: Denied) -> Self {
        EvidenceError::Core(d.into())
    }
}

/// Who uploads.
#[derive(Debug, Clone, Copy)]
pub enum Uploader<'a> {
    /// The public reporter, for the case opened from their intake. The caller has established that
    /// the request comes from that reporter (same submission, or a verified receipt code).
    Reporter { intake_id: &'a str },
    /// A Bawaslu officer whose scope covers the case.
    Official(&'a Actor),
}

/// One piece of evidence as a viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct EvidenceView {
    pub id: String,
    pub case_id: String,
    /// `image`, `video` or `document`.
    pub kind: String,
    /// For Bawaslu officers the sanitised name of the uploaded file; for other roles a generated name
    /// (`bukti-<id>.<ext>`), because a file name can identify the reporter.
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 (hex) of the file as uploaded.
    pub sha256: String,
    /// `cleaned` (a copy without metadata exists) or `not_possible` (sealed original only).
    pub cleaning: String,
    /// What cleaning removed (`exif`, `gps`, `xmp`, `core_properties`, …).
    pub removed: Vec<String>,
    /// Why the file could not be cleaned.
    pub cleaning_note: Option<String>,
    /// A cleaned copy can be downloaded.
    pub derivative_available: bool,
    /// SHA-256 of the cleaned copy.
    pub derivative_sha256: Option<String>,
    /// The viewing actor may open the sealed original.
    pub original_available: bool,
    /// `reporter` or `official`.
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// File bytes handed to the caller after re-hashing.
#[derive(Clone)]
pub struct EvidenceFile {
    pub evidence_id: String,
    /// Download name (generated for roles that do not see the original name).
    pub file_name: String,
    pub media_type: String,
    /// SHA-256 the bytes were checked against.
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for EvidenceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceFile")
            .field("evidence_id", &self.evidence_id)
            .field("media_type", &self.media_type)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// One object that failed verification.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyProblem {
    pub evidence_id: String,
    pub case_id: String,
    /// `original` or `derivative`.
    pub object: &'static str,
    pub key: String,
    /// `missing`, `changed`, `undecryptable` or `unavailable` (the store could not be read).
    pub problem: &'static str,
    pub detail: String,
}

/// Outcome of [`Evidence::verify_all`].
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    /// Evidence rows checked.
    pub evidence: u64,
    /// Objects re-hashed (originals and derivatives).
    pub objects: u64,
    pub problems: Vec<VerifyProblem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Outcome of [`Evidence::collect_orphans`].
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct OrphanReport {
    /// Objects listed in the store.
    pub scanned: u64,
    /// Unreferenced objects left alone because they are younger than the cut-off (uploads in flight).
    pub too_young: u64,
    /// Keys of the objects deleted.
    pub deleted: Vec<String>,
}

/// Evidence use cases; get one with [`Netra::evidence`].
#[derive(Clone, Copy)]
pub struct Evidence<'a> {
    netra: &'a Netra,
    vault: &'a Vault,
}

impl Netra {
    /// The evidence of a case as its reporter sees it (after [`Netra::open_receipt`]): generated
    /// names, cleaned copies only. Needs no vault: it only lists.
    pub(crate) async fn reporter_evidence(&self, case_id: &str) -> Result<Vec<EvidenceView>, CoreError> {
        let list = rows::for_case(&self.db.pool, case_id).await?;
        Ok(list.iter().map(|r| view(r, Sight::REPORTER)).collect())
    }

    /// Evidence use cases over `vault` (the object store and the evidence key).
    pub fn evidence<'a>(&'a self, vault: &'a Vault) -> Evidence<'a> {
        Evidence { netra: self, vault }
    }
}

fn may_open_original(actor: &Actor) -> bool {
    actor.role.is_bawaslu()
}

/// What a viewer is shown: the uploaded file names (Bawaslu) and whether originals open for them.
#[derive(Clone, Copy)]
struct Sight {
    names: bool,
    originals: bool,
}

impl Sight {
    fn of(actor: &Actor) -> Sight {
        Sight { names: actor.role.is_bawaslu(), originals: may_open_original(actor) }
    }

    /// The public reporter sees their own upload like an outsider: no original, generated names.
    const REPORTER: Sight = Sight { names: false, originals: false };
}

fn generated_name(r: &EvidenceRecord) -> String {
    let ext = MediaKind::from_media_type(&r.media_type).map_or("bin", MediaKind::extension);
    let short: String =
        r.id.chars().filter(|c| *c != '-').rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
    format!("bukti-{short}.{ext}")
}

fn shown_name(r: &EvidenceRecord, sight: Sight) -> String {
    match (&r.display_name, sight.names) {
        (Some(n), true) => n.clone(),
        _ => generated_name(r),
    }
}

fn view(r: &EvidenceRecord, sight: Sight) -> EvidenceView {
    let detail: serde_json::Value = serde_json::from_str(&r.cleaning_detail).unwrap_or_default();
    let removed = detail["removed"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    EvidenceView {
        id: r.id.clone(),
        case_id: r.case_id.clone(),
        kind: r.kind.clone(),
        name: shown_name(r, sight),
        media_type: r.media_type.clone(),
        size_bytes: r.size_bytes,
        sha256: r.sha256.clone(),
        cleaning: r.cleaning.clone(),
        removed,
        cleaning_note: detail["reason"].as_str().map(str::to_owned),
        derivative_available: r.derivative_key.is_some(),
        derivative_sha256: r.derivative_sha256.clone(),
        original_available: sight.originals,
        added_by: if r.added_by == ADDED_BY_REPORTER { "reporter".into() } else { "official".into() },
        added_at: r.added_at,
    }
}

fn record(ing: &Ingested, case_id: &str, intake_id: Option<&str>, added_by: &str, at: DateTime<Utc>) -> EvidenceRecord {
    let detail = match &ing.cleaning {
        Cleaning::Cleaned { removed } => json!({ "removed": removed.labels() }),
        Cleaning::NotPossible { reason } => json!({ "reason": reason }),
    };
    EvidenceRecord {
        id: new_id(),
        case_id: case_id.to_owned(),
        intake_id: intake_id.map(str::to_owned),
        kind: ing.kind.category().as_str().to_owned(),
        display_name: ing.display_name.clone(),
        media_type: ing.kind.media_type().to_owned(),
        size_bytes: ing.size as i64,
        sha256: ing.sha256.clone(),
        original_key: ing.original_key.clone(),
        key_id: ing.key_id.clone(),
        derivative_key: ing.derivative.as_ref().map(|d| d.key.clone()),
        derivative_sha256: ing.derivative.as_ref().map(|d| d.sha256.clone()),
        derivative_size: ing.derivative.as_ref().map(|d| d.size as i64),
        cleaning: ing.cleaning.status().to_owned(),
        cleaning_detail: detail.to_string(),
        added_by: added_by.to_owned(),
        added_at: at,
    }
}

impl Evidence<'_> {
    /// Checks that `actor` may view `case_id` (scope and role); out of scope is `NotFound`.
    async fn case_for_viewer(&self, actor: &Actor, case_id: &str) -> Result<(), EvidenceError> {
        let db = &self.netra.db;
        let c = cases::case_in_scope(&db.pool, actor, case_id).await?;
        let tracks = cases::tracks(&db.pool, case_id).await?;
        let region = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        let agencies: Vec<String> = tracks.iter().filter_map(|t| t.agency_id.clone()).collect();
        policy::can(actor, Action::ViewCase, Some(&target_of(&c, &region, &agencies)))?;
        Ok(())
    }

    /// Adds a file to a case. The upload was already received under the vault's size limit
    /// (`netra_evidence::read_upload` or `UploadBuffer`); `file_name` is what the client called it.
    pub async fn attach_evidence(
        &self,
        uploader: Uploader<'_>,
        case_id: &str,
        upload: Upload,
        file_name: Option<&str>,
    ) -> Result<EvidenceView, EvidenceError> {
        // Authorise before any work on the file.
        let (intake_id, added_by, audit_actor, sight) = match uploader {
            Uploader::Reporter { intake_id } => {
                match rows::case_intake(&self.netra.db.pool, case_id).await? {
                    Some(i) if i == intake_id => {}
                    _ => return Err(CoreError::NotFound.into()),
                }
                (Some(intake_id), ADDED_BY_REPORTER.to_owned(), PUBLIC_ACTOR.to_owned(), Sight::REPORTER)
            }
            Uploader::Official(actor) => {
                self.case_for_viewer(actor, case_id).await?;
                if !actor.role.is_bawaslu() {
                    return Err(Denied::Role { role: actor.role, action: "AttachEvidence".into() }.into());
                }
                (None, actor.user_id.clone(), actor.username.clone(), Sight::of(actor))
            }
        };
        // Objects first (promise 4)…
        let ing = self.vault.ingest(upload, file_name).await?;
        let now = self.netra.now();
        let rec = record(&ing, case_id, intake_id, &added_by, now);
        // …then the row and its audit event in one transaction. If that fails, the objects are
        // deleted now or, after a crash, by the orphan collector.
        let written = async {
            let mut tx = self.netra.db.begin_write().await?;
            rows::insert(&mut tx, &rec).await?;
            audit::append(
                &mut tx,
                NewEvent {
                    actor: &audit_actor,
                    action: "evidence.attached",
                    entity_type: "case",
                    entity_id: case_id,
                    payload: json!({
                        "evidence_id": rec.id, "sha256": rec.sha256, "media_type": rec.media_type,
                        "size_bytes": rec.size_bytes, "cleaning": rec.cleaning,
                        "derivative_sha256": rec.derivative_sha256, "added_by": if intake_id.is_some() { "reporter" } else { "official" },
                    }),
                },
                now,
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = written {
            let _ = self.vault.delete(&rec.original_key).await;
            if let Some(k) = &rec.derivative_key {
                let _ = self.vault.delete(k).await;
            }
            return Err(e.into());
        }
        Ok(view(&rec, sight))
    }

    /// The evidence of a case, oldest first, as `actor` may see it.
    pub async fn evidence_list(&self, actor: &Actor, case_id: &str) -> Result<Vec<EvidenceView>, EvidenceError> {
        self.case_for_viewer(actor, case_id).await?;
        let list = rows::for_case(&self.netra.db.pool, case_id).await?;
        Ok(list.iter().map(|r| view(r, Sight::of(actor))).collect())
    }

    /// Loads a row and checks the actor may view its case (out of scope: `NotFound`).
    async fn row_for_viewer(&self, actor: &Actor, evidence_id: &str) -> Result<EvidenceRecord, EvidenceError> {
        let r = rows::get(&self.netra.db.pool, evidence_id).await?;
        self.case_for_viewer(actor, &r.case_id).await?;
        Ok(r)
    }

    /// The cleaned copy, re-hashed. For anyone who may view the case.
    pub async fn open_derivative(&self, actor: &Actor, evidence_id: &str) -> Result<EvidenceFile, EvidenceError> {
        let r = self.row_for_viewer(actor, evidence_id).await?;
        let (Some(key), Some(sha)) = (&r.derivative_key, &r.derivative_sha256) else {
            let reason = serde_json::from_str::<serde_json::Value>(&r.cleaning_detail)
                .ok()
                .and_then(|d| d["reason"].as_str().map(str::to_owned));
            return Err(EvidenceError::NoDerivative { reason: reason.unwrap_or_else(|| "cannot be cleaned".into()) });
        };
        let bytes = match self.vault.read_derivative(key, sha).await {
            Ok(b) => b,
            Err(e) => return Err(self.integrity_failure(actor, &r, "derivative", e).await),
        };
        Ok(EvidenceFile {
            evidence_id: r.id.clone(),
            file_name: shown_name(&r, Sight::of(actor)),
            media_type: r.media_type.clone(),
            sha256: sha.clone(),
            bytes,
        })
    }

    /// The sealed original, decrypted and re-hashed. Bawaslu roles only; each read, and each refusal
    /// to a role that can see the case, is one audit event (entity `evidence`, outside the case
    /// timeline).
    pub async fn open_original(&self, actor: &Actor, evidence_id: &str) -> Result<EvidenceFile, EvidenceError> {
        let r = self.row_for_viewer(actor, evidence_id).await?;
        if !may_open_original(actor) {
            self.log(actor, "evidence.original_denied", &r, json!({ "role": actor.role.as_str() })).await?;
            return Err(Denied::Role { role: actor.role, action: "OpenEvidenceOriginal".into() }.into());
        }
        let bytes = match self.vault.read_original(&r.original_key, &r.sha256).await {
            Ok(b) => b,
            Err(e) => return Err(self.integrity_failure(actor, &r, "original", e).await),
        };
        // The read is recorded before the bytes leave.
        self.log(actor, "evidence.original_read", &r, json!({ "case_id": r.case_id, "sha256": r.sha256 })).await?;
        Ok(EvidenceFile {
            evidence_id: r.id.clone(),
            file_name: shown_name(&r, Sight::of(actor)),
            media_type: r.media_type.clone(),
            sha256: r.sha256.clone(),
            bytes,
        })
    }

    async fn log(
        &self,
        actor: &Actor,
        action: &str,
        r: &EvidenceRecord,
        payload: serde_json::Value,
    ) -> Result<(), EvidenceError> {
        let mut tx = self.netra.db.begin_write().await?;
        audit::append(
            &mut tx,
            NewEvent { actor: &actor.username, action, entity_type: "evidence", entity_id: &r.id, payload },
            self.netra.now(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Records an integrity failure (missing, changed, undecryptable object) and returns the error.
    async fn integrity_failure(
        &self,
        actor: &Actor,
        r: &EvidenceRecord,
        object: &str,
        e: netra_evidence::Error,
    ) -> EvidenceError {
        if matches!(
            e,
            netra_evidence::Error::ObjectMissing { .. }
                | netra_evidence::Error::IntegrityMismatch { .. }
                | netra_evidence::Error::Undecryptable { .. }
        ) {
            let payload = json!({ "case_id": r.case_id, "object": object, "code": e.code() });
            if let Err(log) = self.log(actor, "evidence.integrity_failed", r, payload).await {
                tracing::error!(evidence = %r.id, error = %log, "could not record an evidence integrity failure");
            }
        }
        e.into()
    }

    /// Re-hashes every object of every row (originals are decrypted first) and reports the missing,
    /// changed and undecryptable ones. Reads page by page; memory holds one object at a time.
    pub async fn verify_all(&self) -> Result<VerifyReport, EvidenceError> {
        let mut report = VerifyReport::default();
        let mut after: Option<String> = None;
        loop {
            let page = rows::page(&self.netra.db, after.as_deref(), 200).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for r in &page {
                report.evidence += 1;
                let mut checks = vec![("original", r.original_key.clone(), r.sha256.clone())];
                if let (Some(k), Some(s)) = (&r.derivative_key, &r.derivative_sha256) {
                    checks.push(("derivative", k.clone(), s.clone()));
                }
                for (object, key, sha) in checks {
                    report.objects += 1;
                    let result = if object == "original" {
                        self.vault.read_original(&key, &sha).await.map(drop)
                    } else {
                        self.vault.read_derivative(&key, &sha).await.map(drop)
                    };
                    if let Err(e) = result {
                        let problem = match &e {
                            netra_evidence::Error::ObjectMissing { .. } => "missing",
                            netra_evidence::Error::IntegrityMismatch { .. } => "changed",
                            netra_evidence::Error::Undecryptable { .. } => "undecryptable",
                            _ => "unavailable",
                        };
                        report.problems.push(VerifyProblem {
                            evidence_id: r.id.clone(),
                            case_id: r.case_id.clone(),
                            object,
                            key,
                            problem,
                            detail: e.to_string(),
                        });
                    }
                }
            }
        }
        Ok(report)
    }

    /// Deletes evidence objects that no row references and that are older than `older_than` (by the
    /// store's clock; younger ones may belong to uploads whose row is not committed yet). Run at
    /// start-up with an hour or so; `Duration::zero()` only when no upload can be in flight.
    pub async fn collect_orphans(&self, older_than: Duration) -> Result<OrphanReport, EvidenceError> {
        let cutoff = Utc::now() - older_than;
        let mut report = OrphanReport::default();
        for o in self.vault.list().await? {
            report.scanned += 1;
            if rows::key_referenced(&self.netra.db, &o.key).await? {
                continue;
            }
            if o.last_modified > cutoff {
                report.too_young += 1;
                continue;
            }
            self.vault.delete(&o.key).await?;
            report.deleted.push(o.key);
        }
        Ok(report)
    }
}
