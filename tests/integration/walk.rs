//! Which files are scanned and how they are named.

use crate::util::*;

const SECRET_LINE: &str = "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n";

fn paths(t: &TempTree, args: &[&str]) -> Vec<String> {
    let mut full = vec!["scan"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json"]);
    let (code, stdout, stderr) = run(t.keyless().args(&full));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let mut p: Vec<String> = finding_keys(&json(&stdout))
        .into_iter()
        .map(|k| k.0)
        .collect();
    p.dedup();
    p
}

#[test]
fn gitignored_files_are_skipped_unless_no_ignore_or_named() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(".gitignore", "secret.txt\nbuild/\n");
    t.write("secret.txt", SECRET_LINE);
    t.write("build/out.txt", SECRET_LINE);
    t.write("kept.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["."]), vec!["kept.txt"]);
    assert_eq!(
        paths(&t, &[".", "--no-ignore"]),
        vec!["build/out.txt", "kept.txt", "secret.txt"]
    );
    assert_eq!(paths(&t, &["secret.txt"]), vec!["secret.txt"]);
}

#[test]
fn git_info_exclude_and_dot_ignore_are_respected() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    std::fs::write(t.path().join(".git/info/exclude"), "local.txt\n").unwrap();
    t.write(".ignore", "generated.txt\n");
    t.write("local.txt", SECRET_LINE);
    t.write("generated.txt", SECRET_LINE);
    t.write("kept.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["."]), vec!["kept.txt"]);
}

#[test]
fn gitignore_outside_a_repository_does_not_apply() {
    let t = TempTree::new();
    t.write(".gitignore", "secret.txt\n");
    t.write("secret.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["."]), vec!["secret.txt"]);
}

#[test]
fn hidden_files_are_scanned_but_never_the_git_folder() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(".env", SECRET_LINE);
    t.write(".github/workflows/ci.yml", SECRET_LINE);
    t.write(".git/keyless-test.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["."]), vec![".env", ".github/workflows/ci.yml"]);
}

#[test]
fn exclude_globs_prune_files_and_folders_even_when_named() {
    let t = TempTree::new();
    t.write("a/keep.txt", SECRET_LINE);
    t.write("a/skip.min.js", SECRET_LINE);
    t.write("vendor/lib/x.txt", SECRET_LINE);
    assert_eq!(
        paths(&t, &[".", "--exclude", "*.min.js", "--exclude", "vendor"]),
        vec!["a/keep.txt"]
    );
    assert!(paths(&t, &["a/skip.min.js", "--exclude", "*.min.js"]).is_empty());
}

#[test]
fn paths_are_relative_to_the_work_tree_top_whatever_the_root() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("src/conf/app.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["."]), vec!["src/conf/app.txt"]);
    assert_eq!(paths(&t, &["src"]), vec!["src/conf/app.txt"]);
    assert_eq!(paths(&t, &["./src/conf/"]), vec!["src/conf/app.txt"]);
    assert_eq!(paths(&t, &["src/conf/app.txt"]), vec!["src/conf/app.txt"]);
    let inner = t
        .keyless()
        .current_dir(t.path().join("src"))
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    let keys = finding_keys(&json(&String::from_utf8_lossy(&inner.stdout)));
    assert_eq!(keys[0].0, "src/conf/app.txt");
}

#[test]
fn outside_git_paths_are_relative_to_the_scan_root() {
    let t = TempTree::new();
    t.write("project/conf/app.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["project"]), vec!["conf/app.txt"]);
    assert_eq!(
        paths(&t, &["project/conf/app.txt"]),
        vec!["project/conf/app.txt"]
    );
}

#[test]
fn several_roots_outside_git_keep_their_folder_so_paths_never_collide() {
    let t = TempTree::new();
    t.write("a/app.txt", SECRET_LINE);
    t.write("b/app.txt", SECRET_LINE);
    assert_eq!(paths(&t, &["a", "b"]), vec!["a/app.txt", "b/app.txt"]);
    assert_eq!(paths(&t, &["./a/", "b/"]), vec!["a/app.txt", "b/app.txt"]);
    let abs_a = t.path().join("a").to_string_lossy().replace('\\', "/");
    let abs_b = t.path().join("b").to_string_lossy().replace('\\', "/");
    assert_eq!(
        paths(&t, &[abs_a.as_str(), abs_b.as_str()]),
        vec![format!("{abs_a}/app.txt"), format!("{abs_b}/app.txt")]
    );
}

#[test]
fn large_files_are_skipped_and_counted() {
    let t = TempTree::new();
    t.write("big.txt", format!("{SECRET_LINE}{}", "x".repeat(5000)));
    t.write("small.txt", SECRET_LINE);
    let (_, stdout, stderr) =
        run(t
            .keyless()
            .args(["scan", ".", "--max-file-size", "1K", "--format", "json"]));
    let report = json(&stdout);
    assert_eq!(report["stats"]["skipped"]["too_large"], 1);
    assert_eq!(finding_keys(&report).len(), 1);
    assert!(stderr.contains("skipped 1 too large"), "{stderr}");
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let t = TempTree::new();
    t.write(
        "blob.bin",
        [b"\x00\x01".as_slice(), SECRET_LINE.as_bytes()].concat(),
    );
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 0);
    assert_eq!(json(&stdout)["stats"]["skipped"]["binary"], 1);
}

#[test]
fn invalid_utf8_is_scanned_without_crashing() {
    let t = TempTree::new();
    t.write(
        "latin1.txt",
        [b"caf\xe9 \xff\xfe\n".as_slice(), SECRET_LINE.as_bytes()].concat(),
    );
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 1);
    assert_eq!(finding_keys(&json(&stdout))[0].1, 2);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let t = TempTree::new();
    t.write("real/app.txt", SECRET_LINE);
    std::os::unix::fs::symlink(t.path().join("real"), t.path().join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(t.path().join("real/app.txt"), t.path().join("linked.txt")).unwrap();
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    let report = json(&stdout);
    assert_eq!(
        finding_keys(&report)
            .iter()
            .map(|k| k.0.as_str())
            .collect::<Vec<_>>(),
        vec!["real/app.txt"]
    );
    assert_eq!(report["stats"]["skipped"]["symlink"], 2);
}

#[cfg(unix)]
#[test]
fn fifos_are_skipped_without_being_opened() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let status = std::process::Command::new("mkfifo")
        .arg(t.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    // Opening a FIFO with no writer would block forever: finishing at all is the assertion.
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(json(&stdout)["stats"]["skipped"]["not_regular_file"], 1);
    let (_, stdout, _) = run(t.keyless().args(["scan", "pipe", "--format", "json"]));
    assert_eq!(json(&stdout)["stats"]["skipped"]["not_regular_file"], 1);
}

#[test]
fn standard_input_is_scanned_with_a_dash() {
    let t = TempTree::new();
    let (code, stdout, _) = run(t
        .keyless()
        .args(["scan", "-", "--format", "json"])
        .write_stdin(SECRET_LINE));
    assert_eq!(code, 1);
    assert_eq!(finding_keys(&json(&stdout))[0].0, "stdin");
}
