//! The server's logs, for a developer watching their integration talk to the fake: exactly one
//! line per request (shop, function, status, RMS message codes, latency), and one line per
//! transition the clock fires.
//!
//! Lines are `tracing` events; the library only emits them. The `rms-mock` binary installs a
//! subscriber ([`install`]: text or JSON lines on stderr, filtered by `RUST_LOG`); an
//! [`RmsMock`](crate::RmsMock) in a test stays quiet unless the test installs one
//! ([`subscriber`] builds the binary's).
//!
//! The request line is written by the fake's service ([`crate::service::Fake`], which
//! measures the latency) when the answer is ready. What only a handler knows (the shop, the
//! function id, the codes) travels to it as a [`RequestNote`]: beside the response from the
//! RMS families (`api::Answered`), in the response's extensions from the control plane.

mod batch;

use crate::domain::shop::Transition;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::Router;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tracing::field::display;
use tracing::Span;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// The `tracing` target of the request lines (`RUST_LOG=rms_mock::request=off` silences them).
pub const REQUEST_TARGET: &str = "rms_mock::request";
/// The `tracing` target of the clock's transitions.
pub const CLOCK_TARGET: &str = "rms_mock::clock";

/// What a handler tells the request line; put into the response's extensions.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestNote {
    /// The shop the request reached, when one was found.
    pub shop: Option<String>,
    /// `rpay.order.searchOrder`-style function id; `admin` for the control plane.
    pub function: Option<&'static str>,
    /// RMS message codes (or the control plane's error code).
    pub codes: Vec<String>,
    /// Why the gateway refused the credentials; never the secret itself.
    pub auth: Option<String>,
    /// The request's method and target (`/path?query`), when it is not the one the service
    /// saw: taken by [`note_requests`]' middleware for the control plane's routes (the RMS
    /// handlers leave it to the service).
    pub requested: Option<(Method, String)>,
    /// The fault that fired on the request, as `f1:maintenance`.
    pub fault: Option<String>,
}

impl RequestNote {
    /// The note `make` builds, when request lines are written at all: with logging off (or
    /// filtered out, as in tests) a request builds nothing only the line would read.
    pub fn for_line(make: impl FnOnce() -> RequestNote) -> Option<RequestNote> {
        request_lines_enabled().then(make)
    }
}

/// Whether any request line would be written (401s are written at WARN, the others at INFO).
fn request_lines_enabled() -> bool {
    tracing::enabled!(target: REQUEST_TARGET, tracing::Level::WARN)
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per line (for CI): `timestamp`, `level`, `target`, `message` and the
    /// event's fields at the top level.
    Json,
}

/// The span around what happens inside a request (shown only at debug level).
pub(crate) fn request_span(req: &Request) -> Span {
    tracing::debug_span!("request", method = %req.method(), uri = %req.uri())
}

/// Notes the method and target of every request to `router` for the line, and names the
/// control plane's function and shop. The RMS handlers note their own requests (they hold
/// everything the note needs already), so their routes skip this middleware.
pub(crate) fn note_requests(router: Router<crate::AppState>) -> Router<crate::AppState> {
    router.layer(axum::middleware::from_fn(note_request))
}

/// Keeps the method and path for the line, and names the control plane's function and shop.
async fn note_request(req: Request, next: Next) -> axum::response::Response {
    if !request_lines_enabled() {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let target = req.uri().path_and_query().map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let mut resp = next.run(req).await;
    let note = resp.extensions_mut().get_or_insert_default::<RequestNote>();
    if let Some(rest) = target.strip_prefix("/__admin") {
        note.function.get_or_insert("admin");
        if note.shop.is_none() {
            let id = rest.strip_prefix("/shops/").and_then(|r| r.split(['/', '?']).next()).filter(|id| !id.is_empty());
            note.shop = id.map(String::from);
        }
    }
    note.requested = Some((method, target));
    resp
}

/// Writes the request's line, once its answer is ready ([`crate::service::Fake`] measures the
/// latency): `requested` (the method and target) names the request unless its note does.
pub(crate) fn request_line(
    resp: &axum::response::Response,
    note: Option<&RequestNote>,
    requested: (&Method, &str),
    latency: Duration,
) {
    let empty = RequestNote::default();
    let note = note.or_else(|| resp.extensions().get::<RequestNote>()).unwrap_or(&empty);
    let (method, target) = match &note.requested {
        Some((method, target)) => (method.as_str(), target.as_str()),
        None => (requested.0.as_str(), requested.1),
    };
    // A request a fault answered with no answer at all (the connection was closed) says 0.
    let aborted = note.fault.is_some() && resp.extensions().get::<crate::abort::AbortConnection>().is_some();
    let status = if aborted { 0 } else { resp.status().as_u16() };
    let latency_ms = latency.as_micros() as f64 / 1000.0;
    // The text format's words for this line, written ahead of its event (see `TextLines`).
    let prepared = TEXT_LINES_BUILT.load(Ordering::Relaxed)
        && PREPARED.with_borrow_mut(|prepared| {
            prepared.text.clear();
            prepared.ready = prepare_line(&mut prepared.text, method, target, note, status, latency_ms);
            prepared.ready
        });
    let codes = display(Joined(&note.codes));
    // Ids without quotes in text lines; the reason, which has spaces, quoted. A field that
    // is `None` is left out of the line.
    let (shop, function) = (note.shop.as_deref().map(display), note.function.map(display));
    let auth = note.auth.as_deref();
    let fault = note.fault.as_deref().map(display);
    macro_rules! line {
        ($level:expr) => {
            tracing::event!(target: REQUEST_TARGET, $level, shop, function, status, codes, latency_ms, auth, fault, "{method} {target}")
        };
    }
    // Refused credentials are what a developer most needs to notice.
    if status == 401 {
        line!(tracing::Level::WARN)
    } else {
        line!(tracing::Level::INFO)
    }
    if prepared {
        PREPARED.with_borrow_mut(|prepared| prepared.ready = false);
    }
}

/// Set once a [`TextLines`] format is built (by [`subscriber`]): from then on
/// [`request_line`] writes the text of each line ahead of its event.
static TEXT_LINES_BUILT: AtomicBool = AtomicBool::new(false);

/// The words of the request line this thread is emitting (see [`TextLines`]).
#[derive(Default)]
struct Prepared {
    /// Set for the time of the line's event only.
    ready: bool,
    /// Everything after `rms_mock::request: `, without the newline.
    text: String,
}

thread_local!(static PREPARED: std::cell::RefCell<Prepared> = std::cell::RefCell::default());

/// Writes the words of a request line as tracing-subscriber's `Full` format writes its
/// event's fields (the message bare, then `name=value` with `Debug`, a `None` left out,
/// space-separated). False when the message holds a character that format escapes.
fn prepare_line(
    line: &mut String,
    method: &str,
    target: &str,
    note: &RequestNote,
    status: u16,
    latency_ms: f64,
) -> bool {
    // What tracing-subscriber's escaping would change: ESC, BEL, BS, FF, DEL and the C1
    // controls (U+0080 to U+009F, in UTF-8 0xC2 0x80 to 0xC2 0x9F), looked for byte by byte.
    let escaped = |text: &str| {
        let bytes = text.as_bytes();
        bytes.iter().enumerate().any(|(i, b)| match b {
            0x1b | 0x07 | 0x08 | 0x0c | 0x7f => true,
            0xc2 => bytes.get(i + 1).is_some_and(|next| (0x80..=0x9f).contains(next)),
            _ => false,
        })
    };
    if escaped(method) || escaped(target) {
        return false;
    }
    line.push_str(method);
    line.push(' ');
    line.push_str(target);
    let mut field = |name: &str, value: &str| {
        line.push(' ');
        line.push_str(name);
        line.push('=');
        line.push_str(value);
    };
    if let Some(shop) = &note.shop {
        field("shop", shop);
    }
    if let Some(function) = note.function {
        field("function", function);
    }
    field("status", crate::domain::text::decimal(u64::from(status), &mut [0; 20]));
    line.push_str(" codes=");
    for (i, code) in note.codes.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(code);
    }
    line.push_str(" latency_ms=");
    match thousandths(latency_ms) {
        Some(m) => push_thousandths(line, m),
        None => {
            use std::fmt::Write;
            let _ = write!(line, "{latency_ms:?}");
        }
    }
    if let Some(auth) = &note.auth {
        use std::fmt::Write;
        let _ = write!(line, " auth={auth:?}");
    }
    if let Some(fault) = &note.fault {
        line.push_str(" fault=");
        line.push_str(fault);
    }
    true
}

/// The codes of a request line, comma-separated, written straight into the line (no joined
/// `String` per request).
struct Joined<'a>(&'a [String]);

impl std::fmt::Display for Joined<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, code) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(code)?;
        }
        Ok(())
    }
}

/// Logs what the clock fired for a shop, one info line per transition, in order. Called
/// wherever the clock moves (the control plane's advance, an order placed later, the wall
/// clock's ticker).
pub(crate) fn log_transitions(shop_id: &str, fired: &[Transition]) {
    for t in fired {
        tracing::info!(
            target: CLOCK_TARGET,
            shop = shop_id,
            at = %t.at,
            order = t.order_number.as_deref(),
            from = t.from.map(|p| p.code()),
            to = t.to.map(|p| p.code()),
            "{}",
            t.cause
        );
    }
}

/// The subscriber the binary installs: `format` lines to `writer`, filtered by `filter` (a
/// `RUST_LOG` directive such as `info` or `rms_mock=debug,tower_http=debug`; an invalid one
/// falls back to `info`). Tests use it with `tracing::subscriber::with_default` to read the
/// lines the binary would write.
pub fn subscriber<W>(format: LogFormat, filter: &str, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_timer(LineTime);
    match format {
        LogFormat::Text => Box::new(builder.event_format(TextLines::default()).finish()),
        LogFormat::Json => {
            Box::new(builder.json().flatten_event(true).with_current_span(false).with_span_list(false).finish())
        }
    }
}

/// The text format: tracing-subscriber's default (`Full`) lines, with the request lines —
/// one per request, so a measurable part of answering one (issue 11) — written from the words
/// [`request_line`] prepared for its event, in the bytes `Full` writes: no ANSI styling (the
/// crate is built without it), no escaping (a message that needs it is not prepared), no
/// visit of the event's fields through `Debug`. Any other line, and a request line inside a
/// span (`RUST_LOG=debug`), goes the default way. A test compares the two on the same events.
struct TextLines {
    full: tracing_subscriber::fmt::format::Format<tracing_subscriber::fmt::format::Full, LineTime>,
}

impl Default for TextLines {
    fn default() -> Self {
        TEXT_LINES_BUILT.store(true, Ordering::Relaxed);
        TextLines { full: tracing_subscriber::fmt::format().with_timer(LineTime) }
    }
}

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for TextLines
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        if event.metadata().target() == REQUEST_TARGET && ctx.event_scope().is_none() {
            let written = PREPARED.with_borrow(|prepared| {
                prepared.ready.then(|| {
                    LineTime.format_time(&mut writer)?;
                    writer.write_str(if *event.metadata().level() == tracing::Level::WARN {
                        "  WARN "
                    } else {
                        "  INFO "
                    })?;
                    writer.write_str(REQUEST_TARGET)?;
                    writer.write_str(": ")?;
                    writer.write_str(&prepared.text)?;
                    writer.write_str("\n")
                })
            });
            if let Some(written) = written {
                return written;
            }
        }
        self.full.format_event(ctx, writer, event)
    }
}

/// `value` in decimal, as `{:?}` writes a `u64`.
fn push_u64(line: &mut String, value: u64) {
    line.push_str(crate::domain::text::decimal(value, &mut [0; 20]));
}

/// `value` as a whole number of thousandths when it is exactly the double nearest to one
/// (a latency in ms from microseconds: `1234 µs as f64 / 1000.0`), below 10^12 so `{:?}` writes
/// it without an exponent.
fn thousandths(value: f64) -> Option<u64> {
    if !(0.0..1e12).contains(&value) {
        return None;
    }
    let m = (value * 1000.0).round();
    (m / 1000.0 == value).then_some(m as u64)
}

/// `m` thousandths as `{:?}` writes the `f64` nearest to `m / 1000`: the shortest decimal
/// that reads back as it, which is `m / 1000` without trailing zeros (`1.234`, `1.2`, `3.0`):
/// the doubles nearest to two different thousandths below 10^12 are different, and none of
/// fewer digits is nearer.
fn push_thousandths(line: &mut String, m: u64) {
    push_u64(line, m / 1000);
    line.push('.');
    let frac = m % 1000;
    let digits = [(frac / 100) as u8, (frac / 10 % 10) as u8, (frac % 10) as u8];
    let keep = if frac == 0 { 1 } else { 3 - digits.iter().rev().take_while(|d| **d == 0).count() };
    for d in &digits[..keep] {
        line.push(char::from(b'0' + d));
    }
}

/// The time at the start of a line, exactly as tracing-subscriber's default timer writes it
/// (`2026-11-30T04:33:12.123456Z`, UTC, microseconds), with the part up to the second made once
/// per second and thread: every request writes a line, and formatting the whole date each time
/// was a sixth of the line's cost.
struct LineTime;

impl FormatTime for LineTime {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        use std::time::{SystemTime, UNIX_EPOCH};
        let now = SystemTime::now();
        let since_epoch = match now.duration_since(UNIX_EPOCH) {
            Ok(d) if d.as_secs() < 253_402_300_800 => d, // before the year 10000
            // Years the fixed form cannot write: tracing-subscriber's own timer.
            _ => return tracing_subscriber::fmt::time::SystemTime.format_time(w),
        };
        thread_local!(static SECOND: std::cell::RefCell<(u64, String)> = const { std::cell::RefCell::new((u64::MAX, String::new())) });
        SECOND.with_borrow_mut(|(second, text)| {
            if *second != since_epoch.as_secs() {
                *second = since_epoch.as_secs();
                // The UTC seconds read as civil fields (the JST type counts from its own epoch).
                *text = crate::domain::time::JstDateTime::from_seconds(*second as i64).naive_text().to_string();
            }
            w.write_str(text)?;
            let mut micros = [b'.', b'0', b'0', b'0', b'0', b'0', b'0', b'Z'];
            let mut n = since_epoch.subsec_micros();
            for digit in micros[1..7].iter_mut().rev() {
                *digit = b'0' + (n % 10) as u8;
                n /= 10;
            }
            w.write_str(std::str::from_utf8(&micros).unwrap_or(".000000Z"))
        })
    }
}

/// Installs [`subscriber`] as the process's global one, writing to stderr (stdout carries the
/// banner), with the filter of `RUST_LOG` (default `info`). For binaries only: a library never
/// installs a global subscriber. Does nothing when one is already installed.
///
/// Lines reach stderr in batches, at most 10 ms after they were written (or at once
/// when a thread has 64 KiB waiting): a write to stderr per request was a measurable part of answering
/// one (issue 11). Call [`flush`] before the process ends.
pub fn install(format: LogFormat) {
    let filter = std::env::var("RUST_LOG").ok().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| "info".into());
    let _ = tracing::subscriber::set_global_default(subscriber(format, &filter, BatchedStderr::get()));
}

/// Writes out the log lines [`install`]'s subscriber still holds. The `rms-mock` binary
/// calls it before it exits; without `install` it does nothing.
pub fn flush() {
    if let Some(batch) = STDERR_BATCH.get() {
        batch.write_out();
    }
}

/// How long a log line may wait before it is written to stderr.
pub const FLUSH_DELAY: Duration = Duration::from_millis(10);

/// A thread's lines waiting for stderr beyond this are written at once, by that thread.
const FLUSH_BYTES: usize = 64 * 1024;

static STDERR_BATCH: std::sync::OnceLock<BatchedStderr> = std::sync::OnceLock::new();

/// stderr, written in batches ([`batch`]; see [`install`]).
#[derive(Clone, Copy)]
struct BatchedStderr(&'static batch::Batch);

impl BatchedStderr {
    /// The process's one batch, and its writer thread, started on first use.
    fn get() -> BatchedStderr {
        *STDERR_BATCH.get_or_init(|| {
            BatchedStderr(batch::Batch::start(Box::new(std::io::stderr()), Some(FLUSH_DELAY), FLUSH_BYTES))
        })
    }

    fn write_out(&self) {
        self.0.write_out();
    }
}

impl std::io::Write for BatchedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.append(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out();
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = BatchedStderr;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheaper timer writes what tracing-subscriber's default one writes (retried when a
    /// second turns between the two readings).
    #[test]
    fn line_time_is_the_default_timer_s_text() {
        let text = |timer: &dyn FormatTime| {
            let mut s = String::new();
            timer.format_time(&mut Writer::new(&mut s)).unwrap();
            s
        };
        for attempt in 0..5 {
            let (ours, theirs) = (text(&LineTime), text(&tracing_subscriber::fmt::time::SystemTime));
            assert_eq!(ours.len(), "2026-11-30T04:33:12.123456Z".len(), "{ours}");
            assert!(ours.ends_with('Z') && ours.as_bytes()[19] == b'.', "{ours}");
            if ours[..19] == theirs[..19] {
                return;
            }
            assert!(attempt < 4, "{ours} vs {theirs}");
        }
    }
}

#[cfg(test)]
mod plain_line_tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Lines {
        /// The lines without their leading time (`2026-11-30T04:33:12.123456Z `).
        fn untimed(&self) -> Vec<String> {
            let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
            text.lines().map(|l| l.get(28..).unwrap_or(l).to_string()).collect()
        }
    }

    fn answer(status: u16, note: RequestNote) -> axum::response::Response {
        let mut resp = axum::response::Response::new(axum::body::Body::empty());
        *resp.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
        resp.extensions_mut().insert(note);
        resp
    }

    #[test]
    fn numbers_are_written_as_debug_writes_them() {
        let mut line = String::new();
        for v in [0u64, 7, 10, 200, 401, 65_535, u64::MAX] {
            line.clear();
            push_u64(&mut line, v);
            assert_eq!(line, format!("{v:?}"));
        }
        // Every latency below 20 s to the microsecond, and larger ones spread out.
        let micros = (0..20_000_000u64).step_by(37).chain((0..2000u64).map(|i| i * 999_999_937 + 13));
        for us in micros {
            let ms = us as f64 / 1000.0;
            let m = thousandths(ms).unwrap_or_else(|| panic!("{us} µs"));
            line.clear();
            push_thousandths(&mut line, m);
            assert_eq!(line, format!("{ms:?}"), "{us} µs");
        }
        for other in [0.0005, 1.0 / 3.0, -1.0, 1e12, f64::NAN, f64::INFINITY] {
            assert_eq!(thousandths(other), None, "{other}");
        }
    }

    /// Request lines of every shape, written once by [`TextLines`] and once by
    /// tracing-subscriber's own `Full` format: the same bytes after the time.
    #[test]
    fn the_short_path_writes_what_the_default_format_writes() {
        let note = |shop: Option<&str>, codes: &[&str], auth: Option<&str>, target: &str| RequestNote {
            shop: shop.map(String::from),
            function: Some("rpay.order.searchOrder"),
            codes: codes.iter().map(|c| c.to_string()).collect(),
            auth: auth.map(String::from),
            requested: Some((Method::POST, target.to_string())),
            fault: None,
        };
        let emit = || {
            let cases = [
                (
                    200,
                    note(Some("123456"), &["ORDER_EXT_API_SEARCH_ORDER_INFO_101"], None, "/es/2.0/order/searchOrder/"),
                ),
                (200, note(Some("123456"), &[], None, "/es/2.0/items/search?title=%E3%81%82&hits=30")),
                (400, note(Some("123456"), &["E1", "E2"], None, "/es/2.0/order/getOrder")),
                (401, note(None, &["ES01-01"], Some("unknown \"service\" secret\tSP…"), "/es/2.0/order/getOrder/")),
                (500, RequestNote::default()),
                // A message the default format escapes: the long way, same bytes.
                (404, note(Some("1"), &[], None, "/\u{1b}[31mred\u{7f}\u{85}")),
                // A C1 control alone (two bytes in UTF-8), and a character that only looks like one.
                (404, note(Some("1"), &[], None, "/c1\u{85}only")),
                (200, note(Some("1"), &[], None, "/\u{c5}\u{a0}ok")),
            ];
            for (status, note) in cases {
                // Handed beside the response (the RMS families), then in its extensions.
                let seen = (&Method::GET, "/as/the/service/saw/it");
                request_line(&answer(status, RequestNote::default()), Some(&note), seen, Duration::from_micros(1234));
                request_line(&answer(status, note), None, seen, Duration::from_micros(1234));
            }
            // A note that does not name the request (an RMS answer's): the service's words.
            request_line(
                &answer(200, RequestNote::default()),
                None,
                (&Method::PUT, "/x?y=1"),
                Duration::from_millis(3),
            );
        };
        let ours = Lines::default();
        let writer = ours.clone();
        tracing::subscriber::with_default(subscriber(LogFormat::Text, "info", move || writer.clone()), emit);
        let theirs = Lines::default();
        let writer = theirs.clone();
        let default = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("info"))
            .with_writer(move || writer.clone())
            .with_timer(LineTime)
            .finish();
        tracing::subscriber::with_default(default, emit);
        let (ours, theirs) = (ours.untimed(), theirs.untimed());
        assert_eq!(ours.len(), 17, "{ours:#?}");
        assert_eq!(ours, theirs);
        for pair in ours[..16].chunks(2) {
            assert_eq!(pair[0], pair[1], "a note beside the response and one in its extensions");
        }
        assert!(ours[10].contains("\\x1b[31mred\\x7f\\u{85}"), "{}", ours[10]);
        assert!(ours[12].contains("/c1\\u{85}only"), "{}", ours[12]);
        assert!(ours[14].contains("/\u{c5}\u{a0}ok shop=1"), "{}", ours[14]);
        assert!(ours[6].starts_with(" WARN rms_mock::request: POST /es/2.0/order/getOrder/ function="), "{}", ours[6]);
        assert!(ours[8].contains(": GET /as/the/service/saw/it status=500"), "{}", ours[8]);
        assert!(ours[16].contains(": PUT /x?y=1 status=200"), "{}", ours[16]);
    }
}
