//! One shard's work: for each of its repositories, clone, scan, and write the report pair; then the
//! summary.
//!
//! Each repository is scanned by a child `keyless scan` process run in the fresh clone, exactly as a
//! person would scan it, so its findings are those of `keyless scan` in that repository by construction;
//! and a child can be killed when `--repo-timeout` runs out, which a scan inside this process could not.
//! The child writes into a private work folder (`workdir`, which the next run sweeps if this one is
//! killed); only a finished scan is copied into --out-dir, report
//! first and the JSON (which carries the completeness record) last, each atomically. So whatever point
//! a shard is killed at, the out-dir holds whole report pairs and nothing else, and a rerun skips them.

use super::child::{git, run_status, Deadline};
use super::head::{rev_parse, source_of};
use super::list::{redact, Repo, RepoList};
use super::shard::{Shard, JOB_INDEX_VAR};
use super::summary::{AuditRecord, ListInfo, RepoEntry, Status, Summary, KEYLESS_VERSION};
use super::workdir::WorkDir;
use crate::atomic::write_atomically;
use crate::cli::AuditArgs;
use crate::outcome::Outcome;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The per-repository scan settings, checked once before any repository is touched.
struct Settings {
    exe: PathBuf,
    history: bool,
    threads: Option<usize>,
    config: Option<PathBuf>,
    rules: Vec<PathBuf>,
    timeout: Duration,
}

pub fn run(args: &AuditArgs) -> Result<Outcome> {
    let repos_file = args.repos.as_ref().context("--repos is required")?;
    let out_dir = args.out_dir.as_ref().context("--out-dir is required")?;
    // Every input is checked before the out-dir is created, so a typo leaves nothing behind.
    let list = RepoList::read(repos_file)?;
    let shard = match &args.shard {
        Some(spec) => Shard::parse(spec, std::env::var(JOB_INDEX_VAR).ok().as_deref())?,
        None => Shard::ALL,
    };
    let settings = settings(args)?;
    super::child::forward_interrupts()?;
    let work = WorkDir::new_in(&std::env::temp_dir())?;
    preflight(&settings, &work.path)?;
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    let mine: Vec<&Repo> = list
        .repos
        .iter()
        .filter(|r| shard.contains(&r.key()))
        .collect();
    eprintln!(
        "keyless: audit shard {shard}: {} of {} repositories",
        mine.len(),
        list.repos.len()
    );
    let mut entries = Vec::with_capacity(mine.len());
    for (i, repo) in mine.iter().enumerate() {
        let key = repo.key();
        let name = repo.name();
        let complete = complete_report(out_dir, repo, settings.history).filter(|_| !args.force);
        let (kept, moved) = match complete {
            Some(report) => match moved_since(&report, repo, &work.path, &settings) {
                Some(now) => (None, Some(now)),
                None => (Some(report), None),
            },
            None => (None, None),
        };
        let entry = match kept {
            Some(report) => RepoEntry::from_report(&report, Status::Skipped)?,
            None => match scan_one(repo, &work.path, out_dir, &settings) {
                Ok(report) => RepoEntry::from_report(&report, Status::Scanned)?,
                Err(e) => RepoEntry::failed(key.clone(), name, redact(&format!("{e:#}"))),
            },
        };
        let what = match (&entry.status, &entry.error) {
            (Status::Failed, Some(e)) => format!("failed: {e}"),
            (status, _) => format!(
                "{}, {} finding{}",
                if *status == Status::Skipped {
                    "complete report kept"
                } else {
                    "scanned"
                },
                entry.findings,
                if entry.findings == 1 { "" } else { "s" }
            ),
        };
        let why = match moved {
            Some(now) => format!(" (its ref moved to {} since the last report)", short(&now)),
            None => String::new(),
        };
        eprintln!("keyless: [{}/{}] {key}: {what}{why}", i + 1, mine.len());
        entries.push(entry);
    }

    let summary = Summary::new(
        ListInfo {
            sha256: list.digest(),
            repositories: list.repos.len() as u64,
        },
        vec![shard],
        settings.history,
        entries,
    );
    summary.write(out_dir)?;
    let t = &summary.totals;
    eprintln!(
        "keyless: audit shard {shard}: {} scanned, {} kept, {} failed; {} finding{} in {} repositor{}; summary in {}",
        t.scanned,
        t.skipped,
        t.failed,
        t.findings,
        if t.findings == 1 { "" } else { "s" },
        t.with_findings,
        if t.with_findings == 1 { "y" } else { "ies" },
        out_dir.join("summary.md").display()
    );
    Ok(outcome_of(&summary))
}

/// The exit code of `keyless scan` over the lot: 2 if a repository failed or a file could not be read,
/// 1 if a finding counts, else 0.
pub fn outcome_of(summary: &Summary) -> Outcome {
    if summary.totals.failed > 0 || summary.totals.file_errors > 0 {
        Outcome::Error
    } else if summary
        .repositories
        .iter()
        .any(RepoEntry::has_failing_findings)
    {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

fn settings(args: &AuditArgs) -> Result<Settings> {
    if args.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    if args.repo_timeout == 0 {
        bail!("--repo-timeout must be at least 1 second");
    }
    // The child runs in the clone, so paths given here are made absolute first.
    let absolute = |p: &Path, what: &str| -> Result<PathBuf> {
        p.canonicalize()
            .with_context(|| format!("{what} {}", p.display()))
    };
    let config = args
        .config
        .as_deref()
        .map(|p| absolute(p, "--config"))
        .transpose()?;
    let rules = args
        .rules
        .iter()
        .map(|p| absolute(p, "--rules"))
        .collect::<Result<Vec<_>>>()?;
    Ok(Settings {
        exe: std::env::current_exe().context("finding the keyless executable")?,
        history: args.history,
        threads: args.threads,
        config,
        rules,
        timeout: Duration::from_secs(args.repo_timeout),
    })
}

/// The JSON report of a repository if its pair is complete and was made the way this run would make it.
fn complete_report(out_dir: &Path, repo: &Repo, history: bool) -> Option<serde_json::Value> {
    let name = repo.name();
    let json = std::fs::read_to_string(out_dir.join(format!("{name}.json"))).ok()?;
    let report: serde_json::Value = serde_json::from_str(&json).ok()?;
    let record: AuditRecord = serde_json::from_value(report["audit"].clone()).ok()?;
    let sarif = out_dir.join(format!("{name}.sarif"));
    let matches = record.repository == repo.url
        && record.git_ref == repo.git_ref
        && record.history == history
        && record.keyless_version == KEYLESS_VERSION
        && std::fs::metadata(&sarif).is_ok_and(|m| m.is_file() && m.len() > 0);
    matches.then_some(report)
}

/// The commit the repository's ref points at now, if that is not the one its complete report was made
/// of (None when they agree, or when the source cannot say: the report is kept then).
fn moved_since(
    report: &serde_json::Value,
    repo: &Repo,
    work: &Path,
    s: &Settings,
) -> Option<String> {
    let record: AuditRecord = serde_json::from_value(report["audit"].clone()).ok()?;
    let scratch = work.join("head");
    std::fs::create_dir_all(&scratch).ok()?;
    let now = super::head::at_source(repo, Deadline::after(s.timeout), &scratch)?;
    (record.commit.as_deref() != Some(now.as_str())).then_some(now)
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// Clone, check out, scan, and publish one repository's reports; returns the JSON report written.
fn scan_one(repo: &Repo, work: &Path, out_dir: &Path, s: &Settings) -> Result<serde_json::Value> {
    let deadline = Deadline::after(s.timeout);
    let name = repo.name();
    let dir = work.join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let result = scan_in(repo, &dir, out_dir, s, deadline);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn scan_in(
    repo: &Repo,
    dir: &Path,
    out_dir: &Path,
    s: &Settings,
    deadline: Deadline,
) -> Result<serde_json::Value> {
    let clone = dir.join("repo");
    let log = dir.join("log");
    let mut cmd = git(dir);
    cmd.args(["clone", "--quiet", "--no-checkout"]);
    // A blobless clone fetches every commit and tree but only the blobs the checkout needs: the tree scan
    // reads one revision, and the fingerprint key (the first commit) is still there, so fingerprints
    // equal those of `keyless scan` in a full clone. A shallow clone would key them by its boundary commit.
    // --history reads every blob, so it clones everything. A local clone ignores filters and hard-links.
    if !repo.is_local && !s.history {
        cmd.arg("--filter=blob:none");
    }
    let source = source_of(repo);
    cmd.arg("--").arg(&source).arg(&clone);
    run_until(&mut cmd, deadline, &log, "git clone")?;

    let commit = match &repo.git_ref {
        Some(r) => Some(
            [format!("refs/remotes/origin/{r}"), r.clone()]
                .iter()
                .find_map(|spec| rev_parse(&clone, spec, deadline, dir))
                .with_context(|| format!("the ref '{r}' is not in the repository"))?,
        ),
        None => rev_parse(&clone, "HEAD", deadline, dir),
    };
    if let Some(c) = &commit {
        let mut cmd = git(&clone);
        cmd.args(["checkout", "--quiet", "--detach", c.as_str()]);
        run_until(&mut cmd, deadline, &log, "git checkout")?;
    }

    let json_tmp = dir.join("report.json");
    let sarif_tmp = dir.join("report.sarif");
    let mut scan = scan_command(s, &clone, &json_tmp, &sarif_tmp);
    if s.history {
        scan.arg("--history");
        if let (Some(_), Some(c)) = (&repo.git_ref, &commit) {
            scan.arg("--branch").arg(c);
        }
    }
    let status = run_status(&mut scan, deadline, &log, "keyless scan")?;
    // 0, 1 and 2 all write the reports (2: some files could not be read, which the report lists);
    // no report means the scan itself failed.
    let (Ok(json), Ok(sarif)) = (
        std::fs::read_to_string(&json_tmp),
        std::fs::read_to_string(&sarif_tmp),
    ) else {
        bail!(
            "keyless scan exited with {} and wrote no report: {}",
            status
                .code()
                .map_or("a signal".to_string(), |c| c.to_string()),
            log_tail(&log)
        );
    };

    let record = AuditRecord {
        repository: repo.url.clone(),
        git_ref: repo.git_ref.clone(),
        name: repo.name(),
        commit: commit.clone(),
        history: s.history,
        keyless_version: KEYLESS_VERSION.to_string(),
    };
    let sarif = with_provenance(&sarif, repo, &source, commit.as_deref())?;
    let json = with_record(&json, &record)?;
    let name = repo.name();
    // The JSON goes last: its record is what says the pair is complete.
    write_atomically(&out_dir.join(format!("{name}.sarif")), sarif.as_bytes())?;
    write_atomically(&out_dir.join(format!("{name}.json")), json.as_bytes())?;
    serde_json::from_str(&json).context("reading back the JSON report")
}

/// `keyless scan` of the folder `cwd` with the audit's settings, writing both reports.
fn scan_command(s: &Settings, cwd: &Path, json: &Path, sarif: &Path) -> Command {
    let mut scan = Command::new(&s.exe);
    scan.current_dir(cwd)
        .stdout(Stdio::null())
        .args(["scan", ".", "--format", "json", "--color", "never"])
        .arg("--output")
        .arg(json)
        .arg("--report")
        .arg(format!("sarif={}", sarif.display()))
        // Thousands of reports, each carrying every rule's guide, would be megabytes each; the rules
        // with results are what a reader of one repository's report needs.
        .args(["--sarif-rules", "referenced"]);
    if let Some(n) = s.threads {
        scan.arg("--threads").arg(n.to_string());
    }
    match &s.config {
        Some(c) => scan.arg("--config").arg(c),
        None => scan.arg("--no-config"),
    };
    for r in &s.rules {
        scan.arg("--rules").arg(r);
    }
    scan
}

/// A broken --config or rule pack would fail every repository the same way: one scan of an empty folder
/// with the same settings says so once, before anything is written. It runs as a child like the real
/// scans, so this process never holds the compiled rules (its size would slow every later spawn).
fn preflight(s: &Settings, work: &Path) -> Result<()> {
    let dir = work.join("preflight");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).with_context(|| format!("creating {}", empty.display()))?;
    let (json, sarif, log) = (dir.join("r.json"), dir.join("r.sarif"), dir.join("log"));
    let mut cmd = scan_command(s, &empty, &json, &sarif);
    let deadline = Deadline::after(s.timeout);
    let status = run_status(&mut cmd, deadline, &log, "keyless scan")?;
    if !json.is_file() {
        bail!(
            "the scan settings do not work (keyless scan exited with {}): {}",
            status
                .code()
                .map_or("a signal".to_string(), |c| c.to_string()),
            log_tail(&log)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The scan's JSON report with the `audit` record as its first field; the rest is the scan's own bytes.
fn with_record(json: &str, record: &AuditRecord) -> Result<String> {
    let Some(rest) = json.strip_prefix("{\n") else {
        bail!("the scan's JSON report does not start with an object");
    };
    let record = serde_json::to_string_pretty(record)?.replace('\n', "\n  ");
    Ok(format!("{{\n  \"audit\": {record},\n{rest}"))
}

/// The scan's SARIF with `versionControlProvenance`: which repository and commit the results are of, so
/// code-scanning services and people reading the file need not guess from its name. The field is spliced
/// into the scan's own bytes at the start of the run instead of parsing and re-serialising the whole
/// document (which can hold 25,000 results); anything unexpected takes the slow path.
fn with_provenance(sarif: &str, repo: &Repo, source: &str, commit: Option<&str>) -> Result<String> {
    let uri = if repo.is_local {
        format!("file://{}", source.replace('\\', "/"))
    } else {
        format!("https://{}", repo.url)
    };
    let mut details = serde_json::json!({ "repositoryUri": uri });
    if let Some(c) = commit {
        details["revisionId"] = c.into();
    }
    if let Some(r) = &repo.git_ref {
        details["branch"] = r.as_str().into();
    }
    let provenance = serde_json::json!([details]);
    const RUN_START: &str = "\n  \"runs\": [\n    {\n";
    if let Some(at) = sarif.find(RUN_START) {
        let field = serde_json::to_string_pretty(&provenance)?.replace('\n', "\n      ");
        let split = at + RUN_START.len();
        return Ok(format!(
            "{}      \"versionControlProvenance\": {field},\n{}",
            &sarif[..split],
            &sarif[split..]
        ));
    }
    let mut value: serde_json::Value =
        serde_json::from_str(sarif).context("reading the scan's SARIF report")?;
    if let Some(run) = value["runs"].get_mut(0) {
        run["versionControlProvenance"] = provenance;
    }
    let mut out = serde_json::to_string_pretty(&value)?;
    out.push('\n');
    Ok(out)
}

fn run_until(cmd: &mut Command, deadline: Deadline, log: &Path, what: &str) -> Result<()> {
    let status = run_status(cmd, deadline, log, what)?;
    if !status.success() {
        bail!("{what} failed: {}", log_tail(log));
    }
    Ok(())
}

/// The last lines of a child's stderr, for the summary's error.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
    if tail.is_empty() {
        "no message".to_string()
    } else {
        tail
    }
}
