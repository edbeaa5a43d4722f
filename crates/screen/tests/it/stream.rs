//! `score_stream`: the same bytes on any number of threads, the same bytes as the plain
//! serde/`Clusterer::assign` loop, and bounded buffering on an endless-looking input.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use netra_screen::cluster::{ClusterParams, Clusterer};
use netra_screen::post::{InputFormat, Post, PostReader};
use netra_screen::score::{Label, ScoreParams, ScoredRecord, Screener, WatchList};
use netra_screen::stream::{StreamOptions, score_stream};
use netra_screen::{Lexicon, Model};

const TEXTS: &[&str] = &[
    "Ayo coblos nomor 2 tanggal 27 November, Pak Hendra pasti menang satu putaran! #HeraMenang",
    "Rapat koordinasi pelayanan publik di kantor kecamatan {n}",
    "Jangan lupa datang ke TPS {n}, gunakan hak pilih dengan bijak. ASN wajib netral!",
    "Dukung trs HERA sampai menang!! \"kerja nyata\" di desa {n} ✌️",
    "Saya tidak mendukung siapa pun.\nSalam dari {n}\t\u{1}",
    "Sarapan nasi uduk dulu di warung {n} 😂 https://t.co/abc",
    "Salam dua jari 💪 relawan HERA kecamatan {n}, coblos 02",
    "Selamat Hari Raya, mohon maaf lahir dan batin \\ keluarga besar dinas {n}",
    "Gabung relawan \"HERA\"\tsekarang, {n} orang sudah",
];

fn lexicon() -> Lexicon {
    Lexicon::from_json(include_str!("../../../../data/lexicon/example-election.json")).expect("example lexicon")
}

fn screener() -> Screener {
    Screener::new(lexicon(), Some(Arc::new(Model::builtin().clone())), ScoreParams::default())
}

fn watch() -> WatchList {
    WatchList::from_csv(
        "handle,platform,nip,nama,instansi\nuser3,x,1980,Budi \"B\",Dinas\\Pendidikan\nuser7,,1990,Ani,Kec\n"
            .as_bytes(),
    )
    .0
}

/// A deterministic export with near-duplicates, bad and blank lines.
fn input(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut x = 0x9e37_79b9_u64;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match i % 97 {
            13 => out.extend_from_slice(b"{not json\n"),
            14 => out.extend_from_slice(b"   \n"),
            15 => out.extend_from_slice(
                b"{\"id\":\"x\",\"platform\":\"myspace\",\"author_handle\":\"a\",\"text\":\"hai\"}\n",
            ),
            _ => {
                let text = TEXTS[(x % TEXTS.len() as u64) as usize].replace("{n}", &((x >> 20) % 40).to_string());
                let platform = ["x", "facebook", "tiktok"][(x >> 8) as usize % 3];
                let engagement = ["post", "share", "comment"][(x >> 12) as usize % 3];
                let line = serde_json::json!({
                    "id": i.to_string(),
                    "platform": platform,
                    "author_handle": format!("user{}", (x >> 32) % 50),
                    "text": text,
                    "url": if i % 3 == 0 { Some(format!("https://x.com/u/status/{i}")) } else { None },
                    "created_at": "2024-11-01T08:00:00Z",
                    "engagement": engagement,
                });
                writeln!(out, "{line}").expect("write to vec");
            }
        }
    }
    out
}

fn run(input: &[u8], threads: usize, batch_posts: usize, cluster_all: bool) -> (Vec<u8>, String) {
    let mut out = Vec::new();
    let options = StreamOptions { threads, batch_posts, cluster_all, ..StreamOptions::default() };
    let w = watch();
    let reader = PostReader::new(input, InputFormat::Jsonl);
    let summary = score_stream(&screener(), Some(&w), reader, &mut out, &options, |_| {}).expect("in memory");
    (out, format!("{} {}", summary.posts, summary.skipped))
}

#[test]
fn output_is_byte_identical_on_any_number_of_threads() {
    let data = input(3_000);
    for cluster_all in [false, true] {
        let (one, summary) = run(&data, 1, 64, cluster_all);
        assert!(summary.starts_with("2907 "), "{summary}");
        // Small batches: many of them in flight, finishing out of order.
        for (threads, batch) in [(2, 7), (3, 64), (4, 1), (2, 1024)] {
            let (many, s) = run(&data, threads, batch, cluster_all);
            assert_eq!(s, summary, "{threads} threads, batches of {batch}");
            assert!(many == one, "{threads} threads, batches of {batch}: output differs");
        }
    }
}

/// The streaming writer gives exactly what the straightforward loop over `ScoredRecord` (serde) and
/// `Clusterer::assign` gives; by default only posts labelled review or likely_campaign are clustered.
#[test]
fn output_matches_the_serde_reference() {
    let data = input(3_000);
    for cluster_all in [true, false] {
        let mut reference = Vec::new();
        let mut s = screener();
        let w = watch();
        let mut clusters = Clusterer::default();
        let mut reader = PostReader::new(&data[..], InputFormat::Jsonl);
        let mut post = Post::default();
        while let Some(r) = reader.read_into(&mut post) {
            if r.is_err() {
                continue;
            }
            let scored = s.score_post(&post, Some(&w));
            let cluster = (cluster_all || scored.label != Label::Unlikely)
                .then(|| clusters.assign(s.normalized(), &post.author_handle));
            let asn = w.lookup(post.platform, &post.author_handle);
            serde_json::to_writer(&mut reference, &ScoredRecord::new(&post, &scored, asn, cluster)).expect("json");
            reference.push(b'\n');
        }
        let (ours, summary) = run(&data, 2, 100, cluster_all);
        assert_eq!(summary, format!("{} {}", reference.iter().filter(|b| **b == b'\n').count(), reader.summary()));
        let (a, b) = (String::from_utf8_lossy(&ours), String::from_utf8_lossy(&reference));
        for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            assert_eq!(x, y, "line {}", i + 1);
        }
        assert!(ours == reference);
        // Watch-list entries, and escapes inside explanation quotes, take the hand-written path too.
        assert!(a.contains("\"priority\":true") && a.contains("Budi \\\"B\\\""), "{a:.2000}");
        assert!(a.contains("“relawan \\\"HERA”"), "{a:.2000}");
    }
}

/// An input produced on the fly: the pipeline never holds more than its bounded number of batches
/// (the reader is never far ahead of the writer), and the cluster index stays within its bound.
#[test]
fn streaming_holds_a_bounded_number_of_posts() {
    struct Generated {
        next: u64,
        total: u64,
        buf: Vec<u8>,
        pos: usize,
        written: Arc<AtomicU64>,
        max_ahead: Arc<AtomicU64>,
    }
    impl Read for Generated {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.pos == self.buf.len() {
                if self.next == self.total {
                    return Ok(0);
                }
                let ahead = self.next - self.written.load(Ordering::SeqCst);
                self.max_ahead.fetch_max(ahead, Ordering::SeqCst);
                self.buf.clear();
                self.pos = 0;
                let text = TEXTS[(self.next % TEXTS.len() as u64) as usize].replace("{n}", &self.next.to_string());
                let line = serde_json::json!({"id": self.next.to_string(), "platform": "x",
                    "author_handle": format!("u{}", self.next % 1000), "text": text});
                writeln!(self.buf, "{line}")?;
                self.next += 1;
            }
            let n = out.len().min(self.buf.len() - self.pos);
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }
    struct Counting(Arc<AtomicU64>);
    impl Write for Counting {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.fetch_add(b.iter().filter(|c| **c == b'\n').count() as u64, Ordering::SeqCst);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let written = Arc::new(AtomicU64::new(0));
    let max_ahead = Arc::new(AtomicU64::new(0));
    let total = 20_000;
    let generated = Generated {
        next: 0,
        total,
        buf: Vec::new(),
        pos: 0,
        written: Arc::clone(&written),
        max_ahead: Arc::clone(&max_ahead),
    };
    let (threads, batch) = (2, 256);
    let max_clusters = 500;
    let options = StreamOptions {
        threads,
        batch_posts: batch,
        cluster: Some(ClusterParams { max_clusters, ..ClusterParams::default() }),
        cluster_all: true,
    };
    let reader = PostReader::new(std::io::BufReader::with_capacity(1 << 12, generated), InputFormat::Jsonl);
    let mut sink = Counting(Arc::clone(&written));
    let summary = score_stream(&screener(), None, reader, &mut sink, &options, |_| {}).expect("sink");
    assert_eq!(summary.posts, total);
    assert_eq!(written.load(Ordering::SeqCst), total);
    assert!(summary.clusters_in_memory <= max_clusters);
    // Posts read but not yet written: at most the 4 × threads + 2 batches in flight, the one being
    // filled, and what the 4 KiB read buffer holds.
    let bound = (4 * threads as u64 + 3) * batch as u64 + 64;
    let ahead = max_ahead.load(Ordering::SeqCst);
    assert!(ahead <= bound, "{ahead} posts read ahead of the output (bound {bound})");
    assert!(ahead > batch as u64, "the pipeline should run ahead at all ({ahead})");
}
