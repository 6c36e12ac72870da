//! The hand-reviewed table of `pin-check` cases (docs/pin-check.md lists the same forms) and
//! the property that no output of the check holds the PIN.

use super::*;
use proptest::prelude::*;
use time::Date;
use time::macros::date;

const TODAY: Date = date!(2026 - 12 - 03);

/// A card: born 平成2年4月1日 (1990-04-01), security code 5821, expires 2035, My Number
/// ending 7364, YAMADA TARO. Made up for the tests.
fn face(birth: &str) -> CardFace {
    CardFace {
        birth: Some(BirthDate::parse(birth, TODAY).unwrap()),
        expiry_year: Some(2035),
        security_code: Some("5821".into()),
        my_number_last: Some("7364".into()),
        name: parse_name("YAMADA TARO").unwrap(),
    }
}

fn run(kind: PinKind, pin: &str, face: &CardFace) -> PinCheck {
    check(kind, &Secret::parse(kind, pin).unwrap(), face)
}

use BirthForm as F;
use Pattern as P;

fn b(form: BirthForm) -> Pattern {
    P::BirthDate { form }
}

fn t(kind: Trivial) -> Pattern {
    P::Trivial { kind }
}

#[test]
fn four_digit_table() {
    // (PIN, patterns, within the 3 tries). Reviewed by hand against the card above: the
    // finder reading the card tries MMDD, YYYY, 和暦 YYMM first; going by the published
    // ranking, 1234, 1111, 0000.
    let cases: &[(&str, &[Pattern], bool)] = &[
        ("0401", &[b(F::MonthDay)], true),
        ("1990", &[b(F::Year)], true),
        ("0204", &[b(F::EraYearMonth)], true),
        ("0104", &[b(F::DayMonth)], false),
        ("9004", &[b(F::YearMonth)], false),
        ("0490", &[b(F::MonthYear)], false),
        ("0402", &[b(F::EraMonthYear)], false),
        ("0201", &[b(F::EraYearDay)], false),
        ("5821", &[P::SecurityCode], false),
        ("2035", &[P::ExpiryYear], false),
        ("7364", &[P::MyNumberPart], false),
        ("1234", &[P::CommonPin, t(Trivial::Ascending)], true),
        ("1111", &[P::CommonPin, t(Trivial::Repeated)], true),
        ("0000", &[P::CommonPin, t(Trivial::Repeated)], true),
        ("1212", &[P::CommonPin, t(Trivial::Pairs)], false),
        ("1004", &[P::CommonPin], false),
        ("6969", &[P::CommonPin, t(Trivial::Pairs)], false),
        ("2580", &[t(Trivial::KeypadLine)], false),
        ("6789", &[t(Trivial::Ascending)], false),
        ("8068", &[], false),
        ("4826", &[], false),
    ];
    let f = face("平成2年4月1日");
    for kind in [PinKind::Auth, PinKind::Text, PinKind::Juki] {
        for (pin, patterns, within) in cases {
            let c = run(kind, pin, &f);
            assert_eq!(c.patterns, *patterns, "{pin}");
            assert_eq!(c.guessable, !patterns.is_empty(), "{pin}");
            assert_eq!(c.within_tries, *within, "{pin}");
            assert_eq!(c.max_tries, 3);
        }
    }
}

#[test]
fn the_same_day_in_either_calendar_gives_the_same_guesses() {
    let a = card_face_guesses(PinKind::Auth, &face("1990-04-01"));
    let b = card_face_guesses(PinKind::Auth, &face("H02.04.01"));
    assert_eq!(a, b);
    let a = card_face_guesses(PinKind::Signing, &face("19900401"));
    let b = card_face_guesses(PinKind::Signing, &face("平成2年4月1日"));
    assert_eq!(a, b);
}

#[test]
fn era_boundaries_in_the_guesses() {
    // (birth date as typed, the 和暦 YYMM a finder derives, the era letter form)
    let cases = [
        ("平成31年4月30日", "3104", "H310430"),
        ("2019-04-30", "3104", "H310430"),
        ("令和元年5月1日", "0105", "R010501"),
        ("2019-05-01", "0105", "R010501"),
        ("昭和64年1月7日", "6401", "S640107"),
        ("1989-01-08", "0101", "H010108"),
        ("平成元年1月8日", "0101", "H010108"),
    ];
    for (birth, yymm, letter) in cases {
        let f = face(birth);
        let c = run(PinKind::Auth, yymm, &f);
        assert!(c.patterns.contains(&b(F::EraYearMonth)), "{birth}");
        assert!(c.within_tries, "{birth}");
        let c = run(PinKind::Signing, letter, &f);
        assert!(c.patterns.contains(&b(F::EraLetterFull)), "{birth}");
    }
}

#[test]
fn signing_password_table() {
    let f = face("平成2年4月1日");
    // (password, a pattern it must name, within the 5 tries when known)
    let cases: &[(&str, Pattern, Option<bool>)] = &[
        ("19900401", b(F::Full), Some(true)),
        ("020401", b(F::EraFull), Some(true)),
        ("900401", b(F::Short), Some(true)),
        ("H020401", b(F::EraLetterFull), Some(true)),
        ("h020401", b(F::EraLetterFull), Some(true)),
        ("01041990", b(F::DayMonthYear), Some(true)),
        ("04011990", b(F::MonthDayYear), None),
        (
            "YAMADATARO",
            P::Name {
                form: NameForm::Full,
            },
            None,
        ),
        (
            "TAROYAMADA",
            P::Name {
                form: NameForm::Reversed,
            },
            None,
        ),
        (
            "YAMADA",
            P::Name {
                form: NameForm::Word,
            },
            None,
        ),
        ("TARO0401", P::NameAndBirthDate { form: F::MonthDay }, None),
        ("1990TARO", P::NameAndBirthDate { form: F::Year }, None),
        (
            "YAMADA19900401",
            P::NameAndBirthDate { form: F::Full },
            None,
        ),
        ("TARO020401", P::NameAndBirthDate { form: F::EraFull }, None),
        ("PASSWORD", P::WeakByEstimator, Some(true)),
        ("AAAAAA", t(Trivial::Repeated), None),
        ("123456", t(Trivial::Ascending), Some(true)),
    ];
    for (pw, pattern, within) in cases {
        let c = run(PinKind::Signing, pw, &f);
        assert!(c.guessable, "{pw}");
        assert!(c.patterns.contains(pattern), "{pw}: {:?}", c.patterns);
        if let Some(w) = within {
            assert_eq!(c.within_tries, *w, "{pw}");
        }
        assert_eq!(c.max_tries, 5);
        assert!(c.strength.is_some());
    }
    // A random-looking password is not guessable, and the estimator rates it high.
    let c = run(PinKind::Signing, "K7QX2M9VZ4", &f);
    assert!(!c.guessable, "{:?}", c.patterns);
    assert!(!c.within_tries);
    assert!(c.strength.is_some_and(|s| s.score >= 3));
}

#[test]
fn the_estimator_knows_the_card_face() {
    // The same password is weaker when the estimator knows the holder's name.
    let pw = "TAROYAMADA";
    let without = run(PinKind::Signing, pw, &CardFace::default());
    let with = run(PinKind::Signing, pw, &face("1990-04-01"));
    let g = |c: &PinCheck| c.strength.map(|s| s.guesses_log10).unwrap();
    assert!(g(&with) < g(&without), "{} vs {}", g(&with), g(&without));
}

#[test]
fn without_a_birth_date_only_the_general_guesses_apply() {
    let c = run(PinKind::Auth, "0401", &CardFace::default());
    assert!(!c.guessable);
    let c = run(PinKind::Auth, "1234", &CardFace::default());
    assert!(c.guessable && c.within_tries);
}

#[test]
fn wrong_forms_are_refused_without_the_pin() {
    use PinError::*;
    let cases: &[(PinKind, &str, PinError)] = &[
        (PinKind::Auth, "", Empty),
        (PinKind::Auth, "123", NotFourDigits),
        (PinKind::Auth, "12345", NotFourDigits),
        (PinKind::Auth, "12a4", NotFourDigits),
        (PinKind::Auth, "１２３４", NotFourDigits),
        (PinKind::Signing, "ABC12", PasswordLength),
        (PinKind::Signing, "ABCDEFGHIJ1234567", PasswordLength),
        (PinKind::Signing, "ABC-1234", PasswordCharacters),
        (PinKind::Signing, "ÄBCDEF12", PasswordCharacters),
    ];
    for (kind, raw, want) in cases {
        let e = Secret::parse(*kind, raw).unwrap_err();
        assert_eq!(e, *want, "{raw}");
        if !raw.is_empty() {
            assert!(!e.to_string().contains(raw), "{raw}");
            assert!(!format!("{e:?}").contains(raw), "{raw}");
        }
    }
    assert!(Secret::parse(PinKind::Auth, "1234\n").is_ok());
    assert!(Secret::parse(PinKind::Auth, "1234\r\n").is_ok());
}

fn birth_strategy() -> impl Strategy<Value = Date> {
    (1900i32..=2026, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| {
        let m = time::Month::try_from(m).unwrap();
        Date::from_calendar_date(y, m, d).unwrap().min(TODAY)
    })
}

fn face_of(d: Date) -> CardFace {
    let s = format!("{d}");
    CardFace {
        birth: Some(BirthDate::parse(&s, TODAY).unwrap()),
        ..CardFace::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No rendering of a check, in any language or as JSON, and no `Debug`, holds the PIN.
    #[test]
    fn no_output_holds_a_four_digit_pin(pin in "[0-9]{4}", d in birth_strategy()) {
        let f = face_of(d);
        let secret = Secret::parse(PinKind::Auth, &pin).unwrap();
        let dbg = format!("{secret:?}");
        prop_assert!(!dbg.contains(&pin), "{}", dbg);
        let c = check(PinKind::Auth, &secret, &f);
        let r = PinCheckReport::new(&f, vec![c]);
        let json = serde_json::to_string(&r).unwrap();
        prop_assert!(!json.contains(&pin), "{json}");
        let dbg = format!("{r:?}");
        prop_assert!(!dbg.contains(&pin), "{}", dbg);
        for lang in [Lang::Ja, Lang::En, Lang::Both] {
            let text = say::render(&r, &[], lang);
            prop_assert!(!text.contains(&pin), "{text}");
        }
    }

    #[test]
    fn no_output_holds_a_signing_password(pw in "[A-Z0-9]{6,16}", d in birth_strategy()) {
        let f = face_of(d);
        let secret = Secret::parse(PinKind::Signing, &pw).unwrap();
        let c = check(PinKind::Signing, &secret, &f);
        let r = PinCheckReport::new(&f, vec![c]);
        let json = serde_json::to_string(&r).unwrap();
        prop_assert!(!json.contains(&pw), "{json}");
        for lang in [Lang::Ja, Lang::En, Lang::Both] {
            prop_assert!(!say::render(&r, &[], lang).contains(&pw));
        }
    }

    /// Every day of the calendar reads back the same from its 和暦 form.
    #[test]
    fn wareki_round_trip(d in birth_strategy()) {
        let b = BirthDate::parse(&format!("{d}"), TODAY).unwrap();
        let w = format!("{}{}年{}月{}日", b.era.name, b.era_year, u8::from(d.month()), d.day());
        prop_assert_eq!(BirthDate::parse(&w, TODAY).unwrap().date, d);
        let l = format!("{}{:02}.{:02}.{:02}", b.era.letter, b.era_year, u8::from(d.month()), d.day());
        prop_assert_eq!(BirthDate::parse(&l, TODAY).unwrap().date, d);
    }
}

use crate::lang::Lang;
