//! Bad input never crashes, hangs, leaks a secret or loses data (issue 12's guarantees, one test each).

use crate::util::*;
use std::path::Path;

/// Runs the command that `fixtures/invalid/<name>` is input to, with `--output` pointing into `t`.
/// `pack-*.toml` is given with `--rules`, `config-*.toml` becomes the tree's `.keyless.toml` and
/// `baseline-*.json` is given with `--baseline`.
fn run_invalid(name: &str, t: &TempTree) -> (i32, String, String) {
    let fixture = repo_root().join("fixtures/invalid").join(name);
    let out = t.path().join("out.json");
    let out = out.to_str().unwrap();
    t.write("app/.env", "GREETING=hello\n");
    if name.starts_with("pack-") {
        let rel = format!("fixtures/invalid/{name}");
        run(t.keyless().current_dir(repo_root()).args([
            "scan",
            "--rules",
            &rel,
            "src/lib.rs",
            "--format",
            "json",
            "--output",
            out,
        ]))
    } else if name.starts_with("config-") {
        std::fs::copy(&fixture, t.path().join(".keyless.toml")).unwrap();
        run(t
            .keyless()
            .args(["scan", ".", "--format", "json", "--output", out]))
    } else if name.starts_with("baseline-") {
        std::fs::copy(&fixture, t.path().join("baseline.json")).unwrap();
        run(t.keyless().args([
            "scan",
            "app",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "--output",
            out,
        ]))
    } else {
        panic!("{name}: fixtures/invalid/ names start with pack-, config- or baseline-");
    }
}

/// Every malformed pack, `.keyless.toml` and baseline in `fixtures/invalid/` exits 2 with exactly the
/// error stored next to it (file, line, column where the parser knows it, and what is wrong) and leaves
/// no output file behind, not even an empty or partial one.
#[test]
fn invalid_inputs_fail_with_their_expected_error_and_write_nothing() {
    let dir = repo_root().join("fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".expected"))
        .collect();
    names.sort();
    let mut kinds = std::collections::BTreeSet::new();
    for name in &names {
        let expected_path = dir.join(Path::new(name).with_extension("expected"));
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let t = TempTree::new();
        let (code, stdout, stderr) = run_invalid(name, &t);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert_eq!(stderr.trim_end(), expected.trim_end(), "{name}");
        assert!(
            !t.path().join("out.json").exists(),
            "{name}: an output file was written"
        );
        let leftovers: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
        kinds.insert(name.split('-').next().unwrap().to_string());
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["baseline", "config", "pack"]
    );
    assert!(names.len() >= 15, "only {} invalid inputs", names.len());
}
