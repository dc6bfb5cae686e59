//! The reference integration's import poll against a fake started in-process, over HTTP only.

use rms_conformance::RmsClient;
use rms_mock::{AppState, ItemDoc, OrderDoc, RmsMock, ShopDocument};

#[tokio::test]
async fn a_poll_imports_and_confirms_every_waiting_order_across_pages() {
    let fake = RmsMock::start().await;
    let doc = ShopDocument::new("246810")
        .credentials("SP246810_poll", "SL246810_poll")
        .item(ItemDoc::new("socks", "ソックス").variant("socks", 500, 99999));
    let shop = fake.shop(doc).await.unwrap();
    // More orders than one page of 1000 holds.
    let placed = 1_200;
    for _ in 0..placed {
        shop.place_order(&OrderDoc::new().line("socks", "socks", 1)).await.unwrap();
    }

    let rms = RmsClient::new(&fake.uri(), "SP246810_poll", "SL246810_poll");
    let out = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    assert_eq!(out.found.len(), placed);
    assert_eq!(out.confirmed, out.found);

    // RMS now shows them in 200, confirmed by the API.
    let again = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert!(again.found.is_empty());
    let h = shop.history(&out.found[0]).await.unwrap();
    assert_eq!(h.history[1].cause, "confirmOrder");
    assert_eq!(h.order_progress, 200);
}

#[tokio::test]
async fn a_mistyped_license_key_fails_the_first_call_with_es01_01() {
    let fake = RmsMock::start_with(AppState::demo()).await.unwrap();
    let rms = RmsClient::new(&fake.uri(), "SP123456_DemoSecret0000001", "SL123456_typo");
    let out = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert_eq!(out.failures, vec![("searchOrder".to_string(), 401, vec!["ES01-01".to_string()])]);
    assert!(out.found.is_empty());
}
