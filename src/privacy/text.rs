//! Text as a card or a person may write it: the ASN.1 string types a certificate can use,
//! and the digits, spaces and hyphens of a number in every encoding the leak check reads
//! (ASCII, UTF-8 with full-width forms, UTF-16 both ways, UTF-32, Shift_JIS, EUC-JP and
//! ISO-2022-JP). Pure; no indexing that could panic.

#![deny(clippy::indexing_slicing)]

/// An ASN.1 string value decoded by its tag: UTF8String, PrintableString, IA5String,
/// VisibleString, NumericString as UTF-8; TeletexString (T61) read as Latin-1; BMPString
/// as UTF-16BE; UniversalString as UTF-32BE. `None` for another tag or undecodable bytes.
pub fn asn1_string(tag: u32, value: &[u8]) -> Option<String> {
    match tag {
        0x0C | 0x12 | 0x13 | 0x16 | 0x1A => std::str::from_utf8(value).ok().map(str::to_string),
        0x14 | 0x15 => Some(value.iter().map(|&b| char::from(b)).collect()),
        0x1E => {
            let units: Vec<u16> = value
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        0x1C => value
            .chunks(4)
            .map(|c| match c {
                [a, b, d, e] => char::from_u32(u32::from_be_bytes([*a, *b, *d, *e])),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// One symbol of a number as written: a digit, a separator a person puts between digit
/// groups (space, hyphen, their full-width and typographic forms), or anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    Digit(u8),
    Sep,
}

/// A character's role in a number: `０`-`９` and `0`-`9` are digits; spaces, hyphens,
/// dashes, minus signs and the long vowel mark people type for a hyphen are separators.
pub fn char_sym(c: char) -> Option<Sym> {
    match c {
        '0'..='9' => Some(Sym::Digit(c as u8 - b'0')),
        '０'..='９' => Some(Sym::Digit((c as u32 - '０' as u32) as u8)),
        ' '
        | '-'
        | '\u{A0}'
        | '\u{3000}'
        | '\u{FF0D}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{30FC}'
        | '\u{FF70}' => Some(Sym::Sep),
        _ => None,
    }
}

/// A byte encoding the scanner reads numbers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// ASCII, UTF-8 (with full-width forms), Latin-1 and T61 (their digits are ASCII's).
    Utf8,
    Utf16Be,
    Utf16Le,
    Utf32Be,
    ShiftJis,
    EucJp,
    /// ISO-2022-JP in its JIS X 0208 mode (`ESC $ B`), bytes `23 30`..`23 39`.
    Jis,
}

impl Encoding {
    pub const ALL: [Encoding; 7] = [
        Encoding::Utf8,
        Encoding::Utf16Be,
        Encoding::Utf16Le,
        Encoding::Utf32Be,
        Encoding::ShiftJis,
        Encoding::EucJp,
        Encoding::Jis,
    ];

    /// The symbol at byte `i` and its width in bytes, if it is a digit or a separator.
    pub fn sym_at(self, b: &[u8], i: usize) -> Option<(Sym, usize)> {
        let rest = b.get(i..)?;
        let ascii = |c: u8| char_sym(char::from(c)).filter(|_| c.is_ascii());
        match self {
            Encoding::Utf8 => match rest {
                [c, ..] if c.is_ascii() => ascii(*c).map(|s| (s, 1)),
                [0xC2, 0xA0, ..] => Some((Sym::Sep, 2)),
                [0xA0, ..] => Some((Sym::Sep, 1)), // Latin-1 no-break space
                [a @ 0xE0..=0xEF, b1, c1, ..] => {
                    let s = std::str::from_utf8(&[*a, *b1, *c1]).ok()?.chars().next()?;
                    char_sym(s).map(|s| (s, 3))
                }
                _ => None,
            },
            Encoding::Utf16Be | Encoding::Utf16Le => {
                let [x, y, ..] = rest else { return None };
                let u = if self == Encoding::Utf16Be {
                    u16::from_be_bytes([*x, *y])
                } else {
                    u16::from_le_bytes([*x, *y])
                };
                char_sym(char::from_u32(u32::from(u))?).map(|s| (s, 2))
            }
            Encoding::Utf32Be => {
                let [a, b1, c, d, ..] = rest else { return None };
                char_sym(char::from_u32(u32::from_be_bytes([*a, *b1, *c, *d]))?).map(|s| (s, 4))
            }
            Encoding::ShiftJis => match rest {
                [c, ..] if c.is_ascii() => ascii(*c).map(|s| (s, 1)),
                [0x82, d @ 0x4F..=0x58, ..] => Some((Sym::Digit(d - 0x4F), 2)),
                [0x81, 0x40 | 0x5B | 0x5C | 0x5D | 0x7C, ..] => Some((Sym::Sep, 2)),
                _ => None,
            },
            Encoding::EucJp => match rest {
                [c, ..] if c.is_ascii() => ascii(*c).map(|s| (s, 1)),
                [0xA3, d @ 0xB0..=0xB9, ..] => Some((Sym::Digit(d - 0xB0), 2)),
                [0xA1, 0xA1 | 0xBC | 0xBD | 0xBE | 0xDD, ..] => Some((Sym::Sep, 2)),
                _ => None,
            },
            Encoding::Jis => match rest {
                [0x23, d @ 0x30..=0x39, ..] => Some((Sym::Digit(d - 0x30), 2)),
                [0x21, 0x21 | 0x3C | 0x3D | 0x3E | 0x5D, ..] => Some((Sym::Sep, 2)),
                _ => None,
            },
        }
    }

    /// Whether the bytes can hold this encoding at all (JIS only after its escape).
    fn applies(self, b: &[u8]) -> bool {
        self != Encoding::Jis
            || super::detect::contains(b, b"\x1B$B")
            || super::detect::contains(b, b"\x1B$@")
    }
}

/// A number as written: its digits (values 0..=9) and the bytes it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitRun {
    pub start: usize,
    pub end: usize,
    pub digits: Vec<u8>,
    pub encoding: Encoding,
}

/// At most this many separators in a row still join two digit groups (`3141  5926`).
const MAX_SEPS: usize = 3;
/// Digit groups shorter than this are not joined across separators: a person writes a
/// number in groups of four (`3141 5926 5352`) or three, while `88 80 01 00` is hex bytes.
const MIN_GROUP: usize = 3;

/// Every maximal run of digits in `b`, read in each encoding, digit groups of three or
/// more joined across up to three separators (`3141 5926 5352`, `3141-5926-5352`,
/// `３１４１－５９２６－５３５２`).
pub fn digit_runs(b: &[u8]) -> Vec<DigitRun> {
    let mut out = Vec::new();
    for enc in Encoding::ALL {
        if !enc.applies(b) {
            continue;
        }
        let mut i = 0;
        while i < b.len() {
            let Some((digits, end)) = group(enc, b, i) else {
                i += 1;
                continue;
            };
            let start = i;
            let mut digits = digits;
            let mut end = end;
            let mut last_group = digits.len();
            loop {
                let mut k = end;
                let mut seps = 0;
                while seps < MAX_SEPS {
                    match enc.sym_at(b, k) {
                        Some((Sym::Sep, w)) => {
                            k += w;
                            seps += 1;
                        }
                        _ => break,
                    }
                }
                if seps == 0 || last_group < MIN_GROUP {
                    break;
                }
                match group(enc, b, k) {
                    Some((more, e)) if more.len() >= MIN_GROUP => {
                        last_group = more.len();
                        digits.extend(more);
                        end = e;
                    }
                    _ => break,
                }
            }
            out.push(DigitRun {
                start,
                end,
                digits,
                encoding: enc,
            });
            i = end;
        }
    }
    out
}

/// The digits written one after another from byte `i` (no separators), and where they end.
fn group(enc: Encoding, b: &[u8], mut i: usize) -> Option<(Vec<u8>, usize)> {
    let mut digits = Vec::new();
    while let Some((Sym::Digit(d), w)) = enc.sym_at(b, i) {
        digits.push(d);
        i += w;
    }
    (!digits.is_empty()).then_some((digits, i))
}

/// The digits of a declared value (`3141 5926 5352` and `314159265352` are the same
/// number); `None` when it holds anything but digits and separators.
pub fn declared_digits(value: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for c in value.trim().chars() {
        match char_sym(c)? {
            Sym::Digit(d) => out.push(d),
            Sym::Sep => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    fn runs_of(b: &[u8]) -> Vec<(Encoding, String)> {
        digit_runs(b)
            .into_iter()
            .filter(|r| r.digits.len() > 1)
            .map(|r| {
                (
                    r.encoding,
                    r.digits.iter().map(|d| char::from(b'0' + d)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn printed_forms_join_into_one_number() {
        for s in [
            "3141 5926 5352",
            "3141-5926-5352",
            "3141  5926\u{3000}5352",
            "３１４１ ５９２６ ５３５２",
            "３１４１－５９２６－５３５２",
            "3141ー5926ー5352",
        ] {
            let r = runs_of(s.as_bytes());
            assert!(
                r.contains(&(Encoding::Utf8, "314159265352".into())),
                "{s}: {r:?}"
            );
        }
        // Four separators in a row split the number; so do groups of two (hex bytes).
        for split in [
            "3141    5926 5352",
            "31 41 59 26 53 52",
            "88 80 01 00 00 05",
        ] {
            assert!(
                !runs_of(split.as_bytes()).iter().any(|(_, d)| d.len() == 12),
                "{split}"
            );
        }
        // Groups of three join.
        assert!(
            runs_of(b"314 159 265 352")
                .iter()
                .any(|(_, d)| d == "314159265352")
        );
    }

    #[test]
    fn every_encoding_is_read() {
        let utf16be: Vec<u8> = "3141 5926 5352"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let utf16le: Vec<u8> = "３１４１５９２６５３５２"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf32: Vec<u8> = "314159265352"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        let sjis: Vec<u8> = "314159265352"
            .bytes()
            .flat_map(|c| [0x82, c - b'0' + 0x4F])
            .collect();
        let euc: Vec<u8> = "314159265352"
            .bytes()
            .flat_map(|c| [0xA3, c - b'0' + 0xB0])
            .collect();
        let mut jis = b"\x1B$B".to_vec();
        jis.extend("314159265352".bytes().flat_map(|c| [0x23, c]));
        for (b, enc) in [
            (utf16be, Encoding::Utf16Be),
            (utf16le, Encoding::Utf16Le),
            (utf32, Encoding::Utf32Be),
            (sjis, Encoding::ShiftJis),
            (euc, Encoding::EucJp),
            (jis, Encoding::Jis),
        ] {
            assert!(
                runs_of(&b).contains(&(enc, "314159265352".into())),
                "{enc:?}: {:?}",
                runs_of(&b)
            );
        }
    }

    #[test]
    fn asn1_strings_of_every_type() {
        assert_eq!(asn1_string(0x13, b"JP").as_deref(), Some("JP"));
        assert_eq!(asn1_string(0x14, &[0x4A, 0xE9]).as_deref(), Some("Jé"));
        let bmp: Vec<u8> = "山田".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(asn1_string(0x1E, &bmp).as_deref(), Some("山田"));
        let uni: Vec<u8> = "山田"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert_eq!(asn1_string(0x1C, &uni).as_deref(), Some("山田"));
        assert_eq!(asn1_string(0x04, b"x"), None);
        assert_eq!(asn1_string(0x1E, &[0xD8, 0x00]), None);
    }

    #[test]
    fn declared_values_compare_by_digits() {
        assert_eq!(
            declared_digits("3141 5926 5352"),
            declared_digits("314159265352")
        );
        assert_eq!(declared_digits("SYNTHCARDID00101"), None);
        assert_eq!(declared_digits(""), None);
    }
}
