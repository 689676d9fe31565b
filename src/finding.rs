//! The finding model: what one detected secret looks like once it is located in a file.
//!
//! A `Finding` never holds the secret itself (unless `--show-secrets` asked for it): only a masked preview,
//! a masked source line and a keyed fingerprint. Everything that reaches a report goes through this type,
//! so redaction is decided here once.

use crate::rendered::Rendered;
use crate::severity::{Confidence, Severity};
use hmac::{Hmac, Mac};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: std::sync::Arc<str>,
    pub title: std::sync::Arc<str>,
    pub service: std::sync::Arc<str>,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Relative to the git work tree's top (or the scan root outside git), `/`-separated.
    pub path: std::sync::Arc<str>,
    pub line: usize,
    /// 1-based, in Unicode code points of the decoded line.
    pub column: usize,
    pub end_line: usize,
    /// Exclusive.
    pub end_column: usize,
    /// Byte offsets into the file as stored on disk (before any decoding).
    pub start_offset: usize,
    pub end_offset: usize,
    pub preview: String,
    /// The source line with every secret on it masked, cut to about 60 characters around this one.
    pub snippet: std::sync::Arc<str>,
    /// Where this finding's masked secret sits in `snippet` (a byte range), so the text report can
    /// underline it: the preview alone does not say which of two equal previews on a line is this one.
    #[serde(skip)]
    pub snippet_focus: std::ops::Range<usize>,
    pub captures: Captures,
    pub fingerprint: String,
    /// Shared: findings whose remediation renders the same (one rule and setting in one folder) hold
    /// one copy, and a finding not yet rendered holds the shared empty one ([`Rendered::none`]). A
    /// file with 250,000 findings held 250,000 copies of the same steps, notes and links.
    pub remediation: std::sync::Arc<Rendered>,
    /// For a secret a commit added and a later commit removed (`--diff`): the commit that added it. Such
    /// a secret is not in the files any more but reaches the history on merge, so it must be rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_only_commit: Option<String>,
    /// For `--history`: where in the history the secret lives. Boxed: only history scans have it, and
    /// inline it made every finding 150 bytes larger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Box<History>>,
    /// Why the finding does not count, when it does not: an inline allow comment or the baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(skip)]
    pub rule_index: usize,
    /// Where the file is on disk, for `keyless fix` (reported paths are relative to a repository's top,
    /// which differs between roots). None for standard input and git blobs.
    #[serde(skip)]
    pub fs_path: Option<std::sync::Arc<std::path::Path>>,
    /// The bytes the finding was located in (one per file, shared by its findings): what reads the file
    /// again checks that it still holds them. None for git blobs, whose remediation reads the work tree.
    #[serde(skip)]
    pub scanned: Option<std::sync::Arc<crate::source::Snapshot>>,
}

/// The named parts a rule captured (server, database, account, the setting's name), sorted by name and
/// serialised as a JSON object. A sorted list rather than a `BTreeMap`: a finding holds two or three,
/// and a map's first node takes over 500 bytes whatever it holds (125 MB for 250,000 findings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captures(Vec<(String, String)>);

impl Captures {
    pub fn get(&self, name: &str) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Adds `name` unless it is there already (what `BTreeMap::entry(..).or_insert(..)` does).
    pub fn insert_if_absent(&mut self, name: String, value: String) {
        if let Err(i) = self.0.binary_search_by(|(k, _)| k.as_str().cmp(&name)) {
            self.0.insert(i, (name, value));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// A map to add names to (the names a remediation template is filled with).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

impl FromIterator<(String, String)> for Captures {
    /// Sorted by name; of two parts with one name the later one is kept, as a map would.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(parts: I) -> Captures {
        let mut parts: Vec<(String, String)> = parts.into_iter().collect();
        // Stable: equal names stay in their order, and the last of each run is kept below.
        parts.sort_by(|a, b| a.0.cmp(&b.0));
        // Room for one more: the scan adds the setting's name to most findings.
        let mut kept: Vec<(String, String)> = Vec::with_capacity(parts.len() + 1);
        for part in parts {
            match kept.last_mut() {
                Some(last) if last.0 == part.0 => *last = part,
                _ => kept.push(part),
            }
        }
        Captures(kept)
    }
}

impl<'a> IntoIterator for &'a Captures {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Captures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The name of the setting whose value holds the secret, read from the line up to the secret:
/// `"Name": "...`, `Name = "...`, `export NAME=...`, `name: ...` or `<add key|name="Name" ...`. A `value:`
/// takes its name from a `name:` beside it or on the line before (`{ name: 'X', value: '...' }` in Bicep
/// and ARM app settings, `- name: X` / `value: ...` in Kubernetes env lists). It names the identity-based
/// replacement (`<Name>__fullyQualifiedNamespace`) and the Key Vault secret. None when the secret is not
/// plainly a setting's value (code).
/// A type or a declaration keyword that stands where a setting's name usually does: `string` in Bicep's
/// `param x string = '...'`, `default` in a Terraform variable, `defaultValue` in ARM.
pub fn is_structural_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "string"
            | "securestring"
            | "secureobject"
            | "object"
            | "int"
            | "bool"
            | "array"
            | "default"
            | "defaultvalue"
            | "type"
            | "value"
            | "str"
            | "var"
            | "let"
            | "const"
            | "val"
    )
}

pub fn setting_of(prefix: &str, previous_line: Option<&str>) -> Option<String> {
    static XML: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)<add\s+(?:key|name)\s*=\s*"([^"]+)""#).unwrap());
    static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"["']([A-Za-z_][\w.:\-]*)["']\s*[:=]\s*["'][^"']*$"#).unwrap()
    });
    static BARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:^|[\s{,;])(?:export\s+)?([A-Za-z_][\w.\-]*)\s*[:=]\s*["']?[^"']*$"#)
            .unwrap()
    });
    static NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)(?:^|[\s{,\-])["']?name["']?\s*[:=]\s*["']?([A-Za-z_][\w.:\-]*)"#)
            .unwrap()
    });
    let name = if let Some(c) = XML.captures_iter(prefix).last() {
        c.get(1)?.as_str()
    } else if let Some(c) = QUOTED.captures(prefix) {
        c.get(1)?.as_str()
    } else {
        let c = BARE.captures(prefix)?;
        // `new SqlConnection("Server=...;Database=...;Password=`: a name inside a string literal is part
        // of the value, not the setting.
        let before = &prefix[..c.get(0)?.start()];
        if before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1 {
            return None;
        }
        c.get(1)?.as_str()
    };
    if !name.eq_ignore_ascii_case("value") {
        return Some(name.to_string());
    }
    let named = |text: &str| NAME.captures_iter(text).last().map(|c| c[1].to_string());
    named(prefix).or_else(|| previous_line.and_then(named))
}

/// The configuration paths of JSON values: `{"Stripe": {"ApiKey": "..."}}` → `Stripe:ApiKey`, the name
/// .NET configuration (and an App Service setting `Stripe__ApiKey`) gives it. One forward pass over the
/// file serves every finding in it: ask for offsets in increasing order. A path is None when the offset
/// is not inside a string value of an object member, when an array lies on the way, or when the text
/// before it is not well-formed JSON (comments, as appsettings.json allows, are skipped).
pub struct JsonPaths<'t> {
    text: &'t str,
    i: usize,
    /// Each open container: whether it is an object, and the key of the member being read.
    stack: Vec<(bool, Option<String>)>,
    expecting_key: bool,
    broken: bool,
}

impl<'t> JsonPaths<'t> {
    pub fn new(text: &'t str) -> JsonPaths<'t> {
        JsonPaths {
            text,
            i: 0,
            stack: Vec::new(),
            expecting_key: false,
            broken: false,
        }
    }

    /// The path of the value holding `pos`; `pos` must not be smaller than in the previous call.
    pub fn path_at(&mut self, pos: usize) -> Option<String> {
        let bytes = self.text.as_bytes();
        if pos > bytes.len() || pos < self.i {
            return None;
        }
        while !self.broken && self.i < pos {
            let i = self.i;
            match bytes[i] {
                b'{' => {
                    self.stack.push((true, None));
                    self.expecting_key = true;
                }
                b'[' => {
                    self.stack.push((false, None));
                    self.expecting_key = false;
                }
                b'}' | b']' => {
                    self.broken |= self.stack.pop().is_none();
                    self.expecting_key = false;
                }
                b',' => self.expecting_key = self.stack.last().is_some_and(|(obj, _)| *obj),
                b':' => self.expecting_key = false,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    self.i = self.text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    self.i = self.text[i + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |n| i + 2 + n + 2);
                    continue;
                }
                b'"' => {
                    let start = i + 1;
                    let mut j = start;
                    while j < bytes.len() && bytes[j] != b'"' {
                        j += if bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    if j >= pos {
                        // `pos` is inside this string: it must be a member's value.
                        return self.path_inside_value();
                    }
                    if self.expecting_key {
                        match self.text.get(start..j) {
                            Some(key) => {
                                if let Some(top) = self.stack.last_mut() {
                                    top.1 = Some(key.to_string());
                                }
                            }
                            None => self.broken = true,
                        }
                        self.expecting_key = false;
                    }
                    self.i = j + 1;
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        None
    }

    fn path_inside_value(&self) -> Option<String> {
        if self.broken || self.expecting_key {
            return None;
        }
        let mut parts = Vec::new();
        for (is_object, key) in &self.stack {
            if !is_object {
                return None;
            }
            parts.push(key.clone()?);
        }
        (!parts.is_empty()).then(|| parts.join(":"))
    }
}

/// Where a secret found by `--history` lives in the repository's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// The earliest commit whose tree holds the secret at this path.
    pub first_commit: CommitInfo,
    /// The latest such commit.
    pub last_commit: CommitInfo,
    /// How many commits hold it.
    pub commits: usize,
    /// Whether HEAD still holds it; if not it survives only in history (and must still be rotated).
    pub present_at_head: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub id: String,
    pub author: String,
    pub date: String,
}

/// A finding that is reported but does not fail the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Suppression {
    /// An allow comment on the line (or the line before), naming the token that was found.
    Inline { token: String },
    /// An entry of the baseline file.
    Baseline,
}

impl Finding {
    /// The scanned file on disk: where the walk found it, else its reported path under `top`.
    pub fn file_on_disk(&self, top: &std::path::Path) -> std::path::PathBuf {
        match &self.fs_path {
            Some(p) => p.to_path_buf(),
            None => top.join(&*self.path),
        }
    }

    /// A finding of `rule` with no location or captures: what `explain` renders a rule's steps for.
    pub fn placeholder(rule: &crate::rules::Rule, rule_index: usize) -> Finding {
        Finding {
            rule_id: rule.id.clone(),
            title: rule.title.clone(),
            service: rule.service.clone(),
            severity: rule.severity,
            confidence: rule.confidence,
            path: "".into(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            start_offset: 0,
            end_offset: 0,
            preview: String::new(),
            snippet: "<the line holding the secret>".into(),
            snippet_focus: 0..0,
            captures: Captures::default(),
            fingerprint: String::new(),
            remediation: Rendered::none(),
            history_only_commit: None,
            history: None,
            suppression: None,
            secret: None,
            rule_index,
            fs_path: None,
            scanned: None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }

    /// Whether `now`, the snapshot of a second read of the finding's file, holds the bytes the finding
    /// was located in (so its line and column point at the same text there). A finding without a
    /// snapshot (from a git blob) is taken at its word, as before snapshots existed.
    pub fn is_located_in(&self, now: &crate::source::Snapshot) -> bool {
        self.scanned.as_deref().is_none_or(|scanned| scanned == now)
    }
}

/// Documented public token prefixes that identify the kind of token and reveal nothing secret.
const PUBLIC_PREFIXES: &[&str] = &[
    "github_pat_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "glpat-",
    "sk_live_",
    "rk_live_",
    "sk_test_",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xapp-",
    "npm_",
    "AKIA",
    "ASIA",
    "SG.",
    "sk-proj-",
];

/// At most `min(4, len/4)` characters of the secret (or its documented public prefix), then `…` and the
/// length in characters.
pub fn preview(secret: &str) -> String {
    let len = secret.chars().count();
    let shown: String = match PUBLIC_PREFIXES.iter().find(|p| secret.starts_with(*p)) {
        Some(p) if p.len() < len => (*p).to_string(),
        _ => secret.chars().take((len / 4).min(4)).collect(),
    };
    format!("{shown}…({len})")
}

/// Line starts of a decoded text. CRLF, LF and a lone CR each end one line.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// 1-based line and code-point column of a byte offset.
    /// How many lines the text has (CRLF, LF and a lone CR each end one).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The 1-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    pub fn locate(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    /// The byte offset of a 1-based line and code-point column (the inverse of [`LineIndex::locate`]); a
    /// column past the line's end gives the line's end.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let range = self.line_range(text, line);
        text[range.start..]
            .char_indices()
            .nth(column - 1)
            .map_or(range.end, |(i, _)| range.start + i)
    }

    /// Byte range of a 1-based line, without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line - 1];
        let mut end = self.starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }
}

/// Characters of context kept on each side of the secret in a displayed line.
pub const SNIPPET_CONTEXT: usize = 60;

/// The line `line` of `text` with every span in `masks` replaced by its preview, cut to
/// [`SNIPPET_CONTEXT`] characters around `focus` (which must be one of the masks), and the byte range of
/// `focus`'s preview in it (empty at the start when `focus` was not drawn, being inside another mask).
pub fn masked_line(
    text: &str,
    line: std::ops::Range<usize>,
    masks: &[(std::ops::Range<usize>, String)],
    focus: &std::ops::Range<usize>,
) -> (String, std::ops::Range<usize>) {
    let mut out = String::new();
    let mut out_chars = 0;
    let mut focus_chars = (0, 0);
    let mut pos = line.start;
    let mut sorted: Vec<&(std::ops::Range<usize>, String)> = masks
        .iter()
        .filter(|(r, _)| r.start < line.end.max(line.start + 1) && r.end > line.start)
        .collect();
    sorted.sort_by_key(|(r, _)| r.start);
    for (range, pv) in sorted {
        let start = range.start.max(line.start);
        if start < pos {
            continue;
        }
        let gap = &text[pos..start];
        out.push_str(gap);
        out_chars += gap.chars().count();
        let before = out_chars;
        out.push_str(pv);
        out_chars += pv.chars().count();
        if range == focus {
            focus_chars = (before, out_chars);
        }
        pos = range.end.min(line.end).max(start);
    }
    if pos < line.end {
        out.push_str(&text[pos..line.end]);
    }
    let chars: Vec<char> = out.chars().collect();
    let from = focus_chars.0.saturating_sub(SNIPPET_CONTEXT);
    let to = (focus_chars.1 + SNIPPET_CONTEXT).min(chars.len());
    let mut cut = String::new();
    if from > 0 {
        cut.push('…');
    }
    let byte_at = |cut: &String, i: usize| {
        cut.len() + chars[from..i].iter().map(|c| c.len_utf8()).sum::<usize>()
    };
    let focus_bytes =
        byte_at(&cut, focus_chars.0.max(from))..byte_at(&cut, focus_chars.1.max(from));
    cut.extend(&chars[from..to]);
    if to < chars.len() {
        cut.push('…');
    }
    // Trimming moves the focus left by what went at the start; the focus itself is never blank.
    let trimmed = cut.trim();
    let shift = cut.len() - cut.trim_start().len();
    let focus = focus_bytes.start.saturating_sub(shift).min(trimmed.len())
        ..focus_bytes.end.saturating_sub(shift).min(trimmed.len());
    (trimmed.to_string(), focus)
}

/// The key of the fingerprint HMAC. A keyed hash, not a plain one: a weak password's plain SHA-256 could
/// be reversed by anyone who reads an uploaded SARIF file.
#[derive(Clone)]
pub struct FingerprintKey([u8; 32]);

impl FingerprintKey {
    /// The documented key used outside git repositories and when nothing else is given.
    pub const DEFAULT_SEED: &'static str = "keyless-fingerprint-v1";

    pub fn from_seed(seed: &str) -> FingerprintKey {
        let mut h = Sha256::new();
        h.update(b"keyless-fingerprint-key:");
        h.update(seed.as_bytes());
        FingerprintKey(h.finalize().into())
    }

    /// Hex HMAC-SHA256 of the normalised secret. Independent of the rule, the path and the line, so a moved
    /// line or a more specific new rule does not change it.
    pub fn fingerprint(&self, normalized_secret: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(normalized_secret.as_bytes());
        let bytes = mac.finalize().into_bytes();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captures are kept sorted by name whatever order the rule's groups came in, the later of two
    /// equal names wins (as it would in a map), an added name never replaces a captured one, and the
    /// JSON form is an object in name order.
    #[test]
    fn captures_are_a_small_sorted_map() {
        let mut c: Captures = [
            ("server", "a.database.windows.net"),
            ("account", "first"),
            ("account", "second"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(c.get("account").map(String::as_str), Some("second"));
        assert_eq!(c.get("database"), None);
        c.insert_if_absent("setting".into(), "ConnectionStrings:Db".into());
        c.insert_if_absent("account".into(), "third".into());
        assert_eq!(c.get("account").map(String::as_str), Some("second"));
        let names: Vec<&str> = c.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["account", "server", "setting"]);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"account":"second","server":"a.database.windows.net","setting":"ConnectionStrings:Db"}"#
        );
        assert_eq!(
            serde_json::to_string(&c.to_map()).unwrap(),
            serde_json::to_string(&c).unwrap()
        );
    }

    /// The configuration path of the JSON value holding `pos` (see [`JsonPaths`]).
    fn json_setting_path(text: &str, pos: usize) -> Option<String> {
        JsonPaths::new(text).path_at(pos)
    }

    #[test]
    fn json_values_are_named_by_their_configuration_path() {
        let text = r#"{ "Logging": { "Level": "x" }, "Stripe": { "ApiKey": "sk_live_abc", "n": [1, {"a": "b"}] } }"#;
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            json_setting_path(text, at("sk_live")).as_deref(),
            Some("Stripe:ApiKey")
        );
        assert_eq!(
            json_setting_path(text, at("x\"")).as_deref(),
            Some("Logging:Level")
        );
        // Inside an array, or inside a key: no path.
        assert_eq!(json_setting_path(text, at("b\"")), None);
        assert_eq!(json_setting_path(text, at("piKey")), None);
        // Comments are skipped; several offsets in one pass.
        let text =
            "{ // \"Legacy\": keep\n \"Stripe\": { \"ApiKey\": \"sk_live_x\" }, \"B\": \"y\" }";
        let mut paths = JsonPaths::new(text);
        assert_eq!(
            paths.path_at(text.find("sk_live").unwrap()).as_deref(),
            Some("Stripe:ApiKey")
        );
        assert_eq!(
            paths.path_at(text.find("\"y\"").unwrap() + 1).as_deref(),
            Some("B")
        );
        // Escaped quotes inside earlier strings do not end them.
        let text = r#"{"A": "q\"x", "B": {"C": "secret"}}"#;
        assert_eq!(
            json_setting_path(text, text.find("secret").unwrap()).as_deref(),
            Some("B:C")
        );
    }

    #[test]
    fn the_setting_is_the_key_whose_value_holds_the_secret() {
        let cases = [
            (
                r#"    "ServiceBusConnection": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey="#,
                Some("ServiceBusConnection"),
            ),
            (
                r#"  "AzureAd:ClientSecret": ""#,
                Some("AzureAd:ClientSecret"),
            ),
            (
                "export DB_CONN=Server=tcp:x,1433;User ID=u;Password=",
                Some("DB_CONN"),
            ),
            (
                "spring.datasource.password=",
                Some("spring.datasource.password"),
            ),
            ("  password: ", Some("password")),
            (
                r#"administrator_login_password = ""#,
                Some("administrator_login_password"),
            ),
            (
                r#"<add name="Orders" connectionString="Server=x;Password="#,
                Some("Orders"),
            ),
            (r#"<add key="StripeKey" value=""#, Some("StripeKey")),
            (r#"var client = new CosmosClient(endpoint, ""#, None),
            ("          value: ", None),
            (
                r#"  { name: 'StripeApiKey', value: '"#,
                Some("StripeApiKey"),
            ),
            (
                r#"{ "name": "SENDGRID_KEY", "value": ""#,
                Some("SENDGRID_KEY"),
            ),
            (r#""a": "b", "Key": ""#, Some("Key")),
            (
                r#"using var c = new SqlConnection("Server=tcp:x;Database=orders;User ID=u;Password="#,
                None,
            ),
            ("cn = pyodbc.connect('Driver={ODBC};Server=tcp:x;Pwd=", None),
        ];
        assert_eq!(
            setting_of("          value: ", Some("        - name: DB_PASSWORD")).as_deref(),
            Some("DB_PASSWORD")
        );
        for (prefix, want) in cases {
            assert_eq!(setting_of(prefix, None).as_deref(), want, "{prefix}");
        }
    }

    #[test]
    fn preview_shows_a_quarter_at_most_four() {
        assert_eq!(preview("Sup3rS3cretPassw0rd!"), "Sup3…(20)");
        assert_eq!(preview("hunter2!"), "hu…(8)");
        assert_eq!(preview("abc"), "…(3)");
        assert_eq!(
            preview("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
            "ghp_…(40)"
        );
    }

    #[test]
    fn lines_count_crlf_lf_and_lone_cr() {
        let text = "a\r\nb\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 0), (1, 1));
        assert_eq!(idx.locate(text, 3), (2, 1));
        assert_eq!(idx.locate(text, 5), (3, 1));
        assert_eq!(idx.locate(text, 7), (4, 1));
        assert_eq!(idx.line_range(text, 1), 0..1);
    }

    #[test]
    fn columns_are_code_points() {
        let text = "é€=x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, text.find('x').unwrap()), (1, 4));
    }

    /// The mask of `secret`, which starts at byte `at` of `text`.
    fn mask_at(text: &str, at: usize, secret: &str) -> (std::ops::Range<usize>, String) {
        assert_eq!(&text[at..at + secret.len()], secret);
        (at..at + secret.len(), preview(secret))
    }

    #[test]
    fn masked_line_hides_every_secret_and_cuts_long_lines() {
        let text = format!(
            "{}pw=hunter22;other=swordfish1;{}",
            "a".repeat(100),
            "b".repeat(100)
        );
        let masks = vec![
            mask_at(&text, text.find("hunter22").unwrap(), "hunter22"),
            mask_at(&text, text.find("swordfish1").unwrap(), "swordfish1"),
        ];
        let (line, focus) = masked_line(&text, 0..text.len(), &masks, &masks[0].0);
        assert_eq!(&line[focus], "hu…(8)");
        assert!(
            !line.contains("hunter22") && !line.contains("swordfish1"),
            "{line}"
        );
        assert!(line.contains("pw=hu…(8)"), "{line}");
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert!(line.chars().count() <= 2 * SNIPPET_CONTEXT + 12, "{line}");
    }

    #[test]
    fn masked_line_points_at_its_own_secret_after_trimming() {
        // Two equal secrets on one indented line with a multi-byte character before them: the focus is
        // the second one, and its range is in bytes of the trimmed line.
        let text = "\t  é: pw=hunter22 again=hunter22";
        let masks = vec![
            mask_at(text, text.find("hunter22").unwrap(), "hunter22"),
            mask_at(text, text.rfind("hunter22").unwrap(), "hunter22"),
        ];
        let (line, focus) = masked_line(text, 0..text.len(), &masks, &masks[1].0);
        assert_eq!(line, "é: pw=hu…(8) again=hu…(8)");
        assert_eq!(&line[focus.clone()], "hu…(8)");
        assert_eq!(focus.end, line.len());
    }

    #[test]
    fn fingerprint_depends_on_key_and_secret_only() {
        let k = FingerprintKey::from_seed("a");
        assert_eq!(k.fingerprint("x"), k.fingerprint("x"));
        assert_ne!(k.fingerprint("x"), k.fingerprint("y"));
        assert_ne!(
            k.fingerprint("x"),
            FingerprintKey::from_seed("b").fingerprint("x")
        );
        assert_eq!(k.fingerprint("x").len(), 64);
    }
}
