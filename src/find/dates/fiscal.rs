//! Fiscal years by country: US federal October–September; UK, Japan, Canada and India
//! April–March; Australia and New Zealand July–June. "FY24", "fiscal year 2025", "FY2024/25", "the 2025-26 financial year",
//! "FY2020-FY2022", and Japan's era years in a fiscal context ("FY2022 (Reiwa 4)").

use super::{Ymd, floor_char, interval, ready, year_of};
use crate::find::engine::{Found, Hit};
use serde_json::Value;

/// Which fiscal calendar a fiscal year follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiscalSystem {
    /// US federal: October of the year before to September.
    Us,
    /// UK, Japan, Canada...: April to March of the next year, a one-year name ("FY2024")
    /// for the year it starts in.
    AprilToMarch,
    /// India: April to March, a one-year name ("FY25") for the year it ends in.
    AprilToMarchByEnd,
    /// Australia, New Zealand: July to June of the next year.
    JulyToJune,
}

pub fn start_month(system: FiscalSystem) -> u32 {
    match system {
        FiscalSystem::Us => 10,
        FiscalSystem::AprilToMarch | FiscalSystem::AprilToMarchByEnd => 4,
        FiscalSystem::JulyToJune => 7,
    }
}

/// The fiscal year that starts in `start_year`, as a month interval.
pub fn span(system: FiscalSystem, start_year: i32) -> Option<String> {
    let m = start_month(system);
    interval(Ymd::month(start_year, m), Ymd::month(start_year + 1, m - 1))
}

/// The year a single-year name ("FY2025") starts in: the US, Australian and Indian years
/// are named after the year they end in, Japan's and the UK's after the year they start in.
fn start_of_named(system: FiscalSystem, y: i32) -> i32 {
    match system {
        FiscalSystem::Us | FiscalSystem::JulyToJune | FiscalSystem::AprilToMarchByEnd => y - 1,
        FiscalSystem::AprilToMarch => y,
    }
}

fn label(system: FiscalSystem) -> &'static str {
    match system {
        FiscalSystem::Us => "us",
        FiscalSystem::AprilToMarch | FiscalSystem::AprilToMarchByEnd => "april-march",
        FiscalSystem::JulyToJune => "july-june",
    }
}

fn found_span(system: FiscalSystem, a: i32, b: i32, hit: &Hit) -> Option<Found> {
    let m = start_month(system);
    let v = interval(Ymd::month(a, m), Ymd::month(b + 1, m - 1))?;
    let mut f = ready(v, hit)?;
    f.extra
        .insert("fiscal".into(), Value::String(label(system).into()));
    Some(f)
}

/// Fiscal years: groups `fy` (and `fy2` for "2024/25"), `fyend` for a range of fiscal
/// years ("FY2020-FY2022"). A two-year form starts in its first year whatever the
/// calendar; a one-year name is read by the calendar of the text's country.
pub fn fiscal_year(hit: &Hit) -> Option<Found> {
    let y = year_of(hit.get("fy")?)?;
    let sys = system(hit.text, hit.start, hit.end);
    if let Some(y2) = hit.get("fy2") {
        if second_year(y, y2)? != y + 1 {
            return None;
        }
        // A two-year name is never the US federal year, which has one-year names.
        let sys = if sys == FiscalSystem::Us {
            FiscalSystem::AprilToMarch
        } else {
            sys
        };
        return found_span(sys, y, y, hit);
    }
    let a = start_of_named(sys, y);
    let b = match hit.get("fyend") {
        Some(e) => start_of_named(sys, year_of(e)?),
        None => a,
    };
    if b < a {
        return None;
    }
    found_span(sys, a, b, hit)
}

/// A quarter of a named fiscal year ("the first quarter of fiscal 2025", "Q3 FY2024"):
/// groups `quarter` (an ordinal) and `fy`, or `q2` (Q1–Q4) and `fy2`. The quarter counts from the fiscal
/// year's first month, in the calendar of the text's country (the US federal year's first
/// quarter is October to December).
pub fn fiscal_quarter(hit: &Hit) -> Option<Found> {
    // Two spellings, each with its groups: "first quarter of fiscal 2025", "Q3 FY2024".
    let y = year_of(hit.get("fy").or(hit.get("fy2"))?)?;
    let q = super::ordinal(hit.get("quarter").or(hit.get("q2"))?)?;
    let sys = system(hit.text, hit.start, hit.end);
    let mut f = ready(quarter_span(sys, y, q)?, hit)?;
    f.extra
        .insert("fiscal".into(), Value::String(label(sys).into()));
    Some(f)
}

/// Quarter `q` (1–4) of the fiscal year named `named` in `system`, as a month interval:
/// counted from the fiscal year's first month.
fn quarter_span(system: FiscalSystem, named: i32, q: u32) -> Option<String> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let start = start_of_named(system, named);
    // Months counted from January of the fiscal year's first calendar year.
    let first = (start_month(system) + 3 * (q - 1)) as i32;
    let at = |k: i32| Ymd::month(start + (k - 1) / 12, ((k - 1) % 12 + 1) as u32);
    interval(at(first), at(first + 2))
}

fn second_year(y: i32, y2: &str) -> Option<i32> {
    Some(if y2.len() == 2 {
        y / 100 * 100 + y2.parse::<i32>().ok()?
    } else {
        y2.parse().ok()?
    })
}

/// "2024-25", "2025/26" (groups `year`, `year2`): a fiscal year where the clause speaks
/// of money or budgets ("£40m (2026-27)", "$20 million over four years, starting in
/// 2026-27", "its annual estimates, starting with 2027-28"); elsewhere the plain span of
/// the two years ("In 2019–20, more people ...").
pub fn year_pair(hit: &Hit) -> Option<Found> {
    let y = year_of(hit.get("year")?)?;
    let y2s = hit.get("year2")?;
    let y2 = second_year(y, y2s)?;
    if y2s.len() == 2 && y2 == y + 1 && budget_context(hit.text, hit.start, hit.end) {
        let sys = match system(hit.text, hit.start, hit.end) {
            FiscalSystem::Us => FiscalSystem::AprilToMarch,
            s => s,
        };
        return found_span(sys, y, y, hit);
    }
    let v = interval(Ymd::year(y), Ymd::year(y2))?;
    if y2 == y {
        return None;
    }
    ready(v, hit)
}

/// Whether the clause around a span speaks of money: a currency sign or word, or a
/// budget word.
fn budget_context(text: &str, start: usize, end: usize) -> bool {
    let lo = floor_char(text, start.saturating_sub(150));
    let hi = floor_char(text, (end + 60).min(text.len()));
    let before = &text[lo..start];
    let before = before
        .rfind(['\n', '.', ';', '?'])
        .map_or(before, |i| &before[i + 1..]);
    let after = &text[end..hi.max(end)];
    let after = after.find(['\n', ';', '?']).map_or(after, |i| &after[..i]);
    let clause = format!("{before} {after}").to_lowercase();
    const CUES: [&str; 17] = [
        "$",
        "£",
        "€",
        "¥",
        "₩",
        "budget",
        "estimates",
        "appropriation",
        "allocation",
        "allocated",
        "spending",
        "funding",
        "financial year",
        "fiscal",
        "million",
        "billion",
        "revenue",
    ];
    CUES.iter().any(|c| clause.contains(c))
}

/// Era years: "Reiwa 4" (2022), "Heisei 31" (2019). A fiscal year when a fiscal year
/// names it just before ("FY2022 (Reiwa 4)") or a budget follows ("the Reiwa 4
/// supplementary budget"), else the calendar year.
pub fn era_year(hit: &Hit) -> Option<Found> {
    // "令和元年": the era's first year is written 元, "origin".
    let n: i32 = match hit.get("n")? {
        "元" => 1,
        n => n.parse().ok()?,
    };
    let era = hit.get("era")?.to_lowercase();
    let base = match era.as_str() {
        "reiwa" | "令和" => 2018,
        "heisei" | "平成" => 1988,
        "showa" | "shōwa" | "昭和" => 1925,
        _ => return None,
    };
    if !(1..=64).contains(&n) {
        return None;
    }
    let y = base + n;
    // Written in Japanese: "令和6年度" is the fiscal year, "平成31年4月1日" a day.
    if hit.get("fy").is_some() {
        return found_span(FiscalSystem::AprilToMarch, y, y, hit);
    }
    if let Some(m) = hit.get("month") {
        let m: u32 = m.parse().ok()?;
        let v = match hit.get("day") {
            Some(d) => Ymd::day(y, m, d.parse().ok()?),
            None => Ymd::month(y, m),
        };
        return v.valid().then(|| v.iso()).and_then(|v| ready(v, hit));
    }
    let lo = floor_char(hit.text, hit.start.saturating_sub(40));
    let before = &hit.text[lo..hit.start];
    let before = before.rfind('\n').map_or(before, |i| &before[i + 1..]);
    let hi = floor_char(hit.text, (hit.end + 40).min(hit.text.len()));
    let after = hit.text[hit.end..hi.max(hit.end)].to_lowercase();
    let fiscal = before.contains("FY")
        || before.to_lowercase().contains("fiscal")
        || after.trim_start().starts_with("budget")
        || after.contains("supplementary budget");
    if fiscal {
        return found_span(FiscalSystem::AprilToMarch, y, y, hit);
    }
    ready(Ymd::year(y).iso(), hit)
}

type Cue = (&'static str, FiscalSystem);

const STRONG: [Cue; 39] = [
    ("united states", FiscalSystem::Us),
    ("u.s.", FiscalSystem::Us),
    ("us", FiscalSystem::Us),
    ("us$", FiscalSystem::Us),
    ("american", FiscalSystem::Us),
    ("congress", FiscalSystem::Us),
    ("usd", FiscalSystem::Us),
    ("nist", FiscalSystem::Us),
    ("usaid", FiscalSystem::Us),
    ("washington", FiscalSystem::Us),
    ("white house", FiscalSystem::Us),
    ("japan", FiscalSystem::AprilToMarch),
    ("japanese", FiscalSystem::AprilToMarch),
    ("tokyo", FiscalSystem::AprilToMarch),
    ("uk", FiscalSystem::AprilToMarch),
    ("u.k.", FiscalSystem::AprilToMarch),
    ("united kingdom", FiscalSystem::AprilToMarch),
    ("britain", FiscalSystem::AprilToMarch),
    ("british", FiscalSystem::AprilToMarch),
    ("whitehall", FiscalSystem::AprilToMarch),
    ("£", FiscalSystem::AprilToMarch),
    ("¥", FiscalSystem::AprilToMarch),
    ("yen", FiscalSystem::AprilToMarch),
    ("india", FiscalSystem::AprilToMarchByEnd),
    ("indian", FiscalSystem::AprilToMarchByEnd),
    ("₹", FiscalSystem::AprilToMarchByEnd),
    ("gbp", FiscalSystem::AprilToMarch),
    ("jpy", FiscalSystem::AprilToMarch),
    ("canada", FiscalSystem::AprilToMarch),
    ("canadian", FiscalSystem::AprilToMarch),
    ("ottawa", FiscalSystem::AprilToMarch),
    ("cad", FiscalSystem::AprilToMarch),
    ("c$", FiscalSystem::AprilToMarch),
    ("australia", FiscalSystem::JulyToJune),
    ("australian", FiscalSystem::JulyToJune),
    ("canberra", FiscalSystem::JulyToJune),
    ("a$", FiscalSystem::JulyToJune),
    ("aud", FiscalSystem::JulyToJune),
    ("new zealand", FiscalSystem::JulyToJune),
];

/// Where a cue stands in `hay` as a word of its own ("us" in "the US budget", not in
/// "bonus"; "cad" not in "decade"), every occurrence.
fn word_hits<'a>(hay: &'a str, cue: &'a str) -> impl Iterator<Item = usize> + 'a {
    hay.match_indices(cue).map(|(i, _)| i).filter(move |&i| {
        let wordish = |c: char| c.is_alphanumeric();
        let before_ok = !cue.starts_with(wordish) || !hay[..i].ends_with(wordish);
        let after_ok = !cue.ends_with(wordish) || !hay[i + cue.len()..].starts_with(wordish);
        before_ok && after_ok
    })
}

fn last_cue(hay: &str) -> Option<(usize, FiscalSystem)> {
    STRONG
        .iter()
        .filter_map(|(k, s)| word_hits(hay, k).last().map(|i| (i, *s)))
        .max_by_key(|(i, _)| *i)
}

fn first_cue(hay: &str) -> Option<(usize, FiscalSystem)> {
    STRONG
        .iter()
        .filter_map(|(k, s)| word_hits(hay, k).next().map(|i| (i, *s)))
        .min_by_key(|(i, _)| *i)
}

/// The fiscal calendar of a fiscal year: the country labelling its table row or heading its
/// table column, else the
/// nearest country or currency cue before it (within a few lines), else one shortly after
/// it, else a country named in the document's opening (a government's letterhead), else
/// the US federal year ("$" alone, or nothing).
pub fn system(text: &str, start: usize, end: usize) -> FiscalSystem {
    // The country labelling its table row ("Japan's institute | ¥3.1bn | FY2022").
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..start];
    if let Some((label, _)) = line.split_once('\t')
        && let Some((0, s)) = first_cue(&label.to_lowercase())
    {
        return s;
    }
    for cell in crate::find::table::cells_above(text, start, 40) {
        let c = cell.to_lowercase();
        if let Some((0, s)) = first_cue(&c) {
            return s;
        }
    }
    let lo = floor_char(text, start.saturating_sub(400));
    let hi = floor_char(text, (end + 150).min(text.len()));
    let before = text[lo..start].to_lowercase();
    let after = text[end..hi.max(end)].to_lowercase();
    if let Some((_, s)) = last_cue(&before).or_else(|| first_cue(&after)) {
        return s;
    }
    let head = text[..floor_char(text, 600.min(text.len()))].to_lowercase();
    STRONG
        .iter()
        .filter(|(k, _)| k.len() > 4)
        .filter_map(|(k, s)| word_hits(&head, k).next().map(|i| (i, *s)))
        .min_by_key(|(i, _)| *i)
        .map_or(FiscalSystem::Us, |(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_us_runs_october_to_september() {
        let t = "the United States’ fiscal year 2025 budget";
        let s = t.find("fiscal").unwrap();
        assert_eq!(system(t, s, s + 16), FiscalSystem::Us);
    }

    #[test]
    fn fiscal_year_of_japan_runs_april_to_march() {
        let t = "Japan's government allocated ¥2 billion in FY2024 to the institute";
        let s = t.find("FY").unwrap();
        assert_eq!(system(t, s, s + 6), FiscalSystem::AprilToMarch);
    }

    #[test]
    fn quarters_count_from_the_fiscal_years_first_month() {
        assert_eq!(
            quarter_span(FiscalSystem::Us, 2025, 1).unwrap(),
            "2024-10/2024-12"
        );
        assert_eq!(
            quarter_span(FiscalSystem::Us, 2025, 3).unwrap(),
            "2025-04/2025-06"
        );
    }

    #[test]
    fn fiscal_year_of_india_is_named_by_the_year_it_ends() {
        let t = "India's FY25 budget gives ₹20 crore to the institute";
        let s = t.find("FY").unwrap();
        let sys = system(t, s, s + 4);
        assert_eq!(sys, FiscalSystem::AprilToMarchByEnd);
        assert_eq!(
            span(sys, start_of_named(sys, 2025)).unwrap(),
            "2024-04/2025-03"
        );
        assert_eq!(
            span(
                FiscalSystem::AprilToMarch,
                start_of_named(FiscalSystem::AprilToMarch, 2024)
            )
            .unwrap(),
            "2024-04/2025-03"
        );
    }

    #[test]
    fn fiscal_year_of_australia_runs_july_to_june() {
        let t = "COMMONWEALTH OF AUSTRALIA\nSenate\n\nWe will spend $10 million in 2027-28 on it.";
        let s = t.find("2027-28").unwrap();
        assert_eq!(system(t, s, s + 7), FiscalSystem::JulyToJune);
        assert_eq!(
            span(FiscalSystem::JulyToJune, 2025).unwrap(),
            "2025-07/2026-06"
        );
    }

    #[test]
    fn fiscal_year_follows_its_table_column() {
        let t = "\tUnited States\tUnited Kingdom\nFunding (USD)\t$10 million (FY24)\t£50 million";
        let s = t.find("FY24").unwrap();
        assert_eq!(system(t, s, s + 4), FiscalSystem::Us);
        let t = "\tUnited States\tJapan\nFunding\t$1\t¥2 (FY2024)";
        let s = t.find("FY2024").unwrap();
        assert_eq!(system(t, s, s + 6), FiscalSystem::AprilToMarch);
    }

    #[test]
    fn fiscal_year_follows_its_table_row() {
        let t = "Japan institute\t¥3.1bn\t(US$21m)\tFY2022 budget";
        let s = t.find("FY").unwrap();
        assert_eq!(system(t, s, s + 6), FiscalSystem::AprilToMarch);
    }

    #[test]
    fn cues_are_whole_words() {
        let t = "a decade of audits and a bonus: FY2024";
        let s = t.find("FY").unwrap();
        assert_eq!(system(t, s, s + 6), FiscalSystem::Us);
        let t = "the UK: FY2024";
        let s = t.find("FY").unwrap();
        assert_eq!(system(t, s, s + 6), FiscalSystem::AprilToMarch);
    }

    #[test]
    fn fiscal_year_defaults_to_us_without_cues() {
        assert_eq!(system("budget for FY24 was", 11, 15), FiscalSystem::Us);
    }

    #[test]
    fn budget_words_make_a_year_pair_fiscal() {
        let t = "funding of £5m (2025-26) was agreed";
        let s = t.find("2025").unwrap();
        assert!(budget_context(t, s, s + 7));
        let t = "In 2019–20, more people worked in the field.";
        let s = t.find("2019").unwrap();
        assert!(!budget_context(t, s, s + 9));
    }
}
