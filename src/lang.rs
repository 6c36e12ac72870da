//! The crate's one language ([`Lang`]) and its bilingual sentence ([`Text`]): every sentence
//! shown to a holder exists in Japanese and English side by side, and whoever shows it says
//! which language it wants. A leaf module: it imports nothing of the crate.
//!
//! The sentences themselves are written in the catalogue (`crate::report::say`); a new
//! sentence goes there (docs/architecture.md, "Sentences").

use std::fmt;

use serde::{Deserialize, Serialize};

/// The language a holder reads the output in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ja,
    En,
    /// Japanese and English side by side (each renderer lays the pair out its own way).
    Both,
}

impl Lang {
    /// From the locale: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`; `ja*` is
    /// Japanese, anything else English.
    pub fn from_env() -> Lang {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Lang::from_locale(
            get("LC_ALL")
                .or_else(|| get("LC_MESSAGES"))
                .or_else(|| get("LANG"))
                .as_deref(),
        )
    }

    pub fn from_locale(locale: Option<&str>) -> Lang {
        match locale {
            Some(l) if l.starts_with("ja") => Lang::Ja,
            _ => Lang::En,
        }
    }

    /// The BCP 47 tag of the page or block (`Both` reads Japanese first).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja | Lang::Both => "ja",
        }
    }

    /// Picks one of two static wordings: `Both` gives `both` (the side-by-side form).
    pub fn pick<'a>(self, ja: &'a str, en: &'a str, both: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
            Lang::Both => both,
        }
    }
}

/// A sentence for people in English and Japanese. It has no `Display`: whoever shows it
/// picks the language ([`Text::get`], [`Text::en`], [`Text::ja`]). JSON carries the English
/// (schema 1, as before; docs/json.md). Two texts are equal when their English is: that is
/// what the JSON contract holds, so a report read back from JSON equals the one written.
///
/// Words from outside (a PC/SC error text, a fixture's comment, a reader name) are never a
/// translation: the catalogue carries them as an argument inside a translated sentence.
#[derive(Debug, Clone, Eq, Default)]
pub struct Text {
    pub en: String,
    pub ja: String,
}

impl Text {
    /// Both halves, English first. Prefer a catalogue function (`crate::report::say`) to
    /// calling this where a sentence is shown.
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// The English half.
    pub fn en(&self) -> &str {
        &self.en
    }

    /// The Japanese half.
    pub fn ja(&self) -> &str {
        &self.ja
    }

    /// The sentence in `lang`; `Both` is Japanese then English joined by `sep` (the
    /// Japanese alone when the two are the same words, e.g. a bare code).
    pub fn get(&self, lang: Lang, sep: &str) -> String {
        match lang {
            Lang::Ja => self.ja.clone(),
            Lang::En => self.en.clone(),
            Lang::Both if self.ja == self.en => self.ja.clone(),
            Lang::Both => format!("{}{sep}{}", self.ja, self.en),
        }
    }

    /// The one half of `lang`, for `Ja` and `En`; `None` for `Both`.
    pub fn one(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Ja => Some(&self.ja),
            Lang::En => Some(&self.en),
            Lang::Both => None,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.en == other.en
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

/// Schema 1 carries only the English: a text read back from JSON has no Japanese half
/// (it is empty, never a copy of the English).
impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|en| Text {
            en,
            ja: String::new(),
        })
    }
}

/// Official Japanese names an English sentence shows beside (or instead of) their English,
/// as the card and the municipal office name them: the one Japanese an English rendering may
/// hold. The chip map's application, file and PIN names (`name_ja`, `label_ja`) are official
/// names too; the tests add them to this list.
pub const OFFICIAL_NAMES: &[&str] = &[
    "マイナンバーカード",
    "顔認証マイナンバーカード",
    "窓口",
    "市区町村",
    "照合番号A",
    "照合番号B",
    "券面",
    "公的個人認証",
];

/// Marks an official Japanese name inside an English sentence (`format!("… {}", official(n))`):
/// it writes the name unchanged. The name must be one of [`OFFICIAL_NAMES`] or the chip
/// map's; the tests check every English rendering against that list.
pub fn official(name: &str) -> Official<'_> {
    Official(name)
}

/// An official Japanese name, see [`official`].
#[derive(Debug, Clone, Copy)]
pub struct Official<'a>(pub &'a str);

impl fmt::Display for Official<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether `c` is Japanese script (kana, kanji, the CJK punctuation and full-width forms):
/// what the tests look for in an English rendering.
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}' // CJK punctuation
        | '\u{3040}'..='\u{30ff}' // kana
        | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' // kanji
        | '\u{ff00}'..='\u{ffef}') // full-width forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picking_is_explicit_and_both_joins() {
        let t = Text::new("blocked", "ロック");
        assert_eq!(t.get(Lang::En, "\n"), "blocked");
        assert_eq!(t.get(Lang::Ja, "\n"), "ロック");
        assert_eq!(t.get(Lang::Both, " / "), "ロック / blocked");
        assert_eq!(
            Text::new("SW 6A82", "SW 6A82").get(Lang::Both, " / "),
            "SW 6A82"
        );
        assert_eq!(t.one(Lang::Both), None);
    }

    #[test]
    fn json_carries_the_english_and_reads_back_without_a_copy() {
        let t = Text::new("blocked", "ロック");
        assert_eq!(serde_json::to_value(&t).unwrap(), "blocked");
        let back: Text = serde_json::from_value("blocked".into()).unwrap();
        assert_eq!((back.en.as_str(), back.ja.as_str()), ("blocked", ""));
    }

    #[test]
    fn locale_decides_the_default() {
        assert_eq!(Lang::from_locale(Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_locale(Some("C")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
    }

    #[test]
    fn official_names_are_japanese_and_written_unchanged() {
        for n in OFFICIAL_NAMES {
            assert!(n.chars().any(is_japanese), "{n}");
            assert_eq!(official(n).to_string(), *n);
        }
        assert!(!"PIN (SW 63C2)".chars().any(is_japanese));
    }
}
