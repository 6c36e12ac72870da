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
//! A behaviour is a seed: it picks a shipped fixture as the base card (or none: a card
//! made up on the fly) and a fault rate, then answers each command from the base card and
//! mutates the answer with that probability (random or documented status words, 61xx and
//! 6Cxx, empty, one-byte and truncated responses, huge claimed lengths, oversized answers,
//! absent files, garbage data, transport faults).
//!
//! `MYNA_PROP_CASES` sets the number of behaviours (default 3000); `MYNA_PROP_SEED` runs
//! one behaviour (the seed a failure prints).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

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

const DEFAULT_CASES: u64 = 3000;

/// splitmix64: small, seedable, good enough to pick behaviours.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Status words the chip map and ISO 7816-4 document, to place where they are unexpected.
const DOCUMENTED: [u16; 16] = [
    0x9000, 0x6A82, 0x6982, 0x6984, 0x63C0, 0x63C3, 0x6B00, 0x6282, 0x6700, 0x6F00, 0x6D00, 0x6A86,
    0x6A88, 0x6300, 0x6983, 0x6E00,
];

/// The card side of one behaviour: answers every command, records every command.
struct Generated {
    rng: Rng,
    base: Option<Replayer>,
    fault_per_mille: u64,
    seen: Vec<Vec<u8>>,
}

fn with_sw(mut data: Vec<u8>, sw: u16) -> Vec<u8> {
    data.extend_from_slice(&sw.to_be_bytes());
    data
}

impl Generated {
    /// An answer a card might give when there is no base card, or the base cannot answer.
    fn plausible(&mut self, cmd: &[u8]) -> Vec<u8> {
        let rng = &mut self.rng;
        match cmd {
            [_, 0xA4, ..] => {
                if rng.chance(700) {
                    with_sw(Vec::new(), 0x9000)
                } else {
                    with_sw(Vec::new(), *rng.pick(&DOCUMENTED))
                }
            }
            [_, 0x20, ..] => {
                let sw = match rng.below(4) {
                    0 => 0x63C0 | rng.below(16) as u16,
                    1 => *rng.pick(&DOCUMENTED),
                    2 => 0x9000,
                    _ => rng.next() as u16,
                };
                with_sw(Vec::new(), sw)
            }
            [_, 0xB0 | 0xB2 | 0xCA | 0xC0, _, _, le] => {
                let le = if *le == 0 { 256 } else { usize::from(*le) };
                let n = if rng.chance(500) {
                    le
                } else {
                    rng.below(le as u64 + 1) as usize
                };
                let mut data = rng.bytes(n);
                // Often start like a DER object so the file reader follows a header.
                if !data.is_empty() && rng.chance(500) {
                    data[0] = 0x30;
                    if data.len() > 3 {
                        data[1] = 0x82;
                        data[2] = rng.below(8) as u8;
                    }
                }
                with_sw(data, if rng.chance(800) { 0x9000 } else { 0x6282 })
            }
            _ => with_sw(Vec::new(), 0x6D00),
        }
    }

    /// Turns a well-formed answer into a hostile one.
    fn mutate(&mut self, cmd: &[u8], resp: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let rng = &mut self.rng;
        let split = resp.len().saturating_sub(2);
        let data = resp[..split].to_vec();
        Ok(match rng.below(16) {
            0 => with_sw(data, *rng.pick(&DOCUMENTED)),
            1 => with_sw(
                if rng.chance(500) { data } else { Vec::new() },
                rng.next() as u16,
            ),
            2 => with_sw(data, 0x6100 | u16::from(rng.byte())),
            3 => with_sw(Vec::new(), 0x6C00 | u16::from(rng.byte())),
            4 => Vec::new(),
            5 => vec![rng.byte()],
            6 => {
                // Truncated data, status word kept.
                let keep = rng.below(data.len() as u64 + 1) as usize;
                let sw = resp[split..].to_vec();
                let mut r = data[..keep].to_vec();
                r.extend_from_slice(&sw);
                r
            }
            7 => {
                // Cut anywhere, status word possibly lost.
                let keep = rng.below(resp.len() as u64 + 1) as usize;
                resp[..keep].to_vec()
            }
            8 => {
                // A header claiming a huge length.
                let mut d = data;
                let claim: &[u8] = match rng.below(4) {
                    0 => &[0x30, 0x83, 0xFF, 0xFF, 0xFF],
                    1 => &[0x30, 0x82, 0x7F, 0xFF],
                    2 => &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
                    _ => &[0x30, 0x80],
                };
                if d.len() < claim.len() {
                    d.resize(claim.len(), 0);
                }
                d[..claim.len()].copy_from_slice(claim);
                with_sw(d, 0x9000)
            }
            9 => {
                // More data than any short APDU can carry.
                let n = 257 + rng.below(70_000) as usize;
                with_sw(vec![0x30; n], 0x9000)
            }
            10 => with_sw(Vec::new(), 0x6A82),
            11 => {
                // Garbage in the data.
                let mut d = data;
                for _ in 0..=rng.below(8) {
                    if !d.is_empty() {
                        let i = rng.below(d.len() as u64) as usize;
                        d[i] = rng.byte();
                    }
                }
                with_sw(d, 0x9000)
            }
            12 => {
                return Err(match rng.below(5) {
                    0 => TransportError::CardRemoved,
                    1 => TransportError::CardReset,
                    2 => TransportError::ServiceStopped,
                    3 => TransportError::MalformedResponse {
                        detail: "generated".into(),
                    },
                    _ => TransportError::Pcsc("generated".into()),
                });
            }
            13 => {
                if matches!(cmd, [_, 0x20, ..]) {
                    with_sw(Vec::new(), 0x9000)
                } else {
                    with_sw(data, 0x6282)
                }
            }
            14 => {
                let n = rng.below(300) as usize;
                with_sw(rng.bytes(n), 0x9000)
            }
            _ => with_sw(Vec::new(), 0x6100),
        })
    }
}

impl Transport for Generated {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.seen.push(command.to_vec());
        let base = match self.base.as_mut().map(|b| b.answer(command)) {
            Some(Ok(resp)) => resp,
            Some(Err(_)) | None => self.plausible(command),
        };
        if self.rng.chance(self.fault_per_mille) {
            self.mutate(command, base)
        } else {
            Ok(base)
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

fn run_one(seed: u64, bases: &[Fixture]) -> Result<Outcome, String> {
    let mut rng = Rng(seed);
    let base = match rng.below(bases.len() as u64 + 1) as usize {
        i if i < bases.len() => Some(Replayer::new(&bases[i], "base")),
        _ => None,
    };
    // Fault rates from 0.1 % to 50 %, spread so that deep walks and chaos both occur.
    let fault_per_mille = *rng.pick(&[1, 3, 10, 30, 100, 300, 500]);
    let opts = AuditOptions {
        as_of: *rng.pick(&[
            time::macros::date!(2020 - 01 - 01),
            time::macros::date!(2026 - 06 - 01),
            time::macros::date!(2040 - 12 - 31),
        ]),
        show_identifiers: rng.chance(500),
        redacted_certificates: Vec::new(),
        source: Source {
            kind: report::SourceKind::Replay,
            fixture: None,
            fixture_kind: None,
        },
    };
    let generated = Generated {
        rng: Rng(rng.next()),
        base,
        fault_per_mille,
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
    let (first, cases) = match std::env::var("MYNA_PROP_SEED") {
        Ok(s) => (s.parse::<u64>().expect("MYNA_PROP_SEED is a number"), 1),
        Err(_) => (
            0,
            std::env::var("MYNA_PROP_CASES")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(DEFAULT_CASES),
        ),
    };
    let start = Instant::now();
    let (mut commands, mut complete) = (0usize, 0usize);
    let mut failures = Vec::new();
    for seed in first..first + cases {
        match run_one(seed, &bases) {
            Ok(o) => {
                commands += o.commands;
                complete += usize::from(o.complete);
            }
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
    }
    eprintln!(
        "safety_props: {cases} generated card behaviours, {commands} commands, {complete} complete audits, {:.2} s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} behaviours broke a safety property (rerun one with MYNA_PROP_SEED=N):\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    // The generator must reach deep: some audits finish despite faults.
    if cases >= 100 {
        assert!(complete > 0, "no generated behaviour completed an audit");
        assert!(commands > cases as usize * 20, "the audits stayed shallow");
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
}
