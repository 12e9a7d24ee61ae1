//! The pattern-rule engine: regular expressions with named groups, read from
//! `rules/patterns/*.toml` (format in `rulefile`, reference in `docs/rules.md`), each
//! paired with a normaliser — a Rust function per kind of value (`dates`, `money`,
//! `quantity`) that reads the named groups and returns the value, or refuses the match.
//!
//! One document is scanned by every rule; overlapping matches are settled once, across
//! kinds: the longest match wins, then the higher priority, then the earlier rule. Dates
//! without a year and relative dates are valued last, against the other dates of the
//! document and its reference date. The engine never edits the text and never looks at
//! other documents.

use super::dates::{self, Pending, Ymd};
use super::rulefile::{self, Example, RuleSpec};
use super::starts::StartIndex;
use super::{DocContext, ExampleOutcome, money, quantity};
use crate::model::{DocText, Mention, MentionKind};
use anyhow::{Result, bail};
use regex::{Captures, Regex};
use regex_automata::util::captures::Captures as GroupCaptures;
use regex_automata::{Anchored, Input, meta};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What a normaliser sees: the match's groups, the whole text and the mention's span
/// (group `m` when the rule has one, else the whole match).
pub struct Hit<'t> {
    caps: &'t GroupCaptures,
    /// The captures of the rule's `prefix`, when it matched.
    pre: Option<Captures<'t>>,
    pub text: &'t str,
    pub start: usize,
    pub end: usize,
}

impl<'t> Hit<'t> {
    /// The text of a named group, when it took part in the match.
    pub fn get(&self, name: &str) -> Option<&'t str> {
        match group(self.caps, name) {
            Some(span) => self.text.get(span.range()),
            None => self
                .pre
                .as_ref()
                .and_then(|p| p.name(name))
                .map(|m| m.as_str()),
        }
    }
}

/// The span of a named group of a match. The pattern's few group names are compared in
/// turn: the library's lookup hashes the name with SipHash, which cost more than the
/// comparisons (normalisers ask for groups a dozen times per match).
fn group(caps: &GroupCaptures, name: &str) -> Option<regex_automata::Span> {
    let pid = caps.pattern()?;
    let index = caps
        .group_info()
        .pattern_names(pid)
        .position(|n| n == Some(name))?;
    caps.get_group(index)
}

/// What a normaliser returns: the value (or, for dates that need the rest of the document,
/// a [`Pending`] and a null value) and extra fields for the mention.
#[derive(Clone, Debug)]
pub struct Found {
    pub value: Value,
    pub extra: BTreeMap<String, Value>,
    pub pending: Option<Pending>,
    /// The tense of the pending date's sentence, left to be read for the candidates that
    /// win their overlaps: most year-less candidates lie inside a full date that wins.
    pub tense: Option<dates::TenseRead>,
}

type Normaliser = fn(&Hit) -> Option<Found>;

/// The normalisers a rule may name, with the kind each produces.
fn normaliser(name: &str) -> Option<(Normaliser, MentionKind)> {
    Some(match name {
        "date" => (dates::date as Normaliser, MentionKind::Date),
        "year" => (dates::year, MentionKind::Date),
        "numeric_date" => (dates::numeric_date, MentionKind::Date),
        "quarter" => (dates::quarter, MentionKind::Date),
        "half" => (dates::half, MentionKind::Date),
        "season" => (dates::season, MentionKind::Date),
        "decade" => (dates::decade, MentionKind::Date),
        "fiscal_year" => (dates::fiscal_year, MentionKind::Date),
        "fiscal_quarter" => (dates::fiscal_quarter, MentionKind::Date),
        "relative" => (dates::relative, MentionKind::Date),
        "anaphor" => (dates::anaphor, MentionKind::Date),
        "today" => (dates::today_in_tense, MentionKind::Date),
        "spelled_year" => (dates::spelled_year, MentionKind::Date),
        "century" => (dates::century, MentionKind::Date),
        "decade_word" => (dates::decade_word, MentionKind::Date),
        "holiday" => (dates::holiday, MentionKind::Date),
        "era_year" => (dates::era_year, MentionKind::Date),
        "year_pair" => (dates::year_pair, MentionKind::Date),
        "money" => (money::money, MentionKind::Money),
        "quantity" => (quantity::quantity, MentionKind::Quantity),
        _ => return None,
    })
}

const NORMALISERS: &str = "date, numeric_date, year, year_pair, quarter, half, season, decade, fiscal_year, era_year, relative, anaphor, today, spelled_year, century, decade_word, holiday, money, quantity";

/// One compiled rule.
pub struct Rule {
    pub id: String,
    pub kind: MentionKind,
    /// Rule file, relative to the patterns folder.
    pub file: String,
    pub line: usize,
    pub priority: i32,
    /// The pattern as compiled (word boundaries and digits made ASCII).
    pattern: String,
    regex: meta::Regex,
    /// Whether the pattern has an `m` group, which is the mention's span (else the whole
    /// match is).
    span_group: bool,
    prefix: Option<Regex>,
    preceded_by: Option<Regex>,
    not_preceded_by: Option<Regex>,
    normalise: Normaliser,
    examples: Vec<Example>,
    counter_examples: Vec<String>,
}

/// The compiled pattern rules.
pub struct PatternRules {
    pub rules: Vec<Rule>,
    /// Where each rule's matches can start, for all rules in one pass: each rule then
    /// runs only from those positions, not over the whole text.
    starts: Option<StartIndex>,
}

impl PatternRules {
    fn new(rules: Vec<Rule>) -> PatternRules {
        let patterns: Vec<&str> = rules.iter().map(|r| r.pattern.as_str()).collect();
        let starts = StartIndex::new(&patterns);
        PatternRules { rules, starts }
    }
}

impl PatternRules {
    /// Loads and compiles every `.toml` file under `dir`. An error names the file, the
    /// line and the rule; nothing is half-loaded.
    pub fn load(dir: &Path) -> Result<PatternRules> {
        PatternRules::from_files(&crate::rules::folder_files(dir)?)
    }

    /// Compiles the rules of these files (see [`PatternRules::load`]).
    pub fn from_files(files: &[crate::rules::RuleFile]) -> Result<PatternRules> {
        let mut rules = Vec::new();
        for f in files {
            rules.extend(compile_file(&f.shown, &f.rel, &f.text)?);
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for r in &rules {
            if let Some(f) = seen.insert(&r.id, &r.file) {
                bail!(
                    "{}, line {}: rule id {:?} is also used in {f}; rule ids must be unique",
                    r.file,
                    r.line,
                    r.id
                );
            }
        }
        Ok(PatternRules::new(rules))
    }

    /// Compiles rules from one file's text (tests and `load`).
    pub fn from_source(name: &str, source: &str) -> Result<PatternRules> {
        Ok(PatternRules::new(compile_file(name, name, source)?))
    }
}

fn compile_file(shown: &str, rel: &str, source: &str) -> Result<Vec<Rule>> {
    let specs = rulefile::parse(shown, source)?;
    specs.into_iter().map(|s| compile(shown, rel, s)).collect()
}

fn compile(shown: &str, rel: &str, s: RuleSpec) -> Result<Rule> {
    let at = format!("{shown}, line {}, rule {:?}", s.line, s.id);
    let Some((normalise, kind)) = normaliser(&s.normaliser) else {
        bail!(
            "{at}: unknown normaliser {:?}; use one of {NORMALISERS}",
            s.normaliser
        );
    };
    if s.kind != kind.as_str() {
        bail!(
            "{at}: normaliser {:?} produces {} values, but the rule's kind is {:?}",
            s.normaliser,
            kind.as_str(),
            s.kind
        );
    }
    let pattern = ascii_word_boundaries(&s.pattern);
    // The regex crate's engine itself, for anchored searches from a known start (the
    // crate's own `Regex` has none); configured as `regex::Regex` is.
    let regex = meta::Regex::builder()
        .configure(meta::Regex::config().nfa_size_limit(Some(64 << 20)))
        .build(&pattern)
        .map_err(|e| {
            let e = match (e.size_limit(), e.syntax_error()) {
                (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
                (None, Some(syntax)) => syntax.to_string(),
                (None, None) => e.to_string(),
            };
            anyhow::anyhow!("{at}: the pattern is not a valid regular expression:\n{e}")
        })?;
    if regex.is_match("") {
        bail!("{at}: the pattern matches the empty string; it must consume text");
    }
    // Look-behinds are matched against the end of the text before the match.
    let behind = |field: &str, p: &Option<String>| -> Result<Option<Regex>> {
        p.as_ref()
            .map(|p| {
                regex::RegexBuilder::new(&format!("(?:{})$", ascii_word_boundaries(p)))
                    .build()
                    .map_err(|e| {
                        anyhow::anyhow!("{at}: {field} is not a valid regular expression:\n{e}")
                    })
            })
            .transpose()
    };
    let prefix = behind("prefix", &s.prefix)?;
    let preceded_by = behind("preceded_by", &s.preceded_by)?;
    let not_preceded_by = behind("not_preceded_by", &s.not_preceded_by)?;
    Ok(Rule {
        id: s.id,
        kind,
        file: rel.to_string(),
        line: s.line,
        priority: s.priority,
        pattern,
        span_group: regex
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .any(|n| n == Some("m")),
        regex,
        prefix,
        preceded_by,
        not_preceded_by,
        normalise,
        examples: s.examples,
        counter_examples: s.counter_examples,
    })
}

/// Rewrites `\b` and `\B` as ASCII word boundaries and `\d` as ASCII digits. A Unicode word boundary stops the
/// regex crate's fast DFA on any non-ASCII text (most reports hold curly quotes and
/// dashes), which made the find stage two orders of magnitude slower; month names, digits
/// and currency words are ASCII, so nothing is lost.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some('d') => out.push_str("[0-9]"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// How far (bytes) look-behind patterns see before a match.
const LOOK_BEHIND: usize = 48;

/// A match that a normaliser accepted, before overlaps are settled.
struct Candidate {
    rule: usize,
    start: usize,
    end: usize,
    found: Found,
}

/// The pattern rules' matches in one document, overlaps settled: made once, then read
/// both for the document's own date and for its mentions.
pub struct PatternScan {
    cands: Vec<Candidate>,
}

/// Runs every pattern rule over a document's text.
pub fn scan_text(rules: &PatternRules, text: &str) -> PatternScan {
    PatternScan {
        cands: scan(rules, text),
    }
}

/// A match whose span passed its rule's look-behinds, before overlaps are settled.
struct Admitted<'t> {
    rule: usize,
    start: usize,
    end: usize,
    norm: Norm<'t>,
}

/// What the normaliser made of an admitted match, or what it needs later.
enum Norm<'t> {
    /// Normalised already (the span of a rule with an `m` group needs its groups).
    Done(Found),
    /// To be normalised if the span wins its place: the groups are read again by an
    /// anchored search from `from`. Most matches lose to a longer one (a year inside a full
    /// date), and reading groups and normalising cost more than finding the match.
    Later {
        from: usize,
        pre: Option<Captures<'t>>,
    },
}

/// Every accepted match of every rule, overlaps settled, in text order.
fn scan(rules: &PatternRules, text: &str) -> Vec<Candidate> {
    let mut admitted = Vec::new();
    match rules.starts.as_ref().and_then(|s| s.starts(text)) {
        Some(starts) => {
            for (i, (rule, starts)) in rules.rules.iter().zip(&starts).enumerate() {
                if starts.is_empty() {
                    continue;
                }
                // The rule's own pass over the text, jumping from the end of one match to
                // the next position where a match starts: the same matches, found where
                // they are, by anchored searches that read only the match.
                let mut caps = rule.regex.create_captures();
                let mut pos = 0;
                for &s in starts {
                    if s < pos {
                        continue;
                    }
                    let input = Input::new(text).range(s..).anchored(Anchored::Yes);
                    let whole = if rule.span_group {
                        rule.regex.search_captures(&input, &mut caps);
                        caps.get_match()
                    } else {
                        rule.regex.search(&input)
                    };
                    let Some(whole) = whole else {
                        continue;
                    };
                    pos = if whole.is_empty() {
                        crate::utf8::ceil_char(text, whole.end() + 1)
                    } else {
                        whole.end()
                    };
                    if rule.span_group {
                        consider(rules, i, text, &caps, &mut admitted);
                    } else if let Some((start, pre)) =
                        place(rule, text, whole.start(), whole.start())
                    {
                        admitted.push(Admitted {
                            rule: i,
                            start,
                            end: whole.end(),
                            norm: Norm::Later { from: s, pre },
                        });
                    }
                }
            }
        }
        None => {
            for (i, rule) in rules.rules.iter().enumerate() {
                for caps in rule.regex.captures_iter(text) {
                    consider(rules, i, text, &caps, &mut admitted);
                }
            }
        }
    }
    settle(rules, text, admitted)
}

/// A match's start once its rule's look-behinds accept it (`span_start`, or earlier where
/// the rule's `prefix` matched before the whole match at `whole_start`), and the prefix's
/// groups.
fn place<'t>(
    rule: &Rule,
    text: &'t str,
    span_start: usize,
    whole_start: usize,
) -> Option<(usize, Option<Captures<'t>>)> {
    crate::budget::check();
    let before =
        &text[dates::floor_char(text, whole_start.saturating_sub(LOOK_BEHIND))..whole_start];
    if rule
        .preceded_by
        .as_ref()
        .is_some_and(|r| !r.is_match(before))
        || rule
            .not_preceded_by
            .as_ref()
            .is_some_and(|r| r.is_match(before))
    {
        return None;
    }
    let pre = rule.prefix.as_ref().and_then(|r| r.captures(before));
    let start = match pre.as_ref().and_then(|p| p.get(0)) {
        Some(p) if !p.is_empty() => whole_start - (before.len() - p.start()),
        _ => span_start,
    };
    Some((start, pre))
}

/// Checks one match of rule `i` against the rule's look-behinds and normaliser, and admits
/// it when both accept it.
fn consider<'t>(
    rules: &PatternRules,
    i: usize,
    text: &'t str,
    caps: &GroupCaptures,
    admitted: &mut Vec<Admitted<'t>>,
) {
    let rule = &rules.rules[i];
    let Some(span) = group(caps, "m").or_else(|| caps.get_group(0)) else {
        return;
    };
    let whole_start = caps.get_group(0).map_or(span.start, |m| m.start);
    let Some((start, pre)) = place(rule, text, span.start, whole_start) else {
        return;
    };
    let hit = Hit {
        caps,
        pre,
        text,
        start,
        end: span.end,
    };
    if let Some(found) = (rule.normalise)(&hit) {
        admitted.push(Admitted {
            rule: i,
            start,
            end: span.end,
            norm: Norm::Done(found),
        });
    }
}

/// Longest match wins, then the higher priority, then the earlier rule and position; a
/// match its normaliser rejects takes no place.
fn settle(rules: &PatternRules, text: &str, mut admitted: Vec<Admitted>) -> Vec<Candidate> {
    admitted.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(
                rules.rules[b.rule]
                    .priority
                    .cmp(&rules.rules[a.rule].priority),
            )
            .then(a.rule.cmp(&b.rule))
            .then(a.start.cmp(&b.start))
    });
    // Accepted spans keyed by start; spans never overlap, so checking the neighbours on
    // either side is enough.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(admitted.len());
    // One set of groups per rule, made when its first match is normalised.
    let mut caps: Vec<Option<GroupCaptures>> = Vec::new();
    caps.resize_with(rules.rules.len(), || None);
    for a in admitted {
        let clash_before = taken
            .range(..=a.start)
            .next_back()
            .is_some_and(|(_, &e)| e > a.start);
        let clash_after = taken.range(a.start..a.end).next().is_some();
        if clash_before || clash_after {
            continue;
        }
        let found = match a.norm {
            Norm::Done(found) => found,
            Norm::Later { from, pre } => {
                crate::budget::check();
                let rule = &rules.rules[a.rule];
                let c = caps[a.rule].get_or_insert_with(|| rule.regex.create_captures());
                let input = Input::new(text).range(from..).anchored(Anchored::Yes);
                rule.regex.search_captures(&input, c);
                let hit = Hit {
                    caps: c,
                    pre,
                    text,
                    start: a.start,
                    end: a.end,
                };
                match (rule.normalise)(&hit) {
                    Some(found) => found,
                    None => continue,
                }
            }
        };
        taken.insert(a.start, a.end);
        out.push(Candidate {
            rule: a.rule,
            start: a.start,
            end: a.end,
            found,
        });
    }
    out.sort_by_key(|c| (c.start, c.end));
    out
}

/// The reference date of a document for relative and year-less dates, and where it came
/// from: its publication date, else the first full date of its opening.
fn reference(ctx_published: Option<&str>, cands: &[Candidate]) -> Option<(Ymd, &'static str)> {
    if let Some(p) = ctx_published.and_then(Ymd::parse) {
        return Some((p, "published"));
    }
    opening_date(cands).map(|d| (d, "context"))
}

/// The first day-precision date in a document's opening (a dateline, an event's date in
/// the first paragraph).
const OPENING_BYTES: usize = 1500;

fn opening_date(cands: &[Candidate]) -> Option<Ymd> {
    cands
        .iter()
        .take_while(|c| c.start < OPENING_BYTES)
        .filter_map(|c| c.found.value.as_str())
        .filter_map(|v| Ymd::parse(v.split('/').next()?))
        .find(|d| d.d.is_some())
}

/// All pattern mentions of one document (unsorted ids and pages: `find::finish` fills
/// them).
pub fn find(rules: &PatternRules, ctx: &DocContext) -> Vec<Mention> {
    find_scanned(rules, ctx, scan_text(rules, &ctx.text.text))
}

/// [`find`] from a scan already made of the document's text.
pub fn find_scanned(rules: &PatternRules, ctx: &DocContext, scanned: PatternScan) -> Vec<Mention> {
    let text = ctx.text.text.as_str();
    let cands = scanned.cands;
    let reference = reference(ctx.published, &cands);
    let is_date = |c: &Candidate| rules.rules[c.rule].kind == MentionKind::Date;
    // (start, end, year, month) of every date stated with its year, for year-less ones;
    // and, by the same index, the last month of each that spans months (a quarter, a
    // fiscal year).
    let (dated, period_ends): (Vec<Dated>, Vec<Option<(i32, u32)>>) = cands
        .iter()
        .filter(|c| c.found.pending.is_none() && is_date(c))
        .filter_map(|c| {
            let v = c.found.value.as_str()?;
            let (a, b) = v.split_once('/').map_or((v, None), |(a, b)| (a, Some(b)));
            let d = Ymd::parse(a)?;
            let end = match (d.m, b.and_then(Ymd::parse)) {
                (Some(_), Some(l)) => l.m.map(|m| (l.y, m)),
                _ => None,
            };
            Some(((c.start, c.end, d.y, d.m), end))
        })
        .unzip();
    // (start, day) of every single day stated with its year: a year-less day the text
    // states in full elsewhere (a note citing it) is that day.
    let days: Vec<(usize, Ymd)> = cands
        .iter()
        .filter(|c| c.found.pending.is_none() && is_date(c))
        .filter_map(|c| {
            let d = Ymd::parse(c.found.value.as_str()?)?;
            d.d.is_some().then_some((c.start, d))
        })
        .collect();
    let order = numeric_order(rules, cands.iter(), text);
    let mut out = Vec::with_capacity(cands.len());
    // The last date named so far, and the last day, for anaphors ("the same day").
    let mut last: Option<(Ymd, Ymd)> = None;
    // The last date the text stated, not one an anaphor counted ("a year ago"): "for the
    // year", "earlier in the year" are the stated date's year.
    let mut last_stated: Option<(Ymd, Ymd)> = None;
    let mut last_day: Option<Ymd> = None;
    // Where the last date ended, and the last quarter named (earnings news counts "a
    // year earlier" and "the latest quarter" from it).
    let mut last_end = 0;
    let mut last_quarter: Option<(Ymd, Ymd)> = None;
    let mut last_quarter_end = 0;
    for mut c in cands {
        let rule = &rules.rules[c.rule];
        if let (Some(read), Some(p)) = (c.found.tense.take(), c.found.pending.as_mut()) {
            p.set_tense(read.read(text, c.start, c.end));
        }
        let mut extra = std::mem::take(&mut c.found.extra);
        let value = match &c.found.pending {
            None => std::mem::take(&mut c.found.value),
            Some(p) => {
                let resolved = match p {
                    Pending::Anaphor(dates::Anaphor::YearEarlier) => {
                        // From the last quarter named, else a date just before, else the
                        // year before the reference.
                        let near =
                            last.filter(|_| c.start.saturating_sub(last_end) <= ANAPHOR_REACH);
                        // Results "for the nine months" compared with "a year earlier"
                        // are the year before the quarter's, not its quarter.
                        let months = last_quarter.filter(|_| {
                            // Bounded: results are compared within a paragraph.
                            let from =
                                dates::floor_char(text, c.start.saturating_sub(CHRONICLE_REACH))
                                    .max(last_quarter_end.min(c.start));
                            let since = &text[from..c.start];
                            ["nine months", "nine-month", "six months", "six-month"]
                                .iter()
                                .any(|w| since.contains(w))
                        });
                        if let Some((a, _)) = months {
                            Some((Ymd::year(a.y - 1).iso(), "context"))
                        } else {
                            match last_quarter.or(near) {
                                Some(l) => dates::resolve_anaphor(
                                    dates::Anaphor::YearEarlier,
                                    Some(l),
                                    None,
                                )
                                .map(|v| (v, "context")),
                                None => reference.and_then(|(d, anchor)| {
                                    Some((
                                        dates::resolve_relative(dates::Relative::Year(-1), d)?,
                                        anchor,
                                    ))
                                }),
                            }
                        }
                    }
                    Pending::Anaphor(dates::Anaphor::Quarter) => match last_quarter {
                        Some((a, b)) => dates::interval(a, b).map(|v| (v, "context")),
                        None => reference.and_then(|(d, anchor)| {
                            Some((
                                dates::resolve_relative(dates::Relative::Quarter(-1), d)?,
                                anchor,
                            ))
                        }),
                    },
                    // "the 1988 quarter" is the quarter reported, even when a year
                    // ("last year") was named after it; "the 1988 period" may be the
                    // nine months just named, so it takes the last date.
                    Pending::Anaphor(a @ dates::Anaphor::QuarterIn(_))
                        if text[c.start..c.end].ends_with("quarter") =>
                    {
                        dates::resolve_anaphor(*a, last_quarter.or(last), last_day)
                            .map(|v| (v, "context"))
                    }
                    Pending::Anaphor(a @ dates::Anaphor::Year(0)) => {
                        dates::resolve_anaphor(*a, last_stated.or(last), last_day)
                            .map(|v| (v, "context"))
                    }
                    // "for the year" before any date is named: the reference year.
                    Pending::Anaphor(a @ dates::Anaphor::TheYear) => {
                        match dates::resolve_anaphor(*a, last_stated.or(last), last_day) {
                            Some(v) => Some((v, "context")),
                            None => reference.map(|(d, anchor)| (Ymd::year(d.y).iso(), anchor)),
                        }
                    }
                    // "the previous Friday" with no day named before it: the Friday
                    // before the reference day.
                    Pending::Anaphor(a @ dates::Anaphor::WeekdayBefore(_))
                        if last_day.is_none() =>
                    {
                        reference.and_then(|(d, anchor)| {
                            Some((dates::resolve_anaphor(*a, None, Some(d))?, anchor))
                        })
                    }
                    Pending::Anaphor(a) => {
                        dates::resolve_anaphor(*a, last, last_day).map(|v| (v, "context"))
                    }
                    Pending::Numeric(n) => order
                        .and_then(|o| dates::numeric::read(*n, o))
                        .or_else(|| {
                            dates::numeric::read_in_time(*n, reference?.0, text, c.start, c.end)
                        })
                        .map(|v| (v, "context")),
                    _ => resolve(p, &c, text, &dated, &period_ends, &days, reference),
                };
                match resolved {
                    Some((v, anchor)) => {
                        if !matches!(p, Pending::Numeric(_)) {
                            extra.insert("anchor".into(), Value::String(anchor.into()));
                        }
                        Value::String(v)
                    }
                    None => continue,
                }
            }
        };
        if rule.kind == MentionKind::Date
            && let Some(v) = value.as_str()
        {
            let mut ends = v.split('/').filter_map(Ymd::parse);
            if let Some(a) = ends.next() {
                let b = ends.next().unwrap_or(a);
                last = Some((a, b));
                last_end = c.end;
                if !matches!(c.found.pending, Some(Pending::Anaphor(_))) {
                    last_stated = Some((a, b));
                }
                let quarter = a.d.is_none()
                    && a.y == b.y
                    && matches!((a.m, b.m), (Some(x), Some(y)) if y == x + 2 && x % 3 == 1);
                // A quarter an anaphor computed ("a year earlier") is not the one reported,
                // nor is one not yet over ("a slowdown into the fourth quarter"): results
                // are reported for a quarter that has ended.
                let ended = reference
                    .is_none_or(|(r, _)| (b.y, b.m.unwrap_or(12)) < (r.y, r.m.unwrap_or(13)));
                if quarter && ended && !matches!(c.found.pending, Some(Pending::Anaphor(_))) {
                    last_quarter = Some((a, b));
                    last_quarter_end = c.end;
                }
                if a.d.is_some() && b == a {
                    last_day = Some(a);
                }
            }
        }
        out.push(Mention {
            id: String::new(),
            doc: String::new(),
            kind: rule.kind,
            text: text[c.start..c.end].to_string(),
            start: c.start,
            end: c.end,
            page: 0,
            rule: rule.id.clone(),
            value,
            extra,
        });
    }
    dates::ranges::join(text, &mut out);
    out
}

/// The order in which a document writes numeric dates: the way most of its written dates
/// go ("20 November 2024" against "November 20, 2024", and numeric dates that can only be
/// read one way), else the country it names early, else unknown.
fn numeric_order<'c>(
    rules: &PatternRules,
    cands: impl Iterator<Item = &'c Candidate> + Clone,
    text: &str,
) -> Option<dates::numeric::Order> {
    use dates::numeric::Order;
    if !cands
        .clone()
        .any(|c| matches!(c.found.pending, Some(Pending::Numeric(_))))
    {
        return None;
    }
    let (mut day_first, mut month_first) = (0, 0);
    for c in cands {
        let id = rules.rules[c.rule].id.as_str();
        let order = c.found.extra.get("order").and_then(|v| v.as_str());
        if id.starts_with("date-day-month") || order == Some("day-first") {
            day_first += 1;
        } else if id.starts_with("date-month-day") || order == Some("month-first") {
            month_first += 1;
        }
    }
    match day_first.cmp(&month_first) {
        std::cmp::Ordering::Greater => Some(Order::DayFirst),
        std::cmp::Ordering::Less => Some(Order::MonthFirst),
        std::cmp::Ordering::Equal => dates::numeric::order_from_country(text),
    }
}

/// How far back (bytes) "a year earlier" takes the date it counts from, when no quarter
/// has been named: about a sentence.
const ANAPHOR_REACH: usize = 250;

/// How far back (bytes) a year-less month looks for a mention of the same month with its
/// year: about two paragraphs. Measured on the seed reports, where a month named again in
/// the next sentences keeps its year ("February 2025 ... The February summit") while one
/// pages later refers to the publication year.
const SAME_MONTH_WINDOW: usize = 1500;

/// How far (bytes) a year-less date of a report dated by month looks around it in its
/// paragraph for the year of its story.
const PARAGRAPH_REACH: usize = 400;

/// How far back (bytes) a year-less date takes the year of a date of its sentence.
const SAME_SENTENCE_WINDOW: usize = 200;

/// How far (bytes) the dates around a year-less one may lie for it to be read as a step
/// of their chronicle.
const CHRONICLE_REACH: usize = 1000;
/// How far after a year-less date an author-year citation ("(Lee, 2024)") may close its
/// clause and still date it.
const CITATION_REACH: usize = 80;

/// A date stated with its year, for year-less ones: its span, year and month.
type Dated = (usize, usize, i32, Option<u32>);

/// Values a pending date: a relative one against the reference date; a year-less one
/// with the year of a date it is coordinated with ("April and September 2024"), else the
/// year stated beside it ("August last year"), else of the last dated mention in its
/// paragraph, else of the nearest earlier mention of the same month, else of the
/// reference date, read by the tense of its sentence (a past-tense "December" in a
/// January article is last December).
fn resolve(
    p: &Pending,
    c: &Candidate,
    text: &str,
    dated: &[Dated],
    period_ends: &[Option<(i32, u32)>],
    days: &[(usize, Ymd)],
    reference: Option<(Ymd, &'static str)>,
) -> Option<(String, &'static str)> {
    match p {
        Pending::Relative(r) => {
            let (d, anchor) = reference?;
            Some((dates::resolve_relative(*r, d)?, anchor))
        }
        Pending::YearLess {
            month,
            day,
            year_offset,
            tense,
            ..
        } => {
            if let Some(o) = year_offset {
                let (d, anchor) = reference?;
                return Some((dates::resolve_yearless(p, d.y + *o as i32)?, anchor));
            }
            // In a table, the year heading the column ("2019" over "Office (Mar)").
            let column_year = super::table::cells_above(text, c.start, 40).find_map(|cell| {
                let y: i32 = cell.parse().ok()?;
                (cell.len() == 4 && (1900..2100).contains(&y)).then_some(y)
            });
            if let Some(y) = column_year {
                return Some((dates::resolve_yearless(p, y)?, "context"));
            }
            // `dated` is in text order and its spans do not overlap: the dates before and
            // after this one are found by bisection, not by a scan per date.
            let after_at = dated.partition_point(|d| d.0 < c.end);
            let before_at = dated.partition_point(|d| d.1 <= c.start);
            let next = dated.get(after_at);
            if let Some(&(s, _, y, _)) = next {
                let between = text[c.end..s].trim();
                let joined = matches!(
                    between.to_lowercase().as_str(),
                    "and"
                        | "or"
                        | ","
                        | ", and"
                        | "to"
                        | "through"
                        | "-"
                        | "–"
                        | "—"
                        | "until"
                        | "and/or"
                        | "&"
                );
                if joined {
                    return Some((dates::resolve_yearless(p, y)?, "context"));
                }
            }
            // A headline quoted in a reference is read on the day the reference dates it
            // ("Agency to open its lab in March", Daily Post, 12 February 2024).
            if let Some(d) = citation_day(text, c.start, c.end, days) {
                let y = nearest_year(d, (*month, *month), *day, *tense);
                return Some((dates::resolve_yearless(p, y)?, "context"));
            }
            // A date earlier in the same sentence lends its year ("signed on 3 February
            // 2022 and ratified on 19 April"), unless that puts a past-tense date after the
            // reference date. Across sentences a paragraph's dates are often modifiers
            // ("the June 2021 action plan") and mislead more than they help.
            let news = reference.is_some_and(|(d, _)| d.d.is_some());
            // A bare year lends its year only as the sentence's time ("In 2024, ... on 21
            // May"), not from a title ("its Annual Report 2024 on 7 Feb").
            let previous = before_at.checked_sub(1).and_then(|i| dated.get(i));
            let in_sentence = previous.filter(|d| {
                let gap = &text[d.1..c.start];
                // A year in brackets is a citation's ("Lee, K. (2024) Title, Source,
                // 29 May"): the line is of that year.
                let bracketed = text[..d.0].ends_with('(') && text[d.1..].starts_with(')');
                let adverbial = d.3.is_some() || bracketed || {
                    let before = dates::before(text, d.0, 16).trim_end().to_lowercase();
                    // Not "since": "an official since 1997" dates a career, not the
                    // sentence's events.
                    ["in", "during", "by"]
                        .iter()
                        .any(|w| before.ends_with(&format!(" {w}")) || before == *w)
                };
                adverbial
                    && c.start - d.1 <= SAME_SENTENCE_WINDOW
                    && !gap.contains(". ")
                    && !gap.contains('\n')
            });
            // A period lends the year in which it holds the month ("fiscal 2024, which
            // ended in March": March 2025); a month outside it ("results for the fourth
            // quarter of 2024 came out in February") takes no year from it.
            let lender_end = before_at
                .checked_sub(1)
                .and_then(|i| period_ends.get(i).copied().flatten());
            let in_sentence = match (in_sentence, lender_end) {
                (Some(&(s, e, y, Some(m0))), Some((y2, m2)))
                    if (y2 * 12 + m2 as i32) - (y * 12 + m0 as i32) >= 2 =>
                {
                    (y..=y2)
                        .find(|yy| (y, m0) <= (*yy, *month) && (*yy, *month) <= (y2, m2))
                        .map(|yy| (s, e, yy, Some(m0)))
                }
                (d, _) => d.copied(),
            };
            if let Some((_, _, y, lender_month)) = in_sentence {
                // Nor when it puts a future-tense date before the date that lends the
                // year ("invited in July 2019, they will join on March 12").
                let wrong_side = match tense {
                    dates::Tense::Future => lender_month.is_some_and(|lm| *month < lm),
                    _ => reference.is_some_and(|(r, _)| (y, *month) > (r.y, r.m.unwrap_or(12))),
                };
                if !wrong_side {
                    return Some((dates::resolve_yearless(p, y)?, "context"));
                }
            }
            // An author-year citation closing the clause dates what it reports: "in the
            // 12 March announcement (Lee, 2024)".
            if let Some(&(s, e, y, None)) = next {
                let gap = &text[c.end..s];
                let cited = gap.len() <= CITATION_REACH
                    && !gap.contains(". ")
                    && !gap.contains('\n')
                    && text[e..].starts_with(')')
                    && gap.rfind('(').is_some_and(|o| {
                        let inner = &gap[o + 1..];
                        !inner.contains(')') && inner.trim_end().ends_with(',')
                    });
                let after_reference =
                    reference.is_some_and(|(r, _)| (y, *month) > (r.y, r.m.unwrap_or(12)));
                if cited && !after_reference {
                    return Some((dates::resolve_yearless(p, y)?, "context"));
                }
            }
            // A day the document also states with its year, in one year only: analyses
            // say "on 12 March" in the text and cite "Daily Post, 12 March 2024" in
            // their notes.
            if let (Some(dd), Pending::YearLess { month2: None, .. }) = (day, p) {
                let mut years = days
                    .iter()
                    .filter(|(_, d)| d.m == Some(*month) && d.d == Some(*dd))
                    .map(|(_, d)| d.y);
                if let Some(y) = years.next()
                    && years.all(|o| o == y)
                {
                    return Some((dates::resolve_yearless(p, y)?, "context"));
                }
            }
            // A chronicle: between two nearby dates stated to the month, a year-less date
            // takes the one year that keeps the three in order ("on 24 April 2023 ... On
            // 18 June ... on 7 September 2023").
            let next_dated = dated
                .get(after_at)
                .filter(|d| d.3.is_some() && d.0 - c.end <= CHRONICLE_REACH);
            let prev_dated = previous.filter(|d| d.3.is_some() && c.start - d.1 <= CHRONICLE_REACH);
            // The two must follow each other within a year: a list of sources or a
            // timeline read backwards is no chronicle.
            let in_step = |a: &(usize, usize, i32, Option<u32>),
                           b: &(usize, usize, i32, Option<u32>)| {
                let at = |d: &(usize, usize, i32, Option<u32>)| d.2 * 12 + d.3.unwrap_or(1) as i32;
                (0..=12).contains(&(at(b) - at(a)))
            };
            if let (Some(a), Some(b)) = (prev_dated, next_dated)
                && in_step(a, b)
            {
                let fits =
                    |y: i32| (a.2, a.3) <= (y, Some(*month)) && (y, Some(*month)) <= (b.2, b.3);
                let mut years = vec![a.2, b.2];
                years.dedup();
                let fitting: Vec<i32> = years.into_iter().filter(|y| fits(*y)).collect();
                if let [y] = fitting[..] {
                    let after_reference = reference.is_some_and(|(r, _)| {
                        (y, *month) > (r.y, r.m.unwrap_or(12)) && *tense != dates::Tense::Future
                    });
                    if !after_reference {
                        return Some((dates::resolve_yearless(p, y)?, "context"));
                    }
                }
            }
            // Only a recent mention: a timeline pages earlier speaks of other years.
            // (A quarter is not the month it starts with: "the third quarter of 1984"
            // says nothing of this year's "third-quarter net".)
            let quarter = matches!(p, Pending::YearLess { month2: Some(m2), day: None, .. } if *m2 == month + 2);
            let same_month = dated[..before_at]
                .iter()
                .rev()
                .take_while(|d| c.start - d.1 <= SAME_MONTH_WINDOW)
                .find(|d| d.3 == Some(*month));
            // In news, a day of the month the news is dated in is this month's unless its
            // own sentence names another year ("the August 1988 cease-fire. ... invaded
            // on Aug. 2", in an August article).
            let this_month =
                news && day.is_some() && reference.is_some_and(|(r, _)| r.m == Some(*month));
            let same_month = same_month.filter(|d| {
                !quarter
                    // Within its paragraph: the next paragraph turns to another story
                    // ("launched on 3 February 2023. \n\n Its rival ... in mid-February").
                    && !text[d.1..c.start].contains("\n\n")
                    && (!news || c.start - d.1 <= 400)
                    && (!this_month || !text[d.1..c.start].contains(". "))
            });
            if let Some(&(_, _, y, _)) = same_month {
                return Some((dates::resolve_yearless(p, y)?, "context"));
            }
            // A report dated by month or year tells a story whose year its paragraph
            // goes on to state: the next date of the paragraph stated to the month ("on
            // 12 March ... The rules took effect on 1 July 2022"), as long as that
            // does not put the date after the reference. (A date before it is as often a
            // modifier, "the June 2021 action plan", as the story's time.)
            if !news {
                // Within reach only: a long text without blank lines is not searched whole
                // for every date.
                let lo = dates::floor_char(text, c.start.saturating_sub(PARAGRAPH_REACH));
                let hi = dates::floor_char(text, (c.end + PARAGRAPH_REACH).min(text.len()));
                let para_from = text[lo..c.start].rfind("\n\n").map_or(lo, |i| lo + i + 2);
                let para_to = text[c.end..hi].find("\n\n").map_or(hi, |i| c.end + i);
                let story = dated[after_at..]
                    .iter()
                    .take_while(|d| d.0 <= c.end + PARAGRAPH_REACH)
                    .find(|d| d.3.is_some() && d.0 >= para_from && d.1 <= para_to);
                if let Some(&(_, _, y, _)) = story {
                    let after_reference =
                        reference.is_some_and(|(r, _)| (y, *month) > (r.y, r.m.unwrap_or(12)));
                    if !after_reference {
                        return Some((dates::resolve_yearless(p, y)?, "context"));
                    }
                }
            }
            let (d, anchor) = reference?;
            let last_month = match p {
                Pending::YearLess {
                    month2: Some(m2), ..
                } if *m2 >= *month => *m2,
                _ => *month,
            };
            let y = nearest_year(d, (*month, last_month), *day, *tense);
            Some((dates::resolve_yearless(p, y)?, anchor))
        }
        Pending::Anaphor(_) | Pending::Numeric(_) => None,
    }
}

/// The day a reference dates the quoted headline that holds `start..end`: the first full
/// day after the closing quote, on the same line ("Lab to open in March", Post, 12
/// February 2024).
fn citation_day(text: &str, start: usize, end: usize, days: &[(usize, Ymd)]) -> Option<Ymd> {
    const CLOSE: [char; 2] = ['"', '”'];
    // A reference is a short line: one whose start or end is further away than this is
    // not read, so that a text of one huge line costs no more per date.
    const REACH: usize = 600;
    let from = crate::utf8::floor_char(text, start.saturating_sub(REACH));
    let line_start = match text[from..start].rfind('\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let to = crate::utf8::ceil_char(text, (end + REACH).min(text.len()));
    let line_end = text[end..to].find('\n').map_or(to, |i| end + i);
    let before = &text[line_start..start];
    // Inside a quotation: an odd number of straight quotes, or a curly one left open.
    let straight = before.matches('"').count() % 2 == 1;
    let curly = before
        .rfind('“')
        .is_some_and(|o| before.rfind('”').is_none_or(|c| c < o));
    if !(straight || curly) {
        return None;
    }
    let (i, q) = text[end..line_end]
        .char_indices()
        .find(|(_, ch)| CLOSE.contains(ch))?;
    let close = end + i + q.len_utf8();
    let at = days.partition_point(|(s, _)| *s < close);
    days.get(at)
        .filter(|(s, _)| *s < line_end && text[close..*s].chars().count() <= 60)
        .map(|(_, d)| *d)
}

/// How far past the reference (days) a past-tense date may lie, and how far before it a
/// future-tense one: a report of the coming weeks in the past tense ("the hearing was set
/// for Jan. 9") still means this year.
const TENSE_SLACK: i64 = 60;

/// The year of a year-less month (and day) as a reader takes it: the occurrence nearest
/// the reference date, on its past side in a past-tense sentence and its future side in
/// a future one (a past-tense "December" in a January article is last December).
/// A span of months (`months.0` to `months.1`, "the third quarter") is measured from its
/// start in the past tense and from its end in the future tense ("third-quarter earnings
/// will be lower" in October is the quarter just ended).
fn nearest_year(reference: Ymd, months: (u32, u32), day: Option<u32>, tense: dates::Tense) -> i32 {
    let month = months.0;
    let Some(rm) = reference.m else {
        return reference.y;
    };
    let at = |y: i32, m: u32, d: Option<u32>| {
        let d = d.unwrap_or(15).min(dates::days_in_month(y, m));
        dates::days_from_civil(y, m, d)
    };
    let here = at(reference.y, rm, reference.d);
    let dist = |y: i32| at(y, month, day) - here;
    let ys = [reference.y - 1, reference.y, reference.y + 1];
    let end_dist = |y: i32| at(y, months.1, day) - here;
    let ok = |y: &i32| match tense {
        dates::Tense::Past => dist(*y) <= TENSE_SLACK,
        dates::Tense::Future => end_dist(*y) >= -TENSE_SLACK,
        // News mostly reports what has happened: without a tense, a date ahead of the
        // reference is taken only when it is the nearer by far.
        dates::Tense::Unknown => dist(*y) <= 2 * TENSE_SLACK,
    };
    ys.into_iter()
        .filter(ok)
        .min_by_key(|y| dist(*y).abs())
        .unwrap_or(reference.y)
}

/// Labels that introduce a document's own date, best first; and labels of dates that are
/// about a copy of it, not its publication.
const PUBLISHED_LABELS: [&str; 11] = [
    "published",
    "publication",
    "released",
    "issued",
    "posted",
    "date",
    "dated",
    "tabled",
    "updated",
    "modified",
    "revised",
];
const COPY_LABELS: [&str; 10] = [
    "closing",
    "deadline",
    "expires",
    "fetched",
    "accessed",
    "retrieved",
    "downloaded",
    "printed",
    "cached",
    "viewed",
];

/// How far into a document its cover, byline or dateline may lie.
const HEAD_BYTES: usize = 3000;

/// The date a document states as its own: a labelled date ("Published: ...",
/// "Publication 20 November 2024", "Updated ..."), else a date alone on a line of the
/// cover ("February 5, 2025", "NOVEMBER 2024"), else the first full date of the opening.
pub fn publication_date(rules: &PatternRules, text: &DocText) -> Option<String> {
    publication_date_scanned(rules, text, &scan_text(rules, &text.text))
}

/// [`publication_date`] from a scan already made of the document's text.
pub fn publication_date_scanned(
    rules: &PatternRules,
    text: &DocText,
    scanned: &PatternScan,
) -> Option<String> {
    let t = text.text.as_str();
    let head = &t[..dates::floor_char(t, HEAD_BYTES.min(t.len()))];
    // The matches that lie whole in the head.
    let cands = &scanned.cands[..scanned.cands.partition_point(|c| c.start < head.len())];
    let cands: Vec<&Candidate> = cands.iter().filter(|c| c.end <= head.len()).collect();
    let order = numeric_order(rules, cands.iter().copied(), t);
    let dates: Vec<(&Candidate, Ymd, String)> = cands
        .iter()
        .copied()
        .filter(|c| rules.rules[c.rule].kind == MentionKind::Date)
        .filter_map(|c| {
            let v = match &c.found.pending {
                None => c.found.value.as_str()?.to_string(),
                // A numeric date line ("Date posted: 07/03/2025") read by the page's order.
                Some(Pending::Numeric(n)) => dates::numeric::read(*n, order?)?,
                Some(_) => return None,
            };
            let d = Ymd::parse(v.split('/').next()?)?;
            // A span of days ("20–21 November 2024") may date an event in a dateline; a
            // span of years or months is a period, not a day of publication.
            if v.contains('/') && d.d.is_none() {
                return None;
            }
            Some((c, d, v))
        })
        .collect();
    let line_before = |c: &Candidate| -> String {
        let from = head[..c.start].rfind('\n').map_or(0, |i| i + 1);
        head[from..c.start].to_lowercase()
    };
    let line_after = |c: &Candidate| -> &str {
        let rest = &head[c.end..];
        &rest[..rest.find('\n').unwrap_or(rest.len())]
    };
    let is_copy = |c: &Candidate| {
        let b = line_before(c);
        COPY_LABELS.iter().any(|l| b.contains(l))
    };
    // The part of its line a date sits in, between separators ("No. 12 · Friday 16
    // June 2023", "By A. Writer | 3 May 2023 | 6 min read").
    let segment = |c: &Candidate| -> (String, String) {
        let b = line_before(c);
        let b = b
            .rsplit(SEGMENT_SEPARATORS)
            .next()
            .unwrap_or("")
            .to_string();
        let a = line_after(c);
        let a = a
            .split(SEGMENT_SEPARATORS)
            .next()
            .unwrap_or("")
            .to_lowercase();
        (b, a)
    };
    let mut labelled: Vec<(usize, usize, Ymd)> = dates
        .iter()
        .filter(|(c, _, _)| !is_copy(c))
        .filter_map(|(c, d, _)| {
            let (b, _) = segment(c);
            let words: Vec<&str> = b
                .split(|ch: char| !ch.is_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            // A label heads its segment: "Published: ...", "Date posted ...", "Last
            // updated", or a line that opens on it and ends on the date ("Tabled in the
            // House ... by the Minister, March 28, 2023"); a date deep in a sentence, or
            // after another thing's label ("Call for papers published"), is no
            // publication date.
            let label = |w: &&str| PUBLISHED_LABELS.iter().position(|l| l == w);
            let ends_line = line_after(c).trim().is_empty();
            // A label right before the date counts on a date line that already gave a
            // date ("May 3, 2023 4:05 PM EDT Updated May 3, 2023"), not after
            // another thing's name ("Call for papers published 10/04/2022").
            let line_from = head[..c.start].rfind('\n').map_or(0, |i| i + 1);
            let dated_line = dates
                .iter()
                .any(|(o, _, _)| o.start >= line_from && o.end <= c.start);
            let rank = if words.len() <= 5 {
                let last = words
                    .iter()
                    .rev()
                    .find(|w| **w != "on")
                    .filter(|_| dated_line);
                words.iter().take(2).chain(last).filter_map(label).min()?
            } else if ends_line {
                words.first().and_then(label)?
            } else {
                return None;
            };
            Some((rank, c.start, *d))
        })
        .collect();
    labelled.sort_by_key(|(r, at, _)| (*r, *at));
    if let Some((_, _, d)) = labelled.first() {
        return Some(d.iso());
    }
    // A day alone in its segment but for a weekday, a time and its zone, "Updated": the
    // date line of a news page or a press release.
    let alone_day = dates.iter().find(|(c, d, _)| {
        if d.d.is_none() || is_copy(c) {
            return false;
        }
        let (b, a) = segment(c);
        only_furniture(&b) && only_furniture(&a)
    });
    if let Some((_, d, _)) = alone_day {
        return Some(d.iso());
    }
    if let Some(d) = footer_date(rules, t, scanned) {
        return Some(d.iso());
    }
    let text_start = head.len() - head.trim_start().len();
    let alone = dates.iter().find(|(c, d, _)| {
        let b = line_before(c);
        let b = b.trim_matches(|ch: char| ch.is_whitespace() || "#*_|".contains(ch));
        let a = line_after(c).trim_matches(|ch: char| ch.is_whitespace() || "#*_|".contains(ch));
        // Alone on its line, or the very first words of the document (a cover whose lines
        // the extractor ran together).
        d.m.is_some() && b.is_empty() && (a.is_empty() || c.start == text_start) && !is_copy(c)
    });
    if let Some((_, d, _)) = alone {
        return Some(d.iso());
    }
    // A dateline: the first full date of the opening. It is the day of publication when
    // the text says the thing happens "today"; otherwise (an event announced ahead, "will
    // meet on November 21") only its month is safe.
    dates
        .iter()
        .find(|(c, d, _)| c.start < OPENING_BYTES && d.d.is_some() && !is_copy(c))
        .map(|(c, d, _)| {
            let from = dates::floor_char(head, c.start.saturating_sub(80));
            let sentence = head[from..c.start].rsplit(". ").next().unwrap_or("");
            if sentence.to_lowercase().contains("today") {
                d.iso()
            } else {
                Ymd { d: None, ..*d }.iso()
            }
        })
}

/// What separates the parts of a page's date line.
const SEGMENT_SEPARATORS: [char; 5] = ['|', '·', '•', '–', '—'];

/// How far from its end a document's footer may lie.
const FOOT_BYTES: usize = 2000;

/// Labels of a page footer's own dates, and how far before the date they may stand
/// ("This page was last edited on ...", "Date modified: ...", "Created ..., Updated ...").
/// ("published" is left out: body text says what else was published.)
const FOOTER_LABELS: [&str; 4] = ["created", "updated", "edited", "modified"];

/// The first labelled day-precision date of a document's footer.
fn footer_date(rules: &PatternRules, t: &str, scanned: &PatternScan) -> Option<Ymd> {
    // The footer is the end of the document, and never its first half.
    let from = dates::ceil_char(t, t.len().saturating_sub(FOOT_BYTES).max(t.len() / 2));
    scanned.cands[scanned.cands.partition_point(|c| c.start < from)..]
        .iter()
        .filter(|c| rules.rules[c.rule].kind == MentionKind::Date && c.found.pending.is_none())
        .find_map(|c| {
            let d = Ymd::parse(c.found.value.as_str()?)?;
            d.d?;
            let line = &t[t[from..c.start].rfind('\n').map_or(from, |i| from + i + 1)..c.start];
            let line = line.to_lowercase();
            let words: Vec<&str> = line
                .split(|ch: char| !ch.is_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            let labelled = words.len() <= 12
                && words
                    .iter()
                    .rev()
                    .take(3)
                    .any(|w| FOOTER_LABELS.contains(w));
            labelled.then_some(d)
        })
}

/// Whether a piece of a date line holds nothing but weekday names, a clock time and its
/// zone, "updated" and punctuation.
fn only_furniture(s: &str) -> bool {
    const WORDS: [&str; 26] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "updated",
        "am",
        "pm",
        "a",
        "p",
        "m",
        "bst",
        "gmt",
        "utc",
        "et",
        "pt",
        "kst",
    ];
    s.to_lowercase()
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| {
            WORDS.contains(&w)
                || matches!(
                    w,
                    "est" | "edt" | "pst" | "pdt" | "cet" | "cest" | "jst" | "aest"
                )
                || w.bytes().all(|b| b.is_ascii_digit()) && w.len() <= 2
        })
}

/// Runs the must-match / must-not-match examples of every rule through the whole rule
/// set, so an example also fails when another rule takes its text.
pub fn self_test(rules: &PatternRules) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for rule in &rules.rules {
        for ex in &rule.examples {
            let ms = run_snippet(rules, &ex.text, ex.published.as_deref());
            let mine = ms.iter().find(|m| m.rule == rule.id && m.text == ex.expect);
            let (passed, detail) = match mine {
                None => (
                    false,
                    format!(
                        "expected {:?} matched by this rule; found {}",
                        ex.expect,
                        describe(&ms)
                    ),
                ),
                Some(m) => {
                    let value_ok = ex.value.as_ref().is_none_or(|v| same_value(v, &m.value));
                    let extra_ok = ex
                        .extra
                        .iter()
                        .all(|(k, v)| m.extra.get(k).is_some_and(|x| same_value(v, x)));
                    if value_ok && extra_ok {
                        (true, String::new())
                    } else {
                        (
                            false,
                            format!(
                                "expected value {} {:?}; got {} {:?}",
                                ex.value.as_ref().map_or("(any)".into(), |v| v.to_string()),
                                ex.extra,
                                m.value,
                                m.extra
                            ),
                        )
                    }
                }
            };
            out.push(outcome(rule, &ex.text, passed, detail));
        }
        for text in &rule.counter_examples {
            let ms = run_snippet(rules, text, Some("2024-11-20"));
            let wrong: Vec<&Mention> = ms.iter().filter(|m| m.kind == rule.kind).collect();
            let passed = wrong.is_empty();
            let detail = if passed {
                String::new()
            } else {
                format!(
                    "must not match, but found {}",
                    describe(&wrong.into_iter().cloned().collect::<Vec<_>>())
                )
            };
            out.push(outcome(rule, text, passed, detail));
        }
    }
    out
}

fn run_snippet(rules: &PatternRules, text: &str, published: Option<&str>) -> Vec<Mention> {
    let doc = DocText::from_text(text.to_string());
    let ctx = DocContext {
        doc: "example",
        text: &doc,
        published,
    };
    find(rules, &ctx)
}

fn outcome(rule: &Rule, text: &str, passed: bool, detail: String) -> ExampleOutcome {
    let example = if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_string()
    };
    ExampleOutcome {
        file: rule.file.clone(),
        rule: rule.id.clone(),
        example,
        passed,
        detail,
    }
}

fn describe(ms: &[Mention]) -> String {
    if ms.is_empty() {
        return "nothing".into();
    }
    ms.iter()
        .map(|m| format!("{:?} → {} by {}", m.text, m.value, m.rule))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Values are equal when numbers are numerically equal (50000000 = 5e7) and everything
/// else is. TOML has no null: an example writes the string `"null"` for it.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(s), Value::Null) if s == "null" => true,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
[macros]
MONTH = '(?:January|February|March|April|May|June|July|August|September|October|November|December)'
YEAR = '(?:19|20)\d{2}'
[[rule]]
id = "month-year"
kind = "date"
normaliser = "date"
pattern = '\b(?P<month>{MONTH})\s+(?P<year>{YEAR})\b'
[[rule]]
id = "year"
kind = "date"
normaliser = "year"
pattern = '\b(?P<year>{YEAR})\b'
[[rule]]
id = "month"
kind = "date"
normaliser = "date"
pattern = '\bin (?P<m>(?P<month>{MONTH}))\b'
"#;

    fn run(text: &str, published: Option<&str>) -> Vec<Mention> {
        let rules = PatternRules::from_source("t.toml", RULES).unwrap();
        run_snippet(&rules, text, published)
    }

    /// The candidates of a scan, as comparable tuples.
    fn cands_of(rules: &PatternRules, text: &str) -> Vec<(usize, usize, usize, String)> {
        scan(rules, text)
            .into_iter()
            .map(|c| (c.rule, c.start, c.end, format!("{:?}", c.found)))
            .collect()
    }

    #[test]
    fn rules_run_from_their_starts_find_what_each_finds_alone() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/patterns");
        let mut rules = PatternRules::load(&dir).unwrap();
        assert!(
            rules.starts.is_some(),
            "the rules' start index should build"
        );
        let text = "WELLINGTON, 3 March 2026 -- The board met on Friday and Thursday; its \
            year-earlier results, announced in mid-2025, showed $4.5 million, or 12 cents a \
            share, against NZ$1,200,000 a year ago. From May to July 2024 and on 5/6/2026 it \
            paid 2.4 billion won; the third-quarter figures are due next week (Q3 FY2026). \
            Mayor Maya said in 1999-2000 that 12 percent of 300 staff left in the 1990s. \
            Nothing happened on February 30, 2025 (no such day: shorter matches inside it \
            take its place once its normaliser rejects it).";
        let with_index = cands_of(&rules, text);
        rules.starts = None;
        let alone = cands_of(&rules, text);
        assert!(with_index.len() > 12, "{with_index:?}");
        assert_eq!(with_index, alone);
    }

    #[test]
    fn word_boundaries_become_ascii_and_escapes_stay() {
        assert_eq!(ascii_word_boundaries(r"\bMay\b"), r"(?-u:\b)May(?-u:\b)");
        assert_eq!(ascii_word_boundaries(r"\\b\s"), r"\\b\s");
        assert_eq!(ascii_word_boundaries(r"\d{4}"), r"[0-9]{4}");
    }

    #[test]
    fn the_longest_match_wins_an_overlap() {
        let ms = run("in May 2024 we", None);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].rule, "month-year");
        assert_eq!(ms[0].value, "2024-05");
    }

    #[test]
    fn year_less_months_take_the_year_of_an_earlier_mention_of_that_month() {
        let ms = run(
            "The summit of February 2025. Later, in February, it met.",
            Some("2024-11-20"),
        );
        let last = ms.last().unwrap();
        assert_eq!(last.value, "2025-02");
        assert_eq!(last.extra["anchor"], "context");
    }

    /// The value the project's own date rules give `text` in `doc`.
    fn value_of(doc: &str, published: &str, text: &str) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/patterns");
        let rules = PatternRules::load(&dir).unwrap();
        let ms = run_snippet(&rules, doc, Some(published));
        let m = ms.iter().find(|m| m.text == text).expect(text);
        m.value.as_str().unwrap().to_string()
    }

    #[test]
    fn a_year_after_since_dates_a_career_not_the_sentence() {
        let doc = "Ms Ortega, a civil servant since 1998, took the post on 3 June.";
        assert_eq!(value_of(doc, "2024-11-20", "3 June"), "2024-06-03");
        let doc = "In 2021 the board met on 3 June.";
        assert_eq!(value_of(doc, "2024-11-20", "3 June"), "2021-06-03");
    }

    #[test]
    fn an_author_year_citation_closing_the_clause_dates_it() {
        let doc = "He was named in the 12 March statement (Lee, 2023). More followed.";
        assert_eq!(value_of(doc, "2024-11", "12 March"), "2023-03-12");
        // Not a citation: a bracketed year that is no author's.
        let doc = "He was named on 12 March to the board (founded 2001).";
        assert_eq!(value_of(doc, "2024-11", "12 March"), "2024-03-12");
    }

    #[test]
    fn a_period_lends_the_year_in_which_it_holds_the_month() {
        let doc = "Japan's fiscal 2024, which ended in March, closed with a surplus.";
        assert_eq!(value_of(doc, "2025-06-10", "March"), "2025-03");
        // A month outside the period takes no year from it.
        let doc = "Results for the fourth quarter of 2024 were released in February.";
        assert_eq!(value_of(doc, "2025-06-10", "February"), "2025-02");
        // A month inside it does.
        let doc = "In the fourth quarter of 2024, sales peaked in November.";
        assert_eq!(value_of(doc, "2025-06-10", "November"), "2024-11");
    }

    #[test]
    fn a_year_less_day_takes_the_year_a_note_states_it_with() {
        let doc =
            "On 9 August the agency reported delays.\n\nNotes\n[1] Daily Post, 9 August 2023.";
        assert_eq!(value_of(doc, "2024-07-01", "9 August"), "2023-08-09");
        // Two years for the day: no lender.
        let doc = "On 9 August it met.\n\n[1] 9 August 2022; [2] 9 August 2023.";
        assert_eq!(value_of(doc, "2024-11-01", "9 August"), "2024-08-09");
    }

    #[test]
    fn a_quoted_headline_is_looked_for_only_on_a_short_line() {
        let line = "[2] Daily Post, \"Agency to open its lab in March\", 12 February 2022.";
        let at = |t: &str| t.find("March").unwrap();
        let day = Ymd::day(2022, 2, 12);
        let days = |t: &str| vec![(t.find("12 February").unwrap(), day)];
        assert_eq!(
            citation_day(line, at(line), at(line) + 5, &days(line)),
            Some(day)
        );
        let long = format!("{}{line}", "x".repeat(700));
        assert_eq!(
            citation_day(&long, at(&long), at(&long) + 5, &days(&long)),
            None
        );
    }

    #[test]
    fn a_quoted_headline_is_read_on_the_day_its_reference_gives() {
        let doc = "Sources\n[2] Daily Post, \"Agency to open its lab in March\", 12 February 2022.";
        assert_eq!(value_of(doc, "2024-11-20", "March"), "2022-03");
        let doc = "[2] Daily Post, “Lab opened in December”, 10 January 2022.";
        assert_eq!(value_of(doc, "2024-11-20", "December"), "2021-12");
        // Outside the quotation the reference date does not apply.
        let doc = "Its lab opened in March.\n[2] Daily Post, \"Lab news\", 12 February 2022.";
        assert_eq!(value_of(doc, "2024-11-20", "March"), "2024-03");
    }

    #[test]
    fn an_earlier_mention_of_the_month_lends_its_year_within_its_paragraph_only() {
        let doc = "The agency opened on 3 February 2023. In February, it hired staff.";
        assert_eq!(value_of(doc, "2024-03", "February"), "2023-02");
        let doc =
            "The agency opened on 3 February 2023.\n\nIts rival published a plan in February.";
        assert_eq!(value_of(doc, "2024-03", "February"), "2024-02");
    }

    #[test]
    fn year_less_months_otherwise_take_the_publication_year() {
        let ms = run("It met in May.", Some("2024-11-20"));
        assert_eq!(ms[0].text, "May");
        assert_eq!(ms[0].value, "2024-05");
        assert_eq!(ms[0].extra["anchor"], "published");
        assert!(run("It met in May.", None).is_empty());
    }

    #[test]
    fn coordinated_months_share_the_year_that_follows() {
        let ms = run("Published in April and September 2024.", Some("2025-02-05"));
        assert_eq!(ms[0].value, "2024-04");
        assert_eq!(ms[1].value, "2024-09");
    }

    #[test]
    fn an_unknown_normaliser_is_refused_with_file_line_and_rule() {
        let src = "[[rule]]\nid = \"x\"\nkind = \"date\"\nnormaliser = \"nope\"\npattern = 'a'\n";
        let e = PatternRules::from_source("p.toml", src)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("p.toml, line 2, rule \"x\""), "{e}");
        assert!(e.contains("unknown normaliser"), "{e}");
    }

    #[test]
    fn a_bad_regex_is_refused_with_file_line_and_rule() {
        let src =
            "\n[[rule]]\nid = \"x\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '(a'\n";
        let e = PatternRules::from_source("p.toml", src)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("p.toml, line 3, rule \"x\""), "{e}");
    }

    #[test]
    fn publication_date_prefers_a_label_over_a_fetch_stamp() {
        let rules = PatternRules::from_source("t.toml", RULES).unwrap();
        let text = DocText::from_text("Fetched May 2026\nNews\nPublication November 2024\n".into());
        assert_eq!(publication_date(&rules, &text).as_deref(), Some("2024-11"));
        let cover = DocText::from_text("Title\n\nFebruary 2025\n\nBody text of 2023.".into());
        assert_eq!(publication_date(&rules, &cover).as_deref(), Some("2025-02"));
        let run_together = DocText::from_text("November 2024 Weaving a Safety Net".into());
        assert_eq!(
            publication_date(&rules, &run_together).as_deref(),
            Some("2024-11")
        );
    }

    #[test]
    fn publication_dates_come_from_date_lines_labels_and_footers() {
        let src = format!(
            "{RULES}\n[[rule]]\nid = \"dmy\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '(?P<day>\\d+) (?P<month>{{MONTH}}) (?P<year>{{YEAR}})'\n"
        );
        let rules = PatternRules::from_source("t.toml", &src).unwrap();
        let pub_of = |t: &str| publication_date(&rules, &DocText::from_text(t.into()));
        let line = "WEEKLY NOTES\nIssue 12 · Friday 16 June 2023\nText of 3 May 2022.";
        assert_eq!(pub_of(line).as_deref(), Some("2023-06-16"));
        let other = "Overview\nCall for papers published 4 October 2022\nMore.";
        assert_ne!(pub_of(other).as_deref(), Some("2022-10-04"));
        let body = "x".repeat(4000);
        let foot = format!("Title\n{body}\nThis page was last edited on 12 March 2024.");
        assert_eq!(pub_of(&foot).as_deref(), Some("2024-03-12"));
    }

    #[test]
    fn an_impossible_day_range_does_not_hide_the_date_it_overlaps() {
        let src = format!(
            "{RULES}\n[[rule]]\nid = \"dmr\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '(?P<day>\\d+)-(?P<day2>\\d+)\\s+(?P<month2>{{MONTH}})'\n"
        );
        let rules = PatternRules::from_source("t.toml", &src).unwrap();
        let ms = run_snippet(&rules, "Report RP-21-05\nJune 2021", None);
        assert_eq!(ms.len(), 1, "{ms:?}");
        assert_eq!(ms[0].value, "2021-06");
    }

    #[test]
    fn a_dateline_gives_the_day_only_when_it_is_today() {
        let src = format!(
            "{RULES}\n[[rule]]\nid = \"mdy\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '(?P<month>{{MONTH}}) (?P<day>\\d+), (?P<year>{{YEAR}})'\n"
        );
        let rules = PatternRules::from_source("t.toml", &src).unwrap();
        let ahead = DocText::from_text("Overview\nOn November 21, 2024, experts will meet.".into());
        assert_eq!(publication_date(&rules, &ahead).as_deref(), Some("2024-11"));
        let today =
            DocText::from_text("They have gathered today in Paris on November 21, 2024.".into());
        assert_eq!(
            publication_date(&rules, &today).as_deref(),
            Some("2024-11-21")
        );
    }
}
