//! The PC/SC backend: the only file that imports the `pcsc` crate.
//!
//! Every `pcsc::Error` becomes a [`TransportError`] here, so nothing above this file knows
//! PC/SC exists (docs/pcsc-errors.md lists what the crate returns when).
//!
//! When the PC/SC service stops during an audit (a restart, an update), [`PcscCard`]
//! re-establishes the context **once**: it waits a few seconds for the service and the card,
//! reconnects and checks the ATR is the same, then reports
//! [`TransportError::ServiceRestarted`]: the card is back in its power-on state and the
//! interrupted command may or may not have run. What to select again and whether to re-send
//! is the session's decision ([`crate::card::session`]); this file never parses a command.
//! A second stop, or a failed reconnection, is reported as it is.
//!
//! Exclusive access: [`Transport::begin_exclusive`] holds a PC/SC transaction
//! (`SCardBeginTransaction`) until [`Transport::end_exclusive`]; other programs sharing the
//! card wait meanwhile. `pcsc::Transaction` borrows the card, so the card lives on a small
//! worker thread of its own that holds the transaction between the two calls.
//!
//! A reset by another program (`SCARD_W_RESET_CARD`) is answered by reconnecting at once
//! (the handle is unusable until then) and reported as [`TransportError::CardReset`]: the
//! caller knows the card lost its selection and decides what to send again. A card that
//! slipped off the reader can be waited for ([`Resume`], [`Transport::reattach`]).

use std::collections::VecDeque;
use std::ffi::CString;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};

use super::{Transport, TransportError};

/// A reader as `readers` lists it.
#[derive(Debug, Clone)]
pub struct ReaderSlot {
    pub name: String,
    /// The card's ATR when a card is present.
    pub atr: Option<Vec<u8>>,
}

fn map_err(e: pcsc::Error) -> TransportError {
    match e {
        pcsc::Error::NoService => TransportError::NoService,
        pcsc::Error::ServiceStopped | pcsc::Error::InvalidHandle => TransportError::ServiceStopped,
        pcsc::Error::NoReadersAvailable => TransportError::NoReaders,
        pcsc::Error::RemovedCard | pcsc::Error::NotTransacted => TransportError::CardRemoved,
        pcsc::Error::ResetCard => TransportError::CardReset,
        other => TransportError::Pcsc(other.to_string()),
    }
}

/// How long a recovery waits for the PC/SC service, then for the card, to come back.
pub const RECOVERY_WAIT: Duration = Duration::from_secs(5);

/// How long a card that slipped off the reader is waited for by default.
pub const RESUME_WAIT: Duration = Duration::from_secs(30);

/// Waiting for a card removed mid-audit to come back ([`Transport::reattach`]).
#[derive(Debug, Clone, Copy)]
pub struct Resume {
    /// How long to wait for a card in the same reader.
    pub wait: Duration,
    /// Told (once per wait) that the card left and is waited for; e.g. a line on stderr.
    pub notify: Option<fn(&str)>,
}

/// What [`Resume::notify`] is told when the card leaves mid-audit.
pub fn slip_message(wait: Duration) -> String {
    format!(
        "カードが離れました — keep the card on the reader (waiting up to {} s)",
        wait.as_secs()
    )
}

/// One request to the thread that owns a card handle.
enum Op {
    Transmit(Vec<u8>),
    /// Start a transaction (nothing when one is held).
    Begin,
    /// End the transaction, leaving the card as it is (nothing when none is held).
    End,
    /// `SCardReconnect` (shared, leave the card): clears a reset reported on the handle.
    Reconnect,
}

type Reply = Result<Vec<u8>, pcsc::Error>;

/// The thread owning one `pcsc::Card`, so that a `pcsc::Transaction` (which borrows it)
/// can stay open between calls. Dropping it ends any transaction and disconnects,
/// leaving the card as it is.
struct Worker {
    ops: Option<Sender<Op>>,
    replies: Receiver<Reply>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn spawn(card: pcsc::Card) -> Result<Worker, TransportError> {
        let (ops, op_rx) = channel();
        let (reply_tx, replies) = channel();
        let thread = std::thread::Builder::new()
            .name("pcsc-card".into())
            .spawn(move || serve(card, &op_rx, &reply_tx))
            .map_err(|e| TransportError::Pcsc(format!("cannot start the card thread: {e}")))?;
        Ok(Worker {
            ops: Some(ops),
            replies,
            thread: Some(thread),
        })
    }

    fn call(&self, op: Op) -> Reply {
        let ops = self.ops.as_ref().ok_or(pcsc::Error::InvalidHandle)?;
        ops.send(op).map_err(|_| pcsc::Error::InvalidHandle)?;
        self.replies
            .recv()
            .map_err(|_| pcsc::Error::InvalidHandle)?
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the channel ends the thread, which ends the transaction and disconnects.
        self.ops.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The card thread: requests one at a time; a transaction is held in [`serve_held`].
fn serve(mut card: pcsc::Card, ops: &Receiver<Op>, replies: &Sender<Reply>) {
    while let Ok(op) = ops.recv() {
        let reply = match op {
            Op::Transmit(c) => transmit_on(&card, &c),
            Op::End => Ok(Vec::new()),
            Op::Reconnect => card
                .reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
                .map(|()| Vec::new()),
            Op::Begin => match card.transaction() {
                Ok(tx) => {
                    if replies.send(Ok(Vec::new())).is_err() || !serve_held(&tx, ops, replies) {
                        break;
                    }
                    // Ends the transaction, leaving the card as it is.
                    drop(tx);
                    continue;
                }
                Err(e) => Err(e),
            },
        };
        if replies.send(reply).is_err() {
            break;
        }
    }
    let _ = card.disconnect(Disposition::LeaveCard);
}

/// Serves requests inside a transaction until `End` (true) or the channel closes (false).
fn serve_held(tx: &pcsc::Transaction<'_>, ops: &Receiver<Op>, replies: &Sender<Reply>) -> bool {
    while let Ok(op) = ops.recv() {
        let reply = match op {
            Op::Transmit(c) => transmit_on(tx, &c),
            Op::Begin => Ok(Vec::new()),
            Op::End => return replies.send(Ok(Vec::new())).is_ok(),
            // A reconnect is made outside a transaction (the caller ends it first).
            Op::Reconnect => Err(pcsc::Error::NotTransacted),
        };
        if replies.send(reply).is_err() {
            return false;
        }
    }
    false
}

/// Connects to `reader`'s card and resets it (`SCardReconnect` with `SCARD_RESET_CARD`),
/// as another program does (`emulate --reset-after`, tests). While a client holds a
/// transaction the reset cannot land: pcsc-lite makes it wait (measured: until the audit's
/// last transaction ended), and a sharing violation, where returned, is tried again every
/// millisecond for up to `patience`. It lands between two transactions or after them.
pub fn reset_card(reader: &str, patience: Duration) -> Result<(), TransportError> {
    let ctx = Context::establish(Scope::User).map_err(map_err)?;
    let cname = CString::new(reader).map_err(|_| TransportError::UnknownReader {
        reader: reader.into(),
        available: String::new(),
    })?;
    let mut card = ctx
        .connect(&cname, ShareMode::Shared, Protocols::ANY)
        .map_err(|e| connect_err(e, reader))?;
    let start = Instant::now();
    loop {
        match card.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::ResetCard) {
            Ok(()) => break,
            Err(pcsc::Error::SharingViolation) if start.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(map_err(e)),
        }
    }
    card.disconnect(Disposition::LeaveCard)
        .map_err(|(_, e)| map_err(e))
}

fn connect_err(e: pcsc::Error, reader: &str) -> TransportError {
    match e {
        pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => TransportError::NoCard {
            reader: reader.into(),
        },
        pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
            TransportError::UnknownReader {
                reader: reader.into(),
                available: String::new(),
            }
        }
        pcsc::Error::SharingViolation => TransportError::CardInUse {
            reader: reader.into(),
        },
        other => map_err(other),
    }
}

/// A PC/SC context: lists readers and connects to cards.
pub struct Pcsc {
    ctx: Context,
}

impl Pcsc {
    pub fn establish() -> Result<Pcsc, TransportError> {
        Context::establish(Scope::User)
            .map(|ctx| Pcsc { ctx })
            .map_err(map_err)
    }

    /// Every reader with its card's ATR, if a card is present.
    pub fn readers(&self) -> Result<Vec<ReaderSlot>, TransportError> {
        let names = self.ctx.list_readers_owned().map_err(map_err)?;
        if names.is_empty() {
            return Err(TransportError::NoReaders);
        }
        let mut states: Vec<pcsc::ReaderState> = names
            .iter()
            .map(|n| pcsc::ReaderState::new(n.clone(), pcsc::State::UNAWARE))
            .collect();
        self.ctx
            .get_status_change(std::time::Duration::ZERO, &mut states)
            .map_err(map_err)?;
        Ok(states
            .iter()
            .map(|s| {
                let present = s.event_state().contains(pcsc::State::PRESENT);
                ReaderSlot {
                    name: s.name().to_string_lossy().into_owned(),
                    atr: present.then(|| s.atr().to_vec()),
                }
            })
            .collect())
    }

    /// Connects (shared) to the card in `reader`.
    pub fn connect(&self, reader: &str) -> Result<PcscCard, TransportError> {
        let cname = CString::new(reader).map_err(|_| TransportError::UnknownReader {
            reader: reader.into(),
            available: String::new(),
        })?;
        let card = self
            .ctx
            .connect(&cname, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| connect_err(e, reader))?;
        let atr = card.status2_owned().map_err(map_err)?.atr().to_vec();
        Ok(PcscCard {
            card: Some(Worker::spawn(card)?),
            reader: reader.into(),
            atr,
            recovered: false,
            notes: Vec::new(),
            sent: 0,
            held: false,
            keep: None,
            handed: VecDeque::new(),
            resume: None,
        })
    }
}

/// A connected card.
pub struct PcscCard {
    card: Option<Worker>,
    reader: String,
    atr: Vec<u8>,
    /// Whether the one recovery from a service stop was used.
    recovered: bool,
    notes: Vec<String>,
    /// Commands sent, to say where a recovery happened.
    sent: usize,
    /// Whether a transaction is held ([`Transport::begin_exclusive`]).
    held: bool,
    /// Exchanges being kept to hand over ([`PcscCard::keep_exchanges`]).
    keep: Option<Vec<(Vec<u8>, Vec<u8>)>>,
    /// Exchanges the card already made, under the transaction still held, answered again
    /// to the same commands in the same order instead of sending them twice.
    handed: VecDeque<(Vec<u8>, Vec<u8>)>,
    /// Whether (and how long) a removed card is waited for.
    resume: Option<Resume>,
}

/// One command to a card handle, with the empty-response rule applied.
fn transmit_on(card: &pcsc::Card, command: &[u8]) -> Reply {
    let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    // InsufficientBuffer would arrive after the card already ran the command; the
    // extended buffer makes it impossible for short APDUs.
    card.transmit(command, &mut buf).map(<[u8]>::to_vec)
}

/// The connection to the service broke under a connected card: pcsc-lite answers a command
/// outstanding when pcscd stops with CommError, and every later one with NoService;
/// ServiceStopped and InvalidHandle mean the same.
fn service_gone(e: pcsc::Error) -> bool {
    matches!(
        e,
        pcsc::Error::CommError
            | pcsc::Error::NoService
            | pcsc::Error::ServiceStopped
            | pcsc::Error::InvalidHandle
    )
}

/// What went wrong while reattaching, and what to say about it.
type Failed = (TransportError, String);

/// How long a removal reported by a command may take to show in the reader's state (the
/// service polls readers: vpcd every 400 ms).
const REMOVAL_SHOWS_WITHIN: Duration = Duration::from_secs(2);

/// Waits until `reader` (in a fresh context) holds a card again and connects to it, until
/// `deadline`. `service_wait` is how long the context itself may take to come back. With
/// `removed_first`, the reader must first be seen empty (for at most
/// [`REMOVAL_SHOWS_WITHIN`]): right after a command failed for a removed card, the service
/// may still show the old card present for a moment.
fn wait_and_connect(
    reader: &str,
    start: Instant,
    service_wait: Duration,
    deadline: Duration,
    removed_first: bool,
) -> Result<(pcsc::Card, Vec<u8>), Failed> {
    let removed = |why: String| (TransportError::CardRemoved, why);
    let ctx = loop {
        match Context::establish(Scope::User) {
            Ok(ctx) => break ctx,
            Err(e) if start.elapsed() >= service_wait => {
                return Err((
                    TransportError::ServiceStopped,
                    format!(
                        "the service did not come back within {} s ({e})",
                        service_wait.as_secs()
                    ),
                ));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let cname = CString::new(reader).map_err(|e| removed(e.to_string()))?;
    let mut states = vec![pcsc::ReaderState::new(cname.clone(), pcsc::State::UNAWARE)];
    let mut last: Option<pcsc::Error> = None;
    while removed_first && start.elapsed() < REMOVAL_SHOWS_WITHIN.min(deadline) {
        if ctx
            .get_status_change(Duration::from_millis(100), &mut states)
            .is_err_and(|e| e != pcsc::Error::Timeout)
        {
            break;
        }
        let ev = states
            .first()
            .map_or(pcsc::State::UNAWARE, |s| s.event_state());
        if !ev.contains(pcsc::State::PRESENT) || ev.contains(pcsc::State::MUTE) {
            break;
        }
        for s in &mut states {
            s.sync_current_state();
        }
    }
    loop {
        let left = deadline.saturating_sub(start.elapsed());
        let gone = |e: Option<pcsc::Error>| match e {
            Some(e) => removed(format!("the card did not come back in \"{reader}\" ({e})")),
            None => removed(format!("the card did not come back in \"{reader}\"")),
        };
        match ctx.get_status_change(left.min(Duration::from_millis(500)), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            // The reader may not be listed yet right after a restart.
            Err(pcsc::Error::UnknownReader) if !left.is_zero() => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            Err(e) => return Err(gone(Some(e))),
        }
        let ev = states
            .first()
            .map_or(pcsc::State::UNAWARE, |s| s.event_state());
        if ev.contains(pcsc::State::PRESENT) && !ev.contains(pcsc::State::MUTE) {
            match ctx.connect(&cname, ShareMode::Shared, Protocols::ANY) {
                Ok(card) => {
                    let atr = card
                        .status2_owned()
                        .map_err(|e| removed(format!("reconnecting failed ({e})")))?
                        .atr()
                        .to_vec();
                    return Ok((card, atr));
                }
                Err(pcsc::Error::SharingViolation) => {
                    return Err((
                        TransportError::CardInUse {
                            reader: reader.into(),
                        },
                        "another program took the card exclusively".into(),
                    ));
                }
                // Still settling (the old card's removal, a power-up): look again.
                Err(e) => last = Some(e),
            }
        }
        if left.is_zero() {
            return Err(gone(last));
        }
        for s in &mut states {
            s.sync_current_state();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl PcscCard {
    /// Keeps the exchange to hand over, when exchanges are kept.
    fn keep(&mut self, command: &[u8], resp: &[u8]) {
        if let Some(kept) = &mut self.keep {
            kept.push((command.to_vec(), resp.to_vec()));
        }
    }

    /// The card is in its power-on state: nothing it answered before can be handed over.
    fn forget_selection(&mut self) {
        self.handed.clear();
    }

    /// Waits for a removed card to come back when the audit may wait ([`Resume`]).
    pub fn set_resume(&mut self, resume: Option<Resume>) {
        self.resume = resume;
    }

    /// Starts (`true`) or stops keeping the exchanges that pass, to hand them over with
    /// [`PcscCard::hand_over`].
    pub fn keep_exchanges(&mut self, on: bool) {
        self.keep = on.then(Vec::new);
    }

    /// The exchanges kept (e.g. the identifying SELECT of a reader scan) are answered again,
    /// in order, to the same commands, as long as the transaction that was held while the
    /// card made them is still held: the card is not asked twice, and a session counting
    /// commands counts each exchange the card made exactly once.
    pub fn hand_over(&mut self) {
        if self.held {
            self.handed = self.keep.take().unwrap_or_default().into();
        } else {
            self.keep = None;
        }
    }

    fn worker(&self) -> Result<&Worker, TransportError> {
        self.card.as_ref().ok_or(TransportError::CardRemoved)
    }

    /// Another program reset the card: the handle answers nothing until it reconnects.
    /// Reconnects now (leaving the card as it is); the card lost its selection.
    fn after_reset(&mut self, at: &str) -> TransportError {
        if self.held {
            let _ = self.worker().map(|w| w.call(Op::End));
            self.held = false;
        }
        self.forget_selection();
        let reconnected = self.worker().map(|w| w.call(Op::Reconnect));
        match reconnected {
            Ok(Ok(_)) => {
                self.notes.push(format!(
                    "The card was reset by another program ({at}); myna-audit reconnected and read \
                     again what the reset interrupted."
                ));
                TransportError::CardReset
            }
            Ok(Err(e)) => map_err(e),
            Err(e) => e,
        }
    }

    /// Re-establishes the context and reconnects to the same card in the same reader. The
    /// error is what to report, and what failed.
    fn recover(&mut self) -> Result<(), Failed> {
        // Drop the dead handle without touching the card.
        self.card.take();
        self.held = false;
        self.handed.clear();
        let (card, atr) = wait_and_connect(
            &self.reader,
            Instant::now(),
            RECOVERY_WAIT,
            RECOVERY_WAIT,
            false,
        )?;
        if atr != self.atr {
            return Err((
                TransportError::CardRemoved,
                "the card in the reader has another ATR".into(),
            ));
        }
        self.card = Some(Worker::spawn(card).map_err(|e| (e, "the card thread".into()))?);
        Ok(())
    }

    /// Sends one command on the handle, recovering once from a service restart.
    fn send(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent += 1;
        let first = self.worker()?.call(Op::Transmit(command.to_vec()));
        match first {
            Ok(resp) => Ok(resp),
            Err(pcsc::Error::ResetCard) => {
                let at = format!("at command {}", self.sent);
                Err(self.after_reset(&at))
            }
            Err(e) if service_gone(e) => self.after_service_gone(e),
            Err(e) => Err(map_err(e)),
        }
    }

    fn after_service_gone(&mut self, e: pcsc::Error) -> Result<Vec<u8>, TransportError> {
        // Connected a moment ago: the service stopped (or its connection broke).
        if self.recovered {
            return Err(TransportError::ServiceStopped);
        }
        self.recovered = true;
        if let Err((err, why)) = self.recover() {
            self.notes.push(format!(
                "The connection to the PC/SC service broke at command {} ({e}); reconnecting once failed: {why}.",
                self.sent
            ));
            return Err(err);
        }
        // The card may or may not have run the interrupted command: the session decides.
        Err(TransportError::ServiceRestarted {
            at: format!("at command {} ({e})", self.sent),
        })
    }

    /// Waits for a removed card to come back in the same reader (at most `resume.wait`)
    /// and connects to it; the ATR must be the same.
    fn resume(&mut self, resume: Resume) -> Result<bool, TransportError> {
        self.card.take();
        self.held = false;
        self.forget_selection();
        if let Some(notify) = resume.notify {
            notify(&slip_message(resume.wait));
        }
        let start = Instant::now();
        match wait_and_connect(&self.reader, start, resume.wait, resume.wait, true) {
            Ok((card, atr)) => {
                if atr != self.atr {
                    self.notes.push(format!(
                        "The card left the reader mid-audit; the card put back has another ATR ({}), so the \
                         audit stopped.",
                        hex::encode_upper(&atr)
                    ));
                    return Err(TransportError::OtherCard {
                        why: "another ATR".into(),
                    });
                }
                self.card = Some(Worker::spawn(card)?);
                self.notes.push(format!(
                    "The card left the reader mid-audit and was put back after {:.1} s (same ATR); \
                     the interrupted part was read again.",
                    start.elapsed().as_secs_f64()
                ));
                Ok(true)
            }
            Err((TransportError::CardRemoved, why)) => {
                self.notes.push(format!(
                    "The card left the reader mid-audit and was waited for {} s: {why}.",
                    resume.wait.as_secs()
                ));
                Ok(false)
            }
            Err((e, _)) => Err(e),
        }
    }
}

impl Transport for PcscCard {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if let Some((cmd, resp)) = self.handed.pop_front() {
            if cmd == command {
                return Ok(resp);
            }
            self.handed.clear();
        }
        let resp = self.send(command)?;
        if resp.is_empty() {
            // pcsc-lite hands back an empty response when the card vanished while the
            // command was outstanding (pcsc-virtual-reader.md).
            return Err(TransportError::CardRemoved);
        }
        self.keep(command, &resp);
        Ok(resp)
    }

    fn begin_exclusive(&mut self) -> Result<(), TransportError> {
        if self.held {
            return Ok(());
        }
        match self.worker()?.call(Op::Begin) {
            Ok(_) => {
                self.held = true;
                Ok(())
            }
            Err(pcsc::Error::ResetCard) => Err(self.after_reset("between two applications")),
            Err(e) => Err(map_err(e)),
        }
    }

    fn end_exclusive(&mut self) {
        self.handed.clear();
        if self.held {
            self.held = false;
            if let Ok(w) = self.worker() {
                let _ = w.call(Op::End);
            }
        }
    }

    fn reattach(&mut self, after: &TransportError) -> Result<bool, TransportError> {
        match after {
            // Reconnected when the reset was seen.
            TransportError::CardReset => Ok(self.card.is_some()),
            TransportError::CardRemoved => match self.resume {
                Some(r) => self.resume(r),
                None => Ok(false),
            },
            _ => Ok(false),
        }
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn reader_name(&self) -> &str {
        &self.reader
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }
}
