//! The vpcd wire protocol, card side (vsmartcard's virtual reader driver inside pcscd).
//!
//! Every message, both ways, is a 2-byte big-endian length then the payload. From vpcd, a
//! 1-byte payload is a control code (power off, power on, reset, get ATR); anything longer
//! is a command APDU. The card answers get-ATR and APDUs, never the power codes
//! (../shared/docs/pcsc-virtual-reader.md, "The vpcd wire protocol").

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest payload a message can carry (the length prefix is 16 bits).
pub const MAX_PAYLOAD: usize = 0xFFFF;

/// How often a blocked read wakes up to check for Ctrl-C / SIGTERM.
pub const WAKE_INTERVAL: Duration = Duration::from_millis(100);

/// What vpcd asks of the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `00`: the reader removed power; no reply.
    PowerOff,
    /// `01`: the reader applied power; no reply.
    PowerOn,
    /// `02`: warm reset; no reply.
    Reset,
    /// `04`: send the ATR. pcscd polls with it every 400 ms to see the card is still there.
    GetAtr,
    /// A 1-byte payload this protocol version does not define; no reply.
    UnknownControl(u8),
    /// A command APDU; the reply is the whole response (data + SW1 SW2).
    Apdu(Vec<u8>),
}

impl Request {
    pub fn from_payload(payload: Vec<u8>) -> Request {
        match payload.as_slice() {
            [0x00] => Request::PowerOff,
            [0x01] => Request::PowerOn,
            [0x02] => Request::Reset,
            [0x04] => Request::GetAtr,
            [code] => Request::UnknownControl(*code),
            _ => Request::Apdu(payload),
        }
    }
}

/// Why reading a message stopped without one.
#[derive(Debug)]
pub enum RecvError {
    /// vpcd closed the connection (pcscd stopped, or the driver dropped the card).
    Closed,
    /// The stop flag was raised (Ctrl-C / SIGTERM) while waiting.
    Stopped,
    /// Nothing arrived by the deadline given to [`Link::recv_within`].
    Idle,
    Io(io::Error),
}

/// A byte stream to vpcd. `before_read` runs before every `read` call.
pub trait Wire: Read + Write {
    /// Re-arms TCP_QUICKACK on a TCP socket; nothing elsewhere.
    fn before_read(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Wire for TcpStream {
    fn before_read(&mut self) -> io::Result<()> {
        // bookworm's vpcd sends the length and the payload in two send() calls without
        // TCP_NODELAY: with delayed ACKs each APDU then waits ~40 ms for the ACK of the first
        // segment. TCP_QUICKACK is not sticky (the kernel clears it), so it is set before
        // every read (pcsc-virtual-reader.md, "Latency trap").
        #[cfg(target_os = "linux")]
        socket2::SockRef::from(&*self).set_tcp_quickack(true)?;
        Ok(())
    }
}

/// One connection to vpcd, framing messages.
pub struct Link<W: Wire> {
    wire: W,
}

impl<W: Wire> Link<W> {
    pub fn new(wire: W) -> Self {
        Link { wire }
    }

    pub fn wire(&self) -> &W {
        &self.wire
    }

    /// Reads exactly one message. A read timeout on the wire (if set) only serves to look
    /// at `stop`; the bytes read so far are kept.
    pub fn recv(&mut self, stop: &AtomicBool) -> Result<Request, RecvError> {
        self.recv_within(stop, None)
    }

    /// Like [`Link::recv`], but gives up with [`RecvError::Idle`] when no byte of the next
    /// message has arrived by `deadline` (this needs a read timeout on the wire).
    pub fn recv_within(
        &mut self,
        stop: &AtomicBool,
        deadline: Option<Instant>,
    ) -> Result<Request, RecvError> {
        let mut len = [0u8; 2];
        self.read_exact(&mut len, stop, deadline)?;
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        self.read_exact(&mut payload, stop, None)?;
        Ok(Request::from_payload(payload))
    }

    /// Fills `buf` completely (a message may arrive in several segments).
    fn read_exact(
        &mut self,
        buf: &mut [u8],
        stop: &AtomicBool,
        deadline: Option<Instant>,
    ) -> Result<(), RecvError> {
        let mut filled = 0;
        while filled < buf.len() {
            if stop.load(Ordering::Relaxed) {
                return Err(RecvError::Stopped);
            }
            if filled == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(RecvError::Idle);
            }
            self.wire.before_read().map_err(RecvError::Io)?;
            match self.wire.read(&mut buf[filled..]) {
                Ok(0) => return Err(RecvError::Closed),
                Ok(n) => filled += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) if is_reset(&e) => return Err(RecvError::Closed),
                Err(e) => return Err(RecvError::Io(e)),
            }
        }
        Ok(())
    }

    /// Sends one message: length and payload in a single write, so vpcd never waits for a
    /// second segment.
    pub fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        let len = u16::try_from(payload.len()).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} bytes do not fit one vpcd message", payload.len()),
            )
        })?;
        let mut msg = Vec::with_capacity(2 + payload.len());
        msg.extend_from_slice(&len.to_be_bytes());
        msg.extend_from_slice(payload);
        self.wire.write_all(&msg)?;
        self.wire.flush()
    }
}

/// The peer went away rather than the socket failing.
pub fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// An in-memory wire that hands out its input a few bytes at a time, as TCP may.
    struct Trickle {
        input: Cursor<Vec<u8>>,
        step: usize,
        output: Vec<u8>,
        writes: usize,
        reads_armed: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step);
            self.input.read(&mut buf[..n])
        }
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            self.output.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Wire for Trickle {
        fn before_read(&mut self) -> io::Result<()> {
            self.reads_armed += 1;
            Ok(())
        }
    }

    fn link(input: &[u8], step: usize) -> Link<Trickle> {
        Link::new(Trickle {
            input: Cursor::new(input.to_vec()),
            step,
            output: Vec::new(),
            writes: 0,
            reads_armed: 0,
        })
    }

    #[test]
    fn decodes_control_codes_and_apdus_split_across_reads() {
        // get ATR, power on, a SELECT, reset, power off, as vpcd frames them.
        let input = [
            &[0x00, 0x01, 0x04][..],
            &[0x00, 0x01, 0x01],
            &[0x00, 0x07, 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A],
            &[0x00, 0x01, 0x02],
            &[0x00, 0x01, 0x00],
        ]
        .concat();
        let mut l = link(&input, 1);
        let stop = AtomicBool::new(false);
        assert_eq!(l.recv(&stop).unwrap(), Request::GetAtr);
        assert_eq!(l.recv(&stop).unwrap(), Request::PowerOn);
        assert_eq!(
            l.recv(&stop).unwrap(),
            Request::Apdu(vec![0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A])
        );
        assert_eq!(l.recv(&stop).unwrap(), Request::Reset);
        assert_eq!(l.recv(&stop).unwrap(), Request::PowerOff);
        assert!(matches!(l.recv(&stop), Err(RecvError::Closed)));
        // Quick-ACK is re-armed before every single read call.
        assert!(l.wire.reads_armed >= input.len());
    }

    #[test]
    fn a_message_cut_short_is_a_closed_connection() {
        let mut l = link(&[0x00, 0x05, 0x00, 0xA4], 16);
        assert!(matches!(
            l.recv(&AtomicBool::new(false)),
            Err(RecvError::Closed)
        ));
    }

    #[test]
    fn sends_length_and_payload_in_one_write() {
        let mut l = link(&[], 1);
        l.send(&[0x90, 0x00]).unwrap();
        assert_eq!(l.wire.output, vec![0x00, 0x02, 0x90, 0x00]);
        assert_eq!(l.wire.writes, 1);
        assert!(l.send(&vec![0u8; MAX_PAYLOAD + 1]).is_err());
    }

    /// A wire on which nothing ever arrives (a read timeout fires every time).
    struct Silent;

    impl Read for Silent {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::WouldBlock.into())
        }
    }

    impl Write for Silent {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Wire for Silent {}

    #[test]
    fn silence_past_the_deadline_is_idle() {
        let mut l = Link::new(Silent);
        let r = l.recv_within(&AtomicBool::new(false), Some(Instant::now()));
        assert!(matches!(r, Err(RecvError::Idle)));
    }

    #[test]
    fn stop_is_honoured_between_messages() {
        let mut l = link(&[0x00, 0x01, 0x04], 16);
        assert!(matches!(
            l.recv(&AtomicBool::new(true)),
            Err(RecvError::Stopped)
        ));
    }
}
