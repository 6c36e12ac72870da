//! BER-TLV headers and flat TLV lists, as the card's files use them (CF §4.1):
//! DER certificates, private-class `FF xx` / `DF xx` records, `7F 21` CV certificates.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TlvError {
    #[error("TLV truncated at byte {0}")]
    Truncated(usize),
    #[error("indefinite length at byte {0} (not allowed here)")]
    IndefiniteLength(usize),
    #[error("length field of {0} bytes is too long")]
    LengthTooLong(usize),
    #[error("tag at byte {0} is longer than 3 bytes")]
    TagTooLong(usize),
    #[error("TLV {tag:X} claims {claimed} value bytes but only {available} follow")]
    Overrun {
        tag: u32,
        claimed: usize,
        available: usize,
    },
}

/// A BER header: tag bytes, header length, content length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub tag: u32,
    pub header_len: usize,
    pub len: usize,
}

impl Header {
    /// Header plus content.
    pub fn total(&self) -> usize {
        self.header_len + self.len
    }
}

/// Parses the BER header at the start of `bytes` (needs only the header bytes).
pub fn header(bytes: &[u8]) -> Result<Header, TlvError> {
    let first = *bytes.first().ok_or(TlvError::Truncated(0))?;
    let mut tag = u32::from(first);
    let mut i = 1;
    if first & 0x1F == 0x1F {
        // Multi-byte tag: continuation bytes have bit 8 set.
        loop {
            let b = *bytes.get(i).ok_or(TlvError::Truncated(i))?;
            tag = (tag << 8) | u32::from(b);
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i >= 3 {
                return Err(TlvError::TagTooLong(0));
            }
        }
    }
    let l0 = *bytes.get(i).ok_or(TlvError::Truncated(i))?;
    i += 1;
    let len = match l0 {
        0x00..=0x7F => usize::from(l0),
        0x80 => return Err(TlvError::IndefiniteLength(i - 1)),
        _ => {
            let n = usize::from(l0 & 0x7F);
            if n > 3 {
                return Err(TlvError::LengthTooLong(n));
            }
            let mut len = 0usize;
            for _ in 0..n {
                let b = *bytes.get(i).ok_or(TlvError::Truncated(i))?;
                len = (len << 8) | usize::from(b);
                i += 1;
            }
            len
        }
    };
    Ok(Header {
        tag,
        header_len: i,
        len,
    })
}

/// One TLV inside a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u32,
    pub value: &'a [u8],
}

/// Parses one complete TLV at the start of `bytes`; returns it and the bytes after it.
pub fn one(bytes: &[u8]) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let h = header(bytes)?;
    let end = h.total();
    if bytes.len() < end {
        return Err(TlvError::Overrun {
            tag: h.tag,
            claimed: h.len,
            available: bytes.len() - h.header_len,
        });
    }
    let (Some(value), Some(rest)) = (bytes.get(h.header_len..end), bytes.get(end..)) else {
        return Err(TlvError::Truncated(bytes.len()));
    };
    Ok((Tlv { tag: h.tag, value }, rest))
}

/// The TLVs laid one after another in `bytes` (a constructed value's content).
/// Trailing `FF`/`00` filler ends the list (CF §4.1: files carry `FF` filler).
pub fn list(mut bytes: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let mut out = Vec::new();
    while let Some(&b) = bytes.first() {
        if (b == 0xFF && bytes.get(1).is_none_or(|&n| n == 0xFF))
            || bytes.iter().all(|&x| x == 0x00)
        {
            break;
        }
        let (tlv, rest) = one(bytes)?;
        out.push(tlv);
        bytes = rest;
    }
    Ok(out)
}

/// The value of the first TLV with `tag` in a list.
pub fn find<'a>(items: &[Tlv<'a>], tag: u32) -> Option<&'a [u8]> {
    items.iter().find(|t| t.tag == tag).map(|t| t.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_certificate_header() {
        // J-LIS auth CA certificates start 30 82 05 20 (CF §2.1).
        let h = header(&[0x30, 0x82, 0x05, 0x20, 0x30]).unwrap();
        assert_eq!(
            (h.tag, h.header_len, h.len, h.total()),
            (0x30, 4, 0x520, 0x524)
        );
    }

    #[test]
    fn private_class_two_byte_tags() {
        // Text AP 0005 header FF 40 82 00 9F (CF §2.2) and a CV certificate 7F 21 82 02 33.
        let h = header(&[0xFF, 0x40, 0x82, 0x00, 0x9F]).unwrap();
        assert_eq!((h.tag, h.header_len, h.len), (0xFF40, 5, 0x9F));
        let h = header(&[0x7F, 0x21, 0x82, 0x02, 0x33]).unwrap();
        assert_eq!((h.tag, h.total()), (0x7F21, 568));
        let h = header(&[0xDF, 0x41, 0x04]).unwrap();
        assert_eq!((h.tag, h.len), (0xDF41, 4));
    }

    #[test]
    fn malformed_headers_are_errors() {
        assert_eq!(header(&[]), Err(TlvError::Truncated(0)));
        assert_eq!(header(&[0x30]), Err(TlvError::Truncated(1)));
        assert_eq!(header(&[0x30, 0x80]), Err(TlvError::IndefiniteLength(1)));
        assert_eq!(
            header(&[0x30, 0x84, 1, 2, 3, 4]),
            Err(TlvError::LengthTooLong(4))
        );
        assert_eq!(header(&[0x30, 0x82, 0x01]), Err(TlvError::Truncated(3)));
        assert_eq!(
            header(&[0x5F, 0x81, 0x81, 0x81, 0x01]),
            Err(TlvError::TagTooLong(0))
        );
    }

    #[test]
    fn list_stops_at_filler_and_rejects_overruns() {
        let bytes = [
            0xDF, 0x31, 0x01, 0xAA, 0xDF, 0x34, 0x02, 0x31, 0x32, 0xFF, 0xFF, 0xFF,
        ];
        let items = list(&bytes).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(find(&items, 0xDF34), Some(&b"12"[..]));
        assert_eq!(
            list(&[0xDF, 0x31, 0x05, 0x00]),
            Err(TlvError::Overrun {
                tag: 0xDF31,
                claimed: 5,
                available: 1
            })
        );
    }
}
