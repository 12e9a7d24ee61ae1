//! The pattern-rule file format (`rules/patterns/*.toml`): parsing, macro expansion and
//! validation. Compiling and running the rules is `engine`'s job; this module only turns a
//! file into checked [`RuleSpec`]s, or into an error that names the file, the line and the
//! rule.
//!
//! A file holds `[macros]` (named sub-patterns such as `MONTH`, written `{MONTH}` inside
//! patterns and other macros) and `[[rule]]` tables with examples. `docs/rules.md` is the
//! reference for authors.

use anyhow::{Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// One rule as written in a file, macros expanded.
#[derive(Clone, Debug)]
pub struct RuleSpec {
    pub id: String,
    pub kind: String,
    pub normaliser: String,
    pub pattern: String,
    pub priority: i32,
    /// Optional pattern the text just before the match must end with (a look-behind); its
    /// named groups join the match's and it becomes part of the mention.
    pub prefix: Option<String>,
    /// Optional patterns the text just before the match must (not) end with; they only
    /// filter, the mention does not grow.
    pub preceded_by: Option<String>,
    pub not_preceded_by: Option<String>,
    /// 1-based line of the rule's `id`.
    pub line: usize,
    pub examples: Vec<Example>,
    pub counter_examples: Vec<String>,
}

/// A must-match example: the snippet, the text the rule must match in it and the value it
/// must produce (plus optional extra fields such as `anchor` and `qualifier`).
#[derive(Clone, Debug)]
pub struct Example {
    pub text: String,
    pub expect: String,
    pub value: Option<serde_json::Value>,
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Publication date the example is evaluated against (for year-less and relative dates).
    pub published: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    macros: BTreeMap<String, String>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: String,
    normaliser: String,
    pattern: String,
    #[serde(default)]
    priority: i32,
    prefix: Option<String>,
    preceded_by: Option<String>,
    not_preceded_by: Option<String>,
    #[serde(default, rename = "match")]
    examples: Vec<RawExample>,
    #[serde(default)]
    no_match: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    text: String,
    /// Defaults to the whole snippet.
    expect: Option<String>,
    value: Option<toml::Value>,
    #[serde(default)]
    extra: BTreeMap<String, toml::Value>,
    published: Option<String>,
}

/// Parses one rule file. `name` is the file's path for messages.
pub fn parse(name: &str, source: &str) -> Result<Vec<RuleSpec>> {
    let raw: RawFile = match toml::from_str(source) {
        Ok(r) => r,
        Err(e) => {
            let line = e
                .span()
                .map(|s| line_of(source, s.start))
                .map(|l| format!(", line {l}"))
                .unwrap_or_default();
            bail!(
                "{name}{line}: not a valid rule file: {}",
                e.message().trim_end()
            );
        }
    };
    let macros = expand_macros(name, &raw.macros)?;
    let mut out = Vec::with_capacity(raw.rule.len());
    let mut seen = BTreeMap::new();
    for r in raw.rule {
        let line = line_of(source, r.id.span().start);
        let id = r.id.into_inner();
        let at = format!("{name}, line {line}, rule {id:?}");
        if id.trim().is_empty() {
            bail!("{name}, line {line}: a rule has an empty id; give every rule a unique id");
        }
        if let Some(prev) = seen.insert(id.clone(), line) {
            bail!("{at}: the id is already used at line {prev}; rule ids must be unique");
        }
        let expand = |field: &str, p: &str| {
            substitute(p, &macros).map_err(|m| {
                anyhow::anyhow!("{at}: unknown macro {{{m}}} in {field}; define it under [macros]")
            })
        };
        let pattern = expand("pattern", &r.pattern)?;
        let prefix = r
            .prefix
            .as_deref()
            .map(|p| expand("prefix", p))
            .transpose()?;
        let preceded_by = r
            .preceded_by
            .as_deref()
            .map(|p| expand("preceded_by", p))
            .transpose()?;
        let not_preceded_by = r
            .not_preceded_by
            .as_deref()
            .map(|p| expand("not_preceded_by", p))
            .transpose()?;
        let examples = r
            .examples
            .into_iter()
            .map(|e| Example {
                expect: e.expect.unwrap_or_else(|| e.text.clone()),
                text: e.text,
                value: e.value.map(toml_to_json),
                extra: e
                    .extra
                    .into_iter()
                    .map(|(k, v)| (k, toml_to_json(v)))
                    .collect(),
                published: e.published,
            })
            .collect();
        out.push(RuleSpec {
            id,
            kind: r.kind,
            normaliser: r.normaliser,
            pattern,
            priority: r.priority,
            prefix,
            preceded_by,
            not_preceded_by,
            line,
            examples,
            counter_examples: r.no_match,
        });
    }
    Ok(out)
}

/// Expands macros that use other macros, refusing cycles.
pub(crate) fn expand_macros(
    name: &str,
    raw: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut done: BTreeMap<String, String> = BTreeMap::new();
    // Each round expands macros whose references are all done; a round without progress
    // means a cycle or an unknown name.
    let mut left: Vec<&String> = raw.keys().collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|k| match substitute(&raw[*k], &done) {
            Ok(p) => {
                done.insert((*k).clone(), p);
                false
            }
            Err(_) => true,
        });
        if left.len() == before {
            let k = left[0];
            let missing = substitute(&raw[k], &done).err().unwrap_or_default();
            bail!("{name}: macro {k} uses {{{missing}}}, which is undefined or part of a cycle");
        }
    }
    Ok(done)
}

/// Replaces `{NAME}` (upper-case letters, digits, `_`) by the macro's pattern wrapped in a
/// non-capturing group. Regex repetitions such as `{2}` or `{1,3}` are left alone.
/// Returns the first unknown name as the error.
pub(crate) fn substitute(
    pattern: &str,
    macros: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let len = tail
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        let is_macro = len > 0
            && tail[..len].starts_with(|c: char| c.is_ascii_uppercase())
            && tail[len..].starts_with('}')
            && !(i > 0 && rest.as_bytes()[i - 1] == b'\\');
        if is_macro {
            let key = &tail[..len];
            match macros.get(key) {
                Some(p) => {
                    out.push_str("(?:");
                    out.push_str(p);
                    out.push(')');
                }
                None => return Err(key.to_string()),
            }
            rest = &tail[len + 1..];
        } else {
            out.push('{');
            rest = tail;
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn line_of(source: &str, at: usize) -> usize {
    source.as_bytes()[..at.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_expand_inside_patterns_and_other_macros() {
        let src = r#"
[macros]
DAY = '\d{1,2}'
DATE = '{DAY}/{DAY}'
[[rule]]
id = "r"
kind = "date"
normaliser = "date"
pattern = 'on {DATE}'
"#;
        let rules = parse("t.toml", src).unwrap();
        assert_eq!(rules[0].pattern, r"on (?:(?:\d{1,2})/(?:\d{1,2}))");
        assert_eq!(rules[0].line, 6);
    }

    #[test]
    fn unknown_macro_names_file_line_and_rule() {
        let src =
            "[[rule]]\nid = \"x\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '{NOPE}'\n";
        let e = parse("f.toml", src).unwrap_err().to_string();
        assert!(e.contains("f.toml, line 2, rule \"x\""), "{e}");
        assert!(e.contains("NOPE"), "{e}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("f.toml", "[[rule]]\nid = \n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.toml, line 2"), "{e}");
    }

    #[test]
    fn macro_cycles_are_refused() {
        let src = "[macros]\nA = '{B}'\nB = '{A}'\n";
        assert!(parse("f.toml", src).is_err());
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let r = "[[rule]]\nid = \"x\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = 'a'\n";
        let e = parse("f.toml", &format!("{r}{r}")).unwrap_err().to_string();
        assert!(e.contains("already used at line 2"), "{e}");
    }
}
