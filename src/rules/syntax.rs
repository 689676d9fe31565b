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

/// A built-in pack as `build.rs` embeds it: the same tables as [`PackSyntax`], read from JSON, with each
/// rule paired with the line of its `[[rules]]` table in the TOML file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedPackSyntax {
    pub pack: PackHeader,
    #[serde(default)]
    pub remediation: Option<RemediationSyntax>,
    #[serde(default)]
    pub rules: Vec<(usize, RuleSyntax)>,
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
    /// Azure RBAC role to grant the identity on the target (name and id), with the scope it applies to.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub role_id: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    /// Service-specific grant commands (a database user, a Cosmos DB or Redis data-plane assignment).
    #[serde(default)]
    pub grant: Vec<CommandSyntax>,
    /// The identity-based setting or connection string to write instead; `{name}` fills from captures.
    #[serde(default)]
    pub after: Option<String>,
    /// The same for a user-assigned identity (`{client_id}` is available).
    #[serde(default)]
    pub after_user_assigned: Option<String>,
    /// Commands that turn key or password access off once nothing uses it.
    #[serde(default)]
    pub harden: Vec<CommandSyntax>,
    /// What to do with the value that leaked: rotate, regenerate or revoke it.
    #[serde(default)]
    pub rotate: Vec<CommandSyntax>,
    /// The SDK snippet per language: `dotnet`, `java`, `python`, `javascript`, `go`.
    #[serde(default)]
    pub sdk: std::collections::BTreeMap<String, String>,
    /// How infrastructure code turns the password or key off, per resource kind (`[[remediation.iac]]`).
    #[serde(default)]
    pub iac: Vec<IacSyntax>,
}

/// The infrastructure answer for one kind of resource: what a Terraform or Bicep definition sets so that
/// the resource needs no password or key at all, and the grant that replaces it. Used when a secret sits
/// in infrastructure code, where nothing reads it at run time: the deployment does.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct IacSyntax {
    /// Resource types this entry is about: Terraform (`azurerm_mssql_server`) and ARM/Bicep
    /// (`Microsoft.Sql/servers`, without an API version). A Terraform provider block is `provider.azurerm`.
    pub resources: Vec<String>,
    /// The arguments or properties of those resources this entry is about (`admin_password`,
    /// `adminPassword`), case-insensitive; empty means any secret inside the resource. A secret in another
    /// setting of the same resource (a third-party key in a function app's settings) is not its business.
    #[serde(default)]
    pub settings: Vec<String>,
    /// One sentence: how the resource works without the secret. `{resource}` is the resource's name in
    /// the file, `{setting}` the argument or property that held the value.
    pub summary: String,
    /// The Terraform arguments to set instead (HCL).
    pub terraform: String,
    /// The Bicep properties to set instead (ARM JSON templates take the same properties).
    pub bicep: String,
    /// The grant that replaces the secret, in Terraform and in Bicep, and grants made outside ARM (a
    /// database user for the identity).
    #[serde(default)]
    pub grant_terraform: Option<String>,
    #[serde(default)]
    pub grant_bicep: Option<String>,
    #[serde(default)]
    pub grant: Vec<CommandSyntax>,
    /// Where every argument and property named above is defined: the provider's documentation and the
    /// ARM template reference.
    pub docs: Vec<String>,
}

/// A command shown to the user, with the shell it is written for.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommandSyntax {
    /// `bash`, `pwsh`, `sql` or `text` (a setting or snippet rather than a command).
    pub shell: String,
    pub text: String,
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
    /// The longest secret that counts. Bounding the length here rather than with a counted repetition
    /// (`{15,1999}`) keeps the regex small: each counted copy of a character class is another automaton
    /// state, and a regex too big for the lazy DFA falls back to a slow engine.
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Globs on the reported path; when present the rule only runs on matching files.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes on the normalised secret; a match means "not a secret".
    #[serde(default)]
    pub allow: Vec<String>,
    /// A checksum the secret must carry: `azure-identifiable` (Marvin32 over the decoded key) or `cask`
    /// (a common annotated security key's Marvin32 checksum, written at its end).
    #[serde(default)]
    pub checksum: Option<String>,
    /// Key-kind names whose seeds may validate the checksum, e.g. `["Default0"]` (`cask` defaults to it).
    #[serde(default)]
    pub checksum_seeds: Vec<String>,
    /// This rule's identity-based form, when it differs from the pack's `after` (a JDBC URL rather than an
    /// ADO.NET string, say).
    #[serde(default)]
    pub after: Option<String>,
    /// `credential`: the match is judged by the credential classifier (`src/detect/classify.rs`), which
    /// reads the `key_name` group and the text around the value, and sets each finding's confidence.
    /// `call-argument`: the same, for a rule that finds the value by its place among a call's arguments
    /// (`login("u", "p")`, `jwt.sign(payload, "...")`), so that being one argument among others does not
    /// count against it.
    #[serde(default)]
    pub classify: Option<String>,
    /// Use another pack's remediation (its id), or `key-vault` for the Key Vault route, instead of this
    /// pack's: for a rule whose target cannot take the pack's managed-identity replacement.
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}
