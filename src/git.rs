//! Everything keyless asks of git: where a work tree's top is (reported paths are relative to it), the
//! first commit (the default fingerprint key), and the plumbing behind `--staged`, `--diff` and
//! `--history` (staged changes, merge-bases, commit ranges, blobs).
//!
//! The top is found by looking for `.git` upward, without running git, so a plain scan works on a machine
//! without git. The rest runs the `git` command line with NUL-separated output where paths are involved.

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

/// Whether the repository at `top` is a shallow clone.
pub fn is_shallow(top: &Path) -> bool {
    // A repository whose git folder is a folder is shallow exactly when it has a non-empty `shallow`
    // file; that is read without starting git (the hook runs on every commit).
    let git_dir = top.join(".git");
    if git_dir.is_dir() {
        return std::fs::metadata(git_dir.join("shallow")).is_ok_and(|m| m.len() > 0);
    }
    git_output(top, &["rev-parse", "--is-shallow-repository"], None)
        .map(|o| String::from_utf8_lossy(&o).trim() == "true")
        .unwrap_or(false)
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

/// Where the first commit is remembered between runs: a file in the repository's own git folder (never
/// in the work tree). None for worktrees and submodules, whose `.git` is a file.
fn first_commit_cache(top: &Path) -> Option<PathBuf> {
    let git_dir = top.join(".git");
    git_dir
        .is_dir()
        .then(|| git_dir.join("keyless-first-commit"))
}

/// Like [`first_commit`], for the pre-commit hook: read from the cache that every other scan in the
/// repository writes, so a commit does not walk the whole history. A missing cache is filled now. After
/// a history rewrite the cache is stale until the next scan that is not `--staged` refreshes it.
pub fn first_commit_cached(top: &Path) -> Option<String> {
    if let Some(cache) = first_commit_cache(top) {
        if let Ok(text) = std::fs::read_to_string(&cache) {
            let id = text.trim();
            if (id.len() == 40 || id.len() == 64) && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Some(id.to_string());
            }
        }
    }
    first_commit_refreshed(top)
}

/// [`first_commit`], remembered for [`first_commit_cached`] (best effort: a read-only repository only
/// loses the cache).
pub fn first_commit_refreshed(top: &Path) -> Option<String> {
    let id = first_commit(top)?;
    if let Some(cache) = first_commit_cache(top) {
        if std::fs::read_to_string(&cache)
            .ok()
            .as_deref()
            .map(str::trim)
            != Some(id.as_str())
        {
            let _ = crate::atomic::write_atomically(&cache, format!("{id}\n").as_bytes());
        }
    }
    Some(id)
}

/// The folder git runs hooks from, as git itself resolves it (`core.hooksPath`, worktrees, submodules).
pub fn hooks_dir(cwd: &Path) -> anyhow::Result<PathBuf> {
    let out = git_output(cwd, &["rev-parse", "--git-path", "hooks"], None)?;
    let rel = String::from_utf8_lossy(&out).trim().to_string();
    Ok(cwd.join(rel))
}

/// One staged change, from `git diff --cached --raw -z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedChange {
    /// Path in the index, relative to the work tree's top, `/`-separated.
    pub path: String,
    /// The staged blob.
    pub blob: String,
    /// The pre-image blob (HEAD's version, or the rename source's), if there is one.
    pub before: Option<String>,
}

#[cfg(test)]
const NULL_OID: &str = "0000000000000000000000000000000000000000";

/// The all-zero id git prints for "no object", in SHA-1 and SHA-256 repositories alike.
fn is_null(oid: &str) -> bool {
    oid.bytes().all(|b| b == b'0')
}

/// The id of the empty tree in this repository's hash (SHA-1 or SHA-256).
fn empty_tree(top: &Path) -> String {
    git_output(top, &["hash-object", "-t", "tree", "--stdin"], Some(b""))
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .unwrap_or_else(|_| EMPTY_TREE.to_string())
}

/// Runs git in `top` and returns its standard output, or an error that quotes git's message.
fn git_output(top: &Path, args: &[&str], stdin: Option<&[u8]>) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(top)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(std::process::Stdio::piped());
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run git: {e}"))?;
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let input = input.to_vec();
        // Feed stdin from a thread so a large output cannot deadlock against a full input pipe.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// What the index holds that differs from HEAD (an unborn HEAD counts as the empty tree): additions,
/// modifications, renames and copies. Deletions and submodules are left out.
pub fn staged_changes(top: &Path) -> anyhow::Result<Vec<StagedChange>> {
    let diff = |base: &str| {
        git_output(
            top,
            &[
                "diff-index",
                "--cached",
                "--raw",
                "-z",
                "-M",
                "--no-ext-diff",
                base,
            ],
            None,
        )
    };
    // HEAD exists in all but a repository's first commit: ask git about HEAD's existence (and the empty
    // tree's id) only when the diff against it fails, so the hook starts one git fewer per commit.
    let raw = match diff("HEAD") {
        Ok(raw) => raw,
        Err(e) => {
            if git_output(top, &["rev-parse", "--verify", "-q", "HEAD"], None).is_ok() {
                return Err(e);
            }
            diff(&empty_tree(top))?
        }
    };
    parse_raw_diff(&raw)
}

/// Parses `--raw -z` output: `:old_mode new_mode old_oid new_oid status\0path\0[new_path\0]`.
fn parse_raw_diff(raw: &[u8]) -> anyhow::Result<Vec<StagedChange>> {
    let mut fields = raw.split(|&b| b == 0).filter(|f| !f.is_empty());
    let mut changes = Vec::new();
    while let Some(meta) = fields.next() {
        let meta = String::from_utf8_lossy(meta);
        let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if parts.len() < 5 {
            anyhow::bail!("unexpected git diff output: {meta}");
        }
        let (new_mode, old_oid, new_oid, status) = (parts[1], parts[2], parts[3], parts[4]);
        let first = fields
            .next()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let kind = status.chars().next().unwrap_or('?');
        let path = if matches!(kind, 'R' | 'C') {
            fields
                .next()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        } else {
            first
        };
        let Some(path) = path else { break };
        if kind == 'D' || new_mode == "160000" || is_null(new_oid) {
            continue;
        }
        changes.push(StagedChange {
            path,
            blob: new_oid.to_string(),
            before: (!is_null(old_oid)).then(|| old_oid.to_string()),
        });
    }
    Ok(changes)
}

/// The contents of several blobs, in order, through one `git cat-file --batch`.
/// The work tree's copy of `path` when it is exactly the blob `oid` (its git blob id computed here, SHA-1
/// or SHA-256 by the id's length), so the hook need not ask `git cat-file` for it. `None` when the file is
/// missing, larger than `max_size`, not a regular file, or different from the blob (a partly staged file,
/// a file that a clean filter or line-ending conversion rewrites).
pub fn worktree_blob(top: &Path, path: &str, oid: &str, max_size: u64) -> Option<Vec<u8>> {
    let file = top.join(path);
    let meta = std::fs::symlink_metadata(&file).ok()?;
    if !meta.is_file() || meta.len() > max_size {
        return None;
    }
    let bytes = std::fs::read(&file).ok()?;
    (blob_id(&bytes, oid.len())? == oid).then_some(bytes)
}

/// Git's id of a blob with these contents: the hash of `blob <size>\0` and the bytes, in hex; SHA-1 for
/// 40-character ids, SHA-256 for 64.
fn blob_id(bytes: &[u8], hex_len: usize) -> Option<String> {
    use sha2::Digest as _;
    let header = format!("blob {}\0", bytes.len());
    let digest: Vec<u8> = match hex_len {
        40 => sha1::Sha1::new()
            .chain_update(header.as_bytes())
            .chain_update(bytes)
            .finalize()
            .to_vec(),
        64 => sha2::Sha256::new()
            .chain_update(header.as_bytes())
            .chain_update(bytes)
            .finalize()
            .to_vec(),
        _ => return None,
    };
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn read_blobs(top: &Path, oids: &[&str]) -> anyhow::Result<Vec<Vec<u8>>> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = oids.join("\n");
    input.push('\n');
    let out = git_output(top, &["cat-file", "--batch"], Some(input.as_bytes()))?;
    let mut blobs = Vec::with_capacity(oids.len());
    let mut rest = &out[..];
    for oid in oids {
        let nl = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| anyhow::anyhow!("git cat-file: truncated output"))?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("git cat-file: cannot read {oid}: {header}"))?;
        let start = nl + 1;
        if rest.len() < start + size {
            anyhow::bail!("git cat-file: truncated blob {oid}");
        }
        blobs.push(rest[start..start + size].to_vec());
        rest = &rest[(start + size + 1).min(rest.len())..];
    }
    Ok(blobs)
}

/// `merge-base(base, HEAD)`, with errors that say what to do in CI.
pub fn merge_base(top: &Path, base: &str) -> anyhow::Result<String> {
    let shallow = is_shallow(top);
    let fetch_hint = "fetch the full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)";
    let spec = format!("{base}^{{commit}}");
    if git_output(top, &["rev-parse", "--verify", "-q", &spec], None).is_err() {
        anyhow::bail!("--diff {base}: no such commit in this repository; {fetch_hint}");
    }
    match git_output(top, &["merge-base", base, "HEAD"], None) {
        Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
        Err(_) if shallow => anyhow::bail!(
            "--diff {base}: this is a shallow clone and the merge-base with HEAD is missing; {fetch_hint}"
        ),
        Err(e) => anyhow::bail!("--diff {base}: no merge-base with HEAD ({e})"),
    }
}

/// Files that differ between two commits (`from` may be the empty tree), in the same shape as
/// [`staged_changes`]: the `before` blob is `from`'s.
pub fn changes_between(top: &Path, from: &str, to: &str) -> anyhow::Result<Vec<StagedChange>> {
    let raw = git_output(
        top,
        &[
            "diff-tree",
            "-r",
            "--raw",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-commit-id",
            from,
            to,
        ],
        None,
    )?;
    parse_raw_diff(&raw)
}

/// Commits reachable from HEAD but not from `base`, oldest first, each with its first parent (or the
/// empty tree for a root commit).
pub fn commits_since(top: &Path, base: &str) -> anyhow::Result<Vec<(String, String)>> {
    let empty = empty_tree(top);
    let out = git_output(
        top,
        &[
            "rev-list",
            "--reverse",
            "--parents",
            &format!("{base}..HEAD"),
        ],
        None,
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            let mut ids = l.split_whitespace();
            let commit = ids.next()?.to_string();
            let parent = ids.next().map_or_else(|| empty.clone(), str::to_string);
            Some((commit, parent))
        })
        .collect())
}

/// The contents of `path` at `commit`, if the file exists there.
pub fn file_at(top: &Path, commit: &str, path: &str) -> Option<Vec<u8>> {
    git_output(
        top,
        &["cat-file", "blob", &format!("{commit}:{path}")],
        None,
    )
    .ok()
}

/// Files under `path` (a file or a folder) in `commit`, repository-relative.
pub fn files_at(top: &Path, commit: &str, path: &str) -> Vec<String> {
    git_output(
        top,
        &["ls-tree", "-r", "-z", "--name-only", commit, "--", path],
        None,
    )
    .map(|o| {
        o.split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// Git's id of the empty tree: the pre-image of a repository's first commit.
pub const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// Refuses a shallow or partial clone, whose history is incomplete.
pub fn require_full_history(top: &Path, what: &str) -> anyhow::Result<()> {
    let shallow = is_shallow(top);
    let partial = git_output(top, &["config", "--get", "extensions.partialclone"], None).is_ok();
    if shallow || partial {
        anyhow::bail!(
            "{what} needs the full history, but this is a {} clone; fetch it all (`git fetch --unshallow`, or a clone without --depth/--filter)",
            if shallow { "shallow" } else { "partial" }
        );
    }
    Ok(())
}

/// Every blob reachable from `refs` (each once, with the first path git names it by) and its size.
pub fn reachable_blobs(top: &Path, refs: &[&str]) -> anyhow::Result<Vec<(String, String, u64)>> {
    let mut args = vec!["rev-list", "--objects"];
    args.extend_from_slice(refs);
    let listing = git_output(top, &args, None)?;
    let mut named: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(&listing).lines() {
        if let Some((oid, path)) = line.split_once(' ') {
            if !path.is_empty() {
                named.push((oid.to_string(), path.to_string()));
            }
        }
    }
    let mut input = named
        .iter()
        .map(|(o, _)| o.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    input.push('\n');
    let types = git_output(
        top,
        &["cat-file", "--batch-check=%(objecttype) %(objectsize)"],
        Some(input.as_bytes()),
    )?;
    Ok(named
        .into_iter()
        .zip(String::from_utf8_lossy(&types).lines())
        .filter_map(|((oid, path), t)| {
            let (kind, size) = t.split_once(' ')?;
            (kind == "blob").then(|| (oid, path, size.parse().unwrap_or(0)))
        })
        .collect())
}

/// Every path at which each of `oids` was ever added or changed in a commit reachable from `refs`.
/// `rev-list --objects` names a blob by the first path it met, so a secret file copied elsewhere would
/// otherwise be reported at one place only. One `git log --raw` pass over the history (merges against
/// each parent, so a blob a merge introduced is seen).
pub fn blob_paths(
    top: &Path,
    refs: &[&str],
    oids: &std::collections::BTreeSet<String>,
) -> anyhow::Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>> {
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    if oids.is_empty() {
        return Ok(out);
    }
    let mut args = vec![
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--root",
        "-m",
        "--format=",
    ];
    args.extend_from_slice(refs);
    let raw = git_output(top, &args, None)?;
    for change in parse_raw_diff(&raw)? {
        if oids.contains(&change.blob) {
            out.entry(change.blob).or_default().insert(change.path);
        }
    }
    Ok(out)
}

/// Commits reachable from `refs`, oldest first: (id, author, ISO date).
pub fn commits(top: &Path, refs: &[&str]) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut args = vec![
        "log",
        "--date-order",
        "--reverse",
        "--format=%H%x09%an%x09%aI",
    ];
    args.extend_from_slice(refs);
    let out = git_output(top, &args, None)?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            let mut p = l.splitn(3, '\t');
            Some((
                p.next()?.to_string(),
                p.next()?.to_string(),
                p.next()?.to_string(),
            ))
        })
        .collect())
}

/// For each `<rev>:<path>` spec, the object id it names (None where the path does not exist there).
pub fn resolve_specs(top: &Path, specs: &[String]) -> anyhow::Result<Vec<Option<String>>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = specs.join("\n");
    input.push('\n');
    let out = git_output(
        top,
        &["cat-file", "--batch-check=%(objectname)"],
        Some(input.as_bytes()),
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .map(|l| (!l.ends_with(" missing") && !l.contains(' ')).then(|| l.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids `git hash-object` gives `hello\n` in a SHA-1 and a SHA-256 repository; the work tree's
    /// copy is used only when it is that blob and not larger than the limit.
    #[test]
    fn work_tree_files_stand_in_for_their_blob_only_when_the_id_matches() {
        let sha1 = "ce013625030ba8dba906f756967f9e9ca394464a";
        let sha256 = "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4";
        assert_eq!(blob_id(b"hello\n", 40).as_deref(), Some(sha1));
        assert_eq!(blob_id(b"hello\n", 64).as_deref(), Some(sha256));
        assert_eq!(blob_id(b"hello\n", 12), None);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "hello\n").unwrap();
        assert_eq!(
            worktree_blob(dir.path(), "a.txt", sha1, 100).as_deref(),
            Some(&b"hello\n"[..])
        );
        assert!(worktree_blob(dir.path(), "a.txt", sha256, 100).is_some());
        assert_eq!(worktree_blob(dir.path(), "a.txt", sha1, 3), None);
        std::fs::write(dir.path().join("a.txt"), "hello, world\n").unwrap();
        assert_eq!(worktree_blob(dir.path(), "a.txt", sha1, 100), None);
        assert_eq!(worktree_blob(dir.path(), "missing.txt", sha1, 100), None);
    }

    #[test]
    fn raw_diff_parsing_handles_renames_deletions_and_submodules() {
        let a = "1111111111111111111111111111111111111111";
        let b = "2222222222222222222222222222222222222222";
        let raw = format!(
            ":000000 100644 {NULL_OID} {a} A\0new file.txt\0\
             :100644 100644 {a} {b} R087\0old.txt\0dir/renamed.txt\0\
             :100644 000000 {a} {NULL_OID} D\0gone.txt\0\
             :000000 160000 {NULL_OID} {b} A\0vendor/sub\0\
             :100644 100644 {a} {b} M\0ünï.json\0"
        );
        let changes = parse_raw_diff(raw.as_bytes()).unwrap();
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, vec!["new file.txt", "dir/renamed.txt", "ünï.json"]);
        assert_eq!(changes[0].before, None);
        assert_eq!(changes[1].before.as_deref(), Some(a));
    }
}
