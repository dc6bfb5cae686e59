//! [`MockShop`]: one shop of a running fake, with its credentials and the control-plane
//! actions a test plays (the buyer, Rakuten, time passing). Every method is one
//! `/__admin/shops/{shop_id}/…` request answered by a [`crate::control`] type.

use super::client::Body;
use super::{ControlClient, Error};
use crate::control::{
    AdvanceRequest, Advanced, ApproveRequest, BulkPlaced, Catalog, ClockNow, ClockPatch, FaultList, FaultStatus,
    Generated, Journal, JournalEntry, JournalQuery, LicenseKeys, LicenseRenew, LicenseRenewal, OrderBrief,
    OrderHistory, OrderList, PageQuery, ReviewRequest, ShopCredentials, ShopDetail, SimulationStatus, StaffCancel,
    StaffEditRequest, StaffStock, StaffStockSet, StaffSubStatus, TransitionDetail, MAX_PER_PAGE,
};
use crate::settings::ShopSettings;
use crate::setup::{FaultSpec, GenerateDoc, OrderDoc};
use reqwest::Method;

/// A shop on a running fake. Cheap to clone; it holds the credentials as created (or as last
/// renewed through [`MockShop::renew_license`]).
#[derive(Clone, Debug)]
pub struct MockShop {
    control: ControlClient,
    credentials: ShopCredentials,
}

impl MockShop {
    pub(super) fn new(control: ControlClient, credentials: ShopCredentials) -> Self {
        MockShop { control, credentials }
    }

    /// The `Authorization` header value of RMS requests: `ESA base64(serviceSecret:licenseKey)`.
    pub fn authorization(&self) -> &str {
        &self.credentials.authorization
    }

    /// The six-digit shop id.
    pub fn shop_id(&self) -> &str {
        &self.credentials.shop_id
    }

    /// The service secret.
    pub fn service_secret(&self) -> &str {
        &self.credentials.service_secret
    }

    /// The licence key.
    pub fn license_key(&self) -> &str {
        &self.credentials.license_key
    }

    /// Everything the control plane answered when the shop was created.
    pub fn credentials(&self) -> &ShopCredentials {
        &self.credentials
    }

    /// The control plane of the shop's server.
    pub fn control(&self) -> &ControlClient {
        &self.control
    }

    fn path(&self, rest: &str) -> String {
        format!("/__admin/shops/{}{rest}", self.credentials.shop_id)
    }

    fn order_path(&self, number: &str, rest: &str) -> String {
        self.path(&format!("/orders/{number}{rest}"))
    }

    /// Everything about the shop: settings, counts by status, catalog.
    pub async fn detail(&self) -> Result<ShopDetail, Error> {
        self.control.call(Method::GET, &self.path(""), Body::None).await
    }

    /// Deletes the shop; its credentials stop working at once.
    pub async fn delete(&self) -> Result<(), Error> {
        self.control.delete_shop(self.shop_id()).await
    }

    /// The shop settings.
    pub async fn settings(&self) -> Result<ShopSettings, Error> {
        self.control.call(Method::GET, &self.path("/settings"), Body::None).await
    }

    /// Applies an RFC 7396 merge patch to the settings (`null` sets a key back to its
    /// default) and returns them as they are now; a patch whose result is invalid changes
    /// nothing.
    pub async fn patch_settings(&self, patch: &serde_json::Value) -> Result<ShopSettings, Error> {
        self.control.call(Method::PATCH, &self.path("/settings"), Body::json(patch)?).await
    }

    /// Issues a new licence key (the 90-day renewal); this handle uses it from now on.
    pub async fn renew_license(&mut self, renewal: &LicenseRenewal) -> Result<&ShopCredentials, Error> {
        self.credentials = self.control.call(Method::POST, &self.path("/license"), Body::json(renewal)?).await?;
        Ok(&self.credentials)
    }

    /// A buyer places an order (stock is reserved, the order number issued). An order `at` a
    /// later time moves the clock there first.
    pub async fn place_order(&self, order: &OrderDoc) -> Result<OrderBrief, Error> {
        self.control.call(Method::POST, &self.path("/orders"), Body::json(order)?).await
    }

    /// Buyers place many orders at once (`POST …/orders/bulk` with a
    /// [`BulkOrders`](crate::control::BulkOrders) body, at most
    /// [`MAX_BULK_ORDERS`](crate::control::MAX_BULK_ORDERS) per call), in turn, the clock moving
    /// to each one's `at` (which must not decrease) and firing what falls due; the answer
    /// counts what the clock fired. A document with a problem places nothing; a refusal of the
    /// shop part-way (stock) is an [`Error::Control`] 409 and the orders before it stay placed.
    ///
    /// ```
    /// use rms_mock::{ItemDoc, OrderDoc, RmsMock, ShopDocument};
    ///
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), rms_mock::Error> {
    /// let mock = RmsMock::start().await;
    /// let shop = mock.shop(ShopDocument::new("123456").item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 500))).await?;
    /// let hour = |h: u32| format!("2026-11-28T{h:02}:00:00+0900");
    /// let orders: Vec<OrderDoc> = (9..21).map(|h| OrderDoc::new().line("tshirt", "m", 1).at(hour(h))).collect();
    /// let placed = shop.place_orders(&orders).await?;
    /// assert_eq!((placed.placed, placed.now.as_str()), (12, "2026-11-28T20:00:00+0900"));
    /// assert_eq!(shop.orders().await?.len(), 12);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn place_orders(&self, orders: &[OrderDoc]) -> Result<BulkPlaced, Error> {
        /// [`BulkOrders`], borrowing the documents.
        #[derive(serde::Serialize)]
        struct Bulk<'a> {
            orders: &'a [OrderDoc],
        }
        let body = Body::json(&Bulk { orders })?;
        self.control.call(Method::POST, &self.path("/orders/bulk"), body).await
    }

    /// Every order of the shop, read page by page ([`MockShop::orders_page`] of the largest
    /// size) in the order they were placed.
    pub async fn orders(&self) -> Result<Vec<OrderBrief>, Error> {
        let mut all = Vec::new();
        for page in 1.. {
            let list = self.orders_page(&PageQuery::new(page, MAX_PER_PAGE)).await?;
            all.extend(list.orders);
            if page >= list.total_pages {
                break;
            }
        }
        Ok(all)
    }

    /// One page of the shop's orders (`GET …/orders?page=&per_page=`).
    pub async fn orders_page(&self, page: &PageQuery) -> Result<OrderList, Error> {
        self.control.call(Method::GET, &self.path(&format!("/orders?{}", page.to_query())), Body::None).await
    }

    /// One order.
    pub async fn order(&self, number: &str) -> Result<OrderBrief, Error> {
        self.control.call(Method::GET, &self.order_path(number, ""), Body::None).await
    }

    /// The buyer pays a prepaid order (or changes the payment after a failed card review).
    pub async fn pay(&self, number: &str) -> Result<OrderBrief, Error> {
        self.control.call(Method::POST, &self.order_path(number, "/payment"), Body::None).await
    }

    /// The buyer cancels the order.
    pub async fn cancel(&self, number: &str) -> Result<OrderBrief, Error> {
        self.control.call(Method::POST, &self.order_path(number, "/cancel"), Body::None).await
    }

    /// Rakuten's review of a card order fails (審査NG).
    pub async fn review_ng(&self, number: &str) -> Result<OrderBrief, Error> {
        let body = Body::json(&ReviewRequest::ng())?;
        self.control.call(Method::POST, &self.order_path(number, "/review"), body).await
    }

    /// The recipient of a social gift enters the address (fields left out are generated).
    pub async fn enter_gift_address(
        &self,
        number: &str,
        address: &crate::control::GiftAddressRequest,
    ) -> Result<OrderBrief, Error> {
        let body = Body::json(address)?;
        self.control.call(Method::POST, &self.order_path(number, "/gift-address"), body).await
    }

    /// The shop sets the postage of an order placed with 送料未確定 (every basket when
    /// `basket_id` is None).
    pub async fn set_postage(&self, number: &str, postage: i64, basket_id: Option<u64>) -> Result<OrderBrief, Error> {
        let body = Body::json(&crate::control::PostageRequest { postage, basket_id })?;
        self.control.call(Method::POST, &self.order_path(number, "/postage"), body).await
    }

    /// The shop issues a new licence key in RMS that works after a delay (default 15 minutes
    /// of the shop's clock); the old key keeps working until its own expiry. The handle's
    /// credentials stay the old ones (send the new key with [`crate::esa_header`]).
    pub async fn renew_license_later(&self, renewal: &LicenseRenew) -> Result<LicenseKeys, Error> {
        self.control.call(Method::POST, &self.path("/license/renew"), Body::json(renewal)?).await
    }

    /// The shop approves the vendor app's pending API scopes (`apis` None: all); answers the
    /// settings.
    pub async fn approve(&self, request: &ApproveRequest) -> Result<ShopSettings, Error> {
        self.control.call(Method::POST, &self.path("/approve"), Body::json(request)?).await
    }

    fn staff_path(&self, number: &str, action: &str) -> String {
        self.path(&format!("/staff/orders/{number}/{action}"))
    }

    /// The shop's staff confirm the order in RMS (100 → 200, cause `staff_confirm`).
    pub async fn staff_confirm(&self, number: &str) -> Result<OrderBrief, Error> {
        self.control.call(Method::POST, &self.staff_path(number, "confirm"), Body::None).await
    }

    /// The shop's staff cancel the order in RMS (→ 900, cause `staff_cancel`); `restock`
    /// None follows each item's restock rule.
    pub async fn staff_cancel(&self, number: &str, restock: Option<bool>) -> Result<OrderBrief, Error> {
        let body = Body::json(&StaffCancel { restock })?;
        self.control.call(Method::POST, &self.staff_path(number, "cancel"), body).await
    }

    /// The shop's staff set (or clear, with None) the order's sub-status in RMS.
    pub async fn staff_sub_status(&self, number: &str, sub_status_id: Option<i64>) -> Result<OrderBrief, Error> {
        let body = Body::json(&StaffSubStatus { sub_status_id })?;
        self.control.call(Method::POST, &self.staff_path(number, "sub-status"), body).await
    }

    /// The shop's staff edit the order in RMS (items, postage, address; cause `staff_edit`
    /// when the status moves: a confirmed order whose amount changes goes to 400).
    pub async fn staff_edit(&self, number: &str, edit: &StaffEditRequest) -> Result<OrderBrief, Error> {
        self.control.call(Method::POST, &self.staff_path(number, "edit"), Body::json(edit)?).await
    }

    /// The shop's staff change a SKU's stock by hand in RMS.
    pub async fn staff_stock(&self, stock: &StaffStock) -> Result<StaffStockSet, Error> {
        self.control.call(Method::POST, &self.path("/staff/stock"), Body::json(stock)?).await
    }

    /// Every status change of one order, with its cause.
    pub async fn history(&self, number: &str) -> Result<OrderHistory, Error> {
        self.control.call(Method::GET, &self.order_path(number, "/history"), Body::None).await
    }

    /// The shop's virtual now (`2026-11-28T09:00:00+0900`).
    pub async fn now(&self) -> Result<String, Error> {
        let clock: ClockNow = self.control.call(Method::GET, &self.path("/clock"), Body::None).await?;
        Ok(clock.now)
    }

    /// The shop's clock: now, mode and speed.
    pub async fn clock(&self) -> Result<ClockNow, Error> {
        self.control.call(Method::GET, &self.path("/clock"), Body::None).await
    }

    /// Switches the clock between manual and wall mode and/or changes its speed
    /// (`&ClockPatch::wall(60.0)`); returns the clock as it is now.
    pub async fn set_clock(&self, patch: &ClockPatch) -> Result<ClockNow, Error> {
        self.control.call(Method::PATCH, &self.path("/clock"), Body::json(patch)?).await
    }

    /// Moves the clock as `request` says, firing every transition that comes due. The answer
    /// lists every transition unless the request asks for the summary only
    /// ([`AdvanceRequest::with_transitions`]).
    pub async fn advance(&self, request: &AdvanceRequest) -> Result<Advanced, Error> {
        let mut request = request.clone();
        request.transitions.get_or_insert(TransitionDetail::All);
        self.control.call(Method::POST, &self.path("/clock/advance"), Body::json(&request)?).await
    }

    /// Lets `seconds` of virtual time pass.
    pub async fn advance_seconds(&self, seconds: i64) -> Result<Advanced, Error> {
        self.advance(&AdvanceRequest::seconds(seconds)).await
    }

    /// Lets `minutes` of virtual time pass.
    pub async fn advance_minutes(&self, minutes: i64) -> Result<Advanced, Error> {
        self.advance(&AdvanceRequest::minutes(minutes)).await
    }

    /// Lets `hours` of virtual time pass.
    pub async fn advance_hours(&self, hours: i64) -> Result<Advanced, Error> {
        self.advance_minutes(hours.saturating_mul(60)).await
    }

    /// Lets `days` of virtual time pass.
    pub async fn advance_days(&self, days: i64) -> Result<Advanced, Error> {
        self.advance_minutes(days.saturating_mul(24 * 60)).await
    }

    /// Moves the clock to `to` (an RMS datetime, never before now).
    pub async fn advance_to(&self, to: &str) -> Result<Advanced, Error> {
        self.advance(&AdvanceRequest::to(to)).await
    }

    /// The journal of RMS requests the shop received.
    pub async fn journal(&self) -> Result<Journal, Error> {
        self.control.call(Method::GET, &self.path("/journal"), Body::None).await
    }

    /// The journal entries `query` selects (see [`JournalQuery`]; its `wait` makes this a
    /// long-poll of at most 30 s).
    pub async fn query_journal(&self, query: &JournalQuery) -> Result<Journal, Error> {
        let path = format!("{}{}", self.path("/journal"), super::client::query_string(query));
        self.control.call(Method::GET, &path, Body::None).await
    }

    /// Waits until the journal holds an entry `query` selects and returns the first one, or
    /// `None` after `timeout`: a test of an integration that runs on its own waits for "it
    /// called confirmOrder" this way instead of sleeping. Entries already recorded count; pass
    /// [`JournalQuery::since`] with the journal's `recorded` to wait for a new one. Long-polls of
    /// at most 30 s each, so any `timeout` works.
    pub async fn wait_for(
        &self,
        query: &JournalQuery,
        timeout: std::time::Duration,
    ) -> Result<Option<JournalEntry>, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let poll = query.clone().wait(left.as_secs_f64().min(crate::journal::MAX_WAIT_SECONDS));
            if let Some(e) = self.query_journal(&poll).await?.entries.into_iter().next() {
                return Ok(Some(e));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// Empties the journal (its `recorded` count goes on).
    pub async fn clear_journal(&self) -> Result<(), Error> {
        self.control.send(Method::DELETE, &self.path("/journal"), Body::None).await.map(drop)
    }

    /// Items and stock as the buyer side sees them: every item and orphan stock record, read
    /// page by page ([`MockShop::catalog_page`] of the largest size).
    pub async fn catalog(&self) -> Result<Catalog, Error> {
        let mut all = self.catalog_page(&PageQuery::new(1, MAX_PER_PAGE)).await?;
        for page in 2..=all.total_pages {
            let more = self.catalog_page(&PageQuery::new(page, MAX_PER_PAGE)).await?;
            all.items.extend(more.items);
            all.orphan_stock.extend(more.orphan_stock);
        }
        (all.page, all.total_pages) = (1, all.total_pages.min(1));
        all.per_page = all.items.len().max(all.orphan_stock.len()).max(1);
        Ok(all)
    }

    /// One page of the catalog (`GET …/catalog?page=&per_page=`).
    pub async fn catalog_page(&self, page: &PageQuery) -> Result<Catalog, Error> {
        self.control.call(Method::GET, &self.path(&format!("/catalog?{}", page.to_query())), Body::None).await
    }

    /// Seeds many generated items at once.
    pub async fn generate_catalog(&self, request: &GenerateDoc) -> Result<Generated, Error> {
        self.control.call(Method::POST, &self.path("/catalog/generate"), Body::json(request)?).await
    }

    /// The simulated buyers' plan and what they have done.
    pub async fn simulation(&self) -> Result<SimulationStatus, Error> {
        self.control.call(Method::GET, &self.path("/simulate"), Body::None).await
    }

    /// Applies an RFC 7396 merge patch to the simulated buyers' plan
    /// (`json!({"enabled": true, "orders_per_hour": 30})`) and returns it as it is now; a
    /// patch whose result is invalid changes nothing.
    pub async fn patch_simulation(&self, patch: &serde_json::Value) -> Result<SimulationStatus, Error> {
        self.control.call(Method::PATCH, &self.path("/simulate"), Body::json(patch)?).await
    }

    /// Adds a fault to the shop's plan (it acts from the shop's next RMS request on) and
    /// returns it as stored, with its id (`f1`, `f2`, … unless the spec gives one).
    ///
    /// ```
    /// use rms_mock::{FaultKind, FaultSpec, ItemDoc, RmsMock, ShopDocument};
    ///
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = RmsMock::start().await;
    /// let shop = mock.shop(ShopDocument::new("123456").item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 5))).await?;
    /// let fault = shop.add_fault(&FaultSpec::new(FaultKind::Maintenance).functions(&["itemapi_2.0.items.get"]).times(1)).await?;
    /// assert_eq!(fault.id.as_deref(), Some("f1"));
    /// let get = |()| {
    ///     reqwest::Client::new()
    ///         .get(format!("{}/es/2.0/items/manage-numbers/tshirt", mock.uri()))
    ///         .header("Authorization", shop.authorization())
    ///         .send()
    /// };
    /// assert_eq!(get(()).await?.status(), 503, "in maintenance");
    /// assert_eq!(get(()).await?.status(), 200, "times = 1: spent");
    /// assert_eq!(shop.faults().await?[0].fired, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn add_fault(&self, fault: &FaultSpec) -> Result<FaultSpec, Error> {
        self.control.call(Method::POST, &self.path("/faults"), Body::json(fault)?).await
    }

    /// The shop's faults in the order they act, each with how many requests it fired on.
    pub async fn faults(&self) -> Result<Vec<FaultStatus>, Error> {
        let list: FaultList = self.control.call(Method::GET, &self.path("/faults"), Body::None).await?;
        Ok(list.faults)
    }

    /// Removes one fault; an unknown id is an [`Error::Control`] 404.
    pub async fn remove_fault(&self, id: &str) -> Result<(), Error> {
        self.control.send(Method::DELETE, &self.path(&format!("/faults/{id}")), Body::None).await.map(drop)
    }

    /// Removes every fault of the shop.
    pub async fn clear_faults(&self) -> Result<(), Error> {
        self.control.send(Method::DELETE, &self.path("/faults"), Body::None).await.map(drop)
    }
}
