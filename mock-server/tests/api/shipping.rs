//! updateOrderShipping (sync and async) and the life cycle after shipping.

use crate::helpers::*;
use serde_json::{json, Value};

/// A card order in 300 発送待ち; returns (number, basketId).
async fn waiting_for_shipment(app: &TestApp) -> (String, u64) {
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    app.advance(30).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 300);
    (n, o["PackageModelList"][0]["basketId"].as_u64().unwrap())
}

fn body(n: &str, basket: u64, rows: Value) -> Value {
    json!({"orderNumber": n, "BasketidModelList": [{"basketId": basket, "ShippingModelList": rows}]})
}

#[tokio::test]
async fn a_complete_row_moves_300_to_500_and_each_row_gets_its_message() {
    let app = spawn(shop()).await;
    let (n, basket) = waiting_for_shipment(&app).await;
    let rows = json!([
        {"shippingNumber": "1234-5678-9012", "deliveryCompany": "1001", "shippingDate": "2026-11-28"},
        {"deliveryCompany": "1002"},
    ]);
    let (status, v) = app.order("updateOrderShipping", body(&n, basket, rows)).await;
    assert_eq!(status, 200, "{v}");
    let msgs = v["MessageModelList"].as_array().unwrap();
    let keys: Vec<&String> = msgs[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["messageType", "messageCode", "message", "dataNumber", "shippingDetailId"]);
    assert_eq!(msgs[0]["messageCode"], "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101");
    assert_eq!(msgs[0]["message"], "発送情報の追加設定が完了しました。");
    assert_eq!((msgs[0]["dataNumber"].as_u64(), msgs[1]["dataNumber"].as_u64()), (Some(1), Some(2)));
    let id1 = msgs[0]["shippingDetailId"].as_u64().unwrap();
    let id2 = msgs[1]["shippingDetailId"].as_u64().unwrap();
    assert_ne!(id1, id2);

    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 500);
    assert_eq!(o["shippingCmplRptDatetime"], "2026-11-28T09:30:00+0900");
    let ship = &o["PackageModelList"][0]["ShippingModelList"];
    assert_eq!(
        ship[0],
        json!({"shippingDetailId": id1, "shippingNumber": "1234-5678-9012", "deliveryCompany": "1001", "deliveryCompanyName": "ヤマト運輸", "shippingDate": "2026-11-28"})
    );
    assert_eq!(app.history(&n).await["history"][3]["cause"], "updateOrderShipping");

    // Update, delete, unknown id.
    let rows = json!([
        {"shippingDetailId": id2, "shippingNumber": "9999", "shippingDate": "2026-11-29"},
        {"shippingDetailId": id2, "shippingDeleteFlag": 1},
        {"shippingDetailId": 1, "shippingNumber": "x"},
    ]);
    let (_, v) = app.order("updateOrderShipping", body(&n, basket, rows)).await;
    assert_eq!(
        codes(&v),
        vec![
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_102",
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_103",
            "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_105"
        ]
    );
    assert_eq!(v["MessageModelList"][1]["message"], "発送情報の削除設定が完了しました。");
    assert_eq!(app.order_model(&n, 9).await["PackageModelList"][0]["ShippingModelList"].as_array().unwrap().len(), 1);

    // dateType 4 (発送日) and 5 (発送完了報告日) find it.
    for dt in [4, 5] {
        let (_, s) = app.search(json!({"dateType": dt, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"})).await;
        assert_eq!(s["orderNumberList"], json!([n]), "dateType {dt}");
    }
    let (_, s) = app
        .search(json!({"dateType": 1, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900", "shippingNumberBlankFlag": 1}))
        .await;
    assert_eq!(codes(&s), vec!["ORDER_EXT_API_SEARCH_ORDER_INFO_102"]);
}

#[tokio::test]
async fn after_shipping_the_clock_moves_500_600_700_and_fixes_the_payment_date() {
    let app = spawn(shop()).await;
    let (n, basket) = waiting_for_shipment(&app).await;
    let row = json!([{"deliveryCompany": "1003", "shippingNumber": "A1", "shippingDate": "2026-11-28"}]);
    app.order("updateOrderShipping", body(&n, basket, row)).await;
    let fired = app.advance(2 * 24 * 60).await;
    let causes: Vec<(&str, u64)> = fired["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["cause"].as_str().unwrap(), t["to"].as_u64().unwrap()))
        .collect();
    assert_eq!(causes, vec![("payment_processing", 600), ("payment_settled", 700)]);
    let (_, s) = app.search(json!({"dateType": 6, "startDatetime": "2026-11-30T00:00:00+0900", "endDatetime": "2026-11-30T23:59:59+0900"})).await;
    assert_eq!(s["orderNumberList"], json!([n]));
}

#[tokio::test]
async fn an_incomplete_report_keeps_the_order_in_300() {
    let app = spawn(shop()).await;
    let (n, basket) = waiting_for_shipment(&app).await;
    let (_, v) = app
        .order(
            "updateOrderShipping",
            body(&n, basket, json!([{"deliveryCompany": "1001", "shippingDate": "2026-11-28"}])),
        )
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"]);
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 300, "no tracking number yet");
    // rms-mcp's pipeline rows (`shippingId`, `shippingCompanyId`): unknown keys are ignored, the
    // tracking number is read.
    let (_, v) = app
        .order(
            "updateOrderShipping",
            body(&n, basket, json!([{"shippingId": 1, "shippingCompanyId": 100, "shippingNumber": "T-1"}])),
        )
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"]);
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 300, "still no row with all three");
}

#[tokio::test]
async fn shipping_is_refused_outside_its_status_window() {
    let app = spawn(shop()).await;
    let fresh = app.place_one(1).await;
    let (status, v) = app.order("updateOrderShipping", body(&fresh, 1, json!([{"deliveryCompany": "1001"}]))).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_103"]);
    app.order("cancelOrder", json!({"orderNumber": fresh, "inventoryRestoreType": 1, "changeReasonDetailApply": 8}))
        .await;
    let (_, v) = app.order("updateOrderShipping", body(&fresh, 1, json!([{"deliveryCompany": "1001"}]))).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102"]);
    assert_eq!(
        v["MessageModelList"][0]["message"],
        "指定された注文番号は既にキャンセルされているため、発送完了報告が出来る状態ではありませんでした。"
    );
    let (_, v) = app
        .order("updateOrderShipping", body("123456-20261128-0000000001", 1, json!([{"deliveryCompany": "1001"}])))
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_016"]);
    let (n, _) = waiting_for_shipment(&app).await;
    let (_, v) = app.order("updateOrderShipping", body(&n, 1, json!([{"deliveryCompany": "1001"}]))).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_104"], "unknown basketId");
}

#[tokio::test]
async fn format_errors_answer_400_with_the_row_they_concern() {
    let app = spawn(shop()).await;
    let (n, basket) = waiting_for_shipment(&app).await;
    let rows = json!([{"shippingDetailId": 15419, "deliveryCompany": "1001", "shippingNumber": "SN111111", "shippingDate": "2018/01/25"}, {"deliveryCompany": "佐川急便"}]);
    let (status, v) = app.order("updateOrderShipping", body(&n, basket, rows)).await;
    assert_eq!(status, 400);
    assert_eq!(
        v,
        json!({"MessageModelList": [
            {"messageType": "ERROR", "messageCode": "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011", "message": "shippingDateの書式が不正です。", "dataNumber": 1, "shippingDetailId": 15419},
            {"messageType": "ERROR", "messageCode": "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011", "message": "deliveryCompanyの書式が不正です。", "dataNumber": 2, "shippingDetailId": null},
        ]}),
        "as the manual's sample"
    );
    for (b, text) in [
        (json!({"BasketidModelList": []}), "orderNumberの項目を指定して下さい。"),
        (json!({"orderNumber": n}), "BasketidModelListの項目を指定して下さい。"),
        (body(&n, basket, json!([{}])), "deliveryCompanyの項目を指定して下さい。"),
        (body(&n, basket, json!([{"shippingNumber": "x".repeat(121)}])), "shippingNumberの書式が不正です。"),
        (body(&n, basket, json!([{"deliveryCompany": "999"}])), "deliveryCompanyの書式が不正です。"),
        (
            json!({"orderNumber": n, "BasketidModelList": [{"ShippingModelList": []}]}),
            "basketIdの項目を指定して下さい。",
        ),
    ] {
        let (status, v) = app.order("updateOrderShipping", b.clone()).await;
        assert_eq!(status, 400, "{b}");
        assert_eq!(v["MessageModelList"][0]["message"], text, "{b}");
    }
    let many: Vec<Value> = (0..21).map(|_| json!({"deliveryCompany": "1001"})).collect();
    let (status, v) = app.order("updateOrderShipping", body(&n, basket, json!(many))).await;
    assert_eq!(
        (status, v["MessageModelList"][0]["message"].as_str()),
        (400, Some("ShippingModelListの書式が不正です。"))
    );
}

/// Found by the endpoint fuzz (issue 12): a basket whose `ShippingModelList` is empty or null
/// was answered 200 with an empty `MessageModelList` (no message at all) by both variants.
#[tokio::test]
async fn an_empty_or_null_shipping_model_list_is_error_010_never_an_answer_without_messages() {
    let app = spawn(shop()).await;
    let (n, basket) = waiting_for_shipment(&app).await;
    for rows in [json!([]), Value::Null] {
        let (status, v) = app.order("updateOrderShipping", body(&n, basket, rows.clone())).await;
        assert_eq!(status, 400, "{rows}: {v}");
        assert_eq!(
            v["MessageModelList"],
            json!([{"messageType": "ERROR", "messageCode": "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_010", "message": "ShippingModelListの値を指定して下さい。"}]),
            "{rows}"
        );
        let (status, v) = app
            .order("updateOrderShippingAsync", json!({"OrderShippingModelList": [body(&n, basket, rows.clone())]}))
            .await;
        assert_eq!(status, 400, "{rows}: {v}");
        assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_010"], "{rows}");
    }
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 300, "nothing changed");
}

#[tokio::test]
async fn the_async_variant_answers_a_request_id_and_its_result_once_processed() {
    let app = spawn(shop()).await;
    let (a, ba) = waiting_for_shipment(&app).await;
    let (b, bb) = waiting_for_shipment(&app).await;
    let req = json!({"OrderShippingModelList": [
        {"orderNumber": a, "BasketidModelList": [{"basketId": ba, "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "1", "shippingDate": "2026-11-28"}]}]},
        {"orderNumber": b, "BasketidModelList": [{"basketId": bb, "ShippingModelList": [{"deliveryCompany": "1002"}]}]},
    ]});
    let (status, v) = app.order("updateOrderShippingAsync", req).await;
    assert_eq!(status, 200, "{v}");
    let m = &v["MessageModelList"][0];
    assert_eq!(m["messageCode"], "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101");
    assert!(m["dataNumber"].is_null() && m["shippingDetailId"].is_null());
    let id = m["requestId"].as_str().unwrap().to_string();
    let (uuid, stamp) = id.split_once('_').unwrap();
    assert_eq!((uuid.len(), uuid.matches('-').count()), (36, 4), "{id}");
    assert_eq!(stamp, "20261128100000", "{id}");

    let not_yet = json!({"ResultShippingModelList": [{"MessageModelList": [{"messageType": "INFO", "messageCode": "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101", "message": "指定されたリクエストIDの処理結果は存在しませんでした。"}]}]});
    let (status, v) = app.order("getResultUpdateOrderShippingAsync", json!({"requestId": id})).await;
    assert_eq!((status, &v), (200, &not_yet));
    app.advance(1).await;
    let (_, v) = app.order("getResultUpdateOrderShippingAsync", json!({"requestId": id})).await;
    let results = v["ResultShippingModelList"].as_array().unwrap();
    assert_eq!(results[0]["orderNumber"], a.as_str());
    assert_eq!(results[0]["MessageModelList"][0]["messageCode"], "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101");
    assert_eq!(results[1]["orderNumber"], b.as_str());
    assert_eq!(app.order_model(&a, 9).await["orderProgress"], 500);
    assert_eq!(app.order_model(&b, 9).await["orderProgress"], 300);
    assert_eq!(app.history(&a).await["history"][3]["cause"], "updateOrderShippingAsync");
    // Kept 30 days.
    app.advance(30 * 24 * 60).await;
    let (_, v) = app.order("getResultUpdateOrderShippingAsync", json!({"requestId": id})).await;
    assert_eq!(v, not_yet);

    let (status, v) = app.order("getResultUpdateOrderShippingAsync", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(v["ResultShippingModelList"][0]["MessageModelList"][0]["message"], "requestIdの項目を指定して下さい。");
}

#[tokio::test]
async fn async_format_errors_come_back_at_once_with_the_order_number() {
    let app = spawn(shop()).await;
    let (a, ba) = waiting_for_shipment(&app).await;
    let req = json!({"OrderShippingModelList": [{"orderNumber": a, "BasketidModelList": [{"basketId": ba, "ShippingModelList": [{"shippingDetailId": 15419, "shippingDate": "2018/01/25"}, {"deliveryCompany": "佐川急便"}]}]}]});
    let (status, v) = app.order("updateOrderShippingAsync", req).await;
    assert_eq!(status, 200);
    let m = &v["MessageModelList"];
    assert_eq!(m[0]["messageCode"], "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_011");
    assert_eq!(m[0]["orderNumber"], a.as_str());
    assert_eq!((m[0]["dataNumber"].as_u64(), m[1]["dataNumber"].as_u64()), (Some(1), Some(2)));
    assert!(m[0].get("requestId").is_none());
    let dup = json!({"OrderShippingModelList": [
        {"orderNumber": a, "BasketidModelList": [{"basketId": ba, "ShippingModelList": [{"deliveryCompany": "1001"}]}]},
        {"orderNumber": a, "BasketidModelList": [{"basketId": ba, "ShippingModelList": [{"deliveryCompany": "1001"}]}]},
    ]});
    let (status, v) = app.order("updateOrderShippingAsync", dup).await;
    assert_eq!(status, 400, "{v}");
    let many: Vec<Value> = (0..101).map(|i| json!({"orderNumber": format!("x{i}"), "BasketidModelList": []})).collect();
    let (status, _) = app.order("updateOrderShippingAsync", json!({"OrderShippingModelList": many})).await;
    assert_eq!(status, 400);
}

/// A tool that reports shipping right after confirmOrder meets the order still in 200 楽天処理中
/// (real RMS holds orders there too); `processing_delay_minutes = 0` is the README's answer for
/// flows that must not wait.
#[tokio::test]
async fn shipping_right_after_confirm_waits_for_processing_unless_the_delay_is_zero() {
    let rows = json!([{"shippingNumber": "1234-5678-9012", "deliveryCompany": "1001", "shippingDate": "2026-11-28"}]);
    for (delay, progress_after, code) in [
        (30, 200, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_103"),
        (0, 500, "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"),
    ] {
        let app = spawn(shop().with_setting(&format!("processing_delay_minutes = {delay}"))).await;
        let n = app.place_one(1).await;
        app.confirm(&[&n]).await;
        let basket = app.order_model(&n, 9).await["PackageModelList"][0]["basketId"].as_u64().unwrap();
        let (_, v) = app.order("updateOrderShipping", body(&n, basket, rows.clone())).await;
        assert_eq!(codes(&v), vec![code], "delay {delay}: {v}");
        assert_eq!(app.order_model(&n, 9).await["orderProgress"], progress_after, "delay {delay}");
    }
}
