//! cancelOrder (注文キャンセル、発送前: 100/200/300) and cancelOrderAfserShipping
//! (発送後: 500–800, cancelled and confirmed at once) (order-api.md §3, §5.2).

use super::fields::Fields;
use super::single::{answer, bad_request};
use crate::api::RmsReply;
use crate::domain::order_ops::{reason_is_buyers, RestoreType};
use crate::domain::shop::Shop;
use serde_json::{Map, Value};

fn parse(shop: &Shop, op: &'static str, body: &Map<String, Value>) -> Result<(String, RestoreType, u8), RmsReply> {
    let mut f = Fields::new(body, op, super::key_case(shop));
    let number = f.string("orderNumber", true);
    let restore = match f.int_in("inventoryRestoreType", true, 0..=2) {
        Some(0) => Some(RestoreType::FollowItem),
        Some(1) => Some(RestoreType::Restore),
        Some(_) => Some(RestoreType::Keep),
        None => None,
    };
    let reason = f.int("changeReasonDetailApply", true);
    if reason.is_some_and(|r| !(0..=255).contains(&r) || reason_is_buyers(r as u8).is_none()) {
        f.malformed("changeReasonDetailApply");
    }
    match (number, restore, reason, f.ok()) {
        (Some(n), Some(r), Some(d), true) => Ok((n, r, d as u8)),
        _ => Err(bad_request(&f.errors)),
    }
}

pub fn cancel_order(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    const OP: &str = "CANCEL_ORDER";
    match parse(shop, OP, body) {
        Ok((n, restore, reason)) => {
            let r = shop.cancel_order(&n, restore, reason, false);
            answer(OP, "キャンセル申請", &n, r, "キャンセル申請に成功しました。")
        }
        Err(reply) => reply,
    }
}

pub fn cancel_order_after_shipping(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    const OP: &str = "CANCEL_ORDER_AFTER_SHIPPING";
    match parse(shop, OP, body) {
        Ok((n, restore, reason)) => {
            let r = shop.cancel_order(&n, restore, reason, true);
            answer(OP, "キャンセル", &n, r, "キャンセルに成功しました。")
        }
        Err(reply) => reply,
    }
}
