//! Shared pieces of the operations that act on one order (`orderNumber`) and answer one
//! message: the INFO/ERROR reply, and reading an address (`OrdererModel` / `SenderModel`).

use super::envelope::{message_list, refusal, Message};
use super::fields::Fields;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::buyer::Buyer;
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

/// The 47 prefectures (and 国外) a Japanese address may name.
const PREFECTURES: [&str; 48] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
    "国外",
];

/// Reads an address and name model (updateOrderSender's SenderModel, updateOrderOrderer's
/// OrdererModel); problems go into `f` with the field names RMS uses.
pub fn address(f: &mut Fields<'_>, model: &str) -> Option<Buyer> {
    let obj: &Map<String, Value> = match f.object(model) {
        Some(o) => o,
        None => {
            if f.lookup(model).is_none() {
                f.missing(model);
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
    if !prefecture.is_empty() && !PREFECTURES.contains(&prefecture.as_str()) {
        af.malformed("prefecture");
    }
    if !(zip1.chars().all(|c| c.is_ascii_digit()) && zip2.chars().all(|c| c.is_ascii_digit())) {
        af.malformed("zipCode1");
    }
    if format!("{p1}{p2}{p3}").len() > 32 || !format!("{p1}{p2}{p3}").chars().all(|c| c.is_ascii_digit()) {
        af.malformed("phoneNumber1");
    }
    let first = af.string("firstName", false).unwrap_or_default();
    let family_kana = af.string("familyNameKana", false).unwrap_or_default();
    let first_kana = af.string("firstNameKana", false).unwrap_or_default();
    let ok = af.ok();
    f.absorb(af);
    ok.then(|| Buyer {
        zip_code1: zip1,
        zip_code2: zip2,
        prefecture,
        city,
        sub_address: sub,
        family_name: family,
        first_name: first,
        family_name_kana: family_kana,
        first_name_kana: first_kana,
        phone: [p1, p2, p3],
        email: String::new(),
        romaji: String::new(),
        sex: String::new(),
        birth: (0, 0, 0),
        carrier_code: 0,
        email_carrier_code: 0,
    })
}
