//! `record` through the library with a fixture's replay standing in for the card: the
//! recording is redacted, still parses, replays to the same report shape, passes `fixture
//! check`, and holds none of the card's identifiers. A card whose free files hold personal
//! data the redactor has no rule for is not recorded, and no file is left behind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::{Path, PathBuf};

use common::recording::*;
use common::{myna, run};
use myna_audit::audit::AuditRun;
use myna_audit::error::{Diagnose, Exit};
use myna_audit::fixture::{Fixture, FixtureKind};
use myna_audit::fixture_check;
use myna_audit::record::{self, Output, RecordError, RecordOptions, RedactError};
use myna_audit::report::Report;
use myna_audit::transport::replay::Replayer;

fn load(path: &str) -> Fixture {
    Fixture::load(Path::new(path)).expect("fixture loads")
}

fn record_run(path: &str, keep: bool) -> (AuditRun, Result<Fixture, RedactError>) {
    let f = load(path);
    record::record_audit(
        Replayer::new(&f, path),
        &options(false, source(path)),
        &RecordOptions {
            keep_identifiers: keep,
            date: as_of(),
        },
    )
}

fn record(path: &str, keep: bool) -> (Report, Result<Fixture, RedactError>) {
    let (run, fixture) = record_run(path, keep);
    assert!(run.error.is_none(), "{:?}", run.error);
    (run.report, fixture)
}

#[test]
fn a_redacted_recording_replays_to_the_same_report() {
    let (original, fixture) = record("fixtures/typical.fixture", false);
    let fixture = fixture.expect("typical records");
    assert_eq!(fixture.kind, FixtureKind::RecordedRedacted);
    let text = fixture.to_text();
    let again = Fixture::parse(&text).expect("the recording parses");
    assert_eq!(again.exchanges.len(), fixture.exchanges.len());
    assert!(
        again
            .tool
            .as_deref()
            .is_some_and(|t| t.starts_with("myna-audit "))
    );
    assert_eq!(again.date.as_deref(), Some("2026-06-01"));
    assert_eq!(again.reader, "Synthetic Contactless Reader 00 00");
    let replayed = audit_fixture(&again, "recorded.fixture", false);
    assert!(replayed.complete, "{:?}", replayed.error);
    // A replaced identifier keeps its length and shape (masked: all but the last 4).
    let diffs = redaction_diffs(&original, &replayed, &["/source"]);
    assert!(diffs.len() >= 9, "identifiers were replaced: {diffs:#?}");
    // The redaction is visible where it matters: the chain is not checkable, and said so.
    let auth = auth_cert(&replayed);
    assert_eq!(auth.chains_to_card_ca, None);
    assert_eq!(auth_cert(&original).chains_to_card_ca, Some(true));
    assert!(
        replayed
            .notes
            .iter()
            .any(|n| n.en.contains("redacted: auth-certificate"))
    );
    // The genuine-card check cannot be made on the redacted certificate: the replay says only
    // what it can check (the CA certificates), and no other finding changes.
    assert!(original.genuine.is_some() && replayed.genuine.is_none());
    let codes = |r: &myna_audit::report::Report| {
        r.findings
            .iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&original), ["certificate_not_genuine"]);
    assert_eq!(codes(&replayed), ["ca_certificate_unknown"]);
}

#[test]
fn a_redacted_recording_passes_fixture_check_and_holds_no_identifier() {
    let (_, fixture) = record("fixtures/typical.fixture", false);
    let text = fixture.unwrap().to_text();
    let problems = fixture_check::check_text(&text);
    assert!(problems.is_empty(), "{problems:#?}");
    let ids = synthetic_identifiers("fixtures/typical.fixture");
    assert!(ids.len() >= 6, "{ids:?}");
    assert_no_identifier(&text, &ids);
    // Each replaced value is declared.
    for key in [
        "card-id",
        "municipality-code",
        "card-serial",
        "token-serial",
        "auth-cert-serial",
        "auth-cert-cn",
        "auth-certificate",
    ] {
        assert!(
            text.contains(&format!("redacted: {key} ")),
            "no redacted: {key}\n{text}"
        );
    }
}

#[test]
fn every_shipped_fixture_records_and_checks_clean() {
    for path in shipped_fixtures() {
        let (run, fixture) = record_run(&path, false);
        if let Some(e) = run.error {
            // not-my-number: the audit stops at SELECT JPKI, and `record` writes nothing.
            assert_eq!(e.code(), "not-my-number-card", "{path}");
            continue;
        }
        let text = fixture.unwrap_or_else(|e| panic!("{path}: {e}")).to_text();
        let problems = fixture_check::check_text(&text);
        assert!(problems.is_empty(), "{path}: {problems:#?}");
        assert_no_identifier(&text, &synthetic_identifiers(&path));
    }
}

#[test]
fn keep_identifiers_makes_a_private_fixture() {
    let (_, fixture) = record("fixtures/typical.fixture", true);
    let f = fixture.unwrap();
    assert_eq!(f.kind, FixtureKind::RecordedPrivate);
    assert!(f.redacted.is_empty());
    assert!(f.notes.iter().any(|n| n.contains("PRIVATE")));
    // Every identifier is there as the card gave it.
    let text = f.to_text();
    let data: Vec<u8> = f
        .exchanges
        .iter()
        .flat_map(|e| e.response[..e.response.len() - 2].to_vec())
        .collect();
    for id in synthetic_identifiers("fixtures/typical.fixture") {
        let found = data.windows(id.len()).any(|w| w == id.as_bytes())
            || hex::decode(&id).is_ok_and(|b| data.windows(b.len()).any(|w| w == b.as_slice()));
        assert!(found, "{id} kept");
    }
    // And the same replay as the source.
    let again = Fixture::parse(&text).unwrap();
    let source = load("fixtures/typical.fixture");
    let (a, b) = (
        audit_fixture(&source, "s", true),
        audit_fixture(&again, "s", true),
    );
    assert_eq!(json_diffs(&a, &b), Vec::<String>::new());
    // `fixture check` refuses to call it shareable.
    let problems = fixture_check::check_text(&f.to_text());
    assert!(
        problems
            .iter()
            .any(|p| p.leak && p.message.contains("recorded-private")),
        "{problems:#?}"
    );
}

/// What `record --output OUTPUT [--keep-identifiers] [--force]` asks of the library.
fn args(output: PathBuf, keep: bool, force: bool) -> (RecordOptions, Output) {
    (
        RecordOptions {
            keep_identifiers: keep,
            date: as_of(),
        },
        Output {
            path: output,
            force,
        },
    )
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `record` as the CLI runs it after opening the card; the exit status it would give.
fn record_to(fixture: &str, a: &(RecordOptions, Output)) -> Result<Exit, RecordError> {
    let f = load(fixture);
    let (opts, output) = a;
    let audit_opts = options(false, source(fixture));
    let (run, written) =
        record::record_to_file(Replayer::new(&f, fixture), &audit_opts, opts, output);
    assert!(run.error.is_none(), "{:?}", run.error);
    written.map(|w| {
        assert!(w.is_some());
        run.exit()
    })
}

#[test]
fn personal_data_without_a_rule_is_not_recorded_and_leaves_no_file() {
    for (fixture, what, place) in [
        (
            "tests/data/free-png.fixture",
            "PNG image data",
            "住基AP EF 0002 record 1",
        ),
        (
            "tests/data/free-mynumber.fixture",
            "My Number check digit",
            "text AP EF 0005",
        ),
    ] {
        for keep in [false, true] {
            let dir = temp_dir();
            let out = dir.join("card.fixture");
            let err = record_to(fixture, &args(out.clone(), keep, false)).unwrap_err();
            let msg = err.to_string();
            assert_eq!(err.code(), "personal-data", "{msg}");
            assert!(msg.contains(what) && msg.contains(place), "{msg}");
            assert!(
                !msg.contains("987654321093"),
                "the data itself is never echoed: {msg}"
            );
            assert!(
                files_in(&dir).is_empty(),
                "left behind: {:?}",
                files_in(&dir)
            );
        }
    }
}

#[test]
fn an_existing_output_is_kept_without_force() {
    let dir = temp_dir();
    let out = dir.join("card.fixture");
    std::fs::write(&out, "precious").unwrap();
    let err = record_to("fixtures/typical.fixture", &args(out.clone(), false, false)).unwrap_err();
    assert_eq!(err.code(), "output-exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    let code = record_to("fixtures/typical.fixture", &args(out.clone(), false, true)).unwrap();
    assert_eq!(code, Exit::Findings);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("kind: recorded-redacted"));
    assert_eq!(files_in(&dir), vec!["card.fixture".to_string()]);
}

#[test]
fn a_recording_is_written_whole_and_replays_through_the_binary() {
    let dir = temp_dir();
    let out = dir.join("card.fixture");
    assert_eq!(
        record_to("fixtures/expired.fixture", &args(out.clone(), false, false)).unwrap(),
        Exit::Findings,
        "expired card: findings, exit 1"
    );
    let mut audit = myna(&["audit", "--replay"]);
    audit
        .arg(&out)
        .args(["--as-of", "2026-06-01", "--format", "json"]);
    let audit = run(audit);
    assert_eq!(audit.code, 1);
    let r: Report = serde_json::from_str(&audit.stdout).unwrap();
    assert_eq!(r.source.fixture_kind.as_deref(), Some("recorded-redacted"));
    assert_eq!(auth_cert(&r).chains_to_card_ca, None);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.code == "certificate_chain_mismatch"),
        "{:?}",
        r.findings
    );
    let mut check = myna(&["fixture", "check"]);
    check.arg(&out);
    let check = run(check);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn a_missing_directory_is_a_write_error() {
    let out = temp_dir().join("no/such/dir/card.fixture");
    let err = record_to("fixtures/typical.fixture", &args(out, false, false)).unwrap_err();
    assert_eq!(err.code(), "write-failed");
}

/// The binary refuses a bad --output before it looks for a reader (no pcscd needed).
#[test]
fn the_cli_refuses_a_bad_output_before_touching_a_card() {
    let dir = temp_dir();
    let existing = dir.join("card.fixture");
    std::fs::write(&existing, "precious").unwrap();
    for (out, code) in [
        (existing.clone(), "output-exists"),
        (dir.join("nope/card.fixture"), "write-failed"),
    ] {
        let mut record = myna(&["record", "--output"]);
        record.arg(&out);
        let r = run(record);
        let stderr = &r.stderr;
        assert_eq!(r.code, 2, "{stderr}");
        assert!(stderr.contains(&format!("error[{code}]")), "{stderr}");
        assert!(!stderr.contains("pcsc"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");
}

#[cfg(unix)]
#[test]
fn a_private_fixture_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let out = dir.join("private.fixture");
    record_to("fixtures/typical.fixture", &args(out.clone(), true, false)).unwrap();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("kind: recorded-private")
    );
}

/// typical.fixture with its card identification number (GET DATA 0045) set to the ASCII
/// digits `9000000000000001`: the first replacement the redactor makes for a 16-digit value
/// (the token serial, read before the MF level) would be exactly that value.
fn typical_with_card_id(card_id: &str) -> Fixture {
    let text = std::fs::read_to_string("fixtures/typical.fixture").unwrap();
    let old_hex = hex::encode_upper(b"SYNTHCARDID00101");
    let spaced = |h: &str| {
        h.as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let new_hex = hex::encode_upper(card_id.as_bytes());
    assert_eq!(text.matches(&spaced(&old_hex)).count(), 1);
    let text = text.replace(&spaced(&old_hex), &spaced(&new_hex)).replace(
        "fictional: SYNTHCARDID00101",
        &format!("fictional: {card_id}"),
    );
    Fixture::parse(&text).unwrap()
}

#[test]
fn a_card_id_equal_to_a_synthetic_replacement_is_still_redacted() {
    // Regression (issue 9): `record` stopped with `redaction-incomplete (card-id)`, because
    // the token serial's replacement was chosen before the card id was seen and equalled it.
    for card_id in ["9000000000000001", "9000000000000002", "9000000000000000"] {
        let source = typical_with_card_id(card_id);
        let name = "typical-card-id.fixture";
        let (run, fixture) = record::record_audit(
            Replayer::new(&source, name),
            &options(false, source_of(name)),
            &RecordOptions {
                keep_identifiers: false,
                date: as_of(),
            },
        );
        assert!(run.error.is_none(), "{:?}", run.error);
        let fixture = fixture.unwrap_or_else(|e| panic!("{card_id}: {e}"));
        let text = fixture.to_text();
        // The real value is gone from the data, and no replacement equals it.
        let data: Vec<u8> = fixture
            .exchanges
            .iter()
            .flat_map(|e| e.response[..e.response.len() - 2].to_vec())
            .collect();
        assert!(
            !data.windows(card_id.len()).any(|w| w == card_id.as_bytes()),
            "{card_id} left in the recording"
        );
        assert!(!text.contains(card_id), "{card_id} in the text");
        let problems = fixture_check::check_text(&text);
        assert!(problems.is_empty(), "{card_id}: {problems:#?}");
        // The declared card-id replacement is a 16-digit value starting with 9, not the real one.
        let declared = fixture
            .redacted
            .iter()
            .find(|d| d.starts_with("card-id "))
            .unwrap_or_else(|| panic!("no card-id declaration: {:?}", fixture.redacted));
        assert!(!declared.contains(card_id), "{declared}");
        // Replays to a complete report.
        let again = Fixture::parse(&text).unwrap();
        let replayed = audit_fixture(&again, "recorded.fixture", false);
        assert!(replayed.complete, "{:?}", replayed.error);
    }
}

fn source_of(path: &str) -> myna_audit::report::Source {
    source(path)
}
