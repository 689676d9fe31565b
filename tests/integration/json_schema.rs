//! The JSON report follows the schema published in `schema/report.schema.json`.

use crate::scan_fixtures::fixture_repo;
use crate::util::*;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schema/report.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(report: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn fixture_report_follows_the_published_schema() {
    let t = fixture_repo();
    let (_, stdout, _) = run(t
        .keyless()
        .args(["scan", ".", "--format", "json", "--show-secrets"]));
    let report = json(&stdout);
    assert!(report["findings"].as_array().unwrap().len() > 5);
    assert_valid(&report);
}

#[test]
fn corpus_report_follows_the_published_schema() {
    let t = TempTree::fixture("corpus");
    let (_, stdout, _) =
        run(t
            .keyless()
            .args(["scan", ".", "--format", "json", "--fail-on", "never"]));
    assert_valid(&json(&stdout));
}

#[test]
fn git_modes_follow_the_published_schema() {
    let t = TempTree::new();
    t.write("a.txt", "Server=tcp:contoso.database.windows.net;Database=o;User ID=a;Password=Vr8#kQ2!mZ7pLx; # keyless:allow\n");
    t.git_commit_all();
    let (_, stdout, _) = run(t.keyless().args(["scan", "--history", "--format", "json"]));
    assert_valid(&json(&stdout));
}

#[test]
fn the_schema_check_can_fail() {
    let bad = serde_json::json!({"version": 1, "findings": [{"rule_id": "x"}], "errors": [], "stats": {}});
    assert!(!validator().is_valid(&bad));
}
