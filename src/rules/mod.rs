//! Rule packs: loading (built-in and user packs), the compiled rule set, and `rules check`.
//!
//! A [`RuleSet`] is built once per run and shared read-only by every scanning thread.

pub mod builtin;
pub mod compile;
mod pattern;
pub mod remediation;
pub mod syntax;

pub use compile::{checksum_seed, Checksum, Pack, PackError, RemediationSource, Rule};
pub use remediation::{Command, Iac, Remediation, RemediationKind, Shell};

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct RuleSet {
    pub packs: Vec<Pack>,
    /// Sorted by id, so rule indices (SARIF `ruleIndex`) are stable.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in packs, then every pack under `extra` (a file, or a folder of `*.toml`), minus `disabled`.
    pub fn load(include_builtin: bool, extra: &[PathBuf], disabled: &[String]) -> Result<RuleSet> {
        RuleSet::load_with(include_builtin, &[], extra, disabled)
    }

    /// Like [`RuleSet::load`], with further packs given as `(name, text)`: `--diff` reads the packs that
    /// the merge-base's `.keyless.toml` names from the merge-base itself.
    pub fn load_with(
        include_builtin: bool,
        texts: &[(String, String)],
        extra: &[PathBuf],
        disabled: &[String],
    ) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        if include_builtin {
            for (file, compiled) in compile_builtin() {
                set.add_compiled(&file, compiled?)?;
            }
        }
        for (name, text) in texts {
            set.add_pack(name, text, false)?;
        }
        for path in extra {
            for file in pack_files(path)? {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading rule pack {}", file.display()))?;
                set.add_pack(&file.display().to_string(), &text, false)?;
            }
        }
        set.resolve_remediation_refs()?;
        set.disable(disabled)?;
        set.rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(set)
    }

    pub fn builtin() -> Result<RuleSet> {
        RuleSet::load(true, &[], &[])
    }

    fn add_pack(&mut self, file: &str, text: &str, is_builtin: bool) -> Result<()> {
        let compiled = compile::compile_pack(file, text, is_builtin, self.packs.len())?;
        self.add_compiled(file, compiled)
    }

    fn add_compiled(&mut self, file: &str, (pack, rules): (Pack, Vec<Rule>)) -> Result<()> {
        let is_builtin = pack.is_builtin;
        if let Some(other) = self.packs.iter().find(|p| p.id == pack.id) {
            bail!(
                "{file}: pack id '{}' is already used by {}",
                pack.id,
                other.file
            );
        }
        for (i, rule) in rules.iter().enumerate() {
            // An id defined twice, in another pack or earlier in this one.
            if let Some(other) = self
                .rules
                .iter()
                .chain(&rules[..i])
                .find(|r| r.id == rule.id)
            {
                bail!(
                    "{}:{}: rule {}: id already defined at {}:{}",
                    rule.file,
                    rule.line,
                    rule.id,
                    other.file,
                    other.line
                );
            }
        }
        // Built-in regexes are compiled lazily (the test suite compiles them all); a user's pack is compiled
        // now, so a regex over the size limit is a load error rather than a failure in the middle of a scan.
        if !is_builtin {
            for rule in &rules {
                rule.try_compile().map_err(|e| {
                    anyhow::anyhow!("{}:{}: rule {}: {e}", rule.file, rule.line, rule.id)
                })?;
            }
        }
        self.packs.push(pack);
        self.rules.extend(rules);
        Ok(())
    }

    fn resolve_remediation_refs(&mut self) -> Result<()> {
        for rule in &mut self.rules {
            let Some(reference) = rule.remediation_ref.as_deref() else {
                continue;
            };
            rule.remediation = if reference == "key-vault" {
                RemediationSource::KeyVault
            } else {
                match self.packs.iter().position(|p| p.id == reference) {
                    Some(i) => RemediationSource::Pack(i),
                    None => bail!(
                        "{}:{}: rule {}: remediation '{reference}' names no loaded pack (use a pack id or key-vault)",
                        rule.file,
                        rule.line,
                        rule.id
                    ),
                }
            };
        }
        Ok(())
    }

    /// The infrastructure entry of the pack that names `resource_type` (case-insensitive) and, if the
    /// entry lists settings, `setting`; with that pack's rotation commands.
    pub fn iac_for(
        &self,
        resource_type: &str,
        setting: Option<&str>,
    ) -> Option<(&Iac, &[Command])> {
        let t = resource_type.to_ascii_lowercase();
        let s = setting.map(remediation::setting_key);
        self.packs.iter().find_map(|p| {
            p.remediation
                .iac
                .iter()
                .find(|i| {
                    i.resources.contains(&t)
                        && (i.settings.is_empty()
                            || s.as_ref().is_some_and(|s| i.settings.contains(s)))
                })
                .map(|i| (i, p.remediation.rotate.as_slice()))
        })
    }

    /// Every resource type an infrastructure entry names (lower-case).
    pub fn iac_resource_types(&self) -> impl Iterator<Item = &str> {
        self.packs
            .iter()
            .flat_map(|p| p.remediation.iac.iter())
            .flat_map(|i| i.resources.iter().map(String::as_str))
    }

    /// The remediation that applies to `rule`: its pack's, or the one it borrows.
    pub fn remediation_of(&self, rule: &Rule) -> &Remediation {
        static KEY_VAULT: std::sync::OnceLock<Remediation> = std::sync::OnceLock::new();
        match rule.remediation {
            RemediationSource::Pack(i) => &self.packs[i].remediation,
            RemediationSource::KeyVault => KEY_VAULT.get_or_init(Remediation::key_vault_default),
        }
    }

    fn disable(&mut self, disabled: &[String]) -> Result<()> {
        let wanted: BTreeSet<&str> = disabled.iter().map(String::as_str).collect();
        for id in &wanted {
            if !self.rules.iter().any(|r| &*r.id == *id) {
                bail!("--disable-rule {id}: no such rule (see `keyless rules list`)");
            }
        }
        self.rules.retain(|r| !wanted.contains(&*r.id));
        Ok(())
    }

    pub fn pack_of(&self, rule: &Rule) -> &Pack {
        &self.packs[rule.pack]
    }

    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| (*r.id).cmp(id)).ok()
    }
}

/// A pack compiled, or why it could not be.
type Compiled = Result<(Pack, Vec<Rule>), PackError>;

/// The built-in packs compiled on as many threads as there are cores (at most four), in their order,
/// each with its file name. Parsing half a megabyte of TOML and checking 225 rules was most of the
/// pre-commit hook's start-up; the packs are independent until they are added to the set.
fn compile_builtin() -> Vec<(String, Compiled)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let mut done: Vec<(usize, (String, Compiled))> =
        crate::parallel::each_index(builtin::PACKS.len(), threads, Vec::new, |mine, i| {
            let (name, embedded) = builtin::PACKS[i];
            let file = format!("rules/{name}");
            let compiled = match embedded {
                builtin::Embedded::Json(json) => compile::compile_embedded(&file, json, i),
                builtin::Embedded::Toml(text) => compile::compile_pack(&file, text, true, i),
            };
            mine.push((i, (file, compiled)));
        })
        .into_iter()
        .flatten()
        .collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, c)| c).collect()
}

fn pack_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("reading rule pack {}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)
        .with_context(|| format!("reading rule folder {}", path.display()))?
    {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "toml") {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}
