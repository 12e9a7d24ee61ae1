//! HTML pages: the visible text, block by block, through a real HTML5 parser.
//!
//! Never executes or keeps markup: scripts, styles and hidden elements contribute nothing.

use super::{ExtractError, Limits};
use crate::model::Extraction;
use scraper::{Html, Node};

pub fn extract(bytes: &[u8], _limits: &Limits) -> Result<Extraction, ExtractError> {
    let (source, _) = super::text::decode(bytes)?;
    let dom = Html::parse_document(&source);
    let mut out = String::new();
    walk(dom.tree.root(), &mut out);
    let text = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let title = dom
        .select(&scraper::Selector::parse("title").expect("static selector"))
        .next()
        .map(|t| t.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    Ok(Extraction {
        pages: vec![text],
        title,
        ..Default::default()
    })
}

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => out.push_str(t),
        Node::Element(e) => {
            let name = e.name();
            if matches!(name, "script" | "style" | "template" | "noscript" | "head") {
                return;
            }
            let block = matches!(
                name,
                "p" | "div"
                    | "br"
                    | "li"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "section"
                    | "article"
            );
            for c in node.children() {
                walk(c, out);
            }
            if block {
                out.push('\n');
            }
        }
        _ => {
            for c in node.children() {
                walk(c, out);
            }
        }
    }
}
