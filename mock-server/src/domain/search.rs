//! searchOrder over a shop's orders: the indexes that make one page cheap even for a shop
//! with 100,000 orders. The query and its rules are in [`super::search_query`] (re-exported
//! here).

use super::order::{DateType, Order, OrderNumber, OrderProgress};
use super::order_number::serial_of;
use super::time::JstDateTime;
use std::collections::{BTreeSet, HashMap};

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
/// [`OrderBook::update`], which keeps the indexes in step.
#[derive(Debug)]
pub struct OrderBook {
    orders: Vec<Order>,
    /// True while every insert came in order-datetime order (always, for shops built by the
    /// fake; kept as a flag so the fast path can never give a wrong answer).
    sorted_by_order_datetime: bool,
    /// Positions by order number, only once an order came whose serial is not above every
    /// earlier one's (never, for shops built by the fake: serials only grow), so that the
    /// binary search of [`OrderBook::find`] no longer holds; None until then.
    by_number: Option<HashMap<String, usize>>,
    /// (date, idx) per dateType, at [`DateType::index`].
    by_date: [BTreeSet<(JstDateTime, usize)>; 6],
    /// (status, order datetime, idx): the integration's everyday query, `dateType 1` +
    /// `orderProgressList [100]`, reads exactly the page it needs from here.
    by_status: BTreeSet<(OrderProgress, JstDateTime, usize)>,
}

impl Default for OrderBook {
    fn default() -> Self {
        OrderBook {
            orders: Vec::new(),
            sorted_by_order_datetime: true,
            by_number: None,
            by_date: Default::default(),
            by_status: BTreeSet::new(),
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

    /// Adds an order and indexes it; returns its position.
    pub fn insert(&mut self, order: Order) -> usize {
        let idx = self.orders.len();
        if self.orders.last().is_some_and(|last| last.order_datetime > order.order_datetime) {
            self.sorted_by_order_datetime = false;
        }
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
        self.index(idx);
        idx
    }

    /// Applies `f` to one order and re-indexes it.
    pub fn update<R>(&mut self, idx: usize, f: impl FnOnce(&mut Order) -> R) -> R {
        self.unindex(idx);
        let r = f(&mut self.orders[idx]);
        self.index(idx);
        r
    }

    fn index(&mut self, idx: usize) {
        let o = &self.orders[idx];
        for dt in DateType::ALL {
            if let Some(d) = o.date_for(dt) {
                self.by_date[dt.index()].insert((d, idx));
            }
        }
        self.by_status.insert((o.progress, o.order_datetime, idx));
    }

    fn unindex(&mut self, idx: usize) {
        let o = &self.orders[idx];
        for dt in DateType::ALL {
            if let Some(d) = o.date_for(dt) {
                self.by_date[dt.index()].remove(&(d, idx));
            }
        }
        self.by_status.remove(&(o.progress, o.order_datetime, idx));
    }

    /// Runs a search. Results are ordered by order datetime (the only `sortColumn`), ties by
    /// placement order, which is also order-number order.
    ///
    /// For `dateType 1` the indexes already yield that order, so one pass counts the matches
    /// and keeps only the requested page; nothing proportional to the shop is allocated.
    pub fn search(&self, q: &SearchQuery) -> SearchPage {
        let rest = q.has_rest_filters();
        let keep = |idx: usize| -> bool {
            let o = &self.orders[idx];
            (q.progress.is_empty() || q.progress.contains(&o.progress)) && (!rest || q.matches_rest(o))
        };
        let (lo, hi) = ((q.start, 0usize), (q.end, usize::MAX));
        let (page_size, page) = (q.page_size.get(), q.page.get());
        // Orders are placed at or after the shop's now, so their order datetimes never
        // decrease with their index: an unfiltered order-date query is two binary searches
        // and a slice, whatever the shop's size.
        if q.date_type == DateType::Ordered && q.progress.is_empty() && !rest && self.sorted_by_order_datetime {
            let first = self.orders.partition_point(|o| o.order_datetime < q.start);
            let end = self.orders.partition_point(|o| o.order_datetime <= q.end);
            let total = end.saturating_sub(first);
            let from = (page - 1).saturating_mul(page_size);
            let to = from.saturating_add(page_size).min(SEARCH_CAP).min(total);
            let pick = |k: usize| if q.descending { end - 1 - k } else { first + k };
            let numbers = (from.min(to)..to).map(|k| self.orders[pick(k)].number).collect();
            return SearchPage {
                order_numbers: numbers,
                total,
                total_pages: total.min(SEARCH_CAP).div_ceil(page_size),
                page,
            };
        }
        if q.date_type == DateType::Ordered {
            if q.progress.len() == 1 {
                let p = q.progress[0];
                let range = self.by_status.range((p, q.start, 0)..=(p, q.end, usize::MAX)).map(|(_, _, i)| *i);
                let only_rest = |i: &usize| !rest || q.matches_rest(&self.orders[*i]);
                return if q.descending {
                    self.page(q, range.rev().filter(only_rest))
                } else {
                    self.page(q, range.filter(only_rest))
                };
            }
            let range = self.by_date[DateType::Ordered.index()].range(lo..=hi).map(|(_, i)| *i);
            return if q.descending {
                self.page(q, range.rev().filter(|i| keep(*i)))
            } else {
                self.page(q, range.filter(|i| keep(*i)))
            };
        }
        let mut v: Vec<usize> =
            self.by_date[q.date_type.index()].range(lo..=hi).map(|(_, i)| *i).filter(|i| keep(*i)).collect();
        v.sort_by_key(|i| (self.orders[*i].order_datetime, *i));
        if q.descending {
            v.reverse();
        }
        self.page(q, v.into_iter())
    }

    /// Counts every hit and keeps the page's slice, honouring the 15,000 cap.
    fn page(&self, q: &SearchQuery, hits: impl Iterator<Item = usize>) -> SearchPage {
        let (page_size, page) = (q.page_size.get(), q.page.get());
        let from = (page - 1).saturating_mul(page_size);
        let to = from.saturating_add(page_size).min(SEARCH_CAP);
        let mut total = 0usize;
        let mut numbers = Vec::new();
        for idx in hits {
            if total >= from && total < to {
                numbers.push(self.orders[idx].number);
            }
            total += 1;
        }
        SearchPage { order_numbers: numbers, total, total_pages: total.min(SEARCH_CAP).div_ceil(page_size), page }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::order::{DateType, OrderProgress};
    use crate::domain::search::{RangeProblem, SearchQuery, SEARCH_CAP};
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
}
