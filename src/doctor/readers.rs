//! Known readers and their traps, as data; and the installed libccid version.
//!
//! Each row of [`KNOWN_READERS`] names its source. A reader matches a row when its PC/SC name
//! contains one of the row's substrings (case-insensitive): PC/SC names are the USB product
//! string plus a slot suffix (`ACS ACR122U PICC Interface 00 00`), so substrings are what is
//! stable across platforms.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What kind of device a row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderKind {
    /// Reads the card over NFC (ISO 14443).
    Contactless,
    /// Reads the card through its contacts.
    Contact,
    /// Both interfaces.
    Dual,
    /// Not a card reader at all (a security key with its own chip, a virtual reader).
    NotAReader,
}

/// How much a trap matters for reading a My Number Card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information: works, with a detail worth knowing.
    Info,
    /// Works only after the fix.
    Warn,
    /// Cannot read the card through PC/SC on this platform.
    Fail,
}

/// When a trap shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// The reader is listed by PC/SC, and this still goes wrong.
    WhenListed,
    /// This is why the reader is not listed at all (no driver, driver too old).
    WhenMissing,
}

/// One known trap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trap {
    /// `linux`, `windows`, `macos` or `any`.
    pub platform: &'static str,
    pub applies: Applies,
    pub severity: Severity,
    pub what: &'static str,
    pub fix: &'static str,
}

/// One row of the reader table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownReader {
    pub model: &'static str,
    /// Case-insensitive substrings of the PC/SC reader name.
    pub matches: &'static [&'static str],
    pub kind: ReaderKind,
    /// Whether the device is known to read ISO 14443 Type B (the My Number Card's RF type):
    /// `Some(true)` documented, `Some(false)` documented not to, `None` not established.
    pub type_b: Option<bool>,
    /// The lowest libccid version that drives it on Linux, when that is a trap.
    pub min_libccid: Option<&'static str>,
    pub traps: &'static [Trap],
    pub source: &'static str,
}

/// The readers people use with the My Number Card, and their known traps.
pub const KNOWN_READERS: &[KnownReader] = &[
    KnownReader {
        model: "Sony PaSoRi RC-S300",
        matches: &["RC-S300"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: Some("1.4.35"),
        traps: &[Trap {
            platform: "linux",
            applies: Applies::WhenMissing,
            severity: Severity::Warn,
            what: "libccid supports the RC-S300/S and RC-S300/P only from version 1.4.35 (July 2021); older distributions ship an older libccid and list no reader",
            fix: "install libccid 1.4.35 or later (Debian 12 / Ubuntu 22.04 and later ship it), then restart pcscd",
        }],
        source: "libccid changelog: \"Add SONY Felica RC-S300/S\" and \"/P\" (2021-06-22), release 1.4.35 (2021-07-25); libccid Info.plist ifdFriendlyName \"SONY FeliCa RC-S300/S\", \"SONY FeliCa RC-S300/P\"; ../shared/docs/prior-art.md",
    },
    KnownReader {
        model: "Sony PaSoRi RC-S380",
        matches: &["RC-S380", "PaSoRi 3.0"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: None,
        traps: &[Trap {
            platform: "linux",
            applies: Applies::WhenMissing,
            severity: Severity::Fail,
            what: "the RC-S380 is not a CCID reader and no pcsc-lite driver exists for it: on Linux it never appears as a PC/SC reader",
            fix: "use a CCID reader with ISO 14443 Type B on Linux (Sony RC-S300 with libccid >= 1.4.35, or an ACS ACR1252U); on Windows the RC-S380 works with Sony's NFC Port Software",
        }],
        source: "../shared/docs/prior-art.md (reader failures); absent from libccid's supported-reader list (Info.plist)",
    },
    KnownReader {
        model: "ACS ACR122U (PN532-based)",
        matches: &["ACR122"],
        kind: ReaderKind::Contactless,
        type_b: None,
        min_libccid: None,
        traps: &[
            Trap {
                platform: "linux",
                applies: Applies::WhenMissing,
                severity: Severity::Warn,
                what: "Linux kernels since 3.5 bind the NFC driver pn533_usb to it, and pcscd then logs \"Can't claim interface\" and lists no reader",
                fix: "sudo modprobe -r pn533_usb pn533 nfc, then restart pcscd; to make it last: echo 'blacklist pn533_usb' | sudo tee /etc/modprobe.d/blacklist-nfc.conf",
            },
            Trap {
                platform: "any",
                applies: Applies::WhenListed,
                // Information: doctor establishes Type B by reaching the card.
                severity: Severity::Info,
                what: "ISO 14443 Type B support depends on firmware and is not established for the My Number Card; ACR122U-WB-R firmware below 2.06 answers 6300 to APDUs expecting 123 bytes",
                fix: "if doctor finds no card or the link check fails, use a reader documented for Type B (ACS ACR1252U, Sony RC-S300)",
            },
        ],
        source: "nfc-tools/libnfc issues #338 (the ACR122U contains a PN532), #426, #402; coinkite/coinkite-tap-proto issue #37 (pn533_usb blacklist); libccid changelog 2009-05-27 (firmware < 2.06)",
    },
    KnownReader {
        model: "PN532 boards (breakouts, Arduino / Raspberry Pi NFC HATs)",
        matches: &["PN532"],
        kind: ReaderKind::Contactless,
        type_b: Some(false),
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Fail,
            what: "PN532 boards are not PC/SC readers, and the firmware and libraries that drive them poll ISO 14443 Type A only (the chip's Type B mode is rarely wired up): they do not see the My Number Card",
            fix: "use a PC/SC reader with ISO 14443 Type B (ACS ACR1252U, Sony RC-S300)",
        }],
        source: "../shared/docs/prior-art.md (\"PN532 / some readers never see the card\"); NXP PN532 user manual UM0701 (InListPassiveTarget BrTy 03 = 106 kbps Type B is the chip's, not the boards')",
    },
    KnownReader {
        model: "ACS ACR1252U",
        matches: &["ACR1252"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: None,
        traps: &[],
        source: "libccid Info.plist ifdFriendlyName \"ACS ACR1252 Dual Reader\", \"ACS ACR1252 Reader\"; ACS ACR1252U specification (ISO 14443 Type A and B); ../shared/docs/prior-art.md",
    },
    KnownReader {
        model: "ACS ACR39U (contact)",
        matches: &["ACR39"],
        kind: ReaderKind::Contact,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: "a contact reader: the card goes in chip first, face up; the contact ATR is the card's own",
            fix: "insert the card fully, contacts towards the reader",
        }],
        source: "libccid Info.plist ifdFriendlyName \"ACS ACR39U ICC Reader\"; card-facts §5 (the card has contacts)",
    },
    KnownReader {
        model: "YubiKey (security key)",
        matches: &["Yubico", "YubiKey"],
        kind: ReaderKind::NotAReader,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: "a security key shows up as a PC/SC reader with its own card in it; it cannot read the My Number Card",
            fix: "pick the card reader with --reader",
        }],
        source: "../shared/docs/prior-art.md (several readers: YubiKey, FIDO token)",
    },
    KnownReader {
        model: "vsmartcard virtual reader (vpcd)",
        matches: &["Virtual PCD"],
        kind: ReaderKind::NotAReader,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: "a virtual reader: the card in it is an emulator (myna-audit emulate) or another vicc, not a physical card",
            fix: "none needed for tests; for a real card, pick the physical reader with --reader",
        }],
        source: "vsmartcard vpcd reader name (../shared/docs/pcsc-virtual-reader.md)",
    },
];

/// The first row whose substring occurs in `reader_name`, ignoring case.
pub fn lookup(reader_name: &str) -> Option<&'static KnownReader> {
    let name = reader_name.to_ascii_lowercase();
    KNOWN_READERS.iter().find(|r| {
        r.matches
            .iter()
            .any(|m| name.contains(&m.to_ascii_lowercase()))
    })
}

/// Where pcsc-lite looks for the CCID driver bundle on common distributions (the `usbdropdir`
/// of pcsc-lite's build: Debian/Ubuntu `/usr/lib/pcsc/drivers`; Fedora and Arch
/// `/usr/lib64/pcsc/drivers` or `/usr/lib/pcsc/drivers`; source builds `/usr/local/lib/...`).
pub const LIBCCID_PLISTS: &[&str] = &[
    "/usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist",
    "/usr/lib64/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist",
    "/usr/local/lib/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist",
    "/usr/lib/x86_64-linux-gnu/pcsc/drivers/ifd-ccid.bundle/Contents/Info.plist",
    "/usr/libexec/SmartCardServices/drivers/ifd-ccid.bundle/Contents/Info.plist",
];

/// What the libccid bundle says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Libccid {
    pub path: String,
    /// `CFBundleShortVersionString`.
    pub version: Option<String>,
    /// `ifdFriendlyName`: the readers this libccid drives.
    pub friendly_names: Vec<String>,
}

impl Libccid {
    /// Whether this libccid lists a reader whose name shares the row's substring.
    pub fn lists(&self, reader: &KnownReader) -> bool {
        self.friendly_names.iter().any(|n| {
            let n = n.to_ascii_lowercase();
            reader
                .matches
                .iter()
                .any(|m| n.contains(&m.to_ascii_lowercase()))
        })
    }
}

/// The `<string>` right after `<key>{key}</key>` in an Info.plist, trimmed.
pub fn plist_string(plist: &str, key: &str) -> Option<String> {
    let marker = format!("<key>{key}</key>");
    let after = plist.split_once(&marker)?.1;
    let after = after.trim_start();
    let body = after.strip_prefix("<string>")?;
    let (value, _) = body.split_once("</string>")?;
    Some(value.trim().to_string())
}

/// Every `<string>` of the `<array>` after `<key>{key}</key>`.
pub fn plist_array(plist: &str, key: &str) -> Vec<String> {
    let marker = format!("<key>{key}</key>");
    let Some((_, after)) = plist.split_once(&marker) else {
        return Vec::new();
    };
    let Some(body) = after.trim_start().strip_prefix("<array>") else {
        return Vec::new();
    };
    let Some((array, _)) = body.split_once("</array>") else {
        return Vec::new();
    };
    array
        .split("<string>")
        .skip(1)
        .filter_map(|s| s.split_once("</string>").map(|(v, _)| v.trim().to_string()))
        .collect()
}

/// Parses a libccid bundle's Info.plist text.
pub fn parse_libccid(path: &str, plist: &str) -> Libccid {
    Libccid {
        path: path.to_string(),
        version: plist_string(plist, "CFBundleShortVersionString"),
        friendly_names: plist_array(plist, "ifdFriendlyName"),
    }
}

/// Compares dotted versions numerically (`1.4.35` < `1.5.0`, `1.4.9` < `1.4.35`); missing
/// components count as 0. `None` when either side has a non-numeric component.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        v.trim().split('.').map(|p| p.parse::<u64>().ok()).collect()
    };
    let (mut x, mut y) = (parse(a)?, parse(b)?);
    let n = x.len().max(y.len());
    x.resize(n, 0);
    y.resize(n, 0);
    Some(x.cmp(&y))
}

/// Whether `installed` is at least `needed`; `None` when either cannot be compared.
pub fn at_least(installed: &str, needed: &str) -> Option<bool> {
    compare_versions(installed, needed).map(|o| o != Ordering::Less)
}

/// Reads the first libccid Info.plist found in `candidates`.
pub fn gather_libccid(candidates: &[&str]) -> Option<Libccid> {
    candidates.iter().find_map(|p| {
        let path = PathBuf::from(p);
        read_plist(&path).map(|text| parse_libccid(p, &text))
    })
}

fn read_plist(path: &Path) -> Option<String> {
    // The real file is ~60 KB; a cap keeps a strange file from being read whole.
    const MAX: u64 = 1 << 20;
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// What the doctor says about one reader: its row, and the traps that apply here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderVerdict {
    pub model: Option<&'static str>,
    pub kind: Option<ReaderKind>,
    pub type_b: Option<bool>,
    /// Traps that apply on this platform, with the libccid check already done.
    pub traps: Vec<Trap>,
    /// What the libccid check found, if it applied.
    pub libccid_note: Option<String>,
    pub source: Option<&'static str>,
}

impl ReaderVerdict {
    /// The worst severity among the traps that apply.
    pub fn worst(&self) -> Option<Severity> {
        let rank = |s: Severity| match s {
            Severity::Info => 0,
            Severity::Warn => 1,
            Severity::Fail => 2,
        };
        self.traps
            .iter()
            .map(|t| t.severity)
            .max_by_key(|s| rank(*s))
    }
}

/// Applies the table to a reader that **is listed** by PC/SC on `platform` (`linux`, …):
/// the traps that still bite a listed reader, and, where the row needs a minimum libccid,
/// what the installed one is.
pub fn assess(reader_name: &str, platform: &str, libccid: Option<&Libccid>) -> ReaderVerdict {
    let Some(row) = lookup(reader_name) else {
        return ReaderVerdict {
            model: None,
            kind: None,
            type_b: None,
            traps: Vec::new(),
            libccid_note: None,
            source: None,
        };
    };
    let traps = row
        .traps
        .iter()
        .filter(|t| t.applies == Applies::WhenListed && on(t, platform))
        .cloned()
        .collect();
    let libccid_note = match (row.min_libccid, platform) {
        (Some(min), "linux") => Some(libccid_check(min, libccid).1),
        _ => None,
    };
    ReaderVerdict {
        model: Some(row.model),
        kind: Some(row.kind),
        type_b: row.type_b,
        traps,
        libccid_note,
        source: Some(row.source),
    }
}

fn on(t: &Trap, platform: &str) -> bool {
    t.platform == "any" || t.platform == platform
}

/// Whether the installed libccid is at least `min` (`None`: cannot tell), and in words.
pub fn libccid_check(min: &str, libccid: Option<&Libccid>) -> (Option<bool>, String) {
    match libccid.and_then(|l| l.version.as_deref()) {
        Some(v) => match at_least(v, min) {
            Some(true) => (
                Some(true),
                format!("libccid {v} installed (>= {min} needed)"),
            ),
            Some(false) => (
                Some(false),
                format!("libccid {v} installed, older than {min}"),
            ),
            None => (None, format!("libccid version \"{v}\" not understood")),
        },
        None => (
            None,
            "libccid version unknown (no ifd-ccid.bundle Info.plist found)".into(),
        ),
    }
}

/// A reason a reader may be missing from the list, for the "no reader" verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingHint {
    pub model: &'static str,
    pub what: String,
    pub fix: &'static str,
}

/// Why a known reader may not be listed on `platform`: rows with a `WhenMissing` trap there.
/// A trap tied to a minimum libccid is left out when the installed libccid is recent enough.
pub fn missing_hints(platform: &str, libccid: Option<&Libccid>) -> Vec<MissingHint> {
    let mut out = Vec::new();
    for row in KNOWN_READERS {
        for t in row.traps {
            if t.applies != Applies::WhenMissing || !on(t, platform) {
                continue;
            }
            let what = match (row.min_libccid, platform) {
                (Some(min), "linux") => {
                    let (ok, note) = libccid_check(min, libccid);
                    if ok == Some(true) {
                        continue;
                    }
                    format!("{} ({note})", t.what)
                }
                _ => t.what.to_string(),
            };
            out.push(MissingHint {
                model: row.model,
                what,
                fix: t.fix,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
            lookup("SONY FeliCa RC-S300/S 00 00").unwrap().model,
            "Sony PaSoRi RC-S300"
        );
        assert_eq!(
            lookup("acs acr122u picc interface 00 00").unwrap().model,
            "ACS ACR122U (PN532-based)"
        );
        assert_eq!(
            lookup("ACS ACR1252 Dual Reader PICC 00 01").unwrap().model,
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
            lookup("ACS ACR1252 Reader").unwrap().model,
            "ACS ACR122U (PN532-based)"
        );
    }

    #[test]
    fn every_row_cites_a_source_and_has_a_fix_for_each_trap() {
        for r in KNOWN_READERS {
            assert!(!r.source.is_empty() && !r.matches.is_empty(), "{}", r.model);
            for t in r.traps {
                assert!(!t.fix.is_empty() && !t.what.is_empty(), "{}", r.model);
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
                .contains("1.5.2 installed (>= 1.4.35")
        );
        assert!(
            !missing_hints("linux", Some(&new))
                .iter()
                .any(|h| h.model.contains("RC-S300"))
        );

        let old = parse_libccid("p", &PLIST.replace("1.5.2", "1.4.34"));
        let v = assess("SONY FeliCa RC-S300/S 00 00", "linux", Some(&old));
        assert!(v.libccid_note.unwrap().contains("older than 1.4.35"));
        let hints = missing_hints("linux", Some(&old));
        let h = hints.iter().find(|h| h.model.contains("RC-S300")).unwrap();
        assert!(
            h.what.contains("1.4.34 installed, older than 1.4.35"),
            "{}",
            h.what
        );

        // Unknown version: the hint is kept, saying so.
        let hints = missing_hints("linux", None);
        assert!(
            hints
                .iter()
                .any(|h| h.model.contains("RC-S300") && h.what.contains("unknown"))
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
        assert_eq!(v.model, Some("Sony PaSoRi RC-S380"));
        assert!(v.traps.is_empty());
        // A PN532 board that is somehow listed still cannot see Type B.
        let v = assess("PN532 board", "linux", None);
        assert_eq!(v.worst(), Some(Severity::Fail));
        assert_eq!(v.type_b, Some(false));
        // Listed, so the kernel module did not grab it: only the Type B note applies.
        let v = assess("ACS ACR122U PICC Interface 00 00", "linux", None);
        assert_eq!(v.traps.len(), 1);
        assert_eq!(v.worst(), Some(Severity::Info));
        assert!(v.traps[0].what.contains("Type B"));
        let v = assess("Unknown Reader 00 00", "linux", None);
        assert_eq!(v.model, None);
    }

    #[test]
    fn missing_hints_name_the_rc_s380_on_linux() {
        let new = parse_libccid("p", PLIST);
        let t = missing_hints("linux", Some(&new));
        assert!(t.iter().any(|h| h.model.contains("RC-S380")), "{t:?}");
        let acr = t.iter().find(|h| h.model.contains("ACR122U")).unwrap();
        assert!(acr.fix.contains("pn533_usb"), "{acr:?}");
    }
}
