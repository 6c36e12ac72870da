//! J-LIS's real generation-1 JPKI CA certificates: public data, the same on every card
//! personalised with them, copied byte for byte from the PEM files the audit pins
//! (src/trust/roots/, whose README gives their sources and fingerprints). They go into
//! `jlis-gen1-ca.fixture` only; nothing here is a person's.

/// 利用者証明用 (user authentication) CA certificate, generation 1, 2015-10-20 to 2025-10-19.
const AUTH_CA_GEN1_PEM: &str = include_str!("../../../src/trust/roots/auth-ca-gen1.pem");
/// 署名用 (digital signature) CA certificate, generation 1, 2015-10-20 to 2025-10-19.
const SIGN_CA_GEN1_PEM: &str = include_str!("../../../src/trust/roots/sign-ca-gen1.pem");

/// The DER of the generation-1 authentication CA certificate.
pub fn auth_ca_gen1() -> Option<Vec<u8>> {
    pem_certificate(AUTH_CA_GEN1_PEM)
}

/// The DER of the generation-1 signing CA certificate.
pub fn sign_ca_gen1() -> Option<Vec<u8>> {
    pem_certificate(SIGN_CA_GEN1_PEM)
}

/// The bytes of the one `CERTIFICATE` block of a PEM file (RFC 7468).
fn pem_certificate(pem: &str) -> Option<Vec<u8>> {
    let body = pem
        .split("-----BEGIN CERTIFICATE-----")
        .nth(1)?
        .split("-----END CERTIFICATE-----")
        .next()?;
    base64(body)
}

/// Standard base64 (RFC 4648 §4), whitespace ignored; `None` on any other character.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    #[test]
    fn base64_decodes_rfc4648_vectors() {
        for (enc, dec) in [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(base64(enc), Some(dec.as_bytes().to_vec()), "{enc}");
        }
        assert_eq!(base64("Zm9v!"), None);
    }

    /// The fingerprints in src/trust/roots/README.md.
    #[test]
    fn the_generation_1_certificates_are_j_lis_s() {
        let auth = auth_ca_gen1().unwrap_or_default();
        let sign = sign_ca_gen1().unwrap_or_default();
        assert_eq!(
            hex(&Sha256::digest(&auth)),
            "4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D"
        );
        assert_eq!(
            hex(&Sha256::digest(&sign)),
            "19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355"
        );
    }
}
