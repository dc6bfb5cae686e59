//! Inventory API 2.0 / 2.1: single and bulk reads and writes, modes, limits, orphans.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

const V20: &str = "/es/2.0/inventories/manage-numbers";
const V21: &str = "/es/2.1/inventories/manage-numbers";

#[tokio::test]
async fn absolute_and_relative_writes_answer_204_with_an_empty_body() {
    let app = spawn(shop()).await;
    let (status, ct, v) = app
        .rms(Method::PUT, &format!("{V20}/TSHIRT/variants/m-black"), Some(json!({"mode": "ABSOLUTE", "quantity": 10})))
        .await;
    assert_eq!((status, ct.as_str(), v), (204, "application/json", Value::Null));
    app.advance(5).await;
    let (status, _) =
        app.put(&format!("{V21}/tshirt/variants/m-black"), json!({"mode": "RELATIVE", "quantity": -2})).await;
    assert_eq!(status, 204);
    let (status, v) = app.get(&format!("{V20}/tshirt/variants/m-black")).await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"manageNumber": "tshirt", "variantId": "m-black", "quantity": 8, "created": "2026-11-28T09:00:00+09:00", "updated": "2026-11-28T09:05:00+09:00"})
    );
}

#[tokio::test]
async fn relative_first_and_out_of_range_results_are_refused() {
    let app = spawn(shop()).await;
    let (status, v) = app.put(&format!("{V21}/new-item/variants/v1"), json!({"mode": "RELATIVE", "quantity": 3})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0500".to_string()]));
    app.set_stock("tshirt", "l-white", 3).await;
    let (status, v) =
        app.put(&format!("{V20}/tshirt/variants/l-white"), json!({"mode": "RELATIVE", "quantity": -4})).await;
    assert_eq!(status, 400);
    assert_eq!(v["errors"][0]["message"], "After update, the quantity must be between 0 and 99999.");
    let (status, v) =
        app.put(&format!("{V20}/tshirt/variants/l-white"), json!({"mode": "ABSOLUTE", "quantity": 100000})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0003".to_string()]));
    for (body, code, path) in [
        (json!({"quantity": 1}), "IE0001", "mode"),
        (json!({"mode": "SET", "quantity": 1}), "IE0007", "mode"),
        (json!({"mode": "ABSOLUTE", "quantity": "a"}), "IE0002", "quantity"),
        (json!({"mode": "ABSOLUTE"}), "IE0001", "quantity"),
        (json!({"mode": "ABSOLUTE", "quantity": 1, "shipFromIds": [1]}), "IE0002", "shipFromIds"),
    ] {
        let (status, v) = app.put(&format!("{V20}/tshirt/variants/l-white"), body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["errors"][0]["code"], code, "{body}: {v}");
        assert_eq!(v["errors"][0]["metadata"]["propertyPath"], path, "{body}");
    }
    assert_eq!(app.stock("tshirt", "l-white").await, 3, "nothing changed");
}

#[tokio::test]
async fn version_2_1_keeps_lead_times_and_ship_from_ids_and_checks_them() {
    let app = spawn(shop()).await;
    let body = json!({"mode": "ABSOLUTE", "quantity": 4, "operationLeadTime": {"normalDeliveryTimeId": 2, "backOrderDeliveryTimeId": 3}, "shipFromIds": [1, 3]});
    assert_eq!(app.put(&format!("{V21}/socks/variants/socks"), body).await.0, 204);
    let (_, v21) = app.get(&format!("{V21}/socks/variants/socks")).await;
    assert_eq!(v21["operationLeadTime"], json!({"normalDeliveryTimeId": 2, "backOrderDeliveryTimeId": 3}));
    assert_eq!(v21["shipFromIds"], json!([1, 3]));
    let (_, v20) = app.get(&format!("{V20}/socks/variants/socks")).await;
    assert!(v20.get("shipFromIds").is_none(), "2.0 does not show 2.1 fields");
    // A 2.1 upsert is not partial: leaving the fields out removes them.
    assert_eq!(
        app.put(&format!("{V21}/socks/variants/socks"), json!({"mode": "RELATIVE", "quantity": 1})).await.0,
        204
    );
    let (_, v21) = app.get(&format!("{V21}/socks/variants/socks")).await;
    assert!(v21.get("shipFromIds").is_none() && v21.get("operationLeadTime").is_none());
    assert_eq!(v21["quantity"], 5);
    let (status, v) = app
        .put(&format!("{V21}/socks/variants/socks"), json!({"mode": "ABSOLUTE", "quantity": 1, "shipFromIds": [9]}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(v["errors"][0]["code"], "IE0118");
    assert_eq!(v["errors"][0]["message"], "9 is invalid because it is not defined in shipFromIds of shop setting.");
}

#[tokio::test]
async fn delete_and_unknown_records() {
    let app = spawn(shop()).await;
    let (status, _, v) = app.rms(Method::DELETE, &format!("{V20}/socks/variants/socks"), None).await;
    assert_eq!((status, v), (204, Value::Null));
    let (status, v) = app.get(&format!("{V20}/socks/variants/socks")).await;
    assert_eq!(status, 404);
    assert_eq!(
        v,
        json!({"errors": [{"code": "GE0014", "message": "Not found for inputs; manageNumber=socks, variantId=socks"}]})
    );
    let (status, _, _) = app.rms(Method::DELETE, &format!("{V20}/socks/variants/socks"), None).await;
    assert_eq!(status, 404);
    // The inventory table's IE0002 example is a manageNumber; it has no IE0220.
    let (status, v) = app.get(&format!("{V20}/Bad.Name/variants/x")).await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"errors": [{"code": "IE0002", "message": "manageNumber has an invalid value : Bad.Name.", "metadata": {"propertyPath": "manageNumber"}}]})
        )
    );
    let (status, v) = app.get("/es/2.0/inventories/nothing-here").await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0007".to_string()]));
}

#[tokio::test]
async fn bulk_upsert_is_all_or_nothing_with_limits_and_duplicate_checks() {
    let app = spawn(shop()).await;
    let body = json!({"inventories": [
        {"mode": "ABSOLUTE", "quantity": 5, "manageNumber": "tshirt", "variantId": "m-black"},
        {"manageNumber": "socks", "variantId": "socks", "mode": "RELATIVE", "quantity": -10},
    ]});
    let (status, ct, v) = app.rms(Method::POST, "/es/2.1/inventories/bulk-upsert", Some(body)).await;
    assert_eq!((status, ct.as_str(), v), (204, "application/json", Value::Null));
    assert_eq!(app.stock("tshirt", "m-black").await, 5);
    assert_eq!(app.stock("socks", "socks").await, 4990);

    let bad = json!({"inventories": [
        {"manageNumber": "tshirt", "variantId": "m-black", "mode": "ABSOLUTE", "quantity": 1},
        {"manageNumber": "socks", "variantId": "socks", "mode": "RELATIVE", "quantity": -5000},
    ]});
    let (status, v) = app.post("/es/2.0/inventories/bulk-upsert", bad).await;
    assert_eq!(status, 400);
    assert_eq!(v["errors"][0]["metadata"]["propertyPath"], "inventories[1].quantity");
    assert_eq!(app.stock("tshirt", "m-black").await, 5, "the valid first write was not applied either");

    let dup = json!({"inventories": [
        {"manageNumber": "tshirt", "variantId": "m-black", "mode": "ABSOLUTE", "quantity": 1},
        {"manageNumber": "TSHIRT", "variantId": "m-black", "mode": "ABSOLUTE", "quantity": 2},
    ]});
    let (status, v) = app.post("/es/2.0/inventories/bulk-upsert", dup).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE1102".to_string()]));
    let many: Vec<Value> = (0..401)
        .map(|i| json!({"manageNumber": "x", "variantId": format!("v{i}"), "mode": "ABSOLUTE", "quantity": 1}))
        .collect();
    let (status, v) = app.post("/es/2.0/inventories/bulk-upsert", json!({"inventories": many})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE1101".to_string()]));
    let (status, v) = app.post("/es/2.0/inventories/bulk-upsert", json!({})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0011".to_string()]));
    let (status, v) =
        app.post("/es/2.0/inventories/bulk-upsert", json!({"inventories": [{"manageNumber": "a"}]})).await;
    assert_eq!(status, 400);
    let paths: Vec<&str> =
        v["errors"].as_array().unwrap().iter().map(|e| e["metadata"]["propertyPath"].as_str().unwrap()).collect();
    assert_eq!(paths, vec!["inventories[0].variantId", "inventories[0].mode", "inventories[0].quantity"]);
}

#[tokio::test]
async fn bulk_get_reads_up_to_1000_pairs_and_leaves_unknown_ones_out() {
    let app = spawn(shop()).await;
    let (status, v) = app
        .post(
            "/es/2.0/inventories/bulk-get",
            json!({"inventories": [{"manageNumber": "socks", "variantId": "socks"}, {"manageNumber": "tshirt", "variantId": "nope"}, {"manageNumber": "tshirt", "variantId": "l-white"}]}),
        )
        .await;
    assert_eq!(status, 200);
    let got: Vec<(&str, i64)> = v["inventories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["variantId"].as_str().unwrap(), r["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, vec![("socks", 5000), ("l-white", 3)]);
    let many: Vec<Value> = (0..1001).map(|i| json!({"manageNumber": "x", "variantId": format!("v{i}")})).collect();
    let (status, v) = app.post("/es/2.0/inventories/bulk-get", json!({"inventories": many})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE1101".to_string()]));
    // The official bulk-get page's sample: the text names the field, the path has the index.
    let long = json!({"inventories": [{"manageNumber": "1".repeat(41), "variantId": "sku1"}]});
    let (status, v) = app.post("/es/2.1/inventories/bulk-get", long).await;
    assert_eq!(
        (status, v),
        (
            400,
            json!({"errors": [{"code": "IE0004", "message": "Max length of manageNumber must be within 32 bytes.", "metadata": {"propertyPath": "inventories[0].manageNumber"}}]})
        )
    );
}

#[tokio::test]
async fn range_reads_are_inclusive_newest_first_and_validated() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 5).await;
    app.advance(1).await;
    app.set_stock("tshirt", "l-white", 1).await;
    let (status, v) = app.get("/es/2.0/inventories/bulk-get/range?minQuantity=1&maxQuantity=5").await;
    assert_eq!(status, 200);
    let got: Vec<&str> =
        v["inventories"].as_array().unwrap().iter().map(|r| r["variantId"].as_str().unwrap()).collect();
    assert_eq!(got, vec!["l-white", "m-black"]);
    for (q, code) in [
        ("", "IE0105"),
        ("minQuantity=5&maxQuantity=1", "IE0113"),
        ("minQuantity=-1", "IE0003"),
        ("maxQuantity=100000", "IE0003"),
        ("minQuantity=x", "IE0002"),
    ] {
        let (status, v) = app.get(&format!("/es/2.1/inventories/bulk-get/range?{q}")).await;
        assert_eq!((status, error_codes(&v)), (400, vec![code.to_string()]), "{q}");
    }
    app.admin(
        Method::POST,
        &app.shop_path("/catalog/generate"),
        Some(json!({"items": 1001, "variants": 1, "quantity": 7})),
    )
    .await;
    let (status, v) = app.get("/es/2.0/inventories/bulk-get/range?minQuantity=7&maxQuantity=7").await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0116".to_string()]));
}

#[tokio::test]
async fn stock_for_unknown_skus_is_kept_as_an_orphan_for_24_hours() {
    let app = spawn(shop()).await;
    app.set_stock("future-item", "v1", 9).await;
    app.set_stock("tshirt", "xl", 2).await;
    let (_, cat) = app.admin(Method::GET, &app.shop_path("/catalog"), None).await;
    assert_eq!(cat["orphan_stock"].as_array().unwrap().len(), 2);
    app.advance(23 * 60).await;
    // An update restarts the 24 hours; an item appearing adopts the stock.
    app.set_stock("tshirt", "xl", 3).await;
    let (s, _) = app.put("/es/2.0/items/manage-numbers/future-item", item_body("未来", &[("v1", "F", 100)])).await;
    assert_eq!(s, 201);
    app.advance(60).await;
    assert_eq!(app.stock("future-item", "v1").await, 9, "adopted by the new item");
    assert_eq!(app.stock("tshirt", "xl").await, 3, "updated an hour ago");
    app.advance(23 * 60).await;
    let (status, _) = app.get(&format!("{V20}/tshirt/variants/xl")).await;
    assert_eq!(status, 404, "expired 24 h after its last update");
}

#[tokio::test]
async fn variant_lists_exist_only_in_2_1() {
    let app = spawn(shop()).await;
    let (status, v) = app.get("/es/2.1/inventories/variant-lists/manage-numbers/tshirt").await;
    assert_eq!(status, 200);
    assert_eq!(v["manageNumber"], "tshirt");
    assert_eq!(v["variantList"], json!(["l-white", "m-black"]));
    let (status, v) = app.get("/es/2.0/inventories/variant-lists/manage-numbers/tshirt").await;
    assert_eq!((status, error_codes(&v)), (400, vec!["GE0007".to_string()]));
    assert_eq!(app.get("/es/2.1/inventories/variant-lists/manage-numbers/nope").await.0, 404);
}

#[tokio::test]
async fn an_item_holds_at_most_400_stock_records() {
    let app = spawn(shop()).await;
    let first: Vec<Value> = (0..400)
        .map(|i| json!({"manageNumber": "big", "variantId": format!("v{i}"), "mode": "ABSOLUTE", "quantity": 1}))
        .collect();
    assert_eq!(app.post("/es/2.0/inventories/bulk-upsert", json!({"inventories": first})).await.0, 204);
    let (status, v) = app.put(&format!("{V20}/big/variants/v400"), json!({"mode": "ABSOLUTE", "quantity": 1})).await;
    assert_eq!((status, error_codes(&v)), (400, vec!["IE0121".to_string()]));
    assert_eq!(app.put(&format!("{V20}/big/variants/v0"), json!({"mode": "ABSOLUTE", "quantity": 2})).await.0, 204);
}
