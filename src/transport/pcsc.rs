//! The PC/SC backend: the only file that imports the `pcsc` crate.
//!
//! Every `pcsc::Error` becomes a [`TransportError`] here, so nothing above this file knows
//! PC/SC exists (../shared/docs/pcsc-virtual-reader.md lists what the crate returns when).

use std::ffi::CString;

use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};

use super::{Transport, TransportError};

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
        })
    }
}

/// A connected card.
pub struct PcscCard {
    card: Option<pcsc::Card>,
    reader: String,
    atr: Vec<u8>,
}

impl Transport for PcscCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let card = self.card.as_ref().ok_or(TransportError::CardRemoved)?;
        let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
        // InsufficientBuffer would arrive after the card already ran the command; the
        // extended buffer makes it impossible for short APDUs, and nothing here re-sends.
        let resp = card.transmit(command, &mut buf).map_err(map_err)?;
        if resp.is_empty() {
            // pcsc-lite hands back an empty response when the card vanished while the
            // command was outstanding (pcsc-virtual-reader.md).
            return Err(TransportError::CardRemoved);
        }
        Ok(resp.to_vec())
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
