//! `keyless install-hook`: the git pre-commit hook that runs `keyless scan --staged`.

use super::Outcome;
use crate::cli::InstallHookArgs;
use crate::git;
use crate::report::write::write_atomically;
use anyhow::{Context, Result};

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
pub fn install_hook(args: &InstallHookArgs) -> Result<Outcome> {
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
