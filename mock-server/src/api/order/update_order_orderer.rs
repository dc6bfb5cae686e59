//! updateOrderOrderer (注文者情報更新): the orderer's name, address and phone.

use super::fields::Fields;
use super::single::{address, answer, bad_request};
use crate::api::RmsReply;
use crate::domain::shop::Shop;
use serde_json::{Map, Value};

const OP: &str = "UPDATE_ORDERORDERER";

pub fn update_order_orderer(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let number = f.string("orderNumber", true);
    let who = address(&mut f, "OrdererModel");
    f.int("reductionReason", false);
    let (Some(number), Some(who), true) = (number, who, f.ok()) else {
        return bad_request(&f.errors);
    };
    let r = shop.update_orderer(&number, who);
    answer(OP, "注文者情報の更新", &number, r, "注文者情報の更新設定が完了しました。")
}
