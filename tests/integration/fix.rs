//! `keyless fix`: each case in `fixtures/fix/` has a `before/` tree, the exact bytes expected `after/`
//! (only the files that change), or an `expected-reason.txt` when nothing may change.

use crate::util::*;
use std::path::Path;

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

fn check_case(name: &str, extra: &[&str]) -> (TempTree, String) {
    let case = repo_root().join("fixtures/fix").join(name);
    let t = TempTree::new();
    copy_dir(&case.join("before"), t.path());
    let mut args = vec!["fix", "."];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(t.keyless().args(&args));
    assert_ne!(code, 2, "{name}: {stderr}");
    let after = case.join("after");
    for f in files(&case.join("before")) {
        let got = std::fs::read(t.path().join(&f)).unwrap();
        let want = if after.join(&f).exists() {
            std::fs::read(after.join(&f)).unwrap()
        } else {
            std::fs::read(case.join("before").join(&f)).unwrap()
        };
        assert!(
            got == want,
            "{name}: {f} differs from the expected bytes\n{}",
            String::from_utf8_lossy(&got)
        );
    }
    if let Ok(reason) = std::fs::read_to_string(case.join("expected-reason.txt")) {
        assert!(
            stderr.contains(reason.trim()),
            "{name}: reason missing: {stderr}"
        );
    }
    (t, format!("{stdout}{stderr}"))
}

fn assert_parses(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let text = match keyless::source::decode(&bytes) {
        keyless::source::Decoded::Text(t) => t.text.into_owned(),
        keyless::source::Decoded::Binary => panic!("binary"),
    };
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    } else {
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn rescan_is_clean(t: &TempTree, rel: &str) {
    let (code, stdout, _) = run(t.keyless().args(["scan", rel, "--format", "json"]));
    assert_eq!(code, 0, "the fixed finding is still reported: {stdout}");
}

#[test]
fn sql_in_appsettings_with_microsoft_data_sqlclient() {
    let (t, out) = check_case("sql-appsettings", &[]);
    assert!(
        out.contains("fixed Orders.Api/appsettings.json: 1 finding"),
        "{out}"
    );
    assert!(
        out.contains("before deploying:") && out.contains("Rotate"),
        "{out}"
    );
    assert_parses(&t.path().join("Orders.Api/appsettings.json"));
    rescan_is_clean(&t, "Orders.Api/appsettings.json");
}

#[test]
fn utf16_web_config_stays_utf16_with_crlf() {
    let (t, _) = check_case("sql-web-config-utf16", &[]);
    assert_parses(&t.path().join("Crm.Web/web.config"));
    rescan_is_clean(&t, "Crm.Web/web.config");
}

#[test]
fn functions_storage_becomes_account_name() {
    let (t, _) = check_case("functions-storage", &[]);
    assert_parses(&t.path().join("local.settings.json"));
    rescan_is_clean(&t, "local.settings.json");
}

#[test]
fn functions_service_bus_event_hubs_and_cosmos_take_identity_connections() {
    // Node app on extension bundle 4: all three rewrites hold, and the prefix keeps the binding's name.
    let (t, out) = check_case("functions-messaging", &[]);
    assert!(
        out.contains("fixed local.settings.json: 3 findings"),
        "{out}"
    );
    assert!(
        out.contains("OrdersBus shared access key → OrdersBus__fullyQualifiedNamespace"),
        "{out}"
    );
    assert_parses(&t.path().join("local.settings.json"));
    rescan_is_clean(&t, "local.settings.json");
    // An isolated-worker project reads the Service Bus extension's version from its project file; the
    // file's CRLF line endings stay.
    let (t, out) = check_case("functions-service-bus-isolated", &[]);
    assert!(
        out.contains("fixed local.settings.json: 1 finding"),
        "{out}"
    );
    assert_parses(&t.path().join("local.settings.json"));
    rescan_is_clean(&t, "local.settings.json");
}

#[test]
fn an_old_functions_extension_blocks_the_rewrite_even_with_force() {
    check_case("functions-cosmos-old-extension", &[]);
    check_case("functions-cosmos-old-extension", &["--force"]);
}

#[test]
fn key_vault_references_replace_third_party_secrets_in_app_settings_only_with_key_vault() {
    // Without --key-vault nothing is written: the vault is the user's choice.
    let case = repo_root().join("fixtures/fix/key-vault-terraform");
    let t = TempTree::new();
    copy_dir(&case.join("before"), t.path());
    let (code, _, _) = run(t.keyless().args(["fix", "."]));
    assert_eq!(code, 1, "the findings remain");
    assert_eq!(
        std::fs::read(t.path().join("main.tf")).unwrap(),
        std::fs::read(case.join("before/main.tf")).unwrap()
    );
    let (t, out) = check_case("key-vault-terraform", &["--key-vault", "kv-orders"]);
    assert!(
        out.contains("az keyvault secret set --vault-name kv-orders -n STRIPE-API-KEY"),
        "{out}"
    );
    rescan_is_clean(&t, "main.tf");
    let (t, _) = check_case("key-vault-bicep", &["--key-vault", "kv-orders"]);
    rescan_is_clean(&t, "main.bicep");
    // Only a user-assigned identity and no keyVaultReferenceIdentity: the reference could not resolve.
    check_case(
        "key-vault-user-assigned",
        &["--key-vault", "kv-orders", "--force"],
    );
    // appsettings.json is read by the application, which would see the reference text: left alone.
    let (_, out) = check_case("key-vault-app-config", &["--key-vault", "kv-orders"]);
    assert!(out.contains("0 findings fixed; 1 remains"), "{out}");
}

#[test]
fn an_invalid_key_vault_name_is_a_usage_error() {
    let t = TempTree::new();
    let (code, _, stderr) = run(t.keyless().args(["fix", ".", "--key-vault", "kv--x"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("a Key Vault name has 3 to 24"), "{stderr}");
}

#[test]
fn failed_preconditions_leave_files_untouched() {
    check_case("sql-system-data", &[]);
    check_case("sql-localhost", &[]);
    // --force never applies a rewrite whose precondition failed.
    check_case("sql-system-data", &["--force"]);
}

#[test]
fn unchecked_preconditions_need_force() {
    let case = repo_root().join("fixtures/fix/sql-no-project");
    let t = TempTree::new();
    copy_dir(&case.join("before"), t.path());
    let (code, _, stderr) = run(t.keyless().args(["fix", "."]));
    assert_eq!(code, 1, "the finding remains");
    assert!(
        stderr.contains("no project file says which SQL client library"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(t.path().join("settings.json")).unwrap(),
        std::fs::read(case.join("before/settings.json")).unwrap()
    );
    let (code, _, stderr) = run(t.keyless().args(["fix", ".", "--force"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read(t.path().join("settings.json")).unwrap(),
        std::fs::read(case.join("after/settings.json")).unwrap()
    );
}

#[test]
fn dry_run_prints_a_diff_and_changes_nothing() {
    let case = repo_root().join("fixtures/fix/sql-appsettings");
    let t = TempTree::new();
    copy_dir(&case.join("before"), t.path());
    let (code, stdout, stderr) = run(t.keyless().args(["fix", ".", "--dry-run"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("--- a/Orders.Api/appsettings.json")
            && stdout.contains("+    \"OrdersDb\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("-    \"OrdersDb\""),
        "the diff shows the old line: {stdout}"
    );
    assert!(
        !stdout.contains("Vr8#kQ2!mZ7pLx") && stdout.contains("Vr8…(14)"),
        "masked: {stdout}"
    );
    assert_eq!(
        std::fs::read(t.path().join("Orders.Api/appsettings.json")).unwrap(),
        std::fs::read(case.join("before/Orders.Api/appsettings.json")).unwrap()
    );
}

#[test]
fn sarif_carries_the_rewrites_whose_preconditions_hold_and_validates() {
    let t = TempTree::new();
    copy_dir(
        &repo_root().join("fixtures/fix/sql-appsettings/before"),
        t.path(),
    );
    copy_dir(
        &repo_root().join("fixtures/fix/sql-system-data/before"),
        &t.path().join("legacy"),
    );
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    let sarif = json(&stdout);
    crate::sarif_schema::assert_valid(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let with_fix: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    assert_eq!(
        with_fix.len(),
        1,
        "only the rewrite whose preconditions hold"
    );
    let fix = &with_fix[0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        fix["artifactLocation"]["uri"],
        "Orders.Api/appsettings.json"
    );
    let inserted = fix["replacements"][0]["insertedContent"]["text"]
        .as_str()
        .unwrap();
    assert!(
        inserted.contains("Authentication=Active Directory Managed Identity")
            && !inserted.contains("Password")
    );
    let (_, stdout, _) = run(t.keyless().args(["scan", "legacy", "--format", "json"]));
    let checks = json(&stdout)["findings"][0]["remediation"]["fix"]["checks"].to_string();
    assert!(checks.contains("failed: providerName"), "{checks}");
}

#[test]
fn several_roots_outside_git_are_each_fixed_in_place() {
    let t = TempTree::new();
    let case = |name: &str| repo_root().join("fixtures/fix").join(name);
    copy_dir(
        &case("functions-messaging").join("before"),
        &t.path().join("a"),
    );
    copy_dir(
        &case("functions-service-bus-isolated").join("before"),
        &t.path().join("b"),
    );
    let (code, stdout, stderr) = run(t.keyless().args(["fix", "a", "b"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    for (dir, name) in [
        ("a", "functions-messaging"),
        ("b", "functions-service-bus-isolated"),
    ] {
        assert_eq!(
            std::fs::read(t.path().join(dir).join("local.settings.json")).unwrap(),
            std::fs::read(case(name).join("after/local.settings.json")).unwrap(),
            "{dir}"
        );
    }
}

/// A throw-away random body in the shape of an OpenSSH private key (not a key).
const PEM_BODY: &[&str] = &[
    "6pyCL10KmG9VT7G5OQGXhiPWT2M8CyYx/s7Rxpd1YklRs4XmWL1sQ6lwGS2M9Du7",
    "noUv3sEC9NON3ji1ydB/mutSGrqQ6yW98U6NC/wpExZif/rN6XN4+g6zQq2GzOKl",
    "4CoLFFKRLTelIqahg2S2TTPqK94PaFnx1mH3k6FLmmGklZwVB9jpa1/jGL/f5kGI",
    "aeQwh+sleYqvjMgrtU0jKCLOH1akr+peyK8PH728Nh8DlyVEGmUe0f3TOFxbYh37",
    "/anuuwEze4kCQSJWOpZwAGmh721RV6LhmY4QfygQ+/ZBG6VZjyRUI7XsM5wZYw0f",
    "SPxJ8UNWL2yr3Zoo2L/nYNCZ2eaBUDQDpEJYS5CvJQpoTIIN9DbsXwdSuakOyxVp",
    "jXtPAXtXNnyr/WEs",
];

#[test]
fn a_dry_run_masks_every_line_of_a_multi_line_secret() {
    let case = repo_root().join("fixtures/fix/key-vault-terraform");
    let t = TempTree::new();
    copy_dir(&case.join("before"), t.path());
    let pem = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----",
        PEM_BODY.join("\n")
    );
    // The key sits between two rewritten settings, so the diff shows its lines as context.
    let tf = std::fs::read_to_string(t.path().join("main.tf")).unwrap();
    let at = tf.find("    \"SENDGRID_API_KEY\"").unwrap();
    let tf = format!(
        "{}    \"SSH_KEY\" = <<EOT\n{pem}\nEOT\n{}",
        &tf[..at],
        &tf[at..]
    );
    t.write("main.tf", &tf);
    let (_, stdout, stderr) =
        run(t
            .keyless()
            .args(["fix", ".", "--dry-run", "--key-vault", "kv-orders"]));
    assert!(stdout.contains("@Microsoft.KeyVault("), "{stdout}{stderr}");
    assert!(
        stdout.contains(" …\n"),
        "the key's lines are in the diff, masked: {stdout}"
    );
    for line in PEM_BODY {
        assert!(!stdout.contains(line), "a key line is shown: {stdout}");
    }
}

#[test]
fn key_vault_references_go_only_into_app_settings_blocks() {
    let t = TempTree::new();
    let tf = r#"resource "azurerm_linux_web_app" "web" {
  name = "app-web"
  identity {
    type = "SystemAssigned"
  }
  app_settings = {
    "STRIPE_API_KEY" = "sk_live_5Q5z9sNAdNIRNs8IuwDp7gs8"
  }
  auth_settings {
    enabled = true
    github {
      client_id     = "Iv1.8a61f9b3a7aba766"
      client_secret = "774f843ce3fb68f2756f0e7618e49156a1b0f799"
    }
  }
}
"#;
    t.write("main.tf", tf);
    // Easy Auth's client_secret sits after the app settings but not in them: never a Key Vault reference.
    let bicep = r#"resource auth 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: web
  name: 'authsettings'
  properties: {
    clientSecret: '774f843ce3fb68f2756f0e7618e49156a1b0f799'
  }
}
"#;
    t.write("auth.bicep", bicep);
    let (_, stdout, stderr) =
        run(t
            .keyless()
            .args(["fix", ".", "--key-vault", "kv-web", "--force"]));
    let after = std::fs::read_to_string(t.path().join("main.tf")).unwrap();
    assert!(
        after.contains("\"STRIPE_API_KEY\" = \"@Microsoft.KeyVault(VaultName=kv-web;SecretName=STRIPE-API-KEY)\""),
        "{after}{stdout}{stderr}"
    );
    assert!(
        after.contains("client_secret = \"774f843ce3fb68f2756f0e7618e49156a1b0f799\""),
        "{after}"
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join("auth.bicep")).unwrap(),
        bicep
    );
}

#[test]
fn local_settings_connection_strings_and_project_files_above_the_root_are_left_alone() {
    // local.settings.json's ConnectionStrings section is read by code, not by bindings.
    let t = TempTree::new();
    t.write(
        "host.json",
        r#"{"version": "2.0", "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}}"#,
    );
    let settings = r#"{
  "IsEncrypted": false,
  "Values": { "FUNCTIONS_WORKER_RUNTIME": "node" },
  "ConnectionStrings": {
    "OrdersDb": "AccountEndpoint=https://contoso-orders.documents.azure.com:443/;AccountKey=YhMRcfGDJhE7O2vBchGTusnNgt1ay2J8PxDImHFRKNfDgo/Sg/YBMc03F88U+Cw7UMOJrm8IPhRRwTV6WxENdw==;"
  }
}
"#;
    t.write("local.settings.json", settings);
    let (code, _, _) = run(t.keyless().args(["fix", "."]));
    assert_eq!(code, 1);
    assert_eq!(
        std::fs::read_to_string(t.path().join("local.settings.json")).unwrap(),
        settings
    );
    // Outside git, a host.json above the folder being fixed belongs to something else.
    let t = TempTree::new();
    t.write(
        "host.json",
        r#"{"version": "2.0", "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}}"#,
    );
    let inner = r#"{
  "IsEncrypted": false,
  "Values": {
    "OrdersBus": "Endpoint=sb://contoso-orders.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=AltKdTMqoMmbj8uTMOp6vFxMf/VrYEIiCPwKXj9EBcI="
  }
}
"#;
    t.write("proj/local.settings.json", inner);
    let (code, _, stderr) = run(t.keyless().args(["fix", "proj"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no project file or host.json"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(t.path().join("proj/local.settings.json")).unwrap(),
        inner
    );
}

#[test]
fn sarif_carries_key_vault_and_functions_rewrites_and_validates() {
    let t = TempTree::new();
    copy_dir(
        &repo_root().join("fixtures/fix/key-vault-terraform/before"),
        &t.path().join("infra"),
    );
    copy_dir(
        &repo_root().join("fixtures/fix/functions-messaging/before"),
        &t.path().join("func"),
    );
    let (_, stdout, _) =
        run(t
            .keyless()
            .args(["scan", ".", "--format", "sarif", "--key-vault", "kv-orders"]));
    let sarif = json(&stdout);
    crate::sarif_schema::assert_valid(&sarif);
    let inserted: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert!(
        inserted
            .iter()
            .any(|t| t == "@Microsoft.KeyVault(VaultName=kv-orders;SecretName=STRIPE-API-KEY)"),
        "{inserted:?}"
    );
    assert!(
        inserted
            .iter()
            .any(|t| t.contains("\"OrdersBus__fullyQualifiedNamespace\"")),
        "{inserted:?}"
    );
    // Without --key-vault, no Key Vault rewrite is offered.
    let (_, stdout, _) = run(t.keyless().args(["scan", "infra", "--format", "sarif"]));
    assert!(
        !stdout.contains("@Microsoft.KeyVault(VaultName=kv-orders"),
        "{stdout}"
    );
}

#[test]
fn a_bicep_appsettings_config_resource_takes_its_parent_sites_identity() {
    let t = TempTree::new();
    let bicep = "resource app 'Microsoft.Web/sites@2023-12-01' = {\n  name: 'app-chat'\n  identity: {\n    type: 'SystemAssigned'\n  }\n  // the app's settings live in the config resource below\n  properties: {}\n}\n\nresource cfg 'Microsoft.Web/sites/config@2023-12-01' = {\n  parent: app\n  name: 'appsettings'\n  properties: {\n    SLACK_BOT_TOKEN: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'\n  }\n}\n";
    t.write("main.bicep", bicep);
    let (code, _, stderr) = run(t.keyless().args(["fix", ".", "--key-vault", "kv-chat"]));
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(t.path().join("main.bicep")).unwrap();
    assert_eq!(
        after,
        bicep.replace(
            "'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'",
            "'@Microsoft.KeyVault(VaultName=kv-chat;SecretName=SLACK-BOT-TOKEN)'"
        )
    );
}

#[test]
fn a_file_named_from_elsewhere_finds_its_own_project_files() {
    let t = TempTree::new();
    let elsewhere = TempTree::new();
    copy_dir(
        &repo_root().join("fixtures/fix/functions-messaging/before"),
        &elsewhere.path().join("fa"),
    );
    let file = elsewhere.path().join("fa/local.settings.json");
    let (code, _, stderr) = run(t.keyless().args(["fix", file.to_str().unwrap()]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(
            repo_root().join("fixtures/fix/functions-messaging/after/local.settings.json")
        )
        .unwrap()
    );
}

#[test]
fn a_dry_run_over_two_repositories_masks_each_file_with_its_own_findings() {
    // Both repositories report `local.settings.json`; the keys stand at different columns.
    let t = TempTree::new();
    let k1 =
        "hJcqyrnweKoDUty1iVlX6joJrCxAWGvtXBieY3vAb4Ib1kd0hzlSd3t6WlId/MbglEMaKa4+uzEpJt6vLTQtSQ==";
    let k2 =
        "jbY5og0hLLfHBjQ9HlTTxv7ITWq4AFlKj4AwPJekQcBdEpjPHS5O+yb/G8pcdO47cGTk59PeFBpk9DubiTChuQ==";
    for (dir, account, key) in [("g1", "st1", k1), ("g2", "contosofunctionsstore", k2)] {
        t.write(
            &format!("{dir}/local.settings.json"),
            format!(
                "{{\n  \"IsEncrypted\": false,\n  \"Values\": {{\n    \"AzureWebJobsStorage\": \"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net\"\n  }}\n}}\n"
            ),
        );
        let status = std::process::Command::new("git")
            .current_dir(t.path().join(dir))
            .args(["init", "-q"])
            .status()
            .expect("git runs");
        assert!(status.success());
    }
    let (_, stdout, stderr) = run(t
        .keyless()
        .args(["fix", "--dry-run", "--force", "g1", "g2"]));
    assert!(stdout.contains("__accountName"), "{stdout}{stderr}");
    for key in [k1, k2] {
        for part in [&key[4..20], &key[36..52], &key[70..86]] {
            assert!(!stdout.contains(part), "{part} shown: {stdout}");
        }
    }
}

/// A password literal of a Terraform resource becomes a `random_password` added above the resource; a
/// variable's default (which cannot reference a resource) and an app setting (another service's
/// password) stay. Only with `--force`, because the deployed resource changes password.
#[test]
fn terraform_resource_password_becomes_a_random_password_with_force() {
    let (t, out) = check_case("iac-terraform", &["--force"]);
    assert!(
        out.contains("admin_password of azurerm_linux_virtual_machine.build → random_password.build_admin_password.result"),
        "{out}"
    );
    let (_, stdout, _) = run(t.keyless().args(["scan", "main.tf", "--format", "json"]));
    let report = json(&stdout);
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 21], "{stdout}");
    let (_, out) = check_case("iac-needs-force", &[]);
    assert!(out.contains("0 findings"), "{out}");
}

/// A `@secure()` Bicep parameter loses its default; a parameter that is not `@secure()` keeps it, and
/// the reason says so.
#[test]
fn bicep_secure_parameter_loses_its_default_with_force() {
    let (_, out) = check_case("iac-bicep", &["--force"]);
    assert!(
        out.contains("@secure() param adminPassword: default value removed"),
        "{out}"
    );
    assert!(
        out.contains("dbPassword is not @secure(): add @secure() first"),
        "{out}"
    );
}
