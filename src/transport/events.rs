//! What a transport tells whoever watches it: each command as it is sent, and that it is
//! done (the transport was dropped, also after an error). The transport draws nothing
//! itself; the progress line the CLI draws is one [`Observer`], a test
//! another.

use super::{Transport, TransportError, forward_card_info};

/// Told about the commands a transport sends.
pub trait Observer {
    /// `command` is about to be sent (it is the `number`-th, counting from 1).
    fn sent(&mut self, number: usize, command: &[u8]);
    /// The transport is done: nothing more will be sent.
    fn finished(&mut self) {}
}

/// A transport decorator that tells `observer` about every command before sending it.
pub struct Observed<T, O: Observer> {
    inner: T,
    observer: O,
    sent: usize,
}

impl<T, O: Observer> Observed<T, O> {
    pub fn new(inner: T, observer: O) -> Self {
        Observed {
            inner,
            observer,
            sent: 0,
        }
    }

    pub fn observer(&self) -> &O {
        &self.observer
    }
}

impl<T: Transport, O: Observer> Transport for Observed<T, O> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent = self.sent.saturating_add(1);
        self.observer.sent(self.sent, command);
        self.inner.transmit(command)
    }

    forward_card_info!(inner);
}

impl<T, O: Observer> Drop for Observed<T, O> {
    fn drop(&mut self) {
        self.observer.finished();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    struct Fake;
    impl Transport for Fake {
        fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, TransportError> {
            Err(TransportError::CardRemoved)
        }
        fn reader_name(&self) -> &str {
            "fake reader"
        }
        fn atr(&self) -> &[u8] {
            &[0x3B]
        }
    }

    #[derive(Default)]
    struct Log(std::rc::Rc<std::cell::RefCell<Vec<String>>>);
    impl Observer for Log {
        fn sent(&mut self, number: usize, command: &[u8]) {
            self.0
                .borrow_mut()
                .push(format!("{number}: {command:02X?}"));
        }
        fn finished(&mut self) {
            self.0.borrow_mut().push("finished".into());
        }
    }

    #[test]
    fn every_command_is_told_before_it_is_sent_and_the_end_after_an_error() {
        let log = Log::default();
        let seen = log.0.clone();
        {
            let mut t = Observed::new(Fake, log);
            assert_eq!(t.transmit(&[0x00, 0xB0]), Err(TransportError::CardRemoved));
            assert_eq!(t.transmit(&[0x00, 0xA4]), Err(TransportError::CardRemoved));
            assert_eq!((t.reader_name(), t.atr()), ("fake reader", &[0x3B][..]));
            assert_eq!(t.observer().0.borrow().len(), 2);
        }
        assert_eq!(
            *seen.borrow(),
            ["1: [00, B0]", "2: [00, A4]", "finished"].map(String::from)
        );
    }
}
