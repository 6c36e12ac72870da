//! Key states in context. A retry-counter answer alone cannot tell a blocked key from one
//! never set: `6984` ("reference data not usable") is both (docs/card-facts.md §9). This
//! module reads it together with what else the card said — which certificates JPKI EF 0008
//! says are issued — and decides the state, the severity and the wording. Pure.

use crate::card::chipmap::{APPLICATIONS, CertRole, PinSpec, SecretKind};
use crate::report::{Details, KeyReading, PinStatus, Report, Severity, StatusWord};
use crate::sw::SwKind;

/// Whether the certificate a key opens is on the card, per JPKI EF 0008.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertPresence {
    Issued,
    NotIssued,
    /// EF 0008 was not read, or the key opens no certificate.
    Unknown,
}

/// A key's state once read in context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyState {
    pub status: PinStatus,
    pub reading: Option<KeyReading>,
    /// How a finding about it is raised, if any.
    pub severity: Option<Severity>,
}

/// The interpretation table: the walk's status (from the status word alone) × the key ×
/// its certificate's presence → the state. Only keys the card refuses are reinterpreted.
pub fn key_state(
    spec: &PinSpec,
    walked: PinStatus,
    sw: StatusWord,
    cert: CertPresence,
) -> KeyState {
    let refused = matches!(
        sw.kind(),
        SwKind::ReferenceDataBlocked | SwKind::TriesLeft(0)
    );
    let plain = |severity| KeyState {
        status: walked,
        reading: None,
        severity,
    };
    match walked {
        PinStatus::Blocked if refused && cert == CertPresence::NotIssued => KeyState {
            status: PinStatus::NotSet,
            reading: Some(KeyReading::NotSetNoCertificate),
            severity: Some(Severity::Notice),
        },
        PinStatus::Blocked if spec.kind == SecretKind::Memorised => KeyState {
            status: PinStatus::Blocked,
            reading: Some(KeyReading::BlockedOrNeverSet),
            severity: Some(Severity::Critical),
        },
        PinStatus::Blocked => plain(Some(Severity::Critical)),
        PinStatus::Low => plain(Some(Severity::Warning)),
        _ => plain(None),
    }
}

/// What JPKI EF 0008 says of a certificate.
pub fn cert_presence(report: &Report, role: Option<CertRole>) -> CertPresence {
    let Some(role) = role else {
        return CertPresence::Unknown;
    };
    let availability = report
        .applications
        .iter()
        .flat_map(|a| &a.files)
        .find_map(|f| match &f.details {
            Some(Details::CertAvailability(av)) => Some(av),
            _ => None,
        });
    let issued = match (availability, role) {
        (Some(av), CertRole::Sign) => av.signing_certificate_issued,
        (Some(av), CertRole::Auth) => av.authentication_certificate_issued,
        _ => return CertPresence::Unknown,
    };
    if issued {
        CertPresence::Issued
    } else {
        CertPresence::NotIssued
    }
}

/// Rewrites every key's status and reading in context.
pub fn interpret(report: &mut Report) {
    let presence: Vec<Vec<CertPresence>> = report
        .applications
        .iter()
        .map(|app| {
            app.pins
                .iter()
                .map(|p| cert_presence(report, spec_of(app.id, p.ef.0).and_then(|s| s.certificate)))
                .collect()
        })
        .collect();
    for (app, presence) in report.applications.iter_mut().zip(presence) {
        let id = app.id;
        for (p, cert) in app.pins.iter_mut().zip(presence) {
            let Some(spec) = spec_of(id, p.ef.0) else {
                continue;
            };
            let state = key_state(spec, p.status, p.sw, cert);
            p.status = state.status;
            p.reading = state.reading;
        }
    }
}

fn spec_of(app: crate::card::chipmap::AppId, ef: u16) -> Option<&'static PinSpec> {
    APPLICATIONS.iter().find(|a| a.id == app)?.pin(ef)
}

/// True when the card looks like a 顔認証マイナンバーカード: every memorised PIN the card has
/// answers 6984 and EF 0008 says no signing certificate is issued (docs/card-facts.md §9).
pub fn looks_face_authentication(report: &Report) -> bool {
    let user_pins: Vec<_> = report
        .applications
        .iter()
        .flat_map(|a| &a.pins)
        .filter(|p| p.secret == SecretKind::Memorised && p.status != PinStatus::Absent)
        .collect();
    !user_pins.is_empty()
        && user_pins
            .iter()
            .all(|p| p.sw.kind() == SwKind::ReferenceDataBlocked)
        && cert_presence(report, Some(CertRole::Sign)) == CertPresence::NotIssued
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::chipmap::JPKI;

    fn auth() -> &'static PinSpec {
        &JPKI.pins[0]
    }
    fn sign() -> &'static PinSpec {
        &JPKI.pins[1]
    }

    /// Key, walked status, status word, certificate → status, reading, severity.
    type Row = (
        &'static PinSpec,
        PinStatus,
        u16,
        CertPresence,
        PinStatus,
        Option<KeyReading>,
        Option<Severity>,
    );

    /// The interpretation table, row by row.
    #[test]
    fn interpretation_table() {
        use CertPresence::*;
        use PinStatus as S;
        #[rustfmt::skip]
        let rows: [Row; 10] = [
            (sign(), S::Blocked, 0x6984, NotIssued, S::NotSet, Some(KeyReading::NotSetNoCertificate), Some(Severity::Notice)),
            (sign(), S::Blocked, 0x63C0, NotIssued, S::NotSet, Some(KeyReading::NotSetNoCertificate), Some(Severity::Notice)),
            (sign(), S::Blocked, 0x6984, Issued, S::Blocked, Some(KeyReading::BlockedOrNeverSet), Some(Severity::Critical)),
            (sign(), S::Blocked, 0x63C0, Issued, S::Blocked, Some(KeyReading::BlockedOrNeverSet), Some(Severity::Critical)),
            (auth(), S::Blocked, 0x6984, Unknown, S::Blocked, Some(KeyReading::BlockedOrNeverSet), Some(Severity::Critical)),
            (auth(), S::Blocked, 0x6984, NotIssued, S::NotSet, Some(KeyReading::NotSetNoCertificate), Some(Severity::Notice)),
            (auth(), S::Low, 0x63C1, NotIssued, S::Low, None, Some(Severity::Warning)),
            (auth(), S::Ok, 0x63C3, Issued, S::Ok, None, None),
            (sign(), S::Unknown, 0x6986, NotIssued, S::Unknown, None, None),
            (auth(), S::BlockedAtIssue, 0x63C0, Unknown, S::BlockedAtIssue, None, None),
        ];
        // A key derived from the printed card cannot be "never set": blocked, no reading.
        let surface = crate::card::chipmap::TEXT
            .pins
            .iter()
            .find(|p| p.kind == SecretKind::CardSurface)
            .unwrap();
        assert_eq!(
            key_state(surface, S::Blocked, StatusWord(0x6984), Unknown),
            KeyState {
                status: S::Blocked,
                reading: None,
                severity: Some(Severity::Critical)
            }
        );
        for (spec, walked, sw, cert, status, reading, severity) in rows {
            let got = key_state(spec, walked, StatusWord(sw), cert);
            assert_eq!(
                got,
                KeyState {
                    status,
                    reading,
                    severity
                },
                "{} {walked:?} {sw:04X} {cert:?}",
                spec.label_en
            );
        }
    }
}
