//! Context rules: what a generic or ambiguous match means in its document.
//!
//! - a generic institute name qualified by countries before it ("Japan's AI Safety
//!   Institute", "the UK and U.S. AISIs") or after it ("AISIs of Japan and Singapore");
//! - a list of three or more countries near a Network cue ("... from Australia, Canada, the
//!   European Commission, ...") names each member's institute;
//! - an ambiguous alias (CAISI) resolved by the document's own definition, then by cue
//!   words nearby, then by which candidate the document names more often;
//! - "the Institute" and an unqualified "the AISI" stand for the document's main institute
//!   when one institute clearly dominates.

use super::gazetteer::{Gazetteer, Raw, Role};
use crate::model::MentionKind;
use crate::utf8::floor_char;
use regex::Regex;
use std::sync::LazyLock;

/// Whether the text between two chained list items only separates them
/// (", ", " and ", ", and the ", "'s and ", " & ").
pub fn is_list_gap(gap: &str) -> bool {
    // A short aside in brackets does not break a list ("the European Commission
    // (acting through its AI Office), Kenya").
    let unbracketed;
    let gap = match (gap.find('('), gap.find(')')) {
        (Some(a), Some(b)) if a < b && b - a <= 80 => {
            unbracketed = format!("{}{}", &gap[..a], &gap[b + 1..]);
            unbracketed.as_str()
        }
        _ => gap,
    };
    if gap.len() > 24 {
        return false;
    }
    let cleaned = gap.replace("'s", " ");
    cleaned
        .split(|c: char| c.is_whitespace() || c == ',' || c == '&' || c == '/' || c == ';')
        .filter(|w| !w.is_empty())
        .all(|w| matches!(w, "and" | "or" | "the" | "as" | "well"))
}

/// Whether `gap` joins a country directly to the institute name after it: nothing, or a
/// possessive ("Japan's AI Safety Institute").
pub fn is_qualifier_gap(gap: &str) -> bool {
    let g = gap.trim();
    let g = g
        .strip_suffix("government's")
        .or_else(|| g.strip_suffix("Government's"))
        .map_or(g, str::trim);
    matches!(g, "" | "'s" | "'" | "s'")
}

/// The country code a raw match can qualify an institute with, if any.
pub fn country_code<'g>(g: &'g Gazetteer, r: &Raw) -> Option<&'g str> {
    g.targets_of(r).find_map(|t| {
        let e = g.entries.get(t.entry as usize)?;
        match (t.role, e.kind) {
            (Role::Name | Role::Adjective, MentionKind::Country) => Some(e.value.as_str()),
            _ => None,
        }
    })
}

/// The institute code a raw match stands for as a listed Network member: a country, or
/// an organisation with a `member_code` ("the European Commission").
pub fn member_code<'g>(g: &'g Gazetteer, r: &Raw) -> Option<&'g str> {
    country_code(g, r).or_else(|| {
        g.targets_of(r).find_map(|t| {
            let e = g.entries.get(t.entry as usize)?;
            (t.role == Role::Name).then_some(e.member_code.as_deref()?)
        })
    })
}

pub fn has_role(g: &Gazetteer, r: &Raw, role: Role) -> bool {
    g.targets_of(r).any(|t| t.role == role)
}

/// Counts of `needle` in `s[from..to]`, on word boundaries.
pub fn count_word(s: &str, from: usize, to: usize, needle: &str) -> usize {
    let (from, to) = (floor_char(s, from), floor_char(s, to));
    let hay = &s[from..to];
    hay.match_indices(needle)
        .filter(|(i, _)| {
            let before = hay[..*i].chars().next_back();
            let after = hay[i + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .count()
}

/// Whether `s[a..b]` stays within one sentence: no full stop followed by a capital.
/// Whether the text before a name presents it as the body an institute sits in: a
/// table row headed "Housed under", "Parent body", "Host organisation" …, or a sentence
/// that has just said "housed within", "hosted by", "part of", "within" or "under the".
/// "Singapore gave the institute's role to its Digital Trust Centre" does not.
pub fn names_a_parent(before: &str) -> bool {
    static ROW: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:housed|hosted|hosts?|home|parent|located|based|sits?)\b")
            .expect("valid regex")
    });
    static PROSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:(?:housed|hosted|located|based|nested|embedded|sits?|set up)\s+(?:with)?in|(?:housed|hosted)\s+(?:under|by|at)|part\s+of|within|inside|under)\s+(?:the\s+|its\s+|an?\s+)?(?:[\w’'-]+\s+){0,3}$",
        )
        .expect("valid regex")
    });
    // The row or sentence, within a bound: a text of one huge line costs no more.
    let near = &before[floor_char(before, before.len().saturating_sub(400))..];
    let line = near.rsplit('\n').next().unwrap_or(near);
    if let Some((label, _)) = line.split_once('\t') {
        return ROW.is_match(label);
    }
    let tail = &line[floor_char(line, line.len().saturating_sub(80))..];
    let sentence = tail.rsplit(['.', ';', '!', '?']).next().unwrap_or(tail);
    PROSE.is_match(sentence)
}

/// Whether no sentence ends between `a` and `b`: no blank line, and no ".", "!" or "?"
/// followed by a space and a capital, counting closing quotes, brackets and footnote
/// marks after the stop as the sentence's (".[3] In April", ".\u{201D} The", ".) It"); the
/// full stop of an initial ("U.S. Department") ends none.
pub fn same_sentence(s: &str, a: usize, b: usize) -> bool {
    let (a, b) = (floor_char(s, a), floor_char(s, b));
    let span = &s.as_bytes()[a..b];
    if span.windows(2).any(|w| w == b"\n\n") {
        return false;
    }
    !span.iter().enumerate().any(|(i, &c)| {
        if !matches!(c, b'.' | b'!' | b'?') {
            return false;
        }
        // An initial ("U.S.", "J. Smith") ends no sentence.
        if c == b'.'
            && i > 0
            && span[i - 1].is_ascii_uppercase()
            && (i == 1 || !span[i - 2].is_ascii_alphabetic())
        {
            return false;
        }
        let mut rest = &s[a + i + 1..b];
        loop {
            let marks = super::super::lines::footnote_marks(rest);
            let quote = rest.starts_with(['"', '\'', ')', ']', '\u{201D}', '\u{2019}']);
            if marks > 0 {
                rest = &rest[marks..];
            } else if quote {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
            } else {
                break;
            }
        }
        matches!(rest.as_bytes(), [b' ' | b'\n', c, ..] if c.is_ascii_uppercase())
    })
}

/// The one value that dominates `counts`: at least `min` mentions and two thirds of all.
pub fn dominant<'a>(counts: &[(&'a str, usize)], min: usize) -> Option<&'a str> {
    let total: usize = counts.iter().map(|c| c.1).sum();
    let best = counts.iter().max_by_key(|c| c.1)?;
    (best.1 >= min && best.1 * 3 >= total * 2).then_some(best.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_is_named_by_a_housing_row_or_phrase() {
        assert!(names_a_parent("Housed under\tNational Standards Lab\t"));
        assert!(names_a_parent("Parent body\t"));
        assert!(names_a_parent("The institute is housed within the "));
        assert!(names_a_parent("a unit set up within the national "));
        assert!(names_a_parent("The new office will be part of the "));
        assert!(!names_a_parent(
            "Singapore gave the institute's role to its "
        ));
        assert!(!names_a_parent("Budget\tS$50m\t"));
        assert!(!names_a_parent(
            "It is housed within the ministry. Separately, the "
        ));
        assert!(!names_a_parent("covering work with the "));
    }

    #[test]
    fn list_gaps_are_commas_and_conjunctions() {
        assert!(is_list_gap(", "));
        assert!(is_list_gap(", and the "));
        assert!(is_list_gap("'s and "));
        assert!(!is_list_gap(" signed with "));
    }

    #[test]
    fn qualifier_gap_is_nothing_or_a_possessive() {
        assert!(is_qualifier_gap(" "));
        assert!(is_qualifier_gap("'s "));
        assert!(is_qualifier_gap(" government's "));
        assert!(!is_qualifier_gap(", the "));
    }

    #[test]
    fn word_counts_respect_boundaries() {
        assert_eq!(count_word("Canada and Canadian", 0, 19, "Canada"), 1);
    }

    #[test]
    fn sentences_end_after_closing_marks_and_footnotes() {
        let whole = |t: &str| same_sentence(t, 0, t.len());
        assert!(whole("Ruritania set up the institute in May."));
        assert!(whole("the U.S. Department of Commerce"));
        assert!(whole("about 2.5 million at 9 a.m. on Friday"));
        assert!(!whole("Zenda announced it. The institute"));
        assert!(!whole(
            "Zenda announced it that week.[3] In April the institute"
        ));
        assert!(!whole("Zenda announced it (in May.) The institute"));
        assert!(!whole("\"We will announce it.\" The institute"));
        assert!(!whole("Zenda announced it.\u{201D} The institute"));
        assert!(!whole("Zenda announced it\n\nthe institute"));
        // A bracket that is no footnote mark keeps the sentence going.
        assert!(whole("Zenda announced it.[a] in passing"));
    }

    #[test]
    fn dominance_needs_two_thirds() {
        assert_eq!(dominant(&[("JP", 6), ("US", 2)], 3), Some("JP"));
        assert_eq!(dominant(&[("JP", 4), ("US", 3)], 3), None);
    }
}
