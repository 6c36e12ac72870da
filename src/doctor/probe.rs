//! Checks 6 and 7: the link probe and the APDU-size probe. Both time raw exchanges below the
//! session (one READ BINARY each, no selection tracking) but still through the read-only
//! guard ([`ReadOnly`]).

use std::time::{Duration, Instant};

use super::link::{self, Outcome, Sample};
use super::model::{ApduInfo, DoctorReport, Status, id};
use super::run::{Interference, MAX_ROUND_TRIPS, Options, Run, lost};
use super::say::{self, Skip};
use super::{EXTENDED_LE, LINK_PROBE, PROBE_EF, extended_probe};
use crate::card::chipmap;
use crate::lang::Text;
use crate::sw::{Response, SwKind};
use crate::transport::{ReadOnly, Transport, TransportError, spaced_hex};

/// One timed command through the guard, parsed.
fn timed<T: Transport>(
    card: &mut ReadOnly<T>,
    cmd: &[u8],
) -> (Duration, Result<Response, TransportError>) {
    let t = Instant::now();
    let r = card.transmit(cmd).and_then(|raw| {
        if raw.is_empty() {
            return Err(TransportError::CardRemoved);
        }
        Response::parse(&raw).ok_or_else(|| TransportError::MalformedResponse {
            detail: format!("{} byte(s) without a status word", raw.len()),
        })
    });
    (t.elapsed(), r)
}

/// Runs the link probe and the APDU-size probe; pushes both checks.
pub(super) fn link_and_apdu<T: Transport>(
    card: &mut ReadOnly<T>,
    opts: &Options,
    run: &mut Run,
    report: &mut DoctorReport,
    interference: &mut Interference,
) {
    if !select_probe_file(card, run, interference) {
        return;
    }

    let n = opts.round_trips.min(MAX_ROUND_TRIPS);
    let samples = link_probe(card, n, interference);
    let stats = link::stats(&samples);
    let card_lost = stats.card_lost;
    if n == 0 {
        run.skip(id::LINK, &Skip::RoundTripsZero);
    } else {
        let (status, summary, fix) = link::verdict(&stats);
        run.push(id::LINK, status, summary, fix);
    }
    let short = stats.answered > 0;
    report.link = Some(stats);
    if card_lost {
        run.skip(id::APDU_SIZE, &Skip::LostDuringLink);
        return;
    }
    apdu_size_check(card, short, run, report, interference);
}

/// The two plain SELECTs of the probe file: the JPKI-AP, then EF [`PROBE_EF`].
fn probe_file_selects() -> [Vec<u8>; 2] {
    let mut select_jpki = vec![0x00, 0xA4, 0x04, 0x0C];
    select_jpki.push(u8::try_from(chipmap::JPKI.aid.len()).unwrap_or(0));
    select_jpki.extend_from_slice(chipmap::JPKI.aid);
    let [hi, lo] = PROBE_EF.to_be_bytes();
    [select_jpki, vec![0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo]]
}

/// Selects the probe file. On failure, pushes the failed link check, skips the APDU-size
/// check and returns `false`.
fn select_probe_file<T: Transport>(
    card: &mut ReadOnly<T>,
    run: &mut Run,
    interference: &mut Interference,
) -> bool {
    for cmd in probe_file_selects() {
        match timed(card, &cmd).1 {
            Ok(r) if r.sw.is_ok() => {}
            Ok(r) => {
                let summary = say::probe_file_answered(PROBE_EF, &r.sw.hex());
                let fix = Some(say::PROBE_FILE_FIX.text());
                run.push(id::LINK, Status::Fail, summary, fix);
                run.skip(id::APDU_SIZE, &Skip::ProbeFileNotSelected);
                return false;
            }
            Err(e) => {
                interference.note(&e);
                let summary = say::probe_file_failed(&e.to_string());
                let fix = Some(link::PLACEMENT_FIX.text());
                run.push(id::LINK, Status::Fail, summary, fix);
                let why = if lost(&e) {
                    Skip::CardLost
                } else {
                    Skip::ProbeFileNotSelected
                };
                run.skip(id::APDU_SIZE, &why);
                return false;
            }
        }
    }
    true
}

/// The link probe: up to `n` timed [`LINK_PROBE`] round trips, stopping when the card is lost.
fn link_probe<T: Transport>(
    card: &mut ReadOnly<T>,
    n: usize,
    interference: &mut Interference,
) -> Vec<Sample> {
    let mut samples = Vec::with_capacity(n);
    let mut first: Option<Vec<u8>> = None;
    for _ in 0..n {
        let sample = link_round_trip(card, &mut first, interference);
        let stop = sample.outcome == Outcome::CardLost;
        samples.push(sample);
        if stop {
            break;
        }
    }
    samples
}

/// One round trip of the link probe, retried once on a transient transport error (the time
/// is the two together). An answer unlike the `first` one counts as interference.
fn link_round_trip<T: Transport>(
    card: &mut ReadOnly<T>,
    first: &mut Option<Vec<u8>>,
    interference: &mut Interference,
) -> Sample {
    let (mut elapsed, mut r) = timed(card, &LINK_PROBE);
    let mut retried = false;
    if matches!(&r, Err(e) if !lost(e)) {
        let (e2, r2) = timed(card, &LINK_PROBE);
        elapsed += e2;
        r = r2;
        retried = true;
    }
    let outcome = match r {
        Ok(resp) if resp.sw.is_ok() => {
            match first {
                None => *first = Some(resp.data.clone()),
                Some(f) if *f != resp.data => interference.changed_answers += 1,
                Some(_) => {}
            }
            if retried {
                Outcome::Retried
            } else {
                Outcome::Ok
            }
        }
        Ok(resp) => {
            // The same READ BINARY of the same EF answered an error: someone moved the
            // selection, or the card is misbehaving.
            interference.changed_answers += 1;
            Outcome::Error(format!("SW {}", resp.sw.hex()))
        }
        Err(e) if lost(&e) => {
            interference.note(&e);
            Outcome::CardLost
        }
        Err(e) => Outcome::Error(e.to_string()),
    };
    Sample { elapsed, outcome }
}

/// Check 7, APDU size: one extended READ BINARY; `short` says whether short APDUs worked in
/// the link probe.
fn apdu_size_check<T: Transport>(
    card: &mut ReadOnly<T>,
    short: bool,
    run: &mut Run,
    report: &mut DoctorReport,
    interference: &mut Interference,
) {
    let probe = extended_probe();
    let atr_claims = report
        .atr
        .as_ref()
        .and_then(|a| a.decoded.as_ref())
        .and_then(|a| a.historical.as_ref())
        .and_then(|h| h.extended_length);
    let mut info = ApduInfo {
        short,
        extended: None,
        max_response: 0,
        probe: spaced_hex(&probe),
        atr_claims_extended: atr_claims,
    };
    let answer = timed(card, &probe).1;
    if let Err(e) = &answer {
        interference.note(e);
    }
    let (status, summary, extended) = extended_verdict(&answer, &info.probe);
    info.extended = extended;
    let fix = (status == Status::Fail).then(|| link::PLACEMENT_FIX.text());
    let details = atr_claims
        .map(say::atr_announces_extended)
        .into_iter()
        .collect();
    report.apdu = Some(info);
    run.push_detailed(id::APDU_SIZE, status, summary, fix, details);
}

/// What the answer to the extended-length probe means: status, summary, and whether extended
/// length works (`None`: not established). Short-only is `ok`: the audit sends short APDUs
/// only (READ BINARY in chunks of 256, card/session.rs).
pub fn extended_verdict(
    answer: &Result<Response, TransportError>,
    probe_hex: &str,
) -> (Status, Text, Option<bool>) {
    match answer {
        Err(TransportError::Refused { reason, .. }) => {
            let why = Skip::GuardRefused {
                probe: probe_hex.to_string(),
                reason: reason.to_string(),
            };
            (Status::Skip, why.summary(), None)
        }
        Err(e) if lost(e) => (Status::Fail, say::extended_lost(&e.to_string()), None),
        Err(e) => (
            Status::Ok,
            say::extended_transport_failed(&e.to_string()),
            Some(false),
        ),
        Ok(r) => match r.sw.kind() {
            SwKind::Success | SwKind::EndOfFileEarly if r.data.len() > 256 => (
                Status::Ok,
                say::extended_works(r.data.len(), &r.sw.hex()),
                Some(true),
            ),
            SwKind::Success | SwKind::EndOfFileEarly => (
                Status::Ok,
                say::extended_short_answer(EXTENDED_LE, r.data.len()),
                None,
            ),
            _ => (
                Status::Ok,
                say::extended_refused(&r.sw.hex(), &r.sw.meaning()),
                Some(false),
            ),
        },
    }
}
