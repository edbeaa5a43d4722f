//! `netra-bench`: benchmarks of the `netra` binary, each printed beside a baseline measured in the
//! same run on the same machine (see `bench/README.md`).
//!
//! - `seed-audit --data DIR --events N`: append N events to the audit chain of a migrated database.
//! - `seed-cases --data DIR --cases N`: insert N cases (intake, case, subject track) into one.
//! - `gen-posts --posts N -o FILE`: write N synthetic Indonesian posts (JSONL) for `netra screen score`.
//! - `run --netra PATH`: seed temporary databases, time the measured commands and print the table.
//! - `trivial-server --listen ADDR`: the submission benchmark's baseline server.

mod desk;
mod posts;
mod run;
mod screen;
mod seed;
mod submit;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "netra-bench", about = "Netra benchmarks with baselines measured in the same run")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Append N hash-chained audit events to a freshly migrated database (`netra migrate --data DIR`).
    SeedAudit {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
    },
    /// Insert N cases (each with its intake and one subject track) into a freshly migrated database.
    SeedCases {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
    },
    /// Write N synthetic Indonesian social-media posts (JSONL, fixed seed) for `netra screen score`.
    GenPosts {
        #[arg(long, default_value_t = 1_000_000)]
        posts: u64,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Seed temporary databases, run every benchmark and print medians, baselines and ratios.
    Run(run::RunArgs),
    /// The submission benchmark's baseline: a trivial axum JSON handler (started by `run`).
    TrivialServer {
        #[arg(long)]
        listen: std::net::SocketAddr,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("netra-bench: error: tokio runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Command::SeedAudit { data, events } => {
                let s = seed::seed_audit(&data, events, false).await?;
                println!("{}", seed::describe_audit(&s, &data));
            }
            Command::SeedCases { data, cases } => {
                let s = seed::seed_cases(&data, cases).await?;
                println!("{}", seed::describe_cases(&s, &data));
            }
            Command::GenPosts { posts, output } => {
                let file = std::fs::File::create(&output)?;
                let g = posts::generate(posts, file)?;
                println!(
                    "{} posts ({} campaign, {} coordinated copies), {:.1} MiB → {}",
                    g.posts,
                    g.campaign,
                    g.coordinated,
                    g.bytes as f64 / (1024.0 * 1024.0),
                    output.display()
                );
            }
            Command::Run(args) => run::run(args).await?,
            Command::TrivialServer { listen } => submit::trivial_server(listen).await?,
        }
        anyhow::Ok(())
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("netra-bench: error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
