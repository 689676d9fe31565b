//! Bad input never crashes, hangs, leaks a secret or loses data (issue 12's guarantees, one test each).

use crate::util::*;
use std::path::Path;

/// Runs the command that `fixtures/invalid/<name>` is input to, with `--output` pointing into `t`.
/// `pack-*.toml` is given with `--rules`, `config-*.toml` becomes the tree's `.keyless.toml` and
/// `baseline-*.json` is given with `--baseline`.
fn run_invalid(name: &str, t: &TempTree) -> (i32, String, String) {
    let fixture = repo_root().join("fixtures/invalid").join(name);
    let out = t.path().join("out.json");
    let out = out.to_str().unwrap();
    t.write("app/.env", "GREETING=hello\n");
    if name.starts_with("pack-") {
        let rel = format!("fixtures/invalid/{name}");
        run(t.keyless().current_dir(repo_root()).args([
            "scan",
            "--rules",
            &rel,
            "src/lib.rs",
            "--format",
            "json",
            "--output",
            out,
        ]))
    } else if name.starts_with("config-") {
        std::fs::copy(&fixture, t.path().join(".keyless.toml")).unwrap();
        run(t
            .keyless()
            .args(["scan", ".", "--format", "json", "--output", out]))
    } else if name.starts_with("baseline-") {
        std::fs::copy(&fixture, t.path().join("baseline.json")).unwrap();
        run(t.keyless().args([
            "scan",
            "app",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "--output",
            out,
        ]))
    } else {
        panic!("{name}: fixtures/invalid/ names start with pack-, config- or baseline-");
    }
}

/// Every malformed pack, `.keyless.toml` and baseline in `fixtures/invalid/` exits 2 with exactly the
/// error stored next to it (file, line, column where the parser knows it, and what is wrong) and leaves
/// no output file behind, not even an empty or partial one.
#[test]
fn invalid_inputs_fail_with_their_expected_error_and_write_nothing() {
    let dir = repo_root().join("fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".expected"))
        .collect();
    names.sort();
    let mut kinds = std::collections::BTreeSet::new();
    for name in &names {
        let expected_path = dir.join(Path::new(name).with_extension("expected"));
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let t = TempTree::new();
        let (code, stdout, stderr) = run_invalid(name, &t);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert_eq!(stderr.trim_end(), expected.trim_end(), "{name}");
        assert!(
            !t.path().join("out.json").exists(),
            "{name}: an output file was written"
        );
        let leftovers: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
        kinds.insert(name.split('-').next().unwrap().to_string());
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["baseline", "config", "pack"]
    );
    assert!(names.len() >= 15, "only {} invalid inputs", names.len());
}

/// A password-named setting with a value that every format reports at high confidence.
const SECRET: &str = "Vq8wLzT3rPk2Nd6s";

/// `(path, line, column)` of every finding of a JSON report, and the report.
fn scan_json(t: &TempTree, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run(t
        .keyless()
        .args(&all)
        .timeout(std::time::Duration::from_secs(300)));
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, json(&stdout), stderr)
}

fn positions(report: &serde_json::Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

/// The same secret on the third line is found once, at the same line and column, whatever the encoding
/// (UTF-8 with and without BOM, UTF-16 LE and BE with BOM) and line endings (LF, CRLF, CR only).
#[test]
fn every_encoding_and_line_ending_gives_the_same_position() {
    let t = TempTree::new();
    let lf = format!("A=1\nB=2\nDB_PASSWORD={SECRET}\nC=3\n");
    let crlf = lf.replace('\n', "\r\n");
    let cr = lf.replace('\n', "\r");
    t.write("lf.env", &lf)
        .write("crlf.env", &crlf)
        .write("cr.env", &cr)
        .write(
            "bom.env",
            [b"\xEF\xBB\xBF".as_slice(), lf.as_bytes()].concat(),
        )
        .write("utf16le.env", utf16(&crlf, false))
        .write("utf16be.env", utf16(&lf, true));
    let (_, report, _) = scan_json(&t, &["."]);
    let mut got = positions(&report);
    got.sort();
    let want: Vec<(String, u64, u64)> = [
        "bom.env",
        "cr.env",
        "crlf.env",
        "lf.env",
        "utf16be.env",
        "utf16le.env",
    ]
    .iter()
    .map(|n| (n.to_string(), 3, 13))
    .collect();
    assert_eq!(got, want);
}

/// Empty files, files of only newlines, a 10 MB line with the secret at its end, and NUL bytes: a NUL in
/// the first 8 KiB makes a file binary (skipped and counted, as git and rg do); a NUL further in is text.
#[test]
fn degenerate_files_are_scanned_or_skipped_never_failed() {
    let t = TempTree::new();
    let long = format!(
        "{{\"blob\":\"{}\",\"password\":\"{SECRET}\"}}",
        "x".repeat(10 << 20)
    );
    let mut late_nul = "# padding\n".repeat(1000).into_bytes();
    late_nul.extend_from_slice(format!("\0\nDB_PASSWORD={SECRET}\n").as_bytes());
    t.write("empty.env", "")
        .write("newlines.env", "\n".repeat(100_000))
        .write("long.json", &long)
        .write(
            "early-nul.env",
            format!("A=\0\nDB_PASSWORD={SECRET}\n").as_bytes(),
        )
        .write("late-nul.env", &late_nul);
    let (_, report, _) = scan_json(&t, &[".", "--max-file-size", "20MiB"]);
    let mut got: Vec<(String, u64)> = positions(&report)
        .into_iter()
        .map(|(p, l, _)| (p, l))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("late-nul.env".to_string(), 1002),
            ("long.json".to_string(), 1)
        ]
    );
    assert_eq!(report["stats"]["skipped"]["binary"], 1, "{report}");
    assert_eq!(report["stats"]["files_scanned"], 4, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
}

/// FIFOs, sockets and device files are never opened (a scan cannot block on them), and no symlink is
/// followed: not a loop, not a dangling one, not one to a folder outside the root that holds a secret.
#[cfg(unix)]
#[test]
fn special_files_and_symlinks_are_skipped_without_opening_them() {
    use std::os::unix::fs::symlink;
    let outside = TempTree::new();
    outside.write("leak.env", format!("DB_PASSWORD={SECRET}\n"));
    let t = TempTree::new();
    t.write("plain.env", "GREETING=hello\n");
    let p = t.path();
    assert!(std::process::Command::new("mkfifo")
        .arg(p.join("pipe.env"))
        .status()
        .unwrap()
        .success());
    let _socket = std::os::unix::net::UnixListener::bind(p.join("socket.env")).unwrap();
    symlink("loop-b", p.join("loop-a")).unwrap();
    symlink("loop-a", p.join("loop-b")).unwrap();
    symlink("/nonexistent/keyless", p.join("dangling.env")).unwrap();
    symlink(outside.path(), p.join("outside")).unwrap();
    symlink(outside.path().join("leak.env"), p.join("leak.env")).unwrap();
    symlink("/dev/zero", p.join("zero.env")).unwrap();
    // A real character device where the tests may make one (root, as in CI); a read of it never ends.
    let device = std::process::Command::new("mknod")
        .arg(p.join("device.env"))
        .args(["c", "1", "5"])
        .status()
        .is_ok_and(|s| s.success());
    if !device {
        eprintln!("note: mknod not permitted here; the device-file case is covered as root (CI)");
    }
    let (code, report, stderr) = scan_json(&t, &["."]);
    assert_eq!(code, 0, "{report}\n{stderr}");
    assert_eq!(report["stats"]["files_scanned"], 1, "{report}");
    let skipped = &report["stats"]["skipped"];
    let not_regular = 2 + u64::from(device);
    assert_eq!(skipped["not_regular_file"], not_regular, "{report}");
    assert_eq!(skipped["symlink"], 6, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
}

/// A tree 300 folders deep, and 100,000 small files: everything is scanned, the secret at the bottom found.
#[test]
fn deep_and_wide_trees_are_scanned_whole() {
    let t = TempTree::new();
    let deep = "d/".repeat(300);
    t.write(
        &format!("{deep}bottom.env"),
        format!("DB_PASSWORD={SECRET}\n"),
    );
    for i in 0..100_000 {
        let dir = format!("wide/{:03}", i / 1000);
        if i % 1000 == 0 {
            std::fs::create_dir_all(t.path().join(&dir)).unwrap();
        }
        std::fs::write(t.path().join(format!("{dir}/{i}.env")), "GREETING=hello\n").unwrap();
    }
    let (_, report, _) = scan_json(&t, &["."]);
    assert_eq!(
        report["stats"]["files_scanned"], 100_001,
        "{}",
        report["stats"]
    );
    assert_eq!(
        positions(&report),
        [(format!("{deep}bottom.env"), 1, 13)],
        "{}",
        report["stats"]
    );
}

/// A root that is a file is scanned as that file.
#[test]
fn a_root_that_is_a_file_is_scanned() {
    let t = TempTree::new();
    t.write("config/app.env", format!("DB_PASSWORD={SECRET}\n"));
    let (code, report, _) = scan_json(&t, &["config/app.env"]);
    assert_eq!(code, 1);
    assert_eq!(positions(&report), [("config/app.env".to_string(), 1, 13)]);
}

/// File names with spaces, a newline, `#`, `%`, non-ASCII letters, invalid UTF-8 and an escape sequence:
/// every file is scanned, JSON and SARIF stay valid, SARIF URIs are relative and percent-encoded, and the
/// text report holds no raw control character.
#[cfg(unix)]
#[test]
fn odd_file_names_are_scanned_and_encoded_in_every_format() {
    use std::os::unix::ffi::OsStrExt;
    let t = TempTree::new();
    let names: [&[u8]; 6] = [
        b"with space.env",
        b"new\nline.env",
        b"hash#and%25.env",
        "caf\u{e9}.env".as_bytes(),
        b"invalid\xFF.env",
        b"evil\x1b]0;title\x07.env",
    ];
    for name in names {
        std::fs::write(
            t.path().join(std::ffi::OsStr::from_bytes(name)),
            format!("DB_PASSWORD={SECRET}\n"),
        )
        .unwrap();
    }
    let (_, report, _) = scan_json(&t, &["."]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 6, "{report}");
    assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");

    let (_, sarif, _) = run(t.keyless().args(["scan", ".", "--format", "sarif"]));
    let sarif = json(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
        let bytes = uri.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            assert!(
                // RFC 3986 path characters: unreserved, sub-delims, ':', '@', '/', and '%' escapes.
                b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b),
                "{uri}: byte {b:#x} is not percent-encoded"
            );
            if b == b'%' {
                let hex = &bytes[i + 1..(i + 3).min(bytes.len())];
                assert!(
                    hex.len() == 2 && hex.iter().all(u8::is_ascii_hexdigit),
                    "{uri}: a bare %"
                );
            }
        }
    }

    let (_, text, stderr) = run(t.keyless().args(["scan", "."]));
    for out in [&text, &stderr] {
        assert!(
            !out.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{out:?}"
        );
    }
}

/// Inputs built to make regexes work hard: a 5 MB line of `password=` and 5 MB of `AccountKey=`. The rules
/// run only on bounded windows around keywords, so both finish (the benchmark records how fast); a hang
/// would trip the command's timeout.
#[test]
fn adversarial_lines_finish() {
    let t = TempTree::new();
    t.write("passwords.env", "password=".repeat((5 << 20) / 9))
        .write("keys.env", "AccountKey=".repeat((5 << 20) / 11))
        .write("lines.env", "password=password=x\n".repeat(2_000));
    let (_, report, _) = scan_json(&t, &["."]);
    assert_eq!(report["stats"]["files_scanned"], 3, "{}", report["stats"]);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);
}

/// File names that satisfy the built-in rules' path globs; the first that a rule admits holds its examples.
const EXAMPLE_NAMES: &[&str] = &[
    "example.txt",
    "example.env",
    "appsettings.json",
    "example.json",
    "example.yml",
    "example.properties",
    "example.conf",
    "my.cnf",
    ".pgpass",
    ".npmrc",
    ".netrc",
    "settings.py",
    "main.bicep",
    "main.tf",
    "web.config",
    "Dockerfile",
    "kafka_server_jaas.conf",
    "build.gradle",
    "Kconfig",
    "nvs.csv",
    "requests.http",
    "resource.cfg",
];

/// Every built-in rule's examples in a tree, each in a file its path globs admit.
fn every_example(t: &TempTree) -> usize {
    let rules = keyless::rules::RuleSet::builtin().unwrap();
    let mut files = 0;
    for (i, rule) in rules.rules.iter().enumerate() {
        let name = EXAMPLE_NAMES
            .iter()
            .find(|n| rule.applies_to(n))
            .unwrap_or_else(|| panic!("{}: add a file name its globs admit", rule.id));
        for (j, example) in rule.examples.iter().enumerate() {
            t.write(&format!("r{i:03}/e{j}/{name}"), format!("{example}\n"));
            files += 1;
        }
    }
    files
}

/// No secret leaves unmasked: with every built-in rule's examples in a tree, the secrets that
/// `--show-secrets` reveals appear nowhere in the text (plain or coloured), JSON, SARIF, compact, Markdown or
/// HTML reports, their files, the baseline or stderr when it is not given.
#[test]
fn no_format_reveals_a_secret_without_show_secrets() {
    let t = TempTree::new();
    assert!(every_example(&t) >= 200);
    let (_, shown, _) = run(t
        .keyless()
        .args(["scan", ".", "--format", "json", "--show-secrets"]));
    let shown = json(&shown);
    let mut secrets: Vec<String> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["secret"]
                .as_str()
                .expect("--show-secrets shows")
                .to_string()
        })
        // Shorter values (`1234`, `admin`) occur in ordinary words and in the masked previews.
        .filter(|s| s.chars().count() >= 8)
        .collect();
    secrets.sort();
    secrets.dedup();
    assert!(secrets.len() >= 150, "{} secrets", secrets.len());

    let mut outputs: Vec<(String, String)> = Vec::new();
    for format in ["text", "json", "sarif", "compact", "markdown", "html"] {
        let (_, stdout, stderr) = run(t.keyless().args(["scan", ".", "--format", format]));
        outputs.push((format!("{format} stdout"), stdout));
        outputs.push((format!("{format} stderr"), stderr));
    }
    // The text diagnostics as a terminal gets them, in colour.
    let (_, stdout, _) = run(t.keyless().args(["scan", ".", "--color", "always"]));
    outputs.push(("text in colour".to_string(), stdout));
    let (_, _, _) = run(t.keyless().args([
        "scan",
        ".",
        "--output",
        "../report.txt",
        "--report",
        "json=../report.json",
        "--report",
        "sarif=../report.sarif",
    ]));
    let (code, _, stderr) =
        run(t
            .keyless()
            .args(["scan", ".", "--write-baseline", "../baseline.json"]));
    assert_eq!(code, 0, "{stderr}");
    let parent = t.path().parent().unwrap();
    for file in ["report.txt", "report.json", "report.sarif", "baseline.json"] {
        let path = parent.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        outputs.push((file.to_string(), text));
    }
    for (name, out) in &outputs {
        assert!(out.len() > 100, "{name} is nearly empty");
        for secret in &secrets {
            assert!(!out.contains(secret.as_str()), "{name} shows a secret");
        }
    }
}

/// The same tree gives byte-identical JSON and SARIF across runs and thread counts.
#[test]
fn reports_are_identical_across_runs_and_thread_counts() {
    let t = TempTree::fixture("tree");
    every_example(&t);
    let mut seen: Vec<(String, String)> = Vec::new();
    for threads in ["1", "4", "1", "8"] {
        let (_, j, _) = run(t
            .keyless()
            .args(["scan", ".", "-j", threads, "--format", "json"]));
        let (_, s, _) = run(t
            .keyless()
            .args(["scan", ".", "-j", threads, "--format", "sarif"]));
        assert!(j.len() > 10_000 && s.len() > 10_000);
        if let Some(first) = seen.first() {
            assert!(first.0 == j, "JSON differs with {threads} threads");
            assert!(first.1 == s, "SARIF differs with {threads} threads");
        }
        seen.push((j, s));
    }
}

/// The scanner makes no network call: it succeeds in a network namespace with no interfaces but
/// loopback, and (where strace exists) makes no `connect` or non-local `socket` call.
#[cfg(target_os = "linux")]
#[test]
fn a_scan_needs_no_network_and_opens_no_socket() {
    let t = TempTree::fixture("tree");
    let bin = assert_cmd::cargo::cargo_bin("keyless");
    let required = std::env::var_os("KEYLESS_REQUIRE_E2E").is_some();
    let mut checked = 0;
    let isolated = std::process::Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if isolated {
        let mut cmd = assert_cmd::Command::new("unshare");
        cmd.current_dir(t.path()).arg("-n").arg(&bin).args([
            "scan",
            ".",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ]);
        let (code, _, stderr) = run(&mut cmd);
        assert_eq!(code, 1, "{stderr}");
        assert!(
            json(&std::fs::read_to_string(t.path().join("out.sarif")).unwrap())["runs"][0]
                ["results"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
        checked += 1;
    } else {
        eprintln!("note: unshare -n is not permitted here (needs root or user namespaces)");
    }
    let traced = std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if traced {
        let log = t.path().join("strace.log");
        let mut cmd = assert_cmd::Command::new("strace");
        cmd.current_dir(t.path())
            .args(["-f", "-e", "trace=socket,connect", "-o"])
            .arg(&log)
            .arg(&bin)
            .args(["scan", ".", "--format", "json"]);
        let (code, _, stderr) = run(&mut cmd);
        assert_eq!(code, 1, "{stderr}");
        let calls = std::fs::read_to_string(&log).unwrap();
        let network: Vec<&str> = calls
            .lines()
            .filter(|l| l.contains("connect(") || l.contains("AF_INET"))
            .collect();
        assert!(network.is_empty(), "{network:#?}");
        checked += 1;
    } else {
        eprintln!("note: strace is not installed; .ci/run installs it");
    }
    assert!(
        checked > 0 || !required,
        "neither unshare -n nor strace could run"
    );
}

/// `keyless fix` keeps a rewritten file's permissions, and never writes through a symlink: a link to a
/// fixable file outside the root leaves that file, and the link, as they were.
#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_never_writes_through_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let case = repo_root().join("fixtures/fix/sql-appsettings");
    let outside = TempTree::new();
    copy_dir(&case.join("before"), outside.path());
    let t = TempTree::new();
    copy_dir(&case.join("before"), &t.path().join("app"));
    std::os::unix::fs::symlink(outside.path().join("Orders.Api"), t.path().join("linked")).unwrap();
    let settings = t.path().join("app/Orders.Api/appsettings.json");
    std::fs::set_permissions(&settings, std::fs::Permissions::from_mode(0o640)).unwrap();

    let (code, stdout, stderr) = run(t.keyless().args(["fix", "."]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read(&settings).unwrap(),
        std::fs::read(case.join("after/Orders.Api/appsettings.json")).unwrap()
    );
    let mode = std::fs::metadata(&settings).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(
        std::fs::read(outside.path().join("Orders.Api/appsettings.json")).unwrap(),
        std::fs::read(case.join("before/Orders.Api/appsettings.json")).unwrap(),
        "the file behind the link was rewritten"
    );
    assert!(std::fs::symlink_metadata(t.path().join("linked"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// A report written to standard output is streamed, and a reader that stops early (`| head`) ends the
/// scan cleanly: exit 0 and no error, even though most of the report was never written. The report is
/// far larger than a pipe's buffer, so keyless is still writing when the pipe closes.
#[test]
fn a_reader_that_stops_early_ends_a_streamed_report_cleanly() {
    use std::io::Read;
    let t = TempTree::new();
    let mut lines = String::new();
    for i in 0..5000 {
        lines.push_str(&format!("DB_PASSWORD_{i}=Vq8wLzT3rPk2Nd{i:04}\n"));
    }
    t.write("app/.env", lines);
    let mut child = t
        .keyless_process()
        .args(["scan", "app", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut start = [0u8; 64];
    stdout.read_exact(&mut start).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&start).starts_with("{\n  \"version\": 1,\n  \"findings\": ["));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
