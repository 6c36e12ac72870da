//! Known readers and their traps, as data; and the installed libccid version.
//!
//! Each row of [`KNOWN_READERS`] names its source. A reader matches a row when its PC/SC name
//! contains one of the row's substrings (case-insensitive): PC/SC names are the USB product
//! string plus a slot suffix (`ACS ACR122U PICC Interface 00 00`), so substrings are what is
//! stable across platforms.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::say::Phrase;
use crate::lang::Text;

mod table;
pub use table::KNOWN_READERS;

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
    pub what: Phrase,
    pub fix: Phrase,
}

/// One row of the reader table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownReader {
    pub model: Phrase,
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
    pub model: Option<Phrase>,
    pub kind: Option<ReaderKind>,
    pub type_b: Option<bool>,
    /// Traps that apply on this platform, with the libccid check already done.
    pub traps: Vec<Trap>,
    /// What the libccid check found, if it applied.
    pub libccid_note: Option<Text>,
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
pub fn libccid_check(min: &str, libccid: Option<&Libccid>) -> (Option<bool>, Text) {
    // The version string comes from a file: data inside the sentence.
    let Some(v) = libccid.and_then(|l| l.version.as_deref()) else {
        let note = Text::new(
            "libccid version unknown (no ifd-ccid.bundle Info.plist found)",
            "libccid のバージョンが分かりません（ifd-ccid.bundle の Info.plist が見つかりません）",
        );
        return (None, note);
    };
    let ok = at_least(v, min);
    let note = match ok {
        Some(true) => Text::new(
            format!("libccid {v} installed (>= {min} needed)"),
            format!("libccid {v} がインストールされています（{min} 以上が必要）"),
        ),
        Some(false) => Text::new(
            format!("libccid {v} installed, older than {min}"),
            format!("libccid {v} がインストールされていますが、{min} より古いです"),
        ),
        None => Text::new(
            format!("libccid version \"{v}\" not understood"),
            format!("libccid のバージョン「{v}」を解釈できません"),
        ),
    };
    (ok, note)
}

/// A reason a reader may be missing from the list, for the "no reader" verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingHint {
    pub model: Phrase,
    pub what: Text,
    pub fix: Phrase,
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
                    Text::new(
                        format!("{} ({})", t.what.en, note.en),
                        format!("{}（{}）", t.what.ja, note.ja),
                    )
                }
                _ => t.what.text(),
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
mod tests;
