//! The verdict: the answers a holder came for, in a few lines — is the card genuine, what
//! needs attention and what to do, the PIN counters, and what a finder can read at each
//! exposure tier. Derived from the report alone; the text and HTML renderers draw it.

use super::{
    AppId, CertificateDetails, Details, ExposureItem, Finding, FindingCode, KeyReading, Pin,
    PinStatus, Report, SecretKind, Severity, Text,
};
use crate::trust::Genuineness;

/// One thing to act on: its severity and a one-line summary with what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    pub severity: Severity,
    pub line: Text,
}

/// One exposure tier: how many items, and the most sensitive ones first.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub count: usize,
    /// Labels (ja, en), most sensitive first.
    pub top: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The genuine-card check, when it could be made.
    pub genuine: Option<Text>,
    pub attention: Vec<Attention>,
    /// The memorised PINs and their counters.
    pub pins: Vec<Pin>,
    pub no_secret: Tier,
    pub card_surface: Tier,
    pub pin_only: Tier,
}

/// How much a finder learns from an item, for ordering the tier summaries: what names or
/// numbers the holder first (docs/card-facts.md §2.7). Unlisted items rank 10.
const SENSITIVITY: &[(Option<AppId>, &str, u8)] = &[
    (Some(AppId::Text), "EF 0001", 100),  // My Number
    (Some(AppId::Visual), "EF 0005", 95), // My Number image
    (Some(AppId::Visual), "EF 0002", 90), // name, address, face photo
    (Some(AppId::Text), "EF 0002", 85),   // basic 4 attributes
    (Some(AppId::Jpki), "EF 0001", 80),   // signing certificate: name, address, birth date
    (Some(AppId::Visual), "EF 0001", 60), // birth date
    (Some(AppId::Jpki), "EF 000A", 50),   // authentication certificate: a holder-linked serial
    (None, "GET DATA 0045", 40),          // card identification number
    (Some(AppId::Common), "EF 0001", 40), // card serial, municipality
    (Some(AppId::Jpki), "EF 0006", 30),   // token serial
];

fn rank(it: &ExposureItem) -> u8 {
    SENSITIVITY
        .iter()
        .find(|(app, item, _)| *app == it.app && it.item == *item)
        .map_or(10, |(_, _, r)| *r)
}

fn tier(items: &[ExposureItem]) -> Tier {
    let mut sorted: Vec<&ExposureItem> = items.iter().collect();
    sorted.sort_by_key(|it| std::cmp::Reverse(rank(it)));
    Tier {
        count: items.len(),
        top: sorted
            .iter()
            .take(3)
            .map(|it| (it.label_ja.clone(), it.label_en.clone()))
            .collect(),
    }
}

pub fn verdict(r: &Report) -> Verdict {
    // The genuine-card check has its own line in the verdict.
    let genuine_codes = [
        FindingCode::CertificateNotGenuine,
        FindingCode::TestCard,
        FindingCode::CaCertificateUnknown,
    ];
    let mut attention: Vec<Attention> = r
        .findings
        .iter()
        .filter(|f| !genuine_codes.contains(&f.code))
        .map(|f| Attention {
            severity: f.severity,
            line: short(f, r),
        })
        .collect();
    attention.sort_by_key(|a| std::cmp::Reverse(a.severity));
    Verdict {
        genuine: genuine_line(r),
        attention,
        pins: r
            .applications
            .iter()
            .flat_map(|a| &a.pins)
            .filter(|p| p.secret == SecretKind::Memorised && p.status != PinStatus::Absent)
            .cloned()
            .collect(),
        no_secret: tier(&r.exposure.no_secret),
        card_surface: tier(&r.exposure.card_surface),
        pin_only: tier(&r.exposure.pin_only),
    }
}

fn pin_of<'r>(r: &'r Report, f: &Finding) -> Option<&'r Pin> {
    let app = r.applications.iter().find(|a| Some(a.id) == f.app)?;
    app.pins.iter().find(|p| Some(p.ef) == f.ef)
}

fn cert_of<'r>(r: &'r Report, f: &Finding) -> Option<(&'r str, &'r str, &'r CertificateDetails)> {
    let app = r.applications.iter().find(|a| Some(a.id) == f.app)?;
    let file = app.files.iter().find(|x| Some(x.ef) == f.ef)?;
    match &file.details {
        Some(Details::Certificate(c)) => Some((&file.label_ja, &file.label_en, c)),
        _ => None,
    }
}

fn app_names(r: &Report, f: &Finding) -> (String, String) {
    r.applications
        .iter()
        .find(|a| Some(a.id) == f.app)
        .map(|a| (a.name_ja.clone(), a.name_en.clone()))
        .unwrap_or_default()
}

/// One line per finding: what it is, and what to do.
fn short(f: &Finding, r: &Report) -> Text {
    let ef = f.ef.map(|e| format!(" (EF {e})")).unwrap_or_default();
    match f.code {
        code @ (FindingCode::PinBlocked | FindingCode::PinLow | FindingCode::PinNotSet) => {
            pin_short(code, pin_of(r, f), &ef)
        }
        code @ (FindingCode::CertificateExpired
        | FindingCode::CertificateExpiring
        | FindingCode::CertificateChainMismatch
        | FindingCode::CaCertificateExpired) => cert_short(code, cert_of(r, f), &ef),
        FindingCode::FaceAuthenticationCard => Text::new(
            "looks like a face-authentication card (no PINs) → nothing to do, unless you set PINs",
            "顔認証マイナンバーカード（暗証番号なし）のようです → 暗証番号を設定していなければ対応不要",
        ),
        FindingCode::ProtectedFileReadable => {
            let (app_ja, app_en) = app_names(r, f);
            Text::new(
                format!(
                    "{app_en}{ef}: readable without a secret, though it should be protected → see Findings below"
                ),
                format!(
                    "{app_ja}{ef}: 保護されるべきなのに暗証番号なしで読めます → 下の「要対応」を参照"
                ),
            )
        }
        FindingCode::SigningCertificateNotIssued => Text::new(
            "no signing certificate → apply at the municipal office if you need one (age 15+)",
            "署名用電子証明書なし → 必要なら市区町村の窓口で申請（15歳以上）",
        ),
        FindingCode::CardExpired => Text::new(
            "the card has expired → apply for a new card at the municipal office",
            "カードの有効期限切れ → 市区町村の窓口で新しいカードを申請",
        ),
        FindingCode::CertificateNotGenuine => Text::new(
            "NOT confirmed genuine: no J-LIS root verifies the certificate → see Findings below",
            "正規のカードと確認できません（J-LISのルートで署名を確認できない）→ 下の「要対応」を参照",
        ),
        FindingCode::TestCard => Text::new(
            "a JPKI test card (O=JPKI-TEST), not a person's card",
            "JPKIの試験用カード（O=JPKI-TEST）で、個人のカードではありません",
        ),
        FindingCode::CaCertificateUnknown => Text::new(
            "a CA certificate on the card is no J-LIS root this build knows → see Findings below",
            "カード内の認証局の証明書が既知のJ-LISルートと一致しません → 下の「要対応」を参照",
        ),
    }
}

/// The one line of a PIN finding (`PinBlocked`, `PinLow` or `PinNotSet`; [`short`] sends
/// no other code here), about `pin` when the report has it.
fn pin_short(code: FindingCode, pin: Option<&Pin>, ef: &str) -> Text {
    let (pja, pen) = pin.map_or((String::new(), String::new()), |p| {
        (p.label_ja.clone(), p.label_en.clone())
    });
    match code {
        FindingCode::PinBlocked
            if pin.is_some_and(|p| p.reading == Some(KeyReading::BlockedOrNeverSet)) =>
        {
            Text::new(
                format!("{pen}{ef}: blocked, or never set → reset it at the municipal office"),
                format!("{pja}{ef}: ロック中か未設定 → 市区町村の窓口で再設定"),
            )
        }
        FindingCode::PinBlocked => Text::new(
            format!("{pen}{ef}: blocked → reset it at the municipal office"),
            format!("{pja}{ef}: ロック中 → 市区町村の窓口で再設定"),
        ),
        FindingCode::PinLow => {
            let left = pin.and_then(|p| p.tries_remaining).unwrap_or_default();
            Text::new(
                format!(
                    "{pen}{ef}: {left} {} left → take care, or reset it",
                    if left == 1 { "try" } else { "tries" }
                ),
                format!("{pja}{ef}: 残り{left}回 → 入力に注意、または再設定"),
            )
        }
        // PinNotSet, the remaining PIN finding.
        _ => Text::new(
            format!("{pen}{ef}: not set (no certificate issued) → nothing to do"),
            format!("{pja}{ef}: 未設定（証明書なし）→ 対応不要"),
        ),
    }
}

/// The one line of a certificate finding (`CertificateExpired`, `CertificateExpiring`,
/// `CertificateChainMismatch` or `CaCertificateExpired`; [`short`] sends no other code
/// here), about `cert` (its labels and details) when the report has it.
fn cert_short(
    code: FindingCode,
    cert: Option<(&str, &str, &CertificateDetails)>,
    ef: &str,
) -> Text {
    let (cja, cen) = cert.map_or(("", ""), |(ja, en, _)| (ja, en));
    let days = cert.map_or(0, |(_, _, c)| c.days_until_expiry);
    match code {
        FindingCode::CertificateExpired => Text::new(
            format!("{cen}{ef}: expired → renew it at the municipal office"),
            format!("{cja}{ef}: 期限切れ → 市区町村の窓口で更新"),
        ),
        FindingCode::CertificateExpiring => Text::new(
            format!("{cen}{ef}: expires in {days} days → renew it at the municipal office"),
            format!("{cja}{ef}: あと{days}日で期限切れ → 市区町村の窓口で更新"),
        ),
        FindingCode::CertificateChainMismatch => Text::new(
            format!("{cen}{ef}: not signed by the card's own CA certificate → see Findings below"),
            format!(
                "{cja}{ef}: カード内の認証局の証明書で署名されていません → 下の「要対応」を参照"
            ),
        ),
        // CaCertificateExpired, the remaining certificate finding.
        _ => Text::new(
            format!(
                "{cen}{ef}: J-LIS's CA certificate on the card expired (not yours) → nothing to do"
            ),
            format!(
                "{cja}{ef}: カード内のJ-LIS認証局の証明書の期限切れ（あなたの証明書ではない）→ 対応不要"
            ),
        ),
    }
}

/// The genuine-card check in one line.
fn genuine_line(r: &Report) -> Option<Text> {
    let g = r.genuine.as_ref()?;
    let unknown_ca = r
        .findings
        .iter()
        .any(|f| f.code == FindingCode::CaCertificateUnknown);
    Some(match g {
        Genuineness::Genuine { generation, .. } if !unknown_ca => Text::new(
            format!("yes: the certificate verifies with J-LIS's generation-{generation} root"),
            format!("確認済み: 証明書の署名をJ-LISの第{generation}世代ルートで確認しました"),
        ),
        Genuineness::Genuine { .. } => Text::new(
            "the certificate is J-LIS's, but a CA certificate on the card is not → see Findings",
            "証明書はJ-LISのものですが、カード内の認証局の証明書が一致しません → 「要対応」を参照",
        ),
        Genuineness::TestHierarchy => Text::new(
            "a JPKI test card (O=JPKI-TEST), not a person's card",
            "JPKIの試験用カード（O=JPKI-TEST）で、個人のカードではありません",
        ),
        Genuineness::Generation2Unverifiable { .. } => Text::new(
            "NOT confirmed: generation-2 certificate, which this build cannot verify",
            "未確認: 第2世代の証明書で、このバージョンでは検証できません",
        ),
        Genuineness::DoesNotChain { .. } => Text::new(
            "NOT confirmed: no J-LIS root verifies the certificate (counterfeit, test or unknown card)",
            "確認できません: J-LISのルートで署名を確認できません（偽造・試験用・未知の世代）",
        ),
    })
}

/// Whether the card passed the genuine-card check.
pub fn is_genuine(r: &Report) -> bool {
    r.genuine.as_ref().is_some_and(Genuineness::is_genuine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ExposedItem;

    #[test]
    fn sensitivity_orders_the_tier_summary() {
        let item = |app, ef: u16, en: &str| ExposureItem {
            app,
            item: ExposedItem::Ef(crate::card::ids::Ef(ef)),
            label_ja: en.into(),
            label_en: en.into(),
            opened_by: vec![],
        };
        let t = tier(&[
            item(Some(AppId::Text), 0x0003, "integrity"),
            item(Some(AppId::Visual), 0x0002, "face"),
            item(Some(AppId::Text), 0x0001, "my number"),
        ]);
        assert_eq!(t.count, 3);
        let en: Vec<&str> = t.top.iter().map(|(_, e)| e.as_str()).collect();
        assert_eq!(en, ["my number", "face", "integrity"]);
    }

    fn pin(reading: Option<KeyReading>, tries: Option<u8>) -> Pin {
        Pin {
            ef: crate::card::ids::Ef(0x0018),
            label_ja: "暗証番号".into(),
            label_en: "PIN".into(),
            secret: SecretKind::Memorised,
            format: "4 digits".into(),
            max_tries: Some(3),
            tries_remaining: tries,
            blocked: tries == Some(0),
            status: PinStatus::Low,
            sw: crate::sw::StatusWord::new(0x63, 0xC1),
            reading,
        }
    }

    #[test]
    fn pin_lines_name_the_pin_and_its_tries() {
        let ef = " (EF 0018)";
        let low = pin_short(FindingCode::PinLow, Some(&pin(None, Some(1))), ef);
        assert_eq!(low.en, "PIN (EF 0018): 1 try left → take care, or reset it");
        assert_eq!(
            low.ja,
            "暗証番号 (EF 0018): 残り1回 → 入力に注意、または再設定"
        );
        let blocked = pin_short(FindingCode::PinBlocked, Some(&pin(None, Some(0))), ef);
        assert_eq!(
            blocked.en,
            "PIN (EF 0018): blocked → reset it at the municipal office"
        );
        let either = pin_short(
            FindingCode::PinBlocked,
            Some(&pin(Some(KeyReading::BlockedOrNeverSet), Some(0))),
            ef,
        );
        assert_eq!(
            either.en,
            "PIN (EF 0018): blocked, or never set → reset it at the municipal office"
        );
        // Without the PIN in the report: no label, and no tries counted.
        let bare = pin_short(FindingCode::PinLow, None, ef);
        assert_eq!(bare.en, " (EF 0018): 0 tries left → take care, or reset it");
        let not_set = pin_short(FindingCode::PinNotSet, None, "");
        assert_eq!(not_set.ja, ": 未設定（証明書なし）→ 対応不要");
    }

    #[test]
    fn certificate_lines_without_the_certificate_in_the_report() {
        let ef = " (EF 000A)";
        let expiring = cert_short(FindingCode::CertificateExpiring, None, ef);
        assert_eq!(
            expiring.en,
            " (EF 000A): expires in 0 days → renew it at the municipal office"
        );
        let expired = cert_short(FindingCode::CertificateExpired, None, ef);
        assert_eq!(expired.ja, " (EF 000A): 期限切れ → 市区町村の窓口で更新");
        let ca = cert_short(FindingCode::CaCertificateExpired, None, ef);
        assert!(ca.en.ends_with("(not yours) → nothing to do"), "{}", ca.en);
        let chain = cert_short(FindingCode::CertificateChainMismatch, None, ef);
        assert!(
            chain.en.contains("not signed by the card's own CA"),
            "{}",
            chain.en
        );
    }
}
