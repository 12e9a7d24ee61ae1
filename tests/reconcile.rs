//! Reconciliation on the real binary: a venue and the city it is in, stated by two
//! independent reports, are one event location at two precisions.

mod support;

use std::path::Path;
use support::*;

const AT_THE_VENUE: &str = "Ministers prepare for the summit\n\nPublished 3 January 2025\n\n\
Heads of government will meet for the AI Action Summit at the Grand Palais in February \
2025. Officials said the agenda would cover public-interest AI, the future of work and the \
governance of frontier models, with a declaration expected at its close.\n";

const IN_THE_CITY: &str = "A newsletter on technology policy\n\nPublished 20 January 2025\n\n\
Delegations from many countries are expected in Paris for the AI Action Summit next month. \
Our correspondents will report on side events, trade announcements and what the final \
communique says about compute, energy and open models.\n";

/// The status of each `event_location` fact of the run, by place.
fn locations(out: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = read_jsonl(&out.join("facts.jsonl"))
        .into_iter()
        .filter(|f| f["predicate"] == "event_location")
        .map(|f| {
            (
                f["object"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_venue_and_its_city_from_two_reports_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = project_rules(tmp.path());
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("venue.txt"), AT_THE_VENUE).unwrap();
    let alone = tmp.path().join("alone");
    run_ok(&corpus, &rules, &alone);
    assert_eq!(
        locations(&alone),
        [("Grand Palais".to_string(), "single".to_string())]
    );

    std::fs::write(corpus.join("city.txt"), IN_THE_CITY).unwrap();
    let both = tmp.path().join("both");
    run_ok(&corpus, &rules, &both);
    assert_eq!(
        locations(&both),
        [
            ("Grand Palais".to_string(), "agreed".to_string()),
            ("Paris".to_string(), "agreed".to_string()),
        ]
    );
}
