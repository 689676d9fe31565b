//! `keyless scan`: the files, or with `--staged`, `--diff` and `--history` the blobs git holds; then the
//! baseline, the reports and the outcome.

use super::{engine, fingerprint_key, remediation_context, Outcome};
use crate::baseline::Baseline;
use crate::cli::ScanArgs;
use crate::config::{Config, ProjectSource, PROJECT_FILE};
use crate::detect::Detector;
use crate::finding::FingerprintKey;
use crate::report::{
    self,
    write::{write_atomically, write_atomically_with},
    ReportContext,
};
use crate::rules::RuleSet;
use crate::{git, gitscan, remediation, scan};
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub fn run_scan(args: &ScanArgs) -> Result<Outcome> {
    let mut notes = Vec::new();
    // --diff reads the gate's configuration from the merge-base: a pull request cannot loosen its own gate.
    let diff = match &args.diff {
        Some(base) => {
            let top = git::worktree_top(Path::new(".")).ok_or_else(|| {
                anyhow::anyhow!("--diff needs a git work tree (run it inside the repository)")
            })?;
            let merge_base = git::merge_base(&top, base)?;
            Some((top, merge_base))
        }
        None => None,
    };
    let config = match &diff {
        Some((top, mb)) => {
            let at_base = git::file_at(top, mb, PROJECT_FILE);
            if at_base != git::file_at(top, "HEAD", PROJECT_FILE) {
                notes.push(format!(
                    "keyless: the change edits {PROJECT_FILE}; the gate uses the merge-base's version"
                ));
            }
            Config::from_args_with(
                args,
                Some(ProjectSource {
                    text: String::from_utf8_lossy(&at_base.unwrap_or_default()).into_owned(),
                    name: format!("{}:{PROJECT_FILE}", &mb[..mb.len().min(12)]),
                    dir: top.clone(),
                }),
            )?
        }
        None => Config::from_args(args)?,
    };
    // The hook asks git for the staged changes and their contents while the rule packs load: the git
    // processes run on another core, and their few milliseconds were a third of the hook's time.
    let staged_top = (config.staged && diff.is_none() && !args.history)
        .then(|| git::worktree_top(Path::new(".")));
    let (engine, staged) = std::thread::scope(|s| {
        let reading = staged_top.map(|top| {
            top.map(|top| {
                let config = &config;
                s.spawn(move || gitscan::read_staged(config, &top).map(|staged| (top, staged)))
            })
        });
        let engine = load_engine(&config, diff.as_ref(), &mut notes);
        let staged = reading.map(|r| {
            r.map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
        });
        (engine, staged)
    });
    let (rules, detector, key) = engine?;
    let started = Instant::now();
    let progress = crate::progress::ProgressDisplay::start(config.progress.clone(), args.quiet);
    let mut outcome = if let Some((top, mb)) = &diff {
        let (outcome, diff_notes) = gitscan::run_diff(&config, &detector, &key, top, mb)?;
        notes.extend(diff_notes);
        outcome
    } else if args.history {
        let top = git::worktree_top(Path::new(".")).ok_or_else(|| {
            anyhow::anyhow!("--history needs a git repository (run it inside the work tree)")
        })?;
        gitscan::run_history(&config, &detector, &key, &top, args.branch.as_deref())?
    } else if let Some(staged) = staged {
        let (top, staged) = staged.ok_or_else(|| {
            anyhow::anyhow!("--staged needs a git work tree (run it inside the repository)")
        })??;
        gitscan::run_staged(&config, &detector, &key, &top, staged)?
    } else {
        scan::run(&config, &detector, &key)
    };
    let elapsed = started.elapsed();
    progress.finish();
    let mut rctx = remediation_context(&args.remediation, &config);
    rctx.plan_fixes &= diff.is_none() && !args.history;
    remediation::attach(&rules, &mut outcome.findings, &rctx);
    // Writing a baseline records everything found; applying the old one first would hide part of it.
    let apply_baseline = config
        .baseline
        .as_ref()
        .filter(|_| config.write_baseline.is_none());
    if let Some(path) = apply_baseline {
        let baseline = match &diff {
            Some((top, mb)) => {
                let rel = path
                    .strip_prefix(top)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let at_base = git::file_at(top, mb, &rel);
                if at_base != git::file_at(top, "HEAD", &rel) {
                    notes.push(format!(
                        "keyless: the change edits the baseline {rel}; the gate uses the merge-base's version"
                    ));
                }
                match at_base {
                    Some(bytes) => Baseline::parse(
                        &String::from_utf8_lossy(&bytes),
                        &format!("{}:{rel}", &mb[..mb.len().min(12)]),
                    )?,
                    None => Baseline::default(),
                }
            }
            None => Baseline::load(path)?,
        };
        let stale = baseline.apply(&mut outcome.findings, |p| outcome.scanned.contains(p));
        outcome.recount();
        // --staged and --diff see only what changed, so an entry they did not meet is not stale.
        if !stale.is_empty() && diff.is_none() && !config.staged {
            if config.update_baseline {
                write_atomically(path, baseline.without(&stale).to_json().as_bytes())?;
                notes.push(format!(
                    "keyless: removed {} stale entr{} from {}",
                    stale.len(),
                    if stale.len() == 1 { "y" } else { "ies" },
                    path.display()
                ));
            } else {
                notes.push(format!(
                    "keyless: {} stale baseline entr{} (no longer found; --update-baseline removes them):",
                    stale.len(),
                    if stale.len() == 1 { "y" } else { "ies" }
                ));
                for e in &stale {
                    notes.push(format!("  {} {} {}", e.path, e.rule_id, e.fingerprint));
                }
            }
        }
    }
    if config.write_baseline.is_some() && (config.staged || diff.is_some() || args.history) {
        anyhow::bail!(
            "--write-baseline needs a scan of the files (not --staged, --diff or --history)"
        );
    }
    if let Some(path) = &config.write_baseline {
        let baseline = Baseline::from_findings(&outcome.findings);
        write_atomically(path, baseline.to_json().as_bytes())?;
        notes.push(format!(
            "keyless: wrote {} entr{} to {}",
            baseline.entries.len(),
            if baseline.entries.len() == 1 {
                "y"
            } else {
                "ies"
            },
            path.display()
        ));
    }

    // `--sarif-category NAME` is the user's own analysis category; otherwise a history scan gets one
    // apart from the tree scan's default `keyless/`.
    let category = args.sarif_category.as_ref().map(|name| format!("{name}/"));
    let automation_id = category
        .as_deref()
        .or(args.history.then_some("keyless/history/"));
    let ctx = ReportContext {
        rules: &rules,
        color: config.color,
        automation_id,
        sarif_rules: args.sarif_rules,
    };
    match &config.output {
        Some(path) => {
            write_atomically_with(path, |w| report::write(config.format, &outcome, &ctx, w))?
        }
        // Streamed like a file report: a JSON report of 250,000 findings is a gigabyte, and built as
        // one string first it more than doubled the scan's peak memory.
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            report::write(config.format, &outcome, &ctx, &mut out).and_then(|()| out.flush())?
        }
    }
    let file_ctx = ReportContext {
        rules: &rules,
        color: false,
        automation_id,
        sarif_rules: args.sarif_rules,
    };
    for (format, path) in &config.reports {
        write_atomically_with(path, |w| report::write(*format, &outcome, &file_ctx, w))?;
    }

    let mut err = std::io::stderr().lock();
    for e in &outcome.errors {
        let _ = writeln!(
            err,
            "keyless: {}: {}",
            crate::report::human::printable(&e.path),
            e.message
        );
    }
    for n in &notes {
        let _ = writeln!(err, "{n}");
    }
    if !args.quiet {
        let _ = writeln!(err, "{}", report::human::summary(&outcome.stats, elapsed));
    }

    Ok(if !outcome.errors.is_empty() {
        Outcome::Error
    } else if config.write_baseline.is_some() {
        Outcome::Clean
    } else if outcome
        .findings
        .iter()
        .any(|f| !f.is_suppressed() && config.fails_on(f.severity))
    {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The rule set, detector and fingerprint key; with `--diff`, from the packs the merge-base's
/// configuration names, read from the merge-base (a note for each one the change edits).
fn load_engine(
    config: &Config,
    diff: Option<&(PathBuf, String)>,
    notes: &mut Vec<String>,
) -> Result<(Arc<RuleSet>, Detector, FingerprintKey)> {
    match diff {
        // The packs the gate's configuration names come from the merge-base too.
        Some((top, mb)) => {
            let mut texts = Vec::new();
            for p in &config.project_rule_paths {
                let rel = p
                    .strip_prefix(top)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/");
                for file in git::files_at(top, mb, &rel)
                    .into_iter()
                    .filter(|f| f.ends_with(".toml"))
                {
                    let text = git::file_at(top, mb, &file).unwrap_or_default();
                    if git::file_at(top, "HEAD", &file).as_deref() != Some(text.as_slice()) {
                        notes.push(format!(
                            "keyless: the change edits the rule pack {file}; the gate uses the merge-base's version"
                        ));
                    }
                    texts.push((
                        format!("{}:{file}", &mb[..mb.len().min(12)]),
                        String::from_utf8_lossy(&text).into_owned(),
                    ));
                }
            }
            let cli_packs: Vec<PathBuf> = config
                .rule_paths
                .iter()
                .filter(|p| !config.project_rule_paths.contains(p))
                .cloned()
                .collect();
            let mut rules = RuleSet::load_with(true, &texts, &cli_packs, &config.disabled_rules)?;
            config.apply_severity(&mut rules)?;
            let rules = Arc::new(rules);
            let detector = Detector::new(rules.clone());
            Ok((rules, detector, fingerprint_key(config)))
        }
        None => engine(config),
    }
}
