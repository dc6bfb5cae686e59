//! A minimal order-sync program of the kind integration vendors write, to run under
//! `rms-conformance run --integration-cmd`. Each run is one poll: search the last hour's
//! orders in 注文確認待ち, read them, confirm them.
//!
//! Environment (set by the runner): RMS_BASE_URL, RMS_SERVICE_SECRET, RMS_LICENSE_KEY,
//! RMS_NOW (the shop's virtual now, `YYYY-MM-DDThh:mm:ss+0900`).

use base64::Engine;
use serde_json::{json, Value};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("simple_sync: {name} is not set");
        std::process::exit(2)
    })
}

/// `2026-11-28T10:00:00+0900` an hour earlier (same day or the day before).
fn an_hour_before(now: &str) -> String {
    let h: u32 = now[11..13].parse().unwrap_or(0);
    if h >= 1 {
        format!("{}{:02}{}", &now[..11], h - 1, &now[13..])
    } else {
        format!("{}T00:00:00+0900", &now[..10])
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = env("RMS_BASE_URL");
    let auth = format!(
        "ESA {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            env("RMS_SERVICE_SECRET"),
            env("RMS_LICENSE_KEY")
        ))
    );
    let now = env("RMS_NOW");
    let http = reqwest::Client::new();
    let call = |op: &str, body: Value| {
        http.post(format!("{base}/es/2.0/order/{op}/"))
            .header("Authorization", &auth)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
    };
    let search =
        json!({"dateType": 1, "startDatetime": an_hour_before(&now), "endDatetime": now, "orderProgressList": [100]});
    let Ok(r) = call("searchOrder", search).await else { std::process::exit(1) };
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let numbers: Vec<Value> = v["orderNumberList"].as_array().cloned().unwrap_or_default();
    if numbers.is_empty() {
        return;
    }
    let _ = call("getOrder", json!({"orderNumberList": numbers, "version": 7})).await;
    let _ = call("confirmOrder", json!({"orderNumberList": numbers})).await;
    println!("confirmed {}", numbers.len());
}
