//! Shell completions, the man page and the help text come from the clap definitions.

use crate::util::*;

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let t = TempTree::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, stdout, stderr) = run(t.keyless().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains("scan"), "{shell}: {stdout}");
        assert!(stdout.contains("format"), "{shell}: options are completed");
        // PowerShell's script completes names only; the others complete --format's values too.
        if shell != "powershell" {
            assert!(
                stdout.contains("markdown"),
                "{shell}: format values are completed"
            );
        }
    }
    let (code, _, _) = run(t.keyless().args(["completions", "tcsh"]));
    assert_eq!(code, 2);
}

#[test]
fn the_man_page_is_roff_and_covers_scan() {
    let t = TempTree::new();
    let (code, stdout, stderr) = run(t.keyless().arg("man"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(".ie"),
        "{}",
        &stdout[..80.min(stdout.len())]
    );
    assert!(stdout.contains(".TH keyless"), "{stdout}");
    assert!(stdout.contains("keyless\\-scan"), "{stdout}");
    assert!(stdout.contains("\\-\\-show\\-secrets"), "{stdout}");
}

/// Every command's and every option's short help (what `-h` and the command list show) is one phrase on
/// one line: no line break, no final period, at most 100 characters. The details go under `--help`.
#[test]
fn every_short_help_is_one_line() {
    use clap::CommandFactory;
    fn check(cmd: &clap::Command, path: &str, bad: &mut Vec<String>) {
        let mut texts: Vec<(String, String)> = Vec::new();
        if let Some(about) = cmd.get_about() {
            texts.push((path.to_string(), about.to_string()));
        } else if path != "keyless help" {
            bad.push(format!("{path}: no help"));
        }
        for arg in cmd.get_arguments() {
            let name = format!("{path} {}", arg.get_id());
            match arg.get_help() {
                Some(help) => texts.push((name, help.to_string())),
                None if ["help", "version"].contains(&arg.get_id().as_str()) => {}
                None => bad.push(format!("{name}: no help")),
            }
        }
        for (name, text) in texts {
            if text.contains('\n') || text.ends_with('.') || text.chars().count() > 100 {
                bad.push(format!("{name}: {text:?}"));
            }
        }
        for sub in cmd.get_subcommands() {
            check(sub, &format!("{path} {}", sub.get_name()), bad);
        }
    }
    let mut cmd = keyless::cli::Cli::command();
    cmd.build();
    let mut bad = Vec::new();
    check(&cmd, "keyless", &mut bad);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `--help` shows the examples a new user starts from; `-h` stays short.
#[test]
fn help_shows_examples() {
    let t = TempTree::new();
    let (code, top, _) = run(t.keyless().arg("--help"));
    assert_eq!(code, 0);
    assert!(top.contains("Examples:\n  keyless scan "), "{top}");
    let (_, long, _) = run(t.keyless().args(["scan", "--help"]));
    assert!(long.contains("keyless scan --staged"), "{long}");
    assert!(long.contains("Exit codes: 0"), "{long}");
    let (_, short, _) = run(t.keyless().args(["scan", "-h"]));
    assert!(!short.contains("Examples:"), "{short}");
    assert!(short.lines().count() < long.lines().count() / 2, "{short}");
}
