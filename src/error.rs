//! What every error of the library says about itself, and the process exit status.
//!
//! Each library error is [`Diagnose`]: a stable code (`error[code]` on stderr, `error.code`
//! in the JSON report) and one hint saying what the user can do. The CLI prints both; the
//! library never prints an error itself.

use std::process::{ExitCode, Termination};

use crate::audit::AuditError;
use crate::fixture::FixtureError;
use crate::transport::TransportError;

/// A stable code and what the user can do, for an error.
pub trait Diagnose {
    /// A short, stable, kebab-case code (`no-service`, `fixture-malformed`, ...).
    fn code(&self) -> &'static str;
    /// One sentence or two on what to do next.
    fn hint(&self) -> &'static str;
}

/// The exit status of `myna-audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, nothing needs attention.
    Ok,
    /// 1: done, with findings (or, for `fixture check`, a leak).
    Findings,
    /// 2: could not be done (see the error message).
    Failed,
}

impl Exit {
    /// The numeric status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Failed => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

impl Termination for Exit {
    fn report(self) -> ExitCode {
        self.into()
    }
}

impl Diagnose for TransportError {
    fn code(&self) -> &'static str {
        TransportError::code(self)
    }
    fn hint(&self) -> &'static str {
        TransportError::hint(self)
    }
}

impl Diagnose for AuditError {
    fn code(&self) -> &'static str {
        AuditError::code(self)
    }
    fn hint(&self) -> &'static str {
        AuditError::hint(self)
    }
}

impl Diagnose for FixtureError {
    fn code(&self) -> &'static str {
        match self {
            FixtureError::Io { .. } => "fixture-unreadable",
            FixtureError::Syntax { .. } => "fixture-malformed",
        }
    }
    fn hint(&self) -> &'static str {
        "Fix the fixture file (docs/fixtures.md describes the format) or record it again."
    }
}
