//! The committed fixtures are exactly what the generator makes, follow docs/fixtures.md, and
//! carry certificates a verifier accepts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use x509_parser::prelude::*;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The files fixturegen writes. Other fixtures (e.g. redacted recordings) may sit beside them.
const GENERATED: [&str; 9] = [
    "expired.fixture",
    "face-auth.fixture",
    "jlis-gen1-ca.fixture",
    "minor.fixture",
    "no-signing-cert.fixture",
    "not-my-number.fixture",
    "pin-blocked.fixture",
    "test-card.fixture",
    "typical.fixture",
];

fn committed() -> Vec<(String, String)> {
    GENERATED
        .iter()
        .map(|name| {
            let path = fixtures_dir().join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name.to_string(), text)
        })
        .collect()
}

/// 2026-06-01T00:00:00Z, the date the audit's tests evaluate validity on.
const AS_OF: i64 = 1_780_272_000;

#[test]
fn committed_fixtures_equal_a_fresh_generation() {
    let outputs = fixturegen::generate().unwrap();
    let problems = fixturegen::differences(&fixtures_dir(), &outputs).unwrap();
    assert!(
        problems.is_empty(),
        "fixtures/ drifted from tools/fixturegen; run `cargo run -p fixturegen -- write fixtures`:\n{}",
        problems.join("\n")
    );
    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, GENERATED);
}

#[test]
fn generation_is_reproducible() {
    assert_eq!(
        fixturegen::generate().unwrap(),
        fixturegen::generate().unwrap()
    );
}

/// One parsed fixture: header pairs and exchanges.
struct Parsed {
    header: Vec<(String, String)>,
    exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: String = s.chars().filter(|c| *c != ' ').collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(format!("odd or empty hex {s:?}"));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|e| format!("{s:?}: {e}")))
        .collect()
}

/// The rules of docs/fixtures.md, strictly.
fn parse(name: &str, text: &str) -> Parsed {
    const KEYS: &[&str] = &[
        "format",
        "kind",
        "note",
        "reader",
        "atr",
        "tool",
        "date",
        "fictional",
        "redacted",
    ];
    let mut header = Vec::new();
    let mut exchanges = Vec::new();
    let mut pending: Option<Vec<u8>> = None;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", i + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            assert!(pending.is_none(), "{at}: `>` after `>`");
            let cmd = parse_hex(rest).unwrap_or_else(|e| panic!("{at}: {e}"));
            assert!(cmd.len() >= 4, "{at}: command shorter than 4 bytes");
            // VERIFY, CHANGE REFERENCE DATA, CHANGE KEY: never with data (never a PIN).
            let verify_class = matches!((cmd[0], cmd[1]), (0x00, 0x20 | 0x24) | (0x80, 0x32));
            assert!(
                !(verify_class && cmd.len() > 4),
                "{at}: VERIFY-class command with data"
            );
            pending = Some(cmd);
        } else if let Some(rest) = line.strip_prefix("< ") {
            let cmd = pending
                .take()
                .unwrap_or_else(|| panic!("{at}: `<` without `>`"));
            let resp = parse_hex(rest).unwrap_or_else(|e| panic!("{at}: {e}"));
            assert!(resp.len() >= 2, "{at}: response without SW1 SW2");
            exchanges.push((cmd, resp));
        } else {
            assert!(exchanges.is_empty(), "{at}: header line after an exchange");
            let (k, v) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("{at}: not `key: value`"));
            assert!(KEYS.contains(&k), "{at}: unknown header key {k:?}");
            header.push((k.to_owned(), v.to_owned()));
        }
    }
    assert!(pending.is_none(), "{name}: last `>` has no `<`");
    for required in ["format", "kind", "reader", "atr"] {
        assert_eq!(
            header.iter().filter(|(k, _)| k == required).count(),
            1,
            "{name}: header {required:?} must appear once"
        );
    }
    let get = |k: &str| header.iter().find(|(key, _)| key == k).unwrap().1.clone();
    assert_eq!(get("format"), "myna-audit-fixture 1", "{name}");
    assert_eq!(get("kind"), "synthetic", "{name}");
    parse_hex(&get("atr")).unwrap_or_else(|e| panic!("{name}: atr: {e}"));
    assert!(
        header
            .iter()
            .any(|(k, v)| k == "note" && v.contains("fictional")),
        "{name}: a note must say the data is fictional"
    );
    Parsed { header, exchanges }
}

#[test]
fn every_fixture_follows_the_format() {
    let files = committed();
    assert_eq!(files.len(), GENERATED.len());
    for (name, text) in &files {
        let p = parse(name, text);
        assert!(!p.exchanges.is_empty(), "{name}: no exchanges");
    }
}

/// A tiny replay: the bytes of each (DF, EF) from the recorded READ BINARY and READ RECORD
/// answers, plus each PIN EF's VERIFY answer.
#[derive(Default)]
struct Card {
    files: BTreeMap<(Vec<u8>, u16), Vec<u8>>,
    counters: BTreeMap<(Vec<u8>, u16), [u8; 2]>,
}

fn replay(p: &Parsed) -> Card {
    let mut card = Card::default();
    let mut df = Vec::new();
    let mut ef = 0u16;
    for (cmd, resp) in &p.exchanges {
        let (data, sw) = resp.split_at(resp.len() - 2);
        match (cmd[1], cmd[2]) {
            (0xA4, 0x04) if sw == [0x90, 0x00] => df = cmd[5..].to_vec(),
            (0xA4, 0x02) => ef = u16::from_be_bytes([cmd[5], cmd[6]]),
            (0xB0, _) if sw == [0x90, 0x00] => {
                let off = usize::from(u16::from_be_bytes([cmd[2], cmd[3]]));
                let file = card.files.entry((df.clone(), ef)).or_default();
                assert_eq!(file.len(), off, "READ BINARY chunks are contiguous");
                let le = if cmd[4] == 0 {
                    256
                } else {
                    usize::from(cmd[4])
                };
                // A full chunk, or the last one: the bytes left, fewer than asked (the end).
                assert!(data.len() <= le, "chunk answers at most its Le");
                assert_eq!(file.len() % 256, 0, "only the last chunk is short");
                file.extend_from_slice(data);
            }
            (0xB0, _) if sw == [0x6B, 0x00] => {
                let off = usize::from(u16::from_be_bytes([cmd[2], cmd[3]]));
                let len = card.files.get(&(df.clone(), ef)).map_or(0, Vec::len);
                assert_eq!(off, len, "6B00 marks the end of the file");
            }
            (0xB2, _) => {
                card.files.insert((df.clone(), ef), data.to_vec());
            }
            (0x20, _) => {
                card.counters.insert((df.clone(), ef), [sw[0], sw[1]]);
            }
            _ => {}
        }
    }
    card
}

const JPKI: &[u8] = &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
const TEXT: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
const VISUAL: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
const COMMON: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00];

fn file<'a>(card: &'a Card, df: &[u8], ef: u16) -> &'a [u8] {
    card.files
        .get(&(df.to_vec(), ef))
        .unwrap_or_else(|| panic!("EF {ef:04X} not recorded"))
}

fn my_number_cards() -> Vec<(String, Parsed, Card)> {
    committed()
        .into_iter()
        .filter(|(name, _)| name != "not-my-number.fixture")
        .map(|(name, text)| {
            let p = parse(&name, &text);
            let card = replay(&p);
            (name, p, card)
        })
        .collect()
}

/// SHA-256 of J-LIS's generation-1 CA certificates (src/trust/roots/README.md).
const JLIS_GEN1_AUTH_SHA256: &str =
    "4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D";
const JLIS_GEN1_SIGN_SHA256: &str =
    "19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355";

fn sha256_hex(b: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02X}"))
        .collect()
}

#[test]
fn auth_certificates_chain_to_the_synthetic_ca() {
    for (name, _, card) in my_number_cards() {
        let (_, auth) = X509Certificate::from_der(file(&card, JPKI, 0x000A)).unwrap();
        let (_, ca) = X509Certificate::from_der(file(&card, JPKI, 0x000B)).unwrap();
        let (_, sign_ca) = X509Certificate::from_der(file(&card, JPKI, 0x0002)).unwrap();
        let now = ASN1Time::from_timestamp(AS_OF).unwrap();

        ca.verify_signature(None).unwrap();
        sign_ca.verify_signature(None).unwrap();
        let issuer = auth.issuer().to_string();
        if name == "jlis-gen1-ca.fixture" {
            // J-LIS's real generation-1 CA certificates, byte for byte, expired 2025-10-19; the
            // synthetic holder certificate is not theirs.
            assert_eq!(sha256_hex(file(&card, JPKI, 0x000B)), JLIS_GEN1_AUTH_SHA256);
            assert_eq!(sha256_hex(file(&card, JPKI, 0x0002)), JLIS_GEN1_SIGN_SHA256);
            for c in [&ca, &sign_ca] {
                assert!(c.is_ca() && !c.validity().is_valid_at(now), "{name}");
                assert!(c.subject().to_string().contains("O=JPKI,"), "{name}");
            }
            assert!(auth.verify_signature(Some(ca.public_key())).is_err());
            assert_ne!(auth.issuer(), ca.subject());
            assert!(issuer.contains("O=JPKI-SYNTHETIC-TEST"), "{name}: {issuer}");
        } else {
            auth.verify_signature(Some(ca.public_key()))
                .unwrap_or_else(|e| panic!("{name}: auth cert does not verify: {e}"));
            assert_eq!(auth.issuer(), ca.subject(), "{name}");
            let org = if name == "test-card.fixture" {
                "O=JPKI-TEST,"
            } else {
                "O=JPKI-SYNTHETIC-TEST,"
            };
            for c in [&auth.issuer().to_string(), &sign_ca.subject().to_string()] {
                assert!(c.contains(org), "{name}: {c}");
            }
            assert_eq!(
                auth.authority_key_identifier_raw(),
                ca.subject_key_identifier_raw(),
                "{name}"
            );
            for c in [&ca, &sign_ca] {
                assert!(c.is_ca() && c.key_usage().unwrap().unwrap().value.key_cert_sign());
                assert!(c.validity().is_valid_at(now));
            }
        }
        let cn = auth
            .subject()
            .iter_common_name()
            .next()
            .and_then(|c| c.as_str().ok())
            .unwrap();
        assert_eq!(cn.len(), 20, "{name}");
        assert!(auth.raw_serial().len() > 1, "{name}: multi-byte serial");
        assert_eq!(auth.public_key().parsed().unwrap().key_size(), 2048);

        assert!(auth.basic_constraints().unwrap().is_none(), "{name}");
        let ku = auth.key_usage().unwrap().unwrap();
        assert!(ku.critical && ku.value.digital_signature() && !ku.value.key_cert_sign());

        let valid = auth.validity().is_valid_at(now);
        assert_eq!(
            valid,
            name != "expired.fixture",
            "{name}: validity as of 2026-06-01"
        );
    }
}

/// The key identifiers are compared through their raw extension values.
trait KeyIds {
    fn authority_key_identifier_raw(&self) -> Option<Vec<u8>>;
    fn subject_key_identifier_raw(&self) -> Option<Vec<u8>>;
}

impl KeyIds for X509Certificate<'_> {
    fn authority_key_identifier_raw(&self) -> Option<Vec<u8>> {
        self.extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => None,
            })
    }
    fn subject_key_identifier_raw(&self) -> Option<Vec<u8>> {
        self.extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(ski) => Some(ski.0.to_vec()),
                _ => None,
            })
    }
}

#[test]
fn card_records_have_their_documented_sizes() {
    for (name, p, card) in my_number_cards() {
        assert_eq!(file(&card, JPKI, 0x0006).len(), 160, "{name}: token info");
        assert_eq!(&file(&card, JPKI, 0x0006)[..15], b"JPKIAPICCTOKEN2");
        assert_eq!(file(&card, TEXT, 0x0004).len(), 568, "{name}: text CV cert");
        assert_eq!(
            file(&card, VISUAL, 0x0004).len(),
            568,
            "{name}: visual CV cert"
        );
        assert_eq!(file(&card, TEXT, 0x0005).len(), 164, "{name}: text AP info");
        assert_eq!(file(&card, TEXT, 0x0008), [0xFF; 16], "{name}");

        // 共通AP 0001: 01 1C + serial + municipality + expiry, consistent with GET DATA.
        let record = file(&card, COMMON, 0x0001);
        assert_eq!(record[..2], [0x01, 0x1C], "{name}");
        let digits = &record[2..];
        assert!(digits.iter().all(u8::is_ascii_digit), "{name}");
        let get_data = |tag: u16| -> Vec<u8> {
            let [p1, p2] = tag.to_be_bytes();
            let (_, resp) = p
                .exchanges
                .iter()
                .find(|(c, _)| c[..4] == [0x00, 0xCA, p1, p2])
                .unwrap();
            resp[..resp.len() - 2].to_vec()
        };
        assert_eq!(digits[15..20], get_data(0x00F0), "{name}");
        assert_eq!(digits[20..], get_data(0x00F2), "{name}");
        let declared: Vec<&str> = p
            .header
            .iter()
            .filter(|(k, _)| k == "fictional")
            .map(|(_, v)| v.as_str())
            .collect();
        let serial = std::str::from_utf8(&digits[..15]).unwrap();
        assert!(
            declared.contains(&serial),
            "{name}: card serial declared fictional"
        );

        // The visual AP's DF34 carries the same municipality code.
        let visual = file(&card, VISUAL, 0x0003);
        let at = visual
            .windows(3)
            .position(|w| w == [0xDF, 0x34, 0x05])
            .unwrap();
        assert_eq!(visual[at + 3..at + 8], digits[15..20], "{name}");
        assert_eq!(digits[15..17], *b"99", "{name}: no real prefecture code");
    }
}

#[test]
fn declared_my_numbers_have_valid_check_digits() {
    for (name, p, _) in my_number_cards() {
        let twelve: Vec<&str> = p
            .header
            .iter()
            .filter(|(k, v)| {
                k == "fictional" && v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())
            })
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(twelve.len(), 1, "{name}");
        let n = twelve[0];
        let check = fixturegen::mynumber::check_digit(&n[..11]).unwrap();
        assert_eq!(n.as_bytes()[11] - b'0', check, "{name}");
    }
}

#[test]
fn pin_counters_are_as_each_card_says() {
    type Sw = [u8; 2];
    // (file, JPKI 0018, JPKI 001B, text 0011)
    let expect: &[(&str, Sw, Sw, Sw)] = &[
        ("typical.fixture", [0x63, 0xC3], [0x63, 0xC5], [0x63, 0xC3]),
        ("minor.fixture", [0x63, 0xC3], [0x63, 0xC5], [0x63, 0xC3]),
        ("expired.fixture", [0x63, 0xC3], [0x63, 0xC5], [0x63, 0xC3]),
        (
            "pin-blocked.fixture",
            [0x69, 0x84],
            [0x63, 0xC1],
            [0x63, 0xC0],
        ),
        (
            "no-signing-cert.fixture",
            [0x63, 0xC3],
            [0x69, 0x84],
            [0x63, 0xC3],
        ),
        (
            "face-auth.fixture",
            [0x69, 0x84],
            [0x69, 0x84],
            [0x69, 0x84],
        ),
        (
            "jlis-gen1-ca.fixture",
            [0x63, 0xC3],
            [0x63, 0xC5],
            [0x63, 0xC3],
        ),
        (
            "test-card.fixture",
            [0x63, 0xC3],
            [0x63, 0xC5],
            [0x63, 0xC3],
        ),
    ];
    let cards = my_number_cards();
    for (file_name, auth, sign, text) in expect {
        let (_, _, card) = cards.iter().find(|(n, _, _)| n == file_name).unwrap();
        let c = |df: &[u8], ef: u16| card.counters[&(df.to_vec(), ef)];
        assert_eq!(c(JPKI, 0x0018), *auth, "{file_name}");
        assert_eq!(c(JPKI, 0x001B), *sign, "{file_name}");
        assert_eq!(c(TEXT, 0x0011), *text, "{file_name}");
        assert_eq!(
            c(TEXT, 0x0012),
            [0x63, 0xC0],
            "{file_name}: blocked at issue"
        );
    }
}

#[test]
fn not_my_number_answers_nothing() {
    let text = std::fs::read_to_string(fixtures_dir().join("not-my-number.fixture")).unwrap();
    let p = parse("not-my-number.fixture", &text);
    for (cmd, resp) in &p.exchanges {
        match cmd[1] {
            0xA4 => assert_eq!(resp, &[0x6A, 0x82]),
            0xCA => assert_eq!(resp, &[0x6A, 0x88]),
            other => panic!("unexpected INS {other:02X}"),
        }
    }
    assert_eq!(p.exchanges.len(), 10);
}

#[test]
fn the_face_authentication_and_no_signing_cards_say_no_signing_certificate() {
    const JUKI: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];
    let cards = my_number_cards();
    let card = |n: &str| &cards.iter().find(|(name, _, _)| name == n).unwrap().2;
    for n in ["face-auth.fixture", "no-signing-cert.fixture"] {
        assert_eq!(file(card(n), JPKI, 0x0008), [0x00, 0x8F, 0x00], "{n}");
    }
    // Every memorised PIN of the face-authentication card answers 6984 (card-facts §9).
    let face = card("face-auth.fixture");
    for (df, ef) in [
        (JPKI, 0x0018),
        (JPKI, 0x001B),
        (TEXT, 0x0011),
        (JUKI, 0x001C),
        (COMMON, 0x001C),
    ] {
        assert_eq!(face.counters[&(df.to_vec(), ef)], [0x69, 0x84], "{ef:04X}");
    }
    // The no-signing card's other PINs are full.
    let ns = card("no-signing-cert.fixture");
    assert_eq!(ns.counters[&(JUKI.to_vec(), 0x001C)], [0x63, 0xC3]);
    assert_eq!(ns.counters[&(COMMON.to_vec(), 0x001C)], [0x63, 0xC3]);
}
