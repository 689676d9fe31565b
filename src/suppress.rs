//! Inline suppressions: a comment on a finding's line (or the line before it) that says "this is not a
//! secret" or "accepted". keyless honours its own tokens and those of the tools teams migrate from.
//!
//! A suppressed finding is still reported (SARIF marks it `inSource`, JSON carries `suppression`) and
//! counted in the summary, but it never fails the scan; `--no-inline-allow` lets a CI owner ignore every
//! such comment.

/// Tokens that allow a finding on their own line. Matched case-insensitively.
pub const SAME_LINE_TOKENS: &[&str] = &[
    "keyless:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
    "kingfisher:ignore",
    "trufflehog:ignore",
];

/// Tokens that allow a finding on the next line.
pub const NEXT_LINE_TOKENS: &[&str] = &[
    "keyless:allow-next-line",
    "pragma: allowlist nextline secret",
];

#[derive(Debug, Clone, Default)]
pub struct InlineAllow {
    pub enabled: bool,
    /// Extra same-line tokens from `.keyless.toml`.
    pub extra_tokens: Vec<String>,
}

impl InlineAllow {
    /// The token that suppresses a finding whose first line is `line`, given the line before it.
    pub fn token_for(&self, line: &str, previous: Option<&str>) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let lower = line.to_ascii_lowercase();
        for t in SAME_LINE_TOKENS {
            // `keyless:allow-next-line` on this line is about the next one, not this one.
            if let Some(i) = lower.find(t) {
                let rest = &lower[i + t.len()..];
                if !rest.starts_with("-next-line") {
                    return Some((*t).to_string());
                }
            }
        }
        for t in &self.extra_tokens {
            if lower.contains(&t.to_ascii_lowercase()) {
                return Some(t.clone());
            }
        }
        let prev = previous?.to_ascii_lowercase();
        NEXT_LINE_TOKENS
            .iter()
            .find(|t| prev.contains(*t))
            .map(|t| (*t).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow() -> InlineAllow {
        InlineAllow {
            enabled: true,
            extra_tokens: vec!["nosec-secret".into()],
        }
    }

    #[test]
    fn same_line_and_next_line_tokens() {
        let a = allow();
        assert_eq!(
            a.token_for("pw=x # keyless:allow", None).as_deref(),
            Some("keyless:allow")
        );
        assert_eq!(
            a.token_for("pw=x // gitleaks:allow", None).as_deref(),
            Some("gitleaks:allow")
        );
        assert_eq!(
            a.token_for("pw=x # pragma: allowlist secret", None)
                .as_deref(),
            Some("pragma: allowlist secret")
        );
        assert_eq!(
            a.token_for("pw=x <!-- nosec-secret -->", None).as_deref(),
            Some("nosec-secret")
        );
        assert_eq!(
            a.token_for("pw=x", Some("# keyless:allow-next-line"))
                .as_deref(),
            Some("keyless:allow-next-line")
        );
        assert_eq!(a.token_for("pw=x # keyless:allow-next-line", None), None);
        assert_eq!(a.token_for("pw=x", Some("# keyless:allow")), None);
    }

    #[test]
    fn disabled_allows_nothing() {
        let a = InlineAllow::default();
        assert_eq!(a.token_for("pw=x # keyless:allow", None), None);
    }
}

/// The project's allowlist from `.keyless.toml`: secrets matching a regex, or containing a stopword, are
/// not findings at all. (Path globs become excludes, so such files are not even read.)
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    pub regexes: Vec<regex::Regex>,
    /// Lower-cased.
    pub stopwords: Vec<String>,
}

impl Allowlist {
    pub fn allows(&self, secret: &str) -> bool {
        if self.regexes.iter().any(|r| r.is_match(secret)) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}
