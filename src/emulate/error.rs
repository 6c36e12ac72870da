//! What can stop the emulator, with what the user can do about it.

use thiserror::Error;

use crate::error::Diagnose;
use crate::fixture::FixtureError;

/// Why the emulator could not start or keep running.
#[derive(Debug, Error)]
pub enum EmulateError {
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    #[error("'{addr}' is not a HOST:PORT address for vpcd: {reason}")]
    BadAddress { addr: String, reason: String },
    #[error("pcscd is not running, so no vpcd virtual reader listens at {addr} ({reason})")]
    PcscdNotRunning { addr: String, reason: String },
    #[error(
        "pcscd is running but has no vpcd virtual reader listening at {addr} ({reason}; readers: {readers})"
    )]
    VpcdMissing {
        addr: String,
        reason: String,
        readers: String,
    },
    #[error("cannot connect to vpcd at {addr}: {reason}")]
    VpcdUnreachable { addr: String, reason: String },
    #[error("vpcd at {addr} closed the connection before the first PC/SC session ended")]
    VpcdClosed { addr: String },
    #[error("the connection to vpcd at {addr} failed: {reason}")]
    Io { addr: String, reason: String },
    #[error("{fixture} has an empty ATR; a card must send one (vpcd would take it for no card)")]
    EmptyAtr { fixture: String },
    #[error("cannot install the Ctrl-C / SIGTERM handler: {0}")]
    Signals(String),
}

impl Diagnose for EmulateError {
    fn code(&self) -> &'static str {
        match self {
            EmulateError::Fixture(f) => f.code(),
            EmulateError::BadAddress { .. } => "bad-vpcd-address",
            EmulateError::PcscdNotRunning { .. } => "no-service",
            EmulateError::VpcdMissing { .. } => "vpcd-missing",
            EmulateError::VpcdUnreachable { .. } => "vpcd-unreachable",
            EmulateError::VpcdClosed { .. } => "vpcd-closed",
            EmulateError::Io { .. } => "vpcd-io",
            EmulateError::EmptyAtr { .. } => "fixture-malformed",
            EmulateError::Signals(_) => "signals",
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            EmulateError::Fixture(f) => f.hint(),
            EmulateError::BadAddress { .. } => {
                "Pass --vpcd HOST:PORT, e.g. 127.0.0.1:35963 (the port in /etc/reader.conf.d/vpcd: 0x8C7B = 35963)."
            }
            EmulateError::PcscdNotRunning { .. } => {
                "Start pcscd: `sudo systemctl start pcscd`, or run `sudo pcscd --foreground` in another terminal. \
                 The virtual reader comes from the vpcd driver: on Debian/Ubuntu `sudo apt-get install vsmartcard-vpcd`."
            }
            EmulateError::VpcdMissing { .. } => {
                "Install the vpcd driver (Debian/Ubuntu: `sudo apt-get install vsmartcard-vpcd`, which adds \
                 /etc/reader.conf.d/vpcd), then restart pcscd (`sudo systemctl restart pcscd`) so it loads it."
            }
            EmulateError::VpcdUnreachable { .. } => {
                "Check that pcscd runs with the vpcd driver (Debian/Ubuntu package vsmartcard-vpcd) and that \
                 --vpcd names the port in /etc/reader.conf.d/vpcd (default 127.0.0.1:35963)."
            }
            EmulateError::VpcdClosed { .. } => {
                "pcscd stopped or restarted while the card was waiting: start pcscd and run the emulator again."
            }
            EmulateError::Io { .. } => "Run the emulator again; if it persists, restart pcscd.",
            EmulateError::EmptyAtr { .. } => {
                "Put the card's ATR in the fixture's `atr:` header (docs/fixtures.md)."
            }
            EmulateError::Signals(_) => "This is unexpected: please report it.",
        }
    }
}
