//! The historical bytes of a contact ATR, when they follow ISO/IEC 7816-4 §8.1.1
//! (category indicator, compact-TLV objects). JSON only: the text shows them in hex.

use serde::Serialize;

use super::{Cursor, tables};
use crate::lang::Text;
use crate::transport::spaced_hex;

/// One compact-TLV object of the historical bytes (ISO/IEC 7816-4 §8.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoricalObject {
    /// The tag nibble (`1` country code, `3` card service data, `7` card capabilities, …).
    pub tag: u8,
    pub name: &'static str,
    pub value: String,
}

/// What the historical bytes say, when they follow ISO/IEC 7816-4 §8.1.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Historical {
    /// The category indicator (first byte), described.
    pub category: String,
    pub objects: Vec<HistoricalObject>,
    /// From the card-capabilities object (tag 7), third byte, bit 7: whether the card says it
    /// takes extended Lc/Le. `None` when the card does not say.
    pub extended_length: Option<bool>,
}

/// ISO/IEC 7816-4 §8.1.1: category indicator 00 (compact-TLV, then a 3-byte status
/// indicator) or 80 (compact-TLV only); 10 (DIR data reference) is named; anything else is
/// proprietary and left raw.
pub fn decode_historical(h: &[u8]) -> Option<Historical> {
    let (&cat, rest) = h.split_first()?;
    let (category, tlv) = match cat {
        0x80 => ("80: compact-TLV objects".to_string(), rest),
        0x00 => {
            let cut = rest.len().checked_sub(3)?;
            let (tlv, status) = rest.split_at(cut);
            (
                format!("00: compact-TLV, status indicator {}", spaced_hex(status)),
                tlv,
            )
        }
        0x10 => {
            return Some(Historical {
                category: format!("10: DIR data reference {}", spaced_hex(rest)),
                objects: Vec::new(),
                extended_length: None,
            });
        }
        other => {
            return Some(Historical {
                category: format!("{other:02X}: proprietary"),
                objects: Vec::new(),
                extended_length: None,
            });
        }
    };
    let mut objects = Vec::new();
    let mut extended_length = None;
    let mut c = Cursor { bytes: tlv, pos: 0 };
    while c.pos < tlv.len() {
        let Ok(head) = c.next("tag") else { break };
        let (tag, len) = (head >> 4, usize::from(head & 0x0F));
        let Ok(value) = c.take(len, || Text::new("value", "値")) else {
            // A malformed object: keep what was understood.
            objects.push(HistoricalObject {
                tag,
                name: tables::lookup(tables::TLV_NAMES, tag).unwrap_or(tables::TLV_UNNAMED),
                value: format!("(truncated: {len} byte(s) announced)"),
            });
            break;
        };
        if tag == 0x7 {
            if let Some(third) = value.get(2) {
                extended_length = Some(third & 0x40 != 0);
            }
        }
        objects.push(HistoricalObject {
            tag,
            name: tables::lookup(tables::TLV_NAMES, tag).unwrap_or(tables::TLV_UNNAMED),
            value: spaced_hex(value),
        });
    }
    Some(Historical {
        category,
        objects,
        extended_length,
    })
}
