//! Keeps the committed fuzz seeds useful: each `fuzz/seeds/audit/<fixture>` is that fixture's
//! answers to a whole audit, in order (fuzz/README.md). When the audit's command order
//! changes they go stale and the `audit` and `record` targets start from shallow inputs, so
//! this fails and says how to regenerate them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::Path;

use myna_audit::audit;
use myna_audit::card::Session;
use myna_audit::report::Source;
use myna_audit::transport::{ReadOnly, Transport, TransportError};

/// Reads answers in the fuzz encoding (the decoder is `FuzzCard` in fuzz/common/src/lib.rs).
struct SeedCard<'a>(&'a [u8]);

impl SeedCard<'_> {
    fn take(&mut self, n: usize) -> Vec<u8> {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head.to_vec()
    }
}

impl Transport for SeedCard<'_> {
    fn transmit(&mut self, _command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let Some((&tag, rest)) = self.0.split_first() else {
            return Ok(vec![0x6A, 0x82]);
        };
        self.0 = rest;
        Ok(match tag {
            0xFF => return Err(TransportError::CardRemoved),
            0xFE => {
                let n = self.take(1).first().copied().unwrap_or(0);
                self.take(usize::from(n))
            }
            0xFD => {
                let len = self.take(2);
                self.take(usize::from(u16::from_be_bytes([len[0], len[1]])) + 2)
            }
            n => self.take(usize::from(n) + 2),
        })
    }
    fn reader_name(&self) -> &str {
        "seed"
    }
    fn atr(&self) -> &[u8] {
        &[]
    }
}

#[test]
fn audit_seeds_still_drive_whole_audits() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/audit");
    for name in ["typical", "expired", "minor", "pin-blocked"] {
        let seed = std::fs::read(dir.join(name)).unwrap();
        let mut session = Session::new(ReadOnly::new(SeedCard(&seed)));
        let opts = audit::AuditOptions {
            as_of: time::macros::date!(2026 - 06 - 01),
            show_identifiers: false,
            source: Source {
                kind: myna_audit::report::SourceKind::Replay,
                fixture: None,
                fixture_kind: None,
            },
            redacted_certificates: Vec::new(),
        };
        let run = audit::run(&mut session, &opts);
        let left = session.into_transport().0.len();
        assert!(
            run.report.complete && left == 0,
            "fuzz/seeds/audit/{name} no longer matches the audit ({:?}, {left} bytes unused): run \
             `cargo run --release --manifest-path fuzz/Cargo.toml -p myna-fuzz-common --bin seeds -- fixtures fuzz/seeds`",
            run.error
        );
    }
}
