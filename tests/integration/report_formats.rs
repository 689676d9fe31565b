//! The text, compact and Markdown reports: a rustc-style diagnostic per finding for people, one line per
//! finding for editors, and a pull-request comment that escapes what scanned files put in it and stays
//! under GitHub's size limit.

use crate::util::*;

const SECRET_LINE: &str = "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n";

/// The text report is a diagnostic per finding, as rustc and ruff print them: the title, the file's own
/// line and column, the masked line with the secret underlined (in display columns: a tab is four, a CJK
/// character two), the replacement, the first command and the pointer to `keyless explain`.
#[test]
fn text_is_a_diagnostic_per_finding_with_the_masked_secret_underlined() {
    let t = TempTree::new();
    let line =
        "\t名前:\t{ \"Db\": \"Server=tcp:x.database.windows.net;Password=Vr8#kQ2!mZ7pLx;\" }";
    t.write("conf/app.txt", format!("# config\n{line}\n"));
    let (code, stdout, _) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 1);
    assert!(!stdout.contains("Vr8#kQ2!mZ7pLx"), "{stdout}");
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\t'),
        "{stdout:?}"
    );
    let column = line[..line.find("Vr8#").unwrap()].chars().count() + 1;
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "critical[azure-sql.connection-string-password]: SQL Server password in a connection string",
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        format!(" --> conf/app.txt:2:{column}"),
        "{stdout}"
    );
    assert_eq!(lines[2], "  |");
    // The snippet is trimmed of the leading tab; the inner tab becomes four spaces.
    let source = lines[3];
    assert!(source.starts_with("2 | 名前:    { \"Db\": "), "{stdout}");
    let width = |s: &str| -> usize {
        s.chars()
            .map(|c| if c == '名' || c == '前' { 2 } else { 1 })
            .sum()
    };
    let underline = lines[4];
    let carets = underline.find('^').unwrap();
    assert_eq!(
        carets,
        width(&source[..source.find("Vr8…(14)").unwrap()]),
        "the carets start under the masked secret:\n{stdout}"
    );
    assert_eq!(
        underline[carets..]
            .chars()
            .take_while(|&c| c == '^')
            .count(),
        "Vr8…(14)".chars().count(),
        "{stdout}"
    );
    assert!(underline.ends_with(" masked secret"), "{stdout}");
    let help: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("  = "))
        .collect();
    assert!(
        help[0].starts_with("  = help: Remove User ID and Password"),
        "{stdout}"
    );
    assert!(
        help[1].starts_with("  = help: write: Server=tcp:x.database.windows.net,1433;")
            && help[1].contains("Authentication=Active Directory Managed Identity"),
        "{stdout}"
    );
    assert!(help[2].starts_with("  = help: first run: az "), "{stdout}");
    assert_eq!(
        help[3],
        "  = note: run `keyless explain azure-sql.connection-string-password` for every step"
    );
}

/// Colour only when asked for (a pipe gets none), and then still no secret; `--show-secrets` adds the
/// secret as a note.
#[test]
fn text_colour_is_opt_in_and_show_secrets_adds_a_note() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let (_, plain, _) = run(t.keyless().args(["scan", ".", "--color", "auto"]));
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let (_, coloured, _) = run(t.keyless().args(["scan", ".", "--color", "always"]));
    assert!(coloured.contains("\x1b["), "{coloured:?}");
    assert!(!coloured.contains("Vr8#kQ2!mZ7pLx"), "{coloured}");
    let (_, shown, _) = run(t.keyless().args(["scan", ".", "--show-secrets"]));
    assert!(
        shown.contains("\n  = note: secret: Vr8#kQ2!mZ7pLx\n"),
        "{shown}"
    );
}

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
