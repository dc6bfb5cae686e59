//! What one RMS answer costs the server, over a real socket: req/s and p99 of the hot
//! endpoints against a bare axum server answering 3.6 KB of fixed bytes, all measured in the
//! same run (blocks interleaved), so ratios hold while the machine's load moves.
//!
//! ```sh
//! cargo build --release -p rms-mock --example answer_cost --bin rms-mock
//! target/release/examples/answer_cost --server target/release/rms-mock [--server OTHER] \
//!     [--seconds 3] [--blocks 3] [--conns 32]
//! # or: send exactly N requests to a server already listening (for valgrind --tool=dhat)
//! target/release/examples/answer_cost --port P --target get_order --count N
//! ```
//!
//! Each `--server` is an `rms-mock` binary, started as `serve --shop fixtures/shops/demo.toml
//! --port 0` (manual clock: deterministic), with its request lines going to /dev/null; several
//! binaries (before / after a change) are measured side by side. The anchor is this example
//! re-executed as a bare axum server.
//!
//! The load generator is hand-written (32 keep-alive connections on a 2-thread runtime, like
//! `wrk -t2 -c32`; fixed request bytes; responses read by `Content-Length`), because it must
//! cost far less per request than the server it measures; a general HTTP client (reqwest)
//! costs about as much as the server and would cap the ratios.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const AUTH: &str = "ESA U1AxMjM0NTZfRGVtb1NlY3JldDAwMDAwMDE6U0wxMjM0NTZfRGVtb0xpY2Vuc2UwMDAwMDE=";
const TARGETS: [&str; 4] = ["get_order", "search_order", "items_get", "inventory_get"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    if args.first().map(String::as_str) == Some("bare") {
        return bare();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let conns: usize = opt("--conns").map_or(32, |c| c.parse().unwrap());
    if let Some(port) = opt("--port") {
        // Exactly `count` requests to a server already running (allocation counts under dhat).
        let port: u16 = port.parse().unwrap();
        let count: usize = opt("--count").unwrap().parse().unwrap();
        let target = opt("--target").unwrap();
        runtime.block_on(async {
            let request = rms_request(&target, port).await;
            let sent = load(port, &request, Limit::Count(count), conns.min(count)).await;
            println!("{} requests of {target}", sent.count);
        });
        return;
    }
    let seconds: f64 = opt("--seconds").map_or(3.0, |s| s.parse().unwrap());
    let blocks: usize = opt("--blocks").map_or(3, |b| b.parse().unwrap());
    let servers: Vec<String> =
        args.iter().enumerate().filter(|(_, a)| *a == "--server").map(|(i, _)| args[i + 1].clone()).collect();
    let targets: Vec<String> = match opt("--targets") {
        Some(t) => t.split(',').map(String::from).collect(),
        None => TARGETS.iter().map(|t| t.to_string()).collect(),
    };

    let me = std::env::current_exe().unwrap();
    let mut anchor = Server::start(Command::new(me).arg("bare"));
    let mut rms: Vec<(String, Server)> = servers
        .iter()
        .map(|exe| {
            let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/shops/demo.toml");
            (exe.clone(), Server::start(Command::new(exe).args(["serve", "--shop", demo, "--port", "0"])))
        })
        .collect();

    runtime.block_on(async {
        let bare_request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", anchor.port).into_bytes();
        let mut requests = Vec::new();
        for (_, s) in &rms {
            let mut per_target = Vec::new();
            for t in &targets {
                per_target.push(rms_request(t, s.port).await);
            }
            requests.push(per_target);
        }
        let limit = Limit::Time(Duration::from_secs_f64(seconds));
        // results[target][column] = per-block (req/s, p99 ms); column 0 is the anchor.
        let mut results = vec![vec![Vec::new(); rms.len() + 1]; targets.len()];
        for block in 0..blocks {
            for (ti, _) in targets.iter().enumerate() {
                println!("block {} target {}: load {}", block + 1, targets[ti], loadavg());
                let r = load(anchor.port, &bare_request, limit, conns).await;
                results[ti][0].push(r.summary());
                for (si, (_, s)) in rms.iter().enumerate() {
                    let r = load(s.port, &requests[si][ti], limit, conns).await;
                    results[ti][si + 1].push(r.summary());
                }
            }
        }
        println!();
        println!("| target | server | req/s (median) | ÷ bare axum | p99 ms |");
        println!("|---|---|---:|---:|---:|");
        for (ti, t) in targets.iter().enumerate() {
            let anchor_rate = median(results[ti][0].iter().map(|r| r.0).collect());
            let anchor_p99 = median(results[ti][0].iter().map(|r| r.1).collect());
            println!("| {t} | bare axum (3.6 KB) | {anchor_rate:.0} | 1 | {anchor_p99:.2} |");
            for (si, (exe, _)) in rms.iter().enumerate() {
                // The ratio of each block against the anchor of the same block, then the median.
                let ratios: Vec<f64> =
                    results[ti][si + 1].iter().zip(&results[ti][0]).map(|(r, a)| r.0 / a.0).collect();
                let rate = median(results[ti][si + 1].iter().map(|r| r.0).collect());
                let p99 = median(results[ti][si + 1].iter().map(|r| r.1).collect());
                println!("| {t} | {exe} | {rate:.0} | {:.2} | {p99:.2} |", median(ratios));
            }
        }
        println!("load average after: {}", loadavg());
    });
    anchor.stop();
    for (_, s) in &mut rms {
        s.stop();
    }
}

/// A bare axum server answering 3.6 KB of fixed JSON bytes: what the socket and the framework
/// cost, the anchor of every ratio.
fn bare() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let body: &'static [u8] = Box::leak(fixed_body().into_boxed_slice());
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(move || async move {
                ([(axum::http::header::CONTENT_TYPE, "application/json")], axum::body::Bytes::from_static(body))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on http://{}", listener.local_addr().unwrap());
        // Stops cleanly on Ctrl-C, so that a profiler it runs under writes its report.
        axum::serve(listener, app)
            .with_graceful_shutdown(async { tokio::signal::ctrl_c().await.unwrap() })
            .await
            .unwrap();
    });
}

fn fixed_body() -> Vec<u8> {
    let mut body = b"{\"data\":\"".to_vec();
    body.resize(3600 - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

/// A child server and the port its banner names.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(cmd: &mut Command) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("server starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines.next().expect("a banner").unwrap();
            if let Some(addr) = line.strip_prefix("listening on http://") {
                break addr.rsplit(':').next().unwrap().parse().unwrap();
            }
        };
        // Keep draining the banner so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, port }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixed request bytes of a target on the demo shop (getOrder asks for its first order,
/// found by one searchOrder first).
async fn rms_request(target: &str, port: u16) -> Vec<u8> {
    let post = |path: &str, body: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {AUTH}\r\n\
             Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let get = |path: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {AUTH}\r\n\r\n").into_bytes()
    };
    let search = r#"{"dateType":1,"startDatetime":"2026-11-01T00:00:00+0900","endDatetime":"2026-11-28T23:59:59+0900","orderProgressList":[100,200,300]}"#;
    // The integration's everyday query, as `benches/http_load` sends it.
    let everyday = r#"{"dateType":1,"startDatetime":"2026-09-26T09:00:00+0900","endDatetime":"2026-11-28T09:00:00+0900","orderProgressList":[100],"PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":1}}"#;
    match target {
        "search_order" => post("/es/2.0/order/searchOrder/", everyday),
        "get_order" => {
            let answer = once(port, &post("/es/2.0/order/searchOrder/", search)).await;
            let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
            let number = answer["orderNumberList"][0].as_str().expect("the demo shop has an order").to_string();
            post("/es/2.0/order/getOrder/", &format!(r#"{{"orderNumberList":["{number}"],"version":9}}"#))
        }
        "items_get" => get("/es/2.0/items/manage-numbers/tshirt-basic"),
        "inventory_get" => get("/es/2.1/inventories/manage-numbers/tshirt-basic/variants/m-black"),
        // The anchor's fixed bytes (for `--port` runs against `answer_cost bare`).
        "bare" => format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").into_bytes(),
        other => panic!("unknown target {other}; one of {TARGETS:?}"),
    }
}

/// One request on a new connection; the answer's body.
async fn once(port: u16, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut buf = Vec::new();
    let (status, start, len) = exchange(&mut stream, request, &mut buf).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&buf));
    buf[start..start + len].to_vec()
}

/// Sends `request`, reads one response into `buf` (reused); (status, body start, body length).
async fn exchange(stream: &mut TcpStream, request: &[u8], buf: &mut Vec<u8>) -> (u16, usize, usize) {
    stream.write_all(request).await.unwrap();
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = std::str::from_utf8(&buf[..end]).unwrap();
        let status: u16 = head[9..12].parse().unwrap();
        let len = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        if buf.len() >= end + 4 + len {
            return (status, end + 4, len);
        }
    }
}

#[derive(Clone, Copy)]
enum Limit {
    Time(Duration),
    Count(usize),
}

struct Run {
    count: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Run {
    /// (req/s, p99 ms)
    fn summary(mut self) -> (f64, f64) {
        self.latencies_us.sort_unstable();
        let p99 = self.latencies_us.get(self.latencies_us.len() * 99 / 100).copied().unwrap_or(0);
        (self.count as f64 / self.elapsed.as_secs_f64(), f64::from(p99) / 1000.0)
    }
}

/// `conns` connections sending `request` back to back until the limit.
async fn load(port: u16, request: &[u8], limit: Limit, conns: usize) -> Run {
    let stop = Arc::new(AtomicBool::new(false));
    let request: Arc<[u8]> = request.into();
    let per_conn = |i: usize| match limit {
        Limit::Count(n) => n / conns + usize::from(i < n % conns),
        Limit::Time(_) => usize::MAX,
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..conns)
        .map(|i| {
            let (stop, request, quota) = (stop.clone(), request.clone(), per_conn(i));
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let mut buf = Vec::with_capacity(64 * 1024);
                let mut latencies = Vec::with_capacity(1 << 16);
                let mut sent = 0;
                while sent < quota && !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let (status, _, _) = exchange(&mut stream, &request, &mut buf).await;
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&buf));
                    latencies.push(t.elapsed().as_micros() as u32);
                    sent += 1;
                }
                latencies
            })
        })
        .collect();
    if let Limit::Time(d) = limit {
        tokio::time::sleep(d).await;
        stop.store(true, Ordering::Relaxed);
    }
    let mut latencies_us = Vec::new();
    for t in tasks {
        latencies_us.extend(t.await.unwrap());
    }
    Run { count: latencies_us.len(), elapsed: started.elapsed(), latencies_us }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
