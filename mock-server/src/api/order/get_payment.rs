//! getPayment (決済情報取得): the order's payment as `PaymentModelList` (order-api.md §3.5).
//! Which `paymentStatus` each stage shows is not documented; the mapping below is ours.

use super::envelope::{message_list, refusal, Message};
use super::fields::Fields;
use super::single::bad_request;
use crate::api::RmsReply;
use crate::domain::order::{Order, OrderProgress::*};
use crate::domain::order_ops::Refusal;
use crate::domain::shop::Shop;
use crate::domain::time::JstDateTime;
use serde_json::{json, Map, Value};

const OP: &str = "GET_PAYMENT";

/// 30000 決済なし, 30100 決済手続き待ち, 30300 決済手続き完了, 30400 NG, 30500 決済依頼,
/// 30600 決済確定, 31100 取消.
pub fn payment_status(o: &Order) -> u32 {
    if o.is_cancelled() {
        return 31100;
    }
    if o.review_ng {
        return 30400;
    }
    let s = o.settlement;
    if s.is_prepaid() {
        return if o.paid_at.is_some() { 30600 } else { 30100 };
    }
    match (s.code(), o.progress) {
        (_, PaymentProcessed) => 30600,
        (2, _) => 30000,
        (_, WaitingForConfirmation | RakutenProcessing) => 30100,
        (_, PaymentProcessing) => 30500,
        _ => 30300,
    }
}

fn dt(t: Option<JstDateTime>) -> Value {
    t.map(|t| json!(t.to_rms())).unwrap_or(Value::Null)
}

fn payment_model(o: &Order) -> Value {
    let s = o.settlement;
    let due = o.due_dates.iter().find(|d| d.due_date_type == 0).map(|d| d.due_date.to_wire());
    json!({
        "orderPaymentNumber": format!("{}-1", o.number),
        "paymentMethod": s.code(),
        "paymentAmount": o.request_price(),
        "paymentCharge": 0,
        "paymentStatus": payment_status(o),
        "paymentRequestDatetime": dt(o.shop_order_cfm_datetime),
        "paymentCompleteDatetime": dt(o.paid_at.or(o.payment_fix_datetime)),
        "payExpectDate": due,
        "PaymentCardModel": if s.is_card() {
            json!({"cardName": "VISA", "cardNumber": format!("XXXX-XXXX-XXXX-{}", o.card_last4), "cardPayType": 0})
        } else {
            Value::Null
        },
        "PaymentMultiModel": if matches!(s.code(), 13 | 14) {
            json!({"eventDatetime": dt(o.shop_order_cfm_datetime), "rcvgNumber": format!("{:011}", o.order_datetime.seconds() % 100_000_000_000), "payInfoUrl": null, "payStartUrl": null})
        } else {
            Value::Null
        },
        "PaymentBankModel": if s.code() == 9 {
            json!({"transferDate": o.paid_at.map(|t| t.date().to_wire()), "transferNameKana": o.orderer.full_name_kana()})
        } else {
            Value::Null
        },
        "PaymentPayAfterModel": null,
        "RefundModelList": [],
        "AdditionalFeeModelList": [],
        "PaymentPaypalModel": null,
    })
}

pub fn get_payment(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let number = f.string("orderNumber", true);
    // Required since 2021-04; clients send 4 (JakeJP's default) or newer.
    f.int_in("version", true, 1..=99);
    let (Some(number), true) = (number, f.ok()) else {
        return bad_request(&f.errors);
    };
    match shop.order(&number) {
        Some(o) => {
            let msg = Message::info(OP, "101", "決済情報の取得に成功しました。").for_order(&number);
            RmsReply::json(
                200,
                json!({"MessageModelList": message_list(&[msg]), "OrderModel": {"orderNumber": number, "PaymentModelList": [payment_model(o)]}}),
            )
        }
        None => {
            let msg = refusal(OP, "決済情報の取得", &number, &Refusal::NotFound);
            RmsReply::json(200, json!({"MessageModelList": message_list(&[msg]), "OrderModel": null}))
        }
    }
}
