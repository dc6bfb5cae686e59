//! Section 3, on the big shop: one page of every searchOrder filter over the widest window
//! (63 days up to now), 1000 and 30 per page, p50/p99 of sequential requests; getOrder of 100
//! orders; and whether a long operation (a slow search, a bulk load, a long clock advance with
//! simulated buyers) blocks a cheap request to the same shop.

use crate::big_shop::{self, BigShop, Placer, MEMO, SHOP_ID, SUB_STATUS_300};
use crate::client::{self, Conn};
use crate::{loadavg, ms, thousands, Options};
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sorted latencies of sequential requests.
struct Latencies(Vec<Duration>);

impl Latencies {
    fn new(mut v: Vec<Duration>) -> Self {
        v.sort();
        Latencies(v)
    }

    fn quantile(&self, q: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * self.0.len() as f64).ceil() as usize).clamp(1, self.0.len());
        self.0[rank - 1]
    }

    fn max(&self) -> Duration {
        self.0.last().copied().unwrap_or_default()
    }
}

/// Runs the section and returns its Markdown tables.
pub async fn run(opts: &Options, shop: &BigShop) -> String {
    let addr = shop.server.addr;
    let mut conn = Conn::connect(addr).await.expect("connect to rms-mock");
    let (from, to) = (shop.now - 63 * 86_400, shop.now);
    println!(
        "\n## searchOrder on {} orders, 63 days up to {} (up to {} requests or {:?} per row), load average {}",
        thousands(shop.orders as u64),
        crate::jst::jst(to),
        opts.search_requests(),
        opts.duration(),
        loadavg()
    );

    // Real values for the keyword rows, from one order of the window.
    let sample =
        rms(&mut conn, addr, &shop.auth, "searchOrder", &window(from, to, json!({"orderProgressList": [300]}), 30))
            .await;
    let numbers: Vec<String> = sample["orderNumberList"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let one = numbers.first().expect("orders in 300 in the window").clone();
    let got = rms(&mut conn, addr, &shop.auth, "getOrder", &json!({"orderNumberList": [one], "version": 9})).await;
    let order = &got["OrderModelList"][0];
    let orderer = &order["OrdererModel"];
    let package = &order["PackageModelList"][0];
    let item = &package["ItemModelList"][0];
    let sku = &item["SkuModelList"][0];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let name = |m: &Value, kana: bool| {
        let (f, g) = if kana { ("familyNameKana", "firstNameKana") } else { ("familyName", "firstName") };
        format!("{} {}", text(&m[f]), text(&m[g]))
    };
    let keywords: Vec<(i64, &str, String)> = vec![
        (1, "商品名 (item name)", text(&item["itemName"])),
        (2, "商品番号 (item number)", text(&item["itemNumber"])),
        (3, "ひとことメモ (memo)", MEMO.to_string()),
        (4, "注文者氏名 (orderer name)", name(orderer, false)),
        (5, "注文者氏名フリガナ (orderer kana)", name(orderer, true)),
        (6, "送付先氏名 (recipient name)", name(&package["SenderModel"], false)),
        (7, "SKU管理番号 (variantId)", text(&sku["variantId"])),
        (8, "システム連携用SKU番号 (merchantDefinedSkuId)", text(&sku["merchantDefinedSkuId"])),
        (9, "SKU情報 (skuInfo)", text(&sku["skuInfo"])),
    ];

    let mut rows: Vec<(String, Value)> = vec![
        ("the everyday query: dateType 1, orderProgressList [100]".into(), json!({"orderProgressList": [100]})),
        ("orderProgressList [300]".into(), json!({"orderProgressList": [300]})),
        ("orderProgressList [500, 600, 700]".into(), json!({"orderProgressList": [500, 600, 700]})),
        ("no filter (every status)".into(), json!({})),
        ("settlementMethod 2 (COD)".into(), json!({"settlementMethod": 2})),
        ("settlementMethod 9 (bank transfer)".into(), json!({"settlementMethod": 9})),
        ("orderTypeList [1]".into(), json!({"orderTypeList": [1]})),
        ("orderTypeList [4] (none)".into(), json!({"orderTypeList": [4]})),
        (format!("subStatusIdList [{SUB_STATUS_300}]"), json!({"subStatusIdList": [SUB_STATUS_300]})),
        (
            "subStatusIdList [-1], orderProgressList [300]".into(),
            json!({"subStatusIdList": [-1], "orderProgressList": [300]}),
        ),
        ("deliveryName 宅配便".into(), json!({"deliveryName": "宅配便"})),
        ("shippingDateBlankFlag 1".into(), json!({"shippingDateBlankFlag": 1})),
        ("shippingNumberBlankFlag 1".into(), json!({"shippingNumberBlankFlag": 1})),
    ];
    for (code, label, kw) in &keywords {
        rows.push((
            format!("searchKeywordType {code} {label}: {kw}"),
            json!({"searchKeywordType": code, "searchKeyword": kw}),
        ));
    }
    for (code, label) in [(2, "注文確認日"), (3, "注文確定日"), (4, "発送日"), (5, "発送完了報告日"), (6, "決済確定日")]
    {
        rows.push((format!("dateType {code} ({label})"), json!({"dateType": code})));
    }

    let mut table = format!(
        "searchOrder on {} orders, one page, 63 days up to now (p50/p99 of up to {} sequential requests; load average {}):\n\n\
         | filter | hits | p50 ms, 1000/page | p99 ms, 1000/page | p50 ms, 30/page | p99 ms, 30/page |\n\
         |---|---:|---:|---:|---:|---:|\n",
        thousands(shop.orders as u64),
        opts.search_requests(),
        loadavg()
    );
    for (label, filter) in &rows {
        let mut cells = Vec::new();
        let mut hits = 0;
        for size in [1000, 30] {
            let body = window(from, to, filter.clone(), size);
            let first = rms(&mut conn, addr, &shop.auth, "searchOrder", &body).await;
            hits = first["PaginationResponseModel"]["totalRecordsAmount"].as_u64().unwrap_or(0);
            let request =
                client::post(addr, "/es/2.0/order/searchOrder/", Some(&shop.auth), body.to_string().as_bytes());
            let l = sequential(&mut conn, &request, opts.search_requests(), opts.duration()).await;
            cells.push(format!("{} | {}", ms(l.quantile(0.5)), ms(l.quantile(0.99))));
            println!(
                "{label}, {size}/page: {} hits, p50 {} ms, p99 {} ms, max {} ms ({} requests)",
                thousands(hits),
                ms(l.quantile(0.5)),
                ms(l.quantile(0.99)),
                ms(l.max()),
                l.0.len()
            );
        }
        table.push_str(&format!("| {label} | {} | {} |\n", thousands(hits), cells.join(" | ")));
    }

    // getOrder of 100 orders at a time (the most one call takes).
    let page =
        rms(&mut conn, addr, &shop.auth, "searchOrder", &window(from, to, json!({"orderProgressList": [300]}), 1000))
            .await;
    let hundred: Vec<Value> = page["orderNumberList"].as_array().into_iter().flatten().take(100).cloned().collect();
    let body = json!({"orderNumberList": hundred, "version": 9}).to_string();
    let request = client::post(addr, "/es/2.0/order/getOrder/", Some(&shop.auth), body.as_bytes());
    let answer = conn.call(&request).await.expect("getOrder").expect(200, "getOrder of 100");
    assert_eq!(answer.json()["OrderModelList"].as_array().map(Vec::len), Some(hundred.len()));
    let l = sequential(&mut conn, &request, opts.search_requests(), opts.duration()).await;
    println!(
        "getOrder v9 of {} orders ({} KB): p50 {} ms, p99 {} ms, max {} ms ({} requests)",
        hundred.len(),
        answer.body.len() / 1000,
        ms(l.quantile(0.5)),
        ms(l.quantile(0.99)),
        ms(l.max()),
        l.0.len()
    );
    table.push_str(&format!(
        "\ngetOrder v9 of {} orders ({} KB answer): p50 {} ms, p99 {} ms, max {} ms ({} sequential requests).\n",
        hundred.len(),
        answer.body.len() / 1000,
        ms(l.quantile(0.5)),
        ms(l.quantile(0.99)),
        ms(l.max()),
        l.0.len()
    ));

    table.push_str(&blocking(opts, shop, &one, from, to).await);
    table.push_str(&format!("\nrms-mock RSS at the end: {:.0} MiB.\n", shop.server.rss_bytes() as f64 / 1048576.0));
    println!("\n{table}");
    table
}

/// Does a long operation block a cheap request (getOrder v9 of one order) to the same shop?
/// The probe runs back to back on its own connection while the operation runs on another.
/// A second probe, at the same time, asks the server's other shop (the demo shop) the same:
/// no operation holds that shop's lock, so what it waits is the machine's (two cores shared
/// by the server's workers, this client and the operation), not the shop's lock.
async fn blocking(opts: &Options, shop: &BigShop, order: &str, from: i64, to: i64) -> String {
    let addr = shop.server.addr;
    let auth = shop.auth.clone();
    let probe_request = Arc::new(client::post(
        addr,
        "/es/2.0/order/getOrder/",
        Some(&auth),
        json!({"orderNumberList": [order], "version": 9}).to_string().as_bytes(),
    ));
    let demo_auth = crate::throughput::authorization(&shop.server);
    let demo_order = crate::throughput::demo_order(addr, &demo_auth).await;
    let control_request = Arc::new(client::post(
        addr,
        "/es/2.0/order/getOrder/",
        Some(&demo_auth),
        json!({"orderNumberList": [demo_order], "version": 9}).to_string().as_bytes(),
    ));
    let probes = Probes { addr, same: probe_request, other: control_request };
    println!("\n## A cheap request (getOrder of one order) while a long operation runs, load average {}", loadavg());
    let mut table = String::from(
        "\nA cheap request (getOrder v9 of one order, back to back on its own connection) while a long operation runs: \
         to the same shop, and at the same time to the server's other shop (the demo shop, whose lock no operation \
         takes; what it waits is the machine's):\n\n\
         | while | the operation took | probe requests | probe p50 ms | probe p99 ms | probe max ms | other shop p99 ms | other shop max ms |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut row = |what: &str, took: Duration, (l, o): &(Latencies, Latencies)| {
        println!(
            "while {what}: it took {:.2} s; probe {} requests, p50 {} ms, p99 {} ms, max {} ms; other shop {} requests, p99 {} ms, max {} ms",
            took.as_secs_f64(),
            l.0.len(),
            ms(l.quantile(0.5)),
            ms(l.quantile(0.99)),
            ms(l.max()),
            o.0.len(),
            ms(o.quantile(0.99)),
            ms(o.max())
        );
        table.push_str(&format!(
            "| {what} | {:.2} s | {} | {} | {} | {} | {} | {} |\n",
            took.as_secs_f64(),
            thousands(l.0.len() as u64),
            ms(l.quantile(0.5)),
            ms(l.quantile(0.99)),
            ms(l.max()),
            ms(o.quantile(0.99)),
            ms(o.max())
        ));
    };

    // Nothing else: the baseline.
    let idle = opts.duration().min(Duration::from_secs(3));
    let (l, took) = probes
        .during(async {
            let t = Instant::now();
            tokio::time::sleep(idle).await;
            t.elapsed()
        })
        .await;
    row("nothing else runs", took, &l);

    // A slow search in a loop: an item-number keyword over 63 days, 1000 per page.
    let mut slow_conn = Conn::connect(addr).await.expect("connect");
    let item = rms(&mut slow_conn, addr, &auth, "getOrder", &json!({"orderNumberList": [order], "version": 9})).await
        ["OrderModelList"][0]["PackageModelList"][0]["ItemModelList"][0]["itemNumber"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let body = window(from, to, json!({"searchKeywordType": 2, "searchKeyword": item}), 1000);
    let slow = client::post(addr, "/es/2.0/order/searchOrder/", Some(&auth), body.to_string().as_bytes());
    let budget = opts.duration();
    let (l, (took, n)) = probes
        .during(async {
            let t = Instant::now();
            let mut n = 0;
            while t.elapsed() < budget {
                slow_conn.call(&slow).await.expect("slow search").expect(200, "slow search");
                n += 1;
            }
            (t.elapsed(), n)
        })
        .await;
    row(&format!("searchOrder by item number ({item}) runs in a loop ({n} searches)"), took, &l);

    // A bulk load of one more chunk, placed the way the shop was loaded.
    let count = big_shop::BULK_MAX.min(shop.orders.max(1));
    let orders = big_shop::more_orders(count, shop.now);
    let mut placer = Placer::new(&shop.server, Some(shop.path), shop.bulk_size);
    let mut load_conn = Conn::connect(addr).await.expect("connect");
    let (l, took) = probes
        .during(async {
            let t = Instant::now();
            placer.place(&mut load_conn, &orders).await;
            t.elapsed()
        })
        .await;
    let how = match shop.path {
        big_shop::Path::Bulk => "bulk",
        big_shop::Path::Single => "one call per order",
    };
    row(&format!("{} more orders are placed ({how})", thousands(count as u64)), took, &l);

    // A long clock advance: 30 virtual days with simulated buyers at 60 orders an hour.
    let mut admin = Conn::connect(addr).await.expect("connect");
    let simulate = json!({"enabled": true, "orders_per_hour": 60.0, "max_orders": 100_000}).to_string();
    let r =
        client::request("PATCH", addr, &format!("/__admin/shops/{SHOP_ID}/simulate"), None, Some(simulate.as_bytes()));
    admin.call(&r).await.expect("simulate").expect(200, "switch simulated buyers on");
    let advance =
        client::post(addr, &format!("/__admin/shops/{SHOP_ID}/clock/advance"), None, br#"{"minutes": 43200}"#);
    let (l, (took, bytes)) = probes
        .during(async {
            let t = Instant::now();
            let a = admin.call(&advance).await.expect("advance").expect(200, "advance 30 days");
            (t.elapsed(), a.body.len())
        })
        .await;
    row(
        &format!(
            "the clock advances 30 days with simulated buyers (~43,200 orders; a {} KB answer)",
            thousands(bytes as u64 / 1000)
        ),
        took,
        &l,
    );
    table
}

/// The two probes of [`blocking`]: the same request to the busy shop and to the other one.
struct Probes {
    addr: SocketAddr,
    same: Arc<Vec<u8>>,
    other: Arc<Vec<u8>>,
}

impl Probes {
    /// Runs `op` while both probes send their request back to back, each on its own
    /// connection; returns their latencies (the same shop's, the other shop's) and what `op`
    /// returned.
    async fn during<T>(&self, op: impl std::future::Future<Output = T>) -> ((Latencies, Latencies), T) {
        let stop = Arc::new(AtomicBool::new(false));
        let start = |request: Arc<Vec<u8>>| {
            let (stop, addr) = (stop.clone(), self.addr);
            tokio::spawn(async move {
                let mut conn = Conn::connect(addr).await.expect("connect the probe");
                let mut times = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let (status, _) = conn.exchange(&request).await.expect("the probe's answer");
                    times.push(t.elapsed());
                    assert_eq!(status, 200, "the probe");
                }
                times
            })
        };
        let (same, other) = (start(self.same.clone()), start(self.other.clone()));
        let out = op.await;
        stop.store(true, Ordering::Relaxed);
        let same = Latencies::new(same.await.expect("the probe"));
        let other = Latencies::new(other.await.expect("the other shop's probe"));
        ((same, other), out)
    }
}

/// Up to `n` sequential requests, for at most `budget`.
async fn sequential(conn: &mut Conn, request: &[u8], n: usize, budget: Duration) -> Latencies {
    let mut times = Vec::with_capacity(n);
    let start = Instant::now();
    while times.len() < n && start.elapsed() < budget {
        let t = Instant::now();
        let (status, _) = conn.exchange(request).await.expect("an answer");
        times.push(t.elapsed());
        assert_eq!(status, 200);
    }
    Latencies::new(times)
}

/// A searchOrder body: `filter`'s keys over dateType 1 (unless it says) from `from` to `to`,
/// page 1 of `size`.
fn window(from: i64, to: i64, filter: Value, size: usize) -> Value {
    let mut body = Map::new();
    body.insert("dateType".into(), json!(1));
    body.insert("startDatetime".into(), json!(crate::jst::jst(from)));
    body.insert("endDatetime".into(), json!(crate::jst::jst(to)));
    if let Value::Object(f) = filter {
        body.extend(f);
    }
    body.insert("PaginationRequestModel".into(), json!({"requestRecordsAmount": size, "requestPage": 1}));
    Value::Object(body)
}

/// One RMS order call; panics unless it answers 200 without an error message.
async fn rms(conn: &mut Conn, addr: SocketAddr, auth: &str, op: &str, body: &Value) -> Value {
    let r = client::post(addr, &format!("/es/2.0/order/{op}/"), Some(auth), body.to_string().as_bytes());
    let a = conn.call(&r).await.expect("an RMS call").expect(200, op);
    assert!(!a.text().contains("\"ERROR\""), "{op}: {}", a.text());
    a.json()
}
