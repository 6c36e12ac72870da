//! `myna-audit completions SHELL`: the shell completion script (clap_complete), on stdout.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use crate::error::Exit;

/// The completion script for `shell`.
pub(super) fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "myna-audit", &mut out);
    out
}

pub(super) fn run(shell: Shell) -> Exit {
    super::emit_bytes(&script(shell));
    Exit::Ok
}
