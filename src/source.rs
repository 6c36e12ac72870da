//! What an audit talks to: a fixture's replay, or the card in a PC/SC reader, chosen by
//! name or as the only reader holding a My Number Card (decided by SELECT JPKI, never by
//! ATR).

use std::path::Path;

use thiserror::Error;

use crate::card::Session;
use crate::card::chipmap::CertRole;
use crate::card::identify::{Identity, identify};
use crate::error::Diagnose;
use crate::fixture::{Fixture, FixtureError};
use crate::privacy::IdKind;
use crate::report::Source;
use crate::sw::StatusWord;
use crate::transport::pcsc::{Pcsc, PcscCard, Resume};
use crate::transport::replay::Replayer;
use crate::transport::{ReadOnly, Transport, TransportError};

/// Why no source could be opened.
#[derive(Debug, Error)]
pub enum SourceError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    #[error("no reader holds a My Number Card ({0})")]
    NoMyNumberCard(String),
    #[error("several readers hold a My Number Card: {0}")]
    SeveralMyNumberCards(String),
}

impl Diagnose for SourceError {
    fn code(&self) -> &'static str {
        match self {
            SourceError::Transport(t) => Diagnose::code(t),
            SourceError::Fixture(f) => f.code(),
            SourceError::NoMyNumberCard(_) => "no-my-number-card",
            SourceError::SeveralMyNumberCards(_) => "several-my-number-cards",
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            SourceError::Transport(t) => Diagnose::hint(t),
            SourceError::Fixture(f) => f.hint(),
            SourceError::NoMyNumberCard(_) => {
                "Place the My Number Card on a reader that supports ISO 14443 Type B (or insert it in a contact reader), \
                 or pass --reader NAME. `myna-audit readers` shows what each reader holds."
            }
            SourceError::SeveralMyNumberCards(_) => "Choose one with --reader NAME.",
        }
    }
}

/// A reader and what its card answered to SELECT JPKI.
#[derive(Debug, serde::Serialize)]
pub struct ReaderRow {
    pub name: String,
    pub card_present: bool,
    pub atr: Option<String>,
    pub is_my_number_card: Option<bool>,
    /// The answer to SELECT JPKI (or why there is none).
    pub probe: Option<String>,
}

/// Connects to a reader's card and identifies it (SELECT JPKI-AP through the read-only
/// guard, once more after a transient first answer: [`identify`]).
///
/// The card is held for this client alone from the identification on, and its exchanges
/// are handed over to the connected card ([`PcscCard::hand_over`]): the audit's own
/// identification is answered from them, so the card receives the identifying SELECT once
/// and the report counts every command the card received. The status word is the last
/// answer to SELECT JPKI-AP.
pub fn probe(pcsc: &Pcsc, reader: &str) -> Result<(PcscCard, StatusWord), TransportError> {
    let mut card = pcsc.connect(reader)?;
    card.begin_exclusive()?;
    card.keep_exchanges(true);
    let mut session = Session::new(ReadOnly::new(card));
    let sw = match identify(&mut session)? {
        Identity::MyNumberCard => StatusWord::OK,
        Identity::NotMyNumberCard(sw) | Identity::Unidentified(sw) => sw,
    };
    let mut card = session.into_transport();
    card.hand_over();
    Ok((card, sw))
}

/// Every reader with what it holds, and the cards that answered SELECT JPKI (connected).
pub fn scan(pcsc: &Pcsc) -> Result<(Vec<ReaderRow>, Vec<PcscCard>), TransportError> {
    scan_busy(pcsc).map(|(rows, cards, _)| (rows, cards))
}

/// What [`scan_busy`] found: rows, My Number Cards, and a card another program held.
type Scanned = (Vec<ReaderRow>, Vec<PcscCard>, Option<TransportError>);

/// [`scan`], and the first reader whose card another program held exclusively.
fn scan_busy(pcsc: &Pcsc) -> Result<Scanned, TransportError> {
    let mut busy = None;
    let mut rows = Vec::new();
    let mut cards = Vec::new();
    for slot in pcsc.readers()? {
        let mut row = ReaderRow {
            name: slot.name.clone(),
            card_present: slot.atr.is_some(),
            atr: slot.atr.as_deref().map(hex::encode_upper),
            is_my_number_card: None,
            probe: None,
        };
        if row.card_present {
            match probe(pcsc, &slot.name) {
                Ok((card, sw)) => {
                    row.is_my_number_card = Some(sw.is_ok());
                    row.probe = Some(format!("SELECT JPKI-AP: {sw}"));
                    if sw.is_ok() {
                        cards.push(card);
                    }
                }
                Err(TransportError::NoCard { .. }) => row.card_present = false,
                Err(e) => {
                    row.probe = Some(format!("error: {e}"));
                    if matches!(e, TransportError::CardInUse { .. }) {
                        busy.get_or_insert(e);
                    }
                }
            }
        }
        rows.push(row);
    }
    Ok((rows, cards, busy))
}

fn quoted(names: impl Iterator<Item = impl AsRef<str>>) -> String {
    names
        .map(|n| format!("\"{}\"", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reader chosen, and whether it was picked as the only one holding a My Number Card
/// (rather than named).
pub struct Chosen {
    pub card: PcscCard,
    pub picked: bool,
}

/// Picks the reader: the named one, else the only one holding a My Number Card.
pub fn choose_reader(pcsc: &Pcsc, wanted: Option<&str>) -> Result<Chosen, SourceError> {
    if let Some(w) = wanted {
        let slots = pcsc.readers()?;
        let all: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
        let matched: Vec<&str> = match all.iter().find(|n| **n == w) {
            Some(exact) => vec![*exact],
            None => all.iter().copied().filter(|n| n.contains(w)).collect(),
        };
        let [one] = matched.as_slice() else {
            return Err(TransportError::UnknownReader {
                reader: w.into(),
                available: quoted(all.iter()),
            }
            .into());
        };
        return Ok(Chosen {
            card: pcsc.connect(one)?,
            picked: false,
        });
    }
    let (rows, mut cards, busy) = scan_busy(pcsc)?;
    if let (true, Some(e)) = (cards.is_empty(), busy) {
        // A card another program holds may be the My Number Card: say so.
        return Err(e.into());
    }
    match cards.len() {
        1 => Ok(Chosen {
            card: cards.remove(0),
            picked: true,
        }),
        0 => Err(SourceError::NoMyNumberCard(format!(
            "readers: {}",
            quoted(rows.iter().map(|r| &r.name))
        ))),
        _ => Err(SourceError::SeveralMyNumberCards(quoted(
            rows.iter()
                .filter(|r| r.is_my_number_card == Some(true))
                .map(|r| &r.name),
        ))),
    }
}

fn fixture_name(path: &Path) -> String {
    path.display().to_string()
}

/// What the audit talks to, and what its source says about itself.
pub struct Opened {
    pub transport: Box<dyn Transport>,
    pub source: Source,
    /// Certificates the fixture declares redacted (their signatures cannot verify).
    pub redacted_certificates: Vec<CertRole>,
    /// The reader's name when it was picked as the only one holding a My Number Card.
    pub picked_reader: Option<String>,
}

/// Opens what the audit talks to: a fixture's replay (with the fixture's `redacted:`
/// declarations), or the chosen reader's card.
pub fn open_source(reader: Option<&str>, replay: Option<&Path>) -> Result<Opened, SourceError> {
    open_source_with(reader, replay, None)
}

/// [`open_source`]; a reader's card removed mid-audit is waited for as `resume` says
/// (`None`: not waited for, the audit ends with a partial report).
pub fn open_source_with(
    reader: Option<&str>,
    replay: Option<&Path>,
    resume: Option<Resume>,
) -> Result<Opened, SourceError> {
    match replay {
        Some(path) => {
            let fixture = Fixture::load(path)?;
            let source = Source {
                kind: crate::report::SourceKind::Replay,
                fixture: Some(fixture_name(path)),
                fixture_kind: Some(fixture.kind.as_str().into()),
            };
            let redacted_certificates = fixture
                .declarations()
                .iter()
                .filter(|d| d.kind == IdKind::AuthCertKey)
                .map(|_| CertRole::Auth)
                .collect();
            Ok(Opened {
                transport: Box::new(Replayer::new(&fixture, &fixture_name(path))),
                source,
                redacted_certificates,
                picked_reader: None,
            })
        }
        None => {
            let pcsc = Pcsc::establish()?;
            let mut chosen = choose_reader(&pcsc, reader)?;
            chosen.card.set_resume(resume);
            let source = Source {
                kind: crate::report::SourceKind::Pcsc,
                fixture: None,
                fixture_kind: None,
            };
            Ok(Opened {
                picked_reader: chosen.picked.then(|| chosen.card.reader_name().to_string()),
                transport: Box::new(chosen.card),
                source,
                redacted_certificates: Vec::new(),
            })
        }
    }
}
