//! Which files get scanned, and under which name they are reported.
//!
//! Folders are walked with `ignore::WalkParallel`, one worker per thread: inside a git repository
//! .gitignore, .ignore and .git/info/exclude are respected (unless `--no-ignore`), hidden files such as
//! `.env` and `.github/` are scanned, and `.git/` never is. Files named on the command line are scanned even
//! when ignored, because a pre-commit hook passes exactly the files it wants checked. Symlinks are not
//! followed and anything that is not a regular file is skipped without being opened, so a FIFO cannot hang
//! the scan. Sizes are checked from metadata before a file is read.
//!
//! Reported paths are relative to the git work tree's top when there is one, so `keyless scan src/` and
//! `keyless scan .` name a file the same way; outside git they are relative to the scan root.

use crate::config::Config;
use crate::git;
use ignore::{WalkBuilder, WalkState};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    TooLarge,
    Binary,
    NotRegularFile,
    Symlink,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too large",
            SkipReason::Binary => "binary",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::Symlink => "symlink",
        }
    }
}

#[derive(Debug)]
pub enum Visit {
    File { fs_path: PathBuf, display: String },
    Skipped { display: String, reason: SkipReason },
    Error { display: String, message: String },
}

/// A command-line path resolved to how its files are reported.
#[derive(Debug)]
struct Root {
    path: PathBuf,
    is_dir: bool,
    /// For a folder: its path relative to the work tree's top ("" at the top or outside git). For a
    /// file: its whole reported path.
    display: String,
}

/// Walks every root and calls a visitor (one per worker thread, made by `make_visitor`) for each file.
pub fn walk<F, V>(config: &Config, roots: &[PathBuf], make_visitor: F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Visit) + Send,
{
    let mut files = Vec::new();
    let mut visitor = make_visitor();
    // Outside git, two folders could each hold a `config.json`: with several roots, each folder's paths
    // start with the folder as typed, so reported paths never collide.
    let several = roots.len() > 1;
    for path in roots {
        match resolve(path, several) {
            Ok(root) if root.is_dir => walk_dir(config, &root, &make_visitor),
            Ok(root) => files.push(root),
            Err(message) => visitor(Visit::Error {
                display: clean(path),
                message,
            }),
        }
    }
    drop(visitor);
    visit_files(config, &files, &make_visitor);
}

/// How a command-line path is reported: its repository-relative (or root-relative) name, and whether it
/// is a folder.
pub fn reported_name(path: &Path) -> Result<(String, bool), String> {
    resolve(path, false).map(|r| (r.display, r.is_dir))
}

fn resolve(path: &Path, several: bool) -> Result<Root, String> {
    // A path named on the command line is followed even when it is a symlink (as ripgrep does); links
    // met during the walk are not.
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    let is_dir = meta.is_dir();
    let display = if is_dir {
        match git::worktree_top(path) {
            Some(top) => relative(&path.canonicalize().map_err(|e| e.to_string())?, &top),
            None if several && path.is_absolute() => path.to_string_lossy().replace('\\', "/"),
            None if several => {
                let typed = clean(path);
                let typed = typed.trim_end_matches('/');
                if typed == "." {
                    String::new()
                } else {
                    typed.to_string()
                }
            }
            None => String::new(),
        }
    } else {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        match (git::worktree_top(&parent), parent.canonicalize(), name) {
            (Some(top), Ok(abs_parent), Some(name)) => join(&relative(&abs_parent, &top), &name),
            _ => clean(path),
        }
    };
    Ok(Root {
        path: path.to_path_buf(),
        is_dir,
        display,
    })
}

fn walk_dir<F, V>(config: &Config, root: &Root, make_visitor: &F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Visit) + Send,
{
    let walk_root =
        if std::fs::symlink_metadata(&root.path).is_ok_and(|m| m.file_type().is_symlink()) {
            root.path
                .canonicalize()
                .unwrap_or_else(|_| root.path.clone())
        } else {
            root.path.clone()
        };
    let mut builder = WalkBuilder::new(&walk_root);
    builder
        .standard_filters(config.respect_ignore)
        .hidden(false)
        .parents(config.respect_ignore)
        .require_git(true)
        .follow_links(false)
        .threads(config.threads);
    let root_path = walk_root.clone();
    let base = root.display.clone();
    let exclude = &config.exclude;
    // filter_entry needs 'static, so excludes are matched in the visitor (which can still prune a folder);
    // only `.git`, which is never descended into, is filtered here.
    builder.filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel().run(|| {
        let mut visit = make_visitor();
        let root_path = root_path.clone();
        let base = base.clone();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let display = err_path(&err)
                        .map(|p| display_of(&root_path, &base, p))
                        .unwrap_or_else(|| base.clone());
                    visit(Visit::Error {
                        display,
                        message: error_message(&err),
                    });
                    return WalkState::Continue;
                }
            };
            let display = display_of(&root_path, &base, entry.path());
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                if entry.depth() > 0 && exclude.is_excluded(&display) {
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if exclude.is_excluded(&display) {
                return WalkState::Continue;
            }
            if ft.is_symlink() {
                visit(Visit::Skipped {
                    display,
                    reason: SkipReason::Symlink,
                });
            } else if !ft.is_file() {
                visit(Visit::Skipped {
                    display,
                    reason: SkipReason::NotRegularFile,
                });
            } else {
                match entry.metadata() {
                    Ok(m) if m.len() > config.max_file_size => visit(Visit::Skipped {
                        display,
                        reason: SkipReason::TooLarge,
                    }),
                    Ok(_) => visit(Visit::File {
                        fs_path: entry.into_path(),
                        display,
                    }),
                    Err(e) => visit(Visit::Error {
                        display,
                        message: e.to_string(),
                    }),
                }
            }
            WalkState::Continue
        })
    });
}

/// Files named on the command line: no ignore rules, but excludes, size and file-type checks still apply.
fn visit_files<F, V>(config: &Config, files: &[Root], make_visitor: &F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Visit) + Send,
{
    if files.is_empty() {
        return;
    }
    crate::parallel::each_index(files.len(), config.threads, make_visitor, |visit, i| {
        if let Some(v) = classify_file(config, &files[i]) {
            visit(v);
        }
    });
}

fn classify_file(config: &Config, root: &Root) -> Option<Visit> {
    if config.exclude.is_excluded(&root.display) {
        return None;
    }
    let display = root.display.clone();
    let meta = match std::fs::metadata(&root.path) {
        Ok(m) => m,
        Err(e) => {
            return Some(Visit::Error {
                display,
                message: format!("cannot read: {e}"),
            })
        }
    };
    let ft = meta.file_type();
    Some(if ft.is_symlink() {
        Visit::Skipped {
            display,
            reason: SkipReason::Symlink,
        }
    } else if !ft.is_file() {
        Visit::Skipped {
            display,
            reason: SkipReason::NotRegularFile,
        }
    } else if meta.len() > config.max_file_size {
        Visit::Skipped {
            display,
            reason: SkipReason::TooLarge,
        }
    } else {
        Visit::File {
            fs_path: root.path.clone(),
            display,
        }
    })
}

/// The error without the absolute path that ignore's errors carry (the report names the file already).
fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } => error_message(err),
        ignore::Error::WithDepth { err, .. } => error_message(err),
        other => other.to_string(),
    }
}

fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

fn display_of(root: &Path, base: &str, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    join(base, &slash_path(rel))
}

fn relative(path: &Path, top: &Path) -> String {
    slash_path(path.strip_prefix(top).unwrap_or(path))
}

fn slash_path(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => base.to_string(),
        _ => format!("{base}/{rel}"),
    }
}

/// A path as typed, with `/` separators and no leading `./`; an absolute path outside git is reported by
/// its file name, so no report carries the machine's folder layout.
fn clean(path: &Path) -> String {
    if path.is_absolute() {
        if let Some(name) = path.file_name() {
            return name.to_string_lossy().into_owned();
        }
    }
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}
