//! Fuzz target: the status-word decoder, response splitting, trace lines, and the
//! read-only guard (the same bytes read as a response and as a command).

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::fixture::carries_secret;
use myna_audit::sw::{Response, StatusWord};
use myna_audit::transport::guard::refusal;
use myna_audit::transport::trace;

fuzz_target!(|data: &[u8]| {
    // As a response.
    if let Some(r) = Response::parse(data) {
        assert_eq!(r.data.len() + 2, data.len());
        let _ = r.sw.kind();
        assert!(!r.sw.meaning().is_empty());
        assert_eq!(u16::from_str_radix(&r.sw.hex(), 16).ok(), Some(r.sw.0));
    }
    let _ = trace::response_line(data);
    if let [a, b, ..] = data {
        let _ = StatusWord::new(*a, *b).kind();
    }
    // As a command: the guard lets through only the allow-list, and a trace line never
    // shows secret data.
    if refusal(data).is_none() {
        assert!(
            myna_fuzz_common::harmless(data),
            "the guard let {data:02X?} through"
        );
    }
    let line = trace::command_line(data);
    if carries_secret(data) {
        assert!(line.contains("(secret data hidden)"));
        assert!(line.len() <= "00 20 00 80 04 ** (secret data hidden)".len());
    }
});
