//! SARIF 2.1.0 for GitHub code scanning and Azure DevOps, built with serde-sarif.
//!
//! Choices that matter to those consumers: rule ids are the stable kebab-case ids; every enabled rule is
//! listed with its remediation in `help.markdown` (GitHub shows it beside each alert), or with
//! [`SarifRules::Referenced`] only the rules that have a result (SARIF 2.1.0 does not ask `rules` to be
//! complete, only that each `ruleIndex` points at its rule in the array as written), which keeps an audit's
//! thousands of reports at kilobytes instead of the 1.3 MB of every rule's help; the result message
//! names the credential and its replacement with the file's own names, because that message is all GitHub
//! shows per alert; the snippet is masked; `partialFingerprints` carries the content fingerprint so an
//! alert survives its line moving. GitHub accepts at most 25,000 results per run.

pub use crate::cli::SarifRules;
use crate::finding::Finding;
use crate::rules::{Rule, RuleSet};
use crate::scan::ScanOutcome;
use crate::severity::{Confidence, Severity};
use serde_sarif::sarif::{
    ArtifactContent, ArtifactLocation, Invocation, Location, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool,
    ToolComponent,
};
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const MAX_RESULTS: usize = 25_000;
pub const FINGERPRINT_NAME: &str = "keyless/v1";
/// The category of a scan of files, staged changes or a diff (`--history` has its own).
pub const DEFAULT_AUTOMATION_ID: &str = "keyless/";
/// The notification that says a report was cut to [`MAX_RESULTS`].
pub const TRUNCATED_ID: &str = "keyless/results-truncated";
/// The base every artifact URI is relative to (the name GitHub code scanning and Azure DevOps expect).
pub const SRCROOT: &str = "%SRCROOT%";
const INFORMATION_URI: &str = "https://github.com/keyless-scanner/keyless";
const MAX_DESCRIPTION: usize = 1024;

pub fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        _ => "note",
    }
}

/// What a SARIF log is made with besides the findings.
#[derive(Clone, Copy)]
pub struct SarifOptions<'a> {
    /// `automationDetails.id`; None for [`DEFAULT_AUTOMATION_ID`].
    pub automation_id: Option<&'a str>,
    pub rules: SarifRules,
}

pub fn render(outcome: &ScanOutcome, rules: &RuleSet, options: SarifOptions<'_>) -> String {
    let mut out = Vec::new();
    write(outcome, rules, options, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The log serialised into `out`, with a final newline.
pub fn write(
    outcome: &ScanOutcome,
    rules: &RuleSet,
    options: SarifOptions<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &build(outcome, rules, options))?;
    out.write_all(b"\n")
}

pub fn build(outcome: &ScanOutcome, rules: &RuleSet, options: SarifOptions<'_>) -> Sarif {
    let shown = &outcome.findings[..outcome.findings.len().min(MAX_RESULTS)];
    let listed = listed_rules(rules, shown, options.rules);
    let descriptors: Vec<ReportingDescriptor> = listed
        .iter()
        .map(|&i| descriptor(&rules.rules[i], rules))
        .collect();
    let driver = ToolComponent::builder()
        .name("keyless")
        .full_name(concat!("keyless ", env!("CARGO_PKG_VERSION")))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(descriptors)
        .build();

    let results: Vec<SarifResult> = shown
        .iter()
        .map(|f| {
            // `listed` is sorted, so a result's ruleIndex is where its rule landed in the array.
            let index = listed
                .binary_search(&f.rule_index)
                .expect("every shown finding's rule is listed");
            result(f, index)
        })
        .collect();

    let mut notifications: Vec<Notification> = outcome
        .errors
        .iter()
        .map(|e| {
            Notification::builder()
                .level("error")
                .message(
                    Message::builder()
                        .text(format!("{}: {}", e.path, e.message))
                        .build(),
                )
                .locations(vec![Location::builder()
                    .physical_location(
                        PhysicalLocation::builder()
                            .artifact_location(artifact(&e.path))
                            .build(),
                    )
                    .build()])
                .build()
        })
        .collect();
    if outcome.findings.len() > MAX_RESULTS {
        let total = outcome.findings.len();
        notifications.push(
            Notification::builder()
                .level("warning")
                .descriptor(
                    serde_sarif::sarif::ReportingDescriptorReference::builder()
                        .id(TRUNCATED_ID)
                        .build(),
                )
                .message(
                    Message::builder()
                        .text(format!(
                            "{total} findings; this run holds the first {MAX_RESULTS} (GitHub code scanning takes at most {MAX_RESULTS} results a run) and {} left out. Use --format json for all of them.",
                            total - MAX_RESULTS
                        ))
                        .build(),
                )
                .build(),
        );
    }
    let invocation = Invocation::builder()
        .execution_successful(outcome.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();

    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .column_kind("unicodeCodePoints")
        .invocations(vec![invocation])
        .results(results)
        .build();
    // SARIF 3.14.14: say what %SRCROOT% stands for. Its absolute URI is left out on purpose (the spec
    // allows it): the report stays byte-for-byte the same on every machine and names no home folder.
    run.original_uri_base_ids = Some(BTreeMap::from([(
        SRCROOT.to_string(),
        ArtifactLocation::builder()
            .description(
                Message::builder()
                    .text(
                        "The folder the scan reported paths from: the top of the git work tree, \
                         else the one folder scanned, else the current folder.",
                    )
                    .build(),
            )
            .build(),
    )]));
    // GitHub Advanced Security for Azure DevOps refuses a run without automationDetails; GitHub code
    // scanning reads the id as the analysis category.
    run.automation_details = Some(
        serde_sarif::sarif::RunAutomationDetails::builder()
            .id(options
                .automation_id
                .unwrap_or(DEFAULT_AUTOMATION_ID)
                .to_string())
            .build(),
    );

    Sarif::builder()
        .schema(SCHEMA_URI)
        .version("2.1.0")
        .runs(vec![run])
        .build()
}

/// The indexes into `rules.rules` that `tool.driver.rules` lists, in the rule set's order: all of them,
/// or those of the findings shown.
fn listed_rules(rules: &RuleSet, shown: &[Finding], which: SarifRules) -> Vec<usize> {
    match which {
        SarifRules::All => (0..rules.rules.len()).collect(),
        SarifRules::Referenced => {
            let used: std::collections::BTreeSet<usize> =
                shown.iter().map(|f| f.rule_index).collect();
            used.into_iter().collect()
        }
    }
}

fn descriptor(rule: &Rule, rules: &RuleSet) -> ReportingDescriptor {
    let pack = rules.pack_of(rule);
    let remediation = rules.remediation_of(rule);
    let mut tags = vec![
        "security".to_string(),
        "secret".to_string(),
        tag(&rule.service),
        pack.id.clone(),
        format!("remediation:{}", kind_tag(remediation.kind)),
    ];
    tags.dedup();
    tags.truncate(20);
    let mut props = BTreeMap::new();
    if let Some(ss) = rule.severity.security_severity() {
        props.insert("security-severity".to_string(), serde_json::Value::from(ss));
    }
    props.insert(
        "precision".to_string(),
        serde_json::Value::from(match rule.confidence {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }),
    );
    props.insert(
        "severity".to_string(),
        serde_json::Value::from(rule.severity.as_str()),
    );

    let description = if rule.description.is_empty() {
        rule.title.to_string()
    } else {
        truncate(&rule.description, MAX_DESCRIPTION)
    };
    let mut descriptor = ReportingDescriptor::builder()
        .id(rule.id.to_string())
        .name(pascal_name(&rule.id))
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.title.to_string())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(description)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text(rule, rules))
                .markdown(help_markdown(rule, rules))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(level_name(rule.severity))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(props)
                .build(),
        )
        .build();
    descriptor.help_uri = remediation.docs.first().map(|d| d.to_string());
    descriptor
}

fn kind_tag(kind: crate::rules::RemediationKind) -> &'static str {
    match kind {
        crate::rules::RemediationKind::ManagedIdentity => "managed-identity",
        crate::rules::RemediationKind::KeyVault => "key-vault",
        crate::rules::RemediationKind::LocalDevelopment => "local-development",
        crate::rules::RemediationKind::Infrastructure => "infrastructure",
    }
}

fn help_text(rule: &Rule, rules: &RuleSet) -> String {
    let remediation = rules.remediation_of(rule);
    let summary = crate::remediation::rule_summary(&remediation.summary);
    let mut s = format!("{}\n\nReplace it: {summary}\n", rule.title);
    if !remediation.docs.is_empty() {
        s.push_str("\nDocs: ");
        s.push_str(&remediation.docs.join(" "));
        s.push('\n');
    }
    s
}

/// The guide GitHub shows beside an alert: what the rule finds, the managed-identity (or Key Vault)
/// replacement, and what to do with the value that leaked.
pub fn help_markdown(rule: &Rule, rules: &RuleSet) -> String {
    let r = rules.remediation_of(rule);
    let heading = match r.kind {
        crate::rules::RemediationKind::ManagedIdentity => "Replace it with a managed identity",
        crate::rules::RemediationKind::KeyVault => {
            "Move it to Key Vault and read it with a managed identity"
        }
        crate::rules::RemediationKind::LocalDevelopment => "Keep it out of the repository",
        crate::rules::RemediationKind::Infrastructure => "Turn the password off in the resource",
    };
    let mut md = format!("**{}** ({})\n\n", rule.title, rule.service);
    if !rule.description.is_empty() {
        md.push_str(&rule.description);
        md.push_str("\n\n");
    }
    let summary = crate::remediation::rule_summary(&r.summary);
    md.push_str(&format!("### {heading}\n\n{summary}\n\n"));
    if !r.guide.is_empty() {
        md.push_str(&r.guide);
        md.push_str("\n\n");
    }
    if rule.severity != crate::severity::Severity::Info {
        md.push_str(
            "### The value that leaked\n\nA committed secret stays in git history after the file is fixed: \
             rotate or revoke it once the replacement is deployed.\n",
        );
    }
    if !r.docs.is_empty() {
        md.push_str("\n### References\n\n");
        for d in r.docs.iter() {
            md.push_str(&format!("- <{d}>\n"));
        }
    }
    md
}

/// The result of one finding; `rule_index` is its rule's place in the log's `tool.driver.rules`.
fn result(f: &Finding, rule_index: usize) -> SarifResult {
    let region = Region::builder()
        .start_line(f.line as i64)
        .start_column(f.column as i64)
        .end_line(f.end_line as i64)
        .end_column(f.end_column as i64)
        .snippet(
            ArtifactContent::builder()
                .text(f.snippet.to_string())
                .build(),
        )
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(&f.path))
                .region(region)
                .build(),
        )
        .build();
    let mut props = BTreeMap::new();
    props.insert(
        "severity".to_string(),
        serde_json::Value::from(f.severity.as_str()),
    );
    props.insert(
        "confidence".to_string(),
        serde_json::Value::from(f.confidence.as_str()),
    );
    props.insert("service".to_string(), serde_json::Value::from(&*f.service));
    props.insert(
        "preview".to_string(),
        serde_json::Value::from(f.preview.clone()),
    );
    if let Some(secret) = &f.secret {
        props.insert(
            "secret".to_string(),
            serde_json::Value::from(secret.clone()),
        );
    }
    let mut result = SarifResult::builder()
        .rule_id(f.rule_id.to_string())
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(
            Message::builder()
                .text(format!(
                    "{} ({}). Replace it: {}",
                    f.title, f.preview, f.remediation.summary
                ))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_NAME.to_string(),
            f.fingerprint.clone(),
        )]))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    // SARIF's rank (0-100) is the result's priority; code scanning and viewers sort by it. Confidence is
    // what separates a generated key (90) from a weak test password (30).
    result.rank = Some(match f.confidence {
        Confidence::High => 90.0,
        Confidence::Medium => 60.0,
        Confidence::Low => 30.0,
    });
    result.fixes = f
        .remediation
        .fix
        .as_ref()
        .filter(|fix| fix.safe_to_apply)
        .map(|fix| {
            vec![serde_sarif::sarif::Fix::builder()
                .description(Message::builder().text(fix.description.to_string()).build())
                .artifact_changes(vec![serde_sarif::sarif::ArtifactChange::builder()
                    .artifact_location(artifact(&f.path))
                    .replacements(vec![serde_sarif::sarif::Replacement::builder()
                        .deleted_region(
                            Region::builder()
                                .start_line(fix.start_line as i64)
                                .start_column(fix.start_column as i64)
                                .end_line(fix.end_line as i64)
                                .end_column(fix.end_column as i64)
                                .build(),
                        )
                        .inserted_content(
                            ArtifactContent::builder()
                                .text(fix.inserted.to_string())
                                .build(),
                        )
                        .build()])
                    .build()])
                .build()]
        });
    result.suppressions = f.suppression.as_ref().map(|s| {
        vec![match s {
            crate::finding::Suppression::Inline { token } => Suppression::builder()
                .kind("inSource")
                .justification(format!("inline comment `{token}`"))
                .build(),
            crate::finding::Suppression::Baseline => Suppression::builder()
                .kind("external")
                .justification("accepted in the keyless baseline")
                .build(),
        }]
    });
    result
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(uri_encode(path))
        .uri_base_id(SRCROOT)
        .build()
}

/// Percent-encodes what may not appear in a relative URI reference, keeping `/` as the separator.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn tag(service: &str) -> String {
    service.to_ascii_lowercase().replace(' ', "-")
}

fn pascal_name(id: &str) -> String {
    id.split(['.', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_but_keep_slashes() {
        assert_eq!(uri_encode("a dir/ü.json"), "a%20dir/%C3%BC.json");
        assert_eq!(
            pascal_name("azure-sql.connection-string"),
            "AzureSqlConnectionString"
        );
    }
}
