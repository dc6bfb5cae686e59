//! confirmOrder (注文確認): 100 → 200 per order, one message each (order-api.md §3.3).

use super::envelope::{error_body, message_list, refusal, Message};
use super::fields::Fields;
use crate::api::RmsReply;
use crate::domain::order_ops::Refusal;
use crate::domain::shop::{ConfirmOutcome, Shop};
use serde_json::{json, Map, Value};

const OP: &str = "CONFIRM_ORDER";
const KEYS: &[&str] = &["MessageModelList"];
/// confirmOrder takes at most 100 numbers.
pub const MAX_NUMBERS: usize = 100;

pub fn confirm_order(shop: &mut Shop, body: &Map<String, Value>) -> RmsReply {
    let mut f = Fields::new(body, OP, super::key_case(shop));
    let numbers = f.string_list("orderNumberList", true);
    if let Some(n) = &numbers {
        if n.len() > MAX_NUMBERS {
            f.malformed("orderNumberList");
        }
    }
    let (Some(numbers), true) = (numbers, f.ok()) else {
        return RmsReply::json(400, error_body(KEYS, &f.errors));
    };
    let outcomes = shop.confirm_orders(&numbers);
    let msgs: Vec<Message> = numbers
        .iter()
        .zip(outcomes)
        .map(|(n, o)| match o {
            ConfirmOutcome::Confirmed => Message::info(OP, "101", "注文確認に成功しました。").for_order(n),
            ConfirmOutcome::NotFound => refusal(OP, "注文確認", n, &Refusal::NotFound),
            ConfirmOutcome::Cancelled => refusal(OP, "注文確認", n, &Refusal::Cancelled),
            ConfirmOutcome::AlreadyMoved(p) => refusal(OP, "注文確認", n, &Refusal::WrongStatus(p)),
            ConfirmOutcome::AmountUndetermined => refusal(
                OP,
                "注文確認",
                n,
                &Refusal::Rule(
                    "105",
                    "送料等の金額が確定していないため、注文確認が出来る状態ではありませんでした。".into(),
                ),
            ),
        })
        .collect();
    RmsReply::json(200, json!({ "MessageModelList": message_list(&msgs) }))
}
