//! The text report: one diagnostic per finding (`diagnostic.rs`: rule, severity, the masked line with
//! the secret underlined, the replacement and the first command), closed by the counts of `summary.rs`.
//! The timing line goes to stderr (see `summary` below).

use super::ReportContext;
use crate::scan::{ScanOutcome, Stats};
use crate::severity::Severity;
use std::fmt::Write as _;
use std::time::Duration;

pub fn render(outcome: &ScanOutcome, ctx: &ReportContext<'_>) -> String {
    let mut out = String::new();
    for f in outcome.findings.iter().filter(|f| !f.is_suppressed()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&super::diagnostic::render(f, ctx.color));
    }
    if !out.is_empty() {
        out.push_str(&super::summary::render(outcome));
        let _ = writeln!(
            out,
            "\n`keyless explain <rule-id>` shows every step; --format json carries them all."
        );
    }
    out
}

/// Every step of a remediation, numbered, each command under its shell.
pub fn steps(r: &crate::rendered::Rendered) -> String {
    let mut out = String::new();
    for (i, step) in r.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, step.title);
        for c in step.commands.iter() {
            let label = c.shell.as_str();
            let _ = writeln!(out, "   ```{label}");
            for line in c.text.lines() {
                let _ = writeln!(out, "   {line}");
            }
            let _ = writeln!(out, "   ```");
        }
    }
    out
}

/// One line for stderr: findings per severity, what was scanned and skipped, and how long it took.
pub fn summary(stats: &Stats, elapsed: Duration) -> String {
    let total: u64 = Severity::ALL.iter().map(|&s| stats.findings.get(s)).sum();
    let mut line = format!(
        "keyless: {total} finding{}",
        if total == 1 { "" } else { "s" }
    );
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter(|&&s| stats.findings.get(s) > 0)
        .map(|&s| format!("{} {s}", stats.findings.get(s)))
        .collect();
    if !parts.is_empty() {
        let _ = write!(line, " ({})", parts.join(", "));
    }
    let _ = write!(
        line,
        "; scanned {} file{} ({}) in {:.2}s",
        stats.files_scanned,
        if stats.files_scanned == 1 { "" } else { "s" },
        human_bytes(stats.bytes_scanned),
        elapsed.as_secs_f64()
    );
    // Throughput only when the time is long enough to mean something.
    if elapsed.as_millis() >= 100 && stats.bytes_scanned > 0 {
        let per_second = (stats.bytes_scanned as f64 / elapsed.as_secs_f64()) as u64;
        let _ = write!(line, " ({}/s)", human_bytes(per_second));
    }
    let skipped = stats.skipped.described();
    if !skipped.is_empty() {
        let _ = write!(line, "; skipped {}", skipped.join(", "));
    }
    if stats.suppressed > 0 {
        let _ = write!(line, "; {} suppressed", stats.suppressed);
    }
    if stats.errors > 0 {
        let _ = write!(
            line,
            "; {} file{} could not be read",
            stats.errors,
            if stats.errors == 1 { "" } else { "s" }
        );
    }
    line
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Text from scanned files (paths, lines, values) as it may be shown on a terminal: control characters
/// are written as escapes (`\u{1b}`), so a file named `evil\x1b[31m.env` or a line holding escape
/// sequences cannot recolour, rewrite or retitle the terminal. Tabs stay; a newline becomes `\n`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod printable_tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            printable("evil\u{1b}[31mname.env"),
            "evil\\u{1b}[31mname.env"
        );
        assert_eq!(printable("a\tb"), "a\tb");
        assert_eq!(printable("x\ny\r\u{7}"), "x\\ny\\r\\u{7}");
        assert!(matches!(
            printable("plain é"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
