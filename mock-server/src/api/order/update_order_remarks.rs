//! updateOrderRemarks (備考情報更新): remarks (≤4000) and gift wish, before shipping.

use super::fields::Body;
use super::single::answer;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::shop::Shop;

pub fn update_order_remarks(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let remarks = f.string("remarks", false);
    if remarks.as_ref().is_some_and(|r| r.chars().count() > 4000) {
        f.malformed("remarks");
    }
    let gift = f.int_in("giftCheck", false, 0..=1).map(|g| g == 1);
    if f.ok() && remarks.is_none() && gift.is_none() {
        // At least one of the two must be given.
        f.missing("remarks");
    }
    let (Some(number), true) = (number, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let r = shop.update_remarks(&number, remarks, gift);
    answer(op, "備考情報の更新", &number, r, "備考情報の更新設定が完了しました。")
}
