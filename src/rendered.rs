//! The remediation a finding carries, as plain data: `remediation` renders it (for the target, host and
//! language it infers), `report` writes it, `fix` reads its steps. Kept apart from the renderer so that a
//! finding holds data and needs nothing above it.

use crate::host::Host;
use crate::rules::{Command, RemediationKind};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Rendered {
    pub kind: RemediationKind,
    /// One sentence: what to write instead, with the file's own names.
    pub summary: String,
    pub target: Option<Target>,
    pub host: Option<Host>,
    pub host_evidence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_evidence: Option<String>,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<Sdk>,
    pub notes: Vec<String>,
    pub docs: Vec<String>,
    /// The rewrite `keyless fix` would make, with its preconditions, where one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixSuggestion>,
    /// For a secret in infrastructure code: the dialect, the resource that takes the value and the
    /// argument or variable that carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub infrastructure: Option<Site>,
    /// No identity can replace the value, so it stays a secret and moves to Key Vault: the Key Vault
    /// route, or the infrastructure route's "a secret must exist" case. `keyless fix --key-vault` rewrites
    /// only these.
    #[serde(skip)]
    pub secret_stays: bool,
}

/// A rewrite of the source as a region and its new text (SARIF `fixes`), and whether its preconditions
/// held.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FixSuggestion {
    pub description: String,
    /// True when every precondition was checked and held: `keyless fix` applies it without `--force`.
    pub safe_to_apply: bool,
    pub checks: Vec<String>,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub inserted: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    pub title: String,
    pub commands: Vec<Command>,
}

/// The masked source line and what to write in its place.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Replacement {
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sdk {
    pub language: String,
    pub code: String,
}

/// What the secret is for, from the host names the rule captured (`remediation::target` decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Azure,
    Local,
    Other,
    /// The finding names no host; the pack's own kind applies.
    Unknown,
}

/// The infrastructure-as-code dialects keyless recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    Terraform,
    /// `.tfvars`: values for a module's variables.
    TerraformVars,
    Bicep,
    /// `.bicepparam`: values for a Bicep file's parameters.
    BicepParams,
    /// An ARM JSON template.
    Arm,
    /// An ARM parameters file.
    ArmParameters,
    /// A Pulumi project or stack file (`Pulumi.yaml`, `Pulumi.<stack>.yaml`).
    Pulumi,
    /// An AWS CloudFormation template.
    CloudFormation,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Terraform => "Terraform",
            Dialect::TerraformVars => "Terraform (.tfvars)",
            Dialect::Bicep => "Bicep",
            Dialect::BicepParams => "Bicep (.bicepparam)",
            Dialect::Arm => "ARM",
            Dialect::ArmParameters => "ARM parameters",
            Dialect::Pulumi => "Pulumi",
            Dialect::CloudFormation => "CloudFormation",
        }
    }

    /// Terraform files show HCL; the others take Bicep's property names (ARM and Pulumi's azure-native
    /// provider name properties as ARM does).
    pub fn is_terraform(self) -> bool {
        matches!(self, Dialect::Terraform | Dialect::TerraformVars)
    }
}

/// What the file says about the place of one value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Site {
    pub dialect: Dialect,
    /// The type of the resource that takes the value (`azurerm_mssql_server`, `Microsoft.Sql/servers`,
    /// `provider.azurerm` for a Terraform provider block), directly or through a variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// That resource's name in the code: Terraform `azurerm_mssql_server.db`, a Bicep symbol, an ARM name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The argument or property the value is set on (`administrator_login_password`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// The variable or parameter that carries the value into the resource, when it is one's default or a
    /// parameters-file value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// The file that defines the resource, when it is not the finding's own (a sibling `.tf`, the template
    /// a parameters file is `using`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_in: Option<String>,
}
