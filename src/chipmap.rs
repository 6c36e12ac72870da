//! The My Number Card chip map, as data.
//!
//! One table per application: its AID, its keys (PINs and the codes printed on the card)
//! and its EFs with what they hold and who may read them. The audit walks these tables;
//! docs/chip-map.md is their human-readable form. Every fact cites a section of
//! docs/card-facts.md ("CF §x"), which names the public sources behind it.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use serde::{Deserialize, Serialize};

/// The applications, by the ids the JSON report uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppId {
    Jpki,
    Text,
    Visual,
    Juki,
    Common,
}

/// How a secret is obtained by someone holding the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// A PIN or password the holder memorised.
    Memorised,
    /// Derived from what is printed on the card itself (照合番号A/B, the birth date).
    CardSurface,
    /// A key reference with no holder-facing secret (text AP 0012, blocked at issue).
    Internal,
}

/// One key (IEF) whose retry counter the audit reads.
#[derive(Debug)]
pub struct PinSpec {
    pub ef: u16,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub kind: SecretKind,
    /// What the secret looks like, for people.
    pub format: &'static str,
    /// The retry limit, where the public record agrees on it.
    pub max_tries: Option<u8>,
    /// Blocked when the card is issued, on every card examined: 63C0 is expected, not a finding.
    pub blocked_at_issue: bool,
    /// The certificate whose private key this PIN opens. When the card says that certificate
    /// was never issued (JPKI EF 0008), a 6984 from this key means "never set", not "blocked"
    /// (CF §9).
    pub certificate: Option<CertRole>,
    /// Where to reset it when blocked.
    pub reset: &'static str,
    /// The same, in Japanese for the holder.
    pub reset_ja: &'static str,
    pub source: &'static str,
}

/// The EF's structure, which decides the read command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Structure {
    /// READ BINARY.
    Transparent,
    /// READ RECORD.
    Record,
    /// A key object: never read, never probed.
    Key,
}

/// Who may read an EF, per the chip map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Readable with nothing presented.
    Free,
    /// Readable after verifying any one of these keys of the same application.
    Keys(&'static [u16]),
    /// A key object: not readable at all.
    Never,
    /// The public record does not say: probed, and the raw answer reported.
    Unknown,
}

/// What a free EF holds, which decides how much to read and how to decode it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// An X.509 certificate (DER), with its role.
    Certificate(CertRole),
    /// PKCS#11 CK_TOKEN_INFO, 160 bytes (CF §4.5).
    TokenInfo,
    /// 3 bytes: sign / auth certificate present (`8F`) (CF §2.1).
    CertAvailability,
    /// 共通AP record 1: `01 1C` + serial(15) + municipality(5) + expiry(8) (CF §2.5).
    CommonCardInfo,
    /// 券面AP basic information `FF 30` / `FF 40` (CF §2.2, §2.3).
    ApBasicInfo,
    /// Card-verifiable certificate `7F 21` (CF §2.2).
    CvCertificate,
    /// Anything else: size only.
    Opaque,
    /// Protected content; never read.
    Protected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRole {
    Auth,
    AuthCa,
    Sign,
    SignCa,
}

/// How many bytes a free transparent EF holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// From the BER/DER header in the first bytes.
    Ber,
    /// A fixed size.
    Fixed(usize),
}

#[derive(Debug)]
pub struct FileSpec {
    pub ef: u16,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub structure: Structure,
    pub access: Access,
    pub content: Content,
    pub size: Size,
    pub source: &'static str,
}

#[derive(Debug)]
pub struct AppSpec {
    pub id: AppId,
    pub aid: &'static [u8],
    pub name_ja: &'static str,
    pub name_en: &'static str,
    pub pins: &'static [PinSpec],
    pub files: &'static [FileSpec],
    /// A caveat the report states beside the application.
    pub note: Option<&'static str>,
    pub source: &'static str,
}

impl AppSpec {
    /// `JPKI-AP (公的個人認証AP)`: English and Japanese side by side.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name_en, self.name_ja)
    }

    /// Whether any of these keys is derived from what is printed on the card.
    pub fn opened_from_card_surface(&self, keys: &[u16]) -> bool {
        keys.iter()
            .filter_map(|k| self.pin(*k))
            .any(|p| p.kind == SecretKind::CardSurface)
    }

    pub fn pin(&self, ef: u16) -> Option<&'static PinSpec> {
        self.pins.iter().find(|p| p.ef == ef)
    }
}

const RESET_JPKI: &str = "市区町村の窓口 (municipal office); JPKI PINs can also be reset with a smartphone at a convenience-store kiosk";
const RESET_OFFICE: &str = "市区町村の窓口 (municipal office)";
const RESET_NONE: &str = "not resettable by the holder";
const RESET_JPKI_JA: &str = "お住まいの市区町村の窓口（公的個人認証の暗証番号は、スマートフォンを使ってコンビニのキオスク端末でも再設定できます）";
const RESET_OFFICE_JA: &str = "お住まいの市区町村の窓口";
const RESET_NONE_JA: &str = "利用者による再設定はできません";

const fn file(
    ef: u16,
    label_ja: &'static str,
    label_en: &'static str,
    access: Access,
    content: Content,
    size: Size,
    source: &'static str,
) -> FileSpec {
    let structure = match access {
        Access::Never => Structure::Key,
        _ => Structure::Transparent,
    };
    FileSpec {
        ef,
        label_ja,
        label_en,
        structure,
        access,
        content,
        size,
        source,
    }
}

const fn record(
    ef: u16,
    label_ja: &'static str,
    label_en: &'static str,
    access: Access,
    content: Content,
    source: &'static str,
) -> FileSpec {
    FileSpec {
        ef,
        label_ja,
        label_en,
        structure: Structure::Record,
        access,
        content,
        size: Size::Ber,
        source,
    }
}

const fn key(
    ef: u16,
    label_ja: &'static str,
    label_en: &'static str,
    source: &'static str,
) -> FileSpec {
    file(
        ef,
        label_ja,
        label_en,
        Access::Never,
        Content::Protected,
        Size::Ber,
        source,
    )
}

const fn protected(
    ef: u16,
    label_ja: &'static str,
    label_en: &'static str,
    keys: &'static [u16],
    source: &'static str,
) -> FileSpec {
    file(
        ef,
        label_ja,
        label_en,
        Access::Keys(keys),
        Content::Protected,
        Size::Ber,
        source,
    )
}

/// 公的個人認証AP (JPKI-AP), CF §1.1, §2.1, §3.1.
pub const JPKI: AppSpec = AppSpec {
    id: AppId::Jpki,
    aid: &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01],
    name_ja: "公的個人認証AP",
    name_en: "JPKI-AP",
    note: None,
    source: "CF §1.1, §2.1",
    pins: &[
        PinSpec {
            ef: 0x0018,
            label_ja: "利用者証明用電子証明書暗証番号",
            label_en: "authentication PIN",
            kind: SecretKind::Memorised,
            format: "4 digits",
            max_tries: Some(3),
            blocked_at_issue: false,
            certificate: Some(CertRole::Auth),
            reset: RESET_JPKI,
            reset_ja: RESET_JPKI_JA,
            source: "CF §3.1 (OpenSC JPKI_AUTH_PIN_MAX_TRIES)",
        },
        PinSpec {
            ef: 0x001B,
            label_ja: "署名用電子証明書パスワード",
            label_en: "signing password",
            kind: SecretKind::Memorised,
            format: "6-16 characters, A-Z and 0-9",
            max_tries: Some(5),
            blocked_at_issue: false,
            certificate: Some(CertRole::Sign),
            reset: RESET_JPKI,
            reset_ja: RESET_JPKI_JA,
            source: "CF §3.1 (OpenSC JPKI_SIGN_PIN_MAX_TRIES)",
        },
    ],
    files: &[
        file(
            0x0001,
            "署名用電子証明書",
            "signing certificate",
            Access::Keys(&[0x001B]),
            Content::Protected,
            Size::Ber,
            "CF §2.1",
        ),
        file(
            0x0002,
            "署名用CA証明書",
            "signing CA certificate",
            Access::Free,
            Content::Certificate(CertRole::SignCa),
            Size::Ber,
            "CF §2.1",
        ),
        file(
            0x0006,
            "トークン情報",
            "token information",
            Access::Free,
            Content::TokenInfo,
            Size::Fixed(160),
            "CF §2.1, §4.5",
        ),
        file(
            0x0008,
            "証明書の有無",
            "certificate availability",
            Access::Free,
            Content::CertAvailability,
            Size::Fixed(3),
            "CF §2.1",
        ),
        file(
            0x0009,
            "不明 (保護)",
            "unidentified, protected",
            Access::Unknown,
            Content::Opaque,
            Size::Ber,
            "CF §2.1",
        ),
        file(
            0x000A,
            "利用者証明用電子証明書",
            "authentication certificate",
            Access::Free,
            Content::Certificate(CertRole::Auth),
            Size::Ber,
            "CF §2.1",
        ),
        file(
            0x000B,
            "利用者証明用CA証明書",
            "authentication CA certificate",
            Access::Free,
            Content::Certificate(CertRole::AuthCa),
            Size::Ber,
            "CF §2.1",
        ),
        key(
            0x0017,
            "利用者証明用秘密鍵",
            "authentication private key",
            "CF §2.1",
        ),
        key(0x001A, "署名用秘密鍵", "signing private key", "CF §2.1"),
    ],
};

/// 券面事項入力補助AP (text AP), CF §1.1, §2.2, §3.1.
pub const TEXT: AppSpec = AppSpec {
    id: AppId::Text,
    aid: &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08],
    name_ja: "券面事項入力補助AP",
    name_en: "text AP",
    note: None,
    source: "CF §1.1, §2.2",
    pins: &[
        PinSpec {
            ef: 0x0011,
            label_ja: "券面事項入力補助用暗証番号",
            label_en: "text AP PIN",
            kind: SecretKind::Memorised,
            format: "4 digits",
            max_tries: Some(3),
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1",
        },
        PinSpec {
            ef: 0x0012,
            label_ja: "発行時ブロック済みの鍵",
            label_en: "key reference blocked at issue",
            kind: SecretKind::Internal,
            format: "none",
            max_tries: None,
            blocked_at_issue: true,
            certificate: None,
            reset: RESET_NONE,
            reset_ja: RESET_NONE_JA,
            source: "CF §2.2, §3.3 (63C0 on every card examined)",
        },
        PinSpec {
            ef: 0x0014,
            label_ja: "照合番号A",
            label_en: "verification code A",
            kind: SecretKind::CardSurface,
            format: "12 digits: the My Number printed on the back",
            max_tries: None,
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1 (limit UNCONFIRMED)",
        },
        PinSpec {
            ef: 0x0015,
            label_ja: "照合番号B",
            label_en: "verification code B",
            kind: SecretKind::CardSurface,
            format: "14 digits: birth date YYMMDD + expiry year + security code, all printed on the front",
            max_tries: None,
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1 (limit UNCONFIRMED)",
        },
    ],
    files: &[
        protected(
            0x0001,
            "個人番号",
            "My Number",
            &[0x0011, 0x0014],
            "CF §2.2",
        ),
        protected(
            0x0002,
            "基本4情報",
            "basic 4 attributes (name, address, birth date, sex)",
            &[0x0011, 0x0015],
            "CF §2.2",
        ),
        protected(
            0x0003,
            "署名 (完全性検証)",
            "integrity record",
            &[0x0011, 0x0014, 0x0015],
            "CF §2.2",
        ),
        file(
            0x0004,
            "カード検証用証明書",
            "card-verifiable certificate",
            Access::Free,
            Content::CvCertificate,
            Size::Ber,
            "CF §2.2",
        ),
        file(
            0x0005,
            "AP基本情報",
            "AP basic information",
            Access::Free,
            Content::ApBasicInfo,
            Size::Ber,
            "CF §2.2",
        ),
        protected(
            0x0006,
            "セッション鍵暗号用公開鍵",
            "session-key public key",
            &[0x0011, 0x0014, 0x0015],
            "CF §2.2",
        ),
        protected(
            0x0007,
            "内部認証用証明書",
            "internal-authentication certificate",
            &[0x0011, 0x0014, 0x0015],
            "CF §2.2",
        ),
        file(
            0x0008,
            "不明",
            "unidentified",
            Access::Unknown,
            Content::Opaque,
            Size::Fixed(16),
            "CF §2.2",
        ),
        key(0x0013, "AP署名鍵", "AP signing key", "CF §2.2"),
    ],
};

/// 券面事項確認AP (visual AP), CF §1.1, §2.3, §3.1.
pub const VISUAL: AppSpec = AppSpec {
    id: AppId::Visual,
    aid: &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02],
    name_ja: "券面事項確認AP",
    name_en: "visual AP",
    note: None,
    source: "CF §1.1, §2.3",
    pins: &[
        PinSpec {
            ef: 0x0011,
            label_ja: "生年月日",
            label_en: "birth-date key",
            kind: SecretKind::CardSurface,
            format: "6 digits: birth date as 和暦 YYMMDD (printed on the front)",
            max_tries: None,
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1 (limit UNCONFIRMED)",
        },
        PinSpec {
            ef: 0x0012,
            label_ja: "照合番号B",
            label_en: "verification code B",
            kind: SecretKind::CardSurface,
            format: "14 digits: birth date YYMMDD + expiry year + security code, all printed on the front",
            max_tries: None,
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1 (limit CONFLICT: 10 or 3)",
        },
        PinSpec {
            ef: 0x0013,
            label_ja: "照合番号A",
            label_en: "verification code A",
            kind: SecretKind::CardSurface,
            format: "12 digits: the My Number printed on the back",
            max_tries: None,
            blocked_at_issue: false,
            certificate: None,
            reset: RESET_OFFICE,
            reset_ja: RESET_OFFICE_JA,
            source: "CF §3.1 (limit CONFLICT: 10 or 3)",
        },
    ],
    files: &[
        protected(
            0x0001,
            "生年月日 (年齢確認)",
            "birth-date record (age check)",
            &[0x0011],
            "CF §2.3",
        ),
        protected(
            0x0002,
            "券面情報 (氏名・住所・顔写真)",
            "card face: name, address, face photo",
            &[0x0013, 0x0012],
            "CF §2.3",
        ),
        file(
            0x0003,
            "AP基本情報",
            "AP basic information (incl. municipality code)",
            Access::Free,
            Content::ApBasicInfo,
            Size::Ber,
            "CF §2.3",
        ),
        file(
            0x0004,
            "カード検証用証明書",
            "card-verifiable certificate",
            Access::Free,
            Content::CvCertificate,
            Size::Ber,
            "CF §2.3",
        ),
        protected(
            0x0005,
            "個人番号 (画像)",
            "My Number image",
            &[0x0013],
            "CF §2.3",
        ),
        protected(0x0006, "不明", "unidentified", &[0x0013, 0x0012], "CF §2.3"),
    ],
};

/// 住基AP, CF §1.1, §2.4. Which AID is the 住基AP is disputed (CF §1.1 CONFLICT).
pub const JUKI: AppSpec = AppSpec {
    id: AppId::Juki,
    aid: &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01],
    name_ja: "住基AP",
    name_en: "resident registry AP",
    note: Some(
        "Sources disagree on which AID is the 住基AP: myna-card names D3921000310001010401, \
         TRETJapanNFCReader uses D3921000310001010100 (CF §1.1). Both are reported by AID.",
    ),
    source: "CF §1.1, §2.4",
    pins: &[PinSpec {
        ef: 0x001C,
        label_ja: "住民基本台帳用暗証番号",
        label_en: "resident registry PIN",
        kind: SecretKind::Memorised,
        format: "4 digits",
        max_tries: Some(3),
        blocked_at_issue: false,
        certificate: None,
        reset: RESET_OFFICE,
        reset_ja: RESET_OFFICE_JA,
        source: "CF §3.1",
    }],
    files: &[record(
        0x0002,
        "鍵参照",
        "key reference",
        Access::Unknown,
        Content::Opaque,
        "CF §2.4",
    )],
};

/// 共通カードAP, CF §1.1, §2.5.
pub const COMMON: AppSpec = AppSpec {
    id: AppId::Common,
    aid: &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00],
    name_ja: "共通AP",
    name_en: "common card AP",
    note: Some(
        "Some tools call this AID the 住基AP (CF §1.1 CONFLICT); its 001C key is separate from the 住基AP's.",
    ),
    source: "CF §1.1, §2.5",
    pins: &[PinSpec {
        ef: 0x001C,
        label_ja: "暗証番号 (共通AP)",
        label_en: "common AP PIN",
        kind: SecretKind::Memorised,
        format: "4 digits",
        max_tries: Some(3),
        blocked_at_issue: false,
        certificate: None,
        reset: RESET_OFFICE,
        reset_ja: RESET_OFFICE_JA,
        source: "CF §2.5, §3.1",
    }],
    files: &[
        record(
            0x0001,
            "カード情報",
            "card information (serial, municipality, expiry)",
            Access::Free,
            Content::CommonCardInfo,
            "CF §2.5",
        ),
        record(
            0x0002,
            "鍵参照",
            "key reference",
            Access::Unknown,
            Content::Opaque,
            "CF §2.5",
        ),
        key(
            0x0019,
            "内部認証鍵",
            "internal-authentication key",
            "CF §2.5",
        ),
    ],
};

/// Every application, in the order the audit visits them.
pub const APPLICATIONS: [&AppSpec; 5] = [&JPKI, &TEXT, &VISUAL, &JUKI, &COMMON];

/// A master-file-level GET DATA object (CF §2.6).
#[derive(Debug)]
pub struct MfObject {
    pub tag: u16,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub kind: MfValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfValue {
    /// Printable text that identifies the card: masked unless asked.
    Identifier,
    /// Printable text.
    Text,
    /// A date `YYYYMMDD`.
    Date,
    /// Bytes shown as hex.
    Bytes,
}

pub const MF_OBJECTS: [MfObject; 4] = [
    MfObject {
        tag: 0x0045,
        label_ja: "カード識別番号",
        label_en: "card identification number",
        kind: MfValue::Identifier,
    },
    MfObject {
        tag: 0x00F0,
        label_ja: "全国地方公共団体コード",
        label_en: "municipality code",
        kind: MfValue::Text,
    },
    MfObject {
        tag: 0x00F2,
        label_ja: "有効期限",
        label_en: "card expiry",
        kind: MfValue::Date,
    },
    MfObject {
        tag: 0x5F51,
        label_ja: "接触インタフェースのATR",
        label_en: "contact-interface ATR",
        kind: MfValue::Bytes,
    },
];

/// The chip map as Markdown: docs/chip-map.md is this text (a test keeps them equal).
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "# The chip map as implemented\n");
    let _ = writeln!(
        s,
        "Generated from `src/chipmap.rs` (`cargo test --test docs` checks it; \
         `MYNA_AUDIT_UPDATE_DOCS=1 cargo test --test docs` rewrites it). \"CF §x\" cites \
         `docs/card-facts.md`, which names the public source behind each fact. \
         Access tiers: **free** = no secret; **card-surface** = opened by what is printed on the card \
         (照合番号A = the My Number on the back, 照合番号B = birth date + expiry year + security code, the \
         birth date); **PIN** = a memorised PIN or password; **never** = key object; **unknown** = the public \
         record does not say, so the audit probes and reports the raw status word.\n"
    );
    let _ = writeln!(
        s,
        "## Master file (MF) level: GET DATA without a secret (CF §2.6)\n"
    );
    let _ = writeln!(
        s,
        "Reached after SELECT of the issuer security domain `A0000001510000`.\n"
    );
    let _ = writeln!(s, "| tag | holds |\n|---|---|");
    for o in &MF_OBJECTS {
        let _ = writeln!(s, "| `{:04X}` | {} ({}) |", o.tag, o.label_ja, o.label_en);
    }
    for app in APPLICATIONS {
        markdown_app(&mut s, app);
    }
    s
}

/// One application's section of [`markdown`]: its keys and files.
fn markdown_app(s: &mut String, app: &AppSpec) {
    use std::fmt::Write as _;
    let _ = writeln!(
        s,
        "\n## {} — AID `{}`\n",
        app.label(),
        hex::encode_upper(app.aid)
    );
    let _ = writeln!(s, "Source: {}.", app.source);
    if let Some(n) = app.note {
        let _ = writeln!(s, "\n> {n}");
    }
    let _ = writeln!(
        s,
        "\n| key EF | secret | kind | format | retry limit | source |\n|---|---|---|---|---|---|"
    );
    for p in app.pins {
        let kind = match p.kind {
            SecretKind::Memorised => "memorised",
            SecretKind::CardSurface => "printed on the card",
            SecretKind::Internal => "internal (blocked at issue)",
        };
        let limit = p
            .max_tries
            .map_or("not established".to_string(), |m| m.to_string());
        let _ = writeln!(
            s,
            "| `{:04X}` | {} ({}) | {kind} | {} | {limit} | {} |",
            p.ef, p.label_ja, p.label_en, p.format, p.source
        );
    }
    let _ = writeln!(
        s,
        "\n| EF | holds | access | opened by | read as | source |\n|---|---|---|---|---|---|"
    );
    for f in app.files {
        let (access, keys) = match f.access {
            Access::Free => ("free", String::new()),
            Access::Never => ("never", String::new()),
            Access::Unknown => ("unknown (probed)", String::new()),
            Access::Keys(keys) => {
                let surface = app.opened_from_card_surface(keys);
                let names: Vec<String> = keys
                    .iter()
                    .filter_map(|k| app.pin(*k))
                    .map(|p| format!("`{:04X}` {}", p.ef, p.label_ja))
                    .collect();
                (
                    if surface { "card-surface" } else { "PIN" },
                    names.join(", "),
                )
            }
        };
        let read = match (f.structure, f.access, f.size) {
            (Structure::Key, _, _) => "not read, not probed".to_string(),
            (Structure::Record, Access::Free, _) => "READ RECORD 1, decoded".to_string(),
            (Structure::Record, _, _) => "READ RECORD 1 probe".to_string(),
            (Structure::Transparent, Access::Free, Size::Ber) => {
                "whole file (length from BER header), decoded".to_string()
            }
            (Structure::Transparent, Access::Free, Size::Fixed(n)) => {
                format!("{n} bytes, decoded")
            }
            (Structure::Transparent, _, _) => "1-byte READ BINARY probe".to_string(),
        };
        let _ = writeln!(
            s,
            "| `{:04X}` | {} ({}) | {access} | {keys} | {read} | {} |",
            f.ef, f.label_ja, f.label_en, f.source
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protected_file_names_keys_of_its_own_application() {
        for app in APPLICATIONS {
            for f in app.files {
                if let Access::Keys(keys) = f.access {
                    for k in keys {
                        assert!(
                            app.pin(*k).is_some(),
                            "{:?} EF {:04X} key {k:04X}",
                            app.id,
                            f.ef
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn aids_are_distinct_and_ten_bytes() {
        for (i, a) in APPLICATIONS.iter().enumerate() {
            assert_eq!(a.aid.len(), 10);
            for b in &APPLICATIONS[i + 1..] {
                assert_ne!(a.aid, b.aid);
            }
        }
    }

    #[test]
    fn efs_are_unique_within_an_application() {
        for app in APPLICATIONS {
            let mut seen: Vec<u16> = app
                .files
                .iter()
                .map(|f| f.ef)
                .chain(app.pins.iter().map(|p| p.ef))
                .collect();
            let n = seen.len();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), n, "{:?}", app.id);
        }
    }
}
