//! Exit codes: 0 clean, 1 findings at or above --fail-on, 2 errors (with reports still written).

use crate::util::*;

const SQL_LINE: &str = "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n";

#[test]
fn a_folder_without_credentials_exits_0() {
    let t = TempTree::new();
    t.write(
        "appsettings.json",
        "{\"Logging\": {\"LogLevel\": \"Information\"}}\n",
    );
    let (code, stdout, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("0 findings"), "{stderr}");
}

#[test]
fn findings_exit_1_unless_below_the_threshold() {
    let t = TempTree::new();
    t.write("conn.txt", SQL_LINE);
    assert_eq!(run(t.keyless().args(["scan", "."])).0, 1);
    assert_eq!(
        run(t.keyless().args(["scan", ".", "--fail-on", "critical"])).0,
        1
    );
    assert_eq!(
        run(t.keyless().args(["scan", ".", "--fail-on", "never"])).0,
        0
    );
}

#[test]
fn info_findings_never_fail_and_fail_on_filters_by_severity() {
    let t = TempTree::new();
    t.write(
        "info.toml",
        r#"[pack]
id = "demo"
service = "Demo"

[[rules]]
id = "demo.marker"
title = "Marker"
severity = "info"
confidence = "high"
keywords = ["marker"]
regex = 'marker=(?P<secret>[a-z0-9]{8,})'

[[rules]]
id = "demo.medium"
title = "Medium"
severity = "medium"
confidence = "high"
keywords = ["medium"]
regex = 'medium=(?P<secret>[a-z0-9]{8,})'
"#,
    );
    t.write("a/one.txt", "marker=abc12345xyz\n");
    assert_eq!(
        run(t
            .keyless()
            .args(["scan", "a", "--rules", "info.toml", "--fail-on", "low"]))
        .0,
        0
    );
    t.write("a/two.txt", "medium=abc12345xyz\n");
    assert_eq!(
        run(t
            .keyless()
            .args(["scan", "a", "--rules", "info.toml", "--fail-on", "medium"]))
        .0,
        1
    );
    assert_eq!(
        run(t
            .keyless()
            .args(["scan", "a", "--rules", "info.toml", "--fail-on", "high"]))
        .0,
        0
    );
}

#[test]
fn a_missing_path_exits_2_after_writing_the_findings() {
    let t = TempTree::new();
    t.write("conn.txt", SQL_LINE);
    let (code, stdout, stderr) =
        run(t
            .keyless()
            .args(["scan", "conn.txt", "missing.json", "--format", "json"]));
    assert_eq!(code, 2, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["errors"][0]["path"], "missing.json");
    assert!(
        stderr.contains("keyless: missing.json: cannot read"),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let t = TempTree::new();
    assert_eq!(run(t.keyless().args(["scan", "--format", "xml"])).0, 2);
    assert_eq!(
        run(t.keyless().args(["scan", "--max-file-size", "lots"])).0,
        2
    );
    assert_eq!(run(t.keyless().args(["scan", "--report", "sarif"])).0, 2);
    assert_eq!(run(t.keyless().args(["scan", "--threads", "0"])).0, 2);
}

#[test]
fn an_unknown_rule_id_exits_2() {
    let t = TempTree::new();
    let (code, _, stderr) = run(t
        .keyless()
        .args(["scan", ".", "--disable-rule", "no-such.rule"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such.rule"), "{stderr}");
}

#[test]
fn disabling_a_rule_silences_it() {
    let t = TempTree::new();
    t.write("conn.txt", "jdbc:sqlserver://contoso.database.windows.net:1433;database=orders;user=app;password=Jd8$kLm2pQ;encrypt=true\n");
    assert_eq!(run(t.keyless().args(["scan", "."])).0, 1);
    let (code, stdout, _) = run(t.keyless().args([
        "scan",
        ".",
        "--disable-rule",
        "azure-sql.jdbc-password",
        "--format",
        "json",
    ]));
    let ids: Vec<String> = finding_keys(&json(&stdout))
        .into_iter()
        .map(|k| k.2)
        .collect();
    assert!(
        !ids.contains(&"azure-sql.jdbc-password".to_string()),
        "{ids:?}"
    );
    let _ = code;
}
