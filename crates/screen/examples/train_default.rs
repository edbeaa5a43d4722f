//! Trains the default model shipped in `data/lexicon/default-model.json` from the project's own corpus
//! `data/lexicon/train-id.jsonl` (deterministic: rerunning gives the same file).
//!
//! `cargo run --release -p netra-screen --example train_default [CORPUS] [MODEL]`

use std::fs::File;
use std::io::BufReader;

use netra_screen::classifier::{TrainParams, read_labelled, train};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lexicon");
    let mut args = std::env::args().skip(1);
    let corpus = args.next().unwrap_or_else(|| format!("{root}/train-id.jsonl"));
    let out = args.next().unwrap_or_else(|| format!("{root}/default-model.json"));
    let (examples, skipped) = read_labelled(BufReader::new(File::open(&corpus)?));
    if skipped.total > 0 {
        return Err(format!("{corpus}: {skipped}").into());
    }
    let examples: Vec<_> = examples.iter().map(|e| e.to_example()).collect();
    let params = TrainParams { prune_below: 2e-3, ..TrainParams::default() };
    let mut model = train(&examples, &params);
    model.set_note("data/lexicon/train-id.jsonl (Netra's own corpus, AGPL-3.0-or-later)");
    let json = model.to_json();
    std::fs::write(&out, &json)?;
    println!("{} examples, {} non-zero weights, {} bytes → {out}", examples.len(), model.nonzero(), json.len());
    Ok(())
}
