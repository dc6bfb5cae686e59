//! updateOrderShipping (発送完了報告): add, update and delete shipping rows of one order; 300
//! → 500 once every basket has carrier, tracking number and date (order-api.md §3.4).

use super::envelope::{error_body, message_list, refusal, Message};
use super::fields::Fields;
use super::shipping_rows::parse_baskets;
use crate::api::RmsReply;
use crate::domain::order::Cause;
use crate::domain::order_ops::{RowOutcome, RowResult};
use crate::domain::shop::Shop;
use serde_json::{json, Map, Value};

pub const OP: &str = "UPDATE_ORDERSHIPPING";
const KEYS: &[&str] = &["MessageModelList"];

pub fn update_order_shipping(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let number = f.string("orderNumber", true);
    let baskets = parse_baskets(&mut f, OP, None);
    let (Some(number), Some(baskets), true) = (number, baskets, f.ok()) else {
        return RmsReply::json(400, error_body(KEYS, &f.errors));
    };
    let msgs = match shop.update_shipping(&number, &baskets, Cause::Api("updateOrderShipping")) {
        Ok(rows) => row_messages(OP, &rows),
        Err(r) => vec![refusal(OP, "発送完了報告", &number, &r).for_row(None, None)],
    };
    RmsReply::json(200, json!({ "MessageModelList": message_list(&msgs) }))
}

/// One message per row: INFO_101 added / 102 updated / 103 deleted, or the row's error.
pub fn row_messages(op: &str, rows: &[RowResult]) -> Vec<Message> {
    rows.iter()
        .map(|r| {
            let m = match &r.outcome {
                RowOutcome::Added => Message::info(op, "101", "発送情報の追加設定が完了しました。"),
                RowOutcome::Updated => Message::info(op, "102", "発送情報の更新設定が完了しました。"),
                RowOutcome::Deleted => Message::info(op, "103", "発送情報の削除設定が完了しました。"),
                RowOutcome::Failed(n, text) => Message::error(op, n, text.clone()),
            };
            m.for_row(Some(r.data_number), r.detail_id)
        })
        .collect()
}
