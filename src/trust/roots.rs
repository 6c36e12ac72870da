//! The J-LIS JPKI root certificates this build pins, compiled into the binary.
//!
//! The PEM files beside this module (`roots/`, see `roots/README.md`) are J-LIS's public CA
//! certificates, copied byte for byte. They are included with `include_str!`, so nothing is read
//! from disk at run time: a trust anchor loaded from a file next to the binary is one anyone can
//! replace.
//!
//! Generation 2 has a row but no bytes: its certificate could not be sourced for this build, so
//! a certificate of that generation can be recognised (name, serial, dates) but never verified.

use serde::Serialize;

use super::Purpose;

/// One row of J-LIS's generation table (jpki.go.jp/ca/index.html; `roots/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RootInfo {
    pub purpose: Purpose,
    /// J-LIS's generation number (from its file names authca01–03 / signca01–03).
    pub generation: u8,
    /// Serial number, upper-case hex as the certificate encodes it.
    pub serial: &'static str,
    /// First and last day of validity (UTC dates, ISO 8601).
    pub valid_from: &'static str,
    pub valid_to: &'static str,
    /// SHA-256 of the DER certificate, upper-case hex; `None` where this build has no bytes.
    pub sha256: Option<&'static str>,
    /// The compiled-in PEM text; `None` where this build has no bytes (generation 2).
    #[serde(skip)]
    pub pem: Option<&'static str>,
}

impl RootInfo {
    /// Whether this build can check signatures against this root.
    pub fn pinned(&self) -> bool {
        self.pem.is_some()
    }
}

/// Every J-LIS JPKI root generation known to this build, pinned or not.
pub const JLIS_ROOTS: &[RootInfo] = &[
    RootInfo {
        purpose: Purpose::Authentication,
        generation: 1,
        serial: "01",
        valid_from: "2015-10-20",
        valid_to: "2025-10-19",
        sha256: Some("4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D"),
        pem: Some(include_str!("roots/auth-ca-gen1.pem")),
    },
    RootInfo {
        purpose: Purpose::Authentication,
        generation: 2,
        serial: "0133C349",
        valid_from: "2019-09-14",
        valid_to: "2029-09-14",
        sha256: None,
        pem: None,
    },
    RootInfo {
        purpose: Purpose::Authentication,
        generation: 3,
        serial: "06D18006",
        valid_from: "2023-07-16",
        valid_to: "2033-07-15",
        sha256: Some("64114F29620C24ED2631D46476A040E7EE740D956089C00B036A6A8118C322B5"),
        pem: Some(include_str!("roots/auth-ca-gen3.pem")),
    },
    RootInfo {
        purpose: Purpose::Signing,
        generation: 1,
        serial: "01",
        valid_from: "2015-10-20",
        valid_to: "2025-10-19",
        sha256: Some("19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355"),
        pem: Some(include_str!("roots/sign-ca-gen1.pem")),
    },
    RootInfo {
        purpose: Purpose::Signing,
        generation: 2,
        serial: "0132C4AB",
        valid_from: "2019-09-14",
        valid_to: "2029-09-14",
        sha256: None,
        pem: None,
    },
    RootInfo {
        purpose: Purpose::Signing,
        generation: 3,
        serial: "067C6A21",
        valid_from: "2023-07-16",
        valid_to: "2033-07-15",
        sha256: Some("D227F6CDE11D35C5252178F106F843D24651944975413B539FA2FB68DBFA365F"),
        pem: Some(include_str!("roots/sign-ca-gen3.pem")),
    },
];

/// The generations this build pins (can verify), as `(purpose, generation)`.
pub fn pinned_generations() -> impl Iterator<Item = (Purpose, u8)> {
    JLIS_ROOTS
        .iter()
        .filter(|r| r.pinned())
        .map(|r| (r.purpose, r.generation))
}

/// The generations this build knows by name only (cannot verify).
pub fn unpinned_generations() -> impl Iterator<Item = &'static RootInfo> {
    JLIS_ROOTS.iter().filter(|r| !r.pinned())
}
