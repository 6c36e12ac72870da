use super::tables::{global_ta_meaning, ta1_meaning, ta2_meaning, td_meaning};
use super::*;

fn bytes(hex: &str) -> Vec<u8> {
    hex.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn names(a: &Atr) -> Vec<String> {
    a.interface.iter().map(|b| b.name.clone()).collect()
}

/// Every known ATR decodes, has a valid TCK (they are all T=1 or contactless), and is
/// recognised by exact match.
#[test]
fn every_known_atr_decodes_with_a_valid_tck() {
    for k in KNOWN_ATRS {
        let a = decode(k.atr).unwrap_or_else(|e| panic!("{}: {e:?}", spaced_hex(k.atr)));
        assert!(matches!(a.tck, Tck::Valid { .. }), "{}: {:?}", a.hex, a.tck);
        assert_eq!(a.known, Some(k));
        let contactless = k.interface == Interface::Contactless;
        assert_eq!(a.contactless.is_some(), contactless, "{}", a.hex);
        if contactless {
            assert_eq!(a.card_type(), "iso14443b", "{}", a.hex);
        }
    }
}

#[test]
fn contact_jpki_atr_structure() {
    // 3B E0 00 FF 81 31 FE 45 14: OpenSC card-jpki.c; pcsc-tools smartcard_list.txt.
    let a = decode(&bytes("3B E0 00 FF 81 31 FE 45 14")).unwrap();
    assert_eq!(a.convention, Convention::Direct);
    assert_eq!(names(&a), ["TB1", "TC1", "TD1", "TD2", "TA3", "TB3"]);
    assert_eq!(a.protocols, [1]);
    assert_eq!(a.ifsc, Some(0xFE));
    assert_eq!((a.fi, a.di), (Some(372), Some(1)), "no TA1: defaults");
    assert_eq!(a.historical_hex, "");
    assert_eq!(a.tck, Tck::Valid { value: 0x14 });
    assert_eq!(a.interface_kind(), "contact");
    let tb3 = &a.interface[5];
    assert!(
        tb3.meaning.en.contains("BWI = 4, CWI = 5"),
        "{}",
        tb3.meaning.en
    );
    assert!(my_number_hint(&a).en.contains("known My Number Card ATR"));
}

#[test]
fn contact_atrs_with_ta1_ta2_and_card_capabilities() {
    // 3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6: pcsc-tools (2019), OpenSC "JPKI (04)".
    let a = decode(&bytes("3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6")).unwrap();
    assert_eq!(
        names(&a),
        [
            "TA1", "TB1", "TC1", "TD1", "TA2", "TD2", "TA3", "TB3", "TC3"
        ]
    );
    assert_eq!((a.fi, a.di), (Some(512), Some(1)));
    assert!(a.interface[4].meaning.en.contains("specific mode: T=1"));
    assert_eq!(a.protocols, [1]);
    assert_eq!(a.historical_hex, "42 00 01 00 D1");

    // 3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B: OpenSC issue #3021.
    let a = decode(&bytes(
        "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B",
    ))
    .unwrap();
    assert_eq!((a.fi, a.di), (Some(372), Some(4)));
    let h = a.historical.unwrap();
    assert!(h.category.starts_with("80"));
    let tags: Vec<u8> = h.objects.iter().map(|o| o.tag).collect();
    assert_eq!(tags, [1, 3, 7]);
    assert_eq!(h.extended_length, Some(true), "C6 01 C0: bit 7 of byte 3");

    // 3B C5 FF 81 31 FB 45 80 73 C6 01 00 00: pcsc-tools (2017), jpki/myna issue #12.
    let a = decode(&bytes("3B C5 FF 81 31 FB 45 80 73 C6 01 00 00")).unwrap();
    assert_eq!(a.historical.unwrap().extended_length, Some(false));
}

#[test]
fn contactless_my_number_atr_is_type_b_with_atqb_fields() {
    // 3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F: pcsc-tools (2020), OpenSC "JPKI (06)".
    let a = decode(&bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F")).unwrap();
    assert_eq!(names(&a), ["TD1", "TD2"]);
    assert_eq!(a.protocols, [0, 1]);
    let Some(Contactless::TypeB {
        application_data,
        protocol_info,
        bit_rates,
        max_frame_bytes,
        iso14443_4,
        fwi,
        fwt_ms,
        mbli,
    }) = a.contactless.clone()
    else {
        panic!("{:?}", a.contactless)
    };
    assert_eq!(application_data, "00 00 05 E0");
    assert_eq!(protocol_info, "B3 81 A1");
    assert!(
        bit_rates.contains("106/212/424") && bit_rates.contains("same rate"),
        "{bit_rates}"
    );
    assert_eq!(max_frame_bytes, Some(256));
    assert!(iso14443_4);
    assert_eq!(fwi, 10);
    assert!((fwt_ms - 309.31).abs() < 0.01, "{fwt_ms}");
    assert_eq!(mbli, 0);
    assert!(a.historical.is_none());
    let hint = my_number_hint(&a).en;
    assert!(hint.contains("made up by the reader"), "{hint}");
}

#[test]
fn juki_card_is_recognised_as_not_a_my_number_card() {
    let a = decode(&bytes("3B 88 80 01 00 00 14 E0 B3 81 91 00 5E")).unwrap();
    assert!(!a.known.unwrap().my_number_card);
    assert!(my_number_hint(&a).en.contains("another card"));
}

#[test]
fn unknown_type_b_atr_gets_the_reminder() {
    // A made-up Type B ATR with a random-looking PUPI in the application data; TCK fixed up.
    let mut atr = bytes("3B 88 80 01 12 34 56 78 B3 81 A1 00");
    let x = atr.iter().skip(1).fold(0u8, |a, b| a ^ b);
    atr.push(x);
    let a = decode(&atr).unwrap();
    assert_eq!(a.tck, Tck::Valid { value: x });
    assert!(a.known.is_none());
    assert!(my_number_hint(&a).en.contains("not one of the known"));
}

#[test]
fn mifare_classic_is_a_storage_card() {
    // 3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A: pcsc-tools
    // smartcard_list.txt, MIFARE Classic 1K through a PC/SC part 3 reader.
    let a = decode(&bytes(
        "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A",
    ))
    .unwrap();
    assert_eq!(a.tck, Tck::Valid { value: 0x6A });
    assert_eq!(
        a.contactless,
        Some(Contactless::Storage {
            standard: 3,
            standard_name: "ISO 14443 A, part 3",
            card_name: 1,
            card_name_label: Some("MIFARE Classic 1K"),
        })
    );
    assert_eq!(a.card_type(), "storage");
    assert!(my_number_hint(&a).en.contains("not ISO 14443 Type B"));
}

#[test]
fn desfire_is_type_a_iso14443_4() {
    // 3B 81 80 01 80 80: pcsc-tools smartcard_list.txt, MIFARE DESFire (ATS historical
    // byte 80).
    let a = decode(&bytes("3B 81 80 01 80 80")).unwrap();
    assert_eq!(a.tck, Tck::Valid { value: 0x80 });
    assert_eq!(
        a.contactless,
        Some(Contactless::TypeA4 {
            ats_historical: "80".into()
        })
    );
    assert_eq!(a.card_type(), "iso14443a-4");
}

#[test]
fn yubikey_contact_style_atr() {
    // 3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4: pcsc-tools
    // smartcard_list.txt, "Yubico Yubikey 4 OTP+CCID"; historical bytes "Yubikey4".
    let a = decode(&bytes(
        "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4",
    ))
    .unwrap();
    assert_eq!(a.historical_hex, "59 75 62 69 6B 65 79 34");
    assert!(a.historical.unwrap().category.contains("proprietary"));
    assert_eq!(a.tck, Tck::Valid { value: 0xD4 });
    assert!(a.contactless.is_none());
}

#[test]
fn t0_only_atr_has_no_tck() {
    // T=0 only (no TD1): TCK absent. 3B 02 14 50: pcsc-tools smartcard_list.txt
    // (Schlumberger Multiflex 3k).
    let a = decode(&bytes("3B 02 14 50")).unwrap();
    assert_eq!(a.protocols, [0]);
    assert_eq!(a.tck, Tck::Absent);
    assert_eq!(a.historical_hex, "14 50");
}

#[test]
fn inverse_convention() {
    let a = decode(&bytes("3F 00")).unwrap();
    assert_eq!(a.convention, Convention::Inverse);
}

#[test]
fn a_corrupted_byte_fails_the_tck_check() {
    let mut atr = bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F");
    atr[6] ^= 0x01;
    let a = decode(&atr).unwrap();
    assert_eq!(
        a.tck,
        Tck::Invalid {
            found: 0x7F,
            expected: 0x7E
        }
    );
    assert!(a.known.is_none());
    let mut atr = bytes("3B E0 00 FF 81 31 FE 45 14");
    atr[8] = 0x15;
    assert!(matches!(decode(&atr).unwrap().tck, Tck::Invalid { .. }));
}

#[test]
fn truncated_and_overlong_atrs_are_errors() {
    assert_eq!(decode(&[]), Err(AtrError::Empty));
    assert_eq!(decode(&[0x3C, 0x00]), Err(AtrError::BadTs(0x3C)));
    assert!(matches!(
        decode(&[0x3B]),
        Err(AtrError::Truncated { ref missing, .. }) if missing.en == "T0"
    ));
    let full = bytes("3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F");
    // Every strict prefix longer than TS is truncated somewhere.
    for n in 2..full.len() {
        assert!(
            matches!(decode(&full[..n]), Err(AtrError::Truncated { .. })),
            "prefix of {n}"
        );
    }
    let err = decode(&full[..full.len() - 1]).unwrap_err();
    assert!(err.text().en.contains("TCK"), "{err:?}");
    let mut long = full.clone();
    long.push(0x00);
    assert_eq!(decode(&long), Err(AtrError::Overlong { extra: 1 }));
    assert_eq!(decode(&[0x3B; 34]), Err(AtrError::TooLong(34)));
}

#[test]
fn never_panics_on_any_short_input() {
    // Exhaustive over 1- and 2-byte inputs after TS, and a sweep of T0 with junk.
    for t0 in 0..=255u8 {
        let _ = decode(&[0x3B, t0]);
        for b in [0x00, 0x10, 0xF1, 0xFF] {
            let _ = decode(&[0x3B, t0, b, b, b, b]);
            let _ = decode(&[0x3F, t0, b, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        }
    }
    // A TD chain of the maximum length ends at the 33-byte cap, not in a loop.
    let mut chain = vec![0x3B, 0x80];
    chain.extend(std::iter::repeat_n(0x81, 31));
    assert!(decode(&chain).is_err());
}

#[test]
fn historical_bytes_with_status_indicator_and_bad_tlv() {
    let h = decode_historical(&[0x00, 0x73, 0xC6, 0x01, 0x40, 0x05, 0x90, 0x00]).unwrap();
    assert!(
        h.category.contains("status indicator 05 90 00"),
        "{}",
        h.category
    );
    assert_eq!(h.extended_length, Some(true));
    let h = decode_historical(&[0x80, 0x75, 0x01]).unwrap();
    assert!(h.objects[0].value.contains("truncated"));
    assert!(decode_historical(&[]).is_none());
    assert!(decode_historical(&[0x00, 0x01]).is_none());
}

#[test]
fn interface_bytes_follow_the_y_nibbles() {
    // T0 = 9x: TA1 and TD1; TD1 = 81 (T=1, TD2 follows); TD2 = 31 (T=1, TA3 and TB3).
    let atr = bytes("3B 90 11 81 31 FE 45");
    let mut c = Cursor {
        bytes: &atr,
        pos: 2,
    };
    let ib = interface_bytes(&mut c, 0x90).unwrap();
    let names: Vec<&str> = ib.interface.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["TA1", "TD1", "TD2", "TA3", "TB3"]);
    assert_eq!(ib.protocols, [1]);
    assert_eq!(ib.ta1, Some(0x11));
    assert_eq!(ib.ifsc, Some(0xFE));
    assert_eq!(c.pos, atr.len());
    // No TD1: T=0 only; a byte the nibble announces but the ATR lacks is an error.
    let mut c = Cursor {
        bytes: &[0x3B, 0x00],
        pos: 2,
    };
    assert_eq!(interface_bytes(&mut c, 0x00).unwrap().protocols, [0]);
    let mut c = Cursor {
        bytes: &[0x3B, 0x10],
        pos: 2,
    };
    assert!(matches!(
        interface_bytes(&mut c, 0x10),
        Err(AtrError::Truncated { .. })
    ));
}

#[test]
fn check_character_is_absent_for_t0_only_and_checked_otherwise() {
    let t0_only = [0x3B, 0x00];
    let mut c = Cursor {
        bytes: &t0_only,
        pos: 2,
    };
    assert_eq!(
        check_character(&mut c, &t0_only, &[0]).unwrap(),
        Tck::Absent
    );
    // 3B 80 01 | TCK: the XOR of 80 01 is 81.
    let good = [0x3B, 0x80, 0x01, 0x81];
    let mut c = Cursor {
        bytes: &good,
        pos: 3,
    };
    assert_eq!(
        check_character(&mut c, &good, &[1]).unwrap(),
        Tck::Valid { value: 0x81 }
    );
    let bad = [0x3B, 0x80, 0x01, 0x80];
    let mut c = Cursor {
        bytes: &bad,
        pos: 3,
    };
    assert_eq!(
        check_character(&mut c, &bad, &[1]).unwrap(),
        Tck::Invalid {
            found: 0x80,
            expected: 0x81
        }
    );
}

#[test]
fn the_split_meanings_read_their_bits() {
    assert_eq!(td_meaning(0x81).en, "protocol T=1; next: TD");
    assert_eq!(
        td_meaning(0x1F).en,
        "protocol T=15 (global interface bytes); next: TA"
    );
    assert_eq!(td_meaning(0x00).en, "protocol T=0; next: none");
    assert_eq!(
        global_ta_meaning(0xC3).en,
        "global: clock stop, no preference; classes A (5 V), B (3 V)"
    );
    assert_eq!(
        global_ta_meaning(0x00).en,
        "global: clock stop not supported; classes none stated"
    );
    assert_eq!(
        ta2_meaning(0x81).en,
        "specific mode: T=1, cannot change to negotiable mode, parameters from TA1"
    );
    assert!(
        ta1_meaning(0x11).en.starts_with("Fi = 372, Di = 1"),
        "{}",
        ta1_meaning(0x11).en
    );
}
