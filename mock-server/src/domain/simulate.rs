//! Simulated buyers: a shop that has customers. A [`Plan`] says how busy the shop is and how
//! its buyers pay; a [`Simulation`] holds the plan and its own random streams and decides, at
//! each arrival, what the next buyer does: which in-stock SKUs they take, how they pay,
//! whether they cancel within the self-cancel window, when (or whether) a prepaid buyer pays,
//! and when the next buyer arrives.
//!
//! Nothing here places an order or touches the clock: the shop (`shop/simulate.rs`) fires one
//! pending "next buyer" event on its schedule, asks [`Simulation::visit`] what the buyer does,
//! places the order through the same path as every other buyer (so stock runs down) and
//! schedules the buyer's payment or cancellation and the next arrival. The arrivals therefore
//! interleave in time order with every other transition, in manual mode as in wall mode, and
//! the same seed with the same clock moves gives the same orders however the moves are split.
//!
//! The work is bounded so that moving the clock a year ahead cannot hang a server: at most
//! [`MAX_ORDERS_PER_HOUR`] arrivals per virtual hour on average and never two within
//! [`MIN_GAP_SECONDS`], at most [`PICKS_PER_LINE`] stock lookups per order line, and no arrival
//! after the plan's `max_orders` (at most [`MAX_ORDERS_LIMIT`]) orders have been placed.

use crate::domain::catalog::Catalog;
use crate::domain::order::SettlementMethod;
use crate::domain::rng::Rng;

/// The busiest a simulated shop can be: arrivals per virtual hour, on average (one a minute).
pub const MAX_ORDERS_PER_HOUR: f64 = 60.0;
/// The quietest: one arrival per 100 virtual hours on average, so the next arrival is always
/// a date the clock can show.
pub const MIN_ORDERS_PER_HOUR: f64 = 0.01;
/// The most orders one simulation may be allowed to place (`max_orders`).
pub const MAX_ORDERS_LIMIT: u32 = 100_000;
/// The most lines a simulated order may have (`max_lines`).
pub const MAX_LINES_LIMIT: u32 = 10;
/// The most units of one SKU a simulated buyer may take (`max_units`; an order line's limit).
pub const MAX_UNITS_LIMIT: u32 = 999;
/// Stock lookups a buyer makes for one line before giving up on it.
pub const PICKS_PER_LINE: usize = 16;
/// Two arrivals are at least this far apart, so every arrival moves time forward.
pub const MIN_GAP_SECONDS: i64 = 1;

/// Stream numbers forked from the seed; the shop's own streams (ids, buyers' names) use
/// others, so a shop without a simulation draws exactly what it drew before there was one.
const ARRIVAL_STREAM: u64 = 0x51;
const CHOICE_STREAM: u64 = 0x52;

/// How busy a shop is and how its buyers behave (`[simulate]` of a shop document).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Whether buyers arrive at all.
    pub enabled: bool,
    /// Seed of the arrivals and the buyers' choices.
    pub seed: u64,
    /// Arrivals per virtual hour, on average ([`MIN_ORDERS_PER_HOUR`]..=[`MAX_ORDERS_PER_HOUR`]).
    pub orders_per_hour: f64,
    /// Payment methods with their weights (an order's method is drawn in proportion).
    pub payment_mix: Vec<(SettlementMethod, u32)>,
    /// A prepaid buyer who pays does so within this many minutes of ordering (≥ 1).
    pub pay_within_minutes: u32,
    /// Percent of prepaid buyers who never pay (the payment deadline cancels their order).
    pub unpaid_percent: u32,
    /// Percent of buyers who cancel within the shop's self-cancel window.
    pub cancel_percent: u32,
    /// Units per line are drawn from 1..=max_units (and never more than the stock).
    pub max_units: u32,
    /// Lines per order are drawn from 1..=max_lines (distinct SKUs).
    pub max_lines: u32,
    /// No buyer arrives once this many orders have been placed.
    pub max_orders: u32,
}

/// A value of a [`Plan`] out of its bounds.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanProblem {
    /// `orders_per_hour` is not in [`MIN_ORDERS_PER_HOUR`]..=[`MAX_ORDERS_PER_HOUR`].
    Rate(f64),
    /// The payment mix has no method with a weight above 0.
    EmptyMix,
    /// `pay_within_minutes` is 0.
    PayWithin,
    /// A percentage above 100 (`unpaid_percent` or `cancel_percent`).
    Percent {
        /// Which one: `true` for `unpaid_percent`, `false` for `cancel_percent`.
        unpaid: bool,
        /// The value.
        value: u32,
    },
    /// `max_units` not in 1..=[`MAX_UNITS_LIMIT`].
    MaxUnits(u32),
    /// `max_lines` not in 1..=[`MAX_LINES_LIMIT`].
    MaxLines(u32),
    /// `max_orders` not in 1..=[`MAX_ORDERS_LIMIT`].
    MaxOrders(u32),
}

impl Plan {
    /// The first value out of its bounds, if any.
    pub fn check(&self) -> Result<(), PlanProblem> {
        let r = self.orders_per_hour;
        if !(MIN_ORDERS_PER_HOUR..=MAX_ORDERS_PER_HOUR).contains(&r) {
            return Err(PlanProblem::Rate(r));
        }
        if self.payment_mix.iter().all(|(_, w)| *w == 0) {
            return Err(PlanProblem::EmptyMix);
        }
        if self.pay_within_minutes == 0 {
            return Err(PlanProblem::PayWithin);
        }
        if self.unpaid_percent > 100 {
            return Err(PlanProblem::Percent { unpaid: true, value: self.unpaid_percent });
        }
        if self.cancel_percent > 100 {
            return Err(PlanProblem::Percent { unpaid: false, value: self.cancel_percent });
        }
        if !(1..=MAX_UNITS_LIMIT).contains(&self.max_units) {
            return Err(PlanProblem::MaxUnits(self.max_units));
        }
        if !(1..=MAX_LINES_LIMIT).contains(&self.max_lines) {
            return Err(PlanProblem::MaxLines(self.max_lines));
        }
        if !(1..=MAX_ORDERS_LIMIT).contains(&self.max_orders) {
            return Err(PlanProblem::MaxOrders(self.max_orders));
        }
        Ok(())
    }
}

/// What a simulated buyer does at a scheduled moment (the payload of the shop's one
/// simulation event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimStep {
    /// A buyer arrives and may order; the next arrival is scheduled.
    Arrival,
    /// The buyer of this order (index in the shop's book) pays it.
    Pay(usize),
    /// The buyer of this order cancels it.
    Cancel(usize),
}

/// One line a buyer takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitLine {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// Units, 1..=max_units and never more than in stock.
    pub units: i64,
}

/// What one arriving buyer does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// What they order (at least one line, distinct SKUs).
    pub lines: Vec<VisitLine>,
    /// How they pay.
    pub settlement: SettlementMethod,
    /// Seconds after ordering at which they cancel, for buyers who cancel.
    pub cancel_after_seconds: Option<i64>,
    /// Seconds after ordering at which a prepaid buyer pays, for those who pay.
    pub pay_after_seconds: Option<i64>,
}

/// A plan in motion: its random streams, what it has done, and the SKUs on sale.
#[derive(Clone, Debug)]
pub struct Simulation {
    plan: Plan,
    arrivals: Rng,
    choices: Rng,
    placed: u32,
    gave_up: u64,
    /// Visible SKUs with a price, as of catalog revision `skus_revision`.
    skus: Vec<(String, String)>,
    skus_revision: Option<u64>,
    /// The pending arrival's key in the shop's schedule.
    pending: Option<(crate::domain::time::JstDateTime, u64)>,
}

impl Simulation {
    /// A simulation that has placed nothing yet.
    pub fn new(plan: Plan) -> Self {
        let base = Rng::new(plan.seed);
        Simulation {
            arrivals: base.fork(ARRIVAL_STREAM),
            choices: base.fork(CHOICE_STREAM),
            plan,
            placed: 0,
            gave_up: 0,
            skus: Vec::new(),
            skus_revision: None,
            pending: None,
        }
    }

    /// Its state for a state document (its list of SKUs on sale is a cache, rebuilt).
    pub fn to_state(&self) -> SimulationState {
        SimulationState {
            plan: self.plan.clone(),
            arrivals_rng: self.arrivals.state(),
            choices_rng: self.choices.state(),
            placed: self.placed,
            gave_up: self.gave_up,
            pending: self.pending.map(|(at, seq)| PendingArrival { at, seq }),
        }
    }

    /// The simulation of a state document.
    pub fn from_state(state: SimulationState) -> Self {
        Simulation {
            plan: state.plan,
            arrivals: Rng::new(state.arrivals_rng),
            choices: Rng::new(state.choices_rng),
            placed: state.placed,
            gave_up: state.gave_up,
            skus: Vec::new(),
            skus_revision: None,
            pending: state.pending.map(|k| (k.at, k.seq)),
        }
    }

    /// Forgets the list of SKUs on sale (rebuilt on the next arrival), after the catalog was
    /// replaced from a state document.
    pub fn forget_skus(&mut self) {
        self.skus_revision = None;
    }

    /// The plan it follows.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Orders placed so far.
    pub fn placed(&self) -> u32 {
        self.placed
    }

    /// Buyers who found nothing they could order.
    pub fn gave_up(&self) -> u64 {
        self.gave_up
    }

    /// The pending arrival's schedule key, if one is scheduled.
    pub fn pending(&self) -> Option<(crate::domain::time::JstDateTime, u64)> {
        self.pending
    }

    /// Notes the pending arrival's schedule key (None once it fired or was dropped).
    pub fn set_pending(&mut self, key: Option<(crate::domain::time::JstDateTime, u64)>) {
        self.pending = key;
    }

    /// Follows a new plan from now on. A new seed restarts the streams; otherwise they go on,
    /// so changing, say, the cancel share does not replay earlier draws.
    pub fn replan(&mut self, plan: Plan) {
        if plan.seed != self.plan.seed {
            let base = Rng::new(plan.seed);
            self.arrivals = base.fork(ARRIVAL_STREAM);
            self.choices = base.fork(CHOICE_STREAM);
        }
        self.plan = plan;
    }

    /// Whether another buyer should arrive: the plan is on and `max_orders` not reached.
    pub fn wants_arrivals(&self) -> bool {
        self.plan.enabled && self.placed < self.plan.max_orders && self.plan.check().is_ok()
    }

    /// Counts an order placed by a buyer of this simulation.
    pub fn record_placed(&mut self) {
        self.placed = self.placed.saturating_add(1);
    }

    /// Counts a buyer who left without ordering.
    pub fn record_gave_up(&mut self) {
        self.gave_up = self.gave_up.saturating_add(1);
    }

    /// Seconds until the next buyer arrives: exponential with the plan's rate (a Poisson
    /// stream of buyers), at least [`MIN_GAP_SECONDS`].
    pub fn next_gap_seconds(&mut self) -> i64 {
        let rate = self.plan.orders_per_hour.clamp(MIN_ORDERS_PER_HOUR, MAX_ORDERS_PER_HOUR);
        exponential_seconds(&mut self.arrivals, 3600.0 / rate)
    }

    /// The buyer who arrives now: which SKUs they take (skipping hidden, unpriced and
    /// out-of-stock ones), how they pay, whether they cancel or pay later. None when they find
    /// nothing to order. `stock` answers the units on hand of a SKU; `cancel_window_minutes`
    /// is the shop's `buyer_cancel_minutes`.
    pub fn visit(
        &mut self,
        catalog: &Catalog,
        stock: impl Fn(&str, &str) -> i64,
        cancel_window_minutes: u32,
    ) -> Option<Visit> {
        self.refresh(catalog);
        let plan = &self.plan;
        let rng = &mut self.choices;
        let wanted = rng.range(1, u64::from(plan.max_lines.clamp(1, MAX_LINES_LIMIT)));
        let mut taken: Vec<usize> = Vec::new();
        let mut lines = Vec::new();
        for _ in 0..wanted {
            let Some(i) = pick_in_stock(rng, &self.skus, &taken, &stock) else {
                break;
            };
            taken.push(i);
            let (m, v) = &self.skus[i];
            let units = (rng.range(1, u64::from(plan.max_units.clamp(1, MAX_UNITS_LIMIT))) as i64).min(stock(m, v));
            lines.push(VisitLine { manage_number: m.clone(), variant_id: v.clone(), units });
        }
        if lines.is_empty() {
            return None;
        }
        let settlement = weighted(rng, &plan.payment_mix)?;
        let cancel_after_seconds = rng.chance(u64::from(plan.cancel_percent)).then(|| {
            let window = i64::from(cancel_window_minutes) * 60;
            if window == 0 {
                0
            } else {
                rng.range(1, window as u64) as i64
            }
        });
        let pay_after_seconds =
            (cancel_after_seconds.is_none() && settlement.is_prepaid() && !rng.chance(u64::from(plan.unpaid_percent)))
                .then(|| rng.range(60, u64::from(plan.pay_within_minutes.max(1)) * 60) as i64);
        Some(Visit { lines, settlement, cancel_after_seconds, pay_after_seconds })
    }

    /// Rebuilds the list of SKUs on sale when the catalog changed since it was built.
    fn refresh(&mut self, catalog: &Catalog) {
        if self.skus_revision == Some(catalog.revision()) {
            return;
        }
        self.skus.clear();
        for item in catalog.items().filter(|i| !i.flag("hideItem")) {
            for v in item.variants() {
                if !v.hidden && v.standard_price.is_some() {
                    self.skus.push((item.manage_number.clone(), v.variant_id));
                }
            }
        }
        self.skus_revision = Some(catalog.revision());
    }
}

/// A SKU with stock that is not yet in the order. A small catalog is searched whole from a
/// random start, so a buyer always finds the one SKU left; a big one gets
/// [`PICKS_PER_LINE`] random looks (a buyer in a big, mostly sold-out shop may leave).
fn pick_in_stock(
    rng: &mut Rng,
    skus: &[(String, String)],
    taken: &[usize],
    stock: &impl Fn(&str, &str) -> i64,
) -> Option<usize> {
    if skus.is_empty() {
        return None;
    }
    let n = skus.len();
    let ok = |i: usize| !taken.contains(&i) && stock(&skus[i].0, &skus[i].1) > 0;
    if n <= PICKS_PER_LINE {
        let start = rng.below(n as u64) as usize;
        (0..n).map(|k| (start + k) % n).find(|&i| ok(i))
    } else {
        (0..PICKS_PER_LINE).map(|_| rng.below(n as u64) as usize).find(|&i| ok(i))
    }
}

/// One method, drawn in proportion to the weights; None when every weight is 0.
fn weighted(rng: &mut Rng, mix: &[(SettlementMethod, u32)]) -> Option<SettlementMethod> {
    let total: u64 = mix.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return None;
    }
    let mut r = rng.below(total);
    for (m, w) in mix {
        let w = u64::from(*w);
        if r < w {
            return Some(*m);
        }
        r -= w;
    }
    None
}

/// A whole number of seconds drawn from an exponential distribution with this mean, at least
/// [`MIN_GAP_SECONDS`].
fn exponential_seconds(rng: &mut Rng, mean_seconds: f64) -> i64 {
    // U in (0, 1]: 53 random bits, never 0, so ln(U) is finite (at most ~36.7 means).
    let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let gap = -ln(u) * mean_seconds;
    (gap.round() as i64).max(MIN_GAP_SECONDS)
}

/// The natural logarithm of `x` in (0, 1], from IEEE arithmetic alone (`+ - * /` are exact
/// to the last bit on every platform, `f64::ln` is the platform's libm): the same seed gives
/// the same arrival times on every machine.
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // The mantissa as a number in [1, 2).
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    // ln(m) = 2 atanh(z) = 2 (z + z³/3 + z⁵/5 + …), |z| ≤ 0.172, so 12 terms reach 1e-19.
    let z = (m - 1.0) / (m + 1.0);
    let z2 = z * z;
    let mut term = z;
    let mut sum = 0.0;
    for k in 0..12 {
        sum += term / f64::from(2 * k + 1);
        term *= z2;
    }
    2.0 * sum + exponent as f64 * std::f64::consts::LN_2
}

/// Simulated buyers in motion.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationState {
    /// The plan followed.
    pub plan: Plan,
    /// The arrivals' generator.
    pub arrivals_rng: u64,
    /// The buyers' choices' generator.
    pub choices_rng: u64,
    /// Orders placed so far.
    pub placed: u32,
    /// Buyers who found nothing to order.
    pub gave_up: u64,
    /// The pending arrival's schedule entry.
    pub pending: Option<PendingArrival>,
}

/// The pending simulated arrival's place in the shop's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingArrival {
    /// When it fires.
    pub at: crate::domain::time::JstDateTime,
    /// Its sequence number in the schedule.
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{parse_toml, ShopDocument};

    fn plan() -> Plan {
        Plan {
            enabled: true,
            seed: 7,
            orders_per_hour: 6.0,
            payment_mix: vec![
                (SettlementMethod::from_code(1).unwrap(), 70),
                (SettlementMethod::from_code(9).unwrap(), 20),
                (SettlementMethod::from_code(13).unwrap(), 10),
            ],
            pay_within_minutes: 120,
            unpaid_percent: 10,
            cancel_percent: 10,
            max_units: 3,
            max_lines: 2,
            max_orders: 1000,
        }
    }

    /// A catalog of `skus` visible SKUs of one item, plus a hidden SKU and a hidden item.
    fn catalog(skus: usize) -> Catalog {
        let mut text = String::from(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n",
        );
        for n in 0..skus {
            text.push_str(&format!(
                "[[items.variants]]\nvariant_id = \"v{n}\"\nprice = 100\nquantity = 5\nselector_values = {{ s = \"{}\", t = \"{}\" }}\n",
                n / 8,
                n % 8
            ));
        }
        text.push_str(
            "[[items.variants]]\nvariant_id = \"hid\"\nprice = 100\nquantity = 5\nhidden = true\nselector_values = { s = \"h\", t = \"h\" }\n",
        );
        text.push_str("[[items]]\nmanage_number = \"gone\"\ntitle = \"t\"\nhide_item = true\n[[items.variants]]\nvariant_id = \"g\"\nprice = 100\nquantity = 5\n");
        let doc: ShopDocument = parse_toml(&text, "t").unwrap();
        doc.build("t").unwrap().catalog().clone()
    }

    #[test]
    fn ln_matches_the_platform_logarithm() {
        for x in [
            1.0,
            0.5,
            0.999_999,
            0.123_456_789,
            1e-3,
            1e-10,
            1.0 / (1u64 << 53) as f64,
            std::f64::consts::FRAC_1_SQRT_2 - 1e-9,
            0.75,
            0.7,
        ] {
            let (ours, theirs) = (ln(x), x.ln());
            assert!((ours - theirs).abs() <= 1e-12 * theirs.abs().max(1.0), "ln({x}) = {ours}, libm {theirs}");
        }
    }

    #[test]
    fn gaps_average_the_rate_and_are_never_below_a_second() {
        let mut sim = Simulation::new(Plan { orders_per_hour: 60.0, ..plan() });
        let gaps: Vec<i64> = (0..20_000).map(|_| sim.next_gap_seconds()).collect();
        let mean = gaps.iter().sum::<i64>() as f64 / gaps.len() as f64;
        assert!((57.0..63.0).contains(&mean), "mean gap {mean}s for 60 an hour");
        assert!(gaps.iter().all(|g| *g >= MIN_GAP_SECONDS));
    }

    #[test]
    fn the_same_seed_draws_the_same_buyers_and_another_seed_others() {
        let cat = catalog(8);
        let run = |seed| {
            let mut sim = Simulation::new(Plan { seed, ..plan() });
            (0..50).map(|_| (sim.next_gap_seconds(), sim.visit(&cat, |_, _| 5, 30))).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn buyers_skip_hidden_and_sold_out_skus_and_never_take_more_than_the_stock() {
        let cat = catalog(3);
        let mut sim = Simulation::new(Plan { max_units: 9, max_lines: 3, ..plan() });
        // Only v1 has stock, 2 units: every buyer takes v1, at most 2 units.
        let stock = |_: &str, v: &str| if v == "v1" { 2 } else { 0 };
        for _ in 0..200 {
            let visit = sim.visit(&cat, stock, 30).expect("v1 is always found in a small catalog");
            assert_eq!(visit.lines.len(), 1, "{visit:?}");
            assert_eq!((visit.lines[0].variant_id.as_str(), visit.lines[0].units <= 2), ("v1", true));
        }
        // Lines of one order are distinct SKUs.
        for _ in 0..200 {
            let visit = sim.visit(&cat, |_, _| 5, 30).unwrap();
            let mut ids: Vec<&str> = visit.lines.iter().map(|l| l.variant_id.as_str()).collect();
            assert!(ids.iter().all(|v| v.starts_with('v')), "hidden SKUs are never ordered: {ids:?}");
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), visit.lines.len());
        }
    }

    #[test]
    fn a_shop_with_nothing_to_sell_sends_buyers_away_empty_handed() {
        let mut sim = Simulation::new(plan());
        assert_eq!(sim.visit(&Catalog::default(), |_, _| 5, 30), None);
        assert_eq!(sim.visit(&catalog(40), |_, _| 0, 30), None, "a big sold-out catalog: bounded looks, then gone");
    }

    #[test]
    fn the_payment_mix_cancel_and_unpaid_shares_show_in_proportion() {
        let cat = catalog(8);
        let mut sim = Simulation::new(Plan { cancel_percent: 20, unpaid_percent: 50, ..plan() });
        let visits: Vec<Visit> = (0..5000).map(|_| sim.visit(&cat, |_, _| 5, 30).unwrap()).collect();
        let share = |f: &dyn Fn(&Visit) -> bool| visits.iter().filter(|v| f(v)).count() as f64 / 50.0;
        let card = share(&|v| v.settlement.code() == 1);
        let bank = share(&|v| v.settlement.code() == 9);
        let seven = share(&|v| v.settlement.code() == 13);
        assert!((66.0..74.0).contains(&card) && (17.0..23.0).contains(&bank) && (8.0..12.0).contains(&seven));
        let cancels = share(&|v| v.cancel_after_seconds.is_some());
        assert!((17.0..23.0).contains(&cancels), "{cancels}% cancel");
        assert!(visits.iter().filter_map(|v| v.cancel_after_seconds).all(|s| (1..=30 * 60).contains(&s)));
        let prepaid_kept: Vec<&Visit> =
            visits.iter().filter(|v| v.settlement.is_prepaid() && v.cancel_after_seconds.is_none()).collect();
        let paying =
            prepaid_kept.iter().filter(|v| v.pay_after_seconds.is_some()).count() as f64 / prepaid_kept.len() as f64;
        assert!((0.44..0.56).contains(&paying), "{paying} of prepaid buyers pay");
        assert!(visits.iter().filter_map(|v| v.pay_after_seconds).all(|s| (60..=120 * 60).contains(&s)));
        assert!(visits.iter().filter(|v| !v.settlement.is_prepaid()).all(|v| v.pay_after_seconds.is_none()));
    }

    #[test]
    fn plans_out_of_bounds_are_named() {
        assert_eq!(plan().check(), Ok(()));
        assert_eq!(Plan { orders_per_hour: 61.0, ..plan() }.check(), Err(PlanProblem::Rate(61.0)));
        assert!(matches!(Plan { orders_per_hour: f64::NAN, ..plan() }.check(), Err(PlanProblem::Rate(_))));
        assert_eq!(Plan { orders_per_hour: 0.0, ..plan() }.check(), Err(PlanProblem::Rate(0.0)));
        assert_eq!(Plan { orders_per_hour: 1e-300, ..plan() }.check(), Err(PlanProblem::Rate(1e-300)));
        assert_eq!(Plan { orders_per_hour: 0.01, ..plan() }.check(), Ok(()));
        assert_eq!(Plan { payment_mix: vec![], ..plan() }.check(), Err(PlanProblem::EmptyMix));
        assert_eq!(Plan { max_orders: 0, ..plan() }.check(), Err(PlanProblem::MaxOrders(0)));
        assert_eq!(
            Plan { cancel_percent: 101, ..plan() }.check(),
            Err(PlanProblem::Percent { unpaid: false, value: 101 })
        );
    }

    #[test]
    fn a_new_seed_restarts_the_streams_and_other_changes_do_not() {
        let mut a = Simulation::new(plan());
        let first = a.next_gap_seconds();
        a.replan(Plan { cancel_percent: 50, ..plan() });
        let mut b = Simulation::new(plan());
        b.next_gap_seconds();
        assert_eq!(a.next_gap_seconds(), b.next_gap_seconds(), "the stream goes on");
        a.replan(Plan { seed: 99, ..plan() });
        a.replan(Plan { seed: 7, ..plan() });
        assert_eq!(a.next_gap_seconds(), first, "a changed seed starts over");
    }
}
