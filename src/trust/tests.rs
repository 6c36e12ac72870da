//! Tests of the genuine-card check. Synthetic certificates come from tools/fixturegen's X.509
//! writer, all signed with one deterministic test key ("someone else's key"); the positive chain
//! also uses the committed fixture's synthetic CA and holder certificate.

#![allow(clippy::indexing_slicing)]

use std::path::Path;
use std::sync::OnceLock;

use fixturegen::date::Date;
use fixturegen::x509::{self, Rdn, Tbs};
use sha2::{Digest, Sha256};

use super::cv::{ClaimedHierarchy, CvVerdict, cv_key_id};
use super::roots::{JLIS_ROOTS, pinned_generations, unpinned_generations};
use super::*;
use crate::fixture::Fixture;

const JPKI_AID: &[u8] = &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
const VISUAL_AID: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

fn pinned(purpose: Purpose, generation: u8) -> &'static Root {
    pinned_roots()
        .unwrap()
        .iter()
        .find(|r| r.purpose() == purpose && r.generation() == generation)
        .unwrap()
}

fn subject_raw(der: &[u8]) -> Vec<u8> {
    parse(der).unwrap().subject().as_raw().to_vec()
}

fn ski(der: &[u8]) -> Vec<u8> {
    subject_key_id(&parse(der).unwrap()).unwrap().to_vec()
}

fn synthetic_name(org: &str, ou: &str) -> Vec<u8> {
    x509::name(&[Rdn::Country("JP"), Rdn::Organization(org), Rdn::OrgUnit(ou)])
}

/// Every synthetic certificate the tests use, made once (RSA key generation is the slow part).
struct Certs {
    /// Issuer = J-LIS's authentication name, signed by the test key, issued 2018-03-01 (inside
    /// generation 1 only), authority key id = the test key's.
    borrowed_name_2018: Vec<u8>,
    /// Same, issued 2024-05-01 and claiming generation 3's key id.
    borrowed_name_claims_gen3: Vec<u8>,
    /// Same, issued 2024-05-01 with the test key's own key id: generation 2 could have issued
    /// it, so it is recognised but not verified.
    borrowed_name_2024: Vec<u8>,
    /// Self-signed with J-LIS's authentication name and a random serial.
    forged_ca: Vec<u8>,
    /// Self-signed with J-LIS's name, generation 2's serial and dates.
    gen2_lookalike_ca: Vec<u8>,
    /// Holder certificate from `O=JPKI-TEST`.
    test_ee: Vec<u8>,
    /// Self-signed `O=JPKI-TEST` CA.
    test_ca: Vec<u8>,
    /// Synthetic roots for the test key: valid 2020–2035, from 2030, until 2015.
    root_valid: Vec<u8>,
    root_not_yet_valid: Vec<u8>,
    root_expired: Vec<u8>,
    /// Holder certificate issued 2025-01-01 by the synthetic root name and the test key.
    ee_2025: Vec<u8>,
}

const SYNTH_ORG: &str = "MYNA-AUDIT-TRUST-TEST";
const SYNTH_OU: &str = "synthetic root";

fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let key = fixturegen::keys::rsa2048("myna-audit trust tests/other key").unwrap();
        let public = key.to_public_key();
        let own_kid = x509::key_id(&public);
        let jlis_auth = subject_raw(pinned(Purpose::Authentication, 3).der());
        let gen3_kid = ski(pinned(Purpose::Authentication, 3).der());
        let holder = x509::name(&[Rdn::Country("JP"), Rdn::CommonName("00000000000000000000")]);
        let build = |serial: &[u8],
                     issuer: &[u8],
                     subject: &[u8],
                     from: Date,
                     to: Date,
                     kid: &[u8],
                     ca: bool| {
            x509::build(
                &Tbs {
                    serial,
                    issuer: issuer.to_vec(),
                    subject: subject.to_vec(),
                    not_before: from,
                    not_after: to,
                    subject_key: &public,
                    issuer_key_id: kid.to_vec(),
                    ca,
                },
                &key,
            )
            .unwrap()
        };
        let d = |y: i32, m: u8, day: u8| {
            Date::from_calendar_date(y, ::time::Month::try_from(m).unwrap(), day).unwrap()
        };
        let test_name = synthetic_name("JPKI-TEST", "JPKI for user authentication");
        let synth = synthetic_name(SYNTH_ORG, SYNTH_OU);
        Certs {
            borrowed_name_2018: build(
                &[0x11, 0x22],
                &jlis_auth,
                &holder,
                d(2018, 3, 1),
                d(2023, 2, 28),
                &own_kid,
                false,
            ),
            borrowed_name_claims_gen3: build(
                &[0x11, 0x23],
                &jlis_auth,
                &holder,
                d(2024, 5, 1),
                d(2029, 4, 30),
                &gen3_kid,
                false,
            ),
            borrowed_name_2024: build(
                &[0x11, 0x24],
                &jlis_auth,
                &holder,
                d(2024, 5, 1),
                d(2029, 4, 30),
                &own_kid,
                false,
            ),
            forged_ca: build(
                &[0x06, 0xD1, 0x80, 0x07],
                &jlis_auth,
                &jlis_auth,
                d(2023, 7, 16),
                d(2033, 7, 15),
                &own_kid,
                true,
            ),
            gen2_lookalike_ca: build(
                &[0x01, 0x33, 0xC3, 0x49],
                &jlis_auth,
                &jlis_auth,
                d(2019, 9, 14),
                d(2029, 9, 14),
                &own_kid,
                true,
            ),
            test_ee: build(
                &[0x12, 0x01],
                &test_name,
                &holder,
                d(2024, 1, 10),
                d(2029, 1, 9),
                &own_kid,
                false,
            ),
            test_ca: build(
                &[0x21, 0x88, 0x87],
                &test_name,
                &test_name,
                d(2023, 3, 23),
                d(2033, 3, 22),
                &own_kid,
                true,
            ),
            root_valid: build(
                &[0x01],
                &synth,
                &synth,
                d(2020, 1, 1),
                d(2035, 12, 31),
                &own_kid,
                true,
            ),
            root_not_yet_valid: build(
                &[0x02],
                &synth,
                &synth,
                d(2030, 1, 1),
                d(2040, 12, 31),
                &own_kid,
                true,
            ),
            root_expired: build(
                &[0x03],
                &synth,
                &synth,
                d(2010, 1, 1),
                d(2015, 12, 31),
                &own_kid,
                true,
            ),
            ee_2025: build(
                &[0x13, 0x01],
                &synth,
                &holder,
                d(2025, 1, 1),
                d(2029, 12, 31),
                &own_kid,
                false,
            ),
        }
    })
}

/// The bytes of `fid` under application `aid` in a committed fixture: the answers to the READ
/// BINARY commands that follow its SELECT, as the card returned them.
fn fixture_ef(file: &str, aid: &[u8], fid: u16) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(file);
    let fixture = Fixture::load(&path).unwrap();
    let select_ef = [0x00, 0xA4, 0x02, 0x0C, 0x02, (fid >> 8) as u8, fid as u8];
    let (mut in_aid, mut in_ef) = (false, false);
    let mut out = Vec::new();
    for e in &fixture.exchanges {
        let c = &e.command;
        let (data, sw) = e.response.split_at(e.response.len() - 2);
        if c.starts_with(&[0x00, 0xA4, 0x04]) {
            in_aid = c.get(5..5 + aid.len()) == Some(aid) && sw == [0x90, 0x00];
            in_ef = false;
        } else if c.starts_with(&[0x00, 0xA4, 0x02]) {
            in_ef = in_aid && c.as_slice() == select_ef && sw == [0x90, 0x00];
        } else if in_ef && c.starts_with(&[0x00, 0xB0]) && sw == [0x90, 0x00] {
            out.extend_from_slice(data);
        }
    }
    assert!(!out.is_empty(), "{file}: no bytes for EF {fid:04X}");
    out
}

fn fixture_auth_pair() -> (Vec<u8>, Vec<u8>) {
    let ee = fixture_ef("typical.fixture", JPKI_AID, 0x000A);
    let ca = fixture_ef("typical.fixture", JPKI_AID, 0x000B);
    // The card may pad a file; keep exactly one certificate.
    let trim = |b: Vec<u8>| {
        let (rest, _) = X509Certificate::from_der(&b).unwrap();
        let n = b.len() - rest.len();
        b[..n].to_vec()
    };
    (trim(ee), trim(ca))
}

// ---------------------------------------------------------------------------------------------
// The pinned roots

#[test]
fn fingerprints_serials_and_dates_match_the_table() {
    let mut checked = 0;
    for info in JLIS_ROOTS.iter().filter(|i| i.pinned()) {
        let root = pinned(info.purpose, info.generation);
        let digest = hex::encode_upper(Sha256::digest(root.der()));
        assert_eq!(
            Some(digest.as_str()),
            info.sha256,
            "{:?} gen {}",
            info.purpose,
            info.generation
        );
        assert_eq!(root.fingerprint(), digest);
        let cert = parse(root.der()).unwrap();
        assert_eq!(hex::encode_upper(cert.raw_serial()), info.serial);
        assert_eq!(iso_date(day(&cert.validity().not_before)), info.valid_from);
        assert_eq!(iso_date(day(&cert.validity().not_after)), info.valid_to);
        checked += 1;
    }
    assert_eq!(checked, 4);
    assert_eq!(pinned_roots().unwrap().len(), 4);
}

#[test]
fn the_readme_table_carries_the_same_fingerprints() {
    let readme = include_str!("roots/README.md");
    for info in JLIS_ROOTS {
        let row = readme
            .lines()
            .find(|l| {
                l.contains(&format!("| {} |", info.serial))
                    && l.contains(info.valid_from)
                    && l.contains(info.purpose.japanese())
                    && l.contains(&format!("| {} |", info.generation))
            })
            .unwrap_or_else(|| panic!("no README row for serial {}", info.serial));
        if let Some(fp) = info.sha256 {
            assert!(
                row.contains(fp),
                "README row for {} lacks {fp}",
                info.serial
            );
        }
    }
}

#[test]
fn pinned_and_unpinned_generations() {
    let mut got: Vec<(Purpose, u8)> = pinned_generations().collect();
    got.sort_by_key(|&(p, g)| (p == Purpose::Signing, g));
    assert_eq!(
        got,
        vec![
            (Purpose::Authentication, 1),
            (Purpose::Authentication, 3),
            (Purpose::Signing, 1),
            (Purpose::Signing, 3),
        ]
    );
    let unpinned: Vec<(&str, u8)> = unpinned_generations()
        .map(|i| (i.serial, i.generation))
        .collect();
    assert_eq!(unpinned, vec![("0133C349", 2), ("0132C4AB", 2)]);
}

#[test]
fn each_root_verifies_its_own_signature_and_classifies_as_itself() {
    for root in pinned_roots().unwrap() {
        let cert = parse(root.der()).unwrap();
        assert!(cert.verify_signature(None).is_ok());
        assert_eq!(cert.subject().as_raw(), cert.issuer().as_raw());
        let verdict = classify_card_ca(root.der()).unwrap();
        assert_eq!(
            verdict,
            CaVerdict::Jlis {
                purpose: root.purpose(),
                generation: root.generation(),
                not_after: iso_date(day(&cert.validity().not_after)),
                identical: true,
            }
        );
        // As a self-signed certificate it also chains to itself, and only for its purpose.
        assert_eq!(
            verify_end_entity(root.der(), root.purpose()).unwrap(),
            Genuineness::Genuine {
                purpose: root.purpose(),
                generation: root.generation()
            }
        );
    }
}

#[test]
fn generations_share_a_name_and_purposes_do_not() {
    let auth1 = subject_raw(pinned(Purpose::Authentication, 1).der());
    let auth3 = subject_raw(pinned(Purpose::Authentication, 3).der());
    let sign1 = subject_raw(pinned(Purpose::Signing, 1).der());
    let sign3 = subject_raw(pinned(Purpose::Signing, 3).der());
    assert_eq!(auth1, auth3);
    assert_eq!(sign1, sign3);
    assert_ne!(auth1, sign1);
    // One name, different keys: only the key can tell generations apart.
    assert_ne!(
        ski(pinned(Purpose::Authentication, 1).der()),
        ski(pinned(Purpose::Authentication, 3).der())
    );
}

#[test]
fn a_root_of_the_other_purpose_does_not_vouch() {
    let sign3 = pinned(Purpose::Signing, 3);
    assert_eq!(
        verify_end_entity(sign3.der(), Purpose::Authentication).unwrap(),
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        }
    );
}

#[test]
fn a_card_ca_with_jlis_key_but_a_forged_signature_is_unknown() {
    // Take a synthetic CA certificate and put J-LIS's generation-3 key in it: the key matches,
    // the signature (made by the test key over other bytes) cannot.
    let mut forged = certs().forged_ca.clone();
    let own = parse(&certs().forged_ca).unwrap().public_key().raw.to_vec();
    let jlis = parse(pinned(Purpose::Authentication, 3).der())
        .unwrap()
        .public_key()
        .raw
        .to_vec();
    assert_eq!(own.len(), jlis.len());
    let at = forged.windows(own.len()).position(|w| w == own).unwrap();
    forged[at..at + own.len()].copy_from_slice(&jlis);
    let cert = parse(&forged).unwrap();
    assert_eq!(cert.public_key().raw, jlis.as_slice());
    assert_eq!(classify_card_ca(&forged).unwrap(), CaVerdict::Unknown);
}

// ---------------------------------------------------------------------------------------------
// Names prove nothing

#[test]
fn borrowed_jlis_names_do_not_chain() {
    let c = certs();
    let ee = parse(&c.borrowed_name_2018).unwrap();
    assert_eq!(
        ee.issuer().as_raw(),
        subject_raw(pinned(Purpose::Authentication, 1).der())
    );
    for der in [&c.borrowed_name_2018, &c.borrowed_name_claims_gen3] {
        assert_eq!(
            verify_end_entity(der, Purpose::Authentication).unwrap(),
            Genuineness::DoesNotChain {
                reason: NoChainReason::NoRootVerifies
            }
        );
        assert!(
            !verify_end_entity(der, Purpose::Authentication)
                .unwrap()
                .is_genuine()
        );
    }
    assert_eq!(classify_card_ca(&c.forged_ca).unwrap(), CaVerdict::Unknown);
}

#[test]
fn a_borrowed_name_in_generation_2s_years_is_recognised_never_genuine() {
    // The honest limit of this build: without generation 2's key, a certificate in J-LIS's
    // name issued in 2019–2029 by an unknown key could be generation 2's or a forgery.
    let v = verify_end_entity(&certs().borrowed_name_2024, Purpose::Authentication).unwrap();
    assert_eq!(
        v,
        Genuineness::Generation2Unverifiable {
            purpose: Purpose::Authentication
        }
    );
    assert!(!v.is_genuine());
    // The same certificate is not in J-LIS's signing name: nothing to recognise there.
    assert_eq!(
        verify_end_entity(&certs().borrowed_name_2024, Purpose::Signing).unwrap(),
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        }
    );
}

#[test]
fn a_generation_2_lookalike_ca_is_recognised_not_verified() {
    assert_eq!(
        classify_card_ca(&certs().gen2_lookalike_ca).unwrap(),
        CaVerdict::Generation2Unverifiable {
            purpose: Purpose::Authentication,
            not_after: "2029-09-14".into()
        }
    );
}

#[test]
fn jpki_test_certificates_are_the_test_hierarchy() {
    let c = certs();
    assert_eq!(
        verify_end_entity(&c.test_ee, Purpose::Authentication).unwrap(),
        Genuineness::TestHierarchy
    );
    assert_eq!(
        classify_card_ca(&c.test_ca).unwrap(),
        CaVerdict::TestHierarchy
    );
}

// ---------------------------------------------------------------------------------------------
// Chains with injected roots

#[test]
fn the_fixture_holder_certificate_chains_to_an_injected_fixture_root() {
    let (ee, ca) = fixture_auth_pair();
    let root = Root::from_der(Purpose::Authentication, 7, &ca).unwrap();
    assert_eq!(
        verify_end_entity_with(&ee, Purpose::Authentication, std::slice::from_ref(&root)).unwrap(),
        Genuineness::Genuine {
            purpose: Purpose::Authentication,
            generation: 7
        }
    );
    // Only roots of the purpose asked for are tried.
    assert_eq!(
        verify_end_entity_with(&ee, Purpose::Signing, std::slice::from_ref(&root)).unwrap(),
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        }
    );
    // Against J-LIS's real roots the synthetic card is not genuine, and its CA is unknown.
    assert_eq!(
        verify_end_entity(&ee, Purpose::Authentication).unwrap(),
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        }
    );
    assert_eq!(classify_card_ca(&ca).unwrap(), CaVerdict::Unknown);
    assert!(matches!(
        classify_card_ca_with(&ca, std::slice::from_ref(&root)).unwrap(),
        CaVerdict::Jlis {
            generation: 7,
            identical: true,
            ..
        }
    ));
}

#[test]
fn a_root_not_valid_on_the_issue_date_does_not_vouch() {
    let c = certs();
    let root = |der: &[u8]| Root::from_der(Purpose::Authentication, 9, der).unwrap();
    let check = |roots: &[Root]| verify_end_entity_with(&c.ee_2025, Purpose::Authentication, roots);
    assert_eq!(
        check(&[root(&c.root_valid)]).unwrap(),
        Genuineness::Genuine {
            purpose: Purpose::Authentication,
            generation: 9
        }
    );
    for late_or_early in [&c.root_not_yet_valid, &c.root_expired] {
        assert_eq!(
            check(&[root(late_or_early)]).unwrap(),
            Genuineness::DoesNotChain {
                reason: NoChainReason::RootNotValidAtIssue
            }
        );
    }
    // Any root valid at issue is enough, whatever order the roots come in.
    assert!(
        check(&[root(&c.root_not_yet_valid), root(&c.root_valid)])
            .unwrap()
            .is_genuine()
    );
}

#[test]
fn a_same_key_reissue_of_a_root_classifies_as_that_root_but_not_identical() {
    let c = certs();
    let injected = Root::from_der(Purpose::Signing, 4, &c.root_valid).unwrap();
    assert_eq!(
        classify_card_ca_with(&c.root_not_yet_valid, &[injected]).unwrap(),
        CaVerdict::Jlis {
            purpose: Purpose::Signing,
            generation: 4,
            not_after: "2040-12-31".into(),
            identical: false,
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[test]
fn garbage_is_an_error_never_a_panic() {
    let garbage: [&[u8]; 5] = [
        &[],
        &[0x30],
        &[0x30, 0x82, 0x05, 0x20],
        &[0x30, 0x03, 0x02, 0x01, 0x00],
        &[0xFF; 64],
    ];
    for g in garbage {
        assert!(classify_card_ca(g).is_err());
        assert!(verify_end_entity(g, Purpose::Authentication).is_err());
        assert!(Root::from_der(Purpose::Signing, 1, g).is_err());
        assert!(cv_key_id(g).is_err());
    }
    // Every truncation of a real certificate is an error, and so are trailing bytes.
    let der = pinned(Purpose::Signing, 3).der();
    for n in 0..der.len() {
        assert!(classify_card_ca(&der[..n]).is_err(), "prefix {n}");
        assert!(verify_end_entity(&der[..n], Purpose::Signing).is_err());
    }
    let mut long = der.to_vec();
    long.extend_from_slice(&[0xFF, 0xFF]);
    assert_eq!(classify_card_ca(&long), Err(TrustError::TrailingBytes(2)));
}

#[test]
fn a_flipped_signature_bit_breaks_the_chain() {
    let (ee, ca) = fixture_auth_pair();
    let root = Root::from_der(Purpose::Authentication, 7, &ca).unwrap();
    let mut bad = ee.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    assert_eq!(
        verify_end_entity_with(&bad, Purpose::Authentication, &[root]).unwrap(),
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Card-verifiable certificates

fn cv_cert(issuer: &str, subject: &str) -> Vec<u8> {
    let pad = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.resize(16, b' ');
        v
    };
    let mut body = pad(issuer);
    body.extend(pad(subject));
    body.extend_from_slice(&[0x90, 0x03, 0x01, 0x00, 0x01, 0x91, 0x82, 0x01, 0x00]);
    body.extend(std::iter::repeat_n(0xC5, 256));
    let mut inner = vec![0x5F, 0x4E, 0x82, 0x01, 0x29];
    inner.extend(body);
    inner.extend_from_slice(&[0x5F, 0x37, 0x82, 0x01, 0x00]);
    inner.extend(std::iter::repeat_n(0, 256));
    let mut cert = vec![0x7F, 0x21, 0x82, 0x02, 0x33];
    cert.extend(inner);
    cert
}

#[test]
fn cv_certificates_report_key_ids_only() {
    let prod = cv_key_id(&cv_cert("5000033", "5000035/001")).unwrap();
    assert_eq!(prod.issuer_key_id, "5000033");
    assert_eq!(prod.subject_key_id, "5000035/001");
    assert_eq!(prod.claimed_hierarchy, ClaimedHierarchy::Production);
    assert_eq!(prod.verdict, CvVerdict::NotVerifiable);
    assert!(prod.english().contains("not verifiable"));
    assert!(prod.japanese().contains("検証できません"));
    assert_eq!(
        cv_key_id(&cv_cert("6000020", "x"))
            .unwrap()
            .claimed_hierarchy,
        ClaimedHierarchy::Test
    );
    assert_eq!(
        cv_key_id(&cv_cert("5000099", "x"))
            .unwrap()
            .claimed_hierarchy,
        ClaimedHierarchy::Unknown
    );
    // The committed fixture's visual AP certificate is a synthetic test-card one.
    let visual = fixture_ef("typical.fixture", VISUAL_AID, 0x0004);
    let ids = cv_key_id(&visual).unwrap();
    assert_eq!(ids.issuer_key_id, "6000023");
    assert_eq!(ids.claimed_hierarchy, ClaimedHierarchy::Test);
}

// ---------------------------------------------------------------------------------------------
// Wording and JSON

#[test]
fn json_tags_are_snake_case() {
    let j = |v: &dyn erased::Ser| v.json();
    assert_eq!(
        j(&Genuineness::Genuine {
            purpose: Purpose::Authentication,
            generation: 3
        }),
        r#"{"verdict":"genuine","purpose":"authentication","generation":3}"#
    );
    assert_eq!(
        j(&Genuineness::DoesNotChain {
            reason: NoChainReason::RootNotValidAtIssue
        }),
        r#"{"verdict":"does_not_chain","reason":"root_not_valid_at_issue"}"#
    );
    assert_eq!(
        j(&Genuineness::Generation2Unverifiable {
            purpose: Purpose::Signing
        }),
        r#"{"verdict":"generation2_unverifiable","purpose":"signing"}"#
    );
    assert_eq!(
        j(&Genuineness::TestHierarchy),
        r#"{"verdict":"test_hierarchy"}"#
    );
    assert_eq!(j(&CaVerdict::Unknown), r#"{"verdict":"unknown"}"#);
    assert_eq!(
        j(&CaVerdict::Jlis {
            purpose: Purpose::Signing,
            generation: 1,
            not_after: "2025-10-19".into(),
            identical: true
        }),
        r#"{"verdict":"jlis","purpose":"signing","generation":1,"not_after":"2025-10-19","identical":true}"#
    );
    let cv = cv_key_id(&cv_cert("5000023", "5000025/001")).unwrap();
    assert_eq!(
        j(&cv),
        r#"{"issuer_key_id":"5000023","subject_key_id":"5000025/001","claimed_hierarchy":"production","verdict":"not_verifiable"}"#
    );
}

mod erased {
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

#[test]
fn wording_is_distinct_and_only_a_verified_chain_says_genuine() {
    let all = [
        Genuineness::Genuine {
            purpose: Purpose::Authentication,
            generation: 3,
        },
        Genuineness::TestHierarchy,
        Genuineness::Generation2Unverifiable {
            purpose: Purpose::Authentication,
        },
        Genuineness::DoesNotChain {
            reason: NoChainReason::NoRootVerifies,
        },
        Genuineness::DoesNotChain {
            reason: NoChainReason::RootNotValidAtIssue,
        },
    ];
    let en: Vec<String> = all.iter().map(Genuineness::english).collect();
    let ja: Vec<String> = all.iter().map(Genuineness::japanese).collect();
    for (i, (e, j)) in en.iter().zip(&ja).enumerate() {
        assert!(!e.is_empty() && !j.is_empty());
        assert_eq!(e.starts_with("Genuine"), i == 0, "{e}");
        assert_eq!(j.contains("正規の証明書です"), i == 0, "{j}");
        for (k, other) in en.iter().enumerate() {
            assert!(k == i || other != e);
        }
    }
    assert!(en[0].contains("generation 3"));
    assert!(en[2].contains("not verifiable"));
    assert!(en[3].contains("Does not chain to a J-LIS root"));

    let cas = [
        CaVerdict::Jlis {
            purpose: Purpose::Signing,
            generation: 1,
            not_after: "2025-10-19".into(),
            identical: true,
        },
        CaVerdict::Generation2Unverifiable {
            purpose: Purpose::Signing,
            not_after: "2029-09-14".into(),
        },
        CaVerdict::TestHierarchy,
        CaVerdict::Unknown,
    ];
    for v in &cas {
        assert!(!v.english().is_empty() && !v.japanese().is_empty());
        assert!(!v.english().contains("renew"), "{}", v.english());
    }
    assert!(cas[0].english().contains("generation 1"));
    assert!(cas[0].japanese().contains("第1世代"));
}

#[test]
fn jpki_certificate_files_map_to_purpose_and_role() {
    assert_eq!(
        Purpose::of_jpki_ef(0x000A),
        Some((Purpose::Authentication, CertRole::Holder))
    );
    assert_eq!(
        Purpose::of_jpki_ef(0x000B),
        Some((Purpose::Authentication, CertRole::Ca))
    );
    assert_eq!(
        Purpose::of_jpki_ef(0x0001),
        Some((Purpose::Signing, CertRole::Holder))
    );
    assert_eq!(
        Purpose::of_jpki_ef(0x0002),
        Some((Purpose::Signing, CertRole::Ca))
    );
    assert_eq!(Purpose::of_jpki_ef(0x0003), None);
}
