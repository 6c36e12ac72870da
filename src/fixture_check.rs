//! `fixture check`: the leak check for fixture files, run before a fixture is shared.
//!
//! A leak (exit 1) is: a 12-digit number with a valid My Number check digit that the header
//! does not declare `fictional:`; a holder's certificate issued by the production JPKI CA
//! (`O=JPKI`, no test marker) that the header does not declare redacted; a certificate that
//! names its holder; JPEG 2000 or PNG image data; a VERIFY-class command carrying data; a
//! header that does not say the fixture is synthetic or redacted; and, in a
//! `recorded-redacted` fixture, an identifier that is not one of its declared replacements.
//! Response data is checked hex-decoded and put back together across READ BINARY chunks
//! ([`crate::privacy`]). A malformed file is exit 2, with its line number.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Exit;
use crate::fixture::Declaration;
use crate::fixture::{Exchange, Fixture, FixtureKind, MAX_FIXTURE_BYTES, carries_secret};
use crate::privacy::context::split;
use crate::privacy::detect::{self, CertInfo, Declared};
use crate::privacy::{Assembly, IdKind, ObjectId, Placement, locate};

/// One thing wrong with a fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (0 when the file could not be read at all).
    pub line: usize,
    /// A leak (exit 1) rather than a format error (exit 2).
    pub leak: bool,
    /// A warning only (neither a leak nor a format error; the exit status is unchanged).
    pub warning: bool,
    pub message: String,
}

fn leak(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        line,
        leak: true,
        warning: false,
        message: message.into(),
    }
}

fn malformed(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        line,
        leak: false,
        warning: false,
        message: message.into(),
    }
}

fn warning(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        line,
        leak: false,
        warning: true,
        message: message.into(),
    }
}

/// What the header lines say, read leniently (the file may be malformed).
#[derive(Default)]
struct Header {
    /// Every `kind:` line: a second one is malformed, and each is judged.
    kinds: Vec<(usize, String)>,
    format_line: Option<usize>,
    fictional: Vec<String>,
    /// Declared replacement values per kind; `auth-certificate` declared at all.
    declared: BTreeMap<IdKind, Vec<String>>,
}

impl Header {
    /// Every value the header declares: `fictional:` values and `redacted:` replacements.
    fn allowed(&self) -> Declared {
        Declared::of(
            self.fictional
                .iter()
                .chain(self.declared.values().flatten())
                .map(String::as_str),
        )
    }
}

fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    hex::decode(compact).ok()
}

/// Checks one fixture's text.
pub fn check_text(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut h = Header::default();
    let mut response_lines = Vec::new();
    let mut text_lines = Vec::new();
    let mut in_header = true;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix('>') {
            in_header = false;
            if parse_hex(rest).is_some_and(|c| carries_secret(&c)) {
                problems.push(leak(
                    n,
                    "a command that carries a secret (a PIN, PUK or password) with its data: \
                     fixtures must never contain one",
                ));
            }
            continue;
        }
        if line.starts_with('<') {
            in_header = false;
            response_lines.push(n);
            continue;
        }
        if in_header {
            if let Some((key, value)) = line.split_once(':').filter(|_| !line.starts_with('#')) {
                let value = value.trim();
                match key.trim() {
                    "kind" => h.kinds.push((n, value.to_string())),
                    "format" => h.format_line = Some(n),
                    "fictional" => h.fictional.push(value.to_string()),
                    "redacted" => {
                        if let Some(d) = Declaration::parse(value) {
                            h.declared.entry(d.kind).or_default().extend(d.replacement);
                        }
                    }
                    _ => {}
                }
            }
        }
        // The ATR is hex data: scanned as bytes (by the parser's data check), not as text.
        if in_header && line.strip_prefix("atr:").is_some() {
            if let Some(atr) = line.strip_prefix("atr:").and_then(parse_hex) {
                for hit in detect::scan(&atr, &Declared::of(h.fictional.iter().map(String::as_str)))
                {
                    problems.push(leak(n, format!("{} in the ATR", hit.what.describe())));
                }
            }
            continue;
        }
        // Comments and header values are text people read and share too: every line,
        // `fictional:` lines included (they may hold their declared value, nothing else).
        text_lines.push((n, line));
    }
    let allowed = h.allowed();
    for (n, line) in text_lines {
        for _ in detect::scan_text(line, &allowed) {
            problems.push(leak(
                n,
                "a 12-digit number with a valid My Number check digit (in any printed form), \
                 not declared 'fictional:'",
            ));
        }
    }
    problems.extend(kind_problems(&h));
    match Fixture::parse(text) {
        Err((line, message)) => problems.push(malformed(line, message)),
        Ok(f) => problems.extend(check_data(&f, &h, &allowed, &response_lines)),
    }
    problems.sort_by_key(|p| p.line);
    problems.dedup();
    problems
}

/// The `kind:` lines judged: each must say synthetic or redacted (a second `kind:` line is
/// also malformed, from the parser).
fn kind_problems(h: &Header) -> Vec<Problem> {
    if h.kinds.is_empty() {
        return vec![leak(
            h.format_line.unwrap_or(1),
            "the header has no 'kind:' line saying whether the fixture is synthetic or redacted",
        )];
    }
    let mut out = Vec::new();
    for (n, k) in &h.kinds {
        if k == FixtureKind::RecordedPrivate.as_str() {
            out.push(leak(
                *n,
                "kind: recorded-private: this recording keeps the card's real identifiers; never share it \
                 (record again without --keep-identifiers)",
            ));
        } else if k != FixtureKind::Synthetic.as_str()
            && k != FixtureKind::RecordedRedacted.as_str()
        {
            out.push(leak(
                *n,
                format!("kind: '{k}' does not say whether the fixture is synthetic or redacted"),
            ));
        }
    }
    if let [(first, a), rest @ ..] = h.kinds.as_slice() {
        for (n, b) in rest.iter().filter(|(_, b)| b != a) {
            out.push(leak(
                *n,
                format!(
                    "kind: '{b}' contradicts 'kind: {a}' on line {first}: a fixture says what it is once"
                ),
            ));
        }
    }
    out
}

/// The leaks inside a well-formed fixture's response data: each object put back together
/// from its chunks, and every recorded answer on its own (an earlier answer to the same
/// read is scanned too, not only the one replay would serve).
fn check_data(
    f: &Fixture,
    h: &Header,
    allowed: &Declared,
    response_lines: &[usize],
) -> Vec<Problem> {
    let mut out = Vec::new();
    let line_of = |i: usize| {
        response_lines
            .get(i)
            .copied()
            .unwrap_or_else(|| f.exchanges.get(i).map_or(0, |e| e.line))
    };
    let assembly = Assembly::of(
        f.exchanges
            .iter()
            .map(|e| (e.command.as_slice(), e.response.as_slice())),
    );
    let redacted = f.kind == FixtureKind::RecordedRedacted;
    for (obj, img) in &assembly.objects {
        let place = obj.describe();
        for (off, run) in img.runs() {
            let at = |k: usize| img.origin(off + k).map_or(0, line_of);
            let laid_out = (off == 0).then_some(obj);
            for hit in detect::scan_object(laid_out, &run, allowed) {
                out.push(leak(
                    at(hit.offset),
                    format!(
                        "{} in {place} (byte {})",
                        hit.what.describe(),
                        off + hit.offset
                    ),
                ));
            }
            for c in detect::certificates(&run) {
                out.extend(certificate(&c, h, redacted, &place, at(c.offset)));
            }
        }
        if redacted {
            out.extend(undeclared_identifiers(obj, img, h, &line_of));
        }
    }
    for (i, (e, p)) in f.exchanges.iter().zip(&assembly.placements).enumerate() {
        out.extend(one_answer(e, p.as_ref(), line_of(i), h, allowed, redacted));
    }
    out.extend(contradictions(f, &assembly, &line_of));
    out
}

/// Leaks in one recorded answer's data on its own.
fn one_answer(
    e: &Exchange,
    p: Option<&Placement>,
    line: usize,
    h: &Header,
    allowed: &Declared,
    redacted: bool,
) -> Vec<Problem> {
    let Some((data, _)) = split(&e.response) else {
        return Vec::new();
    };
    let (place, laid_out, base) = match p {
        Some(p) => (
            p.object.describe(),
            (p.offset == 0).then_some(&p.object),
            p.offset,
        ),
        None => ("a response".to_string(), None, 0),
    };
    let mut out: Vec<Problem> = detect::scan_object(laid_out, data, allowed)
        .into_iter()
        .map(|hit| {
            let msg = if p.is_some() {
                format!(
                    "{} in {place} (byte {})",
                    hit.what.describe(),
                    base + hit.offset
                )
            } else {
                hit.what.describe().to_string()
            };
            leak(line, msg)
        })
        .collect();
    for c in detect::certificates(data) {
        out.extend(certificate(&c, h, redacted, &place, line));
    }
    out
}

/// Bytes of one object recorded twice with different values: replay serves one of them,
/// so the fixture does not say one thing. A warning, naming both lines.
fn contradictions(
    f: &Fixture,
    assembly: &Assembly,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<Problem> {
    let mut seen: BTreeMap<(&ObjectId, usize), (u8, usize)> = BTreeMap::new();
    let mut reported: std::collections::BTreeSet<(usize, usize)> = Default::default();
    let mut out = Vec::new();
    for (i, (e, p)) in f.exchanges.iter().zip(&assembly.placements).enumerate() {
        let (Some(p), Some((data, _))) = (p, split(&e.response)) else {
            continue;
        };
        for (k, b) in data.iter().enumerate() {
            match seen.get(&(&p.object, p.offset + k)) {
                Some((old, j)) if old != b && reported.insert((*j, i)) => {
                    out.push(warning(
                        line_of(i),
                        format!(
                            "{} byte {} was recorded on line {} with another value: contradictory \
                             answers to the same read (replay serves the last)",
                            p.object.describe(),
                            p.offset + k,
                            line_of(*j)
                        ),
                    ));
                }
                _ => {}
            }
            seen.insert((&p.object, p.offset + k), (*b, i));
        }
    }
    out
}

fn certificate(
    c: &CertInfo,
    h: &Header,
    redacted: bool,
    place: &str,
    line: usize,
) -> Option<Problem> {
    if let Some(why) = &c.names_holder {
        return Some(leak(
            line,
            format!("a certificate in {place} names its holder: {why}"),
        ));
    }
    if !c.production_issuer() || c.is_ca {
        // Test and synthetic hierarchies, and the public CA certificates themselves.
        return None;
    }
    let declared = |k: IdKind, v: &str| {
        h.declared
            .get(&k)
            .is_some_and(|vs| vs.iter().any(|d| d == v))
    };
    let serial_ok = declared(IdKind::AuthCertSerial, &c.serial);
    let cn_ok = c
        .subject_cns
        .iter()
        .all(|cn| declared(IdKind::AuthCertCn, cn));
    let key_ok = h.declared.contains_key(&IdKind::AuthCertKey);
    if redacted && serial_ok && cn_ok && key_ok {
        return None;
    }
    Some(leak(
        line,
        format!(
            "a holder's certificate in {place} issued by the production JPKI CA (O=JPKI) whose serial, \
             subject and key are not declared redacted: a real card's certificate"
        ),
    ))
}

/// In a redacted fixture, every identifier must be one of the declared replacements.
fn undeclared_identifiers(
    obj: &ObjectId,
    img: &crate::privacy::context::Image,
    h: &Header,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<Problem> {
    let place = obj.describe();
    let first_line = img.origin(0).map_or(0, line_of);
    let spans = match locate(obj, &img.prefix()) {
        Ok(s) => s,
        Err(why) => {
            return vec![leak(
                first_line,
                format!(
                    "{place} does not have the expected structure ({why}): its identifiers cannot be verified"
                ),
            )];
        }
    };
    let mut out = Vec::new();
    for s in spans {
        let line = img.origin(s.range.start).map_or(first_line, line_of);
        if s.kind.is_blob() {
            if !h.declared.contains_key(&IdKind::AuthCertKey) {
                out.push(leak(
                    line,
                    format!("{place}: the certificate's key and signature are not declared replaced ('redacted: auth-certificate')"),
                ));
                break;
            }
            continue;
        }
        let Some(value) = s
            .range
            .clone()
            .map(|i| img.get(i))
            .collect::<Option<Vec<u8>>>()
        else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let shown = if s.kind.is_text() {
            String::from_utf8_lossy(&value).into_owned()
        } else {
            hex::encode_upper(&value)
        };
        if !h
            .declared
            .get(&s.kind)
            .is_some_and(|vs| vs.contains(&shown))
        {
            out.push(leak(
                line,
                format!(
                    "{place}: the {} is not one of the declared 'redacted: {}' values (edited after recording?)",
                    s.kind.label(),
                    s.kind.key()
                ),
            ));
        }
    }
    out
}

/// Checks one file; an unreadable file is one format problem on line 0.
pub fn check_file(path: &Path) -> Vec<Problem> {
    let unreadable = |message: String| vec![malformed(0, message)];
    match std::fs::metadata(path) {
        Err(e) => return unreadable(format!("cannot read: {e}")),
        Ok(m) if m.len() > MAX_FIXTURE_BYTES => {
            return unreadable(format!(
                "{} bytes is larger than the {MAX_FIXTURE_BYTES} byte limit for a fixture",
                m.len()
            ));
        }
        Ok(_) => {}
    }
    match std::fs::read(path).map(String::from_utf8) {
        Err(e) => unreadable(format!("cannot read: {e}")),
        Ok(Err(_)) => unreadable("not UTF-8 text".into()),
        Ok(Ok(text)) => check_text(&text),
    }
}

/// How many problems of each kind the checked files have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub leaks: usize,
    pub malformed: usize,
    pub warnings: usize,
}

impl Tally {
    /// Counts one file's problems.
    pub fn add(&mut self, problems: &[Problem]) {
        self.leaks += problems.iter().filter(|p| p.leak).count();
        self.malformed += problems.iter().filter(|p| !p.leak && !p.warning).count();
        self.warnings += problems.iter().filter(|p| p.warning).count();
    }

    /// The exit status of `fixture check`: findings on any leak, else failed on any
    /// malformed or unreadable file, else ok.
    pub fn exit(&self) -> Exit {
        if self.leaks > 0 {
            Exit::Findings
        } else if self.malformed > 0 {
            Exit::Failed
        } else {
            Exit::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]
    use super::*;

    /// A synthetic fixture whose JPKI-AP EF 000B / EF 0002 hold each pinned J-LIS root in
    /// turn (as a card personalised with that generation does), read in 256-byte chunks.
    fn with_ca(der: &[u8]) -> String {
        let mut t = String::from(
            "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n\
             > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n< 90 00\n\
             > 00 A4 02 0C 02 00 0B\n< 90 00\n",
        );
        for (i, chunk) in der.chunks(256).enumerate() {
            let off = i * 256;
            t.push_str(&format!(
                "> 00 B0 {:02X} {:02X} 00\n< {} 90 00\n",
                off >> 8,
                off & 0xFF,
                hex::encode_upper(chunk)
            ));
        }
        t
    }

    /// The J-LIS CA certificates are public and the same on every card: never a leak, in a
    /// synthetic fixture or a redacted recording (issue 9, `jlis-gen1-ca.fixture`).
    #[test]
    fn the_pinned_j_lis_roots_are_public_not_a_leak() {
        let roots = crate::trust::pinned_roots().unwrap();
        assert!(roots.len() >= 4);
        for root in roots {
            let text = with_ca(root.der());
            let problems = check_text(&text);
            assert!(
                problems.is_empty(),
                "generation {} {:?}: {problems:#?}",
                root.generation(),
                root.purpose()
            );
            let redacted = text.replace("kind: synthetic", "kind: recorded-redacted");
            assert!(check_text(&redacted).is_empty(), "{}", root.generation());
        }
    }
}
