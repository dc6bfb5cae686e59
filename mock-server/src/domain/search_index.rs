//! The indexes behind searchOrder: for every filter a structure that names the matching orders
//! without reading them, kept in step with every change by [`super::search::OrderBook`].
//!
//! Orders are named by their position (`u32`: a shop of four billion orders is not a fake's
//! job), and positions follow order datetime (orders are placed at or after the shop's now), so
//! a dateType 1 range is a run of positions. Each filter therefore becomes a set of positions,
//! and a search is a few word-wise ANDs over the run of its date range (see
//! [`super::search`]). Three shapes, by how many distinct values a filter has:
//!
//! - [`Bits`], one bit per order, for the few-valued filters (status, payment method, device,
//!   mail type, the blank flags, oneDayOperation, "no sub-status"): ⅛ byte per order and value,
//!   ANDed 64 orders at a time.
//! - [`Dictionary`], every distinct text of a field (item names, SKU ids, orderer names, memos,
//!   delivery names, …) once, each with the sorted positions of its orders ([`Postings`]):
//!   4 bytes per order and value. Exact filters look a value up; keyword filters find the values
//!   containing the keyword in one pass over the distinct texts laid end to end, so they cost
//!   what the shop has of *distinct* texts (its catalog, its customers' names), not of orders.
//! - [`HashIndex`], for the exact filters whose values are nearly all distinct (e-mail, phone
//!   numbers): 8 bytes per order, a 32-bit hash and a position. It only narrows the search
//!   (hashes collide, and a changed value leaves its old entry behind); the search checks the
//!   few candidates against the order itself.
//!
//! Dates other than the order's own ([`DateIndex`]) are sorted `(seconds, position)` pairs
//! packed in a `u64`: 8 bytes per order and date. Hand-written rather than taken from a crate
//! (`roaring` would do the bitmaps): each shape is a sorted `Vec` or a `Vec<u64>`, a few dozen
//! lines, and no crate offers the counting over a window of positions the search needs.

use super::order::{DateType, Order, OrderProgress};
use super::order_kind::OrderType;
use super::time::JstDateTime;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;

/// One bit per order position.
#[derive(Debug, Default)]
pub(super) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// Sets or clears the bit of `idx`.
    pub(super) fn set(&mut self, idx: u32, on: bool) {
        let (w, b) = (idx as usize / 64, idx % 64);
        if w >= self.words.len() {
            if !on {
                return;
            }
            self.words.resize(w + 1, 0);
        }
        if on {
            self.words[w] |= 1 << b;
        } else {
            self.words[w] &= !(1 << b);
        }
    }

    /// The 64 bits of word `w` (zero past the end).
    pub(super) fn word(&self, w: usize) -> u64 {
        self.words.get(w).copied().unwrap_or(0)
    }

    /// How many bits are set.
    pub(super) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }
}

/// Sorted, distinct order positions.
#[derive(Debug, Default)]
pub(super) struct Postings(Vec<u32>);

impl Postings {
    fn insert(&mut self, idx: u32) {
        // New orders have the highest position: the usual insert is a push.
        match self.0.last() {
            None => self.0.push(idx),
            Some(&last) if last < idx => self.0.push(idx),
            _ => {
                if let Err(at) = self.0.binary_search(&idx) {
                    self.0.insert(at, idx);
                }
            }
        }
    }

    fn remove(&mut self, idx: u32) {
        if let Ok(at) = self.0.binary_search(&idx) {
            self.0.remove(at);
        }
    }

    /// The positions in `[lo, hi)`.
    pub(super) fn within(&self, lo: u32, hi: u32) -> &[u32] {
        let from = self.0.partition_point(|&i| i < lo);
        let to = self.0.partition_point(|&i| i < hi);
        &self.0[from..to.max(from)]
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.0.capacity() * 4
    }
}

/// Every distinct value of one text field, each with the orders that have it.
#[derive(Debug, Default)]
pub(super) struct Dictionary {
    ids: HashMap<Box<str>, u32>,
    /// The values end to end, each followed by a NUL, so one substring search runs over all
    /// of them at once.
    text: String,
    /// Where each value starts in `text`, by id.
    starts: Vec<usize>,
    postings: Vec<Postings>,
}

impl Dictionary {
    fn add(&mut self, value: &str, idx: u32) {
        let id = match self.ids.get(value) {
            Some(&id) => id,
            None => {
                let id = self.starts.len() as u32;
                self.starts.push(self.text.len());
                self.text.push_str(value);
                self.text.push('\0');
                self.postings.push(Postings::default());
                self.ids.insert(value.into(), id);
                id
            }
        };
        self.postings[id as usize].insert(idx);
    }

    /// Forgets that order `idx` has `value`. The value itself stays (with no orders): texts
    /// change rarely, and a value seen once is likely to come back.
    fn remove(&mut self, value: &str, idx: u32) {
        if let Some(&id) = self.ids.get(value) {
            self.postings[id as usize].remove(idx);
        }
    }

    /// The orders whose value is exactly `value`.
    pub(super) fn exact(&self, value: &str) -> Option<&Postings> {
        self.ids.get(value).map(|&id| &self.postings[id as usize])
    }

    /// The orders of every value containing `needle` (as `str::contains` decides).
    pub(super) fn containing<'a>(&'a self, needle: &str) -> Vec<&'a Postings> {
        let mut out = Vec::new();
        if needle.contains('\0') {
            // A NUL could match across two values; check each value alone.
            for (id, &start) in self.starts.iter().enumerate() {
                if self.value(id, start).contains(needle) {
                    out.push(&self.postings[id]);
                }
            }
            return out;
        }
        let mut pos = 0;
        while pos < self.text.len() {
            let Some(found) = self.text[pos..].find(needle) else { break };
            // Without a NUL in the needle the match lies inside one value: the one starting
            // at or before it. The search goes on at the next value (one hit per value).
            let id = self.starts.partition_point(|&s| s <= pos + found) - 1;
            out.push(&self.postings[id]);
            pos = self.starts.get(id + 1).copied().unwrap_or(self.text.len());
        }
        out
    }

    fn value(&self, id: usize, start: usize) -> &str {
        let end = self.starts.get(id + 1).map_or(self.text.len(), |&next| next) - 1;
        &self.text[start..end]
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        let keys: usize = self.ids.keys().map(|k| k.len()).sum();
        self.ids.capacity() * (16 + 4 + 1)
            + keys
            + self.text.capacity()
            + self.starts.capacity() * 8
            + self.postings.capacity() * 24
            + self.postings.iter().map(Postings::heap_bytes).sum::<usize>()
    }
}

/// A 32-bit hash of the text `parts` make end to end, for [`HashIndex`] (std's SipHash with
/// fixed keys, so the same text hashes the same in every process; fed the parts one by one,
/// which hashes as their concatenation would, without building it).
pub(super) fn hash32(parts: &[&str]) -> u32 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for part in parts {
        h.write(part.as_bytes());
    }
    h.finish() as u32
}

/// Candidates for an exact value among nearly-distinct ones: (hash, position) pairs in
/// [`SHARDS`] shards by the hash's top bits; in each, most in one sorted run, the newest in a
/// small unsorted tail merged into the run when it fills. A merge moves one shard's run, never
/// the whole index: with one run, each merge of 16,384 pairs into a million took 6–9 ms, and
/// the three fields of one order merging together 18 ms, all under the shop's lock (an
/// instrumented 30-day advance of the 1,000,000-order shop, issue 11). A merge now moves one
/// shard's run: at a million pairs, about 16,000. Over a shop's life about four times as many
/// pairs are moved as with the one run (tails of 64 pairs, not 16,384, into runs 64 times
/// smaller): small next to placing the orders (loading 1,000,000 took 18.9–19.8 µs of CPU an
/// order after, 19.7–20.4 before).
#[derive(Debug)]
pub(super) struct HashIndex {
    shards: Box<[HashShard]>,
}

#[derive(Debug, Default)]
struct HashShard {
    sorted: Vec<u64>,
    recent: Vec<u64>,
}

impl HashShard {
    /// Merges the tail into the run in place, from the back: the run grows by the tail's
    /// length (`reserve_exact`: no slack, and the allocator may extend it where it lies,
    /// where a new vector per merge left the heap full of freed runs of every size).
    fn merge(&mut self) {
        self.recent.sort_unstable();
        let (old, add) = (self.sorted.len(), self.recent.len());
        self.sorted.reserve_exact(add);
        self.sorted.resize(old + add, 0);
        let (mut i, mut j) = (old, add);
        for k in (0..old + add).rev() {
            // Take the larger of the two backs; once the tail is used up, the run's front is
            // already where it belongs.
            if j == 0 {
                break;
            }
            if i > 0 && self.sorted[i - 1] > self.recent[j - 1] {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = self.recent[j - 1];
                j -= 1;
            }
        }
        self.recent.clear();
    }
}

/// Shards of a [`HashIndex`] (by the hash's top 6 bits: SipHash spreads them evenly).
const SHARDS: usize = 64;

/// A shard's unsorted tail: a lookup reads it whole (512 bytes), a merge moves the shard's run.
const RECENT: usize = 64;

impl Default for HashIndex {
    fn default() -> Self {
        HashIndex { shards: (0..SHARDS).map(|_| HashShard::default()).collect() }
    }
}

impl HashIndex {
    fn shard(hash: u32) -> usize {
        (hash >> (32 - SHARDS.trailing_zeros())) as usize
    }

    fn add(&mut self, hash: u32, idx: u32) {
        let shard = &mut self.shards[Self::shard(hash)];
        shard.recent.push(u64::from(hash) << 32 | u64::from(idx));
        if shard.recent.len() >= RECENT {
            shard.merge();
        }
    }

    /// Every position ever added with `hash` (some may no longer have the value).
    pub(super) fn candidates(&self, hash: u32) -> impl Iterator<Item = u32> + '_ {
        let shard = &self.shards[Self::shard(hash)];
        let lo = u64::from(hash) << 32;
        let hi = lo | u64::from(u32::MAX);
        let from = shard.sorted.partition_point(|&k| k < lo);
        let to = shard.sorted.partition_point(|&k| k <= hi);
        shard.sorted[from..to.max(from)]
            .iter()
            .chain(shard.recent.iter().filter(move |&&k| k >> 32 == lo >> 32))
            .map(|&k| k as u32)
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.shards.len() * std::mem::size_of::<HashShard>()
            + self.shards.iter().map(|s| (s.sorted.capacity() + s.recent.capacity()) * 8).sum::<usize>()
    }
}

/// Seconds of 2000-01-01T00:00:00 JST: dates are kept as `u32` seconds from here (to 2136).
const DATE_BASE: i64 = 946_684_800;

/// The orders that have one date (confirmation, shipping, …), in (date, position) order.
#[derive(Debug)]
pub(super) struct DateIndex {
    keys: Vec<u64>,
    /// False once a date outside 2000–2136 was squeezed into the key: ranges may then hold
    /// orders outside them, and the search checks each one's date.
    exact: bool,
}

impl Default for DateIndex {
    fn default() -> Self {
        DateIndex { keys: Vec::new(), exact: true }
    }
}

/// A date's seconds as a key's upper half, and whether it fits unclamped.
fn date_secs(at: JstDateTime) -> (u32, bool) {
    let rel = at.seconds().saturating_sub(DATE_BASE);
    (rel.clamp(0, i64::from(u32::MAX)) as u32, (0..=i64::from(u32::MAX)).contains(&rel))
}

impl DateIndex {
    fn insert(&mut self, at: JstDateTime, idx: u32) {
        let (secs, fits) = date_secs(at);
        self.exact &= fits;
        let key = u64::from(secs) << 32 | u64::from(idx);
        // Dates are mostly set at the shop's now, the latest yet: usually a push.
        if self.keys.last().is_none_or(|&last| last < key) {
            self.keys.push(key);
        } else if let Err(at) = self.keys.binary_search(&key) {
            self.keys.insert(at, key);
        }
    }

    fn remove(&mut self, at: JstDateTime, idx: u32) {
        let key = u64::from(date_secs(at).0) << 32 | u64::from(idx);
        if let Ok(at) = self.keys.binary_search(&key) {
            self.keys.remove(at);
        }
    }

    /// The positions dated within `[start, end]`, and whether that is exact (otherwise a
    /// superset: check each order's date).
    pub(super) fn range(&self, start: JstDateTime, end: JstDateTime) -> (impl Iterator<Item = u32> + '_, bool) {
        let ((lo, lo_fits), (hi, hi_fits)) = (date_secs(start), date_secs(end));
        let from = self.keys.partition_point(|&k| k < u64::from(lo) << 32);
        let to = self.keys.partition_point(|&k| k <= (u64::from(hi) << 32 | u64::from(u32::MAX)));
        let keys = if start <= end { &self.keys[from..to.max(from)] } else { &[][..] };
        (keys.iter().map(|&k| k as u32), self.exact && lo_fits && hi_fits)
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8
    }
}

/// The text fields searchOrder filters on: the nine keyword types and the delivery name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TextField {
    ItemName,
    ItemNumber,
    Memo,
    /// Whitespace removed, as the keyword is.
    OrdererName,
    /// Whitespace removed, as the keyword is.
    OrdererNameKana,
    /// Whitespace removed, as the keyword is.
    SenderName,
    VariantId,
    MerchantDefinedSkuId,
    SkuInfo,
    DeliveryName,
    /// `reserveNumber` of 定期購入 / 頒布会 / 予約 orders (exact).
    ReserveNumber,
}

const TEXT_FIELDS: usize = 11;

/// The exact-match fields whose values are nearly all distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum HashField {
    OrdererEmail,
    OrdererPhone,
    SenderPhone,
}

const HASH_FIELDS: usize = 3;

/// The dates of dateType 2–6, at `DateType::index() - 1`.
const DATES: usize = 5;

/// `purchaseSiteType` of the device an order came from: 1 PC, 2 mobile, 3 smartphone,
/// 4 tablet, 0 none of them.
pub(super) fn purchase_site(carrier_code: u32) -> usize {
    match carrier_code {
        0 => 1,
        1 | 2 | 3 | 5 => 2,
        11 | 12 | 19 => 3,
        21 | 22 | 29 => 4,
        _ => 0,
    }
}

/// Whitespace removed: how names and name keywords are compared.
pub(super) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What an order is filed under that is cheap to read (no allocation): everything a status
/// change, a payment, a shipping report or a sub-status can move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scalars {
    progress: OrderProgress,
    settlement: u16,
    site: usize,
    pc_mail: bool,
    one_day: bool,
    no_shipping_date: bool,
    no_shipping_number: bool,
    sub_status: Option<i64>,
    dates: [Option<JstDateTime>; DATES],
    order_type: OrderType,
}

impl Scalars {
    pub(super) fn of(o: &Order) -> Self {
        let mut dates = [None; DATES];
        for dt in &DateType::ALL[1..] {
            dates[dt.index() - 1] = o.date_for(*dt);
        }
        Scalars {
            progress: o.progress,
            settlement: o.settlement.code(),
            site: purchase_site(o.orderer.carrier_code),
            pc_mail: o.orderer.email_carrier_code == 0,
            one_day: o.one_day_operation,
            no_shipping_date: o.shipping_date().is_none(),
            no_shipping_number: !o.has_shipping_number(),
            sub_status: o.sub_status.as_ref().map(|(id, _)| *id),
            dates,
            order_type: o.order_type,
        }
    }
}

/// The texts an order is filed under, sorted and without repeats; borrowed from the order
/// where the index keeps them as they are (so filing a new order copies only its names).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Texts<'a> {
    texts: Vec<(TextField, Cow<'a, str>)>,
    hashes: Vec<(HashField, u32)>,
}

/// A person's name as names are matched: family and first name, whitespace removed (what
/// `squash(full_name())` gives, built in one allocation).
fn name_key(family: &str, first: &str) -> String {
    let mut key = String::with_capacity(family.len() + first.len());
    key.extend(family.chars().chain(first.chars()).filter(|c| !c.is_whitespace()));
    key
}

impl<'a> Texts<'a> {
    pub(super) fn of(o: &'a Order) -> Self {
        use TextField as F;
        let b = &o.orderer;
        let lines = o.packages.iter().map(|p| p.items.len()).sum::<usize>();
        let mut texts = Vec::with_capacity(4 + o.packages.len() + 5 * lines);
        texts.extend([
            (F::OrdererName, Cow::Owned(name_key(&b.name.family_name, &b.name.first_name))),
            (F::OrdererNameKana, Cow::Owned(name_key(&b.name.family_name_kana, &b.name.first_name_kana))),
            (F::DeliveryName, Cow::Borrowed(o.delivery_name.as_str())),
        ]);
        if let Some(m) = &o.memo {
            texts.push((F::Memo, Cow::Borrowed(m.as_str())));
        }
        if let Some(r) = &o.reservation {
            texts.push((F::ReserveNumber, Cow::Borrowed(r.number.as_str())));
        }
        let mut hashes = Vec::with_capacity(2 + o.packages.len());
        hashes.extend([
            (HashField::OrdererEmail, hash32(&[&b.email])),
            (HashField::OrdererPhone, hash32(&[&b.phone[0], &b.phone[1], &b.phone[2]])),
        ]);
        for p in &o.packages {
            texts.push((F::SenderName, Cow::Owned(name_key(&p.sender.name.family_name, &p.sender.name.first_name))));
            let phone = &p.sender.phone;
            hashes.push((HashField::SenderPhone, hash32(&[&phone[0], &phone[1], &phone[2]])));
        }
        for i in o.items() {
            texts.push((F::ItemName, Cow::Borrowed(i.sku.item_name.as_str())));
            texts.push((F::ItemNumber, Cow::Borrowed(i.sku.item_number.as_str())));
            texts.push((F::VariantId, Cow::Borrowed(i.sku.variant_id.as_str())));
            if let Some(m) = &i.sku.merchant_defined_sku_id {
                texts.push((F::MerchantDefinedSkuId, Cow::Borrowed(m.as_str())));
            }
            if let Some(s) = &i.sku.sku_info {
                texts.push((F::SkuInfo, Cow::Borrowed(s.as_str())));
            }
        }
        texts.sort_unstable();
        texts.dedup();
        hashes.sort_unstable();
        hashes.dedup();
        Texts { texts, hashes }
    }

    /// The same texts, owning their strings (to keep across a change of the order).
    pub(super) fn into_owned(self) -> Texts<'static> {
        let texts = self.texts.into_iter().map(|(f, t)| (f, Cow::Owned(t.into_owned()))).collect();
        Texts { texts, hashes: self.hashes }
    }
}

/// Every index of one shop's orders.
#[derive(Debug, Default)]
pub(super) struct SearchIndex {
    /// By [`OrderProgress`] position (100 → 0 … 900 → 8).
    progress: [Bits; 9],
    /// By `settlementMethodCode`.
    settlement: BTreeMap<u16, Bits>,
    /// By [`purchase_site`].
    site: [Bits; 5],
    /// `emailCarrierCode` 0 (a PC address): mailSendType 1; the others are 2.
    pc_mail: Bits,
    one_day: Bits,
    no_shipping_date: Bits,
    no_shipping_number: Bits,
    no_sub_status: Bits,
    /// Orders of types 4, 5 and 6 (by [`OrderType::index`] − 1); a normal order (1) is in
    /// none, so a shop of plain orders spends nothing here.
    order_type: [Bits; 3],
    sub_status: BTreeMap<i64, Postings>,
    dates: [DateIndex; DATES],
    texts: [Dictionary; TEXT_FIELDS],
    hashes: [HashIndex; HASH_FIELDS],
}

impl SearchIndex {
    /// Files a new order (the highest position so far).
    pub(super) fn add(&mut self, idx: u32, o: &Order) {
        self.file_scalars(idx, &Scalars::of(o));
        self.file_texts(idx, &Texts::of(o), true);
    }

    /// Moves an order from its old scalar keys to its new ones, touching only what changed
    /// (a status change flips two bits and, if it sets a date, appends one key).
    pub(super) fn refile_scalars(&mut self, idx: u32, before: &Scalars, after: &Scalars) {
        if before == after {
            return;
        }
        if before.progress != after.progress {
            self.progress[before.progress as usize].set(idx, false);
            self.progress[after.progress as usize].set(idx, true);
        }
        if before.settlement != after.settlement {
            self.settlement.entry(before.settlement).or_default().set(idx, false);
            self.settlement.entry(after.settlement).or_default().set(idx, true);
        }
        if before.site != after.site {
            self.site[before.site].set(idx, false);
            self.site[after.site].set(idx, true);
        }
        self.pc_mail.set(idx, after.pc_mail);
        self.one_day.set(idx, after.one_day);
        self.no_shipping_date.set(idx, after.no_shipping_date);
        self.no_shipping_number.set(idx, after.no_shipping_number);
        if before.order_type != after.order_type {
            self.file_order_type(idx, before.order_type, false);
            self.file_order_type(idx, after.order_type, true);
        }
        if before.sub_status != after.sub_status {
            self.file_sub_status(idx, before.sub_status, false);
            self.file_sub_status(idx, after.sub_status, true);
        }
        for (d, (old, new)) in before.dates.iter().zip(&after.dates).enumerate() {
            if old != new {
                if let Some(at) = old {
                    self.dates[d].remove(*at, idx);
                }
                if let Some(at) = new {
                    self.dates[d].insert(*at, idx);
                }
            }
        }
    }

    /// Moves an order from its old texts to its new ones; values it keeps are not touched.
    pub(super) fn refile_texts(&mut self, idx: u32, before: &Texts, after: &Texts) {
        let gone = Texts {
            texts: before.texts.iter().filter(|t| !after.texts.contains(t)).cloned().collect(),
            hashes: vec![],
        };
        self.file_texts(idx, &gone, false);
        let new = Texts {
            texts: after.texts.iter().filter(|t| !before.texts.contains(t)).cloned().collect(),
            // A hash entry is never removed (the search checks candidates), so only new
            // ones are added.
            hashes: after.hashes.iter().filter(|h| !before.hashes.contains(h)).copied().collect(),
        };
        self.file_texts(idx, &new, true);
    }

    /// Files a new order under its scalar keys.
    fn file_scalars(&mut self, idx: u32, s: &Scalars) {
        self.progress[s.progress as usize].set(idx, true);
        self.settlement.entry(s.settlement).or_default().set(idx, true);
        self.site[s.site].set(idx, true);
        self.pc_mail.set(idx, s.pc_mail);
        self.one_day.set(idx, s.one_day);
        self.no_shipping_date.set(idx, s.no_shipping_date);
        self.no_shipping_number.set(idx, s.no_shipping_number);
        self.file_sub_status(idx, s.sub_status, true);
        self.file_order_type(idx, s.order_type, true);
        for (d, at) in s.dates.iter().enumerate() {
            if let Some(at) = at {
                self.dates[d].insert(*at, idx);
            }
        }
    }

    fn file_order_type(&mut self, idx: u32, t: OrderType, on: bool) {
        if let Some(i) = t.index().checked_sub(1) {
            self.order_type[i].set(idx, on);
        }
    }

    /// The orders of a type other than 1 (None for 1: those are the orders in none of these).
    pub(super) fn order_type(&self, t: OrderType) -> Option<&Bits> {
        t.index().checked_sub(1).map(|i| &self.order_type[i])
    }

    fn file_sub_status(&mut self, idx: u32, sub_status: Option<i64>, on: bool) {
        match sub_status {
            None => self.no_sub_status.set(idx, on),
            Some(id) if on => self.sub_status.entry(id).or_default().insert(idx),
            Some(id) => {
                if let Some(p) = self.sub_status.get_mut(&id) {
                    p.remove(idx);
                }
            }
        }
    }

    fn file_texts(&mut self, idx: u32, t: &Texts, on: bool) {
        for (field, value) in &t.texts {
            let dict = &mut self.texts[*field as usize];
            if on {
                dict.add(value, idx);
            } else {
                dict.remove(value, idx);
            }
        }
        if on {
            for (field, hash) in &t.hashes {
                self.hashes[*field as usize].add(*hash, idx);
            }
        }
    }

    pub(super) fn progress(&self, p: OrderProgress) -> &Bits {
        &self.progress[p as usize]
    }

    pub(super) fn settlement(&self, code: i64) -> Option<&Bits> {
        u16::try_from(code).ok().and_then(|c| self.settlement.get(&c))
    }

    pub(super) fn site(&self, site: i64) -> Option<&Bits> {
        usize::try_from(site).ok().filter(|s| (1..5).contains(s)).map(|s| &self.site[s])
    }

    pub(super) fn pc_mail(&self) -> &Bits {
        &self.pc_mail
    }

    pub(super) fn one_day(&self) -> &Bits {
        &self.one_day
    }

    pub(super) fn no_shipping_date(&self) -> &Bits {
        &self.no_shipping_date
    }

    pub(super) fn no_shipping_number(&self) -> &Bits {
        &self.no_shipping_number
    }

    pub(super) fn no_sub_status(&self) -> &Bits {
        &self.no_sub_status
    }

    pub(super) fn sub_status(&self, id: i64) -> Option<&Postings> {
        self.sub_status.get(&id)
    }

    /// The index of a dateType other than 1.
    pub(super) fn dates(&self, dt: DateType) -> Option<&DateIndex> {
        dt.index().checked_sub(1).map(|d| &self.dates[d])
    }

    pub(super) fn texts(&self, field: TextField) -> &Dictionary {
        &self.texts[field as usize]
    }

    pub(super) fn hashes(&self, field: HashField) -> &HashIndex {
        &self.hashes[field as usize]
    }

    /// Heap bytes the indexes hold (capacity, not just length), for measuring.
    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        let bits = self
            .progress
            .iter()
            .chain(self.site.iter())
            .chain(self.order_type.iter())
            .chain(self.settlement.values())
            .map(Bits::heap_bytes);
        let flags =
            [&self.pc_mail, &self.one_day, &self.no_shipping_date, &self.no_shipping_number, &self.no_sub_status]
                .map(|b| b.heap_bytes());
        bits.sum::<usize>()
            + flags.iter().sum::<usize>()
            + self.sub_status.values().map(Postings::heap_bytes).sum::<usize>()
            + self.dates.iter().map(DateIndex::heap_bytes).sum::<usize>()
            + self.texts.iter().map(Dictionary::heap_bytes).sum::<usize>()
            + self.hashes.iter().map(HashIndex::heap_bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_grow_on_set_and_read_zero_past_the_end() {
        let mut b = Bits::default();
        b.set(130, true);
        b.set(3, true);
        b.set(1000, false);
        assert_eq!((b.word(0), b.word(2), b.word(99), b.count()), (1 << 3, 1 << 2, 0, 2));
        b.set(3, false);
        assert_eq!(b.count(), 1);
    }

    #[test]
    fn postings_stay_sorted_and_distinct_whatever_the_insert_order() {
        let mut p = Postings::default();
        for i in [5, 9, 2, 9, 7, 1] {
            p.insert(i);
        }
        assert_eq!(p.0, vec![1, 2, 5, 7, 9]);
        p.remove(5);
        p.remove(6);
        assert_eq!(p.within(2, 9), &[2, 7]);
        assert_eq!(p.within(8, 3), &[] as &[u32]);
    }

    #[test]
    fn a_dictionary_finds_each_value_containing_a_keyword_once() {
        let mut d = Dictionary::default();
        for (v, i) in [("赤いTシャツ", 0), ("青いTシャツ", 1), ("Tシャツ", 2), ("赤いTシャツ", 3), ("帽子", 4), ("", 5)]
        {
            d.add(v, i);
        }
        fn hits(d: &Dictionary, k: &str) -> Vec<u32> {
            let mut v: Vec<u32> = d.containing(k).iter().flat_map(|p| p.0.iter().copied()).collect();
            v.sort();
            v
        }
        assert_eq!(hits(&d, "Tシャツ"), vec![0, 1, 2, 3]);
        assert_eq!(hits(&d, "赤"), vec![0, 3]);
        assert_eq!(hits(&d, "シャツ帽"), Vec::<u32>::new(), "no match across two values");
        assert_eq!(hits(&d, ""), vec![0, 1, 2, 3, 4, 5], "the empty keyword is in every value");
        assert_eq!(hits(&d, "ツ\0"), Vec::<u32>::new());
        d.add("a\0b", 6);
        assert_eq!(hits(&d, "a\0b"), vec![6]);
        d.remove("赤いTシャツ", 0);
        assert_eq!(hits(&d, "赤"), vec![3]);
        assert_eq!(d.exact("帽子").map(|p| p.0.clone()), Some(vec![4]));
        assert!(d.exact("帽").is_none());
    }

    #[test]
    fn a_hash_index_finds_every_position_of_a_hash_before_and_after_a_merge() {
        let mut h = HashIndex::default();
        for i in 0..(RECENT as u32 * 2 + 10) {
            h.add(i % 7, i);
        }
        let mut got: Vec<u32> = h.candidates(3).collect();
        got.sort();
        let want: Vec<u32> = (0..(RECENT as u32 * 2 + 10)).filter(|i| i % 7 == 3).collect();
        assert_eq!(got, want);
        assert_eq!(h.candidates(8).count(), 0);
    }

    /// Hashes spread over every shard (as SipHash's are), each merged many times: every
    /// position is still found under its hash, and no shard holds another's.
    #[test]
    fn a_hash_index_finds_every_position_across_its_shards() {
        let mut h = HashIndex::default();
        let n = (SHARDS * RECENT * 5) as u32;
        let hash = |i: u32| (i % 1000).wrapping_mul(0x9E37_79B9);
        for i in 0..n {
            h.add(hash(i), i);
        }
        assert!(h.shards.iter().all(|s| !s.sorted.is_empty()), "every shard merged");
        assert!(h.shards.iter().all(|s| s.sorted.is_sorted()), "each run sorted");
        for v in [0, 1, 999, 500] {
            let mut got: Vec<u32> = h.candidates(hash(v)).collect();
            got.sort();
            let want: Vec<u32> = (0..n).filter(|i| i % 1000 == v).collect();
            assert_eq!(got, want, "value {v}");
        }
        assert_eq!(h.candidates(hash(1000) ^ 1).count(), 0);
    }

    #[test]
    fn a_date_index_answers_inclusive_ranges_and_says_when_it_is_not_exact() {
        let t = |s: i64| JstDateTime::from_seconds(DATE_BASE + s);
        let mut d = DateIndex::default();
        for (s, i) in [(10, 0), (20, 1), (20, 2), (30, 3)] {
            d.insert(t(s), i);
        }
        d.remove(t(20), 1);
        let (hits, exact) = d.range(t(20), t(30));
        assert_eq!((hits.collect::<Vec<_>>(), exact), (vec![2, 3], true));
        assert_eq!(d.range(t(31), t(30)).0.count(), 0);
        d.insert(JstDateTime::from_seconds(0), 4);
        let (hits, exact) = d.range(t(0), t(10));
        assert_eq!((hits.collect::<Vec<_>>(), exact), (vec![4, 0], false), "1970 squeezed to 2000: check dates");
    }
}
