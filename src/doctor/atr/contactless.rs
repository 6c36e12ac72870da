//! The PC/SC part 3 contactless forms: a contactless card has no ATR, the reader makes one
//! up as `3B 8n 80 01` + n historical bytes + TCK (PC/SC part 3, §3.1.3.2.3), and its
//! historical bytes say which card type the reader saw.

use serde::Serialize;

use super::fsc;
use super::tables;
use crate::lang::Text;
use crate::transport::spaced_hex;

/// The card type a PC/SC part 3 contactless ATR describes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Contactless {
    /// Historical bytes `80 4F 0C A0 00 00 03 06 SS C0 C1 00 00 00 00`: a storage (memory)
    /// card or a card the reader handles below ISO 14443-4, as the PC/SC part 3 supplement
    /// registers them under RID `A0 00 00 03 06`.
    Storage {
        /// SS, the standard byte.
        standard: u8,
        standard_name: &'static str,
        /// C0 C1, the card name.
        card_name: u16,
        card_name_label: Option<&'static str>,
    },
    /// ISO 14443 Type B: historical bytes = ATQB application data (4) + protocol info (3) +
    /// MBLI (1), as PC/SC part 3 defines them.
    TypeB {
        /// Application data from the ATQB (AFI, CRC_B(AID), number of applications); some
        /// readers put the random PUPI here instead, giving a new ATR at every tap.
        application_data: String,
        /// The three protocol-info bytes of the ATQB.
        protocol_info: String,
        /// Bit rates both ways, from protocol info byte 1.
        bit_rates: String,
        /// Largest frame the card accepts (FSC), from protocol info byte 2, high nibble.
        max_frame_bytes: Option<u16>,
        /// Protocol info byte 2, low nibble = 1: the card follows ISO/IEC 14443-4.
        iso14443_4: bool,
        /// Frame waiting time integer (protocol info byte 3, high nibble) and the time it gives.
        fwi: u8,
        fwt_ms: f64,
        /// MBLI from the ATTRIB answer (byte 8, high nibble).
        mbli: u8,
    },
    /// ISO 14443 Type A with ISO 14443-4: historical bytes = the ATS historical bytes.
    TypeA4 { ats_historical: String },
}

impl Contactless {
    /// A short machine name: `iso14443a-storage`, `iso14443b`, `iso14443a-4`.
    pub fn kind(&self) -> &'static str {
        match self {
            Contactless::Storage { .. } => "storage",
            Contactless::TypeB { .. } => "iso14443b",
            Contactless::TypeA4 { .. } => "iso14443a-4",
        }
    }

    /// In words.
    pub fn describe(&self) -> Text {
        match self {
            Contactless::Storage {
                standard,
                card_name,
                card_name_label,
                ..
            } => {
                let std = tables::lookup(tables::STANDARDS, *standard)
                    .map_or_else(|| tables::STANDARD_UNREGISTERED.text(), |n| Text::new(n, n));
                let label = card_name_label
                    .map(|l| format!(" = {l}"))
                    .unwrap_or_default();
                Text::new(
                    format!(
                        "storage card ({}), card name {card_name:04X}{label}",
                        std.en
                    ),
                    format!(
                        "ストレージカード（{}）、カード名 {card_name:04X}{label}",
                        std.ja
                    ),
                )
            }
            Contactless::TypeB {
                max_frame_bytes,
                iso14443_4,
                ..
            } => Text::new(
                format!(
                    "ISO 14443 Type B{}{}",
                    if *iso14443_4 { ", ISO 14443-4" } else { "" },
                    max_frame_bytes
                        .map(|n| format!(", frames up to {n} bytes"))
                        .unwrap_or_default()
                ),
                format!(
                    "ISO 14443 Type B{}{}",
                    if *iso14443_4 { "、ISO 14443-4" } else { "" },
                    max_frame_bytes
                        .map(|n| format!("、フレームは最大 {n} バイト"))
                        .unwrap_or_default()
                ),
            ),
            Contactless::TypeA4 { .. } => Text::new(
                "ISO 14443 Type A, ISO 14443-4 (historical bytes from the ATS)",
                "ISO 14443 Type A、ISO 14443-4（ヒストリカルバイトは ATS から）",
            ),
        }
    }
}

/// The storage-card prefix of the historical bytes: category 80, tag 4F length 0C, RID
/// A0 00 00 03 06 (the PC/SC Workgroup's registered application provider identifier).
const STORAGE_PREFIX: [u8; 8] = [0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06];

/// Whether `atr` has the PC/SC part 3 contactless form `3B 8n 80 01 <n bytes> TCK` and, if
/// so, which card type its historical bytes describe.
pub(super) fn contactless_form(atr: &[u8], historical: &[u8]) -> Option<Contactless> {
    let [0x3B, t0, 0x80, 0x01, ..] = atr else {
        return None;
    };
    if t0 & 0xF0 != 0x80 {
        return None;
    }
    if let Some([ss, c0, c1, ..]) = historical.strip_prefix(&STORAGE_PREFIX[..]) {
        let name = u16::from_be_bytes([*c0, *c1]);
        return Some(Contactless::Storage {
            standard: *ss,
            standard_name: tables::lookup(tables::STANDARDS, *ss)
                .unwrap_or(tables::STANDARD_UNREGISTERED.en),
            card_name: name,
            card_name_label: tables::lookup(tables::CARD_NAMES, name),
        });
    }
    // PC/SC part 3: Type B is always 8 historical bytes (4 + 3 + 1); the MBLI byte's low
    // nibble is RFU (0) and protocol info byte 2's low nibble (protocol type) is 0 or 1.
    // A Type A ATS with exactly 8 such historical bytes would read the same: the ATR alone
    // cannot always tell (docs/doctor.md).
    if let [a0, a1, a2, a3, p0, p1, p2, mbli] = historical {
        if mbli & 0x0F == 0 && p1 & 0x0F <= 1 {
            return Some(type_b([*a0, *a1, *a2, *a3], [*p0, *p1, *p2], *mbli));
        }
    }
    Some(Contactless::TypeA4 {
        ats_historical: spaced_hex(historical),
    })
}

/// Decodes the ATQB fields (ISO/IEC 14443-3 §7.9.4) a Type B ATR carries.
fn type_b(app: [u8; 4], proto: [u8; 3], mbli: u8) -> Contactless {
    let [rate, frame, timing] = proto;
    let dirs = |bits: u8| -> Vec<&'static str> {
        [(0x1, "212"), (0x2, "424"), (0x4, "848")]
            .into_iter()
            .filter(|(b, _)| bits & b != 0)
            .map(|(_, k)| k)
            .collect()
    };
    let card_to_reader = dirs((rate >> 4) & 0x07);
    let reader_to_card = dirs(rate & 0x07);
    let list = |v: Vec<&str>| {
        let mut all = vec!["106"];
        all.extend(v);
        all.join("/")
    };
    let bit_rates = format!(
        "card→reader {} kbit/s, reader→card {} kbit/s{}",
        list(card_to_reader),
        list(reader_to_card),
        if rate & 0x80 != 0 {
            " (same rate both ways)"
        } else {
            ""
        }
    );
    let fwi = timing >> 4;
    // FWT = (256 × 16 / fc) × 2^FWI, fc = 13.56 MHz (ISO/IEC 14443-3 §7.9.4.3).
    let fwt_ms = 256.0 * 16.0 / 13_560.0 * f64::from(1u32 << fwi.min(14));
    Contactless::TypeB {
        application_data: spaced_hex(&app),
        protocol_info: spaced_hex(&proto),
        bit_rates,
        max_frame_bytes: fsc(frame >> 4),
        iso14443_4: frame & 0x0F == 1,
        fwi,
        fwt_ms: (fwt_ms * 100.0).round() / 100.0,
        mbli: mbli >> 4,
    }
}
