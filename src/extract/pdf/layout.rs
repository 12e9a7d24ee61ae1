//! From positioned glyphs to the text of a page: words, lines, reading order.
//!
//! Reading order is content-stream order. Producers write text in reading order
//! (pdfTeX/XeTeX write a two-column page column by column; browsers and office suites
//! write cell after cell), and clustering into layout columns is what breaks poppler's
//! default mode on two-column pages, so glyphs are only grouped, never sorted: a glyph
//! continues the current line when it sits on the same baseline and to the right of the
//! previous one; anything else starts a line. The one reordering is for pages whose
//! stream interleaves two columns line by line ([`untangle_columns`]).
//!
//! Within a line a word break is an explicit space glyph or a gap wider than
//! [`WORD_GAP`] of the font size; a gap wider than [`CELL_GAP`] becomes a TAB (table
//! cells kept on one line). A table written cell after cell with wrapped cells is joined
//! into one line per row, a TAB per column ([`join`]). Glyphs written twice at the same
//! spot (fake bold) are kept once; a glyph drawn late into a gap of its line is put there.
//! Ligature characters become their letters. A line-end hyphen is removed and the word
//! rejoined only when a lowercase letter starts the next line. In a wrapped table cell, a
//! word broken without a hyphen is rejoined when the document's vocabulary says it is one
//! word (`Hyphenation::joins_broken_word`).

use super::content::{Glyph, PageGlyphs};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Gap between glyphs, in font sizes, above which a word break is assumed. Tuned on the
/// corpus renderings (Chromium kerning stays below 0.1 em, groff/gropdf word spaces
/// written as moves are ≥ 0.2 em); pdf-extract's 0.1 splits words on Chromium output.
const WORD_GAP: f32 = 0.15;
/// Gap, in font sizes, above which two runs on one baseline are separate table cells.
const CELL_GAP: f32 = 1.5;
/// Baseline difference, in font sizes, still on the same line (sub- and superscripts).
const SAME_LINE: f32 = 0.5;
/// How far, in font sizes, a glyph may step back (negative kerning, overhang) and still
/// continue the line.
const BACKSTEP: f32 = 0.6;

/// One line of a page, with its position in the line's writing-direction frame.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    /// Baseline (larger is higher on the page).
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
    pub size: f32,
    /// Writing direction (quarter turns), as in [`Glyph::dir`].
    pub dir: u8,
    /// Left and right ends of each TAB-separated part of the text, in order.
    pub cells: Vec<(f32, f32)>,
    /// Word breaks: the byte offset in `text` after a space, and where the next word starts.
    pub breaks: Vec<(usize, f32)>,
}

/// Lays out one page into lines in reading order, page number dropped.
pub fn page_lines(page: &PageGlyphs) -> Vec<Line> {
    let lines = lines(page);
    let mut lines = untangle_columns(lines);
    drop_page_number(&mut lines);
    lines
}

/// Groups the page's glyphs into lines, dominant writing direction first.
pub fn lines(page: &PageGlyphs) -> Vec<Line> {
    let mut count = [0usize; 4];
    for g in &page.glyphs {
        if g.len > 0 {
            count[g.dir as usize & 3] += 1;
        }
    }
    let mut dirs: Vec<u8> = (0..4u8).filter(|d| count[*d as usize] > 0).collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(count[*d as usize]));
    let mut out = Vec::new();
    for dir in dirs {
        build(page, dir, &mut out);
    }
    out
}

/// A glyph's position in the frame where its direction reads left to right.
fn frame(g: &Glyph) -> (f32, f32) {
    match g.dir & 3 {
        0 => (g.x, g.y),
        1 => (g.y, -g.x),
        2 => (-g.x, -g.y),
        _ => (-g.y, g.x),
    }
}

fn build(page: &PageGlyphs, dir: u8, out: &mut Vec<Line>) {
    let mut cur: Option<Line> = None;
    // End of the previous glyph on the current line, and whether a space glyph followed it.
    let mut end = 0f32;
    let mut pending_space = false;
    let mut last: Option<(f32, f32, &str)> = None;
    // Start of the previous glyph, and a spacing accent waiting for the letter it sits on.
    let mut start = 0f32;
    let mut accent: Option<Accent> = None;
    // Word and cell breaks written into the current line, where a glyph drawn later may
    // fill them.
    let mut holes: Vec<Hole> = Vec::new();
    for g in page.glyphs.iter().filter(|g| g.dir == dir && g.len > 0) {
        let text = page.text_of(g);
        let (x, y) = frame(g);
        let size = if g.size > 0.1 { g.size } else { 1.0 };
        if text.chars().all(|c| c.is_whitespace()) {
            if cur.is_some() {
                pending_space = true;
                end = end.max(x + g.w);
            }
            continue;
        }
        // The same glyph again at (almost) the same spot: overprinted (fake) bold.
        if let Some((lx, ly, lt)) = last
            && lt == text
            && (lx - x).abs() < 0.1 * size
            && (ly - y).abs() < 0.1 * size
        {
            continue;
        }
        last = Some((x, y, text));
        // A glyph drawn after the rest of its line into a gap left for it (LibreOffice
        // writes a currency sign it takes from a fallback font after the number, over a
        // kerned gap): it goes where it is drawn, as poppler's x-sorted lines have it.
        if combining_mark(text).is_none()
            && let Some(l) = cur.as_mut()
            && (y - l.y).abs() <= SAME_LINE * size.max(l.size)
            && x < end - BACKSTEP * size
            && fill_hole(&mut l.text, &mut holes, x, x + g.w, text, size)
        {
            continue;
        }
        let continues = cur.as_ref().is_some_and(|l| {
            let tol = SAME_LINE * size.max(l.size);
            (y - l.y).abs() <= tol && x >= end - BACKSTEP * size
        });
        let mark = combining_mark(text);
        if !continues {
            if let Some(mut l) = cur.take() {
                if let Some(a) = accent.take() {
                    l.text.push(a.spacing);
                }
                out.push(l);
            }
            cur = Some(Line {
                text: String::new(),
                y,
                x0: x,
                x1: x,
                size,
                dir,
                cells: vec![(x, x)],
                breaks: Vec::new(),
            });
            pending_space = false;
            holes.clear();
            if let Some(m) = mark {
                accent = Some(Accent {
                    mark: m,
                    spacing: text.chars().next().unwrap_or(' '),
                    center: x + g.w / 2.0,
                });
                continue;
            }
        } else if let (Some(m), Some(l)) = (mark, cur.as_mut()) {
            // A spacing accent drawn over the previous letter (TeX's OT1 fonts place it
            // after or before the letter): it becomes a combining mark on that letter.
            let center = x + g.w / 2.0;
            if !l.text.is_empty() && center >= start && center <= end + 0.05 * size {
                l.text.push(m);
            } else {
                if let Some(a) = accent.take() {
                    l.text.push(a.spacing);
                }
                accent = Some(Accent {
                    mark: m,
                    spacing: text.chars().next().unwrap_or(' '),
                    center,
                });
            }
            continue;
        } else if let Some(l) = cur.as_mut() {
            // Measured from the previous glyph's visible end, not from where its advance
            // (with character spacing) ends: producers that position every glyph may leave
            // a large stale `Tc` in place (Distiller), and a grid spaced by `Tc` is spaced.
            let gap = x - end;
            let sup = is_raised(y, size, l.y, l.size) && superscript(text).is_some();
            let sep = if gap > CELL_GAP * size {
                Some('\t')
            } else if pending_space || (gap > WORD_GAP * size && !sup) {
                Some(' ')
            } else {
                None
            };
            if let Some(sep) = sep {
                holes.push(Hole {
                    at: l.text.len(),
                    sep,
                    from: end,
                    to: x,
                });
                l.text.push(sep);
                if sep == '\t' {
                    l.cells.push((x, x));
                } else {
                    l.breaks.push((l.text.len(), x));
                }
            }
            pending_space = false;
            if sup {
                l.text.extend(text.chars().filter_map(superscript_char));
                end = x + g.w;
                l.x1 = l.x1.max(end);
                continue;
            }
        }
        if let Some(l) = cur.as_mut() {
            // A line that starts with a footnote mark: the mark was read as the baseline.
            if is_raised(l.y, l.size, y, size)
                && l.text.chars().count() <= 3
                && let Some(sup) = superscript(&l.text)
            {
                l.text = sup;
            }
            let on_this = accent
                .as_ref()
                .map(|a| a.center >= x - 0.05 * size && a.center <= x + g.w + 0.05 * size);
            if on_this == Some(false)
                && let Some(a) = accent.take()
            {
                l.text.push(a.spacing);
            }
            push_clean(&mut l.text, text);
            if on_this == Some(true)
                && let Some(a) = accent.take()
            {
                l.text.push(a.mark);
            }
            start = x;
            // A superscript does not move the line's baseline; a larger glyph does.
            if size > l.size {
                l.size = size;
                l.y = y;
            }
            end = x + g.w;
            l.x1 = l.x1.max(end);
            if let Some(c) = l.cells.last_mut() {
                c.1 = c.1.max(end);
            }
        }
    }
    if let Some(mut l) = cur {
        if let Some(a) = accent.take() {
            l.text.push(a.spacing);
        }
        out.push(l);
    }
    out.retain(|l| !l.text.trim().is_empty());
    for l in out.iter_mut() {
        if l.text.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c)) {
            l.text = l.text.nfc().collect();
        }
    }
}

/// A word or cell break in a line being built: the separator at byte `at` of the text
/// stands for the empty stretch `from..to` of the baseline.
struct Hole {
    at: usize,
    sep: char,
    from: f32,
    to: f32,
}

/// Writes `text`, drawn over `x0..x1`, into the break of the line it falls in, keeping a
/// separator on either side only where a word gap remains. False when no break holds it.
fn fill_hole(
    line: &mut String,
    holes: &mut Vec<Hole>,
    x0: f32,
    x1: f32,
    text: &str,
    size: f32,
) -> bool {
    let slack = WORD_GAP * size;
    let Some(i) = holes
        .iter()
        .position(|h| x0 >= h.from - slack && x1 <= h.to + slack)
    else {
        return false;
    };
    let h = holes.remove(i);
    let mut with = String::new();
    // A side keeps the hole's own break (an explicit space) or one as wide as it is left.
    let sep = |gap: f32| {
        if gap > CELL_GAP * size {
            Some('\t')
        } else if gap > WORD_GAP * size {
            Some(' ')
        } else {
            None
        }
    };
    with.extend(sep(x0 - h.from));
    push_clean(&mut with, text);
    with.extend(sep(h.to - x1));
    let old = h.sep.len_utf8();
    line.replace_range(h.at..h.at + old, &with);
    for later in holes.iter_mut().filter(|l| l.at > h.at) {
        later.at = later.at + with.len() - old;
    }
    true
}

/// A spacing accent seen before the letter it is drawn on.
struct Accent {
    mark: char,
    spacing: char,
    center: f32,
}

/// The combining mark of a glyph that is only a spacing accent (`´` of `B´ezier`).
fn combining_mark(text: &str) -> Option<char> {
    let mut it = text.chars();
    let c = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some(match c {
        '\u{b4}' => '\u{301}',
        '`' => '\u{300}',
        '\u{2c6}' => '\u{302}',
        '\u{2dc}' => '\u{303}',
        '\u{a8}' => '\u{308}',
        '\u{af}' => '\u{304}',
        '\u{2d8}' => '\u{306}',
        '\u{2d9}' => '\u{307}',
        '\u{2da}' => '\u{30a}',
        '\u{b8}' => '\u{327}',
        '\u{2c7}' => '\u{30c}',
        '\u{2dd}' => '\u{30b}',
        '\u{2db}' => '\u{328}',
        _ => return None,
    })
}

/// A glyph at least a fifth of the line's size above its baseline and clearly smaller:
/// a superscript (footnote mark, exponent).
fn is_raised(y: f32, size: f32, line_y: f32, line_size: f32) -> bool {
    y - line_y > 0.2 * line_size && size < 0.85 * line_size
}

/// Digits and signs written as superscript characters (`10²⁵`, `advancement.¹`), so a
/// footnote mark does not read as a number of the text; `None` for anything else.
fn superscript(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        out.push(superscript_char(c)?);
    }
    (!out.is_empty()).then_some(out)
}

fn superscript_char(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        '+' => '⁺',
        '-' | '\u{2212}' => '⁻',
        _ => return None,
    })
}

/// Appends glyph text with ligatures expanded and control characters dropped.
fn push_clean(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            '\u{a0}' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Reorders a page whose stream alternates between a left and a right column line by
/// line (some word processors write a two-column page row by row): when most consecutive
/// pairs of lines sit on one baseline with the second starting right of where the first
/// ends, the page is read as the left lines, then the right lines. Anything else is
/// returned untouched.
pub fn untangle_columns(lines: Vec<Line>) -> Vec<Line> {
    if lines.len() < 8 {
        return lines;
    }
    let paired = lines
        .windows(2)
        .filter(|w| {
            (w[0].y - w[1].y).abs() < 0.2 * w[0].size && w[1].x0 > w[0].x1 + 1.5 * w[0].size
        })
        .count();
    // Every pair counts once in the windows of an interleaved page: about half of them.
    if paired * 3 < lines.len() {
        return lines;
    }
    let xs: Vec<f32> = lines.iter().map(|l| l.x0).collect();
    let split = {
        let mut v = xs.clone();
        v.sort_by(f32::total_cmp);
        // The widest gap between left edges separates the columns.
        let mut best = (0f32, v[0]);
        for w in v.windows(2) {
            if w[1] - w[0] > best.0 {
                best = (w[1] - w[0], (w[0] + w[1]) / 2.0);
            }
        }
        best.1
    };
    let (left, right): (Vec<Line>, Vec<Line>) = lines.into_iter().partition(|l| l.x0 < split);
    left.into_iter().chain(right).collect()
}

/// Drops a line holding only a page number (`12`, `- 12 -`, `xiv`, `Page 3`, `3 of 9`)
/// when it is the page's first or last line in stream order and the highest or lowest on
/// the page:
/// producers print page numbers in headers and footers, and they are not document text.
pub fn drop_page_number(lines: &mut Vec<Line>) {
    if lines.len() < 2 {
        return;
    }
    // Compared with lines of the same direction: a landscape page's number is upright
    // while its body is rotated.
    // Footers may be drawn before the body (ReportLab's page templates), so the first and
    // the last line in stream order are candidates, at either edge.
    let extreme = |l: &Line| {
        let same = || lines.iter().filter(|o| o.dir == l.dir);
        same().all(|o| o.y <= l.y) || same().all(|o| o.y >= l.y)
    };
    let last = lines.len() - 1;
    if is_page_number(&lines[last].text) && extreme(&lines[last]) {
        lines.pop();
    } else if is_page_number(&lines[0].text) && extreme(&lines[0]) {
        lines.remove(0);
    }
}

fn is_page_number(s: &str) -> bool {
    let t = s
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let t = t
        .strip_prefix("Page ")
        .or_else(|| t.strip_prefix("page "))
        .unwrap_or(t);
    let first = t.split([' ', '/']).next().unwrap_or("");
    let rest_ok = {
        let rest: Vec<&str> = t.split_whitespace().collect();
        match rest.as_slice() {
            [_] => true,
            [_, "of", n] | [_, "/", n] => n.chars().all(|c| c.is_ascii_digit()),
            _ => t.split('/').count() == 2 && t.chars().all(|c| c.is_ascii_digit() || c == '/'),
        }
    };
    // Three digits at most: a year alone on a cover's last line (`2024`) is not a page number.
    let numeric =
        !first.is_empty() && first.len() <= 3 && first.chars().all(|c| c.is_ascii_digit());
    let roman = !first.is_empty()
        && first.len() <= 6
        && first.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l'));
    rest_ok && (numeric || roman)
}

/// How to read a hyphen at the end of a line.
pub struct Hyphenation {
    /// The producer breaks words with hyphens of its own (TeX, groff, typesetters); if
    /// not (browsers, office suites by default), a line-end hyphen is part of the word.
    pub producer_hyphenates: bool,
    /// Lower-cased words of the whole document, to decide `cross-border` vs `crossborder`
    /// by what the document writes elsewhere.
    pub vocabulary: HashSet<String>,
    /// Lower-cased words the document writes inside a line (not last on it, or in a cell
    /// of it): words of their own, not pieces left by a break inside a word.
    pub inner: HashSet<String>,
}

impl Hyphenation {
    /// Collects the vocabulary of all pages.
    pub fn new(producer_hyphenates: bool, pages: &[Vec<Line>]) -> Self {
        let mut vocabulary = HashSet::new();
        let mut inner = HashSet::new();
        for l in pages.iter().flatten() {
            for w in l.text.split_whitespace() {
                let w = word_core(w);
                if w.chars().count() > 2 {
                    vocabulary.insert(w.to_lowercase());
                }
            }
            for part in l.text.split('\t') {
                let words: Vec<&str> = part.split_whitespace().collect();
                for w in words.iter().rev().skip(1) {
                    let w = word_core(w);
                    if !w.is_empty() {
                        inner.insert(w.to_lowercase());
                    }
                }
            }
        }
        Hyphenation {
            producer_hyphenates,
            vocabulary,
            inner,
        }
    }

    /// Whether `before` (last word of a line) and `after` (first word of the next) are
    /// one word broken without a hyphen, as browsers break a word too long for a narrow
    /// table cell: the document writes the joined word elsewhere and never the first
    /// piece as a word of its own. A capital after the break starts a word (`Co` `Ltd`).
    fn joins_broken_word(&self, before: &str, after: &str) -> bool {
        let ends_in_letter = before.chars().next_back().is_some_and(char::is_alphabetic);
        let continues = after.chars().next().is_some_and(char::is_lowercase);
        if !ends_in_letter || !continues {
            return false;
        }
        // In a compound the break falls in its last part: `Information-Tec` `hnology`.
        let core = word_core(before).to_lowercase();
        let piece = core.rsplit('-').next().unwrap_or(&core);
        if piece.is_empty() || self.inner.contains(piece) || self.inner.contains(&core) {
            return false;
        }
        let joined = word_core(&format!("{piece}{after}")).to_lowercase();
        self.vocabulary.contains(&joined)
    }

    /// Whether `stem-` + `rest` is one word split by the typesetter (drop the hyphen).
    fn drops_hyphen(&self, stem: &str, rest: &str) -> bool {
        if !self.producer_hyphenates {
            return false;
        }
        let stem_word = stem
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or(stem);
        let hyphened = word_core(&format!("{stem_word}-{rest}")).to_lowercase();
        if self.vocabulary.contains(&hyphened) {
            return false;
        }
        // Neither form elsewhere: a typesetter's break is far more common than a compound.
        true
    }
}

/// A word without the punctuation around it.
fn word_core(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Joins lines with `\n`: rejoins words split at a line end and writes list bullets as
/// `- `.
pub fn join(lines: &[Line], hy: &Hyphenation) -> String {
    let mut texts = Vec::with_capacity(lines.len());
    let mut i = 0;
    for (rows, text) in table_rows(lines, hy) {
        texts.extend(
            lines[i..rows.start]
                .iter()
                .map(|l| l.text.trim().to_string()),
        );
        texts.push(text);
        i = rows.end;
    }
    texts.extend(lines[i..].iter().map(|l| l.text.trim().to_string()));
    for i in 0..texts.len().saturating_sub(1) {
        let Some(stem_len) = hyphen_stem(&texts[i]).map(str::len) else {
            continue;
        };
        let next = &texts[i + 1];
        if !next.chars().next().is_some_and(|c| c.is_lowercase()) {
            continue;
        }
        // Move the rest of the word up: `inter-` + `national ...` → `international`,
        // `red-` + `teaming` → `red-teaming`.
        let word_end = next.find(char::is_whitespace).unwrap_or(next.len());
        let word = next[..word_end].to_string();
        let rest = next[word_end..].trim_start().to_string();
        let soft = texts[i].ends_with('\u{ad}');
        if soft || hy.drops_hyphen(&texts[i][..stem_len], &word) {
            texts[i].truncate(stem_len);
        }
        texts[i].push_str(&word);
        texts[i + 1] = rest;
    }
    let mut out = String::new();
    for t in texts.iter().filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        push_line(&mut out, t);
    }
    out
}

/// Line spacing, in font sizes, up to which a line right under another continues its
/// table cell (or paragraph).
const CELL_LEADING: f32 = 1.8;

/// A run of lines written one under another (a table cell, or a paragraph): `lines` of
/// the page, the horizontal extent, and the top and bottom of the text.
struct Block {
    lines: std::ops::Range<usize>,
    x0: f32,
    x1: f32,
    top: f32,
    bottom: f32,
}

fn blocks(lines: &[Line]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(b) = out.last_mut() {
            let prev = &lines[i - 1];
            let drop = prev.y - l.y;
            let size = prev.size.max(l.size);
            if l.dir == prev.dir
                && drop > 0.3 * size
                && drop <= CELL_LEADING * size
                && l.x0 < b.x1
                && l.x1 > b.x0
            {
                b.lines.end = i + 1;
                b.x0 = b.x0.min(l.x0);
                b.x1 = b.x1.max(l.x1);
                b.bottom = b.bottom.min(l.y - 0.25 * l.size);
                continue;
            }
        }
        out.push(Block {
            lines: i..i + 1,
            x0: l.x0,
            x1: l.x1,
            top: l.y + 0.8 * l.size,
            bottom: l.y - 0.25 * l.size,
        });
    }
    out
}

/// One cell of a table row: where it starts and ends across the page, and its text.
struct Cell {
    x0: f32,
    x1: f32,
    text: String,
    /// Word breaks on the cell's first line: byte offset in `text`, start of the next word.
    breaks: Vec<(usize, f32)>,
}

/// The cells of a block: its first line's TAB-separated parts (cells on one baseline),
/// the lines under it continuing the last of them.
fn block_cells(lines: &[Line], b: &Block, hy: &Hyphenation) -> Vec<Cell> {
    let first = &lines[b.lines.start];
    let parts: Vec<&str> = first.text.split('\t').collect();
    let mut cells: Vec<Cell> = if parts.len() == first.cells.len() {
        let mut from = 0;
        parts
            .iter()
            .zip(&first.cells)
            .map(|(t, &(x0, x1))| {
                let cell = cell_of(t, from, &first.breaks, x0, x1);
                from += t.len() + 1;
                cell
            })
            .collect()
    } else {
        vec![Cell {
            x0: first.x0,
            x1: first.x1,
            text: first.text.replace('\t', " ").trim().to_string(),
            breaks: Vec::new(),
        }]
    };
    if let Some(last) = cells.last_mut() {
        for l in &lines[b.lines.start + 1..b.lines.end] {
            last.x1 = last.x1.max(l.x1);
            glue(&mut last.text, l.text.replace('\t', " ").trim(), hy);
        }
    }
    cells.retain(|c| !c.text.is_empty());
    cells
}

/// A cell from the part `t` of a line starting at byte `from`, with the line's word
/// breaks that fall inside it (only those still after a space: a glyph written into a
/// break later may have moved them).
fn cell_of(t: &str, from: usize, breaks: &[(usize, f32)], x0: f32, x1: f32) -> Cell {
    let lead = t.len() - t.trim_start().len();
    let text = t.trim();
    let breaks = breaks
        .iter()
        .filter(|&&(at, _)| at > from + lead && at < from + lead + text.len())
        .map(|&(at, x)| (at - from - lead, x))
        .filter(|&(at, _)| text.is_char_boundary(at) && text[..at].ends_with(' '))
        .collect();
    Cell {
        x0,
        x1,
        text: text.to_string(),
        breaks,
    }
}

/// Splits a cell at each word break that starts a word on one of `edges` (the left edges
/// of columns): cells on one baseline closer than a cell gap were read as one.
fn split_at_edges(c: Cell, edges: &[f32], size: f32) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut rest = c;
    while let Some(k) = rest.breaks.iter().position(|&(_, x)| {
        edges
            .iter()
            .any(|&e| (x - e).abs() <= 0.5 * size && e > rest.x0 + size)
    }) {
        let (at, x) = rest.breaks[k];
        let tail = Cell {
            x0: x,
            x1: rest.x1,
            text: rest.text[at..].to_string(),
            breaks: rest.breaks[k + 1..]
                .iter()
                .map(|&(b, bx)| (b.saturating_sub(at), bx))
                .collect(),
        };
        rest.text.truncate(at);
        rest.text.truncate(rest.text.trim_end().len());
        rest.x1 = x;
        rest.breaks.truncate(k);
        out.push(std::mem::replace(&mut rest, tail));
    }
    out.push(rest);
    out
}

/// Appends the next line of a cell: a word split by a line-end hyphen is rejoined, a
/// line that starts with closing punctuation, continues after a hyphen (`2023-`
/// `2027`, `Dual-` `Use`) or finishes a word broken without a hyphen (`Communica`
/// `tions`, see [`Hyphenation::joins_broken_word`]) is attached, anything else follows
/// a space.
fn glue(text: &mut String, next: &str, hy: &Hyphenation) {
    let starts = next.chars().next();
    if let Some(stem) = hyphen_stem(text).map(str::len)
        && starts.is_some_and(|c| c.is_lowercase())
    {
        let word_end = next.find(char::is_whitespace).unwrap_or(next.len());
        if text.ends_with('\u{ad}') || hy.drops_hyphen(&text[..stem], &next[..word_end]) {
            text.truncate(stem);
        }
    } else {
        let before = text.rsplit(char::is_whitespace).next().unwrap_or("");
        let after = next.split(char::is_whitespace).next().unwrap_or("");
        let attached = text.is_empty()
            || (text.ends_with('-') && starts.is_some_and(|c| c.is_alphanumeric()))
            || hy.joins_broken_word(before, after)
            || starts.is_some_and(|c| matches!(c, ')' | ']' | ',' | '.' | ';' | ':'));
        if !attached {
            text.push(' ');
        }
    }
    text.push_str(next);
}

/// Tables whose cells are written one after another, each wrapped over several lines
/// (browsers, office suites, ReportLab, LaTeX `p{}` columns), as one line per row with a
/// TAB between columns, like a table that fits on single lines: the line ranges of the
/// rows and their text, in page order.
///
/// A row is a run of blocks, each to the right of the one before and overlapping it
/// vertically, with three cells or more; a table is a run of such rows, at least one of
/// them wrapped. Its columns are where the cells of all rows overlap across the page, as
/// pdfplumber and tabula find them, so an empty cell keeps its place (a header row with
/// an empty corner starts with a TAB). Text is never reordered, only its breaks change.
fn table_rows(lines: &[Line], hy: &Hyphenation) -> Vec<(std::ops::Range<usize>, String)> {
    let blocks = blocks(lines);
    // Rows as ranges of blocks; `true` when made of several blocks (wrapped cells).
    let mut rows: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let (mut top, mut bottom) = (blocks[i].top, blocks[i].bottom);
        let mut j = i + 1;
        while j < blocks.len() {
            let (p, b) = (&blocks[j - 1], &blocks[j]);
            let l = &lines[b.lines.start];
            if l.dir != lines[p.lines.start].dir
                || b.x0 < p.x1 - 0.5 * l.size
                || b.bottom >= top
                || b.top <= bottom
            {
                break;
            }
            top = top.max(b.top);
            bottom = bottom.min(b.bottom);
            j += 1;
        }
        let cells: usize = blocks[i..j]
            .iter()
            .map(|b| lines[b.lines.start].text.matches('\t').count() + 1)
            .sum();
        if cells >= 3 {
            rows.push((i..j, j - i > 1));
        }
        i = j;
    }
    let mut out = Vec::new();
    let mut r = 0;
    while r < rows.len() {
        // A table: rows that follow one another with no other block between.
        let mut end = r + 1;
        while end < rows.len() && rows[end].0.start == rows[end - 1].0.end {
            end += 1;
        }
        let table = &rows[r..end];
        r = end;
        if !table.iter().any(|(_, wrapped)| *wrapped) {
            continue;
        }
        let row_cells: Vec<Vec<Cell>> = table
            .iter()
            .map(|(bs, _)| {
                blocks[bs.clone()]
                    .iter()
                    .flat_map(|b| block_cells(lines, b, hy))
                    .collect()
            })
            .collect();
        let size = lines[blocks[table[0].0.start].lines.start].size;
        let edges = edges(&row_cells, size);
        let row_cells: Vec<Vec<Cell>> = row_cells
            .into_iter()
            .map(|cells| {
                cells
                    .into_iter()
                    .flat_map(|c| split_at_edges(c, &edges, size))
                    .collect()
            })
            .collect();
        let columns = columns(row_cells.iter().flatten());
        for ((bs, _), cells) in table.iter().zip(row_cells) {
            let line_range = blocks[bs.start].lines.start..blocks[bs.end - 1].lines.end;
            let text = if columns.len() >= 3 {
                let mut slots = vec![String::new(); columns.len()];
                for c in cells {
                    let k = columns.iter().rposition(|&x| x <= c.x0).unwrap_or(0);
                    if !slots[k].is_empty() {
                        slots[k].push(' ');
                    }
                    slots[k].push_str(&c.text);
                }
                slots.join("\t")
            } else {
                cells
                    .into_iter()
                    .map(|c| c.text)
                    .collect::<Vec<_>>()
                    .join("\t")
            };
            out.push((line_range, text));
        }
    }
    out
}

/// Left edges where cells of two rows or more start (within half a font size): where a
/// column starts when its cells are left-aligned.
fn edges(rows: &[Vec<Cell>], size: f32) -> Vec<f32> {
    let mut starts: Vec<(f32, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, cells)| cells.iter().map(move |c| (c.x0, r)))
        .collect();
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let mut j = i + 1;
        while j < starts.len() && starts[j].0 - starts[j - 1].0 <= 0.5 * size {
            j += 1;
        }
        let rows: HashSet<usize> = starts[i..j].iter().map(|s| s.1).collect();
        if rows.len() >= 2 {
            out.push(starts[i].0);
        }
        i = j;
    }
    out
}

/// Left edges of a table's columns: the cells' extents merged where they overlap.
fn columns<'a>(cells: impl Iterator<Item = &'a Cell>) -> Vec<f32> {
    let mut spans: Vec<(f32, f32)> = cells.map(|c| (c.x0, c.x1)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for (x0, x1) in spans {
        match merged.last_mut() {
            Some(m) if x0 < m.1 => m.1 = m.1.max(x1),
            _ => merged.push((x0, x1)),
        }
    }
    merged.into_iter().map(|m| m.0).collect()
}

/// List markers a line may start with; written as `- `.
const BULLETS: &[char] = &[
    '•', '◦', '▪', '▫', '‣', '⁃', '●', '○', '■', '□', '∙', '·', '–', '\u{f0b7}', '\u{f0a7}',
];

fn push_line(out: &mut String, t: &str) {
    let mut t = t;
    if let Some(c) = t.chars().next()
        && BULLETS.contains(&c)
        && t[c.len_utf8()..].starts_with(char::is_whitespace)
    {
        out.push('-');
        t = &t[c.len_utf8()..];
    }
    out.extend(t.chars().filter(|&c| c != '\u{ad}'));
}

/// The line without its final hyphen, when it ends in a letter and a hyphen.
fn hyphen_stem(text: &str) -> Option<&str> {
    let stem = text
        .strip_suffix('-')
        .or_else(|| text.strip_suffix('\u{ad}'))
        .or_else(|| text.strip_suffix('\u{2010}'))?;
    stem.chars()
        .next_back()
        .is_some_and(|c| c.is_alphabetic())
        .then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f32, x0: f32) -> Line {
        Line {
            text: text.into(),
            y,
            x0,
            x1: x0 + 100.0,
            size: 10.0,
            dir: 0,
            cells: vec![(x0, x0 + 100.0)],
            breaks: Vec::new(),
        }
    }

    fn hy(hyphenates: bool, words: &[&str]) -> Hyphenation {
        Hyphenation {
            producer_hyphenates: hyphenates,
            vocabulary: words.iter().map(|w| w.to_string()).collect(),
            inner: HashSet::new(),
        }
    }

    #[test]
    fn line_end_hyphen_rejoins_before_a_lowercase_letter_only() {
        let l = [
            line("the inter-", 100.0, 0.0),
            line("national network and Anglo-", 88.0, 0.0),
            line("American ties", 76.0, 0.0),
        ];
        assert_eq!(
            join(&l, &hy(true, &[])),
            "the international\nnetwork and Anglo-\nAmerican ties"
        );
    }

    #[test]
    fn line_end_hyphen_stays_when_the_document_or_producer_says_so() {
        let l = [line("cross-", 100.0, 0.0), line("border work", 88.0, 0.0)];
        assert_eq!(join(&l, &hy(true, &["cross-border"])), "cross-border\nwork");
        assert_eq!(join(&l, &hy(false, &[])), "cross-border\nwork");
        assert_eq!(join(&l, &hy(true, &[])), "crossborder\nwork");
    }

    #[test]
    fn bullets_are_written_as_dashes() {
        let l = [
            line("• the Network\u{2019}s members", 100.0, 0.0),
            line("•x", 90.0, 0.0),
        ];
        assert_eq!(
            join(&l, &hy(true, &[])),
            "- the Network\u{2019}s members\n•x"
        );
    }

    #[test]
    fn lone_page_number_at_the_bottom_is_dropped() {
        let mut l = vec![line("Text", 700.0, 0.0), line("12", 40.0, 300.0)];
        drop_page_number(&mut l);
        assert_eq!(l.len(), 1);
        let mut l = vec![line("Text", 700.0, 0.0), line("in 2024", 40.0, 300.0)];
        drop_page_number(&mut l);
        assert_eq!(l.len(), 2);
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("Page 3 of 10"));
        assert!(is_page_number("xiv"));
        assert!(!is_page_number("2024 budget"));
        assert!(!is_page_number("2024"));
    }

    #[test]
    fn interleaved_columns_are_read_left_then_right() {
        let mut l = Vec::new();
        for k in 0..6 {
            let y = 700.0 - 12.0 * k as f32;
            l.push(Line {
                text: format!("L{k}"),
                y,
                x0: 50.0,
                x1: 250.0,
                size: 10.0,
                dir: 0,
                cells: vec![(50.0, 250.0)],
                breaks: Vec::new(),
            });
            l.push(Line {
                text: format!("R{k}"),
                y,
                x0: 300.0,
                x1: 500.0,
                size: 10.0,
                dir: 0,
                cells: vec![(300.0, 500.0)],
                breaks: Vec::new(),
            });
        }
        let order: Vec<String> = untangle_columns(l).into_iter().map(|l| l.text).collect();
        assert_eq!(order[..3], ["L0", "L1", "L2"]);
        assert_eq!(order[6], "R0");
    }

    #[test]
    fn superscript_digits_are_written_as_superscripts() {
        assert_eq!(superscript("25").as_deref(), Some("²⁵"));
        assert_eq!(superscript("a1"), None);
        assert!(is_raised(104.0, 7.0, 100.0, 10.0));
        assert!(!is_raised(100.5, 10.0, 100.0, 10.0));
    }

    fn page(glyphs: &[(&str, f32, f32)]) -> PageGlyphs {
        let mut p = PageGlyphs::default();
        for &(t, x, w) in glyphs {
            let start = p.text.len() as u32;
            p.text.push_str(t);
            p.glyphs.push(Glyph {
                x,
                y: 100.0,
                w,
                size: 10.0,
                dir: 0,
                start,
                len: t.len() as u16,
            });
        }
        p
    }

    /// A line at `y` from `x0`, its TAB-separated parts 40 units apart, each 30 wide.
    fn cell_line(text: &str, y: f32, x0: f32) -> Line {
        let cells: Vec<(f32, f32)> = (0..text.split('\t').count())
            .map(|k| (x0 + 40.0 * k as f32, x0 + 40.0 * k as f32 + 30.0))
            .collect();
        Line {
            text: text.into(),
            y,
            x0,
            x1: cells.last().map_or(x0, |c| c.1),
            size: 10.0,
            dir: 0,
            cells,
            breaks: Vec::new(),
        }
    }

    #[test]
    fn wrapped_table_cells_written_one_after_another_become_one_row_per_line() {
        // Header row: empty corner, then "United States" wrapped, "Singapore", "Canada";
        // body row: label, a wrapped amount, nothing under Singapore, a wrapped amount.
        let l = [
            cell_line("Intro", 300.0, 0.0),
            cell_line("United", 205.0, 40.0),
            cell_line("States", 193.0, 40.0),
            cell_line("Singapore\tCanada", 199.0, 80.0),
            cell_line("Funding", 150.0, 0.0),
            cell_line("$1", 155.0, 40.0),
            cell_line("million", 143.0, 40.0),
            cell_line("C$2", 155.0, 120.0),
            cell_line("million)", 143.0, 120.0),
            cell_line("After the table.", 100.0, 0.0),
        ];
        assert_eq!(
            join(&l, &hy(false, &[])),
            "Intro\n\tUnited States\tSingapore\tCanada\nFunding\t$1 million\t\tC$2 million)\nAfter the table."
        );
    }

    /// A table row whose second cell wraps from `first` to `second`, then a line of prose;
    /// the joined row and the vocabulary the document gives.
    fn wrapped_cell_row(first: &str, second: &str, prose: &str) -> String {
        let l = [
            cell_line("Body", 205.0, 0.0),
            cell_line(first, 205.0, 40.0),
            cell_line(second, 193.0, 40.0),
            cell_line("Korea\tCanada", 199.0, 80.0),
            line(prose, 100.0, 0.0),
        ];
        let hy = Hyphenation::new(false, &[l.to_vec()]);
        join(&l, &hy)
    }

    #[test]
    fn a_word_broken_without_hyphen_in_a_cell_joins_when_the_document_writes_it_whole() {
        assert_eq!(
            wrapped_cell_row("Communica", "tions", "Its communications office."),
            "Body\tCommunications\tKorea\tCanada\nIts communications office."
        );
        assert_eq!(
            wrapped_cell_row("(Information-Tec", "hnology)", "A technology agency."),
            "Body\t(Information-Technology)\tKorea\tCanada\nA technology agency."
        );
    }

    #[test]
    fn a_cell_break_after_a_word_of_the_document_stays_a_space() {
        assert_eq!(
            wrapped_cell_row("data", "sets", "The datasets and data of the institute."),
            "Body\tdata sets\tKorea\tCanada\nThe datasets and data of the institute."
        );
    }

    #[test]
    fn a_cell_break_before_a_capital_or_an_unknown_word_stays_a_space() {
        assert_eq!(
            wrapped_cell_row("Tele", "Communications", "Its telecommunications office."),
            "Body\tTele Communications\tKorea\tCanada\nIts telecommunications office."
        );
        assert_eq!(
            wrapped_cell_row("Communica", "tions", "No other word here."),
            "Body\tCommunica tions\tKorea\tCanada\nNo other word here."
        );
    }

    #[test]
    fn a_row_label_read_together_with_its_first_cell_is_split_at_the_column_edge() {
        // "Staff 20" on one baseline closer than a cell gap; other rows start a cell at 40.
        let mut staff = cell_line("Staff 20", 150.0, 0.0);
        staff.breaks = vec![(6, 40.0)];
        staff.x1 = 50.0;
        staff.cells = vec![(0.0, 50.0)];
        let l = [
            cell_line("Name\tUS\tSG\tKR", 205.0, 0.0),
            staff,
            cell_line("30", 150.0, 80.0),
            cell_line("staff", 138.0, 80.0),
            cell_line("planned", 150.0, 120.0),
            cell_line("Budget\t$1\t$2\t$3", 100.0, 0.0),
        ];
        assert_eq!(
            join(&l, &hy(false, &[])),
            "Name\tUS\tSG\tKR\nStaff\t20\t30 staff\tplanned\nBudget\t$1\t$2\t$3"
        );
    }

    #[test]
    fn paragraphs_side_by_side_are_not_a_table() {
        // Two columns of text: each column is a block, and two blocks are no row.
        let l = [
            cell_line("left one", 200.0, 0.0),
            cell_line("left two", 188.0, 0.0),
            cell_line("right one", 200.0, 100.0),
            cell_line("right two", 188.0, 100.0),
        ];
        assert_eq!(
            join(&l, &hy(false, &[])),
            "left one\nleft two\nright one\nright two"
        );
    }

    #[test]
    fn a_glyph_drawn_late_into_a_gap_goes_where_it_is_drawn() {
        // "(" then a kerned gap, "10", and the currency sign drawn last into the gap.
        let p = page(&[
            ("(", 0.0, 4.0),
            ("1", 11.0, 5.0),
            ("0", 16.0, 5.0),
            ("₩", 4.0, 7.0),
        ]);
        let texts: Vec<String> = lines(&p).into_iter().map(|l| l.text).collect();
        assert_eq!(texts, ["(₩10"]);
        // Into a wider gap it keeps the word breaks around it.
        let p = page(&[("a", 0.0, 5.0), ("b", 30.0, 5.0), ("x", 15.0, 5.0)]);
        let texts: Vec<String> = lines(&p).into_iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a x b"]);
        // A glyph that steps back over drawn text still starts a line of its own.
        let p = page(&[("a", 0.0, 5.0), ("b", 8.0, 5.0), ("c", 1.0, 5.0)]);
        let texts: Vec<String> = lines(&p).into_iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a b", "c"]);
    }

    #[test]
    fn spacing_accents_combine_with_the_letter_under_them() {
        // TeX draws the accent first, then the letter under it.
        let p = page(&[
            ("B", 0.0, 7.0),
            ("\u{b4}", 8.0, 5.0),
            ("e", 7.0, 5.0),
            ("z", 12.0, 4.0),
        ]);
        assert_eq!(lines(&p)[0].text, "Bez".replace('e', "\u{e9}"));
        // An accent standing alone keeps its spacing form.
        let p = page(&[("a", 0.0, 5.0), ("\u{b4}", 20.0, 5.0), ("b", 40.0, 5.0)]);
        let t = &lines(&p)[0].text;
        assert!(t.starts_with('a') && t.ends_with("\u{b4}b"), "{t}");
    }

    #[test]
    fn word_breaks_come_from_gaps_and_space_glyphs() {
        let p = page(&[
            ("a", 0.0, 5.0),
            ("b", 5.2, 5.0),
            ("c", 13.0, 5.0),
            (" ", 18.0, 2.5),
            ("d", 20.5, 5.0),
        ]);
        assert_eq!(lines(&p)[0].text, "ab c d");
        let p = page(&[("a", 0.0, 5.0), ("b", 40.0, 5.0)]);
        assert_eq!(lines(&p)[0].text, "a\tb");
    }

    #[test]
    fn ligatures_become_letters() {
        let mut s = String::new();
        push_clean(&mut s, "\u{fb01}rst e\u{fb00}ort\u{c}");
        assert_eq!(s, "first effort");
    }
}
