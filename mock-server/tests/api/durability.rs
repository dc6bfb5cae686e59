//! `--state-dir`: the real binary, killed with SIGKILL in the middle of concurrent writes,
//! restarted on the same directory, several times. After each restart everything that was
//! acknowledged is there: orders (and their confirmations), stock, the clock, the journal;
//! stock is conserved and ids go on. The moment of each kill is seeded (a count of
//! acknowledged writes), so a failure reruns the same way.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_rms-mock");
const SHOP: &str = "123456";
const INITIAL_STOCK: i64 = 50_000;

/// A temp directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rms-mock-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn shop_file(dir: &Path) -> PathBuf {
    let file = dir.join("shop.toml");
    std::fs::write(
        &file,
        format!(
            "[shop]\nshop_id = \"{SHOP}\"\nservice_secret = \"SP{SHOP}_crash\"\nlicense_key = \"SL{SHOP}_crash\"\n\
             clock_start = \"2026-11-28T09:00:00+0900\"\n\n[settings]\njournal_limit = 100000\n\n\
             [[items]]\nmanage_number = \"i\"\ntitle = \"t\"\n[[items.variants]]\nvariant_id = \"v1\"\nprice = 1000\nquantity = {INITIAL_STOCK}\n"
        ),
    )
    .unwrap();
    file
}

/// The server, with its URL and the shop's Authorization header.
struct Server {
    child: Child,
    url: String,
    auth: String,
}

impl Server {
    fn start(state_dir: &Path, shop: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--state-dir"])
            .arg(state_dir)
            .arg("--shop")
            .arg(shop)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut url, mut auth) = (None, None);
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(u) = line.strip_prefix("listening on ") {
                url = Some(u.to_string());
            }
            if let Some(a) = line.trim().strip_prefix("Authorization: ") {
                auth = Some(a.to_string());
            }
            if line.starts_with("control plane:") {
                break;
            }
        }
        Server { child, url: url.expect("the address is printed"), auth: auth.expect("the credentials are printed") }
    }

    /// SIGKILL, and waits for the process to be gone.
    fn kill(self) {
        drop(self);
    }
}

/// A server is killed however its test ends (a failed assertion leaves no process behind).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

/// What the clients saw acknowledged, across all runs.
#[derive(Default)]
struct Acked {
    /// Orders placed (each one unit of i/v1).
    orders: BTreeSet<String>,
    /// Orders confirmed (confirmOrder answered 200 without errors).
    confirmed: BTreeSet<String>,
    /// Sum of the relative stock writes answered 204.
    stock_delta: i64,
    /// The clock's now after each acknowledged advance.
    clock: Option<String>,
    /// RMS requests answered (each is a journal entry).
    rms_requests: u64,
}

/// What may or may not have taken effect when the server died: each worker's request in flight.
#[derive(Default)]
struct InFlight {
    stock_delta: AtomicI64,
    advance: AtomicBool,
    rms_requests: AtomicU64,
}

struct Run {
    client: reqwest::Client,
    url: String,
    auth: String,
    acked: Arc<Mutex<Acked>>,
    in_flight: Arc<InFlight>,
    count: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Run {
    async fn rms(&self, method: reqwest::Method, path: &str, body: Value) -> Option<(u16, Value)> {
        let r = self
            .client
            .request(method, format!("{}{path}", self.url))
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/json; charset=utf-8")
            .json(&body)
            .send()
            .await
            .ok()?;
        let status = r.status().as_u16();
        let bytes = r.bytes().await.ok()?;
        Some((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    fn acked(&self) {
        self.count.fetch_add(1, Ordering::SeqCst);
    }

    async fn place_orders(self: Arc<Self>) {
        while !self.stop.load(Ordering::SeqCst) {
            let body =
                json!({"lines": [{"manage_number": "i", "variant_id": "v1", "units": 1}], "settlement_method_code": 1});
            let Some((status, v)) =
                self.rms(reqwest::Method::POST, &format!("/__admin/shops/{SHOP}/orders"), body).await
            else {
                return;
            };
            assert_eq!(status, 201, "{v}");
            self.acked.lock().unwrap().orders.insert(v["order_number"].as_str().unwrap().to_string());
            self.acked();
        }
    }

    async fn confirm_orders(self: Arc<Self>) {
        while !self.stop.load(Ordering::SeqCst) {
            let next = {
                let a = self.acked.lock().unwrap();
                a.orders.iter().find(|n| !a.confirmed.contains(*n)).cloned()
            };
            let Some(number) = next else {
                tokio::task::yield_now().await;
                continue;
            };
            self.in_flight.rms_requests.fetch_add(1, Ordering::SeqCst);
            let body = json!({"orderNumberList": [number]});
            let Some((status, v)) = self.rms(reqwest::Method::POST, "/es/2.0/order/confirmOrder/", body).await else {
                return;
            };
            self.in_flight.rms_requests.fetch_sub(1, Ordering::SeqCst);
            assert_eq!(status, 200, "{v}");
            let mut a = self.acked.lock().unwrap();
            a.rms_requests += 1;
            a.confirmed.insert(number);
            drop(a);
            self.acked();
        }
    }

    async fn write_stock(self: Arc<Self>) {
        let mut delta = 1;
        while !self.stop.load(Ordering::SeqCst) {
            delta = delta % 7 + 1;
            self.in_flight.stock_delta.store(delta, Ordering::SeqCst);
            self.in_flight.rms_requests.fetch_add(1, Ordering::SeqCst);
            let body = json!({"mode": "RELATIVE", "quantity": delta});
            let path = "/es/2.0/inventories/manage-numbers/i/variants/v1";
            let Some((status, v)) = self.rms(reqwest::Method::PUT, path, body).await else {
                return;
            };
            self.in_flight.stock_delta.store(0, Ordering::SeqCst);
            self.in_flight.rms_requests.fetch_sub(1, Ordering::SeqCst);
            assert_eq!(status, 204, "{v}");
            let mut a = self.acked.lock().unwrap();
            a.stock_delta += delta;
            a.rms_requests += 1;
            drop(a);
            self.acked();
        }
    }

    async fn advance_clock(self: Arc<Self>) {
        while !self.stop.load(Ordering::SeqCst) {
            self.in_flight.advance.store(true, Ordering::SeqCst);
            let path = format!("/__admin/shops/{SHOP}/clock/advance");
            let Some((status, v)) = self.rms(reqwest::Method::POST, &path, json!({"minutes": 1})).await else {
                return;
            };
            self.in_flight.advance.store(false, Ordering::SeqCst);
            assert_eq!(status, 200, "{v}");
            self.acked.lock().unwrap().clock = Some(v["now"].as_str().unwrap().to_string());
            self.acked();
        }
    }
}

/// A small seeded generator for the kill moments.
fn next(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_at_random_moments_and_the_shop_resumes() {
    let tmp = TempDir::new("crash");
    let (state_dir, shop) = (tmp.0.join("state"), shop_file(&tmp.0));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut in_flight = Arc::new(InFlight::default());
    // A longer soak: `RMS_MOCK_CRASH_SEED=7 RMS_MOCK_CRASH_ROUNDS=50 cargo test … durability`.
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let mut seed = env("RMS_MOCK_CRASH_SEED", 13);
    let rounds = env("RMS_MOCK_CRASH_ROUNDS", 5) as usize;
    for round in 0..=rounds {
        let server = Server::start(&state_dir, &shop);
        // After a (re)start: everything acknowledged so far is there.
        // (No writer runs meanwhile: the record is taken out, checked and put back.)
        let mut record = std::mem::take(&mut *acked.lock().unwrap());
        verify(&client, &server, &mut record, &in_flight, round).await;
        *acked.lock().unwrap() = record;
        if round == rounds {
            return server.kill();
        }
        in_flight = Arc::new(InFlight::default());
        let run = Arc::new(Run {
            client: client.clone(),
            url: server.url.clone(),
            auth: server.auth.clone(),
            acked: acked.clone(),
            in_flight: in_flight.clone(),
            count: Arc::new(AtomicUsize::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        });
        let workers = vec![
            tokio::spawn(run.clone().place_orders()),
            tokio::spawn(run.clone().place_orders()),
            tokio::spawn(run.clone().confirm_orders()),
            tokio::spawn(run.clone().write_stock()),
            tokio::spawn(run.clone().advance_clock()),
        ];
        // Killed after a seeded number of acknowledged writes, 40 to 160, in the middle of
        // the workers' next ones.
        let kill_after = 40 + (next(&mut seed) % 121) as usize;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while run.count.load(Ordering::SeqCst) < kill_after {
            assert!(tokio::time::Instant::now() < deadline, "round {round}: the writers stalled");
            tokio::task::yield_now().await;
        }
        server.kill();
        run.stop.store(true, Ordering::SeqCst);
        for w in workers {
            w.await.unwrap();
        }
    }
}

async fn get(client: &reqwest::Client, server: &Server, path: &str) -> Value {
    let r = client.get(format!("{}{path}", server.url)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

async fn rms_get(client: &reqwest::Client, server: &Server, path: &str) -> Value {
    let r = client.get(format!("{}{path}", server.url)).header("Authorization", &server.auth).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

async fn all_orders(client: &reqwest::Client, server: &Server) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for page in 1.. {
        let v = get(client, server, &format!("/__admin/shops/{SHOP}/orders?per_page=1000&page={page}")).await;
        let orders = v["orders"].as_array().unwrap();
        if orders.is_empty() {
            break;
        }
        for o in orders {
            out.insert(o["order_number"].as_str().unwrap().to_string(), o["order_progress"].as_u64().unwrap());
        }
    }
    out
}

fn serial(number: &str) -> u64 {
    number.rsplit('-').next().unwrap().parse().unwrap()
}

/// Everything acknowledged is there, and what was in flight at most once; then the record
/// is brought to what the server holds (what was in flight settled one way or the other),
/// so the next round checks exactly.
async fn verify(client: &reqwest::Client, server: &Server, acked: &mut Acked, in_flight: &InFlight, round: usize) {
    let orders = all_orders(client, server).await;
    for number in &acked.orders {
        assert!(orders.contains_key(number), "round {round}: acknowledged order {number} is lost");
    }
    for number in &acked.confirmed {
        assert_ne!(orders[number], 100, "round {round}: the confirmation of {number} is lost");
    }
    // Orders placed but never acknowledged (the answer died with the server): at most the
    // two placing workers' requests in flight.
    let unacked = orders.len() - acked.orders.len();
    assert!(unacked <= 2, "round {round}: {unacked} orders nobody was told of");
    // The clock: where the last acknowledged advance left it, or one in-flight minute on.
    let now = get(client, server, &format!("/__admin/shops/{SHOP}/clock")).await["now"].as_str().unwrap().to_string();
    if let Some(clock) = &acked.clock {
        assert!(now >= *clock, "round {round}: the clock went back from {clock} to {now}");
        if !in_flight.advance.load(Ordering::SeqCst) {
            assert_eq!(now, *clock, "round {round}: the clock moved by itself");
        }
    }
    // The journal: every acknowledged RMS request is an entry, at most the in-flight ones
    // more; its entries run on from 1 with no gap.
    let journal = get(client, server, &format!("/__admin/shops/{SHOP}/journal")).await;
    let recorded = journal["recorded"].as_u64().unwrap();
    let maybe = in_flight.rms_requests.load(Ordering::SeqCst);
    assert!(
        (acked.rms_requests..=acked.rms_requests + maybe).contains(&recorded),
        "round {round}: journal recorded {recorded}, acknowledged {} (+{maybe} in flight)",
        acked.rms_requests
    );
    let seqs: Vec<u64> = journal["entries"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=recorded).collect::<Vec<_>>(), "round {round}: the journal's entries");
    // Stock is conserved: initial + acknowledged writes (+ the one in flight, if it took
    // effect) − one unit per order.
    let quantity =
        rms_get(client, server, "/es/2.0/inventories/manage-numbers/i/variants/v1").await["quantity"].as_i64().unwrap();
    let expected = INITIAL_STOCK + acked.stock_delta - orders.len() as i64;
    let maybe = in_flight.stock_delta.load(Ordering::SeqCst);
    assert!(
        quantity == expected || quantity == expected + maybe,
        "round {round}: stock {quantity}, expected {expected} (+{maybe} in flight)"
    );
    // Ids go on: a new order's serial is above every order's before the crash.
    let body = json!({"lines": [{"manage_number": "i", "variant_id": "v1", "units": 1}], "settlement_method_code": 1});
    let r = client.post(format!("{}/__admin/shops/{SHOP}/orders", server.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let new = r.json::<Value>().await.unwrap()["order_number"].as_str().unwrap().to_string();
    assert!(orders.keys().all(|n| serial(n) < serial(&new)), "round {round}: {new} does not follow the orders before");
    // Settle the record: the server's state, checked above, is the truth from here.
    acked.orders = orders.into_keys().collect();
    acked.orders.insert(new);
    acked.stock_delta = quantity - 1 - INITIAL_STOCK + acked.orders.len() as i64;
    acked.clock = Some(now);
    acked.rms_requests = recorded + 1; // the stock read above
}

#[test]
fn a_directory_that_is_not_a_state_directory_stops_the_server_with_exit_1_naming_it() {
    let tmp = TempDir::new("stranger");
    std::fs::write(tmp.0.join("notes.txt"), "mine").unwrap();
    let out = Command::new(BIN).args(["serve", "--port", "0", "--state-dir"]).arg(&tmp.0).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--state-dir: ") && err.contains("rms-mock-state-dir.json"), "{err}");
    assert!(err.contains("not an rms-mock state directory"), "{err}");
    assert_eq!(std::fs::read_to_string(tmp.0.join("notes.txt")).unwrap(), "mine");
}

async fn post(client: &reqwest::Client, server: &Server, path: &str, body: Value) -> Value {
    let r = client.post(format!("{}{path}", server.url)).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// The staff's edit, a renewed key and the approval state are shop state like any other: a
/// SIGKILL right after they were acknowledged loses none of them.
#[tokio::test]
async fn staff_edits_renewed_keys_and_approvals_survive_sigkill() {
    let tmp = TempDir::new("staff-keys");
    let (state_dir, shop) = (tmp.0.join("state"), shop_file(&tmp.0));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let server = Server::start(&state_dir, &shop);
    let base = format!("/__admin/shops/{SHOP}");
    let placed = post(
        &client,
        &server,
        &format!("{base}/orders"),
        json!({"lines": [{"manage_number": "i", "variant_id": "v1", "units": 1}], "settlement_method_code": 1}),
    )
    .await;
    let n = placed["order_number"].as_str().unwrap().to_string();
    post(&client, &server, &format!("{base}/staff/orders/{n}/confirm"), json!({})).await;
    post(
        &client,
        &server,
        &format!("{base}/staff/orders/{n}/edit"),
        json!({"items": [{"manage_number": "i", "variant_id": "v1", "units": 3}]}),
    )
    .await;
    post(
        &client,
        &server,
        &format!("{base}/license/renew"),
        json!({"license_key": "SL_renewed", "active_after_minutes": 20}),
    )
    .await;
    let r = client
        .patch(format!("{}{base}/settings", server.url))
        .json(&json!({"app_approval": {"item": "pending"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.kill();

    let server = Server::start(&state_dir, &shop);
    let history = get(&client, &server, &format!("{base}/orders/{n}/history")).await;
    let causes: Vec<&str> =
        history["history"].as_array().unwrap().iter().map(|h| h["cause"].as_str().unwrap()).collect();
    assert_eq!(causes, ["placed", "staff_confirm", "staff_edit"]);
    let detail = get(&client, &server, &base).await;
    let stock = detail["catalog"]["items"][0]["variants"][0]["quantity"].as_i64();
    assert_eq!(stock, Some(INITIAL_STOCK - 3), "the edit's units: {detail}");
    assert_eq!(detail["settings"]["app_approval"], json!({"item": "pending"}));
    let state = get(&client, &server, "/__admin/state").await;
    assert_eq!(state["shops"][0]["shop"]["profile"]["renewed_key"]["license_key"], "SL_renewed");
    // The journal keeps the staff's actions across the restart, as the staff's.
    let staff = get(&client, &server, &format!("{base}/journal?actor=staff")).await;
    let notes: Vec<(&str, &Value)> = staff["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["function"].as_str().unwrap(), &e["staff"]["changed"]))
        .collect();
    assert_eq!(
        notes,
        [
            ("staff.confirm", &json!(["orderProgress 100 → 200"])),
            ("staff.edit", &json!(["orderProgress 200 → 400", "units i/v1 1 → 3", "requestPrice 1550 → 3550"]))
        ],
        "{staff}"
    );
    server.kill();
}
