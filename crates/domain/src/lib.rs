//! Netra's pure domain: no I/O, no async.
//!
//! Everything a rule depends on lives here exactly once: region codes and time zones, ASN identifiers,
//! the violation/sanction catalogues, the case workflow (state machine), the deadline engine and the
//! access policy. Reference data is compiled in from `data/` (via `include_str!`) so the rules and the
//! data they interpret always travel together; storage copies it into the database at first start.

pub mod calendar;
pub mod catalogue;
pub mod clarification;
pub mod deadline;
pub mod ids;
pub mod inbox;
pub mod model;
pub mod numbering;
pub mod policy;
pub mod region;
pub mod risk;
pub mod workflow;
