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
use crate::AppState;
use axum::extract::Request;
use axum::response::Response;
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
        let start = Instant::now();
        let span = logs::request_span(&request);
        let family: Option<Family> = api::family(request.uri().path());
        let (state, mut others) = (self.state.clone(), self.others.clone());
        let answer = async move {
            let response = match family {
                Some(family) => api::serve_family(family, state, request).await,
                None => match tower_service::Service::call(&mut others, request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
            };
            logs::request_line(&response, start.elapsed());
            Ok(response)
        };
        Box::pin(answer.instrument(span))
    }
}
