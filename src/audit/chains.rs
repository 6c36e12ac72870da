//! Chain checks, pure functions of the walk's evidence:
//! - is each holder certificate signed by the CA certificate read from the same card;
//! - the genuine-card check: does it chain to a J-LIS root pinned in this build, and which
//!   J-LIS root is each on-card CA certificate (docs/genuine.md).

use std::collections::HashMap;

use super::{AuditOptions, Evidence};
use crate::card::chipmap::CertRole;
use crate::decode::cert;
use crate::report::{Details, Report};
use crate::trust::{self, CaVerdict, Genuineness, Purpose};

/// The end-entity certificates and the on-card CA certificate each is checked against.
const PAIRS: [(CertRole, CertRole); 2] = [
    (CertRole::Auth, CertRole::AuthCa),
    (CertRole::Sign, CertRole::SignCa),
];

/// What the chain checks concluded for each certificate read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Verdicts {
    /// Signed by the on-card CA certificate (`None`: the check could not be made).
    pub card_ca: HashMap<CertRole, Option<bool>>,
    /// Holder certificates against the pinned J-LIS roots.
    pub genuine: HashMap<CertRole, Genuineness>,
    /// On-card CA certificates against the pinned J-LIS roots.
    pub jlis_ca: HashMap<CertRole, CaVerdict>,
}

fn purpose(role: CertRole) -> Purpose {
    match role {
        CertRole::Auth | CertRole::AuthCa => Purpose::Authentication,
        CertRole::Sign | CertRole::SignCa => Purpose::Signing,
    }
}

/// Certificates a fixture declares redacted are left out of the signature checks: their
/// bytes were altered, so no signature can verify.
pub fn verdicts(ev: &Evidence, opts: &AuditOptions) -> Verdicts {
    let checkable = |role: &CertRole| !opts.redacted_certificates.contains(role);
    let mut v = Verdicts::default();
    for (ee, ca) in PAIRS.iter().filter(|(ee, _)| checkable(ee)) {
        if let Some(ee_der) = ev.certs.get(ee) {
            if let Some(ca_der) = ev.certs.get(ca) {
                v.card_ca.insert(*ee, cert::chains_to(ee_der, ca_der).ok());
            }
            if let Ok(g) = trust::verify_end_entity(ee_der, purpose(*ee)) {
                v.genuine.insert(*ee, g);
            }
        }
    }
    for (_, ca) in PAIRS {
        if let Some(Ok(c)) = ev.certs.get(&ca).map(|der| trust::classify_card_ca(der)) {
            v.jlis_ca.insert(ca, c);
        }
    }
    v
}

/// Writes the verdicts into the certificates' details and the report's summary.
pub fn apply(report: &mut Report, v: &Verdicts) {
    for f in report.applications.iter_mut().flat_map(|a| &mut a.files) {
        if let Some(Details::Certificate(c)) = &mut f.details {
            if let Some(x) = v.card_ca.get(&c.role) {
                c.chains_to_card_ca = *x;
            }
            c.genuine = v.genuine.get(&c.role).cloned();
            c.jlis_ca = v.jlis_ca.get(&c.role).cloned();
        }
    }
    report.genuine = v.genuine.get(&CertRole::Auth).cloned();
}
