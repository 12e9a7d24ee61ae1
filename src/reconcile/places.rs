//! Places that name one location at two precisions: a venue and the city it is in. For
//! `event_location` the venue is the fact's value and the city confirms it.

use std::collections::BTreeMap;

/// How deep a chain of places may go (venue, district, city...): bounds the walk even
/// where the data would loop.
const MAX_DEPTH: usize = 8;

/// Each place that is inside another, from the location gazetteer's `within`.
#[derive(Default, Debug, Clone)]
pub struct Places {
    within: BTreeMap<String, String>,
}

impl Places {
    pub fn new(within: BTreeMap<String, String>) -> Places {
        Places { within }
    }

    /// Whether `inner` is `outer` or lies inside it.
    pub fn inside(&self, inner: &str, outer: &str) -> bool {
        let mut at = inner;
        for _ in 0..MAX_DEPTH {
            if at == outer {
                return true;
            }
            match self.within.get(at) {
                Some(next) => at = next,
                None => return false,
            }
        }
        false
    }

    /// Whether two places are one location stated at two precisions (or the same).
    pub fn nested(&self, a: &str, b: &str) -> bool {
        self.inside(a, b) || self.inside(b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places::new(BTreeMap::from([
            ("Harbour Hall".to_string(), "Dockside".to_string()),
            ("Dockside".to_string(), "Port City".to_string()),
            ("Loop A".to_string(), "Loop B".to_string()),
            ("Loop B".to_string(), "Loop A".to_string()),
        ]))
    }

    #[test]
    fn a_venue_is_inside_its_city_through_its_district() {
        let p = places();
        assert!(p.inside("Harbour Hall", "Port City"));
        assert!(p.nested("Port City", "Harbour Hall"));
        assert!(!p.inside("Port City", "Harbour Hall"));
        assert!(!p.nested("Harbour Hall", "Other City"));
    }

    #[test]
    fn a_loop_in_the_data_ends() {
        assert!(!places().inside("Loop A", "Nowhere"));
    }
}
