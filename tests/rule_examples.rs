//! The examples written inside the rule files hold: every must-match snippet yields its
//! expected text and value, no must-not-match snippet yields a mention of the rule's kind.

mod support;

use aisi_tracker::rules::RuleSet;
use support::*;

#[test]
fn every_rule_example_in_the_rules_folder_passes() {
    let rules = RuleSet::load(&root().join("rules")).expect("the rules folder loads");
    let outcomes = aisi_tracker::find::self_test(&rules);
    assert!(
        outcomes.len() > 50,
        "expected the pattern rules' examples to run, got {}",
        outcomes.len()
    );
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("{} [{}] {:?}: {}", o.rule, o.file, o.example, o.detail))
        .collect();
    assert!(
        failed.is_empty(),
        "failing rule examples:\n{}",
        failed.join("\n")
    );
}

#[test]
fn a_bad_rule_file_stops_the_run_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(rules.join("patterns")).unwrap();
    std::fs::write(
        rules.join("patterns/bad.toml"),
        "[[rule]]\nid = \"broken\"\nkind = \"date\"\nnormaliser = \"date\"\npattern = '(unclosed'\n",
    )
    .unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "On May 21, 2024 the summit met.").unwrap();
    let out = dir.path().join("out");
    let run = aisi(&[&["run", "-q"][..], &folders(&corpus, &rules, &out)].concat());
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("bad.toml, line 2, rule \"broken\""), "{err}");
    for file in ["documents.jsonl", "mentions.jsonl", "facts.jsonl"] {
        assert!(
            !out.join(file).exists(),
            "{file} may not be written when the rules are bad"
        );
    }
}
