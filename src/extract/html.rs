//! HTML pages: the text a reader sees, block by block, through a real HTML5 parser, plus
//! the title and publication date the page states in its metadata.
//!
//! The text follows the corpus truth format: one block (heading, paragraph, list item,
//! table row) per line; whitespace inside a block collapsed as a browser does; table rows
//! as TAB-separated cells (empty cells kept); list items marked `- ` or with their number
//! and indented two spaces per nesting level (menus in `nav`/`header`/`footer` unmarked).
//!
//! Never executes or keeps markup: scripts, styles, templates, `noscript`, form inputs and
//! hidden elements (`hidden`, `aria-hidden="true"`, inline `display:none` or
//! `visibility:hidden`) contribute nothing; entities are decoded by the parser, so a payload
//! written as text stays text. Work is bounded by [`Limits`]: the input size, the text
//! kept, and the deadline.

use super::{ExtractError, Limits};
use crate::model::Extraction;
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node, Selector};

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction, ExtractError> {
    if bytes.len() > limits.max_doc_bytes {
        return Err(ExtractError::TooLarge(format!(
            "HTML file of {} bytes is over the {} byte limit",
            bytes.len(),
            limits.max_doc_bytes
        )));
    }
    let (source, decode_warning) = decode(bytes)?;
    let depth = nesting_estimate(&source);
    if depth > MAX_NESTING {
        return Err(ExtractError::TooLarge(format!(
            "elements nested about {depth} levels deep (the limit is {MAX_NESTING}; browsers \
             stop nesting at 512): not parsed, as that takes the parser very long"
        )));
    }
    let dom = parse(&source, limits)?;
    let mut r = Renderer::new(limits.max_text_chars);
    let finished = r.render(dom.tree.root(), limits);
    let mut warnings: Vec<String> = decode_warning.into_iter().collect();
    if r.capped {
        warnings.push(format!(
            "text capped at {} characters (the per-document limit)",
            limits.max_text_chars
        ));
    }
    if !finished {
        warnings.push("time limit reached: the text is partial".to_string());
    }
    let meta = Meta::read(&dom);
    Ok(Extraction {
        pages: vec![r.lines.join("\n")],
        title: meta.title(&dom),
        published: meta.published(&dom),
        created: None,
        warnings,
    })
}

/// Deepest element nesting parsed. The HTML5 tree builder scans its stack of open elements
/// for most tags, so time grows with depth squared: 10,000 levels parse in about a second
/// (measured on the 50,000-level case, 36 s), and real pages stay in the tens.
const MAX_NESTING: usize = 10_000;

/// How deep the page's elements nest, estimated in one pass over the tags without
/// building anything: void elements, elements whose end tag may be left out (`p`, `li`,
/// `td`...) and the content of raw-text elements (`script`, `style`...) do not count.
fn nesting_estimate(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    // Open `svg`/`math` elements: only inside them does `/>` close an element; in HTML
    // `<div/>` opens a div like `<div>`.
    let mut foreign = 0usize;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let name_at = i + usize::from(closing);
        let name_len = b[name_at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue;
        }
        let name = s[name_at..name_at + name_len].to_ascii_lowercase();
        let end = b[name_at..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |e| name_at + e);
        let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
        i = end.min(b.len());
        if closing {
            if counts_for_nesting(&name) {
                depth = depth.saturating_sub(1);
            }
            if matches!(name.as_str(), "svg" | "math") {
                foreign = foreign.saturating_sub(1);
            }
            continue;
        }
        if foreign == 0
            && matches!(
                name.as_str(),
                "script"
                    | "style"
                    | "textarea"
                    | "title"
                    | "xmp"
                    | "iframe"
                    | "noembed"
                    | "noframes"
                    | "noscript"
            )
        {
            let close = format!("</{name}");
            // Raw text: skip to its end tag (ASCII case-insensitively).
            let lower = |k: usize| b[k..].iter().take(close.len()).map(u8::to_ascii_lowercase);
            i = (i..b.len())
                .find(|&k| lower(k).eq(close.bytes()))
                .unwrap_or(b.len());
            continue;
        }
        if self_closing && foreign > 0 {
            continue;
        }
        if counts_for_nesting(&name) {
            depth += 1;
            max = max.max(depth);
            if matches!(name.as_str(), "svg" | "math") && !self_closing {
                foreign += 1;
            }
        }
    }
    max
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Elements that nest: not void, and their end tag is not optional.
fn counts_for_nesting(name: &str) -> bool {
    !matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "html"
            | "head"
            | "body"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
    )
}

/// Parses a page, a chunk at a time so that the deadline is checked while the parser
/// works: pathological markup (elements nested tens of thousands deep) makes the HTML5
/// tree builder slow, and an abandoned parse must not go on using a core.
fn parse(source: &str, limits: &Limits) -> Result<Html, ExtractError> {
    use html5ever::tendril::TendrilSink;
    // Small enough that a chunk of deeply nested tags parses in well under a second.
    const CHUNK: usize = 16 << 10;
    let mut parser = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(Html::new_document()),
        Default::default(),
    );
    let mut rest = source;
    while !rest.is_empty() {
        if limits.expired() {
            return Err(ExtractError::TooLarge(
                "the HTML parser had not finished at the time limit (see --doc-timeout): \
                 the page is very large or its elements are nested very deep"
                    .to_string(),
            ));
        }
        let end = crate::utf8::ceil_char(rest, CHUNK);
        parser.process(rest[..end].into());
        rest = &rest[end..];
    }
    Ok(parser.finish())
}

/// Decodes an HTML file: a byte order mark wins; then UTF-8 if the bytes are valid UTF-8
/// with some non-ASCII in them (a saved page often keeps a `<meta>` charset its server
/// overrode, and legacy encodings practically never form valid UTF-8); then a charset
/// declared in the first 1024 bytes (`<meta charset>` or `http-equiv` content type); then
/// what text files get (UTF-8, Windows-1252 as browsers assume).
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), ExtractError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let warning = had_errors.then(|| format!("invalid {} bytes replaced", enc.name()));
        return Ok((text.into_owned(), warning));
    }
    if !bytes.is_ascii()
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        return Ok((s.to_string(), None));
    }
    if let Some(enc) = declared_charset(bytes)
        && enc != encoding_rs::UTF_8
    {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let warning = had_errors.then(|| format!("invalid {} bytes replaced", enc.name()));
        return Ok((text.into_owned(), warning));
    }
    super::text::decode(bytes)
}

/// The charset a page declares in its first 1024 bytes, as the HTML standard's prescan
/// looks for it (simplified: `charset=` inside a `<meta` tag).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag = &rest[at..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(c) = tag.find("charset=") {
            let label: String = tag[c + 8..]
                .trim_start_matches(['"', '\'', ' '])
                .chars()
                .take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
                // A page that is really UTF-16 could not be read up to here as ASCII.
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
        rest = &rest[at + 5..];
    }
    None
}

/// Elements whose content is never shown as text.
fn is_unrendered(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "template"
            | "noscript"
            | "title"
            | "input"
            | "select"
            | "datalist"
            | "option"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "map"
            | "rp"
            | "rt"
            | "desc"
    )
}

/// Elements that start and end a line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "textarea"
            | "tfoot"
            | "thead"
            | "tr"
            | "ul"
            | "xmp"
    )
}

/// True for an element the page hides: `hidden`, `aria-hidden="true"`, an inline style
/// with `display: none` or `visibility: hidden`, a closed dialog.
fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if e.name() == "dialog" && e.attr("open").is_none() {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        return style.split(';').any(|decl| {
            let decl = decl.trim_end_matches("!important");
            decl == "display:none" || decl == "visibility:hidden" || decl == "visibility:collapse"
        });
    }
    false
}

/// Whitespace collapsed within a block: what a browser collapses, and the no-break space,
/// which a browser keeps but which only holds words together on screen (`21&nbsp;November`)
/// and would otherwise hide a plain space from the rules.
fn is_collapsible(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}' | '\u{a0}')
}

/// Characters that are never seen: the soft hyphen (shown only where a line breaks), the
/// zero-width space (a break opportunity inside long words and URLs) and a stray BOM.
/// Kept, they would split words for every rule.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}' | '\u{feff}')
}

struct ListCtx {
    ordered: bool,
    next: i64,
    step: i64,
    style: char,
    /// A navigation menu: items on their own lines, without markers.
    menu: bool,
}

struct RowCtx {
    cells: Vec<String>,
    /// The cell being filled, if inside a `td`/`th`.
    cell: Option<String>,
    cell_space: bool,
}

/// Turns the DOM into lines of text, walking it without recursion so that deeply nested
/// markup cannot exhaust the stack.
struct Renderer {
    lines: Vec<String>,
    line: String,
    /// Collapsed whitespace seen since the last character of the current line.
    space: bool,
    /// The list marker (with indentation) the next line of text starts with.
    prefix: Option<String>,
    lists: Vec<ListCtx>,
    /// One entry per open `table`: true for a layout table (rendered as blocks).
    tables: Vec<bool>,
    row: Option<RowCtx>,
    pre: usize,
    /// Open `nav`/`header`/`footer` elements: lists inside are menus.
    menus: usize,
    chars: usize,
    max_chars: usize,
    capped: bool,
}

impl Renderer {
    fn new(max_chars: usize) -> Renderer {
        Renderer {
            lines: Vec::new(),
            line: String::new(),
            space: false,
            prefix: None,
            lists: Vec::new(),
            tables: Vec::new(),
            row: None,
            pre: 0,
            menus: 0,
            chars: 0,
            max_chars,
            capped: false,
        }
    }

    /// Renders the tree; false if the deadline stopped it first.
    fn render(&mut self, root: NodeRef<'_, Node>, limits: &Limits) -> bool {
        let mut skip: Option<ego_tree::NodeId> = None;
        for (n, edge) in root.traverse().enumerate() {
            if n % 4096 == 0 && limits.expired() {
                self.flush();
                return false;
            }
            if self.capped {
                break;
            }
            match edge {
                Edge::Open(node) => {
                    if skip.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.text(t),
                        Node::Element(e) => {
                            if is_unrendered(e.name()) || is_hidden(e) {
                                skip = Some(node.id());
                            } else {
                                self.open(node, e);
                            }
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some(id) = skip {
                        if id == node.id() {
                            skip = None;
                        }
                        continue;
                    }
                    if let Node::Element(e) = node.value() {
                        self.close(e);
                    }
                }
            }
        }
        self.flush();
        true
    }

    fn open(&mut self, node: NodeRef<'_, Node>, e: &scraper::node::Element) {
        let name = e.name();
        match name {
            "br" => return self.line_break(),
            "table" => {
                self.block();
                self.tables.push(is_layout_table(node, e));
                return;
            }
            "tr" if self.in_data_table() => {
                self.block();
                self.row = Some(RowCtx {
                    cells: Vec::new(),
                    cell: None,
                    cell_space: false,
                });
                return;
            }
            "td" | "th" if self.in_data_table() => {
                if let Some(row) = &mut self.row {
                    row.cell = Some(String::new());
                    row.cell_space = false;
                }
                return;
            }
            "ul" | "ol" | "menu" | "dir" => {
                self.block();
                let ordered = name == "ol";
                let reversed = ordered && e.attr("reversed").is_some();
                let start = e.attr("start").and_then(|s| s.trim().parse::<i64>().ok());
                let count = node
                    .children()
                    .filter(|c| c.value().as_element().is_some_and(|c| c.name() == "li"))
                    .count() as i64;
                self.lists.push(ListCtx {
                    ordered,
                    next: start.unwrap_or(if reversed { count } else { 1 }),
                    step: if reversed { -1 } else { 1 },
                    style: e
                        .attr("type")
                        .and_then(|t| t.chars().next())
                        .filter(|c| matches!(c, 'a' | 'A' | 'i' | 'I'))
                        .unwrap_or('1'),
                    menu: self.menus > 0 || e.attr("role").is_some_and(|r| r == "menu"),
                });
                return;
            }
            "li" => {
                self.block();
                self.prefix = self.list_marker(e);
                return;
            }
            "nav" | "header" | "footer" => self.menus += 1,
            // A footnote reference (`word<sup><a href="#fn3">3</a></sup>`) is set apart, so
            // that it does not fuse with the word or number before it ("20243").
            "sup" if is_footnote_ref(node) => self.soft_space(),
            "pre" | "listing" | "xmp" | "plaintext" | "textarea" => {
                self.block();
                self.pre += 1;
                return;
            }
            _ => {}
        }
        if is_block(name) {
            self.block();
        }
        if e.attr("role").is_some_and(|r| r == "navigation") {
            self.menus += 1;
        }
    }

    fn close(&mut self, e: &scraper::node::Element) {
        let name = e.name();
        match name {
            "table" => {
                self.block();
                self.tables.pop();
                return;
            }
            "tr" if self.in_data_table() => {
                if let Some(mut row) = self.row.take() {
                    if let Some(cell) = row.cell.take() {
                        row.cells.push(cell);
                    }
                    if row.cells.iter().any(|c| !c.trim().is_empty()) {
                        let line = row.cells.join("\t");
                        self.push_line(line);
                    }
                }
                return;
            }
            "td" | "th" if self.in_data_table() => {
                if let Some(row) = &mut self.row
                    && let Some(cell) = row.cell.take()
                {
                    row.cells.push(cell.trim_end().to_string());
                    // A spanning cell keeps the columns after it aligned; the cap stops a
                    // hostile colspan from making a huge line.
                    let span = e
                        .attr("colspan")
                        .and_then(|c| c.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 100);
                    row.cells
                        .extend(std::iter::repeat_n(String::new(), span - 1));
                }
                return;
            }
            "ul" | "ol" | "menu" | "dir" => {
                self.block();
                self.lists.pop();
                return;
            }
            "li" => {
                self.block();
                // An empty item leaves no marker behind for the next line.
                self.prefix = None;
                return;
            }
            "nav" | "header" | "footer" => self.menus = self.menus.saturating_sub(1),
            "pre" | "listing" | "xmp" | "plaintext" | "textarea" => {
                self.block();
                self.pre = self.pre.saturating_sub(1);
                return;
            }
            _ => {}
        }
        if e.attr("role").is_some_and(|r| r == "navigation") {
            self.menus = self.menus.saturating_sub(1);
        }
        if is_block(name) {
            self.block();
        }
    }

    fn in_data_table(&self) -> bool {
        self.tables.last().is_some_and(|layout| !layout)
    }

    fn list_marker(&mut self, li: &scraper::node::Element) -> Option<String> {
        if self.row.is_some() {
            // Items inside a table cell run on in the cell's one line.
            return None;
        }
        let depth = self.lists.iter().filter(|l| !l.menu).count();
        let Some(list) = self.lists.last_mut() else {
            return Some("- ".to_string());
        };
        if list.menu {
            return None;
        }
        let indent = "  ".repeat(depth.saturating_sub(1));
        if !list.ordered {
            return Some(format!("{indent}- "));
        }
        if let Some(v) = li.attr("value").and_then(|v| v.trim().parse::<i64>().ok()) {
            list.next = v;
        }
        let n = list.next;
        list.next += list.step;
        Some(format!("{indent}{}. ", ordinal(n, list.style)))
    }

    /// A block boundary: inside a table cell it is a space, elsewhere the end of a line.
    fn block(&mut self) {
        if let Some(row) = &mut self.row {
            row.cell_space = true;
            return;
        }
        self.flush();
    }

    /// Whitespace between what came before and what comes next, collapsed as usual.
    fn soft_space(&mut self) {
        match &mut self.row {
            Some(row) => row.cell_space = true,
            None => self.space = true,
        }
    }

    fn line_break(&mut self) {
        self.block();
    }

    fn text(&mut self, t: &str) {
        if self.pre > 0 && self.row.is_none() {
            for (i, part) in t.split('\n').enumerate() {
                if i > 0 {
                    self.flush();
                }
                let part: String = part
                    .trim_end_matches('\r')
                    .chars()
                    .filter(|&c| !is_invisible(c))
                    .map(|c| if c == '\u{a0}' { ' ' } else { c })
                    .collect();
                self.line.push_str(&part);
                self.count(&part);
            }
            return;
        }
        let (buf, space) = match &mut self.row {
            Some(RowCtx {
                cell: Some(cell),
                cell_space,
                ..
            }) => (cell, cell_space),
            // Text between cells of a row is not shown in any cell.
            Some(_) => return,
            None => (&mut self.line, &mut self.space),
        };
        let mut added = 0;
        for c in t.chars() {
            if is_invisible(c) {
                continue;
            }
            if is_collapsible(c) {
                *space = true;
            } else {
                if *space && !buf.is_empty() {
                    buf.push(' ');
                    added += 1;
                }
                *space = false;
                buf.push(c);
                added += 1;
            }
        }
        self.chars += added;
        self.check_cap();
    }

    fn count(&mut self, s: &str) {
        self.chars += s.chars().count();
        self.check_cap();
    }

    fn check_cap(&mut self) {
        if self.chars > self.max_chars {
            self.capped = true;
        }
    }

    /// Ends the current line; blank lines are dropped.
    fn flush(&mut self) {
        self.space = false;
        let line = std::mem::take(&mut self.line);
        let trimmed = if self.pre > 0 {
            line.trim_end()
        } else {
            line.trim()
        };
        if trimmed.is_empty() {
            return;
        }
        let line = match self.prefix.take() {
            Some(p) => format!("{p}{trimmed}"),
            None => trimmed.to_string(),
        };
        self.push_line(line);
    }

    fn push_line(&mut self, line: String) {
        if self.capped {
            let room = self.max_chars.saturating_sub(self.kept_chars());
            let cut: String = line.chars().take(room).collect();
            if !cut.is_empty() {
                self.lines.push(cut);
            }
            return;
        }
        self.lines.push(line);
    }

    fn kept_chars(&self) -> usize {
        self.lines.iter().map(|l| l.chars().count() + 1).sum()
    }
}

/// A superscript that holds a link within the page: a footnote or citation marker.
fn is_footnote_ref(node: NodeRef<'_, Node>) -> bool {
    node.descendants().any(|d| {
        d.value().as_element().is_some_and(|e| {
            e.name() == "a"
                && e.attr("href")
                    .is_some_and(|h| h.trim_start().starts_with('#'))
        })
    })
}

/// A table used for page layout rather than data: it holds another table or says so with
/// its role. Its cells are rendered as blocks instead of TAB-separated rows.
fn is_layout_table(node: NodeRef<'_, Node>, e: &scraper::node::Element) -> bool {
    if e.attr("role")
        .is_some_and(|r| r == "presentation" || r == "none")
    {
        return true;
    }
    node.descendants()
        .skip(1)
        .any(|d| d.value().as_element().is_some_and(|d| d.name() == "table"))
}

/// The marker of item `n` in an ordered list of style `1`, `a`, `A`, `i` or `I`.
fn ordinal(n: i64, style: char) -> String {
    match style {
        'a' | 'A' if n >= 1 => {
            let mut s = Vec::new();
            let mut k = n;
            while k > 0 {
                k -= 1;
                s.push((b'a' + (k % 26) as u8) as char);
                k /= 26;
            }
            let s: String = s.into_iter().rev().collect();
            if style == 'A' { s.to_uppercase() } else { s }
        }
        'i' | 'I' if (1..4000).contains(&n) => {
            const R: [(i64, &str); 13] = [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ];
            let mut k = n;
            let mut s = String::new();
            for (v, r) in R {
                while k >= v {
                    s.push_str(r);
                    k -= v;
                }
            }
            if style == 'I' { s.to_uppercase() } else { s }
        }
        _ => n.to_string(),
    }
}

/// `<meta>` values by lower-cased `name`, `property` or `itemprop`, first one wins.
struct Meta(Vec<(String, String)>);

impl Meta {
    fn read(dom: &Html) -> Meta {
        let sel = Selector::parse("meta[content]").expect("static selector");
        let mut out = Vec::new();
        for m in dom.select(&sel) {
            let e = m.value();
            let Some(content) = e.attr("content") else {
                continue;
            };
            let content = collapse(content);
            if content.is_empty() {
                continue;
            }
            for key in ["name", "property", "itemprop"] {
                if let Some(k) = e.attr(key) {
                    out.push((k.trim().to_ascii_lowercase(), content.clone()));
                }
            }
        }
        Meta(out)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The document's own title metadata first (it rarely carries the site name that
    /// `<title>` often appends), then `<title>`.
    fn title(&self, dom: &Html) -> Option<String> {
        for key in [
            "citation_title",
            "dc.title",
            "dcterms.title",
            "og:title",
            "twitter:title",
        ] {
            if let Some(t) = self.get(key) {
                return Some(t.to_string());
            }
        }
        let sel = Selector::parse("title").expect("static selector");
        dom.select(&sel)
            .map(|t| collapse(&t.text().collect::<String>()))
            .find(|t| !t.is_empty())
    }

    /// The publication date the page states: metadata meant for it, then JSON-LD
    /// `datePublished`, then the first `<time datetime>`.
    fn published(&self, dom: &Html) -> Option<String> {
        const KEYS: [&str; 13] = [
            "article:published_time",
            "citation_publication_date",
            "citation_date",
            "citation_online_date",
            "dcterms.issued",
            "dcterms.date",
            "dc.date.issued",
            "dc.date",
            "datepublished",
            "og:published_time",
            "date",
            "pubdate",
            "publication_date",
        ];
        for key in KEYS {
            if let Some(d) = self.get(key).and_then(iso_date) {
                return Some(d);
            }
        }
        if let Some(d) = json_ld_date(dom) {
            return Some(d);
        }
        let sel = Selector::parse("time[datetime]").expect("static selector");
        dom.select(&sel)
            .filter_map(|t| t.value().attr("datetime"))
            .find_map(iso_date)
    }
}

/// `datePublished` of a JSON-LD object (top level, in a top-level list, or in `@graph`).
fn json_ld_date(dom: &Html) -> Option<String> {
    let sel = Selector::parse(r#"script[type="application/ld+json"]"#).expect("static selector");
    for script in dom.select(&sel) {
        let body: String = script.text().collect();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        let mut objects: Vec<&serde_json::Value> = Vec::new();
        match &v {
            serde_json::Value::Array(items) => objects.extend(items),
            other => objects.push(other),
        }
        let graph: Vec<&serde_json::Value> = objects
            .iter()
            .filter_map(|o| o.get("@graph").and_then(|g| g.as_array()))
            .flatten()
            .collect();
        objects.extend(graph);
        if let Some(d) = objects
            .iter()
            .filter_map(|o| o.get("datePublished").and_then(|d| d.as_str()))
            .find_map(iso_date)
        {
            return Some(d);
        }
    }
    None
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A metadata date as ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, keeping the precision it
/// states: `2024/11/21`, `2024-11-21T09:00:00Z`, `20241121`, `21 Nov 2024`,
/// `November 21, 2024`, `Thu, 21 Nov 2024 09:00:00 GMT`, `2024`. Numeric day/month orders
/// are read only when unambiguous (`21/11/2024`, not `05/06/2024`).
pub fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let plausible_year = |y: u32| (1000..=2999).contains(&y);
    let fmt = |y: u32, m: Option<u32>, d: Option<u32>| -> Option<String> {
        let out = match (m, d) {
            (None, _) => format!("{y:04}"),
            (Some(m), None) => format!("{y:04}-{m:02}"),
            (Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        };
        (plausible_year(y) && crate::corpus::is_iso_date(&out)).then_some(out)
    };
    // Year first: 2024, 2024-11, 2024/11/21, 2024.11.21, with an optional time after.
    let date_part = s.split(['T', ' ']).next().unwrap_or("");
    let nums: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if nums.iter().all(|p| all_digits(p)) {
        let n: Vec<u32> = nums.iter().filter_map(|p| p.parse().ok()).collect();
        match (nums.as_slice(), n.as_slice()) {
            ([y], _) if y.len() == 8 => {
                return fmt(n[0] / 10000, Some(n[0] / 100 % 100), Some(n[0] % 100));
            }
            ([y], [yv]) if y.len() == 4 => return fmt(*yv, None, None),
            ([y, _], [yv, m]) if y.len() == 4 => return fmt(*yv, Some(*m), None),
            ([y, _, _], [yv, m, d]) if y.len() == 4 => return fmt(*yv, Some(*m), Some(*d)),
            ([_, _, y], [a, b, yv]) if y.len() == 4 => {
                return match (*a > 12, *b > 12) {
                    (true, false) => fmt(*yv, Some(*b), Some(*a)),
                    (false, true) => fmt(*yv, Some(*a), Some(*b)),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
    // Words: a month name, a four-digit year, perhaps a day.
    let lower = s.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut month = None;
    let mut year = None;
    let mut day = None;
    for t in &tokens {
        if t.bytes().all(|b| b.is_ascii_digit()) {
            let v: u32 = t.parse().ok()?;
            if t.len() == 4 && year.is_none() {
                year = Some(v);
            } else if t.len() <= 2 && day.is_none() && year.is_none() {
                day = Some(v);
            }
        } else if month.is_none() && t.len() >= 3 {
            let t = t.trim_end_matches(|c: char| c.is_ascii_digit());
            if let Some(i) = MONTHS.iter().position(|m| t.starts_with(m)) {
                let full = crate::find::dates::MONTH_NAMES[i];
                if full.starts_with(t) || t == "sept" {
                    month = Some(i as u32 + 1);
                }
            }
        }
    }
    let (Some(y), Some(m)) = (year, month) else {
        return None;
    };
    fmt(y, Some(m), day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract(html.as_bytes(), &Limits::default()).unwrap().pages[0].clone()
    }

    #[test]
    fn blocks_become_lines_and_inline_elements_join() {
        let t = text(
            "<h1>Title</h1><p>One <b>bold</b>\n   word, <a href=x>a link</a>.</p><div>Two<br>Three</div>",
        );
        assert_eq!(t, "Title\nOne bold word, a link.\nTwo\nThree");
    }

    #[test]
    fn scripts_styles_and_hidden_elements_contribute_nothing() {
        let t = text(
            r#"<head><style>p{}</style><script>var a = "x";</script></head><body>
            <p>seen</p><p hidden>h1</p><p aria-hidden="true">h2</p>
            <p style="color: red; display : none">h3</p><p style="visibility:hidden">h4</p>
            <input type="hidden" value="h5"><template><p>h6</p></template>
            <noscript>h7</noscript><script>document.write("h8")</script><p>also seen</p></body>"#,
        );
        assert_eq!(t, "seen\nalso seen");
    }

    #[test]
    fn table_rows_are_tab_separated_and_keep_empty_cells() {
        let t = text(
            "<table><thead><tr><th>Country</th><th>Staff</th><th>Budget</th></tr></thead>
             <tbody><tr><td>UK</td><td></td><td>£50 <b>m</b></td></tr>
             <tr><td><p>United</p><p>States</p></td><td>30</td><td></td></tr></tbody></table>",
        );
        assert_eq!(
            t,
            "Country\tStaff\tBudget\nUK\t\t£50 m\nUnited States\t30\t"
        );
    }

    #[test]
    fn spanning_cells_keep_the_columns_aligned() {
        let t = text(
            "<table><tr><th colspan=2>Budget</th><th>Staff</th></tr>\
             <tr><td>2024</td><td>£50m</td><td>30</td></tr></table>",
        );
        assert_eq!(t, "Budget\t\tStaff\n2024\t£50m\t30");
    }

    #[test]
    fn no_break_spaces_are_spaces_and_invisible_characters_go() {
        let t = text("<p>21&nbsp;November&nbsp;&nbsp;2024: Insti&shy;tute, long\u{200b}word</p>");
        assert_eq!(t, "21 November 2024: Institute, longword");
    }

    #[test]
    fn footnote_markers_do_not_fuse_with_the_text_before_them() {
        let t = text(
            "<p>launched in 2024<sup><a href=\"#fn1\">1</a></sup>. Area: 5 km<sup>2</sup>.</p>",
        );
        assert_eq!(t, "launched in 2024 1. Area: 5 km2.");
    }

    #[test]
    fn lists_inside_cells_stay_in_their_cell() {
        let t = text(
            "<table><tr><td><ul><li>a</li><li>b</li></ul></td><td>c</td></tr></table><p>d</p>",
        );
        assert_eq!(t, "a b\tc\nd");
    }

    #[test]
    fn list_items_get_markers_numbers_and_nesting() {
        let t = text(
            "<ol><li>First<ul><li>sub <i>a</i></li><li>sub b</li></ul></li><li>Second</li></ol>
             <ol start=4><li><p>Fourth</p></li></ol>",
        );
        assert_eq!(t, "1. First\n  - sub a\n  - sub b\n2. Second\n4. Fourth");
    }

    #[test]
    fn navigation_lists_are_plain_lines() {
        let t = text(
            "<header><span>Site</span><nav><ul><li><a>Home</a></li><li><a>About</a></li></ul></nav></header>
             <main><ul><li>Point</li></ul></main><footer><ul><li>Privacy</li></ul></footer>",
        );
        assert_eq!(t, "Site\nHome\nAbout\n- Point\nPrivacy");
    }

    #[test]
    fn entities_are_decoded_and_markup_in_text_stays_text() {
        let t = text("<p>&pound;50 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>");
        assert_eq!(t, "£50 & <script>alert(1)</script>");
    }

    #[test]
    fn preformatted_text_keeps_its_spaces_and_lines() {
        let t = text("<pre>a   b\n  c</pre><p>d</p>");
        assert_eq!(t, "a   b\n  c\nd");
    }

    #[test]
    fn layout_tables_render_their_cells_as_blocks() {
        let t = text(
            "<table><tr><td><h1>Head</h1><p>Para</p></td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>",
        );
        assert_eq!(t, "Head\nPara\nx\ty");
    }

    #[test]
    fn text_is_capped_at_the_limit() {
        let limits = Limits {
            max_text_chars: 10,
            ..Limits::default()
        };
        let html = "<p>abcdefgh</p>".repeat(1000);
        let x = extract(html.as_bytes(), &limits).unwrap();
        assert!(x.pages[0].chars().count() <= 10, "{:?}", x.pages[0]);
        assert!(x.warnings.iter().any(|w| w.contains("capped")));
    }

    #[test]
    fn deep_nesting_does_not_exhaust_the_stack() {
        // Deeper than any real page (browsers stop nesting at 512); the HTML5 tree builder
        // is quadratic in depth, so this stays at a depth it parses quickly.
        let html = format!("{}deep{}", "<div>".repeat(5_000), "</div>".repeat(5_000));
        let t = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || text(&html))
            .unwrap()
            .join();
        assert_eq!(t.unwrap(), "deep");
    }

    #[test]
    fn nesting_is_estimated_from_tags_that_nest() {
        assert_eq!(nesting_estimate("<div><p>a<p>b<br><img src=x></div>"), 1);
        assert_eq!(
            nesting_estimate("<ul><li>a<li><b>b</b></ul><div><span/></div>"),
            2
        );
        assert_eq!(
            nesting_estimate("<script>'<div><div><div>'</SCRIPT><!-- <div><div> --><i>x"),
            1
        );
    }

    #[test]
    fn absurdly_deep_nesting_is_refused_quickly_with_a_reason() {
        let html = "<span>".repeat(MAX_NESTING + 1);
        let e = extract(html.as_bytes(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("nested"), "{e}");
    }

    #[test]
    fn parsing_stops_at_the_deadline_with_a_clear_error() {
        let limits = Limits {
            deadline: Some(std::time::Instant::now()),
            ..Limits::default()
        };
        let e = extract(b"<p>late</p>", &limits).unwrap_err();
        assert!(e.to_string().contains("time limit"), "{e}");
    }

    #[test]
    fn chunked_parsing_keeps_text_across_chunk_boundaries() {
        let word = "Señor日本 ";
        let body = word.repeat(10_000);
        let t = text(&format!("<p>{body}</p>"));
        assert_eq!(t, body.trim_end());
    }

    #[test]
    fn title_prefers_document_metadata_then_title_element() {
        let x = extract(
            br#"<title>Report | Site</title><meta property="og:title" content="Report">"#,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(x.title.as_deref(), Some("Report"));
        let x = extract(b"<title> Report \n | Site </title>", &Limits::default()).unwrap();
        assert_eq!(x.title.as_deref(), Some("Report | Site"));
    }

    #[test]
    fn publication_date_comes_from_metadata_json_ld_or_time() {
        let pub_of = |h: &str| extract(h.as_bytes(), &Limits::default()).unwrap().published;
        assert_eq!(
            pub_of(r#"<meta name="citation_publication_date" content="2024/11/21">"#).as_deref(),
            Some("2024-11-21")
        );
        assert_eq!(
            pub_of(r#"<meta name="dcterms.date" content="2024">"#).as_deref(),
            Some("2024")
        );
        assert_eq!(
            pub_of(
                r#"<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2024-11-20T10:00:00+01:00"}]}</script>"#
            )
            .as_deref(),
            Some("2024-11-20")
        );
        assert_eq!(
            pub_of(r#"<p>Posted <time datetime="2024-11">November</time></p>"#).as_deref(),
            Some("2024-11")
        );
        assert_eq!(pub_of("<p>no date</p>"), None);
    }

    #[test]
    fn metadata_dates_keep_their_precision() {
        assert_eq!(iso_date("2024").as_deref(), Some("2024"));
        assert_eq!(iso_date("2024/11").as_deref(), Some("2024-11"));
        assert_eq!(
            iso_date("2024-11-21T09:00:00Z").as_deref(),
            Some("2024-11-21")
        );
        assert_eq!(iso_date("20241121").as_deref(), Some("2024-11-21"));
        assert_eq!(iso_date("21/11/2024").as_deref(), Some("2024-11-21"));
        assert_eq!(iso_date("05/06/2024"), None);
        assert_eq!(iso_date("November 21, 2024").as_deref(), Some("2024-11-21"));
        assert_eq!(
            iso_date("Thu, 21 Nov 2024 09:00:00 GMT").as_deref(),
            Some("2024-11-21")
        );
        assert_eq!(iso_date("Sept 2024").as_deref(), Some("2024-09"));
        assert_eq!(iso_date("2024-13-01"), None);
        assert_eq!(iso_date("soon"), None);
    }

    #[test]
    fn valid_utf8_wins_over_a_stale_legacy_declaration() {
        let b = "<meta charset=iso-8859-1><p>café — £5</p>".as_bytes();
        assert_eq!(text_bytes(b), "café — £5");
    }

    #[test]
    fn declared_charsets_are_honoured() {
        let mut b = br#"<meta charset="shift_jis"><p>"#.to_vec();
        b.extend([0x93, 0xfa, 0x96, 0x7b]); // 日本
        b.extend(b"</p>");
        assert_eq!(text_bytes(&b), "日本");
        let b = b"<meta http-equiv=Content-Type content='text/html; charset=iso-8859-1'><p>\x80 caf\xe9</p>";
        assert_eq!(text_bytes(b), "€ café");
    }

    fn text_bytes(b: &[u8]) -> String {
        extract(b, &Limits::default()).unwrap().pages[0].clone()
    }
}
