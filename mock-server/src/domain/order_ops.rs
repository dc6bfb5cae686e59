//! The order API's write operations as RMS rules: shipping reports, cancellations, memos,
//! sub-statuses, edits of the orderer, recipients and amounts, and what the clock does after
//! shipping (order-api.md §3, §5). Every status change goes through `Shop::change`, so the
//! history and the ledger see it.

use super::buyer::Buyer;
use super::order::{Cause, ChangeReason, DueDate, Order, OrderProgress, ShippingRow};
use super::settings::CancelFlow;
use super::shop::{BuyerError, Event, Shop};
use super::time::JstDate;

use OrderProgress::*;

/// Why an operation was refused for one order (a per-order ERROR item, HTTP 200).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    /// 800 / 900
    Cancelled,
    /// Not a status this operation works in.
    WrongStatus(OrderProgress),
    /// A rule of the operation: (message number, Japanese text).
    Rule(&'static str, String),
}

/// One field of a partial update: left out, emptied, or set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Patch<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    fn apply(self, slot: &mut Option<T>) {
        match self {
            Patch::Keep => {}
            Patch::Clear => *slot = None,
            Patch::Set(v) => *slot = Some(v),
        }
    }
}

/// One row of `ShippingModelList` in a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippingRowUpdate {
    /// 1-based position in the request (`dataNumber`).
    pub data_number: usize,
    pub detail_id: Option<u64>,
    pub delivery_company: Patch<String>,
    pub shipping_number: Patch<String>,
    pub shipping_date: Patch<JstDate>,
    pub delete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasketUpdate {
    pub basket_id: u64,
    pub rows: Vec<ShippingRowUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Added,
    Updated,
    Deleted,
    /// (message number, text)
    Failed(&'static str, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowResult {
    pub data_number: usize,
    pub detail_id: Option<u64>,
    pub outcome: RowOutcome,
}

/// What one order of an async request came to.
pub type OrderShippingResult = (String, Result<Vec<RowResult>, Refusal>);

/// A stored updateOrderShippingAsync request.
#[derive(Clone, Debug)]
pub struct AsyncRequest {
    pub orders: Vec<(String, Vec<BasketUpdate>)>,
    /// Filled when processed.
    pub results: Option<Vec<OrderShippingResult>>,
}

/// updateOrderMemo fields; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoUpdate {
    pub sub_status_id: Option<i64>,
    pub delivery_class: Option<i64>,
    pub delivery_date: Option<Option<JstDate>>,
    pub shipping_term: Option<i64>,
    pub memo: Option<Option<String>>,
    pub operator: Option<Option<String>>,
    pub mail_plug_sentence: Option<Option<String>>,
}

/// One basket of updateOrderSender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageUpdate {
    pub basket_id: u64,
    pub postage_price: Option<i64>,
    pub delivery_price: Option<i64>,
    pub noshi: Patch<String>,
    pub drop_off_location: Patch<String>,
    pub sender: Option<Buyer>,
    pub items: Vec<ItemUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemUpdate {
    pub item_detail_id: u64,
    pub price: Option<i64>,
    pub units: Option<i64>,
}

/// How cancelOrder treats stock (`inventoryRestoreType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestoreType {
    /// 0: as each item is set (`restockOnCancel`)
    FollowItem,
    /// 1
    Restore,
    /// 2
    Keep,
}

impl RestoreType {
    fn force(self) -> Option<bool> {
        match self {
            RestoreType::FollowItem => None,
            RestoreType::Restore => Some(true),
            RestoreType::Keep => Some(false),
        }
    }
}

/// changeReasonDetail codes, and whether each is the buyer's doing (changeReason 1).
pub fn reason_is_buyers(detail: u8) -> Option<bool> {
    match detail {
        1..=6 => Some(true),
        8 | 10 | 13 | 14 | 15 | 16 => Some(false),
        _ => None,
    }
}

impl Shop {
    fn locate(&self, number: &str) -> Result<usize, Refusal> {
        self.orders.find(number).ok_or(Refusal::NotFound)
    }

    /// The order, if its status is one of `allowed`; cancelled orders answer `Cancelled`.
    fn in_window(&self, number: &str, allowed: &[OrderProgress]) -> Result<usize, Refusal> {
        let idx = self.locate(number)?;
        let p = self.orders.get(idx).progress;
        if allowed.contains(&p) {
            Ok(idx)
        } else if matches!(p, WaitingForCancellation | Cancelled) {
            Err(Refusal::Cancelled)
        } else {
            Err(Refusal::WrongStatus(p))
        }
    }

    // ----- updateOrderShipping -----

    /// updateOrderShipping: adds, updates and deletes shipping rows; when every basket has a
    /// row with carrier, tracking number and date, a 300 order becomes 500.
    pub fn update_shipping(
        &mut self,
        number: &str,
        baskets: &[BasketUpdate],
        cause: Cause,
    ) -> Result<Vec<RowResult>, Refusal> {
        let idx = self.in_window(
            number,
            &[WaitingForShipment, WaitingForChangeConfirmation, Shipped, PaymentProcessing, PaymentProcessed],
        )?;
        let mut new_ids = Vec::new();
        for b in baskets {
            for r in &b.rows {
                new_ids.push(if r.detail_id.is_none() && !r.delete { Some(self.ids.shipping_detail()) } else { None });
            }
        }
        let mut results = Vec::new();
        let now = self.now;
        let mut ids = new_ids.into_iter();
        self.change(idx, |o| {
            for b in baskets {
                let mut pkg = o.packages.iter_mut().find(|p| p.basket_id == b.basket_id);
                for r in &b.rows {
                    let fresh = ids.next().flatten();
                    let Some(pkg) = pkg.as_deref_mut() else {
                        results.push(RowResult {
                            data_number: r.data_number,
                            detail_id: r.detail_id,
                            outcome: RowOutcome::Failed(
                                "104",
                                format!("指定された送付先ID({})は存在しません。", b.basket_id),
                            ),
                        });
                        continue;
                    };
                    let outcome = match (r.detail_id, r.delete) {
                        (Some(id), true) => {
                            let before = pkg.shipping.len();
                            pkg.shipping.retain(|s| s.shipping_detail_id != id);
                            if pkg.shipping.len() < before {
                                RowOutcome::Deleted
                            } else {
                                RowOutcome::Failed("105", format!("指定された発送明細ID({id})は存在しません。"))
                            }
                        }
                        (None, true) => RowOutcome::Failed("105", "削除する発送明細IDを指定して下さい。".into()),
                        (Some(id), false) => match pkg.shipping.iter_mut().find(|s| s.shipping_detail_id == id) {
                            Some(row) => {
                                r.delivery_company.clone().apply(&mut row.delivery_company);
                                r.shipping_number.clone().apply(&mut row.shipping_number);
                                r.shipping_date.clone().apply(&mut row.shipping_date);
                                RowOutcome::Updated
                            }
                            None => RowOutcome::Failed("105", format!("指定された発送明細ID({id})は存在しません。")),
                        },
                        (None, false) => {
                            let mut row = ShippingRow {
                                shipping_detail_id: fresh.unwrap_or_default(),
                                shipping_number: None,
                                delivery_company: None,
                                shipping_date: None,
                            };
                            r.delivery_company.clone().apply(&mut row.delivery_company);
                            r.shipping_number.clone().apply(&mut row.shipping_number);
                            r.shipping_date.clone().apply(&mut row.shipping_date);
                            pkg.shipping.push(row);
                            RowOutcome::Added
                        }
                    };
                    let detail_id = match outcome {
                        RowOutcome::Added => fresh,
                        _ => r.detail_id,
                    };
                    results.push(RowResult { data_number: r.data_number, detail_id, outcome });
                }
            }
            let complete = o.packages.iter().all(|p| {
                p.shipping
                    .iter()
                    .any(|s| s.delivery_company.is_some() && s.shipping_number.is_some() && s.shipping_date.is_some())
            });
            if complete && o.progress == WaitingForShipment {
                o.shipping_cmpl_rpt_datetime = Some(now);
                o.move_to(Shipped, now, cause);
            }
        });
        if self.orders.get(idx).progress == Shipped && self.orders.get(idx).shipping_cmpl_rpt_datetime == Some(now) {
            let at = now.plus_minutes(i64::from(self.settings.payment_processing_minutes));
            self.schedule_at(at, Event::PaymentProcessing(idx));
        }
        Ok(results)
    }

    /// updateOrderShippingAsync: stores the request; it is processed when the clock passes
    /// `async_shipping_delay_minutes`, and its result kept 30 days.
    pub fn request_shipping_async(&mut self, orders: Vec<(String, Vec<BasketUpdate>)>) -> String {
        let n = self.async_requests.len() as u64 + self.ids.change();
        let h = super::rng::seed_from(&format!("{}:{n}", self.seed));
        let (y, mo, d, hh, mi, ss) = self.now.civil();
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}_{y:04}{mo:02}{d:02}{hh:02}{mi:02}{ss:02}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xfff,
            n & 0xfff,
            n & 0xffff_ffff_ffff
        );
        self.async_requests.insert(id.clone(), AsyncRequest { orders, results: None });
        let due = self.now.plus_minutes(i64::from(self.settings.async_shipping_delay_minutes));
        self.schedule_at(due, Event::AsyncShipping(id.clone()));
        self.schedule_at(self.now.plus_days(30), Event::AsyncExpiry(id.clone()));
        self.run_until(self.now);
        id
    }

    pub(super) fn on_async_shipping(&mut self, id: &str) {
        let Some(req) = self.async_requests.get(id).cloned() else { return };
        let results = req
            .orders
            .iter()
            .map(|(n, baskets)| (n.clone(), self.update_shipping(n, baskets, Cause::Api("updateOrderShippingAsync"))))
            .collect();
        if let Some(r) = self.async_requests.get_mut(id) {
            r.results = Some(results);
        }
    }

    /// The processed result of an async request; None while pending, unknown or expired.
    pub fn shipping_async_result(&self, id: &str) -> Option<&Vec<OrderShippingResult>> {
        self.async_requests.get(id)?.results.as_ref()
    }

    pub(super) fn on_payment_processing(&mut self, idx: usize) {
        if self.orders.get(idx).progress != Shipped {
            return;
        }
        let now = self.now;
        self.change(idx, |o| o.move_to(PaymentProcessing, now, Cause::PaymentProcessing));
        let at = now.plus_minutes(i64::from(self.settings.payment_settle_minutes));
        self.schedule_at(at, Event::PaymentSettled(idx));
    }

    pub(super) fn on_payment_settled(&mut self, idx: usize) {
        if self.orders.get(idx).progress != PaymentProcessing {
            return;
        }
        let now = self.now;
        self.change(idx, |o| {
            o.payment_fix_datetime.get_or_insert(now);
            o.move_to(PaymentProcessed, now, Cause::PaymentSettled);
        });
    }

    // ----- cancellations -----

    /// cancelOrder (before shipping, 100/200/300) and cancelOrderAfterShipping (500–800,
    /// cancelled and confirmed in one step).
    pub fn cancel_order(
        &mut self,
        number: &str,
        restore: RestoreType,
        reason_detail: u8,
        after_shipping: bool,
    ) -> Result<(), Refusal> {
        let buyers = reason_is_buyers(reason_detail)
            .ok_or_else(|| Refusal::Rule("104", format!("changeReasonDetailApply({reason_detail})の値が不正です。")))?;
        let reason = u8::from(buyers);
        let now = self.now;
        let change_id = self.ids.change();
        if after_shipping {
            let idx = self.locate(number)?;
            let p = self.orders.get(idx).progress;
            if p == Cancelled {
                return Err(Refusal::Cancelled);
            }
            if !matches!(p, Shipped | PaymentProcessing | PaymentProcessed | WaitingForCancellation) {
                return Err(Refusal::WrongStatus(p));
            }
            self.change(idx, |o| {
                o.cancel(now, change_id, reason, reason_detail, Cause::Api("cancelOrderAfterShipping"))
            });
            self.restore_stock(idx, restore.force());
            return Ok(());
        }
        let idx = self.in_window(number, &[WaitingForConfirmation, RakutenProcessing, WaitingForShipment])?;
        match self.settings.cancel_flow {
            CancelFlow::Immediate => {
                self.change(idx, |o| o.cancel(now, change_id, reason, reason_detail, Cause::Api("cancelOrder")));
                self.restore_stock(idx, restore.force());
            }
            CancelFlow::Via800 => {
                self.change(idx, |o| {
                    o.change_reasons.push(ChangeReason {
                        change_id,
                        change_type: 0,
                        change_type_detail: None,
                        change_reason: Some(reason),
                        change_reason_detail: Some(reason_detail),
                        apply: Some(now),
                        fix: None,
                        complete: None,
                    });
                    o.move_to(WaitingForCancellation, now, Cause::Api("cancelOrder"));
                });
                let at = now.plus_minutes(i64::from(self.settings.cancel_confirm_minutes));
                self.schedule_at(at, Event::CancelConfirm(idx, restore.force()));
            }
        }
        Ok(())
    }

    pub(super) fn on_cancel_confirm(&mut self, idx: usize, restore: Option<bool>) {
        if self.orders.get(idx).progress != WaitingForCancellation {
            return;
        }
        let now = self.now;
        self.change(idx, |o| {
            if let Some(cr) = o.change_reasons.iter_mut().rev().find(|c| c.change_type == 0) {
                cr.change_type = 2;
                cr.fix = Some(now);
                cr.complete = Some(now);
            }
            o.move_to(Cancelled, now, Cause::CancelConfirmed);
        });
        self.restore_stock(idx, restore);
    }

    // ----- sub-status, memo, remarks, delivery, orderer -----

    /// updateOrderSubStatus for one order; `None` clears it.
    pub fn set_sub_status(&mut self, number: &str, id: Option<i64>) -> Result<(), Refusal> {
        let idx = self.locate(number)?;
        let o = self.orders.get(idx);
        if o.progress == Cancelled {
            return Err(Refusal::Cancelled);
        }
        let value = match id {
            None => None,
            Some(id) => {
                let def =
                    self.sub_statuses.iter().find(|d| d.id == id && d.order_progress == o.progress.code()).ok_or_else(
                        || Refusal::Rule("102", "指定された注文番号、サブステータスでは更新できません。".into()),
                    )?;
                Some((def.id, def.name.clone()))
            }
        };
        self.change(idx, |o| o.sub_status = value);
        Ok(())
    }

    /// updateOrderMemo: fields left out stay as they are.
    pub fn update_memo(&mut self, number: &str, u: MemoUpdate) -> Result<(), Refusal> {
        let idx = self.locate(number)?;
        if self.orders.get(idx).progress == Cancelled {
            return Err(Refusal::Cancelled);
        }
        if let Some(id) = u.sub_status_id {
            self.set_sub_status(number, Some(id))?;
        }
        self.change(idx, |o| {
            if let Some(c) = u.delivery_class {
                o.delivery_class = Some(c);
            }
            if let Some(d) = u.delivery_date {
                o.delivery_date = d;
            }
            if let Some(t) = u.shipping_term {
                o.shipping_term = Some(t);
            }
            if let Some(m) = u.memo {
                o.memo = m;
            }
            if let Some(op) = u.operator {
                o.operator = op;
            }
            if let Some(s) = u.mail_plug_sentence {
                o.mail_plug_sentence = s;
            }
        });
        Ok(())
    }

    const BEFORE_SHIPPING: [OrderProgress; 3] = [WaitingForConfirmation, RakutenProcessing, WaitingForShipment];

    /// updateOrderRemarks (before shipping).
    pub fn update_remarks(&mut self, number: &str, remarks: Option<String>, gift: Option<bool>) -> Result<(), Refusal> {
        let idx = self.in_window(number, &Self::BEFORE_SHIPPING)?;
        self.change(idx, |o| {
            if let Some(r) = remarks {
                o.remarks = Some(r);
            }
            if let Some(g) = gift {
                o.gift_check = g;
            }
        });
        Ok(())
    }

    /// updateOrderDelivery (before shipping).
    pub fn update_delivery(&mut self, number: &str, delivery_name: String) -> Result<(), Refusal> {
        let idx = self.in_window(number, &Self::BEFORE_SHIPPING)?;
        self.change(idx, |o| o.delivery_name = delivery_name);
        Ok(())
    }

    /// updateOrderOrderer (any status but cancelled). The e-mail and profile stay.
    pub fn update_orderer(&mut self, number: &str, who: Buyer) -> Result<(), Refusal> {
        let idx = self.in_window(
            number,
            &[
                WaitingForConfirmation,
                RakutenProcessing,
                WaitingForShipment,
                WaitingForChangeConfirmation,
                Shipped,
                PaymentProcessing,
                PaymentProcessed,
            ],
        )?;
        self.change(idx, |o| {
            let keep = o.orderer.clone();
            o.orderer = Buyer {
                email: keep.email,
                sex: keep.sex,
                birth: keep.birth,
                carrier_code: keep.carrier_code,
                email_carrier_code: keep.email_carrier_code,
                romaji: keep.romaji,
                ..who
            };
            o.modified = true;
        });
        Ok(())
    }

    // ----- updateOrderSender -----

    /// updateOrderSender (100/200/300) and updateOrderSenderAfterShipping (500/600/700):
    /// recipients, postage, COD fee, units and prices. When a confirmed order's amount
    /// changes before shipping it waits in 400 変更確定待ち until Rakuten confirms.
    pub fn update_sender(
        &mut self,
        number: &str,
        packages: &[PackageUpdate],
        reduction_reason: Option<u8>,
        after_shipping: bool,
    ) -> Result<(), Refusal> {
        let allowed: &[OrderProgress] =
            if after_shipping { &[Shipped, PaymentProcessing, PaymentProcessed] } else { &Self::BEFORE_SHIPPING };
        let idx = self.in_window(number, allowed)?;
        let o = self.orders.get(idx);
        // Check everything first: unknown ids, stock for added units.
        let mut stock_moves: Vec<(String, String, i64)> = Vec::new();
        for p in packages {
            let Some(pkg) = o.packages.iter().find(|x| x.basket_id == p.basket_id) else {
                return Err(Refusal::Rule("104", format!("指定された送付先ID({})は存在しません。", p.basket_id)));
            };
            for it in &p.items {
                let Some(line) = pkg.items.iter().find(|i| i.item_detail_id == it.item_detail_id) else {
                    return Err(Refusal::Rule(
                        "105",
                        format!("指定された商品明細ID({})は存在しません。", it.item_detail_id),
                    ));
                };
                if let Some(u) = it.units {
                    let delta = u - line.units;
                    if delta != 0 {
                        stock_moves.push((line.manage_number.clone(), line.variant_id.clone(), delta));
                    }
                }
            }
        }
        for (m, v, delta) in &stock_moves {
            let have = self.inventory.quantity(m, v);
            if *delta > 0 && self.inventory.get(m, v).is_some() && have < *delta {
                return Err(Refusal::Rule("106", format!("在庫が不足しています。({m}/{v} 残り{have})")));
            }
        }
        let before = o.request_price();
        let mut after_order = o.clone();
        apply_sender(&mut after_order, packages);
        let after = after_order.request_price();
        if after < before && reduction_reason.is_none() && o.progress != WaitingForConfirmation {
            return Err(Refusal::Rule("107", "減額の場合はreductionReasonを指定して下さい。".into()));
        }
        let now = self.now;
        for (m, v, delta) in &stock_moves {
            if *delta > 0 {
                self.inventory.reserve(m, v, *delta, now);
            } else {
                self.inventory.restore(m, v, -delta, now);
            }
        }
        let amount_changed = after != before;
        let confirmed_before_shipping = !after_shipping && o.progress != WaitingForConfirmation;
        let back_to = o.progress;
        let change_id = self.ids.change();
        let cause = Cause::Api(if after_shipping { "updateOrderSenderAfterShipping" } else { "updateOrderSender" });
        self.change(idx, |o| {
            apply_sender(o, packages);
            o.modified = true;
            if amount_changed && o.progress != WaitingForConfirmation {
                let detail = if after < before { 0 } else { 1 };
                let done = after_shipping;
                o.change_reasons.push(ChangeReason {
                    change_id,
                    change_type: if done { 6 } else { 4 },
                    change_type_detail: Some(detail),
                    change_reason: reduction_reason.map(|r| u8::from(reason_is_buyers(r).unwrap_or(false))),
                    change_reason_detail: reduction_reason,
                    apply: Some(now),
                    fix: done.then_some(now),
                    complete: done.then_some(now),
                });
                if confirmed_before_shipping {
                    o.move_to(WaitingForChangeConfirmation, now, cause);
                }
            }
        });
        if amount_changed && confirmed_before_shipping {
            let at = now.plus_minutes(i64::from(self.settings.change_confirm_minutes));
            self.schedule_at(at, Event::ChangeConfirm(idx, back_to));
        }
        Ok(())
    }

    pub(super) fn on_change_confirm(&mut self, idx: usize, back_to: OrderProgress) {
        if self.orders.get(idx).progress != WaitingForChangeConfirmation {
            return;
        }
        let now = self.now;
        self.change(idx, |o| {
            if let Some(cr) = o.change_reasons.iter_mut().rev().find(|c| c.change_type == 4) {
                cr.change_type = 6;
                cr.fix = Some(now);
                cr.complete = Some(now);
            }
            o.move_to(back_to, now, Cause::ChangeConfirmed);
        });
    }

    // ----- Rakuten's card review (control plane) -----

    /// Rakuten's review says NG for a card order in 200: the buyer must change the payment
    /// by the deadline (DueDateModel type 1), or the order is cancelled.
    pub fn review_ng(&mut self, number: &str) -> Result<(), BuyerError> {
        let idx =
            self.orders.find(number).ok_or_else(|| BuyerError::NotFound(format!("no order {number} in this shop")))?;
        let o = self.orders.get(idx);
        if !o.settlement.is_card() || o.progress != RakutenProcessing || o.review_ng {
            return Err(BuyerError::Conflict(format!(
                "only a card order in 200 (楽天処理中) can fail the review; {number} is {} by {}",
                o.progress.code(),
                o.settlement.name()
            )));
        }
        let now = self.now;
        let due = now.date().plus_days(i64::from(self.settings.review_ng_due_days));
        let change_id = self.ids.change();
        self.change(idx, |o| {
            o.review_ng = true;
            o.change_reasons.push(ChangeReason {
                change_id,
                change_type: 9,
                change_type_detail: Some(10),
                change_reason: None,
                change_reason_detail: None,
                apply: Some(now),
                fix: None,
                complete: None,
            });
            o.due_dates.push(DueDate { due_date_type: 1, due_date: due });
        });
        // Pending processing of this order must not move it while the review is NG.
        self.schedule_at(due.end(), Event::ReviewDeadline(idx));
        Ok(())
    }

    /// The buyer changed the payment after a review NG: processing completes (200 → 300).
    pub(super) fn resolve_review(&mut self, idx: usize) {
        let now = self.now;
        self.change(idx, |o| {
            o.review_ng = false;
            if let Some(cr) = o.change_reasons.iter_mut().rev().find(|c| c.change_type == 9) {
                cr.fix = Some(now);
                cr.complete = Some(now);
            }
            o.finish_processing(now, Cause::Payment);
        });
    }

    pub(super) fn on_review_deadline(&mut self, idx: usize) {
        let o = self.orders.get(idx);
        if !o.review_ng || o.progress != RakutenProcessing {
            return;
        }
        // お客様都合 / その他: the buyer never fixed the payment.
        self.cancel_idx(idx, 1, 6, Cause::ReviewDeadline);
    }
}

/// Applies recipient, fee and line changes to an order (checked beforehand).
fn apply_sender(o: &mut Order, packages: &[PackageUpdate]) {
    for p in packages {
        let Some(pkg) = o.packages.iter_mut().find(|x| x.basket_id == p.basket_id) else { continue };
        if let Some(v) = p.postage_price {
            pkg.postage_price = v;
        }
        if let Some(v) = p.delivery_price {
            pkg.delivery_price = v;
        }
        p.noshi.clone().apply(&mut pkg.noshi);
        p.drop_off_location.clone().apply(&mut pkg.drop_off_location);
        if let Some(s) = &p.sender {
            pkg.sender = s.clone();
        }
        for it in &p.items {
            if let Some(line) = pkg.items.iter_mut().find(|i| i.item_detail_id == it.item_detail_id) {
                if let Some(u) = it.units {
                    line.units = u;
                }
                if let Some(pr) = it.price {
                    line.price = pr;
                }
            }
        }
    }
}
