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
//! Placeholders, references, code and stand-in words (`<password>`, `${VAR}`, `your_token_here`) are never
//! reported; a shipped default such as `changeme` is, at `low`, in a file that runs with it (a Dockerfile,
//! a test, a program).

mod name;
mod path;
mod value;

use base64::Engine as _;
use name::{key_kind, names_a_digest, words, KeyKind};
pub use value::{describes_itself, is_guid, is_wordy, looks_generated, shannon};

use crate::severity::Confidence;
use path::{is_code_path, is_template_path, is_test_path};
use value::*;

/// How much of the value's line on each side the classifier reads.
const CONTEXT: usize = 512;

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
    /// The rule found the value by its place among a call's arguments (`login("u", "p")`,
    /// `jwt.sign(payload, "...")`): the checks that tell a call's other arguments from a value skip it.
    pub positional: bool,
    /// Whether the file is a SealedSecret, looked up once per file on first need.
    pub sealed: &'a std::cell::OnceCell<bool>,
}

impl Context<'_> {
    fn is_sealed_secret(&self) -> bool {
        *self
            .sealed
            .get_or_init(|| self.text.contains("kind: SealedSecret"))
    }

    /// The value's line before it, at most [`CONTEXT`] bytes (a minified file is one long line).
    fn before(&self) -> &str {
        let floor =
            crate::source::floor_char_boundary(self.text, self.start.saturating_sub(CONTEXT));
        let line_start = self.text[floor..self.start]
            .rfind('\n')
            .map_or(floor, |i| floor + i + 1);
        &self.text[line_start..self.start]
    }

    /// The value's line is a comment (`# ...`, `// ...`, `-- ...`, ` * ...` in a doc block).
    fn in_comment(&self) -> bool {
        let t = self.before().trim_start();
        ["#", "//", "--", "/*", "* ", "*\t"]
            .iter()
            .any(|c| t.starts_with(c))
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
            .char_indices()
            .rfind(|&(_, c)| {
                !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']')
            })
            .map_or(0, |(i, c)| i + c.len_utf8());
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

    /// The value is a URL query parameter's (`?private_token=...`, `&refreshToken=...`) or a `NAME=value`
    /// pair's inside a string: data, even in code.
    fn in_query(&self) -> bool {
        let b = self.before();
        let Some(eq) = b.strip_suffix('=') else {
            return false;
        };
        // The character before the parameter's name (any character, multi-byte ones included).
        // A `NAME=value` pair that opens a string (`"Search__AdminKey=..."`, `--data 'client_secret=...'`)
        // is data too, like a query parameter.
        let string_pair = || {
            eq.char_indices()
                .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .is_some_and(|(_, c)| matches!(c, '"' | '\''))
                && self.after().starts_with(['"', '\'', '&'])
        };
        eq.char_indices()
            .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .is_some_and(|(_, c)| matches!(c, '?' | '&' | '#'))
            || string_pair()
    }

    /// The value's line after it, at most [`CONTEXT`] bytes.
    fn after(&self) -> &str {
        let ceil =
            crate::source::ceil_char_boundary(self.text, (self.end + CONTEXT).min(self.text.len()));
        let line_end = self.text[self.end..ceil]
            .find('\n')
            .map_or(ceil, |i| self.end + i);
        &self.text[self.end..line_end]
    }

    /// The value stands in quotes (`"x"`, `'x'`, `` `x` ``, escaped `\"x\"`).
    fn quoted(&self) -> bool {
        let b = self.before().trim_end_matches('\\');
        b.ends_with(['"', '\'', '`'])
    }
}

/// A value that says what it is not or where it comes from (`not-the-client-secret`, `definitely-not-it`,
/// `from-env`), a name that says the credential is wrong on purpose (`WRONG_PASSWORD`, `invalidToken`,
/// `bad_secret`), or a name that says the value is public (`RECAPTCHA_SITE_KEY`) or a form's CSRF token
/// (`_token`): a test of the failure path, a label or no secret. Asked by every rule (see
/// [`vetoed_for_every_rule`]).
fn disowned(v: &str, value_words: &[String], name: Option<&str>) -> bool {
    let public_or_form_name = name.is_some_and(|n| {
        let ws = words(n);
        // reCAPTCHA, hCaptcha and Turnstile site keys are public; `_token`, `authenticity_token` and
        // `csrfmiddlewaretoken` are a form's CSRF tokens.
        let bare = n.trim_start_matches('_').to_ascii_lowercase();
        ws.ends_with(&["site".to_string(), "key".to_string()])
            || matches!(bare.as_str(), "authenticity_token" | "csrfmiddlewaretoken")
            || (n.starts_with('_') && matches!(bare.as_str(), "token" | "requestverificationtoken"))
    });
    public_or_form_name
        || (value_words.len() >= 2
            && v.bytes()
                .all(|b| b.is_ascii_alphabetic() || b"-_ ".contains(&b))
            && (negates_identity(value_words) || value_words[0] == "from"))
        || name.is_some_and(|n| {
            words(n)
                .first()
                .is_some_and(|w| matches!(w.as_str(), "wrong" | "invalid" | "incorrect" | "bad"))
        })
}

/// `not-the-client-secret`, `definitely-not-it`, `not_a_real_token`: "not" before a word that names the
/// value itself, or at the end. `not-secure-database-password` (Harbor's shipped default) only describes
/// a value that is in use.
fn negates_identity(value_words: &[String]) -> bool {
    value_words.iter().enumerate().any(|(i, w)| {
        w == "not"
            && value_words.get(i + 1).is_none_or(|next| {
                matches!(
                    next.as_str(),
                    "the"
                        | "a"
                        | "an"
                        | "it"
                        | "this"
                        | "that"
                        | "my"
                        | "your"
                        | "our"
                        | "real"
                        | "valid"
                        | "correct"
                        | "right"
                        | "used"
                )
            })
    })
}

/// What no rule reports, whichever found the value: a value that only describes its setting
/// (`USER_PASSWORD = "test-user-password"`) or a digest's name, a value or name that disowns it
/// ([`disowned`]), SealedSecret ciphertext, a public client key, and a stand-in in a template file
/// (`JWT_SECRET=change-me-to-a-long-random-string` in `.env.example`). [`classify`] makes the same checks
/// among its own; a rule without the classifier asks this instead, and keeps its own checks beside it.
pub fn vetoed_for_every_rule(v: &str, ctx: &Context) -> bool {
    ctx.name
        .is_some_and(|n| describes_itself(v, n) || names_a_digest(n))
        || disowned(v, &words(v), ctx.name)
        || sealed_ciphertext(v, ctx)
        || is_ciphertext(v)
        || unsigned_jwt(v)
        || public_client_key(v, ctx)
        || value::holds_a_slot(v)
        || (is_template_path(ctx.path) && value::is_stand_in(v, &v.to_ascii_lowercase()))
}

/// Whether `hay` holds `needle` (lower-case ASCII) in any case, without copying `hay`.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The base64 of the header every Windows DPAPI blob starts with: NuGet's encrypted `Password`, a
/// publish profile's `EncryptedPassword`, PowerShell's `ConvertFrom-SecureString` output. Ciphertext
/// that only the machine or user who wrote it can open.
const DPAPI_BLOB: &str = "AQAAANCMnd8BFdERjHoAwE";

/// Ciphertext a tool wrote for itself: a DPAPI blob ([`DPAPI_BLOB`]) and Jenkins's `{AQAAAB...}`
/// secrets, which only that Jenkins's master key opens.
fn is_ciphertext(v: &str) -> bool {
    v.starts_with(DPAPI_BLOB) || v.starts_with("{AQAAAB")
}

/// A JWT with an empty signature (`alg: none`): anyone can write one, so it proves nothing; an exploit
/// or a test of the rejection path.
fn unsigned_jwt(v: &str) -> bool {
    v.starts_with("eyJ") && v.ends_with('.') && v.matches('.').count() == 2
}

/// An HTTP Basic credential that decodes to no password (`user:`) or to the words of a template
/// (`username:password`).
fn empty_or_template_basic(v: &str, ctx: &Context) -> bool {
    let before = ctx.before().trim_end().as_bytes();
    if before.len() < 5 || !before[before.len() - 5..].eq_ignore_ascii_case(b"basic") {
        return false;
    }
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(v.trim_end_matches(['"', '\'', ',']))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    match decoded.split_once(':') {
        Some((_, "")) => true,
        Some((user, pass)) => {
            matches!(user, "username" | "user" | "login") && matches!(pass, "password" | "pass")
        }
        None => false,
    }
}

/// Keys that an app ships to every client, public by design: RevenueCat's SDK keys (`appl_`, `goog_`,
/// `amzn_`, `strp_`), Branch's `key_live_`, and any key whose name says search-only, publishable or
/// public key (Algolia's search key). Firebase's `AIza...` configuration keys and Segment's write keys
/// stay reported: they are abused when left unrestricted, and the corpora disagree about them.
/// Asked by every rule (see [`vetoed_for_every_rule`]).
fn public_client_key(v: &str, ctx: &Context) -> bool {
    let sdk_key = v.len() >= 20
        && ["appl_", "goog_", "amzn_", "strp_", "key_live_", "key_test_"]
            .iter()
            .any(|p| v.starts_with(p));
    // Stripe's PaymentIntent and SetupIntent `client_secret` (`pi_..._secret_...`) is handed to the
    // browser to confirm one payment.
    let intent_secret = ["pi_", "seti_"].iter().any(|p| v.starts_with(p)) && v.contains("_secret_");
    // A Sentry DSN's key (`https://<32 hex>@o1.ingest.sentry.io/2`) only submits events, by design
    // from every client.
    // The value's shape first: the line is searched only for a 32-hex value, not for every candidate.
    let sentry_dsn = v.len() == 32
        && v.bytes().all(|b| b.is_ascii_hexdigit())
        && (contains_ignore_case(ctx.before(), "sentry")
            || contains_ignore_case(ctx.after(), "sentry")
            || contains_ignore_case(ctx.before(), "dsn"));
    let public_name = ctx.name.is_some_and(|n| {
        let ws = words(n);
        ws.iter().any(|w| w == "publishable")
            || ws.ends_with(&["public".to_string(), "key".to_string()])
            || (ws.iter().any(|w| w == "search") && ws.iter().any(|w| w == "only"))
    });
    sdk_key || intent_secret || sentry_dsn || public_name
}

/// A long base64 value in a SealedSecret manifest: ciphertext only its cluster's controller can open.
/// Asked by every rule (see [`vetoed_for_every_rule`]); the file is searched for the marker only for such a value,
/// so a large file does not cost a search per finding.
fn sealed_ciphertext(v: &str, ctx: &Context) -> bool {
    v.len() >= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        && ctx.is_sealed_secret()
}

/// Decides whether `value` (normalised) is a credential in context, and how confident the report is.
pub fn classify(value: &str, ctx: &Context) -> Option<Confidence> {
    let v = value.trim();
    // Characters, not bytes: two CJK characters (`'密码'`, "password") are six bytes but no password.
    if !(4..=2000).contains(&v.chars().count()) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    let kind = match ctx.name {
        Some(name) => Some(key_kind(name)?),
        None => None,
    };
    // A name that is only `key` or `auth` counts only with a generated, token-like value:
    // `key: kubernetes.io/hostname` and `key: rfc2136-tsig-secret` are names. Asked first because it
    // is cheap and common (every `<add key="..."` of a .NET config file), and every check before the
    // first `Some` below only rejects, so their order does not change the answer.
    if kind == Some(KeyKind::Bare) && !(looks_generated(v) && token_like(v)) {
        return None;
    }
    let quoted = ctx.quoted();
    let code = is_code_path(ctx.path);

    // Code and references.
    let shipped_default =
        SHIPPED_DEFAULTS.contains(&lower.as_str()) && path::runs_with_its_literals(ctx.path);
    if CODE_WORDS.contains(&lower.as_str())
        || (!shipped_default && value::is_stand_in(v, &lower))
        || value::holds_a_slot(v)
    {
        return None;
    }
    if super::validate::is_placeholder(v)
        && !WEAK_VALUES.contains(&lower.as_str())
        && !shipped_default
    {
        return None;
    }
    // Inside a template expression (`"{{ lookup('hashi_vault', 'secret=...') }}"`) every word is the
    // template's code; `@{store:key}` is Telegraf's secret-store reference.
    // A literal the template quotes (`{{ 'x' | password_hash('sha512') }}`) is still a literal.
    let before = ctx.before();
    if (before
        .rfind("{{")
        .is_some_and(|i| !before[i..].contains("}}"))
        && !before.ends_with(['\'', '"']))
        || v.starts_with("@{")
        || before
            .rfind("@{")
            .is_some_and(|i| !before[i..].contains('}'))
    {
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
    // Binary literals (`PASSWORD = 0x0200DEF2...`, SQL Server's hashed login form) and a Windows setup
    // pass (`<settings pass="oobeSystem">` in an unattend file) are no passwords.
    if (v.len() > 18
        && (v.starts_with("0x") || v.starts_with("0X"))
        && v[2..].bytes().all(|b| b.is_ascii_hexdigit()))
        || (ctx.name.is_some_and(|n| n.eq_ignore_ascii_case("pass"))
            && matches!(
                v,
                "windowsPE"
                    | "offlineServicing"
                    | "generalize"
                    | "specialize"
                    | "auditSystem"
                    | "auditUser"
                    | "oobeSystem"
            ))
    {
        return None;
    }
    // Numbers, versions, sizes, durations; but a PIN-like run of digits under a password's name
    // (`DB_PASSWORD=123456`, `password('123123')`) is a (weak) password.
    let digits_password =
        kind == Some(KeyKind::Password) && v.len() >= 4 && v.bytes().all(|b| b.is_ascii_digit());
    if !digits_password
        && v.bytes()
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
    // A GUID is an id (a client, a tenant), except as the credential of an Authorization header:
    // Opsgenie's `GenieKey <uuid>`, Heroku's API keys.
    let guid_id = || is_guid(v) && !ctx.before().to_ascii_lowercase().contains("authorization");
    // A generated value may start with `+` (base64: `+LtpVoDK...`); a `${VAR:+...}` operand does not
    // look generated.
    if is_hash(&lower)
        || guid_id()
        || v.starts_with(['[', '(', '?', '-', '!', ',', ';', ')', '|'])
        || (v.starts_with('+') && !looks_generated(v))
    {
        // Hashes, ids, ARM expressions and lists, `(Get-Random)` calls, `${VAR:?msg}` and
        // `${VAR:-default}` operands.
        return None;
    }
    // NATS public nkeys (`U`, `A`, `O`, `N`, `C` then 55 base32 characters) identify a user, account or
    // operator; only the seed (`S...`) is secret.
    if v.len() == 56
        && v.starts_with(['U', 'A', 'O', 'N', 'C'])
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        return None;
    }
    // age recipients (`age1` and 58 bech32 characters) are public keys; the identity is
    // `AGE-SECRET-KEY-1...`.
    if v.len() == 62
        && v.starts_with("age1")
        && v[4..]
            .bytes()
            .all(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".contains(&b))
    {
        return None;
    }
    // Publishable (public by design) keys: Stripe `pk_live_`, Mapbox `pk.`, and the client keys of
    // [`public_client_key`].
    if lower.starts_with("pk.") || lower.starts_with("pk_") || public_client_key(v, ctx) {
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
    // Encrypted values: sops (`ENC[AES256_GCM,...]`) and SealedSecret ciphertexts.
    if lower.starts_with("enc[")
        || is_ciphertext(v)
        || unsigned_jwt(v)
        || empty_or_template_basic(v, ctx)
        || sealed_ciphertext(v, ctx)
    {
        return None;
    }
    // The name, as the text before the value spells it: a path segment (`/run/secrets/jwt_secret`), one
    // target of a tuple assignment (`user, pass := "u", os.Getenv(...)`) or a psql variable
    // (`PASSWORD :'app_password'`) is not the value's name.
    if let Some(name) = ctx.name {
        let head = before
            .trim_end_matches(['"', '\'', '`', '\\', '(', '{', ' ', '\t'])
            .trim_end_matches(|c: char| ":=,>-+!".contains(c))
            .trim_end_matches(['"', '\'', '`', '\\', ']', ')', ' ', '\t']);
        if let Some(rest) = head.strip_suffix(name) {
            let rest = rest.trim_end_matches(['"', '\'', '`', '$', '@', '[']);
            // The separator is a plain assignment: `=>` pairs a hash's key with its value, and the
            // pairs of a Ruby or PHP hash also stand between commas.
            let separator = before[head.len()..].trim_matches(['"', '\'', '`', ' ', '\t']);
            let tuple = rest.trim_end().ends_with(',')
                && matches!(separator, "=" | ":=")
                && ctx
                    .after()
                    .trim_start_matches(['"', '\'', '`'])
                    .trim_start()
                    .starts_with(',');
            // `# public key: age1...`, `Public Key: ssh-ed25519 ...`: a public key is no secret; and
            // `NetworkCredential::new("", $pw).Password, "Machine"` reads a property off a call.
            let r = rest.trim_end().as_bytes();
            let public = r.len() >= 6 && r[r.len() - 6..].eq_ignore_ascii_case(b"public");
            // A builder's setter takes the value as its argument (`.username("app").password("x")`):
            // the name is then the call's, not a property read off the call before it.
            let property_of_call = separator != "("
                && (rest.ends_with(").") || (name.starts_with('.') && rest.ends_with(')')));
            if rest.ends_with('/') || tuple || public || property_of_call {
                return None;
            }
        }
        if before.ends_with(" :'") || before.ends_with(" :\"") {
            return None;
        }
    }
    // A default inside a reference (`${DB_PASSWORD:fallback}`), and a URL whose user is itself a slot
    // (`nats://%s:pass@host`): templates, not settings.
    if before.ends_with(':')
        && before
            .rfind("${")
            .is_some_and(|i| !before[i..].contains('}'))
    {
        return None;
    }
    // The user part of a URL whose password is the value: what stands between `://` and the value, with
    // no path, query or host in between.
    // A DSN without a scheme (`user:pass@tcp(host)/db`, Go's MySQL driver) has its user after the
    // opening quote or the separator.
    let userinfo = before
        .rsplit_once("://")
        .map(|(_, u)| u)
        .or_else(|| {
            (before.ends_with(':') && ctx.after().starts_with('@'))
                .then(|| before.rsplit(['"', '\'', '`', ' ', '\t', '=']).next())
                .flatten()
        })
        .filter(|u| !u.contains(['/', '?', '#', '@', ' ', '\t']));
    if let Some(userinfo) = userinfo {
        if userinfo.contains(['%', '{', '$', '<']) {
            return None;
        }
        // `driver://user:pass@host`, `https://username:password@...`: the documented shape of a URL,
        // both halves named for what goes there.
        // `https://ghp_...:x-oauth-basic@github.com`: the token is the user, and the provider's rule
        // reports it; what stands after the colon is a fixed word.
        if looks_generated(userinfo.trim_end_matches(':')) && userinfo.len() > 20 {
            return None;
        }
        let user = userinfo.trim_end_matches(':').to_ascii_lowercase();
        if matches!(
            user.as_str(),
            "user" | "username" | "login" | "name" | "usr"
        ) && matches!(
            lower.as_str(),
            "pass" | "password" | "passwd" | "pwd" | "secret"
        ) {
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
    // `case password = "account_password"`: an enum case's raw value is a key's name (a keychain
    // entry, a form field), not a value.
    if before.trim_start().starts_with("case ") && is_identifier_like(v) {
        return None;
    }
    // `` `password`, `is_active` ``: backquoted names in a list are SQL columns, not a value.
    if before.ends_with('`') && ctx.after_comma() && is_identifier_like(v) {
        return None;
    }
    // `("username", "password", "message")`: an odd number of bare words in parentheses is a list of
    // names (pytest's argument names), not name-value pairs.
    if ctx.after_comma() && !ctx.positional {
        let after = ctx.after();
        if let (Some(open), Some(close)) = (before.rfind('('), after.find(')')) {
            let inner = format!("{}{}{}", &before[open + 1..], v, &after[..close]);
            let items: Vec<&str> = inner
                .split(',')
                .map(|s| s.trim().trim_matches(['"', '\'']))
                .collect();
            if items.len() >= 3
                && items.len() % 2 == 1
                && items.iter().all(|i| {
                    !i.is_empty() && i.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                })
            {
                return None;
            }
        }
    }
    // After `,` the pair is a call's last two arguments (`put("password", "x")`) only when the value ends
    // the call; `'pass', 'print', 'raise'` is a list of words.
    // A row of a settings table in SQL (`INSERT ... VALUES ('SmtpPassword', 'x', 1)`) pairs the name
    // and the value as its first two columns.
    // Asked only after a comma, the one place it changes the answer.
    let sql_setting_row = || {
        let path = ctx.path.as_bytes();
        path.len() >= 4
            && path[path.len() - 4..].eq_ignore_ascii_case(b".sql")
            && ctx.name.is_some_and(|n| {
                before.contains(&format!("('{n}'")) || before.contains(&format!("(N'{n}'"))
            })
    };
    if ctx.after_comma() && !ctx.positional && !sql_setting_row() {
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
    if let Some(function) = ctx.call_before().filter(|_| !ctx.positional) {
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
        // Unquoted in code it is a variable; quoted or in a configuration file it is a (weak) literal,
        // for a password; `secret: "secret"` and `token = "token"` are labels, and so is
        // `"password": "Password"` in a translation file.
        let own_word = vl == squashed || ws.last().is_some_and(|l| *l == vl);
        let capitalised = v.starts_with(|c: char| c.is_ascii_uppercase())
            && v[1..].chars().any(|c| c.is_ascii_lowercase());
        if own_word
            && ((!quoted && code)
                || (vl == squashed && vl.len() > 8)
                || capitalised
                || kind != Some(KeyKind::Password))
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
        // An XML element's closing tag (`<Value>x</Value>`) is no call.
        let after = ctx.after();
        if after.starts_with(['(', '.', '?', '<', '['])
            && !after.starts_with("...")
            && !after.starts_with("</")
        {
            return None;
        }
        if code {
            let name_is_config = ctx
                .name
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
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
            // Bicep, Terraform and PowerShell quote every literal: an unquoted value is a reference.
            let lower_path = ctx.path.to_ascii_lowercase();
            let quotes_literals = [".bicep", ".bicepparam", ".tf", ".hcl", ".ps1", ".psm1"]
                .iter()
                .any(|e| lower_path.ends_with(e));
            let block = before.rsplit(['`', '"']).next().unwrap_or(before);
            // `buf[pass] = close;`: a subscript assigned in code is an expression, not a setting.
            let subscript = before
                .trim_end()
                .trim_end_matches(['=', ':'])
                .trim_end()
                .ends_with(']');
            let config_block = !declares
                && !subscript
                && !quotes_literals
                && name_is_config
                // The block may open inside a string on the same line:
                // createConf([]byte(`authorization { user: a, password: b }`)).
                && (block.contains('{')
                    || block.contains('[')
                    || ctx.name.is_some_and(|n| {
                        // Nothing but indentation before the name and nothing after the value: a
                        // line of a configuration block, not a field of a struct or object literal
                        // (`password: pass,`).
                        before.trim_start().starts_with(n) && ctx.after().trim().is_empty()
                    }))
                && !block.contains('(')
                && !block.contains(":=")
                && !v.contains('.');
            // A comment is prose: `# initial admin password: Portal-Admin-2024!` states the value,
            // when it reads like one (letters and digits, not a name).
            let comment = ctx.in_comment()
                && v.bytes().any(|b| b.is_ascii_digit())
                && v.bytes().any(|b| b.is_ascii_alphabetic())
                && !is_identifier_like(v);
            if !config_block && !comment {
                return None;
            }
        } else if is_identifier_like(v) && v.contains('.') && !looks_generated(v) {
            // `password: config.db.password` in YAML templates and Python settings.
            return None;
        }
    }
    // A call written into prose or a string: `plover.Token(os.Getenv(`, `NkeyFromSeedFile(path)`.
    if let Some(open) = v.find('(') {
        let callee = &v[..open];
        if callee.bytes().any(|b| b.is_ascii_alphabetic())
            && callee
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            && (callee.contains('.') || v.ends_with(')'))
        {
            return None;
        }
    }
    let value_words = words(v);
    if disowned(v, &value_words, ctx.name) {
        return None;
    }
    // Anonymous FTP's password is an e-mail address by convention (`login anonymous password guest@...`).
    if v.contains('@') && ctx.before().to_ascii_lowercase().contains("anonymous") {
        return None;
    }
    // A badge's token in its image URL (`badge.svg?token=...`, Codecov's graph badges) is public.
    if ctx.in_query() && {
        let b = ctx.before().to_ascii_lowercase();
        b.contains(".svg?") || b.contains("/badge")
    } {
        return None;
    }
    if is_identifier_like(v)
        && v.contains('.')
        && v.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && !looks_generated(v)
        && v.chars().any(|c| c.is_ascii_lowercase())
        // A quoted dotted word in a configuration file is a value (`pass.word`); in backticks, in
        // prose, it is code (`config.password2`).
        && (!quoted || code || before.ends_with('`'))
    {
        // `cfg.Password`, `settings.SECRET_KEY`, `os.environ`.
        return None;
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
        || shipped_default
        || is_possessive_stand_in(&value_words)
        || (v.len() < 8 && !generated)
        || (v.bytes().all(|b| b.is_ascii_lowercase()) && v.len() < 12);
    // A weak value in a code comment is documentation's example (` *   'password' => 'sqlpassword',`).
    let template = is_template_path(ctx.path) || (code && ctx.in_comment());
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

    fn ctx<'a>(path: &'a str, text: &'a str, value: &str, name: &'a str) -> (Context<'a>, String) {
        let start = text.find(value).unwrap();
        (
            Context {
                path,
                text,
                start,
                end: start + value.len(),
                name: Some(name),
                positional: false,
                sealed: Box::leak(Box::new(std::cell::OnceCell::new())),
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
            conf(
                "Dockerfile",
                "ENV PASSWORD=changeme",
                "changeme",
                "PASSWORD"
            ),
            Some(Confidence::Low)
        );
        assert_eq!(
            conf(
                "srv/auth_test.go",
                "password: changeme",
                "changeme",
                "password"
            ),
            Some(Confidence::Low)
        );
        assert_eq!(
            conf(".env.example", "PASSWORD=changeme", "changeme", "PASSWORD"),
            None
        );
        // Public site keys, a form's CSRF token, SQL column lists, a weak example in a doc comment.
        assert_eq!(
            conf(
                "recaptcha.php",
                "define( 'HV_RECAPTCHA_SITE_KEY', '6LhisymrmKey8FEBQ5Txg3rC10G4Y3oFNuWTD1cg' );",
                "6LhisymrmKey8FEBQ5Txg3rC10G4Y3oFNuWTD1cg",
                "HV_RECAPTCHA_SITE_KEY"
            ),
            None
        );
        assert_eq!(
            conf("form.html", "<input type=\"hidden\" name=\"_token\" value=\"xXECGbzKhGRI5e0EmtXuPBDVKLWns42fjbHMTI4V\">", "xXECGbzKhGRI5e0EmtXuPBDVKLWns42fjbHMTI4V", "_token"),
            None
        );
        assert_eq!(
            conf(
                "dump.sql",
                "(`user_id`, `username`, `password`, `is_active`) VALUES",
                "is_active",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(
                "default.settings.php",
                " *   'password' => 'sqlpassword',",
                "sqlpassword",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(
                "settings.php",
                "    'password' => 'sqlpassword',",
                "sqlpassword",
                "password"
            ),
            Some(Confidence::Low)
        );
        // Any long base64 value in a SealedSecret is ciphertext, whatever its first letters.
        let sealed = "kind: SealedSecret\nspec:\n  encryptedData:\n    private_key: pc2vbbpDzfWK440GNab37glhGgmWjE1dV2vPo4OqDprYCXvk6O+hyWjdqRyi7lsW";
        assert_eq!(
            conf(
                "sealed.yaml",
                sealed,
                "pc2vbbpDzfWK440GNab37glhGgmWjE1dV2vPo4OqDprYCXvk6O+hyWjdqRyi7lsW",
                "private_key"
            ),
            None
        );
        // A call in prose, a disowned value or name, a badge's public token.
        assert_eq!(
            conf(
                "README.md",
                "- a token: `client.Token(os.Getenv(\"T\"))`",
                "client.Token(os.Getenv(",
                "token"
            ),
            None
        );
        assert_eq!(
            conf("errs.rs", "        buf[pass] = close;", "close", "pass"),
            None
        );
        assert_eq!(
            conf(
                "test_auth.py",
                "    (\"username\", \"password\", \"message\"),",
                "message",
                "password"
            ),
            None
        );
        assert_eq!(
            conf(
                "UserTest.java",
                "WRONG_PASSWORD = \"Xk9#mP2$vL8q\";",
                "Xk9#mP2$vL8q",
                "WRONG_PASSWORD"
            ),
            None
        );
        assert_eq!(
            conf(
                "a.cs",
                "o.ClientSecret = \"not-the-client-secret\";",
                "not-the-client-secret",
                "ClientSecret"
            ),
            None
        );
        assert_eq!(
            conf(
                "values.yaml",
                "  postgresPassword: not-secure-database-password",
                "not-secure-database-password",
                "postgresPassword"
            ),
            Some(Confidence::Medium)
        );
        assert_eq!(
            conf(
                "a_test.go",
                "t.Setenv(\"PASSWORD\", \"from-env\")",
                "from-env",
                "PASSWORD"
            ),
            None
        );
        assert_eq!(
            conf(
                "README.md",
                "[![c](https://codecov.io/gh/o/r/graph/badge.svg?token=ENT4HX5OWW)]",
                "ENT4HX5OWW",
                "token"
            ),
            None
        );
        // `my-secret-pw`: a document's stand-in, a weak value where it is in use.
        assert_eq!(
            conf(
                "docs/mysql.md",
                "-e MYSQL_ROOT_PASSWORD=my-secret-pw",
                "my-secret-pw",
                "MYSQL_ROOT_PASSWORD"
            ),
            None
        );
        assert_eq!(
            conf(
                "compose.yml",
                "MYSQL_ROOT_PASSWORD: my-secret-pw",
                "my-secret-pw",
                "MYSQL_ROOT_PASSWORD"
            ),
            Some(Confidence::Low)
        );
        assert_eq!(
            conf("README.md", "password: changeme", "changeme", "password"),
            None
        );
        assert_eq!(
            conf("a.yml", "password: changeme123", "changeme123", "password"),
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
        // Words split by case count too (an OID's name in a C header), but not a trailing letter.
        let oid = r#"#define LN_pkcs9_challengePassword    "challengePassword""#;
        assert_eq!(
            conf(
                "obj_mac.h",
                oid,
                "challengePassword",
                "LN_pkcs9_challengePassword"
            ),
            None
        );
        let weak = r#"final String password = "passwordA";"#;
        assert!(conf("UserTest.java", weak, "passwordA", "password").is_some());
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

    #[test]
    fn names_the_text_spells_otherwise_and_public_identities() {
        use Confidence::*;
        // A tuple assignment's other target, a path segment, a psql variable.
        assert_eq!(
            conf(
                "a_test.go",
                "\tuser, pass := \"tmpl\", os.Getenv(\"P\")",
                "tmpl",
                "pass"
            ),
            None
        );
        // A hash's pairs also stand between commas: `=>` pairs, it does not assign a tuple.
        assert_eq!(
            conf(
                "client.rb",
                "h = {'Accept'=>'text/plain', 'Private-Token'=>'c4e1a97f30b2d8', 'User-Agent'=>'x 1.2'}",
                "c4e1a97f30b2d8",
                "Private-Token"
            ),
            Some(Medium)
        );
        assert_eq!(
            conf(
                "s.js",
                "x || fs.readFileSync(\"/run/secrets/jwt_secret\", \"Kq8vN2xLm4\")",
                "Kq8vN2xLm4",
                "jwt_secret"
            ),
            None
        );
        assert_eq!(
            conf(
                "r.sql",
                "ALTER USER app WITH PASSWORD :'app_password';",
                "app_password",
                "PASSWORD"
            ),
            None
        );
        // A translation's label.
        assert_eq!(
            conf(
                "i18n/en.json",
                "  \"password\": \"Password\",",
                "Password",
                "password"
            ),
            None
        );
        // A NATS block opened inside a string on the same line, in a test.
        assert_eq!(
            conf(
                "auth_test.go",
                "\tc := conf(t, []byte(`authorization { user: a, password: T0pS3cr3tT00! }`))",
                "T0pS3cr3tT00!",
                "password"
            ),
            Some(Low)
        );
        // Go struct literals from variables stay code, even one field a line.
        assert_eq!(
            conf("client.go", "\t\tpassword: pass,", "pass", "password"),
            None
        );
        // Bicep and Terraform quote literals: an unquoted value is a reference.
        assert_eq!(
            conf(
                "main.bicep",
                "    administratorLoginPassword: sqlAdminPassword",
                "sqlAdminPassword",
                "administratorLoginPassword"
            ),
            None
        );
        // Public NATS nkeys identify; only seeds are secret.
        assert_eq!(
            conf(
                "accounts.conf",
                "  nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4",
                "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4",
                "nkey"
            ),
            None
        );
    }

    #[test]
    fn multi_byte_text_around_the_value_is_read_by_characters() {
        // A multi-byte character right before a call or a query parameter must not split a slice.
        let _ = conf("a.py", "x = «é(\"Kq8vN2xLm4Zt\")", "Kq8vN2xLm4Zt", "token");
        let _ = conf(
            "a.md",
            "https://h/p?é=1&ätoken=Kq8vN2xLm4Zt",
            "Kq8vN2xLm4Zt",
            "ätoken",
        );
        assert_eq!(
            conf(
                "a.md",
                "see https://h/x?é=1&token=Kq8vN2xLm4Zt9",
                "Kq8vN2xLm4Zt9",
                "token"
            ),
            Some(Confidence::High)
        );
        // Length is counted in characters: two CJK characters are six bytes, and too short.
        let line = "grant all to 'r'@'%' identified by '密码';";
        let (mut c, v) = ctx("a.sh", line, "密码", "");
        c.name = None;
        assert_eq!(classify(&v, &c), None);
        assert!(conf("a.sh", "password = 'Kq8vé2xLm4'", "Kq8vé2xLm4", "password").is_some());
    }

    /// Every value range of a text full of multi-byte characters and separators is judged without a panic:
    /// the classifier slices around the value by bytes, so each slice must land on a character boundary.
    #[test]
    fn any_value_range_is_judged_without_panicking() {
        let text =
            "«pässwörd»: \"ü€$x\", tökén=é1ü(2)?&key=«Zq8vN2xLm4»\n`user: ä, password: ø!`\t";
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut judged = 0;
        for (a, &start) in bounds.iter().enumerate() {
            for &end in &bounds[a + 1..] {
                for name in [None, Some("password"), Some("tökén"), Some("key")] {
                    let sealed = std::cell::OnceCell::new();
                    let c = Context {
                        path: "x.go",
                        text,
                        start,
                        end,
                        name,
                        positional: false,
                        sealed: &sealed,
                    };
                    let _ = classify(&text[start..end], &c);
                    judged += 1;
                }
            }
        }
        assert!(judged > 1000, "{judged}");
    }

    #[test]
    fn a_long_generated_value_may_spell_a_stand_in_word_by_chance() {
        let v = "MIIEpAIBAAKCAQEA4qTrblG1QjselyiQyOuRQnMnyjJHH2h/mxCOYYmyJbxv+OWAjKr+ZnAamRegZSC7YJ2NxnUCNscoAa3w";
        let line = format!("  options.ClientSecret = \"{v}\";");
        assert_eq!(
            conf("a.cs", &line, v, "ClientSecret"),
            Some(Confidence::High)
        );
    }

    /// Shapes of an operations repository: XML answer files, header constants, SQL Server's hashed
    /// logins, instructions written as values, command lines next to a URL.
    #[test]
    fn operations_files_shapes() {
        let v = "Kq8vN2xLm4";
        // An XML element's closing tag after the value is no call.
        let xml = format!("<Password><Value>{v}</Value></Password>");
        assert!(conf("unattend.xml", &xml, v, "Password").is_some());
        // A GUID is an id, except as an Authorization header's credential.
        let guid = "3c9e1f7a-52d4-4b8e-a6f0-d17b2c845e93";
        assert_eq!(
            conf(
                "a.json",
                &format!(r#""api_key": "{guid}""#),
                guid,
                "api_key"
            ),
            None
        );
        let header = format!(r#"H = {{"Authorization": "GenieKey {guid}"}}"#);
        let (mut c, _) = ctx("ops.py", &header, guid, "");
        c.name = None;
        assert!(classify(guid, &c).is_some());
        // SQL Server's `PASSWORD = 0x0200...` hashed form and a Windows setup pass are no passwords.
        let hashed = "0x0200DEF24D0B2A7A5634A81CD3C1E0292B0F0088";
        let line = format!("CREATE LOGIN r WITH PASSWORD = {hashed} HASHED");
        assert_eq!(conf("setup.sql", &line, hashed, "PASSWORD"), None);
        let pass = r#"<settings pass="oobeSystem">"#;
        assert_eq!(conf("autounattend.xml", pass, "oobeSystem", "pass"), None);
        // Digits under a password's name are a weak password; under other names, numbers.
        assert!(conf(
            "my.sh",
            "update user set password=password('123123')",
            "123123",
            "password"
        )
        .is_some());
        assert!(conf(".env", "DB_PASSWORD=482913", "482913", "DB_PASSWORD").is_some());
        assert_eq!(
            conf(".env", "API_TOKEN=482913", "482913", "API_TOKEN"),
            None
        );
        assert_eq!(
            conf(".env", "DB_PASSWORD=000000", "000000", "DB_PASSWORD"),
            None
        );
        // An instruction written where the value goes.
        let hint = "something_at_least_32_characters";
        let line = format!(r#"encryptionKey: "{hint}""#);
        assert_eq!(conf("kibana.yml", &line, hint, "encryptionKey"), None);
        // A URL earlier on a command line (`ldap://host`, `http://minio:9000`) is not one whose user
        // part the value follows.
        for line in [
            format!(r#"ldapadd -H ldap://localhost -D "cn=admin,dc=x" -w {v} -f a.ldif"#),
            format!("mc alias set local http://minio:9000 backup {v}"),
        ] {
            let (mut c, _) = ctx("setup.sh", &line, v, "");
            c.name = None;
            assert!(classify(v, &c).is_some(), "{line}");
        }
        let url = format!("https://deploy:{v}@repo.example.org/x");
        let (mut c, _) = ctx("setup.sh", &url, v, "");
        c.name = None;
        assert!(classify(v, &c).is_some());
    }

    #[test]
    fn public_keys_and_properties_of_calls_are_not_credentials() {
        let age = "age17qdjxm0368lhsuhlfce48c3u0sygvhjzc8mvyv7pw8flpu2enga7667dpl";
        assert_eq!(
            conf("keys.txt", &format!("# public key: {age}"), age, "key"),
            None
        );
        let line = r#"Set-Var "X", [Net.NetworkCredential]::new("", $pw).Password, "Machine")"#;
        assert_eq!(conf("a.ps1", line, "Machine", ".Password"), None);
        // The same shapes with a secret's name are still found.
        let v = "Kq8zTw3LmR5vNp2X";
        assert!(conf("a.env", &format!("private_key: {v}"), v, "private_key").is_some());
        assert!(conf("a.py", &format!(r#"put("password", "{v}")"#), v, "password").is_some());
        // Slots, ciphertext and references that look like values.
        for (path, line, value, name) in [
            (
                ".env.example",
                "SENDGRID_API_KEY=SG.<id>.<secret>",
                "SG.<id>.<secret>",
                "SENDGRID_API_KEY",
            ),
            (
                "x.py",
                r#"print(f"password={password!r}")"#,
                "{password!r}",
                "password",
            ),
            (
                "NuGet.Config",
                r#"<add key="Password" value="AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAAx7Lq2Zp9"/>"#,
                "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAAx7Lq2Zp9",
                "Password",
            ),
            (
                "t.conf",
                r#"headers = {"Authorization" = "Bearer @{store:api_token}"}"#,
                "api_token",
                "store",
            ),
            (
                "all.yml",
                r#"pw: "{{ lookup('vault', 'secret=ops/grafana:password') }}""#,
                "ops/grafana:password",
                "secret",
            ),
            (
                ".env",
                "SENTRY_DSN=https://b2d2a295c318eddf0950c477a8823f66@o1.ingest.sentry.io/2",
                "b2d2a295c318eddf0950c477a8823f66",
                "SENTRY_DSN",
            ),
            (
                "c.yml",
                r#""client_secret": "pi_3ziNQ1qi0Od7qcEQ_secret_POoK6kyNBSJ2AhR1S95""#,
                "pi_3ziNQ1qi0Od7qcEQ_secret_POoK6kyNBSJ2AhR1S95",
                "client_secret",
            ),
            (
                ".env.example",
                "JWT_SIGNING_KEY=change-me-to-64-random-hex-chars",
                "change-me-to-64-random-hex-chars",
                "JWT_SIGNING_KEY",
            ),
            (
                "config.xml",
                "<managerPasswordSecret>{AQAAABAAAAAgVqSh4Whv7H4u}</managerPasswordSecret>",
                "{AQAAABAAAAAgVqSh4Whv7H4u}",
                "managerPasswordSecret",
            ),
            (
                "poc.py",
                r#"NONE_TOKEN = "eyJhbGciOiJub25lIn0.eyJpZCI6MX0.""#,
                "eyJhbGciOiJub25lIn0.eyJpZCI6MX0.",
                "NONE_TOKEN",
            ),
            (
                "ws_test.go",
                r#"req.Header.Set("Authorization", "Basic d3N1c2VyOg==")"#,
                "d3N1c2VyOg==",
                "Authorization",
            ),
            (
                "notes.md",
                "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=",
                "dXNlcm5hbWU6cGFzc3dvcmQ=",
                "Authorization",
            ),
            (
                "New-Key.ps1",
                "ssh-keygen -f generated -N (Get-Random -Maximum 99999)",
                "(Get-Random",
                "N",
            ),
        ] {
            assert_eq!(conf(path, line, value, name), None, "{line}");
        }
        // ... and the values beside them that stay.
        let quoted_literal = r#"password: "{{ 'Deploy-Tf-Wombat-52' | password_hash('sha512') }}""#;
        assert!(conf(
            "tasks.yml",
            quoted_literal,
            "Deploy-Tf-Wombat-52",
            "password"
        )
        .is_some());
        let odbc = "Driver={ODBC Driver 18};Server=tcp:db;UID=svc;PWD={Xq7!pL;2#vR9sT4}";
        assert!(conf("a.txt", odbc, "{Xq7!pL;2#vR9sT4}", "PWD").is_some());
        let pair = r#"  "Search__AdminKey=A3A2CC333841184E7D6D198BD8EA8912" `"#;
        assert!(conf(
            "a.ps1",
            pair,
            "A3A2CC333841184E7D6D198BD8EA8912",
            "Search__AdminKey"
        )
        .is_some());
        // Session cookies and a server's authorization token are credentials by name.
        let cookie = r#"    "JSESSIONID": "91C595E4D1936022D77C738770ADE0FA","#;
        assert!(conf(
            "poc.py",
            cookie,
            "91C595E4D1936022D77C738770ADE0FA",
            "JSESSIONID"
        )
        .is_some());
        let authz = r#"opts.Authorization = "M5H8brpiUlKSzCDQFiWxhbc3""#;
        assert!(conf(
            "auth_test.go",
            authz,
            "M5H8brpiUlKSzCDQFiWxhbc3",
            "Authorization"
        )
        .is_some());
        // A settings row in SQL pairs its first two columns.
        let row = "  ('RatingApiKey', '25df06cf5f16d123f12cd289bded6710', 1),";
        assert!(conf(
            "seed.sql",
            row,
            "25df06cf5f16d123f12cd289bded6710",
            "RatingApiKey"
        )
        .is_some());
        assert_eq!(
            conf(
                "seed.py",
                row,
                "25df06cf5f16d123f12cd289bded6710",
                "RatingApiKey"
            ),
            None
        );
        // A builder's setter after another call takes the value as its argument.
        let chain =
            format!(r#"DataSourceBuilder.create().username("app").password("{v}").build();"#);
        assert!(conf("Db.java", &chain, v, ".password").is_some());
    }
}
