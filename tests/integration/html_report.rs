//! The HTML report: its snapshot on the fixture tree; that it loads nothing from elsewhere, leaks no secret
//! and escapes what scanned files put in it; and, in a real (headless) Chromium, that it renders, that the
//! table holds every finding, and that the filter and the sort given in the URL do what they say.

use crate::scan_fixtures::{assert_no_secret, fixture_repo, PLANTED};
use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The HTML report of the fixture tree, written with `--report html=FILE` into the tree (after the scan).
fn fixture_report() -> (TempTree, PathBuf) {
    let t = fixture_repo();
    let file = t.path().join("report.html");
    let (code, _, stderr) = run(t.keyless().args([
        "scan",
        ".",
        "--format",
        "compact",
        "--report",
        "html=report.html",
    ]));
    assert_eq!(code, 1, "{stderr}");
    (t, file)
}

/// Every `<tbody>` start tag of the findings table, as written (or as the browser serialised it).
fn finding_bodies(html: &str) -> Vec<&str> {
    html.match_indices("<tbody class=\"finding\"")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

fn is_hidden(tag: &str) -> bool {
    tag.contains(" hidden")
}

#[test]
fn html_report_snapshot() {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", "html"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.starts_with("<!DOCTYPE html>\n"), "{stdout}");
    assert!(stdout.trim_end().ends_with("</html>"));
    let bodies = finding_bodies(&stdout);
    assert_eq!(bodies.len(), PLANTED.len());
    // Every finding carries its whole guide, not only the first step.
    assert_eq!(stdout.matches("<details>").count(), PLANTED.len());
    assert_eq!(
        stdout.matches("<ol class=\"steps\">").count(),
        PLANTED.len()
    );
    assert!(stdout.contains("Findings by service"));
    assert!(stdout.contains("Findings by severity"));
    assert!(stdout.contains("Findings by top-level folder"));
    // The same scan gives the same bytes (no time, no machine name).
    let (_, again, _) = run(t.keyless().args(["scan", ".", "--format", "html"]));
    assert_eq!(stdout, again);
    insta::assert_snapshot!("fixture_html", stdout);
}

#[test]
fn html_report_loads_nothing_from_elsewhere_and_leaks_no_secret() {
    let (_t, file) = fixture_report();
    let html = std::fs::read_to_string(&file).unwrap();
    assert_no_secret(&html);
    let lower = html.to_lowercase();
    for needle in [
        " src=", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img",
    ] {
        assert!(!lower.contains(needle), "the report holds {needle:?}");
    }
    assert_eq!(lower.matches("<script").count(), 1);
    assert!(lower.contains("<script>\n"), "the one script is inline");
    assert_eq!(lower.matches("<style").count(), 1);
    // The only links are to documentation, on anchors the reader may follow; none is loaded.
    let mut links = 0;
    for (i, _) in lower.match_indices(" href=\"") {
        let tag_start = lower[..i].rfind('<').unwrap();
        assert!(
            lower[tag_start..].starts_with("<a "),
            "href outside an anchor: {}",
            &html[tag_start..i + 40]
        );
        links += 1;
    }
    assert!(links > 0, "the guides link their documentation");
}

#[test]
fn html_report_escapes_file_names_and_lines() {
    let t = TempTree::new();
    let name = "<img src=x onerror=alert(1)>.env";
    t.write(
        name,
        "DB_PASSWORD=Zq8!vT3#mKp2Lw <script>alert(2)</script>\n",
    );
    let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", "html"]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(finding_bodies(&stdout).len(), 1, "{stdout}");
    assert!(!stdout.contains("<img"), "{stdout}");
    assert!(!stdout.contains("<script>alert"), "{stdout}");
    assert!(!stdout.contains("Zq8!vT3#mKp2Lw"), "{stdout}");
    assert!(
        stdout.contains("&lt;img src=x onerror=alert(1)&gt;.env:1:13"),
        "{stdout}"
    );
    assert!(
        stdout.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{stdout}"
    );
    // --show-secrets is the one way to see the value, and it is escaped too.
    let (_, shown, _) = run(t
        .keyless()
        .args(["scan", ".", "--format", "html", "--show-secrets"]));
    assert!(shown.contains("<code>Zq8!vT3#mKp2Lw</code>"), "{shown}");
}

#[test]
fn html_report_of_a_clean_tree_says_so() {
    let t = TempTree::new();
    t.write("README.md", "nothing to see\n");
    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "html"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("No hard-coded secrets found."), "{stdout}");
    assert!(finding_bodies(&stdout).is_empty());
    assert!(!stdout.contains("<script"));
}

/// Chromium from `KEYLESS_CHROMIUM` (set by `.ci/run`), else `chromium` on the PATH, or `None` with the
/// reason printed; with `KEYLESS_REQUIRE_E2E=1` a missing browser fails the test instead.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("KEYLESS_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("chromium"))
                    .find(|p| p.is_file())
            })
        })
        .filter(|p| p.is_file());
    if found.is_none() {
        let reason = "no Chromium (set KEYLESS_CHROMIUM; .ci/run installs Debian's chromium)";
        assert!(
            std::env::var("KEYLESS_REQUIRE_E2E").as_deref() != Ok("1"),
            "{reason}"
        );
        eprintln!("skipped: {reason}");
    }
    found
}

/// Runs headless Chromium with a profile and HOME of its own (tests run in parallel) and returns stdout.
fn headless(browser: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .env("HOME", profile.path())
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The DOM after the page's script ran on `report.html#fragment`.
fn dom_after(browser: &Path, file: &Path, fragment: &str) -> String {
    let url = format!("file://{}#{fragment}", file.display());
    headless(
        browser,
        &["--virtual-time-budget=2000", "--dump-dom", url.as_str()],
    )
}

#[test]
fn html_report_renders_in_chromium_and_filters_and_sorts_from_the_url() {
    let Some(browser) = chromium() else { return };
    let (_t, file) = fixture_report();

    // A screenshot: the page renders to a full-size, non-trivial PNG.
    let shot = file.with_file_name("shot.png");
    headless(
        &browser,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
            &format!("file://{}", file.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    assert!(png.len() > 30_000, "{} bytes: a blank page?", png.len());

    // Without a fragment every finding is shown.
    let dom = dom_after(&browser, &file, "");
    let bodies = finding_bodies(&dom);
    assert_eq!(bodies.len(), PLANTED.len(), "{dom}");
    assert!(bodies.iter().all(|b| !is_hidden(b)), "{bodies:#?}");

    // The filter from the URL hides every row whose text does not match or whose severity is unticked.
    let dom = dom_after(&browser, &file, "q=azure-sql&severity=critical");
    let bodies = finding_bodies(&dom);
    assert_eq!(bodies.len(), PLANTED.len(), "filtering removes no row");
    let (shown, hidden): (Vec<&str>, Vec<&str>) = bodies.iter().partition(|b| !is_hidden(b));
    assert_eq!(shown.len(), 3, "{bodies:#?}");
    assert_eq!(hidden.len(), PLANTED.len() - 3);
    for b in &shown {
        assert!(
            attr(b, "data-rule").unwrap().starts_with("azure-sql."),
            "{b}"
        );
        assert_eq!(attr(b, "data-severity"), Some("critical"), "{b}");
    }
    for b in &hidden {
        assert!(
            !attr(b, "data-rule").unwrap().starts_with("azure-sql."),
            "{b}"
        );
    }
    assert!(dom.contains("<output id=\"shown\">3</output>"), "{dom}");

    // Severity alone, and a sort by location descending: the rows come in reverse report order.
    let dom = dom_after(&browser, &file, "severity=high&sort=-location");
    let bodies = finding_bodies(&dom);
    let shown: Vec<&str> = bodies.iter().copied().filter(|b| !is_hidden(b)).collect();
    assert_eq!(
        shown.len(),
        5,
        "five generic passwords are high: {bodies:#?}"
    );
    assert!(shown
        .iter()
        .all(|b| attr(b, "data-severity") == Some("high")));
    let order: Vec<usize> = bodies
        .iter()
        .map(|b| attr(b, "id").unwrap()["finding-".len()..].parse().unwrap())
        .collect();
    let expected: Vec<usize> = (1..=PLANTED.len()).rev().collect();
    assert_eq!(order, expected);
    assert!(dom.contains("aria-sort=\"descending\""), "{dom}");
}
