//! searchOrder's query as a domain value: what to match, and the RMS rules on a query (the
//! range, the page). [`super::search`] runs it against a shop's indexed orders.

use super::order::{DateType, Order, OrderProgress};
use super::search_index::{purchase_site, squash};
use super::time::JstDateTime;
use std::num::NonZeroUsize;

/// startDatetime may be at most this many days in the past (order-api.md §3.1).
pub const HORIZON_DAYS: i64 = 730;
/// endDatetime may be at most this many days after startDatetime.
pub const WINDOW_DAYS: i64 = 63;
/// The most results one page may ask for (`requestRecordsAmount`).
pub const MAX_PAGE_SIZE: usize = 1000;

/// `orderTypeList` values: 1 通常購入, 4 定期購入, 5 頒布会, 6 予約商品 (order-api.md §3.1).
pub const ORDER_TYPES: [i64; 4] = [1, 4, 5, 6];

/// True for a `settlementMethod` searchOrder filters on: the getOrder codes, and 3 後払い,
/// which was removed from getOrder in 2022-11 but still names old orders.
pub fn is_searchable_settlement(code: i64) -> bool {
    code == 3 || super::order::SettlementMethod::from_code(code).is_some()
}

/// Why a search range is refused (the wire answers all three with one message code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeProblem {
    /// endDatetime is before startDatetime.
    EndBeforeStart,
    /// The range spans more than [`WINDOW_DAYS`].
    WindowTooLong,
    /// startDatetime is more than [`HORIZON_DAYS`] ago.
    StartTooOld,
}

/// Why a page request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageProblem {
    /// Page size 0 or above [`MAX_PAGE_SIZE`].
    PageSize(usize),
    /// Page 0 (pages count from 1).
    Page(usize),
}

/// `searchKeywordType` (order-api.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeywordField {
    /// 1 商品名
    ItemName,
    /// 2 商品番号
    ItemNumber,
    /// 3 ひとことメモ
    Memo,
    /// 4 注文者お名前
    OrdererName,
    /// 5 注文者お名前フリガナ
    OrdererNameKana,
    /// 6 送付先お名前
    SenderName,
    /// 7 SKU管理番号 (variantId)
    VariantId,
    /// 8 システム連携用SKU番号 (merchantDefinedSkuId)
    MerchantDefinedSkuId,
    /// 9 SKU情報
    SkuInfo,
}

impl KeywordField {
    /// The field of a `searchKeywordType`; None for 0 (no keyword) and unknown ones.
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
    /// Which date `[start, end]` applies to.
    pub date_type: DateType,
    /// Range start, inclusive.
    pub start: JstDateTime,
    /// Range end, inclusive.
    pub end: JstDateTime,
    /// `orderTypeList`; empty = all.
    pub order_types: Vec<i64>,
    /// `settlementMethod`
    pub settlement_method: Option<i64>,
    /// `deliveryName`, exact.
    pub delivery_name: Option<String>,
    /// Only orders without a shipping date.
    pub shipping_date_blank: bool,
    /// Only orders without a tracking number.
    pub shipping_number_blank: bool,
    /// A keyword and the field it searches.
    pub keyword: Option<(KeywordField, String)>,
    /// 0 all, 1 PC, 2 mobile
    pub mail_send_type: i64,
    /// The orderer's (masked) e-mail, exact.
    pub orderer_mail_address: Option<String>,
    /// (1 orderer / 2 recipient, number)
    pub phone: Option<(i64, String)>,
    /// 予約番号, exact.
    pub reserve_number: Option<String>,
    /// 0 all, 1 PC, 2 mobile, 3 smartphone, 4 tablet
    pub purchase_site_type: i64,
    /// あす楽 only.
    pub asuraku_only: bool,
    /// Orders with coupons only.
    pub coupon_use_only: bool,
    /// 医薬品 only.
    pub drug_only: bool,
    /// 海外 only.
    pub overseas_only: bool,
    /// Only orders with `oneDayOperationFlag` 1.
    pub one_day_operation_only: bool,
    /// Results per page (1–[`MAX_PAGE_SIZE`] on the wire; never 0).
    pub page_size: NonZeroUsize,
    /// 1-based page.
    pub page: NonZeroUsize,
    /// Newest first.
    pub descending: bool,
}

impl SearchQuery {
    /// A query for `[start, end]` on `date_type` with RMS defaults for everything else
    /// (30 per page, page 1).
    pub fn new(date_type: DateType, start: JstDateTime, end: JstDateTime) -> Self {
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
            page_size: NonZeroUsize::new(30).unwrap_or(NonZeroUsize::MIN),
            page: NonZeroUsize::MIN,
            descending: false,
        }
    }

    /// Sets the page, checked: a size of 1–[`MAX_PAGE_SIZE`] and a page from 1.
    pub fn with_page(mut self, page_size: usize, page: usize) -> Result<Self, PageProblem> {
        if page_size > MAX_PAGE_SIZE {
            return Err(PageProblem::PageSize(page_size));
        }
        self.page_size = NonZeroUsize::new(page_size).ok_or(PageProblem::PageSize(page_size))?;
        self.page = NonZeroUsize::new(page).ok_or(PageProblem::Page(page))?;
        Ok(self)
    }

    /// The rules of RMS on the range at `now`: end not before start, at most
    /// [`WINDOW_DAYS`] long, start at most [`HORIZON_DAYS`] ago. All that apply, in that order.
    pub fn range_problems(&self, now: JstDateTime) -> Vec<RangeProblem> {
        let mut out = Vec::new();
        if self.end < self.start {
            out.push(RangeProblem::EndBeforeStart);
        } else if self.end.seconds() - self.start.seconds() > WINDOW_DAYS * 86_400 {
            out.push(RangeProblem::WindowTooLong);
        }
        if self.start < now.plus_days(-HORIZON_DAYS) {
            out.push(RangeProblem::StartTooOld);
        }
        out
    }

    /// Everything but the date range and status: the rules each filter applies to one order
    /// (the indexes of [`super::search`] answer the same; it checks its few e-mail and phone
    /// candidates with this).
    pub(super) fn matches_rest(&self, o: &Order) -> bool {
        if !self.sub_status_ids.is_empty() {
            let ok = match &o.sub_status {
                None => self.sub_status_ids.contains(&-1),
                Some((id, _)) => self.sub_status_ids.contains(id),
            };
            if !ok {
                return false;
            }
        }
        if !self.order_types.is_empty() && !self.order_types.contains(&i64::from(o.order_type.code())) {
            return false;
        }
        if let Some(r) = &self.reserve_number {
            if o.reservation.as_ref().is_none_or(|x| &x.number != r) {
                return false;
            }
        }
        if self.asuraku_only || self.coupon_use_only || self.drug_only || self.overseas_only {
            return false;
        }
        if self.one_day_operation_only && !o.one_day_operation {
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
        let site = purchase_site(o.orderer.carrier_code) as i64;
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

fn keyword_hit(o: &Order, field: KeywordField, kw: &str) -> bool {
    let kw_sq = squash(kw);
    match field {
        KeywordField::ItemName => o.items().any(|i| i.sku.item_name.contains(kw)),
        KeywordField::ItemNumber => o.items().any(|i| i.sku.item_number.contains(kw)),
        KeywordField::Memo => o.memo.as_deref().is_some_and(|m| m.contains(kw)),
        KeywordField::OrdererName => squash(&o.orderer.full_name()).contains(&kw_sq),
        KeywordField::OrdererNameKana => squash(&o.orderer.full_name_kana()).contains(&kw_sq),
        KeywordField::SenderName => o.packages.iter().any(|p| squash(&p.sender.full_name()).contains(&kw_sq)),
        KeywordField::VariantId => o.items().any(|i| i.sku.variant_id == kw),
        KeywordField::MerchantDefinedSkuId => o.items().any(|i| i.sku.merchant_defined_sku_id.as_deref() == Some(kw)),
        KeywordField::SkuInfo => o.items().any(|i| i.sku.sku_info.as_deref().is_some_and(|s| s.contains(kw))),
    }
}
