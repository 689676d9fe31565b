//! Rule packs: the built-in packs pass their own examples, and a user's pack is checked and listed.
//! (Invalid packs, with the other invalid inputs, are in `robustness.rs`.)

use crate::util::*;

#[test]
fn builtin_packs_pass_rules_check() {
    let t = TempTree::new();
    let (code, stdout, stderr) = run(t.keyless().args(["rules", "check"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(" 0 failures"), "{stdout}");
}

#[test]
fn every_pack_file_is_built_in() {
    let mut on_disk: Vec<String> = std::fs::read_dir(repo_root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let built_in: Vec<String> = keyless::rules::builtin::PACKS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(on_disk, built_in);
    assert!(built_in.len() >= 6, "{built_in:?}");
}

#[test]
fn rules_check_fails_a_rule_whose_example_does_not_match() {
    let t = TempTree::new();
    t.write(
        "bad.toml",
        r#"[pack]
id = "demo"
service = "Demo"

[[rules]]
id = "demo.token"
title = "Token"
severity = "high"
confidence = "high"
keywords = ["token"]
regex = 'token=(?P<secret>[a-z]{8})'
examples = ["token=abcdefgh", "token=zzzzzzzy", "token=ABCDEFGH"]
negative_examples = ["token=${X}", "token=abc", "token=abcdefgh"]
"#,
    );
    let (code, stdout, _) = run(t.keyless().args(["rules", "check", "bad.toml"]));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("bad.toml:5: rule demo.token: example 3 does not match: token=ABCDEFGH"),
        "{stdout}"
    );
    assert!(
        stdout.contains("negative example 3 matches: token=abcdefgh"),
        "{stdout}"
    );
}

#[test]
fn rules_list_json_names_id_service_severity_and_keywords() {
    let t = TempTree::new();
    let (code, stdout, _) = run(t.keyless().args(["rules", "list", "--format", "json"]));
    assert_eq!(code, 0);
    let rules = json(&stdout);
    let sql = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "azure-sql.jdbc-password")
        .expect("listed");
    assert_eq!(sql["service"], "Azure SQL Database");
    assert_eq!(sql["severity"], "critical");
    assert_eq!(sql["keywords"][0], "jdbc:sqlserver:");
}
