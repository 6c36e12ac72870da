//! Is this a genuine J-LIS card certificate? Checks against J-LIS's public JPKI roots, pinned in
//! the binary ([`roots`]), and reports what a card's certificates can and cannot prove
//! (docs/genuine.md).
//!
//! - [`verify_end_entity`]: the holder's certificate (JPKI-AP EF 000A authentication, EF 0001
//!   signing) must carry a signature that a pinned J-LIS root of the same purpose verifies, and
//!   that root must have been valid on the certificate's issue date (its notBefore).
//! - [`classify_card_ca`]: the CA certificate the card carries (EF 000B authentication CA, EF 0002
//!   signing CA, card-facts §2.1) is J-LIS's when it is byte-identical to, or carries the key
//!   of, a pinned root. A name match alone proves nothing: every generation shares one name, and a
//!   forger can copy it.
//! - [`cv::cv_key_id`]: card-verifiable certificates (text/visual AP EF 0004, MF level): J-LIS
//!   does not publish their roots, so only the key ids are reported.
//!
//! Nothing here reads a clock, the network or the disk: the roots are compiled in and every date
//! compared comes from the certificates themselves.

// Certificate bytes come from the card: no indexing that could panic (docs/safety.md).
#![deny(clippy::indexing_slicing)]

pub mod cv;
pub mod roots;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::*;

use crate::decode::cert::iso_date;
use roots::{JLIS_ROOTS, RootInfo};

/// Which JPKI key a certificate belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 利用者証明用 (user authentication): EF 000A holder certificate, EF 000B CA certificate.
    Authentication,
    /// 署名用 (digital signature): EF 0001 holder certificate, EF 0002 CA certificate.
    Signing,
}

/// Whether a JPKI-AP certificate file holds the holder's certificate or J-LIS's CA certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRole {
    Holder,
    Ca,
}

impl Purpose {
    pub fn english(self) -> &'static str {
        match self {
            Purpose::Authentication => "user authentication",
            Purpose::Signing => "digital signature",
        }
    }

    pub fn japanese(self) -> &'static str {
        match self {
            Purpose::Authentication => "利用者証明用",
            Purpose::Signing => "署名用",
        }
    }

    /// The purpose and role of a JPKI-AP certificate EF (card-facts §2.1): 0001 signing
    /// certificate, 0002 signing CA, 000A authentication certificate, 000B authentication CA.
    pub fn of_jpki_ef(fid: u16) -> Option<(Purpose, CertRole)> {
        match fid {
            0x0001 => Some((Purpose::Signing, CertRole::Holder)),
            0x0002 => Some((Purpose::Signing, CertRole::Ca)),
            0x000A => Some((Purpose::Authentication, CertRole::Holder)),
            0x000B => Some((Purpose::Authentication, CertRole::Ca)),
            _ => None,
        }
    }
}

/// Why a check could not run at all (as opposed to a negative verdict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum TrustError {
    #[error("not an X.509 certificate: {0}")]
    NotACertificate(String),
    #[error("{0} bytes after the certificate")]
    TrailingBytes(usize),
    #[error("not a card-verifiable certificate: {0}")]
    NotACvCertificate(String),
    /// A compiled-in root did not decode: a defect of this build, caught by its tests.
    #[error("pinned root {0} does not decode")]
    PinnedRoot(String),
}

/// A root certificate to verify against: J-LIS's pinned ones ([`pinned_roots`]) or, in tests,
/// any other ([`Root::from_der`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    purpose: Purpose,
    generation: u8,
    der: Vec<u8>,
}

impl Root {
    /// A root from DER bytes; fails unless they are exactly one X.509 certificate.
    pub fn from_der(purpose: Purpose, generation: u8, der: &[u8]) -> Result<Root, TrustError> {
        parse(der)?;
        Ok(Root {
            purpose,
            generation,
            der: der.to_vec(),
        })
    }

    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn generation(&self) -> u8 {
        self.generation
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the DER certificate, upper-case hex (as `roots/README.md` lists it).
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode_upper(Sha256::digest(&self.der))
    }
}

/// Parses exactly one DER certificate.
fn parse(der: &[u8]) -> Result<X509Certificate<'_>, TrustError> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| TrustError::NotACertificate(e.to_string()))?;
    if !rest.is_empty() {
        return Err(TrustError::TrailingBytes(rest.len()));
    }
    Ok(cert)
}

fn decode_pinned() -> Result<Vec<Root>, TrustError> {
    let mut out = Vec::new();
    for info in JLIS_ROOTS {
        let Some(pem) = info.pem else { continue };
        let name = || format!("{} generation {}", info.purpose.english(), info.generation);
        let (_, block) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
            .map_err(|e| TrustError::PinnedRoot(format!("{}: {e}", name())))?;
        if block.label != "CERTIFICATE" {
            return Err(TrustError::PinnedRoot(format!(
                "{}: PEM label {}",
                name(),
                block.label
            )));
        }
        out.push(Root::from_der(
            info.purpose,
            info.generation,
            &block.contents,
        )?);
    }
    Ok(out)
}

/// J-LIS's roots as compiled into this build (decoded once).
pub fn pinned_roots() -> Result<&'static [Root], TrustError> {
    static PINNED: OnceLock<Result<Vec<Root>, TrustError>> = OnceLock::new();
    match PINNED.get_or_init(decode_pinned) {
        Ok(v) => Ok(v.as_slice()),
        Err(e) => Err(e.clone()),
    }
}

/// J-LIS's distinguished name for `purpose` (the subject of every generation's root), raw DER.
fn jlis_name(purpose: Purpose) -> Result<Option<Vec<u8>>, TrustError> {
    for root in pinned_roots()? {
        if root.purpose == purpose {
            return Ok(Some(parse(&root.der)?.subject().as_raw().to_vec()));
        }
    }
    Ok(None)
}

fn names_test_hierarchy(name: &X509Name<'_>) -> bool {
    name.iter_organization()
        .any(|o| o.as_str().is_ok_and(|s| s == "JPKI-TEST"))
}

fn authority_key_id<'a>(cert: &'a X509Certificate<'_>) -> Option<&'a [u8]> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        })
}

fn subject_key_id<'a>(cert: &'a X509Certificate<'_>) -> Option<&'a [u8]> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0),
            _ => None,
        })
}

fn day(t: &ASN1Time) -> ::time::Date {
    t.to_datetime().date()
}

/// Whether `date` is `iso` (YYYY-MM-DD) or one day either side: J-LIS's table gives dates
/// without saying whether they are UTC or JST.
fn near_table_date(date: ::time::Date, iso: &str) -> bool {
    let fmt = ::time::macros::format_description!("[year]-[month]-[day]");
    let Ok(table) = ::time::Date::parse(iso, &fmt) else {
        return false;
    };
    (date - table).whole_days().abs() <= 1
}

fn within_table(date: ::time::Date, info: &RootInfo) -> bool {
    let fmt = ::time::macros::format_description!("[year]-[month]-[day]");
    match (
        ::time::Date::parse(info.valid_from, &fmt),
        ::time::Date::parse(info.valid_to, &fmt),
    ) {
        (Ok(from), Ok(to)) => from <= date && date <= to,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// On-card CA certificates

/// What the CA certificate read from the card (JPKI-AP EF 000B / EF 0002) is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum CaVerdict {
    /// Byte-identical to a pinned J-LIS root (`identical`), or a certificate for the same key
    /// whose signature that key verifies. `not_after` is the card certificate's own.
    Jlis {
        purpose: Purpose,
        generation: u8,
        not_after: String,
        identical: bool,
    },
    /// Self-signed, with J-LIS's name, generation 2's serial and dates: what J-LIS's
    /// generation-2 root would look like. This build has no generation-2 bytes to compare
    /// with, so it is recognised, not verified.
    Generation2Unverifiable { purpose: Purpose, not_after: String },
    /// Subject or issuer `O=JPKI-TEST`: a test card's CA.
    TestHierarchy,
    /// None of the above: matches no J-LIS key this build knows.
    Unknown,
}

/// Classifies an on-card CA certificate against the pinned J-LIS roots.
pub fn classify_card_ca(der: &[u8]) -> Result<CaVerdict, TrustError> {
    classify_card_ca_with(der, pinned_roots()?)
}

/// [`classify_card_ca`] against any set of roots (generation-2 recognition always uses
/// J-LIS's table and name).
pub fn classify_card_ca_with(der: &[u8], roots: &[Root]) -> Result<CaVerdict, TrustError> {
    let cert = parse(der)?;
    let not_after = iso_date(day(&cert.validity().not_after));
    for root in roots {
        let identical = root.der == der;
        let same_key = identical || {
            let r = parse(&root.der)?;
            r.public_key().raw == cert.public_key().raw
                && cert.verify_signature(Some(r.public_key())).is_ok()
        };
        if same_key {
            return Ok(CaVerdict::Jlis {
                purpose: root.purpose,
                generation: root.generation,
                not_after,
                identical,
            });
        }
    }
    if names_test_hierarchy(cert.subject()) || names_test_hierarchy(cert.issuer()) {
        return Ok(CaVerdict::TestHierarchy);
    }
    if let Some(purpose) = generation2_root_lookalike(&cert)? {
        return Ok(CaVerdict::Generation2Unverifiable { purpose, not_after });
    }
    Ok(CaVerdict::Unknown)
}

/// The purpose whose generation-2 root `cert` looks like: J-LIS's name as subject and issuer,
/// that generation's serial and validity dates, and a self-signature that verifies.
fn generation2_root_lookalike(cert: &X509Certificate<'_>) -> Result<Option<Purpose>, TrustError> {
    let serial = hex::encode_upper(cert.raw_serial());
    for info in roots::unpinned_generations() {
        if info.serial != serial
            || !near_table_date(day(&cert.validity().not_before), info.valid_from)
            || !near_table_date(day(&cert.validity().not_after), info.valid_to)
        {
            continue;
        }
        let Some(name) = jlis_name(info.purpose)? else {
            continue;
        };
        if cert.subject().as_raw() == name.as_slice()
            && cert.issuer().as_raw() == name.as_slice()
            && cert.verify_signature(None).is_ok()
        {
            return Ok(Some(info.purpose));
        }
    }
    Ok(None)
}

impl CaVerdict {
    /// One short line for the card holder.
    pub fn english(&self) -> String {
        match self {
            CaVerdict::Jlis {
                purpose,
                generation,
                not_after,
                ..
            } => format!(
                "J-LIS's {} CA certificate, generation {generation} (valid to {not_after}): \
                 J-LIS's own certificate, not the holder's.",
                purpose.english()
            ),
            CaVerdict::Generation2Unverifiable { purpose, .. } => format!(
                "Looks like J-LIS's generation-2 {} CA certificate, but this build does not \
                 hold that generation: recognised, not verified.",
                purpose.english()
            ),
            CaVerdict::TestHierarchy => {
                "JPKI test hierarchy (O=JPKI-TEST): a test card, not a person's card.".into()
            }
            CaVerdict::Unknown => "Not a J-LIS CA certificate this build knows: its key matches \
                 no J-LIS root (a matching name alone proves nothing)."
                .into(),
        }
    }

    pub fn japanese(&self) -> String {
        match self {
            CaVerdict::Jlis {
                purpose,
                generation,
                not_after,
                ..
            } => format!(
                "J-LISの{}CA証明書（第{generation}世代、有効期限 {not_after}）です。\
                 J-LIS自身の証明書で、利用者本人の証明書ではありません。",
                purpose.japanese()
            ),
            CaVerdict::Generation2Unverifiable { purpose, .. } => format!(
                "J-LIS第2世代の{}CA証明書と思われますが、このバージョンは第2世代を持たないため\
                 確認できません（未検証）。",
                purpose.japanese()
            ),
            CaVerdict::TestHierarchy => {
                "JPKIの試験用証明書（O=JPKI-TEST）です。個人のカードではなく試験用カードです。"
                    .into()
            }
            CaVerdict::Unknown => {
                "このバージョンが知るJ-LISのCA証明書ではありません（鍵が一致しません。\
                 名前が同じでも証明にはなりません）。"
                    .into()
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Holder (end-entity) certificates

/// Why a holder certificate does not chain to a pinned root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoChainReason {
    /// No root of this purpose verifies the signature (or names the issuer).
    NoRootVerifies,
    /// A root verifies the signature but was not valid on the certificate's issue date.
    RootNotValidAtIssue,
}

/// Whether a holder certificate is J-LIS's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Genuineness {
    /// The signature verifies with a pinned J-LIS root of this purpose that was valid on the
    /// certificate's issue date.
    Genuine { purpose: Purpose, generation: u8 },
    /// Issuer `O=JPKI-TEST`: a JPKI test card.
    TestHierarchy,
    /// Issued in J-LIS's name within generation 2's validity by a key that is neither
    /// generation 1's nor 3's: this build cannot check it. NOT a pass: a forger choosing
    /// those dates lands here too.
    Generation2Unverifiable { purpose: Purpose },
    /// A counterfeit, a test card, or a generation this build does not know.
    DoesNotChain { reason: NoChainReason },
}

impl Genuineness {
    /// True only for a verified signature.
    pub fn is_genuine(&self) -> bool {
        matches!(self, Genuineness::Genuine { .. })
    }

    /// One short line for the card holder.
    pub fn english(&self) -> String {
        match self {
            Genuineness::Genuine {
                purpose,
                generation,
            } => format!(
                "Genuine J-LIS certificate (generation {generation}): its signature verifies \
                 with J-LIS's {} root.",
                purpose.english()
            ),
            Genuineness::TestHierarchy => {
                "JPKI test hierarchy (O=JPKI-TEST): a test card, not a person's card.".into()
            }
            Genuineness::Generation2Unverifiable { .. } => {
                "Generation 2: recognised but not verifiable by this build — J-LIS's \
                 generation-2 root is not pinned here, so the card is not confirmed genuine."
                    .into()
            }
            Genuineness::DoesNotChain { reason } => match reason {
                NoChainReason::NoRootVerifies => {
                    "Does not chain to a J-LIS root: a counterfeit, a test card, or a \
                     generation this build does not know."
                        .into()
                }
                NoChainReason::RootNotValidAtIssue => {
                    "Does not chain to a J-LIS root valid on its issue date: the certificate \
                     claims a date the signing root did not cover."
                        .into()
                }
            },
        }
    }

    pub fn japanese(&self) -> String {
        match self {
            Genuineness::Genuine { generation, .. } => format!(
                "J-LISが発行した正規の証明書です（第{generation}世代）。\
                 署名をJ-LISのルート証明書で確認しました。"
            ),
            Genuineness::TestHierarchy => {
                "JPKIの試験用証明書（O=JPKI-TEST）です。個人のカードではなく試験用カードです。"
                    .into()
            }
            Genuineness::Generation2Unverifiable { .. } => {
                "第2世代の証明書と思われますが、このバージョンでは署名を確認できません。\
                 正規のカードかどうかは確認できていません。"
                    .into()
            }
            Genuineness::DoesNotChain { reason } => match reason {
                NoChainReason::NoRootVerifies => {
                    "J-LISのルート証明書で署名を確認できません。偽造カード、試験用カード、\
                     またはこのバージョンが知らない世代の可能性があります。"
                        .into()
                }
                NoChainReason::RootNotValidAtIssue => {
                    "発行日に有効なJ-LISのルート証明書で署名を確認できません\
                     （発行日が署名した鍵の有効期間外です）。"
                        .into()
                }
            },
        }
    }
}

/// Verifies a holder certificate (EF 000A / EF 0001) against the pinned J-LIS roots of
/// `purpose`.
pub fn verify_end_entity(ee_der: &[u8], purpose: Purpose) -> Result<Genuineness, TrustError> {
    verify_end_entity_with(ee_der, purpose, pinned_roots()?)
}

/// [`verify_end_entity`] against any set of roots; only those of `purpose` are tried.
///
/// A root counts when it names the certificate's issuer, its key verifies the certificate's
/// signature, and it was valid on the certificate's notBefore (its issue date). Generation-2
/// recognition uses J-LIS's table and the pinned roots' name and key ids.
pub fn verify_end_entity_with(
    ee_der: &[u8],
    purpose: Purpose,
    roots: &[Root],
) -> Result<Genuineness, TrustError> {
    let ee = parse(ee_der)?;
    let issued = ee.validity().not_before;
    let mut signed_out_of_validity = false;
    for root in roots.iter().filter(|r| r.purpose == purpose) {
        let r = parse(&root.der)?;
        if ee.issuer().as_raw() != r.subject().as_raw()
            || ee.verify_signature(Some(r.public_key())).is_err()
        {
            continue;
        }
        let v = r.validity();
        if v.not_before <= issued && issued <= v.not_after {
            return Ok(Genuineness::Genuine {
                purpose,
                generation: root.generation,
            });
        }
        signed_out_of_validity = true;
    }
    if signed_out_of_validity {
        return Ok(Genuineness::DoesNotChain {
            reason: NoChainReason::RootNotValidAtIssue,
        });
    }
    if names_test_hierarchy(ee.issuer()) {
        return Ok(Genuineness::TestHierarchy);
    }
    if issued_like_generation2(&ee, purpose)? {
        return Ok(Genuineness::Generation2Unverifiable { purpose });
    }
    Ok(Genuineness::DoesNotChain {
        reason: NoChainReason::NoRootVerifies,
    })
}

/// J-LIS's name as issuer, issued within generation 2's validity, and an authority key id (if
/// any) that is not a pinned root's: a certificate generation 2 could have signed.
fn issued_like_generation2(ee: &X509Certificate<'_>, purpose: Purpose) -> Result<bool, TrustError> {
    let Some(name) = jlis_name(purpose)? else {
        return Ok(false);
    };
    if ee.issuer().as_raw() != name.as_slice() {
        return Ok(false);
    }
    if let Some(aki) = authority_key_id(ee) {
        for root in pinned_roots()?.iter().filter(|r| r.purpose == purpose) {
            let r = parse(&root.der)?;
            if subject_key_id(&r) == Some(aki) {
                // It claims a key this build holds, and that key did not verify it.
                return Ok(false);
            }
        }
    }
    let issued = day(&ee.validity().not_before);
    Ok(roots::unpinned_generations()
        .any(|info| info.purpose == purpose && info.generation == 2 && within_table(issued, info)))
}
