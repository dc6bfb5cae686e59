//! A shop's fault plan: RMS failing on purpose (maintenance, 500s, 503 overload, throttling,
//! a lost answer, a slow or broken connection, a bulk write that half fails), as a test or a
//! support engineer sets it up. (`fault.rs` beside this file is something else: the test-only
//! panic points of the panic-containment tests.)
//!
//! A [`Fault`] selects requests (by function id, by API, or all of the shop's RMS requests)
//! and fires by count (`times`, `skip`), by a seeded draw (`probability`) and inside a window
//! of the shop's clock (`from`–`until`). The plan is consulted in the same hold of the shop's
//! lock as the gateway's checks ([`FaultPlan::decide`]); an empty plan costs one length check.
//!
//! Which answer a kind gives on the wire (statuses, envelopes, codes) is the wire's business
//! (`api/`); here a kind is only a name and its parameters.

use crate::domain::function::FunctionId;
use crate::domain::rng::{seed_from, Rng};
use crate::domain::time::JstDateTime;
use crate::settings::Api;

/// What a fault does to a request it fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// RMS's system error (500; `X0000` on the Item and Inventory APIs).
    SystemError,
    /// The Item and Inventory APIs' shop-status failure (500 `GE0019`).
    ShopStatusError,
    /// 503: RMS is overloaded.
    Overload,
    /// 503: RMS is in maintenance.
    Maintenance,
    /// 429: the gateway throttles (the rate limiter's own answer).
    Throttle,
    /// The operation takes effect, then the answer is a 500 system error.
    FailAfterEffect,
    /// The operation takes effect, then the connection closes with no answer.
    DropAfterEffect,
    /// The answer comes `latency_ms` later (manual clock: the shop's clock moves by that much
    /// first; wall clock: a real delay).
    Latency,
    /// The connection closes before any byte of an answer (the operation does not run).
    Reset,
    /// The real answer, cut after `truncate_bytes` (default: half the body); then the
    /// connection closes.
    Truncate,
    /// Rows of a bulk write fail with their row error; the others are applied.
    PartialBatch,
}

impl FaultKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [FaultKind; 11] = [
        FaultKind::SystemError,
        FaultKind::ShopStatusError,
        FaultKind::Overload,
        FaultKind::Maintenance,
        FaultKind::Throttle,
        FaultKind::FailAfterEffect,
        FaultKind::DropAfterEffect,
        FaultKind::Latency,
        FaultKind::Reset,
        FaultKind::Truncate,
        FaultKind::PartialBatch,
    ];

    /// The name as fault specs, the journal and log lines write it (`maintenance`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::SystemError => "system_error",
            FaultKind::ShopStatusError => "shop_status_error",
            FaultKind::Overload => "overload",
            FaultKind::Maintenance => "maintenance",
            FaultKind::Throttle => "throttle",
            FaultKind::FailAfterEffect => "fail_after_effect",
            FaultKind::DropAfterEffect => "drop_after_effect",
            FaultKind::Latency => "latency",
            FaultKind::Reset => "reset",
            FaultKind::Truncate => "truncate",
            FaultKind::PartialBatch => "partial_batch",
        }
    }
}

impl std::fmt::Display for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The functions whose requests are bulk writes with rows a `partial_batch` fault can fail.
pub const PARTIAL_BATCH_FUNCTIONS: [FunctionId; 1] = [FunctionId::INVENTORY_BULK_UPSERT];

/// The longest latency a fault may add (ten minutes): longer would only leave a client
/// hanging past any timeout it has.
pub const MAX_LATENCY_MS: u64 = 10 * 60 * 1000;

/// Which requests a fault looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultSelect {
    /// Every RMS request of the shop.
    All,
    /// Requests of these functions.
    Functions(Vec<FunctionId>),
    /// Requests of this API.
    Api(Api),
}

impl FaultSelect {
    fn matches(&self, function: FunctionId, api: Api) -> bool {
        match self {
            FaultSelect::All => true,
            FaultSelect::Functions(list) => list.contains(&function),
            FaultSelect::Api(a) => *a == api,
        }
    }
}

/// A fault as its author described it, checked (the spec's keys, typed).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// The id (unique in the shop); none: the plan assigns `f1`, `f2`, … when it is added.
    pub id: Option<String>,
    /// Which requests it looks at.
    pub select: FaultSelect,
    /// What it does.
    pub kind: FaultKind,
    /// `latency`: how long, in milliseconds (at most [`MAX_LATENCY_MS`]).
    pub latency_ms: Option<u64>,
    /// `truncate`: how many bytes of the answer's body are sent (default: half).
    pub truncate_bytes: Option<u64>,
    /// `partial_batch`: the 0-based rows that fail.
    pub rows: Vec<usize>,
    /// Fires on at most this many requests, then is spent (none: no limit).
    pub times: Option<u64>,
    /// The first this many requests it would fire on go through untouched.
    pub skip: u64,
    /// Fires on each eligible request with this chance (none: always).
    pub probability: Option<f64>,
    /// The window of the shop's clock it fires in: from (inclusive) …
    pub from: Option<JstDateTime>,
    /// … until (exclusive).
    pub until: Option<JstDateTime>,
}

/// Why a fault cannot be added to a plan: (the spec key, the problem).
pub type FaultProblem = (&'static str, String);

impl FaultRule {
    /// The rule's own problems (the plan checks the id's uniqueness), as (key, problem).
    pub fn problem(&self) -> Option<FaultProblem> {
        if let Some(id) = &self.id {
            let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
            if id.is_empty() || id.len() > 64 || !id.chars().all(fine) {
                return Some(("id", format!("'{id}' is not 1-64 characters of A-Z a-z 0-9 - _ .")));
            }
        }
        if let FaultSelect::Functions(list) = &self.select {
            if list.is_empty() {
                return Some(("functions", "names no function (leave it out to select every request)".into()));
            }
        }
        if let Some(p) = self.probability {
            if !(0.0..=1.0).contains(&p) {
                return Some(("probability", format!("{p} is not between 0.0 and 1.0")));
            }
        }
        if self.times == Some(0) {
            return Some(("times", "0 would never fire; remove the fault instead".into()));
        }
        if let (Some(from), Some(until)) = (self.from, self.until) {
            if until <= from {
                return Some(("until", format!("{until} is not after from ({from}): the window is empty")));
            }
        }
        let only = |key: &'static str, set: bool, kind: FaultKind| {
            (set && self.kind != kind).then(|| (key, format!("applies to kind {kind} only, not {}", self.kind)))
        };
        if let Some(p) = only("latency_ms", self.latency_ms.is_some(), FaultKind::Latency)
            .or_else(|| only("truncate_bytes", self.truncate_bytes.is_some(), FaultKind::Truncate))
            .or_else(|| only("rows", !self.rows.is_empty(), FaultKind::PartialBatch))
        {
            return Some(p);
        }
        match self.kind {
            FaultKind::Latency => match self.latency_ms {
                None => return Some(("latency_ms", "kind latency needs latency_ms (milliseconds)".into())),
                Some(ms) if ms > MAX_LATENCY_MS => {
                    return Some(("latency_ms", format!("{ms} is more than {MAX_LATENCY_MS} (ten minutes)")))
                }
                Some(_) => {}
            },
            FaultKind::PartialBatch => {
                if self.rows.is_empty() {
                    return Some(("rows", "kind partial_batch needs rows (0-based row numbers), e.g. [0, 2]".into()));
                }
                let names = || PARTIAL_BATCH_FUNCTIONS.map(FunctionId::as_str).join(", ");
                match &self.select {
                    FaultSelect::Functions(list) => {
                        if let Some(f) = list.iter().find(|f| !PARTIAL_BATCH_FUNCTIONS.contains(f)) {
                            return Some((
                                "functions",
                                format!("{f} is no bulk write; partial_batch applies to {}", names()),
                            ));
                        }
                    }
                    _ => {
                        return Some((
                            "functions",
                            format!("kind partial_batch must select its bulk write by function: {}", names()),
                        ))
                    }
                }
            }
            _ => {}
        }
        None
    }
}

/// A fault in a shop's plan: its rule (with its id) and what it has done so far.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The rule; its id is always set here.
    pub rule: FaultRule,
    /// Requests it selected inside its window (skipped, spent and drawn-against included).
    matched: u64,
    /// Requests it fired on.
    fired: u64,
    /// The draws of `probability`, seeded by the shop's seed and the fault's id.
    rng: Rng,
}

impl Fault {
    /// The fault's id.
    pub fn id(&self) -> &str {
        self.rule.id.as_deref().unwrap_or("")
    }

    /// How many requests it has fired on.
    pub fn fired(&self) -> u64 {
        self.fired
    }

    /// Whether it fires on this request (and counts it); `function`/`api` say what is called,
    /// `now` is the shop's clock.
    fn consider(&mut self, function: FunctionId, api: Api, now: JstDateTime) -> bool {
        let r = &self.rule;
        if !r.select.matches(function, api) {
            return false;
        }
        if r.from.is_some_and(|from| now < from) || r.until.is_some_and(|until| now >= until) {
            return false;
        }
        self.matched += 1;
        if self.matched <= r.skip {
            return false;
        }
        if r.times.is_some_and(|times| self.fired >= times) {
            return false;
        }
        if let Some(p) = r.probability {
            // 53 bits make a uniform draw in [0, 1); one draw per eligible request, so the
            // pattern depends only on the seed and the order of the requests.
            let draw = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if draw >= p {
                return false;
            }
        }
        self.fired += 1;
        true
    }
}

/// A fault that fired on a request: what the wire needs to act on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultHit {
    /// The fault's id.
    pub id: String,
    /// What it does.
    pub kind: FaultKind,
    /// `latency`: milliseconds.
    pub latency_ms: u64,
    /// `truncate`: bytes of the body sent (none: half).
    pub truncate_bytes: Option<u64>,
    /// `partial_batch`: the rows that fail.
    pub rows: Vec<usize>,
}

/// Why a fault could not be added or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The rule itself is wrong: (key, problem).
    Invalid(&'static str, String),
    /// Another fault of the shop has this id.
    DuplicateId(String),
}

/// A shop's faults, in the order they were added: the first that fires on a request is the
/// one that acts (the later ones do not look at it).
#[derive(Clone, Debug, Default)]
pub struct FaultPlan {
    faults: Vec<Fault>,
    /// The number in the next assigned id (`f1`, `f2`, …).
    next_id: u64,
}

impl FaultPlan {
    /// Whether no fault is set up (the request path then does nothing more).
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    /// The faults, in order.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Adds a fault, assigning an id when it has none; `seed` is the shop's. Returns the id.
    pub fn add(&mut self, mut rule: FaultRule, seed: u64) -> Result<String, PlanError> {
        if let Some((key, problem)) = rule.problem() {
            return Err(PlanError::Invalid(key, problem));
        }
        let taken = |plan: &FaultPlan, id: &str| plan.faults.iter().any(|f| f.id() == id);
        let id = match rule.id.take() {
            Some(id) if taken(self, &id) => return Err(PlanError::DuplicateId(id)),
            Some(id) => id,
            None => loop {
                self.next_id += 1;
                let id = format!("f{}", self.next_id);
                if !taken(self, &id) {
                    break id;
                }
            },
        };
        let rng = Rng::new(seed).fork(seed_from(&id));
        rule.id = Some(id.clone());
        self.faults.push(Fault { rule, matched: 0, fired: 0, rng });
        Ok(id)
    }

    /// Removes the fault with this id; false when there is none.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.faults.len();
        self.faults.retain(|f| f.id() != id);
        self.faults.len() != before
    }

    /// Removes every fault (ids assigned later go on counting).
    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The plan as a state document keeps it.
    pub fn to_state(&self) -> FaultPlanState {
        let faults = self
            .faults
            .iter()
            .map(|f| {
                let r = &f.rule;
                let (functions, api) = match &r.select {
                    FaultSelect::All => (None, None),
                    FaultSelect::Functions(list) => (Some(list.clone()), None),
                    FaultSelect::Api(api) => (None, Some(*api)),
                };
                FaultState {
                    id: f.id().to_string(),
                    functions,
                    api,
                    kind: r.kind,
                    latency_ms: r.latency_ms,
                    truncate_bytes: r.truncate_bytes,
                    rows: r.rows.clone(),
                    times: r.times,
                    skip: r.skip,
                    probability: r.probability,
                    from: r.from,
                    until: r.until,
                    matched: f.matched,
                    fired: f.fired,
                    rng: f.rng.state(),
                }
            })
            .collect();
        FaultPlanState { next_id: self.next_id, faults }
    }

    /// The plan of a state document, each fault checked as when it was added; Err is
    /// (index, key, problem).
    pub fn from_state(state: FaultPlanState) -> Result<FaultPlan, (usize, String, String)> {
        let mut plan = FaultPlan { faults: Vec::with_capacity(state.faults.len()), next_id: state.next_id };
        for (i, f) in state.faults.into_iter().enumerate() {
            let select = match (f.functions, f.api) {
                (None, None) => FaultSelect::All,
                (Some(list), None) => FaultSelect::Functions(list),
                (None, Some(api)) => FaultSelect::Api(api),
                (Some(_), Some(_)) => {
                    return Err((i, "api".into(), "a fault selects by functions or by api, not both".into()))
                }
            };
            let rule = FaultRule {
                id: Some(f.id),
                select,
                kind: f.kind,
                latency_ms: f.latency_ms,
                truncate_bytes: f.truncate_bytes,
                rows: f.rows,
                times: f.times,
                skip: f.skip,
                probability: f.probability,
                from: f.from,
                until: f.until,
            };
            if let Some((key, problem)) = rule.problem() {
                return Err((i, key.into(), problem));
            }
            let id = rule.id.clone().unwrap_or_default();
            if plan.faults.iter().any(|g| g.id() == id) {
                return Err((i, "id".into(), format!("'{id}' is there twice")));
            }
            plan.faults.push(Fault { rule, matched: f.matched, fired: f.fired, rng: Rng::new(f.rng) });
        }
        Ok(plan)
    }

    /// The fault that fires on a request of `function` (of `api`) at `now`, if any; every
    /// fault before it counts the request as it would have.
    pub fn decide(&mut self, function: FunctionId, api: Api, now: JstDateTime) -> Option<FaultHit> {
        let i = self.faults.iter_mut().position(|f| f.consider(function, api, now))?;
        let fault = &self.faults[i];
        let r = &fault.rule;
        Some(FaultHit {
            id: fault.id().to_string(),
            kind: r.kind,
            latency_ms: r.latency_ms.unwrap_or(0),
            truncate_bytes: r.truncate_bytes,
            rows: r.rows.clone(),
        })
    }
}

/// A shop's fault plan ([`crate::domain::faults`]): its faults in order, and the number in
/// the next assigned id.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlanState {
    /// The number in the next assigned id (`f1`, `f2`, …) is one more than this.
    pub next_id: u64,
    /// The faults, in the order they were added (the first that fires acts).
    pub faults: Vec<FaultState>,
}

/// One fault: its spec (the keys of `[[faults]]`) and what it has done so far.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultState {
    /// Its id.
    pub id: String,
    /// The functions it selects (None: by API, or every request).
    pub functions: Option<Vec<FunctionId>>,
    /// The API it selects (None: by functions, or every request).
    pub api: Option<Api>,
    /// What it does.
    pub kind: FaultKind,
    /// `latency`: milliseconds.
    pub latency_ms: Option<u64>,
    /// `truncate`: bytes of the body sent.
    pub truncate_bytes: Option<u64>,
    /// `partial_batch`: the rows that fail.
    pub rows: Vec<usize>,
    /// Fires on at most this many requests.
    pub times: Option<u64>,
    /// Lets this many requests through first.
    pub skip: u64,
    /// Fires with this chance.
    pub probability: Option<f64>,
    /// Its window of the shop's clock: from (inclusive) …
    pub from: Option<JstDateTime>,
    /// … until (exclusive).
    pub until: Option<JstDateTime>,
    /// Requests it selected inside its window so far.
    pub matched: u64,
    /// Requests it fired on so far.
    pub fired: u64,
    /// The state of its `probability` draws.
    pub rng: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::function::OrderOperation;

    fn rule(kind: FaultKind) -> FaultRule {
        FaultRule {
            id: None,
            select: FaultSelect::All,
            kind,
            latency_ms: None,
            truncate_bytes: None,
            rows: Vec::new(),
            times: None,
            skip: 0,
            probability: None,
            from: None,
            until: None,
        }
    }

    fn t(s: &str) -> JstDateTime {
        JstDateTime::parse_flexible(s).unwrap()
    }

    const GET: FunctionId = FunctionId::ITEMS_GET;

    fn pattern(plan: &mut FaultPlan, n: usize, now: JstDateTime) -> Vec<bool> {
        (0..n).map(|_| plan.decide(GET, Api::Item, now).is_some()).collect()
    }

    #[test]
    fn ids_are_assigned_in_turn_and_never_repeat_a_given_one() {
        let mut plan = FaultPlan::default();
        let mut given = rule(FaultKind::Overload);
        given.id = Some("f2".into());
        assert_eq!(plan.add(rule(FaultKind::Overload), 1), Ok("f1".into()));
        assert_eq!(plan.add(given.clone(), 1), Ok("f2".into()));
        assert_eq!(plan.add(rule(FaultKind::Overload), 1), Ok("f3".into()));
        assert_eq!(plan.add(given, 1), Err(PlanError::DuplicateId("f2".into())));
        assert!(plan.remove("f2") && !plan.remove("f2"));
    }

    #[test]
    fn skip_then_times_fire_on_the_requests_between() {
        let mut plan = FaultPlan::default();
        let mut r = rule(FaultKind::SystemError);
        (r.skip, r.times) = (2, Some(3));
        plan.add(r, 1).unwrap();
        let now = t("2026-12-01T00:00:00+0900");
        assert_eq!(pattern(&mut plan, 7, now), [false, false, true, true, true, false, false]);
        assert_eq!(plan.faults()[0].fired(), 3);
    }

    #[test]
    fn a_window_of_the_shop_clock_bounds_firing_until_exclusive() {
        let mut plan = FaultPlan::default();
        let mut r = rule(FaultKind::Maintenance);
        (r.from, r.until) = (Some(t("2026-12-06T02:00:00+0900")), Some(t("2026-12-06T08:00:00+0900")));
        plan.add(r, 1).unwrap();
        for (now, fires) in [
            ("2026-12-06T01:59:59+0900", false),
            ("2026-12-06T02:00:00+0900", true),
            ("2026-12-06T07:59:59+0900", true),
            ("2026-12-06T08:00:00+0900", false),
        ] {
            assert_eq!(plan.decide(GET, Api::Item, t(now)).is_some(), fires, "{now}");
        }
    }

    #[test]
    fn selection_by_function_or_api() {
        let mut plan = FaultPlan::default();
        let confirm = OrderOperation::ConfirmOrder.function_id();
        let mut by_fn = rule(FaultKind::Overload);
        by_fn.select = FaultSelect::Functions(vec![confirm]);
        plan.add(by_fn, 1).unwrap();
        let mut by_api = rule(FaultKind::Throttle);
        by_api.select = FaultSelect::Api(Api::Inventory);
        plan.add(by_api, 1).unwrap();
        let now = t("2026-12-01T00:00:00+0900");
        assert_eq!(plan.decide(confirm, Api::Order, now).map(|h| h.kind), Some(FaultKind::Overload));
        assert_eq!(plan.decide(OrderOperation::GetOrder.function_id(), Api::Order, now), None);
        let stock = plan.decide(FunctionId::INVENTORY_GET, Api::Inventory, now);
        assert_eq!(stock.map(|h| (h.id, h.kind)), Some(("f2".into(), FaultKind::Throttle)));
        assert_eq!(plan.decide(GET, Api::Item, now), None);
    }

    #[test]
    fn a_seeded_probability_repeats_its_pattern_and_depends_on_the_seed() {
        let run = |seed: u64| {
            let mut plan = FaultPlan::default();
            let mut r = rule(FaultKind::SystemError);
            r.probability = Some(0.3);
            plan.add(r, seed).unwrap();
            pattern(&mut plan, 200, t("2026-12-01T00:00:00+0900"))
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let fired = a.iter().filter(|f| **f).count();
        assert!((30..=90).contains(&fired), "about 30 % of 200: {fired}");
    }

    #[test]
    fn rules_with_problems_are_refused_naming_the_key() {
        let problem = |f: &dyn Fn(&mut FaultRule)| {
            let mut r = rule(FaultKind::SystemError);
            f(&mut r);
            r.problem().map(|(k, _)| k)
        };
        assert_eq!(problem(&|r| r.probability = Some(1.5)), Some("probability"));
        assert_eq!(problem(&|r| r.probability = Some(f64::NAN)), Some("probability"));
        assert_eq!(problem(&|r| r.times = Some(0)), Some("times"));
        assert_eq!(problem(&|r| r.id = Some("a b".into())), Some("id"));
        assert_eq!(
            problem(&|r| (r.from, r.until) = (Some(t("2026-12-02T00:00:00+0900")), Some(t("2026-12-01T00:00:00+0900")))),
            Some("until")
        );
        assert_eq!(problem(&|r| r.kind = FaultKind::Latency), Some("latency_ms"));
        assert_eq!(problem(&|r| r.latency_ms = Some(5)), Some("latency_ms"));
        assert_eq!(problem(&|r| r.kind = FaultKind::PartialBatch), Some("rows"));
        assert_eq!(
            problem(&|r| {
                r.kind = FaultKind::PartialBatch;
                r.rows = vec![1];
            }),
            Some("functions")
        );
        assert_eq!(
            problem(&|r| {
                r.kind = FaultKind::PartialBatch;
                r.rows = vec![1];
                r.select = FaultSelect::Functions(vec![FunctionId::INVENTORY_BULK_UPSERT]);
            }),
            None
        );
    }
}
