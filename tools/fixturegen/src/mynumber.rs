//! The 個人番号 check digit, so the fictional numbers look well-formed to a validator.

/// The check digit for the first 11 digits of a 個人番号.
///
/// The official formula: number the 11 digits P11..P1 from the left, weight P_n by
/// Q_n = n + 1 for n ≤ 6 and n − 5 for n ≥ 7, r = Σ P_n·Q_n mod 11, and the check digit is
/// 0 when r ≤ 1, else 11 − r. Returns `None` unless `base` is 11 ASCII digits.
pub fn check_digit(base: &str) -> Option<u8> {
    let digits = base.as_bytes();
    if digits.len() != 11 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().enumerate() {
        let n = 11 - i as u32; // leftmost digit is P11
        let q = if n <= 6 { n + 1 } else { n - 5 };
        sum += u32::from(d - b'0') * q;
    }
    let r = sum % 11;
    Some(if r <= 1 { 0 } else { (11 - r) as u8 })
}

/// The 12-digit number: `base` plus its check digit.
pub fn with_check_digit(base: &str) -> Option<String> {
    check_digit(base).map(|c| format!("{base}{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jpki_test_card_number_checks() {
        // The 個人番号 of a JPKI *test* card quoted in card-facts §7.2 (a test holder, not a
        // person), used here only as a known-valid vector.
        assert_eq!(check_digit("53768667718"), Some(8));
    }

    #[test]
    fn rejects_malformed_input() {
        assert_eq!(check_digit("1234"), None);
        assert_eq!(check_digit("1234567890a"), None);
    }
}
