//! A progress line on standard error for the `netra screen` commands: posts (or examples) so far and
//! the rate, drawn only when standard error is a terminal (nothing at all in pipes, files and tests).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A counter shown on standard error; hidden unless standard error is a terminal. Cheap to update
/// often (indicatif redraws at most 20 times a second).
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Counts `unit` ("posts", "examples"); with `total`, also shows a bar, the percentage and the
    /// time left.
    pub fn stderr(unit: &str, total: Option<u64>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: ProgressBar::hidden() };
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(10));
        let template = match total {
            Some(_) => {
                format!("{{spinner}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{per_sec}}, {{eta}} left)")
            }
            None => format!("{{spinner}} {{human_pos}} {unit} ({{per_sec}}, {{elapsed}})"),
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar }
    }

    /// A progress that never draws.
    pub fn hidden() -> Progress {
        Progress { bar: ProgressBar::hidden() }
    }

    /// Whether anything is drawn.
    pub fn is_visible(&self) -> bool {
        !self.bar.is_hidden()
    }

    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Removes the line (the commands print their own summary after it).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
