//! The rewrites `keyless fix` can make, planned from a finding and the text of its file: one file per
//! rewrite, each with the preconditions that keyless checks from the project before writing.
//!
//! A managed-identity rewrite changes how the application authenticates, so no rewrite preserves
//! behaviour; each one instead declares preconditions. A rewrite whose preconditions fail is skipped with
//! the reason; one whose preconditions cannot be checked is skipped too unless `--force`. A rewrite is
//! planned only where the finding's secret is still in place (its preview matches). Applying plans to
//! files is `fix`'s business, not this module's.
//!
//! Rewrites today:
//! - ADO.NET connection strings to Azure SQL → `Authentication=Active Directory Managed Identity`
//!   (`sql.rs`);
//! - Azure Functions connection settings → `AzureWebJobsStorage__accountName`,
//!   `<CONN>__fullyQualifiedNamespace` (Service Bus, Event Hubs), `<CONN>__accountEndpoint` (Cosmos DB)
//!   (`functions.rs`);
//! - infrastructure code (`iac.rs`, with `--force` only): a Bicep `@secure()` parameter's default value is
//!   removed, and a Terraform resource's password literal becomes a `random_password` reference;
//! - with `--key-vault NAME`, a secret that no managed identity can replace, held in an App Service or
//!   Functions app setting declared in Terraform or Bicep →
//!   `@Microsoft.KeyVault(VaultName=NAME;SecretName=<setting>)`, which the platform resolves with the app's
//!   identity (`key_vault.rs`). Settings read by the application itself (appsettings.json, .env) are not
//!   rewritten: nothing would resolve the reference there.

mod functions;
mod iac;
mod key_vault;
mod sql;

use super::Placeholders;
use crate::finding::{Finding, LineIndex};
use crate::rendered::FixSuggestion;
use functions::Extension;
use std::ops::Range;
use std::path::Path;

/// The outcome of checking one precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Passed(String),
    Failed(String),
    /// The project does not say; `--force` applies the rewrite anyway.
    Unchecked(String),
}

/// One rewrite of one finding.
#[derive(Debug, Clone)]
pub struct Rewrite {
    pub line: usize,
    pub rule_id: String,
    pub description: String,
    /// Byte range in the decoded text and what replaces it.
    pub edit: (Range<usize>, String),
    pub checks: Vec<Check>,
}

impl Rewrite {
    pub fn applies(&self, force: bool) -> bool {
        self.checks.iter().all(|c| match c {
            Check::Passed(_) => true,
            Check::Failed(_) => false,
            Check::Unchecked(_) => force,
        })
    }

    /// Why the rewrite is skipped, if it is.
    pub fn skip_reason(&self, force: bool) -> Option<String> {
        let failed: Vec<&str> = self
            .checks
            .iter()
            .filter_map(|c| match c {
                Check::Failed(m) => Some(m.as_str()),
                Check::Unchecked(m) if !force => Some(m.as_str()),
                _ => None,
            })
            .collect();
        (!failed.is_empty()).then(|| failed.join("; "))
    }
}

/// Whether `keyless fix` knows a rewrite for this finding: a managed-identity rewrite for its rule, or,
/// with `--key-vault`, a Key Vault reference for a secret whose remediation is the Key Vault route.
pub fn can_rewrite(f: &Finding, opts: &Placeholders) -> bool {
    &*f.rule_id == "azure-sql.connection-string-password"
        || Extension::of(&f.rule_id).is_some()
        || iac::can_rewrite(f)
        || (opts.key_vault.is_some() && f.remediation.secret_stays)
}

/// Plans the rewrites for the findings of one file. `fs_path` locates the project files the checks read;
/// they are looked for in its folder and the folders above, up to `root` (the scan's top) at most.
pub fn plan(
    text: &str,
    fs_path: &Path,
    root: &Path,
    findings: &[&Finding],
    opts: &Placeholders,
) -> Vec<Rewrite> {
    plan_indexed(text, &LineIndex::new(text), fs_path, root, findings, opts)
}

/// [`plan`] with the text's line index, which a caller planning finding by finding builds once per file
/// (indexing a file of 250,000 lines for each of its findings made `keyless scan` quadratic).
fn plan_indexed(
    text: &str,
    lines: &LineIndex,
    fs_path: &Path,
    root: &Path,
    findings: &[&Finding],
    opts: &Placeholders,
) -> Vec<Rewrite> {
    let line_count = lines.count();
    let mut out = Vec::new();
    for f in findings {
        // The text must still be what was scanned: the finding's lines exist and its secret is in place.
        if f.line == 0 || f.end_line > line_count || f.end_line < f.line {
            continue;
        }
        let start = lines.offset(text, f.line, f.column);
        let end = lines.offset(text, f.end_line, f.end_column);
        if end < start
            || crate::finding::preview(&crate::detect::validate::normalize(&text[start..end]))
                != f.preview
        {
            continue;
        }
        let rewrite = match &*f.rule_id {
            "azure-sql.connection-string-password" => sql::ado_net(
                text,
                lines,
                start,
                f,
                fs_path,
                root,
                opts.client_id.as_deref(),
            ),
            id => Extension::of(id)
                .and_then(|ext| functions::connection(text, lines, start, f, fs_path, root, ext)),
        };
        let rewrite = rewrite.or_else(|| iac::plan(text, lines, start, f));
        let rewrite = match (rewrite, &opts.key_vault) {
            (None, Some(vault)) if f.remediation.secret_stays => {
                key_vault::reference(text, lines, start, f, fs_path, vault)
            }
            (rewrite, _) => rewrite,
        };
        out.extend(rewrite);
    }
    out
}

/// The rewrite `keyless fix` would make for one finding, as SARIF-style region and text, with its checks.
/// `lines` indexes `text`; the caller keeps it with the text for the file's other findings.
pub fn suggest(
    text: &str,
    lines: &LineIndex,
    fs_path: &Path,
    root: &Path,
    f: &Finding,
    opts: &Placeholders,
) -> Option<FixSuggestion> {
    let rewrite = plan_indexed(text, lines, fs_path, root, &[f], opts)
        .into_iter()
        .next()?;
    let (start_line, start_column) = lines.locate(text, rewrite.edit.0.start);
    let (end_line, end_column) = lines.locate(text, rewrite.edit.0.end);
    Some(FixSuggestion {
        description: rewrite.description.as_str().into(),
        safe_to_apply: rewrite.applies(false),
        checks: rewrite
            .checks
            .iter()
            .map(|c| {
                match c {
                    Check::Passed(m) => format!("passed: {m}"),
                    Check::Failed(m) => format!("failed: {m}"),
                    Check::Unchecked(m) => format!("unchecked: {m}"),
                }
                .into()
            })
            .collect(),
        start_line,
        start_column,
        end_line,
        end_column,
        inserted: rewrite.edit.1.into(),
    })
}

/// The quoted string around `at`, when the line has an opening and a closing quote around it. A quote
/// escaped with a backslash does not close the string.
fn enclosing_value(text: &str, lines: &LineIndex, at: usize) -> Option<Range<usize>> {
    let line = lines.line_of(at);
    let lr = lines.line_range(text, line);
    let before = &text[lr.start..at];
    let open = before.rfind(['"', '\''])?;
    let quote = before[open..].chars().next()?;
    let start = lr.start + open + 1;
    let mut escaped = false;
    for (i, c) in text[at..lr.end].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(start..at + i),
            _ => {}
        }
    }
    None
}
