//! The fake as one `tower` service: the RMS families are recognised by path prefix and
//! served directly; everything else (the control plane, `/`, unknown paths) goes through
//! axum's router. Each request gets its log line here, when its answer is ready.
//!
//! Written by hand rather than as routes and a `tower-http` trace layer: an axum route with a
//! path parameter (`{op}`, `{*rest}`) or a fallback stores the matched segment in every
//! request's extensions, and the trace layer wraps the answer's body in its own type, which
//! needed a second router around it to be served. Both were a measurable part of answering
//! a request (issue 11); what they did for us here is a prefix test and a clock reading.

use crate::api::{self, Family};
use crate::logs;
use crate::panics;
use crate::AppState;
use axum::extract::Request;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tracing::Instrument;

/// Serves every request of the fake (see the module documentation).
#[derive(Clone)]
pub(crate) struct Fake {
    state: AppState,
    others: Router,
}

impl Fake {
    pub(crate) fn new(state: AppState) -> Self {
        let others = crate::other_routes(state.clone());
        Fake { state, others }
    }
}

impl tower_service::Service<Request> for Fake {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Neither the endpoints nor axum's router ever apply back-pressure.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.answer(request)
    }
}

impl Fake {
    /// Answers one request; [`crate::conn`] calls it through a shared reference, so a
    /// connection does not clone the service per request as tower's `&mut self` would need.
    pub(crate) fn answer(&self, request: Request) -> <Self as tower_service::Service<Request>>::Future {
        let start = Instant::now();
        let span = logs::request_span(&request);
        let family: Option<Family> = api::family(request.uri().path());
        let (state, mut others) = (self.state.clone(), self.others.clone());
        // With `--state-dir`, the answer waits until what the request changed is on disk.
        let state_dir = state.registry.state_dir().cloned();
        // Kept for the answer to a panic (cheap: the path shares the request's bytes).
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let answer = async move {
            // Pinned where it lies (see `panics::contain`): the answer's future holds it once.
            let serve = std::pin::pin!(async move {
                // Each family's handler awaited right here, not through a function of its own:
                // every async layer keeps its own copy of the request (issue 11).
                match family {
                    Some(Family::Order) => api::order::endpoint(&state, request).await,
                    Some(Family::Item) => api::item::endpoint(&state, request).await,
                    Some(Family::Inventory) => api::inventory::endpoint(&state, request).await,
                    None => match read_ahead(request).await {
                        Ok(request) => match tower_service::Service::call(&mut others, request).await {
                            Ok(response) => (response, None),
                            Err(never) => match never {},
                        },
                        Err(unreadable) => (unreadable, None),
                    },
                }
            });
            // The RMS families hand their line's note beside the response; everything else
            // leaves it in the response's extensions.
            let (mut response, mut note) = match panics::contain(serve).await {
                Ok(answered) => answered,
                Err(panic) => (answer_to_panic(family, &method, &uri, &panic), None),
            };
            if let Some(dir) = state_dir {
                // Everything queued up to now (this request's changes among it) is fsynced
                // before the answer goes out; the shop's lock was released long before.
                if let Err(why) = dir.settled().await {
                    response = answer_unkept(family, &method, &uri, &why);
                    note = None;
                }
            }
            let target = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
            logs::request_line(&response, note.as_ref(), (&method, target), start.elapsed());
            Ok(response)
        };
        Box::pin(answer.instrument(span))
    }
}

/// Bodies up to this size are read before the control plane's router sees the request.
const READ_AHEAD_BYTES: usize = 64 * 1024;

/// A request for the control plane (or no one) with a small body (a declared length of at most
/// [`READ_AHEAD_BYTES`]), with that body already read: many control-plane actions ignore their
/// body (`POST …/payment` with `{}`, a reset), and an answer that leaves a body unread must
/// close the connection ([`crate::conn`]), so a client that sends `{}` would reconnect for
/// every such call. Larger bodies (a bulk of orders) stream to their handler as before. A body
/// that cannot be read (the client went away mid-body) is answered here, never handed on.
async fn read_ahead(request: Request) -> Result<Request, Response> {
    let declared = api::declared_length(request.headers());
    if !declared.is_some_and(|n| n > 0 && n <= READ_AHEAD_BYTES) {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, READ_AHEAD_BYTES).await {
        Ok(bytes) => Ok(Request::from_parts(parts, axum::body::Body::from(bytes))),
        Err(_) => Err(crate::admin::AdminError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid_request",
            "request body: could not be read to its end",
        )
        .into_response()),
    }
}

/// The answer to a request whose changes could not be written to the state directory: the
/// 500 of its RMS family, or the control plane's JSON error, and the error line.
fn answer_unkept(family: Option<Family>, method: &Method, uri: &Uri, why: &str) -> Response {
    let target = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    tracing::error!(target: "rms_mock::state_dir", "{method} {target}: {why}");
    let mut response = match family {
        Some(family) => api::system_error_response(family, uri.path()),
        None => crate::admin::AdminError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "state_not_kept",
            format!("{why}; the change may have been made in memory but is not kept: restart the server"),
        )
        .into_response(),
    };
    let note = response.extensions_mut().get_or_insert_default::<logs::RequestNote>();
    note.requested = Some((method.clone(), target.to_string()));
    response
}

/// The answer to a request whose handling panicked (see [`crate::panics`]): the 500 of its
/// RMS family, or the control plane's JSON error; and the error line.
fn answer_to_panic(family: Option<Family>, method: &Method, uri: &Uri, panic: &str) -> Response {
    let target = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    panics::log(panic, method.as_str(), target);
    let mut response = match family {
        Some(family) => api::system_error_response(family, uri.path()),
        None => crate::admin::AdminError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("rms-mock failed to answer {method} {}: a bug (the log has its message)", uri.path()),
        )
        .into_response(),
    };
    let note = response.extensions_mut().get_or_insert_default::<logs::RequestNote>();
    note.requested = Some((method.clone(), target.to_string()));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The control plane (and `/`) have no family: a panic there is the control plane's JSON
    /// error, with the request named for the log line.
    #[tokio::test]
    async fn a_panic_outside_the_rms_families_is_the_control_planes_json_500() {
        let uri: Uri = "/__admin/shops?x=1".parse().unwrap();
        let response = answer_to_panic(None, &Method::GET, &uri, "boom");
        assert_eq!(response.status(), 500);
        let note = response.extensions().get::<logs::RequestNote>().unwrap();
        assert_eq!(note.requested, Some((Method::GET, "/__admin/shops?x=1".to_string())));
        assert_eq!(note.codes, ["internal"]);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("GET /__admin/shops"), "{v}");
    }
}
