//! Dates written in words: spelled-out years ("nineteen ninety-six", "the year two
//! thousand"), centuries ("the 20th century", "the nineteenth century"), decades in words
//! ("the nineties"), and holidays ("Thanksgiving Day", "Christmas", "New Year's Day").

use super::relative::{Relative, Tense, TenseRead};
use super::{
    Pending, Ymd, days_from_civil, interval, month_num, pending, pending_in_tense, ready,
    small_number, weekday,
};
use crate::find::engine::{Found, Hit};

const TENS: [(&str, i32); 8] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// "ninety-six" → 96, "ten" → 10, "oh five" → 5: the last two digits of a year in words.
fn two_digits(s: &str) -> Option<i32> {
    let l = s.to_lowercase().replace('-', " ");
    let w: Vec<&str> = l.split_whitespace().collect();
    match w.as_slice() {
        ["oh", n] => small_number(n)
            .filter(|n| (1..=9).contains(n))
            .map(|n| n as i32),
        [t] => TENS
            .iter()
            .find(|(k, _)| k == t)
            .map(|(_, v)| *v)
            .or_else(|| {
                small_number(t)
                    .filter(|n| (10..=19).contains(n))
                    .map(|n| n as i32)
            }),
        [t, u] => {
            let tens = TENS.iter().find(|(k, _)| k == t)?.1;
            let unit = small_number(u).filter(|n| (1..=9).contains(n))? as i32;
            Some(tens + unit)
        }
        _ => None,
    }
}

/// Groups `century` ("nineteen", "twenty") and `rest` ("ninety-six"), or `thousand` for
/// "two thousand" (and an optional `rest` after "and"); `month` when a month leads.
pub fn spelled_year(hit: &Hit) -> Option<Found> {
    let y = if let Some(c) = hit.get("century") {
        let c = small_number(c)? as i32;
        if !(10..=20).contains(&c) {
            return None;
        }
        c * 100 + two_digits(hit.get("rest")?)?
    } else {
        hit.get("thousand")?;
        // "two thousand" is a year only as "the year two thousand".
        hit.get("theyear")?;
        let rest = match hit.get("rest2") {
            Some(r) => small_number(r).or_else(|| two_digits(r).map(|x| x as i64))? as i32,
            None => 0,
        };
        2000 + rest
    };
    // A month before it ("January nineteen ninety-seven", as a transcript writes it).
    match hit.get("month").and_then(month_num) {
        Some(m) => ready(Ymd::month(y, m).iso(), hit),
        None => ready(Ymd::year(y).iso(), hit),
    }
}

const ORDINALS: [&str; 21] = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];

/// Group `n`: "20th", "twentieth", "21st". The century as a span of years: the 20th
/// century is `1900/1999`, as TimeML and ordinary usage count it.
pub fn century(hit: &Hit) -> Option<Found> {
    let n = hit.get("n")?.to_lowercase();
    let n: i32 = match n
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
    {
        Ok(x) => x,
        Err(_) => ORDINALS.iter().position(|o| *o == n)? as i32,
    };
    if !(1..=21).contains(&n) {
        return None;
    }
    let start = (n - 1) * 100;
    ready(format!("{start:04}/{:04}", start + 99), hit)
}

/// Group `tens` ("nineties"): the decade of the 1900s it names.
pub fn decade_word(hit: &Hit) -> Option<Found> {
    let w = hit.get("tens")?.to_lowercase();
    let stem = w.strip_suffix("ies")?;
    let tens = TENS
        .iter()
        .find(|(k, _)| k.trim_end_matches('y') == stem)?
        .1;
    let start = 1900 + tens;
    ready(format!("{start}/{}", start + 9), hit)
}

/// A holiday (group `holiday`) with an optional `year`; without one, the occurrence nearest
/// the reference date on the side its sentence's tense says ("last Thanksgiving").
pub fn holiday(hit: &Hit) -> Option<Found> {
    let name = hit.get("holiday")?;
    let h = holiday_kind(name)?;
    // A bare "Christmas" or "Thanksgiving" names the day only after a preposition and not
    // as a modifier ("after Christmas", not "a Christmas tree", "Thanksgiving sales").
    let bare = !name.contains(' ') && hit.get("which").is_none() && hit.get("year").is_none();
    if bare {
        let before = super::before(hit.text, hit.start, 24)
            .trim_end()
            .to_lowercase();
        let prev = before
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        let next_is_word = hit.text[hit.end..]
            .strip_prefix(' ')
            .is_some_and(|r| r.starts_with(|c: char| c.is_lowercase()));
        let after_preposition = matches!(
            prev,
            "on" | "at" | "before" | "after" | "since" | "until" | "over" | "by" | "around"
        );
        if !after_preposition || next_is_word {
            return None;
        }
    }
    if let Some(y) = hit.get("year").and_then(|y| y.parse::<i32>().ok()) {
        return ready(holiday_date(h, y)?.iso(), hit);
    }
    let (t, read) = match hit.get("which").map(|w| w.to_lowercase()) {
        Some(w) if w == "last" => (Tense::Past, None),
        Some(w) if w == "next" => (Tense::Future, None),
        _ => (Tense::Unknown, Some(TenseRead::Sentence)),
    };
    let p = Pending::Relative(Relative::Holiday {
        holiday: h,
        tense: t,
    });
    match read {
        Some(read) => pending_in_tense(p, hit, read),
        None => pending(p, hit),
    }
}

/// The holidays the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holiday {
    NewYearsDay,
    NewYearsEve,
    ChristmasEve,
    Christmas,
    /// US: the fourth Thursday of November.
    Thanksgiving,
    /// US: 4 July.
    IndependenceDay,
}

fn holiday_kind(s: &str) -> Option<Holiday> {
    let l = s.to_lowercase().replace('\u{2019}', "'");
    Some(match l.trim_end_matches(" day") {
        "new year's" => Holiday::NewYearsDay,
        "new year's eve" => Holiday::NewYearsEve,
        "christmas eve" => Holiday::ChristmasEve,
        "christmas" => Holiday::Christmas,
        "thanksgiving" => Holiday::Thanksgiving,
        "independence" => Holiday::IndependenceDay,
        _ => return None,
    })
}

/// The day of a holiday in year `y`.
pub fn holiday_date(h: Holiday, y: i32) -> Option<Ymd> {
    let d = match h {
        Holiday::NewYearsDay => Ymd::day(y, 1, 1),
        Holiday::NewYearsEve => Ymd::day(y, 12, 31),
        Holiday::ChristmasEve => Ymd::day(y, 12, 24),
        Holiday::Christmas => Ymd::day(y, 12, 25),
        Holiday::IndependenceDay => Ymd::day(y, 7, 4),
        Holiday::Thanksgiving => {
            // The first Thursday of November, then three weeks on.
            let first = (4 + 7 - weekday(y, 11, 1) as i64) % 7 + 1;
            Ymd::day(y, 11, (first + 21) as u32)
        }
    };
    d.valid().then_some(d)
}

/// The occurrence of a holiday nearest `reference`: the last one on or before it in the
/// past tense (or with no tense), the first one on or after it in the future tense.
pub fn resolve_holiday(h: Holiday, t: Tense, reference: Ymd) -> Option<String> {
    let at = |d: Ymd| days_from_civil(d.y, d.m.unwrap_or(1), d.d.unwrap_or(1));
    let r = at(Ymd {
        m: Some(reference.m?),
        d: Some(reference.d.unwrap_or(15)),
        ..reference
    });
    let ys = [reference.y - 1, reference.y, reference.y + 1];
    let days: Vec<Ymd> = ys.iter().filter_map(|y| holiday_date(h, *y)).collect();
    let pick = match t {
        Tense::Future => days.iter().find(|d| at(**d) >= r),
        _ => days.iter().rev().find(|d| at(**d) <= r),
    }?;
    interval(*pick, *pick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_words() {
        assert_eq!(two_digits("ninety-six"), Some(96));
        assert_eq!(two_digits("ten"), Some(10));
        assert_eq!(two_digits("oh five"), Some(5));
        assert_eq!(two_digits("ninety-ten"), None);
    }

    #[test]
    fn thanksgiving_is_the_fourth_thursday_of_november() {
        assert_eq!(
            holiday_date(Holiday::Thanksgiving, 2021).unwrap().iso(),
            "2021-11-25"
        );
        assert_eq!(
            holiday_date(Holiday::Thanksgiving, 2024).unwrap().iso(),
            "2024-11-28"
        );
        assert_eq!(
            resolve_holiday(Holiday::Thanksgiving, Tense::Past, Ymd::day(2022, 2, 10)).unwrap(),
            "2021-11-25"
        );
        assert_eq!(
            resolve_holiday(Holiday::Christmas, Tense::Future, Ymd::day(2022, 2, 10)).unwrap(),
            "2022-12-25"
        );
    }
}
