//! The shop's simulated buyers on its clock: one pending "next buyer" event in the schedule.
//! When it fires, the buyer ([`Simulation::visit`]) orders through the same path as every
//! other buyer (stock is reserved, out of stock is refused), their payment or cancellation is
//! scheduled, and so is the next buyer. Arrivals therefore fire in time order with every other
//! transition, however the clock is moved.

use super::*;
use crate::domain::simulate::{Plan, SimStep, Simulation};
use clock::Event;

impl Shop {
    /// The simulated buyers, once a plan was set (on or off).
    pub fn simulation(&self) -> Option<&Simulation> {
        self.simulation.as_ref()
    }

    /// When the next simulated buyer arrives, if one is due.
    pub fn next_simulated_arrival(&self) -> Option<JstDateTime> {
        self.simulation.as_ref()?.pending().map(|(at, _)| at)
    }

    /// Follows `plan` from now on (the caller checked it with [`Plan::check`]). A pending
    /// arrival stays where it is unless the rate or the seed changed; then the next buyer is
    /// drawn afresh from now. Switching off drops the pending arrival, but buyers who already
    /// ordered still pay or cancel as they meant to.
    pub fn set_simulation(&mut self, plan: Plan) {
        let before = self.simulation.as_ref().map(|s| (s.plan().orders_per_hour, s.plan().seed));
        let after = (plan.orders_per_hour, plan.seed);
        let sim = match self.simulation.as_mut() {
            Some(sim) => {
                sim.replan(plan);
                sim
            }
            None => self.simulation.insert(Simulation::new(plan)),
        };
        if sim.pending().is_some() && sim.wants_arrivals() && before == Some(after) {
            return;
        }
        if let Some(key) = sim.pending() {
            sim.set_pending(None);
            self.unschedule(&key);
        }
        self.schedule_next_arrival();
    }

    fn schedule_next_arrival(&mut self) {
        let Some(sim) = self.simulation.as_mut().filter(|s| s.wants_arrivals()) else {
            return;
        };
        let at = self.now.plus_seconds(sim.next_gap_seconds());
        self.schedule_at(at, Event::Simulated(SimStep::Arrival));
        let key = (at, self.schedule_seq);
        if let Some(sim) = self.simulation.as_mut() {
            sim.set_pending(Some(key));
        }
    }

    pub(super) fn on_simulated(&mut self, step: SimStep) {
        match step {
            SimStep::Arrival => self.on_arrival(),
            // The buyer meant to; a refusal (cancelled or processed meanwhile) changes nothing.
            SimStep::Pay(idx) => {
                let number = self.orders.get(idx).number;
                let _ = self.pay(&number);
            }
            SimStep::Cancel(idx) => {
                let number = self.orders.get(idx).number;
                let _ = self.buyer_cancel(&number);
            }
        }
    }

    fn on_arrival(&mut self) {
        let window = self.settings.buyer_cancel_minutes;
        let inventory = &self.inventory;
        let Some(sim) = self.simulation.as_mut() else {
            return;
        };
        sim.set_pending(None);
        if !sim.wants_arrivals() {
            return;
        }
        let visit = sim.visit(&self.catalog, |m, v| inventory.quantity(m, v), window);
        let placed = visit.and_then(|visit| {
            let lines: Vec<OrderLine> = visit
                .lines
                .iter()
                .map(|l| OrderLine {
                    manage_number: l.manage_number.clone(),
                    variant_id: l.variant_id.clone(),
                    units: l.units,
                })
                .collect();
            let code = i64::from(visit.settlement.code());
            let number = self.place_order_with(&lines, code, None, &OrderExtras::default()).ok()?;
            Some((number, visit))
        });
        match placed {
            Some((number, visit)) => {
                if let Some(sim) = self.simulation.as_mut() {
                    sim.record_placed();
                }
                if let Some(idx) = self.orders.find(&number) {
                    let at = self.orders.get(idx).order_datetime;
                    if let Some(s) = visit.cancel_after_seconds {
                        self.schedule_at(at.plus_seconds(s), Event::Simulated(SimStep::Cancel(idx)));
                    }
                    if let Some(s) = visit.pay_after_seconds {
                        self.schedule_at(at.plus_seconds(s), Event::Simulated(SimStep::Pay(idx)));
                    }
                }
            }
            None => {
                if let Some(sim) = self.simulation.as_mut() {
                    sim.record_gave_up();
                }
            }
        }
        self.schedule_next_arrival();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::Cause;
    use crate::setup::{parse_toml, ShopDocument};

    /// A shop with two SKUs of `stock` units each and `[simulate]` lines.
    fn shop(simulate: &str, stock: i64) -> Shop {
        let text = format!(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\n[settings]\nauto_confirm = true\nauto_confirm_delay_minutes = 7\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"a\"\nprice = 1000\nquantity = {stock}\nselector_values = {{ s = \"a\" }}\n[[items.variants]]\nvariant_id = \"b\"\nprice = 500\nquantity = {stock}\nselector_values = {{ s = \"b\" }}\n[simulate]\n{simulate}\n"
        );
        let doc: ShopDocument = parse_toml(&text, "t").unwrap();
        doc.build("t").unwrap()
    }

    fn t(s: &str) -> JstDateTime {
        JstDateTime::parse_rms(s).unwrap()
    }

    /// Every order as (number, time, settlement, lines, history causes).
    fn fingerprint(s: &Shop) -> Vec<String> {
        s.orders()
            .iter()
            .map(|o| {
                let lines: Vec<String> =
                    o.items().map(|i| format!("{}/{}x{}", i.sku.manage_number, i.sku.variant_id, i.units)).collect();
                let causes: Vec<&str> = o.history.iter().map(|h| h.cause.as_str()).collect();
                format!(
                    "{} {} {} {} {:?} {:?}",
                    o.number,
                    o.order_datetime,
                    o.settlement.code(),
                    o.orderer.name.family_name,
                    lines,
                    causes
                )
            })
            .collect()
    }

    #[test]
    fn buyers_arrive_as_the_clock_moves_interleaved_with_every_other_transition() {
        let mut s = shop("orders_per_hour = 30\nseed = 1", 1000);
        assert_eq!(s.orders().len(), 0, "nobody has ordered at clock_start");
        let fired = s.advance_to(t("2026-11-28T13:00:00+0900"));
        let placed = fired.iter().filter(|f| f.cause == TransitionCause::Order(Cause::Placed)).count();
        assert!((80..160).contains(&placed), "{placed} orders in 4 hours at 30 an hour");
        assert_eq!(placed, s.orders().len());
        assert!(fired.windows(2).all(|w| w[0].at <= w[1].at), "one time line");
        // Auto-confirm fired 7 minutes after each placement, between later placements.
        let first = fired.iter().position(|f| f.cause == TransitionCause::Order(Cause::AutoConfirm)).unwrap();
        assert!(fired[first + 1..].iter().any(|f| f.cause == TransitionCause::Order(Cause::Placed)));
        assert!(s.next_simulated_arrival().is_some_and(|at| at > s.now()));
    }

    #[test]
    fn the_same_seed_gives_the_same_orders_however_the_advances_are_split() {
        let plan = "orders_per_hour = 20\nseed = 5\ncancel_share = 20\nunpaid_share = 30\npayment_mix = { 1 = 50, 9 = 30, 14 = 20 }";
        let mut whole = shop(plan, 1000);
        whole.advance_to(t("2026-11-30T09:00:00+0900"));
        let mut split = shop(plan, 1000);
        let mut at = split.now();
        for minutes in [1, 59, 7, 300, 13, 1000, 1500].iter().cycle() {
            at = at.plus_minutes(*minutes).min(t("2026-11-30T09:00:00+0900"));
            split.advance_to(at);
            if at == t("2026-11-30T09:00:00+0900") {
                break;
            }
        }
        assert!(whole.orders().len() > 100);
        assert_eq!(fingerprint(&whole), fingerprint(&split));
        let mut other = shop(&plan.replace("seed = 5", "seed = 6"), 1000);
        other.advance_to(t("2026-11-30T09:00:00+0900"));
        assert_ne!(fingerprint(&whole), fingerprint(&other));
    }

    #[test]
    fn stock_runs_down_and_then_buyers_leave_empty_handed() {
        let mut s = shop("orders_per_hour = 60\ncancel_share = 0\npayment_mix = { 1 = 1 }", 10);
        s.advance_to(t("2026-11-29T09:00:00+0900"));
        assert_eq!((s.inventory().quantity("i", "a"), s.inventory().quantity("i", "b")), (0, 0));
        let units: i64 = s.orders().iter().flat_map(|o| o.items()).map(|i| i.units).sum();
        assert_eq!(units, 20, "exactly the stock was sold");
        let sim = s.simulation().unwrap();
        assert!(sim.gave_up() > 1000, "the rest of the day's buyers found nothing: {}", sim.gave_up());
    }

    #[test]
    fn no_buyer_arrives_after_max_orders_and_a_year_ahead_ends() {
        let mut s = shop("orders_per_hour = 60\nmax_orders = 50", 99_999);
        let started = std::time::Instant::now();
        s.advance_to(t("2027-11-28T09:00:00+0900"));
        assert_eq!(s.simulation().unwrap().placed(), 50);
        assert_eq!(s.next_simulated_arrival(), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // Nothing to sell at all: a year of the fastest buyers is a bounded amount of work.
        let mut empty = shop("orders_per_hour = 60", 0);
        empty.advance_to(t("2027-11-28T09:00:00+0900"));
        assert_eq!(empty.orders().len(), 0);
        assert!(empty.simulation().unwrap().gave_up() > 500_000);
    }

    #[test]
    fn switching_off_drops_the_pending_arrival_and_a_new_rate_redraws_it() {
        let mut s = shop("orders_per_hour = 6", 1000);
        let first = s.next_simulated_arrival().unwrap();
        let plan = s.simulation().unwrap().plan().clone();
        s.set_simulation(crate::domain::simulate::Plan { cancel_percent: 50, ..plan.clone() });
        assert_eq!(s.next_simulated_arrival(), Some(first), "other keys keep the pending arrival");
        s.set_simulation(crate::domain::simulate::Plan { enabled: false, ..plan.clone() });
        assert_eq!(s.next_simulated_arrival(), None);
        s.advance_to(t("2026-11-29T09:00:00+0900"));
        assert_eq!(s.orders().len(), 0);
        s.set_simulation(crate::domain::simulate::Plan { enabled: true, orders_per_hour: 60.0, ..plan });
        assert!(s.next_simulated_arrival().is_some_and(|at| at > t("2026-11-29T09:00:00+0900")));
        s.advance_to(t("2026-11-29T10:00:00+0900"));
        assert!(s.orders().len() > 30);
    }
}
