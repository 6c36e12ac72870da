//! Property test of the safety promises (docs/safety.md): the whole audit runs against
//! thousands of generated card behaviours, and for every one of them
//!
//! - only SELECT, READ BINARY, READ RECORD, GET RESPONSE, GET DATA and the data-less
//!   VERIFY `00 20 00 80` reach the card (checked by a generator transport placed *below*
//!   the read-only guard, with its own allow-list, not the guard's);
//! - every VERIFY is exactly the 4-byte status query and directly follows a SELECT EF, so a
//!   retry-counter query is never re-sent, whatever the card answered;
//! - the audit never panics, stays under the APDU limit, and always returns a report that
//!   renders as text and as JSON (which reads back into the model).
//!
//! A behaviour is a value `proptest` generates: a shipped fixture as the base card (or none:
//! a card made up on the fly, answering from a short cycle of generated answers), the audit's
//! date and options, and faults at chosen command numbers, as many as a fault rate from
//! 0.1 % to 50 % gives. A fault turns the card's answer into a hostile one (random or
//! documented status words, 61xx and 6Cxx, empty, one-byte and truncated responses, huge
//! claimed lengths, oversized answers, absent files, garbage data, transport faults). A
//! failing behaviour is shrunk (fewer, earlier and simpler faults, a simpler card) and
//! printed.
//!
//! `MYNA_PROP_CASES` sets the number of behaviours (default 3000); `MYNA_PROP_SEED` sets the
//! generator's seed (default 0, so every run checks the same behaviours).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Instant;

use myna_audit::audit::{self, AuditOptions};
use myna_audit::card::Session;
use myna_audit::card::session::MAX_APDUS;
use myna_audit::fixture::Fixture;
use myna_audit::report::{self, Report, Source};
use myna_audit::transport::replay::Replayer;
use myna_audit::transport::{ReadOnly, Transport, TransportError};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{self, Index};
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestError, TestRng, TestRunner};

const DEFAULT_CASES: u32 = 3000;

/// Faults strike among the first this many commands; a complete audit of a shipped fixture
/// takes 94 (more when faults bring GET RESPONSEs and retries), so faults can strike anywhere.
const MAX_STEPS: usize = 160;

/// Fault rates (per mille) from 0.1 % to 50 %, spread so that deep walks and chaos both occur.
const FAULT_PER_MILLE: [u32; 7] = [1, 3, 10, 30, 100, 300, 500];

/// Status words the chip map and ISO 7816-4 document, to place where they are unexpected.
const DOCUMENTED: [u16; 16] = [
    0x9000, 0x6A82, 0x6982, 0x6984, 0x63C0, 0x63C3, 0x6B00, 0x6282, 0x6700, 0x6F00, 0x6D00, 0x6A86,
    0x6A88, 0x6300, 0x6983, 0x6E00,
];

/// Headers claiming lengths no short READ BINARY can deliver.
const HUGE_HEADERS: [&[u8]; 4] = [
    &[0x30, 0x83, 0xFF, 0xFF, 0xFF],
    &[0x30, 0x82, 0x7F, 0xFF],
    &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
    &[0x30, 0x80],
];

/// What turns a well-formed answer into a hostile one.
#[derive(Debug, Clone)]
enum Fault {
    /// The data kept, a documented status word where it is unexpected.
    DocumentedSw(Index),
    /// Any status word, with or without the data.
    AnySw { keep_data: bool, sw: u16 },
    /// `61xx`: more data waiting.
    MoreData(u8),
    /// `6Cxx` and no data: wrong length.
    WrongLength(u8),
    /// Nothing at all.
    Empty,
    /// A single byte.
    OneByte(u8),
    /// Data cut short, status word kept.
    Truncated(Index),
    /// Cut anywhere, status word possibly lost.
    Cut(Index),
    /// The data starts with a header claiming a huge length.
    HugeLength(Index),
    /// More data than any short APDU can carry (bytes past 256).
    Oversized(usize),
    /// `6A82`: the file is not there.
    NotFound,
    /// Bytes of the data replaced.
    Garbage(Vec<(Index, u8)>),
    /// The transport fails.
    Transport(Index),
    /// `9000` to a VERIFY, `6282` elsewhere.
    SuccessOrWarning,
    /// Random bytes and `9000`.
    RandomData { len: usize, seed: u64 },
    /// A bare `6100`.
    Bare6100,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        any::<Index>().prop_map(Fault::DocumentedSw),
        (any::<bool>(), any::<u16>()).prop_map(|(keep_data, sw)| Fault::AnySw { keep_data, sw }),
        any::<u8>().prop_map(Fault::MoreData),
        any::<u8>().prop_map(Fault::WrongLength),
        Just(Fault::Empty),
        any::<u8>().prop_map(Fault::OneByte),
        any::<Index>().prop_map(Fault::Truncated),
        any::<Index>().prop_map(Fault::Cut),
        any::<Index>().prop_map(Fault::HugeLength),
        (1..70_000usize).prop_map(Fault::Oversized),
        Just(Fault::NotFound),
        vec((any::<Index>(), any::<u8>()), 1..=8).prop_map(Fault::Garbage),
        any::<Index>().prop_map(Fault::Transport),
        Just(Fault::SuccessOrWarning),
        (0..300usize, any::<u64>()).prop_map(|(len, seed)| Fault::RandomData { len, seed }),
        Just(Fault::Bare6100),
    ]
}

/// What a made-up card answers to a VERIFY.
#[derive(Debug, Clone)]
enum MadeUpVerify {
    Counter(u8),
    Documented(Index),
    Success,
    Any(u16),
}

/// What a made-up card answers to one command (when there is no base card, or the base
/// card cannot answer).
#[derive(Debug, Clone)]
struct MadeUp {
    /// SELECT: `None` is `9000`.
    select_sw: Option<Index>,
    verify: MadeUpVerify,
    /// READ/GET: `None` delivers all the bytes asked for, else a share of them.
    read_len: Option<Index>,
    /// Seed of the data bytes.
    read_seed: u64,
    /// Start the data like a DER object (`30 82 hi ..`) so the file reader follows a header.
    der_header: Option<u8>,
    /// `6282` instead of `9000` after the data.
    read_warning: bool,
}

impl Default for MadeUp {
    fn default() -> Self {
        MadeUp {
            select_sw: None,
            verify: MadeUpVerify::Counter(3),
            read_len: None,
            read_seed: 0,
            der_header: None,
            read_warning: false,
        }
    }
}

fn made_up() -> impl Strategy<Value = MadeUp> {
    let verify = prop_oneof![
        (0u8..16).prop_map(MadeUpVerify::Counter),
        any::<Index>().prop_map(MadeUpVerify::Documented),
        Just(MadeUpVerify::Success),
        any::<u16>().prop_map(MadeUpVerify::Any),
    ];
    (
        option::weighted(0.3, any::<Index>()),
        verify,
        option::of(any::<Index>()),
        any::<u64>(),
        option::of(0u8..8),
        proptest::bool::weighted(0.2),
    )
        .prop_map(
            |(select_sw, verify, read_len, read_seed, der_header, read_warning)| MadeUp {
                select_sw,
                verify,
                read_len,
                read_seed,
                der_header,
                read_warning,
            },
        )
}

/// One generated card behaviour.
#[derive(Debug, Clone)]
struct Behaviour {
    /// Index into the shipped fixtures; past the end means no base card.
    base: usize,
    as_of: time::Date,
    show_identifiers: bool,
    /// Faults by command number (the first for a number counts). Their count follows a fault
    /// rate; shrinking removes them and moves them earlier.
    faults: Vec<(usize, Fault)>,
    /// What a made-up card answers: command `n` uses entry `n % len`.
    made_up: Vec<MadeUp>,
}

fn behaviour(bases: usize) -> impl Strategy<Value = Behaviour> {
    let as_of = sample::select(vec![
        time::macros::date!(2020 - 01 - 01),
        time::macros::date!(2026 - 06 - 01),
        time::macros::date!(2040 - 12 - 31),
    ]);
    (
        0..=bases,
        sample::select(FAULT_PER_MILLE.to_vec()),
        as_of,
        any::<bool>(),
        vec(made_up(), 1..=16),
    )
        .prop_flat_map(|(base, per_mille, as_of, show_identifiers, made_up)| {
            // On average `per_mille` of the first MAX_STEPS commands get a fault.
            let most = (2 * MAX_STEPS * per_mille as usize / 1000).max(1);
            vec((0..MAX_STEPS, fault()), 0..=most).prop_map(move |faults| Behaviour {
                base,
                as_of,
                show_identifiers,
                faults,
                made_up: made_up.clone(),
            })
        })
}

/// `n` bytes drawn from `seed` (proptest's own generator, so a step stays small).
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..].copy_from_slice(&(!seed).to_le_bytes());
    let mut out = vec![0; n];
    TestRng::from_seed(RngAlgorithm::XorShift, &key).fill_bytes(&mut out);
    out
}

/// The card side of one behaviour: answers every command, records every command.
struct Generated<'a> {
    base: Option<Replayer>,
    behaviour: &'a Behaviour,
    seen: Vec<Vec<u8>>,
}

fn with_sw(mut data: Vec<u8>, sw: u16) -> Vec<u8> {
    data.extend_from_slice(&sw.to_be_bytes());
    data
}

/// An answer a card might give when there is no base card, or the base cannot answer.
fn plausible(cmd: &[u8], m: &MadeUp) -> Vec<u8> {
    match cmd {
        [_, 0xA4, ..] => with_sw(
            Vec::new(),
            m.select_sw.map_or(0x9000, |i| *i.get(&DOCUMENTED)),
        ),
        [_, 0x20, ..] => {
            let sw = match &m.verify {
                MadeUpVerify::Counter(n) => 0x63C0 | u16::from(*n),
                MadeUpVerify::Documented(i) => *i.get(&DOCUMENTED),
                MadeUpVerify::Success => 0x9000,
                MadeUpVerify::Any(sw) => *sw,
            };
            with_sw(Vec::new(), sw)
        }
        [_, 0xB0 | 0xB2 | 0xCA | 0xC0, _, _, le] => {
            let le = if *le == 0 { 256 } else { usize::from(*le) };
            let n = m.read_len.map_or(le, |i| i.index(le + 1));
            let mut data = bytes(m.read_seed, n);
            if let Some(hi) = m.der_header {
                if !data.is_empty() {
                    data[0] = 0x30;
                    if data.len() > 3 {
                        data[1] = 0x82;
                        data[2] = hi;
                    }
                }
            }
            with_sw(data, if m.read_warning { 0x6282 } else { 0x9000 })
        }
        _ => with_sw(Vec::new(), 0x6D00),
    }
}

/// Turns a well-formed answer into a hostile one.
fn mutate(cmd: &[u8], resp: Vec<u8>, fault: &Fault) -> Result<Vec<u8>, TransportError> {
    let split = resp.len().saturating_sub(2);
    let data = resp[..split].to_vec();
    Ok(match fault {
        Fault::DocumentedSw(i) => with_sw(data, *i.get(&DOCUMENTED)),
        Fault::AnySw { keep_data, sw } => with_sw(if *keep_data { data } else { Vec::new() }, *sw),
        Fault::MoreData(n) => with_sw(data, 0x6100 | u16::from(*n)),
        Fault::WrongLength(n) => with_sw(Vec::new(), 0x6C00 | u16::from(*n)),
        Fault::Empty => Vec::new(),
        Fault::OneByte(b) => vec![*b],
        Fault::Truncated(i) => {
            let mut r = data[..i.index(data.len() + 1)].to_vec();
            r.extend_from_slice(&resp[split..]);
            r
        }
        Fault::Cut(i) => resp[..i.index(resp.len() + 1)].to_vec(),
        Fault::HugeLength(i) => {
            let claim = *i.get(&HUGE_HEADERS);
            let mut d = data;
            if d.len() < claim.len() {
                d.resize(claim.len(), 0);
            }
            d[..claim.len()].copy_from_slice(claim);
            with_sw(d, 0x9000)
        }
        Fault::Oversized(extra) => with_sw(vec![0x30; 256 + extra], 0x9000),
        Fault::NotFound => with_sw(Vec::new(), 0x6A82),
        Fault::Garbage(changes) => {
            let mut d = data;
            for (i, b) in changes {
                if !d.is_empty() {
                    let at = i.index(d.len());
                    d[at] = *b;
                }
            }
            with_sw(d, 0x9000)
        }
        Fault::Transport(i) => {
            return Err(match i.index(5) {
                0 => TransportError::CardRemoved,
                1 => TransportError::CardReset,
                2 => TransportError::ServiceStopped,
                3 => TransportError::MalformedResponse {
                    detail: "generated".into(),
                },
                _ => TransportError::Pcsc("generated".into()),
            });
        }
        Fault::SuccessOrWarning => {
            if matches!(cmd, [_, 0x20, ..]) {
                with_sw(Vec::new(), 0x9000)
            } else {
                with_sw(data, 0x6282)
            }
        }
        Fault::RandomData { len, seed } => with_sw(bytes(*seed, *len), 0x9000),
        Fault::Bare6100 => with_sw(Vec::new(), 0x6100),
    })
}

impl Transport for Generated<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let n = self.seen.len();
        self.seen.push(command.to_vec());
        let b = self.behaviour;
        let base = match self.base.as_mut().map(|r| r.answer(command)) {
            Some(Ok(resp)) => resp,
            Some(Err(_)) | None => match b.made_up.get(n % b.made_up.len().max(1)) {
                Some(m) => plausible(command, m),
                None => plausible(command, &MadeUp::default()),
            },
        };
        match b.faults.iter().find(|(at, _)| *at == n).map(|(_, f)| f) {
            Some(fault) => mutate(command, base, fault),
            None => Ok(base),
        }
    }
    fn reader_name(&self) -> &str {
        "Generated Reader 00 00"
    }
    fn atr(&self) -> &[u8] {
        &[0x3B, 0x88, 0x80, 0x01]
    }
}

/// The allow-list, written independently of `transport::guard`: what may reach a card.
fn allowed(cmd: &[u8]) -> Result<(), String> {
    match cmd {
        // SELECT by name or EF id, no response data: header + Lc + data.
        [0x00, 0xA4, 0x04 | 0x02, 0x0C, lc, data @ ..] if usize::from(*lc) == data.len() => Ok(()),
        // READ BINARY, READ RECORD, GET DATA: case 2, Le only.
        [0x00, 0xB0 | 0xB2 | 0xCA, _, _, _] => Ok(()),
        // READ BINARY at an offset with an extended Le and no data (the doctor's APDU-size
        // probe; added deliberately with the guard's form).
        [0x00, 0xB0, p1, _, 0x00, _, _] if p1 & 0x80 == 0 => Ok(()),
        [0x00, 0xC0, 0x00, 0x00, _] => Ok(()),
        // The retry-counter status query: exactly four bytes.
        [0x00, 0x20, 0x00, 0x80] => Ok(()),
        [0xFF, 0xCA, _, _, _] => Ok(()),
        _ => Err(format!(
            "command {} reached the card",
            hex::encode_upper(cmd)
        )),
    }
}

fn load_bases() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fixture"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "the shipped fixtures are missing");
    paths.iter().map(|p| Fixture::load(p).unwrap()).collect()
}

/// What one behaviour produced, for the totals.
struct Outcome {
    commands: usize,
    complete: bool,
}

fn run_one(b: &Behaviour, bases: &[Fixture]) -> Result<Outcome, String> {
    let base = bases.get(b.base).map(|f| Replayer::new(f, "base"));
    let opts = AuditOptions {
        as_of: b.as_of,
        show_identifiers: b.show_identifiers,
        redacted_certificates: Vec::new(),
        source: Source {
            kind: report::SourceKind::Replay,
            fixture: None,
            fixture_kind: None,
        },
    };
    let generated = Generated {
        base,
        behaviour: b,
        seen: Vec::new(),
    };
    let outcome = catch_unwind(AssertUnwindSafe(move || {
        let mut session = Session::new(ReadOnly::new(generated));
        let run = audit::run(&mut session, &opts);
        let text = report::text::render(&run.report, false);
        let json = report::json::render(&run.report);
        (run, text, json, session.into_transport())
    }));
    let (run, text, json, card) = outcome.map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("the audit panicked: {msg}")
    })?;

    for (i, cmd) in card.seen.iter().enumerate() {
        allowed(cmd).map_err(|e| format!("command #{i}: {e}"))?;
        if cmd[1] == 0x20 {
            // Walk back over the GET RESPONSEs that fetched the SELECT's answer (61xx).
            let prev = card.seen[..i]
                .iter()
                .rev()
                .find(|c| !matches!(c.as_slice(), [0x00, 0xC0, ..]));
            if !matches!(prev.map(Vec::as_slice), Some([0x00, 0xA4, 0x02, ..])) {
                return Err(format!(
                    "VERIFY #{i} does not follow a SELECT EF (previous: {}): a retry-counter query was re-sent",
                    prev.map(hex::encode_upper).unwrap_or_default()
                ));
            }
        }
    }
    if card.seen.len() > MAX_APDUS {
        return Err(format!("{} commands, over {MAX_APDUS}", card.seen.len()));
    }
    let r = &run.report;
    if r.apdu_count != card.seen.len() {
        return Err(format!(
            "report counts {} APDUs, the card saw {}",
            r.apdu_count,
            card.seen.len()
        ));
    }
    if r.complete != run.error.is_none() || r.error.is_some() != run.error.is_some() {
        return Err("complete/error disagree".into());
    }
    if let Some(e) = &r.error {
        if e.code == "refused-command" {
            return Err(format!("the audit tried a refused command: {}", e.message));
        }
        if e.message.is_empty() || e.hint.is_empty() {
            return Err("an error without message or hint".into());
        }
        if !text.contains(&e.code) {
            return Err("the text report does not show the error".into());
        }
    }
    let back: Report = serde_json::from_str(&json).map_err(|e| format!("JSON: {e}"))?;
    if &back != r {
        return Err("the JSON does not read back into the same report".into());
    }
    Ok(Outcome {
        commands: card.seen.len(),
        complete: r.complete,
    })
}

#[test]
fn the_audit_is_read_only_bounded_and_total_over_generated_cards() {
    let bases = load_bases();
    let number = |name: &str| {
        std::env::var(name).ok().map(|s| {
            s.parse::<u64>()
                .unwrap_or_else(|_| panic!("{name} must be a number, not {s:?}"))
        })
    };
    let cases =
        number("MYNA_PROP_CASES").map_or(DEFAULT_CASES, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let seed = number("MYNA_PROP_SEED").unwrap_or(0);
    let mut runner = TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        // Failures are printed shrunk; nothing is written next to the sources.
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..Config::default()
    });

    let start = Instant::now();
    let (runs, commands, complete) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&behaviour(bases.len()), |b| {
        let o = run_one(&b, &bases).map_err(TestCaseError::fail)?;
        runs.set(runs.get() + 1);
        commands.set(commands.get() + o.commands);
        complete.set(complete.get() + usize::from(o.complete));
        Ok(())
    });
    let (runs, commands, complete) = (runs.get(), commands.get(), complete.get());
    eprintln!(
        "safety_props: {runs} generated card behaviours (seed {seed}), {commands} commands, {complete} complete audits, {:.2} s",
        start.elapsed().as_secs_f64()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, b)) => panic!(
            "a behaviour broke a safety property: {why}\nminimal behaviour (after shrinking): {b:#?}"
        ),
        Err(TestError::Abort(why)) => panic!("the property test aborted: {why}"),
    }
    // The generator must reach deep: some audits finish despite faults.
    if cases >= 100 {
        assert_eq!(runs, cases as usize, "every behaviour ran");
        assert!(complete > 0, "no generated behaviour completed an audit");
        assert!(commands > runs * 20, "the audits stayed shallow");
    }
}

/// The property checker itself must catch a forbidden command: a transport that sees a
/// VERIFY with data is reported.
#[test]
fn the_allow_list_rejects_what_the_guard_must_stop() {
    assert!(allowed(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]).is_err());
    assert!(allowed(&[0x00, 0x20, 0x00, 0x80, 0x00]).is_err());
    assert!(allowed(&[0x00, 0x24, 0x01, 0x80, 0x04, 1, 2, 3, 4]).is_err());
    assert!(allowed(&[0x00, 0xD6, 0x00, 0x00, 0x01, 0x00]).is_err());
    assert!(allowed(&[0x00, 0x20, 0x00, 0x80]).is_ok());
    assert!(allowed(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]).is_ok());
    assert!(allowed(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00]).is_ok());
    // Near the extended READ BINARY: a short EF identifier, data, another instruction.
    assert!(allowed(&[0x00, 0xB0, 0x81, 0x00, 0x00, 0x02, 0x00]).is_err());
    assert!(allowed(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA]).is_err());
    assert!(allowed(&[0x00, 0xB2, 0x01, 0x04, 0x00, 0x02, 0x00]).is_err());
    assert!(allowed(&[0x00, 0xD6, 0x00, 0x00, 0x00, 0x02, 0x00]).is_err());
}

// ---------------------------------------------------------------------------------------------
// Round trip: record the audit of a generated card, replay the recording, get the same report.

/// How a generated card answers a read that asks for more than the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LongRead {
    /// The bytes to the end and the end-of-file status word.
    Short,
    /// `6Cxx` (the exact length), and the bytes when the read is re-sent with that Le.
    WrongLength,
}

/// One generated quirky but honest card: a shipped fixture's card, answering as real cards
/// do in ways the shipped fixtures do not show.
#[derive(Debug, Clone)]
struct Quirky {
    base: usize,
    /// The status word after a short answer (`9000` or `6282`, both ISO 7816-4).
    end_sw: u16,
    long_read: LongRead,
    /// Every read with data is answered `61xx` first; the data comes in GET RESPONSE
    /// (in parts of at most this many bytes, `None`: all at once).
    chained: Option<Option<u8>>,
    /// The first command after power-up is answered with this status word (not run).
    first_answer: Option<u16>,
    as_of: time::Date,
    show_identifiers: bool,
}

fn quirky(bases: usize) -> impl Strategy<Value = Quirky> {
    (
        0..bases,
        sample::select(vec![0x9000u16, 0x6282]),
        prop_oneof![Just(LongRead::Short), Just(LongRead::WrongLength)],
        option::weighted(0.3, option::of(1u8..=255)),
        option::weighted(0.2, sample::select(vec![0x6F00u16, 0x6400])),
        sample::select(vec![
            time::macros::date!(2020 - 01 - 01),
            time::macros::date!(2026 - 06 - 01),
            time::macros::date!(2040 - 12 - 31),
        ]),
        any::<bool>(),
    )
        .prop_map(
            |(base, end_sw, long_read, chained, first_answer, as_of, show_identifiers)| Quirky {
                base,
                end_sw,
                long_read,
                chained,
                first_answer,
                as_of,
                show_identifiers,
            },
        )
}

/// The card of a [`Quirky`] behaviour.
struct QuirkyCard<'a> {
    base: Replayer,
    q: &'a Quirky,
    fresh: bool,
    /// What GET RESPONSE still has to deliver: data, then the final status word.
    pending: Option<(Vec<u8>, [u8; 2])>,
}

impl Transport for QuirkyCard<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if std::mem::take(&mut self.fresh) {
            if let Some(sw) = self.q.first_answer {
                return Ok(sw.to_be_bytes().to_vec());
            }
        }
        if let [0x00, 0xC0, 0x00, 0x00, le] = command {
            if let Some((data, sw)) = self.pending.take() {
                let le = if *le == 0 { 256 } else { usize::from(*le) };
                let (now, rest) = data.split_at(le.min(data.len()));
                let mut out = now.to_vec();
                if rest.is_empty() {
                    out.extend_from_slice(&sw);
                } else {
                    out.extend_from_slice(&[0x61, (rest.len().min(256) & 0xFF) as u8]);
                    self.pending = Some((rest.to_vec(), sw));
                }
                return Ok(out);
            }
        }
        self.pending = None;
        let resp = match self.base.answer(command) {
            Ok(r) => r,
            Err(u) => u.iso_sw.0.to_be_bytes().to_vec(),
        };
        let read = matches!(command, [0x00, 0xB0 | 0xB2 | 0xCA, _, _, _]);
        let Some((data, sw)) = resp.split_last_chunk::<2>().filter(|_| read) else {
            return Ok(resp);
        };
        let le = match command.get(4) {
            Some(0) | None => 256,
            Some(n) => usize::from(*n),
        };
        let ok = *sw == [0x90, 0x00] || *sw == [0x62, 0x82];
        let mut sw = *sw;
        if ok && !data.is_empty() && data.len() < le && command[1] == 0xB0 {
            if self.q.long_read == LongRead::WrongLength {
                return Ok(vec![0x6C, (data.len() & 0xFF) as u8]);
            }
            sw = self.q.end_sw.to_be_bytes();
        }
        if let (true, false, Some(part)) = (ok, data.is_empty(), self.q.chained) {
            let first = part.map_or(0, usize::from).min(data.len());
            let (now, rest) = data.split_at(first);
            if !rest.is_empty() {
                let mut out = now.to_vec();
                out.extend_from_slice(&[0x61, (rest.len().min(256) & 0xFF) as u8]);
                self.pending = Some((rest.to_vec(), sw));
                return Ok(out);
            }
        }
        Ok(with_sw(data.to_vec(), u16::from_be_bytes(sw)))
    }
    fn reader_name(&self) -> &str {
        "Generated Reader 00 00"
    }
    fn atr(&self) -> &[u8] {
        &[0x3B, 0x88, 0x80, 0x01]
    }
}

/// Where a replayed recording's report may differ from the live one: where it came from,
/// the values the redaction replaced (same length), and the genuine-card check a redacted
/// authentication certificate cannot pass.
fn allowed_difference(path: &str, auth_redacted: bool) -> bool {
    const IDENTIFIERS: [&str; 6] = [
        "/serial",
        "/subject",
        "/card_serial",
        "/municipality_code",
        "/value",
        "/subject_key_id",
    ];
    path.starts_with("/source")
        || path.starts_with("/notes")
        || IDENTIFIERS.iter().any(|s| path.ends_with(s))
        || (auth_redacted
            && (path == "/genuine"
                || path.starts_with("/genuine/")
                || path.ends_with("/details/genuine")
                || path.contains("/details/genuine/")
                || path.ends_with("/details/chains_to_card_ca")))
}

fn json_diffs(a: &serde_json::Value, b: &serde_json::Value, at: String, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (p, q) = (x.get(k), y.get(k));
                match (p, q) {
                    (Some(p), Some(q)) => json_diffs(p, q, format!("{at}/{k}"), out),
                    _ => out.push(format!("{at}/{k}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                json_diffs(p, q, format!("{at}/{i}"), out);
            }
        }
        (Value::String(x), Value::String(y)) if x != y => {
            // A redaction keeps a value's length.
            let ok = x.chars().count() == y.chars().count();
            out.push(if ok { at } else { format!("{at} (length)") });
        }
        _ if a != b => out.push(at),
        _ => {}
    }
}

/// Records the audit of one quirky card, replays the recording, compares the reports.
fn round_trip(q: &Quirky, bases: &[Fixture]) -> Result<(), String> {
    let opts = |source: Source, redacted| AuditOptions {
        as_of: q.as_of,
        show_identifiers: q.show_identifiers,
        redacted_certificates: redacted,
        source,
    };
    let live_source = Source {
        kind: report::SourceKind::Pcsc,
        fixture: None,
        fixture_kind: None,
    };
    let card = QuirkyCard {
        base: Replayer::new(&bases[q.base], "base"),
        q,
        fresh: true,
        pending: None,
    };
    let record_opts = myna_audit::record::RecordOptions {
        keep_identifiers: false,
        date: time::macros::date!(2026 - 06 - 01),
    };
    let (live, fixture) =
        myna_audit::record::record_audit(card, &opts(live_source, Vec::new()), &record_opts);
    let fixture = fixture.map_err(|e| format!("the recording was refused: {e}"))?;
    let text = fixture.to_text();
    let recorded = Fixture::parse(&text)
        .map_err(|(line, e)| format!("the recording does not parse (line {line}): {e}"))?;
    let redacted: Vec<_> = recorded
        .declarations()
        .iter()
        .filter(|d| d.kind == myna_audit::privacy::IdKind::AuthCertKey)
        .map(|_| myna_audit::card::chipmap::CertRole::Auth)
        .collect();
    let auth_redacted = !redacted.is_empty();
    let replay_source = Source {
        kind: report::SourceKind::Replay,
        fixture: Some("recorded".into()),
        fixture_kind: Some(recorded.kind.as_str().into()),
    };
    let mut session = Session::new(ReadOnly::new(Replayer::new(&recorded, "recorded")));
    let replayed = audit::run(&mut session, &opts(replay_source, redacted));
    let (a, b) = (&live.report, &replayed.report);
    if let Some(e) = b.error.as_ref().filter(|_| a.error.is_none()) {
        return Err(format!("the replay failed: [{}] {}", e.code, e.message));
    }
    // The genuine-card findings follow the check a redacted certificate cannot pass.
    let genuine = [
        "certificate_not_genuine",
        "test_card",
        "ca_certificate_unknown",
        "genuine_not_applicable",
    ];
    let without = |r: &Report| {
        let mut r = r.clone();
        if auth_redacted {
            // And the chain check of the redacted certificate (EF 000A) against the card's CA.
            r.findings.retain(|f| {
                !genuine.contains(&f.code.as_str())
                    && (f.code.as_str() != "certificate_chain_mismatch"
                        || f.ef.is_none_or(|e| e.0 != 0x000A))
            });
        }
        serde_json::to_value(&r).unwrap()
    };
    let mut diffs = Vec::new();
    json_diffs(&without(a), &without(b), String::new(), &mut diffs);
    let bad: Vec<_> = diffs
        .iter()
        .filter(|d| match d.strip_suffix(" (length)") {
            Some(at) => !at.starts_with("/source"),
            None => !allowed_difference(d, auth_redacted),
        })
        .collect();
    if !bad.is_empty() {
        let codes = |r: &Report| {
            r.findings
                .iter()
                .map(|f| f.code.as_str().to_string())
                .collect::<Vec<_>>()
        };
        return Err(format!(
            "the replayed report differs from the live one at {bad:?} (findings live {:?}, replayed {:?})",
            codes(a),
            codes(b)
        ));
    }
    Ok(())
}

/// Default round-trip cases: each one audits a card twice and records and redacts once.
const DEFAULT_ROUND_TRIP_CASES: u32 = 200;

#[test]
fn a_recorded_card_replays_to_the_same_report() {
    let bases = load_bases();
    let cases = std::env::var("MYNA_PROP_CASES")
        .ok()
        .map(|s| s.parse::<u32>().expect("MYNA_PROP_CASES must be a number"))
        .map_or(DEFAULT_ROUND_TRIP_CASES, |n| (n / 10).max(1));
    let seed = std::env::var("MYNA_PROP_SEED").ok().map_or(0, |s| {
        s.parse::<u64>().expect("MYNA_PROP_SEED must be a number")
    });
    let mut runner = TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    });
    let start = Instant::now();
    // Every behaviour runs (no stop at the first failure), so the failures can be counted.
    let failures = std::cell::RefCell::new(Vec::new());
    let runs = Cell::new(0usize);
    runner
        .run(&quirky(bases.len()), |q| {
            runs.set(runs.get() + 1);
            if let Err(why) = round_trip(&q, &bases) {
                failures.borrow_mut().push((q, why));
            }
            Ok(())
        })
        .unwrap();
    let failures = failures.into_inner();
    eprintln!(
        "round trip: {} generated card behaviours (seed {seed}), {} failed, {:.2} s",
        runs.get(),
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(runs.get(), cases as usize, "every behaviour ran");
    if let Some((q, why)) = failures.first() {
        panic!(
            "{} of {} recorded cards did not replay to the same report; the first: {why}\n{q:#?}",
            failures.len(),
            runs.get()
        );
    }
}
