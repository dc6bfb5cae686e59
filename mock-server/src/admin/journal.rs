//! The journals on the control plane: `GET/DELETE /__admin/shops/{shop_id}/journal` (a shop's
//! RMS requests) and `GET/DELETE /__admin/journal` (requests whose credentials named no shop),
//! with the filters of [`JournalQuery`] and the bounded long-poll `wait=`.

use super::{shop, AdminError, AdminPath, AdminResult};
use crate::control::{FaultMark, Journal, JournalBody, JournalEntry, JournalQuery};
use crate::journal::{answer_waiting, wall_time_text, Body, Entry, Filter, Page, SERVER_JOURNAL_LIMIT};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Json;

/// Reads the query string into a checked filter; a bad value gets our envelope.
fn filter(uri: &Uri) -> Result<Filter, AdminError> {
    let Query(q) = Query::<JournalQuery>::try_from_uri(uri)
        .map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
    let (function, status, order_number) = (q.function.as_deref(), q.status.as_deref(), q.order_number.as_deref());
    Filter::parse(function, q.actor.as_deref(), status, order_number, q.since, q.limit, q.wait)
        .map_err(|e| AdminError::bad_request(format!("query: {e}")))
}

/// The journal's page as the control plane answers it.
fn answer(page: Page, limit: usize) -> Journal {
    // The journal keeps values and shared bytes; they are spelled out here, when read.
    let body = |b: Body| JournalBody { text: b.text.to_string(), bytes: b.bytes, truncated: b.truncated };
    let entry = |e: Entry| JournalEntry {
        seq: e.seq,
        at: e.at.to_rms(),
        wall_time: wall_time_text(e.wall_time),
        method: e.method.to_string(),
        path: e.path,
        query: e.query,
        function: match (&e.function, &e.staff) {
            (Some(f), _) => f.as_str().to_string(),
            // A staff action has no RMS function: `staff.confirm`, `staff.stock`, …
            (None, Some(n)) => format!("staff.{}", n.action.as_str()),
            (None, None) => String::new(),
        },
        status: e.status,
        codes: e.codes,
        request_id: e.request_id.map(|id| id.to_string()),
        auth_problem: e.auth_problem,
        request_headers: e.request_headers.to_map(),
        request_body: e.request_body.map(body),
        response_body: e.response_body.map(body),
        fault: e.fault.map(|(id, kind)| FaultMark { id, kind }),
        actor: e.staff.is_some().then(|| "staff".to_string()),
        staff: e.staff.map(|n| *n),
    };
    Journal {
        recorded: page.recorded,
        limit,
        evicted: page.evicted,
        entries: page.entries.into_iter().map(entry).collect(),
    }
}

/// A shop's journal, filtered; with `wait=`, answered as soon as a matching entry arrives.
pub(super) async fn show(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>, uri: Uri) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let filter = filter(&uri)?;
    let read = || Some(handle.with(|s| (s.journal().answer(&filter), s.journal().subscribe())));
    let page = answer_waiting(&filter, read).await.ok_or_else(|| AdminError::not_found("no such shop"))?;
    let limit = handle.with(|s| s.settings().journal_limit);
    Ok(Json(answer(page, limit)).into_response())
}

/// Empties a shop's journal (its `recorded` count goes on).
pub(super) async fn clear(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    shop(&app, &shop_id)?.with(|s| s.clear_journal());
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The server's journal: RMS requests refused because their credentials named no shop.
pub(super) async fn show_server(State(app): State<AppState>, uri: Uri) -> AdminResult {
    let filter = filter(&uri)?;
    let read = || Some(app.server_journal.with(|j| (j.answer(&filter), j.subscribe())));
    let page = answer_waiting(&filter, read).await.ok_or_else(|| AdminError::not_found("no journal"))?;
    Ok(Json(answer(page, SERVER_JOURNAL_LIMIT)).into_response())
}

/// Empties the server's journal.
pub(super) async fn clear_server(State(app): State<AppState>) -> AdminResult {
    app.server_journal.with(|j| j.clear());
    Ok(StatusCode::NO_CONTENT.into_response())
}
