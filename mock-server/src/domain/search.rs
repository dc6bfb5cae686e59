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
        KeywordField::SenderName => o
            .packages
            .iter()
            .any(|p| squash(&p.sender.full_name()).contains(&kw_sq)),
        KeywordField::VariantId => o.items().any(|i| i.variant_id == kw),
        KeywordField::MerchantDefinedSkuId => o
            .items()
            .any(|i| i.merchant_defined_sku_id.as_deref() == Some(kw)),
        KeywordField::SkuInfo => o
            .items()
            .any(|i| i.sku_info.as_deref().is_some_and(|s| s.contains(kw))),
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
#[derive(Debug, Default)]
pub struct OrderBook {
    orders: Vec<Order>,
    by_number: HashMap<String, usize>,
    /// (date, idx) per dateType 1–6 (slot 0 unused).
    by_date: [BTreeSet<(JstDateTime, usize)>; 7],
    /// (status, order datetime, idx): the integration's everyday query, `dateType 1` +
    /// `orderProgressList [100]`, reads exactly the page it needs from here.
    by_status: BTreeSet<(OrderProgress, JstDateTime, usize)>,
}

impl OrderBook {
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
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
    pub fn search(&self, q: &SearchQuery) -> SearchPage {
        let (lo, hi) = ((q.start, 0usize), (q.end, usize::MAX));
        let filtered = |idx: &usize| -> bool {
            let o = &self.orders[*idx];
            (q.progress.is_empty() || q.progress.contains(&o.progress)) && q.matches_rest(o)
        };
        // Candidates already in order-datetime order, when an index gives them that way.
        let mut hits: Vec<usize> = if q.date_type == 1 && q.progress.len() == 1 {
            let p = q.progress[0];
            self.by_status
                .range((p, q.start, 0)..=(p, q.end, usize::MAX))
                .map(|(_, _, i)| *i)
                .filter(|i| q.matches_rest(&self.orders[*i]))
                .collect()
        } else if q.date_type == 1 {
            self.by_date[1]
                .range(lo..=hi)
                .map(|(_, i)| *i)
                .filter(filtered)
                .collect()
        } else {
            let mut v: Vec<usize> = self.by_date[q.date_type as usize]
                .range(lo..=hi)
                .map(|(_, i)| *i)
                .filter(filtered)
                .collect();
            v.sort_by_key(|i| (self.orders[*i].order_datetime, *i));
            v
        };
        if q.descending {
            hits.reverse();
        }
        let total = hits.len();
        let reachable = total.min(SEARCH_CAP);
        let total_pages = reachable.div_ceil(q.page_size);
        let from = (q.page - 1).saturating_mul(q.page_size).min(reachable);
        let to = (from + q.page_size).min(reachable);
        SearchPage {
            order_numbers: hits[from..to]
                .iter()
                .map(|i| self.orders[*i].number.clone())
                .collect(),
            total,
            total_pages,
            page: q.page,
        }
    }
}
