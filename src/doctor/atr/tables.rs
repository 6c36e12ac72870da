//! What ATR bytes mean, as tables: ISO/IEC 7816-3 Tables 7 and 8 (Fi, f max, Di), the
//! ISO/IEC 14443 FSC codes, the PC/SC part 3 supplement's standards and card names, the
//! ISO/IEC 7816-4 compact-TLV tags, and the interface-byte meanings ([`MEANINGS`]: which byte
//! after which protocol says what), each sentence in English and Japanese side by side.

use crate::doctor::say::Phrase;
use crate::lang::Text;

/// A row of ISO/IEC 7816-3 Table 7: the FI code, Fi, and f(max) in MHz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FiRow {
    pub code: u8,
    pub fi: u16,
    pub f_max_mhz: f64,
}

/// ISO/IEC 7816-3 Table 7 (codes 7, 8, 14 and 15 are RFU).
pub const FI_TABLE: &[FiRow] = &[
    FiRow {
        code: 0,
        fi: 372,
        f_max_mhz: 4.0,
    },
    FiRow {
        code: 1,
        fi: 372,
        f_max_mhz: 5.0,
    },
    FiRow {
        code: 2,
        fi: 558,
        f_max_mhz: 6.0,
    },
    FiRow {
        code: 3,
        fi: 744,
        f_max_mhz: 8.0,
    },
    FiRow {
        code: 4,
        fi: 1116,
        f_max_mhz: 12.0,
    },
    FiRow {
        code: 5,
        fi: 1488,
        f_max_mhz: 16.0,
    },
    FiRow {
        code: 6,
        fi: 1860,
        f_max_mhz: 20.0,
    },
    FiRow {
        code: 9,
        fi: 512,
        f_max_mhz: 5.0,
    },
    FiRow {
        code: 10,
        fi: 768,
        f_max_mhz: 7.5,
    },
    FiRow {
        code: 11,
        fi: 1024,
        f_max_mhz: 10.0,
    },
    FiRow {
        code: 12,
        fi: 1536,
        f_max_mhz: 15.0,
    },
    FiRow {
        code: 13,
        fi: 2048,
        f_max_mhz: 20.0,
    },
];

/// ISO/IEC 7816-3 Table 8: DI code → Di (0 and 10..15 are RFU).
pub const DI_TABLE: &[(u8, u8)] = &[
    (1, 1),
    (2, 2),
    (3, 4),
    (4, 8),
    (5, 16),
    (6, 32),
    (7, 64),
    (8, 12),
    (9, 20),
];

/// FSCI → FSC in bytes (ISO/IEC 14443-4 §5.2.3 / -3 ATQB; 9..C added by the 2016
/// amendments; D..F RFU).
pub const FSC_TABLE: &[(u8, u16)] = &[
    (0, 16),
    (1, 24),
    (2, 32),
    (3, 40),
    (4, 48),
    (5, 64),
    (6, 96),
    (7, 128),
    (8, 256),
    (9, 512),
    (10, 1024),
    (11, 2048),
    (12, 4096),
];

/// The standard byte SS of a PC/SC part 3 storage-card ATR (PC/SC part 3 supplement). The
/// names are the standards' own, the same in both languages.
pub const STANDARDS: &[(u8, &str)] = &[
    (0x01, "ISO 14443 A, part 1"),
    (0x02, "ISO 14443 A, part 2"),
    (0x03, "ISO 14443 A, part 3"),
    (0x05, "ISO 14443 B, part 1"),
    (0x06, "ISO 14443 B, part 2"),
    (0x07, "ISO 14443 B, part 3"),
    (0x09, "ISO 15693, part 1"),
    (0x0A, "ISO 15693, part 2"),
    (0x0B, "ISO 15693, part 3"),
    (0x0C, "ISO 15693, part 4"),
    (0x11, "FeliCa"),
];

/// An SS the table does not register (JSON keeps the English, as before).
pub const STANDARD_UNREGISTERED: Phrase =
    Phrase::new("standard not registered here", "ここに登録のない規格");

/// The card name C0 C1 of a PC/SC part 3 storage-card ATR (PC/SC part 3 supplement):
/// product names, the same in both languages.
pub const CARD_NAMES: &[(u16, &str)] = &[
    (0x0001, "MIFARE Classic 1K"),
    (0x0002, "MIFARE Classic 4K"),
    (0x0003, "MIFARE Ultralight"),
    (0x0026, "MIFARE Mini"),
    (0x003A, "MIFARE Ultralight C"),
    (0xF004, "Topaz / Jewel"),
    (0xF011, "FeliCa 212K"),
    (0xF012, "FeliCa 424K"),
];

/// ISO/IEC 7816-4 §8.1.1 compact-TLV tags of the historical bytes (JSON only).
pub const TLV_NAMES: &[(u8, &str)] = &[
    (0x1, "country code"),
    (0x2, "issuer identification number"),
    (0x3, "card service data"),
    (0x4, "initial access data"),
    (0x5, "card issuer's data"),
    (0x6, "pre-issuing data"),
    (0x7, "card capabilities"),
    (0x8, "status indicator"),
    (0xF, "application identifier"),
];

/// A tag [`TLV_NAMES`] does not name.
pub const TLV_UNNAMED: &str = "proprietary or RFU";

/// The first value of `table` for `key`.
pub fn lookup<K: PartialEq + Copy, V: Copy>(table: &[(K, V)], key: K) -> Option<V> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Which interface bytes a meaning row is for: the index i of TAi/TBi/TCi/TDi.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Exactly(usize),
    Any,
}

/// One row of [`MEANINGS`]: byte letter, index, the protocol the TD before it named (`None`
/// any), and what the byte's value says.
#[derive(Debug, Clone, Copy)]
pub struct MeaningRow {
    pub letter: char,
    pub index: Index,
    pub after: Option<u8>,
    pub say: fn(u8) -> Text,
}

impl MeaningRow {
    pub fn matches(&self, letter: char, i: usize, t_before: Option<u8>) -> bool {
        self.letter == letter
            && (self.index == Index::Any || self.index == Index::Exactly(i))
            && (self.after.is_none() || self.after == t_before)
    }
}

/// What an interface byte means, given its letter, its index i and the protocol T named by
/// TD(i-1) (ISO/IEC 7816-3 §8.3 and §11.4 for T=1, §8.3 T=15 for the global bytes). First
/// match wins; a byte no row matches is [`NOT_DECODED`].
pub const MEANINGS: &[MeaningRow] = &[
    MeaningRow {
        letter: 'A',
        index: Index::Exactly(1),
        after: None,
        say: ta1_meaning,
    },
    MeaningRow {
        letter: 'B',
        index: Index::Exactly(1),
        after: None,
        say: tb1_meaning,
    },
    MeaningRow {
        letter: 'C',
        index: Index::Exactly(1),
        after: None,
        say: tc1_meaning,
    },
    MeaningRow {
        letter: 'A',
        index: Index::Exactly(2),
        after: None,
        say: ta2_meaning,
    },
    MeaningRow {
        letter: 'B',
        index: Index::Exactly(2),
        after: None,
        say: tb2_meaning,
    },
    MeaningRow {
        letter: 'C',
        index: Index::Exactly(2),
        after: Some(0),
        say: wi_meaning,
    },
    MeaningRow {
        letter: 'A',
        index: Index::Any,
        after: Some(1),
        say: ifsc_meaning,
    },
    MeaningRow {
        letter: 'B',
        index: Index::Any,
        after: Some(1),
        say: bwi_cwi_meaning,
    },
    MeaningRow {
        letter: 'C',
        index: Index::Any,
        after: Some(1),
        say: edc_meaning,
    },
    MeaningRow {
        letter: 'A',
        index: Index::Any,
        after: Some(15),
        say: global_ta_meaning,
    },
    MeaningRow {
        letter: 'B',
        index: Index::Any,
        after: Some(15),
        say: spu_meaning,
    },
    MeaningRow {
        letter: 'D',
        index: Index::Any,
        after: None,
        say: td_meaning,
    },
];

/// A byte that depends on a protocol the decoder does not know.
pub const NOT_DECODED: Phrase = Phrase::new(
    "protocol-specific (not decoded)",
    "プロトコル固有（解読しません）",
);

/// The meaning of one interface byte, from [`MEANINGS`].
pub fn meaning(letter: char, i: usize, t_before: Option<u8>, v: u8) -> Text {
    MEANINGS
        .iter()
        .find(|r| r.matches(letter, i, t_before))
        .map_or_else(|| NOT_DECODED.text(), |r| (r.say)(v))
}

/// TA1: Fi and Di (ISO/IEC 7816-3 §8.3).
pub fn ta1_meaning(v: u8) -> Text {
    let (hi, lo) = (v >> 4, v & 0x0F);
    let row = FI_TABLE.iter().find(|r| r.code == hi);
    match (row, lookup(DI_TABLE, lo)) {
        (Some(r), Some(d)) => {
            let (f, m) = (r.fi, r.f_max_mhz);
            Text::new(
                format!("Fi = {f}, Di = {d} (f max {m} MHz; clock rate conversion {f}/{d})"),
                format!("Fi = {f}、Di = {d}（最大周波数 {m} MHz、クロックレート変換 {f}/{d}）"),
            )
        }
        _ => Text::new(
            format!("FI = {hi:X}, DI = {lo:X} (reserved values)"),
            format!("FI = {hi:X}、DI = {lo:X}（予約値）"),
        ),
    }
}

fn tb1_meaning(_: u8) -> Text {
    Text::new(
        "TB1 (VPP, deprecated by ISO/IEC 7816-3:2006)",
        "TB1（VPP、ISO/IEC 7816-3:2006 で廃止）",
    )
}

fn tc1_meaning(v: u8) -> Text {
    if v == 0xFF {
        Text::new(
            "extra guard time N = 255 (minimum character spacing)",
            "追加ガードタイム N = 255（最小の文字間隔）",
        )
    } else {
        Text::new(
            format!("extra guard time N = {v} etu"),
            format!("追加ガードタイム N = {v} etu"),
        )
    }
}

/// TA2: the specific mode byte.
pub fn ta2_meaning(v: u8) -> Text {
    let t = v & 0x0F;
    let (fixed, implicit) = (v & 0x80 != 0, v & 0x10 != 0);
    Text::new(
        format!(
            "specific mode: T={t}{}{}",
            if fixed {
                ", cannot change to negotiable mode"
            } else {
                ", may change to negotiable mode"
            },
            if implicit {
                ", parameters implicit"
            } else {
                ", parameters from TA1"
            }
        ),
        format!(
            "固有モード: T={t}{}{}",
            if fixed {
                "、ネゴシエーションモードに変更できません"
            } else {
                "、ネゴシエーションモードに変更できます"
            },
            if implicit {
                "、パラメーターは暗黙"
            } else {
                "、パラメーターは TA1 から"
            }
        ),
    )
}

fn tb2_meaning(_: u8) -> Text {
    Text::new("TB2 (VPP, deprecated)", "TB2（VPP、廃止）")
}

fn wi_meaning(v: u8) -> Text {
    Text::new(
        format!("T=0 waiting time integer WI = {v}"),
        format!("T=0 の待ち時間整数 WI = {v}"),
    )
}

fn ifsc_meaning(v: u8) -> Text {
    Text::new(
        format!("IFSC = {v} bytes (largest block the card receives, T=1)"),
        format!("IFSC = {v} バイト（カードが受け取る最大のブロック、T=1）"),
    )
}

fn bwi_cwi_meaning(v: u8) -> Text {
    let (b, c) = (v >> 4, v & 0x0F);
    Text::new(
        format!("T=1 waiting times: BWI = {b}, CWI = {c}"),
        format!("T=1 の待ち時間: BWI = {b}、CWI = {c}"),
    )
}

fn edc_meaning(v: u8) -> Text {
    let code = if v & 0x01 != 0 { "CRC" } else { "LRC" };
    Text::new(
        format!("T=1 error detection code: {code}"),
        format!("T=1 の誤り検出符号: {code}"),
    )
}

/// Clock stop, by the top two bits of the first TA after a T=15 TD.
pub const CLOCK_STOP: [Phrase; 4] = [
    Phrase::new("clock stop not supported", "クロック停止に非対応"),
    Phrase::new("clock stop in state L", "状態 L でクロック停止"),
    Phrase::new("clock stop in state H", "状態 H でクロック停止"),
    Phrase::new(
        "clock stop, no preference",
        "クロック停止可（状態の指定なし）",
    ),
];

/// Voltage classes, by bit (names of the standard, the same in both languages).
pub const CLASSES: [(u8, &str); 3] = [(0x01, "A (5 V)"), (0x02, "B (3 V)"), (0x04, "C (1.8 V)")];

/// The first TA after a T=15 TD: clock stop and voltage classes.
pub fn global_ta_meaning(v: u8) -> Text {
    let stop = CLOCK_STOP
        .get(usize::from(v >> 6))
        .copied()
        .unwrap_or(CLOCK_STOP[3]);
    let classes: Vec<&str> = CLASSES
        .iter()
        .filter(|(bit, _)| v & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    let (classes_en, classes_ja) = if classes.is_empty() {
        ("none stated".to_string(), "記載なし".to_string())
    } else {
        (classes.join(", "), classes.join("、"))
    };
    Text::new(
        format!("global: {}; classes {classes_en}", stop.en),
        format!("グローバル: {}、電圧クラス {classes_ja}", stop.ja),
    )
}

fn spu_meaning(v: u8) -> Text {
    Text::new(
        format!("global: standard or proprietary use contacts SPU = {v:02X}"),
        format!("グローバル: 標準または独自用途の接点 SPU = {v:02X}"),
    )
}

/// TDi: the protocol and which interface bytes follow.
pub fn td_meaning(v: u8) -> Text {
    let t = v & 0x0F;
    let next: Vec<&str> = [(0x10, "TA"), (0x20, "TB"), (0x40, "TC"), (0x80, "TD")]
        .into_iter()
        .filter(|(bit, _)| v & bit != 0)
        .map(|(_, n)| n)
        .collect();
    let global = t == 15;
    let (next_en, next_ja) = if next.is_empty() {
        ("none".to_string(), "なし".to_string())
    } else {
        (next.join(", "), next.join("、"))
    };
    Text::new(
        format!(
            "protocol T={t}{}; next: {next_en}",
            if global {
                " (global interface bytes)"
            } else {
                ""
            }
        ),
        format!(
            "プロトコル T={t}{}、次: {next_ja}",
            if global {
                "（グローバルインターフェースバイト）"
            } else {
                ""
            }
        ),
    )
}
