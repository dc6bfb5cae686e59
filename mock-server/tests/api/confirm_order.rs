//! confirmOrder: per-order outcomes and side effects.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn confirm_moves_100_to_200_and_records_change_type_8() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    app.advance(65).await;
    let (status, v) = app.confirm(&[&n]).await;
    assert_eq!(status, 200);
    assert_eq!(
        v.to_string(),
        format!(
            r#"{{"MessageModelList":[{{"messageType":"INFO","messageCode":"ORDER_EXT_API_CONFIRM_ORDER_INFO_101","message":"注文確認に成功しました。","orderNumber":"{n}"}}]}}"#
        )
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 200);
    assert_eq!(o["shopOrderCfmDatetime"], "2026-11-28T10:05:00+0900");
    let cr = &o["ChangeReasonModelList"][0];
    assert_eq!(cr["changeType"], 8);
    assert!(cr["changeTypeDetail"].is_null() && cr["changeReason"].is_null() && cr["changeReasonDetail"].is_null());
    for k in ["changeApplyDatetime", "changeFixDatetime", "changeCmplDatetime"] {
        assert_eq!(cr[k], "2026-11-28T10:05:00+0900");
    }
    let h = app.history(&n).await;
    assert_eq!(
        h["history"][1],
        json!({"at": "2026-11-28T10:05:00+0900", "from": 100, "to": 200, "cause": "confirmOrder"})
    );
}

#[tokio::test]
async fn rakuten_processing_moves_200_to_300_after_the_delay() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    app.advance(29).await;
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 200);
    let fired = app.advance(1).await;
    assert_eq!(
        fired["transitions"],
        json!([{"at": "2026-11-28T09:30:00+0900", "order_number": n, "from": 200, "to": 300, "cause": "processing"}])
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 300);
    assert_eq!(o["orderFixDatetime"], "2026-11-28T09:30:00+0900");
    assert_eq!(o["orderFixDatetime"], o["shippingInstDatetime"]);
}

#[tokio::test]
async fn each_order_gets_its_own_outcome() {
    let app = spawn(shop()).await;
    let fresh = app.place_one(1).await;
    let done = app.place_one(1).await;
    let cancelled = app.place_one(1).await;
    app.confirm(&[&done]).await;
    let (status, _) =
        app.admin(reqwest::Method::POST, &app.shop_path(&format!("/orders/{cancelled}/cancel")), None).await;
    assert_eq!(status, 200);
    let (status, v) = app.confirm(&[&fresh, &done, &cancelled, "123456-20261128-0000000009"]).await;
    assert_eq!(status, 200);
    assert_eq!(
        codes(&v),
        vec![
            "ORDER_EXT_API_CONFIRM_ORDER_INFO_101",
            "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103",
            "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102",
            "ORDER_EXT_API_CONFIRM_ORDER_ERROR_016"
        ]
    );
    let numbers: Vec<&str> =
        v["MessageModelList"].as_array().unwrap().iter().map(|m| m["orderNumber"].as_str().unwrap()).collect();
    assert_eq!(numbers, vec![fresh.as_str(), done.as_str(), cancelled.as_str(), "123456-20261128-0000000009"]);
    assert_eq!(v["MessageModelList"][0]["messageType"], "INFO");
    assert_eq!(v["MessageModelList"][1]["messageType"], "ERROR");
}

#[tokio::test]
async fn confirm_validates_its_list() {
    let app = spawn(shop()).await;
    let (status, v) = app.order("confirmOrder", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        v.to_string(),
        r#"{"MessageModelList":[{"messageType":"ERROR","messageCode":"ORDER_EXT_API_CONFIRM_ORDER_ERROR_009","message":"orderNumberListの項目を指定して下さい。"}]}"#
    );
    let many: Vec<String> = (0..101).map(|i| format!("123456-20261128-{i:010}")).collect();
    let (status, v) = app.order("confirmOrder", json!({"orderNumberList": many})).await;
    assert_eq!(status, 400);
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CONFIRM_ORDER_ERROR_011"]);
}

#[tokio::test]
async fn undetermined_postage_shows_minus_9999_and_blocks_confirmation_until_set() {
    let app = spawn(shop().with_toml("[shipping]\npostage_undetermined = true\n")).await;
    let n = app.place_one(1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(
        (o["postagePrice"].as_i64(), o["totalPrice"].as_i64(), o["requestPrice"].as_i64()),
        (Some(-9999), Some(-9999), Some(-9999))
    );
    assert_eq!(o["goodsPrice"], 1980);
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CONFIRM_ORDER_ERROR_105"]);
    let basket = o["PackageModelList"][0]["basketId"].clone();
    let (_, v) = app
        .order(
            "updateOrderSender",
            json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "postagePrice": 660}]}),
        )
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!((o["postagePrice"].as_i64(), o["requestPrice"].as_i64()), (Some(660), Some(2640)));
    let (_, v) = app.confirm(&[&n]).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CONFIRM_ORDER_INFO_101"]);
}
