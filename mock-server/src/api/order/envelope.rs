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
}

impl Message {
    /// `ORDER_EXT_API_<OP>_ERROR_<nnn>`
    pub fn error(op: &str, nnn: &str, text: String) -> Self {
        Message {
            kind: "ERROR",
            code: format!("ORDER_EXT_API_{op}_ERROR_{nnn}"),
            text,
            order_number: None,
        }
    }

    pub fn info(op: &str, nnn: &str, text: impl Into<String>) -> Self {
        Message {
            kind: "INFO",
            code: format!("ORDER_EXT_API_{op}_INFO_{nnn}"),
            text: text.into(),
            order_number: None,
        }
    }

    pub fn for_order(mut self, number: &str) -> Self {
        self.order_number = Some(number.to_string());
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
