//! What the scanner needs to know about git today: where a work tree's top is (reported paths are relative
//! to it) and the repository's first commit (the default fingerprint key is derived from it).
//!
//! The top is found by looking for `.git` upward, without running git, so a plain scan works on a machine
//! without git. The first commit needs git's object database, so it asks the `git` command line.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The top of the git work tree containing `dir` (a folder), if any.
pub fn worktree_top(dir: &Path) -> Option<PathBuf> {
    let mut cur = dir.canonicalize().ok()?;
    loop {
        if cur.file_name().is_some_and(|n| n == ".git") {
            return None;
        }
        if cur.join(".git").exists() {
            return Some(cur);
        }
        if !cur.pop() {
            return None;
        }
    }
}

/// The id of the repository's first commit reachable from HEAD (the smallest id if history has several
/// roots), or None when there is no git, no repository or no commit yet.
pub fn first_commit(top: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["rev-list", "--max-parents=0", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .min()
        .map(str::to_string)
}
