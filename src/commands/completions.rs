//! `keyless completions SHELL`.

use super::{write_stdout, Outcome};
use crate::cli::Cli;
use anyhow::Result;

/// `keyless completions SHELL`: the script clap_complete derives from the command definitions.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "keyless", &mut out);
    write_stdout(&out)?;
    Ok(Outcome::Clean)
}
