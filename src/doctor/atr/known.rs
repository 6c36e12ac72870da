//! The ATRs public sources tie to the My Number Card, as a table: a match is information
//! only (docs/doctor.md, check 4); the card is identified by SELECT.

use serde::Serialize;

use super::{Atr, Contactless};
use crate::doctor::say::Phrase;
use crate::lang::Text;
use crate::transport::spaced_hex;

/// Through which interface a known ATR is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    Contact,
    Contactless,
}

/// An ATR some public source ties to a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownAtr {
    #[serde(serialize_with = "hex_bytes")]
    pub atr: &'static [u8],
    pub interface: Interface,
    pub label: Phrase,
    /// Whether the sources tie it to the My Number Card (個人番号カード).
    pub my_number_card: bool,
    pub source: &'static str,
}

fn hex_bytes<S: serde::Serializer>(b: &&'static [u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&spaced_hex(b))
}

/// The ATRs public sources tie to the My Number Card, and one that looks alike but is not it
/// (docs/card-facts.md §5; pcsc-tools `smartcard_list.txt`; OpenSC `card-jpki.c`
/// and `win32/customactions.cpp`).
pub const KNOWN_ATRS: &[KnownAtr] = &[
    KnownAtr {
        atr: &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
        interface: Interface::Contact,
        label: Phrase::new(
            "JPKI card (OpenSC's original JPKI ATR; pcsc-tools: \"JUKICARD\", digitally sign tax documents in Japan)",
            "JPKI カード（OpenSC の最初の JPKI ATR。pcsc-tools では \"JUKICARD\"、日本の税務書類の電子署名用）",
        ),
        my_number_card: true,
        source: "OpenSC card-jpki.c jpki_atrs; pcsc-tools smartcard_list.txt",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1,
            0x73, 0xC6, 0x01, 0xC0, 0x3B,
        ],
        interface: Interface::Contact,
        label: Phrase::new(
            "My Number Card, contact (OpenSC \"JPKI (02)\")",
            "マイナンバーカード、接触（OpenSC \"JPKI (02)\"）",
        ),
        my_number_card: true,
        source: "OpenSC issue #3021; pcsc-tools smartcard_list.txt (2017); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00,
        ],
        interface: Interface::Contact,
        label: Phrase::new(
            "My Number Card, contact (OpenSC \"JPKI (03)\")",
            "マイナンバーカード、接触（OpenSC \"JPKI (03)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2017); OpenSC customactions.cpp; jpki/myna issue #12",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01,
            0x00, 0xD1, 0xD6,
        ],
        interface: Interface::Contact,
        label: Phrase::new(
            "My Number Card, contact (OpenSC \"JPKI (04)\")",
            "マイナンバーカード、接触（OpenSC \"JPKI (04)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2019); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01,
            0xB3, 0xA1, 0x15,
        ],
        interface: Interface::Contact,
        label: Phrase::new(
            "My Number Card, contact (OpenSC \"JPKI (05)\")",
            "マイナンバーカード、接触（OpenSC \"JPKI (05)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2016); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
        ],
        interface: Interface::Contactless,
        label: Phrase::new(
            "My Number Card, contactless (OpenSC \"JPKI (06)\")",
            "マイナンバーカード、非接触（OpenSC \"JPKI (06)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2020); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x41, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x3B,
        ],
        interface: Interface::Contactless,
        label: Phrase::new(
            "My Number Card, contactless (OpenSC \"JPKI (07)\")",
            "マイナンバーカード、非接触（OpenSC \"JPKI (07)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2018); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0x00, 0x81, 0xD1, 0x00, 0xBC,
        ],
        interface: Interface::Contactless,
        label: Phrase::new(
            "My Number Card, contactless (OpenSC \"JPKI (08)\")",
            "マイナンバーカード、非接触（OpenSC \"JPKI (08)\"）",
        ),
        my_number_card: true,
        source: "OpenSC customactions.cpp (PR #3744)",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0xB3, 0x81, 0xD1, 0x00, 0x0F,
        ],
        interface: Interface::Contactless,
        label: Phrase::new(
            "My Number Card, contactless (OpenSC \"JPKI (09)\")",
            "マイナンバーカード、非接触（OpenSC \"JPKI (09)\"）",
        ),
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2024); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x14, 0xE0, 0xB3, 0x81, 0x91, 0x00, 0x5E,
        ],
        interface: Interface::Contactless,
        label: Phrase::new(
            "Basic Resident Registration Card (住基カード), NOT a My Number Card (pcsc-tools: \"JUKICARD\")",
            "住民基本台帳カード（住基カード）。マイナンバーカードではありません（pcsc-tools では \"JUKICARD\"）",
        ),
        my_number_card: false,
        source: "pcsc-tools smartcard_list.txt",
    },
];

/// The known entry for exactly these bytes.
pub fn known(atr: &[u8]) -> Option<&'static KnownAtr> {
    KNOWN_ATRS.iter().find(|k| k.atr == atr)
}

/// Why the ATR never identifies the card.
const REMINDER: Phrase = Phrase::new(
    "a contactless ATR is made up by the reader (and some readers put a random PUPI in it), \
     so the card is identified by SELECTing its JPKI application, not by its ATR",
    "非接触の ATR はリーダーが作るもので（ランダムな PUPI を入れるリーダーもあります）、\
     カードは ATR ではなく JPKI アプリケーションの SELECT で確かめます",
);

/// What the doctor says about an ATR's relation to the My Number Card. Never an
/// identification: only the SELECT of the JPKI-AP identifies the card.
pub fn my_number_hint(atr: &Atr) -> Text {
    let r = REMINDER;
    match (atr.known, &atr.contactless) {
        (Some(k), _) if k.my_number_card => Text::new(
            format!(
                "a known My Number Card ATR: {} [{}]; note: {}",
                k.label.en, k.source, r.en
            ),
            format!(
                "既知のマイナンバーカードの ATR: {} [{}]。注: {}",
                k.label.ja, k.source, r.ja
            ),
        ),
        (Some(k), _) => Text::new(
            format!("a known ATR of another card: {} [{}]", k.label.en, k.source),
            format!("別のカードの既知の ATR: {} [{}]", k.label.ja, k.source),
        ),
        (None, Some(Contactless::TypeB { .. })) => Text::new(
            format!(
                "not one of the known My Number Card ATRs, but a Type B card as the My Number Card is; {}",
                r.en
            ),
            format!(
                "既知のマイナンバーカードの ATR ではありませんが、マイナンバーカードと同じ Type B のカードです。{}",
                r.ja
            ),
        ),
        (None, Some(_)) => Text::new(
            format!(
                "a contactless card that is not ISO 14443 Type B: the My Number Card is Type B; {}",
                r.en
            ),
            format!(
                "ISO 14443 Type B ではない非接触カードです: マイナンバーカードは Type B です。{}",
                r.ja
            ),
        ),
        (None, None) => Text::new(
            "not one of the known My Number Card ATRs (the card is still probed by SELECT)",
            "既知のマイナンバーカードの ATR ではありません（カードは SELECT で確かめます）",
        ),
    }
}
