//! The card on a real desktop, through the real PC/SC stack without hardware (pcscd +
//! vsmartcard's vpcd + `myna-audit emulate`, tests/common/pcsc_stack.rs): another program
//! using the card during the audit, a card whose first answer after power-up is 6F00, a
//! reset mid-audit, a card held exclusively by another program, a card that slips off the
//! reader and comes back, and the count of commands the card received (issue 9).
//! Run under `flock /tmp/myna-e2e.lock` like every e2e test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::ffi::CString;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use myna_audit::audit::{self, AuditOptions};
use myna_audit::card::Session;
use myna_audit::report::{Report, Source, SourceKind};
use myna_audit::transport::ReadOnly;
use myna_audit::transport::pcsc::{Pcsc, Resume};
use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};
use serde_json::Value;

use common::pcsc_stack::{Proc, READER, Stack, cli, cli_process, wait_card};
use common::{Run, TYPICAL_EXIT, run, wait_run};

const AS_OF: &str = "2026-06-01";
const TYPICAL: &str = "fixtures/typical.fixture";

/// What the hammering client sends: SELECT the visual AP, SELECT its EF 0003 (AP basic
/// information, free), READ BINARY of its first 256 bytes.
const SELECT_VISUAL: [u8; 15] = [
    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02,
];
const SELECT_EF_0003: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x03];
const READ_256: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x00];

fn audit(extra: &[&str]) -> Run {
    let mut args = vec!["audit", "--format", "json", "--as-of", AS_OF, "--no-wait"];
    args.extend_from_slice(extra);
    run(cli(&args))
}

fn spawn_audit(extra: &[&str]) -> Child {
    let mut args = vec!["audit", "--format", "json", "--as-of", AS_OF, "--no-wait"];
    args.extend_from_slice(extra);
    cli_process(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn report(run: &Run) -> Report {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("a JSON report ({e}):\n{}\n{}", run.stdout, run.stderr))
}

fn replay_json() -> String {
    let r = run(cli(&[
        "audit", "--format", "json", "--as-of", AS_OF, "--replay", TYPICAL,
    ]));
    assert_eq!(r.code, TYPICAL_EXIT, "{}", r.stderr);
    r.stdout
}

/// The report without where it came from and the reader's name; `also` lists more
/// top-level keys to drop (e.g. `apdu_count` and `notes` where a redo legitimately
/// changes them).
fn comparable(json: &str, also: &[&str]) -> Value {
    let mut v: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}):\n{json}"));
    let obj = v.as_object_mut().expect("report object");
    obj.remove("source");
    obj["reader"]
        .as_object_mut()
        .expect("reader")
        .remove("name");
    for k in also {
        obj.remove(*k);
    }
    v
}

/// The count in the emulator's closing line "stopped after N command(s)".
fn emulator_count(em: &mut Proc) -> usize {
    em.stop();
    let line = em
        .wait_line(Duration::from_secs(5), |l| l.contains("stopped after"))
        .unwrap_or_else(|| panic!("no closing line:\n{}", em.stderr()));
    line.split("stopped after ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable closing line: {line}"))
}

fn trace_count(em: &Proc) -> usize {
    em.stderr()
        .lines()
        .filter(|l| l.starts_with("trace > "))
        .count()
}

#[test]
fn the_report_counts_every_command_the_card_received() {
    let stack = Stack::start("field-apdu-count");
    // Picked as the only My Number Card (the scan's identifying SELECT is handed over to
    // the audit), and named with --reader (no scan).
    for extra in [&[][..], &["--reader", READER][..]] {
        let mut em = stack.emulate(Path::new(TYPICAL), &["--trace"]);
        let r = audit(extra);
        assert_eq!(r.code, TYPICAL_EXIT, "{extra:?}: {}", r.stderr);
        let rep = report(&r);
        let traced = trace_count(&em);
        let counted = emulator_count(&mut em);
        assert_eq!(traced, counted, "the emulator's trace and its count");
        assert_eq!(
            rep.apdu_count, counted,
            "{extra:?}: the report's apdu_count vs the commands the card received"
        );
        // Through PC/SC the audit sends what replay sends: the same count.
        let replay: Report = serde_json::from_str(&replay_json()).unwrap();
        assert_eq!(rep.apdu_count, replay.apdu_count, "{extra:?}");
        wait_card(false, Duration::from_secs(5)).unwrap();
    }
    drop(stack);
}

#[test]
fn a_first_answer_6f00_gets_the_identifying_select_once_more() {
    let stack = Stack::start("field-first-answer");
    let replay = replay_json();
    for extra in [&[][..], &["--reader", READER][..]] {
        let mut em = stack.emulate(Path::new(TYPICAL), &["--first-answer", "6F00", "--trace"]);
        let r = audit(extra);
        assert_eq!(r.code, TYPICAL_EXIT, "{extra:?}: {}", r.stderr);
        assert_eq!(
            comparable(&r.stdout, &["apdu_count"]),
            comparable(&replay, &["apdu_count"]),
            "{extra:?}: a first answer 6F00 changes nothing but one more SELECT"
        );
        let rep = report(&r);
        let replay_rep: Report = serde_json::from_str(&replay).unwrap();
        assert_eq!(rep.apdu_count, replay_rep.apdu_count + 1, "{extra:?}");
        assert_eq!(rep.apdu_count, emulator_count(&mut em), "{extra:?}");
        wait_card(false, Duration::from_secs(5)).unwrap();
    }
    // Twice 6F00 is "could not identify", with its own code, exit 2 — the emulator
    // answers 6F00 after every power-up, so a reset by another program before each
    // identification makes a second 6F00 impossible to model here; the unit tests of
    // src/card/identify.rs cover it.
    drop(stack);
}

/// `emulate --reset-after N`: another PC/SC client resets the card after its N-th command.
/// The audit's transaction makes that reset wait: it lands between two applications (then
/// the next application starts after a reconnect, with a note) or after the audit. Either
/// way the report is the replay's and every command the card received is counted.
#[test]
fn a_reset_by_another_program_waits_for_the_transaction_and_changes_nothing() {
    let stack = Stack::start("field-reset");
    let replay = replay_json();
    for n in ["12", "40"] {
        let mut em = stack.emulate(
            Path::new(TYPICAL),
            &["--reset-after", n, "--latency", "5", "--trace"],
        );
        let r = audit(&["--reader", READER]);
        assert_eq!(r.code, TYPICAL_EXIT, "reset after {n}: {}", r.stderr);
        let rep = report(&r);
        assert!(rep.complete, "reset after {n}");
        assert_eq!(
            comparable(&r.stdout, &["apdu_count", "notes"]),
            comparable(&replay, &["apdu_count", "notes"]),
            "reset after {n}: the report equals the replay's"
        );
        assert!(
            em.stderr().contains("resetting the card after"),
            "{}",
            em.stderr()
        );
        let log = em.stderr();
        let reset_at = log.lines().position(|l| l == "trace * reset");
        let lines: Vec<&str> = log.lines().collect();
        let last_command = lines.iter().rposition(|l| l.starts_with("trace > "));
        let mid_audit = matches!((reset_at, last_command), (Some(a), Some(b)) if a < b);
        let notes = serde_json::to_string(&rep.notes).unwrap();
        assert_eq!(
            notes.contains("reset by another program"),
            mid_audit,
            "a note exactly when the reset landed mid-audit: {notes}"
        );
        eprintln!("FIGURES reset after {n}: landed mid-audit: {mid_audit}");
        assert_eq!(rep.apdu_count, emulator_count(&mut em), "reset after {n}");
        wait_card(false, Duration::from_secs(5)).unwrap();
    }
    drop(stack);
}

/// The replayed sample card, reset (selection lost, `CardReset`) at the given commands;
/// `reattach` says the card is back. Counts the retry-counter queries it receives.
struct Resetting {
    card: myna_audit::transport::replay::Replayer,
    at: Vec<usize>,
    sent: usize,
    /// Retry-counter queries by (last application SELECT, last EF SELECT).
    verifies: std::collections::HashMap<(Vec<u8>, Vec<u8>), usize>,
    df: Vec<u8>,
    ef: Vec<u8>,
}

impl myna_audit::transport::Transport for Resetting {
    fn transmit(
        &mut self,
        command: &[u8],
    ) -> Result<Vec<u8>, myna_audit::transport::TransportError> {
        self.sent += 1;
        match (command.get(1), command.get(2)) {
            (Some(0xA4), Some(0x04)) => (self.df, self.ef) = (command.to_vec(), Vec::new()),
            (Some(0xA4), _) => self.ef = command.to_vec(),
            (Some(0x20), _) => {
                *self
                    .verifies
                    .entry((self.df.clone(), self.ef.clone()))
                    .or_default() += 1
            }
            _ => {}
        }
        if self.at.contains(&self.sent) {
            self.card.reset();
            return Err(myna_audit::transport::TransportError::CardReset);
        }
        self.card.transmit(command)
    }
    fn reader_name(&self) -> &str {
        "resetting"
    }
    fn atr(&self) -> &[u8] {
        self.card.atr()
    }
    fn reattach(
        &mut self,
        after: &myna_audit::transport::TransportError,
    ) -> Result<bool, myna_audit::transport::TransportError> {
        Ok(*after == myna_audit::transport::TransportError::CardReset)
    }
}

fn resetting_audit(at: Vec<usize>) -> (audit::AuditRun, Resetting) {
    let fixture = myna_audit::fixture::Fixture::load(Path::new(TYPICAL)).unwrap();
    let card = Resetting {
        card: myna_audit::transport::replay::Replayer::new(&fixture, TYPICAL),
        at,
        sent: 0,
        verifies: Default::default(),
        df: Vec::new(),
        ef: Vec::new(),
    };
    let mut session = Session::new(ReadOnly::new(card));
    let run = audit::run(&mut session, &options());
    (run, session.into_transport())
}

/// Hardware-free: a reset on any one command of the audit gets the interrupted
/// application walked again, and the report is the one without the reset; no
/// retry-counter query reaches the card more than twice.
#[test]
fn a_reset_on_any_command_is_followed_by_the_application_walked_again() {
    let (clean, clean_card) = resetting_audit(Vec::new());
    assert!(clean_card.verifies.values().all(|n| *n == 1));
    assert!(clean.error.is_none());
    let want = serde_json::to_string(&clean.report).unwrap();
    let total = clean.report.apdu_count;
    for k in 1..=total {
        let (run, card) = resetting_audit(vec![k]);
        assert!(run.error.is_none(), "reset at command {k}: {:?}", run.error);
        let got = serde_json::to_string(&run.report).unwrap();
        assert_eq!(
            comparable(&got, &["apdu_count", "notes"]),
            comparable(&want, &["apdu_count", "notes"]),
            "reset at command {k}"
        );
        assert!(
            run.report.apdu_count <= total + 40,
            "reset at {k}: {}",
            run.report.apdu_count
        );
        for (cmd, n) in &card.verifies {
            assert!(*n <= 2, "reset at {k}: VERIFY at {cmd:02X?} sent {n} times");
        }
    }
    // Twice in the same application: the second reset ends the audit (partial report).
    let (run, card) = resetting_audit(vec![4, 7]);
    assert_eq!(run.error.as_ref().map(|e| e.code()), Some("card-reset"));
    assert!(!run.report.complete && run.report.is_my_number_card);
    for (cmd, n) in &card.verifies {
        assert!(*n <= 2, "VERIFY at {cmd:02X?} sent {n} times");
    }
}

#[test]
fn a_card_reset_by_another_program_waits_for_the_audit() {
    let stack = Stack::start("field-reset-other");
    let em = stack.emulate(Path::new(TYPICAL), &["--latency", "100", "--trace"]);
    let child = spawn_audit(&["--reader", READER]);
    let start = Instant::now();
    assert!(em.wait_count(12, Duration::from_secs(30), |l| l.starts_with("trace > ")) >= 12);
    // Another program connects to the same card and resets it on leaving; PC/SC makes it
    // wait for the audit's transaction to end.
    myna_audit::transport::pcsc::reset_card(READER, Duration::from_secs(60)).unwrap();
    let reset_at = start.elapsed();
    let r = wait_run(child, start);
    r.assert_no_panic();
    assert_eq!(r.code, TYPICAL_EXIT, "{}", r.stderr);
    let rep = report(&r);
    assert!(rep.complete);
    assert_eq!(
        comparable(&r.stdout, &["apdu_count", "notes"]),
        comparable(&replay_json(), &["apdu_count", "notes"])
    );
    eprintln!("the other program's reset returned after {reset_at:?}");
    drop(stack);
}

#[test]
fn a_card_held_exclusively_by_another_program_is_named_with_what_to_do() {
    let stack = Stack::start("field-sharing");
    let _em = stack.emulate(Path::new(TYPICAL), &[]);
    let ctx = Context::establish(Scope::User).unwrap();
    let holder = ctx
        .connect(
            &CString::new(READER).unwrap(),
            ShareMode::Exclusive,
            Protocols::ANY,
        )
        .unwrap();
    for extra in [&[][..], &["--reader", READER][..]] {
        let r = audit(extra);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("error[card-in-use]"),
            "{extra:?}: {}",
            r.stderr
        );
        let err = common::squash(&r.stderr);
        for want in ["利用者クライアントソフト", "PKCS#11", "another myna-audit"] {
            assert!(err.contains(want), "{extra:?}: no {want}: {err}");
        }
    }
    holder
        .disconnect(Disposition::LeaveCard)
        .map_err(|(_, e)| e)
        .unwrap();
    // Released: the audit runs.
    assert_eq!(audit(&["--reader", READER]).code, TYPICAL_EXIT);
    drop(stack);
}

/// A second PC/SC client doing what the JPKI client software or a browser's PKCS#11
/// module does: each round (inside its own transaction, as OpenSC's locking does) SELECTs
/// the visual AP and reads its EF 0003.
/// Between two rounds of the hammering client (see the interference test's figures).
const PAUSE: Duration = Duration::from_millis(10);

struct Hammer {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<HammerStats>,
}

#[derive(Debug, Default)]
struct HammerStats {
    rounds: usize,
    failures: Vec<String>,
    longest_wait: Duration,
}

/// One round: SELECT visual AP, SELECT EF 0003, READ BINARY, inside a transaction of the
/// client's own when `transacted` (as OpenSC's locking does), else one command at a time.
fn hammer_round(card: &mut pcsc::Card, transacted: bool) -> Result<(), String> {
    if !transacted {
        return hammer_commands(card);
    }
    let tx = card.transaction().map_err(|e| format!("begin: {e}"))?;
    hammer_commands(&tx)?;
    tx.end(Disposition::LeaveCard)
        .map_err(|(_, e)| format!("end: {e}"))
}

fn hammer_commands(card: &pcsc::Card) -> Result<(), String> {
    let mut buf = [0u8; 300];
    for (cmd, min) in [
        (&SELECT_VISUAL[..], 2),
        (&SELECT_EF_0003[..], 2),
        (&READ_256[..], 258),
    ] {
        let r = card.transmit(cmd, &mut buf).map_err(|e| format!("{e}"))?;
        if r.len() < min || r[r.len() - 2..] != [0x90, 0x00] {
            return Err(format!("{:02X?} answered {:02X?}", &cmd[..4], r));
        }
    }
    Ok(())
}

impl Hammer {
    fn start(transacted: bool) -> Hammer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let ctx = Context::establish(Scope::User).unwrap();
            let mut card = ctx
                .connect(
                    &CString::new(READER).unwrap(),
                    ShareMode::Shared,
                    Protocols::ANY,
                )
                .unwrap();
            let mut stats = HammerStats::default();
            while !flag.load(Ordering::Relaxed) {
                let t = Instant::now();
                if let Err(e) = hammer_round(&mut card, transacted) {
                    stats.failures.push(e);
                }
                stats.longest_wait = stats.longest_wait.max(t.elapsed());
                stats.rounds += 1;
                // A client polling the card, not spinning on it.
                std::thread::sleep(PAUSE);
            }
            // After the audit: still served.
            for _ in 0..3 {
                if let Err(e) = hammer_round(&mut card, transacted) {
                    stats.failures.push(format!("after the audit: {e}"));
                }
            }
            let _ = card.disconnect(Disposition::LeaveCard);
            stats
        });
        Hammer { stop, thread }
    }

    fn finish(self) -> HammerStats {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

#[test]
fn another_client_hammering_the_card_changes_nothing_in_the_report() {
    let stack = Stack::start("field-interference");
    let _em = stack.emulate(Path::new(TYPICAL), &["--latency", "2"]);
    let t = Instant::now();
    let solo = audit(&["--reader", READER]);
    let solo_time = t.elapsed();
    assert_eq!(solo.code, TYPICAL_EXIT, "{}", solo.stderr);
    let mut times = Vec::new();
    let mut waits = Vec::new();
    for _ in 0..2 {
        let hammer = Hammer::start(true);
        std::thread::sleep(Duration::from_millis(500));
        let t = Instant::now();
        let busy = audit(&["--reader", READER]);
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(500));
        let stats = hammer.finish();
        assert_eq!(busy.code, TYPICAL_EXIT, "{}", busy.stderr);
        assert_eq!(
            comparable(&busy.stdout, &[]),
            comparable(&solo.stdout, &[]),
            "the report with another client at the card differs from the solo report"
        );
        assert!(
            stats.failures.is_empty(),
            "the other client's commands failed: {:?}",
            stats.failures
        );
        assert!(stats.rounds >= 5, "the other client hardly ran: {stats:?}");
        waits.push(stats.longest_wait);
        eprintln!("hammer: {stats:?}");
    }
    // A client sending one command at a time, without a transaction: its own SELECT and
    // READ may be split by an application of the audit (its problem, not the report's).
    let hammer = Hammer::start(false);
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let busy = audit(&["--reader", READER]);
    let untransacted_time = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let stats = hammer.finish();
    assert_eq!(busy.code, TYPICAL_EXIT, "{}", busy.stderr);
    assert_eq!(
        comparable(&busy.stdout, &[]),
        comparable(&solo.stdout, &[]),
        "the report beside a client without transactions differs from the solo report"
    );
    assert!(
        !stats
            .failures
            .iter()
            .any(|f| f.starts_with("after the audit")),
        "{stats:?}"
    );
    eprintln!(
        "FIGURES interference without transactions: audit {untransacted_time:?}; other client {} rounds, \
         {} failed during the audit ({:?}), longest round {:?}",
        stats.rounds,
        stats.failures.len(),
        stats.failures.first(),
        stats.longest_wait
    );
    eprintln!(
        "FIGURES interference: audit alone {solo_time:?}; with the other client {times:?}; \
         the other client's longest round (wait included) {waits:?}"
    );
    drop(stack);
}

fn options() -> AuditOptions {
    AuditOptions {
        as_of: time::macros::date!(2026 - 06 - 01),
        show_identifiers: false,
        source: Source {
            kind: SourceKind::Pcsc,
            fixture: None,
            fixture_kind: None,
        },
        redacted_certificates: Vec::new(),
    }
}

fn library_audit(resume: Option<Resume>) -> audit::AuditRun {
    let mut card = Pcsc::establish().unwrap().connect(READER).unwrap();
    card.set_resume(resume);
    let mut session = Session::new(ReadOnly::new(card));
    audit::run(&mut session, &options())
}

#[test]
fn a_card_that_slips_off_and_comes_back_is_waited_for_and_the_audit_resumes() {
    let stack = Stack::start("field-resume");
    let fixture = Path::new(TYPICAL);
    let replay = replay_json();
    // Slip at the 30th command (the text AP), put back after 1.5 s.
    let mut em = stack.emulate(fixture, &["--latency", "20", "--trace"]);
    let audit_thread = std::thread::spawn(|| {
        let t = Instant::now();
        let run = library_audit(Some(Resume {
            wait: Duration::from_secs(30),
            notify: None,
        }));
        (run, t.elapsed())
    });
    assert!(em.wait_count(30, Duration::from_secs(30), |l| l.starts_with("trace > ")) >= 30);
    em.stop();
    wait_card(false, Duration::from_secs(5)).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let _em2 = stack.emulate(fixture, &[]);
    let (run, took) = audit_thread.join().unwrap();
    assert!(run.error.is_none(), "{:?}", run.error);
    assert!(run.report.complete);
    let json = serde_json::to_string(&run.report).unwrap();
    assert_eq!(
        comparable(&json, &["apdu_count", "notes"]),
        comparable(&replay, &["apdu_count", "notes"]),
        "the resumed audit's report equals the replay's"
    );
    let notes = serde_json::to_string(&run.report.notes).unwrap();
    assert!(notes.contains("was put back"), "{notes}");
    eprintln!("FIGURES resume: audit with a 1.5 s slip took {took:?}");

    // Without waiting (not a terminal, or --no-wait): today's partial report.
    drop(_em2);
    wait_card(false, Duration::from_secs(5)).unwrap();
    let em3 = stack.emulate(fixture, &["--latency", "20", "--trace"]);
    let child = spawn_audit(&["--reader", READER]);
    let start = Instant::now();
    assert!(em3.wait_count(30, Duration::from_secs(30), |l| l.starts_with("trace > ")) >= 30);
    drop(em3);
    let r = wait_run(child, start);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error[card-removed]"), "{}", r.stderr);
    assert!(!report(&r).complete);
    drop(stack);
}

#[test]
fn a_card_that_does_not_come_back_in_time_ends_the_audit_as_before() {
    let stack = Stack::start("field-resume-timeout");
    let em = stack.emulate(Path::new(TYPICAL), &["--latency", "20", "--trace"]);
    let audit_thread = std::thread::spawn(|| {
        let t = Instant::now();
        let run = library_audit(Some(Resume {
            wait: Duration::from_secs(2),
            notify: None,
        }));
        (run, t.elapsed())
    });
    assert!(em.wait_count(30, Duration::from_secs(30), |l| l.starts_with("trace > ")) >= 30);
    drop(em);
    let (run, took) = audit_thread.join().unwrap();
    assert_eq!(
        run.error.as_ref().map(|e| e.code()),
        Some("card-removed"),
        "{:?}",
        run.error
    );
    assert!(!run.report.complete);
    assert!(
        took >= Duration::from_secs(2),
        "{took:?} {:?}",
        run.report.notes
    );
    let notes = serde_json::to_string(&run.report.notes).unwrap();
    assert!(notes.contains("was waited for 2 s"), "{notes}");
    drop(stack);
}

/// The CLI on a terminal (a pseudo-terminal from util-linux `script`): it says the card left
/// and waits for it; with `--no-wait` it does not.
#[test]
fn on_a_terminal_the_cli_says_the_card_left_and_waits_unless_no_wait() {
    let stack = Stack::start("field-tty");
    let fixture = Path::new(TYPICAL);
    for no_wait in [false, true] {
        let em = stack.emulate(fixture, &["--latency", "20", "--trace"]);
        let mut line = format!(
            "{} audit --format json --as-of {AS_OF} --reader '{READER}'",
            common::BIN
        );
        if no_wait {
            line.push_str(" --no-wait");
        }
        let child = std::process::Command::new("script")
            .args(["-qefc", &line, "/dev/null"])
            .env("NO_COLOR", "1")
            .env("LANG", "C")
            .env_remove("PCSCLITE_CSOCK_NAME")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("util-linux `script`");
        let start = Instant::now();
        assert!(em.wait_count(30, Duration::from_secs(30), |l| l.starts_with("trace > ")) >= 30);
        drop(em);
        wait_card(false, Duration::from_secs(5)).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        let _back = stack.emulate(fixture, &[]);
        let r = wait_run(child, start);
        let said = r
            .stdout
            .contains("カードが離れました — keep the card on the reader (waiting up to 30 s)");
        if no_wait {
            assert_eq!(r.code, 2, "--no-wait: {}", r.stdout);
            assert!(!said, "{}", r.stdout);
            assert!(r.stdout.contains("error[card-removed]"), "{}", r.stdout);
        } else {
            assert_eq!(r.code, TYPICAL_EXIT, "{}", r.stdout);
            assert!(said, "{}", r.stdout);
            assert!(r.stdout.contains("was put back after"), "{}", r.stdout);
        }
        drop(_back);
        wait_card(false, Duration::from_secs(5)).unwrap();
    }
    drop(stack);
}

/// `emulate --refuse-extended`: extended-length APDUs answer 6700, short ones as recorded.
#[test]
fn the_emulator_can_refuse_extended_length_apdus() {
    let stack = Stack::start("field-extended");
    let _em = stack.emulate(Path::new(TYPICAL), &["--refuse-extended"]);
    let ctx = Context::establish(Scope::User).unwrap();
    let card = ctx
        .connect(
            &CString::new(READER).unwrap(),
            ShareMode::Shared,
            Protocols::ANY,
        )
        .unwrap();
    let mut buf = [0u8; 300];
    for (cmd, want) in [
        (&SELECT_VISUAL[..], &[0x90, 0x00][..]),
        (&SELECT_EF_0003[..], &[0x90, 0x00][..]),
        // READ BINARY, extended Le 00 01 00 (256 bytes): refused.
        (
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00][..],
            &[0x67, 0x00][..],
        ),
    ] {
        let r = card.transmit(cmd, &mut buf).unwrap();
        assert_eq!(&r[r.len() - 2..], want, "{cmd:02X?}");
    }
    // The short form still reads.
    let r = card.transmit(&READ_256, &mut buf).unwrap();
    assert_eq!((r.len(), &r[r.len() - 2..]), (258, &[0x90, 0x00][..]));
    drop(card);
    drop(stack);
}
