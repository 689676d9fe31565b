//! Values: the shapes that say generated, weak, stand-in, code, hash or identifier, independent of where
//! the value sits.

use super::name::words;

/// Values that are code, not data, when they stand unquoted: `password: nil`, `token = None`.
#[rustfmt::skip]
pub const CODE_WORDS: &[&str] = &[
    "nil", "null", "none", "true", "false", "undefined", "self", "this", "yes", "no", "on", "off",
    "required", "optional", "string", "str", "int", "bool", "object", "any", "new", "return",
    "function", "func", "lambda", "await", "async", "static", "const", "let", "var", "def", "val",
    "char", "byte", "bytes", "secure", "securestring", "hidden", "omitted", "unset", "n/a", "na",
    "tbd", "random", "generated", "auto", "env", "environment", "prompt", "ask", "input", "file",
    "vault", "keyvault", "include", "inherit", "same-origin", "utf8", "utf-8", "ascii", "latin1", "base64", "hex", "binary", "omit", "managedidentity", "managed-identity",
    "azurecli", "workloadidentity", "test", "basic", "bearer", "digest", "oauth", "oauth2", "jwt",
    "none",
];

/// Stand-in words that hold a place in a template or a test: never reported.
#[rustfmt::skip]
pub const STAND_INS: &[&str] = &[
    "placeholder", "pwd", "replaceme", "replace_me",
    "replace-me", "dummy", "example", "sample", "redacted", "removed", "todo", "fixme", "xxx",
    "fake", "mock", "foo", "bar", "baz", "foobar", "qux", "value", "empty", "default", "string",
    "yoursecret", "your_secret", "your-secret", "my-secret", "my_secret",
    "secret-value", "password-value", "token-value", "some-password", "some_password",
    "example-password", "fake_password", "fake-password", "test-password", "test_password",
    "notasecret", "not-a-secret", "xxxxxxxx", "<secret>", "insert", "none", "null",
];

/// Shipped defaults that read like instructions (`ENV KEY_STORE_PASSWORD=changeme` in a Dockerfile, a
/// test server's `password: changeme`): in a file that runs with its literals they are the password the
/// service really uses until someone changes it, so they are weak values there
/// ([`super::path::runs_with_its_literals`]); elsewhere (Helm values, an `.example` file, a README) they
/// are slots to fill, as the issue's own corpora label them.
pub const SHIPPED_DEFAULTS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "mysecret",
    "supersecret",
];

/// Default and dictionary passwords: real values people do commit and attackers try first. Reported, but
/// with low confidence.
#[rustfmt::skip]
pub const WEAK_VALUES: &[&str] = &[
    "admin", "administrator", "root", "toor", "guest", "user", "postgres", "mysql", "mariadb",
    "redis", "rabbitmq", "oracle", "mongo", "mongodb", "sa", "demo", "docker", "password", "passwd",
    "pass", "secret", "changeit", "letmein", "qwerty", "123456", "12345678", "test", "testing",
    "tester", "s3cr3t", "p@ssw0rd", "passw0rd", "pa55word", "welcome", "master", "monkey", "dragon",
    "abc123", "pwd", "client", "server", "local", "dev", "development",
];

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
pub fn classes(v: &str) -> usize {
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
pub fn is_hash(lower: &str) -> bool {
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
pub fn is_guid(v: &str) -> bool {
    let parts: Vec<&str> = v.trim_matches(['{', '}']).split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Shaped like a token: base64, hex or URL-safe characters, and no part (between `-`, `_`, `.`, `/`) that
/// is a plain word of five letters or more.
pub fn token_like(v: &str) -> bool {
    v.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=-_.~".contains(&b))
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
    // Words are separated by punctuation or by case (`challengePassword`, an OID's name in a C header;
    // not `passwordA`, whose last "word" is a letter).
    let separated = v.contains(['-', '_', ' '])
        || (v
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
            && words(v).iter().all(|w| w.len() >= 3));
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
            "password" | "passwd" | "pwd" | "pass" | "passphrase" | "token" | "secret" | "key"
        )
    };
    value_words.len() >= 2
        && value_words.iter().any(|w| credential_word(w))
        && value_words.iter().all(|w| {
            name_words.contains(w) || credential_word(w) || FILLER_WORDS.contains(&w.as_str())
        })
}

/// `my-secret-pw`, `yourpassword`-like values split in words: an owner word (`my`, `your`, `some`) and
/// nothing but credential and filler words. Weak where they are the value in use; in a document or a
/// template, the documentation's stand-in.
pub fn is_possessive_stand_in(value_words: &[String]) -> bool {
    value_words.len() >= 2
        && value_words
            .iter()
            .any(|w| matches!(w.as_str(), "my" | "your" | "some"))
        && value_words.iter().all(|w| {
            FILLER_WORDS.contains(&w.as_str())
                || matches!(
                    w.as_str(),
                    "pw" | "pwd"
                        | "pass"
                        | "passwd"
                        | "password"
                        | "secret"
                        | "token"
                        | "key"
                        | "super"
                )
        })
}

/// Words that dress up a stand-in value: `some-password`, `my_token`, `testtoken`, `new_password`.
#[rustfmt::skip]
pub const FILLER_WORDS: &[&str] = &[
    "test", "my", "some", "fake", "dummy", "example", "sample", "the", "a", "new", "old", "bad",
    "good", "wrong", "invalid", "valid", "other", "another", "nice", "silly", "your", "value",
    "encrypted", "user", "refresh", "access", "id", "incorrect", "correct", "current", "default",
];

/// An identifier or member path: `cfg.Password`, `opts.pass`, `PASSWORD_ENV`, `getPassword`.
pub fn is_identifier_like(v: &str) -> bool {
    let first = v.chars().next().unwrap_or(' ');
    (first.is_ascii_alphabetic() || first == '_' || first == '$')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$')
}

/// A placeholder, reference, template slot or format: never a secret (beyond what
/// [`super::validate::is_placeholder`] already knows).
pub fn is_stand_in(v: &str, lower: &str) -> bool {
    if STAND_INS.contains(&lower) {
        return true;
    }
    // `%(password)s`, `{password}`, `:password` (SQL and route parameters), `@password`, `?`.
    if lower.starts_with(':') || lower.starts_with('@') || lower == "?" {
        return true;
    }
    // Template, printf and format syntax and masks anywhere; the words of an instruction or an example
    // unless the value is generated (see [`STAND_IN_PARTS`]).
    let mut word = false;
    for m in STAND_IN_PARTS.find_overlapping_iter(lower) {
        if m.pattern().as_usize() < STAND_IN_MARKS {
            return true;
        }
        word = true;
    }
    let letters: Vec<u8> = lower
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .collect();
    if letters.len() >= 4 && letters.iter().all(|&b| b == b'x' || b == b'0') {
        return true;
    }
    // `your_api_key`, `insert-token-here`, `put your unique phrase here`, `<...>`; "example",
    // "placeholder", "changeme" inside a longer stand-in: `example-password`, `changeme123`. A long
    // generated value can hold these letters by chance (`...yOuR...` in 1,600 characters of base64): it is
    // not a stand-in.
    lower.starts_with('<') || (word && !looks_generated(v))
}

/// The parts [`is_stand_in`] looks for inside a value, in one automaton: a classifier sees every
/// candidate of the broad rules (a million on a tree of `<add key="..." value="..."/>` files), and twenty
/// substring searches each were a tenth of a scan. The first [`STAND_IN_MARKS`] patterns make any value
/// a stand-in: templates (`%(`, `{{`, `{%`, `${`, `#{`), printf and .NET format items (`%s`, `%d`, `%v`,
/// `{0}`), masks (`redacted`, `***`, `…`, `...`) and instructions about the value (`at_least`,
/// `characters`, `-chars`, `random-`). The rest are words that do so unless the value looks
/// generated.
static STAND_IN_PARTS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            "%(",
            "{{",
            "{%",
            "${",
            "#{",
            "%s",
            "%d",
            "%v",
            "{0}",
            "redacted",
            "***",
            "…",
            "...",
            // Instructions about the value (`something_at_least_32_characters`, `min-32-chars`).
            "at_least",
            "atleast",
            "characters",
            "-chars",
            "_chars",
            "random-",
            "random_",
            "your",
            "here",
            "insert",
            "example",
            "placeholder",
            "changeme",
            "change_me",
            "change-me",
            "replace",
            "dummy",
            "sample",
            "fake",
        ])
        .expect("plain literals")
    });
const STAND_IN_MARKS: usize = 20;

/// The value holds a slot to fill in: `SG.<id>.<secret>`, `{os.environ['X']}` (an f-string or a format
/// string's field). Asked by every rule, since a provider's shape may wrap the slot.
pub fn holds_a_slot(v: &str) -> bool {
    let angle = v.match_indices('<').any(|(i, _)| {
        let rest = &v[i + 1..];
        rest.find('>').is_some_and(|j| {
            j > 0
                && rest[..j]
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-' || b == b' ')
        })
    });
    // A field is an expression (`{os.environ['X']}`, `{self.password}`); an ODBC value in braces
    // (`PWD={Xq7!pL;2#vR9}`) is a password.
    // Python's conversions (`{password!r}`) mark a field too.
    let field = v.strip_prefix('{').is_some_and(|rest| {
        let inner = rest.split('}').next().unwrap_or("");
        let (expr, conversion) = match inner.find('!') {
            Some(i) => (&inner[..i], &inner[i..]),
            None => (inner, ""),
        };
        expr.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && expr
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.[]()'\"".contains(&b))
            && (expr.bytes().any(|b| b"._[(".contains(&b))
                || ["!r", "!s", "!a"]
                    .iter()
                    .any(|c| conversion == *c || conversion.starts_with(&format!("{c}:"))))
    });
    angle || field
}
