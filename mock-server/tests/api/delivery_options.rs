//! Orders a real shop can produce (order-api.md §0): 配送品質向上制度 (`deliveryCertPrgFlag`)
//! and `oneDayOperationFlag` from the items or the order, and 置き配 (`dropOffFlag`,
//! `dropOffLocation`) from the order; set through shop documents and the control plane.

use crate::helpers::*;
use serde_json::{json, Value};

/// The test shop plus a mug eligible for both programmes and a plate for one.
fn marked_shop() -> ShopSpec {
    shop().with_toml(
        r#"
[[items]]
manage_number = "mug"
title = "マグカップ"
delivery_cert_program = true
one_day_operation = true
  [[items.variants]]
  variant_id = "mug"
  price = 1200
  quantity = 100
[[items]]
manage_number = "plate"
title = "プレート"
delivery_cert_program = true
  [[items.variants]]
  variant_id = "plate"
  price = 900
  quantity = 100
"#,
    )
}

fn flags(o: &Value) -> (Value, Value) {
    (o["deliveryCertPrgFlag"].clone(), o["oneDayOperationFlag"].clone())
}

#[tokio::test]
async fn an_order_of_marked_items_carries_the_programme_flags_from_version_8() {
    let app = spawn(marked_shop()).await;
    let mug = app.place(&[("mug", "mug", 1)], 1).await;
    let both = app.place(&[("mug", "mug", 1), ("plate", "plate", 1)], 1).await;
    let mixed = app.place(&[("mug", "mug", 1), ("socks", "socks", 1)], 1).await;
    assert_eq!(flags(&app.order_model(&mug, 8).await), (json!(1), json!(1)));
    assert_eq!(flags(&app.order_model(&both, 9).await), (json!(1), json!(0)), "the plate has no one-day mark");
    assert_eq!(flags(&app.order_model(&mixed, 10).await), (json!(0), json!(0)), "socks are not marked");
    let v7 = app.order_model(&mug, 7).await;
    assert!(v7.get("deliveryCertPrgFlag").is_none() && v7.get("oneDayOperationFlag").is_none(), "v8 fields");

    // searchOrder's oneDayOperationFlag finds exactly the flagged order.
    let (status, v) = app
        .search(json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900",
                       "endDatetime": "2026-11-30T00:00:00+0900", "oneDayOperationFlag": 1}))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["orderNumberList"], json!([mug]));
}

#[tokio::test]
async fn the_control_plane_places_an_order_with_a_drop_off_location_and_its_own_flags() {
    let app = spawn(marked_shop()).await;
    let (status, v) = app
        .place_raw(json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}],
                          "drop_off_location": "宅配ボックス", "delivery_cert_program": true, "one_day_operation": true}))
        .await;
    assert_eq!(status, 201, "{v}");
    let n = v["order_number"].as_str().unwrap().to_string();
    let o = app.order_model(&n, 9).await;
    let p = &o["PackageModelList"][0];
    assert_eq!((p["dropOffFlag"].clone(), p["dropOffLocation"].clone()), (json!(1), json!("宅配ボックス")));
    assert_eq!(flags(&o), (json!(1), json!(1)), "the order says so, whatever its items");
    let v8 = app.order_model(&n, 8).await;
    assert!(v8["PackageModelList"][0].get("dropOffFlag").is_none(), "v9 fields");

    // An order may also switch off what its items would give.
    let (_, v) = app
        .place_raw(json!({"lines": [{"manage_number": "mug", "variant_id": "mug"}], "delivery_cert_program": false}))
        .await;
    let o = app.order_model(v["order_number"].as_str().unwrap(), 9).await;
    assert_eq!(flags(&o), (json!(0), json!(1)));
    assert_eq!(o["PackageModelList"][0]["dropOffFlag"], 0);
    assert!(o["PackageModelList"][0]["dropOffLocation"].is_null());
}

#[tokio::test]
async fn a_drop_off_location_rms_does_not_offer_is_refused_and_reserves_nothing() {
    let app = spawn(shop()).await;
    for place in ["庭", "", "宅配BOX"] {
        let (status, v) = app
            .place_raw(json!({"lines": [{"manage_number": "tshirt", "variant_id": "l-white", "units": 3}],
                              "drop_off_location": place}))
            .await;
        assert_eq!(status, 400, "{place}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("drop_off_location") && message.contains("玄関前鍵付容器"), "{message}");
    }
    assert_eq!(app.stock("tshirt", "l-white").await, 3, "nothing reserved");
    // Every location of the manual is accepted.
    for place in ["宅配ボックス", "玄関前", "玄関前鍵付容器", "ポスト（郵便受箱）", "メーターボックス", "物置", "車庫"]
    {
        let (status, v) = app
            .place_raw(
                json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "drop_off_location": place}),
            )
            .await;
        assert_eq!(status, 201, "{place}: {v}");
        let n = v["order_number"].as_str().unwrap();
        assert_eq!(app.order_model(n, 10).await["PackageModelList"][0]["dropOffLocation"], place);
    }
}

#[tokio::test]
async fn a_shop_file_order_can_name_its_drop_off_location_and_flags() {
    let app = spawn(marked_shop().with_toml(
        r#"
[[orders]]
at = "2026-11-28T08:00:00+0900"
lines = [{ manage_number = "socks", variant_id = "socks" }]
drop_off_location = "玄関前"
one_day_operation = true
"#,
    ))
    .await;
    let numbers = app.search_numbers(&[]).await;
    assert_eq!(numbers.len(), 1);
    let o = app.order_model(&numbers[0], 9).await;
    assert_eq!(flags(&o), (json!(0), json!(1)));
    assert_eq!(o["PackageModelList"][0]["dropOffLocation"], "玄関前");

    let bad = marked_shop().id("654321").with_toml(
        r#"
[[orders]]
lines = [{ manage_number = "socks", variant_id = "socks" }]
drop_off_location = "屋上"
"#,
    );
    let (status, v) = app.create_shop_toml(&bad.toml()).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("orders[0].drop_off_location"), "{v}");
}
