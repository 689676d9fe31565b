//! Decides whether a regex match is a secret: normalisation, then placeholders and references, known public
//! development values, entropy and length, and the rule's own allow patterns.
//!
//! Normalisation comes first because the same password can be stored as `p&amp;ss` in web.config,
//! `p\u0026ss` in JSON and `p%26ss` in a URL: comparing, allow-listing and fingerprinting must all see
//! `p&ss`, or one leaked password becomes three unrelated findings.

use super::checksum;
use crate::rules::{Checksum, Rule};
use std::borrow::Cow;

/// Why a match was rejected. Callers use only the verdict today; the variants name each check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Placeholder,
    PublicDevelopmentValue,
    TooShort,
    TooLong,
    LowEntropy,
    Allowed,
    ChecksumMismatch,
}

/// Values published in vendor documentation as emulator or example credentials: not secrets.
const PUBLIC_VALUES: &[&str] = &[
    // Azurite and the legacy storage emulator (account devstoreaccount1).
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // The Cosmos DB emulator.
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    // AWS documentation examples.
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Keys that products ship in their source, the same for every installation: Apache Shiro's default
    // `rememberMe` cipher key and Nacos's default token secret (exploit write-ups quote both).
    "kPH+bIxk5D2deZiIxcaaaA==",
    "SecretKey012345678901234567890123456789012345678901234567890123456789",
];

/// Whole values (compared case-insensitively) that stand for "put the real one here".
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "password",
    "passwd",
    "secret",
    "dummy",
    "example",
    "test",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "placeholder",
    "redacted",
    "removed",
    "hidden",
    "todo",
    "fixme",
    "tbd",
    "replace_me",
    "replaceme",
    "replace-me",
    "yourpassword",
    "your_password",
    "your-password",
    "mypassword",
    "sample",
    "string",
    "value",
    "empty",
    "default",
];

pub fn validate(rule: &Rule, secret: &str) -> Result<(), Rejection> {
    if is_placeholder(secret) {
        return Err(Rejection::Placeholder);
    }
    validate_ignoring_placeholders(rule, secret)
}

/// Every check but the placeholder one, for rules whose classifier judges placeholders itself (a weak
/// password such as `admin` is a low-confidence finding there, not a stand-in).
pub fn validate_ignoring_placeholders(rule: &Rule, secret: &str) -> Result<(), Rejection> {
    if PUBLIC_VALUES.contains(&secret) {
        return Err(Rejection::PublicDevelopmentValue);
    }
    if let Some(min) = rule.min_length {
        if secret.chars().count() < min {
            return Err(Rejection::TooShort);
        }
    }
    if let Some(max) = rule.max_length {
        if secret.chars().count() > max {
            return Err(Rejection::TooLong);
        }
    }
    if let Some(min) = rule.min_entropy {
        if shannon_entropy(secret) < min {
            return Err(Rejection::LowEntropy);
        }
    }
    if rule.allow().iter().any(|re| re.is_match(secret)) {
        return Err(Rejection::Allowed);
    }
    let checksum_holds = match &rule.checksum {
        None => true,
        Some(Checksum::AzureIdentifiable(seeds)) => checksum::is_azure_identifiable(secret, seeds),
        Some(Checksum::Cask(seeds)) => checksum::is_cask(secret, seeds),
    };
    if checksum_holds {
        Ok(())
    } else {
        Err(Rejection::ChecksumMismatch)
    }
}

/// A stand-in word on its own (`changeme`, `password`, `REPLACE_ME`).
fn is_placeholder_word(v: &str) -> bool {
    PLACEHOLDER_WORDS.contains(&v.to_ascii_lowercase().as_str())
}

/// A reference to a secret kept elsewhere, a template slot, or a stand-in word: never a secret itself.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.contains(&lower.as_str()) {
        return true;
    }
    // An instruction dressed up with punctuation on both sides: `!ChangeMe!`, `<<replace_me>>`. Only
    // instructions: `Secret#` and `!Password!` are weak passwords, not stand-ins.
    let bare = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-');
    if bare.len() < lower.len()
        && !lower.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !lower.ends_with(|c: char| c.is_ascii_alphanumeric())
        && matches!(
            bare,
            "changeme"
                | "change_me"
                | "change-me"
                | "placeholder"
                | "redacted"
                | "replaceme"
                | "replace_me"
                | "replace-me"
                | "todo"
                | "fixme"
                | "tbd"
        )
    {
        return true;
    }
    // Masked values: ****, xxxxxx, ••••, ......
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().count() >= 3
        && matches!(first, '*' | 'x' | 'X' | '•' | '.' | '#' | '-' | '_')
        && v.chars().all(|c| c == first)
    {
        return true;
    }
    if is_mostly_filler(v) {
        return true;
    }
    // Release-pipeline token placeholders: __SqlAdminPassword__ (replace-tokens, Octopus).
    if v.len() > 4
        && v.starts_with("__")
        && v.ends_with("__")
        && is_identifier_path(&v[2..v.len() - 2])
    {
        return true;
    }
    // Stored password hashes are not the password: PostgreSQL md5/SCRAM, bcrypt, LDAP {SSHA}, crypt(3).
    if is_password_hash(v) {
        return true;
    }
    // Grafana's $__env{VAR} / $__file{path} and similar provider references.
    if v.starts_with("$__") && v.contains('{') {
        return true;
    }
    // Interpolation and reference syntaxes: ${VAR}, $(VAR), #{VAR}#, {{ ... }}, %VAR%, $VAR. The opener
    // must be closed after it: a WordPress salt full of punctuation (`...{{2KPG;p=hHl}`) is no template.
    // A value cut at a space (`password=$(az account get-access-token ...)`, `Winrm-{{ vault }}`) keeps
    // only its opener and a word: still a template.
    let closed = |open: &str, close: &str| {
        v.find(open).is_some_and(|i| {
            let rest = &v[i + open.len()..];
            rest.contains(close)
                || rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        })
    };
    if closed("${", "}") || closed("$(", ")") || closed("#{", "}") || closed("{{", "}}") {
        return true;
    }
    // Code, not a value: `password = System.getenv(` cut at the call.
    if let Some(call) = v.strip_suffix('(') {
        if call.contains('.') && is_identifier_path(call) {
            return true;
        }
    }
    if v.len() > 2 && v.starts_with('%') && v.ends_with('%') && is_identifier(&v[1..v.len() - 1]) {
        return true;
    }
    // Python's configparser and logging interpolation: `%(WAREHOUSE_PASSWORD)s`.
    if let Some(inner) = v.strip_prefix("%(").and_then(|r| r.strip_suffix(")s")) {
        if is_identifier_path(inner) {
            return true;
        }
    }
    if let Some(rest) = v.strip_prefix('$') {
        // `$VAR`, and PowerShell's `$env:VAR` and `${env:VAR}`.
        let rest = rest
            .strip_prefix("env:")
            .or_else(|| rest.strip_prefix("ENV:"))
            .unwrap_or(rest);
        if is_identifier(rest) {
            return true;
        }
    }
    // Puppet/Hiera interpolation (`%{lookup('db_pw')}`, `%{hiera('x')}`) and Spring Cloud Config's
    // encrypted values (`{cipher}` followed by the ciphertext): references and ciphertexts, not the secret.
    if v.starts_with("%{") || lower.starts_with("{cipher}") {
        return true;
    }
    // Magento's encrypted configuration values: `0:3:<base64>` (key version, cipher version, ciphertext).
    if let Some((head, body)) = v.split_once(':').and_then(|(a, rest)| {
        let (b, body) = rest.split_once(':')?;
        Some((format!("{a}:{b}"), body))
    }) {
        if head.len() <= 5
            && head.bytes().all(|b| b.is_ascii_digit() || b == b':')
            && body.len() >= 16
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        {
            return true;
        }
    }
    // `<paypal secret from the dashboard>` cut at its first space: an instruction's opening word.
    if v.len() > 1
        && v.starts_with('<')
        && v[1..]
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
    {
        return true;
    }
    // Maven's encrypted passwords: {base64}. Not the plaintext.
    if v.len() > 10
        && v.starts_with('{')
        && v.ends_with('}')
        && v[1..v.len() - 1]
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && v.ends_with("=}")
    {
        return true;
    }
    // <your-password>, <password>, {password}. Braces around anything else are ODBC quoting: `PWD={p;w}`.
    if (v.starts_with('<') && v.ends_with('>'))
        || (v.len() > 2
            && v.starts_with('{')
            && v.ends_with('}')
            && is_identifier_path(&v[1..v.len() - 1].replace([':', '-'], "_")))
    {
        return true;
    }
    // Key Vault references and ARM/Bicep expressions.
    if lower.starts_with("@microsoft.keyvault(") || (v.starts_with('[') && v.ends_with(']')) {
        return true;
    }
    // Terraform and CI references: var.x, local.x, secrets.X, env.X, vars.X, module.x.y, data.x.y.
    for prefix in [
        "var.",
        "local.",
        "secrets.",
        "env.",
        "vars.",
        "module.",
        "data.",
        "process.env.",
    ] {
        if lower.starts_with(prefix) && is_identifier_path(&v[prefix.len()..]) {
            return true;
        }
    }
    // A documented prefix with a stand-in tail: sk_live_REPLACE_ME, sk-proj-REPLACE-ME. Only as the whole
    // tail after a short prefix ending in `_` or `-`; "ReplaceMe!2024#Prod" is a (weak) real password.
    for w in ["replace_me", "replace-me", "replaceme"] {
        if let Some(head) = lower.strip_suffix(w) {
            if head.len() <= 16 && (head.ends_with('_') || head.ends_with('-')) {
                return true;
            }
        }
    }
    // printf verbs in templates: Password=%s.
    if v.len() <= 4 && v.starts_with('%') && v.ends_with(['s', 'd', 'v', 'q']) {
        return true;
    }
    // The error operand of shell and compose expansion: `${VAR:?VAR must be set}` leaves `?VAR` where a
    // key-value rule looks for the value. (A `:-` default is a literal value, so it is not skipped.)
    if let Some(rest) = [":?", "?"].iter().find_map(|p| v.strip_prefix(p)) {
        if !rest.is_empty()
            && rest.contains('_')
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return true;
        }
    }
    // A Kubernetes Secret's data holds base64: `Y2hhbmdlbWU=` is `changeme`, still a stand-in.
    if v.len() >= 8 && v.len().is_multiple_of(4) && v.len() <= 64 {
        use base64::Engine as _;
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(v) {
            if let Ok(text) = std::str::from_utf8(&decoded) {
                if text.chars().all(|c| c.is_ascii_graphic()) && is_placeholder_word(text) {
                    return true;
                }
            }
        }
    }
    // "your-storage-key-here", "<insert password>", "enter_password_here" and the like.
    if (lower.contains("your") || lower.contains("insert") || lower.contains("enter"))
        && ["password", "pass", "key", "secret", "token", "pwd"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return true;
    }
    false
}

/// `ghp_xxxxxxxxxxxxxxxx`, `sk_live_0000000000000000`, `SG.xxxx.xxxx`: a documented shape filled with one
/// repeated filler character. Real keys never repeat a character this much.
fn is_mostly_filler(v: &str) -> bool {
    let mut best_run = 0;
    let mut run = 0;
    let mut prev = None;
    let mut filler = 0;
    let mut total = 0;
    for c in v.chars() {
        total += 1;
        if matches!(c, 'x' | 'X' | '*' | '0' | '.' | '#') {
            filler += 1;
        }
        run = if Some(c) == prev { run + 1 } else { 1 };
        prev = Some(c);
        if matches!(c, 'x' | 'X' | '*' | '0' | '#') {
            best_run = best_run.max(run);
        }
    }
    best_run >= 8 && filler * 2 >= total
}

fn is_password_hash(v: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (v.len() == 35 && v.starts_with("md5") && hex(&v[3..], 32))
        || v.starts_with("SCRAM-SHA-256$")
        || ((v.starts_with("$2a$") || v.starts_with("$2b$") || v.starts_with("$2y$"))
            && v.len() == 60)
        || ((v.starts_with("$5$") || v.starts_with("$6$") || v.starts_with("$argon2"))
            && v.len() > 40)
        || [
            "{SSHA}",
            "{SHA}",
            "{SSHA256}",
            "{SSHA512}",
            "{CRYPT}",
            "{PBKDF2}",
        ]
        .iter()
        .any(|p| v.starts_with(p))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn is_identifier_path(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|p| is_identifier(&p.replace('-', "_")))
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Decodes JSON escapes, XML entities and URL percent-encoding, in that order, leaving anything that is not a
/// well-formed escape as it is.
///
/// A secret that spans lines (a PEM key) also loses its line breaks and indentation, so the same key
/// committed with CRLF and with LF, or re-indented in YAML, has one fingerprint.
pub fn normalize(raw: &str) -> Cow<'_, str> {
    let mut s = if raw.contains(['\\', '&', '%']) {
        let s = json_unescape(raw);
        let s = xml_unescape(&s);
        Cow::Owned(percent_decode(&s))
    } else {
        Cow::Borrowed(raw)
    };
    if s.contains(['\n', '\r']) {
        s = Cow::Owned(s.lines().map(str::trim).collect::<Vec<_>>().join(""));
    }
    s
}

fn json_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('"') | Some('\\') | Some('/') => out.push(chars.next().unwrap_or('\\')),
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('u') => {
                let hex: String = chars.clone().skip(1).take(4).collect();
                match (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                {
                    Some(ch) => {
                        for _ in 0..5 {
                            chars.next();
                        }
                        out.push(ch);
                    }
                    None => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

fn xml_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = rest.find(';').filter(|&j| j <= 10).and_then(|j| {
            let name = &rest[1..j];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((ch, j + 1))
        });
        match decoded {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_longer_than_max_length_do_not_count() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let rule = rules
            .rules
            .iter()
            .find(|r| &*r.id == "generic-secrets.config-value")
            .unwrap();
        assert_eq!(rule.max_length, Some(2000));
        let alphabet = b"Kx7Lp2Qz9Vm4Rt8Wb3Nc6Yd1Hf5Js0";
        let long: String = (0..2001)
            .map(|i| char::from(alphabet[i % alphabet.len()]))
            .collect();
        assert_eq!(
            validate_ignoring_placeholders(rule, &long),
            Err(Rejection::TooLong)
        );
        assert_ne!(
            validate_ignoring_placeholders(rule, &long[..2000]),
            Err(Rejection::TooLong)
        );
    }

    #[test]
    fn placeholders_and_references_are_not_secrets() {
        assert!(is_placeholder("System.getenv("));
        assert!(!is_placeholder(
            "OnJi[1xT0IG7Qtc^&c.z}R<zHI|C9AD:Tq(n;f)c95R!~tK:H37{{2KPG;p=hHl}"
        ));
        assert!(!is_placeholder("x${yQ9;mV2+pLk4"));
        assert!(is_placeholder("$(az"));
        // Magento's encrypted values and an instruction cut at its first space.
        assert!(is_placeholder(
            "0:3:XhVkKFCicT6dXX/gIj6Mthy3e9h1peAle0W6Wh1d7VgRPITvvhgPkQ=="
        ));
        assert!(is_placeholder("<paypal"));
        assert!(!is_placeholder("<Kx8!Lm2"));
        assert!(is_placeholder("Kx7Lp-$(cat"));
        assert!(is_placeholder("Winrm-{{"));
        assert!(!is_placeholder("Kx7mQ2vLp9zR("));
        assert!(is_placeholder("%(WAREHOUSE_PASSWORD)s"));
        assert!(!is_placeholder("%(Kx7mQ2vLp9zR"));
        for v in [
            "sk_live_REPLACE_ME",
            "sk-proj-replace-me",
            "%s",
            "?AZURE_CLIENT_SECRET",
            "Y2hhbmdlbWU=",
            "cGFzc3dvcmQ=",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        // base64 of a real-looking value, and a value that only contains an operator character, stay.
        for v in [
            "UXo3I21WMnBMazkhd1I0dA==",
            "?x9Kq2mPl7vR3tW8z",
            "%sQz7mV2pLk9",
            "ReplaceMe!2024#Prod",
            "-PROD_DB_2024_Q3",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
        for v in [
            "",
            "${DB_PASSWORD}",
            "$(DbPassword)",
            "#{DbPassword}#",
            "{{ .Values.db.password }}",
            "%DB_PASSWORD%",
            "<your-password>",
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
            "[parameters('adminPassword')]",
            "var.admin_password",
            "secrets.DB_PASSWORD",
            "****",
            "xxxxxxxx",
            "changeme",
            "Password",
            "$DB_PASSWORD",
            "your-storage-key-here",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_000000000000000000000000",
            "__SqlAdminPassword__",
            "$__env{GF_DB_PASSWORD}",
            "md59f86d081884c7d659a2feaa0c55ad015",
            "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy",
            "$2b$12$KIXQJ9jQ7sQ9Y0m1Z2Jk3eGQm1aB2cD3eF4gH5iJ6kL7mN8oP9qR.",
        ] {
            assert!(is_placeholder(v), "{v:?} should be a placeholder");
        }
    }

    #[test]
    fn real_looking_values_are_not_placeholders() {
        for v in [
            "Sup3rS3cret!",
            "hunter2-prod",
            "p@ss%w0rd",
            "x9$Kq2",
            "{Xk9!p;w0rd}",
        ] {
            assert!(!is_placeholder(v), "{v:?} should not be a placeholder");
        }
    }

    #[test]
    fn normalisation_decodes_json_xml_and_url_escapes() {
        assert_eq!(normalize("p\\u0026ss\\/x"), "p&ss/x");
        assert_eq!(normalize("p&amp;ss&quot;&#x41;&#66;"), "p&ss\"AB");
        assert_eq!(normalize("abc%2Bdef%3D"), "abc+def=");
        assert_eq!(normalize("100%"), "100%");
        assert_eq!(normalize("plain"), "plain");
        assert_eq!(
            normalize("MIIB\r\n  abc\r\n  def"),
            normalize("MIIB\nabc\ndef")
        );
    }

    #[test]
    fn entropy_grows_with_variety() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
