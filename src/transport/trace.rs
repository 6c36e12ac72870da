//! `--trace`: every exchange on stderr as it happens, with the status word's meaning and
//! the time taken. Command data of VERIFY-class instructions is never shown.

use std::io::Write;
use std::time::Instant;

use super::{Transport, TransportError, spaced_hex};
use crate::fixture::carries_secret;
use crate::sw::Response;

/// One trace line for a command: secret-carrying data replaced by `**`.
pub fn command_line(command: &[u8]) -> String {
    if carries_secret(command) {
        // Header and Lc only: the data is a PIN (openpgp-card's "hidden due to secret data").
        let keep = command.len().min(5);
        format!("{} ** (secret data hidden)", spaced_hex(&command[..keep]))
    } else {
        spaced_hex(command)
    }
}

/// One trace line for a response: hex, then the status word and its meaning.
pub fn response_line(response: &[u8]) -> String {
    match Response::parse(response) {
        Some(r) => {
            let data = if r.data.is_empty() {
                String::new()
            } else {
                format!("{} ", spaced_hex(&r.data))
            };
            format!("{data}{} ({})", r.sw, r.sw.meaning())
        }
        None => format!("{} (no status word)", spaced_hex(response)),
    }
}

/// A transport decorator that writes each exchange to a sink (stderr by default).
pub struct Trace<T, W: Write = std::io::Stderr> {
    inner: T,
    sink: W,
}

impl<T: Transport> Trace<T> {
    pub fn stderr(inner: T) -> Self {
        Trace {
            inner,
            sink: std::io::stderr(),
        }
    }
}

impl<T: Transport, W: Write> Trace<T, W> {
    pub fn with_sink(inner: T, sink: W) -> Self {
        Trace { inner, sink }
    }

    pub fn into_parts(self) -> (T, W) {
        (self.inner, self.sink)
    }
}

impl<T: Transport, W: Write> Transport for Trace<T, W> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let _ = writeln!(self.sink, "trace > {}", command_line(command));
        let start = Instant::now();
        let result = self.inner.transmit(command);
        let took = start.elapsed();
        let _ = match &result {
            Ok(resp) => writeln!(
                self.sink,
                "trace < {}  [{:.1} ms]",
                response_line(resp),
                took.as_secs_f64() * 1e3
            ),
            Err(e) => writeln!(
                self.sink,
                "trace ! {e}  [{:.1} ms]",
                took.as_secs_f64() * 1e3
            ),
        };
        result
    }

    fn reader_name(&self) -> &str {
        self.inner.reader_name()
    }

    fn atr(&self) -> &[u8] {
        self.inner.atr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_data_is_never_traced() {
        let line = command_line(&[0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34]);
        assert!(line.starts_with("00 20 00 80 04 **"), "{line}");
        assert!(!line.contains("31"), "{line}");
        assert_eq!(command_line(&[0x00, 0x20, 0x00, 0x80]), "00 20 00 80");
    }

    #[test]
    fn responses_carry_their_meaning() {
        assert_eq!(
            response_line(&[0x69, 0x82]),
            "6982 (security status not satisfied)"
        );
        assert_eq!(response_line(&[0x01, 0x63, 0xC2]), "01 63C2 (2 tries left)");
        assert_eq!(response_line(&[0x90]), "90 (no status word)");
    }
}
