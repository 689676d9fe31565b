//! Turns a pack's TOML text into checked, ready-to-use rules.
//!
//! Every problem is reported as a [`PackError`] that names the pack file, the rule id and the TOML line, so
//! a user who writes a pack can fix it without guessing. Regexes are parsed and their `secret` group checked
//! here, at load time, but compiled to automata only when a scan first needs them (see [`Rule::regex`]):
//! a pre-commit hook that touches three files should not pay for compiling every rule.

use super::pattern::{check_regex, stays_on_one_line, syntax_tree};
use super::remediation::{compile_remediation, Remediation};
use super::syntax::{EmbeddedPackSyntax, PackHeader, PackSyntax, RemediationSyntax, RuleSyntax};
use crate::severity::{Confidence, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use std::fmt;
use std::sync::OnceLock;

/// The longest window a rule may ask for: the regex of a rule never sees more than this around a hit.
pub const MAX_WINDOW: usize = 16 * 1024;
/// Window used when a rule does not set one: enough for a connection string on one line.
pub const DEFAULT_WINDOW: usize = 256;

/// A pack that could not be loaded, located as precisely as the TOML allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    pub line: Option<usize>,
    /// Known only for TOML syntax and type errors, which carry a byte span.
    pub column: Option<usize>,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule {rule}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PackError {}

/// The seed a pack names for a key kind such as `Default0`: its eight ASCII bytes, big-endian. Part of the
/// pack format; the engine (`detect::checksum`) only receives the numbers.
pub fn checksum_seed(kind: &str) -> Option<u64> {
    let bytes: [u8; 8] = kind.as_bytes().try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// A checksum a secret must carry to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checksum {
    /// Azure identifiable keys: Marvin32 of the decoded key, one of these seeds.
    AzureIdentifiable(Vec<u64>),
    /// Common annotated security keys (`...JQQJ9...`): Marvin32 of the first 80 characters' bytes, written
    /// in base64 or Base62 at the end of the key (the engine's `detect::checksum` checks it).
    Cask(Vec<u64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemediationSource {
    /// The remediation of the pack at this index.
    Pack(usize),
    /// The generic Key Vault route.
    KeyVault,
}

#[derive(Debug)]
pub struct Pack {
    pub id: String,
    pub service: String,
    pub description: String,
    /// Where the pack came from, as shown in errors: `rules/azure-sql.toml` or the user's path.
    pub file: String,
    pub is_builtin: bool,
    /// False when the pack had no `[remediation]` table and got the Key Vault default.
    pub has_own_remediation: bool,
    pub remediation: Remediation,
}

#[derive(Debug)]
pub struct Rule {
    pub id: std::sync::Arc<str>,
    pub title: std::sync::Arc<str>,
    pub description: String,
    pub service: std::sync::Arc<str>,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Lower-cased literals for the prefilter.
    pub keywords: Vec<String>,
    pub regex_source: String,
    regex: OnceLock<regex_automata::meta::Regex>,
    /// Whether no match of the regex can hold a line break (see [`Rule::within_a_line`]).
    within_a_line: OnceLock<bool>,
    pub window: usize,
    pub priority: i32,
    pub min_entropy: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// The `paths` globs as written; compiled on first use (see [`Rule::applies_to`]).
    pub path_sources: Vec<String>,
    paths: OnceLock<Option<GlobSet>>,
    /// Allow patterns as written; compiled on first use (see [`Rule::allow`]).
    pub allow_sources: Vec<String>,
    allow: OnceLock<Vec<Regex>>,
    pub checksum: Option<Checksum>,
    /// Judged by the credential classifier, which also sets each finding's confidence.
    pub classify: bool,
    /// The rule places the value by its position among a call's arguments (`classify =
    /// "call-argument"`): the classifier's checks that reject a call's other arguments do not apply.
    pub positional: bool,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// Index of the rule's pack in the rule set.
    pub pack: usize,
    /// Where the rule's remediation comes from (resolved once every pack is loaded).
    pub remediation: RemediationSource,
    /// The `remediation = "..."` reference as written, until it is resolved.
    pub remediation_ref: Option<String>,
    /// Overrides the remediation's `after` for this rule.
    pub after: Option<String>,
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// The compiled regex, built on first use. The source was parsed when the pack loaded, so this can only
    /// fail on a pathological size, which `keyless rules check` and the test suite would already have shown.
    /// It searches bytes (see [`super::pattern::compile`]).
    pub fn regex(&self) -> &regex_automata::meta::Regex {
        self.regex.get_or_init(|| {
            super::pattern::compile(&self.regex_source)
                .unwrap_or_else(|e| panic!("rule {} regex failed to compile: {e}", self.id))
        })
    }

    /// Whether [`Rule::regex`] has been built already.
    pub fn is_compiled(&self) -> bool {
        self.regex.get().is_some()
    }

    /// True when every match of the regex lies on one line: the matcher then searches only the lines that
    /// hold the rule's keyword hits instead of the whole window around them (a 2 KiB window either side of
    /// every `key` in a YAML file is most of the file). Decided on the regex's syntax tree, so `\s`, `[^"]`
    /// and `(?s).` count as crossing lines, except in a leading `(?:^|[\s,])` or trailing `(?:[\s;]|$)`
    /// boundary, which at a line's edge matches by its `^` or `$` instead. Computed on first use like the
    /// regex.
    pub fn within_a_line(&self) -> bool {
        *self.within_a_line.get_or_init(|| {
            syntax_tree(&self.regex_source).is_some_and(|hir| stays_on_one_line(&hir))
        })
    }

    /// The compiled allow patterns, built on first use like the regex.
    pub fn allow(&self) -> &[Regex] {
        self.allow.get_or_init(|| {
            self.allow_sources
                .iter()
                .map(|a| {
                    Regex::new(a).unwrap_or_else(|e| {
                        panic!("rule {} allow pattern failed to compile: {e}", self.id)
                    })
                })
                .collect()
        })
    }

    /// Compiles the regex and allow patterns now and reports a failure instead of panicking later.
    pub fn try_compile(&self) -> Result<(), String> {
        if self.regex.get().is_none() {
            let re = super::pattern::compile(&self.regex_source).map_err(|e| e.to_string())?;
            let _ = self.regex.set(re);
        }
        if self.allow.get().is_none() {
            let allow = self
                .allow_sources
                .iter()
                .map(|a| Regex::new(a).map_err(|e| format!("allow pattern '{a}': {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            let _ = self.allow.set(allow);
        }
        Ok(())
    }

    pub fn applies_to(&self, path: &str) -> bool {
        self.paths
            .get_or_init(|| {
                path_globs(&self.path_sources)
                    .unwrap_or_else(|e| panic!("rule {} paths: {}", self.id, e.message))
            })
            .as_ref()
            .is_none_or(|set| set.is_match(path))
    }
}

/// Parses one pack. `pack_index` is the position the pack will take in the rule set.
pub fn compile_pack(
    file: &str,
    text: &str,
    is_builtin: bool,
    pack_index: usize,
) -> Result<(Pack, Vec<Rule>), PackError> {
    let syntax: PackSyntax = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start);
        PackError {
            file: file.to_string(),
            line: offset.map(|o| line_of(text, o)),
            column: offset.map(|o| crate::source::line_col(text, o).1),
            rule: offset.and_then(|o| rule_id_before(text, o)),
            message: e.message().trim().to_string(),
        }
    })?;
    // Rules come in file order, so their lines are counted on from the previous one's: counting from
    // the top for each rule was quadratic in the pack's size.
    let mut lines = Lines::default();
    let rules = syntax.rules.iter().map(|spanned| {
        let span = spanned.span();
        let line = lines.line_at(text, span.start);
        let locate = move |field: &str| {
            field_offset(&text[span.clone()], field).map(|o| line_of(text, span.start + o))
        };
        (line, spanned.get_ref(), Some(locate))
    });
    compile_parsed(
        file,
        is_builtin,
        pack_index,
        &syntax.pack,
        syntax.remediation.as_ref(),
        rules,
    )
}

/// Loads a built-in pack from the JSON that `build.rs` made of its TOML (see [`super::builtin`]).
pub fn compile_embedded(
    file: &str,
    json: &str,
    pack_index: usize,
) -> Result<(Pack, Vec<Rule>), PackError> {
    let syntax: EmbeddedPackSyntax = serde_json::from_str(json).map_err(|e| PackError {
        file: file.to_string(),
        line: None,
        column: None,
        rule: None,
        message: format!("the embedded pack does not read back: {e}"),
    })?;
    let rules = syntax
        .rules
        .iter()
        .map(|(line, r)| (*line, r, None::<fn(&str) -> Option<usize>>));
    compile_parsed(
        file,
        true,
        pack_index,
        &syntax.pack,
        syntax.remediation.as_ref(),
        rules,
    )
}

/// Counts lines forward through a text, for offsets that only grow.
#[derive(Default)]
struct Lines {
    offset: usize,
    line: usize,
}

impl Lines {
    fn line_at(&mut self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        if offset < self.offset {
            *self = Lines::default();
        }
        self.line += text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        self.line + 1
    }
}

/// Checks and compiles a parsed pack. Each rule comes with its line and, when the pack's text is at hand,
/// a function that finds the line of one of its keys, so an error can point at the key at fault.
fn compile_parsed<'r, F: Fn(&str) -> Option<usize>>(
    file: &str,
    is_builtin: bool,
    pack_index: usize,
    header: &PackHeader,
    remediation: Option<&RemediationSyntax>,
    rules_syntax: impl Iterator<Item = (usize, &'r RuleSyntax, Option<F>)>,
) -> Result<(Pack, Vec<Rule>), PackError> {
    let pack_err = |line: Option<usize>, rule: Option<&str>, message: String| PackError {
        file: file.to_string(),
        line,
        column: None,
        rule: rule.map(str::to_string),
        message,
    };

    if !is_kebab(&header.id) {
        return Err(pack_err(
            Some(1),
            None,
            format!("pack id '{}' must be kebab-case", header.id),
        ));
    }
    let (remediation, has_own_remediation) = match remediation {
        Some(r) => (
            compile_remediation(r).map_err(|m| pack_err(None, None, m))?,
            true,
        ),
        None => (Remediation::key_vault_default(), false),
    };
    let pack = Pack {
        id: header.id.clone(),
        service: header.service.clone(),
        description: header.description.clone(),
        file: file.to_string(),
        is_builtin,
        has_own_remediation,
        remediation,
    };

    let mut rules = Vec::with_capacity(rules_syntax.size_hint().0);
    for (line, r, locate) in rules_syntax {
        let rule = compile_rule(r, &pack, pack_index, file, line).map_err(|e| {
            let line = e
                .field
                .and_then(|f| locate.as_ref().and_then(|l| l(f)))
                .unwrap_or(line);
            pack_err(Some(line), Some(&r.id), e.message)
        })?;
        rules.push(rule);
    }
    Ok((pack, rules))
}

/// A rule-level problem and the TOML key it is about, so the error can point at that key's line.
struct RuleError {
    field: Option<&'static str>,
    message: String,
}

fn at(field: &'static str) -> impl Fn(String) -> RuleError {
    move |message| RuleError {
        field: Some(field),
        message,
    }
}

fn compile_rule(
    r: &RuleSyntax,
    pack: &Pack,
    pack_index: usize,
    file: &str,
    line: usize,
) -> Result<Rule, RuleError> {
    let prefix = format!("{}.", pack.id);
    if !r.id.starts_with(&prefix) || !is_kebab(&r.id[prefix.len()..]) {
        return Err(at("id")(format!(
            "rule id must be '{prefix}' followed by a kebab-case name"
        )));
    }
    let severity: Severity = r.severity.parse().map_err(at("severity"))?;
    let confidence: Confidence = r.confidence.parse().map_err(at("confidence"))?;
    if r.keywords.is_empty() {
        return Err(at("keywords")(
            "a rule needs at least one keyword for the prefilter".to_string(),
        ));
    }
    let mut keywords = Vec::with_capacity(r.keywords.len());
    for k in &r.keywords {
        if k.is_empty() {
            return Err(at("keywords")(
                "keywords must not be empty strings".to_string(),
            ));
        }
        keywords.push(k.to_ascii_lowercase());
    }
    // Built-in regexes are checked by the test suite (`builtin_regexes_name_one_secret_group`), not on
    // every start: parsing 225 of them was a tenth of the pre-commit hook's time.
    if !pack.is_builtin {
        check_regex(&r.regex).map_err(at("regex"))?;
    }
    let window = r.window.unwrap_or(DEFAULT_WINDOW);
    if window > MAX_WINDOW {
        return Err(at("window")(format!(
            "window {window} is larger than the maximum of {MAX_WINDOW} bytes"
        )));
    }
    // A user's globs are checked now, to report a bad one; the built-in ones by the tests, and every
    // rule's are compiled when a scan first asks (a hook's scan asks for few of them).
    let paths = OnceLock::new();
    if !pack.is_builtin {
        let _ = paths.set(path_globs(&r.paths)?);
    }
    // Like the regexes, built-in allow patterns are checked by the tests
    // (`builtin_regexes_name_one_secret_group`).
    for a in r.allow.iter().filter(|_| !pack.is_builtin) {
        regex_syntax::ast::parse::Parser::new()
            .parse(a)
            .map_err(|e| at("allow")(format!("allow pattern '{a}': {e}")))?;
    }
    let seeds = || {
        r.checksum_seeds
            .iter()
            .map(|s| {
                checksum_seed(s).ok_or_else(|| {
                    at("checksum_seeds")(format!("seed '{s}' must be 8 ASCII characters"))
                })
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let checksum = match r.checksum.as_deref() {
        None if r.checksum_seeds.is_empty() => None,
        None => {
            return Err(at("checksum_seeds")(
                "checksum_seeds needs checksum = \"azure-identifiable\" or \"cask\"".to_string(),
            ))
        }
        Some("azure-identifiable") => {
            if r.checksum_seeds.is_empty() {
                return Err(at("checksum_seeds")(
                    "azure-identifiable needs at least one checksum seed".to_string(),
                ));
            }
            Some(Checksum::AzureIdentifiable(seeds()?))
        }
        // Every CASK key uses the Default0 seed; a pack may name others for a future version.
        Some("cask") if r.checksum_seeds.is_empty() => {
            Some(Checksum::Cask(vec![
                checksum_seed("Default0").expect("eight ASCII characters")
            ]))
        }
        Some("cask") => Some(Checksum::Cask(seeds()?)),
        Some(other) => {
            return Err(at("checksum")(format!(
                "unknown checksum '{other}' (expected azure-identifiable or cask)"
            )))
        }
    };
    let (classify, positional) = match r.classify.as_deref() {
        None => (false, false),
        Some("credential") => (true, false),
        Some("call-argument") => (true, true),
        Some(other) => {
            return Err(at("classify")(format!(
                "unknown classifier '{other}' (expected credential or call-argument)"
            )))
        }
    };
    Ok(Rule {
        id: r.id.as_str().into(),
        title: r.title.as_str().into(),
        description: r.description.trim().to_string(),
        service: r
            .service
            .clone()
            .unwrap_or_else(|| pack.service.clone())
            .into(),
        severity,
        confidence,
        keywords,
        regex_source: r.regex.clone(),
        regex: OnceLock::new(),
        within_a_line: OnceLock::new(),
        window,
        priority: r.priority,
        min_entropy: r.min_entropy,
        min_length: r.min_length,
        max_length: r.max_length,
        path_sources: r.paths.clone(),
        paths,
        allow_sources: r.allow.clone(),
        allow: OnceLock::new(),
        checksum,
        classify,
        positional,
        examples: r.examples.clone(),
        negative_examples: r.negative_examples.clone(),
        pack: pack_index,
        remediation: RemediationSource::Pack(pack_index),
        remediation_ref: r.remediation.clone(),
        after: r.after.clone(),
        file: file.to_string(),
        line,
    })
}

/// A rule's `paths` globs as one set; `None` when it has none (it applies to every file).
fn path_globs(globs: &[String]) -> Result<Option<GlobSet>, RuleError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in globs {
        builder.add(Glob::new(p).map_err(|e| at("paths")(format!("path glob '{p}': {e}")))?);
    }
    Ok(Some(
        builder.build().map_err(|e| at("paths")(e.to_string()))?,
    ))
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Byte offset of the line that assigns `field` inside a rule table's text.
fn field_offset(table: &str, field: &str) -> Option<usize> {
    let mut offset = 0;
    for line in table.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(field) {
            if rest.trim_start().starts_with('=') {
                return Some(offset + (line.len() - t.len()));
            }
        }
        offset += line.len();
    }
    None
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// For a TOML syntax or type error: the id of the `[[rules]]` table the error sits in, found textually
/// because serde stopped before it could tell us.
fn rule_id_before(text: &str, offset: usize) -> Option<String> {
    let head = &text[..offset.min(text.len())];
    let start = head.rfind("[[rules]]")?;
    let table_end = text[start + 9..]
        .find("\n[")
        .map_or(text.len(), |i| start + 9 + i);
    text[start..table_end].lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("id")?.trim_start().strip_prefix('=')?.trim();
        Some(rest.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RemediationKind;

    #[test]
    fn builtin_regexes_name_one_secret_group() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        assert!(rules.rules.len() > 200);
        for rule in &rules.rules {
            assert_eq!(check_regex(&rule.regex_source), Ok(()), "{}", rule.id);
            assert_eq!(rule.try_compile(), Ok(()), "{}", rule.id);
            assert!(
                path_globs(&rule.path_sources).is_ok(),
                "{}: {:?}",
                rule.id,
                rule.path_sources
            );
        }
    }

    /// The binary holds the packs as JSON made at build time; loading that must give exactly what
    /// loading the TOML file gives, lines included.
    #[test]
    fn embedded_packs_load_as_their_toml_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut rules = 0;
        for (i, (name, embedded)) in crate::rules::builtin::PACKS.iter().enumerate() {
            let crate::rules::builtin::Embedded::Json(json) = embedded else {
                panic!("{name} was not converted at build time");
            };
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let file = format!("rules/{name}");
            let from_toml = compile_pack(&file, &text, true, i).unwrap();
            let from_json = compile_embedded(&file, json, i).unwrap();
            assert_eq!(format!("{from_json:?}"), format!("{from_toml:?}"), "{name}");
            rules += from_json.1.len();
        }
        assert!(rules > 200, "{rules}");
    }

    #[test]
    fn rule_lines_count_on_from_the_previous_rule() {
        let text = "a\nb\n\nc\nd";
        let mut lines = Lines::default();
        assert_eq!(lines.line_at(text, 0), 1);
        assert_eq!(lines.line_at(text, 2), 2);
        assert_eq!(lines.line_at(text, 5), 4);
        assert_eq!(lines.line_at(text, 99), 5);
        // An offset before the last one starts again from the top.
        assert_eq!(lines.line_at(text, 3), 2);
    }

    fn pack(rule_body: &str) -> String {
        format!(
            "[pack]\nid = \"demo\"\nservice = \"Demo\"\n\n[[rules]]\nid = \"demo.thing\"\ntitle = \"T\"\n\
             severity = \"high\"\nconfidence = \"high\"\nkeywords = [\"pw\"]\n{rule_body}\n"
        )
    }

    #[test]
    fn missing_secret_group_names_file_rule_and_line() {
        let err = compile_pack("x.toml", &pack("regex = 'pw=(\\w+)'"), false, 0).unwrap_err();
        assert_eq!(err.file, "x.toml");
        assert_eq!(err.rule.as_deref(), Some("demo.thing"));
        assert_eq!(err.line, Some(11), "points at the regex line");
        assert!(err.message.contains("secret"), "{err}");
    }

    #[test]
    fn unknown_field_is_located_in_its_rule() {
        let err = compile_pack(
            "x.toml",
            &pack("regex = 'pw=(?P<secret>\\w+)'\nbogus = 1"),
            false,
            0,
        )
        .unwrap_err();
        assert_eq!(err.rule.as_deref(), Some("demo.thing"));
        assert_eq!(err.line, Some(12));
        assert!(err.message.contains("bogus"), "{err}");
    }

    #[test]
    fn window_is_capped() {
        let err = compile_pack(
            "x.toml",
            &pack("regex = 'pw=(?P<secret>\\w+)'\nwindow = 20000"),
            false,
            0,
        )
        .unwrap_err();
        assert!(err.message.contains("window"), "{err}");
    }

    #[test]
    fn rule_id_must_carry_the_pack_prefix() {
        let text = pack("regex = 'pw=(?P<secret>\\w+)'").replace("demo.thing", "other.thing");
        let err = compile_pack("x.toml", &text, false, 0).unwrap_err();
        assert!(err.message.contains("demo."), "{err}");
    }

    #[test]
    fn pack_without_remediation_gets_key_vault_route() {
        let (pack, rules) =
            compile_pack("x.toml", &pack("regex = 'pw=(?P<secret>\\w+)'"), false, 0).unwrap();
        assert_eq!(pack.remediation.kind, RemediationKind::KeyVault);
        assert!(!pack.has_own_remediation);
        assert_eq!(rules[0].keywords, vec!["pw"]);
    }

    #[test]
    fn cask_checksum_defaults_to_the_default0_seed() {
        let (_, rules) = compile_pack(
            "x.toml",
            &pack("regex = 'pw=(?P<secret>\\w+)'\nchecksum = \"cask\""),
            false,
            0,
        )
        .unwrap();
        assert_eq!(
            rules[0].checksum,
            Some(Checksum::Cask(vec![0x44656661756c7430]))
        );
        let err = compile_pack(
            "x.toml",
            &pack("regex = 'pw=(?P<secret>\\w+)'\nchecksum = \"crc32\""),
            false,
            0,
        )
        .unwrap_err();
        assert!(err.message.contains("cask"), "{err}");
        assert_eq!(err.line, Some(12), "points at the checksum line");
    }
}
