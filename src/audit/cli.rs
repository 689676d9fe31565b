//! The command-line syntax of `keyless audit` (clap derive structs only; the doc comments are the help
//! text). Kept beside the audit rather than in `src/cli.rs`, which only names the subcommand.

use clap::{Args, Subcommand};
use std::path::PathBuf;

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
