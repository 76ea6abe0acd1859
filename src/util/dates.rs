//! Dates as harden writes and reads them: `YYYY-MM-DD`, everywhere.

use time::Date;

/// `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_refuse_other_shapes() {
        let d = parse_date("2027-03-01").unwrap();
        assert_eq!(format_date(d), "2027-03-01");
        assert_eq!(parse_date("2027-3-1"), None);
        assert_eq!(parse_date("01.03.2027"), None);
    }
}
