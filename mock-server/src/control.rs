//! The control plane's contract: one serde type per `/__admin/` request and response body.
//!
//! The server's handlers (`admin/`) build their answers from these types and parse requests
//! into them; [`MockShop`](crate::MockShop) and the conformance runner read the answers back
//! into the same types. A renamed field therefore fails to compile on both sides instead of
//! silently reading as empty. The JSON keys are the control plane's public wire format
//! (snake_case; datetimes as RMS writes them, `2026-11-28T09:00:00+0900`), so field names here
//! are part of that format and change only together with the README.
//!
//! Requests that are documents of their own are not repeated here: creating a shop takes a
//! [`ShopDocument`](crate::ShopDocument), placing an order an [`OrderDoc`](crate::OrderDoc)
//! (the shape of an order in a shop document), seeding a catalog a
//! [`GenerateDoc`](crate::GenerateDoc), and a settings patch is an RFC 7396 merge patch over
//! [`ShopSettings`] (any JSON object, so it stays a `serde_json::Value`).

use crate::domain::shop::ClockMode;
pub use crate::journal::{StaffAction, StaffNote};
use crate::settings::{ShippingSettings, ShopSettings, SubStatusDef};
use crate::setup::{FaultKind, FaultSpec, SimulateDoc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `PUT /__admin/state`: what the imported state document did, shop by shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateImported {
    /// The document's shops, in its order.
    pub imported: Vec<StateShopImported>,
}

/// One shop of an imported state document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateShopImported {
    /// The shop's id.
    pub shop_id: String,
    /// True when it replaced a shop of that id; false when it is new.
    pub replaced: bool,
    /// Its orders.
    pub orders: usize,
    /// Its items.
    pub items: usize,
    /// Its clock.
    pub now: String,
}

/// `GET /__admin/health` and `POST /__admin/reset`: the server is up, with this many shops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Always `"ok"`.
    pub status: String,
    /// Shops currently served.
    pub shops: usize,
}

/// A shop's identity and credentials: the answer to creating a shop or renewing its licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopCredentials {
    /// Six digits.
    pub shop_id: String,
    /// The shop's display name.
    pub name: String,
    /// The first half of the ESA credentials.
    pub service_secret: String,
    /// The second half of the ESA credentials (renewed every 90 days on real RMS).
    pub license_key: String,
    /// The ready-made `Authorization` header value, `ESA base64(serviceSecret:licenseKey)`.
    pub authorization: String,
    /// When the licence key stops working (90 days after issue).
    pub license_expires_at: String,
    /// The shop's virtual now.
    pub now: String,
}

/// One shop in `GET /__admin/shops`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSummary {
    /// Identity and credentials.
    #[serde(flatten)]
    pub credentials: ShopCredentials,
    /// How many orders the shop has.
    pub orders: usize,
}

/// `GET /__admin/shops`: every shop, in shop-id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopList {
    /// The shops.
    pub shops: Vec<ShopSummary>,
}

/// `GET /__admin/shops/{shop_id}`: everything about one shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopDetail {
    /// Identity and credentials.
    #[serde(flatten)]
    pub credentials: ShopCredentials,
    /// False once the licence key has expired.
    pub license_valid: bool,
    /// The shop's clock: now, mode and speed.
    pub clock: ClockNow,
    /// The seed of the shop's ids and simulated buyers.
    pub seed: u64,
    /// Order counts by `orderProgress` code (`"100"` … `"900"`, all present).
    pub orders_by_status: BTreeMap<String, usize>,
    /// The shop settings.
    pub settings: ShopSettings,
    /// Shipping settings.
    pub shipping: ShippingSettings,
    /// The shop's sub-status definitions.
    pub sub_statuses: Vec<SubStatusDef>,
    /// Items and stock.
    pub catalog: Catalog,
}

/// `POST /__admin/shops/{shop_id}/license`: issue a new licence key (the 90-day renewal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseRenewal {
    /// The new key; the old one stops working at once.
    pub license_key: String,
    /// When it was issued; defaults to the shop's now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
}

/// `POST /__admin/shops/{shop_id}/license/renew`: the shop issues a new licence key in RMS
/// (WEB APIサービス → ライセンスキー発行). The new key works only after a delay (real: 10–30
/// minutes), answering ES01-01 like a wrong key until then; the old key keeps working until its
/// own expiry (90 days after its issue).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseRenew {
    /// The new key.
    pub license_key: String,
    /// Minutes of the shop's clock until the new key works; default 15, at most 1440.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_after_minutes: Option<u32>,
}

/// The answer to [`LicenseRenew`]: the shop's keys as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseKeys {
    /// The key in use (the old one until the renewed key is active).
    pub license_key: String,
    /// When it stops working (90 days after its issue).
    pub expires_at: String,
    /// The renewed key, when one was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed: Option<RenewedKeyView>,
    /// The shop's now.
    pub now: String,
}

/// A renewed licence key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewedKeyView {
    /// The key.
    pub license_key: String,
    /// When it was issued.
    pub issued_at: String,
    /// From when it works.
    pub active_from: String,
    /// When it stops working (90 days after its issue).
    pub expires_at: String,
}

/// `POST /__admin/shops/{shop_id}/approve`: the shop approves the vendor app's pending API
/// scopes (アプリ承認); `apis` left out approves every one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// `order`, `item`, `inventory`; left out: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apis: Option<Vec<String>>,
}

/// `POST …/staff/orders/{order_number}/cancel`: the staff cancel the order in RMS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffCancel {
    /// Put the units back in stock (true) or not (false); left out: each item's restock rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restock: Option<bool>,
}

/// `POST …/staff/orders/{order_number}/sub-status`: the staff set (or clear, with null) the
/// order's サブステータス in RMS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSubStatus {
    /// A sub-status id of the shop for the order's status; null clears it.
    pub sub_status_id: Option<i64>,
}

/// `POST …/staff/orders/{order_number}/edit`: the staff edit the order in RMS. Every part is
/// optional, at least one is needed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffEditRequest {
    /// Lines to change, by SKU.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<StaffLine>,
    /// New postage (yen, 0..999,999,999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postage_price: Option<i64>,
    /// New delivery address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<StaffAddressDoc>,
}

/// A line of [`StaffEditRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffLine {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// New units, 1..999.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<i64>,
    /// New unit price (yen, 0..999,999,999).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
}

/// A delivery address of [`StaffEditRequest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffAddressDoc {
    /// 7 digits, `1000001` or `100-0001`.
    pub zip_code: String,
    /// 都道府県.
    pub prefecture: String,
    /// 市区町村.
    pub city: String,
    /// 番地 and the rest.
    pub sub_address: String,
}

/// `POST /__admin/shops/{shop_id}/staff/stock`: the staff change a SKU's stock by hand in RMS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffStock {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// `ABSOLUTE` (default) sets the stock, `RELATIVE` adds to it (negative: takes away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The quantity (ABSOLUTE 0..99,999) or the change (RELATIVE).
    pub quantity: i64,
}

/// The answer to [`StaffStock`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffStockSet {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// The stock now.
    pub quantity: i64,
    /// The shop's now.
    pub now: String,
}

/// An order as the buyer side sees it: the answer to placing, paying, cancelling, reviewing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBrief {
    /// `123456-20261128-0000000001`-style order number.
    pub order_number: String,
    /// RMS `orderProgress` (100 注文確認待ち … 900 キャンセル確定).
    pub order_progress: u16,
    /// When the buyer ordered.
    pub order_datetime: String,
    /// RMS settlement method code (1 card, 2 COD, 9 bank transfer, …).
    pub settlement_method_code: u16,
    /// Whether a prepaid order has been paid.
    pub paid: bool,
    /// What the buyer is asked to pay (after points and coupons).
    pub request_price: i64,
    /// The shop's virtual now.
    pub now: String,
}

/// `GET /__admin/shops/{shop_id}/orders?page=&per_page=`: one page of the shop's orders (a
/// shop of 200,000 orders is 200 pages of the default size, not one 41 MB answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    /// In the order they were placed; at most `per_page`.
    pub orders: Vec<OrderBrief>,
    /// How many orders the shop has.
    #[serde(default)]
    pub total: usize,
    /// This page, from 1.
    #[serde(default)]
    pub page: usize,
    /// Orders per page.
    #[serde(default)]
    pub per_page: usize,
    /// Pages in all (a page past them is empty).
    #[serde(default)]
    pub total_pages: usize,
}

/// Orders (or catalog items) per page of a control-plane listing when `per_page` is not given.
pub const DEFAULT_PER_PAGE: usize = 1000;

/// The most a listing's `per_page` may ask for.
pub const MAX_PER_PAGE: usize = 10_000;

/// `?page=&per_page=` of the control plane's listings (orders, catalog): page from 1, 1 to
/// [`MAX_PER_PAGE`] a page ([`DEFAULT_PER_PAGE`] when left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Which page, from 1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// How many a page, 1 to [`MAX_PER_PAGE`] (default [`DEFAULT_PER_PAGE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<usize>,
}

impl PageQuery {
    /// Page `page` of `per_page`.
    pub fn new(page: usize, per_page: usize) -> Self {
        PageQuery { page: Some(page), per_page: Some(per_page) }
    }

    /// The query string (`page=2&per_page=500`, or empty).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.page {
            parts.push(format!("page={p}"));
        }
        if let Some(n) = self.per_page {
            parts.push(format!("per_page={n}"));
        }
        parts.join("&")
    }
}

/// `POST …/orders/{order_number}/review`: Rakuten's review of a card order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// Only `"ng"` is a review outcome to play (OK is the default path): the buyer must then
    /// change the payment before the deadline.
    pub result: String,
}

/// `POST …/orders/{order_number}/gift-address`: the recipient of a social gift enters the
/// address. Every field is optional; what is left out comes from a generated recipient (`{}`
/// enters a whole generated address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GiftAddressRequest {
    /// 姓.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// 名.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Postal code, 7 digits (`1500001` or `150-0001`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// 都道府県.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefecture: Option<String>,
    /// 市区町村.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The rest of the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_address: Option<String>,
    /// `090-1234-5678`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl GiftAddressRequest {
    /// As the domain takes it.
    pub(crate) fn to_domain(&self) -> crate::domain::shop::GiftAddress {
        crate::domain::shop::GiftAddress {
            family_name: self.family_name.clone(),
            first_name: self.first_name.clone(),
            zip_code: self.zip_code.clone(),
            prefecture: self.prefecture.clone(),
            city: self.city.clone(),
            sub_address: self.sub_address.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// `POST …/orders/{order_number}/postage`: the shop sets the postage of an order placed with
/// undetermined postage (送料未確定, −9999).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostageRequest {
    /// Postage in yen (0–999999999).
    pub postage: i64,
    /// The basket (`basketId`) to set; left out: every basket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basket_id: Option<u64>,
}

impl ReviewRequest {
    /// The review fails (審査NG).
    pub fn ng() -> Self {
        ReviewRequest { result: "ng".into() }
    }
}

/// `GET …/orders/{order_number}/history`: every status change of one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHistory {
    /// The order.
    pub order_number: String,
    /// Its current `orderProgress`.
    pub order_progress: u16,
    /// Oldest first.
    pub history: Vec<StatusChange>,
    /// Restocks of the order (a cancellation, fewer units) that met the stock cap of 99,999:
    /// the units that did not fit were not put back, and are listed here (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock_capped: Vec<StockCapped>,
}

/// A restock that met the stock cap (99,999): `units` were to go back to the SKU, `lost` of
/// them did not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCapped {
    /// When (virtual time).
    pub at: String,
    /// The SKU's item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// Units the restock was to put back.
    pub units: i64,
    /// Units that did not fit and were not put back.
    pub lost: i64,
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// When it changed (virtual time).
    pub at: String,
    /// None when the order was placed.
    pub from: Option<u16>,
    /// The new `orderProgress`.
    pub to: u16,
    /// Why: `placed`, an API operation such as `confirmOrder`, or a clock cause such as
    /// `auto_confirm`.
    pub cause: String,
}

/// `GET /__admin/shops/{shop_id}/clock`, and the answer to `PATCH` on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockNow {
    /// The shop's virtual now.
    pub now: String,
    /// `manual` (moves only on `clock/advance`) or `wall` (follows real time).
    pub mode: ClockMode,
    /// Virtual seconds per real second in wall mode (1 = real time, 60 = an hour a minute).
    pub speed: f64,
}

/// `PATCH /__admin/shops/{shop_id}/clock`: switch the mode and/or the speed; a field left out
/// stays as it is. A wall clock switched on runs from the shop's now at that moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockPatch {
    /// `manual` or `wall`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ClockMode>,
    /// Above 0, at most [`MAX_CLOCK_SPEED`](crate::MAX_CLOCK_SPEED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
}

impl ClockPatch {
    /// Follow real time at `speed`.
    pub fn wall(speed: f64) -> Self {
        ClockPatch { mode: Some(ClockMode::Wall), speed: Some(speed) }
    }

    /// Stop following real time (the clock stays where it is).
    pub fn manual() -> Self {
        ClockPatch { mode: Some(ClockMode::Manual), speed: None }
    }
}

/// `POST …/clock/advance`: exactly one of `minutes`, `seconds` and `to`; and how much of what
/// fired to answer with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    /// Minutes to let pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// Seconds to let pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<i64>,
    /// A time to move to (never backwards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `"summary"` (the default: counts and the first [`FIRST_TRANSITIONS`]) or `"all"`
    /// (every transition); the query `?transitions=all` says the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<TransitionDetail>,
}

impl AdvanceRequest {
    /// Let `minutes` pass.
    pub fn minutes(minutes: i64) -> Self {
        AdvanceRequest { minutes: Some(minutes), ..Self::default() }
    }

    /// Let `seconds` pass.
    pub fn seconds(seconds: i64) -> Self {
        AdvanceRequest { seconds: Some(seconds), ..Self::default() }
    }

    /// Move to `to` (an RMS datetime).
    pub fn to(to: impl Into<String>) -> Self {
        AdvanceRequest { to: Some(to.into()), ..Self::default() }
    }

    /// Answer with every transition, or only the summary.
    pub fn with_transitions(mut self, detail: TransitionDetail) -> Self {
        self.transitions = Some(detail);
        self
    }
}

/// How many of the transitions that fired an answer lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransitionDetail {
    /// Counts per cause and the first [`FIRST_TRANSITIONS`] transitions.
    #[default]
    Summary,
    /// Every transition.
    All,
}

/// How many transitions a summary lists (the rest are counted in `by_cause`).
pub const FIRST_TRANSITIONS: usize = 100;

/// The answer to advancing the clock: the new now and what fired on the way. By default the
/// transitions are summarised: `fired` counts them, `by_cause` per cause, `transitions` lists
/// the first [`FIRST_TRANSITIONS`] and `truncated` says whether there were more; asked with
/// [`TransitionDetail::All`], `transitions` lists every one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advanced {
    /// The shop's new now.
    pub now: String,
    /// How many transitions fired.
    #[serde(default)]
    pub fired: usize,
    /// How many fired per cause (`auto_confirm`, `processing`, …).
    #[serde(default)]
    pub by_cause: BTreeMap<String, usize>,
    /// The transitions that came due, in time order: the first [`FIRST_TRANSITIONS`], or all
    /// when asked.
    pub transitions: Vec<FiredTransition>,
    /// True when `transitions` lists fewer than fired.
    #[serde(default)]
    pub truncated: bool,
}

/// What fired meanwhile, summarised: the `transitions` of a bulk placement's answer, and the
/// same four fields as in [`Advanced`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredSummary {
    /// How many transitions fired.
    pub fired: usize,
    /// How many fired per cause.
    pub by_cause: BTreeMap<String, usize>,
    /// The first [`FIRST_TRANSITIONS`] of them (or all when asked), in time order.
    pub transitions: Vec<FiredTransition>,
    /// True when `transitions` lists fewer than fired.
    pub truncated: bool,
}

/// `POST /__admin/shops/{shop_id}/orders/bulk`: many orders at once, each an
/// [`OrderDoc`](crate::OrderDoc) as for placing one (at most [`MAX_BULK_ORDERS`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkOrders {
    /// The orders, in the order they are placed; their `at` must not decrease.
    pub orders: Vec<crate::OrderDoc>,
}

/// Most orders one bulk call takes.
pub const MAX_BULK_ORDERS: usize = 10_000;

/// The answer to a bulk placement that placed every order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPlaced {
    /// How many orders were placed (all of them).
    pub placed: usize,
    /// The first order's number.
    pub first_order_number: String,
    /// The last order's number.
    pub last_order_number: String,
    /// The shop's now afterwards.
    pub now: String,
    /// What the clock fired on the way (the bulk's own placements are not repeated here).
    pub transitions: FiredSummary,
}

/// The 409 answer to a bulk placement the shop refused part-way: the orders before `index`
/// stay placed. It is an [`ErrorBody`] with two more fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRefused {
    /// How many orders were placed (the first ones).
    pub placed: usize,
    /// The refused order's position in `orders` (equal to `placed`).
    pub index: usize,
    /// Why.
    pub error: ErrorDetail,
}

/// A change the clock caused (auto-confirm, Rakuten processing, deadlines, licence expiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredTransition {
    /// When it fired (virtual time).
    pub at: String,
    /// None for shop-level events (licence expiry).
    pub order_number: Option<String>,
    /// The `orderProgress` before, if an order changed.
    pub from: Option<u16>,
    /// The `orderProgress` after, if an order changed.
    pub to: Option<u16>,
    /// Why, e.g. `auto_confirm`, `rakuten_processing`.
    pub cause: String,
}

/// `GET/PATCH /__admin/shops/{shop_id}/simulate`: the simulated buyers' plan (the keys of a
/// shop document's `[simulate]`) and what they have done. A PATCH is an RFC 7396 merge patch
/// over the plan (`{"enabled": false}`, `{"orders_per_hour": 30}`), checked as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationStatus {
    /// The plan; `enabled` is false for a shop that never had one.
    #[serde(flatten)]
    pub plan: SimulateDoc,
    /// Orders the simulated buyers placed so far (no buyer arrives after `max_orders`).
    pub placed: u32,
    /// Buyers who found nothing in stock and left.
    pub gave_up: u64,
    /// When the next buyer arrives (virtual time), if one is due.
    pub next_arrival: Option<String>,
}

/// `GET /__admin/shops/{shop_id}/journal` (and `GET /__admin/journal`, the server's journal of
/// requests that reached no shop): the bounded log of RMS requests, filtered by a
/// [`JournalQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Requests ever recorded (also those dropped from the log). It is also the `seq` of the
    /// newest entry: pass it as [`JournalQuery::since`] to ask for what is new.
    pub recorded: u64,
    /// How many entries the log keeps (`settings.journal_limit`).
    pub limit: usize,
    /// Entries dropped because the log was full (the oldest go first).
    #[serde(default)]
    pub evicted: u64,
    /// The kept entries that match the query, oldest first.
    pub entries: Vec<JournalEntry>,
}

/// One RMS request the shop (or the server) received, and what it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// 1-based over every request ever recorded, so a reader can tell what was dropped.
    pub seq: u64,
    /// The shop's virtual time when the request was answered (the server's journal, which
    /// has no shop, writes the host's time in JST).
    pub at: String,
    /// The host's time, UTC with milliseconds (`2026-11-29T07:12:03.456Z`): when it happened
    /// in the real world, whatever the shop's clock says.
    #[serde(default)]
    pub wall_time: String,
    /// HTTP method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The query string, without `?`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The RMS function called, e.g. `rpay.order.confirmOrder`.
    #[serde(default)]
    pub function: String,
    /// The HTTP status answered.
    pub status: u16,
    /// `messageCode`s of the order API, `errors[].code` of item/inventory, `Results.errorCode`.
    pub codes: Vec<String>,
    /// The `RequestId` header of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Why the gateway refused the credentials (`unknown service secret SP99…`); never the
    /// secret itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_problem: Option<String>,
    /// The request headers that matter (`authorization`, `content-type`, `content-length`,
    /// `user-agent`, …), names in lower case; `authorization` masked to `ESA ****` and its
    /// last four characters.
    #[serde(default)]
    pub request_headers: BTreeMap<String, String>,
    /// The request body; none when it was empty or never read (refused at the gateway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<JournalBody>,
    /// The response body; none when empty (204).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<JournalBody>,
    /// The fault that fired on this request, if one did (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultMark>,
    /// `"staff"` on a staff action (the RMS screens, not an RMS request); absent on an RMS
    /// request, whose entry keeps the shape it always had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// What the staff did: action, order number or SKU, what changed, outcome (with
    /// `actor`; its `function` reads `staff.<action>`, its `path` the control-plane path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffNote>,
}

impl JournalEntry {
    /// True for a staff action, false for an RMS request: readers that count RMS calls
    /// leave staff actions out.
    pub fn is_staff(&self) -> bool {
        self.actor.as_deref() == Some("staff")
    }
}

/// Which fault fired on a request: in its journal entry (`"fault": {"id": "f1", "kind":
/// "maintenance"}`) and its log line (`fault=f1:maintenance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultMark {
    /// The fault's id in the shop's plan.
    pub id: String,
    /// What it did.
    pub kind: FaultKind,
}

/// `GET /__admin/shops/{shop_id}/faults`: the shop's faults in the order they act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultList {
    /// The faults, each with how often it has fired.
    pub faults: Vec<FaultStatus>,
}

/// One fault of a shop: its spec (with its id) and how many requests it has fired on. On the
/// wire the spec's keys and `fired` sit side by side: `{"id": "f1", "kind": "maintenance",
/// "fired": 2}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultStatus {
    /// The fault as stored.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Requests it fired on so far.
    pub fired: u64,
}

impl<'de> Deserialize<'de> for FaultStatus {
    // By hand: a flattened spec would see `fired` as a key it does not know.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = serde_json::Map::deserialize(d)?;
        let fired = map.remove("fired").and_then(|v| v.as_u64()).ok_or_else(|| D::Error::missing_field("fired"))?;
        let spec = serde_json::from_value(serde_json::Value::Object(map)).map_err(D::Error::custom)?;
        Ok(FaultStatus { spec, fired })
    }
}

/// A request or response body as the journal keeps it: at most `journal_body_limit` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalBody {
    /// The body as text (invalid UTF-8 replaced). When cut, it ends with the marker
    /// `…[truncated: N bytes in all]`.
    pub text: String,
    /// The body's full size in bytes.
    pub bytes: usize,
    /// Whether `text` is only the beginning of the body.
    pub truncated: bool,
}

/// The query of `GET …/journal`: every field narrows the answer; none returns every kept
/// entry at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    /// A function id (`rpay.order.confirmOrder`, `itemapi_2.0.items.get`) or an order
    /// operation's name (`confirmOrder`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// `staff` (only the staff's actions) or `api` (only RMS requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// An HTTP status (`200`) or a class (`4xx`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Entries whose request or response body (as kept) mentions this order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// Only entries with a `seq` above this (a poller passes the last answer's `recorded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
    /// At most this many entries: the first ones after `since` when it is given (so a poller
    /// misses nothing), else the newest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Long-poll: when nothing matches yet, wait up to this many seconds (at most 30) for a
    /// matching entry; the answer comes as soon as one is recorded, or empty at the timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<f64>,
}

impl JournalQuery {
    /// Every kept entry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only calls of `function` (an id such as `rpay.order.confirmOrder`, or `confirmOrder`).
    pub fn function(mut self, function: impl Into<String>) -> Self {
        self.function = Some(function.into());
        self
    }

    /// Only staff actions (`"staff"`) or only RMS requests (`"api"`).
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Only answers with this status (`"200"`) or class (`"4xx"`).
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// Only entries whose bodies mention `order_number`.
    pub fn order_number(mut self, order_number: impl Into<String>) -> Self {
        self.order_number = Some(order_number.into());
        self
    }

    /// Only entries after `seq`.
    pub fn since(mut self, seq: u64) -> Self {
        self.since = Some(seq);
        self
    }

    /// At most `limit` entries.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Wait up to `seconds` (at most 30) for a matching entry.
    pub fn wait(mut self, seconds: f64) -> Self {
        self.wait = Some(seconds);
        self
    }
}

/// `GET /__admin/shops/{shop_id}/catalog?page=&per_page=`: items and stock as the buyer side
/// sees them, one page of items and one page of orphan stock records at a time (the same
/// page number and size for both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The page's items, in manage-number order.
    pub items: Vec<CatalogItem>,
    /// The page's stock records for SKUs no item has.
    pub orphan_stock: Vec<OrphanStock>,
    /// How many items the shop has.
    #[serde(default)]
    pub total_items: usize,
    /// How many orphan stock records it has.
    #[serde(default)]
    pub total_orphan_stock: usize,
    /// This page, from 1.
    #[serde(default)]
    pub page: usize,
    /// Items (and orphan records) per page.
    #[serde(default)]
    pub per_page: usize,
    /// Pages in all, for the longer of the two lists.
    #[serde(default)]
    pub total_pages: usize,
}

/// One item of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    /// The item's manage number (商品管理番号, lower case).
    pub manage_number: String,
    /// The item number (商品番号); the manage number when none is set.
    pub item_number: String,
    /// Rakuten's internal item id.
    pub item_id: u64,
    /// The item's title.
    pub title: String,
    /// `NORMAL`, `PRE_ORDER`, `BUYING_CLUB`.
    pub item_type: Option<String>,
    /// Hidden from the shop front.
    pub hide_item: bool,
    /// Its SKUs.
    pub variants: Vec<CatalogVariant>,
}

/// One SKU of a catalog item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogVariant {
    /// The SKU's variant id.
    pub variant_id: String,
    /// The merchant's own SKU id.
    pub merchant_defined_sku_id: Option<String>,
    /// `skuInfo` as getOrder shows it (`"サイズ:M\nカラー:ブラック"`).
    pub sku_info: Option<String>,
    /// The standard price (none for `BUYING_CLUB` items).
    pub price: Option<i64>,
    /// Hidden SKU.
    pub hidden: bool,
    /// Whether cancelling an order gives its stock back.
    pub restock_on_cancel: bool,
    /// Stock on hand; none without a stock record.
    pub quantity: Option<i64>,
}

/// A stock record for a SKU that no item has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrphanStock {
    /// The manage number the record names.
    pub manage_number: String,
    /// The variant id the record names.
    pub variant_id: String,
    /// Stock on hand.
    pub quantity: i64,
    /// When it was last written.
    pub updated: String,
}

/// `POST …/catalog/generate`: what was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// How many items.
    pub generated: usize,
    /// The first generated manage number.
    pub first: Option<String>,
    /// The last generated manage number.
    pub last: Option<String>,
}

/// Every control-plane error: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// `invalid_request`, `not_found`, `conflict`, `method_not_allowed`, `payload_too_large`,
    /// `reset_failed`; the guard's `unsupported_media_type` (415), `unauthorized` (401),
    /// `host_not_allowed` and `origin_not_allowed` (403).
    pub code: String,
    /// What was wrong, naming the key of a bad body (`request body: lines[0].units: …`).
    pub message: String,
}

/// Whether the buyer pays this settlement method before the order proceeds (bank transfer,
/// convenience-store prepayment, …), i.e. whether `…/payment` applies to it.
pub fn is_prepaid(settlement_method_code: i64) -> bool {
    crate::domain::order::SettlementMethod::from_code(settlement_method_code).is_some_and(|m| m.is_prepaid())
}

/// Checks a staff edit as `POST …/staff/orders/{order_number}/edit` does, before it is sent:
/// `Err("key: problem")` for a number out of range, an empty line, a bad zip code.
///
/// ```
/// use rms_mock::control::{check_staff_edit, StaffEditRequest};
/// assert!(check_staff_edit(&StaffEditRequest { postage_price: Some(800), ..Default::default() }).is_ok());
/// let e = check_staff_edit(&StaffEditRequest { postage_price: Some(-1), ..Default::default() }).unwrap_err();
/// assert!(e.starts_with("postage_price:"), "{e}");
/// ```
pub fn check_staff_edit(edit: &StaffEditRequest) -> Result<(), String> {
    staff_edit(edit).map(drop)
}

/// The most a price or postage may be (RMS's bound on prices).
const MAX_PRICE: i64 = 999_999_999;

/// The control plane's edit as the domain's, every number checked (`key: problem` on error).
pub(crate) fn staff_edit(req: &StaffEditRequest) -> Result<crate::domain::shop::StaffEdit, String> {
    let price = |key: &str, v: Option<i64>| match v {
        Some(p) if !(0..=MAX_PRICE).contains(&p) => Err(format!("{key}: {p} is not between 0 and {MAX_PRICE}")),
        _ => Ok(v),
    };
    if req.items.is_empty() && req.postage_price.is_none() && req.address.is_none() {
        return Err("give at least one of items, postage_price, address".into());
    }
    let mut items = Vec::with_capacity(req.items.len());
    for (i, l) in req.items.iter().enumerate() {
        if let Some(u) = l.units.filter(|u| !(1..=999).contains(u)) {
            return Err(format!("items[{i}].units: {u} is not between 1 and 999"));
        }
        if l.units.is_none() && l.price.is_none() {
            return Err(format!("items[{i}]: give units or price"));
        }
        items.push(crate::domain::shop::StaffLineEdit {
            manage_number: l.manage_number.clone(),
            variant_id: l.variant_id.clone(),
            units: l.units,
            price: price(&format!("items[{i}].price"), l.price)?,
        });
    }
    let address = match &req.address {
        None => None,
        Some(a) => {
            let zip: String = a.zip_code.chars().filter(|c| *c != '-').collect();
            if zip.len() != 7 || !zip.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("address.zip_code: '{}' is not 7 digits (1000001 or 100-0001)", a.zip_code));
            }
            for (key, v) in [("prefecture", &a.prefecture), ("city", &a.city), ("sub_address", &a.sub_address)] {
                if v.trim().is_empty() {
                    return Err(format!("address.{key}: empty"));
                }
            }
            if !crate::domain::buyer::is_prefecture(&a.prefecture) {
                return Err(format!("address.prefecture: '{}' is not one of the 47 prefectures", a.prefecture));
            }
            Some(crate::domain::shop::StaffAddress {
                zip_code: zip,
                prefecture: a.prefecture.clone(),
                city: a.city.clone(),
                sub_address: a.sub_address.clone(),
            })
        }
    };
    Ok(crate::domain::shop::StaffEdit { items, postage_price: price("postage_price", req.postage_price)?, address })
}
