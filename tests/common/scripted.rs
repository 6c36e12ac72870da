//! Scripted card faults for the fault tests: a shipped fixture replayed as the base card,
//! with answers replaced at chosen points, files swapped for hostile content, or the card
//! vanishing after a number of commands. Everything it receives is recorded.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use myna_audit::audit::{self, AuditOptions, AuditRun};
use myna_audit::card::Session;
use myna_audit::fixture::Fixture;
use myna_audit::report::Source;
use myna_audit::transport::replay::{ISD_AID, Replayer};
use myna_audit::transport::{ReadOnly, Transport, TransportError};

pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.fixture"))
}

pub fn fixture(name: &str) -> Fixture {
    Fixture::load(&fixture_path(name)).unwrap()
}

pub fn opts() -> AuditOptions {
    AuditOptions {
        as_of: time::macros::date!(2026 - 06 - 01),
        show_identifiers: false,
        redacted_certificates: Vec::new(),
        source: Source {
            kind: myna_audit::report::SourceKind::Replay,
            fixture: None,
            fixture_kind: None,
        },
    }
}

/// What to answer instead of the base card.
#[derive(Clone, Debug)]
pub enum Fault {
    /// This status word and no data.
    Sw(u16),
    /// `61xx`, then the real answer to the GET RESPONSE that follows.
    MoreData,
    /// `6Cxx` with the real data length (the base card answers the re-sent command).
    WrongLe,
    /// These exact bytes (may be empty or lack a status word).
    Raw(Vec<u8>),
    /// The real data cut to this many bytes, status word kept.
    Truncate(usize),
    /// A transport error instead of an answer.
    Error(TransportError),
}

/// (application AID or None for the MF, EF identifier, content served instead).
type SwappedFile = (Option<Vec<u8>>, [u8; 2], Vec<u8>);

/// A card that answers like `base`, except where told otherwise.
pub struct Scripted {
    base: Replayer,
    /// (index of the command, counting from 0; fault)
    faults: Vec<(usize, Fault)>,
    /// From this command index on, every command fails with this error.
    fail_from: Option<(usize, TransportError)>,
    /// Serve READ BINARY of (DF, EF) from these bytes instead of the base card.
    files: Vec<SwappedFile>,
    df: Option<Vec<u8>>,
    ef: Option<[u8; 2]>,
    get_response: Option<Vec<u8>>,
    pub seen: Vec<Vec<u8>>,
}

fn with_sw(mut data: Vec<u8>, sw: u16) -> Vec<u8> {
    data.extend_from_slice(&sw.to_be_bytes());
    data
}

impl Scripted {
    pub fn new(base: &str) -> Scripted {
        Scripted {
            base: Replayer::new(&fixture(base), base),
            faults: Vec::new(),
            fail_from: None,
            files: Vec::new(),
            df: None,
            ef: None,
            get_response: None,
            seen: Vec::new(),
        }
    }

    pub fn fault(mut self, at: usize, f: Fault) -> Self {
        self.faults.push((at, f));
        self
    }

    pub fn fail_from(mut self, at: usize, e: TransportError) -> Self {
        self.fail_from = Some((at, e));
        self
    }

    /// Replaces the content of EF `ef` in the application `aid` (None: MF level).
    pub fn file(mut self, aid: Option<&[u8]>, ef: [u8; 2], content: Vec<u8>) -> Self {
        self.files.push((aid.map(<[u8]>::to_vec), ef, content));
        self
    }

    fn serve_file(&self, cmd: &[u8]) -> Option<Vec<u8>> {
        let [0x00, 0xB0, p1, p2, le] = *cmd else {
            return None;
        };
        let ef = self.ef?;
        let (_, _, content) = self
            .files
            .iter()
            .find(|(d, e, _)| *d == self.df && *e == ef)?;
        let offset = usize::from(u16::from_be_bytes([p1, p2]));
        let le = if le == 0 { 256 } else { usize::from(le) };
        if offset >= content.len() {
            return Some(vec![0x6B, 0x00]);
        }
        let end = (offset + le).min(content.len());
        let sw = if end - offset < le { 0x6282 } else { 0x9000 };
        Some(with_sw(content[offset..end].to_vec(), sw))
    }

    fn honest(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
        if let Some(r) = self.serve_file(cmd) {
            return Ok(r);
        }
        self.base.transmit(cmd)
    }

    /// Follows what the card under test selected, to know which file a read is for.
    fn track(&mut self, cmd: &[u8], resp: &[u8]) {
        if !resp.ends_with(&[0x90, 0x00]) {
            return;
        }
        match cmd {
            [0x00, 0xA4, 0x04, _, lc, aid @ ..] if usize::from(*lc) == aid.len() => {
                self.df = (aid != ISD_AID).then(|| aid.to_vec());
                self.ef = None;
            }
            [0x00, 0xA4, 0x02, _, 0x02, a, b] => self.ef = Some([*a, *b]),
            _ => {}
        }
    }
}

impl Transport for Scripted {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let i = self.seen.len();
        self.seen.push(command.to_vec());
        if let Some((from, e)) = &self.fail_from {
            if i >= *from {
                return Err(e.clone());
            }
        }
        if let Some(real) = self.get_response.take() {
            if let [0x00, 0xC0, ..] = command {
                return Ok(real);
            }
        }
        let fault = self
            .faults
            .iter()
            .find(|(at, _)| *at == i)
            .map(|(_, f)| f.clone());
        let resp = match fault {
            None => self.honest(command)?,
            Some(Fault::Sw(sw)) => with_sw(Vec::new(), sw),
            Some(Fault::Raw(r)) => r,
            Some(Fault::Error(e)) => return Err(e),
            Some(Fault::Truncate(n)) => {
                let real = self.honest(command)?;
                let split = real.len().saturating_sub(2);
                let mut r = real[..split.min(n)].to_vec();
                r.extend_from_slice(&real[split..]);
                r
            }
            Some(Fault::MoreData) => {
                let real = self.honest(command)?;
                let n = real.len().saturating_sub(2);
                self.track(command, &real);
                self.get_response = Some(real);
                return Ok(vec![0x61, (n % 256) as u8]);
            }
            Some(Fault::WrongLe) => {
                let real = self.honest(command)?;
                let n = real.len().saturating_sub(2);
                return Ok(vec![0x6C, (n % 256) as u8]);
            }
        };
        self.track(command, &resp);
        Ok(resp)
    }

    fn reader_name(&self) -> &str {
        "Scripted Reader 00 00"
    }

    fn atr(&self) -> &[u8] {
        self.base.atr()
    }
}

/// Runs the whole audit over a scripted card, as `myna-audit audit` does.
pub fn audit(card: Scripted) -> (AuditRun, Scripted) {
    let mut session = Session::new(ReadOnly::new(card));
    let run = audit::run(&mut session, &opts());
    (run, session.into_transport())
}

/// The commands a clean audit of `base` sends, in order.
pub fn clean_commands(base: &str) -> Vec<Vec<u8>> {
    let (run, card) = audit(Scripted::new(base));
    assert!(run.error.is_none(), "{:?}", run.error);
    card.seen
}

/// The index of the first command of a clean audit of `base` that `pred` accepts.
pub fn index_of(base: &str, pred: impl Fn(&[u8]) -> bool) -> usize {
    clean_commands(base)
        .iter()
        .position(|c| pred(c))
        .expect("the clean audit sends such a command")
}
