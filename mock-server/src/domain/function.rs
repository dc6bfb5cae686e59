//! The RMS functions a request can call: the 18 RakutenPay Order API operations by name, and
//! the function ids the gateway knows them by (`rpay.order.searchOrder`,
//! `itemapi_2.0.items.get`, …), which shops tick in 利用機能編集 and rate limits count per.
//!
//! A function id is a [`FunctionId`], never a free string: a shop document naming one that
//! does not exist (`rpay.order.serchOrder`) is refused when it is read, with the nearest id.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// One RakutenPay Order API operation (order-api.md §3): the path segment and the cause
/// recorded when it moves an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrderOperation {
    /// 受注検索
    SearchOrder,
    /// 注文情報取得
    GetOrder,
    /// 注文確認
    ConfirmOrder,
    /// 発送完了報告
    UpdateOrderShipping,
    /// 発送完了報告（非同期）
    UpdateOrderShippingAsync,
    /// 発送完了報告（非同期）の結果確認
    GetResultUpdateOrderShippingAsync,
    /// サブステータス情報取得
    GetSubStatusList,
    /// サブステータス情報更新
    UpdateOrderSubStatus,
    /// ひとことメモ更新
    UpdateOrderMemo,
    /// 備考情報更新
    UpdateOrderRemarks,
    /// 送付先情報更新（発送前）
    UpdateOrderSender,
    /// 送付先情報更新（発送後）
    UpdateOrderSenderAfterShipping,
    /// 注文キャンセル（発送前）
    CancelOrder,
    /// 注文キャンセル（発送後）
    CancelOrderAfterShipping,
    /// 注文者情報更新
    UpdateOrderOrderer,
    /// 配送方法更新
    UpdateOrderDelivery,
    /// クーポン利用額シミュレーション
    SimulateCouponAmount,
    /// 決済情報取得
    GetPayment,
}

/// (operation, name, function id), in the catalogue's order.
const ORDER_OPERATIONS: [(OrderOperation, &str, &str); 18] = [
    (OrderOperation::SearchOrder, "searchOrder", "rpay.order.searchOrder"),
    (OrderOperation::GetOrder, "getOrder", "rpay.order.getOrder"),
    (OrderOperation::ConfirmOrder, "confirmOrder", "rpay.order.confirmOrder"),
    (OrderOperation::UpdateOrderShipping, "updateOrderShipping", "rpay.order.updateOrderShipping"),
    (OrderOperation::UpdateOrderShippingAsync, "updateOrderShippingAsync", "rpay.order.updateOrderShippingAsync"),
    (
        OrderOperation::GetResultUpdateOrderShippingAsync,
        "getResultUpdateOrderShippingAsync",
        "rpay.order.getResultUpdateOrderShippingAsync",
    ),
    (OrderOperation::GetSubStatusList, "getSubStatusList", "rpay.order.getSubStatusList"),
    (OrderOperation::UpdateOrderSubStatus, "updateOrderSubStatus", "rpay.order.updateOrderSubStatus"),
    (OrderOperation::UpdateOrderMemo, "updateOrderMemo", "rpay.order.updateOrderMemo"),
    (OrderOperation::UpdateOrderRemarks, "updateOrderRemarks", "rpay.order.updateOrderRemarks"),
    (OrderOperation::UpdateOrderSender, "updateOrderSender", "rpay.order.updateOrderSender"),
    (
        OrderOperation::UpdateOrderSenderAfterShipping,
        "updateOrderSenderAfterShipping",
        "rpay.order.updateOrderSenderAfterShipping",
    ),
    (OrderOperation::CancelOrder, "cancelOrder", "rpay.order.cancelOrder"),
    (OrderOperation::CancelOrderAfterShipping, "cancelOrderAfterShipping", "rpay.order.cancelOrderAfterShipping"),
    (OrderOperation::UpdateOrderOrderer, "updateOrderOrderer", "rpay.order.updateOrderOrderer"),
    (OrderOperation::UpdateOrderDelivery, "updateOrderDelivery", "rpay.order.updateOrderDelivery"),
    (OrderOperation::SimulateCouponAmount, "simulateCouponAmount", "rpay.order.simulateCouponAmount"),
    (OrderOperation::GetPayment, "getPayment", "rpay.order.getPayment"),
];

impl OrderOperation {
    /// All 18, in the catalogue's order.
    pub const ALL: [OrderOperation; 18] = {
        let mut out = [OrderOperation::SearchOrder; 18];
        let mut i = 0;
        while i < 18 {
            out[i] = ORDER_OPERATIONS[i].0;
            i += 1;
        }
        out
    };

    fn row(self) -> &'static (OrderOperation, &'static str, &'static str) {
        // The table lists every variant in declaration order.
        &ORDER_OPERATIONS[self as usize]
    }

    /// The path segment, e.g. `searchOrder` (also the ledger's cause text).
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The operation at a path segment.
    pub fn from_name(name: &str) -> Option<Self> {
        ORDER_OPERATIONS.iter().find(|(_, n, _)| *n == name).map(|(op, _, _)| *op)
    }

    /// Its function id, e.g. `rpay.order.searchOrder`.
    pub fn function_id(self) -> FunctionId {
        FunctionId(self.row().2)
    }
}

/// An RMS function id as the gateway knows it. Only the ids the fake serves exist; serialised
/// as the id string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionId(&'static str);

impl FunctionId {
    /// `itemapi_2.0.items.get`
    pub const ITEMS_GET: FunctionId = FunctionId("itemapi_2.0.items.get");
    /// `itemapi_2.0.items.upsert`
    pub const ITEMS_UPSERT: FunctionId = FunctionId("itemapi_2.0.items.upsert");
    /// `itemapi_2.0.items.patch`
    pub const ITEMS_PATCH: FunctionId = FunctionId("itemapi_2.0.items.patch");
    /// `itemapi_2.0.items.delete`
    pub const ITEMS_DELETE: FunctionId = FunctionId("itemapi_2.0.items.delete");
    /// `itemapi_2.0.items.search`
    pub const ITEMS_SEARCH: FunctionId = FunctionId("itemapi_2.0.items.search");
    /// `itemapi_2.0.items.bulk.get`
    pub const ITEMS_BULK_GET: FunctionId = FunctionId("itemapi_2.0.items.bulk.get");
    /// `itemapi_2.0.items.inventory-related-settings.get`
    pub const ITEMS_SETTINGS_GET: FunctionId = FunctionId("itemapi_2.0.items.inventory-related-settings.get");
    /// `itemapi_2.0.items.inventory-related-settings.update`
    pub const ITEMS_SETTINGS_UPDATE: FunctionId = FunctionId("itemapi_2.0.items.inventory-related-settings.update");
    /// `inventoryapi.inventories.variants.get`
    pub const INVENTORY_GET: FunctionId = FunctionId("inventoryapi.inventories.variants.get");
    /// `inventoryapi.inventories.variants.upsert`
    pub const INVENTORY_UPSERT: FunctionId = FunctionId("inventoryapi.inventories.variants.upsert");
    /// `inventoryapi.inventories.variants.delete`
    pub const INVENTORY_DELETE: FunctionId = FunctionId("inventoryapi.inventories.variants.delete");
    /// `inventoryapi.inventories.bulk.get`
    pub const INVENTORY_BULK_GET: FunctionId = FunctionId("inventoryapi.inventories.bulk.get");
    /// `inventoryapi.inventories.bulk.get.range`
    pub const INVENTORY_BULK_GET_RANGE: FunctionId = FunctionId("inventoryapi.inventories.bulk.get.range");
    /// `inventoryapi.inventories.bulk.upsert`
    pub const INVENTORY_BULK_UPSERT: FunctionId = FunctionId("inventoryapi.inventories.bulk.upsert");
    /// `inventoryapi.inventories.variant-lists.get`
    pub const INVENTORY_VARIANT_LISTS_GET: FunctionId = FunctionId("inventoryapi.inventories.variant-lists.get");

    const OTHERS: [FunctionId; 15] = [
        Self::ITEMS_GET,
        Self::ITEMS_UPSERT,
        Self::ITEMS_PATCH,
        Self::ITEMS_DELETE,
        Self::ITEMS_SEARCH,
        Self::ITEMS_BULK_GET,
        Self::ITEMS_SETTINGS_GET,
        Self::ITEMS_SETTINGS_UPDATE,
        Self::INVENTORY_GET,
        Self::INVENTORY_UPSERT,
        Self::INVENTORY_DELETE,
        Self::INVENTORY_BULK_GET,
        Self::INVENTORY_BULK_GET_RANGE,
        Self::INVENTORY_BULK_UPSERT,
        Self::INVENTORY_VARIANT_LISTS_GET,
    ];

    /// Every function id the fake serves.
    pub fn all() -> impl Iterator<Item = FunctionId> {
        OrderOperation::ALL.into_iter().map(OrderOperation::function_id).chain(Self::OTHERS)
    }

    /// The id as RMS writes it.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Reads an id; an unknown one comes back with the nearest known id, if any is close.
    pub fn parse(s: &str) -> Result<FunctionId, UnknownFunction> {
        Self::all().find(|f| f.0 == s).ok_or_else(|| UnknownFunction {
            given: s.to_string(),
            nearest: Self::all()
                .map(|f| (edit_distance(s, f.0), f))
                .filter(|(d, _)| *d <= s.chars().count().max(4) / 3)
                .min_by_key(|(d, _)| *d)
                .map(|(_, f)| f),
        })
    }
}

impl fmt::Debug for FunctionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for FunctionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A function id that does not exist, and the nearest that does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFunction {
    /// What was written.
    pub given: String,
    /// The closest known id, when one is close enough to be a typo.
    pub nearest: Option<FunctionId>,
}

impl fmt::Display for UnknownFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not an RMS function id", self.given)?;
        match self.nearest {
            Some(n) => write!(f, "; did you mean {n}?"),
            None => write!(f, " (e.g. rpay.order.searchOrder, itemapi_2.0.items.get)"),
        }
    }
}

impl std::error::Error for UnknownFunction {}

impl Serialize for FunctionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for FunctionId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FunctionId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Levenshtein distance over chars (ids are short; this runs only on a typo).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_name_and_function_id_in_declaration_order() {
        for (i, op) in OrderOperation::ALL.into_iter().enumerate() {
            assert_eq!(op as usize, i);
            assert_eq!(OrderOperation::from_name(op.name()), Some(op));
            assert_eq!(op.function_id().as_str(), format!("rpay.order.{}", op.name()));
        }
        assert_eq!(OrderOperation::from_name("serchOrder"), None);
    }

    #[test]
    fn every_function_id_parses_back_to_itself() {
        let all: Vec<FunctionId> = FunctionId::all().collect();
        assert_eq!(all.len(), 33);
        for f in all {
            assert_eq!(FunctionId::parse(f.as_str()), Ok(f));
        }
    }

    #[test]
    fn a_typo_suggests_the_nearest_id() {
        let e = FunctionId::parse("rpay.order.serchOrder").unwrap_err();
        assert_eq!(e.nearest, Some(OrderOperation::SearchOrder.function_id()));
        assert_eq!(
            e.to_string(),
            "'rpay.order.serchOrder' is not an RMS function id; did you mean rpay.order.searchOrder?"
        );
        assert_eq!(FunctionId::parse("itemapi_2.0.items.gett").unwrap_err().nearest, Some(FunctionId::ITEMS_GET));
        assert_eq!(FunctionId::parse("nonsense").unwrap_err().nearest, None);
    }
}
