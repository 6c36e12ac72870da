//! Writes the fuzz seed corpus from the shipped fixtures:
//! `cargo run --manifest-path fuzz/Cargo.toml -p myna-fuzz-common --bin seeds -- fixtures fuzz/seeds`
//!
//! - `audit/`: each fixture's answers to a whole audit, in the `FuzzCard` encoding;
//! - `cert/`, `records/`, `tlv/`: the free files the audit decodes, read through a
//!   session (`records/` inputs start with the decoder's selector byte);
//! - `sw/`: status words and commands, including ones the guard must refuse.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use myna_audit::card::Session;
use myna_audit::card::chipmap::{APPLICATIONS, Access, Content, Structure};
use myna_audit::fixture::Fixture;
use myna_audit::transport::replay::Replayer;
use myna_audit::transport::{ReadOnly, Transport, TransportError};
use myna_fuzz_common::encode;

/// Records the answers of the transport it wraps.
struct Tape<T> {
    inner: T,
    answers: Vec<Result<Vec<u8>, TransportError>>,
}

impl<T: Transport> Transport for Tape<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let r = self.inner.transmit(command);
        self.answers.push(r.clone());
        r
    }
    fn reader_name(&self) -> &str {
        self.inner.reader_name()
    }
    fn atr(&self) -> &[u8] {
        self.inner.atr()
    }
}

/// The records target's selector byte for a decoder (fuzz_targets/records.rs).
fn selector(c: Content) -> Option<u8> {
    Some(match c {
        Content::TokenInfo => 0,
        Content::CommonCardInfo => 1,
        Content::ApBasicInfo => 2,
        Content::CvCertificate => 3,
        Content::CertAvailability => 4,
        _ => return None,
    })
}

/// Writes one seed, unless the same bytes were already written for that target.
fn write(
    seen: &mut HashSet<(String, Vec<u8>)>,
    dir: &Path,
    target: &str,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    if !seen.insert((target.to_string(), bytes.to_vec())) {
        return Ok(());
    }
    let d = dir.join(target);
    std::fs::create_dir_all(&d)?;
    std::fs::write(d.join(name), bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [fixtures, out] = args.as_slice() else {
        return Err("usage: seeds FIXTURE_DIR OUT_DIR".into());
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "fixture"))
        .collect();
    paths.sort();
    let mut seen = HashSet::new();
    for path in &paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        let fixture = Fixture::load(path)?;
        // The whole audit's answers.
        let tape = Tape {
            inner: Replayer::new(&fixture, stem),
            answers: Vec::new(),
        };
        let mut session = Session::new(ReadOnly::new(tape));
        let _ = myna_audit::audit::run(&mut session, &myna_fuzz_common::options());
        let tape = session.into_transport();
        write(&mut seen, out, "audit", stem, &encode(&tape.answers))?;
        // The free files, one by one.
        let mut session = Session::new(ReadOnly::new(Replayer::new(&fixture, stem)));
        for app in APPLICATIONS {
            if !session
                .select_df(app.aid)
                .map(|sw| sw.is_ok())
                .unwrap_or(false)
            {
                continue;
            }
            for f in app.files.iter().filter(|f| f.access == Access::Free) {
                if !session
                    .select_ef(f.ef)
                    .map(|sw| sw.is_ok())
                    .unwrap_or(false)
                {
                    continue;
                }
                let data = match f.structure {
                    Structure::Transparent => match session.read_file(f.size) {
                        Ok(r) if r.complete => r.data,
                        _ => continue,
                    },
                    Structure::Record => match session.read_record(1) {
                        Ok(r) if r.sw.is_ok() => r.data,
                        _ => continue,
                    },
                    Structure::Key => continue,
                };
                let name = format!("{stem}-{:?}-{:04X}", app.id, f.ef);
                write(&mut seen, out, "tlv", &name, &data)?;
                if let Content::Certificate(_) = f.content {
                    write(&mut seen, out, "cert", &name, &data)?;
                }
                if let Some(sel) = selector(f.content) {
                    let mut v = vec![sel];
                    v.extend_from_slice(&data);
                    write(&mut seen, out, "records", &name, &v)?;
                }
            }
        }
    }
    for (name, bytes) in [
        ("ok", &[0x90, 0x00][..]),
        ("more-data", &[0x01, 0x02, 0x61, 0x00]),
        ("tries", &[0x63, 0xC3]),
        ("verify-query", &[0x00, 0x20, 0x00, 0x80]),
        (
            "verify-pin",
            &[0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34],
        ),
        ("select", &[0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92]),
        ("read-binary", &[0x00, 0xB0, 0x00, 0x00, 0x00]),
        ("update-binary", &[0x00, 0xD6, 0x00, 0x00, 0x01, 0x00]),
    ] {
        write(&mut seen, out, "sw", name, bytes)?;
    }
    Ok(())
}
