//! Stage timings on stderr when `AISI_TIMINGS` is set: where a run spends its time, for
//! whoever tunes it (`AISI_TIMINGS=1 aisi run ...`). Silent otherwise.

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

/// Prints the time since [`init`] with a label.
pub fn mark(label: &str) {
    if let Some(t) = start() {
        eprintln!("[{:>8.3} s] {label}", t.elapsed().as_secs_f64());
    }
}
