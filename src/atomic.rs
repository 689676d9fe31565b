//! Writing report files so that a reader never sees half a report and a crash never eats the old one.
//!
//! A regular file (or a path that does not exist yet) is written to a temporary file in the same folder and
//! renamed over the target, keeping an existing file's permissions (new files get 0666 minus the umask).
//! Anything else, such as `/dev/null` or a FIFO, is written directly because it cannot be renamed over.

use anyhow::{Context, Result};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomically`], with the content written by `write` into a buffered writer: a large report
/// streams to the temporary file instead of being built in memory first (a 13 MB JSON report was 14 MiB
/// of a scan's peak).
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let existing = fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        let f = OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        let mut w = std::io::BufWriter::new(f);
        return write(&mut w)
            .and_then(|()| w.flush())
            .with_context(|| format!("writing {}", path.display()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let mut tmp_path = None;
    let mut file = None;
    for attempt in 0..100u32 {
        let candidate = dir.join(format!(
            ".{}.keyless-{}-{attempt}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o666);
        }
        match opts.open(&candidate) {
            Ok(f) => {
                tmp_path = Some(candidate);
                file = Some(f);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("creating a temporary file in {}", dir.display()))
            }
        }
    }
    let (tmp_path, mut file) = tmp_path
        .zip(file)
        .with_context(|| format!("no free temporary name in {}", dir.display()))?;
    let result = (|| -> Result<()> {
        let mut w = std::io::BufWriter::new(&mut file);
        write(&mut w)?;
        w.flush()?;
        drop(w);
        if let Some(m) = &existing {
            fs::set_permissions(&tmp_path, m.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp_path, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_of_an_existing_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.sarif");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&p, b"new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left behind"
        );
    }

    #[test]
    fn writes_through_non_regular_files() {
        write_atomically(Path::new("/dev/null"), b"x").unwrap();
    }

    /// A report that fails halfway through streaming leaves the old file as it was and no temporary file.
    #[test]
    fn a_failed_streaming_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        fs::write(&p, "old report").unwrap();
        let err = write_atomically_with(&p, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(std::io::Error::other("serialiser gave up"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("serialiser gave up"), "{err:#}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "old report");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically_with(&p, |w| w.write_all(b"new report")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new report");
    }
}
