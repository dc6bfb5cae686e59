//! Stock moves with orders; conservation under concurrent orders, cancels and RELATIVE writes.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn orders_take_stock_and_cancellations_follow_restock_on_cancel() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 10).await;
    let n = app.place(&[("tshirt", "m-black", 4)], 1).await;
    assert_eq!(app.stock("tshirt", "m-black").await, 6);
    let (status, v) =
        app.place_raw(json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 7}]})).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(app.stock("tshirt", "m-black").await, 6);
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{n}/cancel")), None).await;
    assert_eq!(app.stock("tshirt", "m-black").await, 10, "restockOnCancel is on for shop-file items");

    // Switch restockOnCancel off through the Item API: a cancellation then keeps the stock out.
    let (s, _) = app
        .put(
            "/es/2.0/items/inventory-related-settings/manage-numbers/tshirt",
            json!({"variants": {"m-black": {"restockOnCancel": false}}}),
        )
        .await;
    assert_eq!(s, 204);
    let n = app.place(&[("tshirt", "m-black", 2)], 1).await;
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["PackageModelList"][0]["ItemModelList"][0]["restoreInventoryFlag"], 0);
    app.admin(Method::POST, &app.shop_path(&format!("/orders/{n}/cancel")), None).await;
    assert_eq!(app.stock("tshirt", "m-black").await, 8);
}

#[tokio::test]
async fn items_created_through_the_item_api_can_be_ordered_with_their_skus() {
    let app = spawn(shop()).await;
    let (s, _) = app.put("/es/2.0/items/manage-numbers/hoodie", item_body("パーカー", &[("s", "S", 4980)])).await;
    assert_eq!(s, 201);
    let (status, v) = app.place_raw(json!({"lines": [{"manage_number": "hoodie", "variant_id": "s"}]})).await;
    assert_eq!(status, 409, "no stock registered yet: {v}");
    app.set_stock("hoodie", "s", 1).await;
    let n = app.place(&[("hoodie", "s", 1)], 1).await;
    let item = &app.order_model(&n, 7).await["PackageModelList"][0]["ItemModelList"][0];
    assert_eq!(item["price"], 4980);
    assert_eq!(item["itemName"], "パーカー");
    assert_eq!(
        item["SkuModelList"],
        json!([{"variantId": "s", "merchantDefinedSkuId": "SKU-s", "skuInfo": "サイズ:S"}])
    );
}

/// Many tasks at once on the same SKUs: buyers order and cancel, an integration pushes
/// RELATIVE deltas. Whatever interleaving happens, for every SKU
/// `stock + units in live orders == initial + accepted deltas`, and stock never goes negative.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stock_is_conserved_under_concurrent_orders_cancels_and_relative_updates() {
    let app = Arc::new(spawn(shop()).await);
    let skus = [("tshirt", "m-black"), ("tshirt", "l-white"), ("socks", "socks")];
    for (m, v) in skus {
        app.set_stock(m, v, 50).await;
    }
    let mut tasks = Vec::new();
    for t in 0..16u64 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ t.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut deltas = vec![0i64; 3];
            let mut mine = Vec::new();
            for _ in 0..40 {
                let k = (next() % 3) as usize;
                let (m, v) = skus[k];
                match next() % 4 {
                    0 | 1 => {
                        let units = 1 + (next() % 3) as i64;
                        let (status, body) =
                            app.place_raw(json!({"lines": [{"manage_number": m, "variant_id": v, "units": units}]})).await;
                        match status {
                            201 => mine.push(body["order_number"].as_str().unwrap().to_string()),
                            409 => {}
                            s => panic!("place: {s} {body}"),
                        }
                    }
                    2 => {
                        let d = (next() % 11) as i64 - 5;
                        let (status, body) = app
                            .post("/es/2.0/inventories/bulk-upsert", json!({"inventories": [{"manageNumber": m, "variantId": v, "mode": "RELATIVE", "quantity": d}]}))
                            .await;
                        match status {
                            204 => deltas[k] += d,
                            400 => assert_eq!(body["errors"][0]["code"], "IE0117", "{body}"),
                            s => panic!("upsert: {s} {body}"),
                        }
                    }
                    _ => {
                        if let Some(n) = mine.pop() {
                            let (status, body) = app.admin(Method::POST, &app.shop_path(&format!("/orders/{n}/cancel")), None).await;
                            assert_eq!(status, 200, "{body}");
                        }
                    }
                }
            }
            deltas
        }));
    }
    let mut accepted = [0i64; 3];
    for t in tasks {
        for (i, d) in t.await.unwrap().into_iter().enumerate() {
            accepted[i] += d;
        }
    }
    let (_, orders) = app.admin(Method::GET, &app.shop_path("/orders"), None).await;
    let mut live_units = [0i64; 3];
    let mut live_orders = 0;
    for o in orders["orders"].as_array().unwrap() {
        if o["order_progress"] == 900 {
            continue;
        }
        live_orders += 1;
        let model = app.order_model(o["order_number"].as_str().unwrap(), 9).await;
        for item in model["PackageModelList"][0]["ItemModelList"].as_array().unwrap() {
            let k = skus
                .iter()
                .position(|(m, v)| *m == item["manageNumber"] && *v == item["SkuModelList"][0]["variantId"])
                .unwrap();
            live_units[k] += item["units"].as_i64().unwrap();
        }
    }
    assert!(live_orders > 0, "the mix placed orders that stayed live");
    for (k, (m, v)) in skus.iter().enumerate() {
        let stock = app.stock(m, v).await;
        assert!(stock >= 0);
        assert_eq!(
            stock + live_units[k],
            50 + accepted[k],
            "{m}/{v}: stock {stock}, live {}, deltas {}",
            live_units[k],
            accepted[k]
        );
    }
}
