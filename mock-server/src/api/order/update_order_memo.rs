//! updateOrderMemo (ひとことメモ更新): memo, operator, mail text, delivery date and time slot,
//! delivery class, sub-status; fields left out stay (order-api.md §3).

use super::fields::Body;
use super::fields::Fields;
use super::single::answer;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order_ops::{is_valid_shipping_term, MemoUpdate};
use crate::domain::shop::Shop;
use crate::domain::time::JstDate;
use serde_json::Value;

/// A text field: Some(None) when emptied, checked against `max` characters.
fn text(f: &mut Fields<'_>, name: &str, max: usize) -> Option<Option<String>> {
    match f.lookup(name) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(_) => {
            let s = f.string(name, false);
            match s {
                Some(s) if s.chars().count() > max => {
                    f.malformed(name);
                    None
                }
                Some(s) if s.is_empty() => Some(None),
                Some(s) => Some(Some(s)),
                None => Some(None),
            }
        }
    }
}

pub fn update_order_memo(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    let mut u = MemoUpdate { sub_status_id: f.int("subStatusId", false), ..MemoUpdate::default() };
    u.delivery_class = f.int_in("deliveryClass", false, 0..=8);
    u.shipping_term = f.int("shippingTerm", false);
    if u.shipping_term.is_some_and(|t| !is_valid_shipping_term(t)) {
        f.malformed("shippingTerm");
    }
    u.delivery_date = match f.lookup("deliveryDate") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.is_empty() => Some(None),
        Some(Value::String(s)) => match JstDate::parse(s) {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                f.malformed("deliveryDate");
                None
            }
        },
        Some(_) => {
            f.malformed("deliveryDate");
            None
        }
    };
    u.memo = text(&mut f, "memo", 1000);
    u.operator = text(&mut f, "operator", 6);
    u.mail_plug_sentence = text(&mut f, "mailPlugSentence", 1024);
    let (Some(number), true) = (number, f.ok()) else {
        return op.bad_request(&f.errors);
    };
    let r = shop.update_memo(&number, u);
    answer(op, "ひとことメモの更新", &number, r, "ひとことメモ、担当者情報等の更新設定が完了しました。")
}
