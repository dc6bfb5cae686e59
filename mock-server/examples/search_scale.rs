//! How long does one page of searchOrder take, filter by filter, in a shop of a million
//! orders? A measuring tool for the search indexes (the project's benchmark over HTTP is
//! `benches/`); it uses only the public API.
//!
//! It builds one shop from a shop document (a generated catalog of 2,000 items × 3 SKUs and
//! `--orders` orders, default 1,000,000, spread over one year, 80 % card, some COD, bank
//! transfer and convenience-store prepayment, 1–3 lines each, automatic confirmation and
//! Rakuten's processing on, so orders move 100 → 200 → 300 and unpaid prepayments are
//! cancelled as the clock moves), serves it on 127.0.0.1, gives a slice of the last two months
//! sub-statuses, memos, shipping reports and new orderers through the RMS API, moves the clock
//! two days and places 300 orders nobody has confirmed yet, then times
//! `--queries` searchOrder calls per filter (default 200, each over a different 63-day
//! window) as a client sees them and prints p50 / p99 and the hits of the first query.
//!
//! A second shop measures what a long operation does to the requests around it: `--burst`
//! orders (default 100,000) all placed in one minute and confirmed automatically an hour
//! later; one `clock/advance` of two hours then fires 200,000 transitions, while a client
//! keeps sending the everyday searchOrder to the same shop and times each answer.
//!
//! Run: `cargo run --release -p rms-mock --example search_scale [-- --orders N --queries Q --burst B]`

#[path = "../tests/api/jst.rs"]
mod jst;

use rms_mock::{esa_header, AppState, GenerateDoc, OrderDoc, RmsMock, ShopDocument, SubStatusDef};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// 2026-01-01T00:00:00+0900 as a Unix time.
const YEAR_START: i64 = 1_767_193_200;
const DAY: i64 = 86_400;
const ITEMS: u64 = 2_000;
const VARIANTS: u64 = 3;

/// A small deterministic generator (xorshift64*), so every run builds the same shop.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn document(orders: usize) -> ShopDocument {
    let mut doc = ShopDocument::new("424242")
        .credentials("SP_scale", "SL_scale")
        .clock_start(jst::jst(YEAR_START + 365 * DAY))
        .settings(|s| {
            s.auto_confirm = true;
            s.auto_confirm_delay_minutes = 20;
            s.processing_delay_minutes = 30;
            s.journal_body_limit = 256;
        })
        .generate(GenerateDoc { items: ITEMS as usize, variants: VARIANTS as usize, seed: 1, quantity: 99_999 });
    doc.sub_statuses = vec![
        SubStatusDef { id: 3001, name: "入荷待ち".into(), order_progress: 300 },
        SubStatusDef { id: 3002, name: "ギフト確認".into(), order_progress: 300 },
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let step = (365 * DAY) as f64 / orders.max(1) as f64;
    for i in 0..orders {
        let settlement = match rng.below(100) {
            0..=79 => 1,
            80..=87 => 2,
            88..=93 => 9,
            _ => 13,
        };
        let mut order = OrderDoc::new().settlement(settlement).at(jst::jst(YEAR_START + (i as f64 * step) as i64));
        for _ in 0..=rng.below(3) / 2 + rng.below(2) * rng.below(2) {
            let item = format!("gen-1-{:06}", rng.below(ITEMS));
            order = order.line(item, format!("v{:03}", rng.below(VARIANTS)), 1);
        }
        doc = doc.order(order);
    }
    doc
}

/// The burst shop: `orders` card orders placed at its clock start, auto-confirmed an hour later
/// and processed 30 minutes after that.
fn burst_document(orders: usize) -> ShopDocument {
    let start = jst::jst(YEAR_START);
    let mut doc = ShopDocument::new("515151")
        .credentials("SP_burst", "SL_burst")
        .clock_start(start.clone())
        .settings(|s| {
            s.auto_confirm = true;
            s.auto_confirm_delay_minutes = 60;
            s.processing_delay_minutes = 30;
            s.journal_body_limit = 256;
        })
        .generate(GenerateDoc { items: 100, variants: 1, seed: 2, quantity: 99_999 });
    for i in 0..orders {
        doc = doc.order(OrderDoc::new().line(format!("gen-2-{:06}", i % 100), "v000", 1).at(start.clone()));
    }
    doc
}

/// Times the everyday searchOrder on the burst shop while one advance fires every transition.
async fn blocked_while_advancing(c: &Client, orders: usize) {
    let body = json!({"dateType": 1, "orderProgressList": [100],
        "startDatetime": jst::jst(YEAR_START - 62 * DAY), "endDatetime": jst::jst(YEAR_START),
        "PaginationRequestModel": {"requestRecordsAmount": 30, "requestPage": 1}});
    let advance = {
        let http = c.http.clone();
        let url = format!("{}/__admin/shops/515151/clock/advance", c.base);
        tokio::spawn(async move {
            let t = Instant::now();
            let r = http.post(url).json(&json!({"minutes": 120})).send().await.expect("advance");
            assert!(r.status().is_success(), "advance: {}", r.status());
            r.bytes().await.expect("advance body");
            t.elapsed()
        })
    };
    let mut times = Vec::new();
    while !advance.is_finished() {
        let t = Instant::now();
        c.call("searchOrder", &body).await;
        times.push(t.elapsed());
    }
    let took = advance.await.expect("advance task");
    times.sort();
    let p = |q: f64| times.get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1))).copied();
    let show = |d: Option<Duration>| d.map_or("-".into(), ms);
    println!(
        "\nburst: one advance firing {} transitions took {} ms; meanwhile {} searchOrder answers on the same shop: p50 {} ms, p99 {} ms, max {} ms",
        2 * orders,
        ms(took),
        times.len(),
        show(p(0.5)),
        show(p(0.99)),
        show(times.last().copied())
    );
}

struct Client {
    http: reqwest::Client,
    base: String,
    auth: String,
}

impl Client {
    async fn call(&self, op: &str, body: &Value) -> Value {
        let resp = self
            .http
            .post(format!("{}/es/2.0/order/{op}/", self.base))
            .header("Authorization", &self.auth)
            .json(body)
            .send()
            .await
            .expect("request");
        resp.json().await.expect("json")
    }
}

/// Gives a slice of recent orders sub-statuses, memos, new orderers and shipping reports, as
/// a shop's staff would, so those filters have something to find.
async fn touch_recent_orders(c: &Client, now: i64) {
    let mut numbers = Vec::new();
    for page in 1..=15 {
        let body = json!({"dateType": 1, "orderProgressList": [300],
            "startDatetime": jst::jst(now - 62 * DAY), "endDatetime": jst::jst(now),
            "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": page}});
        let r = c.call("searchOrder", &body).await;
        let Some(list) = r["orderNumberList"].as_array() else { break };
        numbers.extend(list.iter().filter_map(|n| n.as_str().map(String::from)));
        if list.len() < 1000 {
            break;
        }
    }
    let every = |k: usize| numbers.iter().step_by(k).cloned().collect::<Vec<_>>();
    for chunk in every(5).chunks(100) {
        c.call("updateOrderSubStatus", &json!({"subStatusId": 3001, "orderNumberList": chunk})).await;
    }
    for n in every(50) {
        c.call("updateOrderMemo", &json!({"orderNumber": n, "memo": format!("ギフト包装 {n}")})).await;
    }
    for n in every(500) {
        let body = json!({"orderNumber": n, "OrdererModel": {"zipCode1": "150", "zipCode2": "0001",
            "prefecture": "東京都", "city": "渋谷区", "subAddress": "神宮前1-1",
            "familyName": format!("試験{}", &n[n.len() - 4..]), "firstName": "一郎",
            "familyNameKana": "シケン", "firstNameKana": "イチロウ",
            "phoneNumber1": "03", "phoneNumber2": "1234", "phoneNumber3": &n[n.len() - 4..]}});
        c.call("updateOrderOrderer", &body).await;
    }
    let shipped = every(4);
    for chunk in shipped.chunks(100) {
        let orders = c.call("getOrder", &json!({"orderNumberList": chunk, "version": 9})).await;
        for o in orders["OrderModelList"].as_array().into_iter().flatten() {
            let basket = &o["PackageModelList"][0]["basketId"];
            let body = json!({"orderNumber": o["orderNumber"], "BasketidModelList": [{"basketId": basket,
                "ShippingModelList": [{"deliveryCompany": "1001", "shippingNumber": "123456789012",
                "shippingDate": jst::jst(now)[..10]}]}]});
            c.call("updateOrderShipping", &body).await;
        }
    }
    println!(
        "touched: {} sub-statuses, {} memos, {} orderers, {} shipped",
        numbers.len().div_ceil(5),
        numbers.len().div_ceil(50),
        numbers.len().div_ceil(500),
        shipped.len()
    );
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn rss_mib() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    format!("{:.0} MiB", kb / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let orders = arg("--orders", 1_000_000);
    let queries = arg("--queries", 200);
    let burst = arg("--burst", 100_000);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("orders {orders}, {queries} queries per filter, loadavg {}", load.trim());

    let t = Instant::now();
    let mut docs = vec![("scale".to_string(), document(orders))];
    if burst > 0 {
        docs.push(("burst".to_string(), burst_document(burst)));
    }
    let state = AppState::with_shops(docs).expect("shop");
    println!("built in {:.1} s, RSS {}", t.elapsed().as_secs_f64(), rss_mib());
    let mock = RmsMock::start_with(state).await.expect("server");
    if burst > 0 {
        let c = Client { http: reqwest::Client::new(), base: mock.uri(), auth: esa_header("SP_burst", "SL_burst") };
        blocked_while_advancing(&c, burst).await;
    }
    let c = Client { http: reqwest::Client::new(), base: mock.uri(), auth: esa_header("SP_scale", "SL_scale") };
    let shop = mock.control().existing_shop("424242").await.expect("shop");
    let now_text = shop.now().await.expect("now");
    // The clock starts one year after the first order.
    let now = YEAR_START + 365 * DAY;
    println!("shop now {now_text}");
    let t = Instant::now();
    touch_recent_orders(&c, now).await;
    // Two days on, shipped orders have been paid (600 → 700, dateType 6); then a few orders
    // arrive that nobody has confirmed yet (100, the everyday query's hits).
    shop.advance_days(2).await.expect("advance");
    let now = now + 2 * DAY;
    for i in 0..300 {
        let line = format!("gen-1-{:06}", i * 7 % ITEMS as usize);
        shop.place_order(&OrderDoc::new().line(line, "v000", 1)).await.expect("order");
    }
    println!("touched in {:.1} s, RSS {}", t.elapsed().as_secs_f64(), rss_mib());

    let searches: Vec<(&str, Value)> = vec![
        ("everyday: dateType 1, [100], 1000/page", json!({"orderProgressList": [100]})),
        ("status [300], 1000/page", json!({"orderProgressList": [300]})),
        ("no filter, 30/page", json!({"PaginationRequestModel": {"requestRecordsAmount": 30, "requestPage": 1}})),
        (
            "no filter, page 15 desc",
            json!({"PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 15, "SortModelList": [{"sortColumn": 1, "sortDirection": 2}]}}),
        ),
        ("settlementMethod 1 (card)", json!({"settlementMethod": 1})),
        ("settlementMethod 9 (bank)", json!({"settlementMethod": 9})),
        ("status [900] + settlementMethod 13", json!({"orderProgressList": [900], "settlementMethod": 13})),
        ("orderTypeList [1]", json!({"orderTypeList": [1]})),
        ("orderTypeList [4]", json!({"orderTypeList": [4]})),
        ("subStatusIdList [3001]", json!({"orderProgressList": [300], "subStatusIdList": [3001]})),
        ("subStatusIdList [-1]", json!({"orderProgressList": [300], "subStatusIdList": [-1]})),
        ("deliveryName 宅配便", json!({"deliveryName": "宅配便"})),
        ("deliveryName メール便", json!({"deliveryName": "メール便"})),
        ("shippingDateBlankFlag 1", json!({"shippingDateBlankFlag": 1})),
        ("shippingNumberBlankFlag 1", json!({"shippingNumberBlankFlag": 1})),
        ("keyword 1 item name 'No.1234'", json!({"searchKeywordType": 1, "searchKeyword": "No.1234"})),
        ("keyword 1 item name 'パーカー'", json!({"searchKeywordType": 1, "searchKeyword": "パーカー"})),
        ("keyword 2 item number 'gen-1-0012'", json!({"searchKeywordType": 2, "searchKeyword": "gen-1-0012"})),
        ("keyword 3 memo 'ギフト'", json!({"searchKeywordType": 3, "searchKeyword": "ギフト"})),
        ("keyword 4 orderer name '佐藤 花子'", json!({"searchKeywordType": 4, "searchKeyword": "佐藤 花子"})),
        ("keyword 4 orderer name '試験'", json!({"searchKeywordType": 4, "searchKeyword": "試験"})),
        ("keyword 5 orderer kana 'サトウ'", json!({"searchKeywordType": 5, "searchKeyword": "サトウ"})),
        ("keyword 6 sender name '田中'", json!({"searchKeywordType": 6, "searchKeyword": "田中"})),
        ("keyword 7 variantId 'v001'", json!({"searchKeywordType": 7, "searchKeyword": "v001"})),
        (
            "keyword 8 merchant SKU 'GEN-1-000042-002'",
            json!({"searchKeywordType": 8, "searchKeyword": "GEN-1-000042-002"}),
        ),
        ("keyword 9 SKU info 'タイプ002'", json!({"searchKeywordType": 9, "searchKeyword": "タイプ002"})),
        ("mailSendType 2", json!({"mailSendType": 2})),
        ("purchaseSiteType 3 (smartphone)", json!({"purchaseSiteType": 3})),
        ("ordererMailAddress (none)", json!({"ordererMailAddress": "0000000000000000s1@pc.fw.rakuten.ne.jp"})),
        ("phoneNumber orderer (none)", json!({"phoneNumberType": 1, "phoneNumber": "090-0000-0000"})),
        ("oneDayOperationFlag 1", json!({"oneDayOperationFlag": 1})),
        ("dateType 2 (confirmed)", json!({"dateType": 2})),
        ("dateType 2 + [300]", json!({"dateType": 2, "orderProgressList": [300]})),
        ("dateType 3 (fixed)", json!({"dateType": 3})),
        ("dateType 4 (shipping date)", json!({"dateType": 4})),
        ("dateType 5 (shipping reported)", json!({"dateType": 5})),
        ("dateType 6 (payment fixed)", json!({"dateType": 6})),
        ("dateType 2 + keyword 4 '佐藤'", json!({"dateType": 2, "searchKeywordType": 4, "searchKeyword": "佐藤"})),
    ];
    println!("\n| filter (63-day windows) | hits (1st) | p50 ms | p99 ms |\n|---|---:|---:|---:|");
    for (name, extra) in searches {
        let mut times = Vec::with_capacity(queries);
        let mut first_hits = None;
        for q in 0..queries {
            // Windows ending at now, now − 1 day, …, so each query reads a different range.
            let end = now - (q as i64 % 300) * DAY;
            let mut body = json!({"dateType": 1, "startDatetime": jst::jst(end - 63 * DAY + 1), "endDatetime": jst::jst(end),
                "PaginationRequestModel": {"requestRecordsAmount": 1000, "requestPage": 1}});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            let t = Instant::now();
            let r = c.call("searchOrder", &body).await;
            times.push(t.elapsed());
            if first_hits.is_none() {
                let code = r["MessageModelList"][0]["messageCode"].as_str().unwrap_or("?").to_string();
                assert!(code.contains("INFO"), "{name}: {r}");
                first_hits = Some(r["PaginationResponseModel"]["totalRecordsAmount"].as_u64().unwrap_or(0));
            }
        }
        times.sort();
        let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!("| {name} | {} | {} | {} |", first_hits.unwrap_or(0), ms(p(0.5)), ms(p(0.99)));
    }
    println!("\nRSS {}, loadavg {}", rss_mib(), std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
}
