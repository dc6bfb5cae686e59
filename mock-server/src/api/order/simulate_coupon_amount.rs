//! simulateCouponAmount (クーポン利用額シミュレーション). No source documents its request or
//! answer; only its status window (100/200/300/500/600/700) is known. The fake's shape is
//! ours: give `orderNumber` and optionally a `CouponModelList` of {couponPrice, couponUnit};
//! the answer says what the coupon total and `requestPrice` would become.

use super::envelope::{message_list, refusal, Message};
use super::fields::Fields;
use super::single::bad_request;
use crate::api::RmsReply;
use crate::domain::order::OrderProgress::*;
use crate::domain::order_ops::Refusal;
use crate::domain::shop::Shop;
use serde_json::{json, Map, Value};

const OP: &str = "SIMULATE_COUPON_AMOUNT";

pub fn simulate_coupon_amount(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let number = f.string("orderNumber", true);
    let mut coupons: Option<i64> = None;
    if let Some(list) = f.object_list("CouponModelList") {
        let mut total = 0;
        for c in list {
            let mut cf = f.nested(c);
            let price = cf.int_in("couponPrice", true, 0..=999_999_999).unwrap_or(0);
            let unit = cf.int_in("couponUnit", true, 0..=999).unwrap_or(0);
            f.absorb(cf);
            total += price * unit;
        }
        coupons = Some(total);
    }
    let (Some(number), true) = (number, f.ok()) else {
        return bad_request(&f.errors);
    };
    let refused = match shop.order(&number) {
        None => Some(Refusal::NotFound),
        Some(o) if matches!(o.progress, WaitingForCancellation | Cancelled) => Some(Refusal::Cancelled),
        Some(o) if o.progress == WaitingForChangeConfirmation => Some(Refusal::WrongStatus(o.progress)),
        Some(_) => None,
    };
    if let Some(r) = refused {
        let m = refusal(OP, "クーポン利用額のシミュレーション", &number, &r);
        return RmsReply::json(200, json!({"MessageModelList": message_list(&[m])}));
    }
    let Some(o) = shop.order(&number) else { return bad_request(&[]) };
    let coupon_total = coupons.unwrap_or(o.coupon_total());
    let request_price = o.total_price() + o.delivery_price() - coupon_total - o.used_point;
    let m = Message::info(OP, "101", "クーポン利用額のシミュレーションに成功しました。").for_order(&number);
    RmsReply::json(
        200,
        json!({"MessageModelList": message_list(&[m]), "orderNumber": number, "couponAllTotalPrice": coupon_total, "requestPrice": request_price}),
    )
}
