//! The server's logs, for a developer watching their integration talk to the fake: exactly one
//! line per request (shop, function, status, RMS message codes, latency), and one line per
//! transition the clock fires.
//!
//! Lines are `tracing` events; the library only emits them. The `rms-mock` binary installs a
//! subscriber ([`install`]: text or JSON lines on stderr, filtered by `RUST_LOG`); an
//! [`RmsMock`](crate::RmsMock) in a test stays quiet unless the test installs one
//! ([`subscriber`] builds the binary's).
//!
//! The request line is written by `tower-http`'s trace layer (which measures the latency),
//! configured to write nothing else. What only a handler knows (the shop, the function id,
//! the codes) travels to it in the response's extensions as a [`RequestNote`].

use crate::domain::shop::Transition;
use axum::extract::Request;
use axum::http::{Method, Response};
use axum::middleware::Next;
use axum::Router;
use std::time::Duration;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{Trace, TraceLayer};
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
    /// The request's method and target (`/path?query`): given by the RMS handlers, taken by
    /// [`note_requests`]' middleware for every other route.
    pub requested: Option<(Method, String)>,
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

/// The request line's layer: tower-http's trace layer writing exactly one line per request,
/// when the response is ready (it measures the latency); its other lines are off.
type RequestTrace<S> = Trace<
    S,
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request) -> Span,
    (),
    fn(&axum::response::Response, Duration, &Span),
    (),
    (),
    (),
>;

fn request_span(req: &Request) -> Span {
    // A span for what happens inside a request, shown only at debug level.
    tracing::debug_span!("request", method = %req.method(), uri = %req.uri())
}

/// Wraps every route of the fake with the request line (for [`crate::router`]: a `Router`
/// with the layer on each route). The routes other than the RMS ones must already have gone
/// through [`note_requests`].
pub(crate) fn layer(router: Router) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request) -> Span)
        .on_request(())
        .on_response(request_line::<axum::body::Body> as fn(&axum::response::Response, Duration, &Span))
        .on_body_chunk(())
        .on_eos(())
        .on_failure(());
    router.layer(trace)
}

/// The same request line around the whole router, as [`crate::serve`] serves it: one service
/// in front of the routing instead of a layer on each route, which boxed and cloned the
/// route's service for every request.
pub(crate) fn traced(router: Router) -> RequestTrace<Router> {
    Trace::new_for_http(router)
        .make_span_with(request_span as fn(&Request) -> Span)
        .on_request(())
        .on_response(request_line::<axum::body::Body> as fn(&axum::response::Response, Duration, &Span))
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
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

fn request_line<B>(resp: &Response<B>, latency: Duration, _span: &Span) {
    let empty = RequestNote::default();
    let note = resp.extensions().get::<RequestNote>().unwrap_or(&empty);
    let (method, target) = match &note.requested {
        Some((method, target)) => (method.as_str(), target.as_str()),
        None => ("-", "-"),
    };
    let status = resp.status().as_u16();
    let codes = display(note.codes.join(","));
    let latency_ms = latency.as_micros() as f64 / 1000.0;
    // Ids without quotes in text lines; the reason, which has spaces, quoted. A field that
    // is `None` is left out of the line.
    let (shop, function) = (note.shop.as_deref().map(display), note.function.map(display));
    let auth = note.auth.as_deref();
    macro_rules! line {
        ($level:expr) => {
            tracing::event!(target: REQUEST_TARGET, $level, shop, function, status, codes, latency_ms, auth, "{method} {target}")
        };
    }
    // Refused credentials are what a developer most needs to notice.
    if status == 401 {
        line!(tracing::Level::WARN)
    } else {
        line!(tracing::Level::INFO)
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
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => {
            Box::new(builder.json().flatten_event(true).with_current_span(false).with_span_list(false).finish())
        }
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
            write!(w, "{text}.{:06}Z", since_epoch.subsec_micros())
        })
    }
}

/// Installs [`subscriber`] as the process's global one, writing to stderr (stdout carries the
/// banner), with the filter of `RUST_LOG` (default `info`). For binaries only: a library never
/// installs a global subscriber. Does nothing when one is already installed.
pub fn install(format: LogFormat) {
    let filter = std::env::var("RUST_LOG").ok().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| "info".into());
    let _ = tracing::subscriber::set_global_default(subscriber(format, &filter, std::io::stderr));
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
