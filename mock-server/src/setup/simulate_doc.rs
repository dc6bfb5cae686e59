//! `[simulate]` of a shop document: the simulated buyers' plan as users write it (TOML, the
//! control plane's JSON, or Rust), checked and turned into the domain's `simulate::Plan`.

use super::*;

/// Simulated buyers (`[simulate]` of a shop document, and the body of
/// `GET/PATCH /__admin/shops/{shop_id}/simulate`): buyers arrive at random at
/// `orders_per_hour` on the shop's clock and order what is in stock. Every key has a default.
///
/// ```
/// use rms_mock::{ItemDoc, ShopDocument, SimulateDoc};
///
/// let doc = ShopDocument::new("123456")
///     .item(ItemDoc::new("tshirt", "Tシャツ").variant("m", 1980, 100))
///     .simulate(SimulateDoc::new(12.0).seed(7).payment_mix(&[(1, 70), (9, 20), (13, 10)]).cancel_share(5));
/// assert!(doc.check("example").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulateDoc {
    /// Whether buyers arrive (true when the table is present; `false` keeps the plan idle).
    pub enabled: bool,
    /// Buyers per virtual hour on average, 0.01 to 60; each one orders if it finds something in
    /// stock.
    pub orders_per_hour: f64,
    /// Seed of the arrivals and the buyers' choices; default: the shop's seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Settlement method code → weight (`{ 1 = 70, 9 = 20, 13 = 10 }`): how often each is used.
    pub payment_mix: BTreeMap<String, u32>,
    /// A prepaid buyer (9, 13, 14) who pays does so 1 minute to this many minutes after ordering.
    pub pay_within_minutes: u32,
    /// Percent of prepaid buyers who never pay (their order is cancelled at its deadline).
    pub unpaid_share: u32,
    /// Percent of buyers who cancel within the shop's `buyer_cancel_minutes`.
    pub cancel_share: u32,
    /// Units per line: 1 to this (never more than in stock).
    pub max_units: u32,
    /// Lines per order: 1 to this, each a different SKU.
    pub max_lines: u32,
    /// No buyer arrives once the simulation has placed this many orders (at most 100000).
    pub max_orders: u32,
}

impl Default for SimulateDoc {
    fn default() -> Self {
        SimulateDoc {
            enabled: true,
            orders_per_hour: 6.0,
            seed: None,
            payment_mix: [("1", 70), ("2", 10), ("9", 10), ("13", 5), ("14", 5)]
                .into_iter()
                .map(|(c, w)| (c.to_string(), w))
                .collect(),
            pay_within_minutes: 2 * 24 * 60,
            unpaid_share: 10,
            cancel_share: 5,
            max_units: 2,
            max_lines: 2,
            max_orders: 10_000,
        }
    }
}

impl SimulateDoc {
    /// The plan this document stands for, with `shop_seed` as the default seed; a bad value is
    /// named by its key (`orders_per_hour`, `payment_mix.99`, …).
    pub(crate) fn plan(&self, shop_seed: u64) -> Result<Plan, (String, String)> {
        let mut mix: Vec<(SettlementMethod, u32)> = Vec::with_capacity(self.payment_mix.len());
        for (code, weight) in &self.payment_mix {
            let key = format!("payment_mix.{code}");
            let method = code.trim().parse::<i64>().ok().and_then(SettlementMethod::from_code).ok_or_else(|| {
                let known: Vec<String> = SettlementMethod::known_codes().map(|c| c.to_string()).collect();
                (key.clone(), format!("'{code}' is not a RakutenPay payment code (known: {})", known.join(", ")))
            })?;
            if mix.iter().any(|(m, _)| *m == method) {
                return Err((key, format!("payment code {} is given twice", method.code())));
            }
            mix.push((method, *weight));
        }
        mix.sort_by_key(|(m, _)| m.code());
        let plan = Plan {
            enabled: self.enabled,
            seed: self.seed.unwrap_or(shop_seed),
            orders_per_hour: self.orders_per_hour,
            payment_mix: mix,
            pay_within_minutes: self.pay_within_minutes,
            unpaid_percent: self.unpaid_share,
            cancel_percent: self.cancel_share,
            max_units: self.max_units,
            max_lines: self.max_lines,
            max_orders: self.max_orders,
        };
        plan.check().map_err(|p| simulate_problem(&p))?;
        Ok(plan)
    }

    /// The document of a plan in motion (its seed written out).
    pub(crate) fn from_plan(plan: &Plan) -> Self {
        SimulateDoc {
            enabled: plan.enabled,
            orders_per_hour: plan.orders_per_hour,
            seed: Some(plan.seed),
            payment_mix: plan.payment_mix.iter().map(|(m, w)| (m.code().to_string(), *w)).collect(),
            pay_within_minutes: plan.pay_within_minutes,
            unpaid_share: plan.unpaid_percent,
            cancel_share: plan.cancel_percent,
            max_units: plan.max_units,
            max_lines: plan.max_lines,
            max_orders: plan.max_orders,
        }
    }
}

/// A plan's value out of bounds, as (key, problem).
fn simulate_problem(p: &PlanProblem) -> (String, String) {
    let (key, problem) = match p {
        PlanProblem::Rate(r) => (
            "orders_per_hour",
            format!(
                "{r} is not a rate between {} and {} orders per hour",
                simulate::MIN_ORDERS_PER_HOUR,
                simulate::MAX_ORDERS_PER_HOUR
            ),
        ),
        PlanProblem::EmptyMix => ("payment_mix", "needs at least one payment code with a weight above 0".into()),
        PlanProblem::PayWithin => ("pay_within_minutes", "must be at least 1".into()),
        PlanProblem::Percent { unpaid, value } => {
            (if *unpaid { "unpaid_share" } else { "cancel_share" }, format!("{value} is not a percentage (0-100)"))
        }
        PlanProblem::MaxUnits(n) => ("max_units", format!("{n} is not between 1 and {}", simulate::MAX_UNITS_LIMIT)),
        PlanProblem::MaxLines(n) => ("max_lines", format!("{n} is not between 1 and {}", simulate::MAX_LINES_LIMIT)),
        PlanProblem::MaxOrders(n) => ("max_orders", format!("{n} is not between 1 and {}", simulate::MAX_ORDERS_LIMIT)),
    };
    (key.to_string(), problem)
}
