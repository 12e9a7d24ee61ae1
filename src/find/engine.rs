//! Pattern rules: regular expressions with named groups and a normaliser, read from
//! `rules/patterns/*.toml`.

use super::DocContext;
use crate::model::{DocText, Mention};
use anyhow::Result;
use std::path::Path;

/// The compiled pattern rules.
#[derive(Default)]
pub struct PatternRules {}

impl PatternRules {
    pub fn load(_dir: &Path) -> Result<PatternRules> {
        Ok(PatternRules {})
    }
}

pub fn find(_rules: &PatternRules, _ctx: &DocContext) -> Vec<Mention> {
    Vec::new()
}

pub fn publication_date(_rules: &PatternRules, _text: &DocText) -> Option<String> {
    None
}

/// Runs the must-match / must-not-match examples of every rule.
pub fn self_test(_rules: &PatternRules) -> Vec<super::ExampleOutcome> {
    Vec::new()
}
