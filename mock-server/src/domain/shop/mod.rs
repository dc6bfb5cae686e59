//! A shop (tenant): everything RMS keeps for one 店舗, behind one handle.
//!
//! All the RMS rules that change state run here: placing, confirming, Rakuten's processing,
//! payments, cancellations, and the virtual clock that fires them. The HTTP layer only calls
//! these methods, through [`ShopHandle`], and never sees the lock.

use crate::domain::buyer::People;
use crate::domain::catalog::Catalog;
use crate::domain::dirty::Dirty;
use crate::domain::faults::FaultPlan;
use crate::domain::inventory::Inventory;
use crate::domain::limits::RateLimiter;
use crate::domain::order::{Cause, Order, OrderNumber, OrderProgress, OrderedSku, SettlementMethod};
use crate::domain::order_kind::OrderType;
use crate::domain::rng::Rng;
use crate::domain::search::OrderBook;
use crate::domain::text::{FastHash, Interner, Text, Texts};
use crate::domain::time::JstDateTime;
use crate::journal::Journal;
use crate::settings::{ShippingSettings, ShopSettings, SubStatusDef};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

mod buyer;
mod clock;
mod items;
mod keys;
mod orders;
mod requests;
mod shipping;
mod simulate;
mod staff;
mod state;
mod wall;

pub use buyer::BulkStep;
pub use clock::latest;
use clock::Event;
pub use keys::{ExtraKey, OtherAppKey, RenewedKey, DEFAULT_KEY_ACTIVATION_MINUTES, MAX_KEY_ACTIVATION_MINUTES};
pub use staff::{StaffAddress, StaffEdit, StaffError, StaffLineEdit};
pub use wall::{valid_clock_speed, ClockMode, MAX_CLOCK_SPEED};

/// The licence key is valid for 90 days from issue (auth-and-limits.md §3).
pub const LICENSE_VALID_DAYS: i64 = 90;

/// Events a long clock move fires per hold of the shop's lock ([`ShopHandle::advance_in_steps`])
/// at most: about a millisecond of work for most events; [`StepSize`] makes the steps smaller
/// when they take longer (simulated buyers' orders).
pub const ADVANCE_STEP_EVENTS: usize = 256;

/// How long one step of a long operation should keep the shop's lock ([`StepSize`]).
pub const STEP_TARGET: Duration = Duration::from_millis(1);

/// What one step of a long operation may do under one hold of the shop's lock: at most a
/// number of units (events fired, orders placed, documents checked), and none begun once its
/// time is up (the first always is, so every step moves on). The time is what bounds the
/// hold: a unit's cost varies with the shop and the event, and [`StepSize`] only learns it
/// after the fact (135 events of simulated buyers kept a 100,000-order shop's lock 8 ms, and a
/// cheap request to the 1,000,000-order shop waited 24 ms, in the same step; issue 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    units: usize,
    until: Option<Instant>,
}

impl Budget {
    /// At most `units`, however long they take (tests, and operations done in one go).
    pub const fn units(units: usize) -> Budget {
        Budget { units, until: None }
    }

    /// At most `units`, and none begun once `time` from now has passed.
    pub fn timed(units: usize, time: Duration) -> Budget {
        Budget { units, until: Some(Instant::now() + time) }
    }

    /// Whether another unit may begin, `done` of them done.
    pub fn allows(&self, done: usize) -> bool {
        done < self.units && (done == 0 || self.until.is_none_or(|until| Instant::now() < until))
    }

    /// What is left once `done` units are done (the same time limit).
    pub fn after(&self, done: usize) -> Budget {
        Budget { units: self.units.saturating_sub(done), until: self.until }
    }
}

/// The size of the next step of a long operation (a clock advance, a bulk of orders): at most
/// `max` units of work; after a step that kept the shop's lock longer than [`STEP_TARGET`], in
/// proportion fewer (down to one); after a step under half of it, twice as many again (up to
/// `max`). A count of events is not a time: 256 events of simulated buyers measured up to 8 ms
/// of CPU under the lock (issue 11), and every other request to the shop waited as long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepSize {
    next: usize,
    max: usize,
}

impl StepSize {
    /// Steps of at most `max` (at least 1), starting there.
    pub fn new(max: usize) -> Self {
        StepSize { next: max.max(1), max: max.max(1) }
    }

    /// The size of the next step.
    pub fn get(&self) -> usize {
        self.next
    }

    /// Tells how long the last step (of [`StepSize::get`] units) kept the lock.
    pub fn took(&mut self, held: Duration) {
        if held > STEP_TARGET {
            let scaled = self.next as u128 * STEP_TARGET.as_nanos() / held.as_nanos().max(1);
            self.next = (scaled as usize).max(1);
        } else if held < STEP_TARGET / 2 {
            self.next = self.next.saturating_mul(2).min(self.max);
        }
    }
}

/// SKUs a generated catalog inserts per hold of the shop's lock
/// ([`ShopHandle::insert_generated_in_steps`]): a few milliseconds of work.
pub const GENERATE_STEP_SKUS: usize = 2_000;

/// Who the shop is and how it authenticates.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopProfile {
    /// 6 digits; the first part of every order number.
    pub shop_id: String,
    /// Store URL name.
    pub name: String,
    /// The ESA service secret.
    pub service_secret: String,
    /// The ESA licence key.
    pub license_key: String,
    /// When the licence key was issued.
    pub license_issued_at: JstDateTime,
    /// A renewed key, working from its `active_from` (the current key keeps working until its
    /// own expiry); None when none was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_key: Option<RenewedKey>,
    /// Keys the shop holds for other apps: refused like a wrong key, the journal says why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_keys: Vec<OtherAppKey>,
}

impl ShopProfile {
    /// When the licence key stops working (90 days after issue).
    pub fn license_expires_at(&self) -> JstDateTime {
        self.license_issued_at.plus_days(LICENSE_VALID_DAYS)
    }
}

/// A change the clock or an action caused, as reported by `advance` and kept for the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// When (shop time).
    pub at: JstDateTime,
    /// None for shop-level events (licence expiry).
    pub order_number: Option<OrderNumber>,
    /// Status before.
    pub from: Option<OrderProgress>,
    /// Status after.
    pub to: Option<OrderProgress>,
    /// What caused it.
    pub cause: TransitionCause,
}

/// What a [`Transition`] came from: an order's status change, or an event of the shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionCause {
    /// An order moved (or was placed) for this cause.
    Order(Cause),
    /// The licence key expired (90 days after issue).
    LicenseExpired,
}

impl TransitionCause {
    /// The cause as the ledger and the control plane write it (`confirmOrder`,
    /// `auto_confirm`, `license_expired`, …); conformance snapshots compare these texts.
    pub fn as_str(self) -> &'static str {
        match self {
            TransitionCause::Order(c) => c.as_str(),
            TransitionCause::LicenseExpired => "license_expired",
        }
    }
}

impl std::fmt::Display for TransitionCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a buyer's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    /// The item.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// Units, 1–999.
    pub units: i64,
}

/// Points and coupons the buyer uses on an order, and the delivery options of the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderExtras {
    /// Points used.
    pub used_point: i64,
    /// Coupons used.
    pub coupons: Vec<crate::domain::order::Coupon>,
    /// `deliveryCertPrgFlag`; None: from the items ([`ItemMarks`]).
    pub delivery_cert_program: Option<bool>,
    /// `oneDayOperationFlag`; None: from the items ([`ItemMarks`]).
    pub one_day_operation: Option<bool>,
    /// 置き配場所 the buyer chose, one of
    /// [`DROP_OFF_LOCATIONS`](crate::domain::order_ops::DROP_OFF_LOCATIONS); None: no drop-off.
    pub drop_off_location: Option<String>,
    /// `orderType`: 1 通常購入 (default), 4 定期購入, 5 頒布会, 6 予約商品.
    pub order_type: OrderType,
    /// `reserveNumber` of a 4/5/6 order; None: issued (`<shop>-<YYYYMMDD>-<8 digits>-r`).
    pub reserve_number: Option<String>,
    /// `reserveDeliveryCount` of a 4/5/6 order; None: 1.
    pub reserve_delivery_count: Option<u32>,
    /// 送料未確定: every basket's postage is −9999 until the shop sets it
    /// ([`Shop::set_postage`]), whatever the shop's postage settings say.
    pub postage_undetermined: bool,
    /// A social gift (v10): the recipient enters the address later
    /// ([`Shop::enter_gift_address`]); until then the recipient is 入力待ち.
    pub social_gift: bool,
    /// Days the recipient of a social gift has to enter the address (`inputDueDate` = order
    /// date + this); None: [`DEFAULT_GIFT_INPUT_DAYS`].
    pub gift_input_days: Option<u32>,
    /// Further destinations (`severalSenderFlag` 1): each a basket of its own lines shipped to
    /// another recipient; the order's own lines are the first basket, to the orderer.
    pub destinations: Vec<Vec<OrderLine>>,
    /// `cautionDisplayType`: 0 (default), 1 要注意, 2 キャンセル確定.
    pub caution_display: u8,
    /// `cautionDisplayDetailType` (v6): 101–105; None by default.
    pub caution_detail: Option<i64>,
    /// `rakutenConfirmFlag` 1 (楽天確認中).
    pub rakuten_confirm: bool,
    /// Rakuten's fraud review says NG: `rakutenConfirmFlag` 1, and Rakuten cancels the order
    /// the next day (cause `review_ng`), whatever the shop did with it meanwhile.
    pub review_ng: bool,
}

/// What a social gift's recipient enters (control plane `POST …/orders/{n}/gift-address`,
/// setup step `gift_address`): each field given replaces that of a generated recipient.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GiftAddress {
    /// 姓.
    pub family_name: Option<String>,
    /// 名.
    pub first_name: Option<String>,
    /// Postal code, 7 digits (`1500001`, or `150-0001`).
    pub zip_code: Option<String>,
    /// 都道府県.
    pub prefecture: Option<String>,
    /// 市区町村.
    pub city: Option<String>,
    /// The rest of the address.
    pub sub_address: Option<String>,
    /// Phone number in three parts separated by `-` (`090-1234-5678`).
    pub phone: Option<String>,
}

impl GiftAddress {
    /// What is wrong with it, as (key, problem): a postal code that is not 7 digits, a phone
    /// number that is not three groups of digits.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if let Some(z) = &self.zip_code {
            let digits: String = z.chars().filter(|c| *c != '-').collect();
            if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Some(("zip_code", format!("'{z}' is not a 7-digit postal code")));
            }
        }
        if let Some(p) = &self.phone {
            let parts: Vec<&str> = p.split('-').collect();
            if parts.len() != 3 || parts.iter().any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit())) {
                return Some(("phone", format!("'{p}' is not a phone number like 090-1234-5678")));
            }
        }
        None
    }

    /// `generated` with the fields given here; a recipient has no e-mail in `SenderModel`.
    pub(crate) fn apply(
        &self,
        mut b: crate::domain::buyer::Buyer,
        texts: &mut Texts,
        people: &mut People,
    ) -> crate::domain::buyer::Buyer {
        if self.family_name.is_some() || self.first_name.is_some() {
            let mut name = (*b.name).clone();
            if let Some(f) = &self.family_name {
                name.family_name = texts.text(f);
            }
            if let Some(f) = &self.first_name {
                name.first_name = texts.text(f);
            }
            b.name = people.name(name);
        }
        if self.zip_code.is_some() || self.prefecture.is_some() || self.city.is_some() {
            let mut place = (*b.place).clone();
            if let Some(z) = &self.zip_code {
                let digits: String = z.chars().filter(|c| *c != '-').collect();
                place.zip_code1 = texts.text(digits.get(..3).unwrap_or_default());
                place.zip_code2 = texts.text(digits.get(3..).unwrap_or_default());
            }
            if let Some(v) = &self.prefecture {
                place.prefecture = texts.text(v);
            }
            if let Some(v) = &self.city {
                place.city = texts.text(v);
            }
            b.place = people.place(place);
        }
        if let Some(v) = &self.sub_address {
            b.sub_address = texts.text(v);
        }
        if let Some(p) = &self.phone {
            let mut parts = p.split('-').map(|g| texts.text(g));
            if let (Some(a), Some(c), Some(d)) = (parts.next(), parts.next(), parts.next()) {
                b.phone = [a, c, d];
            }
        }
        b.email = texts.text("");
        b
    }
}

/// Days a social gift's recipient has by default to enter the address (inferred: RMS does not
/// publish the period; a week is what gift services commonly give).
pub const DEFAULT_GIFT_INPUT_DAYS: u32 = 7;

/// The most destinations one order has (the order's own lines and 19 more; inferred: RMS's
/// screens take up to 20 送付先).
pub const MAX_DESTINATIONS: usize = 20;

/// What a shop marks on an item outside its Item API data: the delivery programmes an order
/// of it falls under. An order gets a flag when every one of its lines is so marked (the
/// fake's rule, inferred: a programme's promise holds for a whole delivery or not at all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemMarks {
    /// 配送品質向上制度 eligible (`deliveryCertPrgFlag` 1).
    pub delivery_cert_program: bool,
    /// `oneDayOperationFlag` 1.
    pub one_day_operation: bool,
}

/// Why a buyer could not place an order. The control plane and shop documents name the key
/// of their request each one is about; the domain only says which rule was broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceOrderError {
    /// Points used are below zero.
    NegativePoints(i64),
    /// The order time is before the shop's clock; history only moves forward.
    BeforeNow {
        /// The time asked for.
        at: JstDateTime,
        /// The shop's current time.
        now: JstDateTime,
    },
    /// Not a RakutenPay `settlementMethodCode`.
    UnknownSettlement(i64),
    /// An order needs at least one line.
    NoLines,
    /// Units of a line are not 1–999.
    UnitsOutOfRange {
        /// 0-based line index.
        line: usize,
        /// The units asked for.
        units: i64,
    },
    /// A line names an item the catalog does not have.
    UnknownItem {
        /// 0-based line index.
        line: usize,
        /// The item asked for.
        manage_number: String,
    },
    /// A line names a variant the item does not have.
    UnknownVariant {
        /// 0-based line index.
        line: usize,
        /// The item.
        manage_number: String,
        /// The variant asked for.
        variant_id: String,
    },
    /// The item or variant is in the warehouse (hidden): not on sale.
    Hidden {
        /// The item.
        manage_number: String,
        /// The variant.
        variant_id: String,
    },
    /// The variant has no `standardPrice`: not on sale.
    NoPrice {
        /// The item.
        manage_number: String,
        /// The variant.
        variant_id: String,
    },
    /// Not enough stock for the units of all lines together.
    OutOfStock {
        /// The item.
        manage_number: String,
        /// The variant.
        variant_id: String,
        /// Units in stock.
        left: i64,
        /// Units the order needs.
        needed: i64,
    },
    /// The drop-off location is not one RMS offers.
    UnknownDropOffLocation(String),
    /// The shop cannot write another order number (its id is longer than RMS's six digits).
    NoOrderNumber,
    /// Coupons and points exceed goods + postage.
    DiscountsExceedTotal {
        /// Coupons + points.
        discounts: i64,
        /// Goods + postage.
        total: i64,
    },
    /// `reserveNumber` / `reserveDeliveryCount` on a normal order (type 1).
    ReservationOnNormalOrder,
    /// A `reserveNumber` not of the shape `<shop>-<YYYYMMDD>-<digits>-r`.
    BadReserveNumber(String),
    /// `reserveDeliveryCount` 0 (counts start at 1).
    BadReserveDeliveryCount(u32),
    /// A social gift goes to one recipient: it cannot have further destinations (inferred).
    SocialGiftWithDestinations,
    /// More destinations than [`MAX_DESTINATIONS`].
    TooManyDestinations(usize),
    /// `cautionDisplayType` not 0, 1 or 2.
    BadCautionDisplay(u8),
    /// `cautionDisplayDetailType` not 101–105.
    BadCautionDetail(i64),
    /// A problem with one of the further destinations' lines.
    InDestination {
        /// 0-based index into the destinations.
        destination: usize,
        /// What is wrong with its lines.
        problem: Box<PlaceOrderError>,
    },
}

/// Why a buyer-side action on an existing order was refused (control plane).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuyerError {
    /// No order with this number in the shop.
    NotFound(String),
    /// Paying: the order is not paid by a prepayment method.
    NotPrepaid {
        /// The order.
        number: String,
        /// How it is paid.
        settlement: SettlementMethod,
    },
    /// Paying: the order is already paid.
    AlreadyPaid(String),
    /// Paying: the order is cancelled (800/900).
    Cancelled {
        /// The order.
        number: String,
        /// Its status.
        progress: OrderProgress,
    },
    /// Cancelling: the buyer's self-cancel window has closed.
    CancelWindowClosed {
        /// The last moment the buyer could cancel.
        deadline: JstDateTime,
        /// The window's length (`buyer_cancel_minutes`).
        window_minutes: u32,
        /// The shop's current time.
        now: JstDateTime,
    },
    /// Cancelling: the order is past Rakuten's processing.
    NotCancellable {
        /// The order.
        number: String,
        /// Its status.
        progress: OrderProgress,
    },
    /// Gift address: the order is not a social gift.
    NotSocialGift(String),
    /// Gift address: the recipient has entered it already.
    GiftAddressEntered(String),
    /// Setting postage: the order has no basket with this id.
    NoSuchBasket {
        /// The order.
        number: String,
        /// The basketId asked for.
        basket_id: u64,
    },
    /// Setting postage: not between 0 and [`MAX_AMOUNT`](crate::domain::order::MAX_AMOUNT).
    PostageOutOfRange(i64),
    /// Setting postage: the order is shipped or cancelled (only 100–400 take it).
    PostageLocked {
        /// The order.
        number: String,
        /// Its status.
        progress: OrderProgress,
    },
    /// Review NG: only a card order in 200, not already NG, can fail the review.
    NotReviewable {
        /// The order.
        number: String,
        /// Its status.
        progress: OrderProgress,
        /// How it is paid.
        settlement: SettlementMethod,
    },
}

/// Issues reproducible ids from the shop's seed.
#[derive(Debug)]
pub(super) struct Ids {
    rng: Rng,
    next_serial: u64,
    next_basket: u64,
    next_change: u64,
    next_shipping_detail: u64,
}

impl Ids {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed).fork(1);
        let next_serial = rng.range(200_000_000, 299_999_999);
        let next_basket = rng.range(9_000_000, 9_900_000);
        let next_change = rng.range(700_000_000, 799_999_999);
        let next_shipping_detail = Rng::new(seed).fork(3).range(100_000_000_000, 199_999_999_999);
        Ids { rng, next_serial, next_basket, next_change, next_shipping_detail }
    }

    fn serial(&mut self) -> u64 {
        self.next_serial += self.rng.range(1, 37);
        self.next_serial
    }

    fn basket(&mut self, items: u64) -> u64 {
        self.next_basket += items + self.rng.range(1, 9);
        self.next_basket
    }

    pub(super) fn shipping_detail(&mut self) -> u64 {
        self.next_shipping_detail += 1;
        self.next_shipping_detail
    }

    pub(super) fn change(&mut self) -> u64 {
        self.next_change += self.rng.range(1, 500);
        self.next_change
    }
}

/// One shop (店舗) and everything RMS keeps for it.
pub struct Shop {
    /// Who the shop is.
    profile: ShopProfile,
    /// Its settings (change them with `set_settings`).
    settings: ShopSettings,
    /// Delivery defaults and postage.
    shipping: ShippingSettings,
    /// Its sub-statuses.
    sub_statuses: Vec<SubStatusDef>,
    /// Its items.
    catalog: Catalog,
    /// Its stock.
    inventory: Inventory,
    /// Seed of its ids and buyers.
    seed: u64,
    now: JstDateTime,
    orders: OrderBook,
    schedule: BTreeMap<(JstDateTime, u64), Event>,
    schedule_seq: u64,
    ids: Ids,
    /// updateOrderShippingAsync requests by requestId.
    async_requests: std::collections::HashMap<String, super::order_ops::AsyncRequest>,
    buyers: Rng,
    journal: Journal,
    limiter: RateLimiter,
    /// What fires while someone listens ([`Shop::advance_to`], [`Shop::follow_wall`], a bulk
    /// placement), oldest first; None while nobody does, so nothing piles up.
    listening: Option<Vec<Transition>>,
    /// The shop's strings, one copy of each (names, places, titles, …) for all its orders.
    texts: Texts,
    /// The SKUs as ordered, one per SKU and catalog version, shared by the order lines.
    ordered_skus: Interner<OrderedSku>,
    /// The buyers' names and places, one copy of each.
    people: People,
    /// What placing an order needs of each SKU ordered so far, by manageNumber and variantId,
    /// as of a catalog revision.
    sku_facts: HashMap<Text, HashMap<Text, buyer::SkuFacts, FastHash>, FastHash>,
    request_seq: u64,
    /// The hash of `"{seed}:"` that every `RequestId` starts from, for the seed it was made of
    /// (a cache: the seed can be replaced by an imported state).
    request_id_prefix: Option<(u64, u64)>,
    /// Simulated buyers (`[simulate]`), once switched on.
    simulation: Option<crate::domain::simulate::Simulation>,
    /// Manual or wall mode, and where a wall clock stands.
    wall: wall::WallFollow,
    /// Delivery programmes of items, by (lower-case) manageNumber; unmarked items have none.
    item_marks: BTreeMap<String, ItemMarks>,
    /// Units an order's restock could not put back because the stock was at the cap
    /// (99,999), oldest first; as many as there were such restocks, which are rare.
    stock_capped: Vec<StockCapped>,
    /// requestIds of the async requests stored, processed or forgotten since last taken
    /// (`--state-dir` only; see [`Shop::take_changes`]).
    async_dirty: Dirty<String>,
    /// Schedule entries added since last taken (`--state-dir` only; see [`Shop::take_changes`]).
    schedule_added: Dirty<(JstDateTime, u64)>,
    /// Schedule entries removed since last taken, of those added before.
    schedule_removed: Dirty<(JstDateTime, u64)>,
    /// RMS failing on purpose: the faults set up for the shop's requests.
    faults: FaultPlan,
}

/// The keys of what changed in a shop since the last [`Shop::take_changes`]: the entities
/// whose after-images `--state-dir` logs. The shop's scalars (clock, ids, settings, …) and
/// its journal are compared by the logger itself, so no setter needs to mark them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Positions in the order book of the orders placed or changed.
    pub orders: Vec<usize>,
    /// (manageNumber, variantId) of the stock records written, reserved, restored or deleted.
    pub stock: Vec<(String, String)>,
    /// manageNumbers of the items put or removed.
    pub items: Vec<String>,
    /// requestIds of the updateOrderShippingAsync requests stored, processed or forgotten.
    pub async_requests: Vec<String>,
    /// Keys of the schedule entries added (and still there).
    pub schedule_added: Vec<(JstDateTime, u64)>,
    /// Keys of the schedule entries removed (fired or cancelled).
    pub schedule_removed: Vec<(JstDateTime, u64)>,
}

impl Changes {
    /// True when no entity changed.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
            && self.stock.is_empty()
            && self.items.is_empty()
            && self.async_requests.is_empty()
            && self.schedule_added.is_empty()
            && self.schedule_removed.is_empty()
    }
}

/// Told about a shop's changes at the end of every hold of its lock ([`ShopHandle::attach`]):
/// the state directory's logger. It runs with the shop locked, so what it takes (and queues)
/// follows the order in which the shop changed.
pub trait ChangeSink: Send + Sync {
    /// Called with the shop still locked, after each [`ShopHandle::with`] (and each step of
    /// the stepped operations, which use it).
    fn after(&self, shop: &mut Shop);

    /// Called with the shop locked when it leaves the server (deleted, reset, replaced): the
    /// sink records that and is told nothing more.
    fn detach(&self, shop: &mut Shop);
}

/// A restock (a cancellation, fewer units by updateOrderSender) that met the stock cap: the
/// units that fit went back, the rest were lost, and this says so.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockCapped {
    /// When (shop time).
    pub at: JstDateTime,
    /// The order whose units were put back.
    pub order_number: OrderNumber,
    /// The SKU.
    pub manage_number: String,
    /// The SKU.
    pub variant_id: String,
    /// Units the restock was to put back.
    pub units: i64,
    /// Units that did not fit under [`MAX_QUANTITY`](crate::domain::inventory::MAX_QUANTITY).
    pub lost: i64,
}

impl Shop {
    /// A shop at `start` with nothing in it but the licence expiry scheduled.
    pub fn new(
        profile: ShopProfile,
        settings: ShopSettings,
        shipping: ShippingSettings,
        sub_statuses: Vec<SubStatusDef>,
        seed: u64,
        start: JstDateTime,
    ) -> Shop {
        let mut shop = Shop {
            profile,
            settings,
            shipping,
            sub_statuses,
            catalog: Catalog::default(),
            inventory: Inventory::default(),
            seed,
            now: start,
            orders: OrderBook::default(),
            schedule: BTreeMap::new(),
            schedule_seq: 0,
            ids: Ids::new(seed),
            async_requests: std::collections::HashMap::new(),
            buyers: Rng::new(seed).fork(2),
            journal: Journal::default(),
            limiter: RateLimiter::default(),
            listening: None,
            texts: Texts::default(),
            ordered_skus: Interner::default(),
            people: People::default(),
            sku_facts: HashMap::default(),
            request_seq: 0,
            request_id_prefix: None,
            simulation: None,
            wall: wall::WallFollow::default(),
            item_marks: BTreeMap::new(),
            stock_capped: Vec::new(),
            async_dirty: Dirty::default(),
            schedule_added: Dirty::default(),
            schedule_removed: Dirty::default(),
            faults: FaultPlan::default(),
        };
        shop.schedule_at(shop.profile.license_expires_at(), Event::LicenseExpiry);
        shop
    }

    /// Who the shop is and how it authenticates.
    pub fn profile(&self) -> &ShopProfile {
        &self.profile
    }

    /// Its settings; they change only through [`Shop::set_settings`].
    pub fn settings(&self) -> &ShopSettings {
        &self.settings
    }

    /// Delivery defaults and postage.
    pub fn shipping(&self) -> &ShippingSettings {
        &self.shipping
    }

    /// Its sub-status definitions (getSubStatusList).
    pub fn sub_statuses(&self) -> &[SubStatusDef] {
        &self.sub_statuses
    }

    /// Its items (Item API 2.0); they change through the item methods.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The delivery programmes an item is marked for (none unless marked).
    pub fn item_marks(&self, manage_number: &str) -> ItemMarks {
        self.item_marks.get(manage_number).copied().unwrap_or_default()
    }

    /// Marks an item for delivery programmes (kept by manageNumber, so an item replaced
    /// through the Item API keeps its marks).
    pub fn mark_item(&mut self, manage_number: &str, marks: ItemMarks) {
        if marks == ItemMarks::default() {
            self.item_marks.remove(manage_number);
        } else {
            self.item_marks.insert(manage_number.to_string(), marks);
        }
    }

    /// Its stock (Inventory API); it changes through the stock methods and orders.
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// Seed of its ids, buyers and request ids.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The shop's clock.
    pub fn now(&self) -> JstDateTime {
        self.now
    }

    /// The faults set up for the shop's RMS requests.
    pub fn faults(&self) -> &FaultPlan {
        &self.faults
    }

    /// The fault plan, to add or remove faults (the seed of their draws is [`Shop::seed`]).
    pub fn faults_mut(&mut self) -> &mut FaultPlan {
        &mut self.faults
    }

    /// Its orders.
    pub fn orders(&self) -> &OrderBook {
        &self.orders
    }

    /// The restocks of an order that met the stock cap, oldest first.
    pub fn stock_capped(&self, number: &str) -> impl Iterator<Item = &StockCapped> {
        let number = number.to_string();
        self.stock_capped.iter().filter(move |c| c.order_number == number.as_str())
    }

    /// One order.
    pub fn order(&self, number: &str) -> Option<&Order> {
        self.orders.find(number).map(|i| self.orders.get(i))
    }

    /// Runs `f` and returns, besides its result, every transition that fired meanwhile.
    pub(crate) fn recording<R>(&mut self, f: impl FnOnce(&mut Shop) -> R) -> (R, Vec<Transition>) {
        let outer = self.listening.replace(Vec::new());
        let r = f(self);
        let fired = std::mem::replace(&mut self.listening, outer).unwrap_or_default();
        if let Some(outer) = &mut self.listening {
            outer.extend(fired.iter().cloned());
        }
        (r, fired)
    }

    /// Starts tracking which entities change ([`Shop::take_changes`]); off until called, so a
    /// shop without a state directory keeps no marks.
    pub fn track_changes(&mut self) {
        self.orders.dirty.track();
        self.inventory.dirty.track();
        self.catalog.dirty.track();
        self.async_dirty.track();
        self.schedule_added.track();
        self.schedule_removed.track();
    }

    /// True once [`Shop::track_changes`] was called on this shop (a shop replaced as a whole
    /// is a new, untracked one).
    pub fn tracks_changes(&self) -> bool {
        self.schedule_added.is_tracked()
    }

    /// The entities changed since the last call (or since tracking started), leaving none
    /// marked.
    pub fn take_changes(&mut self) -> Changes {
        Changes {
            orders: self.orders.dirty.take(),
            stock: self.inventory.dirty.take(),
            items: self.catalog.dirty.take(),
            async_requests: self.async_dirty.take(),
            schedule_added: self.schedule_added.take(),
            schedule_removed: self.schedule_removed.take(),
        }
    }

    /// Removes a schedule entry, marking it for the state directory.
    fn unschedule(&mut self, key: &(JstDateTime, u64)) -> Option<Event> {
        let event = self.schedule.remove(key)?;
        if !self.schedule_added.unmark(key) {
            self.schedule_removed.mark(|| *key);
        }
        Some(event)
    }

    /// Keeps a transition for whoever listens (see [`Shop::recording`]).
    fn record(&mut self, t: Transition) {
        if let Some(fired) = &mut self.listening {
            fired.push(t);
        }
    }
}

/// The one way to reach a shop: a cheap clone around the lock.
///
/// A std `Mutex`, not tokio's: every critical section is short and synchronous, and `with`
/// takes a plain closure, so no guard can live across an `.await` (see mini-redis `db.rs`).
/// Long operations run in steps ([`ShopHandle::in_steps`]), so no request waits for more
/// than one step.
#[derive(Clone)]
pub struct ShopHandle(Arc<Locked>);

struct Locked {
    shop: Mutex<Shop>,
    /// Told of the shop's changes after each hold of the lock (a state directory's logger).
    sink: std::sync::OnceLock<Arc<dyn ChangeSink>>,
    /// Callers of `with` waiting for the lock right now.
    waiting: AtomicUsize,
    /// How often the lock was taken (tests count the holds a request takes).
    #[cfg(test)]
    holds: AtomicUsize,
}

/// How long a long operation, between two of its steps, waits for the requests already
/// waiting for the shop to take their turn.
const HANDOFF_LIMIT: Duration = Duration::from_millis(5);

impl ShopHandle {
    /// Wraps a shop.
    pub fn new(shop: Shop) -> Self {
        ShopHandle(Arc::new(Locked {
            shop: Mutex::new(shop),
            sink: std::sync::OnceLock::new(),
            waiting: AtomicUsize::new(0),
            #[cfg(test)]
            holds: AtomicUsize::new(0),
        }))
    }

    /// Runs `f` with the shop locked.
    pub fn with<R>(&self, f: impl FnOnce(&mut Shop) -> R) -> R {
        self.0.waiting.fetch_add(1, Ordering::SeqCst);
        let mut shop = self.lock();
        self.0.waiting.fetch_sub(1, Ordering::SeqCst);
        let out = f(&mut shop);
        // One atomic load when no state directory is configured.
        if let Some(sink) = self.0.sink.get() {
            sink.after(&mut shop);
        }
        out
    }

    /// Tells `sink` of the shop's changes from now on, after every hold of its lock; false
    /// (and nothing changes) when a sink is attached already.
    pub fn attach(&self, sink: Arc<dyn ChangeSink>) -> bool {
        self.0.sink.set(sink).is_ok()
    }

    /// Tells the attached sink, if any, that the shop leaves the server ([`ChangeSink::detach`]).
    pub fn detach(&self) {
        if let Some(sink) = self.0.sink.get() {
            sink.detach(&mut self.lock());
        }
    }

    /// Runs a long operation as steps, each under its own hold of the lock, until a step
    /// returns its result. Between two steps the requests already waiting for the shop go
    /// first: std's `Mutex` would let this thread take the lock straight back before a woken
    /// waiter runs ("barging"), and a request could then wait for many steps, not one.
    pub fn in_steps<T>(&self, step: impl FnMut(&mut Shop) -> Option<T>) -> T {
        self.in_steps_handing_over(HANDOFF_LIMIT, step)
    }

    fn in_steps_handing_over<T>(&self, limit: Duration, mut step: impl FnMut(&mut Shop) -> Option<T>) -> T {
        loop {
            if let Some(done) = self.with(&mut step) {
                return done;
            }
            self.hand_over(limit);
        }
    }

    /// [`ShopHandle::in_steps`] for steps that report something (what they fired): `report`
    /// gets each step's report with the lock released (it may write logs), before the next
    /// step; a step returns its report and, when the operation is done, its result.
    pub fn in_steps_reporting<R, T>(
        &self,
        mut step: impl FnMut(&mut Shop) -> (R, Option<T>),
        mut report: impl FnMut(R),
    ) -> T {
        loop {
            let (r, done) = self.with(&mut step);
            report(r);
            if let Some(done) = done {
                return done;
            }
            self.hand_over(HANDOFF_LIMIT);
        }
    }

    /// Lets the requests already waiting for the shop go first, for at most `limit`.
    fn hand_over(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.0.waiting.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::yield_now();
        }
    }

    /// Moves the shop's clock to `target` as [`Shop::advance_to`] does, but in steps of at
    /// most [`ADVANCE_STEP_EVENTS`] events, fewer when they take longer than [`STEP_TARGET`]
    /// ([`StepSize`], [`ShopHandle::in_steps`]): a jump over months of a
    /// busy shop (thousands of transitions) never keeps the shop's other requests waiting for
    /// more than one step. A request served between two steps sees the clock where the last
    /// step left it, as if the advance had been asked for in two parts. What fired is handed
    /// to `each` step by step, the lock released ([`ShopHandle::in_steps_reporting`]: a jump
    /// over a busy year keeps no list of all it fired); returns the shop's now afterwards.
    pub fn advance_in_steps(&self, target: JstDateTime, mut each: impl FnMut(&[Transition])) -> JstDateTime {
        let mut size = StepSize::new(ADVANCE_STEP_EVENTS);
        self.in_steps_reporting(
            |s| {
                let started = Instant::now();
                let (fired, reached) = s.advance_step(target, Budget::timed(size.get(), STEP_TARGET));
                size.took(started.elapsed());
                (fired, reached.then(|| s.now()))
            },
            |fired| each(&fired),
        )
    }

    /// Inserts a generated catalog as [`Shop::insert_generated`] does, in batches of about
    /// [`GENERATE_STEP_SKUS`] SKUs ([`ShopHandle::in_steps`]), so a catalog of 100,000 items
    /// never keeps the shop's other requests waiting for all of it. As in one go, the items
    /// before a refused one stay inserted.
    pub fn insert_generated_in_steps(
        &self,
        generated: Vec<crate::domain::catalog::generate::GeneratedItem>,
    ) -> Result<Vec<String>, crate::domain::catalog::generate::GenerateError> {
        let per_batch = generated.first().map_or(1, |g| (GENERATE_STEP_SKUS / g.stock.len().max(1)).max(1));
        let mut made = Vec::with_capacity(generated.len());
        let mut items = generated.into_iter().peekable();
        self.in_steps(|s| {
            let batch: Vec<_> = items.by_ref().take(per_batch).collect();
            match s.insert_generated(batch) {
                Ok(names) => made.extend(names),
                Err(e) => return Some(Err(e)),
            }
            items.peek().is_none().then_some(Ok(()))
        })?;
        Ok(made)
    }

    /// How often the shop's lock was taken so far.
    #[cfg(test)]
    pub(crate) fn holds(&self) -> usize {
        self.0.holds.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, Shop> {
        #[cfg(test)]
        self.0.holds.fetch_add(1, Ordering::SeqCst);
        // A panic inside `with` poisons the lock (an RMS operation's panic is caught inside,
        // `crate::panics`, so it does not). The shop's data is still consistent: operations
        // check everything before their first change, so a panic (in the checks) changes
        // nothing; keep serving rather than failing every later request.
        self.0.shop.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderProgress;
    use crate::setup::{parse_toml, ShopDocument};

    fn shop(settings: &str) -> Shop {
        let text = format!(
            "[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\nclock_start = \"2026-11-28T09:00:00+0900\"\n[settings]\n{settings}\n[[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v\"\nprice = 1000\nquantity = 10\n"
        );
        let doc: ShopDocument = parse_toml(&text, "t").unwrap();
        doc.build("t").unwrap()
    }

    /// A step over its time gets the next one smaller in proportion (never below one); quick
    /// steps grow back by doubling, never beyond the cap; a step on target changes nothing.
    #[test]
    fn a_step_that_kept_the_lock_too_long_makes_the_next_smaller_then_they_grow_back() {
        let mut size = StepSize::new(256);
        assert_eq!(size.get(), 256);
        size.took(STEP_TARGET);
        assert_eq!(size.get(), 256, "on target");
        size.took(STEP_TARGET * 8);
        assert_eq!(size.get(), 32);
        size.took(STEP_TARGET * 100);
        assert_eq!(size.get(), 1, "never below one");
        size.took(STEP_TARGET / 4);
        assert_eq!(size.get(), 2);
        size.took(STEP_TARGET * 3 / 4);
        assert_eq!(size.get(), 2, "between half and the target: kept");
        for _ in 0..20 {
            size.took(Duration::ZERO);
        }
        assert_eq!(size.get(), 256, "never beyond the cap");
        assert_eq!(StepSize::new(0).get(), 1);
    }

    fn line(units: i64) -> Vec<OrderLine> {
        vec![OrderLine { manage_number: "i".into(), variant_id: "v".into(), units }]
    }

    fn t(s: &str) -> JstDateTime {
        JstDateTime::parse_rms(s).unwrap()
    }

    #[test]
    fn the_clock_fires_due_events_in_time_order_and_never_goes_back() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 20\nprocessing_delay_minutes = 5");
        let a = s.place_order(&line(1), 1, None).unwrap();
        let b = s.place_order(&line(1), 1, Some(t("2026-11-28T09:10:00+0900"))).unwrap();
        let fired = s.advance_to(t("2026-11-28T10:00:00+0900"));
        let seen: Vec<(String, &str, String)> =
            fired.iter().map(|f| (f.at.to_rms(), f.cause.as_str(), f.order_number.unwrap().to_string())).collect();
        assert_eq!(
            seen,
            vec![
                ("2026-11-28T09:20:00+0900".into(), "auto_confirm", a.clone()),
                ("2026-11-28T09:25:00+0900".into(), "processing", a.clone()),
                ("2026-11-28T09:30:00+0900".into(), "auto_confirm", b.clone()),
                ("2026-11-28T09:35:00+0900".into(), "processing", b),
            ]
        );
        assert!(s.advance_to(t("2026-11-28T09:00:00+0900")).is_empty());
        assert_eq!(s.now(), t("2026-11-28T10:00:00+0900"));
    }

    #[test]
    fn switching_auto_confirm_off_stops_pending_confirmations() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 20");
        let n = s.place_order(&line(1), 1, None).unwrap();
        let mut settings = s.settings.clone();
        settings.auto_confirm = false;
        s.set_settings(settings);
        s.advance_to(t("2026-11-28T10:00:00+0900"));
        assert_eq!(s.order(&n).unwrap().progress, OrderProgress::WaitingForConfirmation);
    }

    #[test]
    fn stale_events_do_nothing() {
        // Confirmed orders are not auto-cancelled; cancelled ones are not processed.
        let mut s = shop("");
        let n = s.place_order(&line(2), 1, None).unwrap();
        assert_eq!(s.confirm_orders(std::slice::from_ref(&n)), vec![Ok(())]);
        s.advance_to(t("2026-12-31T00:00:00+0900"));
        let o = s.order(&n).unwrap();
        assert_eq!(o.progress, OrderProgress::WaitingForShipment);
        assert_eq!(o.history.len(), 3);
    }

    #[test]
    fn stock_is_reserved_on_order_and_restored_on_cancel() {
        let mut s = shop("");
        let stock = |s: &Shop| s.inventory.quantity("i", "v");
        let n = s.place_order(&line(7), 1, None).unwrap();
        assert_eq!(stock(&s), 3);
        assert_eq!(
            s.place_order(&line(4), 1, None),
            Err(PlaceOrderError::OutOfStock { manage_number: "i".into(), variant_id: "v".into(), left: 3, needed: 4 })
        );
        assert_eq!(stock(&s), 3, "a refused order reserves nothing");
        s.buyer_cancel(&n).unwrap();
        assert_eq!(stock(&s), 10);
    }

    #[test]
    fn the_license_expires_90_days_after_issue_on_the_shop_clock() {
        let mut s = shop("");
        assert!(s.license_valid());
        let fired = s.advance_to(t("2027-02-26T09:00:00+0900"));
        assert_eq!(fired.last().unwrap().cause, TransitionCause::LicenseExpired);
        assert!(!s.license_valid());
        s.renew_license("k2".into(), s.now());
        assert!(s.license_valid());
    }

    /// Bug: coupon totals and discounts were plain `i64` products and sums, so a coupon of
    /// `price = i64::MAX, unit = 2` from the control plane overflowed (a panic in debug builds)
    /// instead of being refused.
    #[test]
    fn absurd_coupons_and_points_are_refused_never_overflowed() {
        let mut s = shop("");
        let coupon = |price: i64, unit: i64| crate::domain::order::Coupon {
            code: "C".into(),
            name: "c".into(),
            summary: "c".into(),
            capital_code: 1,
            expiry: s.now().date(),
            price,
            unit,
        };
        for extras in [
            OrderExtras { used_point: 0, coupons: vec![coupon(i64::MAX, 2)], ..OrderExtras::default() },
            OrderExtras { used_point: i64::MAX, coupons: vec![coupon(1, 1)], ..OrderExtras::default() },
            OrderExtras {
                used_point: 0,
                coupons: vec![coupon(i64::MAX, 1), coupon(i64::MAX, 1)],
                ..OrderExtras::default()
            },
        ] {
            let r = s.place_order_with(&line(1), 1, None, &extras);
            assert!(matches!(r, Err(PlaceOrderError::DiscountsExceedTotal { .. })), "{r:?}");
        }
        assert_eq!(s.inventory.quantity("i", "v"), 10, "nothing reserved");
    }

    /// Bug (issue 12): the order's sums were plain `i64` arithmetic past the checks, so a
    /// shop whose postage came near `i64::MAX` panicked in debug builds (`totalPrice` + the COD
    /// fee) and answered `requestPrice` −9223372036854775158 in release. Documents can no longer
    /// bring such amounts (`ShippingSettings::problems`); the sums saturate besides.
    #[test]
    fn order_sums_saturate_whatever_the_amounts() {
        let mut s = shop("");
        s.shipping.postage_price = i64::MAX;
        s.shipping.free_postage_threshold = 0;
        let cod = s.place_order(&line(1), 2, None).unwrap();
        let o = s.order(&cod).unwrap();
        assert_eq!((o.total_price(), o.request_price()), (i64::MAX, i64::MAX));
    }

    #[test]
    fn delivery_flags_come_from_marked_items_unless_the_order_says_otherwise() {
        let mut s = shop("");
        let plain = s.place_order(&line(1), 1, None).unwrap();
        let o = s.order(&plain).unwrap();
        assert!(!o.delivery_cert_program && !o.one_day_operation && o.packages[0].drop_off_location.is_none());
        s.mark_item("i", ItemMarks { delivery_cert_program: true, one_day_operation: false });
        let marked = s.place_order(&line(1), 1, None).unwrap();
        let o = s.order(&marked).unwrap();
        assert!(o.delivery_cert_program && !o.one_day_operation);
        let extras = OrderExtras {
            delivery_cert_program: Some(false),
            one_day_operation: Some(true),
            drop_off_location: Some("物置".into()),
            ..OrderExtras::default()
        };
        let chosen = s.place_order_with(&line(1), 1, None, &extras).unwrap();
        let o = s.order(&chosen).unwrap();
        assert!(!o.delivery_cert_program && o.one_day_operation);
        assert_eq!(o.packages[0].drop_off_location.as_deref(), Some("物置"));
        let bad = OrderExtras { drop_off_location: Some("庭".into()), ..OrderExtras::default() };
        assert_eq!(
            s.place_order_with(&line(1), 1, None, &bad),
            Err(PlaceOrderError::UnknownDropOffLocation("庭".into()))
        );
        assert_eq!(s.inventory.quantity("i", "v"), 7, "the refused order reserved nothing");
    }

    #[test]
    fn every_order_is_found_by_its_number_and_nothing_else_is() {
        let mut s = shop("");
        let numbers: Vec<String> = (0..9).map(|_| s.place_order(&line(1), 1, None).unwrap()).collect();
        for (i, n) in numbers.iter().enumerate() {
            assert_eq!(s.orders().find(n), Some(i));
        }
        let first = &numbers[0];
        for stranger in [
            first.replacen("123456", "654321", 1),
            first.replacen("-2026", "-2025", 1),
            format!("{first}0"),
            "123456-20261128-".into(),
            String::new(),
        ] {
            assert_eq!(s.orders().find(&stranger), None, "{stranger}");
        }
    }

    #[test]
    fn orders_whose_serials_do_not_grow_are_still_found() {
        use crate::domain::order::tests::order_at;
        let mut book = OrderBook::default();
        let serials = [50, 70, 60, 10, 80];
        for serial in serials {
            let mut o = order_at("2026-11-28T09:00:00+0900");
            o.number = OrderNumber::issue("123456", o.order_datetime.date(), serial).unwrap();
            book.insert(o);
        }
        for (i, serial) in serials.into_iter().enumerate() {
            assert_eq!(book.find(&format!("123456-20261128-{serial:010}")), Some(i));
        }
        assert_eq!(book.find("123456-20261128-0000000020"), None);
    }

    #[test]
    fn transitions_are_kept_only_while_someone_listens() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 0");
        for _ in 0..3 {
            s.place_order(&line(1), 1, None).unwrap();
        }
        assert!(s.listening.is_none(), "placing and auto-confirming keep nothing");
        let fired = s.advance_to(t("2026-11-28T09:30:00+0900"));
        assert_eq!(fired.iter().map(|f| f.cause.as_str()).collect::<Vec<_>>(), ["processing"; 3]);
        assert!(s.listening.is_none() && s.advance_to(t("2026-11-28T09:31:00+0900")).is_empty());
    }

    #[test]
    fn lines_of_one_sku_share_its_snapshot_and_an_orderer_is_its_recipient_until_changed() {
        use crate::domain::order::OrderProgress;
        let mut s = shop("");
        let a = s.place_order(&line(1), 1, None).unwrap();
        let b = s.place_order(&line(2), 1, None).unwrap();
        let (oa, ob) = (s.order(&a).unwrap(), s.order(&b).unwrap());
        assert!(Arc::ptr_eq(&oa.packages[0].items[0].sku, &ob.packages[0].items[0].sku));
        assert!(Arc::ptr_eq(&oa.orderer, &oa.packages[0].sender));
        let mut item = s.catalog().get("i").unwrap().data().clone();
        item.title = Some("新しい名前".into());
        s.upsert_item("i", item).unwrap();
        let c = s.place_order(&line(1), 1, None).unwrap();
        let (oa, oc) = (s.order(&a).unwrap(), s.order(&c).unwrap());
        assert_eq!(
            (&*oa.packages[0].items[0].sku.item_name, &*oc.packages[0].items[0].sku.item_name),
            ("t", "新しい名前")
        );
        let mut who = (*oa.orderer).clone();
        Arc::make_mut(&mut who.name).family_name = "山田".into();
        s.update_orderer(&a, who).unwrap();
        let oa = s.order(&a).unwrap();
        assert_eq!((&*oa.orderer.name.family_name, oa.progress), ("山田", OrderProgress::WaitingForConfirmation));
        assert_ne!(oa.packages[0].sender.name.family_name, "山田", "the recipient stays who it was");
    }

    #[test]
    fn a_bulk_order_moves_the_clock_a_bounded_number_of_events_at_a_time() {
        let mut s = shop("auto_confirm = true\nauto_confirm_delay_minutes = 10");
        for _ in 0..5 {
            s.place_order(&line(1), 1, None).unwrap();
        }
        // Due: 5 confirmations at 09:10, 5 processings at 09:40.
        let (later, extras) = (Some(t("2026-11-28T12:00:00+0900")), OrderExtras::default());
        let (step, fired) = s.recording(|s| s.place_bulk_order(&line(1), 1, later, &extras, Budget::units(3)));
        assert_eq!((step, fired.len(), s.orders().len()), (Ok(BulkStep::ClockMoving), 3, 5));
        assert!(s.now() < t("2026-11-28T12:00:00+0900"));
        let (step, fired) = s.recording(|s| s.place_bulk_order(&line(1), 1, later, &extras, Budget::units(100)));
        let Ok(BulkStep::Placed { number, events: 7 }) = step else { panic!("{step:?}") };
        assert_eq!((fired.len(), s.orders().len(), s.now()), (7, 6, t("2026-11-28T12:00:00+0900")));
        assert!(fired.iter().all(|f| f.cause.as_str() != "placed"), "the bulk reports its own orders");
        assert_eq!(s.order(&number).unwrap().order_datetime, t("2026-11-28T12:00:00+0900"));
    }

    #[test]
    fn the_same_seed_gives_the_same_order_numbers_and_buyers() {
        let run = || {
            let mut s = shop("");
            let n = s.place_order(&line(1), 1, None).unwrap();
            let o = s.order(&n).unwrap();
            (n.clone(), o.orderer.clone(), o.packages[0].basket_id)
        };
        assert_eq!(run(), run());
    }
}
