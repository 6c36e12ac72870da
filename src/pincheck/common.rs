//! What a finder tries without reading the card: the most common 4-digit PINs of a published
//! frequency analysis, and the trivial patterns (repeats, runs, keypad lines).

/// The 20 most common 4-digit codes, most common first, with their share of the sample in
/// thousandths of a percent. Source: Nick Berry, DataGenetics, "PIN analysis" (September
/// 2012), 3.4 million four-digit passwords from released password tables; the top 20 cover
/// 26.83 % of the sample (docs/pin-check.md, docs/card-facts.md §10).
pub const TOP_PINS: &[(&str, u32)] = &[
    ("1234", 10_713),
    ("1111", 6_016),
    ("0000", 1_881),
    ("1212", 1_197),
    ("7777", 745),
    ("1004", 616),
    ("2000", 613),
    ("4444", 526),
    ("2222", 516),
    ("6969", 512),
    ("9999", 451),
    ("3333", 419),
    ("5555", 395),
    ("6666", 391),
    ("1122", 366),
    ("1313", 304),
    ("8888", 303),
    ("4321", 293),
    ("2001", 290),
    ("1010", 285),
];

/// The rank (1 = most common) of a 4-digit PIN in [`TOP_PINS`].
pub fn rank(pin: &str) -> Option<usize> {
    TOP_PINS.iter().position(|(p, _)| *p == pin).map(|i| i + 1)
}

/// A pattern needing no knowledge of the holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trivial {
    /// One character repeated (1111, AAAAAA).
    Repeated,
    /// Each character one more than the last (1234, 0123, ABCDEF).
    Ascending,
    /// Each character one less than the last (4321, 9876).
    Descending,
    /// Two characters alternating or a pair doubled (1212, 1122).
    Pairs,
    /// A straight line on a phone keypad or a numeric keypad (2580, 7410).
    KeypadLine,
}

/// Straight lines of four keys: the middle column of a phone keypad (1-2-3 on top, 0 below
/// 8), the columns of a computer's numeric keypad (7-8-9 on top, 0 below 1 and 2), each way.
const KEYPAD_LINES: &[&str] = &["2580", "0852", "7410", "0147", "8520", "0258"];

/// The trivial patterns a string matches, in a fixed order.
pub fn trivial(s: &str) -> Vec<Trivial> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    if b.len() < 2 {
        return out;
    }
    let steps: Vec<i16> = b
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    let same_class = b.iter().all(u8::is_ascii_digit) || b.iter().all(u8::is_ascii_uppercase);
    if steps.iter().all(|&d| d == 0) {
        out.push(Trivial::Repeated);
    } else if same_class && steps.iter().all(|&d| d == 1) {
        out.push(Trivial::Ascending);
    } else if same_class && steps.iter().all(|&d| d == -1) {
        out.push(Trivial::Descending);
    }
    if !out.contains(&Trivial::Repeated) && b.len() == 4 {
        let abab = b[0] == b[2] && b[1] == b[3];
        let aabb = b[0] == b[1] && b[2] == b[3];
        if abab || aabb {
            out.push(Trivial::Pairs);
        }
    }
    if KEYPAD_LINES.contains(&s) {
        out.push(Trivial::KeypadLine);
    }
    out
}

/// Every 4-digit string [`trivial`] matches, in ascending order: the finder's list of
/// trivial guesses.
pub fn trivial_pins() -> impl Iterator<Item = String> {
    (0..10_000u32)
        .map(|n| format!("{n:04}"))
        .filter(|s| !trivial(s).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_top_list_is_ordered_and_adds_up() {
        let total: u32 = TOP_PINS.iter().map(|(_, f)| f).sum();
        // The source gives 26.83 % for the top 20 (rounding of the individual rows).
        assert!((26_800..=26_850).contains(&total), "{total}");
        assert!(TOP_PINS.windows(2).all(|w| w[0].1 >= w[1].1));
        assert_eq!(rank("1234"), Some(1));
        assert_eq!(rank("1010"), Some(20));
        assert_eq!(rank("8068"), None);
    }

    #[test]
    fn trivial_patterns_by_hand() {
        use Trivial::*;
        let cases: &[(&str, &[Trivial])] = &[
            ("1111", &[Repeated]),
            ("0000", &[Repeated]),
            ("1234", &[Ascending]),
            ("0123", &[Ascending]),
            ("6789", &[Ascending]),
            ("9876", &[Descending]),
            ("4321", &[Descending]),
            ("1212", &[Pairs]),
            ("1122", &[Pairs]),
            ("2580", &[KeypadLine]),
            ("7410", &[KeypadLine]),
            ("0852", &[KeypadLine]),
            ("8068", &[]),
            ("1357", &[]),
            ("0401", &[]),
            ("AAAAAA", &[Repeated]),
            ("ABCDEF", &[Ascending]),
            ("123456", &[Ascending]),
            ("ABC123", &[]),
        ];
        for (s, want) in cases {
            assert_eq!(trivial(s), *want, "{s}");
        }
    }

    #[test]
    fn the_trivial_list_is_short() {
        let n = trivial_pins().count();
        // 10 repeats, 7 + 7 runs, 90 + 90 pair forms (ABAB, AABB, less the repeats), 6 lines.
        assert_eq!(n, 10 + 7 + 7 + 90 + 90 + 6);
    }
}
