//! Where the values that identify a card (and so its holder) sit in the freely readable
//! objects: the redactor replaces them, `--trace` masks them, `fixture check` verifies
//! that a redacted fixture holds only declared replacements there.

use std::ops::Range;

use super::context::ObjectId;
use super::der;
use crate::chipmap::{COMMON, JPKI, VISUAL};
use crate::decode::tlv;

/// What kind of identifying value a span holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdKind {
    /// GET DATA 0045: card identification number (card-facts §2.6).
    CardId,
    /// 全国地方公共団体コード: GET DATA 00F0, 共通AP EF 0001, visual AP EF 0003 DF34 (§2.3, §2.5, §2.6).
    MunicipalityCode,
    /// 共通AP EF 0001 record 1: the 15-digit card serial (§2.5).
    CardSerial,
    /// JPKI-AP EF 0006 bytes 80..96: the token serialNumber (§4.5).
    TokenSerial,
    /// JPKI-AP EF 000A: the authentication certificate's serial number.
    AuthCertSerial,
    /// JPKI-AP EF 000A: the subject common name, a number identifying the holder (§2.1).
    AuthCertCn,
    /// JPKI-AP EF 000A: RSA modulus, SubjectKeyIdentifier and signature: unique to the
    /// holder's certificate, so they identify it as surely as its serial does.
    AuthCertKey,
}

impl IdKind {
    /// The stable key used in `redacted:` fixture headers.
    pub fn key(self) -> &'static str {
        match self {
            IdKind::CardId => "card-id",
            IdKind::MunicipalityCode => "municipality-code",
            IdKind::CardSerial => "card-serial",
            IdKind::TokenSerial => "token-serial",
            IdKind::AuthCertSerial => "auth-cert-serial",
            IdKind::AuthCertCn => "auth-cert-cn",
            IdKind::AuthCertKey => "auth-certificate",
        }
    }

    pub fn from_key(key: &str) -> Option<IdKind> {
        IdKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub const ALL: [IdKind; 7] = [
        IdKind::CardId,
        IdKind::MunicipalityCode,
        IdKind::CardSerial,
        IdKind::TokenSerial,
        IdKind::AuthCertSerial,
        IdKind::AuthCertCn,
        IdKind::AuthCertKey,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IdKind::CardId => "card identification number (GET DATA 0045)",
            IdKind::MunicipalityCode => {
                "municipality code 全国地方公共団体コード (GET DATA 00F0, 共通AP EF 0001, visual AP EF 0003 DF34)"
            }
            IdKind::CardSerial => "card serial (共通AP EF 0001 record 1)",
            IdKind::TokenSerial => "JPKI token serial (JPKI-AP EF 0006 bytes 80..96)",
            IdKind::AuthCertSerial => {
                "authentication certificate serial number (JPKI-AP EF 000A), hex"
            }
            IdKind::AuthCertCn => "authentication certificate subject CN (JPKI-AP EF 000A)",
            IdKind::AuthCertKey => {
                "authentication certificate (JPKI-AP EF 000A): public key, key identifier and signature \
                 replaced by synthetic bytes; its signature no longer verifies"
            }
        }
    }

    /// Values shown as text (ASCII on the card); the rest are binary.
    pub fn is_text(self) -> bool {
        !matches!(self, IdKind::AuthCertSerial | IdKind::AuthCertKey)
    }

    /// Bytes replaced wholesale, with no value to map consistently.
    pub fn is_blob(self) -> bool {
        self == IdKind::AuthCertKey
    }
}

/// One identifying value: its byte range within the object, and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub kind: IdKind,
}

fn span(range: Range<usize>, kind: IdKind) -> Span {
    Span { range, kind }
}

/// The identifying spans of an object, from its first bytes (`prefix`, possibly not all of
/// it). Spans may reach past the prefix. An error means the object does not have the
/// structure the chip map gives it, so where its identifiers are is unknown.
pub fn locate(object: &ObjectId, prefix: &[u8]) -> Result<Vec<Span>, String> {
    match object {
        o if o.is_ef(&JPKI, 0x000A) => auth_certificate(prefix),
        // CK_TOKEN_INFO serialNumber[80..96] (card-facts §4.5).
        o if o.is_ef(&JPKI, 0x0006) => Ok(vec![span(80..96, IdKind::TokenSerial)]),
        o if o.is_ef(&VISUAL, 0x0003) => visual_basic_info(prefix),
        ObjectId::Record {
            df: Some(df),
            ef: [0x00, 0x01],
            record: 1,
        } if df.as_slice() == COMMON.aid => common_card_info(prefix),
        // MF GET DATA objects (card-facts §2.6): the whole value.
        ObjectId::Data { tag: 0x0045, .. } => Ok(vec![span(0..prefix.len(), IdKind::CardId)]),
        ObjectId::Data { tag: 0x00F0, .. } => {
            Ok(vec![span(0..prefix.len(), IdKind::MunicipalityCode)])
        }
        _ => Ok(Vec::new()),
    }
}

fn auth_certificate(prefix: &[u8]) -> Result<Vec<Span>, String> {
    let f = der::cert_fields(prefix)?;
    let mut out = Vec::new();
    out.extend(f.serial.map(|r| span(r, IdKind::AuthCertSerial)));
    out.extend(
        f.subject_cn
            .into_iter()
            .map(|r| span(r, IdKind::AuthCertCn)),
    );
    for r in [f.key, f.key_id, f.signature].into_iter().flatten() {
        out.push(span(r, IdKind::AuthCertKey));
    }
    Ok(out)
}

/// `01 1C` + serial(15) + municipality(5) + expiry(8) (card-facts §2.5).
fn common_card_info(prefix: &[u8]) -> Result<Vec<Span>, String> {
    match prefix {
        [] | [0x01] | [0x01, 0x1C, ..] => Ok(vec![
            span(2..17, IdKind::CardSerial),
            span(17..22, IdKind::MunicipalityCode),
        ]),
        _ => Err(format!(
            "expected the card record to start 01 1C, found {}",
            hex::encode_upper(&prefix[..prefix.len().min(2)])
        )),
    }
}

/// `FF 30` { DF31, DF32, DF33, DF34 municipality code, DF35 } (card-facts §2.3).
fn visual_basic_info(prefix: &[u8]) -> Result<Vec<Span>, String> {
    let outer = match tlv::header(prefix) {
        Ok(h) => h,
        Err(tlv::TlvError::Truncated(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e.to_string()),
    };
    if outer.tag != 0xFF30 {
        return Err(format!("expected tag FF30, found {:X}", outer.tag));
    }
    let mut pos = outer.header_len;
    let end = outer.total();
    while pos < end {
        let h = match prefix.get(pos..).map(tlv::header) {
            Some(Ok(h)) => h,
            Some(Err(tlv::TlvError::Truncated(_))) | None => break,
            Some(Err(e)) => return Err(format!("at byte {pos}: {e}")),
        };
        if h.tag == 0xDF34 {
            return Ok(vec![span(
                pos + h.header_len..pos + h.total(),
                IdKind::MunicipalityCode,
            )]);
        }
        pos += h.total();
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ef(app: &crate::chipmap::AppSpec, ef: u16) -> ObjectId {
        ObjectId::Binary {
            df: Some(app.aid.to_vec()),
            ef: ef.to_be_bytes(),
        }
    }

    #[test]
    fn token_serial_is_bytes_80_to_96() {
        let spans = locate(&ef(&JPKI, 0x0006), &[0x20; 10]).unwrap();
        assert_eq!(spans, vec![span(80..96, IdKind::TokenSerial)]);
    }

    #[test]
    fn common_record_serial_and_municipality() {
        // The JPKI test card's record (card-facts §7.2, MYNACARD src/ap/common.rs).
        let rec = b"\x01\x1c4000000127198431322120350217";
        let obj = ObjectId::Record {
            df: Some(COMMON.aid.to_vec()),
            ef: [0x00, 0x01],
            record: 1,
        };
        let spans = locate(&obj, rec).unwrap();
        assert_eq!(&rec[spans[0].range.clone()], b"400000012719843");
        assert_eq!(&rec[spans[1].range.clone()], b"13221");
        assert!(locate(&obj, b"\x02\x1c").is_err());
    }

    #[test]
    fn visual_basic_info_municipality() {
        let mut v = vec![0xFF, 0x30, 0x11];
        v.extend([0xDF, 0x31, 0x04, 0x06, 0x03, 0x0E, 0x01]);
        v.extend([0xDF, 0x34, 0x05]);
        v.extend(b"13101");
        v.extend([0xFF, 0xFF]);
        let spans = locate(&ef(&VISUAL, 0x0003), &v).unwrap();
        assert_eq!(spans.len(), 1);
        assert_eq!(&v[spans[0].range.clone()], b"13101");
        assert!(locate(&ef(&VISUAL, 0x0003), &[0xFF, 0x40, 0x00]).is_err());
    }

    #[test]
    fn get_data_values_at_any_level() {
        let obj = ObjectId::Data {
            df: None,
            tag: 0x45,
        };
        assert_eq!(
            locate(&obj, b"ABCD").unwrap(),
            vec![span(0..4, IdKind::CardId)]
        );
        let other = ObjectId::Data {
            df: None,
            tag: 0xF2,
        };
        assert!(locate(&other, b"20340401").unwrap().is_empty());
    }

    #[test]
    fn auth_certificate_spans() {
        let der = crate::privacy::der::tests_support::tiny_cert();
        let spans = locate(&ef(&JPKI, 0x000A), &der).unwrap();
        let kinds: Vec<IdKind> = spans.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                IdKind::AuthCertSerial,
                IdKind::AuthCertCn,
                IdKind::AuthCertKey,
                IdKind::AuthCertKey,
                IdKind::AuthCertKey
            ]
        );
        // The CA certificate in EF 000B is the same on every card: nothing to hide.
        assert!(locate(&ef(&JPKI, 0x000B), &der).unwrap().is_empty());
    }

    #[test]
    fn keys_round_trip() {
        for k in IdKind::ALL {
            assert_eq!(IdKind::from_key(k.key()), Some(k));
        }
    }
}
