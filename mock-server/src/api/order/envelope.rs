//! The order API's message envelope: `MessageModelList[{messageType, messageCode, message
//! [, orderNumber]}]`, and the body shapes each operation answers with.

use serde_json::{json, Map, Value};

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

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("messageType".into(), json!(self.kind));
        m.insert("messageCode".into(), json!(self.code));
        m.insert("message".into(), json!(self.text));
        if let Some(n) = &self.order_number {
            m.insert("orderNumber".into(), json!(n));
        }
        if let Some(r) = &self.request_id {
            m.insert("requestId".into(), json!(r));
        }
        if let Some((d, id)) = self.row {
            m.insert("dataNumber".into(), json!(d));
            m.insert("shippingDetailId".into(), json!(id));
        }
        Value::Object(m)
    }
}

pub fn message_list(msgs: &[Message]) -> Value {
    Value::Array(msgs.iter().map(Message::to_json).collect())
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

/// The per-order ERROR item for a refused order. Codes: 016 unknown order (seen for another
/// shop's number), 102 cancelled, 103 wrong status, others from the rule itself; the texts
/// follow the manual's style (「…が出来る状態ではありませんでした。」).
pub fn refusal(op: &str, action: &str, number: &str, r: &crate::domain::order_ops::Refusal) -> Message {
    use crate::domain::order_ops::Refusal;
    let m = match r {
        Refusal::NotFound => Message::error(op, "016", "指定された注文番号は存在しません。".into()),
        Refusal::Cancelled => Message::error(
            op,
            // updateOrderSubStatus uses 101 for this (order-api.md §6).
            if op == "UPDATE_ORDERSUBSTATUS" { "101" } else { "102" },
            format!("指定された注文番号は既にキャンセルされているため、{action}が出来る状態ではありませんでした。"),
        ),
        Refusal::WrongStatus(p) => Message::error(
            op,
            "103",
            format!(
                "指定された注文番号は{}({})のため、{action}が出来る状態ではありませんでした。",
                p.name_ja(),
                p.code()
            ),
        ),
        Refusal::Rule(n, text) => Message::error(op, n, text.clone()),
    };
    m.for_order(number)
}
