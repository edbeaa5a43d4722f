//! Benchmark 6: the case desk under 16 concurrent officials: the inbox (`GET /api/v1/desk`), full-text search
//! (`GET /api/v1/desk?view=all&q=…`) and the case (`GET /api/v1/cases/{id}`, what the case page
//! reads), on 1,000,000 seeded cases beside the same on 10,000 cases, measured in the same run.
//! Officials span every scope size: regency offices, provinces, the national office and the
//! neutrality authority.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::run::{Report, Row, fmt_dur, netra_cmd, stop, thousands};

/// (username, role, region) of the 16 officials.
const OFFICIALS: &[(&str, &str, Option<&str>)] = &[
    ("kota-semarang", "bawaslu_kabkota", Some("33.74")),
    ("kota-surabaya", "bawaslu_kabkota", Some("35.78")),
    ("kota-bandung", "bawaslu_kabkota", Some("32.73")),
    ("kota-medan", "bawaslu_kabkota", Some("12.71")),
    ("kota-makassar", "bawaslu_kabkota", Some("73.71")),
    ("kota-denpasar", "bawaslu_kabkota", Some("51.71")),
    ("kab-garut", "bawaslu_kabkota", Some("32.05")),
    ("kab-banyumas", "bawaslu_kabkota", Some("33.02")),
    ("prov-jateng", "bawaslu_provinsi", Some("33")),
    ("prov-jatim", "bawaslu_provinsi", Some("35")),
    ("prov-jabar", "bawaslu_provinsi", Some("32")),
    ("prov-sulsel", "bawaslu_provinsi", Some("73")),
    ("ri-1", "bawaslu_ri", None),
    ("ri-2", "bawaslu_ri", None),
    ("bkn-1", "authority_verifier", None),
    ("bkn-2", "authority_verifier", None),
];

/// Words of the seeded summaries, so searches find something at every scope.
const TERMS: &[&str] = &["deklarasi", "guru whatsapp", "alat peraga", "camat", "instagram", "balai desa"];

#[derive(Default)]
struct Latencies {
    inbox: Vec<Duration>,
    search: Vec<Duration>,
    case: Vec<Duration>,
    errors: u64,
}

fn p95(v: &mut [Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[((v.len() as f64 - 1.0) * 0.95).round() as usize]
}

fn token(netra: &Path, dir: &Path, username: &str, role: &str, region: Option<&str>) -> anyhow::Result<String> {
    let mut args = vec!["admin", "create-user", "--username", username, "--name", username, "--role", role];
    if let Some(r) = region {
        args.extend(["--region", r]);
    }
    let out = netra_cmd(netra, dir, &args).output()?;
    ensure!(out.status.success(), "create-user {username}: {}", String::from_utf8_lossy(&out.stderr));
    let out = netra_cmd(netra, dir, &["admin", "create-token", "--username", username]).output()?;
    ensure!(out.status.success(), "create-token {username}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).lines().last().context("token line")?.trim().to_owned())
}

async fn measure(netra: &Path, dir: &Path, log: &Path, seconds: u64) -> anyhow::Result<Latencies> {
    let tokens: Vec<String> =
        OFFICIALS.iter().map(|(u, r, reg)| token(netra, dir, u, r, *reg)).collect::<anyhow::Result<_>>()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = netra_cmd(netra, dir, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .spawn()
        .context("starting netra serve")?;
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(60)).build()?;
    // The first start on a seeded database builds the search index: wait for it.
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        if let Some(s) = server.try_wait()? {
            bail!("netra serve exited ({s}); see {}", log.display());
        }
        ensure!(started.elapsed() < Duration::from_secs(1800), "netra serve not healthy after 30 min");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("[desk] serve healthy after {} (includes building the search index)", fmt_dur(started.elapsed()));

    // Each official's case ids, from their own "all cases" list.
    let mut ids = Vec::new();
    for tok in &tokens {
        let v: Value = http.get(format!("{base}/api/v1/desk?view=all")).bearer_auth(tok).send().await?.json().await?;
        let list: Vec<String> = v["rows"]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["case"]["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        ids.push(list);
    }
    let lat = Arc::new(Mutex::new(Latencies::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (i, (tok, ids)) in tokens.into_iter().zip(ids).enumerate() {
        let (http, lat, base) = (http.clone(), lat.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = i;
            while Instant::now() < deadline {
                n += 1;
                let (kind, url) = match n % 3 {
                    0 => (0, format!("{base}/api/v1/desk")),
                    1 => (1, format!("{base}/api/v1/desk?view=all&q={}", TERMS[n % TERMS.len()].replace(' ', "+"))),
                    _ if !ids.is_empty() => (2, format!("{base}/api/v1/cases/{}", ids[n % ids.len()])),
                    _ => (0, format!("{base}/api/v1/desk")),
                };
                let t0 = Instant::now();
                let ok = match http.get(&url).bearer_auth(&tok).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let d = t0.elapsed();
                let mut l = lat.lock().await;
                if !ok {
                    l.errors += 1;
                }
                match kind {
                    0 => l.inbox.push(d),
                    1 => l.search.push(d),
                    _ => l.case.push(d),
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    stop(&mut server).await?;
    Arc::try_unwrap(lat).map_err(|_| anyhow::anyhow!("tasks still running")).map(Mutex::into_inner)
}

pub(crate) async fn desk_bench(
    netra: &Path,
    work: &Path,
    cases: u64,
    small: u64,
    seconds: u64,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut results = Vec::new();
    for n in [small, cases] {
        let dir = work.join(format!("desk-{n}"));
        let out = netra_cmd(netra, &dir, &["migrate"]).output()?;
        ensure!(out.status.success(), "netra migrate: {}", String::from_utf8_lossy(&out.stderr));
        println!("[desk] seeding {} cases …", thousands(n));
        let s = crate::seed::seed_cases(&dir, n).await?;
        println!("[desk] {}", crate::seed::describe_cases(&s, &dir));
        println!("[desk] 16 officials for {seconds} s on {} cases …", thousands(n));
        let mut l = measure(netra, &dir, &work.join(format!("desk-{n}.log")), seconds).await?;
        let requests = l.inbox.len() + l.search.len() + l.case.len();
        println!(
            "[desk] {} cases: {} requests ({:.0}/s), {} errors; p95 inbox {}, search {}, case {}",
            thousands(n),
            thousands(requests as u64),
            requests as f64 / seconds as f64,
            l.errors,
            fmt_dur(p95(&mut l.inbox)),
            fmt_dur(p95(&mut l.search)),
            fmt_dur(p95(&mut l.case))
        );
        ensure!(l.errors == 0, "{} desk requests failed on {n} cases", l.errors);
        ensure!(
            !l.inbox.is_empty() && !l.search.is_empty() && !l.case.is_empty(),
            "a request kind was never measured on {n} cases (no visible case ids?)"
        );
        results.push(l);
    }
    let (mut small_l, mut big) = (results.remove(0), results.remove(0));
    for (name, big_v, small_v, target) in [
        ("inbox", &mut big.inbox, &mut small_l.inbox, 50),
        ("search", &mut big.search, &mut small_l.search, 50),
        ("case", &mut big.case, &mut small_l.case, 30),
    ] {
        report.rows.push(Row {
            name: format!("desk {name} p95, {} cases, 16 officials", thousands(cases)),
            samples: vec![p95(big_v)],
            baseline: Some((format!("the same on {} cases", thousands(small)), vec![p95(small_v)])),
            target: Some(Duration::from_millis(target)),
        });
    }
    Ok(())
}
