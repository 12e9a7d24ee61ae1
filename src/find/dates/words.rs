//! Dates written in words: spelled-out years ("nineteen ninety-six", "the year two
//! thousand"), centuries ("the 20th century", "the nineteenth century"), decades in words
//! ("the nineties"), and holidays ("Thanksgiving Day", "Christmas", "New Year's Day",
//! "Easter", "Labor Day").

use super::relative::{Relative, Tense, TenseRead};
use super::{
    Pending, Ymd, days_from_civil, interval, month_num, pending, pending_in_tense, ready,
    small_number, weekday,
};
use crate::find::engine::{Found, Hit};

/// "ninety-six" → 96, "ten" → 10, "oh five" → 5: the last two digits of a year in words.
fn two_digits(s: &str) -> Option<i32> {
    let l = s.to_lowercase().replace('-', " ");
    if let ["oh", n] = l.split_whitespace().collect::<Vec<_>>().as_slice() {
        return small_number(n)
            .filter(|n| (1..=9).contains(n))
            .map(|n| n as i32);
    }
    crate::find::cardinals::cardinal(&l)
        .filter(|n| n.fract() == 0.0 && (10.0..100.0).contains(n))
        .map(|n| n as i32)
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

/// Ordinal words by their number (index 0 is none).
pub(super) const ORDINALS: [&str; 21] = [
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
    let tens = crate::find::cardinals::TENS
        .iter()
        .find(|k| k.trim_end_matches('y') == stem)
        .and_then(|k| crate::find::cardinals::tens(k))?;
    let start = 1900 + tens as i32;
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
        // Nor as part of a longer name ("on Easter Island") or a modifier ("after
        // Christmas shopping"); a conjunction or preposition after it ends the phrase
        // ("before Christmas and after ...").
        let next_is_word = hit.text[hit.end..].strip_prefix(' ').is_some_and(|r| {
            let w: String = r.chars().take_while(|c| c.is_alphabetic()).collect();
            !w.is_empty()
                && !matches!(
                    w.as_str(),
                    "and"
                        | "or"
                        | "but"
                        | "when"
                        | "as"
                        | "with"
                        | "in"
                        | "to"
                        | "this"
                        | "last"
                        | "next"
                        | "is"
                        | "was"
                        | "were"
                        | "will"
                        | "because"
                        | "so"
                )
        });
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
    /// Western Easter Sunday, and the Friday before and Monday after it.
    Easter,
    GoodFriday,
    EasterMonday,
    /// US: the Tuesday after the first Monday of November.
    ElectionDay,
    /// US: the last Monday of May.
    MemorialDay,
    /// US and Canada: the first Monday of September.
    LaborDay,
    /// US: 11 November.
    VeteransDay,
    ValentinesDay,
    Halloween,
    BoxingDay,
    /// National days on a fixed date: Canada 1 July, Australia 26 January, France 14 July;
    /// Remembrance (Armistice) Day 11 November.
    CanadaDay,
    AustraliaDay,
    BastilleDay,
    RemembranceDay,
}

fn holiday_kind(s: &str) -> Option<Holiday> {
    let l = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('\u{2019}', "'");
    Some(match l.trim_end_matches(" day") {
        "new year's" => Holiday::NewYearsDay,
        "new year's eve" => Holiday::NewYearsEve,
        "christmas eve" => Holiday::ChristmasEve,
        "christmas" => Holiday::Christmas,
        "thanksgiving" => Holiday::Thanksgiving,
        "independence" => Holiday::IndependenceDay,
        "easter" | "easter sunday" => Holiday::Easter,
        "good friday" => Holiday::GoodFriday,
        "easter monday" => Holiday::EasterMonday,
        "election" => Holiday::ElectionDay,
        "memorial" => Holiday::MemorialDay,
        "labor" => Holiday::LaborDay,
        "veterans" | "veterans'" | "veteran's" => Holiday::VeteransDay,
        "valentine's" => Holiday::ValentinesDay,
        "halloween" => Holiday::Halloween,
        "boxing" => Holiday::BoxingDay,
        "canada" => Holiday::CanadaDay,
        "australia" => Holiday::AustraliaDay,
        "bastille" => Holiday::BastilleDay,
        "remembrance" | "armistice" => Holiday::RemembranceDay,
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
        // The fourth Thursday of November.
        Holiday::Thanksgiving => Ymd::day(y, 11, nth_weekday(y, 11, 4) + 21),
        Holiday::Easter => return easter(y, 0),
        Holiday::GoodFriday => return easter(y, -2),
        Holiday::EasterMonday => return easter(y, 1),
        Holiday::ElectionDay => Ymd::day(y, 11, nth_weekday(y, 11, 1) + 1),
        Holiday::MemorialDay => {
            let first = nth_weekday(y, 5, 1);
            Ymd::day(
                y,
                5,
                if first + 28 <= 31 {
                    first + 28
                } else {
                    first + 21
                },
            )
        }
        Holiday::LaborDay => Ymd::day(y, 9, nth_weekday(y, 9, 1)),
        Holiday::VeteransDay => Ymd::day(y, 11, 11),
        Holiday::ValentinesDay => Ymd::day(y, 2, 14),
        Holiday::Halloween => Ymd::day(y, 10, 31),
        Holiday::BoxingDay => Ymd::day(y, 12, 26),
        Holiday::CanadaDay => Ymd::day(y, 7, 1),
        Holiday::AustraliaDay => Ymd::day(y, 1, 26),
        Holiday::BastilleDay => Ymd::day(y, 7, 14),
        Holiday::RemembranceDay => Ymd::day(y, 11, 11),
    };
    d.valid().then_some(d)
}

/// The day of the month of the first weekday `wd` (ISO, Monday = 1) in a month.
fn nth_weekday(y: i32, m: u32, wd: u32) -> u32 {
    (wd + 7 - weekday(y, m, 1)) % 7 + 1
}

/// Western Easter Sunday (the Gregorian computus), moved by `shift` days.
fn easter(y: i32, shift: i64) -> Option<Ymd> {
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (8 * b + 13) / 25;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let z = days_from_civil(y, month as u32, day as u32) + shift;
    let (y, m, d) = super::civil_from_days(z);
    Some(Ymd::day(y, m, d))
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

    #[test]
    fn movable_holidays() {
        let on = |h, y| holiday_date(h, y).unwrap().iso();
        assert_eq!(on(Holiday::Easter, 2024), "2024-03-31");
        assert_eq!(on(Holiday::Easter, 2025), "2025-04-20");
        assert_eq!(on(Holiday::Easter, 2000), "2000-04-23");
        assert_eq!(on(Holiday::GoodFriday, 2024), "2024-03-29");
        assert_eq!(on(Holiday::EasterMonday, 2024), "2024-04-01");
        // The Tuesday after the first Monday: never 1 November.
        assert_eq!(on(Holiday::ElectionDay, 2022), "2022-11-08");
        assert_eq!(on(Holiday::ElectionDay, 2024), "2024-11-05");
        assert_eq!(on(Holiday::ElectionDay, 2016), "2016-11-08");
        assert_eq!(on(Holiday::MemorialDay, 2024), "2024-05-27");
        assert_eq!(on(Holiday::MemorialDay, 2021), "2021-05-31");
        assert_eq!(on(Holiday::LaborDay, 2024), "2024-09-02");
        assert_eq!(on(Holiday::Thanksgiving, 2023), "2023-11-23");
    }
}
