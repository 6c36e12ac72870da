//! `fixture check`: the leak check for fixtures (issue 4; being built).

use std::path::PathBuf;

use crate::cli::CliError;

pub fn run(_files: &[PathBuf]) -> Result<u8, CliError> {
    Err(CliError::NotBuilt("fixture check"))
}
