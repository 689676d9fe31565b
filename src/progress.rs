//! The progress line on standard error while a scan runs: a spinner with the files and bytes scanned and
//! the findings so far, read from the engine's [`Progress`] counters.
//!
//! It appears only on a terminal, never with `--quiet`, never on standard output, and only once the scan
//! has taken [`DELAY`]: a quick scan prints nothing but its report. It is cleared before the report is
//! written, so the two never mix on one screen.

use crate::tally::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a scan runs before the spinner appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A running display; [`ProgressDisplay::finish`] (or dropping it) stops and clears it.
pub struct ProgressDisplay {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressDisplay {
    /// Starts the display for `counters` when standard error is a terminal and `quiet` is off; otherwise a
    /// display that never draws. `KEYLESS_PROGRESS_DELAY_MS` replaces the one-second delay (for tests, which
    /// then see at least one frame once it passes).
    pub fn start(counters: Arc<Progress>, quiet: bool) -> ProgressDisplay {
        if quiet || !std::io::stderr().is_terminal() {
            return ProgressDisplay {
                stop: None,
                thread: None,
            };
        }
        let delay = std::env::var("KEYLESS_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis)
            .unwrap_or(DELAY);
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if !delay.is_zero() && stopped.recv_timeout(delay) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} keyless: {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            loop {
                let now = counters.snapshot();
                bar.set_message(format!(
                    "{} file{} ({}) scanned, {} finding{} so far",
                    now.files,
                    if now.files == 1 { "" } else { "s" },
                    indicatif::HumanBytes(now.bytes),
                    now.findings,
                    if now.findings == 1 { "" } else { "s" }
                ));
                bar.tick();
                match stopped.recv_timeout(TICK) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            bar.finish_and_clear();
        });
        ProgressDisplay {
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Stops the display and clears its line.
    pub fn finish(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
