//! Command-line interface: argument definitions and the commands they run.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use time::Date;

use crate::audit::{self, AuditError, AuditOptions, AuditRun};
use crate::card::Session;
use crate::card::chipmap::{self, CertRole};
use crate::fixture::{Fixture, FixtureError};
use crate::privacy::IdKind;
use crate::report::{self, Report, Source};
use crate::transport::pcsc::{Pcsc, PcscCard};
use crate::transport::replay::Replayer;
use crate::transport::trace::Trace;
use crate::transport::{ReadOnly, Transport, TransportError};

/// Exit status: the audit finished and nothing needs attention.
pub const EXIT_OK: u8 = 0;
/// Exit status: the audit finished and found something to act on.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: the audit could not be done (see the error message).
pub const EXIT_FAILED: u8 = 2;

const AFTER_HELP: &str = "\
Exit status:
  0  audit complete, nothing needs attention
  1  audit complete with findings (a blocked or low PIN, an expired certificate, ...)
  2  could not audit: no PC/SC service, no reader, no card, not a My Number Card,
     card removed, transport error, bad fixture or bad arguments

myna-audit never changes the card: it sends only SELECT, READ BINARY, READ RECORD,
GET DATA and the data-less VERIFY that reads a retry counter without spending a try.
It uses no network. See README.md and docs/.";

#[derive(Parser, Debug)]
#[command(name = "myna-audit", version, about = "Audit a My Number Card (マイナンバーカード): its applications, PIN counters, and what a finder could read", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
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
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Use this reader (exact name, or a part of it that matches one reader).
    #[arg(long, conflicts_with = "replay")]
    pub reader: Option<String>,
    /// Audit a recorded card (a fixture file, docs/fixtures.md) instead of a reader.
    #[arg(long, value_name = "FIXTURE")]
    pub replay: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How the audit's report is produced and printed (shared by `audit` and `record`).
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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

/// Every way a command can fail, with what the user can do.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    #[error(transparent)]
    Emulate(#[from] crate::emulate::EmulateError),
    #[error("no reader holds a My Number Card ({0})")]
    NoMyNumberCard(String),
    #[error("several readers hold a My Number Card: {0}")]
    SeveralMyNumberCards(String),
    #[error(transparent)]
    Record(#[from] crate::record::RecordError),
}

impl From<TransportError> for CliError {
    fn from(e: TransportError) -> Self {
        CliError::Audit(AuditError::Transport(e))
    }
}

impl CliError {
    pub fn code(&self) -> &'static str {
        match self {
            CliError::Audit(a) => a.code(),
            CliError::Fixture(FixtureError::Io { .. }) => "fixture-unreadable",
            CliError::Fixture(FixtureError::Syntax { .. }) => "fixture-malformed",
            CliError::Emulate(e) => e.code(),
            CliError::NoMyNumberCard(_) => "no-my-number-card",
            CliError::SeveralMyNumberCards(_) => "several-my-number-cards",
            CliError::Record(r) => r.code(),
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            CliError::Audit(a) => a.hint(),
            CliError::Fixture(_) => {
                "Fix the fixture file (docs/fixtures.md describes the format) or record it again."
            }
            CliError::Emulate(e) => e.hint(),
            CliError::NoMyNumberCard(_) => {
                "Place the My Number Card on a reader that supports ISO 14443 Type B (or insert it in a contact reader), \
                 or pass --reader NAME. `myna-audit readers` shows what each reader holds."
            }
            CliError::SeveralMyNumberCards(_) => "Choose one with --reader NAME.",
            CliError::Record(r) => r.hint(),
        }
    }
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
pub(crate) fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn report_error(e: &CliError) {
    eprintln!("myna-audit: error[{}]: {e}", e.code());
    eprintln!("  {}", e.hint());
}

fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Readers { format } => readers(format),
        Command::Audit(args) => audit_cmd(&args),
        Command::Record(args) => crate::record::run(&args),
        Command::Emulate(args) => crate::emulate::run(&args),
        Command::Fixture(FixtureCommand::Check { files }) => crate::fixture_check::run(&files),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            EXIT_FAILED
        }
    }
}

pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// A reader and what its card answered to SELECT JPKI.
#[derive(Debug, serde::Serialize)]
struct ReaderRow {
    name: String,
    card_present: bool,
    atr: Option<String>,
    is_my_number_card: Option<bool>,
    /// The answer to SELECT JPKI (or why there is none).
    probe: Option<String>,
}

/// Connects to a reader's card and SELECTs the JPKI AID through the read-only guard.
fn probe(pcsc: &Pcsc, reader: &str) -> Result<(PcscCard, crate::sw::StatusWord), TransportError> {
    let card = pcsc.connect(reader)?;
    let mut session = Session::new(ReadOnly::new(card));
    let sw = session.select_df(chipmap::JPKI.aid)?;
    Ok((session.into_transport(), sw))
}

fn scan(pcsc: &Pcsc) -> Result<(Vec<ReaderRow>, Vec<PcscCard>), TransportError> {
    let mut rows = Vec::new();
    let mut cards = Vec::new();
    for slot in pcsc.readers()? {
        let mut row = ReaderRow {
            name: slot.name.clone(),
            card_present: slot.atr.is_some(),
            atr: slot.atr.as_deref().map(hex::encode_upper),
            is_my_number_card: None,
            probe: None,
        };
        if row.card_present {
            match probe(pcsc, &slot.name) {
                Ok((card, sw)) => {
                    row.is_my_number_card = Some(sw.is_ok());
                    row.probe = Some(format!("SELECT JPKI-AP: {sw}"));
                    if sw.is_ok() {
                        cards.push(card);
                    }
                }
                Err(TransportError::NoCard { .. }) => row.card_present = false,
                Err(e) => row.probe = Some(format!("error: {e}")),
            }
        }
        rows.push(row);
    }
    Ok((rows, cards))
}

fn readers(format: Format) -> Result<u8, CliError> {
    let pcsc = Pcsc::establish()?;
    let (rows, _) = scan(&pcsc)?;
    match format {
        Format::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(
                &serde_json::json!({ "schema_version": report::SCHEMA_VERSION, "readers": rows })
            )
            .unwrap_or_default()
        )),
        Format::Text => {
            let mut s = String::new();
            for r in &rows {
                let what = match (r.card_present, r.is_my_number_card) {
                    (false, _) => "no card".to_string(),
                    (true, Some(true)) => "My Number Card".to_string(),
                    (true, Some(false)) => "another card (not a My Number Card)".to_string(),
                    (true, None) => "card (not identified)".to_string(),
                };
                s.push_str(&format!("{}\n  {what}", report::text::clean(&r.name)));
                if let Some(a) = &r.atr {
                    s.push_str(&format!("\n  ATR {a}"));
                }
                if let Some(p) = &r.probe {
                    s.push_str(&format!("\n  {p}"));
                }
                s.push_str("\n\n");
            }
            emit(&s);
        }
    }
    Ok(EXIT_OK)
}

fn names(rows: &[ReaderRow]) -> String {
    rows.iter()
        .map(|r| format!("\"{}\"", r.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Picks the reader: the named one, else the only one holding a My Number Card.
fn choose_reader(pcsc: &Pcsc, wanted: Option<&str>) -> Result<PcscCard, CliError> {
    if let Some(w) = wanted {
        let slots = pcsc.readers()?;
        let all: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
        let matched: Vec<&str> = match all.iter().find(|n| **n == w) {
            Some(exact) => vec![*exact],
            None => all.iter().copied().filter(|n| n.contains(w)).collect(),
        };
        let [one] = matched.as_slice() else {
            return Err(TransportError::UnknownReader {
                reader: w.into(),
                available: all
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
            .into());
        };
        return Ok(pcsc.connect(one)?);
    }
    let (rows, mut cards) = scan(pcsc)?;
    match cards.len() {
        1 => {
            let card = cards.remove(0);
            eprintln!(
                "myna-audit: using reader \"{}\" (the only one holding a My Number Card)",
                card.reader_name()
            );
            Ok(card)
        }
        0 => Err(CliError::NoMyNumberCard(format!(
            "readers: {}",
            names(&rows)
        ))),
        _ => {
            let with: Vec<&ReaderRow> = rows
                .iter()
                .filter(|r| r.is_my_number_card == Some(true))
                .collect();
            Err(CliError::SeveralMyNumberCards(
                with.iter()
                    .map(|r| format!("\"{}\"", r.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            ))
        }
    }
}

fn fixture_name(path: &Path) -> String {
    path.display().to_string()
}

/// What the audit talks to, and what its source says about itself.
pub(crate) struct Opened {
    pub transport: Box<dyn Transport>,
    pub source: Source,
    /// Certificates the fixture declares redacted (their signatures cannot verify).
    pub redacted_certificates: Vec<CertRole>,
}

/// Opens what the audit talks to: a fixture's replay, or the chosen reader's card.
pub(crate) fn open(
    reader: Option<&str>,
    replay: Option<&Path>,
) -> Result<(Box<dyn Transport>, Source), CliError> {
    let o = open_source(reader, replay)?;
    Ok((o.transport, o.source))
}

/// [`open`], also reading a fixture's `redacted:` declarations.
pub(crate) fn open_source(reader: Option<&str>, replay: Option<&Path>) -> Result<Opened, CliError> {
    match replay {
        Some(path) => {
            let fixture = Fixture::load(path)?;
            let source = Source {
                kind: report::SourceKind::Replay,
                fixture: Some(fixture_name(path)),
                fixture_kind: Some(fixture.kind.as_str().into()),
            };
            let redacted_certificates = fixture
                .redacted
                .iter()
                .filter_map(|d| crate::record::redact::parse_declaration(d))
                .filter(|(kind, _)| *kind == IdKind::AuthCertKey)
                .map(|_| CertRole::Auth)
                .collect();
            Ok(Opened {
                transport: Box::new(Replayer::new(&fixture, &fixture_name(path))),
                source,
                redacted_certificates,
            })
        }
        None => {
            let pcsc = Pcsc::establish()?;
            let card = choose_reader(&pcsc, reader)?;
            let source = Source {
                kind: report::SourceKind::Pcsc,
                fixture: None,
                fixture_kind: None,
            };
            Ok(Opened {
                transport: Box::new(card),
                source,
                redacted_certificates: Vec::new(),
            })
        }
    }
}

/// Adds `--trace` output around a transport when asked, identifiers masked unless
/// `show_identifiers`.
pub fn traced(t: Box<dyn Transport>, trace: bool, show_identifiers: bool) -> Box<dyn Transport> {
    if trace {
        Box::new(Trace::stderr(t).show_identifiers(show_identifiers))
    } else {
        t
    }
}

fn audit_cmd(args: &AuditArgs) -> Result<u8, CliError> {
    let opened = open_source(args.reader.as_deref(), args.replay.as_deref())?;
    let opts = AuditOptions {
        as_of: args.report.as_of.unwrap_or_else(today),
        show_identifiers: args.report.show_identifiers,
        source: opened.source,
        redacted_certificates: opened.redacted_certificates,
    };
    let transport = traced(
        opened.transport,
        args.report.trace,
        args.report.show_identifiers,
    );
    let mut session = Session::new(ReadOnly::new(transport));
    let run = audit::run(&mut session, &opts);
    finish(run, args.report.format)
}

/// Prints the report (also a partial one) and turns the outcome into an exit status.
pub fn finish(run: AuditRun, format: Format) -> Result<u8, CliError> {
    print_report(&run.report, format);
    let status = exit_status(&run);
    match run.error {
        Some(e) => Err(e.into()),
        None => Ok(status),
    }
}

/// The exit status of an audit outcome: 2 when it could not finish (the report printed is
/// partial), 1 with findings, 0 otherwise.
pub fn exit_status(run: &AuditRun) -> u8 {
    match &run.error {
        Some(_) => EXIT_FAILED,
        None if run.report.findings.is_empty() => EXIT_OK,
        None => EXIT_FINDINGS,
    }
}

fn print_report(report: &Report, format: Format) {
    match format {
        Format::Json => emit(&report::json::render(report)),
        Format::Text => emit(&report::text::render(report, color_stdout())),
    }
}
