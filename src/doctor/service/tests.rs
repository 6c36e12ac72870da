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
    let fix = |p, b, r, s| diagnose(&facts(p, b, r, s)).fix.unwrap_or_default().en;
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
        d.summary.en.contains("pid 4242") && d.summary.en.contains("present"),
        "{}",
        d.summary.en
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
        assert!(diagnose(&f).fix.unwrap().en.contains(pkg), "{d:?}");
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
    assert!(d.fix.unwrap().en.contains("reader is plugged in"));
    f.platform = "windows".into();
    assert!(diagnose(&f).fix.unwrap().en.contains("SCardSvr"));
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
