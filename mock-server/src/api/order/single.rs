//! Shared pieces of the operations that act on one order (`orderNumber`) and answer one
//! message: the INFO/ERROR reply, and reading an address (`OrdererModel` / `SenderModel`).

use super::envelope::{message_list, refusal, Message};
use super::fields::Fields;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::buyer::{is_phone_number, is_prefecture, is_zip_code, Buyer, PersonName, Place};
use crate::domain::order_ops::Refusal;
use serde_json::{json, Map, Value};

/// 200 with INFO_101 `ok_text` for the order, or its per-order ERROR.
pub fn answer(op: &OrderOp, action: &str, number: &str, result: Result<(), Refusal>, ok_text: &str) -> RmsReply {
    let m = match result {
        Ok(()) => Message::info(op.code, "101", ok_text).for_order(number),
        Err(r) => refusal(op.code, action, number, &r),
    };
    RmsReply::json(200, json!({ "MessageModelList": message_list(&[m]) }))
}

/// Reads an address and name model (updateOrderSender's SenderModel, updateOrderOrderer's
/// OrdererModel); problems go into `f` with the field names RMS uses.
pub fn address(f: &mut Fields<'_>, model: &str) -> Option<Buyer> {
    let obj: &Map<String, Value> = match f.object(model) {
        Some(o) => o,
        None => {
            match f.lookup(model) {
                None => f.missing(model),
                // `null` is empty (a malformed value was reported by `object`).
                Some(Value::Null) => f.empty(model),
                Some(_) => {}
            }
            return None;
        }
    };
    let mut af = f.nested(obj);
    let req = |af: &mut Fields<'_>, k: &str| -> String {
        let v = af.string(k, true).unwrap_or_default();
        if v.chars().count() > 127 {
            af.malformed(k);
        }
        v
    };
    let zip1 = req(&mut af, "zipCode1");
    let zip2 = req(&mut af, "zipCode2");
    let prefecture = req(&mut af, "prefecture");
    let city = req(&mut af, "city");
    let sub = req(&mut af, "subAddress");
    let family = req(&mut af, "familyName");
    let p1 = req(&mut af, "phoneNumber1");
    let p2 = req(&mut af, "phoneNumber2");
    let p3 = req(&mut af, "phoneNumber3");
    if !prefecture.is_empty() && !is_prefecture(&prefecture) {
        af.malformed("prefecture");
    }
    if !is_zip_code(&zip1, &zip2) {
        af.malformed("zipCode1");
    }
    if !is_phone_number(&[&p1, &p2, &p3]) {
        af.malformed("phoneNumber1");
    }
    let first = af.string("firstName", false).unwrap_or_default();
    let family_kana = af.string("familyNameKana", false).unwrap_or_default();
    let first_kana = af.string("firstNameKana", false).unwrap_or_default();
    let ok = af.ok();
    f.absorb(af);
    ok.then(|| Buyer {
        place: std::sync::Arc::new(Place {
            zip_code1: zip1.into(),
            zip_code2: zip2.into(),
            prefecture: prefecture.into(),
            city: city.into(),
        }),
        sub_address: sub.into(),
        name: std::sync::Arc::new(PersonName {
            family_name: family.into(),
            first_name: first.into(),
            family_name_kana: family_kana.into(),
            first_name_kana: first_kana.into(),
            romaji: Default::default(),
            sex: Default::default(),
        }),
        phone: [p1.into(), p2.into(), p3.into()],
        email: Default::default(),
        birth: (0, 0, 0),
        carrier_code: 0,
        email_carrier_code: 0,
    })
}
