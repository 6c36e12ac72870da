//! Is this a My Number Card? Decided by SELECTing the JPKI application, never by the ATR
//! (a contactless ATR is made up by the reader, docs/card-facts.md §5).
//!
//! The first command after power-up may fail for reasons that say nothing about the card:
//! myna-card measured `6F00` there on a real card, and a reset by another program surfaces
//! as a transport error (docs/card-facts.md §9). Such answers get the SELECT sent once more.
//! Only "not found"-class answers mean "no JPKI application"; anything else is reported as
//! "could not identify", with the status word, never guessed at.

use super::Session;
use crate::chipmap::JPKI;
use crate::iso7816::sw::{StatusWord, SwKind};
use crate::transport::{Transport, TransportError};

/// What the identifying SELECT said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// 9000: JPKI-AP is there, and it is now the current DF.
    MyNumberCard,
    /// A "not found"-class answer: the card has no JPKI application.
    NotMyNumberCard(StatusWord),
    /// Any other answer, after the one retry where it applies.
    Unidentified(StatusWord),
}

/// How one answer to SELECT JPKI-AP is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Found,
    /// 6A82 file not found, 6A81 function not supported, 6A86 wrong P1-P2 for this card's
    /// SELECT, 6D00 instruction / 6E00 class not supported, 6881/6882 CLA functions.
    NotFound,
    /// 6F00 (no precise diagnosis) and 64xx (execution error, state unchanged): transient,
    /// worth one more SELECT.
    Retry,
    Other,
}

/// The classification table (docs/faults.md lists it for people).
pub fn classify(sw: StatusWord) -> Answer {
    match sw.kind() {
        SwKind::Success => Answer::Found,
        SwKind::NotFound
        | SwKind::FunctionNotSupported
        | SwKind::IncorrectP1P2
        | SwKind::InsNotSupported
        | SwKind::ClaNotSupported
        | SwKind::ClaFunctionNotSupported => Answer::NotFound,
        SwKind::NoPreciseDiagnosis => Answer::Retry,
        _ if sw.sw1() == 0x64 => Answer::Retry,
        _ => Answer::Other,
    }
}

/// SELECTs JPKI-AP, once more after a transient answer or a reset, and says what the card is.
pub fn identify<T: Transport>(s: &mut Session<T>) -> Result<Identity, TransportError> {
    let first = match s.select_df(JPKI.aid) {
        Err(TransportError::CardReset) => None,
        other => Some(other?),
    };
    let sw = match first {
        Some(sw) if classify(sw) != Answer::Retry => sw,
        _ => s.select_df(JPKI.aid)?,
    };
    Ok(match classify(sw) {
        Answer::Found => Identity::MyNumberCard,
        Answer::NotFound => Identity::NotMyNumberCard(sw),
        Answer::Retry | Answer::Other => Identity::Unidentified(sw),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::ReadOnly;

    /// Answers each command with the next scripted outcome; counts the commands.
    struct Script(Vec<Result<Vec<u8>, TransportError>>, usize);

    impl Transport for Script {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.1 += 1;
            self.0.remove(0)
        }
        fn reader_name(&self) -> &str {
            "script"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    fn run(
        answers: Vec<Result<Vec<u8>, TransportError>>,
    ) -> (Result<Identity, TransportError>, usize) {
        let mut s = Session::new(ReadOnly::new(Script(answers, 0)));
        let id = identify(&mut s);
        (id, s.apdu_count())
    }

    #[test]
    fn a_transient_first_answer_gets_one_more_select() {
        let ok = || Ok(vec![0x90, 0x00]);
        assert_eq!(run(vec![ok()]), (Ok(Identity::MyNumberCard), 1));
        assert_eq!(
            run(vec![Ok(vec![0x6F, 0x00]), ok()]),
            (Ok(Identity::MyNumberCard), 2)
        );
        assert_eq!(
            run(vec![Ok(vec![0x64, 0x00]), ok()]),
            (Ok(Identity::MyNumberCard), 2)
        );
        assert_eq!(
            run(vec![Err(TransportError::CardReset), ok()]).0,
            Ok(Identity::MyNumberCard)
        );
        // Only once: a second 6F00 is "could not identify", with its status word.
        assert_eq!(
            run(vec![Ok(vec![0x6F, 0x00]), Ok(vec![0x6F, 0x00])]),
            (Ok(Identity::Unidentified(StatusWord(0x6F00))), 2)
        );
    }

    #[test]
    fn not_found_is_final_and_other_answers_are_unidentified() {
        assert_eq!(
            run(vec![Ok(vec![0x6A, 0x82])]),
            (Ok(Identity::NotMyNumberCard(StatusWord(0x6A82))), 1)
        );
        assert_eq!(
            run(vec![Ok(vec![0x69, 0x82])]),
            (Ok(Identity::Unidentified(StatusWord(0x6982))), 1)
        );
        assert_eq!(
            run(vec![Err(TransportError::CardRemoved)]).0,
            Err(TransportError::CardRemoved)
        );
    }

    #[test]
    fn classification_table() {
        for (sw, want) in [
            (0x9000, Answer::Found),
            (0x6A82, Answer::NotFound),
            (0x6A81, Answer::NotFound),
            (0x6A86, Answer::NotFound),
            (0x6D00, Answer::NotFound),
            (0x6E00, Answer::NotFound),
            (0x6881, Answer::NotFound),
            (0x6F00, Answer::Retry),
            (0x6400, Answer::Retry),
            (0x6401, Answer::Retry),
            (0x6982, Answer::Other),
            (0x6700, Answer::Other),
            (0x6283, Answer::Other),
            (0x6999, Answer::Other),
        ] {
            assert_eq!(classify(StatusWord(sw)), want, "{sw:04X}");
        }
    }
}
