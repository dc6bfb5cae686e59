//! getSubStatusList (サブステータス情報取得) and updateOrderSubStatus (サブステータス情報更新):
//! the shop's own labels per orderProgress (order-api.md §3, §5.3).

use super::envelope::{message_list, refusal, Message};
use super::fields::Body;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::OrderProgress;
use crate::domain::order_ops::MAX_ORDERS_PER_REQUEST;
use crate::domain::shop::Shop;
use serde_json::{json, Value};

/// The shop's sub-statuses grouped by orderProgress, in status order; `orderby` is the
/// position within its group. JK posts this with an empty or null body.
pub fn get_sub_status_list(op: &OrderOp, shop: &mut Shop, _body: &Body) -> RmsReply {
    let groups: Vec<Value> = OrderProgress::ALL
        .iter()
        .filter_map(|p| {
            let defs: Vec<Value> = shop
                .sub_statuses()
                .iter()
                .filter(|d| d.order_progress == p.code())
                .enumerate()
                .map(|(i, d)| json!({"subStatusId": d.id, "subStatusName": d.name, "orderby": i + 1}))
                .collect();
            (!defs.is_empty()).then(|| json!({"orderProgress": p.code(), "SubStatusModelList": defs}))
        })
        .collect();
    let msg = Message::info(op.code, "101", "サブステータス情報の取得に成功しました。");
    RmsReply::json(200, json!({"MessageModelList": message_list(&[msg]), "StatusModelList": groups}))
}

pub fn update_order_sub_status(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    // `subStatusId: null` clears; leaving the key out is an error (order-api.md §6).
    let id = match f.lookup("subStatusId") {
        None => {
            f.missing("subStatusId");
            None
        }
        Some(Value::Null) => Some(None),
        Some(_) => f.int("subStatusId", true).map(Some),
    };
    let numbers = f.string_list("orderNumberList", true);
    if numbers.as_ref().is_some_and(|n| n.len() > MAX_ORDERS_PER_REQUEST) {
        f.malformed("orderNumberList");
    }
    let (Some(id), Some(numbers), true) = (id, numbers, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let msgs: Vec<Message> = numbers
        .iter()
        .map(|n| match shop.set_sub_status(n, id) {
            Ok(()) => Message::info(op.code, "101", "サブステータスの更新設定が完了しました。").for_order(n),
            Err(r) => refusal(op.code, "サブステータスの更新", n, &r),
        })
        .collect();
    RmsReply::json(200, json!({ "MessageModelList": message_list(&msgs) }))
}
