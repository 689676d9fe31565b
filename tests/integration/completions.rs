//! Shell completions and the man page come from the clap definitions.

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
