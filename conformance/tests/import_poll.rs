//! The reference integration's import poll against a fake started in-process, over HTTP only.

use rms_conformance::RmsClient;
use serde_json::{json, Value};

async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(rms_mock::serve(listener, rms_mock::AppState::demo(), std::future::pending()));
    base
}

#[tokio::test]
async fn a_poll_imports_and_confirms_every_waiting_order_across_pages() {
    let base = start().await;
    let admin = reqwest::Client::new();
    let doc = json!({
        "shop": {"shop_id": "246810", "service_secret": "SP246810_poll", "license_key": "SL246810_poll"},
        "items": [{"manage_number": "socks", "title": "ソックス", "variants": [{"variant_id": "socks", "price": 500, "quantity": 99999}]}],
    });
    let r = admin.post(format!("{base}/__admin/shops")).body(doc.to_string()).send().await.unwrap();
    assert_eq!(r.status(), 201);
    // More orders than one page of 1000 holds.
    let placed = 1_200;
    for _ in 0..placed {
        let r = admin
            .post(format!("{base}/__admin/shops/246810/orders"))
            .body(json!({"lines": [{"manage_number": "socks", "variant_id": "socks", "units": 1}]}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }

    let rms = RmsClient::new(&base, "SP246810_poll", "SL246810_poll");
    let out = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    assert_eq!(out.found.len(), placed);
    assert_eq!(out.confirmed, out.found);

    // RMS now shows them in 200, confirmed by the API.
    let again = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert!(again.found.is_empty());
    let h: Value = admin
        .get(format!("{base}/__admin/shops/246810/orders/{}/history", out.found[0]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["history"][1]["cause"], "confirmOrder");
    assert_eq!(h["order_progress"], 200);
}

#[tokio::test]
async fn a_mistyped_license_key_fails_the_first_call_with_es01_01() {
    let base = start().await;
    let rms = RmsClient::new(&base, "SP123456_DemoSecret0000001", "SL123456_typo");
    let out = rms.poll("2026-11-01T00:00:00+0900", "2026-11-28T23:59:59+0900", 7).await.unwrap();
    assert_eq!(out.failures, vec![("searchOrder".to_string(), 401, vec!["ES01-01".to_string()])]);
    assert!(out.found.is_empty());
}
