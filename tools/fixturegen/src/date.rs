//! The My Number Card validity rules that the fixtures' dates follow, on top of the `time`
//! crate's calendar ([`Date`]).

pub use time::Date;
use time::Month;
use time::error::ComponentRange;

/// `YYYYMMDD`, the form the card stores dates in (card-facts §2.5, §2.6 `00F2`).
pub fn yyyymmdd(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `date`'s month and day in `year`; 29 February becomes 28 February in common years.
fn anniversary_in(date: Date, year: i32) -> Result<Date, ComponentRange> {
    date.replace_year(year)
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
}

/// The `n`-th birthday (n ≥ 1) strictly after `issued`, for someone born on `born`.
///
/// The card and the 利用者証明用電子証明書 expire on a birthday counted from the issue
/// date: the card on the 10th (5th when the holder is under 18 at issue), the
/// certificate on the 5th.
pub fn nth_birthday_after(born: Date, issued: Date, n: i32) -> Result<Date, ComponentRange> {
    let this_year = anniversary_in(born, issued.year())?;
    let first = if this_year > issued {
        this_year
    } else {
        anniversary_in(born, issued.year() + 1)?
    };
    anniversary_in(born, first.year() + n - 1)
}

/// Age in whole years on `on`, for someone born on `born`.
pub fn age_on(born: Date, on: Date) -> i32 {
    let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(born.month()), born.day());
    on.year() - born.year() - i32::from(before_birthday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn birthdays_are_counted_from_the_issue_date() {
        let born = date!(1985 - 04 - 01);
        let issued = date!(2024 - 07 - 10);
        assert_eq!(
            nth_birthday_after(born, issued, 1),
            Ok(date!(2025 - 04 - 01))
        );
        assert_eq!(
            nth_birthday_after(born, issued, 5),
            Ok(date!(2029 - 04 - 01))
        );
        assert_eq!(
            nth_birthday_after(born, issued, 10),
            Ok(date!(2034 - 04 - 01))
        );
    }

    #[test]
    fn a_birthday_on_the_issue_date_does_not_count() {
        let born = date!(1970 - 10 - 31);
        assert_eq!(
            nth_birthday_after(born, date!(2020 - 10 - 31), 1),
            Ok(date!(2021 - 10 - 31))
        );
    }

    #[test]
    fn a_leap_day_birthday_falls_on_28_february_in_common_years() {
        let born = date!(2000 - 02 - 29);
        assert_eq!(
            nth_birthday_after(born, date!(2024 - 03 - 01), 1),
            Ok(date!(2025 - 02 - 28))
        );
        assert_eq!(
            nth_birthday_after(born, date!(2024 - 03 - 01), 4),
            Ok(date!(2028 - 02 - 29))
        );
    }

    #[test]
    fn ages() {
        let born = date!(2013 - 09 - 15);
        assert_eq!(age_on(born, date!(2026 - 06 - 01)), 12);
        assert_eq!(age_on(born, date!(2026 - 09 - 15)), 13);
    }

    #[test]
    fn dates_are_written_as_the_card_stores_them() {
        assert_eq!(yyyymmdd(date!(2034 - 04 - 01)), "20340401");
        assert_eq!(date!(2034 - 04 - 01).to_string(), "2034-04-01");
    }
}
