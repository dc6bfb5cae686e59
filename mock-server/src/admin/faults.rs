//! A shop's faults on the control plane: `GET/POST/DELETE /__admin/shops/{shop_id}/faults` and
//! `DELETE /__admin/shops/{shop_id}/faults/{fault_id}`. A fault added here acts from the
//! shop's next RMS request on; its spec is the one of a shop document's `[[faults]]`.

use super::{created, json_body, ok, shop, AdminBody, AdminError, AdminPath, AdminResult};
use crate::control::{FaultList, FaultStatus};
use crate::domain::faults::PlanError;
use crate::setup::FaultSpec;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// The shop's faults in the order they act, each with how often it has fired.
pub(super) async fn list(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    let faults = shop(&app, &shop_id)?.with(|s| {
        s.faults().faults().iter().map(|f| FaultStatus { spec: FaultSpec::of(f), fired: f.fired() }).collect()
    });
    ok(FaultList { faults })
}

/// Adds one fault (a [`FaultSpec`]); answers it as stored, with its id.
pub(super) async fn add(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let spec: FaultSpec = json_body(&body)?;
    let rule =
        spec.rule().map_err(|(key, problem)| AdminError::bad_request(format!("request body: {key}: {problem}")))?;
    let stored = handle.with(|s| {
        let seed = s.seed();
        let id = s.faults_mut().add(rule, seed)?;
        let fault = s.faults().faults().iter().find(|f| f.id() == id).map(FaultSpec::of);
        Ok::<_, PlanError>(fault)
    });
    match stored {
        Ok(Some(spec)) => created(spec),
        Ok(None) => Err(AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the fault was not stored")),
        Err(PlanError::Invalid(key, problem)) => {
            Err(AdminError::bad_request(format!("request body: {key}: {problem}")))
        }
        Err(PlanError::DuplicateId(id)) => Err(AdminError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("the shop already has a fault with id '{id}' (remove it first)"),
        )),
    }
}

/// Removes one fault.
pub(super) async fn remove(
    State(app): State<AppState>,
    AdminPath((shop_id, fault_id)): AdminPath<(String, String)>,
) -> AdminResult {
    if shop(&app, &shop_id)?.with(|s| s.faults_mut().remove(&fault_id)) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(AdminError::not_found(format!("no fault {fault_id} in shop {shop_id}")))
    }
}

/// Removes every fault of the shop.
pub(super) async fn clear(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    shop(&app, &shop_id)?.with(|s| s.faults_mut().clear());
    Ok(StatusCode::NO_CONTENT.into_response())
}
