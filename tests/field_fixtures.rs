//! The cards as they exist in the field (issue 9), as synthetic fixtures from tools/fixturegen:
//! a card without a signing certificate whose signing password was never set, a
//! 顔認証マイナンバーカード, a card carrying J-LIS's real generation-1 CA certificates, and a test
//! card (O=JPKI-TEST). Each report was reviewed by hand once and is snapshotted (text in both
//! languages, JSON); the facts that matter are also asserted here, so a snapshot accepted by
//! mistake cannot hide them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use common::{Run, myna, run, squash};
use myna_audit::report::{Details, Finding, PinStatus, Report, Severity};
use myna_audit::trust::{CaVerdict, Genuineness, NoChainReason, Purpose};

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

/// The JSON report, read back into the typed model, and the exit status.
fn json(fixture: &str) -> (i32, Report) {
    let run = audit(fixture, &["--format", "json"]);
    let report: Report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{fixture}: JSON reads back: {e}\n{}", run.stderr));
    (run.code, report)
}

/// Snapshots the text (`--lang both`) and JSON reports; both exit with `expected_code`.
fn snapshot_both(fixture: &str, expected_code: i32) -> String {
    let text = audit(fixture, &["--lang", "both"]);
    assert_eq!(text.code, expected_code, "{fixture} text: {}", text.stderr);
    insta::assert_snapshot!(format!("{fixture}.text"), text.stdout);
    let js = audit(fixture, &["--format", "json"]);
    assert_eq!(js.code, expected_code, "{fixture} json: {}", js.stderr);
    insta::assert_snapshot!(format!("{fixture}.json"), js.stdout);
    text.stdout
}

fn codes(r: &Report) -> Vec<(&str, Severity)> {
    r.findings
        .iter()
        .map(|f| (f.code.as_str(), f.severity))
        .collect()
}

fn finding<'a>(r: &'a Report, code: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} finding: {:?}", codes(r)))
}

fn ef_of(f: &Finding) -> Option<String> {
    f.ef.map(|e| e.to_string())
}

fn cert<'a>(r: &'a Report, ef: &str) -> &'a myna_audit::report::CertificateDetails {
    let f = r.applications[0]
        .files
        .iter()
        .find(|f| f.ef == ef)
        .unwrap_or_else(|| panic!("JPKI EF {ef}"));
    match &f.details {
        Some(Details::Certificate(c)) => c,
        other => panic!("EF {ef}: {other:?}"),
    }
}

/// The synthetic holder certificate of every one of these cards but the test card: it chains to
/// no J-LIS root.
fn assert_not_genuine(r: &Report) {
    assert_eq!(
        r.genuine,
        Some(Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        })
    );
    assert_eq!(
        finding(r, "certificate_not_genuine").severity,
        Severity::Warning
    );
}

#[test]
fn no_signing_certificate_and_an_unset_signing_password() {
    let text = snapshot_both("no-signing-cert", 1);
    let (code, r) = json("no-signing-cert");
    assert_eq!(code, 1);
    assert!(r.complete && r.error.is_none());
    assert_eq!(
        codes(&r),
        [
            ("pin_not_set", Severity::Notice),
            ("signing_certificate_not_issued", Severity::Notice),
            ("certificate_not_genuine", Severity::Warning),
        ]
    );
    let not_set = finding(&r, "pin_not_set");
    assert_eq!(ef_of(not_set).as_deref(), Some("001B"));
    assert!(
        not_set.message.en.contains("6984"),
        "{}",
        not_set.message.en
    );
    // The password is reported as not set, and the JSON keeps the card's answer truthful.
    let pw = r.applications[0]
        .pins
        .iter()
        .find(|p| p.ef == "001B")
        .unwrap();
    assert_eq!(pw.status, PinStatus::NotSet);
    assert!(pw.blocked, "6984 is still 'not usable'");
    assert_eq!(pw.sw.to_string(), "6984");
    // The other memorised PINs are full, and nothing critical is said about any of them.
    assert!(
        r.applications[0]
            .pins
            .iter()
            .filter(|p| p.ef == "0018")
            .all(|p| p.status == PinStatus::Ok && p.tries_remaining == Some(3))
    );
    assert!(r.findings.iter().all(|f| f.severity != Severity::Critical));
    assert!(!squash(&text).contains("[critical]"), "{text}");
}

#[test]
fn a_face_authentication_card_gets_one_finding_not_one_per_pin() {
    let text = snapshot_both("face-auth", 1);
    let (code, r) = json("face-auth");
    assert_eq!(code, 1);
    assert_eq!(
        codes(&r),
        [
            ("face_authentication_card", Severity::Warning),
            // Its message already says no signing certificate is issued: no second notice
            // telling the holder to apply for one.
            ("certificate_not_genuine", Severity::Warning),
        ]
    );
    // No per-PIN finding at all: no critical "blocked", no "low", no "not set".
    for per_pin in ["pin_blocked", "pin_low", "pin_not_set"] {
        assert!(
            r.findings.iter().all(|f| f.code != per_pin),
            "{per_pin}: {:?}",
            codes(&r)
        );
    }
    assert!(r.findings.iter().all(|f| f.severity != Severity::Critical));
    assert!(!squash(&text).contains("[critical]"), "{text}");
    let face = finding(&r, "face_authentication_card");
    assert!(
        face.message.en.contains("顔認証マイナンバーカード"),
        "{}",
        face.message.en
    );
    // Every memorised PIN of the card answered 6984; the JSON says so, with its reading.
    let memorised: Vec<_> = r
        .applications
        .iter()
        .flat_map(|a| &a.pins)
        .filter(|p| matches!(p.ef.to_string().as_str(), "0018" | "001B" | "0011" | "001C"))
        .filter(|p| p.max_tries.is_some_and(|m| m <= 5))
        .collect();
    assert_eq!(memorised.len(), 5, "{memorised:?}");
    assert!(memorised.iter().all(|p| p.sw == "6984" && p.blocked));
    // The authentication certificate is present and valid.
    let auth = cert(&r, "000A");
    assert!(!auth.expired);
    assert_not_genuine(&r);
}

#[test]
fn j_lis_generation_1_ca_certificates_are_j_lis_s_not_the_holder_s() {
    let text = snapshot_both("jlis-gen1-ca", 1);
    let (code, r) = json("jlis-gen1-ca");
    assert_eq!(code, 1);
    // Both on-card CA certificates are recognised as J-LIS generation 1, byte for byte.
    for (ef, purpose) in [
        ("000B", Purpose::Authentication),
        ("0002", Purpose::Signing),
    ] {
        let c = cert(&r, ef);
        assert!(c.expired, "EF {ef} expired on 2025-10-19");
        assert_eq!(c.summary.not_after, "2025-10-19");
        match &c.jlis_ca {
            Some(CaVerdict::Jlis {
                purpose: p,
                generation,
                identical,
                ..
            }) => {
                assert_eq!((*p, *generation, *identical), (purpose, 1, true), "EF {ef}");
            }
            other => panic!("EF {ef}: {other:?}"),
        }
    }
    // Each expired CA certificate is a notice naming generation 1, and never says "renew".
    let expired: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.code == "ca_certificate_expired")
        .collect();
    assert_eq!(expired.len(), 2, "{:?}", codes(&r));
    let mut efs: Vec<String> = expired.iter().filter_map(|f| ef_of(f)).collect();
    efs.sort_unstable();
    assert_eq!(efs, ["0002", "000B"]);
    for f in &expired {
        assert_eq!(f.severity, Severity::Notice);
        assert!(f.message.en.contains("generation 1"), "{}", f.message.en);
        assert!(
            !f.message.en.to_lowercase().contains("renew it"),
            "{}",
            f.message.en
        );
        assert!(
            f.message.en.contains("Nothing to renew"),
            "{}",
            f.message.en
        );
    }
    // No finding about a CA certificate (EF 0002 / 000B) says "renew", in either language.
    for f in r
        .findings
        .iter()
        .filter(|f| matches!(ef_of(f).as_deref(), Some("0002" | "000B")))
    {
        assert!(!f.message.en.contains("Renew"), "{}", f.message.en);
    }
    for line in text.lines().filter(|l| l.contains("CA")) {
        assert!(!line.contains("Renew it"), "{line}");
    }
    // The holder's certificate is synthetic: valid, but neither genuine nor signed by the CA
    // certificate on the card.
    let auth = cert(&r, "000A");
    assert!(!auth.expired);
    assert_eq!(auth.chains_to_card_ca, Some(false));
    assert_not_genuine(&r);
    // The genuine-card finding does not call the J-LIS CA certificates unknown.
    let g = finding(&r, "certificate_not_genuine");
    assert!(
        !g.message.en.contains("not J-LIS roots"),
        "{}",
        g.message.en
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.code != "ca_certificate_unknown")
    );
    assert!(r.findings.iter().all(|f| f.code != "certificate_expired"));
    assert_eq!(
        codes(&r),
        [
            ("ca_certificate_expired", Severity::Notice),
            ("certificate_chain_mismatch", Severity::Warning),
            ("ca_certificate_expired", Severity::Notice),
            ("certificate_not_genuine", Severity::Warning),
        ]
    );
}

#[test]
fn j_lis_generation_1_ca_certificates_were_valid_before_they_expired() {
    // Judged as of a date when generation 1 was still valid, the CA certificates are not a
    // finding at all.
    let run = run(myna(&[
        "audit",
        "--replay",
        "fixtures/jlis-gen1-ca.fixture",
        "--as-of",
        "2025-06-01",
        "--format",
        "json",
    ]));
    let r: Report =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    for ef in ["000B", "0002"] {
        assert!(!cert(&r, ef).expired, "EF {ef}");
    }
    assert!(
        r.findings
            .iter()
            .all(|f| f.code != "ca_certificate_expired"),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn a_test_card_is_named_as_one() {
    let text = snapshot_both("test-card", 1);
    let (code, r) = json("test-card");
    assert_eq!(code, 1);
    assert_eq!(codes(&r), [("test_card", Severity::Notice)]);
    assert_eq!(r.genuine, Some(Genuineness::TestHierarchy));
    for ef in ["000B", "0002"] {
        assert_eq!(
            cert(&r, ef).jlis_ca,
            Some(CaVerdict::TestHierarchy),
            "EF {ef}"
        );
    }
    assert_eq!(cert(&r, "000A").chains_to_card_ca, Some(true));
    assert!(squash(&text).contains("O=JPKI-TEST"), "{text}");
    assert!(
        r.findings
            .iter()
            .all(|f| f.code != "certificate_not_genuine")
    );
}
