//! A `.keyless.toml`: any text becomes a configuration or an error, never a panic.
#![no_main]

use clap::Parser;
use keyless::cli::{Cli, Command};
use keyless::config::{Config, ProjectSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Command::Scan(args) = Cli::parse_from(["keyless", "scan", "."]).command else {
        unreachable!("scan parses as scan");
    };
    let project = ProjectSource {
        text: text.to_string(),
        name: ".keyless.toml".to_string(),
        dir: std::path::PathBuf::from("."),
    };
    let _ = Config::from_args_with(&args, Some(project));
});
