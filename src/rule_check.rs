//! `keyless rules check`: every rule proves itself on its own examples. It runs the engine (`detect`) on
//! the packs (`rules`), so it sits above both: rules stay data that the engine reads.
//!
//! Each positive example must produce a finding of that rule through the real engine (keywords, window,
//! regex and validators), and each negative example must produce none; so a keyword typo or an over-eager
//! placeholder filter shows up here rather than as a silent miss in production.

use crate::detect::Detector;
use crate::rules::RuleSet;
use std::sync::Arc;

/// Rules need at least this many examples and negative examples.
pub const MIN_EXAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    pub file: String,
    pub line: usize,
    pub rule: String,
    pub message: String,
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: rule {}: {}",
            self.file, self.line, self.rule, self.message
        )
    }
}

pub fn check(rules: Arc<RuleSet>) -> Vec<CheckFailure> {
    let detector = Detector::new(rules.clone());
    let mut scanner = detector.scanner();
    let mut failures = Vec::new();
    for (i, rule) in rules.rules.iter().enumerate() {
        let mut fail = |message: String| {
            failures.push(CheckFailure {
                file: rule.file.clone(),
                line: rule.line,
                rule: rule.id.to_string(),
                message,
            })
        };
        if let Err(e) = rule.try_compile() {
            fail(format!("regex does not compile: {e}"));
            continue;
        }
        if rule.examples.len() < MIN_EXAMPLES {
            fail(format!(
                "has {} examples; at least {MIN_EXAMPLES} are required",
                rule.examples.len()
            ));
        }
        if rule.negative_examples.len() < MIN_EXAMPLES {
            fail(format!(
                "has {} negative examples; at least {MIN_EXAMPLES} are required",
                rule.negative_examples.len()
            ));
        }
        for (n, ex) in rule.examples.iter().enumerate() {
            if scanner.scan_rule(i, ex).is_empty() {
                fail(format!("example {} does not match: {}", n + 1, shorten(ex)));
            }
        }
        for (n, ex) in rule.negative_examples.iter().enumerate() {
            if !scanner.scan_rule(i, ex).is_empty() {
                fail(format!(
                    "negative example {} matches: {}",
                    n + 1,
                    shorten(ex)
                ));
            }
        }
    }
    for pack in rules.packs.iter().filter(|p| p.is_builtin) {
        let r = &pack.remediation;
        let mut missing = Vec::new();
        if !pack.has_own_remediation {
            missing.push("a [remediation] table");
        }
        if r.docs.is_empty() {
            missing.push("a doc link");
        }
        if r.guide.is_empty() {
            missing.push("a guide");
        }
        if r.kind == crate::rules::RemediationKind::ManagedIdentity
            && !every_rule_borrows(&rules, pack)
        {
            let pack_rules: Vec<&crate::rules::Rule> = rules
                .rules
                .iter()
                .filter(|rule| std::ptr::eq(rules.pack_of(rule), pack))
                .collect();
            let borrows = |rule: &&crate::rules::Rule| {
                rule.remediation != crate::rules::RemediationSource::Pack(rule.pack)
            };
            let own: Vec<&&crate::rules::Rule> =
                pack_rules.iter().filter(|rule| !borrows(rule)).collect();
            if r.after.is_none() && own.iter().any(|rule| rule.after.is_none()) {
                missing.push("the identity-based form (`after`, on the pack or every rule)");
            }
            if r.role.is_none() && r.grant.is_empty() {
                missing.push("a grant (`role` or `grant`)");
            }
            if r.harden.is_empty() {
                missing.push("a hardening step (`harden`)");
            }
            // A service with a passwordless mode says how infrastructure code turns the secret off.
            if r.iac.is_empty() {
                missing.push("infrastructure data (`[[remediation.iac]]`)");
            }
            if r.iac
                .iter()
                .any(|i| i.terraform.is_empty() && i.bicep.is_empty())
            {
                missing.push("a Terraform or Bicep form in every `[[remediation.iac]]` entry");
            }
            let only_info = own
                .iter()
                .all(|rule| rule.severity == crate::severity::Severity::Info);
            if r.rotate.is_empty() && !only_info && !own.is_empty() {
                missing.push("a rotation step (`rotate`)");
            }
        }
        if !missing.is_empty() {
            failures.push(CheckFailure {
                file: pack.file.clone(),
                line: 1,
                rule: format!("{}.*", pack.id),
                message: format!("built-in pack lacks {}", missing.join(", ")),
            });
        }
    }
    failures
}

/// A pack whose rules all use another pack's remediation (`remediation = "..."`) has no own data to check.
fn every_rule_borrows(rules: &RuleSet, pack: &crate::rules::Pack) -> bool {
    let mut own = rules
        .rules
        .iter()
        .filter(|rule| std::ptr::eq(rules.pack_of(rule), pack))
        .peekable();
    own.peek().is_some()
        && own.all(|rule| rule.remediation != crate::rules::RemediationSource::Pack(rule.pack))
}

fn shorten(s: &str) -> String {
    let one_line = s.replace('\n', "\\n");
    if one_line.chars().count() > 80 {
        one_line.chars().take(77).collect::<String>() + "..."
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passwordless_service_without_infrastructure_data_fails_the_check() {
        let mut rules = RuleSet::builtin().unwrap();
        assert!(check(Arc::new(RuleSet::builtin().unwrap())).is_empty());
        let sql = rules
            .packs
            .iter_mut()
            .find(|p| p.id == "azure-sql")
            .unwrap();
        sql.remediation.iac.clear();
        let failures = check(Arc::new(rules));
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0].message.contains("[[remediation.iac]]"),
            "{}",
            failures[0].message
        );
    }

    #[test]
    fn every_resource_type_has_one_infrastructure_entry() {
        let rules = RuleSet::builtin().unwrap();
        let mut seen = std::collections::BTreeMap::new();
        for pack in &rules.packs {
            for entry in &pack.remediation.iac {
                for t in &entry.resources {
                    let key = (t.clone(), entry.settings.clone());
                    assert!(
                        seen.insert(key, pack.id.clone()).is_none(),
                        "{t} is described twice"
                    );
                }
            }
        }
        // The kinds the infrastructure route promises, in Terraform and in ARM/Bicep.
        for t in [
            "azurerm_mssql_server",
            "microsoft.sql/servers",
            "azurerm_mssql_managed_instance",
            "azurerm_postgresql_flexible_server",
            "microsoft.dbforpostgresql/flexibleservers",
            "azurerm_mysql_flexible_server",
            "azurerm_linux_virtual_machine",
            "microsoft.compute/virtualmachines",
            "azurerm_kubernetes_cluster",
            "microsoft.containerservice/managedclusters",
            "azurerm_container_registry",
            "azurerm_storage_account",
            "microsoft.storage/storageaccounts",
            "azurerm_servicebus_namespace",
            "azurerm_eventhub_namespace",
            "azurerm_cosmosdb_account",
            "azurerm_redis_cache",
            "azurerm_app_configuration",
            "azurerm_cognitive_account",
            "microsoft.cognitiveservices/accounts",
        ] {
            assert!(
                seen.keys().any(|(r, _)| r == t),
                "no infrastructure entry for {t}"
            );
        }
    }
}
