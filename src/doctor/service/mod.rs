//! Is the PC/SC service reachable, and if not, why: pure decisions over gathered facts.
//!
//! On Linux the service is pcsc-lite's `pcscd`, usually socket-activated by systemd
//! (`pcscd.socket` listens on `/run/pcscd/pcscd.comm` and starts `pcscd.service` on the first
//! connection). Three failures look alike from a client ("the service is not available") and
//! need different fixes:
//!
//! | PC/SC answer | pcscd binary | pcscd process | socket | diagnosis |
//! |---|---|---|---|---|
//! | NoService | absent | no | no | not installed |
//! | NoService | present | no | no | installed, not running, socket not active |
//! | NoService | present | no | yes | socket present, daemon did not start (or a stale socket) |
//! | NoService | any | yes | yes | running, refusing this client: polkit (ssh, containers) |
//! | NoService | any | yes | no | running with its socket elsewhere (another path or namespace) |
//! | NoAccess | any | any | any | access denied (polkit) |
//!
//! pcsc-lite asks polkit for `org.debian.pcsc-lite.access_pcsc` (to talk to pcscd at all) and
//! `org.debian.pcsc-lite.access_card` (to use a reader's card); a denial is logged by pcscd as
//! "Process … (user: …) is NOT authorized for action: access_pcsc" and the client sees the
//! connection refused (../shared/docs/prior-art.md). Which error code the client gets varies
//! by pcsc-lite version, so a running daemon with its socket present is read as a denial too.

use std::path::Path;

use serde::Serialize;

use super::say;
use crate::lang::Text;
use crate::transport::TransportError;

mod table;
pub use table::Answer;
pub use table::{DIAGNOSES, Diagnosis, Fix, PLATFORM_FIXES, install_fix, platform_fix};
use table::{OTHER_ERROR_FIX, UNKNOWN_DIAGNOSIS};

/// The socket pcsc-lite clients connect to (pcsc-lite `PCSCLITE_CSOCK_NAME` default).
pub const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";

/// Where the daemon binary lives on the common distributions (Debian/Ubuntu `/usr/sbin`,
/// Fedora `/usr/sbin`, Arch `/usr/bin`, source builds `/usr/local/sbin`).
pub const PCSCD_PATHS: &[&str] = &[
    "/usr/sbin/pcscd",
    "/usr/bin/pcscd",
    "/usr/local/sbin/pcscd",
    "/usr/local/bin/pcscd",
    "/sbin/pcscd",
];

/// What establishing a PC/SC context (and listing readers) answered, reduced to what the
/// diagnosis needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum PcscProbe {
    /// A context was established.
    Reachable,
    /// SCARD_E_NO_SERVICE / SCARD_E_SERVICE_STOPPED.
    NoService,
    /// SCARD_E_NO_ACCESS.
    NoAccess,
    /// Anything else, as the PC/SC layer worded it.
    Other(String),
}

impl PcscProbe {
    /// From the transport's error. The transport maps `pcsc::Error::NoAccess` to
    /// [`TransportError::Pcsc`] with the pcsc crate's text for it; that text is matched here.
    pub fn from_error(e: &TransportError) -> PcscProbe {
        match e {
            TransportError::NoService | TransportError::ServiceStopped => PcscProbe::NoService,
            TransportError::Pcsc(msg) if msg.to_ascii_lowercase().contains("access is denied") => {
                PcscProbe::NoAccess
            }
            other => PcscProbe::Other(other.to_string()),
        }
    }
}

/// The distribution family, for package names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Distro {
    Debian,
    Fedora,
    Arch,
    Unknown,
}

impl Distro {
    /// From `/etc/os-release`: `ID` and `ID_LIKE`.
    pub fn from_os_release(text: &str) -> Distro {
        let mut ids = Vec::new();
        for line in text.lines() {
            if let Some(v) = line
                .strip_prefix("ID=")
                .or_else(|| line.strip_prefix("ID_LIKE="))
            {
                ids.extend(
                    v.trim_matches('"')
                        .split_whitespace()
                        .map(str::to_ascii_lowercase),
                );
            }
        }
        let has = |names: &[&str]| ids.iter().any(|i| names.contains(&i.as_str()));
        if has(&["debian", "ubuntu"]) {
            Distro::Debian
        } else if has(&["fedora", "rhel", "centos"]) {
            Distro::Fedora
        } else if has(&["arch", "manjaro"]) {
            Distro::Arch
        } else {
            Distro::Unknown
        }
    }

    /// The command that installs the daemon and the CCID driver, when the family is known.
    pub fn install_command(self) -> Option<&'static str> {
        match self {
            Distro::Debian => Some("sudo apt-get install pcscd libccid"),
            Distro::Fedora => Some("sudo dnf install pcsc-lite pcsc-lite-ccid"),
            Distro::Arch => Some("sudo pacman -S pcsclite ccid"),
            Distro::Unknown => None,
        }
    }
}

/// Everything the diagnosis looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceFacts {
    /// `linux`, `macos`, `windows`, …
    pub platform: String,
    pub probe: PcscProbe,
    /// Where the pcscd binary was found, if it was.
    pub daemon_binary: Option<String>,
    /// The pid of a running pcscd, if one was found.
    pub daemon_pid: Option<u32>,
    /// Whether [`PCSCD_SOCKET`] exists.
    pub socket_present: bool,
    pub distro: Distro,
}

/// What is wrong with the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceState {
    Reachable,
    NotInstalled,
    NotRunning,
    SocketWithoutDaemon,
    AccessDenied,
    SocketElsewhere,
    /// Not Linux, or an error the table does not cover.
    Unreachable,
}

/// The diagnosis: state, what was seen, what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceDiagnosis {
    pub state: ServiceState,
    pub summary: Text,
    pub fix: Option<Text>,
}

impl ServiceDiagnosis {
    pub fn reachable(&self) -> bool {
        self.state == ServiceState::Reachable
    }
}

/// What was seen, in words: the binary, the process, the socket.
fn seen(f: &ServiceFacts) -> Text {
    let bin = f.daemon_binary.as_deref();
    let pid = f.daemon_pid.map(|p| format!("pid {p}"));
    let sock = f.socket_present;
    Text::new(
        format!(
            "pcscd binary: {}; pcscd process: {}; socket {PCSCD_SOCKET}: {}",
            bin.unwrap_or("not found"),
            pid.as_deref().unwrap_or("none"),
            if sock { "present" } else { "absent" }
        ),
        format!(
            "pcscd の実行ファイル: {}、pcscd のプロセス: {}、ソケット {PCSCD_SOCKET}: {}",
            bin.unwrap_or("見つかりません"),
            pid.as_deref().unwrap_or("なし"),
            if sock { "あり" } else { "なし" }
        ),
    )
}

/// `<lead>; <seen>`.
fn with_seen(lead: &Text, seen: &Text) -> Text {
    Text::new(
        format!("{}; {}", lead.en, seen.en),
        format!("{}。{}", lead.ja, seen.ja),
    )
}

/// Decides what is wrong. Pure: every combination of the facts has one answer, from the
/// table [`DIAGNOSES`] on Linux and [`PLATFORM_FIXES`] elsewhere.
pub fn diagnose(f: &ServiceFacts) -> ServiceDiagnosis {
    let d = |state, summary: Text, fix: Option<Text>| ServiceDiagnosis {
        state,
        summary,
        fix,
    };
    match &f.probe {
        PcscProbe::Reachable => d(ServiceState::Reachable, say::SERVICE_OK.text(), None),
        _ if f.platform != "linux" => {
            let w = probe_words(&f.probe);
            let summary = Text::new(
                format!("the PC/SC service is not reachable ({w})"),
                format!("PC/SC サービスに接続できません（{w}）"),
            );
            d(
                ServiceState::Unreachable,
                summary,
                Some(platform_fix(&f.platform).text()),
            )
        }
        PcscProbe::Other(msg) => {
            let lead = Text::new(
                format!("the PC/SC service answered an error: {msg}"),
                format!("PC/SC サービスがエラーを返しました: {msg}"),
            );
            let fix = Some(OTHER_ERROR_FIX.text());
            d(ServiceState::Unreachable, with_seen(&lead, &seen(f)), fix)
        }
        probe => {
            let row = diagnosis_row(probe, f);
            let fix = match row.fix {
                Fix::Say(p) => p.text(),
                Fix::Install => install_fix(f.distro),
            };
            d(row.state, with_seen(&row.lead.text(), &seen(f)), Some(fix))
        }
    }
}

/// The first row of [`DIAGNOSES`] that matches the facts; the table ends in rows that match
/// anything, so there always is one.
fn diagnosis_row(probe: &PcscProbe, f: &ServiceFacts) -> &'static Diagnosis {
    let facts = (
        f.daemon_binary.is_some(),
        f.daemon_pid.is_some(),
        f.socket_present,
    );
    DIAGNOSES
        .iter()
        .find(|r| r.matches(probe, facts))
        .unwrap_or(&UNKNOWN_DIAGNOSIS)
}

fn probe_words(p: &PcscProbe) -> String {
    match p {
        PcscProbe::Reachable => "reachable".into(),
        PcscProbe::NoService => "SCARD_E_NO_SERVICE".into(),
        PcscProbe::NoAccess => "SCARD_E_NO_ACCESS".into(),
        PcscProbe::Other(m) => m.clone(),
    }
}

// ---- gatherers: read the system, decide nothing ----

/// The platform name as the diagnosis uses it.
pub fn platform() -> String {
    std::env::consts::OS.to_string()
}

/// The pid of a process whose command name is `pcscd`, scanning `proc` (normally `/proc`).
pub fn find_process(proc: &Path, name: &str) -> Option<u32> {
    let entries = std::fs::read_dir(proc).ok()?;
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // `comm` is the command name, truncated to 15 bytes; enough for "pcscd".
        if let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) {
            if comm.trim_end() == name {
                return Some(pid);
            }
        }
    }
    None
}

/// Where the pcscd binary is: `PATH` first, then the usual places.
pub fn find_binary(path_var: Option<&str>, usual: &[&str]) -> Option<String> {
    let from_path = path_var
        .into_iter()
        .flat_map(|p| p.split(':'))
        .filter(|d| !d.is_empty())
        .map(|d| Path::new(d).join("pcscd"));
    from_path
        .chain(usual.iter().map(|p| Path::new(p).to_path_buf()))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

/// Gathers the facts for `probe` from this machine.
pub fn gather(probe: PcscProbe) -> ServiceFacts {
    let platform = platform();
    let linux = platform == "linux";
    ServiceFacts {
        probe,
        daemon_binary: if linux {
            find_binary(std::env::var("PATH").ok().as_deref(), PCSCD_PATHS)
        } else {
            None
        },
        daemon_pid: if linux {
            find_process(Path::new("/proc"), "pcscd")
        } else {
            None
        },
        socket_present: linux && Path::new(PCSCD_SOCKET).exists(),
        distro: std::fs::read_to_string("/etc/os-release")
            .map(|t| Distro::from_os_release(&t))
            .unwrap_or(Distro::Unknown),
        platform,
    }
}
#[cfg(test)]
mod tests;
