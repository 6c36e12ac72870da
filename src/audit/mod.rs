//! The audit: [`walk`] reads the card over a read-only [`Session`] (the only part that
//! talks to it); pure functions then judge what was read — [`chains`], [`exposure`],
//! [`findings`] and [`notes`] — each a function of the walked report and its evidence,
//! testable without a card.
//!
//! It never stops at the first odd answer: every status word is kept, and a fatal fault
//! (card removed, service gone) ends the walk with what was gathered so far.

pub mod chains;
pub mod exposure;
pub mod findings;
pub mod keys;
pub mod notes;
pub mod walk;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use time::Date;

use crate::card::Session;
use crate::card::chipmap::{AppId, CertRole};
use crate::card::ids::Ef;
use crate::report::{ErrorInfo, Report, Source};
use crate::transport::{Transport, TransportError};

pub use walk::mask;

/// Days before a certificate's expiry when the audit starts to warn.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub as_of: Date,
    pub show_identifiers: bool,
    pub source: Source,
    /// Certificates a recorded fixture declares redacted (`redacted: auth-certificate`):
    /// their key and signature bytes were replaced, so their signature cannot be checked.
    /// Their `chains_to_card_ca` stays `null` (not checkable) instead of reporting a
    /// mismatch that only the redaction caused.
    pub redacted_certificates: Vec<CertRole>,
}

/// Why an audit could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(
        "the card in \"{reader}\" is not a My Number Card: it answered {sw} to SELECT of the JPKI application"
    )]
    NotMyNumberCard { reader: String, sw: String },
    #[error(
        "could not identify the card in \"{reader}\": it answered {sw} to SELECT of the JPKI application \
         (neither success nor \"not found\")"
    )]
    Unidentified { reader: String, sw: String },
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::Transport(t) => t.code(),
            AuditError::NotMyNumberCard { .. } => "not-my-number-card",
            AuditError::Unidentified { .. } => "card-not-identified",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            AuditError::Transport(t) => t.hint(),
            AuditError::NotMyNumberCard { .. } => {
                "Check that the card on the reader is a My Number Card (マイナンバーカード); with several readers, \
                 pass --reader. Run `myna-audit readers` to see which card is where."
            }
            AuditError::Unidentified { .. } => {
                "Lay the card flat on the reader and try again. If the answer repeats, run `myna-audit doctor`; \
                 docs/faults.md lists what each status word means."
            }
        }
    }
}

/// What the walk gathered besides the report rows: the inputs of the judgements.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// DER bytes of the certificates read, for the chain check.
    pub certs: HashMap<CertRole, Vec<u8>>,
    /// Card expiry dates read (共通AP record, MF GET DATA) and where each came from.
    pub expiries: Vec<(String, Date)>,
    /// Key EFs whose SELECT failed: their status word is SELECT's, no counter was queried.
    pub unselectable_pins: HashSet<(AppId, Ef)>,
    /// Protected files that read without a secret once, then refused after the application
    /// was SELECTed again (another program had opened them), with the second answer.
    pub rechecked: Vec<(AppId, Ef, crate::sw::StatusWord)>,
}

/// The finished (or interrupted) audit.
#[derive(Debug)]
pub struct AuditRun {
    pub report: Report,
    pub error: Option<AuditError>,
}

impl AuditRun {
    /// The exit status of an audit outcome: failed when it could not finish (the report is
    /// partial), findings when there are any, else ok.
    pub fn exit(&self) -> crate::error::Exit {
        use crate::error::Exit;
        match &self.error {
            Some(_) => Exit::Failed,
            None if self.report.findings.is_empty() => Exit::Ok,
            None => Exit::Findings,
        }
    }
}

/// Runs the whole audit: the walk, then the judgements over what it read.
pub fn run<T: Transport>(session: &mut Session<T>, opts: &AuditOptions) -> AuditRun {
    let walk::Walked {
        mut report,
        evidence,
        result,
    } = walk::walk(session, opts);
    report.apdu_count = session.apdu_count();
    judge(&mut report, &evidence, opts);
    report.notes.extend(
        session
            .transport_notes()
            .into_iter()
            .map(|n| crate::report::say::transport_note(&n)),
    );
    let error = result.err();
    match &error {
        Some(e) => {
            report.error = Some(ErrorInfo {
                code: e.code().into(),
                message: e.to_string(),
                hint: e.hint().into(),
            })
        }
        None => report.complete = true,
    }
    AuditRun { report, error }
}

/// Fills in what depends on the whole walk: chain verdicts, exposure tiers, findings, notes.
pub fn judge(report: &mut Report, evidence: &Evidence, opts: &AuditOptions) {
    keys::interpret(report);
    let verdicts = chains::verdicts(evidence, opts);
    chains::apply(report, &verdicts);
    report.exposure = exposure::exposure(report);
    report.findings = findings::findings(report, evidence, opts);
    report.notes = notes::notes(report, evidence, opts);
}
