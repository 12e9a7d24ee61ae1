//! Quantity normaliser: the size of an organisation, network or programme — staff counts,
//! member countries, member organisations — as `{"value"|"min","max", "unit", "approx"}`.
//! The rules decide which nouns count; this module canonicalises the unit and reads
//! units from a table row's label when the cell holds only a number ("c.20").

use super::dates::small_number;
use super::engine::{Found, Hit};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The unit a counted noun stands for: people working somewhere are `staff`; other nouns
/// keep their plural ("countries", "organizations", "ministries").
pub fn unit(noun: &str) -> String {
    let l = noun.trim().to_lowercase();
    let last = l.rsplit([' ', '-']).next().unwrap_or(&l).to_string();
    match last.as_str() {
        "staff" | "people" | "employees" | "employee" | "person" | "persons" | "personnel"
        | "staffers" | "researchers" | "members" | "headcount" | "workforce" | "staffing"
        | "team" | "fte" | "ftes" | "equivalents" | "servants"
            if l.contains("staff") || last != "members" =>
        {
            "staff".into()
        }
        "states" | "nations" | "countries" | "country" | "state" | "nation" => "countries".into(),
        _ => plural(&last),
    }
}

fn plural(w: &str) -> String {
    if w.ends_with('s') {
        w.to_string()
    } else if let Some(stem) = w.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{w}s")
    }
}

/// Groups: `num` (digits or a number word), optional `num2` for a range, `noun` for the
/// unit (else the table row's label or column's header), `approx` for hedges ("c.",
/// "about", "over", "minimum") and `plus` for "200+".
pub fn quantity(hit: &Hit) -> Option<Found> {
    let n = small_number(hit.get("num")?)?;
    let n2 = match hit.get("num2") {
        Some(s) => Some(small_number(s)?),
        None => None,
    };
    let unit = match hit.get("noun") {
        Some(noun) => unit(noun),
        None => row_unit(hit.text, hit.start)?,
    };
    let approx = hit.get("approx").is_some() || hit.get("plus").is_some();
    let mut v = serde_json::Map::new();
    match n2 {
        Some(b) if b > n => {
            v.insert("min".into(), json!(n));
            v.insert("max".into(), json!(b));
        }
        Some(_) => return None,
        None => {
            if n == 0 {
                return None;
            }
            v.insert("value".into(), json!(n));
        }
    }
    v.insert("unit".into(), json!(unit));
    v.insert("approx".into(), json!(approx));
    Some(Found {
        value: Value::Object(v),
        extra: BTreeMap::new(),
        pending: None,
        tense: None,
    })
}

/// How far above a cell (bytes) its row label may stand when a table is read one cell per
/// line: the staff row of the corpus's overview table spans about 200 bytes.
const ROW_LABEL_REACH: usize = 300;
/// Rows above a cell searched for its column's header.
const COLUMN_REACH: usize = 40;

fn is_staff_label(l: &str) -> bool {
    // "Staff (FTE)", "Headcount (2024)": the note in brackets says how or when.
    let l = l.split('(').next().unwrap_or(l).trim();
    matches!(
        l,
        "staff" | "staffing" | "employees" | "headcount" | "personnel" | "team size" | "staff size"
    )
}

/// The unit of a bare number in a table: the row's label ("Staff\tc.20\tc.50") or a
/// bracketed note right after it ("c.20 (current core staff)").
fn row_unit(text: &str, at: usize) -> Option<String> {
    // Every number cell of every table asks: most tables count no staff, and one look
    // for the letters of `is_staff_label`'s labels in the text around settles those at
    // once (written out in both cases: a literal set, which the regex crate scans fast).
    static LABELS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new("taff|TAFF|eadcount|EADCOUNT|mployees|MPLOYEES|ersonnel|eam size")
            .expect("staff label letters")
    });
    let lo = super::dates::floor_char(text, at.saturating_sub(2000));
    let hi = super::dates::floor_char(text, (at + 60).min(text.len()));
    if !LABELS.is_match(&text[lo..hi.max(at)]) {
        return None;
    }
    let line_start = super::lines::line_start(text, at);
    let line = &text[line_start..super::lines::line_end(text, at)];
    // Cells split at tabs, or at the pipes of a Markdown row.
    let (sep, first) = super::table::separator(line);
    if line[..at - line_start].matches(sep).count() > first {
        let label = line
            .split(sep)
            .nth(first)
            .unwrap_or("")
            .trim()
            .to_lowercase();
        if is_staff_label(&label) {
            return Some("staff".into());
        }
        // A table read by columns: the column's header, the first cell above that holds
        // no figure ("Institute\tStaff" over "UK AISI\t~200"), past a second header
        // row's note ("Staff" over "(FTE)" over "150").
        let header = super::table::cells_above(text, at, COLUMN_REACH).find(|c| {
            let note = c.starts_with('(') && c.ends_with(')');
            !(note || c.chars().any(|ch| ch.is_ascii_digit()))
        });
        if header.is_some_and(|h| is_staff_label(&h.to_lowercase())) {
            return Some("staff".into());
        }
    }
    // A table read row by row, one cell per line: the row's label is a line of its own a
    // few lines above ("Staff" / "c.20 (current" / "core staff)" / "c.50 (planned, ...").
    let from = super::dates::floor_char(text, at.saturating_sub(ROW_LABEL_REACH));
    for line in text[from.min(line_start)..line_start].lines().rev() {
        let l = line.trim().to_lowercase();
        if l.is_empty() {
            break;
        }
        // The label alone, or the first cell of a row whose other cells wrapped.
        if is_staff_label(l.split('\t').next().unwrap_or("").trim()) {
            return Some("staff".into());
        }
    }
    let after = &text[at..super::dates::floor_char(text, (at + 60).min(text.len())).max(at)];
    if let Some(open) = after.find('(') {
        let note = &after[open..after.find(')').unwrap_or(after.len()).max(open)];
        if note.to_lowercase().contains("staff") {
            return Some("staff".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_working_somewhere_are_staff() {
        assert_eq!(unit("staff members"), "staff");
        assert_eq!(unit("employees"), "staff");
        // "the team numbered 24", "raise staffing to 100"; "five teams" are teams.
        assert_eq!(unit("team"), "staff");
        assert_eq!(unit("FTE"), "staff");
        assert_eq!(unit("full-time equivalents"), "staff");
        assert_eq!(unit("civil servants"), "staff");
        assert_eq!(unit("staffing"), "staff");
        assert_eq!(unit("teams"), "teams");
        assert_eq!(unit("people"), "staff");
        assert_eq!(unit("headcount"), "staff");
        assert_eq!(unit("member countries"), "countries");
        assert_eq!(unit("government-affiliated organizations"), "organizations");
        assert_eq!(unit("area"), "areas");
        assert_eq!(unit("ministry"), "ministries");
    }

    #[test]
    fn table_rows_lend_their_label_as_unit() {
        let t = "Funding\t$1\nStaff\tc.20 (current)\tc.50 (planned)";
        assert_eq!(
            row_unit(t, t.find("c.50").unwrap()).as_deref(),
            Some("staff")
        );
        assert_eq!(row_unit("about c.20 of them", 6), None);
        let lines = "Funding\n$1\nStaff\nc.20 (current\ncore staff)\nc.50 (planned,\nAI unit)";
        assert_eq!(
            row_unit(lines, lines.find("c.50").unwrap()).as_deref(),
            Some("staff")
        );
        let wrapped = "Staff\tc.20 (current\ncore staff)\nc.50 (planned,";
        assert_eq!(
            row_unit(wrapped, wrapped.find("c.50").unwrap()).as_deref(),
            Some("staff")
        );
        let columns = "Institute\tFounded\tStaff\nZenda AISI\t2024\t~200\nBorduria AISI\t2025\t~30";
        assert_eq!(
            row_unit(columns, columns.find("~30").unwrap()).as_deref(),
            Some("staff")
        );
        let other = "Institute\tFounded\tRank\nZenda AISI\t2024\t~3";
        assert_eq!(row_unit(other, other.find("~3").unwrap()), None);
        // A second header row's note between the header and the cell.
        let two_rows = "Institute\tStaff\n\t(FTE)\nUK AISI\t150\n";
        assert_eq!(
            row_unit(two_rows, two_rows.find("150").unwrap()).as_deref(),
            Some("staff")
        );
        let apart = "Staff\n\nThe text c.50 (planned)";
        assert_eq!(row_unit(apart, apart.find("c.50").unwrap()), None);
    }
}
