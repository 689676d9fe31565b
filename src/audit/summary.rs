//! What an audit folder says about itself: the record each per-repository report carries (which makes it
//! "complete" for a rerun), and `summary.json` / `summary.md` over all of a shard's repositories.
//!
//! The summary is rebuilt from the reports on disk every run, so a resumed shard's summary counts the
//! repositories an earlier run finished exactly as if one run had done them all; the merged summary of
//! `audit merge` is the same structure built from the shards' entries.

use super::shard::Shard;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Bumped when a field of `summary.json` or of the report's `audit` record changes meaning.
pub const SUMMARY_VERSION: u32 = 1;
pub const KEYLESS_VERSION: &str = env!("CARGO_PKG_VERSION");
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

/// The `audit` field at the top of each `<name>.json`: written last and atomically, so its presence says
/// the report pair is whole. A rerun rescans a repository whose record is missing or was made by another
/// keyless version, with another --history setting, or of a commit its ref no longer points at.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditRecord {
    pub repository: String,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub name: String,
    /// The commit scanned; None for a repository with no commit yet.
    pub commit: Option<String>,
    pub history: bool,
    pub keyless_version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scanned by this run.
    Scanned,
    /// A complete report from an earlier run was kept.
    Skipped,
    /// Could not be cloned or scanned; no report.
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RepoEntry {
    pub repository: String,
    pub name: String,
    pub status: Status,
    pub commit: Option<String>,
    /// Findings that count (suppressed ones left out).
    pub findings: u64,
    /// service → severity → count, of the findings that count.
    pub by_service: BTreeMap<String, BTreeMap<String, u64>>,
    /// Files of the repository that could not be read (the report lists them).
    pub file_errors: u64,
    /// Why the repository failed, with credentials removed.
    pub error: Option<String>,
}

impl RepoEntry {
    pub fn failed(repository: String, name: String, error: String) -> RepoEntry {
        RepoEntry {
            repository,
            name,
            status: Status::Failed,
            commit: None,
            findings: 0,
            by_service: BTreeMap::new(),
            file_errors: 0,
            error: Some(error),
        }
    }

    /// The entry of a repository from its JSON report.
    pub fn from_report(report: &serde_json::Value, status: Status) -> Result<RepoEntry> {
        let record: AuditRecord = serde_json::from_value(report["audit"].clone())
            .context("the report has no audit record")?;
        let mut by_service: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut findings = 0;
        for f in report["findings"].as_array().into_iter().flatten() {
            if !f["suppression"].is_null() {
                continue;
            }
            findings += 1;
            let service = f["service"].as_str().unwrap_or("unknown").to_string();
            let severity = f["severity"].as_str().unwrap_or("unknown").to_string();
            *by_service
                .entry(service)
                .or_default()
                .entry(severity)
                .or_default() += 1;
        }
        Ok(RepoEntry {
            repository: super::list::key_of(&record.repository, record.git_ref.as_deref()),
            name: record.name,
            status,
            commit: record.commit,
            findings,
            by_service,
            file_errors: report["errors"].as_array().map_or(0, |e| e.len() as u64),
            error: None,
        })
    }

    /// Whether the repository fails the audit as a finding would fail a scan (`info` never does).
    pub fn has_failing_findings(&self) -> bool {
        self.by_service
            .values()
            .any(|sev| sev.iter().any(|(s, n)| s.as_str() != "info" && *n > 0))
    }
}

/// Which list the shards were cut from: merge refuses to combine shards of different lists.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ListInfo {
    /// `RepoList::digest`: order, comments and spelling do not change it.
    pub sha256: String,
    pub repositories: u64,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub repositories: u64,
    pub scanned: u64,
    pub skipped: u64,
    pub failed: u64,
    pub with_findings: u64,
    pub findings: u64,
    pub file_errors: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub version: u32,
    pub keyless_version: String,
    pub list: ListInfo,
    /// The shards this summary covers: one for a shard's own, all of them after merge.
    pub shards: Vec<Shard>,
    pub history: bool,
    pub totals: Totals,
    pub by_severity: BTreeMap<String, u64>,
    pub by_service: BTreeMap<String, BTreeMap<String, u64>>,
    /// Sorted by repository.
    pub repositories: Vec<RepoEntry>,
}

impl Summary {
    pub fn new(
        list: ListInfo,
        shards: Vec<Shard>,
        history: bool,
        mut repositories: Vec<RepoEntry>,
    ) -> Summary {
        repositories.sort_by(|a, b| a.repository.cmp(&b.repository));
        let mut totals = Totals::default();
        let mut by_service: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
        for r in &repositories {
            totals.repositories += 1;
            match r.status {
                Status::Scanned => totals.scanned += 1,
                Status::Skipped => totals.skipped += 1,
                Status::Failed => totals.failed += 1,
            }
            totals.findings += r.findings;
            totals.file_errors += r.file_errors;
            if r.findings > 0 {
                totals.with_findings += 1;
            }
            for (service, sev) in &r.by_service {
                for (s, n) in sev {
                    *by_service
                        .entry(service.clone())
                        .or_default()
                        .entry(s.clone())
                        .or_default() += n;
                    *by_severity.entry(s.clone()).or_default() += n;
                }
            }
        }
        Summary {
            version: SUMMARY_VERSION,
            keyless_version: KEYLESS_VERSION.to_string(),
            list,
            shards,
            history,
            totals,
            by_severity,
            by_service,
            repositories,
        }
    }

    pub fn read(dir: &Path) -> Result<Summary> {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (a shard that did not finish has none: rerun it, it resumes)",
                path.display()
            )
        })?;
        let summary: Summary = serde_json::from_str(&text)
            .with_context(|| format!("{}: not an audit summary", path.display()))?;
        if summary.version != SUMMARY_VERSION {
            anyhow::bail!(
                "{}: summary version {} (this keyless reads version {SUMMARY_VERSION})",
                path.display(),
                summary.version
            );
        }
        Ok(summary)
    }

    /// Writes `summary.json` and `summary.md` into `dir`, each atomically.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut json = serde_json::to_string_pretty(self).expect("the summary serialises");
        json.push('\n');
        crate::atomic::write_atomically(&dir.join("summary.json"), json.as_bytes())?;
        crate::atomic::write_atomically(&dir.join("summary.md"), self.markdown().as_bytes())
    }

    pub fn markdown(&self) -> String {
        let t = &self.totals;
        let mut md = String::from("# keyless audit\n\n");
        let count = self.shards.first().map_or(1, |s| s.count);
        let shards = match self.shards.as_slice() {
            [one] if one.count > 1 => {
                format!("shard {one} of a list of {}", self.list.repositories)
            }
            many if many.len() as u64 == count => {
                format!("all of a list of {}", self.list.repositories)
            }
            many => format!(
                "{} of {count} shards of a list of {}",
                many.len(),
                self.list.repositories
            ),
        };
        let _ =
            writeln!(
            md,
            "{} repositor{} ({shards}; {}): {} scanned, {} kept from an earlier run, {} failed.\n",
            t.repositories,
            if t.repositories == 1 { "y" } else { "ies" },
            if self.history { "whole history" } else { "files at the listed ref" },
            t.scanned,
            t.skipped,
            t.failed
        );
        let _ = writeln!(
            md,
            "**{} finding{}** in {} repositor{}; {} file{} could not be read.\n",
            t.findings,
            if t.findings == 1 { "" } else { "s" },
            t.with_findings,
            if t.with_findings == 1 { "y" } else { "ies" },
            t.file_errors,
            if t.file_errors == 1 { "" } else { "s" },
        );
        md.push_str("## Findings by severity\n\n| critical | high | medium | low | info |\n|---:|---:|---:|---:|---:|\n|");
        for s in SEVERITIES {
            let _ = write!(md, " {} |", self.by_severity.get(s).copied().unwrap_or(0));
        }
        md.push_str("\n\n## Findings by service\n\n");
        if self.by_service.is_empty() {
            md.push_str("None.\n");
        } else {
            md.push_str("| service | critical | high | medium | low | info | total |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (service, sev) in &self.by_service {
                let _ = write!(md, "| {} |", cell(service));
                for s in SEVERITIES {
                    let _ = write!(md, " {} |", sev.get(s).copied().unwrap_or(0));
                }
                let _ = writeln!(md, " {} |", sev.values().sum::<u64>());
            }
        }
        md.push_str("\n## Repositories with findings\n\n");
        let with: Vec<&RepoEntry> = self
            .repositories
            .iter()
            .filter(|r| r.findings > 0)
            .collect();
        if with.is_empty() {
            md.push_str("None.\n");
        } else {
            md.push_str("| repository | commit | findings | report |\n|---|---|---:|---|\n");
            for r in with {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | `{}.sarif` |",
                    cell(&r.repository),
                    r.commit.as_deref().map_or("", |c| &c[..c.len().min(12)]),
                    r.findings,
                    r.name
                );
            }
        }
        md.push_str("\n## Errors\n\n");
        let failed: Vec<&RepoEntry> = self
            .repositories
            .iter()
            .filter(|r| r.status == Status::Failed || r.file_errors > 0)
            .collect();
        if failed.is_empty() {
            md.push_str("None.\n");
        } else {
            for r in failed {
                match &r.error {
                    Some(e) => {
                        let _ = writeln!(md, "- {}: failed: {}", cell(&r.repository), cell(e));
                    }
                    None => {
                        let _ = writeln!(
                            md,
                            "- {}: {} file{} could not be read (see `{}.json`)",
                            cell(&r.repository),
                            r.file_errors,
                            if r.file_errors == 1 { "" } else { "s" },
                            r.name
                        );
                    }
                }
            }
        }
        md
    }
}

/// Text from a list or a git message as it may stand in a Markdown table: no pipes, no line breaks, no
/// control characters.
fn cell(s: &str) -> String {
    crate::report::human::printable(s)
        .replace('|', "\\|")
        .replace('<', "&lt;")
}
