//! keyless: a secret scanner for configuration files whose every finding says how to replace the secret
//! with a managed identity.
//!
//! Data flows one way: `config` → `rules` (compiled once, shared) → `walk` yields paths → `source` yields
//! text → `detect` yields candidates → `finding` locates them → `remediation` renders the replacement →
//! `scan` sorts → `report` writes. The binary (`main.rs`) only parses arguments and maps the outcome to an
//! exit code; `commands` holds the commands so tests and benches can call them.

pub mod atomic;
pub mod audit;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod detect;
pub mod finding;
pub mod fix;
pub mod git;
pub mod gitscan;
pub mod host;
pub mod outcome;
pub mod parallel;
pub mod progress;
pub mod remediation;
pub mod rendered;
pub mod report;
pub mod rule_check;
pub mod rules;
pub mod scan;
pub mod severity;
pub mod source;
pub mod suppress;
pub mod tally;
pub mod walk;
