//! The order API's write operations as RMS rules: shipping reports, cancellations, memos,
//! sub-statuses, edits of the orderer, recipients and amounts, and what the clock does after
//! shipping (order-api.md §3, §5). Every status change goes through `Shop::change`, so the
//! history and the ledger see it.

use super::buyer::Buyer;
use super::order::{Carrier, OrderProgress};
use super::time::JstDate;

/// The most orders one request may name (confirmOrder, getOrder, updateOrderSubStatus,
/// updateOrderShippingAsync; order-api.md §3).
pub const MAX_ORDERS_PER_REQUEST: usize = 100;

/// The most shipping rows per basket in one updateOrderShipping call (order-api.md §3.4).
pub const MAX_ROWS_PER_BASKET: usize = 20;

/// 置き配場所 values a basket may name (order-api.md §4 PackageModel); 「利用しない」 means none.
pub const DROP_OFF_LOCATIONS: [&str; 7] =
    ["宅配ボックス", "玄関前", "玄関前鍵付容器", "ポスト（郵便受箱）", "メーターボックス", "物置", "車庫"];

/// お届け時間帯 (`shippingTerm`): 0 none, 1 AM, 2 PM, 9 other, or h1h2 with 7 ≤ h1 < h2 ≤ 24
/// (e.g. 1416).
pub fn is_valid_shipping_term(t: i64) -> bool {
    if matches!(t, 0 | 1 | 2 | 9) {
        return true;
    }
    let (h1, h2) = (t / 100, t % 100);
    (100..=2424).contains(&t) && (7..=23).contains(&h1) && h2 > h1 && h2 <= 24
}

/// getOrder does not return orders placed longer ago than this (order-api.md §3.2).
pub const GET_ORDER_HORIZON_DAYS: i64 = 730;

/// What simulateCouponAmount answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CouponSimulation {
    /// `couponAllTotalPrice` with the simulated coupons.
    pub coupon_total: i64,
    /// `requestPrice` with them.
    pub request_price: i64,
}

/// Why an operation was refused for one order, named for the RMS rule it broke. `api/order`
/// turns each into its per-order ERROR item (HTTP 200); the domain knows no codes or texts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Refusal {
    /// No such order in this shop (also another shop's number).
    NotFound,
    /// 800 / 900
    Cancelled,
    /// Not a status this operation works in.
    WrongStatus(OrderProgress),
    /// confirmOrder: postage is still undetermined (-9999); the shop must set it first.
    PostageUndetermined,
    /// The sub-status id is not defined for the order's status.
    SubStatusNotApplicable(i64),
    /// No basket (送付先) with this id in the order.
    UnknownBasket(u64),
    /// No ordered line (商品明細) with this id in the basket.
    UnknownItemDetail(u64),
    /// Raising units needs stock the variant does not have.
    OutOfStock {
        /// The item.
        manage_number: String,
        /// The SKU.
        variant_id: String,
        /// Units left in stock.
        left: i64,
    },
    /// A confirmed order's amount goes down without a `reductionReason`.
    ReductionNeedsReason,
    /// Fields of updateOrderSender the fake cannot change (named rather than dropped).
    NotSupported(Vec<SenderField>),
    /// No shipping row (発送明細) with this id in the basket.
    UnknownShippingDetail(u64),
    /// Deleting a shipping row needs its id.
    ShippingDetailIdRequired,
}

/// Parts of an order updateOrderSender could change but the fake does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SenderField {
    /// ラッピング 1
    Wrapping1,
    /// ラッピング 2
    Wrapping2,
    /// The coupons used.
    Coupons,
    /// The payment method after a change.
    SettlementMethodAfter,
}

/// One field of a partial update: left out, emptied, or set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Patch<T> {
    /// Left out: stays as it is.
    Keep,
    /// Emptied.
    Clear,
    /// Set to a value.
    Set(T),
}

impl<T> Patch<T> {
    /// Applies the change to a field that keeps `T` (or what a `T` becomes, e.g. a `String` a
    /// shared `Text`).
    pub(crate) fn apply<U: From<T>>(self, slot: &mut Option<U>) {
        match self {
            Patch::Keep => {}
            Patch::Clear => *slot = None,
            Patch::Set(v) => *slot = Some(U::from(v)),
        }
    }
}

/// One row of `ShippingModelList` in a request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShippingRowUpdate {
    /// 1-based position in the request (`dataNumber`).
    pub data_number: usize,
    /// The row to change or delete; None adds a row.
    pub detail_id: Option<u64>,
    /// Carrier code.
    pub delivery_company: Patch<Carrier>,
    /// Tracking number.
    pub shipping_number: Patch<String>,
    /// Shipping date.
    pub shipping_date: Patch<JstDate>,
    /// `shippingDeleteFlag`
    pub delete: bool,
}

/// The shipping rows of one basket in a request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BasketUpdate {
    /// The basket.
    pub basket_id: u64,
    /// Its rows, in request order.
    pub rows: Vec<ShippingRowUpdate>,
}

/// What became of one shipping row of a request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RowOutcome {
    /// A new row was added.
    Added,
    /// An existing row was changed.
    Updated,
    /// A row was deleted.
    Deleted,
    /// The row was refused (the others still apply).
    Refused(Refusal),
}

/// What became of one row, for its message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowResult {
    /// 1-based position in the request (`dataNumber`).
    pub data_number: usize,
    /// The row to change or delete; None adds a row.
    pub detail_id: Option<u64>,
    /// The result.
    pub outcome: RowOutcome,
}

/// What one order of an async request came to.
pub type OrderShippingResult = (String, Result<Vec<RowResult>, Refusal>);

/// A stored updateOrderShippingAsync request.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AsyncRequest {
    /// Order numbers and their baskets, in request order.
    pub orders: Vec<(String, Vec<BasketUpdate>)>,
    /// Filled when processed.
    pub results: Option<Vec<OrderShippingResult>>,
}

/// updateOrderMemo fields; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoUpdate {
    /// サブステータス.
    pub sub_status_id: Option<i64>,
    /// 配送区分 0–8.
    pub delivery_class: Option<i64>,
    /// お届け日指定.
    pub delivery_date: Option<Option<JstDate>>,
    /// お届け時間帯.
    pub shipping_term: Option<i64>,
    /// ひとことメモ.
    pub memo: Option<Option<String>>,
    /// 担当者.
    pub operator: Option<Option<String>>,
    /// メール差込文.
    pub mail_plug_sentence: Option<Option<String>>,
}

/// One basket of updateOrderSender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageUpdate {
    /// The basket.
    pub basket_id: u64,
    /// New postage.
    pub postage_price: Option<i64>,
    /// New COD fee.
    pub delivery_price: Option<i64>,
    /// のし.
    pub noshi: Patch<String>,
    /// 置き配場所.
    pub drop_off_location: Patch<String>,
    /// New recipient.
    pub sender: Option<Buyer>,
    /// Line changes.
    pub items: Vec<ItemUpdate>,
}

/// A change to one ordered line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemUpdate {
    /// The line.
    pub item_detail_id: u64,
    /// New unit price.
    pub price: Option<i64>,
    /// New units.
    pub units: Option<i64>,
}

/// How cancelOrder treats stock (`inventoryRestoreType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestoreType {
    /// 0: as each item is set (`restockOnCancel`)
    FollowItem,
    /// 1
    Restore,
    /// 2
    Keep,
}

impl RestoreType {
    pub(crate) fn force(self) -> Option<bool> {
        match self {
            RestoreType::FollowItem => None,
            RestoreType::Restore => Some(true),
            RestoreType::Keep => Some(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipping_terms_follow_the_h1h2_rule() {
        for ok in [0, 1, 2, 9, 708, 724, 1014, 1416, 2324] {
            assert!(is_valid_shipping_term(ok), "{ok}");
        }
        for bad in [3, 8, 10, 607, 1410, 1425, 2400, -1] {
            assert!(!is_valid_shipping_term(bad), "{bad}");
        }
    }
}
