//! Each input file's identity (its SHA-256), read once per run. Hashing a large corpus
//! is the one cost a run that changes nothing cannot skip, so hashes are remembered in the
//! cache with the file's status (size, modification and change times, inode) and reused
//! while that status is unchanged, as git and make trust file status.
//!
//! A write to a file always moves its change time (`ctime`), which no user command can set
//! back; a hash is reused only if the file's change time was more than a second before the
//! hash was taken, so that a write in the same clock tick as the hashing cannot go unseen
//! (such a file is hashed again next time).

use crate::corpus::InputFile;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A file's identity for this run.
pub struct Hashed {
    pub sha256: String,
    pub read_error: Option<String>,
}

/// What the cache remembers of a file, by document name.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Stamp {
    pub len: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
    /// The file's last change was over a second before its hash was taken (its status
    /// is read just before the bytes): a later write would have moved the change time.
    /// (A flag, not the time, so that the cache holds the same bytes for the same files.)
    pub settled: bool,
    pub sha256: String,
}

/// The margin between a file's last change and its hashing for the hash to be trusted.
const RACY: Duration = Duration::from_secs(1);

fn nanos(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// The status part of a stamp, when the platform gives it.
#[cfg(unix)]
fn status(m: &std::fs::Metadata) -> Option<(u64, i64, i64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((
        m.len(),
        m.mtime() * 1_000_000_000 + m.mtime_nsec(),
        m.ctime() * 1_000_000_000 + m.ctime_nsec(),
        m.ino(),
    ))
}

#[cfg(not(unix))]
fn status(_: &std::fs::Metadata) -> Option<(u64, i64, i64, u64)> {
    // No change time: always hash.
    None
}

/// The file's hash: from `known` when its status is unchanged and was settled when the
/// hash was taken, else read and hashed. Returns the stamp to remember, if any.
pub fn hash(input: &InputFile, known: Option<&Stamp>) -> (Hashed, Option<Stamp>) {
    let now = nanos(SystemTime::now());
    let st = std::fs::metadata(&input.path)
        .ok()
        .as_ref()
        .and_then(status);
    if let (Some((len, mtime_ns, ctime_ns, ino)), Some(k)) = (st, known)
        && k.len == len
        && k.mtime_ns == mtime_ns
        && k.ctime_ns == ctime_ns
        && k.ino == ino
        && k.settled
    {
        let h = Hashed {
            sha256: k.sha256.clone(),
            read_error: None,
        };
        return (h, Some(k.clone()));
    }
    let h = hash_file(input);
    let stamp = match (st, &h.read_error) {
        (Some((len, mtime_ns, ctime_ns, ino)), None) => Some(Stamp {
            len,
            mtime_ns,
            ctime_ns,
            ino,
            settled: ctime_ns < now - RACY.as_nanos() as i64,
            sha256: h.sha256.clone(),
        }),
        _ => None,
    };
    (h, stamp)
}

fn hash_file(input: &InputFile) -> Hashed {
    use std::io::Read;
    let mut h = Sha256::new();
    let r = std::fs::File::open(&input.path).and_then(|mut f| {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            h.update(&buf[..n]);
        }
    });
    match r {
        Ok(()) => Hashed {
            sha256: hex::encode(h.finalize()),
            read_error: None,
        },
        Err(e) => Hashed {
            sha256: hex::encode(Sha256::digest(b"")),
            read_error: Some(format!("cannot read file: {e}")),
        },
    }
}

/// Stamps by document name, as the cache stores them (sorted: the same files give the same
/// bytes).
pub type Stamps = BTreeMap<String, Stamp>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn input(path: &std::path::Path) -> InputFile {
        InputFile {
            path: path.to_path_buf(),
            doc: "a.txt".into(),
            format: Format::Text,
            sidecar: None,
            sidecar_error: None,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_stamp_is_trusted_only_while_the_file_is_untouched_and_settled() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "one").unwrap();
        let (h, stamp) = hash(&input(&p), None);
        let mut stamp = stamp.expect("a stamp on this platform");
        // Just written: hashed in the same second, so not trusted yet.
        assert!(!stamp.settled);
        stamp.sha256 = "remembered".into();
        let (again, _) = hash(&input(&p), Some(&stamp));
        assert_eq!(again.sha256, h.sha256);
        // Settled before it was hashed: trusted.
        stamp.settled = true;
        let (again, _) = hash(&input(&p), Some(&stamp));
        assert_eq!(again.sha256, "remembered");
        // Any write moves the change time: hashed again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&p, "two").unwrap();
        let (again, _) = hash(&input(&p), Some(&stamp));
        assert_eq!(again.sha256, hex::encode(Sha256::digest(b"two")));
    }
}
