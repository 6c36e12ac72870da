//! Replay of a fixture as a card model, not as a tape.
//!
//! [`CardModel::learn`] walks a fixture's exchanges once, tracking the selection a real card
//! would have at each point, and keeps what each answer says about the card: which
//! applications and EFs exist, the bytes of each file at each offset, where files end,
//! retry-counter answers, records and GET DATA objects. [`CardModel::answer`] then answers
//! any command from that knowledge, in any order and any READ BINARY chunk size.
//! The same model serves `audit --replay` and `emulate`.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use std::collections::HashMap;

use super::{Transport, TransportError};
use crate::fixture::Fixture;
use crate::iso7816::command::{Apdu, Command, Fid, split_response as split};
pub use crate::iso7816::command::{ISD_AID, Selection};
use crate::iso7816::spaced_hex;
use crate::iso7816::sw::StatusWord;

/// The current DF: `None` is the master-file level (after power-on or ISD select).
type Df = Option<Vec<u8>>;

/// What the model knows of one transparent EF.
#[derive(Default, Debug, Clone)]
struct FileModel {
    bytes: Vec<Option<u8>>,
    /// The file length, when a recorded answer showed where the file ends.
    end: Option<usize>,
    /// A non-data answer to READ BINARY (e.g. 6982), when one was recorded.
    denied: Option<Vec<u8>>,
}

impl FileModel {
    fn put(&mut self, offset: usize, data: &[u8]) {
        let need = offset + data.len();
        if self.bytes.len() < need {
            self.bytes.resize(need, None);
        }
        for (slot, b) in self.bytes.iter_mut().skip(offset).zip(data) {
            *slot = Some(*b);
        }
    }

    /// Takes in one recorded READ BINARY at `offset` asking for `le` bytes.
    fn learn(&mut self, offset: usize, le: Option<u8>, data: &[u8], sw: StatusWord, resp: &[u8]) {
        match sw.0 {
            0x9000 => self.put(offset, data),
            0x6282 => {
                self.put(offset, data);
                self.end = Some(offset + data.len());
            }
            0x6B00 => {
                self.end = Some(self.end.map_or(offset, |e| e.min(offset)));
            }
            _ if sw.sw1() == 0x6C => {
                // The card told us exactly how many bytes exist at this offset; when
                // it is less than a full chunk, that is the end of the file.
                let n = if sw.sw2() == 0 {
                    256
                } else {
                    usize::from(sw.sw2())
                };
                let le = usize::from(le.unwrap_or(0));
                let le = if le == 0 { 256 } else { le };
                if n < le {
                    self.end = Some(offset + n);
                }
            }
            _ => self.denied = Some(resp.to_vec()),
        }
    }

    fn known_run(&self, offset: usize, max: usize) -> Vec<u8> {
        self.bytes
            .iter()
            .skip(offset)
            .take(max)
            .map_while(|b| *b)
            .collect()
    }
}

/// Why the model cannot answer a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswerable {
    pub why: String,
    /// The ISO status a real card would most likely give (used by the emulator).
    pub iso_sw: StatusWord,
}

/// A card as far as a recording knows it.
#[derive(Default, Debug, Clone)]
pub struct CardModel {
    df_select: HashMap<Vec<u8>, Vec<u8>>,
    ef_select: HashMap<(Df, Fid), Vec<u8>>,
    files: HashMap<(Df, Fid), FileModel>,
    records: HashMap<(Df, Option<Fid>, [u8; 2]), Vec<u8>>,
    verify: HashMap<(Df, Option<Fid>, u8), Vec<u8>>,
    get_data: HashMap<(Df, [u8; 2]), Vec<u8>>,
    exact: HashMap<(Df, Option<Fid>, Vec<u8>), Vec<u8>>,
}

impl CardModel {
    /// Builds the model from a fixture's exchanges.
    pub fn learn(fixture: &Fixture) -> CardModel {
        let mut m = CardModel::default();
        let mut sel = Selection::default();
        for e in &fixture.exchanges {
            m.learn_one(&mut sel, &e.command, &e.response);
        }
        m
    }

    fn learn_one(&mut self, sel: &mut Selection, cmd: &[u8], resp: &[u8]) {
        let Some((data, sw)) = split(resp) else {
            return;
        };
        // The parser guarantees a 4-byte header; a fixture built in memory might not.
        let Some(apdu) = Apdu::parse(cmd) else {
            return;
        };
        match apdu.command {
            Command::SelectDf { aid } => {
                self.df_select.insert(aid.to_vec(), resp.to_vec());
                sel.follow(&apdu.command, sw);
            }
            Command::SelectEf { fid } => {
                if let Some(fid) = fid {
                    self.ef_select.insert((sel.df_key(), fid), resp.to_vec());
                    sel.follow(&apdu.command, sw);
                }
            }
            Command::ReadBinary { offset, le } => {
                let Some(ef) = sel.ef() else {
                    self.exact_insert(sel, cmd, resp);
                    return;
                };
                let file = self.files.entry((sel.df_key(), ef)).or_default();
                file.learn(usize::from(offset), le, data, sw, resp);
            }
            Command::ReadRecord { record, p2, .. } => {
                self.records
                    .insert((sel.df_key(), sel.ef(), [record, p2]), resp.to_vec());
            }
            Command::VerifyQuery { p2, .. } => {
                self.verify
                    .insert((sel.df_key(), sel.ef(), p2), resp.to_vec());
            }
            Command::GetData { tag, .. } => {
                self.get_data
                    .insert((sel.df_key(), tag.to_be_bytes()), resp.to_vec());
            }
            _ => self.exact_insert(sel, cmd, resp),
        }
    }

    fn exact_insert(&mut self, sel: &Selection, cmd: &[u8], resp: &[u8]) {
        self.exact
            .insert((sel.df_key(), sel.ef(), cmd.to_vec()), resp.to_vec());
    }

    /// Answers one command as the recorded card would, updating the selection.
    pub fn answer(&self, sel: &mut Selection, cmd: &[u8]) -> Result<Vec<u8>, Unanswerable> {
        let Some(apdu) = Apdu::parse(cmd) else {
            return Err(unanswerable("command shorter than a header", 0x6700));
        };
        let (df, ef) = (sel.df_key(), sel.ef());
        let found = |resp: Option<&Vec<u8>>, why: &dyn Fn() -> String, sw: u16| {
            resp.cloned().ok_or_else(|| unanswerable(&why(), sw))
        };
        let resp = match apdu.command {
            Command::SelectDf { aid } => found(
                self.df_select.get(aid),
                &|| {
                    format!(
                        "application {} was never selected in the recording",
                        hex::encode_upper(aid)
                    )
                },
                0x6A82,
            )?,
            Command::SelectEf { fid } => {
                let fid = fid.ok_or_else(|| {
                    unanswerable("SELECT EF needs a 2-byte file identifier", 0x6700)
                })?;
                found(
                    self.ef_select.get(&(df, fid)),
                    &|| {
                        format!(
                            "EF {} was never selected {} in the recording",
                            hex::encode_upper(fid),
                            where_(sel)
                        )
                    },
                    0x6A82,
                )?
            }
            Command::ReadBinary { offset, .. } if ef.is_some() => {
                // Short or extended Le (`00` 256, `00 00` 65536); none asks for 256.
                let le = apdu.expected_length().unwrap_or(256);
                return self.read_binary(sel, offset, le);
            }
            Command::ReadRecord { record, p2, .. } => {
                return found(
                    self.records.get(&(df, ef, [record, p2])),
                    &|| format!("record {record} was not recorded {}", where_(sel)),
                    0x6A83,
                );
            }
            Command::VerifyQuery { p2, .. } => {
                return found(
                    self.verify.get(&(df, ef, p2)),
                    &|| format!("no retry counter was recorded {}", where_(sel)),
                    0x6A88,
                );
            }
            Command::GetData { tag, .. } => {
                return found(
                    self.get_data.get(&(df, tag.to_be_bytes())),
                    &|| format!("GET DATA {tag:04X} was not recorded {}", where_(sel)),
                    0x6A88,
                );
            }
            _ => {
                return found(
                    self.exact.get(&(df, ef, cmd.to_vec())),
                    &|| format!("no such exchange was recorded {}", where_(sel)),
                    0x6D00,
                );
            }
        };
        // Only the two SELECTs reach here: a 9000 moves the selection.
        if let Some((_, sw)) = split(&resp) {
            sel.follow(&apdu.command, sw);
        }
        Ok(resp)
    }

    fn read_binary(
        &self,
        sel: &Selection,
        offset: u16,
        le: usize,
    ) -> Result<Vec<u8>, Unanswerable> {
        let (df, ef) = (sel.df_key(), sel.ef().unwrap_or_default());
        let offset = usize::from(offset);
        let not_recorded = || {
            unanswerable(
                &format!(
                    "bytes {offset}..{} of EF {} were not recorded {}",
                    offset + le,
                    hex::encode_upper(ef),
                    where_(sel)
                ),
                0x6B00,
            )
        };
        let Some(file) = self.files.get(&(df, ef)) else {
            return Err(not_recorded());
        };
        if file.bytes.iter().all(Option::is_none) {
            if let Some(denied) = &file.denied {
                return Ok(denied.clone());
            }
        }
        let want = match file.end {
            Some(end) if offset >= end => return Ok(vec![0x6B, 0x00]),
            Some(end) => le.min(end - offset),
            None => le,
        };
        let mut run = file.known_run(offset, want);
        if run.len() < want {
            return Err(not_recorded());
        }
        // Fewer bytes than asked for means the end of the file was reached (ISO 7816-4 6282).
        run.extend_from_slice(if want < le {
            &[0x62, 0x82]
        } else {
            &[0x90, 0x00]
        });
        Ok(run)
    }
}

fn where_(sel: &Selection) -> String {
    match (sel.df(), sel.ef()) {
        (None, None) => "at MF level".into(),
        (None, Some(ef)) => format!("at MF level, EF {}", hex::encode_upper(ef)),
        (Some(df), None) => format!("in DF {}", hex::encode_upper(df)),
        (Some(df), Some(ef)) => format!(
            "in DF {}, EF {}",
            hex::encode_upper(df),
            hex::encode_upper(ef)
        ),
    }
}

fn unanswerable(why: &str, sw: u16) -> Unanswerable {
    Unanswerable {
        why: why.into(),
        iso_sw: StatusWord(sw),
    }
}

/// A fixture played back as a transport for `audit --replay`.
pub struct Replayer {
    model: CardModel,
    selection: Selection,
    name: String,
    reader: String,
    atr: Vec<u8>,
}

impl Replayer {
    /// `name` identifies the fixture in errors (usually its path).
    pub fn new(fixture: &Fixture, name: &str) -> Replayer {
        Replayer {
            model: CardModel::learn(fixture),
            selection: Selection::default(),
            name: name.into(),
            reader: fixture.reader.clone(),
            atr: fixture.atr.clone(),
        }
    }

    /// Back to the power-on state (MF level, nothing selected).
    pub fn reset(&mut self) {
        self.selection = Selection::default();
    }

    /// Answers like [`Transport::transmit`], but keeps the reason when the model cannot.
    pub fn answer(&mut self, command: &[u8]) -> Result<Vec<u8>, Unanswerable> {
        self.model.answer(&mut self.selection, command)
    }
}

impl Transport for Replayer {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.answer(command)
            .map_err(|u| TransportError::Unanswerable {
                fixture: self.name.clone(),
                command: spaced_hex(command),
                why: u.why,
            })
    }

    fn reader_name(&self) -> &str {
        &self.reader
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPKI: &str = "D3 92 F0 00 26 01 00 00 00 01";

    fn fixture(body: &str) -> Fixture {
        let text =
            format!("format: myna-audit-fixture 1\nkind: synthetic\nreader: R\natr: 3B 00\n{body}");
        Fixture::parse(&text).unwrap()
    }

    fn card() -> Replayer {
        // A 300-byte file recorded in a 256 + 44 split, with its end marked by 6B00.
        let first: String = (0..256).map(|i| format!("{:02X}", i as u8)).collect();
        let second: String = (256..300).map(|i| format!("{:02X}", i as u8)).collect();
        let body = format!(
            "> 00 A4 04 0C 0A {JPKI}\n< 90 00\n\
             > 00 A4 02 0C 02 00 0A\n< 90 00\n\
             > 00 B0 00 00 00\n< {first} 90 00\n\
             > 00 B0 01 00 2C\n< {second} 90 00\n\
             > 00 B0 01 2C 01\n< 6B 00\n\
             > 00 A4 02 0C 02 00 01\n< 90 00\n\
             > 00 B0 00 00 01\n< 69 82\n\
             > 00 A4 02 0C 02 00 18\n< 90 00\n\
             > 00 20 00 80\n< 63 C3\n\
             > 00 A4 02 0C 02 00 99\n< 6A 82\n"
        );
        Replayer::new(&fixture(&body), "test.fixture")
    }

    fn tx(r: &mut Replayer, cmd: &str) -> Vec<u8> {
        r.transmit(&hex::decode(cmd.replace(' ', "")).unwrap())
            .unwrap()
    }

    #[test]
    fn answers_reads_in_other_chunk_sizes() {
        let mut r = card();
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        tx(&mut r, "00 A4 02 0C 02 00 0A");
        let mut all = Vec::new();
        let mut offset = 0u16;
        loop {
            let [hi, lo] = offset.to_be_bytes();
            let resp = r.transmit(&[0x00, 0xB0, hi, lo, 0x07]).unwrap();
            let (data, sw) = resp.split_at(resp.len() - 2);
            all.extend_from_slice(data);
            offset += data.len() as u16;
            if sw != [0x90, 0x00] {
                assert!(sw == [0x62, 0x82] || sw == [0x6B, 0x00]);
                break;
            }
        }
        assert_eq!(all, (0..300).map(|i| i as u8).collect::<Vec<_>>());
    }

    #[test]
    fn answers_an_extended_le_in_one_response() {
        let mut r = card();
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        tx(&mut r, "00 A4 02 0C 02 00 0A");
        // 512 asked, 300 in the file: all of it and 6282 (end of file).
        let resp = tx(&mut r, "00 B0 00 00 00 02 00");
        assert_eq!(resp.len(), 302);
        assert_eq!(resp[300..], [0x62, 0x82]);
        assert_eq!(
            resp[..300],
            (0..300).map(|i| i as u8).collect::<Vec<_>>()[..]
        );
        let resp = tx(&mut r, "00 B0 00 10 00 00 20");
        assert_eq!(resp.len(), 34);
        assert_eq!(resp[32..], [0x90, 0x00]);
    }

    #[test]
    fn answers_in_another_order() {
        let mut r = card();
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        // The PIN before the certificate, though the recording had it after.
        tx(&mut r, "00 A4 02 0C 02 00 18");
        assert_eq!(tx(&mut r, "00 20 00 80"), vec![0x63, 0xC3]);
        tx(&mut r, "00 A4 02 0C 02 00 0A");
        assert_eq!(tx(&mut r, "00 B0 01 2A 02"), vec![0x2A, 0x2B, 0x90, 0x00]);
        assert_eq!(tx(&mut r, "00 B0 01 2A 10"), vec![0x2A, 0x2B, 0x62, 0x82]);
        assert_eq!(tx(&mut r, "00 B0 01 40 10"), vec![0x6B, 0x00]);
        tx(&mut r, "00 A4 02 0C 02 00 01");
        assert_eq!(tx(&mut r, "00 B0 00 00 10"), vec![0x69, 0x82]);
    }

    #[test]
    fn a_failed_select_keeps_the_current_ef() {
        let mut r = card();
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        tx(&mut r, "00 A4 02 0C 02 00 18");
        assert_eq!(tx(&mut r, "00 A4 02 0C 02 00 99"), vec![0x6A, 0x82]);
        assert_eq!(tx(&mut r, "00 20 00 80"), vec![0x63, 0xC3]);
    }

    #[test]
    fn unknown_command_names_command_and_fixture() {
        let mut r = card();
        let err = r
            .transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x02, 0xAA, 0xBB])
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("test.fixture"), "{msg}");
        assert!(msg.contains("00 A4 04 0C 02 AA BB"), "{msg}");
        // Nothing selected: the EF belongs to no known DF.
        assert!(
            r.transmit(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A])
                .is_err()
        );
    }

    #[test]
    fn reads_past_what_was_recorded_are_errors_not_guesses() {
        let body = format!(
            "> 00 A4 04 0C 0A {JPKI}\n< 90 00\n> 00 A4 02 0C 02 00 0A\n< 90 00\n> 00 B0 00 00 04\n< 30 82 01 00 90 00\n"
        );
        let mut r = Replayer::new(&fixture(&body), "t");
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        tx(&mut r, "00 A4 02 0C 02 00 0A");
        assert_eq!(tx(&mut r, "00 B0 00 00 02"), vec![0x30, 0x82, 0x90, 0x00]);
        assert!(r.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x08]).is_err());
    }

    #[test]
    fn isd_select_returns_to_mf_level() {
        let body = "> 00 A4 04 0C 07 A0 00 00 01 51 00 00\n< 90 00\n> 00 CA 00 F0 00\n< 39 39 39 39 39 90 00\n"
            .to_string()
            + &format!("> 00 A4 04 0C 0A {JPKI}\n< 90 00\n");
        let mut r = Replayer::new(&fixture(&body), "t");
        tx(&mut r, &format!("00 A4 04 0C 0A {JPKI}"));
        assert!(
            r.transmit(&[0x00, 0xCA, 0x00, 0xF0, 0x00]).is_err(),
            "not recorded inside JPKI"
        );
        tx(&mut r, "00 A4 04 0C 07 A0 00 00 01 51 00 00");
        assert_eq!(tx(&mut r, "00 CA 00 F0 00"), b"99999\x90\x00".to_vec());
    }

    #[test]
    fn a_fixture_built_in_memory_with_short_commands_does_not_panic() {
        let mut f = fixture("");
        for command in [vec![], vec![0x00], vec![0x00, 0xB0, 0x00]] {
            f.exchanges.push(crate::fixture::Exchange {
                command,
                response: vec![0x90, 0x00],
                line: 0,
                comment: None,
            });
        }
        let mut r = Replayer::new(&f, "t");
        assert!(r.transmit(&[0x00]).is_err());
    }
}
