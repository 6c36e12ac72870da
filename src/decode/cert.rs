//! X.509 certificate summaries (the JPKI certificates, CF §2.1) via `x509-parser`.

use ::time::Date;
use serde::{Deserialize, Serialize};
use x509_parser::prelude::*;

/// What the report says about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    /// Hex; an identifier, masked in reports unless asked.
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub key_algorithm: String,
    pub key_bits: Option<usize>,
    pub signature_algorithm: String,
}

/// A parsed certificate, with the dates the audit computes with.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub summary: CertSummary,
    pub not_after: Date,
    /// The subject's common name (for the auth certificate, a number identifying the holder).
    pub subject_cn: Option<String>,
}

fn date(t: &ASN1Time) -> Date {
    t.to_datetime().date()
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses a DER certificate. Trailing bytes after the certificate are an error.
pub fn parse(der: &[u8]) -> Result<Parsed, String> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    if !rest.is_empty() {
        return Err(format!("{} bytes after the certificate", rest.len()));
    }
    let (key_algorithm, key_bits) = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            ("RSA".to_string(), Some(rsa.key_size()))
        }
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => ("EC".to_string(), Some(ec.key_size())),
        Ok(_) => (cert.public_key().algorithm.algorithm.to_id_string(), None),
        Err(_) => ("unparsed".to_string(), None),
    };
    let sig_oid = &cert.signature_algorithm.algorithm;
    let signature_algorithm = oid_registry::OidRegistry::default()
        .with_crypto()
        .get(sig_oid)
        .map(|e| e.sn().to_string())
        .unwrap_or_else(|| sig_oid.to_id_string());
    let subject_cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string);
    let not_after = date(&cert.validity().not_after);
    Ok(Parsed {
        summary: CertSummary {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: hex::encode_upper(cert.raw_serial()),
            not_before: iso(date(&cert.validity().not_before)),
            not_after: iso(not_after),
            key_algorithm,
            key_bits,
            signature_algorithm,
        },
        not_after,
        subject_cn,
    })
}

/// Whether `cert_der` names `ca_der`'s subject as issuer and carries a signature that
/// `ca_der`'s public key verifies.
pub fn chains_to(cert_der: &[u8], ca_der: &[u8]) -> Result<bool, String> {
    let (_, cert) = X509Certificate::from_der(cert_der).map_err(|e| e.to_string())?;
    let (_, ca) = X509Certificate::from_der(ca_der).map_err(|e| e.to_string())?;
    if cert.issuer().as_raw() != ca.subject().as_raw() {
        return Ok(false);
    }
    Ok(cert.verify_signature(Some(ca.public_key())).is_ok())
}

/// ISO date text for reports.
pub fn iso_date(d: Date) -> String {
    iso(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(&[]).is_err());
        assert!(parse(&[0x30, 0x82, 0x05, 0x20]).is_err());
        assert!(parse(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(chains_to(&[0x30], &[0x30]).is_err());
    }
}
