//! Decoders for the small free records: JPKI token info and certificate availability,
//! the 共通AP card record, 券面AP basic information and card-verifiable certificates.

use serde::{Deserialize, Serialize};

use super::tlv;

/// JPKI EF 0008: which certificates were issued (CF §2.1: `8F` = present; byte 0 sign, byte 1 auth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertAvailability {
    pub signing_certificate_issued: bool,
    pub authentication_certificate_issued: bool,
    pub raw: String,
}

pub fn cert_availability(b: &[u8]) -> Result<CertAvailability, String> {
    let [sign, auth, ..] = *b else {
        return Err(format!("{} bytes, expected 3", b.len()));
    };
    Ok(CertAvailability {
        signing_certificate_issued: sign == 0x8F,
        authentication_certificate_issued: auth == 0x8F,
        raw: hex::encode_upper(b),
    })
}

/// JPKI EF 0006: PKCS#11 CK_TOKEN_INFO (CF §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub label: String,
    /// What the label says the JPKI token is.
    pub token: String,
    pub manufacturer: String,
    pub model: String,
    /// An identifier, masked in reports unless asked.
    pub serial: String,
}

fn ascii_field(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if (0x20..0x7F).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// Classifies a JPKI token label (CF §2.1).
pub fn token_kind(label: &str) -> &'static str {
    match label {
        "JPKIAPICCTOKEN2" => "My Number Card (card JPKI)",
        "JPKIAPGPSETOKEN" => "smartphone JPKI (Android)",
        "JPKIAPIOSTOKEN" => "smartphone JPKI (iPhone)",
        "JPKIAPICCTOKEN" => "住基カード (Basic Resident Registration Card)",
        _ => "unrecognised token label",
    }
}

pub fn token_info(b: &[u8]) -> Result<TokenInfo, String> {
    if b.len() < 32 {
        return Err(format!("{} bytes, too short for a token label", b.len()));
    }
    let field = |r: std::ops::Range<usize>| b.get(r).map(ascii_field).unwrap_or_default();
    let label = field(0..32);
    Ok(TokenInfo {
        token: token_kind(&label).to_string(),
        manufacturer: field(32..64),
        model: field(64..80),
        serial: field(80..96),
        label,
    })
}

/// 共通AP EF 0001 record 1: `01 1C` + serial(15) + municipality(5) + expiry YYYYMMDD (CF §2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInfo {
    /// An identifier, masked in reports unless asked.
    pub card_serial: String,
    pub municipality_code: String,
    pub card_expiry: String,
}

pub fn card_info(b: &[u8]) -> Result<CardInfo, String> {
    let digits = match b {
        [0x01, 0x1C, rest @ ..] if rest.len() >= 28 => rest.get(..28).unwrap_or_default(),
        _ => {
            return Err(format!(
                "expected 01 1C and 28 digits, got {} bytes",
                b.len()
            ));
        }
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err("card record is not all digits".into());
    }
    let s = String::from_utf8_lossy(digits);
    let part = |r: std::ops::Range<usize>| s.get(r).unwrap_or_default();
    Ok(CardInfo {
        card_serial: part(0..15).to_string(),
        municipality_code: part(15..20).to_string(),
        card_expiry: format!("{}-{}-{}", part(20..24), part(24..26), part(26..28)),
    })
}

/// 券面AP basic information, visual `FF 30` / text `FF 40` (CF §2.2, §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApBasicInfo {
    /// AP identification bytes (DF31 / DF41), hex.
    pub ap_id: Option<String>,
    /// Key identifier (DF32 / DF42), printable part.
    pub key_id: Option<String>,
    /// Visual AP only: 全国地方公共団体コード (DF34).
    pub municipality_code: Option<String>,
}

impl ApBasicInfo {
    /// The fields present, labelled, for the renderers (`AP id …`, `key id …`, ...).
    pub fn labelled(&self) -> Vec<String> {
        [
            ("AP id", &self.ap_id),
            ("key id", &self.key_id),
            (
                "municipality code (全国地方公共団体コード)",
                &self.municipality_code,
            ),
        ]
        .into_iter()
        .filter_map(|(label, v)| v.as_ref().map(|v| format!("{label} {v}")))
        .collect()
    }
}

pub fn ap_basic_info(b: &[u8]) -> Result<ApBasicInfo, String> {
    let (outer, _) = tlv::one(b).map_err(|e| e.to_string())?;
    let base = match outer.tag {
        0xFF30 => 0xDF30,
        0xFF40 => 0xDF40,
        t => return Err(format!("unexpected tag {t:X}")),
    };
    let items = tlv::list(outer.value).map_err(|e| e.to_string())?;
    let key_id = tlv::find(&items, base + 2)
        .map(|v| ascii_field(v).trim_end_matches('.').trim().to_string());
    Ok(ApBasicInfo {
        ap_id: tlv::find(&items, base + 1).map(hex::encode_upper),
        key_id,
        municipality_code: if base == 0xDF30 {
            tlv::find(&items, 0xDF34).map(ascii_field)
        } else {
            None
        },
    })
}

/// Card-verifiable certificate `7F 21` { `5F 4E` body, `5F 37` signature } (CF §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvCertificate {
    pub issuer_key_id: String,
    pub subject_key_id: String,
    pub key_bits: Option<usize>,
}

pub fn cv_certificate(b: &[u8]) -> Result<CvCertificate, String> {
    let (outer, _) = tlv::one(b).map_err(|e| e.to_string())?;
    if outer.tag != 0x7F21 {
        return Err(format!("unexpected tag {:X}", outer.tag));
    }
    let items = tlv::list(outer.value).map_err(|e| e.to_string())?;
    let body = tlv::find(&items, 0x5F4E).ok_or("no 5F4E body")?;
    let (Some(issuer), Some(subject), Some(rest)) =
        (body.get(..16), body.get(16..32), body.get(32..))
    else {
        return Err("5F4E body too short".into());
    };
    let key = tlv::list(rest).map_err(|e| e.to_string())?;
    let key_bits = tlv::find(&key, 0x91).map(|m| {
        let m = m.iter().skip_while(|&&b| b == 0).count();
        m * 8
    });
    let id = |r: &[u8]| ascii_field(r).trim_end_matches(['.', ' ']).to_string();
    Ok(CvCertificate {
        issuer_key_id: id(issuer),
        subject_key_id: id(subject),
        key_bits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_availability_bytes() {
        // "8F 8F 00 on a card carrying both" (myna-card, CF §7.2).
        let both = cert_availability(&[0x8F, 0x8F, 0x00]).unwrap();
        assert!(both.signing_certificate_issued && both.authentication_certificate_issued);
        let minor = cert_availability(&[0x00, 0x8F, 0x00]).unwrap();
        assert!(!minor.signing_certificate_issued && minor.authentication_certificate_issued);
        assert!(cert_availability(&[0x8F]).is_err());
    }

    #[test]
    fn common_card_record_from_the_test_card() {
        // myna-card's JPKI test card record, byte for byte (CF §7.2).
        let rec = b"\x01\x1c4000000127198431322120350217";
        let info = card_info(rec).unwrap();
        assert_eq!(info.card_serial, "400000012719843");
        assert_eq!(info.municipality_code, "13221");
        assert_eq!(info.card_expiry, "2035-02-17");
        assert!(card_info(b"\x01\x1c40000001271984313221203502").is_err());
        assert!(card_info(b"\x01\x1c40000001271984313221203502XX").is_err());
    }

    #[test]
    fn token_labels() {
        let mut b = vec![b' '; 160];
        b[..15].copy_from_slice(b"JPKIAPICCTOKEN2");
        b[80..96].copy_from_slice(b"0000000020500003");
        let t = token_info(&b).unwrap();
        assert_eq!(t.label, "JPKIAPICCTOKEN2");
        assert_eq!(t.token, "My Number Card (card JPKI)");
        assert_eq!(t.serial, "0000000020500003");
        assert_eq!(token_kind("JPKIAPGPSETOKEN"), "smartphone JPKI (Android)");
        assert!(token_info(&b[..10]).is_err());
    }

    #[test]
    fn visual_basic_info_municipality() {
        // FF30 { DF31 06 03 0E 01 (CF §7.2), DF34 "13221" } then filler.
        let b = [
            0xFF, 0x30, 0x0F, 0xDF, 0x31, 0x04, 0x06, 0x03, 0x0E, 0x01, 0xDF, 0x34, 0x05, b'1',
            b'3', b'2', b'2', b'1', 0xFF, 0xFF,
        ];
        let info = ap_basic_info(&b).unwrap();
        assert_eq!(info.ap_id.as_deref(), Some("06030E01"));
        assert_eq!(info.municipality_code.as_deref(), Some("13221"));
        assert!(ap_basic_info(&[0xFF, 0x30, 0x10, 0xDF]).is_err());
    }

    #[test]
    fn text_basic_info_key_id() {
        // DF41 01 03 0E 01 and DF42 "6000034/001" (myna-card tests, CF §7.2).
        let mut v = vec![0xDF, 0x41, 0x04, 0x01, 0x03, 0x0E, 0x01, 0xDF, 0x42, 0x10];
        v.extend_from_slice(b"6000034/001     ");
        let mut b = vec![0xFF, 0x40, v.len() as u8];
        b.extend(v);
        let info = ap_basic_info(&b).unwrap();
        assert_eq!(info.ap_id.as_deref(), Some("01030E01"));
        assert_eq!(info.key_id.as_deref(), Some("6000034/001"));
        assert_eq!(info.municipality_code, None);
    }

    #[test]
    fn cv_certificate_layout() {
        let mut body = Vec::new();
        body.extend_from_slice(b"6000033         ");
        body.extend_from_slice(b"SUBJECT-KEY-ID  ");
        body.extend_from_slice(&[0x90, 0x03, 0x01, 0x00, 0x01, 0x91, 0x82, 0x01, 0x00]);
        body.extend(std::iter::repeat_n(0xAB, 256));
        let mut inner = vec![0x5F, 0x4E, 0x82, 0x01, 0x29];
        inner.extend(body);
        inner.extend_from_slice(&[0x5F, 0x37, 0x82, 0x01, 0x00]);
        inner.extend(std::iter::repeat_n(0, 256));
        let mut cert = vec![0x7F, 0x21, 0x82, 0x02, 0x33];
        cert.extend(inner);
        assert_eq!(cert.len(), 568);
        let cv = cv_certificate(&cert).unwrap();
        assert_eq!(cv.issuer_key_id, "6000033");
        assert_eq!(cv.key_bits, Some(2048));
        assert!(cv_certificate(&cert[..100]).is_err());
    }
}
