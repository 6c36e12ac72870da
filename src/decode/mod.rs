//! Decoders for what the card's freely readable files hold. Every decoder takes bytes and
//! never panics; malformed input is an error value the report shows.

pub mod cert;
pub mod records;
pub mod tlv;
