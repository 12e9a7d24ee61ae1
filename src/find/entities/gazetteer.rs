//! Gazetteers: the rule files of `rules/entities/` read, checked and compiled into one
//! trie of every alias, and the single pass of that trie over a document.
//!
//! Matching runs over a normalised copy of the text ([`NormText`]: whitespace runs collapsed,
//! curly apostrophes and odd hyphens made ASCII, ligatures split) so that a name broken
//! across a PDF line still matches; every match maps back to exact byte offsets of the
//! original. This module never decides what a match means in context: see `context.rs`.

use super::word_starts::WordStarts;
use crate::model::MentionKind;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::HashMap;

/// One rule file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    /// What the entries are: institute, organization, country, event, location, person.
    kind: String,
    /// `exact` makes every alias of the file case-sensitive (country names: "Turkey",
    /// "Chad"); the default matches names in any case and acronyms exactly.
    #[serde(default)]
    case: Option<String>,
    /// `false`: the entries are matched (so the names inside them are not) but give no
    /// mention: legislatures and chambers ("UN General Assembly" is not "UN").
    #[serde(default)]
    mention: Option<bool>,
    #[serde(default)]
    entry: Vec<toml::Spanned<EntrySpec>>,
    #[serde(default)]
    head: Option<toml::Spanned<HeadSpec>>,
    #[serde(default)]
    person: Option<toml::Spanned<PersonSpec>>,
    #[serde(default)]
    acronyms: Option<toml::Spanned<AcronymSpec>>,
    #[serde(default)]
    names: Option<toml::Spanned<NamesSpec>>,
    /// Examples that concern the file's context rules rather than one entry.
    #[serde(default)]
    example: Vec<toml::Spanned<ExampleSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    /// The mention value: institute code, canonical organisation name, country code...
    value: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// Aliases matched case-sensitively even though they hold lowercase letters
    /// ("Meta", "Amazon": ordinary words in lowercase).
    #[serde(default)]
    exact: Vec<String>,
    /// Short acronyms that are often something else ("IPA", "AU"): they count only in a
    /// document that also names the entry in full or defines the acronym.
    #[serde(default)]
    weak: Vec<String>,
    /// Country adjectives ("Japanese", "Canadian"): they qualify an institute ("the
    /// Canadian AISI") but are never country mentions themselves.
    #[serde(default)]
    adjectives: Vec<String>,
    /// Words whose presence near an ambiguous alias points to this entry.
    #[serde(default)]
    cues: Vec<String>,
    /// The institute code a listed member stands for in a list of Network members
    /// ("the European Commission" → `EU`).
    #[serde(default)]
    member_code: Option<String>,
    /// This organisation also acts as the institute with this code.
    #[serde(default)]
    institute: Option<String>,
    /// The institute (code) this organisation houses: a document that names it, and no
    /// other institute or country above all, speaks of that institute when it says "the
    /// AI Safety Institute" ("Department for Science, Innovation and Technology" → `GB`).
    #[serde(default)]
    houses: Option<String>,
    /// For a legislature: the institute its records speak of when they say "the AI
    /// Safety Institute" (the House of Lords → `GB`), as a housing body's do.
    #[serde(default)]
    institute_of: Option<String>,
    /// For an organisation: the country it belongs to, which `descriptors` need.
    #[serde(default)]
    country: Option<String>,
    /// How news copy names this body by its field with its country before it ("South
    /// Korea's science ministry", "the Japanese industry ministry"): lower-case phrases
    /// that name this entry only after a word for `country`.
    #[serde(default)]
    descriptors: Vec<String>,
    /// Short names of a parent ("IBM" for "IBM Japan") that stand for this entry in a
    /// document that also names this entry.
    #[serde(default)]
    short: Vec<String>,
    /// Must-match examples; the value defaults to the entry's.
    #[serde(default)]
    examples: Vec<ExampleSpec>,
    /// Must-not-match examples: no mention of this entry's value may come out.
    #[serde(default)]
    not: Vec<String>,
    /// For a location: the location it is in (a venue's city), which names the same place
    /// less precisely.
    #[serde(default)]
    within: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadSpec {
    /// Generic institute names that need a country to resolve ("AI Safety Institute").
    names: Vec<String>,
    #[serde(default)]
    exact: Vec<String>,
    /// Phrases that stand for the document's main institute ("the Institute").
    #[serde(default)]
    anaphora: Vec<String>,
    /// Words that, near a list of countries, make it a list of Network members.
    #[serde(default)]
    list_cues: Vec<String>,
    /// Words that do so only in a document that names the Network ("members").
    #[serde(default)]
    member_cues: Vec<String>,
    /// Words that make a country list something else ("signed": signatories).
    #[serde(default)]
    list_not: Vec<String>,
    /// Plain words that name a country's institute only with the country right before
    /// them ("the Canadian institute", "the UK and US institutes").
    #[serde(default)]
    qualified_only: Vec<String>,
    /// Words for a peer ("counterpart") that name a country's institute with the country
    /// right before them and one of `peer_owners` before that ("its American counterpart").
    #[serde(default)]
    peers: Vec<String>,
    #[serde(default)]
    peer_owners: Vec<String>,
    /// Verbs of founding: "<country> launched / set up ... an institute".
    #[serde(default)]
    founding: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonSpec {
    /// Titles written before a name ("Dr.", "Professor").
    titles: Vec<String>,
    /// Phrases after which a name follows ("led by").
    #[serde(default)]
    before: Vec<String>,
    /// Role words next to a name ("Director": "Director Jane Doe", "Jane Doe, Director").
    #[serde(default)]
    roles: Vec<String>,
    /// Capitalised words that are never part of a name ("The", "AI").
    #[serde(default)]
    not_names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcronymSpec {
    /// Words that make a defined full name an organisation ("Institute", "Agency").
    org_heads: Vec<String>,
    /// Lowercase words allowed inside a full name without an acronym letter.
    #[serde(default)]
    stopwords: Vec<String>,
}

/// Organisation names by shape (`names.rs`); every list is a set of words or phrases.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesSpec {
    heads: Vec<String>,
    #[serde(default)]
    legal_forms: Vec<String>,
    #[serde(default)]
    media_strong: Vec<String>,
    #[serde(default)]
    media_weak: Vec<String>,
    #[serde(default)]
    reported_by: Vec<String>,
    #[serde(default)]
    reporting: Vec<String>,
    #[serde(default)]
    company_lists: Vec<String>,
    #[serde(default)]
    generic: Vec<String>,
    #[serde(default)]
    not_first: Vec<String>,
    #[serde(default)]
    stop: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    headline_verbs: Vec<String>,
    #[serde(default)]
    of_prefixes: Vec<String>,
    #[serde(default)]
    two_word_heads: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
    #[serde(default)]
    tail_stop: Vec<String>,
    #[serde(default)]
    facility_heads: Vec<String>,
    #[serde(default)]
    anaphora_heads: Vec<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub text: String,
    /// Expected value; defaults to the entry's value.
    #[serde(default)]
    pub value: Option<String>,
    /// Expected kind; defaults to the file's kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// When set, the example must produce no mention of this kind and value.
    #[serde(default)]
    pub absent: bool,
}

/// What a pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A name of an entry: a mention of its kind and value.
    Name,
    /// A country adjective: qualifies institutes, no mention of its own.
    Adjective,
    /// A generic institute name.
    Head,
    /// "the Institute": the document's main institute.
    Anaphor,
    /// A word that makes a nearby country list a list of Network members.
    ListCue,
    /// A list cue that counts only in documents naming the Network.
    MemberCue,
    /// A plain word ("institute") that names an institute only when qualified.
    QualifiedHead,
    /// A word for a peer ("counterpart"): an institute when qualified and owned ("its").
    Peer,
    /// A body named by its field ("science ministry"): the entry of the country before it.
    Descriptor,
    PersonTitle,
    PersonBefore,
    PersonRoleWord,
}

/// One meaning of a pattern.
pub struct Target {
    /// A weak alias: kept only when the document also names the entry otherwise.
    pub weak: bool,
    /// Index into [`Gazetteer::entries`]; unused for roles without an entry.
    pub entry: u32,
    pub role: Role,
    /// For case-sensitive aliases: the exact form (normalised) and its uppercase form.
    exact: Option<(Box<str>, Box<str>)>,
}

/// One entry of a gazetteer, compiled.
pub struct Entry {
    pub kind: MentionKind,
    pub value: String,
    pub cues: Vec<String>,
    pub member_code: Option<String>,
    pub institute: Option<String>,
    /// Values of other entries that stand for this one where it is named too.
    pub short: Vec<String>,
    /// The country whose word before a descriptor makes it name this entry.
    pub country: Option<String>,
    /// The institute a legislature's records speak of (`institute_of`).
    pub institute_of: Option<String>,
    /// Matched but never a mention (legislatures).
    pub silent: bool,
    /// Rule id written on mentions: `entities/<file stem>`.
    pub rule: String,
}

/// An example to run in the self-test.
pub struct Example {
    pub file: String,
    pub rule: String,
    pub text: String,
    pub kind: MentionKind,
    pub value: String,
    pub absent: bool,
}

/// All gazetteers compiled into one trie.
#[derive(Default)]
pub struct Gazetteer {
    /// Every pattern (lowercase), walked from each word start.
    pub(super) trie: super::trie::Trie,
    pub targets: Vec<Vec<Target>>,
    pub entries: Vec<Entry>,
    pub examples: Vec<Example>,
    pub org_heads: Vec<String>,
    pub stopwords: Vec<String>,
    pub not_names: Vec<String>,
    /// Organisation names by shape.
    pub names: super::names::NameRules,
    /// Words that make a country list not a member list.
    pub list_not: Vec<String>,
    /// Verbs of founding an institute.
    pub founding: Vec<String>,
    /// Lower-case words that own a peer word ("its", "their").
    pub peer_owners: Vec<String>,
    /// Codes that have an institute entry: the only ones a member list can name.
    pub institute_codes: Vec<String>,
    /// Each location that is in another, with that one: a venue and its city.
    pub within: std::collections::BTreeMap<String, String>,
    /// Values of the organisations that are also a country's institute.
    pub dual: Vec<String>,
    /// Organisation values and the institute code each houses.
    pub houses: std::collections::BTreeMap<String, String>,
}

impl Gazetteer {
    /// Whether `code` has an institute entry (countries without one name no institute).
    pub fn has_institute(&self, code: &str) -> bool {
        self.institute_codes.iter().any(|c| c == code)
    }
}

pub fn parse_kind(s: &str) -> Option<MentionKind> {
    Some(match s {
        "institute" => MentionKind::Institute,
        "organization" => MentionKind::Organization,
        "country" => MentionKind::Country,
        "event" => MentionKind::Event,
        "location" => MentionKind::Location,
        "person" => MentionKind::Person,
        _ => return None,
    })
}

/// Collects patterns while loading; identical patterns (ignoring ASCII case) share an id.
#[derive(Default)]
struct Builder {
    ids: HashMap<String, usize>,
    patterns: Vec<String>,
    targets: Vec<Vec<Target>>,
}

impl Builder {
    /// Adds `alias` (and its OCR variants) for `entry`/`role`.
    fn add(&mut self, alias: &str, entry: u32, role: Role, case_sensitive: bool) {
        self.add_alias(alias, entry, role, case_sensitive, false);
    }

    fn add_alias(&mut self, alias: &str, entry: u32, role: Role, case_sensitive: bool, weak: bool) {
        let norm = NormText::new(alias).s;
        let norm = norm.trim();
        if norm.is_empty() {
            return;
        }
        let mut forms = ocr_variants(norm);
        // Names are written with "and" and with "&" alike ("Standards & Technology").
        for (from, to) in [(" and ", " & "), (" & ", " and ")] {
            if norm.contains(from) {
                forms.extend(ocr_variants(&norm.replace(from, to)));
            }
        }
        // A compound broken at a line end loses its hyphen when the line is joined
        // ("Information-\ntechnology" → "Informationtechnology").
        if norm.contains('-') {
            let joined = dehyphenate(norm);
            if joined != norm {
                forms.extend(ocr_variants(&joined));
            }
        }
        for form in forms {
            let key = form.to_ascii_lowercase();
            let id = *self.ids.entry(key.clone()).or_insert_with(|| {
                self.patterns.push(key);
                self.targets.push(Vec::new());
                self.patterns.len() - 1
            });
            let exact = case_sensitive.then(|| {
                (
                    form.clone().into_boxed_str(),
                    form.to_uppercase().into_boxed_str(),
                )
            });
            let t = &mut self.targets[id];
            if !t
                .iter()
                .any(|x| x.entry == entry && x.role == role && x.exact == exact && x.weak == weak)
            {
                t.push(Target {
                    weak,
                    entry,
                    role,
                    exact,
                });
            }
        }
    }
}

/// "AI" is often read as "Al" by OCR and some PDF fonts: every alias holding "AI" also
/// matches with "Al" in its place (up to three occurrences, so at most eight forms).
fn ocr_variants(alias: &str) -> Vec<String> {
    let spots: Vec<usize> = alias.match_indices("AI").map(|(i, _)| i).take(3).collect();
    let mut out = Vec::with_capacity(1 << spots.len());
    for mask in 0..(1u32 << spots.len()) {
        let mut b = alias.as_bytes().to_vec();
        for (k, &at) in spots.iter().enumerate() {
            if mask & (1 << k) != 0 {
                b[at + 1] = b'l';
            }
        }
        out.push(String::from_utf8(b).unwrap_or_else(|_| alias.to_string()));
    }
    out
}

/// An alias with its hyphens before lowercase letters dropped.
fn dehyphenate(alias: &str) -> String {
    let mut out = String::with_capacity(alias.len());
    let mut chars = alias.chars().peekable();
    while let Some(c) = chars.next() {
        let joins = c == '-'
            && out.ends_with(char::is_alphabetic)
            && chars.peek().is_some_and(|n| n.is_lowercase());
        if !joins {
            out.push(c);
        }
    }
    out
}

/// True when an alias is an acronym-like token: no lowercase letter ("NIST", "U.S.").
fn is_acronym(alias: &str) -> bool {
    !alias.chars().any(|c| c.is_lowercase())
}

fn line_of(src: &str, at: usize) -> usize {
    src[..at.min(src.len())].matches('\n').count() + 1
}

impl Gazetteer {
    /// Compiles the gazetteer files (every `.toml` file of `rules/entities`). An error
    /// names the file, the line and the entry.
    pub fn from_files(files: &[crate::rules::RuleFile]) -> Result<Gazetteer> {
        let mut b = Builder {
            ids: HashMap::new(),
            patterns: Vec::new(),
            targets: Vec::new(),
        };
        let mut g = Gazetteer::default();
        for f in files {
            let shown = format!("entities/{}", f.rel);
            g.load_file(&mut b, &shown, &f.text)?;
        }
        // Anchored walks from word starts only: most die within a byte or two. A trie
        // walked in place rather than an anchored search of a contiguous Aho-Corasick NFA
        // (which a 3-byte start filter had to keep from most word starts): the search's
        // set-up per word start cost more than the walk.
        g.trie = super::trie::Trie::new(&b.patterns);
        g.targets = b.targets;
        g.names.compile();
        for (place, outer) in &g.within {
            let known = g
                .entries
                .iter()
                .any(|e| e.kind == MentionKind::Location && e.value == *outer);
            if !known || outer == place {
                bail!(
                    "entities: location {place:?} is within {outer:?}, which is not another location entry"
                );
            }
        }
        Ok(g)
    }

    fn load_file(&mut self, b: &mut Builder, file: &str, src: &str) -> Result<()> {
        let spec: FileSpec = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(0);
            anyhow::anyhow!("{file}:{line}: {}", e.message())
        })?;
        let Some(kind) = parse_kind(&spec.kind) else {
            bail!(
                "{file}: unknown kind {:?} (use institute, organization, country, event, location or person)",
                spec.kind
            );
        };
        let all_exact = match spec.case.as_deref() {
            None => false,
            Some("exact") => true,
            Some(other) => bail!("{file}: unknown case {other:?} (use \"exact\" or leave it out)"),
        };
        let stem = file
            .trim_start_matches("entities/")
            .trim_end_matches(".toml");
        let rule = format!("entities/{stem}");
        for e in &spec.entry {
            let line = line_of(src, e.span().start);
            let e = e.get_ref();
            let here = || format!("{file}:{line}: entry {:?}", e.value);
            if e.value.trim().is_empty() {
                bail!("{file}:{line}: entry without a value");
            }
            if matches!(kind, MentionKind::Country | MentionKind::Institute) {
                let ok = e.value == "NETWORK"
                    || (e.value.len() == 2 && e.value.bytes().all(|c| c.is_ascii_uppercase()));
                if !ok {
                    bail!(
                        "{}: value must be an ISO 3166-1 alpha-2 code (or NETWORK for the Network)",
                        here()
                    );
                }
            }
            for code in e
                .member_code
                .iter()
                .chain(e.institute.iter())
                .chain(e.houses.iter())
                .chain(e.institute_of.iter())
            {
                if code.len() != 2 || !code.bytes().all(|c| c.is_ascii_uppercase()) {
                    bail!("{}: {code:?} is not an institute code", here());
                }
            }
            if e.aliases
                .iter()
                .chain(&e.exact)
                .chain(&e.weak)
                .any(|a| a.trim().is_empty())
            {
                bail!("{}: empty alias", here());
            }
            if kind == MentionKind::Institute {
                self.institute_codes.push(e.value.clone());
            }
            if let Some(outer) = &e.within {
                if kind != MentionKind::Location {
                    bail!("{}: only a location can be within another", here());
                }
                self.within.insert(e.value.clone(), outer.clone());
            }
            if e.institute.is_some() && kind == MentionKind::Organization {
                self.dual.push(e.value.clone());
            }
            if let Some(code) = &e.houses {
                if kind != MentionKind::Organization {
                    bail!("{}: only an organisation houses an institute", here());
                }
                self.houses.insert(e.value.clone(), code.clone());
            }
            if !e.descriptors.is_empty()
                && (kind != MentionKind::Organization || e.country.is_none())
            {
                bail!(
                    "{}: descriptors belong to an organisation with a country",
                    here()
                );
            }
            if let Some(code) = &e.country
                && (code.len() != 2 || !code.bytes().all(|c| c.is_ascii_uppercase()))
            {
                bail!("{}: {code:?} is not a country code", here());
            }
            let idx = self.entries.len() as u32;
            self.entries.push(Entry {
                kind,
                value: e.value.clone(),
                cues: e.cues.clone(),
                member_code: e.member_code.clone(),
                institute: e.institute.clone(),
                short: e.short.clone(),
                country: e.country.clone(),
                institute_of: e.institute_of.clone(),
                silent: spec.mention == Some(false),
                rule: rule.clone(),
            });
            // The value itself is a name unless it is a code.
            let value_is_name = !matches!(kind, MentionKind::Country | MentionKind::Institute);
            // The value is a name too, unless listed as exact or weak.
            let value_is_name =
                value_is_name && !e.exact.contains(&e.value) && !e.weak.contains(&e.value);
            let names = value_is_name
                .then_some(&e.value)
                .into_iter()
                .chain(&e.aliases);
            for a in names {
                b.add(a, idx, Role::Name, all_exact || is_acronym(a));
            }
            for a in &e.exact {
                b.add(a, idx, Role::Name, true);
            }
            for a in &e.weak {
                b.add_alias(a, idx, Role::Name, true, true);
            }
            for a in &e.adjectives {
                b.add(a, idx, Role::Adjective, true);
            }
            for a in &e.descriptors {
                b.add(a, idx, Role::Descriptor, false);
            }
            for x in &e.examples {
                self.examples.push(Example {
                    file: file.to_string(),
                    rule: format!("{rule}:{}", e.value),
                    text: x.text.clone(),
                    kind: match &x.kind {
                        Some(k) => parse_kind(k)
                            .with_context(|| format!("{}: unknown example kind {k:?}", here()))?,
                        None => kind,
                    },
                    value: x.value.clone().unwrap_or_else(|| e.value.clone()),
                    absent: x.absent,
                });
            }
            for t in &e.not {
                self.examples.push(Example {
                    file: file.to_string(),
                    rule: format!("{rule}:{}", e.value),
                    text: t.clone(),
                    kind,
                    value: e.value.clone(),
                    absent: true,
                });
            }
        }
        if let Some(h) = &spec.head {
            let h = h.get_ref();
            for a in &h.names {
                b.add(a, u32::MAX, Role::Head, all_exact || is_acronym(a));
            }
            for a in &h.exact {
                b.add(a, u32::MAX, Role::Head, true);
            }
            for a in &h.anaphora {
                b.add(a, u32::MAX, Role::Anaphor, true);
            }
            for a in &h.list_cues {
                b.add(a, u32::MAX, Role::ListCue, true);
            }
            for a in &h.member_cues {
                b.add(a, u32::MAX, Role::MemberCue, true);
            }
            for a in &h.qualified_only {
                b.add(a, u32::MAX, Role::QualifiedHead, true);
            }
            for a in &h.peers {
                b.add(a, u32::MAX, Role::Peer, true);
            }
            self.peer_owners
                .extend(h.peer_owners.iter().map(|w| w.trim().to_lowercase()));
            self.list_not.extend(h.list_not.iter().cloned());
            self.founding.extend(h.founding.iter().cloned());
        }
        if let Some(p) = &spec.person {
            let p = p.get_ref();
            for a in &p.titles {
                b.add(a, u32::MAX, Role::PersonTitle, true);
            }
            for a in &p.before {
                b.add(a, u32::MAX, Role::PersonBefore, false);
            }
            for a in &p.roles {
                b.add(a, u32::MAX, Role::PersonRoleWord, true);
            }
            self.not_names.extend(p.not_names.iter().cloned());
        }
        if let Some(a) = &spec.acronyms {
            let a = a.get_ref();
            self.org_heads.extend(a.org_heads.iter().cloned());
            self.stopwords.extend(a.stopwords.iter().cloned());
        }
        if let Some(ns) = &spec.names {
            let ns = ns.get_ref();
            let n = &mut self.names;
            let lists = [
                (&mut n.heads, &ns.heads),
                (&mut n.legal_forms, &ns.legal_forms),
                (&mut n.media_strong, &ns.media_strong),
                (&mut n.media_weak, &ns.media_weak),
                (&mut n.reporting, &ns.reporting),
                (&mut n.generic, &ns.generic),
                (&mut n.not_first, &ns.not_first),
                (&mut n.stop, &ns.stop),
                (&mut n.titles, &ns.titles),
                (&mut n.headline_verbs, &ns.headline_verbs),
                (&mut n.of_prefixes, &ns.of_prefixes),
                (&mut n.two_word_heads, &ns.two_word_heads),
                (&mut n.not_after, &ns.not_after),
                (&mut n.tail_stop, &ns.tail_stop),
                (&mut n.facility_heads, &ns.facility_heads),
                (&mut n.anaphora_heads, &ns.anaphora_heads),
            ];
            for (set, words) in lists {
                set.extend(words.iter().map(|w| w.trim().to_string()));
            }
            n.reported_by
                .extend(ns.reported_by.iter().map(|p| p.trim().to_lowercase()));
            n.company_lists
                .extend(ns.company_lists.iter().map(|p| p.trim().to_string()));
            if n.heads.iter().chain(&n.reported_by).any(String::is_empty) {
                bail!("{file}: [names] holds an empty word");
            }
        }
        for x in &spec.example {
            let line = line_of(src, x.span().start);
            let x = x.get_ref();
            let k = match &x.kind {
                Some(k) => parse_kind(k)
                    .with_context(|| format!("{file}:{line}: unknown example kind {k:?}"))?,
                None => kind,
            };
            let Some(value) = &x.value else {
                bail!("{file}:{line}: a file-level example needs a value");
            };
            self.examples.push(Example {
                file: file.to_string(),
                rule: format!("{rule}:context"),
                text: x.text.clone(),
                kind: k,
                value: value.clone(),
                absent: x.absent,
            });
        }
        Ok(())
    }

    /// Every accepted match in `s`, leftmost-longest, with word boundaries and case rules
    /// checked. Matches are tried at `from` and at every word start after it (the
    /// position after any character that is not a letter or digit); a match that fails a
    /// check is retried at the next word start, so a shorter name inside a rejected
    /// longer one is still found.
    ///
    /// `words` are the word starts of `s` ([`WordStarts::new`]): a place after a word
    /// character can hold no match, so only those are tried. No match crosses one of
    /// `tabs` (table cell boundaries, sorted).
    pub fn scan(
        &self,
        s: &str,
        words: &WordStarts,
        tabs: &[usize],
        from: usize,
        to: usize,
        out: &mut Vec<Raw>,
    ) {
        let bytes = s.as_bytes();
        let mut at = from;
        // The next cell boundary at or after the walk's start: looked up only for the
        // walks the first-word filter lets through (most are not).
        let mut cell = tabs.partition_point(|&t| t < from);
        while let Some(pos) = words.next(at, to) {
            let word_end = words.alnum_end(pos, to);
            if self.trie.may_start(bytes, pos, word_end)
                && let Some((end, pid)) = self.trie.longest(bytes, pos, {
                    while tabs.get(cell).is_some_and(|&t| t < pos) {
                        cell += 1;
                    }
                    tabs.get(cell).map_or(to, |&t| t.min(to))
                })
                && let Some(r) = self.accept(s, pos, end, pid as usize)
            {
                at = r.end;
                out.push(r);
                continue;
            }
            // The word's letters and digits start no other word.
            at = word_end.max(pos + 1);
        }
    }

    /// [`Gazetteer::scan`] without the word-start sets and the first-word filter: a walk
    /// from every char boundary after a character that is not a letter or digit.
    #[cfg(test)]
    pub(super) fn scan_every_word_start(&self, s: &str, out: &mut Vec<Raw>) {
        let mut pos = 0;
        while pos < s.len() {
            if !s[..pos].chars().next_back().is_some_and(is_word_char)
                && let Some((end, pid)) = self.trie.longest(s.as_bytes(), pos, s.len())
                && let Some(r) = self.accept(s, pos, end, pid as usize)
            {
                pos = r.end;
                out.push(r);
                continue;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        }
    }

    fn accept(&self, s: &str, a: usize, b: usize, pid: usize) -> Option<Raw> {
        if s[..a].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        let mut end = b;
        let mut next = s[b..].chars();
        let mut plural = false;
        match next.next() {
            // "US$", "C$": a currency, not a name.
            Some('$') => return None,
            Some(c) if is_word_char(c) => {
                // A plural ("AISIs") keeps the match; any other letter breaks it.
                if c == 's' && !next.next().is_some_and(is_word_char) {
                    end = b + 1;
                    plural = true;
                } else {
                    return None;
                }
            }
            _ => {}
        }
        let text = &s[a..b];
        let mut mask = 0u32;
        for (i, t) in self.targets[pid].iter().enumerate().take(32) {
            let ok = match &t.exact {
                None => true,
                Some((form, upper)) => text == &**form || text == &**upper,
            };
            if ok {
                mask |= 1 << i;
            }
        }
        (mask != 0).then_some(Raw {
            start: a,
            end,
            pid: pid as u32,
            mask,
            plural,
            break_after: false,
        })
    }

    /// Whether this organisation is also a country's institute (`institute` in its
    /// entry): such a body is an organisation only where a text names it as where an
    /// institute sits, and otherwise the institute itself.
    pub fn acts_as_institute(&self, value: &str) -> bool {
        self.dual.iter().any(|v| v == value)
    }

    /// The targets of a raw match that passed their case check.
    pub fn targets_of<'a>(&'a self, r: &Raw) -> impl Iterator<Item = &'a Target> + 'a {
        let mask = r.mask;
        self.targets[r.pid as usize]
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i < 32 && mask & (1 << i) != 0)
            .map(|(_, t)| t)
    }
}

/// One accepted automaton match, in normalised offsets.
#[derive(Clone, Copy, Debug)]
pub struct Raw {
    pub start: usize,
    pub end: usize,
    pub pid: u32,
    /// Which of the pattern's targets passed the case check.
    pub mask: u32,
    /// The match took a plural "s" ("AISIs").
    pub plural: bool,
    /// A hard break (a tab, a blank line, a run of spaces: a table's cell boundary)
    /// follows the match: it qualifies nothing after it. Set by the caller that knows the
    /// breaks.
    pub break_after: bool,
}

pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether the text after a hyphen is a line break inside a word: whitespace, then a
/// lowercase letter.
fn is_line_break_hyphen(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    trimmed.len() < rest.len()
        && rest.len() - trimmed.len() <= 4
        && trimmed.starts_with(|c: char| c.is_lowercase())
}

/// Length of an inline markup tag at the start of `b` (`<u>`, `</i>`, `<sup>`).
fn inline_tag_len(b: &[u8]) -> Option<usize> {
    const TAGS: &[&[u8]] = &[
        b"u", b"b", b"i", b"em", b"strong", b"sup", b"sub", b"span", b"a",
    ];
    let close = b.iter().take(10).position(|&c| c == b'>')?;
    let inner = &b[1..close];
    let name = inner.strip_prefix(b"/").unwrap_or(inner);
    TAGS.contains(&name).then_some(close + 1)
}

/// An ASCII byte copied unchanged by [`NormText::new`].
fn is_plain(b: u8) -> bool {
    PLAIN[b as usize]
}

/// Eight bytes (little-endian) that [`NormText::new`] copies as they are, as far as they
/// alone tell: ASCII, no control byte, no '<' or '-', no two spaces in a row. Returns the
/// high bit of each byte that is a space (the first one must not follow a space).
fn ordinary8(w: u64) -> Option<u64> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Some byte is zero (exact as a yes / no).
    let has_zero = |v: u64| v.wrapping_sub(LO) & !v & HI != 0;
    if w & HI != 0
        || w.wrapping_sub(LO * 0x20) & !w & HI != 0
        || has_zero(w ^ (LO * u64::from(b'<')))
        || has_zero(w ^ (LO * u64::from(b'-')))
    {
        return None;
    }
    // Exact per byte: the high bit set where the byte is a space.
    let x = w ^ (LO * u64::from(b' '));
    let spaces = !(((x & !HI) + !HI) | x) & HI;
    (spaces & (spaces << 8) == 0).then_some(spaces)
}

/// [`is_plain`] as a table: one load per byte in the copy loop.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = !matches!(
            b as u8,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'<' | b'-'
        );
        b += 1;
    }
    t
};

/// A normalised copy of a text and the way back to original offsets.
pub struct NormText {
    pub s: String,
    /// Normalised offsets of the spaces that stand for a hard break of the original: a
    /// blank line, a tab or a run of spaces (table cells, columns). Names do not cross
    /// them; a single line break inside a name is fine.
    pub breaks: Vec<usize>,
    /// The offsets of those that hold a tab: table cell boundaries, which no name crosses.
    pub tabs: Vec<usize>,
    /// Normalised offsets of the spaces that stand for a single line break (also in
    /// `breaks` when the whitespace run is a hard break).
    pub lines: Vec<usize>,
    /// (normalised offset, original − normalised) wherever that difference changes: the
    /// normalised text is never longer than the original, so the difference only grows.
    points: Vec<(u32, u32)>,
}

impl NormText {
    pub fn new(t: &str) -> NormText {
        let bytes = t.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(t.len());
        let mut points: Vec<(u32, u32)> = vec![(0, 0)];
        // Records that normalised offset `out.len()` stands for original offset `i`.
        let mark = |points: &mut Vec<(u32, u32)>, out: &Vec<u8>, i: usize| {
            let delta = (i - out.len()) as u32;
            if points.last().is_none_or(|p| p.1 != delta) {
                points.push((out.len() as u32, delta));
            }
        };
        let mut in_space = false;
        let mut last_alpha = false;
        let mut breaks: Vec<usize> = Vec::new();
        let mut tabs: Vec<usize> = Vec::new();
        // A line whose words are all set apart by tabs (some PDF renderings) holds no
        // cells: where tabs are nearly all its gaps, from five on, they are spaces.
        let (mut line_from, mut line_tabs) = (0usize, 0usize);
        let words_by_tabs = |out: &[u8], tabs: &mut Vec<usize>, from: usize, at: usize| {
            let n = tabs.len() - at;
            if n >= 5 {
                let gaps = out[from..].iter().filter(|&&b| b == b' ').count();
                if n * 5 >= gaps * 4 {
                    tabs.truncate(at);
                }
            }
        };
        let mut lines: Vec<usize> = Vec::new();
        // The whitespace run being collapsed: its newlines, and whether it is a break.
        let (mut ws_newlines, mut ws_spaces, mut ws_hard) = (0u32, 0u32, false);
        let mut i = 0;
        while i < bytes.len() {
            // Runs of ordinary ASCII are copied as they are: most of any text.
            // A single space after a non-space and a hyphen inside a word are ordinary.
            // Plain bytes in a tight loop, the two other ordinary cases after it (the
            // one expression per byte cost ~5% of the find stage).
            let mut j = i;
            loop {
                // Eight bytes at a time while they are plain or single spaces: the byte
                // loop below mispredicts at every space (~6 bytes).
                while let Some(w) = bytes.get(j..j + 8) {
                    let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
                    let Some(spaces) = ordinary8(w) else {
                        break;
                    };
                    let after_space = if j == i {
                        in_space
                    } else {
                        bytes[j - 1] == b' '
                    };
                    if spaces & 0x80 != 0 && after_space {
                        break;
                    }
                    j += 8;
                }
                while j < bytes.len() && is_plain(bytes[j]) {
                    j += 1;
                }
                let Some(&b) = bytes.get(j) else {
                    break;
                };
                let ordinary = (b == b' '
                    && if j == i {
                        !in_space
                    } else {
                        bytes[j - 1] != b' '
                    })
                    || (b == b'-' && bytes.get(j + 1).is_some_and(|&n| is_plain(n)));
                if !ordinary {
                    break;
                }
                j += 1;
            }
            if j > i {
                mark(&mut points, &out, i);
                out.extend_from_slice(&bytes[i..j]);
                last_alpha = bytes[j - 1].is_ascii_alphabetic();
                in_space = bytes[j - 1] == b' ';
                // A new whitespace run starts (with the copied space, if any).
                (ws_newlines, ws_spaces, ws_hard) = (0, u32::from(in_space), false);
                i = j;
                continue;
            }
            let Some(c) = t[i..].chars().next() else {
                break;
            };
            let n = c.len_utf8();
            // Inline markup left in text (`<u>`, `</b>`) would split names.
            if c == '<'
                && let Some(len) = inline_tag_len(&bytes[i..])
            {
                i += len;
                continue;
            }
            let rep: Option<&str> = match c {
                c if c.is_whitespace() => {
                    if !in_space {
                        mark(&mut points, &out, i);
                        out.push(b' ');
                        (ws_newlines, ws_spaces, ws_hard) = (0, 0, false);
                    }
                    match c {
                        '\n' => {
                            ws_newlines += 1;
                            if ws_newlines == 1 {
                                lines.push(out.len() - 1);
                            }
                            words_by_tabs(&out, &mut tabs, line_from, line_tabs);
                            (line_from, line_tabs) = (out.len(), tabs.len());
                        }
                        '\r' => {}
                        '\t' => {
                            ws_hard = true;
                            if tabs.last() != Some(&(out.len() - 1)) {
                                tabs.push(out.len() - 1);
                            }
                        }
                        _ => ws_spaces += 1,
                    }
                    let hard = ws_hard || ws_newlines >= 2 || (ws_newlines == 0 && ws_spaces >= 2);
                    if hard && breaks.last() != Some(&(out.len() - 1)) {
                        breaks.push(out.len() - 1);
                    }
                    in_space = true;
                    last_alpha = false;
                    i += n;
                    continue;
                }
                '\u{ad}' | '\u{200b}' => {
                    i += n;
                    continue;
                }
                // A word broken at a line end ("Ko- rea", "insti-\ntutes") is joined.
                '-' if last_alpha && is_line_break_hyphen(&t[i + 1..]) => {
                    i += 1 + t[i + 1..].len() - t[i + 1..].trim_start().len();
                    continue;
                }
                '\u{2019}' | '\u{2018}' | '\u{2bc}' => Some("'"),
                '\u{2010}' | '\u{2011}' => Some("-"),
                '\u{fb00}' => Some("ff"),
                '\u{fb01}' => Some("fi"),
                '\u{fb02}' => Some("fl"),
                '\u{fb03}' => Some("ffi"),
                '\u{fb04}' => Some("ffl"),
                '\u{fb05}' | '\u{fb06}' => Some("st"),
                _ => None,
            };
            in_space = false;
            (ws_newlines, ws_spaces, ws_hard) = (0, 0, false);
            mark(&mut points, &out, i);
            match rep {
                Some(r) => {
                    out.extend_from_slice(r.as_bytes());
                    last_alpha = r.ends_with(|x: char| x.is_alphabetic());
                }
                None => {
                    out.extend_from_slice(&bytes[i..i + n]);
                    last_alpha = c.is_alphabetic();
                }
            }
            i += n;
        }
        mark(&mut points, &out, bytes.len());
        words_by_tabs(&out, &mut tabs, line_from, line_tabs);
        // Only whole characters were copied, so this cannot fail; stay total anyway.
        let s = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        NormText {
            s,
            points,
            breaks,
            tabs,
            lines,
        }
    }

    fn orig_of(&self, at: usize) -> usize {
        let k = self.points.partition_point(|p| p.0 as usize <= at);
        at + self.points[k.saturating_sub(1)].1 as usize
    }

    /// Original offset of a normalised start offset.
    pub fn orig_start(&self, orig: &str, at: usize) -> usize {
        crate::utf8::floor_char(orig, self.orig_of(at))
    }

    /// Original offset of a normalised end offset (exclusive): just after the original
    /// character that holds the last byte of the span.
    pub fn orig_end(&self, orig: &str, at: usize) -> usize {
        if at == 0 {
            return 0;
        }
        crate::utf8::ceil_char(orig, self.orig_of(at - 1) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_plain_bytes_are_told_apart_from_the_rest() {
        let word = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap());
        assert_eq!(ordinary8(word(b"ab cd ef")), Some(0x0000_8000_0080_0000));
        assert_eq!(ordinary8(word(b" bcdefgh")), Some(0x80));
        for bad in [
            b"ab  cdef",
            b"ab\ncdefg",
            b"abc-defg",
            b"abc<defg",
            b"ab\tcdefg",
            b"abcdefg\x80",
        ] {
            assert_eq!(ordinary8(word(bad)), None, "{:?}", bad);
        }
        // Every byte position of a long text that mixes all cases gives the same copy as
        // one byte at a time would (the offsets test below checks the mapping).
        let t = "a  b\tc-\nd e<u>f</u> g–h ab-cd ef-  gh\n\nij kl mn op qr st uv wx yz ﬁ end";
        for k in 0..t.len() {
            if t.is_char_boundary(k) {
                let n = NormText::new(&t[k..]);
                assert!(!n.s.contains("  "), "{:?}", n.s);
            }
        }
    }

    #[test]
    fn normalised_text_maps_back_to_original_offsets() {
        let t = "the  National\nInstitute’s ﬁle";
        let n = NormText::new(t);
        assert_eq!(n.s, "the National Institute's file");
        assert_eq!(
            NormText::new("Ko- rea and <u>Traﬃc</u>").s,
            "Korea and Traffic"
        );
        let a = n.s.find("National").unwrap();
        let b = a + "National Institute".len();
        assert_eq!(
            &t[n.orig_start(t, a)..n.orig_end(t, b)],
            "National\nInstitute"
        );
        let f = n.s.find("file").unwrap();
        assert_eq!(&t[n.orig_start(t, f)..n.orig_end(t, f + 4)], "ﬁle");
        let q = n.s.find("Institute's").unwrap();
        assert_eq!(&t[n.orig_start(t, q)..n.orig_end(t, q + 11)], "Institute’s");
        let u = "the <u>Korea</u> and Ko- rea";
        let n = NormText::new(u);
        let k = n.s.find("Korea").unwrap();
        assert_eq!(&u[n.orig_start(u, k)..n.orig_end(u, k + 5)], "Korea");
        let k2 = n.s.rfind("Korea").unwrap();
        assert_eq!(&u[n.orig_start(u, k2)..n.orig_end(u, k2 + 5)], "Ko- rea");
    }

    #[test]
    fn tabs_are_cell_boundaries_unless_they_part_every_word() {
        let n = NormText::new("UK AISI\t165\t£66m\nof\tthe\tU.S.\tAI\tSafety\tInstitute\n");
        assert_eq!(n.tabs, vec![7, 11]);
        assert_eq!(&n.s[7..8], " ");
    }

    #[test]
    fn ampersand_and_and_are_the_same_name() {
        let mut b = Builder::default();
        b.add("Department of Science and Technology", 0, Role::Name, false);
        assert!(b.ids.contains_key("department of science & technology"));
        assert!(b.ids.contains_key("department of science and technology"));
    }

    #[test]
    fn ocr_variants_replace_ai_with_al() {
        let v = ocr_variants("OpenAI");
        assert_eq!(v, vec!["OpenAI".to_string(), "OpenAl".to_string()]);
        assert_eq!(ocr_variants("NIST"), vec!["NIST".to_string()]);
    }
}
