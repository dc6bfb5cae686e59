//! `POST /__admin/shops/{shop_id}/orders/bulk`: many orders in one call, for loading a big
//! shop's history (a million orders arrive in a hundred calls instead of a million).
//!
//! Every document is checked first, as placing it would check it (the terms, its lines against
//! the catalog, its coupons): a problem is a 400 naming `orders[i].<key>`, and nothing is
//! placed. Then the orders are placed in turn, the clock moving to each one's `at` and firing
//! what falls due on the way, exactly as one `POST …/orders` per order would. The work is done
//! in pieces, the shop's lock taken for at most [`WORK_PER_LOCK`] orders placed or due events
//! fired at a time, so other requests to the shop wait a few milliseconds at most; the bulk
//! is therefore not atomic: when the shop refuses an order part-way (out of stock, say), the
//! answer is a 409 [`BulkRefused`] and the orders before it stay placed.

use super::{json_body, parse_time, shop, transitions_wanted, view, AdminBody, AdminError, AdminPath, AdminResult};
use crate::control::{BulkOrders, BulkPlaced, BulkRefused, ErrorDetail, MAX_BULK_ORDERS};
use crate::domain::shop::{Budget, BulkStep, OrderLine, StepSize, STEP_TARGET};
use crate::domain::time::JstDateTime;
use crate::setup::{place_order_problem, LineDoc};
use crate::AppState;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Json;

/// Orders placed plus due events fired under one hold of the shop's lock, at most (fewer when
/// they take longer than a millisecond: [`StepSize`], and none begun past it: [`Budget`]).
const WORK_PER_LOCK: usize = 256;

/// Documents checked under one hold of the shop's lock, at most (and none begun past
/// [`STEP_TARGET`]).
const CHECKS_PER_LOCK: usize = 512;

/// A bulk body may be this big (10,000 orders of several lines and coupons fit easily).
pub(super) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

pub(super) async fn place_orders(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    uri: Uri,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let detail = transitions_wanted(&uri, None)?;
    // Megabytes of JSON (10,000 orders): read on a blocking thread, so that the async workers
    // keep answering the shop's other requests meanwhile.
    let BulkOrders { orders: docs } = tokio::task::spawn_blocking(move || json_body::<BulkOrders>(&body))
        .await
        .map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))??;
    if docs.len() > MAX_BULK_ORDERS {
        return Err(AdminError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "request body: orders: {} orders; a bulk takes at most {MAX_BULK_ORDERS} (send the rest in another call)",
                docs.len()
            ),
        ));
    }
    if docs.is_empty() {
        return Err(AdminError::bad_request("request body: orders: give at least one order"));
    }

    // The documents on their own: times in order, lines read once.
    let mut orders: Vec<(Option<JstDateTime>, Vec<OrderLine>)> = Vec::with_capacity(docs.len());
    let mut latest: Option<(usize, JstDateTime)> = None;
    for (i, doc) in docs.iter().enumerate() {
        let at = match &doc.at {
            Some(t) => Some(parse_time(&format!("orders[{i}].at"), t)?),
            None => None,
        };
        if let (Some(at), Some((j, before))) = (at, latest) {
            if at < before {
                return Err(AdminError::bad_request(format!(
                    "request body: orders[{i}].at: {at} is before orders[{j}].at ({before}); a bulk's orders come in time order"
                )));
            }
        }
        if let Some(at) = at {
            latest = Some((i, at));
        }
        orders.push((at, doc.lines.iter().map(LineDoc::to_line).collect()));
    }

    // Against the shop, as placing would check them; a piece at a time.
    let mut checked = 0;
    while checked < docs.len() {
        handle.with(|s| -> Result<(), AdminError> {
            let (budget, start) = (Budget::timed(CHECKS_PER_LOCK, STEP_TARGET), checked);
            while checked < docs.len() && budget.allows(checked - start) {
                let i = checked;
                let (at, lines) = &orders[i];
                let doc = &docs[i];
                let keyed = |k: &str, p: &str| AdminError::bad_request(format!("request body: orders[{i}].{k}: {p}"));
                let extras = doc.extras(at.unwrap_or(s.now())).map_err(|(k, p)| keyed(&k, &p))?;
                if let Err(e) = s.check_order(lines, doc.settlement_method_code, *at, &extras) {
                    // A problem of the document; the shop's own refusals (stock, an item in
                    // the warehouse) come when the order's turn does.
                    if let (Some(k), p) = place_order_problem(&e) {
                        return Err(keyed(&k, &p));
                    }
                }
                checked += 1;
            }
            Ok(())
        })?;
        // Between pieces, this worker thread serves other requests too.
        tokio::task::yield_now().await;
    }

    // Placed in turn, a piece of work per hold of the lock.
    let mut summary = view::Summary::new(detail);
    let (mut next, mut first, mut last, mut now) = (0, None, None, String::new());
    let mut size = StepSize::new(WORK_PER_LOCK);
    while next < docs.len() {
        let (outcome, fired) = handle.with(|s| {
            let started = std::time::Instant::now();
            let budget = Budget::timed(size.get(), STEP_TARGET);
            let outcome = s.recording(|s| {
                let mut work = 0;
                while next < docs.len() && budget.allows(work) {
                    let (at, lines) = &orders[next];
                    let doc = &docs[next];
                    let extras = doc.extras(at.unwrap_or(s.now())).map_err(|(k, p)| (Some(k), p))?;
                    let step = s
                        .place_bulk_order(lines, doc.settlement_method_code, *at, &extras, budget.after(work))
                        .map_err(|e| place_order_problem(&e))?;
                    match step {
                        BulkStep::Placed { number, events } => {
                            first.get_or_insert(number);
                            last = Some(number);
                            work += 1 + events;
                            next += 1;
                        }
                        BulkStep::ClockMoving => break,
                    }
                }
                Ok::<(), (Option<String>, String)>(())
            });
            now = s.now().to_rms();
            size.took(started.elapsed());
            outcome
        });
        summary.add(&fired);
        // Logged after the shop's lock is released: writing a log line is I/O.
        crate::logs::log_transitions(&shop_id, &fired);
        tokio::task::yield_now().await;
        if let Err((key, problem)) = outcome {
            let message = match key {
                Some(k) => format!("request body: orders[{next}].{k}: {problem}"),
                None => format!("orders[{next}]: {problem}"),
            };
            let body = BulkRefused {
                placed: next,
                index: next,
                error: ErrorDetail {
                    code: "conflict".into(),
                    message: format!("{message} (the {next} orders before it were placed)"),
                },
            };
            let mut resp = (StatusCode::CONFLICT, Json(body)).into_response();
            resp.extensions_mut()
                .insert(crate::logs::RequestNote { codes: vec!["conflict".into()], ..Default::default() });
            return Ok(resp);
        }
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Err(AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "bulk_failed", "no order was placed"));
    };
    Ok(Json(BulkPlaced {
        placed: docs.len(),
        first_order_number: first.to_string(),
        last_order_number: last.to_string(),
        now,
        transitions: summary.finish(),
    })
    .into_response())
}
