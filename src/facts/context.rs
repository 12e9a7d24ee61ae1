//! Where a clause looks beyond itself: the bulleted list a clause ending in a colon
//! introduces, and a date that opens the sentence (or a timeline entry) and so dates what
//! the sentence tells.

use super::Doc;
use super::text::Span;
use crate::model::{Mention, MentionKind};

/// The bulleted list a clause ending with a colon introduces: the lines right after it that
/// start with a bullet ("•", "-", "*", "1.", "a)"), up to the first line that does not.
pub(super) fn list_after(text: &str, c: Span) -> Option<Span> {
    if !text.get(c.start..c.end)?.trim_end().ends_with(':') {
        return None;
    }
    let rest = text.get(c.end..)?;
    let mut end = c.end;
    let mut at = c.end;
    for line in rest.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() && end == c.end {
            at += line.len();
            continue;
        }
        if !is_bullet(t) {
            break;
        }
        at += line.len();
        end = at;
    }
    (end > c.end).then_some(Span { start: c.end, end })
}

fn is_bullet(line: &str) -> bool {
    let mut cs = line.chars();
    match cs.next() {
        Some('•' | '-' | '*' | '–' | '·' | '▪') => true,
        Some(d) if d.is_ascii_alphanumeric() => {
            let head: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            head.len() <= 2 && matches!(line[head.len()..].chars().next(), Some('.' | ')'))
        }
        _ => false,
    }
}

/// The lines of a list, one span each.
pub(super) fn list_items(text: &str, list: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = list.start;
    for line in text[list.start..list.end].split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.push(Span {
                start: at,
                end: at + line.len(),
            });
        }
        at += line.len();
    }
    out
}

/// A date mention that opens the sentence as its adverbial ("On 20 May 2024, ...", "In
/// March 2025, ...") or as a timeline entry's date ("20 May 2024 – ..."): only a
/// preposition before it, a comma, colon or dash after it.
pub(super) fn sentence_initial_date<'m>(
    doc: &Doc,
    s: Span,
    mentions: &[&'m Mention],
) -> Option<&'m Mention> {
    let d = mentions
        .iter()
        .copied()
        .find(|m| m.kind == MentionKind::Date && m.start >= s.start)?;
    // From the sentence's start, or from the start of the date's line: a caption or a page
    // header that lost its full stop runs into the sentence in extracted text.
    let line = doc
        .text
        .get(s.start..d.start)?
        .rfind('\n')
        .map_or(s.start, |i| s.start + i + 1);
    let before = doc.text.get(line..d.start)?.trim().to_ascii_lowercase();
    let opens =
        before.is_empty() || ["on", "in", "during", "between", "from"].contains(&before.as_str());
    let rest = doc.text.get(d.end..).unwrap_or("");
    let after = rest.trim_start();
    // "On 3 May 2024, ..."; a timeline's "3 May 2024 – ..." or "3 May 2024: ...", or its
    // row "3 May 2024<TAB>...".
    let joined = after.starts_with([',', ':', '–', '—'])
        || (after.starts_with('-') && before.is_empty())
        || (rest.trim_start_matches(' ').starts_with('\t') && before.is_empty());
    (opens && joined).then_some(d)
}

/// A timeline row: a table line of two cells, the first of them only a date ("Feb 14,
/// 2024<TAB>The institute starts operations."). Its second cell is a sentence told of that
/// date, read by the prose rules like a timeline entry "14 Feb 2024 – ...".
pub(super) fn timeline_row(doc: &Doc, s: Span) -> bool {
    let Some(line) = doc.text.get(s.start..s.end) else {
        return false;
    };
    if line.contains('\n') {
        return false;
    }
    let cells: Vec<&str> = line
        .split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let [first, _] = cells.as_slice() else {
        return false;
    };
    let first_end = s.start + line.find(first).unwrap_or(0) + first.len();
    doc.within(Span {
        start: s.start,
        end: first_end,
    })
    .iter()
    .any(|m| {
        m.kind == MentionKind::Date
            && m.start <= s.start + line.find(first).unwrap_or(0)
            && m.end >= first_end
    })
}

/// A list item's line: a bullet, or a number or letter as "3.", "a)" or "(3)".
pub(super) fn is_item(line: &str) -> bool {
    let t = line.trim_start();
    if is_bullet(t) {
        return true;
    }
    // "(3) International cooperation with ..."
    t.strip_prefix('(').is_some_and(|r| {
        let head: String = r.chars().take_while(char::is_ascii_alphanumeric).collect();
        (1..=2).contains(&head.len()) && r[head.len()..].starts_with(')')
    })
}

/// The line a list stands under: up from the item's line, past the other items and blank
/// lines, the first other line, when it reads as a heading (short, no full stop; or ending
/// in a colon).
/// Returns the heading and where its line starts.
pub(super) fn list_heading(text: &str, item_start: usize) -> Option<(usize, &str)> {
    let mut end = text[..item_start].rfind('\n')?;
    // A list of more items than this is read as having no heading (bounded work per item).
    for _ in 0..MAX_LIST_LINES {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let t = text[start..end].trim();
        if !(t.is_empty() || is_item(t)) {
            let short =
                t.split_whitespace().count() <= 8 && !t.ends_with(['.', '!', '?', ';', ',']);
            return (short || t.ends_with(':')).then_some((start, t));
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
    }
    None
}

/// Lines walked up from a list item to its heading.
const MAX_LIST_LINES: usize = 200;

/// An item's label: the words between its bullet and the colon or dash that opens its
/// value ("- Borduria: a memorandum ...", "• Borduria — joint testing"). The item must be
/// one line.
pub(super) fn item_label(text: &str, c: Span) -> Option<Span> {
    let line = text.get(c.start..c.end)?;
    if line.contains('\n') || !is_item(line) {
        return None;
    }
    let lead = line.len() - line.trim_start().len();
    let t = &line[lead..];
    // Past the bullet or the number.
    let body = if t.starts_with('(') {
        t.find(')').map(|i| &t[i + 1..])?
    } else if t.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        let n = t.chars().take_while(char::is_ascii_alphanumeric).count();
        &t[n + 1..]
    } else {
        let ch = t.chars().next()?;
        &t[ch.len_utf8()..]
    };
    let body_start = c.start + lead + (t.len() - body.len());
    let cut = [": ", " — ", " – ", " - "]
        .iter()
        .filter_map(|sep| body.find(sep))
        .min()?;
    let label = &body[..cut];
    let l_lead = label.len() - label.trim_start().len();
    (!label.trim().is_empty() && label.split_whitespace().count() <= 8).then_some(Span {
        start: body_start + l_lead,
        end: body_start + cut,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_heading_is_found_above_its_items_within_a_bound() {
        let short = "Partners\n- Borduria: joint tests\n- Syldavia: a memorandum\n";
        let at = short.find("- Syldavia").unwrap();
        assert_eq!(list_heading(short, at).map(|(_, h)| h), Some("Partners"));
        let long = format!(
            "Partners\n{}- Syldavia: a memorandum\n",
            "- Borduria: tests\n".repeat(250)
        );
        let at = long.find("- Syldavia").unwrap();
        assert_eq!(list_heading(&long, at), None);
    }
}
