//! `emulate`: serves a fixture as a card through vsmartcard's vpcd driver inside pcscd, so
//! any PC/SC program (myna-audit itself, OpenSC, ...) can talk to a recorded card.
//! docs/emulator.md describes the protocol, the card state and the limits.

pub mod card;
mod connect;
mod error;
pub mod vpcd;

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use error::EmulateError;

use crate::fixture::Fixture;
use crate::transport::pcsc::Pcsc;
use crate::transport::trace::{IdentifierMask, command_line, response_line_masked};
use card::{Action, VirtualCard};
use connect::{connect, connect_first, reader_label, resolve};
use vpcd::{Link, RecvError};

/// Between reconnection attempts after vpcd went away.
const RECONNECT_EVERY: Duration = Duration::from_millis(500);
/// pcscd asks for the ATR every 400 ms; this much silence after connecting means vpcd is
/// not serving this connection (it serves one card per port and ignores a second one).
const SILENCE_WARNING: Duration = Duration::from_secs(2);

/// What to serve, where, and how.
#[derive(Debug, Clone)]
pub struct EmulateOptions {
    /// The fixture to serve.
    pub fixture: PathBuf,
    /// Where vpcd listens (HOST:PORT).
    pub vpcd: String,
    /// Extra delay per APDU, to model a contactless link.
    pub latency: Duration,
    /// Stop when the first PC/SC session ends.
    pub once: bool,
    /// Print every exchange on stderr (PIN data is never shown).
    pub trace: bool,
    /// Show identifiers unmasked in the trace.
    pub show_identifiers: bool,
    /// Real cards' quirks to model (`--first-answer`, `--refuse-extended`).
    pub quirks: card::Quirks,
    /// After this many commands, reset the card once through PC/SC, as another program
    /// disconnecting with SCARD_RESET_CARD would (`--reset-after`).
    pub reset_after: Option<usize>,
}

/// How one connection to vpcd ended.
enum Ended {
    /// Ctrl-C or SIGTERM.
    Stopped,
    /// `--once`: the first session that ran commands ended.
    SessionOver,
    /// vpcd closed the connection.
    Closed,
}

struct Emulator<'a> {
    card: VirtualCard,
    addr: SocketAddr,
    label: String,
    opts: &'a EmulateOptions,
    stop: Arc<AtomicBool>,
    /// Whether the `--reset-after` reset was started.
    reset_done: bool,
}

/// Serves the fixture until stopped (Ctrl-C, SIGTERM, or `once`); reports progress on
/// stderr.
pub fn run(opts: &EmulateOptions) -> Result<(), EmulateError> {
    let fixture = Fixture::load(&opts.fixture)?;
    let name = opts.fixture.display().to_string();
    if fixture.atr.is_empty() {
        // vpcd reads a zero-length answer to get-ATR as "no card".
        return Err(EmulateError::EmptyAtr { fixture: name });
    }
    let addr = resolve(&opts.vpcd)?;
    let stop = Arc::new(AtomicBool::new(false));
    install_signals(&stop)?;
    // A PC/SC context held for the emulator's lifetime: it socket-activates pcscd where
    // systemd manages it, and keeps a pcscd started with --auto-exit from stopping under the
    // virtual card. Not needed when pcscd runs anyway; no error when there is none.
    let _keepalive = addr.ip().is_loopback().then(Pcsc::establish);
    let stream = connect_first(addr, &opts.vpcd)?;
    let mut em = Emulator {
        card: VirtualCard::new(&fixture, &name, opts.latency).with_quirks(opts.quirks),
        addr,
        label: opts.vpcd.clone(),
        opts,
        stop,
        reset_done: false,
    };
    eprintln!(
        "myna-audit emulate: serving {name} ({}, {} recorded exchanges) as the card in {}; \
         Ctrl-C stops it",
        fixture.kind.as_str(),
        fixture.exchanges.len(),
        reader_label(addr)
    );
    let result = em.serve_until_done(stream);
    let s = em.card.stats;
    eprintln!(
        "myna-audit emulate: stopped after {} command(s), {} not in the fixture",
        s.commands, s.unanswerable
    );
    result
}

impl Emulator<'_> {
    fn serve_until_done(&mut self, mut stream: TcpStream) -> Result<(), EmulateError> {
        loop {
            match self.serve(stream)? {
                Ended::Stopped | Ended::SessionOver => return Ok(()),
                Ended::Closed if self.opts.once => {
                    return Err(EmulateError::VpcdClosed {
                        addr: self.label.clone(),
                    });
                }
                Ended::Closed => {
                    eprintln!(
                        "myna-audit emulate: vpcd closed the connection (pcscd stopped?); \
                         waiting for it to come back"
                    );
                    match self.reconnect() {
                        Some(s) => stream = s,
                        None => return Ok(()),
                    }
                    eprintln!("myna-audit emulate: connected to vpcd again");
                }
            }
        }
    }

    /// Tries again every [`RECONNECT_EVERY`] until vpcd answers or a stop is asked.
    fn reconnect(&self) -> Option<TcpStream> {
        while !self.stop.load(Ordering::Relaxed) {
            if let Ok(s) = connect(self.addr) {
                return Some(s);
            }
            self.sleep(RECONNECT_EVERY);
        }
        None
    }

    /// What hides identifiers in `--trace` (none with `--show-identifiers`).
    fn new_masker(&self) -> Option<IdentifierMask> {
        (!self.opts.show_identifiers).then(IdentifierMask::default)
    }

    /// Answers vpcd's requests on one connection until it ends.
    fn serve(&mut self, stream: TcpStream) -> Result<Ended, EmulateError> {
        let mut link = Link::new(stream);
        let mut silence_deadline = Some(Instant::now() + SILENCE_WARNING);
        let mut masker = self.new_masker();
        loop {
            let request = match link.recv_within(&self.stop, silence_deadline) {
                Ok(r) => {
                    silence_deadline = None;
                    r
                }
                Err(RecvError::Idle) => {
                    eprintln!(
                        "myna-audit emulate: connected to {}, but vpcd has sent nothing for {} s: \
                         another virtual card may already hold this slot (vpcd serves one card per \
                         port; the next slot is --vpcd 127.0.0.1:35964). Still waiting.",
                        self.label,
                        SILENCE_WARNING.as_secs()
                    );
                    silence_deadline = None;
                    continue;
                }
                Err(RecvError::Stopped) => return Ok(Ended::Stopped),
                Err(RecvError::Closed) => return Ok(Ended::Closed),
                Err(RecvError::Io(e)) => return Err(self.io(&e)),
            };
            let command = match &request {
                vpcd::Request::Apdu(c) => Some(c.clone()),
                _ => None,
            };
            let started = Instant::now();
            if let Some(c) = &command {
                if self.opts.trace {
                    eprintln!("trace > {}", command_line(c));
                }
            }
            let reply = match self.card.handle(request) {
                Action::Atr(atr) => Some(atr),
                Action::Power {
                    event,
                    session_ended,
                } => {
                    if self.opts.trace {
                        eprintln!("trace * {}", event.label());
                    }
                    // Power events clear the card's selection: follow it afresh.
                    masker = self.new_masker();
                    if session_ended && self.opts.once {
                        return Ok(Ended::SessionOver);
                    }
                    None
                }
                Action::Ignore(code) => {
                    eprintln!("myna-audit emulate: ignored unknown vpcd control code {code:02X}");
                    None
                }
                Action::Respond {
                    response,
                    unanswerable,
                } => {
                    let cmd = command.as_deref().unwrap_or_default();
                    if let Some(u) = unanswerable {
                        eprintln!(
                            "myna-audit emulate: the fixture cannot answer {}: {}; answered {} ({})",
                            command_line(cmd),
                            u.why,
                            u.iso_sw,
                            u.iso_sw.meaning()
                        );
                    }
                    // The modelled link delay: a stop during it leaves the command
                    // unanswered, as a card taken off the reader would.
                    if !self.sleep(self.card.latency) {
                        return Ok(Ended::Stopped);
                    }
                    if self.opts.trace {
                        // The same identifier rules as `audit --trace` and the redactor.
                        let hidden = masker
                            .as_mut()
                            .map(|m| m.hidden(cmd, &response))
                            .unwrap_or_default();
                        eprintln!(
                            "trace < {}  [{:.1} ms]",
                            response_line_masked(&response, &hidden),
                            started.elapsed().as_secs_f64() * 1e3
                        );
                    }
                    Some(response)
                }
            };
            if let Some(payload) = reply {
                match link.send(&payload) {
                    Ok(()) => {}
                    Err(e) if vpcd::is_reset(&e) => return Ok(Ended::Closed),
                    Err(e) => return Err(self.io(&e)),
                }
            }
            if command.is_some() {
                self.maybe_reset();
            }
        }
    }

    /// `--reset-after N`: once the card has answered N commands, another PC/SC client (a
    /// thread of this process) connects to the card and leaves it with a reset. It runs
    /// beside this loop, which must keep answering vpcd's power requests meanwhile.
    fn maybe_reset(&mut self) {
        let Some(n) = self.opts.reset_after else {
            return;
        };
        if self.reset_done || self.card.stats.commands < n {
            return;
        }
        self.reset_done = true;
        let Some(reader) = connect::reader_name(self.addr) else {
            eprintln!(
                "myna-audit emulate: --reset-after needs the local vpcd slots (127.0.0.1:35963 or :35964); \
                 no reset was made"
            );
            return;
        };
        eprintln!(
            "myna-audit emulate: resetting the card after {n} command(s), as another program would"
        );
        std::thread::spawn(move || {
            if let Err(e) =
                crate::transport::pcsc::reset_card(&reader, std::time::Duration::from_secs(60))
            {
                eprintln!("myna-audit emulate: the reset through PC/SC failed: {e}");
            }
        });
    }

    /// Sleeps, waking early for a stop request; false if one came.
    fn sleep(&self, total: Duration) -> bool {
        let end = Instant::now() + total;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return false;
            }
            let now = Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(20)));
        }
    }

    fn io(&self, e: &io::Error) -> EmulateError {
        EmulateError::Io {
            addr: self.label.clone(),
            reason: e.to_string(),
        }
    }
}

/// Ctrl-C and SIGTERM raise `stop`; a second Ctrl-C ends the process at once.
fn install_signals(stop: &Arc<AtomicBool>) -> Result<(), EmulateError> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        let err = |e: io::Error| EmulateError::Signals(e.to_string());
        for sig in [SIGINT, SIGTERM] {
            flag::register_conditional_shutdown(sig, 2, Arc::clone(stop)).map_err(err)?;
            flag::register(sig, Arc::clone(stop)).map_err(err)?;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = stop;
    }
    Ok(())
}
