//! The fixture file format (docs/fixtures.md): a line-based, diffable record of a card
//! conversation. This module only reads and writes the text; replay lives in
//! `transport::replay`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::privacy::IdKind;

/// The only format version this build reads and writes.
pub const FORMAT: &str = "myna-audit-fixture 1";

/// Largest fixture file read, so a wrong path (a disk image, say) fails fast.
pub const MAX_FIXTURE_BYTES: u64 = 16 * 1024 * 1024;

/// Where a fixture came from; every fixture must say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixtureKind {
    /// Made up (e.g. by tools/fixturegen); no real card behind it.
    Synthetic,
    /// Recorded from a real card, identifiers replaced.
    RecordedRedacted,
    /// Recorded from a real card with identifiers kept: private, never to be shared.
    RecordedPrivate,
}

impl FixtureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixtureKind::Synthetic => "synthetic",
            FixtureKind::RecordedRedacted => "recorded-redacted",
            FixtureKind::RecordedPrivate => "recorded-private",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "synthetic" => Some(FixtureKind::Synthetic),
            "recorded-redacted" => Some(FixtureKind::RecordedRedacted),
            "recorded-private" => Some(FixtureKind::RecordedPrivate),
            _ => None,
        }
    }
}

/// One command and the card's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub command: Vec<u8>,
    pub response: Vec<u8>,
    /// 1-based line number of the `>` line (0 when built in memory).
    pub line: usize,
    /// A comment written above the exchange.
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    pub kind: FixtureKind,
    pub reader: String,
    pub atr: Vec<u8>,
    pub notes: Vec<String>,
    pub tool: Option<String>,
    pub date: Option<String>,
    pub fictional: Vec<String>,
    pub redacted: Vec<String>,
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug, Error)]
pub enum FixtureError {
    #[error("cannot read fixture {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// One `redacted:` header of a recorded fixture: which identifier was replaced, and its
/// synthetic replacement when it is a value (`card-id = "…" (…)`); bytes replaced wholesale
/// (`auth-certificate (…)`) have none. docs/recording.md lists the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub kind: IdKind,
    pub replacement: Option<String>,
}

impl Declaration {
    /// Reads a `redacted:` header value; `None` for a key this build does not know.
    pub fn parse(line: &str) -> Option<Declaration> {
        let line = line.trim();
        let key_end = line.find([' ', '=']).unwrap_or(line.len());
        let (key, rest) = (line.get(..key_end)?, line.get(key_end..)?);
        let kind = IdKind::from_key(key)?;
        let replacement = rest
            .trim_start()
            .strip_prefix('=')
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('"'))
            .and_then(|r| r.split_once('"'))
            .map(|(v, _)| v.to_string());
        Some(Declaration { kind, replacement })
    }

    /// The header value, as [`Declaration::parse`] reads it.
    pub fn to_line(&self) -> String {
        match &self.replacement {
            Some(v) => format!("{} = \"{v}\" ({})", self.kind.key(), self.kind.label()),
            None => format!("{} ({})", self.kind.key(), self.kind.label()),
        }
    }
}

/// True for the commands whose data may be a secret ([`crate::iso7816::command::secret_command`]):
/// such data must never be written anywhere. One rule with the decoder's.
pub use crate::iso7816::command::carries_secret;

/// The fixture reader's state between lines.
#[derive(Default)]
struct Parser {
    format_seen: bool,
    kind: Option<FixtureKind>,
    reader: Option<String>,
    atr: Option<Vec<u8>>,
    notes: Vec<String>,
    tool: Option<String>,
    date: Option<String>,
    fictional: Vec<String>,
    redacted: Vec<String>,
    exchanges: Vec<Exchange>,
    /// A command waiting for its response: (line, bytes).
    pending: Option<(usize, Vec<u8>)>,
    last_line: usize,
    /// Where each singular header key was first given.
    singular: Vec<(&'static str, usize)>,
}

type LineResult = Result<(), (usize, String)>;

impl Parser {
    fn line(&mut self, n: usize, line: &str) -> LineResult {
        self.last_line = n;
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix('>') {
            self.command(n, rest)
        } else if let Some(rest) = line.strip_prefix('<') {
            self.response(n, rest)
        } else if let Some((key, value)) = line.split_once(':') {
            self.header(n, key.trim(), value.trim())
        } else {
            Err((
                n,
                "expected '>' command, '<' response, 'key: value' or '#' comment".into(),
            ))
        }
    }

    fn command(&mut self, n: usize, hex: &str) -> LineResult {
        if let Some((prev, _)) = self.pending {
            return Err((
                n,
                format!("command on line {prev} has no response ('<' line)"),
            ));
        }
        let cmd = parse_hex(hex).map_err(|e| (n, format!("command: {e}")))?;
        if cmd.len() < 4 {
            return Err((n, "command shorter than the 4-byte header".into()));
        }
        if carries_secret(&cmd) {
            return Err((
                n,
                "a VERIFY-class command with data: fixtures must never contain a PIN".into(),
            ));
        }
        self.pending = Some((n, cmd));
        Ok(())
    }

    fn response(&mut self, n: usize, hex: &str) -> LineResult {
        let Some((cmd_line, command)) = self.pending.take() else {
            return Err((n, "response without a command ('>' line) before it".into()));
        };
        let response = parse_hex(hex).map_err(|e| (n, format!("response: {e}")))?;
        if response.len() < 2 {
            return Err((n, "response shorter than a status word".into()));
        }
        self.exchanges.push(Exchange {
            command,
            response,
            line: cmd_line,
            comment: None,
        });
        Ok(())
    }

    fn header(&mut self, n: usize, key: &str, value: &str) -> LineResult {
        if !self.exchanges.is_empty() || self.pending.is_some() {
            return Err((n, format!("header line '{key}:' after the first exchange")));
        }
        self.once(n, key)?;
        if key == "fictional" {
            fictional_value(value).map_err(|m| (n, m))?;
        }
        let value = value.to_string();
        match key {
            "format" if value == FORMAT => self.format_seen = true,
            "format" => {
                return Err((
                    n,
                    format!("unsupported format '{value}' (expected '{FORMAT}')"),
                ));
            }
            "kind" => {
                self.kind = Some(FixtureKind::parse(&value).ok_or((
                    n,
                    format!(
                        "unknown kind '{value}' (synthetic, recorded-redacted or recorded-private)"
                    ),
                ))?)
            }
            "reader" => self.reader = Some(value),
            "atr" => self.atr = Some(parse_hex(&value).map_err(|e| (n, format!("atr: {e}")))?),
            "note" => self.notes.push(value),
            "tool" => self.tool = Some(value),
            "date" => self.date = Some(value),
            "fictional" => self.fictional.push(value),
            "redacted" => self.redacted.push(value),
            other => return Err((n, format!("unknown header key '{other}'"))),
        }
        Ok(())
    }

    /// A header key that says one thing (`format`, `kind`, `reader`, `atr`, `tool`,
    /// `date`) given twice makes the fixture malformed: the second would silently win.
    fn once(&mut self, n: usize, key: &str) -> LineResult {
        let Some(k) = SINGULAR.iter().find(|k| **k == key) else {
            return Ok(());
        };
        if let Some((_, first)) = self.singular.iter().find(|(s, _)| s == k) {
            return Err((
                n,
                format!(
                    "header '{key}:' given twice (first on line {first}): a fixture says one thing"
                ),
            ));
        }
        self.singular.push((k, n));
        Ok(())
    }

    fn finish(self) -> Result<Fixture, (usize, String)> {
        if let Some((prev, _)) = self.pending {
            return Err((prev, "command has no response ('<' line)".into()));
        }
        let end = self.last_line.max(1);
        if !self.format_seen {
            return Err((end, format!("missing header 'format: {FORMAT}'")));
        }
        Ok(Fixture {
            kind: self.kind.ok_or((
                end,
                "missing header 'kind:' (synthetic or recorded-*)".to_string(),
            ))?,
            reader: self
                .reader
                .ok_or((end, "missing header 'reader:'".to_string()))?,
            atr: self.atr.ok_or((end, "missing header 'atr:'".to_string()))?,
            notes: self.notes,
            tool: self.tool,
            date: self.date,
            fictional: self.fictional,
            redacted: self.redacted,
            exchanges: self.exchanges,
        })
    }
}

/// The header keys a fixture may give once only; `note`, `fictional` and `redacted` repeat.
const SINGULAR: [&str; 6] = ["format", "kind", "reader", "atr", "tool", "date"];

/// A `fictional:` line declares exactly one value (docs/fixtures.md): a word without
/// spaces (`123456789018`, `SYNTHCARDID00101`), or a 12-digit number in its printed form
/// (`3141 5926 5352`, `3141-5926-5352`). Anything else on the line would be free text the
/// leak check lets through.
fn fictional_value(value: &str) -> Result<(), String> {
    let v = value.trim();
    // A control character is no part of a word: the writer turns it into a space, and the
    // written line would then declare two values (fuzz/regressions/fixture/crash-41195eaa).
    let one_word = !v.is_empty() && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    let printed = crate::privacy::text::declared_digits(v).is_some_and(|d| d.len() == 12);
    if one_word || printed {
        Ok(())
    } else {
        Err(format!(
            "'fictional:' declares exactly one value (a word, or a 12-digit number as printed), not '{}'",
            one_line(v)
        ))
    }
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    hex::decode(&compact).map_err(|e| format!("bad hex ({e})"))
}

impl Fixture {
    /// Reads and parses a fixture file.
    pub fn load(path: &Path) -> Result<Fixture, FixtureError> {
        let io = |message: String| FixtureError::Io {
            path: path.to_path_buf(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
        if meta.len() > MAX_FIXTURE_BYTES {
            return Err(io(format!(
                "{} bytes is larger than the {} byte limit for a fixture",
                meta.len(),
                MAX_FIXTURE_BYTES
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let good = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..good).unwrap_or_default();
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            FixtureError::Syntax {
                path: path.to_path_buf(),
                line,
                message: "not UTF-8 text (a fixture is a text file, docs/fixtures.md)".into(),
            }
        })?;
        Fixture::parse(&text).map_err(|(line, message)| FixtureError::Syntax {
            path: path.to_path_buf(),
            line,
            message,
        })
    }

    /// Parses fixture text; the error is (1-based line, message).
    pub fn parse(text: &str) -> Result<Fixture, (usize, String)> {
        let mut p = Parser::default();
        for (i, raw) in text.lines().enumerate() {
            p.line(i + 1, raw.trim())?;
        }
        p.finish()
    }

    /// The `redacted:` headers this build understands, typed.
    pub fn declarations(&self) -> Vec<Declaration> {
        self.redacted
            .iter()
            .filter_map(|d| Declaration::parse(d))
            .collect()
    }

    /// The fixture as text, in the format [`Fixture::parse`] reads.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# myna-audit fixture (docs/fixtures.md)");
        let _ = writeln!(s, "format: {FORMAT}");
        let _ = writeln!(s, "kind: {}", self.kind.as_str());
        for n in &self.notes {
            let _ = writeln!(s, "note: {}", one_line(n));
        }
        let _ = writeln!(s, "reader: {}", one_line(&self.reader));
        let _ = writeln!(s, "atr: {}", crate::iso7816::spaced_hex(&self.atr));
        if let Some(t) = &self.tool {
            let _ = writeln!(s, "tool: {}", one_line(t));
        }
        if let Some(d) = &self.date {
            let _ = writeln!(s, "date: {}", one_line(d));
        }
        for v in &self.fictional {
            let _ = writeln!(s, "fictional: {}", one_line(v));
        }
        for v in &self.redacted {
            let _ = writeln!(s, "redacted: {}", one_line(v));
        }
        for e in &self.exchanges {
            s.push('\n');
            if let Some(c) = &e.comment {
                let _ = writeln!(s, "# {}", one_line(c));
            }
            let _ = writeln!(s, "> {}", crate::iso7816::spaced_hex(&e.command));
            let _ = writeln!(s, "< {}", crate::iso7816::spaced_hex(&e.response));
        }
        s
    }
}

/// Header values and comments are single lines of printable text.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzz crash 41195eaa: a `fictional:` value with a BEL and NULs inside passed as one
    /// word, and the writer's line (controls become spaces) no longer parsed.
    #[test]
    fn fuzz_fixture_crash_41195eaa_a_fictional_value_with_control_characters_is_malformed() {
        let text = SMALL.replace(
            "note: made up\n",
            "note: made up\nfictional: 9990\u{7}\u{0}\u{0}00000000105\n",
        );
        let (_, err) = Fixture::parse(&text).expect_err("a control character splits the value");
        assert!(err.contains("exactly one value"), "{err}");
        let input = include_bytes!(
            "../fuzz/regressions/fixture/crash-41195eaac565110626ab18cf624d2983d0e0283f"
        );
        if let Ok(f) = Fixture::parse(&String::from_utf8_lossy(input)) {
            Fixture::parse(&f.to_text()).expect("a parsed fixture writes a fixture that parses");
        }
    }

    const SMALL: &str = "# comment\nformat: myna-audit-fixture 1\nkind: synthetic\nnote: made up\nreader: R 00\natr: 3B 88 80 01\n\n> 00 a4 04 0c 0a d3 92 f0 00 26 01 00 00 00 01\n< 9000\n";

    #[test]
    fn parses_header_and_exchanges() {
        let f = Fixture::parse(SMALL).unwrap();
        assert_eq!(f.kind, FixtureKind::Synthetic);
        assert_eq!(f.reader, "R 00");
        assert_eq!(f.atr, vec![0x3B, 0x88, 0x80, 0x01]);
        assert_eq!(f.exchanges.len(), 1);
        assert_eq!(f.exchanges[0].line, 8);
        assert_eq!(f.exchanges[0].response, vec![0x90, 0x00]);
    }

    #[test]
    fn round_trips_through_text() {
        let f = Fixture::parse(SMALL).unwrap();
        let again = Fixture::parse(&f.to_text()).unwrap();
        assert_eq!(f.exchanges.len(), again.exchanges.len());
        assert_eq!(f.exchanges[0].command, again.exchanges[0].command);
        assert_eq!(f.atr, again.atr);
        assert_eq!(f.notes, again.notes);
    }

    fn err_line(text: &str) -> (usize, String) {
        Fixture::parse(text).err().unwrap()
    }

    #[test]
    fn errors_name_the_line() {
        let bad_hex = SMALL.replace("< 9000", "< 90 0G");
        assert_eq!(err_line(&bad_hex).0, 9);
        let orphan = format!("{SMALL}< 90 00\n");
        assert_eq!(err_line(&orphan).0, 10);
        let unanswered = format!("{SMALL}> 00 B0 00 00 00\n");
        assert_eq!(err_line(&unanswered).0, 10);
        let short = SMALL.replace("< 9000", "< 90");
        assert!(err_line(&short).1.contains("status word"));
        let typo = SMALL.replace("reader:", "raeder:");
        assert!(err_line(&typo).1.contains("unknown header key"));
    }

    /// Issue 18: a header that says one thing, then another.
    #[test]
    fn a_singular_header_key_given_twice_is_malformed() {
        for (key, line) in [
            ("kind: recorded-private", 7),
            ("kind: synthetic", 7),
            ("format: myna-audit-fixture 1", 7),
            ("reader: Other", 7),
            ("atr: 3B 00", 7),
        ] {
            let twice = SMALL.replace("atr: 3B 88 80 01\n", &format!("atr: 3B 88 80 01\n{key}\n"));
            let twice = if key.starts_with("atr") {
                SMALL.replace("reader: R 00\n", "reader: R 00\natr: 3B 00\n")
            } else {
                twice
            };
            let (n, msg) = err_line(&twice);
            assert!(msg.contains("given twice"), "{key}: {msg}");
            assert_eq!(n, if key.starts_with("atr") { 7 } else { line }, "{key}");
        }
        // Repeatable keys repeat.
        let notes = SMALL.replace(
            "note: made up\n",
            "note: made up\nnote: again\nfictional: 123456789018\nfictional: 987654321093\n",
        );
        assert!(Fixture::parse(&notes).is_ok());
        let tool_date = SMALL.replace("note: made up\n", "tool: a\ndate: 2026-01-01\ntool: b\n");
        assert!(err_line(&tool_date).1.contains("'tool:' given twice"));
    }

    #[test]
    fn fictional_declares_exactly_one_value() {
        for ok in [
            "123456789018",
            "SYNTHCARDID00101",
            "3141 5926 5352",
            "3141-5926-5352",
        ] {
            let t = SMALL.replace("note: made up\n", &format!("fictional: {ok}\n"));
            assert!(Fixture::parse(&t).is_ok(), "{ok}");
        }
        for bad in ["", "123456789018 and 537686677188", "a name", "1234 5678"] {
            let t = SMALL.replace("note: made up\n", &format!("fictional: {bad}\n"));
            assert!(err_line(&t).1.contains("exactly one value"), "{bad:?}");
        }
    }

    #[test]
    fn rejects_missing_provenance() {
        let no_kind = SMALL.replace("kind: synthetic\n", "");
        assert!(err_line(&no_kind).1.contains("kind"));
        let bad_kind = SMALL.replace("kind: synthetic", "kind: real");
        assert!(err_line(&bad_kind).1.contains("unknown kind"));
    }

    #[test]
    fn rejects_a_pin_in_a_fixture() {
        let with_pin = format!("{SMALL}> 00 20 00 80 04 31 32 33 34\n< 90 00\n");
        let (line, msg) = err_line(&with_pin);
        assert_eq!(line, 10);
        assert!(msg.contains("PIN"));
        // The data-less retry-counter query is fine.
        let query = format!("{SMALL}> 00 20 00 80\n< 63 C3\n");
        assert!(Fixture::parse(&query).is_ok());
    }

    #[test]
    fn secret_carrying_instructions() {
        assert!(carries_secret(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(carries_secret(&[0x00, 0x24, 0x01, 0x80, 0x01, 1]));
        assert!(carries_secret(&[0x80, 0x32, 0x00, 0x80, 0x01, 1]));
        assert!(!carries_secret(&[0x00, 0x20, 0x00, 0x80]));
        assert!(!carries_secret(&[0x00, 0xB0, 0x00, 0x00, 0x00]));
    }
}
