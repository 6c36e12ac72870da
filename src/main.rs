//! The `myna-audit` binary: parse arguments, run, print one error, exit with its code.

#![forbid(unsafe_code)]

use clap::Parser;
use myna_audit::cli::{self, Cli};
use myna_audit::error::Exit;

fn main() -> Exit {
    cli::run(Cli::parse())
}
