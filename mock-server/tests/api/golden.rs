//! The fake's answers against the real response shapes in `fixtures/golden/`: same keys in the
//! same order, same JSON types (integer vs float vs string), same nulls; values are data.

use crate::helpers::*;
use serde_json::{json, Map, Value};

fn golden(name: &str) -> Value {
    let path = format!("{}/../fixtures/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Keys whose value is data that may be null or not (a choice text, a delivery note).
const NULLABLE_DATA: [&str; 2] = ["selectedChoice", "delvdateInfo"];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn shape(g: &Value, o: &Value, path: &str, errs: &mut Vec<String>) {
    match (g, o) {
        (Value::Object(gm), Value::Object(om)) => {
            let gk: Vec<&String> = gm.keys().collect();
            let ok: Vec<&String> = om.keys().collect();
            if gk != ok {
                errs.push(format!("{path}: keys differ\n  golden: {gk:?}\n  ours:   {ok:?}"));
            }
            for (k, gv) in gm {
                if let Some(ov) = om.get(k) {
                    shape(gv, ov, &format!("{path}.{k}"), errs);
                }
            }
        }
        (Value::Array(ga), Value::Array(oa)) => {
            if let Some(last) = ga.len().checked_sub(1) {
                for (i, ov) in oa.iter().enumerate() {
                    shape(&ga[i.min(last)], ov, &format!("{path}[{i}]"), errs);
                }
            }
        }
        _ => {
            let leaf = path.rsplit('.').next().unwrap_or("");
            let nullable = NULLABLE_DATA.contains(&leaf) && (g.is_null() || o.is_null());
            if kind(g) != kind(o) && !nullable {
                errs.push(format!("{path}: golden {} ({g}) vs ours {} ({o})", kind(g), kind(o)));
            }
        }
    }
}

fn assert_shape(g: &Value, o: &Value) {
    let mut errs = Vec::new();
    shape(g, o, "$", &mut errs);
    assert!(errs.is_empty(), "shape differs from the golden file:\n{}", errs.join("\n"));
}

/// Rebuilds `m` inserting (key, value) right after `after`.
fn insert_after(m: &Map<String, Value>, after: &str, key: &str, value: Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in m {
        out.insert(k.clone(), v.clone());
        if k == after {
            out.insert(key.into(), value.clone());
        }
    }
    out
}

/// The golden v9 body turned into version `v` with the version table (order-api.md §3.2).
fn golden_for_version(v: u8) -> Value {
    let mut body = golden("getOrder_v9.json");
    let order = body["OrderModelList"][0].as_object().unwrap().clone();
    let mut o = order;
    let mut pkg = o["PackageModelList"][0].as_object().unwrap().clone();
    let mut items: Vec<Map<String, Value>> =
        pkg["ItemModelList"].as_array().unwrap().iter().map(|i| i.as_object().unwrap().clone()).collect();
    if v >= 10 {
        o = insert_after(&o, "giftCheckFlag", "socialGiftFlag", json!(0));
        pkg.insert("SocialGiftModel".into(), Value::Null);
    }
    if v < 9 {
        pkg.shift_remove("dropOffFlag");
        pkg.shift_remove("dropOffLocation");
    }
    if v < 8 {
        o.shift_remove("deliveryCertPrgFlag");
        o.shift_remove("oneDayOperationFlag");
        o = insert_after(&o, "goodsPrice", "goodsTax", json!(0));
        o = insert_after(&o, "modifyFlag", "isTaxRecalc", json!(0));
        pkg = insert_after(&pkg, "deliveryTaxRate", "goodsTax", json!(0));
    }
    if v < 7 {
        for i in &mut items {
            i.shift_remove("SkuModelList");
        }
    }
    if v < 6 {
        o.shift_remove("cautionDisplayDetailType");
        body.as_object_mut().unwrap().shift_remove("version");
    }
    if v < 5 {
        o.shift_remove("receiptIssueCount");
        o.shift_remove("receiptIssueHistoryList");
        o.shift_remove("DueDateModelList");
    }
    if v < 4 {
        pkg.shift_remove("defaultDeliveryCompanyCode");
        for i in &mut items {
            i.shift_remove("isSingleItemShipping");
        }
    }
    pkg.insert("ItemModelList".into(), Value::Array(items.into_iter().map(Value::Object).collect()));
    o.insert("PackageModelList".into(), json!([Value::Object(pkg)]));
    body["OrderModelList"] = json!([Value::Object(o)]);
    if v >= 6 {
        body["version"] = json!(v);
    }
    body
}

/// A shop selling the three items of the manual's 2023 sample.
fn sample_shop() -> ShopSpec {
    shop().with_toml(
        r#"
[[items]]
manage_number = "c3ps390"
title = "Tシャツ （抗菌防臭/吸汗速乾）"
  [[items.variants]]
  variant_id = "11"
  merchant_defined_sku_id = "c3ps390M090"
  price = 1200
  quantity = 10
  selector_values = { "サイズ" = "M", "カラー" = "(090)ブラック" }
[[items]]
manage_number = "s1gr050"
title = "スニーカー（green）"
  [[items.variants]]
  variant_id = "15"
  merchant_defined_sku_id = "s1gr050sz8H"
  price = 6600
  quantity = 10
  selector_values = { "サイズ" = "26.5cm" }
[[items]]
manage_number = "tst1234"
title = "靴下（スニーカーソックス）"
  [[items.variants]]
  variant_id = "tst1234"
  price = 1350
  quantity = 10
"#,
    )
}

/// The sample order: three items, a 915-yen shop coupon, 10 points, card, confirmed and
/// processed, with a delivery time slot.
async fn sample_order(app: &TestApp) -> String {
    let (status, v) = app
        .place_raw(json!({
            "lines": [
                {"manage_number": "c3ps390", "variant_id": "11"},
                {"manage_number": "s1gr050", "variant_id": "15"},
                {"manage_number": "tst1234", "variant_id": "tst1234"},
            ],
            "settlement_method_code": 1,
            "used_point": 10,
            "coupons": [{"code": "UCSK-XEPV-LEGJ-H0SW", "name": "テストクーポンです", "summary": "10%OFF", "price": 915}],
        }))
        .await;
    assert_eq!(status, 201, "{v}");
    let n = v["order_number"].as_str().unwrap().to_string();
    app.advance(64).await;
    app.confirm(&[&n]).await;
    app.advance(30).await;
    let (status, v) = app.order("updateOrderMemo", json!({"orderNumber": n, "shippingTerm": 1416})).await;
    assert_eq!(status, 200, "{v}");
    n
}

#[tokio::test]
async fn get_order_matches_the_golden_shape_for_every_version_3_to_10() {
    let app = spawn(sample_shop()).await;
    let n = sample_order(&app).await;
    for v in 3..=10u8 {
        let (status, body) = app.get_order(&[&n], json!(v)).await;
        assert_eq!(status, 200);
        let mut errs = Vec::new();
        shape(&golden_for_version(v), &body, "$", &mut errs);
        assert!(errs.is_empty(), "version {v}:\n{}", errs.join("\n"));
    }
}

#[tokio::test]
async fn the_sample_order_adds_up_like_the_manual_sample() {
    let app = spawn(sample_shop()).await;
    let n = sample_order(&app).await;
    let o = app.order_model(&n, 9).await;
    let g = &golden("getOrder_v9.json")["OrderModelList"][0];
    for k in [
        "goodsPrice",
        "postagePrice",
        "totalPrice",
        "requestPrice",
        "couponAllTotalPrice",
        "couponShopPrice",
        "couponOtherPrice",
        "shippingTerm",
        "orderProgress",
    ] {
        assert_eq!(o[k], g[k], "{k}");
    }
    assert_eq!(o["TaxSummaryModelList"], g["TaxSummaryModelList"], "reqPrice 8235, reqPriceTax 749");
    assert_eq!(o["PointModel"], g["PointModel"]);
    let skus: Vec<&Value> =
        o["PackageModelList"][0]["ItemModelList"].as_array().unwrap().iter().map(|i| &i["SkuModelList"]).collect();
    let golden_skus: Vec<&Value> =
        g["PackageModelList"][0]["ItemModelList"].as_array().unwrap().iter().map(|i| &i["SkuModelList"]).collect();
    assert_eq!(skus, golden_skus, "variantId, merchantDefinedSkuId and skuInfo as in the 2023 sample");
    assert_eq!(o["ChangeReasonModelList"][0]["changeType"], 8);
    assert_eq!(o["orderFixDatetime"], o["shippingInstDatetime"]);
}

#[tokio::test]
async fn search_and_confirm_answers_match_their_golden_shapes() {
    let app = spawn(shop()).await;
    let window =
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T00:00:00+0900"});
    let (_, zero) = app.search(window.clone()).await;
    assert_shape(&golden("searchOrder_zero_hits.json"), &zero);
    assert_eq!(zero, golden("searchOrder_zero_hits.json"), "the zero-hit body is fully fixed");
    let n = app.place_one(1).await;
    let (_, hits) = app.search(window).await;
    assert_shape(&golden("searchOrder.json"), &hits);
    let (status, bad) = app.search(json!({"startDatetime": "2017-10-14"})).await;
    assert_eq!(status, 400);
    assert_shape(&golden("searchOrder_400.json"), &bad);
    let (_, confirmed) = app.confirm(&[&n]).await;
    assert_shape(&golden("confirmOrder.json"), &confirmed);
}

/// order-api.md §0: the key orders of Rakuten's own version 9 samples (S-OFF), written out here
/// apart from the golden file, so that an edit of either is caught.
const V9_ORDER_KEYS: &str = "orderNumber orderProgress subStatusId subStatusName orderDatetime \
    shopOrderCfmDatetime orderFixDatetime shippingInstDatetime shippingCmplRptDatetime cancelDueDate deliveryDate \
    shippingTerm remarks giftCheckFlag severalSenderFlag equalSenderFlag isolatedIslandFlag rakutenMemberFlag \
    carrierCode emailCarrierCode orderType reserveNumber reserveDeliveryCount cautionDisplayType \
    cautionDisplayDetailType rakutenConfirmFlag goodsPrice postagePrice deliveryPrice paymentCharge \
    paymentChargeTaxRate totalPrice requestPrice couponAllTotalPrice couponShopPrice couponOtherPrice \
    additionalFeeOccurAmountToUser additionalFeeOccurAmountToShop asurakuFlag drugFlag dealFlag \
    deliveryCertPrgFlag oneDayOperationFlag membershipType memo operator mailPlugSentence modifyFlag \
    receiptIssueCount receiptIssueHistoryList OrdererModel SettlementModel DeliveryModel PointModel \
    WrappingModel1 WrappingModel2 PackageModelList CouponModelList ChangeReasonModelList TaxSummaryModelList \
    DueDateModelList";
const V9_PACKAGE_KEYS: &str = "basketId postagePrice postageTaxRate deliveryPrice deliveryTaxRate goodsPrice \
    totalPrice noshi defaultDeliveryCompanyCode dropOffFlag dropOffLocation packageDeleteFlag SenderModel \
    ItemModelList ShippingModelList DeliveryCvsModel";
const V9_ITEM_KEYS: &str = "itemDetailId itemName itemId itemNumber manageNumber price units includePostageFlag \
    includeTaxFlag includeCashOnDeliveryPostageFlag selectedChoice pointRate pointType inventoryType delvdateInfo \
    restoreInventoryFlag dealFlag drugFlag deleteItemFlag taxRate priceTaxIncl isSingleItemShipping SkuModelList";

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// The three levels of the first order of a getOrder body: (OrderModel, PackageModel, ItemModel).
fn levels(body: &Value) -> (&Value, &Value, &Value) {
    let o = &body["OrderModelList"][0];
    let p = &o["PackageModelList"][0];
    (o, p, &p["ItemModelList"][0])
}

#[test]
fn the_golden_v9_body_has_the_key_orders_of_rakutens_own_samples() {
    let g = golden("getOrder_v9.json");
    assert_eq!(keys(&g), ["version", "MessageModelList", "OrderModelList"]);
    let (o, p, _) = levels(&g);
    assert_eq!(keys(o), words(V9_ORDER_KEYS));
    assert_eq!(keys(p), words(V9_PACKAGE_KEYS));
    for i in p["ItemModelList"].as_array().unwrap() {
        assert_eq!(keys(i), words(V9_ITEM_KEYS));
    }
}

/// Checks that `actual` is `v9` with some keys left out and `extras` inserted, each right after
/// the key it names (`None`: last); nothing else moves.
fn assert_v9_order(level: &str, v: u8, actual: Vec<&str>, v9: &str, extras: &[(&str, Option<&str>)]) {
    let mut expected: Vec<&str> = words(v9).into_iter().filter(|k| actual.contains(k)).collect();
    for (key, after) in extras {
        if !actual.contains(key) {
            continue;
        }
        let at = match after {
            Some(a) => expected.iter().position(|k| k == a).map(|i| i + 1).unwrap_or(expected.len()),
            None => expected.len(),
        };
        expected.insert(at, key);
    }
    assert_eq!(actual, expected, "{level} keys of version {v}");
}

#[test]
fn every_version_keeps_the_v9_order_and_puts_old_and_v10_fields_where_they_belong() {
    for v in 3..=10u8 {
        let body = golden_for_version(v);
        let top: &[&str] = if v >= 6 {
            &["version", "MessageModelList", "OrderModelList"]
        } else {
            &["MessageModelList", "OrderModelList"]
        };
        assert_eq!(keys(&body), top, "version {v}");
        let (o, p, i) = levels(&body);
        // goodsTax and isTaxRecalc (v3–7) where real v1 captures have them; socialGiftFlag and
        // SocialGiftModel (v10) where the manual lists them.
        let order_extras = [
            ("goodsTax", Some("goodsPrice")),
            ("isTaxRecalc", Some("modifyFlag")),
            ("socialGiftFlag", Some("giftCheckFlag")),
        ];
        assert_v9_order("OrderModel", v, keys(o), V9_ORDER_KEYS, &order_extras);
        let package_extras = [("goodsTax", Some("deliveryTaxRate")), ("SocialGiftModel", None)];
        assert_v9_order("PackageModel", v, keys(p), V9_PACKAGE_KEYS, &package_extras);
        assert_v9_order("ItemModel", v, keys(i), V9_ITEM_KEYS, &[]);
        assert_eq!(keys(o).contains(&"goodsTax"), v < 8, "version {v}");
        assert_eq!(keys(p).contains(&"SocialGiftModel"), v >= 10, "version {v}");
    }
}

/// The body in the key order the fake had before Rakuten's samples were known: `version` last,
/// the v8 flags at the end of the order, the package's v4/v9 keys after `DeliveryCvsModel`.
fn in_the_old_guessed_order(body: &Value) -> Value {
    fn moved_last(m: &Map<String, Value>, last: &[&str]) -> Map<String, Value> {
        let mut out: Map<String, Value> =
            m.iter().filter(|(k, _)| !last.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        for k in last {
            if let Some(v) = m.get(*k) {
                out.insert((*k).to_string(), v.clone());
            }
        }
        out
    }
    let mut o = body["OrderModelList"][0].as_object().unwrap().clone();
    let p = moved_last(
        o["PackageModelList"][0].as_object().unwrap(),
        &["DeliveryCvsModel", "defaultDeliveryCompanyCode", "dropOffFlag", "dropOffLocation", "SocialGiftModel"],
    );
    o.insert("PackageModelList".into(), json!([Value::Object(p)]));
    let o = moved_last(&o, &["deliveryCertPrgFlag", "oneDayOperationFlag"]);
    let mut top = body.as_object().unwrap().clone();
    top.insert("OrderModelList".into(), json!([Value::Object(o)]));
    Value::Object(moved_last(&top, &["version"]))
}

#[test]
fn the_golden_check_refuses_the_old_guessed_key_order_of_every_version_that_has_a_moved_key() {
    for v in 3..=10u8 {
        let g = golden_for_version(v);
        let old = in_the_old_guessed_order(&g);
        let mut errs = Vec::new();
        shape(&g, &old, "$", &mut errs);
        // Version 3 has none of the moved keys (no version, no v4+ package keys, no v8 flags),
        // so its old and new orders are the same.
        assert_eq!(errs.is_empty(), v == 3, "version {v}: {errs:?}");
    }
}

#[test]
fn the_shape_check_itself_catches_differences() {
    let g = json!({"a": 1, "b": 0.1, "c": null, "d": [{"x": "s"}]});
    let mut errs = Vec::new();
    shape(&g, &json!({"a": 1, "b": 0.2, "c": null, "d": [{"x": "t"}, {"x": "u"}]}), "$", &mut errs);
    assert!(errs.is_empty(), "{errs:?}");
    for bad in [
        json!({"b": 0.1, "a": 1, "c": null, "d": []}),
        json!({"a": 1.5, "b": 0.1, "c": null, "d": []}),
        json!({"a": 1, "b": 0.1, "c": "x", "d": []}),
        json!({"a": 1, "b": 0.1, "c": null, "d": [{"x": 1}]}),
        json!({"a": 1, "b": 0.1, "c": null}),
    ] {
        let mut errs = Vec::new();
        shape(&g, &bad, "$", &mut errs);
        assert!(!errs.is_empty(), "{bad} must differ");
    }
}
