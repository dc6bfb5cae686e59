//! Simulated buyers (`[simulate]`, `…/simulate`, `--simulate`): orders that arrive by
//! themselves as the shop's clock moves, reproducible from the seed.

use crate::helpers::*;
use rms_mock::{ItemDoc, MockShop, ShopDocument, SimulateDoc, VariantDoc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A shop of plenty: two T-shirt sizes and socks, 50,000 of each.
fn plenty(shop_id: &str) -> ShopDocument {
    ShopDocument::new(shop_id)
        .seed(42)
        .item(
            ItemDoc::new("tshirt", "Tシャツ")
                .with_variant(VariantDoc::new("m", 1980, 50_000).selector("サイズ", "M"))
                .with_variant(VariantDoc::new("l", 2200, 50_000).selector("サイズ", "L")),
        )
        .item(ItemDoc::new("socks", "ソックス").variant("socks", 500, 50_000))
}

/// An empty fake with one shop; `app.auth` is the shop's.
async fn spawn_shop(doc: ShopDocument) -> (TestApp, MockShop) {
    let mut app = spawn_empty().await;
    let shop = app.mock.shop(doc).await.unwrap();
    app.auth = shop.authorization().into();
    app.shop_id = shop.shop_id().into();
    (app, shop)
}

/// getOrder's view of every order of the shop `auth` opens, in order-number order without the
/// shop id: (number suffix, datetime, settlement, orderer, lines).
async fn fingerprints(app: &TestApp, auth: &str, numbers: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(100) {
        let (status, v) = app.order_as(auth, "getOrder", json!({"orderNumberList": chunk, "version": 7})).await;
        assert_eq!(status, 200, "{v}");
        for o in v["OrderModelList"].as_array().unwrap() {
            let lines: Vec<Value> = o["PackageModelList"][0]["ItemModelList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| json!([i["manageNumber"], i["SkuModelList"][0]["variantId"], i["units"]]))
                .collect();
            let number = o["orderNumber"].as_str().unwrap();
            out.push(json!({
                "number": number.split_once('-').unwrap().1,
                "at": o["orderDatetime"],
                "progress": o["orderProgress"],
                "settlement": o["SettlementModel"]["settlementMethodCode"],
                "orderer": [o["OrdererModel"]["familyName"], o["OrdererModel"]["firstName"], o["OrdererModel"]["zipCode1"]],
                "lines": lines,
            }));
        }
    }
    out
}

/// Every order number of the shop `auth` opens, over searchOrder (dateType 1, 2026-11-28 …
/// 2027-01-29, all statuses, page after page).
async fn search_all(app: &TestApp, auth: &str) -> Vec<String> {
    let mut numbers = Vec::new();
    for page in 1.. {
        let (status, v) = app
            .order_as(
                auth,
                "searchOrder",
                json!({
                    "dateType": 1,
                    "startDatetime": "2026-11-28T00:00:00+0900",
                    "endDatetime": "2027-01-29T23:59:59+0900",
                    "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": page},
                }),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        numbers.extend(v["orderNumberList"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()));
        if page >= v["PaginationResponseModel"]["totalPages"].as_i64().unwrap() {
            break;
        }
    }
    numbers
}

#[tokio::test]
async fn new_orders_appear_in_search_order_as_virtual_time_passes() {
    let app = spawn(shop().with_toml("[simulate]\norders_per_hour = 12\nseed = 3")).await;
    assert!(app.search_numbers(&[]).await.is_empty(), "nobody has ordered at clock_start");
    let status = app.shop().simulation().await.unwrap();
    assert!(status.plan.enabled);
    assert!(status.next_arrival.as_deref().is_some_and(|at| at > START), "{status:?}");

    app.advance(60).await;
    let after_an_hour = app.search_numbers(&[]).await;
    assert!(!after_an_hour.is_empty(), "buyers ordered within the first hour at 12 an hour");
    app.advance(5 * 60).await;
    let after_six_hours = app.search_numbers(&[]).await;
    assert!((40..=110).contains(&after_six_hours.len()), "{} orders in 6 hours at 12 an hour", after_six_hours.len());
    assert!(after_an_hour.iter().all(|n| after_six_hours.contains(n)), "orders stay; new ones join");
    assert_eq!(app.shop().simulation().await.unwrap().placed as usize, after_six_hours.len());

    // They are orders like any other: the integration's import query finds them, getOrder
    // reads them, confirmOrder confirms them.
    let waiting = app.search_numbers(&[100]).await;
    assert!(waiting.len() + 10 >= after_six_hours.len(), "all but the few cancelled wait in 100");
    let o = app.order_model(&waiting[0], 7).await;
    assert_eq!(o["orderProgress"], 100);
    assert!(o["orderDatetime"].as_str().unwrap() > START);
    let (status, v) = app.confirm(&[&waiting[0]]).await;
    assert_eq!(status, 200, "{v}");
}

#[tokio::test]
async fn the_same_seed_and_the_same_advances_give_the_same_orders() {
    let app = spawn_empty().await;
    let sim =
        SimulateDoc::new(30.0).seed(9).cancel_share(10).unpaid_share(20).payment_mix(&[(1, 60), (9, 30), (13, 10)]);
    let a = app.mock.shop(plenty("200001").simulate(sim.clone())).await.unwrap();
    let b = app.mock.shop(plenty("200002").simulate(sim.clone())).await.unwrap();
    let c = app.mock.shop(plenty("200003").simulate(sim.seed(10))).await.unwrap();
    for minutes in [30, 90, 24 * 60, 7] {
        for shop in [&a, &b, &c] {
            shop.advance_minutes(minutes).await.unwrap();
        }
    }
    let numbers_a = search_all(&app, a.authorization()).await;
    let numbers_b = search_all(&app, b.authorization()).await;
    assert!(numbers_a.len() > 300, "{} orders", numbers_a.len());
    let fa = fingerprints(&app, a.authorization(), &numbers_a).await;
    let fb = fingerprints(&app, b.authorization(), &numbers_b).await;
    assert_eq!(fa, fb, "numbers, times, buyers, lines, payments and statuses");
    let fc = fingerprints(&app, c.authorization(), &search_all(&app, c.authorization()).await).await;
    assert_ne!(fa, fc, "another simulation seed, other orders");
}

#[tokio::test]
async fn the_payment_mix_payments_and_cancellations_show_in_the_orders() {
    let sim = SimulateDoc::new(60.0)
        .seed(1)
        .payment_mix(&[(1, 60), (2, 10), (9, 20), (14, 10)])
        .cancel_share(10)
        .unpaid_share(20)
        .pay_within_minutes(600);
    let (_app, shop) = spawn_shop(plenty("200001").simulate(sim)).await;
    let day = shop.advance_hours(12).await.unwrap();
    let stop = shop.patch_simulation(&json!({"enabled": false})).await.unwrap();
    assert_eq!(stop.next_arrival, None);
    let rest = shop.advance_hours(11).await.unwrap();
    let placed = day.transitions.iter().filter(|t| t.cause == "placed").count();
    assert!((600..=840).contains(&placed), "{placed} orders in 12 hours at 60 an hour");
    assert!(rest.transitions.iter().all(|t| t.cause != "placed"), "switched off: nobody orders");

    let orders = shop.orders().await.unwrap();
    assert_eq!(orders.len(), placed);
    let mut by_code: BTreeMap<u16, usize> = BTreeMap::new();
    for o in &orders {
        *by_code.entry(o.settlement_method_code).or_default() += 1;
    }
    let percent = |code: u16| 100.0 * *by_code.get(&code).unwrap_or(&0) as f64 / placed as f64;
    assert_eq!(by_code.keys().copied().collect::<Vec<_>>(), vec![1, 2, 9, 14], "only the mix's codes");
    assert!((53.0..67.0).contains(&percent(1)), "card {}%", percent(1));
    assert!((6.0..14.0).contains(&percent(2)), "COD {}%", percent(2));
    assert!((15.0..25.0).contains(&percent(9)), "bank {}%", percent(9));
    assert!((6.0..14.0).contains(&percent(14)), "convenience {}%", percent(14));

    // About a tenth cancelled alone, within the 30-minute window, as buyer_cancel.
    let cancels: Vec<_> =
        day.transitions.iter().chain(&rest.transitions).filter(|t| t.cause == "buyer_cancel").collect();
    let cancelled = 100.0 * cancels.len() as f64 / placed as f64;
    assert!((6.0..14.0).contains(&cancelled), "{cancelled}% cancelled");
    for t in cancels.iter().take(20) {
        let number = t.order_number.as_deref().unwrap();
        let placed_at = orders.iter().find(|o| o.order_number == number).unwrap().order_datetime.clone();
        let minutes = minutes_between(&placed_at, &t.at);
        assert!((0..=30).contains(&minutes), "{number} cancelled {minutes} min after ordering");
    }

    // Prepaid buyers who kept their order: about four in five paid within 10 hours.
    let prepaid: Vec<_> =
        orders.iter().filter(|o| matches!(o.settlement_method_code, 9 | 14) && o.order_progress != 900).collect();
    let paid = 100.0 * prepaid.iter().filter(|o| o.paid).count() as f64 / prepaid.len() as f64;
    assert!((70.0..90.0).contains(&paid), "{paid}% of {} prepaid orders paid", prepaid.len());
    // The others are cancelled at their payment deadline (7 days).
    let unpaid = prepaid.iter().filter(|o| !o.paid).count();
    let week = shop.advance_hours(8 * 24).await.unwrap();
    assert_eq!(week.transitions.iter().filter(|t| t.cause == "payment_deadline").count(), unpaid);
}

fn minutes_between(from: &str, to: &str) -> i64 {
    let minutes = |s: &str| {
        let (date, time) = s.split_once('T').unwrap();
        let day: i64 = date[8..10].parse().unwrap();
        let h: i64 = time[0..2].parse().unwrap();
        let m: i64 = time[3..5].parse().unwrap();
        (day * 24 + h) * 60 + m
    };
    minutes(to) - minutes(from)
}

#[tokio::test]
async fn stock_runs_down_and_hidden_or_sold_out_skus_are_never_ordered() {
    let mut hidden = VariantDoc::new("red", 900, 50).selector("色", "赤");
    hidden.hidden = true;
    let mut poster = ItemDoc::new("poster", "ポスター").variant("a2", 1500, 50);
    poster.hide_item = true;
    let doc = ShopDocument::new("200001")
        .item(
            ItemDoc::new("mug", "マグ")
                .with_variant(VariantDoc::new("white", 900, 4).selector("色", "白"))
                .with_variant(VariantDoc::new("black", 900, 0).selector("色", "黒"))
                .with_variant(hidden),
        )
        .item(poster)
        .simulate(SimulateDoc::new(60.0).cancel_share(0).payment_mix(&[(1, 1)]).max_units(3));
    let (app, shop) = spawn_shop(doc).await;
    shop.advance_hours(24).await.unwrap();

    let numbers = search_all(&app, &app.auth).await;
    let lines: Vec<Value> = fingerprints(&app, &app.auth, &numbers)
        .await
        .iter()
        .flat_map(|f| f["lines"].as_array().unwrap().clone())
        .collect();
    assert!(lines.iter().all(|l| l[0] == "mug" && l[1] == "white"), "{lines:?}");
    assert_eq!(lines.iter().map(|l| l[2].as_i64().unwrap()).sum::<i64>(), 4, "the four white mugs, no more");
    assert_eq!(app.stock("mug", "white").await, 0);
    assert_eq!(app.stock("mug", "red").await, 50, "hidden SKU untouched");
    assert_eq!(app.stock("poster", "a2").await, 50, "hidden item untouched");
    let status = shop.simulation().await.unwrap();
    assert!(status.gave_up > 1000, "the rest of the day's buyers left empty-handed: {status:?}");
    assert!(status.next_arrival.is_some(), "buyers keep coming to a sold-out shop");

    // The shop restocks through the Inventory API; buyers find the black mugs.
    app.set_stock("mug", "black", 2).await;
    shop.advance_hours(2).await.unwrap();
    assert_eq!(app.stock("mug", "black").await, 0);
    assert!(search_all(&app, &app.auth).await.len() > numbers.len());
}

#[tokio::test]
async fn the_control_plane_switches_buyers_on_and_off_and_changes_their_rate() {
    let (app, shop) = spawn_shop(plenty("200001")).await;
    let off = shop.simulation().await.unwrap();
    assert!(!off.plan.enabled && off.next_arrival.is_none() && off.placed == 0, "{off:?}");
    assert_eq!(off.plan.seed, Some(42), "the shop's seed by default");
    shop.advance_hours(2).await.unwrap();
    assert!(shop.orders().await.unwrap().is_empty());

    let on = shop.patch_simulation(&json!({"enabled": true, "orders_per_hour": 30})).await.unwrap();
    assert_eq!((on.plan.enabled, on.plan.orders_per_hour), (true, 30.0));
    assert_eq!(on.plan.max_orders, 10_000, "other keys keep their defaults");
    shop.advance_hours(2).await.unwrap();
    let after_on = shop.orders().await.unwrap().len();
    assert!((35..=90).contains(&after_on), "{after_on} orders in 2 hours at 30 an hour");

    let slow = shop
        .patch_simulation(
            &json!({"orders_per_hour": 0.5, "payment_mix": {"2": 100, "1": null, "9": null, "13": null, "14": null}}),
        )
        .await
        .unwrap();
    assert_eq!(slow.plan.payment_mix, BTreeMap::from([("2".to_string(), 100)]), "a merge patch: null removes a code");
    shop.advance_hours(2).await.unwrap();
    let after_slow = shop.orders().await.unwrap();
    assert!(after_slow.len() - after_on <= 5, "{} orders in 2 hours at 0.5 an hour", after_slow.len() - after_on);
    assert!(after_slow[after_on..].iter().all(|o| o.settlement_method_code == 2));

    shop.patch_simulation(&json!({"enabled": false})).await.unwrap();
    shop.advance_hours(24).await.unwrap();
    assert_eq!(shop.orders().await.unwrap().len(), after_slow.len());

    // Bad patches are refused by key and change nothing.
    for (patch, key) in [
        (json!({"orders_per_hour": 100}), "simulate.orders_per_hour"),
        (json!({"payment_mix": {"99": 1}}), "simulate.payment_mix.99"),
        (json!({"cancel_share": "lots"}), "simulate.cancel_share"),
        (json!({"orders_per_hr": 5}), "orders_per_hr"),
    ] {
        let (status, v) = app.admin(reqwest::Method::PATCH, &app.shop_path("/simulate"), Some(patch.clone())).await;
        assert_eq!(status, 400, "{patch}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(key), "{patch}: {v}");
    }
    let (status, _) = app.admin(reqwest::Method::PATCH, &app.shop_path("/simulate"), Some(json!([1]))).await;
    assert_eq!(status, 400);
    let (status, _) = app.admin(reqwest::Method::GET, "/__admin/shops/999999/simulate", None).await;
    assert_eq!(status, 404);
    assert!(!shop.simulation().await.unwrap().plan.enabled);
}

#[tokio::test]
async fn a_shop_document_with_a_bad_simulate_key_is_refused_by_key() {
    let app = spawn_empty().await;
    let (status, v) =
        app.create_shop_toml(&shop().with_toml("[simulate]\npayment_mix = { 1 = 70, 99 = 30 }").toml()).await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("simulate.payment_mix.99: '99' is not a RakutenPay payment code"),
        "{v}"
    );
}

#[tokio::test]
async fn a_year_ahead_at_the_fastest_rate_stops_at_max_orders() {
    let (_app, shop) = spawn_shop(plenty("200001").simulate(SimulateDoc::new(60.0).max_orders(300))).await;
    let year = shop.advance_days(365).await.unwrap();
    assert_eq!(year.transitions.iter().filter(|t| t.cause == "placed").count(), 300);
    let status = shop.simulation().await.unwrap();
    assert_eq!((status.placed, status.next_arrival), (300, None));
    // Raising the cap lets buyers come again, from now.
    let more = shop.patch_simulation(&json!({"max_orders": 400})).await.unwrap();
    assert!(more.next_arrival.is_some());
}

#[tokio::test]
async fn the_binary_with_simulate_serves_the_demo_shop_with_buyers() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rms-mock"))
        .args(["--port", "0"])
        .env("RMS_MOCK_SIMULATE", "30")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap())
        .take_while(|l| !l.starts_with("control plane"))
        .collect();
    let url = lines[0].strip_prefix("listening on ").unwrap().to_string();
    assert!(lines.iter().any(|l| l.trim().starts_with("simulated buyers: 30 orders per virtual hour")), "{lines:?}");
    let control = rms_mock::ControlClient::new(&url);
    let demo = control.existing_shop("123456").await.unwrap();
    let before = demo.orders().await.unwrap().len();
    demo.advance_hours(2).await.unwrap();
    let after = demo.orders().await.unwrap().len();
    control.reset().await.unwrap();
    let reset = demo.simulation().await.unwrap();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    assert!(after > before + 20, "{before} → {after} orders after 2 virtual hours at 30 an hour");
    assert_eq!(
        (reset.plan.enabled, reset.plan.orders_per_hour, reset.placed),
        (true, 30.0, 0),
        "reset keeps the buyers"
    );
}

#[tokio::test]
async fn in_wall_mode_buyers_order_as_real_time_passes_and_the_same_orders_as_a_manual_clock() {
    let simulate = "[simulate]\norders_per_hour = 30\nseed = 2\ncancel_share = 20";
    let wall = rms_mock::WallClock::manual();
    let live = spawn_on(
        wall.clone(),
        shop().with_shop_line("clock = \"wall\"").with_shop_line("clock_speed = 3600.0").with_toml(simulate),
    )
    .await;
    let manual = spawn(shop().with_toml(simulate)).await;
    assert!(live.search_numbers(&[]).await.is_empty());
    // Two real seconds at 3600×: two virtual hours, and nobody called the control plane.
    wall.advance(std::time::Duration::from_secs(2));
    let numbers = live.search_numbers(&[]).await;
    assert!((30..=100).contains(&numbers.len()), "{} orders in 2 virtual hours at 30 an hour", numbers.len());
    manual.advance(120).await;
    assert_eq!(
        fingerprints(&live, &live.auth, &numbers).await,
        fingerprints(&manual, &manual.auth, &manual.search_numbers(&[]).await).await,
        "the same buyers, orders and cancellations on either clock"
    );
}
