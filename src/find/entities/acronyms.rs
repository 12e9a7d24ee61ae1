//! Acronym definitions written in a document: "Full Name (ACR)" and "ACR (Full Name)".
//! A defined acronym then stands for the same entity wherever the document uses it; a full
//! name that is in no gazetteer but reads as an organisation ("... Agency", "... Center")
//! becomes an organisation whose canonical name is the full name as written.

use super::gazetteer::{Gazetteer, is_word_char};

/// A definition found in the text (normalised offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub acronym: String,
    /// Span of the full name.
    pub name_start: usize,
    pub name_end: usize,
    /// Span of the acronym.
    pub acr_start: usize,
    pub acr_end: usize,
}

/// True for a token that reads as an acronym: 2–12 characters, starting with a capital,
/// at least two capitals, letters/digits and `-&./` only ("NIST", "J-AISI", "AI-RDN").
pub fn is_acronym_token(t: &str) -> bool {
    let n = t.chars().count();
    (2..=12).contains(&n)
        && t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && t.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '&' | '.' | '/'))
        && !t.ends_with(['-', '/'])
}

/// Every "(…)" of `s` that defines an acronym: "Full Name (ACR)" or "ACR (Full Name)".
/// The full name is checked against the acronym's letters (Schwartz–Hearst style: every
/// letter of the acronym is the first letter of a word of the name, in order, and the name
/// starts with the acronym's first letter).
pub fn definitions(g: &Gazetteer, s: &str) -> Vec<Definition> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(off) = memchr(b'(', &bytes[from..]) {
        let open = from + off;
        from = open + 1;
        let window = &bytes[open + 1..(open + 161).min(bytes.len())];
        let Some(close_off) = memchr(b')', window) else {
            continue;
        };
        let close = open + 1 + close_off;
        let inner = s[open + 1..close].trim();
        let inner_start =
            open + 1 + (s[open + 1..close].len() - s[open + 1..close].trim_start().len());
        if is_acronym_token(inner) {
            // Full Name (ACR)
            let before = s[..open].trim_end();
            if let Some(name_start) = name_before(g, before, inner) {
                out.push(Definition {
                    acronym: inner.to_string(),
                    name_start,
                    name_end: before.len(),
                    acr_start: inner_start,
                    acr_end: inner_start + inner.len(),
                });
            }
        } else {
            // ACR (Full Name)
            let before = s[..open].trim_end();
            let acr_start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
                .map_or(0, |(i, c)| i + c.len_utf8());
            let acr = &before[acr_start..];
            if is_acronym_token(acr)
                && !s[..acr_start].chars().next_back().is_some_and(is_word_char)
                && initials_match(g, inner, acr)
            {
                out.push(Definition {
                    acronym: acr.to_string(),
                    name_start: inner_start,
                    name_end: inner_start + inner.len(),
                    acr_start,
                    acr_end: before.len(),
                });
            }
        }
    }
    out
}

/// The vectorised search of the `memchr` crate: a byte loop here was ~0.5% of the find
/// stage.
fn memchr(b: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(b, hay)
}

/// The letters of an acronym that words must start with ("J-AISI" → "jaisi").
fn acronym_letters(acr: &str) -> Vec<char> {
    acr.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Words of a name with their start offsets; hyphenated parts count as words
/// ("Information-technology" → "Information", "technology").
fn words(name: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in name.char_indices() {
        let part = c.is_alphanumeric() || c == '\'' || c == '&' || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s0)) => {
                out.push((s0, &name[s0..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s0) = start {
        out.push((s0, &name[s0..]));
    }
    out
}

fn is_stop(g: &Gazetteer, w: &str) -> bool {
    g.stopwords.iter().any(|x| x == w)
}

/// Letters of the acronym consumed by a word: its initial, or for an all-caps word or one
/// with inner capitals ("OpenAI", "AI"), each capital in turn.
fn consume(word: &str, letters: &[char], mut k: usize) -> Option<usize> {
    let first = word.chars().next()?.to_ascii_lowercase();
    if k >= letters.len() || letters[k] != first {
        return None;
    }
    k += 1;
    for c in word.chars().skip(1) {
        if k < letters.len() && (c.is_ascii_uppercase() || c.is_ascii_digit()) {
            if c.to_ascii_lowercase() == letters[k] {
                k += 1;
            } else {
                break;
            }
        }
    }
    Some(k)
}

/// Whether the words of `name` spell `acr` by their initials, skipping stopwords.
fn initials_match(g: &Gazetteer, name: &str, acr: &str) -> bool {
    let letters = acronym_letters(acr);
    let ws = words(name);
    if letters.len() < 2 || ws.is_empty() || ws.len() > letters.len() + 4 {
        return false;
    }
    // One word without a letter of its own may sit inside the name ("Global Center on AI
    // Governance (GCG)"), but not at its start or end.
    let mut k = 0;
    let mut skipped = 0;
    let last = ws.len() - 1;
    for (n, (_, w)) in ws.iter().enumerate() {
        if let Some(nk) = consume(w, &letters, k) {
            k = nk;
        } else if is_stop(g, w) || w.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        } else if k > 0 && n < last && skipped == 0 && letters.len() >= 3 {
            skipped += 1;
        } else {
            return false;
        }
    }
    k == letters.len()
}

/// Start of the full name that ends at the end of `before` and spells `acr`, if any.
fn name_before(g: &Gazetteer, before: &str, acr: &str) -> Option<usize> {
    let letters = acronym_letters(acr);
    if letters.len() < 2 {
        return None;
    }
    // Look back over at most |acr| + 4 words, then find the start whose words spell it.
    let tail_start = {
        let mut n = 0;
        let mut at = before.len();
        for (i, c) in before.char_indices().rev() {
            if c.is_whitespace() {
                n += 1;
                if n > letters.len() + 4 {
                    break;
                }
            }
            if matches!(c, '.' | ';' | ':' | '(' | ')' | '\n' | ',') && i + 1 < before.len() {
                at = i + 1;
                break;
            }
            at = i;
        }
        at
    };
    let tail = &before[tail_start..];
    let ws = words(tail);
    // The name starts at a word whose initial is the acronym's first letter, as late as
    // possible, and must spell the whole acronym.
    for (i, (off, w)) in ws.iter().enumerate().rev() {
        if w.chars().next().map(|c| c.to_ascii_lowercase()) != Some(letters[0]) {
            continue;
        }
        if !w.chars().next().is_some_and(|c| c.is_uppercase()) {
            continue;
        }
        let name = &tail[*off..];
        if initials_match(g, name, acr) {
            let _ = i;
            return Some(tail_start + off);
        }
    }
    None
}

/// Whether a full name reads as an organisation: capitalised words (stopwords aside) and
/// an organisation head word among them.
pub fn reads_as_organisation(g: &Gazetteer, name: &str) -> bool {
    let ws = words(name);
    if ws.len() < 2 {
        return false;
    }
    let capitalised = ws.iter().all(|(_, w)| {
        is_stop(g, w)
            || w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    });
    capitalised && ws.iter().any(|(_, w)| g.org_heads.iter().any(|h| h == w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Gazetteer {
        Gazetteer {
            stopwords: ["of", "and", "for", "the", "on", "de", "d'"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            org_heads: ["Institute", "Agency"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ..Gazetteer::default()
        }
    }

    #[test]
    fn full_name_then_acronym_is_a_definition() {
        let s = "the National Institute of Standards and Technology (NIST) said";
        let d = definitions(&g(), s);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].acronym, "NIST");
        assert_eq!(
            &s[d[0].name_start..d[0].name_end],
            "National Institute of Standards and Technology"
        );
    }

    #[test]
    fn acronym_then_full_name_is_a_definition() {
        let s = "CAISI (Canadian AI Safety Institute) will";
        let d = definitions(&g(), s);
        assert_eq!(d.len(), 1);
        assert_eq!(
            &s[d[0].name_start..d[0].name_end],
            "Canadian AI Safety Institute"
        );
    }

    #[test]
    fn parentheses_that_do_not_spell_the_acronym_are_ignored() {
        assert!(definitions(&g(), "large language models (see Table 2)").is_empty());
        assert!(definitions(&g(), "the committee met in Paris (FR)").is_empty());
    }

    #[test]
    fn one_inner_word_may_lack_a_letter() {
        let s = "The Global Center on AI Governance (GCG) wrote";
        let d = definitions(&g(), s);
        assert_eq!(d.len(), 1);
        assert_eq!(
            &s[d[0].name_start..d[0].name_end],
            "Global Center on AI Governance"
        );
    }

    #[test]
    fn hyphenated_names_spell_their_parts() {
        let s = "Information-technology Promotion Agency (IPA)";
        let d = definitions(&g(), s);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name_start, 0);
    }
}
