//! APDU values, the leaf every layer that handles card bytes imports: the command decoder
//! and the selection it moves ([`command`]), status words ([`sw`]), the typed identifiers
//! of the report model ([`ids`]) and the hex the traces and fixtures show ([`spaced_hex`]).
//!
//! Nothing here talks to a card or a file, and nothing here imports another module of the
//! crate (`tests/layers.rs` keeps it so): the card layer and the transport both read
//! commands through it instead of through each other.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

pub mod command;
pub mod ids;
pub mod sw;

/// Hex with spaces between bytes, e.g. `00 A4 04 0C`, as traces and fixtures show it.
pub fn spaced_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_spaced_upper_case() {
        assert_eq!(super::spaced_hex(&[0x00, 0xA4, 0x0c]), "00 A4 0C");
        assert_eq!(super::spaced_hex(&[]), "");
    }
}
