//! SARIF as its consumers take it: Microsoft's SARIF validator (`sarif-multitool validate`, whose rules
//! include those GitHub code scanning and Azure DevOps apply) finds no error in a report of the fixture
//! tree, `%SRCROOT%` is declared, a report too large for GitHub is cut to its limit with a notification
//! that says so, and `--sarif-category` sets the analysis category code scanning files alerts under.

use crate::scan_fixtures::fixture_repo;
use crate::util::*;
use std::path::PathBuf;

/// The multitool from `KEYLESS_SARIF_MULTITOOL` (set by `.ci/run`), or `None` with the reason printed;
/// with `KEYLESS_REQUIRE_E2E=1` a missing tool fails the test instead.
fn multitool() -> Option<PathBuf> {
    let found = std::env::var_os("KEYLESS_SARIF_MULTITOOL")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if found.is_none() {
        let reason = "KEYLESS_SARIF_MULTITOOL does not name the Sarif.Multitool binary (.ci/run installs it with npm)";
        assert!(
            std::env::var("KEYLESS_REQUIRE_E2E").as_deref() != Ok("1"),
            "{reason}"
        );
        eprintln!("skipped: {reason}");
    }
    found
}

/// Runs `validate` on `sarif` and returns the validator's own SARIF log.
fn validate(tool: &std::path::Path, sarif: &str, rule_kinds: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("keyless.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(&input, sarif).unwrap();
    let out = std::process::Command::new(tool)
        .arg("validate")
        // Notes (style advice such as rule ids of the form `CS2001`) are not kept.
        .args(["--rule-kind", rule_kinds, "--level", "Error;Warning"])
        .args(["--log", "ForceOverwrite"])
        .arg("--output")
        .arg(&output)
        .arg(&input)
        // The .NET runtime wants a writable home and no telemetry; ICU may be absent on slim machines.
        .env("HOME", dir.path())
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("sarif-multitool runs");
    let log = std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "no validation log ({e}); status {:?}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json(&log)
}

/// `(level, rule, message)` of every validator result at `error` or `warning`, with the JSON pointer.
fn problems(log: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for r in run["results"].as_array().into_iter().flatten() {
            let level = r["level"].as_str().unwrap_or("warning");
            if level == "error" || level == "warning" {
                out.push(format!(
                    "{level} {}: {}",
                    r["ruleId"].as_str().unwrap_or("?"),
                    serde_json::to_string(&r["message"]).unwrap()
                ));
            }
        }
        for inv in run["invocations"].as_array().into_iter().flatten() {
            for n in inv["toolExecutionNotifications"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if n["level"] == "error" {
                    out.push(format!("tool error: {}", n["message"]["text"]));
                }
            }
        }
    }
    out
}

#[test]
fn the_fixture_report_passes_microsofts_sarif_validator() {
    let Some(tool) = multitool() else { return };
    // Every rule listed (the default), and only the rules with results (what each audit report holds).
    for which in ["all", "referenced"] {
        validates_with(&tool, which);
    }
}

fn validates_with(tool: &std::path::Path, sarif_rules: &str) {
    let t = fixture_repo();
    let (code, stdout, stderr) = run(t.keyless().args([
        "scan",
        ".",
        "--format",
        "sarif",
        "--sarif-rules",
        sarif_rules,
    ]));
    assert_eq!(code, 1, "{stderr}");
    // The SARIF rules and GitHub code scanning's (Gh).
    let log = validate(tool, &stdout, "Sarif;Gh");
    let found = problems(&log);
    assert!(
        found.is_empty(),
        "sarif-multitool validate (--sarif-rules {sarif_rules}):\n{}",
        found.join("\n")
    );
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"], true,
        "{log}"
    );
    // GitHub Advanced Security for Azure DevOps (Ado) also wants the pipeline's build definition and
    // phase in automationDetails (GHAzDO1019, GHAzDO1020), which only its publish task knows; every
    // other Ado rule passes (automationDetails is there, and the driver's fullName).
    let ado = problems(&validate(tool, &stdout, "Ado"));
    let other: Vec<&String> = ado
        .iter()
        .filter(|p| !p.contains("GHAzDO1019") && !p.contains("GHAzDO1020"))
        .collect();
    assert!(other.is_empty(), "{other:#?}");
}

#[test]
fn the_validator_does_report_a_broken_file() {
    let Some(tool) = multitool() else { return };
    let t = fixture_repo();
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    let mut sarif = json(&stdout);
    // A result whose rule index points past the rules, and no tool name: both are errors.
    sarif["runs"][0]["results"][0]["ruleIndex"] = serde_json::json!(100_000);
    sarif["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let found = problems(&validate(&tool, &sarif.to_string(), "Sarif;Gh"));
    assert!(found.iter().any(|p| p.starts_with("error")), "{found:?}");
}

#[test]
fn srcroot_is_declared_without_naming_the_machine() {
    let t = fixture_repo();
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    let sarif = json(&stdout);
    let base = &sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"];
    assert!(base["description"]["text"]
        .as_str()
        .unwrap()
        .contains("git"));
    assert!(base.get("uri").is_none(), "{base}");
    assert!(!stdout.contains(&t.path().display().to_string()));
}

/// 30,000 findings in one file: GitHub takes 25,000 results a run, so the report holds the first 25,000
/// and a warning notification says how many were left out and where to get them all.
#[test]
fn a_report_over_githubs_limit_is_truncated_with_a_notification() {
    let t = TempTree::new();
    // 300 files of 100 findings each, every password different.
    for file in 0..300 {
        let mut text = String::with_capacity(100 * 96);
        for line in 0..100 {
            let n = file * 100 + line;
            text.push_str(&format!(
                "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ{n:05}x;\n"
            ));
        }
        t.write(&format!("f{file:03}.txt"), text);
    }
    let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("keyless: 30000 findings"), "{stderr}");
    let sarif = json(&stdout);
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    // The first 25,000 in report order (path, then line): files f000 to f249.
    let last = &results[24_999]["locations"][0]["physicalLocation"];
    assert_eq!(last["artifactLocation"]["uri"], "f249.txt");
    assert_eq!(last["region"]["startLine"], 100);
    let notes = runs[0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let note = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "keyless/results-truncated")
        .unwrap_or_else(|| panic!("no truncation notification: {notes:?}"));
    assert_eq!(note["level"], "warning");
    let message = note["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("30000 findings") && message.contains("5000 left out"),
        "{message}"
    );
    assert!(message.contains("--format json"), "{message}");
    // Truncation is not a failure of the run.
    assert_eq!(runs[0]["invocations"][0]["executionSuccessful"], true);
}

/// GitHub code scanning reads `automationDetails.id` as the analysis category and then ignores
/// upload-sarif's own `category`: `--sarif-category NAME` gives `NAME/` in the report on standard output
/// and in `--report` files; without it the id stays `keyless/`; an empty name is refused.
#[test]
fn sarif_category_sets_the_automation_id() {
    let t = TempTree::new();
    t.write("app.txt", "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n");
    let id = |sarif: &str| json(sarif)["runs"][0]["automationDetails"]["id"].clone();

    let (code, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    assert_eq!(code, 1);
    assert_eq!(id(&stdout), "keyless/");

    let (code, stdout, stderr) = run(t.keyless().args([
        "scan",
        ".",
        "--format",
        "sarif",
        "--sarif-category",
        "config/prod",
        "--report",
        "sarif=../category.sarif",
    ]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(id(&stdout), "config/prod/");
    let file = t.path().parent().unwrap().join("category.sarif");
    let written = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(id(&written), "config/prod/");
    crate::sarif_schema::assert_valid(&json(&written));

    // The id adds its own slash; a name of slashes only is no name.
    let (_, stdout, _) = run(t.keyless().args([
        "scan",
        ".",
        "--format",
        "sarif",
        "--sarif-category",
        "infra/",
    ]));
    assert_eq!(id(&stdout), "infra/");
    let (code, _, stderr) =
        run(t
            .keyless()
            .args(["scan", ".", "--format", "sarif", "--sarif-category", "/"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("SARIF category"), "{stderr}");
}
