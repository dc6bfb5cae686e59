//! updateOrderDelivery (配送方法更新): the delivery method name, before shipping.

use super::fields::Body;
use super::single::answer;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::shop::Shop;

pub fn update_order_delivery(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let name = f.string("deliveryName", true);
    if name.as_ref().is_some_and(|n| n.chars().count() > 255) {
        f.malformed("deliveryName");
    }
    let (Some(number), Some(name), true) = (number, name, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let r = shop.update_delivery(&number, name);
    answer(op, "配送方法の更新", &number, r, "配送方法の更新設定が完了しました。")
}
