//! Date normalisers: turn the named groups of a date rule into an ISO 8601 value at the
//! precision the text states (`2024`, `2024-11`, `2024-11-20`, intervals `A/B`, ISO weeks).
//!
//! Year-less ("in May", "on November 20") and relative ("last year", "today", "Monday")
//! expressions cannot be valued from their own text: their normalisers return a
//! [`Pending`] that `engine` resolves once every dated mention of the document is known.
//! Nothing here reads anything but the match, its neighbourhood and the reference date.

pub mod fiscal;
pub mod numeric;
pub mod ranges;
pub mod relative;
pub mod words;

pub use fiscal::{FiscalSystem, era_year, fiscal_quarter, fiscal_year, year_pair};
pub use numeric::numeric_date;
pub use relative::{
    Anaphor, Relative, Tense, TenseRead, anaphor, relative, resolve_anaphor, resolve_relative,
    today_in_tense,
};
pub use words::{century, decade_word, holiday, spelled_year};

// Char-boundary helpers and bounded look-behind live with the other bounded look-around.
use super::engine::{Found, Hit};
use super::found;
pub use super::lines::{before, ceil_char, floor_char};
use serde_json::Value;

/// A calendar point at year, month or day precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: Option<u32>,
    pub d: Option<u32>,
}

impl Ymd {
    pub fn year(y: i32) -> Ymd {
        Ymd {
            y,
            m: None,
            d: None,
        }
    }
    pub fn month(y: i32, m: u32) -> Ymd {
        Ymd {
            y,
            m: Some(m),
            d: None,
        }
    }
    pub fn day(y: i32, m: u32, d: u32) -> Ymd {
        Ymd {
            y,
            m: Some(m),
            d: Some(d),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a longer ISO stamp is cut to its date).
    pub fn parse(s: &str) -> Option<Ymd> {
        let s = s.get(..10.min(s.len()))?;
        let mut it = s.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next().map(|x| x.parse().ok()).unwrap_or(None);
        let d = it.next().map(|x| x.parse().ok()).unwrap_or(None);
        let r = Ymd { y, m, d };
        r.valid().then_some(r)
    }

    pub fn valid(&self) -> bool {
        match (self.m, self.d) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(self.y, m),
            (None, Some(_)) => false,
        }
    }

    pub fn iso(&self) -> String {
        match (self.m, self.d) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.y),
            (Some(m), None) => format!("{:04}-{m:02}", self.y),
            _ => format!("{:04}", self.y),
        }
    }
}

/// An interval `a/b`, or a point when both ends are equal.
pub fn interval(a: Ymd, b: Ymd) -> Option<String> {
    if !a.valid() || !b.valid() {
        return None;
    }
    if a == b {
        return Some(a.iso());
    }
    // An end before its start is a misreading (a page range, a phone number).
    let end_first =
        (b.y, b.m.unwrap_or(12), b.d.unwrap_or(31)) < (a.y, a.m.unwrap_or(1), a.d.unwrap_or(1));
    if end_first {
        return None;
    }
    Some(format!("{}/{}", a.iso(), b.iso()))
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// ISO weekday, Monday = 1 .. Sunday = 7.
pub fn weekday(y: i32, m: u32, d: u32) -> u32 {
    // 1970-01-01 was a Thursday (4).
    ((days_from_civil(y, m, d) + 3).rem_euclid(7) + 1) as u32
}

/// The ISO week (`2024-W47`) that holds a day.
pub fn iso_week(y: i32, m: u32, d: u32) -> String {
    let days = days_from_civil(y, m, d);
    let thursday = days - weekday(y, m, d) as i64 + 4;
    let (ty, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(ty, 1, 1)) / 7 + 1;
    format!("{ty:04}-W{week:02}")
}

/// Month names in full, lowercase, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub fn month_num(s: &str) -> Option<u32> {
    let l = s.trim_end_matches('.').to_lowercase();
    if let Ok(n) = l.parse::<u32>() {
        return (1..=12).contains(&n).then_some(n);
    }
    // French and German month names whose first three letters are not the English ones.
    if let Some(m) = match l.as_str() {
        "février" | "fevrier" | "februar" => Some(2),
        "märz" | "maerz" => Some(3),
        "avril" => Some(4),
        "mai" => Some(5),
        "juin" | "juni" => Some(6),
        "juillet" | "juli" => Some(7),
        "août" | "aout" => Some(8),
        "oktober" => Some(10),
        "décembre" | "dezember" => Some(12),
        _ => None,
    } {
        return Some(m);
    }
    let p = l.get(..3)?;
    let m = match p {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// Numbers written as words or digits ("two", "twelve", "3").
pub fn small_number(s: &str) -> Option<i64> {
    let l = s.trim().to_ascii_lowercase();
    if let Ok(n) = l.replace(',', "").parse::<i64>() {
        return Some(n);
    }
    if let Some(n) = crate::find::cardinals::unit(&l) {
        return Some(i64::from(n));
    }
    match l.as_str() {
        "a" | "an" | "a single" => Some(1),
        "twenty" => Some(20),
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "hundred" | "a hundred" | "one hundred" => Some(100),
        _ => None,
    }
}

/// A day of the month written as an ordinal word, as agreements date their signature ("on
/// the first day of April", "this twenty-third day of May"): 1 to 31.
pub fn ordinal_day(s: &str) -> Option<u32> {
    let l = s
        .to_ascii_lowercase()
        .replace([' ', '\u{2010}', '\u{2011}'], "-");
    let ordinal = |w: &str| {
        words::ORDINALS
            .iter()
            .position(|o| *o == w)
            .filter(|&i| i > 0)
            .map(|i| i as u32)
    };
    if let Some(n) = ordinal(&l) {
        return Some(n);
    }
    if l == "thirtieth" {
        return Some(30);
    }
    let (tens, rest) = l.split_once('-')?;
    match (tens, ordinal(rest)?) {
        ("twenty", u @ 1..=9) => Some(20 + u),
        ("thirty", 1) => Some(31),
        _ => None,
    }
}

/// A year of four digits, or of two ("'98", "10/15/98"): 50–99 are the 1900s, 00–49 the
/// 2000s.
fn year_of(s: &str) -> Option<i32> {
    let s = s.trim_start_matches(['\'', '\u{2019}']);
    let y: i32 = s.parse().ok()?;
    Some(match s.len() {
        2 if y >= 50 => 1900 + y,
        2 => 2000 + y,
        _ => y,
    })
}

/// A date the engine values after the whole document has been read.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// A month (and day) without a year; the `*2` fields for ranges. `year_offset` is
    /// stated beside it ("August last year": -1); `tense` is its sentence's.
    YearLess {
        month: u32,
        day: Option<u32>,
        month2: Option<u32>,
        day2: Option<u32>,
        year_offset: Option<i64>,
        tense: Tense,
        /// "the week of April 16": the Monday–Sunday week that holds the day.
        week: bool,
    },
    /// Relative to the reference date.
    Relative(Relative),
    /// Relative to the date the text named last.
    Anaphor(Anaphor),
    /// An all-numeric date whose order (day or month first) the document decides.
    Numeric(numeric::Ambiguous),
}

/// "last year" (-1), "this year" (0), "next year" (1) beside a year-less date.
fn year_offset(s: &str) -> Option<i64> {
    let l = s.to_lowercase();
    let w = l.split_whitespace().next()?;
    match w {
        "last" | "previous" => Some(-1),
        "this" => Some(0),
        "next" | "coming" => Some(1),
        _ => None,
    }
}

fn ready(value: String, hit: &Hit) -> Option<Found> {
    Some(found(Value::String(value), hit))
}

fn pending(p: Pending, hit: &Hit) -> Option<Found> {
    Some(Found {
        pending: Some(p),
        ..found(Value::Null, hit)
    })
}

/// [`pending`], with the tense of its sentence to be read as `read` says once the engine
/// keeps the date.
fn pending_in_tense(p: Pending, hit: &Hit, read: TenseRead) -> Option<Found> {
    Some(Found {
        pending: Some(p),
        tense: Some(read),
        ..found(Value::Null, hit)
    })
}

impl Pending {
    /// Sets the tense a normaliser left to be read ([`Found::tense`]).
    pub fn set_tense(&mut self, t: Tense) {
        match self {
            Pending::YearLess { tense, .. }
            | Pending::Relative(Relative::Holiday { tense, .. }) => *tense = t,
            _ => {}
        }
    }
}

/// Calendar dates, months, years and ranges of these, from the groups `year`, `month`,
/// `day` and `year2`, `month2`, `day2` for the end of a range. Missing end fields are taken
/// from the start and the other way round ("November 21 and 22, 2024", "from May to July
/// 2024"). Without any year the date is left to the year-less resolution.
pub fn date(hit: &Hit) -> Option<Found> {
    if in_url(hit.text, hit.start) {
        return None;
    }
    let num = |g: &str| {
        hit.get(g).and_then(|s| {
            s.trim_end_matches(char::is_alphabetic)
                .parse::<u32>()
                .ok()
                .or_else(|| ordinal_day(s))
        })
    };
    let mon = |g: &str| hit.get(g).and_then(month_num);
    let (y1, y2) = (
        hit.get("year").and_then(year_of),
        hit.get("year2").and_then(year_of),
    );
    let (m1, m2, d1, d2) = (mon("month"), mon("month2"), num("day"), num("day2"));
    if hit.get("month").is_some() && m1.is_none() || hit.get("month2").is_some() && m2.is_none() {
        return None;
    }
    let ranged = y2.is_some() || m2.is_some() || d2.is_some();
    // "the week of April 16": the week that holds the day.
    let week_of_day = hit.get("weekof").is_some() && d1.is_some() && !ranged;
    if y1.is_none() && y2.is_none() {
        let month = m1.or(m2)?;
        // A bare "March" that heads a name is the noun: "the March for Life", "a March of
        // the Mothers".
        if d1.is_none() && m2.is_none() && hit.get("month") == Some("March") {
            let after = &hit.text[hit.end..];
            let name = |w: &str| {
                after
                    .strip_prefix(w)
                    .is_some_and(|r| r.trim_start_matches("the ").starts_with(char::is_uppercase))
            };
            if name(" for ") || name(" of ") {
                return None;
            }
        }
        // Refuse now what no year can make a date ("26-02 March", "May 35"), so that it
        // does not take the place of a real date it overlaps.
        let probe = Pending::YearLess {
            month,
            day: d1,
            month2: m2.filter(|_| m1.is_some()),
            day2: d2,
            year_offset: None,
            tense: Tense::Unknown,
            week: false,
        };
        resolve_yearless(&probe, 2024)?;
        return pending_in_tense(
            Pending::YearLess {
                month,
                day: d1,
                month2: m2.filter(|_| m1.is_some()),
                day2: d2,
                year_offset: hit.get("yrel").and_then(year_offset),
                tense: Tense::Unknown,
                week: week_of_day,
            },
            hit,
            TenseRead::Sentence,
        );
    };
    // "December–February 2025": a start month after the end month lies in the year before.
    let start_y = match (y1, y2, m1, m2) {
        (None, Some(y), Some(a), Some(b)) if a > b && d1.is_none() => y - 1,
        _ => y1.or(y2)?,
    };
    let start = Ymd {
        y: start_y,
        m: m1.or(if d1.is_some() { m2 } else { None }),
        d: d1,
    };
    if !ranged {
        if !start.valid() {
            return None;
        }
        return ready(day_or_week(&start, week_of_day)?, hit);
    }
    let end = Ymd {
        y: y2.unwrap_or(start_y),
        m: m2.or(if d2.is_some() || y2.is_none() {
            m1
        } else {
            None
        }),
        d: d2,
    };
    // "May to July 2024": the start takes the end's year; "2023 to May 2024" stays a year.
    interval(start, end).and_then(|v| ready(v, hit))
}

/// A bare four-digit year, refused where the digits belong to something else: an amount,
/// an identifier (`42001:2023`), a URL or path, a count ("2000 staff").
pub fn year(hit: &Hit) -> Option<Found> {
    let y = year_of(hit.get("year")?)?;
    let t = hit.text.as_bytes();
    let (s, e) = (hit.start, hit.end);
    let before = t.get(s.wrapping_sub(1)).copied().unwrap_or(b' ');
    let after = t.get(e).copied().unwrap_or(b' ');
    if before.is_ascii_alphanumeric() || after.is_ascii_alphanumeric() {
        return None;
    }
    // "post-1959", "pre-2020": the hyphen joins a prefix of time, not an identifier.
    let time_prefix = before == b'-' && {
        let w = hit.text[..s - 1]
            .rsplit(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        w.eq_ignore_ascii_case("pre") || w.eq_ignore_ascii_case("post")
    };
    if (!time_prefix
        && matches!(
            before,
            b':' | b'/' | b'#' | b'$' | b'.' | b',' | b'_' | b'=' | b'-' | b'+' | b'\\'
        ))
        || matches!(after, b'%' | b'/' | b'_' | b'=')
    {
        // "2023-11" and "2024-2030" are other rules' business; a lone hyphen joins an
        // identifier ("ISO-2022"). "2024." and "2024," end sentences and stay dates.
        return None;
    }
    if matches!(after, b'.' | b',' | b':' | b'-')
        && t.get(e + 1).is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    if in_url(hit.text, s) || bracketed_identifier(hit.text, s, e) {
        return None;
    }
    let rest = &hit.text[e..floor_char(hit.text, (e + 24).min(hit.text.len())).max(e)];
    let next_word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    // People and things counted in reports: a year seldom qualifies them ("the 2024
    // elections" does, "1990 volunteers" is a count).
    const COUNTED: &[&str] = &[
        "million",
        "billion",
        "thousand",
        "people",
        "staff",
        "employees",
        "members",
        "volunteers",
        "researchers",
        "scientists",
        "engineers",
        "workers",
        "students",
        "experts",
        "officials",
        "delegates",
        "attendees",
        "soldiers",
        "troops",
        "jobs",
        "signatories",
        "applicants",
        "investors",
        "accounts",
        "contracts",
        "households",
        "homes",
        "businesses",
        "feet",
        "miles",
        "votes",
        "organizations",
        "organisations",
        "companies",
        "participants",
        "flops",
        "flop",
        "tokens",
        "gpus",
        "users",
        "respondents",
        "times",
        "words",
        "pages",
        "km",
        "kg",
    ];
    if COUNTED.contains(&next_word.as_str()) {
        return None;
    }
    let prev = hit.text[..s].trim_end();
    let prev_word: String = prev
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .to_lowercase();
    // Numbered things: "Flight 2024", "Room 2022", "paragraph 2024", "PO Box 2019".
    const NOT_YEAR_AFTER: &[&str] = &[
        "page",
        "pages",
        "p",
        "pp",
        "no",
        "number",
        "over",
        "approximately",
        "about",
        "than",
        "section",
        "article",
        "flight",
        "room",
        "paragraph",
        "para",
        "exit",
        "box",
        "highway",
        "route",
        "suite",
        "gate",
        "platform",
        "apartment",
        "apt",
        "unit",
        "units",
        "figure",
        "fig",
        "chapter",
        "clause",
        "item",
        "table",
    ];
    if NOT_YEAR_AFTER.contains(&prev_word.as_str()) && !prev.ends_with(')') {
        return None;
    }
    // A year before 1900 only as the time of a clause ("founded in 1887.", "since 1850
    // and"), never as a number ("in 1850 cases", "1776 votes").
    if y < 1900
        && !(matches!(
            prev_word.as_str(),
            "in" | "since" | "until" | "before" | "after" | "from" | "by"
        ) && !prev.ends_with(')')
            && matches!(
                next_word.as_str(),
                "" | "and" | "or" | "to" | "when" | "until" | "but" | "the" | "with"
            ))
    {
        return None;
    }
    ready(Ymd::year(y).iso(), hit)
}

/// Whether the year at `s..e` is the bracketed middle of a document number: capitals
/// run straight into the bracket and a number follows it ("C(2024) 390", "COM(2021)
/// 206", "SWD(2023) 12 final"). A citation's year has a space before its bracket.
fn bracketed_identifier(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    if s < 2 || b[s - 1] != b'(' || b.get(e) != Some(&b')') || !b[s - 2].is_ascii_uppercase() {
        return false;
    }
    let rest = text[e + 1..].trim_start_matches([' ', '\u{a0}']);
    rest.len() < text.len() - e - 1 && rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether offset `at` lies inside a URL or e-mail-like token.
pub fn in_url(text: &str, at: usize) -> bool {
    // Step past the separator by its own width: it may be a multi-byte space (U+00A0, U+2003, …).
    let window = super::lines::before(text, at, super::lines::LINE_REACH);
    let base = at - window.len();
    let from = base
        + window
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || c == '<' || c == '(' || c == '"' || c == '[')
            .map_or(0, |(i, c)| i + c.len_utf8());
    let token = &text[from..at];
    token.contains("://") || token.starts_with("www.") || token.contains('/') || token.contains('@')
}

/// "Q1 2025", "the first quarter of 2025", "2025 Q3".
pub fn quarter(hit: &Hit) -> Option<Found> {
    let q = ordinal(hit.get("quarter")?)?;
    if !(1..=4).contains(&q) {
        return None;
    }
    let m = (q - 1) * 3 + 1;
    // "the third quarter" takes its year like a year-less month.
    let Some(y) = hit.get("year").and_then(year_of) else {
        return latest_three_months(m, hit.get("yrel").and_then(year_offset), hit);
    };
    interval(Ymd::month(y, m), Ymd::month(y, m + 2)).and_then(|v| ready(v, hit))
}

/// Three months from `month` with no year stated (a quarter, a season): the latest such
/// span begun, unless the sentence looks ahead.
fn latest_three_months(month: u32, year_offset: Option<i64>, hit: &Hit) -> Option<Found> {
    pending_in_tense(
        Pending::YearLess {
            month,
            day: None,
            month2: Some(month + 2),
            day2: None,
            year_offset,
            tense: Tense::Unknown,
            week: false,
        },
        hit,
        TenseRead::PastUnlessFuture,
    )
}

/// "H1 2024", "the first half of 2024", "the second half of 2025".
pub fn half(hit: &Hit) -> Option<Found> {
    let w = hit.get("half").or(hit.get("half_w"))?.to_ascii_lowercase();
    // "the last half", "the latter half" is the second of two.
    let h = match w.as_str() {
        "last" | "latter" => 2,
        // Korean 상반기 / 하반기, Japanese 上半期 / 下半期: upper and lower half.
        "상" | "上" => 1,
        "하" | "下" => 2,
        w => ordinal(w)?,
    };
    let (a, b) = match h {
        1 => (1, 6),
        2 => (7, 12),
        _ => return None,
    };
    // "the first half of this year", "the second half of last year": counted from the
    // reference date's year; "the first half" alone, the latest begun (a sentence that
    // looks ahead: the next).
    let Some(y) = hit.get("year").and_then(year_of) else {
        let o = hit.get("yrel").and_then(year_offset);
        return pending_in_tense(
            Pending::YearLess {
                month: a,
                day: None,
                month2: Some(b),
                day2: None,
                year_offset: o,
                tense: Tense::Unknown,
                week: false,
            },
            hit,
            TenseRead::PastUnlessFuture,
        );
    };
    interval(Ymd::month(y, a), Ymd::month(y, b)).and_then(|v| ready(v, hit))
}

fn ordinal(s: &str) -> Option<u32> {
    let l = s.to_ascii_lowercase();
    let l = l.trim_start_matches(['q', 'h']);
    Some(match l {
        "1" | "first" | "1st" => 1,
        "2" | "second" | "2nd" => 2,
        "3" | "third" | "3rd" => 3,
        "4" | "fourth" | "4th" | "last" | "final" => 4,
        _ => return None,
    })
}

/// Northern-hemisphere seasons: spring March–May, summer June–August, autumn/fall
/// September–November, winter December–February (of the next year).
pub fn season(hit: &Hit) -> Option<Found> {
    let s = hit.get("season")?.to_ascii_lowercase();
    let Some(y) = hit.get("year").and_then(year_of) else {
        // "in the summer" takes its year like a year-less month: the latest one begun,
        // unless the sentence looks ahead. (Winter spans two years: it needs one stated.)
        let m = match s.as_str() {
            "spring" => 3,
            "summer" => 6,
            "autumn" | "fall" => 9,
            _ => return None,
        };
        return latest_three_months(m, None, hit);
    };
    let (a, b) = match s.as_str() {
        "spring" => (Ymd::month(y, 3), Ymd::month(y, 5)),
        "summer" => (Ymd::month(y, 6), Ymd::month(y, 8)),
        "autumn" | "fall" => (Ymd::month(y, 9), Ymd::month(y, 11)),
        "winter" => (Ymd::month(y, 12), Ymd::month(y + 1, 2)),
        _ => return None,
    };
    interval(a, b).and_then(|v| ready(v, hit))
}

/// "the 1970s", "the '70s" → `1970/1979`.
pub fn decade(hit: &Hit) -> Option<Found> {
    let y = year_of(hit.get("decade")?)?;
    if y % 10 != 0 {
        return None;
    }
    ready(format!("{y:04}/{:04}", y + 9), hit)
}

/// Values a year-less month or day with `year`.
/// A date's ISO value, or with `week` ("the week of April 16") the Monday–Sunday week that
/// holds its day.
fn day_or_week(a: &Ymd, week: bool) -> Option<String> {
    match (week, a.m, a.d) {
        (true, Some(m), Some(d)) => relative::week_of(days_from_civil(a.y, m, d)),
        _ => Some(a.iso()),
    }
}

pub fn resolve_yearless(p: &Pending, year: i32) -> Option<String> {
    let Pending::YearLess {
        month,
        day,
        month2,
        day2,
        week,
        ..
    } = *p
    else {
        return None;
    };
    let a = Ymd {
        y: year,
        m: Some(month),
        d: day,
    };
    if month2.is_none() && day2.is_none() {
        if !a.valid() {
            return None;
        }
        return day_or_week(&a, week);
    }
    let m2 = month2.unwrap_or(month);
    // "December 30 to January 2" crosses into the next year.
    let y2 = if m2 < month { year + 1 } else { year };
    interval(
        a,
        Ymd {
            y: y2,
            m: Some(m2),
            d: day2,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_url_steps_over_multibyte_spaces() {
        for sp in ['\u{a0}', '\u{2003}', '\u{3000}', '\u{202f}'] {
            let t = format!("In{sp}2024 the institute opened.");
            let at = t.find("2024").unwrap();
            assert!(!in_url(&t, at));
            let t = format!("{sp}2024");
            assert!(!in_url(&t, t.find("2024").unwrap()));
        }
        let t = "see\u{a0}https://example.org/2024";
        assert!(in_url(t, t.find("2024").unwrap()));
    }

    #[test]
    fn a_year_bracketed_inside_a_document_number_is_no_date() {
        let at = |t: &str| {
            let s = t.find("2024").unwrap();
            bracketed_identifier(t, s, s + 4)
        };
        assert!(at("adopted by Decision C(2024) 118 of 3 May"));
        assert!(at("see COM(2024) 77 final"));
        assert!(!at("as the Office noted (2024) 118 staff"));
        assert!(!at("Lee, K. (2024) Title"));
        assert!(!at("the C(2024)"));
        assert!(!at("X(2024)7"));
    }

    #[test]
    fn ordinal_words_name_days_of_the_month() {
        assert_eq!(ordinal_day("first"), Some(1));
        assert_eq!(ordinal_day("Twelfth"), Some(12));
        assert_eq!(ordinal_day("twenty-third"), Some(23));
        assert_eq!(ordinal_day("twenty third"), Some(23));
        assert_eq!(ordinal_day("thirty-first"), Some(31));
        assert_eq!(ordinal_day("thirty-second"), None);
        assert_eq!(ordinal_day("fortieth"), None);
    }

    #[test]
    fn weekdays_and_iso_weeks_follow_the_calendar() {
        assert_eq!(weekday(2024, 11, 21), 4);
        assert_eq!(iso_week(2024, 11, 21), "2024-W47");
        assert_eq!(iso_week(2021, 1, 1), "2020-W53");
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn impossible_days_are_not_dates() {
        assert!(!Ymd::day(2023, 2, 29).valid());
        assert!(Ymd::day(2024, 2, 29).valid());
        assert_eq!(interval(Ymd::year(2030), Ymd::year(2024)), None);
    }

    #[test]
    fn year_less_ranges_cross_the_new_year() {
        let p = Pending::YearLess {
            month: 12,
            day: Some(30),
            month2: Some(1),
            day2: Some(2),
            year_offset: None,
            tense: Tense::Unknown,
            week: false,
        };
        assert_eq!(resolve_yearless(&p, 2024).unwrap(), "2024-12-30/2025-01-02");
        let week_of = |month, day| Pending::YearLess {
            month,
            day: Some(day),
            month2: None,
            day2: None,
            year_offset: None,
            tense: Tense::Unknown,
            week: true,
        };
        // 16 April 2025 was a Wednesday; 1 January 2021 a Friday of the week before.
        assert_eq!(
            resolve_yearless(&week_of(4, 16), 2025).unwrap(),
            "2025-04-14/2025-04-20"
        );
        assert_eq!(
            resolve_yearless(&week_of(1, 1), 2021).unwrap(),
            "2020-12-28/2021-01-03"
        );
    }
}
