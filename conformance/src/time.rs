//! The reference integration's own clock arithmetic: RMS datetimes (`2026-11-28T09:00:00+0900`)
//! as seconds of JST wall-clock time.
//!
//! A third-party tool has no access to the fake's types, so this crate carries the little it
//! needs: read and write the order API's datetime form, add minutes, take the date. JST has
//! no daylight saving, so civil arithmetic is plain integer arithmetic.

const SECS_PER_DAY: i64 = 86_400;

/// A point in time in JST, one-second resolution.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct JstDateTime(i64);

/// A calendar day in JST.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct JstDate(i64);

impl JstDateTime {
    /// 1970-01-01T00:00:00 JST.
    pub const ZERO: JstDateTime = JstDateTime(0);

    /// Seconds since 1970-01-01T00:00:00 JST.
    pub fn from_seconds(s: i64) -> Self {
        JstDateTime(s)
    }

    /// Seconds since 1970-01-01T00:00:00 JST.
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// `s` seconds later.
    pub fn plus_seconds(self, s: i64) -> Self {
        JstDateTime(self.0.saturating_add(s))
    }

    /// `m` minutes later.
    pub fn plus_minutes(self, m: i64) -> Self {
        self.plus_seconds(m.saturating_mul(60))
    }

    /// `d` days later.
    pub fn plus_days(self, d: i64) -> Self {
        self.plus_seconds(d.saturating_mul(SECS_PER_DAY))
    }

    /// The calendar day.
    pub fn date(self) -> JstDate {
        JstDate(self.0.div_euclid(SECS_PER_DAY))
    }

    /// The order API form: `2026-11-28T09:00:00+0900`.
    pub fn to_rms(self) -> String {
        let rem = self.0.rem_euclid(SECS_PER_DAY);
        let (h, mi, s) = (rem / 3600, rem / 60 % 60, rem % 60);
        format!("{}T{h:02}:{mi:02}:{s:02}+0900", self.date().to_wire())
    }

    /// Reads the order API form; None for anything else.
    pub fn parse_rms(s: &str) -> Option<Self> {
        let naive = s.strip_suffix("+0900")?;
        let b = naive.as_bytes();
        if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = &naive[r];
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 59 {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        if civil_from_days(days) != (y, mo, d) {
            return None;
        }
        Some(JstDateTime(days * SECS_PER_DAY + h * 3600 + mi * 60 + sec))
    }
}

impl JstDate {
    /// `YYYY-MM-DD`
    pub fn to_wire(self) -> String {
        let (y, m, d) = civil_from_days(self.0);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `YYYYMMDD`
    pub fn compact(self) -> String {
        self.to_wire().replace('-', "")
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rms_form_round_trips_and_refuses_other_spellings() {
        let t = JstDateTime::parse_rms("2028-02-29T23:05:07+0900").unwrap();
        assert_eq!(t.to_rms(), "2028-02-29T23:05:07+0900");
        assert_eq!(t.plus_minutes(55).to_rms(), "2028-03-01T00:00:07+0900");
        assert_eq!(t.date().compact(), "20280229");
        assert_eq!(JstDateTime::from_seconds(0).to_rms(), "1970-01-01T00:00:00+0900");
        for bad in ["2026-11-28T09:00:00+09:00", "2026-02-30T09:00:00+0900", "2026-11-28T24:00:00+0900", "", "x"] {
            assert_eq!(JstDateTime::parse_rms(bad), None, "{bad}");
        }
    }
}
