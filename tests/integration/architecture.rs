//! The one-way flow of ARCHITECTURE.md, checked: a module may use only modules below it in `LAYERS`.
//! Known exceptions are listed with the reason they remain; a new upward `crate::` reference fails, and so
//! does an exception that no longer exists (the list only shrinks).

use crate::util::repo_root;
use std::collections::BTreeSet;

/// Top to bottom. A module may use the modules after it, never those before it.
const LAYERS: &[&str] = &[
    "commands",
    "audit",
    "gitscan",
    "fix",
    "report",
    "scan",
    "walk",
    "rule_check",
    "config",
    "remediation",
    "baseline",
    "finding",
    "rendered",
    "detect",
    "rules",
    "suppress",
    "git",
    "cli",
    "host",
    "severity",
    "source",
    "atomic",
    "outcome",
    "progress",
    "tally",
    "parallel",
];

/// Upward references that remain, each with the reason; none do (issue 14 removed the last ones), and a
/// new one needs a reason here and in ARCHITECTURE.md.
const KNOWN: &[(&str, &str, &str)] = &[];

fn module_of(path: &std::path::Path, src: &std::path::Path) -> String {
    let rel = path.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::<module>` a file names outside comments, and the modules a `use crate::{a, b}` names.
fn references(text: &str) -> BTreeSet<String> {
    let word = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let group = regex::Regex::new(r"use crate::\{([^}]*)\}").unwrap();
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for c in word.captures_iter(&code) {
        out.insert(c[1].to_string());
    }
    for c in group.captures_iter(&code) {
        for part in c[1].split(',') {
            let name = part.trim().split("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                out.insert(name.to_string());
            }
        }
    }
    out
}

#[test]
fn modules_use_only_the_modules_below_them() {
    let src = repo_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = BTreeSet::new();
    for file in &files {
        let from = module_of(file, &src);
        if matches!(from.as_str(), "lib" | "main") {
            continue;
        }
        let from_rank = rank(&from).unwrap_or_else(|| panic!("{from} is not in LAYERS"));
        for to in references(&std::fs::read_to_string(file).unwrap()) {
            if to == from {
                continue;
            }
            let to_rank = rank(&to)
                .unwrap_or_else(|| panic!("{}: crate::{to} is not in LAYERS", file.display()));
            if to_rank < from_rank {
                upward.insert((
                    from.clone(),
                    to,
                    file.strip_prefix(&src).unwrap().display().to_string(),
                ));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(a, b, _)| (a.to_string(), b.to_string()))
        .collect();
    let new: Vec<_> = upward
        .iter()
        .filter(|(a, b, _)| !known.contains(&(a.clone(), b.clone())))
        .collect();
    assert!(
        new.is_empty(),
        "modules that reach up (see ARCHITECTURE.md): {new:#?}"
    );
    let seen: BTreeSet<(String, String)> = upward
        .iter()
        .map(|(a, b, _)| (a.clone(), b.clone()))
        .collect();
    let gone: Vec<_> = known.difference(&seen).collect();
    assert!(gone.is_empty(), "fixed, remove from KNOWN: {gone:?}");
}
