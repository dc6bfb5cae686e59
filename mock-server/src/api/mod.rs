//! The RMS wire: paths, envelopes, status codes. One module per API family; every RMS
//! request goes through [`handle_rms`], so auth, enablement, rate limits, the journal and the
//! response headers live in one place.

pub mod inventory;
pub mod item;
pub mod order;
pub mod rest;

use crate::auth::{self, GatewayError};
use crate::domain::function::FunctionId;
use crate::domain::shop::Shop;
use crate::settings::{Api, GatewaySettings};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::Instant;

/// Largest request body read (RMS requests are small; getOrder with 100 numbers is ~3 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An answer from an RMS operation, before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub struct RmsReply {
    pub status: u16,
    /// None for 204.
    pub body: Option<Value>,
}

impl RmsReply {
    pub fn json(status: u16, body: Value) -> Self {
        RmsReply { status, body: Some(body) }
    }

    /// The codes a support engineer looks for in the journal, whatever the envelope.
    pub fn codes(&self) -> Vec<String> {
        self.body.as_ref().map(message_codes).unwrap_or_default()
    }
}

/// The message codes of any RMS answer, in order: the order API's `MessageModelList[].messageCode`
/// (also those nested per order in `ResultShippingModelList`), the Item/Inventory APIs'
/// `errors[].code`, and the gateway's `Results.errorCode`. The one reader of codes in this
/// crate: the journal and Rust tests use it. (The conformance suite's reference integration
/// keeps its own, as the third-party client it models would.)
///
/// ```
/// let answer = serde_json::json!({"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}});
/// assert_eq!(rms_mock::message_codes(&answer), ["ES01-01"]);
/// ```
pub fn message_codes(body: &Value) -> Vec<String> {
    fn message_list(v: &Value, out: &mut Vec<String>) {
        let list = v.get("MessageModelList").and_then(Value::as_array).into_iter().flatten();
        out.extend(list.filter_map(|m| m.get("messageCode")?.as_str().map(String::from)));
    }
    let mut out = Vec::new();
    message_list(body, &mut out);
    for result in body.get("ResultShippingModelList").and_then(Value::as_array).into_iter().flatten() {
        message_list(result, &mut out);
    }
    let errors = body.get("errors").and_then(Value::as_array).into_iter().flatten();
    out.extend(errors.filter_map(|e| e.get("code")?.as_str().map(String::from)));
    if let Some(c) = body.pointer("/Results/errorCode").and_then(Value::as_str) {
        out.push(c.to_string());
    }
    out
}

/// Why the body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    Unreadable,
}

/// Everything an operation sees of its request.
pub struct Request<'a> {
    pub headers: &'a HeaderMap,
    pub body: Result<Bytes, BodyError>,
    pub query: Option<&'a str>,
}

/// Which RMS function a request calls.
pub struct Call {
    pub api: Api,
    /// e.g. `rpay.order.searchOrder`
    pub function: FunctionId,
    pub method: Method,
    pub path: String,
}

fn content_type_for(api: Api) -> &'static str {
    match api {
        // As in real captures (auth-and-limits.md §8).
        Api::Order => "application/json;charset=UTF-8",
        Api::Item | Api::Inventory => "application/json",
    }
}

fn gateway_reply(err: &GatewayError, g: &GatewaySettings) -> RmsReply {
    let (status, code, message) = match err {
        GatewayError::Unauthorised => (g.unauthorised_status.get(), "ES01-01".to_string(), "Un-Authorised"),
        GatewayError::Expired => (g.unauthorised_status.get(), g.expired_error_code.clone(), "Un-Authorised"),
        GatewayError::FunctionDisabled => (g.function_disabled_status.get(), "ES04-01".to_string(), "Bad Request"),
        // No capture of a throttled answer exists; the code is ours (README, "inferred").
        GatewayError::RateLimited => (g.rate_limited_status.get(), "ES04-02".to_string(), "Too Many Requests"),
    };
    RmsReply::json(status, json!({"Results": {"errorCode": code, "message": message}}))
}

/// Runs one RMS request: gateway checks, then `op` on the shop, then the journal.
pub async fn handle_rms(
    app: &AppState,
    call: Call,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    op: impl FnOnce(&mut Shop, Request<'_>) -> RmsReply,
) -> Response {
    let auth_header = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let shop = match auth::authenticate(&app.registry, auth_header) {
        Ok(shop) => shop,
        Err((err, known)) => {
            let (reply, request_id) = match known {
                Some(shop) => shop.with(|s| {
                    let reply = gateway_reply(&err, &s.settings().gateway);
                    let (reply, id) = journaled(s, &call, reply);
                    (reply, Some(id))
                }),
                None => (gateway_reply(&err, &GatewaySettings::default()), None),
            };
            return respond(reply, content_type_for(call.api), request_id);
        }
    };

    // Enablement and rate limit, before the body is read.
    let refused = shop.with(|s| {
        let enabled = s.settings().api_enabled(call.api) && !s.settings().function_disabled(call.function);
        let err = if !enabled {
            Some(GatewayError::FunctionDisabled)
        } else if !s.take_rate_token(call.function, Instant::now()) {
            Some(GatewayError::RateLimited)
        } else {
            None
        };
        err.map(|e| {
            let reply = gateway_reply(&e, &s.settings().gateway);
            journaled(s, &call, reply)
        })
    });
    if let Some((reply, id)) = refused {
        return respond(reply, content_type_for(call.api), Some(id));
    }

    // Reading the body is the only await; no lock is held here.
    let body = read_body(headers, body).await;
    let (reply, request_id) = shop.with(|s| {
        let reply = op(s, Request { headers, body, query });
        journaled(s, &call, reply)
    });
    respond(reply, content_type_for(call.api), Some(request_id))
}

/// Reads a request body of at most [`MAX_BODY_BYTES`]: a declared `Content-Length` over the
/// limit is refused before reading, a chunked body as soon as it passes the limit. Written
/// frame by frame (not `axum::body::to_bytes`) so "too large" is a value we produce, not a
/// framework error whose text we would have to read.
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Bytes, BodyError> {
    use axum::body::HttpBody;
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(BodyError::TooLarge);
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(data) = frame.map_err(|_| BodyError::Unreadable)?.into_data() else {
            continue; // trailers carry no body bytes
        };
        if buf.len() + data.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&data);
    }
    Ok(Bytes::from(buf))
}

/// Records the answer in the shop's journal and issues its `RequestId`.
fn journaled(s: &mut Shop, call: &Call, reply: RmsReply) -> (RmsReply, String) {
    s.record_request(call.method.as_str(), &call.path, reply.status, reply.codes());
    (reply, s.next_request_id())
}

/// Builds the HTTP response with the headers real RMS answers carry (auth-and-limits.md §9).
pub fn respond(reply: RmsReply, content_type: &'static str, request_id: Option<String>) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match reply.body {
        Some(v) => (status, v.to_string()).into_response(),
        None => status.into_response(),
    };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache,no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        h.insert("requestid", id);
    }
    resp
}

/// The answer for a path under `/es/` that no RMS API serves.
pub fn unknown_path(method: &Method, path: &str) -> Response {
    let reply = RmsReply::json(
        404,
        json!({"Results": {"errorCode": "NOT_FOUND", "message": format!("rms-mock: no RMS API at {method} {path}")}}),
    );
    respond(reply, content_type_for(Api::Order), None)
}
