//! updateOrderShippingAsync (発送完了報告・非同期) and getResultUpdateOrderShippingAsync:
//! up to 100 orders per request; the result is ready once the shop's clock passes
//! `async_shipping_delay_minutes` and is kept 30 virtual days (order-api.md §3.4).

use super::envelope::{message_list, refusal, Message};
use super::fields::Body;
use super::shipping_rows::parse_baskets;
use super::update_order_shipping::row_messages;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::function::OrderOperation;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use serde_json::{json, Value};
use std::collections::HashSet;

pub fn update_order_shipping_async(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let list = f.object_list("OrderShippingModelList");
    let mut orders = Vec::new();
    match &list {
        None if f.lookup("OrderShippingModelList").is_none() => f.missing("OrderShippingModelList"),
        None if f.lookup("OrderShippingModelList").is_some_and(Value::is_null) => f.empty("OrderShippingModelList"),
        Some(l) if l.is_empty() => f.empty("OrderShippingModelList"),
        Some(l) if l.len() > MAX_ORDERS_PER_REQUEST => f.malformed("OrderShippingModelList"),
        _ => {}
    }
    let mut seen = HashSet::new();
    if f.ok() {
        for o in list.unwrap_or_default() {
            let mut of = f.nested(o);
            let number = of.string("orderNumber", true);
            if let Some(n) = &number {
                if !seen.insert(n.clone()) {
                    of.error("011", format!("orderNumber({n})が重複しています。"));
                }
            }
            let baskets = parse_baskets(&mut of, op.code, number.as_deref());
            f.absorb(of);
            if let (Some(n), Some(b)) = (number, baskets) {
                orders.push((n, b));
            }
        }
    }
    if !f.ok() {
        // Validation errors come back at once, with HTTP 200 and no requestId (as the manual's sample).
        let status = if f.errors.iter().any(|m| m.row.is_some()) { 200 } else { 400 };
        return RmsReply::json(status, json!({ "MessageModelList": message_list(&f.errors) }));
    }
    let id = shop.request_shipping_async(orders);
    let mut m = Message::info(op.code, "101", "発送情報の更新を受付けました。");
    m.request_id = Some(id);
    let m = m.for_row(None, None);
    RmsReply::json(200, json!({ "MessageModelList": message_list(&[m]) }))
}

fn nested(status: u16, msgs: &[Message]) -> RmsReply {
    RmsReply::json(status, json!({"ResultShippingModelList": [{"MessageModelList": message_list(msgs)}]}))
}

pub fn get_result_update_order_shipping_async(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let Some(id) = f.string("requestId", true) else {
        return nested(400, &f.errors);
    };
    let Some(results) = shop.shipping_async_result(&id) else {
        return nested(200, &[Message::info(op.code, "101", "指定されたリクエストIDの処理結果は存在しませんでした。")]);
    };
    // Each order's messages are those updateOrderShipping would have answered.
    let sync = super::order_op(OrderOperation::UpdateOrderShipping).code;
    let list: Vec<Value> = results
        .iter()
        .map(|(number, r)| {
            let msgs = match r {
                Ok(rows) => row_messages(sync, rows),
                Err(refused) => vec![refusal(sync, "発送完了報告", number, refused).for_row(None, None)],
            };
            // Inside a result the order number is on the model, not on each message.
            let msgs: Vec<Message> = msgs
                .into_iter()
                .map(|mut m| {
                    m.order_number = None;
                    m
                })
                .collect();
            json!({"orderNumber": number, "MessageModelList": message_list(&msgs)})
        })
        .collect();
    RmsReply::json(200, json!({ "ResultShippingModelList": list }))
}
