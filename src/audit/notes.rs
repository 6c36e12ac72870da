//! Notes: what the report should explain without calling it a problem. Pure.

use super::{AuditOptions, Evidence};
use crate::card::chipmap::SecretKind;
use crate::report::{Application, Pin, PinStatus, Report};

pub fn notes(report: &Report, ev: &Evidence, opts: &AuditOptions) -> Vec<String> {
    let mut notes = Vec::new();
    for app in &report.applications {
        if !app.present {
            notes.push(format!(
                "{} ({}) AID {} did not answer SELECT (SW {}).",
                app.name_en, app.name_ja, app.aid, app.select_sw
            ));
        }
        notes.extend(app.pins.iter().filter_map(|p| pin_note(app, p, ev)));
    }
    if opts
        .redacted_certificates
        .iter()
        .any(|r| ev.certs.contains_key(r))
    {
        notes.push(
            "The authentication certificate's signature was not checked: this recorded fixture replaced \
             identifying bytes in it (redacted: auth-certificate), so it cannot verify."
                .into(),
        );
    }
    if report
        .applications
        .iter()
        .flat_map(|a| &a.pins)
        .any(|p| p.secret == SecretKind::CardSurface)
    {
        notes.push(
            "Retry limits of 照合番号A/B and the birth-date key are not established by public sources (10 or 3); \
             the tries shown are what the card reported."
                .into(),
        );
    }
    notes
}

fn pin_note(app: &Application, p: &Pin, ev: &Evidence) -> Option<String> {
    match p.status {
        PinStatus::BlockedAtIssue => Some(format!(
            "{} EF {} answers {}: this key reference is blocked when the card is issued, on every card examined; not a problem.",
            app.name_en, p.ef, p.sw
        )),
        PinStatus::NotReported => Some(format!(
            "{} EF {} answered 9000 to the retry-counter query: the card did not report a count (JICSAP leaves 9000 undefined here).",
            app.name_en, p.ef
        )),
        PinStatus::Unknown => Some(format!(
            "{} EF {} answered {} ({}) to {}; shown raw.",
            app.name_en,
            p.ef,
            p.sw,
            p.sw.meaning(),
            if ev.unselectable_pins.contains(&(app.id, p.ef)) {
                "SELECT, so its retry counter was not queried"
            } else {
                "the retry-counter query"
            }
        )),
        _ => None,
    }
}
