//! The content-stream interpreter: runs a page's operators and emits positioned glyphs.
//!
//! It tracks what places text: the CTM (`cm`, `q`/`Q`), the text matrices (`BT`, `Tm`,
//! `Td`, `TD`, `T*`), the text state (`Tf`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`) and every
//! text-showing operator (`Tj`, `TJ`, `'`, `"`), and it descends into Form XObjects (`Do`)
//! with a recursion guard. Paths, colours and images are skipped; images are only
//! counted, to tell a scanned page from an empty one.
//!
//! The lexer reads the decoded stream in chunks ([`ContentReader`]), so memory stays
//! bounded however large the stream; it never fails on bad syntax, it skips the byte.

use super::super::{ExtractError, Limits};
use super::fonts::{Font, FontCache};
use super::stream::{Budget, ContentReader, resolve};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::rc::Rc;

/// Form XObjects nested deeper than this are not entered.
const MAX_FORM_DEPTH: usize = 12;
/// Bytes read from the decoder at a time.
const CHUNK: usize = 64 << 10;
/// One token (a string, an inline image) may not exceed this; the rest is skipped.
const MAX_TOKEN: usize = 16 << 20;
/// Operators between two deadline checks.
const CHECK_EVERY: u32 = 4096;

/// A glyph placed on the page, in device space (PDF user space after the CTM).
#[derive(Clone, Copy, Debug)]
pub struct Glyph {
    /// Origin on the baseline.
    pub x: f32,
    pub y: f32,
    /// Width of the glyph itself along the writing direction (device units, ≥ 0), without
    /// character or word spacing.
    pub w: f32,
    /// Font size in device units.
    pub size: f32,
    /// Writing direction in quarter turns counter-clockwise (0 = left to right).
    pub dir: u8,
    /// The glyph's text in [`PageGlyphs::text`]; empty for a code with no known text.
    pub start: u32,
    pub len: u16,
}

/// Everything a page's content produced.
#[derive(Default)]
pub struct PageGlyphs {
    pub glyphs: Vec<Glyph>,
    pub text: String,
    /// Image XObjects and inline images drawn.
    pub images: usize,
    /// Text-showing operators run (even those whose font yielded no text).
    pub shows: usize,
    /// Which drawing cap stopped the page early, if one did.
    pub capped: Option<Cap>,
}

/// A bound on drawing that cut a page short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    PageOps,
    DocOps,
    PageGlyphs,
    DocGlyphs,
    DocForms,
}

/// What the document may still draw: operators run and glyphs kept, over all its pages.
pub struct Drawing {
    pub ops_left: u64,
    pub glyphs_left: u64,
    pub forms_left: u64,
}

impl PageGlyphs {
    pub fn text_of(&self, g: &Glyph) -> &str {
        &self.text[g.start as usize..g.start as usize + g.len as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix([f32; 6]);

impl Matrix {
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply self, then other), as PDF concatenates.
    fn then(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn from_operands(v: &[f32]) -> Option<Matrix> {
        (v.len() == 6 && v.iter().all(|x| x.is_finite()))
            .then(|| Matrix([v[0], v[1], v[2], v[3], v[4], v[5]]))
    }
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

/// Where the page's fonts and XObjects are found.
struct Frame<'a> {
    resources: Option<&'a Dictionary>,
}

pub struct Interpreter<'a, 'c> {
    doc: &'a Document,
    fonts: &'c mut FontCache,
    budget: &'c mut Budget,
    drawing: &'c mut Drawing,
    limits: &'c Limits,
    out: PageGlyphs,
    state: State,
    stack: Vec<State>,
    tm: Matrix,
    tlm: Matrix,
    forms: Vec<ObjectId>,
    scratch: String,
    ops: u32,
}

impl<'a, 'c> Interpreter<'a, 'c> {
    pub fn new(
        doc: &'a Document,
        fonts: &'c mut FontCache,
        budget: &'c mut Budget,
        drawing: &'c mut Drawing,
        limits: &'c Limits,
    ) -> Self {
        Interpreter {
            doc,
            fonts,
            budget,
            drawing,
            limits,
            out: PageGlyphs::default(),
            state: State {
                ctm: Matrix::IDENTITY,
                font: None,
                size: 0.0,
                char_space: 0.0,
                word_space: 0.0,
                hscale: 1.0,
                leading: 0.0,
                rise: 0.0,
            },
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            forms: Vec::new(),
            scratch: String::new(),
            ops: 0,
        }
    }

    /// Runs a page's content streams with its resources.
    pub fn run_page(
        mut self,
        streams: Vec<&'a Stream>,
        resources: Option<&'a Dictionary>,
    ) -> Result<PageGlyphs, ExtractError> {
        let frame = Frame { resources };
        self.run(ContentReader::new(streams), &frame)?;
        Ok(self.out)
    }

    fn run(&mut self, mut src: ContentReader<'a>, frame: &Frame<'a>) -> Result<(), ExtractError> {
        let mut lx = Lexer {
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            relexed: 0,
        };
        let mut operands: Vec<Operand> = Vec::new();
        let mut arena: Vec<u8> = Vec::new();
        let depth_before = self.stack.len();
        loop {
            if lx.needs_fill() {
                lx.fill(&mut src, self.budget);
            }
            let Some(tok) = lx.next(&mut src, self.budget, &mut arena) else {
                break;
            };
            match tok {
                Operand::Op(s, e) => {
                    if let Some(cap) = self.ops_capped() {
                        // The rest of the page (and of every form it is inside) is not run.
                        self.out.capped.get_or_insert(cap);
                        break;
                    }
                    self.ops += 1;
                    self.drawing.ops_left -= 1;
                    if self.ops.is_multiple_of(CHECK_EVERY) && self.limits.expired() {
                        // The caller knows how long the document has run.
                        return Err(ExtractError::Timeout(0));
                    }
                    let op: [u8; 3] = {
                        let b = &arena[s as usize..e as usize];
                        let mut k = [0u8; 3];
                        if b.len() <= 3 {
                            k[..b.len()].copy_from_slice(b);
                        }
                        k
                    };
                    if &op == b"ID\0" {
                        lx.skip_inline_image(&mut src, self.budget);
                        self.out.images += 1;
                    } else {
                        self.op(&op, &operands, &arena, frame)?;
                    }
                    operands.clear();
                    arena.clear();
                }
                t => {
                    if operands.len() > 100_000 {
                        operands.clear();
                        arena.clear();
                    }
                    operands.push(t);
                }
            }
        }
        // An unbalanced q in a form must not leak its state to the caller.
        self.stack.truncate(depth_before);
        Ok(())
    }

    /// The cap on operators that is reached, if one is.
    fn ops_capped(&self) -> Option<Cap> {
        if let Some(cap) = self.out.capped {
            // Whatever cut the page short (glyphs, forms) ends its drawing too.
            Some(cap)
        } else if self.drawing.ops_left == 0 {
            Some(Cap::DocOps)
        } else if u64::from(self.ops) >= self.limits.max_page_ops {
            Some(Cap::PageOps)
        } else {
            None
        }
    }

    fn op(
        &mut self,
        op: &[u8; 3],
        args: &[Operand],
        arena: &[u8],
        frame: &Frame<'a>,
    ) -> Result<(), ExtractError> {
        let nums = |n: usize| -> Option<[f32; 6]> {
            if args.len() < n {
                return None;
            }
            let mut v = [0f32; 6];
            for (k, a) in args[args.len() - n..].iter().enumerate() {
                match a {
                    Operand::Num(x) if x.is_finite() => v[k] = *x,
                    _ => return None,
                }
            }
            Some(v)
        };
        match op {
            // Nesting past 256 is not real content; the state is simply not saved.
            b"q\0\0" if self.stack.len() < 256 => self.stack.push(self.state.clone()),
            b"Q\0\0" => {
                if let Some(s) = self.stack.pop() {
                    self.state = s;
                }
            }
            b"cm\0" => {
                if let Some(m) = nums(6).and_then(|v| Matrix::from_operands(&v)) {
                    self.state.ctm = m.then(&self.state.ctm);
                }
            }
            b"BT\0" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            b"Tf\0" => {
                if let (Some(Operand::Name(s, e)), Some(Operand::Num(size))) =
                    (args.len().checked_sub(2).map(|i| &args[i]), args.last())
                {
                    self.state.size = *size;
                    self.state.font = self.font(frame, &arena[*s as usize..*e as usize]);
                }
            }
            b"Tc\0" => {
                if let Some(v) = nums(1) {
                    self.state.char_space = v[0];
                }
            }
            b"Tw\0" => {
                if let Some(v) = nums(1) {
                    self.state.word_space = v[0];
                }
            }
            b"Tz\0" => {
                if let Some(v) = nums(1) {
                    self.state.hscale = v[0] / 100.0;
                }
            }
            b"TL\0" => {
                if let Some(v) = nums(1) {
                    self.state.leading = v[0];
                }
            }
            b"Ts\0" => {
                if let Some(v) = nums(1) {
                    self.state.rise = v[0];
                }
            }
            b"Td\0" => {
                if let Some(v) = nums(2) {
                    self.next_line(v[0], v[1]);
                }
            }
            b"TD\0" => {
                if let Some(v) = nums(2) {
                    self.state.leading = -v[1];
                    self.next_line(v[0], v[1]);
                }
            }
            b"Tm\0" => {
                if let Some(m) = nums(6).and_then(|v| Matrix::from_operands(&v)) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*\0" => self.next_line(0.0, -self.state.leading),
            b"Tj\0" => {
                if let Some(Operand::Str(s, e)) = args.last() {
                    self.show(&arena[*s as usize..*e as usize]);
                }
            }
            b"'\0\0" => {
                self.next_line(0.0, -self.state.leading);
                if let Some(Operand::Str(s, e)) = args.last() {
                    self.show(&arena[*s as usize..*e as usize]);
                }
            }
            b"\"\0\0" => {
                if let [.., Operand::Num(aw), Operand::Num(ac), Operand::Str(s, e)] = args {
                    self.state.word_space = *aw;
                    self.state.char_space = *ac;
                    self.next_line(0.0, -self.state.leading);
                    self.show(&arena[*s as usize..*e as usize]);
                }
            }
            b"TJ\0" => {
                let start = args
                    .iter()
                    .rposition(|a| matches!(a, Operand::ArrOpen))
                    .map_or(0, |i| i + 1);
                for a in &args[start..] {
                    match a {
                        Operand::Str(s, e) => self.show(&arena[*s as usize..*e as usize]),
                        Operand::Num(n) if n.is_finite() => {
                            let tx = -n / 1000.0 * self.state.size * self.state.hscale;
                            self.tm = Matrix::translate(tx, 0.0).then(&self.tm);
                        }
                        _ => {}
                    }
                }
            }
            b"Do\0" => {
                if let Some(Operand::Name(s, e)) = args.last() {
                    self.xobject(frame, &arena[*s as usize..*e as usize])?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn font(&mut self, frame: &Frame<'a>, name: &[u8]) -> Option<Rc<Font>> {
        let fonts = frame
            .resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| resolve(self.doc, o))?;
        let Object::Dictionary(fonts) = fonts else {
            return None;
        };
        let dict = match resolve(self.doc, fonts.get(name).ok()?)? {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => return None,
        };
        Some(self.fonts.get(self.doc, dict, self.budget))
    }

    fn show(&mut self, bytes: &[u8]) {
        self.out.shows += 1;
        let Some(font) = self.state.font.clone() else {
            return;
        };
        let st = &self.state;
        let (size, hs, cs, ws, rise) = (st.size, st.hscale, st.char_space, st.word_space, st.rise);
        let ctm = st.ctm;
        let mut tm = self.tm;
        let out = &mut self.out;
        let drawing = &mut *self.drawing;
        let max_page = self.limits.max_page_glyphs;
        font.decode(bytes, &mut self.scratch, |code| {
            let m = tm.then(&ctm);
            let [a, b, c, d, e, f] = m.0;
            // The origin with the rise applied: (0, rise) in text space.
            let x = c * rise + e;
            let y = d * rise + f;
            let glyph_w = code.width * size * hs;
            let tx = (code.width * size + cs + if code.is_space_code { ws } else { 0.0 }) * hs;
            let scale = (a * a + b * b).sqrt();
            let dev_size = (size * (c * c + d * d).sqrt()).abs();
            let full = if drawing.glyphs_left == 0 {
                Some(Cap::DocGlyphs)
            } else if out.glyphs.len() >= max_page {
                Some(Cap::PageGlyphs)
            } else {
                None
            };
            if let Some(cap) = full {
                out.capped.get_or_insert(cap);
            } else if x.is_finite() && y.is_finite() {
                // Text is kept only for a glyph that is kept: nothing else refers to it.
                let start = out.text.len() as u32;
                out.text.push_str(code.text);
                let len = (out.text.len() as u32 - start).min(u16::MAX as u32) as u16;
                drawing.glyphs_left -= 1;
                out.glyphs.push(Glyph {
                    x,
                    y,
                    w: (glyph_w * scale).abs(),
                    size: if dev_size.is_finite() { dev_size } else { 0.0 },
                    dir: direction(a, b),
                    start,
                    len,
                });
            }
            tm = Matrix::translate(tx, 0.0).then(&tm);
        });
        self.tm = tm;
    }

    fn xobject(&mut self, frame: &Frame<'a>, name: &[u8]) -> Result<(), ExtractError> {
        let doc = self.doc;
        let Some(Object::Dictionary(xobjects)) = frame
            .resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| resolve(doc, o))
        else {
            return Ok(());
        };
        let Ok(entry) = xobjects.get(name) else {
            return Ok(());
        };
        let id = super::stream::ref_id(entry);
        let Some(Object::Stream(s)) = resolve(doc, entry) else {
            return Ok(());
        };
        match s.dict.get(b"Subtype").ok() {
            Some(Object::Name(n)) if n == b"Image" => {
                self.out.images += 1;
                return Ok(());
            }
            Some(Object::Name(n)) if n == b"Form" => {}
            _ => return Ok(()),
        }
        if self.forms.len() >= MAX_FORM_DEPTH || id.is_some_and(|id| self.forms.contains(&id)) {
            return Ok(());
        }
        let resources = match s.dict.get(b"Resources").ok().and_then(|o| resolve(doc, o)) {
            Some(Object::Dictionary(d)) => Some(d),
            _ => frame.resources,
        };
        let saved = (self.state.clone(), self.tm, self.tlm);
        if let Some(m) = s
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
        {
            let v: Vec<f32> = m.iter().filter_map(|o| o.as_float().ok()).collect();
            if let Some(m) = Matrix::from_operands(&v) {
                self.state.ctm = m.then(&self.state.ctm);
            }
        }
        if self.drawing.forms_left == 0 {
            self.out.capped.get_or_insert(Cap::DocForms);
            return Ok(());
        }
        self.drawing.forms_left -= 1;
        self.forms.push(id.unwrap_or((0, 0)));
        let r = self.run(ContentReader::new(vec![s]), &Frame { resources });
        self.forms.pop();
        (self.state, self.tm, self.tlm) = saved;
        r
    }
}

/// Quarter turns of the writing direction `(a, b)`.
fn direction(a: f32, b: f32) -> u8 {
    if a.abs() >= b.abs() {
        if a >= 0.0 { 0 } else { 2 }
    } else if b > 0.0 {
        1
    } else {
        3
    }
}

/// A lexed token; byte ranges point into the operator's arena.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    Num(f32),
    Name(u32, u32),
    Str(u32, u32),
    Op(u32, u32),
    ArrOpen,
    Other,
}

struct Lexer {
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Bytes looked at again because a token ran past the buffer's end (what a long
    /// token costs beyond its own length).
    relexed: usize,
}

enum Lexed {
    Tok(Operand, usize),
    /// The token may continue past the end of the buffer.
    Incomplete,
    Skip(usize),
}

impl Lexer {
    fn needs_fill(&self) -> bool {
        !self.eof && self.buf.len() - self.pos < 4096
    }

    /// Appends the next chunk (compacting what was consumed first).
    fn fill(&mut self, src: &mut ContentReader<'_>, budget: &mut Budget) {
        self.fill_with(src, budget, CHUNK);
    }

    /// Appends `want` more bytes, or what is left.
    fn fill_with(&mut self, src: &mut ContentReader<'_>, budget: &mut Budget, want: usize) {
        if self.eof {
            return;
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let target = self.buf.len() + want;
        while self.buf.len() < target {
            let old = self.buf.len();
            self.buf.resize(target, 0);
            let n = src.read(&mut self.buf[old..], budget);
            self.buf.truncate(old + n);
            if n == 0 {
                self.eof = true;
                break;
            }
        }
    }

    fn next(
        &mut self,
        src: &mut ContentReader<'_>,
        budget: &mut Budget,
        arena: &mut Vec<u8>,
    ) -> Option<Operand> {
        loop {
            let mark = arena.len();
            match lex(&self.buf[self.pos..], self.eof, arena) {
                Lexed::Tok(t, used) => {
                    self.pos += used;
                    return Some(t);
                }
                Lexed::Skip(used) => {
                    self.pos += used;
                    if self.needs_fill() {
                        self.fill(src, budget);
                    }
                }
                Lexed::Incomplete => {
                    arena.truncate(mark);
                    self.relexed += self.buf.len() - self.pos;
                    if self.eof {
                        return None;
                    }
                    let pending = self.buf.len() - self.pos;
                    if pending > MAX_TOKEN {
                        // A token this long is not text; drop it and go on.
                        self.pos = self.buf.len();
                    }
                    // At least as much again as the token holds so far: a token is lexed
                    // anew after each fill, so growing by a fixed chunk would make a long
                    // one (an unclosed string) quadratic.
                    self.fill_with(src, budget, CHUNK.max(pending));
                }
            }
            if self.pos >= self.buf.len() && self.eof {
                return None;
            }
        }
    }

    /// Skips inline image data up to `EI` followed by white space or the end.
    fn skip_inline_image(&mut self, src: &mut ContentReader<'_>, budget: &mut Budget) {
        // One white-space byte follows `ID`.
        self.pos += 1;
        let mut skipped = 0usize;
        loop {
            let b = &self.buf[self.pos.min(self.buf.len())..];
            let found = b
                .windows(3)
                .position(|w| is_white(w[0]) && w[1] == b'E' && w[2] == b'I');
            match found {
                Some(i) if i + 3 == b.len() && !self.eof => {}
                Some(i) if b.get(i + 3).is_none_or(|c| is_white(*c) || is_delim(*c)) => {
                    self.pos += i + 3;
                    return;
                }
                Some(i) => {
                    self.pos += i + 1;
                    continue;
                }
                None => {}
            }
            if self.eof || skipped > MAX_TOKEN {
                self.pos = self.buf.len();
                return;
            }
            let keep = b.len().min(2);
            skipped += b.len() - keep;
            self.pos = self.buf.len() - keep;
            self.fill(src, budget);
        }
    }
}

fn is_white(c: u8) -> bool {
    super::cmap::is_white(c)
}

fn is_delim(c: u8) -> bool {
    super::cmap::is_delim(c)
}

/// Lexes one token from `b`. Strings and names are copied (unescaped) into `arena`.
fn lex(b: &[u8], eof: bool, arena: &mut Vec<u8>) -> Lexed {
    let mut i = 0;
    while i < b.len() && is_white(b[i]) {
        i += 1;
    }
    if i > 0 {
        return Lexed::Skip(i);
    }
    let Some(&c) = b.first() else {
        return if eof {
            Lexed::Skip(0)
        } else {
            Lexed::Incomplete
        };
    };
    match c {
        b'%' => match b.iter().position(|&c| c == b'\n' || c == b'\r') {
            Some(p) => Lexed::Skip(p + 1),
            None if eof => Lexed::Skip(b.len()),
            None => Lexed::Incomplete,
        },
        b'(' => lex_literal(b, eof, arena),
        b'<' if b.get(1) == Some(&b'<') => Lexed::Tok(Operand::Other, 2),
        b'<' => {
            let Some(end) = b.iter().position(|&c| c == b'>') else {
                return if eof {
                    Lexed::Skip(b.len())
                } else {
                    Lexed::Incomplete
                };
            };
            let s = arena.len() as u32;
            let mut hi: Option<u8> = None;
            for &c in &b[1..end] {
                if let Some(v) = super::cmap::hex_val(c) {
                    match hi.take() {
                        Some(h) => arena.push(h << 4 | v),
                        None => hi = Some(v),
                    }
                }
            }
            if let Some(h) = hi {
                arena.push(h << 4);
            }
            Lexed::Tok(Operand::Str(s, arena.len() as u32), end + 1)
        }
        b'>' if b.get(1) == Some(&b'>') => Lexed::Tok(Operand::Other, 2),
        b'[' => Lexed::Tok(Operand::ArrOpen, 1),
        b']' | b'{' | b'}' | b')' | b'>' => Lexed::Tok(Operand::Other, 1),
        _ => {
            let start = usize::from(c == b'/');
            let mut j = start;
            while j < b.len() && !is_white(b[j]) && !is_delim(b[j]) {
                j += 1;
            }
            if j == b.len() && !eof {
                return Lexed::Incomplete;
            }
            let word = &b[start..j];
            if c == b'/' {
                let s = arena.len() as u32;
                unescape_name(word, arena);
                return Lexed::Tok(Operand::Name(s, arena.len() as u32), j);
            }
            if matches!(c, b'0'..=b'9' | b'+' | b'-' | b'.') {
                return Lexed::Tok(Operand::Num(parse_number(word)), j);
            }
            match word {
                b"true" | b"false" | b"null" => Lexed::Tok(Operand::Other, j),
                _ => {
                    let s = arena.len() as u32;
                    arena.extend_from_slice(word);
                    Lexed::Tok(Operand::Op(s, arena.len() as u32), j)
                }
            }
        }
    }
}

/// Numbers as readers accept them: `-.5`, `4.`, a doubled sign, even an exponent.
fn parse_number(w: &[u8]) -> f32 {
    let s = std::str::from_utf8(w).unwrap_or("0");
    if let Ok(v) = s.parse::<f32>() {
        return v;
    }
    let neg = s.starts_with('-');
    let t = s.trim_start_matches(['+', '-']);
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let t = &t[..end];
    let first_dot = t.find('.').map_or(t.len(), |p| p + 1);
    let cleaned: String = t[..first_dot]
        .chars()
        .chain(t[first_dot..].chars().filter(|c| *c != '.'))
        .collect();
    let v = cleaned.parse::<f32>().unwrap_or(0.0);
    if neg { -v } else { v }
}

fn unescape_name(w: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < w.len() {
        if w[i] == b'#'
            && i + 2 < w.len() + 1
            && let (Some(h), Some(l)) = (
                w.get(i + 1).and_then(|c| super::cmap::hex_val(*c)),
                w.get(i + 2).and_then(|c| super::cmap::hex_val(*c)),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(w[i]);
        i += 1;
    }
}

fn lex_literal(b: &[u8], eof: bool, arena: &mut Vec<u8>) -> Lexed {
    let s = arena.len();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'(' => {
                if depth > 0 {
                    arena.push(c);
                }
                depth += 1;
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Lexed::Tok(Operand::Str(s as u32, arena.len() as u32), i + 1);
                }
                arena.push(c);
            }
            b'\\' => {
                i += 1;
                let Some(&e) = b.get(i) else { break };
                match e {
                    b'n' => arena.push(b'\n'),
                    b'r' => arena.push(b'\r'),
                    b't' => arena.push(b'\t'),
                    b'b' => arena.push(8),
                    b'f' => arena.push(12),
                    b'\r' => {
                        if b.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    b'0'..=b'7' => {
                        let mut v: u32 = 0;
                        let mut k = 0;
                        while k < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                            v = v * 8 + u32::from(b[i] - b'0');
                            i += 1;
                            k += 1;
                        }
                        if i >= b.len() && !eof {
                            break;
                        }
                        arena.push((v & 0xff) as u8);
                        continue;
                    }
                    _ => arena.push(e),
                }
            }
            _ => arena.push(c),
        }
        i += 1;
    }
    if eof {
        // An unterminated string at the end of the stream: keep what it holds.
        Lexed::Tok(Operand::Str(s as u32, arena.len() as u32), b.len())
    } else {
        Lexed::Incomplete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &[u8]) -> (Vec<Operand>, Vec<u8>) {
        let mut arena = Vec::new();
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            match lex(&src[pos..], true, &mut arena) {
                Lexed::Tok(t, n) => {
                    out.push(t);
                    pos += n;
                }
                Lexed::Skip(0) => break,
                Lexed::Skip(n) => pos += n,
                Lexed::Incomplete => break,
            }
            if pos >= src.len() {
                break;
            }
        }
        (out, arena)
    }

    #[test]
    fn literal_strings_unescape_and_nest() {
        let (t, arena) = tokens(br"(a\(b\) (c) \101\n) Tj");
        let Operand::Str(s, e) = t[0] else {
            panic!("{t:?}")
        };
        assert_eq!(&arena[s as usize..e as usize], b"a(b) (c) A\n");
        assert!(matches!(t[1], Operand::Op(..)));
    }

    #[test]
    fn a_string_longer_than_many_chunks_is_read_whole_in_linear_time() {
        // Lexed anew after each fill: fills must grow with the token, or an unclosed
        // string of megabytes costs minutes.
        let data = [&b"("[..], &vec![b'a'; 40 * CHUNK], b") Tj BT"].concat();
        let stream = Stream::new(Dictionary::new(), data);
        let mut src = ContentReader::new(vec![&stream]);
        let mut budget = Budget {
            per_stream: 1 << 30,
            doc_left: 1 << 30,
            capped: false,
        };
        let mut lx = Lexer {
            buf: Vec::new(),
            pos: 0,
            eof: false,
            relexed: 0,
        };
        let mut arena = Vec::new();
        let mut toks = Vec::new();
        loop {
            if lx.needs_fill() {
                lx.fill(&mut src, &mut budget);
            }
            match lx.next(&mut src, &mut budget, &mut arena) {
                Some(t) => toks.push(t),
                None => break,
            }
        }
        let Operand::Str(s, e) = toks[0] else {
            panic!("{toks:?}")
        };
        assert_eq!(e - s, 40 * CHUNK as u32);
        assert!(matches!(toks[1], Operand::Op(..)) && matches!(toks[2], Operand::Op(..)));
        // Growing by one chunk at a time would look at some 20 times the string again.
        assert!(
            lx.relexed < 3 * 40 * CHUNK,
            "{} bytes lexed again",
            lx.relexed
        );
    }

    #[test]
    fn hex_strings_pad_an_odd_digit() {
        let (t, arena) = tokens(b"<48 65 6C6C 6F7>");
        let Operand::Str(s, e) = t[0] else { panic!() };
        assert_eq!(&arena[s as usize..e as usize], b"Hello\x70");
    }

    #[test]
    fn odd_numbers_parse_leniently() {
        assert_eq!(parse_number(b"-.5"), -0.5);
        assert_eq!(parse_number(b"4.57e-05"), 4.57e-05);
        assert_eq!(parse_number(b"--3"), -3.0);
        assert_eq!(parse_number(b"1.2.3"), 1.23);
    }

    #[test]
    fn a_token_cut_by_the_buffer_end_asks_for_more() {
        let mut arena = Vec::new();
        assert!(matches!(lex(b"(abc", false, &mut arena), Lexed::Incomplete));
        assert!(matches!(lex(b"12", false, &mut arena), Lexed::Incomplete));
        assert!(matches!(
            lex(b"12 ", false, &mut arena),
            Lexed::Tok(Operand::Num(_), 2)
        ));
    }

    #[test]
    fn matrices_concatenate_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        // Scale, then shift: the origin lands on the shift.
        assert_eq!(scale.then(&shift).0, [2.0, 0.0, 0.0, 2.0, 10.0, 5.0]);
        assert_eq!(shift.then(&scale).0, [2.0, 0.0, 0.0, 2.0, 20.0, 10.0]);
    }
}
