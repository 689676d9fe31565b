//! Decoders present hidden content to the rules as derived texts ("views") and say where in the original
//! text a finding in the view must be reported.
//!
//! The one decoder today reads Kubernetes `Secret` manifests, whose `data:` values are base64: a password
//! there is invisible to every regex until it is decoded. A finding inside a decoded value is reported at
//! the encoded value's location, and fingerprinted by the decoded secret, so the same password committed
//! in plain text elsewhere has the same fingerprint.

use base64::Engine as _;
use std::ops::Range;

/// A derived text. Any secret found in `text` is reported at `origin`, a byte range of the parent text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub text: String,
    pub origin: Range<usize>,
}

/// Appends the decoded views of `text` to `out`.
pub fn views(text: &str, out: &mut Vec<View>) {
    if is_kubernetes_secret(text) {
        kubernetes_secret_data(text, out);
    }
    if text.contains("\\u00") || text.contains("\\:") || text.contains("\\=") {
        escaped_lines(text, out);
    }
}

/// Lines whose punctuation is escaped: `\u002B` from System.Text.Json, `jdbc\:sqlserver\://...;password\=`
/// from Java properties files. A rule's regex expects the plain characters, so the line is presented
/// unescaped; a finding in it is reported at the line.
fn escaped_lines(text: &str, out: &mut Vec<View>) {
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        if line.len() > 16 * 1024
            || !(line.contains("\\u00") || line.contains("\\:") || line.contains("\\="))
        {
            continue;
        }
        let plain = unescape_punctuation(line);
        if plain != line {
            out.push(View {
                text: plain,
                origin: start..start + line.len(),
            });
        }
    }
}

fn unescape_punctuation(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(hex) = after.strip_prefix('u').and_then(|h| h.get(..4)) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                if !c.is_control() && c != '"' && c != '\\' {
                    out.push(c);
                    rest = &after[5..];
                    continue;
                }
            }
        }
        match after.chars().next() {
            Some(c @ (':' | '=')) => {
                out.push(c);
                rest = &after[1..];
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_kubernetes_secret(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_end();
        l.strip_prefix("kind:")
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'') == "Secret")
            .unwrap_or(false)
    })
}

/// Each `key: <base64>` entry under a top-level `data:` map becomes the view `key: <decoded>`.
fn kubernetes_secret_data(text: &str, out: &mut Vec<View>) {
    let mut data_indent: Option<usize> = None;
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if trimmed == "---" {
            data_indent = None;
            continue;
        }
        if let Some(di) = data_indent {
            if indent <= di {
                data_indent = None;
            } else if let Some((key, value, value_start)) = key_value(trimmed) {
                if let Some(decoded) = decode_base64_text(value) {
                    let start = line_start + indent + value_start;
                    out.push(View {
                        text: format!("{key}: {decoded}"),
                        origin: start..start + value.len(),
                    });
                }
                continue;
            }
        }
        if trimmed.trim_end() == "data:" {
            data_indent = Some(indent);
        }
    }
}

/// `key: value` with the value's byte offset inside `line`; quotes around the value are dropped.
fn key_value(line: &str) -> Option<(&str, &str, usize)> {
    let colon = line.find(':')?;
    let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
    let after = &line[colon + 1..];
    let lead = after.len() - after.trim_start().len();
    let mut value = after.trim();
    let mut start = colon + 1 + lead;
    if value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''))
    {
        value = &value[1..value.len() - 1];
        start += 1;
    }
    if key.is_empty() || value.is_empty() {
        return None;
    }
    Some((key, value, start))
}

fn decode_base64_text(value: &str) -> Option<String> {
    if value.len() < 4
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let s = String::from_utf8(bytes).ok()?;
    (!s.contains('\0')).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_data_values_are_decoded_with_their_origin() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  DB_PASSWORD: U3VwM3JTM2NyZXQh\n  empty: \"\"\ntype: Opaque\n";
        let mut out = Vec::new();
        views(text, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "DB_PASSWORD: Sup3rS3cret!");
        assert_eq!(&text[out[0].origin.clone()], "U3VwM3JTM2NyZXQh");
    }

    #[test]
    fn escaped_punctuation_is_presented_plain() {
        let text = "a=1\n  \"AccountKey\": \"ab\\u002Bcd\\u003D\"\nurl=jdbc\\:sqlserver\\://h;password\\=x\n";
        let mut out = Vec::new();
        views(text, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text, "  \"AccountKey\": \"ab+cd=\"");
        assert_eq!(
            &text[out[0].origin.clone()],
            "  \"AccountKey\": \"ab\\u002Bcd\\u003D\""
        );
        assert_eq!(out[1].text, "url=jdbc:sqlserver://h;password=x");
    }

    #[test]
    fn other_manifests_are_left_alone() {
        let mut out = Vec::new();
        views("kind: ConfigMap\ndata:\n  A: U3VwM3JTM2NyZXQh\n", &mut out);
        assert!(out.is_empty());
    }
}
