//! Item API 2.0: get / upsert / patch / delete / bulk-get / inventory-related settings.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

const ITEM: &str = "/es/2.0/items/manage-numbers";

#[tokio::test]
async fn upsert_creates_with_201_then_replaces_with_204_and_get_returns_the_model() {
    let app = spawn(shop()).await;
    let mut body = item_body("パーカー", &[("s", "S", 4980), ("m", "M", 4980)]);
    body["tagline"] = json!("あたたかい");
    let (status, ct, v) = app.rms(Method::PUT, &format!("{ITEM}/Hoodie-01"), Some(body.clone())).await;
    assert_eq!((status, v), (201, json!({"manageNumber": "hoodie-01"})), "upper case is lowered");
    assert_eq!(ct, "application/json");

    let (status, item) = app.get(&format!("{ITEM}/hoodie-01")).await;
    assert_eq!(status, 200);
    assert_eq!(item["manageNumber"], "hoodie-01");
    assert_eq!(item["variants"]["s"]["standardPrice"], "4980", "prices are strings");
    assert_eq!(item["genreId"], "100000");
    assert_eq!(item["hideItem"], false);
    assert_eq!(item["features"]["inventoryDisplay"], "HIDDEN_STOCK");
    assert_eq!(item["itemDisplaySequence"], 999_999_999);
    assert_eq!(item["created"], "2026-11-28T09:00:00+09:00");
    let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().unwrap().as_str(), "manageNumber");
    assert_eq!(keys.last().unwrap().as_str(), "updated");

    // A full replace: the tagline left out is gone, and updated moves with the clock.
    app.advance(60).await;
    body.as_object_mut().unwrap().remove("tagline");
    let (status, content_type, v) = app.rms(Method::PUT, &format!("{ITEM}/hoodie-01"), Some(body)).await;
    assert_eq!((status, v), (204, serde_json::Value::Null));
    // The header tables say RMS labels its 204s application/json too (README, client quirks).
    assert_eq!(content_type, "application/json");
    let (_, item) = app.get(&format!("{ITEM}/hoodie-01")).await;
    assert!(item.get("tagline").is_none());
    assert_eq!(item["updated"], "2026-11-28T10:00:00+09:00");
    assert_eq!(item["created"], "2026-11-28T09:00:00+09:00");
}

#[tokio::test]
async fn unknown_items_answer_404_ge0014_without_metadata() {
    let app = spawn(shop()).await;
    let (status, v) = app.get(&format!("{ITEM}/nope")).await;
    assert_eq!(status, 404);
    assert_eq!(v, json!({"errors": [{"code": "GE0014", "message": "Not found for inputs; manageNumber=nope"}]}));
    let (status, _, v) = app.rms(Method::DELETE, &format!("{ITEM}/nope"), None).await;
    assert_eq!((status, error_codes(&v)), (404, vec!["GE0014".to_string()]));
}

#[tokio::test]
async fn validation_errors_come_together_with_property_paths() {
    let app = spawn(shop()).await;
    let mut body = item_body("x", &[("s", "S", 100)]);
    body.as_object_mut().unwrap().remove("title");
    body["itemType"] = json!("NORML");
    body["variants"]["s"]["standardPrice"] = json!(1_000_000_000);
    body["colour"] = json!("red");
    let (status, v) = app.put(&format!("{ITEM}/x"), body).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["errors"],
        json!([
            {"code": "IE0002", "message": "Unrecognized field colour.", "metadata": {"propertyPath": "colour"}},
            {"code": "IE0001", "message": "title is mandatory.", "metadata": {"propertyPath": "title"}},
            {"code": "IE0007", "message": "Invalid choice selected for itemType.", "metadata": {"propertyPath": "itemType"}},
            {"code": "IE0003", "message": "variants.s.standardPrice must be between 0 to 999999999.", "metadata": {"propertyPath": "variants.s.standardPrice"}},
        ])
    );
    let (status, v) = app.put(&format!("{ITEM}/bad%20name"), item_body("x", &[("s", "S", 1)])).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0220".to_string()]));
    let (status, v) = app.put(&format!("{ITEM}/{}", "a".repeat(33)), item_body("x", &[("s", "S", 1)])).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0004".to_string()]));
}

#[tokio::test]
async fn bodies_are_checked_for_media_type_presence_and_syntax() {
    let app = spawn(shop()).await;
    let url = format!("{}{ITEM}/x", app.base);
    let send = |ct: Option<&'static str>, body: &'static str| {
        let mut r = app.client.put(&url).header("Authorization", &app.auth).body(body);
        if let Some(ct) = ct {
            r = r.header("Content-Type", ct);
        }
        r.send()
    };
    let r = send(Some("text/plain"), "{}").await.unwrap();
    assert_eq!(r.status(), 415);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v, json!({"errors": [{"code": "GE0012", "message": "Media Type text/plain is not supported"}]}));
    for body in ["", "{}"] {
        let r = send(Some("application/json"), body).await.unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(error_codes(&r.json().await.unwrap()), vec!["GE0011"], "{body:?}");
    }
    let r = send(Some("application/json; charset=utf-8"), "{\"title\":").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(error_codes(&r.json().await.unwrap()), vec!["IE0002"]);
}

#[tokio::test]
async fn patch_merges_per_variant_and_keeps_selector_values_fixed() {
    let app = spawn(shop()).await;
    app.put(&format!("{ITEM}/cap"), item_body("キャップ", &[("s", "S", 1000), ("m", "M", 1200)])).await;
    let (status, _, v) = app
        .rms(Method::PATCH, &format!("{ITEM}/cap"), Some(json!({"variants": {"s": {"standardPrice": "810"}}})))
        .await;
    assert_eq!((status, v), (204, serde_json::Value::Null));
    let (_, item) = app.get(&format!("{ITEM}/cap")).await;
    assert_eq!(item["variants"]["s"]["standardPrice"], "810");
    assert_eq!(item["variants"]["m"]["standardPrice"], "1200");
    assert_eq!(item["title"], "キャップ");
    let order: Vec<&String> = item["variants"].as_object().unwrap().keys().collect();
    assert_eq!(order, ["s", "m"], "a patch keeps the variants' order");

    let (status, _, v) = app
        .rms(
            Method::PATCH,
            &format!("{ITEM}/cap"),
            Some(json!({"variants": {"s": {"selectorValues": {"size": "M"}}, "m": {"selectorValues": {"size": "S"}}}})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(error_codes(&v).iter().all(|c| c == "IE0416"), "{v}");
    let (status, _, _) = app.rms(Method::PATCH, &format!("{ITEM}/nope"), Some(json!({"title": "x"}))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn delete_removes_the_item() {
    let app = spawn(shop()).await;
    let (status, _, _) = app.rms(Method::DELETE, &format!("{ITEM}/socks"), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.get(&format!("{ITEM}/socks")).await.0, 404);
}

#[tokio::test]
async fn bulk_get_returns_known_items_and_checks_its_list() {
    let app = spawn(shop()).await;
    let (status, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["SOCKS", "nope", "tshirt"]})).await;
    assert_eq!(status, 200);
    let got: Vec<&str> = v["results"].as_array().unwrap().iter().map(|i| i["manageNumber"].as_str().unwrap()).collect();
    assert_eq!(got, vec!["socks", "tshirt"]);
    let (_, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["nope"]})).await;
    assert_eq!(v, json!({"results": []}));
    let (status, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["a", "a"]})).await;
    // The items.bulk.get page's sample (the table's template says "of the same manageNumber").
    assert_eq!(
        (status, v),
        (
            400,
            json!({"errors": [{"code": "IE1106", "message": "There are multiple occurrences of same manageNumber : a", "metadata": {"propertyPath": "manageNumbers"}}]})
        )
    );
    let many: Vec<String> = (0..51).map(|i| format!("m{i}")).collect();
    let (status, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": many})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE1101".to_string()]));
    // The items.bulk.get page's sample: the text names the field, the path has the index.
    let (status, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["x".repeat(33)]})).await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"errors": [{"code": "IE0004", "message": "Max length of manageNumber must be within 32 bytes.", "metadata": {"propertyPath": "manageNumbers[0]"}}]})
        )
    );
}

#[tokio::test]
async fn inventory_related_settings_read_and_write_the_item() {
    let app = spawn(shop()).await;
    let path = "/es/2.0/items/inventory-related-settings/manage-numbers/tshirt";
    let (status, v) = app.get(path).await;
    assert_eq!(status, 200);
    assert_eq!(v["variants"]["m-black"]["restockOnCancel"], true);
    assert_eq!(v["features"], json!({"inventoryDisplay": "HIDDEN_STOCK"}));
    let (status, v) = app
        .put(
            path,
            json!({"unlimitedInventoryFlag": false, "features": {"inventoryDisplay": "DISPLAY_LOW_STOCK", "lowStockThreshold": 3},
                   "variants": {"m-black": {"restockOnCancel": false, "backOrderFlag": false}}}),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    let (_, v) = app.get(path).await;
    assert_eq!(v["features"], json!({"inventoryDisplay": "DISPLAY_LOW_STOCK", "lowStockThreshold": 3}));
    assert_eq!(v["variants"]["m-black"]["restockOnCancel"], false);
    let (status, v) = app.put(path, json!({"variants": {"xl": {"restockOnCancel": true}}})).await;
    assert_eq!(status, 404);
    assert_eq!(v["errors"][0]["message"], "Not found for inputs; manageNumber=tshirt, variantId=xl");
    assert_eq!(app.get("/es/2.0/items/inventory-related-settings/manage-numbers/nope").await.0, 404);
}

#[tokio::test]
async fn unknown_item_paths_answer_ge0007() {
    let app = spawn(shop()).await;
    for path in ["/es/2.0/items/nothing", "/es/2.0/items/manage-numbers/a/b", "/es/2.0/items", "/es/2.1/items/search"] {
        let (status, v) = app.get(path).await;
        assert_eq!((status, error_codes(&v)), (400, vec!["GE0007".to_string()]), "{path}");
    }
}

#[tokio::test]
async fn an_unmigrated_shop_answers_ie1105_to_writes_but_reads_work_and_migration_is_immediate() {
    let app = spawn(shop().with_setting("sku_migrated = false")).await;
    let (status, v) = app.put(&format!("{ITEM}/new"), item_body("x", &[("s", "S", 1)])).await;
    assert_eq!(status, 400);
    assert_eq!(
        v,
        json!({"errors": [{"code": "IE1105", "message": "This endpoint is disabled for the shop not migrated to SKU."}]})
    );
    let (status, _, _) = app.rms(Method::PATCH, &format!("{ITEM}/tshirt"), Some(json!({"title": "x"}))).await;
    assert_eq!(status, 400);
    assert_eq!(app.get(&format!("{ITEM}/tshirt")).await.0, 200);
    assert_eq!(app.get("/es/2.0/items/search").await.0, 200);
    assert_eq!(app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["tshirt"]})).await.0, 200);
    let (status, v) = app
        .put("/es/2.0/inventories/manage-numbers/tshirt/variants/m-black", json!({"mode": "ABSOLUTE", "quantity": 1}))
        .await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE1105".to_string()]));
    assert_eq!(app.get("/es/2.0/inventories/manage-numbers/tshirt/variants/m-black").await.0, 200);
    assert_eq!(app.get("/es/2.0/inventories/bulk-get/range?minQuantity=0").await.0, 200);
    let (status, _) = app
        .post(
            "/es/2.0/inventories/bulk-get",
            json!({"inventories": [{"manageNumber": "tshirt", "variantId": "m-black"}]}),
        )
        .await;
    assert_eq!(status, 400);

    app.patch_settings(json!({"sku_migrated": true})).await;
    assert_eq!(app.put(&format!("{ITEM}/new"), item_body("x", &[("s", "S", 1)])).await.0, 201);
    app.set_stock("tshirt", "m-black", 7).await;
}

#[tokio::test]
async fn a_shop_without_the_item_api_gets_es04_01_in_the_gateway_envelope() {
    let app = spawn(shop().with_setting("apis = [\"order\"]")).await;
    let (status, ct, v) = app.rms(Method::GET, "/es/2.0/items/search", None).await;
    assert_eq!((status, ct.as_str()), (400, "application/json"));
    assert_eq!(v, json!({"Results": {"errorCode": "ES04-01", "message": "Bad Request"}}));
    let (status, _, _) = app.rms(Method::GET, "/es/2.1/inventories/manage-numbers/tshirt/variants/m-black", None).await;
    assert_eq!(status, 400);
}

/// Every item rule the fake enforces, each through items.upsert over HTTP.
#[tokio::test]
async fn each_item_rule_answers_its_code_and_property_path() {
    let app = spawn(shop()).await;
    type Edit = fn(&mut serde_json::Value);
    let cases: Vec<(&str, &str, Edit)> = vec![
        ("IE0004", "title", |b| b["title"] = json!("あ".repeat(128))),
        ("IE0004", "variants.s.merchantDefinedSkuId", |b| {
            b["variants"]["s"]["merchantDefinedSkuId"] = json!("x".repeat(97))
        }),
        ("IE0002", "genreId", |b| b["genreId"] = json!("12345")),
        ("IE0002", "hideItem", |b| b["hideItem"] = json!("no")),
        (
            "IE0135",
            "variantSelectors[1].key",
            |b| b["variantSelectors"] = json!([{"key": "size", "values": [{"displayValue": "S"}]}, {"key": "size", "values": [{"displayValue": "M"}]}]),
        ),
        ("IE0211", "variantSelectors[0].values[1].displayValue", |b| {
            b["variantSelectors"][0]["values"] = json!([{"displayValue": "S"}, {"displayValue": "S"}])
        }),
        ("IE0278", "variantSelectors[0].values[0].displayValue", |b| {
            b["variantSelectors"][0]["values"] = json!([{"displayValue": "S:M"}])
        }),
        ("IE0114", "variants.s.selectorValues", |b| b["variants"]["s"]["selectorValues"] = json!({"colour": "S"})),
        ("IE0156", "variants.s.selectorValues", |b| {
            b["variants"]["s"]["selectorValues"] = json!({"size": "S", "colour": "red"})
        }),
        ("IE0162", "features.lowStockThreshold", |b| b["features"] = json!({"inventoryDisplay": "DISPLAY_LOW_STOCK"})),
        ("IE0163", "features.lowStockThreshold", |b| b["features"] = json!({"lowStockThreshold": 3})),
        ("IE0164", "variants.s.backOrderDeliveryDateId", |b| b["variants"]["s"]["backOrderFlag"] = json!(true)),
        ("IE0224", "images[0].location", |b| b["images"] = json!([{"type": "CABINET", "location": "/a/b.bmp"}])),
        ("IE0229", "variants.s.articleNumber", |b| b["variants"]["s"]["articleNumber"] = json!({})),
        ("IE0001", "variants.s.standardPrice", |b| {
            b["variants"]["s"].as_object_mut().unwrap().remove("standardPrice");
        }),
        ("IE0269", "variants", |b| {
            b.as_object_mut().unwrap().remove("variantSelectors");
            b["variants"] = json!({"a": {"standardPrice": 1, "articleNumber": {"exemptionReason": 5}}, "b": {"standardPrice": 1, "articleNumber": {"exemptionReason": 5}}});
        }),
        ("IE1101", "variants", |b| {
            let values: Vec<_> = (0..401).map(|i| json!({"displayValue": format!("v{i}")})).collect();
            b["variantSelectors"][0]["values"] = json!(values);
            let mut m = serde_json::Map::new();
            for i in 0..401 {
                m.insert(format!("v{i}"), json!({"selectorValues": {"size": format!("v{i}")}, "standardPrice": 1, "articleNumber": {"exemptionReason": 5}}));
            }
            b["variants"] = serde_json::Value::Object(m);
        }),
    ];
    for (code, path, edit) in cases {
        let mut body = item_body("テスト", &[("s", "S", 100)]);
        edit(&mut body);
        let (status, v) = app.put("/es/2.0/items/manage-numbers/rules", body).await;
        assert_eq!(status, 400, "{code}: {v}");
        let hit =
            v["errors"].as_array().unwrap().iter().any(|e| e["code"] == code && e["metadata"]["propertyPath"] == path);
        assert!(hit, "expected {code} at {path}, got {v}");
    }
}

/// The item rules' texts are the official response-code table's templates, filled in.
#[tokio::test]
async fn item_rule_texts_are_the_official_tables() {
    let app = spawn(shop()).await;
    type Edit = fn(&mut serde_json::Value);
    let cases: Vec<(&str, &str, &str, Edit)> = vec![
        ("IE0110", "variants.t.selectorValues", "There are multiple occurrences of the same variant selectorValue content : {size=S}.", |b| {
            b["variants"]["t"] = json!({"selectorValues": {"size": "S"}, "standardPrice": 1, "articleNumber": {"exemptionReason": 5}})
        }),
        ("IE0114", "variants.s.selectorValues", "Missing or unexpected element in variants.s.selectorValues. Expected selectors : [size], given set : [colour].", |b| {
            b["variants"]["s"]["selectorValues"] = json!({"colour": "S"})
        }),
        ("IE0135", "variantSelectors[1].key", "There are duplicate value for variantSelectors.key.", |b| {
            b["variantSelectors"] = json!([{"key": "size", "values": [{"displayValue": "S"}]}, {"key": "size", "values": [{"displayValue": "M"}]}])
        }),
        ("IE0156", "variants.s.selectorValues", "Number of variants.selectorValues should be equal to number of variantSelector.values", |b| {
            b["variants"]["s"]["selectorValues"] = json!({"size": "S", "colour": "red"})
        }),
        ("IE0162", "features.lowStockThreshold", "When features.inventoryDisplay is \"DISPLAY_LOW_STOCK\", features.lowStockThreshold is mandatory.", |b| {
            b["features"] = json!({"inventoryDisplay": "DISPLAY_LOW_STOCK"})
        }),
        ("IE0163", "features.lowStockThreshold", "When features.lowStockThreshold is set, features.inventoryDisplay should be \"DISPLAY_LOW_STOCK\".", |b| {
            b["features"] = json!({"lowStockThreshold": 3})
        }),
        ("IE0164", "variants.s.backOrderDeliveryDateId", "When variants.s.backOrderFlag is true, variants.s.backOrderDeliveryDateId must be registered.", |b| {
            b["variants"]["s"]["backOrderFlag"] = json!(true)
        }),
        ("IE0211", "variantSelectors[0].values[1].displayValue", "Cannot set same value in variantSelectors[0].values[1].displayValue.", |b| {
            b["variantSelectors"][0]["values"] = json!([{"displayValue": "S"}, {"displayValue": "S"}])
        }),
        ("IE0224", "images[0].location", "Invalid file extension. Only gif, jpg, jpeg, and png are allowed.", |b| {
            b["images"] = json!([{"type": "CABINET", "location": "/a/b.bmp"}])
        }),
        ("IE0229", "variants.s.articleNumber", "Either articleNumber.value or articleNumber.exemptionReason should be mandatory.", |b| {
            b["variants"]["s"]["articleNumber"] = json!({})
        }),
        ("IE0278", "variantSelectors[0].values[0].displayValue", "Invalid character is set in variantSelectors[0].values[0].displayValue.", |b| {
            b["variantSelectors"][0]["values"] = json!([{"displayValue": "S:M"}])
        }),
    ];
    for (code, path, text, edit) in cases {
        let mut body = item_body("テスト", &[("s", "S", 100)]);
        edit(&mut body);
        let (status, v) = app.put("/es/2.0/items/manage-numbers/texts", body).await;
        assert_eq!(status, 400, "{code}: {v}");
        let want = json!({"code": code, "message": text, "metadata": {"propertyPath": path}});
        assert!(v["errors"].as_array().unwrap().contains(&want), "expected {want}, got {v}");
    }
}

#[tokio::test]
async fn read_only_mode_refuses_writes_with_ge0017_and_huge_bodies_get_ge0020() {
    let app = spawn(shop().with_setting("read_only = true")).await;
    let (status, v) = app.put("/es/2.0/items/manage-numbers/x", item_body("x", &[("s", "S", 1)])).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0017".to_string()]));
    assert_eq!(v["errors"][0]["message"], "Write methods isn't allowed in readsOnly-mode.");
    let (status, v) = app.post("/es/2.0/inventories/bulk-upsert", json!({"inventories": [{"manageNumber": "socks", "variantId": "socks", "mode": "ABSOLUTE", "quantity": 1}]})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0017".to_string()]));
    assert_eq!(app.get("/es/2.0/items/manage-numbers/socks").await.0, 200, "reads work");

    let app = spawn(shop()).await;
    let huge = json!({"title": "x".repeat(2 * 1024 * 1024)});
    let (status, v) = app.put("/es/2.0/items/manage-numbers/x", huge).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0020".to_string()]));
}

/// Nested objects are typed like the rest of the model: an unknown key anywhere is IE0002,
/// price-like values become strings, and items.get lists keys in the model's order.
#[tokio::test]
async fn nested_objects_are_typed_unknown_keys_are_refused_and_prices_become_strings() {
    let app = spawn(shop()).await;
    let mut body = item_body("送料", &[("s", "S", 100)]);
    body["variants"]["s"]["shipping"] = json!({"fee": 500, "postageIncluded": true, "colour": "red"});
    body["productDescription"] = json!({"sp": "スマホ", "pc": "PC", "tablet": "x"});
    let (status, v) = app.put(&format!("{ITEM}/ship"), body.clone()).await;
    assert_eq!(status, 400);
    let paths: Vec<(&str, &str)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap(), e["metadata"]["propertyPath"].as_str().unwrap()))
        .collect();
    assert_eq!(paths, vec![("IE0002", "productDescription.tablet"), ("IE0002", "variants.s.shipping.colour")]);

    body["variants"]["s"]["shipping"].as_object_mut().unwrap().remove("colour");
    body["productDescription"].as_object_mut().unwrap().remove("tablet");
    assert_eq!(app.put(&format!("{ITEM}/ship"), body).await.0, 201);
    let (_, item) = app.get(&format!("{ITEM}/ship")).await;
    assert_eq!(item["variants"]["s"]["shipping"]["fee"], "500");
    let keys: Vec<&String> = item["productDescription"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["pc", "sp"]);
    let shipping: Vec<&String> = item["variants"]["s"]["shipping"].as_object().unwrap().keys().collect();
    assert_eq!(shipping, ["postageIncluded", "singleItemShipping", "okihaiSetting", "fee"]);
}

/// A patch is merged into the stored item as JSON and the result is read back as a whole:
/// a `null` clears a field, and the stored item reads back as itself.
#[tokio::test]
async fn a_patch_with_null_clears_a_field_and_keeps_the_rest() {
    let app = spawn(shop()).await;
    let mut body = item_body("帽子", &[("s", "S", 100)]);
    body["tagline"] = json!("つば広");
    body["payment"] = json!({"taxRate": "0.08"});
    app.put(&format!("{ITEM}/hat"), body).await;
    let (_, before) = app.get(&format!("{ITEM}/hat")).await;
    let (status, _, _) = app
        .rms(Method::PATCH, &format!("{ITEM}/hat"), Some(json!({"tagline": null, "payment": {"taxRate": null}})))
        .await;
    assert_eq!(status, 204);
    let (_, after) = app.get(&format!("{ITEM}/hat")).await;
    assert!(after.get("tagline").is_none());
    assert_eq!(after["payment"], json!({"taxIncluded": true, "cashOnDeliveryFeeIncluded": false}));
    let (mut b, mut a) = (before, after);
    for v in [&mut b, &mut a] {
        let o = v.as_object_mut().unwrap();
        o.remove("tagline");
        o.remove("payment");
    }
    assert_eq!(a, b, "nothing else changed");
}

/// item-api.md §0: the live answer to an item of genre 553575 without its mandatory
/// attributes, byte for byte, and nothing is created.
#[tokio::test]
async fn ie0418_refuses_a_genre_553575_item_without_its_attributes_and_stores_nothing() {
    let app = spawn(shop()).await;
    let mut body = item_body("テスト商品", &[("zzz-4997-1", "A", 1980)]);
    body["genreId"] = json!("553575");
    let (status, _, v) = app.rms(Method::PUT, &format!("{ITEM}/zzz-4997"), Some(body.clone())).await;
    assert_eq!(status, 400);
    let expected = r#"{"errors":[{"code":"IE0418","message":"Invalid attribute or genreId is set.","metadata":{"details":[{"code":"invalidAllMandatoryAttributes","message":"The mandatory attributes are missing. attributeNames: メーカー型番, タイトル, 発売元"}],"propertyPath":"variants.zzz-4997-1.attributes"}}]}"#;
    assert_eq!(v.to_string(), expected, "details before propertyPath");
    assert_eq!(app.get(&format!("{ITEM}/zzz-4997")).await.0, 404, "nothing is created");

    body["variants"]["zzz-4997-1"]["attributes"] = json!([
        {"name": "メーカー型番", "values": ["ZZ-1"]},
        {"name": "タイトル", "values": ["テスト"]},
        {"name": "発売元", "values": ["テスト社"]},
        {"name": "原産国", "values": ["日本"]},
    ]);
    assert_eq!(app.put(&format!("{ITEM}/zzz-4997"), body).await.0, 201);
}

/// One IE0418 per SKU that lacks something, in the SKUs' order; a mandatory attribute sent
/// without a value adds the official `invalidMandatoryValue` detail.
#[tokio::test]
async fn ie0418_names_each_sku_and_says_which_attributes_are_missing_or_empty() {
    let app = spawn(shop()).await;
    let mut body = item_body("テスト", &[("a", "A", 100), ("b", "B", 100), ("c", "C", 100)]);
    body["genreId"] = json!(553575);
    body["variants"]["a"]["attributes"] =
        json!([{"name": "タイトル", "values": ["x"]}, {"name": "発売元", "values": [" "]}]);
    body["variants"]["b"]["attributes"] = json!([
        {"name": "メーカー型番", "values": ["1"]}, {"name": "タイトル", "values": ["x"]}, {"name": "発売元", "values": ["y"]}
    ]);
    let (status, v) = app.put(&format!("{ITEM}/multi"), body).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["errors"],
        json!([
            {"code": "IE0418", "message": "Invalid attribute or genreId is set.", "metadata": {"details": [
                {"code": "invalidAllMandatoryAttributes", "message": "The mandatory attributes are missing. attributeNames: メーカー型番"},
                {"code": "invalidMandatoryValue", "message": "attributes.values is mandatory."},
            ], "propertyPath": "variants.a.attributes"}},
            {"code": "IE0418", "message": "Invalid attribute or genreId is set.", "metadata": {"details": [
                {"code": "invalidAllMandatoryAttributes", "message": "The mandatory attributes are missing. attributeNames: メーカー型番, タイトル, 発売元"},
            ], "propertyPath": "variants.c.attributes"}},
        ])
    );
}

/// `item_mandatory_attributes` in the shop's settings adds genres, replaces a built-in one
/// (`[]` switches it off), and is checked when set; items of the shop document are loaded
/// without the check, but a later write of them must carry the attributes.
#[tokio::test]
async fn a_shops_genre_table_adds_and_replaces_genres_and_shop_document_items_load_without_it() {
    let app =
        spawn(shop().with_setting(r#"item_mandatory_attributes = { "100000" = ["ブランド名"], "559887" = ["素材"] }"#))
            .await;
    let (status, v) = app.put(&format!("{ITEM}/brand"), item_body("x", &[("s", "S", 1)])).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["errors"][0]["metadata"]["details"][0]["message"],
        "The mandatory attributes are missing. attributeNames: ブランド名"
    );
    let mut body = item_body("x", &[("s", "S", 1)]);
    body["variants"]["s"]["attributes"] = json!([{"name": "ブランド名", "values": ["楽天"]}]);
    assert_eq!(app.put(&format!("{ITEM}/brand"), body).await.0, 201);

    // The shop document's tshirt (genre 559887) loaded, but changing it needs 素材.
    assert_eq!(app.get(&format!("{ITEM}/tshirt")).await.0, 200);
    let (status, _, v) = app.rms(Method::PATCH, &format!("{ITEM}/tshirt"), Some(json!({"title": "新"}))).await;
    assert_eq!(
        (status, v["errors"][0]["metadata"]["propertyPath"].as_str()),
        (400, Some("variants.m-black.attributes"))
    );
    assert_eq!(error_codes(&v), vec!["IE0418", "IE0418"], "one per SKU");

    let mut built_in = item_body("x", &[("s", "S", 1)]);
    built_in["genreId"] = json!("553575");
    assert_eq!(app.put(&format!("{ITEM}/book"), built_in.clone()).await.0, 400);
    let (status, v) = app.patch_settings(json!({"item_mandatory_attributes": {"553575": []}})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(app.put(&format!("{ITEM}/book"), built_in).await.0, 201, "[] switches the built-in genre off");

    for (patch, key) in [
        (json!({"item_mandatory_attributes": {"12345": ["x"]}}), "item_mandatory_attributes.12345"),
        (json!({"item_mandatory_attributes": {"100000": ["x", "x"]}}), "item_mandatory_attributes.100000[1]"),
        (json!({"item_mandatory_attributes": {"100000": [" "]}}), "item_mandatory_attributes.100000[0]"),
    ] {
        let (status, v) = app.patch_settings(patch).await;
        assert_eq!(status, 400, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(key), "{v}");
    }
}

/// IE0228 (item-api.md §0): a JAN whose check digit is wrong, or anything but an 8- or
/// 13-digit JAN, at `variants.<id>.articleNumber.value`.
#[tokio::test]
async fn ie0228_refuses_an_article_number_that_is_not_a_jan_with_its_check_digit() {
    let app = spawn(shop()).await;
    let with_jan = |value: &str, exemption: Option<i64>| {
        let mut body = item_body("JAN", &[("s", "S", 100)]);
        body["variants"]["s"]["articleNumber"] = match exemption {
            Some(r) => json!({"value": value, "exemptionReason": r}),
            None => json!({"value": value}),
        };
        body
    };
    let (status, v) = app.put(&format!("{ITEM}/jan"), with_jan("4955028001999", None)).await;
    assert_eq!(status, 400);
    assert_eq!(
        v,
        json!({"errors": [{"code": "IE0228", "message": "Invalid articleNumber is set.", "metadata": {"propertyPath": "variants.s.articleNumber.value"}}]})
    );
    for bad in ["ABC-100", "036000291452", "49123457", "４９１２３４５６"] {
        let (status, v) = app.put(&format!("{ITEM}/jan"), with_jan(bad, None)).await;
        assert_eq!((status, error_codes(&v)), (400, vec!["IE0228".to_string()]), "{bad}");
    }
    let (status, v) = app.put(&format!("{ITEM}/jan"), with_jan("4955028001999", Some(5))).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0228".to_string()]), "checked beside a reason too");
    assert_eq!(app.put(&format!("{ITEM}/jan"), with_jan("4955028001996", None)).await.0, 201);
    assert_eq!(app.put(&format!("{ITEM}/jan8"), with_jan("49123456", None)).await.0, 201);
    let (_, item) = app.get(&format!("{ITEM}/jan")).await;
    assert_eq!(item["variants"]["s"]["articleNumber"], json!({"value": "4955028001996"}));
}

/// IE0270 (item-api.md §0): machine-dependent characters in the texts of the item page, one
/// error per field, each with its path; selector values are not checked.
#[tokio::test]
async fn ie0270_refuses_machine_dependent_characters_in_the_item_page_texts() {
    let app = spawn(shop()).await;
    let mut body = item_body("①番人気", &[("s", "S", 100)]);
    body["tagline"] = json!("Ⅱ型");
    body["productDescription"] = json!({"pc": "製造元: ㈱テスト", "sp": "スマホ"});
    body["salesDescription"] = json!("ｶﾌｪ用");
    body["variants"]["s"]["articleNumber"] = json!({"value": "4955028001999"});
    let (status, v) = app.put(&format!("{ITEM}/izon"), body.clone()).await;
    assert_eq!(status, 400);
    let text = "Machine dependent characters cannot be registered.";
    assert_eq!(
        v["errors"],
        json!([
            {"code": "IE0270", "message": text, "metadata": {"propertyPath": "title"}},
            {"code": "IE0270", "message": text, "metadata": {"propertyPath": "tagline"}},
            {"code": "IE0270", "message": text, "metadata": {"propertyPath": "productDescription.pc"}},
            {"code": "IE0270", "message": text, "metadata": {"propertyPath": "salesDescription"}},
            {"code": "IE0228", "message": "Invalid articleNumber is set.", "metadata": {"propertyPath": "variants.s.articleNumber.value"}},
        ])
    );
    let mut ok = item_body("1番人気 ≒ 綿100%", &[("s", "①", 100)]);
    ok["variantSelectors"][0]["values"] = json!([{"displayValue": "①"}]);
    ok["productDescription"] = json!({"pc": "製造元: (株)テスト"});
    assert_eq!(app.put(&format!("{ITEM}/izon"), ok).await.0, 201, "selector values are not checked");
    let (status, _, v) = app.rms(Method::PATCH, &format!("{ITEM}/izon"), Some(json!({"tagline": "㌔"}))).await;
    assert_eq!((status, v["errors"][0]["metadata"]["propertyPath"].as_str()), (400, Some("tagline")));
}

/// item-api.md §0: a PATCH cannot add or remove a SKU (409, nothing changes); the item
/// rules still come first, so an incomplete new SKU gets their 400s.
#[tokio::test]
async fn a_patch_that_adds_or_removes_a_variant_answers_409_and_changes_nothing() {
    let app = spawn(shop()).await;
    app.put(&format!("{ITEM}/cap"), item_body("キャップ", &[("s", "S", 1000), ("m", "M", 1200)])).await;
    let (_, before) = app.get(&format!("{ITEM}/cap")).await;
    let conflict = json!({"errors": [{"code": "CE0001", "message": "Your request could not be processed due to a conflict with another process. Please try again after a short while."}]});
    let new_sku =
        json!({"selectorValues": {"size": "L"}, "standardPrice": 1400, "articleNumber": {"exemptionReason": 5}});
    for patch in [
        json!({"variants": {"l": new_sku}}),
        json!({"variants": {"m": null}}),
        json!({"title": "新", "variants": {"s": {"standardPrice": 900}, "m": null, "l": new_sku}}),
    ] {
        let (status, _, v) = app.rms(Method::PATCH, &format!("{ITEM}/cap"), Some(patch.clone())).await;
        assert_eq!((status, &v), (409, &conflict), "{patch}");
    }
    let (status, _, v) = app
        .rms(Method::PATCH, &format!("{ITEM}/cap"), Some(json!({"variants": {"l": {"selectorValues": {"size": "L"}}}})))
        .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(error_codes(&v), vec!["IE0001", "IE0229"], "standardPrice and articleNumber of the new SKU");
    assert_eq!(app.get(&format!("{ITEM}/cap")).await.1, before, "nothing changed");

    let (status, _, _) =
        app.rms(Method::PATCH, &format!("{ITEM}/cap"), Some(json!({"variants": {"m": {"hidden": true}}}))).await;
    assert_eq!(status, 204, "changing an existing SKU is fine");
    // A full replace may still change the SKUs.
    assert_eq!(app.put(&format!("{ITEM}/cap"), item_body("キャップ", &[("s", "S", 1000)])).await.0, 204);
}

/// The manageNumbers items.bulk.get returns for `new` and `tshirt`.
async fn bulk(app: &TestApp) -> Vec<String> {
    let (_, v) = app.post("/es/2.0/items/bulk-get", json!({"manageNumbers": ["new", "tshirt"]})).await;
    v["results"].as_array().unwrap().iter().map(|i| i["manageNumber"].as_str().unwrap().to_string()).collect()
}

/// item-api.md §0: live items.get catches up about 2 s after a write. With
/// `item_get_lag_seconds` it sees the item as it was that long ago on the shop's clock: a new
/// item 404s, a changed one shows its previous version, a deleted one is still there.
#[tokio::test]
async fn with_a_get_lag_items_get_and_bulk_get_see_writes_only_after_it() {
    let app = spawn(shop().with_setting("item_get_lag_seconds = 2")).await;
    assert_eq!(app.get(&format!("{ITEM}/tshirt")).await.0, 200, "shop document items are there at once");
    assert_eq!(app.put(&format!("{ITEM}/new"), item_body("新商品", &[("s", "S", 100)])).await.0, 201);
    let (status, v) = app.get(&format!("{ITEM}/new")).await;
    assert_eq!((status, v["errors"][0]["message"].as_str()), (404, Some("Not found for inputs; manageNumber=new")));
    assert_eq!(bulk(&app).await, ["tshirt"]);
    app.shop().advance_seconds(1).await.unwrap();
    assert_eq!(app.get(&format!("{ITEM}/new")).await.0, 404, "1 s after the upsert");
    // items.patch works on the stored item at once.
    let (status, _, _) = app.rms(Method::PATCH, &format!("{ITEM}/new"), Some(json!({"title": "改名"}))).await;
    assert_eq!(status, 204);
    app.shop().advance_seconds(1).await.unwrap();
    let (status, v) = app.get(&format!("{ITEM}/new")).await;
    assert_eq!((status, v["title"].as_str()), (200, Some("新商品")), "the upsert shows, the patch (1 s later) not yet");
    assert_eq!(bulk(&app).await, ["new", "tshirt"]);
    app.shop().advance_seconds(1).await.unwrap();
    assert_eq!(app.get(&format!("{ITEM}/new")).await.1["title"], "改名");

    let (status, _, _) = app.rms(Method::DELETE, &format!("{ITEM}/tshirt"), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.get(&format!("{ITEM}/tshirt")).await.0, 200, "a deleted item is still seen");
    let (status, _, _) = app.rms(Method::DELETE, &format!("{ITEM}/tshirt"), None).await;
    assert_eq!(status, 404, "the delete itself is done");
    app.shop().advance_seconds(2).await.unwrap();
    assert_eq!(app.get(&format!("{ITEM}/tshirt")).await.0, 404);
    assert_eq!(bulk(&app).await, ["new"]);

    let (status, v) = app.patch_settings(json!({"item_get_lag_seconds": 0})).await;
    assert_eq!(status, 200, "{v}");
    app.put(&format!("{ITEM}/now"), item_body("即時", &[("s", "S", 100)])).await;
    assert_eq!(app.get(&format!("{ITEM}/now")).await.0, 200, "0 turns the lag off");
    let (status, v) = app.patch_settings(json!({"item_search_lag_seconds": 604_801})).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("item_search_lag_seconds"), "{v}");
}

/// item-api.md §0: sources word the items.get 404 two ways; the live one by default, the
/// official page's with `item_not_found_wording = "official"` (get and delete only).
#[tokio::test]
async fn the_404_of_items_get_and_delete_can_use_the_official_pages_wording() {
    let app = spawn(shop().with_setting(r#"item_not_found_wording = "official""#)).await;
    let official = json!({"errors": [{"code": "GE0014", "message": "No item found for inputs; manageNumber=6651"}]});
    assert_eq!(app.get(&format!("{ITEM}/6651")).await, (404, official.clone()));
    let (status, _, v) = app.rms(Method::DELETE, &format!("{ITEM}/6651"), None).await;
    assert_eq!((status, v), (404, official));
    let (status, _, v) = app.rms(Method::PATCH, &format!("{ITEM}/6651"), Some(json!({"title": "x"}))).await;
    assert_eq!((status, v["errors"][0]["message"].as_str()), (404, Some("Not found for inputs; manageNumber=6651")));
    app.patch_settings(json!({"item_not_found_wording": "live"})).await;
    let (_, v) = app.get(&format!("{ITEM}/6651")).await;
    assert_eq!(v["errors"][0]["message"], "Not found for inputs; manageNumber=6651");
}

/// The same lag in wall mode, as a developer's running integration meets it: a new item
/// shows 2 real seconds after its upsert (real time here is a manual `WallClock`).
#[tokio::test]
async fn in_wall_mode_the_get_lag_runs_on_real_time() {
    let wall = rms_mock::WallClock::manual();
    let app =
        spawn_on(wall.clone(), shop().with_shop_line("clock = \"wall\"").with_setting("item_get_lag_seconds = 2"))
            .await;
    assert_eq!(app.put(&format!("{ITEM}/live"), item_body("実時間", &[("s", "S", 100)])).await.0, 201);
    wall.advance(std::time::Duration::from_millis(1_900));
    assert_eq!(app.get(&format!("{ITEM}/live")).await.0, 404);
    wall.advance(std::time::Duration::from_millis(100));
    assert_eq!(app.get(&format!("{ITEM}/live")).await.0, 200);
}
