//! The `myna-audit` binary: parse arguments, run, print one error, exit with its code.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = myna_audit::cli::Cli::parse();
    ExitCode::from(myna_audit::cli::run(args))
}
