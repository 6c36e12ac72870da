//! The progress line while a real card is read: which application, how many commands so
//! far, and "keep the card still" (a contactless audit takes seconds, and moving the card
//! ends it). One line on stderr, redrawn in place with a carriage return and cleared when
//! the transport is dropped (also after an error), so the report that follows starts on a
//! clean line.
//!
//! The transport only tells what it sends ([`crate::transport::events`]); this observer
//! names the application from SELECT-by-AID commands (read through
//! [`crate::iso7816::command`], named from [`crate::chipmap::APPLICATIONS`]) and draws.
//! It writes to any [`Write`]: the CLI gives it stderr only when stderr is a terminal, the
//! tests give it a `Vec<u8>`. Redrawing pads with spaces over the previous line rather than
//! using terminal escapes, so it works on any terminal; every line fits 80 columns.

// Commands are untrusted bytes here too (they may come from a fixture): no indexing.
#![deny(clippy::indexing_slicing)]

use std::io::{IsTerminal, Write};

use crate::chipmap::{APPLICATIONS, AppSpec};
use crate::iso7816::command::{Command, ISD_AID, decode};
use crate::transport::events::{Observed, Observer};

/// The language of the progress line: the crate's one [`crate::lang::Lang`] (`Both` is
/// Japanese and English on one line).
pub use crate::lang::Lang as ProgressLang;

/// Where the card is, as far as the commands sent so far tell.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// Nothing selected yet.
    Card,
    App(&'static AppSpec),
    /// The card level (the issuer security domain: GET DATA of the MF objects).
    Mf,
    /// An application the chip map does not know.
    Other,
}

impl Place {
    fn of_aid(aid: &[u8]) -> Place {
        if aid == ISD_AID {
            return Place::Mf;
        }
        APPLICATIONS
            .iter()
            .find(|a| a.aid == aid)
            .map_or(Place::Other, |a| Place::App(a))
    }

    fn name(self, lang: ProgressLang) -> &'static str {
        let ja = matches!(lang, ProgressLang::Ja);
        match self {
            Place::Card if ja => "カード",
            Place::Card => "card",
            Place::App(a) if ja => a.name_ja,
            Place::App(a) => a.name_en,
            Place::Mf => "MF",
            Place::Other if ja => "その他のAP",
            Place::Other => "other application",
        }
    }
}

/// The progress line for `commands` commands sent, the last one in `place`.
fn line(place: Place, commands: usize, lang: ProgressLang) -> String {
    let name = place.name(lang);
    let s = if commands == 1 { "" } else { "s" };
    match lang {
        ProgressLang::Ja => {
            format!("{name}を読み取り中（{commands} コマンド）カードを動かさないでください")
        }
        ProgressLang::En => {
            format!("reading {name}: {commands} command{s}, keep the card still")
        }
        ProgressLang::Both => {
            format!("{name}: {commands} cmd{s} - カードを動かさないで / keep the card still")
        }
    }
}

/// The columns a line takes on a terminal (Japanese characters take two).
fn width(s: &str) -> usize {
    textwrap::core::display_width(s)
}

/// An observer of the transport that keeps one progress line up to date on `sink` (stderr
/// by default); disabled, it writes nothing at all.
pub struct Progress<W: Write = std::io::Stderr> {
    /// `None` when disabled.
    sink: Option<W>,
    lang: ProgressLang,
    place: Place,
    commands: usize,
    /// The width of the line on screen (0: nothing drawn).
    drawn: usize,
}

impl Progress {
    /// Progress on stderr when `wanted` and stderr is a terminal; otherwise silent.
    pub fn stderr(wanted: bool, lang: ProgressLang) -> Self {
        let sink = std::io::stderr();
        let sink = (wanted && sink.is_terminal()).then_some(sink);
        Progress::new(sink, lang)
    }
}

impl<W: Write> Progress<W> {
    /// Progress written to `sink`, or nothing when `sink` is `None`.
    pub fn new(sink: Option<W>, lang: ProgressLang) -> Self {
        Progress {
            sink,
            lang,
            place: Place::Card,
            commands: 0,
            drawn: 0,
        }
    }

    /// `transport`, with this line following what it sends.
    pub fn watch<T>(self, transport: T) -> Observed<T, Self> {
        Observed::new(transport, self)
    }

    /// Whether anything will be written.
    #[cfg(test)]
    fn enabled(&self) -> bool {
        self.sink.is_some()
    }

    /// Removes the line from the screen (done on drop too).
    pub fn clear(&mut self) {
        if self.drawn == 0 {
            return;
        }
        let blank = format!("\r{}\r", " ".repeat(self.drawn));
        self.drawn = 0;
        self.write(&blank);
    }

    fn draw(&mut self) {
        if self.sink.is_none() {
            return;
        }
        let text = line(self.place, self.commands, self.lang);
        let w = width(&text);
        // Spaces over what the previous, longer line left behind.
        let pad = " ".repeat(self.drawn.saturating_sub(w));
        self.drawn = w;
        self.write(&format!("\r{text}{pad}"));
    }

    fn write(&mut self, s: &str) {
        if let Some(sink) = self.sink.as_mut() {
            // A progress line that cannot be written is not worth stopping the audit for.
            let _ = sink.write_all(s.as_bytes());
            let _ = sink.flush();
        }
    }
}

impl<W: Write> Observer for Progress<W> {
    fn sent(&mut self, number: usize, command: &[u8]) {
        if let Command::SelectDf { aid } = decode(command) {
            self.place = Place::of_aid(aid);
        }
        self.commands = number;
        self.draw();
    }

    fn finished(&mut self) {
        self.clear();
    }
}

impl<W: Write> Drop for Progress<W> {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::chipmap::JPKI;
    use crate::transport::{Transport, TransportError};

    /// Answers 90 00 to everything, or fails every command.
    struct Fake {
        fail: bool,
    }

    impl Transport for Fake {
        fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, TransportError> {
            if self.fail {
                Err(TransportError::CardRemoved)
            } else {
                Ok(vec![0x90, 0x00])
            }
        }
        fn reader_name(&self) -> &str {
            "fake reader"
        }
        fn atr(&self) -> &[u8] {
            &[0x3B]
        }
    }

    /// A sink the test keeps reading after the transport is dropped.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn select(aid: &[u8]) -> Vec<u8> {
        let mut c = vec![0x00, 0xA4, 0x04, 0x0C, aid.len() as u8];
        c.extend_from_slice(aid);
        c
    }

    const READ: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x01];

    /// What the line wrote while a transport sent `commands` and was dropped.
    fn written(lang: ProgressLang, commands: &[Vec<u8>]) -> String {
        let sink = Shared::default();
        {
            let mut t = Progress::new(Some(sink.clone()), lang).watch(Fake { fail: false });
            assert!(t.observer().enabled());
            for c in commands {
                t.transmit(c).unwrap();
            }
        }
        String::from_utf8(sink.0.borrow().clone()).unwrap()
    }

    #[test]
    fn frames_name_the_application_count_commands_and_clear_at_the_end() {
        let s = written(
            ProgressLang::En,
            &[
                select(JPKI.aid),
                READ.to_vec(),
                select(crate::chipmap::JUKI.aid),
            ],
        );
        let jpki1 = "reading JPKI-AP: 1 command, keep the card still";
        let jpki2 = "reading JPKI-AP: 2 commands, keep the card still";
        let juki3 = "reading resident registry AP: 3 commands, keep the card still";
        let blank = " ".repeat(width(juki3));
        assert_eq!(s, format!("\r{jpki1}\r{jpki2}\r{juki3}\r{blank}\r"));
    }

    #[test]
    fn a_shorter_line_pads_over_the_longer_one() {
        let s = written(
            ProgressLang::En,
            &[select(crate::chipmap::JUKI.aid), select(JPKI.aid)],
        );
        let long = "reading resident registry AP: 1 command, keep the card still";
        let short = "reading JPKI-AP: 2 commands, keep the card still";
        let pad = " ".repeat(width(long) - width(short));
        let blank = " ".repeat(width(short));
        assert_eq!(s, format!("\r{long}\r{short}{pad}\r{blank}\r"));
    }

    #[test]
    fn japanese_frames_count_wide_characters_twice() {
        let s = written(ProgressLang::Ja, &[select(JPKI.aid)]);
        let ja = "公的個人認証APを読み取り中（1 コマンド）カードを動かさないでください";
        // Six wide characters, AP, six wide, a wide parenthesis, "1 ", four wide, a wide
        // parenthesis, fourteen wide.
        let blank = " ".repeat(width(ja));
        assert_eq!(width(ja), 12 + 2 + 12 + 2 + 2 + 8 + 2 + 28);
        assert_eq!(s, format!("\r{ja}\r{blank}\r"));
    }

    #[test]
    fn both_languages_on_one_line() {
        let s = written(ProgressLang::Both, &[select(JPKI.aid)]);
        assert!(
            s.starts_with("\rJPKI-AP: 1 cmd - カードを動かさないで / keep the card still"),
            "{s:?}"
        );
    }

    #[test]
    fn the_card_level_and_unknown_applications_are_named() {
        let s = written(
            ProgressLang::En,
            &[READ.to_vec(), select(&ISD_AID), select(&[0xD3, 0x92, 0x99])],
        );
        assert!(s.contains("\rreading card: 1 command"), "{s:?}");
        assert!(s.contains("\rreading MF: 2 commands"), "{s:?}");
        assert!(
            s.contains("\rreading other application: 3 commands"),
            "{s:?}"
        );
    }

    #[test]
    fn the_line_is_cleared_when_the_transport_fails_and_is_dropped() {
        let sink = Shared::default();
        {
            let mut t =
                Progress::new(Some(sink.clone()), ProgressLang::En).watch(Fake { fail: true });
            assert_eq!(
                t.transmit(&select(JPKI.aid)),
                Err(TransportError::CardRemoved)
            );
        }
        let s = String::from_utf8(sink.0.borrow().clone()).unwrap();
        let line = "reading JPKI-AP: 1 command, keep the card still";
        assert_eq!(s, format!("\r{line}\r{}\r", " ".repeat(width(line))));
    }

    #[test]
    fn disabled_it_writes_nothing_and_still_forwards() {
        let mut t = Progress::<Shared>::new(None, ProgressLang::Both).watch(Fake { fail: false });
        assert!(!t.observer().enabled());
        assert_eq!(t.transmit(&select(JPKI.aid)).unwrap(), vec![0x90, 0x00]);
        assert_eq!(t.reader_name(), "fake reader");
        assert_eq!(t.atr(), &[0x3B]);
    }

    #[test]
    fn an_empty_sink_stays_empty_without_commands() {
        assert_eq!(written(ProgressLang::En, &[]), "");
    }

    #[test]
    fn every_line_fits_80_columns() {
        let places = APPLICATIONS.iter().map(|a| Place::App(a)).chain([
            Place::Card,
            Place::Mf,
            Place::Other,
        ]);
        for place in places {
            for lang in [ProgressLang::Ja, ProgressLang::En, ProgressLang::Both] {
                let l = line(place, 9999, lang);
                assert!(width(&l) < 80, "{} columns: {l}", width(&l));
            }
        }
    }
}
