//! The leak check against planted personal data (issue 18): a valid My Number, or a
//! holder's name, planted in generated certificates and records at random positions, in
//! random encodings and printed forms, with digit-like bytes beside it. `fixture check`
//! must find every plant; the same fixture without the plant must pass (so a hit is the
//! plant's, not noise). Hand-built hostile certificates cover each place a name can hide.
//!
//! `MYNA_PROP_CASES` sets the number of plants (default 2000); `MYNA_PROP_SEED` the seed.
//! The plants and the hit rate are printed (`cargo test --test leak_props -- --nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use myna_audit::fixture_check::check_text;
use myna_audit::privacy::detect::{self, Declared};

/// xorshift64*: deterministic, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---- DER, by hand ----

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = body.len();
    if n < 0x80 {
        v.push(n as u8);
    } else if n < 0x100 {
        v.extend([0x81, n as u8]);
    } else {
        v.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    v.extend(body);
    v
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

const OID_C: &[u8] = &[0x55, 0x04, 0x06];
const OID_O: &[u8] = &[0x55, 0x04, 0x0A];
const OID_OU: &[u8] = &[0x55, 0x04, 0x0B];
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
/// 2.5.4.42 givenName: an attribute no JPKI certificate's subject has.
const OID_GIVEN: &[u8] = &[0x55, 0x04, 0x2A];

fn atv(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
    tlv(0x31, &seq(&[tlv(0x06, oid), tlv(tag, value)]))
}

fn name(rdns: &[Vec<u8>]) -> Vec<u8> {
    seq(rdns)
}

fn issuer() -> Vec<u8> {
    name(&[
        atv(OID_C, 0x13, b"JP"),
        atv(OID_O, 0x13, b"JPKI-SYNTHETIC-TEST"),
        atv(OID_OU, 0x13, b"JPKI for user authentication"),
    ])
}

fn extension(oid: &[u8], value: &[u8]) -> Vec<u8> {
    seq(&[tlv(0x06, oid), tlv(0x04, value)])
}

/// A certificate x509-parser reads (the signature is filler: nothing here verifies it).
fn certificate(subject: Vec<u8>, extensions: Vec<Vec<u8>>, serial: &[u8]) -> Vec<u8> {
    let alg = seq(&[
        tlv(
            0x06,
            &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B],
        ),
        vec![0x05, 0x00],
    ]);
    let rsa = seq(&[
        tlv(0x02, &[&[0x00, 0xC1][..], &[0x5A; 63]].concat()),
        tlv(0x02, &[0x01, 0x00, 0x01]),
    ]);
    let spki = seq(&[
        seq(&[
            tlv(
                0x06,
                &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01],
            ),
            vec![0x05, 0x00],
        ]),
        tlv(0x03, &[&[0x00][..], &rsa].concat()),
    ]);
    let validity = seq(&[tlv(0x17, b"200101000000Z"), tlv(0x18, b"20351231235959Z")]);
    let mut tbs = vec![
        tlv(0xA0, &tlv(0x02, &[0x02])),
        tlv(0x02, serial),
        alg.clone(),
        issuer(),
        validity,
        subject,
        spki,
    ];
    if !extensions.is_empty() {
        tbs.push(tlv(0xA3, &seq(&extensions)));
    }
    seq(&[
        seq(&tbs),
        alg,
        tlv(0x03, &[&[0x00][..], &[0xEE; 64]].concat()),
    ])
}

fn plain_subject(cn: &[u8]) -> Vec<u8> {
    name(&[atv(OID_C, 0x13, b"JP"), atv(OID_CN, 0x13, cn)])
}

// ---- fixtures ----

fn hex(b: &[u8]) -> String {
    myna_audit::transport::spaced_hex(b)
}

/// A synthetic fixture whose JPKI-AP EF 0008 (free, no identifier rule) holds `data`, read
/// in chunks of `chunk` bytes.
fn fixture(data: &[u8], chunk: usize) -> String {
    let mut t = String::from(
        "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n\
         > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n< 90 00\n\
         > 00 A4 02 0C 02 00 08\n< 90 00\n",
    );
    for (i, c) in data.chunks(chunk.max(1)).enumerate() {
        let off = i * chunk.max(1);
        t.push_str(&format!(
            "> 00 B0 {:02X} {:02X} 00\n< {} 90 00\n",
            off >> 8,
            off & 0xFF,
            hex(c)
        ));
    }
    t
}

fn leaks(text: &str) -> Vec<String> {
    check_text(text)
        .into_iter()
        .filter(|p| p.leak)
        .map(|p| p.message)
        .collect()
}

// ---- what is planted ----

/// A random valid My Number (11 random digits and their check digit).
fn my_number(rng: &mut Rng) -> String {
    let mut d = [0u8; 11];
    for x in &mut d {
        *x = rng.below(10) as u8;
    }
    let c = detect::my_number_check_digit(&d);
    d.iter()
        .chain([c].iter())
        .map(|x| char::from(b'0' + x))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Ascii,
    Spaced,
    Hyphenated,
    FullWidth,
    FullWidthSpaced,
    Utf16Be,
    Utf16Le,
    Utf32,
    ShiftJis,
}

const FORMS: [Form; 9] = [
    Form::Ascii,
    Form::Spaced,
    Form::Hyphenated,
    Form::FullWidth,
    Form::FullWidthSpaced,
    Form::Utf16Be,
    Form::Utf16Le,
    Form::Utf32,
    Form::ShiftJis,
];

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

fn grouped(n: &str, sep: &str) -> String {
    format!("{}{sep}{}{sep}{}", &n[..4], &n[4..8], &n[8..])
}

/// The number's bytes in a form, and the ASN.1 string tag a certificate would use for it.
fn encode(n: &str, form: Form) -> (Vec<u8>, u8) {
    match form {
        Form::Ascii => (n.as_bytes().to_vec(), 0x13),
        Form::Spaced => (grouped(n, " ").into_bytes(), 0x13),
        Form::Hyphenated => (grouped(n, "-").into_bytes(), 0x13),
        Form::FullWidth => (full_width(n).into_bytes(), 0x0C),
        Form::FullWidthSpaced => (full_width(&grouped(n, " ")).into_bytes(), 0x0C),
        Form::Utf16Be => (n.encode_utf16().flat_map(u16::to_be_bytes).collect(), 0x1E),
        Form::Utf16Le => (n.encode_utf16().flat_map(u16::to_le_bytes).collect(), 0x04),
        Form::Utf32 => (
            n.chars().flat_map(|c| (c as u32).to_be_bytes()).collect(),
            0x1C,
        ),
        Form::ShiftJis => (
            n.bytes().flat_map(|c| [0x82, c - b'0' + 0x4F]).collect(),
            0x04,
        ),
    }
}

/// Digit-like bytes set beside a plant: nothing, an ASCII digit, a DER tag that reads as
/// one (`30` SEQUENCE is '0'), or a few digits.
fn neighbour(rng: &mut Rng) -> Vec<u8> {
    match rng.below(4) {
        0 => Vec::new(),
        1 => vec![b'0' + rng.below(10) as u8],
        2 => vec![0x30],
        _ => (0..1 + rng.below(4))
            .map(|_| b'0' + rng.below(10) as u8)
            .collect(),
    }
}

/// Filler that cannot make a number or a signature by itself: bytes 0x40..=0x7E.
fn filler(rng: &mut Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| 0x40 + rng.below(0x3F) as u8).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// Raw in a record of no known structure.
    Record,
    /// As a TLV value (`DF xx`) inside a `FF xx` record.
    TlvRecord,
    CertCn,
    /// The second CN of a subject.
    CertSecondCn,
    CertO,
    CertOu,
    /// An unknown extension's value.
    CertExtension,
    /// A subjectAltName directory name.
    CertSanDirName,
    CertSerialAdjacentExtension,
}

const PLACES: [Place; 9] = [
    Place::Record,
    Place::TlvRecord,
    Place::CertCn,
    Place::CertSecondCn,
    Place::CertO,
    Place::CertOu,
    Place::CertExtension,
    Place::CertSanDirName,
    Place::CertSerialAdjacentExtension,
];

/// The card data with `plant` at `place` (and without it, for the control).
fn build(rng: &mut Rng, place: Place, plant: &[u8], tag: u8) -> (Vec<u8>, Vec<u8>) {
    let before = neighbour(rng);
    let after = neighbour(rng);
    let with = [&before[..], plant, &after[..]].concat();
    let without = [&before[..], &after[..]].concat();
    let tag = if tag == 0x04 { 0x0C } else { tag };
    let make = |v: &[u8], rng: &mut Rng| -> Vec<u8> {
        let cn_ok = b"SYNTHETIC-AUTH-00101".to_vec();
        match place {
            Place::Record => {
                let a = rng.below(40);
                let b = rng.below(40);
                [filler(rng, a), v.to_vec(), filler(rng, b)].concat()
            }
            Place::TlvRecord => {
                let a = rng.below(20);
                let inner = [tlv(0xDF, &[0x31, 0x02, 0x41, 0x42]), {
                    let mut x = vec![0xDF, 0x33, v.len() as u8];
                    x.extend(v);
                    x
                }]
                .concat();
                let mut rec = vec![0xFF, 0x30, inner.len() as u8];
                rec.extend(inner);
                [rec, vec![0xFF; a]].concat()
            }
            Place::CertCn => certificate(
                name(&[
                    atv(OID_C, 0x13, b"JP"),
                    atv(OID_CN, tag, &[&cn_ok[..], b"/", v].concat()),
                ]),
                vec![],
                &[0x01, 0x02],
            ),
            Place::CertSecondCn => certificate(
                name(&[
                    atv(OID_C, 0x13, b"JP"),
                    atv(OID_CN, 0x13, &cn_ok),
                    atv(OID_CN, tag, &[b"X1".as_slice(), v].concat()),
                ]),
                vec![],
                &[0x01, 0x03],
            ),
            Place::CertO | Place::CertOu => {
                let oid = if place == Place::CertO { OID_O } else { OID_OU };
                let value = [b"JPKI-SYNTHETIC-TEST".as_slice(), v].concat();
                certificate(
                    name(&[
                        atv(OID_C, 0x13, b"JP"),
                        atv(oid, tag, &value),
                        atv(OID_CN, 0x13, &cn_ok),
                    ]),
                    vec![],
                    &[0x01, 0x04],
                )
            }
            Place::CertExtension => certificate(
                plain_subject(&cn_ok),
                vec![extension(
                    &[0x2A, 0x03, 0x04, 0x05],
                    &tlv(tag, &[b"n=".as_slice(), v].concat()),
                )],
                &[0x01, 0x05],
            ),
            Place::CertSanDirName | Place::CertSerialAdjacentExtension => {
                let dir = tlv(0xA4, &name(&[atv(OID_CN, tag, v)]));
                let ext = if place == Place::CertSanDirName {
                    extension(&[0x55, 0x1D, 0x11], &seq(&[dir]))
                } else {
                    extension(&[0x2A, 0x03, 0x04, 0x06], &[v, &[0x30, 0x00]].concat())
                };
                certificate(plain_subject(&cn_ok), vec![ext], &[0x01, 0x06])
            }
        }
    };
    let state = rng.0;
    let a = make(&with, rng);
    let mut again = Rng(state);
    let b = make(&without, &mut again);
    (a, b)
}

fn number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Every planted My Number is found, in every place and form; the controls are clean.
#[test]
fn every_planted_my_number_is_found() {
    let cases = number("MYNA_PROP_CASES").unwrap_or(2000);
    let seed = number("MYNA_PROP_SEED").unwrap_or(0x5EED_1818);
    let mut rng = Rng(seed | 1);
    let mut hits = 0u64;
    let mut misses = Vec::new();
    let mut per: std::collections::BTreeMap<(Place, Form), (u64, u64)> = Default::default();
    for case in 0..cases {
        let place = *rng.pick(&PLACES);
        let form = *rng.pick(&FORMS);
        let n = my_number(&mut rng);
        let (plant, tag) = encode(&n, form);
        let (with, without) = build(&mut rng, place, &plant, tag);
        let chunk = *rng.pick(&[7usize, 16, 64, 256]);
        let found = !leaks(&fixture(&with, chunk)).is_empty();
        let control = leaks(&fixture(&without, chunk));
        // The control has no number: a plant-free name check may still fire (a SAN
        // directory name names the holder whatever it holds), so only numbers count here.
        let noisy: Vec<&String> = control.iter().filter(|m| m.contains("My Number")).collect();
        assert!(
            noisy.is_empty(),
            "case {case}: control {place:?}/{form:?}: {noisy:?}"
        );
        let e = per.entry((place, form)).or_default();
        e.0 += 1;
        if found {
            hits += 1;
            e.1 += 1;
        } else {
            misses.push(format!("case {case}: {place:?} {form:?} {n} chunk {chunk}"));
        }
    }
    println!(
        "leak_props: {cases} My Number plants (seed {seed:#x}), {hits} found: hit rate {:.2}%",
        100.0 * hits as f64 / cases.max(1) as f64
    );
    for ((p, f), (n, h)) in &per {
        println!("  {p:?} {f:?}: {h}/{n}");
    }
    assert!(
        misses.is_empty(),
        "{} missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

/// A holder's name, in every place of a certificate and every string type, is found.
#[test]
fn every_planted_name_is_found() {
    let cases = number("MYNA_PROP_CASES").unwrap_or(2000) / 4;
    let mut rng = Rng(number("MYNA_PROP_SEED").unwrap_or(0x4E41_4D45) | 1);
    let names = [
        "YAMADA TARO",
        "Yamada Taro",
        "山田 太郎",
        "やまだ たろう",
        "SATO HANAKO",
    ];
    let mut hits = 0u64;
    for case in 0..cases {
        let who = *rng.pick(&names);
        let tag = *rng.pick(&[0x13u8, 0x0C, 0x1E, 0x14, 0x1C]);
        let bytes: Vec<u8> = match tag {
            0x1E => who.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            0x1C => who.chars().flat_map(|c| (c as u32).to_be_bytes()).collect(),
            0x14 if !who.is_ascii() => continue, // T61 holds Latin-1 only
            _ => who.as_bytes().to_vec(),
        };
        let where_ = rng.below(5);
        let cn_ok = b"SYNTHETIC-AUTH-00101".as_slice();
        let cert = match where_ {
            0 => certificate(
                name(&[atv(OID_C, 0x13, b"JP"), atv(OID_CN, tag, &bytes)]),
                vec![],
                &[7],
            ),
            1 => certificate(
                name(&[
                    atv(OID_C, 0x13, b"JP"),
                    atv(OID_CN, 0x13, cn_ok),
                    atv(OID_CN, tag, &bytes),
                ]),
                vec![],
                &[7],
            ),
            2 => certificate(
                name(&[
                    atv(OID_C, 0x13, b"JP"),
                    atv(OID_O, tag, &bytes),
                    atv(OID_CN, 0x13, cn_ok),
                ]),
                vec![],
                &[7],
            ),
            3 => certificate(
                name(&[
                    atv(OID_C, 0x13, b"JP"),
                    atv(OID_OU, tag, &bytes),
                    atv(OID_CN, 0x13, cn_ok),
                ]),
                vec![],
                &[7],
            ),
            _ => certificate(
                plain_subject(cn_ok),
                vec![extension(
                    &[0x55, 0x1D, 0x11],
                    &seq(&[tlv(0xA4, &name(&[atv(OID_GIVEN, tag, &bytes)]))]),
                )],
                &[7],
            ),
        };
        let l = leaks(&fixture(&cert, 256));
        assert!(
            l.iter().any(|m| m.contains("names its holder")),
            "case {case}: {who} tag {tag:02X} at {where_}: {l:?}"
        );
        hits += 1;
    }
    println!("leak_props: {hits} name plants, {hits} found");
    // The control: the same certificate with only C and an identifier CN passes.
    assert!(
        leaks(&fixture(
            &certificate(plain_subject(b"SYNTHETIC-AUTH-00101"), vec![], &[7]),
            256
        ))
        .is_empty()
    );
}

#[test]
fn declared_values_are_allowed_and_nothing_else() {
    let d = Declared::of(["9990000000000101"]);
    assert!(detect::scan(b"x9990000000000101x", &d).is_empty());
    assert!(
        !detect::scan(b"x99900000000001019x", &d).is_empty() || {
            // The longer run is not the declared value: judged conservatively, it may or may
            // not hold a valid window; this one's windows are checked directly.
            let digits: Vec<u8> = b"99900000000001019".iter().map(|c| c - b'0').collect();
            !digits.windows(12).any(detect::valid_digits)
        }
    );
}
