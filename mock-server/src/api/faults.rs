//! Faults on the wire: what each kind of the shop's fault plan (`domain::faults`) answers, in
//! the envelope of the request's API family, and what it does to the connection.
//!
//! Real RMS documents statuses, not bodies, for most of these (README, "Inferred
//! behaviour"); the choices, per family:
//!
//! | kind | order API | item / inventory API |
//! |---|---|---|
//! | `system_error`, `fail_after_effect` | 500, the operation's envelope with `ORDER_EXT_API_<OP>_ERROR_500` (inferred) | 500 `X0000` `An unexpected error has occurred` (inventory-api.md §7) |
//! | `shop_status_error` | as `system_error` (the order API lists no GE0019; inferred) | 500 `GE0019` `Failed to get the shop status.` (item-api.md §10) |
//! | `overload`, `maintenance` | 503, the operation's envelope with `ORDER_EXT_API_<OP>_ERROR_503` (inferred) | 503, `errors` with a message and no code (the spec's "(none)") |
//! | `throttle` | the rate limiter's answer: `Results` `ES04-02` `Too Many Requests`, status `gateway.rate_limited_status` (429) | the same |

use super::{gateway_reply, order, rest, system_error, Call, RmsReply};
use crate::abort::{AbortConnection, FailingBody, TruncatedBody};
use crate::auth::GatewayError;
use crate::domain::faults::{FaultHit, FaultKind};
use crate::domain::shop::{ClockMode, Shop, ShopHandle};
use crate::domain::time::JstDateTime;
use crate::registry::Registry;
use crate::settings::Api;
use axum::body::{Body, Bytes};
use axum::response::Response;
use serde_json::json;

/// A fault that fired on a request, with what the shop knew when it fired.
pub(super) struct Fired {
    hit: FaultHit,
    /// The shop's id (a wall-clock shop is brought up to the wall clock after a delay).
    shop_id: String,
    /// For kinds that answer in the operation's place: the answer.
    answer: Option<RmsReply>,
    /// `latency` on a manual clock: where the clock moves before the request is served.
    /// None on a wall clock (a real delay).
    manual_target: Option<JstDateTime>,
}

/// What a fault does before the operation.
pub(super) enum Before {
    /// It answers (or closes the connection) in the operation's place.
    Answer(RmsReply, Option<Transport>),
    /// The operation runs (after a delay, for `latency`).
    Run,
}

/// What a fault does to the connection.
#[derive(Clone, Copy, Debug)]
pub(super) enum Transport {
    /// Closed without an answer.
    Abort,
    /// The answer's body cut after this many bytes (none: half), then closed.
    Truncate(Option<u64>),
}

/// The fault of the shop's plan that fires on `call`, if any (with the shop locked, in the
/// gateway's hold of the lock).
pub(super) fn fired(s: &mut Shop, call: &Call) -> Option<Fired> {
    let now = s.now();
    let hit = s.faults_mut().decide(call.function, call.api, now)?;
    let answer = match hit.kind {
        FaultKind::SystemError => Some(system_error(call.api, &call.path)),
        FaultKind::ShopStatusError => Some(match call.api {
            Api::Order => order::system_error(&call.path),
            Api::Item | Api::Inventory => {
                rest::error(rest::ApiError::new(500, "GE0019", "Failed to get the shop status.", None))
            }
        }),
        FaultKind::Overload | FaultKind::Maintenance => Some(unavailable(hit.kind, call.api, &call.path)),
        FaultKind::Throttle => Some(gateway_reply(&GatewayError::RateLimited, &s.settings().gateway)),
        // No answer at all.
        FaultKind::Reset => Some(RmsReply::empty(0)),
        _ => None,
    };
    // The clock counts whole seconds: a latency under a second does not move it.
    let manual_target = (hit.kind == FaultKind::Latency && s.clock_mode() == ClockMode::Manual)
        .then(|| now.plus_seconds((hit.latency_ms / 1000) as i64));
    Some(Fired { hit, shop_id: s.profile().shop_id.clone(), answer, manual_target })
}

/// 503 overload or maintenance, in the family's envelope (see the module documentation).
fn unavailable(kind: FaultKind, api: Api, path: &str) -> RmsReply {
    let maintenance = kind == FaultKind::Maintenance;
    match api {
        Api::Order => {
            let text = if maintenance {
                "ただいまメンテナンス中です。しばらくしてから再度お試し下さい。"
            } else {
                "アクセスが集中しています。しばらくしてから再度お試し下さい。"
            };
            order::server_error(path, 503, text)
        }
        Api::Item | Api::Inventory => {
            let text = if maintenance {
                "Service Unavailable: the service is under maintenance."
            } else {
                "Service Unavailable: the service is overloaded. Please try again after a short while."
            };
            RmsReply::json(503, json!({"errors": [{"message": text}]}))
        }
    }
}

impl Fired {
    /// The journal's and the log line's mark: the fault's id and kind.
    pub(super) fn mark(&self) -> (String, FaultKind) {
        (self.hit.id.clone(), self.hit.kind)
    }

    /// What the fault does before the operation (answering in its place takes the answer
    /// made when it fired).
    pub(super) fn before(&self) -> Before {
        match (&self.answer, self.hit.kind) {
            (Some(reply), FaultKind::Reset) => Before::Answer(reply.clone(), Some(Transport::Abort)),
            (Some(reply), _) => Before::Answer(reply.clone(), None),
            (None, _) => Before::Run,
        }
    }

    /// The rows of a bulk write that fail (`partial_batch`); empty for other kinds.
    pub(super) fn failing_rows(&self) -> &[usize] {
        &self.hit.rows
    }

    /// The answer the client gets after the operation ran and answered `reply`.
    pub(super) fn after(&self, call: &Call, reply: RmsReply) -> (RmsReply, Option<Transport>) {
        match self.hit.kind {
            FaultKind::FailAfterEffect => (system_error(call.api, &call.path), None),
            FaultKind::DropAfterEffect => (reply, Some(Transport::Abort)),
            FaultKind::Truncate => (reply, Some(Transport::Truncate(self.hit.truncate_bytes))),
            _ => (reply, None),
        }
    }
}

/// A `latency` fault's delay, before the request's operation runs: on a
/// manual clock the shop's clock moves by the latency, firing what falls due on the way
/// exactly as `clock/advance` does (in steps, logged); on a wall clock the request waits
/// (no lock is held) and the shop is then brought up to the wall clock.
pub(super) async fn delay(registry: &Registry, shop: &ShopHandle, fired: &Fired) {
    if fired.hit.kind != FaultKind::Latency {
        return;
    }
    match fired.manual_target {
        Some(target) => {
            shop.advance_in_steps(target, |step| crate::logs::log_transitions(&fired.shop_id, step));
        }
        None => {
            tokio::time::sleep(std::time::Duration::from_millis(fired.hit.latency_ms)).await;
            let _ = registry.get(&fired.shop_id);
        }
    }
}

/// The response as a transport fault sends it: not at all, or cut. `body` is the answer's
/// body, whole.
pub(super) fn apply_transport(resp: Response, transport: Transport, body: Option<Bytes>) -> Response {
    let (mut parts, _) = resp.into_parts();
    let cut = match transport {
        Transport::Abort => None,
        // An answer without a body has nothing to cut: it is not sent at all.
        Transport::Truncate(keep) => body.filter(|b| !b.is_empty()).map(|b| {
            let keep = keep.map_or(b.len() / 2, |k| usize::try_from(k).unwrap_or(usize::MAX));
            Body::new(TruncatedBody::new(b, keep))
        }),
    };
    match cut {
        Some(body) => Response::from_parts(parts, body),
        None => {
            parts.extensions.insert(AbortConnection);
            Response::from_parts(parts, Body::new(FailingBody))
        }
    }
}
