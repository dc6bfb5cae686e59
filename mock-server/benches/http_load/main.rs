//! The figures of issue 11, reproduced on demand: HTTP throughput against a bare axum anchor
//! measured in the same run, a shop of 1,000,000 orders (load rate, resident memory), every
//! searchOrder filter on it, getOrder of 100 orders, and whether a long operation blocks the
//! other requests to the shop.
//!
//! Everything runs as separate processes on 127.0.0.1, as wrk measured it: the real `rms-mock`
//! binary (started by this bench, `--port 0`), the anchor (this bench re-executed with
//! `RMS_MOCK_BENCH_ANCHOR=1`: a minimal axum server answering 3.6 KB of fixed bytes), and this
//! bench's own load generator (`client.rs`: 32 keep-alive connections on a 2-thread runtime,
//! like `wrk -t2 -c32`). Ratios within one run are what count: the machine may be busy, so the
//! load average is printed before each block.
//!
//! Run: `cargo bench -p rms-mock --bench http_load [-- --only throughput|load|search]
//! [--quick] [--orders N] [--duration S]` (see `--help`). `RMS_MOCK_BENCH_BIN=path` measures
//! another `rms-mock` binary (say, an older commit's release build) under the same load.

mod big_shop;
mod client;
#[path = "../../tests/api/jst.rs"]
mod jst;
mod search;
mod servers;
mod throughput;

use clap::Parser;
use std::time::Duration;

/// The bench's command line (after `cargo bench -p rms-mock --bench http_load --`).
#[derive(Parser, Debug, Clone)]
#[command(name = "http_load", about = "Reproduces the performance figures of issue 11 (see README, Performance)")]
pub struct Options {
    /// Run one section only: `throughput` (demo shop vs bare axum), `load` (the big shop),
    /// `search` (loads the big shop, then every searchOrder filter, getOrder ×100, blocking).
    #[arg(long, value_enum)]
    only: Option<Section>,
    /// A smoke run: 2-second blocks, 100,000 orders, 50 requests per search row.
    #[arg(long)]
    quick: bool,
    /// Orders in the big shop (default 1,000,000; 100,000 with --quick).
    #[arg(long)]
    orders: Option<usize>,
    /// Seconds per throughput block, and the most time one search row may take (default 10;
    /// 2 with --quick).
    #[arg(long)]
    duration: Option<f64>,
    /// Keep-alive connections of the throughput blocks (wrk -c).
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Start rms-mock with `RUST_LOG=off` (no request log line) instead of as a user runs it
    /// (one line per request, here written to /dev/null).
    #[arg(long)]
    quiet_server: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// The sections of the bench.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Throughput,
    Load,
    Search,
}

impl Options {
    fn runs(&self, s: Section) -> bool {
        self.only.is_none_or(|o| o == s || (o == Section::Search && s == Section::Load))
    }

    /// Seconds per throughput block (and the cap of one search row).
    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.duration.unwrap_or(if self.quick { 2.0 } else { 10.0 }))
    }

    /// Orders in the big shop.
    pub fn orders(&self) -> usize {
        self.orders.unwrap_or(if self.quick { 100_000 } else { 1_000_000 })
    }

    /// Sequential requests per search row.
    pub fn search_requests(&self) -> usize {
        if self.quick {
            50
        } else {
            200
        }
    }
}

/// `/proc/loadavg`'s three averages.
pub fn loadavg() -> String {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// 12,345,678 with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn main() {
    if std::env::var_os(servers::ANCHOR_ENV).is_some() {
        servers::serve_anchor();
        return;
    }
    let opts = Options::parse();
    client::Histogram::check_buckets();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the load generator's runtime");
    let header = format!(
        "http_load, {} · {} cores · load average {} at start · {}",
        today(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg(),
        if opts.quiet_server { "rms-mock with RUST_LOG=off" } else { "rms-mock logging as by default (to /dev/null)" }
    );
    let header = match std::env::var_os("RMS_MOCK_BENCH_BIN") {
        Some(bin) => format!("{header} · binary {}", bin.to_string_lossy()),
        None => header,
    };
    println!("# {header}");
    let mut report = vec![header];
    if opts.runs(Section::Throughput) {
        report.push(rt.block_on(throughput::run(&opts)));
    }
    if opts.runs(Section::Load) {
        let (shop, loaded) = rt.block_on(big_shop::load(&opts));
        report.push(loaded);
        if opts.runs(Section::Search) {
            report.push(rt.block_on(search::run(&opts, &shop)));
        }
    }
    println!("\n# Summary (Markdown)\n");
    println!("{}", report.join("\n"));
}

/// Today's date (UTC) from the system clock, for the report's header.
fn today() -> String {
    let unix = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let jst = jst::jst(unix);
    format!("{} {} JST", &jst[..10], &jst[11..16])
}
