//! Order numbers, `<shop id>-<YYYYMMDD>-<serial>` (`123456-20261128-0000000001`), kept inline.
//!
//! A shop holds up to millions of them, in every order and every transition, and hands out
//! pages of a thousand per searchOrder; as a small `Copy` value of 32 bytes an order number
//! needs no allocation anywhere (a `String` would cost a pointer, a length, a capacity and a
//! heap block of its own). The serial part also orders a shop's orders: serials only grow, so
//! the shop finds an order by its number with a binary search instead of a hash map.

use super::time::JstDate;
use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// Longest order number kept: a six-digit shop id, the date and a serial of up to 15 digits.
const CAPACITY: usize = 31;

/// An order number as RMS writes it. Reads as `&str`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderNumber {
    len: u8,
    bytes: [u8; CAPACITY],
}

impl OrderNumber {
    /// `<shop_id>-<YYYYMMDD>-<serial>`, the serial written with at least 10 digits; None when
    /// it would not fit (a shop id longer than RMS's six digits, or an absurd serial).
    pub fn issue(shop_id: &str, date: JstDate, serial: u64) -> Option<OrderNumber> {
        Self::issue_with_tail(shop_id, date, serial, 10)
    }

    /// [`OrderNumber::issue`] with a serial of at least `tail` digits: 10 as RMS writes them
    /// today, 8 as in orders of 2017–2018 (`375055-20200802-00000845`, order-api.md §7.2).
    pub fn issue_with_tail(shop_id: &str, date: JstDate, serial: u64, tail: usize) -> Option<OrderNumber> {
        let (y, m, d, ..) = date.start().civil();
        let mut n = OrderNumber { len: 0, bytes: [0; CAPACITY] };
        let mut w = Writer(&mut n);
        fmt::write(&mut w, format_args!("{shop_id}-{y:04}{m:02}{d:02}-{serial:0tail$}")).ok()?;
        Some(n)
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        // Built only from `&str`s by `issue`, so always UTF-8; the check is a few nanoseconds.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The serial (the digits after the last `-`), which grows with every order a shop issues.
    pub fn serial(&self) -> Option<u64> {
        // Read off the bytes: a lookup by number reads the serial of every order its binary
        // search probes, and the text's UTF-8 check cost as much as the digits.
        serial_of_bytes(&self.bytes[..usize::from(self.len)])
    }
}

/// The serial of an order number's text, if it has one.
pub fn serial_of(number: &str) -> Option<u64> {
    serial_of_bytes(number.as_bytes())
}

/// [`serial_of`] of the text's bytes (`-` is ASCII, so the last `-` byte is the last `-`).
fn serial_of_bytes(number: &[u8]) -> Option<u64> {
    let dash = number.iter().rposition(|b| *b == b'-')?;
    let digits = &number[dash + 1..];
    if digits.is_empty() {
        return None;
    }
    // One pass over the digits (every lookup of an order by number reads a few serials).
    digits.iter().try_fold(0u64, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Appends to an [`OrderNumber`]'s bytes, failing when they are full.
struct Writer<'a>(&'a mut OrderNumber);

impl fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let start = usize::from(self.0.len);
        let end = start + s.len();
        if end > CAPACITY {
            return Err(fmt::Error);
        }
        self.0.bytes[start..end].copy_from_slice(s.as_bytes());
        self.0.len = end as u8;
        Ok(())
    }
}

impl Deref for OrderNumber {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for OrderNumber {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for OrderNumber {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for OrderNumber {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for OrderNumber {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<OrderNumber> for String {
    fn eq(&self, other: &OrderNumber) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<OrderNumber> for &str {
    fn eq(&self, other: &OrderNumber) -> bool {
        *self == other.as_str()
    }
}

impl From<OrderNumber> for String {
    fn from(n: OrderNumber) -> String {
        n.as_str().to_string()
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for OrderNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl OrderNumber {
    /// Reads an order number as [`OrderNumber::issue_with_tail`] writes it (`<shop
    /// id>-<YYYYMMDD>-<8 or 10 digits>`, nothing else), for a state document; None for any
    /// other text.
    pub fn parse(text: &str) -> Option<OrderNumber> {
        let (shop_id, rest) = text.split_once('-')?;
        let (day, serial) = rest.split_once('-')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if shop_id.is_empty() || !digits(day, 8) || !(digits(serial, 10) || digits(serial, 8)) {
            return None;
        }
        let date = JstDate::parse(&format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..])).ok()?;
        let number = OrderNumber::issue_with_tail(shop_id, date, serial_of(text)?, serial.len())?;
        (number.as_str() == text).then_some(number)
    }
}

impl<'de> serde::Deserialize<'de> for OrderNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        OrderNumber::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format_args!("{text:?} is not an order number like 123456-20261128-0000000001"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> JstDate {
        crate::domain::time::JstDateTime::parse_rms("2026-11-28T09:00:00+0900").unwrap().date()
    }

    #[test]
    fn a_serial_reads_as_the_parse_of_its_digits_would() {
        let reference = |number: &str| {
            let (_, digits) = number.rsplit_once('-')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u64>().ok()
        };
        for n in [
            "123456-20261128-0254529834",
            "1-2-3",
            "x-",
            "-0",
            "nodash",
            "a-18446744073709551615",
            "a-18446744073709551616",
            "a-99999999999999999999",
            "a-+1",
            "a-1 ",
            "a-１２",
            "a-00000000000000000000000001",
        ] {
            assert_eq!(serial_of(n), reference(n), "{n}");
        }
    }

    #[test]
    fn an_order_number_reads_as_rms_writes_it_and_knows_its_serial() {
        let n = OrderNumber::issue("123456", day(), 254_529_834).unwrap();
        assert_eq!(n, "123456-20261128-0254529834");
        assert_eq!(n.to_string(), "123456-20261128-0254529834");
        assert_eq!(format!("{n:?}"), "\"123456-20261128-0254529834\"");
        assert_eq!(n.serial(), Some(254_529_834));
        assert_eq!(std::mem::size_of::<OrderNumber>(), 32);
    }

    #[test]
    fn issued_numbers_are_byte_for_byte_the_ones_rms_formats() {
        for k in 0..3000i64 {
            let date = crate::domain::time::JstDateTime::from_seconds(k * 86_400 * 7 + 3_600).date();
            let serial = (k as u64).wrapping_mul(2_654_435_761) % 10_000_000_000;
            let want = format!("654321-{}-{:010}", date.compact(), serial);
            assert_eq!(OrderNumber::issue("654321", date, serial).unwrap(), want);
        }
    }

    #[test]
    fn a_number_that_would_not_fit_is_not_issued() {
        assert!(OrderNumber::issue("123456", day(), 999_999_999_999_999).is_some());
        assert!(OrderNumber::issue("123456", day(), u64::MAX).is_none());
        assert!(OrderNumber::issue("1234567890123", day(), 1).is_none());
    }

    #[test]
    fn numbers_with_an_8_or_a_10_digit_tail_are_issued_and_parsed_back() {
        let eight = OrderNumber::issue_with_tail("375055", day(), 845, 8).unwrap();
        assert_eq!(eight, "375055-20261128-00000845");
        assert_eq!(OrderNumber::parse("375055-20261128-00000845"), Some(eight));
        assert_eq!(eight.serial(), Some(845));
        let ten = OrderNumber::issue_with_tail("123456", day(), 670_258, 10).unwrap();
        assert_eq!(OrderNumber::parse("123456-20261128-0000670258"), Some(ten));
        for bad in ["375055-20261128-0000845", "375055-20261128-000000845", "375055-20261128-00000000845"] {
            assert_eq!(OrderNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn serials_are_read_only_from_a_digit_tail() {
        assert_eq!(serial_of("123456-20261128-0000000042"), Some(42));
        assert_eq!(serial_of("123456-20261128-"), None);
        assert_eq!(serial_of("123456-20261128-12a"), None);
        assert_eq!(serial_of("nonumber"), None);
    }
}
