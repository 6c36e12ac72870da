//! The tables and the sentence catalogue: every row reachable, every sentence in both
//! languages, and a Japanese rendering that carries none of doctor's English sentences.

use super::*;
use crate::doctor::atr::tables::{self, Index, MEANINGS, NOT_DECODED};
use crate::doctor::readers::{Applies, KNOWN_READERS, assess, missing_hints, parse_libccid};
use crate::doctor::say::{self, Phrase, Skip};
use crate::doctor::service::{self, Answer, DIAGNOSES, Fix, PLATFORM_FIXES};
use crate::lang::{OFFICIAL_NAMES, is_japanese};

/// Both halves there, and the Japanese one in Japanese (unless it is a bare name or code the
/// two languages share, listed by the caller).
fn both(en: &str, ja: &str, shared: &[&str]) {
    assert!(!en.trim().is_empty(), "empty English beside {ja:?}");
    assert!(!ja.trim().is_empty(), "empty Japanese beside {en:?}");
    if shared.contains(&en) {
        return;
    }
    assert_ne!(en, ja, "not translated");
    assert!(
        ja.chars().any(is_japanese),
        "Japanese half {ja:?} of {en:?}"
    );
    let english_only = official_names()
        .iter()
        .fold(en.to_string(), |s, n| s.replace(n, ""));
    assert!(
        !english_only.chars().any(is_japanese),
        "Japanese in the English half: {en:?}"
    );
}

/// The Japanese names an English sentence may carry: the crate's official names, the chip
/// map's application names, doctor's own.
fn official_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = OFFICIAL_NAMES.to_vec();
    names.extend(say::OFFICIAL_NAMES);
    names.extend(APPLICATIONS.iter().map(|a| a.name_ja));
    // Longest first, so a name inside another is removed after it.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

fn phrase(p: Phrase) {
    both(p.en, p.ja, &[]);
}

fn text(t: &Text) {
    both(&t.en, &t.ja, &[]);
}

/// The check table: one row per id, in the order of `id::ALL`; names shown in both languages
/// (the ATR check is called ATR in both).
#[test]
fn the_check_table_follows_the_ids() {
    let ids: Vec<&str> = CHECKS.iter().map(|r| r.id).collect();
    assert_eq!(ids, id::ALL);
    for (n, r) in CHECKS.iter().enumerate() {
        assert_eq!(r.name.en, r.id, "the English name is the id");
        both(r.name.en, r.name.ja, &["atr"]);
        phrase(r.looks_at);
        assert_eq!(usize::from(r.doc_section), n + 1);
    }
    for s in [Status::Ok, Status::Warn, Status::Fail, Status::Skip] {
        phrase(s.word());
    }
}

/// Every trap of the reader table shows for some reader on some platform: a listed one
/// through `assess`, a missing one through `missing_hints` (with an old libccid).
#[test]
fn every_trap_row_is_reachable() {
    let old = parse_libccid(
        "p",
        "<key>CFBundleShortVersionString</key><string>1.4.0</string>",
    );
    for row in KNOWN_READERS {
        both(row.model.en, row.model.ja, &["ACS ACR1252U"]);
        for t in row.traps {
            phrase(t.what);
            phrase(t.fix);
            let platform = if t.platform == "any" {
                "linux"
            } else {
                t.platform
            };
            let name = row.matches.first().copied().unwrap_or_default();
            match t.applies {
                Applies::WhenListed => {
                    let v = assess(name, platform, Some(&old));
                    assert!(v.traps.contains(t), "{}: {}", row.model.en, t.what.en);
                }
                Applies::WhenMissing => {
                    let hints = missing_hints(platform, Some(&old));
                    assert!(
                        hints.iter().any(|h| h.model == row.model
                            && h.fix == t.fix
                            && h.what.en.starts_with(t.what.en)
                            && h.what.ja.starts_with(t.what.ja)),
                        "{}: {}",
                        row.model.en,
                        t.what.en
                    );
                }
            }
        }
    }
}

/// One ATR byte that each row of the meaning table decodes, by letter, index and protocol.
fn reaching(row: &tables::MeaningRow) -> (char, usize, Option<u8>) {
    let i = match row.index {
        Index::Exactly(i) => i,
        Index::Any => 3,
    };
    (row.letter, i, row.after)
}

/// Every row of the interface-byte table is the one that decodes its bytes, for every
/// value, in both languages.
#[test]
fn every_atr_meaning_row_is_reached_in_both_languages() {
    for (n, row) in MEANINGS.iter().enumerate() {
        let (letter, i, after) = reaching(row);
        let first = MEANINGS
            .iter()
            .position(|r| r.matches(letter, i, after))
            .unwrap();
        assert_eq!(
            first, n,
            "row {n} ({letter}{i} after {after:?}) is shadowed"
        );
        for v in 0..=255u8 {
            let t = tables::meaning(letter, i, after, v);
            assert_eq!(t.en, (row.say)(v).en);
            assert_ne!(t.en, NOT_DECODED.en);
            text(&t);
        }
    }
    // A byte of a protocol the decoder does not know.
    let t = tables::meaning('A', 3, Some(2), 0x11);
    assert_eq!(t.en, NOT_DECODED.en);
    phrase(NOT_DECODED);
    for p in tables::CLOCK_STOP {
        phrase(p);
    }
}

/// Every row of Tables 7 and 8 and of the FSC codes is what the decoder reports.
#[test]
fn every_rate_and_frame_row_decodes() {
    for r in tables::FI_TABLE {
        assert_eq!(atr::fi(r.code), Some(r.fi));
        assert_eq!(atr::f_max_mhz(r.code), Some(r.f_max_mhz));
        let t = tables::ta1_meaning((r.code << 4) | 1);
        assert!(
            t.en.starts_with(&format!("Fi = {}, Di = 1", r.fi)),
            "{}",
            t.en
        );
        assert!(
            t.ja.starts_with(&format!("Fi = {}、Di = 1", r.fi)),
            "{}",
            t.ja
        );
    }
    for (code, d) in tables::DI_TABLE {
        assert_eq!(atr::di(*code), Some(*d));
        let t = tables::ta1_meaning(0x10 | code);
        assert!(t.en.contains(&format!("Di = {d} ")), "{}", t.en);
    }
    for rfu in [7u8, 8, 14, 15] {
        assert_eq!(atr::fi(rfu), None);
        text(&tables::ta1_meaning(rfu << 4 | 1));
    }
    for (code, n) in tables::FSC_TABLE {
        assert_eq!(atr::fsc(*code), Some(*n));
    }
    assert_eq!(atr::fsc(13), None);
}

/// A PC/SC part 3 storage-card ATR with standard `ss` and card name `name`, TCK fixed up.
fn storage_atr(ss: u8, name: u16) -> Vec<u8> {
    let [c0, c1] = name.to_be_bytes();
    let mut atr = vec![
        0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, ss, c0, c1, 0x00,
        0x00, 0x00, 0x00,
    ];
    let x = atr.iter().skip(1).fold(0u8, |a, b| a ^ b);
    atr.push(x);
    atr
}

/// Every standard and card name of the PC/SC part 3 supplement is named in both languages.
#[test]
fn every_storage_standard_and_card_name_is_described() {
    for (ss, std_name) in tables::STANDARDS {
        let a = atr::decode(&storage_atr(*ss, 0x0001)).unwrap();
        let d = a.contactless.unwrap().describe();
        assert!(d.en.contains(std_name) && d.ja.contains(std_name), "{d:?}");
        text(&d);
    }
    for (name, label) in tables::CARD_NAMES {
        let a = atr::decode(&storage_atr(0x03, *name)).unwrap();
        let d = a.contactless.unwrap().describe();
        assert!(d.en.ends_with(label) && d.ja.ends_with(label), "{d:?}");
    }
    let a = atr::decode(&storage_atr(0x7E, 0x7777)).unwrap();
    let d = a.contactless.unwrap().describe();
    assert!(d.en.contains(tables::STANDARD_UNREGISTERED.en), "{}", d.en);
    assert!(d.ja.contains(tables::STANDARD_UNREGISTERED.ja), "{}", d.ja);
    phrase(tables::STANDARD_UNREGISTERED);
}

/// Every known ATR's label in both languages, and each hint the ATR check gives.
#[test]
fn known_atrs_and_hints_in_both_languages() {
    for k in atr::KNOWN_ATRS {
        phrase(k.label);
        text(&atr::my_number_hint(&atr::decode(k.atr).unwrap()));
    }
    for hex in [
        &[0x3B, 0x02, 0x14, 0x50][..],
        &[0x3B, 0x81, 0x80, 0x01, 0x80, 0x80],
    ] {
        let a = atr::decode(hex).unwrap();
        text(&atr::my_number_hint(&a));
    }
    for e in [
        atr::decode(&[]),
        atr::decode(&[0x3C, 0x00]),
        atr::decode(&[0x3B]),
        atr::decode(&[0x3B, 0x05, 0x01]),
        atr::decode(&[0x3B, 0x00, 0x00]),
        atr::decode(&[0x3B; 34]),
    ] {
        text(&e.unwrap_err().text());
    }
}

/// Every combination of the facts reaches a row of the diagnosis table (never the fallback),
/// and every row is reached by some combination.
#[test]
fn every_diagnosis_row_is_reachable_in_both_languages() {
    let mut reached = vec![false; DIAGNOSES.len()];
    for probe in [PcscProbe::NoService, PcscProbe::NoAccess] {
        for bin in [false, true] {
            for pid in [false, true] {
                for sock in [false, true] {
                    let n = DIAGNOSES
                        .iter()
                        .position(|r| r.matches(&probe, (bin, pid, sock)))
                        .unwrap_or_else(|| panic!("{probe:?} {bin} {pid} {sock}"));
                    reached[n] = true;
                    let f = ServiceFacts {
                        platform: "linux".into(),
                        probe: probe.clone(),
                        daemon_binary: bin.then(|| "/usr/sbin/pcscd".to_string()),
                        daemon_pid: pid.then_some(7),
                        socket_present: sock,
                        distro: Distro::Unknown,
                    };
                    let d = service::diagnose(&f);
                    assert_eq!(d.state, DIAGNOSES[n].state);
                    text(&d.summary);
                    text(&d.fix.unwrap());
                }
            }
        }
    }
    assert!(reached.iter().all(|r| *r), "{reached:?}");
    for row in DIAGNOSES {
        phrase(row.lead);
        assert!(matches!(row.answer, Answer::NoService | Answer::NoAccess));
        if let Fix::Say(p) = row.fix {
            phrase(p);
        }
    }
    for (_, p) in PLATFORM_FIXES {
        phrase(*p);
    }
    for d in [
        Distro::Debian,
        Distro::Fedora,
        Distro::Arch,
        Distro::Unknown,
    ] {
        text(&service::install_fix(d));
    }
}

#[test]
fn skip_reasons_in_both_languages() {
    for s in Skip::all() {
        text(&s.summary());
    }
}

/// The scenarios of the runner tests, for the rendering checks.
fn scenarios() -> Vec<(&'static str, DoctorReport)> {
    let run = |mut b: Fake, o: Options| run_with(&mut b, &o);
    let mut out = Vec::new();
    out.push((
        "healthy",
        run(Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]), opts()),
    ));
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::NoService);
    b.facts.daemon_binary = None;
    out.push(("no pcscd", run(b, opts())));
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::NoService);
    b.facts.daemon_pid = Some(77);
    b.facts.socket_present = true;
    out.push(("polkit", run(b, opts())));
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::NoService);
    b.facts.platform = "macos".into();
    out.push(("macos", run(b, opts())));
    let mut b = Fake::with(&[]);
    b.establish = Err(TransportError::Pcsc("Unknown error".into()));
    out.push(("other error", run(b, opts())));
    let mut b = Fake::with(&[]);
    b.readers = Err(TransportError::NoReaders);
    out.push(("no reader", run(b, opts())));
    let mut b = Fake::with(&[]);
    b.readers = Err(TransportError::Pcsc("Transaction failed".into()));
    out.push(("listing failed", run(b, opts())));
    for name in [
        "ACS ACR1252 Dual Reader PICC 00 00",
        "PN532 board 00 00",
        "ACS ACR122U PICC Interface 00 00",
        "ACS ACR39U ICC Reader 00 00",
        "Yubico YubiKey OTP+FIDO+CCID 00 00",
        "SONY FeliCa RC-S300/S 00 00",
    ] {
        out.push(("no card", run(Fake::with(&[(name, None)]), opts())));
    }
    let two = || {
        Fake::with(&[
            ("Virtual PCD 00 00", Some(mnc())),
            ("Virtual PCD 00 01", None),
        ])
    };
    for want in ["RC-S300", "Virtual"] {
        let o = Options {
            reader: Some(want.into()),
            ..opts()
        };
        out.push(("--reader", run(two(), o)));
    }
    let card = |s: Script| Fake::with(&[("Virtual PCD 00 00", Some(s))]);
    let mifare = Script {
        atr: MIFARE_ATR.to_vec(),
        ..Script::default()
    };
    out.push(("mifare", run(card(mifare), opts())));
    let unclear = Script {
        first_6f00: true,
        ..Script::default()
    };
    out.push(("unclear", run(card(unclear), opts())));
    let contact = Script {
        atr: vec![
            0x3B, 0xDA, 0x13, 0xFF, 0x81, 0x31, 0xFB, 0x46, 0x80, 0x12, 0x39, 0x2F, 0x31, 0xC1,
            0x73, 0xC6, 0x01, 0xC0, 0x3B,
        ],
        ..mnc()
    };
    out.push(("contact", run(card(contact), opts())));
    let global = Script {
        atr: vec![0x3B, 0x80, 0x80, 0x1F, 0xC3, 0xDC],
        ..mnc()
    };
    out.push(("T=15", run(card(global), opts())));
    let malformed = Script {
        atr: vec![0x3B, 0x88, 0x80],
        ..mnc()
    };
    out.push(("malformed ATR", run(card(malformed), opts())));
    let mut bad_tck = MNC_ATR.to_vec();
    bad_tck[5] ^= 0x40;
    let scripts = [
        Script {
            atr: bad_tck,
            ..mnc()
        },
        Script {
            missing: vec![AppId::Juki],
            ..mnc()
        },
        Script {
            lose_after_reads: Some(10),
            ..mnc()
        },
        Script {
            lose_after_reads: Some(0),
            ..mnc()
        },
        Script {
            flaky_every: Some(10),
            ..mnc()
        },
        Script {
            flaky_every: Some(1),
            ..mnc()
        },
        Script {
            reset_after_reads: Some(5),
            ..mnc()
        },
        Script {
            interleave_at: Some(7),
            ..mnc()
        },
    ];
    for s in scripts {
        out.push(("card", run(card(s), opts())));
    }
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    b.cards.insert(
        "Virtual PCD 00 00".into(),
        Err(TransportError::Pcsc(SHARING.into())),
    );
    out.push(("sharing violation", run(b, opts())));
    let mut b = Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]);
    b.cards
        .insert("Virtual PCD 00 00".into(), Err(TransportError::CardRemoved));
    out.push(("connect failed", run(b, opts())));
    let o = Options {
        round_trips: 0,
        ..opts()
    };
    out.push((
        "0 round trips",
        run(Fake::with(&[("Virtual PCD 00 00", Some(mnc()))]), o),
    ));
    out
}

const SHARING: &str = "The smart card cannot be accessed because of other connections outstanding";

/// Words from outside the catalogue that the scenarios carry (error texts of the transport,
/// reader names): shown as they came in either language, so not looked for.
fn outside_words() -> Vec<String> {
    let mut w: Vec<String> = [
        TransportError::CardRemoved,
        TransportError::CardReset,
        TransportError::NoReaders,
        TransportError::Pcsc("Transaction failed".into()),
        TransportError::Pcsc("Unknown error".into()),
        TransportError::Pcsc(SHARING.into()),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.len()));
    w
}

/// The English sentences inside a text's English half: runs of at least three words, leaving
/// out `code`, "quoted names", the words from outside, and the commands the Japanese half
/// shows as `code` (the same words in both languages).
fn english_fragments(t: &Text) -> Vec<String> {
    let commands: Vec<&str> = t.ja.split('`').skip(1).step_by(2).collect();
    let en = outside_words()
        .iter()
        .map(String::as_str)
        .chain(commands)
        .fold(t.en.clone(), |s, w| s.replace(w, "|"));
    let mut plain = String::new();
    let (mut code, mut quoted) = (false, false);
    for c in en.chars() {
        match c {
            '`' => code = !code,
            '"' => quoted = !quoted,
            _ if code || quoted => continue,
            _ => {
                plain.push(c);
                continue;
            }
        }
        plain.push('|');
    }
    plain
        .split(|c: char| !(c.is_ascii_alphabetic() || c == ' ' || c == '\'' || c == '-'))
        .map(str::trim)
        .filter(|f| f.split_whitespace().filter(|w| w.len() > 1).count() >= 3)
        .map(String::from)
        .collect()
}

fn texts(r: &DoctorReport) -> Vec<&Text> {
    r.checks
        .iter()
        .flat_map(|c| {
            std::iter::once(&c.summary)
                .chain(c.fix.iter())
                .chain(c.details.iter())
        })
        .collect()
}

/// `--lang ja`: none of doctor's English sentences, in any scenario; every sentence shown
/// has its Japanese half.
#[test]
fn a_japanese_rendering_carries_no_english_sentence_of_the_catalogue() {
    let mut fragments = 0;
    for (name, r) in scenarios() {
        let ja = render_text(&r, Lang::Ja);
        for t in texts(&r) {
            assert!(!t.ja.is_empty(), "{name}: {}", t.en);
            for f in english_fragments(t) {
                fragments += 1;
                assert!(!ja.contains(&f), "{name}: {f:?} in\n{ja}");
            }
        }
        assert!(ja.contains("APDU"), "{ja}");
        assert!(
            !ja.contains("APDU(s) sent") && !ja.contains("fix:"),
            "{name}:\n{ja}"
        );
    }
    assert!(
        fragments > 200,
        "the test looked at {fragments} fragments only"
    );
}

/// `--lang en`: no Japanese but the official names; `both` carries both.
#[test]
fn an_english_rendering_carries_only_official_japanese_names() {
    for (name, r) in scenarios() {
        let en = official_names()
            .iter()
            .fold(render_text(&r, Lang::En), |s, n| s.replace(n, ""));
        assert!(!en.chars().any(is_japanese), "{name}:\n{en}");
        let both = render_text(&r, Lang::Both);
        for t in texts(&r) {
            assert!(both.contains(&format!("{} / {}", t.ja, t.en)) || t.ja == t.en);
        }
    }
}

/// Each sentence of every scenario in both languages.
#[test]
fn every_scenario_sentence_has_both_languages() {
    for (name, r) in scenarios() {
        for t in texts(&r) {
            assert!(!t.en.is_empty() && !t.ja.is_empty(), "{name}");
            assert_ne!(t.en, t.ja, "{name}");
            assert!(t.ja.chars().any(is_japanese), "{name}: {}", t.ja);
        }
    }
}

/// The Japanese columns line up as the English ones do: every summary starts in the same
/// terminal column, two per Japanese character.
#[test]
fn japanese_columns_line_up() {
    let width = |s: &str| -> usize { s.chars().map(|c| if is_japanese(c) { 2 } else { 1 }).sum() };
    for (name, r) in scenarios() {
        for lang in [Lang::En, Lang::Ja] {
            let out = render_text(&r, lang);
            let lines: Vec<&str> = out.lines().skip(1).collect();
            let mut columns = Vec::new();
            for c in &r.checks {
                let summary = c.summary.one(lang).unwrap();
                let line = lines
                    .iter()
                    .find(|l| l.ends_with(summary) && !l.starts_with(' '))
                    .unwrap_or_else(|| panic!("{name}: {summary}\n{out}"));
                columns.push(width(&line[..line.len() - summary.len()]));
            }
            assert!(
                columns.windows(2).all(|w| w[0] == w[1]),
                "{name}: {columns:?}\n{out}"
            );
            if lang == Lang::En {
                assert_eq!(
                    columns.first(),
                    Some(&24),
                    "the English layout is unchanged"
                );
            }
        }
    }
}
