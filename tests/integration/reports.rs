//! Where reports go: stdout, --output (atomically), extra --report files; and the fingerprint's key.

use crate::util::*;

const SECRET_LINE: &str = "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;\n";

#[test]
fn output_and_extra_reports_go_to_files_and_stdout_keeps_the_main_format() {
    let t = TempTree::new();
    t.write("src/app.txt", SECRET_LINE);
    let (code, stdout, _) = run(t.keyless().args([
        "scan",
        "src",
        "--report",
        "sarif=out/keyless.sarif",
        "--report",
        "json=keyless.json",
    ]));
    // out/ does not exist: writing the report fails, which is an error.
    assert_eq!(code, 2);
    std::fs::create_dir(t.path().join("out")).unwrap();
    let (code, stdout2, _) = run(t.keyless().args([
        "scan",
        "src",
        "--report",
        "sarif=out/keyless.sarif",
        "--report",
        "json=keyless.json",
    ]));
    assert_eq!(code, 1);
    assert!(
        stdout2.contains("azure-sql.connection-string-password"),
        "{stdout2}"
    );
    let _ = stdout;
    let sarif = json(&std::fs::read_to_string(t.path().join("out/keyless.sarif")).unwrap());
    assert_eq!(sarif["version"], "2.1.0");
    let report = json(&std::fs::read_to_string(t.path().join("keyless.json")).unwrap());
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn json_on_stdout_is_alone_there() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    json(&stdout);
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    json(&stdout);
}

#[test]
fn output_file_replaces_the_old_report_and_stdout_stays_empty() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    t.write("report.json", "old contents");
    let (code, stdout, _) = run(t.keyless().args([
        "scan",
        "app.txt",
        "--format",
        "json",
        "--output",
        "report.json",
    ]));
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    let report = json(&std::fs::read_to_string(t.path().join("report.json")).unwrap());
    assert_eq!(report["version"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_to_dev_null_is_written_directly() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let (code, stdout, stderr) = run(t.keyless().args(["scan", ".", "--output", "/dev/null"]));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
}

fn fingerprint(t: &TempTree, extra: &[&str]) -> String {
    let mut args = vec!["scan", "app.txt", "--format", "json"];
    args.extend_from_slice(extra);
    let (_, stdout, _) = run(t.keyless().args(&args));
    json(&stdout)["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn fingerprints_are_keyed_by_the_first_commit_or_the_given_key() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let outside_git = fingerprint(&t, &[]);
    t.git_commit_all();
    let in_repo = fingerprint(&t, &[]);
    assert_ne!(
        outside_git, in_repo,
        "the repository's first commit keys the HMAC"
    );
    // A new commit and a moved line do not change it.
    t.write("app.txt", format!("\n\n# moved\n{SECRET_LINE}"));
    t.git(&["commit", "-qam", "move"]);
    assert_eq!(fingerprint(&t, &[]), in_repo);
    let keyed = fingerprint(&t, &["--fingerprint-key", "team-key"]);
    assert_ne!(keyed, in_repo);
    let via_env = run(t
        .keyless()
        .env("KEYLESS_FINGERPRINT_KEY", "team-key")
        .args(["scan", "app.txt", "--format", "json"]))
    .1;
    assert_eq!(json(&via_env)["findings"][0]["fingerprint"], keyed.as_str());
}

#[test]
fn the_same_secret_in_two_files_is_two_findings_with_one_fingerprint() {
    let t = TempTree::new();
    t.write("a.txt", SECRET_LINE);
    t.write("b.txt", SECRET_LINE);
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--format", "json"]));
    let report = json(&stdout);
    let f = report["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["fingerprint"], f[1]["fingerprint"]);
}

#[test]
fn colour_is_used_only_when_asked() {
    let t = TempTree::new();
    t.write("app.txt", SECRET_LINE);
    let (_, plain, _) = run(t.keyless().args(["scan", "."]));
    assert!(!plain.contains('\x1b'));
    let (_, coloured, _) = run(t.keyless().args(["scan", ".", "--color", "always"]));
    assert!(coloured.contains("\x1b["));
}

/// A reader that fails mid-file: the library reports the error for that file instead of panicking.
#[test]
fn a_failing_reader_becomes_a_file_error() {
    use keyless::detect::Detector;
    use keyless::finding::FingerprintKey;
    use keyless::rules::RuleSet;
    use keyless::scan::{FileResult, FileScanner, ScanSettings};
    use std::sync::Arc;

    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "denied",
            ))
        }
    }
    let detector = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
    let key = FingerprintKey::from_seed("test");
    let settings = ScanSettings::default();
    let mut scanner = FileScanner::new(&detector, &key, &settings);
    match scanner.scan_reader("locked.json", &mut Failing) {
        FileResult::Error(msg) => assert!(msg.contains("denied"), "{msg}"),
        other => panic!("expected an error, got {other:?}"),
    }
    // The same scanner goes on with the next file.
    match scanner.scan_reader("next.txt", &mut SECRET_LINE.as_bytes()) {
        FileResult::Scanned { findings, .. } => assert_eq!(findings.len(), 1),
        other => panic!("expected findings, got {other:?}"),
    }
}

/// Every finding carries a confidence in every format; `--min-confidence` and `.keyless.toml`'s
/// `min-confidence` raise the floor, and SARIF ranks results by it.
#[test]
fn confidence_is_reported_and_can_be_raised() {
    let t = TempTree::new();
    t.write(
        "docker-compose.yml",
        "services:\n  mq:\n    environment:\n      RABBITMQ_DEFAULT_PASS: guest\n",
    );
    t.write("config/app.env", "ORDERS_API_TOKEN=Zq8vN2xLm4Hq7wP2Kt5R\n");
    let confidences = |args: &[&str]| -> Vec<(String, String)> {
        let mut cmd = t.keyless();
        cmd.args(["scan", ".", "--format", "json", "--fail-on", "never"]);
        cmd.args(args);
        let (code, stdout, stderr) = run(&mut cmd);
        assert_eq!(code, 0, "{stderr}");
        json(&stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["confidence"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        confidences(&[]),
        [
            ("config/app.env".to_string(), "high".to_string()),
            ("docker-compose.yml".to_string(), "low".to_string()),
        ]
    );
    assert_eq!(
        confidences(&["--min-confidence", "medium"]),
        [("config/app.env".to_string(), "high".to_string())]
    );
    // The text report says which finding is a weak one.
    let (_, text, _) = run(t.keyless().args(["scan", ".", "--color", "never"]));
    let weak = text
        .split("\n\n")
        .find(|d| d.contains("--> docker-compose.yml:4:"))
        .unwrap_or_default();
    assert!(
        weak.lines()
            .next()
            .unwrap_or_default()
            .ends_with("(low confidence)"),
        "{text}"
    );
    let strong = text
        .split("\n\n")
        .find(|d| d.contains("--> config/app.env:1:"))
        .unwrap_or_default();
    assert!(
        !strong.is_empty() && !strong.contains("low confidence"),
        "{text}"
    );
    // SARIF ranks the generated token above the default password.
    let (_, sarif, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    let sarif = json(&sarif);
    let ranks: Vec<f64> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rank"].as_f64().unwrap())
        .collect();
    assert_eq!(ranks, [90.0, 30.0], "{sarif}");
    // The project file sets the floor too; the command line wins over it.
    t.write(".keyless.toml", "min-confidence = \"high\"\n");
    assert_eq!(confidences(&[]).len(), 1);
    assert_eq!(confidences(&["--min-confidence", "low"]).len(), 2);
    t.write(".keyless.toml", "min-confidence = \"certain\"\n");
    let (code, _, stderr) = run(t.keyless().args(["scan", "."]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(".keyless.toml:1"), "{stderr}");
}
