//! `keyless explain RULE-ID | FINGERPRINT`.

use super::{fingerprint_key, remediation_context, write_stdout, Outcome};
use crate::cli::{ExplainArgs, ScanArgs};
use crate::config::Config;
use crate::detect::Detector;
use crate::report;
use crate::rules::RuleSet;
use crate::{remediation, scan};
use anyhow::Result;
use std::sync::Arc;

/// `keyless explain`: the guide of a rule, or the rendered remediation of the findings with a fingerprint.
pub fn explain(args: &ExplainArgs) -> Result<Outcome> {
    let rules = Arc::new(RuleSet::builtin()?);
    let mut out = String::new();
    if let Some(i) = rules.rule_index(&args.what) {
        let rule = &rules.rules[i];
        out.push_str(&report::sarif::help_markdown(rule, &rules));
        let example = crate::finding::Finding::placeholder(rule, i);
        let ctx = remediation::Context {
            host: args.remediation.host,
            placeholders: remediation::Placeholders {
                client_id: args.remediation.client_id.clone(),
                key_vault: args.remediation.key_vault.clone(),
            },
            top: None,
            plan_fixes: false,
            roots: Vec::new(),
        };
        let mut r = rules.remediation_of(rule).clone();
        if rule.after.is_some() {
            r.after = rule.after.clone();
        }
        let rendered = remediation::render(
            &r,
            &example,
            &ctx,
            &mut remediation::host::Neighbours::default(),
        );
        out.push_str("\n### Steps\n\n");
        out.push_str(&report::human::steps(&rendered));
        write_stdout(out.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    if args.what.len() != 64 || !args.what.bytes().all(|b| b.is_ascii_hexdigit()) {
        anyhow::bail!(
            "explain {}: not a rule id (see `keyless rules list`) nor a 64-character fingerprint",
            args.what
        );
    }
    let mut scan_args = ScanArgs::parse_default();
    scan_args.remediation = args.remediation.clone();
    let config = Config::from_args(&scan_args)?;
    let detector = Detector::new(rules.clone());
    let key = fingerprint_key(&config);
    let mut outcome = scan::run(&config, &detector, &key);
    outcome.findings.retain(|f| f.fingerprint == args.what);
    if outcome.findings.is_empty() {
        anyhow::bail!(
            "explain {}: no finding with this fingerprint under the current folder",
            args.what
        );
    }
    let rctx = remediation_context(&args.remediation, &config);
    remediation::attach(&rules, &mut outcome.findings, &rctx);
    for f in &outcome.findings {
        out.push_str(&format!(
            "{}:{}:{}  {}  {}\n  | {}\n\n{}\n\n",
            f.path, f.line, f.column, f.rule_id, f.title, f.snippet, f.remediation.summary
        ));
        out.push_str(&report::human::steps(&f.remediation));
        for n in f.remediation.notes.iter() {
            out.push_str(&format!("Note: {n}\n"));
        }
        out.push('\n');
    }
    write_stdout(out.as_bytes())?;
    Ok(Outcome::Clean)
}
