//! `keyless scan --staged`: what a pre-commit hook runs.

use crate::util::*;

const S1: &str =
    "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";
const S2: &str =
    "Server=tcp:fabrikam.database.windows.net;Database=crm;User ID=app;Password=Qq9$wE4!rT6yUi;";

fn staged(t: &TempTree, files: &[&str]) -> (i32, Vec<(String, u64, String)>, String) {
    let mut args = vec!["scan", "--staged", "--format", "json"];
    args.extend_from_slice(files);
    let (code, stdout, stderr) = run(t.keyless().args(&args));
    let keys = if stdout.is_empty() {
        Vec::new()
    } else {
        finding_keys(&json(&stdout))
    };
    (code, keys, stderr)
}

fn repo() -> TempTree {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t
}

#[test]
fn an_unborn_head_counts_as_the_empty_tree() {
    let t = repo();
    t.write("conf/app.txt", format!("a=1\n{S1}\n"));
    t.git(&["add", "-A"]);
    let (code, keys, stderr) = staged(&t, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        keys,
        vec![(
            "conf/app.txt".to_string(),
            2,
            "azure-sql.connection-string-password".to_string()
        )]
    );
}

#[test]
fn the_index_is_scanned_not_the_work_tree() {
    let t = repo();
    t.write("app.txt", "a=1\n");
    t.git_commit_all();
    t.write("app.txt", format!("a=1\nb=2\n{S1}\n"));
    t.git(&["add", "app.txt"]);
    // Unstaged edits: lines inserted above, and the secret removed from the work tree.
    t.write("app.txt", "x\ny\nz\na=1\n");
    let (code, keys, _) = staged(&t, &[]);
    assert_eq!(code, 1);
    assert_eq!(keys[0].1, 3, "line numbers are those of the staged blob");
    // Nothing staged that is new: a secret only in the work tree is not the commit's business.
    let t2 = repo();
    t2.write("app.txt", "a=1\n");
    t2.git_commit_all();
    t2.write("app.txt", format!("{S1}\n"));
    assert_eq!(staged(&t2, &[]).0, 0);
}

#[test]
fn an_old_secret_in_a_touched_file_does_not_block_the_commit() {
    let t = repo();
    t.write("app.txt", format!("{S1}\na=1\n"));
    t.git_commit_all();
    t.write("app.txt", format!("{S1}\na=2\n"));
    t.git(&["add", "app.txt"]);
    assert_eq!(staged(&t, &[]).0, 0);
    // A new secret in the same file does.
    t.write("app.txt", format!("{S1}\na=2\n{S2}\n"));
    t.git(&["add", "app.txt"]);
    let (code, keys, _) = staged(&t, &[]);
    assert_eq!(code, 1);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].1, 3);
}

#[test]
fn moved_or_reindented_secrets_and_renames_are_not_new() {
    let t = repo();
    t.write("app.txt", format!("{S1}\na=1\nb=2\n"));
    t.git_commit_all();
    t.write("app.txt", format!("a=1\nb=2\n\n    {S1}\n"));
    t.git(&["add", "app.txt"]);
    assert_eq!(staged(&t, &[]).0, 0, "moved and re-indented");
    t.git(&["commit", "-qm", "move"]);
    t.git(&["mv", "app.txt", "renamed.txt"]);
    assert_eq!(staged(&t, &[]).0, 0, "renamed");
    t.git(&["commit", "-qm", "rename"]);
    t.git(&["rm", "-q", "renamed.txt"]);
    assert_eq!(staged(&t, &[]).0, 0, "deleted");
}

#[test]
fn named_files_restrict_the_scan_and_unchanged_ones_are_scanned_whole() {
    let t = repo();
    t.write("old.txt", format!("{S1}\n"));
    t.git_commit_all();
    t.write("a.txt", format!("{S2}\n"));
    t.write("b.txt", format!("{S2}\n"));
    t.git(&["add", "a.txt", "b.txt"]);
    let (_, keys, _) = staged(&t, &["a.txt"]);
    assert_eq!(
        keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(),
        vec!["a.txt"]
    );
    // What `pre-commit run --all-files` passes: every file, most of them unchanged.
    let (code, keys, _) = staged(&t, &["a.txt", "old.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(),
        vec!["a.txt", "old.txt"]
    );
}

#[test]
fn odd_file_names_survive_the_plumbing() {
    let t = repo();
    t.write("dir with space/ünïcödé name.json", format!("{S1}\n"));
    t.write("tab\tname.txt", format!("{S2}\n"));
    t.git(&["add", "-A"]);
    let (code, keys, stderr) = staged(&t, &[]);
    assert_eq!(code, 1, "{stderr}");
    let mut paths: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec!["dir with space/ünïcödé name.json", "tab\tname.txt"]
    );
}

#[test]
fn staged_outside_git_is_an_error() {
    let t = TempTree::new();
    t.write("a.txt", "x\n");
    let (code, _, stderr) = staged(&t, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--staged needs a git work tree"),
        "{stderr}"
    );
}

/// The hook does not walk history for the fingerprint key: it reads the first commit from
/// `.git/keyless-first-commit`, which every other scan writes and refreshes. The fingerprints it gives
/// are those of a full scan.
#[test]
fn the_hook_reads_the_first_commit_from_a_cache_that_full_scans_refresh() {
    let t = repo();
    t.write("conf/app.txt", format!("a=1\n{S1}\n"));
    t.git_commit_all();
    let cache = t.path().join(".git/keyless-first-commit");
    let fingerprints = |args: &[&str]| -> Vec<String> {
        let (_, stdout, stderr) = run(t.keyless().args(args));
        json(&stdout)["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("{stderr}"))
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let full = fingerprints(&["scan", ".", "--format", "json"]);
    let root = std::fs::read_to_string(&cache).expect("a full scan writes the cache");
    assert_eq!(root.trim().len(), 40);

    t.write("conf/other.txt", format!("{S1}\n"));
    t.git(&["add", "-A"]);
    assert_eq!(
        fingerprints(&["scan", "--staged", "--format", "json"]),
        full
    );
    // A cache that names another commit is believed by the hook (the fingerprints change with it) and
    // corrected by the next full scan.
    std::fs::write(&cache, format!("{}\n", "a".repeat(40))).unwrap();
    assert_ne!(
        fingerprints(&["scan", "--staged", "--format", "json"]),
        full
    );
    fingerprints(&["scan", ".", "--format", "json"]);
    assert_eq!(std::fs::read_to_string(&cache).unwrap(), root);
}
