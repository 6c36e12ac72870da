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

use crate::transport::TransportError;

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

    /// The command that installs the daemon and the CCID driver.
    pub fn install_command(self) -> &'static str {
        match self {
            Distro::Debian => "sudo apt-get install pcscd libccid",
            Distro::Fedora => "sudo dnf install pcsc-lite pcsc-lite-ccid",
            Distro::Arch => "sudo pacman -S pcsclite ccid",
            Distro::Unknown => {
                "install pcscd and the CCID driver (Debian/Ubuntu: pcscd libccid; Fedora: pcsc-lite pcsc-lite-ccid; Arch: pcsclite ccid)"
            }
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
    pub summary: String,
    pub fix: Option<String>,
}

impl ServiceDiagnosis {
    pub fn reachable(&self) -> bool {
        self.state == ServiceState::Reachable
    }
}

const POLKIT_FIX: &str = "polkit is refusing your session (common over ssh and in containers): allow the actions \
     org.debian.pcsc-lite.access_pcsc and org.debian.pcsc-lite.access_card for your user with a polkit rule \
     (e.g. /etc/polkit-1/rules.d/50-pcscd.rules returning polkit.Result.YES for those two action ids when \
     subject.user is you), or run from a local desktop session; `journalctl -u pcscd` shows \
     \"NOT authorized for action\" when this is the cause";

/// Decides what is wrong. Pure: every combination of the facts has one answer.
pub fn diagnose(f: &ServiceFacts) -> ServiceDiagnosis {
    let seen = format!(
        "pcscd binary: {}; pcscd process: {}; socket {PCSCD_SOCKET}: {}",
        f.daemon_binary.as_deref().unwrap_or("not found"),
        f.daemon_pid
            .map_or_else(|| "none".to_string(), |p| format!("pid {p}")),
        if f.socket_present {
            "present"
        } else {
            "absent"
        }
    );
    let d = |state, summary: String, fix: Option<String>| ServiceDiagnosis {
        state,
        summary,
        fix,
    };
    match &f.probe {
        PcscProbe::Reachable => d(
            ServiceState::Reachable,
            "the PC/SC service answered".into(),
            None,
        ),
        _ if f.platform != "linux" => d(
            ServiceState::Unreachable,
            format!("the PC/SC service is not reachable ({})", probe_words(&f.probe)),
            Some(match f.platform.as_str() {
                "macos" => "macOS starts its PC/SC service when a reader is plugged in: plug the reader in (again) and retry".into(),
                "windows" => "Windows runs the Smart Card service (SCardSvr) only while a reader is plugged in: plug the reader in, or start the \"Smart Card\" service".into(),
                _ => "start the PC/SC service of this system".into(),
            }),
        ),
        PcscProbe::NoAccess => d(
            ServiceState::AccessDenied,
            format!("pcscd refused access (SCARD_E_NO_ACCESS); {seen}"),
            Some(POLKIT_FIX.into()),
        ),
        PcscProbe::NoService => match (f.daemon_binary.is_some(), f.daemon_pid.is_some(), f.socket_present) {
            (_, true, true) => d(
                ServiceState::AccessDenied,
                format!(
                    "pcscd is running and its socket exists, yet the service refused this program (SCARD_E_NO_SERVICE); {seen}"
                ),
                Some(POLKIT_FIX.into()),
            ),
            (_, true, false) => d(
                ServiceState::SocketElsewhere,
                format!("pcscd is running but not on {PCSCD_SOCKET}; {seen}"),
                Some(
                    "pcscd may be running in another namespace or container, or with another socket path \
                     (PCSCLITE_CSOCK_NAME): restart it here with `sudo systemctl restart pcscd.socket pcscd.service`"
                        .into(),
                ),
            ),
            (false, false, false) => d(
                ServiceState::NotInstalled,
                format!("pcscd is not installed; {seen}"),
                Some(format!(
                    "{}, then `sudo systemctl enable --now pcscd.socket`",
                    f.distro.install_command()
                )),
            ),
            (true, false, false) => d(
                ServiceState::NotRunning,
                format!("pcscd is installed but not running, and its socket is not active; {seen}"),
                Some(
                    "`sudo systemctl enable --now pcscd.socket` (socket activation starts pcscd on demand); \
                     without systemd, run `sudo pcscd`"
                        .into(),
                ),
            ),
            (_, false, true) => d(
                ServiceState::SocketWithoutDaemon,
                format!("the socket exists but no pcscd answers it (activation failed or a stale socket); {seen}"),
                Some(
                    "`sudo systemctl restart pcscd.socket pcscd.service`, then `journalctl -u pcscd` if it still fails"
                        .into(),
                ),
            ),
        },
        PcscProbe::Other(msg) => d(
            ServiceState::Unreachable,
            format!("the PC/SC service answered an error: {msg}; {seen}"),
            Some("restart the service (`sudo systemctl restart pcscd`) and try again".into()),
        ),
    }
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
mod tests {
    use super::*;

    fn facts(probe: PcscProbe, bin: bool, pid: bool, sock: bool) -> ServiceFacts {
        ServiceFacts {
            platform: "linux".into(),
            probe,
            daemon_binary: bin.then(|| "/usr/sbin/pcscd".to_string()),
            daemon_pid: pid.then_some(4242),
            socket_present: sock,
            distro: Distro::Debian,
        }
    }

    /// Every combination of binary / process / socket, for each probe outcome.
    #[test]
    fn every_combination_has_the_expected_state() {
        use ServiceState::*;
        for bin in [false, true] {
            for pid in [false, true] {
                for sock in [false, true] {
                    let got = |p| diagnose(&facts(p, bin, pid, sock)).state;
                    assert_eq!(got(PcscProbe::Reachable), Reachable);
                    assert_eq!(got(PcscProbe::NoAccess), AccessDenied);
                    assert_eq!(got(PcscProbe::Other("x".into())), Unreachable);
                    let want = match (bin, pid, sock) {
                        (_, true, true) => AccessDenied,
                        (_, true, false) => SocketElsewhere,
                        (false, false, false) => NotInstalled,
                        (true, false, false) => NotRunning,
                        (_, false, true) => SocketWithoutDaemon,
                    };
                    assert_eq!(
                        got(PcscProbe::NoService),
                        want,
                        "bin={bin} pid={pid} sock={sock}"
                    );
                }
            }
        }
    }

    #[test]
    fn each_failure_names_its_fix() {
        let fix = |p, b, r, s| diagnose(&facts(p, b, r, s)).fix.unwrap_or_default();
        assert!(fix(PcscProbe::NoService, false, false, false).contains("apt-get install pcscd"));
        assert!(
            fix(PcscProbe::NoService, true, false, false)
                .contains("systemctl enable --now pcscd.socket")
        );
        let denied = fix(PcscProbe::NoService, true, true, true);
        assert!(
            denied.contains("org.debian.pcsc-lite.access_pcsc"),
            "{denied}"
        );
        assert!(
            denied.contains("org.debian.pcsc-lite.access_card"),
            "{denied}"
        );
        assert!(fix(PcscProbe::NoAccess, true, true, true).contains("polkit"));
        assert!(
            fix(PcscProbe::NoService, true, false, true).contains("systemctl restart pcscd.socket")
        );
        let d = diagnose(&facts(PcscProbe::NoService, true, true, true));
        assert!(
            d.summary.contains("pid 4242") && d.summary.contains("present"),
            "{}",
            d.summary
        );
        assert!(
            diagnose(&facts(PcscProbe::Reachable, true, true, true))
                .fix
                .is_none()
        );
    }

    #[test]
    fn install_command_follows_the_distribution() {
        let mut f = facts(PcscProbe::NoService, false, false, false);
        for (d, pkg) in [
            (Distro::Fedora, "dnf install pcsc-lite pcsc-lite-ccid"),
            (Distro::Arch, "pacman -S pcsclite ccid"),
            (Distro::Unknown, "Debian/Ubuntu: pcscd libccid"),
        ] {
            f.distro = d;
            assert!(diagnose(&f).fix.unwrap().contains(pkg), "{d:?}");
        }
    }

    #[test]
    fn os_release_parsing() {
        assert_eq!(
            Distro::from_os_release("ID=debian\nVERSION_ID=\"12\""),
            Distro::Debian
        );
        assert_eq!(
            Distro::from_os_release("ID=linuxmint\nID_LIKE=\"ubuntu debian\""),
            Distro::Debian
        );
        assert_eq!(
            Distro::from_os_release("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\""),
            Distro::Fedora
        );
        assert_eq!(
            Distro::from_os_release("ID=endeavouros\nID_LIKE=arch"),
            Distro::Arch
        );
        assert_eq!(Distro::from_os_release("ID=nixos"), Distro::Unknown);
        assert_eq!(Distro::from_os_release(""), Distro::Unknown);
    }

    #[test]
    fn other_platforms_get_their_own_advice() {
        let mut f = facts(PcscProbe::NoService, false, false, false);
        f.platform = "macos".into();
        let d = diagnose(&f);
        assert_eq!(d.state, ServiceState::Unreachable);
        assert!(d.fix.unwrap().contains("reader is plugged in"));
        f.platform = "windows".into();
        assert!(diagnose(&f).fix.unwrap().contains("SCardSvr"));
    }

    #[test]
    fn probe_from_transport_errors() {
        assert_eq!(
            PcscProbe::from_error(&TransportError::NoService),
            PcscProbe::NoService
        );
        assert_eq!(
            PcscProbe::from_error(&TransportError::ServiceStopped),
            PcscProbe::NoService
        );
        assert_eq!(
            PcscProbe::from_error(&TransportError::Pcsc(
                "Access is denied to this file".into()
            )),
            PcscProbe::NoAccess
        );
        assert!(matches!(
            PcscProbe::from_error(&TransportError::Pcsc("Unknown error".into())),
            PcscProbe::Other(_)
        ));
    }

    #[test]
    fn gatherers_on_fake_trees() {
        let dir = std::env::temp_dir().join(format!("myna-doctor-proc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("17")).unwrap();
        std::fs::create_dir_all(dir.join("99")).unwrap();
        std::fs::create_dir_all(dir.join("self")).unwrap();
        std::fs::write(dir.join("17/comm"), "bash\n").unwrap();
        std::fs::write(dir.join("self/comm"), "pcscd\n").unwrap();
        assert_eq!(
            find_process(&dir, "pcscd"),
            None,
            "non-numeric entries are not processes"
        );
        std::fs::write(dir.join("99/comm"), "pcscd\n").unwrap();
        assert_eq!(find_process(&dir, "pcscd"), Some(99));
        assert_eq!(find_process(&dir.join("missing"), "pcscd"), None);

        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        assert_eq!(find_binary(Some(bin.to_str().unwrap()), &[]), None);
        std::fs::write(bin.join("pcscd"), "").unwrap();
        let path = format!("/nonexistent::{}", bin.display());
        assert_eq!(
            find_binary(Some(&path), &[]),
            Some(bin.join("pcscd").display().to_string())
        );
        let usual = bin.join("pcscd").display().to_string();
        assert_eq!(find_binary(None, &[&usual]), Some(usual.clone()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gather_on_this_machine_is_consistent() {
        // Whatever this machine has, the facts must agree with the file system.
        let f = gather(PcscProbe::NoService);
        if f.platform == "linux" {
            assert_eq!(f.socket_present, Path::new(PCSCD_SOCKET).exists());
            if let Some(b) = &f.daemon_binary {
                assert!(Path::new(b).is_file());
            }
        }
        let d = diagnose(&f);
        assert_ne!(d.state, ServiceState::Reachable);
        assert!(d.fix.is_some());
    }
}
