//! The control plane: shops, settings, orders, history, journal, reset.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn shops_are_created_from_json_or_toml_and_listed() {
    let app = spawn_empty().await;
    let (status, v) = app.admin(Method::GET, "/__admin/health", None).await;
    assert_eq!((status, v), (200, json!({"status": "ok", "shops": 0})));
    let (status, v) = app.create_shop_toml(&shop().toml()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["shop_id"], SHOP_ID);
    assert_eq!(v["authorization"], rms_mock::esa_header(SECRET, LICENSE));
    let doc = json!({"shop": {"shop_id": "222222", "service_secret": "SP222222_x", "license_key": "SL222222_y"}});
    let (status, v) = app.admin(Method::POST, "/__admin/shops", Some(doc.clone())).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = app.admin(Method::POST, "/__admin/shops", Some(doc)).await;
    assert_eq!(status, 409, "{v}");
    let (_, v) = app.admin(Method::GET, "/__admin/shops", None).await;
    let ids: Vec<&str> = v["shops"].as_array().unwrap().iter().map(|s| s["shop_id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["123456", "222222"]);
    let (status, v) = app.admin(Method::GET, "/__admin/shops/123456", None).await;
    assert_eq!(status, 200);
    assert_eq!(v["catalog"]["items"][1]["variants"][0]["quantity"], 5000, "{}", v["catalog"]);
    assert_eq!(v["catalog"]["items"][1]["manage_number"], "tshirt");
    assert_eq!(v["settings"]["auto_confirm"], false);
}

#[tokio::test]
async fn a_bad_document_gets_400_naming_the_key() {
    let app = spawn_empty().await;
    for (doc, needle) in [
        (
            json!({"shop": {"shop_id": "12", "service_secret": "a", "license_key": "b"}}),
            "shop.shop_id: '12' is not 6 digits",
        ),
        (
            json!({"shop": {"shop_id": "123456", "service_secret": "a", "license_key": "b"}, "settings": {"auto_confirm": "yes"}}),
            "settings.auto_confirm",
        ),
        (
            json!({"shop": {"shop_id": "123456", "service_secret": "a", "license_key": "b"}, "settings": {"sku_migratd": true}}),
            "sku_migratd",
        ),
        (json!({"shop": {"shop_id": "123456", "service_secret": "a"}}), "license_key"),
        (
            json!({"shop": {"shop_id": "123456", "service_secret": "a", "license_key": "b", "clock_start": "2026-11-28 09:00"}}),
            "shop.clock_start",
        ),
    ] {
        let (status, v) = app.admin(Method::POST, "/__admin/shops", Some(doc.clone())).await;
        assert_eq!(status, 400, "{doc}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.starts_with("request body: "), "{msg}");
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
    let r = app
        .client
        .post(format!("{}/__admin/shops", app.base))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn deleting_a_shop_revokes_its_credentials() {
    let app = spawn(shop()).await;
    let (status, _) = app.admin(Method::DELETE, "/__admin/shops/123456", None).await;
    assert_eq!(status, 204);
    let (status, _) = app.search(json!({})).await;
    assert_eq!(status, 401);
    let (status, _) = app.admin(Method::DELETE, "/__admin/shops/123456", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn settings_patches_are_validated_and_merged() {
    let app = spawn(shop()).await;
    let (status, v) = app.patch_settings(json!({"auto_confirm": true, "gateway": {"unauthorised_status": 200}})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["auto_confirm"], true);
    assert_eq!(v["gateway"]["unauthorised_status"], 200);
    assert_eq!(v["gateway"]["expired_error_code"], "ES01-01", "nested keys merge");
    let (status, v) = app.patch_settings(json!({"auto_confirn": true})).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("auto_confirn"));
    let (status, _) = app.patch_settings(json!({"gateway": {"unauthorised_status": 99}})).await;
    assert_eq!(status, 400);
    // A gateway status of 200, as one client assumes.
    let (status, v) = app.order_as("ESA YWFhOmJiYg==", "searchOrder", json!({})).await;
    assert_eq!(
        (status, v["Results"]["errorCode"].as_str()),
        (401, Some("ES01-01")),
        "unknown secret: no shop settings apply"
    );
}

#[tokio::test]
async fn placing_an_order_checks_lines_and_payment() {
    let app = spawn(shop()).await;
    for (body, status, needle) in [
        (json!({"lines": []}), 400, "lines"),
        (json!({"lines": [{"manage_number": "nope", "variant_id": "x"}]}), 400, "lines[0].manage_number"),
        (json!({"lines": [{"manage_number": "tshirt", "variant_id": "xl"}]}), 400, "lines[0].variant_id"),
        (json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 0}]}), 400, "lines[0].units"),
        (
            json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "settlement_method_code": 3}),
            400,
            "settlement_method_code",
        ),
        (
            json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "at": "2026-11-27T00:00:00+0900"}),
            400,
            "at",
        ),
        (json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "colour": 1}), 400, "colour"),
        (json!({"lines": [{"manage_number": "tshirt", "variant_id": "l-white", "units": 4}]}), 409, "out of stock"),
    ] {
        let (s, v) = app.place_raw(body.clone()).await;
        assert_eq!(s, status, "{body}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{v}");
    }
    // An order in the future moves the clock there first.
    let (s, v) = app
        .place_raw(
            json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "at": "2026-11-29T10:00:00+0900"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert!(v["order_number"].as_str().unwrap().starts_with("123456-20261129-"));
    assert_eq!(v["now"], "2026-11-29T10:00:00+0900");
}

#[tokio::test]
async fn the_journal_records_rms_requests_with_their_codes() {
    let app = spawn(shop()).await;
    app.search(
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T00:00:00+0900"}),
    )
    .await;
    app.search(json!({})).await;
    let j = app.journal().await;
    assert_eq!(j["recorded"], 2);
    let e = &j["entries"];
    assert_eq!(e[0]["path"], "/es/2.0/order/searchOrder/");
    assert_eq!(e[0]["method"], "POST");
    assert_eq!(e[0]["codes"], json!(["ORDER_EXT_API_SEARCH_ORDER_INFO_102"]));
    assert_eq!(e[0]["at"], START);
    assert_eq!(e[1]["status"], 400);
    assert_eq!(e[1]["codes"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_journal_is_bounded() {
    let app = spawn(shop().with_setting("journal_limit = 3")).await;
    for _ in 0..5 {
        app.search(json!({})).await;
    }
    let j = app.journal().await;
    assert_eq!(j["recorded"], 5);
    let seqs: Vec<u64> = j["entries"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![3, 4, 5]);
}

#[tokio::test]
async fn reset_restores_the_shops_the_server_started_with() {
    let mock = rms_mock::RmsMock::start_with(rms_mock::AppState::demo()).await.unwrap();
    let base = mock.uri();
    let c = reqwest::Client::new();
    let orders = |v: serde_json::Value| v["orders"].as_array().unwrap().len();
    let before: serde_json::Value =
        c.get(format!("{base}/__admin/shops/123456/orders")).send().await.unwrap().json().await.unwrap();
    let r = c
        .post(format!("{base}/__admin/shops/123456/orders"))
        .body(json!({"lines": [{"manage_number": "socks-3p", "variant_id": "socks-3p"}]}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    c.post(format!("{base}/__admin/shops"))
        .header("Content-Type", "application/toml")
        .body(shop().id("777777").toml())
        .send()
        .await
        .unwrap();
    let r = c.post(format!("{base}/__admin/reset")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let after: serde_json::Value =
        c.get(format!("{base}/__admin/shops/123456/orders")).send().await.unwrap().json().await.unwrap();
    assert_eq!(orders(after.clone()), orders(before.clone()));
    assert_eq!(after, before, "same seed, same orders, same ids");
    let r = c.get(format!("{base}/__admin/shops/777777")).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn unknown_control_plane_paths_and_methods_answer_json() {
    let app = spawn(shop()).await;
    let (status, v) = app.admin(Method::GET, "/__admin/nope", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, v) = app.admin(Method::PUT, "/__admin/health", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (405, Some("method_not_allowed")));
    let (status, _) = app.admin(Method::GET, "/__admin/shops/999999/journal", None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_settings_patches_never_lose_each_other() {
    let app = std::sync::Arc::new(spawn(shop()).await);
    // Each patch sets a different key; run together, every one of them must land.
    let keys = [
        "auto_confirm_delay_minutes",
        "processing_delay_minutes",
        "unconfirmed_cancel_days",
        "prepayment_due_days",
        "buyer_cancel_minutes",
        "cancel_confirm_minutes",
        "change_confirm_minutes",
        "payment_processing_minutes",
        "payment_settle_minutes",
        "async_shipping_delay_minutes",
        "review_ng_due_days",
    ];
    for round in 1..=30u32 {
        let tasks: Vec<_> = keys
            .iter()
            .map(|k| {
                let app = app.clone();
                let patch = json!({ *k: round });
                tokio::spawn(async move { app.patch_settings(patch).await.0 })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
        let (_, v) = app.admin(Method::GET, &app.shop_path("/settings"), None).await;
        for k in keys {
            assert_eq!(v[k], round, "round {round}: the patch of {k} was lost: {v}");
        }
    }
}

#[tokio::test]
async fn framework_rejections_answer_the_control_plane_envelope() {
    let app = spawn(shop()).await;
    for path in ["/__admin/shops/%FF", "/__admin/shops/123456/orders/%FF/history", "/__admin/shops/%FF/settings"] {
        let r = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
        assert_eq!(r.headers()["content-type"], "application/json", "{path}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_request", "{path}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().starts_with("path: "), "{v}");
    }
    // Over axum's default body limit (2 MB).
    let big = format!("{{\"lines\": [], \"pad\": \"{}\"}}", "x".repeat(3 << 20));
    let r = app.client.post(format!("{}{}", app.base, app.shop_path("/orders"))).body(big).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large", "{v}");
}

/// First contact: `GET /` and `GET /__admin` say what is served; every GET the control-plane
/// index lists answers (with a real shop id and order number filled in).
#[tokio::test]
async fn the_root_and_the_control_plane_index_say_what_is_served_and_answer() {
    let app = spawn(shop()).await;
    let (status, v) = app.admin(Method::GET, "/", None).await;
    assert_eq!(status, 200);
    assert_eq!(v["name"], "rms-mock");
    assert_eq!(v["control_plane"], "/__admin");
    assert_eq!(v["shops"], json!([app.shop_id]));
    assert!(v["rms_apis"].as_array().unwrap().iter().any(|e| e["call"] == "POST /es/2.0/order/<operation>/"), "{v}");

    let number = app.place_one(1).await;
    for path in ["/__admin", "/__admin/"] {
        let (status, index) = app.admin(Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}");
        let listed = index["control_plane"].as_array().unwrap();
        assert!(listed.len() >= 10, "{index}");
        for e in listed {
            let call = e["call"].as_str().unwrap();
            let (methods, template) = call.split_once(' ').unwrap();
            if !methods.split('|').any(|m| m == "GET") {
                continue;
            }
            let url = template.replace("{id}", &app.shop_id).replace("{number}", &number);
            let (status, body) = app.admin(Method::GET, &url, None).await;
            assert_eq!(status, 200, "{call} → GET {url}: {body}");
        }
    }
}
