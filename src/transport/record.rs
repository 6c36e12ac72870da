//! The recording decorator: passes every command through and keeps each exchange in
//! memory, for `record` to redact before anything touches the disk.
//!
//! The data of a VERIFY-class command (VERIFY, CHANGE REFERENCE DATA, CHANGE KEY) is never
//! kept: such an exchange is left out whole and only counted. The read-only guard above
//! stops these commands before they get here; this decorator does not rely on it.

use super::{Transport, TransportError};
use crate::fixture::Exchange;
use crate::iso7816::command::carries_secret;

/// What a recording session captured.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    pub reader: String,
    pub atr: Vec<u8>,
    /// Every exchange that reached the card and was answered, in order.
    pub exchanges: Vec<Exchange>,
    /// Exchanges left out because their command carried a secret (a PIN).
    pub withheld_secrets: usize,
}

/// A transport that records what passes through it.
pub struct Recorder<T> {
    inner: T,
    exchanges: Vec<Exchange>,
    withheld_secrets: usize,
}

impl<T: Transport> Recorder<T> {
    pub fn new(inner: T) -> Self {
        Recorder {
            inner,
            exchanges: Vec::new(),
            withheld_secrets: 0,
        }
    }

    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }

    pub fn into_recording(self) -> Recording {
        self.into_parts().1
    }

    /// The wrapped transport and the recording.
    pub fn into_parts(self) -> (T, Recording) {
        let recording = Recording {
            reader: self.inner.reader_name().to_string(),
            atr: self.inner.atr().to_vec(),
            exchanges: self.exchanges,
            withheld_secrets: self.withheld_secrets,
        };
        (self.inner, recording)
    }
}

impl<T: Transport> Transport for Recorder<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let result = self.inner.transmit(command);
        if carries_secret(command) {
            // Neither the secret nor the card's answer to it (which may follow from it).
            self.withheld_secrets += 1;
        } else if let Ok(response) = &result {
            self.exchanges.push(Exchange {
                command: command.to_vec(),
                response: response.clone(),
                line: 0,
                comment: None,
            });
        }
        result
    }

    super::forward_card_info!(inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::trace::Trace;

    struct Card;
    impl Transport for Card {
        fn transmit(&mut self, c: &[u8]) -> Result<Vec<u8>, TransportError> {
            match c {
                [0x00, 0x20, ..] => Ok(vec![0x90, 0x00]),
                [0x00, 0xB0, ..] => Ok(vec![0x01, 0x02, 0x90, 0x00]),
                _ => Err(TransportError::CardRemoved),
            }
        }
        fn reader_name(&self) -> &str {
            "Test Reader 00"
        }
        fn atr(&self) -> &[u8] {
            &[0x3B, 0x00]
        }
    }

    #[test]
    fn records_answered_exchanges() {
        let mut r = Recorder::new(Card);
        r.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x02]).unwrap();
        assert!(r.transmit(&[0x00, 0xA4, 0x00, 0x00]).is_err());
        let rec = r.into_recording();
        assert_eq!(
            rec.exchanges.len(),
            1,
            "a failed exchange has no answer to keep"
        );
        assert_eq!(rec.exchanges[0].response, vec![0x01, 0x02, 0x90, 0x00]);
        assert_eq!(rec.reader, "Test Reader 00");
        assert_eq!(rec.atr, vec![0x3B, 0x00]);
    }

    /// Below the read-only guard nothing stops a VERIFY with a PIN; neither the recorder
    /// nor the trace may keep or print it.
    #[test]
    fn a_pin_reaches_neither_the_recording_nor_the_trace() {
        let pin = [0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x39, 0x38, 0x37];
        let mut r = Recorder::new(Trace::with_sink(Card, Vec::new()));
        r.transmit(&pin).unwrap();
        r.transmit(&[0x00, 0x20, 0x00, 0x80]).unwrap();
        // CHANGE REFERENCE DATA with a new PIN; this card fails it.
        r.transmit(&[0x00, 0x24, 0x01, 0x80, 0x02, 0x31, 0x39])
            .unwrap_err();
        let (trace, rec) = r.into_parts();
        let printed = String::from_utf8(trace.into_parts().1).unwrap();
        assert!(printed.contains("00 20 00 80 04 **"), "{printed}");
        assert!(!printed.contains("31 39"), "{printed}");
        assert_eq!(rec.withheld_secrets, 2);
        assert_eq!(rec.exchanges.len(), 1);
        assert_eq!(rec.exchanges[0].command, vec![0x00, 0x20, 0x00, 0x80]);
        for e in &rec.exchanges {
            assert!(!e.command.windows(4).any(|w| w == [0x31, 0x39, 0x38, 0x37]));
        }
    }
}
