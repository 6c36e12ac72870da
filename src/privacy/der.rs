//! Where the holder-identifying fields of an X.509 certificate sit, as byte ranges of its
//! DER, found from a prefix of the certificate (a trace sees it one READ BINARY chunk at a
//! time; headers always come before the values they describe).

use std::ops::Range;

use crate::decode::tlv::{self, TlvError};

/// One DER node: its tag and where its header and value are in the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    tag: u32,
    start: usize,
    value: usize,
    end: usize,
}

/// The node at `pos`; `Ok(None)` when the buffer ends inside its header.
fn node(buf: &[u8], pos: usize) -> Result<Option<Node>, String> {
    let Some(rest) = buf.get(pos..) else {
        return Ok(None);
    };
    match tlv::header(rest) {
        Ok(h) => Ok(Some(Node {
            tag: h.tag,
            start: pos,
            value: pos + h.header_len,
            end: pos + h.total(),
        })),
        Err(TlvError::Truncated(_)) => Ok(None),
        Err(e) => Err(format!("bad DER at byte {pos}: {e}")),
    }
}

/// The children of a constructed node, as far as the buffer shows them.
fn children(buf: &[u8], parent: Node) -> Result<Vec<Node>, String> {
    let mut out = Vec::new();
    let mut pos = parent.value;
    while pos < parent.end {
        let Some(n) = node(buf, pos)? else { break };
        if n.end > parent.end {
            return Err(format!("DER node at byte {pos} overruns its parent"));
        }
        out.push(n);
        pos = n.end;
    }
    Ok(out)
}

fn expect(n: Node, tag: u32, what: &str) -> Result<Node, String> {
    if n.tag == tag {
        Ok(n)
    } else {
        Err(format!(
            "{what}: expected tag {tag:02X}, found {:02X} at byte {}",
            n.tag, n.start
        ))
    }
}

/// The identifying fields of one certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertFields {
    /// Content of the serialNumber INTEGER.
    pub serial: Option<Range<usize>>,
    /// Content of each subject commonName value.
    pub subject_cn: Vec<Range<usize>>,
    /// The RSA modulus without its sign byte and first significant byte (the key size stays).
    pub key: Option<Range<usize>>,
    /// Content of the SubjectKeyIdentifier (a hash of the key).
    pub key_id: Option<Range<usize>>,
    /// The signature bits (after the unused-bits byte).
    pub signature: Option<Range<usize>>,
}

const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_SKI: &[u8] = &[0x55, 0x1D, 0x0E];

/// Finds the identifying fields of the certificate at the start of `buf` (which may be only
/// its first bytes). Errors mean the bytes are not a certificate's DER.
pub fn cert_fields(buf: &[u8]) -> Result<CertFields, String> {
    let mut f = CertFields::default();
    let Some(cert) = node(buf, 0)? else {
        return Ok(f);
    };
    let cert = expect(cert, 0x30, "certificate")?;
    let top = children(buf, cert)?;
    let Some(tbs) = top.first() else {
        return Ok(f);
    };
    let tbs = expect(*tbs, 0x30, "tbsCertificate")?;
    let mut fields = children(buf, tbs)?.into_iter().peekable();
    if fields.peek().is_some_and(|n| n.tag == 0xA0) {
        fields.next(); // version
    }
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, then the
    // optional [1] [2] unique identifiers and [3] extensions (RFC 5280 §4.1).
    let order = [
        "serial",
        "signature",
        "issuer",
        "validity",
        "subject",
        "spki",
    ];
    for (i, n) in fields.by_ref().take(order.len()).enumerate() {
        match order[i] {
            "serial" => f.serial = Some(expect(n, 0x02, "serialNumber")?.value..n.end),
            "subject" => f.subject_cn = common_names(buf, expect(n, 0x30, "subject")?)?,
            "spki" => f.key = modulus(buf, expect(n, 0x30, "subjectPublicKeyInfo")?)?,
            _ => {}
        }
    }
    for n in fields {
        if n.tag == 0xA3 {
            f.key_id = key_id(buf, n)?;
        }
    }
    if let Some(sig) = top.get(2) {
        let sig = expect(*sig, 0x03, "signatureValue")?;
        f.signature = Some((sig.value + 1).min(sig.end)..sig.end);
    }
    Ok(f)
}

fn oid_is(buf: &[u8], n: Node, oid: &[u8]) -> bool {
    n.tag == 0x06 && buf.get(n.value..n.end) == Some(oid)
}

/// Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }.
fn common_names(buf: &[u8], name: Node) -> Result<Vec<Range<usize>>, String> {
    let mut out = Vec::new();
    for set in children(buf, name)? {
        for atv in children(buf, expect(set, 0x31, "RDN")?)? {
            let parts = children(buf, expect(atv, 0x30, "AttributeTypeAndValue")?)?;
            if let [oid, value, ..] = parts.as_slice() {
                if oid_is(buf, *oid, OID_CN) {
                    out.push(value.value..value.end);
                }
            }
        }
    }
    Ok(out)
}

/// SubjectPublicKeyInfo { algorithm, BIT STRING { RSAPublicKey { modulus, exponent } } }.
fn modulus(buf: &[u8], spki: Node) -> Result<Option<Range<usize>>, String> {
    let parts = children(buf, spki)?;
    let Some(bits) = parts.get(1) else {
        return Ok(None);
    };
    let bits = expect(*bits, 0x03, "subjectPublicKey")?;
    // Skip the unused-bits byte; an EC key is a bare point, not a SEQUENCE: leave it.
    let Some(rsa) = node(buf, bits.value + 1)? else {
        return Ok(None);
    };
    if rsa.tag != 0x30 {
        return Ok(Some(bits.value + 1..bits.end));
    }
    let Some(m) = node(buf, rsa.value)? else {
        return Ok(None);
    };
    let m = expect(m, 0x02, "modulus")?;
    // Keep the sign byte and the first significant byte so the key size is unchanged.
    let keep = match buf.get(m.value) {
        Some(0x00) => 2,
        _ => 1,
    };
    Ok(Some((m.value + keep).min(m.end)..m.end))
}

/// extensions [3] { SEQUENCE OF Extension { OID, critical?, OCTET STRING } }.
fn key_id(buf: &[u8], ext: Node) -> Result<Option<Range<usize>>, String> {
    let Some(list) = children(buf, ext)?.first().copied() else {
        return Ok(None);
    };
    for e in children(buf, expect(list, 0x30, "extensions")?)? {
        let parts = children(buf, expect(e, 0x30, "extension")?)?;
        if parts.first().is_some_and(|o| oid_is(buf, *o, OID_SKI)) {
            if let Some(octets) = parts.last() {
                // The extnValue wraps KeyIdentifier ::= OCTET STRING.
                if let Some(inner) = node(buf, octets.value)? {
                    return Ok(Some(inner.value..inner.end));
                }
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// A tiny certificate-shaped DER built by hand: serial 0x1234, subject C=JP, CN=AB12,
    /// an RSA "key" with modulus 00 C1 C2 C3, an SKI of 4 bytes and a 3-byte signature.
    pub fn tiny_cert() -> Vec<u8> {
        let seq = |tag: u8, parts: &[&[u8]]| {
            let body: Vec<u8> = parts.concat();
            let mut v = vec![tag, body.len() as u8];
            v.extend(body);
            v
        };
        let serial = seq(0x02, &[&[0x12, 0x34]]);
        let alg = seq(0x30, &[&[0x06, 0x01, 0x2A]]);
        let c = seq(
            0x31,
            &[&seq(
                0x30,
                &[&[0x06, 0x03, 0x55, 0x04, 0x06], &[0x13, 0x02, b'J', b'P']],
            )],
        );
        let cn = seq(
            0x31,
            &[&seq(
                0x30,
                &[
                    &[0x06, 0x03, 0x55, 0x04, 0x03],
                    &[0x13, 0x04, b'A', b'B', b'1', b'2'],
                ],
            )],
        );
        let subject = seq(0x30, &[&c, &cn]);
        let issuer = seq(0x30, &[&c]);
        let validity = seq(0x30, &[]);
        let rsa = seq(
            0x30,
            &[&[0x02, 0x04, 0x00, 0xC1, 0xC2, 0xC3], &[0x02, 0x01, 0x03]],
        );
        let bits = seq(0x03, &[&[0x00], &rsa]);
        let spki = seq(0x30, &[&alg, &bits]);
        let ski = seq(
            0x30,
            &[
                &[0x06, 0x03, 0x55, 0x1D, 0x0E],
                &seq(0x04, &[&[0x04, 0x04, 9, 9, 9, 9]]),
            ],
        );
        let exts = seq(0xA3, &[&seq(0x30, &[&ski])]);
        let version = seq(0xA0, &[&[0x02, 0x01, 0x02]]);
        let tbs = seq(
            0x30,
            &[
                &version, &serial, &alg, &issuer, &validity, &subject, &spki, &exts,
            ],
        );
        let sig = seq(0x03, &[&[0x00, 0xEE, 0xEE, 0xEE]]);
        seq(0x30, &[&tbs, &alg, &sig])
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::tiny_cert;
    use super::*;

    #[test]
    fn finds_every_identifying_field() {
        let der = tiny_cert();
        let f = cert_fields(&der).unwrap();
        let at = |r: &Option<Range<usize>>| der[r.clone().unwrap()].to_vec();
        assert_eq!(at(&f.serial), vec![0x12, 0x34]);
        assert_eq!(f.subject_cn.len(), 1);
        assert_eq!(&der[f.subject_cn[0].clone()], b"AB12");
        assert_eq!(at(&f.key), vec![0xC2, 0xC3]);
        assert_eq!(at(&f.key_id), vec![9, 9, 9, 9]);
        assert_eq!(at(&f.signature), vec![0xEE, 0xEE, 0xEE]);
    }

    #[test]
    fn a_prefix_gives_the_fields_it_reaches() {
        let der = tiny_cert();
        let full = cert_fields(&der).unwrap();
        let cn_end = full.subject_cn[0].end;
        let part = cert_fields(&der[..cn_end - 2]).unwrap();
        assert_eq!(part.serial, full.serial);
        // The CN's header is known, so its whole range is, even before its last bytes.
        assert_eq!(part.subject_cn, full.subject_cn);
        assert_eq!(part.signature, None);
        assert_eq!(cert_fields(&der[..1]).unwrap(), CertFields::default());
    }

    #[test]
    fn not_a_certificate_is_an_error() {
        assert!(cert_fields(&[0x04, 0x02, 0x00, 0x00]).is_err());
        assert!(cert_fields(b"JPKIAPICCTOKEN2 ").is_err());
    }
}
