//! Rule packs: the built-in packs pass their own examples, and every invalid pack in
//! `fixtures/invalid-packs/` fails with exactly the error stored next to it.

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

#[test]
fn invalid_packs_fail_with_their_expected_error() {
    let dir = repo_root().join("fixtures/invalid-packs");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for pack in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let expected = std::fs::read_to_string(pack.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file", pack.display()));
        let t = TempTree::new();
        let rel = format!(
            "fixtures/invalid-packs/{}",
            pack.file_name().unwrap().to_string_lossy()
        );
        let (code, _, stderr) =
            run(t
                .keyless()
                .current_dir(repo_root())
                .args(["scan", "--rules", &rel, "src/lib.rs"]));
        assert_eq!(code, 2, "{rel}: {stderr}");
        assert_eq!(stderr.trim_end(), expected.trim_end(), "{rel}");
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} invalid packs checked");
}
