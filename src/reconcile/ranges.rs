//! Values as intervals: the days a date covers, the numbers an amount covers.

use serde_json::Value;

/// A comparable day: (year, month, day).
type Day = (i32, u32, u32);

/// The first and last day an ISO date value covers: `2024` → 2024-01-01..2024-12-31,
/// `2024-11` → the month, `A/B` → from A's first to B's last day.
pub fn date_range(v: &str) -> Option<(Day, Day)> {
    let (a, b) = v.split_once('/').unwrap_or((v, v));
    Some((date_bound(a, false)?, date_bound(b, true)?))
}

fn date_bound(s: &str, end: bool) -> Option<Day> {
    let mut it = s.trim().split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: Option<u32> = it.next().map(|x| x.parse().ok()).unwrap_or(None);
    let d: Option<u32> = it.next().map(|x| x.parse().ok()).unwrap_or(None);
    Some(match (m, d, end) {
        (Some(m), Some(d), _) => (y, m, d),
        (Some(m), None, false) => (y, m, 1),
        (Some(m), None, true) => (y, m, 31),
        (None, _, false) => (y, 1, 1),
        (None, _, true) => (y, 12, 31),
    })
}

pub(super) fn number_range(v: &Value) -> Option<(f64, f64)> {
    let n = |k: &str| v.get(k).and_then(Value::as_f64);
    n("amount")
        .or_else(|| n("value"))
        .map(|x| (x, x))
        .or_else(|| Some((n("min")?, n("max")?)))
}

pub(super) fn contains<T: PartialOrd>(outer: (T, T), inner: (T, T)) -> bool {
    outer.0 <= inner.0 && inner.1 <= outer.1
}

pub(super) fn overlaps<T: PartialOrd>(a: (T, T), b: (T, T)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}
