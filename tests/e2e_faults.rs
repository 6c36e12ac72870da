//! Faults through the real PC/SC stack (docs/faults.md), with the emulate harness
//! (tests/common/pcsc_stack.rs: pcscd + vpcd + `myna-audit emulate`): the service
//! restarting or stopping mid-audit, no reader, readers without a card, several readers
//! (another card beside the My Number Card; two My Number Cards), and the card reset by
//! another program. Needs pcscd and vsmartcard-vpcd; fails with what to install otherwise.
//! (No PC/SC service at all and the card vanishing mid-audit are in tests/e2e_pcsc.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use myna_audit::report::Report;

use common::pcsc_stack::{Proc, READER, READER_2, Stack, cli, cli_process, wait_reader};
use common::{Run, run, wait_run};

const AS_OF: &str = "2026-06-01";
const TYPICAL: &str = "fixtures/typical.fixture";
const SLOT_2: &str = "127.0.0.1:35964";

fn spawn_audit(extra: &[&str]) -> Child {
    let mut args = vec!["audit", "--format", "json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    cli_process(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child, start: Instant) -> Run {
    let run = wait_run(child, start);
    run.assert_no_panic();
    run
}

fn report(run: &Run) -> Report {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("a JSON report ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// An emulated card with `--latency` and `--trace`, and an audit of it that has reached
/// (and is waiting for the answer to) command number `nth`.
fn audit_until(stack: &Stack, latency_ms: u64, nth: usize) -> (Proc, Child, Instant) {
    let em = stack.emulate(
        Path::new(TYPICAL),
        &["--latency", &latency_ms.to_string(), "--trace"],
    );
    let child = spawn_audit(&["--reader", READER]);
    let start = Instant::now();
    let reached = em.wait_count(nth, Duration::from_secs(30), |l| l.starts_with("trace > "));
    assert!(
        reached >= nth,
        "the audit never got that far:\n{}",
        em.stderr()
    );
    (em, child, start)
}

fn replay_report() -> Report {
    let r = run(cli(&[
        "audit", "--format", "json", "--as-of", AS_OF, "--replay", TYPICAL,
    ]));
    assert_eq!(r.code, common::TYPICAL_EXIT, "{}", r.stderr);
    report(&r)
}

#[test]
fn a_service_restart_mid_audit_is_recovered_once() {
    let mut stack = Stack::start("faults-restart");
    // Command 12 is a READ BINARY (offset 0300) of JPKI-AP EF 0002: after the reconnection
    // the application and the EF must be selected again before it is re-sent.
    let (em, child, start) = audit_until(&stack, 100, 12);
    stack.restart_pcscd();
    let run = finish(child, start);
    assert_eq!(
        run.code,
        common::TYPICAL_EXIT,
        "{}\n{}",
        run.stderr,
        em.stderr()
    );
    let mut live = report(&run);
    assert!(live.complete, "{:?}", live.error);
    let note = live
        .notes
        .iter()
        .position(|n| {
            n.en.starts_with("The connection to the PC/SC service broke at command 12")
                && n.en.contains("re-established it once")
        })
        .unwrap_or_else(|| panic!("the report says what happened: {:?}", live.notes));
    live.notes.remove(note);
    // Apart from that note, the same report as the fixture's.
    let replay = replay_report();
    live.source = replay.source.clone();
    live.reader.name = replay.reader.name.clone();
    assert_eq!(live, replay);
    eprintln!(
        "service restart recovered: audit took {:.1} s",
        run.took.as_secs_f64()
    );
}

#[test]
fn a_service_stopping_for_good_mid_audit_is_reported_with_a_partial_report() {
    let mut stack = Stack::start("faults-stop");
    let (_em, child, start) = audit_until(&stack, 150, 12);
    stack.pcscd.stop();
    let run = finish(child, start);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[service-stopped]: the PC/SC service stopped during the audit"),
        "{}",
        run.stderr
    );
    let r = report(&run);
    assert!(!r.complete && r.is_my_number_card);
    // What was read before the stop: JPKI-AP's two counters and its first file.
    let jpki = &r.applications[0];
    assert_eq!(jpki.pins.len(), 2);
    assert!(jpki.pins.iter().all(|p| p.tries_remaining.is_some()));
    assert_eq!(
        jpki.files
            .first()
            .map(|f| (f.ef.to_string(), f.sw.map(|sw| sw.to_string()))),
        Some(("0001".to_string(), Some("6982".to_string())))
    );
    assert!(
        r.notes.iter().any(|n| n
            .en
            .contains("reconnecting once failed: the service did not come back within 5 s")),
        "{:?}",
        r.notes
    );
    assert!(
        run.took >= Duration::from_secs(5),
        "it waited for the service"
    );
}

#[test]
fn a_verify_interrupted_by_a_service_restart_is_never_sent_again() {
    let mut stack = Stack::start("faults-restart-verify");
    // Command 3 is the first retry-counter query (EF 0018 of JPKI-AP).
    let (em, child, start) = audit_until(&stack, 300, 3);
    let last = em
        .wait_line(Duration::from_secs(5), |l| l.starts_with("trace > "))
        .unwrap();
    let verifies = |em: &Proc| {
        em.stderr()
            .lines()
            .filter(|l| l.starts_with("trace > 00 20 00 80"))
            .count()
    };
    assert_eq!(verifies(&em), 1, "{last}: {}", em.stderr());
    stack.restart_pcscd();
    let run = finish(child, start);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[service-stopped]"),
        "{}",
        run.stderr
    );
    let r = report(&run);
    assert!(
        r.notes
            .iter()
            .any(|n| n.en.contains("is not sent twice (00 20 00 80)")),
        "{:?}",
        r.notes
    );
    // Give a late re-send the time to show up: there must be none.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(verifies(&em), 1, "{}", em.stderr());
}

#[test]
fn no_reader() {
    let stack = Stack::start_without_vpcd("faults-no-reader");
    for args in [&["audit"][..], &["readers"]] {
        let r = run(cli(args));
        r.assert_no_panic();
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("error[no-reader]: no smart-card reader is connected"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("ISO 14443 Type B"), "{}", r.stderr);
    }
    drop(stack);
}

#[test]
fn readers_without_a_card() {
    let stack = Stack::start("faults-no-card");
    let r = run(cli(&["audit"]));
    r.assert_no_panic();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error[no-my-number-card]: no reader holds a My Number Card (readers: \"{READER}\", \"{READER_2}\")"
        )),
        "{}",
        r.stderr
    );
    let r = run(cli(&["audit", "--reader", READER]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("error[no-card]: no card in reader \"{READER}\"")),
        "{}",
        r.stderr
    );
    let r = run(cli(&["readers"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("  no card").count(), 2, "{}", r.stdout);
    drop(stack);
}

/// Serves `slot0` on the first vpcd slot and `slot1` on the second; waits for both.
fn two_cards(stack: &Stack, slot0: &str, slot1: &str) -> (Proc, Proc) {
    let a = stack.emulate(Path::new(slot0), &[]);
    let b = stack.emulate_no_wait(Path::new(slot1), &["--vpcd", SLOT_2]);
    wait_reader(READER_2, true, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("card in {READER_2}: {e}\n{}", b.stderr()));
    (a, b)
}

#[test]
fn the_my_number_card_is_picked_beside_another_card_and_named() {
    let stack = Stack::start("faults-two-readers");
    let _cards = two_cards(&stack, "fixtures/not-my-number.fixture", TYPICAL);
    let r = run(cli(&["audit", "--format", "json", "--as-of", AS_OF]));
    r.assert_no_panic();
    assert_eq!(r.code, common::TYPICAL_EXIT, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "using reader \"{READER_2}\" (the only one holding a My Number Card)"
        )),
        "{}",
        r.stderr
    );
    let live = report(&r);
    assert_eq!(live.reader.name, READER_2);
    assert!(live.complete && live.is_my_number_card);
    let list = run(cli(&["readers"]));
    assert_eq!(list.code, 0);
    assert!(
        list.stdout
            .contains(&format!("{READER}\n  another card (not a My Number Card)")),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains(&format!("{READER_2}\n  My Number Card")),
        "{}",
        list.stdout
    );
}

#[test]
fn two_my_number_cards_is_a_clear_error_listing_the_readers() {
    let stack = Stack::start("faults-two-cards");
    let _cards = two_cards(&stack, TYPICAL, "fixtures/minor.fixture");
    let r = run(cli(&["audit"]));
    r.assert_no_panic();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error[several-my-number-cards]: several readers hold a My Number Card: \"{READER}\", \"{READER_2}\""
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--reader"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no report of either card");
    // Naming one works.
    let r = run(cli(&["audit", "--reader", READER_2, "--as-of", AS_OF]));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
}

// A card reset by another program mid-audit is now recovered (the application is walked
// again): tests/e2e_field.rs, `a_card_reset_by_another_program_mid_audit_is_recovered`.
