//! searchOrder over a shop's orders: the orders themselves, and the plan that answers one
//! page from the indexes of [`super::search_index`] without reading the orders it skips. The
//! query and its rules are in [`super::search_query`] (re-exported here).
//!
//! The plan, for every query:
//! 1. the date range becomes a run of order positions, as bits: for dateType 1 two binary
//!    searches (positions follow order datetime), for the other dates the range of that date's
//!    index;
//! 2. each filter ANDs its set of positions into those bits, 64 orders a word: a bitmap for the
//!    few-valued filters, the postings of the matching values for the text ones, candidates for
//!    e-mail and phone numbers;
//! 3. the bits left are counted (`totalRecordsAmount`), and the page is read off them in
//!    position order, which is order-datetime order.
//!
//! Nothing is read per order but the page itself (and the few candidates of an e-mail or phone
//! filter, checked against the order): a 63-day range of a million-order shop is ~2,700 words
//! per filter.

use super::order::{DateType, Order, OrderNumber, OrderProgress};
use super::order_kind::OrderType;
use super::order_number::serial_of;
use super::search_index::{hash32, squash, Bits, HashField, Postings, Scalars, SearchIndex, TextField, Texts};
use super::search_query::KeywordField as K;
use super::stamp::Stamp;
use std::collections::HashMap;

pub use super::search_query::{
    is_searchable_settlement, KeywordField, RangeProblem, SearchQuery, HORIZON_DAYS, MAX_PAGE_SIZE, ORDER_TYPES,
    WINDOW_DAYS,
};

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPage {
    /// The page's order numbers.
    pub order_numbers: Vec<OrderNumber>,
    /// Every match, also those past the 15,000 cap.
    pub total: usize,
    /// Pages that can actually be fetched (the cap applies).
    pub total_pages: usize,
    /// The page asked for.
    pub page: usize,
}

/// Results past the 15,000th cannot be fetched (order-api.md §3.1).
pub const SEARCH_CAP: usize = 15_000;

/// Orders and the indexes searchOrder uses. Every change to an order goes through
/// [`OrderBook::update`] (or [`OrderBook::update_text`]), which keeps the indexes in step.
#[derive(Debug)]
pub struct OrderBook {
    orders: Vec<Order>,
    /// True while every insert came in order-datetime order (always, for shops built by the
    /// fake; kept as a flag so the plan can never give a wrong order).
    sorted_by_order_datetime: bool,
    /// Positions by order number, only once an order came whose serial is not above every
    /// earlier one's (never, for shops built by the fake: serials only grow), so that the
    /// binary search of [`OrderBook::find`] no longer holds; None until then.
    by_number: Option<HashMap<String, usize>>,
    index: SearchIndex,
    /// Each order's [`Stamp`], renewed by every insert and update (the only ways to change an
    /// order).
    stamps: Vec<Stamp>,
    /// Positions of the orders changed since last taken (`--state-dir` only).
    pub(crate) dirty: super::dirty::Dirty<usize>,
}

impl Default for OrderBook {
    fn default() -> Self {
        OrderBook {
            orders: Vec::new(),
            sorted_by_order_datetime: true,
            by_number: None,
            index: SearchIndex::default(),
            stamps: Vec::new(),
            dirty: super::dirty::Dirty::default(),
        }
    }
}

impl OrderBook {
    /// Number of orders.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// The order at a position (positions come from [`OrderBook::find`] and `insert`).
    pub fn get(&self, idx: usize) -> &Order {
        &self.orders[idx]
    }

    /// Every order, in placement order.
    pub fn iter(&self) -> impl Iterator<Item = &Order> {
        self.orders.iter()
    }

    /// The current [`Stamp`] of the order at a position.
    pub fn stamp(&self, idx: usize) -> Stamp {
        self.stamps[idx]
    }

    /// The position of an order number: a binary search on the serial, as the orders are kept
    /// in the order they were placed and each one's serial is above the one before (no map
    /// from numbers to positions costs memory).
    pub fn find(&self, number: &str) -> Option<usize> {
        if let Some(by_number) = &self.by_number {
            return by_number.get(number).copied();
        }
        let serial = serial_of(number)?;
        let idx = self.orders.partition_point(|o| o.number.serial().is_some_and(|s| s < serial));
        self.orders.get(idx).filter(|o| o.number == number).map(|_| idx)
    }

    /// How many orders are in a status (read off its index, not counted order by order).
    pub fn count_in(&self, progress: OrderProgress) -> usize {
        self.index.progress(progress).count()
    }

    /// Bytes the search indexes hold on the heap (capacity), for measuring their footprint.
    #[cfg(test)]
    pub fn index_heap_bytes(&self) -> usize {
        self.index.heap_bytes()
    }

    /// Adds an order and indexes it; returns its position.
    ///
    /// # Panics
    ///
    /// Past 2³² − 1 orders, which positions (`u32` in the indexes) cannot name.
    pub fn insert(&mut self, order: Order) -> usize {
        let idx = self.orders.len();
        let pos = u32::try_from(idx).expect("a shop holds fewer than 2^32 orders");
        if self.orders.last().is_some_and(|last| last.order_datetime > order.order_datetime) {
            self.sorted_by_order_datetime = false;
        }
        self.index.add(pos, &order);
        let after_the_last = match (self.orders.last().and_then(|o| o.number.serial()), order.number.serial()) {
            (None, _) => true,
            (Some(last), Some(new)) => new > last,
            (Some(_), None) => false,
        };
        if !after_the_last && self.by_number.is_none() {
            self.by_number = Some(self.orders.iter().enumerate().map(|(i, o)| (o.number.to_string(), i)).collect());
        }
        if let Some(by_number) = &mut self.by_number {
            by_number.insert(order.number.to_string(), idx);
        }
        self.orders.push(order);
        self.stamps.push(Stamp::next());
        self.dirty.mark(|| idx);
        idx
    }

    /// Applies `f` to one order and re-indexes what a status change, payment, shipping report
    /// or sub-status moves (no allocation). `f` must not change the texts searchOrder matches
    /// (names, items, memo, delivery name, e-mail, phones): use [`OrderBook::update_text`]
    /// for that. Debug builds check it.
    pub fn update<R>(&mut self, idx: usize, f: impl FnOnce(&mut Order) -> R) -> R {
        let before = Scalars::of(&self.orders[idx]);
        let texts_before = cfg!(debug_assertions).then(|| Texts::of(&self.orders[idx]).into_owned());
        let r = f(&mut self.orders[idx]);
        self.stamps[idx] = Stamp::next();
        self.dirty.mark(|| idx);
        let after = Scalars::of(&self.orders[idx]);
        self.index.refile_scalars(idx as u32, &before, &after);
        if let Some(t) = texts_before {
            debug_assert_eq!(t, Texts::of(&self.orders[idx]), "a text changed under update(): use update_text()");
        }
        r
    }

    /// Applies `f` to one order and re-indexes everything, texts included.
    pub fn update_text<R>(&mut self, idx: usize, f: impl FnOnce(&mut Order) -> R) -> R {
        let (before, texts_before) = (Scalars::of(&self.orders[idx]), Texts::of(&self.orders[idx]).into_owned());
        let r = f(&mut self.orders[idx]);
        self.stamps[idx] = Stamp::next();
        self.dirty.mark(|| idx);
        let (after, texts_after) = (Scalars::of(&self.orders[idx]), Texts::of(&self.orders[idx]));
        self.index.refile_scalars(idx as u32, &before, &after);
        self.index.refile_texts(idx as u32, &texts_before, &texts_after);
        r
    }

    /// Runs a search. Results are ordered by order datetime (the only `sortColumn`), ties by
    /// placement order, which is also order-number order.
    pub fn search(&self, q: &SearchQuery) -> SearchPage {
        let (page_size, page) = (q.page_size.get(), q.page.get());
        let from = (page - 1).saturating_mul(page_size);
        let to = from.saturating_add(page_size).min(SEARCH_CAP);
        let answer = |total: usize, positions: Vec<usize>| SearchPage {
            order_numbers: positions.into_iter().map(|i| self.orders[i].number).collect(),
            total,
            total_pages: total.min(SEARCH_CAP).div_ceil(page_size),
            page,
        };
        let Some(hits) = self.matches(q) else {
            return answer(0, vec![]);
        };
        let total = hits.count();
        if self.sorted_by_order_datetime {
            // No more than the hits left past `from`: the everyday query asks for 1000 a page
            // and finds a few, and the page's vector is then a few long.
            let take = to.min(total).saturating_sub(from);
            return answer(total, hits.page(from, take, q.descending));
        }
        // Only a shop whose orders came out of time order gets here (the fake places none).
        let mut all = hits.page(0, total, false);
        all.sort_by_key(|&i| (self.orders[i].order_datetime, i));
        if q.descending {
            all.reverse();
        }
        answer(total, all.into_iter().skip(from).take(to.saturating_sub(from)).collect())
    }

    /// The positions matching `q`; None when nothing can match.
    fn matches(&self, q: &SearchQuery) -> Option<Hits> {
        // No order the fake takes has あす楽, the coupon flag, a drug or an overseas flag.
        let impossible = q.asuraku_only || q.coupon_use_only || q.drug_only || q.overseas_only;
        if impossible {
            return None;
        }
        let ix = &self.index;
        let (mut hits, mut check_dates) = self.date_range(q)?;
        let mut check_rest = false;
        if !q.progress.is_empty() {
            let bits: Vec<&Bits> = q.progress.iter().map(|p| ix.progress(*p)).collect();
            hits.and_any(&bits, &[]);
        }
        if let Some(m) = q.settlement_method {
            hits.and_bits(ix.settlement(m)?, false);
        }
        if q.purchase_site_type != 0 {
            hits.and_bits(ix.site(q.purchase_site_type)?, false);
        }
        match q.mail_send_type {
            1 => hits.and_bits(ix.pc_mail(), false),
            2 => hits.and_bits(ix.pc_mail(), true),
            _ => {}
        }
        if q.one_day_operation_only {
            hits.and_bits(ix.one_day(), false);
        }
        if !q.order_types.is_empty() {
            let wanted: Vec<OrderType> = q.order_types.iter().filter_map(|c| OrderType::from_code(*c)).collect();
            if wanted.contains(&OrderType::Normal) {
                // Each order has one type: "1 or X" is "none of the types not asked for".
                for t in OrderType::ALL.into_iter().filter(|t| !wanted.contains(t)) {
                    if let Some(bits) = ix.order_type(t) {
                        hits.and_bits(bits, true);
                    }
                }
            } else {
                let bits: Vec<&Bits> = wanted.iter().filter_map(|t| ix.order_type(*t)).collect();
                hits.and_any(&bits, &[]);
            }
        }
        if let Some(r) = &q.reserve_number {
            hits.and_any(&[], &[ix.texts(TextField::ReserveNumber).exact(r)?]);
        }
        if q.shipping_date_blank {
            hits.and_bits(ix.no_shipping_date(), false);
        }
        if q.shipping_number_blank {
            hits.and_bits(ix.no_shipping_number(), false);
        }
        if !q.sub_status_ids.is_empty() {
            let none: Vec<&Bits> = if q.sub_status_ids.contains(&-1) { vec![ix.no_sub_status()] } else { vec![] };
            let lists: Vec<&Postings> = q.sub_status_ids.iter().filter_map(|id| ix.sub_status(*id)).collect();
            hits.and_any(&none, &lists);
        }
        if let Some(d) = &q.delivery_name {
            hits.and_any(&[], &[ix.texts(TextField::DeliveryName).exact(d)?]);
        }
        if let Some((field, kw)) = &q.keyword {
            let contains = |f: TextField, needle: &str| ix.texts(f).containing(needle);
            let lists = match field {
                K::ItemName => contains(TextField::ItemName, kw),
                K::ItemNumber => contains(TextField::ItemNumber, kw),
                K::Memo => contains(TextField::Memo, kw),
                K::OrdererName => contains(TextField::OrdererName, &squash(kw)),
                K::OrdererNameKana => contains(TextField::OrdererNameKana, &squash(kw)),
                K::SenderName => contains(TextField::SenderName, &squash(kw)),
                K::SkuInfo => contains(TextField::SkuInfo, kw),
                K::VariantId => ix.texts(TextField::VariantId).exact(kw).into_iter().collect(),
                K::MerchantDefinedSkuId => ix.texts(TextField::MerchantDefinedSkuId).exact(kw).into_iter().collect(),
            };
            hits.and_any(&[], &lists);
        }
        if let Some(mail) = &q.orderer_mail_address {
            hits.and_candidates(ix.hashes(HashField::OrdererEmail).candidates(hash32(&[mail])));
            check_rest = true;
        }
        if let Some((kind, number)) = &q.phone {
            let field = if *kind == 1 { HashField::OrdererPhone } else { HashField::SenderPhone };
            let n = number.replace('-', "");
            hits.and_candidates(ix.hashes(field).candidates(hash32(&[&n])));
            check_rest = true;
        }
        if q.date_type == DateType::Ordered {
            check_dates = false;
        }
        if check_rest || check_dates {
            hits.retain(|i| {
                let o = &self.orders[i];
                o.date_for(q.date_type).is_some_and(|d| q.start <= d && d <= q.end) && q.matches_rest(o)
            });
        }
        Some(hits)
    }

    /// The orders dated within the query's range, and whether each must still have its date
    /// checked (a date index that could not keep a date exactly).
    fn date_range(&self, q: &SearchQuery) -> Option<(Hits, bool)> {
        if q.end < q.start {
            return None;
        }
        match self.index.dates(q.date_type) {
            None if self.sorted_by_order_datetime => {
                let first = self.orders.partition_point(|o| o.order_datetime < q.start);
                let end = self.orders.partition_point(|o| o.order_datetime <= q.end);
                (first < end).then(|| (Hits::run(first, end), false))
            }
            None => {
                let within = |o: &Order| q.start <= o.order_datetime && o.order_datetime <= q.end;
                let positions = self.orders.iter().enumerate().filter(|(_, o)| within(o)).map(|(i, _)| i as u32);
                Hits::of(positions.collect()).map(|h| (h, false))
            }
            Some(index) => {
                let (positions, exact) = index.range(q.start, q.end);
                Hits::of(positions.collect()).map(|h| (h, !exact))
            }
        }
    }
}

/// The matching positions of one search so far: bits over the words `first_word..` that
/// cover its date range.
struct Hits {
    first_word: usize,
    words: Vec<u64>,
}

impl Hits {
    /// Positions `lo..hi` (lo < hi).
    fn run(lo: usize, hi: usize) -> Hits {
        let (first_word, last_word) = (lo / 64, (hi - 1) / 64);
        let mut words = vec![u64::MAX; last_word - first_word + 1];
        words[0] &= u64::MAX << (lo % 64);
        let last = words.len() - 1;
        words[last] &= u64::MAX >> (63 - (hi - 1) % 64);
        Hits { first_word, words }
    }

    /// These positions; None if there are none.
    fn of(positions: Vec<u32>) -> Option<Hits> {
        let lo = *positions.iter().min()? as usize;
        let hi = *positions.iter().max()? as usize;
        let mut hits = Hits { first_word: lo / 64, words: vec![0; hi / 64 - lo / 64 + 1] };
        for p in positions {
            hits.words[p as usize / 64 - hits.first_word] |= 1 << (p % 64);
        }
        Some(hits)
    }

    /// The positions the words cover, `[lo, hi)`.
    fn span(&self) -> (u32, u32) {
        let lo = self.first_word * 64;
        let hi = (self.first_word + self.words.len()) * 64;
        (u32::try_from(lo).unwrap_or(u32::MAX), u32::try_from(hi).unwrap_or(u32::MAX))
    }

    /// Keeps the positions in `bits` (or, `negated`, those not in it).
    fn and_bits(&mut self, bits: &Bits, negated: bool) {
        let flip = if negated { u64::MAX } else { 0 };
        for (k, w) in self.words.iter_mut().enumerate() {
            *w &= bits.word(self.first_word + k) ^ flip;
        }
    }

    /// Keeps the positions in any of `bits` or `lists`.
    fn and_any(&mut self, bits: &[&Bits], lists: &[&Postings]) {
        let mut any = vec![0u64; self.words.len()];
        for b in bits {
            for (k, w) in any.iter_mut().enumerate() {
                *w |= b.word(self.first_word + k);
            }
        }
        let (lo, hi) = self.span();
        for list in lists {
            for &p in list.within(lo, hi) {
                any[p as usize / 64 - self.first_word] |= 1 << (p % 64);
            }
        }
        for (w, a) in self.words.iter_mut().zip(any) {
            *w &= a;
        }
    }

    /// Keeps the positions among `candidates` (which may name positions outside the span).
    fn and_candidates(&mut self, candidates: impl Iterator<Item = u32>) {
        let mut any = vec![0u64; self.words.len()];
        let (lo, hi) = self.span();
        for p in candidates.filter(|p| (lo..hi).contains(p)) {
            any[p as usize / 64 - self.first_word] |= 1 << (p % 64);
        }
        for (w, a) in self.words.iter_mut().zip(any) {
            *w &= a;
        }
    }

    /// Keeps the positions `keep` says yes to.
    fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (k, w) in self.words.iter_mut().enumerate() {
            let mut rest = *w;
            while rest != 0 {
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                if !keep((self.first_word + k) * 64 + bit as usize) {
                    *w &= !(1 << bit);
                }
            }
        }
    }

    fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `take` positions after skipping `skip`, in ascending or descending order.
    fn page(&self, mut skip: usize, take: usize, descending: bool) -> Vec<usize> {
        let mut out = Vec::with_capacity(take.min(MAX_PAGE_SIZE));
        let last = self.words.len().saturating_sub(1);
        for i in 0..self.words.len() {
            if out.len() >= take {
                break;
            }
            let k = if descending { last - i } else { i };
            let w = self.words[k];
            let n = w.count_ones() as usize;
            if skip >= n {
                skip -= n;
                continue;
            }
            let mut rest = w;
            while rest != 0 && out.len() < take {
                let bit = if descending { 63 - rest.leading_zeros() } else { rest.trailing_zeros() };
                rest &= !(1 << bit);
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push((self.first_word + k) * 64 + bit as usize);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::order::{DateType, OrderProgress};
    use crate::domain::search::{RangeProblem, SearchPage, SearchQuery, SEARCH_CAP};
    use crate::domain::search_query::PageProblem;
    use crate::domain::shop::OrderLine;
    use crate::setup::{parse_toml, ShopDocument};

    fn shop_with(orders: usize) -> crate::domain::shop::Shop {
        let doc: ShopDocument = parse_toml(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1\nquantity = 99999\n",
            "t",
        )
        .unwrap();
        let mut shop = doc.build("t").unwrap();
        let line = [OrderLine { manage_number: "i".into(), variant_id: "v".into(), units: 1 }];
        for i in 0..orders {
            let at = shop.now().plus_seconds(i as i64 % 3);
            shop.place_order(&line, 1, Some(at)).unwrap();
        }
        shop
    }

    #[test]
    fn a_change_renews_the_order_s_stamp_and_no_two_shops_share_one() {
        let mut shop = shop_with(3);
        let other = shop_with(3);
        let stamps = |s: &crate::domain::shop::Shop| (0..3).map(|i| s.orders().stamp(i)).collect::<Vec<_>>();
        let before = stamps(&shop);
        assert!(stamps(&other).iter().all(|s| !before.contains(s)), "stamps are unique in the process");
        let number = shop.orders().get(1).number;
        shop.confirm_orders(&[number.to_string()]);
        let after = stamps(&shop);
        assert_eq!((after[0], after[2]), (before[0], before[2]), "untouched orders keep their stamps");
        assert_ne!(after[1], before[1]);
    }

    #[test]
    fn results_past_15000_cannot_be_fetched_but_are_counted() {
        let shop = shop_with(15_050);
        let q = SearchQuery::new(DateType::Ordered, shop.now().plus_days(-1), shop.now().plus_days(1));
        let page = |size: usize, page: usize| q.clone().with_page(size, page).unwrap();
        let p = shop.search_orders(&page(1000, 15));
        assert_eq!((p.total, p.total_pages, p.order_numbers.len()), (15_050, 15, 1000));
        assert!(shop.search_orders(&page(1000, 16)).order_numbers.is_empty());
        // positions 15,000..15,030
        assert!(shop.search_orders(&page(30, 501)).order_numbers.is_empty());
        assert_eq!(shop.search_orders(&page(30, 500)).order_numbers.len(), 30);
        assert_eq!(SEARCH_CAP, 15_000);
    }

    #[test]
    fn every_index_path_returns_the_same_order_as_a_plain_sort() {
        let mut shop = shop_with(50);
        let numbers: Vec<String> = shop.orders().iter().map(|o| o.number.to_string()).collect();
        shop.confirm_orders(&numbers[10..20]);
        let mut expected: Vec<(crate::domain::time::JstDateTime, String)> =
            shop.orders().iter().map(|o| (o.order_datetime, o.number.to_string())).collect();
        expected.sort();
        let expected: Vec<String> = expected.into_iter().map(|(_, n)| n).collect();
        for progress in [vec![], vec![OrderProgress::WaitingForConfirmation, OrderProgress::RakutenProcessing]] {
            for descending in [false, true] {
                let mut q = SearchQuery::new(DateType::Ordered, shop.now().plus_days(-1), shop.now().plus_days(1))
                    .with_page(1000, 1)
                    .unwrap();
                q.progress = progress.clone();
                q.descending = descending;
                let got = shop.search_orders(&q).order_numbers;
                let mut want = expected.clone();
                if descending {
                    want.reverse();
                }
                assert_eq!(got, want, "progress {progress:?} descending {descending}");
            }
        }
        let mut q = SearchQuery::new(DateType::Ordered, shop.now().plus_days(-1), shop.now().plus_days(1))
            .with_page(1000, 1)
            .unwrap();
        q.progress = vec![OrderProgress::WaitingForConfirmation];
        assert_eq!(shop.search_orders(&q).total, 40);
    }

    /// Bug: a library user could build a query with `date_type` 7 (an index past the
    /// per-date-type table) or `page_size` 0 (a division by zero), and `search` panicked.
    /// Now neither is representable: every [`DateType`] searches, and `with_page` refuses 0.
    #[test]
    fn a_query_from_the_library_can_never_make_search_panic() {
        let shop = shop_with(5);
        for dt in DateType::ALL {
            for (size, page) in [(1, 1), (1000, 1), (30, usize::MAX)] {
                let mut q = SearchQuery::new(dt, shop.now().plus_days(-1), shop.now().plus_days(1))
                    .with_page(size, page)
                    .unwrap();
                for descending in [false, true] {
                    q.descending = descending;
                    let p = shop.search_orders(&q);
                    assert!(p.order_numbers.len() <= size);
                }
            }
        }
        let q = SearchQuery::new(DateType::Ordered, shop.now(), shop.now());
        assert_eq!(q.clone().with_page(0, 1).unwrap_err(), PageProblem::PageSize(0));
        assert_eq!(q.clone().with_page(1001, 1).unwrap_err(), PageProblem::PageSize(1001));
        assert_eq!(q.with_page(30, 0).unwrap_err(), PageProblem::Page(0));
    }

    #[test]
    fn range_rules_are_end_after_start_63_days_and_730_days_back() {
        let shop = shop_with(0);
        let now = shop.now();
        let q = |s: i64, e: i64| SearchQuery::new(DateType::Ordered, now.plus_days(s), now.plus_days(e));
        assert!(q(-63, 0).range_problems(now).is_empty());
        assert_eq!(q(0, -1).range_problems(now), vec![RangeProblem::EndBeforeStart]);
        assert_eq!(q(-64, 0).range_problems(now), vec![RangeProblem::WindowTooLong]);
        assert_eq!(q(-731, -700).range_problems(now), vec![RangeProblem::StartTooOld]);
    }

    /// The plan of an older, plainer searchOrder: read every order, keep those that match,
    /// sort by (order datetime, position), cut the page. What the indexes must agree with.
    fn scan(shop: &crate::domain::shop::Shop, q: &SearchQuery) -> SearchPage {
        let orders: Vec<&crate::domain::order::Order> = shop.orders().iter().collect();
        let mut hits: Vec<usize> = (0..orders.len())
            .filter(|&i| {
                let o = orders[i];
                o.date_for(q.date_type).is_some_and(|d| q.start <= d && d <= q.end)
                    && (q.progress.is_empty() || q.progress.contains(&o.progress))
                    && q.matches_rest(o)
            })
            .collect();
        hits.sort_by_key(|&i| (orders[i].order_datetime, i));
        if q.descending {
            hits.reverse();
        }
        let (size, page) = (q.page_size.get(), q.page.get());
        let from = (page - 1).saturating_mul(size);
        let to = from.saturating_add(size).min(SEARCH_CAP).min(hits.len());
        SearchPage {
            order_numbers: hits[from.min(to)..to].iter().map(|&i| orders[i].number).collect(),
            total: hits.len(),
            total_pages: hits.len().min(SEARCH_CAP).div_ceil(size),
            page,
        }
    }

    /// A shop whose orders went every way an order can: several items and payment methods,
    /// confirmed, processed, shipped, paid, cancelled, with sub-statuses, memos, new orderers,
    /// recipients and delivery names. Returns the shop and the texts it holds by kind, to search
    /// for.
    fn busy_shop(rng: &mut crate::domain::rng::Rng) -> (crate::domain::shop::Shop, Vec<Vec<String>>) {
        use crate::domain::buyer;
        use crate::domain::order::{Carrier, Cause};
        use crate::domain::order_ops::{BasketUpdate, MemoUpdate, PackageUpdate, Patch, ShippingRowUpdate};
        let mut doc = String::from(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-09-01T09:00:00+0900\"\n\
             [settings]\nauto_confirm = true\nauto_confirm_delay_minutes = 600\n\
             [[sub_statuses]]\nid = 7\nname = \"入荷待ち\"\norder_progress = 300\n\
             [[sub_statuses]]\nid = 8\nname = \"確認中\"\norder_progress = 100\n",
        );
        let names = ["赤い Tシャツ", "青いTシャツ", "帽子", "靴下 3足"];
        for (n, title) in names.iter().enumerate() {
            doc.push_str(&format!(
                "[[items]]\nmanage_number = \"m{n}\"\nitem_number = \"no-{n}{n}\"\ntitle = \"{title}\"\n\
                 [[items.variants]]\nvariant_id = \"s\"\nmerchant_defined_sku_id = \"SKU-{n}-S\"\nprice = 1000\nquantity = 99999\nselector_values = {{ \"サイズ\" = \"S\" }}\n\
                 [[items.variants]]\nvariant_id = \"l\"\nprice = 1200\nquantity = 99999\nselector_values = {{ \"サイズ\" = \"L\" }}\n"
            ));
        }
        let doc: ShopDocument = parse_toml(&doc, "t").unwrap();
        let mut shop = doc.build("t").unwrap();
        let mut numbers = Vec::new();
        for _ in 0..400 {
            let at = shop.now().plus_seconds(rng.range(0, 40_000) as i64);
            let lines: Vec<OrderLine> = (0..rng.range(1, 3))
                .map(|_| OrderLine {
                    manage_number: format!("m{}", rng.below(4)),
                    variant_id: (*rng.pick(&["s", "l"])).to_string(),
                    units: 1,
                })
                .collect();
            let settlement = *rng.pick(&[1, 1, 1, 2, 9, 13]);
            // Now and then a 定期 / 頒布会 / 予約 order, a few sharing one reserveNumber.
            let order_type = *rng.pick(&[1, 1, 1, 4, 5, 6]);
            let extras = crate::domain::shop::OrderExtras {
                order_type: crate::domain::order_kind::OrderType::from_code(order_type).unwrap(),
                reserve_number: (order_type != 1 && rng.chance(70))
                    .then(|| format!("123456-20260901-{:08}-r", rng.below(6))),
                ..Default::default()
            };
            numbers.push(String::from(shop.place_order_with(&lines, settlement, Some(at), &extras).unwrap()));
            // Staff at work on orders placed earlier.
            for _ in 0..2 {
                let n = numbers[rng.below(numbers.len() as u64) as usize].clone();
                match rng.below(12) {
                    0 => drop(shop.confirm_orders(std::slice::from_ref(&n))),
                    1 => drop(shop.set_sub_status(&n, Some(*rng.pick(&[7, 8])))),
                    2 => drop(shop.set_sub_status(&n, None)),
                    3 => {
                        let memo = Some(Some(format!("メモ {}", rng.below(5))).filter(|_| rng.chance(80)));
                        drop(shop.update_memo(&n, MemoUpdate { memo, ..MemoUpdate::default() }))
                    }
                    4 => {
                        drop(shop.update_delivery(&n, (*rng.pick(&["宅配便", "メール便", "宅配便 冷凍"])).to_string()))
                    }
                    5 => drop(
                        shop.update_orderer(&n, buyer::generate(rng, &mut Default::default(), &mut Default::default())),
                    ),
                    6 => {
                        let basket_id = shop.order(&n).unwrap().packages[0].basket_id;
                        let sender = Some(buyer::generate(rng, &mut Default::default(), &mut Default::default()));
                        let p = PackageUpdate {
                            basket_id,
                            postage_price: None,
                            delivery_price: None,
                            noshi: Patch::Keep,
                            drop_off_location: Patch::Keep,
                            sender,
                            items: vec![],
                        };
                        drop(shop.update_sender(&n, &[p], None, false))
                    }
                    7 | 8 => {
                        let basket_id = shop.order(&n).unwrap().packages[0].basket_id;
                        let row = ShippingRowUpdate {
                            data_number: 1,
                            detail_id: None,
                            delivery_company: Patch::Set(Carrier::from_code("1001").unwrap()),
                            shipping_number: if rng.chance(70) { Patch::Set("1234".into()) } else { Patch::Keep },
                            shipping_date: Patch::Set(shop.now().date().plus_days(rng.below(3) as i64 - 1)),
                            delete: false,
                        };
                        let update = BasketUpdate { basket_id, rows: vec![row] };
                        drop(shop.update_shipping(&n, &[update], Cause::Processing))
                    }
                    9 => drop(shop.pay(&n)),
                    10 => drop(shop.buyer_cancel(&n)),
                    _ => {}
                }
            }
        }
        shop.advance_to(shop.now().plus_days(3));
        // Texts by what they are: 1–9 the keyword types, 10 delivery names, 11 e-mails,
        // 12 orderer phones, 13 recipient phones.
        let mut texts: Vec<Vec<String>> = vec![vec![]; 14];
        for o in shop.orders().iter() {
            texts[1].extend(o.items().map(|i| i.sku.item_name.to_string()));
            texts[2].extend(o.items().map(|i| i.sku.item_number.to_string()));
            texts[3].extend(o.memo.as_deref().map(String::from));
            texts[4].push(o.orderer.full_name());
            texts[5].push(o.orderer.full_name_kana());
            texts[6].extend(o.packages.iter().map(|p| p.sender.full_name()));
            texts[7].extend(o.items().map(|i| i.sku.variant_id.to_string()));
            texts[8].extend(o.items().filter_map(|i| i.sku.merchant_defined_sku_id.as_deref().map(String::from)));
            texts[9].extend(o.items().filter_map(|i| i.sku.sku_info.as_deref().map(String::from)));
            texts[10].push(o.delivery_name.to_string());
            texts[11].push(o.orderer.email.to_string());
            texts[12].push(o.orderer.phone.join("-"));
            texts[13].extend(o.packages.iter().map(|p| p.sender.phone_number()));
        }
        texts[0] = vec!["無い".into(), String::new()];
        (shop, texts)
    }

    /// A random part of a text (a keyword found in it), or the whole.
    fn part_of(rng: &mut crate::domain::rng::Rng, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let from = rng.below(chars.len() as u64 + 1) as usize;
        let to = from + rng.below((chars.len() - from) as u64 + 1) as usize;
        let part: String = chars[from..to].iter().collect();
        if part.is_empty() || rng.chance(30) {
            text.to_string()
        } else {
            part
        }
    }

    #[test]
    fn the_indexed_plan_answers_exactly_what_a_plain_scan_answers() {
        use crate::domain::search_query::KeywordField;
        let mut rng = crate::domain::rng::Rng::new(11);
        let (shop, texts) = busy_shop(&mut rng);
        let first = shop.orders().get(0).order_datetime;
        let span = (shop.now().seconds() - first.seconds()) as u64;
        let mut with_hits = 0;
        for round in 0..3000 {
            let dt = *rng.pick(&DateType::ALL);
            let start = first.plus_seconds(rng.range(0, span) as i64 - 3600);
            let end = start.plus_seconds(rng.range(0, 30 * 86_400) as i64);
            let (size, page) = (*rng.pick(&[1, 7, 30, 1000]), *rng.pick(&[1, 1, 2, 3]));
            let mut q = SearchQuery::new(dt, start, end).with_page(size, page).unwrap();
            q.descending = rng.chance(50);
            // A text of the kind the filter reads, now and then of another kind.
            let text = |rng: &mut crate::domain::rng::Rng, kind: usize| {
                let kind = if rng.chance(10) { rng.below(14) as usize } else { kind };
                texts[kind].get(rng.below(texts[kind].len().max(1) as u64) as usize).cloned().unwrap_or_default()
            };
            for _ in 0..rng.range(0, 3) {
                match rng.below(16) {
                    0 => q.progress = (0..rng.range(1, 3)).map(|_| *rng.pick(&OrderProgress::ALL)).collect(),
                    1 => q.sub_status_ids = (0..rng.range(1, 2)).map(|_| *rng.pick(&[-1, 7, 8, 9])).collect(),
                    2 if rng.chance(70) => {
                        q.order_types = (0..rng.range(1, 3)).map(|_| *rng.pick(&[1, 4, 5, 6])).collect()
                    }
                    2 => q.reserve_number = Some(format!("123456-20260901-{:08}-r", rng.below(8))),
                    3 => q.settlement_method = Some(*rng.pick(&[1, 2, 3, 9, 13, 14, 70_000])),
                    4 => q.delivery_name = Some(text(&mut rng, 10)),
                    5 => q.shipping_date_blank = true,
                    6 => q.shipping_number_blank = true,
                    7..=9 => {
                        let code = rng.range(1, 9);
                        let field = KeywordField::from_code(code as i64).unwrap();
                        let whole = text(&mut rng, code as usize);
                        let kw = part_of(&mut rng, &whole);
                        q.keyword = Some((field, if rng.chance(20) { format!(" {kw} ") } else { kw }));
                    }
                    10 => q.mail_send_type = rng.range(1, 2) as i64,
                    11 => q.orderer_mail_address = Some(text(&mut rng, 11)),
                    12 => {
                        let kind = rng.range(1, 2);
                        q.phone = Some((kind as i64, text(&mut rng, 11 + kind as usize)));
                    }
                    13 => q.purchase_site_type = rng.range(1, 5) as i64,
                    14 => q.one_day_operation_only = true,
                    _ => q.coupon_use_only = rng.chance(10),
                }
            }
            let want = scan(&shop, &q);
            with_hits += usize::from(want.total > 0);
            assert_eq!(shop.search_orders(&q), want, "round {round}: {q:?}");
        }
        assert!(with_hits > 1000, "only {with_hits} queries found anything: the test is not looking");
    }

    /// The indexes' footprint, measured on a shop whose orders were confirmed and processed
    /// (three dates each): the budget is 150 bytes an order, what lets a million orders fit
    /// beside their data.
    #[test]
    fn the_indexes_hold_under_150_bytes_an_order() {
        let doc: ShopDocument = parse_toml(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\n[settings]\nauto_confirm = true\n\
             [[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1\nquantity = 99999\n",
            "t",
        )
        .unwrap();
        let mut shop = doc.build("t").unwrap();
        let line = [OrderLine { manage_number: "i".into(), variant_id: "v".into(), units: 1 }];
        let orders = 10_000;
        for i in 0..orders {
            shop.place_order(&line, *[1, 2, 9].get(i % 3).unwrap_or(&1), Some(shop.now().plus_seconds(60))).unwrap();
        }
        shop.advance_to(shop.now().plus_days(1));
        assert_eq!(shop.orders().count_in(OrderProgress::WaitingForConfirmation), 0);
        let per_order = shop.orders().index_heap_bytes() / orders;
        assert!(per_order <= 150, "{per_order} bytes an order");
    }

    /// The plan relies on positions following order datetime; a book filled out of time order
    /// (the fake never does it) still answers in datetime order, by sorting its hits.
    #[test]
    fn orders_inserted_out_of_time_order_still_come_back_in_datetime_order() {
        use crate::domain::order::tests::order_at;
        use crate::domain::search::OrderBook;
        let mut book = OrderBook::default();
        for (n, at) in
            [(1, "2026-11-28T12:00:00+0900"), (2, "2026-11-28T09:00:00+0900"), (3, "2026-11-28T10:00:00+0900")]
        {
            let mut o = order_at(at);
            o.number = crate::domain::order::OrderNumber::issue("123456", o.order_datetime.date(), n).unwrap();
            book.insert(o);
        }
        let t = |s: &str| crate::domain::time::JstDateTime::parse_rms(s).unwrap();
        let mut q = SearchQuery::new(DateType::Ordered, t("2026-11-28T00:00:00+0900"), t("2026-11-28T11:00:00+0900"));
        let numbers = |q: &SearchQuery| -> Vec<String> {
            book.search(q).order_numbers.iter().map(|n| n[n.len() - 1..].to_string()).collect()
        };
        assert_eq!(numbers(&q), vec!["2", "3"]);
        q.end = t("2026-11-28T23:00:00+0900");
        q.descending = true;
        assert_eq!(numbers(&q), vec!["1", "3", "2"]);
        q.progress = vec![OrderProgress::WaitingForConfirmation];
        q = q.with_page(1, 2).unwrap();
        assert_eq!((numbers(&q), book.search(&q).total), (vec!["3".to_string()], 3));
    }
}
