//! The commands behind the binary. Each returns an [`Outcome`] that `main.rs` maps to an exit code; an
//! `Err` is a usage or input error (exit 2) that stopped the command before it could produce a report.

use crate::baseline::Baseline;
use crate::cli::{
    Cli, Command, ExplainArgs, FixArgs, InstallHookArgs, ListFormat, RemediationArgs,
    RulesCheckArgs, RulesCommand, RulesListArgs, ScanArgs,
};
use crate::config::{Config, ProjectSource, PROJECT_FILE};
use crate::detect::Detector;
use crate::finding::FingerprintKey;
use crate::report::{self, write::write_atomically, ReportContext};
use crate::rule_check as check;
use crate::rules::RuleSet;
use crate::{git, gitscan, remediation, scan};
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub use crate::outcome::Outcome;

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Rules(RulesCommand::List(args)) => rules_list(&args),
        Command::Rules(RulesCommand::Check(args)) => rules_check(&args),
        Command::InstallHook(args) => install_hook(&args),
        Command::Explain(args) => explain(&args),
        Command::Fix(args) => fix_command(&args),
        Command::Audit(args) => crate::audit::run(&args),
        Command::Completions(args) => completions(args.shell),
        Command::Man => man_page(),
    }
}

/// `keyless completions SHELL`: the script clap_complete derives from the command definitions.
fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "keyless", &mut out);
    write_stdout(&out)?;
    Ok(Outcome::Clean)
}

/// `keyless man`: one roff page for `keyless` with a section per subcommand.
fn man_page() -> Result<Outcome> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // clap wants a `&'static str` name (without its `string` feature); the process ends right after.
        let name: &'static str = Box::leak(format!("keyless-{}", sub.get_name()).into_boxed_str());
        let sub = sub
            .clone()
            .name(name)
            .display_name(format!("keyless {}", sub.get_name()));
        out.extend_from_slice(b"\n");
        clap_mangen::Man::new(sub).render(&mut out)?;
    }
    write_stdout(&out)?;
    Ok(Outcome::Clean)
}

/// `keyless fix`: plan the rewrites, check their preconditions, apply (or show) them, and say what the user
/// must still do before deploying.
fn fix_command(args: &FixArgs) -> Result<Outcome> {
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
            .or_insert_with(|| (f.path.as_str(), Vec::new()))
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
            let diff = similar::TextDiff::from_lines(&text, &new_text);
            let mut shown = diff
                .unified_diff()
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string();
            // The removed lines hold the secrets: mask them as every report does.
            // Every secret of the file, suppressed ones included, may stand in a context line.
            // A secret that spans lines (a PEM key) never stands whole in a diff, whose every line has a
            // prefix: each of its lines is masked on its own.
            // Only this file's findings locate text in it (another root may report the same path).
            let own = |f: &&crate::finding::Finding| {
                f.fs_path.as_ref().map_or(f.path == *path, |p| p == fs_path)
            };
            for f in outcome.findings.iter().filter(own) {
                let raw = crate::fix::secret_text(&text, f);
                if raw.is_empty() || args.show_secrets {
                    continue;
                }
                shown = shown.replace(raw, &f.preview);
                if raw.contains(['\n', '\r']) {
                    for piece in raw.split(['\n', '\r']) {
                        if piece.len() >= 4 {
                            shown = shown.replace(piece, "…");
                        }
                    }
                }
            }
            out.push_str(&shown);
            continue;
        }
        let now =
            std::fs::read(fs_path).with_context(|| format!("reading {}", fs_path.display()))?;
        if now != bytes {
            err.push_str(&format!(
                "keyless: {shown}: changed since it was scanned; not written\n"
            ));
            failed_io = true;
            continue;
        }
        write_atomically(fs_path, &crate::source::encode(&new_text, encoding))?;
        out.push_str(&format!(
            "fixed {shown}: {applied} finding{}\n",
            if applied == 1 { "" } else { "s" }
        ));
        for r in rewrites.iter().filter(|r| r.applies(args.force)) {
            out.push_str(&format!("  line {}: {}\n", r.line, r.description));
            if let Some(f) = findings
                .iter()
                .find(|f| f.line == r.line && f.rule_id == r.rule_id)
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

/// `keyless explain`: the guide of a rule, or the rendered remediation of the findings with a fingerprint.
fn explain(args: &ExplainArgs) -> Result<Outcome> {
    let rules = Arc::new(RuleSet::builtin()?);
    let mut out = String::new();
    if let Some(i) = rules.rule_index(&args.what) {
        let rule = &rules.rules[i];
        out.push_str(&report::sarif::help_markdown(rule, &rules));
        let example = crate::finding::Finding::placeholder(rule, i);
        let ctx = remediation::Context {
            host: args.remediation.host,
            placeholders: remediation::Placeholders {
                client_id: args.remediation.client_id.clone(),
                key_vault: args.remediation.key_vault.clone(),
            },
            top: None,
            plan_fixes: false,
            roots: Vec::new(),
        };
        let mut r = rules.remediation_of(rule).clone();
        if rule.after.is_some() {
            r.after = rule.after.clone();
        }
        let rendered = remediation::render(
            &r,
            &example,
            &ctx,
            &mut remediation::host::Neighbours::default(),
        );
        out.push_str("\n### Steps\n\n");
        out.push_str(&report::human::steps(&rendered));
        write_stdout(out.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    if args.what.len() != 64 || !args.what.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!(
            "explain {}: not a rule id (see `keyless rules list`) nor a 64-character fingerprint",
            args.what
        );
    }
    let mut scan_args = ScanArgs::parse_default();
    scan_args.remediation = args.remediation.clone();
    let config = Config::from_args(&scan_args)?;
    let detector = Detector::new(rules.clone());
    let key = fingerprint_key(&config);
    let mut outcome = scan::run(&config, &detector, &key);
    outcome.findings.retain(|f| f.fingerprint == args.what);
    if outcome.findings.is_empty() {
        anyhow::bail!(
            "explain {}: no finding with this fingerprint under the current folder",
            args.what
        );
    }
    let rctx = remediation_context(&args.remediation, &config);
    remediation::attach(&rules, &mut outcome.findings, &rctx);
    for f in &outcome.findings {
        out.push_str(&format!(
            "{}:{}:{}  {}  {}\n  | {}\n\n{}\n\n",
            f.path, f.line, f.column, f.rule_id, f.title, f.snippet, f.remediation.summary
        ));
        out.push_str(&report::human::steps(&f.remediation));
        for n in &f.remediation.notes {
            out.push_str(&format!("Note: {n}\n"));
        }
        out.push('\n');
    }
    write_stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}

const HOOK_SCRIPT: &str = "#!/bin/sh
# Installed by `keyless install-hook`: refuses a commit that adds a hard-coded secret.
# `git commit --no-verify` skips it (and the secret then reaches the repository's history).
if ! command -v keyless >/dev/null 2>&1; then
  echo \"keyless: not found on PATH (cargo install --locked --path <keyless checkout>)\" >&2
  exit 1
fi
exec keyless scan --staged
";

/// Writes the hook where git looks for it (`git rev-parse --git-path hooks`), so `core.hooksPath`,
/// worktrees and submodules work; an existing hook is kept unless `--force`.
fn install_hook(args: &InstallHookArgs) -> Result<Outcome> {
    let dir = git::hooks_dir(std::path::Path::new("."))?;
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let hook = dir.join("pre-commit");
    if hook.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; keyless leaves it alone (use --force to replace it, or call `keyless scan --staged` from it)",
            hook.display()
        );
    }
    write_atomically(&hook, HOOK_SCRIPT.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("making {} executable", hook.display()))?;
    }
    eprintln!("keyless: installed {}", hook.display());
    Ok(Outcome::Clean)
}

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
    let (rules, detector, key) = match &diff {
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
            (rules, detector, fingerprint_key(&config))
        }
        None => engine(&config)?,
    };
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
    } else if config.staged {
        let top = git::worktree_top(Path::new(".")).ok_or_else(|| {
            anyhow::anyhow!("--staged needs a git work tree (run it inside the repository)")
        })?;
        gitscan::run_staged(&config, &detector, &key, &top)?
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
        let stale = baseline.apply(&mut outcome.findings, &outcome.scanned);
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

    let automation_id = args.history.then_some("keyless/history/");
    let ctx = ReportContext {
        rules: &rules,
        color: config.color,
        automation_id,
    };
    let primary = report::render(config.format, &outcome, &ctx);
    match &config.output {
        Some(path) => write_atomically(path, primary.as_bytes())?,
        None => write_stdout(primary.as_bytes())?,
    }
    let file_ctx = ReportContext {
        rules: &rules,
        color: false,
        automation_id,
    };
    for (format, path) in &config.reports {
        write_atomically(
            path,
            report::render(*format, &outcome, &file_ctx).as_bytes(),
        )?;
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
    let detector = Detector::new(rules.clone());
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

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    title: &'a str,
    service: &'a str,
    severity: &'a str,
    confidence: &'a str,
    keywords: &'a [String],
}

fn rules_list(args: &RulesListArgs) -> Result<Outcome> {
    let rules = RuleSet::load(true, &args.rules, &[])?;
    let listed: Vec<ListedRule<'_>> = rules
        .rules
        .iter()
        .map(|r| ListedRule {
            id: &r.id,
            title: &r.title,
            service: &r.service,
            severity: r.severity.as_str(),
            confidence: r.confidence.as_str(),
            keywords: &r.keywords,
        })
        .collect();
    let text = match args.format {
        ListFormat::Json => serde_json::to_string_pretty(&listed)? + "\n",
        ListFormat::Text => {
            let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in &listed {
                s.push_str(&format!(
                    "{:<width$}  {:<8}  {}  ({})\n",
                    r.id, r.severity, r.title, r.service
                ));
            }
            s.push_str(&format!("{} rules\n", listed.len()));
            s
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

fn rules_check(args: &RulesCheckArgs) -> Result<Outcome> {
    let rules = Arc::new(RuleSet::load(args.paths.is_empty(), &args.paths, &[])?);
    let failures = check::check(rules.clone());
    let mut out = String::new();
    for f in &failures {
        out.push_str(&format!("{f}\n"));
    }
    out.push_str(&format!(
        "checked {} rules in {} packs: {} failure{}\n",
        rules.rules.len(),
        rules.packs.len(),
        failures.len(),
        if failures.len() == 1 { "" } else { "s" }
    ));
    write_stdout(out.as_bytes())?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
