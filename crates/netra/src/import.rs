//! `netra import FILE`: historical recap sheets (CSV, XLSX) into cases, through
//! `netra_core::import` (see `docs/import.md` for the column mapping and the rules).
//!
//! Output: a summary and, when rows are invalid, one line per problem (row, column, value, message)
//! on standard output; `--json` prints the whole report as JSON instead. Messages are Indonesian, or
//! English with `--lang en` or an English locale (`LANG=en_US.UTF-8`). A progress bar is drawn on
//! standard error only when it is a terminal. Ctrl-C stops after the batch being written is committed;
//! `--resume` continues.
//!
//! Exit status: 0 imported (or nothing to do, or a valid dry run); 1 invalid rows or a refused run
//! (nothing written); 3 interrupted after a checkpoint (run again with `--resume`); 2 other errors.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use clap::Args;
use netra_core::Netra;
use netra_core::import::{
    ImportError, ImportOptions, ImportProgress, ImportReport, ImportSource, ImportStatus, Lang, RowIssue,
};
use netra_domain::policy::Actor;
use netra_screen::progress::Progress;

/// Testing aid: simulate a crash while writing the N-th new case (its batch rolls back).
const FAIL_AT_CASE_VAR: &str = "NETRA_IMPORT_FAIL_AT_CASE";

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    /// Recap sheet: `.csv` (UTF-8; `,` `;` or tab) or `.xlsx` (first sheet, or --sheet).
    pub file: PathBuf,
    /// Check every row and show what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue an interrupted import of the same file from its last checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Cases per transaction; each commit stores the checkpoint.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
    /// Worksheet to read in an XLSX workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Import the valid cases and skip the cases with an invalid row (default: all or nothing).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Language of the messages: `id` or `en` (default: from LANG, else Indonesian).
    #[arg(long)]
    pub lang: Option<String>,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn t<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

pub async fn run(netra: &Netra, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let lang = match &args.lang {
        Some(l) => Lang::parse(l).with_context(|| format!("--lang `{l}`: use id or en"))?,
        None => Lang::from_env(),
    };
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let name =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let source = match ImportSource::from_bytes(&name, &bytes, args.sheet.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netra import: {}: {}", args.file.display(), e.message(lang));
            return Ok(ExitCode::from(1));
        }
    };
    let fail_at_case = match std::env::var(FAIL_AT_CASE_VAR) {
        Ok(v) => Some(v.trim().parse::<u64>().with_context(|| format!("{FAIL_AT_CASE_VAR}=`{v}`"))?),
        Err(_) => None,
    };
    let opts = ImportOptions {
        dry_run: args.dry_run,
        resume: args.resume,
        batch_size: args.batch as usize,
        skip_invalid: args.skip_invalid,
        fail_at_case,
    };

    // Ctrl-C: finish the batch being written, commit it with its checkpoint, then stop.
    let stop = Arc::new(AtomicBool::new(false));
    let listener = {
        let stop = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::SeqCst);
                eprintln!(
                    "{}",
                    t(
                        lang,
                        "dihentikan: menyimpan batch yang sedang ditulis, lalu berhenti (lanjutkan dengan --resume)",
                        "interrupted: committing the batch being written, then stopping (continue with --resume)"
                    )
                );
            }
        })
    };
    let mut progress: Option<Progress> = None;
    let unit = t(lang, "kasus", "cases").to_owned();
    let mut hook = |p: &ImportProgress| {
        match *p {
            ImportProgress::Validated { to_import, done, .. } => {
                let bar = Progress::stderr(&unit, Some(to_import));
                bar.set(done);
                progress = Some(bar);
            }
            ImportProgress::Written { done, .. } | ImportProgress::Checkpoint { done, .. } => {
                if let Some(bar) = &progress {
                    bar.set(done);
                }
            }
        }
        if stop.load(Ordering::SeqCst) { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    };
    let actor = Actor::system("import");
    let started = std::time::Instant::now();
    let result = netra.import_sheet(&actor, &source, &opts, &mut hook).await;
    listener.abort();
    if let Some(bar) = &progress {
        bar.finish();
    }
    let elapsed = started.elapsed();
    let report = match result {
        Ok(r) => r,
        Err(ImportError::Refused(m)) | Err(ImportError::File(m)) => {
            eprintln!("netra import: {}", m.get(lang));
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            // Batches committed before the failure stay, with their checkpoint.
            if let Ok(Some(r)) = netra_store::import::running_for_file(&netra.db, &source.sha256).await {
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Id => format!(
                            "impor terhenti: {} dari {} kasus tersimpan (run {}); jalankan lagi dengan --resume",
                            r.cases_done, r.cases_total, r.id
                        ),
                        Lang::En => format!(
                            "import interrupted: {} of {} cases stored (run {}); run again with --resume",
                            r.cases_done, r.cases_total, r.id
                        ),
                    }
                );
            }
            return Err(anyhow::Error::new(e).context(format!("importing {}", args.file.display())));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, lang);
    }
    if report.status == ImportStatus::Completed && report.cases_imported > 0 {
        let secs = elapsed.as_secs_f64().max(1e-9);
        eprintln!(
            "{}",
            match lang {
                Lang::Id => format!("waktu {:.2} s ({:.0} baris/s)", secs, report.subjects_imported as f64 / secs),
                Lang::En => format!("took {:.2} s ({:.0} rows/s)", secs, report.subjects_imported as f64 / secs),
            }
        );
    }
    Ok(match report.status {
        ImportStatus::Completed | ImportStatus::NothingToDo | ImportStatus::DryRun => ExitCode::SUCCESS,
        ImportStatus::Invalid => ExitCode::from(1),
        ImportStatus::Interrupted => ExitCode::from(3),
    })
}

fn issue_lines(title: &str, issues: &[RowIssue], lang: Lang) {
    if issues.is_empty() {
        return;
    }
    println!("{title}");
    for i in issues {
        println!("  {}", i.render(lang));
    }
}

fn print_report(r: &ImportReport, lang: Lang) {
    let short = &r.file.sha256[..12.min(r.file.sha256.len())];
    match lang {
        Lang::Id => println!(
            "Berkas {} ({}, sha256 {short}…): {} baris, {} kasus, {} ASN.",
            r.file.name,
            r.file.format.as_str(),
            r.rows,
            r.cases_in_file,
            r.subjects_in_file
        ),
        Lang::En => println!(
            "File {} ({}, sha256 {short}…): {} rows, {} cases, {} ASN.",
            r.file.name,
            r.file.format.as_str(),
            r.rows,
            r.cases_in_file,
            r.subjects_in_file
        ),
    }
    let rows_with_errors = {
        let mut rows: Vec<u64> = r.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    let line = match (r.status, lang) {
        (ImportStatus::Invalid, Lang::Id) => format!(
            "Berkas tidak valid: {} kesalahan pada {rows_with_errors} baris. Tidak ada yang disimpan.",
            r.errors.len()
        ),
        (ImportStatus::Invalid, Lang::En) => {
            format!("Invalid file: {} errors on {rows_with_errors} rows. Nothing was stored.", r.errors.len())
        }
        (ImportStatus::DryRun, Lang::Id) => format!(
            "Uji coba (tidak ada yang disimpan): {} kasus baru akan diimpor, {} sudah diimpor sebelumnya, {} dilewati karena tidak valid.",
            r.cases_to_import, r.cases_already_imported, r.cases_skipped_invalid
        ),
        (ImportStatus::DryRun, Lang::En) => format!(
            "Dry run (nothing stored): {} new cases would be imported, {} were imported before, {} skipped as invalid.",
            r.cases_to_import, r.cases_already_imported, r.cases_skipped_invalid
        ),
        (ImportStatus::NothingToDo, Lang::Id) => format!(
            "Tidak ada yang berubah: ke-{} kasus berkas ini sudah diimpor dengan isi yang sama.",
            r.cases_already_imported
        ),
        (ImportStatus::NothingToDo, Lang::En) => format!(
            "Nothing changed: all {} cases of this file were already imported with the same content.",
            r.cases_already_imported
        ),
        (ImportStatus::Completed, Lang::Id) => format!(
            "Selesai: {} kasus dan {} ASN diimpor{} (run {}); {} kasus sudah ada sebelumnya, {} dilewati karena tidak valid.",
            r.cases_imported,
            r.subjects_imported,
            r.resumed_from.map(|n| format!(", dilanjutkan dari titik simpan {n}")).unwrap_or_default(),
            r.run_id.as_deref().unwrap_or("-"),
            r.cases_already_imported,
            r.cases_skipped_invalid
        ),
        (ImportStatus::Completed, Lang::En) => format!(
            "Done: {} cases and {} ASN imported{} (run {}); {} cases were there before, {} skipped as invalid.",
            r.cases_imported,
            r.subjects_imported,
            r.resumed_from.map(|n| format!(", resumed from checkpoint {n}")).unwrap_or_default(),
            r.run_id.as_deref().unwrap_or("-"),
            r.cases_already_imported,
            r.cases_skipped_invalid
        ),
        (ImportStatus::Interrupted, Lang::Id) if r.run_id.is_none() => {
            "Dihentikan sebelum ada yang ditulis.".to_owned()
        }
        (ImportStatus::Interrupted, Lang::En) if r.run_id.is_none() => {
            "Interrupted before anything was written.".to_owned()
        }
        (ImportStatus::Interrupted, Lang::Id) => format!(
            "Dihentikan: {} kasus tersimpan pada run {}; jalankan lagi dengan --resume untuk melanjutkan.",
            r.cases_imported,
            r.run_id.as_deref().unwrap_or("-")
        ),
        (ImportStatus::Interrupted, Lang::En) => format!(
            "Interrupted: {} cases stored in run {}; run again with --resume to continue.",
            r.cases_imported,
            r.run_id.as_deref().unwrap_or("-")
        ),
    };
    println!("{line}");
    if !r.new_elections.is_empty() {
        println!(
            "{} {}",
            t(lang, "Pemilihan dari tabel bawaan:", "Elections from the built-in table:"),
            r.new_elections.join(", ")
        );
    }
    if !r.new_agencies.is_empty() {
        println!("{} {}", t(lang, "Instansi baru:", "New agencies:"), r.new_agencies.join(", "));
    }
    issue_lines(t(lang, "Kesalahan:", "Errors:"), &r.errors, lang);
    issue_lines(t(lang, "Peringatan:", "Warnings:"), &r.warnings, lang);
}
