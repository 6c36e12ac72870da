//! A complete dump of each synthetic card: every application, every EF, in the order
//! docs/fixtures.md and the chip map (card-facts §1.1, §2) give. This is what the card holds,
//! not the traffic of any one audit run; replay answers from it in any order.

use rsa::{RsaPrivateKey, RsaPublicKey};

use crate::Error;
use crate::cards::{self, MynaCard};
use crate::content;
use crate::date::{self, Date};
use crate::fixture::{Fixture, hex, sw};
use crate::jlis;
use crate::keys;
use crate::mynumber;
use crate::x509::{self, Rdn};

/// Application identifiers (card-facts §1.1).
pub mod aid {
    /// GlobalPlatform issuer security domain: selecting it returns to the MF level.
    pub const ISD: &[u8] = &[0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00];
    /// 公的個人認証AP.
    pub const JPKI: &[u8] = &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
    /// 券面事項入力補助AP.
    pub const TEXT: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
    /// 券面事項確認AP.
    pub const VISUAL: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
    /// 住基AP.
    pub const JUKI: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01];
    /// 共通カードAP.
    pub const COMMON: &[u8] = &[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00];
}

const ISSUER_ORG: &str = "JPKI-SYNTHETIC-TEST";
const AUTH_CA_OU: &str = "myna-audit synthetic CA for user authentication";
const SIGN_CA_OU: &str = "myna-audit synthetic CA for digital signature";
/// The organisation of J-LIS's JPKI test hierarchy (card-facts §7.2, §9), which the audit
/// recognises as a test card's.
const TEST_ORG: &str = "JPKI-TEST";
const TEST_AUTH_CA_OU: &str = "myna-audit synthetic test-card CA for user authentication";
const TEST_SIGN_CA_OU: &str = "myna-audit synthetic test-card CA for digital signature";
/// Validity of the synthetic CA certificates.
const CA_FROM: Date = time::macros::date!(2020 - 01 - 01);
const CA_TO: Date = time::macros::date!(2035 - 12 - 31);

/// One synthetic hierarchy: an authentication CA (its key signs the holders' certificates) and
/// a signing CA (only its certificate is needed: the signing certificate is never readable).
pub struct Hierarchy {
    org: &'static str,
    auth_ou: &'static str,
    auth_key: RsaPrivateKey,
    auth_cert: Vec<u8>,
    sign_cert: Vec<u8>,
}

/// The CAs every card is issued by: the synthetic hierarchy, the synthetic `O=JPKI-TEST`
/// hierarchy of the test card, and J-LIS's real generation-1 CA certificates.
pub struct Authorities {
    synthetic: Hierarchy,
    test: Hierarchy,
    jlis_gen1_auth: Vec<u8>,
    jlis_gen1_sign: Vec<u8>,
}

fn ca_name(org: &str, ou: &str) -> Vec<u8> {
    x509::name(&[Rdn::Country("JP"), Rdn::Organization(org), Rdn::OrgUnit(ou)])
}

/// A self-signed CA certificate.
fn ca_cert(key: &RsaPrivateKey, org: &str, ou: &str, serial: &[u8]) -> Result<Vec<u8>, rsa::Error> {
    let public = RsaPublicKey::from(key);
    x509::build(
        &x509::Tbs {
            serial,
            issuer: ca_name(org, ou),
            subject: ca_name(org, ou),
            not_before: CA_FROM,
            not_after: CA_TO,
            subject_key: &public,
            issuer_key_id: x509::key_id(&public),
            ca: true,
        },
        key,
    )
}

impl Hierarchy {
    fn new(
        org: &'static str,
        [auth_ou, sign_ou]: [&'static str; 2],
        [auth_serial, sign_serial]: [&[u8]; 2],
        auth_key: RsaPrivateKey,
        sign_key: &RsaPrivateKey,
    ) -> Result<Self, rsa::Error> {
        let auth_cert = ca_cert(&auth_key, org, auth_ou, auth_serial)?;
        let sign_cert = ca_cert(sign_key, org, sign_ou, sign_serial)?;
        Ok(Hierarchy {
            org,
            auth_ou,
            auth_key,
            auth_cert,
            sign_cert,
        })
    }
}

/// Keys of the CAs, in [`CA_KEY_LABELS`] order.
pub struct CaKeys {
    pub auth: RsaPrivateKey,
    pub sign: RsaPrivateKey,
    pub test_auth: RsaPrivateKey,
    pub test_sign: RsaPrivateKey,
}

impl Authorities {
    /// The CA certificates, from the CA keys and J-LIS's public generation-1 certificates.
    pub fn new(keys: CaKeys) -> Result<Self, Error> {
        let rsa = |label: &str| {
            let label = label.to_owned();
            move |source| Error::Rsa { label, source }
        };
        let synthetic = Hierarchy::new(
            ISSUER_ORG,
            [AUTH_CA_OU, SIGN_CA_OU],
            [&[0x01, 0xA0, 0x01], &[0x01, 0xA0, 0x02]],
            keys.auth,
            &keys.sign,
        )
        .map_err(rsa("ca"))?;
        let test = Hierarchy::new(
            TEST_ORG,
            [TEST_AUTH_CA_OU, TEST_SIGN_CA_OU],
            [&[0x01, 0xA0, 0x11], &[0x01, 0xA0, 0x12]],
            keys.test_auth,
            &keys.test_sign,
        )
        .map_err(rsa("test-ca"))?;
        let (Some(jlis_gen1_auth), Some(jlis_gen1_sign)) =
            (jlis::auth_ca_gen1(), jlis::sign_ca_gen1())
        else {
            return Err(Error::Pem {
                label: "src/trust/roots/*-ca-gen1.pem".to_owned(),
            });
        };
        Ok(Authorities {
            synthetic,
            test,
            jlis_gen1_auth,
            jlis_gen1_sign,
        })
    }

    /// The hierarchy that issues a card's holder certificate.
    fn issuer(&self, card: &MynaCard) -> &Hierarchy {
        match card.hierarchy {
            cards::Hierarchy::JpkiTest => &self.test,
            cards::Hierarchy::Synthetic | cards::Hierarchy::JlisGeneration1OnCard => {
                &self.synthetic
            }
        }
    }

    /// What the card's EF 000B (authentication CA) and EF 0002 (signing CA) hold, and how the
    /// fixture's comments name them.
    fn on_card(&self, card: &MynaCard) -> [(&[u8], &'static str); 2] {
        match card.hierarchy {
            cards::Hierarchy::Synthetic => [
                (&self.synthetic.auth_cert, "synthetic auth CA cert"),
                (&self.synthetic.sign_cert, "synthetic signing CA cert"),
            ],
            cards::Hierarchy::JpkiTest => [
                (
                    &self.test.auth_cert,
                    "synthetic O=JPKI-TEST auth CA cert, as on a test card",
                ),
                (
                    &self.test.sign_cert,
                    "synthetic O=JPKI-TEST signing CA cert, as on a test card",
                ),
            ],
            cards::Hierarchy::JlisGeneration1OnCard => [
                (
                    &self.jlis_gen1_auth,
                    "J-LIS's real, public generation-1 auth CA cert, 2015-10-20 to 2025-10-19",
                ),
                (
                    &self.jlis_gen1_sign,
                    "J-LIS's real, public generation-1 signing CA cert, 2015-10-20 to 2025-10-19",
                ),
            ],
        }
    }
}

/// Seed labels of the CA keys, in [`CaKeys`] order.
pub const CA_KEY_LABELS: [&str; 4] = ["ca/auth", "ca/sign", "test-ca/auth", "test-ca/sign"];

/// Seed label of a card's auth key.
pub fn auth_key_label(card: &MynaCard) -> String {
    format!("{}/auth-key", card.seed_label())
}

/// The card's 利用者証明用電子証明書: issued by its hierarchy's auth CA on the issue date,
/// valid to the 5th birthday after it, subject `C=JP, CN=<20 characters>`.
fn auth_cert(
    card: &MynaCard,
    not_after: Date,
    key: &RsaPrivateKey,
    ca: &Hierarchy,
) -> Result<Vec<u8>, rsa::Error> {
    let public = RsaPublicKey::from(key);
    let ca_public = RsaPublicKey::from(&ca.auth_key);
    // A positive 8-byte serial, as CAs draw them at random.
    let mut serial = keys::bytes(&format!("{}/auth-serial", card.seed_label()), 8);
    serial[0] = (serial[0] & 0x7F) | 0x10;
    x509::build(
        &x509::Tbs {
            serial: &serial,
            issuer: ca_name(ca.org, ca.auth_ou),
            subject: x509::name(&[Rdn::Country("JP"), Rdn::CommonName(card.auth_cn)]),
            not_before: card.issued,
            not_after,
            subject_key: &public,
            issuer_key_id: x509::key_id(&ca_public),
            ca: false,
        },
        &ca.auth_key,
    )
}

fn header(f: &mut Fixture, title: &str, summary: &str, reader: &str, atr: &[u8]) {
    f.comment(&format!("myna-audit fixture: {title}"));
    f.comment("Generated by tools/fixturegen (cargo run -p fixturegen -- write fixtures).");
    f.comment("Do not edit by hand: `cargo run -p fixturegen -- check fixtures` must pass.");
    f.header("format", "myna-audit-fixture 1");
    f.header("kind", "synthetic");
    f.header(
        "note",
        "Synthetic card made by tools/fixturegen; the person and every number are fictional.",
    );
    f.header("note", summary);
    f.header("tool", concat!("fixturegen ", env!("CARGO_PKG_VERSION")));
    f.header("reader", reader);
    f.header("atr", &hex(atr));
}

/// The fixture text of one My Number Card.
pub fn myna_card(
    card: &MynaCard,
    ca: &Authorities,
    auth_key: &RsaPrivateKey,
) -> Result<String, Error> {
    let label = card.seed_label();
    let date_err = |source| Error::Date {
        label: label.to_owned(),
        source,
    };
    let card_expiry = card.card_expiry().map_err(date_err)?;
    let auth_expiry = card.auth_cert_expiry().map_err(date_err)?;
    let expiry = date::yyyymmdd(card_expiry);
    let my_number = mynumber::with_check_digit(card.my_number_base).unwrap_or_default();
    let auth =
        auth_cert(card, auth_expiry, auth_key, ca.issuer(card)).map_err(|source| Error::Rsa {
            label: label.to_owned(),
            source,
        })?;

    let mut f = Fixture::new();
    header(&mut f, card.file, card.summary, card.reader, card.atr);
    f.comment(&format!(
        "Holder (fictional): {}, born {}; card issued {}, expires {} ({} birthday after issue).",
        card.holder,
        card.born,
        card.issued,
        card_expiry,
        if date::age_on(card.born, card.issued) >= 18 {
            "10th"
        } else {
            "5th, holder under 18 at issue"
        },
    ));
    f.comment("Fictional 個人番号 (My Number), check digit valid; no readable file holds it.");
    f.header("fictional", &my_number);
    f.comment("Fictional card serial (共通AP EF 0001).");
    f.header("fictional", card.card_serial);
    f.comment("Fictional card identification number (GET DATA 0045).");
    f.header("fictional", card.card_id);
    f.comment("Fictional JPKI token serial (JPKI-AP EF 0006).");
    f.header("fictional", card.token_serial);
    f.comment("Fictional auth certificate subject CN (JPKI-AP EF 000A).");
    f.header("fictional", card.auth_cn);

    mf_level(&mut f, card, &expiry);
    jpki(&mut f, card, ca, &auth);
    text(&mut f, card, label);
    visual(&mut f, card, label);
    juki(&mut f, card);
    common(&mut f, card, &expiry);
    Ok(f.finish())
}

fn group(f: &mut Fixture, text: &str) {
    f.blank();
    f.comment(text);
}

fn mf_level(f: &mut Fixture, card: &MynaCard, expiry: &str) {
    group(
        f,
        "MF level: SELECT the GlobalPlatform issuer security domain A0000001510000 (card-facts §1.1, §2.6)",
    );
    f.select_df(aid::ISD, sw::OK);
    group(
        f,
        "GET DATA 0045: card identification number, 16 ASCII characters (card-facts §2.6)",
    );
    f.get_data(0x0045, card.card_id.as_bytes(), sw::OK);
    group(
        f,
        &format!(
            "GET DATA 00F0: 全国地方公共団体コード {} (fictional, card-facts §2.6)",
            card.municipality
        ),
    );
    f.get_data(0x00F0, card.municipality.as_bytes(), sw::OK);
    group(
        f,
        &format!("GET DATA 00F2: card expiry {expiry} (card-facts §2.6)"),
    );
    f.get_data(0x00F2, expiry.as_bytes(), sw::OK);
    group(
        f,
        "GET DATA 5F51: contact-interface ATR without TS (card-facts §2.6, §5)",
    );
    f.get_data(0x5F51, &cards::CONTACT_ATR[1..], sw::OK);
}

/// SELECT EF, then one free file read whole.
fn free_file(f: &mut Fixture, what: &str, fid: u16, content: &[u8]) {
    group(f, &format!("{what}, {} bytes, free", content.len()));
    f.select_ef(fid, sw::OK);
    f.read_whole(content);
}

/// SELECT EF, then a READ BINARY the card refuses with 6982 (security status not satisfied).
fn protected_file(f: &mut Fixture, what: &str, needs: &str, fid: u16) {
    group(f, &format!("{what}, needs {needs}: READ BINARY → 6982"));
    f.select_ef(fid, sw::OK);
    f.read_refused(sw::SECURITY_NOT_SATISFIED);
}

/// SELECT EF, then READ RECORD 1.
fn record_file(f: &mut Fixture, what: &str, fid: u16, record: &[u8]) {
    group(
        f,
        &format!("{what}, record 1, {} bytes, free", record.len()),
    );
    f.select_ef(fid, sw::OK);
    f.read_record(1, record);
}

/// SELECT EF, then the data-less VERIFY that reads the retry counter (card-facts §3.3).
fn pin(f: &mut Fixture, what: &str, fid: u16, answer: [u8; 2]) {
    pin_meaning(f, what, fid, answer, "blocked");
}

/// [`pin`], with what a `6984` answer means on this card.
fn pin_meaning(f: &mut Fixture, what: &str, fid: u16, answer: [u8; 2], meaning_of_6984: &str) {
    let state = match answer {
        [0x63, 0xC0] => "63C0, blocked".to_owned(),
        [0x63, x] if x & 0xF0 == 0xC0 => match x & 0x0F {
            1 => "1 try left".to_owned(),
            n => format!("{n} tries left"),
        },
        [0x69, 0x84] => format!("6984, {meaning_of_6984}"),
        other => hex(&other),
    };
    group(
        f,
        &format!("{what}: retry counter (data-less VERIFY), {state}"),
    );
    f.select_ef(fid, sw::OK);
    f.retry_counter(answer);
}

fn jpki(f: &mut Fixture, card: &MynaCard, ca: &Authorities, auth: &[u8]) {
    group(
        f,
        "JPKI-AP 公的個人認証AP D392F000260100000001 (card-facts §1.1, §2.1)",
    );
    f.select_df(aid::JPKI, sw::OK);
    protected_file(
        f,
        "JPKI-AP EF 0001 署名用電子証明書 (signing cert)",
        "the signing password",
        0x0001,
    );
    let [(auth_ca, auth_ca_what), (sign_ca, sign_ca_what)] = ca.on_card(card);
    free_file(
        f,
        &format!("JPKI-AP EF 0002 署名用CA証明書 ({sign_ca_what})"),
        0x0002,
        sign_ca,
    );
    free_file(
        f,
        "JPKI-AP EF 0006 token info, PKCS#11 CK_TOKEN_INFO (card-facts §4.5)",
        0x0006,
        &content::token_info(card.token_serial),
    );
    let availability = if card.cert_availability[0] == 0x8F {
        "both certificates issued".to_owned()
    } else {
        format!("no signing certificate ({})", card.no_signing_certificate)
    };
    free_file(
        f,
        &format!("JPKI-AP EF 0008 certificate availability: {availability}"),
        0x0008,
        &card.cert_availability,
    );
    protected_file(
        f,
        "JPKI-AP EF 0009 (unidentified)",
        "an unknown credential",
        0x0009,
    );
    free_file(
        f,
        "JPKI-AP EF 000A 利用者証明用電子証明書 (auth cert)",
        0x000A,
        auth,
    );
    free_file(
        f,
        &format!("JPKI-AP EF 000B 利用者証明用CA証明書 ({auth_ca_what})"),
        0x000B,
        auth_ca,
    );
    group(
        f,
        "JPKI-AP EF 0017 and 001A hold the private keys: never read, nothing recorded",
    );
    pin_meaning(
        f,
        "JPKI-AP EF 0018 利用者証明用 暗証番号 (auth PIN, 4 digits, limit 3)",
        0x0018,
        card.pins.jpki_auth,
        card.meaning_of_6984,
    );
    pin_meaning(
        f,
        "JPKI-AP EF 001B 署名用パスワード (signing password, 6-16 characters, limit 5)",
        0x001B,
        card.pins.jpki_sign,
        card.meaning_of_6984,
    );
}

fn text(f: &mut Fixture, card: &MynaCard, label: &str) {
    group(
        f,
        "券面事項入力補助AP (text AP) D3921000310001010408 (card-facts §1.1, §2.2)",
    );
    f.select_df(aid::TEXT, sw::OK);
    protected_file(
        f,
        "text AP EF 0001 個人番号 (My Number)",
        "the PIN or 照合番号A",
        0x0001,
    );
    protected_file(
        f,
        "text AP EF 0002 基本4情報 (name, address, birth, sex)",
        "the PIN or 照合番号B",
        0x0002,
    );
    protected_file(
        f,
        "text AP EF 0003 integrity record",
        "the PIN, 照合番号A or B",
        0x0003,
    );
    free_file(
        f,
        "text AP EF 0004 card-verifiable certificate (issuer 6000033; key and signature are synthetic bytes)",
        0x0004,
        &content::cv_certificate(
            content::TEXT_CV_ISSUER,
            content::TEXT_CV_SUBJECT,
            &format!("{label}/text-cv"),
        ),
    );
    free_file(
        f,
        "text AP EF 0005 AP basic information",
        0x0005,
        &content::text_ap_basic_info(&format!("{label}/text-basic")),
    );
    protected_file(
        f,
        "text AP EF 0006 session-key encryption key",
        "the PIN, 照合番号A or B",
        0x0006,
    );
    protected_file(
        f,
        "text AP EF 0007 internal-authentication certificate",
        "the PIN, 照合番号A or B",
        0x0007,
    );
    free_file(
        f,
        "text AP EF 0008 (unidentified, 16 × FF)",
        0x0008,
        &[0xFF; 16],
    );
    group(
        f,
        "text AP EF 0013 holds the AP's signing key: nothing recorded",
    );
    pin_meaning(
        f,
        "text AP EF 0011 券面事項入力補助用 暗証番号 (4 digits, limit 3)",
        0x0011,
        card.pins.text,
        card.meaning_of_6984,
    );
    pin(
        f,
        "text AP EF 0012 key reference blocked at issue on every card",
        0x0012,
        sw::tries(0),
    );
    pin(f, "text AP EF 0014 照合番号A", 0x0014, sw::tries(10));
    pin(f, "text AP EF 0015 照合番号B", 0x0015, sw::tries(10));
}

fn visual(f: &mut Fixture, card: &MynaCard, label: &str) {
    group(
        f,
        "券面事項確認AP (visual AP) D3921000310001010402 (card-facts §1.1, §2.3)",
    );
    f.select_df(aid::VISUAL, sw::OK);
    protected_file(
        f,
        "visual AP EF 0001 age record",
        "the 生年月日 key",
        0x0001,
    );
    protected_file(
        f,
        "visual AP EF 0002 card face (name, address, photo)",
        "照合番号A or B",
        0x0002,
    );
    free_file(
        f,
        &format!(
            "visual AP EF 0003 AP basic information, municipality {}",
            card.municipality
        ),
        0x0003,
        &content::visual_ap_basic_info(card.municipality, &format!("{label}/visual-basic")),
    );
    free_file(
        f,
        "visual AP EF 0004 card-verifiable certificate (issuer 6000023; key and signature are synthetic bytes)",
        0x0004,
        &content::cv_certificate(
            content::VISUAL_CV_ISSUER,
            content::VISUAL_CV_SUBJECT,
            &format!("{label}/visual-cv"),
        ),
    );
    protected_file(
        f,
        "visual AP EF 0005 rendered 個人番号 image",
        "照合番号A",
        0x0005,
    );
    protected_file(
        f,
        "visual AP EF 0006 (unidentified)",
        "照合番号A or B",
        0x0006,
    );
    pin(f, "visual AP EF 0011 生年月日 key", 0x0011, sw::tries(10));
    pin(f, "visual AP EF 0012 照合番号B", 0x0012, sw::tries(10));
    pin(f, "visual AP EF 0013 照合番号A", 0x0013, sw::tries(10));
}

fn juki(f: &mut Fixture, card: &MynaCard) {
    group(f, "住基AP D3921000310001010401 (card-facts §1.1, §2.4)");
    f.select_df(aid::JUKI, sw::OK);
    record_file(
        f,
        "住基AP EF 0002 key reference (content unidentified; synthetic text)",
        0x0002,
        content::KEY_REFERENCE_RECORD,
    );
    pin_meaning(
        f,
        "住基AP EF 001C 住民基本台帳用 暗証番号 (4 digits, limit 3)",
        0x001C,
        card.pins.juki,
        card.meaning_of_6984,
    );
}

fn common(f: &mut Fixture, card: &MynaCard, expiry: &str) {
    group(
        f,
        "共通カードAP D3921000310001010100 (card-facts §1.1, §2.5)",
    );
    f.select_df(aid::COMMON, sw::OK);
    record_file(
        f,
        &format!(
            "共通AP EF 0001 card info: serial {} + municipality {} + expiry {expiry}",
            card.card_serial, card.municipality
        ),
        0x0001,
        &content::common_card_info(card.card_serial, card.municipality, expiry),
    );
    record_file(
        f,
        "共通AP EF 0002 key reference (same bytes as 住基AP EF 0002)",
        0x0002,
        content::KEY_REFERENCE_RECORD,
    );
    group(
        f,
        "共通AP EF 0019 holds the internal-authentication key: nothing recorded",
    );
    pin_meaning(
        f,
        "共通AP EF 001C PIN (4 digits, limit 3; its own key reference)",
        0x001C,
        card.pins.common,
        card.meaning_of_6984,
    );
}

/// A contactless card that is not a My Number Card: no application answers.
pub fn not_my_number() -> String {
    let atr = cards::not_my_number_atr();
    let mut f = Fixture::new();
    header(
        &mut f,
        "not-my-number.fixture",
        "A synthetic payment-style contactless card, not a My Number Card: no My Number \
         application and no issuer security domain answers, GET DATA finds nothing.",
        cards::CONTACTLESS_READER,
        &atr,
    );
    f.comment("ATR: PC/SC part 3 form for an ISO 14443-4 card, 3B 88 80 01 + historical bytes");
    f.comment(
        "\"SYNTHPAY\" + TCK: the shape a contactless payment card takes, matching no real card.",
    );
    group(
        &mut f,
        "MF level: SELECT the issuer security domain A0000001510000: not found",
    );
    f.select_df(aid::ISD, sw::NOT_FOUND);
    for (tag, what) in [
        (0x0045, "card identification number"),
        (0x00F0, "municipality code"),
        (0x00F2, "card expiry"),
        (0x5F51, "contact ATR"),
    ] {
        group(
            &mut f,
            &format!("GET DATA {tag:04X} ({what}): referenced data not found"),
        );
        f.get_data(tag, &[], sw::DATA_NOT_FOUND);
    }
    for (aid, what) in [
        (aid::JPKI, "JPKI-AP D392F000260100000001"),
        (aid::TEXT, "text AP D3921000310001010408"),
        (aid::VISUAL, "visual AP D3921000310001010402"),
        (aid::JUKI, "住基AP D3921000310001010401"),
        (aid::COMMON, "共通AP D3921000310001010100"),
    ] {
        group(&mut f, &format!("SELECT {what}: not found"));
        f.select_df(aid, sw::NOT_FOUND);
    }
    f.finish()
}
