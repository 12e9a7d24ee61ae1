//! The example notation of fact rules: a text with its mentions marked inline,
//! `[J-AISI](institute:JP) was established on [14 February 2024](date:2024-02-14)`, so that an
//! example states exactly what the find stage is assumed to give, and the claims written
//! `JP established 2024-02-14`.

use crate::model::{Claim, Mention, MentionKind};
use serde_json::Value;
use std::collections::BTreeMap;

fn kind_of(s: &str) -> Option<MentionKind> {
    serde_json::from_value(Value::String(s.to_string())).ok()
}

/// Plain text and mentions from marked-up text. Brackets that do not mark a mention of a
/// known kind are kept as text.
pub fn parse(marked: &str) -> (String, Vec<Mention>) {
    let mut text = String::new();
    let mut mentions = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match parse_one(after) {
            Some((inner, kind, value, used)) => {
                let start = text.len();
                text.push_str(inner);
                mentions.push(Mention {
                    id: String::new(),
                    doc: "example".to_string(),
                    kind,
                    text: inner.to_string(),
                    start,
                    end: text.len(),
                    page: 1,
                    rule: "example".to_string(),
                    value,
                    extra: BTreeMap::new(),
                });
                rest = &after[used..];
            }
            None => {
                text.push('[');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    (text, mentions)
}

/// `inner](kind:value)` → (inner, kind, value, bytes used).
fn parse_one(s: &str) -> Option<(&str, MentionKind, Value, usize)> {
    let close = s.find("](")?;
    let inner = &s[..close];
    if inner.contains('[') {
        return None;
    }
    let spec = &s[close + 2..];
    let colon = spec.find(':')?;
    let kind = kind_of(&spec[..colon])?;
    let v = &spec[colon + 1..];
    let (value, len) = if v.starts_with('{') {
        let mut depth = 0;
        let mut end = None;
        for (i, c) in v.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end?;
        (serde_json::from_str(&v[..end]).ok()?, end)
    } else {
        let end = v.find(')')?;
        (Value::String(v[..end].to_string()), end)
    };
    if !v[len..].starts_with(')') {
        return None;
    }
    Some((inner, kind, value, close + 2 + colon + 1 + len + 1))
}

/// An entity id or value as an example writes it: `institute:JP` → `JP`, other entity
/// ids → their display name, strings as they are, money `10000000 USD/year`, ranges
/// `min-max`, quantities `c.20 staff`.
pub fn show_object(v: &Value, names: &BTreeMap<String, String>) -> String {
    match v {
        Value::String(s) => {
            if let Some(code) = s.strip_prefix("institute:") {
                code.to_string()
            } else if let Some(n) = names.get(s) {
                n.clone()
            } else {
                s.clone()
            }
        }
        Value::Object(o) => {
            let num = |k: &str| o.get(k).map(|x| x.to_string());
            let amount = num("amount")
                .or_else(|| num("value"))
                .or_else(|| Some(format!("{}-{}", num("min")?, num("max")?)))
                .unwrap_or_default();
            if let Some(cur) = o.get("currency").and_then(Value::as_str) {
                match o.get("per").and_then(Value::as_str) {
                    Some(p) => format!("{amount} {cur}/{p}"),
                    None => format!("{amount} {cur}"),
                }
            } else {
                let approx = o.get("approx").and_then(Value::as_bool) == Some(true);
                let unit = o.get("unit").and_then(Value::as_str).unwrap_or("");
                format!("{}{amount} {unit}", if approx { "c." } else { "" })
            }
        }
        other => other.to_string(),
    }
}

/// A claim as an example writes it: `SUBJECT predicate OBJECT`.
pub fn show_claim(c: &Claim) -> String {
    format!(
        "{} {} {}",
        show_object(&Value::String(c.subject.clone()), &c.names),
        c.predicate,
        show_object(&c.object, &c.names)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_mentions_become_spans_of_the_plain_text() {
        let (t, ms) = parse(
            "[J-AISI](institute:JP) got [$10 million](money:{\"amount\":10000000,\"currency\":\"USD\"}) [sic](#).",
        );
        assert_eq!(t, "J-AISI got $10 million [sic](#).");
        assert_eq!(ms.len(), 2);
        assert_eq!(&t[ms[0].start..ms[0].end], "J-AISI");
        assert_eq!(ms[0].value, Value::String("JP".into()));
        assert_eq!(ms[1].kind, MentionKind::Money);
        assert_eq!(ms[1].value["amount"], 10000000);
    }
}
