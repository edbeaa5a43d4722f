//! Streaming `read → score → cluster → write` over a whole export, on several threads, with output
//! in input order and byte-identical to the single-threaded run.
//!
//! Shape: a reader thread fills [`Batch`]es (generic JSONL lines are only split there); a rayon pool
//! parses, normalises, scores and sketches each batch and writes every record's head and tail into
//! the batch's output buffer (each pool thread has its own [`Screener`] clone); the calling thread
//! takes finished batches in sequence order, assigns clusters (the only order-dependent state, so it
//! stays on one thread), splices the cluster fields between each head and tail, records skipped lines
//! and writes. With `threads = 1` everything runs on the calling thread, through the same functions.
//!
//! Memory is bounded: at most `4 × threads + 2` batches exist (the reader waits for a free one), each
//! of at most `batch_posts` posts or about 1 MiB of lines; the cluster index is bounded by
//! [`ClusterParams::max_clusters`]; the skip summary keeps counts and at most
//! [`SkipSummary::MAX_LISTED`] lines.
//!
//! Which posts are clustered: by default those labelled `review` or `likely_campaign`. Clusters are
//! there to show coordinated campaigning, and a post the screener finds unlikely to campaign cannot be
//! evidence of it; clustering is also the one sequential, memory-bound step (a post's band lookups and
//! candidate comparisons are random accesses into the cluster index), so leaving out the posts that
//! cannot matter is what lets the stream scale. [`StreamOptions::cluster_all`] clusters every post
//! (the output is then exactly that of [`Clusterer::assign`] on every post in order). A near-duplicate
//! of a campaign message that itself scores `unlikely` is not counted in that message's cluster.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::cluster::{ClusterParams, Clusterer, Sketch, Sketcher};
use crate::output::RecordWriter;
use crate::post::{Batch, PostReader, SkipSummary, Skipped};
use crate::score::{Label, Screener, WatchList};

/// Settings of [`score_stream`].
#[derive(Debug, Clone, PartialEq)]
pub struct StreamOptions {
    /// Scoring threads; 1 runs everything on the calling thread, 0 means one per core.
    pub threads: usize,
    /// Posts per batch.
    pub batch_posts: usize,
    /// Clustering; `None` leaves the cluster fields out.
    pub cluster: Option<ClusterParams>,
    /// Cluster every post, not only those labelled `review` or `likely_campaign`.
    pub cluster_all: bool,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self { threads: 0, batch_posts: 1024, cluster: Some(ClusterParams::default()), cluster_all: false }
    }
}

/// What a run read and wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamSummary {
    /// Posts scored (output lines).
    pub posts: u64,
    /// Skipped input lines, in input order.
    pub skipped: SkipSummary,
    /// Clusters in memory at the end (bounded by [`ClusterParams::max_clusters`]).
    pub clusters_in_memory: usize,
}

/// The outcome of one batch item.
#[derive(Debug)]
enum Outcome {
    /// Head `[start, mid)`, tail `[mid, end)` in the batch output, and the cluster sketch (none for a
    /// post that is not clustered).
    Scored {
        start: usize,
        mid: usize,
        end: usize,
        sketch: Option<Sketch>,
    },
    Skipped(Skipped),
}

#[derive(Debug, Default)]
struct Work {
    seq: u64,
    input: Batch,
    out: Vec<u8>,
    outcomes: Vec<Outcome>,
}

/// Per-thread scoring state.
struct Worker {
    screener: Screener,
    sketcher: Option<Sketcher>,
    cluster_all: bool,
}

const BATCH_BYTES: usize = 1 << 20;

/// Reads every post of `reader`, scores it with `screener` (and `watch`), assigns clusters and writes
/// one JSON line per post to `out`, in input order. `progress` is called with the number of posts
/// written so far after each batch. Errors are write errors; bad input lines are skipped into the
/// summary.
pub fn score_stream<R: BufRead + Send, W: Write>(
    screener: &Screener,
    watch: Option<&WatchList>,
    mut reader: PostReader<R>,
    mut out: W,
    options: &StreamOptions,
    mut progress: impl FnMut(u64),
) -> std::io::Result<StreamSummary> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let batch_posts = options.batch_posts.max(1);
    let mut clusterer = options.cluster.clone().map(Clusterer::new);
    let sketcher = clusterer.as_ref().map(|c| c.sketcher().clone());
    let new_worker =
        || Worker { screener: screener.clone(), sketcher: sketcher.clone(), cluster_all: options.cluster_all };
    let mut seq = Sequencer { summary: StreamSummary::default(), cluster_buf: Vec::with_capacity(96) };

    if threads <= 1 {
        let mut worker = new_worker();
        let mut work = Work::default();
        while reader.read_batch(&mut work.input, batch_posts, BATCH_BYTES) {
            process(&mut worker, watch, &mut work);
            seq.emit(&mut work, clusterer.as_mut(), &mut out)?;
            progress(seq.summary.posts);
        }
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("netra-screen-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        let workers: Vec<Mutex<Worker>> = (0..threads).map(|_| Mutex::new(new_worker())).collect();
        let in_flight = 4 * threads + 2;
        let (free_tx, free_rx) = sync_channel::<Work>(in_flight);
        for _ in 0..in_flight {
            free_tx.send(Work::default()).map_err(std::io::Error::other)?;
        }
        let (done_tx, done_rx) = sync_channel::<Work>(in_flight);
        let reader = &mut reader;
        let workers = &workers;
        let pool = &pool;
        std::thread::scope(|scope| -> std::io::Result<()> {
            scope.spawn(move || read_and_dispatch(reader, pool, workers, watch, free_rx, done_tx, batch_posts));
            let result = sequence(&done_rx, &free_tx, &mut seq, clusterer.as_mut(), &mut out, &mut progress);
            // On a write error the reader stops at its next free batch; pending batches are dropped.
            drop(free_tx);
            drop(done_rx);
            result
        })?;
    }
    out.flush()?;
    seq.summary.clusters_in_memory = clusterer.as_ref().map_or(0, |c| c.in_memory().0);
    Ok(seq.summary)
}

/// The reader thread: fills free batches and hands them to the pool, numbered in input order.
fn read_and_dispatch<R: BufRead>(
    reader: &mut PostReader<R>,
    pool: &rayon::ThreadPool,
    workers: &[Mutex<Worker>],
    watch: Option<&WatchList>,
    free: Receiver<Work>,
    done: SyncSender<Work>,
    batch_posts: usize,
) {
    pool.in_place_scope(|s| {
        let mut next = 0u64;
        while let Ok(mut work) = free.recv() {
            if !reader.read_batch(&mut work.input, batch_posts, BATCH_BYTES) {
                break;
            }
            work.seq = next;
            next += 1;
            let done = done.clone();
            s.spawn(move |_| {
                let i = rayon::current_thread_index().unwrap_or(0) % workers.len();
                let mut w = workers[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                process(&mut w, watch, &mut work);
                drop(w);
                // The receiver is gone only after a write error; the batch is then dropped.
                let _ = done.send(work);
            });
        }
    });
}

/// The calling thread: takes finished batches and emits them in sequence order.
fn sequence<W: Write>(
    done: &Receiver<Work>,
    free: &SyncSender<Work>,
    seq: &mut Sequencer,
    mut clusterer: Option<&mut Clusterer>,
    out: &mut W,
    progress: &mut impl FnMut(u64),
) -> std::io::Result<()> {
    let mut waiting: BTreeMap<u64, Work> = BTreeMap::new();
    let mut next = 0u64;
    while let Ok(work) = done.recv() {
        waiting.insert(work.seq, work);
        while let Some(mut work) = waiting.remove(&next) {
            seq.emit(&mut work, clusterer.as_deref_mut(), out)?;
            next += 1;
            progress(seq.summary.posts);
            // The reader may have stopped already; then the batch is simply dropped.
            let _ = free.try_send(work);
        }
    }
    Ok(())
}

/// Parses, scores and sketches one batch; writes each record's head and tail.
fn process(w: &mut Worker, watch: Option<&WatchList>, work: &mut Work) {
    work.out.clear();
    work.outcomes.clear();
    let writer = Arc::clone(w.screener.writer());
    for i in 0..work.input.len() {
        let post = match work.input.parse(i) {
            Ok(p) => p,
            Err(s) => {
                work.outcomes.push(Outcome::Skipped(s));
                continue;
            }
        };
        let a = w.screener.assess(&post.text);
        let asn = watch.and_then(|l| l.lookup(post.platform, &post.author_handle));
        let start = work.out.len();
        writer.write_head(&mut work.out, post, a, asn);
        let mid = work.out.len();
        writer.write_tail(&mut work.out, &post.text, a, asn);
        let end = work.out.len();
        let clustered = w.cluster_all || a.label != Label::Unlikely;
        let sketch = match &w.sketcher {
            Some(sk) if clustered => Some(sk.sketch(w.screener.normalized(), &post.author_handle)),
            _ => None,
        };
        work.outcomes.push(Outcome::Scored { start, mid, end, sketch });
    }
}

struct Sequencer {
    summary: StreamSummary,
    cluster_buf: Vec<u8>,
}

impl Sequencer {
    fn emit<W: Write>(
        &mut self,
        work: &mut Work,
        mut clusterer: Option<&mut Clusterer>,
        out: &mut W,
    ) -> std::io::Result<()> {
        for (i, o) in work.outcomes.drain(..).enumerate() {
            match o {
                Outcome::Skipped(s) => self.summary.skipped.record(s),
                Outcome::Scored { start, mid, end, sketch } => {
                    let cluster = match (clusterer.as_deref_mut(), sketch) {
                        (Some(c), Some(sketch)) => Some(c.assign_sketch(&sketch, &work.input.post(i).author_handle)),
                        _ => None,
                    };
                    self.cluster_buf.clear();
                    RecordWriter::write_cluster(&mut self.cluster_buf, cluster);
                    out.write_all(&work.out[start..mid])?;
                    out.write_all(&self.cluster_buf)?;
                    out.write_all(&work.out[mid..end])?;
                    self.summary.posts += 1;
                }
            }
        }
        Ok(())
    }
}
