//! The compact and Markdown reports: one line per finding for editors, and a pull-request comment that
//! escapes what scanned files put in it and stays under GitHub's size limit.

use crate::util::*;

const SECRET_LINE: &str = "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n";

#[test]
fn compact_is_one_line_per_finding_in_the_editor_shape() {
    let t = TempTree::new();
    t.write("src/app.txt", format!("# config\n{SECRET_LINE}"));
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "compact"]));
    assert_eq!(code, 1);
    let re = regex::Regex::new(
        r"^src/app\.txt:2:\d+: critical azure-sql\.connection-string-password .+ \(Vr8…\(14\)\)$",
    )
    .unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(re.is_match(stdout.trim_end()), "{stdout}");
    assert!(!stdout.contains("Vr8#kQ2!mZ7pLx"));
}

#[test]
fn compact_markdown_and_html_escape_control_characters_in_paths() {
    let t = TempTree::new();
    t.write("evil\x1b[31m.txt", SECRET_LINE);
    for format in ["compact", "markdown", "html"] {
        let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", format]));
        assert!(!stdout.contains('\x1b'), "{format}: {stdout:?}");
        assert!(stdout.contains("evil\\u{1b}[31m.txt"), "{format}: {stdout}");
    }
}

#[test]
fn markdown_names_with_pipes_and_backticks_cannot_break_the_table_or_code() {
    let t = TempTree::new();
    t.write("a|b`c<x>.txt", SECRET_LINE);
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "markdown"]));
    assert_eq!(code, 1);
    // The path stands inside HTML in <summary>: entities, no raw angle brackets.
    assert!(stdout.contains("<code>a|b`c&lt;x&gt;.txt:1:"), "{stdout}");
    // The service table has one data row, of the right number of cells.
    let rows: Vec<&str> = stdout.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert_eq!(rows[0].matches(" |").count(), rows[1].matches(" |").count());
    assert!(!stdout.contains("Vr8#kQ2!mZ7pLx"));
}

#[test]
fn markdown_stays_under_githubs_comment_limit_and_counts_what_it_left_out() {
    let t = TempTree::new();
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&format!(
            "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ{i:04}x;\n"
        ));
    }
    t.write("many.txt", text);
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "markdown"]));
    assert_eq!(code, 1);
    assert!(
        stdout.chars().count() <= 65_536,
        "{}",
        stdout.chars().count()
    );
    let shown = stdout.matches("<details>").count();
    assert!(shown > 10 && shown < 400, "{shown}");
    let expected = format!("**{} more findings left out**", 400 - shown);
    assert!(
        stdout.contains(&expected),
        "{expected} not in the tail: {}",
        &stdout[stdout.len() - 400..]
    );
    assert!(
        stdout.starts_with("## keyless: 400 findings"),
        "{}",
        &stdout[..200]
    );
}

#[test]
fn markdown_of_a_clean_tree_says_so() {
    let t = TempTree::new();
    t.write("a.txt", "nothing here\n");
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "markdown"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("No hard-coded secrets found."), "{stdout}");
}

#[test]
fn every_format_can_be_an_extra_report() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let (code, _, stderr) = run(t.keyless().args([
        "scan",
        "app.txt",
        "--report",
        "compact=out.txt",
        "--report",
        "markdown=out.md",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(std::fs::read_to_string(t.path().join("out.txt"))
        .unwrap()
        .starts_with("app.txt:1:"));
    assert!(std::fs::read_to_string(t.path().join("out.md"))
        .unwrap()
        .starts_with("## keyless: 1 finding\n"));
    let (code, _, stderr) = run(t
        .keyless()
        .args(["scan", "app.txt", "--report", "pdf=x.pdf"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected one of text, json, sarif, compact, markdown, html"),
        "{stderr}"
    );
}

#[test]
fn the_text_report_closes_with_a_summary_by_service_severity_and_file() {
    let t = TempTree::new();
    t.write(
        "a.txt",
        format!("{SECRET_LINE}{}", SECRET_LINE.replace("7pLx", "7pLy")),
    );
    t.write("b.env", "DB_PASSWORD=pG7!xK2q9Lm#Wd\n");
    t.write("bin.dat", b"\x00\x01\x02binary\x00");
    let (code, stdout, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 1, "{stderr}");
    let summary = &stdout[stdout.find("\nSummary\n").expect("a summary")..];
    let rows: Vec<Vec<&str>> = summary
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert!(
        rows.contains(&vec!["service", "critical", "high", "total"]),
        "{summary}"
    );
    assert!(
        rows.contains(&vec!["Azure SQL Database", "2", "0", "2"]),
        "{summary}"
    );
    assert!(
        rows.contains(&vec!["Generic password", "0", "1", "1"]),
        "{summary}"
    );
    assert!(rows.contains(&vec!["all", "2", "1", "3"]), "{summary}");
    assert!(
        summary.contains("files with most findings: a.txt (2), b.env (1)"),
        "{summary}"
    );
    assert!(summary.contains("files skipped: 1 binary"), "{summary}");
    // No timing in the report itself; it stays on stderr.
    assert!(!summary.contains("/s)"), "{summary}");
    assert!(stderr.contains(" in "), "{stderr}");
    // One finding needs no table.
    let (_, one, _) = run(t.keyless().args(["scan", "b.env"]));
    assert!(one.contains("b.env") && !one.contains("Summary"), "{one}");
}
