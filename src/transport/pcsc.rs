//! The PC/SC backend: the only file that imports the `pcsc` crate.
//!
//! Every `pcsc::Error` becomes a [`TransportError`] here, so nothing above this file knows
//! PC/SC exists (../shared/docs/pcsc-virtual-reader.md lists what the crate returns when).
//!
//! When the PC/SC service stops during an audit (a restart, an update), [`PcscCard`]
//! re-establishes the context **once**: it waits a few seconds for the service and the card,
//! reconnects, checks the ATR is the same, restores the selection (the last SELECT of an
//! application and of an EF that answered 9000) and re-sends the interrupted command —
//! never a VERIFY (a retry-counter query is never re-sent) and never a GET RESPONSE (the
//! card lost what it held). Anything else, or a second stop, is reported.

use std::ffi::CString;
use std::time::{Duration, Instant};

use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};

use super::{Transport, TransportError};
use crate::card::command::{Command, Moved, Selection, decode, split_response};

/// A reader as `readers` lists it.
#[derive(Debug, Clone)]
pub struct ReaderSlot {
    pub name: String,
    /// The card's ATR when a card is present.
    pub atr: Option<Vec<u8>>,
}

fn map_err(e: pcsc::Error) -> TransportError {
    match e {
        pcsc::Error::NoService => TransportError::NoService,
        pcsc::Error::ServiceStopped | pcsc::Error::InvalidHandle => TransportError::ServiceStopped,
        pcsc::Error::NoReadersAvailable => TransportError::NoReaders,
        pcsc::Error::RemovedCard | pcsc::Error::NotTransacted => TransportError::CardRemoved,
        pcsc::Error::ResetCard => TransportError::CardReset,
        other => TransportError::Pcsc(other.to_string()),
    }
}

/// How long a recovery waits for the PC/SC service, then for the card, to come back.
pub const RECOVERY_WAIT: Duration = Duration::from_secs(5);

/// A PC/SC context: lists readers and connects to cards.
pub struct Pcsc {
    ctx: Context,
}

impl Pcsc {
    pub fn establish() -> Result<Pcsc, TransportError> {
        Context::establish(Scope::User)
            .map(|ctx| Pcsc { ctx })
            .map_err(map_err)
    }

    /// Every reader with its card's ATR, if a card is present.
    pub fn readers(&self) -> Result<Vec<ReaderSlot>, TransportError> {
        let names = self.ctx.list_readers_owned().map_err(map_err)?;
        if names.is_empty() {
            return Err(TransportError::NoReaders);
        }
        let mut states: Vec<pcsc::ReaderState> = names
            .iter()
            .map(|n| pcsc::ReaderState::new(n.clone(), pcsc::State::UNAWARE))
            .collect();
        self.ctx
            .get_status_change(std::time::Duration::ZERO, &mut states)
            .map_err(map_err)?;
        Ok(states
            .iter()
            .map(|s| {
                let present = s.event_state().contains(pcsc::State::PRESENT);
                ReaderSlot {
                    name: s.name().to_string_lossy().into_owned(),
                    atr: present.then(|| s.atr().to_vec()),
                }
            })
            .collect())
    }

    /// Connects (shared) to the card in `reader`.
    pub fn connect(&self, reader: &str) -> Result<PcscCard, TransportError> {
        let cname = CString::new(reader).map_err(|_| TransportError::UnknownReader {
            reader: reader.into(),
            available: String::new(),
        })?;
        let card = self
            .ctx
            .connect(&cname, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| match e {
                pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => TransportError::NoCard {
                    reader: reader.into(),
                },
                pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
                    TransportError::UnknownReader {
                        reader: reader.into(),
                        available: String::new(),
                    }
                }
                other => map_err(other),
            })?;
        let atr = card.status2_owned().map_err(map_err)?.atr().to_vec();
        Ok(PcscCard {
            card: Some(card),
            reader: reader.into(),
            atr,
            selection: Selection::default(),
            selected_df: None,
            selected_ef: None,
            recovered: false,
            notes: Vec::new(),
            sent: 0,
        })
    }
}

/// A connected card.
pub struct PcscCard {
    card: Option<pcsc::Card>,
    reader: String,
    atr: Vec<u8>,
    /// The selection the card has, from the SELECTs that answered 9000.
    selection: Selection,
    /// The last SELECT of an application that answered 9000, to restore after a reconnect.
    selected_df: Option<Vec<u8>>,
    /// The last SELECT of an EF that answered 9000 since then.
    selected_ef: Option<Vec<u8>>,
    /// Whether the one recovery from a service stop was used.
    recovered: bool,
    notes: Vec<String>,
    /// Commands sent, to say where a recovery happened.
    sent: usize,
}

/// One command to a card handle, with the empty-response rule applied.
fn transmit_on(card: &pcsc::Card, command: &[u8]) -> Result<Vec<u8>, pcsc::Error> {
    let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    // InsufficientBuffer would arrive after the card already ran the command; the
    // extended buffer makes it impossible for short APDUs.
    card.transmit(command, &mut buf).map(<[u8]>::to_vec)
}

/// The connection to the service broke under a connected card: pcsc-lite answers a command
/// outstanding when pcscd stops with CommError, and every later one with NoService;
/// ServiceStopped and InvalidHandle mean the same.
fn service_gone(e: pcsc::Error) -> bool {
    matches!(
        e,
        pcsc::Error::CommError
            | pcsc::Error::NoService
            | pcsc::Error::ServiceStopped
            | pcsc::Error::InvalidHandle
    )
}

impl PcscCard {
    /// Keeps the selection the card has, from the SELECTs that succeeded.
    fn track(&mut self, command: &[u8], resp: &[u8]) {
        let Some((_, sw)) = split_response(resp) else {
            return;
        };
        match self.selection.follow(&decode(command), sw) {
            Moved::Df => {
                self.selected_df = Some(command.to_vec());
                self.selected_ef = None;
            }
            Moved::Ef => self.selected_ef = Some(command.to_vec()),
            Moved::Nothing => {}
        }
    }

    /// Re-establishes the context, reconnects to the same card in the same reader and
    /// restores the selection. The error is what to report, and what failed.
    fn recover(&mut self) -> Result<(), (TransportError, String)> {
        let stopped = |why: String| (TransportError::ServiceStopped, why);
        let removed = |why: String| (TransportError::CardRemoved, why);
        // Drop the dead handle without touching the card.
        if let Some(old) = self.card.take() {
            let _ = old.disconnect(Disposition::LeaveCard);
        }
        let start = Instant::now();
        let ctx = loop {
            match Context::establish(Scope::User) {
                Ok(ctx) => break ctx,
                Err(e) if start.elapsed() >= RECOVERY_WAIT => {
                    return Err(stopped(format!(
                        "the service did not come back within {} s ({e})",
                        RECOVERY_WAIT.as_secs()
                    )));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let gone = |e: Option<pcsc::Error>| {
            let why = match e {
                Some(e) => format!("the card did not come back in \"{}\" ({e})", self.reader),
                None => format!("the card did not come back in \"{}\"", self.reader),
            };
            removed(why)
        };
        let cname = CString::new(self.reader.as_str()).map_err(|e| removed(e.to_string()))?;
        let mut states = vec![pcsc::ReaderState::new(cname.clone(), pcsc::State::UNAWARE)];
        loop {
            let left = RECOVERY_WAIT.saturating_sub(start.elapsed());
            match ctx.get_status_change(left, &mut states) {
                Ok(()) => {}
                // The reader may not be listed yet right after a restart.
                Err(pcsc::Error::UnknownReader) if !left.is_zero() => {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                Err(e) => return Err(gone(Some(e))),
            }
            let ev = states
                .first()
                .map_or(pcsc::State::UNAWARE, |s| s.event_state());
            if ev.contains(pcsc::State::PRESENT) && !ev.contains(pcsc::State::MUTE) {
                break;
            }
            if left.is_zero() {
                return Err(gone(None));
            }
            for s in &mut states {
                s.sync_current_state();
            }
        }
        let card = ctx
            .connect(&cname, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| removed(format!("reconnecting failed ({e})")))?;
        let atr = card
            .status2_owned()
            .map_err(|e| removed(format!("reconnecting failed ({e})")))?
            .atr()
            .to_vec();
        if atr != self.atr {
            return Err(removed("the card in the reader has another ATR".into()));
        }
        for cmd in [self.selected_df.clone(), self.selected_ef.clone()]
            .into_iter()
            .flatten()
        {
            let resp = transmit_on(&card, &cmd)
                .map_err(|e| (map_err(e), format!("re-selecting failed ({e})")))?;
            if !split_response(&resp).is_some_and(|(_, sw)| sw.is_ok()) {
                let sw = resp.get(resp.len().saturating_sub(2)..).unwrap_or_default();
                return Err((
                    TransportError::CardReset,
                    format!("re-selecting failed ({})", super::spaced_hex(sw)),
                ));
            }
        }
        self.card = Some(card);
        Ok(())
    }
}

impl Transport for PcscCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let card = self.card.as_ref().ok_or(TransportError::CardRemoved)?;
        self.sent += 1;
        let resp = match transmit_on(card, command) {
            Ok(resp) => resp,
            Err(e) if service_gone(e) => {
                // Connected a moment ago: the service stopped (or its connection broke).
                if self.recovered {
                    return Err(TransportError::ServiceStopped);
                }
                self.recovered = true;
                if let Err((err, why)) = self.recover() {
                    self.notes.push(format!(
                        "The connection to the PC/SC service broke at command {} ({e}); reconnecting once failed: {why}.",
                        self.sent
                    ));
                    return Err(err);
                }
                // The card may or may not have run the interrupted command. A retry-counter
                // query is never sent twice; a GET RESPONSE has nothing left to fetch.
                if matches!(
                    decode(command),
                    Command::VerifyQuery { .. }
                        | Command::VerifyWithData { .. }
                        | Command::GetResponse { .. }
                ) {
                    self.notes.push(format!(
                        "The connection to the PC/SC service broke at command {} ({e}); the card was reconnected, but that \
                         command is not sent twice ({}), so the audit stops here.",
                        self.sent,
                        super::spaced_hex(command.get(..4).unwrap_or(command))
                    ));
                    return Err(TransportError::ServiceStopped);
                }
                self.notes.push(format!(
                    "The connection to the PC/SC service broke at command {} ({e}): myna-audit re-established it once, \
                     reconnected to the same card (same ATR), restored its selection and sent that command again.",
                    self.sent
                ));
                let card = self.card.as_ref().ok_or(TransportError::ServiceStopped)?;
                transmit_on(card, command).map_err(|e| {
                    if service_gone(e) {
                        TransportError::ServiceStopped
                    } else {
                        map_err(e)
                    }
                })?
            }
            Err(e) => return Err(map_err(e)),
        };
        if resp.is_empty() {
            // pcsc-lite hands back an empty response when the card vanished while the
            // command was outstanding (pcsc-virtual-reader.md).
            return Err(TransportError::CardRemoved);
        }
        self.track(command, &resp);
        Ok(resp)
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn reader_name(&self) -> &str {
        &self.reader
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }
}

impl Drop for PcscCard {
    fn drop(&mut self) {
        // Leave the card as it is: a reset would disturb other programs sharing it.
        if let Some(card) = self.card.take() {
            let _ = card.disconnect(Disposition::LeaveCard);
        }
    }
}
