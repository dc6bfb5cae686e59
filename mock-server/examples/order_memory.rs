//! How much memory an order costs, and how fast orders load: a measuring loop for developers,
//! not a benchmark claim (the official figures come from `benches/http_load.rs`).
//!
//! Starts an in-process fake (`RmsMock`), creates a shop with a catalog of 100 items × 4 SKUs,
//! then loads N orders spread over one virtual year through the control plane, as a big
//! shop's history would arrive: mostly card, some COD, bank transfer and convenience-store
//! prepayment; one to three lines; auto-confirm on, so the clock moving with the orders fires
//! confirmations, Rakuten's processing and unpaid prepayments' deadlines. It prints this
//! process's VmRSS (`/proc/self/status`) before and after, the bytes per order, and the load
//! rate.
//!
//! ```sh
//! cargo run --release -p rms-mock --example order_memory -- 100000 [bulk|single]
//! ```
//!
//! `bulk` (the default) sends `POST …/orders/bulk` with 5,000 orders per call; `single` one
//! `POST …/orders` per order (the path before the bulk one existed); `document` builds the
//! shop from a shop document with N `[[orders]]` (`AppState::with_shops`, which keeps the
//! document for `POST /__admin/reset`, so its memory counts too).

#[path = "../tests/api/jst.rs"]
mod jst;

use rms_mock::{AppState, ItemDoc, OrderDoc, RmsMock, ShopDocument, VariantDoc};
use std::time::Instant;

const SHOP: &str = "777001";
const ITEMS: usize = 100;
const SKUS: [&str; 4] = ["s", "m", "l", "xl"];
/// 2026-01-01T00:00:00+0900 in seconds since 1970-01-01T00:00:00 JST.
const YEAR_START: i64 = 1_767_225_600;
const YEAR: i64 = 365 * 24 * 3600;

/// VmRSS of this process in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// User + system CPU time of this process so far (`/proc/self/stat`, in clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// `2026-01-01T00:00:00+0900` from seconds since 1970-01-01T00:00:00 JST, by the tests'
/// independent conversion (`tests/api/jst.rs`).
fn rms_time(secs: i64) -> String {
    jst::jst(secs - 9 * 3600)
}

fn document(clock_start: i64) -> ShopDocument {
    let mut doc = ShopDocument::new(SHOP).clock_start(rms_time(clock_start)).settings(|s| {
        s.auto_confirm = true;
        s.auto_confirm_delay_minutes = 10;
    });
    for i in 0..ITEMS {
        let mut item = ItemDoc::new(format!("item-{i:03}"), format!("商品 {i} 綿100% Tシャツ"));
        for (j, sku) in SKUS.iter().enumerate() {
            item = item.with_variant(VariantDoc::new(*sku, 1000 + 100 * j as i64, 99_999).selector("サイズ", *sku));
        }
        doc = doc.item(item);
    }
    doc
}

/// The i-th of `n` orders: a fixed mix, deterministic.
fn order(i: usize, n: usize) -> OrderDoc {
    let at = YEAR_START + 60 + (YEAR - 3600) * i as i64 / n.max(1) as i64;
    let settlement = match i % 20 {
        0 => 2,     // COD
        1 | 2 => 9, // bank transfer (prepaid; most never pay here, so their deadline fires)
        3 => 14,    // convenience-store prepayment
        _ => 1,     // card
    };
    let mut doc = OrderDoc::new().settlement(settlement).at(rms_time(at));
    for line in 0..1 + i % 3 {
        let item = (i * 7 + line * 13) % ITEMS;
        doc = doc.line(format!("item-{item:03}"), SKUS[(i + line) % SKUS.len()], 1);
    }
    doc
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.replace('_', "").parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "bulk".into());
    if path == "document" {
        let before = rss_kib();
        let t = Instant::now();
        let mut doc = document(YEAR_START + YEAR);
        doc.orders = (0..n).map(|i| order(i, n)).collect();
        let made = t.elapsed().as_secs_f64();
        let state = AppState::with_shops(vec![("memory".into(), doc)]).expect("the document builds");
        let secs = t.elapsed().as_secs_f64() - made;
        let after = rss_kib();
        let mock = RmsMock::start_with(state).await.expect("serves");
        let placed: usize =
            mock.control().existing_shop(SHOP).await.unwrap().detail().await.unwrap().orders_by_status.values().sum();
        assert_eq!(placed, n);
        println!(
            "{n} orders (document) built in {secs:.1} s = {:.0} orders/s (document made in {made:.1} s); VmRSS {:.1} MiB before, {:.1} MiB after: {:.0} bytes/order with the document kept",
            n as f64 / secs,
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            (after.saturating_sub(before) * 1024) as f64 / n.max(1) as f64,
        );
        println!("loadavg: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
        return;
    }
    let bulk = path != "single";
    let mock = RmsMock::start().await;
    let shop = mock.shop(document(YEAR_START)).await.expect("the shop is created");
    let http = reqwest::Client::new();
    let base = format!("{}/__admin/shops/{SHOP}", mock.uri());
    let before = rss_kib();
    // The request bodies are written before the clock starts, so the figures are the
    // server's (and the socket's), not the client's JSON encoding. (They are freed as they
    // are sent, so the memory figures do not count them.)
    let bodies: Vec<(String, String)> = if bulk {
        (0..n)
            .step_by(5_000)
            .map(|i| {
                let orders: Vec<OrderDoc> = (i..(i + 5_000).min(n)).map(|k| order(k, n)).collect();
                (format!("{base}/orders/bulk"), serde_json::json!({ "orders": orders }).to_string())
            })
            .collect()
    } else {
        (0..n).map(|i| (format!("{base}/orders"), serde_json::to_string(&order(i, n)).unwrap())).collect()
    };
    let cpu = cpu_seconds();
    let t = Instant::now();
    for (url, body) in bodies {
        let r = http
            .post(url)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the fake answers");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "{status} {}", &text[..text.len().min(400)]);
    }
    let cpu = cpu_seconds() - cpu;
    let secs = t.elapsed().as_secs_f64();
    let after = rss_kib();
    let detail = shop.detail().await.expect("the shop answers");
    let placed: usize = detail.orders_by_status.values().sum();
    assert_eq!(placed, n, "every order placed");
    let per_order = (after.saturating_sub(before) * 1024) as f64 / n.max(1) as f64;
    println!(
        "{n} orders ({}) in {secs:.1} s = {:.0} orders/s ({cpu:.1} CPU-seconds of this process = {:.0} orders per CPU-second); VmRSS {:.1} MiB before, {:.1} MiB after: {per_order:.0} bytes/order",
        if bulk { "bulk" } else { "single" },
        n as f64 / secs,
        n as f64 / cpu,
        before as f64 / 1024.0,
        after as f64 / 1024.0,
    );
    println!("by status: {:?}", detail.orders_by_status);
    println!("loadavg: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
}
