//! Reading a table written as TAB-separated rows (how the extractors lay tables out) or as
//! Markdown rows:
//! the cells above a position in its column, nearest first, so that a rule can take
//! context from the column header ("Singapore" over a funding cell).

use super::lines;

/// How a table row of the text splits into cells: at pipes when it is a Markdown row (the
/// piece before its leading pipe is empty, so the first column is piece 1), else at tabs
/// (the first column is piece 0). `line` may be the row's start only.
pub fn separator(line: &str) -> (char, usize) {
    if line.trim_start().starts_with('|') {
        ('|', 1)
    } else {
        ('\t', 0)
    }
}

/// The cells in the same column as byte offset `at`, on up to `max_lines` lines above it,
/// nearest first. None when `at` is not inside a TAB-separated or Markdown row or is in its first
/// column (the row labels). Lazy: callers take the first cell they want (every number
/// cell of a table asks for its header), and the lines above it are not read.
pub fn cells_above(text: &str, at: usize, max_lines: usize) -> impl Iterator<Item = &str> {
    let at = super::dates::floor_char(text, at.min(text.len()));
    // A line longer than any table row is not one (and is not searched through).
    let start = lines::line_start_within(text, at).and_then(|line_start| {
        let head = &text[line_start..at];
        let (sep, first) = separator(head);
        let column = head.matches(sep).count();
        (column > first && line_start > 0).then(|| (line_start - 1, column, sep))
    });
    let mut next = start.map(|(end, _, _)| end);
    let (column, sep) = start.map_or((0, '\t'), |(_, c, s)| (c, s));
    std::iter::from_fn(move || {
        let end = next?;
        let from = lines::line_start_within(text, end)?;
        next = (from > 0).then(|| from - 1);
        Some(text[from..end].split(sep).nth(column).map(str::trim))
    })
    .take(max_lines)
    .flatten()
    // The rule under a Markdown header ("|---|:---:|") is no cell.
    .filter(|c| c.is_empty() || !c.chars().all(|ch| matches!(ch, '-' | ':')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_above_in_a_markdown_table_follow_the_column() {
        let t = "| Institute | Staff |\n|---|---|\n| Zenda AISI | 150 |\n";
        let at = t.find("150").unwrap();
        let above: Vec<&str> = cells_above(t, at, 5).collect();
        assert_eq!(above, ["Staff"]);
        let at = t.find("Zenda").unwrap();
        assert_eq!(cells_above(t, at, 5).count(), 0);
    }

    #[test]
    fn cells_above_follow_the_column_nearest_first() {
        let t = "\tUS\tJapan\nBudget\t$1\t¥2\nYear\tFY24\tFY2024";
        let at = t.rfind("FY2024").unwrap();
        assert_eq!(
            cells_above(t, at, 10).collect::<Vec<_>>(),
            vec!["¥2", "Japan"]
        );
        assert_eq!(cells_above(t, t.rfind("Year").unwrap(), 10).count(), 0);
        assert_eq!(cells_above("no table here", 3, 10).count(), 0);
        // A column's header: the first cell above without a figure.
        let t = "Institute\tStaff (FTE)\nUK AISI\t165\nUS AISI\t40\n";
        let header =
            cells_above(t, t.rfind("40").unwrap(), 10).find(|c| !c.contains(char::is_numeric));
        assert_eq!(header, Some("Staff (FTE)"));
    }
}
