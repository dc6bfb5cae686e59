//! `schemas/state.schema.json` describes what the server exports: a busy shop's state and the
//! committed fixture validate against it, and documents that break it do not. The validator
//! (a small subset of JSON Schema 2020-12) is shared with the conformance tests:
//! `testkit/json_schema.rs`.

use crate::helpers::*;
use serde_json::{json, Value};

#[path = "../../../testkit/json_schema.rs"]
mod json_schema;
use json_schema::matches_pattern;

const SCHEMA: &str = include_str!("../../../schemas/state.schema.json");
const FIXTURE: &str = include_str!("../../../fixtures/state/demo.json");

fn problems(doc: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    json_schema::validate(&schema, doc)
}

#[test]
fn the_patterns_of_the_schema_match_what_they_should_and_only_that() {
    let datetime = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+0900$";
    assert!(matches_pattern(datetime, "2026-11-28T09:00:00+0900"));
    for bad in ["2026-11-28T09:00:00+09:00", "2026-11-28T09:00:00", "x2026-11-28T09:00:00+0900"] {
        assert!(!matches_pattern(datetime, bad), "{bad}");
    }
    let number = "^[^-]+-[0-9]{8}-[0-9]{10}$";
    assert!(matches_pattern(number, "123456-20261128-0254529834"));
    assert!(!matches_pattern(number, "123456-20261128-025452983"));
    assert!(!matches_pattern(number, "-20261128-0254529834"));
    assert!(matches_pattern("^[^A-Z]+$", "tshirt-basic") && !matches_pattern("^[^A-Z]+$", "Tshirt"));
}

#[tokio::test]
async fn exports_and_the_committed_fixture_validate_against_the_schema() {
    let app = spawn(
        shop()
            .with_setting("item_get_lag_seconds = 5")
            .with_toml("[simulate]\nenabled = true\norders_per_hour = 30\nseed = 7\n")
            .with_toml("[[sub_statuses]]\nid = 1101\nname = \"在庫確認中\"\norder_progress = 100\n"),
    )
    .await;
    let n = app.place_one(9).await;
    app.confirm(&[&n]).await;
    app.order("updateOrderSubStatus", json!({"subStatusId": 1101, "orderNumberList": [app.place_one(1).await]})).await;
    app.put("/es/2.0/items/manage-numbers/hoodie", item_body("パーカー", &[("s", "S", 4980)])).await;
    app.set_stock("orphan", "x", 3).await;
    app.shop().staff_confirm(&app.place_one(1).await).await.unwrap();
    let fault = json!({"functions": ["rpay.order.getOrder"], "kind": "maintenance", "times": 1});
    assert_eq!(app.admin(reqwest::Method::POST, &app.shop_path("/faults"), Some(fault)).await.0, 201);
    assert_eq!(app.get_order(&[&n], json!(9)).await.0, 503);
    app.advance(180).await;
    let doc: Value = serde_json::from_str(&app.mock.export_state().await.unwrap()).unwrap();
    let shop = &doc["shops"][0];
    assert!(shop["orders"].as_array().unwrap().len() > 2, "the simulated buyers ordered");
    assert!(!shop["shop"]["simulation"].is_null() && !shop["journal"].as_array().unwrap().is_empty());
    assert_eq!(shop["shop"]["faults"]["faults"][0]["fired"], 1);
    assert!(shop["journal"].as_array().unwrap().iter().any(|e| e["fault"]["kind"] == "maintenance"));
    assert!(shop["journal"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["staff"]["action"] == "confirm" && e["function"].is_null()));
    assert_eq!(problems(&doc), Vec::<String>::new());
    assert_eq!(problems(&serde_json::from_str(FIXTURE).unwrap()), Vec::<String>::new());
}

#[test]
fn documents_that_break_the_format_do_not_validate() {
    let good: Value = serde_json::from_str(FIXTURE).unwrap();
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        problems(&d)
    };
    assert_eq!(broken(&|d| d["version"] = json!(2)), ["$.version: 2 is not 1"]);
    assert_eq!(broken(&|d| d["shops"][0]["shop"]["extra"] = json!(1)), ["$.shops[0].shop.extra: not allowed"]);
    assert_eq!(
        broken(&|d| d["shops"][0]["orders"][0]["order_datetime"] = json!("2026-11-28 09:00")),
        ["$.shops[0].orders[0].order_datetime: \"2026-11-28 09:00\" does not match \"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\\\+0900$\""]
    );
    assert_eq!(
        broken(&|d| {
            d["shops"][0]["orders"][0].as_object_mut().unwrap().remove("history");
        }),
        ["$.shops[0].orders[0]: missing \"history\""]
    );
    assert_eq!(
        broken(&|d| d["shops"][0]["schedule"][0]["event"] = json!({"kind": "processing"})),
        ["$.shops[0].schedule[0].event: {\"kind\":\"processing\"} fits 0 of the oneOf choices"]
    );
}

#[tokio::test]
async fn orders_of_every_kind_and_8_digit_numbers_validate_against_the_schema() {
    let app = spawn(shop().with_setting("order_number_tail = 8")).await;
    let socks = json!([{"manage_number": "socks", "variant_id": "socks"}]);
    for body in [
        json!({"lines": socks, "order_type": 4, "reserve_delivery_count": 2}),
        json!({"lines": socks, "social_gift": true}),
        json!({"lines": socks, "postage_undetermined": true, "destinations": [{"lines": socks}]}),
        json!({"lines": socks, "caution_display_type": 1, "caution_display_detail_type": 101, "review_ng": true}),
    ] {
        assert_eq!(app.place_raw(body).await.0, 201);
    }
    let doc: Value = serde_json::from_str(&app.mock.export_state().await.unwrap()).unwrap();
    let orders = doc["shops"][0]["orders"].as_array().unwrap();
    assert!(orders[0]["number"].as_str().unwrap().len() == 6 + 1 + 8 + 1 + 8, "an 8-digit tail");
    assert!(orders[0].get("reservation").is_some() && orders[1]["packages"][0].get("social_gift").is_some());
    assert_eq!(problems(&doc), Vec::<String>::new());
    // The schema refuses what the fake never writes.
    let mut bad = doc.clone();
    bad["shops"][0]["orders"][0]["order_type"] = json!(1);
    bad["shops"][0]["orders"][1]["number"] = json!("123456-20261128-123456789");
    assert_eq!(problems(&bad).len(), 2, "{:?}", problems(&bad));
}
