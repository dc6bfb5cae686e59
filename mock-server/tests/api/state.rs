//! The state document (`GET/PUT /__admin/state`, `serve --state FILE`, `RmsMock::export_state`):
//! export → import → export is the same bytes; an imported shop behaves exactly as the
//! original from then on; one shop can be replaced while another keeps its data; a newer,
//! foreign or corrupt document is refused with a clear error and changes nothing.

use crate::helpers::*;
use reqwest::Method;
use rms_mock::{AppState, RmsMock};
use serde_json::{json, Value};

fn busy_shop() -> ShopSpec {
    shop()
        .with_setting("item_get_lag_seconds = 5")
        .with_setting("async_shipping_delay_minutes = 60")
        .with_toml("[[sub_statuses]]\nid = 1101\nname = \"在庫確認中\"\norder_progress = 100\n")
}

/// A shop after a busy run: orders in 100, 200 (prepaid, waiting for payment), 300, 500,
/// 800 and 900, a sub-status, a pending async shipping request, an item upserted (with a
/// lagging read's copy kept), stock written, a restock that met the cap, the clock moved, a
/// journal of RMS requests.
async fn busy(app: &TestApp) -> Vec<String> {
    let waiting = app.place_one(1).await;
    let prepaid = app.place_one(9).await;
    let shipped = app.place_one(1).await;
    let processing = app.place(&[("socks", "socks", 2)], 2).await;
    let cancelling = app.place(&[("tshirt", "m-black", 2), ("socks", "socks", 1)], 1).await;
    app.confirm(&[&prepaid, &shipped, &processing]).await;
    app.advance(30).await;
    let basket = app.order_model(&shipped, 9).await["PackageModelList"][0]["basketId"].clone();
    let (status, v) = app
        .order(
            "updateOrderShipping",
            json!({"orderNumber": shipped, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "123", "shippingDate": "2026-11-28"}]}]}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = app
        .order(
            "cancelOrder",
            json!({"orderNumber": cancelling, "inventoryRestoreType": 1, "changeReasonDetailApply": 8}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) =
        app.order("updateOrderSubStatus", json!({"subStatusId": 1101, "orderNumberList": [waiting]})).await;
    assert_eq!(status, 200, "{v}");
    let basket = app.order_model(&processing, 9).await["PackageModelList"][0]["basketId"].clone();
    let (status, v) = app
        .order(
            "updateOrderShippingAsync",
            json!({"OrderShippingModelList": [{"orderNumber": processing, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [{"deliveryCompany": "1002"}]}]}]}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = app.put("/es/2.0/items/manage-numbers/hoodie", item_body("パーカー", &[("s", "S", 4980)])).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = app
        .post(
            "/es/2.0/inventories/bulk-upsert",
            json!({"inventories": [{"manageNumber": "hoodie", "variantId": "s", "mode": "ABSOLUTE", "quantity": 12}]}),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    // A buyer's cancel whose restock meets the cap (99,999).
    let capped = app.place(&[("socks", "socks", 3)], 1).await;
    app.set_stock("socks", "socks", 99_999).await;
    let (status, v) = app.admin(Method::POST, &app.shop_path(&format!("/orders/{capped}/cancel")), None).await;
    assert_eq!(status, 200, "{v}");
    app.advance(2).await;
    // A staff action: the journal keeps it as the staff's (`actor`, `staff`, no function).
    app.shop().staff_sub_status(&waiting, Some(1101)).await.unwrap();
    // A fault that goes on drawing: an import must carry on its draws where they were.
    let fault = json!({"id": "slow", "functions": ["rpay.order.searchOrder"], "kind": "latency", "latency_ms": 60_000, "probability": 0.5});
    let (status, v) = app.admin(Method::POST, &app.shop_path("/faults"), Some(fault)).await;
    assert_eq!(status, 201, "{v}");
    for _ in 0..5 {
        app.search_numbers(&[100]).await;
    }
    vec![waiting, prepaid, shipped, processing, cancelling, capped]
}

async fn export(mock: &RmsMock, shop: Option<&str>) -> String {
    mock.control().export_state(shop).await.unwrap()
}

/// The document without what differs between two servers running the same actions: the
/// host's time of the journal's entries.
fn without_wall_times(doc: &str) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("wall_time");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(doc).unwrap();
    strip(&mut v);
    v
}

#[tokio::test]
async fn a_busy_shop_exports_imports_and_exports_the_same_bytes() {
    let app = spawn(busy_shop()).await;
    let numbers = busy(&app).await;
    let first = export(&app.mock, None).await;
    let doc: Value = serde_json::from_str(&first).unwrap();
    let shop = &doc["shops"][0];
    let progress: Vec<u64> =
        shop["orders"].as_array().unwrap().iter().map(|o| o["progress"].as_u64().unwrap()).collect();
    assert_eq!(progress, [100, 200, 500, 300, 800, 900], "{numbers:?}");
    assert_eq!(shop["orders"][0]["sub_status"], json!([1101, "在庫確認中"]));
    assert_eq!(shop["async_requests"].as_array().unwrap().len(), 1);
    assert_eq!(shop["shop"]["stock_capped"][0]["lost"], 3);
    assert_eq!(shop["shop"]["catalog"]["lagging_writes"].as_array().unwrap().len(), 1);
    assert!(shop["journal"].as_array().unwrap().len() >= 8);
    let staff: Vec<&Value> = shop["journal"].as_array().unwrap().iter().filter(|e| !e["staff"].is_null()).collect();
    assert_eq!(staff.len(), 1);
    assert_eq!((&staff[0]["function"], &staff[0]["staff"]["action"]), (&Value::Null, &json!("sub-status")));
    let fired = shop["shop"]["faults"]["faults"][0]["fired"].as_i64().unwrap();
    assert!((1..5).contains(&fired), "the seeded draws of 5 searches fire some: {fired}");
    assert_eq!(shop["shop"]["clock"]["now"], format!("2026-11-28T09:{:02}:00+0900", 32 + fired), "a minute each");
    assert!(shop["schedule"].as_array().unwrap().iter().any(|e| e["event"]["kind"] == "async_shipping"));
    assert_eq!(shop["shop"]["faults"]["faults"][0]["id"], "slow");

    let copy = RmsMock::start().await;
    let imported = copy.import_state(&first).await.unwrap();
    assert_eq!(json_of(&imported)["imported"][0]["shop_id"], SHOP_ID);
    assert_eq!(json_of(&imported)["imported"][0]["replaced"], false);
    assert_eq!(export(&copy, None).await, first, "export → import → export is byte-for-byte the same");
}

/// A journal holds more than its limit after the limit is lowered (until its next entry);
/// its state keeps them all.
#[tokio::test]
async fn a_journal_over_its_lowered_limit_survives_the_round_trip() {
    let app = spawn(shop()).await;
    for _ in 0..3 {
        app.search_numbers(&[100]).await;
    }
    assert_eq!(app.patch_settings(json!({"journal_limit": 1})).await.0, 200);
    let first = export(&app.mock, None).await;
    let doc: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["shops"][0]["journal"].as_array().unwrap().len(), 3);
    app.mock.import_state(&first).await.unwrap();
    assert_eq!(export(&app.mock, None).await, first);
}

#[tokio::test]
async fn an_imported_shop_goes_on_exactly_as_the_original() {
    let original = spawn(busy_shop()).await;
    busy(&original).await;
    let state = export(&original.mock, None).await;
    let copy_mock = RmsMock::start().await;
    copy_mock.import_state(&state).await.unwrap();
    let copy = attach(copy_mock, &original.shop_id).await;

    for app in [&original, &copy] {
        assert_eq!(app.journal().await["recorded"], original.journal().await["recorded"]);
    }
    let mut seen = Vec::new();
    for app in [&original, &copy] {
        let mut answers = Vec::new();
        let n = app.place_one(1).await;
        answers.push(json!(n));
        answers.push(app.confirm(&[&n]).await.1);
        answers.push(app.advance(3 * 24 * 60).await);
        for _ in 0..6 {
            app.search_numbers(&[300]).await;
        }
        answers.push(json!(app.shop().now().await.unwrap()));
        let (_, search) = app
            .search(json!({"dateType": 1, "startDatetime": "2026-11-28T00:00:00+0900", "endDatetime": "2026-12-01T23:59:59+0900"}))
            .await;
        let all: Vec<String> =
            search["orderNumberList"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect();
        answers.push(search);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        answers.push(app.get_order(&refs, json!(9)).await.1);
        let (_, _, result) = app.rms(Method::GET, "/es/2.0/items/manage-numbers/hoodie", None).await;
        answers.push(result);
        let journal = app.journal().await;
        answers
            .push(json!([journal["recorded"], journal["entries"].as_array().unwrap().last().unwrap()["request_id"]]));
        seen.push((answers, without_wall_times(&export(&app.mock, None).await)));
    }
    assert_eq!(seen[0].0, seen[1].0, "the same answers, order numbers and request ids");
    assert_eq!(seen[0].1, seen[1].1, "the same state afterwards");
}

#[tokio::test]
async fn one_shop_is_replaced_while_another_keeps_its_data() {
    let app = spawn(shop()).await;
    let (status, other) = app.create_shop_toml(&shop().id("654321").toml()).await;
    assert_eq!(status, 201, "{other}");
    let other = app.mock.control().existing_shop("654321").await.unwrap();
    let kept = other.place_order(&rms_mock::OrderDoc::new().line("socks", "socks", 1)).await.unwrap().order_number;

    let before = export(&app.mock, Some(SHOP_ID)).await;
    let doc: Value = serde_json::from_str(&before).unwrap();
    assert_eq!(doc["shops"].as_array().unwrap().len(), 1, "one shop asked, one shop given");
    app.place_one(1).await;
    app.advance(10).await;
    assert_eq!(app.shop().orders().await.unwrap().len(), 1);

    let imported = app.mock.import_state(&before).await.unwrap();
    assert_eq!(
        json_of(&imported),
        json!({"imported": [{"shop_id": SHOP_ID, "replaced": true, "orders": 0, "items": 2, "now": START}]})
    );
    assert_eq!(app.shop().orders().await.unwrap().len(), 0, "the shop is back where it was exported");
    assert_eq!(export(&app.mock, Some(SHOP_ID)).await, before);
    let others = other.orders().await.unwrap();
    assert_eq!((others.len(), others[0].order_number.as_str()), (1, kept.as_str()), "the other shop kept its data");
    // The replaced shop still answers RMS requests with its credentials.
    assert_eq!(app.search_numbers(&[100]).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_newer_foreign_or_corrupt_document_is_refused_and_changes_nothing() {
    let app = spawn(shop()).await;
    app.place_one(1).await;
    let good = export(&app.mock, None).await;
    let doc: Value = serde_json::from_str(&good).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        d.to_string()
    };
    let cases = [
        (with(&|d| d["version"] = json!(2)), "version 2 is newer than this rms-mock reads (up to 1)"),
        (with(&|d| d["version"] = json!("1")), "version is \"1\", not a version number"),
        (with(&|d| d["format"] = json!("wiremock")), "format is \"wiremock\", not \"rms-mock-state\""),
        (with(&|d| d.as_object_mut().unwrap().remove("shops").map(drop).unwrap()), "missing field `shops`"),
        (
            with(&|d| d["shops"][0]["orders"][0].as_object_mut().unwrap().remove("progress").map(drop).unwrap()),
            "at shops[0].orders[0]: missing field `progress`",
        ),
        (
            with(&|d| d["shops"][0]["orders"][0]["progress"] = json!(150)),
            "at shops[0].orders[0].progress: 150 is not an orderProgress",
        ),
        (
            with(&|d| d["shops"][0]["shop"]["clock"]["now"] = json!("2026-11-28T09:00:00+09:00")),
            "at shops[0].shop.clock.now: \"2026-11-28T09:00:00+09:00\" is not a datetime like 2026-11-28T09:00:00+0900",
        ),
        (with(&|d| d["shops"][0]["shop"]["surprise"] = json!(1)), "unknown field `surprise`"),
        (
            with(&|d| d["shops"][0]["shop"]["settings"]["journal_limit"] = json!(0)),
            "123456: shop.settings.journal_limit:",
        ),
        (
            with(&|d| {
                let fault = json!({"id": "f1", "functions": null, "api": null, "kind": "maintenance", "latency_ms": null, "truncate_bytes": null, "rows": [], "times": null, "skip": 0, "probability": 2.0, "from": null, "until": null, "matched": 0, "fired": 0, "rng": 1});
                d["shops"][0]["shop"]["faults"]["faults"] = json!([fault]);
            }),
            "123456: shop.faults.faults[0].probability: 2 is not between 0.0 and 1.0",
        ),
        (
            with(&|d| {
                let entry = json!({"at": "2026-11-29T09:00:00+0900", "seq": 1, "event": {"kind": "processing", "order": "123456-20261128-0000000001"}});
                d["shops"][0]["schedule"].as_array_mut().unwrap().push(entry);
            }),
            ".event.order: names order \"123456-20261128-0000000001\", which the shop does not have",
        ),
        (
            with(&|d| {
                let shop = d["shops"][0].clone();
                d["shops"].as_array_mut().unwrap().push(shop);
            }),
            "holds shop 123456 twice",
        ),
        ("{\"format\": \"rms-mock-state\", \"version\": 1, \"shops\": [".to_string(), "is not JSON: EOF while parsing"),
        ("[1, 2]".to_string(), "is not JSON: the document is not a JSON object"),
    ];
    for (body, expected) in cases {
        let r = app.client.put(format!("{}/__admin/state", app.base)).body(body).send().await.unwrap();
        let (status, v) = (r.status().as_u16(), r.json::<Value>().await.unwrap());
        let message = v["error"]["message"].as_str().unwrap_or_default().to_string();
        assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_request")), "{expected}: {v}");
        assert!(message.contains(expected), "{expected:?} not in {message:?}");
    }
    assert_eq!(export(&app.mock, None).await, good, "no refused document changed anything");
}

#[tokio::test]
async fn a_document_whose_secret_another_shop_keeps_is_a_conflict() {
    let app = spawn(shop()).await;
    let mut doc: Value = serde_json::from_str(&export(&app.mock, None).await).unwrap();
    doc["shops"][0]["shop"]["profile"]["shop_id"] = json!("999999");
    let (status, v) = app.admin(Method::PUT, "/__admin/state", Some(doc)).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("shop 123456 already uses its service_secret"), "{v}");
    assert_eq!(app.mock.control().shops().await.unwrap().shops.len(), 1);
}

#[tokio::test]
async fn the_state_endpoints_answer_only_the_control_planes_owner() {
    let mock = RmsMock::start_with(AppState::demo().with_admin_token("s3cret-t0ken")).await.unwrap();
    let url = format!("{}/__admin/state", mock.uri());
    let r = reqwest::Client::new().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = reqwest::Client::new().put(&url).body("{}").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let doc = mock.export_state().await.unwrap();
    assert!(doc.contains("\"shop_id\": \"123456\""));
    let (status, v) = {
        let r =
            reqwest::Client::new().get(format!("{url}?shop=000000")).bearer_auth("s3cret-t0ken").send().await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")), "{v}");
}

#[tokio::test]
async fn a_server_starts_from_a_state_document_and_reset_goes_back_to_it() {
    let app = spawn(busy_shop()).await;
    busy(&app).await;
    let state = export(&app.mock, None).await;
    let mock =
        RmsMock::start_with(AppState::default().with_state("state.json", state.as_bytes()).unwrap()).await.unwrap();
    assert_eq!(export(&mock, None).await, state);
    let shop = mock.control().existing_shop(SHOP_ID).await.unwrap();
    shop.advance_minutes(60).await.unwrap();
    assert_ne!(export(&mock, None).await, state);
    mock.control().reset().await.unwrap();
    assert_eq!(export(&mock, None).await, state, "reset re-creates the shops of the document");

    let both = AppState::with_shops(vec![("a.toml".into(), rms_mock::parse_toml(&shop_file(), "a.toml").unwrap())])
        .unwrap()
        .with_state("state.json", state.as_bytes());
    let Err(e) = both else { panic!("a shop in both a shop file and the state document is an error") };
    assert_eq!(e, "state.json: shop 123456 is served already (by a shop file or another state document)");
}

fn shop_file() -> String {
    shop().toml()
}

#[test]
fn serve_state_file_resumes_the_exported_shops() {
    use std::io::{BufRead, BufReader};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let state = runtime.block_on(async {
        let app = spawn(busy_shop()).await;
        busy(&app).await;
        export(&app.mock, None).await
    });
    let dir = std::env::temp_dir().join(format!("rms-mock-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    std::fs::write(&file, &state).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rms-mock"))
        .args(["serve", "--port", "0", "--state"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on ").unwrap().to_string();
    let served = runtime.block_on(async {
        reqwest::Client::new().get(format!("{url}/__admin/state")).send().await.unwrap().text().await.unwrap()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(served, state, "the binary serves the exported state as it was");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rms-mock"))
        .args(["serve", "--port", "0", "--clock", "manual", "--state"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("apply to shop files (--shop)"));
    std::fs::write(&file, state.replace("\"version\": 1", "\"version\": 7")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rms-mock"))
        .args(["serve", "--port", "0", "--state"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("state.json: the state document's version 7 is newer than this rms-mock reads"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The state endpoint takes documents far beyond the control plane's usual 2 MiB (its limit
/// is 256 MiB; the 413 beyond it is the shared one of `bounds.rs`, not sent here: a test
/// would move a quarter of a gigabyte).
#[tokio::test]
async fn a_state_document_of_several_mib_is_taken() {
    let app = spawn(shop()).await;
    let padded = format!("{}{}", export(&app.mock, None).await, " ".repeat(3 << 20));
    let r = app.client.put(format!("{}/__admin/state", app.base)).body(padded).send().await.unwrap();
    assert_eq!(r.status(), 200, "a 3 MiB document is read");
    let r = app
        .client
        .patch(format!("{}/__admin/shops/{SHOP_ID}/settings", app.base))
        .body(" ".repeat(3 << 20))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413, "other endpoints keep their 2 MiB");
}
