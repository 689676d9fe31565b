//! Inline allow comments, the baseline and `.keyless.toml`.

use crate::util::*;

const SQL: &str =
    "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";
const SQL2: &str =
    "Server=tcp:fabrikam.database.windows.net;Database=crm;User ID=app;Password=Qq9$wE4!rT6yUi;";

fn scan_json(t: &TempTree, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(t.keyless().args(&args));
    (code, json(&stdout), stderr)
}

fn suppressions(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["suppression"]["kind"]
                .as_str()
                .unwrap_or("none")
                .to_string()
        })
        .collect()
}

#[test]
fn inline_allow_tokens_suppress_without_hiding() {
    for (text, token) in [
        (format!("{SQL} # keyless:allow\n"), "keyless:allow"),
        (
            format!("# keyless:allow-next-line\n{SQL}\n"),
            "keyless:allow-next-line",
        ),
        (format!("{SQL} // gitleaks:allow\n"), "gitleaks:allow"),
        (
            format!("{SQL} # pragma: allowlist secret\n"),
            "pragma: allowlist secret",
        ),
        (
            format!("{SQL} <!-- kingfisher:ignore -->\n"),
            "kingfisher:ignore",
        ),
    ] {
        let t = TempTree::new();
        t.write("app.txt", &text);
        let (code, report, stderr) = scan_json(&t, &[]);
        assert_eq!(code, 0, "{token}: {stderr}");
        assert_eq!(report["findings"][0]["suppression"]["token"], token);
        assert_eq!(report["stats"]["suppressed"], 1);
        assert!(stderr.contains("1 suppressed"), "{stderr}");
        let (code, _, _) = scan_json(&t, &["--no-inline-allow"]);
        assert_eq!(code, 1, "{token}: --no-inline-allow must ignore it");
    }
}

#[test]
fn inline_suppressions_are_in_sarif_as_in_source() {
    let t = TempTree::new();
    t.write("app.txt", format!("{SQL} # keyless:allow\n{SQL2}\n"));
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(code, 1, "the second finding is not suppressed");
    let sarif = json(&stdout);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert!(results[1].get("suppressions").is_none());
}

#[test]
fn text_report_leaves_out_suppressed_findings() {
    let t = TempTree::new();
    t.write("app.txt", format!("{SQL} # keyless:allow\n"));
    let (code, stdout, _) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 0);
    assert_eq!(stdout, "");
}

#[test]
fn baseline_accepts_known_findings_and_fails_on_new_ones() {
    let t = TempTree::new();
    t.write("a.txt", format!("{SQL}\n"));
    let (code, _, stderr) =
        run(t
            .keyless()
            .args(["scan", ".", "--write-baseline", "baseline.json"]));
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    assert!(
        !written.contains("Vr8#kQ2!mZ7pLx"),
        "no secret in the baseline"
    );
    assert!(
        !written.contains("\"line\""),
        "no line numbers in the baseline"
    );

    let (code, report, _) = scan_json(&t, &["--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(suppressions(&report), vec!["baseline"]);

    // Moving the secret to another line does not churn the baseline.
    t.write("a.txt", format!("\n\n# moved\n{SQL}\n"));
    let (code, _, _) = scan_json(&t, &["--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "again.json"]));
    assert_eq!(
        written,
        std::fs::read_to_string(t.path().join("again.json")).unwrap()
    );

    // A new secret fails.
    t.write("b.txt", format!("{SQL2}\n"));
    let (code, report, _) = scan_json(&t, &["--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(suppressions(&report), vec!["baseline", "none"]);
}

#[test]
fn baseline_suppressions_are_external_in_sarif() {
    let t = TempTree::new();
    t.write("a.txt", format!("{SQL}\n"));
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "baseline.json"]));
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        ".",
        "--baseline",
        "baseline.json",
        "--format",
        "sarif",
    ]));
    assert_eq!(
        json(&stdout)["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
}

#[test]
fn stale_entries_are_listed_and_only_removed_on_request() {
    let t = TempTree::new();
    t.write("a.txt", format!("{SQL}\n{SQL2}\n"));
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "baseline.json"]));
    let before = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    t.write("a.txt", format!("{SQL}\n"));
    let (code, _, stderr) = scan_json(&t, &["--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("1 stale baseline entry"), "{stderr}");
    assert_eq!(
        before,
        std::fs::read_to_string(t.path().join("baseline.json")).unwrap()
    );
    let (_, _, stderr) = scan_json(&t, &["--baseline", "baseline.json", "--update-baseline"]);
    assert!(stderr.contains("removed 1 stale entry"), "{stderr}");
    let after: serde_json::Value =
        json(&std::fs::read_to_string(t.path().join("baseline.json")).unwrap());
    assert_eq!(after["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn an_invalid_baseline_is_an_error_with_its_position() {
    let t = TempTree::new();
    t.write("a.txt", format!("{SQL}\n"));
    t.write(
        "baseline.json",
        "{\n  \"version\": 1,\n  \"entries\": [ oops ]\n}\n",
    );
    let (code, _, stderr) = run(t
        .keyless()
        .args(["scan", ".", "--baseline", "baseline.json"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("baseline.json:3:"), "{stderr}");
}

#[test]
fn project_file_sets_fail_on_allowlist_and_excludes() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("src/a.txt", format!("{SQL}\n"));
    t.write("tests/fixtures/b.txt", format!("{SQL2}\n"));
    t.write(
        "src/c.txt",
        "Server=tcp:x.database.windows.net;Database=d;User ID=u;Password=Example-Pa55w0rd-123;\n",
    );
    t.write(
        ".keyless.toml",
        "fail-on = \"never\"\n\n[allowlist]\npaths = [\"tests/fixtures\"]\nstopwords = [\"example\"]\n",
    );
    let (code, report, stderr) = scan_json(&t, &[]);
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<String> = finding_keys(&report).into_iter().map(|k| k.0).collect();
    assert_eq!(paths, vec!["src/a.txt"]);
    // The path allowlist applies to a file named on the command line too.
    let (_, stdout, _) =
        run(t
            .keyless()
            .args(["scan", "tests/fixtures/b.txt", "--format", "json"]));
    assert!(finding_keys(&json(&stdout)).is_empty());
    // The command line wins over the file, and --no-config ignores it.
    assert_eq!(scan_json(&t, &["--fail-on", "low"]).0, 1);
    assert_eq!(finding_keys(&scan_json(&t, &["--no-config"]).1).len(), 3);
}

#[test]
fn project_file_is_found_from_a_subfolder_and_config_overrides_it() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("src/a.txt", format!("{SQL}\n"));
    t.write(".keyless.toml", "fail-on = \"never\"\n");
    t.write("strict.toml", "fail-on = \"low\"\n");
    assert_eq!(run(t.keyless().args(["scan", "src"])).0, 0);
    assert_eq!(
        run(t.keyless().args(["scan", "src", "--config", "strict.toml"])).0,
        1
    );
}

#[test]
fn an_unknown_key_in_the_project_file_is_an_error_with_line_and_column() {
    let t = TempTree::new();
    t.write("a.txt", "nothing\n");
    t.write(
        ".keyless.toml",
        "fail-on = \"low\"\n\n[allowlist]\npath = [\"x\"]\n",
    );
    let (code, _, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".keyless.toml:4:1: unknown field `path`"),
        "{stderr}"
    );
    t.write(".keyless.toml", "fail-on = 3\n");
    let (code, _, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 2);
    assert!(stderr.contains(".keyless.toml:1:11"), "{stderr}");
}

#[test]
fn the_project_file_sets_severities_per_rule_and_per_pack() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("a.env", format!("DB={SQL}\n"));
    let severity = |report: &serde_json::Value| report["findings"][0]["severity"].clone();
    let (code, report, _) = scan_json(&t, &[]);
    assert_eq!((code, severity(&report)), (1, "critical".into()));
    // A pack entry applies to its rules; `info` never fails the scan.
    t.write(".keyless.toml", "[severity]\n\"azure-sql\" = \"info\"\n");
    let (code, report, stderr) = scan_json(&t, &[]);
    assert_eq!((code, severity(&report)), (0, "info".into()), "{stderr}");
    // A rule's own entry beats its pack's, whatever the order in the file.
    t.write(
        ".keyless.toml",
        "[severity]\n\"azure-sql.connection-string-password\" = \"low\"\n\"azure-sql\" = \"info\"\n",
    );
    let (code, report, _) = scan_json(&t, &[]);
    assert_eq!((code, severity(&report)), (1, "low".into()));
    // The SARIF rule carries the new level too.
    let (_, sarif, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(
        json(&sarif)["runs"][0]["results"][0]["level"],
        "note",
        "{sarif}"
    );
    // A typo names the file and line, and exits 2.
    t.write(
        ".keyless.toml",
        "fail-on = \"low\"\n\n[severity]\n\"azure-sq1\" = \"low\"\n",
    );
    let (code, _, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".keyless.toml:4: [severity]: no rule or pack has the id 'azure-sq1'"),
        "{stderr}"
    );
    // An entry for a disabled rule is not an error.
    t.write(
        ".keyless.toml",
        "disable-rules = [\"azure-sql.connection-string-password\"]\n\n[severity]\n\"azure-sql.connection-string-password\" = \"low\"\n",
    );
    assert_ne!(run(t.keyless().args(["scan", "."])).0, 2);
    t.write(".keyless.toml", "[severity]\n\"azure-sql\" = \"severe\"\n");
    let (code, _, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".keyless.toml:2: [severity] azure-sql: unknown severity 'severe'"),
        "{stderr}"
    );
}
