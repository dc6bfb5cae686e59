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
