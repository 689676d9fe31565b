//! The JSON report: `{"version", "findings", "errors", "stats"}`. Stable field names (the README documents
//! them), no timings and no absolute paths, so two runs over one tree print the same bytes.

use crate::finding::Finding;
use crate::scan::{FileError, ScanOutcome, Stats};
use serde::Serialize;

/// Bumped whenever a field changes meaning or disappears; additions do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: &'a [Finding],
    errors: &'a [FileError],
    stats: &'a Stats,
}

pub fn render(outcome: &ScanOutcome) -> String {
    let mut out = Vec::new();
    write(outcome, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The report serialised into `out`, with a final newline.
pub fn write(outcome: &ScanOutcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = JsonReport {
        version: SCHEMA_VERSION,
        findings: &outcome.findings,
        errors: &outcome.errors,
        stats: &outcome.stats,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
