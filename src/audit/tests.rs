//! The judgements on hand-built reports: no card, no transport, no replay.

use time::macros::date;

use super::*;
use crate::card::chipmap::{AppId, SecretKind};
use crate::card::ids::{Aid, Ef};
use crate::decode::cert::CertSummary;
use crate::decode::records::CertAvailability;
use crate::report::*;

fn opts() -> AuditOptions {
    crate::testing::options()
}

fn pin(ef: u16, secret: SecretKind, max: u8, sw: u16, status: PinStatus, left: Option<u8>) -> Pin {
    Pin {
        ef: Ef(ef),
        label_ja: "暗証".into(),
        label_en: "PIN".into(),
        secret,
        format: "4 digits".into(),
        max_tries: Some(max),
        tries_remaining: left,
        blocked: status == PinStatus::Blocked,
        status,
        sw: StatusWord(sw),
        reading: None,
    }
}

fn file(ef: u16, access: AccessTier, readable: Option<bool>, opened_by: &[u16]) -> FileReport {
    FileReport {
        ef: Ef(ef),
        label_ja: "ファイル".into(),
        label_en: "file".into(),
        access,
        opened_by: opened_by.iter().copied().map(Ef).collect(),
        present: Some(true),
        readable_without_secret: readable,
        size: None,
        sw: readable.map(|r| StatusWord(if r { 0x9000 } else { 0x6982 })),
        details: None,
        problem: None,
    }
}

fn app(id: AppId, pins: Vec<Pin>, files: Vec<FileReport>) -> Application {
    Application {
        id,
        name_ja: "AP".into(),
        name_en: "AP".into(),
        aid: Aid(vec![0xD3, 0x92]),
        present: true,
        select_sw: StatusWord::OK,
        note: None,
        pins,
        files,
    }
}

/// A complete audit of a My Number Card whose applications are `apps`.
fn report(apps: Vec<Application>) -> Report {
    let mut r = super::walk::empty_report("r", &[], &opts());
    r.is_my_number_card = true;
    r.applications = apps;
    r.complete = true;
    r
}

fn codes(r: &Report) -> Vec<FindingCode> {
    findings::findings(r, &Evidence::default(), &opts())
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn a_blocked_pin_is_critical_and_a_low_one_a_warning() {
    let r = report(vec![app(
        AppId::Jpki,
        vec![
            pin(
                0x18,
                SecretKind::Memorised,
                3,
                0x63C0,
                PinStatus::Blocked,
                Some(0),
            ),
            pin(
                0x1B,
                SecretKind::Memorised,
                5,
                0x63C1,
                PinStatus::Low,
                Some(1),
            ),
        ],
        vec![],
    )]);
    let f = findings::findings(&r, &Evidence::default(), &opts());
    assert_eq!(f.len(), 2);
    assert_eq!(
        (f[0].severity, f[0].code),
        (Severity::Critical, FindingCode::PinBlocked)
    );
    assert!(f[0].message.en.contains("(SW 63C0)"), "{}", f[0].message.en);
    assert_eq!(
        (f[1].severity, f[1].code),
        (Severity::Warning, FindingCode::PinLow)
    );
    assert!(f[1].message.en.contains("the next wrong entry blocks it"));
}

#[test]
fn healthy_pins_raise_nothing() {
    let r = report(vec![app(
        AppId::Jpki,
        vec![pin(
            0x18,
            SecretKind::Memorised,
            3,
            0x63C3,
            PinStatus::Ok,
            Some(3),
        )],
        vec![file(0x0A, AccessTier::Free, Some(true), &[])],
    )]);
    assert!(codes(&r).is_empty());
}

#[test]
fn a_protected_file_that_reads_without_a_secret_is_flagged() {
    let r = report(vec![app(
        AppId::Text,
        vec![],
        vec![
            file(0x02, AccessTier::CardSurface, Some(true), &[0x14]),
            file(0x01, AccessTier::Pin, Some(false), &[0x11]),
        ],
    )]);
    assert_eq!(codes(&r), vec![FindingCode::ProtectedFileReadable]);
}

#[test]
fn exposure_follows_what_the_card_answered() {
    let r = report(vec![app(
        AppId::Text,
        vec![],
        vec![
            file(0x01, AccessTier::Pin, Some(false), &[0x11]),
            file(0x02, AccessTier::CardSurface, Some(false), &[0x11, 0x14]),
            file(0x03, AccessTier::Pin, Some(true), &[0x11]),
            file(0x04, AccessTier::Pin, None, &[0x11]),
        ],
    )]);
    let ex = exposure::exposure(&r);
    let items = |v: &[ExposureItem]| v.iter().map(|i| i.item).collect::<Vec<_>>();
    assert_eq!(items(&ex.no_secret), vec![ExposedItem::Ef(Ef(3))]);
    assert_eq!(items(&ex.card_surface), vec![ExposedItem::Ef(Ef(2))]);
    assert_eq!(items(&ex.pin_only), vec![ExposedItem::Ef(Ef(1))]);
    // The card-surface tier names only the printed code, not the PIN that also opens it.
    assert_eq!(
        ex.card_surface[0].opened_by.len(),
        1,
        "{:?}",
        ex.card_surface[0]
    );
}

#[test]
fn signing_certificate_not_issued_is_a_notice() {
    let mut f = file(0x08, AccessTier::Free, Some(true), &[]);
    f.details = Some(Details::CertAvailability(CertAvailability {
        signing_certificate_issued: false,
        authentication_certificate_issued: true,
        raw: "000100".into(),
    }));
    let r = report(vec![app(AppId::Jpki, vec![], vec![f])]);
    let out = findings::findings(&r, &Evidence::default(), &opts());
    assert_eq!(out[0].code, FindingCode::SigningCertificateNotIssued);
    assert_eq!(out[0].severity, Severity::Notice);
}

fn cert_file(days: i64, chains: Option<bool>) -> FileReport {
    let mut f = file(0x0A, AccessTier::Free, Some(true), &[]);
    f.details = Some(Details::Certificate(CertificateDetails {
        role: CertRole::Auth,
        summary: CertSummary {
            subject: "CN=x".into(),
            issuer: "CN=y".into(),
            serial: "01".into(),
            not_before: "2025-01-01".into(),
            not_after: "2030-01-01".into(),
            key_algorithm: "RSA".into(),
            key_bits: Some(2048),
            signature_algorithm: "sha256WithRSAEncryption".into(),
        },
        days_until_expiry: days,
        expired: days < 0,
        chains_to_card_ca: chains,
        genuine: None,
        jlis_ca: None,
    }));
    f
}

#[test]
fn certificate_expiry_and_chain_findings() {
    let at = |days, chains| {
        codes(&report(vec![app(
            AppId::Jpki,
            vec![],
            vec![cert_file(days, chains)],
        )]))
    };
    assert_eq!(at(-1, Some(true)), vec![FindingCode::CertificateExpired]);
    assert_eq!(
        at(EXPIRY_WARNING_DAYS, None),
        vec![FindingCode::CertificateExpiring]
    );
    assert!(at(EXPIRY_WARNING_DAYS + 1, Some(true)).is_empty());
    assert_eq!(
        at(400, Some(false)),
        vec![FindingCode::CertificateChainMismatch]
    );
}

#[test]
fn an_expired_card_is_critical() {
    let ev = Evidence {
        expiries: vec![("GET DATA 00F5".into(), date!(2026 - 05 - 31))],
        ..Evidence::default()
    };
    let f = findings::findings(&report(vec![]), &ev, &opts());
    assert_eq!(f[0].code, FindingCode::CardExpired);
    let ev = Evidence {
        expiries: vec![("GET DATA 00F5".into(), date!(2026 - 06 - 01))],
        ..Evidence::default()
    };
    assert!(findings::findings(&report(vec![]), &ev, &opts()).is_empty());
}

#[test]
fn notes_explain_raw_answers_and_whether_the_counter_was_queried() {
    let unknown = pin(
        0x18,
        SecretKind::Memorised,
        3,
        0x6986,
        PinStatus::Unknown,
        None,
    );
    let r = report(vec![app(AppId::Jpki, vec![unknown], vec![])]);
    let queried = notes::notes(&r, &Evidence::default(), &opts());
    assert!(
        queried[0].en.contains("to the retry-counter query"),
        "{queried:?}"
    );
    let mut ev = Evidence::default();
    ev.unselectable_pins.insert((AppId::Jpki, Ef(0x18)));
    let not = notes::notes(&r, &ev, &opts());
    assert!(
        not[0]
            .en
            .contains("SELECT, so its retry counter was not queried"),
        "{not:?}"
    );
}

#[test]
fn chain_verdicts_skip_redacted_and_missing_certificates() {
    let mut ev = Evidence::default();
    ev.certs.insert(CertRole::Auth, vec![0x30, 0x00]);
    assert!(
        chains::verdicts(&ev, &opts()).card_ca.is_empty(),
        "no CA certificate read"
    );
    ev.certs.insert(CertRole::AuthCa, vec![0x30, 0x00]);
    assert_eq!(
        chains::verdicts(&ev, &opts()).card_ca.get(&CertRole::Auth),
        Some(&None)
    );
    let mut o = opts();
    o.redacted_certificates.push(CertRole::Auth);
    assert!(chains::verdicts(&ev, &o).card_ca.is_empty());
}
