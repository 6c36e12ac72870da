//! `emulate --trace` lines: the same command and response lines as `audit --trace` (PIN
//! data never shown), with the data of identifier-bearing objects hidden unless
//! `--show-identifiers` is given.

use crate::card::chipmap::{APPLICATIONS, CertRole, Content, MF_OBJECTS, MfValue};
use crate::sw::Response;
use crate::transport::replay::Selection;
use crate::transport::trace::{command_line, response_line};

/// The trace line for a command (PIN data masked by [`command_line`]).
pub fn command(cmd: &[u8]) -> String {
    format!("trace > {}", command_line(cmd))
}

/// The trace line for a response; `sel` is the selection the command ran under.
pub fn response(sel: &Selection, cmd: &[u8], resp: &[u8], show_identifiers: bool) -> String {
    match Response::parse(resp) {
        Some(r) if !show_identifiers && !r.data.is_empty() && reveals_identifier(sel, cmd) => {
            format!(
                "trace < ({} data bytes hidden: they identify the card or its holder; \
                 --show-identifiers shows them) {} ({})",
                r.data.len(),
                r.sw,
                r.sw.meaning()
            )
        }
        _ => format!("trace < {}", response_line(resp)),
    }
}

/// Whether a read's data can identify the card or its holder, per the chip map: the card
/// identification number (GET DATA 0045, CF §2.6), the token and card serials (JPKI-AP
/// EF 0006, 共通AP record, CF §2.1, §2.5), the end-entity certificates (CF §2.1), and
/// anything a secret protects (the personal data of the text and visual APs, CF §2.2, §2.3).
pub fn reveals_identifier(sel: &Selection, cmd: &[u8]) -> bool {
    match cmd {
        [0x00, 0xCA, p1, p2, ..] => {
            let tag = u16::from_be_bytes([*p1, *p2]);
            sel.df().is_none()
                && MF_OBJECTS
                    .iter()
                    .any(|o| o.tag == tag && o.kind == MfValue::Identifier)
        }
        [0x00, 0xB0 | 0xB2, ..] => {
            let (Some(df), Some(ef)) = (sel.df(), sel.ef()) else {
                return false;
            };
            APPLICATIONS
                .iter()
                .find(|a| a.aid == df)
                .and_then(|a| a.files.iter().find(|f| f.ef == ef))
                .is_some_and(|f| {
                    matches!(
                        f.content,
                        Content::TokenInfo
                            | Content::CommonCardInfo
                            | Content::Certificate(CertRole::Auth | CertRole::Sign)
                            | Content::Protected
                            | Content::Opaque
                    )
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::transport::replay::Replayer;

    /// A replayer walked to JPKI-AP EF `ef`.
    fn selected(ef: &str) -> Replayer {
        let text = format!(
            "format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n\
             > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n< 90 00\n\
             > 00 A4 02 0C 02 {ef}\n< 90 00\n"
        );
        let mut r = Replayer::new(&Fixture::parse(&text).unwrap(), "t");
        r.answer(&hex::decode("00A4040C0AD392F000260100000001").unwrap())
            .unwrap();
        r.answer(&hex::decode(format!("00A4020C02{}", ef.replace(' ', ""))).unwrap())
            .unwrap();
        r
    }

    const READ: [u8; 5] = [0x00, 0xB0, 0x00, 0x00, 0x04];

    #[test]
    fn hides_the_auth_certificate_and_token_serial_by_default() {
        for ef in ["00 0A", "00 06"] {
            let r = selected(ef);
            let line = response(
                r.selection(),
                &READ,
                &[0x30, 0x82, 0x05, 0x00, 0x90, 0x00],
                false,
            );
            assert!(line.contains("4 data bytes hidden"), "{line}");
            assert!(!line.contains("30 82"), "{line}");
            let shown = response(
                r.selection(),
                &READ,
                &[0x30, 0x82, 0x05, 0x00, 0x90, 0x00],
                true,
            );
            assert!(shown.contains("30 82 05 00 9000"), "{shown}");
        }
    }

    #[test]
    fn shows_ca_certificates_and_status_only_answers() {
        let r = selected("00 0B");
        let line = response(r.selection(), &READ, &[0x30, 0x82, 0x90, 0x00], false);
        assert!(line.contains("30 82"), "{line}");
        let r = selected("00 0A");
        let line = response(r.selection(), &READ, &[0x6B, 0x00], false);
        assert_eq!(line, format!("trace < {}", response_line(&[0x6B, 0x00])));
    }
}
