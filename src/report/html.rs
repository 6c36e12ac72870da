//! The HTML renderer: one self-contained page (inline CSS, no script, no network) that answers
//! first (the verdict), then draws the chip as a map (applications as blocks, files as tiles
//! coloured by exposure tier, PINs as gauges), then gives the full tables.
//!
//! Everything that came from the card or a fixture goes through [`escape`]: HTML-escaped and
//! with control (and bidirectional-override) characters made visible. The page's
//! Content-Security-Policy forbids every fetch and every script, so even a mistake here could
//! not load anything. Every tier is written in words, not only coloured.

use std::fmt::Write as _;

use super::*;
use crate::trust::Genuineness;

/// How to render the page.
/// The page's language (technical terms — EF ids, AIDs, status words — stay as they are in
/// every language); by default Japanese and English side by side.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    pub lang: Lang,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions { lang: Lang::Both }
    }
}

/// The Content-Security-Policy the page declares: nothing may be fetched, nothing run.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// HTML-escapes `& < > " '` and makes control, bidirectional and invisible format characters
/// visible as `\u{..}` ([`crate::sanitize`]: card data is untrusted; it must neither become
/// markup nor reorder or hide part of the page).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => crate::sanitize::push(&mut out, c),
        }
    }
    out
}

/// The exposure tier a file is drawn in on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tile {
    /// Read without a secret.
    Free,
    /// Opened by what is printed on the card.
    Card,
    /// Opened by a memorised PIN.
    Pin,
    /// A key object: never readable.
    Key,
    /// Refused, and the public record does not say what opens it.
    Protected,
    /// Not on this card.
    Absent,
}

impl Tile {
    fn of(f: &FileReport) -> Tile {
        if f.present == Some(false) {
            return Tile::Absent;
        }
        if f.readable_without_secret == Some(true) {
            return Tile::Free;
        }
        match f.access {
            AccessTier::Free => Tile::Free,
            AccessTier::CardSurface => Tile::Card,
            AccessTier::Pin => Tile::Pin,
            AccessTier::Never => Tile::Key,
            AccessTier::Unknown => Tile::Protected,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Tile::Free => "t-free",
            Tile::Card => "t-card",
            Tile::Pin => "t-pin",
            Tile::Key => "t-key",
            Tile::Protected => "t-prot",
            Tile::Absent => "t-absent",
        }
    }

    /// The tier as a tile writes it (the legend explains it).
    fn short(self) -> (&'static str, &'static str) {
        match self {
            Tile::Free => ("秘密不要", "no secret"),
            Tile::Card => ("券面", "printed card"),
            Tile::Pin => ("暗証番号", "PIN only"),
            Tile::Key => ("鍵", "key"),
            Tile::Protected => ("保護", "protected"),
            Tile::Absent => ("なし", "absent"),
        }
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            Tile::Free => ("秘密なしで読める", "read without a secret"),
            Tile::Card => (
                "券面の記載事項で開く",
                "opened by what is printed on the card",
            ),
            Tile::Pin => ("暗証番号が必要", "needs a memorised PIN"),
            Tile::Key => ("鍵 (読めない)", "key object, never read"),
            Tile::Protected => ("保護 (条件不明)", "refused, opener unknown"),
            Tile::Absent => ("このカードにない", "not on this card"),
        }
    }

    const ALL: [Tile; 6] = [
        Tile::Free,
        Tile::Card,
        Tile::Pin,
        Tile::Key,
        Tile::Protected,
        Tile::Absent,
    ];
}

struct Page<'a> {
    out: String,
    lang: Lang,
    r: &'a Report,
}

impl Page<'_> {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A sentence of the catalogue in the chosen language(s), escaped.
    fn say(&self, t: &Text) -> String {
        self.bi(&t.ja, &t.en)
    }

    /// A label in the chosen language(s); both parts escaped.
    fn bi(&self, ja: &str, en: &str) -> String {
        match self.lang {
            Lang::Ja => format!("<span lang=\"ja\">{}</span>", escape(ja)),
            Lang::En => format!("<span lang=\"en\">{}</span>", escape(en)),
            Lang::Both => format!(
                "<span lang=\"ja\">{}</span><span class=\"sep\"> / </span><span lang=\"en\">{}</span>",
                escape(ja),
                escape(en)
            ),
        }
    }
}

const STYLE: &str = r#"
:root{--free:#d9480f;--free-bg:#fff0e6;--card:#b08900;--card-bg:#fff8d6;--pin:#2f6fba;--pin-bg:#e6f0fb;
--key:#6b7280;--key-bg:#eceef1;--prot:#7c5cad;--prot-bg:#f1ecf8;--crit:#c92a2a;--warn:#b35c00;--note:#1c7ed6;--ok:#2b8a3e;
--ink:#1f2328;--mute:#59636e;--line:#d0d7de}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Yu Gothic","IPAPGothic",sans-serif;
color:var(--ink);background:#fff;margin:0 auto;padding:1.2rem 1.5rem 3rem;max-width:78rem;line-height:1.45;font-size:15px}
h1{font-size:1.45rem;margin:.2rem 0 .2rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.02rem;margin:0}h4{font-size:.95rem;margin:1rem 0 .3rem}
.sub{color:var(--mute);margin:0 0 .8rem}.sep{color:var(--mute)}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
.verdict{border:2px solid var(--line);border-radius:10px;padding:1rem 1.2rem;margin:.8rem 0 1rem;background:#fafbfc}
.verdict h2{margin-top:0;border:0}
.headline{font-size:1.15rem;font-weight:700;margin:.2rem 0 .6rem}
.genuine{border-left:6px solid var(--line);padding:.4rem .8rem;margin:.4rem 0 .8rem;background:#fff}
.genuine.ok{border-color:var(--ok)}.genuine.warning{border-color:var(--warn)}.genuine.critical{border-color:var(--crit)}
.genuine.notice,.genuine.unknown{border-color:var(--note)}
.genuine p{margin:.15rem 0}
ul.findings{list-style:none;padding:0;margin:.3rem 0 .8rem}
ul.findings li{margin:.25rem 0;padding:.3rem .6rem;border-radius:6px;background:#fff;border:1px solid var(--line)}
.sev{display:inline-block;white-space:nowrap;min-width:5.6rem;font-weight:700;font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;
padding:.05rem .4rem;border-radius:4px;color:#fff;margin-right:.5rem;text-align:center}
.sev.critical{background:var(--crit)}.sev.warning{background:var(--warn)}.sev.notice{background:var(--note)}
li.critical{border-left:5px solid var(--crit)!important}li.warning{border-left:5px solid var(--warn)!important}
li.notice{border-left:5px solid var(--note)!important}
.pinline{margin:.4rem 0;font-size:.95rem}.pinline .k{font-weight:700}
.pinline .bad{color:var(--crit);font-weight:700}.pinline .low{color:var(--warn);font-weight:700}
.tiers{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.6rem;margin-top:.6rem}
.tier{border-radius:8px;padding:.5rem .7rem;border:1px solid var(--line);background:#fff}
.tier .n{font-size:1.6rem;font-weight:800;margin-right:.4rem}
.tier.t-free{border-top:5px solid var(--free)}.tier.t-card{border-top:5px solid var(--card)}.tier.t-pin{border-top:5px solid var(--pin)}
.tier .ex{color:var(--mute);font-size:.85rem;margin:.2rem 0 0}
.incomplete{border:2px solid var(--crit);border-radius:8px;padding:.5rem .8rem;background:#fff5f5;margin:.6rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.4rem .9rem;margin:.3rem 0 .8rem;font-size:.85rem}
.legend span.sw{display:inline-block;width:1.1rem;height:.9rem;border-radius:3px;vertical-align:-2px;margin-right:.3rem}
.chip{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:.8rem;align-items:start;
border:3px solid #b8a16a;border-radius:18px;padding:.9rem;background:linear-gradient(135deg,#fbf7ea,#f3ead2)}
.app{background:#fff;border:1px solid var(--line);border-radius:10px;padding:.6rem .7rem}
.app.gone{opacity:.75;border-style:dashed}
.app .aid{color:var(--mute);font-size:.8rem;margin:.1rem 0 .45rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(6.6rem,1fr));gap:.35rem}
.tile{border-radius:6px;padding:.25rem .35rem;font-size:.74rem;line-height:1.25;border:2px solid transparent;min-height:3.6rem}
.tile .ef{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-weight:700;font-size:.85rem;display:block}
.tile .tw{display:block;font-weight:700;font-size:.68rem;text-transform:uppercase;letter-spacing:.02em}
.tile .lb{display:block;overflow-wrap:anywhere}
.t-free{background:var(--free-bg);border-color:var(--free)}.t-free .tw{color:var(--free)}
.t-card{background:var(--card-bg);border-color:var(--card)}.t-card .tw{color:#7a5f00}
.t-pin{background:var(--pin-bg);border-color:var(--pin)}.t-pin .tw{color:var(--pin)}
.t-key{background:var(--key-bg);border-color:var(--key)}.t-key .tw{color:var(--key)}
.t-prot{background:var(--prot-bg);border-color:var(--prot);border-style:dotted}.t-prot .tw{color:var(--prot)}
.t-absent{background:#fff;border:2px dashed var(--key);color:var(--mute)}
.tile.alarm{outline:3px solid var(--crit);outline-offset:1px}
.legend .t-free,.legend .t-card,.legend .t-pin,.legend .t-key,.legend .t-prot,.legend .t-absent{border-width:2px}
.pins{display:flex;flex-direction:column;gap:.25rem;margin:0 0 .5rem}
.gauge{display:grid;grid-template-columns:2.6rem 6.6rem 1fr;align-items:center;gap:.4rem;font-size:.78rem;
padding:.2rem .3rem;border-radius:6px;background:#f6f8fa}
.gauge .pips{display:inline-flex;gap:2px;flex-wrap:nowrap}
.gauge .gb{display:block;line-height:1.25}.gauge .gb>span{display:block}
.pip{display:inline-block;width:.58rem;height:.85rem;border-radius:2px;border:1px solid var(--ok);background:#fff}
.pip.on{background:var(--ok)}
.gauge.low .pip{border-color:var(--warn)}.gauge.low .pip.on{background:var(--warn)}
.gauge.blocked .pip{border-color:var(--crit);background:#ffe3e3}
.gauge.inert .pip{border-color:var(--key);background:var(--key-bg)}
.gauge .cnt{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-weight:700;font-size:.9rem}
.gauge.blocked .cnt{color:var(--crit)}.gauge.low .cnt{color:var(--warn)}
.gauge .st{font-weight:700}.gauge.blocked .st{color:var(--crit)}.gauge.low .st{color:var(--warn)}.gauge.ok .st{color:var(--ok)}
.gauge.inert .st{color:var(--mute)}
.gauge .pl{color:var(--ink)}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem;font-size:.85rem}
th,td{border:1px solid var(--line);padding:.22rem .45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f5f7}
td.num{text-align:right;white-space:nowrap}
td.mono{white-space:nowrap;overflow-wrap:normal}td.wrap{white-space:normal}td.nw{white-space:nowrap}
.meta th{width:12rem}
ul.plain{margin:.2rem 0 .6rem;padding-left:1.3rem}
footer{margin-top:2rem;color:var(--mute);font-size:.85rem}
@media (max-width:40rem){body{padding:.6rem}.chip{grid-template-columns:1fr}}
@media print{body{max-width:none;padding:0;font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.chip{background:none}.app,.verdict,table,.tier{break-inside:avoid}h2{break-after:avoid}
a{color:inherit;text-decoration:none}}
"#;

/// Renders the report as one self-contained HTML5 page.
pub fn render(report: &Report, opts: &HtmlOptions) -> String {
    let mut p = Page {
        out: String::with_capacity(64 * 1024),
        lang: opts.lang,
        r: report,
    };
    head(&mut p);
    verdict(&mut p);
    if report.is_my_number_card || !report.applications.is_empty() {
        chip_map(&mut p);
    }
    findings(&mut p);
    applications(&mut p);
    certificates(&mut p);
    exposure(&mut p);
    notes(&mut p);
    meta(&mut p);
    p.push("</body>\n</html>\n");
    p.out
}

fn head(p: &mut Page<'_>) {
    let lang = match p.lang {
        Lang::En => "en",
        Lang::Ja | Lang::Both => "ja",
    };
    let _ = write!(
        p.out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>myna-audit — マイナンバーカード監査 / My Number Card audit ({})</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n",
        escape(CSP),
        escape(&p.r.as_of),
    );
    let title = p.bi("マイナンバーカード監査", "My Number Card audit");
    let _ = write!(
        p.out,
        "<header>\n<h1>{title}</h1>\n<p class=\"sub\">myna-audit {} · {} {} · {} <span class=\"mono\">{}</span> · {}</p>\n</header>\n",
        escape(&p.r.tool.version),
        p.bi("基準日", "as of"),
        escape(&p.r.as_of),
        p.bi("リーダー", "reader"),
        escape(&p.r.reader.name),
        masked_words(p),
    );
}

fn masked_words(p: &Page<'_>) -> String {
    if p.r.identifiers_masked {
        p.bi(
            "識別番号は伏せ字 (--show-identifiers で表示)",
            "identifiers masked (--show-identifiers shows them)",
        )
    } else {
        p.bi("識別番号を表示中", "identifiers SHOWN")
    }
}

fn severity_words(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
    }
}

fn severity_badge(s: Severity) -> String {
    let ja = match s {
        Severity::Critical => "重大",
        Severity::Warning => "注意",
        Severity::Notice => "情報",
    };
    format!(
        "<span class=\"sev {0}\">{0} · {ja}</span>",
        severity_words(s)
    )
}

fn verdict(p: &mut Page<'_>) {
    let r = p.r;
    p.push("<section class=\"verdict\" id=\"verdict\">\n");
    let h = p.bi("判定", "Verdict");
    let _ = writeln!(p.out, "<h2>{h}</h2>");

    // The headline: what needs attention.
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
    let (c, w, n) = (
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Notice),
    );
    let headline = if !r.is_my_number_card {
        p.bi(
            "マイナンバーカードとして応答しませんでした",
            "This card did not answer as a My Number Card",
        )
    } else if r.findings.is_empty() && r.error.is_none() {
        p.bi("対応が必要なことはありません", "Nothing needs attention")
    } else {
        let counts = format!("<span class=\"mono\">{c} critical · {w} warning · {n} notice</span>");
        format!(
            "{} — {counts}",
            p.bi("対応が必要なことがあります", "Needs attention")
        )
    };
    let _ = writeln!(p.out, "<p class=\"headline\">{headline}</p>");

    genuine_block(p);

    if !r.findings.is_empty() {
        p.push("<ul class=\"findings\">\n");
        for f in &r.findings {
            let _ = writeln!(
                p.out,
                "<li class=\"{}\">{} {}</li>",
                severity_words(f.severity),
                severity_badge(f.severity),
                p.say(&f.message)
            );
        }
        p.push("</ul>\n");
    }

    pin_line(p);
    if r.is_my_number_card {
        tier_counts(p);
    }
    if let Some(e) = &r.error {
        let t = p.bi("監査は途中で止まりました", "Audit incomplete");
        let _ = writeln!(
            p.out,
            "<div class=\"incomplete\"><p><strong>{t}</strong> <span class=\"mono\">[{}]</span>: {}</p><p>{}</p></div>",
            escape(&e.code),
            escape(&e.message),
            escape(&e.hint)
        );
    }
    p.push("</section>\n");
}

fn genuine_block(p: &mut Page<'_>) {
    let r = p.r;
    if !r.is_my_number_card {
        return;
    }
    let (class, ja, en) = match &r.genuine {
        Some(Genuineness::Genuine { .. }) => ("ok", "正規のカード", "Genuine card"),
        Some(Genuineness::TestHierarchy) => ("notice", "試験用カード", "Test card"),
        Some(Genuineness::Generation2Unverifiable { .. }) => (
            "warning",
            "正規かどうか確認できません",
            "Not confirmed genuine",
        ),
        Some(Genuineness::DoesNotChain { .. }) => (
            "warning",
            "正規のカードと確認できません",
            "Not confirmed genuine",
        ),
        None => (
            "unknown",
            "正規かどうか確認していません",
            "Genuineness not checked",
        ),
    };
    let title = p.bi(ja, en);
    let _ = write!(
        p.out,
        "<div class=\"genuine {class}\" id=\"genuine\">\n<p><strong>{} {title}</strong></p>\n",
        p.bi("真正性:", "Genuine:"),
    );
    match &r.genuine {
        Some(g) => {
            let text = p.bi(&g.japanese(), &g.english());
            let _ = writeln!(p.out, "<p>{text}</p>");
        }
        None => {
            let t = p.bi(
                "利用者証明用電子証明書 (EF 000A) を読めなかったか、記録で伏せられているため確認できません。",
                "The authentication certificate (EF 000A) was not read, or a recording redacted it: nothing to check.",
            );
            let _ = writeln!(p.out, "<p>{t}</p>");
        }
    }
    p.push("</div>\n");
}

fn tries_text(pin: &Pin) -> String {
    match (pin.tries_remaining, pin.max_tries) {
        (Some(n), Some(m)) => format!("{n}/{m}"),
        (Some(n), None) => format!("{n}/?"),
        (None, Some(m)) => format!("-/{m}"),
        (None, None) => "-".into(),
    }
}

/// The PIN's state in words: (class, japanese, english).
fn pin_state(pin: &Pin) -> (&'static str, String, String) {
    match pin.status {
        PinStatus::Ok => ("ok", "正常".into(), "ok".into()),
        PinStatus::Low => ("low", "残りわずか".into(), "LOW".into()),
        PinStatus::Blocked if pin.reading == Some(KeyReading::BlockedOrNeverSet) => (
            "blocked",
            "ロック中、または未設定".into(),
            "BLOCKED or never set".into(),
        ),
        PinStatus::Blocked => ("blocked", "ロック中".into(), "BLOCKED".into()),
        PinStatus::NotSet => (
            "inert",
            "未設定 (証明書なし)".into(),
            "not set (no certificate)".into(),
        ),
        PinStatus::BlockedAtIssue => (
            "inert",
            "発行時からロック (正常)".into(),
            "blocked at issue (normal)".into(),
        ),
        PinStatus::NotReported => (
            "inert",
            "回数の応答なし".into(),
            "not reported (9000)".into(),
        ),
        PinStatus::NoLimit => ("ok", "回数制限なし".into(), "no retry limit".into()),
        PinStatus::Absent => ("inert", "なし".into(), format!("absent ({})", pin.sw)),
        PinStatus::Unknown => (
            "inert",
            "不明な応答".into(),
            format!("unrecognised answer {}", pin.sw),
        ),
    }
}

fn pin_line(p: &mut Page<'_>) {
    let r = p.r;
    let mut parts = Vec::new();
    for app in &r.applications {
        for pin in app
            .pins
            .iter()
            .filter(|x| x.secret == SecretKind::Memorised)
        {
            let (class, ja, en) = pin_state(pin);
            let cls = match class {
                "blocked" => " bad",
                "low" => " low",
                _ => "",
            };
            let label = match p.lang {
                Lang::Ja => escape(&pin.label_ja),
                _ => escape(&pin.label_en),
            };
            let state = if class == "ok" {
                String::new()
            } else {
                format!(" {}", p.bi(&ja, &en))
            };
            parts.push(format!(
                "<span class=\"pc{cls}\">{} {label} <span class=\"mono\">{}</span>{state}</span>",
                escape(&app.name_en),
                tries_text(pin)
            ));
        }
    }
    if parts.is_empty() {
        return;
    }
    let k = p.bi("暗証番号の残り回数", "PIN tries left");
    let _ = writeln!(
        p.out,
        "<p class=\"pinline\" id=\"pins\"><span class=\"k\">{k}:</span> {}</p>",
        parts.join(" · ")
    );
}

fn tier_counts(p: &mut Page<'_>) {
    let r = p.r;
    p.push("<div class=\"tiers\">\n");
    struct TierBox<'a> {
        class: &'static str,
        name: (&'static str, &'static str),
        who: (&'static str, &'static str),
        items: &'a [ExposureItem],
    }
    let tiers = [
        TierBox {
            class: "t-free",
            name: ("秘密なしで読める", "no secret"),
            who: ("カードを持つ誰でも", "anyone holding the card"),
            items: &r.exposure.no_secret,
        },
        TierBox {
            class: "t-card",
            name: ("券面の記載事項で", "printed card"),
            who: ("券面を見た人", "anyone who also reads the printed card"),
            items: &r.exposure.card_surface,
        },
        TierBox {
            class: "t-pin",
            name: ("暗証番号が必要", "PIN only"),
            who: (
                "暗証番号を知る人だけ",
                "only with a memorised PIN or password",
            ),
            items: &r.exposure.pin_only,
        },
    ];
    for TierBox {
        class,
        name: (ja, en),
        who: (who_ja, who_en),
        items,
    } in tiers
    {
        let name = p.bi(ja, en);
        let who = p.bi(who_ja, who_en);
        let mut ranked: Vec<&ExposureItem> = items.iter().collect();
        ranked.sort_by_key(|i| sensitivity(i));
        let examples: Vec<String> = ranked
            .iter()
            .take(4)
            .map(|i| match p.lang {
                Lang::Ja => escape(&i.label_ja),
                _ => escape(&i.label_en),
            })
            .collect();
        let more = if items.len() > 4 { ", …" } else { "" };
        let _ = writeln!(
            p.out,
            "<div class=\"tier {class}\"><span class=\"n\">{}</span> <strong>{name}</strong><br><small>{who}</small><p class=\"ex\">{}{more}</p></div>",
            items.len(),
            examples.join(" · "),
        );
    }
    p.push("</div>\n");
}

/// The items a holder cares most about first (the verdict names the top of each tier): what
/// identifies the holder or shows their data, then identifiers of the card, then the rest in
/// the report's order.
fn sensitivity(i: &ExposureItem) -> usize {
    const RANK: [(Option<AppId>, &str); 11] = [
        (Some(AppId::Text), "EF 0001"),   // My Number
        (Some(AppId::Visual), "EF 0002"), // name, address, face photo
        (Some(AppId::Text), "EF 0002"),   // basic 4 attributes
        (Some(AppId::Visual), "EF 0005"), // My Number image
        (Some(AppId::Jpki), "EF 0001"),   // signing certificate (name, address)
        (Some(AppId::Jpki), "EF 000A"),   // authentication certificate
        (Some(AppId::Common), "EF 0001"), // card serial
        (None, "GET DATA 0045"),          // card identification number
        (Some(AppId::Jpki), "EF 0006"),   // token serial
        (Some(AppId::Visual), "EF 0001"), // birth date
        (None, "GET DATA 00F0"),          // municipality code
    ];
    RANK.iter()
        .position(|(app, item)| i.app == *app && i.item == *item)
        .unwrap_or(RANK.len())
}

fn legend(p: &mut Page<'_>) {
    p.push("<div class=\"legend\" id=\"legend\">");
    let l = p.bi("凡例", "Legend");
    let _ = write!(p.out, "<strong>{l}:</strong>");
    for t in Tile::ALL {
        let (sja, sen) = t.short();
        let (ja, en) = t.words();
        let short = p.bi(sja, sen);
        let w = p.bi(ja, en);
        let _ = write!(
            p.out,
            " <span><span class=\"sw {}\"></span><strong>{short}</strong>: {w}</span>",
            t.class()
        );
    }
    let g = p.bi("暗証番号: 残り回数 / 上限", "PIN: tries left of limit");
    let _ = write!(
        p.out,
        " <span><span class=\"pips\"><span class=\"pip on\"></span><span class=\"pip\"></span></span> {g}</span>"
    );
    let a = p.bi(
        "赤枠: 秘密なしで読めてはいけないファイル",
        "red frame: a protected file read without a secret",
    );
    let _ = write!(p.out, " <span>{a}</span>");
    p.push("</div>\n");
}

fn chip_map(p: &mut Page<'_>) {
    let h = p.bi("チップの地図", "The chip as a map");
    let _ = writeln!(p.out, "<section id=\"map\">\n<h2>{h}</h2>");
    legend(p);
    p.push("<div class=\"chip\">\n");
    if let Some(mf) = &p.r.master_file {
        let name = p.bi("マスターファイル (MF)", "Master file (MF)");
        let _ = write!(
            p.out,
            "<div class=\"app\" id=\"app-mf\">\n<h3>{name}</h3>\n<p class=\"aid\">GET DATA · SELECT ISD <span class=\"mono\">{}</span></p>\n<div class=\"tiles\">\n",
            mf.select_sw
        );
        for obj in &mf.objects {
            let (class, tile) = if obj.value.is_some() {
                ("t-free", Tile::Free)
            } else {
                ("t-absent", Tile::Absent)
            };
            let (ja, en) = tile.short();
            let tw = p.bi(ja, en);
            let lb = p.bi(&obj.label_ja, &obj.label_en);
            let _ = writeln!(
                p.out,
                "<div class=\"tile {class}\" title=\"GET DATA {}\"><span class=\"ef\">{}</span> <span class=\"tw\">{tw}</span> <span class=\"lb\">{lb}</span></div>",
                obj.tag, obj.tag
            );
        }
        p.push("</div>\n</div>\n");
    }
    for app in &p.r.applications {
        app_block(p, app);
    }
    p.push("</div>\n</section>\n");
}

fn app_block(p: &mut Page<'_>, app: &Application) {
    let gone = if app.present { "" } else { " gone" };
    let name = p.bi(&app.name_ja, &app.name_en);
    let state = if app.present {
        p.bi("あり", "present")
    } else {
        p.bi("なし", "ABSENT")
    };
    let _ = write!(
        p.out,
        "<div class=\"app{gone}\" id=\"app-{}\">\n<h3>{name}</h3>\n<p class=\"aid\">AID <span class=\"mono\">{}</span> · {state} <span class=\"mono\">{}</span></p>\n",
        app_key(app.id),
        app.aid,
        app.select_sw
    );
    if !app.pins.is_empty() {
        p.push("<div class=\"pins\">\n");
        for pin in &app.pins {
            gauge(p, pin);
        }
        p.push("</div>\n");
    }
    if !app.files.is_empty() {
        p.push("<div class=\"tiles\">\n");
        for f in &app.files {
            let t = Tile::of(f);
            let alarm = if f.readable_without_secret == Some(true)
                && matches!(f.access, AccessTier::CardSurface | AccessTier::Pin)
            {
                " alarm"
            } else {
                ""
            };
            let (ja, en) = t.short();
            let tw = p.bi(ja, en);
            let lb = p.bi(&f.label_ja, &f.label_en);
            let _ = writeln!(
                p.out,
                "<div class=\"tile {}{alarm}\" title=\"EF {} · {}\"><span class=\"ef\">{}</span> <span class=\"tw\">{tw}</span> <span class=\"lb\">{lb}</span></div>",
                t.class(),
                f.ef,
                escape(&readable(f)),
                f.ef,
            );
        }
        p.push("</div>\n");
    }
    p.push("</div>\n");
}

fn app_key(id: AppId) -> &'static str {
    match id {
        AppId::Jpki => "jpki",
        AppId::Text => "text",
        AppId::Visual => "visual",
        AppId::Juki => "juki",
        AppId::Common => "common",
    }
}

/// A PIN's counter as a row of pips: filled = tries left, empty = tries spent.
fn gauge(p: &mut Page<'_>, pin: &Pin) {
    let (class, ja, en) = pin_state(pin);
    // Up to 10 pips; an unknown limit draws as many as remain.
    let max = pin
        .max_tries
        .or(pin.tries_remaining)
        .map(usize::from)
        .unwrap_or(0)
        .min(10);
    let left = pin.tries_remaining.map(usize::from).unwrap_or(0).min(max);
    let mut pips = String::new();
    for i in 0..max {
        pips.push_str(if i < left {
            "<span class=\"pip on\"></span>"
        } else {
            "<span class=\"pip\"></span>"
        });
    }
    let st = p.bi(&ja, &en);
    let lb = p.bi(&pin.label_ja, &pin.label_en);
    let _ = writeln!(
        p.out,
        "<div class=\"gauge {class}\" title=\"EF {} · SW {}\"><span class=\"cnt\">{}</span> <span class=\"pips\">{pips}</span> <span class=\"gb\"><span class=\"pl\"><span class=\"mono\">{}</span> {lb}</span> <span class=\"st\">{st}</span></span></div>",
        pin.ef,
        pin.sw,
        tries_text(pin),
        pin.ef,
    );
}

fn findings(p: &mut Page<'_>) {
    let r = p.r;
    let h = p.bi("所見", "Findings");
    let _ = writeln!(p.out, "<section id=\"findings\">\n<h2>{h}</h2>");
    if r.findings.is_empty() {
        let t = if r.error.is_none() {
            p.bi(
                "所見はありません。",
                "No findings: nothing needs attention.",
            )
        } else {
            p.bi(
                "止まるまでに読んだ範囲では所見はありません。",
                "None in what was read before the audit stopped.",
            )
        };
        let _ = writeln!(p.out, "<p>{t}</p>");
    } else {
        let hs = p.bi("重要度", "severity");
        let hc = p.bi("コード", "code");
        let hw = p.bi("場所", "where");
        let hm = p.bi("内容と対処", "what and what to do");
        let _ = writeln!(
            p.out,
            "<table>\n<thead><tr><th>{hs}</th><th>{hc}</th><th>{hw}</th><th>{hm}</th></tr></thead>\n<tbody>"
        );
        for f in &r.findings {
            let app = f
                .app
                .and_then(|id| r.applications.iter().find(|a| a.id == id))
                .map(|a| escape(&a.name_en))
                .unwrap_or_default();
            let ef = f.ef.map(|e| format!(" EF {e}")).unwrap_or_default();
            let _ = writeln!(
                p.out,
                "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"nw\">{app}{ef}</td><td>{}</td></tr>",
                severity_badge(f.severity),
                f.code,
                p.say(&f.message)
            );
        }
        p.push("</tbody>\n</table>\n");
    }
    p.push("</section>\n");
}

/// What the card answered for a file, in words with the status word.
fn readable(f: &FileReport) -> String {
    let sw = f.sw.map(|sw| sw.to_string()).unwrap_or_default();
    match (f.present, f.readable_without_secret) {
        (None, _) => "not probed (key)".into(),
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

fn access_words(a: AccessTier) -> &'static str {
    match a {
        AccessTier::Free => "free",
        AccessTier::CardSurface => "card-surface",
        AccessTier::Pin => "PIN",
        AccessTier::Never => "never",
        AccessTier::Unknown => "unknown",
    }
}

fn secret_words(k: SecretKind) -> (&'static str, &'static str) {
    match k {
        SecretKind::Memorised => ("暗証番号", "memorised"),
        SecretKind::CardSurface => ("券面の記載事項", "printed card"),
        SecretKind::Internal => ("内部の鍵", "internal"),
    }
}

fn applications(p: &mut Page<'_>) {
    let r = p.r;
    if r.master_file.is_none() && r.applications.is_empty() {
        return;
    }
    let h = p.bi("アプリケーションの詳細", "Applications in full");
    let _ = writeln!(p.out, "<section id=\"applications\">\n<h2>{h}</h2>");
    if let Some(mf) = &r.master_file {
        master_file_table(p, mf);
    }
    for app in &r.applications {
        application_full(p, app);
    }
    p.push("</section>\n");
}

/// The master file's heading and its GET DATA objects.
fn master_file_table(p: &mut Page<'_>, mf: &MasterFile) {
    let t = p.bi("マスターファイル (MF)", "Master file (MF)");
    let _ = writeln!(
        p.out,
        "<h3>{t} <small class=\"mono\">SELECT ISD {}</small></h3>",
        mf.select_sw
    );
    let (h1, h2) = (p.bi("値", "value"), p.bi("項目", "item"));
    let _ = writeln!(
        p.out,
        "<table>\n<thead><tr><th>GET DATA</th><th>{h1}</th><th>SW</th><th>{h2}</th></tr></thead>\n<tbody>"
    );
    for obj in &mf.objects {
        let lb = p.bi(&obj.label_ja, &obj.label_en);
        let _ = writeln!(
            p.out,
            "<tr><td class=\"mono\">{}</td><td class=\"mono wrap\">{}</td><td class=\"mono\">{}</td><td>{lb}</td></tr>",
            obj.tag,
            obj.value
                .as_deref()
                .map(escape)
                .unwrap_or_else(|| "-".into()),
            obj.sw
        );
    }
    p.push("</tbody>\n</table>\n");
}

/// One application in full: its heading, note, PIN table and file table.
fn application_full(p: &mut Page<'_>, app: &Application) {
    let name = p.bi(&app.name_ja, &app.name_en);
    let state = if app.present {
        format!("present ({})", app.select_sw)
    } else {
        format!("ABSENT ({})", app.select_sw)
    };
    let _ = writeln!(
        p.out,
        "<h3 id=\"full-{}\">{name} <small class=\"mono\">AID {} · {}</small></h3>",
        app_key(app.id),
        app.aid,
        escape(&state)
    );
    if let Some(n) = &app.note {
        let _ = writeln!(p.out, "<p><em>note:</em> {}</p>", escape(n));
    }
    if !app.pins.is_empty() {
        pins_table(p, &app.pins);
    }
    if !app.files.is_empty() {
        files_table(p, &app.files);
    }
}

/// Opens a table and writes its header row; the caller writes the rows and closes it.
fn table_head(p: &mut Page<'_>, headers: &[String]) {
    let _ = write!(p.out, "<table>\n<thead><tr>");
    for h in headers {
        let _ = write!(p.out, "<th>{h}</th>");
    }
    p.push("</tr></thead>\n<tbody>\n");
}

/// An application's PINs: tries left, status, kind, format.
fn pins_table(p: &mut Page<'_>, pins: &[Pin]) {
    let hs = [
        "EF".to_string(),
        p.bi("残り / 上限", "tries left / limit"),
        p.bi("状態", "status"),
        "SW".to_string(),
        p.bi("種類", "kind"),
        p.bi("形式", "format"),
        p.bi("名前", "name"),
    ];
    table_head(p, &hs);
    for pin in pins {
        let (_, ja, en) = pin_state(pin);
        let st = p.bi(&ja, &en);
        let (kja, ken) = secret_words(pin.secret);
        let kind = p.bi(kja, ken);
        let lb = p.bi(&pin.label_ja, &pin.label_en);
        let _ = writeln!(
            p.out,
            "<tr><td class=\"mono\">{}</td><td class=\"num mono\">{}</td><td>{st}</td><td class=\"mono\">{}</td><td>{kind}</td><td>{}</td><td>{lb}</td></tr>",
            pin.ef,
            tries_text(pin),
            pin.sw,
            escape(&pin.format)
        );
    }
    p.push("</tbody>\n</table>\n");
}

/// An application's files: tier, the EFs that open them, what was read, content.
fn files_table(p: &mut Page<'_>, files: &[FileReport]) {
    let hs = [
        "EF".to_string(),
        p.bi("区分", "tier"),
        p.bi("開く鍵", "opened by"),
        p.bi("秘密なしで読めたか", "read without a secret"),
        p.bi("名前", "name"),
        p.bi("内容", "content"),
    ];
    table_head(p, &hs);
    for f in files {
        let (ja, en) = Tile::of(f).words();
        let tier = format!(
            "{} <small class=\"mono\">({})</small>",
            p.bi(ja, en),
            access_words(f.access)
        );
        let by: Vec<String> = f.opened_by.iter().map(|e| format!("EF {e}")).collect();
        let lb = p.bi(&f.label_ja, &f.label_en);
        let _ = writeln!(
            p.out,
            "<tr><td class=\"mono\">{}</td><td>{tier}</td><td class=\"mono wrap\">{}</td><td class=\"mono wrap\">{}</td><td>{lb}</td><td>{}</td></tr>",
            f.ef,
            by.join(", "),
            escape(&readable(f)),
            escape(&file_content(f))
        );
    }
    p.push("</tbody>\n</table>\n");
}

/// A file's content cell: its decoded record in one line, then the problem, if any.
fn file_content(f: &FileReport) -> String {
    let mut content = f.details.as_ref().map(detail_text).unwrap_or_default();
    if let Some(pr) = &f.problem {
        if !content.is_empty() {
            content.push_str("; ");
        }
        content.push_str("problem: ");
        content.push_str(pr);
    }
    content
}

/// A decoded record in one line (certificates have their own table).
fn detail_text(d: &Details) -> String {
    match d {
        Details::Certificate(c) => format!("certificate: {} (see Certificates)", c.summary.subject),
        Details::TokenInfo(t) => format!(
            "label {} = {}; model {} / {}; serial {}",
            t.label, t.token, t.manufacturer, t.model, t.serial
        ),
        Details::CertAvailability(a) => {
            let yn = |b: bool| if b { "issued" } else { "NOT issued" };
            format!(
                "signing certificate (署名用) {}; authentication certificate (利用者証明用) {} [{}]",
                yn(a.signing_certificate_issued),
                yn(a.authentication_certificate_issued),
                a.raw
            )
        }
        Details::CardInfo(c) => format!(
            "card serial {}; municipality {}; card expiry {}",
            c.card_serial, c.municipality_code, c.card_expiry
        ),
        Details::ApBasicInfo(b) => b.labelled().join("; "),
        Details::CvCertificate(c) => {
            let bits = c.key_bits.map(|b| format!(", RSA {b}")).unwrap_or_default();
            format!(
                "card-verifiable certificate: issuer key {}, subject key {}{bits}",
                c.issuer_key_id, c.subject_key_id
            )
        }
    }
}

fn certificates(p: &mut Page<'_>) {
    let r = p.r;
    let certs: Vec<(&Application, &FileReport, &CertificateDetails)> = r
        .applications
        .iter()
        .flat_map(|a| a.files.iter().map(move |f| (a, f)))
        .filter_map(|(a, f)| match &f.details {
            Some(Details::Certificate(c)) => Some((a, f, c)),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return;
    }
    let h = p.bi("証明書", "Certificates");
    let _ = writeln!(p.out, "<section id=\"certificates\">\n<h2>{h}</h2>");
    for (a, f, c) in certs {
        let lb = p.bi(&f.label_ja, &f.label_en);
        let _ = writeln!(
            p.out,
            "<h4>{} EF {} — {lb}</h4>\n<table class=\"meta\">\n<tbody>",
            escape(&a.name_en),
            f.ef
        );
        let left = if c.expired {
            format!("EXPIRED {} days ago", -c.days_until_expiry)
        } else {
            format!("{} days left", c.days_until_expiry)
        };
        let bits = c
            .summary
            .key_bits
            .map(|b| format!(" {b}"))
            .unwrap_or_default();
        let mut rows: Vec<(String, String)> = vec![
            (p.bi("主体者", "subject"), escape(&c.summary.subject)),
            (p.bi("発行者", "issuer"), escape(&c.summary.issuer)),
            (p.bi("シリアル番号", "serial"), escape(&c.summary.serial)),
            (
                p.bi("有効期間", "valid"),
                escape(&format!(
                    "{} to {} ({left})",
                    c.summary.not_before, c.summary.not_after
                )),
            ),
            (
                p.bi("鍵", "key"),
                escape(&format!(
                    "{}{bits}, signed with {}",
                    c.summary.key_algorithm, c.summary.signature_algorithm
                )),
            ),
        ];
        if let Some(g) = &c.genuine {
            rows.push(("J-LIS".into(), p.bi(&g.japanese(), &g.english())));
        }
        if let Some(v) = &c.jlis_ca {
            rows.push(("J-LIS".into(), p.bi(&v.japanese(), &v.english())));
        }
        if let Some(ok) = c.chains_to_card_ca {
            let t = if ok {
                p.bi(
                    "このカードのCA証明書で署名されています",
                    "signed by the CA certificate on this card",
                )
            } else {
                p.bi(
                    "このカードのCA証明書で署名されていません",
                    "NOT signed by the CA certificate on this card",
                )
            };
            rows.push((p.bi("チェーン", "chain"), t));
        }
        for (k, v) in rows {
            let _ = writeln!(p.out, "<tr><th>{k}</th><td>{v}</td></tr>");
        }
        p.push("</tbody>\n</table>\n");
    }
    p.push("</section>\n");
}

fn exposure(p: &mut Page<'_>) {
    let r = p.r;
    if !r.is_my_number_card {
        return;
    }
    let h = p.bi(
        "このカードから読めるもの",
        "What can be read from this card",
    );
    let _ = writeln!(p.out, "<section id=\"exposure\">\n<h2>{h}</h2>");
    let tiers: [(&str, &str, &[ExposureItem]); 3] = [
        (
            "1. 秘密なしで読める: カードを持つ誰でも",
            "1. No secret: anyone holding the card",
            &r.exposure.no_secret,
        ),
        (
            "2. 券面の記載事項で: 照合番号A = 裏面の個人番号、照合番号B = 生年月日 + 有効期限の西暦 + セキュリティコード",
            "2. Printed card: 照合番号A = the My Number on the back; 照合番号B = birth date + expiry year + security code on the front",
            &r.exposure.card_surface,
        ),
        (
            "3. 暗証番号が必要: 覚えている暗証番号・パスワードがある人だけ",
            "3. PIN only: only with a memorised PIN or password",
            &r.exposure.pin_only,
        ),
    ];
    for (ja, en, items) in tiers {
        let t = p.bi(ja, en);
        let _ = writeln!(p.out, "<h4>{t} <small>({})</small></h4>", items.len());
        if items.is_empty() {
            let n = p.bi("なし", "nothing");
            let _ = writeln!(p.out, "<p>{n}</p>");
            continue;
        }
        p.push("<ul class=\"plain\">\n");
        for it in items {
            let app = it
                .app
                .and_then(|id| r.applications.iter().find(|a| a.id == id))
                .map(|a| escape(&a.name_en))
                .unwrap_or_else(|| "MF".into());
            let lb = p.bi(&it.label_ja, &it.label_en);
            let by = if it.opened_by.is_empty() {
                String::new()
            } else {
                format!(" ← {}", escape(&it.opened_by.join(" or ")))
            };
            let _ = writeln!(
                p.out,
                "<li>{app} <span class=\"mono\">{}</span>: {lb}{by}</li>",
                escape(&it.item.to_string())
            );
        }
        p.push("</ul>\n");
    }
    if r.error.is_some() {
        let t = p.bi(
            "監査が途中で止まったため、読んだ範囲だけです。",
            "The audit stopped early: this covers only what was read.",
        );
        let _ = writeln!(p.out, "<p><em>{t}</em></p>");
    }
    p.push("</section>\n");
}

fn notes(p: &mut Page<'_>) {
    let r = p.r;
    if r.notes.is_empty() {
        return;
    }
    let h = p.bi("注記", "Notes");
    let _ = writeln!(
        p.out,
        "<section id=\"notes\">\n<h2>{h}</h2>\n<ul class=\"plain\">"
    );
    for n in &r.notes {
        let _ = writeln!(p.out, "<li>{}</li>", p.say(n));
    }
    p.push("</ul>\n</section>\n");
}

fn meta(p: &mut Page<'_>) {
    let r = p.r;
    let h = p.bi("この監査について", "About this audit");
    let _ = writeln!(
        p.out,
        "<footer id=\"about\">\n<h2>{h}</h2>\n<table class=\"meta\">\n<tbody>"
    );
    let source = match r.source.kind {
        SourceKind::Pcsc => "PC/SC reader".to_string(),
        SourceKind::Replay => format!(
            "replay of {} ({})",
            r.source.fixture.as_deref().unwrap_or("a fixture"),
            r.source.fixture_kind.as_deref().unwrap_or("?")
        ),
    };
    let complete = if r.complete {
        p.bi("完了", "complete")
    } else {
        p.bi("途中で停止", "INCOMPLETE")
    };
    let rows = [
        (p.bi("送信したAPDU", "APDUs sent"), r.apdu_count.to_string()),
        (p.bi("入力元", "source"), escape(&source)),
        (p.bi("リーダー", "reader"), escape(&r.reader.name)),
        (
            "ATR".to_string(),
            format!("<span class=\"mono\">{}</span>", escape(&r.reader.atr)),
        ),
        (p.bi("基準日", "as of"), escape(&r.as_of)),
        (p.bi("識別番号", "identifiers"), masked_words(p)),
        (p.bi("監査", "audit"), complete),
        (
            p.bi("ツール", "tool"),
            escape(&format!("{} {}", r.tool.name, r.tool.version)),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(p.out, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    let note = p.bi(
        "このページは外部に接続せず、スクリプトも含みません。",
        "This page loads nothing from the network and runs no script.",
    );
    let _ = writeln!(p.out, "</tbody>\n</table>\n<p>{note}</p>\n</footer>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_markup_and_controls_inert() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a&b"), "a&amp;b");
        assert_eq!(escape("a\x1b[2Jb\n"), "a\\u{1b}[2Jb\\u{a}");
        assert_eq!(escape("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape("券面事項"), "券面事項");
    }

    #[test]
    fn tiles_follow_what_the_card_answered() {
        let f = |access, present, readable| FileReport {
            ef: Ef(1),
            label_ja: String::new(),
            label_en: String::new(),
            access,
            opened_by: Vec::new(),
            present,
            readable_without_secret: readable,
            size: None,
            sw: None,
            details: None,
            problem: None,
        };
        assert_eq!(
            Tile::of(&f(AccessTier::Free, Some(true), Some(true))),
            Tile::Free
        );
        assert_eq!(
            Tile::of(&f(AccessTier::CardSurface, Some(true), Some(false))),
            Tile::Card
        );
        assert_eq!(
            Tile::of(&f(AccessTier::Pin, Some(true), Some(false))),
            Tile::Pin
        );
        // A protected file that answered without a secret is drawn as what it is: free.
        assert_eq!(
            Tile::of(&f(AccessTier::Pin, Some(true), Some(true))),
            Tile::Free
        );
        assert_eq!(Tile::of(&f(AccessTier::Never, None, None)), Tile::Key);
        assert_eq!(
            Tile::of(&f(AccessTier::Unknown, Some(true), Some(false))),
            Tile::Protected
        );
        assert_eq!(
            Tile::of(&f(AccessTier::Free, Some(false), None)),
            Tile::Absent
        );
    }

    fn pin_blocked() -> Report {
        crate::testing::fixture_report("pin-blocked")
    }

    #[test]
    fn blocked_pins_are_red_gauges_with_words() {
        let html = render(&pin_blocked(), &HtmlOptions::default());
        assert!(html.contains("class=\"gauge blocked\""), "{html}");
        assert!(html.contains("BLOCKED or never set"));
        assert!(html.contains("class=\"gauge low\""));
        assert!(html.contains("<span class=\"sev critical\">critical"));
    }

    #[test]
    fn unusable_keys_are_read_in_words() {
        let mut r = pin_blocked();
        let pin = &mut r.applications[0].pins[1];
        pin.status = PinStatus::NotSet;
        pin.reading = Some(KeyReading::NotSetNoCertificate);
        pin.tries_remaining = None;
        let html = render(&r, &HtmlOptions::default());
        assert!(html.contains("class=\"gauge inert\""), "{html}");
        assert!(html.contains("<span lang=\"en\">not set (no certificate)</span>"));
        assert!(html.contains("<span lang=\"ja\">未設定 (証明書なし)</span>"));
        // EF 0018 still reads 6984 as blocked or never set.
        assert!(html.contains("<span lang=\"en\">BLOCKED or never set</span>"));
    }

    #[test]
    fn languages_select_labels() {
        let r = pin_blocked();
        let en = render(&r, &HtmlOptions { lang: Lang::En });
        let ja = render(&r, &HtmlOptions { lang: Lang::Ja });
        let both = render(&r, &HtmlOptions::default());
        assert!(en.contains("<html lang=\"en\">") && !en.contains("lang=\"ja\""));
        assert!(ja.contains("<html lang=\"ja\">") && !ja.contains("<span lang=\"en\">"));
        let gauge_ja = "<span class=\"mono\">0018</span> <span lang=\"ja\">利用者証明用電子証明書暗証番号</span>";
        assert!(ja.contains(gauge_ja) && both.contains(gauge_ja) && !en.contains(gauge_ja));
        assert!(en.contains(
            "<span class=\"mono\">0018</span> <span lang=\"en\">authentication PIN</span></span>"
        ));
        assert!(both.contains("<span lang=\"en\">authentication PIN</span></span>"));
        // Technical terms stay in every language.
        for h in [&en, &ja, &both] {
            assert!(h.contains("D392F000260100000001") && h.contains("0018"));
        }
    }

    #[test]
    fn file_content_joins_the_record_and_the_problem() {
        let f = |problem: Option<&str>| FileReport {
            ef: Ef(1),
            label_ja: String::new(),
            label_en: String::new(),
            access: AccessTier::Free,
            opened_by: Vec::new(),
            present: Some(true),
            readable_without_secret: Some(true),
            size: None,
            sw: None,
            details: None,
            problem: problem.map(String::from),
        };
        assert_eq!(file_content(&f(None)), "");
        assert_eq!(file_content(&f(Some("short read"))), "problem: short read");
    }
}
