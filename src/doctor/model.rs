//! The doctor's report: the checks as a table ([`CHECKS`]), one [`Check`] per line, and what
//! the checks saw. Both renderers read it; its sentences are [`Text`]s (JSON carries their
//! English, schema 1).

use serde::Serialize;

use super::atr;
use super::link::LinkStats;
use super::readers::{ReaderKind, Trap};
use super::say::Phrase;
use crate::card::chipmap::AppId;
use crate::lang::Text;

/// The doctor JSON's own schema version (independent of the audit report's).
pub const SCHEMA_VERSION: u32 = 1;

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

impl Status {
    /// The machine label (JSON, and the English text rendering).
    pub fn label(self) -> &'static str {
        self.word().en
    }

    /// The word the text rendering shows.
    pub fn word(self) -> Phrase {
        match self {
            Status::Ok => Phrase::new("ok", "正常"),
            Status::Warn => Phrase::new("warn", "注意"),
            Status::Fail => Phrase::new("fail", "失敗"),
            Status::Skip => Phrase::new("skip", "省略"),
        }
    }

    /// Ok and skip 0, warn 1, fail 2: how much a status fails the run.
    pub fn rank(self) -> u8 {
        match self {
            Status::Ok | Status::Skip => 0,
            Status::Warn => 1,
            Status::Fail => 2,
        }
    }

    /// The worse of two statuses (the first on a tie).
    pub fn worse(self, other: Status) -> Status {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

/// The check ids, in the order they run.
pub mod id {
    pub const SERVICE: &str = "service";
    pub const READERS: &str = "readers";
    pub const CARD: &str = "card";
    pub const ATR: &str = "atr";
    pub const MY_NUMBER_CARD: &str = "my_number_card";
    pub const LINK: &str = "link";
    pub const APDU_SIZE: &str = "apdu_size";
    pub const EXCLUSIVE_ACCESS: &str = "exclusive_access";
    pub const ALL: [&str; 8] = [
        SERVICE,
        READERS,
        CARD,
        ATR,
        MY_NUMBER_CARD,
        LINK,
        APDU_SIZE,
        EXCLUSIVE_ACCESS,
    ];
}

/// One row of the check table: its id and the name the text rendering shows (in English the
/// id itself), what it looks at, and which section of docs/doctor.md explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckRow {
    pub id: &'static str,
    pub name: Phrase,
    pub looks_at: Phrase,
    pub doc_section: u8,
}

/// The checks, bottom of the stack first: the order they run and are shown in.
pub const CHECKS: [CheckRow; 8] = [
    CheckRow {
        id: id::SERVICE,
        name: Phrase::new(id::SERVICE, "サービス"),
        looks_at: Phrase::new("the PC/SC service", "PC/SC サービス"),
        doc_section: 1,
    },
    CheckRow {
        id: id::READERS,
        name: Phrase::new(id::READERS, "リーダー"),
        looks_at: Phrase::new("readers and their known traps", "リーダーと既知の注意点"),
        doc_section: 2,
    },
    CheckRow {
        id: id::CARD,
        name: Phrase::new(id::CARD, "カード"),
        looks_at: Phrase::new("card presence", "カードの有無"),
        doc_section: 3,
    },
    CheckRow {
        id: id::ATR,
        name: Phrase::new(id::ATR, "ATR"),
        looks_at: Phrase::new("the answer to reset, decoded", "リセット応答（ATR）の解読"),
        doc_section: 4,
    },
    CheckRow {
        id: id::MY_NUMBER_CARD,
        name: Phrase::new(id::MY_NUMBER_CARD, "マイナンバーカード"),
        looks_at: Phrase::new("identified by SELECT", "SELECT による確認"),
        doc_section: 5,
    },
    CheckRow {
        id: id::LINK,
        name: Phrase::new(id::LINK, "通信品質"),
        looks_at: Phrase::new("link quality", "通信の品質"),
        doc_section: 6,
    },
    CheckRow {
        id: id::APDU_SIZE,
        name: Phrase::new(id::APDU_SIZE, "APDU長"),
        looks_at: Phrase::new("extended-length APDUs", "拡張長 APDU"),
        doc_section: 7,
    },
    CheckRow {
        id: id::EXCLUSIVE_ACCESS,
        name: Phrase::new(id::EXCLUSIVE_ACCESS, "排他アクセス"),
        looks_at: Phrase::new("other programs", "他のプログラム"),
        doc_section: 8,
    },
];

/// The row of a check id.
pub fn row(id: &str) -> Option<&'static CheckRow> {
    CHECKS.iter().find(|r| r.id == id)
}

/// Where a check id stands in the table (unknown ids last).
pub fn position(id: &str) -> usize {
    CHECKS
        .iter()
        .position(|r| r.id == id)
        .unwrap_or(CHECKS.len())
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    /// What it saw.
    pub summary: Text,
    /// The one thing to do, for anything not ok.
    pub fix: Option<Text>,
    /// Further lines the text renderer indents under the check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Text>,
}

/// A reader as the doctor saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    pub atr: Option<String>,
    /// The known-reader row it matched, if any (its English name).
    pub model: Option<&'static str>,
    pub kind: Option<ReaderKind>,
    pub type_b: Option<bool>,
    pub traps: Vec<Trap>,
    /// On Linux, for rows that need a minimum libccid: what is installed.
    pub libccid: Option<Text>,
    pub source: Option<&'static str>,
}

/// The ATR as the doctor saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtrInfo {
    pub hex: String,
    /// `contact` or `contactless`.
    pub interface: &'static str,
    /// `contact`, `iso14443b`, `iso14443a-4` or `storage`.
    #[serde(rename = "type")]
    pub card_type: &'static str,
    pub tck_valid: Option<bool>,
    /// Whether a public source ties this exact ATR to the My Number Card (`None`: unknown ATR).
    pub known_my_number_card: Option<bool>,
    pub note: Text,
    pub error: Option<Text>,
    pub decoded: Option<atr::Atr>,
}

/// One application's answer to its SELECT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppAnswer {
    pub id: AppId,
    pub name: String,
    pub aid: String,
    /// The status word, or the transport error.
    pub answer: String,
    pub selected: bool,
}

/// What the APDU-size probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApduInfo {
    /// Short APDUs work (the link probe's READ BINARY answered).
    pub short: bool,
    /// Extended-length APDUs work; `None` when not established.
    pub extended: Option<bool>,
    /// The longest response data the card sent to one command during the run.
    pub max_response: usize,
    /// The probe command, as sent (or as it would have been).
    pub probe: String,
    /// What the card's ATR historical bytes claim about extended Lc/Le, if anything.
    pub atr_claims_extended: Option<bool>,
}

/// The doctor's report: the model both renderers read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctorReport {
    pub schema_version: u32,
    pub platform: String,
    /// The reader the card checks used.
    pub reader: Option<String>,
    pub checks: Vec<Check>,
    pub readers: Vec<ReaderInfo>,
    pub atr: Option<AtrInfo>,
    pub applications: Vec<AppAnswer>,
    pub link: Option<LinkStats>,
    pub apdu: Option<ApduInfo>,
    /// Every APDU sent to the card, including probes of cards that were not chosen.
    pub apdus_sent: usize,
    pub elapsed_ms: u64,
}

impl DoctorReport {
    /// An empty report for `platform`: no check run yet.
    pub fn new(platform: String) -> DoctorReport {
        DoctorReport {
            schema_version: SCHEMA_VERSION,
            platform,
            reader: None,
            checks: Vec::new(),
            readers: Vec::new(),
            atr: None,
            applications: Vec::new(),
            link: None,
            apdu: None,
            apdus_sent: 0,
            elapsed_ms: 0,
        }
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// 0: all ok (skips aside); 1: something to fix below the service; 2: PC/SC unreachable.
    pub fn exit_code(&self) -> u8 {
        exit_code(&self.checks)
    }
}

/// The exit code rule: 2 when the service check is not ok (PC/SC unreachable), 1 when any
/// other check warns or fails, 0 otherwise. A skip alone never fails the run.
pub fn exit_code(checks: &[Check]) -> u8 {
    let service_ok = checks
        .iter()
        .find(|c| c.id == id::SERVICE)
        .is_some_and(|c| c.status == Status::Ok);
    if !service_ok {
        return 2;
    }
    if checks.iter().any(|c| c.status.rank() > 0) {
        1
    } else {
        0
    }
}
