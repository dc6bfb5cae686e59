//! The reference integration against RMS failing on purpose (rms-mock's faults): what it
//! retries, how long it waits on the shop's clock, what it gives up and does again at the
//! next poll.

mod common;

use rms_conformance::integration::{Integration, Waiter};
use rms_conformance::setup::{Habits, IntegrationSide};
use rms_conformance::time::JstDateTime;
use rms_mock::{ClockMode, FaultKind, FaultSpec, MockShop, OrderDoc, RmsMock, ShopDocument};
use std::sync::Mutex;

/// Lets the shop's clock pass while the tool backs off, and remembers each wait.
struct ShopClock {
    shop: MockShop,
    waited: Mutex<Vec<i64>>,
}

impl Waiter for ShopClock {
    async fn wait(&self, seconds: i64) {
        self.waited.lock().unwrap().push(seconds);
        self.shop.advance_seconds(seconds).await.unwrap();
    }
}

impl ShopClock {
    fn waited(&self) -> Vec<i64> {
        std::mem::take(&mut *self.waited.lock().unwrap())
    }

    async fn now(&self) -> JstDateTime {
        JstDateTime::parse_rms(&self.shop.now().await.unwrap()).unwrap()
    }
}

/// A shop with one T-shirt and one order waiting for confirmation, and a tool set up for it.
async fn shop_with_an_order(fake: &RmsMock, shop_id: &str) -> (ShopClock, Integration, String) {
    shop_with_an_order_in(fake, ShopDocument::new(shop_id), shop_id).await
}

async fn shop_with_an_order_in(fake: &RmsMock, doc: ShopDocument, shop_id: &str) -> (ShopClock, Integration, String) {
    let (shop, number) = common::shop_with_an_order(fake, doc, shop_id, "retry").await;
    let integration = common::tool_for(fake, &shop, Habits::default());
    (ShopClock { shop, waited: Mutex::new(vec![]) }, integration, number)
}

/// `op status` of every call the tool made, in order.
fn calls(i: &Integration) -> Vec<String> {
    i.calls.iter().map(|c| format!("{} {}", c.op, c.status)).collect()
}

fn outcomes(i: &Integration, number: &str) -> Vec<String> {
    i.outcomes.get(number).into_iter().flatten().map(|(_, w)| w.clone()).collect()
}

#[tokio::test]
async fn a_reset_connection_and_a_cut_answer_are_retried_after_a_second_on_the_shops_clock() {
    let fake = RmsMock::start().await;
    let (clock, mut tool, number) = shop_with_an_order(&fake, "410001").await;
    let shop = &clock.shop;
    shop.add_fault(&FaultSpec::new(FaultKind::Reset).functions(&["rpay.order.searchOrder"]).times(1)).await.unwrap();
    shop.add_fault(&FaultSpec::new(FaultKind::Truncate).functions(&["rpay.order.getOrder"]).times(1)).await.unwrap();
    let start = clock.now().await;
    tool.poll(&clock, start).await;
    assert_eq!(
        calls(&tool),
        ["searchOrder 0", "searchOrder 200", "getOrder 0", "getOrder 200", "confirmOrder 200", "getOrder 200"],
        "a cut answer is no answer, never an empty success (the last getOrder: the hourly status sync)"
    );
    assert_eq!(clock.waited(), [1, 1]);
    assert_eq!(clock.now().await, start.plus_seconds(2), "the waits passed on the shop's clock");
    assert_eq!(outcomes(&tool, &number), ["imported → 出荷待ち (入金フラグ 0)"]);
    assert_eq!(shop.history(&number).await.unwrap().order_progress, 200);
}

#[tokio::test]
async fn a_fault_outlasting_the_retries_is_given_up_after_doubling_waits_and_the_window_is_kept() {
    let fake = RmsMock::start().await;
    let (clock, mut tool, _) = shop_with_an_order(&fake, "410002").await;
    let shop = &clock.shop;
    tool.poll(&clock, clock.now().await).await;
    let second = shop.place_order(&OrderDoc::new().line("tshirt", "m", 1)).await.unwrap().order_number;
    shop.advance_minutes(15).await.unwrap();
    shop.add_fault(&FaultSpec::new(FaultKind::Overload).functions(&["rpay.order.searchOrder"])).await.unwrap();
    tool.calls.clear();
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(calls(&tool), ["searchOrder 503"; 7], "the first attempt and max_retries = 6 more");
    assert_eq!(clock.waited(), [1, 2, 4, 8, 16, 32]);
    assert_eq!(tool.notes.len(), 1, "{:?}", tool.notes);
    assert!(tool.notes[0].1.starts_with("searchOrder failed: 503"), "{:?}", tool.notes);

    // Over, an hour later: the search starts from the last poll that got through, so the
    // order placed before the failed poll is found.
    shop.clear_faults().await.unwrap();
    shop.advance_minutes(60).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(outcomes(&tool, &second), ["imported → 出荷待ち (入金フラグ 0)"]);
    assert!(clock.waited().is_empty());
}

#[tokio::test]
async fn a_refusal_that_is_not_retryable_is_not_retried() {
    let fake = RmsMock::start().await;
    let (clock, _, _) = shop_with_an_order(&fake, "410003").await;
    let cfg = IntegrationSide { inventory_sync: false, ..IntegrationSide::default() };
    let mut tool = Integration::new(cfg, &fake.uri(), clock.shop.service_secret(), "SL410003_typo");
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(calls(&tool), ["searchOrder 401"]);
    assert!(clock.waited().is_empty());
}

#[tokio::test]
async fn a_confirm_that_failed_after_its_effect_counts_as_confirmed_on_the_retry() {
    let fake = RmsMock::start().await;
    let (clock, mut tool, number) = shop_with_an_order(&fake, "410004").await;
    let shop = &clock.shop;
    let fault = FaultSpec::new(FaultKind::FailAfterEffect).functions(&["rpay.order.confirmOrder"]).times(1);
    shop.add_fault(&fault).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(calls(&tool)[2..4], ["confirmOrder 500", "confirmOrder 200"]);
    let seen = outcomes(&tool, &number);
    assert!(seen[1].starts_with("confirmed: an earlier attempt had taken effect unseen"), "{seen:?}");
    let h = shop.history(&number).await.unwrap();
    assert_eq!(h.history.iter().filter(|c| c.cause == "confirmOrder").count(), 1);
}

#[tokio::test]
async fn a_confirm_given_up_is_confirmed_again_at_the_next_poll() {
    let fake = RmsMock::start().await;
    let (clock, mut tool, number) = shop_with_an_order(&fake, "410005").await;
    let shop = &clock.shop;
    let fault = FaultSpec::new(FaultKind::Maintenance).functions(&["rpay.order.confirmOrder"]).times(7);
    shop.add_fault(&fault).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    let seen = outcomes(&tool, &number);
    assert!(seen[1].starts_with("confirmOrder gave up after 7 attempts (503 "), "{seen:?}");
    assert_eq!(shop.history(&number).await.unwrap().order_progress, 100);

    // The next search does not list it again (dedupe would skip it anyway): it is kept.
    shop.advance_minutes(15).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(calls(&tool).last().map(String::as_str), Some("confirmOrder 200"));
    assert_eq!(shop.history(&number).await.unwrap().order_progress, 200);
}

#[tokio::test]
async fn a_shipment_report_given_up_is_reported_again_at_the_next_poll() {
    let fake = RmsMock::start().await;
    let (clock, mut tool, number) = shop_with_an_order(&fake, "410006").await;
    let shop = &clock.shop;
    tool.poll(&clock, clock.now().await).await;
    // Rakuten's processing (200 → 300) takes 30 minutes.
    shop.advance_minutes(45).await.unwrap();
    tool.warehouse_shipped(&number, "1001", "T-1", "2026-11-28");
    let fault = FaultSpec::new(FaultKind::SystemError).functions(&["rpay.order.updateOrderShipping"]).times(7);
    shop.add_fault(&fault).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    let seen = outcomes(&tool, &number);
    assert!(seen.last().unwrap().starts_with("shipping report gave up after 7 attempts (500 "), "{seen:?}");

    shop.advance_minutes(15).await.unwrap();
    tool.poll(&clock, clock.now().await).await;
    assert_eq!(outcomes(&tool, &number).last().map(String::as_str), Some("shipping reported (1001 T-1)"));
    assert!(shop.history(&number).await.unwrap().history.iter().any(|c| c.cause.starts_with("updateOrderShipping")));
}

#[tokio::test]
async fn an_answer_slower_than_the_call_timeout_counts_as_none_and_is_retried() {
    let fake = RmsMock::start().await;
    // A wall clock: the latency fault is a real delay (ten seconds), the tool waits 200 ms.
    let doc = ShopDocument::new("410007").clock(ClockMode::Wall, 1.0);
    let (clock, tool, number) = shop_with_an_order_in(&fake, doc, "410007").await;
    let mut tool = tool.with_call_timeout(std::time::Duration::from_millis(200));
    let slow = FaultSpec::new(FaultKind::Latency).latency_ms(10_000).functions(&["rpay.order.searchOrder"]).times(1);
    clock.shop.add_fault(&slow).await.unwrap();
    let started = std::time::Instant::now();
    tool.poll(&clock, clock.now().await).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(calls(&tool)[..2], ["searchOrder 0", "searchOrder 200"]);
    assert!(tool.calls[0].codes.is_empty());
    assert_eq!(clock.waited(), [1]);
    assert_eq!(outcomes(&tool, &number), ["imported → 出荷待ち (入金フラグ 0)"]);
}
