//! The summary that closes the text report: findings by service and severity, the files with most
//! findings, and what was skipped and why. Everything here is counted from the outcome, so it is as
//! deterministic as the findings; the elapsed time and throughput stay on the stderr line
//! (`human::summary`), out of anything a test snapshots or a tool diffs.

use super::human::printable;
use crate::scan::ScanOutcome;
use crate::severity::Severity;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many files the "most findings" line names.
const TOP_FILES: usize = 5;

pub fn render(outcome: &ScanOutcome) -> String {
    let shown: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    // For one finding the table would only repeat it.
    if shown.len() < 2 {
        return String::new();
    }
    let mut by_service: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &shown {
        let i = Severity::ALL
            .iter()
            .position(|&s| s == f.severity)
            .unwrap_or(4);
        by_service.entry(&*f.service).or_default()[i] += 1;
        *by_file.entry(&*f.path).or_default() += 1;
    }
    let used: Vec<usize> = (0..5)
        .filter(|&i| by_service.values().any(|row| row[i] > 0))
        .collect();
    let width = by_service
        .keys()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max("service".len());

    let mut out = String::from("\nSummary\n");
    let _ = write!(out, "  {:<width$}", "service");
    for &i in &used {
        let _ = write!(out, "  {:>8}", Severity::ALL[i].as_str());
    }
    let _ = writeln!(out, "  {:>6}", "total");
    let mut totals = [0usize; 5];
    for (service, row) in &by_service {
        let _ = write!(out, "  {:<width$}", printable(service));
        for &i in &used {
            let _ = write!(out, "  {:>8}", row[i]);
            totals[i] += row[i];
        }
        let _ = writeln!(out, "  {:>6}", row.iter().sum::<usize>());
    }
    let _ = write!(out, "  {:<width$}", "all");
    for &i in &used {
        let _ = write!(out, "  {:>8}", totals[i]);
    }
    let _ = writeln!(out, "  {:>6}", shown.len());

    // Most findings first; equal counts in path order (the map's order, kept by a stable sort).
    let mut files: Vec<(&str, usize)> = by_file.into_iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    let top: Vec<String> = files
        .iter()
        .take(TOP_FILES)
        .map(|(p, n)| format!("{} ({n})", printable(p)))
        .collect();
    let _ = writeln!(
        out,
        "  files with most findings: {}{}",
        top.join(", "),
        if files.len() > TOP_FILES {
            format!(" and {} more", files.len() - TOP_FILES)
        } else {
            String::new()
        }
    );

    let skipped = outcome.stats.skipped.described();
    if !skipped.is_empty() {
        let _ = writeln!(out, "  files skipped: {}", skipped.join(", "));
    }
    out
}
