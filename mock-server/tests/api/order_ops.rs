//! The order API's other write operations: cancellations, sub-statuses, memo, remarks,
//! delivery, orderer, sender; getPayment, simulateCouponAmount; the card review NG path.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

fn with_sub_statuses() -> ShopSpec {
    shop().with_toml(
        "[[sub_statuses]]\nid = 1101\nname = \"在庫確認中\"\norder_progress = 100\n\n[[sub_statuses]]\nid = 1102\nname = \"要確認\"\norder_progress = 100\n\n[[sub_statuses]]\nid = 3101\nname = \"出荷準備中\"\norder_progress = 300\n",
    )
}

async fn shipped(app: &TestApp) -> String {
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    app.advance(30).await;
    let basket = app.order_model(&n, 9).await["PackageModelList"][0]["basketId"].clone();
    let (_, v) = app
        .order(
            "updateOrderShipping",
            json!({"orderNumber": n, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "1", "shippingDate": "2026-11-28"}]}]}),
        )
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"]);
    n
}

fn cancel(n: &str, restore: i64, reason: i64) -> Value {
    json!({"orderNumber": n, "inventoryRestoreType": restore, "changeReasonDetailApply": reason})
}

#[tokio::test]
async fn cancel_order_goes_through_800_to_900_and_restores_stock_as_asked() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place(&[("tshirt", "m-black", 3)], 1).await;
    app.advance(5).await;
    let (status, v) = app.order("cancelOrder", cancel(&n, 1, 8)).await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"MessageModelList": [{"messageType": "INFO", "messageCode": "ORDER_EXT_API_CANCEL_ORDER_INFO_101", "message": "キャンセル申請に成功しました。", "orderNumber": n}]})
    );
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 800);
    let cr = &o["ChangeReasonModelList"][0];
    assert_eq!(
        (cr["changeType"].as_u64(), cr["changeReason"].as_u64(), cr["changeReasonDetail"].as_u64()),
        (Some(0), Some(0), Some(8))
    );
    assert!(cr["changeFixDatetime"].is_null());
    assert_eq!(app.stock("tshirt", "m-black").await, 7, "restored when confirmed, not before");
    let fired = app.advance(60).await;
    assert_eq!(fired["transitions"][0]["cause"], "cancel_confirmed");
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 900);
    assert_eq!(o["ChangeReasonModelList"][0]["changeType"], 2);
    assert_eq!(o["ChangeReasonModelList"][0]["changeCmplDatetime"], "2026-11-28T10:05:00+0900");
    assert_eq!(app.stock("tshirt", "m-black").await, 10);

    // inventoryRestoreType 2: the stock stays out; the immediate flow goes straight to 900.
    let app = spawn(shop().with_setting("cancel_flow = \"immediate\"")).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place(&[("tshirt", "m-black", 3)], 1).await;
    app.order("cancelOrder", cancel(&n, 2, 1)).await;
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 900);
    assert_eq!(app.order_model(&n, 9).await["ChangeReasonModelList"][0]["changeReason"], 1, "お客様都合");
    assert_eq!(app.stock("tshirt", "m-black").await, 7);
}

#[tokio::test]
async fn cancel_order_is_refused_after_shipping_and_validates_its_fields() {
    let app = spawn(shop()).await;
    let n = shipped(&app).await;
    let (status, v) = app.order("cancelOrder", cancel(&n, 0, 1)).await;
    assert_eq!(status, 200);
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CANCEL_ORDER_ERROR_103"]);
    for (b, text) in [
        (json!({"orderNumber": n, "changeReasonDetailApply": 1}), "inventoryRestoreTypeの項目を指定して下さい。"),
        (
            json!({"orderNumber": n, "inventoryRestoreType": 3, "changeReasonDetailApply": 1}),
            "inventoryRestoreTypeの書式が不正です。",
        ),
        (
            json!({"orderNumber": n, "inventoryRestoreType": 0, "changeReasonDetailApply": 7}),
            "changeReasonDetailApplyの書式が不正です。",
        ),
        (json!({"inventoryRestoreType": 0, "changeReasonDetailApply": 1}), "orderNumberの項目を指定して下さい。"),
    ] {
        let (status, v) = app.order("cancelOrder", b.clone()).await;
        assert_eq!((status, v["MessageModelList"][0]["message"].as_str()), (400, Some(text)), "{b}");
    }
}

#[tokio::test]
async fn cancel_after_shipping_cancels_and_confirms_in_one_step() {
    let app = spawn(shop()).await;
    let n = shipped(&app).await;
    let (_, v) = app.order("cancelOrderAfterShipping", cancel(&n, 1, 2)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CANCEL_ORDER_AFTER_SHIPPING_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 900);
    assert_eq!(o["ChangeReasonModelList"].as_array().unwrap().last().unwrap()["changeType"], 2);
    assert_eq!(
        app.history(&n).await["history"].as_array().unwrap().last().unwrap()["cause"],
        "cancelOrderAfterShipping"
    );
    let fresh = app.place_one(1).await;
    let (_, v) = app.order("cancelOrderAfterShipping", cancel(&fresh, 1, 2)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CANCEL_ORDER_AFTER_SHIPPING_ERROR_103"]);
    let (_, v) = app.order("cancelOrderAfterShipping", cancel(&n, 1, 2)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_CANCEL_ORDER_AFTER_SHIPPING_ERROR_102"]);
}

#[tokio::test]
async fn sub_statuses_are_listed_set_cleared_and_searchable() {
    let app = spawn(with_sub_statuses()).await;
    let (status, v) = app.order("getSubStatusList", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["StatusModelList"],
        json!([
            {"orderProgress": 100, "SubStatusModelList": [{"subStatusId": 1101, "subStatusName": "在庫確認中", "orderby": 1}, {"subStatusId": 1102, "subStatusName": "要確認", "orderby": 2}]},
            {"orderProgress": 300, "SubStatusModelList": [{"subStatusId": 3101, "subStatusName": "出荷準備中", "orderby": 1}]},
        ])
    );
    // JakeJP posts getSubStatusList with an empty body.
    let r = app
        .client
        .post(format!("{}/es/2.0/order/getSubStatusList/", app.base))
        .header("Authorization", &app.auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let a = app.place_one(1).await;
    let b = app.place_one(1).await;
    let (_, v) = app.order("updateOrderSubStatus", json!({"subStatusId": 1101, "orderNumberList": [a, b]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_INFO_101"; 2]);
    assert_eq!(v["MessageModelList"][0]["message"], "サブステータスの更新設定が完了しました。");
    let o = app.order_model(&a, 9).await;
    assert_eq!((o["subStatusId"].as_i64(), o["subStatusName"].as_str()), (Some(1101), Some("在庫確認中")));
    let (_, v) = app.order("updateOrderSubStatus", json!({"subStatusId": null, "orderNumberList": [b]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_INFO_101"]);
    assert!(app.order_model(&b, 9).await["subStatusId"].is_null());

    let window = json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900", "orderProgressList": [100]});
    let mut q = window.clone();
    q["subStatusIdList"] = json!([1101]);
    assert_eq!(app.search(q.clone()).await.1["orderNumberList"], json!([a]));
    q["subStatusIdList"] = json!([-1]);
    assert_eq!(app.search(q).await.1["orderNumberList"], json!([b]));

    let (_, v) = app
        .order(
            "updateOrderSubStatus",
            json!({"subStatusId": 3101, "orderNumberList": [a, "123456-20261128-0000000001"]}),
        )
        .await;
    assert_eq!(
        codes(&v),
        vec!["ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_ERROR_102", "ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_ERROR_016"]
    );
    assert_eq!(v["MessageModelList"][0]["message"], "指定された注文番号、サブステータスでは更新できません。");
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{b}/cancel")), None).await;
    let (_, v) = app.order("updateOrderSubStatus", json!({"subStatusId": 1101, "orderNumberList": [b]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSUBSTATUS_ERROR_101"]);
    assert_eq!(
        v["MessageModelList"][0]["message"],
        "指定された注文番号は既にキャンセルされているため、サブステータスの更新が出来る状態ではありませんでした。"
    );

    let (status, v) = app.order("updateOrderSubStatus", json!({})).await;
    assert_eq!(status, 400);
    let texts: Vec<&str> =
        v["MessageModelList"].as_array().unwrap().iter().map(|m| m["message"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["subStatusIdの項目を指定して下さい。", "orderNumberListの項目を指定して下さい。"]);
}

#[tokio::test]
async fn memo_fields_update_what_is_sent_and_are_validated() {
    let app = spawn(with_sub_statuses()).await;
    let n = app.place_one(1).await;
    let (status, v) = app
        .order(
            "updateOrderMemo",
            json!({"orderNumber": n, "subStatusId": "1102", "deliveryClass": "2", "deliveryDate": "2026-12-01", "shippingTerm": 724,
                   "memo": "ひとことメモです", "operator": "楽天担当", "mailPlugSentence": "お買い上げ頂きまして誠に有難うございます。"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["MessageModelList"][0]["message"], "ひとことメモ、担当者情報等の更新設定が完了しました。");
    let o = app.order_model(&n, 9).await;
    assert_eq!(
        (
            o["memo"].as_str(),
            o["operator"].as_str(),
            o["deliveryDate"].as_str(),
            o["shippingTerm"].as_i64(),
            o["DeliveryModel"]["deliveryClass"].as_i64(),
            o["subStatusId"].as_i64()
        ),
        (Some("ひとことメモです"), Some("楽天担当"), Some("2026-12-01"), Some(724), Some(2), Some(1102))
    );
    assert_eq!(o["mailPlugSentence"], "お買い上げ頂きまして誠に有難うございます。");
    // Only what is sent changes; the memo keyword search (type 3) finds it.
    app.order("updateOrderMemo", json!({"orderNumber": n, "operator": ""})).await;
    let o = app.order_model(&n, 9).await;
    assert!(o["operator"].is_null());
    assert_eq!(o["memo"], "ひとことメモです");
    let (_, s) = app
        .search(json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900", "searchKeywordType": 3, "searchKeyword": "メモ"}))
        .await;
    assert_eq!(s["orderNumberList"], json!([n]));
    for (b, text) in [
        (json!({"memo": "x"}), "orderNumberの項目を指定して下さい。"),
        (json!({"orderNumber": n, "operator": "七文字の担当者"}), "operatorの書式が不正です。"),
        (json!({"orderNumber": n, "memo": "m".repeat(1001)}), "memoの書式が不正です。"),
        (json!({"orderNumber": n, "mailPlugSentence": "m".repeat(1025)}), "mailPlugSentenceの書式が不正です。"),
        (json!({"orderNumber": n, "shippingTerm": 1410}), "shippingTermの書式が不正です。"),
        (json!({"orderNumber": n, "deliveryDate": "2026/12/01"}), "deliveryDateの書式が不正です。"),
        (json!({"orderNumber": n, "deliveryClass": 9}), "deliveryClassの書式が不正です。"),
    ] {
        let (status, v) = app.order("updateOrderMemo", b.clone()).await;
        assert_eq!((status, v["MessageModelList"][0]["message"].as_str()), (400, Some(text)), "{b}");
    }
}

#[tokio::test]
async fn remarks_delivery_and_orderer_update_before_shipping_only() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let (_, v) = app
        .order(
            "updateOrderRemarks",
            json!({"orderNumber": n, "giftCheck": 1, "remarks": "[配送日時指定:]\n2026年12月01日\n"}),
        )
        .await;
    assert_eq!(
        v,
        json!({"MessageModelList": [{"messageType": "INFO", "messageCode": "ORDER_EXT_API_UPDATE_ORDERREMARKS_INFO_101", "message": "備考情報の更新設定が完了しました。", "orderNumber": n}]})
    );
    let (_, v) = app.order("updateOrderDelivery", json!({"orderNumber": n, "deliveryName": "メール便"})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERDELIVERY_INFO_101"]);
    let orderer = json!({"zipCode1": "100", "zipCode2": "0005", "prefecture": "東京都", "city": "千代田区", "subAddress": "丸の内1-1",
                         "familyName": "鈴木", "firstName": "一郎", "familyNameKana": "スズキ", "firstNameKana": "イチロウ",
                         "phoneNumber1": "03", "phoneNumber2": "1234", "phoneNumber3": "5678"});
    let (_, v) = app.order("updateOrderOrderer", json!({"orderNumber": n, "OrdererModel": orderer})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERORDERER_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!(
        (o["giftCheckFlag"].as_i64(), o["remarks"].as_str()),
        (Some(1), Some("[配送日時指定:]\n2026年12月01日\n"))
    );
    assert_eq!(o["DeliveryModel"]["deliveryName"], "メール便");
    assert_eq!(
        (o["OrdererModel"]["familyName"].as_str(), o["OrdererModel"]["city"].as_str()),
        (Some("鈴木"), Some("千代田区"))
    );
    assert!(o["OrdererModel"]["emailAddress"].as_str().unwrap().ends_with("@pc.fw.rakuten.ne.jp"), "the e-mail stays");
    assert_eq!(o["modifyFlag"], 1);

    let mut bad = orderer.clone();
    bad["prefecture"] = json!("東京");
    let (status, v) = app.order("updateOrderOrderer", json!({"orderNumber": n, "OrdererModel": bad})).await;
    assert_eq!((status, v["MessageModelList"][0]["message"].as_str()), (400, Some("prefectureの書式が不正です。")));
    let (status, v) = app.order("updateOrderOrderer", json!({"orderNumber": n})).await;
    assert_eq!(
        (status, v["MessageModelList"][0]["message"].as_str()),
        (400, Some("OrdererModelの項目を指定して下さい。"))
    );
    let (status, _) = app.order("updateOrderRemarks", json!({"orderNumber": n})).await;
    assert_eq!(status, 400, "one of remarks / giftCheck is needed");
    let (status, v) = app.order("updateOrderDelivery", json!({"orderNumber": n})).await;
    assert_eq!(
        (status, v["MessageModelList"][0]["message"].as_str()),
        (400, Some("deliveryNameの項目を指定して下さい。"))
    );

    let s = shipped(&app).await;
    for (op, b) in [
        ("updateOrderRemarks", json!({"orderNumber": s, "giftCheck": 0})),
        ("updateOrderDelivery", json!({"orderNumber": s, "deliveryName": "宅配便"})),
    ] {
        let (_, v) = app.order(op, b).await;
        assert!(codes(&v)[0].ends_with("_ERROR_103"), "{op}: {v}");
    }
}

/// Found by the model-based test (issue 12): an order whose amount changed while in 200 waited
/// in 400 when its processing fell due, came back to 200 and stayed there for ever. It now
/// finishes processing when the change is confirmed (or when processing falls due, if later);
/// a prepaid order the buyer paid while it waited finishes at once.
#[tokio::test]
async fn an_order_changed_during_processing_reaches_300_after_the_change_is_confirmed() {
    let app = spawn(shop()).await;
    let change = |n: &str, units: i64, o: &Value| {
        let basket = o["PackageModelList"][0]["basketId"].clone();
        let detail = o["PackageModelList"][0]["ItemModelList"][0]["itemDetailId"].clone();
        json!({"orderNumber": n, "reductionReason": 8,
            "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": detail, "units": units}]}]})
    };
    let card = app.place(&[("tshirt", "m-black", 2)], 1).await;
    let bank = app.place(&[("tshirt", "m-black", 2)], 9).await;
    app.confirm(&[&card, &bank]).await;
    for n in [&card, &bank] {
        let o = app.order_model(n, 9).await;
        let (_, v) = app.order("updateOrderSender", change(n, 1, &o)).await;
        assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    }
    let (status, v) = app.admin(Method::POST, &app.shop_path(&format!("/orders/{bank}/payment")), None).await;
    assert_eq!(status, 200, "the buyer pays while the change waits: {v}");
    app.advance(30).await; // processing falls due while the card order waits in 400
    assert_eq!(app.order_model(&card, 9).await["orderProgress"], 400);
    let fired = app.advance(30).await;
    let moves: Vec<(String, i64, String)> = fired["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["order_number"].as_str().unwrap().to_string(),
                t["to"].as_i64().unwrap(),
                t["cause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            (card.clone(), 200, "change_confirmed".into()),
            (card.clone(), 300, "processing".into()),
            (bank.clone(), 200, "change_confirmed".into()),
            (bank.clone(), 300, "payment".into()),
        ]
    );
    for n in [&card, &bank] {
        assert_eq!(app.order_model(n, 9).await["orderProgress"], 300, "{n}");
    }
}

#[tokio::test]
async fn sender_changes_of_a_confirmed_order_wait_in_400_and_move_stock() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place(&[("tshirt", "m-black", 3)], 1).await;
    let o = app.order_model(&n, 9).await;
    let basket = o["PackageModelList"][0]["basketId"].as_u64().unwrap();
    let detail = o["PackageModelList"][0]["ItemModelList"][0]["itemDetailId"].as_u64().unwrap();
    app.confirm(&[&n]).await;
    app.advance(30).await;
    let less = json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": detail, "units": 1}]}]});
    let (_, v) = app.order("updateOrderSender", less.clone()).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_ERROR_107"], "a reduction needs its reason");
    let mut with_reason = less.clone();
    with_reason["reductionReason"] = json!(8);
    let (_, v) = app.order("updateOrderSender", with_reason).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderProgress"], 400);
    // Postage is what the shop sets: the free postage of the original order stays.
    assert_eq!(
        (o["goodsPrice"].as_i64(), o["postagePrice"].as_i64(), o["requestPrice"].as_i64()),
        (Some(1980), Some(0), Some(1980))
    );
    let cr = o["ChangeReasonModelList"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (cr["changeType"].as_u64(), cr["changeTypeDetail"].as_u64(), cr["changeReasonDetail"].as_u64()),
        (Some(4), Some(0), Some(8))
    );
    assert_eq!(app.stock("tshirt", "m-black").await, 9, "two units back");
    let fired = app.advance(60).await;
    assert_eq!(fired["transitions"][0]["cause"], "change_confirmed");
    assert_eq!(fired["transitions"][0]["to"], 300);
    assert_eq!(
        app.order_model(&n, 9).await["ChangeReasonModelList"].as_array().unwrap().last().unwrap()["changeType"],
        6
    );

    // An address-only change moves nothing.
    let sender = json!({"zipCode1": "530", "zipCode2": "0001", "prefecture": "大阪府", "city": "大阪市北区", "subAddress": "梅田1-1",
                        "familyName": "田中", "phoneNumber1": "06", "phoneNumber2": "1111", "phoneNumber3": "2222"});
    let (_, v) = app.order("updateOrderSender", json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "SenderModel": sender, "noshi": "御祝"}]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!((o["orderProgress"].as_i64(), o["equalSenderFlag"].as_i64()), (Some(300), Some(0)));
    assert_eq!(o["PackageModelList"][0]["SenderModel"]["prefecture"], "大阪府");
    assert_eq!(o["PackageModelList"][0]["noshi"], "御祝");

    for (b, code) in [
        (json!({"orderNumber": n, "PackageModelList": [{"basketId": 1}]}), "ERROR_104"),
        (
            json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": 1, "units": 1}]}]}),
            "ERROR_105",
        ),
        (
            json!({"orderNumber": n, "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": detail, "units": 20}]}]}),
            "ERROR_106",
        ),
        (
            json!({"orderNumber": n, "afterSettlementMethodCode": 9, "PackageModelList": [{"basketId": basket}]}),
            "ERROR_108",
        ),
    ] {
        let (status, v) = app.order("updateOrderSender", b.clone()).await;
        assert_eq!(status, 200);
        assert_eq!(codes(&v), vec![format!("ORDER_EXT_API_UPDATE_ORDERSENDER_{code}")], "{b}");
    }
    let (status, v) = app.order("updateOrderSender", json!({"orderNumber": n})).await;
    assert_eq!(
        (status, v["MessageModelList"][0]["message"].as_str()),
        (400, Some("PackageModelListの項目を指定して下さい。"))
    );
    let (_, v) = app
        .order("updateOrderSenderAfterShipping", json!({"orderNumber": n, "PackageModelList": [{"basketId": basket}]}))
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_AFTER_SHIPPING_ERROR_103"]);
}

#[tokio::test]
async fn sender_changes_after_shipping_are_recorded_without_a_status_change() {
    let app = spawn(shop()).await;
    let n = shipped(&app).await;
    let o = app.order_model(&n, 9).await;
    let basket = o["PackageModelList"][0]["basketId"].as_u64().unwrap();
    let (_, v) = app
        .order("updateOrderSenderAfterShipping", json!({"orderNumber": n, "reductionReason": 15, "PackageModelList": [{"basketId": basket, "postagePrice": 0}]}))
        .await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_AFTER_SHIPPING_INFO_101"]);
    let o = app.order_model(&n, 9).await;
    assert_eq!((o["orderProgress"].as_i64(), o["postagePrice"].as_i64()), (Some(500), Some(0)));
    assert_eq!(o["ChangeReasonModelList"].as_array().unwrap().last().unwrap()["changeType"], 6);
    let (_, v) =
        app.order("updateOrderSender", json!({"orderNumber": n, "PackageModelList": [{"basketId": basket}]})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_UPDATE_ORDERSENDER_ERROR_103"]);
}

#[tokio::test]
async fn get_payment_follows_the_payment_through_the_life_cycle() {
    let app = spawn(shop()).await;
    let status = |v: &Value| v["OrderModel"]["PaymentModelList"][0]["paymentStatus"].as_u64();
    let card = app.place_one(1).await;
    let (code, v) = app.order("getPayment", json!({"orderNumber": card, "version": 4})).await;
    assert_eq!(code, 200);
    assert_eq!(v["MessageModelList"][0]["messageCode"], "ORDER_EXT_API_GET_PAYMENT_INFO_101");
    let p = &v["OrderModel"]["PaymentModelList"][0];
    assert_eq!(p["orderPaymentNumber"], format!("{card}-1"));
    assert_eq!((p["paymentMethod"].as_u64(), p["paymentAmount"].as_i64()), (Some(1), Some(2530)));
    assert_eq!(status(&v), Some(30100));
    app.confirm(&[&card]).await;
    app.advance(30).await;
    assert_eq!(status(&app.order("getPayment", json!({"orderNumber": card, "version": 4})).await.1), Some(30300));

    let bank = app.place_one(9).await;
    let v = app.order("getPayment", json!({"orderNumber": bank, "version": "4"})).await.1;
    assert_eq!(
        (status(&v), v["OrderModel"]["PaymentModelList"][0]["payExpectDate"].as_str()),
        (Some(30100), Some("2026-12-05"))
    );
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{bank}/payment")), None).await;
    assert_eq!(status(&app.order("getPayment", json!({"orderNumber": bank, "version": 4})).await.1), Some(30600));

    let gone = app.place_one(1).await;
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{gone}/cancel")), None).await;
    assert_eq!(status(&app.order("getPayment", json!({"orderNumber": gone, "version": 4})).await.1), Some(31100));
    let (_, v) = app.order("getPayment", json!({"orderNumber": "123456-20261128-0000000001", "version": 4})).await;
    assert_eq!((codes(&v), v["OrderModel"].is_null()), (vec!["ORDER_EXT_API_GET_PAYMENT_ERROR_016".to_string()], true));
    let (code, v) = app.order("getPayment", json!({"orderNumber": card})).await;
    assert_eq!((code, v["MessageModelList"][0]["message"].as_str()), (400, Some("versionの項目を指定して下さい。")));
}

#[tokio::test]
async fn simulate_coupon_amount_reports_what_a_coupon_would_do() {
    let app = spawn(shop()).await;
    let n = app.place(&[("tshirt", "m-black", 3)], 1).await;
    let (status, v) = app
        .order(
            "simulateCouponAmount",
            json!({"orderNumber": n, "CouponModelList": [{"couponPrice": 500, "couponUnit": 1}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!((v["couponAllTotalPrice"].as_i64(), v["requestPrice"].as_i64()), (Some(500), Some(5440)));
    assert_eq!(app.order_model(&n, 9).await["requestPrice"], 5940, "a simulation changes nothing");
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{n}/cancel")), None).await;
    let (_, v) = app.order("simulateCouponAmount", json!({"orderNumber": n})).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_SIMULATE_COUPON_AMOUNT_ERROR_102"]);
}

#[tokio::test]
async fn a_card_review_ng_waits_for_a_new_payment_or_cancels_at_the_deadline() {
    let app = spawn(shop()).await;
    let fixed = app.place_one(1).await;
    let lost = app.place_one(1).await;
    app.confirm(&[&fixed, &lost]).await;
    for n in [&fixed, &lost] {
        let (status, v) = app
            .admin(Method::POST, &app.shop_path(&format!("/orders/{n}/review")), Some(json!({"result": "ng"})))
            .await;
        assert_eq!(status, 200, "{v}");
    }
    let o = app.order_model(&fixed, 9).await;
    assert_eq!(o["rakutenConfirmFlag"], 1);
    assert_eq!(o["ChangeReasonModelList"].as_array().unwrap().last().unwrap()["changeType"], 9);
    assert_eq!(o["DueDateModelList"], json!([{"dueDateType": 1, "dueDate": "2026-12-01"}]));
    app.advance(60).await;
    assert_eq!(app.order_model(&fixed, 9).await["orderProgress"], 200, "processing waits while the review is NG");
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{fixed}/payment")), None).await;
    assert_eq!(app.order_model(&fixed, 9).await["orderProgress"], 300);
    let fired = app.advance(4 * 24 * 60).await;
    let t: Vec<&Value> =
        fired["transitions"].as_array().unwrap().iter().filter(|t| t["order_number"] == lost.as_str()).collect();
    assert_eq!(t[0]["cause"], "review_ng_deadline");
    assert_eq!(t[0]["to"], 900);
    let (status, _) = app
        .admin(Method::POST, &app.shop_path(&format!("/orders/{fixed}/review")), Some(json!({"result": "ng"})))
        .await;
    assert_eq!(status, 409, "only orders in 200 can fail the review");
}
