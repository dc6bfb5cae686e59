//! getOrder (注文情報取得): full order models for ≤100 numbers, shaped by `version` 3–10
//! (order-api.md §3.2). The answer is `{version (v6+), MessageModelList, OrderModelList}` in
//! that order (§0); each `OrderModel` is built by [`order_model`].

use super::envelope::{message_list, Message};
use super::model::{order_model, Version};
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use serde_json::{Map, Value};

pub fn get_order(op: &OrderOp, shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = op.fields(shop, body);
    let numbers = f.string_list("orderNumberList", true);
    if numbers.as_ref().is_some_and(|n| n.len() > MAX_ORDERS_PER_REQUEST) {
        f.malformed("orderNumberList");
    }
    // Versions 1 and 2 were refused in a 2026 dry run; the manual lists 3–10.
    let version = f.int_in("version", true, i64::from(Version::MIN)..=i64::from(Version::MAX));
    let (Some(numbers), Some(version), true) = (numbers, version, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let version = Version::new(version as u8);

    let mut models = Vec::new();
    let mut missing = Vec::new();
    for n in &numbers {
        match shop.retrievable_order(n) {
            Some(o) => models.push(order_model(o, shop, version)),
            None => missing.push(Message::info(op.code, "102", "受注情報が取得できませんでした。").for_order(n)),
        }
    }
    let mut msgs = Vec::new();
    if !models.is_empty() {
        msgs.push(Message::info(op.code, "101", format!("受注情報取得に成功しました。(取得件数{}件)", models.len())));
    }
    msgs.extend(missing);

    // `version` comes first, as in Rakuten's own v9 samples (order-api.md §0).
    let mut out = Map::new();
    if version.has_top_level_version() {
        out.insert("version".into(), Value::from(version.get()));
    }
    out.insert("MessageModelList".into(), message_list(&msgs));
    out.insert("OrderModelList".into(), Value::Array(models));
    RmsReply::json(200, Value::Object(out))
}
