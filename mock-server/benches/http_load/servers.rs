//! The servers under test, each its own process as wrk measured them: the real `rms-mock`
//! binary, and the bare-axum anchor (this bench re-executed with [`ANCHOR_ENV`] set), both on
//! 127.0.0.1 and a port the kernel picks (`--port 0`; the banner names it).

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

/// Set in the environment of the re-executed bench: it then serves the anchor and nothing else.
pub const ANCHOR_ENV: &str = "RMS_MOCK_BENCH_ANCHOR";

/// The size of the anchor's fixed answer: about one getOrder v9 answer of a real order.
pub const ANCHOR_BODY_BYTES: usize = 3600;

/// A server process; killed (by its pid) when dropped, so a failing bench leaves none behind.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it printed before it was ready (rms-mock: the shops and their credentials).
    pub banner: Vec<String>,
}

impl Server {
    /// `rms-mock <args>` with its request log on (as a user runs it) written to /dev/null,
    /// or off (`RUST_LOG=off`) when `quiet`.
    pub fn rms_mock(args: &[&str], quiet: bool) -> Server {
        // RMS_MOCK_BENCH_BIN runs another build (e.g. an older commit's release binary) under
        // the same load, so a before/after comparison comes from one script on one machine.
        let bin = std::env::var_os("RMS_MOCK_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_rms-mock").into());
        let mut cmd = Command::new(bin);
        cmd.args(args);
        if quiet {
            cmd.env("RUST_LOG", "off");
        }
        Self::start(cmd, "control plane:")
    }

    /// The anchor: this bench's own executable with [`ANCHOR_ENV`] set.
    pub fn anchor() -> Server {
        let exe = std::env::current_exe().expect("the bench's own path");
        let mut cmd = Command::new(exe);
        cmd.env(ANCHOR_ENV, "1");
        Self::start(cmd, "listening on")
    }

    /// Starts `cmd` and reads its stdout up to the line starting with `last`; the rest of
    /// its stdout is drained by a thread, so the server never blocks on (or dies of) a full pipe.
    fn start(mut cmd: Command, last: &str) -> Server {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).expect("the server's stdout") == 0 {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{cmd:?} exited before it was ready; it printed: {banner:?}");
            }
            let line = line.trim_end().to_string();
            let done = line.starts_with(last);
            banner.push(line);
            if done {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut out.take(u64::MAX), &mut std::io::sink()));
        let addr = banner
            .iter()
            .find_map(|l| l.strip_prefix("listening on http://"))
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no 'listening on http://…' line in {banner:?}"));
        Server { child, addr, banner }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now (`VmRSS` of /proc/<pid>/status), in bytes.
    pub fn rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}

/// CPU time process `pid` has used so far (user + system, from /proc/<pid>/stat), in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) start after ") ": the state
    // is [0], utime [11], stime [12] (fields 14 and 15 of proc(5)). USER_HZ is 100 on Linux
    // (sysconf would need libc, and unsafe code is forbidden here).
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The anchor's process: a minimal axum server answering every `GET /` with the same
/// [`ANCHOR_BODY_BYTES`] bytes as `application/json`, on tokio's default multi-thread runtime
/// as `rms-mock` uses. Prints `listening on http://…` and serves until killed.
pub fn serve_anchor() {
    use axum::body::Bytes;
    use axum::http::header::CONTENT_TYPE;
    let body = Bytes::from(anchor_body());
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([(CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        println!("listening on http://{}", listener.local_addr().expect("local address"));
        // TCP_NODELAY as rms-mock's own serve sets it, so the two are served alike.
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app).await.expect("serve");
    });
}

/// `{"fixed":"…"}`, exactly [`ANCHOR_BODY_BYTES`] long.
fn anchor_body() -> Vec<u8> {
    let frame = br#"{"fixed":""}"#;
    let mut body = frame[..10].to_vec();
    body.resize(ANCHOR_BODY_BYTES - 2, b'x');
    body.extend_from_slice(b"\"}");
    debug_assert_eq!(body.len(), ANCHOR_BODY_BYTES);
    body
}
