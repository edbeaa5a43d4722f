//! `netra-bench run`: seeds temporary databases, times the measured `netra` commands and prints
//! medians beside baselines measured in the same run. Targets are informational: the exit code is 0
//! whether they are met or not, and non-zero only when something fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use sha2::{Digest, Sha256};

use crate::seed;

#[derive(Args)]
pub struct RunArgs {
    /// The `netra` binary to measure (build it with `cargo build --release -p netra`).
    #[arg(long)]
    netra: PathBuf,
    /// Audit events to seed for `netra audit verify`.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Cases to seed for `netra serve`.
    #[arg(long, default_value_t = 1_000_000)]
    cases: u64,
    /// Timed runs per command (the table shows their median, min and max).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Folder for the databases (default: a temporary folder, removed at the end).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Keep the temporary folder (its path is printed).
    #[arg(long)]
    keep: bool,
    /// Run only these benchmarks (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Section>,
    /// Synthetic posts to generate for `netra screen score`.
    #[arg(long, default_value_t = 1_000_000)]
    posts: u64,
    /// Lexicon file for `netra screen score`.
    #[arg(long, default_value = "data/lexicon/example-election.json")]
    lexicon: PathBuf,
    /// How long the submission benchmark loads `netra serve`.
    #[arg(long, default_value_t = 180)]
    submit_seconds: u64,
    /// How long the trivial-handler baseline is loaded.
    #[arg(long, default_value_t = 30)]
    submit_baseline_seconds: u64,
    /// Concurrent clients of the submission benchmark.
    #[arg(long, default_value_t = 64)]
    submit_clients: usize,
    /// Share of submissions resent with the same Idempotency-Key, in percent.
    #[arg(long, default_value_t = 10)]
    submit_retry_pct: u64,
    /// Cases of the desk benchmark's large database (its baseline has --desk-small-cases).
    #[arg(long, default_value_t = 1_000_000)]
    desk_cases: u64,
    #[arg(long, default_value_t = 10_000)]
    desk_small_cases: u64,
    /// How long 16 officials load the desk on each database.
    #[arg(long, default_value_t = 60)]
    desk_seconds: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Section {
    Audit,
    Serve,
    Demo,
    Screen,
    Submit,
    Desk,
}

/// One row of the time table.
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) samples: Vec<Duration>,
    pub(crate) baseline: Option<(String, Vec<Duration>)>,
    pub(crate) target: Option<Duration>,
}

/// One row of the memory table (kB).
pub(crate) struct MemRow {
    pub(crate) name: String,
    pub(crate) samples: Vec<u64>,
    pub(crate) baseline: Option<(String, Vec<u64>)>,
}

#[derive(Default)]
pub(crate) struct Report {
    pub(crate) rows: Vec<Row>,
    pub(crate) memory: Vec<MemRow>,
    pub(crate) notes: Vec<String>,
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let netra = args.netra.canonicalize().with_context(|| format!("--netra {}", args.netra.display()))?;
    let version =
        Command::new(&netra).arg("--version").output().with_context(|| format!("running {}", netra.display()))?;
    if !version.status.success() {
        bail!("{} --version failed", netra.display());
    }
    let mut tmp = None;
    let work = match &args.work_dir {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            d.canonicalize()?
        }
        None => {
            let t = tempfile::Builder::new().prefix("netra-bench-").tempdir().context("creating a temporary folder")?;
            let path = t.path().to_owned();
            tmp = Some(t);
            path
        }
    };
    let wants = |s: Section| args.only.is_empty() || args.only.contains(&s);

    println!("netra-bench — {}", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
    println!("binary:  {} ({})", netra.display(), String::from_utf8_lossy(&version.stdout).trim());
    println!("machine: {}", machine());
    println!("work:    {}", work.display());
    println!("runs:    {} timed runs per command (medians below)", args.runs);
    println!();

    let mut report = Report::default();
    if wants(Section::Audit) {
        audit_bench(&netra, &work, args.events, args.runs, &mut report).await?;
    }
    if wants(Section::Serve) {
        serve_bench(&netra, &work, args.cases, args.runs, &mut report).await?;
    }
    if wants(Section::Demo) {
        demo_bench(&netra, &work, args.runs, &mut report)?;
    }
    if wants(Section::Screen) {
        crate::screen::screen_bench(&netra, &work, args.posts, &args.lexicon, args.runs, &mut report)?;
    }
    if wants(Section::Submit) {
        crate::submit::submit_bench(
            &netra,
            &work,
            args.submit_seconds,
            args.submit_baseline_seconds,
            args.submit_clients,
            args.submit_retry_pct,
            &mut report,
        )
        .await?;
    }
    if wants(Section::Desk) {
        crate::desk::desk_bench(&netra, &work, args.desk_cases, args.desk_small_cases, args.desk_seconds, &mut report)
            .await?;
    }
    print_report(&report);

    if let Some(t) = tmp {
        if args.keep {
            println!("\nkept {}", t.keep().display());
        } else {
            t.close().context("removing the temporary folder")?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------------

/// 1. `netra audit verify` over N events, beside SHA-256 of the same bytes.
async fn audit_bench(netra: &Path, work: &Path, events: u64, runs: usize, report: &mut Report) -> anyhow::Result<()> {
    let dir = work.join("audit");
    println!("[audit] migrating {} …", dir.display());
    netra_ok(netra, &dir, &["migrate"])?;
    println!("[audit] seeding {} events …", thousands(events));
    let mut s = seed::seed_audit(&dir, events, true).await?;
    println!("[audit] {} (database {})", seed::describe_audit(&s, &dir), db_size(&dir));
    let input = s.hash_input.take().context("hash input was not collected")?;

    // The buffer must hold exactly the bytes the chain hashes: check every event once (untimed).
    for (i, (bytes, stored)) in input.slices().zip(&input.digests).enumerate() {
        if Sha256::digest(bytes).as_slice() != stored.as_slice() {
            bail!("baseline buffer does not reproduce the hash of event #{}", i + 1);
        }
    }
    println!(
        "[audit] baseline buffer: {} events, {:.1} MiB of hashed bytes (checked against every stored hash)",
        thousands(input.events() as u64),
        input.bytes.len() as f64 / (1024.0 * 1024.0)
    );
    let mut baseline = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let mut acc = 0u8;
        for bytes in input.slices() {
            acc ^= Sha256::digest(bytes)[0];
        }
        std::hint::black_box(acc);
        baseline.push(started.elapsed());
    }
    drop(input);

    let expected = format!("audit log intact: {events} events, head {}", s.head);
    let mut wall = Vec::with_capacity(runs);
    let mut internal = Vec::with_capacity(runs);
    // One untimed warm-up, then the timed runs.
    for i in 0..=runs {
        let started = Instant::now();
        let out = netra_cmd(netra, &dir, &["audit", "verify"]).output().context("running netra audit verify")?;
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !stdout.contains(&expected) {
            bail!(
                "netra audit verify did not report an intact chain ({}):\n{stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if i > 0 {
            wall.push(elapsed);
            if let Some(d) =
                stdout.rsplit_once('(').and_then(|(_, t)| parse_debug_duration(t.trim_end().trim_end_matches(')')))
            {
                internal.push(d);
            }
        }
        println!(
            "[audit] verify run {}: {}{}",
            i,
            fmt_dur(elapsed),
            if i == 0 { " (warm-up, not counted)" } else { "" }
        );
    }
    let n = thousands(events);
    report.rows.push(Row {
        name: format!("audit verify, {n} events (process)"),
        samples: wall,
        baseline: Some((
            format!("SHA-256 of the same {n} events' hashed bytes, in memory, one thread"),
            baseline.clone(),
        )),
        target: Some(Duration::from_secs(5)),
    });
    if internal.len() == runs {
        report.rows.push(Row {
            name: format!("audit verify, {n} events (netra's timer)"),
            samples: internal,
            baseline: Some(("the same SHA-256 baseline".into(), baseline)),
            target: None,
        });
    }
    if let Some(kb) = peak_rss_with_time(netra, &dir, &["audit", "verify"])? {
        report.memory.push(MemRow {
            name: format!("audit verify, {n} events (/usr/bin/time -v)"),
            samples: vec![kb],
            baseline: None,
        });
    }
    Ok(())
}

/// 2. `netra serve` until `GET /healthz` answers 200, on N cases and on an empty database.
async fn serve_bench(netra: &Path, work: &Path, cases: u64, runs: usize, report: &mut Report) -> anyhow::Result<()> {
    let full = work.join("cases");
    let empty = work.join("empty");
    println!("[serve] migrating {} and {} …", full.display(), empty.display());
    netra_ok(netra, &full, &["migrate"])?;
    netra_ok(netra, &empty, &["migrate"])?;
    println!("[serve] seeding {} cases …", thousands(cases));
    let s = seed::seed_cases(&full, cases).await?;
    println!(
        "[serve] {} (database {}; empty database {})",
        seed::describe_cases(&s, &full),
        db_size(&full),
        db_size(&empty)
    );

    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .pool_max_idle_per_host(0)
        .build()
        .context("building the HTTP client")?;
    let (mut full_t, mut full_m, mut empty_t, mut empty_m) = (vec![], vec![], vec![], vec![]);
    // Alternate the two databases so drift (thermal, page cache) hits both alike; run 0 is a
    // warm-up (it also creates the sealing key) and is not counted.
    for i in 0..=runs {
        for (label, dir, times, mems) in
            [("empty", &empty, &mut empty_t, &mut empty_m), ("full", &full, &mut full_t, &mut full_m)]
        {
            let log = work.join(format!("serve-{label}-{i}.log"));
            let sample = serve_once(netra, dir, &client, &log).await?;
            println!(
                "[serve] {label} run {i}: healthy after {}, VmHWM {} kB{}",
                fmt_dur(sample.ready),
                sample.hwm_kb,
                if i == 0 { " (warm-up, not counted)" } else { "" }
            );
            if i > 0 {
                times.push(sample.ready);
                mems.push(sample.hwm_kb);
            }
        }
    }
    let n = thousands(cases);
    report.rows.push(Row {
        name: format!("serve → /healthz 200, {n} cases"),
        samples: full_t,
        baseline: Some(("the same on an empty (freshly migrated) database".into(), empty_t)),
        target: Some(Duration::from_secs(1)),
    });
    report.memory.push(MemRow {
        name: format!("serve peak RSS at healthy, {n} cases (VmHWM)"),
        samples: full_m,
        baseline: Some(("the same on an empty database".into(), empty_m)),
    });
    Ok(())
}

/// 3. `netra demo` on a fresh folder, beside `netra migrate` on a fresh folder.
fn demo_bench(netra: &Path, work: &Path, runs: usize, report: &mut Report) -> anyhow::Result<()> {
    let (mut demo, mut internal, mut migrate) = (vec![], vec![], vec![]);
    for i in 0..runs {
        let dir = work.join(format!("migrate-{i}"));
        let started = Instant::now();
        netra_ok(netra, &dir, &["migrate"])?;
        let m = started.elapsed();
        migrate.push(m);

        let dir = work.join(format!("demo-{i}"));
        let started = Instant::now();
        let out = netra_cmd(netra, &dir, &["demo"]).output().context("running netra demo")?;
        let d = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stdout.contains("\"loaded\": true") {
            bail!("netra demo failed ({}):\n{stdout}{stderr}", out.status);
        }
        demo.push(d);
        if let Some(t) = stderr.lines().find_map(|l| l.strip_prefix("demo load took ")).and_then(parse_debug_duration) {
            internal.push(t);
        }
        println!("[demo] run {}: demo {}, migrate {}", i + 1, fmt_dur(d), fmt_dur(m));
    }
    report.rows.push(Row {
        name: "demo on a fresh folder (process)".into(),
        samples: demo,
        baseline: Some(("netra migrate on a fresh folder".into(), migrate.clone())),
        target: None,
    });
    if internal.len() == runs {
        report.rows.push(Row {
            name: "demo load only (netra's timer)".into(),
            samples: internal,
            baseline: Some(("netra migrate on a fresh folder".into(), migrate)),
            target: None,
        });
    }
    report.notes.push(
        "demo (process) includes opening the folder (migrations and reference data), i.e. the baseline's work".into(),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

/// `netra --data DIR ARGS…` on the embedded SQLite default, whatever the caller's environment says.
pub(crate) fn netra_cmd(netra: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(netra);
    c.arg("--data")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("NETRA_DATA")
        .env_remove("NETRA_SEAL_KEY")
        .env("NETRA_LOG", "info")
        .stdin(Stdio::null());
    c
}

fn netra_ok(netra: &Path, dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = netra_cmd(netra, dir, args).output().with_context(|| format!("running netra {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "netra --data {} {} failed ({}):\n{}{}",
            dir.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

struct ServeSample {
    ready: Duration,
    hwm_kb: u64,
}

/// Starts `netra serve`, polls `/healthz` every 5 ms until it answers 200, reads the peak RSS and
/// stops the server with SIGINT (its graceful shutdown).
async fn serve_once(netra: &Path, dir: &Path, client: &reqwest::Client, log: &Path) -> anyhow::Result<ServeSample> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let log_file = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let started = Instant::now();
    let mut child = netra_cmd(netra, dir, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .context("starting netra serve")?;
    let pid = child.id();
    let mut hwm = 0;
    let outcome = loop {
        if let Some(kb) = proc_status_kb(pid, "VmHWM") {
            hwm = hwm.max(kb);
        }
        if let Ok(resp) = client.get(&url).send().await
            && resp.status() == reqwest::StatusCode::OK
        {
            break Ok(started.elapsed());
        }
        if let Some(status) = child.try_wait()? {
            break Err(anyhow::anyhow!("netra serve exited before it was healthy ({status}); see {}", log.display()));
        }
        if started.elapsed() > Duration::from_secs(120) {
            break Err(anyhow::anyhow!("netra serve not healthy after 120 s; see {}", log.display()));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    if let Some(kb) = proc_status_kb(pid, "VmHWM") {
        hwm = hwm.max(kb);
    }
    stop(&mut child).await?;
    Ok(ServeSample { ready: outcome?, hwm_kb: hwm })
}

/// SIGINT, then SIGKILL if the process is still there after 10 s.
pub(crate) async fn stop(child: &mut std::process::Child) -> anyhow::Result<()> {
    if child.try_wait()?.is_some() {
        return Ok(());
    }
    let _ = Command::new("kill").arg("-INT").arg(child.id().to_string()).status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill()?;
    child.wait()?;
    Ok(())
}

/// A `kB` field of `/proc/PID/status` (VmHWM is the peak resident set size so far).
pub(crate) fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak RSS (kB) of one more, untimed run under GNU `/usr/bin/time -v`, when it is installed.
fn peak_rss_with_time(netra: &Path, dir: &Path, args: &[&str]) -> anyhow::Result<Option<u64>> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return Ok(None);
    }
    let report = dir.join("time-v.txt");
    let inner = netra_cmd(netra, dir, args);
    let mut c = Command::new(time);
    c.arg("-v").arg("-o").arg(&report).arg(inner.get_program()).args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let out = c.stdin(Stdio::null()).output().context("running /usr/bin/time -v")?;
    if !out.status.success() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    Ok(text.lines().find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):")?.trim().parse().ok()))
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

pub(crate) fn median<T: Copy + Ord>(xs: &[T]) -> T {
    let mut v = xs.to_vec();
    v.sort();
    v[v.len() / 2]
}

pub(crate) fn fmt_dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 0.001 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

pub(crate) fn fmt_kb(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses `{:.2?}` output of a `Duration` (`3.21s`, `13.94ms`, `512.00µs`, `80.00ns`).
fn parse_debug_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = s.strip_suffix("µs") {
        (n, 1e-6)
    } else if let Some(n) = s.strip_suffix("ns") {
        (n, 1e-9)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        return None;
    };
    let v: f64 = num.trim().parse().ok()?;
    Duration::try_from_secs_f64(v * scale).ok()
}

fn print_report(r: &Report) {
    println!();
    let header = ["benchmark", "median", "min", "max", "baseline median", "ratio", "target", "result"];
    let mut lines: Vec<[String; 8]> = Vec::new();
    let mut legend = Vec::new();
    for row in &r.rows {
        let m = median(&row.samples);
        let (base, ratio) = match &row.baseline {
            Some((name, b)) => {
                let bm = median(b);
                legend.push(format!("{}: baseline = {name}", row.name));
                (fmt_dur(bm), format!("{:.2}x", m.as_secs_f64() / bm.as_secs_f64().max(1e-9)))
            }
            None => ("—".into(), "—".into()),
        };
        let (target, verdict) = match row.target {
            Some(t) => (format!("≤ {}", fmt_dur(t)), if m <= t { "PASS".into() } else { "FAIL".into() }),
            None => ("—".into(), "—".into()),
        };
        lines.push([
            row.name.clone(),
            fmt_dur(m),
            fmt_dur(*row.samples.iter().min().unwrap_or(&m)),
            fmt_dur(*row.samples.iter().max().unwrap_or(&m)),
            base,
            ratio,
            target,
            verdict,
        ]);
    }
    print_table(&header, &lines);

    if !r.memory.is_empty() {
        println!();
        let header = ["peak memory", "median", "min", "max", "baseline median", "ratio", "", ""];
        let mut mem_lines: Vec<[String; 8]> = Vec::new();
        for row in &r.memory {
            let m = median(&row.samples);
            let (base, ratio) = match &row.baseline {
                Some((name, b)) => {
                    let bm = median(b);
                    legend.push(format!("{}: baseline = {name}", row.name));
                    (fmt_kb(bm), format!("{:.2}x", m as f64 / (bm as f64).max(1.0)))
                }
                None => ("—".into(), "—".into()),
            };
            mem_lines.push([
                row.name.clone(),
                fmt_kb(m),
                fmt_kb(*row.samples.iter().min().unwrap_or(&m)),
                fmt_kb(*row.samples.iter().max().unwrap_or(&m)),
                base,
                ratio,
                String::new(),
                String::new(),
            ]);
        }
        print_table(&header, &mem_lines);
    }
    if !legend.is_empty() || !r.notes.is_empty() {
        println!();
        for l in legend.iter().chain(&r.notes) {
            println!("- {l}");
        }
        println!("- targets are informational; result compares the median with the target");
    }
}

fn print_table(header: &[&str; 8], lines: &[[String; 8]]) {
    let mut widths = header.map(|h| h.chars().count());
    for l in lines {
        for (w, cell) in widths.iter_mut().zip(l) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt_line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if w == 0 {
                continue;
            }
            if i == 0 {
                out.push_str(&format!("{cell:<w$}"));
            } else {
                out.push_str(&format!("  {cell:>w$}"));
            }
        }
        out.trim_end().to_owned()
    };
    println!("{}", fmt_line(header.to_vec()));
    let rule: usize = widths.iter().filter(|w| **w > 0).map(|w| w + 2).sum::<usize>().saturating_sub(2);
    println!("{}", "-".repeat(rule));
    for l in lines {
        println!("{}", fmt_line(l.iter().map(String::as_str).collect()));
    }
}

fn db_size(dir: &Path) -> String {
    let size: u64 =
        ["netra.db", "netra.db-wal"].iter().filter_map(|f| std::fs::metadata(dir.join(f)).ok()).map(|m| m.len()).sum();
    format!("{:.1} MiB", size as f64 / (1024.0 * 1024.0))
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem =
        proc_meminfo_kb("MemTotal").map_or_else(String::new, |kb| format!(", {:.1} GiB RAM", kb as f64 / 1048576.0));
    format!("{cores} cores, {cpu}{mem}, {}", std::env::consts::ARCH)
}

fn proc_meminfo_kb(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
