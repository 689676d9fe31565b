//! The progress line: on a terminal only, never with `--quiet`, never on standard output. Every test
//! sets `KEYLESS_PROGRESS_DELAY_MS=0`, so the line would be drawn at once if it were allowed at all.

use crate::scan_fixtures::fixture_repo;
use crate::util::*;
use std::process::{Command, Stdio};

#[test]
fn a_scan_on_a_non_terminal_prints_no_progress_only_the_summary_line() {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t
        .keyless()
        .env("KEYLESS_PROGRESS_DELAY_MS", "0")
        .args(["scan", ".", "--format", "compact"]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        redact_timing(&stderr),
        "keyless: 13 findings (7 critical, 5 high, 1 medium); scanned 11 files (4.1 KiB) in [TIME]s; skipped 1 binary\n"
    );
    assert!(
        !stdout.contains("so far") && !stdout.contains('\r'),
        "{stdout}"
    );
}

#[test]
fn quiet_leaves_standard_error_empty_but_keeps_the_report_and_exit_code() {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t
        .keyless()
        .env("KEYLESS_PROGRESS_DELAY_MS", "0")
        .args(["scan", ".", "--format", "compact", "--quiet"]));
    assert_eq!(code, 1);
    assert_eq!(stderr, "");
    assert_eq!(stdout.lines().count(), 13, "{stdout}");
}

/// `script` (util-linux) runs the command on a pseudo-terminal and copies what it wrote to our stdout.
fn on_a_terminal(t: &TempTree, args: &str) -> Option<String> {
    let script = std::path::Path::new("/usr/bin/script");
    if !script.is_file() {
        eprintln!("skipped: no /usr/bin/script to give keyless a terminal");
        return None;
    }
    let command = format!("'{}' {args}", env!("CARGO_BIN_EXE_keyless"));
    let out = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(t.path())
        .env("KEYLESS_PROGRESS_DELAY_MS", "0")
        .env("NO_COLOR", "1")
        .env_remove("KEYLESS_FINGERPRINT_KEY")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_terminal_sees_the_progress_line_unless_quiet() {
    let t = fixture_repo();
    // The report goes to a file: what the terminal shows is standard error alone.
    let Some(shown) = on_a_terminal(&t, "scan . --format compact -o report.txt") else {
        return;
    };
    assert!(shown.contains("scanned, "), "{shown:?}");
    assert!(shown.contains(" so far"), "{shown:?}");
    assert!(shown.contains("keyless: 13 findings"), "{shown:?}");
    let report = std::fs::read_to_string(t.path().join("report.txt")).unwrap();
    assert!(!report.contains("so far"), "{report}");
    let Some(quiet) = on_a_terminal(&t, "scan . --format compact -o report.txt --quiet") else {
        return;
    };
    assert_eq!(quiet, "");
}
