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
use thiserror::Error;

use crate::transport::spaced_hex;

/// Longest ATR ISO/IEC 7816-3 §8.2.1 allows: TS plus at most 32 bytes.
pub const MAX_ATR_LEN: usize = 33;

/// Why bytes are not a well-formed ATR.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AtrError {
    #[error("the ATR is empty")]
    Empty,
    #[error("TS = {0:02X} is neither 3B (direct convention) nor 3F (inverse convention)")]
    BadTs(u8),
    #[error("the ATR ends before {missing} (it has {len} bytes)")]
    Truncated { missing: String, len: usize },
    #[error("{extra} byte(s) follow the end of the ATR structure")]
    Overlong { extra: usize },
    #[error("the ATR has {0} bytes; ISO/IEC 7816-3 allows at most 33")]
    TooLong(usize),
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
    pub meaning: String,
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
    pub fn describe(&self) -> String {
        match self {
            Contactless::Storage {
                standard_name,
                card_name,
                card_name_label,
                ..
            } => format!(
                "storage card ({standard_name}), card name {card_name:04X}{}",
                card_name_label
                    .map(|l| format!(" = {l}"))
                    .unwrap_or_default()
            ),
            Contactless::TypeB {
                max_frame_bytes,
                iso14443_4,
                ..
            } => format!(
                "ISO 14443 Type B{}{}",
                if *iso14443_4 { ", ISO 14443-4" } else { "" },
                max_frame_bytes
                    .map(|n| format!(", frames up to {n} bytes"))
                    .unwrap_or_default()
            ),
            Contactless::TypeA4 { .. } => {
                "ISO 14443 Type A, ISO 14443-4 (historical bytes from the ATS)".into()
            }
        }
    }
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
    match code {
        0 | 1 => Some(372),
        2 => Some(558),
        3 => Some(744),
        4 => Some(1116),
        5 => Some(1488),
        6 => Some(1860),
        9 => Some(512),
        10 => Some(768),
        11 => Some(1024),
        12 => Some(1536),
        13 => Some(2048),
        _ => None,
    }
}

/// f(max) in MHz from FI (ISO/IEC 7816-3 Table 7); `None` = RFU.
pub fn f_max_mhz(code: u8) -> Option<f64> {
    match code {
        0 => Some(4.0),
        1 => Some(5.0),
        2 => Some(6.0),
        3 => Some(8.0),
        4 => Some(12.0),
        5 => Some(16.0),
        6 => Some(20.0),
        9 => Some(5.0),
        10 => Some(7.5),
        11 => Some(10.0),
        12 => Some(15.0),
        13 => Some(20.0),
        _ => None,
    }
}

/// Di from DI (ISO/IEC 7816-3 Table 8); `None` = RFU.
pub fn di(code: u8) -> Option<u8> {
    match code {
        1 => Some(1),
        2 => Some(2),
        3 => Some(4),
        4 => Some(8),
        5 => Some(16),
        6 => Some(32),
        7 => Some(64),
        8 => Some(12),
        9 => Some(20),
        _ => None,
    }
}

/// FSC in bytes from FSCI (ISO/IEC 14443-4 §5.2.3 / -3 ATQB; 9..C added by the 2016
/// amendments); `None` = RFU.
pub fn fsc(code: u8) -> Option<u16> {
    match code {
        0 => Some(16),
        1 => Some(24),
        2 => Some(32),
        3 => Some(40),
        4 => Some(48),
        5 => Some(64),
        6 => Some(96),
        7 => Some(128),
        8 => Some(256),
        9 => Some(512),
        10 => Some(1024),
        11 => Some(2048),
        12 => Some(4096),
        _ => None,
    }
}

/// A byte cursor that turns running out of bytes into [`AtrError::Truncated`].
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn next(&mut self, what: &str) -> Result<u8, AtrError> {
        let b = self
            .bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| AtrError::Truncated {
                missing: what.to_string(),
                len: self.bytes.len(),
            })?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], AtrError> {
        let end = self.pos.saturating_add(n);
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| AtrError::Truncated {
                missing: what.to_string(),
                len: self.bytes.len(),
            })?;
        self.pos = end;
        Ok(s)
    }
}

/// What an interface byte means, given its letter, its index i and the protocol T named by
/// TD(i-1) (ISO/IEC 7816-3 §8.3 and §11.4 for T=1, §8.3 T=15 for the global bytes).
fn meaning(letter: char, i: usize, t_before: Option<u8>, v: u8) -> String {
    match (letter, i, t_before) {
        ('A', 1, _) => ta1_meaning(v),
        ('B', 1, _) => "TB1 (VPP, deprecated by ISO/IEC 7816-3:2006)".into(),
        ('C', 1, _) => {
            if v == 0xFF {
                "extra guard time N = 255 (minimum character spacing)".into()
            } else {
                format!("extra guard time N = {v} etu")
            }
        }
        ('A', 2, _) => ta2_meaning(v),
        ('B', 2, _) => "TB2 (VPP, deprecated)".into(),
        ('C', 2, Some(0)) => format!("T=0 waiting time integer WI = {v}"),
        ('A', _, Some(1)) => format!("IFSC = {v} bytes (largest block the card receives, T=1)"),
        ('B', _, Some(1)) => format!("T=1 waiting times: BWI = {}, CWI = {}", v >> 4, v & 0x0F),
        ('C', _, Some(1)) => format!(
            "T=1 error detection code: {}",
            if v & 0x01 != 0 { "CRC" } else { "LRC" }
        ),
        ('A', _, Some(15)) => global_ta_meaning(v),
        ('B', _, Some(15)) => format!("global: standard or proprietary use contacts SPU = {v:02X}"),
        ('D', _, _) => td_meaning(v),
        _ => "protocol-specific (not decoded)".into(),
    }
}

/// TA1: Fi and Di (ISO/IEC 7816-3 §8.3).
fn ta1_meaning(v: u8) -> String {
    let (hi, lo) = (v >> 4, v & 0x0F);
    match (fi(hi), di(lo)) {
        (Some(f), Some(d)) => format!(
            "Fi = {f}, Di = {d} (f max {} MHz; clock rate conversion {f}/{d})",
            f_max_mhz(hi).map_or_else(|| "?".into(), |m| m.to_string())
        ),
        _ => format!("FI = {hi:X}, DI = {lo:X} (reserved values)"),
    }
}

/// TA2: the specific mode byte.
fn ta2_meaning(v: u8) -> String {
    format!(
        "specific mode: T={}{}{}",
        v & 0x0F,
        if v & 0x80 != 0 {
            ", cannot change to negotiable mode"
        } else {
            ", may change to negotiable mode"
        },
        if v & 0x10 != 0 {
            ", parameters implicit"
        } else {
            ", parameters from TA1"
        }
    )
}

/// The first TA after a T=15 TD: clock stop and voltage classes.
fn global_ta_meaning(v: u8) -> String {
    let stop = match v >> 6 {
        0 => "clock stop not supported",
        1 => "clock stop in state L",
        2 => "clock stop in state H",
        _ => "clock stop, no preference",
    };
    let mut classes = Vec::new();
    for (bit, name) in [(0x01, "A (5 V)"), (0x02, "B (3 V)"), (0x04, "C (1.8 V)")] {
        if v & bit != 0 {
            classes.push(name);
        }
    }
    format!(
        "global: {stop}; classes {}",
        if classes.is_empty() {
            "none stated".to_string()
        } else {
            classes.join(", ")
        }
    )
}

/// TDi: the protocol and which interface bytes follow.
fn td_meaning(v: u8) -> String {
    let t = v & 0x0F;
    let next: Vec<&str> = [(0x10, "TA"), (0x20, "TB"), (0x40, "TC"), (0x80, "TD")]
        .into_iter()
        .filter(|(bit, _)| v & bit != 0)
        .map(|(_, n)| n)
        .collect();
    format!(
        "protocol T={t}{}; next: {}",
        if t == 15 {
            " (global interface bytes)"
        } else {
            ""
        },
        if next.is_empty() {
            "none".to_string()
        } else {
            next.join(", ")
        }
    )
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
    let historical = c.take(k, &format!("the {k} historical byte(s)"))?.to_vec();
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
                meaning: meaning(letter, i, t_before, v),
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

/// The standard byte SS of a PC/SC part 3 storage-card ATR (PC/SC part 3 supplement).
fn standard_name(ss: u8) -> &'static str {
    match ss {
        0x01 => "ISO 14443 A, part 1",
        0x02 => "ISO 14443 A, part 2",
        0x03 => "ISO 14443 A, part 3",
        0x05 => "ISO 14443 B, part 1",
        0x06 => "ISO 14443 B, part 2",
        0x07 => "ISO 14443 B, part 3",
        0x09 => "ISO 15693, part 1",
        0x0A => "ISO 15693, part 2",
        0x0B => "ISO 15693, part 3",
        0x0C => "ISO 15693, part 4",
        0x11 => "FeliCa",
        _ => "standard not registered here",
    }
}

/// The card name C0 C1 of a PC/SC part 3 storage-card ATR (PC/SC part 3 supplement).
fn card_name_label(name: u16) -> Option<&'static str> {
    match name {
        0x0001 => Some("MIFARE Classic 1K"),
        0x0002 => Some("MIFARE Classic 4K"),
        0x0003 => Some("MIFARE Ultralight"),
        0x0026 => Some("MIFARE Mini"),
        0x003A => Some("MIFARE Ultralight C"),
        0xF004 => Some("Topaz / Jewel"),
        0xF011 => Some("FeliCa 212K"),
        0xF012 => Some("FeliCa 424K"),
        _ => None,
    }
}

/// The storage-card prefix of the historical bytes: category 80, tag 4F length 0C, RID
/// A0 00 00 03 06 (the PC/SC Workgroup's registered application provider identifier).
const STORAGE_PREFIX: [u8; 8] = [0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06];

/// Whether `atr` has the PC/SC part 3 contactless form `3B 8n 80 01 <n bytes> TCK` and, if
/// so, which card type its historical bytes describe.
fn contactless_form(atr: &[u8], historical: &[u8]) -> Option<Contactless> {
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
            standard_name: standard_name(*ss),
            card_name: name,
            card_name_label: card_name_label(name),
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

fn tlv_name(tag: u8) -> &'static str {
    match tag {
        0x1 => "country code",
        0x2 => "issuer identification number",
        0x3 => "card service data",
        0x4 => "initial access data",
        0x5 => "card issuer's data",
        0x6 => "pre-issuing data",
        0x7 => "card capabilities",
        0x8 => "status indicator",
        0xF => "application identifier",
        _ => "proprietary or RFU",
    }
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
        let Ok(value) = c.take(len, "value") else {
            // A malformed object: keep what was understood.
            objects.push(HistoricalObject {
                tag,
                name: tlv_name(tag),
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
            name: tlv_name(tag),
            value: spaced_hex(value),
        });
    }
    Some(Historical {
        category,
        objects,
        extended_length,
    })
}

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
    pub label: &'static str,
    /// Whether the sources tie it to the My Number Card (個人番号カード).
    pub my_number_card: bool,
    pub source: &'static str,
}

fn hex_bytes<S: serde::Serializer>(b: &&'static [u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&spaced_hex(b))
}

/// The ATRs public sources tie to the My Number Card, and one that looks alike but is not it
/// (../shared/docs/card-facts.md §5; pcsc-tools `smartcard_list.txt`; OpenSC `card-jpki.c`
/// and `win32/customactions.cpp`).
pub const KNOWN_ATRS: &[KnownAtr] = &[
    KnownAtr {
        atr: &[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14],
        interface: Interface::Contact,
        label: "JPKI card (OpenSC's original JPKI ATR; pcsc-tools: \"JUKICARD\", digitally sign tax documents in Japan)",
        my_number_card: true,
        source: "OpenSC card-jpki.c jpki_atrs; pcsc-tools smartcard_list.txt",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1,
            0x73, 0xC6, 0x01, 0xC0, 0x3B,
        ],
        interface: Interface::Contact,
        label: "My Number Card, contact (OpenSC \"JPKI (02)\")",
        my_number_card: true,
        source: "OpenSC issue #3021; pcsc-tools smartcard_list.txt (2017); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xC5, 0xFF, 0x81, 0x31, 0xFB, 0x45, 0x80, 0x73, 0xC6, 0x01, 0x00, 0x00,
        ],
        interface: Interface::Contact,
        label: "My Number Card, contact (OpenSC \"JPKI (03)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2017); OpenSC customactions.cpp; jpki/myna issue #12",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01,
            0x00, 0xD1, 0xD6,
        ],
        interface: Interface::Contact,
        label: "My Number Card, contact (OpenSC \"JPKI (04)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2019); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0xF5, 0x91, 0x00, 0xFF, 0x91, 0x81, 0x71, 0xFE, 0x40, 0x00, 0x42, 0x00, 0x01,
            0xB3, 0xA1, 0x15,
        ],
        interface: Interface::Contact,
        label: "My Number Card, contact (OpenSC \"JPKI (05)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2016); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
        ],
        interface: Interface::Contactless,
        label: "My Number Card, contactless (OpenSC \"JPKI (06)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2020); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x41, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x3B,
        ],
        interface: Interface::Contactless,
        label: "My Number Card, contactless (OpenSC \"JPKI (07)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2018); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0x00, 0x81, 0xD1, 0x00, 0xBC,
        ],
        interface: Interface::Contactless,
        label: "My Number Card, contactless (OpenSC \"JPKI (08)\")",
        my_number_card: true,
        source: "OpenSC customactions.cpp (PR #3744)",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x4B, 0x51, 0xFF, 0xB3, 0x81, 0xD1, 0x00, 0x0F,
        ],
        interface: Interface::Contactless,
        label: "My Number Card, contactless (OpenSC \"JPKI (09)\")",
        my_number_card: true,
        source: "pcsc-tools smartcard_list.txt (2024); OpenSC customactions.cpp",
    },
    KnownAtr {
        atr: &[
            0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x14, 0xE0, 0xB3, 0x81, 0x91, 0x00, 0x5E,
        ],
        interface: Interface::Contactless,
        label: "Basic Resident Registration Card (住基カード), NOT a My Number Card (pcsc-tools: \"JUKICARD\")",
        my_number_card: false,
        source: "pcsc-tools smartcard_list.txt",
    },
];

/// The known entry for exactly these bytes.
pub fn known(atr: &[u8]) -> Option<&'static KnownAtr> {
    KNOWN_ATRS.iter().find(|k| k.atr == atr)
}

/// What the doctor says about an ATR's relation to the My Number Card. Never an
/// identification: only the SELECT of the JPKI-AP identifies the card.
pub fn my_number_hint(atr: &Atr) -> String {
    let reminder = "a contactless ATR is made up by the reader (and some readers put a random PUPI in it), \
                    so the card is identified by SELECTing its JPKI application, not by its ATR";
    match (atr.known, &atr.contactless) {
        (Some(k), _) if k.my_number_card => format!(
            "a known My Number Card ATR: {} [{}]; note: {reminder}",
            k.label, k.source
        ),
        (Some(k), _) => format!("a known ATR of another card: {} [{}]", k.label, k.source),
        (None, Some(Contactless::TypeB { .. })) => format!(
            "not one of the known My Number Card ATRs, but a Type B card as the My Number Card is; {reminder}"
        ),
        (None, Some(_)) => format!(
            "a contactless card that is not ISO 14443 Type B: the My Number Card is Type B; {reminder}"
        ),
        (None, None) => {
            "not one of the known My Number Card ATRs (the card is still probed by SELECT)".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(hex: &str) -> Vec<u8> {
        hex.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    fn names(a: &Atr) -> Vec<String> {
        a.interface.iter().map(|b| b.name.clone()).collect()
    }

    /// Every known ATR decodes, has a valid TCK (they are all T=1 or contactless), and is
    /// recognised by exact match.
    #[test]
    fn every_known_atr_decodes_with_a_valid_tck() {
        for k in KNOWN_ATRS {
            let a = decode(k.atr).unwrap_or_else(|e| panic!("{}: {e}", spaced_hex(k.atr)));
            assert!(matches!(a.tck, Tck::Valid { .. }), "{}: {:?}", a.hex, a.tck);
            assert_eq!(a.known, Some(k));
            let contactless = k.interface == Interface::Contactless;
            assert_eq!(a.contactless.is_some(), contactless, "{}", a.hex);
            if contactless {
                assert_eq!(a.card_type(), "iso14443b", "{}", a.hex);
            }
        }
    }

    #[test]
    fn contact_jpki_atr_structure() {
        // 3B E0 00 FF 81 31 FE 45 14: OpenSC card-jpki.c; pcsc-tools smartcard_list.txt.
        let a = decode(&bytes("3B E0 00 FF 81 31 FE 45 14")).unwrap();
        assert_eq!(a.convention, Convention::Direct);
        assert_eq!(names(&a), ["TB1", "TC1", "TD1", "TD2", "TA3", "TB3"]);
        assert_eq!(a.protocols, [1]);
        assert_eq!(a.ifsc, Some(0xFE));
        assert_eq!((a.fi, a.di), (Some(372), Some(1)), "no TA1: defaults");
        assert_eq!(a.historical_hex, "");
        assert_eq!(a.tck, Tck::Valid { value: 0x14 });
        assert_eq!(a.interface_kind(), "contact");
        let tb3 = &a.interface[5];
        assert!(tb3.meaning.contains("BWI = 4, CWI = 5"), "{}", tb3.meaning);
        assert!(my_number_hint(&a).contains("known My Number Card ATR"));
    }

    #[test]
    fn contact_atrs_with_ta1_ta2_and_card_capabilities() {
        // 3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6: pcsc-tools (2019), OpenSC "JPKI (04)".
        let a = decode(&bytes("3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6")).unwrap();
        assert_eq!(
            names(&a),
            [
                "TA1", "TB1", "TC1", "TD1", "TA2", "TD2", "TA3", "TB3", "TC3"
            ]
        );
        assert_eq!((a.fi, a.di), (Some(512), Some(1)));
        assert!(a.interface[4].meaning.contains("specific mode: T=1"));
        assert_eq!(a.protocols, [1]);
        assert_eq!(a.historical_hex, "42 00 01 00 D1");

        // 3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B: OpenSC issue #3021.
        let a = decode(&bytes(
            "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B",
        ))
        .unwrap();
        assert_eq!((a.fi, a.di), (Some(372), Some(4)));
        let h = a.historical.unwrap();
        assert!(h.category.starts_with("80"));
        let tags: Vec<u8> = h.objects.iter().map(|o| o.tag).collect();
        assert_eq!(tags, [1, 3, 7]);
        assert_eq!(h.extended_length, Some(true), "C6 01 C0: bit 7 of byte 3");

        // 3B C5 FF 81 31 FB 45 80 73 C6 01 00 00: pcsc-tools (2017), jpki/myna issue #12.
        let a = decode(&bytes("3B C5 FF 81 31 FB 45 80 73 C6 01 00 00")).unwrap();
        assert_eq!(a.historical.unwrap().extended_length, Some(false));
    }

    #[test]
    fn contactless_my_number_atr_is_type_b_with_atqb_fields() {
        // 3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F: pcsc-tools (2020), OpenSC "JPKI (06)".
        let a = decode(&bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F")).unwrap();
        assert_eq!(names(&a), ["TD1", "TD2"]);
        assert_eq!(a.protocols, [0, 1]);
        let Some(Contactless::TypeB {
            application_data,
            protocol_info,
            bit_rates,
            max_frame_bytes,
            iso14443_4,
            fwi,
            fwt_ms,
            mbli,
        }) = a.contactless.clone()
        else {
            panic!("{:?}", a.contactless)
        };
        assert_eq!(application_data, "00 00 05 E0");
        assert_eq!(protocol_info, "B3 81 A1");
        assert!(
            bit_rates.contains("106/212/424") && bit_rates.contains("same rate"),
            "{bit_rates}"
        );
        assert_eq!(max_frame_bytes, Some(256));
        assert!(iso14443_4);
        assert_eq!(fwi, 10);
        assert!((fwt_ms - 309.31).abs() < 0.01, "{fwt_ms}");
        assert_eq!(mbli, 0);
        assert!(a.historical.is_none());
        let hint = my_number_hint(&a);
        assert!(hint.contains("made up by the reader"), "{hint}");
    }

    #[test]
    fn juki_card_is_recognised_as_not_a_my_number_card() {
        let a = decode(&bytes("3B 88 80 01 00 00 14 E0 B3 81 91 00 5E")).unwrap();
        assert!(!a.known.unwrap().my_number_card);
        assert!(my_number_hint(&a).contains("another card"));
    }

    #[test]
    fn unknown_type_b_atr_gets_the_reminder() {
        // A made-up Type B ATR with a random-looking PUPI in the application data; TCK fixed up.
        let mut atr = bytes("3B 88 80 01 12 34 56 78 B3 81 A1 00");
        let x = atr.iter().skip(1).fold(0u8, |a, b| a ^ b);
        atr.push(x);
        let a = decode(&atr).unwrap();
        assert_eq!(a.tck, Tck::Valid { value: x });
        assert!(a.known.is_none());
        assert!(my_number_hint(&a).contains("not one of the known"));
    }

    #[test]
    fn mifare_classic_is_a_storage_card() {
        // 3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A: pcsc-tools
        // smartcard_list.txt, MIFARE Classic 1K through a PC/SC part 3 reader.
        let a = decode(&bytes(
            "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A",
        ))
        .unwrap();
        assert_eq!(a.tck, Tck::Valid { value: 0x6A });
        assert_eq!(
            a.contactless,
            Some(Contactless::Storage {
                standard: 3,
                standard_name: "ISO 14443 A, part 3",
                card_name: 1,
                card_name_label: Some("MIFARE Classic 1K"),
            })
        );
        assert_eq!(a.card_type(), "storage");
        assert!(my_number_hint(&a).contains("not ISO 14443 Type B"));
    }

    #[test]
    fn desfire_is_type_a_iso14443_4() {
        // 3B 81 80 01 80 80: pcsc-tools smartcard_list.txt, MIFARE DESFire (ATS historical
        // byte 80).
        let a = decode(&bytes("3B 81 80 01 80 80")).unwrap();
        assert_eq!(a.tck, Tck::Valid { value: 0x80 });
        assert_eq!(
            a.contactless,
            Some(Contactless::TypeA4 {
                ats_historical: "80".into()
            })
        );
        assert_eq!(a.card_type(), "iso14443a-4");
    }

    #[test]
    fn yubikey_contact_style_atr() {
        // 3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4: pcsc-tools
        // smartcard_list.txt, "Yubico Yubikey 4 OTP+CCID"; historical bytes "Yubikey4".
        let a = decode(&bytes(
            "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4",
        ))
        .unwrap();
        assert_eq!(a.historical_hex, "59 75 62 69 6B 65 79 34");
        assert!(a.historical.unwrap().category.contains("proprietary"));
        assert_eq!(a.tck, Tck::Valid { value: 0xD4 });
        assert!(a.contactless.is_none());
    }

    #[test]
    fn t0_only_atr_has_no_tck() {
        // T=0 only (no TD1): TCK absent. 3B 02 14 50: pcsc-tools smartcard_list.txt
        // (Schlumberger Multiflex 3k).
        let a = decode(&bytes("3B 02 14 50")).unwrap();
        assert_eq!(a.protocols, [0]);
        assert_eq!(a.tck, Tck::Absent);
        assert_eq!(a.historical_hex, "14 50");
    }

    #[test]
    fn inverse_convention() {
        let a = decode(&bytes("3F 00")).unwrap();
        assert_eq!(a.convention, Convention::Inverse);
    }

    #[test]
    fn a_corrupted_byte_fails_the_tck_check() {
        let mut atr = bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F");
        atr[6] ^= 0x01;
        let a = decode(&atr).unwrap();
        assert_eq!(
            a.tck,
            Tck::Invalid {
                found: 0x7F,
                expected: 0x7E
            }
        );
        assert!(a.known.is_none());
        let mut atr = bytes("3B E0 00 FF 81 31 FE 45 14");
        atr[8] = 0x15;
        assert!(matches!(decode(&atr).unwrap().tck, Tck::Invalid { .. }));
    }

    #[test]
    fn truncated_and_overlong_atrs_are_errors() {
        assert_eq!(decode(&[]), Err(AtrError::Empty));
        assert_eq!(decode(&[0x3C, 0x00]), Err(AtrError::BadTs(0x3C)));
        assert!(matches!(
            decode(&[0x3B]),
            Err(AtrError::Truncated { ref missing, .. }) if missing == "T0"
        ));
        let full = bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F");
        // Every strict prefix longer than TS is truncated somewhere.
        for n in 2..full.len() {
            assert!(
                matches!(decode(&full[..n]), Err(AtrError::Truncated { .. })),
                "prefix of {n}"
            );
        }
        let err = decode(&full[..full.len() - 1]).unwrap_err();
        assert!(err.to_string().contains("TCK"), "{err}");
        let mut long = full.clone();
        long.push(0x00);
        assert_eq!(decode(&long), Err(AtrError::Overlong { extra: 1 }));
        assert_eq!(decode(&[0x3B; 34]), Err(AtrError::TooLong(34)));
    }

    #[test]
    fn never_panics_on_any_short_input() {
        // Exhaustive over 1- and 2-byte inputs after TS, and a sweep of T0 with junk.
        for t0 in 0..=255u8 {
            let _ = decode(&[0x3B, t0]);
            for b in [0x00, 0x10, 0xF1, 0xFF] {
                let _ = decode(&[0x3B, t0, b, b, b, b]);
                let _ = decode(&[0x3F, t0, b, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            }
        }
        // A TD chain of the maximum length ends at the 33-byte cap, not in a loop.
        let mut chain = vec![0x3B, 0x80];
        chain.extend(std::iter::repeat_n(0x81, 31));
        assert!(decode(&chain).is_err());
    }

    #[test]
    fn historical_bytes_with_status_indicator_and_bad_tlv() {
        let h = decode_historical(&[0x00, 0x73, 0xC6, 0x01, 0x40, 0x05, 0x90, 0x00]).unwrap();
        assert!(
            h.category.contains("status indicator 05 90 00"),
            "{}",
            h.category
        );
        assert_eq!(h.extended_length, Some(true));
        let h = decode_historical(&[0x80, 0x75, 0x01]).unwrap();
        assert!(h.objects[0].value.contains("truncated"));
        assert!(decode_historical(&[]).is_none());
        assert!(decode_historical(&[0x00, 0x01]).is_none());
    }

    #[test]
    fn interface_bytes_follow_the_y_nibbles() {
        // T0 = 9x: TA1 and TD1; TD1 = 81 (T=1, TD2 follows); TD2 = 31 (T=1, TA3 and TB3).
        let atr = bytes("3B 90 11 81 31 FE 45");
        let mut c = Cursor {
            bytes: &atr,
            pos: 2,
        };
        let ib = interface_bytes(&mut c, 0x90).unwrap();
        let names: Vec<&str> = ib.interface.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["TA1", "TD1", "TD2", "TA3", "TB3"]);
        assert_eq!(ib.protocols, [1]);
        assert_eq!(ib.ta1, Some(0x11));
        assert_eq!(ib.ifsc, Some(0xFE));
        assert_eq!(c.pos, atr.len());
        // No TD1: T=0 only; a byte the nibble announces but the ATR lacks is an error.
        let mut c = Cursor {
            bytes: &[0x3B, 0x00],
            pos: 2,
        };
        assert_eq!(interface_bytes(&mut c, 0x00).unwrap().protocols, [0]);
        let mut c = Cursor {
            bytes: &[0x3B, 0x10],
            pos: 2,
        };
        assert!(matches!(
            interface_bytes(&mut c, 0x10),
            Err(AtrError::Truncated { .. })
        ));
    }

    #[test]
    fn check_character_is_absent_for_t0_only_and_checked_otherwise() {
        let t0_only = [0x3B, 0x00];
        let mut c = Cursor {
            bytes: &t0_only,
            pos: 2,
        };
        assert_eq!(
            check_character(&mut c, &t0_only, &[0]).unwrap(),
            Tck::Absent
        );
        // 3B 80 01 | TCK: the XOR of 80 01 is 81.
        let good = [0x3B, 0x80, 0x01, 0x81];
        let mut c = Cursor {
            bytes: &good,
            pos: 3,
        };
        assert_eq!(
            check_character(&mut c, &good, &[1]).unwrap(),
            Tck::Valid { value: 0x81 }
        );
        let bad = [0x3B, 0x80, 0x01, 0x80];
        let mut c = Cursor {
            bytes: &bad,
            pos: 3,
        };
        assert_eq!(
            check_character(&mut c, &bad, &[1]).unwrap(),
            Tck::Invalid {
                found: 0x80,
                expected: 0x81
            }
        );
    }

    #[test]
    fn the_split_meanings_read_their_bits() {
        assert_eq!(td_meaning(0x81), "protocol T=1; next: TD");
        assert_eq!(
            td_meaning(0x1F),
            "protocol T=15 (global interface bytes); next: TA"
        );
        assert_eq!(td_meaning(0x00), "protocol T=0; next: none");
        assert_eq!(
            global_ta_meaning(0xC3),
            "global: clock stop, no preference; classes A (5 V), B (3 V)"
        );
        assert_eq!(
            global_ta_meaning(0x00),
            "global: clock stop not supported; classes none stated"
        );
        assert_eq!(
            ta2_meaning(0x81),
            "specific mode: T=1, cannot change to negotiable mode, parameters from TA1"
        );
        assert!(
            ta1_meaning(0x11).starts_with("Fi = 372, Di = 1"),
            "{}",
            ta1_meaning(0x11)
        );
    }
}
