//! The managed-identity replacement attached to every finding.
//!
//! Each pack carries its service's remediation as templates; here they are rendered with the names the
//! finding captured from the user's own file (server, database, account, namespace), so the advice can be
//! copied as it stands. A name the file did not supply is left as `<name>` for the user to fill in.

use crate::rules::{Remediation, RemediationKind};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rendered {
    pub kind: RemediationKind,
    /// One sentence: what to write instead, with the file's own names.
    pub summary: String,
    pub docs: Vec<String>,
}

pub fn render(remediation: &Remediation, captures: &BTreeMap<String, String>) -> Rendered {
    Rendered {
        kind: remediation.kind,
        summary: fill(&remediation.summary, captures),
        docs: remediation.docs.clone(),
    }
}

/// Replaces `{name}` with the capture `name`, or with `<name>` when there is none. `{{` stays literal.
pub fn fill(template: &str, captures: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(stripped) = rest.strip_prefix("{{") {
            out.push('{');
            rest = stripped;
            continue;
        }
        match rest.find('}') {
            Some(j) if is_name(&rest[1..j]) => {
                let name = &rest[1..j];
                match captures.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &rest[j + 1..];
            }
            _ => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_names_and_marks_unknown_ones() {
        let caps = BTreeMap::from([("server".to_string(), "contoso".to_string())]);
        assert_eq!(
            fill("Grant {server}/{database} {{literal}", &caps),
            "Grant contoso/<database> {literal}"
        );
    }
}
