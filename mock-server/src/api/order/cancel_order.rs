//! cancelOrder (注文キャンセル、発送前: 100/200/300) and cancelOrderAfterShipping
//! (発送後: 500–800, cancelled and confirmed at once) (order-api.md §3, §5.2).

use super::fields::Body;
use super::single::answer;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::ReasonDetail;
use crate::domain::order_ops::RestoreType;
use crate::domain::shop::Shop;

fn parse(op: &OrderOp, shop: &Shop, body: &Body) -> Result<(String, RestoreType, ReasonDetail), RmsReply> {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let restore = match f.int_in("inventoryRestoreType", true, 0..=2) {
        Some(0) => Some(RestoreType::FollowItem),
        Some(1) => Some(RestoreType::Restore),
        Some(_) => Some(RestoreType::Keep),
        None => None,
    };
    let reason = f.int("changeReasonDetailApply", true);
    let known = reason.and_then(ReasonDetail::from_code);
    if reason.is_some() && known.is_none() {
        f.malformed("changeReasonDetailApply");
    }
    match (number, restore, known, f.ok()) {
        (Some(n), Some(r), Some(d), true) => Ok((n, r, d)),
        _ => Err(op.bad_request(&f.errors)),
    }
}

pub fn cancel_order(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    match parse(op, shop, body) {
        Ok((n, restore, reason)) => {
            let r = shop.cancel_order(&n, restore, reason, false);
            answer(op, "キャンセル申請", &n, r, "キャンセル申請に成功しました。")
        }
        Err(reply) => reply,
    }
}

pub fn cancel_order_after_shipping(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    match parse(op, shop, body) {
        Ok((n, restore, reason)) => {
            let r = shop.cancel_order(&n, restore, reason, true);
            answer(op, "キャンセル", &n, r, "キャンセルに成功しました。")
        }
        Err(reply) => reply,
    }
}
