//! `record` end to end through the real PC/SC stack, no hardware: pcscd + vsmartcard's
//! vpcd driver with `myna-audit emulate` serving `fixtures/typical.fixture` as the card.
//! The recording replays to the same report (apart from where it came from and the
//! identifiers it replaced), passes `fixture check`, and holds none of the synthetic card's
//! identifiers. Needs pcscd and vsmartcard-vpcd; fails with what to install when missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;

use common::pcsc_stack::{READER, Stack, cli};
use common::recording::{
    assert_no_identifier, audit_fixture, redaction_diffs, synthetic_identifiers, temp_dir,
};
use common::run;
use myna_audit::fixture::{Fixture, FixtureKind};
use myna_audit::report::Report;

const SOURCE: &str = "fixtures/typical.fixture";

#[test]
fn record_through_pcsc_redacts_replays_and_checks_clean() {
    let stack = Stack::start("record");
    let out = temp_dir().join("typical-recorded.fixture");
    let em = stack.emulate(Path::new(SOURCE), &[]);
    let mut cmd = cli(&[
        "record",
        "--reader",
        READER,
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
        "--trace",
        "--output",
    ]);
    cmd.arg(&out);
    let rec = run(cmd);
    rec.assert_no_panic();
    eprintln!("record through pcscd + vpcd took {:?}", rec.took);
    assert_eq!(
        rec.code,
        common::TYPICAL_EXIT,
        "record: {}\nemulator:\n{}",
        rec.stderr,
        em.stderr()
    );
    drop(em);

    // The report `record` prints is the audit of the card, identifiers masked.
    let live: Report = serde_json::from_str(&rec.stdout).unwrap();
    assert_eq!(live.source.kind, myna_audit::report::SourceKind::Pcsc);
    assert_eq!(live.reader.name, READER);
    assert!(live.identifiers_masked);

    // The trace masks the identifiers the fixture declares.
    let source = Fixture::load(Path::new(SOURCE)).unwrap();
    let ids = synthetic_identifiers(SOURCE);
    for id in &ids {
        let spaced = myna_audit::transport::spaced_hex(id.as_bytes());
        assert!(!rec.stderr.contains(&spaced), "{id} in the trace");
    }
    assert!(
        rec.stderr.contains("[identifiers masked]"),
        "{}",
        rec.stderr
    );

    // The recording: redacted, from this reader, replays to the same report.
    let text = std::fs::read_to_string(&out).unwrap();
    let recorded = Fixture::parse(&text).unwrap();
    assert_eq!(recorded.kind, FixtureKind::RecordedRedacted);
    assert_eq!(recorded.reader, READER);
    assert_eq!(
        recorded.atr, source.atr,
        "the emulator serves the fixture's ATR"
    );
    let original = audit_fixture(&source, SOURCE, false);
    let replayed = audit_fixture(&recorded, "recorded", false);
    assert!(replayed.complete, "{:?}", replayed.error);
    redaction_diffs(&original, &replayed, &["/source", "/reader"]);
    // Equal findings, beside the genuine-card check (a redacted certificate cannot chain;
    // `redaction_diffs` compares that part).
    let not_genuine = |r: &Report| -> Vec<_> {
        r.findings
            .iter()
            .filter(|f| {
                ![
                    "certificate_not_genuine",
                    "test_card",
                    "ca_certificate_unknown",
                ]
                .contains(&f.code.as_str())
            })
            .cloned()
            .collect()
    };
    assert_eq!(not_genuine(&original), not_genuine(&replayed));

    // `fixture check` passes on it, through the binary.
    let mut check = cli(&["fixture", "check"]);
    check.arg(&out);
    let check = run(check);
    assert_eq!(check.code, 0, "{}", check.stderr);

    // None of the synthetic card's identifiers is anywhere in the file.
    assert!(ids.len() >= 6, "{ids:?}");
    assert_no_identifier(&text, &ids);
}
