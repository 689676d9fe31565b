//! `keyless audit` over local repositories the tests make: shards as separate processes, merge, resume,
//! failures, bad input, and the Kubernetes example against the Kubernetes API schema.

use crate::util::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const SQL: &str =
    "Server=tcp:contoso.database.windows.net;Database=orders;User ID=app;Password=Vr8#kQ2!mZ7pLx;";
const COSMOS: &str = "AccountEndpoint=https://contoso-orders.documents.azure.com:443/;AccountKey=YhMRcfGDJhE7O2vBchGTusnNgt1ay2J8PxDImHFRKNfDgo/Sg/YBMc03F88U+Cw7UMOJrm8IPhRRwTV6WxENdw==;";

/// Repository `i` of the simulated organisation: a third hold a SQL password, a fifth a Cosmos DB key,
/// the rest are clean.
fn make_org(t: &TempTree, count: usize) -> Vec<String> {
    let mut names = Vec::new();
    for i in 0..count {
        let name = format!("org/r{i:02}");
        let mut files: Vec<(String, String)> =
            vec![("README.md".into(), format!("# service {i}\n"))];
        if i % 3 == 0 {
            files.push((
                "appsettings.json".into(),
                format!("{{\n  \"ConnectionStrings\": {{ \"Orders\": \"{SQL}\" }}\n}}\n"),
            ));
        }
        if i % 5 == 0 {
            files.push(("config/.env".into(), format!("COSMOS={COSMOS}\n")));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        git_repo(&t.path().join(&name), &files);
        names.push(name);
    }
    names
}

fn read_json(path: &Path) -> Value {
    json(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn summary(dir: &Path) -> Value {
    read_json(&dir.join("summary.json"))
}

/// repository → status, from a summary.
fn statuses(s: &Value) -> BTreeMap<String, String> {
    s["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["repository"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn shard_cmd(t: &TempTree, shard: &str, out: &str) -> std::process::Command {
    let mut cmd = t.keyless_process();
    cmd.args([
        "audit",
        "--repos",
        "repos.txt",
        "--out-dir",
        out,
        "--shard",
        shard,
        "-j",
        "1",
    ]);
    cmd
}

/// A summary's entry of the first repository whose key contains `part`.
fn entry<'a>(s: &'a Value, part: &str) -> &'a Value {
    s["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["repository"].as_str().unwrap().contains(part))
        .unwrap_or_else(|| panic!("{part} not in {s}"))
}

/// `keyless audit --repos repos.txt --out-dir OUT` in the tree, hermetic.
fn audit_cmd(t: &TempTree, out: &str) -> assert_cmd::Command {
    let mut cmd = t.keyless();
    cmd.args(["audit", "--repos", "repos.txt", "--out-dir", out]);
    cmd
}

#[test]
fn audit_of_40_repositories_in_4_shard_processes_merges_resumes_and_matches_single_scans() {
    let t = TempTree::new();
    let names = make_org(&t, 40);
    // Listed in a scrambled order, with a comment and a blank line.
    let mut listed = names.clone();
    listed.sort_by_key(|n| n.chars().rev().collect::<String>());
    t.write(
        "repos.txt",
        format!("# the organisation\n\n{}\n", listed.join("\n")),
    );

    // Four shards as four concurrent processes.
    let children: Vec<_> = (0..4)
        .map(|i| {
            shard_cmd(&t, &format!("{i}/4"), &format!("out/shard-{i}"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "shard {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Every repository in exactly one shard, scanned once, none failed.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..4 {
        let s = summary(&t.path().join(format!("out/shard-{i}")));
        assert_eq!(s["list"]["repositories"], 40);
        assert_eq!(s["shards"], serde_json::json!([{"index": i, "count": 4}]));
        assert_eq!(s["totals"]["failed"], 0);
        for (repo, status) in statuses(&s) {
            assert_eq!(status, "scanned", "{repo}");
            *seen.entry(repo).or_default() += 1;
        }
    }
    let expected: BTreeSet<String> = names.iter().cloned().collect();
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");

    // Merge: one summary of 40, exit 1 because there are findings.
    let (code, _, stderr) = run(t.keyless().args([
        "audit",
        "merge",
        "out/shard-0",
        "out/shard-1",
        "out/shard-2",
        "out/shard-3",
        "--repos",
        "repos.txt",
        "--out-dir",
        "out/merged",
    ]));
    assert_eq!(code, 1, "{stderr}");
    let merged = summary(&t.path().join("out/merged"));
    assert_eq!(merged["totals"]["repositories"], 40);
    assert_eq!(merged["totals"]["scanned"], 40);
    assert_eq!(merged["totals"]["failed"], 0);
    // r00, r03, ..., r39: 14 SQL passwords; r00, r05, ..., r35: 8 Cosmos DB keys.
    let with_findings = (0..40).filter(|i| i % 3 == 0 || i % 5 == 0).count();
    assert_eq!(merged["totals"]["with_findings"], with_findings as u64);
    let md = std::fs::read_to_string(t.path().join("out/merged/summary.md")).unwrap();
    assert!(md.contains("40 repositories"), "{md}");
    assert!(!md.contains("Vr8#kQ2!mZ7pLx"), "secret in the summary");

    // Each report equals `keyless scan --format json` run alone in that repository (fingerprints
    // included), plus the audit record; the SARIF names the commit.
    let mut total = 0;
    for i in 0..4 {
        let dir = t.path().join(format!("out/shard-{i}"));
        for r in summary(&dir)["repositories"].as_array().unwrap() {
            let repo = r["repository"].as_str().unwrap();
            let name = r["name"].as_str().unwrap();
            let mut report = read_json(&dir.join(format!("{name}.json")));
            let record = report.as_object_mut().unwrap().remove("audit").unwrap();
            assert_eq!(record["repository"], repo);
            assert_eq!(record["keyless_version"], env!("CARGO_PKG_VERSION"));
            let commit = record["commit"].as_str().unwrap().to_string();
            assert_eq!(commit.len(), 40);
            let alone = TempTree::new();
            let mut scan = t.keyless();
            scan.current_dir(t.path().join(repo)).args([
                "scan",
                "--format",
                "json",
                "--no-config",
                "-j",
                "1",
            ]);
            let (_, stdout, stderr) = run(&mut scan);
            drop(alone);
            assert_eq!(report, json(&stdout), "{repo}: {stderr}");
            total += report["findings"].as_array().unwrap().len();
            let sarif = read_json(&dir.join(format!("{name}.sarif")));
            assert_eq!(
                sarif["runs"][0]["versionControlProvenance"][0]["revisionId"],
                commit.as_str()
            );
        }
    }
    assert_eq!(merged["totals"]["findings"], total as u64);
    assert_eq!(total, 14 + 8);

    // A killed shard: one report pair lost its JSON (killed between the two writes), another is gone.
    let shard0 = t.path().join("out/shard-0");
    let s0 = summary(&shard0);
    let entries = s0["repositories"].as_array().unwrap();
    assert!(
        entries.len() >= 3,
        "shard 0 holds {} repositories",
        entries.len()
    );
    let lost_json = entries[0]["name"].as_str().unwrap();
    let lost_both = entries[1]["name"].as_str().unwrap();
    let kept = entries[2]["name"].as_str().unwrap();
    std::fs::remove_file(shard0.join(format!("{lost_json}.json"))).unwrap();
    std::fs::remove_file(shard0.join(format!("{lost_both}.json"))).unwrap();
    std::fs::remove_file(shard0.join(format!("{lost_both}.sarif"))).unwrap();
    let kept_before = std::fs::metadata(shard0.join(format!("{kept}.json")))
        .unwrap()
        .modified()
        .unwrap();
    let out = shard_cmd(&t, "0/4", "out/shard-0").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let resumed = summary(&shard0);
    assert_eq!(resumed["totals"]["scanned"], 2, "only the two lost reports");
    assert_eq!(
        resumed["totals"]["skipped"],
        entries.len() as u64 - 2,
        "the finished ones are kept"
    );
    let kept_after = std::fs::metadata(shard0.join(format!("{kept}.json")))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(kept_before, kept_after, "a complete report was rewritten");
    assert_eq!(resumed["totals"]["findings"], s0["totals"]["findings"]);

    // --force scans everything again.
    let out = shard_cmd(&t, "0/4", "out/shard-0")
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary(&shard0)["totals"]["scanned"], entries.len() as u64);

    // Merge refuses a missing shard (naming its repositories) and a shard given twice.
    let (code, _, stderr) = run(t.keyless().args([
        "audit",
        "merge",
        "out/shard-0",
        "out/shard-1",
        "out/shard-2",
        "--repos",
        "repos.txt",
        "--out-dir",
        "out/bad",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no folder holds shard 3/4"), "{stderr}");
    let in_3: Vec<String> = statuses(&summary(&t.path().join("out/shard-3")))
        .into_keys()
        .collect();
    assert!(in_3.iter().all(|r| stderr.contains(r.as_str())), "{stderr}");
    assert!(!t.path().join("out/bad").exists(), "half-written merge");
    let (code, _, stderr) = run(t.keyless().args([
        "audit",
        "merge",
        "out/shard-0",
        "out/shard-1",
        "out/shard-2",
        "out/shard-3",
        "out/shard-3",
        "--out-dir",
        "out/bad",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("shard 3/4 is given twice"), "{stderr}");
}

/// Repositories that cannot be cloned still show where they belong: failed entries in the summary.
fn assignment(t: &TempTree, list: &str, shards: u64) -> Vec<BTreeSet<String>> {
    t.write("repos.txt", list);
    (0..shards)
        .map(|i| {
            let out = format!("assign-{i}");
            let _ = std::fs::remove_dir_all(t.path().join(&out));
            let o = shard_cmd(t, &format!("{i}/{shards}"), &out)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2));
            statuses(&summary(&t.path().join(&out)))
                .into_keys()
                .collect()
        })
        .collect()
}

#[test]
fn a_repository_lands_in_the_same_shard_whatever_the_order_and_spelling_of_the_list() {
    let t = TempTree::new();
    let repos: Vec<String> = (0..12).map(|i| format!("missing/repo-{i}")).collect();
    let forward = assignment(&t, &repos.join("\n"), 3);
    let mut backward: Vec<String> = repos.iter().rev().map(|r| format!("./{r}/")).collect();
    backward.insert(3, "# a comment".into());
    let reversed = assignment(&t, &backward.join("\n"), 3);
    assert_eq!(forward, reversed);
    let all: BTreeSet<String> = forward.iter().flatten().cloned().collect();
    assert_eq!(all.len(), 12, "{forward:?}");
    assert_eq!(forward.iter().map(BTreeSet::len).sum::<usize>(), 12);
}

#[test]
fn a_failing_repository_is_recorded_and_the_audit_goes_on() {
    let t = TempTree::new();
    git_repo(&t.path().join("good"), &[("a.json", "{}\n")]);
    t.write(
        "repos.txt",
        "does/not/exist\ngood\nhttps://auditor:s3cr3tT0kenValue@127.0.0.1:9/org/repo.git\n",
    );
    let (code, _, stderr) = run(audit_cmd(&t, "out").args(["--repo-timeout", "60"]));
    assert_eq!(code, 2, "{stderr}");
    let s = summary(&t.path().join("out"));
    assert_eq!(s["totals"]["failed"], 2);
    assert_eq!(s["totals"]["scanned"], 1);
    let st = statuses(&s);
    assert_eq!(st["good"], "scanned");
    assert_eq!(st["does/not/exist"], "failed");
    assert_eq!(st["127.0.0.1:9/org/repo"], "failed");
    let failed = entry(&s, "does/not/exist");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("git clone failed"),
        "{failed}"
    );
    // The credential in the list reaches neither the output folder nor the terminal.
    for entry in std::fs::read_dir(t.path().join("out")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains("s3cr3tT0kenValue"));
    }
    assert!(!stderr.contains("s3cr3tT0kenValue"), "{stderr}");
    let md = std::fs::read_to_string(t.path().join("out/summary.md")).unwrap();
    assert!(md.contains("does/not/exist: failed"), "{md}");
    // Every name in the folder is safe anywhere.
    for entry in std::fs::read_dir(t.path().join("out")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)),
            "{name}"
        );
    }
}

#[test]
fn a_ref_is_checked_out_and_recorded() {
    let t = TempTree::new();
    let repo = t.path().join("svc");
    git_repo(&repo, &[("README.md", "clean\n")]);
    // A second branch holds a secret that main does not.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(repo.join("app.env"), format!("DB={SQL}\n")).unwrap();
    for args in [
        &["checkout", "-q", "-b", "leaky"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "leak"],
        &["checkout", "-q", "main"],
    ] {
        let st = std::process::Command::new("git")
            .current_dir(&repo)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", home.path())
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    }
    t.write("repos.txt", "svc main\nsvc leaky\n");
    let (code, _, stderr) = run(&mut audit_cmd(&t, "out"));
    assert_eq!(code, 1, "{stderr}");
    let s = summary(&t.path().join("out"));
    let findings: BTreeMap<String, u64> = s["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["repository"].as_str().unwrap().to_string(),
                r["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings["svc main"], 0);
    assert_eq!(findings["svc leaky"], 1);
    // The SARIF with its provenance still validates against the SARIF 2.1.0 schema.
    let leaky = entry(&s, "svc leaky");
    let sarif = read_json(
        &t.path()
            .join("out")
            .join(format!("{}.sarif", leaky["name"].as_str().unwrap())),
    );
    let provenance = &sarif["runs"][0]["versionControlProvenance"][0];
    assert_eq!(provenance["branch"], "leaky");
    assert_eq!(provenance["revisionId"], leaky["commit"]);
    assert!(provenance["repositoryUri"]
        .as_str()
        .unwrap()
        .starts_with("file:///"));
    crate::sarif_schema::assert_valid(&sarif);
}

#[test]
fn bad_input_is_refused_before_anything_is_written() {
    let t = TempTree::new();
    let cases: [(&str, &[&str], &str); 5] = [
        ("", &[], "reading the repository list repos.txt"),
        (
            "a\nb c d\n",
            &[],
            "repos.txt:2: expected `<repository> [<ref>]`",
        ),
        (
            "a\n./a/\n",
            &[],
            "repos.txt:2: a is listed twice (first on line 1)",
        ),
        (
            "a\n",
            &["--shard", "4/4"],
            "--shard 4/4: index 4 is not below",
        ),
        (
            "a\n",
            &["--shard", "auto/4"],
            "JOB_COMPLETION_INDEX is not set",
        ),
    ];
    for (list, extra, expected) in cases {
        let _ = std::fs::remove_file(t.path().join("repos.txt"));
        if !list.is_empty() {
            t.write("repos.txt", list);
        }
        let mut cmd = t.keyless();
        cmd.env_remove("JOB_COMPLETION_INDEX")
            .args(["audit", "--repos", "repos.txt", "--out-dir", "out"])
            .args(extra);
        let (code, _, stderr) = run(&mut cmd);
        assert_eq!(code, 2, "{list:?} {extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
        assert!(
            !t.path().join("out").exists(),
            "{expected}: out-dir created"
        );
    }
    let (code, _, stderr) = run(t
        .keyless()
        .args(["audit", "merge", "nowhere", "--out-dir", "m"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("nowhere/summary.json"), "{stderr}");
}

/// `examples/k8s-audit-job.yaml` against the Kubernetes API's OpenAPI schema, with kubernetes-validate
/// (`.ci/run` installs it and sets KEYLESS_REQUIRE_E2E=1). Without it this test says it skipped.
#[test]
fn kubernetes_example_is_valid_against_the_api_schema() {
    let tool = std::env::var("KEYLESS_KUBERNETES_VALIDATE")
        .unwrap_or_else(|_| "kubernetes-validate".to_string());
    let available = std::process::Command::new(&tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var("KEYLESS_REQUIRE_E2E").as_deref() != Ok("1"),
            "KEYLESS_REQUIRE_E2E=1 but `{tool}` is not runnable"
        );
        eprintln!("skipped: kubernetes-validate is not installed");
        return;
    }
    let manifest = repo_root().join("examples/k8s-audit-job.yaml");
    let out = std::process::Command::new(&tool)
        .args(["--strict", "--kubernetes-version", "1.30"])
        .arg(&manifest)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    // One line per document (namespace, service account, config map, claim, job), each one passed.
    assert_eq!(text.matches("passed for resource").count(), 5, "{text}");
    assert!(
        text.contains("passed for resource job/keyless-audit"),
        "{text}"
    );
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    for needle in [
        "completionMode: Indexed",
        "azure.workload.identity/use: \"true\"",
        "azure.workload.identity/client-id",
        "--auth-mode login",
        "--shard \"auto/50\"",
        "completions: 50",
    ] {
        assert!(yaml.contains(needle), "{needle}");
    }
}

/// A small organisation audited into `out`: `team/api` holds a SQL password and a Cosmos DB key,
/// `team/web` is clean, and `more` is listed after them. Returns the exit code and stderr.
fn audit_small_org(t: &TempTree, more: &str) -> (i32, String) {
    git_repo(
        &t.path().join("team/api"),
        &[
            ("appsettings.json", &format!("{{ \"Db\": \"{SQL}\" }}\n")),
            ("deploy/.env", &format!("COSMOS={COSMOS}\n")),
        ],
    );
    git_repo(&t.path().join("team/web"), &[("README.md", "clean\n")]);
    t.write("repos.txt", format!("team/api\nteam/web\n{more}"));
    let (code, _, stderr) = run(&mut audit_cmd(t, "out"));
    (code, stderr)
}

/// The Markdown summary people read, for a small audit: a repository with findings, a clean one and one
/// that cannot be cloned (commit ids are fixed by the hermetic dates; the temp folder is redacted).
#[test]
fn summary_markdown() {
    let t = TempTree::new();
    let (code, stderr) = audit_small_org(&t, "team/gone\n");
    assert_eq!(code, 2, "{stderr}");
    let md = std::fs::read_to_string(t.path().join("out/summary.md")).unwrap();
    let root = t.path().canonicalize().unwrap();
    let md = md
        .replace(&root.display().to_string(), "[TMP]")
        .replace(&t.path().display().to_string(), "[TMP]");
    insta::assert_snapshot!("audit_summary_md", md);
}

/// A stand-in for `ssh` that never answers: git runs it for an `ssh://` URL (GIT_SSH_COMMAND), it notes
/// its process id in `ssh-pids` and sleeps far longer than any test, so a clone through it hangs without
/// touching the network.
#[cfg(unix)]
fn hanging_ssh(t: &TempTree) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let pids = t.path().join("ssh-pids");
    let script = t.path().join("hanging-ssh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho $$ >> '{}'\nexec sleep 300\n",
            pids.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, pids)
}

/// Whether process `pid` is still a running `sleep` (a zombie waiting for its parent to reap it is not).
#[cfg(unix)]
fn is_sleeping(pid: u32) -> bool {
    if Path::new("/proc/self").exists() {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().next());
        comm.trim() == "sleep" && state.is_some_and(|s| s != "Z")
    } else {
        std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// Waits for every process listed in `pids` to end. A killed process may take a moment to be reaped, so
/// this polls; if one is still there after a minute (it sleeps for five), it is killed here and the test
/// fails: the audit left it running.
#[cfg(unix)]
fn assert_ended(pids: &Path) {
    let listed = std::fs::read_to_string(pids).unwrap_or_default();
    let pids: Vec<u32> = listed
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert!(!pids.is_empty(), "the hanging ssh never ran");
    let start = std::time::Instant::now();
    while pids.iter().any(|&p| is_sleeping(p)) && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left: Vec<u32> = pids.into_iter().filter(|&p| is_sleeping(p)).collect();
    for p in &left {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &p.to_string()])
            .status();
    }
    assert!(left.is_empty(), "still running after the audit: {left:?}");
}

#[cfg(unix)]
#[test]
fn a_repository_that_hangs_is_stopped_at_the_repo_timeout_and_its_processes_killed() {
    let t = TempTree::new();
    git_repo(&t.path().join("before"), &[("README.md", "clean\n")]);
    git_repo(
        &t.path().join("after"),
        &[("appsettings.json", &format!("{{ \"Db\": \"{SQL}\" }}\n"))],
    );
    let (ssh, pids) = hanging_ssh(&t);
    t.write(
        "repos.txt",
        "before\nssh://git.example.invalid/org/hung.git\nafter\n",
    );
    std::fs::create_dir(t.path().join("tmp")).unwrap();
    // The timeout bounds the clone and scan of the two real repositories too, so it leaves room for a
    // debug build on a loaded machine; the hanging clone would take 300 s.
    let (code, _, stderr) = run(audit_cmd(&t, "out")
        .env("GIT_SSH_COMMAND", &ssh)
        .env("GIT_SSH_VARIANT", "ssh")
        .env("TMPDIR", t.path().join("tmp"))
        .args(["--repo-timeout", "5", "-j", "1"]));
    assert_eq!(code, 2, "{stderr}");
    let s = summary(&t.path().join("out"));
    let st = statuses(&s);
    assert_eq!(st["before"], "scanned");
    assert_eq!(st["after"], "scanned");
    assert_eq!(st["git.example.invalid/org/hung"], "failed");
    assert_eq!(s["totals"]["findings"], 1);
    let hung = entry(&s, "org/hung");
    let error = hung["error"].as_str().unwrap();
    assert!(
        error.contains("timed out after 5 s (--repo-timeout) during git clone"),
        "{error}"
    );
    let md = std::fs::read_to_string(t.path().join("out/summary.md")).unwrap();
    assert!(
        md.contains("- git.example.invalid/org/hung: failed: timed out after 5 s"),
        "{md}"
    );
    // The ssh that git started is killed with git, not left sleeping, and no clone is left behind.
    assert_ended(&pids);
    assert_eq!(work_folders(&t.path().join("tmp")), Vec::<String>::new());
}

/// A password committed and removed in the next commit: only the history audit reports it, and says
/// so; the two kinds of output folders cannot be merged, and neither kind of report is kept for the other.
#[test]
fn a_history_audit_reports_a_secret_removed_from_the_tree_and_a_tree_audit_does_not() {
    let repo = TempTree::new();
    repo.write("README.md", "# svc\n");
    repo.write("config/app.env", format!("DB={SQL}\n"));
    repo.git_commit_all();
    repo.git(&["rm", "-q", "config/app.env"]);
    repo.git(&["commit", "-q", "-m", "remove the password"]);
    let t = TempTree::new();
    let listed = repo.path().display().to_string();
    t.write("repos.txt", format!("{listed}\n"));
    let audit = |out: &str, history: bool| {
        let mut cmd = audit_cmd(&t, out);
        if history {
            cmd.arg("--history");
        }
        run(&mut cmd)
    };

    let (code, _, stderr) = audit("tree", false);
    assert_eq!(code, 0, "{stderr}");
    let tree = summary(&t.path().join("tree"));
    assert_eq!(tree["history"], false);
    assert_eq!(tree["totals"]["findings"], 0);

    let (code, _, stderr) = audit("history", true);
    assert_eq!(code, 1, "{stderr}");
    let dir = t.path().join("history");
    let s = summary(&dir);
    assert_eq!(s["history"], true);
    assert_eq!(s["totals"]["findings"], 1);
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("whole history"), "{md}");
    let name = s["repositories"][0]["name"].as_str().unwrap();
    let report = read_json(&dir.join(format!("{name}.json")));
    assert_eq!(report["audit"]["history"], true);
    let finding = &report["findings"][0];
    assert_eq!(finding["path"], "config/app.env");
    assert_eq!(finding["history"]["present_at_head"], false);
    assert_eq!(finding["history"]["commits"], 1);
    let sarif = read_json(&dir.join(format!("{name}.sarif")));
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "keyless/history/"
    );
    crate::sarif_schema::assert_valid(&sarif);

    // One audit is of trees or of histories, not both.
    let (code, _, stderr) =
        run(t
            .keyless()
            .args(["audit", "merge", "tree", "history", "--out-dir", "merged"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("differ in --history"), "{stderr}");
    assert!(!t.path().join("merged").exists(), "half-written merge");

    // A complete report of the other kind is not a complete report for this run: scanned again.
    let (code, _, stderr) = audit("history", false);
    assert_eq!(code, 0, "{stderr}");
    let again = summary(&dir);
    assert_eq!(statuses(&again)[listed.as_str()], "scanned");
    assert_eq!(again["totals"]["findings"], 0);
}

/// The names in a temp folder that audits' work folders have (`keyless-audit-...`, hidden ones too).
fn work_folders(tmp: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.trim_start_matches('.').starts_with("keyless-audit-"))
        .collect();
    names.sort();
    names
}

/// Clones of an audit that was killed (no chance to clean up) are removed by the next run; the folder of
/// an audit that is still running is not, whatever its process id says.
#[cfg(unix)]
#[test]
fn work_folders_of_killed_audits_are_swept_by_the_next_run_and_a_running_audits_kept() {
    let t = TempTree::new();
    git_repo(&t.path().join("svc"), &[("README.md", "clean\n")]);
    t.write("repos.txt", "svc\n");
    let tmp = t.path().join("tmp");
    // A folder of something else that happens to share the prefix but has no lock: not ours to remove.
    t.write("tmp/keyless-audit-notes/a.txt", "x\n");

    // An audit that runs on meanwhile: its one repository hangs in the clone.
    let (ssh, pids) = hanging_ssh(&t);
    t.write("hung.txt", "ssh://git.example.invalid/org/hung.git\n");
    let mut running = t
        .keyless_process()
        .env("GIT_SSH_COMMAND", &ssh)
        .env("GIT_SSH_VARIANT", "ssh")
        .env("TMPDIR", &tmp)
        .args(["audit", "--repos", "hung.txt", "--out-dir", "hung-out"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Its clone is under way once the ssh has run (it writes its pid first).
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&pids)
        .unwrap_or_default()
        .is_empty()
        && start.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let live: Vec<String> = work_folders(&tmp)
        .into_iter()
        .filter(|n| n != "keyless-audit-notes")
        .collect();
    assert_eq!(live.len(), 1, "{live:?}");
    // What SIGKILL leaves: a work folder with its lock file, locked by no one, and a clone in it.
    let dead = tmp.join("keyless-audit-999999-0");
    t.write("tmp/keyless-audit-999999-0/lock", "");
    t.write("tmp/keyless-audit-999999-0/svc/repo/README.md", "clean\n");

    let audit = || run(audit_cmd(&t, "out").env("TMPDIR", &tmp));
    let (code, _, stderr) = audit();
    assert_eq!(code, 0, "{stderr}");
    assert!(!dead.exists(), "the killed audit's folder is still there");
    assert!(
        stderr.contains("removed 1 work folder that stopped audits left in"),
        "{stderr}"
    );
    assert!(
        tmp.join(&live[0]).is_dir(),
        "a running audit's folder was removed"
    );

    // Now that audit is killed the way a node failure or the OOM killer would: no clean-up at all.
    running.kill().unwrap();
    running.wait().unwrap();
    for pid in std::fs::read_to_string(&pids).unwrap().split_whitespace() {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", pid])
            .status();
    }
    assert!(tmp.join(&live[0]).is_dir());
    let (code, _, stderr) = audit();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("removed 1 work folder"), "{stderr}");
    assert_eq!(work_folders(&tmp), vec!["keyless-audit-notes".to_string()]);
}

/// Each audit report lists only the rules of its results (not every rule's guide, 1.3 MB a report), and
/// every result's ruleIndex points at its own rule; a clean repository's report lists none.
#[test]
fn audit_sarif_lists_exactly_the_rules_its_results_use() {
    let t = TempTree::new();
    let (code, stderr) = audit_small_org(&t, "");
    assert_eq!(code, 1, "{stderr}");
    let dir = t.path().join("out");
    let s = summary(&dir);
    let sarif_of = |repo: &str| {
        let name = entry(&s, repo)["name"].as_str().unwrap();
        read_json(&dir.join(format!("{name}.sarif")))
    };

    let api = sarif_of("team/api");
    let run = &api["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let used: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), used.len(), "a rule listed twice: {rules:?}");
    assert_eq!(rules.iter().copied().collect::<BTreeSet<_>>(), used);
    assert_eq!(used.len(), 2, "{used:?}");
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], r["ruleId"].as_str().unwrap());
    }
    // The listed rules keep their whole metadata (the guide GitHub shows beside an alert).
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["help"]["markdown"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    crate::sarif_schema::assert_valid(&api);

    let web = sarif_of("team/web");
    assert_eq!(
        web["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
    assert_eq!(web["runs"][0]["results"], serde_json::json!([]));
    crate::sarif_schema::assert_valid(&web);
}

/// A stand-in for `ssh` that serves the repository from this machine: it runs the command git asks the
/// server to run (`git-upload-pack '<path>'`) locally, so `ssh://` URLs work without a network.
#[cfg(unix)]
fn serving_ssh(t: &TempTree) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = t.path().join("serving-ssh");
    // GIT_SSH_VARIANT=simple: the arguments are the host and the command.
    std::fs::write(&script, "#!/bin/sh\nexec sh -c \"$2\"\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// A complete report is kept on a rerun only while it is of the commit the ref still points at: a local
/// repository or a URL whose branch moved is scanned again, without --force.
#[cfg(unix)]
#[test]
fn a_rerun_scans_again_a_repository_whose_ref_has_moved() {
    let t = TempTree::new();
    let moving = TempTree::new();
    moving.write("README.md", "# moving\n");
    moving.git_commit_all();
    let served = TempTree::new();
    served.write("README.md", "# served\n");
    served.git_commit_all();
    git_repo(&t.path().join("still"), &[("README.md", "clean\n")]);
    let url = format!("ssh://git.example.invalid{}", served.path().display());
    t.write(
        "repos.txt",
        format!("still\n{} main\n{url}\n", moving.path().display()),
    );
    let ssh = serving_ssh(&t);
    let audit = || {
        run(audit_cmd(&t, "out")
            .env("GIT_SSH_COMMAND", &ssh)
            .env("GIT_SSH_VARIANT", "simple"))
    };
    let (code, _, stderr) = audit();
    assert_eq!(code, 0, "{stderr}");
    let first = summary(&t.path().join("out"));
    assert_eq!(first["totals"]["scanned"], 3, "{stderr}");

    // Both the local branch and the served one gain a password.
    for repo in [&moving, &served] {
        repo.write("app.env", format!("DB={SQL}\n"));
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "add settings"]);
    }
    let (code, _, stderr) = audit();
    assert_eq!(code, 1, "{stderr}");
    let s = summary(&t.path().join("out"));
    assert_eq!(entry(&s, "still")["status"], "skipped");
    let moving_dir = moving
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let served_dir = served
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(entry(&s, &moving_dir)["status"], "scanned", "{stderr}");
    assert_eq!(entry(&s, &served_dir)["status"], "scanned", "{stderr}");
    assert_eq!(s["totals"]["findings"], 2);
    assert_eq!(stderr.matches("its ref moved to").count(), 2, "{stderr}");
    // The report names the commit the ref points at now.
    let head = std::process::Command::new("git")
        .current_dir(moving.path())
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap().trim().to_string();
    assert_eq!(entry(&s, &moving_dir)["commit"], head.as_str());

    // Nothing moved since: everything is kept.
    let (code, _, stderr) = audit();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        summary(&t.path().join("out"))["totals"]["skipped"],
        3,
        "{stderr}"
    );
}
