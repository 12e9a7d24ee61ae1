//! Reading a table written as TAB-separated rows (how the extractors lay tables out):
//! the cells above a position in its column, nearest first, so that a rule can take
//! context from the column header ("Singapore" over a funding cell).

use super::lines;

/// The cells in the same column as byte offset `at`, on up to `max_lines` lines above it,
/// nearest first. Empty when `at` is not inside a TAB-separated row or is in its first
/// column (the row labels).
/// The column's header above the cell at `at`: the first cell above it, within
/// `max_lines`, that holds no figure ("Institute<TAB>Staff" over "UK AISI<TAB>~200").
/// Stops there, unlike [`cells_above`]: every number cell of a table asks.
pub fn column_header(text: &str, at: usize, max_lines: usize) -> Option<&str> {
    let at = super::dates::floor_char(text, at.min(text.len()));
    let line_start = lines::line_start_within(text, at)?;
    let column = text[line_start..at].matches('\t').count();
    if column == 0 || line_start == 0 {
        return None;
    }
    let mut end = line_start - 1;
    for _ in 0..max_lines {
        let from = lines::line_start_within(text, end)?;
        if let Some(cell) = text[from..end].split('\t').nth(column)
            && !cell.bytes().any(|b| b.is_ascii_digit())
        {
            return Some(cell.trim());
        }
        if from == 0 {
            return None;
        }
        end = from - 1;
    }
    None
}

pub fn cells_above(text: &str, at: usize, max_lines: usize) -> Vec<&str> {
    let at = super::dates::floor_char(text, at.min(text.len()));
    let mut out = Vec::new();
    // A line longer than any table row is not one (and is not searched through).
    let Some(line_start) = lines::line_start_within(text, at) else {
        return out;
    };
    let column = text[line_start..at].matches('\t').count();
    if column == 0 || line_start == 0 {
        return out;
    }
    let mut end = line_start - 1;
    for _ in 0..max_lines {
        let Some(from) = lines::line_start_within(text, end) else {
            break;
        };
        if let Some(cell) = text[from..end].split('\t').nth(column) {
            out.push(cell.trim());
        }
        if from == 0 {
            break;
        }
        end = from - 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_above_follow_the_column_nearest_first() {
        let t = "\tUS\tJapan\nBudget\t$1\t¥2\nYear\tFY24\tFY2024";
        let at = t.rfind("FY2024").unwrap();
        assert_eq!(cells_above(t, at, 10), vec!["¥2", "Japan"]);
        assert!(cells_above(t, t.rfind("Year").unwrap(), 10).is_empty());
        assert!(cells_above("no table here", 3, 10).is_empty());
        // The header is the first cell above without a figure; none outside a table.
        let t = "Institute\tStaff (FTE)\nUK AISI\t165\nUS AISI\t40\n";
        assert_eq!(
            column_header(t, t.rfind("40").unwrap(), 10),
            Some("Staff (FTE)")
        );
        assert_eq!(column_header("no table here", 3, 10), None);
    }
}
