//! `keyless audit`: an organisation-wide audit over a list of repositories, cut into shards that
//! independent workers (a Kubernetes Indexed Job, a GitHub Actions matrix, Azure Pipelines parallel jobs)
//! run without talking to each other, and merged afterwards.
//!
//! keyless does not schedule anything itself; its part is to make each shard deterministic (`shard`: a
//! repository's shard depends only on its normalised URL), resumable (`run`: complete report pairs are
//! kept, failures are recorded and the shard goes on) and mergeable (`merge`: the shards' summaries prove
//! that the list was covered exactly once).
//!
//! Cloning a URL from the list is the one time keyless touches the network, and only because the list
//! asks for it: the scan of each clone is the ordinary offline `keyless scan`.

pub mod child;
pub mod head;
pub mod list;
pub mod merge;
pub mod run;
pub mod shard;
pub mod summary;
pub mod workdir;

use crate::cli::{AuditArgs, AuditCommand};
use crate::outcome::Outcome;
use anyhow::Result;

pub fn run(args: &AuditArgs) -> Result<Outcome> {
    match &args.command {
        Some(AuditCommand::Merge(m)) => merge::run(m),
        None => run::run(args),
    }
}
