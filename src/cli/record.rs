//! `myna-audit record`: the audit, recorded into a fixture (the library's [`crate::record`]).

use super::{CliError, RecordArgs, announce, finish, resume, today, traced, with_progress};
use crate::audit::AuditOptions;
use crate::error::Exit;
use crate::record::{self, Output, RecordOptions};
use crate::source::open_source_with;

pub(super) fn run(args: &RecordArgs) -> Result<Exit, CliError> {
    let output = Output {
        path: args.output.clone(),
        force: args.force,
    };
    // Refuse a bad output before the card is touched.
    record::check_output(&output)?;
    let opened = open_source_with(args.reader.as_deref(), None, resume(args.no_wait))?;
    announce(&opened);
    let transport = traced(
        opened.transport,
        args.report.trace,
        args.report.show_identifiers,
    );
    let audit_opts = AuditOptions {
        as_of: args.report.as_of.unwrap_or_else(today),
        show_identifiers: args.report.show_identifiers,
        source: opened.source,
        redacted_certificates: Vec::new(),
    };
    let opts = RecordOptions {
        keep_identifiers: args.keep_identifiers,
        date: today(),
    };
    // The progress line is cleared when record_to_file drops the transport.
    let transport = with_progress(transport, &args.report, false);
    let (run, written) = record::record_to_file(transport, &audit_opts, &opts, &output);
    let format = &args.report;
    match written {
        Ok(Some(f)) => {
            let what = if args.keep_identifiers {
                "identifiers KEPT: a private fixture, never share it".to_string()
            } else {
                format!("{} redacted: line(s)", f.redacted.len())
            };
            eprintln!(
                "myna-audit: recorded {} exchanges to {} ({what})",
                f.exchanges.len(),
                args.output.display()
            );
            finish(run, format)
        }
        Ok(None) => {
            eprintln!(
                "myna-audit: the audit did not finish, so nothing was written to {}",
                args.output.display()
            );
            finish(run, format)
        }
        Err(e) => {
            finish(run, format)?;
            Err(e.into())
        }
    }
}
