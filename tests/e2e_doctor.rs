//! `myna-audit doctor` and `myna-audit watch` through the real PC/SC stack (pcscd + vpcd +
//! `myna-audit emulate`, tests/common/pcsc_stack.rs): a healthy card, a path with short
//! APDUs only, a slow link, a card pulled during the link probe, a card that is not a My
//! Number Card, no pcscd, no reader, two readers; `watch` seeing insertions and removals in
//! order, and surviving a pcscd restart. Needs pcscd and vsmartcard-vpcd; run under
//! `flock /tmp/myna-e2e.lock` (only one pcscd per machine).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;

use common::pcsc_stack::{Proc, READER, READER_2, Stack, cli, cli_process, wait_card, wait_reader};
use common::{Run, run, wait_run};

const TYPICAL: &str = "fixtures/typical.fixture";
const NOT_MNC: &str = "fixtures/not-my-number.fixture";
const SLOT_2: &str = "127.0.0.1:35964";
const CHECKS: [&str; 8] = [
    "service",
    "readers",
    "card",
    "atr",
    "my_number_card",
    "link",
    "apdu_size",
    "exclusive_access",
];

fn doctor(extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["doctor", "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(cli(&args));
    let v = parse(&r);
    (r, v)
}

fn parse(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("doctor JSON ({e}):\n{}\n{}", r.stdout, r.stderr))
}

fn check<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("check {id} in {v:#}"))
}

fn status(v: &Value, id: &str) -> String {
    check(v, id)["status"].as_str().unwrap().to_string()
}

fn summary(v: &Value, id: &str) -> String {
    check(v, id)["summary"].as_str().unwrap().to_string()
}

fn statuses(v: &Value) -> Vec<(String, String)> {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn all_ok(v: &Value) -> bool {
    statuses(v).iter().all(|(_, s)| s == "ok")
}

#[test]
fn a_healthy_emulated_card_is_all_ok_type_b_with_extended_length() {
    let stack = Stack::start("doctor-healthy");
    let _em = stack.emulate(Path::new(TYPICAL), &[]);
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(v["schema_version"], 1);
    let ids: Vec<String> = statuses(&v).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, CHECKS, "every check, in order");
    assert!(all_ok(&v), "{:?}", statuses(&v));
    assert_eq!(v["reader"], READER);
    assert_eq!(v["atr"]["type"], "iso14443b");
    assert_eq!(v["atr"]["interface"], "contactless");
    assert_eq!(v["atr"]["tck_valid"], true);
    assert_eq!(v["atr"]["known_my_number_card"], true);
    assert_eq!(v["apdu"]["short"], true);
    assert_eq!(v["apdu"]["extended"], true);
    assert_eq!(v["apdu"]["probe"], "00 B0 00 00 00 02 00");
    assert!(v["apdu"]["max_response"].as_u64().unwrap() > 256, "{v:#}");
    assert_eq!(v["link"]["round_trips"], 50);
    assert_eq!(v["link"]["answered"], 50);
    assert_eq!(v["link"]["errors"], 0);
    assert_eq!(v["link"]["card_lost"], false);
    assert_eq!(v["applications"].as_array().unwrap().len(), 5);
    // 1 SELECT JPKI-AP + 5 SELECT + SELECT JPKI-AP and EF 0002 + 50 + 1 extended.
    assert_eq!(v["apdus_sent"], 59);
    eprintln!(
        "doctor at --latency 0: {} ms inside, {:.0} ms wall, {} APDUs",
        v["elapsed_ms"],
        r.took.as_secs_f64() * 1e3,
        v["apdus_sent"]
    );

    // The text form says the same, one line per check.
    let t = run(cli(&["doctor"]));
    assert_eq!(t.code, 0, "{}", t.stderr);
    for id in CHECKS {
        assert!(
            t.stdout
                .lines()
                .any(|l| l.starts_with("ok ") && l.contains(id)),
            "{id}:\n{}",
            t.stdout
        );
    }
    assert!(t.stdout.contains("ISO 14443 Type B"), "{}", t.stdout);
    assert!(
        t.stdout.contains("extended-length APDUs work"),
        "{}",
        t.stdout
    );
    assert!(!t.stdout.contains("fix:"), "{}", t.stdout);

    // In Japanese: the same checks, none of the English sentences the JSON carries.
    let ja = run(cli(&["doctor", "--lang", "ja"]));
    assert_eq!(ja.code, 0, "{}", ja.stderr);
    assert!(
        ja.stdout.contains("正常  マイナンバーカード"),
        "{}",
        ja.stdout
    );
    let mut seen = 0;
    for c in v["checks"].as_array().unwrap() {
        let mut english = vec![c["summary"].as_str().unwrap().to_string()];
        english.extend(
            c["details"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(String::from)),
        );
        for f in english.iter().flat_map(|e| english_runs(e)) {
            seen += 1;
            assert!(!ja.stdout.contains(&f), "{f:?} in\n{}", ja.stdout);
        }
    }
    assert!(seen > 10, "{seen} English runs looked for");
}

/// The runs of three or more English words in a sentence, leaving out "quoted" names.
fn english_runs(en: &str) -> Vec<String> {
    let plain: String = en.split('"').step_by(2).collect::<Vec<_>>().join("|");
    plain
        .split(|c: char| !(c.is_ascii_alphabetic() || c == ' ' || c == '\'' || c == '-'))
        .map(str::trim)
        .filter(|f| f.split_whitespace().filter(|w| w.len() > 1).count() >= 3)
        .map(String::from)
        .collect()
}

#[test]
fn a_path_without_extended_length_reports_short_apdus_only() {
    let stack = Stack::start("doctor-short-only");
    let em = stack.emulate(Path::new(TYPICAL), &["--refuse-extended", "--trace"]);
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(all_ok(&v), "{:?}", statuses(&v));
    assert_eq!(v["apdu"]["short"], true);
    assert_eq!(v["apdu"]["extended"], false);
    assert!(v["apdu"]["max_response"].as_u64().unwrap() <= 256, "{v:#}");
    let s = summary(&v, "apdu_size");
    assert!(
        s.starts_with("short APDUs only") && s.contains("6700"),
        "{s}"
    );
    // The probe did reach the card (and was answered 6700 there), once.
    assert_eq!(
        em.stderr()
            .lines()
            .filter(|l| l.starts_with("trace > 00 B0 00 00 00 02 00"))
            .count(),
        1,
        "{}",
        em.stderr()
    );
}

#[test]
fn a_slow_link_is_measured_and_doctor_stays_within_3_s() {
    let stack = Stack::start("doctor-latency");
    let _em = stack.emulate(Path::new(TYPICAL), &["--latency", "20"]);
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(all_ok(&v), "a 20 ms link is ok: {:?}", statuses(&v));
    let median = v["link"]["median_ms"].as_f64().unwrap();
    let min = v["link"]["min_ms"].as_f64().unwrap();
    assert!(median >= 20.0 && min >= 20.0, "{}", v["link"]);
    assert!(median < 50.0, "below the warning threshold: {}", v["link"]);
    assert_eq!(v["apdu"]["extended"], true);
    let elapsed = v["elapsed_ms"].as_u64().unwrap();
    eprintln!(
        "doctor at --latency 20: {elapsed} ms inside, {:.0} ms wall, {} APDUs, link {}",
        r.took.as_secs_f64() * 1e3,
        v["apdus_sent"],
        v["link"]
    );
    assert!(
        elapsed < 3000 && r.took < Duration::from_secs(3),
        "the whole run within 3 s: {elapsed} ms inside, {:?} wall",
        r.took
    );
}

#[test]
fn a_card_pulled_during_the_link_probe_is_reported_lost() {
    let stack = Stack::start("doctor-card-pulled");
    let mut em = stack.emulate(Path::new(TYPICAL), &["--latency", "20", "--trace"]);
    let child = cli_process(&["doctor", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    // 8 commands come before the link probe (identification, 5 applications, the probe
    // file's two SELECTs): the 20th is its 12th round trip, outstanding in the emulator.
    let nth = 20;
    let reached = em.wait_count(nth, Duration::from_secs(30), |l| l.starts_with("trace > "));
    assert!(
        reached >= nth,
        "doctor never got that far:\n{}",
        em.stderr()
    );
    em.signal(Signal::SIGKILL);
    em.wait_exit(Duration::from_secs(5))
        .expect("the emulator ended on SIGKILL");
    let r = wait_run(child, start);
    r.assert_no_panic();
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v = parse(&r);
    assert_eq!(status(&v, "link"), "fail", "{:?}", statuses(&v));
    assert_eq!(v["link"]["card_lost"], true, "{}", v["link"]);
    let answered = v["link"]["answered"].as_u64().unwrap();
    assert!((5..50).contains(&answered), "{}", v["link"]);
    assert!(
        summary(&v, "link").contains("lost"),
        "{}",
        summary(&v, "link")
    );
    assert!(
        check(&v, "link")["fix"]
            .as_str()
            .unwrap()
            .contains("flat and centred"),
        "{v:#}"
    );
    assert_eq!(status(&v, "apdu_size"), "skip");
    assert!(summary(&v, "apdu_size").contains("lost"));
    // Everything below the link was fine.
    for id in ["service", "readers", "card", "atr", "my_number_card"] {
        assert_eq!(status(&v, id), "ok", "{id}: {:?}", statuses(&v));
    }
}

#[test]
fn a_card_that_is_not_a_my_number_card() {
    let stack = Stack::start("doctor-not-mnc");
    let _em = stack.emulate(Path::new(NOT_MNC), &[]);
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(status(&v, "card"), "ok");
    assert_eq!(status(&v, "my_number_card"), "fail", "{:?}", statuses(&v));
    assert!(
        summary(&v, "my_number_card").starts_with("not a My Number Card"),
        "{}",
        summary(&v, "my_number_card")
    );
    assert!(
        check(&v, "my_number_card")["fix"]
            .as_str()
            .unwrap()
            .contains("My Number Card"),
        "{v:#}"
    );
    for id in ["link", "apdu_size"] {
        assert_eq!(status(&v, id), "skip", "{id}");
        assert!(summary(&v, id).contains("not identified as a My Number Card"));
    }
    assert!(v["link"].is_null() && v["apdu"].is_null(), "{v:#}");
}

#[test]
fn no_pcscd_exits_2_and_the_fix_names_pcscd() {
    let mut stack = Stack::start("doctor-no-pcscd");
    stack.pcscd.stop();
    for format in ["json", "text"] {
        let r = run(cli(&["doctor", "--format", format]));
        assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
        if format == "json" {
            let v = parse(&r);
            assert_eq!(status(&v, "service"), "fail");
            let fix = check(&v, "service")["fix"].as_str().unwrap().to_string();
            assert!(fix.contains("pcscd"), "{fix}");
            for id in &CHECKS[1..] {
                assert_eq!(status(&v, id), "skip", "{id}");
                assert!(summary(&v, id).contains("PC/SC service is not reachable"));
            }
            assert_eq!(v["apdus_sent"], 0);
        } else {
            assert!(
                r.stdout.starts_with("myna-audit doctor\nfail  service"),
                "{}",
                r.stdout
            );
            assert!(
                r.stdout.contains("fix: ") && r.stdout.contains("pcscd"),
                "{}",
                r.stdout
            );
        }
    }
}

#[test]
fn no_reader_is_a_failed_readers_check() {
    let stack = Stack::start_without_vpcd("doctor-no-reader");
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(status(&v, "service"), "ok");
    assert_eq!(status(&v, "readers"), "fail");
    assert!(summary(&v, "readers").contains("no reader"), "{v:#}");
    assert!(
        check(&v, "readers")["fix"]
            .as_str()
            .unwrap()
            .contains("Type B"),
        "{v:#}"
    );
    for id in &CHECKS[2..] {
        assert_eq!(status(&v, id), "skip", "{id}");
    }
    drop(stack);
}

#[test]
fn no_card_in_either_reader() {
    let stack = Stack::start("doctor-no-card");
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(status(&v, "readers"), "ok");
    assert_eq!(v["readers"].as_array().unwrap().len(), 2);
    assert_eq!(status(&v, "card"), "fail");
    assert!(
        summary(&v, "card").contains(READER) && summary(&v, "card").contains(READER_2),
        "{}",
        summary(&v, "card")
    );
    drop(stack);
}

#[test]
fn two_readers_the_my_number_card_is_found_beside_another_card() {
    let stack = Stack::start("doctor-two-readers");
    let _a = stack.emulate(Path::new(NOT_MNC), &[]);
    let b = stack.emulate_no_wait(Path::new(TYPICAL), &["--vpcd", SLOT_2]);
    wait_reader(READER_2, true, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("card in {READER_2}: {e}\n{}", b.stderr()));
    let (r, v) = doctor(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(all_ok(&v), "{:?}", statuses(&v));
    assert_eq!(
        v["reader"], READER_2,
        "the reader holding the My Number Card"
    );
    let readers = v["readers"].as_array().unwrap();
    assert_eq!(readers.len(), 2);
    assert!(readers.iter().all(|r| r["card_present"] == true), "{v:#}");
    // The other card was asked once (its SELECT answered 6A82), and counts.
    assert_eq!(v["apdus_sent"], 60, "{v:#}");

    // --reader picks the other one: not a My Number Card.
    let (r, v) = doctor(&["--reader", READER]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(v["reader"], READER);
    assert_eq!(status(&v, "my_number_card"), "fail");
    // A name matching both readers is refused and both are listed.
    let (r, v) = doctor(&["--reader", "Virtual PCD"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(status(&v, "card"), "fail");
    assert!(summary(&v, "card").contains("matches several readers"));
    drop(b);
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["doctor", "--round-trips", "1001"][..],
        &["doctor", "--round-trips", "-1"],
        &["doctor", "--format", "xml"],
        &["watch", "--format", "xml"],
    ] {
        let r = run(cli(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
}

/// `myna-audit watch --format json` in the background, its stdout lines collected.
struct Watch {
    child: Child,
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Watch {
    fn start() -> Watch {
        let mut child = cli_process(&["watch", "--format", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let out = child.stdout.take().unwrap();
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let (lock, cv) = &*sink;
                lock.lock().unwrap().push(line);
                cv.notify_all();
            }
        });
        Watch { child, lines }
    }

    fn events(&self) -> Vec<Value> {
        self.lines
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a JSON line ({e}): {l}")))
            .collect()
    }

    /// Waits until `n` events match `pred`.
    fn wait_for(&self, n: usize, pred: impl Fn(&Value) -> bool) {
        let (lock, cv) = &*self.lines;
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut seen = lock.lock().unwrap();
        loop {
            let count = seen
                .iter()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter(|v| pred(v))
                .count();
            if count >= n {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "waited for {n} event(s): {:?}", *seen);
            seen = cv.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// SIGINT, then the exit status and every event.
    fn interrupt(mut self) -> (ExitStatus, Vec<Value>) {
        kill(Pid::from_raw(self.child.id() as i32), Signal::SIGINT).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "watch did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread has the last lines once the pipe closes.
        std::thread::sleep(Duration::from_millis(100));
        (status, self.events())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn is(event: &str) -> impl Fn(&Value) -> bool + '_ {
    move |v| v["event"] == event
}

/// Serves `fixture` until its card shows in the reader, then stops it and waits until the
/// reader is empty again (so the next emulator's card is a new card).
fn insert_and_remove(stack: &Stack, watch: &Watch, fixture: &str, n: usize) {
    let mut em: Proc = stack.emulate(Path::new(fixture), &[]);
    watch.wait_for(n, is("card_inserted"));
    em.stop();
    wait_card(false, Duration::from_secs(10)).unwrap();
    watch.wait_for(n, is("card_removed"));
}

#[test]
fn watch_shows_insertions_and_removals_in_order() {
    let stack = Stack::start("watch-events");
    let watch = Watch::start();
    // The initial state: both vpcd readers, no card.
    watch.wait_for(2, is("reader_added"));
    insert_and_remove(&stack, &watch, TYPICAL, 1);
    insert_and_remove(&stack, &watch, NOT_MNC, 2);
    let (status, events) = watch.interrupt();
    assert_eq!(status.code(), Some(0), "a clean exit on SIGINT");
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["reader"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("reader_added", READER),
            ("reader_added", READER_2),
            ("card_inserted", READER),
            ("card_removed", READER),
            ("card_inserted", READER),
            ("card_removed", READER),
        ],
        "{events:#?}"
    );
    let typical_atr = "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F";
    assert_eq!(events[2]["atr"], typical_atr);
    assert_eq!(events[2]["my_number_card"], true);
    assert_eq!(events[4]["my_number_card"], false);
    assert!(events[0]["since_last_ms"].is_null());
    assert!(
        events[1..].iter().all(|e| e["since_last_ms"].is_u64()),
        "{events:#?}"
    );
}

#[test]
fn watch_survives_a_pcscd_restart() {
    let mut stack = Stack::start("watch-restart");
    let em = stack.emulate(Path::new(TYPICAL), &[]);
    let watch = Watch::start();
    watch.wait_for(1, is("card_inserted"));
    stack.restart_pcscd();
    watch.wait_for(1, is("service_lost"));
    watch.wait_for(1, is("service_back"));
    // The emulator reconnects to the new pcscd's vpcd; the card is there again.
    wait_card(true, Duration::from_secs(10)).unwrap();
    // A few polls, so that watch has seen the card back.
    std::thread::sleep(Duration::from_millis(400));
    let removed = watch
        .events()
        .iter()
        .filter(|e| is("card_removed")(e))
        .count();
    // Events still arrive through the new context: the card leaves.
    drop(em);
    wait_card(false, Duration::from_secs(10)).unwrap();
    watch.wait_for(removed + 1, is("card_removed"));
    let (status, events) = watch.interrupt();
    assert_eq!(status.code(), Some(0));
    let pos = |pred: &dyn Fn(&Value) -> bool| events.iter().position(pred);
    let lost = pos(&is("service_lost")).unwrap();
    let back = pos(&is("service_back")).unwrap();
    assert!(lost < back, "{events:#?}");
    assert!(
        events[lost]["error"].as_str().unwrap().contains("PC/SC"),
        "{events:#?}"
    );
    let last = events.last().unwrap();
    assert_eq!(last["event"], "card_removed", "{events:#?}");
    assert_eq!(last["reader"], READER);
}

#[test]
fn watch_started_before_pcscd_waits_for_it() {
    let mut stack = Stack::start("watch-before-pcscd");
    stack.pcscd.stop();
    let watch = Watch::start();
    watch.wait_for(1, is("service_lost"));
    stack.restart_pcscd();
    watch.wait_for(1, is("service_back"));
    watch.wait_for(2, is("reader_added"));
    let (status, events) = watch.interrupt();
    assert_eq!(status.code(), Some(0));
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "service_lost",
            "service_back",
            "reader_added",
            "reader_added"
        ],
        "{events:#?}"
    );
    assert!(
        events[0]["error"].as_str().unwrap().contains("not running"),
        "{events:#?}"
    );
}
