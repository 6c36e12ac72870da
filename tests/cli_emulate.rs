//! `myna-audit emulate` errors that need no pcscd: bad fixtures, bad addresses, nothing
//! listening. Each is exit 2 with what happened and what to do. (The emulator at work, through
//! pcscd, is tested in e2e_pcsc.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::PathBuf;
mod common;

use common::{Run, myna, run};

fn emulate(args: &[&str]) -> Run {
    let mut emulate = myna(&["emulate"]);
    emulate
        .args(args)
        // A PC/SC socket that does not exist: as if no pcscd ran on this machine.
        .env("PCSCLITE_CSOCK_NAME", tmp("no-such-pcscd.comm"));
    run(emulate)
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-emulate");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A loopback port nothing listens on.
fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("127.0.0.1:{}", l.local_addr().unwrap().port())
}

#[test]
fn malformed_fixture_names_the_line() {
    let path = tmp("bad.fixture");
    std::fs::write(
        &path,
        "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n> 00 A4 04 0C\n< 9G 00\n",
    )
    .unwrap();
    let r = emulate(&[path.to_str().unwrap(), "--vpcd", &free_port()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("fixture-malformed"), "{}", r.stderr);
    assert!(r.stderr.contains("bad.fixture:6:"), "{}", r.stderr);
}

#[test]
fn fixture_without_an_atr_value_is_refused() {
    let path = tmp("no-atr.fixture");
    std::fs::write(
        &path,
        "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr:\n> 00 A4 04 0C\n< 90 00\n",
    )
    .unwrap();
    let r = emulate(&[path.to_str().unwrap(), "--vpcd", &free_port()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("empty ATR"), "{}", r.stderr);
}

#[test]
fn unreadable_fixture_is_exit_2() {
    let r = emulate(&["fixtures/no-such.fixture", "--vpcd", &free_port()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("fixture-unreadable") && r.stderr.contains("no-such.fixture"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_vpcd_address_is_exit_2() {
    let r = emulate(&["fixtures/typical.fixture", "--vpcd", "localhost"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("bad-vpcd-address"), "{}", r.stderr);
}

#[test]
fn no_pcscd_names_pcscd_and_the_vpcd_package() {
    let r = emulate(&["fixtures/typical.fixture", "--vpcd", &free_port()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("pcscd is not running"), "{}", r.stderr);
    assert!(r.stderr.contains("vsmartcard-vpcd"), "{}", r.stderr);
}

#[test]
fn fixture_is_checked_before_the_connection() {
    // A bad fixture is reported as such even when vpcd is unreachable too.
    let r = emulate(&["fixtures/no-such.fixture", "--vpcd", "localhost"]);
    assert!(r.stderr.contains("fixture-unreadable"), "{}", r.stderr);
}
