//! `keyless scan --history`: the one-off audit of everything reachable.

use crate::util::*;

const A: &str =
    "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";
const B: &str =
    "Server=tcp:fabrikam.database.windows.net;Database=crm;User ID=app;Password=Qq9$wE4!rT6yUi;";

fn history(t: &TempTree, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["scan", "--history", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(t.keyless().args(&args));
    let report = if stdout.is_empty() {
        serde_json::Value::Null
    } else {
        json(&stdout)
    };
    (code, report, stderr)
}

#[test]
fn finds_deleted_secrets_with_their_commits() {
    let t = TempTree::new();
    t.write("app.txt", format!("{A}\n"));
    t.git_commit_all();
    t.write("app.txt", format!("x=1\n{A}\n"));
    t.git(&["commit", "-qam", "edit around it"]);
    t.write("app.txt", "x=1\n");
    t.write("other.txt", format!("{B}\n"));
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "remove A, add B"]);
    let (code, report, stderr) = history(&t, &[]);
    assert_eq!(code, 1, "{stderr}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        2,
        "one finding per (fingerprint, path): {findings:#?}"
    );
    let a = &findings[0];
    assert_eq!(a["path"], "app.txt");
    assert_eq!(a["history"]["commits"], 2);
    assert_eq!(a["history"]["present_at_head"], false);
    assert_eq!(a["history"]["first_commit"]["author"], "Test");
    assert_ne!(
        a["history"]["first_commit"]["id"],
        a["history"]["last_commit"]["id"]
    );
    let b = &findings[1];
    assert_eq!(b["path"], "other.txt");
    assert_eq!(b["history"]["present_at_head"], true);
    assert_eq!(b["history"]["commits"], 1);
}

#[test]
fn a_secret_file_copied_elsewhere_is_reported_at_every_path() {
    // rev-list names a blob by one path only; the same bytes at two paths are two places to clean.
    let t = TempTree::new();
    t.write("config/app.env", format!("{A}\n"));
    t.git_commit_all();
    t.write("deploy/app.env", format!("{A}\n"));
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "copy"]);
    t.git(&["rm", "-q", "config/app.env"]);
    t.git(&["commit", "-qm", "remove the original"]);
    let (code, report, stderr) = history(&t, &[]);
    assert_eq!(code, 1, "{stderr}");
    let findings = report["findings"].as_array().unwrap();
    let places: Vec<(&str, bool, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["history"]["present_at_head"].as_bool().unwrap(),
                f["history"]["commits"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![("config/app.env", false, 2), ("deploy/app.env", true, 2)],
        "{findings:#?}"
    );
}

#[test]
fn other_branches_are_audited_unless_one_is_chosen() {
    let t = TempTree::new();
    t.write("a.txt", "x=1\n");
    t.git_commit_all();
    t.git(&["checkout", "-q", "-b", "topic"]);
    t.write("b.txt", format!("{B}\n"));
    t.git(&["add", "-A"]);
    t.git(&["commit", "-qm", "topic secret"]);
    t.git(&["checkout", "-q", "main"]);
    assert_eq!(finding_keys(&history(&t, &[]).1).len(), 1);
    assert_eq!(finding_keys(&history(&t, &["--branch", "main"]).1).len(), 0);
}

#[test]
fn history_sarif_has_its_own_automation_id_and_validates() {
    let t = TempTree::new();
    t.write("app.txt", format!("{A}\n"));
    t.git_commit_all();
    let (_, stdout, _) = run(t.keyless().args(["scan", "--history", "--format", "sarif"]));
    let sarif = json(&stdout);
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "keyless/history/"
    );
    crate::sarif_schema::assert_valid(&sarif);
    // A category of the user's own replaces it.
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        "--history",
        "--format",
        "sarif",
        "--sarif-category",
        "secrets-history",
    ]));
    assert_eq!(
        json(&stdout)["runs"][0]["automationDetails"]["id"],
        "secrets-history/"
    );
}

#[test]
fn a_shallow_clone_is_refused() {
    let t = TempTree::new();
    t.write("a.txt", "x=1\n");
    t.git_commit_all();
    t.write("a.txt", "x=2\n");
    t.git(&["commit", "-qam", "second"]);
    let clone = TempTree::new();
    let out = std::process::Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "1",
            &format!("file://{}", t.path().display()),
            ".",
        ])
        .current_dir(clone.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let (code, _, stderr) = history(&clone, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("shallow"), "{stderr}");
}
