//! The journals on the control plane: `GET/DELETE /__admin/shops/{shop_id}/journal` (a shop's
//! RMS requests) and `GET/DELETE /__admin/journal` (requests whose credentials named no shop),
//! with the filters of [`JournalQuery`] and the bounded long-poll `wait=`.

use super::{shop, AdminError, AdminPath, AdminResult};
use crate::control::JournalQuery;
use crate::journal::{answer_waiting, Filter, SERVER_JOURNAL_LIMIT};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Json;

/// Reads the query string into a checked filter; a bad value gets our envelope.
fn filter(uri: &Uri) -> Result<Filter, AdminError> {
    let Query(q) = Query::<JournalQuery>::try_from_uri(uri)
        .map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
    Filter::parse(&q).map_err(|e| AdminError::bad_request(format!("query: {e}")))
}

/// A shop's journal, filtered; with `wait=`, answered as soon as a matching entry arrives.
pub(super) async fn show(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>, uri: Uri) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let filter = filter(&uri)?;
    let read = || {
        Some(handle.with(|s| {
            let j = s.journal();
            (j.answer(&filter, s.settings().journal_limit), j.subscribe())
        }))
    };
    let answer = answer_waiting(&filter, read).await.ok_or_else(|| AdminError::not_found("no such shop"))?;
    Ok(Json(answer).into_response())
}

/// Empties a shop's journal (its `recorded` count goes on).
pub(super) async fn clear(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    shop(&app, &shop_id)?.with(|s| s.clear_journal());
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The server's journal: RMS requests refused because their credentials named no shop.
pub(super) async fn show_server(State(app): State<AppState>, uri: Uri) -> AdminResult {
    let filter = filter(&uri)?;
    let read = || Some(app.server_journal.with(|j| (j.answer(&filter, SERVER_JOURNAL_LIMIT), j.subscribe())));
    let answer = answer_waiting(&filter, read).await.ok_or_else(|| AdminError::not_found("no journal"))?;
    Ok(Json(answer).into_response())
}

/// Empties the server's journal.
pub(super) async fn clear_server(State(app): State<AppState>) -> AdminResult {
    app.server_journal.with(|j| j.clear());
    Ok(StatusCode::NO_CONTENT.into_response())
}
