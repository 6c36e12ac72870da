//! Finding vpcd: the TCP connection to it, and a diagnosis (is pcscd running, does it have
//! a vpcd reader?) when there is none.

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::EmulateError;
use super::vpcd;
use crate::transport::TransportError;
use crate::transport::pcsc::Pcsc;

/// How long to wait for a TCP connection to vpcd.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// After a refused connection while pcscd runs (it may have just been socket-activated and
/// still be loading its drivers), keep trying this long.
const STARTUP_GRACE: Duration = Duration::from_millis(1500);

/// The reader name pcscd gives the vpcd slot on this port: Debian's /etc/reader.conf.d/vpcd
/// opens two slots, on 35963 and 35964.
pub(super) fn reader_label(addr: SocketAddr) -> String {
    match reader_name(addr) {
        Some(name) => format!("reader \"{name}\" (vpcd at {addr})"),
        None => format!("the vpcd reader at {addr}"),
    }
}

/// The PC/SC name of the vpcd slot on this port, when it is one of Debian's two local
/// slots.
pub(super) fn reader_name(addr: SocketAddr) -> Option<String> {
    match addr.port().checked_sub(0x8C7B) {
        Some(slot @ 0..=1) if addr.ip().is_loopback() => Some(format!("Virtual PCD 00 {slot:02}")),
        _ => None,
    }
}

pub(super) fn resolve(spec: &str) -> Result<SocketAddr, EmulateError> {
    let bad = |reason: String| EmulateError::BadAddress {
        addr: spec.into(),
        reason,
    };
    spec.to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .next()
        .ok_or_else(|| bad("the name resolves to no address".into()))
}

pub(super) fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
    // Our side sends one whole message per write; no reason to let Nagle hold it back.
    stream.set_nodelay(true)?;
    // Reads wake up this often to notice Ctrl-C / SIGTERM.
    stream.set_read_timeout(Some(vpcd::WAKE_INTERVAL))?;
    Ok(stream)
}

/// The first connection, with a diagnosis when it fails: is pcscd running, does it have a
/// vpcd reader? Never probes vpcd more than by the connection attempts themselves.
pub(super) fn connect_first(addr: SocketAddr, label: &str) -> Result<TcpStream, EmulateError> {
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
