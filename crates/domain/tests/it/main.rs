//! Integration tests of the pure domain (one test binary per crate).

mod catalogue;
mod deadlines;
mod nip;
mod workflow;
