//! The RMS wire: paths, envelopes, status codes. One module per API family; every RMS
//! request goes through [`handle_rms`], so auth, enablement, rate limits, the journal and the
//! response headers live in one place.

mod faults;
pub mod inventory;
pub mod item;
pub mod kept;
pub mod order;
pub mod rest;

use crate::auth::{self, GatewayError};
use crate::domain::faults::FaultKind;
use crate::domain::function::FunctionId;
use crate::domain::shop::{Shop, ShopHandle};
use crate::domain::time::JstDateTime;
use crate::journal::{self, Entry as JournalEntry, KeptHeaders, RequestId, SERVER_BODY_LIMIT, SERVER_JOURNAL_LIMIT};
use crate::logs::RequestNote;
use crate::settings::{Api, Approval, GatewaySettings};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::time::{Instant, SystemTime};

/// The RMS API families, each served by one endpoint function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Order,
    Item,
    Inventory,
}

/// The family whose endpoint serves `path`, if any. The RMS paths are matched here by prefix,
/// in front of axum's router: routing them as `{op}` or `{*rest}` routes made the router
/// store the matched segment in each request's extensions (an allocation and a map per
/// request) only for the handlers to read the raw path again.
pub(crate) fn family(path: &str) -> Option<Family> {
    if order::serves(path) {
        Some(Family::Order)
    } else if item::serves(path) {
        Some(Family::Item)
    } else if inventory::serves(path) {
        Some(Family::Inventory)
    } else {
        None
    }
}

/// Largest request body read (RMS requests are small; getOrder with 100 numbers is ~3 KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An answer from an RMS operation, before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub struct RmsReply {
    pub status: u16,
    body: ReplyBody,
}

/// What an answer carries: the hot paths (getOrder, searchOrder, items.get, inventory get)
/// serialise typed data straight to bytes; the others build a JSON tree, serialised once
/// when the answer is sent.
#[derive(Debug, Clone)]
enum ReplyBody {
    /// 204
    None,
    Tree(Value),
    /// Already serialised, with its message codes (there is no tree to read them from).
    Encoded {
        bytes: Bytes,
        codes: Vec<String>,
    },
}

impl RmsReply {
    /// An answer built as a JSON tree.
    pub fn json(status: u16, body: Value) -> Self {
        RmsReply { status, body: ReplyBody::Tree(body) }
    }

    /// An answer without a body (204).
    pub fn empty(status: u16) -> Self {
        RmsReply { status, body: ReplyBody::None }
    }

    /// An answer serialised now from typed data whose fields are in wire order; `codes` are
    /// its message codes, as [`message_codes`] would read them from the JSON.
    pub fn encoded(status: u16, body: &impl Serialize, codes: Vec<String>) -> Self {
        Self::bytes(status, encode(body), codes)
    }

    /// An answer already serialised (by [`encode_with`]), with its message codes.
    pub fn bytes(status: u16, bytes: Bytes, codes: Vec<String>) -> Self {
        RmsReply { status, body: ReplyBody::Encoded { bytes, codes } }
    }

    /// The status, the body's bytes (none for 204) and its message codes.
    fn into_wire(self) -> (u16, Option<Bytes>, Vec<String>) {
        match self.body {
            ReplyBody::None => (self.status, None, Vec::new()),
            ReplyBody::Tree(v) => (self.status, Some(encode(&v)), message_codes(&v)),
            ReplyBody::Encoded { bytes, codes } => (self.status, Some(bytes), codes),
        }
    }
}

/// Serialises an answer into this worker thread's reused buffer, then into exactly sized
/// shared bytes: one allocation per answer, and the journal keeps a handle on the same bytes.
pub fn encode(body: &impl Serialize) -> Bytes {
    encode_with(|buf| write_json(buf, body))
}

/// [`encode`] of what `write` writes: an answer assembled from parts (getOrder's kept models).
pub fn encode_with(write: impl FnOnce(&mut Vec<u8>)) -> Bytes {
    /// Kept between answers; one that grew past this (a getOrder of 100 orders) is let go.
    const KEEP: usize = 256 * 1024;
    thread_local!(static BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(16 * 1024)));
    BUFFER.with_borrow_mut(|buf| {
        buf.clear();
        write(buf);
        let bytes = Bytes::copy_from_slice(buf);
        if buf.capacity() > KEEP {
            *buf = Vec::with_capacity(16 * 1024);
        }
        bytes
    })
}

/// Appends `value`'s JSON to `buf`.
pub fn write_json(buf: &mut Vec<u8>, value: &impl Serialize) {
    // Our answers have string keys and no fallible `Serialize`: writing to a Vec cannot fail.
    let written = serde_json::to_writer(buf, value);
    debug_assert!(written.is_ok(), "{written:?}");
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
    /// The 0-based rows of a bulk write that fail (a `partial_batch` fault); empty as a rule.
    pub failing_rows: &'a [usize],
}

/// Which RMS function a request calls.
pub struct Call {
    pub api: Api,
    /// e.g. `rpay.order.searchOrder`
    pub function: FunctionId,
    pub method: Method,
    pub path: String,
}

impl Call {
    /// This call, leaving a husk (no method, no path) in its place: for a closure that
    /// borrows the call and answers the request (nothing reads the husk).
    fn take(&mut self) -> Call {
        Call {
            api: self.api,
            function: self.function,
            method: std::mem::take(&mut self.method),
            path: std::mem::take(&mut self.path),
        }
    }
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
        GatewayError::Unauthorised | GatewayError::KeyNotYetActive(_) | GatewayError::KeyOfOtherApp(_) => {
            (g.unauthorised_status.get(), "ES01-01".to_string(), "Un-Authorised")
        }
        GatewayError::Expired => (g.unauthorised_status.get(), g.expired_error_code.clone(), "Un-Authorised"),
        GatewayError::FunctionDisabled => (g.function_disabled_status.get(), "ES04-01".to_string(), "Bad Request"),
        // No capture of a throttled answer exists; the code is ours (README, "inferred").
        GatewayError::RateLimited => (g.rate_limited_status.get(), "ES04-02".to_string(), "Too Many Requests"),
    };
    RmsReply::json(status, json!({"Results": {"errorCode": code, "message": message}}))
}

/// The journal's note on a request refused because the vendor app's scope is not approved.
fn not_approved_note(api: Api, approval: Approval, shop_id: &str) -> String {
    let api = match api {
        Api::Order => "order",
        Api::Item => "item",
        Api::Inventory => "inventory",
    };
    let state = match approval {
        Approval::Pending => "承認待ち (pending): the app was never approved",
        Approval::UpdatePending => "利用中「更新あり」 (update_pending): the scope was added later",
        Approval::Approved => "approved",
    };
    format!("shop {shop_id} has not approved the vendor app's {api} API scope: {state}")
}

/// An RMS request's response and what its log line says ([`crate::service::Fake`] writes the
/// line): beside the response, not in its extensions, which would cost a map and two more
/// allocations per request (issue 11).
pub(crate) type Answered = (Response, Option<RequestNote>);

/// Runs one RMS request: gateway checks, then `op` on the shop, then the journal; the answer
/// comes with a [`RequestNote`] for the request's log line.
///
/// `prepare` sees the body before the shop is locked: what does not depend on the shop (an
/// order body's JSON) is read there, so the shop's other requests do not wait for it.
///
/// A body whose length is known and small (every RMS request as clients send them: a
/// declared `Content-Length`, or no body at all) is read first, and a request the gateway lets
/// through is answered in the same hold of the shop's lock as its checks: one hold per
/// request, not two (with two workers serving one shop, the second hold found the lock taken
/// by the other worker on one request in eight, issue 11). Any other body (chunked, larger,
/// or awaited with `Expect: 100-continue`) is read after the checks, in a second hold, so a
/// refused request is not asked for it.
///
/// Past reading the body, the everyday request is served without another `.await`; what must
/// still wait (draining a refused request's body, a fault's latency, a body read after the
/// checks) goes on in a future of its own ([`after_the_gate`]), boxed. The request's future,
/// allocated for every request, so stays small (issue 11: 4,360 bytes before).
pub async fn handle_rms<P>(
    app: &AppState,
    call: Call,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
    prepare: impl FnOnce(&Result<Bytes, BodyError>) -> P,
    op: impl FnOnce(&mut Shop, Request<'_>, P) -> RmsReply,
) -> Answered {
    let content_type = content_type_for(call.api);
    let seen = Seen::new(headers, query);
    let (unread, input) = if reads_ahead(headers, &body) {
        let body = read_body(headers, body).await;
        #[cfg(test)]
        crate::domain::fault::hit(crate::domain::fault::FaultPoint::Prepare);
        let prepared = prepare(&body);
        (None, Input::Read { body, prepared })
    } else {
        (Some(body), Input::Later(prepare))
    };
    // The step is moved into the boxed future before the `.await` (a `match` awaiting in its
    // arm would keep its scrutinee, 520 bytes, in this future).
    let rest = match gatekeep(app, call, seen, headers, query, Run { op, input }) {
        Step::Answered(answer) if unread.is_none() => return answer.into_response(content_type),
        step => Box::pin(after_the_gate(app, headers, query, unread, step)),
    };
    rest.await.into_response(content_type)
}

/// Whether a request's body is read before the gateway's checks (see [`handle_rms`]): its
/// length known (declared, or no body at all), at most [`DRAIN_LIMIT`] (what a refusal would
/// read anyway), and not awaited with `Expect: 100-continue` (the client is asked for it only
/// once it is served).
fn reads_ahead(headers: &HeaderMap, body: &Body) -> bool {
    use axum::body::HttpBody;
    body.size_hint().exact().is_some_and(|n| n <= DRAIN_LIMIT as u64) && !headers.contains_key(header::EXPECT)
}

/// The gateway's checks (the credentials; then, under the shop's lock, enablement, the fault
/// plan and the rate limit) and, for a body already read, the operation in the same hold.
/// Synchronous: see [`handle_rms`].
fn gatekeep<O, P, F>(
    app: &AppState,
    mut call: Call,
    mut seen: Seen,
    headers: &HeaderMap,
    query: Option<&str>,
    run: Run<O, P, F>,
) -> Step<Run<O, P, F>>
where
    O: FnOnce(&mut Shop, Request<'_>, P) -> RmsReply,
{
    let auth_header = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    // Enablement, the fault plan and the rate limit, in the same hold of the shop's lock as
    // the licence check. A fault comes after the key and the enablement (a fault never hides
    // a wrong key or a function the shop did not apply for) and before the rate limit (a
    // request RMS did not serve takes no token): README, "Inferred behaviour". A body already
    // read is then served in this hold too.
    // A refusal is journaled in the same hold as its checks.
    let gate = |s: &mut Shop| {
        let enabled = s.settings().api_enabled(call.api) && !s.settings().function_disabled(call.function);
        if !enabled {
            let reply = gateway_reply(&GatewayError::FunctionDisabled, &s.settings().gateway);
            // The vendor app's scope for the API waits for the shop's approval: the journal's
            // `auth_problem` says so.
            let waiting = s.settings().app_approval.get(&call.api).copied().filter(|a| *a != Approval::Approved);
            if let Some(approval) = waiting.filter(|_| s.settings().apis.contains(&call.api)) {
                seen.auth_problem = Some(not_approved_note(call.api, approval, &s.profile().shop_id));
            }
            return Gated::Answered(journaled(s, call.take(), seen.take(), reply, None, None));
        }
        if !s.faults().is_empty() {
            if let Some(fault) = faults::fired(s, &call) {
                return match fault.before() {
                    // The fault answers in the operation's place: the operation never runs.
                    faults::Before::Answer(reply, transport) => {
                        let mark = Some(fault.mark());
                        let mut answer = journaled(s, call.take(), seen.take(), reply, None, mark);
                        answer.transport = transport;
                        Gated::Answered(answer)
                    }
                    faults::Before::Run => Gated::Fault(fault, run),
                };
            }
        }
        if !s.take_rate_token(call.function, Instant::now()) {
            let reply = gateway_reply(&GatewayError::RateLimited, &s.settings().gateway);
            return Gated::Answered(journaled(s, call.take(), seen.take(), reply, None, None));
        }
        match run.input {
            Input::Read { body, prepared } => {
                Gated::Answered(operate(s, call.take(), seen.take(), headers, query, body, prepared, run.op, None))
            }
            input => Gated::Pass(Run { op: run.op, input }),
        }
    };
    let (shop, gated) = match auth::authenticate(&app.registry, auth_header, gate) {
        Ok(found) => found,
        Err((err, Some(shop))) => {
            // A known service secret: the refusal lands in that shop's journal.
            return Step::Answered(shop.with(|s| {
                seen.auth_problem = auth::refusal_note(auth_header, &err, Some(&s.profile().shop_id));
                let reply = gateway_reply(&err, &s.settings().gateway);
                journaled(s, call, seen, reply, None, None)
            }));
        }
        Err((err, None)) => {
            // No shop to blame: the server's own journal keeps it.
            seen.auth_problem = auth::refusal_note(auth_header, &err, None);
            let (status, bytes, codes) = gateway_reply(&err, &GatewaySettings::default()).into_wire();
            let note = RequestNote::for_line(|| RequestNote {
                shop: None,
                function: Some(call.function.as_str()),
                codes: codes.clone(),
                auth: seen.auth_problem.clone(),
                // The service names the request itself (its method and target).
                requested: None,
                fault: None,
            });
            let at = seen.wall_jst;
            let mut entry = seen.entry(call, status, codes, bytes.as_ref(), None, None, SERVER_BODY_LIMIT);
            entry.at = at;
            app.server_journal.with(|j| j.record(SERVER_JOURNAL_LIMIT, entry));
            return Step::Answered(Answer {
                status,
                body: bytes,
                request_id: None,
                shop_now: None,
                note,
                transport: None,
            });
        }
    };
    match gated {
        Gated::Answered(answer) => Step::Answered(answer),
        Gated::Pass(run) => Step::Run { shop, call, seen, run, fault: None },
        Gated::Fault(fault, run) => Step::Run { shop, call, seen, run, fault: Some(fault) },
    }
}

/// What [`gatekeep`] leaves to do.
// Returned once per request and consumed at once, on the stack: boxing `Run` would allocate on
// the path that waits, and keep nothing smaller in the request's future.
#[allow(clippy::large_enum_variant)]
enum Step<R> {
    /// The answer (a refusal, or the operation's when its body was read before the checks);
    /// a body still unread is drained before it is sent.
    Answered(Answer),
    /// The gateway let the request through: a fault's latency first (if one fired), the body
    /// (if not read yet), then the operation in a hold of the shop's lock of its own.
    Run { shop: ShopHandle, call: Call, seen: Seen, run: R, fault: Option<faults::Fired> },
}

/// The rest of a request that [`gatekeep`] could not finish without waiting (see
/// [`handle_rms`]). No lock is held across its `.await`s.
async fn after_the_gate<O, P, F>(
    app: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    mut unread: Option<Body>,
    step: Step<Run<O, P, F>>,
) -> Answer
where
    O: FnOnce(&mut Shop, Request<'_>, P) -> RmsReply,
    F: FnOnce(&Result<Bytes, BodyError>) -> P,
{
    let (shop, call, seen, run, fault) = match step {
        Step::Answered(answer) => {
            drain_refused(headers, unread).await;
            return answer;
        }
        Step::Run { shop, call, seen, run, fault } => (shop, call, seen, run, fault),
    };
    if let Some(fault) = &fault {
        faults::delay(&app.registry, &shop, fault).await;
    }
    let (body, prepared) = match run.input {
        Input::Read { body, prepared } => (body, prepared),
        Input::Later(prepare) => {
            // `unread` is the body whenever the input is `Later`.
            let body = match unread.take() {
                Some(body) => read_body(headers, body).await,
                None => Err(BodyError::Unreadable),
            };
            #[cfg(test)]
            crate::domain::fault::hit(crate::domain::fault::FaultPoint::Prepare);
            let prepared = prepare(&body);
            (body, prepared)
        }
    };
    shop.with(|s| operate(s, call, seen, headers, query, body, prepared, run.op, fault.as_ref()))
}

/// The body length a request declares (`Content-Length`), when it declares a readable one.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
}

/// Runs the operation on the shop (its lock held) and journals it, with the fault that fired
/// on the request, if one did.
#[allow(clippy::too_many_arguments)]
fn operate<P>(
    s: &mut Shop,
    call: Call,
    seen: Seen,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Result<Bytes, BodyError>,
    prepared: P,
    op: impl FnOnce(&mut Shop, Request<'_>, P) -> RmsReply,
    fault: Option<&faults::Fired>,
) -> Answer {
    // A cheap handle on the same bytes, for the journal (`Bytes` clones share the buffer).
    let kept = body.as_ref().ok().cloned();
    let failing_rows = fault.map_or(&[][..], |f| f.failing_rows());
    let reply = crate::panics::run(|| {
        #[cfg(test)]
        crate::domain::fault::hit(crate::domain::fault::FaultPoint::Operation);
        op(s, Request { headers, body, query, failing_rows }, prepared)
    })
    .unwrap_or_else(|panic| {
        crate::panics::log(&panic, call.method.as_str(), &call.path);
        system_error(call.api, &call.path)
    });
    match fault {
        None => journaled(s, call, seen, reply, kept.as_ref(), None),
        Some(fault) => {
            let (reply, transport) = fault.after(&call, reply);
            let mut answer = journaled(s, call, seen, reply, kept.as_ref(), Some(fault.mark()));
            answer.transport = transport;
            answer
        }
    }
}

/// What the operation needs once the gateway lets its request through.
struct Run<O, P, F> {
    op: O,
    input: Input<P, F>,
}

/// The operation's input: its body read and prepared, or to be.
enum Input<P, F> {
    /// Read before the shop was locked, and what `prepare` made of it.
    Read { body: Result<Bytes, BodyError>, prepared: P },
    /// To be read once the gateway's checks passed, then prepared.
    Later(F),
}

/// What the gateway's checks decided for a request.
enum Gated<R> {
    /// Answered and journaled in the same hold of the lock: refused (a disabled function,
    /// the rate limit, a fault answering in the operation's place), or served (its body was
    /// read before).
    Answered(Answer),
    /// Serve it: its body is still to be read.
    Pass(R),
    /// A fault fired on it that lets the operation run (after its latency).
    Fault(faults::Fired, R),
}

/// The answer to a request whose handler panicked: a 500 in the family's envelope. Item and
/// Inventory API: `X0000` `An unexpected error has occurred` (inventory-api.md §7); order
/// API: the operation's envelope with `ORDER_EXT_API_<OP>_ERROR_500` (inferred: no capture
/// of the order API's 500 exists).
fn system_error(api: Api, path: &str) -> RmsReply {
    match api {
        Api::Order => order::system_error(path),
        Api::Item | Api::Inventory => {
            rest::error(rest::ApiError::new(500, "X0000", "An unexpected error has occurred", None))
        }
    }
}

/// [`system_error`] as the response of a request of `family` whose answer panicked outside
/// its operation (the gateway, reading the body); not journaled, as no shop was locked.
pub(crate) fn system_error_response(family: Family, path: &str) -> Response {
    let api = match family {
        Family::Order => Api::Order,
        Family::Item => Api::Item,
        Family::Inventory => Api::Inventory,
    };
    let (status, bytes, codes) = system_error(api, path).into_wire();
    let mut response = respond_bytes(status, bytes, content_type_for(api), None, None);
    response.extensions_mut().insert(RequestNote { codes, ..RequestNote::default() });
    response
}

/// What the journal keeps of a request besides its body, taken before any lock.
struct Seen {
    headers: KeptHeaders,
    query: Option<String>,
    wall_time: SystemTime,
    wall_jst: JstDateTime,
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

    /// What was seen, leaving a husk in its place (see [`Call::take`]).
    fn take(&mut self) -> Seen {
        let husk = Seen {
            headers: KeptHeaders::default(),
            query: None,
            wall_time: self.wall_time,
            wall_jst: self.wall_jst,
            auth_problem: None,
        };
        std::mem::replace(self, husk)
    }

    /// The journal entry (its `seq` and `at` are the journal's and the shop's to set).
    #[allow(clippy::too_many_arguments)]
    fn entry(
        self,
        call: Call,
        status: u16,
        codes: Vec<String>,
        response: Option<&Bytes>,
        request: Option<&Bytes>,
        request_id: Option<RequestId>,
        body_limit: usize,
    ) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at: self.wall_jst,
            wall_time: self.wall_time,
            method: call.method,
            path: call.path,
            query: self.query,
            function: Some(call.function),
            status,
            codes,
            request_id,
            auth_problem: self.auth_problem,
            request_headers: self.headers,
            request_body: request.and_then(|b| journal::shared_body(b, body_limit)),
            response_body: response.and_then(|b| journal::answer_body(b, body_limit)),
            fault: None,
            staff: None,
        }
    }
}

/// An answered request: the HTTP answer and what its log line says.
struct Answer {
    status: u16,
    /// The serialised body (none for 204).
    body: Option<Bytes>,
    request_id: Option<RequestId>,
    /// The shop's virtual now, for the `Date` and `Timestamp` headers, so a client that reads
    /// the server's time sees the shop's clock (none: no shop is known, and the host's clock
    /// stands in: hyper writes `Date`, [`respond_bytes`] `Timestamp`).
    shop_now: Option<JstDateTime>,
    note: Option<RequestNote>,
    /// What a fault does to the connection instead of (or while) sending the answer.
    transport: Option<faults::Transport>,
}

impl Answer {
    fn into_response(self, content_type: &'static str) -> Answered {
        let transport = self.transport;
        // Only a fault's answer keeps a handle on its body (a cheap clone of shared bytes).
        let whole = transport.and_then(|_| self.body.clone());
        let resp = respond_bytes(self.status, self.body, content_type, self.request_id, self.shop_now);
        let resp = match transport {
            None => resp,
            Some(t) => faults::apply_transport(resp, t, whole),
        };
        (resp, self.note)
    }
}

/// Records the answer in the shop's journal and issues its `RequestId`. The body is
/// serialised here once, for the journal and the response alike (they share the bytes).
fn journaled(
    s: &mut Shop,
    call: Call,
    seen: Seen,
    reply: RmsReply,
    request: Option<&Bytes>,
    fault: Option<(String, FaultKind)>,
) -> Answer {
    let (status, bytes, codes) = reply.into_wire();
    let request_id = s.next_request_id();
    let limit = s.settings().journal_body_limit;
    let note = RequestNote::for_line(|| RequestNote {
        shop: Some(s.profile().shop_id.to_string()),
        function: Some(call.function.as_str()),
        codes: codes.clone(),
        auth: seen.auth_problem.clone(),
        // The service names the request itself (its method and target).
        requested: None,
        fault: fault.as_ref().map(|(id, kind)| format!("{id}:{kind}")),
    });
    let mut entry = seen.entry(call, status, codes, bytes.as_ref(), request, Some(request_id), limit);
    entry.fault = fault;
    s.record_request(entry);
    Answer { status, body: bytes, request_id: Some(request_id), shop_now: Some(s.now()), note, transport: None }
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
    let declared = declared_length(headers);
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

/// The most of a refused request's body that is read (and dropped) before the refusal is
/// sent, and for how long: the connection then serves the client's next request. A larger or
/// slower body is left unread and the refusal says `Connection: close` (`crate::conn`).
const DRAIN_LIMIT: usize = 64 * 1024;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(1);

/// Reads what a request refused before its body was read (bad credentials, a disabled
/// function, the rate limit) still sends, up to [`DRAIN_LIMIT`] bytes and [`DRAIN_TIME`].
/// A client that waits for `100 Continue` has sent nothing: it is not asked for the body.
async fn drain_refused(headers: &HeaderMap, body: Option<Body>) {
    use axum::body::HttpBody;
    // A body read before the checks: nothing is left to drain.
    let Some(mut body) = body else {
        return;
    };
    if body.is_end_stream() || body.size_hint().lower() > DRAIN_LIMIT as u64 || headers.contains_key(header::EXPECT) {
        return;
    }
    let drain = async {
        let mut read = 0;
        while let Some(Ok(frame)) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
            read += frame.data_ref().map_or(0, Bytes::len);
            if read > DRAIN_LIMIT {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
}

/// The `Timestamp` header real RMS answers carry: UTC without a zone, `2020-08-21T11:10:49`
/// (auth-and-limits.md §9, order-api.md §0).
const TIMESTAMP: header::HeaderName = header::HeaderName::from_static("timestamp");

/// The header that carries a [`RequestId`].
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("requestid");

/// The `Date` and `Timestamp` values of the second `t`, made once per second and worker
/// thread: answers in a row are mostly of the same second (always, on a manual clock), and a
/// cached `HeaderValue` is handed out without copying.
fn time_headers(t: JstDateTime) -> (HeaderValue, HeaderValue) {
    thread_local!(static LAST: RefCell<Option<(JstDateTime, HeaderValue, HeaderValue)>> = const { RefCell::new(None) });
    LAST.with_borrow_mut(|last| match last {
        Some((second, date, timestamp)) if *second == t => (date.clone(), timestamp.clone()),
        _ => {
            let utc = JstDateTime::from_seconds(t.seconds() - 9 * 3600).naive_text();
            // Both are ASCII: the conversions cannot fail.
            let date = HeaderValue::from_str(&http_date(t)).unwrap_or(HeaderValue::from_static(""));
            let timestamp = HeaderValue::from_str(&utc).unwrap_or(HeaderValue::from_static(""));
            *last = Some((t, date.clone(), timestamp.clone()));
            (date, timestamp)
        }
    })
}

/// Builds the HTTP response with the headers real RMS answers carry (auth-and-limits.md §9).
/// `Timestamp` is the host's time here; answers of a known shop carry the shop's clock in
/// `Date` and `Timestamp` ([`Answer::into_response`]).
pub fn respond(reply: RmsReply, content_type: &'static str, request_id: Option<RequestId>) -> Response {
    let (status, bytes, _) = reply.into_wire();
    respond_bytes(status, bytes, content_type, request_id, None)
}

/// The response: `shop_now` gives `Date` and `Timestamp`; without it `Timestamp` is the
/// host's time and hyper writes `Date`.
fn respond_bytes(
    status: u16,
    body: Option<Bytes>,
    content_type: &'static str,
    request_id: Option<RequestId>,
    shop_now: Option<JstDateTime>,
) -> Response {
    let mut resp = match body {
        Some(bytes) => Response::new(Body::from(bytes)),
        None => Response::new(Body::empty()),
    };
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (date, timestamp) = time_headers(shop_now.unwrap_or_else(|| journal::wall_now().1));
    let request_id = request_id.and_then(|id| HeaderValue::from_bytes(&id.text()).ok());
    let with_shop = shop_now.is_some() && request_id.is_some();
    let h = resp.headers_mut();
    *h = rms_headers(content_type, with_shop);
    let mut set = |name: &header::HeaderName, value: HeaderValue| {
        if let Some(slot) = h.get_mut(name) {
            *slot = value;
        }
    };
    set(&TIMESTAMP, timestamp);
    if with_shop {
        set(&REQUEST_ID, request_id.unwrap_or(HeaderValue::from_static("")));
        set(&header::DATE, date);
    }
    resp
}

/// The headers of an RMS answer (auth-and-limits.md §9), made once per content type and
/// cloned per answer: a clone copies the map without hashing a name again. The per-answer
/// values (`Timestamp`; with a shop, `RequestId` and `Date`) are placeholders here, replaced
/// in place, so the headers keep this order on the wire.
fn rms_headers(content_type: &'static str, with_shop: bool) -> HeaderMap {
    fn template(content_type: &'static str, with_shop: bool) -> HeaderMap {
        let mut h = HeaderMap::with_capacity(10);
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache,no-store"));
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        // The rest of a real capture's headers that a client may read (order-api.md §0). The
        // fake compresses nothing; `Vary` is there because real answers carry it.
        h.insert(header::SERVER, HeaderValue::from_static("openresty"));
        h.insert(header::X_XSS_PROTECTION, HeaderValue::from_static("1; mode=block"));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        h.insert(TIMESTAMP, HeaderValue::from_static(""));
        if with_shop {
            h.insert(REQUEST_ID, HeaderValue::from_static(""));
            h.insert(header::DATE, HeaderValue::from_static(""));
        }
        h
    }
    static TEMPLATES: std::sync::LazyLock<[HeaderMap; 4]> = std::sync::LazyLock::new(|| {
        let (order, rest) = (content_type_for(Api::Order), content_type_for(Api::Item));
        [template(order, false), template(order, true), template(rest, false), template(rest, true)]
    });
    match (content_type == content_type_for(Api::Order), content_type == content_type_for(Api::Item)) {
        (true, _) => TEMPLATES[usize::from(with_shop)].clone(),
        (_, true) => TEMPLATES[2 + usize::from(with_shop)].clone(),
        // Every answer has one of the two; another still gets the right headers.
        _ => template(content_type, with_shop),
    }
}

/// The answer for a path under `/es/` that no RMS API serves.
pub fn unknown_path(method: &Method, path: &str) -> Response {
    let reply = RmsReply::json(
        404,
        json!({"Results": {"errorCode": "NOT_FOUND", "message": format!("rms-mock: no RMS API at {method} {path}")}}),
    );
    respond(reply, content_type_for(Api::Order), None)
}

#[cfg(test)]
mod tests {
    use crate::AppState;
    use axum::body::Bytes;

    /// The demo shop behind the fake's own service: the service, the shop's handle, its ESA
    /// header.
    fn demo() -> (crate::service::Fake, crate::domain::shop::ShopHandle, String) {
        let state = AppState::demo();
        let shop = state.registry.get("123456").unwrap();
        let auth = crate::auth::esa_header("SP123456_DemoSecret0000001", "SL123456_DemoLicense000001");
        (crate::service::Fake::new(state), shop, auth)
    }

    /// A request with a small body of a known length is answered in one hold of the shop's
    /// lock (the gateway's checks and the operation together); a body whose length is not
    /// known (chunked) is read after the checks, in a second hold (issue 11). Served through
    /// the fake's service itself: no wall-clock follower takes the lock meanwhile.
    #[tokio::test]
    async fn a_request_whose_body_length_is_known_takes_the_shops_lock_once() {
        let (fake, shop, auth) = demo();
        let body =
            r#"{"dateType":1,"startDatetime":"2026-11-01T00:00:00+0900","endDatetime":"2026-11-28T23:59:59+0900"}"#;
        let request = |known: bool| {
            let r = axum::http::Request::post("/es/2.0/order/searchOrder/")
                .header("Authorization", &auth)
                .header("Content-Type", "application/json");
            if known {
                r.header("Content-Length", body.len()).body(axum::body::Body::from(body)).unwrap()
            } else {
                // A body that does not say its length (as a chunked upload).
                r.body(axum::body::Body::new(UnknownLength(Some(Bytes::from(body))))).unwrap()
            }
        };

        let before = shop.holds();
        assert_eq!(fake.answer(request(true)).await.unwrap().status(), 200);
        assert_eq!(shop.holds() - before, 1, "a known length: one hold");

        let before = shop.holds();
        assert_eq!(fake.answer(request(false)).await.unwrap().status(), 200);
        assert_eq!(shop.holds() - before, 2, "an unknown length: the checks, then the operation");

        // Both were served and journaled alike, with the body each sent.
        let bodies: Vec<(u16, Option<String>)> = shop.with(|s| {
            s.journal().entries().map(|e| (e.status, e.request_body.as_ref().map(|b| format!("{b:?}")))).collect()
        });
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert_eq!(bodies[0], bodies[1]);
        assert!(bodies[0].1.as_ref().is_some_and(|b| b.contains("dateType")), "{bodies:?}");
    }

    /// A GET without a body is one hold too (items.get, inventory get).
    #[tokio::test]
    async fn a_get_without_a_body_takes_the_shops_lock_once() {
        let (fake, shop, auth) = demo();
        let get = axum::http::Request::get("/es/2.0/items/manage-numbers/tshirt-basic")
            .header("Authorization", &auth)
            .body(axum::body::Body::empty())
            .unwrap();
        let before = shop.holds();
        assert_eq!(fake.answer(get).await.unwrap().status(), 200);
        assert_eq!(shop.holds() - before, 1);
    }

    /// One frame of bytes, its length not said beforehand.
    struct UnknownLength(Option<Bytes>);

    impl hyper::body::Body for UnknownLength {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
            std::task::Poll::Ready(self.0.take().map(|b| Ok(hyper::body::Frame::data(b))))
        }
    }
}
