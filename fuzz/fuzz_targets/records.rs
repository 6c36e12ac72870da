//! Fuzz target: the record decoders (decode::records). The first byte picks the decoder:
//! 0 token info, 1 共通AP card record, 2 AP basic information, 3 CV certificate,
//! 4 certificate availability; anything else runs all of them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::decode::records;

fuzz_target!(|data: &[u8]| {
    let Some((&which, b)) = data.split_first() else {
        return;
    };
    match which {
        0 => drop(records::token_info(b)),
        1 => drop(records::card_info(b)),
        2 => drop(records::ap_basic_info(b)),
        3 => drop(records::cv_certificate(b)),
        4 => drop(records::cert_availability(b)),
        _ => {
            let _ = records::token_info(b);
            let _ = records::card_info(b);
            let _ = records::ap_basic_info(b);
            let _ = records::cv_certificate(b);
            let _ = records::cert_availability(b);
        }
    }
});
