//! The remediation a finding carries, as plain data: `remediation` renders it (for the target, host and
//! language it infers), `report` writes it, `fix` reads its steps. Kept apart from the renderer so that a
//! finding holds data and needs nothing above it.
//!
//! Its texts are `Arc<str>` and its command lists `Arc<[Command]>` so that an [`Interner`] can make
//! equal ones one allocation: most of a remediation (notes, links, the steps that enable an identity or
//! grant a role) is the same for every finding of a rule, and a file with 250,000 findings held 250,000
//! copies of it (2.3 GB). Serialised, an `Arc<str>` is its string, so reports do not change.

use crate::host::Host;
use crate::rules::{Command, RemediationKind};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Rendered {
    pub kind: RemediationKind,
    /// One sentence: what to write instead, with the file's own names.
    pub summary: Arc<str>,
    pub target: Option<Target>,
    pub host: Option<Host>,
    pub host_evidence: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_evidence: Option<Arc<str>>,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<Sdk>,
    pub notes: Arc<[Arc<str>]>,
    pub docs: Arc<[Arc<str>]>,
    /// The rewrite `keyless fix` would make, with its preconditions, where one exists. Boxed, as the
    /// site below: most findings have neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<FixSuggestion>>,
    /// For a secret in infrastructure code: the dialect, the resource that takes the value and the
    /// argument or variable that carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub infrastructure: Option<Box<Site>>,
    /// No identity can replace the value, so it stays a secret and moves to Key Vault: the Key Vault
    /// route, or the infrastructure route's "a secret must exist" case. `keyless fix --key-vault` rewrites
    /// only these.
    #[serde(skip)]
    pub secret_stays: bool,
}

impl Rendered {
    /// The empty remediation of a finding not rendered yet, shared by all of them (one allocation, not
    /// one per finding).
    pub fn none() -> Arc<Rendered> {
        static NONE: LazyLock<Arc<Rendered>> = LazyLock::new(|| Arc::new(Rendered::default()));
        NONE.clone()
    }
}

/// Makes equal texts and equal command lists of rendered remediations one shared allocation. A scan
/// renders one remediation per finding, and all but a few of its texts (a summary, the commands that
/// name the setting or the account) are the same for every finding of a rule on one host; a file with
/// 250,000 findings held 250,000 copies of those. Lives for one pass over the findings; what it shared
/// stays shared after it is dropped.
#[derive(Default)]
pub struct Interner {
    texts: HashSet<Arc<str>>,
    commands: HashSet<Arc<[Command]>>,
    lists: HashSet<Arc<[Arc<str>]>>,
}

impl Interner {
    /// Replaces every text and list of `r` by the equal one seen before, if any.
    pub fn intern(&mut self, r: &mut Rendered) {
        self.text(&mut r.summary);
        self.text(&mut r.host_evidence);
        for t in r.language.iter_mut().chain(r.language_evidence.iter_mut()) {
            self.text(t);
        }
        for step in &mut r.steps {
            self.text(&mut step.title);
            self.commands(&mut step.commands);
        }
        // Steps are pushed one by one; the spare room would stay allocated for the whole run.
        r.steps.shrink_to_fit();
        if let Some(rep) = &mut r.replacement {
            self.text(&mut rep.before);
            self.text(&mut rep.after);
        }
        if let Some(sdk) = &mut r.sdk {
            self.text(&mut sdk.language);
            self.text(&mut sdk.code);
        }
        self.texts(&mut r.notes);
        self.texts(&mut r.docs);
        if let Some(fix) = &mut r.fix {
            self.text(&mut fix.description);
            self.texts(&mut fix.checks);
            self.text(&mut fix.inserted);
        }
    }

    fn texts(&mut self, list: &mut Arc<[Arc<str>]>) {
        if let Some(shared) = self.lists.get(&**list) {
            *list = shared.clone();
            return;
        }
        match Arc::get_mut(list) {
            Some(own) => own.iter_mut().for_each(|t| self.text(t)),
            None => {
                let mut own = list.to_vec();
                own.iter_mut().for_each(|t| self.text(t));
                *list = own.into();
            }
        }
        remember(&mut self.lists, list.clone());
    }

    fn text(&mut self, t: &mut Arc<str>) {
        match self.texts.get(&**t) {
            Some(shared) => *t = shared.clone(),
            None => remember(&mut self.texts, t.clone()),
        }
    }

    fn commands(&mut self, list: &mut Arc<[Command]>) {
        if let Some(shared) = self.commands.get(&**list) {
            *list = shared.clone();
            return;
        }
        // A list seen for the first time may still hold texts seen before (a grant shared by two
        // rules, a rotation step beside a different one).
        match Arc::get_mut(list) {
            Some(own) => own.iter_mut().for_each(|c| self.text(&mut c.text)),
            None => {
                let mut own = list.to_vec();
                own.iter_mut().for_each(|c| self.text(&mut c.text));
                *list = own.into();
            }
        }
        remember(&mut self.commands, list.clone());
    }
}

/// How many values an [`Interner`] set holds before it starts afresh. Most texts are seen once (they
/// name the finding's own setting or account), and remembering all of them took 80 MB of tables for
/// 250,000 findings; a text shared by many findings is remembered again by the next one after a fresh
/// start, so forgetting costs one more copy of each.
const INTERNER_LIMIT: usize = 1 << 16;

fn remember<T: ?Sized + Eq + std::hash::Hash>(set: &mut HashSet<Arc<T>>, value: Arc<T>) {
    if set.len() >= INTERNER_LIMIT {
        *set = HashSet::new();
    }
    set.insert(value);
}

/// A rewrite of the source as a region and its new text (SARIF `fixes`), and whether its preconditions
/// held.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FixSuggestion {
    pub description: Arc<str>,
    /// True when every precondition was checked and held: `keyless fix` applies it without `--force`.
    pub safe_to_apply: bool,
    pub checks: Arc<[Arc<str>]>,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub inserted: Arc<str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    pub title: Arc<str>,
    pub commands: Arc<[Command]>,
}

/// The masked source line and what to write in its place.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Replacement {
    pub before: Arc<str>,
    pub after: Arc<str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Sdk {
    pub language: Arc<str>,
    pub code: Arc<str>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Shell;

    fn rendered(setting: &str) -> Rendered {
        let command = |text: String| Command {
            shell: Shell::Bash,
            text: text.into(),
        };
        Rendered {
            summary: format!("Move {setting} to Key Vault.").into(),
            host_evidence: String::from("no hosting evidence").into(),
            steps: vec![
                Step {
                    title: String::from("Enable a managed identity").into(),
                    commands: vec![command("az vm identity assign".to_string())].into(),
                },
                Step {
                    title: String::from("Store the new value").into(),
                    commands: vec![command(format!("az keyvault secret set -n {setting}"))].into(),
                },
            ],
            notes: vec![String::from("Rotate it.").into()].into(),
            docs: vec![String::from("https://learn.microsoft.com/").into()].into(),
            ..Rendered::default()
        }
    }

    /// Equal texts and lists built apart become one allocation, different ones stay apart, and nothing
    /// that is serialised changes.
    #[test]
    fn interning_shares_equal_texts_and_changes_no_output() {
        let (mut a, mut b) = (rendered("DB_PASSWORD"), rendered("API_KEY"));
        let before = serde_json::to_string(&[&a, &b]).unwrap();
        assert!(!Arc::ptr_eq(&a.host_evidence, &b.host_evidence));
        let mut interner = Interner::default();
        interner.intern(&mut a);
        interner.intern(&mut b);
        assert_eq!(serde_json::to_string(&[&a, &b]).unwrap(), before);
        assert!(Arc::ptr_eq(&a.host_evidence, &b.host_evidence));
        assert!(Arc::ptr_eq(&a.notes, &b.notes) && Arc::ptr_eq(&a.docs, &b.docs));
        assert!(Arc::ptr_eq(&a.steps[0].commands, &b.steps[0].commands));
        assert!(Arc::ptr_eq(&a.steps[1].title, &b.steps[1].title));
        assert!(!Arc::ptr_eq(&a.steps[1].commands, &b.steps[1].commands));
        assert!(!Arc::ptr_eq(&a.summary, &b.summary));
    }

    /// The interner forgets what it saw once a set is full, so its tables stay small however many
    /// findings pass; texts seen after that are shared again from the next one on.
    #[test]
    fn interner_tables_stay_bounded() {
        let mut interner = Interner::default();
        for i in 0..INTERNER_LIMIT + 10 {
            interner.intern(&mut rendered(&format!("SETTING_{i}")));
            assert!(interner.texts.len() <= INTERNER_LIMIT);
            assert!(interner.commands.len() <= INTERNER_LIMIT);
        }
        let (mut a, mut b) = (rendered("X"), rendered("Y"));
        interner.intern(&mut a);
        interner.intern(&mut b);
        assert!(Arc::ptr_eq(&a.steps[0].commands, &b.steps[0].commands));
    }
}
