//! The journal worth reading: bodies (bounded, with a marker), masked credentials, function
//! ids, both times; filters, the long-poll, the ring's bound; the server journal of 401s
//! that reached no shop; every timestamp of a shop from the shop's clock.

use crate::helpers::*;
use rms_mock::control::{Journal, JournalQuery};
use serde_json::{json, Value};
use std::time::Duration;

fn search_body() -> Value {
    json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-28T23:59:59+0900"})
}

async fn query(app: &TestApp, q: &JournalQuery) -> Journal {
    app.shop().query_journal(q).await.unwrap()
}

#[tokio::test]
async fn an_entry_keeps_both_bodies_the_function_masked_credentials_the_request_id_and_both_times() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    let r = app
        .client
        .post(format!("{}/es/2.0/order/confirmOrder/", app.base))
        .header("Authorization", &app.auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", "my-integration/1.0")
        .body(json!({"orderNumberList": [n]}).to_string())
        .send()
        .await
        .unwrap();
    let request_id = r.headers()["requestid"].to_str().unwrap().to_string();
    let answer = r.text().await.unwrap();

    let j = query(&app, &JournalQuery::new()).await;
    let e = j.entries.last().unwrap();
    assert_eq!(e.function, "rpay.order.confirmOrder");
    assert_eq!((e.method.as_str(), e.path.as_str(), e.status), ("POST", "/es/2.0/order/confirmOrder/", 200));
    assert_eq!(e.codes, ["ORDER_EXT_API_CONFIRM_ORDER_INFO_101"]);
    assert_eq!(e.request_id.as_deref(), Some(request_id.as_str()));
    assert_eq!(e.at, START, "the shop's virtual now");
    assert!(e.wall_time.ends_with('Z') && e.wall_time.len() == 24, "{}", e.wall_time);
    let body = e.request_body.as_ref().unwrap();
    assert_eq!(body.text, json!({"orderNumberList": [n]}).to_string());
    assert!(!body.truncated);
    assert_eq!(e.response_body.as_ref().unwrap().text, answer);
    let h = &e.request_headers;
    assert_eq!(h["authorization"], format!("ESA ****{}", &app.auth[app.auth.len() - 4..]));
    assert_eq!(h["user-agent"], "my-integration/1.0");
    assert_eq!(h["content-type"], "application/json; charset=utf-8");
    let raw = serde_json::to_string(&j).unwrap();
    assert!(!raw.contains(&app.auth[4..]) && !raw.contains(SECRET) && !raw.contains(LICENSE), "{raw}");
}

#[tokio::test]
async fn bodies_over_journal_body_limit_are_cut_with_a_marker_and_their_full_size() {
    let app = spawn(shop().with_setting("journal_body_limit = 40")).await;
    let sent = search_body().to_string();
    let (_, answer) = app.search(search_body()).await;
    let e = query(&app, &JournalQuery::new()).await.entries.pop().unwrap();
    let req = e.request_body.unwrap();
    assert!(req.truncated);
    assert_eq!(req.bytes, sent.len());
    assert_eq!(req.text, format!("{}…[truncated: {} bytes in all]", &sent[..40], sent.len()));
    let resp = e.response_body.unwrap();
    assert_eq!((resp.truncated, resp.bytes), (true, answer.to_string().len()));
    assert!(resp.text.ends_with(&format!("…[truncated: {} bytes in all]", resp.bytes)), "{}", resp.text);
}

#[tokio::test]
async fn filters_select_by_function_status_order_number_since_and_limit() {
    let app = spawn(shop()).await;
    let a = app.place_one(1).await;
    let b = app.place_one(1).await;
    app.search(search_body()).await; // 1
    app.confirm(&[&a]).await; // 2
    app.order("getOrder", json!({"orderNumberList": [b], "version": 7})).await; // 3
    app.search(json!({})).await; // 4: 400
    app.confirm(&[&b]).await; // 5

    let seqs = |j: Journal| j.entries.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(query(&app, &JournalQuery::new().function("confirmOrder")).await), [2, 5]);
    assert_eq!(seqs(query(&app, &JournalQuery::new().function("rpay.order.getOrder")).await), [3]);
    assert_eq!(seqs(query(&app, &JournalQuery::new().status("400")).await), [4]);
    assert_eq!(seqs(query(&app, &JournalQuery::new().status("2xx")).await), [1, 2, 3, 5]);
    assert_eq!(
        seqs(query(&app, &JournalQuery::new().order_number(&b)).await),
        [1, 3, 5],
        "searchOrder answered it too"
    );
    assert_eq!(seqs(query(&app, &JournalQuery::new().since(3)).await), [4, 5]);
    assert_eq!(seqs(query(&app, &JournalQuery::new().since(1).limit(2)).await), [2, 3]);
    assert_eq!(seqs(query(&app, &JournalQuery::new().limit(2)).await), [4, 5]);
    let all = query(&app, &JournalQuery::new().function("confirmOrder").status("200").since(2)).await;
    assert_eq!((seqs(all.clone()), all.recorded, all.evicted), (vec![5], 5, 0));
}

#[tokio::test]
async fn bad_filter_values_get_the_control_plane_error() {
    let app = spawn(shop()).await;
    for (q, expected) in [
        ("function=rpay.order.serchOrder", "did you mean rpay.order.searchOrder?"),
        ("status=20", "status: '20' is not an HTTP status"),
        ("since=last", "since"),
        ("limit=-1", "limit"),
        ("wait=31", "wait: 31 is not between 0 and 30 seconds"),
        ("wait=soon", "wait"),
        ("functon=getOrder", "functon"),
    ] {
        for path in [app.shop_path(&format!("/journal?{q}")), format!("/__admin/journal?{q}")] {
            let (status, v) = app.admin(reqwest::Method::GET, &path, None).await;
            assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_request")), "{path}: {v}");
            assert!(v["error"]["message"].as_str().unwrap().contains(expected), "{path}: {v}");
        }
    }
}

#[tokio::test]
async fn wait_answers_as_soon_as_another_task_makes_the_matching_call() {
    let app = std::sync::Arc::new(spawn(shop()).await);
    let n = app.place_one(1).await;
    app.search(search_body()).await;
    let since = query(&app, &JournalQuery::new()).await.recorded;
    let integration = {
        let app = app.clone();
        let n = n.clone();
        tokio::spawn(async move {
            app.search(search_body()).await; // not what the test waits for
            app.confirm(&[&n]).await
        })
    };
    let started = std::time::Instant::now();
    let q = JournalQuery::new().function("confirmOrder").since(since);
    let e = app.shop().wait_for(&q, Duration::from_secs(25)).await.unwrap().expect("the call arrives");
    assert!(started.elapsed() < Duration::from_secs(20), "answered on arrival, not at the timeout");
    assert_eq!((e.function.as_str(), e.seq), ("rpay.order.confirmOrder", since + 2));
    assert!(e.request_body.unwrap().text.contains(&n));
    assert_eq!(integration.await.unwrap().0, 200);
    // The confirmation is visible once its entry is: they happen under one lock.
    assert_eq!(app.search_numbers(&[200]).await, [n]);
}

#[tokio::test(start_paused = true)]
async fn wait_answers_empty_at_its_timeout() {
    let app = spawn(shop()).await;
    let q = JournalQuery::new().function("confirmOrder").wait(5.0);
    let started = tokio::time::Instant::now();
    let j = query(&app, &q).await;
    assert!(j.entries.is_empty());
    assert!(started.elapsed() >= Duration::from_secs(5), "{:?}", started.elapsed());
    let waited = app.shop().wait_for(&JournalQuery::new().function("confirmOrder"), Duration::from_secs(70)).await;
    assert_eq!(waited.unwrap(), None, "three long-polls, then none");
    assert!(started.elapsed() >= Duration::from_secs(75));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shop_under_heavy_traffic_keeps_its_journal_within_journal_limit() {
    let app = std::sync::Arc::new(spawn(shop().with_setting("journal_limit = 50")).await);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                for _ in 0..150 {
                    app.search(search_body()).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let j = query(&app, &JournalQuery::new()).await;
    assert_eq!((j.recorded, j.limit, j.evicted, j.entries.len()), (600, 50, 550, 50));
    let seqs: Vec<u64> = j.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (551..=600).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_401_that_names_no_shop_is_in_the_server_journal_with_the_reason_and_no_secret() {
    let app = spawn(shop()).await;
    let misspelt = rms_mock::esa_header("SP123465_TestSecret000001", LICENSE);
    assert_eq!(app.order_as(&misspelt, "searchOrder", search_body()).await.0, 401);
    assert_eq!(app.order_as("Bearer abc", "getOrder", json!({})).await.0, 401);
    let wrong_key = rms_mock::esa_header(SECRET, "SL123456_typo");
    assert_eq!(app.order_as(&wrong_key, "searchOrder", search_body()).await.0, 401);

    let control = app.mock.control();
    let j = control.server_journal(&JournalQuery::new().status("401")).await.unwrap();
    assert_eq!(j.entries.len(), 2, "the wrong key of a known secret is in the shop's journal instead");
    let e = &j.entries[0];
    assert_eq!((e.function.as_str(), e.codes.as_slice()), ("rpay.order.searchOrder", &["ES01-01".to_string()][..]));
    assert_eq!(e.auth_problem.as_deref(), Some("no shop has the service secret SP12…"));
    assert!(e.request_body.is_none(), "refused before the body is read");
    assert!(e.response_body.as_ref().unwrap().text.contains("Un-Authorised"));
    assert!(j.entries[1].auth_problem.as_deref().unwrap().contains("not `ESA base64("), "{:?}", j.entries[1]);
    let raw = serde_json::to_string(&j).unwrap();
    assert!(!raw.contains("TestSecret") && !raw.contains(&misspelt[4..]), "{raw}");
    let shop_side = query(&app, &JournalQuery::new()).await;
    assert_eq!(shop_side.entries.len(), 1);
    assert_eq!(shop_side.entries[0].auth_problem.as_deref(), Some("the licence key does not match shop 123456's"));

    control.clear_server_journal().await.unwrap();
    let j = control.server_journal(&JournalQuery::new()).await.unwrap();
    assert!(j.entries.is_empty());
    assert_eq!(j.recorded, 2, "seqs never repeat");
}

/// The Date header, order fields, history and the journal's `at` all follow the shop's clock
/// (2031, years from the host's); only `wall_time` is the host's. (updateOrderShippingAsync's
/// requestId stamp is checked against the shop's clock in shipping.rs.)
#[tokio::test]
async fn every_timestamp_a_shop_writes_comes_from_its_clock_years_from_the_hosts() {
    let app = spawn_empty().await;
    let shop = app.mock.control().create_shop_toml(&shop().toml().replace(START, "2031-05-01T09:00:00+0900")).await;
    let shop = shop.unwrap();
    let n = shop.place_order(&rms_mock::OrderDoc::new().line("socks", "socks", 1)).await.unwrap().order_number;
    assert!(n.starts_with("123456-20310501-"), "{n}");
    shop.advance_minutes(90).await.unwrap();
    let r = app
        .client
        .post(format!("{}/es/2.0/order/getOrder/", app.base))
        .header("Authorization", shop.authorization())
        .header("Content-Type", "application/json")
        .body(json!({"orderNumberList": [n], "version": 7}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["date"], "Thu, 01 May 2031 01:30:00 GMT", "Date is the shop's now");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["OrderModelList"][0]["orderDatetime"], "2031-05-01T09:00:00+0900");
    assert_eq!(shop.history(&n).await.unwrap().history[0].at, "2031-05-01T09:00:00+0900");
    let e = shop.journal().await.unwrap().entries.pop().unwrap();
    assert_eq!(e.at, "2031-05-01T10:30:00+0900");
    assert!(!e.wall_time.starts_with("2031"), "wall_time is the host's: {}", e.wall_time);
}
