//! The HTML report (`report::html::render`) on every shipped fixture, replayed: well-formed
//! (every tag it opens is closed, in order), self-contained (nothing that could fetch), complete
//! (every application and finding), inert against hostile card strings, and a snapshot of its
//! text content for the typical card.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

use myna_audit::audit::{AuditOptions, run};
use myna_audit::card::Session;
use myna_audit::fixture::Fixture;
use myna_audit::report::html::{CSP, HtmlOptions, render};
use myna_audit::report::{Details, Report, Source, SourceKind};
use myna_audit::transport::ReadOnly;
use myna_audit::transport::replay::Replayer;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fixture"))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "shipped fixtures: {v:?}");
    v
}

/// The report `audit --replay fixtures/<name>.fixture --as-of 2026-06-01` prints.
fn report(name: &str, show_identifiers: bool) -> Report {
    let rel = format!("fixtures/{name}.fixture");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    let fixture = Fixture::load(&path).unwrap();
    let redacted_certificates = fixture
        .declarations()
        .iter()
        .filter(|d| d.kind == myna_audit::privacy::IdKind::AuthCertKey)
        .map(|_| myna_audit::card::chipmap::CertRole::Auth)
        .collect();
    let opts = AuditOptions {
        as_of: time::macros::date!(2026 - 06 - 01),
        show_identifiers,
        source: Source {
            kind: SourceKind::Replay,
            fixture: Some(rel.clone()),
            fixture_kind: Some(fixture.kind.as_str().into()),
        },
        redacted_certificates,
    };
    let mut s = Session::new(ReadOnly::new(Replayer::new(&fixture, &rel)));
    run(&mut s, &opts).report
}

const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link", "wbr"];
/// Every element the renderer may emit.
const ALLOWED: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "footer", "section", "h1", "h2",
    "h3", "h4", "p", "div", "span", "strong", "em", "small", "br", "ul", "li", "table", "thead",
    "tbody", "tr", "th", "td",
];
const ALLOWED_ATTRS: &[&str] = &[
    "lang",
    "class",
    "id",
    "title",
    "charset",
    "http-equiv",
    "content",
    "name",
];

struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

/// A small tokenizer for the markup this renderer writes: tags with quoted attributes, a
/// doctype, raw text in `<style>`. Panics on anything it does not understand.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix("!DOCTYPE html>") {
            rest = r;
            continue;
        }
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or_else(|| panic!("unterminated tag at {rest:.40}"));
        let name = rest[..end].to_string();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "tag name {name:?} at <{rest:.60}"
        );
        rest = &rest[end..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            let e = rest
                .find(['=', '>', ' '])
                .unwrap_or_else(|| panic!("attribute at {rest:.40}"));
            let an = rest[..e].to_string();
            rest = &rest[e..];
            let value = if let Some(r) = rest.strip_prefix("=\"") {
                let q = r.find('"').expect("closing quote");
                let v = r[..q].to_string();
                rest = &r[q + 1..];
                v
            } else {
                assert!(
                    !rest.starts_with('='),
                    "unquoted attribute value at {rest:.40}"
                );
                String::new()
            };
            assert!(!value.contains('<'), "'<' in attribute {an}={value}");
            attrs.push((an, value));
        }
        if name == "style" && !closing {
            let e = rest.find("</style>").expect("style closed");
            assert!(!rest[..e].contains('<'), "markup inside <style>");
            rest = &rest[e..];
        }
        out.push(Tag {
            name,
            closing,
            attrs,
        });
    }
    out
}

fn assert_well_formed(html: &str, what: &str) {
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang="), "{what}");
    let mut stack: Vec<String> = Vec::new();
    for t in tags(html) {
        assert!(
            ALLOWED.contains(&t.name.as_str()),
            "{what}: unexpected element <{}>",
            t.name
        );
        for (a, _) in &t.attrs {
            assert!(
                ALLOWED_ATTRS.contains(&a.as_str()),
                "{what}: unexpected attribute {a} on <{}>",
                t.name
            );
        }
        if VOID.contains(&t.name.as_str()) {
            assert!(!t.closing, "{what}: </{}>", t.name);
            continue;
        }
        if t.closing {
            let open = stack.pop();
            assert_eq!(
                open.as_deref(),
                Some(t.name.as_str()),
                "{what}: </{}> closes {open:?}",
                t.name
            );
        } else {
            stack.push(t.name);
        }
    }
    assert!(stack.is_empty(), "{what}: left open: {stack:?}");
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text a reader sees: the body without tags, one block per line.
fn text_content(html: &str) -> String {
    let body = &html[html.find("<body>").expect("body")..];
    let mut text = String::new();
    let mut rest = body;
    const BLOCK: &[&str] = &[
        "h1", "h2", "h3", "h4", "p", "div", "li", "tr", "header", "footer", "section", "table",
        "ul", "br",
    ];
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        let e = rest[i..].find('>').expect("tag end") + i;
        let tag = &rest[i + 1..e];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        if BLOCK.contains(&name) {
            text.push('\n');
        } else if (name == "td" || name == "th") && !tag.starts_with('/') {
            text.push_str(" | ");
        }
        rest = &rest[e + 1..];
    }
    text.push_str(rest);
    unescape(&text)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|l| {
            l.trim_start_matches("| ")
                .trim_end_matches(" |")
                .to_string()
        })
        .filter(|l| !l.is_empty() && l != "|")
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn escaped(s: &str) -> String {
    myna_audit::report::html::escape(s)
}

#[test]
fn every_fixture_renders_well_formed_self_contained_and_complete() {
    for path in fixtures() {
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let r = report(&name, false);
        let html = render(&r, &HtmlOptions::default());
        // Kept for a look: target/tmp/html_report/<fixture>.html.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html_report");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("{name}.html")), &html).unwrap();
        assert_well_formed(&html, &name);
        assert!(html.contains("<meta charset=\"utf-8\">"), "{name}");
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
                escaped(CSP)
            )),
            "{name}"
        );
        assert_eq!(
            CSP,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        );
        for bad in [
            "http://",
            "https://",
            "src=",
            "href=",
            "<script",
            "url(",
            "@import",
            "@font-face",
        ] {
            assert!(!html.contains(bad), "{name}: contains {bad}");
        }
        assert!(html.contains("id=\"verdict\""), "{name}");
        assert!(html.contains("@media print{"), "{name}: print rule");
        assert!(html.contains("<meta name=\"viewport\""), "{name}");
        for app in &r.applications {
            assert!(
                html.contains(&escaped(&app.name_en)),
                "{name}: {}",
                app.name_en
            );
            assert!(
                html.contains(&escaped(&app.name_ja)),
                "{name}: {}",
                app.name_ja
            );
            for f in &app.files {
                assert!(
                    html.contains(&escaped(&f.label_en)),
                    "{name}: {}",
                    f.label_en
                );
            }
        }
        for f in &r.findings {
            for half in [&f.message.en, &f.message.ja] {
                assert!(html.contains(&escaped(half)), "{name}: {half}");
            }
        }
        for n in &r.notes {
            for half in [&n.en, &n.ja] {
                assert!(html.contains(&escaped(half)), "{name}: {half}");
            }
        }
        if let Some(e) = &r.error {
            assert!(html.contains(&escaped(&e.message)), "{name}");
        }
        assert!(html.contains(&escaped(&r.reader.name)));
        assert!(html.contains(&r.reader.atr));
        assert!(
            html.contains(&format!("<td>{}</td>", r.apdu_count)),
            "{name}"
        );
        if r.is_my_number_card {
            // The map: one block per application plus the MF, gauges for every PIN.
            assert_eq!(
                html.matches("<div class=\"app").count(),
                r.applications.len() + usize::from(r.master_file.is_some()),
                "{name}"
            );
            let pins: usize = r.applications.iter().map(|a| a.pins.len()).sum();
            assert_eq!(html.matches("<div class=\"gauge ").count(), pins, "{name}");
            let files: usize = r.applications.iter().map(|a| a.files.len()).sum();
            let mf = r.master_file.as_ref().map_or(0, |m| m.objects.len());
            assert_eq!(
                html.matches("<div class=\"tile ").count(),
                files + mf,
                "{name}"
            );
            // Usable without colour: every tile writes its tier.
            assert_eq!(
                html.matches("<span class=\"tw\"><span lang=").count(),
                files + mf,
                "{name}"
            );
            for tier in ["no secret", "printed card", "PIN only"] {
                assert!(html.contains(tier), "{name}: {tier}");
            }
        }
        // Certificates in full.
        for app in &r.applications {
            for f in &app.files {
                if let Some(Details::Certificate(c)) = &f.details {
                    assert!(html.contains(&escaped(&c.summary.subject)), "{name}");
                    assert!(html.contains(&escaped(&c.summary.not_after)), "{name}");
                }
            }
        }
    }
}

#[test]
fn verdict_comes_first_and_names_the_state() {
    let html = render(&report("pin-blocked", false), &HtmlOptions::default());
    let verdict = html.find("id=\"verdict\"").unwrap();
    let map = html.find("id=\"map\"").unwrap();
    let tables = html.find("id=\"applications\"").unwrap();
    assert!(verdict < map && map < tables);
    let block = &html[verdict..map];
    assert!(block.contains("Not confirmed genuine"), "{block}");
    assert!(
        block.contains("2 critical · 4 warning · 0 notice"),
        "{block}"
    );
    assert!(block.contains("BLOCKED or never set"), "{block}");
    assert!(block.contains("id=\"pins\""));
}

#[test]
fn identifier_masking_is_shown() {
    let masked = render(&report("typical", false), &HtmlOptions::default());
    assert!(masked.contains("identifiers masked"));
    assert!(masked.contains("************0101"));
    let shown = render(&report("typical", true), &HtmlOptions::default());
    assert!(shown.contains("identifiers SHOWN"));
    assert!(!shown.contains("************0101"));
}

#[test]
fn hostile_card_strings_come_out_inert() {
    let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'\x1b[2J\u{202e}";
    let mut r = report("pin-blocked", false);
    r.reader.name = evil.into();
    r.reader.atr = evil.into();
    r.as_of = evil.into();
    r.tool.version = evil.into();
    r.notes.push(myna_audit::lang::Text::new(evil, evil));
    r.findings[0].message = myna_audit::lang::Text::new(evil, evil);
    r.source.fixture = Some(evil.into());
    let app = &mut r.applications[0];
    app.name_en = evil.into();
    app.name_ja = evil.into();
    app.note = Some(evil.into());
    app.pins[0].label_en = evil.into();
    app.pins[0].format = evil.into();
    for f in &mut app.files {
        f.label_en = evil.into();
        f.label_ja = evil.into();
        f.problem = Some(evil.into());
        if let Some(Details::Certificate(c)) = &mut f.details {
            c.summary.subject = evil.into();
            c.summary.serial = evil.into();
        }
    }
    if let Some(mf) = &mut r.master_file {
        mf.objects[0].value = Some(evil.into());
        mf.objects[0].label_en = evil.into();
    }
    r.exposure.no_secret[0].label_en = evil.into();
    r.exposure.card_surface[0].opened_by = vec![evil.into()];
    r.error = Some(myna_audit::report::ErrorInfo {
        code: evil.into(),
        message: evil.into(),
        hint: evil.into(),
    });
    for lang in [
        myna_audit::lang::Lang::Both,
        myna_audit::lang::Lang::En,
        myna_audit::lang::Lang::Ja,
    ] {
        let html = render(&r, &HtmlOptions { lang });
        // Only the renderer's own elements and attributes: no script, no img, no handler.
        assert_well_formed(&html, "hostile");
        assert!(!html.contains("<script") && !html.contains("<img"));
        assert!(!html.contains('\x1b') && !html.contains('\u{202e}'));
        assert!(html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;\\u{1b}[2J\\u{202e}"
        ));
        // And the reader sees it as text.
        let text = text_content(&html);
        assert!(
            text.contains("<script>alert(1)</script>\"><img src=x onerror=alert(2)>'\\u{1b}[2J")
        );
    }
}

#[test]
fn typical_text_content_snapshot() {
    let html = render(&report("typical", false), &HtmlOptions::default());
    insta::assert_snapshot!("typical.html-text", text_content(&html));
}

#[test]
fn typical_size_is_reasonable() {
    let html = render(&report("typical", false), &HtmlOptions::default());
    // One self-contained page: the CSS plus the tables, well under a megabyte.
    assert!(
        (20_000..300_000).contains(&html.len()),
        "typical.fixture HTML is {} bytes",
        html.len()
    );
}
