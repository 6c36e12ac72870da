//! The runner against a scripted backend: every branch of the checklist, hardware-free.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::readers::{self, Libccid};
use super::service::{Distro, PcscProbe, ServiceFacts};
use super::*;
use crate::card::chipmap::{APPLICATIONS, Access, AppId, JPKI};
use crate::lang::{Lang, Text};
use crate::sw::Response;
use crate::transport::pcsc::ReaderSlot;
use crate::transport::{Transport, TransportError, guard};

/// Type B My Number Card ATR (pcsc-tools smartcard_list.txt 2020; OpenSC "JPKI (06)").
const MNC_ATR: &[u8] = &[
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x05, 0xE0, 0xB3, 0x81, 0xA1, 0x00, 0x7F,
];
/// MIFARE Classic 1K through a PC/SC part 3 reader (pcsc-tools smartcard_list.txt).
const MIFARE_ATR: &[u8] = &[
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x6A,
];

#[derive(Clone, Default)]
struct Script {
    atr: Vec<u8>,
    my_number: bool,
    missing: Vec<AppId>,
    first_6f00: bool,
    lose_after_reads: Option<usize>,
    reset_after_reads: Option<usize>,
    flaky_every: Option<usize>,
    interleave_at: Option<usize>,
}

fn mnc() -> Script {
    Script {
        atr: MNC_ATR.to_vec(),
        my_number: true,
        ..Script::default()
    }
}

struct FakeCard {
    name: String,
    script: Script,
    reads: usize,
    answered_6f00: bool,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Transport for FakeCard {
    fn transmit(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.seen.lock().unwrap().push(cmd.to_vec());
        let s = &self.script;
        if s.first_6f00 && !self.answered_6f00 {
            self.answered_6f00 = true;
            return Ok(vec![0x6F, 0x00]);
        }
        let ok = |data: &[u8]| {
            let mut v = data.to_vec();
            v.extend_from_slice(&[0x90, 0x00]);
            Ok(v)
        };
        match cmd {
            [0x00, 0xA4, 0x04, 0x0C, _, aid @ ..] => {
                let app = APPLICATIONS.iter().find(|a| a.aid == aid);
                match app {
                    Some(a) if s.my_number && !s.missing.contains(&a.id) => ok(&[]),
                    _ => Ok(vec![0x6A, 0x82]),
                }
            }
            [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02] if s.my_number => ok(&[]),
            [0x00, 0xB0, 0x00, 0x00, 0x10] => {
                self.reads += 1;
                let r = self.reads;
                if s.lose_after_reads.is_some_and(|n| r > n) {
                    return Err(TransportError::CardRemoved);
                }
                if s.reset_after_reads.is_some_and(|n| r > n) {
                    return Err(TransportError::CardReset);
                }
                if s.flaky_every.is_some_and(|k| r % k == 0) {
                    return Err(TransportError::Pcsc("Transaction failed".into()));
                }
                if s.interleave_at == Some(r) {
                    return ok(&[0x55; 16]);
                }
                ok(&[0x30; 16])
            }
            // An extended READ BINARY, should the guard ever let one through: a card with
            // extended length answers 512 bytes.
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00] => ok(&[0x30; 512]),
            _ => Ok(vec![0x6D, 0x00]),
        }
    }

    fn reader_name(&self) -> &str {
        &self.name
    }

    fn atr(&self) -> &[u8] {
        &self.script.atr
    }
}

struct Fake {
    establish: Result<(), TransportError>,
    readers: Result<Vec<ReaderSlot>, TransportError>,
    cards: HashMap<String, Result<Script, TransportError>>,
    facts: ServiceFacts,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Fake {
    /// A healthy service with these readers; each reader holds the given card (or none).
    fn with(readers: &[(&str, Option<Script>)]) -> Fake {
        let slots = readers
            .iter()
            .map(|(n, c)| ReaderSlot {
                name: n.to_string(),
                atr: c.as_ref().map(|c| c.atr.clone()),
            })
            .collect();
        let cards = readers
            .iter()
            .filter_map(|(n, c)| c.clone().map(|c| (n.to_string(), Ok(c))))
            .collect();
        Fake {
            establish: Ok(()),
            readers: Ok(slots),
            cards,
            facts: ServiceFacts {
                platform: "linux".into(),
                probe: PcscProbe::Reachable,
                daemon_binary: Some("/usr/sbin/pcscd".into()),
                daemon_pid: None,
                socket_present: false,
                distro: Distro::Debian,
            },
            seen: Arc::default(),
        }
    }

    fn seen(&self) -> Vec<Vec<u8>> {
        self.seen.lock().unwrap().clone()
    }
}

impl Backend for Fake {
    type Card = FakeCard;

    fn establish(&mut self) -> Result<(), TransportError> {
        self.establish.clone()
    }

    fn readers(&mut self) -> Result<Vec<ReaderSlot>, TransportError> {
        self.readers.clone()
    }

    fn connect(&mut self, reader: &str) -> Result<FakeCard, TransportError> {
        match self.cards.get(reader) {
            Some(Ok(script)) => Ok(FakeCard {
                name: reader.into(),
                script: script.clone(),
                reads: 0,
                answered_6f00: false,
                seen: self.seen.clone(),
            }),
            Some(Err(e)) => Err(e.clone()),
            None => Err(TransportError::NoCard {
                reader: reader.into(),
            }),
        }
    }

    fn service_facts(&self, probe: PcscProbe) -> ServiceFacts {
        ServiceFacts {
            probe,
            ..self.facts.clone()
        }
    }

    fn libccid(&self) -> Option<Libccid> {
        Some(readers::parse_libccid(
            "test",
            "<key>CFBundleShortVersionString</key><string>1.5.2</string>",
        ))
    }

    fn platform(&self) -> String {
        "linux".into()
    }
}

fn status(r: &DoctorReport, id: &str) -> Status {
    r.check(id).map(|c| c.status).unwrap()
}

/// The English summary (the assertions read the English half; the Japanese one is checked
/// by the catalogue tests).
fn summary(r: &DoctorReport, id: &str) -> String {
    r.check(id).map(|c| c.summary.en.clone()).unwrap()
}

/// The English fix of a check.
fn fix(r: &DoctorReport, id: &str) -> String {
    r.check(id).and_then(|c| c.fix.clone()).unwrap().en
}

/// The English detail lines of a check.
fn details(r: &DoctorReport, id: &str) -> Vec<String> {
    r.check(id)
        .map(|c| c.details.iter().map(|d| d.en.clone()).collect())
        .unwrap()
}

fn render_en(r: &DoctorReport) -> String {
    render_text(r, Lang::En)
}

fn opts() -> Options {
    Options::default()
}

/// What the current guard does with the extended probe decides the apdu_size outcome.
fn guard_passes_extended() -> bool {
    guard::refusal(&extended_probe()).is_none()
}

#[test]
fn a_healthy_my_number_card() {
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    let r = run_with(&mut b, &opts());
    let ids: Vec<&str> = r.checks.iter().map(|c| c.id).collect();
    assert_eq!(ids, id::ALL, "every check, in order");
    for id in [
        id::SERVICE,
        id::READERS,
        id::CARD,
        id::ATR,
        id::MY_NUMBER_CARD,
        id::LINK,
        id::EXCLUSIVE_ACCESS,
    ] {
        assert_eq!(status(&r, id), Status::Ok, "{id}: {}", summary(&r, id));
    }
    assert_eq!(r.reader.as_deref(), Some("Virtual PCD 00 00"));
    let atr = r.atr.as_ref().unwrap();
    assert_eq!((atr.interface, atr.card_type), ("contactless", "iso14443b"));
    assert_eq!(atr.known_my_number_card, Some(true));
    assert_eq!(r.applications.iter().filter(|a| a.selected).count(), 5);
    let link = r.link.as_ref().unwrap();
    assert_eq!((link.round_trips, link.answered, link.errors), (50, 50, 0));
    let apdu = r.apdu.as_ref().unwrap();
    assert!(apdu.short);
    assert_eq!(apdu.probe, "00 B0 00 00 00 02 00");
    if guard_passes_extended() {
        assert_eq!(status(&r, id::APDU_SIZE), Status::Ok);
        assert_eq!(apdu.extended, Some(true));
        assert_eq!(apdu.max_response, 512);
    } else {
        assert_eq!(status(&r, id::APDU_SIZE), Status::Skip);
        assert!(summary(&r, id::APDU_SIZE).contains("read-only guard"));
        assert_eq!(apdu.extended, None);
        assert_eq!(apdu.max_response, 16, "the link probe's 16 bytes");
    }
    assert_eq!(r.exit_code(), 0);
    // What reached the card: 1 + 5 SELECT DF, SELECT DF + EF, 50 READ BINARY (+1 extended if
    // the guard passes it). Nothing but SELECT and READ BINARY, never a VERIFY.
    let seen = b.seen();
    let expected = 1 + 5 + 2 + 50 + usize::from(guard_passes_extended());
    assert_eq!(seen.len(), expected);
    assert_eq!(r.apdus_sent, expected);
    assert!(
        seen.iter()
            .all(|c| matches!(c[..2], [0x00, 0xA4] | [0x00, 0xB0]))
    );
    assert!(seen.iter().all(|c| guard::refusal(c).is_none()));
}

#[test]
fn json_and_text_renderings_of_a_healthy_run() {
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    let r = run_with(&mut b, &opts());
    let v: serde_json::Value = serde_json::from_str(&render_json(&r)).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["checks"][0]["id"], "service");
    assert_eq!(v["checks"][0]["status"], "ok");
    assert!(v["checks"][0]["fix"].is_null());
    assert_eq!(v["readers"][0]["name"], "Virtual PCD 00 00");
    assert_eq!(v["readers"][0]["kind"], "not_a_reader");
    assert_eq!(v["atr"]["type"], "iso14443b");
    assert_eq!(v["atr"]["interface"], "contactless");
    assert_eq!(v["atr"]["hex"], "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F");
    assert_eq!(v["atr"]["decoded"]["contactless"]["form"], "type_b");
    assert_eq!(v["atr"]["decoded"]["known"]["atr"], v["atr"]["hex"]);
    for k in [
        "round_trips",
        "min_ms",
        "median_ms",
        "p95_ms",
        "max_ms",
        "errors",
    ] {
        assert!(!v["link"][k].is_null(), "link.{k}");
    }
    for k in ["short", "extended", "max_response"] {
        assert!(v["apdu"].get(k).is_some(), "apdu.{k}");
    }
    let text = render_en(&r);
    assert!(text.starts_with("myna-audit doctor\n"), "{text}");
    assert!(text.contains("\nok    service "), "{text}");
    assert!(
        text.contains("ok    my_number_card    a My Number Card"),
        "{text}"
    );
    assert!(text.contains("made up by the reader"), "{text}");
    assert!(!text.contains("fix:"), "no fix for ok lines: {text}");
}

#[test]
fn no_service_stops_everything_with_exit_2() {
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::NoService);
    b.facts.daemon_binary = None;
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::SERVICE), Status::Fail);
    let fix = fix(&r, id::SERVICE);
    assert!(fix.contains("pcscd"), "{fix}");
    assert!(summary(&r, id::SERVICE).contains("not installed"));
    for id in &id::ALL[1..] {
        assert_eq!(status(&r, id), Status::Skip);
        assert!(summary(&r, id).contains("PC/SC service is not reachable"));
    }
    assert_eq!(r.exit_code(), 2);
    let text = render_en(&r);
    assert!(
        text.contains("fail  service") && text.contains("fix: sudo apt-get install pcscd"),
        "{text}"
    );
    assert!(
        text.contains("skip  readers           skipped: the PC/SC service is not reachable"),
        "{text}"
    );
}

#[test]
fn polkit_denial_is_named() {
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::NoService);
    b.facts.daemon_pid = Some(77);
    b.facts.socket_present = true;
    let r = run_with(&mut b, &opts());
    assert!(fix(&r, id::SERVICE).contains("org.debian.pcsc-lite.access_pcsc"));
    assert_eq!(r.exit_code(), 2);
}

#[test]
fn no_reader() {
    let mut b = Fake::with(&[]);
    b.readers = Err(TransportError::NoReaders);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::READERS), Status::Fail);
    let d = details(&r, id::READERS);
    assert!(d.iter().any(|d| d.contains("RC-S380")), "{d:?}");
    assert_eq!(status(&r, id::CARD), Status::Skip);
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn reader_without_card() {
    let mut b = Fake::with(&[("ACS ACR1252 Dual Reader PICC 00 00", None)]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::READERS), Status::Ok);
    assert_eq!(status(&r, id::CARD), Status::Fail);
    assert!(summary(&r, id::CARD).contains("no card in \"ACS ACR1252"));
    assert_eq!(status(&r, id::LINK), Status::Skip);
    assert!(summary(&r, id::LINK).contains("no card"));
    assert_eq!(r.exit_code(), 1);
    assert!(b.seen().is_empty());
}

#[test]
fn no_card_on_a_reader_without_type_b_says_so() {
    let mut b = Fake::with(&[("PN532 board 00 00", None)]);
    let r = run_with(&mut b, &opts());
    assert_eq!(
        status(&r, id::READERS),
        Status::Fail,
        "a listed PN532 board still cannot see Type B"
    );
    assert_eq!(status(&r, id::CARD), Status::Fail);
    let d = details(&r, id::CARD);
    assert!(
        d.iter().any(|d| d.contains("Type B support is missing")),
        "{d:?}"
    );
    let mut b = Fake::with(&[("ACS ACR122U PICC Interface 00 00", None)]);
    let r = run_with(&mut b, &opts());
    assert_eq!(
        status(&r, id::READERS),
        Status::Ok,
        "the Type B caveat is information"
    );
    let d = details(&r, id::CARD);
    assert!(d.iter().any(|d| d.contains("not established")), "{d:?}");
}

#[test]
fn two_readers_pick_the_my_number_card() {
    let yubikey = Script {
        atr: vec![
            0x3B, 0xF8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x59, 0x75, 0x62, 0x69, 0x6B,
            0x65, 0x79, 0x34, 0xD4,
        ],
        ..Script::default()
    };
    let mut b = Fake::with(&[
        ("Yubico YubiKey OTP+FIDO+CCID 00 00", Some(yubikey)),
        ("Virtual PCD 00 01", Some(mnc())),
    ]);
    let r = run_with(&mut b, &opts());
    assert_eq!(r.readers.len(), 2);
    assert_eq!(r.reader.as_deref(), Some("Virtual PCD 00 01"));
    assert_eq!(status(&r, id::MY_NUMBER_CARD), Status::Ok);
    assert_eq!(
        r.apdus_sent,
        b.seen().len(),
        "the YubiKey's SELECT is counted"
    );
    assert_eq!(
        r.readers[0].model,
        Some("YubiKey (security key)"),
        "{:?}",
        r.readers[0]
    );

    // --reader forces the choice, by unique substring.
    let mut b = Fake::with(&[
        (
            "Yubico YubiKey OTP+FIDO+CCID 00 00",
            Some(Script::default()),
        ),
        ("Virtual PCD 00 01", Some(mnc())),
    ]);
    let o = Options {
        reader: Some("yubikey".into()),
        ..opts()
    };
    let r = run_with(&mut b, &o);
    assert_eq!(
        r.reader.as_deref(),
        Some("Yubico YubiKey OTP+FIDO+CCID 00 00")
    );
    assert_eq!(status(&r, id::MY_NUMBER_CARD), Status::Fail);
}

#[test]
fn unknown_reader_name() {
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    let o = Options {
        reader: Some("RC-S300".into()),
        ..opts()
    };
    let r = run_with(&mut b, &o);
    assert_eq!(status(&r, id::CARD), Status::Fail);
    assert!(summary(&r, id::CARD).contains("no reader named \"RC-S300\""));
    assert!(b.seen().is_empty());
}

#[test]
fn a_card_that_is_not_a_my_number_card() {
    let card = Script {
        atr: MIFARE_ATR.to_vec(),
        ..Script::default()
    };
    let mut b = Fake::with(&[("ACS ACR1252 Dual Reader PICC 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::ATR), Status::Ok);
    assert_eq!(r.atr.as_ref().unwrap().card_type, "storage");
    assert_eq!(status(&r, id::MY_NUMBER_CARD), Status::Fail);
    assert!(summary(&r, id::MY_NUMBER_CARD).contains("not a My Number Card"));
    assert!(summary(&r, id::MY_NUMBER_CARD).contains("6A82"));
    assert_eq!(status(&r, id::LINK), Status::Skip);
    assert!(summary(&r, id::LINK).contains("not identified as a My Number Card"));
    assert_eq!(status(&r, id::EXCLUSIVE_ACCESS), Status::Ok);
    assert_eq!(r.exit_code(), 1);
    assert_eq!(b.seen().len(), 1, "only the JPKI-AP SELECT");
}

#[test]
fn first_command_6f00_is_retried_once() {
    let card = Script {
        first_6f00: true,
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::MY_NUMBER_CARD), Status::Ok);
    assert_eq!(&b.seen()[0], &b.seen()[1], "the JPKI SELECT, twice");
}

#[test]
fn missing_applications_warn() {
    let card = Script {
        missing: vec![AppId::Juki],
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::MY_NUMBER_CARD), Status::Warn);
    assert!(summary(&r, id::MY_NUMBER_CARD).contains("only 4 of 5"));
    let juki = r.applications.iter().find(|a| a.id == AppId::Juki).unwrap();
    assert_eq!((juki.selected, juki.answer.as_str()), (false, "6A82"));
    assert_eq!(status(&r, id::LINK), Status::Ok, "the link is still probed");
}

#[test]
fn card_pulled_during_the_link_probe() {
    let card = Script {
        lose_after_reads: Some(10),
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::LINK), Status::Fail);
    assert!(
        summary(&r, id::LINK).contains("lost after 10 round trip"),
        "{}",
        summary(&r, id::LINK)
    );
    let fix = fix(&r, id::LINK);
    assert!(fix.contains("flat and centred"));
    assert!(r.link.as_ref().unwrap().card_lost);
    assert_eq!(status(&r, id::APDU_SIZE), Status::Skip);
    assert!(summary(&r, id::APDU_SIZE).contains("lost"));
    assert_eq!(r.exit_code(), 1);
    // No command after the loss.
    assert_eq!(b.seen().len(), 1 + 5 + 2 + 11);
}

#[test]
fn flaky_link_warns_with_retries() {
    let card = Script {
        flaky_every: Some(10),
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    let link = r.link.as_ref().unwrap();
    assert!(link.retries >= 4, "{link:?}");
    assert_eq!(link.errors, 0);
    assert_eq!(status(&r, id::LINK), Status::Warn);
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn a_reset_by_another_program() {
    let card = Script {
        reset_after_reads: Some(5),
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::LINK), Status::Fail);
    assert_eq!(status(&r, id::EXCLUSIVE_ACCESS), Status::Warn);
    assert!(summary(&r, id::EXCLUSIVE_ACCESS).contains("reset"));
    assert!(fix(&r, id::EXCLUSIVE_ACCESS).contains("scdaemon"));
}

#[test]
fn interleaved_commands_are_noticed() {
    let card = Script {
        interleave_at: Some(7),
        ..mnc()
    };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::EXCLUSIVE_ACCESS), Status::Warn);
    assert!(summary(&r, id::EXCLUSIVE_ACCESS).contains("interleaved"));
}

#[test]
fn sharing_violation_names_the_culprits() {
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    b.cards.insert(
        "Virtual PCD 00 00".into(),
        Err(TransportError::Pcsc(
            "The smart card cannot be accessed because of other connections outstanding".into(),
        )),
    );
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::CARD), Status::Fail);
    assert_eq!(status(&r, id::EXCLUSIVE_ACCESS), Status::Fail);
    assert!(fix(&r, id::EXCLUSIVE_ACCESS).contains("OpenSC"));
    assert_eq!(status(&r, id::LINK), Status::Skip);
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn zero_round_trips_skips_the_link() {
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    let o = Options {
        round_trips: 0,
        ..opts()
    };
    let r = run_with(&mut b, &o);
    assert_eq!(status(&r, id::LINK), Status::Skip);
    assert!(!r.apdu.as_ref().unwrap().short, "no short read was made");
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn a_corrupted_atr_warns() {
    let mut atr = MNC_ATR.to_vec();
    atr[5] ^= 0x40;
    let card = Script { atr, ..mnc() };
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(card))]);
    let r = run_with(&mut b, &opts());
    assert_eq!(status(&r, id::ATR), Status::Warn);
    assert!(summary(&r, id::ATR).contains("TCK"));
    assert_eq!(r.atr.as_ref().unwrap().tck_valid, Some(false));
    assert_eq!(
        status(&r, id::MY_NUMBER_CARD),
        Status::Ok,
        "identified by SELECT"
    );
}

#[test]
fn extended_probe_answers() {
    let resp = |n: usize, sw: u16| -> Result<Response, TransportError> {
        let mut raw = vec![0x30; n];
        raw.extend_from_slice(&sw.to_be_bytes());
        Ok(Response::parse(&raw).unwrap())
    };
    let v = |a| extended_verdict(&a, "P");
    assert_eq!(v(resp(512, 0x9000)).2, Some(true));
    assert_eq!(v(resp(300, 0x6282)).2, Some(true));
    let (st, sum, ext) = v(resp(0, 0x6700));
    let sum = sum.en;
    assert_eq!((st, ext), (Status::Ok, Some(false)));
    assert!(sum.starts_with("short APDUs only"), "{sum}");
    let (st, sum, ext) = v(Err(TransportError::Pcsc("Transaction failed".into())));
    let sum = sum.en;
    assert_eq!((st, ext), (Status::Ok, Some(false)));
    assert!(sum.starts_with("short APDUs only"), "{sum}");
    assert_eq!(v(resp(100, 0x9000)).2, None);
    assert_eq!(v(Err(TransportError::CardRemoved)).0, Status::Fail);
    let refused = Err(TransportError::Refused {
        command: "00 B0 00 00".into(),
        reason: "read commands must carry only Le".into(),
    });
    assert_eq!(v(refused).0, Status::Skip);
}

#[test]
fn probe_commands_and_file() {
    assert_eq!(extended_probe(), [0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00]);
    assert!(
        guard::refusal(&LINK_PROBE).is_none(),
        "the link probe is read-only"
    );
    assert!(
        guard_passes_extended(),
        "the guard lets the extended READ BINARY probe through (docs/doctor.md, check 7)"
    );
    let f = JPKI.files.iter().find(|f| f.ef == PROBE_EF).unwrap();
    assert_eq!(f.access, Access::Free, "the probe file needs no secret");
}

#[test]
fn exit_code_rule() {
    let c = |id: &'static str, status| Check {
        id,
        status,
        summary: Text::default(),
        fix: None,
        details: Vec::new(),
    };
    assert_eq!(
        exit_code(&[c(id::SERVICE, Status::Ok), c(id::LINK, Status::Skip)]),
        0
    );
    assert_eq!(
        exit_code(&[c(id::SERVICE, Status::Ok), c(id::LINK, Status::Warn)]),
        1
    );
    assert_eq!(
        exit_code(&[c(id::SERVICE, Status::Ok), c(id::CARD, Status::Fail)]),
        1
    );
    assert_eq!(
        exit_code(&[c(id::SERVICE, Status::Fail), c(id::CARD, Status::Skip)]),
        2
    );
    assert_eq!(exit_code(&[]), 2, "no service check: not reached");
}

#[test]
fn reader_names_are_sanitized_in_text() {
    let mut b = Fake::with(&[("Evil\u{1b}[31m Reader", None)]);
    let r = run_with(&mut b, &opts());
    let text = render_en(&r);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("\\u{1b}"), "{text}");
}

mod catalogue;
