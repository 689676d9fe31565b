//! The one integration test binary: it runs the built `keyless` binary against fixture trees copied into
//! temporary folders, hermetically (no global git config, a temporary HOME, no colour).

mod util;

mod architecture;
mod audit;
mod completions;
mod corpus;
mod diff;
mod exit_codes;
mod fix;
mod history;
mod hooks;
mod html_report;
mod json_schema;
mod packs;
mod progress;
mod properties;
mod regressions;
mod remediation;
mod report_formats;
mod reports;
mod robustness;
mod sarif_consumers;
mod sarif_schema;
mod scan_fixtures;
mod staged;
mod suppressions;
mod walk;
