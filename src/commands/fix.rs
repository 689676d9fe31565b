//! `keyless fix`: scans, plans the rewrites (`remediation::rewrite`), applies them file by file (`fix`),
//! and says what remains.

use super::{engine, remediation_context, write_stdout, Outcome};
use crate::cli::{FixArgs, ScanArgs};
use crate::config::Config;
use crate::{remediation, scan};
use anyhow::{Context, Result};
use std::path::PathBuf;

/// `keyless fix`: plan the rewrites, check their preconditions, apply (or show) them, and say what the user
/// must still do before deploying.
pub fn fix(args: &FixArgs) -> Result<Outcome> {
    let mut scan_args = ScanArgs::parse_default();
    scan_args.paths = args.paths.clone();
    scan_args.remediation = args.remediation.clone();
    let config = Config::from_args(&scan_args)?;
    let (rules, detector, key) = engine(&config)?;
    let ctx = remediation_context(&args.remediation, &config);
    let mut outcome = scan::run(&config, &detector, &key);
    remediation::attach(&rules, &mut outcome.findings, &ctx);
    let top = ctx.top.clone().unwrap_or_else(|| PathBuf::from("."));
    // Grouped by the file on disk: two roots in different repositories can report the same path.
    let mut by_file: std::collections::BTreeMap<PathBuf, (&str, Vec<&crate::finding::Finding>)> =
        Default::default();
    for f in outcome.findings.iter().filter(|f| !f.is_suppressed()) {
        let fs_path = f.file_on_disk(&top);
        by_file
            .entry(fs_path)
            .or_insert_with(|| (&*f.path, Vec::new()))
            .1
            .push(f);
    }
    let mut out = String::new();
    let mut err = String::new();
    let mut fixed = 0usize;
    let mut failed_io = false;
    for (fs_path, (path, findings)) in &by_file {
        let shown = crate::report::human::printable(path);
        let Some((bytes, text, encoding)) = crate::source::read_text(fs_path)
            .with_context(|| format!("reading {}", fs_path.display()))?
        else {
            continue;
        };
        // The findings' lines and columns are in the bytes the scan read: a file that changed since
        // would be rewritten at positions that now hold other text. Said only where a rewrite was
        // possible; a file with nothing to rewrite is left alone either way.
        let now = crate::source::Snapshot::of(&bytes);
        if !findings.iter().all(|f| f.is_located_in(&now)) {
            if findings
                .iter()
                .any(|f| remediation::rewrite::can_rewrite(f, &ctx.placeholders))
            {
                err.push_str(&format!(
                    "keyless: {shown}: changed since it was scanned; not written\n"
                ));
                failed_io = true;
            }
            continue;
        }
        // A file that decoding changed (invalid UTF-8, a lone UTF-16 surrogate) cannot be written back
        // without changing bytes keyless never meant to touch.
        if crate::source::encode(&text, encoding) != bytes {
            err.push_str(&format!(
                "keyless: {shown}: not valid UTF-8 or UTF-16 throughout; not rewritten\n"
            ));
            continue;
        }
        let root = remediation::project::project_root(fs_path, &ctx.roots);
        let rewrites =
            remediation::rewrite::plan(&text, fs_path, &root, findings, &ctx.placeholders);
        for r in &rewrites {
            if let Some(reason) = r.skip_reason(args.force) {
                err.push_str(&format!(
                    "keyless: {shown}:{}: {}: not fixed: {reason}\n",
                    r.line, r.rule_id
                ));
            }
        }
        let (new_text, applied) = crate::fix::apply(&text, &rewrites, args.force);
        if applied == 0 {
            continue;
        }
        if path.ends_with(".json")
            && serde_json::from_str::<serde_json::Value>(&text).is_ok()
            && serde_json::from_str::<serde_json::Value>(&new_text).is_err()
        {
            err.push_str(&format!(
                "keyless: {shown}: the rewrite would not parse as JSON; not rewritten\n"
            ));
            continue;
        }
        fixed += applied;
        if args.dry_run {
            // Every secret of the file, suppressed ones included, may stand in a context line; only this
            // file's findings locate text in it (another root may report the same path).
            let own = |f: &&crate::finding::Finding| {
                f.fs_path
                    .as_ref()
                    .map_or(&*f.path == *path, |p| **p == **fs_path)
            };
            let secrets = outcome.findings.iter().filter(own);
            let secrets = secrets.filter(|_| !args.show_secrets);
            out.push_str(&crate::fix::masked_diff(&text, &new_text, &shown, secrets));
            continue;
        }
        if !crate::fix::write_if_unchanged(fs_path, &bytes, &new_text, encoding)? {
            err.push_str(&format!(
                "keyless: {shown}: changed since it was scanned; not written\n"
            ));
            failed_io = true;
            continue;
        }
        out.push_str(&format!(
            "fixed {shown}: {applied} finding{}\n",
            if applied == 1 { "" } else { "s" }
        ));
        for r in rewrites.iter().filter(|r| r.applies(args.force)) {
            out.push_str(&format!("  line {}: {}\n", r.line, r.description));
            if let Some(f) = findings
                .iter()
                .find(|f| f.line == r.line && *f.rule_id == *r.rule_id)
            {
                out.push_str("  before deploying:\n");
                for step in f
                    .remediation
                    .steps
                    .iter()
                    .filter(|s| !s.title.starts_with("Use the identity"))
                {
                    out.push_str(&format!("    - {}", step.title));
                    if let Some(c) = step.commands.iter().find(|c| c.shell.is_command()) {
                        out.push_str(&format!(": {}", c.text.lines().next().unwrap_or_default()));
                    }
                    out.push('\n');
                }
            }
        }
    }
    write_stdout(out.as_bytes())?;
    // What remains: re-scan what was written (or, in a dry run, subtract what would be fixed).
    let remaining = if args.dry_run {
        outcome
            .findings
            .iter()
            .filter(|f| !f.is_suppressed() && config.fails_on(f.severity))
            .count()
            .saturating_sub(fixed)
    } else {
        let after = scan::run(&config, &detector, &key);
        after
            .findings
            .iter()
            .filter(|f| !f.is_suppressed() && config.fails_on(f.severity))
            .count()
    };
    err.push_str(&format!(
        "keyless: {fixed} finding{} {}fixed; {remaining} remain{}\n",
        if fixed == 1 { "" } else { "s" },
        if args.dry_run { "would be " } else { "" },
        if remaining == 1 { "s" } else { "" }
    ));
    eprint!("{err}");
    Ok(if failed_io || !outcome.errors.is_empty() {
        Outcome::Error
    } else if remaining > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
