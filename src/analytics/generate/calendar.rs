//! UTC calendar arithmetic for generated records: Unix seconds to `eventTime` text and to the
//! Java date text services put in `responseElements`. Integer-only, so every platform agrees.

/// Seconds in an hour.
pub(crate) const HOUR: i64 = 3_600;
/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A UTC calendar time broken into fields.
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: i64,
    pub(crate) day: i64,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) second: i64,
}

/// The calendar time of `unix` seconds since the epoch.
pub(crate) fn civil(unix: i64) -> Civil {
    let days = unix.div_euclid(DAY);
    let seconds = unix.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    Civil {
        year: year_of_era + era * 400 + i64::from(month <= 2),
        month,
        day: day_of_year - (153 * mp + 2) / 5 + 1,
        hour: seconds / HOUR,
        minute: seconds % HOUR / 60,
        second: seconds % 60,
    }
}

/// `eventTime` text: `2026-03-02T09:15:00Z`.
pub(crate) fn iso(unix: i64) -> String {
    let c = civil(unix);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// The Java date text services put in `responseElements`: `Mar 3, 2026, 2:31:12 AM`.
pub(crate) fn java_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(unix);
    let month = usize::try_from(c.month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("Jan");
    let hour = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    let half = if c.hour < 12 { "AM" } else { "PM" };
    format!(
        "{month} {}, {}, {hour}:{:02}:{:02} {half}",
        c.day, c.year, c.minute, c.second
    )
}
