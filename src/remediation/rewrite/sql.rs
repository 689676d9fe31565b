//! ADO.NET connection strings to Azure SQL → `Authentication=Active Directory Managed Identity`, where
//! the endpoint is Azure SQL and the project's SQL client library can read the keyword.

use super::{enclosing_value, Check, Rewrite};
use crate::finding::{Finding, LineIndex};
use crate::remediation::project::{dotnet_projects, package_version};
use crate::remediation::target::is_azure_host;
use std::path::Path;

const USER_KEYS: &[&str] = &["user id", "userid", "uid", "user", "username", "user name"];
const PASSWORD_KEYS: &[&str] = &["password", "pwd"];

pub(super) fn ado_net(
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
        rule_id: f.rule_id.to_string(),
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
