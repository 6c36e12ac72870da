//! `myna-audit emulate`: a fixture served as a card through vpcd (the library's
//! [`crate::emulate`]).

use std::time::Duration;

use super::{CliError, EmulateArgs};
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
        refuse_extended: args.refuse_extended,
    };
    emulate::run(&opts)?;
    Ok(Exit::Ok)
}
