//! Does a refusal tell a known service secret from an unknown one by its timing? (issue 12,
//! "Timing".) Sends interleaved ESA requests over one keep-alive connection and compares the
//! round trips of a known service secret with a wrong licence key against an unknown service
//! secret of the same length (same licence key, same header length):
//!
//! ```sh
//! cargo run --release -p rms-mock --example auth_timing [-- --samples 20000 --rounds 5]
//! cargo build --release -p rms-mock --bin rms-mock && \
//!   target/release/examples/auth_timing --server target/release/rms-mock   # the binary, logs on
//! ```
//!
//! By default the server runs in this process (the library's `serve`, no log subscriber);
//! `--server BIN` measures an `rms-mock` binary started on the demo shop file (with `--live`:
//! the binary's own live demo, whose clock follows real time), its log lines going to /dev/null. The two kinds of request alternate in a pseudo-random order, so drift
//! of the machine's load falls on both alike; each round prints the median and the mean of
//! the middle 80 % of each kind, and their difference. A measurement, not a test: its figures
//! depend on the machine (README, "Security model").

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KNOWN: &str = "SP123456_DemoSecret0000001";
const UNKNOWN: &str = "SP123456_DemoSecret0000002";
const WRONG_KEY: &str = "SL123456_DemoLicense000002";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let samples: usize = opt("--samples").map_or(20_000, |s| s.parse().expect("--samples N"));
    let rounds: usize = opt("--rounds").map_or(5, |s| s.parse().expect("--rounds N"));

    let (port, _server) = match opt("--server") {
        Some(bin) => {
            let server = Binary::start(&bin, args.iter().any(|a| a == "--live"));
            (server.port, Server::Binary(server))
        }
        None => in_process(),
    };
    let mut conn = Conn::open(port);
    let requests = [request(port, KNOWN), request(port, UNKNOWN)];
    // Both are refusals with the gateway's 401 (ES01-01).
    for r in &requests {
        assert_eq!(conn.round_trip(r).0, 401);
    }
    println!("known service secret vs unknown (same length), wrong licence key; {samples} samples each a round");
    println!(
        "| round | known median µs | unknown median µs | Δ median | known mean₁₀₋₉₀ | unknown mean₁₀₋₉₀ | Δ mean |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..=rounds {
        let mut times = [Vec::with_capacity(samples), Vec::with_capacity(samples)];
        while times[0].len() < samples || times[1].len() < samples {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let kind = if times[0].len() >= samples {
                1
            } else if times[1].len() >= samples {
                0
            } else {
                (seed & 1) as usize
            };
            let (_, took) = conn.round_trip(&requests[kind]);
            times[kind].push(took.as_secs_f64() * 1e6);
        }
        if round == 0 {
            continue; // warm-up
        }
        let [known, unknown] = times.map(|mut t| {
            t.sort_by(f64::total_cmp);
            let middle = &t[t.len() / 10..t.len() * 9 / 10];
            (t[t.len() / 2], middle.iter().sum::<f64>() / middle.len() as f64)
        });
        println!(
            "| {round} | {:.2} | {:.2} | {:+.2} | {:.2} | {:.2} | {:+.2} |",
            known.0,
            unknown.0,
            known.0 - unknown.0,
            known.1,
            unknown.1,
            known.1 - unknown.1
        );
    }
}

/// `GET /es/2.0/items/manage-numbers/x` with these credentials: no body, refused at the gateway.
fn request(port: u16, secret: &str) -> Vec<u8> {
    let auth = rms_mock::esa_header(secret, WRONG_KEY);
    format!("GET /es/2.0/items/manage-numbers/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {auth}\r\n\r\n")
        .into_bytes()
}

enum Server {
    InProcess(#[allow(dead_code)] tokio::runtime::Runtime),
    Binary(#[allow(dead_code)] Binary),
}

/// The demo shop (manual clock) served by this process on two worker threads.
fn in_process() -> (u16, Server) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(rms_mock::serve(listener, rms_mock::AppState::demo(), std::future::pending()));
    (port, Server::InProcess(runtime))
}

/// An `rms-mock` binary serving the demo shop file (manual clock) on a free port.
struct Binary {
    child: Child,
    port: u16,
}

impl Binary {
    /// The demo shop file (manual clock), or with `live` the binary's own live demo (wall clock).
    fn start(bin: &str, live: bool) -> Binary {
        let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/shops/demo.toml");
        let args: &[&str] = if live { &["serve", "--port", "0"] } else { &["serve", "--shop", demo, "--port", "0"] };
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let port = line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).expect("listening on http://…:PORT");
        // The rest of the banner is drained by a thread, so the server never blocks on stdout.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Binary { child, port }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive connection; answers read by `Content-Length`.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Conn { stream: BufReader::new(stream) }
    }

    /// Sends `request`, reads the whole answer; its status and the round trip.
    fn round_trip(&mut self, request: &[u8]) -> (u16, Duration) {
        let start = Instant::now();
        self.stream.get_mut().write_all(request).unwrap();
        let (mut status, mut length, mut line) = (0, 0, String::new());
        loop {
            line.clear();
            self.stream.read_line(&mut line).unwrap();
            if status == 0 {
                status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
            } else if line == "\r\n" {
                break;
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).unwrap();
        (status, start.elapsed())
    }
}
