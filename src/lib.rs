//! myna-audit: audits a Japanese My Number Card (マイナンバーカード) over PC/SC, read-only,
//! and replays recorded card sessions for hardware-free tests.
//!
//! Layers, bottom to top: [`transport`] (PC/SC, replay; the read-only guard) →
//! [`card`] (the chip map as data, the command session) → [`audit`] → [`report`]
//! (model, text and JSON renderers) → [`cli`].

#![forbid(unsafe_code)]

pub mod audit;
pub mod card;
pub mod cli;
pub mod decode;
pub mod doctor;
pub mod emulate;
pub mod fixture;
pub mod fixture_check;
pub mod privacy;
pub mod record;
pub mod report;
pub mod sw;
pub mod transport;
