//! Faults: RMS failing on purpose. Each kind's answer in each family, selection, firing by
//! count, window and seeded draw, the effect-then-fail cases, transport faults that must
//! never leave a client hanging, partial bulk writes, marks in the journal and the log, and
//! the control plane's checks of a spec.

use crate::helpers::*;
use rms_mock::{Api, FaultKind, FaultSpec};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a client waits at most in these tests: a transport fault must end the request
/// well before it.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

const ITEM: &str = "/es/2.0/items/manage-numbers/tshirt";
const STOCK: &str = "/es/2.0/inventories/manage-numbers/tshirt/variants/m-black";

async fn add(app: &TestApp, spec: FaultSpec) -> FaultSpec {
    app.shop().add_fault(&spec).await.unwrap()
}

async fn add_raw(app: &TestApp, body: Value) -> (u16, Value) {
    app.admin(reqwest::Method::POST, &app.shop_path("/faults"), Some(body)).await
}

/// getOrder of one number (the order API's request for these tests).
async fn get_order(app: &TestApp, number: &str) -> (u16, Value) {
    app.get_order(&[number], json!(9)).await
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(CLIENT_TIMEOUT).build().unwrap()
}

/// The last journal entry of the shop.
async fn last_entry(app: &TestApp) -> Value {
    let j = app.journal().await;
    j["entries"].as_array().unwrap().last().cloned().unwrap()
}

#[tokio::test]
async fn each_rms_error_kind_answers_in_the_envelope_of_its_family() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    // (kind, order API status and code suffix, item/inventory status and codes)
    let cases: [(FaultKind, u16, &str, u16, &[&str]); 5] = [
        (FaultKind::SystemError, 500, "ORDER_EXT_API_GET_ORDER_ERROR_500", 500, &["X0000"]),
        (FaultKind::ShopStatusError, 500, "ORDER_EXT_API_GET_ORDER_ERROR_500", 500, &["GE0019"]),
        (FaultKind::Overload, 503, "ORDER_EXT_API_GET_ORDER_ERROR_503", 503, &[]),
        (FaultKind::Maintenance, 503, "ORDER_EXT_API_GET_ORDER_ERROR_503", 503, &[]),
        (FaultKind::Throttle, 429, "ES04-02", 429, &["ES04-02"]),
    ];
    for (kind, order_status, order_code, rest_status, rest_codes) in cases {
        app.shop().clear_faults().await.unwrap();
        add(&app, FaultSpec::new(kind)).await;
        let (s, v) = get_order(&app, &n).await;
        assert_eq!((s, codes(&v)), (order_status, vec![order_code.to_string()]), "{kind}: {v}");
        if kind != FaultKind::Throttle {
            // The operation's envelope: its other keys are there, null.
            assert_eq!(v["OrderModelList"], Value::Null, "{kind}: {v}");
            assert!(v.as_object().unwrap().contains_key("OrderModelList"), "{kind}: {v}");
        }
        for path in [ITEM, STOCK] {
            let (s, v) = app.get(path).await;
            let codes: Vec<String> = rest_codes.iter().map(|c| c.to_string()).collect();
            assert_eq!((s, error_codes_or_gateway(&v)), (rest_status, codes), "{kind} {path}: {v}");
            if matches!(kind, FaultKind::Overload | FaultKind::Maintenance) {
                let message = v["errors"][0]["message"].as_str().unwrap();
                assert!(message.starts_with("Service Unavailable"), "{v}");
            }
        }
    }
    // No fault: the same requests answer as always.
    app.shop().clear_faults().await.unwrap();
    assert_eq!(get_order(&app, &n).await.0, 200);
    assert_eq!(app.get(ITEM).await.0, 200);
}

/// `errors[].code` of an item/inventory answer, or the gateway's `Results.errorCode`.
fn error_codes_or_gateway(v: &Value) -> Vec<String> {
    match v.pointer("/Results/errorCode").and_then(Value::as_str) {
        Some(code) => vec![code.to_string()],
        None => v["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str().map(String::from)).collect(),
    }
}

#[tokio::test]
async fn the_throttle_fault_answers_exactly_what_the_rate_limiter_answers() {
    // 0.001/s: one request, then no refill within the test.
    let limited = spawn(
        shop()
            .with_setting("rate_limit.enabled = true")
            .with_setting("rate_limit.per_second = { \"itemapi_2.0.items.get\" = 0.001 }"),
    )
    .await;
    let faulted = spawn(shop()).await;
    add(&faulted, FaultSpec::new(FaultKind::Throttle)).await;
    assert_eq!(limited.get(ITEM).await.0, 200);
    let (s, real) = limited.get(ITEM).await;
    assert_eq!(s, 429);
    assert_eq!(faulted.get(ITEM).await, (429, real));
}

#[tokio::test]
async fn a_fault_never_hides_a_wrong_key_or_a_disabled_function() {
    let app = spawn(shop().with_setting("disabled_functions = [\"itemapi_2.0.items.get\"]")).await;
    add(&app, FaultSpec::new(FaultKind::Maintenance)).await;
    let (s, v) = app.get(ITEM).await;
    assert_eq!((s, v["Results"]["errorCode"].as_str()), (400, Some("ES04-01")), "{v}");
    let wrong = rms_mock::esa_header(SECRET, "SL123456_wrong");
    let r = client().get(format!("{}{ITEM}", app.base)).header("Authorization", wrong).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // Neither counted as fired.
    assert_eq!(app.shop().faults().await.unwrap()[0].fired, 0);
    assert_eq!(app.get(STOCK).await.0, 503);
    assert_eq!(app.shop().faults().await.unwrap()[0].fired, 1);
}

#[tokio::test]
async fn fail_after_effect_confirms_the_order_answers_500_and_the_retry_meets_an_order_in_200() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    add(&app, FaultSpec::new(FaultKind::FailAfterEffect).functions(&["rpay.order.confirmOrder"]).times(1)).await;
    let (s, v) = app.confirm(&[&n]).await;
    assert_eq!((s, codes(&v)), (500, vec!["ORDER_EXT_API_CONFIRM_ORDER_ERROR_500".to_string()]), "{v}");
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 200, "the confirm took effect");
    let (s, v) = app.confirm(&[&n]).await;
    assert_eq!(s, 200);
    assert!(codes(&v)[0].starts_with("ORDER_EXT_API_CONFIRM_ORDER_ERROR_"), "already confirmed: {v}");
    let j = app.journal().await;
    let confirms: Vec<&Value> =
        j["entries"].as_array().unwrap().iter().filter(|e| e["function"] == "rpay.order.confirmOrder").collect();
    assert_eq!(
        (confirms[0]["status"].as_u64(), &confirms[0]["fault"]),
        (Some(500), &json!({"id": "f1", "kind": "fail_after_effect"}))
    );
    assert_eq!((confirms[1]["status"].as_u64(), confirms[1].get("fault")), (Some(200), None));
}

#[tokio::test]
async fn drop_after_effect_confirms_the_order_and_closes_the_connection_without_an_answer() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    add(&app, FaultSpec::new(FaultKind::DropAfterEffect).functions(&["rpay.order.confirmOrder"]).times(1)).await;
    let started = std::time::Instant::now();
    let sent = client()
        .post(format!("{}/es/2.0/order/confirmOrder/", app.base))
        .header("Authorization", &app.auth)
        .header("Content-Type", "application/json")
        .body(json!({"orderNumberList": [n]}).to_string())
        .send()
        .await;
    let err = sent.expect_err("no answer");
    assert!(!err.is_timeout() && started.elapsed() < CLIENT_TIMEOUT, "{err:?}");
    let entry = last_entry(&app).await;
    assert_eq!(entry["fault"], json!({"id": "f1", "kind": "drop_after_effect"}));
    assert_eq!(app.order_model(&n, 9).await["orderProgress"], 200, "the confirm took effect");
    // The journal keeps the answer that was lost.
    assert_eq!(entry["status"], 200);
    assert!(entry["codes"][0].as_str().unwrap().ends_with("INFO_101"), "{entry}");
    // On the wire: not one byte, a reset; the operation ran (a second order is confirmed).
    let second = app.place_one(1).await;
    add(&app, FaultSpec::new(FaultKind::DropAfterEffect).functions(&["rpay.order.confirmOrder"]).times(1)).await;
    let body = json!({"orderNumberList": [second]}).to_string();
    let request = format!(
        "POST /es/2.0/order/confirmOrder/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        app.auth,
        body.len()
    );
    let (got, reset) = raw_request(&app.base, &request).await;
    assert!(got.is_empty() && reset, "{}", String::from_utf8_lossy(&got));
    assert_eq!(app.order_model(&second, 9).await["orderProgress"], 200);
}

/// Sends one raw HTTP/1.1 request and reads until the server closes (or `CLIENT_TIMEOUT`):
/// the bytes received and whether the read ended in an error (a reset).
async fn raw_request(base: &str, request: &str) -> (Vec<u8>, bool) {
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(CLIENT_TIMEOUT, tcp.read_to_end(&mut got)).await;
    let read = read.expect("the server ends the connection well before the client's timeout");
    (got, read.is_err())
}

fn raw_get(app: &TestApp, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\r\n", app.auth)
}

#[tokio::test]
async fn reset_closes_the_connection_before_any_byte_and_the_server_keeps_serving() {
    let app = spawn(shop()).await;
    add(&app, FaultSpec::new(FaultKind::Reset).functions(&["itemapi_2.0.items.get"]).times(2)).await;
    let (got, reset) = raw_request(&app.base, &raw_get(&app, ITEM)).await;
    assert!(got.is_empty(), "not one byte: {}", String::from_utf8_lossy(&got));
    assert!(reset, "the connection is reset, not closed in order");
    let err = client().get(format!("{}{ITEM}", app.base)).header("Authorization", &app.auth).send().await;
    let err = err.expect_err("no answer");
    assert!(!err.is_timeout(), "{err:?}");
    // Other requests and connections are served as before; the fault is spent.
    assert_eq!(app.get(ITEM).await.0, 200);
    assert_eq!(app.get(STOCK).await.0, 200);
    let entry = last_entry(&app).await;
    assert!(entry.get("fault").is_none(), "{entry}");
    let j = app.journal().await;
    let faulted: Vec<&Value> = j["entries"].as_array().unwrap().iter().filter(|e| e.get("fault").is_some()).collect();
    assert_eq!(faulted.len(), 2);
    assert_eq!((faulted[0]["status"].as_u64(), faulted[0].get("response_body")), (Some(0), None), "no answer");
}

#[tokio::test]
async fn truncate_sends_the_real_answer_cut_short_then_closes() {
    let app = spawn(shop()).await;
    let (_, whole) = app.get(ITEM).await;
    let whole = whole.to_string();
    add(&app, FaultSpec::new(FaultKind::Truncate).functions(&["itemapi_2.0.items.get"]).truncate_bytes(40).times(1))
        .await;
    let (got, _) = raw_request(&app.base, &raw_get(&app, ITEM)).await;
    let text = String::from_utf8_lossy(&got).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("the header arrives whole");
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains(&format!("content-length: {}", whole.len())),
        "the full length is announced: {head}"
    );
    assert_eq!(body, &whole[..40], "the first 40 bytes, then the end");
    // By default half the body; a client sees an error reading it, promptly.
    add(&app, FaultSpec::new(FaultKind::Truncate).functions(&["itemapi_2.0.items.get"]).times(1)).await;
    let r = client().get(format!("{}{ITEM}", app.base)).header("Authorization", &app.auth).send().await.unwrap();
    let err = r.text().await.expect_err("the body ends early");
    assert!(!err.is_timeout(), "{err:?}");
    assert_eq!(app.get(ITEM).await, (200, serde_json::from_str(&whole).unwrap()), "served as before");
    let entry = &app.journal().await["entries"][1];
    assert_eq!(entry["fault"], json!({"id": "f1", "kind": "truncate"}));
}

#[tokio::test]
async fn latency_on_a_manual_clock_moves_the_shop_clock_and_fires_what_falls_due() {
    let app = spawn(shop().with_setting("auto_confirm = true").with_setting("auto_confirm_delay_minutes = 5")).await;
    let n = app.place_one(1).await;
    add(
        &app,
        FaultSpec::new(FaultKind::Latency).functions(&["rpay.order.getOrder"]).latency_ms(10 * 60 * 1000).times(1),
    )
    .await;
    let started = std::time::Instant::now();
    let (s, v) = get_order(&app, &n).await;
    assert!(started.elapsed() < Duration::from_secs(2), "no real delay on a manual clock");
    assert_eq!(s, 200);
    assert_eq!(v["OrderModelList"][0]["orderProgress"], 200, "auto-confirmed on the way: {v}");
    assert_eq!(app.shop().now().await.unwrap(), "2026-11-28T09:10:00+0900");
    let h = app.history(&n).await;
    assert_eq!(h["history"][1]["cause"], "auto_confirm");
    assert_eq!(last_entry(&app).await["fault"], json!({"id": "f1", "kind": "latency"}));
}

#[tokio::test]
async fn latency_on_a_wall_clock_delays_the_answer_for_real() {
    let app = spawn(shop().with_shop_line("clock = \"wall\"")).await;
    add(&app, FaultSpec::new(FaultKind::Latency).functions(&["itemapi_2.0.items.get"]).latency_ms(150).times(1)).await;
    let started = std::time::Instant::now();
    assert_eq!(app.get(ITEM).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
}

#[tokio::test]
async fn partial_batch_fails_the_chosen_rows_and_applies_the_others() {
    let app = spawn(shop()).await;
    add(
        &app,
        FaultSpec::new(FaultKind::PartialBatch)
            .functions(&["inventoryapi.inventories.bulk.upsert"])
            .rows(&[1, 7])
            .times(1),
    )
    .await;
    let row = |m: &str, v: &str, q: i64| json!({"manageNumber": m, "variantId": v, "mode": "ABSOLUTE", "quantity": q});
    let body =
        json!({"inventories": [row("tshirt", "m-black", 11), row("tshirt", "l-white", 22), row("socks", "socks", 33)]});
    let (s, v) = app.post("/es/2.0/inventories/bulk-upsert", body.clone()).await;
    assert_eq!(s, 500, "{v}");
    assert_eq!(
        v,
        json!({"errors": [{"code": "X0000", "message": "An unexpected error has occurred", "metadata": {"propertyPath": "inventories[1]"}}]})
    );
    assert_eq!(app.stock("tshirt", "m-black").await, 11);
    assert_eq!(app.stock("tshirt", "l-white").await, 3, "row 1 failed: unchanged");
    assert_eq!(app.stock("socks", "socks").await, 33);
    // Spent: the retry applies every row.
    assert_eq!(app.post("/es/2.0/inventories/bulk-upsert", body).await.0, 204);
    assert_eq!(app.stock("tshirt", "l-white").await, 22);
}

#[tokio::test]
async fn selection_by_api_and_function_leaves_other_requests_alone() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    add(&app, FaultSpec::new(FaultKind::Overload).api(Api::Inventory)).await;
    assert_eq!(app.get(STOCK).await.0, 503);
    assert_eq!(app.get(ITEM).await.0, 200);
    assert_eq!(get_order(&app, &n).await.0, 200);
    app.shop().clear_faults().await.unwrap();
    add(&app, FaultSpec::new(FaultKind::SystemError).functions(&["rpay.order.searchOrder"])).await;
    assert_eq!(get_order(&app, &n).await.0, 200);
    let (s, _) = app
        .search(json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"}))
        .await;
    assert_eq!(s, 500);
}

#[tokio::test]
async fn skip_lets_requests_through_first_and_times_spends_the_fault() {
    let app = spawn(shop()).await;
    add(&app, FaultSpec::new(FaultKind::SystemError).skip(2).times(2)).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.get(ITEM).await.0);
    }
    assert_eq!(statuses, [200, 200, 500, 500, 200, 200]);
    let listed = app.shop().faults().await.unwrap();
    assert_eq!((listed[0].fired, listed[0].spec.skip, listed[0].spec.times), (2, Some(2), Some(2)));
}

#[tokio::test]
async fn a_window_on_the_shop_clock_fires_inside_it_only() {
    let app = spawn(shop()).await;
    add(&app, FaultSpec::new(FaultKind::Maintenance).window("2026-11-28T10:00:00+0900", "2026-11-28T11:00:00+0900"))
        .await;
    assert_eq!(app.get(ITEM).await.0, 200, "before (09:00)");
    app.advance(60).await;
    assert_eq!(app.get(ITEM).await.0, 503, "at from (10:00)");
    app.advance(59).await;
    assert_eq!(app.get(ITEM).await.0, 503, "inside (10:59)");
    app.advance(1).await;
    assert_eq!(app.get(ITEM).await.0, 200, "at until (11:00), which is exclusive");
}

/// Which of `n` items.get requests a fault of `probability` fires on.
async fn pattern(app: &TestApp, n: usize) -> Vec<bool> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(app.get(ITEM).await.0 == 500);
    }
    out
}

#[tokio::test]
async fn a_seeded_probability_fires_on_the_same_requests_on_a_rerun_and_in_a_shop_of_the_same_seed() {
    let spec = FaultSpec::new(FaultKind::SystemError).id("flaky").probability(0.4);
    let app = spawn(shop().with_shop_line("seed = 42")).await;
    add(&app, spec.clone()).await;
    let first = pattern(&app, 40).await;
    let fired = first.iter().filter(|f| **f).count();
    assert!((5..=30).contains(&fired), "about 40 % of 40: {first:?}");
    // A rerun: the same fault added again draws the same.
    app.shop().clear_faults().await.unwrap();
    add(&app, spec.clone()).await;
    assert_eq!(pattern(&app, 40).await, first);
    // Another server, a shop with the same seed.
    let other = spawn(shop().id("654321").with_shop_line("seed = 42")).await;
    add(&other, spec.clone()).await;
    assert_eq!(pattern(&other, 40).await, first);
    // Another seed draws otherwise.
    let third = spawn(shop().with_shop_line("seed = 43")).await;
    add(&third, spec).await;
    assert_ne!(pattern(&third, 40).await, first);
}

#[tokio::test]
async fn the_journal_marks_faulted_requests_only() {
    let app = spawn(shop()).await;
    add(&app, FaultSpec::new(FaultKind::Maintenance).id("sunday").skip(1).times(1)).await;
    app.get(ITEM).await;
    app.get(ITEM).await;
    let j = app.journal().await;
    let entries = j["entries"].as_array().unwrap();
    assert!(entries[0].get("fault").is_none(), "{}", entries[0]);
    assert_eq!(entries[1]["fault"], json!({"id": "sunday", "kind": "maintenance"}));
    assert_eq!(entries[1]["status"], 503);
}

#[tokio::test]
async fn the_control_plane_lists_adds_and_removes_faults() {
    let app = spawn(shop()).await;
    let stored = add(&app, FaultSpec::new(FaultKind::Overload).functions(&["rpay.order.getOrder"])).await;
    assert_eq!(stored.id.as_deref(), Some("f1"));
    let (s, v) = add_raw(&app, json!({"kind": "throttle", "api": "item", "times": 3})).await;
    assert_eq!((s, &v), (201, &json!({"id": "f2", "api": "item", "kind": "throttle", "times": 3})));
    app.get(ITEM).await;
    let (s, v) = app.admin(reqwest::Method::GET, &app.shop_path("/faults"), None).await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({"faults": [
            {"id": "f1", "functions": ["rpay.order.getOrder"], "kind": "overload", "fired": 0},
            {"id": "f2", "api": "item", "kind": "throttle", "times": 3, "fired": 1},
        ]})
    );
    let (s, _) = app.admin(reqwest::Method::DELETE, &app.shop_path("/faults/f1"), None).await;
    assert_eq!(s, 204);
    let (s, v) = app.admin(reqwest::Method::DELETE, &app.shop_path("/faults/f1"), None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(app.shop().faults().await.unwrap().len(), 1);
    app.shop().remove_fault("f2").await.unwrap();
    assert_eq!(app.get(ITEM).await.0, 200);
    add(&app, FaultSpec::new(FaultKind::Overload)).await;
    app.shop().clear_faults().await.unwrap();
    assert!(app.shop().faults().await.unwrap().is_empty());
    assert_eq!(app.get(ITEM).await.0, 200);
}

#[tokio::test]
async fn a_bad_fault_spec_is_refused_naming_its_key() {
    let app = spawn(shop()).await;
    let cases = [
        (json!({"kind": "explode"}), "kind: unknown variant `explode`"),
        (json!({"kind": "overload", "probability": 1.5}), "probability: 1.5 is not between 0.0 and 1.0"),
        (json!({"kind": "overload", "functions": ["rpay.order.getOrdr"]}), "did you mean rpay.order.getOrder?"),
        (
            json!({"kind": "overload", "functions": ["rpay.order.getOrder"], "api": "order"}),
            "api: give functions or api, not both",
        ),
        (
            json!({"kind": "maintenance", "from": "2026-12-06T08:00:00+0900", "until": "2026-12-06T02:00:00+0900"}),
            "until: 2026-12-06T02:00:00+0900 is not after from",
        ),
        (json!({"kind": "maintenance", "from": "Sunday"}), "from: 'Sunday' is not a JST datetime"),
        (json!({"kind": "latency"}), "latency_ms: kind latency needs latency_ms"),
        (
            json!({"kind": "partial_batch", "rows": [0], "api": "inventory"}),
            "functions: kind partial_batch must select",
        ),
        (json!({"kind": "overload", "bogus": 1}), "unknown field `bogus`"),
        (json!({"kind": "overload", "times": 0}), "times: 0 would never fire"),
    ];
    for (body, expected) in cases {
        let (s, v) = add_raw(&app, body.clone()).await;
        assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_request")), "{body}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {message}");
    }
    add(&app, FaultSpec::new(FaultKind::Overload).id("x")).await;
    let (s, v) = add_raw(&app, json!({"kind": "overload", "id": "x"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
    assert_eq!(app.shop().faults().await.unwrap().len(), 1, "nothing else was added");
}

#[tokio::test]
async fn faults_in_a_shop_document_act_from_the_start() {
    let toml = shop()
        .with_toml(
            "[[faults]]\nid = \"maint\"\napi = \"item\"\nkind = \"maintenance\"\n\n\
             [[faults]]\nfunctions = [\"inventoryapi.inventories.variants.get\"]\nkind = \"system_error\"\ntimes = 1\n",
        )
        .toml();
    let app = spawn_empty().await;
    let created = app.mock.control().create_shop_toml(&toml).await.unwrap();
    let ids: Vec<Option<String>> = created.faults().await.unwrap().into_iter().map(|f| f.spec.id).collect();
    assert_eq!(ids, [Some("maint".to_string()), Some("f1".to_string())]);
    let get = |path: &'static str| {
        client().get(format!("{}{path}", app.base)).header("Authorization", created.authorization()).send()
    };
    assert_eq!(get(ITEM).await.unwrap().status(), 503);
    assert_eq!(get(STOCK).await.unwrap().status(), 500);
    assert_eq!(get(STOCK).await.unwrap().status(), 200);
    // A bad fault in a document names its place.
    let bad = shop().id("222222").with_toml("[[faults]]\nkind = \"overload\"\nprobability = -1\n").toml();
    let (s, v) = app.create_shop_toml(&bad).await;
    assert_eq!(s, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("faults[0].probability: -1 is not between"), "{v}");
}

#[tokio::test]
async fn a_faulted_request_is_marked_in_its_log_line() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let app = spawn(shop()).await;
    let selected = ["itemapi_2.0.items.get"];
    add(&app, FaultSpec::new(FaultKind::Maintenance).functions(&selected).times(1)).await;
    add(&app, FaultSpec::new(FaultKind::Reset).functions(&selected).times(1)).await;
    let logs = Captured::default();
    let writer = logs.clone();
    crate::helpers::keep_info_callsites_interesting();
    let _guard =
        tracing::subscriber::set_default(rms_mock::log_subscriber(rms_mock::LogFormat::Text, "info", move || {
            writer.clone()
        }));
    app.get(ITEM).await;
    let _ = client().get(format!("{}{ITEM}", app.base)).header("Authorization", &app.auth).send().await;
    app.get(ITEM).await;
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("rms_mock::request")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("status=503") && lines[0].ends_with("fault=f1:maintenance"), "{text}");
    assert!(lines[1].contains("status=0 ") && lines[1].ends_with("fault=f2:reset"), "{text}");
    assert!(lines[2].contains("status=200") && !lines[2].contains("fault="), "{text}");
}
