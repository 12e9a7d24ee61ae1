//! One writer per output folder: an advisory lock on `<out>/.lock`, held for the whole run.
//!
//! The operating system releases the lock when the process ends, however it ends (kill -9
//! included), so a stale lock file never blocks the next run. The file holds the writer's
//! pid only to name it in the message a second writer gets; it is never trusted for locking,
//! and is emptied when the run ends.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside the output folder.
pub const LOCK_FILE: &str = ".lock";

/// The held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    out: PathBuf,
}

impl Drop for OutputLock {
    /// Empties the file before the lock goes, so that a finished run leaves the same
    /// output folder whatever its pid was (two runs compare byte for byte).
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

impl OutputLock {
    /// Takes the lock on `out` (created if missing), or fails at once naming the holder.
    pub fn acquire(out: &Path) -> Result<OutputLock> {
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create output folder {}", out.display()))?;
        let path = out.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {holder})")
                };
                anyhow::bail!(
                    "another aisi run is writing {}{who}; wait for it or use another --out",
                    display_dir(out)
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        // Best effort: the pid is only informative.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(OutputLock {
            file,
            out: out.to_path_buf(),
        })
    }

    /// The output folder this lock guards.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

/// `output/` for a folder named `output`: how people name a folder in a message.
fn display_dir(p: &Path) -> String {
    let s = p.display().to_string();
    if s.ends_with('/') { s } else { format!("{s}/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path()).unwrap();
        let err = OutputLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("another aisi run is writing"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        OutputLock::acquire(dir.path()).expect("free again once dropped");
    }
}
