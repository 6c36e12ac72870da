//! What the runner talks to: the [`Backend`] trait (the PC/SC service, or a scripted one in
//! the tests) and the counting wrapper every card connection goes through.

use super::readers::{self, Libccid};
use super::service::{self, PcscProbe, ServiceFacts};
use crate::transport::pcsc::{Pcsc, ReaderSlot};
use crate::transport::{Transport, TransportError};

/// What the runner needs from the platform. [`PcscBackend`] is the real one.
pub trait Backend {
    type Card: Transport;
    fn establish(&mut self) -> Result<(), TransportError>;
    fn readers(&mut self) -> Result<Vec<ReaderSlot>, TransportError>;
    fn connect(&mut self, reader: &str) -> Result<Self::Card, TransportError>;
    /// Gathers the service facts (called only when the service is unreachable).
    fn service_facts(&self, probe: PcscProbe) -> ServiceFacts;
    fn libccid(&self) -> Option<Libccid>;
    fn platform(&self) -> String;
}

/// The PC/SC backend, over [`crate::transport::pcsc`].
#[derive(Default)]
pub struct PcscBackend {
    ctx: Option<Pcsc>,
}

impl Backend for PcscBackend {
    type Card = crate::transport::pcsc::PcscCard;

    fn establish(&mut self) -> Result<(), TransportError> {
        self.ctx = Some(Pcsc::establish()?);
        Ok(())
    }

    fn readers(&mut self) -> Result<Vec<ReaderSlot>, TransportError> {
        self.ctx
            .as_ref()
            .ok_or(TransportError::NoService)?
            .readers()
    }

    fn connect(&mut self, reader: &str) -> Result<Self::Card, TransportError> {
        self.ctx
            .as_ref()
            .ok_or(TransportError::NoService)?
            .connect(reader)
    }

    fn service_facts(&self, probe: PcscProbe) -> ServiceFacts {
        service::gather(probe)
    }

    fn libccid(&self) -> Option<Libccid> {
        if cfg!(target_os = "linux") {
            readers::gather_libccid(readers::LIBCCID_PLISTS)
        } else {
            None
        }
    }

    fn platform(&self) -> String {
        service::platform()
    }
}

/// Counts, and remembers the largest answer of, every command that reaches the card.
pub(super) struct Counted<T> {
    pub(super) inner: T,
    pub(super) sent: usize,
    pub(super) max_response: usize,
}

impl<T: Transport> Transport for Counted<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent += 1;
        let resp = self.inner.transmit(command)?;
        self.max_response = self.max_response.max(resp.len().saturating_sub(2));
        Ok(resp)
    }

    crate::transport::forward_card_info!(inner);
}
