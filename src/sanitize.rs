//! The one sanitizer for untrusted strings (card data, fixture words, reader names, error
//! texts from the system): before any renderer prints one, every character that could move
//! the cursor, reorder the line or hide itself is shown as `\u{..}` instead. Every renderer
//! (text, HTML, doctor, watch) goes through [`sanitize`] or [`is_unsafe`].

use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a page as is:
/// - C0 and C1 controls and DEL (they move the cursor, start escape sequences);
/// - bidirectional controls (U+061C, U+200E/U+200F, U+202A–U+202E, U+2066–U+2069): they
///   reorder what follows ("Trojan Source");
/// - invisible format characters (soft hyphen, U+180E, U+200B–U+200D, U+2028/U+2029,
///   U+2060–U+2064, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB, the tag characters
///   U+E0000–U+E007F) and the Hangul fillers that draw as blanks: they hide or fake text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Writes `c` as the visible escape `\u{..}` when it [`is_unsafe`], else as is.
pub fn push(out: &mut String, c: char) {
    if is_unsafe(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// `s` with every unsafe character shown as `\u{..}` (a newline too: untrusted text is one
/// line).
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisible_characters_become_visible() {
        for (raw, shown) in [
            ("a\x1b[2Jb", "a\\u{1b}[2Jb"),
            ("x\ny\r", "x\\u{a}y\\u{d}"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("\u{7f}", "\\u{7f}"),
            ("ab\u{202e}cd\u{202c}", "ab\\u{202e}cd\\u{202c}"),
            ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("\u{200e}\u{200f}\u{61c}", "\\u{200e}\\u{200f}\\u{61c}"),
            ("pa\u{200b}y", "pa\\u{200b}y"),
            ("\u{feff}x", "\\u{feff}x"),
            ("\u{2060}\u{2064}", "\\u{2060}\\u{2064}"),
            ("a\u{2028}b", "a\\u{2028}b"),
            ("\u{e0041}", "\\u{e0041}"),
            ("soft\u{ad}hyphen", "soft\\u{ad}hyphen"),
        ] {
            assert_eq!(sanitize(raw), shown, "{raw:?}");
        }
    }

    #[test]
    fn printable_text_in_both_scripts_is_unchanged() {
        for s in [
            "JPKI-AP (公的個人認証AP) 署名用パスワード",
            "SCM Microsystems Inc. SCR 3310 [CCID Interface] 00 00",
            "ＡＢＣ　全角スペース",
            "é ü ß ☃",
            "",
        ] {
            assert_eq!(sanitize(s), s);
        }
    }
}
