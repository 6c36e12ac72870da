//! Fuzz target: BER-TLV headers, single TLVs and TLV lists (decode::tlv).

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_audit::decode::tlv;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = tlv::header(data) {
        assert!(h.header_len <= data.len());
        if let Ok((t, rest)) = tlv::one(data) {
            assert_eq!(t.tag, h.tag);
            assert_eq!(t.value.len(), h.len);
            assert_eq!(h.total() + rest.len(), data.len());
        }
    }
    if let Ok(items) = tlv::list(data) {
        let total: usize = items.iter().map(|t| t.value.len()).sum();
        assert!(total <= data.len());
        for t in &items {
            let _ = tlv::find(&items, t.tag);
        }
    }
});
