//! A pack's `[remediation]` section: the managed-identity, Key Vault or infrastructure answer every
//! finding of the pack carries, checked and turned from its TOML syntax into plain data.
//!
//! The renderer (`crate::remediation`) reads these values; nothing here knows about findings or files.

use super::syntax::{CommandSyntax, RemediationSyntax};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemediationKind {
    /// The target accepts Microsoft Entra tokens: enable an identity, grant it, drop the secret.
    ManagedIdentity,
    /// The target cannot take an identity: keep the secret in Key Vault and read it with the identity.
    #[default]
    KeyVault,
    /// The target is a local development service: keep the value out of the repository.
    LocalDevelopment,
    /// The secret sits in infrastructure code (Terraform, Bicep, ARM, ...), which the deployment reads:
    /// turn the resource's password off, or get the value there without a literal.
    Infrastructure,
}

#[derive(Debug, Clone, Default)]
pub struct Remediation {
    pub kind: RemediationKind,
    pub summary: String,
    pub guide: String,
    pub docs: std::sync::Arc<[std::sync::Arc<str>]>,
    pub role: Option<String>,
    pub role_id: Option<String>,
    pub scope: Option<String>,
    pub grant: Vec<Command>,
    pub after: Option<String>,
    pub after_user_assigned: Option<String>,
    pub harden: Vec<Command>,
    pub rotate: Vec<Command>,
    pub sdk: std::collections::BTreeMap<String, String>,
    /// The infrastructure answer per resource kind, for secrets in Terraform, Bicep and ARM.
    pub iac: Vec<Iac>,
}

/// How a resource defined in infrastructure code works without the password or key (see
/// `syntax::IacSyntax`). Resource types are kept lower-case, for case-insensitive matching, and settings
/// as [`setting_key`]s.
/// A setting's name as entries match it: lower-case without underscores, so that `admin_password`,
/// ARM's `adminPassword` and Pulumi's classic `adminPassword` are one setting.
pub fn setting_key(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iac {
    pub resources: Vec<String>,
    pub settings: Vec<String>,
    pub summary: String,
    pub terraform: String,
    pub bicep: String,
    pub grant_terraform: Option<String>,
    pub grant_bicep: Option<String>,
    pub grant: Vec<Command>,
    pub docs: std::sync::Arc<[std::sync::Arc<str>]>,
}

/// A command for the user to run, with its shell. The text is shared: a finding's rendered steps hold
/// the pack's commands, or their filled copies, without copying the text (`rendered::Interner`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Command {
    pub shell: Shell,
    pub text: std::sync::Arc<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    Bash,
    Pwsh,
    Sql,
    /// A setting, a connection string or a snippet to write rather than run.
    Text,
    /// Terraform (HCL) to write into the configuration.
    Terraform,
    /// Bicep to write into the template (ARM JSON takes the same properties).
    Bicep,
}

impl Shell {
    /// Whether this is a command to run (shown after `$`) rather than text to write.
    pub fn is_command(self) -> bool {
        matches!(self, Shell::Bash | Shell::Pwsh | Shell::Sql)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Pwsh => "pwsh",
            Shell::Sql => "sql",
            Shell::Text => "text",
            Shell::Terraform => "terraform",
            Shell::Bicep => "bicep",
        }
    }
}

impl Remediation {
    /// What a user pack without remediation data gets: the Key Vault route, which works for any secret.
    pub fn key_vault_default() -> Remediation {
        Remediation {
            kind: RemediationKind::KeyVault,
            summary: "Move the value out of the repository into Azure Key Vault and read it at run time with the \
                      workload's managed identity (a Key Vault reference or SecretClient with DefaultAzureCredential)."
                .to_string(),
            guide: "1. **Rotate or revoke the value**: it is in the repository's history.\n\
                    2. **Store the new value in Key Vault**: \
                    `az keyvault secret set --vault-name <vault> -n <secret-name> --value <new-value>`.\n\
                    3. **Grant the workload's managed identity** the *Key Vault Secrets User* role on the vault.\n\
                    4. **Read it at run time**: an App Service or Functions setting \
                    `@Microsoft.KeyVault(VaultName=<vault>;SecretName=<secret-name>)`, a Container Apps \
                    `keyvaultref:` secret, the AKS Secrets Store CSI driver, or `SecretClient` with \
                    `DefaultAzureCredential` in code."
                .to_string(),
            docs: vec![
                "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references".into(),
                "https://learn.microsoft.com/azure/key-vault/general/rbac-guide".into(),
            ]
            .into(),
            ..Remediation::default()
        }
    }
}

pub(super) fn compile_remediation(r: &RemediationSyntax) -> Result<Remediation, String> {
    let kind = match r.kind.as_str() {
        "managed-identity" => RemediationKind::ManagedIdentity,
        "key-vault" => RemediationKind::KeyVault,
        other => {
            return Err(format!(
                "remediation kind '{other}' is unknown (expected managed-identity or key-vault)"
            ))
        }
    };
    if r.summary.trim().is_empty() {
        return Err("remediation summary is empty".to_string());
    }
    let commands = |list: &[CommandSyntax], field: &str| -> Result<Vec<Command>, String> {
        list.iter()
            .map(|c| {
                let shell = match c.shell.as_str() {
                    "bash" => Shell::Bash,
                    "pwsh" => Shell::Pwsh,
                    "sql" => Shell::Sql,
                    "text" => Shell::Text,
                    "terraform" => Shell::Terraform,
                    "bicep" => Shell::Bicep,
                    other => {
                        return Err(format!(
                            "remediation {field}: shell '{other}' is unknown (expected bash, pwsh, sql, text, terraform or bicep)"
                        ))
                    }
                };
                Ok(Command {
                    shell,
                    text: c.text.trim().into(),
                })
            })
            .collect()
    };
    for lang in r.sdk.keys() {
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(format!(
                "remediation sdk: language '{lang}' is unknown (expected {})",
                LANGUAGES.join(", ")
            ));
        }
    }
    Ok(Remediation {
        kind,
        summary: r.summary.trim().to_string(),
        guide: r.guide.trim().to_string(),
        docs: r.docs.iter().map(|d| d.as_str().into()).collect(),
        role: r.role.clone(),
        role_id: r.role_id.clone(),
        scope: r.scope.clone(),
        grant: commands(&r.grant, "grant")?,
        after: r.after.clone(),
        after_user_assigned: r.after_user_assigned.clone(),
        harden: commands(&r.harden, "harden")?,
        rotate: commands(&r.rotate, "rotate")?,
        sdk: r.sdk.clone(),
        iac: r
            .iac
            .iter()
            .map(|i| {
                if i.resources.is_empty() || i.summary.trim().is_empty() {
                    return Err("remediation iac: every entry needs resources and a summary".to_string());
                }
                if i.docs.is_empty() {
                    return Err(format!(
                        "remediation iac for {}: docs must cite where its arguments and properties are defined",
                        i.resources[0]
                    ));
                }
                Ok(Iac {
                    resources: i.resources.iter().map(|t| t.to_ascii_lowercase()).collect(),
                    settings: i.settings.iter().map(|t| setting_key(t)).collect(),
                    summary: i.summary.trim().to_string(),
                    terraform: i.terraform.trim().to_string(),
                    bicep: i.bicep.trim().to_string(),
                    grant_terraform: i.grant_terraform.as_ref().map(|g| g.trim().to_string()),
                    grant_bicep: i.grant_bicep.as_ref().map(|g| g.trim().to_string()),
                    grant: commands(&i.grant, "iac grant")?,
                    docs: i.docs.iter().map(|d| d.as_str().into()).collect(),
                })
            })
            .collect::<Result<_, _>>()?,
    })
}

/// The languages a pack may give an SDK snippet for.
pub const LANGUAGES: &[&str] = &["dotnet", "java", "python", "javascript", "go"];
