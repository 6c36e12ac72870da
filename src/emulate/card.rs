//! The virtual card: a fixture's replay model behind the vpcd requests, with a real card's
//! power behaviour (power on, off and reset all return it to the power-on state).

use std::time::Duration;

use super::vpcd::{MAX_PAYLOAD, Request};
use crate::card::command::Apdu;
use crate::fixture::Fixture;
use crate::sw::StatusWord;
use crate::transport::replay::{Replayer, Unanswerable};

/// What the card does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this ATR back (get-ATR).
    Atr(Vec<u8>),
    /// Send this response back to a command APDU. `unanswerable` says why the fixture had
    /// no answer, when the response is the ISO error status standing in for one.
    Respond {
        response: Vec<u8>,
        unanswerable: Option<Unanswerable>,
    },
    /// A power change: no reply. `session_ended` is true when it closes a session in which
    /// the card answered at least one command (what `--once` waits for).
    Power {
        event: PowerEvent,
        session_ended: bool,
    },
    /// A control code this protocol version does not define: no reply.
    Ignore(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerEvent {
    On,
    Off,
    Reset,
}

impl PowerEvent {
    pub fn label(self) -> &'static str {
        match self {
            PowerEvent::On => "power on",
            PowerEvent::Off => "power off",
            PowerEvent::Reset => "reset",
        }
    }
}

/// Behaviours of real cards the emulator can model (`emulate --first-answer`,
/// `--refuse-extended`; `--reset-after` is the emulator's, not the card's).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// The first command after every power-up (power on or reset) is not run: it is
    /// answered with this status word (myna-card measured `6F00` there on a real card).
    pub first_answer: Option<StatusWord>,
    /// Extended-length command APDUs are answered `6700` (wrong length), as by a card or
    /// reader that supports only short APDUs.
    pub refuse_extended: bool,
}

/// An extended-length command APDU: a body whose first byte is `00` followed by two
/// length bytes (ISO 7816-4 §5.1: cases 2E, 3E and 4E).
pub fn is_extended(command: &[u8]) -> bool {
    Apdu::parse(command).is_some_and(|a| a.is_extended())
}

/// Counters for the closing summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub commands: usize,
    pub unanswerable: usize,
}

pub struct VirtualCard {
    replayer: Replayer,
    atr: Vec<u8>,
    /// Commands answered since the last power change.
    session_commands: usize,
    pub stats: Stats,
    /// Extra time before each command's response (`--latency`).
    pub latency: Duration,
    pub quirks: Quirks,
    /// The next command is the first since power-up (for [`Quirks::first_answer`]).
    fresh: bool,
}

impl VirtualCard {
    /// `name` identifies the fixture in messages.
    pub fn new(fixture: &Fixture, name: &str, latency: Duration) -> VirtualCard {
        VirtualCard {
            replayer: Replayer::new(fixture, name),
            atr: fixture.atr.clone(),
            session_commands: 0,
            stats: Stats::default(),
            latency,
            quirks: Quirks::default(),
            fresh: true,
        }
    }

    /// The same card with `quirks`.
    pub fn with_quirks(mut self, quirks: Quirks) -> VirtualCard {
        self.quirks = quirks;
        self
    }

    /// Decides the answer to one request and updates the card state.
    pub fn handle(&mut self, request: Request) -> Action {
        match request {
            Request::GetAtr => Action::Atr(self.atr.clone()),
            Request::PowerOn => self.power(PowerEvent::On),
            Request::PowerOff => self.power(PowerEvent::Off),
            Request::Reset => self.power(PowerEvent::Reset),
            Request::UnknownControl(code) => Action::Ignore(code),
            Request::Apdu(command) => self.command(&command),
        }
    }

    fn power(&mut self, event: PowerEvent) -> Action {
        // Selection is volatile on a real card: any power change starts again at MF level.
        self.replayer.reset();
        if event != PowerEvent::Off {
            self.fresh = true;
        }
        let session_ended = self.session_commands > 0 && event != PowerEvent::On;
        self.session_commands = 0;
        Action::Power {
            event,
            session_ended,
        }
    }

    fn command(&mut self, command: &[u8]) -> Action {
        self.stats.commands += 1;
        self.session_commands += 1;
        let fresh = std::mem::take(&mut self.fresh);
        if let Some(sw) = self.quirks.first_answer.filter(|_| fresh) {
            // Not run: the card's selection stays where power-up left it.
            return Action::Respond {
                response: sw_bytes(sw),
                unanswerable: None,
            };
        }
        if self.quirks.refuse_extended && is_extended(command) {
            return Action::Respond {
                response: sw_bytes(StatusWord(0x6700)),
                unanswerable: None,
            };
        }
        let (response, unanswerable) = match self.replayer.answer(command) {
            Ok(r) if r.len() <= MAX_PAYLOAD => (r, None),
            Ok(r) => (
                sw_bytes(StatusWord(0x6F00)),
                Some(Unanswerable {
                    why: format!(
                        "the recorded response ({} bytes) does not fit one vpcd message",
                        r.len()
                    ),
                    iso_sw: StatusWord(0x6F00),
                }),
            ),
            // A real card answers what it does not know with an ISO error status and keeps
            // running; so does the emulated one.
            Err(u) => (sw_bytes(u.iso_sw), Some(u)),
        };
        if unanswerable.is_some() {
            self.stats.unanswerable += 1;
        }
        Action::Respond {
            response,
            unanswerable,
        }
    }
}

fn sw_bytes(sw: StatusWord) -> Vec<u8> {
    vec![sw.sw1(), sw.sw2()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPKI: [u8; 15] = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];

    fn card() -> VirtualCard {
        let text = "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 88 80 01\n\
                    > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n< 90 00\n\
                    > 00 A4 02 0C 02 00 18\n< 90 00\n> 00 20 00 80\n< 63 C3\n";
        VirtualCard::new(&Fixture::parse(text).unwrap(), "t.fixture", Duration::ZERO)
    }

    fn respond(c: &mut VirtualCard, cmd: &[u8]) -> (Vec<u8>, Option<Unanswerable>) {
        match c.handle(Request::Apdu(cmd.to_vec())) {
            Action::Respond {
                response,
                unanswerable,
            } => (response, unanswerable),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_atr_and_commands_from_the_fixture() {
        let mut c = card();
        assert_eq!(
            c.handle(Request::GetAtr),
            Action::Atr(vec![0x3B, 0x88, 0x80, 0x01])
        );
        assert_eq!(respond(&mut c, &JPKI), (vec![0x90, 0x00], None));
        respond(&mut c, &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
        assert_eq!(
            respond(&mut c, &[0x00, 0x20, 0x00, 0x80]).0,
            vec![0x63, 0xC3]
        );
    }

    #[test]
    fn unanswerable_commands_get_iso_errors_and_the_card_keeps_going() {
        let mut c = card();
        let (resp, why) = respond(&mut c, &[0x00, 0xA4, 0x04, 0x0C, 0x02, 0xAA, 0xBB]);
        assert_eq!(resp, vec![0x6A, 0x82]);
        assert!(why.unwrap().why.contains("AABB"));
        let (resp, _) = respond(&mut c, &[0x80, 0x10, 0x00, 0x00]);
        assert_eq!(resp, vec![0x6D, 0x00]);
        assert_eq!(respond(&mut c, &JPKI).0, vec![0x90, 0x00]);
        assert_eq!(
            c.stats,
            Stats {
                commands: 3,
                unanswerable: 2
            }
        );
    }

    #[test]
    fn power_changes_return_to_the_power_on_state() {
        for event in [Request::Reset, Request::PowerOff, Request::PowerOn] {
            let mut c = card();
            respond(&mut c, &JPKI);
            respond(&mut c, &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
            c.handle(event.clone());
            // The EF belongs to JPKI-AP: after the power change nothing is selected.
            let (resp, why) = respond(&mut c, &[0x00, 0x20, 0x00, 0x80]);
            assert!(
                why.is_some(),
                "{event:?} left the PIN EF selected: {resp:?}"
            );
        }
    }

    #[test]
    fn a_session_ends_at_power_off_or_reset_after_commands() {
        let mut c = card();
        let ended = |a: Action| matches!(a, Action::Power { session_ended, .. } if session_ended);
        assert!(!ended(c.handle(Request::PowerOn)));
        assert!(!ended(c.handle(Request::Reset)), "no command yet");
        respond(&mut c, &JPKI);
        assert!(!ended(c.handle(Request::GetAtr)));
        assert!(ended(c.handle(Request::Reset)));
        assert!(!ended(c.handle(Request::PowerOff)), "already ended");
        respond(&mut c, &JPKI);
        assert!(ended(c.handle(Request::PowerOff)));
    }

    #[test]
    fn the_first_command_after_power_up_can_answer_a_quirk() {
        let mut c = card().with_quirks(Quirks {
            first_answer: Some(StatusWord(0x6F00)),
            refuse_extended: false,
        });
        assert_eq!(respond(&mut c, &JPKI).0, vec![0x6F, 0x00]);
        assert_eq!(respond(&mut c, &JPKI).0, vec![0x90, 0x00]);
        assert_eq!(respond(&mut c, &JPKI).0, vec![0x90, 0x00]);
        c.handle(Request::Reset);
        assert_eq!(
            respond(&mut c, &JPKI).0,
            vec![0x6F, 0x00],
            "again after a reset"
        );
        c.handle(Request::PowerOff);
        c.handle(Request::PowerOn);
        assert_eq!(
            respond(&mut c, &JPKI).0,
            vec![0x6F, 0x00],
            "again after power-up"
        );
        assert_eq!(c.stats.unanswerable, 0);
    }

    #[test]
    fn extended_length_commands_can_be_refused() {
        let mut c = card().with_quirks(Quirks {
            first_answer: None,
            refuse_extended: true,
        });
        assert_eq!(respond(&mut c, &JPKI).0, vec![0x90, 0x00]);
        // READ BINARY with an extended Le (00 00 00: up to 65536 bytes).
        let (resp, _) = respond(&mut c, &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(resp, vec![0x67, 0x00]);
        assert!(is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00]));
        assert!(!is_extended(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
        assert!(!is_extended(&JPKI));
    }
}
