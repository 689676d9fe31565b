//! The replacement rendered for each finding: the file's own names, the host and language inferred from
//! the project, and the route that applies to the target.

use crate::util::*;

fn remediation_of(t: &TempTree, path: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["scan", path, "--format", "json"];
    args.extend_from_slice(extra);
    let (_, stdout, stderr) = run(t.keyless().args(&args));
    let report = json(&stdout);
    assert!(
        report["findings"][0].is_object(),
        "no finding in {path}: {stderr}"
    );
    report["findings"][0]["remediation"].clone()
}

const AZURE_SQL: &str = "Server=tcp:contoso.database.windows.net,1433;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";

#[test]
fn azure_sql_gets_the_managed_identity_route_with_its_own_names() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("api/Orders.Api.csproj", "<Project/>");
    t.write(
        "api/appsettings.json",
        format!("{{\"ConnectionStrings\": {{\"Db\": \"{AZURE_SQL}\"}}}}\n"),
    );
    let r = remediation_of(&t, ".", &[]);
    assert_eq!(r["kind"], "managed-identity");
    assert_eq!(r["target"], "azure");
    assert_eq!(r["host"], "appservice");
    assert_eq!(r["language"], "dotnet");
    assert_eq!(
        r["replacement"]["after"],
        "Server=tcp:contoso.database.windows.net,1433;Database=orders;Authentication=Active Directory Managed Identity;Encrypt=True;"
    );
    assert!(!r["replacement"]["before"]
        .as_str()
        .unwrap()
        .contains("Vr8#kQ2!mZ7pLx"));
    let steps = r["steps"].as_array().unwrap();
    assert!(steps[0]["commands"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("az webapp identity assign"));
    let all = serde_json::to_string(steps).unwrap();
    assert!(all.contains("FROM EXTERNAL PROVIDER"), "{all}");
    assert!(all.contains("\"shell\":\"sql\""), "{all}");
    assert!(r["sdk"]["code"]
        .as_str()
        .unwrap()
        .contains("contoso.database.windows.net"));
    let notes = r["notes"].to_string();
    assert!(
        notes.contains("subscriptions of the same tenant") && notes.contains("git history"),
        "{notes}"
    );
}

#[test]
fn the_host_follows_the_evidence_and_the_override() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("fn/host.json", "{}");
    t.write(
        "fn/local.settings.json",
        format!("{{\"Values\": {{\"Sql\": \"{AZURE_SQL}\"}}}}\n"),
    );
    t.write(
        "k8s/deploy.yaml",
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n# {AZURE_SQL}\n"),
    );
    t.write(
        ".github/workflows/ci.yml",
        format!("env:\n  SQL: \"{AZURE_SQL}\"\n"),
    );
    t.write("tools/run.sh", format!("export SQL='{AZURE_SQL}'\n"));
    assert_eq!(remediation_of(&t, "fn", &[])["host"], "functions");
    assert_eq!(remediation_of(&t, "k8s", &[])["host"], "aks");
    assert_eq!(remediation_of(&t, ".github", &[])["host"], "github-actions");
    let vm = remediation_of(&t, "tools", &[]);
    assert_eq!(vm["host"], "vm");
    assert!(vm["host_evidence"]
        .as_str()
        .unwrap()
        .contains("Instance Metadata Service"));
    let forced = remediation_of(
        &t,
        "tools",
        &[
            "--host",
            "containerapps",
            "--client-id",
            "11111111-2222-3333-4444-555555555555",
        ],
    );
    assert_eq!(forced["host"], "containerapps");
    assert_eq!(forced["host_evidence"], "--host");
    let all = forced["steps"].to_string();
    assert!(all.contains("--user-assigned"), "{all}");
    assert!(forced["replacement"]["after"]
        .as_str()
        .unwrap()
        .contains("User Id=11111111-2222-3333-4444-555555555555"));
}

#[test]
fn a_local_target_gets_local_advice_and_other_hosts_the_key_vault_route() {
    let t = TempTree::new();
    t.write(
        "local.txt",
        "Server=localhost,1433;Database=dev;User ID=sa;Password=Vr8#kQ2!mZ7pLx;\n",
    );
    t.write(
        "onprem.txt",
        "Server=sql01.corp.example.com;Database=hr;User ID=app;Password=Qq9$wE4!rT6yUi;\n",
    );
    let local = remediation_of(&t, "local.txt", &[]);
    assert_eq!(local["kind"], "local-development");
    assert!(local["summary"].as_str().unwrap().contains("localhost"));
    let other = remediation_of(&t, "onprem.txt", &[]);
    assert_eq!(other["kind"], "key-vault");
    assert!(other["summary"]
        .as_str()
        .unwrap()
        .contains("sql01.corp.example.com is not an Azure endpoint"));
    assert!(other["steps"]
        .to_string()
        .contains("Key Vault Secrets User"));
}

#[test]
fn key_vault_route_names_the_secret_after_the_setting() {
    let t = TempTree::new();
    t.write(
        "app.env",
        "STRIPE_API_KEY=sk_live_f3h1X92QXbtUkO9RlRzlvxQm\n",
    );
    t.write("host.json", "{}");
    let r = remediation_of(&t, ".", &[]);
    assert_eq!(r["kind"], "key-vault");
    assert_eq!(r["host"], "functions");
    let steps = r["steps"].to_string();
    assert!(
        steps.contains("@Microsoft.KeyVault(VaultName=<vault>;SecretName="),
        "{steps}"
    );
}

#[test]
fn explain_prints_a_rules_guide_and_a_findings_steps() {
    let t = TempTree::new();
    let (code, stdout, _) = run(t
        .keyless()
        .args(["explain", "azure-sql.connection-string-password"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("### Steps") && stdout.contains("FROM EXTERNAL PROVIDER"),
        "{stdout}"
    );
    t.write("app.txt", format!("{AZURE_SQL}\n"));
    let (_, report, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    let fp = json(&report)["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, stdout, _) = run(t.keyless().args(["explain", &fp]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("app.txt:1:") && stdout.contains("contoso.database.windows.net"),
        "{stdout}"
    );
    assert!(!stdout.contains("Vr8#kQ2!mZ7pLx"));
    let (code, _, stderr) = run(t.keyless().args(["explain", "no-such.rule"]));
    assert_eq!(code, 2, "{stderr}");
}

/// One fixture per service in `fixtures/remediation/`: the rendered replacement in text, JSON and SARIF is
/// snapshotted, and no template name is left unrendered.
#[test]
fn rendered_remediation_per_service_snapshots() {
    let dir = repo_root().join("fixtures/remediation");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    let leftover = regex::Regex::new(r"\{[a-z_]+\}").unwrap();
    for name in names {
        let t = TempTree::new();
        std::fs::copy(dir.join(&name), t.path().join(&name)).unwrap();
        let (_, text, _) = run(t.keyless().args(["scan", &name]));
        let (_, json_out, _) = run(t.keyless().args(["scan", &name, "--format", "json"]));
        let (_, sarif_out, _) = run(t.keyless().args(["scan", &name, "--format", "sarif"]));
        let report = json(&json_out);
        let remediations: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| &f["remediation"])
            .collect();
        assert!(!remediations.is_empty(), "{name}: no finding");
        let rendered = serde_json::to_string_pretty(&remediations).unwrap();
        assert!(
            !leftover.is_match(&rendered),
            "{name}: unrendered template name in {rendered}"
        );
        let sarif = json(&sarif_out);
        let results: Vec<serde_json::Value> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "ruleId": r["ruleId"],
                    "message": r["message"]["text"],
                    "remediation": r["properties"]["remediation"],
                })
            })
            .collect();
        let snapshot = format!(
            "--- text\n{text}--- json remediation\n{rendered}\n--- sarif results\n{}\n",
            serde_json::to_string_pretty(&results).unwrap()
        );
        insta::assert_snapshot!(format!("remediation_{}", name.replace('.', "_")), snapshot);
    }
}

#[test]
fn a_service_password_in_a_compose_file_without_an_azure_host_is_local_development() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(
        "docker-compose.yml",
        "services:\n  api:\n    environment:\n      REDIS_PASSWORD: Vq8wLzT3rPk2Nd6s\n",
    );
    let r = remediation_of(&t, ".", &[]);
    assert_eq!(r["kind"], "local-development", "{r}");
    assert!(!r["summary"].as_str().unwrap().contains("<cache>"), "{r}");
    // A key of an Azure-only service in a compose file, or a compose file that names an Azure endpoint,
    // keeps the managed-identity advice.
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(
        "docker-compose.yml",
        "services:\n  api:\n    environment:\n      AZURE_OPENAI_ENDPOINT: https://oai-prod.openai.azure.com/\n      AZURE_OPENAI_API_KEY: 5e83afbbf9900a4f6f01b39e4c97f6d9\n",
    );
    assert_eq!(remediation_of(&t, ".", &[])["kind"], "managed-identity");
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(
        "docker-compose.yml",
        "services:\n  api:\n    environment:\n      REDIS_HOST: contoso.redis.cache.windows.net\n      REDIS_PASSWORD: Vq8wLzT3rPk2Nd6s\n",
    );
    assert_eq!(remediation_of(&t, ".", &[])["kind"], "managed-identity");
    // The same setting outside a compose file keeps the managed-identity advice.
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write("app.env", "REDIS_PASSWORD=Vq8wLzT3rPk2Nd6s\n");
    assert_eq!(remediation_of(&t, ".", &[])["kind"], "managed-identity");
}

/// A Bicep parameter's type and a Terraform variable's `default` keyword are not the setting's name: the
/// parameter or variable is (and the Key Vault secret is named after it).
#[test]
fn infrastructure_defaults_are_named_by_their_parameter() {
    let t = TempTree::new();
    t.write(
        "main.bicep",
        "@secure()\nparam adminPassword string = 'Xk9#mP2$vL8qTr0ub'\n",
    );
    t.write(
        "variables.tf",
        "variable \"admin_password\" {\n  type      = string\n  default   = \"Hq7wP2vNx9KmR4tZ\"\n  sensitive = true\n}\n",
    );
    let (_, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    let report = json(&stdout);
    let settings: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{stderr}"))
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["captures"]["setting"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        settings,
        [
            ("main.bicep".to_string(), "adminPassword".to_string()),
            ("variables.tf".to_string(), "admin_password".to_string()),
        ],
        "{stdout}"
    );
    let summary = report["findings"][0]["remediation"]["summary"]
        .as_str()
        .unwrap();
    assert!(!summary.contains("SecretName=string"), "{summary}");
}

/// Infrastructure code gets infrastructure answers, named from the file: the argument or property that
/// takes the value (never a type keyword such as Bicep's `string`), followed through variables and
/// parameters to the resource that uses them, across the files of a module.
#[test]
fn secrets_in_infrastructure_code_are_named_and_answered_from_their_resource() {
    let t = TempTree::new();
    t.git(&["init", "-q", "-b", "main"]);
    t.write(
        "bicep/main.bicep",
        "@secure()\nparam adminPassword string = 'Xk9#mQ2$vL7pR4wZ'\n\nresource sql 'Microsoft.Sql/servers@2023-08-01-preview' = {\n  name: 'contoso-sql'\n  properties: {\n    administratorLogin: 'sqladmin'\n    administratorLoginPassword: adminPassword\n  }\n}\n",
    );
    let r = remediation_of(&t, "bicep", &[]);
    assert_eq!(r["kind"], "infrastructure", "{r}");
    assert_eq!(r["infrastructure"]["variable"], "adminPassword", "{r}");
    assert_eq!(r["infrastructure"]["setting"], "administratorLoginPassword");
    assert_eq!(
        r["infrastructure"]["resource_type"],
        "Microsoft.Sql/servers"
    );
    let all = r.to_string();
    assert!(!all.contains("SecretName=string"), "{all}");
    assert!(all.contains("azureADOnlyAuthentication: true"), "{all}");
    assert!(all.contains("\"shell\":\"bicep\""), "{all}");

    // A Terraform variable's default, used by a resource in another file of the module.
    t.write(
        "tf/variables.tf",
        "variable \"vm_password\" {\n  type    = string\n  default = \"P4ss#w0rd!Kz81qWm\"\n}\n",
    );
    t.write(
        "tf/main.tf",
        "resource \"azurerm_linux_virtual_machine\" \"web\" {\n  name           = \"web\"\n  admin_password = var.vm_password\n}\n",
    );
    let r = remediation_of(&t, "tf", &[]);
    assert_eq!(r["kind"], "infrastructure", "{r}");
    assert_eq!(
        r["infrastructure"]["resource"],
        "azurerm_linux_virtual_machine.web"
    );
    assert_eq!(r["infrastructure"]["setting"], "admin_password");
    assert_eq!(r["infrastructure"]["defined_in"], "main.tf");
    let all = r.to_string();
    assert!(
        all.contains("disable_password_authentication = true"),
        "{all}"
    );
    assert!(all.contains("ARM_USE_OIDC=true"), "{all}");
    assert!(!all.contains("az vm identity assign"), "{all}");

    // An unused variable still gets the infrastructure form of keeping a secret: no literal.
    t.write(
        "tf2/variables.tf",
        "variable \"db_password\" {\n  type    = string\n  default = \"Tq8#wLz2!pVm5Rx9\"\n}\n",
    );
    let r = remediation_of(&t, "tf2", &[]);
    assert_eq!(r["kind"], "infrastructure", "{r}");
    let all = r.to_string();
    assert!(all.contains("sensitive = true"), "{all}");
    assert!(!all.contains("@Microsoft.KeyVault"), "{all}");
}

/// A password in Helm values or a Kustomize secretGenerator is read by a pod: the Key Vault route says how
/// a pod reads it (the Secrets Store CSI driver with workload identity, the chart's existingSecret), not
/// an App Service setting; a plain script on a VM is told SecretClient.
#[test]
fn key_vault_summaries_name_the_way_the_host_reads_the_secret() {
    let t = TempTree::new();
    t.write(
        "chart/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    t.write(
        "chart/values.yaml",
        "postgresql:\n  auth:\n    password: \"Vq8wLzT3rPk2Nd6s\"\n",
    );
    t.write(
        "deploy/kustomization.yaml",
        "secretGenerator:\n  - name: db\n    literals:\n      - DB_PASSWORD=Zr7kQ2mZ7pLxWq9e\n",
    );
    t.write("tools/run.env", "DB_PASSWORD=Xk9pq7Lm2vB8zTq1\n");
    for dir in ["chart", "deploy"] {
        let r = remediation_of(&t, dir, &[]);
        assert_eq!(r["host"], "aks", "{dir}: {r}");
        let summary = r["summary"].as_str().unwrap();
        assert!(
            summary.contains("Secrets Store CSI driver"),
            "{dir}: {summary}"
        );
        assert!(!summary.contains("App Service"), "{dir}: {summary}");
    }
    let vm = remediation_of(&t, "tools", &[]);
    assert_eq!(vm["host"], "vm");
    let summary = vm["summary"].as_str().unwrap();
    assert!(summary.contains("SecretClient"), "{summary}");
    assert!(!summary.contains("App Service"), "{summary}");
}
