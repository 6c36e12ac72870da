//! The text renderer: the report for a person. It opens with the verdict (the answers a
//! holder came for, [`super::verdict`]), then the full inventory. Japanese, English, or
//! both side by side ([`Lang`]); technical terms (EF ids, AIDs, status words) stay as they
//! are in every language. Everything that came from the card is passed through [`clean`],
//! and lines are wrapped to [`WIDTH`] columns.

use std::fmt::Write as _;

use super::verdict::{self, Tier, Verdict};
use super::*;

/// The widest line the text report prints (display columns; CJK characters count two).
pub const WIDTH: usize = 100;

/// Makes untrusted text safe to print: the crate's one sanitizer ([`crate::sanitize`]).
pub fn clean(s: &str) -> String {
    crate::sanitize::sanitize(s)
}

/// How the text report is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Terminal colours (the caller decides: a terminal, and NO_COLOR/CLICOLOR allow it).
    pub color: bool,
    pub lang: Lang,
}

const HEAD: anstyle::Style = anstyle::Style::new().bold();
const CRITICAL: anstyle::Style = anstyle::Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
const WARNING: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
const NOTICE: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Cyan)));
const GOOD: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Green)));

/// The renderer's context: style and language.
struct Ctx {
    color: bool,
    lang: Lang,
}

impl Ctx {
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
        let (style, tag) = match (sev, self.lang) {
            (Severity::Critical, Lang::Ja) => (CRITICAL, "[重大]    "),
            (Severity::Warning, Lang::Ja) => (WARNING, "[警告]    "),
            (Severity::Notice, Lang::Ja) => (NOTICE, "[お知らせ]"),
            (Severity::Critical, _) => (CRITICAL, "[critical]"),
            (Severity::Warning, _) => (WARNING, "[warning] "),
            (Severity::Notice, _) => (NOTICE, "[notice]  "),
        };
        self.paint(style, tag)
    }
    /// Picks the wording for the language: `both` is the side-by-side form.
    fn l<'a>(&self, both: &'a str, en: &'a str, ja: &'a str) -> &'a str {
        match self.lang {
            Lang::Both => both,
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
    /// A label the model has in both languages.
    fn label(&self, ja: &str, en: &str) -> String {
        match self.lang {
            Lang::Both => format!("{ja} / {en}"),
            Lang::En => en.to_string(),
            Lang::Ja => ja.to_string(),
        }
    }
    /// A sentence: Japanese, English, or both (Japanese first).
    fn text(&self, t: &Text) -> String {
        match self.lang {
            Lang::Both if t.ja != t.en => format!("{}\n{}", t.ja, t.en),
            Lang::Ja => t.ja.clone(),
            _ => t.en.clone(),
        }
    }
    fn app_label(&self, id: AppId) -> String {
        crate::card::chipmap::APPLICATIONS
            .iter()
            .find(|a| a.id == id)
            .map(|a| match self.lang {
                Lang::Both => a.label(),
                Lang::En => a.name_en.to_string(),
                Lang::Ja => a.name_ja.to_string(),
            })
            .unwrap_or_default()
    }
}

fn access_label(a: AccessTier, c: &Ctx) -> &'static str {
    match (a, c.lang) {
        (AccessTier::Free, Lang::Ja) => "なし",
        (AccessTier::CardSurface, Lang::Ja) => "券面の記載",
        (AccessTier::Pin, Lang::Ja) => "暗証番号",
        (AccessTier::Never, Lang::Ja) => "読めない",
        (AccessTier::Unknown, Lang::Ja) => "不明",
        (AccessTier::Free, _) => "free",
        (AccessTier::CardSurface, _) => "card-surface",
        (AccessTier::Pin, _) => "PIN",
        (AccessTier::Never, _) => "never",
        (AccessTier::Unknown, _) => "unknown",
    }
}

fn pin_status(p: &Pin, c: &Ctx) -> String {
    let ja = c.lang == Lang::Ja;
    let s = |en: &str, jp: &str| if ja { jp.to_string() } else { en.to_string() };
    match p.status {
        PinStatus::Ok => s("ok", "正常"),
        PinStatus::Low => s("LOW", "残りわずか"),
        PinStatus::Blocked if p.reading == Some(KeyReading::BlockedOrNeverSet) => {
            s("BLOCKED or never set", "ロック中か未設定")
        }
        PinStatus::Blocked => s("BLOCKED", "ロック中"),
        PinStatus::NotSet => s("not set (no certificate)", "未設定（証明書なし）"),
        PinStatus::BlockedAtIssue => s("blocked at issue (normal)", "交付時からロック（正常）"),
        PinStatus::NotReported => s("not reported (9000)", "回数の応答なし (9000)"),
        PinStatus::NoLimit => s("no retry limit", "回数制限なし"),
        PinStatus::Absent if ja => format!("なし ({})", p.sw),
        PinStatus::Absent => format!("absent ({})", p.sw),
        PinStatus::Unknown if ja => format!("想定外の応答 {}", p.sw),
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

fn readable(f: &FileReport, c: &Ctx) -> String {
    let sw = f.sw.map(|sw| sw.to_string()).unwrap_or_default();
    let ja = c.lang == Lang::Ja;
    match (f.present, f.readable_without_secret) {
        (None, _) if ja => "読まない（鍵）".into(),
        (None, _) => "not probed (key)".into(),
        // Only 6A82 says the file is not there; any other answer to SELECT is shown as it is.
        (Some(false), _) if f.sw == Some(StatusWord(0x6A82)) => {
            format!("{} ({sw})", if ja { "なし" } else { "absent" })
        }
        (Some(false), _) => format!("SELECT: {sw}"),
        (Some(true), Some(true)) => match f.size {
            Some(n) if ja => format!("読める、{n}バイト"),
            Some(n) => format!("YES, {n} bytes"),
            None => format!("{} ({sw})", if ja { "読める" } else { "YES" }),
        },
        (Some(true), Some(false)) => format!("{} ({sw})", if ja { "読めない" } else { "no" }),
        (Some(true), None) => "-".into(),
    }
}

fn certificate(out: &mut String, cert: &CertificateDetails, c: &Ctx) {
    let line = |out: &mut String, key: (&str, &str), s: String| {
        let k = if c.lang == Lang::Ja { key.1 } else { key.0 };
        let _ = writeln!(out, "{:14}{k} {}", "", clean(&s));
    };
    let sm = &cert.summary;
    line(out, ("subject ", "主体者  "), sm.subject.clone());
    line(out, ("issuer  ", "発行者  "), sm.issuer.clone());
    line(out, ("serial  ", "シリアル"), sm.serial.clone());
    let days = cert.days_until_expiry;
    let left = match (cert.expired, c.lang) {
        (true, Lang::Ja) => format!("{}日前に期限切れ", -days),
        (true, _) => format!("EXPIRED {} days ago", -days),
        (false, Lang::Ja) => format!("残り{days}日"),
        (false, _) => format!("{days} days left"),
    };
    let to = c.l("to", "to", "〜");
    line(
        out,
        ("valid   ", "有効期間"),
        format!("{} {to} {} ({left})", sm.not_before, sm.not_after),
    );
    let bits = sm.key_bits.map(|b| format!(" {b}")).unwrap_or_default();
    let signed = c.l("signed with", "signed with", "署名");
    line(
        out,
        ("key     ", "鍵      "),
        format!(
            "{}{bits}, {signed} {}",
            sm.key_algorithm, sm.signature_algorithm
        ),
    );
    if let Some(g) = &cert.genuine {
        line(
            out,
            ("J-LIS   ", "J-LIS   "),
            c.text(&Text::new(g.english(), g.japanese()))
                .replace('\n', " / "),
        );
    }
    if let Some(v) = &cert.jlis_ca {
        line(
            out,
            ("J-LIS   ", "J-LIS   "),
            c.text(&Text::new(v.english(), v.japanese()))
                .replace('\n', " / "),
        );
    }
    if let Some(ok) = cert.chains_to_card_ca {
        let s = match (ok, c.lang) {
            (true, Lang::Ja) => "このカードの認証局の証明書で署名されています",
            (false, Lang::Ja) => "このカードの認証局の証明書で署名されていません",
            (true, _) => "signed by the CA certificate on this card",
            (false, _) => "NOT signed by the CA certificate on this card",
        };
        line(out, ("chain   ", "証明書連鎖"), s.to_string());
    }
}

fn details(out: &mut String, d: &Details, c: &Ctx) {
    let line = |out: &mut String, s: String| {
        let _ = writeln!(out, "{:14}{}", "", clean(&s));
    };
    match d {
        Details::Certificate(cert) => certificate(out, cert, c),
        Details::TokenInfo(t) => {
            line(out, format!("label    {} = {}", t.label, t.token));
            line(out, format!("model    {} / {}", t.manufacturer, t.model));
            line(out, format!("serial   {}", t.serial));
        }
        Details::CertAvailability(a) => {
            let yn = |b: bool| match (b, c.lang) {
                (true, Lang::Ja) => "発行済み",
                (false, Lang::Ja) => "未発行",
                (true, _) => "issued",
                (false, _) => "NOT issued",
            };
            let (sign, auth) = match c.lang {
                Lang::Ja => ("署名用電子証明書", "利用者証明用電子証明書"),
                Lang::En => ("signing certificate", "authentication certificate"),
                Lang::Both => (
                    "signing certificate (署名用)",
                    "authentication certificate (利用者証明用)",
                ),
            };
            line(
                out,
                format!(
                    "{sign} {}; {auth} {} [{}]",
                    yn(a.signing_certificate_issued),
                    yn(a.authentication_certificate_issued),
                    a.raw
                ),
            );
        }
        Details::CardInfo(ci) => line(
            out,
            format!(
                "card serial {}  municipality {}  card expiry {}",
                ci.card_serial, ci.municipality_code, ci.card_expiry
            ),
        ),
        Details::ApBasicInfo(b) => line(out, b.labelled().join("  ")),
        Details::CvCertificate(cv) => {
            let bits = cv
                .key_bits
                .map(|b| format!(", RSA {b}"))
                .unwrap_or_default();
            line(
                out,
                format!(
                    "issuer key {}  subject key {}{bits}",
                    cv.issuer_key_id, cv.subject_key_id
                ),
            );
        }
    }
}

/// Renders the whole report, Japanese and English side by side.
pub fn render(r: &Report, color: bool) -> String {
    render_with(
        r,
        &TextOptions {
            color,
            lang: Lang::Both,
        },
    )
}

/// Renders the whole report: header, verdict, inventory, findings, notes.
pub fn render_with(r: &Report, opts: &TextOptions) -> String {
    let c = Ctx {
        color: opts.color,
        lang: opts.lang,
    };
    let mut o = String::new();
    header(&mut o, r, &c);
    if r.is_my_number_card {
        verdict_block(&mut o, r, &c);
    }
    if let Some(mf) = &r.master_file {
        master_file(&mut o, mf, &c);
    }
    for app in &r.applications {
        application(&mut o, app, &c);
    }
    if r.is_my_number_card {
        exposure(&mut o, r, &c);
        findings(&mut o, r, &c);
    }
    wrap(&tail(o, r, &c))
}

/// Pads to `width` display columns (CJK characters count two), so columns line up in
/// every language.
fn pad(s: &str, width: usize) -> String {
    let w = textwrap::core::display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Wraps lines wider than [`WIDTH`], continuing under their own indentation.
fn wrap(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 256);
    for line in s.lines() {
        if textwrap::core::display_width(line) <= WIDTH {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let indent = " ".repeat((lead + 4).min(24));
        let opts = textwrap::Options::new(WIDTH)
            .subsequent_indent(&indent)
            .break_words(true);
        for part in textwrap::wrap(line, opts) {
            out.push_str(part.trim_end());
            out.push('\n');
        }
    }
    out
}

fn header(o: &mut String, r: &Report, c: &Ctx) {
    let title = c.l(
        "My Number Card audit (マイナンバーカード監査)",
        "My Number Card audit",
        "マイナンバーカード監査",
    );
    let _ = writeln!(
        o,
        "{}",
        c.head(&format!("myna-audit {} — {title}", r.tool.version))
    );
    let _ = writeln!(
        o,
        "{} {}",
        c.l("Reader: ", "Reader: ", "リーダー:"),
        clean(&r.reader.name)
    );
    let _ = writeln!(o, "ATR:     {}", r.reader.atr);
    if let Some(fx) = &r.source.fixture {
        let kind = r.source.fixture_kind.as_deref().unwrap_or("?");
        let _ = match c.lang {
            Lang::Ja => writeln!(o, "入力:    記録ファイル {} の再生 ({kind})", clean(fx)),
            _ => writeln!(o, "Source:  replay of {} ({kind})", clean(fx)),
        };
    }
    let masked = match (r.identifiers_masked, c.lang) {
        (true, Lang::Ja) => "   （識別番号は伏せています。--show-identifiers で表示）",
        (false, Lang::Ja) => "   （識別番号を表示しています）",
        (true, _) => "   (identifiers masked; --show-identifiers shows them)",
        (false, _) => "   (identifiers shown)",
    };
    let _ = writeln!(
        o,
        "{} {}{masked}",
        c.l("As of:  ", "As of:  ", "判定日:"),
        r.as_of
    );
    if !r.is_my_number_card {
        let _ = writeln!(
            o,
            "\n{}",
            c.l(
                "This card did not answer as a My Number Card (no JPKI application).",
                "This card did not answer as a My Number Card (no JPKI application).",
                "このカードはマイナンバーカードとして応答しませんでした（公的個人認証APがありません）。"
            )
        );
    }
}

/// The first screen: genuine or not, what needs attention, PINs, what a finder reads.
fn verdict_block(o: &mut String, r: &Report, c: &Ctx) {
    let v = verdict::verdict(r);
    let _ = writeln!(
        o,
        "\n{}",
        c.head(c.l("■ Verdict (結論)", "■ Verdict", "■ 結論"))
    );
    let genuine = match (
        &v.genuine,
        r.genuine.as_ref().is_some_and(|g| g.is_genuine()),
    ) {
        (Some(t), true) => c.paint(GOOD, &c.text(t).replace('\n', " / ")),
        (Some(t), false) => c.text(t).replace('\n', " / "),
        (None, _) => c
            .l(
                "Not checked: the authentication certificate was not read or cannot verify.",
                "Not checked: the authentication certificate was not read or cannot verify.",
                "未確認: 利用者証明用電子証明書を読めなかったか、検証できません。",
            )
            .to_string(),
    };
    let _ = writeln!(
        o,
        "  {} {genuine}",
        c.l("Genuine (真正性):", "Genuine:", "真正性:")
    );
    attention(o, &v, r, c);
    pins_line(o, &v, c);
    tier_line(
        o,
        c,
        c.l(
            "Finder, no secret (拾った人が暗証番号なしで)",
            "Finder, no secret",
            "拾った人が暗証番号なしで",
        ),
        &v.no_secret,
    );
    tier_line(
        o,
        c,
        c.l(
            "Finder with the printed card (券面の記載で)",
            "Finder with the printed card",
            "券面の記載で",
        ),
        &v.card_surface,
    );
    tier_line(
        o,
        c,
        c.l(
            "Only with a PIN (暗証番号でのみ)",
            "Only with a PIN",
            "暗証番号でのみ",
        ),
        &v.pin_only,
    );
}

fn attention(o: &mut String, v: &Verdict, r: &Report, c: &Ctx) {
    if v.attention.is_empty() {
        let s = if r.error.is_some() {
            c.l(
                "Attention (要対応): none in what was read before the audit stopped.",
                "Attention: none in what was read before the audit stopped.",
                "要対応: 中断までに読んだ範囲ではありません。",
            )
        } else if !r.findings.is_empty() {
            c.l(
                "Attention (要対応): nothing else needs attention.",
                "Attention: nothing else needs attention.",
                "要対応: ほかにはありません。",
            )
        } else {
            c.l(
                "Attention (要対応): nothing needs attention.",
                "Attention: nothing needs attention.",
                "要対応: ありません。",
            )
        };
        let _ = writeln!(o, "  {s}");
        return;
    }
    let _ = writeln!(
        o,
        "  {}",
        c.l("Attention (要対応):", "Attention:", "要対応:")
    );
    // At most six lines here; the Findings section has them all.
    let shown = if v.attention.len() > 6 {
        5
    } else {
        v.attention.len()
    };
    for a in v.attention.iter().take(shown) {
        let line = match c.lang {
            Lang::Both => format!("{} / {}", a.line.ja, a.line.en),
            Lang::En => a.line.en.clone(),
            Lang::Ja => a.line.ja.clone(),
        };
        let _ = writeln!(o, "    {} {}", c.severity(a.severity), clean(&line));
    }
    let more = v.attention.len() - shown;
    if more > 0 {
        let s = match c.lang {
            Lang::Ja => format!("    ほか{more}件（下の「要対応」を参照）"),
            Lang::En => format!("    and {more} more (see Findings below)"),
            Lang::Both => format!("    ほか{more}件 / and {more} more (see Findings below)"),
        };
        let _ = writeln!(o, "{s}");
    }
}

fn pins_line(o: &mut String, v: &Verdict, c: &Ctx) {
    if v.pins.is_empty() {
        return;
    }
    let parts: Vec<String> = v
        .pins
        .iter()
        .map(|p| {
            let name = match c.lang {
                Lang::Ja | Lang::Both => p.label_ja.as_str(),
                Lang::En => p.label_en.as_str(),
            };
            let state = match p.status {
                PinStatus::Ok | PinStatus::Low => tries(p),
                PinStatus::Blocked if p.tries_remaining.is_some() => tries(p),
                _ => pin_status(p, c),
            };
            format!("{name} {state}")
        })
        .collect();
    let _ = writeln!(
        o,
        "  {} {}",
        c.l(
            "PINs, tries left (暗証番号の残り回数):",
            "PINs, tries left:",
            "暗証番号の残り回数:"
        ),
        parts.join(" · ")
    );
}

fn tier_line(o: &mut String, c: &Ctx, title: &str, t: &Tier) {
    let names: Vec<String> = t
        .top
        .iter()
        .map(|(ja, en)| match c.lang {
            Lang::Ja | Lang::Both => ja.clone(),
            Lang::En => en.clone(),
        })
        .collect();
    let more = if t.count > names.len() { " …" } else { "" };
    let count = match c.lang {
        Lang::Ja => format!("{}件", t.count),
        _ => t.count.to_string(),
    };
    let list = if names.is_empty() {
        String::new()
    } else {
        format!(": {}{more}", names.join(", "))
    };
    let _ = writeln!(o, "  {title} {count}{list}");
}

fn master_file(o: &mut String, mf: &MasterFile, c: &Ctx) {
    let title = c.l(
        "■ Master file (MF, GET DATA without secret)",
        "■ Master file (MF, GET DATA without secret)",
        "■ MF（暗証番号なしの GET DATA）",
    );
    let _ = writeln!(
        o,
        "\n{}",
        c.head(&format!("{title}   SELECT ISD: {}", mf.select_sw))
    );
    for obj in &mf.objects {
        let v = obj
            .value
            .as_deref()
            .map(clean)
            .unwrap_or_else(|| format!("({})", obj.sw));
        let _ = writeln!(
            o,
            "  {}  {} {}",
            obj.tag,
            pad(&v, 28),
            c.label(&obj.label_ja, &obj.label_en)
        );
    }
}

fn application(o: &mut String, app: &Application, c: &Ctx) {
    let state = match (app.present, c.lang) {
        (true, Lang::Ja) => format!("あり ({})", app.select_sw),
        (false, Lang::Ja) => format!("なし ({})", app.select_sw),
        (true, _) => format!("present ({})", app.select_sw),
        (false, _) => format!("ABSENT ({})", app.select_sw),
    };
    let _ = writeln!(
        o,
        "\n{}",
        c.head(&format!(
            "■ {}  AID {}  {}",
            c.app_label(app.id),
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
            "  {}",
            c.l(
                "PINs and keys (暗証番号・照合番号)   [tries left / limit, read without spending a try]",
                "PINs and keys   [tries left / limit, read without spending a try]",
                "暗証番号・照合番号   [残り回数 / 上限。回数を消費せずに読み取り]",
            )
        );
        for p in &app.pins {
            let _ = writeln!(
                o,
                "    {}  {:<6} {} {}",
                p.ef,
                tries(p),
                pad(&pin_status(p, c), 26),
                c.label(&p.label_ja, &p.label_en)
            );
        }
    }
    if !app.files.is_empty() {
        let _ = writeln!(
            o,
            "  {}",
            c.l(
                "Files (EF)   access        read without a secret",
                "Files (EF)   access        read without a secret",
                "ファイル (EF) 必要なもの    暗証番号なしでの読み取り",
            )
        );
        for f in &app.files {
            let _ = writeln!(
                o,
                "    {}      {} {} {}",
                f.ef,
                pad(access_label(f.access, c), 13),
                pad(&readable(f, c), 20),
                c.label(&f.label_ja, &f.label_en)
            );
            if let Some(d) = &f.details {
                details(o, d, c);
            }
            if let Some(p) = &f.problem {
                let _ = writeln!(o, "{:14}problem: {}", "", clean(p));
            }
        }
    }
}

fn exposure_tier(o: &mut String, c: &Ctx, title: &str, items: &[ExposureItem], empty: &str) {
    let _ = writeln!(o, "  {title}");
    if items.is_empty() {
        let _ = writeln!(o, "      {empty}");
    }
    for it in items {
        let app = it
            .app
            .map(|a| c.app_label(a))
            .unwrap_or_else(|| "Master file (MF)".into());
        let or = c.l(" or ", " or ", " または ");
        let by = if it.opened_by.is_empty() {
            String::new()
        } else {
            format!("  <- {}", it.opened_by.join(or))
        };
        let _ = writeln!(
            o,
            "      - {app} {}: {}{by}",
            it.item,
            c.label(&it.label_ja, &it.label_en)
        );
    }
}

fn exposure(o: &mut String, r: &Report, c: &Ctx) {
    let title = c.l(
        "■ Exposure summary (このカードから読めるもの)",
        "■ Exposure summary",
        "■ このカードから読めるもの",
    );
    let _ = writeln!(o, "\n{}", c.head(title));
    let nothing = c.l("nothing", "nothing", "なし");
    let none_here = c.l(
        "nothing found on this card",
        "nothing found on this card",
        "このカードにはありません",
    );
    exposure_tier(
        o,
        c,
        c.l(
            "1. Anyone holding the card, no secret (カードを持つ誰でも):",
            "1. Anyone holding the card, no secret:",
            "1. カードを持つ誰でも（暗証番号なし）:",
        ),
        &r.exposure.no_secret,
        nothing,
    );
    exposure_tier(
        o,
        c,
        c.l(
            "2. Anyone who also reads the printed card (券面の記載事項で): 照合番号A = the My Number on the back;\n     照合番号B = birth date + expiry year + security code on the front:",
            "2. Anyone who also reads the printed card: verification code A = the My Number on the back;\n     verification code B = birth date + expiry year + security code on the front:",
            "2. 券面の記載事項も読める人（照合番号A = 裏面の個人番号、照合番号B = 表面の生年月日・有効期限の西暦年・セキュリティコード）:",
        ),
        &r.exposure.card_surface,
        none_here,
    );
    exposure_tier(
        o,
        c,
        c.l(
            "3. Only with a memorised PIN or password (暗証番号が必要):",
            "3. Only with a memorised PIN or password:",
            "3. 暗証番号・パスワードが必要:",
        ),
        &r.exposure.pin_only,
        none_here,
    );
    if r.error.is_some() {
        let s = c.l(
            "  (the audit stopped early: this covers only what was read)",
            "  (the audit stopped early: this covers only what was read)",
            "  （監査は途中で止まりました。読めた範囲だけの結果です）",
        );
        let _ = writeln!(o, "{s}");
    }
}

fn findings(o: &mut String, r: &Report, c: &Ctx) {
    let _ = writeln!(
        o,
        "\n{}",
        c.head(c.l("■ Findings (要対応)", "■ Findings", "■ 要対応"))
    );
    if r.findings.is_empty() && r.error.is_none() {
        let s = c.l(
            "No findings: nothing needs attention.",
            "No findings: nothing needs attention.",
            "対応が必要なことはありません。",
        );
        let _ = writeln!(o, "  {s}");
    } else if r.findings.is_empty() {
        let s = c.l(
            "None in what was read before the audit stopped.",
            "None in what was read before the audit stopped.",
            "中断までに読んだ範囲ではありません。",
        );
        let _ = writeln!(o, "  {s}");
    }
    for f in &r.findings {
        let text = c.text(&f.message).replace('\n', "\n             ");
        let _ = writeln!(o, "  {} {}", c.severity(f.severity), text);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n{}", c.head(c.l("■ Notes", "■ Notes", "■ 補足")));
        for n in &r.notes {
            let text = c.text(n).replace('\n', "\n    ");
            let _ = writeln!(o, "  - {text}");
        }
    }
}

/// APDU count and, for an interrupted audit, the error.
fn tail(mut o: String, r: &Report, c: &Ctx) -> String {
    let _ = writeln!(
        o,
        "\n{} {}",
        c.l("APDUs sent:", "APDUs sent:", "送信したAPDU:"),
        r.apdu_count
    );
    if let Some(e) = &r.error {
        let head = c.l("AUDIT INCOMPLETE", "AUDIT INCOMPLETE", "監査は未完了");
        let _ = writeln!(
            o,
            "\n{}",
            c.paint(CRITICAL, &format!("{head} [{}]: {}", e.code, e.message))
        );
        let _ = writeln!(o, "  {}", e.hint);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked() -> Report {
        crate::testing::fixture_report("pin-blocked")
    }

    #[test]
    fn colour_only_adds_styles() {
        let r = blocked();
        for lang in [Lang::Ja, Lang::En, Lang::Both] {
            let plain = render_with(&r, &TextOptions { color: false, lang });
            let coloured = render_with(&r, &TextOptions { color: true, lang });
            assert!(!plain.contains('\x1b'));
            assert!(coloured.contains("\x1b[1m\x1b[31m["), "{coloured}");
            assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
        }
    }

    #[test]
    fn every_line_fits_the_width() {
        let r = blocked();
        for lang in [Lang::Ja, Lang::En, Lang::Both] {
            let t = render_with(&r, &TextOptions { color: false, lang });
            for line in t.lines() {
                assert!(
                    textwrap::core::display_width(line) <= WIDTH,
                    "{lang:?}: {line}"
                );
            }
        }
    }

    #[test]
    fn english_has_no_japanese_and_japanese_keeps_the_technical_terms() {
        let r = blocked();
        let en = render_with(
            &r,
            &TextOptions {
                color: false,
                lang: Lang::En,
            },
        );
        // Card labels from the chip map are in both languages in the model; English output
        // uses only the English ones, so kana and kanji appear only in card data and in
        // the names of things that have no English name (顔認証マイナンバーカード).
        let row = en.lines().find(|l| l.contains("0018  -/3")).unwrap();
        assert!(row.is_ascii(), "{row}");
        let ja = render_with(
            &r,
            &TextOptions {
                color: false,
                lang: Lang::Ja,
            },
        );
        assert!(ja.contains("■ 結論"));
        assert!(
            ja.contains("EF 0018") && ja.contains("D392F000260100000001") && ja.contains("6984")
        );
        assert!(!ja.contains("authentication PIN"), "{ja}");
    }

    #[test]
    fn the_verdict_comes_first_and_is_short() {
        let r = blocked();
        let t = render_with(
            &r,
            &TextOptions {
                color: false,
                lang: Lang::En,
            },
        );
        let start = t.find("■ Verdict").unwrap();
        let end = start + t[start..].find("\n■ ").unwrap();
        let block = &t[start..end];
        assert!(block.lines().count() <= 15, "{block}");
        assert!(block.contains("blocked, or never set"), "{block}");
        assert!(t[..start].lines().count() <= 6);
    }

    #[test]
    fn locale_picks_the_language() {
        assert_eq!(Lang::from_locale(Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_locale(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(Some("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
    }

    #[test]
    fn clean_escapes_terminal_controls() {
        assert_eq!(clean("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("行\n"), "行\\u{a}");
        assert_eq!(clean("plain"), "plain");
    }
}
