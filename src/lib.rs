//! myna-audit: audits a Japanese My Number Card (マイナンバーカード) over PC/SC, read-only,
//! and replays recorded card sessions for hardware-free tests.
//!
//! Layers, bottom to top: [`transport`] (PC/SC, replay; the read-only guard) →
//! [`card`] (the chip map as data, the command session) → [`audit`] → [`report`]
//! (model, the sentence catalogue, and three peer renderers: text, HTML, JSON). [`lang`] (the
//! one language and bilingual sentence type) and [`sanitize`] (the one sanitizer for untrusted
//! strings) are leaves every layer may use. [`source`] opens what an audit talks to; [`record`],
//! [`emulate`] and [`fixture_check`] are the other commands' libraries. Every library error
//! is [`error::Diagnose`]. The CLI ([`cli`]) sits on top: it turns arguments into the
//! library's options and does all the printing; nothing below it uses it.

#![forbid(unsafe_code)]

pub mod audit;
pub mod card;
pub mod chipmap;
pub mod cli;
pub mod decode;
pub mod doctor;
pub mod emulate;
pub mod error;
pub mod fixture;
pub mod fixture_check;
pub mod iso7816;
pub mod lang;
pub mod privacy;
pub mod record;
pub mod report;
pub mod sanitize;
pub mod source;
pub mod transport;
pub mod trust;

/// Temporary path for [`iso7816::sw`] (issue 16 moved the status words into the leaf).
pub use iso7816::sw;

#[cfg(test)]
mod testing;
