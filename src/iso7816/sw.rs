//! ISO 7816-4 status words: a total decoder that never loses the raw value.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use std::fmt;

/// The two trailing bytes of every card response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusWord(pub u16);

/// What a status word means in the commands this tool sends.
///
/// Sources: ISO/IEC 7816-4 §5.6 and docs/card-facts.md §1.2 and §3.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwKind {
    /// `9000`
    Success,
    /// `61xx`: xx more bytes can be fetched with GET RESPONSE (`00` = 256).
    MoreData(u16),
    /// `6282`: end of file reached before Le bytes were read.
    EndOfFileEarly,
    /// `6300`: a key without a retry limit (JICSAP; not seen on this card).
    NoRetryLimit,
    /// `63Cx`: x verification tries remain (`63C0`: none, the key is blocked).
    TriesLeft(u8),
    /// `6700`: wrong length.
    WrongLength,
    /// `6881` / `6882`: logical channel or secure messaging not supported.
    ClaFunctionNotSupported,
    /// `6981`: command incompatible with file structure.
    IncompatibleFileStructure,
    /// `6982`: security status not satisfied (a secret is needed first).
    SecurityNotSatisfied,
    /// `6983`: authentication method blocked (ISO; unconfirmed for this card).
    AuthMethodBlocked,
    /// `6984`: reference data not usable (the key is blocked).
    ReferenceDataBlocked,
    /// `6986`: command not allowed (no current EF).
    CommandNotAllowed,
    /// `6A81`: function not supported.
    FunctionNotSupported,
    /// `6A82`: file or application not found.
    NotFound,
    /// `6A86`: incorrect P1-P2.
    IncorrectP1P2,
    /// `6A88`: referenced data (e.g. a GET DATA object) not found.
    ReferencedDataNotFound,
    /// `6B00`: offset outside the file (end of file).
    OffsetOutsideFile,
    /// `6Cxx`: wrong Le; xx is the exact length available (`00` = 256).
    WrongLe(u16),
    /// `6D00`: instruction not supported.
    InsNotSupported,
    /// `6E00`: class not supported.
    ClaNotSupported,
    /// `6F00`: no precise diagnosis.
    NoPreciseDiagnosis,
    /// Anything else: kept raw, never guessed at.
    Other,
}

impl StatusWord {
    pub const OK: StatusWord = StatusWord(0x9000);

    pub fn new(sw1: u8, sw2: u8) -> Self {
        StatusWord(u16::from_be_bytes([sw1, sw2]))
    }

    pub fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    pub fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    pub fn is_ok(self) -> bool {
        self.0 == 0x9000
    }

    /// Upper-case hex, e.g. `6A82`: the form shown in reports and JSON.
    pub fn hex(self) -> String {
        format!("{:04X}", self.0)
    }

    pub fn kind(self) -> SwKind {
        let (sw1, sw2) = (self.sw1(), self.sw2());
        let len256 = |b: u8| if b == 0 { 256 } else { u16::from(b) };
        match (sw1, sw2) {
            (0x90, 0x00) => SwKind::Success,
            (0x61, n) => SwKind::MoreData(len256(n)),
            (0x62, 0x82) => SwKind::EndOfFileEarly,
            (0x63, 0x00) => SwKind::NoRetryLimit,
            (0x63, n) if n & 0xF0 == 0xC0 => SwKind::TriesLeft(n & 0x0F),
            (0x67, 0x00) => SwKind::WrongLength,
            (0x68, 0x81) | (0x68, 0x82) => SwKind::ClaFunctionNotSupported,
            (0x69, 0x81) => SwKind::IncompatibleFileStructure,
            (0x69, 0x82) => SwKind::SecurityNotSatisfied,
            (0x69, 0x83) => SwKind::AuthMethodBlocked,
            (0x69, 0x84) => SwKind::ReferenceDataBlocked,
            (0x69, 0x86) => SwKind::CommandNotAllowed,
            (0x6A, 0x81) => SwKind::FunctionNotSupported,
            (0x6A, 0x82) => SwKind::NotFound,
            (0x6A, 0x86) => SwKind::IncorrectP1P2,
            (0x6A, 0x88) => SwKind::ReferencedDataNotFound,
            (0x6B, 0x00) => SwKind::OffsetOutsideFile,
            (0x6C, n) => SwKind::WrongLe(len256(n)),
            (0x6D, 0x00) => SwKind::InsNotSupported,
            (0x6E, 0x00) => SwKind::ClaNotSupported,
            (0x6F, 0x00) => SwKind::NoPreciseDiagnosis,
            _ => SwKind::Other,
        }
    }

    /// A short English description, for traces and reports.
    pub fn meaning(self) -> String {
        match self.kind() {
            SwKind::Success => "success".into(),
            SwKind::MoreData(n) => format!("{n} more bytes available"),
            SwKind::EndOfFileEarly => "end of file reached before Le bytes".into(),
            SwKind::NoRetryLimit => "no retry limit".into(),
            SwKind::TriesLeft(0) => "verification failed, no tries left (blocked)".into(),
            SwKind::TriesLeft(n) => format!("{n} tries left"),
            SwKind::WrongLength => "wrong length".into(),
            SwKind::ClaFunctionNotSupported => "function in CLA not supported".into(),
            SwKind::IncompatibleFileStructure => "command incompatible with file structure".into(),
            SwKind::SecurityNotSatisfied => "security status not satisfied".into(),
            SwKind::AuthMethodBlocked => "authentication method blocked".into(),
            SwKind::ReferenceDataBlocked => "reference data not usable (blocked)".into(),
            SwKind::CommandNotAllowed => "command not allowed (no current EF)".into(),
            SwKind::FunctionNotSupported => "function not supported".into(),
            SwKind::NotFound => "file or application not found".into(),
            SwKind::IncorrectP1P2 => "incorrect parameters P1-P2".into(),
            SwKind::ReferencedDataNotFound => "referenced data not found".into(),
            SwKind::OffsetOutsideFile => "offset outside the file".into(),
            SwKind::WrongLe(n) => format!("wrong Le, {n} bytes available"),
            SwKind::InsNotSupported => "instruction not supported".into(),
            SwKind::ClaNotSupported => "class not supported".into(),
            SwKind::NoPreciseDiagnosis => "no precise diagnosis".into(),
            SwKind::Other => "undocumented status".into(),
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.0)
    }
}

/// A response APDU split into its data and status word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: StatusWord,
}

impl Response {
    /// Splits raw response bytes; `None` when fewer than two bytes came back.
    pub fn parse(raw: &[u8]) -> Option<Response> {
        let split = raw.len().checked_sub(2)?;
        let (data, sw) = raw.split_at(split);
        let [sw1, sw2] = *sw else {
            return None;
        };
        Some(Response {
            data: data.to_vec(),
            sw: StatusWord::new(sw1, sw2),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_retry_counters() {
        assert_eq!(StatusWord(0x63C3).kind(), SwKind::TriesLeft(3));
        assert_eq!(StatusWord(0x63C0).kind(), SwKind::TriesLeft(0));
        assert_eq!(StatusWord(0x63CA).kind(), SwKind::TriesLeft(10));
        assert_eq!(StatusWord(0x6300).kind(), SwKind::NoRetryLimit);
        // 63xx outside C0..CF is not a counter.
        assert_eq!(StatusWord(0x6381).kind(), SwKind::Other);
    }

    #[test]
    fn decodes_length_hints_with_zero_meaning_256() {
        assert_eq!(StatusWord(0x6100).kind(), SwKind::MoreData(256));
        assert_eq!(StatusWord(0x6110).kind(), SwKind::MoreData(16));
        assert_eq!(StatusWord(0x6C05).kind(), SwKind::WrongLe(5));
        assert_eq!(StatusWord(0x6C00).kind(), SwKind::WrongLe(256));
    }

    #[test]
    fn decodes_documented_errors() {
        for (sw, kind) in [
            (0x9000, SwKind::Success),
            (0x6282, SwKind::EndOfFileEarly),
            (0x6700, SwKind::WrongLength),
            (0x6982, SwKind::SecurityNotSatisfied),
            (0x6984, SwKind::ReferenceDataBlocked),
            (0x6A82, SwKind::NotFound),
            (0x6A88, SwKind::ReferencedDataNotFound),
            (0x6B00, SwKind::OffsetOutsideFile),
            (0x6D00, SwKind::InsNotSupported),
            (0x6F00, SwKind::NoPreciseDiagnosis),
        ] {
            assert_eq!(StatusWord(sw).kind(), kind, "{sw:04X}");
        }
    }

    #[test]
    fn every_status_word_decodes_and_keeps_its_hex() {
        for v in 0..=u16::MAX {
            let sw = StatusWord(v);
            let _ = sw.kind();
            assert!(!sw.meaning().is_empty());
            assert_eq!(u16::from_str_radix(&sw.hex(), 16).ok(), Some(v));
        }
    }

    #[test]
    fn response_needs_two_bytes() {
        assert_eq!(Response::parse(&[]), None);
        assert_eq!(Response::parse(&[0x90]), None);
        let r = Response::parse(&[1, 2, 0x90, 0x00]);
        assert_eq!(
            r,
            Some(Response {
                data: vec![1, 2],
                sw: StatusWord::OK
            })
        );
    }
}
