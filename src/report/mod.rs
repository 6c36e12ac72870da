//! The report: one plain data model ([`Report`]) filled by the audit, and two renderers
//! ([`text`] for people, [`json`] for programs). JSON is the stable contract
//! (docs/json.md, `schema_version`).

pub mod json;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::card::chipmap::{AppId, CertRole, SecretKind};
use crate::decode::cert::CertSummary;
use crate::decode::records::{ApBasicInfo, CardInfo, CertAvailability, CvCertificate, TokenInfo};

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
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
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
    /// `pcsc` (a reader) or `replay` (a fixture file).
    pub kind: String,
    pub fixture: Option<String>,
    /// The fixture's `kind:` header (synthetic, recorded-redacted, recorded-private).
    pub fixture_kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reader {
    pub name: String,
    pub atr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterFile {
    /// The answer to SELECT of the issuer security domain A0000001510000.
    pub select_sw: String,
    pub objects: Vec<MfObjectReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfObjectReport {
    pub tag: String,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    pub sw: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: AppId,
    pub name_ja: String,
    pub name_en: String,
    pub aid: String,
    pub present: bool,
    pub select_sw: String,
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
    /// The key's EF is not on this card.
    Absent,
    /// Any other answer: see `sw`.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub ef: String,
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
    pub sw: String,
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
    pub ef: String,
    pub label_ja: String,
    #[serde(rename = "label")]
    pub label_en: String,
    pub access: AccessTier,
    /// The key EFs that open it (chip map), e.g. `["0011", "0014"]`.
    pub opened_by: Vec<String>,
    /// Whether the EF answered SELECT (null when it was not selected: key objects).
    pub present: Option<bool>,
    /// What this card answered: null when not asked (key objects, absent files).
    pub readable_without_secret: Option<bool>,
    /// Bytes read, when the file was read.
    pub size: Option<usize>,
    /// The status word that decided `readable_without_secret` (or SELECT's, when absent).
    pub sw: Option<String>,
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
    pub item: String,
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
    pub code: String,
    pub message: String,
    pub app: Option<AppId>,
    pub ef: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub code: String,
    pub message: String,
    pub hint: String,
}

/// `0018` style EF names.
pub fn ef_name(ef: u16) -> String {
    format!("{ef:04X}")
}
