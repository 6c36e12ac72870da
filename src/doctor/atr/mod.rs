//! An ISO/IEC 7816-3 answer-to-reset decoder, with the PC/SC part 3 contactless forms.
//!
//! A contact ATR is the card's own first answer: TS, T0, the interface bytes TAi/TBi/TCi/TDi,
//! the historical bytes and, when any protocol other than T=0 is offered, the check byte TCK.
//! A contactless card has no ATR: the reader **makes one up** (PC/SC part 3, §3.1.3.2.3) as
//! `3B 8n 80 01` + n historical bytes + TCK, filling the historical bytes from what the card
//! answered at activation (ATQB for Type B, the ATS for Type A ISO 14443-4, a standard
//! storage-card block for memory cards). So a contactless ATR says what the reader saw, not
//! what the chip is; the card is identified by SELECTing an application, never by its ATR
//! (../shared/docs/card-facts.md §5; OpenSC `jpki_match_card`).
//!
//! Every function here is total: truncated or overlong input is an [`AtrError`], never a panic.

// The ATR comes from the reader and the card: untrusted bytes (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use serde::Serialize;

use crate::lang::Text;
use crate::transport::spaced_hex;

mod contactless;
mod historical;
mod known;
pub mod tables;

pub use contactless::Contactless;
use contactless::contactless_form;
pub use historical::{Historical, HistoricalObject, decode_historical};
pub use known::{Interface, KNOWN_ATRS, KnownAtr, known, my_number_hint};

/// Longest ATR ISO/IEC 7816-3 §8.2.1 allows: TS plus at most 32 bytes.
pub const MAX_ATR_LEN: usize = 33;

/// Why bytes are not a well-formed ATR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtrError {
    Empty,
    BadTs(u8),
    /// `missing` names what the ATR ends before (a byte, or the historical bytes).
    Truncated {
        missing: Text,
        len: usize,
    },
    Overlong {
        extra: usize,
    },
    TooLong(usize),
}

impl AtrError {
    /// In words, both languages.
    pub fn text(&self) -> Text {
        match self {
            AtrError::Empty => Text::new("the ATR is empty", "ATR が空です"),
            AtrError::BadTs(ts) => Text::new(
                format!(
                    "TS = {ts:02X} is neither 3B (direct convention) nor 3F (inverse convention)"
                ),
                format!(
                    "TS = {ts:02X} は 3B（ダイレクトコンベンション）でも 3F（インバースコンベンション）でもありません"
                ),
            ),
            AtrError::Truncated { missing, len } => Text::new(
                format!("the ATR ends before {} (it has {len} bytes)", missing.en),
                format!("ATR が {} の前で終わっています（{len} バイト）", missing.ja),
            ),
            AtrError::Overlong { extra } => Text::new(
                format!("{extra} byte(s) follow the end of the ATR structure"),
                format!("ATR の構造の後に {extra} バイト余分に続いています"),
            ),
            AtrError::TooLong(n) => Text::new(
                format!("the ATR has {n} bytes; ISO/IEC 7816-3 allows at most 33"),
                format!(
                    "ATR が {n} バイトあります。ISO/IEC 7816-3 で許されるのは 33 バイトまでです"
                ),
            ),
        }
    }
}

/// TS: how the card encodes bits on the I/O line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Convention {
    /// `3B`
    Direct,
    /// `3F`
    Inverse,
}

/// One interface byte, named as ISO/IEC 7816-3 names it, with what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceByte {
    /// `TA1`, `TD2`, …
    pub name: String,
    pub value: u8,
    pub meaning: Text,
}

/// The check byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Tck {
    /// Only T=0 is offered: ISO/IEC 7816-3 §8.2.5 says TCK is then absent.
    Absent,
    /// XOR of T0..TCK is zero.
    Valid { value: u8 },
    /// XOR of T0..TCK is not zero: a byte was corrupted on the way.
    Invalid { found: u8, expected: u8 },
}

/// A decoded ATR.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Atr {
    pub hex: String,
    pub convention: Convention,
    pub t0: u8,
    /// Every interface byte, in order.
    pub interface: Vec<InterfaceByte>,
    /// The protocols offered (T=0 when no TD1; T=15 is "global interface bytes follow").
    pub protocols: Vec<u8>,
    /// Fi and Di from TA1 (default 372 / 1 when TA1 is absent), when they are not RFU.
    pub fi: Option<u16>,
    pub di: Option<u8>,
    /// IFSC from the first TAi (i ≥ 3) after a T=1 TD, when present (default 32).
    pub ifsc: Option<u8>,
    pub historical_hex: String,
    /// ISO/IEC 7816-4 structure of the historical bytes, when they have one.
    pub historical: Option<Historical>,
    pub tck: Tck,
    /// The PC/SC part 3 form, when this ATR was made up by a contactless reader.
    pub contactless: Option<Contactless>,
    /// A known card ATR, when it is in [`KNOWN_ATRS`].
    pub known: Option<&'static KnownAtr>,
}

impl Atr {
    /// `contact` or `contactless`.
    pub fn interface_kind(&self) -> &'static str {
        if self.contactless.is_some() {
            "contactless"
        } else {
            "contact"
        }
    }

    /// The type, as the doctor report shows it: `contact` or the contactless form.
    pub fn card_type(&self) -> &'static str {
        self.contactless
            .as_ref()
            .map_or("contact", Contactless::kind)
    }
}

/// Fi from FI (ISO/IEC 7816-3 Table 7); `None` = RFU.
pub fn fi(code: u8) -> Option<u16> {
    tables::FI_TABLE
        .iter()
        .find(|r| r.code == code)
        .map(|r| r.fi)
}

/// f(max) in MHz from FI (ISO/IEC 7816-3 Table 7); `None` = RFU.
pub fn f_max_mhz(code: u8) -> Option<f64> {
    tables::FI_TABLE
        .iter()
        .find(|r| r.code == code)
        .map(|r| r.f_max_mhz)
}

/// Di from DI (ISO/IEC 7816-3 Table 8); `None` = RFU.
pub fn di(code: u8) -> Option<u8> {
    tables::lookup(tables::DI_TABLE, code)
}

/// FSC in bytes from FSCI (ISO/IEC 14443-4 §5.2.3); `None` = RFU.
pub fn fsc(code: u8) -> Option<u16> {
    tables::lookup(tables::FSC_TABLE, code)
}

/// A byte cursor that turns running out of bytes into [`AtrError::Truncated`].
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// The next byte; `what` names it (byte names are the same in both languages).
    fn next(&mut self, what: &str) -> Result<u8, AtrError> {
        let b = self
            .bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| AtrError::Truncated {
                missing: Text::new(what, what),
                len: self.bytes.len(),
            })?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize, what: impl FnOnce() -> Text) -> Result<&[u8], AtrError> {
        let end = self.pos.saturating_add(n);
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| AtrError::Truncated {
                missing: what(),
                len: self.bytes.len(),
            })?;
        self.pos = end;
        Ok(s)
    }
}

/// The XOR of every byte from T0 to the end (TS excluded): zero when TCK is right.
fn xor_from_t0(atr: &[u8]) -> u8 {
    atr.iter().skip(1).fold(0, |acc, b| acc ^ b)
}

/// Decodes an ATR.
pub fn decode(atr: &[u8]) -> Result<Atr, AtrError> {
    if atr.is_empty() {
        return Err(AtrError::Empty);
    }
    if atr.len() > MAX_ATR_LEN {
        return Err(AtrError::TooLong(atr.len()));
    }
    let mut c = Cursor { bytes: atr, pos: 0 };
    let ts = c.next("TS")?;
    let convention = match ts {
        0x3B => Convention::Direct,
        0x3F => Convention::Inverse,
        other => return Err(AtrError::BadTs(other)),
    };
    let t0 = c.next("T0")?;
    let k = usize::from(t0 & 0x0F);
    let InterfaceBytes {
        interface,
        protocols,
        ta1,
        ifsc,
    } = interface_bytes(&mut c, t0)?;
    let historical = c
        .take(k, || {
            Text::new(
                format!("the {k} historical byte(s)"),
                format!("{k} バイトのヒストリカルバイト"),
            )
        })?
        .to_vec();
    let tck = check_character(&mut c, atr, &protocols)?;
    let extra = atr.len() - c.pos;
    if extra > 0 {
        return Err(AtrError::Overlong { extra });
    }
    let contactless = contactless_form(atr, &historical);
    let historical_decoded = match &contactless {
        // Storage and Type B historical bytes are the reader's own structures.
        Some(Contactless::Storage { .. } | Contactless::TypeB { .. }) => None,
        _ => decode_historical(&historical),
    };
    let (fi_v, di_v) = match ta1 {
        Some(v) => (fi(v >> 4), di(v & 0x0F)),
        None => (Some(372), Some(1)),
    };
    Ok(Atr {
        hex: spaced_hex(atr),
        convention,
        t0,
        interface,
        protocols,
        fi: fi_v,
        di: di_v,
        ifsc,
        historical_hex: spaced_hex(&historical),
        historical: historical_decoded,
        tck,
        contactless,
        known: known(atr),
    })
}

/// The interface bytes of an ATR and what [`decode`] keeps from them.
struct InterfaceBytes {
    interface: Vec<InterfaceByte>,
    /// The protocols the TDs name, in order, without repeats (T=0 when there is no TD1).
    protocols: Vec<u8>,
    ta1: Option<u8>,
    /// The first TAi (i ≥ 3) after a T=1 TD.
    ifsc: Option<u8>,
}

/// Reads the interface bytes that follow T0, as the Y nibbles of T0 and each TD announce
/// them (ISO/IEC 7816-3 §8.2.3).
fn interface_bytes(c: &mut Cursor<'_>, t0: u8) -> Result<InterfaceBytes, AtrError> {
    let mut y = t0 >> 4;
    let mut interface = Vec::new();
    let mut protocols: Vec<u8> = Vec::new();
    let mut i = 1usize;
    // The protocol the previous TD named (none before TD1).
    let mut t_before: Option<u8> = None;
    let (mut ta1, mut ifsc) = (None, None);
    loop {
        let mut td = None;
        for (bit, letter) in [(0x1, 'A'), (0x2, 'B'), (0x4, 'C'), (0x8, 'D')] {
            if y & bit == 0 {
                continue;
            }
            let name = format!("T{letter}{i}");
            let v = c.next(&name)?;
            if letter == 'A' && i == 1 {
                ta1 = Some(v);
            }
            if letter == 'A' && i >= 3 && t_before == Some(1) && ifsc.is_none() {
                ifsc = Some(v);
            }
            if letter == 'D' {
                td = Some(v);
            }
            interface.push(InterfaceByte {
                meaning: tables::meaning(letter, i, t_before, v),
                name,
                value: v,
            });
        }
        match td {
            Some(v) => {
                let t = v & 0x0F;
                if !protocols.contains(&t) {
                    protocols.push(t);
                }
                t_before = Some(t);
                y = v >> 4;
                i += 1;
            }
            None => break,
        }
    }
    if protocols.is_empty() {
        // No TD1: T=0 is the only protocol (ISO/IEC 7816-3 §8.2.3).
        protocols.push(0);
    }
    Ok(InterfaceBytes {
        interface,
        protocols,
        ta1,
        ifsc,
    })
}

/// Reads and checks TCK, present when any protocol other than T=0 is offered.
fn check_character(c: &mut Cursor<'_>, atr: &[u8], protocols: &[u8]) -> Result<Tck, AtrError> {
    let tck_expected = protocols.iter().any(|&t| t != 0);
    if !tck_expected {
        return Ok(Tck::Absent);
    }
    let found = c.next("TCK")?;
    let x = xor_from_t0(atr.get(..c.pos).unwrap_or(atr));
    Ok(if x == 0 {
        Tck::Valid { value: found }
    } else {
        Tck::Invalid {
            found,
            expected: found ^ x,
        }
    })
}

#[cfg(test)]
mod tests;
