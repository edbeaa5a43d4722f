//! Netra's use cases. Each public method is one transaction that checks the policy, applies the
//! workflow rule, computes the next deadline and appends the audit event before committing — so a
//! state change and its audit record exist together or not at all.

pub mod auth;
pub mod custody;
pub mod deadlines;
pub mod error;
pub mod evidence;
pub mod import;
pub mod intake;
pub mod portal;
pub mod risk;
pub mod seal;
pub mod stats;
pub mod tracks;
pub mod workflow;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use netra_domain::numbering::NumberTemplate;
use netra_store::Db;

pub use error::{CoreError, FieldError};
pub use seal::Sealer;

/// Where "now" comes from. The demo loader and tests replay history with a manual clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(t: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(t))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = t;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// The application service: storage plus the few secrets and settings the use cases need.
#[derive(Clone)]
pub struct Netra {
    pub db: Db,
    pub sealer: Arc<Sealer>,
    pub numbering: Arc<NumberTemplate>,
    pub clock: Arc<dyn Clock>,
    pub rate_limits: portal::RateLimits,
}

impl Netra {
    pub fn new(db: Db, sealer: Sealer, numbering: NumberTemplate, clock: Arc<dyn Clock>) -> Self {
        Netra {
            db,
            sealer: Arc::new(sealer),
            numbering: Arc::new(numbering),
            clock,
            rate_limits: portal::RateLimits::default(),
        }
    }

    /// Replaces the public endpoints' rate limits (`RateLimits::off()` for benchmarks).
    pub fn with_rate_limits(mut self, limits: portal::RateLimits) -> Self {
        self.rate_limits = limits;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
