//! Detectors for personal data the redactor has no rule for: My Numbers, images, and
//! certificates that name their holder. Used by `record` (which then refuses to write)
//! and by `fixture check` (which then fails).

use memchr::memmem;
use x509_parser::prelude::*;

/// Something in card data that looks personal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Personal {
    /// 12 digits with a valid My Number check digit.
    MyNumber,
    /// PNG image data (the visual AP's name, address and My Number images, card-facts §4.4).
    Png,
    /// JPEG 2000 image data (the visual AP's face photo, card-facts §4.4).
    Jpeg2000,
    /// An OID of the JPKI signing certificate's SubjectAltName holder attributes
    /// (name, birth date, sex, address: 1.2.392.200149.8.5.5.x, card-facts §2.1).
    HolderAttributeOid,
}

impl Personal {
    pub fn describe(&self) -> &'static str {
        match self {
            Personal::MyNumber => "a 12-digit number with a valid My Number check digit",
            Personal::Png => "PNG image data",
            Personal::Jpeg2000 => "JPEG 2000 image data",
            Personal::HolderAttributeOid => {
                "a JPKI holder attribute (name, birth date, sex or address OID 1.2.392.200149.8.5.5.x)"
            }
        }
    }
}

/// One detection: where it starts in the scanned bytes, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub offset: usize,
    pub what: Personal,
}

/// The check digit of a My Number from its first 11 digits (values 0..=9).
///
/// With P11..P1 the digits from the left and Q_n = n+1 for n ≤ 6, n−5 for n ≥ 7:
/// r = Σ P_n·Q_n mod 11, and the check digit is 0 if r ≤ 1, else 11 − r.
pub fn my_number_check_digit(first11: &[u8; 11]) -> u8 {
    let sum: u32 = (1..=11u32)
        .map(|n| {
            let p = u32::from(first11[11 - n as usize]);
            let q = if n <= 6 { n + 1 } else { n - 5 };
            p * q
        })
        .sum();
    let r = sum % 11;
    if r <= 1 { 0 } else { (11 - r) as u8 }
}

/// True for 12 ASCII digits whose last is the My Number check digit of the others.
pub fn is_my_number(s: &[u8]) -> bool {
    let Ok(d) = <[u8; 12]>::try_from(s) else {
        return false;
    };
    if !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut first = [0u8; 11];
    for (f, c) in first.iter_mut().zip(&d) {
        *f = c - b'0';
    }
    my_number_check_digit(&first) == d[11] - b'0'
}

/// A digit at `i`: ASCII `0-9` (1 byte) or full-width `０-９` in UTF-8 (`EF BC 90..99`).
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i..) {
        Some([c, ..]) if c.is_ascii_digit() => Some((*c, 1)),
        Some([0xEF, 0xBC, c @ 0x90..=0x99, ..]) => Some((b'0' + (c - 0x90), 3)),
        _ => None,
    }
}

/// Every run of exactly 12 digits (not part of a longer run): offset and the digits as ASCII.
pub fn twelve_digit_runs(b: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some(_) = digit_at(b, i) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut digits = Vec::new();
        while let Some((d, w)) = digit_at(b, i) {
            digits.push(d);
            i += w;
        }
        if digits.len() == 12 {
            out.push((start, digits));
        }
    }
    out
}

const PNG: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
/// The JP2 signature box, and a bare JPEG 2000 codestream (SOC + SIZ markers).
const JP2: &[u8] = &[
    0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A,
];
const J2K: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
/// DER of OID 1.2.392.200149.8.5.5 (the prefix of the holder attributes .1 to .6).
pub const HOLDER_OID_PREFIX: &[u8] = &[0x2A, 0x83, 0x08, 0x8C, 0x9B, 0x55, 0x08, 0x05, 0x05];

/// Every offset where `needle` starts in `hay`, overlapping occurrences included.
pub fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let finder = memmem::Finder::new(needle);
    let mut from = 0;
    while let Some(at) = hay.get(from..).and_then(|h| finder.find(h)) {
        out.push(from + at);
        from += at + 1;
    }
    out
}

/// Whether `needle` occurs in `hay` (an empty needle does not).
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memmem::find(hay, needle).is_some()
}

/// True when the 12 digits at `start` are a DER UTCTime (`17 0D` YYMMDDHHMMSS `Z`), as in
/// every certificate's validity: a time, not a My Number (about one in eleven passes the
/// check digit by chance).
fn is_utc_time(b: &[u8], start: usize) -> bool {
    start >= 2 && b[start - 2..start] == [0x17, 0x0D] && b.get(start + 12) == Some(&b'Z')
}

/// Scans bytes for My Numbers, images and holder-attribute OIDs. `allowed` lists 12-digit
/// numbers declared fictional.
pub fn scan(b: &[u8], allowed: &[Vec<u8>]) -> Vec<Hit> {
    let mut hits: Vec<Hit> = twelve_digit_runs(b)
        .into_iter()
        .filter(|(start, d)| is_my_number(d) && !allowed.contains(d) && !is_utc_time(b, *start))
        .map(|(offset, _)| Hit {
            offset,
            what: Personal::MyNumber,
        })
        .collect();
    for (sig, what) in [
        (PNG, Personal::Png),
        (JP2, Personal::Jpeg2000),
        (J2K, Personal::Jpeg2000),
        (HOLDER_OID_PREFIX, Personal::HolderAttributeOid),
    ] {
        hits.extend(find_all(b, sig).into_iter().map(|offset| Hit {
            offset,
            what: what.clone(),
        }));
    }
    hits.sort_by_key(|h| h.offset);
    hits
}

/// A certificate found inside card data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    pub offset: usize,
    pub len: usize,
    /// The issuer's organisation (O) values.
    pub issuer_orgs: Vec<String>,
    pub is_ca: bool,
    /// Serial number, upper-case hex.
    pub serial: String,
    pub subject_cn: Option<String>,
    /// Why the subject looks like it names a person, if it does.
    pub names_holder: Option<String>,
}

impl CertInfo {
    /// Issued by a production JPKI CA (an `O` naming JPKI without a test marker).
    pub fn production_issuer(&self) -> bool {
        self.issuer_orgs.iter().any(|o| production_jpki(o))
    }
}

/// True for an organisation name of the production JPKI (`O=JPKI`), false for the JPKI test
/// hierarchy (`O=JPKI-TEST`, card-facts §7.2) and synthetic ones.
pub fn production_jpki(org: &str) -> bool {
    let up = org.to_ascii_uppercase();
    up.contains("JPKI")
        && !["TEST", "SYNTHETIC", "SAMPLE", "DUMMY", "FICTIONAL"]
            .iter()
            .any(|m| up.contains(m))
}

/// Subject attributes that are not about a person: country, organisation, unit, and CN
/// (the auth certificate's CN is a number; see `names_holder` for a CN that is a name).
const NEUTRAL_ATTRS: [&str; 4] = ["2.5.4.6", "2.5.4.10", "2.5.4.11", "2.5.4.3"];

fn names_holder(cert: &X509Certificate<'_>) -> Option<String> {
    for attr in cert.subject().iter_attributes() {
        let oid = attr.attr_type().to_id_string();
        if !NEUTRAL_ATTRS.contains(&oid.as_str()) {
            return Some(format!(
                "its subject carries attribute {oid} (a name or address)"
            ));
        }
        if oid == "2.5.4.3" && attr.as_str().map_or(true, |s| !s.is_ascii()) {
            return Some("its subject CN is not ASCII (a name)".into());
        }
    }
    for ext in cert.extensions() {
        if ext.oid.to_id_string() == "2.5.29.17" && contains(ext.value, HOLDER_OID_PREFIX) {
            return Some(
                "its SubjectAltName carries holder attributes (1.2.392.200149.8.5.5.x)".into(),
            );
        }
    }
    None
}

/// Every DER certificate that starts somewhere in `b`.
pub fn certificates(b: &[u8]) -> Vec<CertInfo> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i] != 0x30 || !matches!(b[i + 1], 0x81..=0x83) {
            i += 1;
            continue;
        }
        match X509Certificate::from_der(&b[i..]) {
            Ok((rest, cert)) => {
                let len = b.len() - i - rest.len();
                out.push(CertInfo {
                    offset: i,
                    len,
                    issuer_orgs: cert
                        .issuer()
                        .iter_organization()
                        .filter_map(|o| o.as_str().ok().map(str::to_string))
                        .collect(),
                    is_ca: cert.is_ca(),
                    serial: hex::encode_upper(cert.raw_serial()),
                    subject_cn: cert
                        .subject()
                        .iter_common_name()
                        .next()
                        .and_then(|c| c.as_str().ok())
                        .map(str::to_string),
                    names_holder: names_holder(&cert),
                });
                i += len.max(1);
            }
            Err(_) => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_all_finds_every_occurrence_overlapping_ones_too() {
        // The hand-written search it replaces, kept to compare against.
        fn naive(hay: &[u8], needle: &[u8]) -> Vec<usize> {
            if needle.is_empty() || hay.len() < needle.len() {
                return Vec::new();
            }
            (0..=hay.len() - needle.len())
                .filter(|&i| &hay[i..i + needle.len()] == needle)
                .collect()
        }
        let hay = b"aaabaaaabaab13221132211322aa";
        for needle in [
            &b""[..],
            b"a",
            b"aa",
            b"aaa",
            b"ab",
            b"13221",
            b"1322113",
            b"zz",
            hay,
        ] {
            assert_eq!(find_all(hay, needle), naive(hay, needle), "{needle:?}");
            assert_eq!(contains(hay, needle), !naive(hay, needle).is_empty());
        }
        assert_eq!(find_all(b"aaaa", b"aa"), vec![0, 1, 2]);
        assert!(find_all(b"a", b"aa").is_empty());
    }

    #[test]
    fn check_digit_of_known_numbers() {
        // The fictional numbers of the shipped fixtures (tools/fixturegen), check digit valid.
        assert!(is_my_number(b"123456789018"));
        assert!(is_my_number(b"987654321093"));
        assert!(is_my_number(b"556677889908"));
        // The JPKI test card's 照合番号A (card-facts §7.2: 537686677188).
        assert!(is_my_number(b"537686677188"));
        assert!(!is_my_number(b"123456789012"));
        assert!(!is_my_number(b"12345678901"));
        assert!(!is_my_number(b"12345678901X"));
    }

    #[test]
    fn check_digit_rule_r_at_most_one_gives_zero() {
        // 00000000000 sums to 0 -> check digit 0; 10000000000: P11 = 1, Q11 = 6 -> r = 6 -> 5.
        assert_eq!(my_number_check_digit(&[0; 11]), 0);
        assert_eq!(my_number_check_digit(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 5);
        // P1 = 5, Q1 = 2 -> r = 10 -> 1; P1 = 6 -> 12 mod 11 = 1 -> 0.
        assert_eq!(my_number_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]), 1);
        assert_eq!(my_number_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6]), 0);
    }

    #[test]
    fn finds_a_my_number_in_the_text_ap_file_layout() {
        // text AP EF 0001 layout (card-facts §4.2): FF 10 0C + 12 digits + FF FF.
        let mut f = vec![0xFF, 0x10, 0x0C];
        f.extend(b"537686677188");
        f.extend([0xFF, 0xFF]);
        let hits = scan(&f, &[]);
        assert_eq!(
            hits,
            vec![Hit {
                offset: 3,
                what: Personal::MyNumber
            }]
        );
        // Declared fictional: allowed.
        assert!(scan(&f, &[b"537686677188".to_vec()]).is_empty());
    }

    #[test]
    fn longer_digit_runs_are_not_my_numbers() {
        // The 共通AP record's 28 digits hold no 12-digit run of their own.
        let rec = b"\x01\x1c4000000127198431322120350217";
        assert!(scan(rec, &[]).is_empty());
        assert!(twelve_digit_runs(b"x1234567890123x").is_empty());
    }

    /// Regression: the synthetic CA certificates' notBefore `200101000000Z` passes the
    /// check digit; a certificate time is not a My Number.
    #[test]
    fn certificate_times_are_not_my_numbers() {
        assert!(is_my_number(b"200101000000"));
        let mut t = vec![0x30, 0x1E, 0x17, 0x0D];
        t.extend(b"200101000000Z");
        assert!(scan(&t, &[]).is_empty());
        // The same digits outside a UTCTime are reported.
        assert_eq!(scan(&t[4..16], &[]).len(), 1);
    }

    #[test]
    fn full_width_digits_count() {
        let s = "番号１２３４５６７８９０１８です";
        let runs = twelve_digit_runs(s.as_bytes());
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].1, b"123456789018".to_vec());
    }

    #[test]
    fn finds_images_and_holder_oids() {
        let mut b = vec![0xDF, 0x25, 0x10];
        b.extend(PNG);
        b.extend([0; 8]);
        b.extend(JP2);
        b.extend([0x06, 0x0A]);
        b.extend(HOLDER_OID_PREFIX);
        b.push(0x01);
        let kinds: Vec<Personal> = scan(&b, &[]).into_iter().map(|h| h.what).collect();
        assert_eq!(
            kinds,
            vec![
                Personal::Png,
                Personal::Jpeg2000,
                Personal::HolderAttributeOid
            ]
        );
        assert!(scan(&[0x30, 0x82, 0x01, 0x00], &[]).is_empty());
    }

    #[test]
    fn production_names() {
        assert!(production_jpki("JPKI"));
        assert!(production_jpki("jpki"));
        assert!(!production_jpki("JPKI-TEST"));
        assert!(!production_jpki("JPKI-SYNTHETIC-TEST"));
        assert!(!production_jpki("Example Org"));
    }
}
