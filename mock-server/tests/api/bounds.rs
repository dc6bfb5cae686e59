//! Issue 12, "Unbounded inputs": every number a client, a shop document or the control plane
//! brings is held to a range and answered with a clear error of its family, never an
//! overflow, a runaway allocation or a silent loss.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

/// The message of a control-plane error answer.
fn message(v: &serde_json::Value) -> &str {
    v["error"]["message"].as_str().unwrap_or_default()
}

/// Bug: `[shipping] postage_price = -9223372036854775808` was accepted, and an order with a
/// 700-yen coupon then answered `request_price` −9223372036854775158 (a panic in debug builds
/// once the sums passed `i64::MAX`).
#[tokio::test]
async fn shipping_amounts_outside_rms_prices_are_refused_naming_the_key() {
    let app = spawn(shop()).await;
    for (line, key) in [
        ("postage_price = -9223372036854775808", "shipping.postage_price"),
        ("postage_price = 1000000000", "shipping.postage_price"),
        ("cod_fee = 9223372036854775807", "shipping.cod_fee"),
        ("free_postage_threshold = -1", "shipping.free_postage_threshold"),
    ] {
        let doc = shop().id("222222").with_toml(&format!("[shipping]\n{line}")).toml();
        let (status, v) = app.create_shop_toml(&doc).await;
        assert_eq!(status, 400, "{line}: {v}");
        assert!(message(&v).contains(key) && message(&v).contains("between 0 and 999999999"), "{line}: {v}");
    }
    let doc = shop().id("222222").with_toml("[shipping]\npostage_price = 999999999").toml();
    assert_eq!(app.create_shop_toml(&doc).await.0, 201, "the largest RMS amount is fine");
}

/// Bug: points and coupon prices were any `i64` (a coupon of `i64::MAX` yen × 2 saturated
/// where it did not overflow); now they are RMS amounts, refused by key when they are not.
#[tokio::test]
async fn points_and_coupons_outside_rms_amounts_are_refused_naming_the_key() {
    let app = spawn(shop()).await;
    let line = json!([{"manage_number": "socks", "variant_id": "socks", "units": 1}]);
    let coupon = |price: i64, unit: i64| json!([{"code": "C", "price": price, "unit": unit}]);
    for (extra, key, problem) in [
        (json!({"used_point": 1_000_000_000i64}), "used_point", "1000000000 is more than 999999999"),
        (json!({"used_point": i64::MAX}), "used_point", "is more than 999999999"),
        (json!({"coupons": coupon(1_000_000_000, 1)}), "coupons[0].price", "is not between 0 and 999999999"),
        (json!({"coupons": coupon(i64::MAX, 2)}), "coupons[0].price", "is not between 0 and 999999999"),
        (json!({"coupons": coupon(10, 1000)}), "coupons[0].unit", "1000 is not between 1 and 999"),
    ] {
        let mut body = extra.clone();
        body["lines"] = line.clone();
        let (status, v) = app.place_raw(body).await;
        assert_eq!(status, 400, "{extra}: {v}");
        assert_eq!(v["error"]["code"], "invalid_request");
        assert!(message(&v).contains(&format!("request body: {key}: ")) && message(&v).contains(problem), "{v}");
    }
    let (status, v) = app.place_raw(json!({"lines": line, "used_point": 50, "coupons": coupon(100, 2)})).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["request_price"], 500 + 550 - 200 - 50);
    let (_, orders) = app.admin(Method::GET, &app.shop_path("/orders"), None).await;
    assert_eq!(orders["orders"].as_array().unwrap().len(), 1, "only the good order was placed");
}

/// Bug: `{"minutes": 9223372036854775807}` moved the clock to the year 292277026596 and the
/// next order was `999998-2922770265961204-…`. An advance is at most ten years, and no clock
/// passes 9989-12-31T23:59:59+0900, so every date the fake writes keeps four digits.
#[tokio::test]
async fn clock_advances_are_at_most_ten_years_and_the_clock_never_passes_its_latest_time() {
    let app = spawn(shop()).await;
    let advance_path = app.shop_path("/clock/advance");
    let advance = |body: serde_json::Value| app.admin(Method::POST, &advance_path, Some(body));
    for body in [
        json!({"minutes": i64::MAX}),
        json!({"minutes": 5_258_881}),
        json!({"seconds": 315_532_801}),
        json!({"to": "2036-11-27T09:00:01+0900"}),
    ] {
        let (status, v) = advance(body.clone()).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert!(message(&v).contains("(ten years)"), "{body}: {v}");
    }
    assert_eq!(app.shop().now().await.unwrap(), START, "a refused advance moves nothing");
    let (status, v) = advance(json!({"to": "2036-11-27T09:00:00+0900"})).await;
    assert_eq!((status, v["now"].as_str()), (200, Some("2036-11-27T09:00:00+0900")), "exactly 3652 days is fine");

    // A shop near the end of the calendar.
    let late = shop().id("222222").clock_start("9989-12-31T00:00:00+0900");
    let (status, v) = app.create_shop_toml(&late.toml()).await;
    assert_eq!(status, 201, "{v}");
    let path = |rest: &str| format!("/__admin/shops/222222{rest}");
    let (status, v) =
        app.admin(Method::POST, &path("/clock/advance"), Some(json!({"to": "9989-12-31T23:59:59+0900"}))).await;
    assert_eq!(status, 200, "{v}");
    for body in [json!({"seconds": 1}), json!({"to": "9999-12-31T23:59:59+0900"})] {
        let (status, v) = app.admin(Method::POST, &path("/clock/advance"), Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert!(message(&v).contains("9989-12-31T23:59:59+0900, the latest time a shop's clock reaches"), "{v}");
    }
    let order = json!({"lines": [{"manage_number": "socks", "variant_id": "socks", "units": 1}]});
    let (status, v) = app.admin(Method::POST, &path("/orders"), Some(order.clone())).await;
    assert_eq!(status, 201, "{v}");
    assert!(v["order_number"].as_str().unwrap().starts_with("222222-99891231-"), "{v}");
    let mut later = order;
    later["at"] = json!("9990-01-01T00:00:00+0900");
    let (status, v) = app.admin(Method::POST, &path("/orders"), Some(later)).await;
    assert_eq!(status, 400, "{v}");
    assert!(message(&v).starts_with("request body: at: 9990-01-01T00:00:00+0900 is after"), "{v}");
}

#[tokio::test]
async fn shop_documents_and_renewals_cannot_start_a_clock_past_its_latest_time() {
    let app = spawn(shop()).await;
    let (status, v) = app.create_shop_toml(&shop().id("222222").clock_start("9999-01-01T00:00:00+0900").toml()).await;
    assert_eq!(status, 400, "{v}");
    assert!(message(&v).contains("shop.clock_start: 9999-01-01T00:00:00+0900 is after"), "{v}");
    let renewal = json!({"license_key": "SL_new", "issued_at": "9999-01-01T00:00:00+0900"});
    let (status, v) = app.admin(Method::POST, &app.shop_path("/license"), Some(renewal)).await;
    assert_eq!(status, 400, "{v}");
    assert!(message(&v).starts_with("request body: issued_at: "), "{v}");
}

/// Bug: a delay setting was any `u32` (auto-confirmation 8,000 years on), `journal_limit`
/// any `usize` (u64::MAX), and a gateway status 204 or 304 was taken and then answered
/// without the error body that says why.
#[tokio::test]
async fn settings_outside_their_ranges_are_refused_naming_the_key() {
    let app = spawn(shop()).await;
    for (patch, key, problem) in [
        (json!({"journal_limit": u64::MAX}), "journal_limit", "must be at most 1000000"),
        (json!({"journal_limit": 1_000_001}), "journal_limit", "must be at most 1000000"),
        (
            json!({"auto_confirm_delay_minutes": u32::MAX}),
            "auto_confirm_delay_minutes",
            "is more than 5258880 (ten years)",
        ),
        (json!({"payment_settle_minutes": 5_258_881}), "payment_settle_minutes", "is more than 5258880"),
        (json!({"prepayment_due_days": 3653}), "prepayment_due_days", "3653 is more than 3652 (ten years)"),
        (json!({"unconfirmed_cancel_days": u32::MAX}), "unconfirmed_cancel_days", "is more than 3652"),
        (json!({"gateway": {"unauthorised_status": 204}}), "gateway.unauthorised_status", "204 cannot carry"),
        (json!({"gateway": {"rate_limited_status": 304}}), "gateway.rate_limited_status", "304 cannot carry"),
        (json!({"gateway": {"function_disabled_status": 302}}), "gateway.function_disabled_status", "302 cannot"),
        (json!({"gateway": {"unauthorised_status": 205}}), "gateway.unauthorised_status", "205 cannot carry"),
    ] {
        let (status, v) = app.patch_settings(patch.clone()).await;
        assert_eq!(status, 400, "{patch}: {v}");
        assert!(message(&v).contains(&format!("settings.{key}: ")) && message(&v).contains(problem), "{patch}: {v}");
    }
    let (_, settings) = app.admin(Method::GET, &app.shop_path("/settings"), None).await;
    assert_eq!((settings["journal_limit"].as_u64(), settings["prepayment_due_days"].as_u64()), (Some(1000), Some(7)));
    for patch in [
        json!({"journal_limit": 1_000_000, "prepayment_due_days": 3652, "auto_confirm_delay_minutes": 5_258_880}),
        json!({"gateway": {"unauthorised_status": 200, "rate_limited_status": 503, "function_disabled_status": 418}}),
    ] {
        let (status, v) = app.patch_settings(patch.clone()).await;
        assert_eq!(status, 200, "{patch}: {v}");
    }
}

/// Bug: a 60 KB path (and any query or `User-Agent`) was journalled whole: 60 MB a shop at
/// the default `journal_limit`. The entry keeps 2 KiB of it and says how long it was. (30 KB
/// of path and 30 KB of query here: a URI is at most 64 KB.)
#[tokio::test]
async fn a_long_path_query_and_header_are_journalled_cut_with_their_length() {
    let app = spawn(shop()).await;
    let long = "a".repeat(30_000);
    let r = app
        .client
        .get(format!("{}/es/2.0/items/manage-numbers/{long}?q={long}", app.base))
        .header("Authorization", &app.auth)
        .header("User-Agent", "u".repeat(8000))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let journal = app.journal().await;
    let e = &journal["entries"][0];
    let path = e["path"].as_str().unwrap();
    let full = "/es/2.0/items/manage-numbers/".len() + 30_000;
    assert!(path.len() < 2100 && path.ends_with(&format!("a…[truncated: {full} bytes in all]")), "{}", path.len());
    let query = e["query"].as_str().unwrap();
    assert!(query.len() < 2100 && query.ends_with("a…[truncated: 30002 bytes in all]"), "{}", query.len());
    assert!(e["request_headers"]["user-agent"].as_str().unwrap().ends_with("u…[truncated: 8000 bytes in all]"));
}

/// Bug: putting units back at the 99,999 cap destroyed them silently (a cancellation after
/// the stock was set to 99,999). The restock stops at the cap, as RMS's stock does, and the
/// order's history and the conformance ledger say how many units did not go back.
#[tokio::test]
async fn a_restock_at_the_stock_cap_is_recorded_never_silent() {
    let app = spawn(shop()).await;
    let cancelled = app.place(&[("socks", "socks", 5)], 1).await;
    let changed = app.place(&[("tshirt", "m-black", 3)], 1).await;
    app.set_stock("socks", "socks", 99_997).await;
    app.set_stock("tshirt", "m-black", 99_998).await;

    app.shop().cancel(&cancelled).await.unwrap();
    assert_eq!(app.stock("socks", "socks").await, 99_999);
    let h = app.history(&cancelled).await;
    assert_eq!(h["stock_capped"][0]["units"], 5, "{h}");
    assert_eq!(h["stock_capped"][0]["lost"], 3, "{h}");
    assert_eq!(
        (&h["stock_capped"][0]["manage_number"], &h["stock_capped"][0]["variant_id"]),
        (&json!("socks"), &json!("socks"))
    );
    assert_eq!(h["stock_capped"][0]["at"], START);

    let o = app.order_model(&changed, 9).await;
    let basket = o["PackageModelList"][0]["basketId"].as_u64().unwrap();
    let detail = o["PackageModelList"][0]["ItemModelList"][0]["itemDetailId"].as_u64().unwrap();
    let fewer = json!({"orderNumber": changed, "PackageModelList": [{"basketId": basket, "ItemModelList": [{"itemDetailId": detail, "units": 1}]}]});
    let (_, v) = app.order("updateOrderSender", fewer).await;
    assert_eq!(codes(&v), ["ORDER_EXT_API_UPDATE_ORDERSENDER_INFO_101"], "{v}");
    assert_eq!(app.stock("tshirt", "m-black").await, 99_999);
    let h = app.history(&changed).await;
    assert_eq!(
        (h["stock_capped"][0]["units"].as_i64(), h["stock_capped"][0]["lost"].as_i64()),
        (Some(2), Some(1)),
        "{h}"
    );

    let untouched = app.place(&[("socks", "socks", 1)], 1).await;
    app.shop().cancel(&untouched).await.unwrap();
    assert!(app.history(&untouched).await.get("stock_capped").is_none(), "no cap met, nothing listed");
}

/// Bug: `catalog/generate` took up to 100,000 items × 400 SKUs in one call (about 20 GB of
/// items). One generation makes at most 100,000 SKUs, a shop document's `[generate]` too.
#[tokio::test]
async fn a_generation_makes_at_most_100000_skus() {
    let app = spawn(shop()).await;
    let generate = app.shop_path("/catalog/generate");
    for body in [json!({"items": 100_000, "variants": 400}), json!({"items": 25_001, "variants": 4})] {
        let (status, v) = app.admin(Method::POST, &generate, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert!(message(&v).contains("one generation makes at most 100000"), "{v}");
    }
    let doc = shop().id("222222").with_toml("[generate]\nitems = 50001\nvariants = 2").toml();
    let (status, v) = app.create_shop_toml(&doc).await;
    assert_eq!(status, 400, "{v}");
    assert!(message(&v).contains("generate: items × variants is 100002 SKUs"), "{v}");
    let (status, v) = app.admin(Method::POST, &generate, Some(json!({"items": 100, "variants": 3}))).await;
    assert_eq!((status, v["generated"].as_u64()), (201, Some(100)), "{v}");
}

/// Generating runs on a blocking thread and inserts in steps, each under its own hold of the
/// shop's lock (issue 11): the control plane answers while two generations run (issue 12 saw
/// two 50k-SKU calls stall `/__admin/health` for 2.4 s; 20k SKUs each here, a few seconds of
/// a debug build).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_the_shop_answer_while_two_large_generations_run() {
    let app = spawn(shop()).await;
    let generation = |seed: u64| {
        let (client, url) = (app.client.clone(), format!("{}{}", app.base, app.shop_path("/catalog/generate")));
        tokio::spawn(async move {
            let r = client.post(url).json(&json!({"items": 5_000, "variants": 4, "seed": seed})).send().await.unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap()["generated"].as_u64())
        })
    };
    let (a, b) = (generation(1), generation(2));
    let mut answered_during = 0;
    let mut slowest = std::time::Duration::ZERO;
    while !(a.is_finished() && b.is_finished()) {
        let started = std::time::Instant::now();
        let (status, _) = app.admin(Method::GET, "/__admin/health", None).await;
        let (shop_status, _) = app.admin(Method::GET, &app.shop_path("/clock"), None).await;
        assert_eq!((status, shop_status), (200, 200));
        slowest = slowest.max(started.elapsed());
        if !(a.is_finished() && b.is_finished()) {
            answered_during += 1;
        }
    }
    assert_eq!((a.await.unwrap(), b.await.unwrap()), ((201, Some(5_000)), (201, Some(5_000))));
    assert!(answered_during >= 3, "the control plane answered {answered_during} times during the generations");
    assert!(slowest < std::time::Duration::from_secs(1), "a health + clock pair took {slowest:?}");
}

/// Bug: the admin order list was one answer of every order (41 MB for a 200k-order shop).
/// It is paged: `?page=&per_page=` (1000 a page by default, at most 10,000), with the totals.
#[tokio::test]
async fn the_order_list_is_paged() {
    let app = spawn(shop()).await;
    let orders: Vec<rms_mock::OrderDoc> =
        (0..25).map(|_| rms_mock::OrderDoc::new().line("socks", "socks", 1)).collect();
    app.shop().place_orders(&orders).await.unwrap();
    let app = &app;
    let list = |query: &str| {
        let path = format!("{}{query}", app.shop_path("/orders"));
        async move { app.admin(Method::GET, &path, None).await }
    };

    let (status, v) = list("?page=3&per_page=10").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["total"].as_u64(), v["page"].as_u64(), v["per_page"].as_u64(), v["total_pages"].as_u64()),
        (Some(25), Some(3), Some(10), Some(3))
    );
    let third: Vec<&str> =
        v["orders"].as_array().unwrap().iter().map(|o| o["order_number"].as_str().unwrap()).collect();
    let (_, all) = list("").await;
    assert_eq!((all["per_page"].as_u64(), all["orders"].as_array().unwrap().len()), (Some(1000), 25), "{all}");
    let every: Vec<&str> =
        all["orders"].as_array().unwrap().iter().map(|o| o["order_number"].as_str().unwrap()).collect();
    assert_eq!(third, every[20..], "the third page of 10 is the 21st to the 25th order");
    let (status, v) = list("?page=4&per_page=10").await;
    assert_eq!((status, v["orders"].as_array().unwrap().len()), (200, 0), "past the end: empty");

    for (query, problem) in [
        ("?per_page=0", "query: per_page: 0 is not between 1 and 10000"),
        ("?per_page=10001", "query: per_page: 10001 is not between 1 and 10000"),
        ("?page=0", "query: page: pages count from 1"),
        ("?page=abc", "query: "),
        ("?limit=5", "query: "),
    ] {
        let (status, v) = list(query).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["error"]["code"], "invalid_request");
        assert!(message(&v).starts_with(problem), "{query}: {v}");
    }
}

/// `MockShop::orders` reads every page: a shop of more orders than the largest page.
#[tokio::test]
async fn mock_shop_orders_reads_every_page() {
    let app = spawn(shop()).await;
    app.set_stock("tshirt", "m-black", 99_999).await;
    let order = rms_mock::OrderDoc::new().line("tshirt", "m-black", 1);
    for n in [4_000, 4_000, 2_001] {
        app.shop().place_orders(&vec![order.clone(); n]).await.unwrap();
    }
    let orders = app.shop().orders().await.unwrap();
    assert_eq!(orders.len(), 10_001);
    let last_page = app.shop().orders_page(&rms_mock::control::PageQuery::new(2, 10_000)).await.unwrap();
    assert_eq!((last_page.total, last_page.total_pages, last_page.orders.len()), (10_001, 2, 1));
    assert_eq!(last_page.orders[0], orders[10_000]);
}

/// The catalog listing is paged the same way (items, and orphan stock records).
#[tokio::test]
async fn the_catalog_is_paged() {
    let app = spawn(shop()).await;
    let (status, _) =
        app.admin(Method::POST, &app.shop_path("/catalog/generate"), Some(json!({"items": 30, "variants": 2}))).await;
    assert_eq!(status, 201);
    let (status, v) = app.admin(Method::GET, &app.shop_path("/catalog?page=5&per_page=7"), None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["total_items"].as_u64(), v["total_pages"].as_u64(), v["items"].as_array().unwrap().len()),
        (Some(32), Some(5), 4)
    );
    let (status, v) = app.admin(Method::GET, &app.shop_path("/catalog?per_page=20000"), None).await;
    assert_eq!(status, 400, "{v}");
    let whole = app.shop().catalog().await.unwrap();
    assert_eq!(whole.items.len(), 32);
    let detail = app.shop().detail().await.unwrap();
    assert_eq!((detail.catalog.items.len(), detail.catalog.total_items), (32, 32), "the detail shows the first page");
}

/// The control plane's body limits are set per endpoint and said in the 413, a JSON error:
/// 8 MiB for a shop document (axum's default of 2 MiB refused a document of some ten
/// thousand orders), 64 MiB for a bulk of orders, 2 MiB for everything else.
#[tokio::test]
async fn body_limits_are_per_endpoint_and_their_413_says_the_limit() {
    let app = spawn_empty().await;
    let url = format!("{}/__admin/shops", app.base);
    let document = |padding: usize| {
        let doc = json!({"shop": {"shop_id": "222222", "service_secret": "SP222222_s", "license_key": "SL222222_k"}});
        format!("{}{doc}", " ".repeat(padding))
    };
    let post = |body: String| app.client.post(&url).header("Content-Type", "application/json").body(body).send();
    let r = post(document(3 << 20)).await.unwrap();
    assert_eq!(r.status(), 201, "a 3 MiB shop document is taken");
    let r = post(document(9 << 20)).await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (413, "application/json"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");
    assert_eq!(message(&v), "request body: larger than this endpoint takes (8388608 bytes, 8 MiB)");

    let r = app
        .client
        .patch(format!("{}/__admin/shops/222222/settings", app.base))
        .body(format!("{}{{}}", " ".repeat(3 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(message(&v), "request body: larger than this endpoint takes (2097152 bytes, 2 MiB)");
    let r = app
        .client
        .post(format!("{}/__admin/shops/222222/orders/bulk", app.base))
        .body(format!("{}{{\"orders\": []}}", " ".repeat(3 << 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a bulk of 3 MiB is read (and has no orders)");
}
