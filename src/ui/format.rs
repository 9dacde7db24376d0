//! How numbers, shares, sizes, times and spans are written on the page. Display only.

use crate::analytics::{format_utc_seconds, Millis};

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `0.0734` → `7.3%`; small non-zero shares keep a second digit.
pub fn percent(share: f64) -> String {
    let value = share * 100.0;
    if value > 0.0 && value < 1.0 {
        format!("{value:.2}%")
    } else {
        format!("{value:.1}%")
    }
}

/// A share given as a round percentage ("25%", "2%"), or to a tenth when it is not one.
pub fn round_percent(share: f64) -> String {
    let value = share * 100.0;
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}%")
    } else {
        format!("{value:.1}%")
    }
}

/// A byte count in B, KB, MB or GB (powers of 1000, as file managers show).
pub fn bytes(n: u64) -> String {
    let value = n as f64;
    if value < 1e3 {
        format!("{n} B")
    } else if value < 1e6 {
        format!("{:.1} KB", value / 1e3)
    } else if value < 1e9 {
        format!("{:.1} MB", value / 1e6)
    } else {
        format!("{:.2} GB", value / 1e9)
    }
}

/// A time as `2024-03-01 10:05:00` (UTC).
pub fn time(millis: Millis) -> String {
    format_utc_seconds(millis)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned()
}

/// A time as `2024-03-01 10:05:00`, in UTC or in the browser's time zone.
pub fn time_in(millis: Millis, local: bool) -> String {
    if !local {
        return time(millis);
    }
    #[allow(clippy::cast_precision_loss)] // epoch milliseconds stay well inside f64's exact range
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// The zone times are shown in: `UTC`, or `local` with the offset at `millis`
/// (`local, UTC+01:00`).
pub fn zone(local: bool, millis: Option<Millis>) -> String {
    if !local {
        return "UTC".to_owned();
    }
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        millis.unwrap_or_default() as f64
    ));
    // getTimezoneOffset is minutes *behind* UTC.
    let offset = -(date.get_timezone_offset() as i64);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "local, UTC{sign}{:02}:{:02}",
        offset.abs() / 60,
        offset.abs() % 60
    )
}

/// A length of time such as `55 min`, `3 h 20 min`, `4 d 2 h`.
pub fn span(millis: Millis) -> String {
    let seconds = millis / 1000;
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min")
    } else {
        format!("{seconds} s")
    }
}

/// A bucket width as a word: `1 min`, `30 min`, `1 h`, `1 d`.
pub fn bucket(millis: Millis) -> String {
    let minutes = millis / 60_000;
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 1440 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} d", minutes / 1440)
    }
}

/// A duration in milliseconds as `850 ms` or `2.41 s`.
pub fn elapsed(millis: f64) -> String {
    if millis < 1000.0 {
        format!("{millis:.0} ms")
    } else {
        format!("{:.2} s", millis / 1000.0)
    }
}
