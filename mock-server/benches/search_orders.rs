//! searchOrder on a big shop: is one page cheap because of the indexes?
//!
//! Builds shops of 1,000 and 100,000 orders (same shape: spread over 60 days, ~1% still in
//! 100 注文確認待ち), then times, in this one process:
//! - the integration's everyday query (dateType 1, `orderProgressList [100]`, 63 days,
//!   1000 per page) through the index, and the same query as a naive full scan (baseline);
//! - a one-page query over all statuses (30 per page);
//! - the full HTTP round trip on 127.0.0.1 for both shop sizes.
//!
//! Run: `cargo bench -p rms-mock --bench search_orders`

use rms_mock::domain::order::{DateType, OrderProgress};
use rms_mock::domain::search::SearchQuery;
use rms_mock::domain::shop::{OrderLine, Shop};
use rms_mock::domain::time::JstDateTime;
use rms_mock::setup::{parse_toml, ShopDocument};
use std::time::{Duration, Instant};

const DOC: &str = r#"
[shop]
shop_id = "SHOPID"
service_secret = "SPSHOPID_bench"
license_key = "SLSHOPID_bench"
clock_start = "2026-10-01T00:00:00+0900"
[settings]
processing_delay_minutes = 0
unconfirmed_cancel_days = 365
[[items]]
manage_number = "bench"
title = "ベンチ"
  [[items.variants]]
  variant_id = "a"
  price = 1000
  quantity = 99999
  selector_values = { "サイズ" = "S" }
  [[items.variants]]
  variant_id = "b"
  price = 1000
  quantity = 99999
  selector_values = { "サイズ" = "M" }
"#;

fn build(shop_id: &str, orders: usize) -> Shop {
    let doc: ShopDocument = parse_toml(&DOC.replace("SHOPID", shop_id), "bench").unwrap();
    let mut shop = doc.build("bench").unwrap();
    let start = shop.now();
    let step = (60 * 24 * 3600) / orders.max(1) as i64;
    let lines = [OrderLine { manage_number: "bench".into(), variant_id: "a".into(), units: 1 }];
    let lines_b = [OrderLine { manage_number: "bench".into(), variant_id: "b".into(), units: 1 }];
    for i in 0..orders {
        let at = start.plus_seconds(step * i as i64);
        let l = if i % 2 == 0 { &lines } else { &lines_b };
        let n = shop.place_order(l, 1, Some(at)).unwrap();
        if i % 100 != 0 {
            shop.confirm_orders(&[n]);
        }
    }
    shop
}

fn everyday_query(shop: &Shop) -> SearchQuery {
    let end = shop.now();
    let mut q = SearchQuery::new(DateType::Ordered, end.plus_days(-63), end);
    q.progress = vec![OrderProgress::WaitingForConfirmation];
    q.with_page(1000, 1).unwrap()
}

/// The baseline: what a fake without indexes does.
fn naive_scan(shop: &Shop, q: &SearchQuery) -> usize {
    let mut hits: Vec<(JstDateTime, &str)> = shop
        .orders()
        .iter()
        .filter(|o| o.order_datetime >= q.start && o.order_datetime <= q.end && q.progress.contains(&o.progress))
        .map(|o| (o.order_datetime, o.number.as_str()))
        .collect();
    hits.sort();
    hits.iter().take(q.page_size.get()).count()
}

/// Median time of `f` over `runs` runs.
fn median(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut out = 0;
    for _ in 0..runs {
        let t = Instant::now();
        out = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], out)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let t = Instant::now();
    let small = build("100001", 1_000);
    let big = build("100002", 100_000);
    println!("built shops of 1,000 and 100,000 orders in {:.1} s", t.elapsed().as_secs_f64());

    let q_big = everyday_query(&big);
    let (indexed, hits) = median(200, || big.search_orders(&q_big).order_numbers.len());
    let (scan, hits_scan) = median(50, || naive_scan(&big, &q_big));
    assert_eq!(hits, hits_scan, "the index and the scan agree");
    println!(
        "100k orders, [100] over 63 days ({hits} hits): index {} vs full scan {} → {:.0}× faster",
        us(indexed),
        us(scan),
        scan.as_secs_f64() / indexed.as_secs_f64()
    );

    let q_small = everyday_query(&small);
    let (small_t, _) = median(200, || small.search_orders(&q_small).order_numbers.len());
    println!(
        "1k orders, same query: {} (100k/1k ratio {:.1}×, for 100× the orders)",
        us(small_t),
        indexed.as_secs_f64() / small_t.as_secs_f64()
    );

    let mut all = everyday_query(&big).with_page(30, 1).unwrap();
    all.progress.clear();
    let (page, _) = median(50, || big.search_orders(&all).order_numbers.len());
    println!("100k orders, every status, one page of 30: {}", us(page));

    // Seeding a big catalog (control plane `catalog/generate`, shop files' `[generate]`).
    let mut gen = build("100003", 0);
    let t = Instant::now();
    gen.generate_catalog(10_000, 4, 1, 100).unwrap();
    println!(
        "generated 10,000 items × 4 variants (40,000 SKUs with stock) in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    // Over HTTP, as a client sees it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let state = rms_mock::AppState::default();
        state.registry.insert(small).ok().unwrap();
        state.registry.insert(big).ok().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(rms_mock::serve(listener, state, std::future::pending()));
        let client = reqwest::Client::new();
        let body = r#"{"dateType":1,"startDatetime":"2026-10-01T00:00:00+0900","endDatetime":"2026-11-30T00:00:00+0900","orderProgressList":[100],"PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":1}}"#;
        let mut results = Vec::new();
        for shop_id in ["100001", "100002"] {
            let auth = rms_mock::auth::esa_header(&format!("SP{shop_id}_bench"), &format!("SL{shop_id}_bench"));
            let mut times = Vec::new();
            for _ in 0..100 {
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/es/2.0/order/searchOrder/"))
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times.sort();
            results.push(times[50]);
        }
        println!(
            "HTTP searchOrder [100], 1000 per page, median of 100: 1k shop {} · 100k shop {} (ratio {:.1}×)",
            us(results[0]),
            us(results[1]),
            results[1].as_secs_f64() / results[0].as_secs_f64()
        );
    });
}
