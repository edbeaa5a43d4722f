//! The `netra` command: serve, migrate, demo, admin, audit verify, deadline.

mod demo;
mod import;
mod screen;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use netra_core::{Netra, Sealer, SystemClock};
use netra_domain::ids::RegionCode;
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Role, Scope};
use netra_store::Db;
use netra_store::audit::Verification;

#[derive(Parser)]
#[command(name = "netra", version, about = "Netra — pengawasan netralitas ASN / ASN neutrality supervision")]
struct Cli {
    #[command(flatten)]
    storage: Storage,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Storage {
    /// Data folder (SQLite database `netra.db` and keys) for the embedded default.
    #[arg(long, global = true, default_value = "./netra-data", env = "NETRA_DATA")]
    data: PathBuf,
    /// PostgreSQL URL (`postgres://…`); when set, the database lives there instead of `DIR/netra.db`.
    #[arg(long, global = true, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Mark cookies `Secure`: set this whenever users reach Netra over HTTPS (directly or
        /// through a reverse proxy).
        #[arg(long, env = "NETRA_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Rate-limit public clients by the last `X-Forwarded-For` entry: only behind a reverse
        /// proxy that sets it (the address is never stored or logged either way).
        #[arg(long, env = "NETRA_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Turn off the public endpoints' rate limits (docs/portal.md). For load tests only: in
        /// production they are what stops receipt guessing.
        #[arg(long, env = "NETRA_NO_PUBLIC_RATE_LIMITS")]
        no_public_rate_limits: bool,
        /// Load the demo dataset first (no-op if already loaded).
        #[arg(long)]
        demo: bool,
        /// Case number template; placeholders {seq}, {seq:03}, {kind}, {election}, {level},
        /// {region}, {month} (Roman), {year}.
        #[arg(long, env = "NETRA_CASE_NUMBER_TEMPLATE", default_value = netra_domain::numbering::DEFAULT_TEMPLATE)]
        case_number_template: String,
        /// CSV `kemendagri_code,bawaslu_code` mapping offices to Bawaslu's own region segment.
        #[arg(long, env = "NETRA_BAWASLU_REGION_MAP")]
        bawaslu_region_map: Option<PathBuf>,
    },
    /// Apply database migrations and load reference data.
    Migrate,
    /// Load the demo dataset (two elections, cases in every state); loading twice changes nothing.
    Demo,
    /// Users and API tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Evidence store commands (local folder or S3, see docs/evidence.md).
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Import historical recap sheets (CSV, XLSX) as cases; see docs/import.md.
    Import(import::ImportArgs),
    /// Social-media screening: score post exports, train and evaluate the classifier.
    Screen {
        #[command(subcommand)]
        command: screen::ScreenCommand,
    },
    /// Print the due instant of a legal deadline.
    Deadline {
        /// Rule id, e.g. `pemilu.report` or `pilkada.handling`.
        #[arg(long)]
        rule: String,
        /// Start instant, RFC 3339 (e.g. 2024-04-05T10:00:00+07:00).
        #[arg(long)]
        from: String,
        /// Region code whose time zone counts (e.g. 33.74).
        #[arg(long)]
        region: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an official.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: Option<String>,
        /// bawaslu_ri, bawaslu_provinsi, bawaslu_kabkota, panwaslu_kecamatan, identity_custodian,
        /// authority_verifier, authority_analyst, ppk, inspectorate, administrator, auditor
        #[arg(long)]
        role: String,
        /// Region subtree (Kemendagri code); omit for national scope.
        #[arg(long)]
        region: Option<String>,
        /// Agency id or code (PPK, inspectorate).
        #[arg(long)]
        agency: Option<String>,
        /// Read the official's first password from standard input (one line; at least 12
        /// characters, not the username).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Deactivate an official; their tokens and browser sessions stop working at once.
    RevokeUser {
        #[arg(long)]
        username: String,
    },
    /// Set an official's password, read from standard input; ends all their sessions.
    SetPassword {
        #[arg(long)]
        username: String,
    },
    /// Forget an official's authenticator (TOTP) and recovery codes: they enrol again at the next
    /// sign-in. Ends all their sessions.
    ResetTotp {
        #[arg(long)]
        username: String,
    },
    /// Lift a sign-in lockout (after five failed attempts) for a username.
    Unlock {
        #[arg(long)]
        username: String,
    },
    /// List officials.
    ListUsers,
    /// Create an API token for an official (printed once).
    CreateToken {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
    /// Revoke an API token by its id.
    RevokeToken {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Re-hash every stored original and cleaned copy against the recorded SHA-256; exits 1 and
    /// names each object that is missing, changed or cannot be decrypted.
    Verify,
    /// Delete stored objects that no evidence row references (an upload interrupted between the
    /// object and its row). Serving does this at start-up too.
    CollectOrphans {
        /// Leave objects younger than this many minutes alone (uploads in flight on other nodes).
        #[arg(long, default_value_t = 60)]
        older_than_minutes: i64,
    },
}

/// The evidence vault of this data folder (or S3, from `NETRA_S3_*`).
fn open_vault(data: &Path) -> anyhow::Result<netra_evidence::Vault> {
    let cfg = netra_evidence::EvidenceConfig::from_env(data).context("evidence storage configuration")?;
    netra_evidence::Vault::open(&cfg).context("opening the evidence store")
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain; exits 1 naming the first broken event.
    Verify,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("NETRA_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("netra: error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn open(storage: &Storage) -> anyhow::Result<Db> {
    let db = match &storage.database_url {
        Some(url) => {
            Db::connect(url).await.with_context(|| format!("connecting to {}", netra_store::db::redact(url)))?
        }
        None => Db::open_sqlite_dir(&storage.data)
            .await
            .with_context(|| format!("opening {}", storage.data.join("netra.db").display()))?,
    };
    db.migrate().await.context("applying migrations")?;
    netra_store::reference::ensure_loaded(&db, Utc::now()).await.context("loading reference data")?;
    Ok(db)
}

/// The sealing key: `NETRA_SEAL_KEY` (64 hex chars) or `DIR/keys/seal.key`, created on first start.
fn seal_key(data: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(hexkey) = std::env::var("NETRA_SEAL_KEY") {
        let v = hex::decode(hexkey.trim()).context("NETRA_SEAL_KEY must be hex")?;
        return v.try_into().map_err(|_| anyhow::anyhow!("NETRA_SEAL_KEY must be 32 bytes (64 hex characters)"));
    }
    let dir = data.join("keys");
    let path = dir.join("seal.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let v = hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()))?;
        return v.try_into().map_err(|_| anyhow::anyhow!("{} must hold 32 bytes", path.display()));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let key = Sealer::generate_key();
    write_private(&path, &hex::encode(key))?;
    tracing::warn!(path = %path.display(), "generated a new sealing key; back it up and keep it outside the database backups");
    Ok(key)
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// The case number template with its optional Kemendagri → Bawaslu region map.
fn numbering(template: &str, map: Option<&Path>) -> anyhow::Result<NumberTemplate> {
    let mut regions = std::collections::HashMap::new();
    if let Some(path) = map {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
            let (k, b) = line
                .split_once(',')
                .with_context(|| format!("{}:{}: expected `kemendagri_code,bawaslu_code`", path.display(), i + 1))?;
            let k = RegionCode::parse(k.trim()).with_context(|| format!("{}:{}", path.display(), i + 1))?;
            regions.insert(k.as_str().to_owned(), b.trim().to_owned());
        }
    }
    NumberTemplate::parse(template, regions).with_context(|| format!("case number template `{template}`"))
}

/// How the audit log names `netra admin` (someone with access to the server and its database).
const CLI_ADMIN: &str = "system:admin-cli";

fn cli_admin() -> netra_domain::policy::Actor {
    netra_domain::policy::Actor {
        user_id: CLI_ADMIN.into(),
        username: CLI_ADMIN.into(),
        role: Role::Administrator,
        scope: Scope::national(),
    }
}

/// The service for administration commands that go through use cases.
fn admin_netra(db: &Db, storage: &Storage) -> anyhow::Result<Netra> {
    Ok(Netra::new(
        db.clone(),
        Sealer::new(seal_key(&storage.data)?),
        NumberTemplate::default_template(),
        Arc::new(SystemClock),
    ))
}

/// A password from standard input: the first line, without its line ending.
fn read_password_stdin() -> anyhow::Result<String> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let p = line.strip_suffix('\n').unwrap_or(&line);
    let p = p.strip_suffix('\r').unwrap_or(p);
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p.to_owned())
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("OS RNG");
    format!("netra_{}", hex::encode(b))
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Import(args) => {
            let db = open(&cli.storage).await?;
            let netra = Netra::new(
                db.clone(),
                Sealer::new(seal_key(&cli.storage.data)?),
                NumberTemplate::default_template(),
                Arc::new(SystemClock),
            );
            let code = import::run(&netra, args).await;
            db.close().await;
            code
        }
        Command::Screen { command } => {
            let storage = cli.storage.clone();
            screen::run(command, async || open(&storage).await).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Deadline { rule, from, region } => {
            let from = DateTime::parse_from_rfc3339(&from)
                .with_context(|| format!("--from `{from}` is not RFC 3339"))?
                .with_timezone(&Utc);
            let (due, r, tz) = netra_core::deadlines::deadline_in_region(&rule, from, &region)?;
            println!("{}", due.to_rfc3339());
            let unit =
                serde_json::to_value(r.unit).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            eprintln!(
                "rule {rule}: {} {} ({}), time zone {}",
                r.count,
                unit.replace('_', " "),
                r.citation,
                tz.as_str()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let db = open(&cli.storage).await?;
            println!("migrations applied; reference data: {}", netra_store::reference::reference_version());
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let db = open(&cli.storage).await?;
            let started = std::time::Instant::now();
            let report = demo::load(&db, seal_key(&cli.storage.data)?).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            eprintln!("demo load took {:.2?}", started.elapsed());
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Evidence { command } => {
            let db = open(&cli.storage).await?;
            let vault = open_vault(&cli.storage.data)?;
            let netra = Netra::new(
                db.clone(),
                Sealer::new(seal_key(&cli.storage.data)?),
                NumberTemplate::default_template(),
                Arc::new(SystemClock),
            );
            let started = std::time::Instant::now();
            let code = match command {
                EvidenceCommand::Verify => {
                    let r = netra.evidence(&vault).verify_all().await?;
                    for p in &r.problems {
                        println!(
                            "{} evidence {} (case {}) {} {}: {}",
                            p.problem.to_uppercase(),
                            p.evidence_id,
                            p.case_id,
                            p.object,
                            p.key,
                            p.detail
                        );
                    }
                    if r.is_intact() {
                        println!(
                            "evidence intact: {} files, {} objects re-hashed ({:.2?})",
                            r.evidence,
                            r.objects,
                            started.elapsed()
                        );
                        ExitCode::SUCCESS
                    } else {
                        println!("evidence NOT intact: {} problem(s) in {} files", r.problems.len(), r.evidence);
                        ExitCode::from(1)
                    }
                }
                EvidenceCommand::CollectOrphans { older_than_minutes } => {
                    let r =
                        netra.evidence(&vault).collect_orphans(chrono::Duration::minutes(older_than_minutes)).await?;
                    println!(
                        "{} objects scanned, {} orphans deleted, {} unreferenced but younger than {older_than_minutes} min",
                        r.scanned,
                        r.deleted.len(),
                        r.too_young
                    );
                    ExitCode::SUCCESS
                }
            };
            db.close().await;
            Ok(code)
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let db = open(&cli.storage).await?;
            let started = std::time::Instant::now();
            let v = netra_store::audit::verify(&db).await?;
            db.close().await;
            match v {
                Verification::Intact { events, head } => {
                    println!("audit log intact: {events} events, head {head} ({:.2?})", started.elapsed());
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken { seq, reason, checked } => {
                    println!("audit log BROKEN at event #{seq}: {reason} ({checked} events verified before it)");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Admin { command } => {
            let db = open(&cli.storage).await?;
            let now = Utc::now();
            match command {
                AdminCommand::CreateUser { username, name, role, region, agency, password_stdin } => {
                    let password = if password_stdin {
                        let p = read_password_stdin()?;
                        netra_core::auth::check_password(&username, &p)?;
                        Some(p)
                    } else {
                        None
                    };
                    let role = Role::parse(&role).with_context(|| format!("unknown role `{role}`"))?;
                    let region = region.map(|r| RegionCode::parse(&r)).transpose()?;
                    if let Some(r) = &region
                        && netra_domain::catalogue::regions().get(r).is_none()
                    {
                        bail!("unknown region `{r}`");
                    }
                    let agency_id = match agency {
                        Some(a) => Some(
                            netra_store::people::agency(&db, &a).await.with_context(|| format!("agency `{a}`"))?.id,
                        ),
                        None => None,
                    };
                    if matches!(role, Role::Ppk | Role::Inspectorate) && agency_id.is_none() {
                        bail!("role {role} needs --agency");
                    }
                    let u = netra_store::users::create(
                        &db,
                        &username,
                        name.as_deref().unwrap_or(&username),
                        role,
                        &Scope { region, agency_id },
                        now,
                    )
                    .await?;
                    if let Some(p) = password {
                        admin_netra(&db, &cli.storage)?.auth().set_password(&cli_admin(), &username, &p, now).await?;
                    }
                    println!("{}", serde_json::to_string_pretty(&u)?);
                }
                AdminCommand::RevokeUser { username } => {
                    netra_store::users::revoke_by(&db, CLI_ADMIN, &username, now)
                        .await
                        .with_context(|| format!("user `{username}`"))?;
                    println!("user {username} revoked");
                }
                AdminCommand::SetPassword { username } => {
                    let p = read_password_stdin()?;
                    admin_netra(&db, &cli.storage)?.auth().set_password(&cli_admin(), &username, &p, now).await?;
                    println!("password set for {username}; their sessions were ended");
                }
                AdminCommand::ResetTotp { username } => {
                    admin_netra(&db, &cli.storage)?.auth().reset_totp(&cli_admin(), &username, now).await?;
                    println!("authenticator reset for {username}; they enrol again at the next sign-in");
                }
                AdminCommand::Unlock { username } => {
                    let cleared = admin_netra(&db, &cli.storage)?.auth().unlock(&cli_admin(), &username, now).await?;
                    if cleared {
                        println!("{username} unlocked");
                    } else {
                        println!("{username} was not locked");
                    }
                }
                AdminCommand::ListUsers => {
                    println!("{}", serde_json::to_string_pretty(&netra_store::users::list(&db).await?)?);
                }
                AdminCommand::CreateToken { username, label } => {
                    let u = netra_store::users::by_username(&db, &username)
                        .await
                        .with_context(|| format!("user `{username}`"))?;
                    if !u.active {
                        bail!("user `{username}` is revoked");
                    }
                    let token = random_token();
                    let id = netra_store::users::create_token(&db, &u.id, &token, &label, now).await?;
                    println!("token id: {id}");
                    println!("{token}");
                }
                AdminCommand::RevokeToken { id } => {
                    netra_store::users::revoke_token(&db, &id, now).await?;
                    println!("token {id} revoked");
                }
            }
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            listen,
            demo,
            case_number_template,
            bawaslu_region_map,
            secure_cookies,
            trust_forwarded_for,
            no_public_rate_limits,
        } => {
            let numbering = numbering(&case_number_template, bawaslu_region_map.as_deref())?;
            let db = open(&cli.storage).await?;
            let key = seal_key(&cli.storage.data)?;
            if demo {
                let report = demo::load(&db, key).await?;
                tracing::info!(loaded = report.loaded, cases = report.cases, "demo data ready");
                let names: Vec<&str> = demo::OFFICIALS.iter().map(|o| o.0).collect();
                println!(
                    "Demo: sign in at /masuk as one of {} with password `{}` (demo data only).",
                    names.join(", "),
                    demo::DEMO_PASSWORD
                );
            }
            let indexed = netra_store::desk::reindex_missing(&db).await.context("building the case search index")?;
            if indexed > 0 {
                tracing::info!(cases = indexed, "search index built for existing cases");
            }
            let mut netra = Netra::new(db.clone(), Sealer::new(key), numbering, Arc::new(SystemClock));
            if no_public_rate_limits {
                tracing::warn!("public rate limits are OFF (--no-public-rate-limits): for load tests only");
                netra = netra.with_rate_limits(netra_core::portal::RateLimits::off());
            }
            let vault = open_vault(&cli.storage.data)?;
            // Objects of uploads whose row never committed (a crash between the two writes). An
            // hour's grace leaves other nodes' uploads in flight alone.
            let orphans = netra.evidence(&vault).collect_orphans(chrono::Duration::hours(1)).await?;
            if !orphans.deleted.is_empty() {
                tracing::info!(removed = orphans.deleted.len(), "orphaned evidence objects removed");
            }
            let config = netra_web::WebConfig { secure_cookies, trust_forwarded_for, evidence: Some(Arc::new(vault)) };
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, "netra listening");
            println!("Netra listening on http://{addr}");
            let app = netra_web::router_with(netra, config);
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}
