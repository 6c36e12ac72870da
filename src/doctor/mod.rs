//! `myna-audit doctor`: a checklist from the bottom of the stack up, for when "the card is
//! not detected".
//!
//! service → readers → card → ATR → My Number Card → link quality → APDU size → exclusive
//! access. Every check ends `ok`, `warn`, `fail` or `skip`, with what it saw and, when not
//! ok, the one thing to do. A branch stops where the layer below failed, and the skipped
//! checks say why. Everything the runner sends goes through the same read-only guard as the
//! audit ([`ReadOnly`](crate::transport::ReadOnly)); no PIN is ever touched. docs/doctor.md
//! lists every check, threshold and source.
//!
//! Doctor is data beside small functions, as the chip map is: the checks ([`CHECKS`]), the
//! known readers and their traps ([`readers::KNOWN_READERS`]), the pcscd diagnoses
//! ([`service::DIAGNOSES`]), the ATR meanings and known ATRs ([`atr::tables`],
//! [`atr::KNOWN_ATRS`]) are tables; every sentence is written once in English and Japanese
//! ([`say`] and the tables' [`say::Phrase`]s), and the text renderer picks the language.
//!
//! The pieces are pure and separately tested: [`atr`] (ATR decoding), [`readers`] (known
//! readers, libccid), [`service`] (pcscd diagnosis), [`link`] (latency statistics). [`run`]
//! drives them against PC/SC; [`run_with`] against any [`Backend`].

// ATRs and card answers are untrusted bytes (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod atr;
mod backend;
mod checks;
pub mod link;
mod model;
mod probe;
pub mod readers;
mod render;
mod run;
pub mod say;
pub mod service;
pub mod watch;

pub use backend::{Backend, PcscBackend};
pub use model::{
    ApduInfo, AppAnswer, AtrInfo, CHECKS, Check, CheckRow, DoctorReport, ReaderInfo,
    SCHEMA_VERSION, Status, exit_code, id,
};
pub use probe::extended_verdict;
pub use render::{render_json, render_text};
pub use run::{DEFAULT_ROUND_TRIPS, MAX_ROUND_TRIPS, Options, run, run_with};

/// The free EF both probes read: the JPKI signing CA certificate (EF 0002), readable without
/// any secret (card-facts §2.1) and the same on every card of a CA generation, so nothing
/// personal is read. Its DER is over 1 KB, enough for the extended-length probe.
pub const PROBE_EF: u16 = 0x0002;

/// The link probe's command: READ BINARY of the first 16 bytes of [`PROBE_EF`] (short, case 2).
pub const LINK_PROBE: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x10];

/// Le of the extended-length probe: more than a short APDU can ask for (256), well inside
/// the probe file.
pub const EXTENDED_LE: u16 = 512;

/// The extended-length probe: READ BINARY of [`PROBE_EF`] from offset 0 with an extended Le
/// (ISO/IEC 7816-4 §5.1 case 2E: `CLA INS P1 P2 00 Le1 Le2`). This is the one place its form
/// is defined. The read-only guard must let exactly this shape through (docs/doctor.md).
pub fn extended_probe() -> [u8; 7] {
    let [hi, lo] = EXTENDED_LE.to_be_bytes();
    [0x00, 0xB0, 0x00, 0x00, 0x00, hi, lo]
}

#[cfg(test)]
mod tests;
