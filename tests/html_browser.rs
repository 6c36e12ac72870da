//! The HTML report in a real browser: Debian's headless `chromium` renders the typical card's
//! report from a file, takes a screenshot and dumps the DOM it built. The screenshot must be a
//! real picture (a PNG, not one colour, with the tier colours of the chip map in it) and the DOM
//! must show the verdict and every application.
//!
//! Chromium is a test dependency: `scripts/setup-debian.sh` installs it. Without it this test
//! FAILS (it does not skip). `MYNA_AUDIT_CHROMIUM` names another binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use myna_audit::audit::{AuditOptions, run};
use myna_audit::card::Session;
use myna_audit::fixture::Fixture;
use myna_audit::report::html::{HtmlOptions, render};
use myna_audit::report::{Report, Source, SourceKind};
use myna_audit::transport::ReadOnly;
use myna_audit::transport::replay::Replayer;

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 2000;

fn typical() -> Report {
    let rel = "fixtures/typical.fixture";
    let fixture = Fixture::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let opts = AuditOptions {
        as_of: time::macros::date!(2026 - 06 - 01),
        show_identifiers: false,
        source: Source {
            kind: SourceKind::Replay,
            fixture: Some(rel.into()),
            fixture_kind: Some(fixture.kind.as_str().into()),
        },
        redacted_certificates: Vec::new(),
    };
    let mut s = Session::new(ReadOnly::new(Replayer::new(&fixture, rel)));
    run(&mut s, &opts).report
}

fn chromium() -> String {
    std::env::var("MYNA_AUDIT_CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

/// Runs chromium headless on `page` with `extra` arguments; kills it after a minute.
fn run_chromium(dir: &Path, page: &Path, extra: &[String]) -> Output {
    let profile = dir.join("profile");
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--window-size={WIDTH},{HEIGHT}"))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot run `{}` ({e}): the HTML report's browser test needs Debian's chromium; \
             install it with scripts/setup-debian.sh (or set MYNA_AUDIT_CHROMIUM)",
            chromium()
        ),
    };
    // Wait in a thread so a hung browser is killed rather than hanging the suite.
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let started = Instant::now();
    match rx.recv_timeout(Duration::from_secs(90)) {
        Ok(out) => out.expect("chromium output"),
        Err(_) => {
            // Only the process this test started, by its id.
            let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
            panic!("chromium did not finish within {:?}", started.elapsed())
        }
    }
}

fn workdir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html_browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Image {
    width: u32,
    height: u32,
    /// RGB triples.
    rgb: Vec<[u8; 3]>,
}

fn decode_png(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Indexed => panic!("indexed after EXPAND"),
    };
    let mut rgb = Vec::with_capacity((info.width * info.height) as usize);
    for row in buf[..info.buffer_size()].chunks(info.line_size) {
        for px in row.chunks(channels).take(info.width as usize) {
            rgb.push(match channels {
                1 | 2 => [px[0], px[0], px[0]],
                _ => [px[0], px[1], px[2]],
            });
        }
    }
    Image {
        width: info.width,
        height: info.height,
        rgb,
    }
}

fn hex(c: &str) -> [u8; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// How many pixels are within `tol` of `c` on every channel.
fn count_near(img: &Image, c: [u8; 3], tol: u8) -> usize {
    img.rgb
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(c[i]) <= tol))
        .count()
}

#[test]
fn chromium_renders_the_typical_report() {
    let r = typical();
    let html = render(&r, &HtmlOptions::default());
    let dir = workdir();
    let page = dir.join("typical.html");
    std::fs::write(&page, &html).unwrap();

    // The screenshot.
    let shot = dir.join("shot.png");
    let out = run_chromium(&dir, &page, &[format!("--screenshot={}", shot.display())]);
    assert!(
        out.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot at {} ({e}); chromium said: {}",
            shot.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        bytes.len() > 20_000,
        "screenshot is only {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let img = decode_png(&bytes);
    assert_eq!((img.width, img.height), (WIDTH, HEIGHT));
    assert_eq!(img.rgb.len(), (WIDTH * HEIGHT) as usize);
    let mut colours: Vec<[u8; 3]> = img.rgb.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "only {} colours: a blank page?",
        colours.len()
    );
    let white = count_near(&img, [255, 255, 255], 0);
    assert!(
        white < img.rgb.len() * 95 / 100,
        "{white} of {} pixels are white",
        img.rgb.len()
    );
    // The chip map was drawn with its stylesheet: the tier borders are on screen.
    for (tier, colour) in [
        ("no secret", "#d9480f"),
        ("printed card", "#b08900"),
        ("PIN only", "#2f6fba"),
        ("key", "#6b7280"),
    ] {
        let n = count_near(&img, hex(colour), 12);
        assert!(n > 200, "{tier} tier colour {colour}: {n} pixels");
    }

    // The DOM chromium built.
    let out = run_chromium(&dir, &page, &["--dump-dom".to_string()]);
    assert!(
        out.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8(out.stdout).expect("utf-8 DOM");
    assert!(
        dom.contains("<section class=\"verdict\" id=\"verdict\">"),
        "{dom:.2000}"
    );
    assert!(dom.contains("Not confirmed genuine"), "verdict in the DOM");
    assert!(dom.contains("Needs attention"), "headline in the DOM");
    assert!(!dom.contains("<script"), "no script");
    assert_eq!(r.applications.len(), 5);
    for app in &r.applications {
        assert!(dom.contains(&app.name_en), "{} in the DOM", app.name_en);
        assert!(dom.contains(&app.name_ja), "{} in the DOM", app.name_ja);
        let id = format!(
            "id=\"app-{}\"",
            serde_json::to_value(app.id).unwrap().as_str().unwrap()
        );
        assert!(dom.contains(&id), "{id} in the DOM");
    }
    for f in &r.findings {
        assert!(dom.contains(&myna_audit::report::html::escape(&f.message.en)));
    }
    // Keep the files for a look (`target/tmp/html_browser/`); a rerun replaces them.
    eprintln!(
        "screenshot: {} ({} bytes); page {} bytes",
        shot.display(),
        bytes.len(),
        html.len()
    );
}
