//! Relative and deictic dates: "yesterday", "last week", "a year ago", "on Tuesday",
//! "next Friday", "this summer", "the third quarter", "this fiscal year", and the
//! anaphoric ones that count from the date the text last named ("a year earlier", "the
//! same day", "that week"). The normaliser reads the expression and the tense of its
//! sentence; the engine values it once the reference date and the earlier dates are known.
//!
//! Conventions (those of TimeML and HeidelTime where the annotation guide is silent):
//! weeks run Monday–Sunday; "last Tuesday" is the Tuesday of the week before the
//! reference week and "next Tuesday" that of the week after; a bare weekday is the nearest
//! one before the reference day in a past-tense sentence, after it in a future one.

use super::fiscal::{self, FiscalSystem};
use super::{Pending, Ymd, civil_from_days, days_from_civil, month_num, pending, small_number};
use crate::find::engine::{Found, Hit};
use std::borrow::Cow;

/// Which way from the reference a bare expression points, from its sentence's tense.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Relative {
    Day(i64),
    /// A day of the month without its month ("on the 27th", as pages translated from
    /// Korean and Japanese write it): that day of the reference month, or of the month
    /// before when it is still to come and the sentence is not in the future (of the
    /// month after when it has passed and the sentence is).
    DayOfMonth {
        day: u32,
        tense: Tense,
    },
    /// The Monday–Sunday week `n` weeks from the reference week.
    Week(i64),
    Month(i64),
    Year(i64),
    /// A weekday (1 = Monday): with `week` set, in the week that many weeks from the
    /// reference week ("last Tuesday", "next Friday"); else the nearest one on the side the
    /// tense says.
    Weekday {
        day: u32,
        week: Option<i64>,
        tense: Tense,
    },
    /// Two weekdays of one week ("Wednesday and Thursday"): the first as a bare weekday,
    /// the second after it.
    Weekdays {
        day: u32,
        day2: u32,
        tense: Tense,
    },
    /// "this November": that month in the reference year, shifted by `offset` years.
    MonthOfYear {
        month: u32,
        offset: i64,
    },
    /// "this quarter" (0), "last quarter" (-1).
    Quarter(i64),
    /// A season (0 spring .. 3 winter): `offset` 0 is this one, -1 the last one that ended,
    /// 1 the next one that has not begun.
    Season {
        season: u32,
        offset: i64,
    },
    /// "the weekend": the Saturday–Sunday before the reference day, or after it in a
    /// future-tense sentence.
    Weekend(Tense),
    /// A holiday without a year ("Thanksgiving", "last Christmas").
    Holiday {
        holiday: super::words::Holiday,
        tense: Tense,
    },
    /// "this fiscal year" and its neighbours, in the calendar the text's country follows.
    FiscalYear {
        system: FiscalSystem,
        offset: i64,
    },
}

/// Expressions valued from the date the text named last.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anaphor {
    /// "a year earlier", "the year-ago quarter": the last date a year back, at its precision.
    YearEarlier,
    /// "the same day" (0), "the next day" (1), "the day before" (-1).
    Day(i64),
    /// "the previous Friday", "the preceding Monday": the latest such weekday (1 =
    /// Monday) before the last day named.
    WeekdayBefore(u32),
    /// "the year" alone ("for the year", "earlier in the year"): the year of the last date
    /// named; the reference year when none was.
    TheYear,
    /// "that week", "the same week" (0), "the following week" (1): the Monday–Sunday
    /// week of the last day named, or that many weeks after it.
    Week(i64),
    /// "that year", "later that year" (0), "the following year" (1): the year of the last
    /// date, or that many years after it.
    Year(i64),
    /// "the following month": the month after the last one named.
    MonthAfter,
    /// "that September": the month in the year of the last date.
    Month(u32),
    /// "that summer".
    Season(u32),
    /// "the quarter", "the latest quarter": the last quarter named, else the last one
    /// ended before the reference date (the engine values it).
    Quarter,
    /// "the 2023 quarter", "the 2023 period": the quarter last named, in that year; the
    /// year itself when no quarter was named.
    QuarterIn(i32),
}

/// The tense of the sentence around `start..end`, read from the tense cue nearest the
/// expression (the way HeidelTime takes the closest verb's tense): a future marker
/// ("will", "is to", "plans", "set to", "would") makes it future, a past-tense verb past.
/// The nearest cue decides because a sentence often holds both: in "the agency said
/// Tuesday it will appeal", "said" owns "Tuesday" and "will" the appeal. "until",
/// "as soon as", "as early as" and "this coming" right before the expression point ahead
/// whatever the verb; "since" points back.
pub fn tense(text: &str, start: usize, end: usize) -> Tense {
    tense_with(text, start, end, true)
}

/// How a normaliser wants a pending date's tense read, once the date is kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TenseRead {
    /// The sentence's tense.
    Sentence,
    /// Future when the sentence looks ahead, else past.
    PastUnlessFuture,
}

impl TenseRead {
    pub fn read(self, text: &str, start: usize, end: usize) -> Tense {
        match (self, tense(text, start, end)) {
            (TenseRead::Sentence, t) => t,
            (TenseRead::PastUnlessFuture, Tense::Future) => Tense::Future,
            (TenseRead::PastUnlessFuture, _) => Tense::Past,
        }
    }
}

/// As [`tense`] when `direction` (which way the expression points). Without it the
/// question is whether the sentence is tensed at all, for "today": "can", "should",
/// "must", "might" are left out, as they often carry its present-era sense ("tools we
/// can use today"), and the attribution after a quotation counts (a quoted "today" is
/// the day it was said).
fn tense_with<'t>(text: &'t str, start: usize, end: usize, direction: bool) -> Tense {
    // Two hundred bytes each side: a verb often comes after a long opening ("In June, two
    // days after the vote on the Harlow vs. Kent appeal, a rally in Dover, Del., drew").
    let lo = super::floor_char(text, start.saturating_sub(200));
    let hi = super::floor_char(text, (end + 200).min(text.len()));
    let before = &text[lo..start];
    let before = sentence_start(before).map_or(before, |i| &before[i + 1..]);
    let after = &text[end..hi.max(end)];
    // A full stop after an abbreviation ("Nov. 27") does not end the sentence; a full
    // stop followed by a space and a capital does, near enough.
    let stop = after
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| !abbreviation(&after[..i]));
    // A quotation mark after the expression closes (or opens) a quotation: the words
    // beyond it belong to another clause, most often the attribution ("... (4 a.m.
    // Thursday),'' the president said"), whose verb tells when it was said, not when
    // the quoted thing happens.
    let quote = ["\"", "''", "\u{201D}", "\u{201C}"]
        .iter()
        .filter(|_| direction)
        .filter_map(|q| after.find(q))
        .min();
    let after = after
        .bytes()
        .position(|b| matches!(b, b'!' | b'?' | b'\n' | b';'))
        .into_iter()
        .chain(stop)
        .chain(quote)
        .min()
        .map_or(after, |i| &after[..i]);
    // A comma and a conjunction start another clause, whose verb is not this
    // expression's ("opened on Wednesday, and will evaluate ..."). (A relative clause,
    // ", which ...", is embedded: the main verb may come after it.) Looked for only up
    // to the sentence's other bounds.
    let clause = after.match_indices(", ").map(|(i, _)| i).find(|&i| {
        let next = after[i + 2..].split(not_word).next().unwrap_or("");
        matches!(
            next,
            "and" | "but" | "while" | "whereas" | "although" | "though"
        )
    });
    let after = clause.map_or(after, |i| &after[..i]);
    // Words are read outwards from the expression, only as far as the nearest cue.
    let mut b = Words::new(before.rsplit(not_word));
    let mut a = Words::new(after.split(not_word));
    // A clock time before a weekday ("until 9 a.m. Tuesday") is part of the expression:
    // the words before it (`b` counts back from the expression) start at `lead`.
    let mut lead = 0;
    while b
        .get(lead)
        .is_some_and(|w| matches!(w, "a" | "p" | "m" | "am" | "pm" | "est" | "edt" | "gmt"))
    {
        lead += 1;
    }
    let ends = |b: &mut Words<'t, _>, tail: &[&str]| {
        tail.iter()
            .rev()
            .enumerate()
            .all(|(k, t)| b.get(lead + k) == Some(*t))
    };
    if ends(&mut b, &["as", "soon", "as"])
        || ends(&mut b, &["as", "early", "as"])
        || ends(&mut b, &["this", "coming"])
    {
        return Tense::Future;
    }
    b.fill(lead + 2);
    // "adjourned to Sept. 20", "postponed until Friday": moved to a later day.
    if matches!(b.peek(lead), Some("to" | "until"))
        && matches!(
            b.peek(lead + 1),
            Some(
                "postponed"
                    | "adjourned"
                    | "deferred"
                    | "delayed"
                    | "rescheduled"
                    | "moved"
                    | "pushed"
                    | "back"
            )
        )
    {
        return Tense::Future;
    }
    // A schedule stated in the present right before the expression: "a ruling is
    // expected Friday", "the report, expected on Thursday", "the deadline is Friday", "the
    // vote is on Tuesday", "takes effect Saturday", "comes into force on Monday".
    let at = lead + usize::from(b.peek(lead) == Some("on"));
    b.fill(at + 3);
    match (b.peek(at), b.peek(at + 1), b.peek(at + 2)) {
        (Some("expected"), p, _) if !matches!(p, Some("was" | "were" | "had" | "been")) => {
            return Tense::Future;
        }
        (Some("is" | "are"), _, _) if direction => return Tense::Future,
        (Some("effect"), Some("takes" | "take"), _)
        | (Some("force"), Some("into"), Some("comes" | "come" | "enters" | "enter")) => {
            return Tense::Future;
        }
        _ => {}
    }
    match b.peek(lead) {
        // "until Friday" looks ahead, except as a sentence's opening ("Until Friday, no
        // one had heard of it").
        Some("until" | "till") if b.peek(lead + 1).is_some() => return Tense::Future,
        Some("coming") => return Tense::Future,
        Some("since") => return Tense::Past,
        _ => {}
    }
    // The nearest cue before the expression and the nearest after it; the one before
    // decides unless the one after is much closer (words after an expression are often
    // participles that describe what follows: "by August, in markets untouched by").
    let back = (0..).find_map(|k| {
        b.fill(k + 1);
        let prev = b.peek(k + 1);
        let next = k.checked_sub(1).and_then(|j| b.peek(j));
        match b.peek(k) {
            None => Some(None),
            Some(w) => cue(prev, w, next, direction).map(|t| Some((k + 1, t))),
        }
    });
    // An agreement after the expression is what was agreed then ("closed the summit on
    // Thursday with an agreement to test"), not a plan for the expression's time.
    let ahead = (0..).find_map(|k| {
        a.fill(k + 1);
        let prev = k.checked_sub(1).and_then(|j| a.peek(j));
        let next = a.peek(k + 1);
        match a.peek(k) {
            None => Some(None),
            Some("agreement" | "agreements") => None,
            // "AI today opens new markets": the news present counts only before "today".
            Some(w) if !direction && NEWS_PRESENT.contains(&w) => None,
            Some(w) => cue(prev, w, next, direction).map(|t| Some((k + 1, t))),
        }
    });
    let (back, ahead) = (back.flatten(), ahead.flatten());
    match (back, ahead) {
        (Some((db, t)), Some((da, u))) => {
            if db <= 2 * da {
                t
            } else {
                u
            }
        }
        (Some((_, t)), None) | (None, Some((_, t))) => t,
        (None, None) => Tense::Unknown,
    }
}

/// Whether a char is no part of a word: words are letters and apostrophes.
fn not_word(c: char) -> bool {
    !(c.is_alphabetic() || c == '\'' || c == '\u{2019}')
}

/// The words of a stretch of text, lower-cased and read lazily in the order `it` gives
/// them (forwards or backwards), so that a search for the nearest cue reads no further.
struct Words<'t, I: Iterator<Item = &'t str>> {
    it: I,
    buf: Vec<Cow<'t, str>>,
}

impl<'t, I: Iterator<Item = &'t str>> Words<'t, I> {
    fn new(it: I) -> Self {
        Words {
            it,
            buf: Vec::new(),
        }
    }

    /// Reads words until the `k`-th (from 0) is read or the text ends.
    fn fill(&mut self, k: usize) {
        while self.buf.len() <= k {
            let Some(w) = self.it.next() else { return };
            if w.is_empty() {
                continue;
            }
            // Most words are lower-case ASCII already: they are borrowed, not copied.
            self.buf
                .push(if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'') {
                    Cow::Borrowed(w)
                } else {
                    Cow::Owned(w.to_lowercase().replace('\u{2019}', "'"))
                });
        }
    }

    /// The `k`-th word, if it has been read.
    fn peek(&self, k: usize) -> Option<&str> {
        self.buf.get(k).map(|w| w.as_ref())
    }

    fn get(&mut self, k: usize) -> Option<&str> {
        self.fill(k);
        self.peek(k)
    }
}

/// Where the last sentence in `s` ends: a ".", "!", "?", ";" or line break, but not the
/// full stop of an abbreviation ("a.m.", "Nov.", "U.S.").
fn sentence_start(s: &str) -> Option<usize> {
    // Bytes, not chars: every mark is ASCII, and no byte of a longer char is ASCII.
    (0..s.len()).rev().find(|&i| match s.as_bytes()[i] {
        b'!' | b'?' | b'\n' | b';' => true,
        // A full stop ends a sentence only before a space ("$18.9 million" goes on).
        b'.' if !s[i + 1..].starts_with(char::is_whitespace) && i + 1 < s.len() => false,
        b'.' => !abbreviation(&s[..i]),
        _ => false,
    })
}

/// Whether the word `s` ends with is an abbreviation whose full stop ends no sentence:
/// a single letter ("U.S.", "a.m."), a short capitalised word ("Nov.", "Ala.") or "vs".
fn abbreviation(s: &str) -> bool {
    let word = s.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    let n = word.chars().count();
    (n <= 3 && (n == 1 || word.starts_with(char::is_uppercase))) || word == "vs"
}

/// "payable Jan. 2", "effective Feb. 1": dividends and appointments are announced
/// ahead.
const FUTURE: [&str; 10] = [
    "payable",
    "effective",
    "will",
    "shall",
    "won't",
    "would",
    "upcoming",
    "scheduled",
    "forthcoming",
    "tomorrow",
];

/// Irregular past forms news copy uses most, and words that only a past-tense
/// sentence holds.
/// "agreed", "freed": the "-eed" ending is mostly no past ("exceed", "indeed").
const PAST: [&str; 52] = [
    "agreed",
    "freed",
    "was",
    "were",
    "had",
    "did",
    "said",
    "told",
    "met",
    "held",
    "took",
    "began",
    "came",
    "went",
    "made",
    "gave",
    "won",
    "lost",
    "rose",
    "fell",
    "saw",
    "left",
    "ago",
    "last",
    "yesterday",
    "earlier",
    "sent",
    "paid",
    "been",
    "sought",
    "brought",
    "thought",
    "bought",
    "fought",
    "found",
    "kept",
    "led",
    "spoke",
    "wrote",
    "stood",
    "struck",
    "became",
    "chose",
    "drew",
    "flew",
    "grew",
    "knew",
    "heard",
    "spent",
    "built",
    "sold",
    "got",
];

/// Participles and adjectives in -ed that are no past tense ("a planned office",
/// "based in", "the United States").
const NOT_PAST: [&str; 22] = [
    "unspecified",
    "undisclosed",
    "unexpected",
    "unidentified",
    "unnamed",
    "unchanged",
    "unprecedented",
    "armed",
    "proposed",
    "intended",
    "designed",
    "based",
    "related",
    "needed",
    "required",
    "dedicated",
    "limited",
    "united",
    "hundred",
    "interested",
    "concerned",
    "alleged",
];

/// Modals other than "could" and "may" (a month once lower-cased) speak of what is
/// still to come: "members can take part in the summit in April".
const MODALS: [&str; 6] = ["can", "cannot", "can't", "should", "must", "might"];

/// A scheduling verb in the present tense announces what is to come ("the ministers
/// meet Monday", "the court opens its session Friday"); not as a noun after a
/// determiner ("the meeting", "a vote").
const SCHEDULE: [&str; 27] = [
    "meet",
    "meets",
    "begin",
    "begins",
    "resume",
    "resumes",
    "vote",
    "votes",
    "travel",
    "travels",
    "arrive",
    "arrives",
    "visit",
    "visits",
    "convene",
    "convenes",
    "opens",
    "closes",
    "starts",
    "ends",
    "reconvenes",
    "return",
    "returns",
    "slated",
    "due",
    "expires",
    "lapses",
];

/// Verbs in the present tense that news copy tells the day's events with.
const NEWS_PRESENT: [&str; 14] = [
    "opens",
    "launches",
    "hosts",
    "signs",
    "unveils",
    "publishes",
    "announces",
    "holds",
    "convenes",
    "releases",
    "welcomes",
    "inaugurates",
    "marks",
    "kicks",
];

/// Event verbs whose present progressive tells the day's event or one to come.
const PROGRESSIVE: [&str; 12] = [
    "launching",
    "announcing",
    "publishing",
    "releasing",
    "opening",
    "signing",
    "hosting",
    "unveiling",
    "holding",
    "convening",
    "welcoming",
    "introducing",
];

/// Words before "to" that look ahead ("is to", "plans to", "due to"; "agreed to buy the
/// unit in February", "an agreement to acquire it in January": what is agreed is still to
/// be done).
const TO_FUTURE: [&str; 23] = [
    "is",
    "are",
    "going",
    "set",
    "plan",
    "plans",
    "planned",
    "planning",
    "expected",
    "expects",
    "intends",
    "due",
    "agreed",
    "agrees",
    "agreement",
    "agreements",
    "hopes",
    "hope",
    "aims",
    "aim",
    "seeks",
    "wants",
    "promises",
];

/// Every word some cue rule names: any other word is a cue only by its ending ("-ed",
/// "-'ll"), so most words are turned away by one lookup.
static CUE_WORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        FUTURE
            .iter()
            .chain(&PAST)
            .chain(&MODALS)
            .chain(&SCHEDULE)
            .chain(&TO_FUTURE)
            .chain(&NEWS_PRESENT)
            .chain(&PROGRESSIVE)
            .chain(&["am"])
            .copied()
            .collect()
    });

/// The tense `word` marks, if it marks one; `prev` and `next` are the words on either side
/// in the text's order.
fn cue(prev: Option<&str>, word: &str, next: Option<&str>, modals: bool) -> Option<Tense> {
    if !CUE_WORDS.contains(word) && !word.ends_with("ed") && !word.ends_with("'ll") {
        return None;
    }
    if FUTURE.contains(&word)
        || (modals && MODALS.contains(&word))
        || word.ends_with("'ll")
        || (TO_FUTURE.contains(&word) && next == Some("to"))
    {
        return Some(Tense::Future);
    }
    // "is", "are" nearer than a past verb speak of the present ("which had been expected,
    // is part of a plan to repay it by February"): no side taken, and the past verb
    // further off does not count.
    if modals && matches!(word, "is" | "are" | "am") {
        return Some(Tense::Unknown);
    }
    let determined = matches!(
        prev,
        Some("the" | "a" | "an" | "its" | "his" | "her" | "their" | "this" | "that" | "to")
    );
    if modals && SCHEDULE.contains(&word) && !determined {
        return Some(Tense::Future);
    }
    // The news present ("the prime minister opens the summit today", "Ruritania launches
    // its institute today") tells the day's events: "today" there is the day.
    if !modals && NEWS_PRESENT.contains(&word) && !determined {
        return Some(Tense::Future);
    }
    // The present progressive of an event verb tells an event of the day or to come ("is
    // launching a programme today", "are holding talks on Friday"), not the present era.
    if PROGRESSIVE.contains(&word)
        && prev.is_some_and(|p| {
            matches!(p, "is" | "are" | "am") || p.ends_with("'re") || p.ends_with("\u{2019}re")
        })
    {
        return Some(Tense::Future);
    }
    // A participle after "be" is a passive whose tense its auxiliary gives ("will be
    // named"): no cue of its own. After a determiner it is an adjective ("an established
    // field", "the elected members").
    if matches!(prev, Some("be" | "being")) || (determined && !PAST.contains(&word)) {
        return None;
    }
    if PAST.contains(&word)
        || (word.len() > 4
            && word.ends_with("ed")
            && !word.ends_with("eed")
            && !NOT_PAST.contains(&word))
    {
        return Some(Tense::Past);
    }
    None
}

/// The relative normaliser. Groups: `rel` (the expression), `wday`, `season`, `unit`.
/// Whether the word after `end` names a periodical ("digest", "newsletter"), which a
/// weekday before it names, not dates.
fn periodical_named_for(text: &str, end: usize) -> bool {
    // Not "issue", "edition", "briefing": "in its Friday issue", "at the Friday
    // briefing" are of one day.
    const PERIODICALS: [&str; 7] = [
        "digest",
        "newsletter",
        "newsletters",
        "bulletin",
        "column",
        "roundup",
        "podcast",
    ];
    let next: String = text[end..]
        .trim_start_matches([' ', '\u{a0}'])
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '-')
        .collect::<String>()
        .to_lowercase();
    PERIODICALS.contains(&next.as_str())
}

pub fn relative(hit: &Hit) -> Option<Found> {
    // Leading words a rule keeps in its prefix ("this", "the current") come first.
    let rel = match hit.get("which") {
        Some(w) => format!("{w} {}", hit.get("rel")?),
        None => hit.get("rel")?.to_string(),
    }
    .to_lowercase();
    // "over the last year", "in the next month" are durations, not calendar dates.
    let prev = super::before(hit.text, hit.start, 24)
        .trim_end()
        .to_ascii_lowercase();
    if (rel.starts_with("last") || rel.starts_with("next") || rel.starts_with("past"))
        && (prev.ends_with(" the") || prev == "the")
    {
        return None;
    }
    // "the world of tomorrow" is an era, not a day.
    if rel.starts_with("tomorrow") && (prev.ends_with(" of") || prev == "of") {
        return None;
    }
    // "The Monday digest", "our Friday newsletter": a publication named for the day it
    // comes out on, not a day.
    if weekday_num(&rel).is_some() && periodical_named_for(hit.text, hit.end) {
        return None;
    }
    let rel = rel
        .replace(['-', '–', '\u{2019}'], " ")
        .split_whitespace()
        .filter(|w| *w != "past" && *w != "and")
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = rel.split(' ').collect();
    let t = || tense(hit.text, hit.start, hit.end);
    if let Some(d) = hit.get("mday") {
        let day: u32 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
        return pending(
            Pending::Relative(Relative::DayOfMonth { day, tense: t() }),
            hit,
        );
    }
    let r = match words.as_slice() {
        ["today"] | ["tonight"] => Relative::Day(0),
        ["this", "morning" | "afternoon" | "evening"] => Relative::Day(0),
        ["last", "night"] | ["yesterday", ..] => Relative::Day(-1),
        ["tomorrow", ..] => Relative::Day(1),
        ["the" | "this" | "last" | "next", "weekend"] => match words[0] {
            "last" => Relative::Weekend(Tense::Past),
            "next" => Relative::Weekend(Tense::Future),
            _ => Relative::Weekend(t()),
        },
        ["the", "new", "year"] => Relative::Year(1),
        // "by year-end", "since year end": valued at the year, as "the end of the year";
        // in a past-tense sentence, the year that ended last.
        ["year" | "year's", "end"] | ["year", "s", "end"] => match t() {
            Tense::Past => Relative::Year(-1),
            _ => Relative::Year(0),
        },
        ["the", "current" | "full", "year"] => Relative::Year(0),
        [w, w2] if weekday_num(w).is_some() && weekday_num(w2).is_some() => {
            let (day, day2) = (weekday_num(w)?, weekday_num(w2)?);
            // "Wednesday and Thursday" are two days running; "Friday and Thursday",
            // "Monday and Wednesday" are two days, each valued alone.
            if hit.get("rel")?.contains(" and ") && day2 != day % 7 + 1 {
                return None;
            }
            Relative::Weekdays {
                day,
                day2,
                tense: t(),
            }
        }
        [w, "of", which, "week"] if weekday_num(w).is_some() => Relative::Weekday {
            day: weekday_num(w)?,
            week: Some(offset_word(which)?),
            tense: Tense::Unknown,
        },
        [.., which, "fiscal" | "financial", "year"] => Relative::FiscalYear {
            system: fiscal::system(hit.text, hit.start, hit.end),
            offset: offset_word(which)?,
        },
        [which, "quarter"] => Relative::Quarter(offset_word(which)?),
        [which, unit] if offset_word(which).is_some() => {
            let o = offset_word(which)?;
            match *unit {
                "year" => Relative::Year(o),
                "month" => Relative::Month(o),
                "week" => Relative::Week(o),
                u => {
                    if let Some(m) = month_num(u).filter(|_| is_month_word(u)) {
                        Relative::MonthOfYear {
                            month: m,
                            offset: o,
                        }
                    } else if let Some(d) = weekday_num(u) {
                        Relative::Weekday {
                            day: d,
                            week: Some(o),
                            tense: Tense::Unknown,
                        }
                    } else if let Some(s) = season_num(u) {
                        Relative::Season {
                            season: s,
                            offset: o,
                        }
                    } else {
                        return None;
                    }
                }
            }
        }
        [n, unit, "ago"] => {
            let n = small_number(n)?;
            match unit.trim_end_matches('s') {
                "year" => Relative::Year(-n),
                "month" => Relative::Month(-n),
                "week" => Relative::Week(-n),
                "day" => Relative::Day(-n),
                _ => return None,
            }
        }
        [w, ..] if weekday_num(w).is_some() => {
            // "due by Friday at noon each week" is a standing deadline, not a day.
            let hi = super::floor_char(hit.text, (hit.end + 40).min(hit.text.len()));
            let after = hit.text[hit.end..hi].to_ascii_lowercase();
            let after = after.split(['.', ';', '\n']).next().unwrap_or("");
            if after.contains("each week") || after.contains("every week") {
                return None;
            }
            // "the first Monday of each month" recurs; "Monday to Friday" (four days or
            // more, either end of it) is a working week, opening hours, not a day.
            if after.trim_start().starts_with("of each")
                || after.trim_start().starts_with("of every")
                || working_week(hit.text, hit.start, hit.end)
            {
                return None;
            }
            Relative::Weekday {
                day: weekday_num(w)?,
                week: None,
                tense: possessive(hit).unwrap_or_else(t),
            }
        }
        _ => return None,
    };
    pending(Pending::Relative(r), hit)
}

/// Whether the weekday at `start..end` is an end of a span of four weekdays or more
/// ("Monday to Friday", "Mon–Sat", "Sunday through Thursday"): opening hours or a working
/// week, not a day. Three days or fewer ("from Monday to Wednesday") may be a meeting's.
fn working_week(text: &str, start: usize, end: usize) -> bool {
    const JOIN: [&str; 6] = ["to", "through", "thru", "till", "until", "-"];
    let long = |a: u32, b: u32| (b as i64 - a as i64).rem_euclid(7) >= 3;
    let this = match weekday_num(&text[start..end].to_lowercase()) {
        Some(d) => d,
        None => return false,
    };
    let norm = |s: &str| s.replace(['–', '—'], " - ");
    // The weekday a joining word leads to, reading outwards from this one.
    let joined = |words: &mut dyn Iterator<Item = &str>| {
        words.next().filter(|j| JOIN.contains(j))?;
        words
            .next()
            .and_then(|w| weekday_num(&w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase()))
    };
    let hi = super::floor_char(text, (end + 24).min(text.len()));
    if let Some(d) = joined(&mut norm(&text[end..hi]).split_whitespace()) {
        return long(this, d);
    }
    let lo = super::floor_char(text, start.saturating_sub(24));
    if let Some(d) = joined(&mut norm(&text[lo..start]).split_whitespace().rev()) {
        return long(d, this);
    }
    false
}

/// "Wednesday's ruling", "Friday's drop": news names an event by its weekday once it has
/// happened, whatever the tense around it ("they will appeal Wednesday's ruling"), and
/// one to come after "ahead of", "until", "upcoming" ("ahead of Friday's vote"; not
/// "before": "a 7% share before Friday's purchases").
fn possessive(hit: &Hit) -> Option<Tense> {
    let after = &hit.text[hit.end..];
    if !(after.starts_with("'s") || after.starts_with("\u{2019}s")) {
        return None;
    }
    let before = super::before(hit.text, hit.start, 24).to_ascii_lowercase();
    let ahead = before
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .any(|w| {
            matches!(
                w,
                "ahead" | "until" | "till" | "upcoming" | "coming" | "next"
            )
        });
    Some(if ahead { Tense::Future } else { Tense::Past })
}

/// "today" anywhere in a sentence told in the past or future tense ("the ministry said
/// today", "talks will resume today"): the day of the news. In the present tense it is
/// mostly the present era ("AI today is different", "tools in use today"), which has no
/// calendar value; so is "of today", "until today" and "today's".
pub fn today_in_tense(hit: &Hit) -> Option<Found> {
    let before = super::before(hit.text, hit.start, 24)
        .trim_end()
        .to_ascii_lowercase();
    let prev = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    if matches!(
        prev,
        "of" | "until" | "till" | "to" | "than" | "become" | "became" | "becomes" | "like"
    ) {
        return None;
    }
    let after = &hit.text[hit.end..];
    if after.starts_with("'s") || after.starts_with("\u{2019}s") {
        return None;
    }
    if tense_with(hit.text, hit.start, hit.end, false) == Tense::Unknown {
        return None;
    }
    pending(Pending::Relative(Relative::Day(0)), hit)
}

/// The anaphor normaliser. Group `rel`: "a year earlier", "the same day", "that week"...
pub fn anaphor(hit: &Hit) -> Option<Found> {
    let rel = hit.get("rel")?.to_lowercase().replace('-', " ");
    let rel = rel.split_whitespace().collect::<Vec<_>>().join(" ");
    let last = rel.rsplit(' ').next().unwrap_or("");
    // "the year before the crisis": "before" is a preposition there, not the anaphor.
    let next = hit.text[hit.end..].trim_start();
    if rel.ends_with("before") && next.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    // "the quarter-to-quarter change", "that quarter-point cut": a compound, not a period.
    if hit.text[hit.end..].starts_with('-') {
        return None;
    }
    let a = if rel.contains("year earlier")
        || rel.contains("year ago")
        || rel.contains("year before")
        || rel.contains("previous year")
        || rel.contains("prior year")
        // "last year's quarter", "the same period last year": the quarter reported, a
        // year back.
        || (rel.contains("last year") && (last == "quarter" || last == "period" || rel.ends_with("last year")))
    {
        Anaphor::YearEarlier
    } else if last == "quarter" || last == "period" {
        // "the quarter of the budget" is a share, not a period.
        if hit.text[hit.end..].starts_with(" of") {
            return None;
        }
        if let Some(y) = hit.get("year").and_then(|y| y.parse().ok()) {
            return pending(Pending::Anaphor(Anaphor::QuarterIn(y)), hit);
        }
        // "the latest quarter" is the last one ended, whatever was named before.
        if rel.contains("latest") || rel.contains("recent") || rel.contains("ended") {
            return pending(Pending::Relative(Relative::Quarter(-1)), hit);
        }
        Anaphor::Quarter
    } else if let Some(d) =
        weekday_num(last).filter(|_| rel.starts_with("previous") || rel.starts_with("preceding"))
    {
        Anaphor::WeekdayBefore(d)
    } else if last == "day" || rel.starts_with("day ") {
        if rel.contains("next") || rel.contains("following") || rel.contains("after") {
            Anaphor::Day(1)
        } else if rel.contains("before") || rel.contains("previous") {
            Anaphor::Day(-1)
        } else {
            Anaphor::Day(0)
        }
    } else if last == "week" {
        Anaphor::Week(if rel.contains("next") || rel.contains("following") {
            1
        } else if rel.contains("previous") {
            -1
        } else {
            0
        })
    } else if last == "year" && rel == "year" {
        // A bare "the year" that counts on ("the year before", "the year ahead"), picks
        // one out ("the year in which", "the year that") or is a fiscal year ending on a
        // date ("the year ended June 30") is not the last date's.
        let next_word = next
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        // "a record for the year of 310 tonnes" is the year's record, an amount: not "the
        // year of the election".
        let of_amount = next_word == "of"
            && next[2..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit() || "$£€¥#".contains(c));
        if !of_amount
            && matches!(
                next_word.as_str(),
                "before"
                    | "after"
                    | "ago"
                    | "earlier"
                    | "later"
                    | "ahead"
                    | "to"
                    | "in"
                    | "when"
                    | "that"
                    | "which"
                    | "of"
                    | "since"
                    | "prior"
                    | "ended"
                    | "ending"
            )
        {
            return None;
        }
        Anaphor::TheYear
    } else if last == "year" {
        Anaphor::Year(i64::from(rel.contains("following") || rel.contains("next")))
    } else if last == "month" && (rel.contains("following") || rel.contains("next")) {
        Anaphor::MonthAfter
    } else if let Some(s) = season_num(last) {
        Anaphor::Season(s)
    } else if is_month_word(last) {
        Anaphor::Month(month_num(last)?)
    } else {
        return None;
    };
    pending(Pending::Anaphor(a), hit)
}

/// A month's full name ("may", not "mar"): what "last May" needs, where an abbreviation
/// would be a word ("mar", "sept.").
pub(super) fn is_month_word(w: &str) -> bool {
    month_num(w).is_some_and(|m| super::MONTH_NAMES[m as usize - 1] == w)
}

fn offset_word(w: &str) -> Option<i64> {
    match w {
        "this" | "current" | "the" | "same" => Some(0),
        "last" | "past" | "previous" | "prior" => Some(-1),
        "next" | "coming" | "following" => Some(1),
        _ => None,
    }
}

pub(super) fn weekday_num(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.');
    Some(match w {
        "monday" | "mon" => 1,
        "tuesday" | "tue" | "tues" => 2,
        "wednesday" | "wed" => 3,
        "thursday" | "thu" | "thur" | "thurs" => 4,
        "friday" | "fri" => 5,
        "saturday" | "sat" => 6,
        "sunday" | "sun" => 7,
        _ => return None,
    })
}

pub(super) fn season_num(w: &str) -> Option<u32> {
    Some(match w {
        "spring" => 0,
        "summer" => 1,
        "autumn" | "fall" => 2,
        "winter" => 3,
        _ => return None,
    })
}

/// The months (start, end) of a season in year `y`; winter runs into the next year.
pub fn season_span(season: u32, y: i32) -> (Ymd, Ymd) {
    match season {
        0 => (Ymd::month(y, 3), Ymd::month(y, 5)),
        1 => (Ymd::month(y, 6), Ymd::month(y, 8)),
        2 => (Ymd::month(y, 9), Ymd::month(y, 11)),
        _ => (Ymd::month(y, 12), Ymd::month(y + 1, 2)),
    }
}

fn span(a: Ymd, b: Ymd) -> Option<String> {
    super::interval(a, b)
}

fn day_at(z: i64) -> Ymd {
    let (a, b, c) = civil_from_days(z);
    Ymd::day(a, b, c)
}

/// The Monday–Sunday interval of the week holding day `z` (days since 1970).
pub fn week_of(z: i64) -> Option<String> {
    let monday = z - (z + 3).rem_euclid(7);
    span(day_at(monday), day_at(monday + 6))
}

/// Values a relative expression against the reference date; `None` when the reference is
/// not precise enough ("yesterday" of a document dated only by year).
pub fn resolve_relative(r: Relative, reference: Ymd) -> Option<String> {
    let y = reference.y;
    let today = || Some(days_from_civil(y, reference.m?, reference.d?));
    match r {
        Relative::Year(o) => Some(Ymd::year(y + o as i32).iso()),
        Relative::Month(o) => {
            let m = reference.m? as i64 - 1 + o;
            Some(Ymd::month(y + m.div_euclid(12) as i32, (m.rem_euclid(12) + 1) as u32).iso())
        }
        // "last April": the latest April before the reference month; "next April" the
        // first one after it; "this April" the one of the reference year.
        Relative::MonthOfYear { month, offset } => {
            let rm = reference.m?;
            let y = match offset {
                o if o < 0 => {
                    if month < rm {
                        y
                    } else {
                        y - 1
                    }
                }
                o if o > 0 => {
                    if month > rm {
                        y
                    } else {
                        y + 1
                    }
                }
                _ => y,
            };
            Some(Ymd::month(y, month).iso())
        }
        Relative::Day(o) => Some(day_at(today()? + o).iso()),
        Relative::DayOfMonth { day, tense } => {
            let (rm, rd) = (reference.m?, reference.d?);
            let shift: i64 = match tense {
                Tense::Future if day < rd => 1,
                Tense::Future => 0,
                _ if day > rd => -1,
                _ => 0,
            };
            let m = rm as i64 - 1 + shift;
            let (y, m) = (y + m.div_euclid(12) as i32, (m.rem_euclid(12) + 1) as u32);
            let d = Ymd::day(y, m, day);
            d.valid().then(|| d.iso())
        }
        Relative::Week(o) => week_of(today()? + 7 * o),
        Relative::Weekday { day, week, tense } => {
            let z = today()?;
            let wd = (z + 3).rem_euclid(7) + 1;
            let delta = match (week, tense) {
                (Some(w), _) => day as i64 - wd + 7 * w,
                (None, Tense::Future) => (day as i64 - wd).rem_euclid(7),
                (None, _) => -(wd - day as i64).rem_euclid(7),
            };
            Some(day_at(z + delta).iso())
        }
        Relative::Weekdays { day, day2, tense } => {
            let first = resolve_relative(
                Relative::Weekday {
                    day,
                    week: None,
                    tense,
                },
                reference,
            )?;
            let a = Ymd::parse(&first)?;
            let z = days_from_civil(a.y, a.m?, a.d?);
            span(a, day_at(z + (day2 as i64 - day as i64).rem_euclid(7)))
        }
        Relative::Quarter(o) => {
            let q = (reference.m? as i64 - 1) / 3 + o;
            let (qy, qq) = (y + q.div_euclid(4) as i32, q.rem_euclid(4) as u32);
            span(Ymd::month(qy, qq * 3 + 1), Ymd::month(qy, qq * 3 + 3))
        }
        Relative::Season { season, offset } => {
            let m = reference.m?;
            // The instance of the season that holds the reference month, or the last one
            // before it (winter holds January and February of the year after it starts).
            let start_year = if season == 3 && m <= 2 { y - 1 } else { y };
            let (a, b) = season_span(season, start_year);
            let here = (a.y, a.m) <= (y, Some(m));
            let ended = (b.y, b.m) < (y, Some(m));
            let this_y = start_year;
            let y2 = match offset {
                0 => this_y,
                o if o < 0 => {
                    if ended {
                        this_y
                    } else {
                        this_y - 1
                    }
                }
                _ => {
                    if here {
                        this_y + 1
                    } else {
                        this_y
                    }
                }
            };
            let (a, b) = season_span(season, y2);
            span(a, b)
        }
        Relative::Weekend(t) => {
            let z = today()?;
            let wd = (z + 3).rem_euclid(7) + 1;
            let saturday = match t {
                Tense::Future if wd < 6 => z + (6 - wd),
                _ if wd >= 6 => z - (wd - 6),
                _ => z - (wd + 1),
            };
            span(day_at(saturday), day_at(saturday + 1))
        }
        Relative::Holiday { holiday, tense } => {
            super::words::resolve_holiday(holiday, tense, reference)
        }
        Relative::FiscalYear { system, offset } => {
            let m = reference.m?;
            let start_month = fiscal::start_month(system);
            let start_year = if m >= start_month { y } else { y - 1 };
            fiscal::span(system, start_year + offset as i32)
        }
    }
}

/// Values an anaphor against the last date the text named before it (`last`, its start
/// and end as ISO values) and the last day-precision date (`last_day`).
pub fn resolve_anaphor(
    a: Anaphor,
    last: Option<(Ymd, Ymd)>,
    last_day: Option<Ymd>,
) -> Option<String> {
    match a {
        Anaphor::YearEarlier => {
            let (s, e) = last?;
            let back = |d: Ymd| {
                let mut d = Ymd { y: d.y - 1, ..d };
                if !d.valid() {
                    d.d = d.d.map(|x| x - 1);
                }
                d
            };
            span(back(s), back(e))
        }
        Anaphor::Day(o) => {
            let d = last_day?;
            Some(day_at(days_from_civil(d.y, d.m?, d.d?) + o).iso())
        }
        Anaphor::Week(o) => {
            let d = last_day?;
            week_of(days_from_civil(d.y, d.m?, d.d?) + 7 * o)
        }
        Anaphor::WeekdayBefore(day) => {
            let d = last_day?;
            let (m, dd) = (d.m?, d.d?);
            let wd = i64::from(super::weekday(d.y, m, dd));
            // Strictly before: "the previous Friday" of a Friday is the week before's.
            let back = (wd - day as i64 - 1).rem_euclid(7) + 1;
            Some(day_at(days_from_civil(d.y, m, dd) - back).iso())
        }
        Anaphor::Year(o) => Some(Ymd::year(last?.0.y + o as i32).iso()),
        Anaphor::TheYear => Some(Ymd::year(last?.0.y).iso()),
        Anaphor::MonthAfter => {
            let (_, b) = last?;
            let m = b.m?;
            Some(
                if m == 12 {
                    Ymd::month(b.y + 1, 1)
                } else {
                    Ymd::month(b.y, m + 1)
                }
                .iso(),
            )
        }
        Anaphor::Month(m) => Some(Ymd::month(last?.0.y, m).iso()),
        Anaphor::Season(s) => {
            let (a, b) = season_span(s, last?.0.y);
            span(a, b)
        }
        Anaphor::Quarter => span(last?.0, last?.1),
        Anaphor::QuarterIn(y) => match last {
            Some((a, b))
                if a.d.is_none()
                    && a.y == b.y
                    && matches!((a.m, b.m), (Some(x), Some(z)) if z == x + 2 && x % 3 == 1) =>
            {
                span(Ymd { y, ..a }, Ymd { y, ..b })
            }
            _ => Some(Ymd::year(y).iso()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dates_count_from_the_reference_day() {
        let r = Ymd::day(2024, 11, 21);
        assert_eq!(
            resolve_relative(Relative::Day(-1), r).unwrap(),
            "2024-11-20"
        );
        assert_eq!(resolve_relative(Relative::Year(-1), r).unwrap(), "2023");
        assert_eq!(resolve_relative(Relative::Month(2), r).unwrap(), "2025-01");
        assert_eq!(
            resolve_relative(Relative::Week(-1), r).unwrap(),
            "2024-11-11/2024-11-17"
        );
        assert_eq!(resolve_relative(Relative::Day(0), Ymd::year(2024)), None);
        let month = |month, offset| resolve_relative(Relative::MonthOfYear { month, offset }, r);
        assert_eq!(month(4, -1).unwrap(), "2024-04");
        assert_eq!(month(12, -1).unwrap(), "2023-12");
        assert_eq!(month(2, 1).unwrap(), "2025-02");
        assert_eq!(month(12, 1).unwrap(), "2024-12");
    }

    #[test]
    fn a_weekday_naming_a_periodical_is_no_day() {
        assert!(periodical_named_for("The Monday digest on trade", 10));
        assert!(periodical_named_for("our Friday newsletter", 10));
        assert!(!periodical_named_for("on Monday the digest", 9));
        assert!(!periodical_named_for("on Monday, digest", 9));
        assert!(!periodical_named_for("its Friday issue", 10));
    }

    #[test]
    fn a_day_of_the_month_is_of_the_reference_month_or_the_one_before() {
        let r = Ymd::day(2024, 11, 28);
        let dm = |day, tense| resolve_relative(Relative::DayOfMonth { day, tense }, r);
        assert_eq!(dm(27, Tense::Past).unwrap(), "2024-11-27");
        assert_eq!(dm(29, Tense::Past).unwrap(), "2024-10-29");
        assert_eq!(dm(29, Tense::Future).unwrap(), "2024-11-29");
        assert_eq!(dm(3, Tense::Future).unwrap(), "2024-12-03");
        assert_eq!(dm(31, Tense::Unknown).unwrap(), "2024-10-31");
        // The 31st of a month of 30 days is no day.
        let r = Ymd::day(2024, 12, 5);
        let dm31 = resolve_relative(
            Relative::DayOfMonth {
                day: 31,
                tense: Tense::Past,
            },
            r,
        );
        assert_eq!(dm31, None);
        let r = Ymd::day(2025, 1, 10);
        let dm = |day, tense| resolve_relative(Relative::DayOfMonth { day, tense }, r);
        assert_eq!(dm(20, Tense::Past).unwrap(), "2024-12-20");
    }

    #[test]
    fn weekdays_follow_the_tense_or_the_named_week() {
        // 2024-11-21 is a Thursday.
        let r = Ymd::day(2024, 11, 21);
        let wd = |day, week, tense| resolve_relative(Relative::Weekday { day, week, tense }, r);
        assert_eq!(wd(1, None, Tense::Past).unwrap(), "2024-11-18");
        assert_eq!(wd(5, None, Tense::Past).unwrap(), "2024-11-15");
        assert_eq!(wd(5, None, Tense::Future).unwrap(), "2024-11-22");
        assert_eq!(wd(4, None, Tense::Past).unwrap(), "2024-11-21");
        assert_eq!(wd(4, Some(-1), Tense::Unknown).unwrap(), "2024-11-14");
        assert_eq!(wd(3, Some(1), Tense::Unknown).unwrap(), "2024-11-27");
    }

    #[test]
    fn seasons_quarters_weekends_and_fiscal_years() {
        let r = Ymd::day(2021, 4, 10);
        let season = |season, offset| resolve_relative(Relative::Season { season, offset }, r);
        assert_eq!(season(2, -1).unwrap(), "2020-09/2020-11");
        assert_eq!(season(1, 0).unwrap(), "2021-06/2021-08");
        assert_eq!(season(0, 1).unwrap(), "2022-03/2022-05");
        assert_eq!(season(3, -1).unwrap(), "2020-12/2021-02");
        assert_eq!(
            resolve_relative(Relative::Quarter(-1), r).unwrap(),
            "2021-01/2021-03"
        );
        // 2021-04-10 is a Saturday: the weekend is this one.
        assert_eq!(
            resolve_relative(Relative::Weekend(Tense::Past), r).unwrap(),
            "2021-04-10/2021-04-11"
        );
        let wed = Ymd::day(2021, 4, 14);
        assert_eq!(
            resolve_relative(Relative::Weekend(Tense::Past), wed).unwrap(),
            "2021-04-10/2021-04-11"
        );
        assert_eq!(
            resolve_relative(Relative::Weekend(Tense::Future), wed).unwrap(),
            "2021-04-17/2021-04-18"
        );
        let fy = |system| {
            resolve_relative(
                Relative::FiscalYear { system, offset: 0 },
                Ymd::day(2024, 11, 21),
            )
        };
        assert_eq!(fy(FiscalSystem::Us).unwrap(), "2024-10/2025-09");
        assert_eq!(fy(FiscalSystem::AprilToMarch).unwrap(), "2024-04/2025-03");
        assert_eq!(fy(FiscalSystem::JulyToJune).unwrap(), "2024-07/2025-06");
    }

    #[test]
    fn anaphors_count_from_the_last_date_named() {
        let q = (Ymd::month(2019, 7), Ymd::month(2019, 9));
        assert_eq!(
            resolve_anaphor(Anaphor::YearEarlier, Some(q), None).unwrap(),
            "2018-07/2018-09"
        );
        let d = Ymd::day(2024, 2, 29);
        assert_eq!(
            resolve_anaphor(Anaphor::YearEarlier, Some((d, d)), None).unwrap(),
            "2023-02-28"
        );
        assert_eq!(
            resolve_anaphor(Anaphor::Day(1), None, Some(d)).unwrap(),
            "2024-03-01"
        );
        assert_eq!(
            resolve_anaphor(Anaphor::Week(0), None, Some(Ymd::day(2022, 3, 9))).unwrap(),
            "2022-03-07/2022-03-13"
        );
        assert_eq!(resolve_anaphor(Anaphor::Year(0), None, Some(d)), None);
        let march = Some((Ymd::month(2021, 3), Ymd::month(2021, 3)));
        assert_eq!(
            resolve_anaphor(Anaphor::Year(1), march, None).unwrap(),
            "2022"
        );
        assert_eq!(
            resolve_anaphor(Anaphor::MonthAfter, march, None).unwrap(),
            "2021-04"
        );
        let dec = Some((Ymd::month(2021, 12), Ymd::month(2021, 12)));
        assert_eq!(
            resolve_anaphor(Anaphor::MonthAfter, dec, None).unwrap(),
            "2022-01"
        );
        // 2020-03-13 was a Friday: "the previous Friday" is the week before's, "the
        // previous Monday" that week's.
        let fri = Some(Ymd::day(2020, 3, 13));
        assert_eq!(
            resolve_anaphor(Anaphor::WeekdayBefore(5), None, fri).unwrap(),
            "2020-03-06"
        );
        assert_eq!(
            resolve_anaphor(Anaphor::WeekdayBefore(1), None, fri).unwrap(),
            "2020-03-09"
        );
        assert_eq!(
            resolve_anaphor(Anaphor::WeekdayBefore(6), None, fri).unwrap(),
            "2020-03-07"
        );
        assert_eq!(resolve_anaphor(Anaphor::WeekdayBefore(5), None, None), None);
    }

    #[test]
    fn a_working_week_is_no_day() {
        let at = |t: &str, w: &str| {
            let s = t.find(w).unwrap();
            working_week(t, s, s + w.len())
        };
        let t = "The office is open 9:00-17:00, Monday to Friday.";
        assert!(at(t, "Monday"));
        assert!(at(t, "Friday"));
        assert!(at("hours Mon–Sat", "Mon"));
        let t = "Delegates met from Monday to Wednesday in Zenda.";
        assert!(!at(t, "Monday"));
        assert!(!at(t, "Wednesday"));
        assert!(!at("The vote is on Friday.", "Friday"));
    }

    #[test]
    fn tense_reads_the_sentence() {
        let t = "The board will meet on Tuesday to decide.";
        let s = t.find("Tuesday").unwrap();
        assert_eq!(tense(t, s, s + 7), Tense::Future);
        let t = "Officials announced the plan on Tuesday. It will help.";
        let s = t.find("Tuesday").unwrap();
        assert_eq!(tense(t, s, s + 7), Tense::Past);
        let t = "Monday";
        assert_eq!(tense(t, 0, 6), Tense::Unknown);
        // The nearest cue owns the expression, not any cue in the sentence.
        let t = "The council confirmed the merger Friday and said it will vote again.";
        let s = t.find("Friday").unwrap();
        assert_eq!(tense(t, s, s + 6), Tense::Past);
        let t = "Inspectors planned to visit the plant on Friday, the ministry said.";
        let s = t.find("Friday").unwrap();
        assert_eq!(tense(t, s, s + 6), Tense::Future);
        // The news present of a schedule, a hope and a postponement look ahead.
        let t = "The summit starts Saturday and ends Sunday.";
        let s = t.find("Saturday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Future);
        let t = "The hearing was adjourned to Sept. 20.";
        let s = t.find("Sept.").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Future);
        let t = "The agency hopes to finish by Christmas.";
        let s = t.find("Christmas").unwrap();
        assert_eq!(tense(t, s, s + 9), Tense::Future);
        // A schedule stated in the present right before the day.
        for t in [
            "A ruling is expected Friday.",
            "The report, expected on Friday, sets out the plan.",
            "The deadline for comments is Friday, officials said.",
            "The new rules take effect Friday.",
            "The law comes into force on Friday.",
            "Lawmakers return from recess on Friday.",
        ] {
            let s = t.find("Friday").unwrap();
            assert_eq!(tense(t, s, s + 6), Tense::Future, "{t}");
        }
        let t = "A ruling had been expected Friday but was delayed.";
        let s = t.find("Friday").unwrap();
        assert_ne!(tense(t, s, s + 6), Tense::Future);
        // A clause after ", and" has its own verb; an agreement after the day is no plan.
        let t = "The office opened its doors in the capital on Wednesday, and will test models.";
        let s = t.find("Wednesday").unwrap();
        assert_eq!(tense(t, s, s + 9), Tense::Past);
        let t = "Delegates closed the two-day summit on Thursday with an agreement to test models.";
        let s = t.find("Thursday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Past);
        // A passive after a modal takes the modal's tense.
        let t = "A new chair will be appointed for the review in March.";
        let s = t.find("March").unwrap();
        assert_eq!(tense(t, s, s + 5), Tense::Future);
        // "until" looks ahead, unless it opens the sentence.
        let t = "The regulator delayed the ruling until Thursday.";
        let s = t.find("Thursday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Future);
        let t = "Until Thursday, few had heard of the firm.";
        let s = t.find("Thursday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Past);
        let t = "The board extended the offer until 5 p.m. Thursday.";
        let s = t.find("Thursday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Future);
        let t = "Talks resumed, and a deal could come as soon as Thursday.";
        let s = t.find("Thursday").unwrap();
        assert_eq!(tense(t, s, s + 8), Tense::Future);
        // Nor does the point of "$1.5 million".
        let t = "Officials said $1.5 million would arrive by Friday.";
        let s = t.find("Friday").unwrap();
        assert_eq!(tense(t, s, s + 6), Tense::Future);
        // "Nov." does not end the sentence that "said" begins.
        let t = "The bank said on Nov. 3 that trading would resume.";
        let s = t.find("Nov.").unwrap();
        assert_eq!(tense(t, s, s + 7), Tense::Past);
        // A modal looks ahead; an adjective in "un-...-ed" is no past verb.
        let t = "Members can join the summit in April.";
        let s = t.find("April").unwrap();
        assert_eq!(tense(t, s, s + 5), Tense::Future);
        let t = "The shares would be issued on an undisclosed date in May.";
        let s = t.find("May").unwrap();
        assert_eq!(tense(t, s, s + 3), Tense::Future);
        // "vs." and "Ala." end no sentence; the verb far after the date still counts.
        let t = "In May, two days after the vote on the Harlow vs. Kent appeal, a rally in \
                 Dover, Del., ended in arrests.";
        let s = t.find("May").unwrap();
        assert_eq!(tense(t, s, s + 3), Tense::Past);
        // What is agreed is still to be done.
        let t = "The firm said it signed an agreement to sell the unit in January.";
        let s = t.find("January").unwrap();
        assert_eq!(tense(t, s, s + 7), Tense::Future);
        let t = "The two sides agreed in January to hold talks.";
        let s = t.find("January").unwrap();
        assert_eq!(tense(t, s, s + 7), Tense::Past);
        // The attribution after a closing quotation mark does not speak for what is quoted.
        for q in ["''", "\"", "\u{201D}"] {
            let t = format!("{q}The convoy will leave at dawn (6 a.m. Thursday),{q} he said.");
            let s = t.find("Thursday").unwrap();
            assert_eq!(tense(&t, s, s + 8), Tense::Future, "{q}");
        }
        // "is" nearer than a past verb takes no side.
        let t = "The loan, which was agreed, is repayable in full by March.";
        let s = t.find("March").unwrap();
        assert_eq!(tense(t, s, s + 5), Tense::Unknown);
    }
}
