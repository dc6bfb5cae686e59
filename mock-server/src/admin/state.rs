//! `GET /__admin/state` and `PUT /__admin/state`: the state document of the server's shops
//! (`crate::state`), exported and imported.
//!
//! Export copies each shop's state under its lock (one hold per shop) and writes the JSON on
//! a blocking thread. Import reads and checks the whole document first (on a blocking
//! thread: it may be hundreds of megabytes); only when every shop in it holds together does
//! each replace the shop of its id (or become a new shop), one at a time. Other shops keep
//! serving throughout; a request already inside a replaced shop finishes there.

use super::{AdminBody, AdminError, AdminResult};
use crate::control::{StateImported, StateShopImported};
use crate::registry::RegistryError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;

/// `?shop=ID`: only that shop.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StateQuery {
    shop: Option<String>,
}

fn internal(e: impl std::fmt::Display) -> AdminError {
    AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
}

/// `GET /__admin/state[?shop=ID]`: the state document of every shop (in shop-id order) or
/// of one.
pub(super) async fn export(
    State(app): State<AppState>,
    query: Result<Query<StateQuery>, axum::extract::rejection::QueryRejection>,
) -> AdminResult {
    let Query(query) = query.map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
    let handles = match &query.shop {
        Some(id) => vec![super::shop(&app, id)?],
        None => app.registry.all().into_iter().map(|(_, h)| h).collect(),
    };
    let states: Vec<_> = handles.iter().map(|h| h.with(|s| s.export_state())).collect();
    let text = tokio::task::spawn_blocking(move || crate::state::to_json(&states)).await.map_err(internal)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

/// `PUT /__admin/state`: each shop of the document replaces the shop of its id, or is
/// created; the answer says which.
pub(super) async fn import(State(app): State<AppState>, AdminBody(body): AdminBody) -> AdminResult {
    let shops = tokio::task::spawn_blocking(move || crate::state::from_json(&body).and_then(crate::state::build))
        .await
        .map_err(internal)?
        .map_err(|e| AdminError::bad_request(format!("request body: {e}")))?;
    let replacing: Vec<(String, String)> =
        shops.iter().map(|s| (s.profile().shop_id.clone(), s.profile().service_secret.clone())).collect();
    if let Some(problem) = app.registry.secret_conflict(&replacing) {
        return Err(AdminError::new(StatusCode::CONFLICT, "conflict", problem));
    }
    let mut imported = Vec::with_capacity(shops.len());
    for shop in shops {
        let brief = StateShopImported {
            shop_id: shop.profile().shop_id.clone(),
            replaced: false,
            orders: shop.orders().len(),
            items: shop.catalog().len(),
            now: shop.now().to_rms(),
        };
        let replaced = app.registry.replace(shop).map_err(|e| match e {
            RegistryError::DuplicateShopId(id) | RegistryError::DuplicateServiceSecret(id) => {
                AdminError::new(StatusCode::CONFLICT, "conflict", format!("shop {id}: its service_secret is taken"))
            }
        })?;
        imported.push(StateShopImported { replaced, ..brief });
    }
    super::ok(StateImported { imported })
}
