//! Section 1: requests per second and p99 of the demo shop's everyday calls, each as a ratio
//! to a bare axum server answering 3.6 KB of fixed bytes, measured in the same run, in
//! interleaved blocks (anchor, getOrder, anchor, searchOrder, …; three rounds; medians count).

use crate::client::{self, Block, Conn, Histogram};
use crate::servers::{Server, ANCHOR_BODY_BYTES};
use crate::{loadavg, ms, thousands, Options};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The demo shop's virtual now: its shop file's `clock_start`, so every run sees the same shop.
pub const DEMO_NOW: &str = "2026-11-28T09:00:00+0900";
/// [`DEMO_NOW`] as a Unix time.
const DEMO_NOW_UNIX: i64 = 1_795_824_000;

/// One thing to load: a name for the table and the request that is sent again and again.
struct Target {
    name: &'static str,
    addr: SocketAddr,
    request: Arc<Vec<u8>>,
    blocks: Vec<Block>,
}

/// One block of load on `t`, printed (with its ratio to `anchor_rate` when given) and kept;
/// returns its rate.
async fn block(t: &mut Target, round: usize, anchor_rate: Option<f64>, opts: &Options) -> f64 {
    let load = loadavg();
    let b = client::load(t.addr, t.request.clone(), 200, opts.connections, opts.duration()).await;
    let ratio = anchor_rate.map_or(String::new(), |a| format!(" ({:.2} × the anchor block before)", b.rate() / a));
    println!(
        "round {round} · load average {load} · {}: {} req/s{ratio}, p50 {} ms, p99 {} ms, max {} ms ({} requests, {:.1} KB/answer)",
        t.name,
        thousands(b.rate() as u64),
        ms(b.latencies.quantile(0.5)),
        ms(b.latencies.quantile(0.99)),
        ms(b.latencies.max()),
        thousands(b.requests),
        b.body_bytes as f64 / b.requests.max(1) as f64 / 1000.0
    );
    let rate = b.rate();
    t.blocks.push(b);
    rate
}

/// `rms-mock serve --port 0 --clock manual --clock-anchor <DEMO_NOW>`: the embedded demo shop
/// at a fixed virtual time, so its orders and answers are the same in every run.
pub fn demo_server(quiet: bool) -> Server {
    assert_eq!(crate::jst::jst(DEMO_NOW_UNIX), DEMO_NOW);
    Server::rms_mock(&["serve", "--port", "0", "--clock", "manual", "--clock-anchor", DEMO_NOW], quiet)
}

/// The `Authorization` header a server printed for its first shop.
pub fn authorization(server: &Server) -> String {
    server
        .banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("Authorization: "))
        .unwrap_or_else(|| panic!("no Authorization line in {:?}", server.banner))
        .to_string()
}

/// The number of one of the demo shop's orders (placed 30, 18 and 5 minutes before its now):
/// the first a searchOrder over the day up to [`DEMO_NOW`] finds, a card order.
pub async fn demo_order(addr: SocketAddr, auth: &str) -> String {
    let mut conn = Conn::connect(addr).await.expect("connect to rms-mock");
    let day = json!({"dateType": 1, "startDatetime": crate::jst::jst(DEMO_NOW_UNIX - 86_400), "endDatetime": DEMO_NOW});
    let found = conn
        .call(&client::post(addr, "/es/2.0/order/searchOrder/", Some(auth), day.to_string().as_bytes()))
        .await
        .expect("searchOrder")
        .expect(200, "searchOrder of the demo shop")
        .json();
    found["orderNumberList"][0].as_str().expect("the demo shop has orders").to_string()
}

/// Runs the section and returns its Markdown table.
pub async fn run(opts: &Options) -> String {
    println!("\n## Throughput: {} connections, {:?} blocks", opts.connections, opts.duration());
    let anchor = Server::anchor();
    let rms = demo_server(opts.quiet_server);
    let auth = authorization(&rms);
    let order = demo_order(rms.addr, &auth).await;

    let get_order = json!({"orderNumberList": [order], "version": 9}).to_string();
    let everyday = json!({
        "dateType": 1,
        "startDatetime": crate::jst::jst(DEMO_NOW_UNIX - 63 * 86_400),
        "endDatetime": DEMO_NOW,
        "orderProgressList": [100],
        "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1}
    })
    .to_string();
    let mut targets = vec![
        Target {
            name: "bare axum, 3.6 KB fixed body",
            addr: anchor.addr,
            request: Arc::new(client::get(anchor.addr, "/", None)),
            blocks: vec![],
        },
        Target {
            name: "rms-mock getOrder v9, one real order",
            addr: rms.addr,
            request: Arc::new(client::post(rms.addr, "/es/2.0/order/getOrder/", Some(&auth), get_order.as_bytes())),
            blocks: vec![],
        },
        Target {
            name: "rms-mock searchOrder (demo shop, the everyday query)",
            addr: rms.addr,
            request: Arc::new(client::post(rms.addr, "/es/2.0/order/searchOrder/", Some(&auth), everyday.as_bytes())),
            blocks: vec![],
        },
        Target {
            name: "rms-mock items.get",
            addr: rms.addr,
            request: Arc::new(client::get(rms.addr, "/es/2.0/items/manage-numbers/tshirt-basic", Some(&auth))),
            blocks: vec![],
        },
        Target {
            name: "rms-mock inventory get (2.1)",
            addr: rms.addr,
            request: Arc::new(client::get(
                rms.addr,
                "/es/2.1/inventories/manage-numbers/tshirt-basic/variants/m-black",
                Some(&auth),
            )),
            blocks: vec![],
        },
    ];
    // Each target answers 200 once before it is measured, and says how big its answer is.
    for t in &targets {
        let mut c = Conn::connect(t.addr).await.expect("connect");
        let a = c.call(&t.request).await.expect("an answer").expect(200, t.name);
        println!("{}: answers {} bytes", t.name, a.body.len());
        if t.addr == anchor.addr {
            assert_eq!(a.body.len(), ANCHOR_BODY_BYTES);
        }
    }

    // Each target's block follows an anchor block of its own, so every ratio compares two
    // blocks seconds apart: a machine whose load drifts (other builds) moves both.
    let (anchor_target, measured) = targets.split_at_mut(1);
    let anchor_target = &mut anchor_target[0];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); measured.len()];
    for round in 1..=3 {
        for (i, t) in measured.iter_mut().enumerate() {
            let a = block(anchor_target, round, None, opts).await;
            let b = block(t, round, Some(a), opts).await;
            ratios[i].push(b / a);
        }
    }
    println!("rms-mock's resident memory after the blocks: {:.1} MiB", rms.rss_bytes() as f64 / 1048576.0);

    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut table = format!(
        "Throughput ({} keep-alive connections, 2 client threads, {:?} blocks, each target's block right after an \
         anchor block, 3 rounds; req/s is the median block, ÷ bare axum the median of the three ratios, p99 over \
         all blocks):\n\n| | req/s (median) | ÷ bare axum | p99 ms |\n|---|---:|---:|---:|\n",
        opts.connections,
        opts.duration()
    );
    for (i, t) in targets.iter().enumerate() {
        let mut all = Histogram::default();
        for b in &t.blocks {
            all.merge(&b.latencies);
        }
        let rate = median(t.blocks.iter().map(Block::rate).collect());
        let ratio = if i == 0 { 1.0 } else { median(ratios[i - 1].clone()) };
        table.push_str(&format!(
            "| {} | {} | {:.2} | {} |\n",
            t.name,
            thousands(rate as u64),
            ratio,
            ms(all.quantile(0.99))
        ));
    }
    println!("\n{table}");
    table
}
