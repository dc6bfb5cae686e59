//! confirmOrder (注文確認): 100 → 200 per order, one message each (order-api.md §3.3).

use super::envelope::{message_list, refusal, Message};
use super::fields::Body;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use serde_json::json;

pub fn confirm_order(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let numbers = f.string_list("orderNumberList", true);
    if let Some(n) = &numbers {
        if n.len() > MAX_ORDERS_PER_REQUEST {
            f.malformed("orderNumberList");
        }
    }
    let (Some(numbers), true) = (numbers, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let outcomes = shop.confirm_orders(&numbers);
    let msgs: Vec<Message> = numbers
        .iter()
        .zip(outcomes)
        .map(|(n, o)| match o {
            Ok(()) => Message::info(op.code, "101", "注文確認に成功しました。").for_order(n),
            Err(r) => refusal(op.code, "注文確認", n, &r),
        })
        .collect();
    RmsReply::json(200, json!({ "MessageModelList": message_list(&msgs) }))
}
