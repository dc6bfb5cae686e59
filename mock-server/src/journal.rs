//! The journal: the bounded record of RMS requests, for `GET /__admin/shops/{id}/journal` and
//! the server's own `GET /__admin/journal` (requests whose credentials named no shop).
//!
//! It is a record of the wire (methods, paths, headers, bodies), so it lives beside the wire
//! and not in `domain/`; a shop keeps its journal with its other state, behind the same lock,
//! so an entry appears in the same step as the change its request made. Memory stays bounded
//! over days of traffic: a ring of `journal_limit` entries (the oldest are evicted and
//! counted) whose bodies are cut at `journal_body_limit` bytes each. Readers that wait for an
//! entry (`wait=`) subscribe to a watch channel under the lock and await it after the lock is
//! released.
//!
//! Recording is on every request's path, so an entry costs few allocations: bodies share the
//! request's and the answer's own buffers when they fit the limit, times and ids are kept as
//! values and spelled out only when the control plane reads them, and the kept request
//! headers share one string.

use crate::domain::faults::FaultKind;
use crate::domain::function::{FunctionId, OrderOperation};
use crate::domain::time::JstDateTime;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;

/// The longest a reader may wait for an entry (`wait=`), in seconds.
pub const MAX_WAIT_SECONDS: f64 = 30.0;

/// How many entries the server's journal keeps, and how much of each body.
pub const SERVER_JOURNAL_LIMIT: usize = 1000;
/// The server journal's body bound (a shop's is its `journal_body_limit` setting).
pub const SERVER_BODY_LIMIT: usize = 16 * 1024;

/// The most bytes of a request's path, and of its query, an entry keeps: longer ones are cut
/// with the bodies' marker (`…[truncated: N bytes in all]`), so a client sending 60 KB paths
/// cannot make each entry 60 KB.
pub const MAX_PATH_BYTES: usize = 2048;

/// The most bytes of one kept request header's value (a `User-Agent` of 8 KB is cut).
pub const MAX_HEADER_BYTES: usize = 512;

/// The most bytes a journal keeps, whatever its `journal_limit`: beyond it the oldest entries
/// are evicted (and counted) as beyond the limit. The defaults (1000 entries, bodies cut at
/// 16 KiB) stay well below it; 1 MiB bodies keep at least 32 entries.
pub const MAX_JOURNAL_BYTES: usize = 64 * 1024 * 1024;

/// Request headers worth keeping (lower case); others (cookies, proxies' headers) are left out.
const KEPT_HEADERS: &[&str] =
    &["authorization", "content-type", "content-length", "transfer-encoding", "expect", "accept", "user-agent"];

/// One request as the journal keeps it; the control plane answers it as a
/// [`crate::control::Entry`] (same fields, documented there, spelled out as text there). Its
/// own type, so that the shop that holds its journal knows nothing of the control plane's
/// types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    /// The shop's virtual now (the host's time in JST for the server's journal).
    pub at: JstDateTime,
    /// The host's time ([`wall_time_text`] spells it).
    pub wall_time: SystemTime,
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub function: FunctionId,
    pub status: u16,
    pub codes: Vec<String>,
    pub request_id: Option<RequestId>,
    pub auth_problem: Option<String>,
    pub request_headers: KeptHeaders,
    pub request_body: Option<Body>,
    pub response_body: Option<Body>,
    /// The fault that fired on the request (its id and kind), if one did.
    pub fault: Option<(String, FaultKind)>,
}

/// A journal entry as a state document keeps it ([`crate::domain::state`]): the fields of an
/// [`Entry`] as plain data. The kept request headers are a map by (lower-case) name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntryState {
    /// The entry's number in the shop's journal.
    pub seq: u64,
    /// The shop's now when it was recorded.
    pub at: JstDateTime,
    /// The host's time, as the control plane writes it (`2026-11-29T07:12:03.456Z`).
    pub wall_time: String,
    /// The HTTP method.
    pub method: String,
    /// The path (cut at [`MAX_PATH_BYTES`]).
    pub path: String,
    /// The query, if any.
    pub query: Option<String>,
    /// The RMS function the request named.
    pub function: FunctionId,
    /// The answer's HTTP status.
    pub status: u16,
    /// The answer's RMS codes.
    pub codes: Vec<String>,
    /// The answer's `RequestId` as (hash, count), which its text is made of.
    pub request_id: Option<(u64, u64)>,
    /// Why authentication failed, if it did.
    pub auth_problem: Option<String>,
    /// The kept request headers, credentials masked.
    pub request_headers: BTreeMap<String, String>,
    /// The request body as kept.
    pub request_body: Option<BodyState>,
    /// The answer body as kept.
    pub response_body: Option<BodyState>,
    /// The fault that fired on the request, if one did.
    pub fault: Option<FaultMark>,
}

/// The fault a journal entry's request met (as the journal API shows it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultMark {
    /// The fault's id.
    pub id: String,
    /// Its kind.
    pub kind: FaultKind,
}

/// A kept body in a state document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyState {
    /// The text kept (cut with its marker when `truncated`).
    pub text: String,
    /// The body's size in bytes.
    pub bytes: usize,
    /// Whether the text was cut.
    pub truncated: bool,
}

impl Entry {
    /// The entry as a state document keeps it.
    pub fn to_state(&self) -> JournalEntryState {
        let body = |b: &Option<Body>| {
            b.as_ref().map(|b| BodyState { text: b.text.as_str().to_string(), bytes: b.bytes, truncated: b.truncated })
        };
        JournalEntryState {
            seq: self.seq,
            at: self.at,
            wall_time: wall_time_text(self.wall_time),
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            function: self.function,
            status: self.status,
            codes: self.codes.clone(),
            request_id: self.request_id.map(|r| (r.hash, r.seq)),
            auth_problem: self.auth_problem.clone(),
            request_headers: self.request_headers.to_map(),
            request_body: body(&self.request_body),
            response_body: body(&self.response_body),
            fault: self.fault.as_ref().map(|(id, kind)| FaultMark { id: id.clone(), kind: *kind }),
        }
    }

    /// The entry of a state document; Err names what is wrong with it.
    pub fn from_state(state: JournalEntryState) -> Result<Entry, String> {
        let method = Method::from_bytes(state.method.as_bytes())
            .map_err(|_| format!("method {:?} is not an HTTP method", state.method))?;
        let wall_time = parse_wall_time(&state.wall_time)
            .ok_or_else(|| format!("wall_time {:?} is not like 2026-11-29T07:12:03.456Z", state.wall_time))?;
        let mut headers = KeptHeaders::default();
        for (name, value) in &state.request_headers {
            let Some(i) = KEPT_HEADERS.iter().position(|k| k == name) else {
                return Err(format!("request_headers: {name:?} is not a header the journal keeps"));
            };
            let start = headers.text.len();
            headers.text.push_str(value);
            let span = u32::try_from(start).ok().zip(u32::try_from(headers.text.len()).ok());
            headers.spans[i] = Some(span.ok_or("request_headers: too long")?);
        }
        let body =
            |b: Option<BodyState>| b.map(|b| Body { text: Text::from(b.text), bytes: b.bytes, truncated: b.truncated });
        Ok(Entry {
            seq: state.seq,
            at: state.at,
            wall_time,
            method,
            path: state.path,
            query: state.query,
            function: state.function,
            status: state.status,
            codes: state.codes,
            request_id: state.request_id.map(|(hash, seq)| RequestId { hash, seq }),
            auth_problem: state.auth_problem,
            request_headers: headers,
            request_body: body(state.request_body),
            response_body: body(state.response_body),
            fault: state.fault.map(|f| (f.id, f.kind)),
        })
    }
}

/// Reads [`wall_time_text`]'s form back.
fn parse_wall_time(text: &str) -> Option<SystemTime> {
    let (seconds, millis) = text.strip_suffix('Z')?.split_once('.')?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The UTC civil fields, read as if they were JST: the Unix seconds (see wall_time_text).
    let unix = JstDateTime::parse_rms(&format!("{seconds}+0900")).ok()?.seconds();
    let since_epoch = Duration::from_secs(u64::try_from(unix).ok()?) + Duration::from_millis(millis.parse().ok()?);
    SystemTime::UNIX_EPOCH.checked_add(since_epoch)
}

/// A response's `RequestId`: a UUID-shaped text (`1f0c…-…-4…-a…-…`) made of a hash and the
/// shop's request count (the shop issues them reproducibly from its seed), spelled out only
/// where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestId {
    hash: u64,
    seq: u64,
}

impl RequestId {
    /// The id of the shop's `seq`-th request, whose seeded hash is `hash`.
    pub fn new(hash: u64, seq: u64) -> Self {
        RequestId { hash, seq }
    }
}

impl RequestId {
    /// The text, `{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}` of (hash >> 32, hash >> 16, hash,
    /// seq, seq), written digit by digit: every answer carries one.
    pub fn text(&self) -> [u8; 36] {
        fn hex(out: &mut [u8], mut n: u64) {
            for b in out.iter_mut().rev() {
                *b = b"0123456789abcdef"[(n & 0xf) as usize];
                n >>= 4;
            }
        }
        let (h, seq) = (self.hash, self.seq);
        let mut t = *b"00000000-0000-4000-a000-000000000000";
        hex(&mut t[0..8], h >> 32);
        hex(&mut t[9..13], (h >> 16) & 0xffff);
        hex(&mut t[15..18], h & 0xfff);
        hex(&mut t[20..23], seq & 0xfff);
        hex(&mut t[24..36], seq);
        t
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // ASCII hex digits and dashes only.
        f.write_str(std::str::from_utf8(&self.text()).unwrap_or_default())
    }
}

/// A body as kept: at most the body limit, cut with a marker (see [`body`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    pub text: Text,
    pub bytes: usize,
    pub truncated: bool,
}

/// Text held as shared bytes, always valid UTF-8: a body that fits the limit is the request's
/// or the answer's own buffer (`Bytes` clones share it), not a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(Bytes);

impl Text {
    /// The text; checked UTF-8 on the way in, so never empty by mistake.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Bytes::from(s))
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The kept request headers ([`KEPT_HEADERS`], the credentials masked) in one string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeptHeaders {
    text: String,
    /// Where each kept header's value lies in `text`, by its index in [`KEPT_HEADERS`].
    spans: [Option<(u32, u32)>; KEPT_HEADERS.len()],
}

impl KeptHeaders {
    /// Header name → value, in name order, as the control plane shows them.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// (name, value) pairs in [`KEPT_HEADERS`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        KEPT_HEADERS
            .iter()
            .zip(&self.spans)
            .filter_map(|(name, span)| span.map(|(a, b)| (*name, &self.text[a as usize..b as usize])))
    }
}

/// What a reader gets: the counts and the selected entries, oldest first.
#[derive(Clone, Debug)]
pub struct Page {
    pub recorded: u64,
    pub evicted: u64,
    pub entries: Vec<Entry>,
}

/// A bounded log of requests with a "something new" signal.
#[derive(Debug)]
pub struct Journal {
    entries: VecDeque<Entry>,
    recorded: u64,
    evicted: u64,
    /// What the kept entries hold ([`Entry::kept_bytes`]), at most [`MAX_JOURNAL_BYTES`].
    bytes: usize,
    /// Carries `recorded`; every record wakes the waiting readers.
    news: watch::Sender<u64>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal { entries: VecDeque::new(), recorded: 0, evicted: 0, bytes: 0, news: watch::channel(0).0 }
    }
}

impl Entry {
    /// About what the entry holds in memory: its texts and bodies (a body that shares the
    /// request's buffer counts that buffer) and the entry itself.
    fn kept_bytes(&self) -> usize {
        let body = |b: &Option<Body>| b.as_ref().map_or(0, |b| b.text.0.len());
        std::mem::size_of::<Entry>()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.codes.iter().map(String::len).sum::<usize>()
            + self.auth_problem.as_ref().map_or(0, String::len)
            + self.request_headers.text.len()
            + body(&self.request_body)
            + body(&self.response_body)
            + self.fault.as_ref().map_or(0, |(id, _)| id.len())
    }
}

impl Journal {
    /// Appends `entry` (its `seq` is set here, its path and query cut at [`MAX_PATH_BYTES`]),
    /// dropping the oldest beyond `limit` entries or [`MAX_JOURNAL_BYTES`].
    pub fn record(&mut self, limit: usize, entry: Entry) {
        self.record_within(limit, MAX_JOURNAL_BYTES, entry);
    }

    fn record_within(&mut self, limit: usize, max_bytes: usize, mut entry: Entry) {
        self.recorded += 1;
        entry.seq = self.recorded;
        cut_text(&mut entry.path, MAX_PATH_BYTES);
        if let Some(q) = &mut entry.query {
            cut_text(q, MAX_PATH_BYTES);
        }
        self.bytes += entry.kept_bytes();
        self.entries.push_back(entry);
        // The newest entry stays, whatever its size (it is bounded by the cuts).
        while self.entries.len() > limit.max(1) || (self.bytes > max_bytes && self.entries.len() > 1) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.kept_bytes();
            }
            self.evicted += 1;
        }
        // Only a reader waiting for news (`wait=`) needs telling. It subscribes under the same
        // lock this runs under, after reading the entries, so a record with no one
        // subscribed can skip the wake-up (a tenth of recording, on every request).
        if self.news.receiver_count() > 0 {
            self.news.send_replace(self.recorded);
        }
    }

    /// (recorded, evicted): the counters a state document keeps.
    pub fn counters(&self) -> (u64, u64) {
        (self.recorded, self.evicted)
    }

    /// The kept entries, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Where the kept entry of `seq` is (entries are kept in `seq` order): a binary search,
    /// as `--state-dir` asks for the entry each request appended, at the back of a journal
    /// of up to a million entries.
    fn position(&self, seq: u64) -> Option<usize> {
        self.entries.binary_search_by_key(&seq, |e| e.seq).ok()
    }

    /// The kept entry of `seq`, if kept.
    pub fn entry(&self, seq: u64) -> Option<&Entry> {
        self.position(seq).and_then(|i| self.entries.get(i))
    }

    /// Sets the counters of a state document.
    pub fn set_counters(&mut self, recorded: u64, evicted: u64) {
        self.recorded = recorded;
        self.evicted = evicted;
        self.news.send_replace(self.recorded);
    }

    /// Puts an entry of a state document as it is (its `seq` kept): replaces the kept entry
    /// of that `seq`, or goes after the newest one; then the oldest beyond `limit` entries or
    /// [`MAX_JOURNAL_BYTES`] are dropped, not counted (the document's counters say what was).
    /// Err when the entry would go between two kept ones.
    pub fn put_restored(&mut self, limit: usize, entry: Entry) -> Result<(), String> {
        if let Some(kept) = self.position(entry.seq).and_then(|i| self.entries.get_mut(i)) {
            self.bytes = self.bytes - kept.kept_bytes() + entry.kept_bytes();
            *kept = entry;
            return Ok(());
        }
        if self.entries.back().is_some_and(|last| last.seq > entry.seq) {
            return Err(format!("entry {} comes before the newest kept entry", entry.seq));
        }
        self.bytes += entry.kept_bytes();
        self.entries.push_back(entry);
        while self.entries.len() > limit.max(1) || (self.bytes > MAX_JOURNAL_BYTES && self.entries.len() > 1) {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.kept_bytes();
            }
        }
        Ok(())
    }

    /// Drops the kept entry of `seq` (a state document's change log says it is gone).
    #[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
    pub fn remove_restored(&mut self, seq: u64) {
        if let Some(i) = self.position(seq) {
            if let Some(old) = self.entries.remove(i) {
                self.bytes -= old.kept_bytes();
            }
        }
    }

    /// Empties the log; `recorded` goes on, so `seq`s never repeat.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// A receiver that sees every entry recorded after this call.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.news.subscribe()
    }

    /// The entries `filter` selects, as the control plane answers them.
    pub fn answer(&self, filter: &Filter) -> Page {
        let matching = self.entries.iter().filter(|e| filter.matches(e));
        let entries: Vec<Entry> = match (filter.limit, filter.since) {
            (Some(n), Some(_)) => matching.take(n).cloned().collect(),
            (Some(n), None) => {
                let all: Vec<&Entry> = matching.collect();
                all[all.len().saturating_sub(n)..].iter().map(|e| (*e).clone()).collect()
            }
            (None, _) => matching.cloned().collect(),
        };
        Page { recorded: self.recorded, evicted: self.evicted, entries }
    }
}

/// The query of `GET …/journal` ([`crate::control::JournalQuery`]), checked.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    function: Option<FunctionId>,
    status: Option<(u16, u16)>,
    order_number: Option<String>,
    since: Option<u64>,
    limit: Option<usize>,
    /// How long to wait for a match; none answers at once.
    pub wait: Option<Duration>,
}

impl Filter {
    /// Checks the query's parameters; the error names the parameter and the problem.
    pub fn parse(
        function: Option<&str>,
        status: Option<&str>,
        order_number: Option<&str>,
        since: Option<u64>,
        limit: Option<usize>,
        wait: Option<f64>,
    ) -> Result<Filter, String> {
        let function = match function {
            None => None,
            Some(f) => Some(match FunctionId::parse(f) {
                Ok(id) => id,
                Err(e) => OrderOperation::from_name(f).map(|op| op.function_id()).ok_or(format!("function: {e}"))?,
            }),
        };
        let status = match status {
            None => None,
            Some(s) => {
                Some(parse_status(s).ok_or(format!("status: '{s}' is not an HTTP status (200) or class (4xx)"))?)
            }
        };
        let wait = match wait {
            None => None,
            Some(w) if (0.0..=MAX_WAIT_SECONDS).contains(&w) => Some(Duration::from_secs_f64(w)),
            Some(w) => return Err(format!("wait: {w} is not between 0 and {MAX_WAIT_SECONDS} seconds")),
        };
        let order_number = order_number.filter(|n| !n.is_empty()).map(String::from);
        Ok(Filter { function, status, order_number, since, limit, wait })
    }

    fn matches(&self, e: &Entry) -> bool {
        self.since.is_none_or(|s| e.seq > s)
            && self.function.is_none_or(|f| e.function == f)
            && self.status.is_none_or(|(lo, hi)| (lo..=hi).contains(&e.status))
            && self.order_number.as_deref().is_none_or(|n| {
                let mentions = |b: &Option<Body>| b.as_ref().is_some_and(|b| b.text.as_str().contains(n));
                mentions(&e.request_body) || mentions(&e.response_body) || e.path.contains(n)
            })
    }
}

fn parse_status(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    if let Some(class) = s.strip_suffix("xx").or_else(|| s.strip_suffix("XX")) {
        let c: u16 = class.parse().ok().filter(|c| (1..=5).contains(c))?;
        return Some((c * 100, c * 100 + 99));
    }
    let code: u16 = s.parse().ok().filter(|c| (100..=599).contains(c))?;
    Some((code, code))
}

/// Answers `filter` from the journal `read` locks, waiting (without holding the lock) up to
/// `filter.wait` for a first match. `read` returns the answer and a subscription taken under
/// the same lock, so no entry can slip in between the two.
pub async fn answer_waiting(filter: &Filter, read: impl Fn() -> Option<(Page, watch::Receiver<u64>)>) -> Option<Page> {
    let deadline = tokio::time::Instant::now() + filter.wait.unwrap_or_default();
    loop {
        let (answer, mut news) = read()?;
        if !answer.entries.is_empty() || filter.wait.is_none() {
            return Some(answer);
        }
        match tokio::time::timeout_at(deadline, news.changed()).await {
            Ok(Ok(())) => continue,
            // Timed out, or the journal is gone (its shop was deleted): the empty answer.
            Ok(Err(_)) | Err(_) => return Some(answer),
        }
    }
}

/// The server's journal: requests whose credentials named no shop. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct ServerJournal(Arc<Mutex<Journal>>);

impl ServerJournal {
    /// Runs `f` with the journal locked (never across an `.await`).
    pub fn with<R>(&self, f: impl FnOnce(&mut Journal) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Cuts `text` to at most `max` bytes (at a character boundary) and adds the marker the
/// journal's bodies carry, when it is longer.
fn cut_text(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let total = text.len();
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(&format!("…[truncated: {total} bytes in all]"));
    text.shrink_to_fit();
}

/// The request headers worth keeping, the credentials masked, each value cut at
/// [`MAX_HEADER_BYTES`], in one allocation. One pass over the request's headers (a lookup per
/// kept name would hash each name again).
pub fn kept_headers(headers: &HeaderMap) -> KeptHeaders {
    let kept_index = |name: &header::HeaderName| KEPT_HEADERS.iter().position(|k| *k == name.as_str());
    let mut kept = KeptHeaders::default();
    let mut len = 0;
    let mut found: [Option<&HeaderValue>; KEPT_HEADERS.len()] = [None; KEPT_HEADERS.len()];
    for (name, value) in headers {
        // The first value of a repeated header, as `HeaderMap::get` gives it.
        if let Some(slot) = kept_index(name).map(|i| &mut found[i]).filter(|slot| slot.is_none()) {
            *slot = Some(value);
            // Room for the marker of a cut value, too.
            len += value.len().min(MAX_HEADER_BYTES + 40);
        }
    }
    kept.text.reserve_exact(len);
    for (i, value) in found.iter().enumerate() {
        let Some(v) = value else { continue };
        let start = kept.text.len();
        if KEPT_HEADERS[i] == header::AUTHORIZATION.as_str() {
            mask_authorization_into(&header_text(v), &mut kept.text);
        } else {
            let mut v = header_text(v);
            if v.len() > MAX_HEADER_BYTES {
                cut_text(v.to_mut(), MAX_HEADER_BYTES);
            }
            kept.text.push_str(&v);
        }
        kept.spans[i] = Some((start as u32, kept.text.len() as u32));
    }
    kept
}

/// A header value as text: borrowed when it is UTF-8 (always, from a client that sends
/// ASCII), else with U+FFFD for what is not. (`from_utf8_lossy` gives the same, walking the
/// bytes in chunks even when they are valid: a sixth of keeping the headers.)
fn header_text(v: &HeaderValue) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(v.as_bytes()) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(v.as_bytes()),
    }
}

/// `ESA U1AxMjM0…MQ==` → `ESA ****MQ==`: the scheme and at most the last four characters,
/// enough to tell two keys apart, never enough to use one.
#[cfg(test)]
pub fn mask_authorization(value: &str) -> String {
    let mut out = String::new();
    mask_authorization_into(value, &mut out);
    out
}

fn mask_authorization_into(value: &str, out: &mut String) {
    let (scheme, secret) = value.trim().split_once(' ').unwrap_or(("", value.trim()));
    let secret = secret.trim();
    if !scheme.is_empty() {
        out.push_str(scheme);
        out.push(' ');
    }
    out.push_str("****");
    // A short credential would be half given away by four characters.
    // (Whether it has a 12th character, without counting all of them.)
    if secret.chars().nth(11).is_some() {
        let tail = secret.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
        out.push_str(&secret[tail..]);
    }
}

/// At most the first four characters of a service secret (`SP99…`), and fewer for a short
/// one, so a log line can say which shop a client meant without giving the secret away.
pub fn secret_hint(secret: &str) -> String {
    let n = secret.chars().count().div_euclid(2).min(4);
    format!("{}…", secret.chars().take(n).collect::<String>())
}

/// A body as the journal keeps it: none when empty, else at most `max` bytes of it (cut at a
/// character boundary) and the marker when cut. A copy; [`shared_body`] is the request path's.
#[cfg(test)]
pub fn body(bytes: &[u8], max: usize) -> Option<Body> {
    shared_body(&Bytes::copy_from_slice(bytes), max)
}

/// [`body`] of a buffer the journal may share: a body that fits the limit and is UTF-8 is kept
/// as a handle on `bytes` (no copy); a cut one is copied, so that a large answer's buffer is
/// not kept alive for its first bytes.
pub fn shared_body(bytes: &Bytes, max: usize) -> Option<Body> {
    kept_body(bytes, max, false)
}

/// [`shared_body`] of an answer this server serialised: JSON from `serde_json`, UTF-8 by
/// construction, so it is not checked again (on every request; a reader still checks).
pub fn answer_body(bytes: &Bytes, max: usize) -> Option<Body> {
    kept_body(bytes, max, true)
}

fn kept_body(bytes: &Bytes, max: usize, known_utf8: bool) -> Option<Body> {
    if bytes.is_empty() {
        return None;
    }
    if bytes.len() <= max {
        let text = if known_utf8 || std::str::from_utf8(bytes).is_ok() {
            Text(bytes.clone())
        } else {
            Text::from(String::from_utf8_lossy(bytes).into_owned())
        };
        return Some(Body { text, bytes: bytes.len(), truncated: false });
    }
    let mut cut = max;
    // Step back over a UTF-8 sequence the cut would split (continuation bytes are 10xxxxxx).
    while cut > 0 && cut < bytes.len() && bytes[cut] & 0xC0 == 0x80 && max - cut < 3 {
        cut -= 1;
    }
    let mut text = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    text.push_str(&format!("…[truncated: {} bytes in all]", bytes.len()));
    Some(Body { text: Text::from(text), bytes: bytes.len(), truncated: true })
}

/// The host's time now, as the journal keeps it ([`wall_time_text`]), and as a JST datetime
/// for the server journal's `at`.
pub fn wall_now() -> (SystemTime, JstDateTime) {
    let now = SystemTime::now();
    (now, JstDateTime::from_unix_seconds(unix_seconds(now)))
}

fn unix_seconds(t: SystemTime) -> i64 {
    let since_epoch = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

/// A journal's `wall_time`: UTC with milliseconds, `2026-11-29T07:12:03.456Z`.
pub fn wall_time_text(t: SystemTime) -> String {
    let millis = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().subsec_millis();
    // The UTC seconds read as if they were JST: the civil fields of UTC.
    format!("{}.{millis:03}Z", &*JstDateTime::from_seconds(unix_seconds(t)).naive_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::JournalQuery;

    fn entry(function: &str, status: u16, body: &str) -> Entry {
        Entry {
            seq: 0,
            at: JstDateTime::parse_rms("2026-11-28T09:00:00+0900").unwrap(),
            wall_time: SystemTime::UNIX_EPOCH,
            method: Method::POST,
            path: "/p".into(),
            query: None,
            function: FunctionId::parse(function).unwrap(),
            status,
            codes: vec![],
            request_id: None,
            auth_problem: None,
            request_headers: KeptHeaders::default(),
            request_body: super::body(body.as_bytes(), 100),
            response_body: None,
            fault: None,
        }
    }

    fn parse(q: &JournalQuery) -> Result<Filter, String> {
        let (f, st, n) = (q.function.as_deref(), q.status.as_deref(), q.order_number.as_deref());
        Filter::parse(f, st, n, q.since, q.limit, q.wait)
    }

    fn filter(q: JournalQuery) -> Filter {
        parse(&q).unwrap()
    }

    #[test]
    fn journal_keeps_the_newest_entries_within_its_limit_and_counts_the_evicted() {
        let mut j = Journal::default();
        for _ in 0..5 {
            j.record(3, entry("rpay.order.searchOrder", 200, ""));
        }
        let answer = j.answer(&Filter::default());
        let seqs: Vec<u64> = answer.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);
        assert_eq!((answer.recorded, answer.evicted), (5, 2));
    }

    /// Bug (issue 12): a 60 KB path was journalled whole, 60 MB a shop at the default limit.
    #[test]
    fn long_paths_queries_and_headers_are_cut_with_the_marker() {
        let mut j = Journal::default();
        let mut e = entry("rpay.order.searchOrder", 404, "");
        e.path = format!("/es/2.0/items/manage-numbers/{}", "あ".repeat(20_000));
        e.query = Some("q=".repeat(40_000));
        j.record(10, e);
        let kept = &j.answer(&Filter::default()).entries[0];
        let path_bytes = "/es/2.0/items/manage-numbers/".len() + 60_000;
        assert!(kept.path.ends_with(&format!("あ…[truncated: {path_bytes} bytes in all]")), "{}", &kept.path[2000..]);
        assert!(kept.path.len() <= MAX_PATH_BYTES + 40);
        assert!(kept.query.as_deref().unwrap().ends_with("q=…[truncated: 80000 bytes in all]"));

        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, "u".repeat(8000).parse().unwrap());
        headers.insert(header::ACCEPT, "application/json".parse().unwrap());
        let kept = kept_headers(&headers).to_map();
        assert_eq!(kept["user-agent"], format!("{}…[truncated: 8000 bytes in all]", "u".repeat(MAX_HEADER_BYTES)));
        assert_eq!(kept["accept"], "application/json");
    }

    #[test]
    fn a_journal_is_bounded_in_bytes_too_evicting_the_oldest() {
        let mut j = Journal::default();
        let big = |n: usize| {
            let mut e = entry("rpay.order.searchOrder", 200, "");
            e.request_body = super::body("x".repeat(n).as_bytes(), n);
            e
        };
        let size = big(10_000).kept_bytes();
        for _ in 0..10 {
            j.record_within(1000, 3 * size, big(10_000));
        }
        let page = j.answer(&Filter::default());
        assert_eq!(page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [8, 9, 10]);
        assert_eq!((page.recorded, page.evicted, j.bytes), (10, 7, 3 * size));
        j.record_within(1000, 3 * size, big(50_000));
        assert_eq!(j.answer(&Filter::default()).entries.len(), 1, "the newest stays, whatever its size");
        j.clear();
        assert_eq!(j.bytes, 0);
    }

    #[test]
    fn filters_select_by_function_status_order_number_and_since() {
        let mut j = Journal::default();
        j.record(10, entry("rpay.order.searchOrder", 200, "{}"));
        j.record(10, entry("rpay.order.confirmOrder", 200, r#"{"orderNumberList":["123456-1"]}"#));
        j.record(10, entry("rpay.order.confirmOrder", 400, "{}"));
        let seqs = |q: JournalQuery| -> Vec<u64> { j.answer(&filter(q)).entries.iter().map(|e| e.seq).collect() };
        assert_eq!(seqs(JournalQuery::new().function("confirmOrder")), [2, 3]);
        assert_eq!(seqs(JournalQuery::new().function("rpay.order.confirmOrder").status("200")), [2]);
        assert_eq!(seqs(JournalQuery::new().status("4xx")), [3]);
        assert_eq!(seqs(JournalQuery::new().order_number("123456-1")), [2]);
        assert_eq!(seqs(JournalQuery::new().since(1)), [2, 3]);
        assert_eq!(seqs(JournalQuery::new().since(1).limit(1)), [2], "after since: the first ones");
        assert_eq!(seqs(JournalQuery::new().limit(1)), [3], "without since: the newest");
    }

    #[test]
    fn bad_filter_values_name_the_parameter() {
        let err = |q: JournalQuery| parse(&q).unwrap_err();
        assert!(
            err(JournalQuery::new().function("rpay.order.serchOrder")).contains("did you mean rpay.order.searchOrder")
        );
        assert!(err(JournalQuery::new().status("2000")).starts_with("status: "));
        assert!(err(JournalQuery::new().status("6xx")).starts_with("status: "));
        assert!(err(JournalQuery::new().wait(31.0)).starts_with("wait: "));
        assert!(err(JournalQuery::new().wait(f64::NAN)).starts_with("wait: "));
    }

    #[test]
    fn bodies_are_cut_at_a_character_boundary_with_the_marker_and_the_size() {
        let b = body("ああ".as_bytes(), 4).unwrap(); // 6 bytes; the cut at 4 would split the second
        assert_eq!(b.text, "あ…[truncated: 6 bytes in all]");
        assert_eq!((b.bytes, b.truncated), (6, true));
        assert_eq!(body(b"{}", 4).unwrap().text, "{}");
        assert_eq!(body(b"", 4), None);
    }

    #[test]
    fn credentials_are_masked_to_the_scheme_and_four_characters() {
        let h = crate::auth::esa_header("SP123456_Secret", "SL123456_License");
        let masked = mask_authorization(&h);
        assert_eq!(masked, format!("ESA ****{}", &h[h.len() - 4..]));
        assert_eq!(mask_authorization("Bearer abc"), "Bearer ****");
        assert_eq!(secret_hint("SP999999_x"), "SP99…");
        assert_eq!(secret_hint("abc"), "a…");
    }

    /// The long-poll with the clock paused: a waiter wakes when an entry is recorded (long
    /// before its 30 s), and another answers empty exactly at its timeout.
    #[tokio::test(start_paused = true)]
    async fn a_waiting_reader_wakes_on_a_match_and_gives_up_at_its_timeout() {
        let journal = ServerJournal::default();
        let waiting = |q: JournalQuery| {
            let journal = journal.clone();
            tokio::spawn(async move {
                let f = filter(q);
                let started = tokio::time::Instant::now();
                let read = || Some(journal.with(|j| (j.answer(&f), j.subscribe())));
                let answer = answer_waiting(&f, read).await.unwrap();
                (answer.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), started.elapsed())
            })
        };
        let confirm = waiting(JournalQuery::new().function("confirmOrder").wait(30.0));
        let never = waiting(JournalQuery::new().function("getOrder").wait(5.0));
        tokio::task::yield_now().await;
        journal.with(|j| j.record(10, entry("rpay.order.searchOrder", 200, "")));
        tokio::time::sleep(Duration::from_secs(1)).await; // virtual: the clock is paused
        journal.with(|j| j.record(10, entry("rpay.order.confirmOrder", 200, "")));
        let (seqs, waited) = confirm.await.unwrap();
        assert_eq!(seqs, [2], "woken by the matching entry, not the first one");
        assert_eq!(waited, Duration::from_secs(1));
        let (seqs, waited) = never.await.unwrap();
        assert!(seqs.is_empty());
        assert_eq!(waited, Duration::from_secs(5));
    }

    /// Records made while nobody waits skip the wake-up; a reader who comes later still
    /// wakes on the next record.
    #[tokio::test(start_paused = true)]
    async fn a_reader_coming_after_unwatched_records_wakes_on_the_next_one() {
        let journal = ServerJournal::default();
        journal.with(|j| j.record(10, entry("rpay.order.confirmOrder", 200, "")));
        journal.with(|j| j.record(10, entry("rpay.order.searchOrder", 200, "")));
        let f = filter(JournalQuery::new().function("confirmOrder").since(1).wait(30.0));
        let reader = journal.clone();
        let waiting = tokio::spawn(async move {
            let read = || Some(reader.with(|j| (j.answer(&f), j.subscribe())));
            answer_waiting(&f, read).await.unwrap()
        });
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_secs(2)).await; // virtual: the clock is paused
        journal.with(|j| j.record(10, entry("rpay.order.confirmOrder", 200, "")));
        let page = waiting.await.unwrap();
        assert_eq!(page.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn wall_time_is_utc_with_milliseconds() {
        let wall = wall_time_text(wall_now().0);
        assert_eq!(wall.len(), "2026-11-29T07:12:03.456Z".len(), "{wall}");
        assert!(wall.ends_with('Z'));
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_996_800_007);
        assert_eq!(wall_time_text(t), "2026-11-30T00:00:00.007Z");
    }

    #[test]
    fn a_request_id_reads_as_its_formatted_parts() {
        for (hash, seq) in [(0, 1), (u64::MAX, 4096), (0x1234_5678_9abc_def0, 0xfff_ffff_ffff), (7, u64::MAX)] {
            let expected = format!(
                "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                hash >> 32,
                (hash >> 16) & 0xffff,
                hash & 0xfff,
                seq & 0xfff,
                seq & 0xffff_ffff_ffff
            );
            assert_eq!(RequestId::new(hash, seq).to_string(), expected);
        }
    }

    #[test]
    fn a_header_value_that_is_not_utf8_is_kept_with_replacement_characters() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_bytes(b"text/caf\xe9").unwrap());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_bytes(b"ESA \xff23456789012").unwrap());
        let kept = kept_headers(&headers).to_map();
        assert_eq!(kept["content-type"], "text/caf\u{fffd}");
        assert_eq!(kept["authorization"], "ESA ****9012", "12 characters, one of them U+FFFD: the tail shown");
        assert_eq!(mask_authorization("ESA 12345678901"), "ESA ****", "11 characters: nothing shown");
    }

    #[test]
    fn kept_headers_share_one_string_and_mask_the_credentials() {
        let mut headers = HeaderMap::new();
        let auth = crate::auth::esa_header("SP123456_Secret", "SL123456_License");
        headers.insert(header::AUTHORIZATION, auth.parse().unwrap());
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        headers.insert(header::COOKIE, "a=b".parse().unwrap());
        let kept = kept_headers(&headers);
        let expected: BTreeMap<String, String> = [
            ("authorization".to_string(), mask_authorization(&auth)),
            ("content-type".to_string(), "application/json".to_string()),
        ]
        .into();
        assert_eq!(kept.to_map(), expected, "no cookie, the key masked");
    }

    #[test]
    fn a_body_within_the_limit_shares_its_buffer_and_a_cut_one_does_not() {
        let answer = Bytes::from_static("{\"a\":\"ああ\"}".as_bytes());
        let kept = shared_body(&answer, 100).unwrap();
        assert_eq!(kept.text.as_str().as_ptr(), answer.as_ptr(), "the same bytes, not a copy");
        assert_eq!((kept.bytes, kept.truncated), (answer.len(), false));
        let cut = shared_body(&answer, 8).unwrap();
        assert_eq!(cut.text, "{\"a\":\"…[truncated: 14 bytes in all]");
        let invalid = shared_body(&Bytes::from_static(b"\xff{}"), 100).unwrap();
        assert_eq!(invalid.text, "\u{fffd}{}");
    }
}
