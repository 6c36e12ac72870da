//! Helpers shared by the integration tests; each test binary declares `mod common;`.
//!
//! - [`Run`], [`myna`], [`run`]: the CLI spawned as a user runs it (through `assert_cmd`),
//!   and its outcome.
//! - [`scripted`]: the scripted transport double (a fixture replayed with faults).
//! - [`recording`]: fixtures' reports, declared identifiers and report comparisons.
//! - [`pcsc_stack`]: a real pcscd with vpcd and emulators, for the `e2e_*` tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

pub mod pcsc_stack;
pub mod recording;
pub mod scripted;

use std::process::{Child, Output};
use std::time::{Duration, Instant};

pub use assert_cmd::Command;

/// The exit status of a complete audit of the synthetic sample card (fixtures/typical.fixture):
/// 1, for its one finding — its certificates chain to no J-LIS root (docs/genuine.md).
pub const TYPICAL_EXIT: i32 = 1;

/// The CLI's executable.
pub const BIN: &str = env!("CARGO_BIN_EXE_myna-audit");

/// The outcome of one spawned CLI (or tool) run.
pub struct Run {
    /// The exit status (-1 when killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    pub fn from_output(out: Output, took: Duration) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
            took,
        }
    }

    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked"),
            "the CLI panicked:\n{}",
            self.stderr
        );
    }
}

/// `myna-audit ARGS`, colour off, in a neutral locale (the text report's default language
/// is then English; tests that want another pass `--lang`).
pub fn myna(args: &[&str]) -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("myna-audit");
    c.args(args)
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

/// Text with every run of white space made one space: the text report wraps long lines,
/// so a sentence is looked for without caring where the lines break.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs a command to its end and collects its outcome; the CLI must not panic.
pub fn run(mut cmd: Command) -> Run {
    let start = Instant::now();
    let out = cmd.output().expect("run myna-audit");
    let run = Run::from_output(out, start.elapsed());
    run.assert_no_panic();
    run
}

/// Waits for a CLI spawned in the background (stdout and stderr piped) and collects its
/// outcome.
pub fn wait_run(child: Child, start: Instant) -> Run {
    let out = child.wait_with_output().expect("wait for myna-audit");
    Run::from_output(out, start.elapsed())
}
