//! A control plane that only its owner can drive (issue 12): no cross-site form or text
//! bodies, no foreign `Host` (DNS rebinding) or `Origin`, and a bearer token when the server
//! has one. Every refusal is the control plane's JSON error, and changes nothing.

use crate::helpers::*;
use reqwest::header::HeaderMap;
use reqwest::Method;
use rms_mock::{AppState, RmsMock};
use serde_json::{json, Value};

/// One raw request: `(status, headers, JSON body)`.
async fn send(
    base: &str,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, HeaderMap, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{base}{path}"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(body) = body {
        req = req.body(body.to_string());
    }
    let r = req.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let text = r.text().await.unwrap();
    let v = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("a JSON answer") };
    (status, headers, v)
}

/// The control plane's error: its status, its code, and that it is JSON.
fn assert_refused(answer: &(u16, HeaderMap, Value), status: u16, code: &str) {
    let (s, headers, v) = answer;
    assert_eq!((*s, v["error"]["code"].as_str()), (status, Some(code)), "{v}");
    assert_eq!(headers["content-type"], "application/json");
    assert!(!v["error"]["message"].as_str().unwrap_or("").is_empty(), "{v}");
}

async fn shop_count(base: &str) -> u64 {
    let (status, _, v) = send(base, Method::GET, "/__admin/health", &[], None).await;
    assert_eq!(status, 200, "{v}");
    v["shops"].as_u64().unwrap()
}

#[tokio::test]
async fn a_text_or_form_body_cannot_drive_the_control_plane_as_a_cross_site_page_would() {
    let app = spawn(shop()).await;
    let renew = app.shop_path("/license");
    let json_key = r#"{"license_key": "SL123456_Renewed0000001"}"#;
    // What a cross-site <form> or fetch() may send without asking the server first.
    for (content_type, body) in [
        ("text/plain", json_key),
        ("text/plain;charset=UTF-8", json_key),
        ("application/x-www-form-urlencoded", "license_key=SL123456_Renewed0000001"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"),
    ] {
        let answer = send(&app.base, Method::POST, &renew, &[("content-type", content_type)], Some(body)).await;
        assert_refused(&answer, 415, "unsupported_media_type");
        assert!(answer.2["error"]["message"].as_str().unwrap().contains("application/json"), "{}", answer.2);
        let answer = send(&app.base, Method::POST, "/__admin/reset", &[("content-type", content_type)], Some("")).await;
        assert_refused(&answer, 415, "unsupported_media_type");
    }
    assert_eq!(app.search_numbers(&[100]).await, Vec::<String>::new(), "the old key still works");
    assert_eq!(shop_count(&app.base).await, 1, "not reset");

    // JSON, with any charset, or as a merge patch, is what the control plane reads.
    for content_type in ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"] {
        let patch = send(
            &app.base,
            Method::PATCH,
            &app.shop_path("/settings"),
            &[("content-type", content_type)],
            Some(r#"{"auto_confirm": true}"#),
        )
        .await;
        assert_eq!(patch.0, 200, "{content_type}: {}", patch.2);
    }
    let (status, _, v) =
        send(&app.base, Method::POST, &renew, &[("content-type", "application/json")], Some(json_key)).await;
    assert_eq!((status, v["license_key"].as_str()), (200, Some("SL123456_Renewed0000001")), "{v}");
    // A shop file as TOML, where the route reads one; a bodiless POST needs no type.
    let toml = shop().id("777777").toml();
    let (status, _, v) =
        send(&app.base, Method::POST, "/__admin/shops", &[("content-type", "application/toml")], Some(&toml)).await;
    assert_eq!(status, 201, "{v}");
    let answer =
        send(&app.base, Method::POST, &app.shop_path("/orders"), &[("content-type", "application/toml")], Some(""))
            .await;
    assert_refused(&answer, 415, "unsupported_media_type");
    let (status, _, _) = send(&app.base, Method::POST, "/__admin/reset", &[], None).await;
    assert_eq!(status, 200);
    assert_eq!(shop_count(&app.base).await, 0, "reset: the fake started with no shops");
}

#[tokio::test]
async fn a_foreign_host_is_refused_so_dns_rebinding_reaches_nothing() {
    let app = spawn(shop()).await;
    for path in ["/__admin/shops", "/__admin", "/__admin/", "/__admin/no-such-endpoint"] {
        for host in ["rebound.evil.example", "rebound.evil.example:8080", "localhost.evil.example"] {
            let answer = send(&app.base, Method::GET, path, &[("host", host)], None).await;
            assert_refused(&answer, 403, "host_not_allowed");
            assert!(!answer.2.to_string().contains(SECRET), "no credential in the refusal");
        }
    }
    let answer = send(&app.base, Method::POST, "/__admin/reset", &[("host", "rebound.evil.example")], None).await;
    assert_refused(&answer, 403, "host_not_allowed");
    assert_eq!(shop_count(&app.base).await, 1, "not reset");
    // This machine's names pass, with any port.
    let port = app.base.rsplit(':').next().unwrap().to_string();
    for host in ["localhost", "LOCALHOST:1", "app.localhost:8080", "127.0.0.1", "[::1]:8080", "0.0.0.0:8080"] {
        let (status, _, v) = send(&app.base, Method::GET, "/__admin/shops", &[("host", host)], None).await;
        assert_eq!(status, 200, "{host}: {v}");
    }
    let (status, _, _) =
        send(&app.base, Method::GET, "/__admin/shops", &[("host", &format!("127.0.0.1:{port}"))], None).await;
    assert_eq!(status, 200);
    // RMS clients point real names at the fake: the RMS families never look at Host.
    let (status, _, v) = send(
        &app.base,
        Method::GET,
        "/es/2.0/items/manage-numbers/tshirt",
        &[("host", "api.rms.rakuten.co.jp"), ("authorization", &app.auth)],
        None,
    )
    .await;
    assert_eq!((status, v["manageNumber"].as_str()), (200, Some("tshirt")), "{v}");
}

#[tokio::test]
async fn a_configured_host_is_accepted_beside_loopback_names() {
    let mock =
        RmsMock::start_with(AppState::default().with_admin_host("rms-mock").with_admin_host("10.1.2.3")).await.unwrap();
    let base = mock.uri();
    for host in ["rms-mock:8080", "RMS-MOCK", "10.1.2.3:80", "localhost"] {
        let (status, _, v) = send(&base, Method::GET, "/__admin/shops", &[("host", host)], None).await;
        assert_eq!(status, 200, "{host}: {v}");
    }
    let (status, _, _) = send(&base, Method::GET, "/__admin/shops", &[("origin", "http://rms-mock:3000")], None).await;
    assert_eq!(status, 200, "and pages of that host");
    for host in ["rms-mock.evil.example", "10.1.2.4"] {
        assert_refused(
            &send(&base, Method::GET, "/__admin/shops", &[("host", host)], None).await,
            403,
            "host_not_allowed",
        );
    }
}

#[tokio::test]
async fn a_page_from_another_origin_is_refused_even_without_a_body() {
    let app = spawn(shop()).await;
    // fetch("http://127.0.0.1:8080/__admin/reset", {method: "POST", mode: "no-cors"}) from a
    // page elsewhere: no body, no Content-Type, but an Origin.
    for origin in ["https://evil.example", "http://evil.example:8080", "null", "http://localhost.evil.example"] {
        let answer = send(&app.base, Method::POST, "/__admin/reset", &[("origin", origin)], None).await;
        assert_refused(&answer, 403, "origin_not_allowed");
        let answer = send(&app.base, Method::GET, "/__admin/shops", &[("origin", origin)], None).await;
        assert_refused(&answer, 403, "origin_not_allowed");
    }
    assert_eq!(shop_count(&app.base).await, 1, "not reset");
    // A page on this machine (a developer's own tool on another port) may.
    let (status, _, v) =
        send(&app.base, Method::GET, "/__admin/shops", &[("origin", "http://localhost:3000")], None).await;
    assert_eq!(status, 200, "{v}");
}

#[tokio::test]
async fn with_a_token_every_control_plane_request_needs_it_and_the_typed_handles_send_it() {
    let mock = RmsMock::start_with(AppState::default().with_admin_token("s3cret-t0ken")).await.unwrap();
    // The handles send the token: a shop is created and driven as without one.
    let shop = mock.shop(rms_mock::parse_toml(&shop().toml(), "test").unwrap()).await.unwrap();
    let n = shop.place_order(&rms_mock::OrderDoc::new().line("tshirt", "m-black", 1)).await.unwrap().order_number;
    assert_eq!(shop.history(&n).await.unwrap().order_number, n);
    assert_eq!(mock.control().health().await.unwrap().shops, 1);
    assert!(!format!("{:?}", mock.control()).contains("s3cret-t0ken"), "Debug hides the token");

    let base = mock.uri();
    for path in ["/__admin/shops", "/__admin", "/__admin/health", "/__admin/no-such-endpoint"] {
        let answer = send(&base, Method::GET, path, &[], None).await;
        assert_refused(&answer, 401, "unauthorized");
        assert_eq!(answer.1["www-authenticate"], r#"Bearer realm="rms-mock control plane""#, "{path}");
        for wrong in ["Bearer s3cret-t0keN", "Bearer s3cret-t0ke", "Bearer s3cret-t0ken2", "Basic s3cret-t0ken"] {
            let answer = send(&base, Method::GET, path, &[("authorization", wrong)], None).await;
            assert_refused(&answer, 401, "unauthorized");
        }
        let (status, _, v) = send(&base, Method::GET, path, &[("authorization", "Bearer s3cret-t0ken")], None).await;
        assert!(status == 200 || path.ends_with("no-such-endpoint") && status == 404, "{path}: {status} {v}");
    }
    let answer = send(&base, Method::POST, "/__admin/reset", &[("authorization", "Bearer nope")], None).await;
    assert_refused(&answer, 401, "unauthorized");
    assert!(answer.1["www-authenticate"].to_str().unwrap().contains(r#"error="invalid_token""#));
    assert_eq!(mock.control().health().await.unwrap().shops, 1, "not reset");
    // A client without the token gets the control plane's error through the handle too.
    let stranger = rms_mock::ControlClient::new(&base);
    match stranger.shops().await {
        Err(rms_mock::Error::Control { status: 401, code, .. }) => assert_eq!(code, "unauthorized"),
        other => panic!("{other:?}"),
    }
    assert_eq!(stranger.with_admin_token("s3cret-t0ken").shops().await.unwrap().shops.len(), 1);
    // RMS requests carry ESA credentials, never the token.
    let (status, _, v) = send(
        &base,
        Method::GET,
        "/es/2.0/items/manage-numbers/tshirt",
        &[("authorization", shop.authorization())],
        None,
    )
    .await;
    assert_eq!(status, 200, "{v}");
}

#[tokio::test]
async fn without_a_token_configured_an_authorization_header_changes_nothing() {
    let app = spawn(shop()).await;
    let (status, _, v) =
        send(&app.base, Method::GET, "/__admin/shops", &[("authorization", "Bearer anything")], None).await;
    assert_eq!((status, v["shops"].as_array().map(Vec::len)), (200, Some(1)), "{v}");
    let v = json!(v["shops"][0]["service_secret"]);
    assert_eq!(v, SECRET, "a local control plane keeps listing credentials (README, Security model)");
}
