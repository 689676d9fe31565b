//! `--shard I/N`: which repositories of the list one worker takes.
//!
//! A repository belongs to shard `sha256(key) mod N` (the first eight bytes of the digest, big-endian).
//! SHA-256 rather than std's hasher, whose keys are random per process: N workers on N machines, started
//! by a Kubernetes Indexed Job, a GitHub Actions matrix or Azure Pipelines, must agree on the split with
//! no coordination, whatever order their copy of the list is in.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The environment variable a Kubernetes Indexed Job sets to the pod's index.
pub const JOB_INDEX_VAR: &str = "JOB_COMPLETION_INDEX";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole list, as one worker.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// `I/N` with `0 <= I < N`, or `auto/N`, which reads the index from `JOB_COMPLETION_INDEX` (passed in
    /// as `env_index` so tests need not touch the process environment).
    pub fn parse(spec: &str, env_index: Option<&str>) -> Result<Shard> {
        let usage = "expected I/N (0 <= I < N, e.g. 0/4) or auto/N";
        let Some((i, n)) = spec.split_once('/') else {
            bail!("--shard {spec}: {usage}");
        };
        let count: u64 = match n.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => bail!("--shard {spec}: N must be a whole number of at least 1; {usage}"),
        };
        let index: u64 = if i.trim() == "auto" {
            let Some(v) = env_index else {
                bail!("--shard {spec}: {JOB_INDEX_VAR} is not set (it is set by a Kubernetes Indexed Job); give the index as I/N");
            };
            v.trim().parse().map_err(|_| {
                anyhow::anyhow!("--shard {spec}: {JOB_INDEX_VAR}={v} is not a whole number")
            })?
        } else {
            i.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("--shard {spec}: I must be a whole number; {usage}"))?
        };
        if index >= count {
            bail!("--shard {spec}: index {index} is not below the shard count {count}; {usage}");
        }
        Ok(Shard { index, count })
    }

    /// The shard a repository key belongs to.
    pub fn of(key: &str, count: u64) -> u64 {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % count
    }

    pub fn contains(&self, key: &str) -> bool {
        Shard::of(key, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            Shard::parse("2/4", None).unwrap(),
            Shard { index: 2, count: 4 }
        );
        assert_eq!(
            Shard::parse("auto/50", Some("49")).unwrap(),
            Shard {
                index: 49,
                count: 50
            }
        );
        for bad in ["4/4", "1/0", "x/2", "3", "auto/2", "-1/2", "1/two"] {
            assert!(Shard::parse(bad, None).is_err(), "{bad}");
        }
        assert!(Shard::parse("auto/2", Some("7")).is_err());
    }

    /// Pinned: a change here would move repositories between shards of an audit in progress.
    #[test]
    fn assignment_is_pinned() {
        let got: Vec<u64> = ["github.com/o/a", "github.com/o/b", "github.com/o/c"]
            .iter()
            .map(|k| Shard::of(k, 7))
            .collect();
        assert_eq!(got, PINNED.to_vec());
    }

    // Computed independently: python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(b'github.com/o/a').digest()[:8], 'big') % 7)"
    const PINNED: [u64; 3] = [5, 1, 4];
}
