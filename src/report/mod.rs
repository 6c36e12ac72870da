//! The report: one plain data model ([`Report`]) filled by the audit, the catalogue of its
//! sentences ([`say`]), and three peer renderers ([`text`] and [`html`] for people, [`json`]
//! for programs). JSON is the stable contract (docs/json.md, `schema_version`).

pub mod html;
pub mod json;
pub mod say;
pub mod text;
pub mod verdict;

use serde::{Deserialize, Serialize};

use crate::card::chipmap::{AppId, CertRole, SecretKind};
pub use crate::card::ids::{Aid, DataTag, Ef};
use crate::decode::cert::CertSummary;
use crate::decode::records::{ApBasicInfo, CardInfo, CertAvailability, CvCertificate, TokenInfo};
pub use crate::lang::{Lang, Text};
pub use crate::sw::StatusWord;
use crate::trust::{CaVerdict, Genuineness};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The date expiry was judged against (YYYY-MM-DD).
    pub as_of: String,
    pub source: Source,
    pub reader: Reader,
    pub is_my_number_card: bool,
    /// Whether identifiers (serials, subject numbers) are masked.
    pub identifiers_masked: bool,
    pub master_file: Option<MasterFile>,
    pub applications: Vec<Application>,
    pub exposure: Exposure,
    /// Whether the authentication certificate (the holder certificate anyone can read)
    /// chains to a pinned J-LIS root: the genuine-card check (docs/genuine.md). Absent when
    /// it was not read or cannot be checked (a redacted recording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genuine: Option<Genuineness>,
    pub findings: Vec<Finding>,
    pub notes: Vec<Text>,
    pub apdu_count: usize,
    /// False when a fault stopped the audit early; `error` says why.
    pub complete: bool,
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    pub fixture: Option<String>,
    /// The fixture's `kind:` header (synthetic, recorded-redacted, recorded-private).
    pub fixture_kind: Option<String>,
}

/// Where the card's answers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A reader, through PC/SC.
    Pcsc,
    /// A fixture file.
    Replay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    pub name: String,
    pub atr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterFile {
    /// The answer to SELECT of the issuer security domain A0000001510000.
    pub select_sw: StatusWord,
    pub objects: Vec<MfObjectReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfObjectReport {
    pub tag: DataTag,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    pub sw: StatusWord,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: AppId,
    pub name_ja: String,
    pub name_en: String,
    pub aid: Aid,
    pub present: bool,
    pub select_sw: StatusWord,
    pub note: Option<String>,
    pub pins: Vec<Pin>,
    pub files: Vec<FileReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinStatus {
    /// All tries left.
    Ok,
    /// Fewer tries left than the limit.
    Low,
    Blocked,
    /// Blocked when the card was issued (text AP 0012): expected.
    BlockedAtIssue,
    /// The card answered 9000: JICSAP does not define it; no count was given.
    NotReported,
    /// `6300`: the key has no retry limit.
    NoLimit,
    /// `6984` (or `63C0`) from a key whose certificate the card says was never issued
    /// (JPKI EF 0008): the key was never set, it is not blocked (docs/card-facts.md §9).
    NotSet,
    /// The key's EF is not on this card.
    Absent,
    /// Any other answer: see `sw`.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub ef: Ef,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    pub secret: SecretKind,
    pub format: String,
    pub max_tries: Option<u8>,
    pub tries_remaining: Option<u8>,
    pub blocked: bool,
    pub status: PinStatus,
    /// The answer to the data-less VERIFY (or to SELECT when the EF is absent).
    pub sw: StatusWord,
    /// How an unusable key is read in context: `6984` is "reference data not usable", which is
    /// both a key blocked by wrong tries and one never set (docs/card-facts.md §9). Absent for
    /// keys the card reports as usable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<KeyReading>,
}

/// The interpretation of a key the card refuses (`6984`, `63C0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyReading {
    /// Its certificate was never issued (EF 0008): the key was never set.
    NotSetNoCertificate,
    /// Blocked by wrong tries, or never set (a 顔認証マイナンバーカード has no PINs).
    BlockedOrNeverSet,
}

/// The weakest thing that opens a file, per the chip map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessTier {
    /// No secret.
    Free,
    /// What is printed on the card (照合番号A/B, birth date).
    CardSurface,
    /// A memorised PIN or password.
    Pin,
    /// A key object: never readable.
    Never,
    /// The public record does not say.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    pub ef: Ef,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    pub access: AccessTier,
    /// The key EFs that open it (chip map), e.g. `["0011", "0014"]`.
    pub opened_by: Vec<Ef>,
    /// Whether the EF answered SELECT (null when it was not selected: key objects).
    pub present: Option<bool>,
    /// What this card answered: null when not asked (key objects, absent files).
    pub readable_without_secret: Option<bool>,
    /// Bytes read, when the file was read.
    pub size: Option<usize>,
    /// The status word that decided `readable_without_secret` (or SELECT's, when absent).
    pub sw: Option<StatusWord>,
    pub details: Option<Details>,
    /// A problem met while reading or decoding.
    pub problem: Option<String>,
}

/// What a freely readable file was decoded into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Details {
    Certificate(CertificateDetails),
    TokenInfo(TokenInfo),
    CertAvailability(CertAvailability),
    CardInfo(CardInfo),
    ApBasicInfo(ApBasicInfo),
    CvCertificate(CvCertificate),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDetails {
    pub role: CertRole,
    #[serde(flatten)]
    pub summary: CertSummary,
    pub days_until_expiry: i64,
    pub expired: bool,
    /// Whether this end-entity certificate is signed by the CA certificate read from the
    /// same card (null for CA certificates, or when there was nothing to check against).
    pub chains_to_card_ca: Option<bool>,
    /// A holder certificate (EF 000A, EF 0001): whether its signature verifies with a J-LIS
    /// root pinned in this build, valid on its issue date (docs/genuine.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genuine: Option<Genuineness>,
    /// An on-card CA certificate (EF 000B, EF 0002): which J-LIS root it is, by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jlis_ca: Option<CaVerdict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// Read by anyone holding the card, with no secret.
    pub no_secret: Vec<ExposureItem>,
    /// Opened by what is printed on the card (照合番号A/B, birth date).
    pub card_surface: Vec<ExposureItem>,
    /// Only with a memorised PIN or password.
    pub pin_only: Vec<ExposureItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureItem {
    /// The application, or null for master-file GET DATA objects.
    pub app: Option<AppId>,
    /// `EF 000A` or `GET DATA 00F0`.
    pub item: ExposedItem,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    /// For the secret tiers: which keys open it, e.g. `照合番号A (verification code A)`.
    pub opened_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Notice,
    Warning,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    pub message: Text,
    pub app: Option<AppId>,
    pub ef: Option<Ef>,
}

/// Declares [`FindingCode`]: each variant with its JSON code, and the list of all.
macro_rules! finding_codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)+) => {
        /// The stable identifier of a kind of finding (docs/json.md).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum FindingCode {
            $($(#[$doc])* #[serde(rename = $code)] $name,)+
        }

        impl FindingCode {
            /// Every code, in declaration order.
            pub const ALL: &[FindingCode] = &[$(FindingCode::$name,)+];

            /// The code as JSON carries it (`pin_blocked`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FindingCode::$name => $code,)+
                }
            }
        }
    };
}

finding_codes! {
    PinBlocked = "pin_blocked",
    PinLow = "pin_low",
    ProtectedFileReadable = "protected_file_readable",
    SigningCertificateNotIssued = "signing_certificate_not_issued",
    CardExpired = "card_expired",
    CertificateExpired = "certificate_expired",
    CertificateExpiring = "certificate_expiring",
    CertificateChainMismatch = "certificate_chain_mismatch",
    /// A key answered 6984 and its certificate was never issued: not set, not blocked.
    PinNotSet = "pin_not_set",
    /// Every memorised PIN answers 6984 and no signing certificate is issued.
    FaceAuthenticationCard = "face_authentication_card",
    /// An expired J-LIS CA certificate on the card (not the holder's certificate).
    CaCertificateExpired = "ca_certificate_expired",
    /// A holder certificate does not chain to a pinned J-LIS root (or cannot be checked).
    CertificateNotGenuine = "certificate_not_genuine",
    /// The certificates are from J-LIS's test hierarchy (O=JPKI-TEST): a test card.
    TestCard = "test_card",
    /// An on-card CA certificate is no J-LIS root this build knows.
    CaCertificateUnknown = "ca_certificate_unknown",
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<&str> for ExposedItem {
    fn eq(&self, other: &&str) -> bool {
        match self {
            ExposedItem::Ef(ef) => other.strip_prefix("EF ").is_some_and(|o| *ef == o),
            ExposedItem::GetData(t) => other.strip_prefix("GET DATA ").is_some_and(|o| *t == o),
        }
    }
}

/// What an exposure row names: an EF of an application, or a master-file GET DATA object.
/// Serialised as `"EF 000A"` / `"GET DATA 00F0"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposedItem {
    Ef(Ef),
    GetData(DataTag),
}

impl std::fmt::Display for ExposedItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExposedItem::Ef(ef) => write!(f, "EF {ef}"),
            ExposedItem::GetData(tag) => write!(f, "GET DATA {tag}"),
        }
    }
}

impl Serialize for ExposedItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ExposedItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let s = String::deserialize(d)?;
        if let Some(ef) = s.strip_prefix("EF ") {
            return ef.parse().map(ExposedItem::Ef).map_err(D::Error::custom);
        }
        if let Some(tag) = s.strip_prefix("GET DATA ") {
            return tag
                .parse()
                .map(ExposedItem::GetData)
                .map_err(D::Error::custom);
        }
        Err(D::Error::custom(format!(
            "'{s}' is neither 'EF xxxx' nor 'GET DATA xxxx'"
        )))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    pub hint: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_codes_serialise_as_their_str() {
        assert_eq!(FindingCode::ALL.len(), 14);
        for &c in FindingCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            let back: FindingCode = serde_json::from_value(c.as_str().into()).unwrap();
            assert_eq!(back, c);
        }
    }

    #[test]
    fn exposed_items_round_trip_as_text() {
        for (item, text) in [
            (ExposedItem::Ef(Ef(0x1B)), "EF 001B"),
            (ExposedItem::GetData(DataTag(0xF0)), "GET DATA 00F0"),
        ] {
            assert_eq!(serde_json::to_value(item).unwrap(), text);
            assert_eq!(
                serde_json::from_value::<ExposedItem>(text.into()).unwrap(),
                item
            );
        }
        assert!(serde_json::from_value::<ExposedItem>("DF 0001".into()).is_err());
    }
}
