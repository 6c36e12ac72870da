//! The command layer above the transport seam: builds the APDUs the audit needs, follows
//! `61xx` and `6Cxx`, pages READ BINARY, and bounds everything. It owns a
//! [`ReadOnly`] transport, so nothing it sends can change the card.

use apdu::command::{read_binary, select_file, verify};

use crate::chipmap::Size;
use crate::decode::tlv;
use crate::iso7816::command::{Apdu, Body, Command};
use crate::iso7816::sw::{Response, StatusWord, SwKind};
use crate::transport::{ReadOnly, Transport, TransportError};

use super::restart::{self, Selected};

pub type SessionError = TransportError;

/// Largest file the tool reads: READ BINARY offsets are 15 bits (CF §4.6).
pub const MAX_FILE_BYTES: usize = 0x8000;
/// Most APDUs one session may send before it stops (an audit of a typical card sends 94).
pub const MAX_APDUS: usize = 2000;
/// Most `61xx` GET RESPONSE rounds for one command.
pub const MAX_RESPONSE_CHAIN: usize = 16;
/// READ BINARY chunk size: short APDUs work with every reader (CF §4.6).
pub const CHUNK: usize = 256;
/// Most data bytes one response may carry: every command the tool sends is a short APDU,
/// whose Le cannot ask for more than 256 (ISO/IEC 7816-4 §5.1). A longer answer is refused.
pub const MAX_RESPONSE_DATA: usize = 256;

/// Whether a `6Cxx` answer may be followed by re-sending the command with the Le the card
/// asked for: only the case-2 reads (READ BINARY, READ RECORD, GET DATA, GET RESPONSE),
/// exactly `CLA INS P1 P2 Le`. Never a VERIFY, whatever its length, never a SELECT.
pub fn resend_on_wrong_le(cmd: &[u8]) -> bool {
    Apdu::parse(cmd).is_some_and(|a| {
        matches!(a.body, Body::Le(_))
            && matches!(
                a.command,
                Command::ReadBinary { .. }
                    | Command::ReadBinarySfi
                    | Command::ReadRecord { .. }
                    | Command::GetData { .. }
                    | Command::GetResponse { .. }
            )
    })
}

/// The result of reading a transparent EF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The object's bytes (filler after a BER object is dropped).
    pub data: Vec<u8>,
    /// The status word of the first READ BINARY (what decides readability).
    pub first_sw: StatusWord,
    /// The status word that ended the read.
    pub last_sw: StatusWord,
    /// Whether every byte the header (or the fixed size) promised was read.
    pub complete: bool,
    /// Why the read stopped early, if it did.
    pub problem: Option<String>,
}

pub struct Session<T: Transport> {
    transport: ReadOnly<T>,
    apdus: usize,
    /// What the card has selected, to restore after a service restart.
    selected: Selected,
    /// What the session did on its own that the report should say.
    notes: Vec<String>,
}

fn bytes(cmd: impl Into<Vec<u8>>) -> Vec<u8> {
    cmd.into()
}

impl<T: Transport> Session<T> {
    pub fn new(transport: ReadOnly<T>) -> Self {
        Session {
            transport,
            apdus: 0,
            selected: Selected::default(),
            notes: Vec::new(),
        }
    }

    pub fn apdu_count(&self) -> usize {
        self.apdus
    }

    pub fn reader_name(&self) -> &str {
        self.transport.reader_name()
    }

    pub fn atr(&self) -> &[u8] {
        self.transport.atr()
    }

    /// What the transport (see [`Transport::notes`]) and the session (a recovery from a
    /// service restart, [`super::restart`]) have to say for the report.
    pub fn transport_notes(&self) -> Vec<String> {
        let mut notes = self.transport.notes();
        notes.extend(self.notes.iter().cloned());
        notes
    }

    /// Holds the card for this session alone ([`Transport::begin_exclusive`]).
    pub fn begin_exclusive(&mut self) -> Result<(), TransportError> {
        self.transport.begin_exclusive()
    }

    /// Lets other programs at the card again ([`Transport::end_exclusive`]).
    pub fn end_exclusive(&mut self) {
        self.transport.end_exclusive()
    }

    /// Gets the same card back after a reset or a removal, where the transport can
    /// ([`Transport::reattach`]).
    pub fn reattach(&mut self, after: &TransportError) -> Result<bool, TransportError> {
        let back = self.transport.reattach(after)?;
        if back {
            self.selected.forget();
        }
        Ok(back)
    }

    pub fn into_transport(self) -> T {
        self.transport.into_inner()
    }

    /// One command through the guard, following the selection; a service restart the
    /// transport reconnected from is recovered here ([`super::restart`]). Recovery
    /// commands are not counted: the card is asked for the same things once.
    fn transmit(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
        let raw = match self.transport.transmit(cmd) {
            Ok(raw) => raw,
            Err(TransportError::ServiceRestarted { at }) => restart::recover(
                &mut self.transport,
                &mut self.selected,
                &mut self.notes,
                cmd,
                &at,
            )?,
            Err(e) => {
                if matches!(e, TransportError::CardReset | TransportError::CardRemoved) {
                    self.selected.forget();
                }
                return Err(e);
            }
        };
        self.selected.follow(cmd, &raw);
        Ok(raw)
    }

    fn send(&mut self, cmd: &[u8]) -> Result<Response, SessionError> {
        if self.apdus >= MAX_APDUS {
            return Err(TransportError::LimitExceeded {
                detail: format!("more than {MAX_APDUS} commands in one session"),
            });
        }
        self.apdus += 1;
        let raw = self.transmit(cmd)?;
        if raw.is_empty() {
            // PC/SC hands back an empty response when the card vanished while the command
            // was outstanding (pcsc-virtual-reader.md); any transport doing so means the same.
            return Err(TransportError::CardRemoved);
        }
        let resp = Response::parse(&raw).ok_or_else(|| TransportError::MalformedResponse {
            detail: format!("{} byte(s) without a status word", raw.len()),
        })?;
        if resp.data.len() > MAX_RESPONSE_DATA {
            return Err(TransportError::LimitExceeded {
                detail: format!(
                    "the card answered {} data bytes to one short command (at most {MAX_RESPONSE_DATA} are possible)",
                    resp.data.len()
                ),
            });
        }
        Ok(resp)
    }

    /// Sends one command, following `61xx` with GET RESPONSE and answering one `6Cxx`
    /// by re-sending with the Le the card asked for (only for the case-2 reads, see
    /// [`resend_on_wrong_le`]; a VERIFY is never re-sent).
    pub fn exchange(&mut self, cmd: &[u8]) -> Result<Response, SessionError> {
        let mut resp = self.send(cmd)?;
        if let SwKind::WrongLe(n) = resp.sw.kind() {
            if resend_on_wrong_le(cmd) {
                let mut again = cmd.to_vec();
                if let Some(le) = again.get_mut(4) {
                    *le = n.to_be_bytes()[1];
                }
                resp = self.send(&again)?;
            }
        }
        let mut data = std::mem::take(&mut resp.data);
        let mut rounds = 0;
        while let SwKind::MoreData(n) = resp.sw.kind() {
            rounds += 1;
            if rounds > MAX_RESPONSE_CHAIN {
                return Err(TransportError::LimitExceeded {
                    detail: format!(
                        "the card kept answering 61xx after {MAX_RESPONSE_CHAIN} GET RESPONSE rounds"
                    ),
                });
            }
            resp = self.send(&bytes(apdu::Command::new_with_le(
                0x00, 0xC0, 0x00, 0x00, n,
            )))?;
            data.append(&mut resp.data);
        }
        Ok(Response { data, sw: resp.sw })
    }

    /// SELECT DF by name, no response data (`00 A4 04 0C`, CF §1.2).
    pub fn select_df(&mut self, aid: &[u8]) -> Result<StatusWord, SessionError> {
        Ok(self.exchange(&bytes(select_file(0x04, 0x0C, aid)))?.sw)
    }

    /// SELECT EF by identifier under the current DF (`00 A4 02 0C`, CF §1.2).
    pub fn select_ef(&mut self, fid: u16) -> Result<StatusWord, SessionError> {
        let fid = fid.to_be_bytes();
        Ok(self.exchange(&bytes(select_file(0x02, 0x0C, &fid)))?.sw)
    }

    /// Reads the retry counter of the selected key without spending a try.
    ///
    /// This is VERIFY with no Lc, no data and no Le (`00 20 00 80`, case 1). JICSAP defines
    /// it as a status query that does not consume an attempt (CF §3.3); a VERIFY carrying
    /// data would present a PIN. The [`ReadOnly`] guard refuses any VERIFY with data, and
    /// nothing here ever re-sends this command, whatever the card answers.
    pub fn retry_counter(&mut self) -> Result<StatusWord, SessionError> {
        Ok(self.send(&bytes(verify(0x80, &[])))?.sw)
    }

    /// One READ BINARY of the current EF.
    pub fn read_binary(&mut self, offset: usize, le: usize) -> Result<Response, SessionError> {
        let [hi, lo] = (offset as u16 & 0x7FFF).to_be_bytes();
        // Le 256 is written 00 (a short APDU).
        let le = (le.min(CHUNK) & 0xFF) as u8;
        self.exchange(&bytes(read_binary(hi, lo, le)))
    }

    /// READ RECORD `n` of the current EF (`00 B2 n 04 00`, CF §1.3).
    pub fn read_record(&mut self, n: u8) -> Result<Response, SessionError> {
        self.exchange(&bytes(apdu::Command::new_with_le(0x00, 0xB2, n, 0x04, 256)))
    }

    /// GET DATA of a tag in the current context (`00 CA hi lo 00`, CF §2.6).
    pub fn get_data(&mut self, tag: u16) -> Result<Response, SessionError> {
        let [hi, lo] = tag.to_be_bytes();
        self.exchange(&bytes(apdu::Command::new_with_le(0x00, 0xCA, hi, lo, 256)))
    }

    /// Reads a whole transparent EF: the first chunk, then the length its BER header (or
    /// the chip map's fixed size) gives, in chunks of at most 256 bytes.
    pub fn read_file(&mut self, size: Size) -> Result<FileRead, SessionError> {
        let first_le = match size {
            Size::Fixed(n) => n.min(CHUNK),
            Size::Ber => CHUNK,
        };
        let first = self.read_binary(0, first_le)?;
        let mut out = FileRead {
            data: first.data,
            first_sw: first.sw,
            last_sw: first.sw,
            complete: false,
            problem: None,
        };
        if !matches!(first.sw.kind(), SwKind::Success | SwKind::EndOfFileEarly) {
            out.data.clear();
            return Ok(out);
        }
        let total = match size {
            Size::Fixed(n) => n,
            Size::Ber => match tlv::header(&out.data) {
                Ok(h) => h.total(),
                Err(e) => {
                    out.problem = Some(format!("no valid BER header: {e}"));
                    return Ok(out);
                }
            },
        };
        if total > MAX_FILE_BYTES {
            out.problem = Some(format!(
                "header claims {total} bytes, over the {MAX_FILE_BYTES}-byte limit"
            ));
            out.data.truncate(CHUNK);
            return Ok(out);
        }
        let mut ended = first.sw.kind() == SwKind::EndOfFileEarly;
        while out.data.len() < total && !ended {
            let offset = out.data.len();
            let resp = self.read_binary(offset, (total - offset).min(CHUNK))?;
            out.last_sw = resp.sw;
            match resp.sw.kind() {
                SwKind::Success | SwKind::EndOfFileEarly => {
                    if resp.data.is_empty() {
                        break;
                    }
                    ended = resp.sw.kind() == SwKind::EndOfFileEarly;
                    out.data.extend_from_slice(&resp.data);
                }
                _ => break,
            }
        }
        if out.data.len() >= total {
            out.data.truncate(total);
            out.complete = true;
        } else {
            out.problem = Some(format!(
                "file ended after {} of {total} bytes (last status {})",
                out.data.len(),
                out.last_sw
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A card whose every answer comes from a closure; it records what reached it.
    struct Scripted<F> {
        answer: F,
        seen: Vec<Vec<u8>>,
    }

    impl<F: FnMut(&[u8]) -> Result<Vec<u8>, TransportError>> Transport for Scripted<F> {
        fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.seen.push(command.to_vec());
            (self.answer)(command)
        }
        fn reader_name(&self) -> &str {
            "scripted"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    fn session<F: FnMut(&[u8]) -> Result<Vec<u8>, TransportError>>(
        answer: F,
    ) -> Session<Scripted<F>> {
        Session::new(ReadOnly::new(Scripted {
            answer,
            seen: Vec::new(),
        }))
    }

    fn seen<F: FnMut(&[u8]) -> Result<Vec<u8>, TransportError>>(
        s: &Session<Scripted<F>>,
    ) -> &[Vec<u8>] {
        &s.transport.inner().seen
    }

    /// The bytes the card sees for every command the session builds, written out by hand.
    #[test]
    fn every_command_the_session_builds_has_the_expected_bytes() {
        let mut answers = vec![
            vec![0x90, 0x00],
            vec![0x90, 0x00],
            vec![0x90, 0x00],
            vec![0x63, 0xC3],
            vec![0x01, 0x90, 0x00],
            vec![0x01, 0x90, 0x00],
            vec![0x01, 0x90, 0x00],
            vec![0x01, 0x90, 0x00],
            vec![0x01, 0x61, 0x10],
            vec![0x01, 0x61, 0x00],
            vec![0x01, 0x90, 0x00],
        ]
        .into_iter();
        let mut s = session(move |_| Ok(answers.next().unwrap_or(vec![0x90, 0x00])));
        s.select_df(&[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01])
            .unwrap();
        s.select_df(&[0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00])
            .unwrap();
        s.select_ef(0x0018).unwrap();
        s.retry_counter().unwrap();
        s.read_binary(0x012C, 0x10).unwrap();
        s.read_binary(0x7FFF + 0x0101, 300).unwrap();
        s.read_record(1).unwrap();
        s.get_data(0x00F0).unwrap();
        s.get_data(0x0045).unwrap();
        let want: Vec<Vec<u8>> = vec![
            vec![
                0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
                0x01,
            ],
            vec![
                0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00,
            ],
            vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18],
            vec![0x00, 0x20, 0x00, 0x80],
            vec![0x00, 0xB0, 0x01, 0x2C, 0x10],
            // The offset keeps 15 bits; 300 asks for one short chunk (Le 00 = 256).
            vec![0x00, 0xB0, 0x01, 0x00, 0x00],
            vec![0x00, 0xB2, 0x01, 0x04, 0x00],
            vec![0x00, 0xCA, 0x00, 0xF0, 0x00],
            vec![0x00, 0xCA, 0x00, 0x45, 0x00],
            // 61 10 and 61 00 are followed by GET RESPONSE with that Le.
            vec![0x00, 0xC0, 0x00, 0x00, 0x10],
            vec![0x00, 0xC0, 0x00, 0x00, 0x00],
        ];
        assert_eq!(seen(&s), want.as_slice());
    }

    #[test]
    fn retry_counter_is_never_resent_on_wrong_le() {
        let mut s = session(|_| Ok(vec![0x6C, 0x04]));
        let sw = s.retry_counter().unwrap();
        assert_eq!(sw, StatusWord(0x6C04), "the odd answer is reported raw");
        assert_eq!(seen(&s), &[vec![0x00, 0x20, 0x00, 0x80]]);
    }

    #[test]
    fn retry_counter_is_never_followed_by_get_response() {
        let mut s = session(|_| Ok(vec![0x61, 0x04]));
        assert_eq!(s.retry_counter().unwrap(), StatusWord(0x6104));
        assert_eq!(seen(&s).len(), 1);
    }

    #[test]
    fn retry_counter_answered_9000_is_reported_not_retried() {
        let mut s = session(|_| Ok(vec![0x90, 0x00]));
        assert_eq!(s.retry_counter().unwrap(), StatusWord::OK);
        assert_eq!(seen(&s), &[vec![0x00, 0x20, 0x00, 0x80]]);
    }

    #[test]
    fn exchange_never_resends_a_verify_on_wrong_le() {
        // Even a caller passing the status query through `exchange`.
        let mut s = session(|_| Ok(vec![0x6C, 0x08]));
        let r = s.exchange(&[0x00, 0x20, 0x00, 0x80]).unwrap();
        assert_eq!(r.sw, StatusWord(0x6C08));
        assert_eq!(seen(&s).len(), 1);
        assert!(!resend_on_wrong_le(&[0x00, 0x20, 0x00, 0x80]));
        assert!(!resend_on_wrong_le(&[0x00, 0x20, 0x00, 0x80, 0x00]));
        assert!(!resend_on_wrong_le(&[0x00, 0xA4, 0x02, 0x0C, 0x02]));
        assert!(resend_on_wrong_le(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
        for ins in 0..=0xFF {
            for (cla, p1) in [(0x00, 0x00), (0x00, 0x81), (0x80, 0x00), (0xFF, 0x00)] {
                for len in 0..8 {
                    let cmd = [&[cla, ins, p1][..], &[0x00; 5]].concat();
                    let cmd = &cmd[..len];
                    let before = matches!(cmd, [0x00, 0xB0 | 0xB2 | 0xCA | 0xC0, _, _, _]);
                    assert_eq!(resend_on_wrong_le(cmd), before, "{cmd:02X?}");
                }
            }
        }
    }

    #[test]
    fn wrong_le_on_a_read_is_resent_once_with_the_asked_length() {
        let mut s = session(|_| Ok(vec![0x6C, 0x03]));
        let r = s.read_binary(0, 256).unwrap();
        assert_eq!(
            r.sw,
            StatusWord(0x6C03),
            "a second 6Cxx is reported, not chased"
        );
        assert_eq!(
            seen(&s),
            &[
                vec![0x00, 0xB0, 0x00, 0x00, 0x00],
                vec![0x00, 0xB0, 0x00, 0x00, 0x03]
            ]
        );
    }

    #[test]
    fn endless_61xx_stops_at_the_chain_limit() {
        let mut s = session(|_| Ok(vec![0xAA, 0x61, 0x01]));
        let err = s.get_data(0x0045).unwrap_err();
        assert!(matches!(err, TransportError::LimitExceeded { .. }), "{err}");
        assert!(err.to_string().contains("61xx"), "{err}");
        assert_eq!(seen(&s).len(), 1 + MAX_RESPONSE_CHAIN);
        assert!(
            seen(&s)[1..]
                .iter()
                .all(|c| c[..4] == [0x00, 0xC0, 0x00, 0x00])
        );
    }

    #[test]
    fn a_huge_claimed_file_length_is_not_read() {
        // A BER header claiming 16 MiB, then 9000 forever.
        let mut s = session(|_| {
            let mut r = vec![0x30, 0x83, 0xFF, 0xFF, 0xFF];
            r.resize(256, 0xAB);
            r.extend_from_slice(&[0x90, 0x00]);
            Ok(r)
        });
        let read = s.read_file(Size::Ber).unwrap();
        assert!(!read.complete);
        let problem = read.problem.unwrap_or_default();
        assert!(problem.contains("over the 32768-byte limit"), "{problem}");
        assert_eq!(seen(&s).len(), 1, "nothing past the first chunk is read");
        assert!(read.data.len() <= CHUNK);
    }

    #[test]
    fn a_card_dribbling_one_byte_at_a_time_stops_at_the_apdu_limit() {
        // The header claims the largest allowed file, then each read returns one byte.
        let mut s = session(|cmd| {
            if cmd[2..4] == [0, 0] {
                Ok(vec![0x30, 0x82, 0x7F, 0xFB, 0x90, 0x00])
            } else {
                Ok(vec![0x00, 0x90, 0x00])
            }
        });
        let err = s.read_file(Size::Ber).unwrap_err();
        assert!(err.to_string().contains("more than 2000 commands"), "{err}");
        assert_eq!(seen(&s).len(), MAX_APDUS);
        assert_eq!(s.apdu_count(), MAX_APDUS);
    }

    #[test]
    fn an_oversized_response_is_refused() {
        let mut s = session(|_| {
            let mut r = vec![0x11; 70_000];
            r.extend_from_slice(&[0x90, 0x00]);
            Ok(r)
        });
        let err = s.read_binary(0, 256).unwrap_err();
        assert!(matches!(err, TransportError::LimitExceeded { .. }), "{err}");
        assert!(err.to_string().contains("70000 data bytes"), "{err}");
    }

    #[test]
    fn empty_response_means_the_card_was_removed() {
        let mut s = session(|_| Ok(Vec::new()));
        assert_eq!(s.select_df(&[0xD3, 0x92]), Err(TransportError::CardRemoved));
    }

    #[test]
    fn one_byte_response_is_malformed() {
        let mut s = session(|_| Ok(vec![0x90]));
        let err = s.select_df(&[0xD3, 0x92]).unwrap_err();
        assert_eq!(err.code(), "malformed-response");
        assert!(err.to_string().contains("without a status word"), "{err}");
    }

    #[test]
    fn file_read_stops_at_an_error_midway_and_says_where() {
        let mut s = session(|cmd| {
            if cmd[2..4] == [0, 0] {
                let mut r = vec![0x30, 0x82, 0x01, 0x2C];
                r.resize(256, 0x01);
                r.extend_from_slice(&[0x90, 0x00]);
                Ok(r)
            } else {
                Ok(vec![0x6F, 0x00])
            }
        });
        let read = s.read_file(Size::Ber).unwrap();
        assert!(!read.complete);
        assert_eq!(read.last_sw, StatusWord(0x6F00));
        let p = read.problem.unwrap_or_default();
        assert!(p.contains("256 of 304 bytes") && p.contains("6F00"), "{p}");
    }
}
