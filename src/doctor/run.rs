//! The runner: the checklist from the service up to the card, against any [`Backend`].
//! Each step is a small function that pushes its check; the sentences are in [`super::say`].

use std::time::Instant;

use super::backend::{Backend, Counted, PcscBackend};
use super::checks::{applications_check, atr_check, exclusive_check};
use super::model::{Check, DoctorReport, ReaderInfo, Status, id, position};
use super::probe::link_and_apdu;
use super::readers::{self, Libccid, ReaderKind, Severity};
use super::say::{self, Skip};
use super::service::{self, PcscProbe};
use crate::card::Session;
use crate::lang::Text;
use crate::sw::StatusWord;
use crate::transport::pcsc::ReaderSlot;
use crate::transport::{ReadOnly, Transport, TransportError, spaced_hex};

/// Round trips of the link probe when the user does not say.
pub const DEFAULT_ROUND_TRIPS: usize = 50;

/// Most round trips the link probe makes, whatever is asked: the session APDU limit is 2000.
pub const MAX_ROUND_TRIPS: usize = 1000;

/// What the runner is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Use this reader (exact name, or a substring matching exactly one reader).
    pub reader: Option<String>,
    pub round_trips: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reader: None,
            round_trips: DEFAULT_ROUND_TRIPS,
        }
    }
}

/// The card the checks use: its reader, the guarded connection, its JPKI-AP SELECT answer.
type Chosen<C> = (String, ReadOnly<Counted<C>>, StatusWord);

/// Interference seen during the run.
#[derive(Default)]
pub(super) struct Interference {
    pub(super) sharing_violation: Option<String>,
    pub(super) reset: Option<String>,
    pub(super) changed_answers: usize,
}

impl Interference {
    /// Remembers a reset the transport reported.
    pub(super) fn note(&mut self, e: &TransportError) {
        if matches!(e, TransportError::CardReset) {
            self.reset = Some(e.to_string());
        }
    }
}

fn is_sharing_violation(e: &TransportError) -> bool {
    matches!(e, TransportError::Pcsc(m) if m.to_ascii_lowercase().contains("other connections outstanding"))
}

/// The card left or was reset: nothing more can be asked of it.
pub(super) fn lost(e: &TransportError) -> bool {
    matches!(e, TransportError::CardRemoved | TransportError::CardReset)
}

/// The checks pushed so far.
pub(super) struct Run {
    checks: Vec<Check>,
}

impl Run {
    pub(super) fn push(
        &mut self,
        id: &'static str,
        status: Status,
        summary: Text,
        fix: Option<Text>,
    ) {
        self.push_detailed(id, status, summary, fix, Vec::new());
    }

    pub(super) fn push_detailed(
        &mut self,
        id: &'static str,
        status: Status,
        summary: Text,
        fix: Option<Text>,
        details: Vec<Text>,
    ) {
        self.checks.push(Check {
            id,
            status,
            summary,
            fix,
            details,
        });
    }

    /// Marks every check not yet run as skipped, saying why.
    pub(super) fn skip_rest(&mut self, why: &Skip) {
        for id in id::ALL {
            if self.checks.iter().all(|c| c.id != id) {
                self.skip(id, why);
            }
        }
    }

    pub(super) fn skip(&mut self, id: &'static str, why: &Skip) {
        self.push(id, Status::Skip, why.summary(), None);
    }
}

/// Runs the doctor against the PC/SC service.
pub fn run(opts: &Options) -> DoctorReport {
    run_with(&mut PcscBackend::default(), opts)
}

/// Runs the checklist against `backend`.
pub fn run_with<B: Backend>(backend: &mut B, opts: &Options) -> DoctorReport {
    let started = Instant::now();
    let platform = backend.platform();
    let mut report = DoctorReport::new(platform.clone());
    let mut run = Run { checks: Vec::new() };
    checklist(backend, opts, &platform, &mut run, &mut report);
    run.skip_rest(&Skip::NotReached);
    // Keep the documented order whatever order the branches pushed in.
    run.checks.sort_by_key(|c| position(c.id));
    report.checks = run.checks;
    report.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

fn checklist<B: Backend>(
    backend: &mut B,
    opts: &Options,
    platform: &str,
    run: &mut Run,
    report: &mut DoctorReport,
) {
    // 1. The service.
    if !service_check(backend, run) {
        return;
    }

    // 2. Readers.
    let libccid = backend.libccid();
    let Some(slots) = list_readers(backend, platform, libccid.as_ref(), run) else {
        return;
    };
    readers_check(&slots, platform, libccid.as_ref(), run, report);

    // 3. Choose the reader and the card.
    let Some(candidates) = candidate_readers(opts, &slots, run) else {
        return;
    };
    let with_card: Vec<&ReaderSlot> = candidates
        .iter()
        .copied()
        .filter(|s| s.atr.is_some())
        .collect();
    if with_card.is_empty() {
        no_card(&candidates, platform, libccid.as_ref(), run);
        return;
    }

    let mut interference = Interference::default();
    let (chosen, apdus, connect_errors) = connect_card(backend, &with_card, &mut interference);
    let Some((reader, mut card, jpki_sw)) = chosen else {
        no_connection(&connect_errors, &interference, apdus, run, report);
        return;
    };
    run.push(id::CARD, Status::Ok, say::card_present(&reader), None);
    report.reader = Some(reader);

    // 4. The ATR.
    atr_check(card.atr(), run, report);

    // 5. My Number Card: which of the five applications answer.
    let (back, mnc_ok) = applications_check(card, jpki_sw, run, report, &mut interference);
    card = back;

    // 6. Link quality, 7. APDU size.
    if mnc_ok {
        link_and_apdu(&mut card, opts, run, report, &mut interference);
    } else {
        run.skip(id::LINK, &Skip::NotMyNumberCard);
        run.skip(id::APDU_SIZE, &Skip::NotMyNumberCard);
    }

    // 8. Exclusive access.
    exclusive_check(&interference, card.inner().sent, run);
    report.apdus_sent = apdus + card.inner().sent;
    if let Some(a) = report.apdu.as_mut() {
        a.max_response = card.inner().max_response;
    }
}

/// Check 1: whether the PC/SC service answers. On failure, pushes the diagnosis, skips the
/// rest and returns `false`.
fn service_check<B: Backend>(backend: &mut B, run: &mut Run) -> bool {
    let probe = match backend.establish() {
        Ok(()) => PcscProbe::Reachable,
        Err(e) => PcscProbe::from_error(&e),
    };
    if probe != PcscProbe::Reachable {
        let diag = service::diagnose(&backend.service_facts(probe));
        run.push(id::SERVICE, Status::Fail, diag.summary, diag.fix);
        run.skip_rest(&Skip::ServiceUnreachable);
        return false;
    }
    run.push(id::SERVICE, Status::Ok, say::SERVICE_OK.text(), None);
    true
}

/// Lists the readers; when that fails, pushes the failed readers check (with the hints for
/// readers that may lack a driver), skips the rest and returns `None`.
fn list_readers<B: Backend>(
    backend: &mut B,
    platform: &str,
    libccid: Option<&Libccid>,
    run: &mut Run,
) -> Option<Vec<ReaderSlot>> {
    let e = match backend.readers() {
        Ok(s) => return Some(s),
        Err(e) => e,
    };
    let details = readers::missing_hints(platform, libccid)
        .iter()
        .map(|h| say::missing_hint(&h.model.text(), &h.what, &h.fix.text()))
        .collect();
    let summary = match e {
        TransportError::NoReaders => say::no_reader_listed(),
        other => say::listing_readers_failed(&other.to_string()),
    };
    let fix = Some(say::NO_READER_FIX.text());
    run.push_detailed(id::READERS, Status::Fail, summary, fix, details);
    run.skip_rest(&Skip::NoReader);
    None
}

/// The readers to look for a card in: the one `--reader` names, or all of them. When the
/// name matches no single reader, pushes the failed card check, skips the rest and returns
/// `None`.
fn candidate_readers<'a>(
    opts: &Options,
    slots: &'a [ReaderSlot],
    run: &mut Run,
) -> Option<Vec<&'a ReaderSlot>> {
    let Some(want) = &opts.reader else {
        return Some(slots.iter().collect());
    };
    match pick_reader(want, slots) {
        Ok(slot) => Some(vec![slot]),
        Err(why) => {
            let fix = Some(say::PICK_READER_FIX.text());
            run.push(id::CARD, Status::Fail, why, fix);
            run.skip_rest(&Skip::NoReaderChosen);
            None
        }
    }
}

/// The reader the user named: exact name first, then a case-insensitive substring that
/// matches exactly one reader.
fn pick_reader<'a>(want: &str, slots: &'a [ReaderSlot]) -> Result<&'a ReaderSlot, Text> {
    if let Some(s) = slots.iter().find(|s| s.name == want) {
        return Ok(s);
    }
    let w = want.to_lowercase();
    let hits: Vec<&ReaderSlot> = slots
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&w))
        .collect();
    let names = || say::reader_names(slots.iter().map(|s| s.name.as_str()));
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(say::no_reader_named(want, &names())),
        _ => Err(say::several_readers_match(want, &names())),
    }
}

/// No candidate reader holds a card: pushes the failed card check, naming the contactless
/// readers whose Type B support is missing or not established, and skips the rest.
fn no_card(candidates: &[&ReaderSlot], platform: &str, libccid: Option<&Libccid>, run: &mut Run) {
    let names = say::reader_names(candidates.iter().map(|s| s.name.as_str()));
    // A reader that may not see Type B at all is the likely cause: say so.
    let details = candidates
        .iter()
        .filter_map(|s| {
            let v = readers::assess(&s.name, platform, libccid);
            (v.kind == Some(ReaderKind::Contactless) && v.type_b != Some(true)).then(|| {
                let model = v.model.unwrap_or(say::UNKNOWN_MODEL).text();
                say::type_b_doubt(&s.name, &model, v.type_b == Some(false))
            })
        })
        .collect();
    let fix = Some(say::NO_CARD_FIX.text());
    run.push_detailed(
        id::CARD,
        Status::Fail,
        say::no_card_in(&names),
        fix,
        details,
    );
    run.skip_rest(&Skip::NoCard);
}

/// Connects to each reader with a card in turn and SELECTs the JPKI-AP: the first card that
/// answers is chosen; failing that, the first card that answered at all. Returns the chosen
/// card, the APDUs sent to the cards not chosen, and the connection errors.
fn connect_card<B: Backend>(
    backend: &mut B,
    with_card: &[&ReaderSlot],
    interference: &mut Interference,
) -> (Option<Chosen<B::Card>>, usize, Vec<Text>) {
    let mut apdus = 0usize;
    let mut chosen: Option<Chosen<B::Card>> = None;
    let mut connect_errors = Vec::new();
    for slot in with_card {
        let card = match backend.connect(&slot.name) {
            Ok(c) => c,
            Err(e) => {
                if is_sharing_violation(&e) {
                    interference.sharing_violation = Some(slot.name.clone());
                }
                connect_errors.push(say::connect_error(&slot.name, &e.to_string()));
                continue;
            }
        };
        let guarded = ReadOnly::new(Counted {
            inner: card,
            sent: 0,
            max_response: 0,
        });
        let (guarded, sw) = select_jpki(guarded);
        match sw {
            Ok(sw) if sw.is_ok() => {
                // A My Number Card: this one, and stop looking.
                if let Some((_, old, _)) = chosen.take() {
                    apdus += old.inner().sent;
                }
                chosen = Some((slot.name.clone(), guarded, sw));
                break;
            }
            Ok(sw) => {
                // Another card: keep the first one, in case no My Number Card turns up.
                if chosen.is_none() {
                    chosen = Some((slot.name.clone(), guarded, sw));
                } else {
                    apdus += guarded.inner().sent;
                }
            }
            Err(e) => {
                interference.note(&e);
                connect_errors.push(say::connect_error(&slot.name, &e.to_string()));
                apdus += guarded.inner().sent;
            }
        }
    }
    (chosen, apdus, connect_errors)
}

/// SELECTs the JPKI-AP through a session over the guard, as the audit identifies a card
/// ([`crate::card::identify`]: one more SELECT after a transient first answer); the status
/// word is the last answer.
fn select_jpki<T: Transport>(
    guarded: ReadOnly<T>,
) -> (ReadOnly<T>, Result<StatusWord, TransportError>) {
    use crate::card::identify::{Identity, identify};
    let mut session = Session::new(guarded);
    let sw = identify(&mut session).map(|id| match id {
        Identity::MyNumberCard => StatusWord::OK,
        Identity::NotMyNumberCard(sw) | Identity::Unidentified(sw) => sw,
    });
    (ReadOnly::new(session.into_transport()), sw)
}

/// No card could be talked to: pushes the failed card check (and the exclusive-access
/// failure on a sharing violation) and skips the rest.
fn no_connection(
    connect_errors: &[Text],
    interference: &Interference,
    apdus: usize,
    run: &mut Run,
    report: &mut DoctorReport,
) {
    let exclusive = interference.sharing_violation.is_some();
    let fix = if exclusive {
        say::CULPRITS
    } else {
        say::RESEAT_FIX
    };
    let summary = say::could_not_talk(connect_errors);
    run.push(id::CARD, Status::Fail, summary, Some(fix.text()));
    report.apdus_sent = apdus;
    if exclusive {
        let summary = say::SHARING_VIOLATION.text();
        let fix = Some(say::CULPRITS.text());
        run.push(id::EXCLUSIVE_ACCESS, Status::Fail, summary, fix);
    }
    run.skip_rest(&Skip::NoConnection);
}

/// Check 2: every listed reader, its card, and the traps of the known readers it matches.
fn readers_check(
    slots: &[ReaderSlot],
    platform: &str,
    libccid: Option<&Libccid>,
    run: &mut Run,
    report: &mut DoctorReport,
) {
    let mut details = Vec::new();
    let mut worst = Status::Ok;
    let mut fix = None;
    for s in slots {
        let v = readers::assess(&s.name, platform, libccid);
        let atr = s.atr.as_deref().map(spaced_hex);
        let model = v.model.map(|m| m.text());
        details.push(say::reader_line(&s.name, atr.as_deref(), model.as_ref()));
        if let Some(note) = &v.libccid_note {
            details.push(say::indented(note));
        }
        for t in &v.traps {
            details.push(say::trap_line(&t.what.text()));
            let st = status_of(t.severity);
            if st != Status::Ok {
                fix.get_or_insert_with(|| t.fix.text());
            }
            worst = worst.worse(st);
        }
        report.readers.push(ReaderInfo {
            name: s.name.clone(),
            card_present: s.atr.is_some(),
            atr,
            model: v.model.map(|m| m.en),
            kind: v.kind,
            type_b: v.type_b,
            traps: v.traps,
            libccid: v.libccid_note,
            source: v.source,
        });
    }
    let summary = say::readers_listed(slots.len());
    run.push_detailed(id::READERS, worst, summary, fix, details);
}

/// A trap's severity as a check status.
fn status_of(s: Severity) -> Status {
    match s {
        Severity::Info => Status::Ok,
        Severity::Warn => Status::Warn,
        Severity::Fail => Status::Fail,
    }
}
