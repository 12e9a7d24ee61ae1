//! One document's time budget across the stages that run on the worker thread (find and
//! build), and the isolation of those stages: a panic or an overrun becomes that
//! document's failure, never the batch's.
//!
//! The deadline is kept per thread, so that the rule engines check it with one call
//! ([`check`]) instead of threading a parameter through every rule family. Past it,
//! [`check`] unwinds with a private payload that [`guarded`] turns into
//! [`Failure::Timeout`]; the panic hook stays silent for that payload.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The unwind payload of an overrun (not a bug, so not reported as one).
struct Expired;

/// Why a guarded stage gave no result.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The document's deadline passed.
    Timeout,
    /// The stage panicked; the panic's message.
    Panic(String),
}

/// Unwinds out of the current guarded stage once its deadline has passed. Cheap enough to
/// call per match.
#[inline]
pub fn check() {
    if let Some(d) = DEADLINE.get()
        && Instant::now() >= d
    {
        std::panic::resume_unwind(Box::new(Expired));
    }
}

/// Runs `f` with `deadline` as this thread's budget, catching panics and overruns.
pub fn guarded<T>(deadline: Option<Instant>, f: impl FnOnce() -> T) -> Result<T, Failure> {
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return Err(Failure::Timeout);
    }
    let before = DEADLINE.replace(deadline);
    let r = catch_unwind(AssertUnwindSafe(f));
    DEADLINE.set(before);
    r.map_err(|payload| {
        if payload.is::<Expired>() {
            Failure::Timeout
        } else {
            Failure::Panic(panic_message(payload.as_ref()))
        }
    })
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_panic_is_caught_with_its_message() {
        let r: Result<(), _> = guarded(None, || panic!("bad offset {}", 3));
        assert_eq!(r, Err(Failure::Panic("bad offset 3".into())));
    }

    #[test]
    fn an_overrun_unwinds_at_the_next_check() {
        let deadline = Instant::now() + Duration::from_millis(20);
        let r = guarded(Some(deadline), || {
            loop {
                check();
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        assert_eq!(r, Err(Failure::Timeout));
        // The budget ends with the guarded stage.
        check();
    }

    #[test]
    fn a_passed_deadline_does_not_start_the_stage() {
        let past = Instant::now() - Duration::from_millis(1);
        let mut ran = false;
        assert_eq!(guarded(Some(past), || ran = true), Err(Failure::Timeout));
        assert!(!ran);
    }

    #[test]
    fn work_within_its_budget_returns_its_value() {
        let later = Instant::now() + Duration::from_secs(60);
        assert_eq!(guarded(Some(later), || 7), Ok(7));
    }
}
