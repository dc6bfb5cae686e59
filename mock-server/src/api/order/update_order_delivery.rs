//! updateOrderDelivery (配送方法更新): the delivery method name, before shipping.

use super::fields::Fields;
use super::single::{answer, bad_request};
use crate::api::RmsReply;
use crate::domain::shop::Shop;
use serde_json::{Map, Value};

const OP: &str = "UPDATE_ORDERDELIVERY";

pub fn update_order_delivery(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let number = f.string("orderNumber", true);
    let name = f.string("deliveryName", true);
    if name.as_ref().is_some_and(|n| n.chars().count() > 255) {
        f.malformed("deliveryName");
    }
    let (Some(number), Some(name), true) = (number, name, f.ok()) else {
        return bad_request(&f.errors);
    };
    let r = shop.update_delivery(&number, name);
    answer(OP, "配送方法の更新", &number, r, "配送方法の更新設定が完了しました。")
}
