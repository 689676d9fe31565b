//! `keyless scan --diff BASE`: the pull-request gate.

use crate::util::*;

const OLD: &str =
    "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";
const NEW: &str =
    "Server=tcp:fabrikam.database.windows.net;Database=crm;User ID=app;Password=Qq9$wE4!rT6yUi;";
const GONE: &str =
    "Server=tcp:tailspin.database.windows.net;Database=hr;User ID=app;Password=Hh7&uJ3!kL9zXc;";

fn gate(t: &TempTree, base: &str) -> (i32, serde_json::Value, String) {
    let (code, stdout, stderr) = run(t
        .keyless()
        .args(["scan", "--diff", base, "--format", "json"]));
    let report = if stdout.is_empty() {
        serde_json::Value::Null
    } else {
        json(&stdout)
    };
    (code, report, stderr)
}

/// main with an old secret; a feature branch checked out.
fn repo_with_branch() -> TempTree {
    let t = TempTree::new();
    t.write("old.txt", format!("{OLD}\n"));
    t.write("app.txt", "a=1\n");
    t.git_commit_all();
    t.git(&["checkout", "-q", "-b", "feature"]);
    t
}

#[test]
fn reports_what_the_branch_adds_and_not_what_main_had() {
    let t = repo_with_branch();
    t.write("app.txt", format!("a=1\n{NEW}\n"));
    t.write("old.txt", format!("# touched\n{OLD}\n"));
    t.git(&["commit", "-qam", "add"]);
    let (code, report, stderr) = gate(&t, "main");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        finding_keys(&report),
        vec![(
            "app.txt".to_string(),
            2,
            "azure-sql.connection-string-password".to_string()
        )]
    );
}

#[test]
fn a_secret_added_then_removed_inside_the_branch_is_reported_as_history_only() {
    let t = repo_with_branch();
    t.write("app.txt", format!("a=1\n{GONE}\n"));
    t.git(&["commit", "-qam", "oops"]);
    t.write("app.txt", "a=1\n");
    t.git(&["commit", "-qam", "remove"]);
    let (code, report, stderr) = gate(&t, "main");
    assert_eq!(code, 1, "{stderr}");
    let f = &report["findings"][0];
    assert_eq!(f["path"], "app.txt");
    assert_eq!(f["line"], 2);
    assert_eq!(f["history_only_commit"].as_str().unwrap().len(), 40);
    assert!(stderr.contains("rotate it"), "{stderr}");
}

#[test]
fn a_missing_base_or_a_shallow_clone_is_an_error_that_says_to_fetch() {
    let t = repo_with_branch();
    let (code, _, stderr) = gate(&t, "no-such-branch");
    assert_eq!(code, 2);
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");

    t.git(&["checkout", "-q", "main"]);
    t.write("more.txt", "b=2\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "second"]);
    let clone = TempTree::new();
    let url = format!("file://{}", t.path().display());
    let out = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, _, stderr) = gate(&clone, "HEAD~1");
    assert_eq!(code, 2);
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
}

#[test]
fn the_branch_cannot_loosen_its_own_gate() {
    let t = repo_with_branch();
    t.write("app.txt", format!("a=1\n{NEW} # keyless:allow\n"));
    t.write(".keyless.toml", "fail-on = \"never\"\n");
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "sneaky"]);
    let (code, report, stderr) = gate(&t, "main");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(finding_keys(&report).len(), 1);
    assert!(
        stderr.contains("the change edits .keyless.toml"),
        "{stderr}"
    );
    assert!(stderr.contains("is not honoured in --diff"), "{stderr}");
}

#[test]
fn the_baseline_is_read_from_the_merge_base() {
    let t = TempTree::new();
    t.write("old.txt", format!("{OLD}\n"));
    t.write(".keyless.toml", "baseline = \"baseline.json\"\n");
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "baseline.json"]));
    t.git_commit_all();
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.write("app.txt", format!("{NEW}\n"));
    t.write("old.txt", format!("x=1\n{OLD}\n"));
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "baseline.json"]));
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "baseline my own secret"]);
    let (code, report, stderr) = gate(&t, "main");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(finding_keys(&report)[0].0, "app.txt");
    assert!(
        stderr.contains("the change edits the baseline baseline.json"),
        "{stderr}"
    );
}

#[test]
fn the_branch_cannot_loosen_a_pack_the_configuration_names() {
    let t = TempTree::new();
    let pack = "[pack]\nid = \"custom\"\nservice = \"Custom\"\n\n[[rules]]\nid = \"custom.token\"\ntitle = \"Token\"\nseverity = \"high\"\nconfidence = \"high\"\nkeywords = [\"internal_token\"]\nregex = 'internal_token=(?P<secret>[a-z0-9]{16,})'\n";
    t.write("packs/custom.toml", pack);
    t.write(".keyless.toml", "rules = [\"packs\"]\n");
    t.write("app.txt", "a=1\n");
    t.git_commit_all();
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.write("app.txt", "a=1\ninternal_token=9f2k4m6p8r0t2v4x6z\n");
    t.write("packs/custom.toml", format!("{pack}allow = ['.']\n"));
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "allow everything"]);
    let (code, report, stderr) = gate(&t, "main");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(finding_keys(&report)[0].2, "custom.token");
    assert!(
        stderr.contains("the change edits the rule pack packs/custom.toml"),
        "{stderr}"
    );
}
