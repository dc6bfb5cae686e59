//! The logs a developer reads: one line per request (RMS and control plane) with shop,
//! function, status, codes and latency; the clock's transitions; no secret in any line.
//!
//! Each test installs the binary's subscriber ([`rms_mock::log_subscriber`]) for its own
//! thread only; `#[tokio::test]` runs the server's tasks on that thread, so the test reads
//! exactly the lines its own server wrote.

use crate::helpers::*;
use rms_mock::LogFormat;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Log output collected in memory.
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

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Every line, parsed as JSON (a line that is not JSON fails the test).
    fn json_lines(&self) -> Vec<Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
            .collect()
    }

    fn install(&self, format: LogFormat) -> tracing::subscriber::DefaultGuard {
        crate::helpers::keep_info_callsites_interesting();
        let writer = self.clone();
        tracing::subscriber::set_default(rms_mock::log_subscriber(format, "info", move || writer.clone()))
    }
}

fn search_body() -> Value {
    json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"})
}

#[tokio::test]
async fn every_request_writes_exactly_one_json_line_with_shop_function_status_codes_and_latency() {
    let app = spawn(shop()).await;
    let logs = Captured::default();
    let _guard = logs.install(LogFormat::Json);

    app.search(search_body()).await; // 200
    app.search(json!({})).await; // 400, three codes
    let r = app.client.post(format!("{}/es/2.0/order/getOrder/", app.base)).header("Authorization", &app.auth);
    let r = r.header("Content-Type", "text/plain").body("{}").send().await.unwrap(); // 415
    assert_eq!(r.status(), 415);
    app.get("/es/2.0/items/manage-numbers/tshirt").await; // item API
    app.admin(reqwest::Method::GET, &app.shop_path("/journal"), None).await; // control plane
    app.admin(reqwest::Method::GET, "/__admin/nope", None).await; // control-plane 404
    let requests = 6;

    let lines = logs.json_lines();
    let request_lines: Vec<&Value> = lines.iter().filter(|l| l["target"] == "rms_mock::request").collect();
    assert_eq!(request_lines.len(), requests, "one line per request:\n{}", logs.text());
    assert_eq!(lines.len(), requests, "and no other line:\n{}", logs.text());
    let first = request_lines[0];
    assert_eq!(first["level"], "INFO");
    assert_eq!(first["message"], "POST /es/2.0/order/searchOrder/");
    assert_eq!(first["shop"], SHOP_ID);
    assert_eq!(first["function"], "rpay.order.searchOrder");
    assert_eq!(first["status"], 200);
    assert_eq!(first["codes"], "ORDER_EXT_API_SEARCH_ORDER_INFO_102");
    assert!(first["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{first}");
    let summary: Vec<(Value, Value, String)> = request_lines
        .iter()
        .map(|l| (l["function"].clone(), l["status"].clone(), l["codes"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(summary[1].1, 400);
    assert_eq!(summary[1].2.split(',').count(), 3, "{summary:?}");
    assert_eq!((&summary[2].0, &summary[2].1), (&json!("rpay.order.getOrder"), &json!(415)));
    assert_eq!((&summary[3].0, &summary[3].1), (&json!("itemapi_2.0.items.get"), &json!(200)));
    assert_eq!((&summary[4].0, &summary[4].1), (&json!("admin"), &json!(200)));
    assert_eq!(request_lines[4]["shop"], SHOP_ID, "the control plane's shop comes from the path");
    assert_eq!((&summary[5].0, &summary[5].1, summary[5].2.as_str()), (&json!("admin"), &json!(404), "not_found"));
}

#[tokio::test]
async fn a_misspelt_secret_is_logged_as_a_warning_that_never_shows_the_secret() {
    let app = spawn(shop()).await;
    let logs = Captured::default();
    let _guard = logs.install(LogFormat::Text);
    let secret = "SP123465_TestSecret000001"; // two digits swapped
    let (status, _) = app.order_as(&rms_mock::esa_header(secret, LICENSE), "searchOrder", search_body()).await;
    assert_eq!(status, 401);

    let text = logs.text();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(" WARN rms_mock::request: POST /es/2.0/order/searchOrder/"), "{text}");
    assert!(text.contains("function=rpay.order.searchOrder status=401 codes=ES01-01"), "{text}");
    assert!(text.contains("no shop has the service secret SP12…"), "{text}");
    assert!(!text.contains("shop="), "no shop was reached: {text}");
    for leaked in [secret, "TestSecret", LICENSE, "TestLicense", &rms_mock::esa_header(secret, LICENSE)[4..]] {
        assert!(!text.contains(leaked), "{leaked} in {text}");
    }
}

#[tokio::test]
async fn the_clocks_fired_transitions_are_logged_at_info_with_shop_order_and_virtual_time() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    let logs = Captured::default();
    let _guard = logs.install(LogFormat::Json);
    app.advance(30).await;

    let lines = logs.json_lines();
    let fired: Vec<&Value> = lines.iter().filter(|l| l["target"] == "rms_mock::clock").collect();
    assert_eq!(fired.len(), 1, "{}", logs.text());
    let t = fired[0];
    assert_eq!(t["level"], "INFO");
    assert_eq!(t["message"], "processing");
    assert_eq!((&t["shop"], &t["order"]), (&json!(SHOP_ID), &json!(n)));
    assert_eq!((&t["from"], &t["to"]), (&json!(200), &json!(300)));
    assert_eq!(t["at"], "2026-11-28T09:30:00+0900");
    assert_eq!(lines.iter().filter(|l| l["target"] == "rms_mock::request").count(), 1, "the advance's own line");
}

#[tokio::test]
async fn the_text_format_writes_one_readable_line_per_request() {
    let app = spawn(shop()).await;
    let logs = Captured::default();
    let _guard = logs.install(LogFormat::Text);
    app.search(search_body()).await;
    app.confirm(&["123456-20261128-0000000001"]).await;
    let text = logs.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains(
            " INFO rms_mock::request: POST /es/2.0/order/searchOrder/ shop=123456 function=rpay.order.searchOrder status=200 codes=ORDER_EXT_API_SEARCH_ORDER_INFO_102 latency_ms="
        ),
        "{text}"
    );
    assert!(
        lines[1].contains("function=rpay.order.confirmOrder status=200 codes=ORDER_EXT_API_CONFIRM_ORDER_ERROR_"),
        "{text}"
    );
}

#[tokio::test]
async fn transitions_the_wall_clock_fires_by_itself_are_logged_too() {
    let wall = rms_mock::WallClock::manual();
    let spec = shop().with_shop_line("clock = \"wall\"").with_shop_line("clock_speed = 600.0");
    let app = spawn_on(wall.clone(), spec).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    let logs = Captured::default();
    let _guard = logs.install(LogFormat::Json);
    wall.advance(std::time::Duration::from_secs(3)); // 30 virtual minutes at 600×
    assert_eq!(app.search_numbers(&[300]).await, vec![n.clone()]);

    let lines = logs.json_lines();
    let fired: Vec<&Value> = lines.iter().filter(|l| l["target"] == "rms_mock::clock").collect();
    assert_eq!(fired.len(), 1, "{}", logs.text());
    assert_eq!((&fired[0]["message"], &fired[0]["order"]), (&json!("processing"), &json!(n)));
    assert_eq!(fired[0]["at"], "2026-11-28T09:30:00+0900");
}
