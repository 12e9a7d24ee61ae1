//! Cardinal numbers written in words, as the count before a magnitude word ("five
//! billion dollars", "a hundred and fifty million", "one and a half billion", "half a
//! billion", "a quarter of a billion", "two point four billion"): below a thousand, with
//! a half, a quarter or digits after a point.

/// Zero to nineteen, each at its value.
pub(crate) const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// Twenty to ninety: index `i` is `20 + 10 * i`.
pub(crate) const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Zero to nineteen in words.
pub(crate) fn unit(s: &str) -> Option<u32> {
    UNITS.iter().position(|u| *u == s).map(|i| i as u32)
}

/// Twenty, thirty, ... ninety in words.
pub(crate) fn tens(s: &str) -> Option<u32> {
    TENS.iter()
        .position(|t| *t == s)
        .map(|i| 20 + 10 * i as u32)
}

/// A number below a hundred in words: "seven", "fifteen", "forty", "forty-two", "forty
/// two"; "a" and "an" are one.
fn below_hundred(w: &[&str]) -> Option<f64> {
    let unit = |s: &str| unit(s).map(f64::from);
    let tens = |s: &str| tens(s).map(f64::from);
    match w {
        ["a" | "an"] => Some(1.0),
        [x] => unit(x).or_else(|| tens(x)),
        [t, u] => {
            let u = unit(u).filter(|u| (1.0..10.0).contains(u))?;
            Some(tens(t)? + u)
        }
        _ => None,
    }
}

/// A whole number below a thousand: "a hundred and fifty", "two hundred", "ninety-nine".
fn whole(w: &[&str]) -> Option<f64> {
    match w.iter().position(|x| *x == "hundred") {
        Some(i) => {
            let h = if i == 0 { 1.0 } else { below_hundred(&w[..i])? };
            if !(1.0..10.0).contains(&h) {
                return None;
            }
            let rest = match &w[i + 1..] {
                [] => 0.0,
                ["and", r @ ..] | r => below_hundred(r).filter(|r| *r >= 1.0)?,
            };
            Some(h * 100.0 + rest)
        }
        None => below_hundred(w),
    }
}

/// The value of a cardinal in words, case and hyphens aside; `None` for anything else.
pub fn cardinal(s: &str) -> Option<f64> {
    let l = s
        .to_ascii_lowercase()
        .replace(['-', '\u{2010}', '\u{2011}'], " ");
    let w: Vec<&str> = l.split_whitespace().collect();
    match w.as_slice() {
        ["half", "a" | "an"] | ["a", "half"] => Some(0.5),
        ["a" | "one", "quarter", "of", "a" | "an"] => Some(0.25),
        // "two point four": the digits after the point one word each.
        n if n.contains(&"point") => {
            let i = n.iter().position(|x| *x == "point")?;
            let mut frac = String::from("0.");
            for d in &n[i + 1..] {
                let d = unit(d).filter(|d| *d < 10)?;
                frac.push(char::from(b'0' + d as u8));
            }
            let frac: f64 = frac.parse().ok().filter(|_| i + 1 < n.len())?;
            Some(whole(&n[..i])? + frac)
        }
        ["three", "quarters", "of", "a" | "an"] => Some(0.75),
        [n @ .., "and", "a", "half"] => Some(whole(n)? + 0.5),
        [n @ .., "and", "a", "quarter"] => Some(whole(n)? + 0.25),
        n => whole(n),
    }
}

#[cfg(test)]
mod tests {
    use super::cardinal;

    #[test]
    fn cardinals_in_words_are_read() {
        for (s, v) in [
            ("five", 5.0),
            ("Twelve", 12.0),
            ("a", 1.0),
            ("forty-two", 42.0),
            ("forty two", 42.0),
            ("ninety", 90.0),
            ("a hundred", 100.0),
            ("two hundred", 200.0),
            ("a hundred and fifty", 150.0),
            ("three hundred twenty-five", 325.0),
            ("half a", 0.5),
            ("a quarter of a", 0.25),
            ("one and a half", 1.5),
            ("two and a half", 2.5),
            ("two point four", 2.4),
            ("two point zero five", 2.05),
        ] {
            assert_eq!(cardinal(s), Some(v), "{s}");
        }
    }

    #[test]
    fn what_is_not_a_cardinal_is_refused() {
        for s in [
            "",
            "several",
            "many",
            "forty-ten",
            "twenty hundred",
            "hundred hundred",
            "the",
            "a few",
            "one point",
            "point six",
            "one point twelve",
        ] {
            assert_eq!(cardinal(s), None, "{s}");
        }
    }
}
