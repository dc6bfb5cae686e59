//! The shop's staff in the RMS screens, on the control plane: `POST
//! /__admin/shops/{shop_id}/staff/orders/{order_number}/{confirm,cancel,sub-status,edit}` and
//! `POST …/staff/stock`. Each is one domain call (`Shop::staff_*`); the order's history names
//! the staff as the cause (`staff_confirm`, `staff_cancel`, `staff_edit`), so the ledger tells
//! them from API calls. Each action, done or refused, is also an entry of the shop's journal
//! (`"actor": "staff"`, with what changed), recorded in the same lock hold as the change, so
//! a reader of the journal sees it between the RMS requests it came between.

use super::{json_body, ok, shop, view, AdminBody, AdminError, AdminPath, AdminResult};
use crate::control::{StaffCancel, StaffEditRequest, StaffStock, StaffStockSet, StaffSubStatus};
use crate::domain::inventory::{Mode, StockRefusalKind, MAX_QUANTITY};
use crate::domain::order_ops::Refusal;
use crate::domain::shop::{Shop, StaffError};
use crate::journal::{self, Entry, StaffAction, StaffNote};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};

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

/// Runs a staff action on one order, journals it (done or refused, with what changed) and
/// answers the order as it is afterwards.
fn on_order(
    app: &AppState,
    shop_id: &str,
    number: &str,
    action_name: StaffAction,
    body: Option<&Bytes>,
    action: impl FnOnce(&mut Shop) -> Result<(), StaffError>,
) -> AdminResult {
    let v = shop(app, shop_id)?.with(|s| {
        let before = OrderLook::of(s, number);
        let done = action(s).map_err(AdminError::from);
        let changed = OrderLook::changes(before.as_ref(), OrderLook::of(s, number).as_ref());
        let path = format!("/__admin/shops/{shop_id}/staff/orders/{number}/{}", action_name.as_str());
        let note = StaffNote {
            action: action_name,
            order_number: Some(number.to_string()),
            sku: None,
            changed,
            outcome: outcome(&done),
        };
        journal_staff(s, path, body, &done, note);
        done.map(|()| view::order_brief(s, number))
    })?;
    ok(v.ok_or_else(|| AdminError::not_found(format!("no order {number} in shop {shop_id}")))?)
}

/// `done`, or `refused: ` and the control plane's answer.
fn outcome<T>(done: &Result<T, AdminError>) -> String {
    match done {
        Ok(_) => "done".to_string(),
        Err(e) => format!("refused: {}", e.message),
    }
}

/// Records a staff action in the shop's journal: the control-plane call that made it, its
/// status and body, and the note ([`StaffNote`]). The shop sets its `seq` and `at`.
fn journal_staff<T>(s: &mut Shop, path: String, body: Option<&Bytes>, done: &Result<T, AdminError>, note: StaffNote) {
    let limit = s.settings().journal_body_limit;
    let status = match done {
        Ok(_) => StatusCode::OK.as_u16(),
        Err(e) => e.status.as_u16(),
    };
    let codes = match done {
        Ok(_) => Vec::new(),
        Err(e) => vec![e.code.to_string()],
    };
    s.record_request(Entry {
        seq: 0,
        at: s.now(),
        wall_time: journal::wall_now().0,
        method: Method::POST,
        path,
        query: None,
        function: None,
        status,
        codes,
        request_id: None,
        auth_problem: None,
        request_headers: journal::KeptHeaders::default(),
        request_body: body.and_then(|b| journal::shared_body(b, limit)),
        response_body: None,
        fault: None,
        staff: Some(Box::new(note)),
    });
}

/// What a staff action may change on an order, to say in the journal what it did change.
#[derive(PartialEq)]
struct OrderLook {
    progress: u16,
    request_price: i64,
    sub_status: Option<i64>,
    postage_price: i64,
    address: String,
    /// (SKU, units, price) per ordered line.
    lines: Vec<(String, i64, i64)>,
}

impl OrderLook {
    fn of(s: &Shop, number: &str) -> Option<OrderLook> {
        let o = s.order(number)?;
        let first = o.packages.first();
        Some(OrderLook {
            progress: o.progress.code(),
            request_price: o.request_price(),
            sub_status: o.sub_status.as_ref().map(|(id, _)| *id),
            postage_price: first.map_or(0, |p| p.postage_price),
            address: first.map_or_else(String::new, |p| {
                let (place, rest) = (&p.sender.place, &p.sender.sub_address);
                format!("〒{}-{} {}{}{}", place.zip_code1, place.zip_code2, place.prefecture, place.city, rest)
            }),
            lines: o
                .packages
                .iter()
                .flat_map(|p| p.items.iter())
                .map(|i| (format!("{}/{}", i.sku.manage_number, i.sku.variant_id), i.units, i.price))
                .collect(),
        })
    }

    /// What differs, in RMS's names: `orderProgress 200 → 400`, `units tshirt/m 1 → 2`, …
    fn changes(before: Option<&OrderLook>, after: Option<&OrderLook>) -> Vec<String> {
        let (Some(b), Some(a)) = (before, after) else { return Vec::new() };
        let mut out = Vec::new();
        let mut differs = |name: &str, x: String, y: String| {
            if x != y {
                out.push(format!("{name} {x} → {y}"));
            }
        };
        differs("orderProgress", b.progress.to_string(), a.progress.to_string());
        let sub = |id: Option<i64>| id.map_or_else(|| "none".to_string(), |id| id.to_string());
        differs("subStatusId", sub(b.sub_status), sub(a.sub_status));
        for ((sku, units, price), (_, units2, price2)) in b.lines.iter().zip(&a.lines) {
            differs(&format!("units {sku}"), units.to_string(), units2.to_string());
            differs(&format!("price {sku}"), price.to_string(), price2.to_string());
        }
        differs("postagePrice", b.postage_price.to_string(), a.postage_price.to_string());
        differs("address", b.address.clone(), a.address.clone());
        differs("requestPrice", b.request_price.to_string(), a.request_price.to_string());
        out
    }
}

/// 受注確認 in RMS: 100 → 200 (`staff_confirm`).
pub(super) async fn confirm(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    on_order(&app, &shop_id, &number, StaffAction::Confirm, None, |s| s.staff_confirm(&number))
}

/// キャンセル in RMS: → 900 (`staff_cancel`), `{"restock"?: bool}`.
pub(super) async fn cancel(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffCancel = json_body(&body)?;
    on_order(&app, &shop_id, &number, StaffAction::Cancel, Some(&body), |s| s.staff_cancel(&number, req.restock))
}

/// サブステータス in RMS: `{"sub_status_id": 1101}` or `null` to clear.
pub(super) async fn sub_status(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffSubStatus = json_body(&body)?;
    on_order(&app, &shop_id, &number, StaffAction::SubStatus, Some(&body), |s| {
        s.staff_sub_status(&number, req.sub_status_id)
    })
}

/// The order edited in RMS (`staff_edit`): items, postage, address.
pub(super) async fn edit(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: StaffEditRequest = json_body(&body)?;
    let edit = crate::control::staff_edit(&req).map_err(|m| AdminError::bad_request(format!("request body: {m}")))?;
    on_order(&app, &shop_id, &number, StaffAction::Edit, Some(&body), |s| s.staff_edit(&number, &edit))
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
        let sku = (req.manage_number.as_str(), req.variant_id.as_str());
        let before = s.inventory().quantity(sku.0, sku.1);
        let done = s
            .staff_stock(sku.0, sku.1, mode, req.quantity)
            .map(|q| (q, s.now().to_rms()))
            .map_err(|r| stock_refused(&req, r.kind));
        let after = s.inventory().quantity(sku.0, sku.1);
        let note = StaffNote {
            action: StaffAction::Stock,
            order_number: None,
            sku: Some(format!("{}/{}", sku.0, sku.1)),
            changed: if before == after { Vec::new() } else { vec![format!("stock {before} → {after}")] },
            outcome: outcome(&done),
        };
        journal_staff(s, format!("/__admin/shops/{shop_id}/staff/stock"), Some(&body), &done, note);
        done
    });
    let (quantity, now) = done?;
    ok(StaffStockSet { manage_number: req.manage_number, variant_id: req.variant_id, quantity, now })
}

/// The control plane's answer to a refused stock change.
fn stock_refused(req: &StaffStock, kind: StockRefusalKind) -> AdminError {
    match kind {
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
