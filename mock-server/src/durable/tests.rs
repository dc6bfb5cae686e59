//! The state directory against the live server it keeps: after every request, what the
//! directory restores is the state the server holds (the same export, byte for byte), with
//! and without compaction; and its failure modes (torn tail, damage, newer versions).

use super::*;
use crate::AppState;
use serde_json::{json, Value};
use std::sync::atomic::AtomicUsize;

/// A temp directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("rms-mock-durable-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    fn state(&self) -> PathBuf {
        self.0.join("state")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The demo shop (manual clock), kept in `dir`, served on a free port.
struct Served {
    state: AppState,
    base: String,
    client: reqwest::Client,
    auth: String,
}

async fn serve(dir: &Path, compact_after: u64) -> Served {
    let opened = StateDir::open_with(dir, compact_after).unwrap();
    let state = AppState::demo().keep_in(opened).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(crate::serve(listener, state.clone(), std::future::pending()));
    let auth = crate::auth::esa_header("SP123456_DemoSecret0000001", "SL123456_DemoLicense000001");
    Served { state, base, client: reqwest::Client::new(), auth }
}

impl Served {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base)).header("Authorization", &self.auth);
        if let Some(body) = body {
            req = req.header("Content-Type", "application/json").body(body.to_string());
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, serde_json::from_str(&r.text().await.unwrap()).unwrap_or(Value::Null))
    }

    async fn ok(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let (status, v) = self.call(method.clone(), path, Some(body)).await;
        assert!((200..300).contains(&status), "{method} {path}: {status} {v}");
        v
    }

    /// Creates a shop from a shop document (TOML), as `POST /__admin/shops` does.
    async fn create_shop(&self, doc: &str) {
        let r = self
            .client
            .post(format!("{}/__admin/shops", self.base))
            .header("Content-Type", "application/toml")
            .body(doc.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }

    async fn place(&self) -> String {
        let body = json!({"lines": [{"manage_number": "tshirt-basic", "variant_id": "m-black", "units": 1}], "settlement_method_code": 1});
        let v = self.ok(reqwest::Method::POST, "/__admin/shops/123456/orders", body).await;
        v["order_number"].as_str().unwrap().to_string()
    }

    /// Each served shop's state document, by id.
    fn exports(&self) -> Vec<String> {
        self.state.registry.all().iter().map(|(_, h)| h.with(|s| export(s))).collect()
    }
}

fn export(shop: &Shop) -> String {
    serde_json::to_string_pretty(&shop.export_state()).unwrap()
}

/// What the directory restores now, by shop id.
fn restored(dir: &Path) -> Vec<String> {
    let opened = StateDir::open(dir).unwrap();
    let mut shops: Vec<(String, String)> =
        opened.shops.iter().map(|r| (r.shop.profile().shop_id.clone(), export(&r.shop))).collect();
    shops.sort();
    shops.into_iter().map(|(_, e)| e).collect()
}

/// Requests that change every kind of entity, one at a time; after each, the directory
/// restores exactly what the server holds.
async fn every_change_is_kept(compact_after: u64) {
    use reqwest::Method;
    let tmp = TempDir::new("every-change");
    let app = serve(&tmp.state(), compact_after).await;
    let check = |what: &str| {
        let (restored, live) = (restored(&tmp.state()).join("\n"), app.exports().join("\n"));
        let first_difference = restored.lines().zip(live.lines()).position(|(r, l)| r != l);
        assert!(
            restored == live,
            "after {what}: the directory restores another state than the server's, from line {first_difference:?} \
             (restored {} lines, live {})",
            restored.lines().count(),
            live.lines().count()
        );
    };
    check("the start");
    let a = app.place().await;
    let b = app.place().await;
    check("placing orders");
    app.ok(Method::POST, "/es/2.0/order/confirmOrder/", json!({"orderNumberList": [a]})).await;
    check("confirmOrder");
    app.ok(Method::POST, &format!("/__admin/shops/123456/orders/{b}/cancel"), json!({})).await;
    check("a buyer's cancellation (stock restored)");
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 45})).await;
    check("an advance firing Rakuten's processing");
    let v = app.ok(Method::POST, "/es/2.0/order/getOrder/", json!({"orderNumberList": [a], "version": 9})).await;
    let basket = v["OrderModelList"][0]["PackageModelList"][0]["basketId"].as_u64().unwrap();
    let shipping = json!({"OrderShippingModelList": [{"orderNumber": a, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "1", "shippingDate": "2026-11-28"}]}]}]});
    app.ok(Method::POST, "/es/2.0/order/updateOrderShippingAsync/", shipping).await;
    check("updateOrderShippingAsync");
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 30})).await;
    check("the async request processed");
    let item = json!({"title": "新商品", "itemType": "NORMAL", "genreId": "100000",
        "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": "M"}]}],
        "variants": {"v1": {"selectorValues": {"size": "M"}, "standardPrice": 1200, "articleNumber": {"exemptionReason": 5}}}});
    app.ok(Method::PUT, "/es/2.0/items/manage-numbers/new-item", item).await;
    check("an item upserted");
    let stock = "/es/2.0/inventories/manage-numbers/new-item/variants/v1";
    app.ok(Method::PUT, stock, json!({"mode": "ABSOLUTE", "quantity": 7})).await;
    app.ok(Method::PUT, stock, json!({"mode": "RELATIVE", "quantity": 3})).await;
    check("stock written");
    let (status, _) = app.call(Method::DELETE, stock, None).await;
    assert_eq!(status, 204);
    check("a stock row deleted");
    let (status, _) = app.call(Method::DELETE, "/es/2.0/items/manage-numbers/new-item", None).await;
    assert_eq!(status, 204);
    check("an item deleted");
    app.ok(Method::PATCH, "/__admin/shops/123456/settings", json!({"auto_confirm": true, "journal_limit": 5})).await;
    check("settings patched (the journal cut to 5 entries)");
    for _ in 0..3 {
        app.place().await;
    }
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 10})).await;
    check("auto-confirmed orders");
    app.ok(
        Method::POST,
        "/__admin/shops/123456/license",
        json!({"license_key": "SL123456_DemoLicense000001", "issued_at": "2026-11-28T12:00:00+0900"}),
    )
    .await;
    check("a renewed licence (its expiry rescheduled)");
    let (status, _) = app.call(Method::DELETE, "/__admin/shops/123456/journal", None).await;
    assert_eq!(status, 204);
    check("the journal cleared");
    app.ok(Method::PATCH, "/__admin/shops/123456/simulate", json!({"enabled": true, "orders_per_hour": 30})).await;
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 120})).await;
    check("simulated buyers");
    let m_black = "/es/2.0/inventories/manage-numbers/tshirt-basic/variants/m-black";
    app.ok(Method::PUT, m_black, json!({"mode": "ABSOLUTE", "quantity": 10})).await;
    let lines = json!([{"manage_number": "tshirt-basic", "variant_id": "m-black"}]);
    let kinds = [
        json!({"lines": lines, "order_type": 6}),
        json!({"lines": lines, "social_gift": true, "gift_input_days": 1}),
        json!({"lines": lines, "postage_undetermined": true, "destinations": [{"lines": lines}]}),
        json!({"lines": lines, "caution_display_type": 1, "review_ng": true}),
    ];
    let mut numbers = vec![];
    for body in kinds {
        let v = app.ok(Method::POST, "/__admin/shops/123456/orders", body).await;
        numbers.push(v["order_number"].as_str().unwrap().to_string());
    }
    check("orders of every kind (their deadlines scheduled)");
    app.ok(Method::POST, &format!("/__admin/shops/123456/orders/{}/postage", numbers[2]), json!({"postage": 700}))
        .await;
    check("postage set");
    app.ok(Method::POST, &format!("/__admin/shops/123456/orders/{}/gift-address", numbers[1]), json!({})).await;
    check("a gift's address entered");
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 24 * 60})).await;
    check("a review NG order cancelled by Rakuten");
    let fault = json!({"kind": "system_error", "functions": ["rpay.order.getOrder"], "times": 1});
    app.ok(Method::POST, "/__admin/shops/123456/faults", fault).await;
    check("a fault added");
    let (status, _) =
        app.call(Method::POST, "/es/2.0/order/getOrder/", Some(json!({"orderNumberList": [a], "version": 9}))).await;
    assert_eq!(status, 500);
    check("a fault fired (its count)");
    app.ok(Method::POST, "/__admin/shops/123456/catalog/generate", json!({"items": 30, "variants": 2})).await;
    check("a generated catalog");
    let doc = "[shop]\nshop_id = \"654321\"\nservice_secret = \"SP654321_x\"\nlicense_key = \"SL654321_x\"\n";
    app.create_shop(doc).await;
    check("a shop created");
    let (status, _) = app.call(Method::DELETE, "/__admin/shops/654321", None).await;
    assert_eq!(status, 204);
    check("a shop deleted");
    // A shop replaced by an import (its state from before the generated catalog).
    let (status, exported) = app.call(Method::GET, "/__admin/state?shop=123456", None).await;
    assert_eq!(status, 200, "{exported}");
    app.ok(Method::POST, "/__admin/shops/123456/clock/advance", json!({"minutes": 5})).await;
    app.ok(Method::PUT, "/__admin/state", exported).await;
    check("a shop replaced by PUT /__admin/state");
    let m_black = "/es/2.0/inventories/manage-numbers/tshirt-basic/variants/m-black";
    app.ok(Method::PUT, m_black, json!({"mode": "ABSOLUTE", "quantity": 10})).await;
    app.place().await;
    check("an order in the imported shop");
    app.ok(Method::POST, "/__admin/reset", json!({})).await;
    check("a reset");
}

#[tokio::test]
async fn every_change_is_restored_exactly_from_a_log_that_is_never_compacted() {
    every_change_is_kept(u64::MAX).await;
}

#[tokio::test]
async fn every_change_is_restored_exactly_when_the_log_is_compacted_all_the_time() {
    // Any record past 1 byte of log triggers a new snapshot.
    every_change_is_kept(1).await;
}

/// A few changes, then the directory closed (the server stopped).
async fn a_directory_with_changes() -> (TempDir, Vec<String>) {
    let tmp = TempDir::new("changes");
    let app = serve(&tmp.state(), u64::MAX).await;
    for _ in 0..3 {
        app.place().await;
    }
    (tmp, app.exports())
}

fn log_of(root: &Path) -> PathBuf {
    files::shop_dir(root, "123456").join(writer::LOG_FILE)
}

#[tokio::test]
async fn a_torn_last_record_is_dropped_cut_off_and_followed_by_new_records() {
    let (tmp, before) = a_directory_with_changes().await;
    let log = log_of(&tmp.state());
    let whole = std::fs::read(&log).unwrap();
    // A record cut short by the crash: its header and part of its payload.
    let mut torn = Vec::new();
    frame::encode_into(&mut torn, br#"{"seq": 99, "changes": []}"#);
    let mut bytes = whole.clone();
    bytes.extend_from_slice(&torn[..torn.len() - 5]);
    std::fs::write(&log, &bytes).unwrap();
    assert_eq!(restored(&tmp.state()), before);
    assert_eq!(std::fs::read(&log).unwrap(), whole, "the torn record is cut off the file");
    // The next run's records follow the last whole one and are read back.
    let app = serve(&tmp.state(), u64::MAX).await;
    app.place().await;
    assert_eq!(restored(&tmp.state()), app.exports());
}

#[tokio::test]
async fn a_damaged_record_in_the_middle_is_an_error_naming_the_file_never_a_reset() {
    let (tmp, _) = a_directory_with_changes().await;
    let log = log_of(&tmp.state());
    let mut bytes = std::fs::read(&log).unwrap();
    let header = log_header(0).len();
    bytes[header + frame::HEADER_BYTES + 3] ^= 0x20; // in the first change's payload
    std::fs::write(&log, &bytes).unwrap();
    let Err(e) = StateDir::open(&tmp.state()) else { panic!("a damaged log opened") };
    assert!(e.0.contains(&log.display().to_string()) && e.0.contains("fails its checksum"), "{e}");
    assert!(e.0.contains(&format!("byte {header}")), "{e}");
}

#[tokio::test]
async fn newer_versions_and_strangers_are_errors_naming_the_file() {
    let (tmp, _) = a_directory_with_changes().await;
    let root = tmp.state();
    let shop = files::shop_dir(&root, "123456");
    let edit = |path: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{text}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    let snapshot = shop.join(writer::SNAPSHOT_FILE);
    edit(&snapshot, "\"version\": 1", "\"version\": 2");
    let e = StateDir::open(&root).err().unwrap();
    assert!(e.0.contains(&snapshot.display().to_string()) && e.0.contains("version 2 is newer"), "{e}");
    edit(&snapshot, "\"version\": 2", "\"version\": 1");
    let manifest = root.join(MANIFEST_FILE);
    edit(&manifest, "\"version\": 1", "\"version\": 7");
    let e = StateDir::open(&root).err().unwrap();
    assert!(e.0.contains(&manifest.display().to_string()) && e.0.contains("version 7 is newer"), "{e}");
    edit(&manifest, "\"version\": 7", "\"version\": 1");
    // A log whose header says version 2.
    let log = log_of(&root);
    let mut bytes = Vec::new();
    frame::encode_into(&mut bytes, br#"{"format":"rms-mock-log","version":2,"after_seq":0}"#);
    std::fs::write(&log, &bytes).unwrap();
    let e = StateDir::open(&root).err().unwrap();
    assert!(e.0.contains(&log.display().to_string()) && e.0.contains("version 2 is newer"), "{e}");
    // A directory that holds something else.
    let stranger = tmp.0.join("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "mine").unwrap();
    let e = StateDir::open(&stranger).err().unwrap();
    assert!(e.0.contains("not an rms-mock state directory"), "{e}");
    assert_eq!(std::fs::read_to_string(stranger.join("notes.txt")).unwrap(), "mine", "nothing is touched");
}

#[tokio::test]
async fn a_log_with_a_missing_change_is_an_error() {
    let (tmp, _) = a_directory_with_changes().await;
    let log = log_of(&tmp.state());
    let bytes = std::fs::read(&log).unwrap();
    let records = frame::read(&bytes).unwrap();
    let mut gap = Vec::new();
    for (i, p) in records.payloads.iter().enumerate() {
        if i != 1 {
            frame::encode_into(&mut gap, p);
        }
    }
    std::fs::write(&log, &gap).unwrap();
    let e = StateDir::open(&tmp.state()).err().unwrap();
    assert!(e.0.contains("is change 2, expected 1"), "{e}");
}

#[tokio::test]
async fn restarting_twice_without_changes_gives_the_same_export_and_the_same_files() {
    let (tmp, before) = a_directory_with_changes().await;
    let files_of = |root: &Path| {
        let dir = files::shop_dir(root, "123456");
        (std::fs::read(dir.join(writer::SNAPSHOT_FILE)).unwrap(), std::fs::read(dir.join(writer::LOG_FILE)).unwrap())
    };
    let on_disk = files_of(&tmp.state());
    let first = serve(&tmp.state(), u64::MAX).await.exports();
    let second = serve(&tmp.state(), u64::MAX).await.exports();
    assert_eq!((&first, &second), (&before, &before));
    assert_eq!(files_of(&tmp.state()), on_disk);
}

#[tokio::test]
async fn a_shop_whose_creation_never_reached_its_snapshot_was_never_acknowledged() {
    let (tmp, before) = a_directory_with_changes().await;
    let half = files::shop_dir(&tmp.state(), "654321");
    std::fs::create_dir_all(&half).unwrap();
    std::fs::write(half.join("snapshot.json.tmp"), "{\"format\": \"rms-mo").unwrap();
    assert_eq!(restored(&tmp.state()), before);
    assert!(!half.exists(), "its leftovers are removed");
}

#[tokio::test]
async fn a_change_the_disk_refused_is_answered_500_in_each_familys_envelope_never_acknowledged() {
    let tmp = TempDir::new("refused");
    let app = serve(&tmp.state(), u64::MAX).await;
    let doc = "[shop]\nshop_id = \"654321\"\nservice_secret = \"SP654321_x\"\nlicense_key = \"SL654321_x\"\n\
               [[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 100\nquantity = 5\n";
    app.create_shop(doc).await;
    // The shop's directory vanishes under the server (a disk gone, a careless cleanup).
    std::fs::remove_dir_all(files::shop_dir(&tmp.state(), "654321")).unwrap();
    let order = json!({"lines": [{"manage_number": "i", "variant_id": "v", "units": 1}]});
    let (status, v) = app.call(reqwest::Method::POST, "/__admin/shops/654321/orders", Some(order)).await;
    assert_eq!((status, v["error"]["code"].as_str()), (500, Some("state_not_kept")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("could not be written"), "{v}");
    // From then on no change is acknowledged, in the RMS families' own 500s too.
    let (status, v) = app
        .call(
            reqwest::Method::POST,
            "/es/2.0/order/confirmOrder/",
            Some(json!({"orderNumberList": ["123456-20261128-0000000001"]})),
        )
        .await;
    assert_eq!(status, 500, "{v}");
    assert!(v["MessageModelList"].is_array(), "{v}");
}

/// Nobody asks, and the wall clock's follower fires auto-confirmations and Rakuten's
/// processing: those changes are on disk too, in order with the requests' changes.
#[test]
fn what_the_wall_clocks_follower_fires_with_no_request_is_kept() {
    use crate::setup::{ItemDoc, OrderDoc, ShopDocument};
    let tmp = TempDir::new("wall");
    let wall = crate::WallClock::manual();
    let doc = ShopDocument::new("123456")
        .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))
        .order(OrderDoc::new().line("tshirt", "m", 1))
        .order(OrderDoc::new().line("tshirt", "m", 2))
        .clock(crate::ClockMode::Wall, 600.0)
        .settings(|s| {
            s.auto_confirm = true;
            s.auto_confirm_delay_minutes = 10;
        });
    let state = AppState::with_shops(vec![("test".into(), doc)])
        .unwrap()
        .with_wall_clock(wall.clone())
        .keep_in(StateDir::open(&tmp.state()).unwrap())
        .unwrap();
    let live = || -> Vec<String> { state.registry.all().iter().map(|(_, h)| h.with(|s| export(s))).collect() };
    let progress = || {
        state.registry.get("123456").unwrap().with(|s| s.orders().iter().map(|o| o.progress.code()).collect::<Vec<_>>())
    };
    assert_eq!(progress(), [100, 100]);
    for _ in 0..6 {
        // Ten virtual minutes a real second: the follower's ticks fire what falls due.
        wall.advance(std::time::Duration::from_millis(700));
        for (_, fired) in state.registry.follow_wall_clock(256) {
            assert!(!fired.is_empty());
        }
        state.registry.state_dir().unwrap().settle_blocking().unwrap();
        assert_eq!(restored(&tmp.state()), live());
    }
    assert_eq!(progress(), [300, 300], "auto-confirmed and processed by the follower alone");
}
