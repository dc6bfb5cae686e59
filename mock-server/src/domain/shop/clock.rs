//! The shop's virtual clock: what RMS does on its own at a given time (auto-confirm,
//! Rakuten's processing, deadlines, licence expiry), kept in a schedule and fired in time order
//! as the clock moves. Manual clocks move only on `advance_to`; wall clocks also follow real
//! time (`wall.rs`).

use super::*;
use crate::domain::inventory::ORPHAN_TTL_MINUTES;
use crate::domain::order::{Cause, OrderProgress, ReasonDetail};
use crate::domain::time::JstDateTime;

/// 9989-12-31T23:59:59+0900 in seconds since 1970-01-01T00:00:00 JST (see [`latest`]).
const LATEST_SECONDS: i64 = 253_086_767_999;

/// The latest time a shop's clock reaches, 9989-12-31T23:59:59+0900: [`MAX_SPAN_DAYS`](crate::domain::time::MAX_SPAN_DAYS) before
/// the end of year 9999, so that every date the fake writes from the clock (the date inside an
/// order number `NNNNNN-YYYYMMDD-NNNNNNNNNN`, due dates, a cancel-due date a year on, a delay
/// of ten years) keeps its four-digit year. Times after it are refused where they come in
/// (advances, anchors, order times); the clock itself stops there whatever moves it (a wall
/// clock at speed 1,000,000 reaches it in about 2.5 days).
pub fn latest() -> JstDateTime {
    JstDateTime::from_seconds(LATEST_SECONDS)
}

/// Something RMS does on its own at a given virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
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
    /// Rakuten cancels an order its fraud review found NG.
    ReviewNgCancel(usize),
    /// A social gift's address is due.
    GiftInputDeadline(usize),
    /// A simulated buyer arrives, pays or cancels (`shop/simulate.rs`).
    Simulated(crate::domain::simulate::SimStep),
}

impl Shop {
    /// True while the licence key is valid on the shop's clock.
    pub fn license_valid(&self) -> bool {
        self.now < self.profile.license_expires_at()
    }

    /// Issues a new licence key (renewal). The old key stops working at once.
    pub fn renew_license(&mut self, key: String, issued_at: JstDateTime) {
        self.profile.license_key = key;
        self.profile.license_issued_at = issued_at;
        let expiries: Vec<_> =
            self.schedule.iter().filter(|(_, e)| **e == Event::LicenseExpiry).map(|(k, _)| *k).collect();
        for key in expiries {
            self.unschedule(&key);
        }
        self.schedule_at(self.profile.license_expires_at(), Event::LicenseExpiry);
    }

    pub(super) fn schedule_at(&mut self, at: JstDateTime, event: Event) {
        self.schedule_seq += 1;
        self.schedule.insert((at, self.schedule_seq), event);
        self.schedule_added.mark(|| (at, self.schedule_seq));
    }

    // ----- the clock -----

    /// Moves the clock to `target`, firing every due event in time order; returns what fired.
    /// A target in the past leaves the clock where it is. (Tests: the control plane moves the
    /// clock in steps, [`ShopHandle::advance_in_steps`](super::ShopHandle::advance_in_steps).)
    #[cfg(test)]
    pub fn advance_to(&mut self, target: JstDateTime) -> Vec<Transition> {
        self.recording(|s| s.run_until(target)).1
    }

    /// [`Shop::advance_to`] with nobody listening: a shop document's history is played this
    /// way, so a document of a million orders keeps no list of what fired on the way.
    pub fn advance_quietly(&mut self, target: JstDateTime) {
        self.run_until(target);
    }

    /// One step of a long advance: fires at most `max_events` of the events due by `target`
    /// and, if none is left, moves the clock to `target`. Returns what fired and whether
    /// `target` was reached; repeated steps fire exactly what one [`Shop::advance_to`] fires.
    pub fn advance_step(&mut self, target: JstDateTime, budget: Budget) -> (Vec<Transition>, bool) {
        let (reached, fired) = self.recording(|s| s.run_until_at_most(target, budget).is_some());
        (fired, reached)
    }

    pub(super) fn run_until(&mut self, target: JstDateTime) {
        self.run_until_at_most(target, Budget::units(usize::MAX));
    }

    /// Fires at most `max_events` due events in time order and moves the clock to `target`;
    /// when the budget runs out first, the clock stays at the last event fired and the rest
    /// waits for the next call. Some(events fired) when `target` was reached.
    pub(super) fn run_until_at_most(&mut self, target: JstDateTime, budget: Budget) -> Option<usize> {
        // The clock stops at the latest time; what is due after it never fires.
        let target = target.min(latest());
        let mut fired = 0;
        while let Some((&(at, seq), _)) = self.schedule.iter().next() {
            if at > target {
                break;
            }
            if !budget.allows(fired) {
                return None;
            }
            let Some(event) = self.unschedule(&(at, seq)) else {
                break;
            };
            self.now = self.now.max(at);
            self.fire(event);
            fired += 1;
        }
        self.now = self.now.max(target);
        Some(fired)
    }

    fn fire(&mut self, event: Event) {
        let now = self.now;
        match event {
            Event::LicenseExpiry => self.record(Transition {
                at: now,
                order_number: None,
                from: None,
                to: None,
                cause: TransitionCause::LicenseExpired,
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
                    self.cancel_idx(idx, ReasonDetail::ShopOther, Cause::AutoCancel);
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
                self.async_dirty.mark(|| id.clone());
            }
            Event::ReviewDeadline(idx) => self.on_review_deadline(idx),
            Event::ReviewNgCancel(idx) => self.on_review_ng_cancel(idx),
            Event::GiftInputDeadline(idx) => self.on_gift_input_deadline(idx),
            Event::Simulated(step) => self.on_simulated(step),
            Event::PaymentDeadline(idx) => {
                let o = self.orders.get(idx);
                let waiting =
                    matches!(o.progress, OrderProgress::WaitingForConfirmation | OrderProgress::RakutenProcessing);
                if waiting && o.paid_at.is_none() {
                    // お客様都合 / 4 未入金
                    self.cancel_idx(idx, ReasonDetail::Unpaid, Cause::PaymentDeadline);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::shop::{OrderLine, ShopHandle};
    use crate::setup::{parse_toml, ShopDocument};

    fn busy_shop() -> Shop {
        let doc: ShopDocument = parse_toml(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-11-28T09:00:00+0900\"\n\
             [settings]\nauto_confirm = true\nauto_confirm_delay_minutes = 20\nprocessing_delay_minutes = 5\n\
             [[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1000\nquantity = 9999\n",
            "t",
        )
        .unwrap();
        let mut shop = doc.build("t").unwrap();
        let line = [OrderLine { manage_number: "i".into(), variant_id: "v".into(), units: 1 }];
        for i in 0..700 {
            // Card orders are confirmed and processed; bank transfers wait for a payment that
            // never comes and are cancelled at their deadline.
            let at = shop.now().plus_seconds(1 + i % 2);
            shop.place_order(&line, if i % 7 == 0 { 9 } else { 1 }, Some(at)).unwrap();
        }
        shop
    }

    #[test]
    fn a_step_fires_at_most_its_budget_and_leaves_the_clock_at_the_last_event() {
        let mut s = busy_shop();
        let target = s.now().plus_days(30);
        let (fired, reached) = s.advance_step(target, Budget::units(3));
        assert_eq!((fired.len(), reached), (3, false));
        assert_eq!(s.now(), fired[2].at);
        let (rest, reached) = s.advance_step(target, Budget::units(usize::MAX));
        assert!(reached && !rest.is_empty());
        assert_eq!(s.now(), target);
    }

    #[test]
    fn an_advance_in_steps_fires_exactly_what_one_advance_fires() {
        let mut whole = busy_shop();
        let target = whole.now().plus_days(30);
        let expected = whole.advance_to(target);
        assert!(expected.len() > 3 * crate::domain::shop::ADVANCE_STEP_EVENTS, "several steps: {}", expected.len());
        let handle = ShopHandle::new(busy_shop());
        let mut fired = Vec::new();
        let now = handle.advance_in_steps(target, |step| fired.extend_from_slice(step));
        assert_eq!((fired, now), (expected, target));
        let progress = |s: &Shop| s.orders().iter().map(|o| o.progress).collect::<Vec<_>>();
        assert_eq!(handle.with(|s| progress(s)), progress(&whole));
    }

    /// A step whose time is up begins no second event, however many its count allows: a step
    /// of a budget of no time fires one event; such steps still fire exactly what one
    /// advance fires, in the same order.
    #[test]
    fn a_step_out_of_time_fires_one_event_and_the_steps_fire_what_one_advance_fires() {
        let mut whole = busy_shop();
        let target = whole.now().plus_days(30);
        let expected = whole.advance_to(target);
        let mut s = busy_shop();
        let (mut fired, mut steps) = (Vec::new(), 0);
        loop {
            let before = s.now();
            let (step, reached) = s.advance_step(target, Budget::timed(usize::MAX, std::time::Duration::ZERO));
            steps += 1;
            if !reached {
                // One event fired: the clock stands at it.
                assert!(step.iter().all(|t| t.at == s.now()) && s.now() >= before, "{step:?}");
            }
            fired.extend(step);
            if reached {
                break;
            }
        }
        assert_eq!(fired, expected);
        assert!(steps > 3 * crate::domain::shop::ADVANCE_STEP_EVENTS, "one event a step: {steps} steps");
        assert_eq!(s.now(), target);
    }

    #[test]
    fn a_budget_allows_its_count_and_past_its_time_only_a_first_unit() {
        let counted = Budget::units(2);
        assert!(counted.allows(0) && counted.allows(1) && !counted.allows(2));
        assert!(!counted.after(2).allows(0), "nothing left");
        let timeless = Budget::timed(10, std::time::Duration::ZERO);
        assert!(timeless.allows(0) && !timeless.allows(1));
        let roomy = Budget::timed(3, std::time::Duration::from_secs(3600));
        assert!(roomy.allows(2) && !roomy.allows(3));
        assert!(roomy.after(1).allows(1) && !roomy.after(1).allows(2));
    }

    /// The handover, without timing anything: a request that starts waiting during a step
    /// gets the shop before the next step (std's Mutex alone would let the stepping thread
    /// take it straight back).
    #[test]
    fn a_request_waiting_during_a_step_goes_before_the_next_step() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let handle = ShopHandle::new(busy_shop());
        let steps_done = Arc::new(AtomicUsize::new(0));
        let mut waiter = None;
        let seen = handle.in_steps_handing_over(std::time::Duration::from_secs(30), |_| {
            let done = steps_done.fetch_add(1, Ordering::SeqCst) + 1;
            if done == 1 {
                let (h, steps) = (handle.clone(), steps_done.clone());
                waiter = Some(std::thread::spawn(move || h.with(|_| steps.load(Ordering::SeqCst))));
                // Inside the step, until the request is waiting for the lock.
                while handle.0.waiting.load(Ordering::SeqCst) == 0 {
                    std::thread::yield_now();
                }
            }
            (done == 3).then_some(done)
        });
        assert_eq!(seen, 3);
        let waited = waiter.map(|w| w.join().unwrap());
        assert_eq!(waited, Some(1), "the waiting request saw the shop after step 1, before step 2");
    }
}
