//! The bytes of the files a finder can read, built to the layouts card-facts describes.
//! Opaque parts (keys and signatures inside 券面AP records) are deterministic filler.

use crate::der;
use crate::keys;

/// A 16-byte key identifier: ASCII such as `6000034/001`, then `00` padding
/// (card-facts §2.2 EF 0004/0005). The `6…` numbers are the JPKI *test* hierarchy's, which
/// suits a synthetic card; real cards carry `5…` (card-facts §2.2).
pub fn key_id(text: &str) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.resize(16, 0x00);
    out
}

fn padded(text: &str, width: usize) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.resize(width, b' ');
    out
}

/// JPKI-AP EF 0006: PKCS #11 `CK_TOKEN_INFO`, 160 bytes, ULONGs big-endian (card-facts §4.5).
pub fn token_info(serial: &str) -> Vec<u8> {
    // The physical card's label (card-facts §2.1, EF 0006).
    let mut out = padded("JPKIAPICCTOKEN2", 32);
    out.extend(padded("myna-audit synthetic", 32)); // manufacturerID
    out.extend(padded("SYNTH-01", 16)); // model
    out.extend(padded(serial, 16)); // serialNumber, 16 ASCII digits
    for v in [
        0x0000_040D_u32, // flags: RNG | LOGIN_REQUIRED | USER_PIN_INITIALIZED | TOKEN_INITIALIZED
        1,               // ulMaxSessionCount
        0,               // ulSessionCount
        1,               // ulMaxRwSessionCount
        0,               // ulRwSessionCount
        16,              // ulMaxPinLen: the signing password's 16 (card-facts §3.1)
        6,               // ulMinPinLen: the signing password's 6
        u32::MAX,        // total/free public/private memory: CK_UNAVAILABLE_INFORMATION
        u32::MAX,
        u32::MAX,
        u32::MAX,
    ] {
        out.extend(v.to_be_bytes());
    }
    out.extend(b"03"); // hardwareVersion, as seen (card-facts §4.5)
    out.extend(b"01"); // firmwareVersion
    out.extend([b' '; 16]); // utcTime: none
    out
}

/// A 券面AP card-verifiable certificate, 568 bytes (card-facts §2.2 EF 0004, §2.3 EF 0004):
///
/// ```text
/// 7F 21 82 02 33
///   5F 4E 82 01 29   issuer key-id (16) | subject key-id (16) | 90 03 01 00 01 | 91 82 01 00 + modulus (256)
///   5F 37 82 01 00   signature (256)
/// ```
///
/// The modulus and the signature are synthetic filler from `label`: nothing verifies them,
/// and no CV-certificate issuer key exists to sign with.
pub fn cv_certificate(issuer: &str, subject: &str, label: &str) -> Vec<u8> {
    let mut modulus = keys::bytes(&format!("{label}/modulus"), 256);
    modulus[0] |= 0x80; // a full 2048-bit value
    modulus[255] |= 0x01; // and odd, as a modulus is
    let body = der::cat(&[
        key_id(issuer),
        key_id(subject),
        der::tlv(&[0x90], &[0x01, 0x00, 0x01]),
        der::tlv(&[0x91], &modulus),
    ]);
    let mut signature = keys::bytes(&format!("{label}/signature"), 256);
    signature[0] &= 0x7F; // below the (unknown) issuer modulus, as a signature would be
    der::tlv(
        &[0x7F, 0x21],
        &der::cat(&[
            der::tlv(&[0x5F, 0x4E], &body),
            der::tlv(&[0x5F, 0x37], &signature),
        ]),
    )
}

/// text AP EF 0005, AP basic information, 164 bytes (card-facts §2.2, §7.2):
/// `FF 40 82 00 9F` { `DF41` `01 03 0E 01`, `DF42` key-id, `DF43 82 00 80` 32 bytes + 96 × FF }.
pub fn text_ap_basic_info(label: &str) -> Vec<u8> {
    let mut trailing = keys::bytes(&format!("{label}/df43"), 32);
    trailing.resize(128, 0xFF);
    der::tlv_long2(
        &[0xFF, 0x40],
        &der::cat(&[
            der::tlv(&[0xDF, 0x41], &[0x01, 0x03, 0x0E, 0x01]),
            der::tlv(&[0xDF, 0x42], &key_id(TEXT_AP_KEY_ID)),
            der::tlv_long2(&[0xDF, 0x43], &trailing),
        ]),
    )
}

/// visual AP EF 0003, AP basic information (card-facts §2.3, §7.2):
/// `FF 30` { `DF31` `06 03 0E 01`, `DF32` key-id, `DF33` version `01`, `DF34` municipality code,
/// `DF35` key-id + 256 opaque bytes }.
pub fn visual_ap_basic_info(municipality: &str, label: &str) -> Vec<u8> {
    let mut df35 = key_id(VISUAL_AP_DF35_KEY_ID);
    df35.extend(keys::bytes(&format!("{label}/df35"), 256));
    der::tlv(
        &[0xFF, 0x30],
        &der::cat(&[
            der::tlv(&[0xDF, 0x31], &[0x06, 0x03, 0x0E, 0x01]),
            der::tlv(&[0xDF, 0x32], &key_id(VISUAL_AP_KEY_ID)),
            der::tlv(&[0xDF, 0x33], &[0x01]),
            der::tlv(&[0xDF, 0x34], municipality.as_bytes()),
            der::tlv(&[0xDF, 0x35], &df35),
        ]),
    )
}

/// 共通AP EF 0001 record 1: simple-TLV `01 1C` + 28 ASCII digits = card serial (15) +
/// municipality code (5) + card expiry `YYYYMMDD` (card-facts §2.5, §7.2).
pub fn common_card_info(serial: &str, municipality: &str, expiry: &str) -> Vec<u8> {
    let digits = format!("{serial}{municipality}{expiry}");
    der::cat(&[vec![0x01, digits.len() as u8], digits.into_bytes()])
}

/// 住基AP EF 0002 and 共通AP EF 0002: one 16-byte record whose meaning no source has
/// identified, byte-identical in both APs (card-facts §2.4, §2.5). Synthetic text here.
pub const KEY_REFERENCE_RECORD: &[u8; 16] = b"SYNTHETIC-KEYREF";

/// Issuer key-id of the text AP's CV certificate, test hierarchy (card-facts §2.2 EF 0004).
pub const TEXT_CV_ISSUER: &str = "6000033";
/// Issuer key-id of the visual AP's CV certificate, test hierarchy (card-facts §2.3 EF 0004).
pub const VISUAL_CV_ISSUER: &str = "6000023";
/// text AP EF 0005 DF42, as on the JPKI test card (card-facts §2.2, §7.2).
pub const TEXT_AP_KEY_ID: &str = "6000034/001";
/// Guessed: no source gives the subject key-ids of the CV certificates (only that text
/// `DF42` is *not* the certified key), nor visual `DF32`/`DF35`. Numbered after the issuers.
pub const TEXT_CV_SUBJECT: &str = "6000035/001";
pub const VISUAL_CV_SUBJECT: &str = "6000025/001";
pub const VISUAL_AP_KEY_ID: &str = "6000024/001";
pub const VISUAL_AP_DF35_KEY_ID: &str = "6000026/001";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_info_is_160_bytes_with_fields_in_place() {
        let t = token_info("0000000099000001");
        assert_eq!(t.len(), 160);
        assert_eq!(&t[..16], b"JPKIAPICCTOKEN2 ");
        assert_eq!(&t[80..96], b"0000000099000001");
        assert_eq!(t[96..100], [0x00, 0x00, 0x04, 0x0D]);
        assert_eq!(t[124..140], [0xFF; 16]);
        assert_eq!(&t[140..144], b"0301");
    }

    #[test]
    fn cv_certificate_has_the_card_shape() {
        let c = cv_certificate(TEXT_CV_ISSUER, TEXT_CV_SUBJECT, "t");
        assert_eq!(c.len(), 568);
        assert_eq!(c[..5], [0x7F, 0x21, 0x82, 0x02, 0x33]);
        assert_eq!(c[5..10], [0x5F, 0x4E, 0x82, 0x01, 0x29]);
        assert_eq!(&c[10..17], b"6000033");
        assert_eq!(c[42..47], [0x90, 0x03, 0x01, 0x00, 0x01]);
        assert_eq!(c[47..51], [0x91, 0x82, 0x01, 0x00]);
        assert_eq!(c[307..312], [0x5F, 0x37, 0x82, 0x01, 0x00]);
    }

    #[test]
    fn text_basic_info_is_164_bytes() {
        let b = text_ap_basic_info("t");
        assert_eq!(b.len(), 164);
        assert_eq!(b[..5], [0xFF, 0x40, 0x82, 0x00, 0x9F]);
        assert_eq!(b[31..36], [0xDF, 0x43, 0x82, 0x00, 0x80]);
        assert_eq!(b[68..], [0xFF; 96]);
    }

    #[test]
    fn visual_basic_info_carries_the_municipality() {
        let b = visual_ap_basic_info("99999", "v");
        assert_eq!(b[..5], [0xFF, 0x30, 0x82, 0x01, 0x3B]);
        assert_eq!(b.len(), 5 + 0x13B);
        let at = b.windows(3).position(|w| w == [0xDF, 0x34, 0x05]);
        assert_eq!(at.map(|i| &b[i + 3..i + 8]), Some(&b"99999"[..]));
    }

    #[test]
    fn common_record_is_30_bytes() {
        let r = common_card_info("999000000000101", "99999", "20340401");
        assert_eq!(r.len(), 30);
        assert_eq!(r[..2], [0x01, 0x1C]);
    }
}
