//! `keyless audit merge DIR...`: one summary over the output folders of all shards, after checking that
//! together they cover the list exactly once.
//!
//! Each shard's `summary.json` records the list it was cut from (a digest that ignores order and
//! comments, and the number of repositories) and its `I/N`. That is enough to know the expected set
//! without the list: every index `0..N` present once, the same list everywhere, each repository in the
//! shard its key hashes to, and as many repositories as the list holds. With `--repos` the missing ones
//! are named as well. Any mismatch is an error and nothing is written.

use super::list::RepoList;
use super::run::outcome_of;
use super::shard::Shard;
use super::summary::{Status, Summary};
use crate::cli::MergeArgs;
use crate::outcome::Outcome;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};

pub fn run(args: &MergeArgs) -> Result<Outcome> {
    let mut shards: Vec<(String, Summary)> = Vec::new();
    for dir in &args.dirs {
        shards.push((dir.display().to_string(), Summary::read(dir)?));
    }
    let (first_dir, first) = &shards[0];
    for (dir, s) in &shards[1..] {
        if s.list != first.list {
            bail!("{dir} was cut from another repository list than {first_dir} (list digests {} and {}); merge the shards of one audit", short(&s.list.sha256), short(&first.list.sha256));
        }
        if s.history != first.history {
            bail!("{dir} and {first_dir} differ in --history; merge the shards of one audit");
        }
    }
    if let Some(path) = &args.repos {
        let list = RepoList::read(path)?;
        if list.digest() != first.list.sha256 {
            bail!(
                "{}: not the list the shards were given (its digest is {}, theirs {})",
                path.display(),
                short(&list.digest()),
                short(&first.list.sha256)
            );
        }
    }

    // Which shard each folder is, and that together they are 0..N once each.
    let count = first.shards.first().map_or(1, |s| s.count);
    let mut seen: BTreeMap<u64, &str> = BTreeMap::new();
    for (dir, s) in &shards {
        for shard in &s.shards {
            if shard.count != count {
                bail!("{dir} is shard {shard} but {first_dir} is of {count} shards; merge the shards of one audit");
            }
            if let Some(other) = seen.insert(shard.index, dir) {
                bail!("shard {shard} is given twice: {other} and {dir}");
            }
        }
    }
    let missing_shards: Vec<u64> = (0..count).filter(|i| !seen.contains_key(i)).collect();

    // Every repository once, each in the shard it hashes to.
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    let mut duplicated = Vec::new();
    for (dir, s) in &shards {
        let indexes: BTreeSet<u64> = s.shards.iter().map(|x| x.index).collect();
        for r in &s.repositories {
            let belongs = Shard::of(&r.repository, count);
            if !indexes.contains(&belongs) {
                bail!(
                    "{dir}: {} is in shard {}, not in this folder's shard; merge the shards of one audit",
                    r.repository,
                    Shard { index: belongs, count }
                );
            }
            if let Some(other) = owner.insert(&r.repository, dir) {
                duplicated.push(format!("{} (in {other} and {dir})", r.repository));
            }
        }
    }
    if !duplicated.is_empty() {
        bail!("reported more than once: {}", duplicated.join(", "));
    }
    let reported = owner.len() as u64;
    if !missing_shards.is_empty() || reported != first.list.repositories {
        let mut message = format!(
            "{} of the list's {} repositories are reported",
            reported, first.list.repositories
        );
        if !missing_shards.is_empty() {
            let names: Vec<String> = missing_shards
                .iter()
                .map(|&index| Shard { index, count }.to_string())
                .collect();
            message.push_str(&format!("; no folder holds shard {}", names.join(", ")));
        }
        match &args.repos {
            Some(path) => {
                let list = RepoList::read(path)?;
                let absent: Vec<String> = list
                    .repos
                    .iter()
                    .map(|r| r.key())
                    .filter(|k| !owner.contains_key(k.as_str()))
                    .collect();
                message.push_str(&format!("; missing: {}", absent.join(", ")));
            }
            None => message.push_str("; give the list with --repos to name the missing ones"),
        }
        bail!(message);
    }

    let mut all_shards: Vec<Shard> = shards.iter().flat_map(|(_, s)| s.shards.clone()).collect();
    all_shards.sort_by_key(|s| s.index);
    let entries = shards
        .iter()
        .flat_map(|(_, s)| s.repositories.iter().cloned())
        .collect();
    let merged = Summary::new(first.list.clone(), all_shards, first.history, entries);
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("creating {}", args.out_dir.display()))?;
    merged.write(&args.out_dir)?;
    for r in merged
        .repositories
        .iter()
        .filter(|r| r.status == Status::Failed)
    {
        eprintln!(
            "keyless: {}: failed: {}",
            r.repository,
            r.error.as_deref().unwrap_or("")
        );
    }
    let t = &merged.totals;
    eprintln!(
        "keyless: audit merge: {} repositories from {} shard{}: {} failed; {} finding{} in {} repositor{}; summary in {}",
        t.repositories,
        merged.shards.len(),
        if merged.shards.len() == 1 { "" } else { "s" },
        t.failed,
        t.findings,
        if t.findings == 1 { "" } else { "s" },
        t.with_findings,
        if t.with_findings == 1 { "y" } else { "ies" },
        args.out_dir.join("summary.md").display()
    );
    Ok(outcome_of(&merged))
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}
