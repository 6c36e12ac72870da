//! The birth date printed on the card: parsed from 西暦 (`1990-04-01`, `1990/4/1`,
//! `19900401`, `1990年4月1日`) or 和暦 (`平成2年4月1日`, `平成元年…`, `H02.04.01`, `H2/4/1`),
//! checked against the era boundaries, and turned into the digit strings a finder derives
//! from it (docs/card-facts.md §10, docs/pin-check.md).

use time::{Date, Month};

/// A Japanese era (元号) of the modern calendar: its name, its letter, and its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub letter: char,
    /// The first day of the era (proleptic Gregorian).
    pub start: (i32, u8, u8),
}

/// The eras, oldest first. Each ends the day before the next begins: 昭和64年1月7日 →
/// 平成元年1月8日, 平成31年4月30日 → 令和元年5月1日 (docs/card-facts.md §10).
pub const ERAS: &[Era] = &[
    Era {
        name: "明治",
        letter: 'M',
        start: (1868, 10, 23),
    },
    Era {
        name: "大正",
        letter: 'T',
        start: (1912, 7, 30),
    },
    Era {
        name: "昭和",
        letter: 'S',
        start: (1926, 12, 25),
    },
    Era {
        name: "平成",
        letter: 'H',
        start: (1989, 1, 8),
    },
    Era {
        name: "令和",
        letter: 'R',
        start: (2019, 5, 1),
    },
];

/// Why a birth date was not accepted. The messages never repeat the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BirthError {
    #[error("not a date in a form this tool reads")]
    Unreadable,
    #[error("no such day in the calendar")]
    NoSuchDay,
    #[error("the day is outside the era given (e.g. 平成31年5月1日 is 令和元年5月1日)")]
    OutsideEra,
    #[error("the date is in the future")]
    Future,
    #[error("the date is before the eras this tool knows (明治)")]
    TooOld,
}

/// A birth date and its 和暦 reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate {
    pub date: Date,
    pub era: Era,
    /// The year within the era (1 for 元年).
    pub era_year: u16,
}

fn era_start(e: &Era) -> Option<Date> {
    let (y, m, d) = e.start;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// The era a day falls in.
pub fn era_of(date: Date) -> Option<(Era, u16)> {
    let era = ERAS
        .iter()
        .rev()
        .find(|e| era_start(e).is_some_and(|s| s <= date))?;
    let year = date.year() - era.start.0 + 1;
    Some((*era, u16::try_from(year).ok()?))
}

impl BirthDate {
    /// Parses what the holder typed, as of `today` (a birth date cannot be later).
    pub fn parse(input: &str, today: Date) -> Result<BirthDate, BirthError> {
        let s = normalise(input);
        let date = match era_prefix(&s) {
            Some((era, rest)) => parse_wareki(era, rest)?,
            None => parse_seireki(&s)?,
        };
        if date > today {
            return Err(BirthError::Future);
        }
        let (era, era_year) = era_of(date).ok_or(BirthError::TooOld)?;
        Ok(BirthDate {
            date,
            era,
            era_year,
        })
    }

    fn mm(&self) -> String {
        format!("{:02}", u8::from(self.date.month()))
    }
    fn dd(&self) -> String {
        format!("{:02}", self.date.day())
    }
    fn yyyy(&self) -> String {
        format!("{:04}", self.date.year())
    }
    fn yy(&self) -> String {
        format!("{:02}", self.date.year().rem_euclid(100))
    }
    fn ey(&self) -> String {
        format!("{:02}", self.era_year % 100)
    }

    /// The digit string of a form.
    pub fn digits(&self, form: BirthForm) -> String {
        let (mm, dd, yyyy, yy, ey) = (self.mm(), self.dd(), self.yyyy(), self.yy(), self.ey());
        match form {
            BirthForm::MonthDay => format!("{mm}{dd}"),
            BirthForm::DayMonth => format!("{dd}{mm}"),
            BirthForm::Year => yyyy,
            BirthForm::YearMonth => format!("{yy}{mm}"),
            BirthForm::MonthYear => format!("{mm}{yy}"),
            BirthForm::EraYearMonth => format!("{ey}{mm}"),
            BirthForm::EraMonthYear => format!("{mm}{ey}"),
            BirthForm::EraYearDay => format!("{ey}{dd}"),
            BirthForm::Full => format!("{yyyy}{mm}{dd}"),
            BirthForm::Short => format!("{yy}{mm}{dd}"),
            BirthForm::EraFull => format!("{ey}{mm}{dd}"),
            BirthForm::EraLetterFull => format!("{}{ey}{mm}{dd}", self.era.letter),
            BirthForm::DayMonthYear => format!("{dd}{mm}{yyyy}"),
            BirthForm::MonthDayYear => format!("{mm}{dd}{yyyy}"),
        }
    }
}

/// A way of writing the birth date as a PIN: 4 digits for the 4-digit PINs, longer for the
/// signing password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthForm {
    /// MMDD
    MonthDay,
    /// DDMM
    DayMonth,
    /// YYYY (西暦)
    Year,
    /// YYMM (西暦)
    YearMonth,
    /// MMYY (西暦)
    MonthYear,
    /// 和暦 YYMM (平成2年4月 → 0204)
    EraYearMonth,
    /// 和暦 MMYY
    EraMonthYear,
    /// 和暦 YY and the day
    EraYearDay,
    /// YYYYMMDD
    Full,
    /// YYMMDD (西暦)
    Short,
    /// 和暦 YYMMDD (the form of 照合番号B)
    EraFull,
    /// The era's letter and 和暦 YYMMDD (H020401)
    EraLetterFull,
    /// DDMMYYYY
    DayMonthYear,
    /// MMDDYYYY
    MonthDayYear,
}

/// The 4-digit forms, in the order a finder reading the card is assumed to try them
/// (docs/pin-check.md, "The finder's guesses").
pub const FOUR_DIGIT_FORMS: &[BirthForm] = &[
    BirthForm::MonthDay,
    BirthForm::Year,
    BirthForm::EraYearMonth,
    BirthForm::DayMonth,
    BirthForm::YearMonth,
    BirthForm::MonthYear,
    BirthForm::EraMonthYear,
    BirthForm::EraYearDay,
];

/// The signing password's birth-date forms, in the assumed order.
pub const PASSWORD_FORMS: &[BirthForm] = &[
    BirthForm::Full,
    BirthForm::EraFull,
    BirthForm::Short,
    BirthForm::EraLetterFull,
    BirthForm::DayMonthYear,
    BirthForm::MonthDayYear,
];

/// Full-width digits and letters to ASCII, spaces removed, letters upper-case.
pub(super) fn normalise(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '．' => '.',
            '／' => '/',
            '－' | 'ー' | '‐' => '-',
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn era_prefix(s: &str) -> Option<(Era, &str)> {
    for e in ERAS {
        if let Some(rest) = s.strip_prefix(e.name) {
            return Some((*e, rest));
        }
        if let Some(rest) = s.strip_prefix(e.letter) {
            return Some((*e, rest));
        }
    }
    None
}

/// Splits `1990-04-01`, `1990/4/1`, `1990.4.1`, `1990年4月1日` into three numbers.
fn three_parts(s: &str) -> Option<(u32, u32, u32)> {
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    let num = |p: &str| -> Option<u32> {
        if p == "元" {
            return Some(1);
        }
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    match parts.as_slice() {
        [y, m, d] => Some((num(y)?, num(m)?, num(d)?)),
        _ => None,
    }
}

fn make_date(y: i32, m: u32, d: u32) -> Result<Date, BirthError> {
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(BirthError::NoSuchDay)?;
    let day = u8::try_from(d).map_err(|_| BirthError::NoSuchDay)?;
    Date::from_calendar_date(y, month, day).map_err(|_| BirthError::NoSuchDay)
}

fn parse_seireki(s: &str) -> Result<Date, BirthError> {
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| BirthError::Unreadable);
        let y = i32::try_from(n(0..4)?).map_err(|_| BirthError::Unreadable)?;
        return make_date(y, n(4..6)?, n(6..8)?);
    }
    let (y, m, d) = three_parts(s).ok_or(BirthError::Unreadable)?;
    if !(1000..=9999).contains(&y) {
        return Err(BirthError::Unreadable);
    }
    make_date(i32::try_from(y).map_err(|_| BirthError::Unreadable)?, m, d)
}

fn parse_wareki(era: Era, rest: &str) -> Result<Date, BirthError> {
    let (ey, m, d) = three_parts(rest).ok_or(BirthError::Unreadable)?;
    if ey == 0 || ey > 99 {
        return Err(BirthError::Unreadable);
    }
    let y = era.start.0 + i32::try_from(ey).map_err(|_| BirthError::Unreadable)? - 1;
    let date = make_date(y, m, d)?;
    match era_of(date) {
        Some((e, _)) if e == era => Ok(date),
        _ => Err(BirthError::OutsideEra),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    fn p(s: &str) -> Result<BirthDate, BirthError> {
        BirthDate::parse(s, TODAY)
    }

    #[test]
    fn both_calendars_read_the_same_day() {
        for s in [
            "1990-04-01",
            "1990/4/1",
            "19900401",
            "1990年4月1日",
            "１９９０年４月１日",
            "平成2年4月1日",
            "平成02年04月01日",
            "H02.04.01",
            "h2.4.1",
            "H2/4/1",
            "Ｈ０２．０４．０１",
        ] {
            let b = p(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(b.date, date!(1990 - 04 - 01), "{s}");
            assert_eq!((b.era.name, b.era_year), ("平成", 2), "{s}");
        }
    }

    #[test]
    fn era_boundaries() {
        let b = p("平成31年4月30日").unwrap();
        assert_eq!(b.date, date!(2019 - 04 - 30));
        assert_eq!(p("令和元年5月1日").unwrap().date, date!(2019 - 05 - 01));
        assert_eq!(p("2019-05-01").unwrap().era.name, "令和");
        assert_eq!(p("2019-05-01").unwrap().era_year, 1);
        assert_eq!(p("2019-04-30").unwrap().era.name, "平成");
        assert_eq!(p("2019-04-30").unwrap().era_year, 31);
        assert_eq!(p("平成31年5月1日"), Err(BirthError::OutsideEra));
        assert_eq!(p("令和元年4月30日"), Err(BirthError::OutsideEra));
        assert_eq!(p("昭和64年1月7日").unwrap().date, date!(1989 - 01 - 07));
        assert_eq!(p("昭和64年1月8日"), Err(BirthError::OutsideEra));
        assert_eq!(p("平成元年1月8日").unwrap().era_year, 1);
        assert_eq!(p("1989-01-07").unwrap().era.name, "昭和");
        assert_eq!(p("平成元年1月7日"), Err(BirthError::OutsideEra));
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(p("1990-02-30"), Err(BirthError::NoSuchDay));
        assert_eq!(p("1990-13-01"), Err(BirthError::NoSuchDay));
        assert_eq!(p("平成2年2月29日"), Err(BirthError::NoSuchDay));
        assert!(p("平成4年2月29日").is_ok()); // 1992 is a leap year
        assert_eq!(p("2030-01-01"), Err(BirthError::Future));
        assert_eq!(p("April 1st"), Err(BirthError::Unreadable));
        assert_eq!(p(""), Err(BirthError::Unreadable));
        assert_eq!(p("H00.04.01"), Err(BirthError::Unreadable));
        assert_eq!(p("1800-01-01"), Err(BirthError::TooOld));
    }

    #[test]
    fn forms_of_a_heisei_birth_date() {
        let b = p("平成2年4月1日").unwrap();
        let f = |form| b.digits(form);
        assert_eq!(f(BirthForm::MonthDay), "0401");
        assert_eq!(f(BirthForm::DayMonth), "0104");
        assert_eq!(f(BirthForm::Year), "1990");
        assert_eq!(f(BirthForm::YearMonth), "9004");
        assert_eq!(f(BirthForm::MonthYear), "0490");
        assert_eq!(f(BirthForm::EraYearMonth), "0204");
        assert_eq!(f(BirthForm::EraMonthYear), "0402");
        assert_eq!(f(BirthForm::EraYearDay), "0201");
        assert_eq!(f(BirthForm::Full), "19900401");
        assert_eq!(f(BirthForm::Short), "900401");
        assert_eq!(f(BirthForm::EraFull), "020401");
        assert_eq!(f(BirthForm::EraLetterFull), "H020401");
        assert_eq!(f(BirthForm::DayMonthYear), "01041990");
        assert_eq!(f(BirthForm::MonthDayYear), "04011990");
        for form in FOUR_DIGIT_FORMS {
            assert_eq!(b.digits(*form).len(), 4, "{form:?}");
        }
    }

    #[test]
    fn reiwa_gannen_is_year_one() {
        let b = p("令和元年5月1日").unwrap();
        assert_eq!(b.digits(BirthForm::EraYearMonth), "0105");
        assert_eq!(b.digits(BirthForm::EraLetterFull), "R010501");
    }
}
