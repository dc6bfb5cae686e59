//! getOrder: versions, unknown numbers, limits, the model's shape.

use crate::helpers::*;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn version_5_has_no_sku_model_list_and_version_7_has_it() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let v5 = app.order_model(&n, 5).await;
    let item5 = &v5["PackageModelList"][0]["ItemModelList"][0];
    assert!(item5.get("SkuModelList").is_none(), "{item5}");
    let v7 = app.order_model(&n, 7).await;
    let item7 = &v7["PackageModelList"][0]["ItemModelList"][0];
    assert_eq!(
        item7["SkuModelList"],
        json!([{"variantId": "m-black", "merchantDefinedSkuId": "TS-M-BK", "skuInfo": "サイズ:M\nカラー:ブラック"}])
    );
}

#[tokio::test]
async fn each_version_adds_and_removes_its_fields() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    for version in 3..=10u8 {
        let (status, body) = app.get_order(&[&n], json!(version)).await;
        assert_eq!(status, 200);
        assert_eq!(body.get("version").is_some(), version >= 6, "top-level version in v{version}");
        let o = &body["OrderModelList"][0];
        let p = &o["PackageModelList"][0];
        let i = &p["ItemModelList"][0];
        let has = |v: &Value, k: &str| v.get(k).is_some();
        assert_eq!(has(p, "defaultDeliveryCompanyCode"), version >= 4, "v{version}");
        assert_eq!(has(i, "isSingleItemShipping"), version >= 4, "v{version}");
        assert_eq!(has(o, "receiptIssueCount"), version >= 5, "v{version}");
        assert_eq!(has(o, "DueDateModelList"), version >= 5, "v{version}");
        assert_eq!(has(o, "cautionDisplayDetailType"), version >= 6, "v{version}");
        assert_eq!(has(i, "SkuModelList"), version >= 7, "v{version}");
        assert_eq!(has(o, "goodsTax"), version < 8, "v{version}");
        assert_eq!(has(p, "goodsTax"), version < 8, "v{version}");
        assert_eq!(has(o, "isTaxRecalc"), version < 8, "v{version}");
        assert_eq!(has(o, "deliveryCertPrgFlag"), version >= 8, "v{version}");
        assert_eq!(has(p, "dropOffFlag"), version >= 9, "v{version}");
        assert_eq!(has(o, "socialGiftFlag"), version >= 10, "v{version}");
        assert_eq!(has(p, "SocialGiftModel"), version >= 10, "v{version}");
        // Fields that exist are always there, null when empty.
        assert!(o["memo"].is_null() && o["shopOrderCfmDatetime"].is_null() && o["WrappingModel1"].is_null());
        assert_eq!(p["ShippingModelList"], json!([]));
    }
}

#[tokio::test]
async fn version_9_keys_come_in_the_order_of_rakutens_own_samples() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let (_, body) = app.get_order(&[&n], json!(9)).await;
    assert_eq!(keys(&body), ["version", "MessageModelList", "OrderModelList"], "version first (order-api.md §0)");
    let o = body["OrderModelList"][0].clone();
    // order-api.md §0 (S-OFF, version 9), top level of OrderModel.
    let expected =
        "orderNumber orderProgress subStatusId subStatusName orderDatetime shopOrderCfmDatetime orderFixDatetime \
        shippingInstDatetime shippingCmplRptDatetime cancelDueDate deliveryDate shippingTerm remarks giftCheckFlag \
        severalSenderFlag equalSenderFlag isolatedIslandFlag rakutenMemberFlag carrierCode emailCarrierCode orderType \
        reserveNumber reserveDeliveryCount cautionDisplayType cautionDisplayDetailType rakutenConfirmFlag goodsPrice \
        postagePrice deliveryPrice paymentCharge paymentChargeTaxRate totalPrice requestPrice couponAllTotalPrice \
        couponShopPrice couponOtherPrice additionalFeeOccurAmountToUser additionalFeeOccurAmountToShop asurakuFlag \
        drugFlag dealFlag deliveryCertPrgFlag oneDayOperationFlag membershipType memo operator mailPlugSentence \
        modifyFlag receiptIssueCount receiptIssueHistoryList OrdererModel SettlementModel DeliveryModel PointModel \
        WrappingModel1 WrappingModel2 PackageModelList CouponModelList ChangeReasonModelList TaxSummaryModelList \
        DueDateModelList";
    assert_eq!(keys(&o), expected.split_whitespace().collect::<Vec<_>>());
    let p = &o["PackageModelList"][0];
    let expected_pkg =
        "basketId postagePrice postageTaxRate deliveryPrice deliveryTaxRate goodsPrice totalPrice noshi \
        defaultDeliveryCompanyCode dropOffFlag dropOffLocation packageDeleteFlag SenderModel ItemModelList \
        ShippingModelList DeliveryCvsModel";
    assert_eq!(keys(p), expected_pkg.split_whitespace().collect::<Vec<_>>());
    let expected_item = "itemDetailId itemName itemId itemNumber manageNumber price units includePostageFlag includeTaxFlag \
        includeCashOnDeliveryPostageFlag selectedChoice pointRate pointType inventoryType delvdateInfo restoreInventoryFlag \
        dealFlag drugFlag deleteItemFlag taxRate priceTaxIncl isSingleItemShipping SkuModelList";
    assert_eq!(keys(&p["ItemModelList"][0]), expected_item.split_whitespace().collect::<Vec<_>>());
    // The first item's itemDetailId equals the basketId (seen in every capture).
    assert_eq!(p["basketId"], p["ItemModelList"][0]["itemDetailId"]);
    assert!(o["OrdererModel"]["emailAddress"].as_str().unwrap().ends_with("s1@pc.fw.rakuten.ne.jp"));
    assert_eq!(o["orderDatetime"], "2026-11-28T09:00:00+0900");
    assert_eq!(o["paymentChargeTaxRate"], json!(0.1));
}

#[tokio::test]
async fn amounts_add_up() {
    let app = spawn(shop()).await;
    // 2 × 1980 = 3960 < 3980: postage 550; COD fee 330.
    let n = app.place(&[("tshirt", "m-black", 2)], 2).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(
        (o["goodsPrice"].as_i64(), o["postagePrice"].as_i64(), o["deliveryPrice"].as_i64()),
        (Some(3960), Some(550), Some(330))
    );
    assert_eq!(o["totalPrice"], 4510);
    assert_eq!(o["requestPrice"], 4840);
    assert_eq!(o["TaxSummaryModelList"][0]["reqPrice"], 4840);
    assert_eq!(o["TaxSummaryModelList"][0]["reqPriceTax"], 440);
    assert_eq!(o["SettlementModel"]["settlementMethod"], "代金引換");
    assert!(o["SettlementModel"]["cardName"].is_null());
    // Free postage from 3980.
    let n = app.place(&[("tshirt", "m-black", 3)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!((o["postagePrice"].as_i64(), o["requestPrice"].as_i64()), (Some(0), Some(5940)));
    assert_eq!(o["SettlementModel"]["cardName"], "VISA");
}

#[tokio::test]
async fn version_may_be_a_numeric_string() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let (status, v) = app.get_order(&[&n], json!("7")).await;
    assert_eq!(status, 200);
    assert_eq!(v["version"], 7);
    assert_eq!(v["MessageModelList"][0]["message"], "受注情報取得に成功しました。(取得件数1件)");
}

/// The success message counts the orders found, whichever count came before (the list is
/// kept encoded per count), and stands beside the 102s when some were not found.
#[tokio::test]
async fn the_success_message_counts_the_orders_found_each_time() {
    let app = spawn(shop()).await;
    let (a, b) = (app.place_one(1).await, app.place_one(1).await);
    let list = |v: &Value| v["MessageModelList"].clone();
    let info = |n: usize| {
        json!({"messageType": "INFO", "messageCode": "ORDER_EXT_API_GET_ORDER_INFO_101",
               "message": format!("受注情報取得に成功しました。(取得件数{n}件)")})
    };
    for (numbers, expected) in
        [(vec![&a, &b], json!([info(2)])), (vec![&a], json!([info(1)])), (vec![&b, &a], json!([info(2)]))]
    {
        let (status, v) = app.get_order(&numbers.iter().map(|n| n.as_str()).collect::<Vec<_>>(), json!(9)).await;
        assert_eq!((status, list(&v)), (200, expected), "{numbers:?}");
        assert_eq!(v["OrderModelList"].as_array().map(Vec::len), Some(numbers.len()));
    }
    let (_, v) = app.get_order(&[&a, "123456-20261128-0000000001"], json!(9)).await;
    assert_eq!(list(&v)[0], info(1));
    assert_eq!(list(&v)[1]["messageCode"], "ORDER_EXT_API_GET_ORDER_INFO_102");
}

#[tokio::test]
async fn unknown_numbers_get_info_102_each_next_to_the_found_ones() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let (status, v) = app.get_order(&["123456-20261128-0000000001", &n, "nope"], json!(7)).await;
    assert_eq!(status, 200);
    assert_eq!(
        codes(&v),
        vec![
            "ORDER_EXT_API_GET_ORDER_INFO_101",
            "ORDER_EXT_API_GET_ORDER_INFO_102",
            "ORDER_EXT_API_GET_ORDER_INFO_102"
        ]
    );
    assert_eq!(v["MessageModelList"][1]["orderNumber"], "123456-20261128-0000000001");
    assert_eq!(v["MessageModelList"][1]["message"], "受注情報が取得できませんでした。");
    assert_eq!(v["OrderModelList"].as_array().unwrap().len(), 1);

    let (_, v) = app.get_order(&["nope"], json!(7)).await;
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_GET_ORDER_INFO_102"]);
    assert_eq!(v["OrderModelList"], json!([]));
}

#[tokio::test]
async fn version_and_number_list_are_validated() {
    let app = spawn(shop()).await;
    for (body, code, text) in [
        (json!({"orderNumberList": ["x"]}), "ERROR_009", "versionの項目を指定して下さい。"),
        (json!({"orderNumberList": ["x"], "version": 2}), "ERROR_011", "versionの書式が不正です。"),
        (json!({"orderNumberList": ["x"], "version": 11}), "ERROR_011", "versionの書式が不正です。"),
        (json!({"orderNumberList": ["x"], "version": "seven"}), "ERROR_011", "versionの書式が不正です。"),
        (json!({"version": 7}), "ERROR_009", "orderNumberListの項目を指定して下さい。"),
        (json!({"orderNumberList": [], "version": 7}), "ERROR_010", "orderNumberListの値を指定して下さい。"),
        (json!({"orderNumberList": [1, 2], "version": 7}), "ERROR_011", "orderNumberListの書式が不正です。"),
    ] {
        let (status, v) = app.order("getOrder", body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["MessageModelList"][0]["messageCode"], format!("ORDER_EXT_API_GET_ORDER_{code}"), "{body}");
        assert_eq!(v["MessageModelList"][0]["message"], text, "{body}");
        assert!(v["OrderModelList"].is_null());
    }
    let many: Vec<String> = (0..101).map(|i| format!("123456-20261128-{i:010}")).collect();
    let (status, _) = app.order("getOrder", json!({"orderNumberList": many, "version": 7})).await;
    assert_eq!(status, 400);
    let hundred: Vec<String> = (0..100).map(|i| format!("123456-20261128-{i:010}")).collect();
    let (status, _) = app.order("getOrder", json!({"orderNumberList": hundred, "version": 7})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unmigrated_shop_shows_choices_as_text_and_an_empty_sku_list() {
    let app = spawn(shop().with_setting("sku_migrated = false")).await;
    let n = app.place_one(1).await;
    let item = app.order_model(&n, 7).await["PackageModelList"][0]["ItemModelList"][0].clone();
    assert_eq!(item["SkuModelList"], json!([]));
    assert_eq!(item["selectedChoice"], "サイズ:M\nカラー:ブラック");
    assert_eq!(item["itemNumber"], "tshirtm-black");
    // Migrating takes effect at once.
    app.patch_settings(json!({"sku_migrated": true})).await;
    let item = app.order_model(&n, 7).await["PackageModelList"][0]["ItemModelList"][0].clone();
    assert_eq!(item["SkuModelList"][0]["variantId"], "m-black");
    assert!(item["selectedChoice"].is_null());
}

#[tokio::test]
async fn apple_pay_orders_show_their_card_fields_like_card_orders() {
    let app = spawn(shop()).await;
    let n = app.place_one(12).await;
    let o = app.order_model(&n, 9).await;
    let s = &o["SettlementModel"];
    assert_eq!(s["settlementMethodCode"], 12);
    assert_eq!(s["settlementMethod"], "Apple Pay");
    assert_eq!(s["cardName"], "VISA");
    assert!(s["cardNumber"].as_str().is_some_and(|c| c.starts_with("XXXX-XXXX-XXXX-")), "{s}");
    assert!(s["cardOwner"].is_string() && s["cardYm"].is_string(), "{s}");
    assert_eq!(s["cardPayType"], 0);
    let (status, v) = app.order("getPayment", json!({"orderNumber": n, "version": 4})).await;
    assert_eq!(status, 200);
    assert_eq!(v["OrderModel"]["PaymentModelList"][0]["PaymentCardModel"]["cardName"], "VISA", "{v}");
}

/// order-api.md §0: in Rakuten's samples only `CouponModelList` is `null` when empty; every
/// other list is `[]`, `ChangeReasonModelList` of an order nothing happened to included.
#[tokio::test]
async fn an_untouched_order_has_empty_lists_and_a_null_coupon_list_in_every_version() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    for version in 3..=10u8 {
        let o = app.order_model(&n, version).await;
        assert_eq!(o["ChangeReasonModelList"], json!([]), "v{version}");
        assert!(o["CouponModelList"].is_null(), "v{version}");
        assert_eq!(o["PackageModelList"][0]["ShippingModelList"], json!([]), "v{version}");
        if version >= 5 {
            assert_eq!(o["DueDateModelList"], json!([]), "v{version}");
            assert_eq!(o["receiptIssueHistoryList"], json!([]), "v{version}");
        }
    }
    // Once something happens, the list has it.
    app.confirm(&[&n]).await;
    assert_eq!(app.order_model(&n, 9).await["ChangeReasonModelList"][0]["changeType"], 8);
}

/// order-api.md §0: ordered `2024-06-24T13:40:33` and still in 100 → `"2024-07-08"`, the day
/// the clock cancels it; in 300 the order date a year later; in 500 and after cancelling none.
#[tokio::test]
async fn cancel_due_date_is_the_auto_cancel_day_in_100_a_year_later_in_300_and_null_once_shipped() {
    let app = spawn(shop().clock_start("2024-06-24T13:40:33+0900")).await;
    let unconfirmed = app.place_one(1).await;
    let shipped = app.place_one(1).await;
    let due = |o: &Value| o["cancelDueDate"].clone();
    assert_eq!(due(&app.order_model(&unconfirmed, 9).await), "2024-07-08");
    assert_eq!(due(&app.order_model(&unconfirmed, 3).await), "2024-07-08", "every version has it");

    app.confirm(&[&shipped]).await;
    assert_eq!(due(&app.order_model(&shipped, 9).await), "2025-06-24", "200 (inferred): as 300");
    app.advance(30).await;
    let o = app.order_model(&shipped, 9).await;
    assert_eq!((o["orderProgress"].as_i64(), due(&o)), (Some(300), json!("2025-06-24")));
    let basket = o["PackageModelList"][0]["basketId"].clone();
    let rows = json!([{"shippingNumber": "1234-5678-9012", "deliveryCompany": "1001", "shippingDate": "2024-06-24"}]);
    let body = json!({"orderNumber": shipped, "BasketidModelList": [{"basketId": basket, "ShippingModelList": rows}]});
    let (status, v) = app.order("updateOrderShipping", body).await;
    assert_eq!(status, 200, "{v}");
    let o = app.order_model(&shipped, 9).await;
    assert_eq!((o["orderProgress"].as_i64(), due(&o)), (Some(500), Value::Null));

    // The auto-cancel fires on the very day cancelDueDate named, and then there is no date.
    app.shop().advance_to("2024-07-08T13:40:32+0900").await.unwrap();
    assert_eq!(app.order_model(&unconfirmed, 9).await["orderProgress"], 100);
    app.shop().advance_seconds(1).await.unwrap();
    let o = app.order_model(&unconfirmed, 9).await;
    assert_eq!((o["orderProgress"].as_i64(), due(&o)), (Some(900), Value::Null));
    assert_eq!(app.history(&unconfirmed).await["history"][1]["at"], "2024-07-08T13:40:33+0900");
}

#[tokio::test]
async fn cancel_due_date_follows_unconfirmed_cancel_days_and_the_per_status_setting() {
    let app = spawn(shop().with_setting("unconfirmed_cancel_days = 3")).await;
    let n = app.place_one(1).await;
    assert_eq!(app.order_model(&n, 9).await["cancelDueDate"], "2026-12-01");
    // A later change of the setting moves neither the auto-cancel nor the date shown.
    app.patch_settings(json!({"unconfirmed_cancel_days": 10})).await;
    assert_eq!(app.order_model(&n, 9).await["cancelDueDate"], "2026-12-01");

    let (status, v) = app.patch_settings(json!({"cancel_due_date": {"100": "one_year", "200": "none"}})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["cancel_due_date"]["300"], "one_year", "statuses left out keep their default: {v}");
    assert_eq!(app.order_model(&n, 9).await["cancelDueDate"], "2027-11-28");
    app.confirm(&[&n]).await;
    assert!(app.order_model(&n, 9).await["cancelDueDate"].is_null());
    let (status, v) = app.patch_settings(json!({"cancel_due_date": {"250": "none"}})).await;
    assert_eq!(status, 400, "no status 250: {v}");
}

/// getOrder keeps each order's encoded model between calls (clients poll the same orders);
/// every change to the order, another version, and every setting the model reads show at once
/// all the same.
#[tokio::test]
async fn asking_again_shows_every_change_to_the_order_and_to_the_settings_the_model_reads() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let first = app.order_model(&n, 9).await;
    assert_eq!(app.order_model(&n, 9).await, first, "nothing changed: the same model");
    assert_eq!(first["orderProgress"], 100);

    app.confirm(&[&n]).await;
    let confirmed = app.order_model(&n, 9).await;
    assert_eq!(confirmed["orderProgress"], 200);
    assert!(confirmed["shopOrderCfmDatetime"].is_string(), "{confirmed}");
    let (_, v) = app.order("updateOrderMemo", json!({"orderNumber": n, "memo": "gift"})).await;
    assert_eq!(codes(&v), ["ORDER_EXT_API_UPDATE_ORDERMEMO_INFO_101"]);
    assert_eq!(app.order_model(&n, 9).await["memo"], "gift");
    let v5 = app.order_model(&n, 5).await;
    assert!(v5["PackageModelList"][0]["ItemModelList"][0].get("SkuModelList").is_none(), "{v5}");

    let item = |model: &Value| model["PackageModelList"][0]["ItemModelList"][0].clone();
    assert_eq!(item(&app.order_model(&n, 9).await)["SkuModelList"][0]["variantId"], "m-black");
    let (status, _) = app.patch_settings(json!({"sku_migrated": false})).await;
    assert_eq!(status, 200);
    assert_eq!(item(&app.order_model(&n, 9).await)["SkuModelList"], json!([]), "SKU migration is read at once");
    assert!(app.order_model(&n, 9).await["cancelDueDate"].is_string());
    let (status, _) = app.patch_settings(json!({"cancel_due_date": {"200": "none"}})).await;
    assert_eq!(status, 200);
    assert!(app.order_model(&n, 9).await["cancelDueDate"].is_null(), "the cancel-due rules are read at once");
}
