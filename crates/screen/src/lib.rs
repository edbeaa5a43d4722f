//! `netra-screen`: screening of social-media posts for civil servants (ASN) campaigning online.
//!
//! Pure and streaming: no I/O beyond the readers and writers handed in, no global state except the
//! built-in data shipped in `data/lexicon/` (compiled in). The pipeline is
//! [`post`] (read exports) → [`normalize`] (Indonesian social text, with a byte-offset map back to the
//! original) → [`lexicon`] (election terms, aho-corasick) + [`classifier`] (hashed-feature logistic
//! regression) → [`score`] (one score, a label and a plain-language explanation per hit) and
//! [`cluster`] (near-duplicate posts pushed by many accounts). [`eval`] measures a model.
//! [`stream`] runs the whole pipeline over an export on every core with output in input order,
//! [`output`] writes the output lines without building owned explanations, [`progress`] draws the
//! command-line progress line.
//!
//! Errors: [`ScreenError`] for whole-input failures (a lexicon or model file that does not parse);
//! per-line problems in post exports are never errors but [`post::Skipped`] entries.

pub mod classifier;
pub mod cluster;
pub mod eval;
pub mod lexicon;
pub mod normalize;
pub mod output;
pub mod post;
pub mod progress;
pub mod score;
pub mod stream;

mod hash;

pub use classifier::{Model, TrainParams};
pub use cluster::Clusterer;
pub use lexicon::Lexicon;
pub use normalize::{NormText, Normalizer};
pub use post::{InputFormat, Post, PostReader, Skipped};
pub use score::{Label, Scored, Screener, WatchList};

/// Errors for inputs that cannot be used at all (as opposed to single bad lines, which are skipped).
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "unsupported {what}: expected format {expected:?} version {expected_version}, found {found:?} version {found_version}"
    )]
    Format { what: &'static str, expected: &'static str, expected_version: u32, found: String, found_version: u32 },
    #[error("invalid {what}: {message}")]
    Invalid { what: &'static str, message: String },
    #[error("lexicon pattern set could not be built: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}
