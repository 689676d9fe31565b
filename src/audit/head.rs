//! Which commit a listed repository's ref points at: in a fresh clone (what is checked out and scanned),
//! and at the source before cloning, so that a rerun scans again a repository whose ref has moved since
//! its complete report was written, instead of keeping a report of an older commit until --force.
//!
//! A local repository answers with `git rev-parse`, a URL with `git ls-remote` (one round trip, no
//! objects), both resolved the way the clone resolves the ref: a branch first, then a tag or a commit.
//! When the source cannot answer (it is unreachable, or the ref is a commit id, which never moves) the
//! complete report is kept, as before: a rerun must not lose what it could keep.

use super::child::{git, run_status, Deadline};
use super::list::Repo;
use std::path::{Path, PathBuf};

/// Where git clones the repository from; a local path is made absolute, since git runs elsewhere.
pub fn source_of(repo: &Repo) -> String {
    if repo.is_local {
        std::path::absolute(&repo.clone_from)
            .unwrap_or_else(|_| PathBuf::from(&repo.clone_from))
            .to_string_lossy()
            .into_owned()
    } else {
        repo.clone_from.clone()
    }
}

/// The commit `spec` names in the repository at `repo_dir`; `scratch` holds git's output and log.
pub fn rev_parse(
    repo_dir: &Path,
    spec: &str,
    deadline: Deadline,
    scratch: &Path,
) -> Option<String> {
    let mut cmd = git(repo_dir);
    cmd.args([
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{spec}^{{commit}}"),
    ]);
    stdout_of(&mut cmd, deadline, scratch, "git rev-parse")
}

/// The commit the repository's ref (or HEAD) points at in its source now, if the source says.
pub fn at_source(repo: &Repo, deadline: Deadline, scratch: &Path) -> Option<String> {
    let source = source_of(repo);
    if repo.is_local {
        let dir = Path::new(&source);
        return match &repo.git_ref {
            Some(r) => [format!("refs/heads/{r}"), r.clone()]
                .iter()
                .find_map(|spec| rev_parse(dir, spec, deadline, scratch)),
            None => rev_parse(dir, "HEAD", deadline, scratch),
        };
    }
    let wanted = match &repo.git_ref {
        Some(r) => vec![
            format!("refs/heads/{r}"),
            format!("refs/tags/{r}^{{}}"),
            format!("refs/tags/{r}"),
        ],
        None => vec!["HEAD".to_string()],
    };
    let mut cmd = git(scratch);
    cmd.args(["ls-remote", "--quiet", "--", &source])
        .args(&wanted);
    let listing = stdout_of(&mut cmd, deadline, scratch, "git ls-remote")?;
    wanted.iter().find_map(|name| {
        listing.lines().find_map(|line| {
            let (id, listed) = line.split_once('\t')?;
            (listed == name).then(|| id.to_string())
        })
    })
}

/// What a successful child printed, trimmed; None if it failed, timed out or printed nothing.
fn stdout_of(
    cmd: &mut std::process::Command,
    deadline: Deadline,
    scratch: &Path,
    what: &str,
) -> Option<String> {
    let out = scratch.join("out");
    cmd.stdout(std::fs::File::create(&out).ok()?);
    let status = run_status(cmd, deadline, &scratch.join("log"), what).ok()?;
    let text = std::fs::read_to_string(&out).ok()?.trim().to_string();
    (status.success() && !text.is_empty()).then_some(text)
}
