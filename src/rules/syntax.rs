//! The serialised form of a rule pack: a serde mirror of the TOML files under `rules/`.
//!
//! Nothing here is compiled or checked beyond what serde does; `compile.rs` turns a `PackSyntax` into a
//! `Pack` once and reports every problem with the pack file, the rule id and the TOML line. Keeping the two
//! forms apart means the TOML layout can be documented from this file alone.

use serde::Deserialize;

/// One TOML file: a pack groups the rules that target one service, together with that service's remediation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackSyntax {
    pub pack: PackHeader,
    #[serde(default)]
    pub remediation: Option<RemediationSyntax>,
    #[serde(default)]
    pub rules: Vec<toml::Spanned<RuleSyntax>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// Kebab-case id; every rule id in the pack starts with `<id>.`.
    pub id: String,
    /// The service the pack targets, shown in reports ("Azure SQL Database").
    pub service: String,
    #[serde(default)]
    pub description: String,
}

/// How to get rid of the secret for good. `summary` is one sentence and may name captures as `{server}`;
/// a capture the file did not supply is rendered as `<server>`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RemediationSyntax {
    /// `managed-identity` when the target accepts Entra tokens, `key-vault` when the secret can only be moved.
    pub kind: String,
    pub summary: String,
    /// Longer guidance in Markdown, used for SARIF `help.markdown` and `keyless explain`.
    #[serde(default)]
    pub guide: String,
    #[serde(default)]
    pub docs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Overrides the pack's service, for packs of unrelated services (third-party tokens).
    #[serde(default)]
    pub service: Option<String>,
    pub severity: String,
    pub confidence: String,
    pub keywords: Vec<String>,
    pub regex: String,
    /// Bytes on each side of a keyword hit that the regex may see (default 256, at most 16 KiB).
    #[serde(default)]
    pub window: Option<usize>,
    /// Higher wins when two rules match the same secret.
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub min_length: Option<usize>,
    /// Globs on the reported path; when present the rule only runs on matching files.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes on the normalised secret; a match means "not a secret".
    #[serde(default)]
    pub allow: Vec<String>,
    /// A checksum the secret must carry: `azure-identifiable` (Marvin32 over the decoded key).
    #[serde(default)]
    pub checksum: Option<String>,
    /// Key-kind names whose seeds may validate the checksum, e.g. `["Default0"]`.
    #[serde(default)]
    pub checksum_seeds: Vec<String>,
    /// Use another pack's remediation (its id), or `key-vault` for the Key Vault route, instead of this
    /// pack's: for a rule whose target cannot take the pack's managed-identity replacement.
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}
