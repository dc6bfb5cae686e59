//! The response headers of a real capture that clients may read (order-api.md §0,
//! auth-and-limits.md §9), on every RMS answer of every family, and never on the control
//! plane's.

use crate::helpers::*;
use crate::jst::jst;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::json;

/// A Unix time as the `Timestamp` header writes it: UTC, no zone (`2020-08-21T11:10:49`).
fn utc(unix: i64) -> String {
    jst(unix - 9 * 3600).trim_end_matches("+0900").to_string()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

async fn headers_of(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: &str,
    body: Option<serde_json::Value>,
) -> (u16, HeaderMap) {
    let mut req = app.client.request(method, format!("{}{path}", app.base)).header("Authorization", auth);
    if let Some(b) = body {
        req = req.header("Content-Type", "application/json").body(b.to_string());
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.headers().clone())
}

/// The one value of `name`; a header sent twice fails.
fn one<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    let all: Vec<_> = h.get_all(name).iter().collect();
    assert_eq!(all.len(), 1, "{name}: {all:?}");
    all[0].to_str().unwrap()
}

fn assert_capture_headers(h: &HeaderMap, what: &str) {
    assert_eq!(one(h, "server"), "openresty", "{what}");
    assert_eq!(one(h, "x-xss-protection"), "1; mode=block", "{what}");
    assert_eq!(one(h, "vary"), "Accept-Encoding", "{what}");
}

#[tokio::test]
async fn every_rms_answer_carries_the_captured_headers_and_the_shops_clock_in_utc() {
    let app = spawn(shop()).await;
    let window =
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900"});
    let calls = [
        (Method::POST, "/es/2.0/order/searchOrder/", Some(window.clone())),
        (Method::POST, "/es/2.0/order/getOrder/", Some(json!({"version": 1}))),
        (Method::GET, "/es/2.0/items/manage-numbers/tshirt", None),
        (Method::GET, "/es/2.0/items/manage-numbers/nothing-here", None),
        (Method::GET, "/es/2.0/inventories/manage-numbers/tshirt/variants/m-black", None),
        (Method::GET, "/es/2.1/inventories/variant-lists/manage-numbers/tshirt", None),
    ];
    // The shop's clock starts at 2026-11-28T09:00:00+0900: 00:00:00 UTC.
    for (method, path, body) in &calls {
        let (status, h) = headers_of(&app, method.clone(), path, &app.auth, body.clone()).await;
        assert!(status < 500, "{path}: {status}");
        assert_capture_headers(&h, path);
        assert_eq!(one(&h, "timestamp"), "2026-11-28T00:00:00", "{path} ({status})");
    }
    // The header follows the virtual clock, not the host's.
    app.shop().advance_to("2026-11-30T10:11:12+0900").await.unwrap();
    let (_, h) = headers_of(&app, Method::POST, "/es/2.0/order/searchOrder/", &app.auth, Some(window)).await;
    assert_eq!(one(&h, "timestamp"), "2026-11-30T01:11:12");
    assert_eq!(one(&h, "date"), "Mon, 30 Nov 2026 01:11:12 GMT", "Date and Timestamp tell the same time");
    // A gateway refusal for a known shop is on its clock too.
    let wrong_key = rms_mock::esa_header(SECRET, "SL123456_typo");
    let (status, h) = headers_of(&app, Method::POST, "/es/2.0/order/searchOrder/", &wrong_key, Some(json!({}))).await;
    assert_eq!(status, 401);
    assert_capture_headers(&h, "ES01-01");
    assert_eq!(one(&h, "timestamp"), "2026-11-30T01:11:12");
}

#[tokio::test]
async fn answers_that_name_no_shop_carry_the_hosts_time_in_utc() {
    let app = spawn(shop()).await;
    let before = utc(unix_now());
    let (status, unknown_secret) = headers_of(
        &app,
        Method::POST,
        "/es/2.0/order/searchOrder/",
        &rms_mock::esa_header("SP999999_x", LICENSE),
        Some(json!({})),
    )
    .await;
    let (status_404, no_api) = headers_of(&app, Method::POST, "/es/2.0/order/noSuchOperation/", &app.auth, None).await;
    let (status_405, get) = headers_of(&app, Method::GET, "/es/2.0/order/searchOrder/", &app.auth, None).await;
    let (status_ge0007, item_path) = headers_of(&app, Method::GET, "/es/2.0/items/nowhere", &app.auth, None).await;
    let after = utc(unix_now());
    assert_eq!((status, status_404, status_405, status_ge0007), (401, 404, 405, 400));
    for (what, h) in
        [("unknown secret", &unknown_secret), ("no operation", &no_api), ("GET", &get), ("GE0007", &item_path)]
    {
        assert_capture_headers(h, what);
        let t = one(h, "timestamp");
        assert!(before.as_str() <= t && t <= after.as_str(), "{what}: {before} <= {t} <= {after}");
    }
}

#[tokio::test]
async fn the_control_plane_is_not_rms_and_does_not_pretend_to_be() {
    let app = spawn(shop()).await;
    for path in ["/__admin/health".to_string(), app.shop_path("/clock")] {
        let (status, h) = headers_of(&app, Method::GET, &path, &app.auth, None).await;
        assert_eq!(status, 200, "{path}");
        for name in ["timestamp", "server", "x-xss-protection"] {
            assert!(h.get(name).is_none(), "{path}: {name}");
        }
    }
}
