//! Rewrites of infrastructure code that take a password literal out of the definition.
//!
//! - A Bicep `@secure()` parameter loses its default value: every deployment then has to pass it (from Key
//!   Vault with `getSecret()` or `az.getSecret()`).
//! - A password argument of a Terraform resource becomes `random_password.<name>.result`, and the
//!   `random_password` resource is added just before the block (unless the file already has one of that
//!   name).
//!
//! Neither can be proven safe from the file: a deployment may still pass nothing, and applying a new
//! password changes it on the deployed resource under whatever still signs in with the old one. So each
//! carries an unchecked precondition that says so, and `keyless fix` applies it only with `--force`.

use super::{enclosing_value, Check, Rewrite};
use crate::finding::{Finding, LineIndex};
use crate::remediation::iac::{block_end, is_app_service, Syntax};
use crate::remediation::infrastructure::identifier;
use crate::rendered::{Dialect, Site};
use regex::Regex;
use std::sync::LazyLock;

/// Whether the finding sits where one of these rewrites applies: a Bicep parameter's default, or a
/// password argument of a Terraform resource (not an app setting, whose password belongs to some other
/// service, and not a provider).
pub fn can_rewrite(f: &Finding) -> bool {
    f.remediation
        .infrastructure
        .as_ref()
        .is_some_and(|s| bicep_parameter(s).is_some() || terraform_password(s).is_some())
}

fn bicep_parameter(s: &Site) -> Option<&str> {
    (s.dialect == Dialect::Bicep).then_some(())?;
    s.variable.as_deref()
}

/// The resource (`type.name`) and argument of a Terraform password literal.
fn terraform_password(s: &Site) -> Option<(&str, &str)> {
    let resource = s.resource.as_deref()?;
    let setting = s.setting.as_deref()?;
    let kind = s.resource_type.as_deref()?;
    let applies = s.dialect == Dialect::Terraform
        && s.variable.is_none()
        && s.defined_in.is_none()
        && kind.starts_with("azurerm_")
        && !is_app_service(kind)
        && setting.to_ascii_lowercase().contains("password");
    applies.then_some((resource, setting))
}

/// The rewrite for a finding whose secret starts at `at` in `text`, if one applies.
pub fn plan(text: &str, lines: &LineIndex, at: usize, f: &Finding) -> Option<Rewrite> {
    let site = f.remediation.infrastructure.as_ref()?;
    if let Some(name) = bicep_parameter(site) {
        return drop_bicep_default(text, lines, at, f, name);
    }
    let (resource, setting) = terraform_password(site)?;
    random_password(text, lines, at, f, resource, setting)
}

fn drop_bicep_default(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    name: &str,
) -> Option<Rewrite> {
    static PARAM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[ \t]*param[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+[A-Za-z_][A-Za-z0-9_.]*(?P<default>[ \t]*=[ \t]*'(?:[^'\\\r\n]|\\.)*')[ \t]*(?://.*)?$")
            .unwrap()
    });
    let line = lines.line_of(at);
    let range = lines.line_range(text, line);
    let c = PARAM.captures(&text[range.clone()])?;
    if &c[1] != name {
        return None;
    }
    let default = c.name("default")?;
    let edit = range.start + default.start()..range.start + default.end();
    if !edit.contains(&at) {
        return None;
    }
    // Decorators stand on the lines above the declaration.
    let secure = (1..line)
        .rev()
        .map(|l| text[lines.line_range(text, l)].trim())
        .take_while(|l| l.starts_with('@') || l.starts_with("//"))
        .any(|l| l.starts_with("@secure()"));
    let checks = vec![
        if secure {
            Check::Passed(format!(
                "{name} is @secure(): a value passed at deployment is not logged"
            ))
        } else {
            Check::Failed(format!(
                "{name} is not @secure(): add @secure() first, or the value it receives shows in the deployment history"
            ))
        },
        Check::Unchecked(format!(
            "every deployment must now pass {name} (getSecret() on a vault in the calling Bicep file, or az.getSecret() in a .bicepparam); whether they do cannot be seen from this file"
        )),
    ];
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.to_string(),
        description: format!(
            "@secure() param {name}: default value removed; pass it from Key Vault at deployment"
        ),
        edit: (edit, String::new()),
        checks,
    })
}

fn random_password(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    resource: &str,
    setting: &str,
) -> Option<Rewrite> {
    let value = enclosing_value(text, lines, at)?;
    let literal = &text[value.clone()];
    // Only a plain literal: an interpolation or escape is partly built elsewhere.
    if ["${", "%{", "\\"].iter().any(|m| literal.contains(m))
        || text.as_bytes().get(value.start.checked_sub(1)?) != Some(&b'"')
    {
        return None;
    }
    let quoted = value.start - 1..value.end + 1;
    let (kind, name) = resource.split_once('.')?;
    let opener = format!("resource \"{kind}\" \"{name}\"");
    let block_start = text[..at].rfind(&opener)?;
    let open = block_start + text[block_start..at].find('{')?;
    if block_end(text, open, Syntax::Hcl)? <= at {
        return None;
    }
    let ident = identifier(&format!("{name}_{setting}"));
    let reference = format!("random_password.{ident}.result");
    let declared = text.contains(&format!("resource \"random_password\" \"{ident}\""));
    let (edit, inserted) = if declared {
        (quoted, reference.clone())
    } else {
        (
            block_start..quoted.end,
            format!(
                "resource \"random_password\" \"{ident}\" {{\n  length  = 32\n  special = true\n}}\n\n{}{reference}",
                &text[block_start..quoted.start]
            ),
        )
    };
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.to_string(),
        description: format!(
            "{setting} of {resource} → {reference}{} (keep it in Key Vault with azurerm_key_vault_secret if anything must read it)",
            if declared { "" } else { ", a random_password added above the resource" }
        ),
        edit: (edit, inserted),
        checks: vec![
            Check::Passed(format!("{setting} of {resource} is a plain literal")),
            Check::Unchecked(format!(
                "applying it sets a new password on {resource}: whatever still signs in with the old one must move first, which cannot be seen from this file"
            )),
        ],
    })
}
