//! The buyer's and Rakuten's side, played through the control plane: placing an order
//! (stock is reserved, an order number issued), paying a prepaid order, cancelling, and the
//! card review that can fail.

use super::*;
use crate::domain::buyer;
use crate::domain::item::Item;
use crate::domain::order::{
    push_exact, CardDigits, Cause, ChangeReason, ChangeType, ChangeTypeDetail, DueDate, DueDateType, Order, OrderItem,
    OrderNumber, OrderProgress, OrderedSku, Package, ReasonDetail, SettlementMethod, MAX_AMOUNT,
};
use crate::domain::order_ops::DROP_OFF_LOCATIONS;
use crate::domain::tax::LineTax;
use crate::domain::text::Text;
use crate::domain::time::JstDateTime;
use clock::Event;
use std::collections::BTreeMap;
use std::sync::Arc;
use OrderProgress::*;

impl Shop {
    // ----- the buyer's side (control plane) -----

    /// A buyer places an order at `at` (default now). The clock first moves to `at`, firing
    /// what falls due on the way; a time before now is refused so history stays in order.
    /// (Tests only: the control plane and shop documents place orders with their extras.)
    #[cfg(test)]
    pub fn place_order(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
    ) -> Result<String, PlaceOrderError> {
        self.place_order_with(lines, settlement_code, at, &OrderExtras::default()).map(String::from)
    }

    /// [`Shop::place_order`] with points and coupons the buyer uses.
    pub fn place_order_with(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
        extras: &OrderExtras,
    ) -> Result<OrderNumber, PlaceOrderError> {
        self.place(lines, settlement_code, at, extras, true)
    }

    /// Checks an order as placing it would, up to what only placing can tell (stock, which the
    /// clock moving to `at` may still change): the terms, every line against the catalog, and
    /// the coupons against the total. Changes nothing a client can see.
    pub fn check_order(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
        extras: &OrderExtras,
    ) -> Result<(), PlaceOrderError> {
        let plan = self.plan(lines, settlement_code, at.unwrap_or(self.now), extras)?;
        plan.discounts_problem().map_or(Ok(()), Err)
    }

    /// One order of a bulk placement (`POST …/orders/bulk`): as [`Shop::place_order_with`],
    /// but the clock moves toward `at` firing at most `max_events` due events, so that one
    /// lock of the shop is never held for long; [`BulkStep::ClockMoving`] when they did not
    /// bring it there (nothing placed: call again). The placement itself is not repeated to
    /// whoever listens: the bulk reports its own orders.
    pub fn place_bulk_order(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
        extras: &OrderExtras,
        max_events: usize,
    ) -> Result<BulkStep, PlaceOrderError> {
        let mut events = 0;
        if let Some(at) = at.filter(|at| *at > self.now) {
            match self.run_until_at_most(at, max_events) {
                Some(fired) => events = fired,
                None => return Ok(BulkStep::ClockMoving),
            }
        }
        let number = self.place(lines, settlement_code, at, extras, false)?;
        Ok(BulkStep::Placed { number, events })
    }

    /// Places an order; `record_placed`: whoever listens hears of the placement itself (a bulk
    /// placement reports its own orders otherwise).
    fn place(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: Option<JstDateTime>,
        extras: &OrderExtras,
        record_placed: bool,
    ) -> Result<OrderNumber, PlaceOrderError> {
        let at = at.unwrap_or(self.now);
        let plan = self.plan(lines, settlement_code, at, extras)?;
        self.run_until(at);
        for ((m, v), units) in &plan.needed {
            let stock = self.inventory.quantity(m, v);
            if stock < *units {
                return Err(PlaceOrderError::OutOfStock {
                    manage_number: m.to_string(),
                    variant_id: v.to_string(),
                    left: stock,
                    needed: *units,
                });
            }
        }
        if let Some(problem) = plan.discounts_problem() {
            return Err(problem);
        }
        for ((m, v), units) in &plan.needed {
            self.inventory.reserve(m, v, *units, at);
        }
        let Plan { settlement, lines: snapshots, postage, delivery_cert_program, one_day_operation, .. } = plan;

        let number = OrderNumber::issue(&self.profile.shop_id, at.date(), self.ids.serial())
            .ok_or(PlaceOrderError::NoOrderNumber)?;
        let basket_id = self.ids.basket(lines.len() as u64);
        let items: Box<[OrderItem]> = snapshots
            .into_iter()
            .enumerate()
            .map(|(i, item)| OrderItem { item_detail_id: basket_id + i as u64, ..item })
            .collect();
        let ship = &self.shipping;
        let cod = if settlement.is_cash_on_delivery() { ship.cod_fee } else { 0 };
        let orderer = Arc::new(buyer::generate(&mut self.buyers, &mut self.texts, &mut self.people));
        let card_last4 = CardDigits(self.buyers.below(10_000) as u16);
        let texts = &mut self.texts;
        let mut order = Order {
            number,
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
            packages: Box::new([Package {
                basket_id,
                noshi: None,
                drop_off_location: extras.drop_off_location.as_deref().map(|p| texts.text(p)),
                sender: orderer,
                items,
                shipping: vec![],
                postage_price: postage,
                delivery_price: cod,
                default_delivery_company: texts.text(&ship.default_delivery_company),
            }]),
            delivery_name: texts.text(&ship.delivery_name),
            used_point: extras.used_point,
            memo: None,
            operator: None,
            mail_plug_sentence: None,
            remarks: Some(texts.text("[配送日時指定:]\n\n")),
            change_reasons: Box::default(),
            due_dates: Box::default(),
            history: Box::default(),
            card_last4,
            gift_check: false,
            delivery_date: None,
            shipping_term: None,
            delivery_class: None,
            coupons: extras.coupons.as_slice().into(),
            modified: false,
            review_ng: false,
            caution_detail: None,
            unconfirmed_cancel_at: at.plus_days(i64::from(self.settings.unconfirmed_cancel_days)),
            delivery_cert_program,
            one_day_operation,
        };
        let due = settlement.is_prepaid().then(|| at.date().plus_days(i64::from(self.settings.prepayment_due_days)));
        if let Some(d) = due {
            push_exact(&mut order.due_dates, DueDate { due_date_type: DueDateType::Payment, due_date: d });
        }
        push_exact(
            &mut order.history,
            crate::domain::order::StatusChange {
                at,
                from: None,
                to: OrderProgress::WaitingForConfirmation,
                cause: Cause::Placed,
            },
        );
        if record_placed {
            self.record(Transition {
                at,
                order_number: Some(number),
                from: None,
                to: Some(OrderProgress::WaitingForConfirmation),
                cause: TransitionCause::Order(Cause::Placed),
            });
        }
        let unconfirmed_cancel_at = order.unconfirmed_cancel_at;
        let idx = self.orders.insert(order);

        self.schedule_at(unconfirmed_cancel_at, Event::UnconfirmedCancel(idx));
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

    /// Everything about an order that the terms and the catalog decide, checked in the order
    /// the refusals take precedence: points, time, payment, lines (each against the catalog).
    /// Taking the catalog's snapshot of each line here means nothing is looked up twice.
    fn plan(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: JstDateTime,
        extras: &OrderExtras,
    ) -> Result<Plan, PlaceOrderError> {
        if extras.used_point < 0 {
            return Err(PlaceOrderError::NegativePoints(extras.used_point));
        }
        if at < self.now {
            return Err(PlaceOrderError::BeforeNow { at, now: self.now });
        }
        let settlement =
            SettlementMethod::from_code(settlement_code).ok_or(PlaceOrderError::UnknownSettlement(settlement_code))?;
        if lines.is_empty() {
            return Err(PlaceOrderError::NoLines);
        }
        if let Some(place) = extras.drop_off_location.as_ref().filter(|p| !DROP_OFF_LOCATIONS.contains(&p.as_str())) {
            return Err(PlaceOrderError::UnknownDropOffLocation(place.clone()));
        }
        let mut needed: BTreeMap<(Text, Text), i64> = BTreeMap::new();
        let mut snapshots: Vec<OrderItem> = Vec::with_capacity(lines.len());
        let mut own_postage: Vec<Option<i64>> = Vec::with_capacity(lines.len());
        for (i, l) in lines.iter().enumerate() {
            if !(1..=999).contains(&l.units) {
                return Err(PlaceOrderError::UnitsOutOfRange { line: i, units: l.units });
            }
            let facts = self.sku_facts(i, l)?;
            if facts.hidden {
                return Err(PlaceOrderError::Hidden {
                    manage_number: l.manage_number.clone(),
                    variant_id: l.variant_id.clone(),
                });
            }
            let Some(price) = facts.price else {
                return Err(PlaceOrderError::NoPrice {
                    manage_number: l.manage_number.clone(),
                    variant_id: l.variant_id.clone(),
                });
            };
            own_postage.push(facts.own_postage);
            // The stock the order needs (the line names the SKU exactly as the catalog does).
            let sku = facts.sku;
            *needed.entry((sku.manage_number.clone(), sku.variant_id.clone())).or_default() += l.units;
            snapshots.push(OrderItem {
                item_detail_id: 0,
                price,
                units: l.units,
                price_tax_incl: facts.tax.price_tax_incl(price, self.settings.tax_rounding),
                sku,
            });
        }
        // An order falls under a delivery programme when all its items do, unless the buyer
        // side says otherwise.
        let all_marked =
            |mark: fn(ItemMarks) -> bool| snapshots.iter().all(|i| mark(self.item_marks(&i.sku.manage_number)));
        let delivery_cert_program =
            extras.delivery_cert_program.unwrap_or_else(|| all_marked(|m| m.delivery_cert_program));
        let one_day_operation = extras.one_day_operation.unwrap_or_else(|| all_marked(|m| m.one_day_operation));
        let postage = self.postage_for(&snapshots, &own_postage);
        // Coupons and points cannot exceed what the buyer pays for goods and postage (tax
        // included: a tax-exclusive line counts with its tax).
        let goods: i64 = snapshots.iter().map(OrderItem::amount_tax_incl).fold(0, i64::saturating_add);
        let discounts =
            extras.coupons.iter().map(|c| c.total()).fold(0, i64::saturating_add).saturating_add(extras.used_point);
        let total = goods.saturating_add(postage.max(0));
        Ok(Plan {
            settlement,
            lines: snapshots,
            needed,
            postage,
            discounts,
            total,
            delivery_cert_program,
            one_day_operation,
        })
    }

    /// What a line's SKU is in the catalog now (`line` is the line's position, for refusals).
    /// Kept per SKU until the catalog changes, so a bulk of a million orders of a few hundred
    /// SKUs looks each one up (and copies its texts) once.
    fn sku_facts(&mut self, line: usize, l: &OrderLine) -> Result<SkuFacts, PlaceOrderError> {
        let revision = self.catalog.revision();
        let cached = self.sku_facts.get(l.manage_number.as_str()).and_then(|v| v.get(l.variant_id.as_str()));
        if let Some(facts) = cached.filter(|f| f.revision == revision) {
            return Ok(facts.clone());
        }
        let Some(item) = self.catalog.get(&l.manage_number) else {
            return Err(PlaceOrderError::UnknownItem { line, manage_number: l.manage_number.clone() });
        };
        let Some(v) = item.variant(&l.variant_id) else {
            return Err(PlaceOrderError::UnknownVariant {
                line,
                manage_number: l.manage_number.clone(),
                variant_id: l.variant_id.clone(),
            });
        };
        let tax = LineTax::of(item.data().payment.as_ref());
        let texts = &mut self.texts;
        let sku_info = v.sku_info().map(|s| texts.text(&s));
        let sku = self.ordered_skus.intern(OrderedSku {
            item_name: texts.text(item.title()),
            item_id: item.item_id,
            item_number: texts.text(item.item_number()),
            manage_number: texts.text(&item.manage_number),
            selected_choice: sku_info.clone(),
            variant_id: texts.text(&v.variant_id),
            merchant_defined_sku_id: v.merchant_defined_sku_id.as_deref().map(|s| texts.text(s)),
            sku_info,
            tax_rate_permille: tax.rate_permille,
            tax_included: tax.included,
            restore_inventory: v.restock_on_cancel,
        });
        let facts = SkuFacts {
            revision,
            hidden: item.flag("hideItem") || v.hidden,
            price: v.standard_price,
            own_postage: variant_postage(item, &l.variant_id),
            tax,
            sku,
        };
        let (m, v) = (texts.text(&l.manage_number), texts.text(&l.variant_id));
        self.sku_facts.entry(m).or_default().insert(v, facts.clone());
        Ok(facts)
    }

    /// A basket's postage. Lines whose SKU has its own `shipping.fee` (個別送料) carry that fee,
    /// once per line whatever the units; the other lines together carry the shop's postage,
    /// which is free once their goods (tax included, as the buyer sees the price) reach the
    /// free-postage threshold, or undetermined (-9999) when the shop sets it later. A basket
    /// pays both when it holds both kinds. All of this is inferred: the Item model has the fee,
    /// how RMS combines it with the shop's postage is not documented.
    fn postage_for(&self, lines: &[OrderItem], own_postage: &[Option<i64>]) -> i64 {
        let own: i64 = own_postage.iter().flatten().fold(0, |a, f| a.saturating_add(*f));
        let shop_lines: Vec<&OrderItem> =
            lines.iter().zip(own_postage).filter(|(_, fee)| fee.is_none()).map(|(l, _)| l).collect();
        if shop_lines.is_empty() {
            return own;
        }
        let goods = shop_lines.iter().map(|l| l.amount_tax_incl()).fold(0, i64::saturating_add);
        let ship = &self.shipping;
        if ship.free_postage_threshold > 0 && goods >= ship.free_postage_threshold {
            own
        } else if ship.postage_undetermined {
            crate::domain::order::UNDETERMINED
        } else {
            own.saturating_add(ship.postage_price)
        }
    }

    /// The buyer pays a prepaid order (a confirmed one moves 200 → 300 at once), or changes
    /// the payment of a card order whose review failed.
    pub fn pay(&mut self, number: &str) -> Result<(), BuyerError> {
        let idx = self.orders.find(number).ok_or_else(|| BuyerError::NotFound(number.to_string()))?;
        let o = self.orders.get(idx);
        if o.review_ng {
            self.resolve_review(idx);
            return Ok(());
        }
        if !o.settlement.is_prepaid() {
            return Err(BuyerError::NotPrepaid { number: number.to_string(), settlement: o.settlement });
        }
        if o.paid_at.is_some() {
            return Err(BuyerError::AlreadyPaid(number.to_string()));
        }
        if o.is_cancelled() {
            return Err(BuyerError::Cancelled { number: number.to_string(), progress: o.progress });
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
        let idx = self.orders.find(number).ok_or_else(|| BuyerError::NotFound(number.to_string()))?;
        let o = self.orders.get(idx);
        let deadline = o.order_datetime.plus_minutes(i64::from(self.settings.buyer_cancel_minutes));
        if self.now > deadline {
            return Err(BuyerError::CancelWindowClosed {
                deadline,
                window_minutes: self.settings.buyer_cancel_minutes,
                now: self.now,
            });
        }
        if !matches!(o.progress, OrderProgress::WaitingForConfirmation | OrderProgress::RakutenProcessing) {
            return Err(BuyerError::NotCancellable { number: number.to_string(), progress: o.progress });
        }
        self.cancel_idx(idx, ReasonDetail::Cancel, Cause::BuyerCancel);
        Ok(())
    }

    // ----- Rakuten's card review (control plane) -----

    /// Rakuten's review says NG for a card order in 200: the buyer must change the payment
    /// by the deadline (DueDateModel type 1), or the order is cancelled.
    pub fn review_ng(&mut self, number: &str) -> Result<(), BuyerError> {
        let idx = self.orders.find(number).ok_or_else(|| BuyerError::NotFound(number.to_string()))?;
        let o = self.orders.get(idx);
        if !o.settlement.is_card() || o.progress != RakutenProcessing || o.review_ng {
            return Err(BuyerError::NotReviewable {
                number: number.to_string(),
                progress: o.progress,
                settlement: o.settlement,
            });
        }
        let now = self.now;
        let due = now.date().plus_days(i64::from(self.settings.review_ng_due_days));
        let change_id = self.ids.change();
        self.change(idx, |o| {
            o.review_ng = true;
            push_exact(
                &mut o.change_reasons,
                ChangeReason {
                    change_id,
                    change_type: ChangeType::Repayment,
                    change_type_detail: Some(ChangeTypeDetail::PaymentMethodChange),
                    change_reason: None,
                    change_reason_detail: None,
                    apply: Some(now),
                    fix: None,
                    complete: None,
                },
            );
            push_exact(&mut o.due_dates, DueDate { due_date_type: DueDateType::PaymentMethodChange, due_date: due });
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
            if let Some(cr) = o.change_reasons.iter_mut().rev().find(|c| c.change_type == ChangeType::Repayment) {
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
        self.cancel_idx(idx, ReasonDetail::BuyerOther, Cause::ReviewDeadline);
    }
}

/// An order as the terms and the catalog make it, before stock and the clock have their say.
struct Plan {
    settlement: SettlementMethod,
    /// The lines, their `itemDetailId` not given yet.
    lines: Vec<OrderItem>,
    /// Units per SKU (the lines together).
    needed: BTreeMap<(Text, Text), i64>,
    postage: i64,
    /// Coupons and points.
    discounts: i64,
    /// Goods (with tax) and postage.
    total: i64,
    delivery_cert_program: bool,
    one_day_operation: bool,
}

impl Plan {
    /// Coupons and points over the total are refused.
    fn discounts_problem(&self) -> Option<PlaceOrderError> {
        (self.discounts > self.total)
            .then_some(PlaceOrderError::DiscountsExceedTotal { discounts: self.discounts, total: self.total })
    }
}

/// A SKU as placing an order needs it, as of a catalog revision.
#[derive(Clone, Debug)]
pub(super) struct SkuFacts {
    /// The catalog's revision these were read at.
    revision: u64,
    /// The item or the SKU is in the warehouse.
    hidden: bool,
    /// `standardPrice`, if any.
    price: Option<i64>,
    /// The SKU's own postage, if any.
    own_postage: Option<i64>,
    tax: LineTax,
    /// The SKU as ordered.
    sku: Arc<OrderedSku>,
}

/// What one call of [`Shop::place_bulk_order`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkStep {
    /// The order was placed, after the clock fired `events` due events on the way to its time.
    Placed {
        /// Its number.
        number: OrderNumber,
        /// Due events fired before it (at most the `max_events` given).
        events: usize,
    },
    /// The clock fired `max_events` due events and has not reached the order's time yet.
    ClockMoving,
}

/// A SKU's own postage: its Item API `shipping.fee` (a string of yen, e.g. `"500"`), or None
/// when it has none, so the shop's postage applies. A fee that is not a whole number of yen
/// within 0..=[`MAX_AMOUNT`] is taken as none (inferred: the Item API's rules for the text
/// are not modelled).
fn variant_postage(item: &Item, variant_id: &str) -> Option<i64> {
    let variant = item.data().variants.as_ref()?.get(variant_id)?;
    let fee = variant.shipping.as_ref()?.fee.as_deref()?;
    fee.trim().parse::<i64>().ok().filter(|f| (0..=MAX_AMOUNT).contains(f))
}
