//! The public portal pages over real HTTP: the report form (no cookies, no absolute URLs, the place
//! picker without JavaScript), a multipart informasi awal with a photo, the idempotent retry, bad
//! files and bad input refused with their own message while nothing is stored, and the follow-up
//! with the receipt code (no enumeration, messages, evidence, the rate limit).

use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, NaiveDate, Utc};
use netra_core::portal::RateLimits;
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::model::{Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_evidence::object_store::memory::InMemory;
use netra_evidence::{EvidenceKeys, UploadPolicy, Vault};
use netra_store::{Db, people};
use netra_web::WebConfig;
use reqwest::multipart::{Form, Part};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A valid 1×1 PNG.
const PNG_B64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    data_encoding::BASE64.decode(PNG_B64.as_bytes()).unwrap()
}

/// Upload limit of the test vault: small, so "one byte over" is cheap to send.
const MAX_BYTES: u64 = 4096;

struct Site {
    base: String,
    http: reqwest::Client,
    netra: Netra,
}

async fn site(db: &Db, limits: RateLimits) -> anyhow::Result<Site> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let mut tx = db.begin_write().await?;
    let election = Election {
        id: "el-pilkada".into(),
        code: "pilkada-2024".into(),
        name: "Pemilihan Serentak 2024".into(),
        kind: ElectionKind::RegionalSimultaneous,
        year: 2024,
        voting_day: d("2024-11-27"),
        stages: vec![
            Stage { kind: StageKind::Campaign, starts_on: d("2024-09-25"), ends_on: d("2024-11-23") },
            Stage { kind: StageKind::Voting, starts_on: d("2024-11-27"), ends_on: d("2024-11-27") },
        ],
        regions: vec![],
    };
    people::insert_election(&mut tx, &election, 1, 0).await?;
    tx.commit().await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([5; 32]), NumberTemplate::default_template(), clock)
        .with_rate_limits(limits);
    let policy = UploadPolicy { max_bytes: MAX_BYTES, ..UploadPolicy::default() };
    let vault = Vault::new(Arc::new(InMemory::new()), EvidenceKeys::generate(), policy);
    let config = WebConfig { evidence: Some(Arc::new(vault)), ..WebConfig::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = netra_web::router_with(netra.clone(), config);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    Ok(Site { base, http, netra })
}

/// The fields of a complete anonymous report; `word` makes its description recognisable.
fn fields(word: &str, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("idempotency_key", key.to_owned()),
        ("kind", "informasi_awal".into()),
        ("election", "pilkada-2024".into()),
        ("occurred_date", "2024-10-13".into()),
        ("occurred_time", "10:00".into()),
        ("known_date", "2024-10-14".into()),
        ("known_time", "09:00".into()),
        ("province", "33".into()),
        ("regency", "33.74".into()),
        ("district", "33.74.05".into()),
        ("description", format!("Camat {word} mengunggah ajakan memilih paslon nomor 2 di Facebook.")),
        ("violation", "D-2".into()),
        ("violation", "tidak_tahu".into()),
        ("medium", "social_media".into()),
        ("platform", "facebook".into()),
        ("subject_name_0", format!("Camat {word}")),
        ("subject_position_0", "Camat".into()),
    ]
}

fn form(fields: &[(&'static str, String)], files: Vec<Part>) -> Form {
    let mut f = Form::new();
    for (k, v) in fields {
        f = f.text(*k, v.clone());
    }
    for p in files {
        f = f.part("bukti", p);
    }
    f
}

fn file(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap()
}

impl Site {
    async fn post_report(&self, form: Form) -> anyhow::Result<(u16, reqwest::header::HeaderMap, String)> {
        let r = self.http.post(format!("{}/lapor", self.base)).multipart(form).send().await?;
        let (s, h) = (r.status().as_u16(), r.headers().clone());
        Ok((s, h, r.text().await?))
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> anyhow::Result<(u16, String)> {
        let r = self.http.post(format!("{}{path}", self.base)).form(form).send().await?;
        Ok((r.status().as_u16(), r.text().await?))
    }

    async fn cases(&self) -> anyhow::Result<i64> {
        Ok(netra_store::cases::count_by_state(&self.netra.db).await?.iter().map(|(_, n)| n).sum())
    }

    async fn evidence(&self) -> anyhow::Result<i64> {
        Ok(netra_store::evidence::count(&self.netra.db).await?)
    }
}

/// The receipt code on the success page, digits only.
fn receipt_of(html: &str) -> anyhow::Result<String> {
    let i = html.find("id=\"kode-tanda-terima\">").context("no receipt on the page")? + 23;
    let shown = html[i..].split('<').next().unwrap_or_default();
    let groups: Vec<&str> = shown.split(' ').collect();
    ensure!(groups.len() == 6 && groups.iter().all(|g| g.len() == 4), "grouped in fours: {shown}");
    Ok(shown.replace(' ', ""))
}

async fn form_needs_no_cookie_or_script(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off()).await?;
    for path in ["/lapor", "/tanda-terima", "/", "/lapor/wilayah?induk=33"] {
        let r = s.http.get(format!("{}{path}", s.base)).send().await?;
        ensure!(r.status() == 200, "{path}: {}", r.status());
        ensure!(r.headers().get("set-cookie").is_none(), "{path} sets a cookie");
        ensure!(r.headers().get("cache-control").and_then(|v| v.to_str().ok()) == Some("no-store"), "{path}");
        let html = r.text().await?;
        ensure!(!html.contains("http://") && !html.contains("https://"), "{path} has an absolute URL");
    }
    let html = s.http.get(format!("{}/lapor", s.base)).send().await?.text().await?;
    ensure!(html.contains("name=\"idempotency_key\" value=\"") && html.contains("multipart/form-data"));
    ensure!(html.contains("Informasi awal") && html.contains("menyegel identitas"), "the two kinds explained");
    ensure!(html.contains("HEIC") && html.contains("metadata seperti lokasi tidak dapat dihapus"), "warned before");
    ensure!(html.contains("7 hari"), "deadline rule stated");
    // The htmx fragment lists the regencies of a province.
    let frag = s.http.get(format!("{}/lapor/wilayah?induk=33", s.base)).send().await?.text().await?;
    ensure!(frag.contains("value=\"33.74\"") && !frag.contains("<html"), "fragment: {frag}");
    // Without JavaScript: "Pilih" posts the form back with the next level and keeps what was typed.
    let typed = vec![
        ("idempotency_key", "k-step".to_owned()),
        ("province", "33".into()),
        ("description", "Teks yang sudah diketik tetap ada".into()),
        ("action", "wilayah".into()),
    ];
    let (status, h, html) = s.post_report(form(&typed, vec![])).await?;
    ensure!(status == 200 && h.get("set-cookie").is_none(), "step: {status}");
    ensure!(html.contains("value=\"33.74\"") && html.contains("Teks yang sudah diketik tetap ada"), "step kept");
    ensure!(s.cases().await? == 0, "a step stores nothing");
    Ok(())
}

async fn anonymous_report_with_photo(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off()).await?;
    let f = fields("Sukamto", "kunci-uji-1");
    let (status, h, html) = s.post_report(form(&f, vec![file(png(), "foto.png", "image/png")])).await?;
    ensure!(status == 200, "submit: {status}: {html}");
    ensure!(h.get("set-cookie").is_none() && h.get("cache-control").and_then(|v| v.to_str().ok()) == Some("no-store"));
    let receipt = receipt_of(&html)?;
    ensure!(receipt.len() == 24 && receipt.chars().all(|c| c.is_ascii_digit()));
    ensure!(html.contains("/tanda-terima") && html.contains("satu kali"), "advice shown");
    ensure!(s.cases().await? == 1, "one case");
    let access = s.netra.open_receipt(&netra_core::portal::Client::unknown(), &receipt).await?;
    let rows = netra_store::evidence::for_case(&s.netra.db.pool, access.case_id()).await?;
    ensure!(rows.len() == 1 && rows[0].cleaning == "cleaned" && rows[0].derivative_key.is_some(), "cleaned");
    ensure!(rows[0].added_by == "reporter");

    // The same form sent again (a retry after a lost answer): the same receipt, nothing new.
    let (status, _, again) = s.post_report(form(&f, vec![file(png(), "foto.png", "image/png")])).await?;
    ensure!(status == 200, "retry: {status}");
    ensure!(receipt_of(&again)? == receipt, "same receipt on retry");
    ensure!(s.cases().await? == 1 && s.evidence().await? == 1, "still one case and one file");
    Ok(())
}

async fn bad_input_stores_nothing(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off()).await?;
    let mut over = png();
    over.resize(MAX_BYTES as usize + 1, 0);
    let cases: Vec<(&str, Part, &str)> = vec![
        (
            "lies",
            file(b"hello, this is plain text".to_vec(), "foto.jpg", "image/jpeg"),
            "Jenis berkas ini tidak diterima",
        ),
        ("empty", file(Vec::new(), "kosong.jpg", "image/jpeg"), "Berkas kosong (0 bita)"),
        ("over", file(over, "besar.png", "image/png"), "Berkas terlalu besar"),
        ("climb", file(png(), "../../rahasia/foto.png", "image/png"), "Nama berkas tidak sah"),
    ];
    for (word, part, message) in cases {
        let word = format!("Uji{word}");
        let (status, h, html) = s.post_report(form(&fields(&word, &format!("kunci-{word}")), vec![part])).await?;
        ensure!(status == 422, "{word}: {status}");
        ensure!(h.get("set-cookie").is_none());
        ensure!(html.contains(message), "{word}: specific message missing");
        ensure!(html.contains(&format!("Camat {word} mengunggah")), "{word}: description kept");
        ensure!(html.contains(&format!("value=\"Camat {word}\"")), "{word}: subject kept");
        ensure!(html.contains("value=\"33.74.05\" selected"), "{word}: place kept");
        ensure!(html.contains("pilih lagi berkas"), "{word}: told to choose files again");
        ensure!(s.cases().await? == 0 && s.evidence().await? == 0, "{word}: nothing stored");
    }
    // A file far over the per-file limit, within the route's body limit: the file's own message.
    let big = file(vec![7u8; 300 * 1024], "video.mp4", "video/mp4");
    let (status, _, html) = s.post_report(form(&fields("Besar", "kunci-besar"), vec![big])).await?;
    ensure!(status == 422 && html.contains("Berkas terlalu besar"), "big file: {status}");
    ensure!(html.contains("Camat Besar mengunggah"), "big file: description kept");
    // A form larger than the route's body limit: a clear Indonesian page, not a bare 413.
    let huge = file(vec![7u8; 1200 * 1024], "video.mp4", "video/mp4");
    let (status, h, html) = s.post_report(form(&fields("Besarsekali", "kunci-besar-2"), vec![huge])).await?;
    ensure!(status == 413 && html.contains("Formulir terlalu besar"), "oversized form: {status}");
    ensure!(h.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("text/html")));
    ensure!(s.cases().await? == 0 && s.evidence().await? == 0, "oversized: nothing stored");
    // More files than a form takes.
    let six = (0..6).map(|i| file(png(), &format!("foto{i}.png"), "image/png")).collect();
    let (status, _, html) = s.post_report(form(&fields("Enam", "kunci-enam"), six)).await?;
    ensure!(status == 422 && html.contains("Paling banyak 5 berkas"), "six files: {status}");
    ensure!(s.cases().await? == 0 && s.evidence().await? == 0, "six files: nothing stored");
    // A laporan without name and address: the field's own message, the rest kept.
    let mut f = fields("Tanpanama", "kunci-laporan");
    f[1].1 = "laporan".into();
    let (status, _, html) = s.post_report(form(&f, vec![])).await?;
    ensure!(status == 422 && html.contains("wajib mencantumkan nama dan alamat"), "identity required: {status}");
    ensure!(html.contains("Camat Tanpanama mengunggah"), "kept");
    // A date in the future comes back from the core with the Indonesian sentence.
    let mut f = fields("Masadepan", "kunci-masa-depan");
    f[3].1 = "2024-12-30".into();
    let (status, _, html) = s.post_report(form(&f, vec![])).await?;
    ensure!(status == 422 && html.contains("tidak boleh di masa depan"), "future: {status}");
    ensure!(s.cases().await? == 0, "nothing stored");
    // A receipt code with letters.
    let (status, html) = s.post("/tanda-terima", &[("kode", "1234 5678 9O12 3456 7890 1234")]).await?;
    ensure!(status == 422 && html.contains("hanya berisi angka"), "letters: {status}");
    ensure!(html.contains("9O12"), "typed code kept");
    let (status, html) = s.post("/tanda-terima", &[("kode", "1234 5678")]).await?;
    ensure!(status == 422 && html.contains("terdiri atas 24 angka"), "length: {status}");
    Ok(())
}

async fn formal_report_and_english(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off()).await?;
    let mut f = fields("Resmi", "kunci-resmi");
    f[1].1 = "laporan".into();
    f.push(("reporter_name", "Siti Pelapor Rahasia".into()));
    f.push(("reporter_address", "Jl. Pemuda No. 12, Semarang".into()));
    let (status, _, html) = s.post_report(form(&f, vec![])).await?;
    ensure!(status == 200, "laporan: {status}");
    receipt_of(&html)?;
    ensure!(html.contains("identitas Anda disegel") && !html.contains("Siti Pelapor Rahasia"), "identity not echoed");
    // Identity typed for an informasi awal is dropped, not refused and not stored.
    let mut f = fields("Anonim", "kunci-anonim");
    f.push(("reporter_name", "Nama Yang Tidak Dikirim".into()));
    let (status, _, html) = s.post_report(form(&f, vec![])).await?;
    ensure!(status == 200 && html.contains("tanpa identitas apa pun"), "anonymous: {status}");
    ensure!(s.cases().await? == 2);
    // The same pages in English on request.
    let r = s.http.get(format!("{}/lapor", s.base)).header("accept-language", "en-GB,en;q=0.9").send().await?;
    let html = r.text().await?;
    ensure!(html.contains("lang=\"en\"") && html.contains("Report a breach of civil-servant neutrality"), "English");
    Ok(())
}

async fn follow_up_with_the_receipt(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off()).await?;
    let (status, _, html) = s.post_report(form(&fields("Lanjutan", "kunci-lanjut"), vec![])).await?;
    ensure!(status == 200, "submit: {status}");
    let receipt = receipt_of(&html)?;
    // Wrong secret (same selector) and unknown selector: the same answer.
    let last = receipt.chars().last().unwrap().to_digit(10).unwrap();
    let wrong = format!("{}{}", &receipt[..23], (last + 1) % 10);
    let first = if receipt.starts_with('0') { '1' } else { '0' };
    let unknown = format!("{first}{}", &receipt[1..]);
    let (s1, b1) = s.post("/tanda-terima", &[("kode", &wrong)]).await?;
    let (s2, b2) = s.post("/tanda-terima", &[("kode", &unknown)]).await?;
    ensure!(s1 == s2 && s1 == 404, "{s1} {s2}");
    ensure!(b1 == b2, "unknown and wrong codes must look the same");
    ensure!(!b1.contains(&wrong[..8]), "the typed code is not echoed");
    // The right code, grouped as shown.
    let grouped = netra_core::portal::group_digits(&receipt);
    let (status, html) = s.post("/tanda-terima", &[("kode", &grouped)]).await?;
    ensure!(status == 200 && html.contains("menunggu diperiksa kelengkapannya"), "status: {status}");
    ensure!(html.contains(&format!("name=\"kode\" value=\"{receipt}\"")), "code only in the form's hidden field");
    // A message from the reporter.
    let (status, html) = s
        .post("/tanda-terima/pesan", &[("kode", &receipt), ("isi", "Saya punya video tambahan dari acara itu.")])
        .await?;
    ensure!(status == 200 && html.contains("Pesan Anda terkirim"), "message: {status}");
    ensure!(html.contains("Saya punya video tambahan dari acara itu."), "message in the thread");
    let (status, html) = s.post("/tanda-terima/pesan", &[("kode", &receipt), ("isi", "  ")]).await?;
    ensure!(status == 422 && html.contains("Tulis pesan terlebih dahulu"), "empty message: {status}");
    // More evidence.
    let f = Form::new().text("kode", receipt.clone()).part("bukti", file(png(), "lagi.png", "image/png"));
    let r = s.http.post(format!("{}/tanda-terima/bukti", s.base)).multipart(f).send().await?;
    let status = r.status().as_u16();
    let html = r.text().await?;
    ensure!(status == 200 && html.contains("Bukti diterima"), "evidence: {status}");
    ensure!(s.evidence().await? == 1, "one file");
    let f =
        Form::new().text("kode", receipt.clone()).part("bukti", file(b"bukan gambar".to_vec(), "x.jpg", "image/jpeg"));
    let r = s.http.post(format!("{}/tanda-terima/bukti", s.base)).multipart(f).send().await?;
    ensure!(r.status() == 422 && r.text().await?.contains("Jenis berkas ini tidak diterima"), "bad evidence");
    ensure!(s.evidence().await? == 1, "still one file");
    Ok(())
}

async fn receipt_guessing_is_limited(db: &Db) -> anyhow::Result<()> {
    let limits = RateLimits { receipts_per_client: Some(3), ..RateLimits::off() };
    let s = site(db, limits).await?;
    for _ in 0..3 {
        let (status, _) = s.post("/tanda-terima", &[("kode", "000000000000000000000000")]).await?;
        ensure!(status == 404, "{status}");
    }
    let (status, html) = s.post("/tanda-terima", &[("kode", "000000000000000000000000")]).await?;
    ensure!(status == 429 && html.contains("Coba lagi dalam"), "limited: {status}");
    Ok(())
}

netra_testkit::on_all_backends!(portal_form, form_needs_no_cookie_or_script);
netra_testkit::on_all_backends!(portal_submit, anonymous_report_with_photo);
netra_testkit::on_all_backends!(portal_bad_input, bad_input_stores_nothing);
netra_testkit::on_all_backends!(portal_formal, formal_report_and_english);
netra_testkit::on_all_backends!(portal_follow_up, follow_up_with_the_receipt);
netra_testkit::on_all_backends!(portal_rate_limit, receipt_guessing_is_limited);
