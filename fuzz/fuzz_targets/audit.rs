//! Fuzz target: the whole audit over a card whose answers are the fuzz input
//! (`myna_fuzz_common::FuzzCard`, encoding in fuzz/common/src/lib.rs). Checks that only
//! allowed commands reach the card, that a retry-counter query is never re-sent, and that
//! the report always renders.

#![no_main]

use libfuzzer_sys::fuzz_target;
use myna_fuzz_common::{FuzzCard, audit_and_check, check_commands};

fuzz_target!(|data: &[u8]| {
    let card = audit_and_check(FuzzCard::new(data));
    check_commands(&card.seen);
});
