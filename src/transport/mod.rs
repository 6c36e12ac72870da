//! The transport seam: one verb, "send these command bytes, give me the response bytes".
//!
//! The PC/SC backend ([`pcsc`]), the fixture replayer ([`replay`]) and the recorder all
//! implement [`Transport`]. The read-only guarantee lives here too, in [`ReadOnly`]: the
//! audit can only reach a card through it.

pub mod events;
pub mod guard;
pub mod pcsc;
pub mod record;
pub mod replay;
pub mod trace;

pub use guard::ReadOnly;

use thiserror::Error;

/// Anything that can carry an APDU to a card and bring back its response.
pub trait Transport {
    /// Sends one command APDU and returns the whole response (data + SW1 SW2).
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
    /// The reader's name, as the report shows it.
    fn reader_name(&self) -> &str;
    /// The card's answer to reset.
    fn atr(&self) -> &[u8];
    /// What the transport did on its own that the report should say (e.g. reconnecting
    /// after the PC/SC service restarted). Most transports have nothing to say.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// Holds the card for this client alone until [`Transport::end_exclusive`] (a PC/SC
    /// transaction): other programs sharing the card wait meanwhile. Holding it again is
    /// nothing. Transports with no one to share the card with do nothing.
    fn begin_exclusive(&mut self) -> Result<(), TransportError> {
        Ok(())
    }
    /// Lets other programs at the card again.
    fn end_exclusive(&mut self) {}
    /// After `after` (a reset, a removal) ended a command: gets the same card back if this
    /// transport can — reconnected after a reset, waited for after a removal when allowed.
    /// `Ok(true)`: the card is back in its power-on state (nothing selected); `Ok(false)`:
    /// it is not, and `after` stands.
    fn reattach(&mut self, after: &TransportError) -> Result<bool, TransportError> {
        let _ = after;
        Ok(false)
    }
}

/// The [`Transport`] methods a decorator (guard, trace, recorder) forwards unchanged to the
/// transport in its field `$inner`.
macro_rules! forward_card_info {
    ($inner:ident) => {
        fn reader_name(&self) -> &str {
            self.$inner.reader_name()
        }

        fn atr(&self) -> &[u8] {
            self.$inner.atr()
        }

        fn notes(&self) -> Vec<String> {
            self.$inner.notes()
        }

        fn begin_exclusive(&mut self) -> Result<(), $crate::transport::TransportError> {
            self.$inner.begin_exclusive()
        }

        fn end_exclusive(&mut self) {
            self.$inner.end_exclusive()
        }

        fn reattach(
            &mut self,
            after: &$crate::transport::TransportError,
        ) -> Result<bool, $crate::transport::TransportError> {
            self.$inner.reattach(after)
        }
    };
}
pub(crate) use forward_card_info;

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
    fn reader_name(&self) -> &str {
        (**self).reader_name()
    }
    fn atr(&self) -> &[u8] {
        (**self).atr()
    }
    fn notes(&self) -> Vec<String> {
        (**self).notes()
    }
    fn begin_exclusive(&mut self) -> Result<(), TransportError> {
        (**self).begin_exclusive()
    }
    fn end_exclusive(&mut self) {
        (**self).end_exclusive()
    }
    fn reattach(&mut self, after: &TransportError) -> Result<bool, TransportError> {
        (**self).reattach(after)
    }
}

/// What can go wrong between the tool and the card. Each variant says what happened;
/// [`TransportError::hint`] says what the user can do next.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TransportError {
    #[error("the PC/SC service is not running")]
    NoService,
    #[error("the PC/SC service stopped during the audit")]
    ServiceStopped,
    /// The service restarted while a command was outstanding ([`TransportError::ServiceRestarted::at`]
    /// says which and how); the transport re-established it once and reconnected to the same
    /// card (same ATR), which is in its power-on state. The session decides what to send again.
    #[error("the PC/SC service restarted during the audit ({at})")]
    ServiceRestarted { at: String },
    #[error("no smart-card reader is connected")]
    NoReaders,
    #[error("no card in reader \"{reader}\"")]
    NoCard { reader: String },
    #[error("no reader named \"{reader}\" (readers: {available})")]
    UnknownReader { reader: String, available: String },
    #[error("the card was removed from the reader during the audit")]
    CardRemoved,
    #[error("the card was reset by another program during the audit")]
    CardReset,
    #[error("another program holds the card in \"{reader}\" exclusively (sharing violation)")]
    CardInUse { reader: String },
    #[error("the card put back on the reader is not the one being audited ({why})")]
    OtherCard { why: String },
    #[error("the card's response was malformed: {detail}")]
    MalformedResponse { detail: String },
    #[error("the card's answers exceeded a safety limit: {detail}")]
    LimitExceeded { detail: String },
    #[error("refused to send {command}: {reason}")]
    Refused { command: String, reason: String },
    #[error("fixture {fixture} cannot answer command {command} ({why})")]
    Unanswerable {
        fixture: String,
        command: String,
        why: String,
    },
    #[error("PC/SC error: {0}")]
    Pcsc(String),
}

impl TransportError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            TransportError::NoService
            | TransportError::ServiceStopped
            | TransportError::ServiceRestarted { .. } => {
                "Start the PC/SC daemon: on Debian/Ubuntu `sudo apt-get install pcscd && sudo systemctl start pcscd` \
                 (or run `pcscd` yourself); on macOS and Windows the service starts with a reader plugged in. \
                 If pcscd is running, polkit may be denying access (common over ssh): allow \
                 org.debian.pcsc-lite.access_pcsc and access_card for your user."
            }
            TransportError::NoReaders => {
                "Connect a PC/SC reader that supports ISO 14443 Type B (contactless) or a contact reader, then try again. \
                 The Sony RC-S380 has no pcsc-lite driver on Linux; the RC-S300 (libccid 1.4.35 or later) and ACS readers work."
            }
            TransportError::NoCard { .. } => {
                "Place the My Number Card on the reader (or insert it) and try again."
            }
            TransportError::UnknownReader { .. } => {
                "Run `myna-audit readers` and pass one of the names listed with --reader."
            }
            TransportError::CardRemoved => {
                "Keep the card still on the reader until the audit ends, then run it again. \
                 Nothing was written to the card."
            }
            TransportError::CardReset => {
                "Close other programs that use the card reader, then run the audit again."
            }
            TransportError::CardInUse { .. } => {
                "A program keeps the card to itself: typically the JPKI 利用者クライアントソフト (JPKI user client \
                 software), a web browser's PKCS#11 module or the OpenSC minidriver (a browser or e-Tax/マイナポータル \
                 session using the card), or another myna-audit. Finish or close that program (quit the browser), \
                 then run the audit again; take the card off and put it back if it stays busy."
            }
            TransportError::OtherCard { .. } => {
                "Put the card being audited back on the reader and run the audit again from the start."
            }
            TransportError::MalformedResponse { .. } => {
                "The reader or card answered something unusable. Try again; if it persists, run with --trace \
                 and report the status words (never your PINs)."
            }
            TransportError::LimitExceeded { .. } => {
                "The card kept sending data past a safety limit; it may be faulty or not a My Number Card. \
                 Nothing more was read."
            }
            TransportError::Refused { .. } => {
                "This is a safety stop inside myna-audit, not a card problem: please report it."
            }
            TransportError::Unanswerable { .. } => {
                "The fixture does not contain what this command needs: record a fresh fixture, or check that the file is complete."
            }
            TransportError::Pcsc(_) => "Unplug and replug the reader, then try again.",
        }
    }

    /// A stable machine-readable name for the error (JSON, messages).
    pub fn code(&self) -> &'static str {
        match self {
            TransportError::NoService => "no-service",
            TransportError::ServiceStopped => "service-stopped",
            TransportError::ServiceRestarted { .. } => "service-restarted",
            TransportError::NoReaders => "no-reader",
            TransportError::NoCard { .. } => "no-card",
            TransportError::UnknownReader { .. } => "unknown-reader",
            TransportError::CardRemoved => "card-removed",
            TransportError::CardReset => "card-reset",
            TransportError::CardInUse { .. } => "card-in-use",
            TransportError::OtherCard { .. } => "other-card",
            TransportError::MalformedResponse { .. } => "malformed-response",
            TransportError::LimitExceeded { .. } => "limit-exceeded",
            TransportError::Refused { .. } => "refused-command",
            TransportError::Unanswerable { .. } => "fixture-incomplete",
            TransportError::Pcsc(_) => "pcsc-error",
        }
    }
}

/// Temporary path for [`crate::iso7816::spaced_hex`] (issue 16 moved it to the leaf).
pub use crate::iso7816::spaced_hex;
