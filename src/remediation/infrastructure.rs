//! The infrastructure route: the remediation of a secret that sits in Terraform, Bicep, ARM, Pulumi or
//! CloudFormation code.
//!
//! Nothing reads such a value at run time; the deployment does. So the answer is a change to the code,
//! in its own language, chosen in this order:
//!
//! 1. The resource that takes the value can work without it (a SQL server with Entra-only
//!    authentication, a VM with SSH keys, a storage account without shared keys): the pack whose
//!    `[[remediation.iac]]` names the resource type says which argument or property turns the password
//!    off and which grant replaces it.
//! 2. The value is a key to an Azure service that takes a managed identity (a storage connection string in
//!    a function app's settings): give the enclosing resource an identity, grant it a role on the target,
//!    write the identity-based setting, and turn the target's keys off.
//! 3. Otherwise a secret has to exist: generate it or read it from Key Vault at deployment time
//!    (`random_password` with `azurerm_key_vault_secret`, Bicep `getSecret()`, an ARM parameters file
//!    reference), never as a literal.
//!
//! In every case the pipeline that deploys signs in with a federated credential, so it holds no secret
//! either.

use super::{fill, key_vault_secret_name, Placeholders, HISTORY_NOTE};
use crate::finding::Finding;
use crate::rendered::{Dialect, Rendered, Replacement, Site, Step, Target};
use crate::rules::{Command, Iac, Remediation, RemediationKind, RuleSet, Shell};
use std::collections::BTreeMap;

/// The remediation of a finding in infrastructure code. `own` is the finding's rule's remediation.
pub fn render(
    rules: &RuleSet,
    own: &Remediation,
    f: &Finding,
    site: &Site,
    target: Target,
    p: &Placeholders,
) -> Rendered {
    let names = names_for(f, site, p);
    // A registry module (`br/public:avm/res/sql/server:0.1.0`) deploys the type its path names, and a
    // Pulumi type token (`azure-native:sql:Server`) the ARM or azurerm type it is built from.
    let resource_type = site.resource_type.as_deref().map(|t| {
        if t.contains("avm/res/") {
            super::iac::avm_type(t, rules.iac_resource_types()).unwrap_or(t)
        } else if site.dialect == Dialect::Pulumi {
            let known: Vec<&str> = rules.iac_resource_types().collect();
            super::iac::pulumi_type(t, known).unwrap_or(t)
        } else {
            t
        }
    });
    let resource_entry = resource_type.and_then(|t| rules.iac_for(t, site.setting.as_deref()));
    let mut out = Rendered {
        kind: RemediationKind::Infrastructure,
        target: Some(target),
        infrastructure: Some(Box::new(site.clone())),
        ..Rendered::default()
    };
    let takes_identity = own.kind == RemediationKind::ManagedIdentity
        && !own.iac.is_empty()
        && matches!(target, Target::Azure | Target::Unknown);
    let mut notes: Vec<std::sync::Arc<str>> = Vec::new();
    if let Some((entry, rotate)) = resource_entry {
        passwordless_resource(&mut out, entry, rotate, site, &names);
        if site.dialect == Dialect::Pulumi {
            notes.push(PULUMI_PROPERTIES.into());
        }
    } else if takes_identity {
        identity_for_target(&mut out, own, site, &names);
    } else {
        secret_must_exist(&mut out, f, site, &names);
    }
    if let Some(r) = &mut out.replacement {
        r.before = f.snippet.clone();
    }
    out.host_evidence = format!(
        "infrastructure code ({}): the deployment reads the value, not a workload",
        site.dialect.as_str()
    )
    .into();
    out.steps.push(federated_deployment(site.dialect));
    if f.severity != crate::severity::Severity::Info {
        notes.push(
            "The value was deployed: until the change above is applied, the resource still accepts it. Whether anything else still uses it cannot be seen from this file, so rotate it once the new definition is live.".into(),
        );
        notes.push(HISTORY_NOTE.into());
    }
    out.notes = notes.into();
    out
}

/// The names templates are filled with: the finding's captures, the resource, the setting, and a
/// Terraform identifier and Key Vault secret name derived from the variable or setting.
fn names_for(f: &Finding, site: &Site, p: &Placeholders) -> BTreeMap<String, String> {
    let mut names = f.captures.to_map();
    // ARM names are expressions (`[parameters('server')]`), not symbols a snippet can use.
    if let Some(r) = site
        .resource
        .as_ref()
        .filter(|_| site.dialect != Dialect::Arm)
    {
        names.insert("resource".to_string(), r.clone());
    }
    let setting = site
        .setting
        .clone()
        .or_else(|| f.captures.get("setting").cloned())
        .or_else(|| f.captures.get("key_name").cloned())
        .or_else(|| site.variable.clone());
    if let Some(s) = &setting {
        names.insert("setting".to_string(), s.clone());
    }
    let base = site
        .variable
        .clone()
        .or(setting)
        .unwrap_or_else(|| "secret".to_string());
    names.insert("ident".to_string(), identifier(&base));
    names.insert("secret_name".to_string(), key_vault_secret_name(&base));
    if let Some(v) = &site.variable {
        names.insert("variable".to_string(), v.clone());
    }
    names.insert(
        "vault".to_string(),
        p.key_vault.clone().unwrap_or_else(|| "<vault>".to_string()),
    );
    names
}

/// A Terraform or Bicep identifier: letters, digits and `_`, starting with a letter, lower-case.
pub fn identifier(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("secret_{out}").trim_end_matches('_').to_string()
    } else {
        out
    }
}

/// A snippet in the file's language: HCL for Terraform, Bicep (whose property names ARM and Pulumi's
/// azure-native share) for the others; the other form when an entry has only that one (a Pulumi
/// resource of the classic provider, built from azurerm, matches an entry written for Terraform).
fn code(
    dialect: Dialect,
    terraform: &str,
    bicep: &str,
    names: &BTreeMap<String, String>,
) -> Command {
    let hcl = if dialect.is_terraform() {
        !terraform.is_empty() || bicep.is_empty()
    } else {
        bicep.is_empty() && !terraform.is_empty()
    };
    if hcl {
        Command {
            shell: Shell::Terraform,
            text: fill(terraform, names).into(),
        }
    } else {
        Command {
            shell: Shell::Bicep,
            text: fill(bicep, names).into(),
        }
    }
}

/// The resource as prose: Terraform's `type.name` says both; a Bicep symbol or an ARM name gets its type.
fn label(site: &Site) -> String {
    match (&site.resource, &site.resource_type) {
        (Some(r), _) if site.dialect.is_terraform() => r.clone(),
        (Some(r), Some(t)) if matches!(site.dialect, Dialect::Bicep | Dialect::Pulumi) => {
            format!("{r} ({t})")
        }
        (_, Some(t)) => t.clone(),
        (Some(r), None) => r.clone(),
        (None, None) => "the resource".to_string(),
    }
}

fn where_it_is(site: &Site) -> String {
    match &site.variable {
        Some(v) => format!("{} (which takes {v})", label(site)),
        None => label(site),
    }
}

/// An entry's grants: the one written in the file's language, then those made outside ARM.
fn entry_grants(entry: &Iac, dialect: Dialect, names: &BTreeMap<String, String>) -> Vec<Command> {
    let written = if dialect.is_terraform() {
        entry.grant_terraform.as_deref()
    } else {
        entry.grant_bicep.as_deref()
    };
    written
        .map(|g| code(dialect, g, g, names))
        .into_iter()
        .chain(entry.grant.iter().map(|c| super::fill_command(c, names)))
        .collect()
}

/// Case 1: the resource can work without the password or key.
fn passwordless_resource(
    out: &mut Rendered,
    entry: &Iac,
    rotate: &[Command],
    site: &Site,
    names: &BTreeMap<String, String>,
) {
    let mut labelled = names.clone();
    labelled.insert("resource".to_string(), label(site));
    out.summary = fill(&entry.summary, &labelled).into();
    let change = code(site.dialect, &entry.terraform, &entry.bicep, names);
    out.replacement = Some(Replacement {
        before: "".into(),
        after: change.text.clone(),
    });
    out.steps.push(Step {
        title: format!("Turn the password off on {}", where_it_is(site)).into(),
        commands: vec![change].into(),
    });
    let grant = entry_grants(entry, site.dialect, names);
    if !grant.is_empty() {
        out.steps.push(Step {
            title: "Grant access to identities instead".into(),
            commands: grant.into(),
        });
    }
    if !rotate.is_empty() {
        out.steps.push(Step {
            title: "Rotate the value that leaked, if the resource keeps it for a while".into(),
            commands: rotate
                .iter()
                .map(|c| super::fill_command(c, names))
                .collect(),
        });
    }
    out.docs = entry.docs.clone();
}

/// Case 2: a key to an Azure service that takes a managed identity, used by the enclosing resource.
fn identity_for_target(
    out: &mut Rendered,
    own: &Remediation,
    site: &Site,
    names: &BTreeMap<String, String>,
) {
    // Entries about the service's own resources; a provider entry (a client secret's) says how Terraform
    // signs in, which is not this key's business.
    let entries: Vec<&Iac> = own
        .iac
        .iter()
        .filter(|e| !e.resources.iter().any(|r| r.starts_with("provider.")))
        .collect();
    let mut names = names.clone();
    // The resource in the file is the compute that uses the key; the service's own resource (whose keys
    // are turned off) is defined elsewhere, so its snippets name a placeholder.
    let compute = names
        .remove("resource")
        .unwrap_or_else(|| "<compute>".to_string());
    let compute_label = site
        .resource
        .as_ref()
        .map_or_else(|| "the app".to_string(), |_| label(site));
    names.insert("compute".to_string(), compute.clone());
    let role = own.role.clone();
    let mut what = vec![format!("give {compute_label} a managed identity")];
    match &role {
        Some(r) => what.push(format!("grant it {r} on the service")),
        None if !entries.is_empty() => what.push("grant it data-plane access".to_string()),
        None => {}
    }
    what.push(format!(
        "set {} to the identity-based form",
        names.get("setting").map_or("the setting", String::as_str)
    ));
    if !entries.is_empty() {
        what.push("turn key access off on the service's own resource".to_string());
    }
    let (last, rest) = what.split_last().expect("at least two parts");
    out.summary = format!(
        "In the {} code, {}, and {last}.",
        site.dialect.as_str(),
        rest.join(", ")
    )
    .into();
    out.steps.push(Step {
        title: format!("Give {compute_label} a managed identity").into(),
        commands: vec![code(
            site.dialect,
            "identity {\n  type = \"SystemAssigned\"\n}",
            "identity: {\n  type: 'SystemAssigned'\n}",
            &names,
        )]
        .into(),
    });
    let mut grant = Vec::new();
    if let Some(role) = &role {
        let id = own.role_id.as_deref().unwrap_or("<role-definition-id>");
        let tf = format!(
            "resource \"azurerm_role_assignment\" \"{{ident}}\" {{{{\n  scope                = <target-resource>.id\n  role_definition_name = \"{role}\"\n  principal_id         = {compute}.identity[0].principal_id\n}}"
        );
        let bicep = format!(
            "resource {{ident}}Role 'Microsoft.Authorization/roleAssignments@2022-04-01' = {{{{\n  name: guid(<target-resource>.id, {compute}.id, '{id}')\n  scope: <target-resource>\n  properties: {{{{\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{id}')   // {role}\n    principalId: {compute}.identity.principalId\n    principalType: 'ServicePrincipal'\n  }}\n}}"
        );
        grant.push(code(site.dialect, &tf, &bicep, &names));
    }
    if let Some(first) = entries.first() {
        grant.extend(entry_grants(first, site.dialect, &names));
    }
    if !grant.is_empty() {
        out.steps.push(Step {
            title: match &role {
                Some(r) => format!("Grant the identity {r}").into(),
                None => "Grant the identity access".into(),
            },
            commands: grant.into(),
        });
    }
    if let Some(after) = &own.after {
        let after: std::sync::Arc<str> = fill(after, &names).into();
        out.replacement = Some(Replacement {
            before: "".into(),
            after: after.clone(),
        });
        out.steps.push(Step {
            title: "Write the identity-based setting instead of the secret".into(),
            commands: vec![Command {
                shell: Shell::Text,
                text: after,
            }]
            .into(),
        });
    }
    // The key does not say which of the pack's resource kinds issued it (a Service Bus and an Event Hubs
    // connection string look alike), so each kind's switch is shown.
    let title = match entries.as_slice() {
        [only] => format!(
            "Turn key access off on the service: {}",
            fill(&only.summary, &names)
        ),
        _ => "Turn key access off on the service's own resource (whichever of these kinds it is)"
            .to_string(),
    };
    let switches: Vec<Command> = entries
        .iter()
        .map(|e| code(site.dialect, &e.terraform, &e.bicep, &names))
        .filter(|c| !c.text.is_empty())
        .collect();
    if !switches.is_empty() {
        out.steps.push(Step {
            title: title.into(),
            commands: switches.into(),
        });
    }
    if !own.rotate.is_empty() {
        out.steps.push(Step {
            title: "Rotate the value that leaked".into(),
            commands: own
                .rotate
                .iter()
                .map(|c| super::fill_command(c, &names))
                .collect(),
        });
    }
    out.docs = entries
        .iter()
        .flat_map(|e| e.docs.iter().cloned())
        .chain(own.docs.iter().take(1).cloned())
        .collect();
}

/// Case 3: a secret has to exist; get it there without a literal.
fn secret_must_exist(
    out: &mut Rendered,
    f: &Finding,
    site: &Site,
    names: &BTreeMap<String, String>,
) {
    let text = |t: &str| Command {
        shell: Shell::Text,
        text: fill(t, names).into(),
    };
    let tf = |t: &str| Command {
        shell: Shell::Terraform,
        text: fill(t, names).into(),
    };
    let bicep = |t: &str| Command {
        shell: Shell::Bicep,
        text: fill(t, names).into(),
    };
    out.secret_stays = true;
    let app_setting = site
        .resource_type
        .as_deref()
        .is_some_and(super::iac::is_app_service);
    let (summary, steps): (&str, Vec<Step>) = match site.dialect {
        Dialect::Terraform | Dialect::TerraformVars if app_setting => (
            "Store the value in Key Vault with azurerm_key_vault_secret and set {setting} to a Key Vault reference, which App Service resolves with {resource}'s managed identity; no literal in the configuration.",
            vec![
                Step {
                    title: "Keep the value in Key Vault".into(),
                    commands: vec![tf(TF_RANDOM_SECRET)].into(),
                },
                Step {
                    title: "Reference it from the app setting (the app needs an identity with Key Vault Secrets User)".into(),
                    commands: vec![tf("\"{setting}\" = \"@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.{ident}.versionless_id})\"\n\nidentity {{\n  type = \"SystemAssigned\"\n}")].into(),
                },
            ],
        ),
        Dialect::Terraform if site.variable.is_some() && site.resource.is_none() => (
            "Remove the variable's default and mark it sensitive: the value comes from Key Vault at plan time (a data source or the pipeline's TF_VAR_{variable}), or from random_password if Terraform creates it.",
            vec![Step {
                title: "Declare the variable without a value".into(),
                commands: vec![
                    tf("variable \"{variable}\" {{\n  type      = string\n  sensitive = true\n}"),
                    tf(TF_DATA_SECRET),
                ].into(),
            }],
        ),
        Dialect::Terraform | Dialect::TerraformVars => (
            "Generate the value with random_password and keep it in Key Vault with azurerm_key_vault_secret (or read an existing one with the azurerm_key_vault_secret data source), and set {setting} from it instead of a literal.",
            vec![
                Step {
                    title: "Generate it and keep it in Key Vault".into(),
                    commands: vec![tf(TF_RANDOM_SECRET)].into(),
                },
                Step {
                    title: "Or read a value someone else manages".into(),
                    commands: vec![tf(TF_DATA_SECRET)].into(),
                },
            ],
        ),
        Dialect::Bicep | Dialect::Arm if app_setting && site.variable.is_none() => (
            "Store the value in Key Vault and set {setting} to a Key Vault reference, which App Service resolves with {resource}'s managed identity; no literal in the template.",
            vec![
                Step {
                    title: "Keep the value in Key Vault".into(),
                    commands: vec![Command {
                        shell: Shell::Bash,
                        text: fill("az keyvault secret set --vault-name {vault} -n {secret_name} --value \"<new-value>\"", names).into(),
                    }].into(),
                },
                Step {
                    title: "Reference it from the app setting (the app needs an identity with Key Vault Secrets User)".into(),
                    commands: vec![bicep("{{ name: '{setting}', value: '@Microsoft.KeyVault(VaultName={vault};SecretName={secret_name})' }\n\n// on the site:\nidentity: {{ type: 'SystemAssigned' }")].into(),
                },
            ],
        ),
        Dialect::Bicep | Dialect::Arm if site.variable.is_some() => (
            "Remove the default of the @secure() parameter {variable}: the deployment passes it from Key Vault (getSecret() on an existing vault in the calling Bicep file, or a Key Vault reference in the parameters file).",
            vec![
                Step {
                    title: "Declare the parameter without a value".into(),
                    commands: vec![if site.dialect == Dialect::Arm {
                        text("\"{variable}\": {{ \"type\": \"securestring\" }")
                    } else {
                        bicep("@secure()\nparam {variable} string")
                    }].into(),
                },
                Step {
                    title: "Pass it from Key Vault".into(),
                    commands: vec![bicep(BICEP_GET_SECRET), text(BICEPPARAM_GET_SECRET)].into(),
                },
            ],
        ),
        Dialect::Bicep | Dialect::Arm => (
            "Take {setting} from an @secure() parameter without a default and pass it from Key Vault at deployment (getSecret() on an existing vault, or a Key Vault reference in the parameters file).",
            vec![Step {
                title: "Pass the value from Key Vault".into(),
                commands: vec![bicep("@secure()\nparam {ident} string\n\n// in the resource:\n{setting}: {ident}"), bicep(BICEP_GET_SECRET)].into(),
            }],
        ),
        Dialect::BicepParams => (
            "Read {variable} from Key Vault in the parameters file with az.getSecret() instead of writing its value.",
            vec![Step {
                title: "Reference Key Vault".into(),
                commands: vec![text(BICEPPARAM_GET_SECRET)].into(),
            }],
        ),
        Dialect::ArmParameters => (
            "Replace the value of {variable} with a Key Vault reference: the deployment reads the secret (the vault must allow template deployment).",
            vec![Step {
                title: "Reference Key Vault".into(),
                commands: vec![text("\"{variable}\": {{\n  \"reference\": {{\n    \"keyVault\": {{ \"id\": \"/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.KeyVault/vaults/{vault}\" },\n    \"secretName\": \"{secret_name}\"\n  }\n}")].into(),
            }],
        ),
        Dialect::Pulumi => (
            "Keep {setting} as an encrypted Pulumi secret (pulumi config set --secret), or read it from Key Vault in the program, instead of plain text in the stack file.",
            vec![Step {
                title: "Store it as a secret".into(),
                commands: vec![Command {
                    shell: Shell::Bash,
                    text: fill("pulumi config set --secret {setting} \"<new-value>\"", names).into(),
                }].into(),
            }],
        ),
        Dialect::CloudFormation => (
            "Resolve {setting} from AWS Secrets Manager with a dynamic reference (or let the service manage it, such as RDS ManageMasterUserPassword), instead of a literal in the template.",
            vec![Step {
                title: "Reference the secret".into(),
                commands: vec![text("{setting}: '{{{{resolve:secretsmanager:<secret-id>:SecretString:<json-key>}}'")].into(),
            }],
        ),
    };
    out.summary = fill(summary, names).into();
    out.steps.extend(steps);
    let rotate = Step {
        title: "Rotate the value that leaked".into(),
        commands: vec![text(
            "Change it where it is issued once the new definition is deployed: it stays in the repository's history.",
        )].into(),
    };
    if f.severity != crate::severity::Severity::Info {
        out.steps.push(rotate);
    }
    out.docs = match site.dialect {
        Dialect::Terraform | Dialect::TerraformVars => vec![
            "https://registry.terraform.io/providers/hashicorp/random/latest/docs/resources/password".into(),
            "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault_secret".into(),
            "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/data-sources/key_vault_secret".into(),
        ]
        .into(),
        Dialect::Bicep | Dialect::BicepParams | Dialect::Arm | Dialect::ArmParameters => vec![
            "https://learn.microsoft.com/azure/azure-resource-manager/bicep/key-vault-parameter".into(),
            "https://learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions-parameters-file".into(),
            "https://learn.microsoft.com/azure/azure-resource-manager/templates/key-vault-parameter".into(),
        ]
        .into(),
        Dialect::Pulumi => vec!["https://www.pulumi.com/docs/iac/concepts/secrets/".into()].into(),
        Dialect::CloudFormation => vec![
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html".into(),
        ]
        .into(),
    };
}

/// Which names a Pulumi resource takes, since its snippets are written in Bicep.
const PULUMI_PROPERTIES: &str = "Pulumi's azure-native resources take the ARM property names shown in the Bicep form, under the resource's properties:; the classic azure provider takes the Terraform arguments in camelCase.";

const TF_RANDOM_SECRET: &str = "resource \"random_password\" \"{ident}\" {{\n  length  = 32\n  special = true\n}\n\nresource \"azurerm_key_vault_secret\" \"{ident}\" {{\n  name         = \"{secret_name}\"\n  value        = random_password.{ident}.result\n  key_vault_id = azurerm_key_vault.{vault}.id\n}\n\n# where the literal was:\n{setting} = random_password.{ident}.result";

const TF_DATA_SECRET: &str = "data \"azurerm_key_vault_secret\" \"{ident}\" {{\n  name         = \"{secret_name}\"\n  key_vault_id = data.azurerm_key_vault.{vault}.id\n}\n\n# where the literal was:\n{setting} = data.azurerm_key_vault_secret.{ident}.value";

const BICEP_GET_SECRET: &str = "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {{\n  name: '{vault}'   // enabledForTemplateDeployment: true\n}\n\nmodule deployment './<this-file>.bicep' = {{\n  name: 'deployment'\n  params: {{\n    {ident}: kv.getSecret('{secret_name}')\n  }\n}";

const BICEPPARAM_GET_SECRET: &str =
    "param {ident} = az.getSecret('<subscription-id>', '<resource-group>', '{vault}', '{secret_name}')   // .bicepparam";

/// The pipeline that deploys signs in with a federated credential: no client secret anywhere.
fn federated_deployment(dialect: Dialect) -> Step {
    let login = "# GitHub Actions: permissions: id-token: write, then\n- uses: azure/login@v2\n  with:\n    client-id: ${{ vars.AZURE_CLIENT_ID }}\n    tenant-id: ${{ vars.AZURE_TENANT_ID }}\n    subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}";
    let text = match dialect {
        _ if dialect.is_terraform() => format!("{login}\n# Terraform's azurerm provider: env ARM_USE_OIDC=true, ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID (no ARM_CLIENT_SECRET)"),
        Dialect::Pulumi => format!("{login}\n# Pulumi's Azure providers: env ARM_USE_OIDC=true, ARM_CLIENT_ID, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID (no ARM_CLIENT_SECRET), then: pulumi up"),
        // CloudFormation deploys to AWS: the pipeline assumes a role that trusts its OIDC token.
        Dialect::CloudFormation => "# GitHub Actions: permissions: id-token: write, then\n- uses: aws-actions/configure-aws-credentials@v4\n  with:\n    role-to-assume: arn:aws:iam::<account-id>:role/<deploy-role>\n    aws-region: <region>\n# then: aws cloudformation deploy --template-file <template> --stack-name <stack>".to_string(),
        _ => format!("{login}\n# then: az deployment group create -g <resource-group> -f <template>"),
    };
    Step {
        title: "Deploy with a federated identity, so the pipeline holds no secret either".into(),
        commands: vec![Command {
            shell: Shell::Text,
            text: text.into(),
        }]
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_in_terraform_and_bicep() {
        assert_eq!(identifier("admin_password"), "admin_password");
        assert_eq!(
            identifier("administratorLoginPassword"),
            "administratorloginpassword"
        );
        assert_eq!(identifier("Db:Password"), "db_password");
        assert_eq!(identifier("1st-key"), "secret_1st_key");
        assert_eq!(identifier("--"), "secret");
    }
}
