//! Endpoint fuzz (issue 12): every family the fake serves — the 18 order operations, Item API
//! 2.0, Inventory API 2.0/2.1 and the control plane — is fed arbitrary and near-valid requests:
//! JSON bodies biased towards the family's real field names and shapes (valid bodies with a few
//! values replaced, keys dropped or added), arbitrary JSON, raw bytes, query strings, path
//! segments (percent-encoded bytes, unicode, long) and headers. Whatever comes in, the answer
//! is never a 5xx, never a closed connection (what a panic in a handler looks like from the
//! client), and always that family's envelope with a documented code.
//!
//! Requests go over a raw keep-alive socket to one [`RmsMock`] per test on 127.0.0.1 (a raw
//! socket, so paths and headers reach the server byte for byte, and a request costs little).
//! Each proptest case is a short batch of requests; the shop is reset through the control plane
//! now and then (every case for the control-plane test, whose requests change shops).
//!
//! Case counts are small for CI; `PROPTEST_CASES=N` runs N cases per test (README, "Tests").
//! Each test prints how many requests it sent and the running total over the suite.

use crate::helpers::{proptest_cases, shop, SHOP_ID};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rms_mock::{AppState, RmsMock};
use serde_json::{json, Map, Value};
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Requests sent by every fuzz test of this run, for the closing line of each.
static TOTAL_REQUESTS: AtomicU64 = AtomicU64::new(0);

/// The longest one request may take before the test fails (no answer is a failure, not a hang).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

// ----- the families and what each documents -----

/// The 18 order operations: path name and message-code infix (README "The 18 order operations").
const ORDER_OPS: [(&str, &str); 18] = [
    ("searchOrder", "SEARCH_ORDER"),
    ("getOrder", "GET_ORDER"),
    ("confirmOrder", "CONFIRM_ORDER"),
    ("updateOrderShipping", "UPDATE_ORDERSHIPPING"),
    ("updateOrderShippingAsync", "UPDATE_ORDERSHIPPING_ASYNC"),
    ("getResultUpdateOrderShippingAsync", "GET_RESULT_UPDATEORDERSHIPPING_ASYNC"),
    ("getSubStatusList", "GET_SUB_STATUS_LIST"),
    ("updateOrderSubStatus", "UPDATE_ORDERSUBSTATUS"),
    ("updateOrderMemo", "UPDATE_ORDERMEMO"),
    ("updateOrderRemarks", "UPDATE_ORDERREMARKS"),
    ("updateOrderSender", "UPDATE_ORDERSENDER"),
    ("updateOrderSenderAfterShipping", "UPDATE_ORDERSENDER_AFTER_SHIPPING"),
    ("cancelOrder", "CANCEL_ORDER"),
    ("cancelOrderAfterShipping", "CANCEL_ORDER_AFTER_SHIPPING"),
    ("updateOrderOrderer", "UPDATE_ORDERORDERER"),
    ("updateOrderDelivery", "UPDATE_ORDERDELIVERY"),
    ("simulateCouponAmount", "SIMULATE_COUPON_AMOUNT"),
    ("getPayment", "GET_PAYMENT"),
];

/// The numbers an order answer's codes may end in (README: ERROR_009/010/011 body problems,
/// 016 unknown order, 023 ranges, 101–108 the operations' refusals, 405 a wrong method;
/// INFO_101–103 successes).
const ORDER_ERRORS: &[&str] =
    &["009", "010", "011", "016", "023", "101", "102", "103", "104", "105", "106", "107", "108", "405"];
const ORDER_INFOS: &[&str] = &["101", "102", "103"];

/// The gateway's codes (README "Auth"; `GA0001` is the alternative `expired_error_code`) and
/// the answer for a path under `/es/` no API serves.
const GATEWAY_CODES: &[&str] = &["ES01-01", "ES04-01", "ES04-02", "GA0001", "NOT_FOUND"];

/// The control plane's error codes (README "The control plane").
const ADMIN_CODES: &[&str] = &[
    "invalid_request",
    "not_found",
    "method_not_allowed",
    "conflict",
    "payload_too_large",
    // The guard's (admin/guard.rs, README "Security model").
    "unsupported_media_type",
    "unauthorized",
    "host_not_allowed",
    "origin_not_allowed",
];

/// The README, where every Item/Inventory error code the fake answers is documented.
const README: &str = include_str!("../../../README.md");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// An order operation (index into [`ORDER_OPS`]), or a path under `/es/2.0/order/` that
    /// names none.
    Order(Option<usize>),
    Item,
    Inventory,
    Admin,
}

// ----- requests and answers over a raw socket -----

#[derive(Clone)]
struct Req {
    family: Family,
    method: &'static str,
    /// The request target as sent: path and query, already percent-encoded where needed.
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl fmt::Debug for Req {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target)?;
        for (k, v) in &self.headers {
            write!(f, "\n  {k}: {}", String::from_utf8_lossy(v))?;
        }
        write!(f, "\n  body: {}", String::from_utf8_lossy(&self.body))
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One keep-alive connection, reopened when the server closes it.
struct Wire {
    addr: SocketAddr,
    conn: Option<TcpStream>,
    /// Bytes read past the previous answer (none expected: requests are not pipelined).
    buf: Vec<u8>,
    /// Keep-alive connections the server closed between requests without saying
    /// `Connection: close` (the request was then sent again on a new connection).
    pub silent_closes: u64,
    /// Answers that came while the body could not be written to the end (the server answered
    /// before reading it, and closed).
    pub answered_before_body: u64,
}

impl Wire {
    fn new(addr: SocketAddr) -> Self {
        Wire { addr, conn: None, buf: Vec::new(), silent_closes: 0, answered_before_body: 0 }
    }

    /// Sends `req` and reads the whole answer. A connection the server closed before this
    /// request (nothing of an answer read yet) is reopened and the request sent once more; a
    /// connection closed in the middle of an answer, or never answering, is an error.
    async fn send(&mut self, host: &str, req: &Req) -> Result<Answer, String> {
        let reused = self.conn.is_some();
        match self.try_send(host, req).await {
            Ok(a) => Ok(a),
            Err((false, _)) if reused => {
                self.silent_closes += 1;
                self.conn = None;
                self.try_send(host, req).await.map_err(|(_, e)| e)
            }
            Err((_, e)) => Err(e),
        }
    }

    /// The error says whether any byte of an answer was read.
    async fn try_send(&mut self, host: &str, req: &Req) -> Result<Answer, (bool, String)> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr).await.map_err(|e| (false, format!("connect: {e}")))?;
            s.set_nodelay(true).map_err(|e| (false, e.to_string()))?;
            self.conn = Some(s);
            self.buf.clear();
        }
        let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target).into_bytes();
        if !req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.extend_from_slice(format!("Host: {host}\r\n").as_bytes());
        }
        for (k, v) in &req.headers {
            head.extend_from_slice(k.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(v);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("Content-Length: {}\r\n\r\n", req.body.len()).as_bytes());
        head.extend_from_slice(&req.body);
        let conn = self.conn.as_mut().expect("connected above");
        // Written while the answer is read: a server may answer (a refusal) before it reads the
        // body, and close; the answer then counts, whatever became of the rest of the body.
        let (mut read, mut write) = conn.split();
        let (written, answer) = tokio::join!(
            tokio::time::timeout(ANSWER_TIMEOUT, write.write_all(&head)),
            tokio::time::timeout(ANSWER_TIMEOUT, read_answer(&mut read, &mut self.buf)),
        );
        if !matches!(written, Ok(Ok(()))) {
            self.conn = None;
            if matches!(answer, Ok(Ok(_))) {
                self.answered_before_body += 1;
            }
        }
        match answer {
            Err(_) => {
                self.conn = None;
                Err((true, format!("no answer within {ANSWER_TIMEOUT:?}")))
            }
            Ok(Err(e)) => {
                self.conn = None;
                Err(e)
            }
            Ok(Ok(a)) => {
                if a.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close")) {
                    self.conn = None;
                }
                Ok(a)
            }
        }
    }
}

/// Reads one answer (skipping interim `1xx` ones): status line, headers, and a body framed by
/// `Content-Length`, chunked encoding, or the end of the connection.
async fn read_answer(conn: &mut (impl AsyncRead + Unpin), buf: &mut Vec<u8>) -> Result<Answer, (bool, String)> {
    let mut any = !buf.is_empty();
    loop {
        let end = loop {
            if let Some(i) = find(buf, b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = conn.read(&mut chunk).await.map_err(|e| (any, format!("read: {e}")))?;
            if n == 0 {
                return Err((any, format!("connection closed after {} bytes of an answer", buf.len())));
            }
            any = true;
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_string();
        buf.drain(..end + 4);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or((true, format!("bad status line {status_line:?}")))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
            .collect();
        if (100..200).contains(&status) {
            continue;
        }
        let mut answer = Answer { status, headers, body: Vec::new() };
        let length = answer.header("content-length").map(|v| v.parse::<usize>());
        let chunked = answer.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        if status == 204 || status == 304 {
        } else if let Some(length) = length {
            let length = length.map_err(|_| (true, "bad Content-Length".to_string()))?;
            fill(conn, buf, length).await?;
            answer.body = buf.drain(..length).collect();
        } else if chunked {
            loop {
                let line_end = loop {
                    if let Some(i) = find(buf, b"\r\n") {
                        break i;
                    }
                    more(conn, buf).await?;
                };
                let size_text = String::from_utf8_lossy(&buf[..line_end]).to_string();
                let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                    .map_err(|_| (true, format!("bad chunk size {size_text:?}")))?;
                buf.drain(..line_end + 2);
                fill(conn, buf, size + 2).await?;
                answer.body.extend(buf.drain(..size));
                buf.drain(..2);
                if size == 0 {
                    break;
                }
            }
        } else {
            loop {
                let mut chunk = [0u8; 16 * 1024];
                let n = conn.read(&mut chunk).await.map_err(|e| (true, format!("read: {e}")))?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            answer.body = std::mem::take(buf);
        }
        return Ok(answer);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn more(conn: &mut (impl AsyncRead + Unpin), buf: &mut Vec<u8>) -> Result<(), (bool, String)> {
    let mut chunk = [0u8; 16 * 1024];
    let n = conn.read(&mut chunk).await.map_err(|e| (true, format!("read: {e}")))?;
    if n == 0 {
        return Err((true, "connection closed in the middle of an answer".into()));
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

async fn fill(conn: &mut (impl AsyncRead + Unpin), buf: &mut Vec<u8>, len: usize) -> Result<(), (bool, String)> {
    while buf.len() < len {
        more(conn, buf).await?;
    }
    Ok(())
}

// ----- what every answer must be -----

/// Never a 5xx; JSON (or an empty 204); the family's envelope with a documented code.
fn check(req: &Req, a: &Answer) -> Result<(), String> {
    if a.status >= 500 {
        return Err(format!("a {} answer", a.status));
    }
    if a.status == 204 {
        return if a.body.is_empty() { Ok(()) } else { Err("a 204 with a body".into()) };
    }
    let ct = a.header("content-type").unwrap_or("");
    let v: Value = serde_json::from_slice(&a.body)
        .map_err(|_| format!("{} answer is not JSON ({ct}): {}", a.status, String::from_utf8_lossy(&a.body)))?;
    if !v.is_object() {
        return Err(format!("not a JSON object: {v}"));
    }
    match req.family {
        Family::Order(op) => {
            if ct != "application/json;charset=UTF-8" {
                return Err(format!("order answer as {ct}"));
            }
            if let Some(code) = gateway_code(&v) {
                return if GATEWAY_CODES.contains(&code) { Ok(()) } else { Err(format!("gateway code {code}")) };
            }
            let Some(op) = op else { return Err(format!("no NOT_FOUND for a path that names no operation: {v}")) };
            check_order_messages(ORDER_OPS[op].1, &v, a.status)
        }
        Family::Item | Family::Inventory => {
            if !ct.starts_with("application/json") {
                return Err(format!("REST answer as {ct}"));
            }
            if let Some(code) = gateway_code(&v) {
                return if GATEWAY_CODES.contains(&code) { Ok(()) } else { Err(format!("gateway code {code}")) };
            }
            if a.status < 300 {
                return if v.get("errors").is_none() { Ok(()) } else { Err(format!("errors in a {}: {v}", a.status)) };
            }
            let errors = v["errors"].as_array().filter(|e| !e.is_empty()).ok_or(format!("no errors[]: {v}"))?;
            for e in errors {
                let code = e["code"].as_str().ok_or(format!("an error without a code: {v}"))?;
                let documented = code.len() == 6 && code.is_ascii() && README.contains(code);
                if !documented || e["message"].as_str().is_none_or(|m| m.is_empty()) {
                    return Err(format!("undocumented code or no message: {e}"));
                }
            }
            Ok(())
        }
        Family::Admin => {
            if !ct.starts_with("application/json") {
                return Err(format!("control-plane answer as {ct}"));
            }
            if a.status < 300 {
                return if v.get("error").is_none() { Ok(()) } else { Err(format!("an error in a {}", a.status)) };
            }
            let code = v["error"]["code"].as_str().unwrap_or("");
            let message = v["error"]["message"].as_str().unwrap_or("");
            if !ADMIN_CODES.contains(&code) || message.is_empty() {
                return Err(format!("not the control plane's error envelope: {v}"));
            }
            Ok(())
        }
    }
}

fn gateway_code(v: &Value) -> Option<&str> {
    v.get("Results").map(|r| r["errorCode"].as_str().unwrap_or("<none>"))
}

fn check_order_messages(infix: &str, v: &Value, status: u16) -> Result<(), String> {
    if !matches!(status, 200 | 400 | 405 | 413 | 415) {
        return Err(format!("order answer with status {status}: {v}"));
    }
    let mut lists = vec![&v["MessageModelList"]];
    // getResultUpdateOrderShippingAsync nests its messages per order.
    lists.extend(v["ResultShippingModelList"].as_array().into_iter().flatten().map(|r| &r["MessageModelList"]));
    let mut seen = 0;
    for list in lists {
        for m in list.as_array().into_iter().flatten() {
            seen += 1;
            let code = m["messageCode"].as_str().unwrap_or("");
            let kind = m["messageType"].as_str().unwrap_or("");
            let tail = code.strip_prefix(&format!("ORDER_EXT_API_{infix}_{kind}_")).unwrap_or("");
            let documented = match kind {
                "ERROR" => ORDER_ERRORS.contains(&tail),
                "INFO" => ORDER_INFOS.contains(&tail),
                _ => false,
            };
            if !documented || m["message"].as_str().is_none_or(|t| t.is_empty()) {
                return Err(format!("undocumented message {m} in {v}"));
            }
            if status != 200 && kind != "ERROR" {
                return Err(format!("a {status} with {kind}: {v}"));
            }
        }
    }
    if seen == 0 && !(status == 200 && v.get("ResultShippingModelList").is_some()) {
        return Err(format!("no MessageModelList: {v}"));
    }
    Ok(())
}

// ----- strategies: values, bodies, paths, queries, headers -----

fn pct(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

/// Keeps unreserved ASCII as it is and percent-encodes everything else (what clients send).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn interesting_int() -> impl Strategy<Value = i64> {
    prop_oneof![
        select(vec![
            0i64, 1, -1, 2, 3, 7, 9, 10, 13, 14, 30, 100, 200, 300, 400, 500, 900, 999, 1000, 1001, 1101, 3101
        ]),
        select(vec![99_999i64, 100_000, 999_999_999, 1_000_000_000, i32::MAX as i64, i64::MAX, i64::MIN, -9999]),
        -1000i64..100_000,
        any::<i64>(),
    ]
}

fn interesting_string(ids: &Ids) -> impl Strategy<Value = String> {
    let fixed = select(vec![
        "",
        " ",
        "0",
        "-1",
        "1e999",
        "true",
        "True",
        "null",
        "ABSOLUTE",
        "RELATIVE",
        "NORMAL",
        "ng",
        "all",
        "wall",
        "manual",
        "2026-11-28T09:00:00+0900",
        "2026-11-28T09:00:00+09:00",
        "2026-11-28T09:00:00Z",
        "2026-02-30T25:61:61+0900",
        "9999-12-31T23:59:59+0900",
        "0000-01-01T00:00:00+0900",
        "2026-11-28",
        "2026/11/28",
        "1001",
        "宅配便",
        "宅配ボックス",
        "ベーシックTシャツ",
        "①㈱ｱ",
        "\u{0}",
        "\u{FFFF}",
        "😀",
        "a\"b\\c",
        "%FF",
        "*",
        "tshirt",
        "m-black",
        "l-white",
        "socks",
        "application/json",
    ])
    .prop_map(String::from);
    let known = select(ids.strings.clone());
    let datetime = (2000u32..2100, 0u32..14, 0u32..33, 0u32..25, 0u32..61, select(vec!["+0900", "+09:00", "Z", ""]))
        .prop_map(|(y, mo, d, h, mi, z)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00{z}"));
    let number = "[0-9]{6}-[0-9]{8}-[0-9]{10}";
    prop_oneof![
        4 => fixed,
        3 => known,
        2 => datetime,
        1 => number,
        2 => "\\PC{0,24}",
        1 => "[a-zA-Z0-9_-]{0,40}",
        1 => (1usize..3000).prop_map(|n| "x".repeat(n)),
        1 => (1usize..600).prop_map(|n| "あ".repeat(n)),
    ]
}

/// What the tests know of the shop: its order numbers and basket / item-detail ids, names.
#[derive(Clone)]
struct Ids {
    strings: Vec<String>,
    numbers: Vec<i64>,
}

fn leaf(ids: &Ids) -> BoxedStrategy<Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        4 => interesting_int().prop_map(Value::from),
        1 => select(ids.numbers.clone()).prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => select(vec![0.5f64, -0.0, 1e308, -1e308, 1.5e-300, 3.0, 100.0]).prop_map(|f| json!(f)),
        4 => interesting_string(ids).prop_map(Value::from),
    ]
    .boxed()
}

/// Arbitrary JSON whose object keys are mostly the family's real names.
fn value(ids: &Ids, keys: &'static [&'static str]) -> BoxedStrategy<Value> {
    let key = prop_oneof![8 => select(keys).prop_map(String::from), 1 => "\\PC{0,12}"];
    leaf(ids)
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..7)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// One change to a valid body: drop a key, replace a value, or add a key (at any depth).
#[derive(Clone, Debug)]
enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    Insert(usize, String, Value),
}

fn mutation(ids: &Ids, keys: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let v = value(ids, keys);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), v.clone()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (any::<usize>(), select(keys).prop_map(String::from), v).prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
    ]
}

/// JSON pointers of every value inside `v` (not the root).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

fn apply(mut body: Value, mutations: &[Mutation]) -> Value {
    for m in mutations {
        let mut all = Vec::new();
        pointers(&body, String::new(), &mut all);
        match m {
            Mutation::Remove(i) if !all.is_empty() => {
                let p = &all[i % all.len()];
                let (parent, last) = p.rsplit_once('/').unwrap_or(("", p));
                match body.pointer_mut(parent) {
                    Some(Value::Object(o)) => {
                        o.shift_remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Mutation::Replace(i, v) if !all.is_empty() => {
                if let Some(slot) = body.pointer_mut(&all[i % all.len()]) {
                    *slot = v.clone();
                }
            }
            Mutation::Insert(i, k, v) => {
                let objects: Vec<&String> =
                    all.iter().filter(|p| body.pointer(p).is_some_and(Value::is_object)).collect();
                let target =
                    if objects.is_empty() || i % 3 == 0 { String::new() } else { objects[i % objects.len()].clone() };
                if let Some(Value::Object(o)) = body.pointer_mut(&target) {
                    o.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
    }
    body
}

/// A body: a valid one with a few mutations (most often), arbitrary JSON biased to the keys,
/// a JSON value that is not an object, raw bytes, a cut-off valid body, or nothing.
fn body(ids: &Ids, templates: Vec<Value>, keys: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    let near = (select(templates.clone()), prop::collection::vec(mutation(ids, keys), 0..4))
        .prop_map(|(t, ms)| apply(t, &ms).to_string().into_bytes());
    let object = prop::collection::vec((select(keys).prop_map(String::from), value(ids, keys)), 0..8)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>()).to_string().into_bytes());
    let any_json = value(ids, keys).prop_map(|v| v.to_string().into_bytes());
    let cut = (select(templates.clone()), any::<usize>()).prop_map(|(t, at)| {
        let text = t.to_string().into_bytes();
        text[..at % text.len().max(1)].to_vec()
    });
    let raw = prop::collection::vec(any::<u8>(), 0..64);
    // A string that is not UTF-8: 0xFF 0xFE right after the first quote.
    let bad_utf8 = select(templates.iter().map(|t| t.to_string()).collect::<Vec<_>>()).prop_map(|t| {
        let mut b = t.into_bytes();
        let at = b.iter().position(|c| *c == b'"').map_or(0, |i| i + 1);
        b.splice(at..at, [0xFF, 0xFE]);
        b
    });
    // A large body under the limits (the journal keeps at most `journal_body_limit` of it).
    let large = (select(templates.clone()), 50_000usize..300_000).prop_map(|(mut t, n)| {
        if let Value::Object(o) = &mut t {
            o.insert("memo".into(), Value::String("あ".repeat(n / 3)));
        }
        t.to_string().into_bytes()
    });
    prop_oneof![
        200 => near,
        60 => object,
        40 => any_json,
        20 => cut,
        20 => raw,
        20 => bad_utf8,
        20 => Just(Vec::new()),
        20 => Just(b"   \r\n".to_vec()),
        1 => large,
    ]
    .boxed()
}

/// A path segment: a name the shop knows, a plain or odd one, percent-encoded bytes, unicode,
/// or a long one.
fn segment(known: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(known).prop_map(|s| encode(&s)),
        2 => "[a-zA-Z0-9_-]{0,40}",
        1 => select(vec!["", ".", "..", "%2F", "%00", "%E3%81%82", "%FF", "%FE%FF", "a%2Fb", "A-B_c", "%20", "+", "*", "~"]).prop_map(String::from),
        1 => prop::collection::vec(any::<u8>(), 0..24).prop_map(|b| pct(&b)),
        1 => "\\PC{1,16}".prop_map(|s| encode(&s)),
        // Unicode as it is (hyper passes UTF-8 request targets on).
        1 => "[\\p{L}\\p{N}]{1,12}",
        1 => (100usize..6000).prop_map(|n| "a".repeat(n)),
    ]
    .boxed()
}

/// A query string: pairs whose names are mostly the endpoint's, values of any kind.
fn query(ids: &Ids, names: &'static [&'static str]) -> BoxedStrategy<String> {
    let name = prop_oneof![6 => select(names).prop_map(String::from), 1 => "[a-zA-Z]{0,10}", 1 => "\\PC{0,8}".prop_map(|s| encode(&s))];
    let val = prop_oneof![
        3 => interesting_string(ids).prop_map(|s| encode(&s)),
        2 => interesting_int().prop_map(|n| n.to_string()),
        1 => select(vec!["%ZZ", "%", "%F", "+", "a+b", "%E3%81%82a", "%FFa", "=", "&", "*"]).prop_map(String::from),
        1 => prop::collection::vec(any::<u8>(), 0..12).prop_map(|b| pct(&b)),
    ];
    let pair =
        (name, val, any::<bool>()).prop_map(|(n, v, bare)| if bare && v.is_empty() { n } else { format!("{n}={v}") });
    prop_oneof![
        3 => prop::collection::vec(pair, 0..6).prop_map(|p| p.join("&")),
        1 => select(vec!["", "&", "&&=", "=", "==", "a=1&a=2", "%", "?"]).prop_map(String::from),
    ]
    .boxed()
}

/// Headers: the shop's credentials or broken ones, a content type, and a few others.
fn headers(auth: String, secret: String) -> BoxedStrategy<Vec<(String, Vec<u8>)>> {
    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    }
    let authorization = prop_oneof![
        12 => Just(Some(auth.into_bytes())),
        1 => Just(None),
        1 => Just(Some(format!("ESA {}", b64(&format!("{secret}:wrong-key"))).into_bytes())),
        1 => Just(Some(format!("ESA {}", b64("SP999999_Nobody:SL999999_Nobody")).into_bytes())),
        1 => "\\PC{0,40}".prop_map(|s| Some(format!("ESA {}", b64(&s)).into_bytes())),
        1 => prop::collection::vec(32u8..127, 0..40).prop_map(|b| Some([b"ESA ".to_vec(), b].concat())),
        1 => select(vec!["ESA", "ESA ", "Bearer x", "esa Zm9v", "ESA ====", "ESA Zg", "ESA %%%"]).prop_map(|s| Some(s.as_bytes().to_vec())),
    ];
    let content_type = prop_oneof![
        8 => Just(Some("application/json; charset=utf-8")),
        3 => Just(Some("application/json")),
        2 => Just(None),
        1 => select(vec![
            "application/json;charset=UTF-8",
            "Application/JSON",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/toml",
            "multipart/form-data; boundary=x",
            "application/json; charset=shift_jis",
            "application/jsonx",
            ";",
            "",
        ])
        .prop_map(Some),
    ];
    let extra_name = select(vec![
        "Accept",
        "Accept-Encoding",
        "Origin",
        "Referer",
        "User-Agent",
        "Cookie",
        "X-Forwarded-For",
        "X-Requested-With",
        "Expect",
        "Connection",
        "Content-Type",
        "Authorization",
        "Accept-Language",
        "X-Custom",
    ]);
    // Field values as HTTP allows them: visible ASCII, spaces and tabs, and obs-text bytes.
    let extra_value = prop_oneof![
        select(vec![
            "*/*",
            "gzip, deflate, br",
            "http://evil.example",
            "null",
            "100-continue",
            "keep-alive",
            "ja",
            "application/json"
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(prop_oneof![32u8..127, Just(b'\t'), 0x80u8..=0xFF], 0..64)
            .prop_map(|v| v.into_iter().skip_while(|b| *b == b' ' || *b == b'\t').collect()),
    ];
    let extras = prop::collection::vec((extra_name, extra_value), 0..3);
    (authorization, content_type, extras)
        .prop_map(|(a, ct, extras)| {
            let mut h: Vec<(String, Vec<u8>)> = Vec::new();
            if let Some(a) = a {
                h.push(("Authorization".into(), a));
            }
            if let Some(ct) = ct {
                h.push(("Content-Type".into(), ct.as_bytes().to_vec()));
            }
            for (k, v) in extras {
                // `Connection: close` and `Expect` are real client headers; framing ones are not fuzzed.
                h.push((k.to_string(), v));
            }
            h
        })
        .boxed()
}

// ----- one fake per test -----

/// The shop every fuzz test starts with (reset restores it): the test shop with sub-statuses,
/// 2.1 delivery ids and orders in several states.
fn boot_toml() -> String {
    shop()
        .with_setting("delivery_time_ids = [1, 2]")
        .with_setting("ship_from_ids = [1]")
        .with_toml(
            r#"
[[sub_statuses]]
id = 1101
name = "在庫確認中"
order_progress = 100

[[sub_statuses]]
id = 3101
name = "出荷準備中"
order_progress = 300

[[orders]]
at = "2026-11-20T10:00:00+0900"
lines = [{ manage_number = "tshirt", variant_id = "m-black", units = 2 }]

[[orders]]
at = "2026-11-27T10:00:00+0900"
settlement_method_code = 9
lines = [{ manage_number = "socks", variant_id = "socks", units = 1 }, { manage_number = "tshirt", variant_id = "l-white", units = 1 }]

[[orders]]
at = "2026-11-28T08:50:00+0900"
settlement_method_code = 2
lines = [{ manage_number = "tshirt", variant_id = "m-black", units = 1 }]
"#,
        )
        .toml()
}

struct Fuzz {
    // Dropped in this order: the connection, the fake, then the runtime it runs on.
    wire: Wire,
    mock: RmsMock,
    rt: tokio::runtime::Runtime,
    host: String,
    auth: String,
    secret: String,
    ids: Ids,
    sent: u64,
}

impl Fuzz {
    fn start() -> Fuzz {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let doc = rms_mock::parse_toml(&boot_toml(), "fuzz.toml").expect("the fuzz shop parses");
        let mock =
            rt.block_on(RmsMock::start_with(AppState::with_shops(vec![("fuzz.toml".into(), doc)]).unwrap())).unwrap();
        let shop = rt.block_on(mock.control().existing_shop(SHOP_ID)).unwrap();
        let orders = rt.block_on(shop.orders()).unwrap();
        let mut strings: Vec<String> = orders.iter().map(|o| o.order_number.clone()).collect();
        strings.extend(["123456-20261128-0000000001", "999999-20261128-0000000001"].map(String::from));
        // Basket and item-detail ids of the orders, for near-valid update bodies.
        let mut numbers = vec![1101, 3101, 1, 0];
        let client = reqwest::Client::new();
        let getorder = rt.block_on(async {
            client
                .post(format!("{}/es/2.0/order/getOrder/", mock.uri()))
                .header("Authorization", shop.authorization())
                .json(&json!({"orderNumberList": &strings[..orders.len()], "version": 9}))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        });
        for o in getorder["OrderModelList"].as_array().unwrap() {
            for p in o["PackageModelList"].as_array().unwrap() {
                numbers.push(p["basketId"].as_i64().unwrap());
                for i in p["ItemModelList"].as_array().unwrap() {
                    numbers.push(i["itemDetailId"].as_i64().unwrap());
                }
            }
        }
        let addr = *mock.address();
        Fuzz {
            host: addr.to_string(),
            wire: Wire::new(addr),
            auth: shop.authorization().to_string(),
            secret: shop.service_secret().to_string(),
            ids: Ids { strings, numbers },
            rt,
            mock,
            sent: 0,
        }
    }

    fn order_numbers(&self) -> Vec<String> {
        self.ids.strings.clone()
    }

    fn send(&mut self, req: &Req) -> Result<(), TestCaseError> {
        self.sent += 1;
        let answer = self.rt.block_on(self.wire.send(&self.host.clone(), req));
        let answer = answer.map_err(|e| TestCaseError::fail(format!("{e}\nrequest: {req:?}")))?;
        check(req, &answer).map_err(|e| TestCaseError::fail(format!("{e}\nrequest: {req:?}")))
    }

    fn reset(&mut self) {
        self.rt.block_on(self.mock.control().reset()).expect("reset");
    }

    /// Runs `cases` batches from `strategy`, resetting the fake every `reset_every` cases.
    fn run(mut self, name: &str, default_cases: u32, reset_every: u32, strategy: impl Strategy<Value = Vec<Req>>) {
        let started = Instant::now();
        let cases = proptest_cases(default_cases);
        let config = Config { cases, failure_persistence: None, max_shrink_iters: 512, ..Config::default() };
        let mut runner = TestRunner::new(config);
        let n = std::cell::Cell::new(0u32);
        let this = std::cell::RefCell::new(&mut self);
        let result = runner.run(&strategy, |batch| {
            let mut f = this.borrow_mut();
            if n.get().is_multiple_of(reset_every) {
                f.reset();
            }
            n.set(n.get() + 1);
            for req in &batch {
                f.send(req)?;
            }
            Ok(())
        });
        let total = TOTAL_REQUESTS.fetch_add(self.sent, Ordering::Relaxed) + self.sent;
        eprintln!(
            "prop_fuzz {name}: {} requests in {cases} cases, {:.1} s ({} keep-alive connections closed without `Connection: close`, {} answers before the body was read); all fuzz tests so far: {total} requests",
            self.sent,
            started.elapsed().as_secs_f64(),
            self.wire.silent_closes,
            self.wire.answered_before_body,
        );
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
    }
}

/// A request of `family` (arguments in the order the strategies produce them).
fn request(
    family: Family,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    method: &'static str,
) -> Req {
    Req { family, method, target, headers, body }
}

// ----- the order API -----

const ORDER_KEYS: &[&str] = &[
    "dateType",
    "startDatetime",
    "endDatetime",
    "orderProgressList",
    "subStatusIdList",
    "orderTypeList",
    "settlementMethod",
    "deliveryName",
    "shippingDateBlankFlag",
    "shippingNumberBlankFlag",
    "searchKeywordType",
    "searchKeyword",
    "mailSendType",
    "ordererMailAddress",
    "phoneNumberType",
    "phoneNumber",
    "reserveNumber",
    "purchaseSiteType",
    "asurakuFlag",
    "couponUseFlag",
    "drugFlag",
    "overseasFlag",
    "oneDayOperationFlag",
    "PaginationRequestModel",
    "paginationRequestModel",
    "requestRecordsAmount",
    "requestPage",
    "SortModelList",
    "sortColumn",
    "sortDirection",
    "orderNumberList",
    "orderNumber",
    "version",
    "BasketidModelList",
    "basketId",
    "ShippingModelList",
    "shippingDetailId",
    "deliveryCompany",
    "shippingNumber",
    "shippingDate",
    "shippingDeleteFlag",
    "OrderShippingModelList",
    "requestId",
    "subStatusId",
    "memo",
    "operator",
    "mailPlugSentence",
    "deliveryDate",
    "shippingTerm",
    "deliveryClass",
    "remarks",
    "giftCheck",
    "PackageModelList",
    "ItemModelList",
    "itemDetailId",
    "units",
    "price",
    "priceTaxIncl",
    "postagePrice",
    "deliveryPrice",
    "SenderModel",
    "zipCode1",
    "zipCode2",
    "prefecture",
    "city",
    "subAddress",
    "familyName",
    "firstName",
    "familyNameKana",
    "firstNameKana",
    "phoneNumber1",
    "phoneNumber2",
    "phoneNumber3",
    "noshi",
    "dropOffLocation",
    "reductionReason",
    "inventoryRestoreType",
    "changeReasonDetailApply",
    "OrdererModel",
    "emailAddress",
    "sex",
    "birthYear",
    "couponAllTotalPrice",
    "afterSettlementMethodCode",
    "WrappingModel1",
    "CouponModelList",
    "taxRecalcFlag",
];

fn order_templates(ids: &Ids) -> Vec<(usize, Value)> {
    let n = ids.strings[0].clone();
    let (basket, detail) = (ids.numbers[4], ids.numbers[5]);
    let window =
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-11-30T23:59:59+0900"});
    let row = json!({"deliveryCompany": "1001", "shippingNumber": "1234-5678", "shippingDate": "2026-11-28"});
    let shipping = json!({"orderNumber": n, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [row]}]});
    let sender = json!({"zipCode1": "530", "zipCode2": "0001", "prefecture": "大阪府", "city": "大阪市北区", "subAddress": "梅田1-1",
        "familyName": "田中", "firstName": "太郎", "familyNameKana": "タナカ", "firstNameKana": "タロウ",
        "phoneNumber1": "06", "phoneNumber2": "1111", "phoneNumber3": "2222"});
    let units = json!({"orderNumber": n, "reductionReason": 8, "PackageModelList": [{"basketId": basket, "postagePrice": 0,
        "ItemModelList": [{"itemDetailId": detail, "units": 1, "price": 1980}], "SenderModel": sender}]});
    let mut search_full = window.clone();
    for (k, v) in [
        ("orderProgressList", json!([100, 200, 300])),
        ("settlementMethod", json!(1)),
        ("searchKeywordType", json!(1)),
        ("searchKeyword", json!("Tシャツ")),
        (
            "PaginationRequestModel",
            json!({"requestRecordsAmount": 30, "requestPage": 1, "SortModelList": [{"sortColumn": 1, "sortDirection": 1}]}),
        ),
    ] {
        search_full[k] = v;
    }
    vec![
        (0, window),
        (0, search_full),
        (1, json!({"orderNumberList": ids.strings, "version": 9})),
        (1, json!({"orderNumberList": [n], "version": "7"})),
        (2, json!({"orderNumberList": [n]})),
        (3, shipping.clone()),
        (
            3,
            json!({"orderNumber": n, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [{"shippingDetailId": 1, "shippingDeleteFlag": 1}]}]}),
        ),
        (4, json!({"OrderShippingModelList": [shipping]})),
        (5, json!({"requestId": "c1a8b1a0-0000-4000-8000-000000000000_20261128090000"})),
        (6, json!({})),
        (7, json!({"subStatusId": 1101, "orderNumberList": [n]})),
        (
            8,
            json!({"orderNumber": n, "memo": "gift", "operator": "op", "mailPlugSentence": "x", "deliveryDate": "2026-12-01", "shippingTerm": 1, "deliveryClass": 0, "subStatusId": null}),
        ),
        (9, json!({"orderNumber": n, "remarks": "備考", "giftCheck": 1})),
        (10, units.clone()),
        (11, units),
        (12, json!({"orderNumber": n, "inventoryRestoreType": 1, "changeReasonDetailApply": 8})),
        (13, json!({"orderNumber": n, "inventoryRestoreType": 0, "changeReasonDetailApply": 1})),
        (
            14,
            json!({"orderNumber": n, "OrdererModel": {"zipCode1": "100", "zipCode2": "0001", "prefecture": "東京都", "city": "千代田区", "subAddress": "1-1", "familyName": "山田", "firstName": "花子", "familyNameKana": "ヤマダ", "firstNameKana": "ハナコ", "phoneNumber1": "03", "phoneNumber2": "1234", "phoneNumber3": "5678"}}),
        ),
        (15, json!({"orderNumber": n, "deliveryName": "メール便"})),
        (16, json!({"orderNumber": n, "couponAllTotalPrice": 100})),
        (17, json!({"orderNumber": n, "version": 4})),
    ]
}

fn order_requests(f: &Fuzz) -> BoxedStrategy<Vec<Req>> {
    let ids = f.ids.clone();
    let all: Vec<Value> = order_templates(&ids).into_iter().map(|(_, t)| t).collect();
    let per_op: Vec<BoxedStrategy<(Option<usize>, Vec<u8>)>> = (0..ORDER_OPS.len())
        .map(|op| {
            let mine: Vec<Value> =
                order_templates(&ids).into_iter().filter(|(i, _)| *i == op).map(|(_, t)| t).collect();
            // Mostly the operation's own body; sometimes another operation's.
            let own = body(&ids, mine, ORDER_KEYS);
            let other = body(&ids, all.clone(), ORDER_KEYS);
            prop_oneof![4 => own, 1 => other].prop_map(move |b| (Some(op), b)).boxed()
        })
        .collect();
    let op_and_body = proptest::strategy::Union::new(per_op);
    let name = prop_oneof![
        12 => Just(None),
        1 => select(vec!["SearchOrder", "searchorder", "searchOrder%2F", "search%4Frder", "getOrder/x", "noSuchOperation", ""]).prop_map(|s| Some(s.to_string())),
        1 => segment(vec!["getOrder".into()]).prop_map(Some),
    ];
    let method = prop_oneof![20 => Just("POST"), 1 => select(vec!["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])];
    let req = (
        op_and_body,
        name,
        any::<bool>(),
        method,
        headers(f.auth.clone(), f.secret.clone()),
        query(&ids, &["a", "version"]),
    )
        .prop_map(|((op, body), name, slash, method, headers, q)| {
            let (family, seg) = match name {
                None => (Family::Order(op), ORDER_OPS[op.unwrap_or(0)].0.to_string()),
                Some(s) => {
                    let known = ORDER_OPS.iter().position(|(n, _)| *n == s);
                    (Family::Order(known), s)
                }
            };
            let mut target = format!("/es/2.0/order/{seg}{}", if slash { "/" } else { "" });
            if !q.is_empty() && q.len() % 3 == 0 {
                target = format!("{target}?{q}");
            }
            request(family, target, headers, body, method)
        });
    prop::collection::vec(req, 1..6).boxed()
}

// ----- Item API 2.0 -----

const ITEM_KEYS: &[&str] = &[
    "manageNumber",
    "itemNumber",
    "title",
    "tagline",
    "productDescription",
    "pc",
    "sp",
    "salesDescription",
    "itemType",
    "genreId",
    "tags",
    "hideItem",
    "unlimitedInventoryFlag",
    "features",
    "searchVisibility",
    "inventoryDisplay",
    "review",
    "payment",
    "taxIncluded",
    "taxRate",
    "cashOnDeliveryFeeIncluded",
    "variantSelectors",
    "key",
    "displayName",
    "values",
    "displayValue",
    "variants",
    "selectorValues",
    "standardPrice",
    "referencePrice",
    "articleNumber",
    "value",
    "exemptionReason",
    "merchantDefinedSkuId",
    "restockOnCancel",
    "backOrderFlag",
    "hidden",
    "shipping",
    "fee",
    "postageIncluded",
    "attributes",
    "name",
    "unit",
    "images",
    "type",
    "location",
    "alt",
    "itemDisplaySequence",
    "layout",
    "purchasablePeriod",
    "start",
    "end",
    "pointCampaign",
    "subscription",
    "lowStockThreshold",
    "normalDeliveryDateId",
    "specs",
    "label",
    "customizationOptions",
    "inputType",
    "selections",
    "required",
    "manageNumbers",
    "variantId",
    "operationLeadTime",
    "normalDeliveryTimeId",
];

const SEARCH_PARAMS: &[&str] = &[
    "title",
    "tagline",
    "manageNumber",
    "itemNumber",
    "articleNumber",
    "variantId",
    "merchantDefinedSkuId",
    "genreId",
    "itemType",
    "standardPriceFrom",
    "standardPriceTo",
    "isItemStockout",
    "isVariantStockout",
    "isHiddenItem",
    "isHiddenVariant",
    "isSearchable",
    "isYamiichi",
    "isBackOrder",
    "isPostageIncluded",
    "isSubscription",
    "createdFrom",
    "createdTo",
    "updatedFrom",
    "updatedTo",
    "sortKey",
    "sortOrder",
    "offset",
    "hits",
    "cursorMark",
    "isInventoryIncluded",
    "categoryId",
    "purchasablePeriodFrom",
    "pointApplicablePeriodFrom",
];

fn item_requests(f: &Fuzz) -> BoxedStrategy<Vec<Req>> {
    let ids = f.ids.clone();
    let upsert = crate::helpers::item_body("パーカー", &[("s", "S", 4980), ("m", "M", 5980)]);
    let mut full = upsert.clone();
    full["tagline"] = json!("あたたかい");
    full["productDescription"] = json!({"pc": "説明", "sp": "説明"});
    full["images"] = json!([{"type": "CABINET", "location": "/img/a.jpg", "alt": "a"}]);
    full["variants"]["s"]["attributes"] = json!([{"name": "ブランド名", "values": ["x"]}]);
    full["variants"]["s"]["shipping"] = json!({"fee": "800", "postageIncluded": false});
    let patch = json!({"title": "新しい名前", "variants": {"s": {"standardPrice": "4000"}}});
    let settings =
        json!({"variants": {"s": {"restockOnCancel": false, "backOrderFlag": true, "normalDeliveryDateId": 1}}});
    let bulk = json!({"manageNumbers": ["tshirt", "socks", "parka"]});
    let templates = vec![upsert, full, patch, settings, bulk];
    let known = vec!["tshirt".to_string(), "socks".into(), "parka".into(), "TShirt".into(), "a".repeat(33)];
    let shape = prop_oneof![
        select(vec!["GET", "PUT", "PATCH", "DELETE"]).prop_map(|m| (m, "manage-numbers/{m}", false)),
        Just(("GET", "search", true)),
        Just(("GET", "search/", true)),
        Just(("POST", "bulk-get", false)),
        select(vec!["GET", "PUT"]).prop_map(|m| (m, "inventory-related-settings/manage-numbers/{m}", false)),
        select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]).prop_map(|m| (m, "{m}/{m}/{m}", false)),
    ];
    let cursor = prop_oneof![
        Just("*".to_string()),
        "[A-Za-z0-9]{0,12}",
        "\\PC{1,6}".prop_map(|s| encode(&s)),
        prop::collection::vec(any::<u8>(), 1..8).prop_map(|b| pct(&b)),
    ];
    let req = (
        shape,
        segment(known),
        body(&ids, templates, ITEM_KEYS),
        headers(f.auth.clone(), f.secret.clone()),
        query(&ids, SEARCH_PARAMS),
        cursor,
        any::<bool>(),
    )
        .prop_map(|((method, path, search), seg, body, headers, q, cursor, with_cursor)| {
            let mut target = format!("/es/2.0/items/{}", path.replace("{m}", &seg));
            let q = if search && with_cursor { format!("{q}&cursorMark={cursor}") } else { q };
            if !q.is_empty() {
                target = format!("{target}?{q}");
            }
            let body = if method == "GET" && !body.is_empty() && body.len() % 4 != 0 { Vec::new() } else { body };
            request(Family::Item, target, headers, body, method)
        });
    prop::collection::vec(req, 1..6).boxed()
}

// ----- Inventory API 2.0 / 2.1 -----

const INVENTORY_KEYS: &[&str] = &[
    "mode",
    "quantity",
    "operationLeadTime",
    "normalDeliveryTimeId",
    "backOrderDeliveryTimeId",
    "shipFromIds",
    "inventories",
    "manageNumber",
    "variantId",
    "variants",
];

fn inventory_requests(f: &Fuzz) -> BoxedStrategy<Vec<Req>> {
    let ids = f.ids.clone();
    let write = json!({"mode": "ABSOLUTE", "quantity": 5});
    let write21 = json!({"mode": "RELATIVE", "quantity": -1, "operationLeadTime": {"normalDeliveryTimeId": 1, "backOrderDeliveryTimeId": 2}, "shipFromIds": [1]});
    let bulk_get = json!({"inventories": [{"manageNumber": "tshirt", "variantId": "m-black"}, {"manageNumber": "socks", "variantId": "socks"}]});
    let bulk_upsert = json!({"inventories": [{"manageNumber": "tshirt", "variantId": "m-black", "mode": "RELATIVE", "quantity": 1},
        {"manageNumber": "new-item", "variantId": "x", "mode": "ABSOLUTE", "quantity": 3}]});
    let templates = vec![write, write21, bulk_get, bulk_upsert];
    let known_m = vec!["tshirt".to_string(), "socks".into(), "new-item".into(), "TSHIRT".into()];
    let known_v = vec!["m-black".to_string(), "l-white".into(), "socks".into(), "x".into()];
    let shape = prop_oneof![
        4 => select(vec!["GET", "PUT", "DELETE"]).prop_map(|m| (m, "manage-numbers/{m}/variants/{v}")),
        1 => Just(("POST", "bulk-get")),
        1 => Just(("GET", "bulk-get/range")),
        1 => Just(("POST", "bulk-upsert")),
        1 => Just(("GET", "variant-lists/manage-numbers/{m}")),
        1 => select(vec!["GET", "POST", "PATCH"]).prop_map(|m| (m, "{m}/{v}")),
    ];
    let range_query = query(&ids, &["minQuantity", "maxQuantity", "a"]);
    let req = (
        shape,
        select(vec!["2.0", "2.1"]),
        segment(known_m),
        segment(known_v),
        body(&ids, templates, INVENTORY_KEYS),
        headers(f.auth.clone(), f.secret.clone()),
        range_query,
    )
        .prop_map(|((method, path), version, m, v, body, headers, q)| {
            let mut target = format!("/es/{version}/inventories/{}", path.replace("{m}", &m).replace("{v}", &v));
            if !q.is_empty() && (path == "bulk-get/range" || q.len() % 5 == 0) {
                target = format!("{target}?{q}");
            }
            request(Family::Inventory, target, headers, body, method)
        });
    prop::collection::vec(req, 1..6).boxed()
}

// ----- the control plane -----

const ADMIN_KEYS: &[&str] = &[
    "lines",
    "manage_number",
    "variant_id",
    "units",
    "settlement_method_code",
    "at",
    "used_point",
    "coupons",
    "code",
    "price",
    "unit",
    "name",
    "capital_code",
    "expiry_date",
    "drop_off_location",
    "delivery_cert_program",
    "one_day_operation",
    "orders",
    "minutes",
    "seconds",
    "to",
    "transitions",
    "license_key",
    "issued_at",
    "result",
    "mode",
    "speed",
    "enabled",
    "orders_per_hour",
    "seed",
    "payment_mix",
    "pay_within_minutes",
    "unpaid_share",
    "cancel_share",
    "max_units",
    "max_lines",
    "auto_confirm",
    "auto_confirm_delay_minutes",
    "processing_delay_minutes",
    "sku_migrated",
    "tax_rounding",
    "apis",
    "disabled_functions",
    "unconfirmed_cancel_days",
    "prepayment_due_days",
    "buyer_cancel_minutes",
    "cancel_flow",
    "cancel_confirm_minutes",
    "change_confirm_minutes",
    "payment_processing_minutes",
    "payment_settle_minutes",
    "async_shipping_delay_minutes",
    "review_ng_due_days",
    "cancel_due_date",
    "datetime_mode",
    "key_case",
    "require_charset",
    "search_default_sort",
    "journal_limit",
    "journal_body_limit",
    "read_only",
    "item_mandatory_attributes",
    "item_get_lag_seconds",
    "item_search_lag_seconds",
    "item_not_found_wording",
    "gateway",
    "rate_limit",
    "per_second",
    "shop",
    "shop_id",
    "service_secret",
    "settings",
    "shipping",
    "postage_price",
    "cod_fee",
    "free_postage_threshold",
    "postage_undetermined",
    "items",
    "variants",
    "quantity",
    "title",
    "price",
    "postage",
    "sub_statuses",
    "order_progress",
    "id",
];

/// Every control-plane endpoint: method, path with `{s}` (shop id) and `{n}` (order number),
/// and the bodies it takes. Catalog generation is fuzzed with sizes that stay small or are
/// refused: a valid request for millions of SKUs is issue 12's "Unbounded inputs" and would
/// only measure memory here.
fn admin_endpoints() -> Vec<(&'static str, &'static str, Vec<Value>)> {
    let order = json!({"lines": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 1}], "settlement_method_code": 9,
        "used_point": 100, "coupons": [{"code": "C1", "price": 100, "unit": 1, "name": "クーポン", "capital_code": 1, "expiry_date": "2026-12-31"}],
        "drop_off_location": "宅配ボックス", "delivery_cert_program": true});
    let shop_doc = json!({"shop": {"shop_id": "654321", "service_secret": "SP654321_x", "license_key": "SL654321_x"},
        "settings": {"auto_confirm": true}, "shipping": {"postage_price": 550, "free_postage_threshold": 3980, "cod_fee": 330},
        "items": [{"manage_number": "cap", "title": "帽子", "variants": [{"variant_id": "f", "price": 1000, "postage": 800, "quantity": 3}]}],
        "orders": [{"lines": [{"manage_number": "cap", "variant_id": "f", "units": 1}], "at": "2026-11-28T08:00:00+0900", "settlement_method_code": 2,
            "used_point": 10, "coupons": [{"code": "C1", "price": 100, "unit": 1, "name": "クーポン", "capital_code": 2}]}]});
    vec![
        ("GET", "/__admin/health", vec![]),
        ("POST", "/__admin/reset", vec![json!({})]),
        ("GET", "/__admin/shops", vec![]),
        ("POST", "/__admin/shops", vec![shop_doc]),
        ("GET", "/__admin/shops/{s}", vec![]),
        ("DELETE", "/__admin/shops/{s}", vec![]),
        ("GET", "/__admin/shops/{s}/settings", vec![]),
        (
            "PATCH",
            "/__admin/shops/{s}/settings",
            vec![
                json!({"auto_confirm": true, "auto_confirm_delay_minutes": 5}),
                json!({"processing_delay_minutes": 0, "cancel_flow": "immediate", "sku_migrated": false}),
                json!({"gateway": {"unauthorised_status": 200, "rate_limited_status": 429, "expired_error_code": "GA0001"}}),
                json!({"rate_limit": {"enabled": true, "per_second": {"rpay.order.searchOrder": 1.0}}}),
                json!({"apis": ["order"], "disabled_functions": ["rpay.order.confirmOrder"], "read_only": true}),
                json!({"journal_limit": 10, "journal_body_limit": 100, "datetime_mode": "lenient", "key_case": "insensitive"}),
                json!({"item_get_lag_seconds": 2, "item_search_lag_seconds": 10, "cancel_due_date": {"200": "none"}}),
            ],
        ),
        ("POST", "/__admin/shops/{s}/license", vec![json!({"license_key": "SL123456_New", "issued_at": "2026-09-01T00:00:00+0900"})]),
        ("GET", "/__admin/shops/{s}/orders", vec![]),
        ("POST", "/__admin/shops/{s}/orders", vec![order.clone(), json!({"lines": [{"manage_number": "socks", "variant_id": "socks"}], "at": "2026-11-29T00:00:00+0900"})]),
        ("POST", "/__admin/shops/{s}/orders/bulk", vec![json!({"orders": [order.clone(), order]})]),
        ("GET", "/__admin/shops/{s}/orders/{n}", vec![]),
        ("POST", "/__admin/shops/{s}/orders/{n}/payment", vec![json!({})]),
        ("POST", "/__admin/shops/{s}/orders/{n}/cancel", vec![json!({})]),
        ("POST", "/__admin/shops/{s}/orders/{n}/review", vec![json!({"result": "ng"})]),
        ("GET", "/__admin/shops/{s}/orders/{n}/history", vec![]),
        ("GET", "/__admin/shops/{s}/orders/{n}/model", vec![]),
        ("POST", "/__admin/shops/{s}/staff/orders/{n}/confirm", vec![json!({})]),
        ("POST", "/__admin/shops/{s}/staff/orders/{n}/cancel", vec![json!({"restock": false})]),
        ("POST", "/__admin/shops/{s}/staff/orders/{n}/sub-status", vec![json!({"sub_status_id": null})]),
        (
            "POST",
            "/__admin/shops/{s}/staff/orders/{n}/edit",
            vec![json!({"items": [{"manage_number": "tshirt", "variant_id": "m-black", "units": 2, "price": 1500}], "postage_price": 800, "address": {"zip_code": "100-0001", "prefecture": "東京都", "city": "千代田区", "sub_address": "1-1"}})],
        ),
        ("POST", "/__admin/shops/{s}/staff/stock", vec![json!({"manage_number": "tshirt", "variant_id": "m-black", "mode": "RELATIVE", "quantity": -1})]),
        ("POST", "/__admin/shops/{s}/license/renew", vec![json!({"license_key": "SL123456_Renewed", "active_after_minutes": 20})]),
        ("POST", "/__admin/shops/{s}/approve", vec![json!({"apis": ["item"]}), json!({})]),
        ("GET", "/__admin/shops/{s}/catalog", vec![]),
        ("GET", "/__admin/shops/{s}/clock", vec![]),
        ("PATCH", "/__admin/shops/{s}/clock", vec![json!({"mode": "wall", "speed": 60}), json!({"mode": "manual"})]),
        (
            "POST",
            "/__admin/shops/{s}/clock/advance",
            vec![json!({"minutes": 30}), json!({"seconds": 86400, "transitions": "all"}), json!({"to": "2026-12-15T00:00:00+0900"})],
        ),
        ("GET", "/__admin/shops/{s}/simulate", vec![]),
        ("PATCH", "/__admin/shops/{s}/simulate", vec![json!({"enabled": true, "orders_per_hour": 6, "max_orders": 20, "payment_mix": {"1": 50, "9": 50}})]),
        ("GET", "/__admin/shops/{s}/journal", vec![]),
        ("DELETE", "/__admin/shops/{s}/journal", vec![]),
        ("GET", "/__admin/journal", vec![]),
        ("DELETE", "/__admin/journal", vec![]),
        ("GET", "/__admin", vec![]),
        ("GET", "/", vec![]),
        ("GET", "/__admin/{n}", vec![]),
        ("PUT", "/__admin/shops/{s}/{n}", vec![json!({})]),
    ]
    .into_iter()
    .map(|(m, p, b)| (m, p, if b.is_empty() { vec![json!({})] } else { b }))
    .collect()
}

/// `catalog/generate` with sizes that are either small or outside the documented limits.
fn generate_body() -> impl Strategy<Value = Vec<u8>> {
    let items = prop_oneof![0i64..=20, Just(100_001), Just(-1), Just(i64::MAX)].prop_map(Value::from);
    let variants = prop_oneof![0i64..=4, Just(401), Just(-5)].prop_map(Value::from);
    let quantity = prop_oneof![0i64..=100, Just(100_000), Just(-1)].prop_map(Value::from);
    let odd = select(vec![json!(null), json!("10"), json!(1.5), json!([])]);
    (items, variants, quantity, any::<u64>(), prop::option::of(odd), 0usize..4).prop_map(|(i, v, q, seed, odd, at)| {
        let mut b = json!({"items": i, "variants": v, "seed": seed, "quantity": q});
        if let Some(odd) = odd {
            b[["items", "variants", "seed", "quantity"][at]] = odd;
        }
        b.to_string().into_bytes()
    })
}

/// Journal queries, whose `wait` stays short: a long poll that nothing answers would only
/// measure the wait.
fn journal_query(ids: &Ids) -> impl Strategy<Value = String> {
    let name = select(vec!["function", "status", "order_number", "since", "limit", "wait", "x"]);
    let val = prop_oneof![
        select(vec![
            "searchOrder",
            "rpay.order.getOrder",
            "4xx",
            "200",
            "2xx",
            "9xx",
            "-1",
            "0",
            "abc",
            "NaN",
            "1e999",
            "31",
            "0.001",
            "",
            "%FF"
        ])
        .prop_map(String::from),
        interesting_string(ids).prop_map(|s| encode(&s)),
    ];
    prop::collection::vec((name, val), 0..4).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| {
                let v = if k == "wait" && v.parse::<f64>().is_ok_and(|w| (0.01..=30.0).contains(&w)) {
                    "0".into()
                } else {
                    v
                };
                format!("{k}={v}")
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn admin_requests(f: &Fuzz) -> BoxedStrategy<Vec<Req>> {
    let ids = f.ids.clone();
    let endpoints = admin_endpoints();
    let shops = vec![SHOP_ID.to_string(), "654321".into(), "000000".into()];
    let numbers = f.order_numbers();
    let one = (0..endpoints.len())
        .prop_flat_map(move |i| {
            let (method, path, templates) = endpoints[i].clone();
            let b = if path.ends_with("/catalog/generate") {
                generate_body().boxed()
            } else if path.ends_with("/shops") && method == "POST" {
                prop_oneof![
                    4 => body(&ids, templates, ADMIN_KEYS),
                    1 => select(vec![crate::helpers::shop().id("222222").toml(), "[shop]\nshop_id = 1".into(), "= =".into()])
                        .prop_map(|t| t.into_bytes()),
                ]
                .boxed()
            } else {
                body(&ids, templates, ADMIN_KEYS)
            };
            let method = prop_oneof![12 => Just(method), 1 => select(vec!["GET", "POST", "PATCH", "DELETE", "PUT"])];
            let q = if path.contains("journal") || path.ends_with("advance") {
                prop_oneof![journal_query(&ids).boxed(), Just("transitions=all".to_string()).boxed(), Just("transitions=some".to_string()).boxed()].boxed()
            } else if path.ends_with("/model") {
                prop_oneof![2 => Just(String::new()), 1 => query(&ids, &["version"])].boxed()
            } else {
                prop_oneof![4 => Just(String::new()), 1 => query(&ids, &["transitions", "x"])].boxed()
            };
            (Just(path), method, segment(shops.clone()), segment(numbers.clone()), b, q)
        })
        .prop_map(|(path, method, s, n, body, q)| {
            let mut target = path.replace("{s}", &s).replace("{n}", &n);
            if !q.is_empty() {
                target = format!("{target}?{q}");
            }
            (method, target, body)
        });
    let ct = prop_oneof![
        6 => Just(Some("application/json")),
        1 => Just(None),
        1 => select(vec!["application/toml", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-8"]).prop_map(Some),
    ];
    let req = (one, ct).prop_map(|((method, target, body), ct)| {
        let mut headers = Vec::new();
        if let Some(ct) = ct {
            headers.push(("Content-Type".to_string(), ct.as_bytes().to_vec()));
        }
        request(Family::Admin, target, headers, body, method)
    });
    prop::collection::vec(req, 1..8).boxed()
}

/// After control-plane changes, the RMS APIs of the shop still answer their envelopes.
fn probes(auth: &str) -> Vec<Req> {
    let h = |ct: &str| {
        vec![
            ("Authorization".to_string(), auth.as_bytes().to_vec()),
            ("Content-Type".to_string(), ct.as_bytes().to_vec()),
        ]
    };
    let search =
        json!({"dateType": 1, "startDatetime": "2026-11-01T00:00:00+0900", "endDatetime": "2026-12-31T23:59:59+0900"});
    vec![
        request(
            Family::Order(Some(0)),
            "/es/2.0/order/searchOrder/".into(),
            h("application/json"),
            search.to_string().into_bytes(),
            "POST",
        ),
        request(Family::Item, "/es/2.0/items/search?hits=100".into(), h("application/json"), vec![], "GET"),
        request(
            Family::Inventory,
            "/es/2.1/inventories/bulk-get/range?minQuantity=0&maxQuantity=99999".into(),
            h("application/json"),
            vec![],
            "GET",
        ),
    ]
}

// ----- the tests -----

#[test]
fn order_operations_answer_any_request_with_their_envelope_never_a_5xx() {
    let f = Fuzz::start();
    let s = order_requests(&f);
    f.run("order", 400, 64, s);
}

#[test]
fn item_api_answers_any_request_with_its_errors_envelope_never_a_5xx() {
    let f = Fuzz::start();
    let s = item_requests(&f);
    f.run("item", 400, 64, s);
}

#[test]
fn inventory_api_answers_any_request_with_its_errors_envelope_never_a_5xx() {
    let f = Fuzz::start();
    let s = inventory_requests(&f);
    f.run("inventory", 400, 64, s);
}

#[test]
fn control_plane_answers_any_request_with_its_error_envelope_and_leaves_rms_answering() {
    let f = Fuzz::start();
    let probes = probes(&f.auth);
    let s = admin_requests(&f).prop_map(move |mut batch| {
        batch.extend(probes.clone());
        batch
    });
    f.run("control plane", 200, 1, s);
}
