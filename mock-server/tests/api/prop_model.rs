//! Model-based state-machine test (issue 12): random sequences of buyer orders, payments and
//! cancellations, confirmOrder, shipping, updateOrderSender, cancelOrder, Inventory API
//! ABSOLUTE/RELATIVE writes, setting flips, clock advances and searches are played against the
//! fake and against a small reference model written here from the README's rules ("Virtual clock
//! and order life cycle", "The 18 order operations", "Stock and orders"). After every step:
//!
//! - every order's status and `requestPrice` are the model's, and every status change the fake
//!   recorded (`…/orders/{n}/history`) is the model's, at the same virtual time, with the same
//!   cause, and an edge of the documented graph;
//! - for every SKU, stock + units in live orders == initial stock + accepted deltas (an ABSOLUTE
//!   write sets the base), and no stock is negative;
//! - every order's totals add up (goods + postage = totalPrice; totalPrice − coupons + COD fee −
//!   points = requestPrice; baskets add up to the order);
//! - searchOrder (on a Search step) returns exactly what a naive filter over the model returns.
//!
//! One fake per test; each case gets a shop of its own. `PROPTEST_CASES` scales it (README, "Tests").

use crate::helpers::{proptest_cases, shop};
use crate::jst::jst;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rms_mock::RmsMock;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// (manageNumber, variantId, price with tax, initial stock) of the model shop.
const SKUS: [(&str, &str, i64, i64); 3] =
    [("tshirt", "m-black", 1980, 20), ("tshirt", "l-white", 2200, 3), ("socks", "socks", 500, 10)];

/// The shop's settings the model follows (the test shop's defaults, README "Shop files").
const POSTAGE: i64 = 550;
const FREE_POSTAGE_FROM: i64 = 3980;
const COD_FEE: i64 = 330;
const BUYER_CANCEL_MINUTES: i64 = 30;
const UNCONFIRMED_CANCEL_DAYS: i64 = 14;
const PREPAYMENT_DUE_DAYS: i64 = 7;
const CANCEL_CONFIRM_MINUTES: i64 = 60;
const CHANGE_CONFIRM_MINUTES: i64 = 60;
const PAYMENT_PROCESSING_MINUTES: i64 = 1440;
const PAYMENT_SETTLE_MINUTES: i64 = 1440;
/// The clock never passes this many days from the start: the licence (90 days) stays valid.
const MAX_DAYS: i64 = 80;
const START: &str = "2026-11-28T09:00:00+0900";

/// The documented graph (README "Virtual clock and order life cycle"): from, to, cause.
const EDGES: &[(Option<u16>, u16, &str)] = &[
    (None, 100, "placed"),
    (Some(100), 200, "confirmOrder"),
    (Some(100), 200, "auto_confirm"),
    (Some(200), 300, "processing"),
    (Some(200), 300, "payment"),
    (Some(100), 900, "auto_cancel"),
    (Some(100), 900, "payment_deadline"),
    (Some(200), 900, "payment_deadline"),
    (Some(100), 900, "buyer_cancel"),
    (Some(200), 900, "buyer_cancel"),
    (Some(300), 500, "updateOrderShipping"),
    (Some(300), 500, "updateOrderShippingAsync"),
    (Some(300), 500, "held_shipping_report"),
    (Some(500), 600, "payment_processing"),
    (Some(600), 700, "payment_settled"),
    (Some(100), 800, "cancelOrder"),
    (Some(200), 800, "cancelOrder"),
    (Some(300), 800, "cancelOrder"),
    (Some(100), 900, "cancelOrder"),
    (Some(200), 900, "cancelOrder"),
    (Some(300), 900, "cancelOrder"),
    (Some(800), 900, "cancel_confirmed"),
    (Some(200), 400, "updateOrderSender"),
    (Some(300), 400, "updateOrderSender"),
    (Some(400), 200, "change_confirmed"),
    (Some(400), 300, "change_confirmed"),
    (Some(200), 900, "review_ng_deadline"),
    (Some(100), 200, "staff_confirm"),
    (Some(100), 900, "staff_cancel"),
    (Some(200), 900, "staff_cancel"),
    (Some(300), 900, "staff_cancel"),
    (Some(400), 900, "staff_cancel"),
    (Some(200), 400, "staff_edit"),
    (Some(300), 400, "staff_edit"),
];

// ----- time, independently of the fake -----

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The Unix time of `YYYY-MM-DDThh:mm:ss+0900`.
fn unix_of(t: &str) -> i64 {
    let n = |a: usize, b: usize| t[a..b].parse::<i64>().expect("an RMS datetime");
    days_from_civil(n(0, 4), n(5, 7), n(8, 10)) * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19) - 9 * 3600
}

/// The last second of the JST day `days` after the day of `unix`.
fn end_of_jst_day(unix: i64, days: i64) -> i64 {
    let day = (unix + 9 * 3600).div_euclid(86_400) + days;
    (day + 1) * 86_400 - 1 - 9 * 3600
}

// ----- the model -----

#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    at: i64,
    from: Option<u16>,
    to: u16,
    cause: &'static str,
}

#[derive(Clone, Debug)]
struct Order {
    number: String,
    at: i64,
    settlement: i64,
    paid: bool,
    paid_at: Option<i64>,
    confirmed_at: Option<i64>,
    status: u16,
    /// (SKU, units) per line, in line order.
    lines: Vec<(usize, i64)>,
    basket: i64,
    details: Vec<i64>,
    points: i64,
    coupon: i64,
    postage: i64,
    cod: i64,
    rows: usize,
    history: Vec<Change>,
}

impl Order {
    fn goods(&self) -> i64 {
        self.lines.iter().map(|(s, u)| SKUS[*s].2 * u).sum()
    }

    fn request_price(&self) -> i64 {
        self.goods() + self.postage - self.coupon + self.cod - self.points
    }

    fn prepaid(&self) -> bool {
        self.settlement == 9
    }

    fn cancelled(&self) -> bool {
        matches!(self.status, 800 | 900)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    AutoConfirm(usize),
    Processing(usize),
    UnconfirmedCancel(usize),
    PaymentDeadline(usize),
    CancelConfirm(usize),
    ChangeConfirm(usize, u16),
    PaymentProcessing(usize),
    PaymentSettled(usize),
}

struct Model {
    now: i64,
    start: i64,
    auto_confirm: bool,
    auto_confirm_delay: i64,
    processing_delay: i64,
    /// `cancel_flow = "immediate"`: cancelOrder cancels at once instead of through 800.
    cancel_at_once: bool,
    /// Per SKU: stock + units in live orders.
    total: [i64; 3],
    orders: Vec<Order>,
    schedule: BTreeMap<(i64, u64), Event>,
    seq: u64,
    /// Orders whose history grew during the current step.
    touched: Vec<usize>,
}

impl Model {
    fn new() -> Self {
        let start = unix_of(START);
        Model {
            now: start,
            start,
            auto_confirm: false,
            auto_confirm_delay: 10,
            processing_delay: 30,
            cancel_at_once: false,
            total: [SKUS[0].3, SKUS[1].3, SKUS[2].3],
            orders: Vec::new(),
            schedule: BTreeMap::new(),
            seq: 0,
            touched: Vec::new(),
        }
    }

    fn live_units(&self, sku: usize) -> i64 {
        self.orders
            .iter()
            .filter(|o| o.status != 900)
            .flat_map(|o| o.lines.iter())
            .filter(|(s, _)| *s == sku)
            .map(|(_, u)| u)
            .sum()
    }

    fn stock(&self, sku: usize) -> i64 {
        self.total[sku] - self.live_units(sku)
    }

    fn schedule(&mut self, minutes_from_now: i64, e: Event) {
        self.schedule_at(self.now + minutes_from_now * 60, e);
    }

    fn schedule_at(&mut self, at: i64, e: Event) {
        self.seq += 1;
        self.schedule.insert((at, self.seq), e);
    }

    fn move_to(&mut self, i: usize, to: u16, cause: &'static str) {
        let o = &mut self.orders[i];
        o.history.push(Change { at: self.now, from: Some(o.status), to, cause });
        o.status = to;
        let held_report = to == 300 && o.rows > 0;
        if !self.touched.contains(&i) {
            self.touched.push(i);
        }
        // Shipping reported while the order waited in 400 変更確定待ち (the only way an order
        // reaches 300 with rows): it ships as it gets there (README "Inferred behaviour").
        if held_report {
            self.move_to(i, 500, "held_shipping_report");
            self.schedule(PAYMENT_PROCESSING_MINUTES, Event::PaymentProcessing(i));
        }
    }

    /// Fires every event due by `t` in time order, then stands at `t`.
    fn run_until(&mut self, t: i64) {
        while let Some((&(at, seq), &e)) = self.schedule.iter().next() {
            if at > t {
                break;
            }
            self.schedule.remove(&(at, seq));
            self.now = at;
            self.fire(e);
        }
        self.now = self.now.max(t);
    }

    fn fire(&mut self, e: Event) {
        match e {
            Event::AutoConfirm(i) => {
                if self.auto_confirm && self.orders[i].status == 100 {
                    self.confirm(i, "auto_confirm");
                }
            }
            Event::Processing(i) => {
                if self.orders[i].status == 200 {
                    self.move_to(i, 300, "processing");
                }
            }
            Event::UnconfirmedCancel(i) => {
                if self.orders[i].status == 100 {
                    self.move_to(i, 900, "auto_cancel");
                }
            }
            Event::PaymentDeadline(i) => {
                let o = &self.orders[i];
                if matches!(o.status, 100 | 200) && !o.paid {
                    self.move_to(i, 900, "payment_deadline");
                }
            }
            Event::CancelConfirm(i) => {
                if self.orders[i].status == 800 {
                    self.move_to(i, 900, "cancel_confirmed");
                }
            }
            Event::ChangeConfirm(i, back) => {
                if self.orders[i].status == 400 {
                    self.move_to(i, back, "change_confirmed");
                    if back == 200 {
                        self.resume_processing(i);
                    }
                }
            }
            Event::PaymentProcessing(i) => {
                if self.orders[i].status == 500 {
                    self.move_to(i, 600, "payment_processing");
                    self.schedule(PAYMENT_SETTLE_MINUTES, Event::PaymentSettled(i));
                }
            }
            Event::PaymentSettled(i) => {
                if self.orders[i].status == 600 {
                    self.move_to(i, 700, "payment_settled");
                }
            }
        }
    }

    /// Back in 200 after a change: processing finishes if it fell due meanwhile (else when
    /// due); a payment made meanwhile finishes it at once.
    fn resume_processing(&mut self, i: usize) {
        let o = &self.orders[i];
        let confirmed = o.confirmed_at.unwrap_or(self.now);
        if o.prepaid() {
            match o.paid_at {
                Some(p) if p >= confirmed => return self.move_to(i, 300, "payment"),
                Some(_) => {}
                None => return,
            }
        }
        let due = confirmed + self.processing_delay * 60;
        if due <= self.now {
            self.move_to(i, 300, "processing");
        } else {
            self.schedule_at(due, Event::Processing(i));
        }
    }

    fn confirm(&mut self, i: usize, cause: &'static str) {
        self.orders[i].confirmed_at = Some(self.now);
        self.move_to(i, 200, cause);
        let o = &self.orders[i];
        if !o.prepaid() || o.paid {
            self.schedule(self.processing_delay, Event::Processing(i));
        }
    }
}

// ----- actions -----

#[derive(Clone, Debug)]
enum Action {
    Place {
        lines: Vec<(usize, i64)>,
        settlement: i64,
        points: i64,
        coupon: i64,
    },
    Pay(usize),
    BuyerCancel(usize),
    Confirm(Vec<usize>),
    Ship(usize),
    Sender(usize, i64),
    CancelOrder(usize),
    /// The shop's staff in the RMS screens.
    StaffConfirm(usize),
    StaffCancel(usize),
    StaffEdit(usize, i64),
    Stock {
        sku: usize,
        absolute: bool,
        quantity: i64,
        bulk: bool,
        v21: bool,
    },
    AutoConfirm(bool),
    AutoConfirmDelay(i64),
    ProcessingDelay(i64),
    CancelAtOnce(bool),
    Advance(i64),
    Search {
        progress: Vec<u16>,
        settlement: Option<i64>,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let lines = prop::sample::subsequence(vec![0usize, 1, 2], 1..=3)
        .prop_flat_map(|skus| {
            let n = skus.len();
            (Just(skus), prop::collection::vec(1i64..=4, n))
        })
        .prop_map(|(skus, units)| skus.into_iter().zip(units).collect::<Vec<_>>());
    let place =
        (lines, select(vec![1i64, 1, 2, 9, 9]), select(vec![0i64, 0, 50, 300]), select(vec![0i64, 0, 100, 250]))
            .prop_map(|(lines, settlement, points, coupon)| Action::Place { lines, settlement, points, coupon });
    let pick = any::<usize>();
    let stock = (
        0usize..3,
        any::<bool>(),
        -15i64..=40,
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(0.05, select(vec![-1i64, 100_000])),
    )
        .prop_map(|(sku, absolute, q, bulk, v21, odd)| {
            let quantity = odd.unwrap_or(if absolute { q.abs() } else { q.clamp(-15, 15) });
            Action::Stock { sku, absolute, quantity, bulk, v21 }
        });
    let minutes =
        select(vec![1i64, 5, 9, 10, 11, 29, 30, 31, 59, 60, 61, 120, 600, 1440, 1441, 2880, 4320, 10_080, 20_160]);
    let progress = prop::sample::subsequence(vec![100u16, 200, 300, 400, 500, 600, 700, 800, 900], 0..=3);
    prop_oneof![
        6 => place,
        2 => pick.prop_map(Action::Pay),
        2 => pick.prop_map(Action::BuyerCancel),
        3 => prop::collection::vec(pick, 1..=3).prop_map(Action::Confirm),
        3 => pick.prop_map(Action::Ship),
        2 => (pick, 1i64..=5).prop_map(|(i, u)| Action::Sender(i, u)),
        1 => pick.prop_map(Action::CancelOrder),
        1 => pick.prop_map(Action::StaffConfirm),
        1 => pick.prop_map(Action::StaffCancel),
        1 => (pick, 1i64..=5).prop_map(|(i, u)| Action::StaffEdit(i, u)),
        3 => stock,
        1 => any::<bool>().prop_map(Action::AutoConfirm),
        1 => select(vec![0i64, 10]).prop_map(Action::AutoConfirmDelay),
        1 => select(vec![0i64, 30]).prop_map(Action::ProcessingDelay),
        1 => any::<bool>().prop_map(Action::CancelAtOnce),
        5 => minutes.prop_map(Action::Advance),
        2 => (progress, prop::option::of(select(vec![1i64, 2, 9]))).prop_map(|(progress, settlement)| Action::Search { progress, settlement }),
    ]
}

// ----- the fake side -----

struct Fake {
    rt: tokio::runtime::Runtime,
    mock: RmsMock,
    client: reqwest::Client,
    shop_id: String,
    auth: String,
    cases: u32,
    steps: u64,
}

fn fail(msg: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(msg.into())
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(fail(format!($($msg)+)));
        }
    };
}

impl Fake {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.mock.uri());
        self.rt.block_on(async {
            let mut req = self.client.request(method, url).header("Authorization", &self.auth);
            if let Some(b) = body {
                req = req.header("Content-Type", "application/json; charset=utf-8").body(b.to_string());
            }
            let r = req.send().await.expect("the fake answers");
            let status = r.status().as_u16();
            let text = r.text().await.expect("a body");
            (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON") })
        })
    }

    fn admin(&self, method: reqwest::Method, rest: &str, body: Option<Value>) -> (u16, Value) {
        self.call(method, &format!("/__admin/shops/{}{rest}", self.shop_id), body)
    }

    fn order_op(&self, op: &str, body: Value) -> Result<Vec<(String, String)>, TestCaseError> {
        let (status, v) = self.call(reqwest::Method::POST, &format!("/es/2.0/order/{op}/"), Some(body));
        ensure!(status == 200, "{op}: {status} {v}");
        Ok(v["MessageModelList"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let code = m["messageCode"].as_str().unwrap_or("").to_string();
                let tail = code.rsplit_once("_API_").map(|(_, t)| t.to_string()).unwrap_or(code);
                (m["orderNumber"].as_str().unwrap_or("").to_string(), tail)
            })
            .collect())
    }

    /// A new shop for a case (ids differ per case, so nothing is shared).
    fn new_shop(&mut self) {
        self.cases += 1;
        let id = format!("{}", 700_000 + self.cases);
        let spec = shop().id(&id).with_setting("auto_confirm_delay_minutes = 10");
        let created = self.rt.block_on(self.mock.control().create_shop_toml(&spec.toml())).expect("shop created");
        self.shop_id = created.shop_id().to_string();
        self.auth = created.authorization().to_string();
        // The helpers' shop has these SKUs at other quantities: the model's are set here.
        for (m, v, _, q) in SKUS {
            let (s, b) = self.call(
                reqwest::Method::PUT,
                &format!("/es/2.0/inventories/manage-numbers/{m}/variants/{v}"),
                Some(json!({"mode": "ABSOLUTE", "quantity": q})),
            );
            assert_eq!(s, 204, "{b}");
        }
    }

    fn drop_shop(&self) {
        let _ = self.rt.block_on(self.mock.control().delete_shop(&self.shop_id));
    }
}

/// The answer code an order-level operation gives for an order in `status` that it accepts in
/// `allowed` (ERROR_102 cancelled, ERROR_103 another status).
fn expected_code(op: &str, status: u16, allowed: &[u16]) -> String {
    if allowed.contains(&status) {
        format!("{op}_INFO_101")
    } else if matches!(status, 800 | 900) {
        format!("{op}_ERROR_102")
    } else {
        format!("{op}_ERROR_103")
    }
}

fn pick(m: &Model, i: usize) -> Option<usize> {
    (!m.orders.is_empty()).then(|| i % m.orders.len())
}

/// Plays one action on the fake and the model; checks the fake's immediate answer.
fn play(f: &Fake, m: &mut Model, a: &Action) -> Result<(), TestCaseError> {
    use reqwest::Method;
    m.touched.clear();
    match a {
        Action::Place { lines, settlement, points, coupon } => {
            let enough = lines.iter().all(|(s, u)| m.stock(*s) >= *u);
            let mut body = json!({
                "lines": lines.iter().map(|(s, u)| json!({"manage_number": SKUS[*s].0, "variant_id": SKUS[*s].1, "units": u})).collect::<Vec<_>>(),
                "settlement_method_code": settlement,
                "used_point": points,
            });
            if *coupon > 0 {
                body["coupons"] =
                    json!([{"code": "C", "price": coupon, "unit": 1, "name": "クーポン", "capital_code": 1}]);
            }
            let (status, v) = f.admin(Method::POST, "/orders", Some(body));
            if !enough {
                ensure!(status == 409, "an order over the stock: {status} {v}");
                return Ok(());
            }
            ensure!(status == 201, "place: {status} {v}");
            let number = v["order_number"].as_str().unwrap().to_string();
            let (_, got) = f.call(
                Method::POST,
                "/es/2.0/order/getOrder/",
                Some(json!({"orderNumberList": [number], "version": 9})),
            );
            let package = &got["OrderModelList"][0]["PackageModelList"][0];
            let goods: i64 = lines.iter().map(|(s, u)| SKUS[*s].2 * u).sum();
            let i = m.orders.len();
            m.orders.push(Order {
                number,
                at: m.now,
                settlement: *settlement,
                paid: false,
                paid_at: None,
                confirmed_at: None,
                status: 100,
                lines: lines.clone(),
                basket: package["basketId"].as_i64().unwrap(),
                details: package["ItemModelList"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["itemDetailId"].as_i64().unwrap())
                    .collect(),
                points: *points,
                coupon: *coupon,
                postage: if goods >= FREE_POSTAGE_FROM { 0 } else { POSTAGE },
                cod: if *settlement == 2 { COD_FEE } else { 0 },
                rows: 0,
                history: vec![Change { at: m.now, from: None, to: 100, cause: "placed" }],
            });
            m.touched.push(i);
            m.schedule(UNCONFIRMED_CANCEL_DAYS * 1440, Event::UnconfirmedCancel(i));
            if *settlement == 9 {
                m.schedule_at(end_of_jst_day(m.now, PREPAYMENT_DUE_DAYS), Event::PaymentDeadline(i));
            }
            if m.auto_confirm {
                m.schedule(m.auto_confirm_delay, Event::AutoConfirm(i));
            }
            m.run_until(m.now);
        }
        Action::Pay(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let ok = o.prepaid() && !o.paid && !o.cancelled();
            let (status, v) = f.admin(Method::POST, &format!("/orders/{}/payment", o.number), None);
            ensure!(status == if ok { 200 } else { 409 }, "pay {}: {status} {v}", o.status);
            if ok {
                m.orders[i].paid = true;
                m.orders[i].paid_at = Some(m.now);
                if m.orders[i].status == 200 {
                    m.move_to(i, 300, "payment");
                }
            }
        }
        Action::BuyerCancel(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let ok = m.now <= o.at + BUYER_CANCEL_MINUTES * 60 && matches!(o.status, 100 | 200);
            let (status, v) = f.admin(Method::POST, &format!("/orders/{}/cancel", o.number), None);
            ensure!(status == if ok { 200 } else { 409 }, "buyer cancel in {}: {status} {v}", o.status);
            if ok {
                m.move_to(i, 900, "buyer_cancel");
            }
        }
        Action::Confirm(picks) => {
            let mut idx: Vec<usize> = picks.iter().filter_map(|p| pick(m, *p)).collect();
            idx.dedup();
            idx.sort();
            idx.dedup();
            if idx.is_empty() {
                return Ok(());
            }
            let numbers: Vec<&str> = idx.iter().map(|i| m.orders[*i].number.as_str()).collect();
            let got = f.order_op("confirmOrder", json!({"orderNumberList": numbers}))?;
            let want: Vec<(String, String)> = idx
                .iter()
                .map(|i| (m.orders[*i].number.clone(), expected_code("CONFIRM_ORDER", m.orders[*i].status, &[100])))
                .collect();
            ensure!(got == want, "confirmOrder: {got:?}, the model: {want:?}");
            for i in idx {
                if m.orders[i].status == 100 {
                    m.confirm(i, "confirmOrder");
                }
            }
            m.run_until(m.now);
        }
        Action::Ship(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            if m.orders[i].rows >= 20 {
                return Ok(());
            }
            let o = &m.orders[i];
            let date = jst(m.now)[..10].to_string();
            let row = json!({"deliveryCompany": "1001", "shippingNumber": format!("{}", 1000 + o.rows), "shippingDate": date});
            let body = json!({"orderNumber": o.number, "BasketidModelList": [{"basketId": o.basket, "ShippingModelList": [row]}]});
            let got = f.order_op("updateOrderShipping", body)?;
            let code = expected_code("UPDATE_ORDERSHIPPING", o.status, &[300, 400, 500, 600, 700]);
            ensure!(
                got.len() == 1 && got[0].1 == code,
                "updateOrderShipping in {}: {got:?}, the model: {code}",
                o.status
            );
            if code.ends_with("INFO_101") {
                m.orders[i].rows += 1;
                if m.orders[i].status == 300 {
                    m.move_to(i, 500, "updateOrderShipping");
                    m.schedule(PAYMENT_PROCESSING_MINUTES, Event::PaymentProcessing(i));
                }
            }
        }
        Action::Sender(i, units) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let (sku, before) = o.lines[0];
            let delta = units - before;
            let mut code = expected_code("UPDATE_ORDERSENDER", o.status, &[100, 200, 300]);
            if code.ends_with("INFO_101") && delta > m.stock(sku) {
                code = "UPDATE_ORDERSENDER_ERROR_106".into();
            }
            let mut body = json!({"orderNumber": o.number, "PackageModelList": [{"basketId": o.basket,
                "ItemModelList": [{"itemDetailId": o.details[0], "units": units}]}]});
            if delta < 0 {
                body["reductionReason"] = json!(8);
            }
            let got = f.order_op("updateOrderSender", body)?;
            ensure!(
                got.len() == 1 && got[0].1 == code,
                "updateOrderSender in {}: {got:?}, the model: {code}",
                o.status
            );
            if code.ends_with("INFO_101") {
                let status = o.status;
                m.orders[i].lines[0].1 = *units;
                if delta != 0 && status != 100 {
                    m.move_to(i, 400, "updateOrderSender");
                    m.schedule(CHANGE_CONFIRM_MINUTES, Event::ChangeConfirm(i, status));
                }
            }
        }
        Action::CancelOrder(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let body = json!({"orderNumber": o.number, "inventoryRestoreType": 1, "changeReasonDetailApply": 1});
            let got = f.order_op("cancelOrder", body)?;
            let code = expected_code("CANCEL_ORDER", o.status, &[100, 200, 300]);
            ensure!(got.len() == 1 && got[0].1 == code, "cancelOrder in {}: {got:?}, the model: {code}", o.status);
            if code.ends_with("INFO_101") && m.cancel_at_once {
                m.move_to(i, 900, "cancelOrder");
            } else if code.ends_with("INFO_101") {
                m.move_to(i, 800, "cancelOrder");
                m.schedule(CANCEL_CONFIRM_MINUTES, Event::CancelConfirm(i));
            }
        }
        Action::StaffConfirm(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let ok = o.status == 100;
            let (status, v) = f.admin(Method::POST, &format!("/staff/orders/{}/confirm", o.number), None);
            ensure!(status == if ok { 200 } else { 409 }, "staff confirm in {}: {status} {v}", o.status);
            if ok {
                m.confirm(i, "staff_confirm");
            }
            m.run_until(m.now);
        }
        Action::StaffCancel(i) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let ok = matches!(o.status, 100 | 200 | 300 | 400);
            let path = format!("/staff/orders/{}/cancel", o.number);
            let (status, v) = f.admin(Method::POST, &path, Some(json!({"restock": true})));
            ensure!(status == if ok { 200 } else { 409 }, "staff cancel in {}: {status} {v}", o.status);
            if ok {
                m.move_to(i, 900, "staff_cancel");
            }
        }
        Action::StaffEdit(i, units) => {
            let Some(i) = pick(m, *i) else { return Ok(()) };
            let o = &m.orders[i];
            let (sku, before) = o.lines[0];
            let delta = units - before;
            let ok = matches!(o.status, 100 | 200 | 300) && delta <= m.stock(sku);
            let (mn, v, _, _) = SKUS[sku];
            let body = json!({"items": [{"manage_number": mn, "variant_id": v, "units": units}]});
            let (status, v) = f.admin(Method::POST, &format!("/staff/orders/{}/edit", o.number), Some(body));
            ensure!(status == if ok { 200 } else { 409 }, "staff edit in {} ({delta:+}): {status} {v}", o.status);
            if ok {
                let status = o.status;
                m.orders[i].lines[0].1 = *units;
                if delta != 0 && status != 100 {
                    m.move_to(i, 400, "staff_edit");
                    m.schedule(CHANGE_CONFIRM_MINUTES, Event::ChangeConfirm(i, status));
                }
            }
        }
        Action::Stock { sku, absolute, quantity, bulk, v21 } => {
            let (mn, v, _, _) = SKUS[*sku];
            let mode = if *absolute { "ABSOLUTE" } else { "RELATIVE" };
            let after = if *absolute { *quantity } else { m.stock(*sku) + quantity };
            let ok = (0..=99_999).contains(&after) && (!*absolute || (0..=99_999).contains(quantity));
            let version = if *v21 { "2.1" } else { "2.0" };
            let (status, body) = if *bulk {
                f.call(
                    Method::POST,
                    &format!("/es/{version}/inventories/bulk-upsert"),
                    Some(json!({"inventories": [{"manageNumber": mn, "variantId": v, "mode": mode, "quantity": quantity}]})),
                )
            } else {
                f.call(
                    Method::PUT,
                    &format!("/es/{version}/inventories/manage-numbers/{mn}/variants/{v}"),
                    Some(json!({"mode": mode, "quantity": quantity})),
                )
            };
            if ok {
                ensure!(status == 204, "{mode} {quantity} on {} in stock: {status} {body}", m.stock(*sku));
                m.total[*sku] = if *absolute { quantity + m.live_units(*sku) } else { m.total[*sku] + quantity };
            } else {
                ensure!(status == 400 && body["errors"][0]["code"].is_string(), "{mode} {quantity}: {status} {body}");
            }
        }
        Action::AutoConfirm(on) => {
            let (status, v) = f.admin(Method::PATCH, "/settings", Some(json!({"auto_confirm": on})));
            ensure!(status == 200, "{v}");
            m.auto_confirm = *on;
        }
        Action::AutoConfirmDelay(d) => {
            let (status, v) = f.admin(Method::PATCH, "/settings", Some(json!({"auto_confirm_delay_minutes": d})));
            ensure!(status == 200, "{v}");
            m.auto_confirm_delay = *d;
        }
        Action::ProcessingDelay(d) => {
            let (status, v) = f.admin(Method::PATCH, "/settings", Some(json!({"processing_delay_minutes": d})));
            ensure!(status == 200, "{v}");
            m.processing_delay = *d;
        }
        Action::CancelAtOnce(at_once) => {
            let flow = if *at_once { "immediate" } else { "via800" };
            let (status, v) = f.admin(Method::PATCH, "/settings", Some(json!({"cancel_flow": flow})));
            ensure!(status == 200, "{v}");
            m.cancel_at_once = *at_once;
        }
        Action::Advance(minutes) => {
            if m.now + minutes * 60 > m.start + MAX_DAYS * 86_400 {
                return Ok(());
            }
            let (status, v) = f.admin(Method::POST, "/clock/advance", Some(json!({"minutes": minutes})));
            ensure!(status == 200, "{v}");
            m.run_until(m.now + minutes * 60);
            ensure!(v["now"] == jst(m.now), "advanced to {}, the model to {}", v["now"], jst(m.now));
        }
        Action::Search { progress, settlement } => search(f, m, progress, *settlement)?,
    }
    Ok(())
}

/// searchOrder over the last 62 days equals the naive filter over the model.
fn search(f: &Fake, m: &Model, progress: &[u16], settlement: Option<i64>) -> Result<(), TestCaseError> {
    let from = (m.now - 62 * 86_400).max(m.start - 86_400);
    let mut body = json!({"dateType": 1, "startDatetime": jst(from), "endDatetime": jst(m.now),
        "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1}});
    if !progress.is_empty() {
        body["orderProgressList"] = json!(progress);
    }
    if let Some(s) = settlement {
        body["settlementMethod"] = json!(s);
    }
    let (status, v) = f.call(reqwest::Method::POST, "/es/2.0/order/searchOrder/", Some(body.clone()));
    ensure!(status == 200, "searchOrder {body}: {status} {v}");
    let mut got: Vec<String> =
        v["orderNumberList"].as_array().into_iter().flatten().map(|n| n.as_str().unwrap().to_string()).collect();
    let mut want: Vec<String> = m
        .orders
        .iter()
        .filter(|o| (from..=m.now).contains(&o.at))
        .filter(|o| progress.is_empty() || progress.contains(&o.status))
        .filter(|o| settlement.is_none_or(|s| s == o.settlement))
        .map(|o| o.number.clone())
        .collect();
    got.sort();
    want.sort();
    ensure!(got == want, "searchOrder {body}: {got:?}, the model: {want:?}");
    Ok(())
}

/// Compares the fake with the model after a step: statuses, prices, totals, stock, histories.
fn check(f: &Fake, m: &Model, all_histories: bool) -> Result<(), TestCaseError> {
    use reqwest::Method;
    let (_, list) = f.admin(Method::GET, "/orders", None);
    let listed = list["orders"].as_array().unwrap();
    ensure!(listed.len() == m.orders.len(), "{} orders, the model has {}", listed.len(), m.orders.len());
    for (o, l) in m.orders.iter().zip(listed) {
        ensure!(l["order_number"] == o.number.as_str(), "order list out of order: {l}");
        ensure!(
            l["order_progress"] == o.status,
            "{}: in {}, the model says {}",
            o.number,
            l["order_progress"],
            o.status
        );
        ensure!(
            l["request_price"] == o.request_price(),
            "{}: requestPrice {}, the model {}",
            o.number,
            l["request_price"],
            o.request_price()
        );
    }

    // Totals of every order, and the units of live orders for the stock invariant.
    let mut live = [0i64; 3];
    if !m.orders.is_empty() {
        let numbers: Vec<&str> = m.orders.iter().map(|o| o.number.as_str()).collect();
        let (_, got) =
            f.call(Method::POST, "/es/2.0/order/getOrder/", Some(json!({"orderNumberList": numbers, "version": 9})));
        let models = got["OrderModelList"].as_array().unwrap();
        ensure!(models.len() == m.orders.len(), "getOrder: {got}");
        for (o, g) in m.orders.iter().zip(models) {
            let n = |k: &str| g[k].as_i64().unwrap_or(i64::MIN);
            let packages = g["PackageModelList"].as_array().unwrap();
            let sum = |k: &str| packages.iter().map(|p| p[k].as_i64().unwrap()).sum::<i64>();
            let items: Vec<&Value> = packages.iter().flat_map(|p| p["ItemModelList"].as_array().unwrap()).collect();
            let goods_incl: i64 =
                items.iter().map(|i| i["priceTaxIncl"].as_i64().unwrap() * i["units"].as_i64().unwrap()).sum();
            let used_point = g["PointModel"]["usedPoint"].as_i64().unwrap();
            ensure!(n("orderProgress") == i64::from(o.status), "{}: getOrder status {}", o.number, g["orderProgress"]);
            ensure!(n("goodsPrice") == o.goods() && sum("goodsPrice") == o.goods(), "{}: goods {g}", o.number);
            ensure!(n("postagePrice") == o.postage && sum("postagePrice") == o.postage, "{}: postage", o.number);
            ensure!(n("deliveryPrice") == o.cod && sum("deliveryPrice") == o.cod, "{}: COD fee", o.number);
            ensure!(n("couponAllTotalPrice") == o.coupon && used_point == o.points, "{}: coupons/points", o.number);
            ensure!(
                n("couponShopPrice") + n("couponOtherPrice") == n("couponAllTotalPrice"),
                "{}: coupon split",
                o.number
            );
            ensure!(
                n("totalPrice") == goods_incl + n("postagePrice") && sum("totalPrice") == n("totalPrice"),
                "{}: totalPrice",
                o.number
            );
            ensure!(
                n("requestPrice") == n("totalPrice") - n("couponAllTotalPrice") + n("deliveryPrice") - used_point,
                "{}: requestPrice {} ≠ total − coupons + COD fee − points",
                o.number,
                n("requestPrice")
            );
            let units: Vec<i64> = items.iter().map(|i| i["units"].as_i64().unwrap()).collect();
            let want: Vec<i64> = o.lines.iter().map(|(_, u)| *u).collect();
            ensure!(units == want, "{}: units {units:?}, the model {want:?}", o.number);
            if o.status != 900 {
                for i in &items {
                    let sku = SKUS
                        .iter()
                        .position(|(mn, v, _, _)| i["manageNumber"] == *mn && i["SkuModelList"][0]["variantId"] == *v)
                        .unwrap();
                    live[sku] += i["units"].as_i64().unwrap();
                }
            }
        }
    }
    let (_, catalog) = f.admin(Method::GET, "/catalog", None);
    for (k, (mn, v, _, _)) in SKUS.iter().enumerate() {
        let item = catalog["items"].as_array().unwrap().iter().find(|i| i["manage_number"] == *mn).unwrap();
        let stock = item["variants"].as_array().unwrap().iter().find(|x| x["variant_id"] == *v).unwrap()["quantity"]
            .as_i64()
            .unwrap();
        ensure!(stock >= 0, "{mn}/{v}: negative stock {stock}");
        ensure!(
            stock + live[k] == m.total[k],
            "{mn}/{v}: stock {stock} + live units {} ≠ initial + accepted deltas {}",
            live[k],
            m.total[k]
        );
    }

    // Liveness: an order in 200 that needs no payment has its processing ahead (README: 200 →
    // 300 processing_delay_minutes after confirmation, for orders needing no payment).
    for (i, o) in m.orders.iter().enumerate() {
        let waits = m.schedule.values().any(|e| matches!(e, Event::Processing(j) if *j == i));
        ensure!(
            o.status != 200 || (o.prepaid() && !o.paid) || waits,
            "{}: in 200 with nothing to pay and no processing ahead (history {:?})",
            o.number,
            o.history
        );
    }

    // Histories: the orders that changed in this step (every order at the end of a case).
    let which: Vec<usize> = if all_histories { (0..m.orders.len()).collect() } else { m.touched.clone() };
    for i in which {
        let o = &m.orders[i];
        let (_, h) = f.admin(Method::GET, &format!("/orders/{}/history", o.number), None);
        let got: Vec<(String, Option<u16>, u16, String)> = h["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["at"].as_str().unwrap().to_string(),
                    c["from"].as_u64().map(|x| x as u16),
                    c["to"].as_u64().unwrap() as u16,
                    c["cause"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for (_, from, to, cause) in &got {
            ensure!(
                EDGES.contains(&(*from, *to, cause.as_str())),
                "{}: {from:?} → {to} by {cause:?} is no documented edge",
                o.number
            );
        }
        let want: Vec<(String, Option<u16>, u16, String)> =
            o.history.iter().map(|c| (jst(c.at), c.from, c.to, c.cause.to_string())).collect();
        ensure!(got == want, "{}: history {got:?}\nthe model: {want:?}", o.number);
    }
    Ok(())
}

#[test]
fn the_order_life_cycle_stock_and_search_follow_the_reference_model() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mock = rt.block_on(RmsMock::start());
    let mut fake = Fake {
        rt,
        mock,
        client: reqwest::Client::new(),
        shop_id: String::new(),
        auth: String::new(),
        cases: 0,
        steps: 0,
    };
    let cases = proptest_cases(16);
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 1024, ..Config::default() };
    let fake = std::cell::RefCell::new(&mut fake);
    let started = std::time::Instant::now();
    let result = TestRunner::new(config).run(&prop::collection::vec(action(), 1..40), |actions| {
        let mut f = fake.borrow_mut();
        f.new_shop();
        let mut m = Model::new();
        let outcome = (|| {
            for (k, a) in actions.iter().enumerate() {
                play(&f, &mut m, a).map_err(|e| fail(format!("step {k} {a:?}: {e}")))?;
                check(&f, &m, false).map_err(|e| fail(format!("after step {k} {a:?}: {e}")))?;
            }
            search(&f, &m, &[], None)?;
            check(&f, &m, true)
        })();
        f.steps += actions.len() as u64;
        f.drop_shop();
        outcome
    });
    let f = fake.borrow();
    eprintln!("prop_model: {} cases, {} steps, {:.1} s", f.cases, f.steps, started.elapsed().as_secs_f64());
    if let Err(e) = result {
        panic!("{e}");
    }
}
