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
use crate::domain::time::JstDateTime;
use crate::journal::{self, Entry as JournalEntry, SERVER_BODY_LIMIT, SERVER_JOURNAL_LIMIT};
use crate::logs::RequestNote;
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

/// Runs one RMS request: gateway checks, then `op` on the shop, then the journal; the answer
/// carries a [`RequestNote`] for the request's log line.
pub async fn handle_rms(
    app: &AppState,
    call: Call,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    op: impl FnOnce(&mut Shop, Request<'_>) -> RmsReply,
) -> Response {
    let content_type = content_type_for(call.api);
    let mut seen = Seen::new(headers, query);
    let auth_header = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let shop = match auth::authenticate(&app.registry, auth_header) {
        Ok(shop) => shop,
        Err((err, Some(shop))) => {
            // A known service secret: the refusal lands in that shop's journal.
            let answer = shop.with(|s| {
                seen.auth_problem = auth::refusal_note(auth_header, &err, Some(&s.profile().shop_id));
                let reply = gateway_reply(&err, &s.settings().gateway);
                journaled(s, &call, &seen, reply, None)
            });
            return answer.into_response(content_type);
        }
        Err((err, None)) => {
            // No shop to blame: the server's own journal keeps it.
            seen.auth_problem = auth::refusal_note(auth_header, &err, None);
            let reply = gateway_reply(&err, &GatewaySettings::default());
            let codes = reply.codes();
            let text = reply.body.as_ref().map(Value::to_string);
            let mut entry = seen.entry(&call, reply.status, &codes, text.as_deref(), None, None, SERVER_BODY_LIMIT);
            entry.at = seen.wall_jst.to_rms();
            app.server_journal.with(|j| j.record(SERVER_JOURNAL_LIMIT, entry));
            let note =
                RequestNote { shop: None, function: Some(call.function.as_str()), codes, auth: seen.auth_problem };
            let answer = Answer { status: reply.status, body: text, request_id: None, shop_now: None, note };
            return answer.into_response(content_type);
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
            journaled(s, &call, &seen, reply, None)
        })
    });
    if let Some(answer) = refused {
        return answer.into_response(content_type);
    }

    // Reading the body is the only await; no lock is held here.
    let body = read_body(headers, body).await;
    // A cheap handle on the same bytes, for the journal (`Bytes` clones share the buffer).
    let kept = body.as_ref().ok().cloned();
    let answer = shop.with(|s| {
        let reply = op(s, Request { headers, body, query });
        journaled(s, &call, &seen, reply, kept.as_deref())
    });
    answer.into_response(content_type)
}

/// What the journal keeps of a request besides its body, taken before any lock.
struct Seen {
    headers: std::collections::BTreeMap<String, String>,
    query: Option<String>,
    wall_time: String,
    wall_jst: crate::domain::time::JstDateTime,
    auth_problem: Option<String>,
}

impl Seen {
    fn new(headers: &HeaderMap, query: Option<&str>) -> Self {
        let (wall_time, wall_jst) = journal::wall_now();
        Seen {
            headers: journal::kept_headers(headers),
            query: query.filter(|q| !q.is_empty()).map(String::from),
            wall_time,
            wall_jst,
            auth_problem: None,
        }
    }

    /// The journal entry (its `seq` and `at` are the journal's and the shop's to set).
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        call: &Call,
        status: u16,
        codes: &[String],
        response: Option<&str>,
        request: Option<&[u8]>,
        request_id: Option<String>,
        body_limit: usize,
    ) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at: String::new(),
            wall_time: self.wall_time.clone(),
            method: call.method.as_str().to_string(),
            path: call.path.clone(),
            query: self.query.clone(),
            function: call.function.as_str().to_string(),
            status,
            codes: codes.to_vec(),
            request_id,
            auth_problem: self.auth_problem.clone(),
            request_headers: self.headers.clone(),
            request_body: request.and_then(|b| journal::body(b, body_limit)),
            response_body: response.and_then(|b| journal::body(b.as_bytes(), body_limit)),
        }
    }
}

/// An answered request: the HTTP answer and what its log line says.
struct Answer {
    status: u16,
    /// The serialised body (none for 204).
    body: Option<String>,
    request_id: Option<String>,
    /// The shop's virtual now, for the `Date` and `Timestamp` headers, so a client that reads
    /// the server's time sees the shop's clock (none: no shop is known, and the host's clock
    /// stands in: hyper writes `Date`, [`respond_text`] `Timestamp`).
    shop_now: Option<JstDateTime>,
    note: RequestNote,
}

impl Answer {
    fn into_response(self, content_type: &'static str) -> Response {
        let mut resp = respond_text(self.status, self.body, content_type, self.request_id);
        if let Some(now) = self.shop_now {
            for (name, value) in [(header::DATE, http_date(now)), (TIMESTAMP, timestamp(now))] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    resp.headers_mut().insert(name, value);
                }
            }
        }
        resp.extensions_mut().insert(self.note);
        resp
    }
}

/// Records the answer in the shop's journal and issues its `RequestId`. The body is
/// serialised here once, for the journal and the response alike.
fn journaled(s: &mut Shop, call: &Call, seen: &Seen, reply: RmsReply, request: Option<&[u8]>) -> Answer {
    let codes = reply.codes();
    let text = reply.body.as_ref().map(Value::to_string);
    let request_id = s.next_request_id();
    let limit = s.settings().journal_body_limit;
    let entry = seen.entry(call, reply.status, &codes, text.as_deref(), request, Some(request_id.clone()), limit);
    s.record_request(entry);
    let note = RequestNote {
        shop: Some(s.profile().shop_id.clone()),
        function: Some(call.function.as_str()),
        codes,
        auth: seen.auth_problem.clone(),
    };
    Answer { status: reply.status, body: text, request_id: Some(request_id), shop_now: Some(s.now()), note }
}

/// An HTTP-date (RFC 9110 IMF-fixdate): `Sat, 28 Nov 2026 00:00:00 GMT`.
fn http_date(t: JstDateTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let utc = JstDateTime::from_seconds(t.seconds() - 9 * 3600);
    let (y, mo, d, h, mi, sec) = utc.civil();
    let weekday = DAYS[utc.seconds().div_euclid(86_400).rem_euclid(7) as usize];
    let month = MONTHS[(mo as usize).saturating_sub(1).min(11)];
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{sec:02} GMT")
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

/// The `Timestamp` header real RMS answers carry: UTC without a zone, `2020-08-21T11:10:49`
/// (auth-and-limits.md §9, order-api.md §0).
const TIMESTAMP: header::HeaderName = header::HeaderName::from_static("timestamp");

/// `t` in UTC as the `Timestamp` header writes it.
fn timestamp(t: JstDateTime) -> String {
    let (y, mo, d, h, mi, s) = JstDateTime::from_seconds(t.seconds() - 9 * 3600).civil();
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
}

/// Builds the HTTP response with the headers real RMS answers carry (auth-and-limits.md §9).
/// `Timestamp` is the host's time here; answers of a known shop replace it with the shop's
/// clock ([`Answer::into_response`]).
pub fn respond(reply: RmsReply, content_type: &'static str, request_id: Option<String>) -> Response {
    respond_text(reply.status, reply.body.as_ref().map(Value::to_string), content_type, request_id)
}

fn respond_text(status: u16, body: Option<String>, content_type: &'static str, request_id: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match body {
        Some(text) => (status, text).into_response(),
        None => status.into_response(),
    };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache,no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // The rest of a real capture's headers that a client may read (order-api.md §0). The
    // fake compresses nothing; `Vary` is there because real answers carry it.
    h.insert(header::SERVER, HeaderValue::from_static("openresty"));
    h.insert("x-xss-protection", HeaderValue::from_static("1; mode=block"));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(now) = HeaderValue::from_str(&timestamp(journal::wall_now().1)) {
        h.insert(TIMESTAMP, now);
    }
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
