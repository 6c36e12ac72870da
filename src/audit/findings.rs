//! Findings: what needs the holder's attention, judged from the walked report. Pure.

use super::{AuditOptions, EXPIRY_WARNING_DAYS, Evidence, keys};
use crate::card::chipmap::{APPLICATIONS, AppSpec, CertRole, SecretKind};
use crate::decode::cert;
use crate::report::{
    AccessTier, Application, CertificateDetails, Details, FileReport, Finding, FindingCode,
    KeyReading, Pin, PinStatus, Report, Severity,
};
use crate::sw::SwKind;
use crate::trust::{CaVerdict, Genuineness};

pub fn findings(report: &Report, ev: &Evidence, opts: &AuditOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let face = keys::looks_face_authentication(report);
    if face {
        out.push(face_authentication(report));
    }
    for app in &report.applications {
        let Some(spec) = APPLICATIONS.iter().find(|s| s.id == app.id) else {
            continue;
        };
        // On a card that looks face-authentication, the one finding above speaks for the keys.
        if !face {
            out.extend(app.pins.iter().filter_map(|p| pin_finding(spec, app, p)));
        }
        for f in &app.files {
            file_findings(&mut out, spec, app, f);
        }
    }
    out.extend(genuine_findings(report));
    if let Some((from, d)) = ev.expiries.iter().find(|(_, d)| *d < opts.as_of) {
        out.push(Finding {
            severity: Severity::Critical,
            code: FindingCode::CardExpired,
            message: format!(
                "The card expired on {} ({from}). Apply for a new card at the municipal office.",
                cert::iso_date(*d)
            ),
            app: None,
            ef: None,
        });
    }
    out
}

fn pin_finding(spec: &AppSpec, app: &Application, p: &Pin) -> Option<Finding> {
    let reset = spec.pin(p.ef.0).map_or("", |s| s.reset);
    let who = format!(
        "{} {} {} (EF {})",
        spec.label(),
        p.label_en,
        p.label_ja,
        p.ef
    );
    let (severity, code, message) = match (p.status, p.reading) {
        (PinStatus::Blocked, Some(KeyReading::BlockedOrNeverSet)) => (
            Severity::Critical,
            FindingCode::PinBlocked,
            format!(
                "{who} is blocked, or was never set (SW {}: {}; a 顔認証マイナンバーカード has no PINs). \
                 If you set it, reset it at: {reset}.",
                p.sw,
                if p.sw.kind() == SwKind::TriesLeft(0) {
                    "no tries left"
                } else {
                    "not usable"
                }
            ),
        ),
        (PinStatus::Blocked, _) => (
            Severity::Critical,
            FindingCode::PinBlocked,
            format!("{who} is blocked (SW {}). Reset it at: {reset}.", p.sw),
        ),
        (PinStatus::NotSet, _) => (
            Severity::Notice,
            FindingCode::PinNotSet,
            format!(
                "{who} is not set (SW {}): the card says its certificate was never issued (JPKI EF 0008). \
                 Nothing to reset; it is set when the certificate is issued at the municipal office.",
                p.sw
            ),
        ),
        (PinStatus::Low, _) => {
            let left = p.tries_remaining.unwrap_or_default();
            let of = p.max_tries.map(|m| format!(" of {m}")).unwrap_or_default();
            let next = if left == 1 {
                "the next wrong entry blocks it"
            } else {
                "wrong entries have been made"
            };
            (
                Severity::Warning,
                FindingCode::PinLow,
                format!(
                    "{who} has {left}{of} tries left: {next}. A correct entry resets the count; \
                     if it becomes blocked, reset it at: {reset}."
                ),
            )
        }
        _ => return None,
    };
    Some(Finding {
        severity,
        code,
        message,
        app: Some(app.id),
        ef: Some(p.ef),
    })
}

fn face_authentication(report: &Report) -> Finding {
    let pins: Vec<String> = report
        .applications
        .iter()
        .flat_map(|a| &a.pins)
        .filter(|p| p.secret == SecretKind::Memorised && p.status != PinStatus::Absent)
        .map(|p| format!("EF {}", p.ef))
        .collect();
    Finding {
        severity: Severity::Warning,
        code: FindingCode::FaceAuthenticationCard,
        message: format!(
            "This card looks like a 顔認証マイナンバーカード (face-authentication card, issued since 2023-12 with no PINs): \
             every PIN ({}) answers 6984 (not usable) and no signing certificate is issued. If you never set PINs, \
             nothing is wrong; if you did, they are blocked: reset them at the municipal office (市区町村の窓口).",
            pins.join(", ")
        ),
        app: None,
        ef: None,
    }
}

fn file_findings(out: &mut Vec<Finding>, spec: &AppSpec, app: &Application, f: &FileReport) {
    let mut add = |severity, code, message| {
        out.push(Finding {
            severity,
            code,
            message,
            app: Some(app.id),
            ef: Some(f.ef),
        })
    };
    if f.readable_without_secret == Some(true)
        && matches!(f.access, AccessTier::Pin | AccessTier::CardSurface)
    {
        add(
            Severity::Warning,
            FindingCode::ProtectedFileReadable,
            format!(
                "{} EF {} {} ({}) should need a secret but answered {} to a read without one.",
                spec.label(),
                f.ef,
                f.label_ja,
                f.label_en,
                f.sw.map_or_else(|| "?".to_string(), |sw| sw.to_string())
            ),
        );
    }
    match &f.details {
        Some(Details::Certificate(c)) => cert_findings(&mut add, f, c),
        Some(Details::CertAvailability(av)) if !av.signing_certificate_issued => add(
            Severity::Notice,
            FindingCode::SigningCertificateNotIssued,
            format!(
                "No signing certificate (署名用電子証明書) is issued on this card (EF 0008 = {}). \
                 It is not issued to holders under 15; others can apply at the municipal office.",
                av.raw
            ),
        ),
        _ => {}
    }
}

fn cert_findings(
    add: &mut impl FnMut(Severity, FindingCode, String),
    f: &FileReport,
    c: &CertificateDetails,
) {
    let what = format!("{} {} (EF {})", f.label_en, f.label_ja, f.ef);
    if matches!(c.role, CertRole::AuthCa | CertRole::SignCa) {
        // J-LIS's certificate, the same on every card of its generation: never the holder's
        // to renew (docs/card-facts.md §9).
        if c.expired {
            add(
                Severity::Notice,
                FindingCode::CaCertificateExpired,
                format!(
                    "The {what} is J-LIS's CA certificate{}, not yours; it expired on {}. \
                     Nothing to renew: your own certificates are judged on their own dates.",
                    match &c.jlis_ca {
                        Some(CaVerdict::Jlis { generation, .. }) =>
                            format!(" (generation {generation})"),
                        Some(CaVerdict::Generation2Unverifiable { .. }) =>
                            " (generation 2, recognised)".to_string(),
                        _ => String::new(),
                    },
                    c.summary.not_after
                ),
            );
        }
        return;
    }
    if c.expired {
        add(
            Severity::Critical,
            FindingCode::CertificateExpired,
            format!(
                "The {what} expired on {} ({} days ago). Renew it at the municipal office.",
                c.summary.not_after, -c.days_until_expiry
            ),
        );
    } else if c.days_until_expiry <= EXPIRY_WARNING_DAYS {
        add(
            Severity::Warning,
            FindingCode::CertificateExpiring,
            format!(
                "The {what} expires on {} (in {} days). Renewal is possible at the municipal office from 3 months before.",
                c.summary.not_after, c.days_until_expiry
            ),
        );
    }
    // A genuine certificate may be issued by a newer J-LIS root than the CA certificate the
    // card was personalised with (docs/card-facts.md §9): no mismatch to report then.
    let genuine = c.genuine.as_ref().is_some_and(Genuineness::is_genuine);
    if c.chains_to_card_ca == Some(false) && !genuine {
        add(
            Severity::Warning,
            FindingCode::CertificateChainMismatch,
            format!("The {what} is not signed by the CA certificate read from the same card."),
        );
    }
}

/// The genuine-card check, one finding for the card: the authentication certificate (the
/// holder certificate anyone can read) against the pinned J-LIS roots, and the on-card CA
/// certificates by key (docs/genuine.md).
fn genuine_findings(report: &Report) -> Option<Finding> {
    let certs: Vec<(&FileReport, &CertificateDetails)> = report
        .applications
        .iter()
        .flat_map(|a| &a.files)
        .filter_map(|f| match &f.details {
            Some(Details::Certificate(c)) => Some((f, c)),
            _ => None,
        })
        .collect();
    let unknown_cas: Vec<String> = certs
        .iter()
        .filter(|(_, c)| c.jlis_ca == Some(CaVerdict::Unknown))
        .map(|(f, _)| format!("EF {}", f.ef))
        .collect();
    let cas = if unknown_cas.is_empty() {
        String::new()
    } else {
        format!(
            " The CA certificates on the card ({}) are not J-LIS roots this build knows (compared by key, \
             not by name; pinned: generations {}).",
            unknown_cas.join(", "),
            pinned_generations()
        )
    };
    let jpki = Some(crate::card::chipmap::AppId::Jpki);
    let (severity, code, message) = match &report.genuine {
        Some(Genuineness::Genuine { .. }) if unknown_cas.is_empty() => return None,
        Some(Genuineness::TestHierarchy) => (
            Severity::Notice,
            FindingCode::TestCard,
            "The certificates are from J-LIS's test hierarchy (O=JPKI-TEST): this is a test card, not a person's card."
                .to_string(),
        ),
        Some(g @ Genuineness::Genuine { .. }) => (
            Severity::Warning,
            FindingCode::CaCertificateUnknown,
            format!("The authentication certificate is genuine ({}).{cas}", g.english()),
        ),
        Some(g) => (
            Severity::Warning,
            FindingCode::CertificateNotGenuine,
            format!("Genuine-card check: the authentication certificate (EF 000A) {}{cas}", lower_first(&g.english())),
        ),
        None if unknown_cas.is_empty() => return None,
        None => (Severity::Warning, FindingCode::CaCertificateUnknown, cas.trim_start().to_string()),
    };
    Some(Finding {
        severity,
        code,
        message,
        app: jpki,
        ef: None,
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn pinned_generations() -> String {
    let mut g: Vec<u8> = crate::trust::roots::pinned_generations()
        .map(|(_, g)| g)
        .collect();
    g.sort_unstable();
    g.dedup();
    let g: Vec<String> = g.iter().map(u8::to_string).collect();
    g.join(" and ")
}
