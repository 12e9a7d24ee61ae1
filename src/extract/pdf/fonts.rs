//! Fonts: from a font dictionary to "these bytes are these characters with these widths".
//!
//! Simple fonts (Type1, TrueType, Type3, MMType1) map one byte to a glyph: the text comes
//! from `/ToUnicode` when it maps the code, else from the encoding (a standard base
//! encoding, the font program's built-in encoding for an embedded Type 1, then
//! `/Differences`) through the glyph name. Composite fonts (Type0) split the string into
//! codes by the code-space ranges of their CMap (`Identity-H`: two bytes) and map codes
//! through `/ToUnicode`. Every path has a fallback: a code with no known text yields no
//! characters but still advances by its width, so a bad font never stops a page.
//!
//! Each font is decoded once per document ([`FontCache`], keyed by the dictionary's
//! identity), and decoding a string allocates nothing per glyph.

use super::cmap::{self, CMap};
use super::stream::{Budget, decode_small, resolve};
use super::tables;
use lopdf::{Dictionary, Document, Object};
use std::collections::HashMap;
use std::rc::Rc;

/// Font programs and CMaps larger than this are not read (a CMap is rarely over 1 MB).
const MAX_FONT_STREAM: usize = 8 << 20;

/// Width used when a font gives none: half an em, the average Latin advance.
const FALLBACK_WIDTH: f32 = 500.0;

pub struct Font {
    /// Text of each single-byte code, as (start, len) in `text`; simple fonts only.
    simple: Vec<(u32, u8)>,
    text: String,
    to_unicode: Option<CMap>,
    /// Composite fonts: the encoding CMap's code-space ranges, if it has any.
    encoding: Option<CMap>,
    composite: bool,
    /// The code is the Unicode value (predefined `Uni…-UCS2`/`UTF16` CMaps).
    code_is_unicode: bool,
    widths: Widths,
    /// Glyph space → text space (1/1000, or a Type 3 font's `/FontMatrix`).
    pub scale: f32,
}

enum Widths {
    Simple(Box<[f32; 256]>),
    /// Sorted, non-overlapping (first, last, width) from `/W`, plus `/DW`.
    Cid(Vec<(u32, u32, f32)>, f32),
}

/// One code of a shown string.
pub struct Code<'a> {
    pub text: &'a str,
    /// Advance in text space units per unit of font size.
    pub width: f32,
    /// A single-byte code 32: word spacing (`Tw`) applies to it.
    pub is_space_code: bool,
}

impl Font {
    /// Calls `f` for each code in `bytes`, in order.
    pub fn decode(&self, bytes: &[u8], scratch: &mut String, mut f: impl FnMut(Code<'_>)) {
        let mut i = 0;
        while i < bytes.len() {
            let n = if self.composite {
                self.code_len(&bytes[i..])
            } else {
                1
            };
            let end = (i + n).min(bytes.len());
            let code = bytes[i..end]
                .iter()
                .fold(0u32, |a, &b| (a << 8) | u32::from(b));
            i = end;
            scratch.clear();
            let text: &str = if self.composite {
                let mapped = self
                    .to_unicode
                    .as_ref()
                    .is_some_and(|m| m.write(code, scratch) && usable(scratch));
                if !mapped {
                    scratch.clear();
                    if self.code_is_unicode
                        && let Some(c) = char::from_u32(code)
                    {
                        scratch.push(c);
                    }
                }
                scratch
            } else {
                let (s, l) = self.simple[code as usize & 0xff];
                &self.text[s as usize..s as usize + l as usize]
            };
            let w = match &self.widths {
                Widths::Simple(w) => w[code as usize & 0xff],
                Widths::Cid(ranges, dw) => {
                    match ranges.binary_search_by(|&(lo, hi, _)| {
                        if hi < code {
                            std::cmp::Ordering::Less
                        } else if lo > code {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Equal
                        }
                    }) {
                        Ok(k) => ranges[k].2,
                        Err(_) => *dw,
                    }
                }
            };
            f(Code {
                text,
                width: w * self.scale,
                is_space_code: n == 1 && code == 32,
            });
        }
    }

    fn code_len(&self, bytes: &[u8]) -> usize {
        self.encoding
            .as_ref()
            .and_then(|m| m.code_len(bytes))
            .unwrap_or(2)
    }
}

/// Text from a ToUnicode map that is worth keeping: not empty and not only control codes
/// (some producers map every glyph to U+0000).
fn usable(s: &str) -> bool {
    s.chars().any(|c| !c.is_control() || c == '\t')
}

/// Fonts decoded so far in this document.
#[derive(Default)]
pub struct FontCache {
    fonts: HashMap<usize, Rc<Font>>,
}

impl FontCache {
    /// The font for `dict`, decoded on first use.
    pub fn get(&mut self, doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Rc<Font> {
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return f.clone();
        }
        let f = Rc::new(load(doc, dict, budget));
        self.fonts.insert(key, f.clone());
        f
    }
}

fn dict_of<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, o)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, d.get(key).ok()?)
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn load(doc: &Document, dict: &Dictionary, budget: &mut Budget) -> Font {
    let subtype = name(doc, dict, b"Subtype").unwrap_or(b"Type1");
    let to_unicode = match get(doc, dict, b"ToUnicode") {
        Some(Object::Stream(s)) => {
            decode_small(s, MAX_FONT_STREAM, budget).map(|d| cmap::parse(&d))
        }
        _ => None,
    }
    .filter(|m| !m.is_empty());
    if subtype == b"Type0" {
        load_composite(doc, dict, to_unicode, budget)
    } else {
        load_simple(doc, dict, subtype, to_unicode, budget)
    }
}

fn load_composite(
    doc: &Document,
    dict: &Dictionary,
    to_unicode: Option<CMap>,
    budget: &mut Budget,
) -> Font {
    let (encoding, code_is_unicode) = match get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => {
            let n = String::from_utf8_lossy(n);
            (None, n.contains("UCS2") || n.contains("UTF16"))
        }
        Some(Object::Stream(s)) => (
            decode_small(s, MAX_FONT_STREAM, budget)
                .map(|d| cmap::parse(&d))
                .filter(|m| !m.codespace.is_empty()),
            false,
        ),
        _ => (None, false),
    };
    let descendant = match get(doc, dict, b"DescendantFonts") {
        Some(Object::Array(a)) => a.first().and_then(|o| dict_of(doc, o)),
        _ => None,
    };
    let mut dw = 1000.0;
    let mut ranges = Vec::new();
    if let Some(d) = descendant {
        if let Some(w) = get(doc, d, b"DW").and_then(num) {
            dw = w;
        }
        if let Some(Object::Array(w)) = get(doc, d, b"W") {
            parse_cid_widths(doc, w, &mut ranges);
        }
    }
    Font {
        simple: Vec::new(),
        text: String::new(),
        to_unicode,
        encoding,
        composite: true,
        code_is_unicode,
        widths: Widths::Cid(ranges, dw),
        scale: 0.001,
    }
}

/// `/W [c [w1 w2 …] c_first c_last w …]` → sorted ranges; overlaps keep the first.
fn parse_cid_widths(doc: &Document, w: &[Object], out: &mut Vec<(u32, u32, f32)>) {
    let mut i = 0;
    let limit = 1 << 20;
    while i < w.len() && out.len() < limit {
        let Some(first) = resolve(doc, &w[i]).and_then(num) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| resolve(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(limit) {
                    if let Some(v) = resolve(doc, o).and_then(num) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, v));
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                let v = w
                    .get(i + 2)
                    .and_then(|o| resolve(doc, o))
                    .and_then(num)
                    .unwrap_or(1000.0);
                if last >= first {
                    out.push((first, last, v));
                }
                i += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|r| r.0);
    // Drop overlapping entries so that binary search is well defined.
    let mut end: Option<u32> = None;
    out.retain(|&(lo, hi, _)| {
        if end.is_some_and(|e| lo <= e) {
            return false;
        }
        end = Some(hi);
        true
    });
}

fn load_simple(
    doc: &Document,
    dict: &Dictionary,
    subtype: &[u8],
    to_unicode: Option<CMap>,
    budget: &mut Budget,
) -> Font {
    let base_font = name(doc, dict, b"BaseFont").unwrap_or(b"");
    let descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| match o {
        Object::Dictionary(d) => Some(d),
        _ => None,
    });
    let flags = descriptor
        .and_then(|d| get(doc, d, b"Flags"))
        .and_then(num)
        .unwrap_or(0.0) as u32;
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let is_symbol_font = base_font.ends_with(b"Symbol");

    // Glyph names per code: base encoding, then Differences.
    let mut names: Vec<Option<Vec<u8>>> = vec![None; 256];
    let mut base: &[u16; 256] = if is_symbol_font {
        &tables::SYMBOL
    } else if subtype == b"TrueType" {
        &tables::WIN_ANSI
    } else {
        &tables::STANDARD
    };
    let mut has_base_name = false;
    let enc = get(doc, dict, b"Encoding");
    let enc_name = match enc {
        Some(Object::Name(n)) => Some(n.as_slice()),
        Some(Object::Dictionary(d)) => name(doc, d, b"BaseEncoding"),
        _ => None,
    };
    if let Some(n) = enc_name {
        has_base_name = true;
        base = match n {
            b"WinAnsiEncoding" => &tables::WIN_ANSI,
            b"MacRomanEncoding" => &tables::MAC_ROMAN,
            b"StandardEncoding" => &tables::STANDARD,
            b"PDFDocEncoding" => &tables::PDF_DOC,
            _ => base,
        };
    }
    // An embedded Type 1 program without a named base encoding uses its own (TeX fonts).
    if !has_base_name
        && subtype != b"TrueType"
        && let Some(Object::Stream(s)) = descriptor.and_then(|d| get(doc, d, b"FontFile"))
        && let Some(data) = decode_small(s, MAX_FONT_STREAM, budget)
    {
        builtin_encoding(&data, &mut names);
    }
    if let Some(Object::Dictionary(d)) = enc
        && let Some(Object::Array(diffs)) = get(doc, d, b"Differences")
    {
        let mut code = 0usize;
        for o in diffs {
            match resolve(doc, o) {
                Some(Object::Integer(i)) => code = (*i).clamp(0, 256) as usize,
                Some(Object::Name(n)) => {
                    if code < 256 {
                        names[code] = Some(n.clone());
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }

    let mut text = String::new();
    let mut simple = vec![(0u32, 0u8); 256];
    let mut scratch = String::new();
    for code in 0..256usize {
        scratch.clear();
        let from_cmap = to_unicode
            .as_ref()
            .is_some_and(|m| m.write(code as u32, &mut scratch) && usable(&scratch));
        if !from_cmap {
            scratch.clear();
            let named = names[code]
                .as_deref()
                .is_some_and(|n| glyph_to_text(n, &mut scratch));
            if !named {
                scratch.clear();
                let u = base[code];
                if u != 0 {
                    if let Some(c) = char::from_u32(u32::from(u)) {
                        scratch.push(c);
                    }
                } else if symbolic && (32..127).contains(&code) && names[code].is_none() {
                    // A symbolic TrueType with no encoding usually keeps ASCII codes.
                    scratch.push(code as u8 as char);
                }
            }
        }
        // At most 255 bytes per code, cut at a character boundary.
        let cut = crate::utf8::floor_char(&scratch, 255);
        let start = text.len() as u32;
        text.push_str(&scratch[..cut]);
        simple[code] = (start, cut as u8);
    }

    let scale = if subtype == b"Type3" {
        match get(doc, dict, b"FontMatrix") {
            Some(Object::Array(m)) => m
                .first()
                .and_then(|o| resolve(doc, o))
                .and_then(num)
                .filter(|v| v.is_finite() && *v != 0.0)
                .map(|v| v.abs())
                .unwrap_or(0.001),
            _ => 0.001,
        }
    } else {
        0.001
    };
    let missing = descriptor
        .and_then(|d| get(doc, d, b"MissingWidth"))
        .and_then(num);
    let mut widths = Box::new([0f32; 256]);
    let first = get(doc, dict, b"FirstChar").and_then(num).unwrap_or(0.0) as i64;
    let mut have_widths = false;
    if let Some(Object::Array(w)) = get(doc, dict, b"Widths") {
        have_widths = true;
        let fill = missing.unwrap_or(0.0);
        widths.iter_mut().for_each(|x| *x = fill);
        for (k, o) in w.iter().enumerate() {
            let c = first + k as i64;
            if (0..256).contains(&c) {
                widths[c as usize] = resolve(doc, o).and_then(num).unwrap_or(fill);
            }
        }
    }
    if !have_widths {
        // Standard 14 fonts may omit widths; spacing then rests on positioning operators.
        let fill = missing.unwrap_or(FALLBACK_WIDTH / (scale * 1000.0));
        widths.iter_mut().for_each(|x| *x = fill);
        widths[32] = fill / 2.0;
    }
    Font {
        simple,
        text,
        to_unicode: None,
        encoding: None,
        composite: false,
        code_is_unicode: false,
        widths: Widths::Simple(widths),
        scale,
    }
}

/// Reads `dup <code> /<name> put` from the clear-text part of a Type 1 font program.
fn builtin_encoding(program: &[u8], names: &mut [Option<Vec<u8>>]) {
    // The encoding sits in the clear-text header, before `eexec`.
    let end = find(program, b"eexec").unwrap_or(program.len().min(64 << 10));
    let head = &program[..end];
    let Some(at) = find(head, b"/Encoding") else {
        return;
    };
    let mut words = head[at..]
        .split(|c| cmap::is_white(*c))
        .filter(|w| !w.is_empty());
    let mut prev: [&[u8]; 2] = [b"", b""];
    for w in words.by_ref() {
        if w == b"def" {
            break;
        }
        if prev[0] == b"dup"
            && let Some(code) = std::str::from_utf8(prev[1])
                .ok()
                .and_then(|s| s.parse::<usize>().ok())
            && let Some(n) = w.strip_prefix(b"/")
            && code < 256
        {
            names[code] = Some(n.to_vec());
        }
        prev = [prev[1], w];
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Appends the text of a glyph name (Adobe Glyph List, `uniXXXX`, `uXXXX[XX]`, `a_b`
/// ligature components, `.suffix` variants); false when the name says nothing.
pub fn glyph_to_text(name: &[u8], out: &mut String) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return false;
    }
    let before = out.len();
    for part in base.split('_') {
        component(part, out);
    }
    out.len() > before
}

fn component(n: &str, out: &mut String) {
    if let Ok(k) = tables::GLYPH_NAMES.binary_search_by(|(g, _)| g.as_bytes().cmp(n.as_bytes())) {
        if let Some(c) = char::from_u32(u32::from(tables::GLYPH_NAMES[k].1)) {
            out.push(c);
        }
        return;
    }
    if let Some(hex) = n.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let units: Vec<u16> = (0..hex.len() / 4)
            .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
            .collect();
        for c in char::decode_utf16(units) {
            out.push(c.unwrap_or('\u{fffd}'));
        }
        return;
    }
    if let Some(hex) = n.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && let Ok(v) = u32::from_str_radix(hex, 16)
        && let Some(c) = char::from_u32(v)
    {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(n: &str) -> String {
        let mut s = String::new();
        glyph_to_text(n.as_bytes(), &mut s);
        s
    }

    #[test]
    fn glyph_names_resolve_through_the_list_and_the_uni_forms() {
        assert_eq!(g("A"), "A");
        assert_eq!(g("quoteright"), "\u{2019}");
        assert_eq!(g("uni00660069"), "fi");
        assert_eq!(g("u1F600"), "\u{1F600}");
        assert_eq!(g("f_f_i"), "ffi");
        assert_eq!(g("a.sc"), "a");
        assert_eq!(g("g123"), "");
    }

    #[test]
    fn a_very_long_glyph_name_is_cut_at_a_character_boundary() {
        let long = vec!["uni00E9"; 200].join("_");
        let doc = Document::new();
        let mut dict = Dictionary::new();
        dict.set("Subtype", Object::Name(b"Type1".to_vec()));
        let mut enc = Dictionary::new();
        enc.set(
            "Differences",
            Object::Array(vec![Object::Integer(65), Object::Name(long.into_bytes())]),
        );
        dict.set("Encoding", Object::Dictionary(enc));
        let mut budget = Budget {
            per_stream: 1 << 20,
            doc_left: 1 << 20,
            capped: false,
        };
        let font = load(&doc, &dict, &mut budget);
        let mut got = String::new();
        font.decode(b"A", &mut String::new(), |c| got.push_str(c.text));
        assert_eq!(got.chars().count(), 127);
        assert!(got.chars().all(|c| c == '\u{e9}'));
    }

    #[test]
    fn type1_builtin_encoding_is_read_from_the_clear_text() {
        let prog = b"%!PS-AdobeFont-1.0\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 65 /A put\ndup 12 /fi put\nreadonly def\ncurrentfile eexec\x80\x81";
        let mut names = vec![None; 256];
        builtin_encoding(prog, &mut names);
        assert_eq!(names[65].as_deref(), Some(&b"A"[..]));
        assert_eq!(names[12].as_deref(), Some(&b"fi"[..]));
        assert_eq!(names[66], None);
    }

    #[test]
    fn cid_widths_take_both_forms() {
        let doc = Document::new();
        let w = vec![
            Object::Integer(3),
            Object::Array(vec![Object::Integer(250), Object::Integer(600)]),
            Object::Integer(10),
            Object::Integer(20),
            Object::Integer(500),
        ];
        let mut out = Vec::new();
        parse_cid_widths(&doc, &w, &mut out);
        assert_eq!(out, vec![(3, 3, 250.0), (4, 4, 600.0), (10, 20, 500.0)]);
    }
}
