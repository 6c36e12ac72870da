//! The text renderer: the report for a person, Japanese and English side by side.
//! Everything that came from the card is passed through [`clean`] first.

use std::fmt::Write as _;

use super::*;

/// Escapes control characters (card data is untrusted: never let it move the cursor).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Terminal styles, applied only when colour is on (the caller decides: a terminal,
/// and NO_COLOR/CLICOLOR allow it).
struct Style {
    color: bool,
}

const HEAD: anstyle::Style = anstyle::Style::new().bold();
const CRITICAL: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
const WARNING: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
const NOTICE: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Cyan)));

impl Style {
    fn paint(&self, style: anstyle::Style, s: &str) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }
    fn head(&self, s: &str) -> String {
        self.paint(HEAD, s)
    }
    fn severity(&self, sev: Severity) -> String {
        match sev {
            Severity::Critical => self.paint(CRITICAL, "[critical]"),
            Severity::Warning => self.paint(WARNING, "[warning] "),
            Severity::Notice => self.paint(NOTICE, "[notice]  "),
        }
    }
}

fn app_label(id: AppId) -> String {
    crate::card::chipmap::APPLICATIONS
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.label())
        .unwrap_or_default()
}

fn access_label(a: AccessTier) -> &'static str {
    match a {
        AccessTier::Free => "free",
        AccessTier::CardSurface => "card-surface",
        AccessTier::Pin => "PIN",
        AccessTier::Never => "never",
        AccessTier::Unknown => "unknown",
    }
}

fn pin_status(p: &Pin) -> String {
    match p.status {
        PinStatus::Ok => "ok".into(),
        PinStatus::Low => "LOW".into(),
        PinStatus::Blocked if p.reading == Some(KeyReading::BlockedOrNeverSet) => {
            "BLOCKED or never set".into()
        }
        PinStatus::Blocked => "BLOCKED".into(),
        PinStatus::NotSet => "not set (no certificate)".into(),
        PinStatus::BlockedAtIssue => "blocked at issue (normal)".into(),
        PinStatus::NotReported => "not reported (9000)".into(),
        PinStatus::NoLimit => "no retry limit".into(),
        PinStatus::Absent => format!("absent ({})", p.sw),
        PinStatus::Unknown => format!("unrecognised answer {}", p.sw),
    }
}

fn tries(p: &Pin) -> String {
    match (p.tries_remaining, p.max_tries) {
        (Some(n), Some(m)) => format!("{n}/{m}"),
        (Some(n), None) => format!("{n}/?"),
        (None, Some(m)) => format!("-/{m}"),
        (None, None) => "-".into(),
    }
}

fn readable(f: &FileReport) -> String {
    let sw = f.sw.map(|sw| sw.to_string()).unwrap_or_default();
    match (f.present, f.readable_without_secret) {
        (None, _) => "not probed (key)".into(),
        // Only 6A82 says the file is not there; any other answer to SELECT is shown as it is.
        (Some(false), _) if f.sw == Some(StatusWord(0x6A82)) => format!("absent ({sw})"),
        (Some(false), _) => format!("SELECT: {sw}"),
        (Some(true), Some(true)) => match f.size {
            Some(n) => format!("YES, {n} bytes"),
            None => format!("YES ({sw})"),
        },
        (Some(true), Some(false)) => format!("no ({sw})"),
        (Some(true), None) => "-".into(),
    }
}

fn details(out: &mut String, d: &Details) {
    let line = |out: &mut String, s: String| {
        let _ = writeln!(out, "{:14}{}", "", clean(&s));
    };
    match d {
        Details::Certificate(c) => {
            line(out, format!("subject  {}", c.summary.subject));
            line(out, format!("issuer   {}", c.summary.issuer));
            line(out, format!("serial   {}", c.summary.serial));
            let left = if c.expired {
                format!("EXPIRED {} days ago", -c.days_until_expiry)
            } else {
                format!("{} days left", c.days_until_expiry)
            };
            line(
                out,
                format!(
                    "valid    {} to {} ({left})",
                    c.summary.not_before, c.summary.not_after
                ),
            );
            let bits = c
                .summary
                .key_bits
                .map(|b| format!(" {b}"))
                .unwrap_or_default();
            line(
                out,
                format!(
                    "key      {}{bits}, signed with {}",
                    c.summary.key_algorithm, c.summary.signature_algorithm
                ),
            );
            if let Some(g) = &c.genuine {
                line(out, format!("J-LIS    {}", g.english()));
            }
            if let Some(v) = &c.jlis_ca {
                line(out, format!("J-LIS    {}", v.english()));
            }
            if let Some(ok) = c.chains_to_card_ca {
                line(
                    out,
                    format!(
                        "chain    {}",
                        if ok {
                            "signed by the CA certificate on this card"
                        } else {
                            "NOT signed by the CA certificate on this card"
                        }
                    ),
                );
            }
        }
        Details::TokenInfo(t) => {
            line(out, format!("label    {} = {}", t.label, t.token));
            line(out, format!("model    {} / {}", t.manufacturer, t.model));
            line(out, format!("serial   {}", t.serial));
        }
        Details::CertAvailability(a) => {
            let yn = |b: bool| if b { "issued" } else { "NOT issued" };
            line(
                out,
                format!(
                    "signing certificate (署名用) {}; authentication certificate (利用者証明用) {} [{}]",
                    yn(a.signing_certificate_issued),
                    yn(a.authentication_certificate_issued),
                    a.raw
                ),
            );
        }
        Details::CardInfo(c) => {
            line(
                out,
                format!(
                    "card serial {}  municipality {}  card expiry {}",
                    c.card_serial, c.municipality_code, c.card_expiry
                ),
            );
        }
        Details::ApBasicInfo(b) => {
            let mut parts = Vec::new();
            if let Some(v) = &b.ap_id {
                parts.push(format!("AP id {v}"));
            }
            if let Some(v) = &b.key_id {
                parts.push(format!("key id {v}"));
            }
            if let Some(v) = &b.municipality_code {
                parts.push(format!("municipality code (全国地方公共団体コード) {v}"));
            }
            line(out, parts.join("  "));
        }
        Details::CvCertificate(c) => {
            let bits = c.key_bits.map(|b| format!(", RSA {b}")).unwrap_or_default();
            line(
                out,
                format!(
                    "issuer key {}  subject key {}{bits}",
                    c.issuer_key_id, c.subject_key_id
                ),
            );
        }
    }
}

pub fn render(r: &Report, color: bool) -> String {
    let st = Style { color };
    let mut o = String::new();
    header(&mut o, r, &st);
    if let Some(mf) = &r.master_file {
        master_file(&mut o, mf, &st);
    }
    for app in &r.applications {
        application(&mut o, app, &st);
    }
    if r.is_my_number_card {
        exposure(&mut o, r, &st);
        findings(&mut o, r, &st);
    }
    tail(o, r, &st)
}

fn header(o: &mut String, r: &Report, st: &Style) {
    let _ = writeln!(
        o,
        "{}",
        st.head(&format!(
            "myna-audit {} — My Number Card audit (マイナンバーカード監査)",
            r.tool.version
        ))
    );
    let _ = writeln!(o, "Reader:  {}", clean(&r.reader.name));
    let _ = writeln!(o, "ATR:     {}", r.reader.atr);
    if let Some(fx) = &r.source.fixture {
        let _ = writeln!(
            o,
            "Source:  replay of {} ({})",
            clean(fx),
            r.source.fixture_kind.as_deref().unwrap_or("?")
        );
    }
    let _ = writeln!(
        o,
        "As of:   {}{}",
        r.as_of,
        if r.identifiers_masked {
            "   (identifiers masked; --show-identifiers shows them)"
        } else {
            "   (identifiers shown)"
        }
    );
    if !r.is_my_number_card {
        let _ = writeln!(
            o,
            "\nThis card did not answer as a My Number Card (no JPKI application)."
        );
    }
}

fn master_file(o: &mut String, mf: &MasterFile, st: &Style) {
    let _ = writeln!(
        o,
        "\n{}",
        st.head(&format!(
            "■ Master file (MF, GET DATA without secret)   SELECT ISD: {}",
            mf.select_sw
        ))
    );
    for obj in &mf.objects {
        let v = obj
            .value
            .as_deref()
            .map(clean)
            .unwrap_or_else(|| format!("({})", obj.sw));
        let _ = writeln!(
            o,
            "  {}  {:<28} {} / {}",
            obj.tag, v, obj.label_ja, obj.label_en
        );
    }
}

fn application(o: &mut String, app: &Application, st: &Style) {
    let state = if app.present {
        format!("present ({})", app.select_sw)
    } else {
        format!("ABSENT ({})", app.select_sw)
    };
    let _ = writeln!(
        o,
        "\n{}",
        st.head(&format!(
            "■ {}  AID {}  {}",
            app_label(app.id),
            app.aid,
            state
        ))
    );
    if let Some(n) = &app.note {
        let _ = writeln!(o, "  note: {n}");
    }
    if !app.pins.is_empty() {
        let _ = writeln!(
            o,
            "  PINs and keys (暗証番号・照合番号)   [tries left / limit, read without spending a try]"
        );
        for p in &app.pins {
            let _ = writeln!(
                o,
                "    {}  {:<6} {:<26} {} / {}",
                p.ef,
                tries(p),
                pin_status(p),
                p.label_ja,
                p.label_en
            );
        }
    }
    if !app.files.is_empty() {
        let _ = writeln!(o, "  Files (EF)   access        read without a secret");
        for f in &app.files {
            let _ = writeln!(
                o,
                "    {}      {:<13} {:<20} {} / {}",
                f.ef,
                access_label(f.access),
                readable(f),
                f.label_ja,
                f.label_en
            );
            if let Some(d) = &f.details {
                details(o, d);
            }
            if let Some(p) = &f.problem {
                let _ = writeln!(o, "{:14}problem: {}", "", clean(p));
            }
        }
    }
}

fn exposure_tier(o: &mut String, title: &str, items: &[ExposureItem], empty: &str) {
    let _ = writeln!(o, "  {title}");
    if items.is_empty() {
        let _ = writeln!(o, "      {empty}");
    }
    for it in items {
        let app = it
            .app
            .map(app_label)
            .unwrap_or_else(|| "Master file (MF)".into());
        let by = if it.opened_by.is_empty() {
            String::new()
        } else {
            format!("  <- {}", it.opened_by.join(" or "))
        };
        let _ = writeln!(
            o,
            "      - {app} {}: {} / {}{by}",
            it.item, it.label_ja, it.label_en
        );
    }
}

fn exposure(o: &mut String, r: &Report, st: &Style) {
    let _ = writeln!(
        o,
        "\n{}",
        st.head("■ Exposure summary (このカードから読めるもの)")
    );
    exposure_tier(
        o,
        "1. Anyone holding the card, no secret (カードを持つ誰でも):",
        &r.exposure.no_secret,
        "nothing",
    );
    exposure_tier(
        o,
        "2. Anyone who also reads the printed card (券面の記載事項で): 照合番号A = the My Number on the back;\n     照合番号B = birth date + expiry year + security code on the front:",
        &r.exposure.card_surface,
        "nothing found on this card",
    );
    exposure_tier(
        o,
        "3. Only with a memorised PIN or password (暗証番号が必要):",
        &r.exposure.pin_only,
        "nothing found on this card",
    );
    if r.error.is_some() {
        let _ = writeln!(
            o,
            "  (the audit stopped early: this covers only what was read)"
        );
    }
}

fn findings(o: &mut String, r: &Report, st: &Style) {
    let _ = writeln!(o, "\n{}", st.head("■ Findings (要対応)"));
    if r.findings.is_empty() && r.error.is_none() {
        let _ = writeln!(o, "  No findings: nothing needs attention.");
    } else if r.findings.is_empty() {
        let _ = writeln!(o, "  None in what was read before the audit stopped.");
    }
    for f in &r.findings {
        let _ = writeln!(o, "  {} {}", st.severity(f.severity), f.message);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n{}", st.head("■ Notes"));
        for n in &r.notes {
            let _ = writeln!(o, "  - {n}");
        }
    }
}

/// APDU count and, for an interrupted audit, the error.
fn tail(mut o: String, r: &Report, st: &Style) -> String {
    let _ = writeln!(o, "\nAPDUs sent: {}", r.apdu_count);
    if let Some(e) = &r.error {
        let _ = writeln!(
            o,
            "\n{}",
            st.paint(
                CRITICAL,
                &format!("AUDIT INCOMPLETE [{}]: {}", e.code, e.message)
            )
        );
        let _ = writeln!(o, "  {}", e.hint);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typical() -> Report {
        use crate::audit::{AuditOptions, run};
        use crate::card::Session;
        use crate::fixture::Fixture;
        use crate::transport::ReadOnly;
        use crate::transport::replay::Replayer;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pin-blocked.fixture");
        let fixture = Fixture::load(std::path::Path::new(path)).unwrap();
        let mut s = Session::new(ReadOnly::new(Replayer::new(&fixture, "pin-blocked")));
        let opts = AuditOptions {
            as_of: time::macros::date!(2026 - 06 - 01),
            show_identifiers: false,
            source: Source {
                kind: SourceKind::Replay,
                fixture: None,
                fixture_kind: None,
            },
            redacted_certificates: Vec::new(),
        };
        run(&mut s, &opts).report
    }

    #[test]
    fn colour_only_adds_styles() {
        let r = typical();
        let plain = render(&r, false);
        let coloured = render(&r, true);
        assert!(!plain.contains('\x1b'));
        assert!(coloured.contains("\x1b[1m\x1b[31m[critical]"), "{coloured}");
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
    }

    #[test]
    fn clean_escapes_terminal_controls() {
        assert_eq!(clean("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("行\n"), "行\\u{a}");
        assert_eq!(clean("plain"), "plain");
    }
}
