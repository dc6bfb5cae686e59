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
            self.schedule.remove(&key);
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
                let number = self.orders.get(idx).number.clone();
                let _ = self.pay(&number);
            }
            SimStep::Cancel(idx) => {
                let number = self.orders.get(idx).number.clone();
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
