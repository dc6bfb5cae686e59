//! searchOrder as a domain query: what to match, and the indexes that make one page cheap
//! even for a shop with 100,000 orders.

use super::order::{Order, OrderProgress};
use super::time::JstDateTime;
use std::collections::{BTreeSet, HashMap};

/// `searchKeywordType` (order-api.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeywordField {
    ItemName,
    ItemNumber,
    Memo,
    OrdererName,
    OrdererNameKana,
    SenderName,
    /// 7 SKU管理番号 (variantId)
    VariantId,
    /// 8 システム連携用SKU番号 (merchantDefinedSkuId)
    MerchantDefinedSkuId,
    /// 9 SKU情報
    SkuInfo,
}

impl KeywordField {
    pub fn from_code(c: i64) -> Option<Self> {
        Some(match c {
            1 => Self::ItemName,
            2 => Self::ItemNumber,
            3 => Self::Memo,
            4 => Self::OrdererName,
            5 => Self::OrdererNameKana,
            6 => Self::SenderName,
            7 => Self::VariantId,
            8 => Self::MerchantDefinedSkuId,
            9 => Self::SkuInfo,
            _ => return None,
        })
    }

    /// Longest keyword RMS accepts for this type.
    pub fn max_chars(self) -> usize {
        match self {
            Self::ItemName => 1024,
            Self::ItemNumber => 127,
            Self::Memo => 1000,
            Self::OrdererName | Self::OrdererNameKana | Self::SenderName => 254,
            Self::VariantId => 40,
            Self::MerchantDefinedSkuId => 96,
            Self::SkuInfo => 400,
        }
    }
}

/// A validated searchOrder request.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    /// Empty = every status.
    pub progress: Vec<OrderProgress>,
    /// Empty = no filter; `-1` = orders without a sub-status.
    pub sub_status_ids: Vec<i64>,
    pub date_type: u8,
    pub start: JstDateTime,
    pub end: JstDateTime,
    pub order_types: Vec<i64>,
    pub settlement_method: Option<i64>,
    pub delivery_name: Option<String>,
    pub shipping_date_blank: bool,
    pub shipping_number_blank: bool,
    pub keyword: Option<(KeywordField, String)>,
    /// 0 all, 1 PC, 2 mobile
    pub mail_send_type: i64,
    pub orderer_mail_address: Option<String>,
    /// (1 orderer / 2 recipient, number)
    pub phone: Option<(i64, String)>,
    pub reserve_number: Option<String>,
    /// 0 all, 1 PC, 2 mobile, 3 smartphone, 4 tablet
    pub purchase_site_type: i64,
    pub asuraku_only: bool,
    pub coupon_use_only: bool,
    pub drug_only: bool,
    pub overseas_only: bool,
    pub one_day_operation_only: bool,
    pub page_size: usize,
    pub page: usize,
    pub descending: bool,
}

impl SearchQuery {
    /// A query for `[start, end]` on the order date with RMS defaults for everything else.
    pub fn new(date_type: u8, start: JstDateTime, end: JstDateTime) -> Self {
        SearchQuery {
            progress: vec![],
            sub_status_ids: vec![],
            date_type,
            start,
            end,
            order_types: vec![],
            settlement_method: None,
            delivery_name: None,
            shipping_date_blank: false,
            shipping_number_blank: false,
            keyword: None,
            mail_send_type: 0,
            orderer_mail_address: None,
            phone: None,
            reserve_number: None,
            purchase_site_type: 0,
            asuraku_only: false,
            coupon_use_only: false,
            drug_only: false,
            overseas_only: false,
            one_day_operation_only: false,
            page_size: 30,
            page: 1,
            descending: false,
        }
    }

    /// True when any filter beyond date range and status is set.
    fn has_rest_filters(&self) -> bool {
        !self.sub_status_ids.is_empty()
            || !self.order_types.is_empty()
            || self.settlement_method.is_some()
            || self.delivery_name.is_some()
            || self.shipping_date_blank
            || self.shipping_number_blank
            || self.keyword.is_some()
            || self.mail_send_type != 0
            || self.orderer_mail_address.is_some()
            || self.phone.is_some()
            || self.reserve_number.is_some()
            || self.purchase_site_type != 0
            || self.asuraku_only
            || self.coupon_use_only
            || self.drug_only
            || self.overseas_only
            || self.one_day_operation_only
    }

    /// Everything but the date range and status, which the index already narrows.
    fn matches_rest(&self, o: &Order) -> bool {
        if !self.sub_status_ids.is_empty() {
            let ok = match &o.sub_status {
                None => self.sub_status_ids.contains(&-1),
                Some((id, _)) => self.sub_status_ids.contains(id),
            };
            if !ok {
                return false;
            }
        }
        // Every order the fake takes is a normal purchase (orderType 1, no reserveNumber).
        if !self.order_types.is_empty() && !self.order_types.contains(&1) {
            return false;
        }
        if self.reserve_number.is_some() {
            return false;
        }
        if self.asuraku_only
            || self.coupon_use_only
            || self.drug_only
            || self.overseas_only
            || self.one_day_operation_only
        {
            return false;
        }
        if let Some(m) = self.settlement_method {
            if i64::from(o.settlement.code()) != m {
                return false;
            }
        }
        if let Some(d) = &self.delivery_name {
            if &o.delivery_name != d {
                return false;
            }
        }
        if self.shipping_date_blank && o.shipping_date().is_some() {
            return false;
        }
        if self.shipping_number_blank && o.has_shipping_number() {
            return false;
        }
        match self.mail_send_type {
            1 if o.orderer.email_carrier_code != 0 => return false,
            2 if o.orderer.email_carrier_code == 0 => return false,
            _ => {}
        }
        if let Some(m) = &self.orderer_mail_address {
            if &o.orderer.email != m {
                return false;
            }
        }
        if let Some((kind, number)) = &self.phone {
            let n = number.replace('-', "");
            let hit = match kind {
                1 => o.orderer.phone_number() == n,
                _ => o.packages.iter().any(|p| p.sender.phone_number() == n),
            };
            if !hit {
                return false;
            }
        }
        let site = match o.orderer.carrier_code {
            0 => 1,
            1 | 2 | 3 | 5 => 2,
            11 | 12 | 19 => 3,
            21 | 22 | 29 => 4,
            _ => 0,
        };
        if self.purchase_site_type != 0 && self.purchase_site_type != site {
            return false;
        }
        if let Some((field, kw)) = &self.keyword {
            if !keyword_hit(o, *field, kw) {
                return false;
            }
        }
        true
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn keyword_hit(o: &Order, field: KeywordField, kw: &str) -> bool {
    let kw_sq = squash(kw);
    match field {
        KeywordField::ItemName => o.items().any(|i| i.item_name.contains(kw)),
        KeywordField::ItemNumber => o.items().any(|i| i.item_number.contains(kw)),
        KeywordField::Memo => o.memo.as_deref().is_some_and(|m| m.contains(kw)),
        KeywordField::OrdererName => squash(&o.orderer.full_name()).contains(&kw_sq),
        KeywordField::OrdererNameKana => squash(&o.orderer.full_name_kana()).contains(&kw_sq),
        KeywordField::SenderName => o.packages.iter().any(|p| squash(&p.sender.full_name()).contains(&kw_sq)),
        KeywordField::VariantId => o.items().any(|i| i.variant_id == kw),
        KeywordField::MerchantDefinedSkuId => o.items().any(|i| i.merchant_defined_sku_id.as_deref() == Some(kw)),
        KeywordField::SkuInfo => o.items().any(|i| i.sku_info.as_deref().is_some_and(|s| s.contains(kw))),
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPage {
    pub order_numbers: Vec<String>,
    /// Every match, also those past the 15,000 cap.
    pub total: usize,
    /// Pages that can actually be fetched (the cap applies).
    pub total_pages: usize,
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
    by_number: HashMap<String, usize>,
    /// (date, idx) per dateType 1–6 (slot 0 unused).
    by_date: [BTreeSet<(JstDateTime, usize)>; 7],
    /// (status, order datetime, idx): the integration's everyday query, `dateType 1` +
    /// `orderProgressList [100]`, reads exactly the page it needs from here.
    by_status: BTreeSet<(OrderProgress, JstDateTime, usize)>,
}

impl Default for OrderBook {
    fn default() -> Self {
        OrderBook {
            orders: Vec::new(),
            sorted_by_order_datetime: true,
            by_number: HashMap::new(),
            by_date: Default::default(),
            by_status: BTreeSet::new(),
        }
    }
}

impl OrderBook {
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn get(&self, idx: usize) -> &Order {
        &self.orders[idx]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Order> {
        self.orders.iter()
    }

    pub fn find(&self, number: &str) -> Option<usize> {
        self.by_number.get(number).copied()
    }

    pub fn insert(&mut self, order: Order) -> usize {
        let idx = self.orders.len();
        if self.orders.last().is_some_and(|last| last.order_datetime > order.order_datetime) {
            self.sorted_by_order_datetime = false;
        }
        self.by_number.insert(order.number.clone(), idx);
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
        for dt in 1..=6u8 {
            if let Some(d) = o.date_for(dt) {
                self.by_date[dt as usize].insert((d, idx));
            }
        }
        self.by_status.insert((o.progress, o.order_datetime, idx));
    }

    fn unindex(&mut self, idx: usize) {
        let o = &self.orders[idx];
        for dt in 1..=6u8 {
            if let Some(d) = o.date_for(dt) {
                self.by_date[dt as usize].remove(&(d, idx));
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
        // Orders are placed at or after the shop's now, so their order datetimes never
        // decrease with their index: an unfiltered order-date query is two binary searches
        // and a slice, whatever the shop's size.
        if q.date_type == 1 && q.progress.is_empty() && !rest && self.sorted_by_order_datetime {
            let first = self.orders.partition_point(|o| o.order_datetime < q.start);
            let end = self.orders.partition_point(|o| o.order_datetime <= q.end);
            let total = end.saturating_sub(first);
            let from = (q.page - 1).saturating_mul(q.page_size);
            let to = from.saturating_add(q.page_size).min(SEARCH_CAP).min(total);
            let pick = |k: usize| if q.descending { end - 1 - k } else { first + k };
            let numbers = (from.min(to)..to).map(|k| self.orders[pick(k)].number.clone()).collect();
            return SearchPage {
                order_numbers: numbers,
                total,
                total_pages: total.min(SEARCH_CAP).div_ceil(q.page_size),
                page: q.page,
            };
        }
        if q.date_type == 1 {
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
            let range = self.by_date[1].range(lo..=hi).map(|(_, i)| *i);
            return if q.descending {
                self.page(q, range.rev().filter(|i| keep(*i)))
            } else {
                self.page(q, range.filter(|i| keep(*i)))
            };
        }
        let mut v: Vec<usize> =
            self.by_date[q.date_type as usize].range(lo..=hi).map(|(_, i)| *i).filter(|i| keep(*i)).collect();
        v.sort_by_key(|i| (self.orders[*i].order_datetime, *i));
        if q.descending {
            v.reverse();
        }
        self.page(q, v.into_iter())
    }

    /// Counts every hit and keeps the page's slice, honouring the 15,000 cap.
    fn page(&self, q: &SearchQuery, hits: impl Iterator<Item = usize>) -> SearchPage {
        let from = (q.page - 1).saturating_mul(q.page_size);
        let to = from.saturating_add(q.page_size).min(SEARCH_CAP);
        let mut total = 0usize;
        let mut numbers = Vec::new();
        for idx in hits {
            if total >= from && total < to {
                numbers.push(self.orders[idx].number.clone());
            }
            total += 1;
        }
        SearchPage {
            order_numbers: numbers,
            total,
            total_pages: total.min(SEARCH_CAP).div_ceil(q.page_size),
            page: q.page,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::order::OrderProgress;
    use crate::domain::search::{SearchQuery, SEARCH_CAP};
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
        let mut q = SearchQuery::new(1, shop.now().plus_days(-1), shop.now().plus_days(1));
        q.page_size = 1000;
        q.page = 15;
        let p = shop.search_orders(&q);
        assert_eq!((p.total, p.total_pages, p.order_numbers.len()), (15_050, 15, 1000));
        q.page = 16;
        assert!(shop.search_orders(&q).order_numbers.is_empty());
        q.page_size = 30;
        q.page = 501; // positions 15,000..15,030
        assert!(shop.search_orders(&q).order_numbers.is_empty());
        q.page = 500;
        assert_eq!(shop.search_orders(&q).order_numbers.len(), 30);
        assert_eq!(SEARCH_CAP, 15_000);
    }

    #[test]
    fn every_index_path_returns_the_same_order_as_a_plain_sort() {
        let mut shop = shop_with(50);
        let numbers: Vec<String> = shop.orders().iter().map(|o| o.number.clone()).collect();
        shop.confirm_orders(&numbers[10..20]);
        let mut expected: Vec<(crate::domain::time::JstDateTime, String)> =
            shop.orders().iter().map(|o| (o.order_datetime, o.number.clone())).collect();
        expected.sort();
        let expected: Vec<String> = expected.into_iter().map(|(_, n)| n).collect();
        for progress in [vec![], vec![OrderProgress::WaitingForConfirmation, OrderProgress::RakutenProcessing]] {
            for descending in [false, true] {
                let mut q = SearchQuery::new(1, shop.now().plus_days(-1), shop.now().plus_days(1));
                q.progress = progress.clone();
                q.page_size = 1000;
                q.descending = descending;
                let got = shop.search_orders(&q).order_numbers;
                let mut want = expected.clone();
                if descending {
                    want.reverse();
                }
                assert_eq!(got, want, "progress {progress:?} descending {descending}");
            }
        }
        let mut q = SearchQuery::new(1, shop.now().plus_days(-1), shop.now().plus_days(1));
        q.progress = vec![OrderProgress::WaitingForConfirmation];
        q.page_size = 1000;
        assert_eq!(shop.search_orders(&q).total, 40);
    }
}
