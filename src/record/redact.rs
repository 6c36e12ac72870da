//! Redaction of a recording, in memory, before anything is written.
//!
//! Each object (EF, record, GET DATA value) is put back together from its READ BINARY
//! chunks, its identifying spans are found ([`crate::privacy::identifiers`]) and replaced
//! by synthetic values of the same length and structure — the same real value always by
//! the same replacement, wherever it appears — and the bytes are split back along the
//! recorded chunk boundaries. Anything else that looks personal stops the recording.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::card::command::{Apdu, Command, ISD_AID, split_response as split};
use crate::fixture::{Declaration, Exchange};
use crate::privacy::context::{Assembly, Image, ObjectId, app_label};
use crate::privacy::detect;
use crate::privacy::identifiers::{IdKind, Span, locate};
use crate::transport::spaced_hex;

/// Why a recording cannot be written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RedactError {
    #[error("{place} holds {what}, which the redactor has no rule for")]
    Personal { place: String, what: String },
    #[error(
        "{place} does not have the structure the redactor expects ({why}), so its identifiers cannot be found"
    )]
    Unrecognised { place: String, why: String },
    #[error("{0} command(s) carrying a PIN or other secret passed during the recording")]
    SecretSent(usize),
    #[error("an identifier ({0}) was still present after redaction")]
    Leftover(&'static str),
}

/// Values shorter than this are replaced only where the chip map puts them: a 5-digit
/// municipality code could occur by chance inside a key or signature.
const SWEEP_MIN: usize = 6;

/// The recording after redaction.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub exchanges: Vec<Exchange>,
    /// One `redacted:` header value per replaced value (and one for the certificate blobs).
    pub declared: Vec<String>,
}

/// A header declaration: `<key> = "<replacement>" (<what>)`, or `<key> (<what>)` for bytes
/// replaced wholesale ([`Declaration`] reads it back).
pub fn declaration(kind: IdKind, value: Option<&str>) -> String {
    Declaration {
        kind,
        replacement: value.map(str::to_string),
    }
    .to_line()
}

/// How a replacement value is shown in the header.
fn shown(kind: IdKind, value: &[u8]) -> String {
    if kind.is_text() {
        String::from_utf8_lossy(value).into_owned()
    } else {
        hex::encode_upper(value)
    }
}

struct Analysis {
    assembly: Assembly,
    spans: BTreeMap<ObjectId, Vec<Span>>,
}

/// Reassembles the objects, finds their identifiers and refuses anything personal that
/// no rule covers. With `strict`, an object whose identifiers cannot be located is an error.
fn analyse(exchanges: &[Exchange], strict: bool) -> Result<Analysis, RedactError> {
    let assembly = Assembly::of(
        exchanges
            .iter()
            .map(|e| (e.command.as_slice(), e.response.as_slice())),
    );
    let mut spans = BTreeMap::new();
    for (obj, img) in &assembly.objects {
        match locate(obj, &img.prefix()) {
            Ok(found) => {
                let clipped: Vec<Span> = found
                    .into_iter()
                    .map(|s| Span {
                        range: s.range.start.min(img.len())..s.range.end.min(img.len()),
                        kind: s.kind,
                    })
                    .filter(|s| !s.range.is_empty())
                    .collect();
                spans.insert(obj.clone(), clipped);
            }
            Err(why) if strict => {
                return Err(RedactError::Unrecognised {
                    place: obj.describe(),
                    why,
                });
            }
            Err(_) => {}
        }
    }
    for (obj, img) in &assembly.objects {
        let known = spans.get(obj).map(Vec::as_slice).unwrap_or_default();
        for (off, run) in img.runs() {
            refuse_personal(Some(obj), &run, known, off, &obj.describe())?;
        }
    }
    for (e, p) in exchanges.iter().zip(&assembly.placements) {
        if p.is_none() {
            if let Some((data, _)) = split(&e.response) {
                let place = format!(
                    "the answer to {}",
                    spaced_hex(&e.command[..e.command.len().min(4)])
                );
                refuse_personal(None, data, &[], 0, &place)?;
            }
        }
    }
    Ok(Analysis { assembly, spans })
}

/// Fails on personal data in `run` (which starts at object offset `off`), ignoring the
/// identifier spans the rules already handle.
fn refuse_personal(
    obj: Option<&ObjectId>,
    run: &[u8],
    known: &[Span],
    off: usize,
    place: &str,
) -> Result<(), RedactError> {
    let mut blanked = run.to_vec();
    for s in known {
        for i in s.range.clone() {
            if let Some(b) = i.checked_sub(off).and_then(|j| blanked.get_mut(j)) {
                *b = 0;
            }
        }
    }
    // A run that does not start the object is not laid out as the object is.
    let obj = obj.filter(|_| off == 0);
    if let Some(hit) = detect::scan_object(obj, &blanked, &detect::Declared::none()).first() {
        return Err(RedactError::Personal {
            place: format!("{place} (byte {})", off + hit.offset),
            what: hit.what.describe().into(),
        });
    }
    for c in detect::certificates(run) {
        if let Some(why) = c.names_holder {
            return Err(RedactError::Personal {
                place: format!("{place} (byte {})", off + c.offset),
                what: format!("a certificate that names its holder: {why}"),
            });
        }
    }
    Ok(())
}

/// Checks a recording kept with `--keep-identifiers`: nothing is replaced, but personal
/// data no rule covers still stops it.
pub fn inspect(exchanges: &[Exchange], withheld_secrets: usize) -> Result<(), RedactError> {
    if withheld_secrets > 0 {
        return Err(RedactError::SecretSent(withheld_secrets));
    }
    analyse(exchanges, false).map(|_| ())
}

/// Synthetic text of the same length and character classes: digits stay digits (the
/// first becomes 9, the counter fills the last ones), letters become X/x, common
/// punctuation stays, anything else becomes X.
fn synthetic_text(real: &[u8], n: u64) -> Vec<u8> {
    let mut out: Vec<u8> = real
        .iter()
        .map(|&c| match c {
            b'0'..=b'9' => b'0',
            b'A'..=b'Z' => b'X',
            b'a'..=b'z' => b'x',
            b' ' | b'-' | b'/' | b'.' | b'_' | b':' => c,
            _ => b'X',
        })
        .collect();
    let digits: Vec<usize> = (0..out.len()).filter(|&i| out[i] == b'0').collect();
    if let Some(&first) = digits.first() {
        out[first] = b'9';
        let mut v = n;
        for &i in digits.iter().rev() {
            if v == 0 {
                break;
            }
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    } else {
        let letters: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].is_ascii_alphabetic())
            .collect();
        let mut v = n;
        for &i in letters.iter().rev() {
            if v == 0 {
                break;
            }
            let base = if out[i].is_ascii_uppercase() {
                b'A'
            } else {
                b'a'
            };
            out[i] = base + (v % 26) as u8;
            v /= 26;
        }
    }
    out
}

/// A synthetic positive INTEGER of the same length (minimal DER kept: a leading 00 stays,
/// followed by a byte with its high bit set).
fn synthetic_serial(real: &[u8], n: u64) -> Vec<u8> {
    let mut out = vec![0u8; real.len()];
    let head = match (real.first(), out.len()) {
        (_, 0) => return out,
        (Some(0x00), len) if len > 1 => {
            out[1] = 0x80;
            2
        }
        _ => {
            out[0] = 0x10;
            1
        }
    };
    let tail = &mut out[head.min(real.len())..];
    let bytes = n.to_be_bytes();
    let k = tail.len().min(bytes.len());
    let start = tail.len() - k;
    tail[start..].copy_from_slice(&bytes[bytes.len() - k..]);
    if real.len() == 1 {
        out[0] = (n % 0x7F) as u8 + 1;
    }
    out
}

/// Deterministic filler bytes (xorshift), never derived from the real bytes.
fn filler(position: usize) -> u8 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (position as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x >> 24) as u8
}

/// A same-class stand-in for one byte of a value only partly recorded.
fn stand_in(b: u8, kind: IdKind) -> u8 {
    if !kind.is_text() {
        return 0x00;
    }
    match b {
        b'0'..=b'9' => b'0',
        b'a'..=b'z' => b'x',
        _ => b'X',
    }
}

/// True when a candidate replacement must not be used: it is the real value, a value
/// already handed out or seen on the card, it holds a real value long enough to be swept
/// (the proof after redaction would find that value again), or it looks like a My Number.
fn unusable(
    candidate: &[u8],
    real: &[u8],
    taken: &BTreeSet<Vec<u8>>,
    reals: &BTreeSet<Vec<u8>>,
) -> bool {
    candidate == real
        || taken.contains(candidate)
        || reals
            .iter()
            .any(|r| r.len() >= SWEEP_MIN && detect::contains(candidate, r))
        || crate::privacy::text::digit_runs(candidate)
            .iter()
            .any(|r| detect::Declared::none().leaks(&r.digits))
}

struct Replacer {
    /// Real value -> (replacement, kind).
    map: BTreeMap<Vec<u8>, (Vec<u8>, IdKind)>,
    /// Every real value and every replacement handed out.
    taken: BTreeSet<Vec<u8>>,
    /// Every real identifier value in the whole recording, known before the first
    /// replacement is chosen: a replacement made for one object must not be a value that
    /// another object, read later, really holds (issue 9: a token serial's replacement
    /// `9000000000000001` equal to the card id read afterwards).
    reals: BTreeSet<Vec<u8>>,
    counter: u64,
}

impl Replacer {
    /// A replacer that will never hand out any of `reals`.
    fn new(reals: BTreeSet<Vec<u8>>) -> Self {
        Replacer {
            map: BTreeMap::new(),
            taken: reals.clone(),
            reals,
            counter: 0,
        }
    }

    fn replacement(&mut self, kind: IdKind, real: &[u8]) -> Vec<u8> {
        if let Some((r, _)) = self.map.get(real) {
            return r.clone();
        }
        self.taken.insert(real.to_vec());
        let make = |n| {
            if kind.is_text() {
                synthetic_text(real, n)
            } else {
                synthetic_serial(real, n)
            }
        };
        self.counter += 1;
        let mut candidate = make(self.counter);
        // Values too short to vary (one byte) may run out; then they only need to differ.
        let mut tries = 0;
        while unusable(&candidate, real, &self.taken, &self.reals) && tries < 10_000 {
            self.counter += 1;
            tries += 1;
            candidate = make(self.counter);
        }
        self.taken.insert(candidate.clone());
        self.map.insert(real.to_vec(), (candidate.clone(), kind));
        candidate
    }
}

/// New byte values per object offset.
type Edits = BTreeMap<ObjectId, BTreeMap<usize, u8>>;

/// What replacing the identifier spans decided.
struct Plan {
    edits: Edits,
    /// Whether certificate blobs were replaced wholesale.
    blobs: bool,
    /// The identifier kinds replaced, by the index of the exchange that starts each object.
    touched: BTreeMap<usize, BTreeSet<IdKind>>,
}

/// Redacts a recording. Fails when a PIN passed, when a file with identifiers does not
/// have its expected structure, or when something personal has no rule.
pub fn redact(exchanges: &[Exchange], withheld_secrets: usize) -> Result<Redacted, RedactError> {
    if withheld_secrets > 0 {
        return Err(RedactError::SecretSent(withheld_secrets));
    }
    let a = analyse(exchanges, true)?;
    let mut rep = Replacer::new(real_values(&a));
    let mut plan = plan_edits(&a, &mut rep);
    // The same values wherever else they occur in an object.
    let sweep: Vec<(Vec<u8>, Vec<u8>)> = rep
        .map
        .iter()
        .filter(|(real, _)| real.len() >= SWEEP_MIN)
        .map(|(real, (new, _))| (real.clone(), new.clone()))
        .collect();
    sweep_objects(&a, &sweep, &mut plan.edits);
    let out = split_back(exchanges, &a, &plan, &sweep);
    // Proof, not hope: no real value long enough to search for is left anywhere, neither in
    // one response's data nor across the chunks of an object put back together. (The status
    // word is the card's answer, not its data: a value is never looked for across it.)
    let again = Assembly::of(
        out.iter()
            .map(|e| (e.command.as_slice(), e.response.as_slice())),
    );
    for (real, (new, kind)) in &rep.map {
        // A value with nothing to vary (only punctuation) identifies nothing.
        if real.len() < SWEEP_MIN || new == real {
            continue;
        }
        let in_data = out
            .iter()
            .any(|e| split(&e.response).is_some_and(|(data, _)| detect::contains(data, real)));
        let in_object = again.objects.values().any(|img| {
            img.runs()
                .iter()
                .any(|(_, run)| detect::contains(run, real))
        });
        if in_data || in_object {
            return Err(RedactError::Leftover(kind.key()));
        }
    }
    Ok(Redacted {
        exchanges: out,
        declared: declarations(&rep, plan.blobs),
    })
}

/// Every identifier value fully recorded anywhere in the recording.
fn real_values(a: &Analysis) -> BTreeSet<Vec<u8>> {
    let mut reals = BTreeSet::new();
    for (obj, img) in &a.assembly.objects {
        for s in a.spans.get(obj).map(Vec::as_slice).unwrap_or_default() {
            if s.kind.is_blob() {
                continue;
            }
            let real: Option<Vec<u8>> = s.range.clone().map(|i| img.get(i)).collect();
            if let Some(real) = real {
                reals.insert(real);
            }
        }
    }
    reals
}

/// Replaces every identifier span of every object, in the order the recording first read
/// each object, so numbering follows the recording.
fn plan_edits(a: &Analysis, rep: &mut Replacer) -> Plan {
    let mut plan = Plan {
        edits: BTreeMap::new(),
        blobs: false,
        touched: BTreeMap::new(),
    };
    let mut order: Vec<(&ObjectId, usize)> = a
        .assembly
        .objects
        .iter()
        .map(|(o, img)| (o, img.first))
        .collect();
    order.sort_by_key(|(_, first)| *first);
    for (obj, first) in order {
        let Some(img) = a.assembly.objects.get(obj) else {
            continue;
        };
        let e = plan.edits.entry(obj.clone()).or_default();
        for s in a.spans.get(obj).map(Vec::as_slice).unwrap_or_default() {
            plan.touched.entry(first).or_default().insert(s.kind);
            if s.kind.is_blob() {
                plan.blobs = true;
                fill_blob(img, s, e);
            } else {
                replace_value(img, s, rep, e);
            }
        }
    }
    plan
}

/// A key or signature replaced by filler bytes; an RSA modulus stays odd.
fn fill_blob(img: &Image, s: &Span, e: &mut BTreeMap<usize, u8>) {
    let mut last = None;
    for i in s.range.clone() {
        if img.get(i).is_some() {
            e.insert(i, filler(i));
            last = Some(i);
        }
    }
    if let Some(i) = last {
        e.entry(i).and_modify(|b| *b |= 1);
    }
}

/// A value replaced by its synthetic stand-in, or byte by byte when only partly recorded.
fn replace_value(img: &Image, s: &Span, rep: &mut Replacer, e: &mut BTreeMap<usize, u8>) {
    let real: Option<Vec<u8>> = s.range.clone().map(|i| img.get(i)).collect();
    match real {
        Some(real) => {
            let new = rep.replacement(s.kind, &real);
            for (i, b) in s.range.clone().zip(new) {
                e.insert(i, b);
            }
        }
        None => {
            for i in s.range.clone() {
                if let Some(b) = img.get(i) {
                    e.insert(i, stand_in(b, s.kind));
                }
            }
        }
    }
}

/// Replaces the swept values wherever else they occur in an object.
fn sweep_objects(a: &Analysis, sweep: &[(Vec<u8>, Vec<u8>)], edits: &mut Edits) {
    for (obj, img) in &a.assembly.objects {
        let e = edits.entry(obj.clone()).or_default();
        for (off, run) in img.runs() {
            for (real, new) in sweep {
                for at in detect::find_all(&run, real) {
                    for (k, b) in new.iter().enumerate() {
                        e.insert(off + at + k, *b);
                    }
                }
            }
        }
    }
}

/// The exchanges with the edits split back along the recorded chunks, and their comments.
fn split_back(
    exchanges: &[Exchange],
    a: &Analysis,
    plan: &Plan,
    sweep: &[(Vec<u8>, Vec<u8>)],
) -> Vec<Exchange> {
    let mut out = exchanges.to_vec();
    for (i, (ex, p)) in out.iter_mut().zip(&a.assembly.placements).enumerate() {
        let n = ex.response.len().saturating_sub(2);
        match p {
            Some(p) => {
                if let Some(e) = plan.edits.get(&p.object) {
                    for (k, b) in ex.response[..n].iter_mut().enumerate() {
                        if let Some(new) = e.get(&(p.offset + k)) {
                            *b = *new;
                        }
                    }
                }
            }
            None => {
                for (real, new) in sweep {
                    for at in detect::find_all(&ex.response[..n], real) {
                        ex.response[at..at + new.len()].copy_from_slice(new);
                    }
                }
            }
        }
        ex.comment = comment(
            &ex.command,
            plan.touched.get(&i),
            p.as_ref().map(|p| &p.object),
        );
    }
    out
}

/// One `redacted:` header value per replaced value, and one for the certificate blobs.
fn declarations(rep: &Replacer, blobs: bool) -> Vec<String> {
    let mut declared: Vec<(IdKind, String)> = rep
        .map
        .values()
        .map(|(new, kind)| (*kind, declaration(*kind, Some(&shown(*kind, new)))))
        .collect();
    if blobs {
        declared.push((IdKind::AuthCertKey, declaration(IdKind::AuthCertKey, None)));
    }
    declared.sort();
    declared.into_iter().map(|(_, d)| d).collect()
}

/// A comment for the fixture: which application a SELECT enters, and which identifiers
/// were replaced in the object an exchange starts.
fn comment(
    cmd: &[u8],
    kinds: Option<&BTreeSet<IdKind>>,
    object: Option<&ObjectId>,
) -> Option<String> {
    if let (Some(kinds), Some(obj)) = (kinds, object) {
        let list: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
        return Some(format!(
            "{}: replaced by synthetic values: {}",
            obj.describe(),
            list.join(", ")
        ));
    }
    let apdu = Apdu::parse(cmd)?;
    match apdu.command {
        Command::SelectDf { aid } if apdu.has_announced_data() => Some(if aid == ISD_AID {
            "SELECT the issuer security domain (MF level)".to_string()
        } else {
            format!("SELECT {}", app_label(Some(aid)))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::chipmap::{COMMON, JPKI, VISUAL};

    fn ex(cmd: &[u8], resp: &[u8]) -> Exchange {
        Exchange {
            command: cmd.to_vec(),
            response: resp.to_vec(),
            line: 0,
            comment: None,
        }
    }

    fn select(aid: &[u8]) -> Exchange {
        let mut c = vec![0x00, 0xA4, 0x04, 0x0C, aid.len() as u8];
        c.extend(aid);
        ex(&c, &[0x90, 0x00])
    }

    fn select_ef(fid: u16) -> Exchange {
        let [h, l] = fid.to_be_bytes();
        ex(&[0x00, 0xA4, 0x02, 0x0C, 0x02, h, l], &[0x90, 0x00])
    }

    fn ok(data: &[u8]) -> Vec<u8> {
        [data, &[0x90, 0x00]].concat()
    }

    fn data(e: &Exchange) -> &[u8] {
        &e.response[..e.response.len() - 2]
    }

    fn all_data(x: &[Exchange]) -> Vec<u8> {
        x.iter().flat_map(|e| data(e).to_vec()).collect()
    }

    /// The JPKI test card's 共通AP record (card-facts §7.2), with GET DATA 00F0 giving the
    /// same municipality code at MF level.
    fn common_and_mf() -> Vec<Exchange> {
        vec![
            select(&ISD_AID),
            ex(&[0x00, 0xCA, 0x00, 0xF0, 0x00], &ok(b"13221")),
            ex(&[0x00, 0xCA, 0x00, 0x45, 0x00], &ok(b"AB12CD34EF56GH78")),
            select(COMMON.aid),
            select_ef(0x0001),
            ex(
                &[0x00, 0xB2, 0x01, 0x04, 0x00],
                &ok(b"\x01\x1c4000000127198431322120350217"),
            ),
        ]
    }

    #[test]
    fn card_serial_and_municipality_consistently_replaced() {
        let r = redact(&common_and_mf(), 0).unwrap();
        let muni = data(&r.exchanges[1]).to_vec();
        let record = data(&r.exchanges[5]).to_vec();
        assert_eq!(muni.len(), 5);
        assert_ne!(muni, b"13221");
        assert!(muni.iter().all(u8::is_ascii_digit));
        // Same real value, same replacement, in the record too.
        assert_eq!(&record[17..22], muni.as_slice());
        assert_ne!(&record[2..17], b"400000012719843");
        assert!(record[2..17].iter().all(u8::is_ascii_digit));
        // The expiry is kept: the report needs it.
        assert_eq!(&record[22..], b"20350217");
        assert_eq!(&record[..2], &[0x01, 0x1C]);
        // The card id keeps its letter/digit structure.
        let id = data(&r.exchanges[2]);
        assert_eq!(id.len(), 16);
        for (a, b) in id.iter().zip(b"AB12CD34EF56GH78") {
            assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
        }
        assert_ne!(id, b"AB12CD34EF56GH78");
        let text = r.declared.join("\n");
        assert!(text.contains("card-serial = \""), "{text}");
        assert!(text.contains("municipality-code = \""), "{text}");
        assert!(text.contains("card-id = \""), "{text}");
        for real in ["400000012719843", "13221", "AB12CD34EF56GH78"] {
            assert!(!text.contains(real));
        }
    }

    #[test]
    fn declarations_round_trip() {
        let d = declaration(IdKind::CardSerial, Some("900000000000001"));
        assert_eq!(
            Declaration::parse(&d).map(|d| (d.kind, d.replacement)),
            Some((IdKind::CardSerial, Some("900000000000001".into())))
        );
        let d = declaration(IdKind::AuthCertKey, None);
        assert_eq!(
            Declaration::parse(&d),
            Some(Declaration {
                kind: IdKind::AuthCertKey,
                replacement: None
            })
        );
        assert_eq!(Declaration::parse("something else"), None);
    }

    /// Token info read in two chunks (80 + 80 bytes): the serial (80..96) sits in the second.
    #[test]
    fn token_serial_across_chunks() {
        let mut token = b"JPKIAPICCTOKEN2".to_vec();
        token.resize(80, b' ');
        token.extend(b"0000000020500003");
        token.resize(160, 0xFF);
        let x = vec![
            select(JPKI.aid),
            select_ef(0x0006),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x50], &ok(&token[..80])),
            ex(&[0x00, 0xB0, 0x00, 0x50, 0x50], &ok(&token[80..])),
        ];
        let r = redact(&x, 0).unwrap();
        assert_eq!(data(&r.exchanges[2]), &token[..80]);
        let second = data(&r.exchanges[3]);
        assert_eq!(second.len(), 80);
        assert_ne!(&second[..16], b"0000000020500003");
        assert!(second[..16].iter().all(u8::is_ascii_digit));
        assert_eq!(&second[16..], &token[96..]);
    }

    #[test]
    fn a_value_split_between_chunks_is_replaced_whole() {
        // The card record read as 10 + 20 bytes: the serial straddles the boundary.
        let rec = b"\x01\x1c4000000127198431322120350217";
        let x = vec![
            select(COMMON.aid),
            select_ef(0x0001),
            ex(
                &[0x00, 0xB2, 0x01, 0x04, 0x0A],
                &[&rec[..10], &[0x61, 0x14][..]].concat(),
            ),
            ex(&[0x00, 0xC0, 0x00, 0x00, 0x14], &ok(&rec[10..])),
        ];
        let r = redact(&x, 0).unwrap();
        let joined = all_data(&r.exchanges);
        assert_eq!(joined.len(), 30);
        assert_ne!(&joined[2..17], b"400000012719843");
        assert!(!String::from_utf8_lossy(&joined).contains("4000000127"));
        assert_eq!(r.exchanges[2].response[10..], [0x61, 0x14]);
    }

    #[test]
    fn visual_municipality_matches_get_data() {
        let mut v = vec![0xFF, 0x30, 0x0F, 0xDF, 0x31, 0x04, 0x06, 0x03, 0x0E, 0x01];
        v.extend([0xDF, 0x34, 0x05]);
        v.extend(b"13221");
        let mut x = common_and_mf();
        x.extend([
            select(VISUAL.aid),
            select_ef(0x0003),
            ex(
                &[0x00, 0xB0, 0x00, 0x00, 0x00],
                &[&v[..], &[0x62, 0x82]].concat(),
            ),
        ]);
        let r = redact(&x, 0).unwrap();
        let visual = data(&r.exchanges[8]);
        assert_eq!(&visual[13..], data(&r.exchanges[1]));
        assert_eq!(&visual[..13], &v[..13]);
    }

    #[test]
    fn auth_certificate_fields_replaced() {
        let der = crate::privacy::der::tests_support::tiny_cert();
        let x = vec![
            select(JPKI.aid),
            select_ef(0x000A),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x20], &ok(&der[..0x20])),
            ex(&[0x00, 0xB0, 0x00, 0x20, 0x00], &ok(&der[0x20..])),
        ];
        let r = redact(&x, 0).unwrap();
        let out = all_data(&r.exchanges);
        assert_eq!(out.len(), der.len());
        let f = crate::privacy::der::cert_fields(&out).unwrap();
        let serial = &out[f.serial.clone().unwrap()];
        assert_eq!(serial.len(), 2);
        assert_ne!(serial, &[0x12, 0x34]);
        assert!(serial[0] < 0x80, "still a positive INTEGER");
        let cn = &out[f.subject_cn[0].clone()];
        assert_ne!(cn, b"AB12");
        assert!(
            cn[..2].iter().all(u8::is_ascii_uppercase) && cn[2..].iter().all(u8::is_ascii_digit)
        );
        assert_ne!(&out[f.key_id.clone().unwrap()], &[9, 9, 9, 9]);
        assert_ne!(&out[f.signature.clone().unwrap()], &[0xEE, 0xEE, 0xEE]);
        let key = &out[f.key.clone().unwrap()];
        assert_eq!(key[key.len() - 1] & 1, 1, "modulus stays odd");
        // The sign byte and first modulus byte are kept (same key size).
        let m = f.key.unwrap().start;
        assert_eq!(&out[m - 2..m], &[0x00, 0xC1]);
        let text = r.declared.join("\n");
        assert!(text.contains("auth-cert-serial = \""), "{text}");
        assert!(text.contains("auth-cert-cn = \""), "{text}");
        assert!(text.contains("auth-certificate ("), "{text}");
    }

    #[test]
    fn the_same_value_elsewhere_is_replaced_too() {
        // A card whose token serial also appears in the CN of ... any other free object.
        let mut token = vec![b' '; 80];
        token.extend(b"ABCD000011112222");
        let x = vec![
            select(JPKI.aid),
            select_ef(0x0006),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x60], &ok(&token)),
            select_ef(0x0008),
            ex(
                &[0x00, 0xB0, 0x00, 0x00, 0x00],
                &ok(b"id=ABCD000011112222;"),
            ),
        ];
        let r = redact(&x, 0).unwrap();
        let other = data(&r.exchanges[4]);
        assert_eq!(&other[3..19], &data(&r.exchanges[2])[80..96]);
        assert!(!String::from_utf8_lossy(&all_data(&r.exchanges)).contains("ABCD000011112222"));
    }

    #[test]
    fn personal_data_without_a_rule_stops_the_recording() {
        let mut png = vec![0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend([0; 20]);
        let x = vec![
            select(VISUAL.aid),
            select_ef(0x0004),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x00], &ok(&png)),
        ];
        let e = redact(&x, 0).unwrap_err();
        assert!(
            matches!(&e, RedactError::Personal { what, place } if what.contains("PNG") && place.contains("visual AP EF 0004")),
            "{e}"
        );
        // --keep-identifiers does not let it through either.
        assert!(inspect(&x, 0).is_err());

        let mut mynumber = vec![0xFF, 0x10, 0x0C];
        mynumber.extend(b"123456789018");
        let x = vec![
            select(JPKI.aid),
            select_ef(0x0008),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x00], &ok(&mynumber)),
        ];
        let e = redact(&x, 0).unwrap_err();
        assert!(e.to_string().contains("My Number check digit"), "{e}");
        // Its data never appears in the message.
        assert!(!e.to_string().contains("123456789018"));
    }

    #[test]
    fn a_secret_in_the_recording_stops_it() {
        assert_eq!(redact(&[], 1).unwrap_err(), RedactError::SecretSent(1));
        assert_eq!(inspect(&[], 2).unwrap_err(), RedactError::SecretSent(2));
    }

    #[test]
    fn an_unparseable_auth_certificate_stops_the_recording() {
        let x = vec![
            select(JPKI.aid),
            select_ef(0x000A),
            ex(&[0x00, 0xB0, 0x00, 0x00, 0x00], &ok(b"not a certificate")),
        ];
        assert!(matches!(
            redact(&x, 0),
            Err(RedactError::Unrecognised { .. })
        ));
        // Kept identifiers need no structure.
        assert!(inspect(&x, 0).is_ok());
    }

    #[test]
    fn synthetic_values_keep_structure() {
        assert_eq!(synthetic_text(b"13221", 1), b"90001");
        assert_eq!(synthetic_text(b"AB-12cd", 3), b"XX-93xx");
        assert_eq!(synthetic_text(b"ABC", 2), b"XXC");
        assert_eq!(
            synthetic_serial(&[0x35, 0x1C, 0x5B], 1),
            vec![0x10, 0x00, 0x01]
        );
        assert_eq!(
            synthetic_serial(&[0x00, 0x9C, 0x5B], 1),
            vec![0x00, 0x80, 0x01]
        );
        assert_eq!(synthetic_serial(&[0x05], 1).len(), 1);
    }

    #[test]
    fn a_value_with_nothing_to_vary_does_not_stop_the_recording() {
        let x = vec![
            select(&ISD_AID),
            ex(&[0x00, 0xCA, 0x00, 0x45, 0x00], &ok(b"--------")),
        ];
        let r = redact(&x, 0).unwrap();
        assert_eq!(data(&r.exchanges[1]), b"--------");
    }

    #[test]
    fn a_replacement_is_never_a_valid_my_number() {
        let mut r = Replacer::new(BTreeSet::new());
        for real in ["111111111111", "222222222222", "333333333333"] {
            let new = r.replacement(IdKind::CardId, real.as_bytes());
            assert!(!detect::is_my_number(&new));
            assert_eq!(new.len(), 12);
        }
    }

    #[test]
    fn a_replacement_is_never_a_real_value_read_later() {
        // The first 16-digit replacement is 9000000000000001; a card whose card id is exactly
        // that must not have another value replaced by it (issue 9).
        let reals: BTreeSet<Vec<u8>> = [b"9990000000000101".to_vec(), b"9000000000000001".to_vec()]
            .into_iter()
            .collect();
        let mut r = Replacer::new(reals.clone());
        let token = r.replacement(IdKind::TokenSerial, b"9990000000000101");
        let card = r.replacement(IdKind::CardId, b"9000000000000001");
        for new in [&token, &card] {
            assert!(!reals.contains(new), "{}", String::from_utf8_lossy(new));
        }
        assert_ne!(token, card);
    }

    #[test]
    fn a_replacement_never_holds_a_shorter_real_value() {
        // A 15-digit card serial inside a 16-digit replacement would be found again by the
        // proof.
        let reals: BTreeSet<Vec<u8>> = [b"900000000000000".to_vec(), b"1234567890123456".to_vec()]
            .into_iter()
            .collect();
        let mut r = Replacer::new(reals);
        let new = r.replacement(IdKind::TokenSerial, b"1234567890123456");
        assert!(
            !detect::contains(&new, b"900000000000000"),
            "{}",
            String::from_utf8_lossy(&new)
        );
    }
}
