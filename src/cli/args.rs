//! The command line's arguments (clap derive), as the user types them.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use time::Date;

pub(super) const AFTER_HELP: &str = "\
Exit status:
  0  audit complete, nothing needs attention
  1  audit complete with findings (a blocked or low PIN, an expired certificate, ...)
  2  could not audit: no PC/SC service, no reader, no card, not a My Number Card,
     card removed, transport error, bad fixture or bad arguments

myna-audit never changes the card: it sends only SELECT, READ BINARY, READ RECORD,
GET DATA and the data-less VERIFY that reads a retry counter without spending a try.
It uses no network. See README.md and docs/.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// How the audit report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people: the verdict first, then the full inventory.
    Text,
    /// For programs: docs/json.md.
    Json,
    /// One self-contained HTML page that draws the chip as a map (no network, no external
    /// files): redirect it to a file and open it in a browser.
    Html,
}

/// The language of the text report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 日本語
    Ja,
    /// English
    En,
    /// Japanese and English side by side
    Both,
}

impl From<LangArg> for crate::lang::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Ja => crate::lang::Lang::Ja,
            LangArg::En => crate::lang::Lang::En,
            LangArg::Both => crate::lang::Lang::Both,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List PC/SC readers: card present, ATR, and whether it is a My Number Card
    /// (decided by SELECTing the JPKI application, never by ATR).
    Readers {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Audit the card: applications, retry counters, readable files, findings.
    #[command(after_help = AFTER_HELP)]
    Audit(AuditArgs),
    /// Audit the card while recording every exchange into a fixture (redacted by default).
    #[command(after_help = AFTER_HELP)]
    Record(RecordArgs),
    /// Serve a fixture as a virtual card through pcscd's vpcd driver (vsmartcard).
    Emulate(EmulateArgs),
    /// Work with fixture files.
    #[command(subcommand)]
    Fixture(FixtureCommand),
    /// Print a shell completion script on stdout (README.md says where to install it).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `myna-audit man | man -l -`.
    Man,
    /// Diagnose the PC/SC service, the readers, the card and the link, bottom up: what to
    /// run first when the card is not detected (docs/doctor.md).
    #[command(after_help = DOCTOR_AFTER_HELP)]
    Doctor(DoctorArgs),
    /// Show reader and card events as they happen (reader added/removed, card
    /// inserted/removed, ATR, My Number Card or not) until Ctrl-C.
    Watch {
        /// text: one line per event; json: one JSON object per line (docs/json.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Language of the text lines (default: from LC_ALL, LC_MESSAGES or LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
}

pub(super) const DOCTOR_AFTER_HELP: &str = "\
Exit status:
  0  every check is ok
  1  something to fix: a check below the PC/SC service warns or fails
  2  the PC/SC service is unreachable, or bad arguments

doctor sends only SELECT and READ BINARY (through the same read-only guard as the audit),
never a PIN, and reads nothing personal. See docs/doctor.md.";

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    /// Check this reader (exact name, or a part of it that matches one reader); default:
    /// the first reader whose card answers as a My Number Card.
    #[arg(long)]
    pub reader: Option<String>,
    /// Round trips of the link-quality probe (0 skips it).
    #[arg(long, value_name = "N", default_value_t = crate::doctor::DEFAULT_ROUND_TRIPS,
          value_parser = parse_round_trips)]
    pub round_trips: usize,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Language of the text output (default: from LC_ALL, LC_MESSAGES or LANG: ja* is
    /// Japanese, anything else English). JSON carries the English sentences.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

fn parse_round_trips(s: &str) -> Result<usize, String> {
    let max = crate::doctor::MAX_ROUND_TRIPS;
    match s.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("'{s}' is not a number from 0 to {max}")),
    }
}

#[derive(Subcommand, Debug)]
pub enum FixtureCommand {
    /// Check fixtures for leaks (real My Numbers, production JPKI certificates, images,
    /// PINs) and for format errors. Exit 1 on a leak, 2 on a malformed file.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// Where to write the fixture.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Use this reader (exact name, or a part of it that matches one reader).
    #[arg(long)]
    pub reader: Option<String>,
    /// Keep identifiers (card serial, certificate serial, ...) in the fixture: for a
    /// private, local fixture only. The header says so.
    #[arg(long)]
    pub keep_identifiers: bool,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub force: bool,
    /// When the card leaves the reader mid-audit, end with a partial report (exit 2) instead
    /// of waiting up to 30 s for it to come back (waiting is the default on a terminal).
    #[arg(long)]
    pub no_wait: bool,
    /// The report options; --show-identifiers affects only what is printed: the fixture is
    /// still redacted unless --keep-identifiers.
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(clap::Args, Debug)]
pub struct EmulateArgs {
    /// The fixture to serve.
    pub fixture: PathBuf,
    /// Where vpcd listens (the card connects to it).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:35963")]
    pub vpcd: String,
    /// Extra delay per APDU, in milliseconds, to model a contactless link.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Exit when the first PC/SC session ends (the card is powered off or reset).
    #[arg(long)]
    pub once: bool,
    /// Print every exchange on stderr (PIN data is never shown).
    #[arg(long)]
    pub trace: bool,
    /// Show identifiers unmasked in the trace.
    #[arg(long)]
    pub show_identifiers: bool,
    /// Answer the first command after every power-up with this status word instead of
    /// running it (e.g. 6F00, as some real cards do).
    #[arg(long, value_name = "SW", value_parser = parse_sw_arg)]
    pub first_answer: Option<crate::sw::StatusWord>,
    /// Reset the card once, after it has answered N commands, as another program
    /// disconnecting with a reset would (through PC/SC; local vpcd slots only).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub reset_after: Option<u64>,
    /// Answer extended-length APDUs 6700 (wrong length), as a short-APDU-only card or
    /// reader does.
    #[arg(long)]
    pub refuse_extended: bool,
}

fn parse_sw_arg(s: &str) -> Result<crate::sw::StatusWord, String> {
    let hex: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    match u16::from_str_radix(&hex, 16) {
        Ok(v) if hex.len() == 4 && v >> 8 != 0x90 && v >> 8 != 0x61 => Ok(crate::sw::StatusWord(v)),
        Ok(_) if hex.len() == 4 => Err(format!(
            "'{s}' is a success status word; give an error one such as 6F00"
        )),
        _ => Err(format!(
            "'{s}' is not a status word of 4 hex digits, e.g. 6F00"
        )),
    }
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Use this reader (exact name, or a part of it that matches one reader).
    #[arg(long, conflicts_with = "replay")]
    pub reader: Option<String>,
    /// Audit a recorded card (a fixture file, docs/fixtures.md) instead of a reader.
    #[arg(long, value_name = "FIXTURE")]
    pub replay: Option<PathBuf>,
    /// When the card leaves the reader mid-audit, end with a partial report (exit 2) instead
    /// of waiting up to 30 s for it to come back (waiting is the default on a terminal).
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How the audit's report is produced and printed (shared by `audit` and `record`).
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Language of the text and HTML report (default: from LC_ALL, LC_MESSAGES or LANG:
    /// ja* is Japanese, anything else English). JSON always carries both.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// No progress line on stderr while the card is read.
    #[arg(long, short)]
    pub quiet: bool,
    /// Show identifiers (card serial, certificate serial and subject number) unmasked.
    #[arg(long)]
    pub show_identifiers: bool,
    /// Judge expiry as of this date (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<Date>,
    /// Print every exchange on stderr (PIN data is never shown).
    #[arg(long)]
    pub trace: bool,
}

fn parse_date_arg(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, fmt).map_err(|_| format!("'{s}' is not a date of the form YYYY-MM-DD"))
}
