//! Wall mode: a shop's clock that follows real time at a speed, for an integration that runs on
//! its own. Real time here is a `WallClock::manual()` the test moves, so nothing sleeps and
//! every answer is exact.

use crate::helpers::*;
use rms_mock::control::ClockPatch;
use rms_mock::{ClockMode, WallClock};
use serde_json::{json, Value};
use std::time::Duration;

fn wall_shop(speed: &str) -> ShopSpec {
    shop().with_shop_line("clock = \"wall\"").with_shop_line(&format!("clock_speed = {speed}"))
}

#[tokio::test]
async fn at_speed_600_a_confirmed_card_order_is_in_300_three_real_seconds_later_without_the_control_plane() {
    let wall = WallClock::manual();
    let app = spawn_on(wall.clone(), wall_shop("600.0")).await;
    let n = app.place_one(1).await;
    let (status, v) = app.confirm(&[&n]).await;
    assert_eq!(status, 200, "{v}");
    // From here on only RMS calls and real time: processing_delay_minutes = 30 is 3 s at 600×.
    wall.advance(Duration::from_millis(2_900));
    assert_eq!(app.search_numbers(&[200]).await, vec![n.clone()], "29 virtual minutes: still 楽天処理中");
    wall.advance(Duration::from_millis(100));
    assert_eq!(app.search_numbers(&[300]).await, vec![n.clone()]);
    let o = app.order_model(&n, 9).await;
    assert_eq!(o["orderFixDatetime"], "2026-11-28T09:30:00+0900", "at its due time on the shop's clock");
    let h = app.history(&n).await;
    assert_eq!(
        h["history"][2],
        json!({"at": "2026-11-28T09:30:00+0900", "from": 200, "to": 300, "cause": "processing"})
    );
}

#[tokio::test]
async fn advance_in_wall_mode_jumps_ahead_and_the_clock_runs_on_from_there() {
    let wall = WallClock::manual();
    let app = spawn_on(wall.clone(), wall_shop("1.0")).await;
    let n = app.place_one(1).await;
    let fired = app.advance(2 * 24 * 60).await;
    assert_eq!(fired["now"], "2026-11-30T09:00:00+0900");
    assert!(fired["transitions"].as_array().unwrap().is_empty(), "nothing due yet: {fired}");
    wall.advance(Duration::from_secs(10));
    let clock = app.shop().clock().await.unwrap();
    assert_eq!((clock.now.as_str(), clock.mode, clock.speed), ("2026-11-30T09:00:10+0900", ClockMode::Wall, 1.0));
    // Twelve more days of real time at 1×, skipped: the unconfirmed order is auto-cancelled
    // when the 14 days are up, by the same rule and cause as in manual mode.
    wall.advance(Duration::from_secs(12 * 24 * 3600));
    let h = app.history(&n).await;
    assert_eq!(
        h["history"][1],
        json!({"at": "2026-12-12T09:00:00+0900", "from": 100, "to": 900, "cause": "auto_cancel"})
    );
}

#[tokio::test]
async fn a_manual_shop_ignores_real_time_and_patch_switches_modes() {
    let wall = WallClock::manual();
    let app = spawn_on(wall.clone(), shop()).await;
    wall.advance(Duration::from_secs(3600));
    let clock = app.shop().clock().await.unwrap();
    assert_eq!((clock.now.as_str(), clock.mode, clock.speed), (START, ClockMode::Manual, 1.0));

    let clock = app.shop().set_clock(&ClockPatch::wall(60.0)).await.unwrap();
    assert_eq!((clock.now.as_str(), clock.mode, clock.speed), (START, ClockMode::Wall, 60.0), "runs from now on");
    wall.advance(Duration::from_secs(60));
    assert_eq!(app.shop().now().await.unwrap(), "2026-11-28T10:00:00+0900");
    let detail = app.shop().detail().await.unwrap();
    assert_eq!((detail.clock.mode, detail.credentials.now.as_str()), (ClockMode::Wall, "2026-11-28T10:00:00+0900"));
    let (status, v) = app.admin(reqwest::Method::PATCH, &app.shop_path("/clock"), Some(json!({"speed": 2}))).await;
    assert_eq!((status, &v["speed"]), (200, &json!(2.0)), "{v}");
    wall.advance(Duration::from_secs(30));
    let clock = app.shop().set_clock(&ClockPatch::manual()).await.unwrap();
    assert_eq!((clock.now.as_str(), clock.mode), ("2026-11-28T10:01:00+0900", ClockMode::Manual));
    wall.advance(Duration::from_secs(3600));
    assert_eq!(app.shop().now().await.unwrap(), "2026-11-28T10:01:00+0900", "stopped where the wall left it");
}

#[tokio::test]
async fn bad_clock_patches_get_the_control_plane_envelope_and_change_nothing() {
    let app = spawn_on(WallClock::manual(), shop()).await;
    for (body, needle) in [
        (json!({"speed": 0}), "speed: 0 is not a clock speed"),
        (json!({"speed": -1.5}), "speed: -1.5 is not a clock speed"),
        (json!({"speed": 1e9}), "speed: 1000000000 is not a clock speed"),
        (json!({"speed": "fast"}), "speed"),
        (json!({"mode": "hourly"}), "mode"),
        (json!({"mode": "wall", "sped": 2}), "sped"),
        (json!([1]), "request body"),
    ] {
        let (status, v) = app.admin(reqwest::Method::PATCH, &app.shop_path("/clock"), Some(body.clone())).await;
        assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_request")), "{body}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{body}: {v}");
    }
    let (status, v) = app.admin(reqwest::Method::PATCH, "/__admin/shops/999999/clock", Some(json!({}))).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    let clock = app.shop().clock().await.unwrap();
    assert_eq!((clock.mode, clock.speed), (ClockMode::Manual, 1.0));
}

#[tokio::test]
async fn a_shop_file_with_a_bad_clock_is_refused_naming_the_key() {
    let app = spawn_empty().await;
    for (line, key) in
        [("clock = \"hourly\"", "shop.clock"), ("clock_speed = 0.0", "shop.clock_speed"), ("clock_sped = 2.0", "shop")]
    {
        let (status, v) = app.create_shop_toml(&shop().with_shop_line(line).toml()).await;
        assert_eq!(status, 400, "{line}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(key), "{line}: {v}");
    }
}

/// Every string of an answer that starts like a date (`2031-05-17…`), with where it was.
fn dates(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => {
            let b = s.as_bytes();
            if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-' {
                out.push((path.to_string(), s.clone()));
            }
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| dates(x, &format!("{path}[{i}]"), out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| dates(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// A shop whose clock is years away from the host's writes only its own times: order fields,
/// item and stock timestamps, the async shipping request id, the journal.
#[tokio::test]
async fn a_shop_living_in_2031_writes_only_its_own_times() {
    let wall = WallClock::manual();
    let app = spawn_on(wall.clone(), wall_shop("1.0").clock_start("2031-05-17T10:00:00+0900")).await;
    let n = app.place_one(1).await;
    wall.advance(Duration::from_secs(90));
    app.confirm(&[&n]).await;
    wall.advance(Duration::from_secs(3600));
    let (s, v) = app
        .order("updateOrderShippingAsync", json!({"OrderShippingModelList": [{"orderNumber": n, "BasketidModelList": [{"basketId": app.order_model(&n, 9).await["PackageModelList"][0]["basketId"], "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "1234", "shippingDate": "2031-05-17"}]}]}]}))
        .await;
    assert_eq!(s, 200, "{v}");
    let request_id = v["MessageModelList"][0]["requestId"].as_str().unwrap().to_string();
    assert!(request_id.ends_with("_20310517110130"), "the id carries the shop's time: {request_id}");
    app.set_stock("tshirt", "m-black", 7).await;
    wall.advance(Duration::from_secs(120));

    let mut answers = vec![app.order_model(&n, 10).await];
    answers.push(app.order("getResultUpdateOrderShippingAsync", json!({"requestId": request_id})).await.1);
    answers.push(app.get("/es/2.0/items/manage-numbers/tshirt").await.1);
    answers.push(app.get("/es/2.1/inventories/manage-numbers/tshirt/variants/m-black").await.1);
    answers.push(app.get("/es/2.0/items/search?isInventoryIncluded=true").await.1);
    answers.push(app.journal().await);
    answers.push(app.history(&n).await);
    let mut found = Vec::new();
    for a in &answers {
        dates(a, "", &mut found);
    }
    assert!(found.len() > 15, "{found:?}");
    // The journal's `wall_time` is, by design, the host's time beside the shop's `at`.
    let foreign: Vec<_> =
        found.iter().filter(|(p, d)| !p.ends_with(".wall_time") && !d.starts_with("2031-05-")).collect();
    assert!(foreign.is_empty(), "times not from the shop's clock: {foreign:?}");
    let journal = app.journal().await;
    assert_eq!(journal["entries"][0]["at"], "2031-05-17T10:01:30+0900", "confirmOrder, 90 real seconds in");
    // RequestId headers come from the shop's seed, never from a clock.
    let r = app
        .client
        .post(format!("{}/es/2.0/order/getSubStatusList/", app.base))
        .header("Authorization", &app.auth)
        .send()
        .await
        .unwrap();
    let id = r.headers()["requestid"].to_str().unwrap().to_string();
    assert!(!id.contains("2026") && !id.contains("2031"), "{id}");
}

/// The same with real time as Tokio reads it (the server's default wall clock), paused and
/// moved by the test.
#[tokio::test(start_paused = true)]
async fn under_tokio_time_pause_the_default_wall_clock_moves_with_tokio_time_advance() {
    let app = spawn(wall_shop("600.0")).await;
    let n = app.place_one(1).await;
    app.confirm(&[&n]).await;
    assert_eq!(app.search_numbers(&[200]).await, vec![n.clone()]);
    tokio::time::advance(Duration::from_secs(3)).await;
    assert_eq!(app.search_numbers(&[300]).await, vec![n.clone()]);
    assert_eq!(app.history(&n).await["history"][2]["at"], "2026-11-28T09:30:00+0900");
}

/// A reset re-creates a live boot shop where it would stand had nobody touched it: from its
/// anchor plus the real time since the server started, never back at the anchor.
#[tokio::test]
async fn a_reset_puts_a_live_boot_shop_where_real_time_has_taken_it() {
    let wall = WallClock::manual();
    let doc = rms_mock::ShopDocument::new("123456")
        .item(rms_mock::ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 10))
        .order(rms_mock::OrderDoc::new().line("tshirt", "m", 1))
        .clock(ClockMode::Wall, 60.0);
    let state = rms_mock::AppState::with_shops(vec![("boot".into(), doc)]).unwrap().with_wall_clock(wall.clone());
    let mock = rms_mock::RmsMock::start_with(state).await.unwrap();
    wall.advance(Duration::from_secs(60));
    mock.control().reset().await.unwrap();
    let shops = mock.control().shops().await.unwrap();
    assert_eq!(shops.shops[0].credentials.now, "2026-11-28T10:00:00+0900");
}
