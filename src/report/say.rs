//! The report's sentences, each written once in both languages (the catalogue,
//! docs/architecture.md "Sentences"): the audit and the renderers call these functions and
//! never phrase a sentence themselves.

use crate::lang::Text;

/// A note the transport wrote about the connection (a reconnect, a card put back). The
/// transport's words are English data shown inside the translated sentence.
pub fn transport_note(words: &str) -> Text {
    Text::new(
        words.to_string(),
        format!("接続についての記録（英語のまま）: {words}"),
    )
}
