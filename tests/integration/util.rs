//! A temp-dir builder and a hermetic way to run the binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository's own folder, where `fixtures/` lives.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct TempTree {
    pub dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl TempTree {
    pub fn new() -> TempTree {
        TempTree {
            dir: tempfile::tempdir().expect("temp dir"),
            home: tempfile::tempdir().expect("temp home"),
        }
    }

    /// A temp tree holding a copy of `fixtures/<name>`.
    pub fn fixture(name: &str) -> TempTree {
        let t = TempTree::new();
        copy_dir(&repo_root().join("fixtures").join(name), t.path());
        t
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &TempTree {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
        self
    }

    /// `keyless` with the tree as working directory and a hermetic environment.
    pub fn keyless(&self) -> Command {
        let mut cmd = Command::cargo_bin("keyless").expect("binary built");
        cmd.current_dir(self.path());
        hermetic(&mut cmd, self.home.path());
        cmd
    }

    /// Like [`TempTree::keyless`], as a `std::process::Command`, for tests that run several at once.
    pub fn keyless_process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_keyless"));
        cmd.current_dir(self.path());
        cmd.env_remove("KEYLESS_FINGERPRINT_KEY")
            .env("NO_COLOR", "1");
        for (k, v) in git_env(self.home.path()) {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn git(&self, args: &[&str]) {
        run_git(self.path(), self.home.path(), args);
    }

    /// `git init` plus one commit of everything present.
    pub fn git_commit_all(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "initial"]);
    }
}

fn git_env(home: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("GIT_CONFIG_GLOBAL", "/dev/null".to_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".to_string()),
        ("HOME", home.display().to_string()),
        ("GIT_AUTHOR_NAME", "Test".to_string()),
        ("GIT_AUTHOR_EMAIL", "test@example.com".to_string()),
        ("GIT_COMMITTER_NAME", "Test".to_string()),
        ("GIT_COMMITTER_EMAIL", "test@example.com".to_string()),
        ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z".to_string()),
        ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z".to_string()),
    ]
}

pub fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env_remove("KEYLESS_FINGERPRINT_KEY");
    for (k, v) in git_env(home) {
        cmd.env(k, v);
    }
    cmd.env("NO_COLOR", "1");
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("keyless runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The stderr summary ends with a timing (and, for longer scans, a throughput) that changes from run to
/// run.
pub fn redact_timing(stderr: &str) -> String {
    let re = regex::Regex::new(r"in \d+\.\d\ds( \([\d.]+ [KMG]?i?B/s\))?").unwrap();
    re.replace_all(stderr, "in [TIME]s").into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// `(path, line, rule_id)` of every finding in a JSON report.
pub fn finding_keys(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `git init` plus one commit of `files` in a new repository at `dir` (hermetic, fixed dates, so the
/// commit ids are the same on every run).
pub fn git_repo(dir: &Path, files: &[(&str, &str)]) {
    let home = tempfile::tempdir().expect("temp home");
    for (rel, contents) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "--allow-empty", "-m", "initial"],
    ] {
        run_git(dir, home.path(), args);
    }
}

/// Runs git hermetically in `dir` (HOME at `home`, no global config, fixed identity and dates) and fails
/// the test if it fails.
fn run_git(dir: &Path, home: &Path, args: &[&str]) {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir).args(args);
    for (k, v) in git_env(home) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
