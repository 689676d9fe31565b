//! Turning a scan outcome into bytes: text for people, JSON for tools, SARIF for code-scanning services,
//! Markdown for pull requests, HTML for audits.
//!
//! Reports receive findings that already hold only masked previews, masked lines and fingerprints (see
//! `finding.rs`); a full secret reaches a report only when `--show-secrets` put it there.

pub mod compact;
pub mod diagnostic;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod summary;
/// Atomic file writes moved down to [`crate::atomic`] (git's cache uses them too); the old path stays.
pub use crate::atomic as write;

use crate::cli::Format;
use crate::rules::RuleSet;
use crate::scan::ScanOutcome;

/// Everything a report may show besides the findings.
pub struct ReportContext<'a> {
    pub rules: &'a RuleSet,
    pub color: bool,
    /// SARIF `automationDetails.id` (code scanning's analysis category): `--sarif-category`'s `NAME/`,
    /// or `keyless/history/` for `--history`; None for the default `keyless/`.
    pub automation_id: Option<&'a str>,
    /// Which rules a SARIF report lists (`--sarif-rules`).
    pub sarif_rules: sarif::SarifRules,
}

impl ReportContext<'_> {
    fn sarif(&self) -> sarif::SarifOptions<'_> {
        sarif::SarifOptions {
            automation_id: self.automation_id,
            rules: self.sarif_rules,
        }
    }
}

/// Writes the report to `out`. JSON and SARIF are serialised straight into it, not built as one string
/// first; the other formats are small enough to render whole.
pub fn write(
    format: Format,
    outcome: &ScanOutcome,
    ctx: &ReportContext<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(outcome, out),
        Format::Sarif => sarif::write(outcome, ctx.rules, ctx.sarif(), out),
        _ => out.write_all(render(format, outcome, ctx).as_bytes()),
    }
}

pub fn render(format: Format, outcome: &ScanOutcome, ctx: &ReportContext<'_>) -> String {
    match format {
        Format::Text => human::render(outcome, ctx),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome, ctx.rules, ctx.sarif()),
        Format::Compact => compact::render(outcome),
        Format::Markdown => markdown::render(outcome),
        Format::Html => html::render(outcome),
    }
}
