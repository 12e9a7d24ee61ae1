//! All-numeric dates: `20/11/2024`, `11/20/2024`, `20.11.2024`, `10/15/98`, and day
//! ranges before them (`14–15.03.2024`, `4–5/03/2025`). Dots are day-first (European).
//! A slash date whose two orders are both valid and differ is read the way the document
//! writes its other dates: the engine counts "20 November 2024" against "November 20,
//! 2024" (and unambiguous numeric dates) and, on a tie, looks for the country the
//! document is from; with no evidence it is left out.

use super::{Ymd, in_url, interval, ready, year_of};
use crate::find::engine::{Found, Hit};
use serde_json::Value;

/// A numeric date to be read by the document's convention: `a/b/y`, with `a0` the first
/// day of a range ("4–5/03/2025").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ambiguous {
    pub a0: Option<u32>,
    pub a: u32,
    pub b: u32,
    pub y: i32,
}

/// Which way round a document writes its days and months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

/// Groups `a`, `sep`, `b`, `year`, optional `a0` (first day of a range).
pub fn numeric_date(hit: &Hit) -> Option<Found> {
    if in_url(hit.text, hit.start) {
        return None;
    }
    let a: u32 = hit.get("a")?.parse().ok()?;
    let b: u32 = hit.get("b")?.parse().ok()?;
    let a0: Option<u32> = match hit.get("a0") {
        Some(x) => Some(x.parse().ok()?),
        None => None,
    };
    let y = year_of(hit.get("year")?)?;
    let order = if hit.get("sep") == Some(".") || (a > 12 && b <= 12) {
        Order::DayFirst
    } else if (b > 12 && a <= 12) || (a == b && a0.is_none()) {
        Order::MonthFirst
    } else {
        let mut f = ready(String::new(), hit)?;
        f.value = Value::Null;
        f.pending = Some(super::Pending::Numeric(Ambiguous { a0, a, b, y }));
        return Some(f);
    };
    let v = read(Ambiguous { a0, a, b, y }, order)?;
    let mut f = ready(v, hit)?;
    let o = match order {
        Order::DayFirst => "day-first",
        Order::MonthFirst => "month-first",
    };
    f.extra.insert("order".into(), Value::String(o.into()));
    Some(f)
}

/// The value of a numeric date read in `order`.
pub fn read(n: Ambiguous, order: Order) -> Option<String> {
    let (m, d) = match order {
        Order::DayFirst => (n.b, n.a),
        Order::MonthFirst => (n.a, n.b),
    };
    let end = Ymd::day(n.y, m, d);
    if !end.valid() {
        return None;
    }
    match n.a0 {
        // Only a day-first date can have a range of days before it.
        Some(d0) if order == Order::DayFirst => interval(Ymd::day(n.y, m, d0), end),
        Some(_) => None,
        None => Some(end.iso()),
    }
}

/// An ambiguous numeric date that the document's conventions do not settle, settled by
/// time: when exactly one reading lies on the side of the reference date that the text
/// puts it ("accessed 12/03/2025", "closed on 12/03/2025" in a past-tense sentence: not
/// after the reference; a future-tense sentence: not before it), that reading.
fn read_by_time(n: Ambiguous, reference: Ymd, past: bool, future: bool) -> Option<String> {
    if !(past || future) || n.a0.is_some() || n.a == n.b {
        return None;
    }
    let key = |d: Ymd| (d.y, d.m.unwrap_or(0), d.d.unwrap_or(0));
    let r = key(reference);
    let fits: Vec<Ymd> = [(n.b, n.a), (n.a, n.b)]
        .into_iter()
        .map(|(m, d)| Ymd::day(n.y, m, d))
        .filter(|d| d.valid())
        .filter(|d| if past { key(*d) <= r } else { key(*d) >= r })
        .collect();
    match fits.as_slice() {
        [one] => Some(one.iso()),
        _ => None,
    }
}

/// [`read_by_time`] for the date at `start..end` of `text`: on or before the reference
/// after an access cue or in a past-tense sentence, on or after it in a future-tense one.
pub fn read_in_time(
    n: Ambiguous,
    reference: Ymd,
    text: &str,
    start: usize,
    end: usize,
) -> Option<String> {
    let tense = super::TenseRead::Sentence.read(text, start, end);
    let past = access_cue(super::before(text, start, 24)) || tense == super::Tense::Past;
    read_by_time(n, reference, past, tense == super::Tense::Future)
}

/// Whether the words before a date say it is when something was consulted: a citation's
/// access date, never after the citing document.
fn access_cue(before: &str) -> bool {
    let b = before.trim_end().to_ascii_lowercase();
    let b = b.strip_suffix(" on").unwrap_or(&b).trim_end();
    let b = b.strip_suffix(':').unwrap_or(b).trim_end();
    [
        "accessed",
        "retrieved",
        "consulted",
        "viewed",
        "visited",
        "last checked",
    ]
    .iter()
    .any(|w| b.ends_with(w))
}

/// The order a document's cues point to: its country when it names one early (a UK,
/// European or Australian page writes days first, a US one months first).
pub fn order_from_country(text: &str) -> Option<Order> {
    let head = &text[..super::floor_char(text, 4000.min(text.len()))];
    const DAY_FIRST: [&str; 14] = [
        "United Kingdom",
        " UK ",
        "London",
        "£",
        "€",
        "Europe",
        "France",
        "Australia",
        "Canberra",
        "New Zealand",
        "Germany",
        "India",
        "Singapore",
        "Ireland",
    ];
    const MONTH_FIRST: [&str; 4] = [
        "United States",
        "U.S.",
        "Washington",
        "Department of Commerce",
    ];
    let first = |cues: &[&str]| cues.iter().filter_map(|c| head.find(c)).min();
    match (first(&DAY_FIRST), first(&MONTH_FIRST)) {
        (Some(_), None) => Some(Order::DayFirst),
        (None, Some(_)) => Some(Order::MonthFirst),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unsettled_numeric_date_is_read_on_the_side_of_the_reference_its_text_says() {
        let n = Ambiguous {
            a0: None,
            a: 12,
            b: 3,
            y: 2025,
        };
        let published = Ymd::day(2025, 6, 10);
        // 3 December 2025 is after the publication: a past event is 12 March.
        assert_eq!(
            read_by_time(n, published, true, false).as_deref(),
            Some("2025-03-12")
        );
        // Both readings of a plan lie ahead: nothing settles it.
        assert_eq!(read_by_time(n, Ymd::day(2025, 1, 10), false, true), None);
        // No tense, no reading.
        assert_eq!(read_by_time(n, published, false, false), None);
        assert!(access_cue("Source: OECD (2024), accessed on "));
        assert!(access_cue("Retrieved: "));
        assert!(!access_cue("The forum opened on "));
    }

    use super::*;

    #[test]
    fn numeric_dates_read_either_way_and_as_ranges() {
        let n = Ambiguous {
            a0: None,
            a: 7,
            b: 3,
            y: 2025,
        };
        assert_eq!(read(n, Order::DayFirst).unwrap(), "2025-03-07");
        assert_eq!(read(n, Order::MonthFirst).unwrap(), "2025-07-03");
        let r = Ambiguous {
            a0: Some(4),
            a: 5,
            b: 3,
            y: 2025,
        };
        assert_eq!(read(r, Order::DayFirst).unwrap(), "2025-03-04/2025-03-05");
        assert_eq!(read(r, Order::MonthFirst), None);
    }

    #[test]
    fn a_country_named_early_gives_the_order() {
        assert_eq!(
            order_from_country("Location: London, UK\nPosted 07/03/2025"),
            Some(Order::DayFirst)
        );
        assert_eq!(
            order_from_country("U.S. Department of Commerce"),
            Some(Order::MonthFirst)
        );
        assert_eq!(order_from_country("Posted 07/03/2025"), None);
    }
}
