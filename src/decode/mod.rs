//! Decoders for what the card's freely readable files hold. Every decoder takes bytes and
//! never panics; malformed input is an error value the report shows.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod cert;
pub mod records;
pub mod tlv;
