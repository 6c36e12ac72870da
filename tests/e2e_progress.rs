//! The progress line on a real terminal: an audit of the emulated card through pcscd, run
//! under `script` (util-linux) so that stderr is a pseudo-terminal, shows the frames and
//! clears them; with --quiet, in replay and with stderr piped there is no progress at all.
//! Needs pcscd and vpcd like the other e2e tests: run under `flock /tmp/myna-e2e.lock`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;
use std::process::Command;

use common::pcsc_stack::{READER, Stack, cli};
use common::{BIN, TYPICAL_EXIT, run};

const STILL: &str = "keep the card still";

/// Runs `myna-audit ARGS` with stderr on a pseudo-terminal and stdout into a file; returns
/// (exit status, what reached the terminal, the report).
fn on_terminal(args: &[&str], dir: &Path, name: &str) -> (i32, String, String) {
    let out = dir.join(format!("{name}.stdout"));
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let inner = format!(
        "'{BIN}' {} > '{}'; echo \"exit=$?\"",
        quoted.join(" "),
        out.display()
    );
    let o = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("PCSCLITE_CSOCK_NAME")
        .output()
        .expect("script (util-linux, Debian package bsdutils)");
    let tty = String::from_utf8(o.stdout).expect("utf-8 terminal output");
    let code = tty
        .rsplit_once("exit=")
        .and_then(|(_, c)| c.trim().parse().ok())
        .unwrap_or_else(|| panic!("no exit status in the terminal output: {tty:?}"));
    let tty = tty
        .rsplit_once("exit=")
        .map(|(t, _)| t.to_string())
        .unwrap();
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    (code, tty, report)
}

#[test]
fn progress_is_drawn_on_a_terminal_and_absent_otherwise() {
    let stack = Stack::start("progress");
    let _card = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    let reader = ["audit", "--reader", READER];

    // On a terminal: one line redrawn with carriage returns, cleared at the end.
    let (code, tty, report) = on_terminal(
        &[&reader[..], &["--lang", "en"]].concat(),
        &stack.dir,
        "tty",
    );
    assert_eq!(code, TYPICAL_EXIT, "terminal output: {tty:?}");
    assert!(
        tty.starts_with("\rreading JPKI-AP: 1 command, keep the card still"),
        "{tty:?}"
    );
    for app in [
        "text AP",
        "visual AP",
        "resident registry AP",
        "common card AP",
        "MF",
    ] {
        assert!(
            tty.contains(&format!("\rreading {app}: ")),
            "{app} missing: {tty:?}"
        );
    }
    assert!(!tty.contains('\n'), "the progress is one line: {tty:?}");
    let frames = tty.matches(STILL).count();
    assert!(frames > 20, "{frames} frames: {tty:?}");
    // The last thing written blanks the line and returns to its start.
    let last = tty.rsplit_once(STILL).map(|(_, rest)| rest).unwrap();
    assert!(
        last.ends_with('\r') && last.trim_matches(|c| c == ' ' || c == '\r').is_empty(),
        "not cleared at the end: {last:?}"
    );
    assert!(
        report.contains("JPKI-AP"),
        "the report went to stdout: {report}"
    );

    // The Japanese line when asked.
    let (_, tty_ja, _) = on_terminal(&[&reader[..], &["--lang", "ja"]].concat(), &stack.dir, "ja");
    assert!(
        tty_ja.contains("公的個人認証APを読み取り中（1 コマンド）カードを動かさないでください"),
        "{tty_ja:?}"
    );

    // --quiet, --trace and replay: nothing.
    let (code, tty, _) = on_terminal(&[&reader[..], &["--quiet"]].concat(), &stack.dir, "quiet");
    assert_eq!(code, TYPICAL_EXIT);
    assert_eq!(tty, "", "--quiet");
    let (_, tty, _) = on_terminal(&[&reader[..], &["--trace"]].concat(), &stack.dir, "trace");
    assert!(
        tty.contains("trace > 00 A4 04 0C"),
        "--trace shows its lines"
    );
    assert!(!tty.contains(STILL), "--trace has no progress line");
    let (code, tty, _) = on_terminal(
        &["audit", "--replay", "fixtures/typical.fixture"],
        &stack.dir,
        "replay",
    );
    assert_eq!(code, TYPICAL_EXIT);
    assert_eq!(tty, "", "replay");

    // stderr piped: nothing, the same report.
    let piped = run(cli(&[&reader[..], &["--lang", "en"]].concat()));
    assert_eq!(piped.code, TYPICAL_EXIT, "{}", piped.stderr);
    assert!(!piped.stderr.contains(STILL), "{:?}", piped.stderr);
    assert_eq!(piped.stdout, report);
}

#[test]
fn record_shows_progress_and_clears_it_before_its_message() {
    let stack = Stack::start("progress-record");
    let _card = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    let fixture = stack.dir.join("recorded.fixture");
    let _ = std::fs::remove_file(&fixture);
    let f = fixture.display().to_string();
    let (code, tty, _) = on_terminal(
        &["record", "--reader", READER, "--lang", "en", "-o", &f],
        &stack.dir,
        "record",
    );
    assert_eq!(code, TYPICAL_EXIT, "{tty:?}");
    assert!(tty.starts_with("\rreading JPKI-AP: 1 command"), "{tty:?}");
    // The line is blanked before the "recorded ..." message, which starts a clean line.
    let (before, after) = tty
        .split_once("myna-audit: recorded")
        .expect("record's message");
    let tail = before.rsplit_once(STILL).map(|(_, r)| r).unwrap();
    assert!(
        tail.ends_with('\r') && tail.trim_matches(|c| c == ' ' || c == '\r').is_empty(),
        "{tail:?}"
    );
    assert!(!after.contains(STILL), "{after:?}");
}
