//! The repository list of `keyless audit --repos FILE`: parsing it, normalising each entry into the key
//! that decides its shard, and deriving the file name its reports get.
//!
//! The key is what makes N independent workers agree without talking to each other: it depends only on
//! the line's text (not on the list's order, the machine or the transport), so `https://github.com/o/r`,
//! `https://github.com/o/r.git/` and `git@github.com:o/r.git` are one repository. Credentials written into
//! a URL (`https://user:token@host/...`) are dropped from the key, so they never reach a report or the
//! summary; the original text is kept only to hand to `git clone`.

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One line of the list.
#[derive(Clone)]
pub struct Repo {
    /// The normalised repository: `host/path` for a URL, the lexically normalised path for a local one.
    pub url: String,
    /// The ref to scan (branch, tag or commit), if the line names one.
    pub git_ref: Option<String>,
    /// Where git clones from: the URL as written (credentials included), or the local path resolved
    /// against the list's folder. Never printed.
    pub(crate) clone_from: String,
    pub is_local: bool,
    /// 1-based line in the list, for messages.
    pub line: usize,
}

/// Kept by hand so a credential inside `clone_from` cannot reach a log through `{:?}`.
impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo")
            .field("key", &self.key())
            .field("line", &self.line)
            .finish()
    }
}

impl Repo {
    /// The repository's identity in the audit: the normalised URL, then the ref if any. It decides the
    /// shard and the report's name, and it is what the summary calls the repository.
    pub fn key(&self) -> String {
        key_of(&self.url, self.git_ref.as_deref())
    }

    /// A report name that is safe on every file system and unique within any list: the key's tail in
    /// lower-case letters, digits, `.`, `_` and `-`, then a hash of the whole key (which keeps repositories
    /// apart that differ only in case or in characters the tail drops).
    pub fn name(&self) -> String {
        report_name(&self.key())
    }
}

/// See [`Repo::key`].
pub fn key_of(url: &str, git_ref: Option<&str>) -> String {
    match git_ref {
        Some(r) => format!("{url} {r}"),
        None => url.to_string(),
    }
}

const NAME_TAIL: usize = 60;

pub fn report_name(key: &str) -> String {
    let mut safe = String::new();
    for c in key.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            safe.push(c);
        } else if !safe.ends_with('-') {
            safe.push('-');
        }
    }
    // The end of a URL names the repository; its start is the host, which the hash covers anyway.
    let start = safe.len().saturating_sub(NAME_TAIL);
    let tail = safe[start..].trim_matches(|c| c == '-' || c == '.');
    let hash = hex(&Sha256::digest(key.as_bytes())[..5]);
    if tail.is_empty() {
        format!("repo-{hash}")
    } else {
        format!("{tail}-{hash}")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A parsed list: its repositories in file order.
#[derive(Debug)]
pub struct RepoList {
    pub repos: Vec<Repo>,
}

impl RepoList {
    pub fn read(path: &Path) -> Result<RepoList> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the repository list {}", path.display()))?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        RepoList::parse(&text, &path.display().to_string(), base)
    }

    /// Lines are `<repository> [<ref>]`; `#` starts a comment (at the start of a line or after a space),
    /// blank lines are skipped. Relative paths start at `base` (the list's folder). A repository listed
    /// twice is an error: it would be scanned twice and counted twice.
    pub fn parse(text: &str, name: &str, base: &Path) -> Result<RepoList> {
        let mut repos = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = strip_comment(raw).trim();
            if content.is_empty() {
                continue;
            }
            let fields: Vec<&str> = content.split_whitespace().collect();
            if fields.len() > 2 {
                bail!(
                    "{name}:{line}: expected `<repository> [<ref>]`, found {} fields (a path with spaces cannot be listed)",
                    fields.len()
                );
            }
            let repo = parse_entry(fields[0], fields.get(1).copied(), base)
                .map_err(|e| anyhow::anyhow!("{name}:{line}: {e}"))?;
            let repo = Repo { line, ..repo };
            if let Some(first) = seen.insert(repo.key(), line) {
                bail!(
                    "{name}:{line}: {} is listed twice (first on line {first})",
                    repo.key()
                );
            }
            repos.push(repo);
        }
        Ok(RepoList { repos })
    }

    /// A hash of the list's repositories that ignores order, comments and spelling: every shard records
    /// it, and `audit merge` refuses shards that were given different lists.
    pub fn digest(&self) -> String {
        let mut keys: Vec<String> = self.repos.iter().map(Repo::key).collect();
        keys.sort();
        let mut h = Sha256::new();
        for k in &keys {
            h.update(k.as_bytes());
            h.update(b"\n");
        }
        hex(&h.finalize())
    }
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

fn parse_entry(repo: &str, git_ref: Option<&str>, base: &Path) -> Result<Repo, String> {
    if let Some(r) = git_ref {
        if r.starts_with('-') {
            return Err(format!("the ref '{r}' starts with '-'"));
        }
    }
    if repo.starts_with('-') {
        return Err(format!("'{repo}' starts with '-' (not a repository)"));
    }
    if repo.chars().any(|c| c.is_control()) {
        return Err("the repository holds a control character".to_string());
    }
    let git_ref = git_ref.map(str::to_string);
    if let Some((scheme, rest)) = repo.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if scheme == "file" {
            return Ok(local(rest, git_ref, base));
        }
        if !matches!(scheme.as_str(), "https" | "http" | "ssh" | "git") {
            return Err(format!(
                "unsupported URL scheme '{scheme}' (expected https, http, ssh, git or file)"
            ));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        // Credentials before the host are dropped: the key is printed and written everywhere.
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.is_empty() {
            return Err(format!("'{}' has no host", redact(repo)));
        }
        return remote(host, path, git_ref, repo);
    }
    // scp-like syntax `user@host:path`, which git reads as ssh when the part before ':' has no '/'.
    if let Some((before, path)) = repo.split_once(':') {
        if !before.contains('/') && !before.is_empty() && before.len() > 1 {
            let host = before.rsplit_once('@').map_or(before, |(_, h)| h);
            return remote(host, path, git_ref, repo);
        }
    }
    Ok(local(repo, git_ref, base))
}

fn remote(host: &str, path: &str, git_ref: Option<String>, original: &str) -> Result<Repo, String> {
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    if path.is_empty() {
        return Err(format!("'{}' names no repository path", redact(original)));
    }
    Ok(Repo {
        url: format!("{}/{path}", host.to_ascii_lowercase()),
        git_ref,
        clone_from: original.to_string(),
        is_local: false,
        line: 0,
    })
}

fn local(path: &str, git_ref: Option<String>, base: &Path) -> Repo {
    let written = normalise_path(Path::new(path));
    let resolved = if written.is_absolute() {
        written.clone()
    } else {
        normalise_path(&base.join(&written))
    };
    Repo {
        url: written.to_string_lossy().replace('\\', "/"),
        git_ref,
        clone_from: resolved.to_string_lossy().into_owned(),
        is_local: true,
        line: 0,
    }
}

/// `./a/b/../c/` → `a/c`, without touching the file system (the key must not depend on the machine).
fn normalise_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A URL with any `user:password@` replaced, for messages.
pub fn redact(text: &str) -> String {
    static RE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"://[^/@\s]+@").expect("valid regex"));
    RE.replace_all(text, "://***@").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        RepoList::parse(text, "repos.txt", Path::new("/lists"))
            .unwrap()
            .repos
            .iter()
            .map(Repo::key)
            .collect()
    }

    #[test]
    fn spellings_of_one_repository_share_a_key() {
        assert_eq!(
            keys("https://GitHub.com/o/r.git/\n"),
            vec!["github.com/o/r".to_string()]
        );
        assert_eq!(keys("git@github.com:o/r.git"), vec!["github.com/o/r"]);
        assert_eq!(keys("ssh://git@github.com/o/r"), vec!["github.com/o/r"]);
        assert_eq!(keys("./repos/../x/a/ main"), vec!["x/a main"]);
    }

    #[test]
    fn credentials_never_reach_the_key() {
        let list = RepoList::parse(
            "https://user:s3cr3t@dev.azure.com/org/p/_git/r",
            "l",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(list.repos[0].key(), "dev.azure.com/org/p/_git/r");
        assert!(!format!("{:?}", list.repos[0]).contains("s3cr3t"));
        assert_eq!(redact("fatal: https://u:tok@h/x"), "fatal: https://***@h/x");
    }

    #[test]
    fn comments_blank_lines_and_local_paths() {
        let list = RepoList::parse(
            "# org\n\n  repos/a   # first\nrepos/b v1.2\n/abs/c\n",
            "l",
            Path::new("/lists"),
        )
        .unwrap();
        let got: Vec<(String, String, usize)> = list
            .repos
            .iter()
            .map(|r| (r.key(), r.clone_from.clone(), r.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("repos/a".into(), "/lists/repos/a".into(), 3),
                ("repos/b v1.2".into(), "/lists/repos/b".into(), 4),
                ("/abs/c".into(), "/abs/c".into(), 5),
            ]
        );
    }

    #[test]
    fn bad_lines_name_the_file_and_line() {
        let e = RepoList::parse("a\nb c d\n", "repos.txt", Path::new(".")).unwrap_err();
        assert!(e.to_string().starts_with("repos.txt:2: "), "{e}");
        let e = RepoList::parse("a\n./a\n", "repos.txt", Path::new(".")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "repos.txt:2: a is listed twice (first on line 1)"
        );
        let e = RepoList::parse("ftp://h/x\n", "r", Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("unsupported URL scheme"), "{e}");
    }

    #[test]
    fn names_are_safe_and_distinct() {
        let a = report_name("github.com/Org/Repo");
        let b = report_name("github.com/org/repo");
        assert_ne!(a, b);
        assert!(a.starts_with("github.com-org-repo-"), "{a}");
        for key in [
            "../../etc/passwd",
            "h/CON",
            "h/a:b*c?d\"e<f>g|h",
            "",
            "h/ünïcode/ŕepo",
            &"x".repeat(500),
        ] {
            let n = report_name(key);
            assert!(n.len() <= NAME_TAIL + 11, "{n}");
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)),
                "{n}"
            );
            assert!(!n.starts_with('.') && !n.starts_with('-'), "{n}");
        }
    }
}
