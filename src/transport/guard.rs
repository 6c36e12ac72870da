//! The read-only guarantee, enforced in one place.
//!
//! Every command of an audit, a recording or a reader scan passes through [`ReadOnly`],
//! which lets through only commands that cannot change card state or spend a PIN try:
//!
//! | command | bytes | why it is safe |
//! |---|---|---|
//! | SELECT | `00 A4 ..` | changes only the volatile current-file pointer |
//! | READ BINARY | `00 B0 ..` Le, or an extended Le `00 Le1 Le2` at an offset | reads |
//! | READ RECORD | `00 B2 ..` | reads |
//! | GET RESPONSE | `00 C0 00 00 Le` | fetches the rest of a response the card already prepared (`61xx`) |
//! | GET DATA | `00 CA ..` | reads |
//! | VERIFY **without data** | exactly `00 20 00 P2` (4 bytes) | asks for the retry counter; JICSAP defines it as not consuming a try (card-facts §3.3) |
//! | reader GET DATA | `FF CA ..` | answered by the reader itself (UID/ATS), never reaches the chip |
//!
//! Anything else — a VERIFY carrying data, CHANGE REFERENCE DATA, any write, secure
//! messaging or proprietary class — is refused with [`TransportError::Refused`] before it
//! reaches the transport. The only way to build a [`crate::card::Session`] is around this type.
//! The forms themselves are recognised by the one command decoder,
//! [`crate::iso7816::command::Apdu::is_read_only`].

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use super::{Transport, TransportError};
use crate::iso7816::command::{Apdu, Command};
use crate::iso7816::spaced_hex;

/// Why a command may not pass, or `None` when it may. The allow-list is
/// [`Apdu::is_read_only`]; the reason names the family the command claims to be.
pub fn refusal(command: &[u8]) -> Option<&'static str> {
    let Some(apdu) = Apdu::parse(command) else {
        return Some("shorter than a command header");
    };
    if apdu.is_read_only() {
        return None;
    }
    Some(match apdu.command {
        Command::SelectDf { .. } | Command::SelectEf { .. } | Command::SelectOther => {
            "SELECT with unexpected parameters"
        }
        Command::ReadBinary { .. }
        | Command::ReadBinarySfi
        | Command::ReadRecord { .. }
        | Command::GetData { .. } => "read commands must carry only Le",
        Command::GetResponse { .. } => "GET RESPONSE with unexpected parameters",
        // The retry-counter query is case 1: header only, no Lc, no data, no Le.
        // A VERIFY with data would present a PIN and could spend a try.
        Command::VerifyQuery { .. } | Command::VerifyWithData { .. } => {
            "a VERIFY that carries data would present a PIN"
        }
        Command::ReaderGetData => "reader GET DATA must carry only Le",
        Command::Other => "not a read-only command",
    })
}

/// A transport that refuses every command that could change the card.
pub struct ReadOnly<T> {
    inner: T,
}

impl<T: Transport> ReadOnly<T> {
    pub fn new(inner: T) -> Self {
        ReadOnly { inner }
    }

    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: Transport> Transport for ReadOnly<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if let Some(reason) = refusal(command) {
            return Err(TransportError::Refused {
                // Only the header: a refused command may be a VERIFY with a PIN in it.
                command: spaced_hex(command.get(..4).unwrap_or(command)),
                reason: reason.into(),
            });
        }
        self.inner.transmit(command)
    }

    super::forward_card_info!(inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(usize);
    impl Transport for Counting {
        fn transmit(&mut self, _c: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.0 += 1;
            Ok(vec![0x90, 0x00])
        }
        fn reader_name(&self) -> &str {
            "test"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    fn passes(cmd: &[u8]) -> bool {
        let mut t = ReadOnly::new(Counting(0));
        let ok = t.transmit(cmd).is_ok();
        assert_eq!(
            t.inner().0,
            usize::from(ok),
            "refused commands never reach the card"
        );
        ok
    }

    /// The guard as it was written before the decoder, kept to prove the decoder changed
    /// no verdict and no message.
    fn refusal_before_the_decoder(command: &[u8]) -> Option<&'static str> {
        let [cla, ins, p1, p2, body @ ..] = command else {
            return Some("shorter than a command header");
        };
        let select_ok = || {
            matches!(*p1, 0x00 | 0x02 | 0x04)
                && matches!(*p2, 0x00 | 0x0C)
                && match body {
                    [] => true,
                    [lc, rest @ ..] => {
                        let lc = usize::from(*lc);
                        lc > 0 && (rest.len() == lc || rest.len() == lc + 1)
                    }
                }
        };
        let ok = |c: bool, why| if c { None } else { Some(why) };
        match (*cla, *ins) {
            (0x00, 0xA4) => ok(select_ok(), "SELECT with unexpected parameters"),
            (0x00, 0xB0) | (0x00, 0xB2) | (0x00, 0xCA) => {
                ok(body.len() == 1, "read commands must carry only Le")
            }
            (0x00, 0xC0) => ok(
                *p1 == 0 && *p2 == 0 && body.len() == 1,
                "GET RESPONSE with unexpected parameters",
            ),
            (0x00, 0x20) => ok(
                body.is_empty() && *p1 == 0x00,
                "a VERIFY that carries data would present a PIN",
            ),
            (0xFF, 0xCA) => ok(body.len() == 1, "reader GET DATA must carry only Le"),
            _ => Some("not a read-only command"),
        }
    }

    #[test]
    fn the_decoder_gives_every_verdict_and_message_the_old_guard_gave() {
        let bodies: Vec<Vec<u8>> = vec![
            vec![],
            vec![0x00],
            vec![0x10],
            vec![0x00, 0x00],
            vec![0x01, 0xAA],
            vec![0x01, 0xAA, 0x00],
            vec![0x01, 0xAA, 0x00, 0x00],
            vec![0x02, 0x00, 0x18],
            vec![0x02, 0x00],
            vec![0x03, 0x00, 0x18],
            vec![0x00, 0x00, 0x02, 0x00, 0x18],
            vec![0x04, 0x31, 0x32, 0x33, 0x34],
        ];
        let mut n = 0;
        let mut added = 0;
        for cla in [0x00, 0x0C, 0x80, 0xFF] {
            for ins in [0x20, 0x24, 0x2A, 0x84, 0xA4, 0xB0, 0xB2, 0xC0, 0xCA, 0xD6] {
                for p1 in [0x00, 0x01, 0x02, 0x04, 0x80, 0x81] {
                    for p2 in [0x00, 0x01, 0x04, 0x0C, 0x80] {
                        for body in &bodies {
                            let cmd = [&[cla, ins, p1, p2][..], body].concat();
                            for len in 0..=cmd.len() {
                                let c = &cmd[..len];
                                if is_extended_read_binary(c) {
                                    // The one form added on purpose since: refused before,
                                    // let through now.
                                    assert!(refusal_before_the_decoder(c).is_some(), "{c:02X?}");
                                    assert_eq!(refusal(c), None, "{c:02X?}");
                                    added += 1;
                                } else {
                                    assert_eq!(
                                        refusal(c),
                                        refusal_before_the_decoder(c),
                                        "{c:02X?}"
                                    );
                                }
                                n += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(n > 10_000, "{n}");
        assert!(
            added > 0,
            "the extended READ BINARY was among the commands compared"
        );
    }

    /// `00 B0 P1 P2 00 Le1 Le2` with P1 bit 8 clear, written out byte by byte.
    fn is_extended_read_binary(c: &[u8]) -> bool {
        matches!(c, [0x00, 0xB0, p1, _, 0x00, _, _] if p1 & 0x80 == 0)
    }

    #[test]
    fn lets_through_the_extended_read_binary_and_refuses_its_near_misses() {
        assert!(passes(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00]));
        assert!(passes(&[0x00, 0xB0, 0x12, 0x34, 0x00, 0x00, 0x00]));
        for cmd in [
            &[0x0C, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00][..], // secure messaging
            &[0x00, 0xB0, 0x81, 0x00, 0x00, 0x02, 0x00],     // short EF identifier
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02],           // Le cut short
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00], // one byte too many
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA], // extended Lc and data
            &[0x00, 0xB2, 0x01, 0x04, 0x00, 0x02, 0x00],     // READ RECORD, extended
            &[0x00, 0xCA, 0x00, 0x45, 0x00, 0x02, 0x00],     // GET DATA, extended
            &[0x00, 0xC0, 0x00, 0x00, 0x00, 0x02, 0x00],     // GET RESPONSE, extended
            &[0x00, 0xD6, 0x00, 0x00, 0x00, 0x02, 0x00],     // UPDATE BINARY
            &[0x00, 0x20, 0x00, 0x80, 0x00, 0x02, 0x00],     // VERIFY
        ] {
            assert!(!passes(cmd), "{}", spaced_hex(cmd));
            assert!(!is_extended_read_binary(cmd));
        }
    }

    #[test]
    fn lets_through_the_read_only_commands() {
        assert!(passes(&[0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92]));
        assert!(passes(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]));
        assert!(passes(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
        assert!(passes(&[0x00, 0xB2, 0x01, 0x04, 0x00]));
        assert!(passes(&[0x00, 0xCA, 0x00, 0x45, 0x00]));
        assert!(passes(&[0x00, 0xC0, 0x00, 0x00, 0x10]));
        assert!(passes(&[0x00, 0x20, 0x00, 0x80]));
        assert!(passes(&[0xFF, 0xCA, 0x00, 0x00, 0x00]));
    }

    #[test]
    fn refuses_a_verify_with_a_pin() {
        assert!(!passes(&[
            0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34
        ]));
        // Lc = 0 with nothing after it is still not the case-1 query.
        assert!(!passes(&[0x00, 0x20, 0x00, 0x80, 0x00]));
    }

    #[test]
    fn refused_message_never_contains_command_data() {
        let mut t = ReadOnly::new(Counting(0));
        let err = t
            .transmit(&[0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("00 20 00 80"), "{err}");
        assert!(!err.contains("31 32"), "{err}");
    }

    #[test]
    fn refuses_state_changing_commands() {
        for cmd in [
            &[0x00, 0x24, 0x01, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34][..], // CHANGE REFERENCE DATA
            &[0x80, 0x32, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34],     // CHANGE KEY
            &[0x80, 0x2A, 0x00, 0x80, 0x02, 0x01, 0x02, 0x00], // COMPUTE DIGITAL SIGNATURE
            &[0x00, 0xD6, 0x00, 0x00, 0x01, 0x00],             // UPDATE BINARY
            &[0x00, 0x2C, 0x00, 0x80],                         // RESET RETRY COUNTER
            &[0x00, 0x88, 0x00, 0x99, 0x01, 0x00, 0x00],       // INTERNAL AUTHENTICATE
            &[0x00, 0x84, 0x00, 0x00, 0x08],                   // GET CHALLENGE
            &[0x0C, 0xB0, 0x00, 0x00, 0x00],                   // secure messaging
            &[0x00, 0xB0, 0x00, 0x00, 0x01, 0x00],             // READ BINARY with data
            &[0x00, 0xA4, 0x04, 0x0C, 0x05, 0x01],             // SELECT with short data
            &[0x00, 0xA4],
        ] {
            assert!(!passes(cmd), "{}", spaced_hex(cmd));
        }
    }

    /// Every command the decoder knows may carry a secret (issue 18) is refused, in every
    /// class, with data and without: none is on the allow-list.
    #[test]
    fn refuses_every_secret_carrying_command() {
        use crate::iso7816::command::carries_secret;
        let pin = [0x04, 0x31, 0x32, 0x33, 0x34];
        for cla in [0x00, 0x0C, 0x80, 0xFF] {
            for ins in [0x20, 0x21, 0x24, 0x26, 0x28, 0x2C, 0x32] {
                let with_data = [&[cla, ins, 0x00, 0x80][..], &pin].concat();
                if ins != 0x32 || cla == 0x80 {
                    assert!(carries_secret(&with_data), "{}", spaced_hex(&with_data));
                }
                assert!(!passes(&with_data), "{}", spaced_hex(&with_data));
                let err = ReadOnly::new(Counting(0)).transmit(&with_data).unwrap_err();
                assert!(!err.to_string().contains("31 32 33 34"), "{err}");
                // Data-less forms too, except the retry-counter query `00 20 00 P2`.
                let header = [cla, ins, 0x00, 0x80];
                assert_eq!(passes(&header), cla == 0x00 && ins == 0x20, "{header:02X?}");
            }
        }
        // ENVELOPE wrapping a VERIFY with data, and an empty one.
        let mut envelope = vec![0x00, 0xC2, 0x00, 0x00, 0x09, 0x00, 0x20, 0x00, 0x80];
        envelope.extend_from_slice(&pin);
        assert!(carries_secret(&envelope));
        for ins in [0xC2, 0xC3] {
            envelope[1] = ins;
            assert!(!passes(&envelope), "{}", spaced_hex(&envelope));
            assert!(!passes(&[0x00, ins, 0x00, 0x00]));
        }
    }
}
