//! Command-line interface: parses the arguments, turns them into the library's options,
//! runs the library, and prints: reports on stdout, errors (`error[code]` and a hint) on
//! stderr. The library itself never decides an exit status's number or prints an error.

mod args;
mod audit;
mod completions;
mod doctor;
mod emulate;
mod fixture;
mod man;
mod progress;
mod readers;
mod record;
mod watch;

use std::io::Write;

use clap::Parser;
use time::Date;

pub use args::{
    AuditArgs, Command, DoctorArgs, EmulateArgs, FixtureCommand, Format, LangArg, RecordArgs,
    ReportArgs, ReportFormat,
};

use crate::audit::{AuditError, AuditRun};
use crate::emulate::EmulateError;
use crate::error::{Diagnose, Exit};
use crate::lang::Lang;
use crate::record::RecordError;
use crate::report::html::HtmlOptions;
use crate::report::text::TextOptions;
use crate::report::{self, Report};
use crate::source::{Opened, SourceError};
use crate::transport::events::Observed;
use crate::transport::trace::Trace;
use crate::transport::{Transport, TransportError};
use args::AFTER_HELP;
use progress::Progress;

#[derive(Parser, Debug)]
#[command(name = "myna-audit", version, about = "Audit a My Number Card (マイナンバーカード): its applications, PIN counters, and what a finder could read", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Every way a command can fail: the library's errors, each with its code and hint.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Emulate(#[from] EmulateError),
}

impl CliError {
    fn diagnosis(&self) -> &dyn Diagnose {
        match self {
            CliError::Transport(e) => e,
            CliError::Source(e) => e,
            CliError::Audit(e) => e,
            CliError::Record(e) => e,
            CliError::Emulate(e) => e,
        }
    }
}

/// Runs a parsed command line; returns the exit status.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Readers { format } => readers::run(format),
        Command::Audit(args) => audit::run(&args),
        Command::Record(args) => record::run(&args),
        Command::Emulate(args) => emulate::run(&args),
        Command::Fixture(FixtureCommand::Check { files }) => Ok(fixture::check(&files)),
        Command::Completions { shell } => Ok(completions::run(shell)),
        Command::Man => Ok(man::run()),
        Command::Doctor(args) => Ok(doctor::run(&args)),
        Command::Watch { format, lang } => {
            watch::run(format, lang.map_or_else(Lang::from_env, Lang::from))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            Exit::Failed
        }
    }
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// [`emit`] for bytes (completion scripts, the manual page).
fn emit_bytes(b: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(b);
    let _ = out.flush();
}

fn report_error(e: &CliError) {
    let d = e.diagnosis();
    eprintln!("myna-audit: error[{}]: {e}", d.code());
    eprintln!("  {}", d.hint());
}

/// Colour when stdout is a terminal and NO_COLOR / CLICOLOR / CLICOLOR_FORCE allow it
/// (anstream's rules).
fn color_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// The language asked for, else the locale's.
fn lang(args: &ReportArgs) -> Lang {
    args.lang.map_or_else(Lang::from_env, Lang::from)
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Says which reader was picked when none was named.
fn announce(opened: &Opened) {
    if let Some(name) = &opened.picked_reader {
        eprintln!("myna-audit: using reader \"{name}\" (the only one holding a My Number Card)");
    }
}

/// Whether a card removed mid-audit is waited for: on an interactive terminal (stdin and
/// stderr), unless `--no-wait`.
fn resume(no_wait: bool) -> Option<crate::transport::pcsc::Resume> {
    use std::io::IsTerminal;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    (interactive && !no_wait).then_some(crate::transport::pcsc::Resume {
        wait: crate::transport::pcsc::RESUME_WAIT,
        notify: Some(|m| eprintln!("myna-audit: {m}")),
    })
}

/// Adds `--trace` output around a transport when asked, identifiers masked unless
/// `show_identifiers`.
fn traced(t: Box<dyn Transport>, trace: bool, show_identifiers: bool) -> Box<dyn Transport> {
    if trace {
        Box::new(Trace::stderr(t).show_identifiers(show_identifiers))
    } else {
        t
    }
}

/// Adds the progress line on stderr while a real card is read: not in replay, not with
/// `--quiet` or `--trace` (whose lines it would cut), and only when stderr is a terminal.
/// The line is cleared when the transport is dropped, before the report is printed.
fn with_progress(
    t: Box<dyn Transport>,
    args: &ReportArgs,
    replay: bool,
) -> Observed<Box<dyn Transport>, Progress> {
    Progress::stderr(!(replay || args.quiet || args.trace), lang(args)).watch(t)
}

/// Prints the report (also a partial one) and turns the outcome into an exit status.
fn finish(run: AuditRun, args: &ReportArgs) -> Result<Exit, CliError> {
    print_report(&run.report, args);
    let status = run.exit();
    match run.error {
        Some(e) => Err(e.into()),
        None => Ok(status),
    }
}

fn print_report(report: &Report, args: &ReportArgs) {
    match args.format {
        ReportFormat::Json => emit(&report::json::render(report)),
        ReportFormat::Text => emit(&report::text::render_with(
            report,
            &TextOptions {
                color: color_stdout(),
                lang: lang(args),
            },
        )),
        ReportFormat::Html => emit(&report::html::render(
            report,
            &HtmlOptions { lang: lang(args) },
        )),
    }
}
