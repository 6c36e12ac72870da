//! Checks 4, 5 and 8: the ATR, the My Number Card's applications, and interference from
//! other programs. Each verdict is a small function of what was seen.

use super::atr;
use super::link;
use super::model::{AppAnswer, AtrInfo, DoctorReport, Status, id};
use super::run::{Interference, Run, lost};
use super::say;
use crate::card::Session;
use crate::card::chipmap::{APPLICATIONS, AppSpec};
use crate::lang::Text;
use crate::sw::StatusWord;
use crate::transport::{ReadOnly, Transport, spaced_hex};

/// Check 4: decodes the ATR and records it.
pub(super) fn atr_check(bytes: &[u8], run: &mut Run, report: &mut DoctorReport) {
    let hex = spaced_hex(bytes);
    let a = match atr::decode(bytes) {
        Ok(a) => a,
        Err(e) => return atr_malformed(hex, &e, run, report),
    };
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
    run.push_detailed(id::ATR, status, summary, fix, details);
}

/// The ATR check's detail lines: the protocols, each interface byte, the historical bytes,
/// the contactless part, and the My Number Card hint.
fn atr_details(a: &atr::Atr, note: &Text) -> Vec<Text> {
    let inverse = a.convention == atr::Convention::Inverse;
    let mut details = vec![say::atr_structure(inverse, a.t0, &a.protocols)];
    for b in &a.interface {
        details.push(say::interface_byte(&b.name, b.value, &b.meaning));
    }
    if !a.historical_hex.is_empty() {
        details.push(say::historical_bytes(&a.historical_hex));
    }
    if let Some(c) = &a.contactless {
        details.push(say::contactless_form(&c.describe()));
    }
    details.push(note.clone());
    details
}

/// The ATR check's status, summary and fix: a wrong TCK warns, anything else is ok.
fn atr_verdict(a: &atr::Atr, hex: &str) -> (Status, Text, Option<Text>) {
    match a.tck {
        atr::Tck::Invalid { found, expected } => (
            Status::Warn,
            say::atr_bad_tck(hex, found, expected),
            Some(say::ATR_BAD_TCK_FIX.text()),
        ),
        _ => {
            let form = a.contactless.as_ref().map_or_else(
                || Text::new("ISO 7816-3", "ISO 7816-3"),
                atr::Contactless::describe,
            );
            let interface = say::interface_word(a.interface_kind());
            (Status::Ok, say::atr_summary(hex, &interface, &form), None)
        }
    }
}

/// An ATR that does not decode: records the error and warns.
fn atr_malformed(hex: String, e: &atr::AtrError, run: &mut Run, report: &mut DoctorReport) {
    let error = e.text();
    let summary = say::atr_malformed(&hex, &error);
    report.atr = Some(AtrInfo {
        hex,
        interface: "unknown",
        card_type: "unknown",
        tck_valid: None,
        known_my_number_card: None,
        note: Text::default(),
        error: Some(error),
        decoded: None,
    });
    let fix = Some(say::ATR_MALFORMED_FIX.text());
    run.push(id::ATR, Status::Warn, summary, fix);
}

/// Check 5: SELECTs each application of the chip map, once the JPKI-AP answered. Returns the
/// card and whether the card checks above can go on.
pub(super) fn applications_check<T: Transport>(
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
    let (status, summary, fix) = applications_verdict(problem.as_deref(), n);
    run.push_detailed(id::MY_NUMBER_CARD, status, summary, fix, details);
    (card, status != Status::Fail)
}

/// The JPKI-AP SELECT did not succeed: pushes the failed My Number Card check.
fn not_my_number_card(jpki_sw: StatusWord, run: &mut Run) {
    // The audit's own table of "no JPKI-AP" answers.
    let not_found =
        crate::card::identify::classify(jpki_sw) == crate::card::identify::Answer::NotFound;
    let sw = jpki_sw.hex();
    let (summary, fix) = if not_found {
        (say::not_my_number_card(&sw), say::PUT_MY_NUMBER_CARD_FIX)
    } else {
        (say::unclear_jpki_answer(&sw), say::PUT_BACK_FIX)
    };
    run.push(id::MY_NUMBER_CARD, Status::Fail, summary, Some(fix.text()));
}

/// An application's name: `JPKI-AP (公的個人認証AP)` in English, its Japanese name alone in
/// Japanese.
fn app_label(app: &AppSpec) -> Text {
    Text::new(app.label(), app.name_ja)
}

/// SELECTs each application in turn, recording the answers in the report; stops when the
/// card is lost. Returns how many answered, the detail lines, and the first transport error.
fn probe_applications<T: Transport>(
    session: &mut Session<T>,
    report: &mut DoctorReport,
    interference: &mut Interference,
) -> (usize, Vec<Text>, Option<String>) {
    let mut answered = 0usize;
    let mut details = Vec::new();
    let mut problem = None;
    for app in APPLICATIONS {
        let answer = session.select_df(app.aid);
        let (text, selected) = match &answer {
            Ok(sw) => (sw.hex(), sw.is_ok()),
            Err(e) => {
                interference.note(e);
                problem.get_or_insert_with(|| e.to_string());
                (e.to_string(), false)
            }
        };
        if selected {
            answered += 1;
        }
        let shown = (!selected).then_some(text.as_str());
        details.push(say::application_answer(&app_label(app), shown));
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
fn applications_verdict(problem: Option<&str>, n: usize) -> (Status, Text, Option<Text>) {
    if let Some(p) = problem {
        (
            Status::Fail,
            say::stopped_answering(p),
            Some(link::PLACEMENT_FIX.text()),
        )
    } else if n == APPLICATIONS.len() {
        (Status::Ok, say::all_applications(n), None)
    } else {
        (
            Status::Warn,
            say::some_applications(n, APPLICATIONS.len()),
            Some(say::SOME_APPLICATIONS_FIX.text()),
        )
    }
}

/// Check 8: whether another program held the card, reset it or moved its selection.
pub(super) fn exclusive_check(i: &Interference, sent: usize, run: &mut Run) {
    let (status, summary) = if let Some(reader) = &i.sharing_violation {
        (Status::Fail, say::held_exclusively(reader))
    } else if let Some(reset) = &i.reset {
        (Status::Warn, say::reset_during_run(reset))
    } else if i.changed_answers > 0 {
        (Status::Warn, say::answered_differently(i.changed_answers))
    } else {
        (Status::Ok, say::no_interference(sent))
    };
    let fix = (status != Status::Ok).then(|| say::CULPRITS.text());
    run.push(id::EXCLUSIVE_ACCESS, status, summary, fix);
}
