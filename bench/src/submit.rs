//! Benchmark 5: sustained anonymous submissions against a release `netra serve` (production Argon2id
//! parameters for the receipt hash), N concurrent clients for a fixed time, a share of requests
//! retried with the same `Idempotency-Key`; then the database is checked: every acknowledged report
//! is there exactly once (zero lost, zero duplicated). Beside it, in the same run, a trivial axum
//! handler (`netra-bench trivial-server`, its own process like `netra serve`) under the same load.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::Mutex;

use crate::run::{Report, fmt_dur, stop, thousands};

/// `netra-bench trivial-server --listen ADDR`: answers `POST /api/v1/reports` with a fixed 201 JSON
/// body after parsing the request as JSON — the least any JSON endpoint does.
pub async fn trivial_server(listen: std::net::SocketAddr) -> anyhow::Result<()> {
    use axum::routing::{get, post};
    async fn submit(axum::Json(v): axum::Json<Value>) -> (axum::http::StatusCode, axum::Json<Value>) {
        let kind = v.get("kind").cloned().unwrap_or(Value::Null);
        (axum::http::StatusCode::CREATED, axum::Json(json!({"kind": kind, "receipt_code": "0"})))
    }
    let app = axum::Router::new().route("/api/v1/reports", post(submit)).route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

#[derive(Default)]
struct Tally {
    /// Acknowledged (201) first submissions: idempotency key → case id.
    acknowledged: BTreeMap<String, String>,
    /// Retries answered 201 with a body different from the first answer (must stay 0).
    retry_mismatch: u64,
    retries: u64,
    errors: BTreeMap<String, u64>,
    latencies: Vec<Duration>,
}

fn report_body(i: u64) -> Value {
    json!({
        "kind": "informasi_awal",
        "election": "pilkada-2024",
        "known_at": chrono::Utc::now().to_rfc3339(),
        "act": {
            "occurred_at": (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339(),
            "region_code": "33.74.01",
            "description": format!("Lurah membagikan stiker paslon di kantor kelurahan (uji beban {i})."),
            "violation_codes": ["D-2"], "medium": "offline"
        },
        "subjects": [{"name": format!("Terlapor {i}"), "position_title": "Lurah"}]
    })
}

/// Runs `clients` loops for `seconds` against `base`; every `retry_every`-th request resends the
/// client's previous request with the same key.
async fn load(base: &str, clients: usize, seconds: u64, retry_every: u64, check: bool) -> anyhow::Result<Tally> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(clients)
        .build()?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, tally, url) = (http.clone(), tally.clone(), format!("{base}/api/v1/reports"));
        tasks.push(tokio::spawn(async move {
            let mut n: u64 = 0;
            let mut last: Option<(String, Value, String)> = None;
            while Instant::now() < deadline {
                n += 1;
                let retry = n.is_multiple_of(retry_every) && last.is_some();
                let (key, body) = match (&last, retry) {
                    (Some((k, b, _)), true) => (k.clone(), b.clone()),
                    _ => (format!("bench-{c}-{n}-{}", uuid::Uuid::now_v7()), report_body(c as u64 * 1_000_000 + n)),
                };
                let started = Instant::now();
                let resp = http.post(&url).header("Idempotency-Key", &key).json(&body).send().await;
                let elapsed = started.elapsed();
                let mut t = tally.lock().await;
                t.latencies.push(elapsed);
                match resp {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let text = r.text().await.unwrap_or_default();
                        if retry {
                            t.retries += 1;
                            if check && last.as_ref().is_some_and(|(_, _, first)| first != &text) {
                                t.retry_mismatch += 1;
                            }
                        } else {
                            if check {
                                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                                let case = v["case_id"].as_str().unwrap_or_default().to_owned();
                                t.acknowledged.insert(key.clone(), case);
                            } else {
                                t.acknowledged.insert(key.clone(), String::new());
                            }
                            last = Some((key, body, text));
                        }
                    }
                    Ok(r) => *t.errors.entry(format!("HTTP {}", r.status().as_u16())).or_default() += 1,
                    Err(e) => *t.errors.entry(format!("{e}")).or_default() += 1,
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let t = Arc::try_unwrap(tally).map_err(|_| anyhow::anyhow!("load tasks still hold the tally"))?.into_inner();
    Ok(t)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn wait_healthy(base: &str, child: &mut std::process::Child) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(2)).build()?;
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("server exited before it was healthy ({status})");
        }
        ensure!(started.elapsed() < Duration::from_secs(120), "server not healthy after 120 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub(crate) async fn submit_bench(
    netra: &Path,
    work: &Path,
    seconds: u64,
    baseline_seconds: u64,
    clients: usize,
    retry_pct: u64,
    report: &mut Report,
) -> anyhow::Result<()> {
    ensure!(clients > 0 && seconds > 0, "--submit-clients and --submit-seconds must be positive");
    ensure!((1..=50).contains(&retry_pct), "--submit-retry-pct must be 1–50");
    let retry_every = 100 / retry_pct;

    // Baseline: the trivial handler in its own process.
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let me = std::env::current_exe().context("locating netra-bench")?;
    let mut trivial = std::process::Command::new(me)
        .args(["trivial-server", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the trivial server")?;
    wait_healthy(&base, &mut trivial).await?;
    println!("[submit] baseline: trivial axum handler, {clients} clients, {baseline_seconds} s …");
    let started = Instant::now();
    let b = load(&base, clients, baseline_seconds, retry_every, false).await?;
    let b_elapsed = started.elapsed();
    stop(&mut trivial).await?;

    // Netra: demo data (for the election), public rate limits off, everything else as in production.
    let dir = work.join("submit");
    let out = crate::run::netra_cmd(netra, &dir, &["demo"]).output().context("running netra demo")?;
    ensure!(out.status.success(), "netra demo failed: {}", String::from_utf8_lossy(&out.stderr));
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let log = work.join("submit-serve.log");
    let mut server = crate::run::netra_cmd(
        netra,
        &dir,
        &["serve", "--listen", &format!("127.0.0.1:{port}"), "--no-public-rate-limits"],
    )
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(&log)?)
    .spawn()
    .context("starting netra serve")?;
    wait_healthy(&base, &mut server).await?;
    let before = count_cases(&dir).await?;
    println!("[submit] netra serve: {clients} clients, {seconds} s, every {retry_every}th request a retry …");
    let started = Instant::now();
    let n = load(&base, clients, seconds, retry_every, true).await?;
    let n_elapsed = started.elapsed();
    stop(&mut server).await?;

    // Zero lost, zero duplicated: the database holds exactly the acknowledged reports.
    let after = count_cases(&dir).await?;
    let created = after - before;
    let acknowledged = n.acknowledged.len() as u64;
    let ids: BTreeSet<&String> = n.acknowledged.values().collect();
    let mut conn = sqlite(&dir).await?;
    let mut missing = 0u64;
    for id in &ids {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = ?")
            .bind(id.as_str())
            .fetch_one(&mut conn)
            .await?;
        if found != 1 {
            missing += 1;
        }
    }
    conn.close().await?;
    let lost = missing + acknowledged.saturating_sub(ids.len() as u64);
    let duplicated = created.saturating_sub(acknowledged) + n.retry_mismatch;

    let rate = |t: &Tally, d: Duration| (t.acknowledged.len() as u64 + t.retries) as f64 / d.as_secs_f64();
    let (netra_rate, base_rate) = (rate(&n, n_elapsed), rate(&b, b_elapsed));
    let mut lat = n.latencies.clone();
    lat.sort();
    let mut blat = b.latencies.clone();
    blat.sort();
    let errors: u64 = n.errors.values().sum();
    println!(
        "[submit] netra: {} acknowledged + {} retries in {:.1} s = {:.1} req/s; p50 {} p99 {}; {} errors {:?}",
        thousands(acknowledged),
        thousands(n.retries),
        n_elapsed.as_secs_f64(),
        netra_rate,
        fmt_dur(percentile(&lat, 0.5)),
        fmt_dur(percentile(&lat, 0.99)),
        errors,
        n.errors
    );
    println!(
        "[submit] database: {} new cases for {} acknowledged submissions → lost {lost}, duplicated {duplicated}",
        thousands(created),
        thousands(acknowledged)
    );
    report.notes.push(format!(
        "5. submissions ({clients} clients, {seconds} s, {retry_pct} % retried with the same key, production Argon2id): \
         {netra_rate:.1} req/s, p50 {}, p99 {}, {errors} errors, lost {lost}, duplicated {duplicated}; \
         trivial axum handler in the same run: {base_rate:.0} req/s, p99 {} → netra at {:.4}× the trivial handler's rate",
        fmt_dur(percentile(&lat, 0.5)),
        fmt_dur(percentile(&lat, 0.99)),
        fmt_dur(percentile(&blat, 0.99)),
        netra_rate / base_rate.max(f64::MIN_POSITIVE)
    ));
    if lost > 0 || duplicated > 0 {
        bail!("submission benchmark: {lost} lost and {duplicated} duplicated reports (see {})", log.display());
    }
    Ok(())
}

async fn sqlite(dir: &Path) -> anyhow::Result<sqlx::SqliteConnection> {
    let url = format!("sqlite://{}?mode=ro", dir.join("netra.db").display());
    Ok(sqlx::SqliteConnection::connect(&url).await?)
}

async fn count_cases(dir: &Path) -> anyhow::Result<u64> {
    let mut c = sqlite(dir).await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&mut c).await?;
    c.close().await?;
    Ok(u64::try_from(n)?)
}
