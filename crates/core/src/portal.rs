//! The reporter's side after submission, and the abuse limits of public endpoints.
//!
//! A reporter holds nothing but a receipt code. With it they read the status of their case in plain
//! language, exchange messages with the handling office and add evidence. The code is 24 digits: an
//! 8-digit *selector* (stored in clear, only to find the intake) and a 16-digit *secret* that exists
//! only inside the Argon2id hash of the whole code. An unknown selector is answered after verifying
//! a dummy hash with the same parameters, so unknown and wrong codes cost the same time and get the
//! same error.
//!
//! Rate limits are fixed-window counters in the database, so every node shares them. The
//! per-client bucket is 16 bits of a hash of the client's network (IPv4 address or IPv6 /64) and
//! the window: the address itself is never stored, and a bucket cannot be turned back into one.

use std::fmt;
use std::net::IpAddr;
use std::sync::LazyLock;

use argon2::{PasswordHash, PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use netra_domain::ids::RegionCode;
use netra_domain::policy::{self, Action, Actor};
use netra_store::audit::{self, NewEvent};
use netra_store::cases;
use netra_store::codec::new_id;
use netra_store::portal::{self as rows, Direction, MessageRecord};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::argon2id;
use crate::evidence::EvidenceView;
use crate::seal::random_bytes;
use crate::workflow::target_of;
use crate::{CoreError, Netra};

pub const SELECTOR_DIGITS: usize = 8;
pub const SECRET_DIGITS: usize = 16;
pub const RECEIPT_DIGITS: usize = SELECTOR_DIGITS + SECRET_DIGITS;

/// Longest message either side may send, in characters.
pub const MESSAGE_MAX_CHARS: usize = 4000;

/// A receipt code, digits only.
#[derive(Clone, PartialEq, Eq)]
pub struct Receipt(String);

impl fmt::Debug for Receipt {
    // A receipt is a bearer secret: never print it by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receipt(…)")
    }
}

impl Receipt {
    /// A new code from the operating system's CSPRNG; rejection sampling keeps digits uniform.
    pub fn generate() -> Receipt {
        let mut out = String::with_capacity(RECEIPT_DIGITS);
        while out.len() < RECEIPT_DIGITS {
            for b in random_bytes::<32>() {
                if b < 250 && out.len() < RECEIPT_DIGITS {
                    out.push(char::from(b'0' + b % 10));
                }
            }
        }
        Receipt(out)
    }

    /// Reads what a reporter typed: spaces, dashes and dots between groups are ignored.
    pub fn parse(input: &str) -> Result<Receipt, CoreError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '\t')).collect();
        if digits.is_empty() {
            return Err(CoreError::invalid("receipt", "required", "enter the receipt code"));
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CoreError::invalid(
                "receipt",
                "receipt_not_digits",
                "a receipt code has digits only (0-9); check for letters such as O or l",
            ));
        }
        if digits.len() != RECEIPT_DIGITS {
            return Err(CoreError::invalid(
                "receipt",
                "receipt_length",
                format!("a receipt code has {RECEIPT_DIGITS} digits; this one has {}", digits.len()),
            ));
        }
        Ok(Receipt(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn selector(&self) -> &str {
        &self.0[..SELECTOR_DIGITS]
    }

    /// Groups of four for reading aloud and copying by hand.
    pub fn grouped(&self) -> String {
        group_digits(&self.0)
    }

    /// The Argon2id hash stored for this code (OWASP parameters, random salt).
    pub fn hash(&self) -> Result<String, CoreError> {
        Ok(argon2id().hash_password(self.0.as_bytes()).map_err(|_| CoreError::Seal)?.to_string())
    }
}

/// `123456789012` → `1234 5678 9012`.
pub fn group_digits(digits: &str) -> String {
    digits.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Verified against when no intake has the selector, so that miss and mismatch take equally long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| Receipt("0".repeat(RECEIPT_DIGITS)).hash().expect("hashing a constant"));

fn matches(hash: &str, receipt: &Receipt) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2id().verify_password(receipt.digits().as_bytes(), &h).is_ok())
}

/// Proof that a receipt code was verified for this case. Only [`Netra::open_receipt`] makes one.
#[derive(Debug, Clone)]
pub struct ReceiptAccess {
    intake_id: String,
    case_id: String,
}

impl ReceiptAccess {
    pub fn intake_id(&self) -> &str {
        &self.intake_id
    }

    pub fn case_id(&self) -> &str {
        &self.case_id
    }
}

/// The client of a public request, as far as rate limits need it. Holds the network in memory
/// only; its `Debug` prints nothing of it.
#[derive(Clone)]
pub struct Client {
    network: Vec<u8>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Client(…)")
    }
}

impl Client {
    /// IPv4 addresses count one by one; IPv6 clients by their /64, which one household usually holds.
    pub fn from_ip(ip: IpAddr) -> Client {
        let network = match ip {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v6.octets()[..8].to_vec(),
            },
        };
        Client { network }
    }

    /// A client whose address is not known (for example a Unix socket): they all share one bucket.
    pub fn unknown() -> Client {
        Client { network: Vec::new() }
    }

    fn tag(&self, limit: Limit, window_start: DateTime<Utc>) -> String {
        let mut h = Sha256::new();
        h.update(b"netra/rate-limit/");
        h.update(limit.as_str().as_bytes());
        h.update(window_start.timestamp().to_be_bytes());
        h.update(&self.network);
        let d = h.finalize();
        format!("{:02x}{:02x}", d[0], d[1])
    }
}

/// What a public client can do a limited number of times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Submitting a report.
    Submission,
    /// Presenting a receipt code (status, message, evidence): the brute-force guard.
    ReceiptUse,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Submission => "submission",
            Limit::ReceiptUse => "receipt",
        }
    }
}

/// Limits per fixed window. `None` turns one off (benchmarks measure the server, not the limiter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub window: Duration,
    pub submissions_per_client: Option<u32>,
    pub submissions_global: Option<u32>,
    pub receipts_per_client: Option<u32>,
    pub receipts_global: Option<u32>,
}

impl Default for RateLimits {
    /// A reporter rarely submits more than a few reports or checks a receipt more than a few times
    /// in 15 minutes; guessing a 16-digit secret at 20 tries per window is hopeless, and the global
    /// cap bounds a distributed guesser too.
    fn default() -> Self {
        RateLimits {
            window: Duration::minutes(15),
            submissions_per_client: Some(30),
            submissions_global: Some(20_000),
            receipts_per_client: Some(20),
            receipts_global: Some(5_000),
        }
    }
}

impl RateLimits {
    pub fn off() -> Self {
        RateLimits {
            window: Duration::minutes(15),
            submissions_per_client: None,
            submissions_global: None,
            receipts_per_client: None,
            receipts_global: None,
        }
    }

    fn caps(&self, limit: Limit) -> (Option<u32>, Option<u32>) {
        match limit {
            Limit::Submission => (self.submissions_per_client, self.submissions_global),
            Limit::ReceiptUse => (self.receipts_per_client, self.receipts_global),
        }
    }
}

/// What the reporter is told about their case. `status` is the case state; the portal words it
/// for a member of the public (`status-reporter-*` in the locale catalogues).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReporterView {
    pub kind: String,
    pub number: Option<String>,
    pub status: String,
    pub status_since: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub late: bool,
    pub handling_region: Option<String>,
    /// Subjects forwarded to the neutrality authority, with a recommendation, and sanctioned.
    pub subjects: usize,
    pub subjects_forwarded: usize,
    pub subjects_recommended: usize,
    pub subjects_sanctioned: usize,
    pub messages: Vec<MessageView>,
    pub evidence: Vec<EvidenceView>,
}

/// One message as either side sees it. Officers' names are not shown to the reporter.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct MessageView {
    pub id: String,
    /// `reporter` or `office`.
    pub direction: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

fn message_view(m: &MessageRecord) -> MessageView {
    MessageView {
        id: m.id.clone(),
        direction: m.direction.as_str().to_owned(),
        body: m.body.clone(),
        created_at: m.created_at,
    }
}

fn checked_body(body: &str) -> Result<String, CoreError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CoreError::invalid("body", "required", "write a message"));
    }
    let n = body.chars().count();
    if n > MESSAGE_MAX_CHARS {
        return Err(CoreError::invalid(
            "body",
            "too_long",
            format!("a message may have at most {MESSAGE_MAX_CHARS} characters; this one has {n}"),
        ));
    }
    Ok(body.to_owned())
}

impl Netra {
    /// Counts one use of `limit` by `client` and refuses it when the client's or everyone's share of
    /// the current window is used up.
    pub async fn check_rate_limit(&self, limit: Limit, client: &Client) -> Result<(), CoreError> {
        let (per_client, global) = self.rate_limits.caps(limit);
        if per_client.is_none() && global.is_none() {
            return Ok(());
        }
        let now = self.now();
        let window_ms = self.rate_limits.window.num_milliseconds().max(1000);
        let start_ms = now.timestamp_millis().div_euclid(window_ms) * window_ms;
        let start = DateTime::from_timestamp_millis(start_ms).unwrap_or(now);
        let retry_after = ((start_ms + window_ms - now.timestamp_millis()) / 1000).max(1) as u64;
        if let Some(cap) = global {
            let hits = rows::hit(&self.db, &format!("global:{}", limit.as_str()), start).await?;
            if hits == 1 {
                // First hit of a new window: old windows are of no use any more.
                rows::prune_hits(&self.db, start - Duration::days(1)).await?;
            }
            if hits > i64::from(cap) {
                return Err(CoreError::RateLimited { retry_after_secs: retry_after });
            }
        }
        if let Some(cap) = per_client {
            let bucket = format!("client:{}:{}", limit.as_str(), client.tag(limit, start));
            if rows::hit(&self.db, &bucket, start).await? > i64::from(cap) {
                return Err(CoreError::RateLimited { retry_after_secs: retry_after });
            }
        }
        Ok(())
    }

    /// Verifies a receipt code typed by a reporter. Unknown and wrong codes are the same
    /// `NotFound`, after the same work; a malformed code is a field error (nothing to guess there).
    pub async fn open_receipt(&self, client: &Client, input: &str) -> Result<ReceiptAccess, CoreError> {
        self.check_rate_limit(Limit::ReceiptUse, client).await?;
        let receipt = Receipt::parse(input)?;
        let candidates = rows::receipt_candidates(&self.db, receipt.selector()).await?;
        let found = tokio::task::spawn_blocking(move || {
            if candidates.is_empty() {
                let _ = matches(&DUMMY_HASH, &receipt);
                return None;
            }
            candidates.into_iter().find(|c| matches(&c.receipt_hash, &receipt))
        })
        .await
        .map_err(|_| CoreError::Seal)?;
        let c = found.ok_or(CoreError::NotFound)?;
        Ok(ReceiptAccess { intake_id: c.intake_id, case_id: c.case_id })
    }

    /// The reporter's view of their case.
    pub async fn reporter_view(&self, access: &ReceiptAccess) -> Result<ReporterView, CoreError> {
        let c = cases::case_of_verified_receipt(&self.db.pool, &access.case_id).await?;
        let tracks = cases::tracks(&self.db.pool, &c.id).await?;
        let intake = cases::intake(&self.db, &c.intake_id).await?;
        let messages = rows::messages(&self.db, &c.id).await?;
        use netra_domain::workflow::TrackState as T;
        let count = |f: &dyn Fn(T) -> bool| tracks.iter().filter(|t| f(t.status.state)).count();
        Ok(ReporterView {
            kind: c.kind.as_str().to_owned(),
            number: c.number.clone(),
            status: c.state.as_str().to_owned(),
            status_since: c.state_changed_at,
            received_at: c.received_at,
            late: intake.late,
            handling_region: c.handling_region.clone(),
            subjects: tracks.len(),
            subjects_forwarded: count(&|s| !matches!(s, T::InBawaslu | T::NotForwarded)),
            subjects_recommended: count(&|s| {
                matches!(
                    s,
                    T::RecommendationIssued
                        | T::AwaitingPpk
                        | T::Overdue
                        | T::Escalated
                        | T::Sanctioned
                        | T::DataBlocked
                        | T::Unblocked
                )
            }),
            subjects_sanctioned: count(&|s| s == T::Sanctioned),
            messages: messages.iter().map(message_view).collect(),
            evidence: self.reporter_evidence(&c.id).await?,
        })
    }

    /// A message from the reporter to the handling office.
    pub async fn reporter_message(&self, access: &ReceiptAccess, body: &str) -> Result<MessageView, CoreError> {
        let body = checked_body(body)?;
        self.add_message(&access.case_id, Direction::Reporter, "public", "public", body).await
    }

    /// A message from the handling office to the reporter (Bawaslu roles in scope only).
    pub async fn office_message(&self, actor: &Actor, case_id: &str, body: &str) -> Result<MessageView, CoreError> {
        self.authorize_messages(actor, case_id, Action::MessageReporter).await?;
        let body = checked_body(body)?;
        self.add_message(case_id, Direction::Office, &actor.user_id, &actor.username, body).await
    }

    /// The messages of a case as an officer sees them.
    pub async fn case_messages(&self, actor: &Actor, case_id: &str) -> Result<Vec<MessageView>, CoreError> {
        self.authorize_messages(actor, case_id, Action::ReadReporterMessages).await?;
        Ok(rows::messages(&self.db, case_id).await?.iter().map(message_view).collect())
    }

    async fn authorize_messages(&self, actor: &Actor, case_id: &str, action: Action) -> Result<(), CoreError> {
        let c = cases::case_in_scope(&self.db.pool, actor, case_id).await?;
        let tracks = cases::tracks(&self.db.pool, case_id).await?;
        let region = c.handling_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
        let agencies: Vec<String> = tracks.iter().filter_map(|t| t.agency_id.clone()).collect();
        policy::can(actor, action, Some(&target_of(&c, &region, &agencies)))?;
        Ok(())
    }

    async fn add_message(
        &self,
        case_id: &str,
        direction: Direction,
        author: &str,
        audit_actor: &str,
        body: String,
    ) -> Result<MessageView, CoreError> {
        let now = self.now();
        let m = MessageRecord {
            id: new_id(),
            case_id: case_id.to_owned(),
            direction,
            author: author.to_owned(),
            body,
            created_at: now,
        };
        let mut tx = self.db.begin_write().await?;
        rows::insert_message(&mut tx, &m).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: audit_actor,
                action: match direction {
                    Direction::Reporter => "message.from_reporter",
                    Direction::Office => "message.to_reporter",
                },
                entity_type: "case",
                entity_id: case_id,
                // The body's hash only: what reporters write may identify them.
                payload: json!({
                    "message_id": m.id, "sha256": hex::encode(Sha256::digest(m.body.as_bytes())),
                    "chars": m.body.chars().count(),
                }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(netra_store::StoreError::from)?;
        Ok(message_view(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_24_uniform_digits() {
        let mut seen = std::collections::BTreeSet::new();
        let mut counts = [0usize; 10];
        for _ in 0..2000 {
            let r = Receipt::generate();
            assert_eq!(r.digits().len(), RECEIPT_DIGITS);
            for c in r.digits().bytes() {
                counts[usize::from(c - b'0')] += 1;
            }
            assert!(seen.insert(r.digits().to_owned()), "duplicate receipt");
        }
        // 48,000 digits: each should be near 4,800; ±10 % is more than 6 standard deviations.
        for (d, n) in counts.iter().enumerate() {
            assert!((4320..=5280).contains(n), "digit {d} drawn {n} times");
        }
    }

    #[test]
    fn typed_receipts_are_normalised_or_refused_with_a_reason() {
        let r = Receipt::generate();
        assert_eq!(Receipt::parse(&r.grouped()).unwrap(), r);
        assert_eq!(Receipt::parse(&r.grouped().replace(' ', "-")).unwrap(), r);
        let code = |input: &str| match Receipt::parse(input) {
            Err(CoreError::Invalid(e)) => e[0].code.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(code(""), "required");
        assert_eq!(code("1234 5678 9O12 3456 7890 1234"), "receipt_not_digits");
        assert_eq!(code("1234 5678"), "receipt_length");
        assert_eq!(format!("{r:?}"), "Receipt(…)");
    }

    #[test]
    fn client_tags_hide_the_address_and_change_every_window() {
        let a = Client::from_ip("203.0.113.7".parse().unwrap());
        let b = Client::from_ip("::ffff:203.0.113.7".parse().unwrap());
        let t0 = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let t1 = t0 + Duration::minutes(15);
        assert_eq!(a.tag(Limit::ReceiptUse, t0), b.tag(Limit::ReceiptUse, t0));
        assert_eq!(a.tag(Limit::ReceiptUse, t0).len(), 4, "16 bits only");
        assert_ne!(a.tag(Limit::ReceiptUse, t0), a.tag(Limit::ReceiptUse, t1));
        let v6a = Client::from_ip("2001:db8:1:2::1".parse().unwrap());
        let v6b = Client::from_ip("2001:db8:1:2::ffff".parse().unwrap());
        assert_eq!(v6a.tag(Limit::Submission, t0), v6b.tag(Limit::Submission, t0), "same /64");
        assert_eq!(format!("{a:?}"), "Client(…)");
    }
}
