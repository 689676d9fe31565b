//! `keyless fix`: rewrites the findings it can into their identity-based form.
//!
//! A managed-identity rewrite changes how the application authenticates, so no rewrite preserves
//! behaviour; each one instead declares preconditions that keyless checks from the project before writing.
//! A rewrite whose preconditions fail is skipped with the reason; one whose preconditions cannot be checked
//! is skipped too unless `--force`. Files are written atomically, keeping their permissions, encoding (a BOM
//! stays, UTF-16 stays UTF-16) and line endings. A rewrite is planned only where the finding's secret is
//! still in place (its preview matches), and a file that changes between planning and writing, or that
//! does not decode losslessly, is refused.
//!
//! Rewrites today:
//! - ADO.NET connection strings to Azure SQL → `Authentication=Active Directory Managed Identity`;
//! - Azure Functions connection settings → `AzureWebJobsStorage__accountName`,
//!   `<CONN>__fullyQualifiedNamespace` (Service Bus, Event Hubs), `<CONN>__accountEndpoint` (Cosmos DB);
//! - infrastructure code (`iac.rs`, with `--force` only): a Bicep `@secure()` parameter's default value is
//!   removed, and a Terraform resource's password literal becomes a `random_password` reference;
//! - with `--key-vault NAME`, a secret that no managed identity can replace, held in an App Service or
//!   Functions app setting declared in Terraform or Bicep →
//!   `@Microsoft.KeyVault(VaultName=NAME;SecretName=<setting>)`, which the platform resolves with the app's
//!   identity. Settings read by the application itself (appsettings.json, .env) are not rewritten: nothing
//!   would resolve the reference there.

mod iac;

use crate::finding::{Finding, LineIndex};
use crate::remediation::iac::{block_end, Syntax};
use crate::remediation::target::is_azure_host;
use crate::remediation::{key_vault_secret_name, Placeholders};
use crate::source::{self, Decoded};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The outcome of checking one precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Passed(String),
    Failed(String),
    /// The project does not say; `--force` applies the rewrite anyway.
    Unchecked(String),
}

/// One rewrite of one finding.
#[derive(Debug, Clone)]
pub struct Rewrite {
    pub line: usize,
    pub rule_id: String,
    pub description: String,
    /// Byte range in the decoded text and what replaces it.
    pub edit: (Range<usize>, String),
    pub checks: Vec<Check>,
}

impl Rewrite {
    pub fn applies(&self, force: bool) -> bool {
        self.checks.iter().all(|c| match c {
            Check::Passed(_) => true,
            Check::Failed(_) => false,
            Check::Unchecked(_) => force,
        })
    }

    /// Why the rewrite is skipped, if it is.
    pub fn skip_reason(&self, force: bool) -> Option<String> {
        let failed: Vec<&str> = self
            .checks
            .iter()
            .filter_map(|c| match c {
                Check::Failed(m) => Some(m.as_str()),
                Check::Unchecked(m) if !force => Some(m.as_str()),
                _ => None,
            })
            .collect();
        (!failed.is_empty()).then(|| failed.join("; "))
    }
}

/// Whether `keyless fix` knows a rewrite for this finding: a managed-identity rewrite for its rule, or,
/// with `--key-vault`, a Key Vault reference for a secret whose remediation is the Key Vault route.
pub fn can_rewrite(f: &Finding, opts: &Placeholders) -> bool {
    f.rule_id == "azure-sql.connection-string-password"
        || Extension::of(&f.rule_id).is_some()
        || iac::can_rewrite(f)
        || (opts.key_vault.is_some() && f.remediation.secret_stays)
}

/// Plans the rewrites for the findings of one file. `fs_path` locates the project files the checks read;
/// they are looked for in its folder and the folders above, up to `root` (the scan's top) at most.
pub fn plan(
    text: &str,
    fs_path: &Path,
    root: &Path,
    findings: &[&Finding],
    opts: &Placeholders,
) -> Vec<Rewrite> {
    let lines = LineIndex::new(text);
    let line_count = lines.count();
    let mut out = Vec::new();
    for f in findings {
        // The text must still be what was scanned: the finding's lines exist and its secret is in place.
        if f.line == 0 || f.end_line > line_count || f.end_line < f.line {
            continue;
        }
        let start = offset_of(text, &lines, f.line, f.column);
        let end = offset_of(text, &lines, f.end_line, f.end_column);
        if end < start
            || crate::finding::preview(&crate::detect::validate::normalize(&text[start..end]))
                != f.preview
        {
            continue;
        }
        let rewrite = match f.rule_id.as_str() {
            "azure-sql.connection-string-password" => ado_net(
                text,
                &lines,
                start,
                f,
                fs_path,
                root,
                opts.client_id.as_deref(),
            ),
            id => Extension::of(id)
                .and_then(|ext| functions_connection(text, &lines, start, f, fs_path, root, ext)),
        };
        let rewrite = rewrite.or_else(|| iac::plan(text, &lines, start, f));
        let rewrite = match (rewrite, &opts.key_vault) {
            (None, Some(vault)) if f.remediation.secret_stays => {
                key_vault_reference(text, &lines, start, f, fs_path, vault)
            }
            (rewrite, _) => rewrite,
        };
        out.extend(rewrite);
    }
    out
}

/// Applies the rewrites that `force` allows, skipping any that overlap one already applied.
pub fn apply(text: &str, rewrites: &[Rewrite], force: bool) -> (String, usize) {
    let mut edits: Vec<&(Range<usize>, String)> = rewrites
        .iter()
        .filter(|r| r.applies(force))
        .map(|r| &r.edit)
        .collect();
    edits.sort_by_key(|e| e.0.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut applied = 0;
    for (range, replacement) in edits {
        if range.start < pos || range.start > range.end || range.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..range.start]);
        out.push_str(replacement);
        pos = range.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// The finding's secret as it stands in `text` (for masking it in a diff).
pub fn secret_text<'t>(text: &'t str, f: &Finding) -> &'t str {
    let lines = LineIndex::new(text);
    if f.line == 0 || f.end_line > lines.count() {
        return "";
    }
    let start = offset_of(text, &lines, f.line, f.column);
    let end = offset_of(text, &lines, f.end_line, f.end_column).max(start);
    &text[start..end]
}

fn offset_of(text: &str, lines: &LineIndex, line: usize, column: usize) -> usize {
    let range = lines.line_range(text, line);
    text[range.start..]
        .char_indices()
        .nth(column - 1)
        .map_or(range.end, |(i, _)| range.start + i)
}

/// The quoted string around `at`, when the line has an opening and a closing quote around it. A quote
/// escaped with a backslash does not close the string.
fn enclosing_value(text: &str, lines: &LineIndex, at: usize) -> Option<Range<usize>> {
    let line = lines.line_of(at);
    let lr = lines.line_range(text, line);
    let before = &text[lr.start..at];
    let open = before.rfind(['"', '\''])?;
    let quote = before[open..].chars().next()?;
    let start = lr.start + open + 1;
    let mut escaped = false;
    for (i, c) in text[at..lr.end].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(start..at + i),
            _ => {}
        }
    }
    None
}

const USER_KEYS: &[&str] = &["user id", "userid", "uid", "user", "username", "user name"];
const PASSWORD_KEYS: &[&str] = &["password", "pwd"];

fn ado_net(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    fs_path: &Path,
    root: &Path,
    client_id: Option<&str>,
) -> Option<Rewrite> {
    let range = enclosing_value(text, lines, at)?;
    let value = &text[range.clone()];
    // Only a plain quoted value is rewritten: not Entity Framework's nested string, not XML element text
    // (tags on the line), not ODBC {braced} or JSON-escaped quotes, whose parsing this does not do.
    if value
        .to_ascii_lowercase()
        .contains("provider connection string")
        || value.contains(['<', '>', '{', '}'])
        || value.contains("\\\"")
    {
        return None;
    }
    let server = f.captures.get("server")?;
    let mut checks = vec![if is_azure_host(server) {
        Check::Passed(format!("{server} is an Azure SQL endpoint"))
    } else {
        Check::Failed(format!("{server} is not an Azure SQL endpoint"))
    }];
    checks.push(sql_client_check(
        text,
        lines,
        at,
        fs_path,
        root,
        client_id.is_some(),
    ));
    let trailing = value.trim_end().ends_with(';');
    let mut parts: Vec<String> = value
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            !USER_KEYS.contains(&key.as_str())
                && !PASSWORD_KEYS.contains(&key.as_str())
                && key != "authentication"
                && key != "persist security info"
        })
        .map(str::to_string)
        .collect();
    parts.push("Authentication=Active Directory Managed Identity".to_string());
    if let Some(id) = client_id {
        parts.push(format!("User Id={id}"));
    }
    let mut new = parts.join(";");
    if trailing {
        new.push(';');
    }
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.clone(),
        description: "SQL authentication → Authentication=Active Directory Managed Identity"
            .to_string(),
        edit: (range, new),
        checks,
    })
}

/// Microsoft.Data.SqlClient 2.1 (3.0 for a user-assigned identity by client id) understands the managed
/// identity keyword; System.Data.SqlClient never does.
fn sql_client_check(
    text: &str,
    lines: &LineIndex,
    at: usize,
    fs_path: &Path,
    root: &Path,
    user_assigned: bool,
) -> Check {
    let line = lines.line_of(at);
    let this_line = &text[lines.line_range(text, line)];
    if this_line.contains("providerName=\"System.Data.SqlClient\"") {
        return Check::Failed(
            "providerName=\"System.Data.SqlClient\": that provider cannot use Authentication=Active Directory Managed Identity (move to Microsoft.Data.SqlClient)".to_string(),
        );
    }
    let needed = if user_assigned { (3, 0) } else { (2, 1) };
    for (name, content) in dotnet_projects(fs_path, root) {
        if let Some(version) = package_version(&content, "Microsoft.Data.SqlClient") {
            return if version >= needed {
                Check::Passed(format!(
                    "{name} references Microsoft.Data.SqlClient {}.{}",
                    version.0, version.1
                ))
            } else {
                Check::Failed(format!(
                    "{name} references Microsoft.Data.SqlClient {}.{}; {}.{} or later is needed",
                    version.0, version.1, needed.0, needed.1
                ))
            };
        }
        if content.contains("\"System.Data.SqlClient\"") {
            return Check::Failed(format!(
                "{name} references System.Data.SqlClient, which cannot use managed identities"
            ));
        }
    }
    Check::Unchecked(
        "no project file says which SQL client library (and version) reads this string".to_string(),
    )
}

/// `Include="Name" Version="2.1.4"` → (2, 1).
fn package_version(project: &str, package: &str) -> Option<(u32, u32)> {
    let i = project.find(&format!("\"{package}\""))?;
    let rest = &project[i..project[i..].find('>').map_or(project.len(), |j| i + j)];
    let v = rest.split("Version=\"").nth(1)?;
    let mut nums = v
        .split(['.', '"', '-'])
        .filter_map(|n| n.parse::<u32>().ok());
    Some((nums.next()?, nums.next().unwrap_or(0)))
}

/// The Azure Functions binding extension a connection setting feeds, and the versions that first took an
/// identity-based connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extension {
    /// `AzureWebJobsStorage`: the host's own storage (and the Storage extension's default connection).
    Storage,
    ServiceBus,
    EventHubs,
    /// A `sb://` connection string that does not say whether it is Service Bus or Event Hubs.
    Messaging,
    CosmosDb,
}

impl Extension {
    fn of(rule_id: &str) -> Option<Extension> {
        Some(match rule_id {
            "azure-storage.connection-string-account-key"
            | "azure-identifiable.storage-account-key" => Extension::Storage,
            "azure-identifiable.service-bus-key" => Extension::ServiceBus,
            "azure-identifiable.event-hubs-key" => Extension::EventHubs,
            "service-bus.connection-string-key" => Extension::Messaging,
            "cosmos-db.connection-string-key" | "azure-identifiable.cosmos-db-key" => {
                Extension::CosmosDb
            }
            _ => return None,
        })
    }

    /// The NuGet packages (in-process and isolated worker) and the first major version of each that
    /// reads identity-based connections.
    fn packages(self) -> &'static [(&'static str, u32)] {
        const STORAGE: &[(&str, u32)] = &[
            ("Microsoft.Azure.WebJobs.Extensions.Storage", 5),
            ("Microsoft.Azure.WebJobs.Extensions.Storage.Blobs", 5),
            ("Microsoft.Azure.WebJobs.Extensions.Storage.Queues", 5),
            ("Microsoft.Azure.Functions.Worker.Extensions.Storage", 5),
            (
                "Microsoft.Azure.Functions.Worker.Extensions.Storage.Blobs",
                5,
            ),
            (
                "Microsoft.Azure.Functions.Worker.Extensions.Storage.Queues",
                5,
            ),
        ];
        const SERVICE_BUS: &[(&str, u32)] = &[
            ("Microsoft.Azure.WebJobs.Extensions.ServiceBus", 5),
            ("Microsoft.Azure.Functions.Worker.Extensions.ServiceBus", 5),
        ];
        const EVENT_HUBS: &[(&str, u32)] = &[
            ("Microsoft.Azure.WebJobs.Extensions.EventHubs", 5),
            ("Microsoft.Azure.Functions.Worker.Extensions.EventHubs", 5),
        ];
        const MESSAGING: &[(&str, u32)] = &[
            ("Microsoft.Azure.WebJobs.Extensions.ServiceBus", 5),
            ("Microsoft.Azure.Functions.Worker.Extensions.ServiceBus", 5),
            ("Microsoft.Azure.WebJobs.Extensions.EventHubs", 5),
            ("Microsoft.Azure.Functions.Worker.Extensions.EventHubs", 5),
        ];
        const COSMOS: &[(&str, u32)] = &[
            ("Microsoft.Azure.WebJobs.Extensions.CosmosDB", 4),
            ("Microsoft.Azure.Functions.Worker.Extensions.CosmosDB", 4),
        ];
        match self {
            Extension::Storage => STORAGE,
            Extension::ServiceBus => SERVICE_BUS,
            Extension::EventHubs => EVENT_HUBS,
            Extension::Messaging => MESSAGING,
            Extension::CosmosDb => COSMOS,
        }
    }

    /// The first extension bundle (non-.NET apps) that ships those versions: bundle 3 brought Storage,
    /// Service Bus and Event Hubs 5.x; the Cosmos DB 4.x extension came with bundle 4.
    fn min_bundle(self) -> u32 {
        match self {
            Extension::CosmosDb => 4,
            _ => 3,
        }
    }
}

/// A Functions connection setting in `local.settings.json` (or any JSON `"AzureWebJobsStorage"` pair),
/// rewritten to its identity-based form: `<CONN>__accountName`, `<CONN>__fullyQualifiedNamespace` or
/// `<CONN>__accountEndpoint`. The setting keeps its name as the prefix, so triggers and bindings that name
/// the connection still find it.
fn functions_connection(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    fs_path: &Path,
    root: &Path,
    ext: Extension,
) -> Option<Rewrite> {
    let value = enclosing_value(text, lines, at)?;
    // The key is the JSON string just before the value: `"<key>": "<value>"`, only a colon between.
    let before = &text[lines.line_range(text, f.line).start..value.start - 1];
    let colon = before.trim_end().strip_suffix(':')?.trim_end();
    let key_body = colon.strip_suffix('"')?;
    let key_start = key_body.rfind('"')?;
    let key = &key_body[key_start + 1..];
    let key_at = lines.line_range(text, f.line).start + key_start;
    let in_settings_file = fs_path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("local.settings.json"));
    if key.is_empty()
        || key.contains("__")
        || key.contains([':', '\\'])
        || (ext == Extension::Storage) != (key == "AzureWebJobsStorage")
        || (ext != Extension::Storage && !in_settings_file)
        || (in_settings_file && !in_values_section(text, key_at))
    {
        return None;
    }
    let conn = &text[value.clone()];
    let part = |name: &str| {
        conn.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    let mut checks = Vec::new();
    let (suffix, identity_value, description) = match ext {
        Extension::Storage => {
            let account = part("AccountName")?;
            let cloud = part("EndpointSuffix").unwrap_or("core.windows.net");
            checks.push(if cloud == "core.windows.net" {
                Check::Passed("the account is in the public cloud (AzureWebJobsStorage__accountName needs it)".to_string())
            } else {
                Check::Failed(format!(
                    "EndpointSuffix={cloud}: outside the public cloud use AzureWebJobsStorage__blobServiceUri and __queueServiceUri"
                ))
            });
            ("accountName", account.to_string(), "account key")
        }
        Extension::ServiceBus | Extension::EventHubs | Extension::Messaging => {
            let endpoint = part("Endpoint")?;
            let host = endpoint
                .strip_prefix("sb://")?
                .split(['/', ':'])
                .next()
                .filter(|h| !h.is_empty())?;
            checks.push(azure_host_check(host));
            if let Some(entity) = part("EntityPath") {
                checks.push(Check::Unchecked(format!(
                    "the connection string names EntityPath={entity}; an identity-based connection names no entity, so every trigger and binding on {key} must name it"
                )));
            }
            (
                "fullyQualifiedNamespace",
                host.to_string(),
                "shared access key",
            )
        }
        Extension::CosmosDb => {
            let endpoint = part("AccountEndpoint")?;
            let host = endpoint
                .strip_prefix("https://")?
                .split(['/', ':'])
                .next()
                .filter(|h| !h.is_empty())?;
            checks.push(azure_host_check(host));
            ("accountEndpoint", endpoint.to_string(), "account key")
        }
    };
    checks.push(extension_check(fs_path, root, ext));
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.clone(),
        description: format!("{key} {description} → {key}__{suffix}"),
        // The whole `"<key>": "<connection string>"` pair is replaced.
        edit: (
            key_at..value.end + 1,
            format!("\"{key}__{suffix}\": \"{identity_value}\""),
        ),
        checks,
    })
}

/// Whether `at` lies in `local.settings.json`'s top-level `"Values"` object: the settings the Functions host
/// reads. Its `"ConnectionStrings"` section is read by code with GetConnectionString, not by bindings.
fn in_values_section(text: &str, at: usize) -> bool {
    let Some(key) = text.find("\"Values\"") else {
        return false;
    };
    let Some(open) = text[key..].find('{').map(|i| key + i) else {
        return false;
    };
    open < at && block_end(text, open, Syntax::Json).is_some_and(|end| at < end)
}

fn azure_host_check(host: &str) -> Check {
    if is_azure_host(host) {
        Check::Passed(format!("{host} is an Azure endpoint"))
    } else {
        Check::Failed(format!("{host} is not an Azure endpoint"))
    }
}

/// Whether the function app's binding extension reads identity-based connections. A .NET project says so
/// with its package references (nearest project file first); other languages with the extension bundle
/// in `host.json`.
fn extension_check(fs_path: &Path, root: &Path, ext: Extension) -> Check {
    // The nearest readable project file decides.
    if let Some((name, content)) = dotnet_projects(fs_path, root).into_iter().next() {
        let mut passed = Vec::new();
        for &(package, major) in ext.packages() {
            if !content.contains(&format!("\"{package}\"")) {
                continue;
            }
            match package_version(&content, package) {
                Some((m, n)) if m >= major => passed.push(format!("{package} {m}.{n}")),
                Some((m, n)) => {
                    return Check::Failed(format!(
                        "{name} references {package} {m}.{n}; identity-based connections need {major}.0 or later"
                    ))
                }
                None => {
                    return Check::Unchecked(format!(
                        "{name} references {package} without a version keyless can read"
                    ))
                }
            }
        }
        if !passed.is_empty() {
            return Check::Passed(format!("{name} references {}", passed.join(", ")));
        }
        // Host storage is the runtime's own: a v4 function app reads `__accountName` without any
        // Storage extension package.
        if ext == Extension::Storage && content.contains("<AzureFunctionsVersion>v4<") {
            return Check::Passed(format!(
                "{name} targets Azure Functions v4 and references no older Storage extension"
            ));
        }
        return Check::Unchecked(format!(
            "{name} references none of {}",
            ext.packages()
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    extension_bundle_check(fs_path, root, ext.min_bundle())
}

/// Non-.NET function apps get their extensions from the bundle that `host.json` names.
fn extension_bundle_check(fs_path: &Path, root: &Path, min_major: u32) -> Check {
    for host in project_files(fs_path, root, |n| n == "host.json") {
        let Ok(content) = std::fs::read_to_string(&host) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&content) else {
            return Check::Unchecked("host.json could not be parsed".to_string());
        };
        let Some(version) = json["extensionBundle"]["version"].as_str() else {
            return Check::Unchecked("host.json names no extension bundle version".to_string());
        };
        let major = version
            .trim_start_matches(['[', '('])
            .split(['.', ','])
            .next()
            .and_then(|m| m.trim().parse::<u32>().ok());
        return match major {
            Some(m) if m >= min_major => {
                Check::Passed(format!("host.json uses extension bundle {version}"))
            }
            Some(_) => Check::Failed(format!(
                "host.json uses extension bundle {version}; this identity-based connection needs {min_major}.x or later"
            )),
            None => Check::Unchecked(format!("host.json bundle version '{version}' is not understood")),
        };
    }
    Check::Unchecked(
        "no project file or host.json says which binding extensions the function app uses"
            .to_string(),
    )
}

/// Infrastructure-as-code dialects that declare App Service and Functions app settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Iac {
    Terraform,
    Bicep,
}

/// With `--key-vault`: the app setting's literal value becomes a Key Vault reference. Only where the value
/// is an app setting of a web or function app declared in Terraform or Bicep, because App Service resolves
/// the reference with the app's managed identity before the application sees it. Files the application
/// reads itself (appsettings.json, .env) are never rewritten: nothing would resolve the reference there.
fn key_vault_reference(
    text: &str,
    lines: &LineIndex,
    at: usize,
    f: &Finding,
    fs_path: &Path,
    vault: &str,
) -> Option<Rewrite> {
    let ext = fs_path.extension()?.to_str()?.to_ascii_lowercase();
    let iac = match ext.as_str() {
        "tf" => Iac::Terraform,
        "bicep" => Iac::Bicep,
        _ => return None,
    };
    let setting = f.captures.get("setting")?;
    let value = enclosing_value(text, lines, at)?;
    let literal = &text[value.clone()];
    // Only a plain literal moves: an interpolated value is partly built elsewhere, an escaped one would
    // have to be unescaped first.
    if ["${", "{{", "$(", "[", "%{", "\\"]
        .iter()
        .any(|m| literal.contains(m))
    {
        return None;
    }
    let resource = enclosing_app(text, value.start, iac)?;
    let secret_name = key_vault_secret_name(setting);
    let mut checks = vec![Check::Passed(format!(
        "{setting} is an app setting of {}: App Service resolves Key Vault references with the app's identity",
        resource.kind
    ))];
    checks.push(match resource.identity_body {
        Some(block) => identity_check(&text[block], iac),
        None => Check::Unchecked(
            "the file does not say which site this appsettings resource belongs to (no parent:), so its identity is unknown"
                .to_string(),
        ),
    });
    let reference = format!("@Microsoft.KeyVault(VaultName={vault};SecretName={secret_name})");
    Some(Rewrite {
        line: f.line,
        rule_id: f.rule_id.clone(),
        description: format!(
            "{setting} → Key Vault reference {vault}/{secret_name} (store the value first: az keyvault secret set --vault-name {vault} -n {secret_name} --file <a file holding it>)"
        ),
        edit: (value, reference),
        checks,
    })
}

/// The web or function app resource whose app settings enclose `at`.
struct AppResource {
    kind: String,
    /// The block that declares the app's identity: the resource's own, or for a Bicep `sites/config`
    /// resource, its `parent:` site's. None when the file does not say which site that is.
    identity_body: Option<Range<usize>>,
}

fn enclosing_app(text: &str, at: usize, iac: Iac) -> Option<AppResource> {
    use regex::Regex;
    use std::sync::LazyLock;
    static TF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*resource[ \t]+"([a-z0-9_]+)""#).unwrap());
    static BICEP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*resource[ \t]+\w+[ \t]+'([A-Za-z0-9./]+)@"#).unwrap()
    });
    static TF_SETTINGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*app_settings[ \t]*=[ \t]*\{"#).unwrap());
    static BICEP_SETTINGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*appSettings[ \t]*:[ \t]*\["#).unwrap());
    static BICEP_PROPERTIES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*properties[ \t]*:[ \t]*\{"#).unwrap());
    static BICEP_NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?m)^[ \t]*name[ \t]*:[ \t]*'([^']*)'"#).unwrap());
    let declarations = match iac {
        Iac::Terraform => &*TF,
        Iac::Bicep => &*BICEP,
    };
    let last = declarations.captures_iter(&text[..at]).last()?;
    let kind = last.get(1)?.as_str().to_string();
    let start = last.get(0)?.start();
    // The resource's own block: from its first brace to the matching one.
    let open = start + text[start..at].find('{')?;
    let syntax = match iac {
        Iac::Terraform => Syntax::Hcl,
        Iac::Bicep => Syntax::Bicep,
    };
    let body = start..block_end(text, open, syntax)?;
    if at >= body.end {
        return None;
    }
    let lower = kind.to_ascii_lowercase();
    let mut identity_body = Some(body.clone());
    let settings = match iac {
        Iac::Terraform => {
            if !lower.starts_with("azurerm_") || !crate::remediation::iac::is_app_service(&lower) {
                return None;
            }
            &*TF_SETTINGS
        }
        Iac::Bicep => {
            if !lower.starts_with("microsoft.web/sites") {
                return None;
            }
            if lower.ends_with("/config") {
                // Only the `appsettings` config resource holds app settings (not authsettings, web, ...):
                // `name: 'appsettings'` under `parent:`, or `name: '${site}/appsettings'`.
                let name = BICEP_NAME.captures(&text[open..at])?[1].to_ascii_lowercase();
                if name != "appsettings" && !name.ends_with("/appsettings") {
                    return None;
                }
                identity_body = parent_site(text, &text[open..at], syntax);
                &*BICEP_PROPERTIES
            } else {
                &*BICEP_SETTINGS
            }
        }
    };
    // The value must sit inside the settings block itself, not merely after it.
    let inner = &text[open..at];
    let opener = settings.find_iter(inner).last()?;
    let block_open = open + opener.end() - 1;
    if at >= block_end(text, block_open, syntax)? {
        return None;
    }
    Some(AppResource {
        kind,
        identity_body,
    })
}

/// The block of the Bicep site a `sites/config` resource names as its `parent:`.
fn parent_site(text: &str, config: &str, syntax: Syntax) -> Option<Range<usize>> {
    let parent = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("parent:"))?
        .trim();
    if parent.is_empty()
        || !parent
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let decl = format!("resource {parent} 'Microsoft.Web/sites@");
    let start = text.find(&decl)?;
    let open = start + text[start..].find('{')?;
    Some(start..block_end(text, open, syntax)?)
}

/// App Service reads Key Vault references with the system-assigned identity, or with a user-assigned one
/// named by `keyVaultReferenceIdentity` (Terraform `key_vault_reference_identity_id`). Only the app's own
/// block is read.
fn identity_check(resource: &str, iac: Iac) -> Check {
    let lower = resource.to_ascii_lowercase();
    let has_identity = match iac {
        Iac::Terraform => lower.contains("identity {") || lower.contains("identity{"),
        Iac::Bicep => lower.contains("identity:"),
    };
    if !has_identity {
        return Check::Unchecked(
            "the resource declares no managed identity here; App Service needs one to read the vault"
                .to_string(),
        );
    }
    if lower.contains("systemassigned") {
        return Check::Passed("the app has a system-assigned identity".to_string());
    }
    if lower.contains("key_vault_reference_identity_id")
        || lower.contains("keyvaultreferenceidentity")
    {
        return Check::Passed(
            "the app names the user-assigned identity that reads Key Vault references".to_string(),
        );
    }
    Check::Failed(
        "the app has only a user-assigned identity and no keyVaultReferenceIdentity (Terraform key_vault_reference_identity_id), so App Service could not read the reference".to_string(),
    )
}

/// The .NET project files (`*.csproj`, `*.fsproj`) from the file's folder up to `root`, nearest first, as
/// (file name, contents); unreadable ones are skipped.
fn dotnet_projects(fs_path: &Path, root: &Path) -> Vec<(String, String)> {
    project_files(fs_path, root, |n| {
        n.ends_with(".csproj") || n.ends_with(".fsproj")
    })
    .into_iter()
    .filter_map(|p| {
        let content = std::fs::read_to_string(&p).ok()?;
        let name = p.file_name()?.to_string_lossy().into_owned();
        Some((name, content))
    })
    .collect()
}

/// Files matching `wanted` in the file's folder and its parents, nearest first.
fn project_files(fs_path: &Path, root: &Path, wanted: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let canonical = |d: &Path| {
        if d.as_os_str().is_empty() {
            Path::new(".").canonicalize()
        } else {
            d.canonicalize()
        }
    };
    let root = canonical(root).ok();
    let mut out = Vec::new();
    let mut dir = fs_path.parent();
    while let Some(d) = dir {
        let Ok(here_dir) = canonical(d) else { break };
        // Never above what was scanned: a host.json or project file there belongs to something else.
        if root.as_ref().is_some_and(|r| !here_dir.starts_with(r)) {
            break;
        }
        let mut here: Vec<PathBuf> = std::fs::read_dir(&here_dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.file_name().is_some_and(|n| wanted(&n.to_string_lossy())))
                    .collect()
            })
            .unwrap_or_default();
        here.sort();
        out.extend(here);
        if here_dir.join(".git").exists() || root.as_ref() == Some(&here_dir) {
            break;
        }
        dir = d.parent();
    }
    out
}

/// How far up project files (host.json, *.csproj) are looked for from a file: its git work tree's top,
/// else the deepest folder named on the command line that holds it, else its own folder.
pub fn project_root(fs_path: &Path, roots: &[PathBuf]) -> PathBuf {
    let dir = match fs_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(top) = crate::git::worktree_top(&dir) {
        return top;
    }
    let Ok(file) = fs_path.canonicalize() else {
        return dir;
    };
    roots
        .iter()
        .filter_map(|r| {
            let r = if r.is_dir() {
                r.clone()
            } else {
                r.parent()?.to_path_buf()
            };
            let r = if r.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                r
            };
            r.canonicalize().ok()
        })
        .filter(|r| file.starts_with(r))
        .max_by_key(|r| r.components().count())
        .unwrap_or(dir)
}

/// Reads and decodes a file for fixing; None for binary files.
pub fn read_text(path: &Path) -> std::io::Result<Option<(Vec<u8>, String, source::Encoding)>> {
    let bytes = std::fs::read(path)?;
    let decoded = match source::decode(&bytes) {
        Decoded::Binary => None,
        Decoded::Text(t) => Some((t.text.into_owned(), t.encoding)),
    };
    Ok(decoded.map(|(text, enc)| (bytes, text, enc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions_are_read_from_project_files() {
        let p = r#"<PackageReference Include="Microsoft.Data.SqlClient" Version="5.2.1" />"#;
        assert_eq!(package_version(p, "Microsoft.Data.SqlClient"), Some((5, 2)));
        assert_eq!(package_version(p, "Other"), None);
    }

    #[test]
    fn overlapping_edits_are_applied_once() {
        let r = |range: Range<usize>, s: &str| Rewrite {
            line: 1,
            rule_id: "x".into(),
            description: String::new(),
            edit: (range, s.into()),
            checks: vec![Check::Passed(String::new())],
        };
        let (out, n) = apply("abcdef", &[r(1..3, "X"), r(2..4, "Y"), r(4..5, "Z")], false);
        assert_eq!((out.as_str(), n), ("aXdZf", 2));
    }
}
