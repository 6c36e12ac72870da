//! The session's memory of what the card has selected, and what it does when the transport
//! reports a PC/SC service restart ([`TransportError::ServiceRestarted`]): the card is back
//! in its power-on state, so the last SELECT of an application and of an EF that answered
//! `9000` are sent again, then the interrupted command — never a VERIFY (a retry-counter
//! query is never sent twice: the card may have run it) and never a GET RESPONSE (the card
//! lost what it held). The transport only reconnects and says so; these rules live here,
//! above the seam, where a scripted card tests them (docs/faults.md, "PC/SC service").

use crate::iso7816::command::{Moved, Selection, decode, split_response};
use crate::iso7816::spaced_hex;
use crate::transport::{Transport, TransportError};

/// The selection the card has, from the SELECTs that answered 9000, with the commands that
/// made it (to send again after a restart).
#[derive(Debug, Default)]
pub(super) struct Selected {
    selection: Selection,
    df: Option<Vec<u8>>,
    ef: Option<Vec<u8>>,
}

impl Selected {
    /// Follows one exchange that reached the card.
    pub(super) fn follow(&mut self, command: &[u8], resp: &[u8]) {
        let Some((_, sw)) = split_response(resp) else {
            return;
        };
        match self.selection.follow(&decode(command), sw) {
            Moved::Df => {
                self.df = Some(command.to_vec());
                self.ef = None;
            }
            Moved::Ef => self.ef = Some(command.to_vec()),
            Moved::Nothing => {}
        }
    }

    /// The card is in its power-on state: nothing is selected.
    pub(super) fn forget(&mut self) {
        *self = Selected::default();
    }

    /// The SELECTs that restore the selection, application first.
    fn replay(&self) -> Vec<Vec<u8>> {
        [self.df.clone(), self.ef.clone()]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Whether an interrupted command may be sent again after a restart: not a VERIFY of any
/// form or class (the card may have counted it), not a GET RESPONSE (nothing is left to
/// fetch). Read by instruction, whatever the class byte says.
pub fn resend_after_restart(command: &[u8]) -> bool {
    !matches!(command, [_, 0x20 | 0x21 | 0xC0, ..])
}

/// After the transport reconnected from a service restart that interrupted `command`
/// (`at` says where and how): restores the selection and re-sends `command` when it may
/// be, writing what happened to `notes`. A second failure is the transport's to report.
pub(super) fn recover<T: Transport>(
    transport: &mut T,
    selected: &mut Selected,
    notes: &mut Vec<String>,
    command: &[u8],
    at: &str,
) -> Result<Vec<u8>, TransportError> {
    let broke = format!("The connection to the PC/SC service broke {at}");
    let replay = selected.replay();
    selected.forget();
    if !resend_after_restart(command) {
        notes.push(format!(
            "{broke}; the card was reconnected, but that command is not sent twice ({}), so the \
             audit stops here.",
            spaced_hex(command.get(..4).unwrap_or(command))
        ));
        return Err(TransportError::ServiceStopped);
    }
    for select in replay {
        let resp = transport.transmit(&select).inspect_err(|e| {
            notes.push(format!(
                "{broke}; reconnecting once failed: re-selecting failed ({e})."
            ));
        })?;
        if !split_response(&resp).is_some_and(|(_, sw)| sw.is_ok()) {
            let sw = resp.get(resp.len().saturating_sub(2)..).unwrap_or_default();
            notes.push(format!(
                "{broke}; reconnecting once failed: re-selecting failed ({}).",
                spaced_hex(sw)
            ));
            return Err(TransportError::CardReset);
        }
        selected.follow(&select, &resp);
    }
    notes.push(format!(
        "{broke}: myna-audit re-established it once, reconnected to the same card (same ATR), \
         restored its selection and sent that command again."
    ));
    transport.transmit(command).map_err(|e| match e {
        TransportError::ServiceRestarted { .. } => TransportError::ServiceStopped,
        e => e,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;
    use crate::card::Session;
    use crate::transport::ReadOnly;

    const JPKI: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
    const RESTARTED: &str = "at command 3 (the service went away)";

    /// A card that answers `9000` plus one data byte to reads and `9000` to the rest, except
    /// where `script` says otherwise for the n-th command (1-based) it sees.
    struct Card {
        seen: Vec<Vec<u8>>,
        script: Vec<(usize, Result<Vec<u8>, TransportError>)>,
    }

    impl Transport for Card {
        fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.seen.push(command.to_vec());
            let n = self.seen.len();
            if let Some(i) = self.script.iter().position(|(at, _)| *at == n) {
                return self.script.remove(i).1;
            }
            Ok(match command {
                [_, 0xB0, ..] => vec![0x42, 0x90, 0x00],
                _ => vec![0x90, 0x00],
            })
        }
        fn reader_name(&self) -> &str {
            "scripted"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    fn session(script: Vec<(usize, Result<Vec<u8>, TransportError>)>) -> Session<Card> {
        Session::new(ReadOnly::new(Card {
            seen: Vec::new(),
            script,
        }))
    }

    fn restarted() -> Result<Vec<u8>, TransportError> {
        Err(TransportError::ServiceRestarted {
            at: RESTARTED.into(),
        })
    }

    fn select_df() -> Vec<u8> {
        [&[0x00, 0xA4, 0x04, 0x0C, 0x0A][..], &JPKI].concat()
    }

    const SELECT_EF: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02];
    const READ: [u8; 5] = [0x00, 0xB0, 0x03, 0x00, 0x00];

    #[test]
    fn a_restart_restores_the_selection_and_sends_the_read_again() {
        let mut s = session(vec![(3, restarted())]);
        s.select_df(&JPKI).unwrap();
        s.select_ef(0x0002).unwrap();
        let r = s.read_binary(0x0300, 256).unwrap();
        assert_eq!((r.data, r.sw.is_ok()), (vec![0x42], true));
        let card = s.transport_notes();
        assert_eq!(card.len(), 1, "{card:?}");
        assert!(
            card[0].starts_with(&format!(
                "The connection to the PC/SC service broke {RESTARTED}"
            )) && card[0].contains("re-established it once"),
            "{card:?}"
        );
        // The recovery's commands are not counted: the card was asked three things.
        assert_eq!(s.apdu_count(), 3);
        let seen = s.into_transport().seen;
        let want = vec![select_df(), SELECT_EF.to_vec(), READ.to_vec()];
        assert_eq!(seen, [want.clone(), want].concat());
    }

    #[test]
    fn a_verify_interrupted_by_a_restart_is_never_sent_again() {
        let mut s = session(vec![(3, restarted())]);
        s.select_df(&JPKI).unwrap();
        s.select_ef(0x0018).unwrap();
        assert_eq!(s.retry_counter(), Err(TransportError::ServiceStopped));
        let notes = s.transport_notes();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("is not sent twice (00 20 00 80)")),
            "{notes:?}"
        );
        let seen = s.into_transport().seen;
        assert_eq!(
            seen.len(),
            3,
            "nothing is sent after the restart: {seen:02X?}"
        );
        for verify in [
            &[0x00, 0x20, 0x00, 0x80][..],
            &[0x0C, 0x21, 0x00, 0x80, 0x01, 0x00],
            &[0x00, 0xC0, 0x00, 0x00, 0x10],
        ] {
            assert!(!resend_after_restart(verify), "{verify:02X?}");
        }
        assert!(resend_after_restart(&READ));
        assert!(resend_after_restart(&select_df()));
    }

    #[test]
    fn a_get_response_interrupted_by_a_restart_is_never_sent_again() {
        // The read answers 6110; the GET RESPONSE that follows is interrupted.
        let mut s = session(vec![(1, Ok(vec![0x01, 0x61, 0x10])), (2, restarted())]);
        assert_eq!(
            s.read_binary(0, 256).map(|r| r.sw),
            Err(TransportError::ServiceStopped)
        );
        assert_eq!(s.into_transport().seen.len(), 2);
    }

    #[test]
    fn a_select_the_card_refuses_after_the_restart_stops_with_a_note() {
        let mut s = session(vec![(3, restarted()), (4, Ok(vec![0x6A, 0x82]))]);
        s.select_df(&JPKI).unwrap();
        s.select_ef(0x0002).unwrap();
        assert_eq!(
            s.read_binary(0x0300, 256).map(|r| r.sw),
            Err(TransportError::CardReset)
        );
        let notes = s.transport_notes();
        assert!(
            notes
                .iter()
                .any(|n| n.ends_with("reconnecting once failed: re-selecting failed (6A 82).")),
            "{notes:?}"
        );
        assert_eq!(
            s.into_transport().seen.len(),
            4,
            "the EF is not selected after a failed DF"
        );
    }

    #[test]
    fn only_selects_that_answered_9000_are_replayed_and_a_reset_forgets_them() {
        // A refused SELECT EF (6A82) is not the card's selection: only the DF is restored.
        let mut s = session(vec![(2, Ok(vec![0x6A, 0x82])), (4, restarted())]);
        s.select_df(&JPKI).unwrap();
        s.select_ef(0x0099).unwrap();
        s.get_data(0x00F0).unwrap();
        s.read_binary(0, 16).unwrap();
        let seen = s.into_transport().seen;
        assert_eq!(seen.get(4), Some(&select_df()));
        assert_eq!(seen.get(5).map(|c| c[1]), Some(0xB0), "{seen:02X?}");

        // After a reset the card has nothing selected: a later restart restores nothing.
        let mut s = session(vec![(2, Err(TransportError::CardReset)), (3, restarted())]);
        s.select_df(&JPKI).unwrap();
        assert_eq!(
            s.read_binary(0, 16).map(|r| r.sw),
            Err(TransportError::CardReset)
        );
        s.read_binary(0, 16).unwrap();
        let seen = s.into_transport().seen;
        assert_eq!(seen.len(), 4, "{seen:02X?}");
        assert_eq!(seen[3][1], 0xB0, "re-sent with nothing selected first");
    }

    #[test]
    fn a_second_stop_during_the_recovery_is_the_transports_to_report() {
        let mut s = session(vec![
            (2, restarted()),
            (3, Err(TransportError::ServiceStopped)),
        ]);
        s.select_df(&JPKI).unwrap();
        assert_eq!(
            s.read_binary(0, 16).map(|r| r.sw),
            Err(TransportError::ServiceStopped)
        );
        // The re-sent command restarting again is a stop, not a loop.
        let mut s = session(vec![(1, restarted()), (2, restarted())]);
        assert_eq!(
            s.read_binary(0, 16).map(|r| r.sw),
            Err(TransportError::ServiceStopped)
        );
        assert_eq!(s.into_transport().seen.len(), 2);
    }
}
