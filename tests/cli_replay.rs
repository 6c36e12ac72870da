//! CLI snapshot tests: `audit --replay` on every shipped fixture, in text and JSON, run
//! through the real binary. The JSON is also read back into the typed report model, so the
//! schema is tested, not only the text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{Run, myna, run};
use myna_audit::report::{AccessTier, Details, PinStatus, Report, SCHEMA_VERSION};

const AS_OF: &str = "2026-06-01";

fn audit(fixture: &str, extra: &[&str]) -> Run {
    let mut audit = myna(&[
        "audit",
        "--replay",
        &format!("fixtures/{fixture}.fixture"),
        "--as-of",
        AS_OF,
    ]);
    audit.args(extra);
    run(audit)
}

fn json(fixture: &str) -> (i32, Report) {
    let run = audit(fixture, &["--format", "json"]);
    let report: Report =
        serde_json::from_str(&run.stdout).expect("JSON reads back into the report model");
    (run.code, report)
}

fn snapshot_both(fixture: &str, expected_code: i32) {
    let text = audit(fixture, &["--lang", "both"]);
    assert_eq!(text.code, expected_code, "{fixture} text: {}", text.stderr);
    insta::assert_snapshot!(format!("{fixture}.text"), text.stdout);
    let js = audit(fixture, &["--format", "json"]);
    assert_eq!(js.code, expected_code, "{fixture} json: {}", js.stderr);
    insta::assert_snapshot!(format!("{fixture}.json"), js.stdout);
}

#[test]
fn typical_card() {
    // The sample card is synthetic: its certificates chain to no J-LIS root, and the audit
    // says so (the only finding; exit 1).
    snapshot_both("typical", 1);
    let (_, r) = json("typical");
    assert_eq!(r.schema_version, SCHEMA_VERSION);
    assert!(r.is_my_number_card && r.complete && r.error.is_none());
    assert_eq!(r.applications.len(), 5);
    assert!(r.applications.iter().all(|a| a.present));
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["certificate_not_genuine"]);
    assert!(matches!(
        r.genuine,
        Some(myna_audit::trust::Genuineness::DoesNotChain { .. })
    ));
    let jpki = &r.applications[0];
    let auth = jpki.files.iter().find(|f| f.ef == "000A").expect("EF 000A");
    assert_eq!(auth.access, AccessTier::Free);
    assert_eq!(auth.readable_without_secret, Some(true));
    let Some(Details::Certificate(c)) = &auth.details else {
        panic!("auth cert decoded: {:?}", auth.details)
    };
    assert_eq!(c.chains_to_card_ca, Some(true));
    assert!(!c.expired);
    assert!(c.summary.serial.starts_with('*'), "masked by default");
    // The signing certificate is behind the signing password.
    let sign = jpki.files.iter().find(|f| f.ef == "0001").expect("EF 0001");
    assert_eq!(
        (
            sign.readable_without_secret,
            sign.sw.map(|sw| sw.to_string()).as_deref()
        ),
        (Some(false), Some("6982"))
    );
    assert!(r.exposure.pin_only.iter().any(|e| e.item == "EF 0001"));
    assert!(
        r.exposure
            .card_surface
            .iter()
            .any(|e| e.label_en == "My Number")
    );
}

#[test]
fn identifiers_are_masked_unless_asked() {
    let masked = audit("typical", &["--format", "json"]).stdout;
    let shown = audit("typical", &["--format", "json", "--show-identifiers"]).stdout;
    // The fixture declares its fictional identifiers in `fictional:` headers.
    let text = std::fs::read_to_string("fixtures/typical.fixture").expect("fixture");
    let idents: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("fictional: "))
        .collect();
    let mut seen = 0;
    for id in idents {
        assert!(!masked.contains(id), "{id} leaked into the masked report");
        if shown.contains(id) {
            seen += 1;
        }
    }
    assert!(
        seen >= 3,
        "--show-identifiers shows the card serial, card id, token serial, CN"
    );
}

#[test]
fn minor_card_without_signing_certificate() {
    snapshot_both("minor", 1);
    let (_, r) = json("minor");
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "signing_certificate_not_issued")
    );
}

#[test]
fn card_with_blocked_and_low_pins() {
    snapshot_both("pin-blocked", 1);
    let (_, r) = json("pin-blocked");
    let jpki = &r.applications[0];
    let auth_pin = jpki.pins.iter().find(|p| p.ef == "0018").expect("0018");
    assert_eq!(
        (
            auth_pin.status,
            auth_pin.blocked,
            auth_pin.sw.to_string().as_str()
        ),
        (PinStatus::Blocked, true, "6984")
    );
    let sign_pw = jpki.pins.iter().find(|p| p.ef == "001B").expect("001B");
    assert_eq!(
        (sign_pw.status, sign_pw.tries_remaining),
        (PinStatus::Low, Some(1))
    );
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        codes.contains(&"pin_blocked") && codes.contains(&"pin_low"),
        "{codes:?}"
    );
    // Text AP 0012 is blocked at issue on every card: never a finding.
    assert!(
        !r.findings
            .iter()
            .any(|f| f.ef.is_some_and(|ef| ef == "0012"))
    );
}

#[test]
fn card_with_expired_certificate() {
    snapshot_both("expired", 1);
    let (_, r) = json("expired");
    assert!(r.findings.iter().any(|f| f.code == "certificate_expired"));
}

#[test]
fn card_that_is_not_a_my_number_card() {
    snapshot_both("not-my-number", 2);
    let run = audit("not-my-number", &[]);
    assert!(
        run.stderr.contains("not a My Number Card"),
        "{}",
        run.stderr
    );
    let (_, r) = json("not-my-number");
    assert!(!r.is_my_number_card && !r.complete);
    assert_eq!(
        r.error.as_ref().map(|e| e.code.as_str()),
        Some("not-my-number-card")
    );
}

#[test]
fn missing_fixture_is_a_clear_error() {
    let out = run(myna(&[
        "audit",
        "--replay",
        "fixtures/does-not-exist.fixture",
    ]));
    assert_eq!(out.code, 2);
    let err = &out.stderr;
    assert!(
        err.contains("does-not-exist.fixture") && err.contains("fixture-unreadable"),
        "{err}"
    );
}

#[test]
fn help_documents_exit_codes() {
    let out = run(myna(&["audit", "--help"]));
    let help = &out.stdout;
    for needle in [
        "0  audit complete",
        "1  audit complete with findings",
        "2  could not audit",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
}

/// The text report in each language: the verdict first, the same inventory after it.
#[test]
fn text_report_in_japanese_and_in_english() {
    for fixture in ["typical", "pin-blocked"] {
        for lang in ["ja", "en"] {
            let run = audit(fixture, &["--lang", lang]);
            assert_eq!(run.code, 1, "{fixture} {lang}: {}", run.stderr);
            insta::assert_snapshot!(format!("{fixture}.text.{lang}"), run.stdout);
        }
    }
}

#[test]
fn the_locale_picks_the_default_language() {
    let mut ja = common::myna(&[
        "audit",
        "--replay",
        "fixtures/typical.fixture",
        "--as-of",
        AS_OF,
    ]);
    ja.env("LANG", "ja_JP.UTF-8");
    let ja = run(ja);
    assert!(ja.stdout.contains("■ 結論"), "{}", ja.stdout);
    let en = audit("typical", &[]);
    assert!(en.stdout.contains("■ Verdict\n"), "{}", en.stdout);
    let mut all = common::myna(&[
        "audit",
        "--replay",
        "fixtures/typical.fixture",
        "--as-of",
        AS_OF,
    ]);
    // LC_ALL wins over LANG.
    all.env("LANG", "ja_JP.UTF-8").env("LC_ALL", "en_US.UTF-8");
    assert!(run(all).stdout.contains("■ Verdict\n"));
}

#[test]
fn html_report_through_the_cli() {
    let run = audit("pin-blocked", &["--format", "html", "--lang", "en"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("<!DOCTYPE html>"));
    assert!(run.stdout.contains("<html lang=\"en\">"));
    for app in [
        "JPKI-AP",
        "text AP",
        "visual AP",
        "resident registry AP",
        "common card AP",
    ] {
        assert!(run.stdout.contains(app), "{app}");
    }
    assert!(!run.stdout.contains("http://") && !run.stdout.contains("https://"));
    // Identifiers stay masked unless asked, as in the other formats.
    assert!(!run.stdout.contains("999000000000103") && !run.stdout.contains("SYNTHCARDID00103"));
}
