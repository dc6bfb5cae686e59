//! The buyer's and Rakuten's side, played through the control plane: placing an order
//! (stock is reserved, an order number issued), paying a prepaid order, cancelling, and the
//! card review that can fail.

use super::*;
use crate::domain::buyer;
use crate::domain::item::Item;
use crate::domain::order::UNDETERMINED;
use crate::domain::order::{
    push_exact, CardDigits, Cause, ChangeReason, ChangeType, ChangeTypeDetail, DueDate, DueDateType, Order, OrderItem,
    OrderNumber, OrderProgress, OrderedSku, Package, ReasonDetail, SettlementMethod, MAX_AMOUNT,
};
use crate::domain::order_kind::{
    awaiting_recipient, is_reserve_number, reserve_number, Reservation, SocialGift, CAUTION_DETAIL_TYPES,
    CAUTION_DISPLAY_TYPES,
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
        let plan = self.plan_all(lines, settlement_code, at.unwrap_or(self.now), extras)?;
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
        budget: Budget,
    ) -> Result<BulkStep, PlaceOrderError> {
        let mut events = 0;
        if let Some(at) = at.filter(|at| *at > self.now) {
            match self.run_until_at_most(at, budget) {
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
        let plan = self.plan_all(lines, settlement_code, at, extras)?;
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
        let Plan { settlement, lines: snapshots, postage, delivery_cert_program, one_day_operation, more, .. } = plan;

        let serial = self.ids.serial();
        let number = self.issue_number(at, serial).ok_or(PlaceOrderError::NoOrderNumber)?;
        let basket_id = self.ids.basket(lines.len() as u64);
        let items: Box<[OrderItem]> = snapshots
            .into_iter()
            .enumerate()
            .map(|(i, item)| OrderItem { item_detail_id: basket_id + i as u64, ..item })
            .collect();
        // Further baskets take their ids after the first, as RMS counts them up (inferred).
        let more: Vec<(u64, Box<[OrderItem]>, i64)> = more
            .into_iter()
            .map(|(lines, postage)| {
                let id = self.ids.basket(lines.len() as u64);
                let items = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| OrderItem { item_detail_id: id + i as u64, ..item })
                    .collect();
                (id, items, postage)
            })
            .collect();
        let ship = &self.shipping;
        let cod = if settlement.is_cash_on_delivery() { ship.cod_fee } else { 0 };
        let orderer = Arc::new(buyer::generate(&mut self.buyers, &mut self.texts, &mut self.people));
        let card_last4 = CardDigits(self.buyers.below(10_000) as u16);
        // Drawn after the orderer and the card, so that plain orders draw as they always did.
        let recipients: Vec<Arc<crate::domain::buyer::Buyer>> = more
            .iter()
            .map(|_| {
                let mut b = buyer::generate(&mut self.buyers, &mut self.texts, &mut self.people);
                b.email = self.texts.text("");
                Arc::new(b)
            })
            .collect();
        let gift = extras.social_gift.then(|| {
            let days = extras.gift_input_days.unwrap_or(DEFAULT_GIFT_INPUT_DAYS);
            SocialGift {
                number: format!("{number}-sg"),
                input_due_date: at.date().plus_days(i64::from(days)),
                input_at: None,
                receiver_email: None,
            }
        });
        let first_sender = if gift.is_some() {
            Arc::new(awaiting_recipient(&mut self.texts, &mut self.people))
        } else {
            orderer.clone()
        };
        let reservation = extras.order_type.is_reserved().then(|| Reservation {
            number: extras
                .reserve_number
                .clone()
                .unwrap_or_else(|| reserve_number(&self.profile.shop_id, at.date(), serial)),
            delivery_count: extras.reserve_delivery_count.unwrap_or(1),
        });
        let texts = &mut self.texts;
        let drop_off = extras.drop_off_location.as_deref().map(|p| texts.text(p));
        let default_company = texts.text(&ship.default_delivery_company);
        let postage = if extras.postage_undetermined { UNDETERMINED } else { postage };
        let mut packages = Vec::with_capacity(1 + more.len());
        packages.push(Package {
            basket_id,
            noshi: None,
            drop_off_location: drop_off.clone(),
            sender: first_sender,
            items,
            shipping: vec![],
            postage_price: postage,
            delivery_price: cod,
            default_delivery_company: default_company.clone(),
            social_gift: gift.clone(),
        });
        for ((basket_id, items, postage), sender) in more.into_iter().zip(recipients) {
            packages.push(Package {
                basket_id,
                noshi: None,
                drop_off_location: drop_off.clone(),
                sender,
                items,
                shipping: vec![],
                postage_price: if extras.postage_undetermined { UNDETERMINED } else { postage },
                // The COD fee is charged once, on the first basket (inferred).
                delivery_price: 0,
                default_delivery_company: default_company.clone(),
                social_gift: None,
            });
        }
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
            orderer,
            packages: packages.into_boxed_slice(),
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
            caution_detail: extras.caution_detail,
            unconfirmed_cancel_at: at.plus_days(i64::from(self.settings.unconfirmed_cancel_days)),
            delivery_cert_program,
            one_day_operation,
            order_type: extras.order_type,
            reservation,
            caution_display: extras.caution_display,
            rakuten_confirm: extras.rakuten_confirm || extras.review_ng,
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
        if let Some(g) = &gift {
            self.schedule_at(g.input_due_date.end(), Event::GiftInputDeadline(idx));
        }
        if extras.review_ng {
            // "Cancelled by Rakuten the next day" (field-failures.md row 11): 24 hours on
            // (inferred: the hour is not documented).
            self.schedule_at(at.plus_days(1), Event::ReviewNgCancel(idx));
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

    /// [`Shop::plan`] for the order's own lines, then for each further destination (its
    /// problems named by the destination), with the placement keys checked first.
    fn plan_all(
        &mut self,
        lines: &[OrderLine],
        settlement_code: i64,
        at: JstDateTime,
        extras: &OrderExtras,
    ) -> Result<Plan, PlaceOrderError> {
        if !extras.order_type.is_reserved()
            && (extras.reserve_number.is_some() || extras.reserve_delivery_count.is_some())
        {
            return Err(PlaceOrderError::ReservationOnNormalOrder);
        }
        if let Some(n) = extras.reserve_number.as_ref().filter(|n| !is_reserve_number(n)) {
            return Err(PlaceOrderError::BadReserveNumber(n.clone()));
        }
        if extras.reserve_delivery_count == Some(0) {
            return Err(PlaceOrderError::BadReserveDeliveryCount(0));
        }
        if !CAUTION_DISPLAY_TYPES.contains(&extras.caution_display) {
            return Err(PlaceOrderError::BadCautionDisplay(extras.caution_display));
        }
        if let Some(d) = extras.caution_detail.filter(|d| !CAUTION_DETAIL_TYPES.contains(d)) {
            return Err(PlaceOrderError::BadCautionDetail(d));
        }
        if extras.social_gift && !extras.destinations.is_empty() {
            return Err(PlaceOrderError::SocialGiftWithDestinations);
        }
        if extras.destinations.len() + 1 > MAX_DESTINATIONS {
            return Err(PlaceOrderError::TooManyDestinations(extras.destinations.len() + 1));
        }
        let mut plan = self.plan(lines, settlement_code, at, extras)?;
        let plain = OrderExtras {
            delivery_cert_program: extras.delivery_cert_program,
            one_day_operation: extras.one_day_operation,
            ..OrderExtras::default()
        };
        for (d, dest) in extras.destinations.iter().enumerate() {
            let p = self
                .plan(dest, settlement_code, at, &plain)
                .map_err(|e| PlaceOrderError::InDestination { destination: d, problem: Box::new(e) })?;
            for (k, units) in p.needed {
                *plan.needed.entry(k).or_default() += units;
            }
            plan.total = plan.total.saturating_add(p.total);
            plan.delivery_cert_program &= p.delivery_cert_program;
            plan.one_day_operation &= p.one_day_operation;
            plan.more.push((p.lines, p.postage));
        }
        Ok(plan)
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
            more: vec![],
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

    /// The number of a new order: the serial with the shop's `order_number_tail` digits (an
    /// 8-digit tail keeps the serial's last eight digits, so it stays 8 digits long).
    fn issue_number(&self, at: JstDateTime, serial: u64) -> Option<OrderNumber> {
        match self.settings.order_number_tail {
            8 => OrderNumber::issue_with_tail(&self.profile.shop_id, at.date(), serial % 100_000_000, 8),
            _ => OrderNumber::issue(&self.profile.shop_id, at.date(), serial),
        }
    }

    // ----- orders a shop really gets (control plane, shop documents) -----

    /// The shop sets a basket's postage (送料未確定 → a real amount): `basket_id` None sets
    /// every basket. The order's amounts follow at once (`postagePrice`, `totalPrice`,
    /// `requestPrice` stop being −9999 once no basket is undetermined). Taken in 100–400 (the
    /// statuses updateOrderSender takes, and 400 while a change waits). A staff edit that
    /// enters the postage of an undetermined basket comes here too ([`Shop::staff_edit`]); one
    /// that changes a determined postage follows updateOrderSender's rules instead (400 for a
    /// confirmed order, `modifyFlag`), which this control-plane step, Rakuten's side of the
    /// fake, does not apply.
    pub fn set_postage(&mut self, number: &str, basket_id: Option<u64>, postage: i64) -> Result<(), BuyerError> {
        let idx = self.orders.find(number).ok_or_else(|| BuyerError::NotFound(number.to_string()))?;
        if !(0..=MAX_AMOUNT).contains(&postage) {
            return Err(BuyerError::PostageOutOfRange(postage));
        }
        let o = self.orders.get(idx);
        if !matches!(
            o.progress,
            WaitingForConfirmation | RakutenProcessing | WaitingForShipment | WaitingForChangeConfirmation
        ) {
            return Err(BuyerError::PostageLocked { number: number.to_string(), progress: o.progress });
        }
        if let Some(id) = basket_id.filter(|id| !o.packages.iter().any(|p| p.basket_id == *id)) {
            return Err(BuyerError::NoSuchBasket { number: number.to_string(), basket_id: id });
        }
        self.change(idx, |o| {
            for p in o.packages.iter_mut().filter(|p| basket_id.is_none_or(|id| p.basket_id == id)) {
                p.postage_price = postage;
            }
        });
        Ok(())
    }

    /// The recipient of a social gift enters the address: the basket's 入力待ち placeholders
    /// become `address` (or a generated recipient where it leaves a field out), `inputFlag` 1
    /// with `inputCompDatetime` now, and the recipient's masked e-mail in
    /// `receiverEmailAddress`.
    pub fn enter_gift_address(&mut self, number: &str, address: &GiftAddress) -> Result<(), BuyerError> {
        let idx = self.orders.find(number).ok_or_else(|| BuyerError::NotFound(number.to_string()))?;
        let o = self.orders.get(idx);
        let Some(pos) = o.packages.iter().position(|p| p.social_gift.is_some()) else {
            return Err(BuyerError::NotSocialGift(number.to_string()));
        };
        if o.packages[pos].social_gift.as_ref().is_some_and(|g| g.entered()) {
            return Err(BuyerError::GiftAddressEntered(number.to_string()));
        }
        if o.is_cancelled() {
            return Err(BuyerError::Cancelled { number: number.to_string(), progress: o.progress });
        }
        let generated = buyer::generate(&mut self.buyers, &mut self.texts, &mut self.people);
        let email = generated.email.to_string();
        let recipient = address.apply(generated, &mut self.texts, &mut self.people);
        let now = self.now;
        self.change_text(idx, |o| {
            let p = &mut o.packages[pos];
            p.sender = Arc::new(recipient);
            if let Some(g) = &mut p.social_gift {
                g.input_at = Some(now);
                g.receiver_email = Some(email);
            }
        });
        Ok(())
    }

    /// A social gift's address was not entered by its due date: Rakuten cancels the order
    /// (changeReasonDetail 16 受取情報入力期限切れ), unless it was already cancelled.
    pub(super) fn on_gift_input_deadline(&mut self, idx: usize) {
        let o = self.orders.get(idx);
        if o.awaiting_gift_address() && !o.is_cancelled() {
            self.cancel_idx(idx, ReasonDetail::ReceiptInfoExpired, Cause::GiftInputExpired);
        }
    }

    /// Rakuten's fraud review said NG: the order is cancelled the day after it was placed,
    /// whatever the shop did meanwhile (shipped included: the field's "shipped, then cancelled
    /// by Rakuten", field-failures.md row 11), with changeReasonDetail 14 顧客・配送対応注意表示
    /// and `cautionDisplayType` 2 キャンセル確定; the review is over (`rakutenConfirmFlag` 0).
    /// Orders already paid out (600/700) or cancelled are left alone (inferred).
    pub(super) fn on_review_ng_cancel(&mut self, idx: usize) {
        let o = self.orders.get(idx);
        if o.is_cancelled() || matches!(o.progress, PaymentProcessing | PaymentProcessed) {
            return;
        }
        self.change(idx, |o| {
            o.caution_display = 2;
            o.rakuten_confirm = false;
        });
        self.cancel_idx(idx, ReasonDetail::CautionDisplay, Cause::ReviewNg);
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
    /// Further destinations: each basket's lines and postage.
    more: Vec<(Vec<OrderItem>, i64)>,
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
