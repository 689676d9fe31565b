//! Scanning what git says changed: the index for a pre-commit hook (`--staged`), a pull request's commits
//! for a CI gate (`--diff BASE`).
//!
//! Both keep only the findings a change introduces: a finding counts when its lines are added or changed
//! and its fingerprint is not in the pre-image (the earlier blob of the same file, or the rename source).
//! An old secret in a touched file, or a block that was only moved or re-indented, does not fail an
//! unrelated change.

use crate::config::Config;
use crate::detect::Detector;
use crate::finding::{Finding, FingerprintKey};
use crate::git::{self, StagedChange};
use crate::scan::{
    sort_findings, walk_paths, Collector, FileResult, FileScanner, ScanOutcome, ScanSettings,
};
use crate::source::{self, Decoded};
use crate::walk::{self, SkipReason};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The command-line roots as a filter on repository-relative paths.
struct Scope {
    dirs: Vec<String>,
    files: Vec<(String, PathBuf)>,
}

impl Scope {
    fn new(config: &Config, collector: &mut Collector) -> Scope {
        let mut scope = Scope {
            dirs: Vec::new(),
            files: Vec::new(),
        };
        for root in config.roots.iter().flatten() {
            match walk::reported_name(root) {
                Ok((name, true)) => scope.dirs.push(name),
                Ok((name, false)) => scope.files.push((name, root.clone())),
                Err(message) => {
                    collector.record(root.display().to_string(), FileResult::Error(message))
                }
            }
        }
        scope
    }

    fn contains(&self, path: &str) -> bool {
        self.dirs
            .iter()
            .any(|d| d.is_empty() || path == d || path.starts_with(&format!("{d}/")))
            || self.files.iter().any(|(f, _)| f == path)
    }
}

/// What `--staged` scans, read from git before the scan starts (see [`read_staged`]).
pub struct Staged {
    /// Holds the errors of command-line roots that do not exist.
    collector: Collector,
    scope: Scope,
    /// The staged changes inside the scope, and the staged blob of each.
    changes: Vec<StagedChange>,
    blobs: Vec<Vec<u8>>,
}

/// The index against HEAD (an unborn HEAD is the empty tree), limited to the command-line roots, with the
/// blobs those changes need. It needs only the configuration, so the hook runs it while the rule packs
/// load.
pub fn read_staged(config: &Config, top: &Path) -> anyhow::Result<Staged> {
    let mut collector = Collector::default();
    let scope = Scope::new(config, &mut collector);
    let changes = in_scope(config, &scope, git::staged_changes(top)?);
    // A staged file is usually what the work tree holds: read it there when its blob id says so, and
    // ask git only for the others (a partly staged file, a file that a filter rewrites).
    let mut blobs: Vec<Option<Vec<u8>>> = changes
        .iter()
        .map(|c| git::worktree_blob(top, &c.path, &c.blob, config.max_file_size))
        .collect();
    let missing: Vec<&str> = changes
        .iter()
        .zip(&blobs)
        .filter(|(_, b)| b.is_none())
        .map(|(c, _)| c.blob.as_str())
        .collect();
    let mut read = git::read_blobs(top, &missing)?.into_iter();
    let blobs = blobs
        .iter_mut()
        .map(|b| b.take().unwrap_or_else(|| read.next().unwrap_or_default()))
        .collect();
    Ok(Staged {
        collector,
        scope,
        changes,
        blobs,
    })
}

/// `--staged`, with what [`read_staged`] read. A file named on the command line with no staged change is
/// scanned whole from the work tree, so `pre-commit run --all-files` checks everything.
pub fn run_staged(
    config: &Config,
    detector: &Detector,
    key: &FingerprintKey,
    top: &Path,
    staged: Staged,
) -> anyhow::Result<ScanOutcome> {
    let Staged {
        mut collector,
        scope,
        changes,
        blobs,
    } = staged;
    let settings = ScanSettings::from_config(config);
    let mut scanner = FileScanner::new(detector, key, &settings);
    for (path, result) in scan_changes(config, &mut scanner, top, &changes, blobs)? {
        crate::scan::count(&config.progress, &result);
        collector.record(path, result);
    }
    let staged: BTreeSet<&str> = changes.iter().map(|c| c.path.as_str()).collect();
    let unchanged: Vec<PathBuf> = scope
        .files
        .iter()
        .filter(|(name, _)| !staged.contains(name.as_str()))
        .map(|(_, p)| p.clone())
        .collect();
    if !unchanged.is_empty() {
        collector.merge(walk_paths(config, detector, key, &settings, &unchanged));
    }
    Ok(collector.finish())
}

/// `--diff BASE`: what `merge-base(BASE, HEAD)..HEAD` adds, plus secrets that a commit in that range
/// added and a later one removed (reported with `history_only_commit`: they reach history on merge).
/// Inline allow comments do not suppress what the change itself adds: a pull request cannot allowlist
/// its own secret. Returns the outcome and notes for the log.
pub fn run_diff(
    config: &Config,
    detector: &Detector,
    key: &FingerprintKey,
    top: &Path,
    merge_base: &str,
) -> anyhow::Result<(ScanOutcome, Vec<String>)> {
    let settings = ScanSettings::from_config(config);
    let mut collector = Collector::default();
    let mut notes = Vec::new();
    let scope = Scope::new(config, &mut collector);
    let changes = in_scope(
        config,
        &scope,
        git::changes_between(top, merge_base, "HEAD")?,
    );
    let mut scanner = FileScanner::new(detector, key, &settings);
    let mut present: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, mut result) in scan_committed(config, &mut scanner, top, &changes)? {
        if let FileResult::Scanned { findings, .. } = &mut result {
            for f in findings.iter_mut() {
                present.insert((f.path.to_string(), f.fingerprint.clone()));
                if let Some(crate::finding::Suppression::Inline { token }) = f.suppression.take() {
                    notes.push(format!(
                        "keyless: {}:{}: the change adds `{token}` next to a new secret; it is not honoured in --diff",
                        f.path, f.line
                    ));
                }
            }
        }
        crate::scan::count(&config.progress, &result);
        collector.record(path, result);
    }

    // Secrets added by one commit of the range and removed by a later one.
    let mut at_head: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut history: BTreeMap<(String, String), Finding> = BTreeMap::new();
    for (commit, parent) in git::commits_since(top, merge_base)? {
        let changes = in_scope(config, &scope, git::changes_between(top, &parent, &commit)?);
        for (_, result) in scan_committed(config, &mut scanner, top, &changes)? {
            let FileResult::Scanned { findings, .. } = result else {
                continue;
            };
            for mut f in findings {
                let key = (f.path.to_string(), f.fingerprint.clone());
                if present.contains(&key) || history.contains_key(&key) {
                    continue;
                }
                let head = at_head.entry(f.path.to_string()).or_insert_with(|| {
                    fingerprints(&mut scanner, &f.path, git::file_at(top, "HEAD", &f.path))
                });
                if head.contains(&f.fingerprint) {
                    continue;
                }
                f.history_only_commit = Some(commit.clone());
                f.suppression = None;
                history.insert(key, f);
            }
        }
    }
    if !history.is_empty() {
        notes.push(format!(
            "keyless: {} secret{} added and removed again inside the change: {} in history once merged; rotate {}",
            history.len(),
            if history.len() == 1 { " was" } else { "s were" },
            if history.len() == 1 { "it stays" } else { "they stay" },
            if history.len() == 1 { "it" } else { "them" }
        ));
    }
    let mut outcome = collector.finish();
    outcome.findings.extend(history.into_values());
    sort_findings(&mut outcome.findings);
    outcome.recount();
    Ok((outcome, notes))
}

fn in_scope(config: &Config, scope: &Scope, changes: Vec<StagedChange>) -> Vec<StagedChange> {
    changes
        .into_iter()
        .filter(|c| scope.contains(&c.path) && !config.exclude.is_excluded(&c.path))
        .collect()
}

/// [`scan_changes`] on blobs that git holds (a commit's, not the index's): all are read from git.
fn scan_committed(
    config: &Config,
    scanner: &mut FileScanner<'_>,
    top: &Path,
    changes: &[StagedChange],
) -> anyhow::Result<Vec<(String, FileResult)>> {
    let oids: Vec<&str> = changes.iter().map(|c| c.blob.as_str()).collect();
    let blobs = git::read_blobs(top, &oids)?;
    scan_changes(config, scanner, top, changes, blobs)
}

/// Scans each change's new blob (`blobs`, in order) and keeps the findings the change introduces. The
/// pre-images are read from git only for the files that have findings: a clean commit needs none.
fn scan_changes(
    config: &Config,
    scanner: &mut FileScanner<'_>,
    top: &Path,
    changes: &[StagedChange],
    blobs: Vec<Vec<u8>>,
) -> anyhow::Result<Vec<(String, FileResult)>> {
    let mut scanned = Vec::with_capacity(changes.len());
    for (c, new) in changes.iter().zip(blobs) {
        if new.len() as u64 > config.max_file_size {
            scanned.push((FileResult::Skipped(SkipReason::TooLarge), new));
            continue;
        }
        scanned.push((scanner.scan_bytes(&c.path, &new), new));
    }
    let has_findings =
        |r: &FileResult| matches!(r, FileResult::Scanned { findings, .. } if !findings.is_empty());
    let wanted: Vec<&str> = changes
        .iter()
        .zip(&scanned)
        .filter(|(_, (r, _))| has_findings(r))
        .filter_map(|(c, _)| c.before.as_deref())
        .collect();
    let mut olds = git::read_blobs(top, &wanted)?.into_iter();
    let mut results = Vec::with_capacity(changes.len());
    for (c, (result, new)) in changes.iter().zip(scanned) {
        let result = match result {
            FileResult::Scanned { bytes, findings }
                if !findings.is_empty() && c.before.is_some() =>
            {
                let old = olds.next().unwrap_or_default();
                let before = fingerprints(scanner, &c.path, Some(old.clone()));
                let changed = changed_lines(&old, &new);
                let findings = findings
                    .into_iter()
                    .filter(|f| {
                        !before.contains(&f.fingerprint)
                            && changed.iter().any(|r| f.line <= r.1 && r.0 <= f.end_line)
                    })
                    .collect();
                FileResult::Scanned { bytes, findings }
            }
            result => result,
        };
        results.push((c.path.clone(), result));
    }
    Ok(results)
}

fn fingerprints(
    scanner: &mut FileScanner<'_>,
    path: &str,
    blob: Option<Vec<u8>>,
) -> BTreeSet<String> {
    match blob.map(|b| scanner.scan_bytes(path, &b)) {
        Some(FileResult::Scanned { findings, .. }) => {
            findings.into_iter().map(|f| f.fingerprint).collect()
        }
        _ => BTreeSet::new(),
    }
}

/// Consecutive runs of `blobs` whose sizes add up to at most `limit` bytes (at least one blob each), so
/// one `git cat-file --batch` never buffers more than that.
fn byte_batches(blobs: &[(String, String, u64)], limit: u64) -> Vec<&[(String, String, u64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut total = 0;
    for (i, b) in blobs.iter().enumerate() {
        if i > start && total + b.2 > limit {
            out.push(&blobs[start..i]);
            start = i;
            total = 0;
        }
        total += b.2;
    }
    if start < blobs.len() {
        out.push(&blobs[start..]);
    }
    out
}

/// 1-based inclusive line ranges of `new` that differ from `old`.
fn changed_lines(old: &[u8], new: &[u8]) -> Vec<(usize, usize)> {
    let decode = |b: &[u8]| match source::decode(b) {
        Decoded::Text(t) => t.text.into_owned(),
        Decoded::Binary => String::new(),
    };
    let (old, new) = (decode(old), decode(new));
    let diff = similar::TextDiff::from_lines(&old, &new);
    diff.ops()
        .iter()
        .filter_map(|op| {
            let r = op.new_range();
            let changed = !matches!(
                op,
                similar::DiffOp::Equal { .. } | similar::DiffOp::Delete { .. }
            );
            (changed && !r.is_empty()).then_some((r.start + 1, r.end))
        })
        .collect()
}

/// `--history`: every blob reachable from all refs (or `branch`), each scanned once, in parallel. One
/// finding per (fingerprint, path), with the earliest and latest commits that hold it, how many do, and
/// whether HEAD still does: a secret that survives only in history must be rotated all the same.
pub fn run_history(
    config: &Config,
    detector: &Detector,
    key: &FingerprintKey,
    top: &Path,
    branch: Option<&str>,
) -> anyhow::Result<ScanOutcome> {
    git::require_full_history(top, "--history")?;
    let refs: Vec<&str> = match branch {
        Some(b) => vec![b],
        None => vec!["--all"],
    };
    let settings = ScanSettings::from_config(config);
    let mut collector = Collector::default();
    let mut blobs = Vec::new();
    for (oid, path, size) in git::reachable_blobs(top, &refs)? {
        if config.exclude.is_excluded(&path) {
            continue;
        }
        if size > config.max_file_size {
            collector.skip(SkipReason::TooLarge);
        } else {
            blobs.push((oid, path, size));
        }
    }

    // Scan in parallel: each worker reads its share of blobs through its own `git cat-file --batch`.
    let threads = config.threads.max(1);
    let chunk = blobs.len().div_ceil(threads).max(1);
    let per_blob: Vec<(String, String, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = blobs
            .chunks(chunk)
            .map(|part| {
                let settings = &settings;
                s.spawn(
                    move || -> anyhow::Result<Vec<(String, String, FileResult)>> {
                        let mut scanner = FileScanner::new(detector, key, settings);
                        let mut out = Vec::with_capacity(part.len());
                        for batch in byte_batches(part, 64 << 20) {
                            let oids: Vec<&str> =
                                batch.iter().map(|(o, _, _)| o.as_str()).collect();
                            for ((oid, path, _), bytes) in
                                batch.iter().zip(git::read_blobs(top, &oids)?)
                            {
                                let result = scanner.scan_bytes(path, &bytes);
                                crate::scan::count(&config.progress, &result);
                                out.push((oid.clone(), path.clone(), result));
                            }
                        }
                        Ok(out)
                    },
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("history worker panicked"))
            .collect::<anyhow::Result<Vec<_>>>()
            .map(|v| v.into_iter().flatten().collect())
    })?;

    let mut with_findings: Vec<(String, String, Vec<Finding>)> = Vec::new();
    for (oid, path, result) in per_blob {
        match result {
            FileResult::Scanned { bytes, findings } => {
                collector.record(
                    path.clone(),
                    FileResult::Scanned {
                        bytes,
                        findings: Vec::new(),
                    },
                );
                if !findings.is_empty() {
                    with_findings.push((oid, path, findings));
                }
            }
            other => collector.record(path, other),
        }
    }

    // A secret blob may live at more paths than the one rev-list named: scan it under each of them
    // (path globs of rules may differ), so each place is reported.
    let secret_oids: std::collections::BTreeSet<String> =
        with_findings.iter().map(|(o, _, _)| o.clone()).collect();
    let mut extra: Vec<(String, String)> = Vec::new();
    for (oid, paths) in git::blob_paths(top, &refs, &secret_oids)? {
        for p in paths {
            let known = with_findings.iter().any(|(o, q, _)| *o == oid && *q == p);
            if !known && !config.exclude.is_excluded(&p) {
                extra.push((oid.clone(), p));
            }
        }
    }
    if !extra.is_empty() {
        let mut scanner = FileScanner::new(detector, key, &settings);
        let oids: Vec<&str> = extra.iter().map(|(o, _)| o.as_str()).collect();
        for ((oid, path), bytes) in extra.iter().zip(git::read_blobs(top, &oids)?) {
            if let FileResult::Scanned { findings, .. } = scanner.scan_bytes(path, &bytes) {
                if !findings.is_empty() {
                    with_findings.push((oid.clone(), path.clone(), findings));
                }
            }
        }
    }

    // Which commits hold each secret blob at its path: `<commit>:<path>` resolved in batches, so memory
    // stays bounded by the batch, not by commits × paths.
    let commits = git::commits(top, &refs)?;
    let per_path = commits.len() + 1;
    let batch = (500_000 / per_path).max(1);
    // For each (blob, path): the indices of the commits holding it there, and whether HEAD does.
    let mut holdings: Vec<(Vec<usize>, bool)> = Vec::with_capacity(with_findings.len());
    for part in with_findings.chunks(batch) {
        let mut specs = Vec::with_capacity(part.len() * per_path);
        for (_, path, _) in part {
            for (id, _, _) in &commits {
                specs.push(format!("{id}:{path}"));
            }
            specs.push(format!("HEAD:{path}"));
        }
        let names = git::resolve_specs(top, &specs)?;
        for ((oid, _, _), named) in part.iter().zip(names.chunks(per_path)) {
            let holds = |n: &Option<String>| n.as_deref() == Some(oid.as_str());
            let holding: Vec<usize> = (0..commits.len())
                .filter(|&i| named.get(i).is_some_and(holds))
                .collect();
            holdings.push((holding, named.get(commits.len()).is_some_and(holds)));
        }
    }
    // (path, fingerprint) → finding, with the indices of its first and last holding commits.
    let mut merged: BTreeMap<(String, String), (Finding, usize, usize)> = BTreeMap::new();
    let info = |i: usize| crate::finding::CommitInfo {
        id: commits[i].0.clone(),
        author: commits[i].1.clone(),
        date: commits[i].2.clone(),
    };
    for ((_, _, findings), (holding, at_head)) in with_findings.into_iter().zip(holdings) {
        let (Some(&first), Some(&last)) = (holding.first(), holding.last()) else {
            continue;
        };
        for mut f in findings {
            let key = (f.path.to_string(), f.fingerprint.clone());
            match merged.get_mut(&key) {
                Some((existing, lo, hi)) => {
                    *lo = (*lo).min(first);
                    *hi = (*hi).max(last);
                    let h = existing
                        .history
                        .as_mut()
                        .expect("merged findings carry history");
                    h.commits += holding.len();
                    h.present_at_head |= at_head;
                    // Report the location where HEAD holds it, if it does.
                    if at_head {
                        let h = existing.history.take();
                        *existing = f;
                        existing.history = h;
                    }
                }
                None => {
                    f.history = Some(Box::new(crate::finding::History {
                        first_commit: info(first),
                        last_commit: info(last),
                        commits: holding.len(),
                        present_at_head: at_head,
                    }));
                    merged.insert(key, (f, first, last));
                }
            }
        }
    }
    let merged: Vec<Finding> = merged
        .into_values()
        .map(|(mut f, lo, hi)| {
            if let Some(h) = f.history.as_mut() {
                h.first_commit = info(lo);
                h.last_commit = info(hi);
            }
            f
        })
        .collect();
    let mut outcome = collector.finish();
    outcome.findings = merged;
    sort_findings(&mut outcome.findings);
    outcome.recount();
    Ok(outcome)
}
