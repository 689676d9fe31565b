//! Command-line arguments → one immutable `Config` for the run.
//!
//! Every validation of user input that does not need the file system happens here, so a typo in a flag
//! fails before any work starts (exit code 2).

use crate::cli::{ColorChoice, FailOn, Format, ScanArgs};
use crate::severity::Severity;
use crate::suppress::{Allowlist, InlineAllow};
use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The project configuration file, looked for at the top of the git work tree (or the scan root).
pub const PROJECT_FILE: &str = ".keyless.toml";

/// The serde mirror of `.keyless.toml`. Unknown keys are errors, so a typo cannot silently do nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ProjectFile {
    fail_on: Option<FailOn>,
    min_confidence: Option<crate::severity::Confidence>,
    baseline: Option<PathBuf>,
    #[serde(default)]
    rules: Vec<PathBuf>,
    #[serde(default)]
    disable_rules: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    inline_allow_tokens: Vec<String>,
    #[serde(default)]
    allowlist: AllowlistFile,
    /// `"<rule id or pack id>" = "<severity>"`: the team's own ranking of what a rule finds.
    #[serde(default)]
    severity: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistFile {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Debug)]
pub struct Config {
    /// What to scan; `None` stands for standard input.
    pub roots: Vec<Option<PathBuf>>,
    pub threads: usize,
    pub respect_ignore: bool,
    pub exclude: Exclude,
    pub max_file_size: u64,
    pub rule_paths: Vec<PathBuf>,
    /// The packs `.keyless.toml` names (also in `rule_paths`), kept apart so `--diff` can read them
    /// from the merge-base.
    pub project_rule_paths: Vec<PathBuf>,
    pub disabled_rules: Vec<String>,
    /// `.keyless.toml`'s `[severity]`: (rule or pack id, severity), checked against the rules at load.
    pub severity_overrides: Vec<SeverityOverride>,
    pub format: Format,
    pub output: Option<PathBuf>,
    /// Files, bytes and findings so far, bumped by the scan's workers for a progress display.
    pub progress: std::sync::Arc<crate::tally::Progress>,
    pub reports: Vec<(Format, PathBuf)>,
    pub fail_on: FailOn,
    pub min_confidence: crate::severity::Confidence,
    pub fingerprint_key: Option<String>,
    pub show_secrets: bool,
    pub color: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub update_baseline: bool,
    pub inline_allow: InlineAllow,
    pub allowlist: Allowlist,
    /// The `.keyless.toml` that was read, if any.
    pub project_file: Option<PathBuf>,
    pub staged: bool,
}

impl Config {
    pub fn from_args(args: &ScanArgs) -> Result<Config> {
        Config::from_args_with(args, None)
    }

    /// Like [`Config::from_args`], but `.keyless.toml` comes from `project` (its text, the name to use in
    /// errors, and the folder its relative paths start from) unless `--config` or `--no-config` says
    /// otherwise. `--diff` passes the merge-base's version, so a pull request cannot loosen its own gate.
    pub fn from_args_with(args: &ScanArgs, project: Option<ProjectSource>) -> Result<Config> {
        let threads = match args.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let reports = args
            .report
            .iter()
            .map(|r| parse_report(r))
            .collect::<Result<Vec<_>>>()?;
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output.is_none()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        let source = match (&args.config, args.no_config, project) {
            (Some(p), _, _) => Some(ProjectSource::read(p)?),
            (None, true, _) => None,
            (None, false, Some(given)) => Some(given),
            (None, false, None) => match find_project_file(&args.paths) {
                Some(p) => Some(ProjectSource::read(&p)?),
                None => None,
            },
        };
        let project_path = source.as_ref().map(|s| PathBuf::from(&s.name));
        let (project, project_dir) = match &source {
            Some(src) => (src.parse()?, src.dir.clone()),
            None => (ProjectFile::default(), PathBuf::new()),
        };
        let mut excludes = args.exclude.clone();
        excludes.extend(project.exclude.iter().cloned());
        excludes.extend(project.allowlist.paths.iter().cloned());
        let mut rule_paths: Vec<PathBuf> =
            project.rules.iter().map(|r| project_dir.join(r)).collect();
        rule_paths.extend(args.rules.iter().cloned());
        let mut disabled_rules = project.disable_rules.clone();
        disabled_rules.extend(args.disable_rule.iter().cloned());
        let severity_overrides = project
            .severity
            .iter()
            .map(|(id, level)| {
                let at = || {
                    let name = project_path
                        .as_ref()
                        .map_or(String::new(), |p| p.display().to_string());
                    let text = source.as_ref().map_or("", |s| s.text.as_str());
                    // The entry's line: its id after the `[severity]` header.
                    let section = text.find("[severity]").unwrap_or(0);
                    let line = text[section..]
                        .find(&format!("\"{id}\""))
                        .or_else(|| text[section..].find(id.as_str()))
                        .map_or(0, |o| crate::source::line_col(text, section + o).0);
                    format!("{name}:{line}")
                };
                Ok(SeverityOverride {
                    id: id.clone(),
                    severity: level
                        .parse::<Severity>()
                        .map_err(|e| anyhow::anyhow!("{}: [severity] {id}: {e}", at()))?,
                    at: at(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let regexes = project
            .allowlist
            .regexes
            .iter()
            .map(|r| {
                regex::Regex::new(r).with_context(|| {
                    format!(
                        "{}: allowlist regex '{r}'",
                        project_path
                            .as_ref()
                            .map_or(String::new(), |p| p.display().to_string())
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Config {
            roots: args
                .paths
                .iter()
                .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
                .collect(),
            threads,
            respect_ignore: !args.no_ignore,
            exclude: Exclude::new(&excludes)?,
            max_file_size: parse_size(&args.max_file_size)
                .with_context(|| format!("--max-file-size {}", args.max_file_size))?,
            project_rule_paths: project.rules.iter().map(|r| project_dir.join(r)).collect(),
            rule_paths,
            disabled_rules,
            severity_overrides,
            format: args.format,
            output: args.output.clone(),
            progress: Default::default(),
            reports,
            fail_on: args.fail_on.or(project.fail_on).unwrap_or(FailOn::Low),
            min_confidence: args
                .min_confidence
                .or(project.min_confidence)
                .unwrap_or(crate::severity::Confidence::Low),
            fingerprint_key: args.fingerprint_key.clone(),
            show_secrets: args.show_secrets,
            color,
            baseline: args
                .baseline
                .clone()
                .or_else(|| project.baseline.as_ref().map(|b| project_dir.join(b))),
            write_baseline: args.write_baseline.clone(),
            update_baseline: args.update_baseline,
            inline_allow: InlineAllow {
                enabled: !args.no_inline_allow,
                extra_tokens: project.inline_allow_tokens.clone(),
            },
            allowlist: Allowlist {
                regexes,
                stopwords: project
                    .allowlist
                    .stopwords
                    .iter()
                    .map(|w| w.to_lowercase())
                    .collect(),
            },
            project_file: project_path,
            staged: args.staged,
        })
    }

    /// See [`first_root_dir`].
    pub fn first_root_dir(&self) -> PathBuf {
        let paths: Vec<PathBuf> = self.roots.iter().flatten().cloned().collect();
        first_root_dir(&paths)
    }

    /// Whether a finding of this severity makes the scan exit with 1. `info` never does.
    pub fn fails_on(&self, severity: Severity) -> bool {
        let threshold = match self.fail_on {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Never => return false,
        };
        severity != Severity::Info && severity >= threshold
    }
}

/// The folder of the first path named on the command line (the path itself when it is a folder), or the
/// current folder: where the repository, its `.keyless.toml` and its first commit are looked for.
pub fn first_root_dir(paths: &[PathBuf]) -> PathBuf {
    match paths.iter().find(|p| p.as_os_str() != "-") {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("."),
    }
}

/// `.keyless.toml` at the top of the work tree holding the first root (or in the first root itself).
fn find_project_file(paths: &[PathBuf]) -> Option<PathBuf> {
    let dir = first_root_dir(paths);
    let base = crate::git::worktree_top(&dir).unwrap_or(dir);
    let candidate = base.join(PROJECT_FILE);
    candidate.is_file().then_some(candidate)
}

/// One entry of `.keyless.toml`'s `[severity]` table.
#[derive(Debug, Clone)]
pub struct SeverityOverride {
    /// A rule id, or a pack id standing for each of its rules.
    pub id: String,
    pub severity: Severity,
    /// `file:line`, for the error when no rule has this id.
    pub at: String,
}

impl Config {
    /// Applies `[severity]` to the loaded rules; an id that names no rule or pack is an error, so a typo
    /// cannot silently leave a rule at its old level. A rule id beats its pack's entry.
    pub fn apply_severity(&self, rules: &mut crate::rules::RuleSet) -> Result<()> {
        let mut ordered: Vec<&SeverityOverride> = self.severity_overrides.iter().collect();
        // Packs first, so a rule's own entry is applied last.
        ordered.sort_by_key(|o| rules.rule_index(&o.id).is_some());
        for o in ordered {
            let pack = format!("{}.", o.id);
            let mut hit = false;
            for r in rules.rules.iter_mut() {
                if *r.id == *o.id || r.id.starts_with(&pack) {
                    r.severity = o.severity;
                    hit = true;
                }
            }
            // A disabled rule is not loaded; its entry is not a typo.
            let disabled = self
                .disabled_rules
                .iter()
                .any(|d| *d == o.id || d.starts_with(&pack));
            if !hit && !disabled {
                bail!(
                    "{}: [severity]: no rule or pack has the id '{}'",
                    o.at,
                    o.id
                );
            }
        }
        Ok(())
    }
}

/// The text of a `.keyless.toml`, wherever it came from.
#[derive(Debug, Clone)]
pub struct ProjectSource {
    pub text: String,
    /// Shown in errors: a path, or `<commit>:.keyless.toml`.
    pub name: String,
    /// Where the file's relative paths start.
    pub dir: PathBuf,
}

impl ProjectSource {
    pub fn read(path: &Path) -> Result<ProjectSource> {
        Ok(ProjectSource {
            text: std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?,
            name: path.display().to_string(),
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        })
    }

    fn parse(&self) -> Result<ProjectFile> {
        toml::from_str(&self.text).map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((0, 0), |s| crate::source::line_col(&self.text, s.start));
            anyhow::anyhow!("{}:{line}:{col}: {}", self.name, e.message().trim())
        })
    }
}

fn parse_report(spec: &str) -> Result<(Format, PathBuf)> {
    let Some((format, file)) = spec.split_once('=') else {
        bail!("--report {spec}: expected FORMAT=FILE, e.g. sarif=keyless.sarif");
    };
    let format = match <Format as clap::ValueEnum>::from_str(format, false) {
        Ok(f) => f,
        Err(_) => {
            let known: Vec<String> = <Format as clap::ValueEnum>::value_variants()
                .iter()
                .filter_map(clap::ValueEnum::to_possible_value)
                .map(|v| v.get_name().to_string())
                .collect();
            bail!(
                "--report {spec}: unknown format '{format}' (expected one of {})",
                known.join(", ")
            )
        }
    };
    if file.is_empty() {
        bail!("--report {spec}: missing file name");
    }
    Ok((format, PathBuf::from(file)))
}

/// `25MiB`, `25M`, `1024`, `10k`: binary multiples either way.
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .with_context(|| format!("'{s}' is not a size"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => bail!("unknown size unit '{other}' in '{s}'"),
    };
    n.checked_mul(mult)
        .with_context(|| format!("'{s}' is too large"))
}

/// `--exclude` globs, matched against reported (`/`-separated, repository-relative) paths with gitignore's
/// habits: a glob without `/` matches a name at any depth, and matching a folder excludes what is inside.
#[derive(Debug, Default)]
pub struct Exclude {
    set: Option<GlobSet>,
}

impl Exclude {
    pub fn new(globs: &[String]) -> Result<Exclude> {
        if globs.is_empty() {
            return Ok(Exclude { set: None });
        }
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let trimmed = g.trim_end_matches('/');
            let anchored = trimmed.contains('/');
            let base = trimmed.trim_start_matches('/');
            let pattern = if anchored {
                base.to_string()
            } else {
                format!("**/{base}")
            };
            for p in [pattern.clone(), format!("{pattern}/**")] {
                b.add(Glob::new(&p).with_context(|| format!("--exclude {g}: invalid glob"))?);
            }
        }
        Ok(Exclude {
            set: Some(b.build()?),
        })
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.set.as_ref().is_some_and(|s| s.is_match(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("25MiB").unwrap(), 25 << 20);
        assert_eq!(parse_size("10k").unwrap(), 10 << 10);
        assert_eq!(parse_size("123").unwrap(), 123);
        assert!(parse_size("12 parsecs").is_err());
    }

    #[test]
    fn exclude_globs_behave_like_gitignore() {
        let e = Exclude::new(&["*.min.js".into(), "vendor".into(), "/docs/*.md".into()]).unwrap();
        assert!(e.is_excluded("a/b/app.min.js"));
        assert!(e.is_excluded("vendor/x/y.json"));
        assert!(e.is_excluded("src/vendor/y.json"));
        assert!(e.is_excluded("docs/a.md"));
        assert!(!e.is_excluded("src/docs/a.md"));
        assert!(!e.is_excluded("src/app.js"));
    }
}
