//! Fuzz target: the X.509 certificate summary and the chain check (decode::cert).
//! The first byte splits the rest into a certificate and a CA certificate.

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::decode::cert;

fuzz_target!(|data: &[u8]| {
    let _ = cert::parse(data);
    if let Some((&k, rest)) = data.split_first() {
        let at = usize::from(k).min(rest.len());
        let (a, b) = rest.split_at(at);
        let _ = cert::parse(b);
        let _ = cert::chains_to(b, a);
        let _ = cert::chains_to(b, b);
    }
});
