//! Fuzz target: `record` over a card whose answers are the fuzz input (as in the `audit`
//! target): the audit through the recorder, the redaction of what the card answered, the
//! fixture written from it (which must parse back), and the leak check over that text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::fixture::Fixture;
use myna_audit::record::{RecordOptions, record_audit};
use myna_fuzz_common::{FuzzCard, check_commands, options};

fuzz_target!(|data: &[u8]| {
    let record_opts = RecordOptions {
        keep_identifiers: data.first().is_some_and(|b| b & 1 == 1),
        date: options().as_of,
    };
    let mut seen = Vec::new();
    let card = Spy {
        inner: FuzzCard::new(data),
        seen: &mut seen,
    };
    let (run, fixture) = record_audit(card, &options(), &record_opts);
    check_commands(&seen);
    if let Ok(f) = fixture {
        let text = f.to_text();
        // `record` writes a fixture only when the audit finished (record_to_file); then it
        // must read back. (regressions/record/crash-fb1e3bd9...: an unfinished recording
        // may hold the one-byte answer that ended it.)
        if run.error.is_none() {
            let again = Fixture::parse(&text).expect("a recorded fixture parses");
            assert_eq!(again.exchanges.len(), f.exchanges.len());
        }
        let _ = myna_audit::fixture_check::check_text(&text);
    }
});

/// Keeps the commands the card received (the recorder owns the card).
struct Spy<'a, 'b> {
    inner: FuzzCard<'a>,
    seen: &'b mut Vec<Vec<u8>>,
}

impl myna_audit::transport::Transport for Spy<'_, '_> {
    fn transmit(
        &mut self,
        command: &[u8],
    ) -> Result<Vec<u8>, myna_audit::transport::TransportError> {
        self.seen.push(command.to_vec());
        self.inner.transmit(command)
    }
    fn reader_name(&self) -> &str {
        self.inner.reader_name()
    }
    fn atr(&self) -> &[u8] {
        self.inner.atr()
    }
}
