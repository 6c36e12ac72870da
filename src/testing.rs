//! Helpers for the crate's unit tests: the options every test audits with, and a shipped
//! fixture's report through replay.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use crate::audit::{AuditOptions, run};
use crate::card::Session;
use crate::fixture::Fixture;
use crate::report::{Report, Source, SourceKind};
use crate::transport::ReadOnly;
use crate::transport::replay::Replayer;

/// Audit options as of 2026-06-01, identifiers masked, a replay source.
pub fn options() -> AuditOptions {
    AuditOptions {
        as_of: time::macros::date!(2026 - 06 - 01),
        show_identifiers: false,
        source: Source {
            kind: SourceKind::Replay,
            fixture: None,
            fixture_kind: None,
        },
        redacted_certificates: Vec::new(),
    }
}

/// The report of `fixtures/NAME.fixture`, replayed with [`options`].
pub fn fixture_report(name: &str) -> Report {
    let path = format!("{}/fixtures/{name}.fixture", env!("CARGO_MANIFEST_DIR"));
    let fixture = Fixture::load(std::path::Path::new(&path)).expect("a shipped fixture");
    let mut s = Session::new(ReadOnly::new(Replayer::new(&fixture, name)));
    run(&mut s, &options()).report
}
