//! The console (`/__admin/ui`): its files and guard over HTTP, the order model it shows, and
//! the whole of it in headless Chromium (README, "Console").

use crate::helpers::{shop, spawn};
use crate::webdriver::Browser;
use reqwest::header;
use rms_mock::{AppState, MockShop, RmsMock};
use serde_json::{json, Value};

const TOKEN: &str = "c0nsole-t0ken;x";

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn the_console_is_served_from_the_binary_with_a_strict_policy_and_linked_from_the_root() {
    let app = spawn(shop()).await;
    let c = client();
    for (path, media, needle) in [
        ("/__admin/ui", "text/html; charset=utf-8", "/__admin/ui/console.js"),
        ("/__admin/ui/console.js", "text/javascript; charset=utf-8", "textContent"),
        ("/__admin/ui/console.css", "text/css; charset=utf-8", ".lanes"),
    ] {
        let r = c.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], media, "{path}");
        let policy = r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");
        let text = r.text().await.unwrap();
        assert!(text.contains(needle), "{path}");
        assert!(!text.contains("innerHTML"), "{path}: data goes into the page as text only");
        assert!(!text.contains("http://") && !text.contains("https://"), "{path}: nothing from elsewhere");
    }
    // A browser at the root gets a page with the links; a client, the JSON index as before.
    let r = c.get(format!("{}/", app.base)).header(header::ACCEPT, "text/html,*/*;q=0.8").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"href="/__admin/ui""#) && page.contains(r#"href="/__admin""#), "{page}");
    let index: Value = c.get(format!("{}/", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(index["console"], "/__admin/ui");
    assert_eq!(index["control_plane"], "/__admin");
    // The console's pages are the control plane's: a foreign page or host is refused.
    let r = c.get(format!("{}/__admin/ui", app.base)).header(header::HOST, "evil.example").send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_order_model_is_what_get_order_answers_and_reading_it_is_no_rms_request() {
    let app = spawn(shop()).await;
    let number = app.place_one(1).await;
    let (status, _, get_order) = app
        .rms(reqwest::Method::POST, "/es/2.0/order/getOrder/", Some(json!({"orderNumberList": [number], "version": 7})))
        .await;
    assert_eq!(status, 200);
    let recorded = app.admin(reqwest::Method::GET, &app.shop_path("/journal"), None).await.1["recorded"].clone();
    let (status, model) =
        app.admin(reqwest::Method::GET, &app.shop_path(&format!("/orders/{number}/model?version=7")), None).await;
    assert_eq!(status, 200, "{model}");
    assert_eq!(model["version"], 7);
    assert_eq!(model["OrderModel"], get_order["OrderModelList"][0]);
    let (_, latest) = app.admin(reqwest::Method::GET, &app.shop_path(&format!("/orders/{number}/model")), None).await;
    assert_eq!(latest["version"], 10, "the latest version by default");
    assert_eq!(latest["OrderModel"]["orderNumber"], number.as_str());
    let (_, journal) = app.admin(reqwest::Method::GET, &app.shop_path("/journal"), None).await;
    assert_eq!(journal["recorded"], recorded, "no journal entry");
    for (query, status, code) in [("?version=2", 400, "invalid_request"), ("?version=x", 400, "invalid_request")] {
        let (s, v) =
            app.admin(reqwest::Method::GET, &app.shop_path(&format!("/orders/{number}/model{query}")), None).await;
        assert_eq!((s, v["error"]["code"].as_str().unwrap()), (status, code), "{query}: {v}");
    }
    let (s, v) =
        app.admin(reqwest::Method::GET, &app.shop_path("/orders/123456-20261128-0000000000/model"), None).await;
    assert_eq!((s, v["error"]["code"].as_str().unwrap()), (404, "not_found"), "{v}");
}

#[tokio::test]
async fn with_a_token_the_console_signs_in_once_by_address_then_a_strict_cookie_stands_for_it() {
    let mock = RmsMock::start_with(AppState::default().with_admin_token(TOKEN)).await.unwrap();
    let _shop = mock.shop(rms_mock::parse_toml(&shop().toml(), "test").unwrap()).await.unwrap();
    let base = mock.uri();
    let c = client();
    assert_eq!(c.get(format!("{base}/__admin/ui")).send().await.unwrap().status(), 401);
    let wrong = c.get(format!("{base}/__admin/ui?token=c0nsole")).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get(header::SET_COOKIE).is_none());

    let signed = c.get(format!("{base}/__admin/ui?token=c0nsole-t0ken%3Bx")).send().await.unwrap();
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()[header::LOCATION], "/__admin/ui", "the token leaves the address");
    let set = signed.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    let port = base.rsplit(':').next().unwrap();
    assert!(set.starts_with(&format!("rms_mock_admin_{port}=")), "{set}");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/__admin"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();

    let with_cookie = |method: reqwest::Method, path: &str| {
        c.request(method, format!("{base}{path}")).header(header::COOKIE, cookie.clone())
    };
    assert_eq!(with_cookie(reqwest::Method::GET, "/__admin/ui").send().await.unwrap().status(), 200);
    let shops: Value = with_cookie(reqwest::Method::GET, "/__admin/shops").send().await.unwrap().json().await.unwrap();
    assert_eq!(shops["shops"][0]["shop_id"], "123456");
    let patched = with_cookie(reqwest::Method::PATCH, "/__admin/shops/123456/settings")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, &base)
        .body(r#"{"auto_confirm": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200, "the console's own mutation passes");
    // The cookie opens nothing the other checks close: a foreign page, a form, another value.
    let foreign = with_cookie(reqwest::Method::POST, "/__admin/reset")
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let form = with_cookie(reqwest::Method::POST, "/__admin/reset")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let forged = c
        .get(format!("{base}/__admin/shops"))
        .header(header::COOKIE, format!("rms_mock_admin_{port}=bm9wZQ"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert_eq!(mock.control().health().await.unwrap().shops, 1, "nothing was reset");
}

/// The brief's walk through the console, in a real browser, on a server with a token: sign in,
/// open the shop, switch auto-confirm on, place an order, advance the clock by clicking, see
/// the order move to 300 and its timeline show the causes and the RMS call that touched it;
/// a second order cancelled by the buyer; the journal's bodies.
#[tokio::test]
async fn in_chromium_the_console_switches_auto_confirm_places_an_order_advances_and_shows_the_timeline() {
    let Some(browser) = Browser::start("console").await else { return };
    let mock = RmsMock::start_with(AppState::default().with_admin_token(TOKEN)).await.unwrap();
    // An item whose title is markup: the console must show it as text, never run it.
    let spec = shop().with_toml(
        r#"
[[items]]
manage_number = "zz-markup"
title = "<img src=x onerror=\"window.pwned = 1\">タイトル"
  [[items.variants]]
  variant_id = "v"
  price = 100
  quantity = 1
"#,
    );
    let shop: MockShop = mock.shop(rms_mock::parse_toml(&spec.toml(), "test").unwrap()).await.unwrap();
    // A second shop: none opens by itself, the user picks one.
    mock.shop(rms_mock::parse_toml(&crate::helpers::shop().id("654321").toml(), "other").unwrap()).await.unwrap();
    let base = mock.uri();

    browser.goto(&format!("{base}/__admin/ui")).await;
    assert!(browser.text("body").await.contains("unauthorized"), "no token, no console");
    browser.goto(&format!("{base}/__admin/ui?token=c0nsole-t0ken%3Bx")).await;
    assert_eq!(browser.url().await, format!("{base}/__admin/ui"), "signed in, the token gone from the address");

    browser.wait_for(r#"#shops button[data-shop="654321"]"#).await;
    assert_eq!(
        browser.execute("return document.getElementById('shop').hidden", vec![]).await,
        true,
        "no shop open yet"
    );
    browser.click(r#"#shops button[data-shop="123456"]"#).await;
    browser.wait_for_text("#summary", "123456").await;
    assert!(browser.url().await.ends_with("/__admin/ui#shop=123456"));
    let switch = "#setting-auto_confirm";
    browser.wait_for(switch).await;
    assert_eq!(
        browser.execute("return document.querySelector(arguments[0]).checked", vec![json!(switch)]).await,
        false
    );
    browser.click(switch).await;
    browser.wait_for_text("#status", r#"settings {"auto_confirm":true}: ok"#).await;
    assert!(shop.settings().await.unwrap().auto_confirm, "the switch took effect at once");
    assert_eq!(browser.execute("return document.querySelector(arguments[0]).checked", vec![json!(switch)]).await, true);

    // Place an order as a buyer: a T-shirt, by card.
    let tshirt = r#"#order-sku option[value='["tshirt","m-black"]']"#;
    browser.wait_for(tshirt).await;
    browser.click(tshirt).await;
    browser.click("#order-submit").await;
    let placed = browser.wait_for_text("#status", "placed ").await;
    let number = placed.trim_start_matches("placed ").trim().to_string();
    assert!(number.starts_with("123456-20261128-"), "{placed}");
    let orders = shop.orders().await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_number, number);

    // +1 h: auto-confirm (delay 0) and processing (30 min) fire; the answer says what fired.
    browser.click("#advance-1h").await;
    let fired = browser.wait_for_text("#advance-result", "fired").await;
    assert!(fired.contains("now 2026-11-28T10:00:00+0900"), "{fired}");
    assert!(fired.contains("processing"), "{fired}");
    browser.wait_for_text("#clock-now", "2026-11-28T10:00:00+0900").await;
    let lane = format!(r#".lane[data-status="300"] button[data-order="{number}"]"#);
    browser.wait_for(&lane).await;
    assert_eq!(browser.text(r#".lane[data-status="300"] .count"#).await, "1");
    assert_eq!(shop.order(&number).await.unwrap().order_progress, 300);

    // An RMS client reads the order: the timeline shows the call beside the status changes.
    let get_order = |number: &str| {
        reqwest::Client::new()
            .post(format!("{base}/es/2.0/order/getOrder/"))
            .header("Authorization", shop.authorization())
            .header("Content-Type", "application/json; charset=utf-8")
            .body(json!({"orderNumberList": [number], "version": 10}).to_string())
            .send()
    };
    let r = get_order(&number).await.unwrap();
    assert_eq!(r.status(), 200);
    browser.click(&lane).await;
    browser.wait_for(r#"#timeline li[data-cause="processing"]"#).await;
    browser.wait_for_text("#timeline", "rpay.order.getOrder").await;
    let timeline: Vec<String> = {
        let mut lines = Vec::new();
        for li in browser.find_all("#timeline li").await {
            lines.push(browser.element_text(&li).await);
        }
        lines
    };
    let expected = [
        ("2026-11-28T09:00:00+0900", "100 注文確認待ち (awaiting confirmation) placed"),
        ("2026-11-28T09:00:00+0900", "100 → 200 楽天処理中 (Rakuten processing) auto_confirm"),
        ("2026-11-28T09:30:00+0900", "200 → 300 発送待ち (awaiting shipment) processing"),
        ("2026-11-28T10:00:00+0900", "RMS rpay.order.getOrder 200"),
    ];
    assert_eq!(timeline.len(), expected.len(), "{timeline:#?}");
    for (line, (at, what)) in timeline.iter().zip(expected) {
        assert!(line.starts_with(at) && line.contains(what), "{line:?} should be {at} {what}; {timeline:#?}");
    }
    assert_eq!(browser.text("#order-since").await, "since 2026-11-28T09:30:00+0900", "in 300 since processing");
    let model = browser.execute("return document.getElementById('order-model').textContent", vec![]).await;
    let model: Value = serde_json::from_str(model.as_str().unwrap()).unwrap();
    assert_eq!(model["orderNumber"], number.as_str());
    assert_eq!(model["orderProgress"], 300);
    // The README's picture (docs/console.png is this shot, made smaller): the switches, the
    // clock and what fired, the lanes and the order's timeline.
    browser.window_size(1200, 940).await;
    browser.execute("window.scrollTo(0, 0)", vec![]).await;
    browser.screenshot("console").await;
    browser.execute("document.getElementById('orders-box').scrollIntoView()", vec![]).await;
    browser.screenshot("console-orders").await;

    // The journal shows the call with its bodies, and filters by function.
    browser.wait_for_text("#journal", "1 shown · 1 recorded").await;
    browser.fill("#journal-function", "confirmOrder").await;
    browser.click("#journal-filter button").await;
    browser.wait_for_text("#journal", "0 shown · 1 recorded").await;
    browser.fill("#journal-function", "getOrder").await;
    browser.click("#journal-filter button").await;
    browser.wait_for_text("#journal", "1 shown · 1 recorded").await;
    let entry = browser.text("#journal details.entry summary").await;
    assert!(entry.contains("rpay.order.getOrder → 200"), "{entry}");
    let bodies = browser.execute("return document.querySelector('#journal details.entry').textContent", vec![]).await;
    assert!(bodies.as_str().unwrap().contains("OrderModelList"), "{bodies}");

    // A second order, cancelled by the buyer from its detail.
    browser.click("#order-submit").await;
    browser.wait_for_text("#status", "placed ").await;
    let second = browser.text("#status").await.trim_start_matches("placed ").trim().to_string();
    assert_ne!(second, number);
    browser.wait_for_text("#order-detail h3", &second).await;
    assert_eq!(get_order(&second).await.unwrap().status(), 200);
    browser.click("#order-cancel").await;
    browser.wait_for(&format!(r#".lane[data-status="900"] button[data-order="{second}"]"#)).await;
    browser.wait_for(r#"#timeline li[data-cause="buyer_cancel"]"#).await;
    // All at 10:00: the placement first, then the call, then the changes of that instant
    // (which of a call and an automatic change came first is not recorded; calls cause the
    // changes of their instant, so they are listed before them).
    let mut kinds = Vec::new();
    for li in browser.find_all("#timeline li").await {
        kinds.push(browser.element_text(&li).await.split_whitespace().last().unwrap_or_default().to_string());
    }
    assert_eq!(kinds, ["placed", "ORDER_EXT_API_GET_ORDER_INFO_101", "auto_confirm", "buyer_cancel"]);
    assert_eq!(shop.order(&second).await.unwrap().order_progress, 900);
    // Stock as the catalog shows it: 5000, less the order that stands (the cancelled one came back).
    assert_eq!(browser.text(r#"#catalog [data-stock="tshirt/m-black"]"#).await, "4999");
    browser.screenshot("console-cancelled").await;
    let markup = browser.execute(
        "return [window.pwned === undefined, document.querySelectorAll('#main img').length, \
         document.getElementById('catalog').textContent.includes('<img src=x onerror=\"window.pwned = 1\">タイトル')]",
        vec![],
    );
    assert_eq!(markup.await, json!([true, 0, true]), "data is text in the console, never markup");

    // The shop's staff in the RMS screens: confirming the cancelled order is refused, and the
    // order's timeline and the journal show it as the staff's action, not as an RMS call.
    assert!(shop.staff_confirm(&second).await.is_err(), "a cancelled order cannot be confirmed");
    browser.click(&format!(r#".lane[data-status="900"] button[data-order="{second}"]"#)).await;
    browser.wait_for(r#"#timeline li.staff[data-staff="confirm"]"#).await;
    let staff_line = browser.text(r#"#timeline li.staff[data-staff="confirm"]"#).await;
    assert!(staff_line.contains("店舗スタッフ staff confirm refused"), "{staff_line}");
    assert!(!staff_line.contains("RMS"), "{staff_line}");
    browser.fill("#journal-function", "").await;
    browser.click("#journal-filter button").await;
    let journal = browser.wait_for_text("#journal", "3 shown · 3 recorded").await;
    assert!(journal.contains("staff POST staff.confirm → 409"), "{journal}");

    // The other clock buttons: +15 min, then to a date.
    browser.click("#advance-15m").await;
    browser.wait_for_text("#clock-now", "2026-11-28T10:15:00+0900").await;
    browser.execute("document.getElementById('advance-to').value = '2026-11-29T10:00'", vec![]).await;
    browser.click("#advance-to-go").await;
    browser.wait_for_text("#clock-now", "2026-11-29T10:00:00+0900").await;
    assert_eq!(shop.clock().await.unwrap().now, "2026-11-29T10:00:00+0900");

    // Applied APIs are switches too: the item API off, at once.
    browser.click("#setting-apis-item").await;
    browser.wait_for_text("#status", r#"settings {"apis":["order","inventory"]}: ok"#).await;
    let apis = serde_json::to_value(shop.settings().await.unwrap().apis).unwrap();
    assert_eq!(apis, json!(["order", "inventory"]));
    // And the clock's mode: wall, a virtual minute per real second.
    browser.execute("document.getElementById('clock-mode-select').value = 'wall'", vec![]).await;
    browser.fill("#clock-speed", "60").await;
    browser.click("#clock-apply").await;
    browser.wait_for_text("#clock-mode", "wall, speed 60").await;
    let clock = shop.clock().await.unwrap();
    assert_eq!((clock.mode, clock.speed), (rms_mock::ClockMode::Wall, 60.0));
    browser.quit().await;
}
