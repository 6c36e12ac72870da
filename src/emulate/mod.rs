//! `emulate`: serves a fixture as a card through vsmartcard's vpcd driver inside pcscd, so
//! any PC/SC program (myna-audit itself, OpenSC, ...) can talk to a recorded card.
//! docs/emulator.md describes the protocol, the card state and the limits.

pub mod card;
pub mod trace;
pub mod vpcd;

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::cli::{CliError, EXIT_OK, EmulateArgs};
use crate::fixture::Fixture;
use crate::transport::TransportError;
use crate::transport::pcsc::Pcsc;
use crate::transport::trace::command_line;
use card::{Action, VirtualCard};
use vpcd::{Link, RecvError};

/// How long to wait for a TCP connection to vpcd.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// After a refused connection while pcscd runs (it may have just been socket-activated and
/// still be loading its drivers), keep trying this long.
const STARTUP_GRACE: Duration = Duration::from_millis(1500);
/// Between reconnection attempts after vpcd went away.
const RECONNECT_EVERY: Duration = Duration::from_millis(500);
/// pcscd asks for the ATR every 400 ms; this much silence after connecting means vpcd is
/// not serving this connection (it serves one card per port and ignores a second one).
const SILENCE_WARNING: Duration = Duration::from_secs(2);

/// Why the emulator could not start or keep running.
#[derive(Debug, Error)]
pub enum EmulateError {
    #[error("'{addr}' is not a HOST:PORT address for vpcd: {reason}")]
    BadAddress { addr: String, reason: String },
    #[error("pcscd is not running, so no vpcd virtual reader listens at {addr} ({reason})")]
    PcscdNotRunning { addr: String, reason: String },
    #[error(
        "pcscd is running but has no vpcd virtual reader listening at {addr} ({reason}; readers: {readers})"
    )]
    VpcdMissing {
        addr: String,
        reason: String,
        readers: String,
    },
    #[error("cannot connect to vpcd at {addr}: {reason}")]
    VpcdUnreachable { addr: String, reason: String },
    #[error("vpcd at {addr} closed the connection before the first PC/SC session ended")]
    VpcdClosed { addr: String },
    #[error("the connection to vpcd at {addr} failed: {reason}")]
    Io { addr: String, reason: String },
    #[error("cannot install the Ctrl-C / SIGTERM handler: {0}")]
    Signals(String),
}

impl EmulateError {
    pub fn code(&self) -> &'static str {
        match self {
            EmulateError::BadAddress { .. } => "bad-vpcd-address",
            EmulateError::PcscdNotRunning { .. } => "no-service",
            EmulateError::VpcdMissing { .. } => "vpcd-missing",
            EmulateError::VpcdUnreachable { .. } => "vpcd-unreachable",
            EmulateError::VpcdClosed { .. } => "vpcd-closed",
            EmulateError::Io { .. } => "vpcd-io",
            EmulateError::Signals(_) => "signals",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            EmulateError::BadAddress { .. } => {
                "Pass --vpcd HOST:PORT, e.g. 127.0.0.1:35963 (the port in /etc/reader.conf.d/vpcd: 0x8C7B = 35963)."
            }
            EmulateError::PcscdNotRunning { .. } => {
                "Start pcscd: `sudo systemctl start pcscd`, or run `sudo pcscd --foreground` in another terminal. \
                 The virtual reader comes from the vpcd driver: on Debian/Ubuntu `sudo apt-get install vsmartcard-vpcd`."
            }
            EmulateError::VpcdMissing { .. } => {
                "Install the vpcd driver (Debian/Ubuntu: `sudo apt-get install vsmartcard-vpcd`, which adds \
                 /etc/reader.conf.d/vpcd), then restart pcscd (`sudo systemctl restart pcscd`) so it loads it."
            }
            EmulateError::VpcdUnreachable { .. } => {
                "Check that pcscd runs with the vpcd driver (Debian/Ubuntu package vsmartcard-vpcd) and that \
                 --vpcd names the port in /etc/reader.conf.d/vpcd (default 127.0.0.1:35963)."
            }
            EmulateError::VpcdClosed { .. } => {
                "pcscd stopped or restarted while the card was waiting: start pcscd and run the emulator again."
            }
            EmulateError::Io { .. } => "Run the emulator again; if it persists, restart pcscd.",
            EmulateError::Signals(_) => "This is unexpected: please report it.",
        }
    }
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
    args: &'a EmulateArgs,
    stop: Arc<AtomicBool>,
}

pub fn run(args: &EmulateArgs) -> Result<u8, CliError> {
    let fixture = Fixture::load(&args.fixture)?;
    let name = args.fixture.display().to_string();
    let addr = resolve(&args.vpcd)?;
    let stop = Arc::new(AtomicBool::new(false));
    install_signals(&stop)?;
    // A PC/SC context held for the emulator's lifetime: it socket-activates pcscd where
    // systemd manages it, and keeps a pcscd started with --auto-exit from stopping under the
    // virtual card. Not needed when pcscd runs anyway; no error when there is none.
    let _keepalive = addr.ip().is_loopback().then(Pcsc::establish);
    let stream = connect_first(addr, &args.vpcd)?;
    let mut em = Emulator {
        card: VirtualCard::new(&fixture, &name, Duration::from_millis(args.latency)),
        addr,
        label: args.vpcd.clone(),
        args,
        stop,
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
    result.map(|()| EXIT_OK).map_err(CliError::from)
}

impl Emulator<'_> {
    fn serve_until_done(&mut self, mut stream: TcpStream) -> Result<(), EmulateError> {
        loop {
            match self.serve(stream)? {
                Ended::Stopped | Ended::SessionOver => return Ok(()),
                Ended::Closed if self.args.once => {
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

    /// Answers vpcd's requests on one connection until it ends.
    fn serve(&mut self, stream: TcpStream) -> Result<Ended, EmulateError> {
        let mut link = Link::new(stream);
        let mut silence_deadline = Some(Instant::now() + SILENCE_WARNING);
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
                if self.args.trace {
                    eprintln!("{}", trace::command(c));
                }
            }
            let reply = match self.card.handle(request) {
                Action::Atr(atr) => Some(atr),
                Action::Power {
                    event,
                    session_ended,
                } => {
                    if self.args.trace {
                        eprintln!("trace * {}", event.label());
                    }
                    if session_ended && self.args.once {
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
                    if self.args.trace {
                        eprintln!(
                            "{}  [{:.1} ms]",
                            trace::response(
                                self.card.selection(),
                                cmd,
                                &response,
                                self.args.show_identifiers
                            ),
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
        }
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

/// The reader name pcscd gives the vpcd slot on this port (slot n listens on 35963 + n).
fn reader_label(addr: SocketAddr) -> String {
    match addr.port().checked_sub(0x8C7B) {
        Some(slot @ 0..=9) if addr.ip().is_loopback() => {
            format!("reader \"Virtual PCD 00 {slot:02}\" (vpcd at {addr})")
        }
        _ => format!("the vpcd reader at {addr}"),
    }
}

fn resolve(spec: &str) -> Result<SocketAddr, EmulateError> {
    let bad = |reason: String| EmulateError::BadAddress {
        addr: spec.into(),
        reason,
    };
    spec.to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .next()
        .ok_or_else(|| bad("the name resolves to no address".into()))
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
    // Our side sends one whole message per write; no reason to let Nagle hold it back.
    stream.set_nodelay(true)?;
    // Reads wake up this often to notice Ctrl-C / SIGTERM.
    stream.set_read_timeout(Some(vpcd::WAKE_INTERVAL))?;
    Ok(stream)
}

/// The first connection, with a diagnosis when it fails: is pcscd running, does it have a
/// vpcd reader? Never probes vpcd more than by the connection attempts themselves.
fn connect_first(addr: SocketAddr, label: &str) -> Result<TcpStream, EmulateError> {
    let first = match connect(addr) {
        Ok(s) => return Ok(s),
        Err(e) => e,
    };
    if !addr.ip().is_loopback() || first.kind() != io::ErrorKind::ConnectionRefused {
        return Err(EmulateError::VpcdUnreachable {
            addr: label.into(),
            reason: first.to_string(),
        });
    }
    let readers = match Pcsc::establish().and_then(|p| p.readers()) {
        Err(TransportError::NoService) => {
            return Err(EmulateError::PcscdNotRunning {
                addr: label.into(),
                reason: first.to_string(),
            });
        }
        Err(TransportError::NoReaders) => Vec::new(),
        Err(_) => {
            return Err(EmulateError::VpcdUnreachable {
                addr: label.into(),
                reason: first.to_string(),
            });
        }
        Ok(slots) => slots.into_iter().map(|s| s.name).collect(),
    };
    // pcscd is up; it may have only just started (socket activation) and not yet opened
    // vpcd's port. Give it a moment before judging.
    let deadline = Instant::now() + STARTUP_GRACE;
    let mut last = first;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        match connect(addr) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    if readers.iter().any(|r| r.starts_with("Virtual PCD")) {
        Err(EmulateError::VpcdUnreachable {
            addr: label.into(),
            reason: format!(
                "{last}; pcscd has vpcd readers ({}), so check the port",
                readers.join(", ")
            ),
        })
    } else {
        Err(EmulateError::VpcdMissing {
            addr: label.into(),
            reason: last.to_string(),
            readers: if readers.is_empty() {
                "none".into()
            } else {
                readers.join(", ")
            },
        })
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
