//! Findings: what needs the holder's attention, judged from the walked report. Pure.

use super::{AuditOptions, EXPIRY_WARNING_DAYS, Evidence, keys};
use crate::card::chipmap::{APPLICATIONS, AppSpec, CertRole, SecretKind};
use crate::decode::cert;
use crate::report::{
    AccessTier, Application, CertificateDetails, Details, FileReport, Finding, FindingCode,
    KeyReading, Pin, PinStatus, Report, Severity, Text,
};
use crate::sw::SwKind;
use crate::trust::{CaVerdict, Genuineness};

pub fn findings(report: &Report, ev: &Evidence, opts: &AuditOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let face = keys::looks_face_authentication(report);
    if face {
        out.push(face_authentication(report));
    }
    for app in &report.applications {
        let Some(spec) = APPLICATIONS.iter().find(|s| s.id == app.id) else {
            continue;
        };
        // On a card that looks face-authentication, the one finding above speaks for the keys.
        if !face {
            out.extend(app.pins.iter().filter_map(|p| pin_finding(spec, app, p)));
        }
        for f in &app.files {
            file_findings(&mut out, spec, app, f);
        }
        // The face-authentication finding already says no signing certificate is issued.
        if face {
            out.retain(|f| f.code != FindingCode::SigningCertificateNotIssued);
        }
    }
    out.extend(genuine_findings(report));
    if let Some((from, d)) = ev.expiries.iter().find(|(_, d)| *d < opts.as_of) {
        let d = cert::iso_date(*d);
        out.push(Finding {
            severity: Severity::Critical,
            code: FindingCode::CardExpired,
            message: Text::new(
                format!("The card expired on {d} ({from}). Apply for a new card at the municipal office."),
                format!("カードの有効期限が {d} に切れています（{from}）。市区町村の窓口で新しいカードを申請してください。"),
            ),
            app: None,
            ef: None,
        });
    }
    out
}

fn pin_finding(spec: &AppSpec, app: &Application, p: &Pin) -> Option<Finding> {
    let (reset, reset_ja) = spec.pin(p.ef.0).map_or(("", ""), |s| (s.reset, s.reset_ja));
    let who = format!(
        "{} {} {} (EF {})",
        spec.label(),
        p.label_en,
        p.label_ja,
        p.ef
    );
    let who_ja = format!("{}の{}（EF {}）", spec.name_ja, p.label_ja, p.ef);
    let sw = p.sw;
    let (severity, code, message) = match (p.status, p.reading) {
        (PinStatus::Blocked, Some(KeyReading::BlockedOrNeverSet)) => {
            let (why, why_ja) = if sw.kind() == SwKind::TriesLeft(0) {
                ("no tries left", "残り回数0")
            } else {
                ("not usable", "使用不可")
            };
            (
                Severity::Critical,
                FindingCode::PinBlocked,
                Text::new(
                    format!(
                        "{who} is blocked, or was never set (SW {sw}: {why}; a 顔認証マイナンバーカード has no PINs). \
                         If you set it, reset it at: {reset}."
                    ),
                    format!(
                        "{who_ja}はロックされているか、設定されていません（SW {sw}: {why_ja}。顔認証マイナンバーカードには暗証番号がありません）。\
                         設定した覚えがあれば、{reset_ja}で再設定してください。"
                    ),
                ),
            )
        }
        (PinStatus::Blocked, _) => (
            Severity::Critical,
            FindingCode::PinBlocked,
            Text::new(
                format!("{who} is blocked (SW {sw}). Reset it at: {reset}."),
                format!(
                    "{who_ja}はロックされています（SW {sw}）。{reset_ja}で再設定してください。"
                ),
            ),
        ),
        (PinStatus::NotSet, _) => (
            Severity::Notice,
            FindingCode::PinNotSet,
            Text::new(
                format!(
                    "{who} is not set (SW {sw}): the card says its certificate was never issued (JPKI EF 0008). \
                     Nothing to reset; it is set when the certificate is issued at the municipal office."
                ),
                format!(
                    "{who_ja}は設定されていません（SW {sw}）。対応する電子証明書が発行されていないとカードが示しています（JPKI EF 0008）。\
                     再設定は不要です。証明書を市区町村の窓口で発行するときに設定します。"
                ),
            ),
        ),
        (PinStatus::Low, _) => (
            Severity::Warning,
            FindingCode::PinLow,
            low_pin(p, &who, &who_ja, reset, reset_ja),
        ),
        _ => return None,
    };
    Some(Finding {
        severity,
        code,
        message,
        app: Some(app.id),
        ef: Some(p.ef),
    })
}

fn low_pin(p: &Pin, who: &str, who_ja: &str, reset: &str, reset_ja: &str) -> Text {
    let left = p.tries_remaining.unwrap_or_default();
    let of = p.max_tries.map(|m| format!(" of {m}")).unwrap_or_default();
    let of_ja = p
        .max_tries
        .map(|m| format!("（{m}回中）"))
        .unwrap_or_default();
    let (next, next_ja) = if left == 1 {
        (
            "the next wrong entry blocks it",
            "次に間違えるとロックされます",
        )
    } else {
        ("wrong entries have been made", "間違った入力がありました")
    };
    Text::new(
        format!(
            "{who} has {left}{of} tries left: {next}. A correct entry resets the count; \
             if it becomes blocked, reset it at: {reset}."
        ),
        format!(
            "{who_ja}の残り回数は{left}回です{of_ja}。{next_ja}。正しく入力すると回数は元に戻ります。\
             ロックされたら{reset_ja}で再設定してください。"
        ),
    )
}

fn face_authentication(report: &Report) -> Finding {
    let pins: Vec<String> = report
        .applications
        .iter()
        .flat_map(|a| a.pins.iter().map(move |p| (a, p)))
        .filter(|(_, p)| p.secret == SecretKind::Memorised && p.status != PinStatus::Absent)
        .map(|(a, p)| format!("{} EF {}", a.name_ja, p.ef))
        .collect();
    let pins = pins.join(", ");
    Finding {
        severity: Severity::Warning,
        code: FindingCode::FaceAuthenticationCard,
        message: Text::new(
            format!(
                "This card looks like a 顔認証マイナンバーカード (face-authentication card, issued since 2023-12 with no PINs): \
                 every PIN ({pins}) answers 6984 (not usable) and no signing certificate is issued. If you never set PINs, \
                 nothing is wrong; if you did, they are blocked: reset them at the municipal office (市区町村の窓口)."
            ),
            format!(
                "このカードは顔認証マイナンバーカード（2023年12月から交付、暗証番号なし）のようです。\
                 すべての暗証番号（{pins}）が6984（使用不可）を返し、署名用電子証明書は発行されていません。\
                 暗証番号を設定していなければ問題ありません。設定していた場合はロックされています。市区町村の窓口で再設定してください。"
            ),
        ),
        app: None,
        ef: None,
    }
}

fn file_findings(out: &mut Vec<Finding>, spec: &AppSpec, app: &Application, f: &FileReport) {
    let mut add = |severity, code, message| {
        out.push(Finding {
            severity,
            code,
            message,
            app: Some(app.id),
            ef: Some(f.ef),
        })
    };
    if f.readable_without_secret == Some(true)
        && matches!(f.access, AccessTier::Pin | AccessTier::CardSurface)
    {
        let sw = f.sw.map_or_else(|| "?".to_string(), |sw| sw.to_string());
        add(
            Severity::Warning,
            FindingCode::ProtectedFileReadable,
            Text::new(
                format!(
                    "{} EF {} {} ({}) should need a secret but answered {sw} to a read without one.",
                    spec.label(),
                    f.ef,
                    f.label_ja,
                    f.label_en,
                ),
                format!(
                    "{}のEF {}（{}）は暗証番号などが必要なはずですが、なしで読み出しに{sw}を返しました。",
                    spec.name_ja, f.ef, f.label_ja
                ),
            ),
        );
    }
    match &f.details {
        Some(Details::Certificate(c)) => cert_findings(&mut add, f, c),
        Some(Details::CertAvailability(av)) if !av.signing_certificate_issued => add(
            Severity::Notice,
            FindingCode::SigningCertificateNotIssued,
            Text::new(
                format!(
                    "No signing certificate (署名用電子証明書) is issued on this card (EF 0008 = {}). \
                     It is not issued to holders under 15; others can apply at the municipal office.",
                    av.raw
                ),
                format!(
                    "このカードには署名用電子証明書が発行されていません（EF 0008 = {}）。\
                     15歳未満には発行されません。それ以外の方は市区町村の窓口で申請できます。",
                    av.raw
                ),
            ),
        ),
        _ => {}
    }
}

fn cert_findings(
    add: &mut impl FnMut(Severity, FindingCode, Text),
    f: &FileReport,
    c: &CertificateDetails,
) {
    let what = format!("{} {} (EF {})", f.label_en, f.label_ja, f.ef);
    let what_ja = format!("{}（EF {}）", f.label_ja, f.ef);
    let until = &c.summary.not_after;
    if matches!(c.role, CertRole::AuthCa | CertRole::SignCa) {
        // J-LIS's certificate, the same on every card of its generation: never the holder's
        // to renew (docs/card-facts.md §9).
        if c.expired {
            let (gen_en, gen_ja) = match &c.jlis_ca {
                Some(CaVerdict::Jlis { generation, .. }) => (
                    format!(" (generation {generation})"),
                    format!("（第{generation}世代）"),
                ),
                Some(CaVerdict::Generation2Unverifiable { .. }) => (
                    " (generation 2, recognised)".into(),
                    "（第2世代と推定）".into(),
                ),
                _ => (String::new(), String::new()),
            };
            add(
                Severity::Notice,
                FindingCode::CaCertificateExpired,
                Text::new(
                    format!(
                        "The {what} is J-LIS's CA certificate{gen_en}, not yours; it expired on {until}. \
                         Nothing to renew: your own certificates are judged on their own dates."
                    ),
                    format!(
                        "{what_ja}はJ-LISの認証局の証明書{gen_ja}で、あなたの証明書ではありません。{until}に期限切れですが、\
                         更新の必要はありません。あなた自身の証明書はそれぞれの有効期限で判定しています。"
                    ),
                ),
            );
        }
        return;
    }
    let days = c.days_until_expiry;
    if c.expired {
        add(
            Severity::Critical,
            FindingCode::CertificateExpired,
            Text::new(
                format!(
                    "The {what} expired on {until} ({} days ago). Renew it at the municipal office.",
                    -days
                ),
                format!(
                    "{what_ja}は{until}に有効期限が切れています（{}日前）。市区町村の窓口で更新してください。",
                    -days
                ),
            ),
        );
    } else if days <= EXPIRY_WARNING_DAYS {
        add(
            Severity::Warning,
            FindingCode::CertificateExpiring,
            Text::new(
                format!(
                    "The {what} expires on {until} (in {days} days). Renewal is possible at the municipal office from 3 months before."
                ),
                format!(
                    "{what_ja}の有効期限は{until}です（あと{days}日）。期限の3か月前から市区町村の窓口で更新できます。"
                ),
            ),
        );
    }
    // A genuine certificate may be issued by a newer J-LIS root than the CA certificate the
    // card was personalised with (docs/card-facts.md §9): no mismatch to report then.
    // Generation 2 cannot be verified here: its own finding says so, and a personalised
    // generation-1 CA certificate beside it is expected, not a mismatch.
    let genuine = matches!(
        c.genuine,
        Some(Genuineness::Genuine { .. } | Genuineness::Generation2Unverifiable { .. })
    );
    if c.chains_to_card_ca == Some(false) && !genuine {
        add(
            Severity::Warning,
            FindingCode::CertificateChainMismatch,
            Text::new(
                format!("The {what} is not signed by the CA certificate read from the same card."),
                format!("{what_ja}は、同じカードから読んだ認証局の証明書で署名されていません。"),
            ),
        );
    }
}

/// The genuine-card check, one finding for the card: the authentication certificate (the
/// holder certificate anyone can read) against the pinned J-LIS roots, and the on-card CA
/// certificates by key (docs/genuine.md).
fn genuine_findings(report: &Report) -> Option<Finding> {
    let unknown_cas = unknown_ca_files(report);
    let (cas, cas_ja) = unknown_ca_sentence(&unknown_cas);
    let jpki = Some(crate::card::chipmap::AppId::Jpki);
    let (severity, code, message) = match &report.genuine {
        Some(Genuineness::Genuine { .. }) if unknown_cas.is_empty() => return None,
        Some(Genuineness::TestHierarchy) => (
            Severity::Notice,
            FindingCode::TestCard,
            Text::new(
                "The certificates are from J-LIS's test hierarchy (O=JPKI-TEST): this is a test card, not a person's card.",
                "証明書はJ-LISの試験用（O=JPKI-TEST）です。個人のカードではなく試験用カードです。",
            ),
        ),
        Some(g @ Genuineness::Genuine { .. }) => (
            Severity::Warning,
            FindingCode::CaCertificateUnknown,
            Text::new(
                format!(
                    "The authentication certificate is genuine ({}).{cas}",
                    g.english()
                ),
                format!(
                    "利用者証明用電子証明書は正規のものです（{}）。{cas_ja}",
                    g.japanese()
                ),
            ),
        ),
        Some(g) => (
            Severity::Warning,
            FindingCode::CertificateNotGenuine,
            Text::new(
                format!(
                    "Genuine-card check: the authentication certificate (EF 000A) {}{cas}",
                    lower_first(&g.english())
                ),
                format!(
                    "真正性の確認: 利用者証明用電子証明書（EF 000A）について、{}{cas_ja}",
                    g.japanese()
                ),
            ),
        ),
        None if unknown_cas.is_empty() => return None,
        None => (
            Severity::Warning,
            FindingCode::CaCertificateUnknown,
            Text::new(cas.trim_start(), cas_ja),
        ),
    };
    Some(Finding {
        severity,
        code,
        message,
        app: jpki,
        ef: None,
    })
}

/// The on-card CA certificates that are no J-LIS root this build knows (`EF 000B`, ...).
fn unknown_ca_files(report: &Report) -> Vec<String> {
    report
        .applications
        .iter()
        .flat_map(|a| &a.files)
        .filter(|f| {
            matches!(&f.details, Some(Details::Certificate(c)) if c.jlis_ca == Some(CaVerdict::Unknown))
        })
        .map(|f| format!("EF {}", f.ef))
        .collect()
}

/// The sentence about unknown CA certificates, in English (with a leading space) and
/// Japanese; empty when there are none.
fn unknown_ca_sentence(unknown: &[String]) -> (String, String) {
    if unknown.is_empty() {
        return (String::new(), String::new());
    }
    let list = unknown.join(", ");
    let generations = pinned_generations();
    (
        format!(
            " The CA certificates on the card ({list}) are not J-LIS roots this build knows (compared by key, \
             not by name; pinned: generations {generations})."
        ),
        format!(
            "カード内の認証局の証明書（{list}）は、このバージョンが知るJ-LISのルート証明書ではありません（名前ではなく鍵で照合。収録: 第{}世代）。",
            generations.replace(" and ", "・")
        ),
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn pinned_generations() -> String {
    let mut g: Vec<u8> = crate::trust::roots::pinned_generations()
        .map(|(_, g)| g)
        .collect();
    g.sort_unstable();
    g.dedup();
    let g: Vec<String> = g.iter().map(u8::to_string).collect();
    g.join(" and ")
}
