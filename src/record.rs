//! `record`: the audit, recorded into a redacted fixture (issue 4; being built).

use crate::cli::{CliError, RecordArgs};

pub fn run(_args: &RecordArgs) -> Result<u8, CliError> {
    Err(CliError::NotBuilt("record"))
}
