//! Issue 12, "Unbounded inputs": every number a client, a shop document or the control plane
//! brings is held to a range and answered with a clear error of its family, never an
//! overflow, a runaway allocation or a silent loss.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

/// The message of a control-plane error answer.
fn message(v: &serde_json::Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

/// Bug: `[shipping] postage_price = -9223372036854775808` was accepted, and an order with a
/// 700-yen coupon then answered `request_price` −9223372036854775158 (a panic in debug builds
/// once the sums passed `i64::MAX`).
#[tokio::test]
async fn shipping_amounts_outside_rms_prices_are_refused_naming_the_key() {
    let app = spawn(shop()).await;
    for (line, key) in [
        ("postage_price = -9223372036854775808", "shipping.postage_price"),
        ("postage_price = 1000000000", "shipping.postage_price"),
        ("cod_fee = 9223372036854775807", "shipping.cod_fee"),
        ("free_postage_threshold = -1", "shipping.free_postage_threshold"),
    ] {
        let doc = shop().id("222222").with_toml(&format!("[shipping]\n{line}")).toml();
        let (status, v) = app.create_shop_toml(&doc).await;
        assert_eq!(status, 400, "{line}: {v}");
        assert!(message(&v).contains(key) && message(&v).contains("between 0 and 999999999"), "{line}: {v}");
    }
    let doc = shop().id("222222").with_toml("[shipping]\npostage_price = 999999999").toml();
    assert_eq!(app.create_shop_toml(&doc).await.0, 201, "the largest RMS amount is fine");
}

/// Bug: points and coupon prices were any `i64` (a coupon of `i64::MAX` yen × 2 saturated
/// where it did not overflow); now they are RMS amounts, refused by key when they are not.
#[tokio::test]
async fn points_and_coupons_outside_rms_amounts_are_refused_naming_the_key() {
    let app = spawn(shop()).await;
    let line = json!([{"manage_number": "socks", "variant_id": "socks", "units": 1}]);
    let coupon = |price: i64, unit: i64| json!([{"code": "C", "price": price, "unit": unit}]);
    for (extra, key, problem) in [
        (json!({"used_point": 1_000_000_000i64}), "used_point", "1000000000 is more than 999999999"),
        (json!({"used_point": i64::MAX}), "used_point", "is more than 999999999"),
        (json!({"coupons": coupon(1_000_000_000, 1)}), "coupons[0].price", "is not between 0 and 999999999"),
        (json!({"coupons": coupon(i64::MAX, 2)}), "coupons[0].price", "is not between 0 and 999999999"),
        (json!({"coupons": coupon(10, 1000)}), "coupons[0].unit", "1000 is not between 1 and 999"),
    ] {
        let mut body = extra.clone();
        body["lines"] = line.clone();
        let (status, v) = app.place_raw(body).await;
        assert_eq!(status, 400, "{extra}: {v}");
        assert_eq!(v["error"]["code"], "invalid_request");
        assert!(message(&v).contains(&format!("request body: {key}: ")) && message(&v).contains(problem), "{v}");
    }
    let (status, v) = app.place_raw(json!({"lines": line, "used_point": 50, "coupons": coupon(100, 2)})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["request_price"], 500 + 550 - 200 - 50);
    let (_, orders) = app.admin(Method::GET, &app.shop_path("/orders"), None).await;
    assert_eq!(orders["orders"].as_array().unwrap().len(), 1, "only the good order was placed");
}
