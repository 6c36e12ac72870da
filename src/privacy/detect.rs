//! Detectors for personal data the redactor has no rule for: My Numbers, images, and
//! certificates that name their holder. Used by `record` (which then refuses to write)
//! and by `fixture check` (which then fails).

use memchr::memmem;
use x509_parser::prelude::*;

use super::context::ObjectId;

/// Something in card data that looks personal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Personal {
    /// 12 digits with a valid My Number check digit, in any encoding and printed form.
    MyNumber,
    /// PNG image data (the visual AP's name, address and My Number images, card-facts §4.4).
    Png,
    /// JPEG 2000 image data (the visual AP's face photo, card-facts §4.4).
    Jpeg2000,
    /// An OID of the JPKI signing certificate's SubjectAltName holder attributes
    /// (name, birth date, sex, address: 1.2.392.200149.8.5.5.x, card-facts §2.1).
    HolderAttributeOid,
    /// The text AP's 基本4情報 (`FF 20` with a `DF22` name, card-facts §4.2 table).
    BasicFourInfo,
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
            Personal::BasicFourInfo => {
                "the holder's name, address, birth date and sex (text AP 基本4情報, FF 20 with DF22)"
            }
        }
    }
}

/// One detection: where it starts in the scanned bytes, how long it is, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub offset: usize,
    pub len: usize,
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

/// True for 12 digit values (0..=9) whose last is the My Number check digit of the others.
pub fn valid_digits(d: &[u8]) -> bool {
    let Ok(d) = <[u8; 12]>::try_from(d) else {
        return false;
    };
    if d.iter().any(|&x| x > 9) {
        return false;
    }
    let mut first = [0u8; 11];
    first.copy_from_slice(&d[..11]);
    my_number_check_digit(&first) == d[11]
}

/// True for 12 ASCII digits whose last is the My Number check digit of the others.
pub fn is_my_number(s: &[u8]) -> bool {
    s.len() == 12
        && s.iter().all(u8::is_ascii_digit)
        && valid_digits(&s.iter().map(|c| c - b'0').collect::<Vec<u8>>())
}

/// The values a fixture declares (`fictional:`, `redacted:` replacements): a number equal
/// to one of them, written in any form, is not a finding. Compared by digits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declared {
    numbers: Vec<Vec<u8>>,
}

impl Declared {
    /// No declared values (`record`'s stop rule, a trace).
    pub fn none() -> Declared {
        Declared::default()
    }

    /// The numeric values among `values` (others cannot match a digit run).
    pub fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Declared {
        Declared {
            numbers: values
                .into_iter()
                .filter_map(super::text::declared_digits)
                .collect(),
        }
    }

    fn has(&self, digits: &[u8]) -> bool {
        self.numbers.iter().any(|n| n == digits)
    }

    /// Whether a run of digits holds a My Number that is not declared: the run exactly, or
    /// (conservatively) any 12 consecutive digits of a longer run.
    pub fn leaks(&self, digits: &[u8]) -> bool {
        digits.len() >= 12
            && !self.has(digits)
            && digits.windows(12).any(|w| valid_digits(w) && !self.has(w))
    }
}

/// True for DER time content: `YYMMDDHHMMSSZ` or `YYYYMMDDHHMMSS[.f]Z` with a plausible
/// month, day, hour, minute and second (a certificate's validity, not a My Number).
fn looks_time(v: &[u8]) -> bool {
    let Some((b'Z', body)) = v.split_last() else {
        return false;
    };
    let body = match body.iter().position(|&c| c == b'.') {
        Some(dot) if dot == 14 && body[dot + 1..].iter().all(u8::is_ascii_digit) => &body[..14],
        Some(_) => return false,
        None => body,
    };
    if !body.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = |i: usize| u32::from(body[i] - b'0') * 10 + u32::from(body[i + 1] - b'0');
    let at = match body.len() {
        12 => 2,
        14 => 4,
        _ => return false,
    };
    (1..=12).contains(&n(at))
        && (1..=31).contains(&n(at + 2))
        && n(at + 4) < 24
        && n(at + 6) < 60
        && n(at + 8) < 61
}

/// True when the digits at `start..end` are the whole content of a DER time (`17`/`18` or
/// an implicit `8x` tag, its length, the digits, `Z`).
fn inside_der_time(b: &[u8], start: usize, end: usize) -> bool {
    let (Some(&tag), Some(&len)) = (
        start.checked_sub(2).and_then(|i| b.get(i)),
        start.checked_sub(1).and_then(|i| b.get(i)),
    ) else {
        return false;
    };
    let content_end = start + usize::from(len);
    matches!(tag, 0x17 | 0x18 | 0x80..=0x8F)
        && content_end > end
        && b.get(start..content_end).is_some_and(looks_time)
}

/// The conservative digit scan of bytes whose structure is unknown: every number in every
/// encoding and printed form, any 12 consecutive digits of a longer run included. DER
/// times are skipped.
fn scan_digits(b: &[u8], base: usize, declared: &Declared, out: &mut Vec<Hit>) {
    for run in super::text::digit_runs(b) {
        if declared.leaks(&run.digits) && !inside_der_time(b, run.start, run.end) {
            out.push(Hit {
                offset: base + run.start,
                len: run.end - run.start,
                what: Personal::MyNumber,
            });
        }
    }
}

/// A field the chip map gives a meaning (a card serial, a token serial, an expiry date):
/// judged whole. All-ASCII-digit content is a My Number only when it is exactly 12 digits
/// with a valid check digit; anything else in it is scanned conservatively.
fn scan_field(b: &[u8], base: usize, declared: &Declared, out: &mut Vec<Hit>) {
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        let d: Vec<u8> = b.iter().map(|c| c - b'0').collect();
        if d.len() == 12 && valid_digits(&d) && !declared.has(&d) {
            out.push(Hit {
                offset: base,
                len: b.len(),
                what: Personal::MyNumber,
            });
        }
    } else {
        scan_digits(b, base, declared, out);
    }
}

/// Deepest TLV nesting walked; deeper content is scanned as unknown bytes.
const MAX_DEPTH: usize = 24;

/// The TLVs laid one after another in `b`, as (tag, value range); `None` unless they cover
/// it all (trailing `FF` or `00` filler allowed).
fn tlvs(b: &[u8]) -> Option<Vec<(u32, std::ops::Range<usize>)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let rest = b.get(pos..)?;
        if rest.iter().all(|&x| x == 0xFF) || rest.iter().all(|&x| x == 0x00) {
            break;
        }
        let h = crate::decode::tlv::header(rest).ok()?;
        let end = pos.checked_add(h.total())?;
        if end > b.len() {
            return None;
        }
        out.push((h.tag, pos + h.header_len..end));
        pos = end;
    }
    (!out.is_empty()).then_some(out)
}

fn first_tag_byte(tag: u32) -> u8 {
    let bytes = tag.to_be_bytes();
    bytes.iter().copied().find(|&x| x != 0).unwrap_or(0)
}

/// Walks BER-TLV content: each primitive value is looked at whole (a time is a time; an
/// OCTET or BIT STRING holding DER is walked in turn); what does not parse is scanned
/// conservatively. Returns false when `b` is not a TLV list.
fn walk(b: &[u8], base: usize, declared: &Declared, depth: usize, out: &mut Vec<Hit>) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(items) = tlvs(b) else {
        return false;
    };
    for (tag, range) in items {
        let v = &b[range.clone()];
        let at = base + range.start;
        if tag == 0xFF20 && tlvs(v).is_some_and(|kids| kids.iter().any(|(t, _)| *t == 0xDF22)) {
            out.push(Hit {
                offset: at,
                len: v.len(),
                what: Personal::BasicFourInfo,
            });
        }
        if first_tag_byte(tag) & 0x20 != 0 {
            if !walk(v, at, declared, depth + 1, out) {
                scan_digits(v, at, declared, out);
            }
            continue;
        }
        if looks_time(v) {
            continue;
        }
        match tag {
            0x04 => {
                walk(v, at, declared, depth + 1, out);
            }
            0x03 if v.len() > 1 => {
                walk(&v[1..], at + 1, declared, depth + 1, out);
            }
            _ => {}
        }
        // Also the value's bytes as they are, even when they parsed as TLVs: UTF-16LE and
        // UTF-32 digits (`33 00 31 00`, `00 00 00 33`) read as a list of empty TLVs.
        scan_digits(v, at, declared, out);
    }
    true
}

/// The fields of the chip-map records whose layout is fixed, for an object: the 共通AP
/// card record (`01 1C` + serial 15 + municipality 5 + expiry 8, card-facts §2.5) and the
/// JPKI token information (CK_TOKEN_INFO: label 32, manufacturer 32, model 16, serial 16,
/// card-facts §4.5). `None` for any other object.
fn fixed_fields(obj: &ObjectId, len: usize) -> Option<Vec<std::ops::Range<usize>>> {
    use crate::card::chipmap::{COMMON, JPKI};
    let cut = |r: &[(usize, usize)]| {
        r.iter()
            .filter(|(s, _)| *s < len)
            .map(|(s, e)| *s..(*e).min(len))
            .collect::<Vec<_>>()
    };
    match obj {
        ObjectId::Record {
            df: Some(df),
            ef: [0x00, 0x01],
            record: 1,
        } if df.as_slice() == COMMON.aid => Some(cut(&[(0, 2), (2, 17), (17, 22), (22, 30)])),
        o if o.is_ef(&JPKI, 0x0006) => Some(cut(&[(0, 32), (32, 64), (64, 80), (80, 96)])),
        _ => None,
    }
}

/// The signatures looked for anywhere: images and holder-attribute OIDs.
fn scan_signatures(b: &[u8], out: &mut Vec<Hit>) {
    for (sig, what) in [
        (PNG, Personal::Png),
        (JP2, Personal::Jpeg2000),
        (J2K, Personal::Jpeg2000),
        (HOLDER_OID_PREFIX, Personal::HolderAttributeOid),
    ] {
        out.extend(find_all(b, sig).into_iter().map(|offset| Hit {
            offset,
            len: sig.len(),
            what: what.clone(),
        }));
    }
}

/// The leak detector: scans one object's bytes (or a response that belongs to no object,
/// `obj` = `None`) by its structure. The chip map's fixed-layout records are read field by
/// field, each field whole; BER-TLV content (certificates, `FF xx` records) is walked and
/// each value looked at whole in every text encoding; anything else is scanned
/// conservatively. Images, holder-attribute OIDs and the 基本4情報 are found anywhere.
/// The one implementation behind `record`'s stop rule, `fixture check` and `--trace`.
pub fn scan_object(obj: Option<&ObjectId>, b: &[u8], declared: &Declared) -> Vec<Hit> {
    let mut out = Vec::new();
    match obj.and_then(|o| fixed_fields(o, b.len())) {
        Some(fields) => {
            let mut covered = 0;
            for f in fields {
                scan_field(&b[f.clone()], f.start, declared, &mut out);
                covered = f.end;
            }
            if let Some(rest) = b.get(covered..) {
                scan_digits(rest, covered, declared, &mut out);
            }
        }
        None => {
            // The structure first, then the bytes as they are: text hidden as TLVs that
            // parse (empty `3x 00` pairs) is still read (DER times stay times).
            walk(b, 0, declared, 0, &mut out);
            scan_digits(b, 0, declared, &mut out);
        }
    }
    scan_signatures(b, &mut out);
    tidy(out)
}

/// Hits in order, one per place: the same number read in several encodings (ASCII digits
/// are digits in UTF-8, Shift_JIS and EUC-JP alike) is one finding.
fn tidy(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.offset, std::cmp::Reverse(h.len)));
    let mut out: Vec<Hit> = Vec::new();
    for h in hits {
        let overlaps = out
            .iter()
            .rev()
            .take_while(|o| o.offset + o.len > h.offset)
            .any(|o| o.what == h.what && o.offset + o.len > h.offset);
        if !overlaps {
            out.push(h);
        }
    }
    out
}

/// [`scan_object`] of bytes with no known place.
pub fn scan(b: &[u8], declared: &Declared) -> Vec<Hit> {
    scan_object(None, b, declared)
}

/// Text people read and share (a comment, a header value): every number in every printed
/// form. `declared` values are allowed. A hex word (`D392F000260100000001`, an AID in a
/// comment) is judged as hex: its bytes are scanned as data, and a digit run inside it is a
/// finding when it is exactly 12 digits that pass the check digit (the conservative
/// any-12-of-a-longer-run rule would flag every AID).
pub fn scan_text(s: &str, declared: &Declared) -> Vec<Hit> {
    let b = s.as_bytes();
    let words = hex_words(b);
    let mut out = Vec::new();
    for run in super::text::digit_runs(b) {
        let in_word = words
            .iter()
            .any(|w| w.start <= run.start && run.end <= w.end);
        let found = if in_word {
            run.digits.len() == 12 && valid_digits(&run.digits) && !declared.has(&run.digits)
        } else {
            declared.leaks(&run.digits)
        };
        if found {
            out.push(Hit {
                offset: run.start,
                len: run.end - run.start,
                what: Personal::MyNumber,
            });
        }
    }
    for w in words {
        if let Ok(bytes) = hex::decode(&b[w.clone()]) {
            out.extend(scan(&bytes, declared).into_iter().map(|h| Hit {
                offset: w.start,
                len: w.len(),
                what: h.what,
            }));
        }
    }
    tidy(out)
}

/// The hex words of a text: at least 8 hex digits with a letter A-F among them, not next
/// to another letter or digit.
fn hex_words(b: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let w = &b[start..i];
        if w.len() >= 8
            && w.iter().all(u8::is_ascii_hexdigit)
            && w.iter().any(u8::is_ascii_alphabetic)
        {
            out.push(start..i);
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
    /// Every subject CN, decoded whatever its string type.
    pub subject_cns: Vec<String>,
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

const OID_C: &str = "2.5.4.6";
const OID_O: &str = "2.5.4.10";
const OID_OU: &str = "2.5.4.11";
const OID_CN: &str = "2.5.4.3";

/// An attribute's value as text, whatever its string type (`None`: not a string).
pub fn attribute_text(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    let v = attr.attr_value();
    super::text::asn1_string(v.header.tag().0, v.data)
}

/// Whether an ASCII common name reads as a person's name rather than an identifier: the
/// JPKI authentication certificate's CN is a number (card-facts §7.1), so a CN with no
/// digit, or with words separated by spaces, is a name.
fn cn_is_a_name(cn: &str) -> bool {
    !cn.chars().any(|c| c.is_ascii_digit()) || cn.trim().contains(char::is_whitespace)
}

/// Why a certificate's subject or SubjectAltName names its holder, if it does. Every
/// attribute is decoded whatever its string type: text that is not ASCII is a name; an
/// attribute other than C, O, OU and CN is personal; in a holder's (non-CA) certificate an
/// O or OU that its issuer does not carry, or a CN that is not an identifier, is a name; a
/// SubjectAltName with a directory name, an e-mail address or the holder-attribute OIDs
/// names the holder.
fn names_holder(cert: &X509Certificate<'_>) -> Option<String> {
    let issuer_units: Vec<String> = cert
        .issuer()
        .iter_attributes()
        .filter(|a| matches!(a.attr_type().to_id_string().as_str(), OID_O | OID_OU))
        .filter_map(attribute_text)
        .collect();
    let ca = cert.is_ca();
    for attr in cert.subject().iter_attributes() {
        let oid = attr.attr_type().to_id_string();
        if ![OID_C, OID_O, OID_OU, OID_CN].contains(&oid.as_str()) {
            return Some(format!(
                "its subject carries attribute {oid} (a name or address)"
            ));
        }
        let Some(text) = attribute_text(attr) else {
            return Some(format!("its subject's {oid} is not a string"));
        };
        if !text.is_ascii() {
            return Some(format!("its subject's {oid} is not ASCII (a name)"));
        }
        if ca {
            continue;
        }
        match oid.as_str() {
            OID_C if text.len() != 2 => {
                return Some("its subject's country is not a 2-letter code".into());
            }
            OID_O | OID_OU if !issuer_units.contains(&text) => {
                return Some(format!(
                    "its subject's {} is not one its issuer carries (a name?)",
                    if oid == OID_O { "O" } else { "OU" }
                ));
            }
            OID_CN if cn_is_a_name(&text) => {
                return Some("its subject CN is not an identifier (a name)".into());
            }
            _ => {}
        }
    }
    for ext in cert.extensions() {
        if ext.oid.to_id_string() != "2.5.29.17" {
            continue;
        }
        if contains(ext.value, HOLDER_OID_PREFIX) {
            return Some(
                "its SubjectAltName carries holder attributes (1.2.392.200149.8.5.5.x)".into(),
            );
        }
        // J-LIS's CA certificates name J-LIS in a directory name: a CA is not a person.
        if ca {
            continue;
        }
        let names = crate::decode::tlv::one(ext.value)
            .ok()
            .and_then(|(seq, _)| crate::decode::tlv::list(seq.value).ok());
        match names {
            None => {
                return Some("its SubjectAltName cannot be read (it may name its holder)".into());
            }
            Some(names) => {
                for n in names {
                    match n.tag {
                        0xA4 => return Some("its SubjectAltName carries a directory name".into()),
                        0x81 => return Some("its SubjectAltName carries an e-mail address".into()),
                        _ => {}
                    }
                }
            }
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
                        .filter_map(attribute_text)
                        .collect(),
                    is_ca: cert.is_ca(),
                    serial: hex::encode_upper(cert.raw_serial()),
                    subject_cns: cert
                        .subject()
                        .iter_common_name()
                        .map(|c| {
                            attribute_text(c)
                                .unwrap_or_else(|| hex::encode_upper(c.attr_value().data))
                        })
                        .collect(),
                    names_holder: names_holder(&cert),
                });
                i += len.max(1);
            }
            Err(_) => i += 1,
        }
    }
    out
}

/// A certificate's subject as text with every value that may identify the holder passed
/// through `mask`: every CN, and every attribute but C, O and OU, whatever its string type
/// (a value that is not a string is shown as masked hex). `None` when `der` is not a
/// certificate.
pub fn masked_subject(der: &[u8], mask: &dyn Fn(&str) -> String) -> Option<String> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let reg = oid_registry::OidRegistry::default();
    let parts: Vec<String> = cert
        .subject()
        .iter_rdn()
        .flat_map(|rdn| rdn.iter())
        .map(|a| {
            let oid = a.attr_type().to_id_string();
            let name = match oid.as_str() {
                OID_C => "C".to_string(),
                OID_O => "O".to_string(),
                OID_OU => "OU".to_string(),
                OID_CN => "CN".to_string(),
                _ => reg
                    .get(a.attr_type())
                    .map(|e| e.sn().to_string())
                    .unwrap_or(oid.clone()),
            };
            let text = attribute_text(a).unwrap_or_else(|| hex::encode_upper(a.attr_value().data));
            let shown = if [OID_C, OID_O, OID_OU].contains(&oid.as_str()) {
                text
            } else {
                mask(&text)
            };
            format!("{name}={shown}")
        })
        .collect();
    Some(parts.join(", "))
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
        let hits = scan(&f, &Declared::none());
        assert_eq!(
            hits,
            vec![Hit {
                offset: 3,
                len: 12,
                what: Personal::MyNumber
            }]
        );
        // Declared fictional: allowed.
        assert!(scan(&f, &Declared::of(["537686677188"])).is_empty());
    }

    fn common_record() -> ObjectId {
        ObjectId::Record {
            df: Some(crate::card::chipmap::COMMON.aid.to_vec()),
            ef: [0x00, 0x01],
            record: 1,
        }
    }

    #[test]
    fn the_card_record_is_read_field_by_field() {
        // The 共通AP record's 28 digits are a serial, a municipality code and a date, each
        // judged whole: none is a My Number, though a 12-digit window of them may pass the
        // check digit by chance.
        let rec = b"\x01\x1c4000000127198431322120350217";
        assert!(scan_object(Some(&common_record()), rec, &Declared::none()).is_empty());
        // A serial whose first 12 digits pass the check digit is still a serial...
        let rec = b"\x01\x1c5376866771880001322120350217";
        assert!(scan_object(Some(&common_record()), rec, &Declared::none()).is_empty());
        // ...but without its place, the same bytes are scanned conservatively.
        assert_eq!(scan(rec, &Declared::none()).len(), 1);
        // A field that is exactly a My Number is one, wherever the chip map puts it.
        let mut token = vec![b' '; 80];
        token.extend(b"537686677188    ");
        let jpki_token = ObjectId::Binary {
            df: Some(crate::card::chipmap::JPKI.aid.to_vec()),
            ef: [0x00, 0x06],
        };
        assert_eq!(
            scan_object(Some(&jpki_token), &token, &Declared::none()).len(),
            1
        );
    }

    /// Issue 18: a 12-digit number followed by a digit-like byte (a DER `30` tag) is a
    /// 13-digit run; the old scan skipped it.
    #[test]
    fn a_my_number_beside_a_digit_like_byte_is_found() {
        let mut b = vec![0x13, 0x0C];
        b.extend(b"537686677188");
        b.extend([0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(scan(&b, &Declared::none()).len(), 1);
        // Unparseable bytes: any 12 digits inside a longer run.
        assert_eq!(scan(b"x5376866771880x", &Declared::none()).len(), 1);
        assert_eq!(scan(b"x95376866771880x", &Declared::none()).len(), 1);
        // A declared value is allowed whole.
        assert!(scan(b"x9990000000000101x", &Declared::of(["9990000000000101"])).is_empty());
    }

    #[test]
    fn printed_forms_are_found_in_data_and_text() {
        let none = Declared::none();
        for s in [
            "537686677188",
            "5376 8667 7188",
            "5376-8667-7188",
            "５３７６８６６７７１８８",
            "５３７６　８６６７　７１８８",
            "５３７６－８６６７－７１８８",
        ] {
            assert_eq!(scan_text(&format!("# note {s} end"), &none).len(), 1, "{s}");
            assert_eq!(scan(s.as_bytes(), &none).len(), 1, "{s}");
            assert!(
                scan_text(s, &Declared::of(["537686677188"])).is_empty(),
                "{s}"
            );
            assert!(
                scan_text(s, &Declared::of(["5376 8667 7188"])).is_empty(),
                "{s}"
            );
        }
    }

    #[test]
    fn hex_words_in_text_are_read_as_hex() {
        let none = Declared::none();
        // An AID in a comment: 15 digits inside a hex word are not a number.
        assert!(scan_text("# JPKI-AP D392F000260100000001 (card-facts)", &none).is_empty());
        // Exactly 12 digits inside one still are; so is a My Number in its bytes.
        assert_eq!(scan_text("# ABCDEF537686677188", &none).len(), 1);
        assert_eq!(
            scan_text("# FF100C353337363836363737313838FFFF", &none).len(),
            1
        );
    }

    #[test]
    fn text_encodings_of_a_value_are_read() {
        let none = Declared::none();
        let n = "537686677188";
        let bmp: Vec<u8> = n.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let uni: Vec<u8> = n.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        let sjis: Vec<u8> = n.bytes().flat_map(|c| [0x82, c - b'0' + 0x4F]).collect();
        for (tag, v) in [
            (0x1Eu8, bmp),
            (0x1C, uni),
            (0x0C, sjis),
            (0x14, n.as_bytes().to_vec()),
        ] {
            let mut b = vec![0x30, v.len() as u8 + 2, tag, v.len() as u8];
            b.extend(&v);
            assert_eq!(scan(&b, &none).len(), 1, "{tag:02X}");
        }
    }

    /// Regression: the synthetic CA certificates' notBefore `200101000000Z` passes the
    /// check digit; a certificate time is not a My Number.
    #[test]
    fn certificate_times_are_not_my_numbers() {
        assert!(is_my_number(b"200101000000"));
        let mut t = vec![0x30, 0x1E, 0x17, 0x0D];
        t.extend(b"200101000000Z");
        assert!(scan(&t, &Declared::none()).is_empty());
        // Also as bytes of unknown structure.
        assert!(scan(&t[2..], &Declared::none()).is_empty());
        assert!(scan(&[&[0x00][..], &t].concat(), &Declared::none()).is_empty());
        // The same digits outside a UTCTime are reported.
        assert_eq!(scan(&t[4..16], &Declared::none()).len(), 1);
        // A GeneralizedTime's 14 digits too (any 12 of them may pass the check digit).
        let mut g = vec![0x18, 0x0F];
        g.extend(b"20200101000000Z");
        assert!(scan(&g, &Declared::none()).is_empty());
    }

    #[test]
    fn full_width_digits_count() {
        let s = "番号１２３４５６７８９０１８です";
        assert_eq!(scan_text(s, &Declared::none()).len(), 1);
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
        let kinds: Vec<Personal> = scan(&b, &Declared::none())
            .into_iter()
            .map(|h| h.what)
            .collect();
        assert_eq!(
            kinds,
            vec![
                Personal::Png,
                Personal::Jpeg2000,
                Personal::HolderAttributeOid
            ]
        );
        assert!(scan(&[0x30, 0x82, 0x01, 0x00], &Declared::none()).is_empty());
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
