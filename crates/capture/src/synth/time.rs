//! Time stamps of the simulated traffic: nanoseconds since the Unix epoch, and the text forms the
//! formats use (HTTP dates, ISO 8601 for HAR and SAZ, FILETIME for MAPI).

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type Ns = u64;

/// One millisecond.
pub const MS: Ns = 1_000_000;
/// One second.
pub const SEC: Ns = 1_000_000_000;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number: (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
    /// Hour.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second.
    pub second: u32,
    /// Nanoseconds.
    pub nanos: u32,
    /// Day of the week, 0 = Sunday.
    pub weekday: u32,
}

/// Splits a time stamp.
pub fn civil(t: Ns) -> Civil {
    let secs = (t / SEC) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        nanos: (t % SEC) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// RFC 7231 IMF-fixdate: `Thu, 27 Nov 2025 09:00:01 GMT` (HTTP Date, X-StartTime).
pub fn http_date(t: Ns) -> String {
    let c = civil(t);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday as usize % 7],
        c.day,
        MONTHS[(c.month as usize + 11) % 12],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// ISO 8601 with milliseconds and `Z` (HAR startedDateTime).
pub fn iso_ms(t: Ns) -> String {
    let c = civil(t);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanos / 1_000_000)
}

/// ISO 8601 with 100 ns ticks and an offset, as Fiddler writes SessionTimers.
pub fn iso_ticks(t: Ns) -> String {
    let c = civil(t);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}+00:00", c.year, c.month, c.day, c.hour, c.minute, c.second, c.nanos / 100)
}

/// FILETIME: 100 ns intervals since 1601-01-01.
pub fn filetime(t: Ns) -> u64 {
    t / 100 + 116_444_736_000_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_formats() {
        let d = days_from_civil(2026, 1, 27);
        assert_eq!(civil_from_days(d), (2026, 1, 27));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let t = (d as u64 * 86_400 + 9 * 3600 + 5 * 60 + 7) * SEC + 123_456_789;
        assert_eq!(http_date(t), "Tue, 27 Jan 2026 09:05:07 GMT");
        assert_eq!(iso_ms(t), "2026-01-27T09:05:07.123Z");
        assert_eq!(iso_ticks(t), "2026-01-27T09:05:07.1234567+00:00");
        assert_eq!(civil(t).weekday, 2);
        // 1970-01-01 as FILETIME ([MS-DTYP] 2.3.3).
        assert_eq!(filetime(0), 116_444_736_000_000_000);
    }
}
