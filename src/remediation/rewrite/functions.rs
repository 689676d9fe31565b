//! Azure Functions connection settings → their identity-based form, where the function app's binding
//! extensions (package references or the `host.json` extension bundle) are new enough to read it.

use super::{enclosing_value, Check, Rewrite};
use crate::finding::{Finding, LineIndex};
use crate::remediation::iac::{block_end, Syntax};
use crate::remediation::project::{dotnet_projects, package_version, project_files};
use crate::remediation::target::is_azure_host;
use std::path::Path;

/// The Azure Functions binding extension a connection setting feeds, and the versions that first took an
/// identity-based connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extension {
    /// `AzureWebJobsStorage`: the host's own storage (and the Storage extension's default connection).
    Storage,
    ServiceBus,
    EventHubs,
    /// A `sb://` connection string that does not say whether it is Service Bus or Event Hubs.
    Messaging,
    CosmosDb,
}

impl Extension {
    pub(super) fn of(rule_id: &str) -> Option<Extension> {
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
pub(super) fn connection(
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
        rule_id: f.rule_id.to_string(),
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
