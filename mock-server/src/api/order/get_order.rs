//! getOrder (注文情報取得): full order models for ≤100 numbers, shaped by `version` 3–10
//! (order-api.md §3.2). The answer is `{version (v6+), MessageModelList, OrderModelList}` in
//! that order (§0); each `OrderModel` is built by [`order_model`].

use super::envelope::{codes, Message};
use super::model::{order_model, Each, OrderModel, Version};
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::Order;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use serde::Serialize;
use serde_json::{Map, Value};

/// The answer, keys in wire order; `version` comes first, as in Rakuten's own v9 samples
/// (order-api.md §0), from version 6 on.
#[derive(Serialize)]
struct GetOrderAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u8>,
    #[serde(rename = "MessageModelList")]
    messages: &'a [Message],
    #[serde(rename = "OrderModelList")]
    orders: Each<'a, &'a Order, (&'a Shop, Version), OrderModel<'a>>,
}

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

    let shop: &Shop = shop;
    let mut found = Vec::with_capacity(numbers.len());
    let mut missing = Vec::new();
    for n in &numbers {
        match shop.retrievable_order(n) {
            Some(o) => found.push(o),
            None => missing.push(Message::info(op.code, "102", "受注情報が取得できませんでした。").for_order(n)),
        }
    }
    let mut msgs = Vec::with_capacity(1 + missing.len());
    if !found.is_empty() {
        msgs.push(Message::info(op.code, "101", format!("受注情報取得に成功しました。(取得件数{}件)", found.len())));
    }
    msgs.extend(missing);

    let answer = GetOrderAnswer {
        version: version.has_top_level_version().then_some(version.get()),
        messages: &msgs,
        orders: Each::new(&found, (shop, version), |o, (shop, version)| order_model(o, shop, version)),
    };
    RmsReply::encoded(200, &answer, codes(&msgs))
}
