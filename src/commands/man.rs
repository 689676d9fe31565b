//! `keyless man`.

use super::{write_stdout, Outcome};
use crate::cli::Cli;
use anyhow::Result;

/// `keyless man`: one roff page for `keyless` with a section per subcommand.
pub fn man_page() -> Result<Outcome> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // clap wants a `&'static str` name (without its `string` feature); the process ends right after.
        let name: &'static str = Box::leak(format!("keyless-{}", sub.get_name()).into_boxed_str());
        let sub = sub
            .clone()
            .name(name)
            .display_name(format!("keyless {}", sub.get_name()));
        out.extend_from_slice(b"\n");
        clap_mangen::Man::new(sub).render(&mut out)?;
    }
    write_stdout(&out)?;
    Ok(Outcome::Clean)
}
