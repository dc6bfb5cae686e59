//! A shop (tenant): everything RMS keeps for one 店舗, behind one handle.
//!
//! All the RMS rules that change state run here: placing, confirming, Rakuten's processing,
//! payments, cancellations, and the virtual clock that fires them. The HTTP layer only calls
//! these methods, through [`ShopHandle`], and never sees the lock.

use super::buyer;
use super::catalog::Catalog;
use super::inventory::{Inventory, StockWrite, ORPHAN_TTL_MINUTES};
use super::item::{self, ApiError};
use super::journal::{Journal, JournalEntry};
use super::limits::RateLimiter;
use super::order::{Cause, DueDate, Order, OrderItem, OrderProgress, Package, SettlementMethod};
use super::rng::Rng;
use super::search::{OrderBook, SearchPage, SearchQuery};
use super::settings::{ShippingSettings, ShopSettings, SubStatusDef};
use super::time::JstDateTime;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// The licence key is valid for 90 days from issue (auth-and-limits.md §3).
pub const LICENSE_VALID_DAYS: i64 = 90;

/// Who the shop is and how it authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopProfile {
    /// 6 digits; the first part of every order number.
    pub shop_id: String,
    /// Store URL name.
    pub name: String,
    pub service_secret: String,
    pub license_key: String,
    pub license_issued_at: JstDateTime,
}

impl ShopProfile {
    pub fn license_expires_at(&self) -> JstDateTime {
        self.license_issued_at.plus_days(LICENSE_VALID_DAYS)
    }
}

/// Something RMS does on its own at a given virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Event {
    AutoConfirm(usize),
    Processing(usize),
    UnconfirmedCancel(usize),
    PaymentDeadline(usize),
    LicenseExpiry,
    /// Check whether an orphan stock record has gone 24 h without an update.
    OrphanExpiry(String, String),
    /// 500 → 600.
    PaymentProcessing(usize),
    /// 600 → 700.
    PaymentSettled(usize),
    /// 800 → 900 after cancelOrder; the restore choice travels with it.
    CancelConfirm(usize, Option<bool>),
    /// 400 → back to the status before the change.
    ChangeConfirm(usize, OrderProgress),
    /// updateOrderShippingAsync processing.
    AsyncShipping(String),
    /// Its result is forgotten (30 days).
    AsyncExpiry(String),
    /// The buyer did not change the payment after a review NG.
    ReviewDeadline(usize),
}

/// A change the clock or an action caused, as reported by `advance` and kept for the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub at: JstDateTime,
    /// None for shop-level events (licence expiry).
    pub order_number: Option<String>,
    pub from: Option<OrderProgress>,
    pub to: Option<OrderProgress>,
    pub cause: &'static str,
}

/// One line of a buyer's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    pub manage_number: String,
    pub variant_id: String,
    pub units: i64,
}

/// Points and coupons the buyer uses on an order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderExtras {
    pub used_point: i64,
    pub coupons: Vec<super::order::Coupon>,
}

/// Why a buyer-side action was refused (control plane).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuyerError {
    /// The request itself is wrong (key, problem).
    Invalid(String, String),
    NotFound(String),
    /// Not possible in the order's current state.
    Conflict(String),
}

/// Per-order result of confirmOrder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Confirmed,
    NotFound,
    /// 800/900
    Cancelled,
    /// Already past 100.
    AlreadyMoved(OrderProgress),
    /// Postage still -9999: the shop must set it (updateOrderSender) first.
    AmountUndetermined,
}

/// Issues reproducible ids from the shop's seed.
#[derive(Debug)]
pub(super) struct Ids {
    rng: Rng,
    next_serial: u64,
    next_basket: u64,
    next_change: u64,
    next_shipping_detail: u64,
}

impl Ids {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed).fork(1);
        let next_serial = rng.range(200_000_000, 299_999_999);
        let next_basket = rng.range(9_000_000, 9_900_000);
        let next_change = rng.range(700_000_000, 799_999_999);
        let next_shipping_detail = Rng::new(seed).fork(3).range(100_000_000_000, 199_999_999_999);
        Ids { rng, next_serial, next_basket, next_change, next_shipping_detail }
    }

    fn serial(&mut self) -> u64 {
        self.next_serial += self.rng.range(1, 37);
        self.next_serial
    }

    fn basket(&mut self, items: u64) -> u64 {
        self.next_basket += items + self.rng.range(1, 9);
        self.next_basket
    }

    pub(super) fn shipping_detail(&mut self) -> u64 {
        self.next_shipping_detail += 1;
        self.next_shipping_detail
    }

    pub(super) fn change(&mut self) -> u64 {
        self.next_change += self.rng.range(1, 500);
        self.next_change
    }
}

pub struct Shop {
    pub profile: ShopProfile,
    pub settings: ShopSettings,
    pub shipping: ShippingSettings,
    pub sub_statuses: Vec<SubStatusDef>,
    pub catalog: Catalog,
    pub inventory: Inventory,
    pub seed: u64,
    pub(super) now: JstDateTime,
    pub(super) orders: OrderBook,
    pub(super) schedule: BTreeMap<(JstDateTime, u64), Event>,
    schedule_seq: u64,
    pub(super) ids: Ids,
    /// updateOrderShippingAsync requests by requestId.
    pub(super) async_requests: std::collections::HashMap<String, super::order_ops::AsyncRequest>,
    buyers: Rng,
    journal: Journal,
    limiter: RateLimiter,
    /// Every transition since creation, oldest first.
    transitions: Vec<Transition>,
    request_seq: u64,
}

impl Shop {
    pub fn new(
        profile: ShopProfile,
        settings: ShopSettings,
        shipping: ShippingSettings,
        sub_statuses: Vec<SubStatusDef>,
        seed: u64,
        start: JstDateTime,
    ) -> Shop {
        let mut shop = Shop {
            profile,
            settings,
            shipping,
            sub_statuses,
            catalog: Catalog::default(),
            inventory: Inventory::default(),
            seed,
            now: start,
            orders: OrderBook::default(),
            schedule: BTreeMap::new(),
            schedule_seq: 0,
            ids: Ids::new(seed),
            async_requests: std::collections::HashMap::new(),
            buyers: Rng::new(seed).fork(2),
            journal: Journal::default(),
            limiter: RateLimiter::default(),
            transitions: Vec::new(),
            request_seq: 0,
        };
        shop.schedule_at(shop.profile.license_expires_at(), Event::LicenseExpiry);
        shop
    }

    pub fn now(&self) -> JstDateTime {
        self.now
    }

    pub fn orders(&self) -> &OrderBook {
        &self.orders
    }

    pub fn order(&self, number: &str) -> Option<&Order> {
        self.orders.find(number).map(|i| self.orders.get(i))
    }

    /// True while the licence key is valid on the shop's clock.
    pub fn license_valid(&self) -> bool {
        self.now < self.profile.license_expires_at()
    }

    /// Issues a new licence key (renewal). The old key stops working at once.
    pub fn renew_license(&mut self, key: String, issued_at: JstDateTime) {
        self.profile.license_key = key;
        self.profile.license_issued_at = issued_at;
        self.schedule.retain(|_, e| *e != Event::LicenseExpiry);
        self.schedule_at(self.profile.license_expires_at(), Event::LicenseExpiry);
    }

    pub(super) fn schedule_at(&mut self, at: JstDateTime, event: Event) {
        self.schedule_seq += 1;
        self.schedule.insert((at, self.schedule_seq), event);
    }

    // ----- the clock -----

    /// Moves the clock to `target`, firing every due event in time order; returns what fired.
    /// A target in the past leaves the clock where it is.
    pub fn advance_to(&mut self, target: JstDateTime) -> Vec<Transition> {
        let before = self.transitions.len();
        self.run_until(target);
        self.transitions[before..].to_vec()
    }

    pub(super) fn run_until(&mut self, target: JstDateTime) {
        while let Some((&(at, seq), _)) = self.schedule.iter().next() {
            if at > target {
                break;
            }
            let Some(event) = self.schedule.remove(&(at, seq)) else {
                break;
            };
            self.now = self.now.max(at);
            self.fire(event);
        }
        self.now = self.now.max(target);
    }

    fn fire(&mut self, event: Event) {
        let now = self.now;
        match event {
            Event::LicenseExpiry => self.transitions.push(Transition {
                at: now,
                order_number: None,
                from: None,
                to: None,
                cause: "license_expired",
            }),
            Event::AutoConfirm(idx) => {
                // Switching 自動注文確認 off stops confirmations not yet done.
                if self.settings.auto_confirm && self.orders.get(idx).progress == OrderProgress::WaitingForConfirmation
                {
                    self.confirm_idx(idx, Cause::AutoConfirm);
                }
            }
            Event::Processing(idx) => {
                let o = self.orders.get(idx);
                if o.progress == OrderProgress::RakutenProcessing && !o.review_ng {
                    self.change(idx, |o| o.finish_processing(now, Cause::Processing));
                }
            }
            Event::UnconfirmedCancel(idx) => {
                if self.orders.get(idx).progress == OrderProgress::WaitingForConfirmation {
                    // Rakuten cancels for the shop's inaction: 店舗様都合 / その他.
                    self.cancel_idx(idx, 0, 10, Cause::AutoCancel);
                }
            }
            Event::OrphanExpiry(m, v) => {
                let expired =
                    self.inventory.get(&m, &v).is_some_and(|r| r.updated.plus_minutes(ORPHAN_TTL_MINUTES) <= now);
                if expired && !self.catalog.has_variant(&m, &v) {
                    self.inventory.delete(&m, &v);
                }
            }
            Event::PaymentProcessing(idx) => self.on_payment_processing(idx),
            Event::PaymentSettled(idx) => self.on_payment_settled(idx),
            Event::CancelConfirm(idx, restore) => self.on_cancel_confirm(idx, restore),
            Event::ChangeConfirm(idx, back_to) => self.on_change_confirm(idx, back_to),
            Event::AsyncShipping(id) => self.on_async_shipping(&id),
            Event::AsyncExpiry(id) => {
                self.async_requests.remove(&id);
            }
            Event::ReviewDeadline(idx) => self.on_review_deadline(idx),
            Event::PaymentDeadline(idx) => {
                let o = self.orders.get(idx);
                let waiting =
                    matches!(o.progress, OrderProgress::WaitingForConfirmation | OrderProgress::RakutenProcessing);
                if waiting && o.paid_at.is_none() {
                    // お客様都合 / 4 未入金
                    self.cancel_idx(idx, 1, 4, Cause::PaymentDeadline);
                }
            }
        }
    }

    /// Runs `f` on one order, keeping indexes and the transition log in step.
    pub(super) fn change(&mut self, idx: usize, f: impl FnOnce(&mut Order)) {
        let (before, number) = {
            let o = self.orders.get(idx);
            (o.history.len(), o.number.clone())
        };
        self.orders.update(idx, f);
        let o = self.orders.get(idx);
        for h in &o.history[before..] {
            self.transitions.push(Transition {
                at: h.at,
                order_number: Some(number.clone()),
                from: h.from,
                to: Some(h.to),
                cause: h.cause.as_str(),
            });
        }
    }

    pub(super) fn confirm_idx(&mut self, idx: usize, cause: Cause) {
        let now = self.now;
        let change_id = self.ids.change();
        self.change(idx, |o| o.confirm(now, change_id, cause));
        self.after_confirm(idx);
    }

    /// Rakuten starts processing once confirmed; prepaid orders wait for the buyer's payment.
    pub(super) fn after_confirm(&mut self, idx: usize) {
        let o = self.orders.get(idx);
        if !o.settlement.is_prepaid() || o.paid_at.is_some() {
            let at = self.now.plus_minutes(i64::from(self.settings.processing_delay_minutes));
            self.schedule_at(at, Event::Processing(idx));
        }
    }

    pub(super) fn cancel_idx(&mut self, idx: usize, reason: u8, detail: u8, cause: Cause) {
        let now = self.now;
        let change_id = self.ids.change();
        self.change(idx, |o| o.cancel(now, change_id, reason, detail, cause));
        self.restore_stock(idx, None);
    }

    /// Puts an order's units back. `force`: Some(true) restore, Some(false) do not, None
    /// follow each line's item setting (`restockOnCancel` when ordered), as
    /// cancelOrder's `inventoryRestoreType` 1 / 2 / 0 do.
    pub(super) fn restore_stock(&mut self, idx: usize, force: Option<bool>) {
        let now = self.now;
        let lines: Vec<(String, String, i64, bool)> = self
            .orders
            .get(idx)
            .items()
            .map(|i| (i.manage_number.clone(), i.variant_id.clone(), i.units, i.restore_inventory))
            .collect();
        for (m, v, u, flag) in lines {
            if force.unwrap_or(flag) {
                self.inventory.restore(&m, &v, u, now);
            }
        }
    }

    // ----- the buyer's side (control plane) -----

    /// A buyer places an order at `at` (default now). The clock first moves to `at`, firing
    /// what falls due on the way; a time before now is refused so history stays in order.
    #[cfg(test)]
    pub fn place_order(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
    ) -> Result<String, BuyerError> {
        self.place_order_with(lines, settlement_code, at, &OrderExtras::default())
    }

    /// [`Shop::place_order`] with points and coupons the buyer uses.
    pub fn place_order_with(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
        extras: &OrderExtras,
    ) -> Result<String, BuyerError> {
        let at = at.unwrap_or(self.now);
        if extras.used_point < 0 {
            return Err(BuyerError::Invalid("used_point".into(), "must not be negative".into()));
        }
        if at < self.now {
            return Err(BuyerError::Invalid(
                "at".into(),
                format!("{} is before the shop's current time {}; orders are placed at or after now", at, self.now),
            ));
        }
        let settlement = SettlementMethod::from_code(settlement_code).ok_or_else(|| {
            let known: Vec<String> = SettlementMethod::known_codes().map(|c| c.to_string()).collect();
            BuyerError::Invalid(
                "settlement_method_code".into(),
                format!("{settlement_code} is not a RakutenPay payment code (known: {})", known.join(", ")),
            )
        })?;
        if lines.is_empty() {
            return Err(BuyerError::Invalid("lines".into(), "an order needs at least one line".into()));
        }
        // Check every line before touching stock, so a refused order reserves nothing.
        let mut needed: BTreeMap<(&str, &str), i64> = BTreeMap::new();
        for (i, l) in lines.iter().enumerate() {
            if !(1..=999).contains(&l.units) {
                return Err(BuyerError::Invalid(
                    format!("lines[{i}].units"),
                    format!("{} is not between 1 and 999", l.units),
                ));
            }
            let Some(item) = self.catalog.get(&l.manage_number) else {
                return Err(BuyerError::Invalid(
                    format!("lines[{i}].manage_number"),
                    format!("no item '{}' in this shop's catalog", l.manage_number),
                ));
            };
            let Some(v) = item.variant(&l.variant_id) else {
                return Err(BuyerError::Invalid(
                    format!("lines[{i}].variant_id"),
                    format!("item '{}' has no variant '{}'", l.manage_number, l.variant_id),
                ));
            };
            if item.flag("hideItem") || v.hidden {
                return Err(BuyerError::Conflict(format!(
                    "{}/{} is in the warehouse (hidden): not on sale",
                    l.manage_number, l.variant_id
                )));
            }
            if v.standard_price.is_none() {
                return Err(BuyerError::Conflict(format!(
                    "{}/{} has no standardPrice: not on sale",
                    l.manage_number, l.variant_id
                )));
            }
            *needed.entry((&l.manage_number, &l.variant_id)).or_default() += l.units;
        }
        self.run_until(at);
        for ((m, v), units) in &needed {
            let stock = self.inventory.quantity(m, v);
            if stock < *units {
                return Err(BuyerError::Conflict(format!(
                    "out of stock: {m}/{v} has {stock} left, the order needs {units}"
                )));
            }
        }
        // Coupons and points cannot exceed goods + postage.
        let goods: i64 = lines
            .iter()
            .filter_map(|l| Some(self.catalog.get(&l.manage_number)?.variant(&l.variant_id)?.standard_price? * l.units))
            .sum();
        let ship = &self.shipping;
        let postage = if ship.free_postage_threshold > 0 && goods >= ship.free_postage_threshold {
            0
        } else if ship.postage_undetermined {
            super::order::UNDETERMINED
        } else {
            ship.postage_price
        };
        let discounts = extras.coupons.iter().map(|c| c.total()).sum::<i64>() + extras.used_point;
        if discounts > goods + postage.max(0) {
            return Err(BuyerError::Invalid(
                "coupons".into(),
                format!("coupons and points ({discounts}) exceed the order total ({})", goods + postage.max(0)),
            ));
        }
        for ((m, v), units) in &needed {
            self.inventory.reserve(m, v, *units, at);
        }

        let number = format!("{}-{}-{:010}", self.profile.shop_id, at.date().compact(), self.ids.serial());
        let basket_id = self.ids.basket(lines.len() as u64);
        let items: Vec<OrderItem> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let item = self.catalog.get(&l.manage_number).expect("checked above");
                let v = item.variant(&l.variant_id).expect("checked above");
                let sku_info = v.sku_info();
                OrderItem {
                    item_detail_id: basket_id + i as u64,
                    item_name: item.title().to_string(),
                    item_id: item.item_id,
                    item_number: item.item_number().to_string(),
                    manage_number: item.manage_number.clone(),
                    price: v.standard_price.unwrap_or(0),
                    units: l.units,
                    selected_choice: sku_info.clone(),
                    variant_id: v.variant_id.clone(),
                    merchant_defined_sku_id: v.merchant_defined_sku_id.clone(),
                    sku_info,
                    tax_rate_permille: 100,
                    restore_inventory: v.restock_on_cancel,
                }
            })
            .collect();
        let ship = &self.shipping;
        let cod = if settlement == SettlementMethod::COD { ship.cod_fee } else { 0 };
        let orderer = buyer::generate(&mut self.buyers);
        let card_last4 = format!("{:04}", self.buyers.below(10_000));
        let mut order = Order {
            number: number.clone(),
            progress: OrderProgress::WaitingForConfirmation,
            sub_status: None,
            order_datetime: at,
            shop_order_cfm_datetime: None,
            order_fix_datetime: None,
            shipping_inst_datetime: None,
            shipping_cmpl_rpt_datetime: None,
            payment_fix_datetime: None,
            settlement,
            paid_at: None,
            orderer: orderer.clone(),
            packages: vec![Package {
                basket_id,
                noshi: None,
                drop_off_location: None,
                sender: orderer,
                items,
                shipping: vec![],
                postage_price: postage,
                delivery_price: cod,
                default_delivery_company: ship.default_delivery_company.clone(),
            }],
            delivery_name: ship.delivery_name.clone(),
            used_point: extras.used_point,
            memo: None,
            operator: None,
            mail_plug_sentence: None,
            remarks: Some("[配送日時指定:]\n\n".into()),
            change_reasons: vec![],
            due_dates: vec![],
            history: vec![],
            card_last4,
            gift_check: false,
            delivery_date: None,
            shipping_term: None,
            delivery_class: None,
            coupons: extras.coupons.clone(),
            modified: false,
            review_ng: false,
            caution_detail: None,
        };
        let due = settlement.is_prepaid().then(|| at.date().plus_days(i64::from(self.settings.prepayment_due_days)));
        if let Some(d) = due {
            order.due_dates.push(DueDate { due_date_type: 0, due_date: d });
        }
        order.history.push(super::order::StatusChange {
            at,
            from: None,
            to: OrderProgress::WaitingForConfirmation,
            cause: Cause::Placed,
        });
        self.transitions.push(Transition {
            at,
            order_number: Some(number.clone()),
            from: None,
            to: Some(OrderProgress::WaitingForConfirmation),
            cause: Cause::Placed.as_str(),
        });
        let idx = self.orders.insert(order);

        self.schedule_at(at.plus_days(i64::from(self.settings.unconfirmed_cancel_days)), Event::UnconfirmedCancel(idx));
        if let Some(d) = due {
            self.schedule_at(d.end(), Event::PaymentDeadline(idx));
        }
        if self.settings.auto_confirm {
            self.schedule_at(
                at.plus_minutes(i64::from(self.settings.auto_confirm_delay_minutes)),
                Event::AutoConfirm(idx),
            );
        }
        // A zero delay fires now.
        self.run_until(self.now);
        Ok(number)
    }

    /// The buyer pays a prepaid order (a confirmed one moves 200 → 300 at once), or changes
    /// the payment of a card order whose review failed.
    pub fn pay(&mut self, number: &str) -> Result<(), BuyerError> {
        let idx =
            self.orders.find(number).ok_or_else(|| BuyerError::NotFound(format!("no order {number} in this shop")))?;
        let o = self.orders.get(idx);
        if o.review_ng {
            self.resolve_review(idx);
            return Ok(());
        }
        if !o.settlement.is_prepaid() {
            return Err(BuyerError::Conflict(format!(
                "order {number} is paid by {} ({}), not a prepayment method (9, 13, 14)",
                o.settlement.name(),
                o.settlement.code()
            )));
        }
        if o.paid_at.is_some() {
            return Err(BuyerError::Conflict(format!("order {number} is already paid")));
        }
        if o.is_cancelled() {
            return Err(BuyerError::Conflict(format!("order {number} is cancelled ({})", o.progress.code())));
        }
        let now = self.now;
        let in_processing = o.progress == OrderProgress::RakutenProcessing;
        self.change(idx, |o| {
            o.paid_at = Some(now);
            o.payment_fix_datetime = Some(now);
            if in_processing {
                o.finish_processing(now, Cause::Payment);
            }
        });
        Ok(())
    }

    /// The buyer cancels alone, allowed within `buyer_cancel_minutes` of ordering and before
    /// Rakuten finished processing.
    pub fn buyer_cancel(&mut self, number: &str) -> Result<(), BuyerError> {
        let idx =
            self.orders.find(number).ok_or_else(|| BuyerError::NotFound(format!("no order {number} in this shop")))?;
        let o = self.orders.get(idx);
        let deadline = o.order_datetime.plus_minutes(i64::from(self.settings.buyer_cancel_minutes));
        if self.now > deadline {
            return Err(BuyerError::Conflict(format!(
                "the buyer may cancel only until {deadline} ({} minutes after ordering); it is {}",
                self.settings.buyer_cancel_minutes, self.now
            )));
        }
        if !matches!(o.progress, OrderProgress::WaitingForConfirmation | OrderProgress::RakutenProcessing) {
            return Err(BuyerError::Conflict(format!(
                "order {number} is in {} and cannot be cancelled by the buyer",
                o.progress.code()
            )));
        }
        self.cancel_idx(idx, 1, 1, Cause::BuyerCancel);
        Ok(())
    }

    // ----- RMS operations -----

    pub fn search_orders(&self, q: &SearchQuery) -> SearchPage {
        self.orders.search(q)
    }

    /// confirmOrder: one outcome per number, in request order.
    pub fn confirm_orders(&mut self, numbers: &[String]) -> Vec<ConfirmOutcome> {
        let out = numbers
            .iter()
            .map(|n| {
                let Some(idx) = self.orders.find(n) else {
                    return ConfirmOutcome::NotFound;
                };
                let o = self.orders.get(idx);
                if o.is_cancelled() {
                    ConfirmOutcome::Cancelled
                } else if o.progress != OrderProgress::WaitingForConfirmation {
                    ConfirmOutcome::AlreadyMoved(o.progress)
                } else if o.amounts_undetermined() {
                    ConfirmOutcome::AmountUndetermined
                } else {
                    self.confirm_idx(idx, Cause::Api("confirmOrder"));
                    ConfirmOutcome::Confirmed
                }
            })
            .collect();
        self.run_until(self.now);
        out
    }

    // ----- Item API 2.0 and Inventory API -----

    /// items.upsert: a full replace. Ok(true) when the item was created.
    pub fn upsert_item(&mut self, manage_number: &str, body: &serde_json::Value) -> Result<bool, Vec<ApiError>> {
        let canonical = item::validate_item(body, self.catalog.get(manage_number))?;
        let created = self.catalog.put(manage_number, canonical, self.now);
        Ok(created)
    }

    /// items.patch: merges into the stored item, then checks the result as a whole.
    pub fn patch_item(&mut self, manage_number: &str, patch: &serde_json::Value) -> Result<(), Vec<ApiError>> {
        let Some(stored) = self.catalog.get(manage_number) else {
            return Err(vec![ApiError::not_found(&format!("manageNumber={manage_number}"))]);
        };
        let merged = item::merge_patch(&stored.body, patch)?;
        let canonical = item::validate_item(&merged, Some(stored))?;
        self.catalog.put(manage_number, canonical, self.now);
        Ok(())
    }

    /// items.delete. The item's stock records become orphans (and expire in 24 h).
    pub fn delete_item(&mut self, manage_number: &str) -> Result<(), ApiError> {
        let item = self
            .catalog
            .remove(manage_number)
            .ok_or_else(|| ApiError::not_found(&format!("manageNumber={manage_number}")))?;
        for v in item.variant_ids() {
            self.schedule_orphan_check(manage_number, &v);
        }
        Ok(())
    }

    /// Replaces the item's body after an inventory-related-settings update (validated again).
    pub fn replace_item_body(&mut self, manage_number: &str, body: &serde_json::Value) -> Result<(), Vec<ApiError>> {
        let canonical = item::validate_item(body, self.catalog.get(manage_number))?;
        self.catalog.put(manage_number, canonical, self.now);
        Ok(())
    }

    /// Stock writes (variants.upsert, bulk-upsert): all or nothing.
    pub fn write_stock(
        &mut self,
        writes: &[StockWrite],
        path_of: impl Fn(usize, &str) -> String,
    ) -> Result<(), ApiError> {
        let quantities = self.inventory.plan(writes, path_of)?;
        self.inventory.apply(writes, &quantities, self.now);
        for w in writes {
            if !self.catalog.has_variant(&w.manage_number, &w.variant_id) {
                self.schedule_orphan_check(&w.manage_number, &w.variant_id);
            }
        }
        Ok(())
    }

    pub fn delete_stock(&mut self, manage_number: &str, variant_id: &str) -> Result<(), ApiError> {
        if self.inventory.delete(manage_number, variant_id) {
            Ok(())
        } else {
            Err(ApiError::not_found(&format!("manageNumber={manage_number}, variantId={variant_id}")))
        }
    }

    /// Adds `items` generated items of `variants` SKUs each (deterministic from `seed`), each
    /// SKU stocked with `quantity`. Manage numbers are `gen-<seed>-<n>`, so two generations
    /// with different seeds never collide. Returns the manage numbers.
    pub fn generate_catalog(
        &mut self,
        items: usize,
        variants: usize,
        seed: u64,
        quantity: i64,
    ) -> Result<Vec<String>, ApiError> {
        const NOUNS: [&str; 10] = [
            "Tシャツ",
            "パーカー",
            "ソックス",
            "スニーカー",
            "キャップ",
            "トートバッグ",
            "マグカップ",
            "タオル",
            "エプロン",
            "手袋",
        ];
        const ADJECTIVES: [&str; 8] =
            ["ベーシック", "オーガニック", "ワイド", "スリム", "ヴィンテージ", "リネン", "防水", "軽量"];
        let mut rng = super::rng::Rng::new(seed).fork(7);
        let variants = variants.clamp(1, 400);
        let mut made = Vec::with_capacity(items);
        for n in 0..items {
            let manage = format!("gen-{seed}-{n:06}");
            let title = format!("{}{} No.{n}", rng.pick(&ADJECTIVES), rng.pick(&NOUNS));
            let base = 500 + 100 * rng.below(60) as i64;
            let mut vmap = serde_json::Map::new();
            for j in 0..variants {
                let mut v = serde_json::json!({
                    "merchantDefinedSkuId": format!("{}-{j:03}", manage.to_ascii_uppercase()),
                    "standardPrice": (base + 100 * (j as i64 % 3)).to_string(),
                    "restockOnCancel": true,
                    "articleNumber": {"exemptionReason": 5},
                });
                if variants > 1 {
                    v["selectorValues"] = serde_json::json!({"type": format!("タイプ{:03}", j + 1)});
                }
                vmap.insert(format!("v{j:03}"), v);
            }
            let mut body =
                serde_json::json!({"title": title, "itemType": "NORMAL", "genreId": "559887", "variants": vmap});
            if variants > 1 {
                let values: Vec<serde_json::Value> =
                    (0..variants).map(|j| serde_json::json!({"displayValue": format!("タイプ{:03}", j + 1)})).collect();
                body["variantSelectors"] =
                    serde_json::json!([{"key": "type", "displayName": "タイプ", "values": values}]);
            }
            if let Err(mut errs) = self.upsert_item(&manage, &body) {
                return Err(errs.remove(0));
            }
            let writes: Vec<StockWrite> = (0..variants)
                .map(|j| StockWrite {
                    manage_number: manage.clone(),
                    variant_id: format!("v{j:03}"),
                    mode: super::inventory::Mode::Absolute,
                    quantity,
                    extras: None,
                })
                .collect();
            self.write_stock(&writes, |i, f| format!("variants[{i}].{f}"))?;
            made.push(manage);
        }
        Ok(made)
    }

    fn schedule_orphan_check(&mut self, manage_number: &str, variant_id: &str) {
        let at = self.now.plus_minutes(ORPHAN_TTL_MINUTES);
        self.schedule_at(at, Event::OrphanExpiry(manage_number.to_string(), variant_id.to_string()));
    }

    // ----- requests: journal, rate limits -----

    /// Takes a rate-limit token for `function` when limits are on.
    pub fn take_rate_token(&mut self, function: &str, now: Instant) -> bool {
        if !self.settings.rate_limit.enabled {
            return true;
        }
        let rate = self.settings.rate_for(function);
        match self.settings.rate_limit.clock {
            super::settings::LimitClock::Wall => self.limiter.try_take(function, rate, now),
            super::settings::LimitClock::Virtual => self.limiter.try_take_at(function, rate, self.now.seconds() as f64),
        }
    }

    pub fn record_request(&mut self, method: &str, path: &str, status: u16, codes: Vec<String>) {
        let entry = JournalEntry { seq: 0, at: self.now, method: method.into(), path: path.into(), status, codes };
        self.journal.record(self.settings.journal_limit, entry);
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    pub fn clear_journal(&mut self) {
        self.journal.clear();
    }

    /// A fresh id for a response's `RequestId` header.
    pub fn next_request_id(&mut self) -> String {
        self.request_seq += 1;
        let h = super::rng::seed_from(&format!("{}:{}", self.seed, self.request_seq));
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xfff,
            self.request_seq & 0xfff,
            self.request_seq
        )
    }

    /// Replaces the settings (already validated). Takes effect for the next request.
    pub fn set_settings(&mut self, settings: ShopSettings) {
        if !settings.rate_limit.enabled || settings.rate_limit != self.settings.rate_limit {
            self.limiter.clear();
        }
        self.settings = settings;
    }
}

/// The one way to reach a shop: a cheap clone around the lock.
///
/// A std `Mutex`, not tokio's: every critical section is short and synchronous, and `with`
/// takes a plain closure, so no guard can live across an `.await` (see mini-redis `db.rs`).
#[derive(Clone)]
pub struct ShopHandle(Arc<Mutex<Shop>>);

impl ShopHandle {
    pub fn new(shop: Shop) -> Self {
        ShopHandle(Arc::new(Mutex::new(shop)))
    }

    /// Runs `f` with the shop locked.
    pub fn with<R>(&self, f: impl FnOnce(&mut Shop) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Shop> {
        // A panic inside `with` poisons the lock; the shop's data is still consistent at every
        // method boundary, so keep serving rather than failing every later request.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{parse_toml, ShopDocument};

    fn shop(settings: &str) -> Shop {
        let text = format!(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-11-28T09:00:00+0900\"\n[settings]\n{settings}\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1000\nquantity = 10\n"
        );
        let doc: ShopDocument = parse_toml(&text, "t").unwrap();
        doc.build("t").unwrap()
    }

    fn line(units: i64) -> Vec<OrderLine> {
        vec![OrderLine { manage_number: "i".into(), variant_id: "v".into(), units }]
    }

    fn t(s: &str) -> JstDateTime {
        JstDateTime::parse_rms(s).unwrap()
    }

    #[test]
    fn the_clock_fires_due_events_in_time_order_and_never_goes_back() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 20\nprocessing_delay_minutes = 5");
        let a = s.place_order(&line(1), 1, None).unwrap();
        let b = s.place_order(&line(1), 1, Some(t("2026-11-28T09:10:00+0900"))).unwrap();
        let fired = s.advance_to(t("2026-11-28T10:00:00+0900"));
        let seen: Vec<(String, &str, String)> =
            fired.iter().map(|f| (f.at.to_rms(), f.cause, f.order_number.clone().unwrap())).collect();
        assert_eq!(
            seen,
            vec![
                ("2026-11-28T09:20:00+0900".into(), "auto_confirm", a.clone()),
                ("2026-11-28T09:25:00+0900".into(), "processing", a.clone()),
                ("2026-11-28T09:30:00+0900".into(), "auto_confirm", b.clone()),
                ("2026-11-28T09:35:00+0900".into(), "processing", b),
            ]
        );
        assert!(s.advance_to(t("2026-11-28T09:00:00+0900")).is_empty());
        assert_eq!(s.now(), t("2026-11-28T10:00:00+0900"));
    }

    #[test]
    fn switching_auto_confirm_off_stops_pending_confirmations() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 20");
        let n = s.place_order(&line(1), 1, None).unwrap();
        let mut settings = s.settings.clone();
        settings.auto_confirm = false;
        s.set_settings(settings);
        s.advance_to(t("2026-11-28T10:00:00+0900"));
        assert_eq!(s.order(&n).unwrap().progress, OrderProgress::WaitingForConfirmation);
    }

    #[test]
    fn stale_events_do_nothing() {
        // Confirmed orders are not auto-cancelled; cancelled ones are not processed.
        let mut s = shop("");
        let n = s.place_order(&line(2), 1, None).unwrap();
        assert_eq!(s.confirm_orders(std::slice::from_ref(&n)), vec![ConfirmOutcome::Confirmed]);
        s.advance_to(t("2026-12-31T00:00:00+0900"));
        let o = s.order(&n).unwrap();
        assert_eq!(o.progress, OrderProgress::WaitingForShipment);
        assert_eq!(o.history.len(), 3);
    }

    #[test]
    fn stock_is_reserved_on_order_and_restored_on_cancel() {
        let mut s = shop("");
        let stock = |s: &Shop| s.inventory.quantity("i", "v");
        let n = s.place_order(&line(7), 1, None).unwrap();
        assert_eq!(stock(&s), 3);
        assert!(matches!(s.place_order(&line(4), 1, None), Err(BuyerError::Conflict(_))));
        assert_eq!(stock(&s), 3, "a refused order reserves nothing");
        s.buyer_cancel(&n).unwrap();
        assert_eq!(stock(&s), 10);
    }

    #[test]
    fn the_license_expires_90_days_after_issue_on_the_shop_clock() {
        let mut s = shop("");
        assert!(s.license_valid());
        let fired = s.advance_to(t("2027-02-26T09:00:00+0900"));
        assert_eq!(fired.last().unwrap().cause, "license_expired");
        assert!(!s.license_valid());
        s.renew_license("k2".into(), s.now());
        assert!(s.license_valid());
    }

    #[test]
    fn the_same_seed_gives_the_same_order_numbers_and_buyers() {
        let run = || {
            let mut s = shop("");
            let n = s.place_order(&line(1), 1, None).unwrap();
            let o = s.order(&n).unwrap();
            (n.clone(), o.orderer.clone(), o.packages[0].basket_id)
        };
        assert_eq!(run(), run());
    }
}
