use super::*;

const PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>CFBundleExecutable</key>
	<string>libccid.so</string>
	<key>CFBundleShortVersionString</key>
	<string>1.5.2</string>
	<key>CFBundleVersion</key>
	<string>0.0.1d1</string>
	<key>ifdFriendlyName</key>
	<array>
		<string>ACS ACR1252 Dual Reader</string>
		<string>SONY FeliCa RC-S300/S</string>
		<string>SONY FeliCa RC-S300/P</string>
	</array>
</dict>
</plist>"#;

#[test]
fn parses_the_bundle_version_and_reader_names() {
    let l = parse_libccid("x", PLIST);
    assert_eq!(l.version.as_deref(), Some("1.5.2"), "not CFBundleVersion");
    assert_eq!(l.friendly_names.len(), 3);
    assert!(l.lists(lookup("SONY FeliCa RC-S300/P 00 00").unwrap()));
    assert!(!l.lists(lookup("ACS ACR122U PICC Interface 00 00").unwrap()));
}

#[test]
fn plist_without_the_key_or_with_junk() {
    assert_eq!(
        plist_string("<dict></dict>", "CFBundleShortVersionString"),
        None
    );
    assert_eq!(
        plist_string(
            "<key>CFBundleShortVersionString</key><string>1.4",
            "CFBundleShortVersionString"
        ),
        None
    );
    assert!(
        plist_array(
            "<key>ifdFriendlyName</key><string>x</string>",
            "ifdFriendlyName"
        )
        .is_empty()
    );
    assert!(plist_array("", "ifdFriendlyName").is_empty());
}

#[test]
fn reads_this_machines_libccid_when_installed() {
    // Debian puts it at /usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist (a link
    // to /etc/libccid_Info.plist). The test fails if a file exists but does not parse.
    match gather_libccid(LIBCCID_PLISTS) {
        Some(l) => {
            let v = l.version.clone().unwrap_or_default();
            assert!(
                compare_versions(&v, "1.0").is_some(),
                "{v:?} from {}",
                l.path
            );
            assert!(!l.friendly_names.is_empty(), "{}", l.path);
        }
        None => {
            for p in LIBCCID_PLISTS {
                assert!(!Path::new(p).exists(), "{p} exists but was not read");
            }
        }
    }
    assert_eq!(gather_libccid(&["/nonexistent/Info.plist"]), None);
}

#[test]
fn version_comparison_is_numeric() {
    assert_eq!(compare_versions("1.4.35", "1.4.35"), Some(Ordering::Equal));
    assert_eq!(compare_versions("1.4.9", "1.4.35"), Some(Ordering::Less));
    assert_eq!(compare_versions("1.5", "1.4.35"), Some(Ordering::Greater));
    assert_eq!(compare_versions("1.4.34", "1.4.35"), Some(Ordering::Less));
    assert_eq!(compare_versions("1.5.0", "1.5"), Some(Ordering::Equal));
    assert_eq!(compare_versions("1.5.0-rc1", "1.4.35"), None);
    assert_eq!(at_least("1.5.2", "1.4.35"), Some(true));
    assert_eq!(at_least("1.4.34", "1.4.35"), Some(false));
    assert_eq!(at_least("", "1.4.35"), None);
}

#[test]
fn matching_is_by_substring_ignoring_case() {
    assert_eq!(
        lookup("SONY FeliCa RC-S300/S 00 00").unwrap().model.en,
        "Sony PaSoRi RC-S300"
    );
    assert_eq!(
        lookup("acs acr122u picc interface 00 00").unwrap().model.en,
        "ACS ACR122U (PN532-based)"
    );
    assert_eq!(
        lookup("ACS ACR1252 Dual Reader PICC 00 01")
            .unwrap()
            .model
            .en,
        "ACS ACR1252U"
    );
    assert_eq!(
        lookup("Virtual PCD 00 00").unwrap().kind,
        ReaderKind::NotAReader
    );
    assert_eq!(
        lookup("Yubico YubiKey OTP+FIDO+CCID 00 00").unwrap().kind,
        ReaderKind::NotAReader
    );
    assert!(lookup("Gemalto PC Twin Reader 00 00").is_none());
    // ACR1252 must not be taken for ACR122: the table is ordered so it cannot.
    assert_ne!(
        lookup("ACS ACR1252 Reader").unwrap().model.en,
        "ACS ACR122U (PN532-based)"
    );
}

#[test]
fn every_row_cites_a_source_and_has_a_fix_for_each_trap() {
    for r in KNOWN_READERS {
        assert!(
            !r.source.is_empty() && !r.matches.is_empty(),
            "{}",
            r.model.en
        );
        for t in r.traps {
            assert!(
                !t.fix.en.is_empty() && !t.what.en.is_empty(),
                "{}",
                r.model.en
            );
            assert!(["linux", "windows", "macos", "any"].contains(&t.platform));
        }
    }
}

#[test]
fn rc_s300_libccid_note_and_missing_hint_depend_on_the_installed_version() {
    let new = parse_libccid("p", PLIST);
    let v = assess("SONY FeliCa RC-S300/S 00 00", "linux", Some(&new));
    assert!(v.traps.is_empty(), "{v:?}");
    assert_eq!(v.worst(), None);
    assert!(
        v.libccid_note
            .unwrap()
            .en
            .contains("1.5.2 installed (>= 1.4.35")
    );
    assert!(
        !missing_hints("linux", Some(&new))
            .iter()
            .any(|h| h.model.en.contains("RC-S300"))
    );

    let old = parse_libccid("p", &PLIST.replace("1.5.2", "1.4.34"));
    let v = assess("SONY FeliCa RC-S300/S 00 00", "linux", Some(&old));
    assert!(v.libccid_note.unwrap().en.contains("older than 1.4.35"));
    let hints = missing_hints("linux", Some(&old));
    let h = hints
        .iter()
        .find(|h| h.model.en.contains("RC-S300"))
        .unwrap();
    assert!(
        h.what.en.contains("1.4.34 installed, older than 1.4.35"),
        "{}",
        h.what.en
    );

    // Unknown version: the hint is kept, saying so.
    let hints = missing_hints("linux", None);
    assert!(
        hints
            .iter()
            .any(|h| h.model.en.contains("RC-S300") && h.what.en.contains("unknown"))
    );

    // On Windows the libccid note and hint do not apply.
    let v = assess("SONY FeliCa RC-S300/S 0", "windows", None);
    assert!(v.traps.is_empty() && v.libccid_note.is_none());
    assert!(missing_hints("windows", None).is_empty());
}

#[test]
fn listed_readers_and_their_traps() {
    // A listed RC-S380 has a driver (Windows): the "never listed on Linux" trap is moot.
    let v = assess("Sony FeliCa Port/PaSoRi 3.0 0", "windows", None);
    assert_eq!(v.model.map(|m| m.en), Some("Sony PaSoRi RC-S380"));
    assert!(v.traps.is_empty());
    // A PN532 board that is somehow listed still cannot see Type B.
    let v = assess("PN532 board", "linux", None);
    assert_eq!(v.worst(), Some(Severity::Fail));
    assert_eq!(v.type_b, Some(false));
    // Listed, so the kernel module did not grab it: only the Type B note applies.
    let v = assess("ACS ACR122U PICC Interface 00 00", "linux", None);
    assert_eq!(v.traps.len(), 1);
    assert_eq!(v.worst(), Some(Severity::Info));
    assert!(v.traps[0].what.en.contains("Type B"));
    let v = assess("Unknown Reader 00 00", "linux", None);
    assert_eq!(v.model, None);
}

#[test]
fn missing_hints_name_the_rc_s380_on_linux() {
    let new = parse_libccid("p", PLIST);
    let t = missing_hints("linux", Some(&new));
    assert!(t.iter().any(|h| h.model.en.contains("RC-S380")), "{t:?}");
    let acr = t.iter().find(|h| h.model.en.contains("ACR122U")).unwrap();
    assert!(acr.fix.en.contains("pn533_usb"), "{acr:?}");
}
