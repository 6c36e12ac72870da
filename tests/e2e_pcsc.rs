//! End to end through the real PC/SC stack, no hardware: pcscd + vsmartcard's vpcd driver,
//! `myna-audit emulate` serving each shipped fixture as the card, and the same audit a user
//! runs, through libpcsclite. Also an independent client (OpenSC's JPKI driver), cards
//! vanishing mid-audit, and pcscd missing. Needs pcscd, vsmartcard-vpcd and opensc; fails
//! with what to install when they are missing. docs/emulator.md explains the set-up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use myna_audit::card::Session;
use myna_audit::card::chipmap::{JPKI, Size};
use myna_audit::fixture::Fixture;
use myna_audit::report::Report;
use myna_audit::transport::pcsc::Pcsc;
use myna_audit::transport::replay::Replayer;
use myna_audit::transport::{ReadOnly, Transport, TransportError};
use nix::sys::signal::Signal;
use serde_json::Value;

use common::pcsc_stack::{
    self, READER, Stack, cli, cli_process, shipped_fixtures, tool, wait_card,
};
use common::{Run, run, wait_run};

const AS_OF: &str = "2026-06-01";
const SELECT_JPKI: [u8; 15] = [
    0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
];

fn audit_pcsc(extra: &[&str]) -> Run {
    let mut args = vec!["audit", "--format", "json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    run(cli(&args))
}

fn audit_replay(fixture: &Path) -> Run {
    let mut c = cli(&["audit", "--format", "json", "--as-of", AS_OF, "--replay"]);
    c.arg(fixture);
    run(c)
}

/// The report without what legitimately differs between replay and PC/SC: where it came
/// from and the reader's name (also where a message quotes it). The ATR stays: the
/// emulator must serve the fixture's.
fn comparable(json: &str) -> Value {
    let v: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("report is not JSON ({e}):\n{json}"));
    let reader = v["reader"]["name"]
        .as_str()
        .expect("reader name")
        .to_string();
    let quoted = serde_json::to_string(&reader).unwrap();
    let text = json.replace(&quoted[1..quoted.len() - 1], "<reader>");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let obj = v.as_object_mut().expect("report object");
    obj.remove("source");
    obj["reader"]
        .as_object_mut()
        .expect("reader object")
        .remove("name");
    v
}

#[test]
fn audit_through_pcsc_equals_replay_for_every_shipped_fixture() {
    let stack = Stack::start("every-fixture");
    let fixtures = shipped_fixtures();
    for name in ["typical", "not-my-number"] {
        assert!(
            fixtures.iter().any(|f| f.file_stem().unwrap() == name),
            "fixtures/{name}.fixture is missing"
        );
    }
    for fixture in &fixtures {
        let replay = audit_replay(fixture);
        let mut em = stack.emulate(fixture, &[]);
        let live = audit_pcsc(&["--reader", READER]);
        live.assert_no_panic();
        let what = fixture.display();
        assert_eq!(
            live.code,
            replay.code,
            "{what}: exit code through PC/SC vs replay\nPC/SC stderr:\n{}\nemulator:\n{}",
            live.stderr,
            em.stderr()
        );
        assert_eq!(
            comparable(&live.stdout),
            comparable(&replay.stdout),
            "{what}: the report through PC/SC differs from the replay report"
        );
        let report: Report = serde_json::from_str(&live.stdout).unwrap();
        assert_eq!(report.source.kind, myna_audit::report::SourceKind::Pcsc);
        assert_eq!(report.reader.name, READER);
        if fixture.file_stem().unwrap() == "not-my-number" {
            assert_eq!(live.code, 2, "not-my-number must fail with exit 2");
            assert!(
                live.stderr.contains("not a My Number Card"),
                "{}",
                live.stderr
            );
        }
        // The audit asks only for what the fixture recorded.
        assert!(
            !em.stderr().contains("cannot answer"),
            "{what}: the audit sent commands the fixture cannot answer:\n{}",
            em.stderr()
        );
        em.stop();
        wait_card(false, Duration::from_secs(5)).expect("card gone after the emulator stopped");
    }
}

#[test]
fn audit_finds_the_emulated_card_without_reader_flag() {
    let stack = Stack::start("auto-reader");
    let _em = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    let live = audit_pcsc(&[]);
    assert_eq!(live.code, common::TYPICAL_EXIT, "{}", live.stderr);
    assert!(
        live.stderr.contains(&format!("using reader \"{READER}\"")),
        "{}",
        live.stderr
    );
    let r = run(cli(&["readers", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let row = v["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == READER)
        .expect("vpcd reader listed");
    assert_eq!(row["is_my_number_card"], true);
}

#[test]
fn a_card_that_is_not_a_my_number_card_fails_with_exit_2_through_pcsc() {
    let stack = Stack::start("not-my-number");
    let _em = stack.emulate(Path::new("fixtures/not-my-number.fixture"), &[]);
    // Without --reader the tool looks for a My Number Card and finds none.
    let live = audit_pcsc(&[]);
    live.assert_no_panic();
    assert_eq!(live.code, 2, "{}", live.stderr);
    assert!(live.stderr.contains("no-my-number-card"), "{}", live.stderr);
}

/// EF 000A (the authentication certificate) as the fixture holds it, read through the
/// replay model with the audit's own session code.
fn fixture_auth_certificate(path: &str) -> Vec<u8> {
    let fixture = Fixture::load(Path::new(path)).unwrap();
    let mut s = Session::new(ReadOnly::new(Replayer::new(&fixture, path)));
    assert!(s.select_df(JPKI.aid).unwrap().is_ok());
    assert!(s.select_ef(0x000A).unwrap().is_ok());
    let read = s.read_file(Size::Ber).unwrap();
    assert!(read.complete, "EF 000A complete in {path}");
    read.data
}

/// `Tries left : N` of the PIN block whose header names `label`.
fn tries_left(list: &str, label: &str) -> Option<u8> {
    let block = list.split("PIN [").find(|b| b.starts_with(label))?;
    block
        .lines()
        .find_map(|l| l.trim().strip_prefix("Tries left"))
        .and_then(|v| v.trim_start_matches([' ', ':', '\t']).trim().parse().ok())
}

#[test]
fn opensc_jpki_driver_reads_the_emulated_card() {
    let stack = Stack::start("opensc");
    let fixture = "fixtures/typical.fixture";
    let em = stack.emulate(Path::new(fixture), &[]);

    let name = tool("opensc-tool", &["--reader", "0", "-n"], "opensc");
    assert_eq!(name.code, 0, "opensc-tool -n: {}", name.stderr);
    assert_eq!(
        name.stdout.trim(),
        "jpki",
        "OpenSC picked another driver:\n{}\nemulator:\n{}",
        name.stdout,
        em.stderr()
    );

    let cert = tool(
        "pkcs15-tool",
        &["--reader", "0", "--read-certificate", "1"],
        "opensc",
    );
    assert_eq!(
        cert.code,
        0,
        "pkcs15-tool --read-certificate 1: {}\nemulator:\n{}",
        cert.stderr,
        em.stderr()
    );
    let (_, pem) = x509_parser::pem::parse_x509_pem(cert.stdout.as_bytes()).unwrap_or_else(|e| {
        panic!(
            "no PEM certificate in pkcs15-tool output ({e}):\n{}",
            cert.stdout
        )
    });
    assert_eq!(
        pem.contents,
        fixture_auth_certificate(fixture),
        "the certificate OpenSC read differs from the fixture's EF 000A"
    );

    let pins = tool("pkcs15-tool", &["--reader", "0", "--list-pins"], "opensc");
    // Other OpenSC drivers probe for their own applications and objects (6A82, 6A88, 6D00,
    // as from a real card), also while JPKI-AP is still selected from the previous tool run;
    // but no SELECT EF, READ BINARY or VERIFY inside JPKI-AP may be missing from the fixture.
    let emulator_log = em.stderr();
    let missing: Vec<&str> = emulator_log
        .lines()
        .filter(|l| {
            ["00 A4 02", "00 B0", "00 20"]
                .iter()
                .any(|ins| l.contains(&format!("cannot answer {ins}")))
                && l.contains("DF D392F000260100000001")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "JPKI-AP commands the fixture lacks: {missing:#?}"
    );
    assert_eq!(pins.code, 0, "pkcs15-tool --list-pins: {}", pins.stderr);
    let report: Report = serde_json::from_str(&audit_replay(Path::new(fixture)).stdout).unwrap();
    let jpki = &report.applications[0];
    for (label, ef) in [
        ("User Authentication PIN", "0018"),
        ("Digital Signature PIN", "001B"),
    ] {
        let expected = jpki
            .pins
            .iter()
            .find(|p| p.ef == ef)
            .and_then(|p| p.tries_remaining);
        assert!(expected.is_some(), "replay report has tries for EF {ef}");
        assert_eq!(
            tries_left(&pins.stdout, label),
            expected,
            "{label} (EF {ef}) tries left per OpenSC vs the replay report:\n{}",
            pins.stdout
        );
    }
}

/// Starts an audit against an emulator with `--latency`, waits until the emulator has
/// received command number `nth` (it is outstanding: the emulator is in its delay), then
/// ends the emulator with `sig`.
fn audit_interrupted_by(sig: Signal, test: &str) -> (Run, pcsc_stack::Proc) {
    let stack = Stack::start(test);
    let mut em = stack.emulate(
        Path::new("fixtures/typical.fixture"),
        &["--latency", "150", "--trace"],
    );
    let child = cli_process(&[
        "audit", "--format", "json", "--as-of", AS_OF, "--reader", READER,
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let start = Instant::now();
    // The 12th command is inside JPKI-AP (a READ BINARY of EF 0002), after its two retry
    // counters and EF 0001 were read. The emulator traces a command when it receives it,
    // then waits --latency before answering.
    let nth = 12;
    let reached = em.wait_count(nth, Duration::from_secs(30), |l| l.starts_with("trace > "));
    assert!(
        reached >= nth,
        "the audit never got that far:\n{}",
        em.stderr()
    );
    em.signal(sig);
    em.wait_exit(Duration::from_secs(5))
        .expect("emulator ended on the signal");
    let run = wait_run(child, start);
    drop(stack);
    (run, em)
}

fn assert_card_removed_with_partial_report(run: &Run) {
    run.assert_no_panic();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("card-removed"), "{}", run.stderr);
    assert!(
        run.stderr.contains("card was removed"),
        "the message says the card was removed: {}",
        run.stderr
    );
    let r: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("a partial JSON report ({e}):\n{}", run.stdout));
    assert!(!r.complete);
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("card-removed")
    );
    assert!(r.is_my_number_card, "gathered before the removal");
    // JPKI-AP's counters and first file, read before the removal, are in the report.
    let jpki = r.applications.first().expect("JPKI-AP gathered");
    assert_eq!(jpki.pins.len(), 2);
    assert!(jpki.pins.iter().all(|p| p.tries_remaining.is_some()));
    assert_eq!(
        jpki.files.first().and_then(|f| f.sw),
        Some(myna_audit::report::StatusWord(0x6982))
    );
    assert!(r.apdu_count >= 10, "apdu_count {}", r.apdu_count);
}

#[test]
fn card_vanishing_mid_audit_killed_emulator() {
    let (run, em) = audit_interrupted_by(Signal::SIGKILL, "removed-sigkill");
    assert_card_removed_with_partial_report(&run);
    drop(em);
}

#[test]
fn card_vanishing_mid_audit_emulator_closes_connection() {
    // SIGTERM: the emulator closes its vpcd connection cleanly, leaving the outstanding
    // command unanswered, and exits 0.
    let (run, mut em) = audit_interrupted_by(Signal::SIGTERM, "removed-sigterm");
    assert_card_removed_with_partial_report(&run);
    let status = em.wait_exit(Duration::ZERO).unwrap();
    assert_eq!(status.code(), Some(0), "{}", em.stderr());
    assert!(em.stderr().contains("stopped after"), "{}", em.stderr());
}

#[test]
fn pcscd_not_running_is_a_clear_error() {
    // A client reads PCSCLITE_CSOCK_NAME: a socket that does not exist is a pcscd that is
    // not running, whatever runs on this machine.
    let missing = pcsc_stack::log_dir("no-pcscd").join("no-such-pcscd.comm");
    for args in [&["audit"][..], &["readers"], &["audit", "--format", "json"]] {
        let r = run({
            let mut c = cli(args);
            c.env("PCSCLITE_CSOCK_NAME", &missing);
            c
        });
        r.assert_no_panic();
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("no-service"), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("pcscd") && r.stderr.contains("start"),
            "{args:?}: names pcscd and how to start it: {}",
            r.stderr
        );
    }
}

#[test]
fn pcscd_really_stopped_is_a_clear_error() {
    // The harness's pcscd started and stopped: the default socket is gone.
    let stack = Stack::start("pcscd-stopped");
    let mut stack = stack;
    stack.pcscd.stop();
    let r = run(cli(&["audit"]));
    r.assert_no_panic();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no-service") && r.stderr.contains("pcscd"),
        "{}",
        r.stderr
    );
}

#[test]
fn emulator_keeps_running_after_unanswerable_commands_and_hides_pins() {
    let stack = Stack::start("unanswerable");
    let em = stack.emulate(Path::new("fixtures/typical.fixture"), &["--trace"]);
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    assert_eq!(
        card.atr(),
        Fixture::load(Path::new("fixtures/typical.fixture"))
            .unwrap()
            .atr
    );
    // An application the fixture never saw: 6A82, named on stderr.
    let unknown = [0x00, 0xA4, 0x04, 0x0C, 0x05, 0xF0, 0x01, 0x02, 0x03, 0x04];
    assert_eq!(card.transmit(&unknown).unwrap(), vec![0x6A, 0x82]);
    assert!(
        em.wait_line(Duration::from_secs(5), |l| l
            .contains("cannot answer 00 A4 04 0C 05 F0 01 02 03 04"))
            .is_some(),
        "{}",
        em.stderr()
    );
    // An instruction it never saw: 6D00.
    assert_eq!(
        card.transmit(&[0x80, 0xCA, 0x9F, 0x7F, 0x00]).unwrap(),
        vec![0x6D, 0x00]
    );
    // A VERIFY carrying a PIN (this raw transport has no read-only guard): answered, and
    // the PIN appears nowhere in the emulator's output.
    let verify = [0x00, 0x20, 0x00, 0x80, 0x04, 0x39, 0x38, 0x37, 0x36];
    let resp = card.transmit(&verify).unwrap();
    assert_eq!(resp.len(), 2);
    // The card still answers what it knows.
    assert_eq!(card.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
    assert!(
        em.wait_line(Duration::from_secs(5), |l| l
            .contains("00 A4 04 0C 0A D3 92"))
            .is_some()
    );
    drop(card);
    let mut em = em;
    em.stop();
    let err = em.stderr();
    assert!(err.contains("00 20 00 80 04 **"), "{err}");
    assert!(!err.contains("39 38 37 36"), "PIN leaked:\n{err}");
}

#[test]
fn emulator_trace_hides_identifiers_unless_asked() {
    let stack = Stack::start("trace-identifiers");
    for (flag, hidden) in [(None, true), (Some("--show-identifiers"), false)] {
        let mut extra = vec!["--trace"];
        extra.extend(flag);
        let mut em = stack.emulate(Path::new("fixtures/typical.fixture"), &extra);
        let live = audit_pcsc(&["--reader", READER]);
        assert_eq!(live.code, common::TYPICAL_EXIT, "{}", live.stderr);
        em.stop();
        wait_card(false, Duration::from_secs(5)).unwrap();
        // The fixture's fictional identifiers (card id, serials, certificate CN), as the
        // trace would print them in hex.
        let fixture = Fixture::load(Path::new("fixtures/typical.fixture")).unwrap();
        let hexed: Vec<String> = fixture
            .fictional
            .iter()
            .map(|v| {
                v.bytes()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let err = em.stderr();
        let shown = hexed.iter().filter(|h| err.contains(h.as_str())).count();
        if hidden {
            assert_eq!(shown, 0, "identifiers in the default trace:\n{err}");
            assert!(err.contains("[identifiers masked]"), "{err}");
        } else {
            assert!(shown >= 3, "--show-identifiers shows them ({shown} seen)");
            assert!(!err.contains("[identifiers masked]"), "{err}");
        }
    }
}

#[test]
fn emulate_once_exits_after_the_first_session() {
    let stack = Stack::start("once");
    let mut em = stack.emulate(Path::new("fixtures/typical.fixture"), &["--once"]);
    let live = audit_pcsc(&["--reader", READER]);
    assert_eq!(live.code, common::TYPICAL_EXIT, "{}", live.stderr);
    // pcscd powers the card off a grace period after the last client left.
    let status = em
        .wait_exit(Duration::from_secs(15))
        .unwrap_or_else(|| panic!("--once did not exit:\n{}", em.stderr()));
    assert_eq!(status.code(), Some(0), "{}", em.stderr());
    assert!(em.stderr().contains("stopped after"), "{}", em.stderr());
}

#[test]
fn emulate_once_fails_when_pcscd_stops_first() {
    let mut stack = Stack::start("once-pcscd-stops");
    let mut em = stack.emulate(Path::new("fixtures/typical.fixture"), &["--once"]);
    stack.pcscd.stop();
    let status = em
        .wait_exit(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("--once kept waiting:\n{}", em.stderr()));
    assert_eq!(status.code(), Some(2), "{}", em.stderr());
    assert!(em.stderr().contains("vpcd-closed"), "{}", em.stderr());
}

#[test]
fn emulator_reconnects_when_pcscd_restarts() {
    let mut stack = Stack::start("pcscd-restart");
    let em = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    stack.restart_pcscd();
    assert!(
        em.wait_line(Duration::from_secs(5), |l| l
            .contains("waiting for it to come back"))
            .is_some(),
        "{}",
        em.stderr()
    );
    wait_card(true, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("card back after the restart: {e}\n{}", em.stderr()));
    let live = audit_pcsc(&["--reader", READER]);
    assert_eq!(live.code, common::TYPICAL_EXIT, "{}", live.stderr);
}

#[test]
fn emulate_against_a_pcscd_without_vpcd_names_the_package() {
    let stack = Stack::start_without_vpcd("no-vpcd");
    let r = run(cli(&["emulate", "fixtures/typical.fixture"]));
    drop(stack);
    r.assert_no_panic();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("vpcd-missing"), "{}", r.stderr);
    assert!(r.stderr.contains("vsmartcard-vpcd"), "{}", r.stderr);
}

#[test]
fn a_second_card_on_a_busy_slot_is_told_so() {
    let stack = Stack::start("busy-slot");
    let _first = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    let second = stack.emulate_no_wait(Path::new("fixtures/minor.fixture"), &[]);
    assert!(
        second
            .wait_line(Duration::from_secs(6), |l| l
                .contains("another virtual card"))
            .is_some(),
        "{}",
        second.stderr()
    );
}

#[test]
fn ctrl_c_stops_the_emulator_cleanly_and_the_card_leaves() {
    let stack = Stack::start("sigint");
    let mut em = stack.emulate(Path::new("fixtures/typical.fixture"), &[]);
    em.signal(Signal::SIGINT);
    let status = em
        .wait_exit(Duration::from_secs(2))
        .expect("ended on SIGINT");
    assert_eq!(status.code(), Some(0), "{}", em.stderr());
    wait_card(false, Duration::from_secs(5)).expect("the reader is empty again");
}

#[test]
fn emulate_with_nothing_listening_names_the_port() {
    let stack = Stack::start("vpcd-port");
    // A port nobody listens on, while pcscd (with its vpcd readers) runs.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = run(cli(&[
        "emulate",
        "fixtures/typical.fixture",
        "--vpcd",
        &format!("127.0.0.1:{port}"),
    ]));
    drop(stack);
    r.assert_no_panic();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("vpcd-unreachable"), "{}", r.stderr);
    assert!(r.stderr.contains("check the port"), "{}", r.stderr);
}

/// Timing figures, printed (run with --nocapture to see them) and kept in
/// `$CARGO_TARGET_TMPDIR/e2e/timing/timing.txt`; measured, never asserted.
#[test]
fn timing_report() {
    let stack = Stack::start("timing");
    let mut lines = Vec::new();
    let fixture = Path::new("fixtures/typical.fixture");

    let start = Instant::now();
    let mut em = stack.emulate(fixture, &[]);
    lines.push(format!(
        "emulator start to card visible through PC/SC: {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    ));
    {
        let pcsc = Pcsc::establish().unwrap();
        let mut card = pcsc.connect(READER).unwrap();
        let n = 1000;
        let t = Instant::now();
        for _ in 0..n {
            assert_eq!(card.transmit(&SELECT_JPKI).unwrap(), vec![0x90, 0x00]);
        }
        let per = t.elapsed() / n;
        lines.push(format!(
            "SELECT round trip through libpcsclite, pcscd, vpcd and the emulator: {:.1} µs ({n} in {:.0} ms)",
            per.as_secs_f64() * 1e6,
            t.elapsed().as_secs_f64() * 1e3
        ));
    }
    em.stop();
    wait_card(false, Duration::from_secs(5)).unwrap();

    for latency in ["0", "20"] {
        let mut em = stack.emulate(fixture, &["--latency", latency]);
        let live = audit_pcsc(&["--reader", READER]);
        assert_eq!(live.code, common::TYPICAL_EXIT, "{}", live.stderr);
        let r: Report = serde_json::from_str(&live.stdout).unwrap();
        lines.push(format!(
            "full audit through PC/SC, --latency {latency}: {:.0} ms wall, {} APDUs",
            live.took.as_secs_f64() * 1e3,
            r.apdu_count
        ));
        em.stop();
        wait_card(false, Duration::from_secs(5)).unwrap();
    }
    let replay = audit_replay(fixture);
    lines.push(format!(
        "same audit from the fixture (--replay), for scale: {:.0} ms wall",
        replay.took.as_secs_f64() * 1e3
    ));
    let text = lines.join("\n");
    eprintln!("{text}");
    std::fs::write(stack.dir.join("timing.txt"), format!("{text}\n")).unwrap();
}

/// The PC/SC error mapping in src/transport/pcsc.rs, as observed with this libpcsclite:
/// a card vanishing with a command outstanding, and every command after it.
#[test]
fn removed_card_maps_to_card_removed_through_the_library_transport() {
    let stack = Stack::start("mapping");
    let mut em = stack.emulate(
        Path::new("fixtures/typical.fixture"),
        &["--latency", "300", "--trace"],
    );
    let pcsc = Pcsc::establish().unwrap();
    let mut card = pcsc.connect(READER).unwrap();
    let killer = {
        let pid = em.pid();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            let _ = nix::sys::signal::kill(pid, Signal::SIGKILL);
        })
    };
    // Outstanding when the emulator dies: pcsc-lite returns an empty response.
    assert_eq!(
        card.transmit(&SELECT_JPKI),
        Err(TransportError::CardRemoved)
    );
    killer.join().unwrap();
    em.wait_exit(Duration::from_secs(5)).unwrap();
    // Then NotTransacted, then RemovedCard: both still "card removed".
    for _ in 0..6 {
        assert_eq!(
            card.transmit(&SELECT_JPKI),
            Err(TransportError::CardRemoved)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
