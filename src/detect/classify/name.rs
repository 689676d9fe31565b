//! Names: which credential, if any, a setting, variable, field or argument name announces.
//!
//! A name must END in its credential word (`DB_PASS`, `cas.radius.client.sharedsecret`, `aesKey`), so
//! `password_hash`, `tokenUrl`, `secretName` and `api_key_id` never qualify; words before it can veto it
//! (`csrf_token`, `foreign_key`, `tlsSecret`, `getSecret`).

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
    "dict", "object", "bucket", "s3", "i18n", "translation", "message", "label",
    "composite", "unique", "index", "shard", "dedup", "deduplication", "correlation", "entity",
    "resource", "file", "path", "field", "column", "table", "query", "config", "setting",
    "property", "attribute", "header", "item", "record", "node", "join", "hot", "shortcut",
    "keyboard", "press", "up", "down", "sub", "parent", "child", "next", "prev", "previous",
    "first", "last", "max", "min", "cursor", "state", "event", "metric", "tag", "context", "store",
    "storage-class", "registry", "hash", "type", "kind", "name", "id", "json", "yaml", "dictionary",
    "enum", "range", "scan", "start", "end", "search", "filter", "order", "cluster",
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
/// A digest of the secret is not the secret: Asterisk's `md5secret`, `sha256_password`.
pub fn names_a_digest(name: &str) -> bool {
    // Asked of every named candidate: look for the letters before splitting the name into words.
    let b = name.as_bytes();
    let has = |p: &[u8]| b.windows(p.len()).any(|w| w.eq_ignore_ascii_case(p));
    if !has(b"md5") && !has(b"sha") {
        return false;
    }
    // `md5_key`, `sha256Key`: a key for an MD5 or SHA signature (Alipay's, WeChat Pay's), not a digest.
    let ws = words(name);
    ws.last().is_none_or(|w| w != "key")
        && ws.iter().any(|w| {
            ["md5", "sha1", "sha256", "sha512"]
                .iter()
                .any(|h| w.starts_with(h))
        })
}

/// Words that end in `pass` without naming a password.
const NOT_PASS_WORDS: &[&str] = &[
    "bypass",
    "compass",
    "trespass",
    "overpass",
    "underpass",
    "multipass",
    "surpass",
    "encompass",
    "firstpass",
    "onepass",
    "twopass",
    "singlepass",
    "renderpass",
    "subpass",
    "multiplepass",
];

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
    if names_a_digest(name) {
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
    // `rootpw` (OpenLDAP's `olcRootPW`, kickstart's `rootpw`), `dbpw`, `adminpw`.
    let last = match last.strip_suffix("pw") {
        Some("root" | "db" | "admin" | "user" | "sa" | "mysql" | "redis" | "ldap" | "bind") => "pw",
        _ => last,
    };
    // Short run-together password names: keytool's `storepass` and `keypass`, `rootpass`, `dbpwd`; not
    // the words that merely end in the letters (`bypass`, `compass`) nor the shell's `OLDPWD`.
    let last = if (last.len() >= 6 && last.ends_with("pass") && !NOT_PASS_WORDS.contains(&last))
        || (last.len() >= 5 && last.ends_with("pwd") && last != "oldpwd")
    {
        "pass"
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
                | "keys" | "config" | "env" | "pull" | "image" | "registry" | "docker" | "name"
                | "k8s" | "kubernetes" | "kube",
            ) => return None,
            _ => KeyKind::Secret,
        },
        "sharedsecret" | "clientsecret" | "appsecret" | "apisecret" => KeyKind::Secret,
        "token" | "tokens" | "accesstoken" | "authtoken" => match prev {
            Some(
                "csrf" | "xsrf" | "authenticity" | "page" | "next" | "continuation" | "sync"
                | "cancellation" | "cancel" | "max" | "lexer" | "parser" | "change" | "lifecycle"
                | "idempotency" | "verification" | "anti" | "request" | "form" | "pagination"
                | "start" | "end" | "last" | "first" | "prev" | "previous" | "cursor" | "resume"
                | "device" | "push" | "registration" | "invite" | "reset" | "confirmation"
                | "unsubscribe" | "notification" | "sas",
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
            // `apiKeyAuth`, `appKeyAuth`: an OpenAPI client's security scheme, holding the key.
            None | Some("key" | "token") => KeyKind::Bare,
            Some("basic" | "http" | "proxy" | "registry" | "npm" | "docker") => KeyKind::Credential,
            _ => return None,
        },
        "credential" | "credentials" | "creds" | "cred" => KeyKind::Credential,
        // A session cookie's value is the signed-in session (`JSESSIONID`, `PHPSESSID`).
        "jsessionid" | "phpsessid" => KeyKind::Token,
        // `opts.Authorization = "..."`: a server's authorization token, when the value is generated.
        "authorization" => KeyKind::Bare,
        _ => return None,
    };
    Some(kind)
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
    fn digest_names_are_digests_but_a_key_named_for_one_is_a_key() {
        assert!(names_a_digest("md5secret"));
        assert!(names_a_digest("password_sha256"));
        assert!(!names_a_digest("md5_key"));
        assert!(!names_a_digest("password"));
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
            "storepass",
            "keypass",
            "ROOTPASS",
            "dbpwd",
            "olcRootPW",
            "rootpw",
        ] {
            assert!(key_kind(yes).is_some(), "{yes}");
        }
        for no in [
            "password_hash",
            "tokenUrl",
            "secretName",
            "api_key_id",
            "csrf_token",
            "authenticity_token",
            "page_token",
            "PasswordPolicy",
            "monkey",
            "foreign_key",
            "bypass",
            "compass",
            "OLDPWD",
            "md5secret",
            "sha256_password",
            "primaryKeyColumn",
            "sort_key",
            "auth_mode",
            "next_page_token",
            "passenger",
        ] {
            assert!(key_kind(no).is_none(), "{no}");
        }
    }
}
