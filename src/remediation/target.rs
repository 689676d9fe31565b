//! Is the secret's target an Azure endpoint (take a managed identity), a local development service (keep the
//! value out of the repository), or something else (keep it in Key Vault)? Decided from the host names the
//! rule captured.

use crate::rendered::Target;

/// Public and sovereign-cloud suffixes of Azure services that accept Microsoft Entra tokens (or, for Key
/// Vault references, can be reached with one).
const AZURE_SUFFIXES: &[&str] = &[
    ".database.windows.net",
    ".database.usgovcloudapi.net",
    ".database.chinacloudapi.cn",
    ".sql.azuresynapse.net",
    ".sql.azuresynapse.usgovcloudapi.net",
    ".sql.azuresynapse.azure.cn",
    ".datawarehouse.fabric.microsoft.com",
    ".core.windows.net",
    ".core.usgovcloudapi.net",
    ".core.chinacloudapi.cn",
    ".servicebus.windows.net",
    ".servicebus.usgovcloudapi.net",
    ".servicebus.chinacloudapi.cn",
    ".documents.azure.com",
    ".documents.azure.us",
    ".documents.azure.cn",
    ".mongo.cosmos.azure.com",
    ".redis.cache.windows.net",
    ".redis.cache.usgovcloudapi.net",
    ".redis.cache.chinacloudapi.cn",
    ".redis.azure.net",
    ".postgres.database.azure.com",
    ".postgres.database.usgovcloudapi.net",
    ".postgres.database.chinacloudapi.cn",
    ".mysql.database.azure.com",
    ".mysql.database.usgovcloudapi.net",
    ".mysql.database.chinacloudapi.cn",
    ".azconfig.io",
    ".azconfig.azure.us",
    ".azconfig.azure.cn",
    ".eventgrid.azure.net",
    ".eventgrid.azure.us",
    ".eventgrid.azure.cn",
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
    ".search.windows.net",
    ".azurecr.io",
    ".azurecr.us",
    ".azurecr.cn",
    ".azurewebsites.net",
    ".vault.azure.net",
    ".azure-devices.net",
    ".azure-devices.us",
    ".azure-devices.cn",
    ".azure-devices-provisioning.net",
    ".webpubsub.azure.com",
    ".azuredatabricks.net",
    ".communication.azure.us",
    ".service.signalr.net",
    ".communication.azure.com",
    ".applicationinsights.azure.com",
    ".azure-api.net",
];

/// Captures that name a host or endpoint (rather than a resource name such as a storage account).
const HOST_CAPTURES: &[&str] = &["server", "host", "hostname", "endpoint", "url"];
/// Captures that name an Azure resource; a dotted value is a host name after all.
const RESOURCE_CAPTURES: &[&str] = &[
    "account",
    "namespace",
    "cache",
    "registry",
    "name",
    "vault",
    "resource",
    "app",
];

pub fn is_azure_host(host: &str) -> bool {
    let h = host_part(host).to_ascii_lowercase();
    let h = h.trim_end_matches('.');
    AZURE_SUFFIXES.iter().any(|s| h.ends_with(s))
}

/// Whether `text` names any Azure endpoint (a host with one of the Azure suffixes) anywhere.
pub fn mentions_azure_host(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    // An image pulled from a registry says where containers come from, not what they connect to.
    AZURE_SUFFIXES
        .iter()
        .filter(|s| !s.contains("azurecr"))
        .any(|s| lower.contains(s))
}

/// The resource name an Azure endpoint starts with: `contoso-sql.database.windows.net` → `contoso-sql`,
/// what `az` takes as the server or namespace name.
pub fn resource_name(host: &str) -> Option<String> {
    is_azure_host(host)
        .then(|| {
            host_part(host)
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|n| !n.is_empty())
}

pub fn is_local_host(host: &str) -> bool {
    let h = host_part(host).to_ascii_lowercase();
    h == "localhost"
        || h.starts_with("127.")
        || h == "::1"
        || h == "[::1]"
        || h == "0.0.0.0"
        || h == "host.docker.internal"
        || h.ends_with(".localhost")
        || h.ends_with(".local")
        // A name without dots is a compose service or a container on the same network.
        || (!h.is_empty() && !h.contains('.') && !h.contains(':') && h != "(localdb)")
        || h.starts_with("(localdb)")
}

/// `tcp:server.example.com,1433`, `https://x.y/z`, `host:6380` → the host name alone.
fn host_part(value: &str) -> &str {
    let v = value.trim();
    let v = v.strip_prefix("tcp:").unwrap_or(v);
    let v = v.split("://").nth(1).unwrap_or(v);
    let v = v.split(['/', ',', '?', ';']).next().unwrap_or(v);
    if v.starts_with('[') {
        return v.split(']').next().map_or(v, |h| &v[..h.len() + 1]);
    }
    match v.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => v,
    }
}

pub fn classify(captures: &crate::finding::Captures) -> (Target, Option<String>) {
    for (name, value) in captures {
        let is_host = HOST_CAPTURES.contains(&name.as_str())
            || (RESOURCE_CAPTURES.contains(&name.as_str()) && value.contains('.'));
        if !is_host {
            continue;
        }
        let host = host_part(value).to_string();
        if is_azure_host(value) {
            return (Target::Azure, Some(host));
        }
        if is_local_host(value) {
            return (Target::Local, Some(host));
        }
        return (Target::Other, Some(host));
    }
    if captures
        .iter()
        .any(|(k, _)| RESOURCE_CAPTURES.contains(&k.as_str()))
    {
        return (Target::Azure, None);
    }
    (Target::Unknown, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(name: &str, value: &str) -> Target {
        classify(
            &[(name.to_string(), value.to_string())]
                .into_iter()
                .collect(),
        )
        .0
    }

    #[test]
    fn azure_local_and_other_hosts() {
        assert_eq!(
            of("server", "tcp:contoso.database.windows.net,1433"),
            Target::Azure
        );
        assert_eq!(
            of("server", "contoso.database.usgovcloudapi.net"),
            Target::Azure
        );
        assert_eq!(
            of("host", "cache.redis.cache.chinacloudapi.cn:6380"),
            Target::Azure
        );
        assert_eq!(of("server", "localhost"), Target::Local);
        assert_eq!(of("server", "127.0.0.1,1433"), Target::Local);
        assert_eq!(of("host", "db"), Target::Local, "a compose service name");
        assert_eq!(of("server", "(localdb)\\MSSQLLocalDB"), Target::Local);
        assert_eq!(of("server", "sql01.corp.example.com"), Target::Other);
        assert_eq!(
            of("account", "contosodata"),
            Target::Azure,
            "a storage account name"
        );
        assert_eq!(
            of("namespace", "contoso.servicebus.windows.net"),
            Target::Azure
        );
        assert_eq!(classify(&Default::default()).0, Target::Unknown);
    }
}
