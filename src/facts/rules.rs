//! The fact rule files (`rules/facts/*.toml`): their format, and compiling them.
//! The format is described for rule writers in `docs/rules-facts.md`.

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One file as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    /// Named sub-patterns, written `{NAME}` in this file's regular expressions (as in
    /// the pattern rules' files).
    #[serde(default)]
    macros: BTreeMap<String, String>,
    #[serde(default)]
    prose: Vec<ProseSpec>,
    #[serde(default)]
    table_row: Vec<RowSpec>,
    #[serde(default)]
    pair_list: Vec<PairSpec>,
    /// Reference data on institutes by code: name, country name, currency.
    #[serde(default)]
    institute: BTreeMap<String, InstituteInfo>,
    /// Words that refer back to an institute named earlier (at most one file sets them).
    #[serde(default)]
    coreference: Option<CorefSpec>,
    /// What an institute can be said to be or have (at most one file sets them).
    #[serde(default)]
    bounds: Option<Bounds>,
    /// Sentences no prose rule reads.
    #[serde(default)]
    sentences: Option<SentencesSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SentencesSpec {
    skip: String,
    #[serde(default)]
    example: Vec<SkipExample>,
}

/// A sentence and whether `skip` must match it.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct SkipExample {
    pub text: String,
    pub skip: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorefSpec {
    anaphor: String,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default)]
    event_anaphor: Option<String>,
    #[serde(default)]
    own_name: Option<String>,
    #[serde(default)]
    plural: Option<String>,
    #[serde(default)]
    former_latter: Option<String>,
    #[serde(default)]
    seats: BTreeMap<String, String>,
    #[serde(default = "default_coref_lookback")]
    lookback: usize,
}

fn yes() -> bool {
    true
}

fn default_coref_lookback() -> usize {
    1500
}

/// How a sentence refers back to an institute without naming it: an `anaphor` ("the
/// institute", "it", "the new body") stands for the institute named last within `lookback`
/// bytes, else for the document's topic; a `speaker` ("we", "our") for the topic.
#[derive(Clone, Debug)]
pub struct Coref {
    pub anaphor: Regex,
    pub speaker: Option<Regex>,
    pub event_anaphor: Option<Regex>,
    /// How a document names its own institute without its country ("the AI Safety
    /// Institute", "the Institute"): where it does so often, its country stands for it.
    pub own_name: Option<Regex>,
    /// A plural that counts the institutes it refers to ("all six", "both"), with the count
    /// in a group `n`: the list of that many institutes the text named last.
    pub plural: Option<Regex>,
    /// "the former", "the latter": the first or the last of the two institutes named last.
    pub former_latter: Option<Regex>,
    /// Seats of government by name, with the code of their country's institute: "In
    /// Washington the institute ..." is that country's.
    pub seats: BTreeMap<String, String>,
    pub lookback: usize,
}

/// What an institute can be said to be or have: the institutes are young and small, so a
/// date before `years_from` or a count above `count_at_most` tells of another body named
/// beside one (its host, a partner: "It sits within ETRI. The agency was founded in 1976
/// and has 2,000 staff"; "NIST, which hosts the institute, was founded in 1901").
#[derive(Deserialize, Clone, Copy, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default)]
    pub years_from: Option<i32>,
    #[serde(default)]
    pub count_at_most: Option<f64>,
}

impl Bounds {
    /// Whether `object` (a date string or a quantity) is within the bounds.
    pub fn allows(&self, object: &serde_json::Value) -> bool {
        if let (Some(from), Some(v)) = (self.years_from, object.as_str()) {
            // A date value starts with its year ("1976", "1976-05/1976-06").
            if let Some(y) = v.get(..4).and_then(|y| y.parse::<i32>().ok())
                && y < from
            {
                return false;
            }
        }
        if let (Some(most), Some(q)) = (self.count_at_most, object.as_object()) {
            let n = ["value", "max", "min"]
                .iter()
                .find_map(|k| q.get(*k).and_then(serde_json::Value::as_f64));
            if n.is_some_and(|n| n > most) {
                return false;
            }
        }
        true
    }
}

/// What the rules know of an institute by its code.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InstituteInfo {
    pub name: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    /// A body of members (a network of institutes): what meets when a text says its
    /// members met without naming it.
    #[serde(default)]
    pub collective: bool,
    /// The bodies that house the institute (organisation names as the entity rules give
    /// them): a page whose masthead names one is the institute's own page.
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// A worked example: text with mentions marked `[text](kind:value)` and the claims the rule
/// must produce from it, each written `SUBJECT predicate OBJECT` (see `markup::show_claim`).
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    #[serde(default)]
    pub facts: Vec<String>,
    /// Publication date of the imagined document (for `as_of` defaults).
    #[serde(default)]
    pub published: Option<String>,
}

#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Before,
    After,
    #[default]
    Any,
}

#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Pick {
    #[default]
    Nearest,
    All,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProseSpec {
    id: String,
    predicate: String,
    subject: Vec<String>,
    object: Vec<String>,
    #[serde(default)]
    object_value: Option<String>,
    #[serde(default)]
    object_collective: bool,
    #[serde(default)]
    subject_collective: bool,
    #[serde(default)]
    object_unit: Option<String>,
    #[serde(default)]
    exclude_collective: bool,
    #[serde(default)]
    object_lookback: usize,
    #[serde(default)]
    object_implied: bool,
    trigger: String,
    #[serde(default)]
    exclude: Option<String>,
    #[serde(default)]
    require: Option<String>,
    #[serde(default)]
    subjects: Pick,
    #[serde(default)]
    objects: Pick,
    #[serde(default)]
    subject_side: Side,
    #[serde(default)]
    object_side: Side,
    #[serde(default = "default_words")]
    max_words: usize,
    #[serde(default)]
    subject_lookback: usize,
    #[serde(default)]
    subject_coref: bool,
    #[serde(default = "yes")]
    subject_speaker: bool,
    #[serde(default)]
    object_after_subject: bool,
    #[serde(default)]
    subject_event: Option<String>,
    #[serde(default)]
    sentence_date: bool,
    #[serde(default)]
    between_exclude: Option<String>,
    #[serde(default)]
    trigger_gap_exclude: Option<String>,
    #[serde(default)]
    heading_object: bool,
    #[serde(default)]
    planned_when_future: bool,
    #[serde(default)]
    pair_subjects: bool,
    #[serde(default)]
    fronted_subject: bool,
    #[serde(default)]
    opening_body_blocks: bool,
    #[serde(default)]
    other_body_blocks: bool,
    #[serde(default)]
    subject_not_after: Option<String>,
    #[serde(default)]
    subject_after_via: Option<String>,
    #[serde(default)]
    date_qualifier_not_after: Option<String>,
    #[serde(default)]
    object_not_after: Option<String>,
    #[serde(default)]
    object_not_before: Option<String>,
    #[serde(default)]
    subject_not_before: Option<String>,
    #[serde(default)]
    exclude_values: Vec<String>,
    #[serde(default)]
    clause_split: Option<String>,
    #[serde(default)]
    max_pair_words: Option<usize>,
    #[serde(default)]
    max_object_words: Option<usize>,
    #[serde(default)]
    qualifiers: BTreeMap<String, toml::Value>,
    #[serde(default)]
    date_qualifier: Option<String>,
    #[serde(default)]
    trigger_qualifier: Option<String>,
    #[serde(default)]
    name_from: Option<String>,
    #[serde(default)]
    period_qualifier: Option<String>,
    #[serde(default)]
    lookback_exclude: Option<String>,
    #[serde(default)]
    label_lines: bool,
    #[serde(default)]
    unstopped_lines: bool,
    #[serde(default)]
    list_heading: Option<String>,
    #[serde(default)]
    marks: Vec<MarkSpec>,
    #[serde(default)]
    example: Vec<Example>,
}

fn default_words() -> usize {
    30
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct MarkSpec {
    pattern: String,
    #[serde(default)]
    predicate: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    value: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowSpec {
    id: String,
    label: String,
    predicate: String,
    object: String,
    #[serde(default)]
    fallback_text: bool,
    #[serde(default)]
    row_exclude: Option<String>,
    #[serde(default)]
    local_currency: Option<String>,
    #[serde(default)]
    date_qualifier: Option<String>,
    #[serde(default)]
    object_value: Option<String>,
    #[serde(default)]
    value_cell: Option<String>,
    #[serde(default)]
    marks: Vec<MarkSpec>,
    #[serde(default)]
    example: Vec<Example>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairSpec {
    id: String,
    separator: String,
    predicate: String,
    #[serde(default = "default_type_key")]
    type_key: String,
    sides: Vec<String>,
    #[serde(default)]
    example: Vec<Example>,
}

fn default_type_key() -> String {
    "type".to_string()
}

/// A pattern in a cell or sentence that changes the claim: another predicate (a cell marked
/// "(Announced)") or a qualifier (`type = "planned"`).
#[derive(Clone, Debug)]
pub struct Mark {
    pub pattern: Regex,
    pub predicate: Option<String>,
    pub key: Option<String>,
    pub value: Option<Value>,
}

/// A rule over sentences: a trigger, a subject mention and an object mention near it.
#[derive(Clone, Debug)]
pub struct ProseRule {
    pub id: String,
    pub file: String,
    pub predicate: String,
    pub subject: Vec<String>,
    pub object: Vec<String>,
    pub object_value: Option<String>,
    /// The object must be a body of members (`collective` in institutes.toml).
    pub object_collective: bool,
    /// The subject must be a body of members (a network starts when it first meets).
    pub subject_collective: bool,
    /// The object (a quantity) must count this unit (`staff`, not `members`).
    pub object_unit: Option<String>,
    /// No body of members is a party of this rule.
    pub exclude_collective: bool,
    pub object_lookback: usize,
    pub object_implied: bool,
    pub trigger: Regex,
    pub exclude: Option<Regex>,
    pub require: Option<Regex>,
    pub subjects: Pick,
    pub objects: Pick,
    pub subject_side: Side,
    pub object_side: Side,
    pub max_words: usize,
    pub subject_lookback: usize,
    pub subject_coref: bool,
    /// With `subject_coref`: a speaker's word ("we", "our") may be the subject. Not where
    /// the institute is what the verb makes ("we announced our new office" is no
    /// announcement of the institute).
    pub subject_speaker: bool,
    pub object_after_subject: bool,
    pub subject_event: Option<String>,
    pub sentence_date: bool,
    pub between_exclude: Option<Regex>,
    /// Text between the trigger and the object that puts the object in another clause
    /// ("a few weeks before the institute took a new name").
    pub trigger_gap_exclude: Option<Regex>,
    pub heading_object: bool,
    /// A date object after the document's publication date is a plan: the fact is
    /// qualified `status: planned`.
    pub planned_when_future: bool,
    pub pair_subjects: bool,
    /// A clause that opens on the trigger ("Together with A, B ran ...") has its subject
    /// after the comma that ends the trigger's first object.
    pub fronted_subject: bool,
    /// A sentence that opens on another body (an organisation, after any countries that
    /// own it: "Kenya's ICT ministry") tells that body's own founding, staff, budget or
    /// head, up to the first party of the subject's kind.
    pub opening_body_blocks: bool,
    /// A trigger owned by another body: right after its possessive ("DSIT's budget",
    /// "NIST's director") or inside a relative clause on it ("ETRI, which was founded in
    /// 1976 and has 2,000 staff").
    pub other_body_blocks: bool,
    /// The text just before a subject must not match this (`with the` makes it an object).
    pub subject_not_after: Option<Regex>,
    /// A subject after the trigger must follow text matching this ("150 staff at the",
    /// "director of the"): a body named later in the sentence by any other link is
    /// another clause's ("has 150 staff, dwarfing its US counterpart").
    pub subject_after_via: Option<Regex>,
    /// A date right after text matching this is another event's, not the claim's
    /// `date_qualifier` ("launched in November 2023, now has 150 staff").
    pub date_qualifier_not_after: Option<Regex>,
    pub object_not_after: Option<Regex>,
    /// The text just after an object must not match this ("¥1 trillion in AI" is a
    /// country's spending; "the Department's Institute" names a body inside it).
    pub object_not_before: Option<Regex>,
    /// A subject right before text matching this is not the subject ("Ruritania's culture
    /// ministry": the ministry acts, not the country's institute).
    pub subject_not_before: Option<Regex>,
    /// Entity values (codes or names) never a party for this rule.
    pub exclude_values: Vec<String>,
    /// Where a sentence splits into clauses; subject, trigger and object share one.
    pub clause_split: Option<Regex>,
    /// Most words between subject and object.
    pub max_pair_words: Option<usize>,
    /// Most words between trigger and object, when it differs from `max_words`.
    pub max_object_words: Option<usize>,
    pub qualifiers: BTreeMap<String, Value>,
    pub date_qualifier: Option<String>,
    pub trigger_qualifier: Option<String>,
    /// A pattern with a `name` group: the words it captures in the clause, from the
    /// trigger on, are `qualifiers.name` (the new name of a renamed institute).
    pub name_from: Option<Regex>,
    /// A date in the clause that spans months or years (a fiscal year, "2024-2030")
    /// becomes this qualifier (`period` of funding); a single day or month never does.
    pub period_qualifier: Option<String>,
    /// A clause that matches takes no subject from `subject_lookback` (a recommendation or
    /// a heading states no fact of the passage's institute).
    pub lookback_exclude: Option<Regex>,
    /// A fact sheet's line ("Director: A. Name", "Author: A. Name, Chair") refers back to
    /// the passage's institute like a sentence does, though it ends in no full stop.
    pub label_lines: bool,
    /// A list item ("(3) Cooperation with A", "- ..."), a timeline row's cell or one of
    /// the page's opening lines ("Part of the Ministry of X") refers back to the passage's
    /// institute like a sentence does, though it ends in no full stop.
    pub unstopped_lines: bool,
    /// The rule reads only the items of a list under a heading that matches ("Partners"):
    /// an item's label ("- Borduria: a memorandum ...") is the object, the passage's
    /// institute the subject.
    pub list_heading: Option<Regex>,
    pub marks: Vec<Mark>,
    pub examples: Vec<Example>,
}

/// A rule over table rows: a row whose label matches gives one claim per institute column.
#[derive(Clone, Debug)]
pub struct RowRule {
    pub id: String,
    pub file: String,
    pub label: Regex,
    pub predicate: String,
    pub object: String,
    pub fallback_text: bool,
    pub row_exclude: Option<Regex>,
    pub local_currency: Option<Regex>,
    pub date_qualifier: Option<String>,
    /// A cell that matches `value_cell` ("yes" under "Network member") gives this object
    /// (an institute code): the column's label names the object, the cell says it holds.
    pub object_value: Option<String>,
    pub value_cell: Option<Regex>,
    pub marks: Vec<Mark>,
    pub examples: Vec<Example>,
}

/// A rule over pair lists: `A <> B<TAB>type` lines, further types on lines that start with
/// a tab.
#[derive(Clone, Debug)]
pub struct PairRule {
    pub id: String,
    pub file: String,
    pub separator: Regex,
    pub predicate: String,
    pub type_key: String,
    pub sides: Vec<String>,
    pub examples: Vec<Example>,
}

/// The compiled fact rules.
#[derive(Clone, Debug, Default)]
pub struct FactRules {
    pub prose: Vec<ProseRule>,
    pub rows: Vec<RowRule>,
    pub pairs: Vec<PairRule>,
    pub institutes: BTreeMap<String, InstituteInfo>,
    pub coref: Option<Coref>,
    /// What an institute can be said to be or have.
    pub bounds: Option<Bounds>,
    /// Sentences no prose rule reads (reference-list entries cite; they do not state).
    pub skip: Option<Regex>,
    pub skip_examples: Vec<(String, SkipExample)>,
}

/// Where an optional pattern of a prose rule must match: anywhere, at the start of the
/// text it reads (what follows a mention) or at its end (what leads into one).
#[derive(Clone, Copy)]
enum Anchor {
    Free,
    Start,
    End,
}

/// An optional pattern of a prose rule (`what` names its key in errors), anchored.
fn optional(
    file: &Src,
    rule: &str,
    what: &str,
    pattern: Option<&str>,
    at: Anchor,
) -> Result<Option<Regex>> {
    pattern
        .map(|e| {
            let e = match at {
                Anchor::Free => e.to_string(),
                Anchor::Start => format!("^(?:{e})"),
                Anchor::End => format!("(?:{e})$"),
            };
            regex(file, rule, what, &e)
        })
        .transpose()
}

/// A rule file being read: its name (for errors) and its expanded `[macros]`.
struct Src<'a> {
    name: &'a str,
    macros: BTreeMap<String, String>,
}

fn regex(file: &Src, rule: &str, what: &str, pattern: &str) -> Result<Regex> {
    let pattern = crate::find::rulefile::substitute(pattern, &file.macros).map_err(|m| {
        anyhow::anyhow!(
            "{}: rule {rule}: unknown macro {{{m}}} in {what}; define it under [macros]",
            file.name
        )
    })?;
    // Word boundaries are taken as ASCII ones: rule words are English, and a Unicode `\b`
    // keeps the regex engine off its fast automaton (measured: most of the build stage's
    // time on the corpus). Letters beyond ASCII still match where a pattern names them.
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    regex::RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .build()
        .with_context(|| format!("{}: rule {rule}: bad {what} pattern", file.name))
}

fn json(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn marks(file: &Src, rule: &str, specs: &[MarkSpec]) -> Result<Vec<Mark>> {
    specs
        .iter()
        .map(|m| {
            if m.predicate.is_none() && m.key.is_none() {
                bail!(
                    "{}: rule {rule}: a mark needs `predicate` or `key`",
                    file.name
                );
            }
            Ok(Mark {
                pattern: regex(file, rule, "mark", &m.pattern)?,
                predicate: m.predicate.clone(),
                key: m.key.clone(),
                value: m.value.as_ref().map(json),
            })
        })
        .collect()
}

const KINDS: &[&str] = &[
    "date",
    "money",
    "quantity",
    "institute",
    "organization",
    "country",
    "person",
    "event",
    "location",
];

fn check_kind(file: &str, rule: &str, kind: &str) -> Result<()> {
    if !KINDS.contains(&kind) {
        bail!(
            "{file}: rule {rule}: unknown mention kind `{kind}` (one of {})",
            KINDS.join(", ")
        );
    }
    Ok(())
}

impl FactRules {
    /// Loads every `.toml` file under `dir`. A missing folder gives no rules; a bad file
    /// is an error naming the file and rule.
    pub fn load(dir: &Path) -> Result<FactRules> {
        FactRules::from_files(&crate::rules::folder_files(dir)?)
    }

    /// The rules of these files (see [`FactRules::load`]).
    pub fn from_files(files: &[crate::rules::RuleFile]) -> Result<FactRules> {
        let mut rules = FactRules::default();
        for f in files {
            rules
                .add_file(&format!("facts/{}", f.rel), &f.text)
                .with_context(|| format!("in {}", f.shown))?;
        }
        Ok(rules)
    }

    /// Adds the rules of one file's source; `file` names it in errors and examples.
    pub fn add_file(&mut self, file: &str, src: &str) -> Result<()> {
        let spec: FileSpec = toml::from_str(src).with_context(|| format!("{file}: not valid"))?;
        let px = Src {
            name: file,
            macros: crate::find::rulefile::expand_macros(file, &spec.macros)?,
        };
        for p in spec.prose {
            for k in &p.subject {
                check_kind(file, &p.id, k)?;
            }
            for k in &p.object {
                check_kind(file, &p.id, k)?;
            }
            let re =
                |what: &str, e: &Option<String>, at| optional(&px, &p.id, what, e.as_deref(), at);
            let object_not_after = re("object_not_after", &p.object_not_after, Anchor::End)?;
            let object_not_before = re("object_not_before", &p.object_not_before, Anchor::Start)?;
            let subject_not_before =
                re("subject_not_before", &p.subject_not_before, Anchor::Start)?;
            let subject_not_after = re("subject_not_after", &p.subject_not_after, Anchor::End)?;
            let subject_after_via = re("subject_after_via", &p.subject_after_via, Anchor::End)?;
            let date_qualifier_not_after = re(
                "date_qualifier_not_after",
                &p.date_qualifier_not_after,
                Anchor::End,
            )?;
            let clause_split = re("clause_split", &p.clause_split, Anchor::Free)?;
            let trigger_gap_exclude =
                re("trigger_gap_exclude", &p.trigger_gap_exclude, Anchor::Free)?;
            let lookback_exclude = re("lookback_exclude", &p.lookback_exclude, Anchor::Free)?;
            let list_heading = re("list_heading", &p.list_heading, Anchor::Free)?;
            let name_from = re("name_from", &p.name_from, Anchor::Free)?;
            let between_exclude = re("between_exclude", &p.between_exclude, Anchor::Free)?;
            self.prose.push(ProseRule {
                file: file.to_string(),
                subject_not_after,
                subject_after_via,
                date_qualifier_not_after,
                object_not_after,
                object_not_before,
                subject_not_before,
                clause_split,
                exclude_values: p.exclude_values.clone(),
                trigger: regex(&px, &p.id, "trigger", &p.trigger)?,
                exclude: p
                    .exclude
                    .as_deref()
                    .map(|e| regex(&px, &p.id, "exclude", e))
                    .transpose()?,
                require: p
                    .require
                    .as_deref()
                    .map(|e| regex(&px, &p.id, "require", e))
                    .transpose()?,
                qualifiers: p
                    .qualifiers
                    .iter()
                    .map(|(k, v)| (k.clone(), json(v)))
                    .collect(),
                marks: marks(&px, &p.id, &p.marks)?,
                id: p.id,
                predicate: p.predicate,
                subject: p.subject,
                object: p.object,
                object_value: p.object_value,
                object_collective: p.object_collective,
                subject_collective: p.subject_collective,
                object_unit: p.object_unit,
                exclude_collective: p.exclude_collective,
                object_lookback: p.object_lookback,
                object_implied: p.object_implied,
                subjects: p.subjects,
                objects: p.objects,
                subject_side: p.subject_side,
                object_side: p.object_side,
                max_words: p.max_words,
                subject_lookback: p.subject_lookback,
                subject_coref: p.subject_coref,
                subject_speaker: p.subject_speaker,
                object_after_subject: p.object_after_subject,
                subject_event: p.subject_event,
                sentence_date: p.sentence_date,
                between_exclude,
                trigger_gap_exclude,
                heading_object: p.heading_object,
                planned_when_future: p.planned_when_future,
                pair_subjects: p.pair_subjects,
                fronted_subject: p.fronted_subject,
                opening_body_blocks: p.opening_body_blocks,
                other_body_blocks: p.other_body_blocks,
                max_pair_words: p.max_pair_words,
                max_object_words: p.max_object_words,
                date_qualifier: p.date_qualifier,
                trigger_qualifier: p.trigger_qualifier,
                name_from,
                period_qualifier: p.period_qualifier,
                lookback_exclude,
                label_lines: p.label_lines,
                unstopped_lines: p.unstopped_lines,
                list_heading,
                examples: p.example,
            });
        }
        for r in spec.table_row {
            check_kind(file, &r.id, &r.object)?;
            self.rows.push(RowRule {
                file: file.to_string(),
                label: regex(&px, &r.id, "label", &r.label)?,
                row_exclude: r
                    .row_exclude
                    .as_deref()
                    .map(|e| regex(&px, &r.id, "row_exclude", e))
                    .transpose()?,
                local_currency: r
                    .local_currency
                    .as_deref()
                    .map(|e| regex(&px, &r.id, "local_currency", e))
                    .transpose()?,
                value_cell: r
                    .value_cell
                    .as_deref()
                    .map(|e| regex(&px, &r.id, "value_cell", e))
                    .transpose()?,
                object_value: r.object_value,
                marks: marks(&px, &r.id, &r.marks)?,
                id: r.id,
                predicate: r.predicate,
                object: r.object,
                fallback_text: r.fallback_text,
                date_qualifier: r.date_qualifier,
                examples: r.example,
            });
        }
        for p in spec.pair_list {
            for k in &p.sides {
                check_kind(file, &p.id, k)?;
            }
            self.pairs.push(PairRule {
                file: file.to_string(),
                separator: regex(&px, &p.id, "separator", &p.separator)?,
                id: p.id,
                predicate: p.predicate,
                type_key: p.type_key,
                sides: p.sides,
                examples: p.example,
            });
        }
        if let Some(b) = spec.bounds {
            if self.bounds.is_some() {
                bail!("{file}: `[bounds]` is set by another file already");
            }
            self.bounds = Some(b);
        }
        if let Some(c) = spec.coreference {
            if self.coref.is_some() {
                bail!("{file}: `[coreference]` is set by another file already");
            }
            self.coref = Some(Coref {
                anaphor: regex(&px, "coreference", "anaphor", &c.anaphor)?,
                speaker: optional(
                    &px,
                    "coreference",
                    "speaker",
                    c.speaker.as_deref(),
                    Anchor::Free,
                )?,
                event_anaphor: optional(
                    &px,
                    "coreference",
                    "event_anaphor",
                    c.event_anaphor.as_deref(),
                    Anchor::Free,
                )?,
                own_name: optional(
                    &px,
                    "coreference",
                    "own_name",
                    c.own_name.as_deref(),
                    Anchor::Free,
                )?,
                plural: optional(
                    &px,
                    "coreference",
                    "plural",
                    c.plural.as_deref(),
                    Anchor::Free,
                )?,
                former_latter: optional(
                    &px,
                    "coreference",
                    "former_latter",
                    c.former_latter.as_deref(),
                    Anchor::Free,
                )?,
                seats: c.seats,
                lookback: c.lookback,
            });
        }
        if let Some(sp) = spec.sentences {
            if self.skip.is_some() {
                bail!("{file}: `[sentences]` is set by another file already");
            }
            self.skip = Some(regex(&px, "sentences", "skip", &sp.skip)?);
            self.skip_examples
                .extend(sp.example.into_iter().map(|e| (file.to_string(), e)));
        }
        for (code, info) in spec.institute {
            self.institutes.insert(code, info);
        }
        let mut seen = std::collections::BTreeSet::new();
        for id in self
            .prose
            .iter()
            .map(|r| &r.id)
            .chain(self.rows.iter().map(|r| &r.id))
            .chain(self.pairs.iter().map(|r| &r.id))
        {
            if !seen.insert(id.clone()) {
                bail!("{file}: rule id `{id}` is used twice; ids name rules in the output");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_patterns_and_kinds_are_errors_naming_file_and_rule() {
        let mut r = FactRules::default();
        let e = r
            .add_file(
                "facts/x.toml",
                "[[prose]]\nid='a'\npredicate='p'\nsubject=['institute']\nobject=['date']\ntrigger='('\n",
            )
            .unwrap_err();
        assert!(format!("{e:#}").contains("facts/x.toml: rule a: bad trigger"));
        let e = r
            .add_file(
                "facts/y.toml",
                "[[prose]]\nid='b'\npredicate='p'\nsubject=['thing']\nobject=['date']\ntrigger='x'\n",
            )
            .unwrap_err();
        assert!(format!("{e:#}").contains("unknown mention kind `thing`"));
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let mut r = FactRules::default();
        assert!(
            r.add_file("facts/z.toml", "[[prose]]\nid='a'\ntrigers='x'\n")
                .is_err()
        );
    }
}
