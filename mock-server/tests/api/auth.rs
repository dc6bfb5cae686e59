//! ESA authentication, licence expiry, API enablement and rate limits.

use crate::helpers::*;
use serde_json::json;

const UNAUTHORISED: &str = r#"{"Results":{"errorCode":"ES01-01","message":"Un-Authorised"}}"#;

fn search_body() -> serde_json::Value {
    json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"})
}

#[tokio::test]
async fn missing_malformed_and_unknown_credentials_get_es01_01_with_401() {
    let app = spawn(shop()).await;
    let no_header = app
        .client
        .post(format!("{}/es/2.0/order/searchOrder/", app.base))
        .header("Content-Type", "application/json")
        .body(search_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status(), 401);
    assert_eq!(no_header.text().await.unwrap(), UNAUTHORISED);

    let wrong_key = rms_mock::esa_header(SECRET, "SL123456_typo");
    let unknown = rms_mock::esa_header("SP999999_x", LICENSE);
    for auth in ["ESA !!notbase64", "Bearer abc", "ESA YWFhOmJiYg==", wrong_key.as_str(), unknown.as_str()] {
        let (status, body) = app.order_as(auth, "searchOrder", search_body()).await;
        assert_eq!(status, 401, "{auth}");
        assert_eq!(body.to_string(), UNAUTHORISED, "{auth}");
    }
    // The mistyped licence key is recognised by its service secret: it shows in the journal.
    let j = app.journal().await;
    assert_eq!(j["entries"][0]["codes"], json!(["ES01-01"]));
    assert_eq!(j["entries"][0]["status"], 401);
}

#[tokio::test]
async fn a_91_day_advance_expires_the_license_and_every_call_answers_es01_01() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    assert_eq!(app.search(search_body()).await.0, 200);
    let fired = app.advance(91 * 24 * 60).await;
    assert!(
        fired["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["cause"] == "license_expired" && t["at"] == "2027-02-26T09:00:00+0900"),
        "{fired}"
    );
    for (op, body) in [
        ("searchOrder", search_body()),
        ("getOrder", json!({"orderNumberList": [n], "version": 7})),
        ("confirmOrder", json!({"orderNumberList": [n]})),
    ] {
        let (status, v) = app.order(op, body).await;
        assert_eq!((status, v.to_string()), (401, UNAUTHORISED.to_string()), "{op}");
    }
}

#[tokio::test]
async fn the_license_is_valid_until_exactly_90_days_after_issue() {
    let app = spawn(shop().license_issued("2026-09-01T09:00:00+0900")).await;
    // Issued 2026-09-01 09:00 → expires 2026-11-30 09:00; now is 2026-11-28 09:00.
    assert_eq!(app.search(search_body()).await.0, 200);
    app.advance(2 * 24 * 60 - 1).await;
    assert_eq!(app.search(search_body()).await.0, 200);
    app.advance(1).await;
    assert_eq!(app.search(search_body()).await.0, 401);
    // Renewal through the control plane restores access with the new key only.
    let (status, v) = app
        .admin(
            reqwest::Method::POST,
            &app.shop_path("/license"),
            Some(json!({"license_key": "SL123456_Renewed0000001"})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let new_auth = v["authorization"].as_str().unwrap();
    assert_eq!(app.order_as(new_auth, "searchOrder", search_body()).await.0, 200);
    assert_eq!(app.search(search_body()).await.0, 401, "the old key stops working");
}

#[tokio::test]
async fn expired_error_code_is_configurable_for_the_newer_gateway() {
    let app = spawn(shop().with_setting("gateway.expired_error_code = \"GA0001\"")).await;
    app.advance(91 * 24 * 60).await;
    let (status, v) = app.search(search_body()).await;
    assert_eq!(status, 401);
    assert_eq!(v, json!({"Results": {"errorCode": "GA0001", "message": "Un-Authorised"}}));
}

#[tokio::test]
async fn a_shop_without_the_order_api_gets_es04_01() {
    let app = spawn(shop().with_setting("apis = [\"item\", \"inventory\"]")).await;
    let (status, v) = app.search(search_body()).await;
    assert_eq!(status, 400);
    assert_eq!(v, json!({"Results": {"errorCode": "ES04-01", "message": "Bad Request"}}));
    // Applying for it through the control plane takes effect at once.
    let (status, _) = app.patch_settings(json!({"apis": ["order"]})).await;
    assert_eq!(status, 200);
    assert_eq!(app.search(search_body()).await.0, 200);
}

#[tokio::test]
async fn a_function_not_ticked_gets_es04_01_while_the_others_work() {
    let app = spawn(shop().with_setting("disabled_functions = [\"rpay.order.confirmOrder\"]")).await;
    let n = app.place_one(1).await;
    assert_eq!(app.search(search_body()).await.0, 200);
    let (status, v) = app.confirm(&[&n]).await;
    assert_eq!(status, 400);
    assert_eq!(v["Results"]["errorCode"], "ES04-01");
}

#[tokio::test]
async fn function_ids_are_checked_in_settings_patches_and_kept_as_strings() {
    let app = spawn(shop()).await;
    let (status, v) = app.patch_settings(json!({"disabled_functions": ["rpay.order.getOrdr"]})).await;
    assert_eq!(status, 400, "{v}");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("settings.disabled_functions[0]"), "{message}");
    assert!(message.contains("did you mean rpay.order.getOrder?"), "{message}");
    let (status, v) = app
        .patch_settings(json!({"disabled_functions": ["rpay.order.getOrder", "itemapi_2.0.items.get"], "rate_limit": {"per_second": {"rpay.order.searchOrder": 2.0}}}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["disabled_functions"], json!(["rpay.order.getOrder", "itemapi_2.0.items.get"]));
    assert_eq!(v["rate_limit"]["per_second"], json!({"rpay.order.searchOrder": 2.0}));
    let (status, v) = app.admin(reqwest::Method::GET, &app.shop_path("/settings"), None).await;
    assert_eq!(status, 200);
    assert_eq!(v["disabled_functions"], json!(["rpay.order.getOrder", "itemapi_2.0.items.get"]));
}

#[tokio::test]
async fn rate_limits_are_off_by_default() {
    let app = spawn(shop()).await;
    for _ in 0..20 {
        assert_eq!(app.search(search_body()).await.0, 200);
    }
}

#[tokio::test]
async fn rate_limits_throttle_per_function_with_429_when_enabled() {
    // 0.001/s: one request, then a refill only after 1000 s, so the test cannot race the clock.
    let app = spawn(shop().with_setting("rate_limit.enabled = true").with_setting(
        "rate_limit.per_second = { \"rpay.order.searchOrder\" = 0.001, \"rpay.order.getOrder\" = 0.001 }",
    ))
    .await;
    assert_eq!(app.search(search_body()).await.0, 200);
    let (status, v) = app.search(search_body()).await;
    assert_eq!(status, 429);
    assert_eq!(v, json!({"Results": {"errorCode": "ES04-02", "message": "Too Many Requests"}}));
    // Another function has its own bucket.
    assert_eq!(app.get_order(&["123456-20261128-0000000001"], json!(7)).await.0, 200);
    assert_eq!(app.get_order(&["123456-20261128-0000000001"], json!(7)).await.0, 429);
    let j = app.journal().await;
    let statuses: Vec<u64> = j["entries"].as_array().unwrap().iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![200, 429, 200, 429]);
}

#[tokio::test]
async fn two_shops_in_one_process_never_see_each_others_orders() {
    let app = spawn(shop()).await;
    let (status, other) = app.create_shop_toml(&shop().id("654321").toml()).await;
    assert_eq!(status, 201, "{other}");
    let other_auth = other["authorization"].as_str().unwrap().to_string();

    let mine = app.place_one(1).await;
    let (_, placed) = app
        .admin(
            reqwest::Method::POST,
            "/__admin/shops/654321/orders",
            Some(json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}]})),
        )
        .await;
    let theirs = placed["order_number"].as_str().unwrap().to_string();
    assert!(mine.starts_with("123456-20261128-") && theirs.starts_with("654321-20261128-"));

    assert_eq!(app.search_numbers(&[]).await, vec![mine.clone()]);
    let (_, v) = app.order_as(&other_auth, "searchOrder", search_body()).await;
    assert_eq!(v["orderNumberList"], json!([theirs]));
    // getOrder and confirmOrder across shops find nothing.
    let (_, v) = app.get_order(&[&theirs], json!(7)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_GET_ORDER_INFO_102"]);
    let (_, v) = app.order_as(&other_auth, "confirmOrder", json!({"orderNumberList": [mine]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CONFIRM_ORDER_ERROR_016"]);
    // Advancing one shop's clock leaves the other's alone.
    app.advance(60).await;
    let (_, c) = app.admin(reqwest::Method::GET, "/__admin/shops/654321/clock", None).await;
    assert_eq!(c["now"], START);
}
