//! Netra storage over sqlx `Any`: one set of SQL for the embedded SQLite default and PostgreSQL.
//!
//! Portability rules (see `docs/storage.md`): portable column types only, timestamps as BIGINT unix
//! milliseconds, aggregates CAST to BIGINT/DOUBLE PRECISION, and a [`Dialect`] switch only where the
//! engines truly differ. Every case query takes the actor's [`netra_domain::policy::Scope`].
//! Library errors are [`StoreError`]; the web crate maps them to responses.

pub mod audit;
pub mod auth;
pub mod cases;
pub mod codec;
pub mod custody;
pub mod db;
pub mod desk;
pub mod error;
pub mod evidence;
pub mod import;
pub mod people;
pub mod portal;
pub mod reference;
pub mod stats;
pub mod users;

pub use db::{Db, Dialect, Tx};
pub use error::StoreError;
