//! `myna-audit audit`: the audit of a reader's card or of a fixture's replay.

use super::{AuditArgs, CliError, announce, finish, resume, today, traced, with_progress};
use crate::audit::{self, AuditOptions};
use crate::card::Session;
use crate::error::Exit;
use crate::source::open_source_with;
use crate::transport::ReadOnly;

pub(super) fn run(args: &AuditArgs) -> Result<Exit, CliError> {
    let opened = open_source_with(
        args.reader.as_deref(),
        args.replay.as_deref(),
        resume(args.no_wait),
    )?;
    announce(&opened);
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
    let transport = with_progress(transport, &args.report, args.replay.is_some());
    let mut session = Session::new(ReadOnly::new(transport));
    let run = audit::run(&mut session, &opts);
    drop(session); // clears the progress line before the report
    finish(run, &args.report)
}
