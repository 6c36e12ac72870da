//! Chain checks: is each end-entity certificate signed by the CA certificate read from the
//! same card? Pure: a function of the walk's evidence.

use std::collections::HashMap;

use super::{AuditOptions, Evidence};
use crate::card::chipmap::CertRole;
use crate::decode::cert;
use crate::report::{Details, Report};

/// The end-entity certificates and the on-card CA certificate each is checked against.
const PAIRS: [(CertRole, CertRole); 2] = [
    (CertRole::Auth, CertRole::AuthCa),
    (CertRole::Sign, CertRole::SignCa),
];

/// For each end-entity certificate read with its CA certificate: whether the signature
/// verifies (`None` when the check itself could not be made, e.g. an unsupported key).
/// Certificates a fixture declares redacted are left out: their bytes cannot verify.
pub fn verdicts(ev: &Evidence, opts: &AuditOptions) -> HashMap<CertRole, Option<bool>> {
    PAIRS
        .iter()
        .filter(|(ee, _)| !opts.redacted_certificates.contains(ee))
        .filter_map(|(ee, ca)| {
            let (ee_der, ca_der) = (ev.certs.get(ee)?, ev.certs.get(ca)?);
            Some((*ee, cert::chains_to(ee_der, ca_der).ok()))
        })
        .collect()
}

/// Writes the verdicts into the certificates' `chains_to_card_ca`.
pub fn apply(report: &mut Report, verdicts: &HashMap<CertRole, Option<bool>>) {
    for f in report.applications.iter_mut().flat_map(|a| &mut a.files) {
        if let Some(Details::Certificate(c)) = &mut f.details {
            if let Some(v) = verdicts.get(&c.role) {
                c.chains_to_card_ca = *v;
            }
        }
    }
}
