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
async fn version_9_keys_come_in_the_order_of_the_real_sample() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let o = app.order_model(&n, 9).await;
    // order-api.md §8.4 (version 9), top level of OrderModel.
    let expected =
        "orderNumber orderProgress subStatusId subStatusName orderDatetime shopOrderCfmDatetime orderFixDatetime \
        shippingInstDatetime shippingCmplRptDatetime cancelDueDate deliveryDate shippingTerm remarks giftCheckFlag \
        severalSenderFlag equalSenderFlag isolatedIslandFlag rakutenMemberFlag carrierCode emailCarrierCode orderType \
        reserveNumber reserveDeliveryCount cautionDisplayType cautionDisplayDetailType rakutenConfirmFlag goodsPrice \
        postagePrice deliveryPrice paymentCharge paymentChargeTaxRate totalPrice requestPrice couponAllTotalPrice \
        couponShopPrice couponOtherPrice additionalFeeOccurAmountToUser additionalFeeOccurAmountToShop asurakuFlag \
        drugFlag dealFlag membershipType memo operator mailPlugSentence modifyFlag receiptIssueCount \
        receiptIssueHistoryList OrdererModel SettlementModel DeliveryModel PointModel WrappingModel1 WrappingModel2 \
        PackageModelList CouponModelList ChangeReasonModelList TaxSummaryModelList DueDateModelList \
        deliveryCertPrgFlag oneDayOperationFlag";
    assert_eq!(keys(&o), expected.split_whitespace().collect::<Vec<_>>());
    let p = &o["PackageModelList"][0];
    let expected_pkg = "basketId postagePrice postageTaxRate deliveryPrice deliveryTaxRate goodsPrice totalPrice noshi \
        packageDeleteFlag SenderModel ItemModelList ShippingModelList DeliveryCvsModel defaultDeliveryCompanyCode dropOffFlag dropOffLocation";
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
