//! Strings an order keeps, stored once per shop.
//!
//! A big shop's orders repeat the same few thousand strings over and over: prefectures,
//! cities, names and their kana, the delivery name, item titles and variant ids. A [`Text`] is
//! a shared immutable string (one pointer and a length; cloning it copies no bytes), and an
//! [`Interner`] hands out one `Text` per distinct value, so a million orders hold each of them
//! once. Text that is unique anyway (a masked e-mail address) is a `Text` too, just not
//! interned. `std`'s `Arc<str>` does the sharing; the newtype adds the comparisons with `str`
//! and `String` that the rest of the code writes naturally (`o.delivery_name == "宅配便"`).

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A fast hash for short keys (the word-at-a-time multiply-rotate hash of rustc's `FxHasher`).
/// `std`'s SipHash resists flooding by chosen keys, which the shop's own lookup tables do not
/// need, and costs several times more on the short strings interned for every order; the
/// `rustc-hash` crate has the same ten lines.
#[derive(Clone, Copy, Default)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`FastHasher`]s, for a `HashMap`/`HashSet` of the shop's own keys.
pub type FastHash = BuildHasherDefault<FastHasher>;

/// A shared, immutable string: reads as `&str` (it derefs to `str`), clones without copying.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Arc<str>);

impl Text {
    /// The text as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Arc::from(s.as_str()))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Read from a state document as a fresh copy; the shop shares copies again as it goes.
impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Text::from)
    }
}

/// One shared copy of each distinct value handed to it (per shop). Values nobody holds any
/// more are dropped now and then, so the interner never grows past what the shop's orders
/// still use (plus at most as much again).
#[derive(Debug)]
pub struct Interner<T: ?Sized> {
    values: HashSet<Arc<T>, FastHash>,
    /// Size after the last clean-up; the next one runs when the set has doubled.
    kept: usize,
}

impl<T: ?Sized> Default for Interner<T> {
    fn default() -> Self {
        Interner { values: HashSet::default(), kept: 0 }
    }
}

/// Below this many values the interner never cleans up (it is small anyway).
const MIN_CLEANUP: usize = 1024;

impl<T: ?Sized + Hash + Eq> Interner<T> {
    /// The shared copy of `value`, made by `make` the first time it is seen.
    pub fn get_or_insert_with(&mut self, value: &T, make: impl FnOnce() -> Arc<T>) -> Arc<T> {
        match self.values.get(value) {
            Some(v) => v.clone(),
            None => self.insert_new(make()),
        }
    }

    /// The shared copy of `value`.
    pub fn intern(&mut self, value: T) -> Arc<T>
    where
        T: Sized,
    {
        match self.values.get(&value) {
            Some(v) => v.clone(),
            None => self.insert_new(Arc::new(value)),
        }
    }

    fn insert_new(&mut self, v: Arc<T>) -> Arc<T> {
        if self.values.len() >= MIN_CLEANUP.max(2 * self.kept) {
            // Held only by the set: no order uses it any more.
            self.values.retain(|v| Arc::strong_count(v) > 1);
            self.kept = self.values.len();
        }
        self.values.insert(v.clone());
        v
    }

    /// How many distinct values it holds.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.values.len()
    }
}

/// The interner of a shop's strings.
pub type Texts = Interner<str>;

impl Interner<str> {
    /// The shared [`Text`] for `s`.
    pub fn text(&mut self, s: &str) -> Text {
        Text(self.get_or_insert_with(s, || Arc::from(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy_and_compare_with_str_and_string() {
        let mut texts = Texts::default();
        let a = texts.text("東京都");
        let b = texts.text(&String::from("東京都"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "東京都");
        assert_eq!(a, String::from("東京都"));
        assert_eq!("東京都", a);
        assert_eq!(a.len(), "東京都".len());
        assert_eq!(format!("{a}/{a:?}"), "東京都/\"東京都\"");
        assert_eq!(texts.len(), 1);
    }

    #[test]
    fn values_nobody_uses_any_more_are_dropped_when_the_interner_doubles() {
        let mut texts = Texts::default();
        let kept: Vec<Text> = (0..10).map(|i| texts.text(&format!("kept {i}"))).collect();
        for i in 0..MIN_CLEANUP - kept.len() {
            texts.text(&format!("dropped {i}"));
        }
        assert_eq!(texts.len(), MIN_CLEANUP);
        // The next new value triggers the clean-up: only the held values and itself remain.
        texts.text("new");
        assert_eq!(texts.len(), kept.len() + 1);
        assert!(Arc::ptr_eq(&texts.text("kept 3").0, &kept[3].0), "held values stay shared");
    }

    #[test]
    fn interned_structs_share_one_copy() {
        let mut i: Interner<(u8, String)> = Interner::default();
        let a = i.intern((1, "a".into()));
        let b = i.intern((1, "a".into()));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &i.intern((2, "a".into()))));
    }
}

/// `n` in decimal, as `{}` writes it, in `buf` (no formatting machinery: the request log line
/// and request ids write numbers on every request).
pub fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits only.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

#[cfg(test)]
mod decimal_tests {
    #[test]
    fn decimal_writes_what_display_writes() {
        for n in [0, 7, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(super::decimal(n, &mut [0; 20]), n.to_string());
        }
    }
}
