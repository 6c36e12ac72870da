//! `--trace`: every exchange on stderr as it happens, with the status word's meaning and
//! the time taken. Command data of VERIFY-class instructions is never shown, and the
//! card's identifiers (the ones `record` redacts, [`crate::privacy::identifiers`]) are
//! masked as `**` unless `--show-identifiers`.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use std::io::Write;
use std::time::Instant;

use super::{Transport, TransportError};
use crate::iso7816::command::carries_secret;
use crate::iso7816::spaced_hex;
use crate::iso7816::sw::Response;
use crate::privacy::{Assembly, Context, locate};

/// One trace line for a command: secret-carrying data replaced by `**`.
pub fn command_line(command: &[u8]) -> String {
    if carries_secret(command) {
        // Header and Lc only: the data is a PIN (openpgp-card's "hidden due to secret data").
        let head = command.get(..5).unwrap_or(command);
        format!("{} ** (secret data hidden)", spaced_hex(head))
    } else {
        spaced_hex(command)
    }
}

/// One trace line for a response: hex, then the status word and its meaning.
pub fn response_line(response: &[u8]) -> String {
    response_line_masked(response, &[])
}

/// [`response_line`] with the data bytes at the `hidden` indexes shown as `**`.
pub fn response_line_masked(response: &[u8], hidden: &[bool]) -> String {
    match Response::parse(response) {
        Some(r) => {
            let masked = hidden.iter().any(|h| *h);
            let data = if r.data.is_empty() {
                String::new()
            } else {
                let bytes: Vec<String> = r
                    .data
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        if hidden.get(i).copied().unwrap_or(false) {
                            "**".to_string()
                        } else {
                            format!("{b:02X}")
                        }
                    })
                    .collect();
                format!("{} ", bytes.join(" "))
            };
            let note = if masked { " [identifiers masked]" } else { "" };
            format!("{data}{} ({}){note}", r.sw, r.sw.meaning())
        }
        None => format!("{} (no status word)", spaced_hex(response)),
    }
}

/// Follows the selection and the files read so far, to know which response bytes are
/// identifiers. Shares [`Context`] and [`locate`] with the redactor. Any trace of a card
/// conversation (`audit`, `record`, `emulate`) can use it with [`response_line_masked`].
#[derive(Default)]
pub struct IdentifierMask {
    context: Context,
    seen: Assembly,
}

impl IdentifierMask {
    /// Takes the exchange into account and says which data bytes of `response` to hide.
    pub fn hidden(&mut self, command: &[u8], response: &[u8]) -> Vec<bool> {
        let placement = self.context.observe(command, response);
        self.seen.add(placement.clone(), response);
        let n = response.len().saturating_sub(2);
        let Some(p) = placement else {
            return vec![false; n];
        };
        let Some(image) = self.seen.objects.get(&p.object) else {
            return vec![false; n];
        };
        match locate(&p.object, &image.prefix()) {
            Ok(spans) => (0..n)
                .map(|i| spans.iter().any(|s| s.range.contains(&(p.offset + i))))
                .collect(),
            // The structure is not what the chip map says: hide it all rather than guess.
            Err(_) => vec![true; n],
        }
    }
}

/// A transport decorator that writes each exchange to a sink (stderr by default).
/// Identifiers are masked unless [`Trace::show_identifiers`] says otherwise.
pub struct Trace<T, W: Write = std::io::Stderr> {
    inner: T,
    sink: W,
    /// `None` when identifiers are shown.
    masker: Option<IdentifierMask>,
}

impl<T: Transport> Trace<T> {
    pub fn stderr(inner: T) -> Self {
        Trace::with_sink(inner, std::io::stderr())
    }
}

impl<T: Transport, W: Write> Trace<T, W> {
    pub fn with_sink(inner: T, sink: W) -> Self {
        Trace {
            inner,
            sink,
            masker: Some(IdentifierMask::default()),
        }
    }

    /// Shows identifiers unmasked (`--show-identifiers`).
    pub fn show_identifiers(mut self, show: bool) -> Self {
        self.masker = if show {
            None
        } else {
            Some(IdentifierMask::default())
        };
        self
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
            Ok(resp) => {
                let hidden = self
                    .masker
                    .as_mut()
                    .map(|m| m.hidden(command, resp))
                    .unwrap_or_default();
                writeln!(
                    self.sink,
                    "trace < {}  [{:.1} ms]",
                    response_line_masked(resp, &hidden),
                    took.as_secs_f64() * 1e3
                )
            }
            Err(e) => writeln!(
                self.sink,
                "trace ! {e}  [{:.1} ms]",
                took.as_secs_f64() * 1e3
            ),
        };
        result
    }

    super::forward_card_info!(inner);
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

    /// A card that answers SELECTs with 9000 and reads from a table.
    struct Card(Vec<(Vec<u8>, Vec<u8>)>);
    impl Transport for Card {
        fn transmit(&mut self, c: &[u8]) -> Result<Vec<u8>, TransportError> {
            if c[1] == 0xA4 {
                return Ok(vec![0x90, 0x00]);
            }
            self.0
                .iter()
                .find(|(cmd, _)| cmd == c)
                .map(|(_, r)| r.clone())
                .ok_or(TransportError::CardRemoved)
        }
        fn reader_name(&self) -> &str {
            "t"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    fn traced(show: bool) -> String {
        let isd = [
            0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00,
        ];
        let common = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01,
            0x00,
        ];
        let rec = b"\x01\x1c4000000127198431322120350217\x90\x00".to_vec();
        let card = Card(vec![
            (
                vec![0x00, 0xCA, 0x00, 0x45, 0x00],
                b"CARDID\x90\x00".to_vec(),
            ),
            (
                vec![0x00, 0xCA, 0x00, 0xF2, 0x00],
                b"20350217\x90\x00".to_vec(),
            ),
            (vec![0x00, 0xB2, 0x01, 0x04, 0x00], rec),
        ]);
        let mut t = Trace::with_sink(card, Vec::new()).show_identifiers(show);
        for c in [
            &isd[..],
            &[0x00, 0xCA, 0x00, 0x45, 0x00],
            &[0x00, 0xCA, 0x00, 0xF2, 0x00],
            &common,
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01],
            &[0x00, 0xB2, 0x01, 0x04, 0x00],
        ] {
            t.transmit(c).unwrap();
        }
        String::from_utf8(t.into_parts().1).unwrap()
    }

    #[test]
    fn identifiers_are_masked_unless_asked() {
        let out = traced(false);
        let hex = |s: &[u8]| spaced_hex(s);
        // Card id (GET DATA 0045), card serial and municipality (共通AP record) hidden.
        assert!(!out.contains(&hex(b"CARDID")), "{out}");
        assert!(!out.contains(&hex(b"400000012719843")), "{out}");
        assert!(!out.contains(&hex(b"13221")), "{out}");
        assert!(out.contains("** ** ** ** ** ** 9000"), "{out}");
        // The expiry is not an identifier.
        assert!(out.contains(&hex(b"20350217")), "{out}");
        assert!(out.contains("01 1C ** **"), "{out}");
        let shown = traced(true);
        assert!(shown.contains(&hex(b"CARDID")), "{shown}");
        assert!(shown.contains(&hex(b"400000012719843")), "{shown}");
        assert!(!shown.contains("**"), "{shown}");
    }
}
