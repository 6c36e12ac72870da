//! `fixture check`: each kind of leak is found and named by file and line, a malformed file
//! is exit 2, the shipped fixtures pass, and a redacted recording of a card with a
//! production-CA certificate passes only while its declarations hold.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::path::Path;

use common::recording::*;
use common::{myna, run};
use myna_audit::fixture::Fixture;
use myna_audit::fixture_check::{Problem, check_text};
use myna_audit::record::{self, RecordOptions};
use myna_audit::transport::replay::Replayer;

const HEAD: &str = "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n";
/// SELECT text AP, SELECT EF 0001 (lines 5-8 after HEAD).
const TEXT_AP: &str =
    "> 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08\n< 90 00\n> 00 A4 02 0C 02 00 01\n< 90 00\n";

fn hex(b: &[u8]) -> String {
    myna_audit::transport::spaced_hex(b)
}

fn leaks(text: &str) -> Vec<Problem> {
    check_text(text).into_iter().filter(|p| p.leak).collect()
}

fn one_leak(text: &str, line: usize, words: &str) {
    let l = leaks(text);
    assert_eq!(l.len(), 1, "{l:#?}\n{text}");
    assert_eq!(l[0].line, line, "{l:#?}\n{text}");
    assert!(l[0].message.contains(words), "{l:#?}");
}

/// text AP EF 0001's layout (card-facts §4.2) with a check-digit-valid number.
fn my_number_file() -> Vec<u8> {
    [&[0xFF, 0x10, 0x0C][..], b"987654321093", &[0xFF, 0xFF]].concat()
}

#[test]
fn a_my_number_in_response_data() {
    let text = format!(
        "{HEAD}{TEXT_AP}> 00 B0 00 00 11\n< {} 90 00\n",
        hex(&my_number_file())
    );
    one_leak(&text, 10, "My Number check digit");
    // Declared fictional: allowed.
    let declared = text.replace("atr: 3B 00\n", "atr: 3B 00\nfictional: 987654321093\n");
    assert!(leaks(&declared).is_empty());
}

#[test]
fn a_my_number_split_across_read_binary_chunks() {
    let f = my_number_file();
    let text = format!(
        "{HEAD}{TEXT_AP}> 00 B0 00 00 08\n< {} 90 00\n> 00 B0 00 08 09\n< {} 90 00\n",
        hex(&f[..8]),
        hex(&f[8..])
    );
    // Neither line alone holds 12 digits; the reassembled file does. Named at its first byte.
    one_leak(&text, 10, "My Number check digit");
}

#[test]
fn a_my_number_in_a_comment() {
    let text = format!("{HEAD}# the holder's number is 987654321093\n{TEXT_AP}");
    one_leak(&text, 5, "not declared 'fictional:'");
}

#[test]
fn image_data() {
    let png = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
    ];
    let text = format!("{HEAD}{TEXT_AP}> 00 B0 00 00 0C\n< {} 90 00\n", hex(&png));
    one_leak(&text, 10, "PNG");
    let jp2 = [
        0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A,
    ];
    // Split in two chunks.
    let text = format!(
        "{HEAD}{TEXT_AP}> 00 B0 00 00 06\n< {} 90 00\n> 00 B0 00 06 06\n< {} 90 00\n",
        hex(&jp2[..6]),
        hex(&jp2[6..])
    );
    one_leak(&text, 10, "JPEG 2000");
}

#[test]
fn holder_attribute_oids() {
    // SubjectAltName entry of the signing certificate: OID 1.2.392.200149.8.5.5.1 (name).
    let oid = [
        0x06, 0x0A, 0x2A, 0x83, 0x08, 0x8C, 0x9B, 0x55, 0x08, 0x05, 0x05, 0x01,
    ];
    let text = format!("{HEAD}{TEXT_AP}> 00 B0 00 00 0C\n< {} 90 00\n", hex(&oid));
    one_leak(&text, 10, "holder attribute");
}

#[test]
fn a_verify_with_data() {
    let text = format!("{HEAD}{TEXT_AP}> 00 20 00 80 04 31 32 33 34\n< 90 00\n");
    one_leak(&text, 9, "carries a secret");
    // It is malformed too (the parser refuses it), but the leak decides the exit status.
    assert!(check_text(&text).iter().any(|p| !p.leak && p.line == 9));
    let query = format!("{HEAD}{TEXT_AP}> 00 20 00 80\n< 63 C3\n");
    assert!(check_text(&query).is_empty());
}

#[test]
fn a_header_without_a_kind_or_a_private_kind() {
    let text = format!("{HEAD}{TEXT_AP}").replace("kind: synthetic\n", "");
    one_leak(&text, 1, "no 'kind:'");
    let private = format!("{HEAD}{TEXT_AP}").replace("synthetic", "recorded-private");
    one_leak(&private, 2, "recorded-private");
}

/// typical.fixture with its synthetic CA's organisation renamed `O=JPKI` plus spaces (same
/// length, so the DER stays valid): as if it held a real card's certificates.
fn production_like() -> String {
    let from = hex(b"JPKI-SYNTHETIC-TEST");
    let to = hex(b"JPKI               ");
    let text = std::fs::read_to_string("fixtures/typical.fixture").unwrap();
    assert!(text.contains(&from));
    text.replace(&from, &to)
}

#[test]
fn a_production_jpki_holder_certificate() {
    let text = production_like();
    let l = leaks(&text);
    // Only the holder's certificate: the CA certificates are public and the same on every card.
    assert_eq!(l.len(), 1, "{l:#?}");
    assert!(l[0].message.contains("production JPKI CA"), "{l:#?}");
    let line = text.lines().nth(l[0].line - 1).unwrap();
    assert!(
        line.starts_with("< 30 82"),
        "names the certificate's line: {line}"
    );
}

#[test]
fn a_redacted_recording_of_a_production_card_passes_while_its_declarations_hold() {
    let f = Fixture::parse(&production_like()).unwrap();
    let (run, fixture) = record::record_audit(
        Replayer::new(&f, "production-like"),
        &options(false, source("production-like")),
        &RecordOptions {
            keep_identifiers: false,
            date: as_of(),
        },
    );
    assert!(run.error.is_none());
    let text = fixture.unwrap().to_text();
    assert_eq!(check_text(&text), Vec::new());
    // Edit a declaration: the certificate no longer matches what the header says.
    let serial_line = text
        .lines()
        .find(|l| l.starts_with("redacted: auth-cert-serial"))
        .unwrap();
    let edited = text.replace(serial_line, "redacted: auth-cert-serial = \"00\" (edited)");
    let l = leaks(&edited);
    assert!(
        l.iter().any(|p| p.message.contains("production JPKI CA")),
        "{l:#?}"
    );
    assert!(
        l.iter().any(|p| p.message.contains("auth-cert-serial")),
        "{l:#?}"
    );
    // Put a real-looking value back in the card record: not a declared replacement.
    let card_serial = text
        .lines()
        .find(|l| l.starts_with("redacted: card-serial"))
        .unwrap();
    let value = card_serial.split('"').nth(1).unwrap();
    let tampered = text.replace(&hex(value.as_bytes()), &hex(b"400000012719843"));
    let l = leaks(&tampered);
    assert!(
        l.iter().any(|p| p.message.contains("card serial")),
        "{l:#?}"
    );
}

fn run_check(files: &[&Path]) -> (i32, String, String) {
    let mut check = myna(&["fixture", "check"]);
    check.args(files);
    let r = run(check);
    (r.code, r.stdout, r.stderr)
}

#[test]
fn the_shipped_fixtures_pass() {
    let files = shipped_fixtures();
    assert!(files.len() >= 5);
    let paths: Vec<&Path> = files.iter().map(Path::new).collect();
    let (code, stdout, stderr) = run_check(&paths);
    assert_eq!(code, 0, "{stderr}");
    for f in &files {
        assert!(stdout.contains(&format!("{f}: ok")), "{stdout}");
    }
}

#[test]
fn the_binary_names_file_and_line_and_exits_1_on_a_leak() {
    let dir = temp_dir();
    let bad = dir.join("leaky.fixture");
    std::fs::write(
        &bad,
        format!(
            "{HEAD}{TEXT_AP}> 00 B0 00 00 11\n< {} 90 00\n",
            hex(&my_number_file())
        ),
    )
    .unwrap();
    let (code, _, stderr) = run_check(&[Path::new("fixtures/typical.fixture"), &bad]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{}:10: leak:", bad.display())),
        "{stderr}"
    );
    assert!(
        !stderr.contains("987654321093"),
        "never echoes the number: {stderr}"
    );
}

#[test]
fn a_malformed_file_is_exit_2_with_its_line() {
    let dir = temp_dir();
    let bad = dir.join("bad.fixture");
    std::fs::write(
        &bad,
        format!("{HEAD}{TEXT_AP}> 00 B0 00 00 02\n< 01 0G 90 00\n"),
    )
    .unwrap();
    let (code, _, stderr) = run_check(&[&bad]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("{}:10: malformed:", bad.display())),
        "{stderr}"
    );
    let missing = dir.join("missing.fixture");
    let (code, _, stderr) = run_check(&[Path::new("fixtures/typical.fixture"), &missing]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("missing.fixture:0: malformed: cannot read"),
        "{stderr}"
    );
}

#[test]
fn the_test_data_fixtures_for_record_are_what_they_claim() {
    // free-png holds an image (a leak); free-mynumber declares its number fictional (clean),
    // which does not stop `record` from refusing it (tests/record.rs).
    let png = std::fs::read_to_string("tests/data/free-png.fixture").unwrap();
    assert!(leaks(&png).iter().any(|p| p.message.contains("PNG")));
    let mn = std::fs::read_to_string("tests/data/free-mynumber.fixture").unwrap();
    assert_eq!(check_text(&mn), Vec::new());
}

// Issue 18: hostile fixtures, built here, each aimed at one way past the check.

/// SELECT JPKI-AP, SELECT EF 0008 (a free file the redactor has no identifier rule for).
const JPKI_EF8: &str =
    "> 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n< 90 00\n> 00 A4 02 0C 02 00 08\n< 90 00\n";

fn read(data: &[u8]) -> String {
    format!("> 00 B0 00 00 00\n< {} 90 00\n", hex(data))
}

#[test]
fn hostile_a_my_number_beside_a_digit_like_byte() {
    // 12 digits followed by a DER SEQUENCE tag (0x30, ASCII '0'): a 13-digit run.
    let mut data = [&[0x13, 0x0C][..], b"987654321093"].concat();
    data.extend([0x30, 0x00]);
    one_leak(&format!("{HEAD}{JPKI_EF8}{}", read(&data)), 10, "My Number");
    // In bytes of no known structure, inside a longer run.
    let data = b"id=49876543210937;".to_vec();
    one_leak(&format!("{HEAD}{JPKI_EF8}{}", read(&data)), 10, "My Number");
}

#[test]
fn hostile_a_my_number_in_other_encodings() {
    let n = "987654321093";
    let utf16: Vec<u8> = n.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let full: Vec<u8> = "９８７６５４３２１０９３".as_bytes().to_vec();
    let sjis: Vec<u8> = n.bytes().flat_map(|c| [0x82, c - b'0' + 0x4F]).collect();
    let printed = b"9876 5432 1093".to_vec();
    for data in [utf16, full, sjis, printed] {
        one_leak(&format!("{HEAD}{JPKI_EF8}{}", read(&data)), 10, "My Number");
    }
}

/// Issue 17's last bullet: the number as printed on the card, in comments, notes and
/// header values, caught in every form a person would type it.
#[test]
fn hostile_the_printed_form_in_comments_and_notes() {
    for form in [
        "987654321093",
        "9876 5432 1093",
        "9876-5432-1093",
        "9876  5432  1093",
        "９８７６５４３２１０９３",
        "９８７６　５４３２　１０９３",
        "９８７６－５４３２－１０９３",
        "9876ー5432ー1093",
    ] {
        let comment = format!("{HEAD}# the holder's number is {form}\n{TEXT_AP}");
        one_leak(&comment, 5, "My Number");
        let note = format!("{HEAD}note: {form}\n{TEXT_AP}");
        one_leak(&note, 5, "My Number");
        // Declared fictional (in either form): allowed.
        let declared = format!("{HEAD}fictional: 9876 5432 1093\n# {form}\n{TEXT_AP}");
        assert!(
            leaks(&declared).is_empty(),
            "{form}: {:#?}",
            leaks(&declared)
        );
    }
}

#[test]
fn hostile_contradictory_kinds() {
    let text = format!("{HEAD}{TEXT_AP}").replace(
        "kind: synthetic\n",
        "kind: recorded-private\nkind: synthetic\n",
    );
    let problems = check_text(&text);
    assert!(
        problems
            .iter()
            .any(|p| p.leak && p.message.contains("recorded-private"))
    );
    assert!(
        problems
            .iter()
            .any(|p| !p.leak && p.message.contains("given twice"))
    );
}

#[test]
fn hostile_free_text_on_a_fictional_line() {
    let text = format!("{HEAD}fictional: 123456789018 but really 987654321093\n{TEXT_AP}");
    let problems = check_text(&text);
    // The real number is a leak; the line itself is malformed.
    assert!(
        problems.iter().any(|p| p.leak && p.line == 5),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| !p.leak && p.message.contains("exactly one value"))
    );
}

#[test]
fn hostile_an_earlier_duplicate_answer_is_scanned() {
    let mut first = my_number_file();
    first.truncate(17);
    let clean = [&[0xFF, 0x10, 0x0C][..], b"000000000000", &[0xFF, 0xFF]].concat();
    let text = format!(
        "{HEAD}{TEXT_AP}> 00 B0 00 00 11\n< {} 90 00\n> 00 B0 00 00 11\n< {} 90 00\n",
        hex(&first),
        hex(&clean)
    );
    let problems = check_text(&text);
    assert!(
        problems.iter().any(|p| p.leak && p.line == 10),
        "{problems:#?}"
    );
    // And the contradiction is a warning naming both lines.
    assert!(
        problems
            .iter()
            .any(|p| p.warning && p.line == 12 && p.message.contains("line 10")),
        "{problems:#?}"
    );
}
