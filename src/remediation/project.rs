//! Project files a rewrite's preconditions read: the .NET project files (`*.csproj`, `*.fsproj`) and
//! `host.json` from a file's folder up to the project's root, and the package versions they name.

use std::path::{Path, PathBuf};

/// `Include="Name" Version="2.1.4"` → (2, 1).
pub fn package_version(project: &str, package: &str) -> Option<(u32, u32)> {
    let i = project.find(&format!("\"{package}\""))?;
    let rest = &project[i..project[i..].find('>').map_or(project.len(), |j| i + j)];
    let v = rest.split("Version=\"").nth(1)?;
    let mut nums = v
        .split(['.', '"', '-'])
        .filter_map(|n| n.parse::<u32>().ok());
    Some((nums.next()?, nums.next().unwrap_or(0)))
}

/// The .NET project files (`*.csproj`, `*.fsproj`) from the file's folder up to `root`, nearest first, as
/// (file name, contents); unreadable ones are skipped.
pub fn dotnet_projects(fs_path: &Path, root: &Path) -> Vec<(String, String)> {
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
pub fn project_files(fs_path: &Path, root: &Path, wanted: impl Fn(&str) -> bool) -> Vec<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions_are_read_from_project_files() {
        let p = r#"<PackageReference Include="Microsoft.Data.SqlClient" Version="5.2.1" />"#;
        assert_eq!(package_version(p, "Microsoft.Data.SqlClient"), Some((5, 2)));
        assert_eq!(package_version(p, "Other"), None);
    }
}
