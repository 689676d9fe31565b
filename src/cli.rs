//! Command-line syntax only. The doc comments are the `--help` text; turning these into a `Config` happens
//! in `config.rs`.
//!
//! How the help is written: a doc comment's first paragraph is the one-line `-h` text (a short phrase, no
//! final period, at most 100 characters: `tests/integration/completions.rs` holds every one to it);
//! later paragraphs appear only under `--help`, for the details and examples a new user needs. Scan's
//! options are grouped under headings because there are thirty of them.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Find hard-coded secrets in configuration files and learn how to replace each with a managed identity
#[derive(Debug, Parser)]
#[command(
    name = "keyless",
    version,
    max_term_width = 100,
    after_help = "Examples:
  keyless scan                                  scan the current folder
  keyless scan . --report sarif=keyless.sarif   text on the terminal, SARIF to a file
  keyless install-hook                          scan every commit before it is made
  keyless explain azure-sql.connection-string-password
  keyless fix --dry-run                         show the safe rewrites as a diff

`keyless <command> --help` describes a command and its options."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, folders or git history for hard-coded secrets
    ///
    /// Every finding comes with its replacement: the managed identity to enable, what to grant it and
    /// what to write instead of the secret (or, for services that take no identity, how to keep the
    /// secret in Key Vault). Reports never show a full secret unless --show-secrets is given.
    #[command(after_long_help = "Examples:
  keyless scan                                  the current folder
  keyless scan src/ config/app.json             these folders and files
  cat app.env | keyless scan -                  standard input
  keyless scan --format sarif -o keyless.sarif  SARIF for code scanning
  keyless scan --report html=keyless.html       text on the terminal and an HTML page
  keyless scan --staged                         what the next commit adds
  keyless scan --diff origin/main               what this branch adds to main
  keyless scan --history                        every commit of every branch

Exit codes: 0 no finding at or above --fail-on, 1 at least one, 2 an error (findings are still reported).")]
    Scan(Box<ScanArgs>),
    /// List the rules, or check that the rule packs' examples behave
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install a git pre-commit hook that runs `keyless scan --staged`
    ///
    /// The hook goes where git runs hooks from (`core.hooksPath`, worktrees and submodules are followed)
    /// and needs `keyless` on PATH. For the pre-commit framework, use the hooks in this project's
    /// `.pre-commit-hooks.yaml` instead.
    InstallHook(InstallHookArgs),
    /// Rewrite secrets into their identity-based form where that is known to be safe
    ///
    /// Each rewrite has preconditions that are checked from the project first (the SQL client's version,
    /// the Functions extensions, the app's identity, ...): a rewrite whose checks fail is skipped with the
    /// reason, one whose checks cannot be made is skipped unless --force. Files are written atomically
    /// and keep their encoding and line endings. Afterwards keyless prints what must still happen before
    /// deploying (enable the identity, grant it, rotate the old secret).
    #[command(after_long_help = "Examples:
  keyless fix --dry-run                  show the rewrites as a diff, secrets masked
  keyless fix src/                       rewrite what is safe under src/
  keyless fix --key-vault kv-orders .    also turn app settings into Key Vault references

Exit codes: 0 nothing failing remains, 1 findings remain, 2 an error.")]
    Fix(FixArgs),
    /// Show every step to replace a secret, by rule id or by a finding's fingerprint
    ///
    /// With a rule id (`keyless rules list` names them) the steps are the rule's, with placeholders. With a
    /// fingerprint (from a JSON or SARIF report) the current folder is scanned to find that finding, and
    /// the steps name its own server, account and setting.
    #[command(after_long_help = "Examples:
  keyless explain azure-sql.connection-string-password
  keyless explain azure-sql.connection-string-password --host functions
  keyless explain <fingerprint>     a fingerprint from a JSON or SARIF report")]
    Explain(ExplainArgs),
    /// Scan a list of repositories, optionally split across parallel workers
    ///
    /// Each repository in the list is cloned with `git` (a URL is fetched from where it points: this is
    /// the only network access keyless ever makes, and only because the list asks for it), scanned like
    /// `keyless scan` in that clone, and reported as `<name>.sarif` and `<name>.json` in --out-dir, with
    /// `summary.json` and `summary.md`. Rerunning skips repositories whose reports are complete.
    #[command(after_long_help = "Examples:
  keyless audit --repos repos.txt --out-dir audit/
  keyless audit --repos repos.txt --out-dir audit/shard-3 --shard 3/20
  keyless audit merge audit/shard-* --repos repos.txt --out-dir audit/merged")]
    Audit(AuditArgs),
    /// Print a shell completion script
    #[command(after_long_help = "Examples:
  keyless completions bash > /etc/bash_completion.d/keyless
  keyless completions zsh > \"${fpath[1]}/_keyless\"
  keyless completions fish > ~/.config/fish/completions/keyless.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    #[command(after_long_help = "Example:
  keyless man | man -l -")]
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or folders to fix
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Print the changes as a unified diff (secrets masked) and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also apply rewrites whose preconditions could not be checked (never failed ones)
    #[arg(long)]
    pub force: bool,
    /// Show the secrets in the --dry-run diff instead of masking them
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub remediation: RemediationArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`azure-sql.connection-string-password`) or a finding's fingerprint
    #[arg(value_name = "RULE-ID|FINGERPRINT")]
    pub what: String,
    #[command(flatten)]
    pub remediation: RemediationArgs,
}

/// How remediation is rendered.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Remediation")]
pub struct RemediationArgs {
    /// Where the code runs (default: inferred from the files)
    #[arg(long, value_enum, value_name = "HOST")]
    pub host: Option<crate::host::Host>,
    /// Write the replacements for the user-assigned managed identity with this client id
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The Key Vault to name in Key Vault steps and in `keyless fix`'s Key Vault references
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

/// A SARIF category: any text without control characters; trailing slashes are dropped (the id adds its
/// own), and what is left must not be empty.
fn parse_sarif_category(s: &str) -> Result<String, String> {
    let name = s.trim_end_matches('/');
    if name.trim().is_empty() {
        Err("a SARIF category needs at least one character other than `/` and spaces".to_string())
    } else if name.chars().any(char::is_control) {
        Err("a SARIF category cannot hold control characters".to_string())
    } else {
        Ok(name.to_string())
    }
}

#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Replace an existing pre-commit hook
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: each finding with its masked line, its replacement and the first command to run
    Text,
    /// For tools: every finding with every step (`schema/report.schema.json`)
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and Azure DevOps
    Sarif,
    /// One line per finding, `path:line:col: severity rule-id message`, for editors and grep
    Compact,
    /// For pull-request comments and `$GITHUB_STEP_SUMMARY` (kept under 65,536 characters)
    Markdown,
    /// One self-contained page for audits: totals, charts, a filterable table, every guide
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
    /// Only when standard output is a terminal and NO_COLOR is not set
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
    /// Exit 0 whatever is found (2 still on an error)
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input
    ///
    /// Files named here are scanned even if .gitignore leaves them out, so a pre-commit hook's file list
    /// is honoured.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Report only what the staged commit adds (for pre-commit hooks)
    ///
    /// Scans the blobs in the git index, not the work tree. A finding counts when the commit adds or
    /// changes its lines and the secret is not already in HEAD's version of the file. Files named as well
    /// restrict the scan to them; a named file with no staged change is scanned whole.
    #[arg(long, conflicts_with = "diff", help_heading = "Git")]
    pub staged: bool,

    /// Report only what this branch adds since BASE (the pull-request gate)
    ///
    /// Reports what `merge-base(BASE, HEAD)..HEAD` adds, plus secrets that a commit in that range added
    /// and a later one removed (they reach the history on merge). `.keyless.toml` and the baseline are
    /// read from the merge-base, and inline allow comments do not hide what the change adds. Needs the
    /// full history (`fetch-depth: 0` on GitHub).
    #[arg(
        long,
        value_name = "BASE",
        conflicts_with = "history",
        help_heading = "Git"
    )]
    pub diff: Option<String>,

    /// Scan every commit reachable from all refs (the history audit)
    ///
    /// Each blob is scanned once; each finding says which commits hold it and whether HEAD still does.
    /// Shallow and partial clones are refused.
    #[arg(long, conflicts_with = "staged", help_heading = "Git")]
    pub history: bool,

    /// With --history: only the commits this ref reaches
    #[arg(long, value_name = "REF", requires = "history", help_heading = "Git")]
    pub branch: Option<String>,

    /// What goes to standard output (or to --output)
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE instead of standard output (atomically)
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write a FORMAT report to FILE, e.g. `sarif=keyless.sarif` (repeatable)
    #[arg(long, value_name = "FORMAT=FILE", help_heading = "Output")]
    pub report: Vec<String>,

    /// Which rules SARIF reports list: `all` (with their guides) or only those `referenced` by a result
    #[arg(
        long,
        value_enum,
        value_name = "WHICH",
        default_value_t = SarifRules::All,
        help_heading = "Output"
    )]
    pub sarif_rules: SarifRules,

    /// The SARIF analysis category: `automationDetails.id` becomes `NAME/` (default: keyless)
    ///
    /// GitHub code scanning keeps one set of alerts per category and ignores upload-sarif's `category`
    /// input when the report names one, so give each analysis you upload (a folder, a branch, a
    /// history scan) its own NAME. Without it the id is `keyless/` (`keyless/history/` for --history).
    #[arg(
        long,
        value_name = "NAME",
        value_parser = parse_sarif_category,
        help_heading = "Output"
    )]
    pub sarif_category: Option<String>,

    /// Print full secrets in every report (they are masked by default)
    #[arg(long, help_heading = "Output")]
    pub show_secrets: bool,

    /// When to colour the text report
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// No progress or summary line on standard error (errors and notes stay)
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Walker threads (default: one per core)
    ///
    /// At most one thread per core reads and scans a file at a time, so more threads help only a slow
    /// disk; they add no memory.
    #[arg(short = 'j', long, value_name = "N", help_heading = "Files")]
    pub threads: Option<usize>,

    /// Also scan what .gitignore, .ignore and .git/info/exclude leave out
    #[arg(long, help_heading = "Files")]
    pub no_ignore: bool,

    /// Skip paths matching GLOB, gitignore-style (repeatable)
    ///
    /// A glob without `/` matches at any depth. Files named on the command line are skipped too.
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub exclude: Vec<String>,

    /// Skip files larger than SIZE (bytes, or with K, M, G, KiB, MiB or GiB)
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "25MiB",
        help_heading = "Files"
    )]
    pub max_file_size: String,

    /// Add the rule packs in PATH, a TOML file or a folder of them (repeatable)
    #[arg(long, value_name = "PATH", help_heading = "Rules")]
    pub rules: Vec<PathBuf>,

    /// Turn off the rule ID (repeatable; an unknown id is an error)
    #[arg(long, value_name = "ID", help_heading = "Rules")]
    pub disable_rule: Vec<String>,

    /// Report only findings at least this sure (default: low, that is all)
    ///
    /// `medium` drops weak and default passwords, test fixtures and local services; `high` keeps the
    /// values that look generated or have a provider's shape.
    #[arg(long, value_enum, value_name = "LEVEL", help_heading = "Rules")]
    pub min_confidence: Option<crate::severity::Confidence>,

    /// Exit 1 when a finding is this severe or more (default: low)
    ///
    /// `info` findings never fail the scan.
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Rules")]
    pub fail_on: Option<FailOn>,

    /// Read FILE instead of `.keyless.toml` at the repository's top
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "no_config",
        help_heading = "Configuration and suppressions"
    )]
    pub config: Option<PathBuf>,

    /// Read no `.keyless.toml`
    #[arg(long, help_heading = "Configuration and suppressions")]
    pub no_config: bool,

    /// Findings recorded in this baseline are suppressed: shown in JSON and SARIF, never failing
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Configuration and suppressions"
    )]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file and exit 0
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "baseline",
        help_heading = "Configuration and suppressions"
    )]
    pub write_baseline: Option<PathBuf>,

    /// With --baseline: remove its stale entries (it never adds any)
    #[arg(
        long,
        requires = "baseline",
        help_heading = "Configuration and suppressions"
    )]
    pub update_baseline: bool,

    /// Ignore inline allow comments (`keyless:allow`, `gitleaks:allow`, `pragma: allowlist secret`, ...)
    #[arg(long, help_heading = "Configuration and suppressions")]
    pub no_inline_allow: bool,

    /// Key for the fingerprint HMAC (default: derived from the repository's first commit)
    ///
    /// Fingerprints identify findings in baselines and SARIF. The default key is the same for everyone
    /// who clones the repository; set your own (a CI secret) if reports travel further.
    #[arg(
        long,
        env = "KEYLESS_FINGERPRINT_KEY",
        value_name = "KEY",
        hide_env_values = true,
        help_heading = "Configuration and suppressions"
    )]
    pub fingerprint_key: Option<String>,

    #[command(flatten)]
    pub remediation: RemediationArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the loaded rules: id, severity, title and service
    List(RulesListArgs),
    /// Check that every rule's examples match and its negative examples do not
    ///
    /// Each example runs through the real engine. Exit codes: 0 every example behaves, 1 one does not,
    /// 2 a pack could not be loaded.
    Check(RulesCheckArgs),
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Add the rule packs in PATH, a TOML file or a folder of them (repeatable)
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One rule a line
    Text,
    /// An array of rules with their confidence and keywords, for tools
    Json,
}

#[derive(Debug, Args)]
pub struct RulesCheckArgs {
    /// Packs to check, files or folders (default: the built-in packs)
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

/// `keyless audit`'s options (its help text is on `Command::Audit`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,

    /// The repository list: one `<path or clone URL> [<ref>]` a line
    ///
    /// `#` starts a comment; blank lines are skipped; relative paths start at the list's folder.
    #[arg(long, value_name = "FILE", required = true)]
    pub repos: Option<PathBuf>,

    /// Where the reports and the summary go (created if missing)
    #[arg(long, value_name = "DIR", required = true)]
    pub out_dir: Option<PathBuf>,

    /// Take only shard I of N; `auto/N` reads I from JOB_COMPLETION_INDEX
    ///
    /// A repository belongs to shard `sha256(repository) mod N`, whatever the list's order, so N workers
    /// given 0/N ... N-1/N cover the list exactly once. `auto/N` suits a Kubernetes Indexed Job.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Scan each repository's whole history (as `keyless scan --history`), not just its tree
    ///
    /// This clones the full history.
    #[arg(long)]
    pub history: bool,

    /// Scan again the repositories whose reports are already complete
    #[arg(long)]
    pub force: bool,

    /// Record a repository as failed after this many seconds of clone and scan, and go on
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub repo_timeout: u64,

    /// One `.keyless.toml` for every repository (their own are never read)
    ///
    /// An organisation's audit applies one policy, and a repository cannot opt itself out.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Add the rule packs in PATH, a TOML file or a folder of them (repeatable)
    #[arg(long, value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Worker threads of each repository's scan (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Combine the shards' output folders into one summary
    ///
    /// Fails, writing nothing, unless the folders are shards 0..N of one list, each exactly once, and
    /// every repository was reported exactly once; with --repos it names the missing repositories.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' output folders (each holding a `summary.json`)
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Where the merged `summary.json` and `summary.md` go
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,

    /// The repository list the shards were given, to name the repositories no shard reported
    #[arg(long, value_name = "FILE")]
    pub repos: Option<PathBuf>,
}
