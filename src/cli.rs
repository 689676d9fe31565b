//! Command-line syntax only. The doc comments are the `--help` text; turning these into a `Config` happens
//! in `config.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Find hard-coded credentials in configuration files and learn how to replace each one with a managed
/// identity.
#[derive(Debug, Parser)]
#[command(name = "keyless", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders for hard-coded secrets.
    Scan(Box<ScanArgs>),
    /// List or check the rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install a git pre-commit hook that runs `keyless scan --staged`.
    InstallHook(InstallHookArgs),
    /// Rewrite the findings that can be rewritten into their identity-based form (checked preconditions).
    Fix(FixArgs),
    /// Show the whole replacement guide for a rule id, or for a finding's fingerprint (found by scanning
    /// the current folder).
    Explain(ExplainArgs),
    /// Audit many repositories, sharded across workers; `audit merge` combines the shards.
    Audit(AuditArgs),
    /// Print a shell completion script (e.g. `keyless completions bash > /etc/bash_completion.d/keyless`).
    Completions(CompletionsArgs),
    /// Print the manual page in roff (e.g. `keyless man | man -l -`).
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or folders to fix (default: the current folder).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Print a unified diff and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also apply rewrites whose preconditions could not be checked (never those that failed).
    #[arg(long)]
    pub force: bool,
    /// Show the secrets in the dry-run diff instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub remediation: RemediationArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`azure-sql.connection-string-password`) or a finding's fingerprint.
    pub what: String,
    #[command(flatten)]
    pub remediation: RemediationArgs,
}

/// How remediation is rendered.
#[derive(Debug, Args, Clone, Default)]
pub struct RemediationArgs {
    /// Where the code runs, instead of inferring it from the files.
    #[arg(long, value_enum, value_name = "HOST")]
    pub host: Option<crate::host::Host>,
    /// Render the forms for a user-assigned managed identity with this client id.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The Key Vault that the Key Vault steps name; `keyless fix` writes Key Vault references to it.
    #[arg(long, value_name = "NAME", value_parser = parse_vault_name)]
    pub key_vault: Option<String>,
}

/// A Key Vault name: 3 to 24 letters, digits and single hyphens, starting with a letter and not ending
/// with a hyphen.
fn parse_vault_name(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let ok = (3..=24).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1] != b'-'
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && !s.contains("--");
    if ok {
        Ok(s.to_string())
    } else {
        Err("a Key Vault name has 3 to 24 letters, digits and single hyphens, starts with a letter and does not end with a hyphen".to_string())
    }
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Replace an existing pre-commit hook.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// One line per finding: `path:line:col: severity rule-id message`.
    Compact,
    /// For pull-request comments and `$GITHUB_STEP_SUMMARY` (kept under 65,536 characters).
    Markdown,
    /// One self-contained page for audits: totals, charts, a sortable and filterable table, every guide.
    Html,
}

/// Which rules a SARIF report lists in `tool.driver.rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SarifRules {
    /// Every enabled rule, with its remediation guide (about 1.3 MB with the built-in packs).
    #[default]
    All,
    /// Only the rules that have a result (what `keyless audit` writes: a report per repository).
    Referenced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input. Files named here are scanned even if ignored.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Scan what is staged in the git index and report only what the commit introduces (for pre-commit
    /// hooks). Files named as well restrict the scan to them; a named file with no staged change is scanned
    /// whole.
    #[arg(long, conflicts_with = "diff")]
    pub staged: bool,

    /// The pull-request gate: report what `merge-base(BASE, HEAD)..HEAD` adds, plus secrets added and
    /// removed again inside that range. `.keyless.toml` and the baseline are read from the merge-base.
    #[arg(long, value_name = "BASE", conflicts_with = "history")]
    pub diff: Option<String>,

    /// The audit: scan every blob reachable from all refs (each once) and report where each secret lives
    /// in history. Shallow and partial clones are refused.
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,

    /// With --history: only what this ref reaches.
    #[arg(long, value_name = "REF", requires = "history")]
    pub branch: Option<String>,

    /// Report format written to standard output (or to --output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of standard output (atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a report in FORMAT to FILE, e.g. `--report sarif=keyless.sarif`. Repeatable.
    #[arg(long, value_name = "FORMAT=FILE")]
    pub report: Vec<String>,

    /// Which rules SARIF reports list: `all` (with their guides) or only those `referenced` by a result.
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = SarifRules::All)]
    pub sarif_rules: SarifRules,

    /// Walker threads (default: one per core); at most one per core scans a file at a time.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Do not respect .gitignore, .ignore and .git/info/exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Skip paths matching GLOB (gitignore-style; a glob without `/` matches at any depth). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Skip files larger than this (bytes, or with a K/M/G or KiB/MiB/GiB suffix).
    #[arg(long, value_name = "SIZE", default_value = "25MiB")]
    pub max_file_size: String,

    /// Add rule packs from a TOML file or a folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Turn off a rule by id. Repeatable.
    #[arg(long, value_name = "ID")]
    pub disable_rule: Vec<String>,

    /// Exit with 1 when a finding has this severity or higher (default `low`; `info` findings never fail).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Report only findings of at least this confidence (default `low`: everything; `medium` drops weak
    /// and default passwords, test fixtures and local services).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<crate::severity::Confidence>,

    /// Key for the fingerprint HMAC (default: derived from the repository's first commit).
    #[arg(
        long,
        env = "KEYLESS_FINGERPRINT_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub fingerprint_key: Option<String>,

    /// Print the full secrets in every report. Off by default for a reason.
    #[arg(long)]
    pub show_secrets: bool,

    /// Read this configuration file instead of `.keyless.toml` at the repository's top.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore `.keyless.toml`.
    #[arg(long)]
    pub no_config: bool,

    /// Report only findings that are not in this baseline (the others are marked suppressed).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every current finding to this baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Remove the baseline's stale entries (it never adds any).
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,

    /// Ignore inline allow comments (keyless:allow, gitleaks:allow, pragma: allowlist secret, ...).
    #[arg(long)]
    pub no_inline_allow: bool,

    #[command(flatten)]
    pub remediation: RemediationArgs,

    /// No progress line and no summary line on standard error (errors and notes are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// When to use colour in the text report (NO_COLOR is honoured).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the loaded rules.
    List(RulesListArgs),
    /// Check that every rule's examples match and its negative examples do not.
    Check(RulesCheckArgs),
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Add rule packs from a TOML file or a folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// Packs to check (files or folders). Without one, the built-in packs are checked.
    pub paths: Vec<PathBuf>,
}

impl ScanArgs {
    /// `keyless scan` with every option at its default (what `explain` re-scans with).
    pub fn parse_default() -> ScanArgs {
        match Cli::parse_from(["keyless", "scan"]).command {
            Command::Scan(args) => *args,
            _ => unreachable!("`keyless scan` parses as the scan command"),
        }
    }
}

/// Scan many repositories, one report pair per repository, split across workers with --shard.
///
/// Each repository in the list is cloned with `git` (a URL is fetched from where it points: this is the
/// only network access keyless ever makes, and only because the list asks for it), scanned like
/// `keyless scan` in that clone, and reported as `<name>.sarif` and `<name>.json` in --out-dir, with
/// `summary.json` and `summary.md`. Rerunning skips repositories whose reports are complete.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,

    /// The repository list: one `<path or clone URL> [<ref>]` a line; `#` comments and blank lines are
    /// skipped; relative paths start at the list's folder.
    #[arg(long, value_name = "FILE", required = true)]
    pub repos: Option<PathBuf>,

    /// Where the reports and the summary go (created if missing).
    #[arg(long, value_name = "DIR", required = true)]
    pub out_dir: Option<PathBuf>,

    /// Take only the repositories of shard I out of N (`sha256(repository) mod N`); `auto/N` reads I from
    /// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Scan each repository's whole history (`keyless scan --history`) instead of its tree; this clones
    /// the full history.
    #[arg(long)]
    pub history: bool,

    /// Scan again repositories whose reports are already complete.
    #[arg(long)]
    pub force: bool,

    /// Give up on a repository (clone and scan) after this many seconds, record it as failed and go on.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub repo_timeout: u64,

    /// One `.keyless.toml` applied to every repository. The repositories' own `.keyless.toml` files are
    /// not read: an organisation's audit applies one policy, and a repository cannot opt itself out.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Add rule packs from a TOML file or a folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Worker threads of each repository's scan (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Combine the output folders of all shards into one summary, checking that every repository of the
    /// list was reported exactly once.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output folders (each holding a `summary.json`).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Where the merged `summary.json` and `summary.md` go.
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,

    /// The repository list the shards were given: names the repositories that no shard reported.
    #[arg(long, value_name = "FILE")]
    pub repos: Option<PathBuf>,
}
