//! Entities: institutes, organisations, countries and events found through gazetteers
//! (alias lists matched with Aho-Corasick) and context rules, from `rules/entities/*.toml`.

use super::DocContext;
use crate::model::Mention;
use anyhow::Result;
use std::path::Path;

/// The compiled entity rules.
#[derive(Default)]
pub struct EntityRules {}

impl EntityRules {
    pub fn load(_dir: &Path) -> Result<EntityRules> {
        Ok(EntityRules {})
    }
}

pub fn find(_rules: &EntityRules, _ctx: &DocContext) -> Vec<Mention> {
    Vec::new()
}

/// Runs the must-match / must-not-match examples of every rule.
pub fn self_test(_rules: &EntityRules) -> Vec<super::ExampleOutcome> {
    Vec::new()
}
