//! Progress bars on stderr for long runs: documents extracted and matched. Drawn only
//! when stderr is a terminal and the run is not `--quiet`, so logs and pipes stay clean.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bars of one run; every method is a no-op when hidden.
pub struct Progress {
    multi: MultiProgress,
    extracted: ProgressBar,
    matched: ProgressBar,
    cached: AtomicUsize,
}

impl Progress {
    /// Bars for `total` documents, visible only on a terminal and when not `quiet`.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template(
            "{prefix:>9} [{bar:30}] {pos}/{len} documents {msg} ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = |prefix: &'static str| {
            let b = multi.add(ProgressBar::new(total as u64));
            b.set_style(style.clone());
            b.set_prefix(prefix);
            b
        };
        let extracted = bar("extracted");
        let matched = bar("matched");
        Progress {
            multi,
            extracted,
            matched,
            cached: AtomicUsize::new(0),
        }
    }

    /// One more document has its text (`cached`: taken from the cache).
    pub fn extracted(&self, cached: bool) {
        self.extracted.inc(1);
        if cached {
            let n = self.cached.fetch_add(1, Ordering::Relaxed) + 1;
            self.extracted.set_message(format!("({n} from the cache)"));
        }
    }

    /// One more document has its mentions.
    pub fn matched(&self) {
        self.matched.inc(1);
    }

    /// Removes the bars so the summary line follows cleanly.
    pub fn finish(&self) {
        self.extracted.finish_and_clear();
        self.matched.finish_and_clear();
        let _ = self.multi.clear();
    }
}
