//! Replay of a fixture: the card answers what the recorded card answered.
//!
//! [`CardModel::learn`] walks a fixture's exchanges once, tracking the selection a real card
//! would have at each point. It keeps two things:
//!
//! - the **tape**: every recorded answer, in order, under the command and the selection it
//!   was given in. A command sent again in the same context gets the next recorded answer to
//!   it, so a replay of a recording answers exactly what the card answered — `6Cxx` and the
//!   re-sent read, `61xx` and its GET RESPONSEs, a `6F00` first answer and the retry, a
//!   protected file that read once and refused after a re-SELECT.
//! - the **model**: what the answers say about the card — which applications and EFs exist,
//!   the bytes of each file at each offset, where each file ends and how the card answers a
//!   read that reaches the end, retry counters, records, GET DATA objects. Once a command's
//!   recorded answers are used up (or for a command never recorded, such as a READ BINARY in
//!   another chunk size), the model answers from that knowledge.
//!
//! The rule for READ BINARY (docs/fixtures.md, "How replay answers"): a short answer (fewer
//! bytes than Le) with `9000` or `6282` marks the end of the file; `6B00` at an offset marks
//! it there; `6Cxx` with fewer bytes than asked marks it too. A read inside the recorded
//! bytes is served from them with `9000`; a read that runs past the end gets the bytes to the
//! end with the status word the card itself gave for its short answer (or the `6Cxx` the card
//! gave). The replayer never makes up a status word: what the recording cannot answer is an
//! [`Unanswerable`] (fixture-incomplete for `audit --replay`). The same model serves
//! `audit --replay` and `emulate`; `emulate --end-of-file` may choose the end-of-file status
//! word instead of the recorded one ([`Replayer::with_end_of_file`]).

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

/// Where a command was sent and what it was: the tape's key.
type TapeKey = (Df, Option<Fid>, Vec<u8>);

/// What the model knows of one transparent EF.
#[derive(Default, Debug, Clone)]
struct FileModel {
    bytes: Vec<Option<u8>>,
    /// The file length, when a recorded answer showed where the file ends.
    end: Option<usize>,
    /// The status word of a recorded short answer (`9000` or `6282`): how this card answers
    /// a read that runs past the end of the file.
    end_sw: Option<StatusWord>,
    /// The card answered a read asking for more than the file holds with `6Cxx`.
    wrong_le_at_end: bool,
    /// A recorded answer to a read at or past the end (e.g. `6B00`).
    past_end: Option<Vec<u8>>,
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

    fn mark_end(&mut self, at: usize) {
        self.end = Some(self.end.map_or(at, |e| e.min(at)));
    }

    /// Takes in one recorded READ BINARY at `offset` asking for `le` bytes (or the data a
    /// GET RESPONSE brought for it, `le` then being the GET RESPONSE's).
    fn learn(&mut self, offset: usize, le: usize, data: &[u8], sw: StatusWord, resp: &[u8]) {
        match sw.0 {
            0x9000 | 0x6282 => {
                self.put(offset, data);
                // Fewer bytes than asked for: the end of the file, told this way.
                if data.len() < le || sw.0 == 0x6282 {
                    self.mark_end(offset + data.len());
                    if data.len() < le && !data.is_empty() {
                        self.end_sw = Some(sw);
                    } else if data.is_empty() {
                        self.past_end = Some(resp.to_vec());
                    }
                }
            }
            0x6B00 => {
                self.mark_end(offset);
                self.past_end = Some(resp.to_vec());
            }
            _ if sw.sw1() == 0x6C => {
                // The card told us exactly how many bytes exist at this offset; when
                // it is less than asked, that is the end of the file.
                let n = if sw.sw2() == 0 {
                    256
                } else {
                    usize::from(sw.sw2())
                };
                if n < le {
                    self.mark_end(offset + n);
                    self.wrong_le_at_end = true;
                }
            }
            // 61xx: the data follows in GET RESPONSE (learned there).
            _ if sw.sw1() == 0x61 => self.put(offset, data),
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

/// A `61xx` READ BINARY being followed by GET RESPONSE while the fixture is learned.
#[derive(Debug, Clone)]
struct Chain {
    file: (Df, Fid),
    /// Where the next GET RESPONSE's data goes.
    offset: usize,
}

/// A card as far as a recording knows it.
#[derive(Default, Debug, Clone)]
pub struct CardModel {
    tape: HashMap<TapeKey, Vec<Vec<u8>>>,
    df_select: HashMap<Vec<u8>, Vec<u8>>,
    ef_select: HashMap<(Df, Fid), Vec<u8>>,
    files: HashMap<(Df, Fid), FileModel>,
    records: HashMap<(Df, Option<Fid>, [u8; 2]), Vec<u8>>,
    verify: HashMap<(Df, Option<Fid>, u8), Vec<u8>>,
    get_data: HashMap<(Df, [u8; 2]), Vec<u8>>,
    exact: HashMap<TapeKey, Vec<u8>>,
}

/// How far a replay has played each command's recorded answers (volatile, like the selection:
/// a power change starts it again).
#[derive(Default, Debug, Clone)]
pub struct Played(HashMap<TapeKey, usize>);

impl CardModel {
    /// Builds the model from a fixture's exchanges.
    pub fn learn(fixture: &Fixture) -> CardModel {
        let mut m = CardModel::default();
        let mut sel = Selection::default();
        let mut chain = None;
        for e in &fixture.exchanges {
            m.learn_one(&mut sel, &mut chain, &e.command, &e.response);
        }
        m
    }

    fn learn_one(
        &mut self,
        sel: &mut Selection,
        chain: &mut Option<Chain>,
        cmd: &[u8],
        resp: &[u8],
    ) {
        let Some((data, sw)) = split(resp) else {
            return;
        };
        // The parser guarantees a 4-byte header; a fixture built in memory might not.
        let Some(apdu) = Apdu::parse(cmd) else {
            return;
        };
        self.tape
            .entry((sel.df_key(), sel.ef(), cmd.to_vec()))
            .or_default()
            .push(resp.to_vec());
        let pending = chain.take();
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
            Command::ReadBinary { offset, .. } => {
                let Some(ef) = sel.ef() else {
                    self.exact_insert(sel, cmd, resp);
                    return;
                };
                let le = apdu.expected_length().unwrap_or(256);
                let key = (sel.df_key(), ef);
                let file = self.files.entry(key.clone()).or_default();
                let offset = usize::from(offset);
                file.learn(offset, le, data, sw, resp);
                if sw.sw1() == 0x61 {
                    *chain = Some(Chain {
                        file: key,
                        offset: offset + data.len(),
                    });
                }
            }
            Command::GetResponse { .. } => {
                self.exact_insert(sel, cmd, resp);
                if let Some(c) = pending {
                    if let Some(file) = self.files.get_mut(&c.file) {
                        let le = apdu.expected_length().unwrap_or(256);
                        match sw.0 {
                            // The last part of the chain; a short one ends the file.
                            0x9000 | 0x6282 => file.learn(c.offset, le, data, sw, resp),
                            _ if sw.sw1() == 0x61 => {
                                file.put(c.offset, data);
                                *chain = Some(Chain {
                                    file: c.file,
                                    offset: c.offset + data.len(),
                                });
                            }
                            _ => {}
                        }
                    }
                }
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

    /// Answers one command as the recorded card would, updating the selection. Without a
    /// [`Played`] state only the model answers (no tape).
    pub fn answer(&self, sel: &mut Selection, cmd: &[u8]) -> Result<Vec<u8>, Unanswerable> {
        self.answer_with(sel, None, None, cmd)
    }

    /// The recorded answer not yet played to `cmd` in the current selection, if any.
    fn recorded_answer(&self, sel: &Selection, played: &mut Played, cmd: &[u8]) -> Option<Vec<u8>> {
        let key = (sel.df_key(), sel.ef(), cmd.to_vec());
        let answers = self.tape.get(&key)?;
        let n = played.0.entry(key).or_default();
        let resp = answers.get(*n)?.clone();
        *n += 1;
        Some(resp)
    }

    fn answer_with(
        &self,
        sel: &mut Selection,
        played: Option<&mut Played>,
        end_of_file: Option<StatusWord>,
        cmd: &[u8],
    ) -> Result<Vec<u8>, Unanswerable> {
        let Some(apdu) = Apdu::parse(cmd) else {
            return Err(unanswerable("command shorter than a header", 0x6700));
        };
        let is_read = matches!(apdu.command, Command::ReadBinary { .. }) && sel.ef().is_some();

        // `emulate --end-of-file`: the card's own way of ending a file, for every read the
        // model covers; the tape answers the rest.
        let forced = match (end_of_file, is_read) {
            (Some(eof), true) => self.model_answer(sel, &apdu, cmd, Some(eof)).ok(),
            _ => None,
        };
        let taped = match (forced.is_none(), played) {
            (true, Some(p)) => self.recorded_answer(sel, p, cmd),
            _ => None,
        };
        let resp = match forced.or(taped) {
            Some(r) => r,
            None => self.model_answer(sel, &apdu, cmd, end_of_file)?,
        };
        // A 9000 to a SELECT moves the selection.
        if matches!(
            apdu.command,
            Command::SelectDf { .. } | Command::SelectEf { fid: Some(_) }
        ) {
            if let Some((_, sw)) = split(&resp) {
                sel.follow(&apdu.command, sw);
            }
        }
        Ok(resp)
    }

    /// The model's answer (no tape, the selection unchanged).
    fn model_answer(
        &self,
        sel: &Selection,
        apdu: &Apdu<'_>,
        cmd: &[u8],
        end_of_file: Option<StatusWord>,
    ) -> Result<Vec<u8>, Unanswerable> {
        let (df, ef) = (sel.df_key(), sel.ef());
        let found = |resp: Option<&Vec<u8>>, why: &dyn Fn() -> String, sw: u16| {
            resp.cloned().ok_or_else(|| unanswerable(&why(), sw))
        };
        match apdu.command {
            Command::SelectDf { aid } => found(
                self.df_select.get(aid),
                &|| {
                    format!(
                        "application {} was never selected in the recording",
                        hex::encode_upper(aid)
                    )
                },
                0x6A82,
            ),
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
                )
            }
            Command::ReadBinary { offset, .. } if ef.is_some() => {
                // Short or extended Le (`00` 256, `00 00` 65536); none asks for 256.
                let le = apdu.expected_length().unwrap_or(256);
                self.read_binary(sel, offset, le, end_of_file)
            }
            Command::ReadRecord { record, p2, .. } => found(
                self.records.get(&(df, ef, [record, p2])),
                &|| format!("record {record} was not recorded {}", where_(sel)),
                0x6A83,
            ),
            Command::VerifyQuery { p2, .. } => found(
                self.verify.get(&(df, ef, p2)),
                &|| format!("no retry counter was recorded {}", where_(sel)),
                0x6A88,
            ),
            Command::GetData { tag, .. } => found(
                self.get_data.get(&(df, tag.to_be_bytes())),
                &|| format!("GET DATA {tag:04X} was not recorded {}", where_(sel)),
                0x6A88,
            ),
            _ => found(
                self.exact.get(&(df, ef, cmd.to_vec())),
                &|| format!("no such exchange was recorded {}", where_(sel)),
                0x6D00,
            ),
        }
    }

    fn read_binary(
        &self,
        sel: &Selection,
        offset: u16,
        le: usize,
        end_of_file: Option<StatusWord>,
    ) -> Result<Vec<u8>, Unanswerable> {
        let (df, ef) = (sel.df_key(), sel.ef().unwrap_or_default());
        let offset = usize::from(offset);
        let not_recorded = |what: &str| {
            unanswerable(
                &format!(
                    "bytes {offset}..{} of EF {} were not recorded {}{what}",
                    offset + le,
                    hex::encode_upper(ef),
                    where_(sel)
                ),
                0x6B00,
            )
        };
        let Some(file) = self.files.get(&(df, ef)) else {
            return Err(not_recorded(""));
        };
        if file.bytes.iter().all(Option::is_none) {
            if let Some(denied) = &file.denied {
                return Ok(denied.clone());
            }
        }
        let want = match file.end {
            Some(end) if offset >= end => {
                return file.past_end.clone().ok_or_else(|| {
                    not_recorded(" (the recording does not show what the card answers at the end of the file)")
                });
            }
            Some(end) => le.min(end - offset),
            None => le,
        };
        let mut run = file.known_run(offset, want);
        if run.len() < want {
            return Err(not_recorded(""));
        }
        if want == le {
            // A read inside the file: the bytes and 9000, as the card gave them.
            run.extend_from_slice(&[0x90, 0x00]);
            return Ok(run);
        }
        // A read that runs past the end: answered the way this card ends a file.
        match (end_of_file.or(file.end_sw), file.wrong_le_at_end) {
            (Some(sw), _) => {
                run.extend_from_slice(&[sw.sw1(), sw.sw2()]);
                Ok(run)
            }
            (None, true) => Ok(vec![0x6C, (want & 0xFF) as u8]),
            (None, false) => Err(not_recorded(
                " (the recording does not show how the card answers a read past the end of the file)",
            )),
        }
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
    played: Played,
    /// `emulate --end-of-file`: how reads that run past the end of a file are answered.
    end_of_file: Option<StatusWord>,
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
            played: Played::default(),
            end_of_file: None,
            name: name.into(),
            reader: fixture.reader.clone(),
            atr: fixture.atr.clone(),
        }
    }

    /// The same card, but ending every file it knows the end of with `sw` (`9000` or
    /// `6282`) after the bytes to the end, whatever the recording's card did: the
    /// emulator's `--end-of-file`. Replay never uses it (it answers what the card answered).
    pub fn with_end_of_file(mut self, sw: Option<StatusWord>) -> Replayer {
        self.end_of_file = sw;
        self
    }

    /// Back to the power-on state (MF level, nothing selected; the recording plays again
    /// from its start).
    pub fn reset(&mut self) {
        self.selection = Selection::default();
        self.played = Played::default();
    }

    /// Answers like [`Transport::transmit`], but keeps the reason when the model cannot.
    pub fn answer(&mut self, command: &[u8]) -> Result<Vec<u8>, Unanswerable> {
        self.model.answer_with(
            &mut self.selection,
            Some(&mut self.played),
            self.end_of_file,
            command,
        )
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
        // A 300-byte file recorded in a 256 + 44 split: the second read asked for 256 and
        // got the 44 bytes to the end with 6282; a read at the end answered 6B00.
        let first: String = (0..256).map(|i| format!("{:02X}", i as u8)).collect();
        let second: String = (256..300).map(|i| format!("{:02X}", i as u8)).collect();
        let body = format!(
            "> 00 A4 04 0C 0A {JPKI}\n< 90 00\n\
             > 00 A4 02 0C 02 00 0A\n< 90 00\n\
             > 00 B0 00 00 00\n< {first} 90 00\n\
             > 00 B0 01 00 00\n< {second} 62 82\n\
             > 00 B0 01 2C 01\n< 6B 00\n\
             > 00 A4 02 0C 02 00 01\n< 90 00\n\
             > 00 B0 00 00 01\n< 69 82\n\
             > 00 A4 02 0C 02 00 18\n< 90 00\n\
             > 00 20 00 80\n< 63 C3\n\
             > 00 A4 02 0C 02 00 99\n< 6A 82\n"
        );
        Replayer::new(&fixture(&body), "test.fixture")
    }

    fn hexs(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    fn tx(r: &mut Replayer, cmd: &str) -> Vec<u8> {
        r.transmit(&hexs(cmd)).unwrap()
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
        // 512 asked, 300 in the file: all of it and 6282 (how this card ends a file).
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

    mod answers_what_the_card_answered {
        use super::super::*;
        use super::{fixture, hexs};

        const SEL_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
        const SEL_EF: &str = "00 A4 02 0C 02 00 05";

        fn replayer(body: &str) -> Replayer {
            Replayer::new(&fixture(body), "t")
        }

        fn tx(r: &mut Replayer, cmd: &str) -> Result<Vec<u8>, Unanswerable> {
            r.answer(&hexs(cmd))
        }

        fn data(n: usize) -> String {
            (0..n).map(|i| format!("{:02X} ", i as u8)).collect()
        }

        fn short_read(sw: &str) -> Replayer {
            // The card: 164 bytes asked for with Le 256, answered with 164 bytes and `sw`.
            replayer(&format!(
                "> {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 00\n< {}{sw}\n",
                data(164)
            ))
        }

        #[test]
        fn a_short_answer_ends_the_file_with_the_status_word_the_card_gave() {
            for sw in ["90 00", "62 82"] {
                let mut r = short_read(sw);
                tx(&mut r, SEL_JPKI).unwrap();
                tx(&mut r, SEL_EF).unwrap();
                let whole = tx(&mut r, "00 B0 00 00 00").unwrap();
                assert_eq!(whole, hexs(&format!("{}{sw}", data(164))), "{sw}");
                // The same read again (the tape is used up): the model, the same answer.
                assert_eq!(tx(&mut r, "00 B0 00 00 00").unwrap(), whole, "{sw}");
                // Inside the file: the bytes and 9000; past its end: the card's own status word.
                assert_eq!(tx(&mut r, "00 B0 00 10 02").unwrap(), hexs("10 11 90 00"));
                let tail = tx(&mut r, "00 B0 00 A0 10").unwrap();
                assert_eq!(tail, hexs(&format!("A0 A1 A2 A3 {sw}")), "{sw}");
                // At the end nothing was recorded: no status word is made up.
                assert!(tx(&mut r, "00 B0 00 A4 01").is_err(), "{sw}");
            }
        }

        #[test]
        fn no_6282_is_invented_for_a_card_that_ended_with_9000() {
            let mut r = short_read("90 00");
            tx(&mut r, SEL_JPKI).unwrap();
            tx(&mut r, SEL_EF).unwrap();
            let resp = tx(&mut r, "00 B0 00 00 00").unwrap();
            assert_eq!(resp[164..], [0x90, 0x00]);
        }

        #[test]
        fn an_end_known_only_from_6b00_answers_no_read_past_it() {
            let mut r = replayer(&format!(
                "> {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 10\n< {}90 00\n> 00 B0 00 10 01\n< 6B 00\n",
                data(16)
            ));
            tx(&mut r, SEL_JPKI).unwrap();
            tx(&mut r, SEL_EF).unwrap();
            assert_eq!(tx(&mut r, "00 B0 00 00 08").unwrap()[8..], [0x90, 0x00]);
            assert_eq!(tx(&mut r, "00 B0 00 10 05").unwrap(), hexs("6B 00"));
            let err = tx(&mut r, "00 B0 00 00 00").unwrap_err();
            assert!(err.why.contains("past the end"), "{}", err.why);
        }

        #[test]
        fn a_6cxx_answer_and_the_resent_read_replay_as_recorded() {
            let mut r = replayer(&format!(
                "> {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 00\n< 6C A4\n> 00 B0 00 00 A4\n< {}90 00\n",
                data(164)
            ));
            tx(&mut r, SEL_JPKI).unwrap();
            tx(&mut r, SEL_EF).unwrap();
            assert_eq!(tx(&mut r, "00 B0 00 00 00").unwrap(), hexs("6C A4"));
            assert_eq!(tx(&mut r, "00 B0 00 00 A4").unwrap().len(), 166);
            // Another read past the end: this card answers those with 6Cxx (the bytes left).
            assert_eq!(tx(&mut r, "00 B0 00 A0 10").unwrap(), hexs("6C 04"));
        }

        #[test]
        fn a_61xx_chain_replays_and_teaches_the_bytes() {
            let mut r = replayer(&format!(
                "> {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 00\n< 61 A4\n> 00 C0 00 00 A4\n< {}90 00\n",
                data(164)
            ));
            tx(&mut r, SEL_JPKI).unwrap();
            tx(&mut r, SEL_EF).unwrap();
            assert_eq!(tx(&mut r, "00 B0 00 00 00").unwrap(), hexs("61 A4"));
            assert_eq!(tx(&mut r, "00 C0 00 00 A4").unwrap().len(), 166);
            // The model learned the bytes the GET RESPONSE brought.
            assert_eq!(tx(&mut r, "00 B0 00 20 02").unwrap(), hexs("20 21 90 00"));
        }

        #[test]
        fn a_command_answered_differently_twice_replays_both_answers_in_order() {
            // A protected file that read once, then refused after the application was selected
            // again (the audit's re-check), and a 6F00 first answer before the retry.
            let mut r = replayer(&format!(
                "> {SEL_JPKI}\n< 6F 00\n> {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 01\n< 00 90 00\n\
             > {SEL_JPKI}\n< 90 00\n> {SEL_EF}\n< 90 00\n> 00 B0 00 00 01\n< 69 82\n"
            ));
            for _ in 0..2 {
                assert_eq!(tx(&mut r, SEL_JPKI).unwrap(), hexs("6F 00"));
                assert_eq!(tx(&mut r, SEL_JPKI).unwrap(), hexs("90 00"));
                tx(&mut r, SEL_EF).unwrap();
                assert_eq!(tx(&mut r, "00 B0 00 00 01").unwrap(), hexs("00 90 00"));
                tx(&mut r, SEL_JPKI).unwrap();
                tx(&mut r, SEL_EF).unwrap();
                assert_eq!(tx(&mut r, "00 B0 00 00 01").unwrap(), hexs("69 82"));
                // A power change plays the recording again from its start.
                r.reset();
            }
        }

        #[test]
        fn the_emulators_end_of_file_knob_chooses_the_status_word() {
            for (knob, want) in [(0x9000, "90 00"), (0x6282, "62 82")] {
                let mut r = short_read("62 82").with_end_of_file(Some(StatusWord(knob)));
                tx(&mut r, SEL_JPKI).unwrap();
                tx(&mut r, SEL_EF).unwrap();
                let resp = tx(&mut r, "00 B0 00 00 00").unwrap();
                assert_eq!(resp, hexs(&format!("{}{want}", data(164))));
                assert_eq!(
                    tx(&mut r, "00 B0 00 00 04").unwrap(),
                    hexs("00 01 02 03 90 00")
                );
            }
        }
    }
}
