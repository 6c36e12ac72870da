//! A minimal DER writer (ITU-T X.690 §8, §10): only the encodings the synthetic X.509
//! certificates and the 券面AP BER records need. Every function returns a complete TLV.

/// Definite length octets in the minimal form DER requires (X.690 §8.1.3, §10.1).
pub fn len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes = n.to_be_bytes();
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    let mut out = vec![0x80 | (bytes.len() - first) as u8];
    out.extend_from_slice(&bytes[first..]);
    out
}

/// Tag (one or more bytes, already encoded), minimal length, content.
pub fn tlv(tag: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = tag.to_vec();
    out.extend(len(content.len()));
    out.extend_from_slice(content);
    out
}

/// Tag, then a length always written in the three-byte `82 hh ll` form, then content.
///
/// Not DER: the 券面AP records use this long form even for short values
/// (`FF 40 82 00 9F`, `DF 43 82 00 80`; card-facts §2.2, EF 0005).
pub fn tlv_long2(tag: &[u8], content: &[u8]) -> Vec<u8> {
    let n = u16::try_from(content.len()).unwrap_or(u16::MAX);
    let mut out = tag.to_vec();
    out.push(0x82);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(content);
    out
}

/// Concatenation of already-encoded parts.
pub fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// SEQUENCE of already-encoded parts.
pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(&[0x30], &cat(parts))
}

/// SET of already-encoded parts (callers pass one element, so no sorting is needed).
pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(&[0x31], &cat(parts))
}

/// INTEGER from an unsigned big-endian magnitude: leading zeros dropped, one `00` added when
/// the top bit is set so the value stays positive (X.690 §8.3).
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let first = magnitude.iter().position(|&b| b != 0);
    let mut content = Vec::with_capacity(magnitude.len() + 1);
    match first {
        None => content.push(0),
        Some(i) => {
            if magnitude[i] & 0x80 != 0 {
                content.push(0);
            }
            content.extend_from_slice(&magnitude[i..]);
        }
    }
    tlv(&[0x02], &content)
}

/// INTEGER from a small non-negative number.
pub fn small_uint(v: u64) -> Vec<u8> {
    uint(&v.to_be_bytes())
}

/// OBJECT IDENTIFIER from its arcs (X.690 §8.19). The first two arcs must be 0..=2 and 0..=39.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut content = Vec::new();
    let (a, b) = match arcs {
        [a, b, ..] => (*a, *b),
        _ => (0, 0),
    };
    base128(a * 40 + b, &mut content);
    for &arc in arcs.iter().skip(2) {
        base128(arc, &mut content);
    }
    tlv(&[0x06], &content)
}

fn base128(mut v: u64, out: &mut Vec<u8>) {
    let mut groups = vec![(v & 0x7F) as u8];
    v >>= 7;
    while v > 0 {
        groups.push(0x80 | (v & 0x7F) as u8);
        v >>= 7;
    }
    groups.reverse();
    out.extend(groups);
}

/// NULL.
pub fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

/// BOOLEAN; DER writes TRUE as `FF` (X.690 §11.1).
pub fn boolean(v: bool) -> Vec<u8> {
    tlv(&[0x01], &[if v { 0xFF } else { 0x00 }])
}

/// OCTET STRING.
pub fn octet_string(content: &[u8]) -> Vec<u8> {
    tlv(&[0x04], content)
}

/// BIT STRING whose last `unused` bits of `bytes` are padding.
pub fn bit_string(bytes: &[u8], unused: u8) -> Vec<u8> {
    let mut content = vec![unused];
    content.extend_from_slice(bytes);
    tlv(&[0x03], &content)
}

/// PrintableString (caller keeps to its character set: letters, digits, ` '()+,-./:=?`).
pub fn printable(s: &str) -> Vec<u8> {
    tlv(&[0x13], s.as_bytes())
}

/// UTF8String.
pub fn utf8(s: &str) -> Vec<u8> {
    tlv(&[0x0C], s.as_bytes())
}

/// UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: only for years 1950..=2049).
pub fn utc_time(date: time::Date, hour: u8, minute: u8, second: u8) -> Vec<u8> {
    let s = format!(
        "{:02}{:02}{:02}{hour:02}{minute:02}{second:02}Z",
        date.year().rem_euclid(100),
        u8::from(date.month()),
        date.day()
    );
    tlv(&[0x17], s.as_bytes())
}

/// Context-specific constructed tag `[n]` (EXPLICIT tagging).
pub fn explicit(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(&[0xA0 | n], content)
}

/// Context-specific primitive tag `[n]` (IMPLICIT tagging of a primitive type).
pub fn implicit_primitive(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(&[0x80 | n], content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_minimal() {
        assert_eq!(len(0), [0x00]);
        assert_eq!(len(0x7F), [0x7F]);
        assert_eq!(len(0x80), [0x81, 0x80]);
        assert_eq!(len(0xFF), [0x81, 0xFF]);
        assert_eq!(len(0x100), [0x82, 0x01, 0x00]);
        assert_eq!(len(0x233), [0x82, 0x02, 0x33]);
    }

    #[test]
    fn integers_stay_positive() {
        assert_eq!(uint(&[0x00, 0x00]), [0x02, 0x01, 0x00]);
        assert_eq!(uint(&[0x00, 0x7F]), [0x02, 0x01, 0x7F]);
        assert_eq!(uint(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(small_uint(65537), [0x02, 0x03, 0x01, 0x00, 0x01]);
    }

    #[test]
    fn oids_match_their_well_known_encodings() {
        // sha256WithRSAEncryption, RFC 4055.
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 1, 11]),
            [
                0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B
            ]
        );
        // id-ce-keyUsage.
        assert_eq!(oid(&[2, 5, 29, 15]), [0x06, 0x03, 0x55, 0x1D, 0x0F]);
    }

    #[test]
    fn long_form_is_kept_for_card_records() {
        assert_eq!(
            tlv_long2(&[0xFF, 0x40], &[0; 0x9F])[..5],
            [0xFF, 0x40, 0x82, 0x00, 0x9F]
        );
    }

    #[test]
    fn utc_time_has_two_digit_year() {
        assert_eq!(
            utc_time(time::macros::date!(2029 - 04 - 01), 14, 59, 59)[2..],
            *b"290401145959Z"
        );
    }
}
