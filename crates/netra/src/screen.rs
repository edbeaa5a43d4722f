//! `netra screen`: score post exports (streaming), train and evaluate the classifier.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;
use netra_screen::classifier::{Example, Model, TrainParams, read_labelled, train_with_progress};
use netra_screen::eval::Metrics;
use netra_screen::lexicon::{Candidate, Group, Lexicon, LexiconFile};
use netra_screen::normalize::Normalizer;
use netra_screen::post::{InputFormat, PostReader};
use netra_screen::progress::Progress;
use netra_screen::score::{ScoreParams, Screener, WatchList};
use netra_screen::stream::{StreamOptions, score_stream};

#[derive(Subcommand)]
pub enum ScreenCommand {
    /// Score posts (JSONL, CSV, X API v2 JSONL or a link sheet) and write one JSON line per post.
    Score {
        /// Election id or code whose candidates form the lexicon (reads the database).
        #[arg(long, conflicts_with = "lexicon")]
        election: Option<String>,
        /// Lexicon file (see crates/screen/README.md); works without a database.
        #[arg(long)]
        lexicon: Option<PathBuf>,
        /// Model file from `netra screen train` (default: the shipped model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Watch list CSV linking accounts to civil servants.
        #[arg(long)]
        watch_list: Option<PathBuf>,
        /// jsonl, csv, twitter-v2 or links.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Scoring threads (default: one per core). The output is the same for any number.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Give every post a cluster, not only those labelled review or likely_campaign.
        #[arg(long)]
        cluster_all: bool,
        /// Input file, or `-` for standard input.
        input: PathBuf,
    },
    /// Train a model from LABELLED.jsonl (`text` and `label` = support / not_support per line).
    Train {
        labelled: PathBuf,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Evaluate a model on LABELLED.jsonl: precision, recall, f1, roc_auc, pr_auc.
    Eval {
        #[arg(long)]
        model: Option<PathBuf>,
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        labelled: PathBuf,
    },
}

fn open_input(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::with_capacity(1 << 16, std::io::stdin())));
    }
    let f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
}

fn load_model(path: Option<&Path>) -> anyhow::Result<Arc<Model>> {
    Ok(Arc::new(match path {
        Some(p) => Model::from_json(&std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
            .with_context(|| format!("{} is not a Netra screening model", p.display()))?,
        None => Model::builtin().clone(),
    }))
}

/// The lexicon of an election from its candidates in the database, plus the general campaign language.
pub async fn election_lexicon(db: &netra_store::Db, election: &str) -> anyhow::Result<LexiconFile> {
    let e = netra_store::people::election(db, election).await.with_context(|| format!("election `{election}`"))?;
    let mut file = LexiconFile { name: e.name.clone(), ..LexiconFile::default() };
    for c in netra_store::people::candidates(db, &e.id).await? {
        if let Some(party) = &c.party {
            for p in party.split(['/', ',', '+']).map(str::trim).filter(|p| !p.is_empty()) {
                file.parties.push(Group { name: p.to_owned(), aliases: vec![], candidate: Some(c.id.clone()) });
            }
        }
        let (hashtags, slogans): (Vec<String>, Vec<String>) =
            c.slogans.iter().cloned().partition(|s| s.starts_with('#'));
        file.candidates.push(Candidate {
            id: c.id,
            name: c.name.clone(),
            members: c
                .name
                .split(['–', '-', '&'])
                .map(str::trim)
                .filter(|m| m.contains(' '))
                .map(str::to_owned)
                .collect(),
            nicknames: c.nicknames,
            ballot_number: c.ballot_number.and_then(|n| u32::try_from(n).ok()),
            acronyms: vec![],
            slogans,
            hashtags,
        });
    }
    Ok(file)
}

pub async fn run(
    cmd: ScreenCommand,
    storage: impl AsyncFnOnce() -> anyhow::Result<netra_store::Db>,
) -> anyhow::Result<()> {
    match cmd {
        ScreenCommand::Score { election, lexicon, model, watch_list, format, output, threads, cluster_all, input } => {
            let lexicon = match (&election, &lexicon) {
                (Some(e), _) => {
                    let db = storage().await?;
                    let file = election_lexicon(&db, e).await?;
                    db.close().await;
                    Lexicon::compile(file, netra_screen::normalize::Normalizer::builtin())?
                }
                (None, Some(path)) => Lexicon::from_json(
                    &std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
                )
                .with_context(|| format!("{} is not a valid lexicon file", path.display()))?,
                (None, None) => bail!("give --election E (lexicon from the database) or --lexicon FILE"),
            };
            let format = InputFormat::parse(&format)
                .with_context(|| format!("unknown --format `{format}` (jsonl, csv, twitter-v2, links)"))?;
            let watch = match &watch_list {
                Some(p) => {
                    let (w, skipped) =
                        WatchList::from_csv(File::open(p).with_context(|| format!("opening {}", p.display()))?);
                    if skipped.total > 0 {
                        eprintln!("watch list: {skipped}");
                    }
                    Some(w)
                }
                None => None,
            };
            let screener = Screener::new(lexicon, Some(load_model(model.as_deref())?), ScoreParams::default());
            let sink: Box<dyn Write> = match &output {
                Some(p) => Box::new(File::create(p).with_context(|| format!("creating {}", p.display()))?),
                None => Box::new(std::io::stdout().lock()),
            };
            let out = BufWriter::with_capacity(1 << 16, sink);
            let reader = PostReader::new(open_input(&input)?, format);
            let progress = Progress::stderr("posts", None);
            let started = std::time::Instant::now();
            let options = StreamOptions { threads, cluster_all, ..StreamOptions::default() };
            let summary = score_stream(&screener, watch.as_ref(), reader, out, &options, |n| progress.set(n))
                .context("writing the scored posts")?;
            progress.finish();
            let skipped = &summary.skipped;
            eprintln!("scored {} posts in {:.2?}; skipped {}", summary.posts, started.elapsed(), skipped.total);
            if skipped.total > 0 {
                eprintln!("{skipped}");
            }
            Ok(())
        }
        ScreenCommand::Train { labelled, output } => {
            let (examples, skipped) = read_labelled(open_input(&labelled)?);
            if skipped.total > 0 {
                eprintln!("{skipped}");
            }
            let ex: Vec<Example> = examples.iter().map(|e| e.to_example()).collect();
            let (pos, neg) = (ex.iter().filter(|e| e.label).count(), ex.iter().filter(|e| !e.label).count());
            if pos == 0 || neg == 0 {
                bail!("training needs both labels: {pos} support and {neg} not_support examples read");
            }
            let params = TrainParams::default();
            let progress = Progress::stderr("examples", Some(ex.len() as u64 * (u64::from(params.epochs) + 1)));
            let model = train_with_progress(&ex, &params, Normalizer::builtin(), &mut |n| progress.set(n));
            progress.finish();
            std::fs::write(&output, model.to_json()).with_context(|| format!("writing {}", output.display()))?;
            eprintln!(
                "trained on {} examples ({pos} support, {neg} not_support); {} weights → {}",
                ex.len(),
                model.nonzero(),
                output.display()
            );
            Ok(())
        }
        ScreenCommand::Eval { model, threshold, labelled } => {
            let model = load_model(model.as_deref())?;
            let (examples, skipped) = read_labelled(open_input(&labelled)?);
            if skipped.total > 0 {
                eprintln!("{skipped}");
            }
            if examples.is_empty() {
                bail!("no labelled examples in {}", labelled.display());
            }
            let progress = Progress::stderr("examples", Some(examples.len() as u64));
            let pairs: Vec<(f64, bool)> = examples
                .iter()
                .map(|e| {
                    progress.inc(1);
                    (f64::from(model.score(&e.full_text())), e.is_support())
                })
                .collect();
            progress.finish();
            print!("{}", Metrics::compute(&pairs, threshold));
            Ok(())
        }
    }
}
