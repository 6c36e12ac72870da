//! Card-verifiable (CV) certificates: text AP EF 0004, visual AP EF 0004 and the MF-level chain
//! (card-facts §2.2, §2.3, §2.6). Their signing keys are named by a 16-byte key id (CAR, the
//! issuer's; CHR, the holder's) rather than carried in the certificate.
//!
//! J-LIS publishes no roots for these, so this build verifies none of them: it reports the key
//! ids, and which hierarchy the issuer id *claims* (production ids start with `5`, test-card ids
//! with `6`: card-facts §2.2, §2.3). A claim is not a proof: the bytes come from the card.

use serde::{Deserialize, Serialize};

use super::TrustError;
use crate::decode::records::cv_certificate;

/// The hierarchy a CV certificate's issuer key id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimedHierarchy {
    /// One of J-LIS's production issuer ids seen on cards (5000020 MF, 5000023 visual AP,
    /// 5000033 text AP).
    Production,
    /// The matching test-card ids (6000020, 6000023, 6000033).
    Test,
    /// Any other id.
    Unknown,
}

/// Production issuer key ids (card-facts §2.2, §2.3; the MF-level one from myna-card's notes).
const PRODUCTION_ISSUERS: &[&str] = &["5000020", "5000023", "5000033"];
const TEST_ISSUERS: &[&str] = &["6000020", "6000023", "6000033"];

/// What this build can say about a CV certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvKeyIds {
    /// Certification authority reference: the issuer's key id (printable part).
    pub issuer_key_id: String,
    /// Certificate holder reference: the subject's key id (printable part).
    pub subject_key_id: String,
    pub claimed_hierarchy: ClaimedHierarchy,
    /// Always `not_verifiable`: J-LIS's CV roots are not published.
    pub verdict: CvVerdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CvVerdict {
    NotVerifiable,
}

/// Reads the key ids of a CV certificate (`7F 21 { 5F 4E body, 5F 37 signature }`).
pub fn cv_key_id(der: &[u8]) -> Result<CvKeyIds, TrustError> {
    let cv = cv_certificate(der).map_err(TrustError::NotACvCertificate)?;
    // The id is 7 digits, then separators and a sub-number ("6000033" or "6000034/001").
    let head: String = cv
        .issuer_key_id
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let claimed_hierarchy = if PRODUCTION_ISSUERS.contains(&head.as_str()) {
        ClaimedHierarchy::Production
    } else if TEST_ISSUERS.contains(&head.as_str()) {
        ClaimedHierarchy::Test
    } else {
        ClaimedHierarchy::Unknown
    };
    Ok(CvKeyIds {
        issuer_key_id: cv.issuer_key_id,
        subject_key_id: cv.subject_key_id,
        claimed_hierarchy,
        verdict: CvVerdict::NotVerifiable,
    })
}

impl CvKeyIds {
    pub fn english(&self) -> String {
        let which = match self.claimed_hierarchy {
            ClaimedHierarchy::Production => " (a J-LIS production key id)",
            ClaimedHierarchy::Test => " (a test-card key id)",
            ClaimedHierarchy::Unknown => "",
        };
        format!(
            "Card-verifiable certificate issued by key {}{which} for key {}: not verifiable, \
             J-LIS CV roots not published.",
            self.issuer_key_id, self.subject_key_id
        )
    }

    pub fn japanese(&self) -> String {
        let which = match self.claimed_hierarchy {
            ClaimedHierarchy::Production => "（J-LIS本番用の鍵ID）",
            ClaimedHierarchy::Test => "（試験用カードの鍵ID）",
            ClaimedHierarchy::Unknown => "",
        };
        format!(
            "カード検証用証明書（発行者の鍵ID {}{which}、対象の鍵ID {}）。\
             J-LISのルートが公開されていないため検証できません。",
            self.issuer_key_id, self.subject_key_id
        )
    }
}
