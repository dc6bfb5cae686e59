//! Bad input of every kind gets the order API's envelope and a 4xx, never a framework
//! default, never a panic; what real clients send (clients.md §2) works.

use crate::helpers::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw(app: &TestApp, path: &str, content_type: Option<&str>, body: Vec<u8>) -> (u16, String, Value) {
    let mut req = app.client.post(format!("{}{path}", app.base)).header("Authorization", &app.auth).body(body);
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let text = r.text().await.unwrap();
    (status, ct, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
}

#[tokio::test]
async fn malformed_json_gets_a_400_envelope() {
    let app = spawn(shop()).await;
    for body in ["{", "[1,2]", "\"text\"", "{\"dateType\": }", "\u{0}"] {
        let (status, ct, v) =
            raw(&app, "/es/2.0/order/searchOrder/", Some("application/json"), body.as_bytes().to_vec()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(ct, "application/json;charset=UTF-8");
        assert_eq!(codes(&v), vec!["ORDER_EXT_API_SEARCH_ORDER_ERROR_011"], "{body}");
        assert!(v["orderNumberList"].is_null() && v["PaginationResponseModel"].is_null());
    }
    // A string that is not UTF-8 is malformed JSON too (valid bodies are parsed as text, the
    // others as bytes), for searchOrder's own reading and for the other operations'.
    let bad = b"{\"dateType\": 1, \"startDatetime\": \"\xff\xfe\"}".to_vec();
    for (op, code) in [("searchOrder", "SEARCH_ORDER"), ("getOrder", "GET_ORDER")] {
        let (status, _, v) = raw(&app, &format!("/es/2.0/order/{op}/"), Some("application/json"), bad.clone()).await;
        assert_eq!(status, 400, "{op}");
        assert_eq!(codes(&v), vec![format!("ORDER_EXT_API_{code}_ERROR_011")], "{op}");
    }
    // An empty body is an empty request: every required field is reported missing.
    let (status, _, v) = raw(&app, "/es/2.0/order/searchOrder/", Some("application/json"), vec![]).await;
    assert_eq!(status, 400);
    assert_eq!(codes(&v).len(), 3);
}

#[tokio::test]
async fn wrong_content_types_get_415_and_charset_is_optional_unless_configured() {
    let app = spawn(shop()).await;
    let body = json!({"orderNumberList": ["x"], "version": 7}).to_string().into_bytes();
    let (status, _, v) =
        raw(&app, "/es/2.0/order/getOrder/", Some("application/x-www-form-urlencoded"), body.clone()).await;
    assert_eq!(status, 415);
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_GET_ORDER_ERROR_011"]);
    for ct in
        ["application/json", "application/json;charset=utf-8", "application/json; charset=UTF-8", "Application/JSON"]
    {
        assert_eq!(raw(&app, "/es/2.0/order/getOrder/", Some(ct), body.clone()).await.0, 200, "{ct}");
    }
    assert_eq!(raw(&app, "/es/2.0/order/getOrder/", None, body.clone()).await.0, 200, "no Content-Type at all");

    let strict = spawn(shop().with_setting("require_charset = true")).await;
    assert_eq!(raw(&strict, "/es/2.0/order/getOrder/", Some("application/json"), body.clone()).await.0, 415);
    assert_eq!(raw(&strict, "/es/2.0/order/getOrder/", Some("application/json; charset=utf-8"), body).await.0, 200);
}

#[tokio::test]
async fn a_huge_body_gets_413_in_the_envelope() {
    let app = spawn(shop()).await;
    let big = format!("{{\"orderNumberList\": [\"{}\"], \"version\": 7}}", "9".repeat(2 * 1024 * 1024));
    let (status, _, v) = raw(&app, "/es/2.0/order/getOrder/", Some("application/json"), big.into_bytes()).await;
    assert_eq!(status, 413);
    assert_eq!(codes(&v), vec!["ORDER_EXT_API_GET_ORDER_ERROR_011"]);
}

#[tokio::test]
async fn wrong_methods_and_unknown_operations_answer_json() {
    let app = spawn(shop()).await;
    let r = app
        .client
        .get(format!("{}/es/2.0/order/searchOrder/", app.base))
        .header("Authorization", &app.auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["MessageModelList"][0]["messageType"], "ERROR");

    let (status, _, v) = raw(&app, "/es/2.0/order/noSuchOperation/", Some("application/json"), b"{}".to_vec()).await;
    assert_eq!(status, 404);
    assert!(v["Results"]["message"].as_str().unwrap().contains("/es/2.0/order/noSuchOperation/"));
    let (status, _, v) = raw(&app, "/es/2.0/order/cancelOrder/", Some("application/json"), b"{}".to_vec()).await;
    assert_eq!(status, 400, "all 18 operations are served: {v}");
    assert_eq!(codes(&v)[0], "ORDER_EXT_API_CANCEL_ORDER_ERROR_009");
    let (status, _, _) = raw(&app, "/somewhere/else", Some("application/json"), b"{}".to_vec()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn paths_work_with_and_without_the_trailing_slash() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    for path in ["/es/2.0/order/getOrder", "/es/2.0/order/getOrder/"] {
        let body = json!({"orderNumberList": [n], "version": 7}).to_string().into_bytes();
        let (status, _, v) = raw(&app, path, Some("application/json; charset=utf-8"), body).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(v["OrderModelList"][0]["orderNumber"], n.as_str());
    }
}

/// JakeJP's client sends `Expect: 100-continue` on every POST and waits for `100 Continue`
/// (or goes on without it). Spoken over a raw socket so the exchange is visible.
#[tokio::test]
async fn expect_100_continue_gets_100_then_the_answer() {
    let app = spawn(shop()).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let body = r#"{"orderNumberList":["123456-20240101-0000000001"],"version":"7"}"#;
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /es/2.0/order/getOrder/ HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\nAuthorization: {}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nHost: {addr}\r\n\r\n",
        app.auth,
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 64];
    let n = s.read(&mut buf).await.unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 100 Continue"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    s.write_all(body.as_bytes()).await.unwrap();
    let mut resp = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&resp).contains("GET_ORDER_INFO_102") {
        let n = s.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed early: {}", String::from_utf8_lossy(&resp));
        resp.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&resp);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
}

/// A bounded stream of random bodies (fixed seed, 127.0.0.1 only): every answer is a JSON
/// envelope with a 2xx/4xx status.
#[tokio::test]
async fn random_bodies_never_produce_a_5xx_or_a_non_json_answer() {
    let app = spawn(shop()).await;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!("2026-11-28T09:00:00+0900"),
        json!(""),
        json!([]),
        json!([100, "x", null]),
        json!({"a": 1}),
        json!(9_223_372_036_854_775_807i64),
        json!("７"),
        json!(["123456-20261128-0000000001"]),
    ];
    let fields = [
        "dateType",
        "startDatetime",
        "endDatetime",
        "orderProgressList",
        "PaginationRequestModel",
        "orderNumberList",
        "version",
        "searchKeywordType",
        "searchKeyword",
        "subStatusIdList",
        "phoneNumberType",
        "SortModelList",
    ];
    for i in 0..300 {
        let op = ["searchOrder", "getOrder", "confirmOrder"][(next() % 3) as usize];
        let mut body = serde_json::Map::new();
        for _ in 0..(next() % 6) {
            let f = fields[(next() % fields.len() as u64) as usize];
            let v = values[(next() % values.len() as u64) as usize].clone();
            body.insert(f.to_string(), v);
        }
        if i % 7 == 0 {
            body.insert("PaginationRequestModel".into(), json!({"requestRecordsAmount": values[(next() % 12) as usize], "SortModelList": values[(next() % 12) as usize]}));
        }
        let (status, v) = app.order(op, Value::Object(body.clone())).await;
        assert!(status == 200 || status == 400, "{op} {body:?} → {status} {v}");
        assert!(v.get("MessageModelList").is_some(), "{op} {body:?} → {v}");
    }
}

/// Path segments that are not UTF-8 once decoded are where a framework's own 400 would leak;
/// each RMS family answers its own JSON envelope instead.
#[tokio::test]
async fn undecodable_paths_get_each_familys_envelope_never_a_framework_error() {
    let app = spawn(shop()).await;
    let (status, ct, v) = app.rms(reqwest::Method::POST, "/es/2.0/order/%FF/", Some(json!({}))).await;
    assert_eq!((status, ct.as_str()), (404, "application/json;charset=UTF-8"));
    assert_eq!(v["Results"]["errorCode"], "NOT_FOUND", "{v}");

    for path in ["/es/2.0/items/manage-numbers/%FF", "/es/2.1/inventories/manage-numbers/%FF/variants/%FE"] {
        let (status, ct, v) = app.rms(reqwest::Method::GET, path, None).await;
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(v["errors"][0]["code"].is_string(), "{path}: {v}");
    }
}

/// A chunked body has no Content-Length to refuse early: it is cut off as soon as it passes
/// 1 MiB, and the answer is the order envelope's 413.
#[tokio::test]
async fn a_chunked_body_over_the_limit_gets_413_in_the_envelope() {
    let app = spawn(shop()).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /es/2.0/order/getOrder/ HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: {}\r\nTransfer-Encoding: chunked\r\nHost: {addr}\r\n\r\n",
        app.auth
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = "9".repeat(64 * 1024);
    let frame = format!("{:x}\r\n{chunk}\r\n", chunk.len());
    // 17 chunks of 64 KiB: just over the 1 MiB limit; the server may answer before the end.
    for _ in 0..17 {
        if s.write_all(frame.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut resp = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&resp).contains("ERROR_011") {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed early: {}", String::from_utf8_lossy(&resp));
        resp.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&resp);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("application/json;charset=UTF-8"), "{text}");
}

/// Found by the endpoint fuzz (issue 12): a required list or model sent as `null` was taken as
/// neither missing nor empty, and the answer was a 400 (or 200) without any message. Each is
/// now ERROR_010 (empty), as `[]` and `""` are.
#[tokio::test]
async fn a_required_list_or_model_sent_as_null_is_error_010() {
    let app = spawn(shop()).await;
    let n = app.place_one(1).await;
    for (op, body, field) in [
        ("updateOrderShipping", json!({"orderNumber": n, "BasketidModelList": null}), "BasketidModelList"),
        ("updateOrderShippingAsync", json!({"OrderShippingModelList": null}), "OrderShippingModelList"),
        ("updateOrderSender", json!({"orderNumber": n, "PackageModelList": null}), "PackageModelList"),
        ("updateOrderOrderer", json!({"orderNumber": n, "OrdererModel": null}), "OrdererModel"),
    ] {
        let (status, v) = app.order(op, body.clone()).await;
        assert_eq!(status, 400, "{op} {body}: {v}");
        let messages: Vec<&str> =
            v["MessageModelList"].as_array().unwrap().iter().map(|m| m["message"].as_str().unwrap()).collect();
        assert_eq!(messages, vec![format!("{field}の値を指定して下さい。")], "{op} {body}: {v}");
        assert!(codes(&v)[0].ends_with("_ERROR_010"), "{op}: {v}");
    }
}
