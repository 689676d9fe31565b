//! Where the code that uses a secret runs, inferred from the file and its neighbours, and how to give that
//! compute a managed identity.
//!
//! Evidence, strongest first: `--host`; the file itself (an Azure Functions settings file, a GitHub Actions
//! workflow, a Kubernetes or Container Apps manifest); a neighbour in the same folder or above it up to the
//! repository's top (`host.json` for Functions, `Chart.yaml` for a Helm chart on AKS); an App Service
//! configuration file (`web.config`, `appsettings*.json`); and otherwise a virtual machine, where the
//! Instance Metadata Service serves tokens to any code.

use super::Placeholders;
use crate::host::Host;
use crate::rules::{Command, Shell};
use std::path::Path;

impl Host {
    /// How a step's title names the host (the remediation's wording, not the `--host` value).
    fn describe(self) -> &'static str {
        match self {
            Host::Vm => "the virtual machine",
            Host::Vmss => "the scale set",
            Host::Appservice => "the App Service app",
            Host::Functions => "the function app",
            Host::Containerapps => "the container app",
            Host::Aks => "the AKS workload (Microsoft Entra Workload ID)",
            Host::GithubActions => "the GitHub Actions workflow (OpenID Connect)",
        }
    }
}

/// Reads what inference needs from the file system, with a cache of folder listings.
#[derive(Default)]
pub struct Neighbours {
    listings: std::collections::HashMap<std::path::PathBuf, Vec<String>>,
    heads: std::collections::HashMap<std::path::PathBuf, String>,
}

impl Neighbours {
    /// The first 4 KiB of a file (empty if it cannot be read), cached.
    pub fn head(&mut self, path: &Path) -> &str {
        self.heads
            .entry(path.to_path_buf())
            .or_insert_with(|| read_head(path).unwrap_or_default())
    }

    /// File names in `dir` (empty if it cannot be read).
    pub fn list(&mut self, dir: &Path) -> &[String] {
        self.listings.entry(dir.to_path_buf()).or_insert_with(|| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names
        })
    }

    /// The folders from the file's own up to `top`, nearest first.
    pub fn folders(path: &str, top: Option<&Path>) -> Vec<std::path::PathBuf> {
        let Some(top) = top else { return Vec::new() };
        let mut out = Vec::new();
        let mut rel = Path::new(path).parent();
        while let Some(r) = rel {
            out.push(top.join(r));
            if r.as_os_str().is_empty() {
                break;
            }
            rel = r.parent();
        }
        out
    }
}

/// The host for a finding in `path` (repository-relative), with the evidence that decided it.
pub fn infer(path: &str, top: Option<&Path>, neighbours: &mut Neighbours) -> (Host, String) {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "local.settings.json" | "host.json" | "function.json"
    ) {
        return (
            Host::Functions,
            format!("{name} is an Azure Functions file"),
        );
    }
    if path.starts_with(".github/workflows/") || path.contains("/.github/workflows/") {
        return (
            Host::GithubActions,
            format!("{path} is a GitHub Actions workflow"),
        );
    }
    let head = match top {
        Some(t) => neighbours.head(&t.join(path)).to_string(),
        None => String::new(),
    };
    if head.contains("Microsoft.App/containerApps")
        || head.contains("containerapp") && lower.ends_with(".yaml")
    {
        return (
            Host::Containerapps,
            format!("{path} defines a container app"),
        );
    }
    // Infrastructure code that declares a web or function app: its settings are that app's.
    let head_lower = head.to_ascii_lowercase();
    if head_lower.contains("function_app\"")
        || (head_lower.contains("microsoft.web/sites") && head_lower.contains("functionapp"))
    {
        return (Host::Functions, format!("{path} declares a function app"));
    }
    if head_lower.contains("_web_app\"")
        || head_lower.contains("\"azurerm_app_service\"")
        || head_lower.contains("'microsoft.web/sites@")
        || head_lower.contains("\"microsoft.web/sites\"")
    {
        return (
            Host::Appservice,
            format!("{path} declares an App Service app"),
        );
    }
    if (lower.ends_with(".yaml") || lower.ends_with(".yml"))
        && head.lines().any(|l| l.starts_with("apiVersion:"))
        && head.lines().any(|l| l.starts_with("kind:"))
    {
        return (Host::Aks, format!("{path} is a Kubernetes manifest"));
    }
    if matches!(
        lower.as_str(),
        "kustomization.yaml" | "kustomization.yml" | "kustomization"
    ) {
        return (Host::Aks, format!("{name} is a Kustomize file"));
    }
    for dir in Neighbours::folders(path, top) {
        let names = neighbours.list(&dir);
        if names.iter().any(|n| {
            matches!(
                n.as_str(),
                "kustomization.yaml" | "kustomization.yml" | "Kustomization"
            )
        }) {
            return (
                Host::Aks,
                format!("{} is a Kustomize folder", display_dir(&dir, top)),
            );
        }
        if names.iter().any(|n| n == "host.json") {
            return (
                Host::Functions,
                format!("{} has a host.json", display_dir(&dir, top)),
            );
        }
        if names.iter().any(|n| n == "Chart.yaml") {
            return (
                Host::Aks,
                format!("{} is a Helm chart", display_dir(&dir, top)),
            );
        }
    }
    if lower == "web.config" || (lower.starts_with("appsettings") && lower.ends_with(".json")) {
        return (
            Host::Appservice,
            format!("{name} is an ASP.NET configuration file"),
        );
    }
    (
        Host::Vm,
        "no hosting evidence: the default is a VM, whose Instance Metadata Service serves tokens to any code"
            .to_string(),
    )
}

fn display_dir(dir: &Path, top: Option<&Path>) -> String {
    let rel = top.and_then(|t| dir.strip_prefix(t).ok()).unwrap_or(dir);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        "the repository's top folder".to_string()
    } else {
        format!("{s}/")
    }
}

fn read_head(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 4096];
    let n = std::fs::File::open(path).ok()?.read(&mut buf).ok()?;
    buf.truncate(n);
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn bash(text: impl Into<std::sync::Arc<str>>) -> Command {
    Command {
        shell: Shell::Bash,
        text: text.into(),
    }
}

fn text(t: impl Into<std::sync::Arc<str>>) -> Command {
    Command {
        shell: Shell::Text,
        text: t.into(),
    }
}

/// The step that gives `host` an identity (and says how to read its principal id), system-assigned
/// unless a user-assigned identity's client id was given.
pub fn enable(host: Host, p: &Placeholders) -> super::Step {
    let user = p.client_id.is_some();
    let uami = "<identity-resource-id>";
    let mut commands = Vec::new();
    if user {
        commands.push(bash(
            "az identity create -g <resource-group> -n <identity-name>   # if it does not exist yet",
        ));
    }
    match host {
        Host::Vm => commands.push(bash(if user {
            format!("az vm identity assign -g <resource-group> -n <vm> --identities {uami}")
        } else {
            "az vm identity assign -g <resource-group> -n <vm>".to_string()
        })),
        Host::Vmss => commands.push(bash(if user {
            format!("az vmss identity assign -g <resource-group> -n <vmss> --identities {uami}")
        } else {
            "az vmss identity assign -g <resource-group> -n <vmss>".to_string()
        })),
        Host::Appservice => commands.push(bash(if user {
            format!("az webapp identity assign -g <resource-group> -n <app> --identities {uami}")
        } else {
            "az webapp identity assign -g <resource-group> -n <app>".to_string()
        })),
        Host::Functions => commands.push(bash(if user {
            format!("az functionapp identity assign -g <resource-group> -n <function-app> --identities {uami}")
        } else {
            "az functionapp identity assign -g <resource-group> -n <function-app>".to_string()
        })),
        Host::Containerapps => commands.push(bash(if user {
            format!("az containerapp identity assign -g <resource-group> -n <app> --user-assigned {uami}")
        } else {
            "az containerapp identity assign -g <resource-group> -n <app> --system-assigned".to_string()
        })),
        Host::Aks => {
            if !user {
                commands.push(bash("az identity create -g <resource-group> -n <identity-name>"));
            }
            commands.push(bash(
                "az aks update -g <resource-group> -n <cluster> --enable-oidc-issuer --enable-workload-identity",
            ));
            commands.push(bash(
                "az identity federated-credential create --name <credential-name> --identity-name <identity-name> -g <resource-group> \\\n  --issuer \"$(az aks show -g <resource-group> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv)\" \\\n  --subject system:serviceaccount:<namespace>:<service-account> --audiences api://AzureADTokenExchange",
            ));
            commands.push(text(format!(
                "# ServiceAccount annotation and pod label:\nazure.workload.identity/client-id: \"{}\"\nazure.workload.identity/use: \"true\"",
                p.client_id.as_deref().unwrap_or("<client-id>")
            )));
        }
        Host::GithubActions => {
            if !user {
                commands.push(bash("az identity create -g <resource-group> -n <identity-name>"));
            }
            commands.push(bash(
                "az identity federated-credential create --name github-<repo> --identity-name <identity-name> -g <resource-group> \\\n  --issuer https://token.actions.githubusercontent.com \\\n  --subject repo:<org>/<repo>:ref:refs/heads/<branch> --audiences api://AzureADTokenExchange",
            ));
            commands.push(text(format!(
                "# in the workflow, instead of secrets:\npermissions:\n  id-token: write\n  contents: read\n# ...\n- uses: azure/login@v2\n  with:\n    client-id: {}\n    tenant-id: <tenant-id>\n    subscription-id: <subscription-id>",
                p.client_id.as_deref().unwrap_or("<client-id>")
            )));
        }
    }
    let principal = match (host, user) {
        (Host::Aks | Host::GithubActions, _) | (_, true) => {
            "az identity show -g <resource-group> -n <identity-name> --query principalId -o tsv"
        }
        (Host::Vm, false) => "az vm identity show -g <resource-group> -n <vm> --query principalId -o tsv",
        (Host::Vmss, false) => {
            "az vmss identity show -g <resource-group> -n <vmss> --query principalId -o tsv"
        }
        (Host::Appservice, false) => {
            "az webapp identity show -g <resource-group> -n <app> --query principalId -o tsv"
        }
        (Host::Functions, false) => {
            "az functionapp identity show -g <resource-group> -n <function-app> --query principalId -o tsv"
        }
        (Host::Containerapps, false) => {
            "az containerapp identity show -g <resource-group> -n <app> --query principalId -o tsv"
        }
    };
    commands.push(bash(format!(
        "{principal}   # the <principal-id> used below"
    )));
    super::Step {
        title: format!("Enable a managed identity on {}", host.describe()).into(),
        commands: commands.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(files: &[(&str, &str)], path: &str) -> (Host, String) {
        let dir = tempfile::tempdir().unwrap();
        for (f, body) in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        infer(path, Some(dir.path()), &mut Neighbours::default())
    }

    #[test]
    fn evidence_and_its_precedence() {
        assert_eq!(
            host_of(
                &[("fn/local.settings.json", "{}")],
                "fn/local.settings.json"
            )
            .0,
            Host::Functions
        );
        assert_eq!(
            host_of(
                &[("fn/host.json", "{}"), ("fn/appsettings.json", "{}")],
                "fn/appsettings.json"
            )
            .0,
            Host::Functions,
            "host.json beats appsettings.json"
        );
        assert_eq!(
            host_of(&[("web/web.config", "<x/>")], "web/web.config").0,
            Host::Appservice
        );
        assert_eq!(
            host_of(
                &[("k8s/db.yaml", "apiVersion: v1\nkind: Secret\n")],
                "k8s/db.yaml"
            )
            .0,
            Host::Aks
        );
        assert_eq!(
            host_of(
                &[
                    ("chart/Chart.yaml", "name: x"),
                    ("chart/values.yaml", "a: 1")
                ],
                "chart/values.yaml"
            )
            .0,
            Host::Aks
        );
        assert_eq!(
            host_of(
                &[(".github/workflows/ci.yml", "on: push")],
                ".github/workflows/ci.yml"
            )
            .0,
            Host::GithubActions
        );
        assert_eq!(
            host_of(
                &[(
                    "app.bicep",
                    "resource app 'Microsoft.App/containerApps@2024-03-01' = {"
                )],
                "app.bicep"
            )
            .0,
            Host::Containerapps
        );
        let (host, evidence) = host_of(&[("run.sh", "echo")], "run.sh");
        assert_eq!(host, Host::Vm);
        assert!(evidence.contains("Instance Metadata Service"));
    }
}
