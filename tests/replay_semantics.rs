//! Replay is a card model, not a tape: the same report comes back when the recording visits
//! the applications in another order or reads files in other chunk sizes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{myna, run};
use myna_audit::fixture::{Exchange, Fixture};
use myna_audit::report::Report;

fn audit_json(path: &std::path::Path) -> (i32, Report) {
    let mut audit = myna(&[
        "audit",
        "--format",
        "json",
        "--as-of",
        "2026-06-01",
        "--replay",
    ]);
    audit.arg(path);
    let out = run(audit);
    let mut r: Report = serde_json::from_str(&out.stdout).expect("json");
    r.source.fixture = None;
    (out.code, r)
}

fn write(dir: &std::path::Path, name: &str, f: &Fixture) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, f.to_text()).expect("write");
    p
}

fn typical() -> Fixture {
    Fixture::load(std::path::Path::new("fixtures/typical.fixture")).expect("typical fixture")
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("myna-audit-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

#[test]
fn applications_recorded_in_reverse_order_replay_to_the_same_report() {
    let f = typical();
    // Split the exchanges at every SELECT by DF name, reverse the groups.
    let mut groups: Vec<Vec<Exchange>> = Vec::new();
    for e in f.exchanges.iter().cloned() {
        if e.command.starts_with(&[0x00, 0xA4, 0x04]) || groups.is_empty() {
            groups.push(Vec::new());
        }
        groups.last_mut().expect("group").push(e);
    }
    assert!(groups.len() >= 6, "MF + five applications");
    groups.reverse();
    let mut shuffled = f.clone();
    shuffled.exchanges = groups.into_iter().flatten().collect();
    assert_ne!(shuffled.exchanges, f.exchanges);

    let dir = tempdir("order");
    let a = audit_json(std::path::Path::new("fixtures/typical.fixture"));
    let b = audit_json(&write(&dir, "reversed.fixture", &shuffled));
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn files_recorded_in_small_chunks_replay_to_the_same_report() {
    let f = typical();
    let mut rechunked = f.clone();
    rechunked.exchanges.clear();
    let mut split = 0;
    for e in &f.exchanges {
        let c = &e.command;
        let is_read = c.len() == 5 && c[0] == 0x00 && c[1] == 0xB0 && c[2] & 0x80 == 0;
        if is_read && e.response.len() > 2 && e.response.ends_with(&[0x90, 0x00]) {
            let base = usize::from(u16::from_be_bytes([c[2], c[3]]));
            let data = &e.response[..e.response.len() - 2];
            // A short answer (fewer bytes than asked, with 9000) is how the card said where the
            // file ends: the last piece keeps asking for what the original read asked from there.
            let asked = if c[4] == 0 { 256 } else { usize::from(c[4]) };
            let pieces = data.chunks(37).count();
            for (i, piece) in data.chunks(37).enumerate() {
                let off = (base + i * 37) as u16;
                let [hi, lo] = off.to_be_bytes();
                let mut response = piece.to_vec();
                response.extend_from_slice(&[0x90, 0x00]);
                let le = if i + 1 == pieces && data.len() < asked {
                    (asked - i * 37) as u8 // 256 wraps to 00, as Le encodes it
                } else {
                    piece.len() as u8
                };
                rechunked.exchanges.push(Exchange {
                    command: vec![0x00, 0xB0, hi, lo, le],
                    response,
                    line: 0,
                    comment: None,
                });
            }
            split += 1;
        } else {
            rechunked.exchanges.push(e.clone());
        }
    }
    assert!(split > 10, "the fixture has chunked reads to re-split");
    let dir = tempdir("chunks");
    let a = audit_json(std::path::Path::new("fixtures/typical.fixture"));
    let b = audit_json(&write(&dir, "rechunked.fixture", &rechunked));
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_fixture_missing_what_the_audit_needs_is_an_error_naming_command_and_fixture() {
    let f = typical();
    let mut cut = f.clone();
    // Drop the authentication certificate's bytes: the audit cannot be answered any more.
    let mut in_000a = false;
    cut.exchanges.retain(|e| {
        if e.command.starts_with(&[0x00, 0xA4, 0x02, 0x0C, 0x02]) {
            in_000a = e.command.ends_with(&[0x00, 0x0A]);
        }
        !(in_000a && e.command.starts_with(&[0x00, 0xB0]))
    });
    let dir = tempdir("cut");
    let path = write(&dir, "cut.fixture", &cut);
    let mut audit = myna(&["audit", "--as-of", "2026-06-01", "--replay"]);
    audit.arg(&path);
    let out = run(audit);
    assert_eq!(out.code, 2);
    let err = &out.stderr;
    assert!(
        err.contains("cut.fixture") && err.contains("00 B0 00 00 00"),
        "{err}"
    );
    assert!(err.contains("fixture-incomplete"), "{err}");
    // What was read before the gap is still reported.
    let stdout = &out.stdout;
    assert!(
        stdout.contains("AUDIT INCOMPLETE") && stdout.contains("0018"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
