//! The `keyless` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 clean, 1 findings, 2 error).

use clap::Parser;
use keyless::cli::Cli;
use keyless::commands::{self, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Error) => ExitCode::from(2),
        Err(e) => {
            if commands::is_broken_pipe(&e) {
                return ExitCode::from(0);
            }
            eprintln!("keyless: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
