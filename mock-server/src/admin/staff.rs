//! The shop's staff in the RMS screens, on the control plane: `POST
//! /__admin/shops/{shop_id}/staff/orders/{order_number}/{confirm,cancel,sub-status,edit}` and
//! `POST …/staff/stock`. Each is one domain call (`Shop::staff_*`); the order's history names
//! the staff as the cause (`staff_confirm`, `staff_cancel`, `staff_edit`), so the ledger tells
//! them from API calls.

use super::{json_body, ok, shop, view, AdminBody, AdminError, AdminPath, AdminResult};
use crate::control::{StaffCancel, StaffEditRequest, StaffStock, StaffStockSet, StaffSubStatus};
use crate::domain::inventory::{Mode, StockRefusalKind, MAX_QUANTITY};
use crate::domain::order_ops::Refusal;
use crate::domain::shop::{Shop, StaffError};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;

impl From<StaffError> for AdminError {
    fn from(e: StaffError) -> Self {
        let conflict = |m: String| AdminError::new(StatusCode::CONFLICT, "conflict", m);
        match e {
            StaffError::Order(Refusal::NotFound) => AdminError::not_found("no such order in this shop"),
            StaffError::Order(Refusal::Cancelled) => conflict("the order is cancelled (800/900)".into()),
            StaffError::Order(Refusal::WrongStatus(p)) => {
                conflict(format!("the order is in {} ({}); the staff cannot do this there", p.code(), p.name_ja()))
            }
            StaffError::Order(Refusal::PostageUndetermined) => {
                conflict("the order's postage is undetermined (-9999): set it first (edit postage_price)".into())
            }
            StaffError::Order(Refusal::SubStatusNotApplicable(id)) => AdminError::bad_request(format!(
                "request body: sub_status_id: {id} is no sub-status of the shop for the order's status"
            )),
            StaffError::Order(Refusal::OutOfStock { manage_number, variant_id, left }) => {
                conflict(format!("{manage_number}/{variant_id} has {left} units in stock, fewer than the edit adds"))
            }
            StaffError::Order(other) => conflict(format!("refused: {other:?}")),
            StaffError::NoSuchLine { manage_number, variant_id } => AdminError::bad_request(format!(
                "request body: items: the order has no line of {manage_number}/{variant_id}"
            )),
            StaffError::EmptyEdit => {
                AdminError::bad_request("request body: give at least one of items, postage_price, address")
            }
        }
    }
}

/// Runs a staff action on one order and answers the order as it is afterwards.
fn on_order(
    app: &AppState,
    shop_id: &str,
    number: &str,
    action: impl FnOnce(&mut Shop) -> Result<(), StaffError>,
) -> AdminResult {
    let v = shop(app, shop_id)?.with(|s| {
        action(s)?;
        Ok::<_, StaffError>(view::order_brief(s, number))
    })?;
    ok(v.ok_or_else(|| AdminError::not_found(format!("no order {number} in shop {shop_id}")))?)
}

/// 受注確認 in RMS: 100 → 200 (`staff_confirm`).
pub(super) async fn confirm(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    on_order(&app, &shop_id, &number, |s| s.staff_confirm(&number))
}

/// キャンセル in RMS: → 900 (`staff_cancel`), `{"restock"?: bool}`.
pub(super) async fn cancel(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffCancel = json_body(&body)?;
    on_order(&app, &shop_id, &number, |s| s.staff_cancel(&number, req.restock))
}

/// サブステータス in RMS: `{"sub_status_id": 1101}` or `null` to clear.
pub(super) async fn sub_status(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffSubStatus = json_body(&body)?;
    on_order(&app, &shop_id, &number, |s| s.staff_sub_status(&number, req.sub_status_id))
}

/// The order edited in RMS (`staff_edit`): items, postage, address.
pub(super) async fn edit(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffEditRequest = json_body(&body)?;
    let edit = crate::control::staff_edit(&req).map_err(|m| AdminError::bad_request(format!("request body: {m}")))?;
    on_order(&app, &shop_id, &number, |s| s.staff_edit(&number, &edit))
}

/// Stock by hand in RMS: `{"manage_number", "variant_id", "mode"?, "quantity"}`.
pub(super) async fn stock(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffStock = json_body(&body)?;
    let mode = stock_mode(req.mode.as_deref()).map_err(|m| AdminError::bad_request(format!("request body: {m}")))?;
    let handle = shop(&app, &shop_id)?;
    let done = handle.with(|s| {
        s.staff_stock(&req.manage_number, &req.variant_id, mode, req.quantity).map(|q| (q, s.now().to_rms()))
    });
    match done {
        Ok((quantity, now)) => {
            ok(StaffStockSet { manage_number: req.manage_number, variant_id: req.variant_id, quantity, now })
        }
        Err(r) => Err(match r.kind {
            StockRefusalKind::RelativeWithoutRecord => AdminError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{}/{} has no stock record: set it ABSOLUTE first", req.manage_number, req.variant_id),
            ),
            StockRefusalKind::QuantityOutOfRange => {
                AdminError::bad_request(format!("request body: quantity: the stock would leave 0..{MAX_QUANTITY}"))
            }
            StockRefusalKind::TooManyVariants => AdminError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{} would have more SKUs than RMS allows", req.manage_number),
            ),
        }),
    }
}

/// `ABSOLUTE` (the default) or `RELATIVE`.
pub(crate) fn stock_mode(mode: Option<&str>) -> Result<Mode, String> {
    match mode {
        None | Some("ABSOLUTE") => Ok(Mode::Absolute),
        Some("RELATIVE") => Ok(Mode::Relative),
        Some(other) => Err(format!("mode: '{other}' is not ABSOLUTE or RELATIVE")),
    }
}
