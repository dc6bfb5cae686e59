//! What `--state-dir` costs (README, "Durability"): confirmOrder answered with and without a
//! state directory, one request at a time (the latency of one fsync) and from many clients
//! at once (group commit: answers share fsyncs).
//!
//! ```sh
//! cargo run --release -p rms-mock --example state_dir_cost [-- --orders 2000 --clients 32 --dir /some/disk]
//! ```
//!
//! The server runs in this process (the library's `serve`, the demo shop with plenty of
//! stock); the state directory is a fresh one under `--dir` (default: the system's temp
//! directory), removed afterwards. Each mode confirms its own `--orders` orders placed
//! beforehand. A measurement, not a test: its figures depend on the machine and above all on
//! its disk's fsync.

use rms_mock::{AppState, OrderDoc, RmsMock};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let orders: usize = opt("--orders").map_or(2_000, |s| s.parse().expect("--orders N"));
    let clients: usize = opt("--clients").map_or(32, |s| s.parse().expect("--clients N"));
    let base = opt("--dir").map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let dir = base.join(format!("rms-mock-state-dir-cost-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    println!("confirmOrder, {orders} orders per run, {clients} clients in the concurrent run");
    for kept in [false, true] {
        let mut state = AppState::demo();
        if kept {
            state = state.with_state_dir(&dir).expect("a state directory");
        }
        let mock = RmsMock::start_with(state).await.expect("a server");
        let label = if kept { format!("--state-dir {}", base.display()) } else { "in memory".to_string() };
        let one = run(&mock, orders, 1).await;
        let many = run(&mock, orders, clients).await;
        println!(
            "{label:>32}: one at a time {:>7.3} ms median, {:>7.3} ms p99 | {clients} at once {:>7.0} confirms/s, {:>7.3} ms median",
            ms(one.median),
            ms(one.p99),
            many.per_second,
            ms(many.median)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

struct Figures {
    median: Duration,
    p99: Duration,
    per_second: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Places `orders` orders, then confirms them from `clients` clients; the confirms' figures.
async fn run(mock: &RmsMock, orders: usize, clients: usize) -> Figures {
    let shop = mock.control().existing_shop("123456").await.expect("the demo shop");
    let stock = format!("{}/es/2.0/inventories/manage-numbers/tshirt-basic/variants/m-black", mock.uri());
    let http = reqwest::Client::new();
    let auth = shop.authorization().to_string();
    let r = http
        .put(&stock)
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .body(r#"{"mode":"ABSOLUTE","quantity":99999}"#)
        .send()
        .await
        .expect("stock");
    assert_eq!(r.status(), 204);
    let mut numbers = Vec::with_capacity(orders);
    for _ in 0..orders {
        let placed = shop.place_order(&OrderDoc::new().line("tshirt-basic", "m-black", 1)).await.expect("an order");
        numbers.push(placed.order_number);
    }
    let url = format!("{}/es/2.0/order/confirmOrder/", mock.uri());
    let per_client = numbers.len().div_ceil(clients);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for chunk in numbers.chunks(per_client) {
        let (http, url, auth, chunk) = (http.clone(), url.clone(), auth.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::with_capacity(chunk.len());
            for number in chunk {
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .body(format!(r#"{{"orderNumberList":["{number}"]}}"#))
                    .send()
                    .await
                    .expect("confirmOrder");
                assert_eq!(r.status(), 200);
                let _ = r.bytes().await;
                took.push(t.elapsed());
            }
            took
        }));
    }
    let mut took = Vec::with_capacity(numbers.len());
    for t in tasks {
        took.extend(t.await.expect("a client"));
    }
    let elapsed = start.elapsed();
    took.sort();
    Figures {
        median: took[took.len() / 2],
        p99: took[(took.len() * 99 / 100).min(took.len() - 1)],
        per_second: took.len() as f64 / elapsed.as_secs_f64(),
    }
}
