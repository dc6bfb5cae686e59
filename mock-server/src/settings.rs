//! A shop's settings: the RMS toggles that break real integrations, and the fake's choices on
//! behaviours the spec marks unknown ([?]), each one configurable per shop.
//!
//! These are plain data with serde derives so the shop file (TOML), the control plane (JSON)
//! and `PATCH …/settings` share one definition; unknown keys are refused so a typo never
//! silently does nothing.
//!
//! This module sits beside `domain/` and `api/`, not inside either: the settings are read by
//! both. The domain reads the rule knobs (自動注文確認, delays, cancel flow, SKU migration); the
//! wire reads the knobs of its own answers (gateway statuses and codes, key case, datetime
//! format), which would be out of place among the rules of RMS.

use crate::domain::function::FunctionId;
use crate::domain::order::{OrderProgress, MAX_AMOUNT};
use crate::domain::tax::TaxRounding;
use crate::domain::time::MAX_SPAN_DAYS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The vendor app's approval of one API scope by the shop (RMS アプリ承認), for a tool that
/// connects as a vendor app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// 利用中: approved (what every API is unless the shop says otherwise).
    Approved,
    /// 承認待ち: the app was never approved; its calls answer like an API not applied for.
    Pending,
    /// 利用中「更新あり」: the app is in use, but this scope was added later and waits for the
    /// shop's approval; answered like an API not applied for until then.
    UpdatePending,
}

/// The RMS APIs a shop can apply for (利用申請).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// 楽天ペイ受注API
    Order,
    /// 商品API2.0
    Item,
    /// 在庫API2.0
    Inventory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// A sort direction.
pub enum SortDirection {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

/// How strictly request datetimes are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatetimeMode {
    /// Only `YYYY-MM-DDThh:mm:ss+0900`, as real RMS (order-api.md §7.1).
    Strict,
    /// Also `+09:00`.
    Lenient,
}

/// How request JSON keys are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyCase {
    /// Exact names; a key in another case is ignored as unknown (what a Jackson backend with
    /// default settings does: clients.md §2 item 13 is [?]).
    Exact,
    /// `paginationRequestModel` is read as `PaginationRequestModel`.
    Insensitive,
}

/// The HTTP status a shop chooses for a gateway answer the spec leaves open. The domain only
/// carries the user's choice; `api/` sends it. Written as a plain number in documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HttpStatus(pub u16);

impl HttpStatus {
    /// 400 Bad Request
    pub const BAD_REQUEST: HttpStatus = HttpStatus(400);
    /// 401 Unauthorized
    pub const UNAUTHORIZED: HttpStatus = HttpStatus(401);
    /// 429 Too Many Requests
    pub const TOO_MANY_REQUESTS: HttpStatus = HttpStatus(429);

    /// The number.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// What the RMS gateway answers in the cases the spec leaves open (auth-and-limits.md §5, §12).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewaySettings {
    /// HTTP status of ES01-01 (401 in most clients' fixtures; one client assumes 200).
    pub unauthorised_status: HttpStatus,
    /// Error code for an expired licence key: `ES01-01`, or `GA0001` as one 2026 source saw.
    pub expired_error_code: String,
    /// HTTP status of ES04-01 (function not enabled); unconfirmed, 400 matches its "Bad Request".
    pub function_disabled_status: HttpStatus,
    /// HTTP status when throttled (clients expect 429; no capture exists).
    pub rate_limited_status: HttpStatus,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        GatewaySettings {
            unauthorised_status: HttpStatus::UNAUTHORIZED,
            expired_error_code: "ES01-01".into(),
            function_disabled_status: HttpStatus::BAD_REQUEST,
            rate_limited_status: HttpStatus::TOO_MANY_REQUESTS,
        }
    }
}

/// Per (shop, function) token buckets. Off by default so tests are never throttled by surprise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitSettings {
    /// Whether requests are throttled at all.
    pub enabled: bool,
    /// `wall` (default) or `virtual`: the time line the buckets refill on.
    pub clock: LimitClock,
    /// Requests per second per function id (`rpay.order.searchOrder`, …), overriding the
    /// defaults from auth-and-limits.md §7 (1/s for every order operation).
    pub per_second: BTreeMap<FunctionId, f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
/// The time line rate-limit buckets refill on.
pub enum LimitClock {
    /// Real time.
    #[default]
    Wall,
    /// The shop's virtual clock.
    Virtual,
}

/// Delivery defaults and postage rules used when a buyer places an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShippingSettings {
    /// `DeliveryModel.deliveryName`
    pub delivery_name: String,
    /// `PackageModel.defaultDeliveryCompanyCode` (carrier code string, 1000–1031)
    pub default_delivery_company: String,
    /// Postage per basket in yen.
    pub postage_price: i64,
    /// Goods total from which postage is free (0 = never free).
    pub free_postage_threshold: i64,
    /// 代金引換 fee (`deliveryPrice`) in yen.
    pub cod_fee: i64,
    /// Postage is left to the shop (送料別・後日確定): orders below the free threshold carry
    /// `postagePrice` -9999 until updateOrderSender sets it, and confirmOrder refuses them
    /// (refused as an undetermined amount).
    pub postage_undetermined: bool,
}

impl Default for ShippingSettings {
    fn default() -> Self {
        ShippingSettings {
            delivery_name: "宅配便".into(),
            default_delivery_company: "1001".into(),
            postage_price: 550,
            free_postage_threshold: 3980,
            cod_fee: 330,
            postage_undetermined: false,
        }
    }
}

impl ShippingSettings {
    /// Problems a well-typed `[shipping]` table can still have, as (key, problem): every
    /// amount is yen within 0..=999,999,999 (the bound of RMS's prices), so that no order's
    /// sums can overflow.
    pub fn problems(&self) -> Vec<(String, String)> {
        [
            ("postage_price", self.postage_price),
            ("free_postage_threshold", self.free_postage_threshold),
            ("cod_fee", self.cod_fee),
        ]
        .into_iter()
        .filter(|(_, yen)| !(0..=MAX_AMOUNT).contains(yen))
        .map(|(key, yen)| (key.to_string(), format!("{yen} is not between 0 and {MAX_AMOUNT}")))
        .collect()
    }
}

/// A shop-defined sub-status (サブステータス), attached to one orderProgress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubStatusDef {
    /// `subStatusId`.
    pub id: i64,
    /// `subStatusName`.
    pub name: String,
    /// The orderProgress it belongs to (100-900).
    pub order_progress: u16,
}

/// The shop settings that break real integrations (`[settings]` of a shop document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShopSettings {
    /// RMS 自動注文確認. When on, new orders leave 100 after `auto_confirm_delay_minutes`.
    pub auto_confirm: bool,
    /// Minutes after ordering until automatic confirmation.
    pub auto_confirm_delay_minutes: u32,
    /// 楽天処理中 (200) → 発送待ち (300) for orders that need no payment from the buyer.
    pub processing_delay_minutes: u32,
    /// SKUプロジェクト 移行済.
    pub sku_migrated: bool,
    /// How a tax-exclusive item's `priceTaxIncl` is rounded to the yen (消費税計算方法:
    /// `floor` 切り捨て, `half_up` 四捨五入, `ceil` 切り上げ); not documented for the API.
    pub tax_rounding: TaxRounding,
    /// APIs the shop applied for; calls to others answer ES04-01.
    pub apis: Vec<Api>,
    /// The vendor app's approval per API (`{ item = "update_pending" }`); an API left out is
    /// approved. A scope not approved answers ES04-01, like an API not applied for.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub app_approval: BTreeMap<Api, Approval>,
    /// Function ids not ticked in 利用機能編集, e.g. `rpay.order.confirmOrder` (ES04-01).
    /// Checked when read: an id that does not exist is refused with the nearest one.
    pub disabled_functions: Vec<FunctionId>,
    /// Days an order may stay in 100 before RMS cancels it.
    pub unconfirmed_cancel_days: u32,
    /// Days after ordering until a prepaid order's payment deadline (DueDateModel type 0).
    pub prepayment_due_days: u32,
    /// Minutes after ordering in which the buyer may cancel alone.
    pub buyer_cancel_minutes: u32,
    /// How strictly request datetimes are read.
    pub datetime_mode: DatetimeMode,
    /// How strictly request keys' case is read.
    pub key_case: KeyCase,
    /// Refuse an order-API Content-Type without `charset` (one observation of 415; [?]).
    pub require_charset: bool,
    /// searchOrder order when `SortModelList` is left out ([?] in the spec).
    pub search_default_sort: SortDirection,
    /// How many RMS requests the journal keeps.
    pub journal_limit: usize,
    /// How many bytes of each request and response body a journal entry keeps (the rest is
    /// cut, with a marker); 0 keeps none.
    pub journal_body_limit: usize,
    /// How the gateway answers refusals.
    pub gateway: GatewaySettings,
    /// Request throttling.
    pub rate_limit: RateLimitSettings,
    /// items.search with a parameter it does not know (rms-mcp sends `searchType=1`): the
    /// real API lists IE1005 for it, but whether it fires is [?].
    pub item_search_unknown_params: UnknownParams,
    /// RMS read-only mode (maintenance): Item/Inventory writes answer GE0017.
    pub read_only: bool,
    /// Mandatory product attributes per genre (IE0418): genreId → attribute names every SKU
    /// must carry. Over the built-in genres (553575); a genre listed here replaces its
    /// built-in list, and `[]` switches its check off.
    pub item_mandatory_attributes: BTreeMap<String, Vec<String>>,
    /// Seconds on the shop's clock before items.get / items.bulk.get see an Item API write
    /// (live RMS: about 2; a new item 404s until then). 0 = at once.
    pub item_get_lag_seconds: u32,
    /// Seconds before items.search sees an Item API write (live RMS: up to 86400). 0 = at once.
    pub item_search_lag_seconds: u32,
    /// The text of the 404 of items.get / items.delete.
    pub item_not_found_wording: NotFoundWording,
    /// The shop's 出荷元 ids (Inventory 2.1 `shipFromIds`); others → IE0118.
    pub ship_from_ids: Vec<i64>,
    /// The shop's delivery-time ids (Inventory 2.1 `operationLeadTime`); others → IE0118.
    pub delivery_time_ids: Vec<i64>,
    /// What cancelOrder leads to ([?] in the spec): 800 then 900 after
    /// `cancel_confirm_minutes`, or 900 at once.
    pub cancel_flow: CancelFlow,
    /// キャンセル確定待ち (800) → キャンセル確定 (900) with [`CancelFlow::Via800`].
    pub cancel_confirm_minutes: u32,
    /// 変更確定待ち (400) → back after a confirmed order's amount changed.
    pub change_confirm_minutes: u32,
    /// 発送済 (500) → 支払手続き中 (600).
    pub payment_processing_minutes: u32,
    /// 支払手続き中 (600) → 支払手続き済 (700); sets 決済確定日.
    pub payment_settle_minutes: u32,
    /// updateOrderShippingAsync: when the result becomes available.
    pub async_shipping_delay_minutes: u32,
    /// After a card review NG, days the buyer has to change the payment (DueDateModel type 1).
    pub review_ng_due_days: u32,
    /// Which day getOrder's `cancelDueDate` shows in each status.
    pub cancel_due_date: CancelDueDates,
    /// Digits of the serial at the end of new order numbers: 10 (today's format,
    /// `123456-20230417-0207814266`) or 8 (orders of 2017–2018, `502763-20171027-00006701`).
    /// Every parser of the fake takes both.
    #[serde(skip_serializing_if = "is_ten")]
    pub order_number_tail: u8,
}

fn is_ten(n: &u8) -> bool {
    *n == 10
}

/// How getOrder's `cancelDueDate` (キャンセル期限日) is found for an order in one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelDueRule {
    /// The day RMS cancels the order if it stays unconfirmed (order time +
    /// `unconfirmed_cancel_days`, as it was when the order was placed).
    AutoCancelDay,
    /// The order date one year later (29 February → 28 February, as Java's `plusYears`).
    OneYear,
    /// `null`.
    #[serde(rename = "none")]
    NoDate,
}

/// `cancelDueDate` per `orderProgress`, written `{ "200" = "one_year" }`; a status left out
/// keeps its default. Real samples (order-api.md §0) fix three points: 100 → the auto-cancel
/// day (order 2024-06-24 → `2024-07-08`), 300 → order date + 1 year, 500 → `null`. The other
/// defaults are the fake's (inferred): a confirmed order not shipped yet (200, 400) as 300; one
/// shipped (600, 700) as 500; one cancelled or being cancelled (800, 900) has nothing left to
/// cancel, `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CancelDueDates {
    /// 100 注文確認待ち (known: the auto-cancel day).
    #[serde(rename = "100")]
    pub waiting_for_confirmation: CancelDueRule,
    /// 200 楽天処理中 (inferred: one year).
    #[serde(rename = "200")]
    pub rakuten_processing: CancelDueRule,
    /// 300 発送待ち (known: one year).
    #[serde(rename = "300")]
    pub waiting_for_shipment: CancelDueRule,
    /// 400 変更確定待ち (inferred: one year).
    #[serde(rename = "400")]
    pub waiting_for_change_confirmation: CancelDueRule,
    /// 500 発送済 (known: none).
    #[serde(rename = "500")]
    pub shipped: CancelDueRule,
    /// 600 支払手続き中 (inferred: none).
    #[serde(rename = "600")]
    pub payment_processing: CancelDueRule,
    /// 700 支払手続き済 (inferred: none).
    #[serde(rename = "700")]
    pub payment_processed: CancelDueRule,
    /// 800 キャンセル確定待ち (inferred: none).
    #[serde(rename = "800")]
    pub waiting_for_cancellation: CancelDueRule,
    /// 900 キャンセル確定 (inferred: none).
    #[serde(rename = "900")]
    pub cancelled: CancelDueRule,
}

impl Default for CancelDueDates {
    fn default() -> Self {
        use CancelDueRule::*;
        CancelDueDates {
            waiting_for_confirmation: AutoCancelDay,
            rakuten_processing: OneYear,
            waiting_for_shipment: OneYear,
            waiting_for_change_confirmation: OneYear,
            shipped: NoDate,
            payment_processing: NoDate,
            payment_processed: NoDate,
            waiting_for_cancellation: NoDate,
            cancelled: NoDate,
        }
    }
}

impl CancelDueDates {
    /// The rule for an order in `progress`.
    pub fn rule(&self, progress: OrderProgress) -> CancelDueRule {
        match progress {
            OrderProgress::WaitingForConfirmation => self.waiting_for_confirmation,
            OrderProgress::RakutenProcessing => self.rakuten_processing,
            OrderProgress::WaitingForShipment => self.waiting_for_shipment,
            OrderProgress::WaitingForChangeConfirmation => self.waiting_for_change_confirmation,
            OrderProgress::Shipped => self.shipped,
            OrderProgress::PaymentProcessing => self.payment_processing,
            OrderProgress::PaymentProcessed => self.payment_processed,
            OrderProgress::WaitingForCancellation => self.waiting_for_cancellation,
            OrderProgress::Cancelled => self.cancelled,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// What cancelOrder leads to.
pub enum CancelFlow {
    /// 800 キャンセル確定待ち, then 900 after `cancel_confirm_minutes`.
    Via800,
    /// 900 キャンセル確定 at once.
    Immediate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// What items.search does with a parameter it does not know.
pub enum UnknownParams {
    /// Ignore it.
    Ignore,
    /// Answer IE1005.
    Reject,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
/// The 404 text of items.get / items.delete (sources differ, item-api.md §0).
pub enum NotFoundWording {
    /// `Not found for inputs; manageNumber=…`, as live runs in 2026 saw.
    Live,
    /// `No item found for inputs; manageNumber=…`, as the official items.get page shows.
    Official,
}

/// The most entries a shop's journal may keep (`journal_limit`): a million, what the
/// conformance runner asks for to read every call of a run back. Besides, a journal keeps at
/// most [`crate::journal::MAX_JOURNAL_BYTES`] of entries, whatever the limit.
pub const MAX_JOURNAL_LIMIT: usize = 1_000_000;

/// The longest delay a `*_minutes` setting may ask for: ten years, as the longest clock
/// advance ([`MAX_SPAN_DAYS`]), so that nothing is scheduled past the dates the fake writes.
pub const MAX_DELAY_MINUTES: i64 = MAX_SPAN_DAYS * 24 * 60;

/// Whether an answer with this status carries a body a client can read as the gateway's
/// error: 200-299 but 204 and 205, and 400-599 (not 1xx, and not 3xx: 304 has no body, the
/// others redirect).
fn status_carries_a_body(status: u16) -> bool {
    matches!(status, 200..=203 | 206..=299 | 400..=599)
}

/// The longest read-after-write lag a shop may set: a week (writes are remembered that long).
pub const MAX_ITEM_LAG_SECONDS: u32 = 7 * 24 * 3600;

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            auto_confirm: false,
            auto_confirm_delay_minutes: 0,
            processing_delay_minutes: 30,
            sku_migrated: true,
            tax_rounding: TaxRounding::Floor,
            apis: vec![Api::Order, Api::Item, Api::Inventory],
            app_approval: BTreeMap::new(),
            disabled_functions: vec![],
            unconfirmed_cancel_days: 14,
            prepayment_due_days: 7,
            buyer_cancel_minutes: 30,
            datetime_mode: DatetimeMode::Strict,
            key_case: KeyCase::Exact,
            require_charset: false,
            search_default_sort: SortDirection::Asc,
            journal_limit: 1000,
            journal_body_limit: 16 * 1024,
            gateway: GatewaySettings::default(),
            rate_limit: RateLimitSettings::default(),
            item_search_unknown_params: UnknownParams::Ignore,
            read_only: false,
            item_mandatory_attributes: BTreeMap::new(),
            item_get_lag_seconds: 0,
            item_search_lag_seconds: 0,
            item_not_found_wording: NotFoundWording::Live,
            ship_from_ids: vec![1, 2, 3],
            delivery_time_ids: vec![1, 2, 3, 4, 5],
            cancel_flow: CancelFlow::Via800,
            cancel_confirm_minutes: 60,
            change_confirm_minutes: 60,
            payment_processing_minutes: 24 * 60,
            payment_settle_minutes: 24 * 60,
            async_shipping_delay_minutes: 1,
            review_ng_due_days: 3,
            cancel_due_date: CancelDueDates::default(),
            order_number_tail: 10,
        }
    }
}

impl ShopSettings {
    /// Problems a well-typed document can still have, as (key, problem).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, status) in [
            ("gateway.unauthorised_status", self.gateway.unauthorised_status),
            ("gateway.function_disabled_status", self.gateway.function_disabled_status),
            ("gateway.rate_limited_status", self.gateway.rate_limited_status),
        ] {
            let status = status.get();
            if !(200..=599).contains(&status) {
                out.push((key.into(), format!("{status} is not an HTTP status (200-599)")));
            } else if !status_carries_a_body(status) {
                // 204/205/304 answers have no body, so the gateway's error body (the only
                // thing that says why) would be lost; other 3xx send clients after a
                // `Location` the gateway has not got.
                out.push((
                    key.into(),
                    format!("{status} cannot carry the gateway's error body: use 200-203, 206-299 or 400-599"),
                ));
            }
        }
        for (f, rps) in &self.rate_limit.per_second {
            if !(rps.is_finite() && *rps > 0.0) {
                out.push((format!("rate_limit.per_second.{f}"), "must be a positive number".into()));
            }
        }
        if self.unconfirmed_cancel_days == 0 {
            out.push(("unconfirmed_cancel_days".into(), "must be at least 1".into()));
        }
        for (key, days) in [
            ("unconfirmed_cancel_days", self.unconfirmed_cancel_days),
            ("prepayment_due_days", self.prepayment_due_days),
            ("review_ng_due_days", self.review_ng_due_days),
        ] {
            if i64::from(days) > MAX_SPAN_DAYS {
                out.push((key.into(), format!("{days} is more than {MAX_SPAN_DAYS} (ten years)")));
            }
        }
        for (key, minutes) in [
            ("auto_confirm_delay_minutes", self.auto_confirm_delay_minutes),
            ("processing_delay_minutes", self.processing_delay_minutes),
            ("buyer_cancel_minutes", self.buyer_cancel_minutes),
            ("cancel_confirm_minutes", self.cancel_confirm_minutes),
            ("change_confirm_minutes", self.change_confirm_minutes),
            ("payment_processing_minutes", self.payment_processing_minutes),
            ("payment_settle_minutes", self.payment_settle_minutes),
            ("async_shipping_delay_minutes", self.async_shipping_delay_minutes),
        ] {
            if i64::from(minutes) > MAX_DELAY_MINUTES {
                out.push((key.into(), format!("{minutes} is more than {MAX_DELAY_MINUTES} (ten years)")));
            }
        }
        if !matches!(self.order_number_tail, 8 | 10) {
            out.push(("order_number_tail".into(), format!("{} is not 8 or 10", self.order_number_tail)));
        }
        if self.journal_limit == 0 {
            out.push(("journal_limit".into(), "must be at least 1".into()));
        } else if self.journal_limit > MAX_JOURNAL_LIMIT {
            out.push(("journal_limit".into(), format!("must be at most {MAX_JOURNAL_LIMIT}")));
        }
        if self.journal_body_limit > 1024 * 1024 {
            out.push(("journal_body_limit".into(), "must be at most 1048576 (bodies are at most 1 MiB)".into()));
        }
        for (key, lag) in [
            ("item_get_lag_seconds", self.item_get_lag_seconds),
            ("item_search_lag_seconds", self.item_search_lag_seconds),
        ] {
            if lag > MAX_ITEM_LAG_SECONDS {
                out.push((key.into(), format!("must be at most {MAX_ITEM_LAG_SECONDS} (a week)")));
            }
        }
        for (genre, names) in &self.item_mandatory_attributes {
            let key = format!("item_mandatory_attributes.{genre}");
            let six_digits = genre.len() == 6 && genre.bytes().all(|b| b.is_ascii_digit()) && !genre.starts_with('0');
            if !six_digits {
                out.push((key.clone(), format!("'{genre}' is not a genreId (6 digits, 100000-999999)")));
            }
            for (i, name) in names.iter().enumerate() {
                if name.trim().is_empty() {
                    out.push((format!("{key}[{i}]"), "an attribute name must not be blank".into()));
                } else if names[..i].contains(name) {
                    out.push((format!("{key}[{i}]"), format!("'{name}' is listed twice")));
                }
            }
        }
        out
    }

    /// Whether the shop applied for `api`.
    pub fn api_enabled(&self, api: Api) -> bool {
        self.apis.contains(&api) && (self.app_approval.is_empty() || self.approved(api))
    }

    /// Whether the vendor app's scope for `api` is approved by the shop.
    pub fn approved(&self, api: Api) -> bool {
        self.app_approval.get(&api).is_none_or(|a| *a == Approval::Approved)
    }

    /// True when the shop unticked `function` in 利用機能編集.
    pub fn function_disabled(&self, function: FunctionId) -> bool {
        self.disabled_functions.contains(&function)
    }

    /// Requests per second allowed for a function id.
    pub fn rate_for(&self, function: FunctionId) -> f64 {
        if let Some(r) = self.rate_limit.per_second.get(&function) {
            return *r;
        }
        // auth-and-limits.md §7 (secondary sources); the order API guideline is 1/s.
        match function {
            FunctionId::ITEMS_GET | FunctionId::ITEMS_DELETE | FunctionId::ITEMS_SEARCH => 5.0,
            FunctionId::ITEMS_UPSERT | FunctionId::ITEMS_PATCH => 20.0,
            FunctionId::INVENTORY_BULK_GET | FunctionId::INVENTORY_BULK_GET_RANGE => 5.0,
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::function::OrderOperation;

    #[test]
    fn function_ids_are_read_from_their_strings() {
        let s: ShopSettings = toml::from_str(
            "disabled_functions = [\"rpay.order.confirmOrder\", \"itemapi_2.0.items.get\"]\n[rate_limit.per_second]\n\"rpay.order.searchOrder\" = 0.5",
        )
        .unwrap();
        assert_eq!(s.disabled_functions, vec![OrderOperation::ConfirmOrder.function_id(), FunctionId::ITEMS_GET]);
        assert_eq!(s.rate_for(OrderOperation::SearchOrder.function_id()), 0.5);
        assert_eq!(s.rate_for(OrderOperation::GetOrder.function_id()), 1.0);
        assert_eq!(s.rate_for(FunctionId::ITEMS_UPSERT), 20.0);
        assert!(s.function_disabled(OrderOperation::ConfirmOrder.function_id()));
        assert!(!s.function_disabled(OrderOperation::GetOrder.function_id()));
    }

    #[test]
    fn item_settings_are_read_from_a_shop_file_and_checked() {
        let s: ShopSettings = toml::from_str(
            "item_get_lag_seconds = 2\nitem_not_found_wording = \"official\"\n[item_mandatory_attributes]\n\"100000\" = [\"ブランド名\"]",
        )
        .unwrap();
        assert_eq!((s.item_get_lag_seconds, s.item_search_lag_seconds), (2, 0));
        assert_eq!(s.item_not_found_wording, NotFoundWording::Official);
        assert_eq!(s.item_mandatory_attributes["100000"], ["ブランド名"]);
        assert!(s.problems().is_empty());
        assert_eq!(ShopSettings::default().item_not_found_wording, NotFoundWording::Live);

        let bad: ShopSettings = toml::from_str(
            "item_search_lag_seconds = 604801\n[item_mandatory_attributes]\n\"055357\" = [\"a\"]\n\"553575\" = [\"a\", \"\", \"a\"]",
        )
        .unwrap();
        let keys: Vec<String> = bad.problems().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "item_search_lag_seconds",
                "item_mandatory_attributes.055357",
                "item_mandatory_attributes.553575[1]",
                "item_mandatory_attributes.553575[2]",
            ]
        );
        assert!(toml::from_str::<ShopSettings>("item_not_found_wording = \"legacy\"").is_err());
    }

    #[test]
    fn cancel_due_date_rules_are_given_per_status_and_the_rest_keep_their_defaults() {
        let s: ShopSettings = toml::from_str("cancel_due_date = { 200 = \"none\", 900 = \"one_year\" }").unwrap();
        assert_eq!(s.cancel_due_date.rule(OrderProgress::RakutenProcessing), CancelDueRule::NoDate);
        assert_eq!(s.cancel_due_date.rule(OrderProgress::Cancelled), CancelDueRule::OneYear);
        assert_eq!(s.cancel_due_date.rule(OrderProgress::WaitingForConfirmation), CancelDueRule::AutoCancelDay);
        assert_eq!(s.cancel_due_date.rule(OrderProgress::WaitingForShipment), CancelDueRule::OneYear);
        assert_eq!(s.cancel_due_date.rule(OrderProgress::Shipped), CancelDueRule::NoDate);
        assert!(toml::from_str::<ShopSettings>("cancel_due_date = { 250 = \"none\" }").is_err(), "no status 250");
        assert!(toml::from_str::<ShopSettings>("cancel_due_date = { 100 = \"never\" }").is_err(), "no rule never");
    }

    #[test]
    fn a_misspelt_function_id_is_refused_with_the_nearest_one() {
        let e = toml::from_str::<ShopSettings>(r#"disabled_functions = ["rpay.order.serchOrder"]"#).unwrap_err();
        assert!(e.to_string().contains("did you mean rpay.order.searchOrder?"), "{e}");
        let e = toml::from_str::<ShopSettings>("[rate_limit.per_second]\n\"rpay.order.getOrdr\" = 1.0").unwrap_err();
        assert!(e.to_string().contains("did you mean rpay.order.getOrder?"), "{e}");
    }
}
