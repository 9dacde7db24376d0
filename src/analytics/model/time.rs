//! Timestamps: parsing the forms CloudTrail and its exporters write, and formatting UTC.
//!
//! Time is milliseconds since the Unix epoch, UTC, as `i64`. Nothing here reads a clock.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// The time column's value for an undated event: it sorts before every real time.
pub const UNDATED: Millis = Millis::MIN;

/// One minute, hour and day in milliseconds.
pub const MINUTE_MS: Millis = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: Millis = 60 * MINUTE_MS;
/// One day in milliseconds.
pub const DAY_MS: Millis = 24 * HOUR_MS;

/// Parses an event time: RFC 3339 (`2024-03-01T10:05:00Z`), with fractional seconds, with a
/// numeric offset, or with a space instead of the `T`; a missing zone is read as UTC.
pub fn parse_event_time(text: &str) -> Option<Millis> {
    let text = text.trim();
    if text.len() < 19 || !text.is_char_boundary(10) || !text.is_char_boundary(11) {
        return None;
    }
    let normalised;
    let text = if text.as_bytes()[10] == b' ' {
        normalised = format!("{}T{}", &text[..10], &text[11..]);
        normalised.as_str()
    } else {
        text
    };
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp_millis());
    }
    // Pipelines sometimes drop the zone; CloudTrail times are always UTC.
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|time| time.and_utc().timestamp_millis())
}

/// Formats a time as RFC 3339 UTC with whole seconds: `2024-03-01T10:05:00Z`.
pub fn format_utc_seconds(millis: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis)
        .map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Formats a time as RFC 3339 UTC keeping milliseconds when they are not zero.
pub fn format_utc(millis: Millis) -> String {
    if millis.rem_euclid(1000) == 0 {
        return format_utc_seconds(millis);
    }
    DateTime::<Utc>::from_timestamp_millis(millis)
        .map(|time| time.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_cloudtrail_and_exporters_write() {
        let base = parse_event_time("2024-03-01T10:05:00Z").unwrap();
        assert_eq!(format_utc_seconds(base), "2024-03-01T10:05:00Z");
        assert_eq!(
            parse_event_time("2024-03-01T10:05:00.250Z"),
            Some(base + 250)
        );
        assert_eq!(parse_event_time("2024-03-01T11:05:00+01:00"), Some(base));
        assert_eq!(parse_event_time("2024-03-01 10:05:00Z"), Some(base));
        assert_eq!(parse_event_time("2024-03-01 10:05:00.5"), Some(base + 500));
        assert_eq!(parse_event_time("ThisIsAWrongEventTime"), None);
        assert_eq!(parse_event_time(""), None);
        assert_eq!(parse_event_time("2024-03-01é10:05:00Z"), None);
        assert_eq!(format_utc(base + 250), "2024-03-01T10:05:00.250Z");
    }
}
