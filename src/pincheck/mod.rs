//! `pin-check`: whether a finder holding *this* card would guess the holder's PINs, checked
//! offline. Pure functions over what is printed on the card ([`CardFace`]) and one PIN at a
//! time ([`Secret`]); nothing here talks to a card, the PC/SC service, a file or the network,
//! and no output of this module contains the PIN (docs/pin-check.md).
//!
//! The finder's guesses (docs/pin-check.md, "The finder's guesses"): the card-face forms
//! ([`birth`] and the other printed numbers), the most common 4-digit PINs of a published
//! analysis and the trivial patterns ([`common`]), and for the signing password the name and
//! birth-date forms plus the `zxcvbn` strength estimator with the card-face items as its user
//! inputs.

pub mod birth;
pub mod common;
pub mod say;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use birth::{BirthDate, BirthError, BirthForm};
pub use common::Trivial;

/// The PINs a holder can check: the three 4-digit PINs and the signing password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinKind {
    /// 利用者証明用電子証明書の暗証番号 (JPKI EF 0018): 4 digits, 3 tries.
    Auth,
    /// 券面事項入力補助用暗証番号 (text AP EF 0011): 4 digits, 3 tries.
    Text,
    /// 住民基本台帳用暗証番号 (住基 AP EF 001C): 4 digits, 3 tries.
    Juki,
    /// 署名用電子証明書の暗証番号 (JPKI EF 001B): 6–16 of A–Z and 0–9, 5 tries.
    Signing,
}

impl PinKind {
    pub const ALL: [PinKind; 4] = [
        PinKind::Auth,
        PinKind::Text,
        PinKind::Juki,
        PinKind::Signing,
    ];

    /// The tries the card allows before the key blocks (docs/card-facts.md §3.1).
    pub fn max_tries(self) -> u8 {
        match self {
            PinKind::Signing => 5,
            _ => 3,
        }
    }

    pub fn is_password(self) -> bool {
        self == PinKind::Signing
    }

    /// Whether it is a 公的個人認証 (JPKI) PIN, which can also be reset at a kiosk.
    pub fn is_jpki(self) -> bool {
        matches!(self, PinKind::Auth | PinKind::Signing)
    }

    /// The name used on the command line and in JSON.
    pub fn code(self) -> &'static str {
        match self {
            PinKind::Auth => "auth",
            PinKind::Text => "text",
            PinKind::Juki => "juki",
            PinKind::Signing => "signing",
        }
    }

    pub fn from_code(s: &str) -> Option<PinKind> {
        PinKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A PIN the holder typed. Its memory is wiped when it is dropped; `Debug` never shows it.
pub struct Secret(Zeroizing<String>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl Secret {
    /// Checks the PIN's form. `raw` is what was read (the caller wipes it); the secret keeps
    /// its own wiped copy, the signing password in upper case. The error never holds the PIN.
    pub fn parse(kind: PinKind, raw: &str) -> Result<Secret, PinError> {
        let s = raw.trim_end_matches(['\r', '\n']);
        if s.is_empty() {
            return Err(PinError::Empty);
        }
        if kind.is_password() {
            let n = s.chars().count();
            if !(6..=16).contains(&n) {
                return Err(PinError::PasswordLength);
            }
            if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(PinError::PasswordCharacters);
            }
            let mut up = Zeroizing::new(String::with_capacity(16));
            up.extend(s.chars().map(|c| c.to_ascii_uppercase()));
            Ok(Secret(up))
        } else {
            if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PinError::NotFourDigits);
            }
            Ok(Secret(Zeroizing::new(s.to_string())))
        }
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

/// Why a typed PIN was not accepted. Never holds the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("nothing was typed")]
    Empty,
    #[error("a 4-digit PIN is exactly 4 digits 0-9")]
    NotFourDigits,
    #[error("the signing password is 6 to 16 characters")]
    PasswordLength,
    #[error("the signing password has only the letters A-Z and the digits 0-9")]
    PasswordCharacters,
}

/// What is printed on the card, as far as the holder gave it. Not secrets: a finder reads
/// them off the card (docs/card-facts.md §10).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardFace {
    pub birth: Option<BirthDate>,
    /// The year the card expires (有効期限), 西暦.
    pub expiry_year: Option<u16>,
    /// The 4-digit セキュリティコード.
    pub security_code: Option<String>,
    /// The last group of the My Number as printed (4 digits).
    pub my_number_last: Option<String>,
    /// The name in Latin letters as the holder would type it (`YAMADA TARO`), upper case,
    /// split into words; used for the signing password only.
    pub name: Vec<String>,
}

/// Why a card-face item was not accepted (the messages never repeat the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FaceError {
    #[error("the birth date: {0}")]
    Birth(#[from] BirthError),
    #[error("the expiry year is a year of four digits such as 2035")]
    ExpiryYear,
    #[error("the security code is the 4 digits printed on the front")]
    SecurityCode,
    #[error("the last group of the My Number is 4 digits")]
    MyNumber,
    #[error("the name in Latin letters, e.g. YAMADA TARO")]
    Name,
}

/// Parses the expiry year (`2035`, `２０３５`).
pub fn parse_expiry_year(s: &str) -> Result<u16, FaceError> {
    let d = ascii_digits(s).ok_or(FaceError::ExpiryYear)?;
    match d.parse::<u16>() {
        Ok(y) if d.len() == 4 && (2014..=2100).contains(&y) => Ok(y),
        _ => Err(FaceError::ExpiryYear),
    }
}

/// Parses a 4-digit printed number (security code, last group of the My Number).
pub fn parse_four(s: &str, err: FaceError) -> Result<String, FaceError> {
    match ascii_digits(s) {
        Some(d) if d.len() == 4 => Ok(d),
        _ => Err(err),
    }
}

/// Parses a name in Latin letters into upper-case words.
pub fn parse_name(s: &str) -> Result<Vec<String>, FaceError> {
    let words: Vec<String> = s
        .split([' ', '\u{3000}', ',', '・'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    if words.is_empty()
        || words
            .iter()
            .any(|w| !w.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(FaceError::Name);
    }
    Ok(words)
}

/// Full-width digits to ASCII; `None` unless all are digits (spaces dropped).
fn ascii_digits(s: &str) -> Option<String> {
    let d = birth::normalise(s);
    (!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

/// How a name is written into a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameForm {
    /// The words as printed, joined (YAMADATARO).
    Full,
    /// In the other order (TAROYAMADA).
    Reversed,
    /// One word of the name (YAMADA, TARO).
    Word,
}

/// One pattern the PIN matches: named, never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "pattern", rename_all = "snake_case")]
pub enum Pattern {
    /// The birth date in a form.
    BirthDate { form: BirthForm },
    /// The セキュリティコード printed on the front.
    SecurityCode,
    /// The card's expiry year.
    ExpiryYear,
    /// The last group of the My Number printed on the back.
    MyNumberPart,
    /// One of the most common 4-digit PINs of the published analysis.
    CommonPin,
    /// A trivial pattern.
    Trivial { kind: Trivial },
    /// The printed name in Latin letters.
    Name { form: NameForm },
    /// The name and the birth date together.
    NameAndBirthDate { form: BirthForm },
    /// The strength estimator rates it among the first thousand guesses.
    WeakByEstimator,
}

/// The strength estimator's view of a signing password (`zxcvbn`, the card face as its user
/// inputs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Strength {
    /// 0 (at most 10^3 guesses) to 4 (more than 10^10).
    pub score: u8,
    /// The estimated guesses, as a power of ten.
    pub guesses_log10: f64,
}

/// The answer for one PIN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinCheck {
    pub pin: PinKind,
    pub max_tries: u8,
    /// Whether a finder would find it: some pattern matched.
    pub guessable: bool,
    /// Whether it is among the first `max_tries` guesses of a finder (reading the card, or
    /// going by the published ranking / the estimator).
    pub within_tries: bool,
    pub patterns: Vec<Pattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<Strength>,
}

/// The finder's card-face guesses for a kind of PIN, in the assumed order, each with the
/// pattern it stands for (docs/pin-check.md). Distinct strings only: a later pattern that
/// gives the same string is kept as an extra name of the same guess.
pub fn card_face_guesses(kind: PinKind, face: &CardFace) -> Vec<(String, Pattern)> {
    let mut out: Vec<(String, Pattern)> = Vec::new();
    if kind.is_password() {
        if let Some(b) = &face.birth {
            for &form in birth::PASSWORD_FORMS {
                out.push((b.digits(form), Pattern::BirthDate { form }));
            }
        }
        let names = name_forms(&face.name);
        for (n, form) in &names {
            out.push((n.clone(), Pattern::Name { form: *form }));
        }
        if let Some(b) = &face.birth {
            for &form in &[
                BirthForm::Full,
                BirthForm::Short,
                BirthForm::EraFull,
                BirthForm::MonthDay,
                BirthForm::Year,
            ] {
                let d = b.digits(form);
                for (n, _) in &names {
                    out.push((format!("{n}{d}"), Pattern::NameAndBirthDate { form }));
                    out.push((format!("{d}{n}"), Pattern::NameAndBirthDate { form }));
                }
            }
        }
        out.retain(|(s, _)| (6..=16).contains(&s.len()));
    } else {
        if let Some(b) = &face.birth {
            for &form in birth::FOUR_DIGIT_FORMS {
                out.push((b.digits(form), Pattern::BirthDate { form }));
            }
        }
        if let Some(c) = &face.security_code {
            out.push((c.clone(), Pattern::SecurityCode));
        }
        if let Some(y) = face.expiry_year {
            out.push((format!("{y:04}"), Pattern::ExpiryYear));
        }
        if let Some(m) = &face.my_number_last {
            out.push((m.clone(), Pattern::MyNumberPart));
        }
    }
    out
}

fn name_forms(words: &[String]) -> Vec<(String, NameForm)> {
    let mut out = Vec::new();
    if words.is_empty() {
        return out;
    }
    out.push((words.concat(), NameForm::Full));
    if words.len() > 1 {
        let rev: Vec<&str> = words.iter().rev().map(String::as_str).collect();
        out.push((rev.concat(), NameForm::Reversed));
        for w in words {
            out.push((w.clone(), NameForm::Word));
        }
    }
    out
}

/// The card-face items as the estimator's user inputs: the words and numbers a finder knows.
fn user_inputs(face: &CardFace) -> Vec<String> {
    let mut v: Vec<String> = face.name.iter().map(|w| w.to_ascii_lowercase()).collect();
    if let Some(b) = &face.birth {
        for &f in birth::FOUR_DIGIT_FORMS.iter().chain(birth::PASSWORD_FORMS) {
            v.push(b.digits(f).to_ascii_lowercase());
        }
    }
    v.extend(face.security_code.iter().cloned());
    v.extend(face.expiry_year.map(|y| y.to_string()));
    v.extend(face.my_number_last.iter().cloned());
    v
}

/// Checks one PIN against what a finder of this card would try.
pub fn check(kind: PinKind, secret: &Secret, face: &CardFace) -> PinCheck {
    let pin = secret.expose();
    let tries = usize::from(kind.max_tries());
    let guesses = card_face_guesses(kind, face);
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut within = false;
    // Position among distinct guesses: a string tried once counts once.
    let mut seen: Vec<&str> = Vec::new();
    for (g, p) in &guesses {
        if !seen.contains(&g.as_str()) {
            seen.push(g);
        }
        if g == pin {
            if !patterns.contains(p) {
                patterns.push(*p);
            }
            within |= seen.len() <= tries;
        }
    }
    let mut strength = None;
    if kind.is_password() {
        for t in common::trivial(pin) {
            patterns.push(Pattern::Trivial { kind: t });
        }
        let inputs = user_inputs(face);
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let e = zxcvbn::zxcvbn(pin, &refs);
        let score = u8::from(e.score());
        if score == 0 {
            patterns.push(Pattern::WeakByEstimator);
        }
        within |= e.guesses() <= u64::from(kind.max_tries());
        strength = Some(Strength {
            score,
            guesses_log10: (e.guesses_log10() * 100.0).round() / 100.0,
        });
    } else {
        if let Some(r) = common::rank(pin) {
            patterns.push(Pattern::CommonPin);
            within |= r <= tries;
        }
        for t in common::trivial(pin) {
            patterns.push(Pattern::Trivial { kind: t });
        }
    }
    PinCheck {
        pin: kind,
        max_tries: kind.max_tries(),
        guessable: !patterns.is_empty(),
        within_tries: within,
        patterns,
        strength,
    }
}

/// The whole answer of `pin-check` (JSON, docs/json.md "pin-check").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinCheckReport {
    pub schema_version: u32,
    /// Which card-face items were given (never their values).
    pub card_face: FaceGiven,
    pub checks: Vec<PinCheck>,
    /// Whether any checked PIN is guessable (exit status 1).
    pub guessable: bool,
}

/// Which card-face items the check used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceGiven {
    pub birth_date: bool,
    pub expiry_year: bool,
    pub security_code: bool,
    pub my_number_last: bool,
    pub name: bool,
}

impl CardFace {
    pub fn given(&self) -> FaceGiven {
        FaceGiven {
            birth_date: self.birth.is_some(),
            expiry_year: self.expiry_year.is_some(),
            security_code: self.security_code.is_some(),
            my_number_last: self.my_number_last.is_some(),
            name: !self.name.is_empty(),
        }
    }
}

impl PinCheckReport {
    pub fn new(face: &CardFace, checks: Vec<PinCheck>) -> PinCheckReport {
        PinCheckReport {
            schema_version: 1,
            card_face: face.given(),
            guessable: checks.iter().any(|c| c.guessable),
            checks,
        }
    }
}

#[cfg(test)]
mod tests;
