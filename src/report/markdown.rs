//! The Markdown report, for pull-request comments and `$GITHUB_STEP_SUMMARY`: totals, a table of findings
//! by service and severity, then each finding in a collapsible `<details>` block with its location, masked
//! line and replacement.
//!
//! GitHub refuses a comment longer than 65,536 characters, so the report stops adding findings before it
//! would pass [`MAX_CHARS`] and says how many it left out. Text from scanned files (paths, lines) is
//! escaped: a file named `a|b.env` or holding backticks cannot break the table or a code block.

use super::human::printable;
use crate::finding::Finding;
use crate::scan::ScanOutcome;
use crate::severity::Severity;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// GitHub's limit for a comment body (and a step summary's part), in characters.
pub const MAX_CHARS: usize = 65_536;
/// Room kept for the closing line that counts what was left out.
const TRAILER_ROOM: usize = 512;

pub fn render(outcome: &ScanOutcome) -> String {
    render_within(outcome, MAX_CHARS)
}

pub fn render_within(outcome: &ScanOutcome, max_chars: usize) -> String {
    let shown: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    let mut out = String::new();
    let total = shown.len();
    let _ = writeln!(
        out,
        "## keyless: {total} finding{}\n",
        if total == 1 { "" } else { "s" }
    );
    let files: std::collections::BTreeSet<&str> = shown.iter().map(|f| &*f.path).collect();
    let s = &outcome.stats;
    let _ = writeln!(
        out,
        "{total} in {} file{}; {} file{} scanned{}.\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        if s.suppressed > 0 {
            format!("; {} suppressed (baseline or inline allow)", s.suppressed)
        } else {
            String::new()
        }
    );
    if total == 0 {
        out.push_str("No hard-coded secrets found.\n");
        return out;
    }

    // Service × severity, services in name order, severities from critical down.
    let mut by_service: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for f in &shown {
        let row = by_service.entry(&*f.service).or_default();
        row[severity_index(f.severity)] += 1;
    }
    let used: Vec<usize> = (0..5)
        .filter(|&i| by_service.values().any(|row| row[i] > 0))
        .collect();
    out.push_str("| Service |");
    for &i in &used {
        let _ = write!(out, " {} |", Severity::ALL[i]);
    }
    out.push_str(" Total |\n|---|");
    for _ in &used {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for (service, row) in &by_service {
        let _ = write!(out, "| {} |", escape_inline(service));
        for &i in &used {
            let _ = write!(out, " {} |", row[i]);
        }
        let _ = writeln!(out, " {} |", row.iter().sum::<usize>());
    }
    out.push_str("\n### Findings\n\n");

    let mut written = 0;
    for f in &shown {
        let block = finding_block(f);
        if out.chars().count() + block.chars().count() + TRAILER_ROOM > max_chars {
            break;
        }
        out.push_str(&block);
        written += 1;
    }
    if written < total {
        let left = total - written;
        let _ = writeln!(
            out,
            "**{left} more finding{} left out** to stay under GitHub's {MAX_CHARS}-character limit; \
             `keyless scan --format json` (or `--format html`) lists all {total}.",
            if left == 1 { "" } else { "s" }
        );
    }
    out
}

fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|&x| x == s).unwrap_or(4)
}

fn finding_block(f: &Finding) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<details>\n<summary><b>{}</b> {} <code>{}:{}:{}</code> ({})</summary>\n",
        f.severity,
        html(&f.title),
        html(&printable(&f.path)),
        f.line,
        f.column,
        html(&f.rule_id)
    );
    b.push_str(&fenced("text", &printable(&f.snippet)));
    if let Some(secret) = &f.secret {
        let _ = writeln!(b, "Secret: {}\n", code_span(&printable(secret)));
    }
    let _ = writeln!(
        b,
        "**Replace it:** {}\n",
        escape_inline(&f.remediation.summary)
    );
    if let Some(r) = &f.remediation.replacement {
        b.push_str("Write instead:\n\n");
        // A multi-line replacement (a Terraform block) keeps its lines.
        b.push_str(&fenced("text", &printable(&r.after).replace("\\n", "\n")));
    }
    if let Some(cmd) = f
        .remediation
        .steps
        .iter()
        .find_map(|s| s.commands.iter().find(|c| c.shell.is_command()))
    {
        b.push_str("First step:\n\n");
        b.push_str(&fenced(cmd.shell.as_str(), &cmd.text));
    }
    let _ = writeln!(
        b,
        "Every step: `keyless explain {}`\n\n</details>\n",
        f.rule_id
    );
    b
}

/// A fenced code block whose fence is longer than any run of backticks inside.
fn fenced(lang: &str, text: &str) -> String {
    let longest = longest_backtick_run(text);
    let fence = "`".repeat(longest.max(2) + 1);
    format!(
        "{fence}{lang}\n{}\n{fence}\n\n",
        text.trim_end_matches('\n')
    )
}

/// An inline code span that survives backticks inside it.
fn code_span(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    format!("{ticks} {text} {ticks}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Markdown text inside a paragraph or table cell (never at a line's start): the marks that emphasis,
/// code, links, strike-through and tables read are backslash-escaped, `&`, `<` and `>` become entities, and line breaks become spaces.
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Never at a line's start here, so `#`, `-`, `+`, `.` cannot open a heading or list; with
            // `[` escaped, `(`, `)` and `!` cannot form a link or image.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Text inside HTML tags (`<summary>`), where Markdown is not read: entities for the five HTML
/// specials, escapes for control characters.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_text_cannot_break_the_table() {
        assert_eq!(escape_inline("a|b`c"), "a\\|b\\`c");
        assert_eq!(escape_inline("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert!(fenced("text", "```\nx").starts_with("````text\n"));
    }
}
