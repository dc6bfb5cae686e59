//! searchOrder on a big shop: is one page cheap because of the indexes?
//!
//! Builds shops of 1,000 and 100,000 orders (same shape: spread over 60 days, ~1% still in
//! 100 注文確認待ち), then times, as a client sees it (HTTP on 127.0.0.1, median of 100):
//! - the integration's everyday query (dateType 1, `orderProgressList [100]`, 63 days,
//!   1000 per page) on both shops: with an index the 100× bigger shop costs about the same;
//! - a one-page query over all statuses (30 per page) on the big shop;
//! - seeding a big catalog through the control plane.
//!
//! It uses only the public API (shop documents, `AppState`, `RmsMock`), like any user's
//! benchmark would: the library exposes no domain types, and timing through HTTP measures
//! what integrations actually wait for. (Before the API was curated this bench also timed a
//! naive in-process full scan as a baseline; the 1k-vs-100k ratio now makes the same point.)
//!
//! Run: `cargo bench -p rms-mock --bench search_orders`

#[path = "../tests/api/jst.rs"]
mod jst;

use rms_mock::{AppState, GenerateDoc, ItemDoc, OrderDoc, RmsMock, ShopDocument, VariantDoc};
use serde_json::json;
use std::time::{Duration, Instant};

const CLOCK_START: &str = "2026-11-30T00:00:00+0900";

/// A shop of `orders` card orders spread over the 60 days before its clock starts.
fn document(shop_id: &str, orders: usize) -> ShopDocument {
    let mut doc = ShopDocument::new(shop_id)
        .credentials(format!("SP{shop_id}_bench"), format!("SL{shop_id}_bench"))
        .clock_start(CLOCK_START)
        .settings(|s| {
            s.processing_delay_minutes = 0;
            s.unconfirmed_cancel_days = 365;
        })
        .item(
            ItemDoc::new("bench", "ベンチ")
                .with_variant(VariantDoc::new("a", 1000, 99_999).selector("サイズ", "S"))
                .with_variant(VariantDoc::new("b", 1000, 99_999).selector("サイズ", "M")),
        );
    let step = (60 * 24 * 3600) / orders.max(1) as i64;
    let first = 1_795_996_800 - 60 * 24 * 3600; // 2026-10-01T00:00:00 JST, in JST seconds
    for i in 0..orders {
        let variant = if i % 2 == 0 { "a" } else { "b" };
        doc = doc.order(OrderDoc::new().line("bench", variant, 1).at(rms_time(first + step * i as i64)));
    }
    doc
}

/// `2026-10-01T00:00:00+0900` from seconds since 1970-01-01T00:00:00 JST.
fn rms_time(secs: i64) -> String {
    jst::jst(secs - 9 * 3600)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    assert_eq!(rms_time(1_795_996_800), CLOCK_START);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let t = Instant::now();
        let docs = vec![("1k".to_string(), document("100001", 1_000)), ("100k".to_string(), document("100002", 100_000))];
        let mock = RmsMock::start_with(AppState::with_shops(docs).unwrap()).await.unwrap();
        println!("built shops of 1,000 and 100,000 orders in {:.1} s", t.elapsed().as_secs_f64());
        let client = reqwest::Client::new();
        let order = |auth: String, op: &'static str, body: String| {
            client
                .post(format!("{}/es/2.0/order/{op}/", mock.uri()))
                .header("Authorization", auth)
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body)
                .send()
        };

        // Every order but each hundredth leaves 100, confirmed as an integration would.
        for shop_id in ["100001", "100002"] {
            let shop = mock.control().existing_shop(shop_id).await.unwrap();
            let numbers: Vec<String> = shop.orders().await.unwrap().into_iter().map(|o| o.order_number).collect();
            let confirm: Vec<&String> = numbers.iter().enumerate().filter(|(i, _)| i % 100 != 0).map(|(_, n)| n).collect();
            for batch in confirm.chunks(100) {
                let r = order(shop.authorization().into(), "confirmOrder", json!({"orderNumberList": batch}).to_string());
                assert_eq!(r.await.unwrap().status(), 200);
            }
        }

        let everyday = r#"{"dateType":1,"startDatetime":"2026-09-28T00:00:00+0900","endDatetime":"2026-11-30T00:00:00+0900","orderProgressList":[100],"PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":1}}"#;
        let all_one_page = r#"{"dateType":1,"startDatetime":"2026-09-28T00:00:00+0900","endDatetime":"2026-11-30T00:00:00+0900","PaginationRequestModel":{"requestRecordsAmount":30,"requestPage":1}}"#;
        let median = |shop_id: &'static str, body: &'static str| {
            let auth = rms_mock::esa_header(&format!("SP{shop_id}_bench"), &format!("SL{shop_id}_bench"));
            let order = &order;
            async move {
                let mut times = Vec::new();
                for _ in 0..100 {
                    let t = Instant::now();
                    let r = order(auth.clone(), "searchOrder", body.to_string()).await.unwrap();
                    assert_eq!(r.status(), 200);
                    r.bytes().await.unwrap();
                    times.push(t.elapsed());
                }
                times.sort();
                times[50]
            }
        };
        let small = median("100001", everyday).await;
        let big = median("100002", everyday).await;
        println!(
            "HTTP searchOrder [100] over 63 days, 1000 per page, median of 100: 1k shop {} · 100k shop {} (ratio {:.1}×, for 100× the orders)",
            us(small),
            us(big),
            big.as_secs_f64() / small.as_secs_f64()
        );
        let page = median("100002", all_one_page).await;
        println!("HTTP searchOrder, 100k orders, every status, one page of 30: {}", us(page));

        // Seeding a big catalog (control plane `catalog/generate`, shop files' `[generate]`).
        let gen = mock.shop(ShopDocument::new("100003")).await.unwrap();
        let t = Instant::now();
        let made = gen.generate_catalog(&GenerateDoc { variants: 4, seed: 1, ..GenerateDoc::new(10_000) }).await.unwrap();
        assert_eq!(made.generated, 10_000);
        println!(
            "generated 10,000 items × 4 variants (40,000 SKUs with stock) in {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    });
}
