//! The baseline: findings a team has accepted, so that a gate fails only on new ones.
//!
//! Entries hold the fingerprint and the path, plus the rule id for the reader; matching uses fingerprint
//! and path only, so a new, more specific rule does not churn the file. No line numbers, no timestamps, no
//! secrets, sorted: the file changes only when the findings do, and two branches' edits merge cleanly.

use crate::finding::{Finding, Suppression};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub fingerprint: String,
    pub rule_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Debug, Default)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// Reads a baseline; a syntax error names the file, line and column.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading baseline {}", path.display()))?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// Parses a baseline's text; `name` is used in errors.
    pub fn parse(text: &str, name: &str) -> Result<Baseline> {
        let file: BaselineFile = serde_json::from_str(text).map_err(|e| {
            // serde_json's Display repeats the position ("... at line 3 column 0"); it is already in the
            // prefix, and column 0 (before the first character, at the end of the text) is shown as 1.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            anyhow::anyhow!(
                "{name}:{}:{}: invalid baseline: {message}",
                e.line(),
                e.column().max(1)
            )
        })?;
        if file.version != FORMAT_VERSION {
            anyhow::bail!(
                "{name}: baseline version {} is not supported (expected {FORMAT_VERSION})",
                file.version
            );
        }
        Ok(Baseline {
            entries: file.entries,
        })
    }

    /// A baseline accepting every finding that is not already suppressed inline.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let set: BTreeSet<Entry> = findings
            .iter()
            .filter(|f| !matches!(f.suppression, Some(Suppression::Inline { .. })))
            .map(|f| Entry {
                path: f.path.to_string(),
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.to_string(),
            })
            .collect();
        Baseline {
            entries: set.into_iter().collect(),
        }
    }

    /// Marks findings that the baseline accepts, and returns the entries that matched nothing although
    /// their file was scanned (stale).
    pub fn apply(&self, findings: &mut [Finding], scanned: impl Fn(&str) -> bool) -> Vec<Entry> {
        let mut used: BTreeMap<(&str, &str), bool> = self
            .entries
            .iter()
            .map(|e| ((e.path.as_str(), e.fingerprint.as_str()), false))
            .collect();
        for f in findings.iter_mut() {
            if let Some(hit) = used.get_mut(&(&*f.path, f.fingerprint.as_str())) {
                *hit = true;
                if f.suppression.is_none() {
                    f.suppression = Some(Suppression::Baseline);
                }
            }
        }
        self.entries
            .iter()
            .filter(|e| !used[&(e.path.as_str(), e.fingerprint.as_str())] && scanned(&e.path))
            .cloned()
            .collect()
    }

    /// The same baseline without `stale`: `--update-baseline` only ever removes.
    pub fn without(&self, stale: &[Entry]) -> Baseline {
        Baseline {
            entries: self
                .entries
                .iter()
                .filter(|e| !stale.contains(e))
                .cloned()
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut entries = self.entries.clone();
        entries.sort();
        entries.dedup();
        let mut s = serde_json::to_string_pretty(&BaselineFile {
            version: FORMAT_VERSION,
            entries,
        })
        .expect("baseline serialises");
        s.push('\n');
        s
    }
}
