//! The control plane under `/__admin/` (JSON; not part of RMS, never collides with `/es/`).
//!
//! It plays what RMS users never call: creating shops, the buyer placing, paying and
//! cancelling orders, and time passing. Every handler has the same shape: parse the body
//! ourselves (so bad input gets our error, never axum's text), call one domain method through
//! the shop handle, answer JSON.

mod bulk;
mod console;
mod faults;
pub(crate) mod guard;
mod journal;
mod keys;
mod staff;
mod state;
mod view;

use crate::control::{
    AdvanceRequest, Advanced, ClockPatch, ErrorBody, ErrorDetail, Generated, GiftAddressRequest, Health,
    LicenseRenewal, OrderBrief, OrderList, PageQuery, PostageRequest, ReviewRequest, ShopList, TransitionDetail,
    DEFAULT_PER_PAGE, MAX_PER_PAGE,
};
use crate::domain::shop::{BuyerError, PlaceOrderError, Shop, ShopHandle};
use crate::domain::time::{JstDateTime, MAX_SPAN_DAYS, MAX_SPAN_SECONDS};
use crate::registry::RegistryError;
use crate::settings::ShopSettings;
use crate::setup::{parse_json, parse_toml, GenerateDoc, LineDoc, OrderDoc, ShopDocument, SimulateDoc};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The most bytes a control-plane request body may have unless its endpoint says otherwise
/// (an order, a settings patch, a clock change): axum's default, now set explicitly.
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The most bytes of a shop document (`POST /__admin/shops`, JSON or TOML): a catalog and
/// history of some ten thousand orders.
pub(crate) const DOCUMENT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The body limit of an endpoint, read by [`AdminBody`] to say it in the 413.
#[derive(Clone, Copy, Debug)]
struct BodyLimit(usize);

/// `route` with a body limit of `bytes` (the 413 is our JSON error, naming the limit).
fn limited(route: MethodRouter<AppState>, bytes: usize) -> MethodRouter<AppState> {
    route.layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(bytes)).layer(Extension(BodyLimit(bytes)))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__admin/health", get(health))
        .route("/__admin/reset", post(reset))
        .route("/__admin/shops", limited(get(list_shops).post(create_shop), DOCUMENT_BODY_LIMIT))
        .route("/__admin/shops/{shop_id}", get(show_shop).delete(delete_shop))
        .route("/__admin/shops/{shop_id}/settings", get(show_settings).patch(patch_settings))
        .route("/__admin/shops/{shop_id}/license", post(renew_license))
        .route("/__admin/shops/{shop_id}/license/renew", post(keys::renew))
        .route("/__admin/shops/{shop_id}/approve", post(keys::approve))
        .route("/__admin/shops/{shop_id}/orders", get(list_orders).post(place_order))
        .route("/__admin/shops/{shop_id}/orders/bulk", limited(post(bulk::place_orders), bulk::MAX_BODY_BYTES))
        .route("/__admin/shops/{shop_id}/orders/{order_number}", get(show_order))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/payment", post(pay_order))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/cancel", post(buyer_cancel))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/review", post(review))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/history", get(order_history))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/model", get(order_model))
        .route(guard::CONSOLE_PATH, get(console::page))
        .route("/__admin/ui/console.js", get(console::script))
        .route("/__admin/ui/console.css", get(console::style))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/gift-address", post(gift_address))
        .route("/__admin/shops/{shop_id}/orders/{order_number}/postage", post(set_postage))
        .route("/__admin/shops/{shop_id}/staff/orders/{order_number}/confirm", post(staff::confirm))
        .route("/__admin/shops/{shop_id}/staff/orders/{order_number}/cancel", post(staff::cancel))
        .route("/__admin/shops/{shop_id}/staff/orders/{order_number}/sub-status", post(staff::sub_status))
        .route("/__admin/shops/{shop_id}/staff/orders/{order_number}/edit", post(staff::edit))
        .route("/__admin/shops/{shop_id}/staff/stock", post(staff::stock))
        .route("/__admin/shops/{shop_id}/catalog", get(show_catalog))
        .route("/__admin/shops/{shop_id}/catalog/generate", post(generate_catalog))
        .route("/__admin/shops/{shop_id}/clock", get(show_clock).patch(patch_clock))
        .route("/__admin/shops/{shop_id}/clock/advance", post(advance_clock))
        .route("/__admin/shops/{shop_id}/journal", get(journal::show).delete(journal::clear))
        .route("/__admin/journal", get(journal::show_server).delete(journal::clear_server))
        .route("/__admin/shops/{shop_id}/simulate", get(show_simulation).patch(patch_simulation))
        .route("/__admin/state", limited(get(state::export).put(state::import), crate::state::MAX_STATE_BYTES))
        .route("/__admin/shops/{shop_id}/faults", get(faults::list).post(faults::add).delete(faults::clear))
        .route("/__admin/shops/{shop_id}/faults/{fault_id}", axum::routing::delete(faults::remove))
        // Every other endpoint's limit (an endpoint's own layer, inside this one, overrides it).
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(Extension(BodyLimit(BODY_LIMIT)))
}

/// A control-plane error: `{"error": {"code", "message"}}` ([`ErrorBody`]).
pub struct AdminError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl AdminError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AdminError { status, code, message: message.into() }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code.into(), message: self.message } };
        let mut resp = (self.status, Json(body)).into_response();
        resp.extensions_mut().insert(crate::logs::RequestNote { codes: vec![self.code.into()], ..Default::default() });
        resp
    }
}

impl From<PlaceOrderError> for AdminError {
    fn from(e: PlaceOrderError) -> Self {
        // The keys are those of the order document (`OrderDoc`), shared with shop files.
        match crate::setup::place_order_problem(&e) {
            (Some(key), problem) => AdminError::bad_request(format!("request body: {key}: {problem}")),
            (None, problem) => AdminError::new(StatusCode::CONFLICT, "conflict", problem),
        }
    }
}

impl From<BuyerError> for AdminError {
    fn from(e: BuyerError) -> Self {
        let conflict = |m: String| AdminError::new(StatusCode::CONFLICT, "conflict", m);
        match e {
            BuyerError::NotFound(number) => AdminError::not_found(format!("no order {number} in this shop")),
            BuyerError::NotPrepaid { number, settlement } => conflict(format!(
                "order {number} is paid by {} ({}), not a prepayment method (9, 13, 14)",
                settlement.name(),
                settlement.code()
            )),
            BuyerError::AlreadyPaid(number) => conflict(format!("order {number} is already paid")),
            BuyerError::Cancelled { number, progress } => {
                conflict(format!("order {number} is cancelled ({})", progress.code()))
            }
            BuyerError::CancelWindowClosed { deadline, window_minutes, now } => conflict(format!(
                "the buyer may cancel only until {deadline} ({window_minutes} minutes after ordering); it is {now}"
            )),
            BuyerError::NotCancellable { number, progress } => {
                conflict(format!("order {number} is in {} and cannot be cancelled by the buyer", progress.code()))
            }
            BuyerError::NotSocialGift(number) => conflict(format!("order {number} is not a social gift")),
            BuyerError::GiftAddressEntered(number) => {
                conflict(format!("the recipient of order {number} has entered the address already"))
            }
            BuyerError::NoSuchBasket { number, basket_id } => {
                AdminError::not_found(format!("order {number} has no basket {basket_id}"))
            }
            BuyerError::PostageOutOfRange(p) => AdminError::bad_request(format!(
                "request body: postage: {p} is not between 0 and {}",
                crate::domain::order::MAX_AMOUNT
            )),
            BuyerError::PostageLocked { number, progress } => conflict(format!(
                "order {number} is in {}: postage is set only in 100, 200, 300 or 400",
                progress.code()
            )),
            BuyerError::NotReviewable { number, progress, settlement } => conflict(format!(
                "only a card order in 200 (楽天処理中) can fail the review; {number} is {} by {}",
                progress.code(),
                settlement.name()
            )),
        }
    }
}

/// `Path`, with a bad path (`%FF`, which is no UTF-8) answered by our envelope, not axum's text.
struct AdminPath<T>(T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for AdminPath<T> {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AdminError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(AdminPath(t)),
            Err(e) => Err(AdminError::bad_request(format!("path: {}", e.body_text()))),
        }
    }
}

/// The raw body, with the body limit and unreadable bodies answered by our envelope. Handlers
/// parse it themselves (see [`json_body`]) so a bad key is named in our words.
struct AdminBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for AdminBody {
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AdminError> {
        let limit = req.extensions().get::<BodyLimit>().map_or(BODY_LIMIT, |l| l.0);
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(AdminBody(b)),
            Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => Err(AdminError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request body: larger than this endpoint takes ({limit} bytes, {} MiB)", limit / (1024 * 1024)),
            )),
            Err(e) => Err(AdminError::bad_request(format!("request body: {}", e.body_text()))),
        }
    }
}

type AdminResult = Result<Response, AdminError>;

fn shop(app: &AppState, shop_id: &str) -> Result<ShopHandle, AdminError> {
    app.registry.get(shop_id).ok_or_else(|| AdminError::not_found(format!("no shop {shop_id}")))
}

/// Reads a JSON body into `T`, naming the key of any problem.
fn json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, AdminError> {
    let text = std::str::from_utf8(body).map_err(|_| AdminError::bad_request("request body: not UTF-8"))?;
    let text = if text.trim().is_empty() { "{}" } else { text };
    parse_json(text, "request body").map_err(|e| AdminError::bad_request(e.to_string()))
}

fn ok(v: impl Serialize) -> AdminResult {
    Ok(Json(v).into_response())
}

fn created(v: impl Serialize) -> AdminResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// Runs a buyer-side action on one order and answers the order as it is afterwards.
fn order_action(
    app: &AppState,
    shop_id: &str,
    number: &str,
    action: impl FnOnce(&mut Shop) -> Result<(), BuyerError>,
) -> AdminResult {
    let v = shop(app, shop_id)?.with(|s| -> Result<Option<OrderBrief>, BuyerError> {
        action(s)?;
        Ok(view::order_brief(s, number))
    })?;
    ok(v.ok_or_else(|| AdminError::not_found(format!("no order {number} in shop {shop_id}")))?)
}

async fn health(State(app): State<AppState>) -> AdminResult {
    ok(Health { status: "ok".into(), shops: app.registry.all().len() })
}

/// Removes every shop and re-creates the ones the server started with.
async fn reset(State(app): State<AppState>) -> AdminResult {
    app.reset().map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "reset_failed", e))?;
    ok(Health { status: "ok".into(), shops: app.registry.all().len() })
}

async fn create_shop(State(app): State<AppState>, headers: HeaderMap, AdminBody(body): AdminBody) -> AdminResult {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let text = std::str::from_utf8(&body).map_err(|_| AdminError::bad_request("request body: not UTF-8"))?;
    let doc: ShopDocument =
        if ct.contains("toml") { parse_toml(text, "request body") } else { parse_json(text, "request body") }
            .map_err(|e| AdminError::bad_request(e.to_string()))?;
    let built = doc.build("request body").map_err(|e| AdminError::bad_request(e.to_string()))?;
    let handle = app.registry.insert(built).map_err(|e| match e {
        RegistryError::DuplicateShopId(id) => {
            AdminError::new(StatusCode::CONFLICT, "conflict", format!("shop {id} already exists"))
        }
        RegistryError::DuplicateServiceSecret(id) => AdminError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("another shop already uses this service_secret (creating {id})"),
        ),
    })?;
    created(handle.with(|s| view::credentials(s)))
}

async fn list_shops(State(app): State<AppState>) -> AdminResult {
    ok(ShopList { shops: app.registry.all().iter().map(|(_, h)| h.with(|s| view::summary(s))).collect() })
}

async fn show_shop(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    ok(shop(&app, &shop_id)?.with(|s| view::detail(s)))
}

async fn delete_shop(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    app.registry.remove(&shop_id).ok_or_else(|| AdminError::not_found(format!("no shop {shop_id}")))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn show_settings(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    ok(shop(&app, &shop_id)?.with(|s| s.settings().clone()))
}

/// A JSON merge patch over the settings; the result is validated as a whole. Read, merge,
/// check and write happen under one lock, so two concurrent patches never lose each other.
async fn patch_settings(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let settings = merge_patch_document(
        &handle,
        &body,
        "settings",
        |s| s.settings().clone(),
        |s, settings: ShopSettings| {
            if let Some(problem) = settings.problems().into_iter().next() {
                return Err(problem);
            }
            s.set_settings(settings.clone());
            Ok(settings)
        },
    )?;
    ok(settings)
}

/// A JSON merge patch (RFC 7396) over one of a shop's documents — its settings, its simulated
/// buyers' plan: the current document is read, merged, parsed, checked and written back under
/// one lock, so two concurrent patches never lose each other. `section` names the document in
/// errors (`request body: settings.auto_confirm: …`); `apply` checks and stores it, or names
/// the offending key and the problem.
fn merge_patch_document<D: Serialize + DeserializeOwned, R>(
    handle: &ShopHandle,
    body: &Bytes,
    section: &str,
    current: impl FnOnce(&Shop) -> D,
    apply: impl FnOnce(&mut Shop, D) -> Result<R, (String, String)>,
) -> Result<R, AdminError> {
    let patch: Value = json_body(body)?;
    if !patch.is_object() {
        return Err(AdminError::bad_request(format!("request body: must be a JSON object of {section} keys")));
    }
    handle.with(|s| {
        let mut merged = serde_json::to_value(current(s)).unwrap_or(Value::Null);
        crate::merge::merge_patch(&mut merged, &patch);
        let doc: D = parse_json(&merged.to_string(), "request body").map_err(|e| {
            AdminError::bad_request(e.to_string().replace("request body: ", &format!("request body: {section}.")))
        })?;
        apply(s, doc)
            .map_err(|(key, problem)| AdminError::bad_request(format!("request body: {section}.{key}: {problem}")))
    })
}

/// Issues a new licence key (the 90-day renewal). The old key stops working at once.
async fn renew_license(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: LicenseRenewal = json_body(&body)?;
    if req.license_key.is_empty() || req.license_key.contains(char::is_whitespace) {
        return Err(AdminError::bad_request("request body: license_key: must be non-empty without spaces"));
    }
    let issued = match &req.issued_at {
        Some(t) => Some(parse_time("issued_at", t)?),
        None => None,
    };
    ok(handle.with(|s| {
        let at = issued.unwrap_or(s.now());
        s.renew_license(req.license_key, at);
        view::credentials(s)
    }))
}

/// A datetime of a request body; one after the latest time a clock reaches is refused too.
fn parse_time(key: &str, s: &str) -> Result<JstDateTime, AdminError> {
    let t = JstDateTime::parse_flexible(s).map_err(|_| {
        AdminError::bad_request(format!(
            "request body: {key}: '{s}' is not a JST datetime like 2026-11-28T09:00:00+0900"
        ))
    })?;
    match crate::setup::after_latest_problem(t) {
        Some(problem) => Err(AdminError::bad_request(format!("request body: {key}: {problem}"))),
        None => Ok(t),
    }
}

/// A buyer places an order (stock is reserved, the order number issued).
async fn place_order(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: OrderDoc = json_body(&body)?;
    let at = match &req.at {
        Some(t) => Some(parse_time("at", t)?),
        None => None,
    };
    let lines: Vec<_> = req.lines.iter().map(LineDoc::to_line).collect();
    let v = handle.with(|s| -> Result<Option<OrderBrief>, AdminError> {
        let extras = req
            .extras(at.unwrap_or(s.now()))
            .map_err(|(k, p)| AdminError::bad_request(format!("request body: {k}: {p}")))?;
        let number = s.place_order_with(&lines, req.settlement_method_code, at, &extras)?;
        Ok(view::order_brief(s, &number))
    })?;
    created(v)
}

/// One page of the shop's orders (`?page=&per_page=`), in the order they were placed; a
/// page is read under one short hold of the shop's lock.
async fn list_orders(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>, uri: Uri) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let paging = Paging::from_uri(&uri)?;
    ok(handle.with(|s| {
        let total = s.orders().len();
        let range = paging.range(total);
        let orders =
            s.orders().iter().skip(range.start).take(range.len()).filter_map(|o| view::order_brief(s, &o.number));
        OrderList {
            orders: orders.collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_pages: paging.total_pages(total),
        }
    }))
}

/// The page a listing asks for (`?page=&per_page=`, [`PageQuery`]), checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    /// From 1.
    pub page: usize,
    /// 1 to [`MAX_PER_PAGE`].
    pub per_page: usize,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { page: 1, per_page: DEFAULT_PER_PAGE }
    }
}

impl Paging {
    fn from_uri(uri: &Uri) -> Result<Paging, AdminError> {
        let Query(q) = Query::<PageQuery>::try_from_uri(uri)
            .map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
        let paging = Paging { page: q.page.unwrap_or(1), per_page: q.per_page.unwrap_or(DEFAULT_PER_PAGE) };
        if paging.page == 0 {
            return Err(AdminError::bad_request("query: page: pages count from 1"));
        }
        if !(1..=MAX_PER_PAGE).contains(&paging.per_page) {
            return Err(AdminError::bad_request(format!(
                "query: per_page: {} is not between 1 and {MAX_PER_PAGE}",
                paging.per_page
            )));
        }
        Ok(paging)
    }

    /// The positions of this page in a list of `total` (empty past the end).
    pub fn range(self, total: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        start..start.saturating_add(self.per_page).min(total)
    }

    /// How many pages a list of `total` makes.
    pub fn total_pages(self, total: usize) -> usize {
        total.div_ceil(self.per_page)
    }
}

async fn show_order(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    order_action(&app, &shop_id, &number, |_| Ok(()))
}

async fn pay_order(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    order_action(&app, &shop_id, &number, |s| s.pay(&number))
}

async fn buyer_cancel(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    order_action(&app, &shop_id, &number, |s| s.buyer_cancel(&number))
}

/// Rakuten's review of a card order: `{"result": "ng"}` sends it down the NG path (the
/// buyer must change the payment with `…/payment` before the deadline).
async fn review(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: ReviewRequest = json_body(&body)?;
    if req.result != "ng" {
        return Err(AdminError::bad_request(
            "request body: result: only \"ng\" is a review outcome to play (OK is the default path)",
        ));
    }
    order_action(&app, &shop_id, &number, |s| s.review_ng(&number))
}

/// The recipient of a social gift enters the address (`GiftAddressRequest`; `{}` or an
/// empty body: a generated address).
async fn gift_address(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: GiftAddressRequest = if body.is_empty() { GiftAddressRequest::default() } else { json_body(&body)? };
    let address = req.to_domain();
    if let Some((key, problem)) = address.problem() {
        return Err(AdminError::bad_request(format!("request body: {key}: {problem}")));
    }
    order_action(&app, &shop_id, &number, |s| s.enter_gift_address(&number, &address))
}

/// The shop sets the postage of an order placed with 送料未確定 (`PostageRequest`).
async fn set_postage(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let req: PostageRequest = json_body(&body)?;
    order_action(&app, &shop_id, &number, |s| s.set_postage(&number, req.basket_id, req.postage))
}

async fn order_history(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
) -> AdminResult {
    let v = shop(&app, &shop_id)?.with(|s| s.order(&number).map(|o| view::history(s, o)));
    ok(v.ok_or_else(|| AdminError::not_found(format!("no order {number} in shop {shop_id}")))?)
}

/// The order's `OrderModel` as getOrder of `?version=` (3–10, default 10) writes it, read
/// without an RMS request: no journal entry, no rate limit, no fault (the console shows it).
async fn order_model(
    State(app): State<AppState>,
    AdminPath((shop_id, number)): AdminPath<(String, String)>,
    uri: Uri,
) -> AdminResult {
    use crate::api::order::model::{order_model, ModelSettings, Version};
    #[derive(serde::Deserialize)]
    struct ModelQuery {
        version: Option<u8>,
    }
    let Query(q) = Query::<ModelQuery>::try_from_uri(&uri)
        .map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
    let version = q.version.unwrap_or(Version::MAX);
    if !(Version::MIN..=Version::MAX).contains(&version) {
        return Err(AdminError::bad_request(format!(
            "query: version: {version} is not a getOrder version ({} to {})",
            Version::MIN,
            Version::MAX
        )));
    }
    let model = shop(&app, &shop_id)?.with(|s| {
        let order = s.order(&number)?;
        Some(serde_json::to_value(order_model(order, &ModelSettings::of(s), Version::new(version))))
    });
    match model {
        Some(Ok(model)) => ok(serde_json::json!({"order_number": number, "version": version, "OrderModel": model})),
        Some(Err(e)) => Err(AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())),
        None => Err(AdminError::not_found(format!("no order {number} in shop {shop_id}"))),
    }
}

/// One page of the catalog (`?page=&per_page=`): items and orphan stock records.
async fn show_catalog(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>, uri: Uri) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let paging = Paging::from_uri(&uri)?;
    ok(handle.with(|s| view::catalog(s, paging)))
}

/// Seeds many items fast: `{"items": N, "variants": M, "seed": S, "quantity": Q}`.
async fn generate_catalog(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: GenerateDoc = json_body(&body)?;
    if let Some(problem) = req.problem() {
        return Err(AdminError::bad_request(format!("request body: {problem}")));
    }
    use crate::domain::catalog::generate::{room_for, MAX_SHOP_SKUS};
    let held = handle.with(|s| s.catalog().sku_count());
    if let Err(total) = room_for(held, req.items * req.variants) {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "the shop holds {held} SKUs and would hold {total}: generating stops at {MAX_SHOP_SKUS} SKUs a shop"
            ),
        ));
    }
    // Built outside the shop's lock (tens of thousands of items) and inserted in batches, each
    // under its own hold of the lock; on a blocking thread, as it is seconds of work.
    let made = tokio::task::spawn_blocking(move || {
        crate::domain::catalog::generate::generate(req.items, req.variants, req.seed, req.quantity)
            .map_err(crate::domain::catalog::generate::GenerateError::Item)
            .and_then(|generated| handle.insert_generated_in_steps(generated))
    })
    .await
    .map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| {
        let e = crate::api::item::generate_error(&e);
        AdminError::new(StatusCode::CONFLICT, "conflict", format!("{} ({})", e.message, e.code))
    })?;
    created(Generated { generated: made.len(), first: made.first().cloned(), last: made.last().cloned() })
}

async fn show_clock(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    ok(shop(&app, &shop_id)?.with(|s| view::clock(s)))
}

/// Switches the clock between manual and wall mode and/or changes its speed.
async fn patch_clock(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: ClockPatch = json_body(&body)?;
    if let Some(problem) = req.speed.and_then(crate::setup::clock_speed_problem) {
        return Err(AdminError::bad_request(format!("request body: speed: {problem}")));
    }
    let wall = app.registry.wall_reading();
    ok(handle.with(|s| {
        s.set_clock(req.mode.unwrap_or(s.clock_mode()), req.speed.unwrap_or(s.clock_speed()), wall);
        view::clock(s)
    }))
}

/// The query of answers that report transitions: `?transitions=summary|all`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionsQuery {
    transitions: Option<TransitionDetail>,
}

/// How many transitions to answer with: all when the query or the body says so.
fn transitions_wanted(uri: &Uri, body: Option<TransitionDetail>) -> Result<TransitionDetail, AdminError> {
    let Query(q) = Query::<TransitionsQuery>::try_from_uri(uri)
        .map_err(|e| AdminError::bad_request(format!("query: {}", e.body_text())))?;
    Ok(match (q.transitions, body) {
        (Some(TransitionDetail::All), _) | (_, Some(TransitionDetail::All)) => TransitionDetail::All,
        _ => TransitionDetail::Summary,
    })
}

/// Moves the shop's clock forward, firing every due transition in time order; answers the
/// new now and what fired (a summary unless every transition is asked for).
async fn advance_clock(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    uri: Uri,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let req: AdvanceRequest = json_body(&body)?;
    let detail = transitions_wanted(&uri, req.transitions)?;
    let too_far = |key: &str, n: i64, unit: &str, max: i64| {
        AdminError::bad_request(format!(
            "request body: {key}: {n} is more than {max} {unit} (ten years); advance in several calls"
        ))
    };
    let target = match (req.minutes, req.seconds, &req.to) {
        (Some(m), None, None) if m > MAX_SPAN_SECONDS / 60 => {
            return Err(too_far("minutes", m, "minutes", MAX_SPAN_SECONDS / 60))
        }
        (None, Some(s), None) if s > MAX_SPAN_SECONDS => {
            return Err(too_far("seconds", s, "seconds", MAX_SPAN_SECONDS))
        }
        (Some(m), None, None) if m >= 0 => Target::Seconds(m * 60),
        (None, Some(s), None) if s >= 0 => Target::Seconds(s),
        (Some(n), None, None) | (None, Some(n), None) => {
            return Err(AdminError::bad_request(format!("request body: {n} is negative; the clock only moves forward")))
        }
        (None, None, Some(t)) => Target::To(parse_time("to", t)?),
        _ => {
            return Err(AdminError::bad_request("request body: give exactly one of \"minutes\", \"seconds\" or \"to\""))
        }
    };
    let to = handle.with(|s| -> Result<JstDateTime, AdminError> {
        let now = s.now();
        let to = match target {
            Target::Seconds(secs) => now.plus_seconds(secs),
            Target::To(t) if t < now => {
                return Err(AdminError::bad_request(format!(
                    "request body: to: {t} is before now ({now}); the clock only moves forward"
                )))
            }
            Target::To(t) if t.seconds() - now.seconds() > MAX_SPAN_SECONDS => {
                return Err(AdminError::bad_request(format!(
                    "request body: to: {t} is more than {MAX_SPAN_DAYS} days (ten years) after now ({now}); advance in several calls"
                )))
            }
            Target::To(t) => t,
        };
        match crate::setup::after_latest_problem(to) {
            Some(problem) => Err(AdminError::bad_request(format!("request body: the clock would pass {problem}"))),
            None => Ok(to),
        }
    })?;
    // In steps, each under its own lock: a long jump never blocks the shop's other requests.
    // On a blocking thread: a long jump is seconds of work an async worker should not hold.
    // What fired is summarised and logged step by step (after each step's lock is released),
    // so even a jump over a busy year keeps no more than the answer lists.
    // The blocking thread logs to this request's subscriber (a test's captured one, too).
    let logs = tracing::dispatcher::get_default(|d| d.clone());
    let (f, now) = tokio::task::spawn_blocking(move || {
        tracing::dispatcher::with_default(&logs, || {
            let mut summary = view::Summary::new(detail);
            let now = handle.advance_in_steps(to, |fired| {
                summary.add(fired);
                crate::logs::log_transitions(&shop_id, fired);
            });
            (summary.finish(), now)
        })
    })
    .await
    .map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    ok(Advanced {
        now: now.to_rms(),
        fired: f.fired,
        by_cause: f.by_cause,
        transitions: f.transitions,
        truncated: f.truncated,
    })
}

enum Target {
    Seconds(i64),
    To(JstDateTime),
}

async fn show_simulation(State(app): State<AppState>, AdminPath(shop_id): AdminPath<String>) -> AdminResult {
    ok(shop(&app, &shop_id)?.with(|s| view::simulation(s)))
}

/// A JSON merge patch over the simulated buyers' plan, checked as a whole and followed from
/// the shop's now (read, merge, check and write under one lock, as for settings).
async fn patch_simulation(
    State(app): State<AppState>,
    AdminPath(shop_id): AdminPath<String>,
    AdminBody(body): AdminBody,
) -> AdminResult {
    let handle = shop(&app, &shop_id)?;
    let status = merge_patch_document(
        &handle,
        &body,
        "simulate",
        |s| view::simulation(s).plan,
        |s, doc: SimulateDoc| {
            s.set_simulation(doc.plan(s.seed())?);
            Ok(view::simulation(s))
        },
    )?;
    ok(status)
}
