//! Grouped cross-validation of the trainer on a `LABELLED.jsonl` file: each group (by default the
//! `target` field, the political figure) is kept out of its own training folds, as scikit-learn's
//! `GroupKFold` does, so the numbers say how the model does on figures it has never seen.
//! Prints pooled out-of-fold metrics (threshold 0.5) and the mean over folds. Reads only the file it
//! is given; nothing is written.
//!
//! `cargo run --release -p netra-screen --example grouped_cv -- FILE [--folds K] [--group FIELD]
//!  [--epochs N] [--lr X] [--l2 X] [--chars MIN-MAX] [--words MIN-MAX] [--stopwords] [--no-balance]`

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;

use netra_screen::classifier::{Example, TrainParams, read_labelled, train};
use netra_screen::eval::Metrics;

fn range(s: &str) -> Result<[u32; 2], String> {
    let (a, b) = s.split_once('-').ok_or("expected MIN-MAX")?;
    Ok([a.parse().map_err(|_| "bad MIN")?, b.parse().map_err(|_| "bad MAX")?])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: grouped_cv FILE [options]")?;
    let mut folds = 4usize;
    let mut group_field = "target".to_owned();
    let mut p = TrainParams::default();
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--folds" => folds = val()?.parse()?,
            "--group" => group_field = val()?,
            "--epochs" => p.epochs = val()?.parse()?,
            "--lr" => p.learning_rate = val()?.parse()?,
            "--l2" => p.l2 = val()?.parse()?,
            "--chars" => p.features.char_ngrams = range(&val()?)?,
            "--words" => p.features.word_ngrams = range(&val()?)?,
            "--buckets" => p.features.buckets_log2 = val()?.parse()?,
            "--stopwords" => p.features.drop_stopwords = true,
            "--no-balance" => p.balance_classes = false,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let (rows, skipped) = read_labelled(BufReader::new(File::open(&path)?));
    if skipped.total > 0 {
        eprintln!("{skipped}");
    }
    // Group of each row: the named field when present (only `target` is typed), else the row index.
    let groups: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| match group_field.as_str() {
            "target" => r.target.clone().unwrap_or_else(|| format!("row-{i}")),
            _ => format!("row-{i}"),
        })
        .collect();
    // GroupKFold: groups by size (largest first, ties by name) to the fold with the fewest rows.
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &groups {
        *sizes.entry(g).or_default() += 1;
    }
    let mut order: Vec<(&str, usize)> = sizes.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let folds = folds.min(order.len());
    let mut fold_rows = vec![0usize; folds];
    let mut fold_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (g, n) in order {
        let f = (0..folds).min_by_key(|&f| (fold_rows[f], f)).unwrap_or(0);
        fold_rows[f] += n;
        fold_of.insert(g, f);
    }
    let examples: Vec<Example> = rows.iter().map(|r| r.to_example()).collect();
    let mut pooled = Vec::new();
    let mut per_fold = Vec::new();
    for f in 0..folds {
        let train_set: Vec<Example> =
            examples.iter().zip(&groups).filter(|(_, g)| fold_of[g.as_str()] != f).map(|(e, _)| e.clone()).collect();
        let model = train(&train_set, &p);
        let test: Vec<(f64, bool)> = examples
            .iter()
            .zip(&groups)
            .filter(|(_, g)| fold_of[g.as_str()] == f)
            .map(|(e, _)| (f64::from(model.score(&e.text)), e.label))
            .collect();
        let names: Vec<&str> = fold_of.iter().filter(|(_, v)| **v == f).map(|(k, _)| *k).collect();
        let m = Metrics::compute(&test, 0.5);
        println!(
            "fold {f} ({} rows, groups {}): f1 {:.4} roc_auc {} pr_auc {}",
            test.len(),
            if names.len() > 3 { format!("{} groups", names.len()) } else { names.join(", ") },
            m.f1,
            m.roc_auc.map_or("nan".into(), |v| format!("{v:.4}")),
            m.pr_auc.map_or("nan".into(), |v| format!("{v:.4}")),
        );
        per_fold.push(m);
        pooled.extend(test);
    }
    let m = Metrics::compute(&pooled, 0.5);
    println!("pooled out-of-fold ({} rows, {} positives):\n{m}", m.examples, m.positives);
    let mean = |f: &dyn Fn(&Metrics) -> Option<f64>| {
        let v: Vec<f64> = per_fold.iter().filter_map(f).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    println!(
        "mean over folds: f1 {:.4} roc_auc {:.4} pr_auc {:.4}",
        mean(&|m| Some(m.f1)),
        mean(&|m| m.roc_auc),
        mean(&|m| m.pr_auc)
    );
    Ok(())
}
