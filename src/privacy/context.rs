//! Which file a response belongs to: the selection a card would have after each exchange,
//! and the bytes of each file put back together from its READ BINARY chunks.
//!
//! The recorder's redactor, `--trace` and `fixture check` all need to know that the 256
//! bytes answering `00 B0 01 00 00` are bytes 256..512 of JPKI-AP EF 000A. They share this.

use std::collections::BTreeMap;

use crate::chipmap::{self, APPLICATIONS, AppId};
pub use crate::iso7816::command::Fid;
/// Splits a response into data and status word.
pub use crate::iso7816::command::split_response as split;
use crate::iso7816::command::{Command, Selection, decode};
use crate::iso7816::sw::SwKind;

/// One readable object on the card.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectId {
    /// A transparent EF read with READ BINARY (`df` is `None` at the master-file level).
    Binary { df: Option<Vec<u8>>, ef: Fid },
    /// One record of the current EF, read with READ RECORD `00 B2 n 04`.
    Record {
        df: Option<Vec<u8>>,
        ef: Fid,
        record: u8,
    },
    /// A GET DATA object (`00 CA hi lo`).
    Data { df: Option<Vec<u8>>, tag: u16 },
}

/// The short name the fixtures' comments use for an application.
pub fn app_label(df: Option<&[u8]>) -> String {
    let Some(aid) = df else {
        return "MF level".into();
    };
    match APPLICATIONS.iter().find(|a| a.aid == aid).map(|a| a.id) {
        Some(AppId::Jpki) => "JPKI-AP".into(),
        Some(AppId::Text) => "text AP".into(),
        Some(AppId::Visual) => "visual AP".into(),
        Some(AppId::Juki) => "住基AP".into(),
        Some(AppId::Common) => "共通AP".into(),
        None => format!("DF {}", hex::encode_upper(aid)),
    }
}

impl ObjectId {
    pub fn df(&self) -> Option<&[u8]> {
        match self {
            ObjectId::Binary { df, .. }
            | ObjectId::Record { df, .. }
            | ObjectId::Data { df, .. } => df.as_deref(),
        }
    }

    /// Where the object is, for messages: `JPKI-AP EF 000A`, `GET DATA 0045 (MF level)`.
    pub fn describe(&self) -> String {
        match self {
            ObjectId::Binary { df, ef } => {
                format!("{} EF {}", app_label(df.as_deref()), hex::encode_upper(ef))
            }
            ObjectId::Record { df, ef, record } => format!(
                "{} EF {} record {record}",
                app_label(df.as_deref()),
                hex::encode_upper(ef)
            ),
            ObjectId::Data { df, tag } => {
                format!("GET DATA {tag:04X} ({})", app_label(df.as_deref()))
            }
        }
    }

    /// True for a transparent EF of `app` with identifier `ef`.
    pub fn is_ef(&self, app: &chipmap::AppSpec, ef: u16) -> bool {
        matches!(self, ObjectId::Binary { df: Some(d), ef: e } if d.as_slice() == app.aid && *e == ef.to_be_bytes())
    }
}

/// Where one response's data goes: an object, and the offset of the first data byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub object: ObjectId,
    pub offset: usize,
}

/// The selection state, updated exchange by exchange as a card would update it.
#[derive(Clone, Debug, Default)]
pub struct Context {
    selection: Selection,
    /// Where the data of a GET RESPONSE continues (after a `61xx`).
    pending: Option<Placement>,
}

impl Context {
    /// Takes one exchange into account; returns where its response data belongs, if it
    /// is part of a readable object.
    pub fn observe(&mut self, cmd: &[u8], resp: &[u8]) -> Option<Placement> {
        let pending = self.pending.take();
        let (data, sw) = split(resp)?;
        let command = decode(cmd);
        // Same rule as replay: only a 9000 moves the selection (card-facts §1.2).
        self.selection.follow(&command, sw);
        let (df, ef) = (self.selection.df_key(), self.selection.ef());
        let placement = match command {
            // READ BINARY with a 15-bit offset of the current EF (card-facts §1.3).
            Command::ReadBinary { offset, .. } => ef.map(|ef| Placement {
                object: ObjectId::Binary { df, ef },
                offset: usize::from(offset),
            }),
            // READ RECORD n of the current EF (P2 = 04).
            Command::ReadRecord {
                record, p2: 0x04, ..
            } => ef.map(|ef| Placement {
                object: ObjectId::Record { df, ef, record },
                offset: 0,
            }),
            Command::GetData { tag, .. } => Some(Placement {
                object: ObjectId::Data { df, tag },
                offset: 0,
            }),
            Command::GetResponse { .. } => pending,
            _ => None,
        };
        if let (Some(p), SwKind::MoreData(_)) = (&placement, sw.kind()) {
            self.pending = Some(Placement {
                object: p.object.clone(),
                offset: p.offset + data.len(),
            });
        }
        placement
    }
}

/// The bytes of one object as far as the exchanges showed them.
#[derive(Clone, Debug, Default)]
pub struct Image {
    bytes: Vec<Option<u8>>,
    /// For each byte, the index of the exchange that carried it (`u32::MAX`: none).
    origin: Vec<u32>,
    /// The index of the first exchange that carried data of this object.
    pub first: usize,
}

impl Image {
    fn put(&mut self, offset: usize, data: &[u8], origin: usize) {
        let need = offset + data.len();
        if self.bytes.len() < need {
            self.bytes.resize(need, None);
            self.origin.resize(need, u32::MAX);
        }
        let origin = u32::try_from(origin).unwrap_or(u32::MAX);
        for (i, b) in data.iter().enumerate() {
            self.bytes[offset + i] = Some(*b);
            self.origin[offset + i] = origin;
        }
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied().flatten()
    }

    pub fn set(&mut self, i: usize, b: u8) {
        if let Some(slot) = self.bytes.get_mut(i) {
            if slot.is_some() {
                *slot = Some(b);
            }
        }
    }

    /// The exchange that carried byte `i`.
    pub fn origin(&self, i: usize) -> Option<usize> {
        self.origin
            .get(i)
            .copied()
            .filter(|o| *o != u32::MAX)
            .map(|o| o as usize)
    }

    /// The bytes known without a gap from offset 0.
    pub fn prefix(&self) -> Vec<u8> {
        self.bytes.iter().map_while(|b| *b).collect()
    }

    /// Every run of known bytes, with its offset.
    pub fn runs(&self) -> Vec<(usize, Vec<u8>)> {
        let mut out = Vec::new();
        let mut cur: Option<(usize, Vec<u8>)> = None;
        for (i, b) in self.bytes.iter().enumerate() {
            match (b, &mut cur) {
                (Some(b), Some((_, run))) => run.push(*b),
                (Some(b), None) => cur = Some((i, vec![*b])),
                (None, Some(_)) => out.extend(cur.take()),
                (None, None) => {}
            }
        }
        out.extend(cur);
        out
    }
}

/// Every object of a conversation, reassembled, and where each exchange's data went.
#[derive(Clone, Debug, Default)]
pub struct Assembly {
    pub objects: BTreeMap<ObjectId, Image>,
    /// Per exchange: its placement, if its data belongs to an object.
    pub placements: Vec<Option<Placement>>,
}

impl Assembly {
    /// Walks a whole conversation.
    pub fn of<'a>(exchanges: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> Assembly {
        let mut ctx = Context::default();
        let mut a = Assembly::default();
        for (cmd, resp) in exchanges {
            let p = ctx.observe(cmd, resp);
            a.add(p, resp);
        }
        a
    }

    /// Adds the next exchange's response at its placement.
    pub fn add(&mut self, placement: Option<Placement>, resp: &[u8]) {
        let index = self.placements.len();
        if let (Some(p), Some((data, _))) = (&placement, split(resp)) {
            let image = self
                .objects
                .entry(p.object.clone())
                .or_insert_with(|| Image {
                    first: index,
                    ..Image::default()
                });
            image.put(p.offset, data, index);
        }
        self.placements.push(placement);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPKI: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];

    fn select_jpki() -> Vec<u8> {
        [&[0x00, 0xA4, 0x04, 0x0C, 0x0A][..], &JPKI].concat()
    }

    #[test]
    fn places_chunks_of_the_selected_ef() {
        let mut c = Context::default();
        assert_eq!(c.observe(&select_jpki(), &[0x90, 0x00]), None);
        c.observe(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A], &[0x90, 0x00]);
        let p = c
            .observe(&[0x00, 0xB0, 0x01, 0x00, 0x10], &[1, 2, 0x90, 0x00])
            .unwrap();
        assert_eq!(p.offset, 256);
        assert_eq!(
            p.object,
            ObjectId::Binary {
                df: Some(JPKI.to_vec()),
                ef: [0x00, 0x0A]
            }
        );
        assert_eq!(p.object.describe(), "JPKI-AP EF 000A");
    }

    #[test]
    fn a_failed_select_keeps_the_selection() {
        let mut c = Context::default();
        c.observe(&select_jpki(), &[0x90, 0x00]);
        c.observe(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x06], &[0x90, 0x00]);
        c.observe(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x99], &[0x6A, 0x82]);
        let p = c
            .observe(&[0x00, 0xB0, 0x00, 0x00, 0x01], &[1, 0x90, 0x00])
            .unwrap();
        assert_eq!(
            p.object,
            ObjectId::Binary {
                df: Some(JPKI.to_vec()),
                ef: [0x00, 0x06]
            }
        );
    }

    #[test]
    fn isd_select_returns_to_mf_level_and_get_response_continues() {
        let mut c = Context::default();
        c.observe(&select_jpki(), &[0x90, 0x00]);
        c.observe(
            &[
                0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00,
            ],
            &[0x90, 0x00],
        );
        let first = c
            .observe(&[0x00, 0xCA, 0x00, 0x45, 0x00], &[b'A', b'B', 0x61, 0x02])
            .unwrap();
        assert_eq!(
            first.object,
            ObjectId::Data {
                df: None,
                tag: 0x45
            }
        );
        let more = c
            .observe(&[0x00, 0xC0, 0x00, 0x00, 0x02], &[b'C', b'D', 0x90, 0x00])
            .unwrap();
        assert_eq!(more.object, first.object);
        assert_eq!(more.offset, 2);
        // No 61xx before it: a GET RESPONSE belongs to nothing.
        assert_eq!(
            c.observe(&[0x00, 0xC0, 0x00, 0x00, 0x02], &[0x6F, 0x00]),
            None
        );
    }

    #[test]
    fn assembly_puts_a_file_back_together() {
        let sel_ef = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A];
        let ex: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (select_jpki(), vec![0x90, 0x00]),
            (sel_ef.to_vec(), vec![0x90, 0x00]),
            (vec![0x00, 0xB0, 0x00, 0x00, 0x02], vec![1, 2, 0x90, 0x00]),
            (vec![0x00, 0xB0, 0x00, 0x02, 0x02], vec![3, 0x62, 0x82]),
        ];
        let a = Assembly::of(ex.iter().map(|(c, r)| (c.as_slice(), r.as_slice())));
        let img = a.objects.values().next().unwrap();
        assert_eq!(img.prefix(), vec![1, 2, 3]);
        assert_eq!(img.origin(2), Some(3));
        assert_eq!(img.first, 2);
        assert_eq!(a.placements.len(), 4);
    }
}
