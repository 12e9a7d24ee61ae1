//! The build stage: claims (subject, predicate, object, qualifiers, source) from the
//! mentions and text of each document, by the fact rules in `rules/facts/`.

use crate::model::{Claim, ProcessedDoc};
use anyhow::Result;
use std::path::Path;

/// The compiled fact rules.
#[derive(Default)]
pub struct FactRules {}

impl FactRules {
    pub fn load(_dir: &Path) -> Result<FactRules> {
        Ok(FactRules {})
    }
}

/// Claims of every document, in document order.
pub fn claims(_rules: &FactRules, _docs: &[ProcessedDoc]) -> Vec<Claim> {
    Vec::new()
}
