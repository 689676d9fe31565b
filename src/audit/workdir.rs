//! The audit's private work folder in the temp folder, for the clones and the scans' reports: kept out
//! of --out-dir, which may be a network share (the Kubernetes example's is) and is uploaded whole.
//!
//! An audit that is killed cannot remove its folder, and a clone can take gigabytes, so each run first
//! removes the folders that killed audits left. Whether an audit still runs is told by a lock, not by a
//! process id: each folder holds a `lock` file that its audit keeps locked (flock) while it lives, and the
//! kernel drops the lock however the audit ends, SIGKILL included. Process ids are reused, and they lie
//! where containers with process ids of their own share one temp folder. A folder is made under a hidden
//! name and renamed once its lock is held, so no sweep sees a live folder unlocked. Without flock
//! (Windows) nothing is swept.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

const PREFIX: &str = "keyless-audit-";
#[cfg(unix)]
const LOCK: &str = "lock";

/// A work folder, removed when the audit ends (and by a later run's sweep if this one is killed).
pub struct WorkDir {
    pub path: PathBuf,
    /// Held open for the folder's life: the lock is what tells a sweep that this audit still runs.
    #[cfg(unix)]
    _lock: std::fs::File,
}

impl WorkDir {
    /// Sweeps `base` (see the module's comment), then makes this run's folder in it.
    pub fn new_in(base: &Path) -> Result<WorkDir> {
        let swept = sweep(base);
        if swept > 0 {
            eprintln!(
                "keyless: removed {swept} work folder{} that stopped audits left in {}",
                if swept == 1 { "" } else { "s" },
                base.display()
            );
        }
        for attempt in 0..100u32 {
            let name = format!("{PREFIX}{}-{attempt}", std::process::id());
            let path = base.join(&name);
            let hidden = base.join(format!(".{name}"));
            if path.exists() {
                continue;
            }
            match std::fs::create_dir(&hidden) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("creating {}", hidden.display())),
            }
            let made = lock(&hidden).and_then(|lock| {
                #[cfg(not(unix))]
                let () = lock;
                std::fs::rename(&hidden, &path)
                    .with_context(|| format!("renaming {}", hidden.display()))?;
                Ok(WorkDir {
                    path,
                    #[cfg(unix)]
                    _lock: lock,
                })
            });
            if made.is_err() {
                let _ = std::fs::remove_dir_all(&hidden);
            }
            return made;
        }
        bail!("no free work folder name in {}", base.display())
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Creates the folder's lock file and takes its lock, for as long as the file stays open.
#[cfg(unix)]
fn lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(LOCK);
    let file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    try_lock(&file).with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

#[cfg(not(unix))]
fn lock(_dir: &Path) -> Result<()> {
    Ok(())
}

#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive)?;
    Ok(())
}

/// Removes the work folders in `base` whose audit has ended; returns how many. A folder without a lock
/// file (an older keyless's, or not an audit's) is left alone.
#[cfg(unix)]
fn sweep(base: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(base) else {
        return 0;
    };
    let mut swept = 0;
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let path = entry.path();
        let Ok(lock) = std::fs::File::open(path.join(LOCK)) else {
            continue;
        };
        // Held by this sweep until the folder is gone, so a second sweep does not race it.
        if try_lock(&lock).is_ok() && std::fs::remove_dir_all(&path).is_ok() {
            swept += 1;
        }
    }
    swept
}

#[cfg(not(unix))]
fn sweep(_base: &Path) -> usize {
    0
}
