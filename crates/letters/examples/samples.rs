//! Renders every shipped template with its sample data into a folder and prints the timings:
//! `cargo run --release -p netra-letters --example samples -- OUT_DIR`.

use std::time::Instant;

use netra_letters::{LetterKind, render, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "letters-out".into()));
    std::fs::create_dir_all(&out)?;
    let started = Instant::now();
    netra_letters::warm_up();
    println!("warm-up (fonts, library): {:?}", started.elapsed());
    for round in 0..2 {
        for kind in LetterKind::ALL {
            let t = Instant::now();
            let r = render(&sample(*kind), None)?;
            println!("round {round} {:<22} {:>7} bytes {:?}", kind.as_str(), r.pdf.len(), t.elapsed());
            std::fs::write(out.join(format!("{}.pdf", kind.as_str())), &r.pdf)?;
        }
    }
    Ok(())
}
