//! The HTML report, for audits: one self-contained file (inline style and script, inline SVG charts, no
//! external script, font, style or image) that a security lead can open from a mail or an artifact store.
//!
//! It shows the totals, bar charts of the findings by service, severity and top-level folder, a table of
//! the findings that sorts by a click on a header and filters by text and severity, and under each row the
//! finding's whole managed-identity guide, read from its rendered remediation (the same data the text and
//! Markdown reports print). Every text from a scanned file or a pack is HTML-escaped; secrets appear only
//! as the masked previews of `finding.rs`, unless `--show-secrets` put them in the finding. The output
//! holds no time or machine name, so the same scan gives the same bytes.
//!
//! The filter can be given in the URL's fragment (`report.html#q=azure-sql&severity=critical,high`,
//! `&sort=-location` for a sort, `-` for descending, `&open=3` or `&open=all` to unfold guides): the script
//! applies it on load and marks filtered rows with the `hidden` attribute, so a headless browser's DOM dump
//! shows the result.

use super::markdown::html;
use crate::finding::Finding;
use crate::scan::ScanOutcome;
use crate::severity::{Confidence, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// How many bars a chart draws before it folds the rest into one "other" bar.
const MAX_BARS: usize = 12;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

pub fn render(outcome: &ScanOutcome) -> String {
    let shown: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    let total = shown.len();
    let mut out = String::with_capacity(32 * 1024 + total * 4096);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"keyless {}\">\n\
         <title>keyless: {total} finding{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        plural(total)
    );
    header(&mut out, outcome, &shown);
    if total == 0 {
        out.push_str("<p class=\"clean\">No hard-coded secrets found.</p>\n");
    } else {
        charts(&mut out, &shown);
        table(&mut out, &shown);
        let _ = write!(out, "<script>\n{SCRIPT}</script>\n");
    }
    let _ = writeln!(
        out,
        "<footer>keyless {}: <code>keyless explain &lt;rule-id&gt;</code> prints a guide in the terminal; \
         <code>--format json</code> and <code>--format sarif</code> carry the same data for tools.</footer>\n\
         </body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn severity_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|&x| x == s).unwrap_or(4)
}

fn confidence_rank(c: Confidence) -> usize {
    match c {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 2,
    }
}

/// The title and the totals: findings, per severity, files with findings, files scanned, suppressed.
fn header(out: &mut String, outcome: &ScanOutcome, shown: &[&Finding]) {
    let mut counts = [0usize; 5];
    for f in shown {
        counts[severity_index(f.severity)] += 1;
    }
    let files: BTreeSet<&str> = shown.iter().map(|f| &*f.path).collect();
    let s = &outcome.stats;
    out.push_str("<header>\n<h1>keyless report</h1>\n<dl class=\"totals\">\n");
    let mut tile = |class: &str, label: &str, n: u64| {
        let _ = writeln!(
            out,
            "<div class=\"{class}\"><dt>{label}</dt><dd>{n}</dd></div>"
        );
    };
    tile("total", "findings", shown.len() as u64);
    for (i, sev) in Severity::ALL.iter().enumerate() {
        if counts[i] > 0 {
            tile(&format!("sev-{sev}"), sev.as_str(), counts[i] as u64);
        }
    }
    tile("files", "files with findings", files.len() as u64);
    tile("files", "files scanned", s.files_scanned);
    if s.suppressed > 0 {
        tile("files", "suppressed", s.suppressed);
    }
    if s.errors > 0 {
        tile("sev-high", "files not readable", s.errors);
    }
    out.push_str("</dl>\n</header>\n");
}

/// A count per severity for one bar.
type Row = [usize; 5];

fn charts(out: &mut String, shown: &[&Finding]) {
    let mut by_service: BTreeMap<&str, Row> = BTreeMap::new();
    let mut by_folder: BTreeMap<String, Row> = BTreeMap::new();
    let mut by_severity: Vec<(String, Row)> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), [0; 5]))
        .collect();
    for f in shown {
        let i = severity_index(f.severity);
        by_service.entry(&*f.service).or_default()[i] += 1;
        by_folder.entry(top_folder(&f.path)).or_default()[i] += 1;
        by_severity[i].1[i] += 1;
    }
    by_severity.retain(|(_, row)| row.iter().sum::<usize>() > 0);
    out.push_str("<section class=\"charts\">\n");
    chart(
        out,
        "Findings by service",
        by_service
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        true,
    );
    chart(out, "Findings by severity", by_severity, false);
    chart(
        out,
        "Findings by top-level folder",
        by_folder.into_iter().collect(),
        true,
    );
    out.push_str("<p class=\"legend\">");
    for s in Severity::ALL {
        let _ = write!(out, "<span class=\"key sev-{s}\"></span>{s} ");
    }
    out.push_str("</p>\n</section>\n");
}

/// The first folder of a reported path, or `(top level)` for a file at the top.
fn top_folder(path: &str) -> String {
    match path.split_once('/') {
        Some((first, _)) => format!("{first}/"),
        None => "(top level)".to_string(),
    }
}

/// A horizontal bar chart as inline SVG, each bar stacked by severity. With `by_count`, the bars are
/// ordered by their total (largest first, then by name) and cut to [`MAX_BARS`].
fn chart(out: &mut String, title: &str, mut rows: Vec<(String, Row)>, by_count: bool) {
    if by_count {
        rows.sort_by(|a, b| {
            let (x, y) = (a.1.iter().sum::<usize>(), b.1.iter().sum::<usize>());
            y.cmp(&x).then_with(|| a.0.cmp(&b.0))
        });
        if rows.len() > MAX_BARS {
            let rest = rows.split_off(MAX_BARS - 1);
            let mut other = [0; 5];
            for (_, row) in &rest {
                for i in 0..5 {
                    other[i] += row[i];
                }
            }
            rows.push((format!("{} others", rest.len()), other));
        }
    }
    const WIDTH: usize = 440;
    const LABEL: usize = 196;
    const BAR_AREA: usize = 196;
    const ROW: usize = 24;
    let max = rows
        .iter()
        .map(|(_, r)| r.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let height = rows.len() * ROW + 8;
    let _ = writeln!(
        out,
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">",
        html(title),
        html(title)
    );
    for (n, (label, row)) in rows.iter().enumerate() {
        let y = 4 + n * ROW;
        let sum: usize = row.iter().sum();
        let shown_label = shorten(label, 22);
        let _ = write!(
            out,
            "<g><title>{}: {sum}</title><text class=\"label\" x=\"{}\" y=\"{}\">{}</text>",
            html(label),
            LABEL - 8,
            y + 15,
            html(&shown_label)
        );
        let mut x = LABEL;
        for (i, count) in row.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let w = (count * BAR_AREA).div_ceil(max);
            let _ = write!(
                out,
                "<rect class=\"sev-{}\" x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\"/>",
                Severity::ALL[i],
                y + 2,
                ROW - 6
            );
            x += w;
        }
        let _ = writeln!(
            out,
            "<text class=\"count\" x=\"{}\" y=\"{}\">{sum}</text></g>",
            x + 6,
            y + 15
        );
    }
    out.push_str("</svg>\n</figure>\n");
}

/// At most `max` characters, with an ellipsis in the middle of a longer text.
fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max / 2).collect();
    let tail: String = s.chars().skip(n - (max - max / 2 - 1)).collect();
    format!("{head}…{tail}")
}

/// The filter controls and the table. Each finding is one `<tbody>`: its row and, below it, the row
/// holding its guide, so that sorting and filtering move and hide the two together.
fn table(out: &mut String, shown: &[&Finding]) {
    let total = shown.len();
    out.push_str("<section class=\"findings\">\n<h2>Findings</h2>\n<form class=\"filters\" role=\"search\" onsubmit=\"return false\">\n");
    out.push_str(
        "<label>Filter <input type=\"search\" id=\"q\" placeholder=\"rule, service, path, text\" autocomplete=\"off\"></label>\n<fieldset><legend>Severity</legend>",
    );
    for s in Severity::ALL {
        let _ = write!(
            out,
            "<label class=\"sev-{s}\"><input type=\"checkbox\" name=\"severity\" value=\"{s}\" checked> {s}</label>"
        );
    }
    let _ = writeln!(
        out,
        "</fieldset>\n<output id=\"shown\">{total}</output>&nbsp;of {total} shown\n</form>"
    );
    out.push_str("<table id=\"findings\">\n<thead><tr>");
    for (key, label) in [
        ("severity", "Severity"),
        ("rule", "Rule"),
        ("service", "Service"),
        ("location", "Location"),
        ("preview", "Masked preview"),
        ("confidence", "Confidence"),
    ] {
        let _ = write!(
            out,
            "<th data-sort=\"{key}\"><button type=\"button\">{label}</button></th>"
        );
    }
    out.push_str("</tr></thead>\n");
    for (n, f) in shown.iter().enumerate() {
        finding_rows(out, n, f);
    }
    out.push_str("</table>\n</section>\n");
}

fn finding_rows(out: &mut String, n: usize, f: &Finding) {
    let search = format!(
        "{} {} {} {} {}:{} {} {}",
        f.severity,
        f.rule_id,
        f.service,
        f.title,
        f.path,
        f.line,
        f.preview,
        f.confidence.as_str()
    )
    .to_lowercase();
    let _ = writeln!(
        out,
        "<tbody class=\"finding\" id=\"finding-{}\" data-severity=\"{}\" data-rule=\"{}\" data-search=\"{}\">",
        n + 1,
        f.severity,
        html(&f.rule_id),
        html(&search)
    );
    let _ = writeln!(
        out,
        "<tr class=\"row\">\
         <td data-key=\"{}\"><span class=\"badge sev-{}\">{}</span></td>\
         <td data-key=\"{}\"><code>{}</code><br><span class=\"title\">{}</span></td>\
         <td>{}</td>\
         <td data-key=\"{}\"><code>{}:{}:{}</code></td>\
         <td><code>{}</code></td>\
         <td data-key=\"{}\">{}</td></tr>",
        severity_index(f.severity),
        f.severity,
        f.severity,
        html(&f.rule_id),
        html(&f.rule_id),
        html(&f.title),
        html(&f.service),
        // A tab sorts before every character a path holds, so `a.env` comes before `a.env.bak`.
        html(&format!("{}\t{:09}:{:06}", f.path, f.line, f.column)),
        html(&f.path),
        f.line,
        f.column,
        html(&f.preview),
        confidence_rank(f.confidence),
        f.confidence.as_str()
    );
    out.push_str("<tr class=\"guide\"><td colspan=\"6\"><details><summary>Managed-identity guide</summary>\n");
    guide(out, f);
    out.push_str("</details></td></tr>\n</tbody>\n");
}

/// The whole replacement guide of one finding, from its rendered remediation.
fn guide(out: &mut String, f: &Finding) {
    let r = &f.remediation;
    let _ = writeln!(out, "<pre class=\"snippet\">{}</pre>", html(&f.snippet));
    if let Some(secret) = &f.secret {
        let _ = writeln!(
            out,
            "<p class=\"secret\">Secret (shown because of --show-secrets): <code>{}</code></p>",
            html(secret)
        );
    }
    if let Some(commit) = &f.history_only_commit {
        let _ = writeln!(
            out,
            "<p class=\"note\">Added by commit <code>{}</code> and removed again: not in the files, but in the history.</p>",
            html(commit)
        );
    }
    if let Some(h) = &f.history {
        let _ = writeln!(
            out,
            "<p class=\"note\">In {} commit{} of the history{}.</p>",
            h.commits,
            plural(h.commits),
            if h.present_at_head {
                ", and at HEAD"
            } else {
                ", not at HEAD any more"
            }
        );
    }
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", html(&r.summary));
    let mut facts: Vec<String> = Vec::new();
    if let Some(host) = r.host {
        facts.push(format!(
            "<dt>Runs on</dt><dd><code>{}</code> ({})</dd>",
            host.as_str(),
            html(&r.host_evidence)
        ));
    }
    if let Some(lang) = &r.language {
        let evidence = r
            .language_evidence
            .as_deref()
            .map(|e| format!(" ({})", html(e)))
            .unwrap_or_default();
        facts.push(format!(
            "<dt>Language</dt><dd>{}{evidence}</dd>",
            html(lang)
        ));
    }
    if let Some(site) = &r.infrastructure {
        let mut parts = vec![html(site.dialect.as_str())];
        for (label, v) in [
            ("resource type", &site.resource_type),
            ("resource", &site.resource),
            ("setting", &site.setting),
            ("variable", &site.variable),
        ] {
            if let Some(v) = v {
                parts.push(format!("{label} <code>{}</code>", html(v)));
            }
        }
        facts.push(format!(
            "<dt>Infrastructure</dt><dd>{}</dd>",
            parts.join(", ")
        ));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "<dl class=\"facts\">{}</dl>", facts.concat());
    }
    if let Some(rep) = &r.replacement {
        let _ = writeln!(
            out,
            "<h4>Write instead</h4>\n<pre class=\"after\">{}</pre>",
            // A multi-line replacement (a Terraform block) keeps its lines.
            html(&rep.after).replace("\\n", "\n")
        );
    }
    if !r.steps.is_empty() {
        out.push_str("<h4>Steps</h4>\n<ol class=\"steps\">\n");
        for step in &r.steps {
            let _ = write!(out, "<li><p>{}</p>", html(&step.title));
            for c in step.commands.iter() {
                let _ = write!(
                    out,
                    "<pre class=\"cmd\" data-shell=\"{0}\"><code class=\"lang-{0}\">{1}</code></pre>",
                    c.shell.as_str(),
                    html_block(&c.text)
                );
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    if let Some(sdk) = &r.sdk {
        let _ = writeln!(
            out,
            "<h4>Code ({})</h4>\n<pre class=\"sdk\"><code>{}</code></pre>",
            html(&sdk.language),
            html_block(&sdk.code)
        );
    }
    if let Some(fix) = &r.fix {
        let _ = write!(
            out,
            "<h4><code>keyless fix</code></h4>\n<p>{} ({})</p>",
            html(&fix.description),
            if fix.safe_to_apply {
                "every precondition checked"
            } else {
                "applied only with --force"
            }
        );
        if !fix.checks.is_empty() {
            out.push_str("<ul class=\"checks\">");
            for c in fix.checks.iter() {
                let _ = write!(out, "<li>{}</li>", html(c));
            }
            out.push_str("</ul>");
        }
        out.push('\n');
    }
    if !r.notes.is_empty() {
        out.push_str("<h4>Notes</h4>\n<ul class=\"notes\">");
        for n in r.notes.iter() {
            let _ = write!(out, "<li>{}</li>", html(n));
        }
        out.push_str("</ul>\n");
    }
    if !r.docs.is_empty() {
        out.push_str("<h4>Documentation</h4>\n<ul class=\"docs\">");
        for d in r.docs.iter() {
            // Links to read, not resources the page loads.
            if d.starts_with("https://") {
                let _ = write!(
                    out,
                    "<li><a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a></li>",
                    html(d)
                );
            } else {
                let _ = write!(out, "<li>{}</li>", html(d));
            }
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"explain\"><code>keyless explain {}</code> · fingerprint <code>{}</code></p>",
        html(&f.rule_id),
        html(&f.fingerprint)
    );
}

/// Text for a `<pre>` block: escaped like any other, line breaks kept (control characters other than
/// tabs and newlines are written as escapes).
fn html_block(text: &str) -> String {
    text.split('\n').map(html).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_labels() {
        assert_eq!(top_folder("src/a/b.json"), "src/");
        assert_eq!(top_folder(".env"), "(top level)");
        assert_eq!(shorten("abcdefghij", 5), "ab…ij");
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(html_block("a<b\nc&d"), "a&lt;b\nc&amp;d");
    }
}
