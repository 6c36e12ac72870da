//! The library side of `myna-audit watch`: reader and card events as the difference between
//! two snapshots of the reader list, and one event as a text or JSON line. The loop that
//! waits on PC/SC (`SCardGetStatusChange`), identifies a new card with [`identify`] and
//! handles signals belongs to the CLI.

use std::time::Duration;

use serde::Serialize;

use super::say;
use crate::card::Session;
use crate::lang::{Lang, Text};
use crate::transport::pcsc::ReaderSlot;
use crate::transport::{ReadOnly, Transport, TransportError, spaced_hex};

/// One thing that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    ReaderAdded {
        reader: String,
    },
    ReaderRemoved {
        reader: String,
    },
    CardInserted {
        reader: String,
        atr: String,
    },
    CardRemoved {
        reader: String,
    },
    /// The PC/SC service stopped answering (a restart, an update, a stop); `watch` keeps
    /// the last reader list and tries to re-establish its context.
    ServiceLost {
        error: String,
    },
    /// The context was re-established; the events that follow are the differences from
    /// the list before the service was lost.
    ServiceBack,
}

impl Event {
    /// The reader the event is about (empty for service events).
    pub fn reader(&self) -> &str {
        match self {
            Event::ReaderAdded { reader }
            | Event::ReaderRemoved { reader }
            | Event::CardInserted { reader, .. }
            | Event::CardRemoved { reader } => reader,
            Event::ServiceLost { .. } | Event::ServiceBack => "",
        }
    }
}

/// The events that turn `before` into `after`, in a stable order: removals first (cards,
/// then readers), then additions (readers, then cards), each in the order of the lists. A
/// card swapped between snapshots (another ATR) is a removal and an insertion.
pub fn diff(before: &[ReaderSlot], after: &[ReaderSlot]) -> Vec<Event> {
    let find = |list: &[ReaderSlot], name: &str| list.iter().find(|s| s.name == name).cloned();
    let mut out = Vec::new();
    for old in before {
        let now = find(after, &old.name);
        let card_gone = match (&old.atr, now.as_ref().map(|n| &n.atr)) {
            (Some(_), None | Some(None)) => true,
            (Some(a), Some(Some(b))) => a != b,
            _ => false,
        };
        if card_gone {
            out.push(Event::CardRemoved {
                reader: old.name.clone(),
            });
        }
        if now.is_none() {
            out.push(Event::ReaderRemoved {
                reader: old.name.clone(),
            });
        }
    }
    for new in after {
        let was = find(before, &new.name);
        if was.is_none() {
            out.push(Event::ReaderAdded {
                reader: new.name.clone(),
            });
        }
        let card_new = match (was.as_ref().map(|w| &w.atr), &new.atr) {
            (None | Some(None), Some(_)) => true,
            (Some(Some(a)), Some(b)) => a != b,
            _ => false,
        };
        if card_new {
            out.push(Event::CardInserted {
                reader: new.name.clone(),
                atr: new.atr.as_deref().map(spaced_hex).unwrap_or_default(),
            });
        }
    }
    out
}

/// Whether the card answers the JPKI-AP SELECT (through the read-only guard): `Ok(true)` a
/// My Number Card, `Ok(false)` a card without it or one that answered otherwise. Identified
/// as the audit does ([`crate::card::identify`]): two APDUs at most.
pub fn identify<T: Transport>(card: T) -> Result<bool, TransportError> {
    use crate::card::identify::{Identity, identify};
    let mut session = Session::new(ReadOnly::new(card));
    Ok(identify(&mut session)? == Identity::MyNumberCard)
}

/// One event as `watch` prints it, with the time since the previous event and, for an
/// insertion, whether the card is a My Number Card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub event: Event,
    /// `None` for the first event.
    pub since_last_ms: Option<u64>,
    /// For insertions: the JPKI-AP answered (`None`: not probed, or the probe failed).
    pub my_number_card: Option<bool>,
}

impl Line {
    pub fn new(event: Event, since_last: Option<Duration>, my_number_card: Option<bool>) -> Line {
        Line {
            event,
            since_last_ms: since_last.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            my_number_card,
        }
    }

    /// The event in words, both languages: `card inserted   "Reader 00 00"  ATR 3B …  My
    /// Number Card`. The event words are padded to one column in each language.
    pub fn words(&self) -> Text {
        let named = |en: &str, ja: &str, reader: &str| {
            Text::new(
                format!("{en:<16}\"{reader}\""),
                format!("{}「{reader}」", say::pad(ja, 16)),
            )
        };
        match &self.event {
            Event::ReaderAdded { reader } => named("reader added", "リーダー追加", reader),
            Event::ReaderRemoved { reader } => named("reader removed", "リーダー取り外し", reader),
            Event::CardRemoved { reader } => named("card removed", "カード取り出し", reader),
            Event::ServiceLost { error } => Text::new(
                format!("PC/SC service lost ({error}); re-establishing the context"),
                format!("PC/SC サービスが止まりました（{error}）。コンテキストを確立し直します"),
            ),
            Event::ServiceBack => Text::new(
                "PC/SC service back: context re-established",
                "PC/SC サービスが戻りました: コンテキストを確立し直しました",
            ),
            Event::CardInserted { reader, atr } => {
                let card = named("card inserted", "カード挿入", reader);
                let (en, ja) = match self.my_number_card {
                    Some(true) => ("  My Number Card", "  マイナンバーカード"),
                    Some(false) => (
                        "  not a My Number Card",
                        "  マイナンバーカードではありません",
                    ),
                    None => ("", ""),
                };
                Text::new(
                    format!("{}  ATR {atr}{en}", card.en),
                    format!("{}  ATR {atr}{ja}", card.ja),
                )
            }
        }
    }

    /// The text form in `lang`, through the one sanitizer (reader names and error texts come
    /// from outside), with the time since the previous event.
    pub fn text(&self, lang: Lang) -> String {
        let what = crate::sanitize::sanitize(&self.words().get(lang, " / "));
        match self.since_last_ms {
            Some(ms) => format!("{what}  (+{:.1} s)", ms as f64 / 1000.0),
            None => what,
        }
    }

    /// The JSON-lines form.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(name: &str, atr: Option<&[u8]>) -> ReaderSlot {
        ReaderSlot {
            name: name.into(),
            atr: atr.map(<[u8]>::to_vec),
        }
    }

    const A: &[u8] = &[0x3B, 0x88, 0x80, 0x01];
    const B: &[u8] = &[0x3B, 0x81, 0x80, 0x01, 0x80, 0x80];

    #[test]
    fn insertion_and_removal_in_order() {
        let empty = [slot("R0", None)];
        let full = [slot("R0", Some(A))];
        assert_eq!(
            diff(&empty, &full),
            [Event::CardInserted {
                reader: "R0".into(),
                atr: "3B 88 80 01".into()
            }]
        );
        assert_eq!(
            diff(&full, &empty),
            [Event::CardRemoved {
                reader: "R0".into()
            }]
        );
        assert!(diff(&full, &full).is_empty());
    }

    #[test]
    fn readers_coming_and_going_with_cards() {
        // A reader unplugged with a card in it: the card goes first, then the reader.
        let before = [slot("R0", Some(A)), slot("R1", None)];
        let after = [slot("R1", Some(B)), slot("R2", Some(A))];
        assert_eq!(
            diff(&before, &after),
            [
                Event::CardRemoved {
                    reader: "R0".into()
                },
                Event::ReaderRemoved {
                    reader: "R0".into()
                },
                Event::CardInserted {
                    reader: "R1".into(),
                    atr: spaced_hex(B)
                },
                Event::ReaderAdded {
                    reader: "R2".into()
                },
                Event::CardInserted {
                    reader: "R2".into(),
                    atr: spaced_hex(A)
                },
            ]
        );
        assert_eq!(diff(&[], &[slot("R0", None)]).len(), 1);
    }

    #[test]
    fn a_swapped_card_is_removed_then_inserted() {
        let ev = diff(&[slot("R0", Some(A))], &[slot("R0", Some(B))]);
        assert_eq!(ev.len(), 2);
        assert!(matches!(ev[0], Event::CardRemoved { .. }));
        assert!(matches!(ev[1], Event::CardInserted { .. }));
    }

    #[test]
    fn lines_as_text_and_json() {
        let l = Line::new(
            Event::CardInserted {
                reader: "R\u{7}0".into(),
                atr: "3B 88".into(),
            },
            Some(Duration::from_millis(1500)),
            Some(true),
        );
        let t = l.text(Lang::En);
        assert!(
            t.contains("card inserted") && t.contains("My Number Card"),
            "{t}"
        );
        assert!(t.ends_with("(+1.5 s)") && !t.contains('\u{7}'), "{t}");
        let v: serde_json::Value = serde_json::from_str(&l.json()).unwrap();
        assert_eq!(v["event"], "card_inserted");
        assert_eq!(v["atr"], "3B 88");
        assert_eq!(v["since_last_ms"], 1500);
        assert_eq!(v["my_number_card"], true);
        let first = Line::new(Event::ReaderAdded { reader: "R".into() }, None, None);
        assert_eq!(first.text(Lang::En), "reader added    \"R\"");
        assert_eq!(first.text(Lang::Ja), "リーダー追加    「R」");
        let lost = Line::new(
            Event::ServiceLost {
                error: "the PC/SC service stopped during the audit".into(),
            },
            Some(Duration::from_millis(200)),
            None,
        );
        assert!(
            lost.text(Lang::En).starts_with("PC/SC service lost"),
            "{}",
            lost.text(Lang::En)
        );
        let v: serde_json::Value = serde_json::from_str(&lost.json()).unwrap();
        assert_eq!(v["event"], "service_lost");
        let v: serde_json::Value =
            serde_json::from_str(&Line::new(Event::ServiceBack, None, None).json()).unwrap();
        assert_eq!(v["event"], "service_back");
        assert_eq!(Event::ServiceBack.reader(), "");
    }

    /// Every event in both languages; the Japanese line carries no English event word.
    #[test]
    fn every_event_in_both_languages() {
        let r = || "R".to_string();
        let events = [
            Event::ReaderAdded { reader: r() },
            Event::ReaderRemoved { reader: r() },
            Event::CardInserted {
                reader: r(),
                atr: "3B".into(),
            },
            Event::CardRemoved { reader: r() },
            Event::ServiceLost { error: "x".into() },
            Event::ServiceBack,
        ];
        for e in events {
            for mnc in [None, Some(true), Some(false)] {
                let l = Line::new(e.clone(), None, mnc);
                let (en, ja) = (l.text(Lang::En), l.text(Lang::Ja));
                assert_ne!(en, ja);
                assert!(ja.chars().any(crate::lang::is_japanese), "{ja}");
                for word in [
                    "reader", "card", "added", "removed", "inserted", "lost", "back", "Number",
                ] {
                    assert!(!ja.contains(word), "{word} in {ja}");
                }
                assert_eq!(l.text(Lang::Both), format!("{ja} / {en}"));
            }
        }
    }

    struct Answers(Vec<Vec<u8>>, usize);
    impl Transport for Answers {
        fn transmit(&mut self, _c: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.1 += 1;
            self.0
                .get(self.1 - 1)
                .cloned()
                .ok_or(TransportError::CardRemoved)
        }
        fn reader_name(&self) -> &str {
            "t"
        }
        fn atr(&self) -> &[u8] {
            &[]
        }
    }

    #[test]
    fn identification_by_select() {
        assert_eq!(identify(Answers(vec![vec![0x90, 0x00]], 0)), Ok(true));
        assert_eq!(identify(Answers(vec![vec![0x6A, 0x82]], 0)), Ok(false));
        assert_eq!(
            identify(Answers(vec![vec![0x6F, 0x00], vec![0x90, 0x00]], 0)),
            Ok(true)
        );
        assert_eq!(
            identify(Answers(vec![], 0)),
            Err(TransportError::CardRemoved)
        );
    }
}
