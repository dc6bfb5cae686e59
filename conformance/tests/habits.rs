//! Habits of the careful tool that no setup can show before the staff's actions exist: a
//! confirmOrder ERROR_103 because someone else confirmed the order first.

mod common;

use rms_conformance::integration::{esa_header, Waiter};
use rms_conformance::setup::Habits;
use rms_conformance::time::JstDateTime;
use rms_mock::{FaultKind, FaultSpec, MockShop, RmsMock, ShopDocument};

/// While the tool backs off after a 503 on its confirm, "the staff" confirms the order in RMS
/// (here: over the API with the shop's key), then the shop's clock moves on.
struct StaffConfirmsMeanwhile {
    shop: MockShop,
    base: String,
    number: String,
}

impl Waiter for StaffConfirmsMeanwhile {
    async fn wait(&self, seconds: i64) {
        let auth = esa_header(self.shop.service_secret(), self.shop.license_key());
        let r = reqwest::Client::new()
            .post(format!("{}/es/2.0/order/confirmOrder/", self.base))
            .header("Authorization", auth)
            .json(&serde_json::json!({"orderNumberList": [self.number]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        self.shop.advance_seconds(seconds).await.unwrap();
    }
}

/// One poll in which confirmOrder first meets a 503, and the retry finds the order confirmed.
async fn confirm_meets_103(shop_id: &str, habits: Habits) -> Vec<String> {
    let fake = RmsMock::start().await;
    let (shop, number) = common::shop_with_an_order(&fake, ShopDocument::new(shop_id), shop_id, "habit").await;
    // 503: the confirm did not run (not a lost confirm), so only the habit makes 103 "done".
    shop.add_fault(&FaultSpec::new(FaultKind::Overload).functions(&["rpay.order.confirmOrder"]).times(1))
        .await
        .unwrap();
    let mut tool = common::tool_for(&fake, &shop, habits);
    let now = JstDateTime::parse_rms(&shop.now().await.unwrap()).unwrap();
    let waiter = StaffConfirmsMeanwhile { shop, base: fake.uri(), number: number.clone() };
    tool.poll(&waiter, now).await;
    // The next poll (an hour later, so the status sync runs) re-reads it.
    waiter.shop.advance_minutes(60).await.unwrap();
    let later = JstDateTime::parse_rms(&waiter.shop.now().await.unwrap()).unwrap();
    tool.poll(&waiter, later).await;
    tool.outcomes.get(&number).into_iter().flatten().map(|(_, w)| w.clone()).collect()
}

#[tokio::test]
async fn without_the_habit_a_confirm_that_meets_error_103_is_refused() {
    let out = confirm_meets_103("420001", Habits::default()).await;
    assert!(out.iter().any(|w| w == "confirmOrder refused: ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"), "{out:?}");
}

#[tokio::test]
async fn with_the_habit_error_103_counts_as_confirmed_and_the_order_is_re_read() {
    let habits = Habits { confirm_103_is_done: true, ..Habits::default() };
    let out = confirm_meets_103("420002", habits).await;
    assert!(out.iter().any(|w| w.starts_with("confirmed: CONFIRM_ORDER_ERROR_103")), "{out:?}");
    assert!(!out.iter().any(|w| w.contains("refused")), "{out:?}");
    assert!(out.iter().any(|w| w.starts_with("re-read after ERROR_103: RMS has it in ")), "{out:?}");
}

#[tokio::test]
async fn a_tool_importing_only_some_order_types_skips_the_others_and_never_confirms_them() {
    let fake = RmsMock::start().await;
    let (shop, number) = common::shop_with_an_order(&fake, ShopDocument::new("420003"), "420003", "habit").await;
    let poll = |habits: Habits| common::tool_for(&fake, &shop, habits);
    let now = JstDateTime::parse_rms(&shop.now().await.unwrap()).unwrap();
    // A 定期-only tool: the 通常購入 order (orderType 1) is skipped, nothing confirmed.
    let mut only_4 = poll(Habits { import_order_types: Some(vec![4]), ..Habits::default() });
    only_4.poll(&(), now).await;
    let out: Vec<&String> = only_4.outcomes[&number].iter().map(|(_, w)| w).collect();
    assert_eq!(out, ["skipped: orderType 1 (通常購入) is not imported by the tool"]);
    assert!(!only_4.calls.iter().any(|c| c.op == "confirmOrder"), "{:?}", only_4.calls);
    // The default tool imports it.
    let mut every = poll(Habits::default());
    every.poll(&(), now).await;
    assert!(every.outcomes[&number].iter().any(|(_, w)| w.starts_with("imported")));
}
