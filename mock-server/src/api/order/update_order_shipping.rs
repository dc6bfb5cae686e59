//! updateOrderShipping (発送完了報告): add, update and delete shipping rows of one order; 300
//! → 500 once every basket has carrier, tracking number and date (order-api.md §3.4).

use super::envelope::{message_list, refusal, refusal_message, Message};
use super::fields::Body;
use super::shipping_rows::parse_baskets;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::function::OrderOperation;
use crate::domain::order::Cause;
use crate::domain::order_ops::{RowOutcome, RowResult};
use crate::domain::shop::Shop;
use serde_json::json;

pub fn update_order_shipping(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let baskets = parse_baskets(&mut f, op.code, None);
    let (Some(number), Some(baskets), true) = (number, baskets, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let msgs = match shop.update_shipping(&number, &baskets, Cause::Api(OrderOperation::UpdateOrderShipping)) {
        Ok(rows) => row_messages(op.code, &rows),
        Err(r) => vec![refusal(op.code, "発送完了報告", &number, &r).for_row(None, None)],
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
                RowOutcome::Refused(r) => refusal_message(op, "発送完了報告", r),
            };
            m.for_row(Some(r.data_number), r.detail_id)
        })
        .collect()
}
