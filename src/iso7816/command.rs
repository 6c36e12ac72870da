//! The one command decoder: a command APDU parsed once into what it asks of the card, and
//! the one selection tracker built on it.
//!
//! [`Apdu::parse`] splits the bytes into header and body (ISO/IEC 7816-4 short cases;
//! anything else is [`Body::Malformed`]) and names the command ([`Command`]) by its class,
//! instruction and P1, the way the replay model, the privacy context, the PC/SC backend
//! and the trace have always read it. [`Apdu::is_read_only`] is the allow-list the guard
//! enforces (docs/safety.md, "Read-only"):
//!
//! | command | bytes |
//! |---|---|
//! | SELECT | `00 A4 00/02/04 00/0C`, no body or `Lc data [Le]` with `Lc > 0` |
//! | READ BINARY / READ RECORD / GET DATA | `00 B0/B2/CA P1 P2 Le`, nothing else |
//! | READ BINARY, extended Le | `00 B0 P1 P2 00 Le1 Le2` (P1 bit 8 clear), nothing else |
//! | GET RESPONSE | `00 C0 00 00 Le` |
//! | VERIFY without data | exactly `00 20 00 P2` |
//! | reader GET DATA | `FF CA P1 P2 Le` |
//!
//! [`Selection`] follows SELECTs the way a card does: only a `9000` moves it.
//! [`secret_command`] names the commands whose data may be a secret, by instruction.

use super::sw::StatusWord;

/// The issuer security domain; selecting it returns the card to the MF-level state
/// (card-facts §1.1).
pub const ISD_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00];

/// A 2-byte file identifier.
pub type Fid = [u8; 2];

/// The body after the 4-byte header, as a short APDU lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// Case 1: nothing.
    Empty,
    /// Case 2: one Le byte (`00` asks for 256).
    Le(u8),
    /// Case 3: `Lc data`, `Lc > 0` and exactly Lc bytes.
    Data(&'a [u8]),
    /// Case 4: `Lc data Le`.
    DataLe(&'a [u8], u8),
    /// Case 2E: `00 Le1 Le2`, an extended Le and no data (ISO/IEC 7816-4 §5.1; `00 00`
    /// asks for 65536). The only extended form parsed: the doctor's APDU-size probe.
    ExtendedLe(u16),
    /// Anything else: Lc disagreeing with the length, `Lc = 00` followed by bytes
    /// (extended lengths), ...
    Malformed(&'a [u8]),
}

impl<'a> Body<'a> {
    fn parse(body: &'a [u8]) -> Body<'a> {
        match body {
            [] => Body::Empty,
            [le] => Body::Le(*le),
            [0x00, hi, lo] => Body::ExtendedLe(u16::from_be_bytes([*hi, *lo])),
            [lc, rest @ ..] if *lc > 0 => {
                let lc = usize::from(*lc);
                match (rest.get(..lc), rest.get(lc..)) {
                    (Some(data), Some([])) => Body::Data(data),
                    (Some(data), Some([le])) => Body::DataLe(data, *le),
                    _ => Body::Malformed(body),
                }
            }
            _ => Body::Malformed(body),
        }
    }

    /// Whether there is an Lc byte and every data byte it announces is there (more may
    /// follow).
    pub fn has_announced_data(&self) -> bool {
        match self {
            Body::Empty => false,
            Body::Le(lc) => *lc == 0,
            Body::Data(_) | Body::DataLe(..) => true,
            // Read as the byte rule always read these three bytes (an `Lc = 00` followed by
            // more bytes): the redaction's view of them stays as it was.
            Body::ExtendedLe(_) => true,
            Body::Malformed(b) => b.first().is_some_and(|lc| usize::from(*lc) < b.len()),
        }
    }
}

/// What a command asks of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command<'a> {
    /// `00 A4 04`: SELECT an application by name. `aid` is the data the Lc byte announces
    /// (as much of it as is there).
    SelectDf { aid: &'a [u8] },
    /// `00 A4 02`: SELECT an EF under the current DF; `None` when the data is not 2 bytes.
    SelectEf { fid: Option<Fid> },
    /// `00 A4` with any other P1 (`00`: the MF).
    SelectOther,
    /// `00 B0` with a 15-bit offset (P1 bit 8 clear) of the current EF.
    ReadBinary { offset: u16, le: Option<u8> },
    /// `00 B0` with a short EF identifier in P1.
    ReadBinarySfi,
    /// `00 B2`: READ RECORD `record`; P2 `04` reads that record of the current EF.
    ReadRecord { record: u8, p2: u8, le: Option<u8> },
    /// `00 CA`: GET DATA of `tag`.
    GetData { tag: u16, le: Option<u8> },
    /// `00 C0`: GET RESPONSE.
    GetResponse { le: Option<u8> },
    /// `00 20` and nothing after the header: the retry-counter query.
    VerifyQuery { p1: u8, p2: u8 },
    /// `00 20` with a body: would present a PIN.
    VerifyWithData { p2: u8 },
    /// `FF CA`: GET DATA answered by the reader (UID/ATS).
    ReaderGetData,
    /// Anything else.
    Other,
}

/// A command APDU split once: header, body, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apdu<'a> {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub body: Body<'a>,
    pub command: Command<'a>,
}

/// The data field the Lc byte announces, as much of it as is there.
fn lc_data(body: &[u8]) -> &[u8] {
    match body {
        [lc, rest @ ..] => rest.get(..usize::from(*lc)).unwrap_or(rest),
        [] => &[],
    }
}

impl<'a> Apdu<'a> {
    /// Splits a command; `None` when it is shorter than a header.
    pub fn parse(bytes: &'a [u8]) -> Option<Apdu<'a>> {
        let [cla, ins, p1, p2, raw @ ..] = bytes else {
            return None;
        };
        let (cla, ins, p1, p2) = (*cla, *ins, *p1, *p2);
        let le = raw.first().copied();
        let command = match (cla, ins) {
            (0x00, 0xA4) if p1 == 0x04 => Command::SelectDf { aid: lc_data(raw) },
            (0x00, 0xA4) if p1 == 0x02 => Command::SelectEf {
                fid: Fid::try_from(lc_data(raw)).ok(),
            },
            (0x00, 0xA4) => Command::SelectOther,
            (0x00, 0xB0) if p1 & 0x80 == 0 => Command::ReadBinary {
                offset: u16::from_be_bytes([p1, p2]),
                le,
            },
            (0x00, 0xB0) => Command::ReadBinarySfi,
            (0x00, 0xB2) => Command::ReadRecord { record: p1, p2, le },
            (0x00, 0xCA) => Command::GetData {
                tag: u16::from_be_bytes([p1, p2]),
                le,
            },
            (0x00, 0xC0) => Command::GetResponse { le },
            (0x00, 0x20) if raw.is_empty() => Command::VerifyQuery { p1, p2 },
            (0x00, 0x20) => Command::VerifyWithData { p2 },
            (0xFF, 0xCA) => Command::ReaderGetData,
            _ => Command::Other,
        };
        Some(Apdu {
            cla,
            ins,
            p1,
            p2,
            body: Body::parse(raw),
            command,
        })
    }

    /// Whether the body has an Lc byte and all the data it announces.
    pub fn has_announced_data(&self) -> bool {
        self.body.has_announced_data()
    }

    /// How many response bytes the command asks for (its Le: `00` is 256 in a short
    /// APDU, `00 00` is 65536 in an extended one); `None` without an Le.
    pub fn expected_length(&self) -> Option<usize> {
        match self.body {
            Body::Le(0) | Body::DataLe(_, 0) => Some(256),
            Body::Le(n) | Body::DataLe(_, n) => Some(usize::from(n)),
            Body::ExtendedLe(0) => Some(65536),
            Body::ExtendedLe(n) => Some(usize::from(n)),
            Body::Empty | Body::Data(_) | Body::Malformed(_) => None,
        }
    }

    /// Whether the command uses extended length fields (ISO/IEC 7816-4 §5.1): a body that
    /// starts with `00` and has at least 3 bytes (cases 2E, 3E, 4E). Short APDUs never do.
    pub fn is_extended(&self) -> bool {
        match self.body {
            Body::ExtendedLe(_) => true,
            Body::Malformed(b) => matches!(b, [0x00, _, _, ..]),
            _ => false,
        }
    }

    /// The guard's allow-list: true only for the exact read-only forms in the module
    /// table. Everything else — unknown instructions included — is not read-only.
    pub fn is_read_only(&self) -> bool {
        let case2 = matches!(self.body, Body::Le(_));
        match self.command {
            Command::SelectDf { .. } | Command::SelectEf { .. } | Command::SelectOther => {
                matches!(self.p1, 0x00 | 0x02 | 0x04)
                    && matches!(self.p2, 0x00 | 0x0C)
                    && matches!(self.body, Body::Empty | Body::Data(_) | Body::DataLe(..))
            }
            // READ BINARY at an offset may also ask for an extended Le (and carry nothing
            // else): still a read. The doctor's APDU-size probe sends it.
            Command::ReadBinary { .. } => {
                matches!(self.body, Body::Le(_) | Body::ExtendedLe(_))
            }
            Command::ReadBinarySfi
            | Command::ReadRecord { .. }
            | Command::GetData { .. }
            | Command::ReaderGetData => case2,
            Command::GetResponse { .. } => self.p1 == 0 && self.p2 == 0 && case2,
            Command::VerifyQuery { p1, .. } => p1 == 0x00,
            Command::VerifyWithData { .. } | Command::Other => false,
        }
    }
}

/// The command a byte string is, or [`Command::Other`] when it is shorter than a header.
pub fn decode(bytes: &[u8]) -> Command<'_> {
    Apdu::parse(bytes).map_or(Command::Other, |a| a.command)
}

/// A command whose data can be a secret (a PIN, a PUK, a new reference value), by its
/// ISO/IEC 7816-4 instruction byte (the standard's table of instructions by code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretCommand {
    /// `20` VERIFY (and its odd form `21`, data in BER-TLV): presents a PIN.
    Verify,
    /// `24` CHANGE REFERENCE DATA: the old and the new PIN.
    ChangeReferenceData,
    /// `26` DISABLE VERIFICATION REQUIREMENT: may carry the PIN.
    DisableVerification,
    /// `28` ENABLE VERIFICATION REQUIREMENT: may carry the PIN.
    EnableVerification,
    /// `2C` RESET RETRY COUNTER: the resetting code (PUK) and the new PIN.
    ResetRetryCounter,
    /// `80 32`: a proprietary key change some cards use.
    ChangeKey,
    /// `C2`/`C3` ENVELOPE whose data is (or may be the start of) one of the above.
    Envelope,
}

impl SecretCommand {
    /// The command's name, as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            SecretCommand::Verify => "VERIFY",
            SecretCommand::ChangeReferenceData => "CHANGE REFERENCE DATA",
            SecretCommand::DisableVerification => "DISABLE VERIFICATION REQUIREMENT",
            SecretCommand::EnableVerification => "ENABLE VERIFICATION REQUIREMENT",
            SecretCommand::ResetRetryCounter => "RESET RETRY COUNTER",
            SecretCommand::ChangeKey => "CHANGE KEY (80 32)",
            SecretCommand::Envelope => "ENVELOPE",
        }
    }
}

/// How deep ENVELOPEs inside ENVELOPEs are unwrapped; deeper nesting counts as secret.
const MAX_ENVELOPE_DEPTH: usize = 4;

/// Which secret-carrying command `command` is, if it is one and has anything after its
/// header (a data-less VERIFY only asks for the retry counter). Any class byte: secure
/// messaging (`0C`) and proprietary classes carry the same data.
///
/// An ENVELOPE (`C2`, `C3`) is unwrapped: its data is read as the command it carries, and
/// counts as secret when that command does, or when it is too short to tell (a first
/// fragment of a chained command may be all there is).
pub fn secret_command(command: &[u8]) -> Option<SecretCommand> {
    secret_at_depth(command, 0)
}

fn secret_at_depth(command: &[u8], depth: usize) -> Option<SecretCommand> {
    let [cla, ins, _, _, body @ ..] = command else {
        return None;
    };
    if body.is_empty() {
        return None;
    }
    let kind = match (*cla, *ins) {
        (0x80, 0x32) => SecretCommand::ChangeKey,
        (_, 0x20 | 0x21) => SecretCommand::Verify,
        (_, 0x24) => SecretCommand::ChangeReferenceData,
        (_, 0x26) => SecretCommand::DisableVerification,
        (_, 0x28) => SecretCommand::EnableVerification,
        (_, 0x2C) => SecretCommand::ResetRetryCounter,
        (_, 0xC2 | 0xC3) => return envelope_secret(body, depth),
        _ => return None,
    };
    Some(kind)
}

/// The ENVELOPE's data (after Lc, or after an extended `00 Lc1 Lc2`), read as a command.
fn envelope_secret(body: &[u8], depth: usize) -> Option<SecretCommand> {
    if depth >= MAX_ENVELOPE_DEPTH {
        return Some(SecretCommand::Envelope);
    }
    let inner = match body {
        [0x00, _, _, rest @ ..] if body.len() > 3 => rest,
        _ => lc_data(body),
    };
    if inner.len() < 4 {
        // Not even a header: cannot tell what it carries.
        return (!inner.is_empty()).then_some(SecretCommand::Envelope);
    }
    secret_at_depth(inner, depth + 1).map(|_| SecretCommand::Envelope)
}

/// Whether a command may carry secret data ([`secret_command`]): such data is never
/// written anywhere — the trace hides it, `record` refuses it, a fixture holding it is
/// malformed — and the read-only guard never sends it.
pub fn carries_secret(command: &[u8]) -> bool {
    secret_command(command).is_some()
}

/// Splits a response into data and status word; `None` without a status word.
pub fn split_response(resp: &[u8]) -> Option<(&[u8], StatusWord)> {
    let n = resp.len().checked_sub(2)?;
    let (data, sw) = resp.split_at(n);
    let [sw1, sw2] = *sw else {
        return None;
    };
    Some((data, StatusWord::new(sw1, sw2)))
}

/// What an exchange did to the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Nothing,
    /// A new application (or the MF level, after the ISD) is current; no EF is.
    Df,
    /// A new EF is current.
    Ef,
}

/// The volatile selection state of a card: the current DF (`None` at MF level, after
/// power-on or an ISD select) and EF.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    df: Option<Vec<u8>>,
    ef: Option<Fid>,
}

impl Selection {
    pub fn df(&self) -> Option<&[u8]> {
        self.df.as_deref()
    }

    /// The current DF, owned (for map keys).
    pub fn df_key(&self) -> Option<Vec<u8>> {
        self.df.clone()
    }

    pub fn ef(&self) -> Option<Fid> {
        self.ef
    }

    /// Follows one command and the status word it was answered with: only a `9000`
    /// answer to a SELECT of an application or a 2-byte EF moves the selection
    /// (card-facts §1.2).
    pub fn follow(&mut self, command: &Command<'_>, sw: StatusWord) -> Moved {
        if !sw.is_ok() {
            return Moved::Nothing;
        }
        match *command {
            Command::SelectDf { aid } => {
                self.df = (aid != ISD_AID).then(|| aid.to_vec());
                self.ef = None;
                Moved::Df
            }
            Command::SelectEf { fid: Some(fid) } => {
                self.ef = Some(fid);
                Moved::Ef
            }
            _ => Moved::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_only(bytes: &[u8]) -> bool {
        Apdu::parse(bytes).is_some_and(|a| a.is_read_only())
    }

    const JPKI: &[u8] = &[0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

    #[test]
    fn decodes_every_allowed_form() {
        let mut select = vec![0x00, 0xA4, 0x04, 0x0C, 0x0A];
        select.extend_from_slice(JPKI);
        assert_eq!(decode(&select), Command::SelectDf { aid: JPKI });
        assert!(read_only(&select));
        select.push(0x00);
        assert_eq!(decode(&select), Command::SelectDf { aid: JPKI });
        assert!(read_only(&select), "case 4 SELECT");
        let ef = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18];
        assert_eq!(
            decode(&ef),
            Command::SelectEf {
                fid: Some([0x00, 0x18])
            }
        );
        assert!(read_only(&ef));
        assert!(read_only(&[0x00, 0xA4, 0x02, 0x00, 0x02, 0x00, 0x18]));
        assert!(read_only(&[0x00, 0xA4, 0x00, 0x0C]));
        assert_eq!(decode(&[0x00, 0xA4, 0x00, 0x0C]), Command::SelectOther);
        let cases: [(&[u8], Command<'_>); 8] = [
            (
                &[0x00, 0xB0, 0x01, 0x2C, 0x10],
                Command::ReadBinary {
                    offset: 0x012C,
                    le: Some(0x10),
                },
            ),
            (&[0x00, 0xB0, 0x81, 0x00, 0x00], Command::ReadBinarySfi),
            (
                &[0x00, 0xB2, 0x01, 0x04, 0x00],
                Command::ReadRecord {
                    record: 1,
                    p2: 4,
                    le: Some(0),
                },
            ),
            (
                &[0x00, 0xCA, 0x00, 0x45, 0x00],
                Command::GetData {
                    tag: 0x0045,
                    le: Some(0),
                },
            ),
            (
                &[0x00, 0xC0, 0x00, 0x00, 0x10],
                Command::GetResponse { le: Some(0x10) },
            ),
            (
                &[0x00, 0x20, 0x00, 0x80],
                Command::VerifyQuery { p1: 0, p2: 0x80 },
            ),
            (&[0xFF, 0xCA, 0x00, 0x00, 0x00], Command::ReaderGetData),
            (&[0xFF, 0xCA, 0x01, 0x00, 0x00], Command::ReaderGetData),
        ];
        for (bytes, want) in cases {
            assert_eq!(decode(bytes), want, "{bytes:02X?}");
            assert!(read_only(bytes), "{bytes:02X?}");
        }
    }

    #[test]
    fn refuses_near_misses() {
        for bytes in [
            // Wrong class.
            &[0x80, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92][..],
            &[0x0C, 0xB0, 0x00, 0x00, 0x00],
            &[0x80, 0x20, 0x00, 0x80],
            &[0x00, 0xCA + 1, 0x00, 0x00, 0x00],
            // Wrong P1 / P2.
            &[0x00, 0xA4, 0x01, 0x0C, 0x02, 0x00, 0x18],
            &[0x00, 0xA4, 0x04, 0x04, 0x02, 0xD3, 0x92],
            &[0x00, 0xC0, 0x01, 0x00, 0x10],
            &[0x00, 0xC0, 0x00, 0x01, 0x10],
            &[0x00, 0x20, 0x01, 0x80],
            // Lc disagreeing with the data.
            &[0x00, 0xA4, 0x04, 0x0C, 0x05, 0x01],
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18, 0x00, 0x00],
            &[0x00, 0xA4, 0x02, 0x0C, 0x00],
            &[0x00, 0xA4, 0x02, 0x0C, 0x02],
            // Data where only Le belongs, or no Le at all.
            &[0x00, 0xB0, 0x00, 0x00, 0x01, 0x00],
            &[0x00, 0xB2, 0x01, 0x04],
            &[0x00, 0xCA, 0x00, 0x45],
            &[0x00, 0xC0, 0x00, 0x00],
            &[0xFF, 0xCA, 0x00, 0x00],
            // Extended lengths, apart from the one READ BINARY form.
            &[0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x02, 0xD3, 0x92],
            // A VERIFY with anything after the header.
            &[0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34],
            &[0x00, 0x20, 0x00, 0x80, 0x00],
        ] {
            assert!(!read_only(bytes), "{bytes:02X?}");
        }
        // Truncated headers do not parse at all.
        for n in 0..4 {
            assert!(Apdu::parse(&[0x00, 0xB0, 0x00, 0x00][..n]).is_none());
            assert_eq!(decode(&[0x00, 0xB0, 0x00, 0x00][..n]), Command::Other);
        }
    }

    #[test]
    fn an_extended_read_binary_is_read_only_and_nothing_near_it_is() {
        // The doctor's probe: READ BINARY at offset 0, extended Le 512.
        let probe = [0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00];
        let a = Apdu::parse(&probe).unwrap();
        assert_eq!(a.body, Body::ExtendedLe(512));
        assert_eq!(
            a.command,
            Command::ReadBinary {
                offset: 0,
                le: Some(0)
            }
        );
        assert_eq!(a.expected_length(), Some(512));
        assert!(a.is_extended() && a.is_read_only());
        for ok in [
            &[0x00, 0xB0, 0x7F, 0xFF, 0x00, 0x00, 0x00][..], // Le 65536, highest offset
            &[0x00, 0xB0, 0x01, 0x00, 0x00, 0x01, 0x01],
        ] {
            assert!(read_only(ok), "{ok:02X?}");
        }
        assert_eq!(
            Apdu::parse(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])
                .unwrap()
                .expected_length(),
            Some(65536)
        );
        for near in [
            // Another class (secure messaging, proprietary).
            &[0x0C, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00][..],
            &[0x80, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00],
            // A short EF identifier in P1.
            &[0x00, 0xB0, 0x81, 0x00, 0x00, 0x02, 0x00],
            // Other reads and GET RESPONSE with an extended Le.
            &[0x00, 0xB2, 0x01, 0x04, 0x00, 0x02, 0x00],
            &[0x00, 0xCA, 0x00, 0x45, 0x00, 0x02, 0x00],
            &[0x00, 0xC0, 0x00, 0x00, 0x00, 0x02, 0x00],
            &[0xFF, 0xCA, 0x00, 0x00, 0x00, 0x02, 0x00],
            // Too short or too long for `00 Le1 Le2`.
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02],
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00],
            // Extended Lc with data (case 3E, 4E): a READ BINARY carries no data.
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA],
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA, 0x02, 0x00],
            // Not starting with 00: a short Lc with data and Le.
            &[0x00, 0xB0, 0x00, 0x00, 0x01, 0x02, 0x00],
            // Writes and VERIFY in the same shape.
            &[0x00, 0xD6, 0x00, 0x00, 0x00, 0x02, 0x00],
            &[0x00, 0x20, 0x00, 0x80, 0x00, 0x02, 0x00],
            &[0x00, 0xA4, 0x04, 0x0C, 0x00, 0x02, 0x00],
        ] {
            assert!(!read_only(near), "{near:02X?}");
        }
        // Which commands are extended-length at all (what `emulate --refuse-extended` answers
        // 6700 to).
        let ext = |b: &[u8]| Apdu::parse(b).is_some_and(|a| a.is_extended());
        assert!(ext(&[0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x02, 0xD3, 0x92]));
        assert!(ext(&[0x00, 0xB2, 0x01, 0x04, 0x00, 0x02, 0x00]));
        for short in [
            &[0x00, 0xB0, 0x00, 0x00][..],
            &[0x00, 0xB0, 0x00, 0x00, 0x00],
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18],
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x01],
        ] {
            assert!(!ext(short), "{short:02X?}");
        }
    }

    #[test]
    fn bodies_follow_the_short_cases() {
        assert_eq!(Body::parse(&[]), Body::Empty);
        assert_eq!(Body::parse(&[0x00]), Body::Le(0));
        assert_eq!(Body::parse(&[0x01, 0xAA]), Body::Data(&[0xAA]));
        assert_eq!(Body::parse(&[0x01, 0xAA, 0x00]), Body::DataLe(&[0xAA], 0));
        assert_eq!(Body::parse(&[0x02, 0xAA]), Body::Malformed(&[0x02, 0xAA]));
        assert_eq!(Body::parse(&[0x00, 0x00, 0x01]), Body::ExtendedLe(1));
        assert_eq!(
            Body::parse(&[0x00, 0x00, 0x01, 0xAA]),
            Body::Malformed(&[0x00, 0x00, 0x01, 0xAA])
        );
        assert_eq!(
            Body::parse(&[0x01, 0xAA, 0xBB, 0xCC]),
            Body::Malformed(&[0x01, 0xAA, 0xBB, 0xCC])
        );
    }

    #[test]
    fn announced_data_is_there_exactly_when_lc_fits() {
        // The rule redaction comments used: `[.., lc, data @ ..] if lc <= data.len()`.
        for body in [
            &[][..],
            &[0x00],
            &[0x03],
            &[0x00, 0xAA],
            &[0x02, 0xAA],
            &[0x02, 0xAA, 0xBB],
            &[0x02, 0xAA, 0xBB, 0x00],
            &[0x02, 0xAA, 0xBB, 0x00, 0x00],
        ] {
            let want = matches!(body, [lc, data @ ..] if usize::from(*lc) <= data.len());
            assert_eq!(Body::parse(body).has_announced_data(), want, "{body:02X?}");
        }
    }

    #[test]
    fn a_select_with_short_data_names_what_is_there() {
        // The replay model and the privacy context have always read such a SELECT leniently.
        assert_eq!(
            decode(&[0x00, 0xA4, 0x04, 0x0C, 0x05, 0xD3]),
            Command::SelectDf { aid: &[0xD3] }
        );
        assert_eq!(
            decode(&[0x00, 0xA4, 0x02, 0x0C, 0x03, 0x00, 0x18, 0x00]),
            Command::SelectEf { fid: None }
        );
    }

    #[test]
    fn every_secret_carrying_instruction_is_known_with_data_only() {
        let kinds = [
            (0x20, SecretCommand::Verify),
            (0x21, SecretCommand::Verify),
            (0x24, SecretCommand::ChangeReferenceData),
            (0x26, SecretCommand::DisableVerification),
            (0x28, SecretCommand::EnableVerification),
            (0x2C, SecretCommand::ResetRetryCounter),
        ];
        for cla in [0x00, 0x0C, 0x80, 0xFF] {
            for (ins, kind) in kinds {
                let header = [cla, ins, 0x00, 0x80];
                assert_eq!(secret_command(&header), None, "{header:02X?}");
                for body in [&[0x00][..], &[0x04, 0x31, 0x32, 0x33, 0x34]] {
                    let cmd = [&header[..], body].concat();
                    assert_eq!(secret_command(&cmd), Some(kind), "{cmd:02X?}");
                    assert!(carries_secret(&cmd));
                }
            }
        }
        assert_eq!(
            secret_command(&[0x80, 0x32, 0x00, 0x80, 0x01, 0x01]),
            Some(SecretCommand::ChangeKey)
        );
        for not_secret in [
            &[0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92][..],
            &[0x00, 0xB0, 0x00, 0x00, 0x00],
            &[0x00, 0x32, 0x00, 0x80, 0x01, 0x01],
            &[0x00, 0x20, 0x00],
            &[],
        ] {
            assert!(!carries_secret(not_secret), "{not_secret:02X?}");
        }
    }

    #[test]
    fn an_envelope_is_unwrapped() {
        let verify = [0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34];
        let wrap = |ins: u8, inner: &[u8]| {
            let mut c = vec![0x00, ins, 0x00, 0x00, u8::try_from(inner.len()).unwrap()];
            c.extend_from_slice(inner);
            c
        };
        for ins in [0xC2, 0xC3] {
            assert_eq!(
                secret_command(&wrap(ins, &verify)),
                Some(SecretCommand::Envelope)
            );
            // Twice wrapped, and with an extended Lc.
            assert!(carries_secret(&wrap(ins, &wrap(0xC2, &verify))));
            let mut ext = vec![0x00, ins, 0x00, 0x00, 0x00, 0x00, 0x09];
            ext.extend_from_slice(&verify);
            assert!(carries_secret(&ext));
            // A fragment too short to name its command may be one.
            assert!(carries_secret(&wrap(ins, &[0x00, 0x20])));
            // A wrapped read, a data-less VERIFY and an empty envelope carry nothing.
            assert!(!carries_secret(&wrap(ins, &[0x00, 0xB0, 0x00, 0x00, 0x10])));
            assert!(!carries_secret(&wrap(ins, &[0x00, 0x20, 0x00, 0x80])));
            assert!(!carries_secret(&[0x00, ins, 0x00, 0x00]));
        }
        // Nesting deeper than the unwrapping limit counts as secret.
        let mut deep = vec![0x00, 0xB0, 0x00, 0x00, 0x10];
        for _ in 0..=MAX_ENVELOPE_DEPTH {
            deep = wrap(0xC2, &deep);
        }
        assert!(carries_secret(&deep));
    }

    #[test]
    fn the_selection_moves_only_on_9000() {
        let ok = StatusWord(0x9000);
        let mut s = Selection::default();
        let jpki = Command::SelectDf { aid: JPKI };
        let ef = Command::SelectEf {
            fid: Some([0x00, 0x18]),
        };
        assert_eq!(s.follow(&jpki, StatusWord(0x6A82)), Moved::Nothing);
        assert_eq!(s, Selection::default());
        assert_eq!(s.follow(&jpki, ok), Moved::Df);
        assert_eq!(s.df(), Some(JPKI));
        assert_eq!(s.follow(&ef, ok), Moved::Ef);
        assert_eq!(s.ef(), Some([0x00, 0x18]));
        // A failed SELECT keeps the current EF; so do reads and a malformed EF select.
        let other = Command::SelectEf {
            fid: Some([0x00, 0x99]),
        };
        assert_eq!(s.follow(&other, StatusWord(0x6A82)), Moved::Nothing);
        assert_eq!(
            s.follow(&Command::SelectEf { fid: None }, ok),
            Moved::Nothing
        );
        assert_eq!(
            s.follow(&decode(&[0x00, 0xB0, 0x00, 0x00, 0x00]), ok),
            Moved::Nothing
        );
        assert_eq!(s.ef(), Some([0x00, 0x18]));
        // A new application clears the EF; the ISD returns to MF level.
        assert_eq!(
            s.follow(&Command::SelectDf { aid: &ISD_AID }, ok),
            Moved::Df
        );
        assert_eq!((s.df(), s.ef()), (None, None));
        // 6282 or 61xx is not 9000.
        assert_eq!(s.follow(&jpki, StatusWord(0x6100)), Moved::Nothing);
        assert_eq!(s.df(), None);
    }
}
