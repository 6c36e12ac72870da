//! `emulate`: a fixture served as a virtual card through vpcd (issue 3; being built).

use crate::cli::{CliError, EmulateArgs};

pub fn run(_args: &EmulateArgs) -> Result<u8, CliError> {
    Err(CliError::NotBuilt("emulate"))
}
