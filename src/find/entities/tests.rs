//! Tests over the project's own rule files (`rules/entities`).

use super::*;
use crate::model::DocText;

fn rules() -> EntityRules {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/entities");
    EntityRules::load(&dir).expect("the shipped entity rules load")
}

fn run(rules: &EntityRules, text: &str) -> Vec<Mention> {
    let t = DocText::from_text(text.to_string());
    let ctx = DocContext {
        doc: "t",
        text: &t,
        published: None,
    };
    find(rules, &ctx)
}

fn values(ms: &[Mention], kind: MentionKind) -> Vec<String> {
    let mut v: Vec<String> = ms
        .iter()
        .filter(|m| m.kind == kind)
        .filter_map(|m| m.value.as_str().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn every_example_in_the_rule_files_passes() {
    let r = rules();
    let outcomes = self_test(&r);
    assert!(outcomes.len() > 40, "too few examples: {}", outcomes.len());
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("{} {} {:?}: {}", o.file, o.rule, o.example, o.detail))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn mention_text_is_the_exact_span_of_the_original() {
    let r = rules();
    let text = "The National Institute of\n  Standards and Technology and OpenAl met.";
    let ms = run(&r, text);
    assert!(!ms.is_empty());
    for m in &ms {
        assert_eq!(&text[m.start..m.end], m.text);
    }
    let orgs = values(&ms, MentionKind::Organization);
    assert_eq!(
        orgs,
        vec!["National Institute of Standards and Technology", "OpenAI"]
    );
}

#[test]
fn caisi_is_resolved_by_the_document_definition() {
    let r = rules();
    let us = run(
        &r,
        "NIST renamed the U.S. AISI the Center for AI Standards and Innovation (CAISI). CAISI tests.",
    );
    assert_eq!(values(&us, MentionKind::Institute), vec!["US"]);
    let ca = run(
        &r,
        "Canada launched the Canadian AI Safety Institute (CAISI). Later CAISI funded work.",
    );
    assert_eq!(values(&ca, MentionKind::Institute), vec!["CA"]);
}

#[test]
fn an_undecidable_ambiguous_acronym_is_dropped() {
    let r = rules();
    let ms = run(&r, "CAISI published a report.");
    assert!(values(&ms, MentionKind::Institute).is_empty());
}

#[test]
fn countries_that_name_an_institute_are_not_country_mentions() {
    let r = rules();
    let ms = run(&r, "Japan's AI Safety Institute and France");
    assert_eq!(values(&ms, MentionKind::Institute), vec!["JP"]);
    assert_eq!(values(&ms, MentionKind::Country), vec!["FR"]);
}

#[test]
fn institutes_after_of_are_qualified() {
    let r = rules();
    let ms = run(&r, "the AISIs of Japan and Singapore agreed");
    assert_eq!(values(&ms, MentionKind::Institute), vec!["JP", "SG"]);
}

#[test]
fn weak_acronyms_need_the_full_name_in_the_document() {
    let r = rules();
    let lone = run(&r, "We drank an IPA after the talk.");
    assert!(values(&lone, MentionKind::Organization).is_empty());
    let named = run(
        &r,
        "The Information-technology Promotion Agency hosts J-AISI. IPA staff help.",
    );
    assert_eq!(
        values(&named, MentionKind::Organization),
        vec!["Information-technology Promotion Agency"]
    );
    // A housing body's acronym where the document names the institute it houses.
    let hosted = run(&r, "Japan's AI Safety Institute sits within IPA in Tokyo.");
    assert_eq!(
        values(&hosted, MentionKind::Organization),
        vec!["Information-technology Promotion Agency"]
    );
    let elsewhere = run(&r, "The IPA, a think tank, criticised the Korean plan.");
    assert!(values(&elsewhere, MentionKind::Organization).is_empty());
}

#[test]
fn case_sensitive_aliases_do_not_match_ordinary_words() {
    let r = rules();
    let ms = run(
        &r,
        "metadata about the amazon and a digital agency in china",
    );
    assert!(values(&ms, MentionKind::Organization).is_empty());
    assert!(values(&ms, MentionKind::Country).is_empty());
}

#[test]
fn plural_and_possessive_forms_match() {
    let r = rules();
    let ms = run(&r, "NIST's work with the U.S. AISIs");
    assert_eq!(values(&ms, MentionKind::Institute), vec!["US"]);
    assert_eq!(
        values(&ms, MentionKind::Organization),
        vec!["National Institute of Standards and Technology"]
    );
}

#[test]
fn bad_rule_files_are_errors_that_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "kind = \"institute\"\n\n[[entry]]\nvalue = \"Japan\"\naliases = [\"J-AISI\"]\n",
    )
    .unwrap();
    let err = EntityRules::load(dir.path())
        .err()
        .expect("a bad code is an error");
    let msg = format!("{err:#}");
    assert!(msg.contains("bad.toml:3"), "{msg}");
    assert!(msg.contains("Japan"), "{msg}");

    std::fs::write(
        dir.path().join("bad.toml"),
        "kind = \"institute\"\nentry = [ { value = \"US\", alias = [] } ]\n",
    )
    .unwrap();
    let msg = format!("{:#}", EntityRules::load(dir.path()).err().unwrap());
    assert!(msg.contains("bad.toml:2"), "{msg}");
}

#[test]
fn empty_text_gives_no_mentions() {
    let r = rules();
    assert!(run(&r, "").is_empty());
    assert!(run(&r, "(").is_empty());
}

#[test]
fn arbitrary_text_never_panics_and_spans_are_exact() {
    let r = rules();
    let palette = [
        "AI",
        "Al",
        "AISI",
        "s",
        " ",
        "  ",
        "\n",
        "-",
        "- ",
        "(",
        ")",
        "'s",
        "’",
        "ﬃ",
        "é",
        "日本",
        "<u>",
        "</u>",
        "Japan",
        "U.S.",
        "UK",
        ",",
        " and ",
        "the ",
        "Institute",
        "NIST",
        "CAISI",
        "Safety",
        "Network",
        "Dr. ",
        "Jane",
        "Doe",
        "Director",
        "\u{ad}",
        "\u{c}",
        "$",
        "IPA",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(palette[(seed >> 33) as usize % palette.len()]);
        }
        for m in run(&r, &text) {
            assert_eq!(&text[m.start..m.end], m.text, "in {text:?}");
        }
    }
}

#[test]
fn institutes_in_a_list_after_in_are_qualified() {
    let r = rules();
    let ms = run(&r, "AISIs in the UK, Canada and Japan share results");
    assert_eq!(values(&ms, MentionKind::Institute), vec!["CA", "GB", "JP"]);
}

#[test]
fn the_ministry_stands_for_the_one_ministry_named_before() {
    let r = rules();
    let one = run(
        &r,
        "The Ministry of Transport of Ruritania met. Later the Ministry said no.",
    );
    let refs: Vec<&Mention> = one
        .iter()
        .filter(|m| m.text == "Ministry" && m.kind == MentionKind::Organization)
        .collect();
    assert_eq!(refs.len(), 1, "{one:?}");
    assert_eq!(
        refs[0].value.as_str(),
        Some("Ministry of Transport of Ruritania")
    );
    let two = run(
        &r,
        "the Ministry of Transport and the Ministry of Health met; the Ministry said no.",
    );
    assert!(
        !two.iter().any(|m| m.text == "Ministry"),
        "two ministries: no antecedent, {two:?}"
    );
}

#[test]
fn shape_names_stop_at_possessives_breaks_and_titles() {
    let r = rules();
    let ms = run(
        &r,
        "The Ministry of Defence's budget grew.\n\nHarbour Institute\tFunding\nHome Office Minister Jane Doe spoke at the Korvell Foundation.",
    );
    let orgs = values(&ms, MentionKind::Organization);
    assert!(
        orgs.contains(&"Ministry of Defence".to_string()),
        "{orgs:?}"
    );
    assert!(orgs.contains(&"Korvell Foundation".to_string()), "{orgs:?}");
    assert!(orgs.contains(&"Harbour Institute".to_string()), "{orgs:?}");
    assert!(
        !orgs
            .iter()
            .any(|o| o.contains("Funding") || o.contains("Minister")),
        "{orgs:?}"
    );
}

#[test]
fn a_short_name_takes_the_same_longer_form_every_run() {
    let r = rules();
    let text = "The Harwick Institute of Law met the Harwick Institute for Technology Policy. \
                Later the Harwick Institute published a report.";
    let first = values(&run(&r, text), MentionKind::Organization);
    // The longer forms in sorted order: "... for ..." before "... of ...".
    assert!(
        !first.contains(&"Harwick Institute".to_string()),
        "{first:?}"
    );
    for _ in 0..20 {
        assert_eq!(values(&run(&r, text), MentionKind::Organization), first);
    }
}

#[test]
fn a_person_found_once_is_found_wherever_the_document_repeats_the_name() {
    let r = rules();
    let ms = run(
        &r,
        "Ana Petrova, Director of the Zenda Lab, spoke first. Later, Ana Petrova took questions; Petrovak Ana did not.",
    );
    let people: Vec<&str> = ms
        .iter()
        .filter(|m| m.kind == MentionKind::Person)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(people, ["Ana Petrova", "Ana Petrova"]);
}

#[test]
fn the_first_word_filter_leaves_out_only_walks_that_find_nothing() {
    let r = rules();
    let mut texts: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
    // Plurals, names at the very end, names after punctuation and non-ASCII letters.
    texts.push("AISIs; (UK AISI) «AISI» the U.S. AISI’s staff, Institutè AISIsé UK".into());
    texts.push("national institute of standards and technology\nNIST".into());
    assert!(texts.len() > 3);
    for t in &texts {
        let n = NormText::new(t);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        r.g.scan(&n.s, &WordStarts::new(&n.s), &n.tabs, 0, n.s.len(), &mut a);
        r.g.scan_every_word_start(&n.s, &mut b);
        let key = |v: &[Raw]| {
            v.iter()
                .map(|x| (x.start, x.end, x.pid, x.mask))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
        assert!(!a.is_empty());
    }
}

#[test]
fn names_do_not_cross_table_cells() {
    let r = rules();
    // "United Kingdom<TAB>AI Safety Institute" is two cells: a country, then a generic
    // head it does not qualify; "UK AISI<TAB>165" is a name and a count, not a standard.
    let ms = run(
        &r,
        "Country\tInstitute\nUnited Kingdom\tAI Safety Institute\n",
    );
    assert!(ms.iter().all(|m| !m.text.contains('\t')), "{ms:?}");
    assert_eq!(values(&ms, MentionKind::Country), vec!["GB"]);
    let ms = run(&r, "Institute\tStaff\nUK AISI\t165\n");
    assert_eq!(values(&ms, MentionKind::Institute), vec!["GB"]);
    // Where tabs set apart every word of a line (a PDF rendering), they are spaces.
    let ms = run(
        &r,
        "Director of\tthe\tU.S.\tAI\tSafety\tInstitute,\tCSIS,\tJuly\t31\n",
    );
    assert_eq!(values(&ms, MentionKind::Institute), vec!["US"]);
}
