//! The realistic fixture tree: every planted credential is found once, at the right place, nothing else is
//! reported, no report leaks a secret, and the reports are snapshotted.

use crate::util::*;

/// `(path, line)` of every credential planted in `fixtures/tree`.
pub const PLANTED: &[(&str, u64)] = &[
    (".env", 4),
    (".github/workflows/deploy.yml", 10),
    ("docker-compose.yml", 6),
    ("docker-compose.yml", 11),
    ("infra/main.tf", 7),
    ("k8s/db-secret.yaml", 9),
    ("legacy/web.config", 4),
    ("src/Orders.Api/appsettings.json", 6),
    ("src/Orders.Api/appsettings.json", 7),
    ("src/Orders.Api/appsettings.json", 8),
    ("src/Orders.Api/appsettings.json", 11),
    ("src/Orders.Api/web.config", 5),
    ("src/Orders.Api/web.config", 8),
];

/// The planted secret values (normalised), none of which may appear in any report.
const SECRETS: &[&str] = &[
    "pG7!xK2q9Lm#Wd",
    "yB3uOVMrTPSnes5+RCLCJO+qji+PLkSnNa/bQ9EohMBvBR9vzRo95d3TqADOrX07PEVVgWWObMZS+xlxdHAvLg==",
    "Kx9!vB3nQ7#tLm",
    "Str0ng!Passw0rd#42",
    "Tf!9xQ2#pLm7vK",
    "Pg$Adm1n-2024!xz",
    "UGckQWRtMW4tMjAyNCF4eg==",
    "Ärch1ve!Pa55",
    "Vr8#kQ2!mZ7pLx",
    "243CEKOKIOFJPZ5y9r9It3TL4qu9c5XCL6zLlov5GaHC1MnljeNlHEicAGc3ivviiWDn3zQKNv3uGQeGUYdwHA==",
    "gbegSo8RKEbPFryjGWlIEt5KIpMUYDA0yUCF78C0az0=",
    "fw/er8y6sUItudBvGW7NXpaNoDk/mnk12rUWEvM/qDjLNKKtL8wrQCutbOk6ejeKOnF0EV6l6TVM/Ls8O2lm+w==",
    "Rp!2024-qTz9w",
    "C4m&amp;Pa55w0rd!",
    "C4m&Pa55w0rd!",
    "Secr3t-Ign0red!x",
];

/// The fixture tree in a fresh git repository with one ignored file holding a secret.
pub fn fixture_repo() -> TempTree {
    let t = TempTree::fixture("tree");
    t.git(&["init", "-q", "-b", "main"]);
    t.write(".gitignore", "ignored.env\n");
    t.write("ignored.env", "API_PASSWORD=Secr3t-Ign0red!x\n");
    t
}

pub fn assert_no_secret(output: &str) {
    for s in SECRETS {
        assert!(!output.contains(s), "a report leaked {s:?}:\n{output}");
    }
}

#[test]
fn finds_every_planted_credential_once_and_nothing_else() {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    let mut found: Vec<(String, u64)> = finding_keys(&report)
        .into_iter()
        .map(|(p, l, _)| (p, l))
        .collect();
    found.sort();
    let expected: Vec<(String, u64)> = PLANTED.iter().map(|(p, l)| (p.to_string(), *l)).collect();
    assert_eq!(found, expected, "\n{stdout}");
}

#[test]
fn no_report_contains_a_secret() {
    let t = fixture_repo();
    for format in ["text", "json", "sarif"] {
        let (_, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", format]));
        assert_no_secret(&stdout);
        assert_no_secret(&stderr);
    }
}

#[test]
fn show_secrets_puts_the_normalised_secret_in_reports() {
    let t = fixture_repo();
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        "src/Orders.Api/web.config",
        "--format",
        "json",
        "--show-secrets",
    ]));
    assert!(stdout.contains("C4m&Pa55w0rd!"), "{stdout}");
}

#[test]
fn text_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t.keyless().args(["scan", "."]));
    insta::assert_snapshot!(
        "fixture_text",
        format!(
            "exit: {code}\n--- stdout\n{stdout}--- stderr\n{}",
            redact_timing(&stderr)
        )
    );
}

#[test]
fn json_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("fixture_json", stdout);
}

#[test]
fn sarif_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("fixture_sarif", stdout);
}

#[test]
fn reports_are_deterministic_across_runs_and_thread_counts() {
    let t = fixture_repo();
    for format in ["json", "sarif", "text"] {
        let one = run(t
            .keyless()
            .args(["scan", ".", "--format", format, "--threads", "1"]))
        .1;
        let two = run(t
            .keyless()
            .args(["scan", ".", "--format", format, "--threads", "2"]))
        .1;
        let again = run(t
            .keyless()
            .args(["scan", ".", "--format", format, "--threads", "2"]))
        .1;
        assert_eq!(one, two, "{format}: --threads 1 and 2 differ");
        assert_eq!(two, again, "{format}: two runs differ");
    }
}

#[test]
fn utf16_findings_report_offsets_into_the_file_as_stored() {
    let t = fixture_repo();
    let (_, stdout, _) = run(t
        .keyless()
        .args(["scan", "legacy/web.config", "--format", "json"]));
    let report = json(&stdout);
    let f = &report["findings"][0];
    let bytes = std::fs::read(t.path().join("legacy/web.config")).unwrap();
    let start = f["start_offset"].as_u64().unwrap() as usize;
    let end = f["end_offset"].as_u64().unwrap() as usize;
    let units: Vec<u16> = bytes[start..end]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(String::from_utf16(&units).unwrap(), "Ärch1ve!Pa55");
    // Columns count code points of the decoded line.
    let line = "    <add name=\"Legacy\" connectionString=\"Server=tcp:contoso-legacy.database.windows.net;Database=archive;User ID=archiver;Password=";
    assert_eq!(
        f["column"].as_u64().unwrap() as usize,
        line.chars().count() + 1
    );
    assert_eq!(
        f["end_column"].as_u64().unwrap() - f["column"].as_u64().unwrap(),
        "Ärch1ve!Pa55".chars().count() as u64
    );
}

#[test]
fn kubernetes_secret_data_is_decoded_and_reported_at_the_encoded_value() {
    let t = fixture_repo();
    let (_, stdout, _) =
        run(t
            .keyless()
            .args(["scan", "k8s", "--format", "json", "--show-secrets"]));
    let report = json(&stdout);
    let f = &report["findings"][0];
    assert_eq!(f["path"], "k8s/db-secret.yaml");
    assert_eq!(f["line"], 9);
    assert_eq!(f["column"], 16);
    assert_eq!(f["secret"], "Pg$Adm1n-2024!xz");
}

#[test]
fn a_finding_carries_a_one_sentence_replacement_with_the_files_own_names() {
    let t = fixture_repo();
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        "src/Orders.Api/appsettings.json",
        "--format",
        "json",
    ]));
    let report = json(&stdout);
    let sql = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "azure-sql.connection-string-password")
        .expect("the SQL finding");
    let summary = sql["remediation"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("contoso-orders.database.windows.net"),
        "{summary}"
    );
    assert!(
        summary.contains("Active Directory Managed Identity"),
        "{summary}"
    );
    assert!(summary.contains("orders"), "{summary}");
    assert_eq!(sql["remediation"]["kind"], "managed-identity");
}

#[test]
fn compact_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "compact"]));
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), PLANTED.len());
    insta::assert_snapshot!("fixture_compact", stdout);
}

#[test]
fn markdown_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "markdown"]));
    assert_eq!(code, 1);
    assert_eq!(stdout.matches("<details>").count(), PLANTED.len());
    insta::assert_snapshot!("fixture_markdown", stdout);
}

#[test]
fn new_formats_do_not_contain_a_secret() {
    let t = fixture_repo();
    for format in ["compact", "markdown", "html"] {
        let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", format]));
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(!stdout.is_empty(), "{format}");
        assert_no_secret(&stdout);
        assert_no_secret(&stderr);
    }
    // --show-secrets is the one way to see them.
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        "src/Orders.Api/web.config",
        "--format",
        "compact",
        "--show-secrets",
    ]));
    assert!(stdout.contains("C4m&Pa55w0rd!"), "{stdout}");
}
