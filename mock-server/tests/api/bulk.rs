//! Loading many orders at once (`POST …/orders/bulk`) and the summary `clock/advance`
//! answers with: a bulk places exactly what one call per order would, checks every document
//! before placing any, and keeps what it placed when the shop refuses part-way.

use crate::helpers::*;
use rms_mock::control::{AdvanceRequest, TransitionDetail, FIRST_TRANSITIONS};
use rms_mock::OrderDoc;
use serde_json::{json, Value};

fn at(minutes: i64) -> String {
    // START is 2026-11-28T09:00:00+0900.
    let (h, m) = (9 + minutes / 60, minutes % 60);
    format!("2026-11-28T{h:02}:{m:02}:00+0900")
}

/// A day of mixed orders: card, COD, bank transfer; one to three lines; times that repeat.
fn day_of_orders(n: usize) -> Vec<OrderDoc> {
    (0..n)
        .map(|i| {
            let settlement = [1, 1, 2, 9][i % 4];
            let mut o = OrderDoc::new().settlement(settlement).at(at(i as i64 * 7 / 2));
            for line in 0..1 + i % 3 {
                o = match line {
                    0 => o.line("tshirt", "m-black", 1),
                    1 => o.line("socks", "socks", 2),
                    _ => o.line("tshirt", "m-black", 3),
                };
            }
            o
        })
        .collect()
}

async fn advance(app: &TestApp, query: &str, body: Value) -> (u16, Value) {
    let path = format!("{}{query}", app.shop_path("/clock/advance"));
    app.admin(reqwest::Method::POST, &path, Some(body)).await
}

async fn bulk(app: &TestApp, query: &str, orders: Value) -> (u16, Value) {
    let path = format!("{}{query}", app.shop_path("/orders/bulk"));
    app.admin(reqwest::Method::POST, &path, Some(json!({ "orders": orders }))).await
}

/// What the control plane knows of every order: number, status, time, price, history.
async fn every_order(app: &TestApp) -> Vec<(Value, Value)> {
    let mut out = Vec::new();
    for o in app.shop().orders().await.unwrap() {
        let history = app.history(&o.order_number).await;
        out.push((json_of(&o), history));
    }
    out
}

#[tokio::test]
async fn a_bulk_places_exactly_what_one_call_per_order_places() {
    let spec = || shop().with_setting("auto_confirm = true").with_setting("auto_confirm_delay_minutes = 10");
    let one_by_one = spawn(spec()).await;
    let in_bulk = spawn(spec()).await;
    let orders = day_of_orders(120);
    for o in &orders {
        one_by_one.shop().place_order(o).await.unwrap();
    }
    let placed = in_bulk.shop().place_orders(&orders).await.unwrap();
    assert_eq!(placed.placed, 120);
    let expected = every_order(&one_by_one).await;
    assert_eq!(every_order(&in_bulk).await, expected);
    assert_eq!(placed.first_order_number, expected[0].0["order_number"]);
    assert_eq!(placed.last_order_number, expected[119].0["order_number"]);
    assert_eq!(placed.now, one_by_one.shop().now().await.unwrap());
    // What the clock fired on the way: every confirmation due before the last order's time,
    // and Rakuten's processing after it; the bulk's own placements are not repeated.
    let confirmed = expected.iter().filter(|(_, h)| h["history"].as_array().unwrap().len() > 1).count();
    assert_eq!(placed.transitions.by_cause.get("auto_confirm"), Some(&confirmed));
    assert_eq!(placed.transitions.by_cause.get("placed"), None);
    assert_eq!(placed.transitions.fired, placed.transitions.by_cause.values().sum::<usize>());
    assert_eq!(placed.transitions.transitions.len(), placed.transitions.fired.min(FIRST_TRANSITIONS));
    assert_eq!(placed.transitions.truncated, placed.transitions.fired > FIRST_TRANSITIONS);
}

#[tokio::test]
async fn a_document_with_a_problem_places_nothing_and_is_named_by_its_key() {
    let app = spawn(shop()).await;
    let good = json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "at": at(10)});
    let cases = [
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 0}]}),
            "orders[1].lines[0].units: 0 is not between 1 and 999",
        ),
        (
            json!({"lines": [{"manage_number": "nothing", "variant_id": "m-black"}]}),
            "orders[1].lines[0].manage_number: no item 'nothing'",
        ),
        (json!({"lines": []}), "orders[1].lines: an order needs at least one line"),
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "at": at(5)}),
            "orders[1].at: 2026-11-28T09:05:00+0900 is before orders[0].at",
        ),
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "at": "tomorrow"}),
            "orders[1].at: 'tomorrow' is not a JST datetime",
        ),
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "settlement_method_code": 77}),
            "orders[1].settlement_method_code: 77 is not a RakutenPay payment code",
        ),
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "coupons": [{"code": "C", "price": 5000}]}),
            "orders[1].coupons: coupons and points (5000) exceed the order total",
        ),
        (
            json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "colour": "red"}),
            "orders[1].colour: unknown field `colour`",
        ),
    ];
    for (bad, message) in cases {
        let (status, v) = bulk(&app, "", json!([good, bad, good])).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["error"]["code"], "invalid_request");
        let text = v["error"]["message"].as_str().unwrap();
        assert!(text.starts_with(&format!("request body: {message}")), "{text}");
    }
    let early =
        json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black"}], "at": "2026-11-28T08:59:59+0900"});
    let (status, v) = bulk(&app, "", json!([early, good])).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().starts_with(
        "request body: orders[0].at: 2026-11-28T08:59:59+0900 is before the shop's current time 2026-11-28T09:00:00+0900"
    ));
    assert!(app.shop().orders().await.unwrap().is_empty(), "nothing placed");
    assert_eq!(app.shop().now().await.unwrap(), START, "the clock did not move");
}

#[tokio::test]
async fn a_refusal_of_the_shop_part_way_keeps_the_orders_before_it() {
    let app = spawn(shop()).await;
    // l-white has 3 in stock: the third order of one finds none left.
    let white =
        |minutes: i64| json!({"lines": [{"manage_number": "tshirt", "variant_id": "l-white"}], "at": at(minutes)});
    let (status, v) = bulk(&app, "", json!([white(1), white(2), white(3), white(4), white(5)])).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(
        (v["placed"].clone(), v["index"].clone(), v["error"]["code"].clone()),
        (json!(3), json!(3), json!("conflict"))
    );
    let text = v["error"]["message"].as_str().unwrap();
    assert!(text.starts_with("orders[3]: out of stock: tshirt/l-white has 0 left, the order needs 1"), "{text}");
    assert_eq!(app.shop().orders().await.unwrap().len(), 3);
    assert_eq!(
        app.shop().now().await.unwrap(),
        at(4),
        "the clock moved to the refused order's time, as one call would"
    );
    // The typed handle reports the refusal as a control-plane error.
    match app.shop().place_orders(&[OrderDoc::new().line("tshirt", "l-white", 1)]).await {
        Err(rms_mock::Error::Control { status: 409, code, .. }) => assert_eq!(code, "conflict"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn more_than_10000_orders_or_none_are_refused_whole() {
    let app = spawn(shop()).await;
    app.set_stock("socks", "socks", 99_999).await;
    let one = json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}]});
    let (status, v) = bulk(&app, "", Value::Array(vec![one.clone(); 10_001])).await;
    assert_eq!((status, v["error"]["code"].clone()), (413, json!("payload_too_large")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("at most 10000"));
    let (status, _) = bulk(&app, "", json!([])).await;
    assert_eq!(status, 400);
    assert!(app.shop().orders().await.unwrap().is_empty());
    let (status, v) = bulk(&app, "", Value::Array(vec![one; 10_000])).await;
    assert_eq!((status, v["placed"].clone()), (200, json!(10_000)));
}

#[tokio::test]
async fn advance_answers_a_summary_by_default_and_every_transition_on_request() {
    let app = spawn(shop().with_setting("auto_confirm = true").with_setting("auto_confirm_delay_minutes = 10")).await;
    let orders: Vec<OrderDoc> = (0..70).map(|_| OrderDoc::new().line("socks", "socks", 1)).collect();
    app.shop().place_orders(&orders).await.unwrap();
    // 70 confirmations at 09:10, 70 processings at 09:40.
    let (status, v) = advance(&app, "", json!({"minutes": 60})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["now"].clone(), v["fired"].clone()), (json!("2026-11-28T10:00:00+0900"), json!(140)));
    assert_eq!(v["by_cause"], json!({"auto_confirm": 70, "processing": 70}));
    assert_eq!((v["transitions"].as_array().unwrap().len(), v["truncated"].clone()), (100, json!(true)));
    assert_eq!(v["transitions"][0]["cause"], "auto_confirm");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["now", "fired", "by_cause", "transitions", "truncated"]);

    let more: Vec<OrderDoc> = (0..70).map(|_| OrderDoc::new().line("socks", "socks", 1)).collect();
    app.shop().place_orders(&more).await.unwrap();
    let (_, v) = advance(&app, "?transitions=all", json!({"minutes": 60})).await;
    assert_eq!(
        (v["fired"].clone(), v["transitions"].as_array().unwrap().len(), v["truncated"].clone()),
        (json!(140), 140, json!(false))
    );
    app.shop().place_orders(&more).await.unwrap();
    let (_, v) = advance(&app, "", json!({"minutes": 60, "transitions": "all"})).await;
    assert_eq!(v["transitions"].as_array().unwrap().len(), 140);
    let (_, v) = advance(&app, "", json!({"minutes": 60, "transitions": "summary"})).await;
    assert_eq!(
        (v["fired"].clone(), v["truncated"].clone(), v["by_cause"].clone()),
        (json!(0), json!(false), json!({}))
    );

    for (query, body) in [("?transitions=some", json!({"minutes": 1})), ("", json!({"minutes": 1, "transitions": 3}))] {
        let (status, v) = advance(&app, query, body).await;
        assert_eq!((status, v["error"]["code"].clone()), (400, json!("invalid_request")), "{v}");
    }
    // The typed handle asks for every transition unless told otherwise.
    app.shop().place_orders(&more).await.unwrap();
    let all = app.shop().advance_minutes(60).await.unwrap();
    assert_eq!((all.fired, all.transitions.len(), all.truncated), (140, 140, false));
    app.shop().place_orders(&more).await.unwrap();
    let summary =
        app.shop().advance(&AdvanceRequest::minutes(60).with_transitions(TransitionDetail::Summary)).await.unwrap();
    assert_eq!((summary.fired, summary.transitions.len(), summary.truncated), (140, 100, true));
}

/// The bulk works in pieces and lets other requests in between: on the test's one-thread
/// runtime nothing else could run while it held the thread, so a count between none and all
/// can only be seen if it did.
#[tokio::test]
async fn other_requests_to_the_shop_are_answered_while_a_bulk_is_placed() {
    let app = spawn(shop()).await;
    app.set_stock("socks", "socks", 99_999).await;
    let orders: Vec<OrderDoc> = (0..10_000).map(|_| OrderDoc::new().line("socks", "socks", 1)).collect();
    let shop = app.shop().clone();
    let bulk = tokio::spawn(async move { shop.place_orders(&orders).await });
    let mut seen = Vec::new();
    while !bulk.is_finished() {
        seen.push(app.shop().detail().await.unwrap().orders_by_status.values().sum::<usize>());
    }
    assert_eq!(bulk.await.unwrap().unwrap().placed, 10_000);
    assert!(seen.iter().any(|n| (1..10_000).contains(n)), "only none or all seen: {seen:?}");
}
