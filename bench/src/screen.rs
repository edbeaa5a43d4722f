//! Benchmark 4: `netra screen score` over N synthetic posts (see `posts.rs`), beside parsing the same
//! file with serde into the generic post struct; peak memory at 100,000 and N posts; scikit-learn's
//! `HashingVectorizer` + `LogisticRegression` on the same texts as a second reference.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::posts;
use crate::run::{MemRow, Report, Row, fmt_dur, fmt_kb, median, proc_status_kb, thousands};

/// The targets: at least this many posts per second…
const TARGET_POSTS_PER_SEC: f64 = 300_000.0;
/// …and at most this many times the cost of parsing the file.
const TARGET_RATIO: f64 = 3.0;
const SMALL: u64 = 100_000;
/// scikit-learn's char n-grams are computed in Python, ~100× slower: it scores the first this many.
const SKLEARN_POSTS: u64 = 100_000;

pub(crate) fn screen_bench(
    netra: &Path,
    work: &Path,
    n: u64,
    lexicon: &Path,
    runs: usize,
    report: &mut Report,
) -> anyhow::Result<()> {
    let lexicon = lexicon.canonicalize().with_context(|| format!("--lexicon {}", lexicon.display()))?;
    let file = work.join("posts.jsonl");
    println!("[screen] generating {} posts …", thousands(n));
    let started = Instant::now();
    let g = posts::generate(n, std::fs::File::create(&file).with_context(|| format!("creating {}", file.display()))?)?;
    println!(
        "[screen] {} posts ({} campaign, {} coordinated copies), {:.1} MiB in {} → {}",
        thousands(g.posts),
        thousands(g.campaign),
        thousands(g.coordinated),
        g.bytes as f64 / (1024.0 * 1024.0),
        fmt_dur(started.elapsed()),
        file.display()
    );
    let small = work.join("posts-100k.jsonl");
    copy_lines(&file, &small, SMALL.min(n))?;

    // Baseline: serde into the generic post struct, one thread, same file (warm-up read first).
    parse_file(&file)?;
    let mut parse = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        let count = parse_file(&file)?;
        let d = t.elapsed();
        if count != n {
            bail!("parsed {count} posts, expected {n}");
        }
        println!("[screen] parse run {}: {} ({:.0} posts/s)", i + 1, fmt_dur(d), n as f64 / d.as_secs_f64());
        parse.push(d);
    }

    let timed =
        |threads: Option<&str>, input: &Path, count: u64, runs: usize| -> anyhow::Result<(Vec<Duration>, Vec<u64>)> {
            let (mut times, mut peaks) = (Vec::new(), Vec::new());
            for i in 0..=runs {
                let (d, hwm) = score_once(netra, &lexicon, threads, input, count)?;
                let what = threads.map_or_else(|| "all cores".to_owned(), |t| format!("{t} thread"));
                println!(
                    "[screen] score ({what}, {} posts) run {i}: {} ({:.0} posts/s), VmHWM {}{}",
                    thousands(count),
                    fmt_dur(d),
                    count as f64 / d.as_secs_f64(),
                    fmt_kb(hwm),
                    if i == 0 { " (warm-up, not counted)" } else { "" }
                );
                if i > 0 {
                    times.push(d);
                    peaks.push(hwm);
                }
            }
            Ok((times, peaks))
        };
    let (all, all_mem) = timed(None, &file, n, runs)?;
    let (one, _) = timed(Some("1"), &file, n, runs.min(3))?;
    let (_, small_mem) = timed(None, &small, SMALL.min(n), runs.min(3))?;

    let name = thousands(n);
    let parse_name = format!("serde_json into netra_screen::Post, the same {name} posts, one thread");
    report.rows.push(Row {
        name: format!("screen score, {name} posts (process, all cores)"),
        samples: all.clone(),
        baseline: Some((parse_name.clone(), parse.clone())),
        target: Some(Duration::from_secs_f64(n as f64 / TARGET_POSTS_PER_SEC)),
    });
    report.rows.push(Row {
        name: format!("screen score --threads 1, {name} posts"),
        samples: one.clone(),
        baseline: Some(("the same serde baseline".into(), parse.clone())),
        target: None,
    });
    report.memory.push(MemRow {
        name: format!("screen score peak RSS, {name} posts (VmHWM)"),
        samples: all_mem,
        baseline: Some((format!("the same on the first {} posts", thousands(SMALL.min(n))), small_mem)),
    });
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let (m, p1, pm) = (median(&all), median(&one), median(&parse));
    let ratio = m.as_secs_f64() / pm.as_secs_f64();
    report.notes.push(format!(
        "screen score: {:.0} posts/s on all cores, {:.0} posts/s on one thread; parse baseline {:.0} posts/s; \
         {:.2}x the parse cost (target ≤ {TARGET_RATIO:.2}x: {}); ≥ {TARGET_POSTS_PER_SEC:.0} posts/s: {}",
        rate(m),
        rate(p1),
        rate(pm),
        ratio,
        if ratio <= TARGET_RATIO { "PASS" } else { "FAIL" },
        if rate(m) >= TARGET_POSTS_PER_SEC { "PASS" } else { "FAIL" },
    ));
    report.notes.push(sklearn(&file, 1));
    Ok(())
}

/// Reads every line and deserialises it into the generic post struct (the cost `netra screen
/// score` cannot avoid); returns the number of posts.
fn parse_file(path: &Path) -> anyhow::Result<u64> {
    let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut line = String::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(n);
        }
        let post: netra_screen::Post = serde_json::from_str(&line).context("parsing a generated post")?;
        std::hint::black_box(&post);
        n += 1;
    }
}

fn copy_lines(from: &Path, to: &Path, lines: u64) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(to)?);
    for line in BufReader::new(std::fs::File::open(from)?).split(b'\n').take(lines as usize) {
        std::io::Write::write_all(&mut out, &line?)?;
        std::io::Write::write_all(&mut out, b"\n")?;
    }
    std::io::Write::flush(&mut out)?;
    Ok(())
}

/// `netra screen score --lexicon L INPUT > /dev/null`, timed from spawn to exit; VmHWM polled from
/// `/proc/PID/status` every 2 ms while it runs (the last value before exit is its peak).
fn score_once(
    netra: &Path,
    lexicon: &Path,
    threads: Option<&str>,
    input: &Path,
    expected: u64,
) -> anyhow::Result<(Duration, u64)> {
    let mut c = Command::new(netra);
    c.args(["screen", "score", "--lexicon"]).arg(lexicon);
    if let Some(t) = threads {
        c.args(["--threads", t]);
    }
    c.arg(input).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    c.env_remove("DATABASE_URL").env_remove("NETRA_DATA");
    let started = Instant::now();
    let mut child = c.spawn().context("starting netra screen score")?;
    let pid = child.id();
    let mut hwm = 0;
    let status = loop {
        if let Some(kb) = proc_status_kb(pid, "VmHWM") {
            hwm = hwm.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr)?;
    }
    if !status.success() || !stderr.contains(&format!("scored {expected} posts")) {
        bail!("netra screen score failed ({status}):\n{stderr}");
    }
    Ok((elapsed, hwm))
}

/// scikit-learn's HashingVectorizer + LogisticRegression over the same texts, when python3 has it.
fn sklearn(file: &Path, runs: usize) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("sklearn_screen.py");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/lexicon/train-id.jsonl");
    let has = Command::new("python3")
        .args(["-c", "import sklearn"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        println!("[screen] sklearn: not available");
        return "sklearn: not available (python3 -c 'import sklearn' failed)".into();
    }
    println!("[screen] scikit-learn reference …");
    let out = Command::new("python3")
        .arg(&script)
        .arg(file)
        .arg(&corpus)
        .args(["--runs", &runs.max(1).to_string(), "--limit", &SKLEARN_POSTS.to_string()])
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            print!("{text}");
            text.lines().rfind(|l| l.starts_with("sklearn:")).unwrap_or("sklearn: no result").to_owned()
        }
        Ok(o) => format!("sklearn: failed ({}): {}", o.status, String::from_utf8_lossy(&o.stderr).trim()),
        Err(e) => format!("sklearn: failed to start python3: {e}"),
    }
}
