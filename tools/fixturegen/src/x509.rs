//! Synthetic X.509 v3 certificates (RFC 5280) written with [`crate::der`] and signed with
//! sha256WithRSAEncryption (RFC 4055; PKCS #1 v1.5, which is deterministic), so a verifier
//! can check that a card's auth certificate chains to the synthetic CA certificate.

use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::date::Date;
use crate::der;

const OID_RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
const OID_COUNTRY: &[u64] = &[2, 5, 4, 6];
const OID_ORGANIZATION: &[u64] = &[2, 5, 4, 10];
const OID_ORG_UNIT: &[u64] = &[2, 5, 4, 11];
const OID_COMMON_NAME: &[u64] = &[2, 5, 4, 3];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];

/// One attribute of a distinguished name.
#[derive(Debug, Clone, Copy)]
pub enum Rdn<'a> {
    Country(&'a str),
    Organization(&'a str),
    OrgUnit(&'a str),
    CommonName(&'a str),
}

/// A distinguished name, most significant RDN first (`C=JP, O=…, OU=…`).
pub fn name(rdns: &[Rdn<'_>]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = rdns
        .iter()
        .map(|rdn| {
            let (oid, value) = match *rdn {
                Rdn::Country(v) => (OID_COUNTRY, der::printable(v)),
                Rdn::Organization(v) => (OID_ORGANIZATION, der::printable(v)),
                Rdn::OrgUnit(v) => (OID_ORG_UNIT, der::printable(v)),
                Rdn::CommonName(v) => (OID_COMMON_NAME, der::printable(v)),
            };
            der::set(&[der::seq(&[der::oid(oid), value])])
        })
        .collect();
    der::seq(&parts)
}

/// The DER `RSAPublicKey` (RFC 8017 A.1.1) that a subjectPublicKeyInfo's BIT STRING wraps.
fn rsa_public_key(key: &RsaPublicKey) -> Vec<u8> {
    der::seq(&[
        der::uint(&key.n().to_bytes_be()),
        der::uint(&key.e().to_bytes_be()),
    ])
}

/// subjectPublicKeyInfo for an RSA key (RFC 3279 §2.3.1).
pub fn spki(key: &RsaPublicKey) -> Vec<u8> {
    der::seq(&[
        der::seq(&[der::oid(OID_RSA_ENCRYPTION), der::null()]),
        der::bit_string(&rsa_public_key(key), 0),
    ])
}

/// Key identifier: the leftmost 160 bits of SHA-256 of the subjectPublicKey BIT STRING value
/// (RFC 7093 §2, method 1).
pub fn key_id(key: &RsaPublicKey) -> Vec<u8> {
    Sha256::digest(rsa_public_key(key))[..20].to_vec()
}

fn extension(oid: &[u64], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![der::oid(oid)];
    if critical {
        parts.push(der::boolean(true));
    }
    parts.push(der::octet_string(&value));
    der::seq(&parts)
}

/// What a certificate says; [`build`] encodes and signs it.
pub struct Tbs<'a> {
    /// Positive serial number, big-endian.
    pub serial: &'a [u8],
    pub issuer: Vec<u8>,
    pub subject: Vec<u8>,
    /// notBefore is 00:00:00Z on this date.
    pub not_before: Date,
    /// notAfter is 14:59:59Z on this date, i.e. 23:59:59 JST, so the date reads the same in
    /// UTC and in Japan.
    pub not_after: Date,
    pub subject_key: &'a RsaPublicKey,
    pub issuer_key_id: Vec<u8>,
    pub ca: bool,
}

/// Encode `tbs` as a v3 certificate and sign it with `signer`.
///
/// Extensions: keyUsage (critical; digitalSignature for an end entity, keyCertSign|cRLSign
/// for a CA), basicConstraints CA:TRUE (critical, CAs only: an end entity has none),
/// subjectKeyIdentifier and authorityKeyIdentifier.
pub fn build(tbs: &Tbs<'_>, signer: &RsaPrivateKey) -> Result<Vec<u8>, rsa::Error> {
    let sig_alg = der::seq(&[der::oid(OID_SHA256_WITH_RSA), der::null()]);
    let validity = der::seq(&[
        der::utc_time(tbs.not_before, 0, 0, 0),
        der::utc_time(tbs.not_after, 14, 59, 59),
    ]);

    let mut extensions = Vec::new();
    if tbs.ca {
        extensions.push(extension(
            OID_BASIC_CONSTRAINTS,
            true,
            der::seq(&[der::boolean(true)]),
        ));
        // keyCertSign (bit 5) and cRLSign (bit 6): 0000 0110, one unused bit.
        extensions.push(extension(OID_KEY_USAGE, true, der::bit_string(&[0x06], 1)));
    } else {
        // digitalSignature (bit 0): 1000 0000, seven unused bits.
        extensions.push(extension(OID_KEY_USAGE, true, der::bit_string(&[0x80], 7)));
    }
    extensions.push(extension(
        OID_SUBJECT_KEY_ID,
        false,
        der::octet_string(&key_id(tbs.subject_key)),
    ));
    extensions.push(extension(
        OID_AUTHORITY_KEY_ID,
        false,
        der::seq(&[der::implicit_primitive(0, &tbs.issuer_key_id)]),
    ));

    let tbs_der = der::seq(&[
        der::explicit(0, &der::small_uint(2)), // v3
        der::uint(tbs.serial),
        sig_alg.clone(),
        tbs.issuer.clone(),
        validity,
        tbs.subject.clone(),
        spki(tbs.subject_key),
        der::explicit(3, &der::seq(&extensions)),
    ]);
    let digest = Sha256::digest(&tbs_der);
    let signature = signer.sign(Pkcs1v15Sign::new::<Sha256>(), &digest)?;
    Ok(der::seq(&[
        tbs_der,
        sig_alg,
        der::bit_string(&signature, 0),
    ]))
}
