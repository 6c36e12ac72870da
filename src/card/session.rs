//! The command layer above the transport seam: builds the APDUs the audit needs, follows
//! `61xx` and `6Cxx`, pages READ BINARY, and bounds everything. It owns a
//! [`ReadOnly`] transport, so nothing it sends can change the card.

use apdu_core::Command;

use super::chipmap::Size;
use crate::decode::tlv;
use crate::sw::{Response, StatusWord, SwKind};
use crate::transport::{ReadOnly, Transport, TransportError};

pub type SessionError = TransportError;

/// Largest file the tool reads: READ BINARY offsets are 15 bits (CF §4.6).
pub const MAX_FILE_BYTES: usize = 0x8000;
/// Most APDUs one session may send before it stops (a full audit sends about 150).
pub const MAX_APDUS: usize = 2000;
/// Most `61xx` GET RESPONSE rounds for one command.
pub const MAX_RESPONSE_CHAIN: usize = 16;
/// READ BINARY chunk size: short APDUs work with every reader (CF §4.6).
pub const CHUNK: usize = 256;

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
}

fn bytes(cmd: Command<'_>) -> Vec<u8> {
    cmd.into()
}

impl<T: Transport> Session<T> {
    pub fn new(transport: ReadOnly<T>) -> Self {
        Session {
            transport,
            apdus: 0,
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

    pub fn into_transport(self) -> T {
        self.transport.into_inner()
    }

    fn send(&mut self, cmd: &[u8]) -> Result<Response, SessionError> {
        if self.apdus >= MAX_APDUS {
            return Err(TransportError::LimitExceeded {
                detail: format!("more than {MAX_APDUS} commands in one session"),
            });
        }
        self.apdus += 1;
        let raw = self.transport.transmit(cmd)?;
        Response::parse(&raw).ok_or_else(|| TransportError::MalformedResponse {
            detail: format!("{} byte(s) without a status word", raw.len()),
        })
    }

    /// Sends one command, following `61xx` with GET RESPONSE and answering one `6Cxx`
    /// by re-sending with the Le the card asked for (only for case-2 commands, which read).
    pub fn exchange(&mut self, cmd: &[u8]) -> Result<Response, SessionError> {
        let mut resp = self.send(cmd)?;
        if let SwKind::WrongLe(n) = resp.sw.kind() {
            if cmd.len() == 5 && cmd[1] != 0x20 {
                let mut again = cmd.to_vec();
                again[4] = (n & 0xFF) as u8;
                resp = self.send(&again)?;
            }
        }
        let mut data = std::mem::take(&mut resp.data);
        let mut rounds = 0;
        while let SwKind::MoreData(n) = resp.sw.kind() {
            rounds += 1;
            if rounds > MAX_RESPONSE_CHAIN || data.len() > MAX_FILE_BYTES {
                return Err(TransportError::LimitExceeded {
                    detail: format!(
                        "the card kept answering 61xx after {MAX_RESPONSE_CHAIN} GET RESPONSE rounds"
                    ),
                });
            }
            resp = self.send(&bytes(Command::new_with_le(0x00, 0xC0, 0x00, 0x00, n)))?;
            data.append(&mut resp.data);
        }
        Ok(Response { data, sw: resp.sw })
    }

    /// SELECT DF by name, no response data (`00 A4 04 0C`, CF §1.2).
    pub fn select_df(&mut self, aid: &[u8]) -> Result<StatusWord, SessionError> {
        Ok(self
            .exchange(&bytes(Command::new_with_payload(
                0x00, 0xA4, 0x04, 0x0C, aid,
            )))?
            .sw)
    }

    /// SELECT EF by identifier under the current DF (`00 A4 02 0C`, CF §1.2).
    pub fn select_ef(&mut self, fid: u16) -> Result<StatusWord, SessionError> {
        let fid = fid.to_be_bytes();
        Ok(self
            .exchange(&bytes(Command::new_with_payload(
                0x00, 0xA4, 0x02, 0x0C, &fid,
            )))?
            .sw)
    }

    /// Reads the retry counter of the selected key without spending a try.
    ///
    /// This is VERIFY with no Lc, no data and no Le (`00 20 00 80`, case 1). JICSAP defines
    /// it as a status query that does not consume an attempt (CF §3.3); a VERIFY carrying
    /// data would present a PIN. The [`ReadOnly`] guard refuses any VERIFY with data, and
    /// nothing here ever re-sends this command, whatever the card answers.
    pub fn retry_counter(&mut self) -> Result<StatusWord, SessionError> {
        Ok(self.send(&bytes(Command::new(0x00, 0x20, 0x00, 0x80)))?.sw)
    }

    /// One READ BINARY of the current EF.
    pub fn read_binary(&mut self, offset: usize, le: usize) -> Result<Response, SessionError> {
        let [hi, lo] = (offset as u16 & 0x7FFF).to_be_bytes();
        self.exchange(&bytes(Command::new_with_le(
            0x00,
            0xB0,
            hi,
            lo,
            le.min(CHUNK) as u16,
        )))
    }

    /// READ RECORD `n` of the current EF (`00 B2 n 04 00`, CF §1.3).
    pub fn read_record(&mut self, n: u8) -> Result<Response, SessionError> {
        self.exchange(&bytes(Command::new_with_le(0x00, 0xB2, n, 0x04, 256)))
    }

    /// GET DATA of a tag in the current context (`00 CA hi lo 00`, CF §2.6).
    pub fn get_data(&mut self, tag: u16) -> Result<Response, SessionError> {
        let [hi, lo] = tag.to_be_bytes();
        self.exchange(&bytes(Command::new_with_le(0x00, 0xCA, hi, lo, 256)))
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
