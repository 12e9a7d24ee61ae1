//! CMaps: `/ToUnicode` maps (character code → text) and the code-space ranges of a
//! composite font's `/Encoding` CMap (how many bytes make one code).
//!
//! The parser is a tolerant token scanner, not a PostScript interpreter: it reads the
//! `bfchar`, `bfrange` and `codespacerange` sections and skips what it does not know. Odd
//! data never fails: an odd-length hex string is padded with 0 (ISO 32000 7.3.4.3), broken
//! UTF-16 becomes U+FFFD, a reversed or huge range is clipped, a truncated file keeps the
//! entries read so far.

use std::collections::HashMap;

/// At most this many codes per `bfrange`; a 4-byte range spanning billions is hostile.
const MAX_RANGE_SPAN: u32 = 0x1_0000;

#[derive(Default, Debug)]
pub struct CMap {
    /// code → (start, len) in `text`.
    single: HashMap<u32, (u32, u16)>,
    /// `bfrange` with one destination string whose last code unit is incremented.
    ranges: Vec<Range>,
    text: String,
    /// (bytes, low, high) from `codespacerange`.
    pub codespace: Vec<(u8, u32, u32)>,
}

#[derive(Debug)]
struct Range {
    lo: u32,
    hi: u32,
    dst: Vec<u16>,
}

impl CMap {
    pub fn is_empty(&self) -> bool {
        self.single.is_empty() && self.ranges.is_empty()
    }

    /// Appends the text of `code` to `out`; false when the map has no entry for it.
    pub fn write(&self, code: u32, out: &mut String) -> bool {
        if let Some(&(start, len)) = self.single.get(&code) {
            let s = start as usize;
            out.push_str(&self.text[s..s + len as usize]);
            return true;
        }
        // Later ranges override earlier ones, as later entries do in the file.
        if let Some(r) = self
            .ranges
            .iter()
            .rev()
            .find(|r| r.lo <= code && code <= r.hi)
        {
            let mut units: [u16; 8] = [0; 8];
            let n = r.dst.len().min(8);
            units[..n].copy_from_slice(&r.dst[..n]);
            if n > 0 {
                units[n - 1] = units[n - 1].wrapping_add((code - r.lo) as u16);
            }
            push_utf16(&units[..n], out);
            return true;
        }
        false
    }

    /// Bytes in the code that starts `bytes`, from the code-space ranges; `None` when the
    /// CMap declares none that match.
    pub fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        for n in 1..=4usize.min(bytes.len()) {
            let v = be(&bytes[..n]);
            if self
                .codespace
                .iter()
                .any(|&(len, lo, hi)| len as usize == n && lo <= v && v <= hi)
            {
                return Some(n);
            }
        }
        None
    }

    fn insert(&mut self, code: u32, units: &[u16]) {
        let start = self.text.len() as u32;
        push_utf16(units, &mut self.text);
        let len = (self.text.len() as u32 - start).min(u16::MAX as u32) as u16;
        self.single.insert(code, (start, len));
    }

    fn insert_str(&mut self, code: u32, s: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.single.insert(code, (start, s.len() as u16));
    }
}

fn push_utf16(units: &[u16], out: &mut String) {
    for c in char::decode_utf16(units.iter().copied()) {
        out.push(c.unwrap_or('\u{fffd}'));
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |a, &b| (a << 8) | u32::from(b))
}

#[derive(Debug, PartialEq)]
enum Tok<'a> {
    Hex(Vec<u8>),
    Name(&'a [u8]),
    Word(&'a [u8]),
    Open,
    Close,
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn next(&mut self) -> Option<Tok<'a>> {
        let b = self.b;
        loop {
            while self.i < b.len() && is_white(b[self.i]) {
                self.i += 1;
            }
            if self.i >= b.len() {
                return None;
            }
            if b[self.i] == b'%' {
                while self.i < b.len() && b[self.i] != b'\n' && b[self.i] != b'\r' {
                    self.i += 1;
                }
                continue;
            }
            break;
        }
        let c = b[self.i];
        match c {
            b'<' if b.get(self.i + 1) == Some(&b'<') => {
                self.i += 2;
                Some(Tok::Word(b"<<"))
            }
            b'<' => {
                self.i += 1;
                let mut out = Vec::new();
                let mut hi: Option<u8> = None;
                while self.i < b.len() && b[self.i] != b'>' {
                    if let Some(v) = hex_val(b[self.i]) {
                        match hi.take() {
                            Some(h) => out.push(h << 4 | v),
                            None => hi = Some(v),
                        }
                    }
                    self.i += 1;
                }
                self.i += 1;
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                Some(Tok::Hex(out))
            }
            b'[' => {
                self.i += 1;
                Some(Tok::Open)
            }
            b']' => {
                self.i += 1;
                Some(Tok::Close)
            }
            b'(' => {
                // Literal strings only appear in headers we ignore; skip with nesting.
                let mut depth = 0usize;
                while self.i < b.len() {
                    match b[self.i] {
                        b'\\' => self.i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                Some(Tok::Word(b"()"))
            }
            b'/' => {
                self.i += 1;
                let s = self.i;
                while self.i < b.len() && !is_white(b[self.i]) && !is_delim(b[self.i]) {
                    self.i += 1;
                }
                Some(Tok::Name(&b[s..self.i]))
            }
            _ => {
                let s = self.i;
                self.i += 1;
                while self.i < b.len() && !is_white(b[self.i]) && !is_delim(b[self.i]) {
                    self.i += 1;
                }
                Some(Tok::Word(&b[s..self.i]))
            }
        }
    }
}

pub fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

pub fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn units(bytes: &[u8]) -> Vec<u16> {
    let mut v: Vec<u16> = bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from(c[0])
            }
        })
        .collect();
    v.truncate(64);
    v
}

/// Parses a CMap; never fails, returns what it could read.
pub fn parse(data: &[u8]) -> CMap {
    let mut m = CMap::default();
    let mut sc = Scanner { b: data, i: 0 };
    let mut section: &[u8] = b"";
    let mut args: Vec<Tok> = Vec::new();
    let mut in_array: Option<Vec<Vec<u8>>> = None;
    while let Some(t) = sc.next() {
        match t {
            Tok::Word(w) if w.starts_with(b"begin") => {
                section = match w {
                    b"begincodespacerange" | b"beginbfchar" | b"beginbfrange" => w,
                    _ => b"",
                };
                args.clear();
            }
            Tok::Word(w) if w.starts_with(b"end") => {
                section = b"";
                args.clear();
                in_array = None;
            }
            Tok::Open if section == b"beginbfrange" => in_array = Some(Vec::new()),
            Tok::Close if section == b"beginbfrange" => {
                if let (Some(list), [Tok::Hex(lo), Tok::Hex(hi)]) = (in_array.take(), &args[..]) {
                    let (lo, hi) = (be(lo), be(hi));
                    for (k, dst) in list.iter().enumerate() {
                        let code = lo.saturating_add(k as u32);
                        if code > hi {
                            break;
                        }
                        m.insert(code, &units(dst));
                    }
                }
                args.clear();
            }
            Tok::Hex(h) if in_array.is_some() => {
                if let Some(a) = in_array.as_mut() {
                    a.push(h);
                }
            }
            t if !section.is_empty() => {
                args.push(t);
                match section {
                    b"begincodespacerange" => {
                        if let [Tok::Hex(lo), Tok::Hex(hi)] = &args[..] {
                            let n = lo.len().clamp(1, 4) as u8;
                            m.codespace.push((n, be(lo), be(hi)));
                            args.clear();
                        } else if args.len() >= 2 {
                            args.clear();
                        }
                    }
                    b"beginbfchar" if args.len() == 2 => {
                        match &args[..] {
                            [Tok::Hex(src), Tok::Hex(dst)] => m.insert(be(src), &units(dst)),
                            [Tok::Hex(src), Tok::Name(n)] => {
                                let mut s = String::new();
                                if super::fonts::glyph_to_text(n, &mut s) {
                                    m.insert_str(be(src), &s);
                                }
                            }
                            _ => {}
                        }
                        args.clear();
                    }
                    b"beginbfrange" if args.len() == 3 => {
                        if let [Tok::Hex(lo), Tok::Hex(hi), Tok::Hex(dst)] = &args[..] {
                            let (lo, hi) = (be(lo), be(hi));
                            if lo <= hi {
                                let hi = hi.min(lo.saturating_add(MAX_RANGE_SPAN - 1));
                                let dst = units(dst);
                                if lo == hi {
                                    m.insert(lo, &dst);
                                } else {
                                    m.ranges.push(Range { lo, hi, dst });
                                }
                            }
                        }
                        args.clear();
                    }
                    _ => {
                        if args.len() > 3 {
                            args.clear();
                        }
                    }
                }
            }
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(m: &CMap, code: u32) -> Option<String> {
        let mut s = String::new();
        m.write(code, &mut s).then_some(s)
    }

    #[test]
    fn bfchar_and_bfrange_map_codes_to_text() {
        let m = parse(
            b"/CIDInit /ProcSet findresource begin 1 begincodespacerange <0000> <FFFF> endcodespacerange
              2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar
              2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0078> <0079>] endbfrange end",
        );
        assert_eq!(text(&m, 3).as_deref(), Some(" "));
        assert_eq!(text(&m, 0x11).as_deref(), Some("fi"));
        assert_eq!(text(&m, 0x25).as_deref(), Some("B"));
        assert_eq!(text(&m, 0x31).as_deref(), Some("y"));
        assert_eq!(text(&m, 0x99), None);
        assert_eq!(m.code_len(&[0, 3]), Some(2));
    }

    #[test]
    fn odd_hex_lone_surrogates_and_truncation_are_tolerated() {
        let m = parse(b"2 beginbfchar <1> <D800> <02> <004");
        assert_eq!(text(&m, 0x10).as_deref(), Some("\u{fffd}"));
        // The second entry is cut off mid-way: whatever it holds, parsing must not fail.
        let _ = text(&m, 2);
    }

    #[test]
    fn huge_range_is_clipped() {
        let m = parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(text(&m, 5).is_some());
        assert!(text(&m, 0x2_0000).is_none());
    }
}
