//! Regression tests, each named after what broke (found in review).

use crate::util::*;

const CSPROJ: &str = "<Project><ItemGroup><PackageReference Include=\"Microsoft.Data.SqlClient\" Version=\"5.2.1\" /></ItemGroup></Project>\n";

#[test]
fn fix_leaves_a_latin1_file_untouched() {
    let t = TempTree::new();
    t.write("App.csproj", CSPROJ);
    let body = [
        b"<!-- Caf\xe9 -->\n".as_slice(),
        b"<add name=\"Db\" connectionString=\"Server=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx\" providerName=\"Microsoft.Data.SqlClient\" />\n",
    ]
    .concat();
    t.write("web.config", &body);
    let (_, _, stderr) = run(t.keyless().args(["fix", "."]));
    assert!(stderr.contains("not valid UTF-8 or UTF-16"), "{stderr}");
    assert_eq!(std::fs::read(t.path().join("web.config")).unwrap(), body);
}

#[test]
fn fix_does_not_rewrite_xml_element_text_or_braced_passwords() {
    let t = TempTree::new();
    t.write("App.csproj", CSPROJ);
    let xml = "<setting name=\"Db\" serializeAs=\"String\"><value>Server=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx</value></setting>\n";
    let odbc = "{\"Db\": \"Driver={ODBC Driver 18 for SQL Server};Server=tcp:contoso.database.windows.net;Database=d;UID=u;PWD={Xq7!pL;2#vR9sT4kLm8}\"}\n";
    t.write("app.config", xml);
    t.write("odbc.json", odbc);
    run(t.keyless().args(["fix", ".", "--force"]));
    assert_eq!(
        std::fs::read_to_string(t.path().join("app.config")).unwrap(),
        xml
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join("odbc.json")).unwrap(),
        odbc
    );
}

#[test]
fn a_braced_odbc_password_is_masked_whole() {
    let t = TempTree::new();
    t.write("odbc.txt", "Driver={ODBC Driver 18 for SQL Server};Server=tcp:contoso.database.windows.net;Database=d;UID=u;PWD={Xq7!pL;2#vR9sT4kLm8};Encrypt=yes\n");
    for format in ["text", "json", "sarif"] {
        let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", format]));
        assert!(!stdout.contains("2#vR9sT4kLm8"), "{format}: {stdout}");
    }
}

#[test]
fn fix_ignores_an_account_key_that_is_not_the_azurewebjobsstorage_value() {
    let t = TempTree::new();
    t.write("host.json", "{\"version\": \"2.0\", \"extensionBundle\": {\"id\": \"Microsoft.Azure.Functions.ExtensionBundle\", \"version\": \"[4.*, 5.0.0)\"}}\n");
    let key =
        "243CEKOKIOFJPZ5y9r9It3TL4qu9c5XCL6zLlov5GaHC1MnljeNlHEicAGc3ivviiWDn3zQKNv3uGQeGUYdwHA==";
    let body = format!(
        "{{\"Values\": {{\"AzureWebJobsStorage\": \"UseDevelopmentStorage=true\", \"Other\": \"DefaultEndpointsProtocol=https;AccountName=other;AccountKey={key};EndpointSuffix=core.windows.net\"}}}}\n"
    );
    t.write("local.settings.json", &body);
    run(t.keyless().args(["fix", "."]));
    assert_eq!(
        std::fs::read_to_string(t.path().join("local.settings.json")).unwrap(),
        body
    );
}

#[test]
fn dry_run_masks_suppressed_secrets_in_context_lines() {
    let t = TempTree::new();
    t.write("App.csproj", CSPROJ);
    t.write(
        "appsettings.json",
        "{\n  \"A\": \"Server=tcp:a.database.windows.net;Database=d;User ID=u;Password=Allowed!Pa55w0rd;\", \"note\": \"keyless:allow\",\n  \"B\": \"Server=tcp:b.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx;\"\n}\n",
    );
    let (_, stdout, _) = run(t.keyless().args(["fix", ".", "--dry-run"]));
    assert!(stdout.contains("+++ b/appsettings.json"), "{stdout}");
    assert!(
        !stdout.contains("Allowed!Pa55w0rd") && !stdout.contains("Vr8#kQ2!mZ7pLx"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_root_is_followed() {
    let t = TempTree::new();
    t.write(
        "real/app.txt",
        "Server=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx;\n",
    );
    std::os::unix::fs::symlink(t.path().join("real"), t.path().join("lnk")).unwrap();
    let (code, _, stderr) = run(t.keyless().args(["scan", "lnk"]));
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn line_anchored_rules_match_in_files_with_lone_cr_line_ends() {
    let t = TempTree::new();
    t.write("old-mac.env", "APP=1\rDB_PASSWORD=pG7!xK2q9Lm#Wd\rX=2\r");
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 1);
    assert_eq!(finding_keys(&json(&stdout))[0].1, 2);
}

#[test]
fn staged_scans_do_not_call_baseline_entries_stale() {
    let t = TempTree::new();
    t.write(
        "old.txt",
        "Server=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx;\n",
    );
    run(t
        .keyless()
        .args(["scan", ".", "--write-baseline", "baseline.json"]));
    t.git_commit_all();
    t.write("old.txt", "x=1\nServer=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx;\n");
    t.git(&["add", "old.txt"]);
    let before = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    let (code, _, stderr) = run(t.keyless().args([
        "scan",
        "--staged",
        "--baseline",
        "baseline.json",
        "--update-baseline",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("stale"), "{stderr}");
    assert_eq!(
        before,
        std::fs::read_to_string(t.path().join("baseline.json")).unwrap()
    );
    let (code, _, stderr) =
        run(t
            .keyless()
            .args(["scan", "--staged", "--write-baseline", "x.json"]));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn staged_works_in_a_sha256_repository() {
    let t = TempTree::new();
    let supported = std::process::Command::new("git")
        .args(["init", "-q", "--object-format=sha256", "-b", "main"])
        .current_dir(t.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .is_ok_and(|s| s.success());
    if !supported {
        eprintln!("skipped: this git has no SHA-256 repositories");
        return;
    }
    t.write(
        "a.txt",
        "Server=tcp:contoso.database.windows.net;Database=d;User ID=u;Password=Vr8#kQ2!mZ7pLx;\n",
    );
    t.git(&["add", "a.txt"]);
    let (code, _, stderr) = run(t.keyless().args(["scan", "--staged"]));
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn walk_errors_do_not_carry_absolute_paths() {
    let t = TempTree::new();
    let (_, stdout, _) = run(t
        .keyless()
        .args(["scan", "missing-dir", "--format", "json"]));
    let report = json(&stdout);
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains(&t.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn a_key_in_a_notebook_cell_is_found_at_its_own_line_and_masked() {
    // The endpoint and the key are on different source lines of one cell, and every quote is escaped.
    let t = TempTree::new();
    t.write(
        "explore.ipynb",
        concat!(
            "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"metadata\": {},\n   \"source\": [\n",
            "    \"client = AzureOpenAI(\\n\",\n",
            "    \"    azure_endpoint=\\\"https://oai-lab.openai.azure.com/\\\",\\n\",\n",
            "    \"    api_key=\\\"5e83afbbf9900a4f6f01b39e4c97f6d9\\\",\\n\",\n",
            "    \")\"\n   ]\n  }\n ],\n \"nbformat\": 4\n}\n"
        ),
    );
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    assert_eq!(code, 1, "{stdout}");
    let report = json(&stdout);
    let f = &report["findings"][0];
    assert_eq!(f["rule_id"], "ai-services.openai-key-near-endpoint");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(9), Some(20))
    );
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert!(
        !stdout.contains("5e83afbbf9900a4f6f01b39e4c97f6d9"),
        "{stdout}"
    );
    assert!(f["captures"]["resource"] == "oai-lab", "{f}");
}

#[test]
fn a_secret_used_as_a_key_is_never_reported_as_the_setting() {
    let t = TempTree::new();
    let token = "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";
    t.write(
        "b.json",
        format!("{{\"{token}\": \"sk_live_51HqLk2mQ9xV7pRt4wZs8yBn\"}}\n"),
    );
    t.write(
        "d.yaml",
        format!("env:\n  - name: {token}\n    value: sk_live_51HqLk2mQ9xV7pRt4wZs8yBn\n"),
    );
    for format in ["json", "text", "sarif"] {
        let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", format]));
        assert!(!stdout.contains(&token[4..]), "{format}: {stdout}");
    }
}

/// Reports of `dir` as text, JSON and SARIF, concatenated.
fn all_reports(t: &TempTree, extra: &[&str]) -> String {
    let mut out = String::new();
    for format in ["text", "json", "sarif"] {
        let mut cmd = t.keyless();
        cmd.args(["scan", ".", "--color", "never", "--format", format]);
        cmd.args(extra);
        let (_, stdout, _) = run(&mut cmd);
        out.push_str(&stdout);
    }
    out
}

/// A long line cut 4 KiB before a finding must not start its setting name inside an earlier secret.
#[test]
fn a_cut_line_does_not_name_a_setting_with_part_of_a_secret() {
    let t = TempTree::new();
    let key = "cs637c9hQ9eDk3LmPq8vN2xLm4Hq7wP2Kt5R9zT1uY6aB0cD4eF7gH2iJ5kL8mN1oP3qR6sT9uV2wX5yZ8aB1cD4eF7g==";
    let key = &key[..86];
    let line = format!(
        "DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey={key}==;{}Password=Xk9mP2vL8qZt7\n",
        "Opt=1;".repeat(675)
    );
    t.write("conn.txt", line);
    let reports = all_reports(&t, &[]);
    // No 12 consecutive characters of the key appear anywhere in any report.
    for i in 0..key.len() - 12 {
        assert!(!reports.contains(&key[i..i + 12]), "key leaked at {i}");
    }
    assert!(!reports.contains("Xk9mP2vL8qZt7"));
}

/// A token used as a JSON key far above a finding is not printed as part of the finding's JSON path.
#[test]
fn a_token_used_as_a_distant_json_key_is_not_the_setting() {
    let t = TempTree::new();
    let token = "ghp_Zq8vN2xLm4Hq7wP2Kt5R9zT1uY6aB0cD4eF7";
    t.write(
        "cfg.json",
        format!(
            "{{\"{token}\": {{\"note\": \"{}\", \"password\": \"Xk9mP2vL8qZt7\"}}}}\n",
            "a".repeat(70_000)
        ),
    );
    let reports = all_reports(&t, &[]);
    assert!(!reports.contains(&token[4..]), "token leaked");
}

/// Findings below `--min-confidence` are not reported, but their secrets stay masked in the snippets of
/// the findings that are.
#[test]
fn unreported_low_confidence_secrets_stay_masked() {
    let t = TempTree::new();
    t.write(
        "tests/settings.json",
        "{\"gh\": \"ghp_Zq8vN2xLm4Hq7wP2Kt5R9zT1uY6aB0cD4eF7\", \"jwt_secret\": \"Zq8vN2xLm4Hq7wP2Kt5R9\"}\n",
    );
    let reports = all_reports(&t, &["--min-confidence", "medium"]);
    assert!(reports.contains("ghp_"), "{reports}");
    assert!(!reports.contains("Zq8vN2xLm4Hq7wP2Kt5R9\""), "{reports}");
}

/// A token used as a URL's user name (`https://<token>:x-oauth-basic@github.com`) is never printed as a
/// capture.
#[test]
fn a_token_as_a_url_user_is_not_a_capture() {
    let t = TempTree::new();
    let token = "Zq8vN2xLm4Hq7wP2Kt5R9zT1uY6aB0cD4eF7gH2i";
    t.write(
        "clone.sh",
        format!("git clone https://{token}:x-oauth-basic@github.com/o/r.git\ncurl -u {token}:x https://api.example.net\n"),
    );
    let reports = all_reports(&t, &[]);
    assert!(!reports.contains(token), "{reports}");
}

/// Punctuation around a dictionary word makes a weak password, not a placeholder: only instructions
/// (`!ChangeMe!`) dressed in punctuation are stand-ins.
#[test]
fn weak_passwords_with_punctuation_are_still_found() {
    let t = TempTree::new();
    t.write(
        ".env",
        "SA_PASSWORD=\"Secret#\"\nMYSQL_PASSWORD=Test@\nADMIN_PASSWORD=!Password!\nAPP_PASSWORD=!ChangeMe!\n",
    );
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    let lines: Vec<u64> = finding_keys(&json(&stdout))
        .into_iter()
        .map(|(_, l, _)| l)
        .collect();
    assert_eq!(lines, [1, 2, 3], "{stdout}");
}

/// A file name or a line holding a terminal escape sequence is shown escaped in the text report, so a
/// repository cannot recolour or rewrite the terminal of whoever scans it.
#[test]
fn escape_sequences_in_names_and_lines_do_not_reach_the_terminal() {
    let t = TempTree::new();
    t.write(
        "evil\u{1b}[31mname.env",
        "DB_PASSWORD=Vq8wLzT3rPk2Nd6s\u{1b}]0;pwned\u{7}\n",
    );
    let (_, stdout, stderr) = run(t.keyless().args(["scan", "."]));
    assert!(stdout.contains("evil\\u{1b}[31mname.env"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(!stdout.contains('\u{7}'), "{stdout:?}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}
