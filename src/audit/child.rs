//! Running the audit's children (git, and `keyless scan` in each clone) so that `--repo-timeout` and an
//! interrupt stop all of their work, not only the process keyless started.
//!
//! git hands a clone to helpers of its own (`ssh`, `git-remote-https`, credential helpers), and a clone
//! that hangs usually hangs in one of them: killing git alone would leave the helper running after the
//! audit has moved on, or ended. So on Unix each child leads a process group of its own, and at the
//! deadline the whole group is killed. A child outside keyless's group no longer receives the terminal's
//! Ctrl-C, so while an audit runs, SIGINT, SIGTERM and SIGHUP are passed on to the running child's group
//! before they end keyless as they would have anyway. Elsewhere only the child itself can be killed.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// When the repository's time (`--repo-timeout`) runs out, and how long it was, for the message.
#[derive(Clone, Copy)]
pub struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + limit,
            limit,
        }
    }
}

/// The process group of the child running now (0: none), for the thread that forwards signals.
static RUNNING_GROUP: AtomicU32 = AtomicU32::new(0);

/// Runs a child with stdin empty and stderr to `log`, killing it and every process it started at the
/// deadline.
pub fn run_status(
    cmd: &mut Command,
    deadline: Deadline,
    log: &Path,
    what: &str,
) -> Result<ExitStatus> {
    let err = std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    cmd.stdin(Stdio::null()).stderr(err);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let mut child = cmd.spawn().with_context(|| format!("cannot run {what}"))?;
    RUNNING_GROUP.store(child.id(), Ordering::SeqCst);
    let status = wait_until(&mut child, deadline.at);
    RUNNING_GROUP.store(0, Ordering::SeqCst);
    match status? {
        Some(status) => Ok(status),
        None => bail!(
            "timed out after {} s (--repo-timeout) during {what}",
            deadline.limit.as_secs()
        ),
    }
}

/// The child's exit status, or None if the deadline came first (the child's group is killed then).
fn wait_until(child: &mut Child, deadline: Instant) -> Result<Option<ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            #[cfg(unix)]
            kill_group(child.id(), rustix::process::Signal::KILL);
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn kill_group(group: u32, signal: rustix::process::Signal) {
    if let Some(pid) = rustix::process::Pid::from_raw(group as i32) {
        let _ = rustix::process::kill_process_group(pid, signal);
    }
}

/// From here on, SIGINT, SIGTERM and SIGHUP reach the running child's group too, then end keyless as
/// they would have without this (same signal, same exit status).
pub fn forward_interrupts() -> Result<()> {
    #[cfg(unix)]
    {
        use rustix::process::Signal;
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            .context("handling interrupts")?;
        std::thread::spawn(move || {
            for signal in signals.forever() {
                let forwarded = match signal {
                    SIGINT => Signal::INT,
                    SIGHUP => Signal::HUP,
                    _ => Signal::TERM,
                };
                kill_group(RUNNING_GROUP.load(Ordering::SeqCst), forwarded);
                let _ = signal_hook::low_level::emulate_default_handler(signal);
            }
        });
    }
    Ok(())
}

/// git that never stops to ask for a password (a prompt would hang the shard until its timeout).
pub fn git(cwd: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(cwd)
        .stdout(Stdio::null())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never");
    cmd
}
