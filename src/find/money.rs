//! Money normaliser: amounts with their ISO 4217 currency, magnitude words applied, ranges
//! as `min`/`max`, and the period they recur over (`per`). Hedges and bounds ("about",
//! ">", "up to") go to `qualifier`, never into the value.

use super::engine::{Found, Hit};
use super::found;
use serde_json::{Value, json};

/// Currency of a symbol, code or word; `None` when unknown.
pub fn currency(s: &str) -> Option<&'static str> {
    // Spaces inside a currency's name fold to one ("livres  sterling", a line break), and
    // Markdown's backslashes go: one pass, one string.
    let mut l = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !l.is_empty() {
            l.push(' ');
        }
        l.extend(
            w.chars()
                .filter(|&c| c != '\\')
                .flat_map(char::to_lowercase),
        );
    }
    Some(match l.as_str() {
        "$"
        | "us$"
        | "$us"
        | "usd"
        | "us dollars"
        | "u.s. dollars"
        | "dollars"
        | "dollar"
        | "dlrs"
        | "us $"
        | "u.s.$"
        | "u.s. $"
        | "us dollar"
        | "u.s. dollar"
        | "dollar us"
        | "dollars us"
        | "dollars américains"
        | "us-dollar" => "USD",
        "c$" | "ca$" | "can$" | "$c" | "cad" | "canadian dollars" | "canadian dollar"
        | "dollars canadiens" => "CAD",
        "s$" | "sg$" | "sgd" | "singapore dollars" | "singapore dollar" => "SGD",
        "a$"
        | "au$"
        | "$a"
        | "$au"
        | "aud"
        | "australian dollars"
        | "australian dollar"
        | "dollars australiens" => "AUD",
        "nz$" | "$nz" | "nzd" | "new zealand dollars" => "NZD",
        "hk$" | "hkd" | "hong kong dollars" => "HKD",
        "nt$" | "twd" | "new taiwan dollars" => "TWD",
        "£" | "gbp" | "pounds" | "pound" | "pounds sterling" | "sterling" | "livres sterling"
        | "livres" | "pfund" => "GBP",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "¥" | "jpy" | "yen" | "yens" | "円" => "JPY",
        "₩" | "krw" | "won" | "wons" | "원" => "KRW",
        "cny" | "rmb" | "yuan" | "renminbi" | "cn¥" => "CNY",
        "₹" | "inr" | "rupees" | "rupee" | "rs" | "rs." => "INR",
        "chf" | "swiss francs" | "francs suisses" | "fr." | "sfr" | "sfr." | "franken" => "CHF",
        "r$" | "brl" | "reais" | "brazilian reais" => "BRL",
        "kes" | "ksh" | "ksh." | "kshs" | "kenyan shillings" | "kenya shillings" | "sh" => "KES",
        "rm" | "myr" | "ringgit" => "MYR",
        "rp" | "rp." | "idr" | "rupiah" => "IDR",
        _ => return None,
    })
}

fn magnitude(s: &str) -> Option<f64> {
    Some(
        match s.trim().trim_end_matches('.').to_lowercase().as_str() {
            "" => 1.0,
            "hundred" => 1e2,
            "k" | "thousand" => 1e3,
            "만" | "万" => 1e4,
            "百万" => 1e6,
            "천만" => 1e7,
            "억" | "億" => 1e8,
            "조" | "兆" => 1e12,
            "lakh" => 1e5,
            "m" | "mn" | "mil" | "mln" | "million" | "millions" | "mio" | "millionen" => 1e6,
            "crore" => 1e7,
            "lakh crore" => 1e12,
            "b" | "bn" | "bln" | "billion" | "billions" | "md" | "mds" | "mrd" | "milliard"
            | "milliards" | "milliarden" => 1e9,
            "t" | "tn" | "trln" | "trillion" | "trillions" => 1e12,
            _ => return None,
        },
    )
}

fn period(s: &str) -> Option<&'static str> {
    let l = s.to_lowercase();
    if l.contains("month") || l.contains("mois") || l.contains("monat") {
        Some("month")
    } else if l.contains("year")
        || l == "par an"
        || l.contains("jahr")
        || l.contains("jährlich")
        || l.contains("yr")
        || l.contains("annum")
        || l.contains("annual")
        || l.contains("p.a")
    {
        Some("year")
    } else {
        None
    }
}

/// A JSON number for an amount: an integer when whole (to the cent).
pub(crate) fn amount(x: f64) -> Value {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 && r.abs() < 9e15 {
        json!(r as i64)
    } else {
        json!(r)
    }
}

fn number(s: &str) -> Option<f64> {
    let s = s.replace([',', ' ', '\u{a0}', '\u{202f}'], "");
    s.parse().ok()
}

/// A number written the European way: spaces (or, in German, points) between thousands,
/// a decimal comma: "450 000", "1,5", "1.500" (German for 1500), "2.300,5". A point with
/// other than three digits after it is a decimal point ("3.4").
fn european_number(s: &str) -> Option<f64> {
    let s = s.replace([' ', '\u{a0}', '\u{202f}'], "");
    let int = s.split(',').next().unwrap_or("");
    let thousands_points =
        int.contains('.') && int.split('.').skip(1).all(|g| g.len() == 3) && !s.contains(',')
            || s.contains(',') && int.contains('.');
    let s = if thousands_points {
        s.replace('.', "")
    } else {
        s
    };
    s.replace(',', ".").parse().ok()
}

/// Groups: `cur` (symbol or code before the number) or `word` (currency word after it),
/// `num` and optional `num2` for a range, `mag`/`mag2` magnitude words, `per`, `qual`.
pub fn money(hit: &Hit) -> Option<Found> {
    let cur_text = hit.get("cur").or(hit.get("word")).or(hit.get("cur2"))?;
    let mut cur = currency(cur_text)?;
    let mag2 = hit.get("mag2").map(magnitude).unwrap_or(Some(1.0))?;
    // "$7.2-14.4 million": one magnitude for both ends.
    let mag1 = match hit.get("mag") {
        Some(m) => magnitude(m)?,
        None => mag2,
    };
    // "£000" heads a table column in thousands of pounds: a unit, no amount of nothing.
    // Or the count in words: "five billion dollars", "half a billion pounds".
    let digits = hit.get("eunum").or(hit.get("num")).unwrap_or("");
    if digits.len() > 1 && digits.bytes().all(|b| b == b'0') {
        return None;
    }
    // "in 2023 dollars" names the prices of a year, not an amount.
    if hit.get("word").is_some()
        && hit.get("mag").is_none()
        && digits.len() == 4
        && (digits.starts_with("19") || digits.starts_with("20"))
        && super::lines::before(hit.text, hit.start, 8)
            .trim_end()
            .to_ascii_lowercase()
            .ends_with("in")
    {
        return None;
    }
    // An exchange rate ("156 yen to the dollar", "1,375 won per dollar") is no amount.
    let reach = super::dates::floor_char(hit.text, (hit.end + 40).min(hit.text.len()));
    let after = hit.text[hit.end..reach.max(hit.end)]
        .trim_start()
        .to_ascii_lowercase();
    if ["to the ", "per ", "against the "].iter().any(|p| {
        after.strip_prefix(p).is_some_and(|r| {
            let r = r.trim_start_matches("us ").trim_start_matches("u.s. ");
            ["dollar", "euro", "pound", "yen", "won", "yuan", "greenback"]
                .iter()
                .any(|c| r.starts_with(c))
        })
    }) {
        return None;
    }
    let a = match (hit.get("numw"), hit.get("eunum")) {
        (Some(w), _) => super::cardinals::cardinal(w)?,
        (None, Some(n)) => european_number(n)?,
        (None, None) => number(hit.get("num")?)?,
    } * mag1;
    // Letters that are a currency only by convention ("RM", "Rp", "Sh", "Fr.") stand for
    // one before a magnitude or a sum in the thousands; "Room RM 3" is no amount.
    if matches!(
        cur_text.trim().to_ascii_lowercase().as_str(),
        "rm" | "rp" | "rp." | "sh" | "fr." | "sfr" | "sfr."
    ) && hit.get("mag").is_none()
        && a < 1000.0
    {
        return None;
    }
    let b = match hit.get("num2") {
        Some(n) => Some(number(n)? * mag2),
        None => None,
    };
    if cur == "USD"
        && is_bare_dollar(cur_text)
        && let Some(local) =
            local_dollar(hit.text, hit.start).or_else(|| dollar_of_context(hit.text, hit.start))
    {
        cur = local;
    }
    let per = hit
        .get("per")
        .and_then(period)
        .or_else(|| period_nearby(hit.text, hit.start, hit.end));
    let mut value = serde_json::Map::new();
    match b {
        Some(b) if b > a => {
            value.insert("min".into(), amount(a));
            value.insert("max".into(), amount(b));
        }
        Some(_) => return None,
        None => {
            value.insert("amount".into(), amount(a));
        }
    }
    value.insert("currency".into(), json!(cur));
    value.insert("per".into(), per.map_or(Value::Null, |p| json!(p)));
    Some(found(Value::Object(value), hit))
}

/// The period of an amount stated beside it rather than right after it: after a bracketed
/// conversion ("£50 million (\$65 million) per year" — for both amounts), or earlier in
/// the clause ("annual budgets ... hover around \$10 million").
fn period_nearby(text: &str, start: usize, end: usize) -> Option<&'static str> {
    let mut rest = text[end..].trim_start();
    if rest.starts_with('(')
        && let Some(close) = rest[..super::dates::floor_char(rest, rest.len().min(80))].find(')')
    {
        rest = rest[close + 1..].trim_start();
    } else if let Some(r) = rest.strip_prefix(')') {
        rest = r.trim_start();
    }
    // Unicode spaces (no-break, thin, …) read as spaces; only the next few words matter.
    let head: String = rest
        .chars()
        .take(24)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect::<String>()
        .to_lowercase();
    // French and German rates too: "par an", "pro Jahr", "jährlich".
    const AFTER: [&str; 15] = [
        "par an",
        "pro jahr",
        "jährlich",
        "par mois",
        "pro monat",
        "per year",
        "per annum",
        "a year",
        "annually",
        "/yr",
        "/year",
        "each year",
        "every year",
        "per month",
        "a month",
    ];
    if let Some(p) = AFTER.iter().find(|p| head.starts_with(*p)) {
        // "$5 million a year ago" is a date after an amount, not a rate.
        let tail = head.get(p.len()..).unwrap_or("").trim_start();
        if ["ago", "earlier", "before", "later"]
            .iter()
            .any(|w| tail.starts_with(w))
        {
            return None;
        }
        return period(p);
    }
    let from = super::dates::floor_char(text, start.saturating_sub(100));
    let before = &text[from..start];
    // Only within the same sentence and with no other amount in between.
    let clause = before
        .rsplit(['\n', ';'])
        .next()
        .unwrap_or(before)
        .rsplit(". ")
        .next()
        .unwrap_or(before);
    let lower = clause.to_lowercase();
    let other_amount = lower.contains(['$', '£', '€', '¥', '₩'])
        || lower.contains("million")
        || lower.contains("billion");
    if other_amount {
        return None;
    }
    // "annual" of a thing that comes once a year ("its annual report", "the annual
    // conference") says nothing of the amount.
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let annual = words.iter().enumerate().any(|(i, w)| {
        matches!(*w, "annual" | "yearly")
            && !words.get(i + 1).is_some_and(|n| {
                matches!(
                    *n,
                    "report"
                        | "reports"
                        | "conference"
                        | "meeting"
                        | "review"
                        | "summit"
                        | "accounts"
                        | "statement"
                        | "survey"
                        | "lecture"
                        | "forum"
                )
            })
    });
    // "annual figures differ: C$30 million is spread over four years", "an annual
    // allocation above the €40 million it gets for the 2026/27 financial year": what
    // follows the amount names its own period.
    let own_period = {
        let head: String = text[end..]
            .chars()
            .take(60)
            .collect::<String>()
            .to_lowercase();
        head.contains(" over ") && head.contains("year")
            || head.contains("financial year")
            || head.contains("fiscal year")
    };
    (annual && !own_period).then_some("year")
}

fn is_bare_dollar(s: &str) -> bool {
    matches!(s.trim_start_matches('\\'), "$")
}

/// A bare "$" amount in brackets right after another amount in the same table cell is the
/// local-currency conversion of the first, so it is in the dollar of the column's country
/// ("Singapore" over "\$7.5 million/yr (\$10 million/year)" makes the second SGD).
fn local_dollar(text: &str, start: usize) -> Option<&'static str> {
    let line_start = super::lines::line_start(text, start);
    let cell_start = text[line_start..start]
        .rfind('\t')
        .map_or(line_start, |i| line_start + i + 1);
    let cell = &text[cell_start..start];
    let open = cell.trim_end().trim_end_matches('\\');
    let first = open.strip_suffix('(')?;
    if !first.contains('$') {
        return None;
    }
    // The header is the nearest cell above in that column that names a country.
    super::table::cells_above(text, start, 40).find_map(dollar_country)
}

/// A bare "$" in a document of a dollar country's government ("Government of Canada",
/// "Commonwealth of Australia" in its letterhead) is that country's dollar; so is one that
/// restates an amount just given in a named dollar.
pub(crate) fn dollar_of_context(text: &str, start: usize) -> Option<&'static str> {
    const GOVERNMENTS: [(&str, &str); 7] = [
        ("government of canada", "CAD"),
        ("gouvernement du canada", "CAD"),
        ("canada.ca", "CAD"),
        ("commonwealth of australia", "AUD"),
        ("australian government", "AUD"),
        ("parliament of australia", "AUD"),
        ("new zealand government", "NZD"),
    ];
    let head = text[..super::dates::floor_char(text, 1500.min(text.len()))].to_lowercase();
    if let Some((_, c)) = GOVERNMENTS.iter().find(|(k, _)| head.contains(k)) {
        return Some(c);
    }
    // A release datelined in a dollar country's capital ("OTTAWA, ON, Nov. 12, 2024
    // /CNW/ -", "Canberra, 12 November 2024.") is issued there: its "$" is that dollar.
    const DATELINES: [(&str, &str); 3] = [
        ("ottawa", "CAD"),
        ("canberra", "AUD"),
        ("wellington", "NZD"),
    ];
    let opening = &head[..super::dates::floor_char(&head, 400.min(head.len()))];
    if opening.contains("/cnw/") {
        return Some("CAD");
    }
    for line in opening
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
    {
        if let Some((_, c)) = DATELINES.iter().find(|(city, _)| {
            line.strip_prefix(city)
                .is_some_and(|r| r.starts_with([',', ' ', '—', '-']))
        }) {
            return Some(c);
        }
    }
    // Just after an amount in a named dollar ("A$14.6 million, or almost $15 million"),
    // a bare "$" restates it in the same dollar.
    let lo = super::dates::floor_char(text, start.saturating_sub(100));
    let before = &text[lo..start];
    let cut = [before.rfind('\n'), before.rfind(". ")]
        .into_iter()
        .flatten()
        .max();
    let before = cut.map_or(before, |i| &before[i + 1..]);
    let named = before.rfind('$').and_then(|i| {
        // In brackets after it, a bare "$" is a conversion ("SG$12 million (about $9
        // million)"), which the annotation guide reads as US dollars.
        if before[i..].contains('(') {
            return None;
        }
        let lead: String = before[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        currency(&format!("{lead}$")).filter(|_| !lead.is_empty())
    });
    named.filter(|c| *c != "USD")
}

fn dollar_country(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "singapore" => "SGD",
        "canada" => "CAD",
        "australia" => "AUD",
        "new zealand" => "NZD",
        "hong kong" => "HKD",
        "taiwan" => "TWD",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_codes_and_words_map_to_iso_currencies() {
        assert_eq!(currency("C\\$"), Some("CAD"));
        assert_eq!(currency("US$"), Some("USD"));
        assert_eq!(currency("U.S. $"), Some("USD"));
        assert_eq!(currency("R$"), Some("BRL"));
        assert_eq!(currency("KSh"), Some("KES"));
        assert_eq!(currency("₩"), Some("KRW"));
        assert_eq!(currency("euros"), Some("EUR"));
        assert_eq!(currency("florins"), None);
    }

    #[test]
    fn amounts_are_whole_numbers_when_they_can_be() {
        assert_eq!(amount(7.2 * 1e6), json!(7200000));
        assert_eq!(amount(12.5), json!(12.5));
    }

    #[test]
    fn bracketed_dollars_under_a_dollar_country_column_are_local() {
        let t =
            "\tUnited States\tSingapore\nFunding\t$1 million\t$7.5 million/yr ($10 million/year)";
        let at = t.rfind("$10").unwrap();
        assert_eq!(local_dollar(t, at), Some("SGD"));
        let first = t.find("$7.5").unwrap();
        assert_eq!(local_dollar(t, first), None);
    }

    #[test]
    fn periods_stated_beside_an_amount_count() {
        let t = "a budget of approximately £50 million (\\$65 million) per year, according";
        let a = t.find("£50").unwrap();
        assert_eq!(period_nearby(t, a, a + "£50 million".len()), Some("year"));
        let t = "the annual budgets of members hover around $10 million, with";
        let a = t.find('$').unwrap();
        assert_eq!(period_nearby(t, a, a + 11), Some("year"));
        let t = "the annual £5 million grant and $10 million.";
        let a = t.find('$').unwrap();
        assert_eq!(period_nearby(t, a, a + 11), None);
        // "annual" of a thing that comes once a year says nothing of the amount.
        let t = "According to its annual report, the institute spent £28.6m.";
        let a = t.find('£').unwrap();
        assert_eq!(period_nearby(t, a, a + 6), None);
        let t = "Its annual budget is £28.6m.";
        let a = t.find('£').unwrap();
        assert_eq!(period_nearby(t, a, a + 6), Some("year"));
    }

    #[test]
    fn a_long_bracket_of_wide_characters_does_not_break_the_period_search() {
        let t = format!("$5 ({})", "€".repeat(40));
        assert_eq!(period_nearby(&t, 0, 2), None);
    }

    #[test]
    fn bare_dollars_follow_the_government_or_a_named_dollar_just_before() {
        let t = "Government of Canada\nBudget 2023 provides $40 million to the agency.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), Some("CAD"));
        let t = "It put A$14.6 million, or almost $15 million, on it.";
        assert_eq!(dollar_of_context(t, t.rfind('$').unwrap()), Some("AUD"));
        let t = "It gave SG$12 million (about $9 million) to it.";
        assert_eq!(dollar_of_context(t, t.rfind('$').unwrap()), None);
        let t = "Australia's agency gives $2.3 million a year.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), None);
        let t = "The lab raised $5 million.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), None);
        // A release datelined in a dollar country's capital, not one named in the story.
        let t = "OTTAWA, ON, Nov. 12, 2024 /CNW/ - The institute will receive $50 million.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), Some("CAD"));
        let t = "Canberra, 12 November 2024\n\nThe Government will invest $39.9 million.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), Some("AUD"));
        let t = "WASHINGTON - Officials said Ottawa would spend $5 million.";
        assert_eq!(dollar_of_context(t, t.find('$').unwrap()), None);
    }

    #[test]
    fn european_numbers_use_spaces_and_a_decimal_comma() {
        assert_eq!(european_number("450 000"), Some(450000.0));
        assert_eq!(european_number("1,8"), Some(1.8));
        // German points between thousands; a point before other than three digits is a
        // decimal point.
        assert_eq!(european_number("1.500"), Some(1500.0));
        assert_eq!(european_number("2.300,5"), Some(2300.5));
        assert_eq!(european_number("3.4"), Some(3.4));
    }

    #[test]
    fn an_amount_that_names_its_own_period_is_not_annual() {
        let t = "annual figures differ: C$30 million is spread over four years.";
        let a = t.find("C$").unwrap();
        assert_eq!(period_nearby(t, a, a + 12), None);
    }

    #[test]
    fn a_year_ago_after_an_amount_is_no_period() {
        let t = "sales of $5 million a year ago";
        let a = t.find('$').unwrap();
        assert_eq!(period_nearby(t, a, a + 11), None);
        let t = "grants of $5 million a year to labs";
        assert_eq!(period_nearby(t, a, a + 11), Some("year"));
    }

    #[test]
    fn periods_are_years_or_months() {
        assert_eq!(period("/yr"), Some("year"));
        assert_eq!(period("per annum"), Some("year"));
        assert_eq!(period("a month"), Some("month"));
    }
}
