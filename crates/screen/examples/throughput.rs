//! Rough single-thread throughput of the screening pipeline on generated posts, beside plain serde_json
//! parsing of the same JSONL (a developer aid, not a test; the benchmark lives in `bench/`).
//!
//! `cargo run --release -p netra-screen --example throughput [POSTS] [--pipeline-only]`,
//! `… --generate POSTS > FILE` (writes the generated JSONL), `… --file FILE [--threads N] [--lexicon F]`
//! (streams a JSONL file through `score_stream`, as `netra screen score` does, into a sink, printing
//! posts/s and peak memory).

use std::sync::Arc;
use std::time::Instant;

use netra_screen::cluster::Clusterer;
use netra_screen::post::{InputFormat, Post, PostReader};
use netra_screen::score::{ScoreParams, ScoredRecord, Screener, WatchList};
use netra_screen::stream::{StreamOptions, score_stream};
use netra_screen::{Lexicon, Model};
use serde::Deserialize;

const CAMPAIGN: &[&str] = &[
    "Ayo coblos nomor {n} tanggal 14 Februari, {who} pasti menang satu putaran! #Menang{n}",
    "Dukung terus {who}, pemimpin yang sudah terbukti kerjanya 💪",
    "Sudah saya share ke grup keluarga, jangan lupa pilih paslon 0{n} ya semuanya ✌️",
    "Foto bareng {who} tadi pagi di pasar, semoga amanah dan menang!",
    "Dkg trs pslon {n} smp mnang!! lanjutkan pembangunan desa kita",
];
const NEUTRAL: &[&str] = &[
    "Rapat koordinasi pelayanan publik di kantor kecamatan bersama {who} berjalan lancar hari ini.",
    "Jangan lupa datang ke TPS tanggal 14 Februari, gunakan hak pilih Anda dengan bijak.",
    "Selamat Hari Raya Idul Fitri, mohon maaf lahir dan batin untuk keluarga besar dinas.",
    "ASN wajib netral! Dilarang like, share dan komentar pada unggahan peserta pemilu.",
    "Jadwal posyandu bulan ini pindah ke balai desa karena gedung lama sedang direnovasi.",
    "KPU menetapkan tiga pasangan calon dan nomor urutnya dalam rapat pleno terbuka.",
    "Lembur lagi ngerjain laporan SPJ akhir bulan 😩 semangat rekan-rekan semua!",
];
const WHO: &[&str] = &["Pak Hendra", "Bu Lestari", "Bang Yusuf", "Pak Darmawan", "Bu Ratna"];

fn generate(n: usize) -> Vec<u8> {
    let mut state = 0x1234_5678_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(n * 260);
    for i in 0..n {
        let r = next();
        let pool = if r % 5 == 0 { CAMPAIGN } else { NEUTRAL };
        let t = pool[(r >> 8) as usize % pool.len()];
        let text =
            t.replace("{n}", &((r >> 20) % 3 + 1).to_string()).replace("{who}", WHO[(r >> 24) as usize % WHO.len()]);
        let handle = format!("user{}", (r >> 32) % 50_000);
        let line = serde_json::json!({
            "id": i.to_string(),
            "platform": "x",
            "author_handle": handle,
            "author_name": "Nama Akun",
            "text": text,
            "created_at": "2024-02-01T08:00:00Z",
            "url": format!("https://x.com/{handle}/status/{i}"),
            "engagement": "post",
        });
        serde_json::to_writer(&mut out, &line).expect("write");
        out.push(b'\n');
    }
    out
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct Plain<'a> {
    id: &'a str,
    platform: &'a str,
    author_handle: &'a str,
    author_name: Option<&'a str>,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    created_at: Option<&'a str>,
    url: Option<&'a str>,
    engagement: Option<&'a str>,
}

/// Streams a JSONL file through the pipeline (as `netra screen score` does) into a sink; prints
/// posts/s and peak memory.
fn stream_file(path: &str, threads: usize, lexicon: Option<&str>, cluster_all: bool, out: Option<&str>) {
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).expect("open"));
    let lexicon = match lexicon {
        Some(p) => Lexicon::from_json(&std::fs::read_to_string(p).expect("read lexicon")).expect("lexicon"),
        None => Lexicon::builtin(),
    };
    let screener = Screener::new(lexicon, Some(Arc::new(Model::builtin().clone())), ScoreParams::default());
    let out: Box<dyn std::io::Write> = match out {
        Some(p) => Box::new(std::fs::File::create(p).expect("create --out")),
        None => Box::new(std::io::sink()),
    };
    let out = std::io::BufWriter::new(out);
    let reader = PostReader::new(file, InputFormat::Jsonl);
    let t = Instant::now();
    let options = StreamOptions { threads, cluster_all, ..StreamOptions::default() };
    let summary = score_stream(&screener, None, reader, out, &options, |_| {}).expect("write");
    let secs = t.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_owned))
        .unwrap_or_default();
    let n = summary.posts;
    println!(
        "{n} posts in {secs:.2} s on {threads} thread(s): {:.0} posts/s; {} clusters in memory; {}; {peak}",
        n as f64 / secs,
        summary.clusters_in_memory,
        summary.skipped
    );
}

/// Times only the sequential cluster assignment of a JSONL file's posts (sketches computed first).
fn cluster_only(path: &str) {
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).expect("open"));
    let norm = netra_screen::Normalizer::builtin();
    let mut clusters = Clusterer::default();
    let sketcher = clusters.sketcher().clone();
    let mut nt = netra_screen::NormText::default();
    let posts: Vec<(netra_screen::cluster::Sketch, String)> = PostReader::new(file, InputFormat::Jsonl)
        .map(|p| {
            norm.normalize_into(&p.text, &mut nt);
            (sketcher.sketch(nt.as_str(), &p.author_handle), p.author_handle)
        })
        .collect();
    for round in 0..3 {
        let mut c = Clusterer::default();
        let t = Instant::now();
        let mut acc = 0u64;
        for (s, a) in &posts {
            acc += c.assign_sketch(s, a).size;
        }
        let secs = t.elapsed().as_secs_f64();
        println!("round {round}: {:.3} µs per post ({acc})", secs / posts.len() as f64 * 1e6);
        clusters = c;
    }
    println!("{} clusters in memory", clusters.in_memory().0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--cluster-only") {
        return cluster_only(args.get(i + 1).expect("--cluster-only PATH"));
    }
    if let Some(i) = args.iter().position(|a| a == "--file") {
        let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
        let threads = opt("--threads").and_then(|t| t.parse().ok()).unwrap_or(1);
        let all = args.iter().any(|a| a == "--cluster-all");
        let file = args.get(i + 1).expect("--file PATH");
        let lexicon = opt("--lexicon").map(String::as_str);
        return stream_file(file, threads, lexicon, all, opt("--out").map(String::as_str));
    }
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let n = args.get(i + 1).and_then(|a| a.parse().ok()).expect("--generate POSTS");
        std::io::Write::write_all(&mut std::io::stdout().lock(), &generate(n)).expect("write");
        return;
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let data = generate(n);
    println!("{n} posts, {:.1} MB", data.len() as f64 / 1e6);

    let t = Instant::now();
    let mut parsed = 0usize;
    for line in data.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let s = std::str::from_utf8(line).expect("utf8");
        let p: Plain<'_> = serde_json::from_str(s).expect("parse");
        parsed += p.text.len();
    }
    let parse = t.elapsed().as_secs_f64();
    println!("serde_json parse only: {:>10.0} posts/s ({parsed} text bytes)", n as f64 / parse);

    let model = Arc::new(Model::builtin().clone());
    let mut screener = Screener::new(Lexicon::builtin(), Some(model), ScoreParams::default());
    let watch = WatchList::new();
    let mut clusters = Clusterer::default();
    let mut out = Vec::with_capacity(64 << 20);
    let mut post = Post::default();
    let t = Instant::now();
    let mut reader = PostReader::new(&data[..], InputFormat::Jsonl);
    let (mut likely, mut rows) = (0usize, 0usize);
    let mut stage = [0f64; 4];
    while let Some(r) = reader.read_into(&mut post) {
        if r.is_err() {
            continue;
        }
        let t0 = Instant::now();
        let scored = screener.score_post(&post, Some(&watch));
        let t1 = Instant::now();
        let cluster = clusters.assign(screener.normalized(), &post.author_handle);
        let t2 = Instant::now();
        if out.len() > 60 << 20 {
            out.clear();
        }
        serde_json::to_writer(&mut out, &ScoredRecord::new(&post, &scored, None, Some(cluster))).expect("json");
        out.push(b'\n');
        let t3 = Instant::now();
        stage[0] += (t1 - t0).as_secs_f64();
        stage[1] += (t2 - t1).as_secs_f64();
        stage[2] += (t3 - t2).as_secs_f64();
        likely += usize::from(scored.label == netra_screen::Label::LikelyCampaign);
        rows += 1;
    }
    let full = t.elapsed().as_secs_f64();
    println!(
        "pipeline (read, score, cluster, write): {:>10.0} posts/s, {:.2}× parse cost",
        n as f64 / full,
        full / parse
    );
    println!(
        "  per post: score {:.2} µs, cluster {:.2} µs, write {:.2} µs; {rows} rows, {likely} likely_campaign",
        stage[0] / n as f64 * 1e6,
        stage[1] / n as f64 * 1e6,
        stage[2] / n as f64 * 1e6
    );

    if std::env::args().any(|a| a == "--pipeline-only") {
        return;
    }
    // Score stage split: normalisation, lexicon, model.
    let norm = netra_screen::Normalizer::builtin();
    let lex = Lexicon::builtin();
    let model = Model::builtin();
    let texts: Vec<String> = PostReader::new(&data[..], InputFormat::Jsonl).take(100_000).map(|p| p.text).collect();
    let mut nt = netra_screen::NormText::default();
    let mut hits = Vec::new();
    let t = Instant::now();
    for x in &texts {
        norm.normalize_into(x, &mut nt);
    }
    let a = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for x in &texts {
        norm.normalize_into(x, &mut nt);
        lex.find(&nt, &mut hits);
    }
    let b = t.elapsed().as_secs_f64() - a;
    let t = Instant::now();
    let mut acc = 0f32;
    for x in &texts {
        norm.normalize_into(x, &mut nt);
        acc += model.score_normalized(nt.as_str(), norm);
    }
    let c = t.elapsed().as_secs_f64() - a;
    let k = texts.len() as f64;
    println!(
        "  normalise {:.2} µs, lexicon {:.2} µs, model {:.2} µs per post ({acc:.0})",
        a / k * 1e6,
        b / k * 1e6,
        c / k * 1e6
    );
}
