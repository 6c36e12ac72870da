//! Fuzz target: the fixture parser (any text), the leak check (`fixture check`), the
//! writer's round trip, and a replayed audit of every fixture that parses (the replay card
//! model answering whatever the audit asks).

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::fixture::Fixture;
use myna_audit::transport::replay::Replayer;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = myna_audit::fixture_check::check_text(&text);
    let Ok(f) = Fixture::parse(&text) else {
        return;
    };
    // What the writer writes, the parser reads back to the same exchanges.
    let again = Fixture::parse(&f.to_text()).expect("a written fixture parses");
    assert_eq!(again.exchanges.len(), f.exchanges.len());
    for (a, b) in again.exchanges.iter().zip(&f.exchanges) {
        assert_eq!((&a.command, &a.response), (&b.command, &b.response));
    }
    assert_eq!((again.kind, &again.atr), (f.kind, &f.atr));
    let _card = myna_fuzz_common::audit_and_check(Replayer::new(&f, "fuzz"));
});
