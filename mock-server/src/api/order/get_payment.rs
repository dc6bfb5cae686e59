//! getPayment (決済情報取得): the order's payment as `PaymentModelList` (order-api.md §3.5).
//! Which `paymentStatus` each stage shows is a domain rule ([`Order::payment_status`]); this
//! file only renders it.

use super::envelope::{error_body, message_list, refusal, Message};
use super::fields::Body;
use super::OrderOp;
use crate::api::RmsReply;
use crate::domain::order::{DueDateType, Order};
use crate::domain::order_ops::Refusal;
use crate::domain::shop::Shop;
use crate::domain::time::JstDateTime;
use serde_json::{json, Value};

fn dt(t: Option<JstDateTime>) -> Value {
    t.map(|t| json!(t.to_rms())).unwrap_or(Value::Null)
}

fn payment_model(o: &Order) -> Value {
    let s = o.settlement;
    let due = o.due_dates.iter().find(|d| d.due_date_type == DueDateType::Payment).map(|d| d.due_date.to_wire());
    json!({
        "orderPaymentNumber": format!("{}-1", o.number),
        "paymentMethod": s.code(),
        "paymentAmount": o.request_price(),
        "paymentCharge": 0,
        "paymentStatus": o.payment_status().code(),
        "paymentRequestDatetime": dt(o.shop_order_cfm_datetime),
        "paymentCompleteDatetime": dt(o.paid_at.or(o.payment_fix_datetime)),
        "payExpectDate": due,
        "PaymentCardModel": if s.is_card() {
            json!({"cardName": "VISA", "cardNumber": format!("XXXX-XXXX-XXXX-{}", o.card_last4), "cardPayType": 0})
        } else {
            Value::Null
        },
        "PaymentMultiModel": if s.is_convenience_store() {
            json!({"eventDatetime": dt(o.shop_order_cfm_datetime), "rcvgNumber": format!("{:011}", o.order_datetime.seconds() % 100_000_000_000), "payInfoUrl": null, "payStartUrl": null})
        } else {
            Value::Null
        },
        "PaymentBankModel": if s.is_bank_transfer() {
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

pub fn get_payment(op: &OrderOp, shop: &mut Shop, body: &Body) -> RmsReply {
    let mut f = op.fields(shop, body);
    let number = f.string("orderNumber", true);
    // Required since 2021-04; clients send 4 (JakeJP's default) or newer.
    f.int_in("version", true, 1..=99);
    let (Some(number), true) = (number, f.ok()) else {
        // getPayment's own 400 carries only `MessageModelList` (as before the OrderOp table).
        return RmsReply::json(400, error_body(&["MessageModelList"], &f.errors));
    };
    match shop.order(&number) {
        Some(o) => {
            let msg = Message::info(op.code, "101", "決済情報の取得に成功しました。").for_order(&number);
            RmsReply::json(
                200,
                json!({"MessageModelList": message_list(&[msg]), "OrderModel": {"orderNumber": number, "PaymentModelList": [payment_model(o)]}}),
            )
        }
        None => {
            let msg = refusal(op.code, "決済情報の取得", &number, &Refusal::NotFound);
            RmsReply::json(200, json!({"MessageModelList": message_list(&[msg]), "OrderModel": null}))
        }
    }
}
