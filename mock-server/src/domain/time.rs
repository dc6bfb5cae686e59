//! Japan Standard Time datetimes, the only time zone RMS speaks.
//!
//! A [`JstDateTime`] counts seconds of JST wall-clock time since 1970-01-01T00:00:00+09:00.
//! JST has no daylight saving, so civil arithmetic is plain integer arithmetic and we need no
//! time-zone crate. The two wire spellings live here too: the order API writes `+0900` (no
//! colon) and rejects anything else, the item/inventory APIs write `+09:00`.

use std::fmt;

const SECS_PER_DAY: i64 = 86_400;

/// Ten years (of 365.2 days): the most one `clock/advance` moves a shop's clock, and the
/// longest delay a setting may ask for (`*_minutes`, `*_days`).
pub const MAX_SPAN_DAYS: i64 = 3652;

/// [`MAX_SPAN_DAYS`] in seconds.
pub const MAX_SPAN_SECONDS: i64 = MAX_SPAN_DAYS * SECS_PER_DAY;

/// A point in time on a shop's JST clock, with one-second resolution (RMS has no fractions).
///
/// Kept as a [`Packed`] count of seconds, so that an `Option<JstDateTime>` takes 8 bytes, not
/// 16: an order has half a dozen optional datetimes, and a shop a million orders.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JstDateTime(Packed);

/// A calendar day in JST (`YYYY-MM-DD` on the wire), kept as a [`Packed`] count of days.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JstDate(Packed);

/// An `i64` stored with its sign bit flipped in a `NonZeroU64`: the order of the values is
/// kept (as unsigned numbers), and the one value it cannot hold, `i64::MIN` (some 292 billion
/// years before 1970, where saturating arithmetic ends), is taken as the next one up. The zero
/// this leaves free is what lets `Option` fit in the same 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Packed(std::num::NonZeroU64);

impl Packed {
    fn new(v: i64) -> Packed {
        let flipped = (v as u64) ^ (1 << 63);
        Packed(std::num::NonZeroU64::new(flipped).unwrap_or(std::num::NonZeroU64::MIN))
    }

    fn get(self) -> i64 {
        (self.0.get() ^ (1 << 63)) as i64
    }
}

impl fmt::Debug for JstDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JstDateTime").field(&self.0.get()).finish()
    }
}

impl fmt::Debug for JstDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JstDate").field(&self.0.get()).finish()
    }
}

/// Why a datetime string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError;

impl JstDateTime {
    /// Builds a datetime from JST civil fields; `None` when a field is out of range.
    pub fn from_civil(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<Self> {
        if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        Some(JstDateTime::from_seconds(days * SECS_PER_DAY + i64::from(h * 3600 + mi * 60 + s)))
    }

    /// Seconds since 1970-01-01T00:00:00 JST.
    pub fn seconds(self) -> i64 {
        self.0.get()
    }

    pub fn from_seconds(s: i64) -> Self {
        JstDateTime(Packed::new(s))
    }

    /// The JST time of a Unix timestamp (seconds since 1970-01-01T00:00:00Z), for an edge
    /// that read the host's clock; the domain itself never reads it.
    pub fn from_unix_seconds(unix: i64) -> Self {
        JstDateTime::from_seconds(unix.saturating_add(9 * 3600))
    }

    pub fn plus_seconds(self, s: i64) -> Self {
        JstDateTime::from_seconds(self.seconds().saturating_add(s))
    }

    pub fn plus_minutes(self, m: i64) -> Self {
        self.plus_seconds(m.saturating_mul(60))
    }

    pub fn plus_days(self, d: i64) -> Self {
        self.plus_seconds(d.saturating_mul(SECS_PER_DAY))
    }

    pub fn date(self) -> JstDate {
        JstDate(Packed::new(self.seconds().div_euclid(SECS_PER_DAY)))
    }

    /// (year, month, day, hour, minute, second)
    pub fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let (y, mo, d) = civil_from_days(self.seconds().div_euclid(SECS_PER_DAY));
        let rem = self.seconds().rem_euclid(SECS_PER_DAY) as u32;
        (y, mo, d, rem / 3600, rem / 60 % 60, rem % 60)
    }

    /// The order API form: `2026-11-28T09:00:00+0900`.
    pub fn to_rms(self) -> String {
        self.rms_text().to_string()
    }

    /// The item/inventory API form: `2026-11-28T09:00:00+09:00`.
    pub fn to_iso(self) -> String {
        self.iso_text().to_string()
    }

    /// UTC with milliseconds, as items.search shows inventory timestamps:
    /// `2022-07-05T07:29:50.000Z`.
    pub fn to_utc_millis(self) -> String {
        JstDateTime::from_seconds(self.seconds() - 9 * 3600).text_with(".000Z").to_string()
    }

    /// [`Self::to_rms`] without allocating, for writers (the wire's serializers).
    pub fn rms_text(self) -> TimeText {
        self.text_with("+0900")
    }

    /// [`Self::to_iso`] without allocating.
    pub fn iso_text(self) -> TimeText {
        self.text_with("+09:00")
    }

    /// `2026-11-28T09:00:00`, without a zone, without allocating.
    pub fn naive_text(self) -> TimeText {
        self.text_with("")
    }

    fn text_with(self, zone: &str) -> TimeText {
        let (y, mo, d, h, mi, s) = self.civil();
        let mut t = TimeText::date(y, mo, d);
        t.push(b'T');
        for (i, n) in [h, mi, s].into_iter().enumerate() {
            if i > 0 {
                t.push(b':');
            }
            t.two_digits(n);
        }
        t.push_str(zone);
        t
    }

    /// Parses the only form the order API accepts: `YYYY-MM-DDThh:mm:ss+0900`.
    ///
    /// Real RMS answers `…_ERROR_011` for `+09:00`, `Z`, `+0000`, no zone, fractions or a bare
    /// date (order-api.md §7.1), so all of those fail here.
    pub fn parse_rms(s: &str) -> Result<Self, ParseError> {
        let naive = s.strip_suffix("+0900").ok_or(ParseError)?;
        Self::parse_naive(naive)
    }

    /// Accepts `+0900` and `+09:00`: used for shop files and for the lenient datetime mode.
    pub fn parse_flexible(s: &str) -> Result<Self, ParseError> {
        if let Some(naive) = s.strip_suffix("+09:00") {
            return Self::parse_naive(naive);
        }
        Self::parse_rms(s)
    }

    fn parse_naive(s: &str) -> Result<Self, ParseError> {
        let b = s.as_bytes();
        if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(ParseError);
        }
        // Digits only (at most four: no overflow), read as they come: every search and
        // update carries two or more of these, and `str::parse` per part was most of the cost.
        let num = |r: std::ops::Range<usize>| -> Result<u32, ParseError> {
            b[r].iter().try_fold(0u32, |n, &c| {
                if c.is_ascii_digit() {
                    Ok(n * 10 + u32::from(c - b'0'))
                } else {
                    Err(ParseError)
                }
            })
        };
        Self::from_civil(i64::from(num(0..4)?), num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?)
            .ok_or(ParseError)
    }
}

impl fmt::Display for JstDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rms_text())
    }
}

/// A datetime or a date spelled out in a fixed buffer (it derefs to `&str`): what the wire
/// writes many times per answer, without a `String` each time.
#[derive(Clone, Copy)]
pub struct TimeText {
    buf: [u8; 48],
    len: usize,
}

impl TimeText {
    /// `YYYY-MM-DD`; a year outside 0–9999 as `{:04}` writes it (sign, more digits).
    fn date(y: i64, mo: u32, d: u32) -> Self {
        let mut t = TimeText { buf: [0; 48], len: 0 };
        match u32::try_from(y) {
            Ok(y @ 0..=9999) => {
                t.two_digits(y / 100);
                t.two_digits(y % 100);
            }
            _ => {
                use fmt::Write;
                // At most 20 characters: the buffer has room.
                let _ = write!(t, "{y:04}");
            }
        }
        t.push(b'-');
        t.two_digits(mo);
        t.push(b'-');
        t.two_digits(d);
        t
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    fn push_str(&mut self, s: &str) {
        self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
        self.len += s.len();
    }

    /// `n` (0–99) as two digits.
    fn two_digits(&mut self, n: u32) {
        self.push(b'0' + (n / 10 % 10) as u8);
        self.push(b'0' + (n % 10) as u8);
    }
}

impl fmt::Write for TimeText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len + s.len() > self.buf.len() {
            return Err(fmt::Error);
        }
        self.push_str(s);
        Ok(())
    }
}

impl std::ops::Deref for TimeText {
    type Target = str;

    fn deref(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl fmt::Display for TimeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl JstDate {
    /// Days since 1970-01-01 (JST).
    fn days(self) -> i64 {
        self.0.get()
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        JstDateTime::parse_naive(&format!("{s}T00:00:00")).map(|t| t.date())
    }

    pub fn start(self) -> JstDateTime {
        JstDateTime::from_seconds(self.days() * SECS_PER_DAY)
    }

    /// The last second of the day: deadlines given as a date run to its end.
    pub fn end(self) -> JstDateTime {
        JstDateTime::from_seconds(self.days() * SECS_PER_DAY + SECS_PER_DAY - 1)
    }

    pub fn plus_days(self, d: i64) -> Self {
        JstDate(Packed::new(self.days() + d))
    }

    /// The same day `n` years later; 29 February becomes 28 February in a common year, as
    /// Java's `LocalDate.plusYears` does (the fake assumes a Java backend elsewhere too; which
    /// day RMS shows after a leap day is not known).
    pub fn plus_years(self, n: i64) -> Self {
        let (y, m, d) = civil_from_days(self.days());
        let y = y.saturating_add(n);
        JstDate(Packed::new(days_from_civil(y, m, d.min(days_in_month(y, m)))))
    }

    /// `YYYY-MM-DD`
    pub fn to_wire(self) -> String {
        self.wire_text().to_string()
    }

    /// [`Self::to_wire`] without allocating.
    pub fn wire_text(self) -> TimeText {
        let (y, m, d) = civil_from_days(self.days());
        TimeText::date(y, m, d)
    }

    /// `YYYYMMDD`, as in order numbers.
    pub fn compact(self) -> String {
        self.to_wire().replace('-', "")
    }
}

/// In a state document (`crate::state`) a datetime is written as the order API writes it,
/// `2026-11-28T09:00:00+0900`, and read back only in that form.
impl serde::Serialize for JstDateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rms_text())
    }
}

impl<'de> serde::Deserialize<'de> for JstDateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        JstDateTime::parse_rms(&text).map_err(|_| {
            serde::de::Error::custom(format_args!("{text:?} is not a datetime like 2026-11-28T09:00:00+0900"))
        })
    }
}

/// A day is written `YYYY-MM-DD`.
impl serde::Serialize for JstDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.wire_text())
    }
}

impl<'de> serde::Deserialize<'de> for JstDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        JstDate::parse(&text)
            .map_err(|_| serde::de::Error::custom(format_args!("{text:?} is not a date like 2026-11-28")))
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-buffer spellings write what `format!` with the same widths writes, for
    /// ordinary years and for years outside 0–9999.
    #[test]
    fn time_texts_spell_datetimes_as_format_would() {
        for secs in [0, 1_795_996_800, 86_399, -1, -62_167_219_200 - 86_400, 253_402_300_800, i64::MAX / 2] {
            let t = JstDateTime::from_seconds(secs);
            let (y, mo, d, h, mi, s) = t.civil();
            let naive = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
            assert_eq!(t.to_rms(), format!("{naive}+0900"));
            assert_eq!(t.to_iso(), format!("{naive}+09:00"));
            assert_eq!(&*t.naive_text(), naive);
            assert_eq!(t.to_string(), t.to_rms());
            assert_eq!(t.date().to_wire(), format!("{y:04}-{mo:02}-{d:02}"));
        }
        assert_eq!(JstDateTime::from_seconds(1_795_996_800).to_utc_millis(), "2026-11-29T15:00:00.000Z");
    }

    #[test]
    fn packed_times_keep_their_order_and_value_and_an_option_of_one_takes_8_bytes() {
        let values = [i64::MIN + 1, -86_400 * 365, -1, 0, 1, 1_795_996_800, i64::MAX];
        for (i, a) in values.iter().enumerate() {
            assert_eq!(JstDateTime::from_seconds(*a).seconds(), *a);
            for b in &values[i + 1..] {
                assert!(JstDateTime::from_seconds(*a) < JstDateTime::from_seconds(*b), "{a} < {b}");
            }
        }
        assert_eq!(JstDateTime::from_seconds(i64::MIN).seconds(), i64::MIN + 1, "the one value it cannot hold");
        assert_eq!(JstDateTime::from_seconds(i64::MIN).plus_seconds(-5).seconds(), i64::MIN + 1);
        assert_eq!(format!("{:?}", JstDateTime::from_seconds(-3)), "JstDateTime(-3)");
        assert_eq!(std::mem::size_of::<Option<JstDateTime>>(), 8);
        assert_eq!(std::mem::size_of::<Option<JstDate>>(), 8);
    }

    #[test]
    fn unix_time_reads_as_jst_nine_hours_ahead() {
        // 2031-05-17T01:00:00Z
        assert_eq!(JstDateTime::from_unix_seconds(1_936_746_000).to_rms(), "2031-05-17T10:00:00+0900");
    }

    #[test]
    fn rms_form_round_trips() {
        let t = JstDateTime::parse_rms("2026-11-28T09:05:07+0900").unwrap();
        assert_eq!(t.to_rms(), "2026-11-28T09:05:07+0900");
        assert_eq!(t.to_iso(), "2026-11-28T09:05:07+09:00");
        assert_eq!(t.date().to_wire(), "2026-11-28");
        assert_eq!(t.date().compact(), "20261128");
    }

    #[test]
    fn order_api_rejects_every_other_datetime_spelling() {
        for bad in [
            "2026-11-28T09:00:00+09:00",
            "2026-11-28T09:00:00Z",
            "2026-11-28T09:00:00+0000",
            "2026-11-28T09:00:00",
            "2026-11-28T09:00:00.000+0900",
            "2026-11-28",
            "2026-02-30T09:00:00+0900",
            "2026-11-28T24:00:00+0900",
            "2026-11-28 09:00:00+0900",
            "+026-11-28T09:00:00+0900",
        ] {
            assert!(JstDateTime::parse_rms(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn flexible_form_accepts_the_colon_offset() {
        let a = JstDateTime::parse_flexible("2026-11-28T09:00:00+09:00").unwrap();
        let b = JstDateTime::parse_flexible("2026-11-28T09:00:00+0900").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn civil_arithmetic_crosses_months_years_and_leap_days() {
        let t = JstDateTime::parse_rms("2028-02-28T23:30:00+0900").unwrap();
        assert_eq!(t.plus_minutes(60).to_rms(), "2028-02-29T00:30:00+0900");
        assert_eq!(t.plus_days(2).to_rms(), "2028-03-01T23:30:00+0900");
        let n = JstDateTime::parse_rms("2026-12-31T23:59:59+0900").unwrap();
        assert_eq!(n.plus_seconds(1).to_rms(), "2027-01-01T00:00:00+0900");
        assert_eq!(JstDate::parse("2026-11-28").unwrap().end().to_rms(), "2026-11-28T23:59:59+0900");
    }

    #[test]
    fn a_year_later_is_the_same_day_or_the_28th_after_a_leap_day() {
        let d = |s: &str| JstDate::parse(s).unwrap();
        assert_eq!(d("2018-07-24").plus_years(1).to_wire(), "2019-07-24");
        assert_eq!(d("2028-02-29").plus_years(1).to_wire(), "2029-02-28");
        assert_eq!(d("2028-02-29").plus_years(4).to_wire(), "2032-02-29");
        assert_eq!(d("2026-12-31").plus_years(1).to_wire(), "2027-12-31");
    }

    #[test]
    fn every_day_over_four_centuries_round_trips() {
        for z in -200_000..200_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    // ----- properties (issue 12): datetime parse/format round trips -----

    use proptest::prelude::*;

    /// The first and last second of years 0000–9999, the years a 4-digit spelling has.
    const FIRST: i64 = -62_167_219_200;
    const LAST: i64 = 253_402_300_799;

    /// Strings near the RMS spelling: a valid one with up to three bytes changed, cut or added.
    fn near_datetime() -> impl Strategy<Value = String> {
        let base = (FIRST..=LAST).prop_map(|s| JstDateTime::from_seconds(s).to_rms());
        let edit = (any::<usize>(), prop_oneof![proptest::char::range('0', '9'), any::<char>()], 0u8..3);
        (base, prop::collection::vec(edit, 0..3)).prop_map(|(mut text, edits)| {
            for (at, c, kind) in edits {
                let mut chars: Vec<char> = text.chars().collect();
                let i = at % (chars.len() + 1);
                match kind {
                    0 if i < chars.len() => chars[i] = c,
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ => chars.insert(i, c),
                }
                text = chars.into_iter().collect();
            }
            text
        })
    }

    /// The naive reading as it was written first (each part checked for digits, then
    /// `str::parse`), for the test below.
    fn parse_naive_by_parts(s: &str) -> Result<JstDateTime, ParseError> {
        let b = s.as_bytes();
        if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(ParseError);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, ParseError> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(ParseError);
            }
            part.parse().map_err(|_| ParseError)
        };
        JstDateTime::from_civil(
            i64::from(num(0..4)?),
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        )
        .ok_or(ParseError)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::proptest_cases(256)))]

        /// Every second of years 0–9999 reads back from each of its spellings, and its civil
        /// fields and date agree with it.
        #[test]
        fn a_datetime_reads_as_it_did_part_by_part(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}", t in "[0-9T:+ -]{0,3}[0-9a-z+é ]{0,20}", u in near_datetime()) {
            let u = u.strip_suffix("+0900").unwrap_or(&u);
            prop_assert_eq!(JstDateTime::parse_naive(u), parse_naive_by_parts(u));
            prop_assert_eq!(JstDateTime::parse_naive(&s), parse_naive_by_parts(&s));
            prop_assert_eq!(JstDateTime::parse_naive(&t), parse_naive_by_parts(&t));
            prop_assert_eq!(JstDateTime::parse_rms(&format!("{s}+0900")).ok(), parse_naive_by_parts(&s).ok());
        }

        #[test]
        fn every_second_round_trips_through_its_spellings(secs in FIRST..=LAST) {
            let t = JstDateTime::from_seconds(secs);
            prop_assert_eq!(JstDateTime::parse_rms(&t.to_rms()), Ok(t));
            prop_assert_eq!(JstDateTime::parse_flexible(&t.to_rms()), Ok(t));
            prop_assert_eq!(JstDateTime::parse_flexible(&t.to_iso()), Ok(t));
            prop_assert!(JstDateTime::parse_rms(&t.to_iso()).is_err(), "the order API takes +0900 only");
            let (y, mo, d, h, mi, s) = t.civil();
            prop_assert_eq!(JstDateTime::from_civil(y, mo, d, h, mi, s), Some(t));
            prop_assert_eq!(JstDate::parse(&t.date().to_wire()), Ok(t.date()));
            prop_assert!(t.date().start() <= t && t <= t.date().end());
            prop_assert_eq!(t.date().end().plus_seconds(1), t.date().plus_days(1).start());
        }

        /// Whatever string parses has exactly one spelling: formatting what was read gives the
        /// string back (`+0900` for the order API; also `+09:00` in the flexible form).
        #[test]
        fn a_string_that_parses_is_the_one_spelling_of_its_time(text in near_datetime()) {
            if let Ok(t) = JstDateTime::parse_rms(&text) {
                prop_assert_eq!(t.to_rms(), text.clone());
            }
            if let Ok(t) = JstDateTime::parse_flexible(&text) {
                prop_assert!(t.to_rms() == text || t.to_iso() == text, "{} read as {}", text, t.to_rms());
            }
            if let Ok(d) = JstDate::parse(&text) {
                prop_assert_eq!(d.to_wire(), text.clone());
            }
        }

        /// Moving by days moves the date by as many days, whatever the time of day.
        #[test]
        fn days_added_to_a_time_and_to_its_date_agree(secs in FIRST..=LAST, days in -100_000i64..100_000) {
            let t = JstDateTime::from_seconds(secs);
            prop_assert_eq!(t.plus_days(days).date(), t.date().plus_days(days));
            let (.., h, mi, s) = t.civil();
            let (.., h2, mi2, s2) = t.plus_days(days).civil();
            prop_assert_eq!((h, mi, s), (h2, mi2, s2));
        }
    }
}
