//! The language of the code that reads a setting, for the SDK snippet: the file's own kind first, then the
//! nearest project marker in its folder or above it.

use super::host::Neighbours;
use std::path::Path;

/// `(language, evidence)`, or None when nothing says.
pub fn infer(
    path: &str,
    top: Option<&Path>,
    neighbours: &mut Neighbours,
) -> Option<(&'static str, String)> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let by_name =
        if name == "web.config" || (name.starts_with("appsettings") && name.ends_with(".json")) {
            Some("dotnet")
        } else if name.starts_with("application")
            && (name.ends_with(".properties") || name.ends_with(".yml") || name.ends_with(".yaml"))
        {
            Some("java")
        } else if name == "settings.py" || name.ends_with(".py") {
            Some("python")
        } else if name.ends_with(".js") || name.ends_with(".ts") || name.ends_with(".mjs") {
            Some("javascript")
        } else if name.ends_with(".go") {
            Some("go")
        } else if name.ends_with(".cs") {
            Some("dotnet")
        } else if name.ends_with(".java") || name.ends_with(".kt") {
            Some("java")
        } else {
            None
        };
    if let Some(lang) = by_name {
        return Some((
            lang,
            format!(
                "{} is a {} file",
                path.rsplit('/').next().unwrap_or(path),
                lang
            ),
        ));
    }
    for dir in Neighbours::folders(path, top) {
        for n in neighbours.list(&dir) {
            let lang = if n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".sln") {
                "dotnet"
            } else if n == "pom.xml" || n == "build.gradle" || n == "build.gradle.kts" {
                "java"
            } else if n == "pyproject.toml"
                || n == "requirements.txt"
                || n == "setup.py"
                || n == "manage.py"
            {
                "python"
            } else if n == "package.json" {
                "javascript"
            } else if n == "go.mod" {
                "go"
            } else {
                continue;
            };
            let rel = top
                .and_then(|t| dir.strip_prefix(t).ok())
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let shown = if rel.is_empty() {
                n.clone()
            } else {
                format!("{rel}/{n}")
            };
            return Some((lang, format!("{shown} is a {lang} project file")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_project_marker_wins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("svc/conf")).unwrap();
        std::fs::write(dir.path().join("package.json"), "{}").unwrap();
        std::fs::write(dir.path().join("svc/go.mod"), "module x").unwrap();
        let mut n = Neighbours::default();
        assert_eq!(
            infer("svc/conf/app.env", Some(dir.path()), &mut n)
                .unwrap()
                .0,
            "go"
        );
        assert_eq!(
            infer("other/app.env", Some(dir.path()), &mut n).unwrap().0,
            "javascript"
        );
        assert_eq!(
            infer("x/appsettings.json", Some(dir.path()), &mut n)
                .unwrap()
                .0,
            "dotnet"
        );
        assert_eq!(infer("app.env", None, &mut n), None);
    }
}
