//! One finding as a terminal diagnostic in the shape rustc and ruff print, for the text report:
//!
//! ```text
//! critical[azure-sql.connection-string-password]: SQL Server password in a connection string
//!  --> src/app.json:3:61
//!   |
//! 3 | …User ID=app;Password=Vr8…(14);"
//!   |                       ^^^^^^^^ masked secret
//!   |
//!   = help: Remove User ID and Password, connect to ...
//!   = help: write: Server=tcp:contoso.database.windows.net,1433;...
//!   = help: first run: az webapp identity assign -g <resource-group> -n <app>
//!   = note: run `keyless explain azure-sql.connection-string-password` for every step
//! ```
//!
//! The `annotate-snippets` crate (rustc's own renderer) draws the gutter, the source line and the
//! underline: it counts display columns of wide characters and expands tabs, so the carets stay under
//! the secret. It is given only the finding's masked snippet, never the file, so it cannot show a
//! secret, and it is given no path: a path makes it print the column *in the snippet*, which is not the
//! file's (the snippet is cut and masked). The title and the `-->` line, with the file's own line and
//! column, are written here instead.

use super::human::printable;
use crate::finding::Finding;
use crate::severity::{Confidence, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt::Write as _;

/// Wide enough that the renderer never cuts the snippet (at most 120 characters of context and the
/// previews) or lets the output depend on a terminal's size.
const WIDTH: usize = 1 << 16;

/// The diagnostic of one finding, ending with a newline. `color` adds ANSI colours (only ever for a
/// terminal: the caller decides, honouring `--color` and `NO_COLOR`).
pub fn render(f: &Finding, color: bool) -> String {
    let mut out = String::new();
    // Only a confidence below the rule's usual one is worth a word in the title.
    let confidence = if f.confidence == Confidence::Low {
        " (low confidence)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{}{}",
        paint(
            color,
            severity_style(f.severity),
            &format!("{}[{}]", f.severity, f.rule_id)
        ),
        paint(color, "1", &format!(": {}{confidence}", f.title))
    );
    // The renderer's gutter is as wide as the line number; `-->` stands in it, as rustc has it.
    let gutter = " ".repeat(f.line.to_string().len());
    let _ = writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint(color, "1;94", "-->"),
        printable(&f.path),
        f.line,
        f.column
    );

    let (source, focus) = escaped_snippet(f);
    let mut group = Group::with_level(level(f.severity)).element(
        Snippet::source(source.as_str())
            .line_start(f.line)
            .annotation(AnnotationKind::Primary.span(focus).label("masked secret")),
    );
    let help = |text: String| Level::HELP.message(text);
    if !f.remediation.summary.is_empty() {
        group = group.element(help(printable(&f.remediation.summary).into_owned()));
    }
    if let Some(r) = &f.remediation.replacement {
        // A multi-line replacement (a Terraform block) keeps its lines; the renderer indents them.
        let after: Vec<String> = r.after.lines().map(|l| printable(l).into_owned()).collect();
        group = group.element(help(format!("write: {}", after.join("\n"))));
    }
    // The first command to run, from the first step that has one (a rotate step of a third-party
    // token may be prose only).
    if let Some(cmd) = f
        .remediation
        .steps
        .iter()
        .find_map(|s| s.commands.iter().find(|c| c.shell.is_command()))
    {
        let first_line = cmd.text.lines().next().unwrap_or_default();
        group = group.element(help(format!("first run: {}", printable(first_line))));
    }
    if let Some(secret) = &f.secret {
        group = group.element(Level::NOTE.message(format!("secret: {}", printable(secret))));
    }
    group = group.element(Level::NOTE.message(format!(
        "run `keyless explain {}` for every step",
        f.rule_id
    )));

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    out.push_str(&renderer.term_width(WIDTH).render(&[group]));
    out.push('\n');
    out
}

/// The masked snippet with control characters escaped, and the byte range of the finding's masked
/// secret in it. Escaping lengthens the text, so each side is escaped on its own and the range is
/// measured on the result.
fn escaped_snippet(f: &Finding) -> (String, std::ops::Range<usize>) {
    let s = &*f.snippet;
    let focus = if f.snippet_focus.end <= s.len()
        && s.is_char_boundary(f.snippet_focus.start)
        && s.is_char_boundary(f.snippet_focus.end)
        && f.snippet_focus.start <= f.snippet_focus.end
    {
        f.snippet_focus.clone()
    } else {
        0..0
    };
    let mut out = printable(&s[..focus.start]).into_owned();
    let start = out.len();
    out.push_str(&printable(&s[focus.clone()]));
    let end = out.len();
    out.push_str(&printable(&s[focus.end..]));
    (out, start..end)
}

/// The renderer's level sets the underline's colour: red for what must go now, yellow for medium.
fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::INFO,
        Severity::Info => Level::NOTE,
    }
}

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;31",
        Severity::High => "1;91",
        Severity::Medium => "1;33",
        Severity::Low => "1;36",
        Severity::Info => "1;2",
    }
}

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rendered::Rendered;

    fn finding(snippet: &str, focus: &str, line: usize, column: usize) -> Finding {
        let rule = crate::rules::RuleSet::builtin().expect("built-in packs load");
        let mut f = Finding::placeholder(&rule.rules[0], 0);
        f.path = "dir/app.env".into();
        f.line = line;
        f.column = column;
        let start = snippet.find(focus).unwrap();
        f.snippet = snippet.into();
        f.snippet_focus = start..start + focus.len();
        f.remediation = Rendered::none();
        f
    }

    /// The display width of `s`: tabs as the renderer expands them (4 columns), CJK ideographs 2.
    fn width(s: &str) -> usize {
        s.chars()
            .map(|c| match c {
                '\t' => 4,
                c if ('\u{3000}'..='\u{9fff}').contains(&c) => 2,
                _ => 1,
            })
            .sum()
    }

    /// Where the carets start (a display column: only spaces precede them) and how many there are.
    fn underline(out: &str) -> (usize, usize) {
        let line = out.lines().find(|l| l.contains('^')).unwrap();
        let start = line.find('^').unwrap();
        (
            start,
            line[start..].chars().take_while(|&c| c == '^').count(),
        )
    }

    /// Asserts that the carets start in the display column of byte `at(source line)` of the source line.
    fn assert_carets_under(out: &str, at: impl Fn(&str) -> usize) {
        let source = out
            .lines()
            .find(|l| l.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap();
        assert_eq!(underline(out).0, width(&source[..at(source)]), "{out}");
    }

    #[test]
    fn the_underline_sits_under_the_masked_secret_past_tabs_and_wide_characters() {
        let snippet = "\t名前=日本語\tpw=hu…(8) # é";
        let out = render(&finding(snippet, "hu…(8)", 7, 19), false);
        assert_carets_under(&out, |source| source.find("hu…(8)").unwrap());
        assert_eq!(underline(&out).1, "hu…(8)".chars().count(), "{out}");
        assert!(out.contains("\n --> dir/app.env:7:19\n"), "{out}");
        assert!(!out.contains('\t'), "{out}");
    }

    #[test]
    fn of_two_equal_previews_the_findings_own_is_underlined() {
        let snippet = "a=hu…(8) b=hu…(8)";
        let mut f = finding(snippet, "hu…(8)", 1, 12);
        let second = snippet.rfind("hu…(8)").unwrap();
        f.snippet_focus = second..second + "hu…(8)".len();
        let out = render(&f, false);
        assert_carets_under(&out, |source| source.rfind("hu…(8)").unwrap());
    }

    #[test]
    fn control_characters_stay_escaped_and_the_underline_follows_the_escapes() {
        let snippet = "\u{1b}[31mpw=hu…(8)\u{7}";
        let mut f = finding(snippet, "hu…(8)", 1, 9);
        f.path = "evil\u{1b}[2J.env".into();
        let out = render(&f, false);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("evil\\u{1b}[2J.env:1:9"), "{out}");
        assert!(out.contains("\n1 | \\u{1b}[31mpw=hu…(8)\\u{7}\n"), "{out}");
        assert_carets_under(&out, |source| source.find("hu…(8)").unwrap());
    }

    #[test]
    fn colour_only_when_asked() {
        let f = finding("pw=hu…(8)", "hu…(8)", 1, 4);
        assert!(!render(&f, false).contains('\u{1b}'));
        assert!(render(&f, true).contains('\u{1b}'));
    }
}
