//! The synthetic cards: who they pretend to belong to, their fictional identifiers, and what
//! each answers. Every person and number here is made up.

use time::error::ComponentRange;
use time::macros::date;

use crate::date::{self, Date};
use crate::fixture::sw;

/// ATR of the contactless interface as PC/SC part 3 readers build it (card-facts §5,
/// pcsc-tools / OpenSC "JPKI (06)").
pub const CONTACTLESS_ATR: &[u8] = &[
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
];
/// Another contactless ATR of the card (card-facts §5, OpenSC "JPKI (09)").
pub const CONTACTLESS_ATR_2: &[u8] = &[
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0xB3, 0x81, 0xD1, 0x00, 0x0F,
];
/// ATR of the contact interface (card-facts §5, §7.1 OPENSC-3021). The card answers GET DATA
/// `5F51` with this minus TS (card-facts §2.6).
pub const CONTACT_ATR: &[u8] = &[
    0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1, 0x73, 0xC6,
    0x01, 0xC0, 0x3B,
];

pub const CONTACTLESS_READER: &str = "Synthetic Contactless Reader 00 00";
pub const CONTACT_READER: &str = "Synthetic Contact Reader 00 00";

/// What each key reference answers to the data-less VERIFY (card-facts §3).
#[derive(Debug, Clone, Copy)]
pub struct Pins {
    /// JPKI-AP 0018, 利用者証明用 暗証番号, limit 3.
    pub jpki_auth: [u8; 2],
    /// JPKI-AP 001B, 署名用パスワード, limit 5.
    pub jpki_sign: [u8; 2],
    /// text AP 0011, 券面事項入力補助用 暗証番号, limit 3.
    pub text: [u8; 2],
    /// 住基AP 001C, limit 3.
    pub juki: [u8; 2],
    /// 共通AP 001C, limit 3.
    pub common: [u8; 2],
}

/// `6984` (reference data not usable) on every memorised PIN: what a 顔認証マイナンバーカード
/// is expected to answer, since no PIN was ever set on it (card-facts §9; no public trace shows
/// what such a card really answers).
pub const NEVER_SET_PINS: Pins = Pins {
    jpki_auth: sw::BLOCKED,
    jpki_sign: sw::BLOCKED,
    text: sw::BLOCKED,
    juki: sw::BLOCKED,
    common: sw::BLOCKED,
};

/// Which certificates the card's JPKI-AP holds (card-facts §2.1, §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hierarchy {
    /// Issued by the synthetic CAs (`O=JPKI-SYNTHETIC-TEST`), whose certificates EF 000B and
    /// EF 0002 hold.
    Synthetic,
    /// EF 000B and EF 0002 hold J-LIS's real, public generation-1 CA certificates
    /// (src/trust/roots/), as a card personalised before generation 3 does; the holder's
    /// certificate is still a synthetic one (issued by the synthetic auth CA), so it chains to
    /// neither the on-card CA certificate nor a J-LIS root.
    JlisGeneration1OnCard,
    /// Issued by synthetic CAs named `O=JPKI-TEST`, the organisation J-LIS's test cards'
    /// certificates carry (card-facts §7.2, §9); EF 000B and EF 0002 hold those CAs.
    JpkiTest,
}

/// Every counter full, as on a card nobody has mistyped on.
pub const FRESH_PINS: Pins = Pins {
    jpki_auth: sw::tries(3),
    jpki_sign: sw::tries(5),
    text: sw::tries(3),
    juki: sw::tries(3),
    common: sw::tries(3),
};

/// One synthetic My Number Card.
#[derive(Debug, Clone)]
pub struct MynaCard {
    /// File name under fixtures/.
    pub file: &'static str,
    /// One line saying what the fixture is for.
    pub summary: &'static str,
    /// Fictional holder; the name appears only in comments (the files that hold it are
    /// protected).
    pub holder: &'static str,
    pub born: Date,
    pub issued: Date,
    /// First 11 digits of the fictional 個人番号; the check digit is computed.
    pub my_number_base: &'static str,
    /// 15-digit card serial (共通AP EF 0001).
    pub card_serial: &'static str,
    /// 16-character card identification number (MF GET DATA 0045).
    pub card_id: &'static str,
    /// 16-digit token serial (JPKI-AP EF 0006).
    pub token_serial: &'static str,
    /// 5-digit 全国地方公共団体コード. No real prefecture code starts with 99.
    pub municipality: &'static str,
    /// Subject CN of the auth certificate: 20 characters, like the real card's.
    pub auth_cn: &'static str,
    pub reader: &'static str,
    pub atr: &'static [u8],
    /// JPKI-AP EF 0008 (card-facts §2.1): `8F 8F 00` both certificates, `00 8F 00` no
    /// signing certificate (not issued under 15, card-facts §3.1).
    pub cert_availability: [u8; 3],
    /// Why there is no signing certificate, for the EF 0008 comment (when there is none).
    pub no_signing_certificate: &'static str,
    pub pins: Pins,
    /// What a `6984` answer means on this card, for the comments: `"blocked"` after wrong
    /// tries, or never set.
    pub meaning_of_6984: &'static str,
    pub hierarchy: Hierarchy,
}

impl MynaCard {
    /// Label that seeds this card's keys and filler.
    pub fn seed_label(&self) -> &'static str {
        self.file.trim_end_matches(".fixture")
    }

    /// Card expiry: the 10th birthday after issue, the 5th if the holder was under 18.
    pub fn card_expiry(&self) -> Result<Date, ComponentRange> {
        let n = if date::age_on(self.born, self.issued) >= 18 {
            10
        } else {
            5
        };
        date::nth_birthday_after(self.born, self.issued, n)
    }

    /// End of the 利用者証明用電子証明書: the 5th birthday after issue.
    pub fn auth_cert_expiry(&self) -> Result<Date, ComponentRange> {
        date::nth_birthday_after(self.born, self.issued, 5)
    }
}

const NOT_ISSUED_UNDER_15: &str = "holder under 15, card-facts §3.1";
const BLOCKED: &str = "blocked";

/// The My Number Cards, in file order. `not-my-number.fixture` is written separately.
pub fn myna_cards() -> Vec<MynaCard> {
    vec![
        MynaCard {
            file: "typical.fixture",
            summary: "A typical adult's card: every application present, every counter full, \
                      certificates valid.",
            holder: "見本 花子",
            born: date!(1985 - 04 - 01),
            issued: date!(2024 - 07 - 10),
            my_number_base: "12345678901",
            card_serial: "999000000000101",
            card_id: "SYNTHCARDID00101",
            token_serial: "9990000000000101",
            municipality: "99999",
            auth_cn: "SYNTHETIC-AUTH-00101",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR,
            cert_availability: [0x8F, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: FRESH_PINS,
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "minor.fixture",
            summary: "A 12-year-old's card read over contacts: no signing certificate issued \
                      (EF 0008 = 00 8F 00), card valid to the 5th birthday after issue.",
            holder: "見本 さくら",
            born: date!(2013 - 09 - 15),
            issued: date!(2024 - 02 - 20),
            my_number_base: "98765432109",
            card_serial: "999000000000102",
            card_id: "SYNTHCARDID00102",
            token_serial: "9990000000000102",
            municipality: "99998",
            auth_cn: "SYNTHETIC-AUTH-00102",
            reader: CONTACT_READER,
            atr: CONTACT_ATR,
            cert_availability: [0x00, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: FRESH_PINS,
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "pin-blocked.fixture",
            summary: "An adult's card after many wrong entries: auth PIN blocked, text PIN \
                      blocked, signing password and 住基/共通 PINs low.",
            holder: "見本 太郎",
            born: date!(1979 - 06 - 30),
            issued: date!(2022 - 11 - 05),
            my_number_base: "11223344556",
            card_serial: "999000000000103",
            card_id: "SYNTHCARDID00103",
            token_serial: "9990000000000103",
            municipality: "99997",
            auth_cn: "SYNTHETIC-AUTH-00103",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR,
            cert_availability: [0x8F, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: Pins {
                jpki_auth: sw::BLOCKED,
                jpki_sign: sw::tries(1),
                text: sw::tries(0),
                juki: sw::tries(1),
                common: sw::tries(2),
            },
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "expired.fixture",
            summary: "An adult's card whose 利用者証明用電子証明書 expired on 2025-10-31 \
                      (5th birthday after issue) while the card itself runs to 2030-10-31.",
            holder: "見本 次郎",
            born: date!(1970 - 10 - 31),
            issued: date!(2020 - 11 - 01),
            my_number_base: "55667788990",
            card_serial: "999000000000104",
            card_id: "SYNTHCARDID00104",
            token_serial: "9990000000000104",
            municipality: "99996",
            auth_cn: "SYNTHETIC-AUTH-00104",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR_2,
            cert_availability: [0x8F, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: FRESH_PINS,
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "no-signing-cert.fixture",
            summary: "An adult's card without a 署名用電子証明書 (EF 0008 = 00 8F 00): the signing \
                      password EF 001B answers 6984 (never set), every other PIN is full.",
            holder: "見本 一郎",
            born: date!(1992 - 02 - 14),
            issued: date!(2023 - 05 - 10),
            my_number_base: "24681357902",
            card_serial: "999000000000105",
            card_id: "SYNTHCARDID00105",
            token_serial: "9990000000000105",
            municipality: "99995",
            auth_cn: "SYNTHETIC-AUTH-00105",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR,
            cert_availability: [0x00, 0x8F, 0x00],
            no_signing_certificate: "the holder declined it at issue",
            pins: Pins {
                jpki_sign: sw::BLOCKED,
                ..FRESH_PINS
            },
            meaning_of_6984: "reference data not usable: never set, as no signing certificate \
                              was issued",
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "face-auth.fixture",
            summary: "A 顔認証マイナンバーカード (face-authentication card, issued since 2023-12 with no \
                      PIN set): every memorised PIN answers 6984, no signing certificate, the \
                      利用者証明用電子証明書 present. What such a card really answers is not \
                      publicly documented (card-facts §9): this is the expected reading.",
            holder: "見本 梅子",
            born: date!(1948 - 08 - 08),
            issued: date!(2024 - 03 - 01),
            my_number_base: "13579246801",
            card_serial: "999000000000106",
            card_id: "SYNTHCARDID00106",
            token_serial: "9990000000000106",
            municipality: "99994",
            auth_cn: "SYNTHETIC-AUTH-00106",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR,
            cert_availability: [0x00, 0x8F, 0x00],
            no_signing_certificate: "not issued on a face-authentication card, card-facts §9",
            pins: NEVER_SET_PINS,
            meaning_of_6984: "reference data not usable: never set on a face-authentication \
                              card (expected, not publicly documented)",
            hierarchy: Hierarchy::Synthetic,
        },
        MynaCard {
            file: "jlis-gen1-ca.fixture",
            summary: "An adult's card still carrying J-LIS's real, public generation-1 CA \
                      certificates (EF 000B, EF 0002; valid 2015-10-20 to 2025-10-19) beside a \
                      synthetic 利用者証明用電子証明書 that chains to neither.",
            holder: "見本 三郎",
            born: date!(1990 - 05 - 20),
            issued: date!(2022 - 07 - 01),
            my_number_base: "36925814703",
            card_serial: "999000000000107",
            card_id: "SYNTHCARDID00107",
            token_serial: "9990000000000107",
            municipality: "99993",
            auth_cn: "SYNTHETIC-AUTH-00107",
            reader: CONTACTLESS_READER,
            atr: CONTACTLESS_ATR_2,
            cert_availability: [0x8F, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: FRESH_PINS,
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::JlisGeneration1OnCard,
        },
        MynaCard {
            file: "test-card.fixture",
            summary: "A test card: its certificates come from a synthetic hierarchy named \
                      O=JPKI-TEST, as J-LIS's JPKI test cards' do; every counter full.",
            holder: "見本 試子",
            born: date!(1975 - 12 - 01),
            issued: date!(2025 - 01 - 15),
            my_number_base: "80808080808",
            card_serial: "999000000000108",
            card_id: "SYNTHCARDID00108",
            token_serial: "9990000000000108",
            municipality: "99992",
            auth_cn: "SYNTHETIC-AUTH-00108",
            reader: CONTACT_READER,
            atr: CONTACT_ATR,
            cert_availability: [0x8F, 0x8F, 0x00],
            no_signing_certificate: NOT_ISSUED_UNDER_15,
            pins: FRESH_PINS,
            meaning_of_6984: BLOCKED,
            hierarchy: Hierarchy::JpkiTest,
        },
    ]
}

/// ATR of the card that is not a My Number Card: a PC/SC part 3 ATR for an ISO 14443-4
/// contactless card, `3B 88 80 01` + 8 historical bytes + TCK, the shape a payment card's
/// contactless interface takes, with the historical bytes set to ASCII `SYNTHPAY` so it
/// cannot match any real card's ATR. TCK is the XOR of T0 through the last historical byte.
pub fn not_my_number_atr() -> Vec<u8> {
    let mut atr = vec![0x3B, 0x88, 0x80, 0x01];
    atr.extend_from_slice(b"SYNTHPAY");
    atr.push(tck(&atr));
    atr
}

/// Check byte of an ATR (ISO/IEC 7816-3 §8.2.5): XOR of every byte after TS.
pub fn tck(atr_without_tck: &[u8]) -> u8 {
    atr_without_tck.iter().skip(1).fold(0, |a, b| a ^ b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_contactless_atrs_have_the_tck_we_compute() {
        for atr in [CONTACTLESS_ATR, CONTACTLESS_ATR_2] {
            let (body, last) = atr.split_at(atr.len() - 1);
            assert_eq!(tck(body), last[0]);
        }
    }

    #[test]
    fn typical_dates_follow_the_birthday_rules() {
        let cards = myna_cards();
        let typical = &cards[0];
        assert_eq!(typical.card_expiry(), Ok(date!(2034 - 04 - 01)));
        assert_eq!(typical.auth_cert_expiry(), Ok(date!(2029 - 04 - 01)));
        let expired = &cards[3];
        assert_eq!(expired.card_expiry(), Ok(date!(2030 - 10 - 31)));
        assert_eq!(expired.auth_cert_expiry(), Ok(date!(2025 - 10 - 31)));
    }

    #[test]
    fn the_minor_is_twelve_on_the_test_date() {
        let cards = myna_cards();
        assert_eq!(date::age_on(cards[1].born, date!(2026 - 06 - 01)), 12);
        assert_eq!(cards[1].card_expiry(), cards[1].auth_cert_expiry());
    }

    #[test]
    fn identifiers_have_their_lengths() {
        for c in myna_cards() {
            assert_eq!(c.card_serial.len(), 15);
            assert_eq!(c.card_id.len(), 16);
            assert_eq!(c.token_serial.len(), 16);
            assert_eq!(c.municipality.len(), 5);
            assert_eq!(c.auth_cn.len(), 20);
            assert_eq!(c.my_number_base.len(), 11);
        }
    }
}
