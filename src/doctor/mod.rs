//! `myna-audit doctor`: a checklist from the bottom of the stack up, for when "the card is
//! not detected".
//!
//! service → readers → card → ATR → My Number Card → link quality → APDU size → exclusive
//! access. Every check ends `ok`, `warn`, `fail` or `skip`, with what it saw and, when not
//! ok, the one thing to do. A branch stops where the layer below failed, and the skipped
//! checks say why. Everything the runner sends goes through the same read-only guard as the
//! audit ([`ReadOnly`]); no PIN is ever touched. docs/doctor.md lists every check, threshold
//! and source.
//!
//! The pieces are pure and separately tested: [`atr`] (ATR decoding), [`readers`] (known
//! readers, libccid), [`service`] (pcscd diagnosis), [`link`] (latency statistics). [`run`]
//! drives them against PC/SC; [`run_with`] against any [`Backend`].

// ATRs and card answers are untrusted bytes (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod atr;
pub mod link;
pub mod readers;
pub mod service;
pub mod watch;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::card::Session;
use crate::card::chipmap::{self, APPLICATIONS, AppId};
use crate::sw::{Response, StatusWord, SwKind};
use crate::transport::pcsc::{Pcsc, ReaderSlot};
use crate::transport::{ReadOnly, Transport, TransportError, spaced_hex};

use link::{LinkStats, Outcome, Sample};
use readers::{Libccid, ReaderKind, Severity, Trap};
use service::{PcscProbe, ServiceFacts};

/// The doctor JSON's own schema version (independent of the audit report's).
pub const SCHEMA_VERSION: u32 = 1;

/// Round trips of the link probe when the user does not say.
pub const DEFAULT_ROUND_TRIPS: usize = 50;

/// Most round trips the link probe makes, whatever is asked: the session APDU limit is 2000.
pub const MAX_ROUND_TRIPS: usize = 1000;

/// The free EF both probes read: the JPKI signing CA certificate (EF 0002), readable without
/// any secret (card-facts §2.1) and the same on every card of a CA generation, so nothing
/// personal is read. Its DER is over 1 KB, enough for the extended-length probe.
pub const PROBE_EF: u16 = 0x0002;

/// The link probe's command: READ BINARY of the first 16 bytes of [`PROBE_EF`] (short, case 2).
pub const LINK_PROBE: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x10];

/// Le of the extended-length probe: more than a short APDU can ask for (256), well inside
/// the probe file.
pub const EXTENDED_LE: u16 = 512;

/// The extended-length probe: READ BINARY of [`PROBE_EF`] from offset 0 with an extended Le
/// (ISO/IEC 7816-4 §5.1 case 2E: `CLA INS P1 P2 00 Le1 Le2`). This is the one place its form
/// is defined. The read-only guard must let exactly this shape through (docs/doctor.md).
pub fn extended_probe() -> [u8; 7] {
    let [hi, lo] = EXTENDED_LE.to_be_bytes();
    [0x00, 0xB0, 0x00, 0x00, 0x00, hi, lo]
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

/// The check ids, in the order they run.
pub mod id {
    pub const SERVICE: &str = "service";
    pub const READERS: &str = "readers";
    pub const CARD: &str = "card";
    pub const ATR: &str = "atr";
    pub const MY_NUMBER_CARD: &str = "my_number_card";
    pub const LINK: &str = "link";
    pub const APDU_SIZE: &str = "apdu_size";
    pub const EXCLUSIVE_ACCESS: &str = "exclusive_access";
    pub const ALL: [&str; 8] = [
        SERVICE,
        READERS,
        CARD,
        ATR,
        MY_NUMBER_CARD,
        LINK,
        APDU_SIZE,
        EXCLUSIVE_ACCESS,
    ];
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    /// What it saw.
    pub summary: String,
    /// The one thing to do, for anything not ok.
    pub fix: Option<String>,
    /// Further lines the text renderer indents under the check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// A reader as the doctor saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    pub atr: Option<String>,
    /// The known-reader row it matched, if any.
    pub model: Option<&'static str>,
    pub kind: Option<ReaderKind>,
    pub type_b: Option<bool>,
    pub traps: Vec<Trap>,
    /// On Linux, for rows that need a minimum libccid: what is installed.
    pub libccid: Option<String>,
    pub source: Option<&'static str>,
}

/// The ATR as the doctor saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtrInfo {
    pub hex: String,
    /// `contact` or `contactless`.
    pub interface: &'static str,
    /// `contact`, `iso14443b`, `iso14443a-4` or `storage`.
    #[serde(rename = "type")]
    pub card_type: &'static str,
    pub tck_valid: Option<bool>,
    /// Whether a public source ties this exact ATR to the My Number Card (`None`: unknown ATR).
    pub known_my_number_card: Option<bool>,
    pub note: String,
    pub error: Option<String>,
    pub decoded: Option<atr::Atr>,
}

/// One application's answer to its SELECT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppAnswer {
    pub id: AppId,
    pub name: String,
    pub aid: String,
    /// The status word, or the transport error.
    pub answer: String,
    pub selected: bool,
}

/// What the APDU-size probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApduInfo {
    /// Short APDUs work (the link probe's READ BINARY answered).
    pub short: bool,
    /// Extended-length APDUs work; `None` when not established.
    pub extended: Option<bool>,
    /// The longest response data the card sent to one command during the run.
    pub max_response: usize,
    /// The probe command, as sent (or as it would have been).
    pub probe: String,
    /// What the card's ATR historical bytes claim about extended Lc/Le, if anything.
    pub atr_claims_extended: Option<bool>,
}

/// The doctor's report: the model both renderers read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctorReport {
    pub schema_version: u32,
    pub platform: String,
    /// The reader the card checks used.
    pub reader: Option<String>,
    pub checks: Vec<Check>,
    pub readers: Vec<ReaderInfo>,
    pub atr: Option<AtrInfo>,
    pub applications: Vec<AppAnswer>,
    pub link: Option<LinkStats>,
    pub apdu: Option<ApduInfo>,
    /// Every APDU sent to the card, including probes of cards that were not chosen.
    pub apdus_sent: usize,
    pub elapsed_ms: u64,
}

impl DoctorReport {
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// 0: all ok (skips aside); 1: something to fix below the service; 2: PC/SC unreachable.
    pub fn exit_code(&self) -> u8 {
        exit_code(&self.checks)
    }
}

/// The exit code rule: 2 when the service check is not ok (PC/SC unreachable), 1 when any
/// other check warns or fails, 0 otherwise. A skip alone never fails the run.
pub fn exit_code(checks: &[Check]) -> u8 {
    let service_ok = checks
        .iter()
        .find(|c| c.id == id::SERVICE)
        .is_some_and(|c| c.status == Status::Ok);
    if !service_ok {
        return 2;
    }
    if checks
        .iter()
        .any(|c| matches!(c.status, Status::Warn | Status::Fail))
    {
        1
    } else {
        0
    }
}

/// Text that came from outside (reader names): the crate's one sanitizer.
fn sanitize(s: &str) -> String {
    crate::sanitize::sanitize(s)
}

/// The text rendering: one line per check, its details, and the fix for anything not ok.
pub fn render_text(r: &DoctorReport) -> String {
    let mut out = String::from("myna-audit doctor\n");
    for c in &r.checks {
        out.push_str(&format!(
            "{:<5} {:<17} {}\n",
            c.status.label(),
            c.id,
            sanitize(&c.summary)
        ));
        for d in &c.details {
            out.push_str(&format!("{:23}{}\n", "", sanitize(d)));
        }
        if c.status != Status::Ok {
            if let Some(fix) = &c.fix {
                out.push_str(&format!("{:23}fix: {}\n", "", sanitize(fix)));
            }
        }
    }
    out.push_str(&format!(
        "{} APDU(s) sent, read-only; {} ms\n",
        r.apdus_sent, r.elapsed_ms
    ));
    out
}

/// The JSON rendering (docs/doctor.md; schema_version 1).
pub fn render_json(r: &DoctorReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

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

/// What the runner needs from the platform. [`PcscBackend`] is the real one.
pub trait Backend {
    type Card: Transport;
    fn establish(&mut self) -> Result<(), TransportError>;
    fn readers(&mut self) -> Result<Vec<ReaderSlot>, TransportError>;
    fn connect(&mut self, reader: &str) -> Result<Self::Card, TransportError>;
    /// Gathers the service facts (called only when the service is unreachable).
    fn service_facts(&self, probe: PcscProbe) -> ServiceFacts;
    fn libccid(&self) -> Option<Libccid>;
    fn platform(&self) -> String;
}

/// The PC/SC backend, over [`crate::transport::pcsc`].
#[derive(Default)]
pub struct PcscBackend {
    ctx: Option<Pcsc>,
}

impl Backend for PcscBackend {
    type Card = crate::transport::pcsc::PcscCard;

    fn establish(&mut self) -> Result<(), TransportError> {
        self.ctx = Some(Pcsc::establish()?);
        Ok(())
    }

    fn readers(&mut self) -> Result<Vec<ReaderSlot>, TransportError> {
        self.ctx
            .as_ref()
            .ok_or(TransportError::NoService)?
            .readers()
    }

    fn connect(&mut self, reader: &str) -> Result<Self::Card, TransportError> {
        self.ctx
            .as_ref()
            .ok_or(TransportError::NoService)?
            .connect(reader)
    }

    fn service_facts(&self, probe: PcscProbe) -> ServiceFacts {
        service::gather(probe)
    }

    fn libccid(&self) -> Option<Libccid> {
        if cfg!(target_os = "linux") {
            readers::gather_libccid(readers::LIBCCID_PLISTS)
        } else {
            None
        }
    }

    fn platform(&self) -> String {
        service::platform()
    }
}

/// Runs the doctor against the PC/SC service.
pub fn run(opts: &Options) -> DoctorReport {
    run_with(&mut PcscBackend::default(), opts)
}

/// Counts, and remembers the largest answer of, every command that reaches the card.
struct Counted<T> {
    inner: T,
    sent: usize,
    max_response: usize,
}

impl<T: Transport> Transport for Counted<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent += 1;
        let resp = self.inner.transmit(command)?;
        self.max_response = self.max_response.max(resp.len().saturating_sub(2));
        Ok(resp)
    }

    crate::transport::forward_card_info!(inner);
}

/// The usual programs that hold or share a reader, for the exclusive-access fix.
pub const CULPRITS: &str = "close other programs that use the card: the JPKI 利用者クライアントソフト, a browser with a \
     PKCS#11 module or OpenSC loaded (on Windows, OpenSC's minidriver binds the My Number Card on insertion), GnuPG's \
     scdaemon (it opens readers exclusively unless `pcsc-shared` is set; `gpgconf --kill scdaemon`), pcsc_scan, \
     scriptor, or another myna-audit";

/// The card the checks use: its reader, the guarded connection, its JPKI-AP SELECT answer.
type Chosen<C> = (String, ReadOnly<Counted<C>>, StatusWord);

/// Interference seen during the run.
#[derive(Default)]
struct Interference {
    sharing_violation: Option<String>,
    reset: Option<String>,
    changed_answers: usize,
}

fn is_sharing_violation(e: &TransportError) -> bool {
    matches!(e, TransportError::Pcsc(m) if m.to_ascii_lowercase().contains("other connections outstanding"))
}

fn lost(e: &TransportError) -> bool {
    matches!(e, TransportError::CardRemoved | TransportError::CardReset)
}

struct Run {
    checks: Vec<Check>,
}

impl Run {
    fn push(&mut self, id: &'static str, status: Status, summary: String, fix: Option<String>) {
        self.checks.push(Check {
            id,
            status,
            summary,
            fix,
            details: Vec::new(),
        });
    }

    fn push_detailed(&mut self, mut check: Check, details: Vec<String>) {
        check.details = details;
        self.checks.push(check);
    }

    /// Marks every check not yet run as skipped, saying why.
    fn skip_rest(&mut self, why: &str) {
        for id in id::ALL {
            if self.checks.iter().all(|c| c.id != id) {
                self.push(id, Status::Skip, format!("skipped: {why}"), None);
            }
        }
    }

    fn skip(&mut self, id: &'static str, why: &str) {
        self.push(id, Status::Skip, format!("skipped: {why}"), None);
    }
}

/// Runs the checklist against `backend`.
pub fn run_with<B: Backend>(backend: &mut B, opts: &Options) -> DoctorReport {
    let started = Instant::now();
    let platform = backend.platform();
    let mut report = DoctorReport {
        schema_version: SCHEMA_VERSION,
        platform: platform.clone(),
        reader: None,
        checks: Vec::new(),
        readers: Vec::new(),
        atr: None,
        applications: Vec::new(),
        link: None,
        apdu: None,
        apdus_sent: 0,
        elapsed_ms: 0,
    };
    let mut run = Run { checks: Vec::new() };
    checklist(backend, opts, &platform, &mut run, &mut report);
    run.skip_rest("not reached");
    // Keep the documented order whatever order the branches pushed in.
    run.checks
        .sort_by_key(|c| id::ALL.iter().position(|i| *i == c.id));
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
    report.reader = Some(reader.clone());
    run.push(
        id::CARD,
        Status::Ok,
        format!("card present in \"{reader}\", connected (shared)"),
        None,
    );

    // 4. The ATR.
    let atr_bytes = card.atr().to_vec();
    atr_check(&atr_bytes, run, report);

    // 5. My Number Card: which of the five applications answer.
    let (back, mnc_ok) = applications_check(card, jpki_sw, run, report, &mut interference);
    card = back;

    // 6. Link quality, 7. APDU size.
    if mnc_ok {
        link_and_apdu(&mut card, opts, run, report, &mut interference);
    } else {
        let why = "not identified as a My Number Card";
        run.skip(id::LINK, why);
        run.skip(id::APDU_SIZE, why);
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
        run.skip_rest("the PC/SC service is not reachable");
        return false;
    }
    run.push(
        id::SERVICE,
        Status::Ok,
        "the PC/SC service answered".into(),
        None,
    );
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
    let hints = readers::missing_hints(platform, libccid);
    let details: Vec<String> = hints
        .iter()
        .map(|h| format!("{}: {} (fix: {})", h.model, h.what, h.fix))
        .collect();
    let summary = match e {
        TransportError::NoReaders => "no reader is listed by the PC/SC service".to_string(),
        other => format!("listing readers failed: {other}"),
    };
    run.push_detailed(
        Check {
            id: id::READERS,
            status: Status::Fail,
            summary,
            fix: Some(
                "plug in a PC/SC reader that supports ISO 14443 Type B (contactless) or a contact reader; \
                 a reader that is plugged in but not listed has no driver (see the lines above)"
                    .into(),
            ),
            details: Vec::new(),
        },
        details,
    );
    run.skip_rest("no reader");
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
            run.push(
                id::CARD,
                Status::Fail,
                why,
                Some("pass one of the reader names listed above with --reader".into()),
            );
            run.skip_rest("no reader chosen");
            None
        }
    }
}

/// No candidate reader holds a card: pushes the failed card check, naming the contactless
/// readers whose Type B support is missing or not established, and skips the rest.
fn no_card(candidates: &[&ReaderSlot], platform: &str, libccid: Option<&Libccid>, run: &mut Run) {
    let names: Vec<String> = candidates
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    // A reader that may not see Type B at all is the likely cause: say so.
    let details: Vec<String> = candidates
        .iter()
        .filter_map(|s| {
            let v = readers::assess(&s.name, platform, libccid);
            (v.kind == Some(ReaderKind::Contactless) && v.type_b != Some(true)).then(|| {
                format!(
                    "\"{}\" ({}): ISO 14443 Type B support {}; the My Number Card is Type B",
                    s.name,
                    v.model.unwrap_or("?"),
                    if v.type_b == Some(false) {
                        "is missing"
                    } else {
                        "is not established"
                    }
                )
            })
        })
        .collect();
    run.push_detailed(
        Check {
            id: id::CARD,
            status: Status::Fail,
            summary: format!("no card in {}", names.join(", ")),
            fix: Some(
                "place the My Number Card flat and centred on the contactless reader (or insert it into the \
                 contact reader) and run doctor again"
                    .into(),
            ),
            details: Vec::new(),
        },
        details,
    );
    run.skip_rest("no card");
}

/// Connects to each reader with a card in turn and SELECTs the JPKI-AP: the first card that
/// answers is chosen; failing that, the first card that answered at all. Returns the chosen
/// card, the APDUs sent to the cards not chosen, and the connection errors.
fn connect_card<B: Backend>(
    backend: &mut B,
    with_card: &[&ReaderSlot],
    interference: &mut Interference,
) -> (Option<Chosen<B::Card>>, usize, Vec<String>) {
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
                connect_errors.push(format!("\"{}\": {e}", slot.name));
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
                if matches!(e, TransportError::CardReset) {
                    interference.reset = Some(e.to_string());
                }
                connect_errors.push(format!("\"{}\": {e}", slot.name));
                apdus += guarded.inner().sent;
            }
        }
    }
    (chosen, apdus, connect_errors)
}

/// No card could be talked to: pushes the failed card check (and the exclusive-access
/// failure on a sharing violation) and skips the rest.
fn no_connection(
    connect_errors: &[String],
    interference: &Interference,
    apdus: usize,
    run: &mut Run,
    report: &mut DoctorReport,
) {
    let exclusive = interference.sharing_violation.is_some();
    run.push(
        id::CARD,
        Status::Fail,
        format!("could not talk to the card: {}", connect_errors.join("; ")),
        Some(if exclusive {
            CULPRITS.to_string()
        } else {
            "take the card off the reader, put it back flat and centred, and run doctor again"
                .to_string()
        }),
    );
    report.apdus_sent = apdus;
    if exclusive {
        run.push(
            id::EXCLUSIVE_ACCESS,
            Status::Fail,
            "another program holds the card exclusively (sharing violation)".into(),
            Some(CULPRITS.into()),
        );
    }
    run.skip_rest("no connection to the card");
}

/// The reader the user named: exact name first, then a case-insensitive substring that
/// matches exactly one reader.
fn pick_reader<'a>(want: &str, slots: &'a [ReaderSlot]) -> Result<&'a ReaderSlot, String> {
    if let Some(s) = slots.iter().find(|s| s.name == want) {
        return Ok(s);
    }
    let w = want.to_lowercase();
    let hits: Vec<&ReaderSlot> = slots
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&w))
        .collect();
    let names = || {
        slots
            .iter()
            .map(|s| format!("\"{}\"", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no reader named \"{want}\" (readers: {})", names())),
        _ => Err(format!("\"{want}\" matches several readers ({})", names())),
    }
}

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
        let card = match &s.atr {
            Some(a) => format!("card present, ATR {}", spaced_hex(a)),
            None => "no card".into(),
        };
        details.push(format!(
            "\"{}\": {card}{}",
            s.name,
            v.model
                .map(|m| format!("; known as {m}"))
                .unwrap_or_default()
        ));
        if let Some(note) = &v.libccid_note {
            details.push(format!("  {note}"));
        }
        for t in &v.traps {
            details.push(format!("  trap: {}", t.what));
            let st = match t.severity {
                Severity::Info => Status::Ok,
                Severity::Warn => Status::Warn,
                Severity::Fail => Status::Fail,
            };
            if st != Status::Ok {
                fix.get_or_insert_with(|| t.fix.to_string());
            }
            worst = worse(worst, st);
        }
        report.readers.push(ReaderInfo {
            name: s.name.clone(),
            card_present: s.atr.is_some(),
            atr: s.atr.as_deref().map(spaced_hex),
            model: v.model,
            kind: v.kind,
            type_b: v.type_b,
            traps: v.traps,
            libccid: v.libccid_note,
            source: v.source,
        });
    }
    let summary = format!(
        "{} reader{} listed",
        slots.len(),
        if slots.len() == 1 { "" } else { "s" }
    );
    run.push_detailed(
        Check {
            id: id::READERS,
            status: worst,
            summary,
            fix,
            details: Vec::new(),
        },
        details,
    );
}

fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Ok | Status::Skip => 0,
        Status::Warn => 1,
        Status::Fail => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn atr_check(bytes: &[u8], run: &mut Run, report: &mut DoctorReport) {
    let hex = spaced_hex(bytes);
    match atr::decode(bytes) {
        Ok(a) => {
            let tck_valid = match a.tck {
                atr::Tck::Absent => None,
                atr::Tck::Valid { .. } => Some(true),
                atr::Tck::Invalid { .. } => Some(false),
            };
            let note = atr::my_number_hint(&a);
            let details = atr_details(&a, &note);
            let (status, summary, fix) = atr_verdict(&a, &hex);
            report.atr = Some(AtrInfo {
                hex,
                interface: a.interface_kind(),
                card_type: a.card_type(),
                tck_valid,
                known_my_number_card: a.known.map(|k| k.my_number_card),
                note,
                error: None,
                decoded: Some(a),
            });
            run.push_detailed(
                Check {
                    id: id::ATR,
                    status,
                    summary,
                    fix,
                    details: Vec::new(),
                },
                details,
            );
        }
        Err(e) => atr_malformed(hex, &e, run, report),
    }
}

/// The ATR check's detail lines: the protocols, each interface byte, the historical bytes,
/// the contactless part, and the My Number Card hint.
fn atr_details(a: &atr::Atr, note: &str) -> Vec<String> {
    let mut details = vec![format!(
        "TS {:?}, T0 {:02X}; protocols {}",
        a.convention,
        a.t0,
        a.protocols
            .iter()
            .map(|t| format!("T={t}"))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    for b in &a.interface {
        details.push(format!("{} = {:02X}: {}", b.name, b.value, b.meaning));
    }
    if !a.historical_hex.is_empty() {
        details.push(format!("historical bytes: {}", a.historical_hex));
    }
    if let Some(c) = &a.contactless {
        details.push(format!("contactless (PC/SC part 3): {}", c.describe()));
    }
    details.push(note.to_string());
    details
}

/// The ATR check's status, summary and fix: a wrong TCK warns, anything else is ok.
fn atr_verdict(a: &atr::Atr, hex: &str) -> (Status, String, Option<String>) {
    match a.tck {
        atr::Tck::Invalid { found, expected } => (
            Status::Warn,
            format!("{hex}: TCK is {found:02X}, the bytes give {expected:02X}"),
            Some(
                "a byte of the ATR was corrupted between card and reader: re-seat the card (or clean its contacts) and run doctor again"
                    .to_string(),
            ),
        ),
        _ => (
            Status::Ok,
            format!(
                "{hex} ({}, {})",
                a.interface_kind(),
                a.contactless
                    .as_ref()
                    .map_or_else(|| "ISO 7816-3".to_string(), atr::Contactless::describe)
            ),
            None,
        ),
    }
}

/// An ATR that does not decode: records the error and warns.
fn atr_malformed(hex: String, e: &atr::AtrError, run: &mut Run, report: &mut DoctorReport) {
    report.atr = Some(AtrInfo {
        hex: hex.clone(),
        interface: "unknown",
        card_type: "unknown",
        tck_valid: None,
        known_my_number_card: None,
        note: String::new(),
        error: Some(e.to_string()),
        decoded: None,
    });
    run.push(
        id::ATR,
        Status::Warn,
        format!("{hex}: not a well-formed ATR ({e})"),
        Some(
            "re-seat the card and run doctor again; if it persists, the reader or card is faulty"
                .into(),
        ),
    );
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

fn applications_check<T: Transport>(
    card: ReadOnly<T>,
    jpki_sw: StatusWord,
    run: &mut Run,
    report: &mut DoctorReport,
    interference: &mut Interference,
) -> (ReadOnly<T>, bool) {
    if !jpki_sw.is_ok() {
        not_my_number_card(jpki_sw, run);
        return (card, false);
    }
    let mut session = Session::new(card);
    let (n, details, problem) = probe_applications(&mut session, report, interference);
    let card = ReadOnly::new(session.into_transport());
    let (status, summary, fix) = applications_verdict(problem, n);
    let ok = status != Status::Fail;
    run.push_detailed(
        Check {
            id: id::MY_NUMBER_CARD,
            status,
            summary,
            fix,
            details: Vec::new(),
        },
        details,
    );
    (card, ok)
}

/// The JPKI-AP SELECT did not succeed: pushes the failed My Number Card check.
fn not_my_number_card(jpki_sw: StatusWord, run: &mut Run) {
    // The audit's own table of "no JPKI-AP" answers.
    let not_found =
        crate::card::identify::classify(jpki_sw) == crate::card::identify::Answer::NotFound;
    run.push(
        id::MY_NUMBER_CARD,
        Status::Fail,
        if not_found {
            format!("not a My Number Card: the JPKI-AP is not there (SELECT answered {jpki_sw})")
        } else {
            format!("the card did not answer the JPKI-AP SELECT clearly ({jpki_sw})")
        },
        Some(if not_found {
            "put the My Number Card (not another card) on the reader".into()
        } else {
            "take the card off, put it back flat and centred, and run doctor again".into()
        }),
    );
}

/// SELECTs each application in turn, recording the answers in the report; stops when the
/// card is lost. Returns how many answered, the detail lines, and the first transport error.
fn probe_applications<T: Transport>(
    session: &mut Session<T>,
    report: &mut DoctorReport,
    interference: &mut Interference,
) -> (usize, Vec<String>, Option<String>) {
    let mut answered = 0usize;
    let mut details = Vec::new();
    let mut problem = None;
    for app in APPLICATIONS {
        let answer = session.select_df(app.aid);
        let (text, selected) = match &answer {
            Ok(sw) => (sw.hex(), sw.is_ok()),
            Err(e) => {
                if matches!(e, TransportError::CardReset) {
                    interference.reset = Some(e.to_string());
                }
                problem.get_or_insert_with(|| e.to_string());
                (e.to_string(), false)
            }
        };
        if selected {
            answered += 1;
        }
        details.push(format!(
            "{}: {}",
            app.label(),
            if selected {
                "answers".to_string()
            } else {
                format!("no ({text})")
            }
        ));
        report.applications.push(AppAnswer {
            id: app.id,
            name: app.label(),
            aid: spaced_hex(app.aid),
            answer: text,
            selected,
        });
        if answer.as_ref().is_err_and(lost) {
            break;
        }
    }
    (answered, details, problem)
}

/// The My Number Card check's status, summary and fix from the applications probe.
fn applications_verdict(problem: Option<String>, n: usize) -> (Status, String, Option<String>) {
    if let Some(p) = problem {
        (
            Status::Fail,
            format!("the card stopped answering while its applications were probed ({p})"),
            Some(link::PLACEMENT_FIX.to_string()),
        )
    } else if n == APPLICATIONS.len() {
        (
            Status::Ok,
            "a My Number Card: the JPKI-AP and all 5 applications answer SELECT".to_string(),
            None,
        )
    } else {
        (
            Status::Warn,
            format!(
                "a My Number Card (the JPKI-AP answers), but only {n} of {} applications answer SELECT",
                APPLICATIONS.len()
            ),
            Some(
                "run `myna-audit audit` for the status words; the card may be of another generation — please report \
                 the answers above (they carry no personal data)"
                    .to_string(),
            ),
        )
    }
}

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
fn link_and_apdu<T: Transport>(
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
        run.skip(id::LINK, "--round-trips 0");
    } else {
        let (status, summary, fix) = link::verdict(&stats);
        run.push(id::LINK, status, summary, fix);
    }
    let short = stats.answered > 0;
    report.link = Some(stats);
    if card_lost {
        run.skip(id::APDU_SIZE, "the card was lost during the link probe");
        return;
    }
    apdu_size_check(card, short, run, report, interference);
}

/// Selects the probe file: JPKI-AP, then EF [`PROBE_EF`] (both plain SELECTs). On failure,
/// pushes the failed link check, skips the APDU-size check and returns `false`.
fn select_probe_file<T: Transport>(
    card: &mut ReadOnly<T>,
    run: &mut Run,
    interference: &mut Interference,
) -> bool {
    let select_ef = {
        let [hi, lo] = PROBE_EF.to_be_bytes();
        vec![0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo]
    };
    let mut select_jpki_cmd = vec![0x00, 0xA4, 0x04, 0x0C];
    select_jpki_cmd.push(u8::try_from(chipmap::JPKI.aid.len()).unwrap_or(0));
    select_jpki_cmd.extend_from_slice(chipmap::JPKI.aid);
    for cmd in [&select_jpki_cmd, &select_ef] {
        match timed(card, cmd).1 {
            Ok(r) if r.sw.is_ok() => {}
            Ok(r) => {
                run.push(
                    id::LINK,
                    Status::Fail,
                    format!(
                        "selecting the probe file (JPKI EF {PROBE_EF:04X}) answered {}",
                        r.sw
                    ),
                    Some(
                        "run `myna-audit audit` to see what the card answers; please report it"
                            .into(),
                    ),
                );
                run.skip(id::APDU_SIZE, "the probe file could not be selected");
                return false;
            }
            Err(e) => {
                let gone = lost(&e);
                if matches!(e, TransportError::CardReset) {
                    interference.reset = Some(e.to_string());
                }
                run.push(
                    id::LINK,
                    Status::Fail,
                    format!("selecting the probe file failed: {e}"),
                    Some(link::PLACEMENT_FIX.into()),
                );
                run.skip(
                    id::APDU_SIZE,
                    if gone {
                        "the card was lost"
                    } else {
                        "the probe file could not be selected"
                    },
                );
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
        // One retry for a transient transport error; the time is the two together.
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
            Outcome::Error(format!("status {}", resp.sw))
        }
        Err(e) if lost(&e) => {
            if matches!(e, TransportError::CardReset) {
                interference.reset = Some(e.to_string());
            }
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
        if matches!(e, TransportError::CardReset) {
            interference.reset = Some(e.to_string());
        }
    }
    let (status, summary, extended) = extended_verdict(&answer, &info.probe);
    info.extended = extended;
    let fix = (status == Status::Fail).then(|| link::PLACEMENT_FIX.to_string());
    let mut details = Vec::new();
    if let Some(c) = atr_claims {
        details.push(format!(
            "the ATR's card capabilities {} extended Lc/Le",
            if c { "announce" } else { "do not announce" }
        ));
    }
    report.apdu = Some(info);
    run.push_detailed(
        Check {
            id: id::APDU_SIZE,
            status,
            summary,
            fix,
            details: Vec::new(),
        },
        details,
    );
}

/// What the answer to the extended-length probe means: status, summary, and whether extended
/// length works (`None`: not established). Short-only is `ok`: the audit sends short APDUs
/// only (READ BINARY in chunks of 256, card/session.rs).
pub fn extended_verdict(
    answer: &Result<Response, TransportError>,
    probe_hex: &str,
) -> (Status, String, Option<bool>) {
    match answer {
        Err(TransportError::Refused { reason, .. }) => (
            Status::Skip,
            format!(
                "skipped: the read-only guard does not let the extended READ BINARY ({probe_hex}) through: {reason}"
            ),
            None,
        ),
        Err(e) if lost(e) => (
            Status::Fail,
            format!("the card was lost during the extended-length probe ({e})"),
            None,
        ),
        Err(e) => (
            Status::Ok,
            format!(
                "short APDUs only: the extended READ BINARY failed in transport ({e}); the audit needs short APDUs only"
            ),
            Some(false),
        ),
        Ok(r) => match r.sw.kind() {
            SwKind::Success | SwKind::EndOfFileEarly if r.data.len() > 256 => (
                Status::Ok,
                format!(
                    "extended-length APDUs work: {} bytes in one answer (status {})",
                    r.data.len(),
                    r.sw
                ),
                Some(true),
            ),
            SwKind::Success | SwKind::EndOfFileEarly => (
                Status::Ok,
                format!(
                    "the extended READ BINARY (Le {EXTENDED_LE}) was answered with only {} bytes: extended length not \
                     established; short APDUs work",
                    r.data.len()
                ),
                None,
            ),
            _ => (
                Status::Ok,
                format!(
                    "short APDUs only: the extended READ BINARY was refused with {} ({}); the audit needs short APDUs only",
                    r.sw,
                    r.sw.meaning()
                ),
                Some(false),
            ),
        },
    }
}

fn exclusive_check(i: &Interference, sent: usize, run: &mut Run) {
    let (status, summary) = if let Some(reader) = &i.sharing_violation {
        (
            Status::Fail,
            format!(
                "another program holds the card in \"{reader}\" exclusively (sharing violation)"
            ),
        )
    } else if let Some(reset) = &i.reset {
        (
            Status::Warn,
            format!(
                "the card was reset during the run, by another program or the reader ({reset})"
            ),
        )
    } else if i.changed_answers > 0 {
        (
            Status::Warn,
            format!(
                "the same read answered differently {} time(s): another program interleaved commands",
                i.changed_answers
            ),
        )
    } else {
        (
            Status::Ok,
            format!("no other program interfered during {sent} APDU(s) (shared mode)"),
        )
    };
    let fix = (status != Status::Ok).then(|| CULPRITS.to_string());
    run.push(id::EXCLUSIVE_ACCESS, status, summary, fix);
}

#[cfg(test)]
mod tests;
