//! Section 2: a shop of 1,000,000 orders over one simulated year, loaded over HTTP as a
//! benchmark user would: the shop (a generated catalog of 500 items × 4 SKUs, sub-statuses)
//! through `POST /__admin/shops`, the orders in time order through the bulk control-plane path
//! (`POST /__admin/shops/{id}/orders/bulk`, `{"orders": [OrderDoc…]}`, up to 10,000 a call) or,
//! where the server has none (404/405), one `POST /__admin/shops/{id}/orders` per order, one
//! after the other on one keep-alive connection. The clock moves with the orders' `at`, so Rakuten's processing,
//! payment deadlines and auto-cancels fire on the way.
//!
//! Between chunks (about 3.65 virtual days each) an integration does its daily work through
//! the RMS API, so the statuses are a real shop's: it confirms what is new (the everyday
//! searchOrder, then confirmOrder by 100; one order in 100 is left to the 14-day auto-cancel),
//! ships part of the previous chunk (getOrder for the basket ids, updateOrderShipping), tags
//! another part with a sub-status and a memo, and buyers pay most prepaid orders. That work is
//! timed apart from the placing of orders, which the load rate is about.

use crate::client::{self, Conn};
use crate::servers::{cpu_seconds, Server};
use crate::throughput::demo_server;
use crate::{loadavg, thousands, Options};
use rms_mock::{GenerateDoc, OrderDoc, ShopDocument, SubStatusDef};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The big shop.
pub const SHOP_ID: &str = "777777";
const SECRET: &str = "SP777777_bench";
const LICENSE: &str = "SL777777_bench";
/// 2025-12-01T00:00:00+0900: the shop's clock at creation; the orders fill the next 365 days.
const START_UNIX: i64 = 1_764_514_800;
const YEAR: i64 = 365 * 86_400;
/// The catalog: `gen-1-000000` … `gen-1-000499`, SKUs `v000` … `v003`, 99,999 in stock each.
const ITEMS: usize = 500;
const VARIANTS: usize = 4;
/// The most orders the bulk path takes per call.
pub const BULK_MAX: usize = 10_000;
/// The sub-status the integration tags shipped-soon orders with.
pub const SUB_STATUS_300: i64 = 3101;
/// The memo it writes on some of them (searchKeywordType 3 finds it).
pub const MEMO: &str = "ギフト包装希望";

/// How orders reach the shop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// `POST …/orders/bulk`, many per call.
    Bulk,
    /// `POST …/orders`, one per call.
    Single,
}

/// The loaded shop, for the search section.
pub struct BigShop {
    /// The rms-mock process that holds it.
    pub server: Server,
    /// Its `Authorization` header.
    pub auth: String,
    /// Its virtual now (Unix seconds): the last order's time.
    pub now: i64,
    /// Orders it holds.
    pub orders: usize,
    /// How orders were placed.
    pub path: Path,
    /// Orders per bulk call (the bulk path may have asked for smaller calls).
    pub bulk_size: usize,
}

/// A deterministic generator of the order mix (splitmix64).
pub struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One buyer's order at `at`: mostly card, some COD, bank transfer and convenience-store
    /// prepayment; 1 to 4 lines (popular items more often), 1 to 3 units, points now and then.
    fn order(&mut self, at: i64) -> OrderDoc {
        let settlement = match self.below(100) {
            0..70 => 1,
            70..80 => 2,
            80..88 => 9,
            88..92 => 13,
            92..95 => 14,
            95..98 => 12,
            _ => 21,
        };
        let lines = match self.below(100) {
            0..55 => 1,
            55..85 => 2,
            85..95 => 3,
            _ => 4,
        };
        let mut doc = OrderDoc::new().settlement(settlement).at(crate::jst::jst(at));
        for _ in 0..lines {
            // The square of a uniform number: low item numbers sell more, as bestsellers do.
            let u = self.below(1000) as f64 / 1000.0;
            let item = ((u * u) * ITEMS as f64) as usize;
            let variant = self.below(VARIANTS as u64);
            let units = match self.below(100) {
                0..80 => 1,
                80..95 => 2,
                _ => 3,
            };
            doc = doc.line(format!("gen-1-{item:06}"), format!("v{variant:03}"), units);
        }
        if self.below(100) < 15 {
            doc = doc.used_point(1 + self.below(300) as i64);
        }
        if self.below(100) < 5 {
            doc = doc.drop_off("宅配ボックス");
        }
        doc
    }
}

/// One chunk of orders, serialized by the producer thread.
struct Chunk {
    /// Each order's JSON.
    orders: Vec<String>,
    /// The first and last order's time.
    first: i64,
    last: i64,
}

/// Loads the big shop and returns it with the section's Markdown table.
pub async fn load(opts: &Options) -> (BigShop, String) {
    let n = opts.orders();
    let chunk_size = (n / 100).clamp(1, BULK_MAX);
    println!(
        "\n## A shop of {} orders over one year ({} chunks of {}), load average {}",
        thousands(n as u64),
        n.div_ceil(chunk_size),
        thousands(chunk_size as u64),
        loadavg()
    );
    let server = demo_server(opts.quiet_server);
    let addr = server.addr;
    let mut conn = Conn::connect(addr).await.expect("connect to rms-mock");
    let idle = server.rss_bytes();

    let mut doc = ShopDocument::new(SHOP_ID)
        .name("bench-1m")
        .credentials(SECRET, LICENSE)
        .clock_start(crate::jst::jst(START_UNIX))
        .seed(11)
        .generate(GenerateDoc { items: ITEMS, variants: VARIANTS, seed: 1, quantity: 99_999 });
    doc.sub_statuses = vec![
        SubStatusDef { id: 1101, name: "在庫確認中".into(), order_progress: 100 },
        SubStatusDef { id: SUB_STATUS_300, name: "出荷準備中".into(), order_progress: 300 },
        SubStatusDef { id: 3102, name: "入荷待ち".into(), order_progress: 300 },
    ];
    let t = Instant::now();
    let body = serde_json::to_vec(&doc).expect("a shop document is JSON");
    conn.call(&client::post(addr, "/__admin/shops", None, &body)).await.expect("create").expect(201, "create the shop");
    let auth = rms_mock::esa_header(SECRET, LICENSE);
    println!(
        "shop {SHOP_ID} with {ITEMS} items × {VARIANTS} SKUs created in {:.0} ms; rms-mock {:.1} MiB before (demo only), {:.1} MiB with the empty shop",
        t.elapsed().as_secs_f64() * 1e3,
        idle as f64 / 1048576.0,
        server.rss_bytes() as f64 / 1048576.0
    );
    let empty = server.rss_bytes();

    // The producer: orders serialized on another thread while the server places the previous chunk.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let producer = std::thread::spawn(move || {
        let mut mix = Mix(0x5eed);
        let step = YEAR as f64 / n as f64;
        let mut i = 0;
        while i < n {
            let m = chunk_size.min(n - i);
            let mut orders = Vec::with_capacity(m);
            let (mut first, mut last) = (0, 0);
            for j in i..i + m {
                // Spread evenly over the year, jittered within each order's own slot, so times rise.
                let at = START_UNIX + 60 + (j as f64 * step + mix.below(1000) as f64 / 1000.0 * step * 0.9) as i64;
                let at = at.max(last);
                if j == i {
                    first = at;
                }
                last = at;
                orders.push(serde_json::to_string(&mix.order(at)).expect("an order is JSON"));
            }
            if tx.blocking_send(Chunk { orders, first, last }).is_err() {
                return;
            }
            i += m;
        }
    });

    let mut placer = Placer::new(&server, None, BULK_MAX);
    let mut integration = Integration { addr, auth: auth.clone(), busy: Duration::ZERO, calls: 0, previous: None };
    let wall = Instant::now();
    let mut now = START_UNIX;
    let mut report_at = n / 10;
    while let Some(chunk) = rx.recv().await {
        placer.place(&mut conn, &chunk.orders).await;
        now = chunk.last;
        integration.after_chunk(&mut conn, chunk.first, chunk.last).await;
        if placer.placed >= report_at || placer.placed == n {
            println!(
                "  {} orders by {} · placing {} orders/s · integration {:.1} s ({} calls) · RSS {:.0} MiB · load average {}",
                thousands(placer.placed as u64),
                crate::jst::jst(now),
                thousands(placer.rate() as u64),
                integration.busy.as_secs_f64(),
                thousands(integration.calls),
                server.rss_bytes() as f64 / 1048576.0,
                loadavg()
            );
            report_at += n / 10;
        }
    }
    producer.join().expect("the order producer");
    let wall = wall.elapsed();
    let rss = server.rss_bytes();
    let path = placer.path.unwrap_or(Path::Bulk);
    let how = match path {
        Path::Bulk => format!("bulk path, {} orders per call", thousands(placer.bulk_size as u64)),
        Path::Single => "one POST …/orders per order, sequential: the server has no bulk path".to_string(),
    };
    println!(
        "loaded {} orders in {:.1} s ({:.1} s placing, {:.1} s integration); rms-mock used {:.1} s of CPU placing them",
        thousands(placer.placed as u64),
        wall.as_secs_f64(),
        placer.busy.as_secs_f64(),
        integration.busy.as_secs_f64(),
        placer.cpu
    );
    let table = format!(
        "A shop of {} orders over one simulated year ({how}; load average {}):\n\n\
         | | |\n|---|---:|\n\
         | placing orders | {} orders/s |\n\
         | rms-mock CPU time per order placed | {:.1} µs |\n\
         | the integration's daily work between chunks | {:.1} s, {} RMS/control-plane calls |\n\
         | rms-mock RSS after loading | {:.0} MiB |\n\
         | per order (RSS ÷ orders) | {} bytes |\n\
         | per order (growth over the empty shop ÷ orders) | {} bytes |\n",
        thousands(placer.placed as u64),
        loadavg(),
        thousands(placer.rate() as u64),
        placer.cpu / placer.placed.max(1) as f64 * 1e6,
        integration.busy.as_secs_f64(),
        thousands(integration.calls),
        rss as f64 / 1048576.0,
        thousands(rss / placer.placed.max(1) as u64),
        thousands(rss.saturating_sub(empty) / placer.placed.max(1) as u64),
    );
    println!("\n{table}");
    let shop = BigShop { server, auth, now, orders: placer.placed, path, bulk_size: placer.bulk_size };
    (shop, table)
}

/// Places chunks of orders by the bulk path, or one by one where there is none.
pub struct Placer {
    addr: SocketAddr,
    /// The server's process, whose CPU time placing costs.
    pid: u32,
    /// Decided by the first call.
    path: Option<Path>,
    bulk_size: usize,
    /// Orders placed so far.
    pub placed: usize,
    /// Time spent placing.
    pub busy: Duration,
    /// The server's CPU time while placing, in seconds.
    pub cpu: f64,
}

impl Placer {
    /// A placer for `server`'s big shop; `path` None finds it out on the first call.
    pub fn new(server: &Server, path: Option<Path>, bulk_size: usize) -> Placer {
        Placer { addr: server.addr, pid: server.pid(), path, bulk_size, placed: 0, busy: Duration::ZERO, cpu: 0.0 }
    }

    /// Orders per second of placing time.
    pub fn rate(&self) -> f64 {
        self.placed as f64 / self.busy.as_secs_f64().max(1e-9)
    }

    /// Places `orders` (JSON documents) in order.
    pub async fn place(&mut self, conn: &mut Conn, orders: &[String]) {
        let (t, cpu) = (Instant::now(), cpu_seconds(self.pid));
        let mut rest = orders;
        while !rest.is_empty() {
            if self.path == Some(Path::Single) {
                self.place_singly(conn, rest).await;
                break;
            }
            let take = rest.len().min(self.bulk_size);
            let mut body = Vec::with_capacity(take * 200 + 16);
            body.extend_from_slice(b"{\"orders\":[");
            for (i, o) in rest[..take].iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(o.as_bytes());
            }
            body.extend_from_slice(b"]}");
            let path = format!("/__admin/shops/{SHOP_ID}/orders/bulk");
            let a = conn.call(&client::post(self.addr, &path, None, &body)).await.expect("bulk place");
            match a.status {
                404 | 405 if self.path.is_none() => {
                    println!("  the bulk path answers {}: placing one order per call", a.status);
                    self.path = Some(Path::Single);
                    // The server may close a connection whose request body it did not read.
                    *conn = Conn::connect(self.addr).await.expect("reconnect");
                    continue;
                }
                413 if take > 1 => {
                    self.bulk_size = take / 2;
                    println!(
                        "  {} bytes in one bulk call is too large (413): {} orders per call",
                        body.len(),
                        self.bulk_size
                    );
                    *conn = Conn::connect(self.addr).await.expect("reconnect");
                    continue;
                }
                200 | 201 => {
                    self.path = Some(Path::Bulk);
                    let placed = a.json()["placed"].as_u64().unwrap_or(0) as usize;
                    assert_eq!(placed, take, "the bulk path placed {placed} of {take}: {}", a.text());
                    self.placed += take;
                    rest = &rest[take..];
                }
                _ => panic!("bulk place: {} {}", a.status, a.text()),
            }
        }
        self.busy += t.elapsed();
        self.cpu += cpu_seconds(self.pid) - cpu;
    }

    /// One `POST …/orders` per order, each waiting for its answer: orders must arrive in time
    /// order, so they share one connection. (Pipelining them gains nothing: the server answers
    /// a pipeline no faster, and its last answer waits for a delayed ACK, as rms-mock's
    /// sockets keep Nagle's algorithm on.)
    async fn place_singly(&mut self, conn: &mut Conn, orders: &[String]) {
        let path = format!("/__admin/shops/{SHOP_ID}/orders");
        let mut request = Vec::with_capacity(1024);
        for o in orders {
            request.clear();
            request.extend_from_slice(&client::post(self.addr, &path, None, o.as_bytes()));
            conn.call(&request).await.expect("place an order").expect(201, "place an order");
            self.placed += 1;
        }
    }
}

/// The integration's work between chunks, through the RMS API (and the buyers' payments
/// through the control plane).
struct Integration {
    addr: SocketAddr,
    auth: String,
    busy: Duration,
    calls: u64,
    /// The previous chunk's time range.
    previous: Option<(i64, i64)>,
}

impl Integration {
    async fn after_chunk(&mut self, conn: &mut Conn, first: i64, last: i64) {
        let t = Instant::now();
        // The licence lasts 90 days; the shop renews it (same key) as a real one must.
        let renew = client::post(
            self.addr,
            &format!("/__admin/shops/{SHOP_ID}/license"),
            None,
            json!({"license_key": LICENSE}).to_string().as_bytes(),
        );
        conn.call(&renew).await.expect("renew").expect(200, "renew the licence");
        self.calls += 1;

        // The everyday import: every new order, confirmed (but one in 100, left to auto-cancel).
        let new = self.search_all(conn, first, last, 100).await;
        let confirm: Vec<&String> = new.iter().enumerate().filter(|(i, _)| i % 100 != 99).map(|(_, n)| n).collect();
        let bodies: Vec<Value> = confirm.chunks(100).map(|c| json!({"orderNumberList": c})).collect();
        self.rms_each(conn, "confirmOrder", &bodies).await;

        if let Some((pf, pl)) = self.previous {
            let share = (new.len() / 10).clamp(1, 1000);
            // Ship the oldest tenth of the previous chunk (now in 300).
            let ready = self.search(conn, pf, pl, &[300], share, 1).await.0;
            let mut baskets = Vec::new();
            for batch in ready.chunks(100) {
                let a = self.rms(conn, "getOrder", &json!({"orderNumberList": batch, "version": 9})).await;
                for o in a["OrderModelList"].as_array().into_iter().flatten() {
                    let number = o["orderNumber"].as_str().unwrap_or_default().to_string();
                    let basket = o["PackageModelList"][0]["basketId"].clone();
                    baskets.push((number, basket));
                }
            }
            let date = &crate::jst::jst(last)[..10];
            let ships: Vec<Value> = baskets
                .iter()
                .enumerate()
                .map(|(i, (number, basket))| {
                    json!({"orderNumber": number, "BasketidModelList": [{"basketId": basket, "ShippingModelList": [
                        {"deliveryCompany": "1001", "shippingNumber": format!("{:012}", 400_000_000_000u64 + i as u64 + first as u64 % 100_000_000), "shippingDate": date}
                    ]}]})
                })
                .collect();
            self.rms_each(conn, "updateOrderShipping", &ships).await;
            // Tag the next tenth with a sub-status, and a fifth of those with a memo.
            let tagged = self.search(conn, pf, pl, &[300], share, 2).await.0;
            let subs: Vec<Value> =
                tagged.chunks(100).map(|c| json!({"orderNumberList": c, "subStatusId": SUB_STATUS_300})).collect();
            self.rms_each(conn, "updateOrderSubStatus", &subs).await;
            let memos: Vec<Value> =
                tagged.iter().take(share / 5).map(|n| json!({"orderNumber": n, "memo": MEMO})).collect();
            self.rms_each(conn, "updateOrderMemo", &memos).await;
            // Buyers pay most prepaid orders of the previous chunk (the rest are cancelled at
            // their deadline).
            let waiting = self.search(conn, pf, pl, &[200], 1000, 1).await.0;
            for (i, n) in waiting.iter().enumerate() {
                if i % 5 != 4 {
                    let path = format!("/__admin/shops/{SHOP_ID}/orders/{n}/payment");
                    conn.call(&client::post(self.addr, &path, None, b"{}"))
                        .await
                        .expect("pay")
                        .expect(200, "a payment");
                    self.calls += 1;
                }
            }
        }
        self.previous = Some((first, last));
        self.busy += t.elapsed();
    }

    /// One searchOrder page (dateType 1 over `[from, to]`): the numbers and the total.
    async fn search(
        &mut self,
        conn: &mut Conn,
        from: i64,
        to: i64,
        progress: &[u16],
        size: usize,
        page: usize,
    ) -> (Vec<String>, u64) {
        let body = json!({
            "dateType": 1, "startDatetime": crate::jst::jst(from), "endDatetime": crate::jst::jst(to),
            "orderProgressList": progress,
            "PaginationRequestModel": {"requestRecordsAmount": size, "requestPage": page}
        });
        let a = self.rms(conn, "searchOrder", &body).await;
        let numbers = a["orderNumberList"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        (numbers, a["PaginationResponseModel"]["totalRecordsAmount"].as_u64().unwrap_or(0))
    }

    /// Every page of a search, 1000 at a time.
    async fn search_all(&mut self, conn: &mut Conn, from: i64, to: i64, progress: u16) -> Vec<String> {
        let (mut all, total) = self.search(conn, from, to, &[progress], 1000, 1).await;
        let mut page = 2;
        while (all.len() as u64) < total.min(15_000) {
            let (more, _) = self.search(conn, from, to, &[progress], 1000, page).await;
            if more.is_empty() {
                break;
            }
            all.extend(more);
            page += 1;
        }
        all
    }

    /// One RMS order call; panics unless it answers 200 without an error message.
    async fn rms(&mut self, conn: &mut Conn, op: &str, body: &Value) -> Value {
        let r = client::post(self.addr, &format!("/es/2.0/order/{op}/"), Some(&self.auth), body.to_string().as_bytes());
        let a = conn.call(&r).await.expect("an RMS call").expect(200, op);
        self.calls += 1;
        assert!(!a.text().contains("\"ERROR\""), "{op}: {}", a.text());
        a.json()
    }

    /// The same RMS operation for each body, one after the other.
    async fn rms_each(&mut self, conn: &mut Conn, op: &str, bodies: &[Value]) {
        for b in bodies {
            self.rms(conn, op, b).await;
        }
    }
}

/// Serializes `n` more orders starting at `from` (one a minute or so), for the search section's
/// "bulk load while others read" measurement.
pub fn more_orders(n: usize, from: i64) -> Vec<String> {
    let mut mix = Mix(0xb10c);
    (0..n).map(|i| serde_json::to_string(&mix.order(from + 60 + i as i64 * 30)).expect("JSON")).collect()
}
