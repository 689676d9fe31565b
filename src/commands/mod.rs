//! The commands behind the binary, one file each. Each returns an [`Outcome`] that `main.rs` maps to an
//! exit code; an `Err` is a usage or input error (exit 2) that stopped the command before it could produce
//! a report. What several commands share lives here: building the engine from a configuration, the
//! remediation context, the fingerprint key and writing to stdout.

mod completions;
mod explain;
mod fix;
mod install_hook;
mod man;
mod rules;
mod scan;

use crate::cli::{Cli, Command, RemediationArgs, RulesCommand};
use crate::config::Config;
use crate::detect::Detector;
use crate::finding::FingerprintKey;
use crate::rules::RuleSet;
use crate::{git, remediation};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::outcome::Outcome;
pub use scan::run_scan;

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules(RulesCommand::List(args)) => rules::list(&args),
        Command::Rules(RulesCommand::Check(args)) => rules::check(&args),
        Command::InstallHook(args) => install_hook::install_hook(&args),
        Command::Explain(args) => explain::explain(&args),
        Command::Fix(args) => fix::fix(&args),
        Command::Audit(args) => crate::audit::run(&args),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man => man::man_page(),
    }
}

fn remediation_context(args: &RemediationArgs, config: &Config) -> remediation::Context {
    let dir = config.first_root_dir();
    // Reported paths start at the work tree's top, else at the one folder root; a file named outside git,
    // or any path when several roots are named outside git, is reported as typed (relative to the
    // current folder).
    let first_is_dir = config
        .roots
        .iter()
        .flatten()
        .next()
        .is_some_and(|p| p.is_dir());
    let named = config.roots.iter().flatten().count();
    let top = git::worktree_top(&dir).unwrap_or(if first_is_dir && named == 1 {
        dir
    } else {
        PathBuf::from(".")
    });
    remediation::Context {
        host: args.host,
        placeholders: remediation::Placeholders {
            client_id: args.client_id.clone(),
            key_vault: args.key_vault.clone(),
        },
        top: Some(top),
        // Rewrites are planned from the files on disk, which is what a plain scan read.
        plan_fixes: !config.staged,
        roots: config.roots.iter().flatten().cloned().collect(),
    }
}

/// What every scanning command builds from its configuration: the rule set (built-in packs, the
/// configured ones, minus disabled rules), the detector over it, and the fingerprint key.
fn engine(config: &Config) -> Result<(Arc<RuleSet>, Detector, FingerprintKey)> {
    let mut rules = RuleSet::load(true, &config.rule_paths, &config.disabled_rules)?;
    config.apply_severity(&mut rules)?;
    let rules = Arc::new(rules);
    // The hook's few staged files do not repay building the keyword DFA (about 5 ms of its start).
    let detector = if config.staged {
        Detector::for_few_files(rules.clone())
    } else {
        Detector::new(rules.clone())
    };
    Ok((rules, detector, fingerprint_key(config)))
}

/// `--fingerprint-key`, else a key derived from the repository's first commit (stable for everyone who
/// clones it, different between repositories), else the documented default.
fn fingerprint_key(config: &Config) -> FingerprintKey {
    if let Some(k) = &config.fingerprint_key {
        return FingerprintKey::from_seed(k);
    }
    let dir = config.first_root_dir();
    let top = git::worktree_top(&dir);
    if top.as_deref().is_some_and(git::is_shallow) {
        // The first commit of a shallow clone is its boundary, which moves with every fetch.
        eprintln!(
            "keyless: warning: shallow clone: fingerprints are keyed by the clone's boundary commit and change as it moves; set --fingerprint-key (or KEYLESS_FINGERPRINT_KEY) in CI"
        );
    }
    // The hook reads the first commit from a cache in the git folder; every other scan refreshes it.
    let first = |top: PathBuf| {
        if config.staged {
            git::first_commit_cached(&top)
        } else {
            git::first_commit_refreshed(&top)
        }
    };
    top.and_then(first)
        .map(|id| FingerprintKey::from_seed(&format!("git:{id}")))
        .unwrap_or_else(|| FingerprintKey::from_seed(FingerprintKey::DEFAULT_SEED))
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
