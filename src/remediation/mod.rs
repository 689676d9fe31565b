//! The managed-identity replacement attached to every finding.
//!
//! Each pack carries its service's remediation as data: a one-sentence summary, the identity-based form to
//! write instead, the role or service-specific grant, the hardening and rotation commands, SDK snippets.
//! Here that data is rendered for one finding with the names captured from the user's own file (server,
//! database, account, namespace), for the compute the code runs on (`host`), in the language of the project
//! (`language`), and only where it applies (`target`): a managed identity for an Azure endpoint, the Key
//! Vault route for other hosts and for services that cannot take an identity, and "keep it out of the
//! repository" for a local development service. Names the file cannot tell stay as `<placeholders>`.

pub mod host;
pub mod iac;
pub mod infrastructure;
pub mod language;
pub mod project;
pub mod rewrite;
pub mod target;

use crate::finding::{Finding, LineIndex};
use crate::host::Host;
use crate::rendered::{Interner, Rendered, Replacement, Sdk, Site, Step, Target};
use crate::rules::{Command, Remediation, RemediationKind, RuleSet, Shell};
use crate::severity::Severity;
use crate::source::Snapshot;
use host::Neighbours;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings that shape every finding's remediation.
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    /// `--client-id`: render the user-assigned identity forms with this client id.
    pub client_id: Option<String>,
    /// `--key-vault`: the vault the Key Vault steps name (and `keyless fix` references).
    pub key_vault: Option<String>,
}

/// Where the remediation is computed from: the overrides and the folder that reported paths start at.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub host: Option<Host>,
    pub placeholders: Placeholders,
    /// The work tree's top (or the scan root): reported paths are relative to it.
    pub top: Option<PathBuf>,
    /// Plan `keyless fix` rewrites from the files on disk (only when the findings came from them).
    pub plan_fixes: bool,
    /// The paths named on the command line: project files are looked for up to the one holding a file.
    pub roots: Vec<PathBuf>,
}

const TENANCY_NOTE: &str = "The identity works across subscriptions of the same tenant; to reach a resource in another tenant, use an app registration that trusts the managed identity through a federated credential.";
const HISTORY_NOTE: &str =
    "A committed secret stays in git history: rotate or revoke it even after the file is fixed.";

/// Renders the remediation of every finding. Folder listings are cached across findings.
pub fn attach(rules: &RuleSet, findings: &mut [Finding], ctx: &Context) {
    let mut neighbours = Neighbours::default();
    // The text of each file a rewrite is planned in, with its line index: both are built once per file,
    // not once per finding. Findings come sorted by reported path, so only the files of the current
    // path are kept (one per root that reports it); keeping every file's text until the end held a copy
    // of each scanned file that had a rewritable finding.
    let mut files: BTreeMap<PathBuf, Option<(Snapshot, String, LineIndex)>> = BTreeMap::new();
    let mut files_of: Option<Arc<str>> = None;
    let mut iac_files = IacFiles::default();
    let mut interner = Interner::default();
    for f in findings.iter_mut() {
        let rule = &rules.rules[f.rule_index];
        let mut r = rules.remediation_of(rule).clone();
        if rule.after.is_some() {
            r.after = rule.after.clone();
            r.after_user_assigned = None;
        }
        f.remediation = Arc::new(
            match infrastructure_site(f, ctx, &mut neighbours, &mut iac_files) {
                Some(site) => {
                    let (target, _) = target::classify(&f.captures);
                    infrastructure::render(rules, &r, f, &site, target, &ctx.placeholders)
                }
                None => render(&r, f, ctx, &mut neighbours),
            },
        );
        if ctx.plan_fixes && rewrite::can_rewrite(f, &ctx.placeholders) {
            if let Some(top) = &ctx.top {
                let fs_path = f.file_on_disk(top);
                if files_of.as_ref() != Some(&f.path) {
                    files.clear();
                    files_of = Some(f.path.clone());
                }
                let text = files.entry(fs_path.clone()).or_insert_with(|| {
                    crate::source::read_text(&fs_path)
                        .ok()
                        .flatten()
                        .map(|(bytes, text, _)| {
                            let lines = LineIndex::new(&text);
                            (Snapshot::of(&bytes), text, lines)
                        })
                });
                // The finding's line and column are in the bytes the scan read: a file that changed
                // since has no rewrite planned from it.
                let text = text
                    .as_ref()
                    .filter(|(now, ..)| f.is_located_in(now))
                    .map(|(_, text, lines)| (text, lines));
                if let Some((text, lines)) = text {
                    let root = project::project_root(&fs_path, &ctx.roots);
                    let fix = rewrite::suggest(text, lines, &fs_path, &root, f, &ctx.placeholders);
                    // Not shared yet: this changes the finding's own copy.
                    Arc::make_mut(&mut f.remediation).fix = fix.map(Box::new);
                }
            }
        }
        // The finding's own copy until here: make_mut does not clone.
        interner.intern(Arc::make_mut(&mut f.remediation));
    }
}

/// The files the infrastructure locator reads, for the folder of the findings at hand: findings come
/// sorted by path, so one folder's texts are kept at a time.
#[derive(Default)]
struct IacFiles {
    dir: PathBuf,
    texts: std::collections::HashMap<PathBuf, Option<(Snapshot, String)>>,
}

impl IacFiles {
    /// The decoded text of `path` and the snapshot of its bytes.
    fn read_with_snapshot(&mut self, path: &std::path::Path) -> Option<&(Snapshot, String)> {
        let dir = path.parent().unwrap_or(path);
        if dir != self.dir {
            self.dir = dir.to_path_buf();
            self.texts.clear();
        }
        self.texts
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let bytes = std::fs::read(path).ok()?;
                match crate::source::decode(&bytes) {
                    crate::source::Decoded::Text(t) => {
                        Some((Snapshot::of(&bytes), t.text.into_owned()))
                    }
                    crate::source::Decoded::Binary => None,
                }
            })
            .as_ref()
    }

    fn read(&mut self, path: &std::path::Path) -> Option<String> {
        self.read_with_snapshot(path).map(|(_, text)| text.clone())
    }
}

/// Where a finding sits in infrastructure code, when its file is Terraform, Bicep, ARM, Pulumi or
/// CloudFormation (and still readable, and still what was scanned); None sends it down the application
/// routes.
fn infrastructure_site(
    f: &Finding,
    ctx: &Context,
    neighbours: &mut Neighbours,
    files: &mut IacFiles,
) -> Option<Site> {
    let top = ctx.top.as_ref()?;
    // A history finding's file may be gone or different on disk.
    if f.history.is_some() || !iac::may_be(&f.path) {
        return None;
    }
    let path = f.file_on_disk(top);
    let dialect = iac::dialect(&f.path, neighbours.head(&path))?;
    // The site is read at the finding's line and column, which are in the bytes the scan read.
    let text = files
        .read_with_snapshot(&path)
        .filter(|(now, _)| f.is_located_in(now))?
        .1
        .clone();
    let dir = path.parent()?.to_path_buf();
    let siblings = neighbours.list(&dir).to_vec();
    let mut read = |p: &std::path::Path| files.read(p);
    Some(iac::locate(
        dialect,
        &text,
        (f.line, f.column),
        &dir,
        &siblings,
        &mut read,
    ))
}

/// `docker-compose.yml`, `compose.yaml`, `docker-compose.override.yml` and the like.
fn is_compose_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    (name.starts_with("docker-compose") || name.starts_with("compose"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

/// Rules for services that also run as a local container: Redis, PostgreSQL, MySQL, SQL Server.
fn is_self_hostable(rule_id: &str) -> bool {
    ["redis.", "postgresql.", "mysql.", "azure-sql."]
        .iter()
        .any(|p| rule_id.starts_with(p))
}

/// Whether the compose file names an Azure endpoint in its first 4 KiB (then its services talk to Azure).
fn compose_names_azure(f: &Finding, ctx: &Context, neighbours: &mut Neighbours) -> bool {
    let Some(top) = &ctx.top else {
        return false;
    };
    let path = f.file_on_disk(top);
    target::mentions_azure_host(neighbours.head(&path))
}

/// The remediation of one finding.
pub fn render(
    r: &Remediation,
    f: &Finding,
    ctx: &Context,
    neighbours: &mut Neighbours,
) -> Rendered {
    let top = ctx.top.as_deref();
    let (host, host_evidence) = match ctx.host {
        Some(h) => (h, "--host".to_string()),
        None => host::infer(&f.path, top, neighbours),
    };
    let lang = language::infer(&f.path, top, neighbours);
    let (target, target_host) = target::classify(&f.captures);
    let mut names = f.captures.to_map();
    // Templates name the setting as an app setting or environment variable: `Cosmos:Conn` is `Cosmos__Conn`.
    if let Some(setting) = names.get_mut("setting") {
        *setting = setting.replace(':', "__");
    }
    // `az` names the server or namespace by the endpoint's first label.
    for (endpoint, name) in [("server", "server_name"), ("namespace", "namespace_name")] {
        if let Some(n) = f
            .captures
            .get(endpoint)
            .and_then(|h| target::resource_name(h))
        {
            names.entry(name.to_string()).or_insert(n);
        }
    }
    if let Some(id) = &ctx.placeholders.client_id {
        names.insert("client_id".to_string(), id.clone());
    }
    let kind = match (r.kind, target) {
        (_, Target::Local) => RemediationKind::LocalDevelopment,
        (RemediationKind::ManagedIdentity, Target::Other) => RemediationKind::KeyVault,
        // A compose file that names no Azure endpoint wires up containers on one machine: the password
        // of a service that also runs in a container (REDIS_PASSWORD, POSTGRES_PASSWORD, SA_PASSWORD) is
        // a local development secret. Keys of Azure-only services (OpenAI, Cosmos DB) are not.
        (RemediationKind::ManagedIdentity, Target::Unknown)
            if is_compose_file(&f.path)
                && is_self_hostable(&f.rule_id)
                && !compose_names_azure(f, ctx, neighbours) =>
        {
            RemediationKind::LocalDevelopment
        }
        (kind, _) => kind,
    };
    // The Key Vault secret is named after the setting that holds the value (the whole value moves).
    let key_name = f
        .captures
        .get("setting")
        .or_else(|| f.captures.get("key_name"))
        .cloned();
    let secret_name = key_vault_secret_name(key_name.as_deref().unwrap_or(&f.rule_id));
    names.insert("secret_name".to_string(), secret_name.clone());
    let vault = ctx.placeholders.key_vault.as_deref().unwrap_or("<vault>");
    names.insert(
        "read_with".to_string(),
        read_with(host, vault, &secret_name),
    );
    let mut out = Rendered {
        kind,
        target: Some(target),
        host: Some(host),
        host_evidence: host_evidence.into(),
        language: lang.as_ref().map(|l| l.0.into()),
        language_evidence: lang.as_ref().map(|l| l.1.as_str().into()),
        docs: r.docs.clone(),
        ..Rendered::default()
    };
    let informational = f.severity == Severity::Info;
    let mut notes: Vec<Arc<str>> = Vec::new();
    match kind {
        RemediationKind::ManagedIdentity => {
            out.summary = fill(&r.summary, &names).into();
            out.steps.push(host::enable(host, &ctx.placeholders));
            let mut grant = Vec::new();
            if let Some(role) = &r.role {
                let scope = r
                    .scope
                    .as_deref()
                    .map(|s| fill(s, &names))
                    .unwrap_or_else(|| "<resource-id>".to_string());
                grant.push(Command {
                    shell: Shell::Bash,
                    text: format!(
                        "az role assignment create --assignee-object-id <principal-id> --assignee-principal-type ServicePrincipal \\\n  --role \"{}\" --scope {scope}",
                        r.role_id.as_deref().unwrap_or(role)
                    ).into(),
                });
            }
            grant.extend(r.grant.iter().map(|c| fill_command(c, &names)));
            if !grant.is_empty() {
                let title = match &r.role {
                    Some(role) => format!("Grant the identity {role}"),
                    None => "Grant the identity access".to_string(),
                };
                out.steps.push(Step {
                    title: title.into(),
                    commands: grant.into(),
                });
            }
            let after = match (&ctx.placeholders.client_id, &r.after_user_assigned) {
                (Some(_), Some(ua)) => Some(ua),
                _ => r.after.as_ref(),
            };
            let mut change = Vec::new();
            if let Some(after) = after {
                // One text, shown twice (the step and the replacement).
                let after: Arc<str> = fill(after, &names).into();
                change.push(Command {
                    shell: Shell::Text,
                    text: after.clone(),
                });
                out.replacement = Some(Replacement {
                    before: f.snippet.clone(),
                    after,
                });
            }
            if let Some((lang, _)) = &lang {
                if let Some(code) = r.sdk.get(*lang) {
                    let code: Arc<str> = fill(code, &names).into();
                    change.push(Command {
                        shell: Shell::Text,
                        text: code.clone(),
                    });
                    out.sdk = Some(Sdk {
                        language: (*lang).into(),
                        code,
                    });
                }
            }
            if !change.is_empty() {
                out.steps.push(Step {
                    title: "Use the identity instead of the secret".into(),
                    commands: change.into(),
                });
            }
            if !r.harden.is_empty() {
                out.steps.push(Step {
                    title: "Turn off key-based access once nothing uses it".into(),
                    commands: r.harden.iter().map(|c| fill_command(c, &names)).collect(),
                });
            }
            if !informational {
                out.steps.push(rotate_step(r, &names));
                notes.push(HISTORY_NOTE.into());
            }
            notes.insert(0, TENANCY_NOTE.into());
        }
        // Packs name only the first two kinds; the infrastructure route is rendered elsewhere.
        RemediationKind::KeyVault | RemediationKind::Infrastructure => {
            out.secret_stays = true;
            out.summary = if r.kind == RemediationKind::KeyVault {
                fill(&r.summary, &names).into()
            } else {
                format!(
                    "{} is not an Azure endpoint, so no managed identity can replace this secret: store it in Key Vault as {secret_name} and read it with the workload's managed identity.",
                    target_host.as_deref().unwrap_or("The target")
                ).into()
            };
            if !informational {
                out.steps.push(rotate_step(r, &names));
            }
            out.steps.extend(key_vault_steps(
                host,
                &ctx.placeholders,
                &secret_name,
                key_name.as_deref(),
            ));
            // On App Service and Functions the platform resolves a Key Vault reference in an app setting
            // (an environment variable, `:` written `__`), which overrides the file's value.
            if let (Host::Appservice | Host::Functions, Some(setting)) = (host, key_name.as_deref())
            {
                let vault = ctx.placeholders.key_vault.as_deref().unwrap_or("<vault>");
                out.replacement = Some(Replacement {
                    before: f.snippet.clone(),
                    after: format!(
                        "{}=@Microsoft.KeyVault(VaultName={vault};SecretName={secret_name})   # the app setting, resolved by App Service with the identity; no copy in files the app reads",
                        setting.replace(':', "__")
                    ).into(),
                });
            }
            if !informational {
                notes.push(HISTORY_NOTE.into());
            }
            if r.kind != RemediationKind::KeyVault {
                out.docs = Remediation::key_vault_default().docs;
            }
        }
        RemediationKind::LocalDevelopment => {
            let what = target_host
                .as_deref()
                .map_or("a local development service".to_string(), |h| {
                    format!("{h}, a local development service")
                });
            out.summary = format!(
                "This secret is for {what}: keep it out of the repository (.NET user secrets, an untracked .env file, an environment variable), and when the same setting points at Azure, use a managed identity instead."
            ).into();
            let key = key_name.as_deref().unwrap_or("<setting>");
            out.steps.push(Step {
                title: "Move the value out of the repository".into(),
                commands: vec![
                    Command {
                        shell: Shell::Bash,
                        text: format!(
                            "dotnet user-secrets set \"{key}\" \"<value>\"   # .NET projects"
                        )
                        .into(),
                    },
                    Command {
                        shell: Shell::Bash,
                        text:
                            "echo '.env' >> .gitignore   # and keep the value in an untracked .env"
                                .into(),
                    },
                ]
                .into(),
            });
            notes.push(HISTORY_NOTE.into());
        }
    }
    out.notes = notes.into();
    out
}

fn rotate_step(r: &Remediation, names: &BTreeMap<String, String>) -> Step {
    if r.rotate.is_empty() {
        Step {
            title: "Rotate or revoke the value that leaked".into(),
            commands: vec![Command {
                shell: Shell::Text,
                text: "Change it where it is issued (the service's portal or CLI) once the replacement is deployed.".into(),
            }].into(),
        }
    } else {
        Step {
            title: "Rotate the value that leaked".into(),
            commands: r.rotate.iter().map(|c| fill_command(c, names)).collect(),
        }
    }
}

/// A pack's summary where no finding fills it (SARIF rule help, `keyless explain <rule-id>`): the reading
/// is described for every host, other names stay as `<name>` slots.
pub fn rule_summary(template: &str) -> String {
    let mut names = BTreeMap::new();
    names.insert(
        "read_with".to_string(),
        "(an App Service or Functions setting @Microsoft.KeyVault(VaultName=<vault>;SecretName=<secret-name>), a Container Apps keyvaultref secret, the AKS Secrets Store CSI driver with workload identity, or SecretClient with DefaultAzureCredential)".to_string(),
    );
    fill(template, &names)
}

/// How the host reads a Key Vault secret with its identity, in the words of a summary (`{read_with}` in a
/// pack's summary): an App Service setting means nothing to a pod.
fn read_with(host: Host, vault: &str, name: &str) -> String {
    match host {
        Host::Appservice | Host::Functions => format!(
            "through an App Service or Functions setting @Microsoft.KeyVault(VaultName={vault};SecretName={name}), which the platform resolves with the app's identity"
        ),
        Host::Containerapps => format!(
            "through a Container Apps secret keyvaultref:https://{vault}.vault.azure.net/secrets/{name} with the app's identity, referenced from the container's environment"
        ),
        Host::Aks => format!(
            "through the Secrets Store CSI driver (a SecretProviderClass for {name} in {vault}, read with the pod's workload identity and synced to the Kubernetes Secret that the manifest or the chart's existingSecret value names)"
        ),
        Host::GithubActions => format!(
            "in the workflow after azure/login with OpenID Connect (az keyvault secret show --vault-name {vault} -n {name})"
        ),
        Host::Vm | Host::Vmss => format!(
            "through SecretClient and DefaultAzureCredential (secret {name} in {vault})"
        ),
    }
}

/// Store the secret in Key Vault and read it with the identity, in the way the host supports.
fn key_vault_steps(host: Host, p: &Placeholders, name: &str, setting: Option<&str>) -> Vec<Step> {
    let bash = |t: String| Command {
        shell: Shell::Bash,
        text: t.into(),
    };
    let text = |t: String| Command {
        shell: Shell::Text,
        text: t.into(),
    };
    let vault = p.key_vault.as_deref().unwrap_or("<vault>");
    let mut steps = vec![
        Step {
            title: "Store the new value in Key Vault".into(),
            commands: vec![bash(format!(
                "az keyvault secret set --vault-name {vault} -n {name} --value \"<new-value>\""
            ))].into(),
        },
        host::enable(host, p),
        Step {
            title: "Grant the identity Key Vault Secrets User".into(),
            commands: vec![bash(format!(
                "az role assignment create --assignee-object-id <principal-id> --assignee-principal-type ServicePrincipal \\\n  --role \"Key Vault Secrets User\" --scope \"$(az keyvault show -n {vault} --query id -o tsv)\""
            ))].into(),
        },
    ];
    let setting = setting.unwrap_or("<setting>");
    let read = match host {
        Host::Appservice | Host::Functions => vec![text(format!(
            "{setting}=@Microsoft.KeyVault(VaultName={vault};SecretName={name})   # app setting, no code change"
        ))],
        Host::Containerapps => vec![bash(format!(
            "az containerapp secret set -g <resource-group> -n <app> --secrets \"{}=keyvaultref:https://{vault}.vault.azure.net/secrets/{name},identityref:system\"   # then env {setting}=secretref:{}",
            name.to_ascii_lowercase(),
            name.to_ascii_lowercase()
        ))],
        Host::Aks => vec![
            bash("az aks enable-addons -g <resource-group> -n <cluster> -a azure-keyvault-secrets-provider".to_string()),
            text(format!(
                "# SecretProviderClass (provider: azure) with keyvaultName: {vault}, clientID: <client-id>, tenantId: <tenant-id>\n# and objects: |\n#   array:\n#     - |\n#       objectName: {name}\n#       objectType: secret"
            )),
        ],
        Host::GithubActions => vec![bash(format!(
            "az keyvault secret show --vault-name {vault} -n {name} --query value -o tsv   # after azure/login with OpenID Connect"
        ))],
        Host::Vm | Host::Vmss => vec![text(format!(
            "new SecretClient(new Uri(\"https://{vault}.vault.azure.net/\"), new DefaultAzureCredential()).GetSecret(\"{name}\")   # or the Key Vault SDK of your language"
        ))],
    };
    steps.push(Step {
        title: "Read it at run time with the identity".into(),
        commands: read.into(),
    });
    steps
}

fn fill_command(c: &Command, names: &BTreeMap<String, String>) -> Command {
    Command {
        shell: c.shell,
        text: fill(&c.text, names).into(),
    }
}

/// A valid Key Vault secret name for a setting key: only `0-9`, `A-Z`, `a-z` and `-`, 1 to 127 characters.
/// `:` and `__` (configuration sections) become `--`, every other invalid character `-`.
pub fn key_vault_secret_name(key: &str) -> String {
    let sectioned = key.replace("__", ":");
    let mut out = String::with_capacity(sectioned.len());
    for c in sectioned.chars() {
        match c {
            ':' => out.push_str("--"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push('-'),
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(127).collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    if trimmed.is_empty() {
        "secret".to_string()
    } else {
        trimmed
    }
}

/// Replaces `{name}` with the capture `name`, or with `<name>` when there is none. `{{` stays literal.
pub fn fill(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(stripped) = rest.strip_prefix("{{") {
            out.push('{');
            rest = stripped;
            continue;
        }
        match rest.find('}') {
            Some(j) if is_name(&rest[1..j]) => {
                let name = &rest[1..j];
                match captures.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('<');
                        out.push_str(&name.replace('_', "-"));
                        out.push('>');
                    }
                }
                rest = &rest[j + 1..];
            }
            _ => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of one rule in different files share what their remediations have in common (notes,
    /// links, host evidence, the steps that name nothing of the finding's own) as one allocation, and
    /// keep their own copy of what names their setting.
    #[test]
    fn findings_of_one_rule_share_their_common_remediation() {
        let rules = RuleSet::builtin().unwrap();
        let index = rules
            .rules
            .iter()
            .position(|r| &*r.id == "credential-assignments.quoted-value")
            .unwrap();
        let mut findings: Vec<Finding> = (0..3)
            .map(|i| {
                let mut f = Finding::placeholder(&rules.rules[index], index);
                f.path = format!("app{i}/settings.env").into();
                f.captures = ["key_name", "setting"]
                    .into_iter()
                    .map(|name| (name.to_string(), format!("password_{i}")))
                    .collect();
                f
            })
            .collect();
        attach(&rules, &mut findings, &Context::default());
        let (a, b) = (&findings[0].remediation, &findings[2].remediation);
        assert_eq!(a.kind, RemediationKind::KeyVault);
        assert!(Arc::ptr_eq(&a.notes, &b.notes) && Arc::ptr_eq(&a.docs, &b.docs));
        assert!(Arc::ptr_eq(&a.host_evidence, &b.host_evidence));
        assert!(a.summary.contains("password_0"), "{}", a.summary);
        assert!(b.summary.contains("password_2"), "{}", b.summary);
        assert_eq!(a.steps.len(), b.steps.len());
        let mut shared = 0;
        for (x, y) in a.steps.iter().zip(&b.steps) {
            assert!(Arc::ptr_eq(&x.title, &y.title), "{}", x.title);
            let names_setting = x.commands.iter().any(|c| c.text.contains("password-0"));
            assert_eq!(
                Arc::ptr_eq(&x.commands, &y.commands),
                !names_setting,
                "{}",
                x.title
            );
            shared += usize::from(!names_setting);
        }
        assert!(shared >= 2, "{shared} shared steps");
    }

    #[test]
    fn fills_known_names_and_marks_unknown_ones() {
        let caps = BTreeMap::from([("server".to_string(), "contoso".to_string())]);
        assert_eq!(
            fill("Grant {server}/{database} {client_id} {{literal}", &caps),
            "Grant contoso/<database> <client-id> {literal}"
        );
    }

    #[test]
    fn key_vault_secret_names_are_valid() {
        assert_eq!(key_vault_secret_name("Stripe:ApiKey"), "Stripe--ApiKey");
        assert_eq!(key_vault_secret_name("STRIPE_API_KEY"), "STRIPE-API-KEY");
        assert_eq!(
            key_vault_secret_name("spring.datasource.password"),
            "spring-datasource-password"
        );
        assert_eq!(
            key_vault_secret_name("ConnectionStrings__Default"),
            "ConnectionStrings--Default"
        );
        assert_eq!(key_vault_secret_name("__"), "secret");
        let long = key_vault_secret_name(&"a_".repeat(200));
        assert!(long.len() <= 127 && !long.ends_with('-'));
        let re = regex::Regex::new("^[0-9A-Za-z-]{1,127}$").unwrap();
        for k in ["db password", "x.y:z__w", "ünï:cödé", "-lead", "trail_"] {
            assert!(re.is_match(&key_vault_secret_name(k)), "{k}");
        }
    }
}
