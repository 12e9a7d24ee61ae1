//! Stage timings on stderr when `AISI_TIMINGS` is set: where a run spends its time and
//! memory, for whoever tunes it (`AISI_TIMINGS=1 aisi run ...`). Silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("AISI_TIMINGS").map(|_| Instant::now()))
        .as_ref()
}

/// Starts the clock (at the beginning of a command).
pub fn init() {
    let _ = start();
}

/// Prints the time since [`init`] with a label (and the process's resident memory, where
/// the system tells it).
pub fn mark(label: &str) {
    if let Some(t) = start() {
        match resident_mb() {
            Some(mb) => eprintln!("[{:>8.3} s {mb:>5} MB] {label}", t.elapsed().as_secs_f64()),
            None => eprintln!("[{:>8.3} s] {label}", t.elapsed().as_secs_f64()),
        }
    }
}

/// Resident memory in MB, from `/proc/self/statm` (Linux; pages of 4 KiB assumed).
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1 << 20))
}
