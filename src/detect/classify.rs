//! The credential classifier behind the structure-aware rules (`classify = "credential"`): is the name a
//! credential's name, is the value a real value, and how sure are we.
//!
//! The catalogue's service rules know one setting each. Real repositories assign credentials to every name
//! imaginable (`KEYSTORE_PASSWORD`, `cas.radius.client.sharedsecret`, `aesKey`, `fs.s3a.secret.key`,
//! `const BCRYPT_AUTH_TOKEN`), in every syntax. The broad rules of `credential-assignments.toml` find any
//! `name <separator> value` pair whose name mentions a credential word; this module then decides, with the
//! name, the value and the text around it, whether that pair is a credential, and how confident the report
//! is. One well-tested decision instead of a hundred narrow allow lists.
//!
//! Confidence is what makes a weak value reportable instead of silently dropped:
//! - `high`: the value looks generated (long, several character classes, high entropy), or has a provider shape;
//! - `medium`: a plausible hand-written credential;
//! - `low`: a weak or default-looking value (`admin`, `s3cr3t`, `postgres`), a test fixture, a local service.
//!
//! Placeholders, references, code and stand-in words (`changeme`, `<password>`, `${VAR}`) are never reported.

use crate::severity::Confidence;

/// What kind of credential a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Password,
    Secret,
    Token,
    /// A key whose name says what it is for (`api_key`, `secretKey`, `aesKey`, `signing_key`).
    Key,
    /// A name that is only `key` or `auth`: a credential only when the value looks generated.
    Bare,
    Credential,
}

/// The name's words, lower-cased: `fs.s3a.secret.key` → `[fs, s3a, secret, key]`, `ClientSecret` →
/// `[client, secret]`, `KEYSTORE_PASSWORD` → `[keystore, password]`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        // camelCase and PascalCase boundaries: aB, and ABc (the last capital starts a word).
        let boundary = i > 0
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase()
                || (chars[i - 1].is_ascii_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words before `key` that make it a credential's name.
#[rustfmt::skip]
const KEY_QUALIFIERS: &[&str] = &[
    "api", "access", "secret", "private", "auth", "master", "encryption", "encrypt", "signing",
    "sign", "client", "app", "account", "storage", "shared", "subscription", "aes", "hmac",
    "crypto", "session", "consumer", "service", "admin", "server", "webhook", "integration",
    "license", "cipher", "jwt", "token", "security", "write", "read", "ingest", "ingestion",
    "instrumentation", "partner", "merchant", "des", "rsa", "ssh", "gpg", "pgp", "root", "mac",
    "hash", "developer", "dev", "live", "prod", "recaptcha", "captcha", "maps", "push",
    "deploy", "machine", "cookie",
];

/// Words before `key` that name a data structure's key, not a credential.
#[rustfmt::skip]
const NOT_SECRET_KEYS: &[&str] = &[
    "foreign", "primary", "sort", "partition", "row", "cache", "idempotency", "lookup", "map",
    "dict", "object", "bucket", "s3", "i18n", "translation", "message", "label", "group",
    "composite", "unique", "index", "shard", "dedup", "deduplication", "correlation", "entity",
    "resource", "file", "path", "field", "column", "table", "query", "config", "setting",
    "property", "attribute", "header", "item", "record", "node", "join", "hot", "shortcut",
    "keyboard", "press", "up", "down", "sub", "parent", "child", "next", "prev", "previous",
    "first", "last", "max", "min", "cursor", "state", "event", "metric", "tag", "context", "store",
    "storage-class", "registry", "hash", "type", "kind", "name", "id", "json", "yaml", "dictionary",
    "enum", "range", "scan", "start", "end", "search", "filter", "order", "group", "cluster",
    "template", "variable", "var", "env", "locale", "lang", "i", "k", "the", "this", "my", "your",
    "default", "custom", "dynamic", "static", "route", "url", "uri", "link", "anchor",
];

/// Words after a credential word that make the name something else: `password_hash`, `token_url`,
/// `secretName`, `api_key_id`. A name must end in its credential word (digits and a plural aside).
fn strip_tail(words: &[String]) -> &[String] {
    let mut end = words.len();
    while end > 0 && words[end - 1].bytes().all(|b| b.is_ascii_digit()) {
        end -= 1;
    }
    &words[..end]
}

/// Which credential, if any, `name` announces. `None` for names that only mention one (`password_policy`,
/// `tokenUrl`, `csrf_token`, `page_token`, `key_id`).
pub fn key_kind(name: &str) -> Option<KeyKind> {
    let all = words(name);
    let ws = strip_tail(&all);
    // Public keys and tokens, publishable keys and references to a secret kept elsewhere.
    if ws.iter().any(|w| {
        matches!(
            w.as_str(),
            "public"
                | "publishable"
                | "pub"
                | "existing"
                | "ref"
                | "reference"
                | "sealed"
                | "keyvault"
        )
    }) {
        return None;
    }
    // Accessors take the secret's name, not its value: `getSecret("openai-key")`, `fetchToken(...)`.
    if ws[..ws.len().saturating_sub(1)].iter().any(|w| {
        matches!(
            w.as_str(),
            "get"
                | "fetch"
                | "load"
                | "contains"
                | "insert"
                | "put"
                | "add"
                | "find"
                | "lookup"
                | "retrieve"
                | "resolve"
                | "has"
                | "is"
                | "delete"
                | "remove"
                | "create"
                | "generate"
                | "validate"
                | "verify"
                | "check"
                | "parse"
                | "decode"
                | "encode"
                | "hash"
                | "encrypt"
                | "decrypt"
                | "require"
                | "ensure"
        )
    }) {
        return None;
    }
    let last = ws
        .last()?
        .as_str()
        .trim_end_matches(|c: char| c.is_ascii_digit());
    // One run-together word that ends in a credential word: `PGPASSWORD`, `keypassword`, `sharedsecret`.
    let last = if last.len() > 8 {
        ["password", "passwd", "secret", "token", "apikey", "key"]
            .into_iter()
            .find(|w| last.ends_with(w))
            .unwrap_or(last)
    } else {
        last
    };
    let prev = ws.len().checked_sub(2).map(|i| ws[i].as_str());
    let kind = match last {
        "password" | "passwords" | "passwd" | "pwd" | "pass" | "passphrase" | "passwort"
        | "pswd" | "passw" | "pword" | "pw" | "passcode" | "pin" => {
            if last == "pin" || last == "pw" {
                // `pin` and `pw` only beside another credential word (`sim_pin`, `db_pw`) would be too
                // loose; they count only as the whole name or after db/admin/user/root.
                match prev {
                    None | Some("db" | "admin" | "user" | "root" | "sa" | "mysql" | "redis") => {
                        KeyKind::Password
                    }
                    _ => return None,
                }
            } else {
                KeyKind::Password
            }
        }
        // `tlsSecret`, `initdbScriptsSecret`, `imagePullSecrets`: names of Kubernetes Secret objects.
        "secret" | "secrets" => match prev {
            Some(
                "tls" | "scripts" | "certificates" | "certs" | "cert" | "passwords" | "credentials"
                | "keys" | "config" | "env" | "pull" | "image" | "registry" | "docker" | "name" | "k8s"
                | "kubernetes" | "kube",
            ) => return None,
            _ => KeyKind::Secret,
        },
        "sharedsecret" | "clientsecret" | "appsecret" | "apisecret" => KeyKind::Secret,
        "token" | "tokens" | "accesstoken" | "authtoken" => match prev {
            Some(
                "csrf" | "xsrf" | "page" | "next" | "continuation" | "sync" | "cancellation"
                | "cancel" | "max" | "lexer" | "parser" | "change" | "lifecycle" | "idempotency"
                | "verification" | "anti" | "request" | "form" | "pagination" | "start" | "end"
                | "last" | "first" | "prev" | "previous" | "cursor" | "resume" | "device" | "push"
                | "registration" | "invite" | "reset" | "confirmation" | "unsubscribe"
                | "notification" | "sas",
            ) => return None,
            _ => KeyKind::Token,
        },
        "apikey" | "apikeys" | "secretkey" | "accesskey" | "privatekey" | "authkey"
        | "masterkey" | "nkey" | "seed" => KeyKind::Key,
        "key" | "keys" => match prev {
            Some(p) if KEY_QUALIFIERS.contains(&p) => KeyKind::Key,
            Some(p) if NOT_SECRET_KEYS.contains(&p) => return None,
            // `aiKey`, `stripeKey`, `KEY`: a credential only if the value looks generated.
            _ => KeyKind::Bare,
        },
        "auth" => match prev {
            None => KeyKind::Bare,
            Some("basic" | "http" | "proxy" | "registry" | "npm" | "docker") => KeyKind::Credential,
            _ => return None,
        },
        "credential" | "credentials" | "creds" | "cred" => KeyKind::Credential,
        _ => return None,
    };
    Some(kind)
}

/// Values that are code, not data, when they stand unquoted: `password: nil`, `token = None`.
#[rustfmt::skip]
const CODE_WORDS: &[&str] = &[
    "nil", "null", "none", "true", "false", "undefined", "self", "this", "yes", "no", "on", "off",
    "required", "optional", "string", "str", "int", "bool", "object", "any", "new", "return",
    "function", "func", "lambda", "await", "async", "static", "const", "let", "var", "def", "val",
    "char", "byte", "bytes", "secure", "securestring", "hidden", "omitted", "unset", "n/a", "na",
    "tbd", "random", "generated", "auto", "env", "environment", "prompt", "ask", "input", "file",
    "vault", "keyvault", "include", "inherit", "same-origin", "omit", "managedidentity", "managed-identity",
    "azurecli", "workloadidentity", "test", "basic", "bearer", "digest", "oauth", "oauth2", "jwt",
    "none",
];

/// Stand-in words that hold a place in a template or a test: never reported.
#[rustfmt::skip]
const STAND_INS: &[&str] = &[
    "change-me", "change_me", "changethis", "placeholder", "pwd", "replaceme", "replace_me",
    "replace-me", "dummy", "example", "sample", "redacted", "removed", "todo", "fixme", "xxx",
    "fake", "mock", "foo", "bar", "baz", "foobar", "qux", "value", "empty", "default", "string",
    "mysecret", "yoursecret", "your_secret", "your-secret", "my-secret", "my_secret",
    "secret-value", "password-value", "token-value", "some-password", "some_password",
    "example-password", "fake_password", "fake-password", "test-password", "test_password",
    "notasecret", "not-a-secret", "supersecret", "xxxxxxxx", "<secret>", "insert", "none", "null",
];

/// Default and dictionary passwords: real values people do commit and attackers try first. Reported, but
/// with low confidence.
#[rustfmt::skip]
const WEAK_VALUES: &[&str] = &[
    "admin", "administrator", "root", "toor", "guest", "user", "postgres", "mysql", "mariadb",
    "redis", "rabbitmq", "oracle", "mongo", "mongodb", "sa", "demo", "docker", "password", "passwd",
    "pass", "secret", "changeit", "letmein", "qwerty", "123456", "12345678", "test", "testing",
    "tester", "s3cr3t", "p@ssw0rd", "passw0rd", "pa55word", "welcome", "master", "monkey", "dragon",
    "abc123", "pwd", "client", "server", "local", "dev", "development",
];

/// Where a credential sits, as far as the classifier cares.
pub struct Context<'a> {
    /// The reported path (`/` separators).
    pub path: &'a str,
    /// The whole scanned text and the value's byte range in it.
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// The name the value is assigned to, when the rule captured one (`key_name`).
    pub name: Option<&'a str>,
}

impl Context<'_> {
    fn before(&self) -> &str {
        let line_start = self.text[..self.start].rfind('\n').map_or(0, |i| i + 1);
        &self.text[line_start..self.start]
    }

    /// The separator before the value is a comma.
    fn after_comma(&self) -> bool {
        let b = self
            .before()
            .trim_end_matches(['"', '\'', '`', '\\'])
            .trim_end();
        b.ends_with(',')
    }

    /// The function called right before the value: `encode` in `password.encode("x")`, `` (empty) in
    /// `("x")`. `None` when the value does not open a call's arguments.
    fn call_before(&self) -> Option<String> {
        let b = self
            .before()
            .trim_end_matches(['"', '\'', '`', '\\'])
            .trim_end();
        let inner = b.strip_suffix('(')?.trim_end();
        let start = inner
            .rfind(|c: char| {
                !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']')
            })
            .map_or(0, |i| i + 1);
        let function = &inner[start..];
        Some(
            function
                .rsplit('.')
                .next()
                .unwrap_or("")
                .trim_matches(['[', ']'])
                .to_string(),
        )
    }

    /// The text right before the value ends in a separator that lists arguments (`,` or `(`).
    fn after_list_separator(&self) -> bool {
        let b = self
            .before()
            .trim_end_matches(['"', '\'', '`', '\\'])
            .trim_end();
        b.ends_with(',') || b.ends_with('(')
    }

    /// The value is a URL query parameter's (`?private_token=...`, `&refreshToken=...`): data, even in code.
    fn in_query(&self) -> bool {
        let b = self.before();
        let Some(eq) = b.strip_suffix('=') else {
            return false;
        };
        let name_start = eq
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |i| i + 1);
        name_start > 0 && matches!(eq.as_bytes()[name_start - 1], b'?' | b'&' | b'#')
    }

    fn after(&self) -> &str {
        let line_end = self.text[self.end..]
            .find('\n')
            .map_or(self.text.len(), |i| self.end + i);
        &self.text[self.end..line_end]
    }

    /// The value stands in quotes (`"x"`, `'x'`, `` `x` ``, escaped `\"x\"`).
    fn quoted(&self) -> bool {
        let b = self.before().trim_end_matches('\\');
        b.ends_with(['"', '\'', '`'])
    }
}

/// Source files where an unquoted value after `=` or `:` is usually an expression, not data.
fn is_code_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "go" | "py"
            | "java"
            | "kt"
            | "kts"
            | "scala"
            | "cs"
            | "js"
            | "jsx"
            | "ts"
            | "tsx"
            | "mjs"
            | "cjs"
            | "rb"
            | "php"
            | "groovy"
            | "swift"
            | "rs"
            | "c"
            | "cc"
            | "cpp"
            | "h"
            | "hpp"
            | "m"
            | "dart"
            | "lua"
            | "pl"
            | "vue"
            | "svelte"
            | "fs"
            | "vb"
            | "bicep"
            | "bicepparam"
            | "tf"
            | "hcl"
            | "ps1"
            | "psm1"
    )
}

/// Files that describe settings rather than hold them: a stand-in word there is a template's slot.
fn is_template_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name.contains(".example")
        || name.contains(".sample")
        || name.contains(".template")
        || name.contains(".dist")
        || name.contains(".tmpl")
        || name.contains(".tpl")
        || name.starts_with("example")
        || name.starts_with("sample")
        || name.ends_with(".md")
        || name.ends_with(".rst")
        || name.ends_with(".txt")
        || name.ends_with(".adoc")
        || name.ends_with(".html")
}

/// Tests, fixtures, mocks and examples: a credential there is usually made up for the test.
fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split('/').any(|seg| {
        matches!(
            seg,
            "test"
                | "tests"
                | "spec"
                | "specs"
                | "fixtures"
                | "fixture"
                | "testdata"
                | "__tests__"
                | "mocks"
                | "mock"
                | "examples"
                | "example"
                | "samples"
                | "sample"
                | "demo"
                | "test-support"
                | "testing"
                | "e2e"
        )
    }) || lower.contains("_test.")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || lower.contains("test.java")
        || lower.contains("test.kt")
        || lower.contains("tests.cs")
        || lower.contains("test.cs")
        || lower.contains("_spec.rb")
}

pub fn shannon(v: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in v.bytes() {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Character classes present: lower, upper, digit, other.
fn classes(v: &str) -> usize {
    let mut c = [false; 4];
    for b in v.bytes() {
        let i = if b.is_ascii_lowercase() {
            0
        } else if b.is_ascii_uppercase() {
            1
        } else if b.is_ascii_digit() {
            2
        } else {
            3
        };
        c[i] = true;
    }
    c.iter().filter(|&&x| x).count()
}

/// Looks machine-generated: long enough, mixed, and spread out.
pub fn looks_generated(v: &str) -> bool {
    if is_wordy(v) {
        return false;
    }
    let n = v.len();
    (n >= 16 && shannon(v) >= 3.3 && classes(v) >= 2)
        || (n >= 12 && shannon(v) >= 3.0 && classes(v) >= 3)
        // Hex digests and keys: 32+ hex digits.
        || (n >= 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) && shannon(v) >= 3.0)
}

/// A stored password hash or key-derivation output: not the password (`pbkdf2_sha256$...`, `argon2:$argon2id$...`,
/// `{SSHA}...`, `$2a$...`).
fn is_hash(lower: &str) -> bool {
    [
        "pbkdf2",
        "argon2",
        "bcrypt",
        "scrypt",
        "sha1$",
        "sha256$",
        "sha512$",
        "md5$",
        "{ssha}",
        "{sha}",
        "{md5}",
        "{bcrypt}",
        "$2a$",
        "$2b$",
        "$2y$",
        "$5$",
        "$6$",
        "$1$",
        "scram-sha-256$",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// 8-4-4-4-12 hex: client ids, tenant ids, resource ids. Identifiers, not credentials.
fn is_guid(v: &str) -> bool {
    let parts: Vec<&str> = v.trim_matches(['{', '}']).split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Shaped like a token: base64, hex or URL-safe characters, and no part (between `-`, `_`, `.`, `/`) that
/// is a plain word of five letters or more.
fn token_like(v: &str) -> bool {
    v.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=-_.~".contains(&b))
        && !v
            .split(['-', '_', '.', '/'])
            .any(|part| part.len() >= 5 && part.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Made of words: letters only, in camelCase, PascalCase or separated by `-`, `_`, `.` or a space
/// (`ClearTextPassword`, `X-Forwarded-For`, `__jquery_unobtrusive_validation_form_reset`). Names and labels,
/// not generated values.
pub fn is_wordy(v: &str) -> bool {
    if !v
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b"-_. :/".contains(&b))
    {
        return false;
    }
    let ws = words(v);
    ws.len() >= 2 && ws.iter().all(|w| w.len() >= 2 || ws.len() >= 3)
}

/// A description of the value rather than the value: a word list that repeats a word of its own name
/// (`refresh_token: "secret-refresh-token"`, `newPassword = "nice-password"`, `USER_PASSWORD =
/// "test-user-password"`), or the name's credential word behind a stand-in prefix (`Token = "testtoken"`).
pub fn describes_itself(v: &str, name: &str) -> bool {
    let name_words = words(name);
    let Some(last) = name_words.last() else {
        return false;
    };
    let lower = v.to_ascii_lowercase();
    for prefix in FILLER_WORDS {
        if lower
            .strip_prefix(prefix)
            .is_some_and(|rest| rest == last.as_str())
        {
            return true;
        }
    }
    let separated = v.contains(['-', '_', ' ']);
    if !separated
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_ ".contains(&b))
    {
        return false;
    }
    // Every word is the name's own, a credential word or a filler, and one of them is a credential word:
    // `some-password`, `secret-refresh-token`, `test-trust-store-password`. A word of its own
    // (`laradock_gitlab`, `ctfd_testing_client_secret`) makes it a value.
    let value_words = words(v);
    let credential_word = |w: &str| {
        matches!(
            w,
            "password" | "passwd" | "pwd" | "pass" | "token" | "secret" | "key"
        )
    };
    value_words.len() >= 2
        && value_words.iter().any(|w| credential_word(w))
        && value_words.iter().all(|w| {
            name_words.contains(w) || credential_word(w) || FILLER_WORDS.contains(&w.as_str())
        })
}

/// Words that dress up a stand-in value: `some-password`, `my_token`, `testtoken`, `new_password`.
#[rustfmt::skip]
const FILLER_WORDS: &[&str] = &[
    "test", "my", "some", "fake", "dummy", "example", "sample", "the", "a", "new", "old", "bad",
    "good", "wrong", "invalid", "valid", "other", "another", "nice", "silly", "your", "value",
    "encrypted", "user", "refresh", "access", "id", "incorrect", "correct", "current", "default",
];

/// An identifier or member path: `cfg.Password`, `opts.pass`, `PASSWORD_ENV`, `getPassword`.
fn is_identifier_like(v: &str) -> bool {
    let first = v.chars().next().unwrap_or(' ');
    (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$')
}

/// A placeholder, reference, template slot or format: never a secret (beyond what
/// [`super::validate::is_placeholder`] already knows).
fn is_stand_in(v: &str, lower: &str) -> bool {
    if STAND_INS.contains(&lower) {
        return true;
    }
    // `%(password)s`, `{password}`, `:password` (SQL and route parameters), `@password`, `?`.
    if lower.contains("%(") || lower.starts_with(':') || lower.starts_with('@') || lower == "?" {
        return true;
    }
    if lower.contains("{{") || lower.contains("{%") || lower.contains("${") || lower.contains("#{")
    {
        return true;
    }
    // Printf and .NET format items anywhere: `pass%d`, `{0}`.
    if lower.contains("%s") || lower.contains("%d") || lower.contains("%v") || lower.contains("{0}")
    {
        return true;
    }
    // Masked: `[REDACTED]`, `***`, `xxxx-xxxx`, `…`.
    if lower.contains("redacted")
        || lower.contains("***")
        || lower.contains('…')
        || lower.contains("...")
    {
        return true;
    }
    let letters: Vec<u8> = lower
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .collect();
    if letters.len() >= 4 && letters.iter().all(|&b| b == b'x' || b == b'0') {
        return true;
    }
    // `your_api_key`, `insert-token-here`, `put your unique phrase here`, `<...>`.
    if lower.contains("your")
        || lower.contains("here")
        || lower.contains("insert")
        || lower.starts_with('<')
    {
        return true;
    }
    // "example"/"placeholder"/"changeme" inside a longer stand-in: `example-password`, `changeme123`.
    [
        "example",
        "placeholder",
        "changeme",
        "change_me",
        "change-me",
        "replace",
        "dummy",
        "sample",
        "fake",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !looks_generated(v)
}

/// Decides whether `value` (normalised) is a credential in context, and how confident the report is.
pub fn classify(value: &str, ctx: &Context) -> Option<Confidence> {
    let v = value.trim();
    if v.len() < 4 || v.len() > 2000 {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    let kind = match ctx.name {
        Some(name) => Some(key_kind(name)?),
        None => None,
    };
    let quoted = ctx.quoted();
    let code = is_code_path(ctx.path);

    // Code and references.
    if CODE_WORDS.contains(&lower.as_str()) || is_stand_in(v, &lower) {
        return None;
    }
    if super::validate::is_placeholder(v) && !WEAK_VALUES.contains(&lower.as_str()) {
        return None;
    }
    if v.starts_with('$') || v.starts_with('%') || v.starts_with('&') || v.starts_with('*') {
        // $VAR, $2a$ hashes, %VAR%, YAML anchors and aliases.
        return None;
    }
    if v.contains(' ') && !quoted {
        return None;
    }
    // Sentences, not secrets: several spaces.
    if v.matches(' ').count() >= 2 || (v.contains(' ') && !looks_generated(&v.replace(' ', ""))) {
        return None;
    }
    // Numbers, versions, sizes, durations.
    if v.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_' || b == b':')
    {
        return None;
    }
    // Paths and plain URLs (a URL with a password is the URL rule's business).
    if v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("~/")
        || v.starts_with("../")
        || v.contains("\\\\")
    {
        return None;
    }
    if lower.contains("://") || lower.starts_with("www.") {
        return None;
    }
    // A relative path with a file name: `orders/prod.terraform.tfstate`, `certs/server.key`.
    if v.contains('/')
        && v.rsplit('/').next().is_some_and(|f| {
            f.rsplit_once('.').is_some_and(|(_, e)| {
                !e.is_empty() && e.len() <= 10 && e.bytes().all(|b| b.is_ascii_alphabetic())
            })
        })
    {
        return None;
    }
    if let Some(dot) = lower.rfind('.') {
        let ext = &lower[dot + 1..];
        if matches!(
            ext,
            "pem"
                | "key"
                | "crt"
                | "cer"
                | "p12"
                | "pfx"
                | "jks"
                | "json"
                | "yaml"
                | "yml"
                | "txt"
                | "env"
                | "properties"
                | "conf"
                | "keystore"
                | "truststore"
                | "gpg"
                | "asc"
                | "der"
                | "pub"
        ) {
            return None;
        }
    }
    if is_hash(&lower) || is_guid(v) || v.starts_with(['[', '?', '-', '!', ',', ';', '+', ')', '|'])
    {
        // Hashes, ids, ARM expressions and lists, `${VAR:?msg}` and `${VAR:-default}` operands.
        return None;
    }
    // Publishable (public by design) keys: Stripe `pk_live_`, Mapbox `pk.`.
    if lower.starts_with("pk.") || lower.starts_with("pk_") {
        return None;
    }
    // `<add key="ida:ClientId" value="...">`: the matched text is the setting's name, not its value.
    let after = ctx
        .after()
        .trim_start_matches(['"', '\'', '\\'])
        .trim_start();
    if after.starts_with("value=") || after.starts_with("Value=") {
        return None;
    }
    // Encrypted files: SealedSecret, sops.
    if lower.starts_with("enc[")
        || ctx.text.contains("kind: SealedSecret")
        || ctx.text.contains("\nsops:")
    {
        return None;
    }
    // A default inside a reference (`${DB_PASSWORD:fallback}`), and a URL whose user is itself a slot
    // (`nats://%s:pass@host`): templates, not settings.
    let before = ctx.before();
    if before.ends_with(':')
        && before
            .rfind("${")
            .is_some_and(|i| !before[i..].contains('}'))
    {
        return None;
    }
    if let Some((_, userinfo)) = before.rsplit_once("://") {
        if userinfo.contains(['%', '{', '$', '<']) {
            return None;
        }
    }
    // One character repeated: masks and fillers (`BBBBBBBBBBBB`).
    let first = v.as_bytes()[0];
    if v.len() >= 6 && v.bytes().all(|b| b == first) {
        return None;
    }
    // Another name, not a value: `case "pass", "password":`, `StringVar(&opts.Password, "pass", ...)`.
    if ctx.after_list_separator() && key_kind(v).is_some() && !v.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    // After `,` the pair is a call's last two arguments (`put("password", "x")`) only when the value ends
    // the call; `'pass', 'print', 'raise'` is a list of words.
    if ctx.after_comma() {
        let rest = ctx
            .after()
            .trim_start_matches(['"', '\'', '`', '\\'])
            .trim_start();
        if !(rest.is_empty() || rest.starts_with([')', ']', '}', ';'])) {
            return None;
        }
    }
    // A call between the separator and the value: only conversions keep the value a literal
    // (`[]byte("...")`, `SecretStr("...")`, `setPassword("...")`); `password.encode("latin1")`,
    // `os.getenv("X", "default")` or `_("Password")` pass something else.
    if let Some(function) = ctx.call_before() {
        let fw = words(&function);
        let conversion = function.is_empty()
            || ctx.name.is_some_and(|n| n.ends_with(function.as_str()))
            || fw.last().is_some_and(|w| {
                matches!(
                    w.as_str(),
                    "byte"
                        | "bytes"
                        | "string"
                        | "str"
                        | "secretstr"
                        | "securestring"
                        | "from"
                        | "of"
                        | "value"
                        | "credential"
                        | "secret"
                        | "password"
                        | "token"
                        | "key"
                        | "new"
                )
            })
            || fw
                .first()
                .is_some_and(|w| matches!(w.as_str(), "set" | "with" | "use"));
        let rest = ctx
            .after()
            .trim_start_matches(['"', '\'', '`', '\\'])
            .trim_start();
        if !conversion || !rest.starts_with(')') {
            // Not a conversion, or not the call's only argument (`base.pass("g?y", "http://...")`).
            return None;
        }
    }
    if v.contains("{}") {
        return None;
    }
    if let Some(name) = ctx.name {
        if describes_itself(v, name) {
            return None;
        }
    }
    // Values that name their own key: `token: 'token'`, `password = password`, `apiKey: apiKey`.
    if let Some(name) = ctx.name {
        let ws = words(name);
        let squashed: String = ws.concat();
        let vl: String = lower
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        // Unquoted in code it is a variable; quoted or in a configuration file it is a (weak) literal.
        if (vl == squashed || ws.last().is_some_and(|l| *l == vl))
            && (!quoted && code || vl == squashed && vl.len() > 8)
        {
            return None;
        }
    }
    // Unquoted in source code: an expression (`pass := cfg.Password`, `password: password,`), unless it
    // sits in a configuration block inside a string (NATS and HOCON snippets in tests).
    if !quoted && ctx.name.is_some() && !ctx.in_query() {
        if v.contains('(')
            || v.contains(')')
            || v.contains('[')
            || v.ends_with(';')
            || v.starts_with('!')
        {
            return None;
        }
        // A call or member access right after the value: `getString(props, ...)`, `generateToken();`.
        if ctx.after().starts_with(['(', '.', '?', '<', '[']) && !ctx.after().starts_with("...") {
            return None;
        }
        if code {
            let name_is_config = ctx
                .name
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            let before = ctx.before();
            let declares = before.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
                matches!(
                    w,
                    "var"
                        | "val"
                        | "let"
                        | "const"
                        | "func"
                        | "fun"
                        | "def"
                        | "private"
                        | "public"
                        | "final"
                        | "static"
                        | "return"
                        | "if"
                        | "case"
                )
            });
            let config_block = !declares
                && name_is_config
                && (before.contains('{') || before.contains('[') || before.trim().is_empty())
                && !before.contains("(")
                && !before.contains(":=")
                && !v.contains('.');
            if !config_block {
                return None;
            }
        } else if is_identifier_like(v) && v.contains('.') && !looks_generated(v) {
            // `password: config.db.password` in YAML templates and Python settings.
            return None;
        }
    }
    if is_identifier_like(v)
        && v.contains('.')
        && v.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && !looks_generated(v)
        && v.split('.').count() >= 2
        && v.chars().any(|c| c.is_ascii_lowercase())
    {
        // `cfg.Password`, `settings.SECRET_KEY`, `os.environ`.
        if quoted && !code {
            // A quoted dotted word in a config file is a value (`pass.word`).
        } else {
            return None;
        }
    }
    // UPPER_SNAKE names are environment variables or constants, not values.
    if v.contains('_')
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !looks_generated(v)
    {
        return None;
    }

    let generated = looks_generated(v);
    // A name that is only `key` or `auth` counts only with a generated, token-like value:
    // `key: kubernetes.io/hostname` and `key: rfc2136-tsig-secret` are names.
    if kind == Some(KeyKind::Bare) && !(generated && token_like(v)) {
        return None;
    }
    // ARM template expressions: `"[coalesce(parameters('adminPassword'), '...')]"`.
    if before.contains("\"[") && before.contains('(') && before.contains('\'') {
        return None;
    }
    // Keys and tokens are generated; a word under such a name is more likely a label or a name
    // (`PrimaryKey("PK_Users")`, `Token = "testtoken"`).
    let mixed = v.bytes().any(|b| b.is_ascii_digit()) && v.bytes().any(|b| b.is_ascii_alphabetic());
    if matches!(
        kind,
        Some(KeyKind::Token | KeyKind::Key | KeyKind::Credential)
    ) && !generated
        && (v.len() < 8 || !mixed)
    {
        return None;
    }
    let weak = WEAK_VALUES.contains(&lower.as_str())
        || (v.len() < 8 && !generated)
        || (v.bytes().all(|b| b.is_ascii_lowercase()) && v.len() < 12);
    let template = is_template_path(ctx.path);
    if template && weak {
        return None;
    }
    let confidence = if generated && !is_test_path(ctx.path) {
        Confidence::High
    } else if weak || is_test_path(ctx.path) || template {
        Confidence::Low
    } else {
        Confidence::Medium
    };
    Some(confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_naming_style() {
        assert_eq!(words("fs.s3a.secret.key"), ["fs", "s3a", "secret", "key"]);
        assert_eq!(words("ClientSecret"), ["client", "secret"]);
        assert_eq!(words("KEYSTORE_PASSWORD"), ["keystore", "password"]);
        assert_eq!(words("AWSSecretKey"), ["aws", "secret", "key"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
    }

    #[test]
    fn names_must_end_in_a_credential_word() {
        for yes in [
            "password",
            "DB_PASS",
            "key_store_password",
            "cas.radius.client.sharedsecret",
            "aesKey",
            "fs.s3a.secret.key",
            "BCRYPT_AUTH_TOKEN",
            "client_secret",
            "apiKey",
            "ConsumerKey",
            "accessToken",
            "nkey",
            "MAILU_SECRET_KEY",
            "credentials",
            "password2",
        ] {
            assert!(key_kind(yes).is_some(), "{yes}");
        }
        for no in [
            "password_hash",
            "tokenUrl",
            "secretName",
            "api_key_id",
            "csrf_token",
            "page_token",
            "PasswordPolicy",
            "monkey",
            "foreign_key",
            "primaryKeyColumn",
            "sort_key",
            "auth_mode",
            "next_page_token",
            "passenger",
        ] {
            assert!(key_kind(no).is_none(), "{no}");
        }
    }

    fn ctx<'a>(path: &'a str, text: &'a str, value: &str, name: &'a str) -> (Context<'a>, String) {
        let start = text.find(value).unwrap();
        (
            Context {
                path,
                text,
                start,
                end: start + value.len(),
                name: Some(name),
            },
            value.to_string(),
        )
    }

    fn conf(path: &str, line: &str, value: &str, name: &str) -> Option<Confidence> {
        let (c, v) = ctx(path, line, value, name);
        classify(&v, &c)
    }

    #[test]
    fn values_get_a_confidence_or_are_dropped() {
        use Confidence::*;
        assert_eq!(
            conf(
                "app.yml",
                "  password: Xk9#mP2$vL8q",
                "Xk9#mP2$vL8q",
                "password"
            ),
            Some(High)
        );
        assert_eq!(
            conf("app.yml", "  password: hunter22x", "hunter22x", "password"),
            Some(Medium)
        );
        assert_eq!(
            conf(
                "conf/app.ini",
                "password = Tr0ub4dor",
                "Tr0ub4dor",
                "password"
            ),
            Some(Medium)
        );
        assert_eq!(
            conf("app.yml", "  password: admin", "admin", "password"),
            Some(Low)
        );
        assert_eq!(
            conf(
                "a/b_test.go",
                "\tusers = [{user: a, password: s3cr3t}]",
                "s3cr3t",
                "password"
            ),
            Some(Low)
        );
        // Code, references and stand-ins.
        assert_eq!(
            conf("a.go", "\tpass := cfg.Password", "cfg.Password", "pass"),
            None
        );
        assert_eq!(
            conf(
                "a.py",
                "    password = get_password()",
                "get_password()",
                "password"
            ),
            None
        );
        assert_eq!(
            conf("a.js", "  password: password,", "password", "password"),
            None
        );
        assert_eq!(
            conf(
                "a.yml",
                "password: ${DB_PASSWORD}",
                "${DB_PASSWORD}",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(".env.example", "DB_PASSWORD=admin", "admin", "DB_PASSWORD"),
            None
        );
        assert_eq!(
            conf("a.yml", "password: changeme", "changeme", "password"),
            None
        );
        assert_eq!(
            conf("a.go", "\"pass\":\"[REDACTED]\"", "[REDACTED]", "pass"),
            None
        );
        assert_eq!(conf("a.yml", "key: v1-source", "v1-source", "key"), None);
        assert_eq!(conf("a.yml", "token: 'token'", "token", "token"), None);
        assert_eq!(
            conf(
                "a.cs",
                "const string key = \"X-Forwarded-For\";",
                "X-Forwarded-For",
                "key"
            ),
            None
        );
        // A bare `key` needs a generated value.
        assert_eq!(
            conf(
                "ipcontroller.json",
                "\"key\": \"868074dd-060311910ab3d6991611bccf\"",
                "868074dd-060311910ab3d6991611bccf",
                "key"
            ),
            Some(High)
        );
    }

    #[test]
    fn what_surrounds_the_value_decides() {
        use Confidence::*;
        // Lists of words and calls' other arguments are not values.
        assert_eq!(
            conf("lexer.py", "    'pass', 'print', 'raise',", "print", "pass"),
            None
        );
        assert_eq!(
            conf(
                "t.rs",
                "    base.pass(\"g?y=1\", \"http://a/b\");",
                "g?y=1",
                "pass"
            ),
            None
        );
        // ... but a fallback after the setting's name is a hard-coded value.
        assert_eq!(
            conf(
                "a.py",
                "pw = os.getenv(\"DB_PASSWORD\", \"Zq8vN2xLm4Hq7wP2\")",
                "Zq8vN2xLm4Hq7wP2",
                "DB_PASSWORD"
            ),
            Some(High)
        );
        assert_eq!(
            conf(
                "a.py",
                "    password = password.encode(\"latin1x\")",
                "latin1x",
                "password"
            ),
            None
        );
        // The last argument of a setter, and a conversion, are.
        assert_eq!(
            conf(
                "A.java",
                "  ks.setPassword(\"Vx8#kq2Lm\");",
                "Vx8#kq2Lm",
                "setPassword"
            ),
            Some(Medium)
        );
        assert_eq!(
            conf(
                "a.go",
                "var seed = []byte(\"Qm9vdHN0cmFwS2V5Rm9yVGVzdA\")",
                "Qm9vdHN0cmFwS2V5Rm9yVGVzdA",
                "seed"
            ),
            Some(High)
        );
        // A name given as the value: `case "pass", "password":`.
        assert_eq!(
            conf(
                "opts.go",
                "\tcase \"pass\", \"password\":",
                "password",
                "pass"
            ),
            None
        );
        // A URL query parameter is data, even in code.
        assert_eq!(
            conf(
                "a_spec.rb",
                "  url = \"https://h/raw?private_token=a86e56d46ac78b&ref=x\"",
                "a86e56d46ac78b",
                "private_token"
            ),
            Some(Low)
        );
        // A configuration block inside a Go test string, but not a Go struct literal from a variable.
        assert_eq!(
            conf(
                "a_test.go",
                "\t\tusers = [{user: alice, password: Kestrel81}]",
                "Kestrel81",
                "password"
            ),
            Some(Low)
        );
        assert_eq!(
            conf(
                "a.go",
                "\tc := Config{User: u, Password: pw2value}",
                "pw2value",
                "Password"
            ),
            None
        );
        // Defaults inside references, hashes, ids, encrypted and masked values.
        assert_eq!(
            conf(
                "a.yml",
                "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}",
                "-postgres",
                "POSTGRES_PASSWORD"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.json",
                "\"password\": \"pbkdf2_sha256$720000$abc$def\"",
                "pbkdf2_sha256$720000$abc$def",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.xml",
                "<add key=\"ClientId\" value=\"56456306-5028-4301-afd2-a803eff0b047\"/>",
                "56456306-5028-4301-afd2-a803eff0b047",
                "key"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.yaml",
                "  password: ENC[AES256_GCM,data:abc]",
                "ENC",
                "password"
            ),
            None
        );
        assert_eq!(
            conf("a.go", "\"pass\":\"BBBBBBBBBBBB\"", "BBBBBBBBBBBB", "pass"),
            None
        );
        // Values that only describe their setting, versus a value with a word of its own.
        assert_eq!(
            conf(
                "a.kt",
                "val password = \"some-password\"",
                "some-password",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.json",
                "\"refresh_token\": \"secret-refresh-token\"",
                "secret-refresh-token",
                "refresh_token"
            ),
            None
        );
        assert_eq!(
            conf(
                ".env",
                "GITLAB_DB_PASSWORD=laradock_gitlab",
                "laradock_gitlab",
                "GITLAB_DB_PASSWORD"
            ),
            Some(Medium)
        );
        // A setting's name in `<add key=... value=...>` and an accessor's argument are names.
        assert_eq!(
            conf(
                "web.config",
                "<add key=\"webpages:Version\" value=\"3.0.0.0\" />",
                "webpages:Version",
                "key"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.ts",
                "const k = await secrets.getSecret(\"openai-key\");",
                "openai-key",
                "secrets.getSecret"
            ),
            None
        );
        // Weak values in a template are stand-ins; in a live file they are reported, with low confidence.
        assert_eq!(
            conf(
                ".env.example",
                "RABBITMQ_PASS=guest",
                "guest",
                "RABBITMQ_PASS"
            ),
            None
        );
        assert_eq!(
            conf(
                "docker-compose.yml",
                "      RABBITMQ_PASS: guest",
                "guest",
                "RABBITMQ_PASS"
            ),
            Some(Low)
        );
        // Publishable keys are public by design.
        assert_eq!(
            conf(
                "a.ts",
                "  mapboxToken: \"pk.eyJ1IjoiYWJjIn0.Zq8vN2xLm4Hq7wP2\"",
                "pk.eyJ1IjoiYWJjIn0.Zq8vN2xLm4Hq7wP2",
                "mapboxToken"
            ),
            None
        );
    }
}
