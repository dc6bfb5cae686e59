//! The state of a shop as plain data: everything a restart must restore so the shop resumes
//! exactly where it was, and nothing it can rebuild.
//!
//! [`ShopState`] is one shop's whole state ([`Shop::export_state`](super::shop::Shop::export_state),
//! [`Shop::from_state`](super::shop::Shop::from_state)); `crate::state` writes it as the JSON
//! state document (`GET /__admin/state`). The same state also comes apart into **entities**,
//! each with a stable [`EntityKey`]: the shop's scalars (one entity), an item, a stock row, an
//! order, an async request, a schedule entry, a journal entry. A change log (`--state-dir`)
//! records the after-image of each entity a change touched, and replays it:
//!
//! ```text
//! after a change:  for key in touched { log(key, shop.entity(&key)) }   // None: it is gone
//! on recovery:     let mut shop = Shop::from_state(snapshot)?;
//!                  for (key, after) in log { shop.apply_entity(&key, after)? }
//! ```
//!
//! Apply the entities of one change in [`EntityKey`] order (it is `Ord`: the scalars first,
//! then items, stock, orders, async requests, the schedule, the journal), so that a schedule
//! entry finds the order it names. After the log is replayed the shop equals the one that
//! wrote it: the same [`ShopState`], and the same answers and ids from then on.
//!
//! Kept: profile, settings, shipping, sub-statuses, seed, the clock (now, mode, speed, the
//! fraction of a second owed), the id generators, the buyers' generator, the schedule and its
//! sequence, catalog counters and lagging reads' copies, items, stock rows, orders (every
//! field, history and causes included), async requests, the request count, the simulation
//! (plan, generators, counts, pending arrival), item marks, capped restocks, the fault plan
//! (specs, counts, the draws' generators), the journal (entries with bodies and fault marks,
//! counters).
//!
//! Not kept, rebuilt on import: search indexes and order stamps, interned texts and people,
//! the SKU facts of placing and the simulation's list of SKUs on sale (caches), what fired
//! while someone listened. Not kept at all: the rate limiter's buckets (they refill in real
//! time; a restored shop starts with full buckets, as after any restart of RMS's gateway), and
//! a wall clock's last reading (a restored wall clock starts from its `now` at its first
//! reading, as a new shop does).

use super::inventory::StockRecord;
use super::order::Order;
use super::order::OrderProgress;
use super::order_ops::{BasketUpdate, OrderShippingResult};
use super::shop::{ClockMode, ItemMarks, ShopProfile, StockCapped};
use super::time::JstDateTime;
use crate::journal::JournalEntryState;
use crate::settings::{ShippingSettings, ShopSettings, SubStatusDef};
use serde::{Deserialize, Serialize};

// Each module keeps the state type of what it owns (so that none of them imports this one);
// the shop's state is put together here.
pub use super::catalog::CatalogState;
pub use super::faults::FaultPlanState;
pub use super::item::ItemState;
pub use super::simulate::SimulationState;
use std::collections::BTreeMap;

/// One shop's whole state. Serialized in struct order, maps by key: two exports of the same
/// state are the same bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopState {
    /// Everything that is not a collection below (one entity).
    pub shop: ShopScalars,
    /// Items by manageNumber.
    pub items: Vec<ItemState>,
    /// Stock rows by (manageNumber, variantId).
    pub stock: Vec<StockState>,
    /// Orders in the order they were placed (the schedule names them by number).
    pub orders: Vec<Order>,
    /// updateOrderShippingAsync requests by requestId.
    pub async_requests: Vec<AsyncRequestState>,
    /// What RMS does on its own later, by (time, sequence).
    pub schedule: Vec<ScheduleEntry>,
    /// The journal's kept entries, oldest first.
    pub journal: Vec<JournalEntryState>,
}

/// The shop's scalars: who it is, its settings, its clock and its counters. (`PartialEq`:
/// `--state-dir` compares them with what it last logged, cheaper than writing them out.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopScalars {
    /// Who the shop is and how it authenticates.
    pub profile: ShopProfile,
    /// Its settings (keys as in a shop document).
    pub settings: ShopSettings,
    /// Delivery defaults and postage.
    pub shipping: ShippingSettings,
    /// Sub-status definitions.
    pub sub_statuses: Vec<SubStatusDef>,
    /// Seed of ids, buyers and request ids.
    pub seed: u64,
    /// The virtual clock.
    pub clock: ClockState,
    /// The id generators.
    pub ids: IdsState,
    /// The generator of buyers' names and places.
    pub buyers_rng: u64,
    /// The last sequence number the schedule gave out.
    pub schedule_seq: u64,
    /// RMS requests served (the count in each `RequestId`).
    pub request_seq: u64,
    /// Counters of the catalog and what lagging reads still see.
    pub catalog: CatalogState,
    /// The journal's counters (its entries are entities of their own).
    pub journal: JournalCounters,
    /// Simulated buyers, once switched on.
    pub simulation: Option<SimulationState>,
    /// Delivery programmes of items, by manageNumber.
    pub item_marks: BTreeMap<String, ItemMarks>,
    /// Restocks that met the stock cap, oldest first.
    pub stock_capped: Vec<StockCapped>,
    /// RMS failing on purpose: the shop's faults and their counts.
    pub faults: FaultPlanState,
}

/// The shop's clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockState {
    /// The shop's now.
    pub now: JstDateTime,
    /// `manual` or `wall`.
    pub mode: ClockMode,
    /// Virtual seconds per wall second (wall mode).
    pub speed: f64,
    /// Virtual nanoseconds owed to a wall clock and not yet on it (below a second, usually).
    pub owed_nanos: u64,
}

/// The id generators' positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsState {
    /// The generator's state.
    pub rng: u64,
    /// The last order serial issued.
    pub next_serial: u64,
    /// The last basket id issued.
    pub next_basket: u64,
    /// The last change id issued.
    pub next_change: u64,
    /// The last shipping detail id issued.
    pub next_shipping_detail: u64,
}

/// The journal's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalCounters {
    /// Entries recorded so far (the last `seq`).
    pub recorded: u64,
    /// Entries dropped beyond the limits.
    pub evicted: u64,
}

/// One stock row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockState {
    /// The SKU's item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// Its units, created and updated times, 2.1 settings.
    pub record: StockRecord,
}

/// A stored updateOrderShippingAsync request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncRequestState {
    /// Its `requestId`.
    pub request_id: String,
    /// Order numbers and their baskets, in request order.
    pub orders: Vec<(String, Vec<BasketUpdate>)>,
    /// Filled once processed.
    pub results: Option<Vec<OrderShippingResult>>,
}

/// Something RMS does on its own at a given time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// When it fires.
    pub at: JstDateTime,
    /// Its sequence number.
    pub seq: u64,
    /// What happens.
    pub event: EventState,
}

/// What a schedule entry does; orders are named by number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventState {
    /// 自動注文確認.
    AutoConfirm {
        /// The order.
        order: String,
    },
    /// Rakuten's processing ends (200 → 300).
    Processing {
        /// The order.
        order: String,
    },
    /// Unconfirmed too long (→ 900).
    UnconfirmedCancel {
        /// The order.
        order: String,
    },
    /// A prepaid order's payment deadline.
    PaymentDeadline {
        /// The order.
        order: String,
    },
    /// The licence key expires.
    LicenseExpiry,
    /// An orphan stock row may expire.
    OrphanExpiry {
        /// The SKU's item.
        manage_number: String,
        /// The SKU.
        variant_id: String,
    },
    /// 500 → 600.
    PaymentProcessing {
        /// The order.
        order: String,
    },
    /// 600 → 700.
    PaymentSettled {
        /// The order.
        order: String,
    },
    /// 800 → 900 after cancelOrder.
    CancelConfirm {
        /// The order.
        order: String,
        /// The restore choice of the cancellation.
        restore: Option<bool>,
    },
    /// 400 → back.
    ChangeConfirm {
        /// The order.
        order: String,
        /// The status it goes back to.
        back_to: OrderProgress,
    },
    /// updateOrderShippingAsync processing.
    AsyncShipping {
        /// The request.
        request_id: String,
    },
    /// An async request's result is forgotten.
    AsyncExpiry {
        /// The request.
        request_id: String,
    },
    /// The buyer did not change the payment after a review NG.
    ReviewDeadline {
        /// The order.
        order: String,
    },
    /// Rakuten cancels an order its fraud review found NG.
    ReviewNgCancel {
        /// The order.
        order: String,
    },
    /// A social gift's address is due.
    GiftInputDeadline {
        /// The order.
        order: String,
    },
    /// A simulated buyer arrives.
    SimulatedArrival,
    /// A simulated buyer pays.
    SimulatedPay {
        /// The order.
        order: String,
    },
    /// A simulated buyer cancels.
    SimulatedCancel {
        /// The order.
        order: String,
    },
}

/// Which entity of a shop's state: the stable key a change log names it by. `Ord` is the
/// order to apply the entities of one change in (see the module).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
pub enum EntityKey {
    /// The shop's scalars ([`ShopScalars`]).
    Shop,
    /// An item.
    Item {
        /// Its (lower-case) manageNumber.
        manage_number: String,
    },
    /// A stock row.
    Stock {
        /// The SKU's item.
        manage_number: String,
        /// The SKU.
        variant_id: String,
    },
    /// An order.
    Order {
        /// Its number.
        number: String,
    },
    /// An updateOrderShippingAsync request.
    AsyncRequest {
        /// Its requestId.
        request_id: String,
    },
    /// A schedule entry.
    Schedule {
        /// When it fires.
        at: JstDateTime,
        /// Its sequence number.
        seq: u64,
    },
    /// A journal entry.
    Journal {
        /// Its seq.
        seq: u64,
    },
}

/// One entity's after-image (see the module); [`Entity::key`] says which.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
pub enum Entity {
    /// The shop's scalars.
    Shop(Box<ShopScalars>),
    /// An item.
    Item(Box<ItemState>),
    /// A stock row.
    Stock(StockState),
    /// An order.
    Order(Box<Order>),
    /// An async request.
    AsyncRequest(AsyncRequestState),
    /// A schedule entry.
    Schedule(ScheduleEntry),
    /// A journal entry.
    Journal(Box<JournalEntryState>),
}

#[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
impl Entity {
    /// The key of this entity.
    pub fn key(&self) -> EntityKey {
        match self {
            Entity::Shop(_) => EntityKey::Shop,
            Entity::Item(i) => EntityKey::Item { manage_number: i.manage_number.clone() },
            Entity::Stock(s) => {
                EntityKey::Stock { manage_number: s.manage_number.clone(), variant_id: s.variant_id.clone() }
            }
            Entity::Order(o) => EntityKey::Order { number: o.number.to_string() },
            Entity::AsyncRequest(a) => EntityKey::AsyncRequest { request_id: a.request_id.clone() },
            Entity::Schedule(e) => EntityKey::Schedule { at: e.at, seq: e.seq },
            Entity::Journal(j) => EntityKey::Journal { seq: j.seq },
        }
    }
}

/// Why a state (a document, or an entity applied to a shop) was refused: where, and what is
/// wrong there. Nothing is changed by a refused state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateError {
    /// Where in the shop's state, e.g. `orders[3]` or `schedule[0].event.order`.
    pub at: String,
    /// What is wrong there.
    pub problem: String,
}

impl StateError {
    /// A problem at `at`.
    pub fn new(at: impl Into<String>, problem: impl Into<String>) -> Self {
        StateError { at: at.into(), problem: problem.into() }
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.problem)
    }
}

impl std::error::Error for StateError {}
