//! The order API's message envelope: `MessageModelList[{messageType, messageCode, message
//! [, orderNumber]}]`, and the body shapes each operation answers with.

use crate::domain::order_ops::{Refusal, SenderField};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Map, Value};

/// One `MessageModel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: &'static str,
    pub code: String,
    pub text: String,
    pub order_number: Option<String>,
    /// updateOrderShippingAsync's `requestId`.
    pub request_id: Option<String>,
    /// Shipping messages carry `dataNumber` and `shippingDetailId` (possibly null).
    pub row: Option<(Option<usize>, Option<u64>)>,
}

impl Message {
    /// `ORDER_EXT_API_<OP>_ERROR_<nnn>`
    pub fn error(op: &str, nnn: &str, text: String) -> Self {
        Message {
            kind: "ERROR",
            code: format!("ORDER_EXT_API_{op}_ERROR_{nnn}"),
            text,
            order_number: None,
            request_id: None,
            row: None,
        }
    }

    pub fn info(op: &str, nnn: &str, text: impl Into<String>) -> Self {
        Message {
            kind: "INFO",
            code: format!("ORDER_EXT_API_{op}_INFO_{nnn}"),
            text: text.into(),
            order_number: None,
            request_id: None,
            row: None,
        }
    }

    pub fn for_order(mut self, number: &str) -> Self {
        self.order_number = Some(number.to_string());
        self
    }

    /// Adds `dataNumber` / `shippingDetailId`.
    pub fn for_row(mut self, data_number: Option<usize>, detail_id: Option<u64>) -> Self {
        self.row = Some((data_number, detail_id));
        self
    }

    /// The message as a JSON tree, for answers built as trees.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// `{messageType, messageCode, message[, orderNumber][, requestId][, dataNumber,
/// shippingDetailId]}`, in that order.
impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let optional = usize::from(self.order_number.is_some())
            + usize::from(self.request_id.is_some())
            + if self.row.is_some() { 2 } else { 0 };
        let mut m = s.serialize_struct("MessageModel", 3 + optional)?;
        m.serialize_field("messageType", self.kind)?;
        m.serialize_field("messageCode", &self.code)?;
        m.serialize_field("message", &self.text)?;
        if let Some(n) = &self.order_number {
            m.serialize_field("orderNumber", n)?;
        }
        if let Some(r) = &self.request_id {
            m.serialize_field("requestId", r)?;
        }
        if let Some((d, id)) = self.row {
            m.serialize_field("dataNumber", &d)?;
            m.serialize_field("shippingDetailId", &id)?;
        }
        m.end()
    }
}

pub fn message_list(msgs: &[Message]) -> Value {
    Value::Array(msgs.iter().map(Message::to_json).collect())
}

/// The codes of `msgs`, for the journal and the log line of a typed answer.
pub fn codes(msgs: &[Message]) -> Vec<String> {
    msgs.iter().map(|m| m.code.clone()).collect()
}

/// A body with `MessageModelList` placed among `keys` (in order), every other key `null`:
/// the 400 shape of order-api.md §2 ("every other top-level key is present with value null").
pub fn error_body(keys: &[&str], msgs: &[Message]) -> Value {
    let mut m = Map::new();
    for k in keys {
        if *k == "MessageModelList" {
            m.insert((*k).into(), message_list(msgs));
        } else {
            m.insert((*k).into(), Value::Null);
        }
    }
    Value::Object(m)
}

/// The per-order ERROR item for a refused order: [`refusal_message`] with its order number.
pub fn refusal(op: &str, action: &str, number: &str, r: &Refusal) -> Message {
    refusal_message(op, action, r).for_order(number)
}

/// The ERROR item for a domain refusal. Codes: 016 unknown order (seen for another shop's
/// number), 102 cancelled, 103 wrong status, and one per rule; the texts follow the manual's
/// style (「…が出来る状態ではありませんでした。」). `action` names what was refused (注文確認, …).
pub fn refusal_message(op: &str, action: &str, r: &Refusal) -> Message {
    let (nnn, text) = match r {
        Refusal::NotFound => ("016", "指定された注文番号は存在しません。".to_string()),
        Refusal::Cancelled => (
            // updateOrderSubStatus uses 101 for this (order-api.md §6).
            if op == "UPDATE_ORDERSUBSTATUS" { "101" } else { "102" },
            format!("指定された注文番号は既にキャンセルされているため、{action}が出来る状態ではありませんでした。"),
        ),
        Refusal::WrongStatus(p) => (
            "103",
            format!(
                "指定された注文番号は{}({})のため、{action}が出来る状態ではありませんでした。",
                p.name_ja(),
                p.code()
            ),
        ),
        Refusal::PostageUndetermined => {
            ("105", "送料等の金額が確定していないため、注文確認が出来る状態ではありませんでした。".to_string())
        }
        Refusal::SubStatusNotApplicable(_) => {
            ("102", "指定された注文番号、サブステータスでは更新できません。".to_string())
        }
        Refusal::UnknownBasket(id) => ("104", format!("指定された送付先ID({id})は存在しません。")),
        Refusal::UnknownItemDetail(id) => ("105", format!("指定された商品明細ID({id})は存在しません。")),
        Refusal::OutOfStock { manage_number, variant_id, left } => {
            ("106", format!("在庫が不足しています。({manage_number}/{variant_id} 残り{left})"))
        }
        Refusal::ReductionNeedsReason => ("107", "減額の場合はreductionReasonを指定して下さい。".to_string()),
        Refusal::NotSupported(fields) => {
            let names: Vec<&str> = fields.iter().map(|f| sender_field_key(*f)).collect();
            ("108", format!("rms-mockは次の項目の変更に未対応です: {}", names.join(", ")))
        }
        Refusal::UnknownShippingDetail(id) => ("105", format!("指定された発送明細ID({id})は存在しません。")),
        Refusal::ShippingDetailIdRequired => ("105", "削除する発送明細IDを指定して下さい。".to_string()),
    };
    Message::error(op, nnn, text)
}

/// The request key of a field updateOrderSender cannot change.
pub fn sender_field_key(f: SenderField) -> &'static str {
    match f {
        SenderField::Wrapping1 => "WrappingModel1",
        SenderField::Wrapping2 => "WrappingModel2",
        SenderField::Coupons => "CouponModelList",
        SenderField::SettlementMethodAfter => "afterSettlementMethodCode",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderProgress;

    /// The codes and texts each domain refusal had when they were written in the domain.
    #[test]
    fn each_refusal_keeps_its_rms_code_and_text() {
        let cases: Vec<(Refusal, &str, String)> = vec![
            (Refusal::NotFound, "ORDER_EXT_API_CONFIRM_ORDER_ERROR_016", "指定された注文番号は存在しません。".into()),
            (
                Refusal::Cancelled,
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102",
                "指定された注文番号は既にキャンセルされているため、注文確認が出来る状態ではありませんでした。".into(),
            ),
            (
                Refusal::WrongStatus(OrderProgress::WaitingForShipment),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103",
                "指定された注文番号は発送待ち(300)のため、注文確認が出来る状態ではありませんでした。".into(),
            ),
            (
                Refusal::PostageUndetermined,
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_105",
                "送料等の金額が確定していないため、注文確認が出来る状態ではありませんでした。".into(),
            ),
            (
                Refusal::SubStatusNotApplicable(1),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102",
                "指定された注文番号、サブステータスでは更新できません。".into(),
            ),
            (
                Refusal::UnknownBasket(7),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_104",
                "指定された送付先ID(7)は存在しません。".into(),
            ),
            (
                Refusal::UnknownItemDetail(8),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_105",
                "指定された商品明細ID(8)は存在しません。".into(),
            ),
            (
                Refusal::OutOfStock { manage_number: "m".into(), variant_id: "v".into(), left: 2 },
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_106",
                "在庫が不足しています。(m/v 残り2)".into(),
            ),
            (
                Refusal::ReductionNeedsReason,
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_107",
                "減額の場合はreductionReasonを指定して下さい。".into(),
            ),
            (
                Refusal::NotSupported(vec![SenderField::Wrapping1, SenderField::SettlementMethodAfter]),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_108",
                "rms-mockは次の項目の変更に未対応です: WrappingModel1, afterSettlementMethodCode".into(),
            ),
            (
                Refusal::UnknownShippingDetail(9),
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_105",
                "指定された発送明細ID(9)は存在しません。".into(),
            ),
            (
                Refusal::ShippingDetailIdRequired,
                "ORDER_EXT_API_CONFIRM_ORDER_ERROR_105",
                "削除する発送明細IDを指定して下さい。".into(),
            ),
        ];
        for (r, code, text) in cases {
            let m = refusal_message("CONFIRM_ORDER", "注文確認", &r);
            assert_eq!((m.kind, m.code.as_str(), m.text.as_str()), ("ERROR", code, text.as_str()), "{r:?}");
        }
        let m = refusal("UPDATE_ORDERSUBSTATUS", "サブステータスの更新", "n", &Refusal::Cancelled);
        assert_eq!(
            (m.code.as_str(), m.order_number.as_deref()),
            ("ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_ERROR_101", Some("n"))
        );
    }
}
