//! The order API's write operations as RMS rules: shipping reports, cancellations, memos,
//! sub-statuses, edits of the orderer, recipients and amounts, and what the clock does after
//! shipping (order-api.md §3, §5). Every status change goes through `Shop::change`, so the
//! history and the ledger see it.

use super::buyer::Buyer;
use super::order::OrderProgress;
use super::time::JstDate;

/// Why an operation was refused for one order (a per-order ERROR item, HTTP 200).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    /// 800 / 900
    Cancelled,
    /// Not a status this operation works in.
    WrongStatus(OrderProgress),
    /// A rule of the operation: (message number, Japanese text).
    Rule(&'static str, String),
}

/// One field of a partial update: left out, emptied, or set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Patch<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub(crate) fn apply(self, slot: &mut Option<T>) {
        match self {
            Patch::Keep => {}
            Patch::Clear => *slot = None,
            Patch::Set(v) => *slot = Some(v),
        }
    }
}

/// One row of `ShippingModelList` in a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippingRowUpdate {
    /// 1-based position in the request (`dataNumber`).
    pub data_number: usize,
    pub detail_id: Option<u64>,
    pub delivery_company: Patch<String>,
    pub shipping_number: Patch<String>,
    pub shipping_date: Patch<JstDate>,
    pub delete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasketUpdate {
    pub basket_id: u64,
    pub rows: Vec<ShippingRowUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    Deleted,
    /// (message number, text)
    Failed(&'static str, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowResult {
    pub data_number: usize,
    pub detail_id: Option<u64>,
    pub outcome: RowOutcome,
}

/// What one order of an async request came to.
pub type OrderShippingResult = (String, Result<Vec<RowResult>, Refusal>);

/// A stored updateOrderShippingAsync request.
#[derive(Clone, Debug)]
pub struct AsyncRequest {
    pub orders: Vec<(String, Vec<BasketUpdate>)>,
    /// Filled when processed.
    pub results: Option<Vec<OrderShippingResult>>,
}

/// updateOrderMemo fields; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoUpdate {
    pub sub_status_id: Option<i64>,
    pub delivery_class: Option<i64>,
    pub delivery_date: Option<Option<JstDate>>,
    pub shipping_term: Option<i64>,
    pub memo: Option<Option<String>>,
    pub operator: Option<Option<String>>,
    pub mail_plug_sentence: Option<Option<String>>,
}

/// One basket of updateOrderSender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageUpdate {
    pub basket_id: u64,
    pub postage_price: Option<i64>,
    pub delivery_price: Option<i64>,
    pub noshi: Patch<String>,
    pub drop_off_location: Patch<String>,
    pub sender: Option<Buyer>,
    pub items: Vec<ItemUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemUpdate {
    pub item_detail_id: u64,
    pub price: Option<i64>,
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

/// changeReasonDetail codes, and whether each is the buyer's doing (changeReason 1).
pub fn reason_is_buyers(detail: u8) -> Option<bool> {
    match detail {
        1..=6 => Some(true),
        8 | 10 | 13 | 14 | 15 | 16 => Some(false),
        _ => None,
    }
}
