//! Helpers for the recording tests: reports of fixtures, the identifiers a synthetic
//! fixture declares, and a JSON comparison that names every differing path.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use myna_audit::audit::{self, AuditOptions};
use myna_audit::card::Session;
use myna_audit::fixture::Fixture;
use myna_audit::report::{CertificateDetails, Details, Report, Source};
use myna_audit::transport::ReadOnly;
use myna_audit::transport::replay::Replayer;
use serde_json::Value;
use time::Date;

pub fn as_of() -> Date {
    Date::from_calendar_date(2026, time::Month::June, 1).unwrap()
}

pub fn source(path: &str) -> Source {
    Source {
        kind: myna_audit::report::SourceKind::Replay,
        fixture: Some(path.into()),
        fixture_kind: Some("synthetic".into()),
    }
}

pub fn options(show: bool, source: Source) -> AuditOptions {
    AuditOptions {
        as_of: as_of(),
        show_identifiers: show,
        source,
        redacted_certificates: Vec::new(),
    }
}

/// The audit of a fixture, as `audit --replay` runs it (redacted certificates honoured).
pub fn audit_fixture(f: &Fixture, name: &str, show: bool) -> Report {
    let mut o = options(show, source(name));
    if f.redacted
        .iter()
        .any(|d| d.starts_with("auth-certificate "))
    {
        o.redacted_certificates = vec![myna_audit::card::chipmap::CertRole::Auth];
    }
    let mut s = Session::new(ReadOnly::new(Replayer::new(f, name)));
    audit::run(&mut s, &o).report
}

pub fn shipped_fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("fixtures")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fixture"))
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    v
}

pub fn auth_cert(r: &Report) -> &CertificateDetails {
    r.applications
        .iter()
        .flat_map(|a| &a.files)
        .find_map(|f| match &f.details {
            Some(Details::Certificate(c))
                if c.role == myna_audit::card::chipmap::CertRole::Auth =>
            {
                Some(c)
            }
            _ => None,
        })
        .expect("the auth certificate is in the report")
}

/// The synthetic card's identifiers: the fixture's `fictional:` headers (except the My
/// Number, which no free file holds) and what its report shows with identifiers unmasked.
pub fn synthetic_identifiers(path: &str) -> Vec<String> {
    let f = Fixture::load(Path::new(path)).unwrap();
    let mut ids: Vec<String> = f
        .fictional
        .iter()
        .filter(|v| v.len() != 12)
        .cloned()
        .collect();
    let r = audit_fixture(&f, path, true);
    let mf = r.master_file.as_ref().unwrap();
    for tag in ["0045", "00F0"] {
        let o = mf.objects.iter().find(|o| o.tag == tag).unwrap();
        ids.push(o.value.clone().unwrap());
    }
    ids.push(auth_cert(&r).summary.serial.clone());
    for app in &r.applications {
        for file in &app.files {
            match &file.details {
                Some(Details::CardInfo(c)) => {
                    ids.push(c.card_serial.clone());
                    ids.push(c.municipality_code.clone());
                }
                Some(Details::TokenInfo(t)) => ids.push(t.serial.clone()),
                Some(Details::ApBasicInfo(b)) => ids.extend(b.municipality_code.clone()),
                _ => {}
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// Fails if any identifier is in the text, or its bytes in the response data (the
/// certificate serial as binary, the others as ASCII).
pub fn assert_no_identifier(text: &str, ids: &[String]) {
    let f = Fixture::parse(text).unwrap();
    let data: Vec<u8> = f
        .exchanges
        .iter()
        .flat_map(|e| e.response[..e.response.len() - 2].to_vec())
        .collect();
    for id in ids {
        assert!(!text.contains(id.as_str()), "{id} in the text");
        let as_ascii = id.as_bytes();
        assert!(
            !data.windows(as_ascii.len()).any(|w| w == as_ascii),
            "{id} in the response data"
        );
        if let Ok(bin) = hex::decode(id) {
            if bin.len() >= 6 {
                assert!(
                    !data.windows(bin.len()).any(|w| w == bin.as_slice()),
                    "{id} (binary) in the response data"
                );
            }
        }
    }
}

/// Paths where a redacted recording's report may differ from its source's: where the
/// report came from, the (masked) identifiers, the chain check the redaction makes
/// impossible, and the note that says so.
pub const ALLOWED_DIFFERENCES: &[&str] = &[
    "/source/",
    "/reader/name",
    "/master_file/objects/0/value",
    "/master_file/objects/1/value",
    "/applications/0/files/2/details/serial",
    "/applications/0/files/5/details/serial",
    "/applications/0/files/5/details/subject",
    "/applications/0/files/5/details/chains_to_card_ca",
    // The genuine-card check needs the certificate's own bytes: a redacted one cannot be checked.
    "/applications/0/files/5/details/genuine",
    "/genuine",
    "/applications/2/files/2/details/municipality_code",
    "/applications/4/files/0/details/card_serial",
    "/applications/4/files/0/details/municipality_code",
    "/notes",
];

/// Every path where two reports differ (a different array length is reported at the array).
pub fn json_diffs(a: &Report, b: &Report) -> Vec<String> {
    let (a, b) = (
        serde_json::to_value(a).unwrap(),
        serde_json::to_value(b).unwrap(),
    );
    let mut out = Vec::new();
    diff("", &a, &b, &mut out);
    out
}

/// The string at a JSON pointer of a report, if it is one.
/// The paths where `replayed` differs from `original`, after checking that each is one a
/// redaction may change and that a replaced string keeps its length (masked identifiers
/// show all but the last 4 characters). Paths under `skip` (e.g. `/source`) may change length.
pub fn redaction_diffs(original: &Report, replayed: &Report, skip: &[&str]) -> Vec<String> {
    // The genuine-card findings follow the check above; every other finding must be equal.
    let genuine = [
        "certificate_not_genuine",
        "test_card",
        "ca_certificate_unknown",
    ];
    let without = |r: &Report| {
        let mut r = r.clone();
        r.findings.retain(|f| !genuine.contains(&f.code.as_str()));
        r
    };
    let diffs = json_diffs(&without(original), &without(replayed));
    for d in &diffs {
        assert!(
            ALLOWED_DIFFERENCES.iter().any(|a| d.starts_with(a)),
            "unexpected difference at {d}\nall: {diffs:#?}"
        );
        if let (Some(x), Some(y)) = (string_at(original, d), string_at(replayed, d)) {
            if !skip.iter().any(|s| d.starts_with(s)) {
                assert_eq!(x.chars().count(), y.chars().count(), "{d}: {x} / {y}");
            }
        }
    }
    diffs
}

pub fn string_at(r: &Report, pointer: &str) -> Option<String> {
    serde_json::to_value(r)
        .unwrap()
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(
                    &format!("{path}/{k}"),
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}/{i}"), p, q, out);
            }
        }
        _ if a != b => out.push(path.to_string()),
        _ => {}
    }
}

/// A fresh empty directory under the target dir.
pub fn temp_dir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "record-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
