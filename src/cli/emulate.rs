//! `myna-audit emulate`: a fixture served as a card through vpcd (the library's
//! [`crate::emulate`]).

use std::time::Duration;

use super::{CliError, EmulateArgs};
use crate::emulate::card::Quirks;
use crate::emulate::{self, EmulateOptions};
use crate::error::Exit;

pub(super) fn run(args: &EmulateArgs) -> Result<Exit, CliError> {
    let opts = EmulateOptions {
        fixture: args.fixture.clone(),
        vpcd: args.vpcd.clone(),
        latency: Duration::from_millis(args.latency),
        once: args.once,
        trace: args.trace,
        show_identifiers: args.show_identifiers,
        quirks: Quirks {
            first_answer: args.first_answer,
            refuse_extended: args.refuse_extended,
        },
        reset_after: args.reset_after.and_then(|n| usize::try_from(n).ok()),
    };
    emulate::run(&opts)?;
    Ok(Exit::Ok)
}
