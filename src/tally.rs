//! Running totals of a scan (files, bytes, findings), a leaf so that the configuration can carry them and
//! the progress display can read them without either reaching into the engine.

use std::sync::atomic::{AtomicU64, Ordering};

/// Running totals that the workers bump after each file, for a progress display to read while the scan
/// goes on (the engine draws nothing itself). Relaxed atomics: a display needs no ordering.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
}

/// One reading of [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressSnapshot {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
}

impl Progress {
    /// One more file scanned, of `bytes` bytes with `findings` findings.
    pub fn add(&self, bytes: u64, findings: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.findings.fetch_add(findings, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            findings: self.findings.load(Ordering::Relaxed),
        }
    }
}
