//! Calendar dates and the My Number Card validity rules that the fixtures' dates follow.

use std::fmt;

/// A Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub const fn new(year: u16, month: u8, day: u8) -> Self {
        Date { year, month, day }
    }

    /// `YYYYMMDD`, the form the card stores dates in (card-facts §2.5, §2.6 `00F2`).
    pub fn yyyymmdd(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// This date's month and day in `year`; 29 February becomes 28 February in common years.
    fn anniversary_in(self, year: u16) -> Date {
        if self.month == 2 && self.day == 29 && !is_leap(year) {
            Date::new(year, 2, 28)
        } else {
            Date::new(year, self.month, self.day)
        }
    }

    /// The `n`-th birthday (n ≥ 1) strictly after `issued`, for someone born on `self`.
    ///
    /// The card and the 利用者証明用電子証明書 expire on a birthday counted from the issue
    /// date: the card on the 10th (5th when the holder is under 18 at issue), the
    /// certificate on the 5th.
    pub fn nth_birthday_after(self, issued: Date, n: u16) -> Date {
        let this_year = self.anniversary_in(issued.year);
        let first = if this_year > issued {
            this_year
        } else {
            self.anniversary_in(issued.year + 1)
        };
        self.anniversary_in(first.year + n - 1)
    }

    /// Age in whole years on `on`.
    pub fn age_on(self, on: Date) -> u16 {
        let before_birthday = (on.month, on.day) < (self.month, self.day);
        on.year - self.year - u16::from(before_birthday)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birthdays_are_counted_from_the_issue_date() {
        let born = Date::new(1985, 4, 1);
        let issued = Date::new(2024, 7, 10);
        assert_eq!(born.nth_birthday_after(issued, 1), Date::new(2025, 4, 1));
        assert_eq!(born.nth_birthday_after(issued, 5), Date::new(2029, 4, 1));
        assert_eq!(born.nth_birthday_after(issued, 10), Date::new(2034, 4, 1));
    }

    #[test]
    fn a_birthday_on_the_issue_date_does_not_count() {
        let born = Date::new(1970, 10, 31);
        assert_eq!(
            born.nth_birthday_after(Date::new(2020, 10, 31), 1),
            Date::new(2021, 10, 31)
        );
    }

    #[test]
    fn ages() {
        let born = Date::new(2013, 9, 15);
        assert_eq!(born.age_on(Date::new(2026, 6, 1)), 12);
        assert_eq!(born.age_on(Date::new(2026, 9, 15)), 13);
    }
}
