//! What the tests share: the test shop (a shop file with two items, settings as builder
//! steps) and a thin layer over [`RmsMock`] and [`MockShop`] with one method per RMS call the
//! tests make, so tests read like scripts.

#![allow(dead_code)]

use rms_mock::{MockShop, OrderDoc, RmsMock};
use serde_json::{json, Value};

pub const SHOP_ID: &str = "123456";
pub const SECRET: &str = "SP123456_TestSecret000001";
pub const LICENSE: &str = "SL123456_TestLicense00001";
/// The shop's clock at creation.
pub const START: &str = "2026-11-28T09:00:00+0900";

/// A shop document, with extra `[settings]` lines and extra tables as builder steps.
pub struct ShopSpec {
    pub shop_id: String,
    pub secret: String,
    pub license: String,
    settings: Vec<String>,
    extra: Vec<String>,
    issued: String,
    start: String,
    shop_lines: Vec<String>,
}

pub fn shop() -> ShopSpec {
    ShopSpec {
        shop_id: SHOP_ID.into(),
        secret: SECRET.into(),
        license: LICENSE.into(),
        settings: vec![],
        extra: vec![],
        issued: START.into(),
        start: START.into(),
        shop_lines: vec![],
    }
}

impl ShopSpec {
    pub fn id(mut self, shop_id: &str) -> Self {
        self.shop_id = shop_id.into();
        self.secret = format!("SP{shop_id}_TestSecret000001");
        self.license = format!("SL{shop_id}_TestLicense00001");
        self
    }

    /// One `key = value` line of `[settings]`.
    pub fn with_setting(mut self, line: &str) -> Self {
        self.settings.push(line.into());
        self
    }

    pub fn with_toml(mut self, text: &str) -> Self {
        self.extra.push(text.into());
        self
    }

    /// One `key = value` line of `[shop]` (e.g. `clock = "wall"`).
    pub fn with_shop_line(mut self, line: &str) -> Self {
        self.shop_lines.push(line.into());
        self
    }

    /// The shop's clock at creation (and its licence's issue).
    pub fn clock_start(mut self, at: &str) -> Self {
        self.start = at.into();
        self.issued = at.into();
        self
    }

    pub fn license_issued(mut self, at: &str) -> Self {
        self.issued = at.into();
        self
    }

    /// The shop file.
    pub fn toml(&self) -> String {
        format!(
            r#"
[shop]
shop_id = "{id}"
name = "test-shop-{id}"
service_secret = "{secret}"
license_key = "{license}"
license_issued_at = "{issued}"
clock_start = "{start}"
{shop_lines}

[settings]
{settings}

[[items]]
manage_number = "tshirt"
title = "ベーシックTシャツ"
  [[items.variants]]
  variant_id = "m-black"
  merchant_defined_sku_id = "TS-M-BK"
  price = 1980
  quantity = 5000
  selector_values = {{ "サイズ" = "M", "カラー" = "ブラック" }}
  [[items.variants]]
  variant_id = "l-white"
  price = 2200
  quantity = 3
  selector_values = {{ "サイズ" = "L", "カラー" = "ホワイト" }}

[[items]]
manage_number = "socks"
title = "ソックス"
  [[items.variants]]
  variant_id = "socks"
  price = 500
  quantity = 5000

{extra}
"#,
            id = self.shop_id,
            secret = self.secret,
            license = self.license,
            issued = self.issued,
            start = self.start,
            shop_lines = self.shop_lines.join("\n"),
            settings = self.settings.join("\n"),
            extra = self.extra.join("\n"),
        )
    }
}

/// One fake and, once created, its test shop.
pub struct TestApp {
    pub mock: RmsMock,
    /// `mock.uri()`.
    pub base: String,
    pub client: reqwest::Client,
    pub shop_id: String,
    /// The shop's `Authorization` header value.
    pub auth: String,
    shop: Option<MockShop>,
}

/// Starts an empty fake and creates the shop through the control plane.
pub async fn spawn(spec: ShopSpec) -> TestApp {
    let app = spawn_empty().await;
    let shop = app.mock.control().create_shop_toml(&spec.toml()).await.expect("the test shop is created");
    TestApp { shop_id: shop.shop_id().into(), auth: shop.authorization().into(), shop: Some(shop), ..app }
}

/// Like [`spawn`], with shops in wall mode following `wall` (a test moves it, no sleeps).
pub async fn spawn_on(wall: rms_mock::WallClock, spec: ShopSpec) -> TestApp {
    let mock = RmsMock::start_with(rms_mock::AppState::default().with_wall_clock(wall)).await.unwrap();
    let app = with_mock(mock);
    let shop = app.mock.control().create_shop_toml(&spec.toml()).await.expect("the test shop is created");
    TestApp { shop_id: shop.shop_id().into(), auth: shop.authorization().into(), shop: Some(shop), ..app }
}

/// A [`TestApp`] on `mock` for its existing shop `shop_id` (e.g. one imported from a state
/// document).
pub async fn attach(mock: RmsMock, shop_id: &str) -> TestApp {
    let app = with_mock(mock);
    let shop = app.mock.control().existing_shop(shop_id).await.expect("the shop exists");
    TestApp { shop_id: shop.shop_id().into(), auth: shop.authorization().into(), shop: Some(shop), ..app }
}

/// A fake with no shops.
pub async fn spawn_empty() -> TestApp {
    with_mock(RmsMock::start().await)
}

fn with_mock(mock: RmsMock) -> TestApp {
    TestApp {
        base: mock.uri(),
        mock,
        client: reqwest::Client::new(),
        shop_id: String::new(),
        auth: String::new(),
        shop: None,
    }
}

impl TestApp {
    /// The test shop's handle.
    pub fn shop(&self) -> &MockShop {
        self.shop.as_ref().expect("spawn(shop()) creates the test shop")
    }

    /// POST /es/2.0/order/<op>/ with the shop's credentials.
    pub async fn order(&self, op: &str, body: Value) -> (u16, Value) {
        self.order_as(&self.auth, op, body).await
    }

    pub async fn order_as(&self, auth: &str, op: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}/es/2.0/order/{op}/", self.base))
            .header("Authorization", auth)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert_eq!(r.headers()["content-type"], "application/json;charset=UTF-8", "every order answer is JSON");
        (status, r.json().await.unwrap())
    }

    pub async fn search(&self, body: Value) -> (u16, Value) {
        self.order("searchOrder", body).await
    }

    /// searchOrder on the order date over the whole test period, returning the numbers.
    pub async fn search_numbers(&self, progress: &[u16]) -> Vec<String> {
        let mut body = json!({
            "dateType": 1,
            "startDatetime": "2026-11-01T00:00:00+0900",
            "endDatetime": "2026-12-31T23:59:59+0900",
            "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1},
        });
        if !progress.is_empty() {
            body["orderProgressList"] = json!(progress);
        }
        let (status, v) = self.search(body).await;
        assert_eq!(status, 200, "{v}");
        v["orderNumberList"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect()
    }

    pub async fn get_order(&self, numbers: &[&str], version: Value) -> (u16, Value) {
        self.order("getOrder", json!({"orderNumberList": numbers, "version": version})).await
    }

    /// The single OrderModel of one order.
    pub async fn order_model(&self, number: &str, version: u8) -> Value {
        let (status, v) = self.get_order(&[number], json!(version)).await;
        assert_eq!(status, 200, "{v}");
        v["OrderModelList"][0].clone()
    }

    pub async fn confirm(&self, numbers: &[&str]) -> (u16, Value) {
        self.order("confirmOrder", json!({"orderNumberList": numbers})).await
    }

    /// Any request with the shop's credentials; `(status, content-type, JSON or Null)`.
    pub async fn rms(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, String, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).header("Authorization", &self.auth);
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b.to_string());
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let text = r.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({ct}): {text}"))
        };
        (status, ct, v)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let (s, _, v) = self.rms(reqwest::Method::GET, path, None).await;
        (s, v)
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        let (s, _, v) = self.rms(reqwest::Method::PUT, path, Some(body)).await;
        (s, v)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (s, _, v) = self.rms(reqwest::Method::POST, path, Some(body)).await;
        (s, v)
    }

    /// Sets absolute stock through Inventory API 2.0.
    pub async fn set_stock(&self, manage_number: &str, variant_id: &str, quantity: i64) {
        let (s, v) = self
            .put(
                &format!("/es/2.0/inventories/manage-numbers/{manage_number}/variants/{variant_id}"),
                json!({"mode": "ABSOLUTE", "quantity": quantity}),
            )
            .await;
        assert_eq!(s, 204, "{v}");
    }

    pub async fn stock(&self, manage_number: &str, variant_id: &str) -> i64 {
        let (s, v) =
            self.get(&format!("/es/2.0/inventories/manage-numbers/{manage_number}/variants/{variant_id}")).await;
        assert_eq!(s, 200, "{v}");
        v["quantity"].as_i64().unwrap()
    }

    // ----- control plane -----

    /// A raw control-plane request, for tests of its error answers (the same request the
    /// typed [`MockShop`] sends, without the parsing).
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let (status, _, v) = self.rms(method, path, body).await;
        (status, v)
    }

    pub fn shop_path(&self, rest: &str) -> String {
        format!("/__admin/shops/{}{rest}", self.shop_id)
    }

    /// A buyer orders `lines` (`[(manage_number, variant_id, units)]`); returns the order number.
    pub async fn place(&self, lines: &[(&str, &str, i64)], settlement: i64) -> String {
        let order = lines.iter().fold(OrderDoc::new().settlement(settlement), |o, (m, v, u)| o.line(*m, *v, *u));
        self.shop().place_order(&order).await.unwrap().order_number
    }

    pub async fn place_raw(&self, body: Value) -> (u16, Value) {
        self.admin(reqwest::Method::POST, &self.shop_path("/orders"), Some(body)).await
    }

    /// One T-shirt, paid by `settlement`.
    pub async fn place_one(&self, settlement: i64) -> String {
        self.place(&[("tshirt", "m-black", 1)], settlement).await
    }

    /// Lets `minutes` pass; the answer as JSON (`now`, `transitions`).
    pub async fn advance(&self, minutes: i64) -> Value {
        json_of(self.shop().advance_minutes(minutes).await.unwrap())
    }

    pub async fn patch_settings(&self, patch: Value) -> (u16, Value) {
        self.admin(reqwest::Method::PATCH, &self.shop_path("/settings"), Some(patch)).await
    }

    pub async fn history(&self, number: &str) -> Value {
        json_of(self.shop().history(number).await.unwrap())
    }

    pub async fn journal(&self) -> Value {
        json_of(self.shop().journal().await.unwrap())
    }

    /// Creates another shop from a shop file; `(status, credentials or error)`.
    pub async fn create_shop_toml(&self, toml: &str) -> (u16, Value) {
        match self.mock.control().create_shop_toml(toml).await {
            Ok(shop) => (201, json_of(shop.credentials())),
            Err(rms_mock::Error::Control { status, code, message }) => {
                (status, json!({"error": {"code": code, "message": message}}))
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// A control-plane answer as the JSON it was sent as.
pub fn json_of(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap()
}

/// `errors[].code` of an item/inventory answer (the crate's one reader of codes).
pub fn error_codes(v: &Value) -> Vec<String> {
    rms_mock::message_codes(v)
}

/// A minimal valid Item API 2.0 body with one selector and the given (variantId, size, price).
pub fn item_body(title: &str, variants: &[(&str, &str, i64)]) -> Value {
    let values: Vec<Value> = variants.iter().map(|(_, s, _)| json!({"displayValue": s})).collect();
    let mut vmap = serde_json::Map::new();
    for (id, size, price) in variants {
        vmap.insert(
            id.to_string(),
            json!({"selectorValues": {"size": size}, "standardPrice": price, "articleNumber": {"exemptionReason": 5}, "merchantDefinedSkuId": format!("SKU-{id}")}),
        );
    }
    json!({
        "title": title,
        "itemType": "NORMAL",
        "genreId": "100000",
        "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": values}],
        "variants": vmap,
    })
}

/// `messageCode`s of an order-API answer (the crate's one reader of codes).
pub fn codes(v: &Value) -> Vec<String> {
    rms_mock::message_codes(v)
}

/// The number of cases a proptest suite runs: `PROPTEST_CASES` when set (long runs, README
/// "Tests"), else the suite's own small default for CI.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// Makes capturing logs with a scoped subscriber (`tracing::subscriber::set_default`) safe
/// while other tests run on other threads. tracing caches each callsite's interest globally:
/// a callsite first reached by a thread with no subscriber, racing a test that just installed
/// one, could be cached as "never", and that test then captured nothing. A global subscriber
/// that keeps `info` (writing to a sink) makes every `info` callsite interesting for good, so
/// each event is asked of the thread's own subscriber. Idempotent.
pub fn keep_info_callsites_interesting() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let sink = rms_mock::log_subscriber(rms_mock::LogFormat::Text, "info", std::io::sink);
        // Only fails if this binary already has a global subscriber, which then does the same.
        let _ = tracing::subscriber::set_global_default(sink);
    });
}
