//! simulateCouponAmount (クーポン利用額シミュレーション). No source documents its request or
//! answer; only its status window (100/200/300/500/600/700) is known. The fake's shape is
//! ours: give `orderNumber` and optionally a `CouponModelList` of {couponPrice, couponUnit};
//! the answer says what the coupon total and `requestPrice` would become.

use super::envelope::{message_list, refusal, Message};
use super::fields::Body;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::shop::Shop;
use serde_json::json;

pub fn simulate_coupon_amount(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let mut coupons: Option<i64> = None;
    if let Some(list) = f.object_list("CouponModelList") {
        let mut total: i64 = 0;
        for c in list {
            let mut cf = f.nested(c);
            let price = cf.int_in("couponPrice", true, 0..=999_999_999).unwrap_or(0);
            let unit = cf.int_in("couponUnit", true, 0..=999).unwrap_or(0);
            f.absorb(cf);
            // Each product is below 10^12; a list long enough to pass i64 saturates.
            total = total.saturating_add(price.saturating_mul(unit));
        }
        coupons = Some(total);
    }
    let (Some(number), true) = (number, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    match shop.simulate_coupons(&number, coupons) {
        Ok(sim) => {
            let m =
                Message::info(op.code, "101", "クーポン利用額のシミュレーションに成功しました。").for_order(&number);
            RmsReply::json(
                200,
                json!({"MessageModelList": message_list(&[m]), "orderNumber": number, "couponAllTotalPrice": sim.coupon_total, "requestPrice": sim.request_price}),
            )
        }
        Err(r) => {
            let m = refusal(op.code, "クーポン利用額のシミュレーション", &number, &r);
            RmsReply::json(200, json!({"MessageModelList": message_list(&[m])}))
        }
    }
}
