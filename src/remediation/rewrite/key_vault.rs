//! With `--key-vault`: an App Service or Functions app setting declared in Terraform or Bicep → a Key
//! Vault reference, where the app has an identity that App Service reads the vault with.

use super::{enclosing_value, Check, Rewrite};
use crate::finding::{Finding, LineIndex};
use crate::remediation::iac::{block_end, Syntax};
use crate::remediation::key_vault_secret_name;
use std::ops::Range;
use std::path::Path;

/// Infrastructure-as-code dialects that declare App Service and Functions app settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Iac {
    Terraform,
    Bicep,
}

/// With `--key-vault`: the app setting's literal value becomes a Key Vault reference. Only where the value
/// is an app setting of a web or function app declared in Terraform or Bicep, because App Service resolves
/// the reference with the app's managed identity before the application sees it. Files the application
/// reads itself (appsettings.json, .env) are never rewritten: nothing would resolve the reference there.
pub(super) fn reference(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    fs_path: &Path,
    vault: &str,
) -> Option<Rewrite> {
    let ext = fs_path.extension()?.to_str()?.to_ascii_lowercase();
    let iac = match ext.as_str() {
        "tf" => Iac::Terraform,
        "bicep" => Iac::Bicep,
        _ => return None,
    };
    let setting = f.captures.get("setting")?;
    let value = enclosing_value(text, lines, at)?;
    let literal = &text[value.clone()];
    // Only a plain literal moves: an interpolated value is partly built elsewhere, an escaped one would
    // have to be unescaped first.
    if ["${", "{{", "$(", "[", "%{", "\\"]
        .iter()
        .any(|m| literal.contains(m))
    {
        return None;
    }
    let resource = enclosing_app(text, value.start, iac)?;
    let secret_name = key_vault_secret_name(setting);
    let mut checks = vec![Check::Passed(format!(
        "{setting} is an app setting of {}: App Service resolves Key Vault references with the app's identity",
        resource.kind
    ))];
    checks.push(match resource.identity_body {
        Some(block) => identity_check(&text[block], iac),
        None => Check::Unchecked(
            "the file does not say which site this appsettings resource belongs to (no parent:), so its identity is unknown"
                .to_string(),
        ),
    });
    let reference = format!("@Microsoft.KeyVault(VaultName={vault};SecretName={secret_name})");
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.to_string(),
        description: format!(
            "{setting} → Key Vault reference {vault}/{secret_name} (store the value first: az keyvault secret set --vault-name {vault} -n {secret_name} --file <a file holding it>)"
        ),
        edit: (value, reference),
        checks,
    })
}

/// The web or function app resource whose app settings enclose `at`.
struct AppResource {
    kind: String,
    /// The block that declares the app's identity: the resource's own, or for a Bicep `sites/config`
    /// resource, its `parent:` site's. None when the file does not say which site that is.
    identity_body: Option<Range<usize>>,
}

fn enclosing_app(text: &str, at: usize, iac: Iac) -> Option<AppResource> {
    use regex::Regex;
    use std::sync::LazyLock;
    static TF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*resource[ \t]+"([a-z0-9_]+)""#).unwrap());
    static BICEP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*resource[ \t]+\w+[ \t]+'([A-Za-z0-9./]+)@"#).unwrap()
    });
    static TF_SETTINGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*app_settings[ \t]*=[ \t]*\{"#).unwrap());
    static BICEP_SETTINGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*appSettings[ \t]*:[ \t]*\["#).unwrap());
    static BICEP_PROPERTIES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*properties[ \t]*:[ \t]*\{"#).unwrap());
    static BICEP_NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*name[ \t]*:[ \t]*'([^']*)'"#).unwrap());
    let declarations = match iac {
        Iac::Terraform => &*TF,
        Iac::Bicep => &*BICEP,
    };
    let last = declarations.captures_iter(&text[..at]).last()?;
    let kind = last.get(1)?.as_str().to_string();
    let start = last.get(0)?.start();
    // The resource's own block: from its first brace to the matching one.
    let open = start + text[start..at].find('{')?;
    let syntax = match iac {
        Iac::Terraform => Syntax::Hcl,
        Iac::Bicep => Syntax::Bicep,
    };
    let body = start..block_end(text, open, syntax)?;
    if at >= body.end {
        return None;
    }
    let lower = kind.to_ascii_lowercase();
    let mut identity_body = Some(body.clone());
    let settings = match iac {
        Iac::Terraform => {
            if !lower.starts_with("azurerm_") || !crate::remediation::iac::is_app_service(&lower) {
                return None;
            }
            &*TF_SETTINGS
        }
        Iac::Bicep => {
            if !lower.starts_with("microsoft.web/sites") {
                return None;
            }
            if lower.ends_with("/config") {
                // Only the `appsettings` config resource holds app settings (not authsettings, web, ...):
                // `name: 'appsettings'` under `parent:`, or `name: '${site}/appsettings'`.
                let name = BICEP_NAME.captures(&text[open..at])?[1].to_ascii_lowercase();
                if name != "appsettings" && !name.ends_with("/appsettings") {
                    return None;
                }
                identity_body = parent_site(text, &text[open..at], syntax);
                &*BICEP_PROPERTIES
            } else {
                &*BICEP_SETTINGS
            }
        }
    };
    // The value must sit inside the settings block itself, not merely after it.
    let inner = &text[open..at];
    let opener = settings.find_iter(inner).last()?;
    let block_open = open + opener.end() - 1;
    if at >= block_end(text, block_open, syntax)? {
        return None;
    }
    Some(AppResource {
        kind,
        identity_body,
    })
}

/// The block of the Bicep site a `sites/config` resource names as its `parent:`.
fn parent_site(text: &str, config: &str, syntax: Syntax) -> Option<Range<usize>> {
    let parent = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("parent:"))?
        .trim();
    if parent.is_empty()
        || !parent
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let decl = format!("resource {parent} 'Microsoft.Web/sites@");
    let start = text.find(&decl)?;
    let open = start + text[start..].find('{')?;
    Some(start..block_end(text, open, syntax)?)
}

/// App Service reads Key Vault references with the system-assigned identity, or with a user-assigned one
/// named by `keyVaultReferenceIdentity` (Terraform `key_vault_reference_identity_id`). Only the app's own
/// block is read.
fn identity_check(resource: &str, iac: Iac) -> Check {
    let lower = resource.to_ascii_lowercase();
    let has_identity = match iac {
        Iac::Terraform => lower.contains("identity {") || lower.contains("identity{"),
        Iac::Bicep => lower.contains("identity:"),
    };
    if !has_identity {
        return Check::Unchecked(
            "the resource declares no managed identity here; App Service needs one to read the vault"
                .to_string(),
        );
    }
    if lower.contains("systemassigned") {
        return Check::Passed("the app has a system-assigned identity".to_string());
    }
    if lower.contains("key_vault_reference_identity_id")
        || lower.contains("keyvaultreferenceidentity")
    {
        return Check::Passed(
            "the app names the user-assigned identity that reads Key Vault references".to_string(),
        );
    }
    Check::Failed(
        "the app has only a user-assigned identity and no keyVaultReferenceIdentity (Terraform key_vault_reference_identity_id), so App Service could not read the reference".to_string(),
    )
}
