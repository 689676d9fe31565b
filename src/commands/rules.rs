//! `keyless rules list` and `keyless rules check`.

use super::{write_stdout, Outcome};
use crate::cli::{ListFormat, RulesCheckArgs, RulesListArgs};
use crate::rule_check;
use crate::rules::RuleSet;
use anyhow::Result;
use serde::Serialize;
use std::sync::Arc;

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    title: &'a str,
    service: &'a str,
    severity: &'a str,
    confidence: &'a str,
    keywords: &'a [String],
}

pub fn list(args: &RulesListArgs) -> Result<Outcome> {
    let rules = RuleSet::load(true, &args.rules, &[])?;
    let listed: Vec<ListedRule<'_>> = rules
        .rules
        .iter()
        .map(|r| ListedRule {
            id: &r.id,
            title: &r.title,
            service: &r.service,
            severity: r.severity.as_str(),
            confidence: r.confidence.as_str(),
            keywords: &r.keywords,
        })
        .collect();
    let text = match args.format {
        ListFormat::Json => serde_json::to_string_pretty(&listed)? + "\n",
        ListFormat::Text => {
            let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in &listed {
                s.push_str(&format!(
                    "{:<width$}  {:<8}  {}  ({})\n",
                    r.id, r.severity, r.title, r.service
                ));
            }
            s.push_str(&format!("{} rules\n", listed.len()));
            s
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

pub fn check(args: &RulesCheckArgs) -> Result<Outcome> {
    let rules = Arc::new(RuleSet::load(args.paths.is_empty(), &args.paths, &[])?);
    let failures = rule_check::check(rules.clone());
    let mut out = String::new();
    for f in &failures {
        out.push_str(&format!("{f}\n"));
    }
    out.push_str(&format!(
        "checked {} rules in {} packs: {} failure{}\n",
        rules.rules.len(),
        rules.packs.len(),
        failures.len(),
        if failures.len() == 1 { "" } else { "s" }
    ));
    write_stdout(out.as_bytes())?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
