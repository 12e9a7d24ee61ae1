//! What a PDF says about itself: title and dates from the Info dictionary and XMP.
//!
//! `created` is the file's stamp (`/CreationDate`, `xmp:CreateDate`): printing a web page
//! to PDF stamps the print time, so it is only a last resort for the publication date.
//! `published` is filled only from a field that states a publication date
//! (`prism:publicationDate`, `prism:coverDate`).

use super::stream::{Budget, decode_small, resolve};
use lopdf::{Document, Object};

/// XMP packets are small; a larger one is not read.
const MAX_XMP: usize = 4 << 20;

#[derive(Debug, Default, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub created: Option<String>,
    pub published: Option<String>,
}

pub fn read(doc: &Document, budget: &mut Budget) -> Meta {
    let mut m = Meta::default();
    if let Some(Object::Dictionary(info)) =
        doc.trailer.get(b"Info").ok().and_then(|o| resolve(doc, o))
    {
        let text = |k: &[u8]| {
            info.get(k)
                .ok()
                .and_then(|o| resolve(doc, o))
                .and_then(|o| lopdf::decode_text_string(o).ok())
        };
        m.title = text(b"Title").and_then(|t| clean_title(&t));
        m.created = text(b"CreationDate").and_then(|d| pdf_date(&d));
    }
    let xmp = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|o| resolve(doc, o))
        .and_then(|o| match o {
            Object::Stream(s) => decode_small(s, MAX_XMP, budget),
            _ => None,
        });
    if let Some(x) = xmp {
        let x = String::from_utf8_lossy(&x);
        if m.title.is_none() {
            m.title = xmp_title(&x).and_then(|t| clean_title(&t));
        }
        if m.created.is_none() {
            m.created = xmp_value(&x, "xmp:CreateDate").and_then(|d| iso_date(&d));
        }
        m.published = ["prism:publicationDate", "prism:coverDate"]
            .iter()
            .find_map(|k| xmp_value(&x, k).and_then(|d| iso_date(&d)));
    }
    m
}

/// A title worth showing: not empty, not a file name, without a converter's prefix.
fn clean_title(t: &str) -> Option<String> {
    let t = t.trim().trim_matches('\0');
    let t = t.strip_prefix("Microsoft Word - ").unwrap_or(t).trim();
    let lower = t.to_ascii_lowercase();
    let file_name = [
        ".doc", ".docx", ".pdf", ".tex", ".dvi", ".odt", ".ps", ".indd",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    let junk = matches!(
        lower.as_str(),
        "" | "untitled" | "title" | "no title" | "unknown"
    );
    (!file_name && !junk).then(|| t.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `D:YYYYMMDDHHmmSS…` → `YYYY[-MM[-DD]]`.
pub fn pdf_date(s: &str) -> Option<String> {
    let s = s.trim().strip_prefix("D:").unwrap_or(s.trim());
    let digits: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(8)
        .collect();
    let year: u32 = digits.get(..4)?.parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let mut out = format!("{year:04}");
    if let Some(m) = digits.get(4..6).and_then(|m| m.parse::<u32>().ok()) {
        if !(1..=12).contains(&m) {
            return Some(out);
        }
        out.push_str(&format!("-{m:02}"));
        if let Some(d) = digits.get(6..8).and_then(|d| d.parse::<u32>().ok())
            && (1..=31).contains(&d)
        {
            out.push_str(&format!("-{d:02}"));
        }
    }
    Some(out)
}

/// ISO 8601 date-time (`2024-11-21T12:00:00Z`) → its date part.
fn iso_date(s: &str) -> Option<String> {
    let compact: String = s.trim().chars().take(10).filter(|c| *c != '-').collect();
    pdf_date(&compact)
}

/// The text of an XMP property written as an element or as an attribute.
fn xmp_value(x: &str, key: &str) -> Option<String> {
    let open = format!("<{key}>");
    if let Some(p) = x.find(&open) {
        let rest = &x[p + open.len()..];
        let end = rest.find('<')?;
        return Some(unescape(rest[..end].trim()));
    }
    let attr = format!("{key}=");
    let p = x.find(&attr)?;
    let rest = &x[p + attr.len()..];
    let q = rest.chars().next()?;
    let rest = &rest[1..];
    Some(unescape(&rest[..rest.find(q)?]))
}

/// `dc:title` is a language alternative: the first `rdf:li` inside it.
fn xmp_title(x: &str) -> Option<String> {
    let p = x.find("<dc:title")?;
    let rest = &x[p..];
    let end = rest.find("</dc:title>").unwrap_or(rest.len());
    let rest = &rest[..end];
    let li = rest.find("<rdf:li")?;
    let rest = &rest[li..];
    let start = rest.find('>')? + 1;
    let stop = rest[start..].find('<')? + start;
    Some(unescape(rest[start..stop].trim()))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_become_iso_at_the_precision_given() {
        assert_eq!(pdf_date("D:20241121120000Z").as_deref(), Some("2024-11-21"));
        assert_eq!(pdf_date("D:202411").as_deref(), Some("2024-11"));
        assert_eq!(pdf_date("D:2024").as_deref(), Some("2024"));
        assert_eq!(pdf_date("D:20241399").as_deref(), Some("2024"));
        assert_eq!(pdf_date("garbage"), None);
    }

    #[test]
    fn xmp_properties_read_as_elements_and_attributes() {
        let x = r#"<rdf:Description xmp:CreateDate="2024-11-20T12:00:00Z">
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">AISI &amp; Network</rdf:li></rdf:Alt></dc:title>
            <prism:publicationDate>2024-11-21</prism:publicationDate></rdf:Description>"#;
        assert_eq!(xmp_title(x).as_deref(), Some("AISI & Network"));
        assert_eq!(
            xmp_value(x, "xmp:CreateDate")
                .and_then(|d| iso_date(&d))
                .as_deref(),
            Some("2024-11-20")
        );
        assert_eq!(
            xmp_value(x, "prism:publicationDate")
                .and_then(|d| iso_date(&d))
                .as_deref(),
            Some("2024-11-21")
        );
    }

    #[test]
    fn file_names_and_converter_prefixes_are_not_titles() {
        assert_eq!(clean_title("Microsoft Word - Report.docx"), None);
        assert_eq!(
            clean_title("Microsoft Word - The  Report").as_deref(),
            Some("The Report")
        );
        assert_eq!(clean_title("untitled"), None);
    }
}
