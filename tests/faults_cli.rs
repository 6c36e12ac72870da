//! Fault tests through the real binary with `--replay` (docs/faults.md): a card that is
//! not a My Number Card, malformed and unreadable fixture files, status words edited into a
//! recording, and a recording that ends early. Each checks the message and the exit status.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};
mod common;

/// Whether the report says `needle`, wherever its lines were wrapped.
fn has(out: &str, needle: &str) -> bool {
    common::squash(out).contains(&common::squash(needle))
}

use common::{Run, myna, run};
use myna_audit::report::Report;

fn audit(path: &Path, json: bool) -> Run {
    let p = path.to_str().unwrap();
    let mut args = vec!["audit", "--replay", p, "--as-of", "2026-06-01"];
    if json {
        args.extend(["--format", "json"]);
    }
    run(myna(&args))
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.fixture"))
}

/// Writes `text` as a fixture in this test binary's scratch directory.
fn scratch(name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("faults_cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.fixture"));
    std::fs::write(&path, text).unwrap();
    path
}

fn typical() -> String {
    std::fs::read_to_string(shipped("typical")).unwrap()
}

/// The typical card with the answer to the `nth` (from 0) occurrence of `command` replaced.
fn answer_edited(name: &str, command: &str, nth: usize, response: &str) -> PathBuf {
    let text = typical();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == format!("> {command}"))
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no command {command} #{nth} in typical.fixture"));
    assert!(lines[at + 1].starts_with('<'));
    lines[at + 1] = format!("< {response}");
    scratch(name, lines.join("\n") + "\n")
}

fn error_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.contains("error[")).unwrap_or("")
}

// ---- not a My Number Card ----

#[test]
fn not_a_my_number_card() {
    let run = audit(&shipped("not-my-number"), false);
    assert_eq!(run.code, 2);
    assert_eq!(
        error_line(&run.stderr),
        "myna-audit: error[not-my-number-card]: the card in \"Synthetic Contactless Reader 00 00\" is not a My Number Card: it answered 6A82 to SELECT of the JPKI application"
    );
    assert!(run.stderr.contains("pass --reader"), "{}", run.stderr);
    assert!(has(&run.stdout, "did not answer as a My Number Card"));
    let js = audit(&shipped("not-my-number"), true);
    assert_eq!(js.code, 2);
    let r: Report = serde_json::from_str(&js.stdout).unwrap();
    assert!(!r.is_my_number_card && !r.complete);
    assert_eq!(r.error.unwrap().code, "not-my-number-card");
}

#[test]
fn jpki_select_answered_not_found_is_not_a_my_number_card() {
    for sw in ["6A 82", "6D 00", "6E 00"] {
        let p = answer_edited(
            &format!("jpki-{}", sw.replace(' ', "")),
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            0,
            sw,
        );
        let run = audit(&p, false);
        assert_eq!(run.code, 2, "{sw}");
        assert!(
            error_line(&run.stderr).ends_with(&format!(
                "is not a My Number Card: it answered {} to SELECT of the JPKI application",
                sw.replace(' ', "")
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn jpki_select_answered_otherwise_is_could_not_identify() {
    // 6F00 is sent once more; the replayed card answers 6F00 again.
    for sw in ["69 82", "6F 00", "12 34"] {
        let p = answer_edited(
            &format!("jpki-unid-{}", sw.replace(' ', "")),
            "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
            0,
            sw,
        );
        let run = audit(&p, false);
        assert_eq!(run.code, 2, "{sw}");
        assert!(
            run.stderr.contains("error[card-not-identified]")
                && error_line(&run.stderr).contains(&format!(
                    "it answered {} to SELECT of the JPKI application",
                    sw.replace(' ', "")
                )),
            "{}",
            run.stderr
        );
    }
}

// ---- status words in unexpected places, as a recording would hold them ----

const SELECT_0018: &str = "00 A4 02 0C 02 00 18";
const VERIFY: &str = "00 20 00 80";

#[test]
fn auth_pin_answering_63c0_is_reported_blocked_exit_1() {
    let p = answer_edited("verify-63c0", VERIFY, 0, "63 C0");
    let run = audit(&p, false);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        has(&run.stdout, "0018  0/3    BLOCKED or never set"),
        "{}",
        run.stdout
    );
    assert!(
        has(
            &run.stdout,
            "is blocked, or was never set (SW 63C0: no tries left;"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn auth_pin_answering_6984_is_reported_blocked_exit_1() {
    let p = answer_edited("verify-6984", VERIFY, 0, "69 84");
    let run = audit(&p, true);
    assert_eq!(run.code, 1);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert!(r.findings.iter().any(|f| f.code == "pin_blocked"));
}

#[test]
fn auth_pin_answering_9000_is_reported_as_not_reported() {
    let p = answer_edited("verify-9000", VERIFY, 0, "90 00");
    let run = audit(&p, false);
    assert_eq!(run.code, common::TYPICAL_EXIT, "{}", run.stderr);
    assert!(
        has(
            &run.stdout,
            "answered 9000 to the retry-counter query: the card did not report a count"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn auth_pin_answering_undocumented_is_shown_raw() {
    for sw in [
        "6F 00", "6D 00", "67 00", "6B 00", "62 82", "9F 10", "6C 04", "61 10",
    ] {
        let hex = sw.replace(' ', "");
        let p = answer_edited(&format!("verify-{hex}"), VERIFY, 0, sw);
        let run = audit(&p, false);
        assert_eq!(run.code, common::TYPICAL_EXIT, "{sw}: {}", run.stderr);
        assert!(
            has(
                &run.stdout,
                &format!(
                    "EF 0018 answered {hex} ({}) to the retry-counter query; shown raw",
                    myna_audit::sw::StatusWord(u16::from_str_radix(&hex, 16).unwrap()).meaning()
                )
            ),
            "{sw}: {}",
            run.stdout
        );
    }
}

#[test]
fn pin_ef_absent_or_odd_at_select() {
    let p = answer_edited("select-0018-6a82", SELECT_0018, 0, "6A 82");
    let run = audit(&p, false);
    assert_eq!(run.code, common::TYPICAL_EXIT);
    assert!(
        has(&run.stdout, "0018  -/3    absent (6A82)"),
        "{}",
        run.stdout
    );
    let p = answer_edited("select-0018-6f00", SELECT_0018, 0, "6F 00");
    let run = audit(&p, false);
    assert_eq!(run.code, common::TYPICAL_EXIT);
    assert!(
        has(&run.stdout, "0018  -/3    unrecognised answer 6F00"),
        "{}",
        run.stdout
    );
    assert!(
        has(
            &run.stdout,
            "EF 0018 answered 6F00 (no precise diagnosis) to SELECT, so its retry counter was not queried; shown raw."
        ),
        "{}",
        run.stdout
    );
}

/// The typical card with the section from the comment line starting `from` up to the one
/// starting `to` replaced by `section`.
fn section_replaced(name: &str, from: &str, to: &str, section: &str) -> PathBuf {
    let text = typical();
    let a = text.find(from).unwrap();
    let b = a + text[a..].find(to).unwrap();
    scratch(name, format!("{}{section}\n\n{}", &text[..a], &text[b..]))
}

#[test]
fn free_file_answering_6982_is_shown_not_readable() {
    // JPKI EF 000A (the auth certificate, free) protected.
    let p = section_replaced(
        "auth-cert-6982",
        "# JPKI-AP EF 000A",
        "# JPKI-AP EF 000B",
        "> 00 A4 02 0C 02 00 0A\n< 90 00\n> 00 B0 00 00 00\n< 69 82",
    );
    let run = audit(&p, false);
    assert!(
        has(&run.stdout, "000A      free          no (6982)"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(run.code, common::TYPICAL_EXIT);
}

#[test]
fn application_absent() {
    let p = section_replaced(
        "text-ap-6a82",
        "# 券面事項入力補助AP",
        "# 券面事項確認AP",
        "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08\n< 6A 82",
    );
    let run = audit(&p, false);
    assert_eq!(run.code, common::TYPICAL_EXIT, "{}", run.stdout);
    assert!(
        has(&run.stdout, "AID D3921000310001010408  ABSENT (6A82)"),
        "{}",
        run.stdout
    );
    assert!(has(
        &run.stdout,
        "AID D3921000310001010408 did not answer SELECT (SW 6A82)"
    ));
}

// ---- a recording that ends early: partial report, exit 2 ----

#[test]
fn a_recording_that_stops_midway_gives_a_partial_report() {
    let text = typical();
    let cut = text.find("# 券面事項確認AP").unwrap();
    let p = scratch("cut", &text[..cut]);
    let run = audit(&p, true);
    assert_eq!(run.code, 2);
    let r: Report = serde_json::from_str(&run.stdout).unwrap();
    assert!(!r.complete);
    let e = r.error.unwrap();
    assert_eq!(e.code, "fixture-incomplete");
    assert!(
        e.message
            .contains("cannot answer command 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02"),
        "{}",
        e.message
    );
    assert!(r.applications.len() >= 2, "what was read is kept");
    assert!(error_line(&run.stderr).contains("error[fixture-incomplete]"));
}

// ---- malformed fixture files: the error names the line, exit 2 ----

fn malformed(name: &str, text: &str) -> (String, i32) {
    let p = scratch(name, text);
    let run = audit(&p, false);
    assert!(run.stdout.is_empty(), "no report from a bad fixture");
    (error_line(&run.stderr).to_string(), run.code)
}

#[test]
fn malformed_fixtures_name_the_line() {
    let t = typical();
    let header_end = t.find("\n> ").unwrap() + 1;
    let first_response_line = t[..t.find("\n< ").unwrap() + 1].lines().count() + 1;
    let cases: Vec<(&str, String, usize, &str)> = vec![
        (
            "bad-hex",
            t.replacen("< 90 00", "< 90 0G", 1),
            first_response_line,
            "response: bad hex",
        ),
        (
            "short-response",
            t.replacen("< 90 00", "< 90", 1),
            first_response_line,
            "response shorter than a status word",
        ),
        (
            "orphan-response",
            format!("{}< 90 00\n{}", &t[..header_end], &t[header_end..]),
            t[..header_end].lines().count() + 1,
            "response without a command",
        ),
        (
            "unanswered",
            format!("{t}> 00 B0 00 00 00\n"),
            t.lines().count() + 1,
            "command has no response",
        ),
        (
            "unknown-key",
            t.replacen("reader:", "raeder:", 1),
            t.lines().position(|l| l.starts_with("reader:")).unwrap() + 1,
            "unknown header key 'raeder'",
        ),
        (
            "wrong-format",
            t.replacen("myna-audit-fixture 1", "myna-audit-fixture 9", 1),
            t.lines().position(|l| l.starts_with("format:")).unwrap() + 1,
            "unsupported format 'myna-audit-fixture 9'",
        ),
        (
            "pin",
            format!("{t}> 00 20 00 80 04 31 32 33 34\n< 90 00\n"),
            t.lines().count() + 1,
            "fixtures must never contain a PIN",
        ),
        (
            "header-late",
            format!("{t}note: late\n"),
            t.lines().count() + 1,
            "header line 'note:' after the first exchange",
        ),
        (
            "garbage-line",
            format!("{t}hello\n"),
            t.lines().count() + 1,
            "expected '>' command",
        ),
        (
            "empty",
            String::new(),
            1,
            "missing header 'format: myna-audit-fixture 1'",
        ),
        (
            "no-kind",
            t.replacen("kind: synthetic\n", "", 1),
            t.lines().count() - 1,
            "missing header 'kind:'",
        ),
    ];
    for (name, text, line, message) in cases {
        let (err, code) = malformed(name, &text);
        assert_eq!(code, 2, "{name}");
        assert!(err.contains("error[fixture-malformed]: "), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.fixture:{line}: ")),
            "{name}: expected line {line}: {err}"
        );
        assert!(err.contains(message), "{name}: {err}");
    }
}

#[test]
fn a_fixture_that_is_not_text_names_the_line() {
    let mut bytes = typical().into_bytes();
    let at = bytes.windows(7).position(|w| w == b"< 90 00").unwrap();
    let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
    bytes[at + 2] = 0xFF;
    let p = scratch("binary", &bytes);
    let run = audit(&p, false);
    assert_eq!(run.code, 2);
    let err = error_line(&run.stderr);
    assert!(
        err.contains(&format!("binary.fixture:{line}: not UTF-8 text")),
        "{err}"
    );
}

#[test]
fn unreadable_fixtures() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such.fixture");
    let run = audit(&missing, false);
    assert_eq!(run.code, 2);
    assert!(
        error_line(&run.stderr).contains("error[fixture-unreadable]: cannot read fixture"),
        "{}",
        run.stderr
    );
    let huge = scratch("huge", "");
    std::fs::File::options()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let run = audit(&huge, false);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("larger than the 16777216 byte limit"),
        "{}",
        run.stderr
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let run = audit(dir, false);
    assert_eq!(run.code, 2);
    assert!(error_line(&run.stderr).contains("fixture-unreadable"));
}
