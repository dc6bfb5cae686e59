//! updateOrderOrderer (注文者情報更新): the orderer's name, address and phone.

use super::fields::Body;
use super::single::{address, answer};
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::shop::Shop;

pub fn update_order_orderer(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let who = address(&mut f, "OrdererModel");
    f.int("reductionReason", false);
    let (Some(number), Some(who), true) = (number, who, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let r = shop.update_orderer(&number, who);
    answer(op, "注文者情報の更新", &number, r, "注文者情報の更新設定が完了しました。")
}
