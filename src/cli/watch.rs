//! `myna-audit watch`: reader and card events as they happen, until SIGINT or SIGTERM.
//!
//! Every [`POLL`] the reader list is read from PC/SC and compared with the previous one
//! ([`crate::doctor::watch::diff`]); a newly inserted card is identified by SELECTing the
//! JPKI-AP through the read-only guard ([`crate::doctor::watch::identify`]). When the
//! service stops (a pcscd restart), the last list is kept, a `service_lost` event is
//! printed and the context is re-established as soon as the service answers again
//! (`service_back`); the events after it are the differences from the list before.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{CliError, Format, emit};
use crate::doctor::watch::{Event, Line, diff, identify};
use crate::error::Exit;
use crate::lang::Lang;
use crate::transport::TransportError;
use crate::transport::pcsc::{Pcsc, ReaderSlot};

/// How often the reader list is read. A card put down and taken away within one interval
/// is not seen.
pub const POLL: Duration = Duration::from_millis(100);

pub(super) fn run(format: Format, lang: Lang) -> Result<Exit, CliError> {
    let stop = Arc::new(AtomicBool::new(false));
    if let Err(e) = install_signals(&stop) {
        eprintln!("myna-audit watch: cannot catch Ctrl-C ({e}); it will end the process");
    }
    if format == Format::Text {
        eprintln!("myna-audit watch: watching the PC/SC readers; Ctrl-C stops");
    }
    let mut w = Watcher {
        format,
        lang,
        ctx: None,
        known: Vec::new(),
        lost: false,
        last_event: None,
    };
    while !stop.load(Ordering::Relaxed) {
        w.tick();
        sleep_unless(&stop, POLL);
    }
    if format == Format::Text {
        eprintln!("myna-audit watch: stopped");
    }
    Ok(Exit::Ok)
}

struct Watcher {
    format: Format,
    /// The language of the text lines.
    lang: Lang,
    ctx: Option<Pcsc>,
    /// The reader list last seen (kept while the service is away).
    known: Vec<ReaderSlot>,
    /// The service is away (a `service_lost` was printed).
    lost: bool,
    last_event: Option<Instant>,
}

impl Watcher {
    fn tick(&mut self) {
        if self.ctx.is_none() {
            match Pcsc::establish() {
                Ok(ctx) => {
                    self.ctx = Some(ctx);
                    if self.lost {
                        self.lost = false;
                        self.print(Event::ServiceBack, None);
                    }
                }
                Err(e) => {
                    self.service_lost(&e, false);
                    return;
                }
            }
        }
        let Some(ctx) = &self.ctx else {
            return;
        };
        let now = match ctx.readers() {
            Ok(list) => list,
            Err(TransportError::NoReaders) => Vec::new(),
            Err(e) => {
                // The context is dead (pcscd stopped or restarted): drop it and establish a
                // new one on the next tick.
                self.ctx = None;
                self.service_lost(&e, true);
                return;
            }
        };
        for event in diff(&self.known, &now) {
            let mnc = match &event {
                Event::CardInserted { reader, .. } => self.identify(reader),
                _ => None,
            };
            self.print(event, mnc);
        }
        self.known = now;
    }

    /// Says once that the service is away: `had_context` when a working context broke (a
    /// stop or restart), otherwise none could be established (not running).
    fn service_lost(&mut self, e: &TransportError, had_context: bool) {
        if self.lost {
            return;
        }
        self.lost = true;
        let error = match e {
            TransportError::NoService | TransportError::ServiceStopped if had_context => {
                "the PC/SC service stopped or restarted".to_string()
            }
            TransportError::NoService | TransportError::ServiceStopped => {
                "the PC/SC service is not running (`myna-audit doctor` says why)".to_string()
            }
            other => other.to_string(),
        };
        self.print(Event::ServiceLost { error }, None);
    }

    /// Whether the card just inserted in `reader` is a My Number Card (`None`: it could not
    /// be asked).
    fn identify(&self, reader: &str) -> Option<bool> {
        let card = self.ctx.as_ref()?.connect(reader).ok()?;
        identify(card).ok()
    }

    fn print(&mut self, event: Event, my_number_card: Option<bool>) {
        let now = Instant::now();
        let line = Line::new(
            event,
            self.last_event.map(|t| now.duration_since(t)),
            my_number_card,
        );
        self.last_event = Some(now);
        emit(&match self.format {
            Format::Json => format!("{}\n", line.json()),
            Format::Text => format!("{}\n", line.text(self.lang)),
        });
    }
}

/// Sleeps `total`, waking early when a stop is asked.
fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= end {
            return;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(20)));
    }
}

/// SIGINT and SIGTERM raise `stop`; a second one ends the process at once.
fn install_signals(stop: &Arc<AtomicBool>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        use signal_hook::flag;
        for sig in [SIGINT, SIGTERM] {
            flag::register_conditional_shutdown(sig, 2, Arc::clone(stop))?;
            flag::register(sig, Arc::clone(stop))?;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = stop;
    }
    Ok(())
}
