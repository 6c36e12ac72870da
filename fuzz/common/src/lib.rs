//! What the myna-audit fuzz targets share: a card whose answers are the fuzz input
//! ([`FuzzCard`]), the encoding of those answers (so seeds can be made from the shipped
//! fixtures), and the allow-list every command that reaches a card is checked against.
//!
//! Answer encoding, one answer after another (docs/safety.md):
//! - `FF`: the transport reports the card removed;
//! - `FE n b1..bn`: exactly these `n` bytes (may be empty or lack a status word);
//! - `FD hi lo d1..dN sw1 sw2`: `N = hi lo` data bytes, then the status word;
//! - any other byte `n`: `n` data bytes, then the status word.
//!
//! When the input runs out, every further command is answered `6A 82`. A truncated answer
//! is returned as far as it goes.

use myna_audit::audit::{self, AuditOptions};
use myna_audit::card::Session;
use myna_audit::report::{self, Source};
use myna_audit::transport::{ReadOnly, Transport, TransportError};

/// A card that answers from the fuzz input and records every command it receives.
pub struct FuzzCard<'a> {
    input: &'a [u8],
    pub seen: Vec<Vec<u8>>,
}

impl<'a> FuzzCard<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        FuzzCard {
            input,
            seen: Vec::new(),
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.input.len());
        let (head, rest) = self.input.split_at(n);
        self.input = rest;
        head.to_vec()
    }

    fn next_answer(&mut self) -> Result<Vec<u8>, TransportError> {
        let Some((&tag, rest)) = self.input.split_first() else {
            return Ok(vec![0x6A, 0x82]);
        };
        self.input = rest;
        match tag {
            0xFF => Err(TransportError::CardRemoved),
            0xFE => {
                let n = self.take(1).first().copied().unwrap_or(0);
                Ok(self.take(usize::from(n)))
            }
            0xFD => {
                let len = self.take(2);
                let n = match len.as_slice() {
                    [hi, lo] => usize::from(u16::from_be_bytes([*hi, *lo])),
                    _ => 0,
                };
                Ok(self.take(n + 2))
            }
            n => Ok(self.take(usize::from(n) + 2)),
        }
    }
}

impl Transport for FuzzCard<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.seen.push(command.to_vec());
        self.next_answer()
    }
    fn reader_name(&self) -> &str {
        "Fuzz Reader 00 00"
    }
    fn atr(&self) -> &[u8] {
        &[0x3B, 0x88, 0x80, 0x01]
    }
}

/// Encodes answers in the format [`FuzzCard`] reads (`Err` of any kind becomes `FF`).
pub fn encode(answers: &[Result<Vec<u8>, TransportError>]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in answers {
        match a {
            Err(_) => out.push(0xFF),
            Ok(r) if r.len() < 2 => {
                out.extend_from_slice(&[0xFE, r.len() as u8]);
                out.extend_from_slice(r);
            }
            Ok(r) if r.len() - 2 < 0xFD => {
                out.push((r.len() - 2) as u8);
                out.extend_from_slice(r);
            }
            Ok(r) => {
                out.push(0xFD);
                out.extend_from_slice(&((r.len() - 2) as u16).to_be_bytes());
                out.extend_from_slice(r);
            }
        }
    }
    out
}

/// The commands that may reach a card, written independently of `transport::guard`.
pub fn allowed(cmd: &[u8]) -> bool {
    match cmd {
        [0x00, 0xA4, 0x04 | 0x02, 0x0C, lc, data @ ..] => usize::from(*lc) == data.len(),
        [0x00, 0xB0 | 0xB2 | 0xCA, _, _, _] => true,
        [0x00, 0xC0, 0x00, 0x00, _] => true,
        [0x00, 0x20, 0x00, 0x80] => true,
        [0xFF, 0xCA, _, _, _] => true,
        _ => false,
    }
}

/// What the read-only guard may let through, stated by effect rather than by the guard's
/// own table: SELECT (moves only the current-file pointer), the case-2 reads with no
/// command data (short Le, or READ BINARY's extended Le `00 Le1 Le2` that `doctor` probes
/// with), VERIFY with nothing after the header, and the reader's own GET DATA.
pub fn harmless(cmd: &[u8]) -> bool {
    matches!(
        cmd,
        [0x00, 0xA4, _, _, ..]
            | [0x00, 0xB0 | 0xB2 | 0xCA | 0xC0, _, _, _]
            | [0x00, 0xB0, _, _, 0x00, _, _]
            | [0x00, 0x20, _, _]
            | [0xFF, 0xCA, _, _, _]
    )
}

/// Panics (a fuzz finding) when a command outside the allow-list reached the card, or a
/// retry-counter query was sent other than right after a SELECT EF (and its GET RESPONSEs).
pub fn check_commands(seen: &[Vec<u8>]) {
    for (i, cmd) in seen.iter().enumerate() {
        assert!(allowed(cmd), "command {cmd:02X?} reached the card");
        if cmd.get(1) == Some(&0x20) {
            let prev = seen[..i]
                .iter()
                .rev()
                .find(|c| !c.starts_with(&[0x00, 0xC0]));
            assert!(
                prev.is_some_and(|p| p.starts_with(&[0x00, 0xA4, 0x02])),
                "retry-counter query #{i} re-sent"
            );
        }
    }
}

pub fn options() -> AuditOptions {
    AuditOptions {
        as_of: time::Date::from_calendar_date(2026, time::Month::June, 1)
            .unwrap_or(time::Date::MIN),
        show_identifiers: false,
        redacted_certificates: Vec::new(),
        source: Source {
            kind: myna_audit::report::SourceKind::Replay,
            fixture: None,
            fixture_kind: None,
        },
    }
}

/// Runs the whole audit over any transport below the read-only guard, renders the report
/// both ways, and checks the safety properties. Returns the commands the card received.
pub fn audit_and_check<T: Transport>(card: T) -> T {
    let mut session = Session::new(ReadOnly::new(card));
    let run = audit::run(&mut session, &options());
    let r = &run.report;
    assert_eq!(r.complete, run.error.is_none());
    assert!(r.apdu_count <= myna_audit::card::session::MAX_APDUS);
    if let Some(e) = &r.error {
        assert_ne!(
            e.code, "refused-command",
            "the audit tried a refused command"
        );
    }
    let _ = report::text::render(r, false);
    let json = report::json::render(r);
    let back: report::Report = serde_json::from_str(&json).expect("the JSON reads back");
    assert_eq!(&back, r);
    session.into_transport()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        let answers = vec![
            Ok(vec![0x90, 0x00]),
            Ok(vec![]),
            Ok(vec![0x6A]),
            Ok(vec![0xAB; 300]),
            Ok([vec![0x01; 0xFC], vec![0x90, 0x00]].concat()),
            Err(TransportError::CardRemoved),
        ];
        let mut card = FuzzCard::new(&[]);
        let bytes = encode(&answers);
        card.input = &bytes;
        for a in &answers {
            assert_eq!(&card.transmit(&[0x00, 0xB0, 0, 0, 0]), a);
        }
        assert_eq!(card.transmit(&[0x00, 0xB0, 0, 0, 0]), Ok(vec![0x6A, 0x82]));
    }

    #[test]
    fn the_audit_seeds_replay_whole_audits() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds/audit");
        let typical = std::fs::read(format!("{dir}/typical")).expect("seed");
        let card = audit_and_check(FuzzCard::new(&typical));
        check_commands(&card.seen);
        assert!(card.seen.len() > 90, "{}", card.seen.len());
        let mut session = Session::new(ReadOnly::new(FuzzCard::new(&typical)));
        let run = audit::run(&mut session, &options());
        assert!(run.report.complete, "{:?}", run.error);
        assert!(run.report.findings.is_empty());
    }
}
