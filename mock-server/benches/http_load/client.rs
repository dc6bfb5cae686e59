//! The bench's HTTP/1.1 client and load generator: keep-alive connections over tokio
//! `TcpStream`s, fixed request bytes, answers read by `Content-Length`, latencies in a
//! log-linear histogram.
//!
//! Hand-written rather than reqwest (or wrk, which the bench must not depend on): the load
//! generator must cost much less per request than the servers it measures, or it caps the
//! ratios it reports. Here a request is one `write` of bytes built once and one or two `read`s
//! into a reused buffer, with no allocation, no header map and no body stream; reqwest spends
//! several times that per request (a bare axum server answers in a few microseconds of CPU).
//! It understands exactly what the two servers answer: `Content-Length` bodies, keep-alive.

use std::io;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// The bytes of one request: the request line, `Host`, optional `Authorization`, and for a
/// body `Content-Type` (JSON, UTF-8) and `Content-Length`.
pub fn request(method: &str, addr: SocketAddr, path: &str, auth: Option<&str>, body: Option<&[u8]>) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    if let Some(auth) = auth {
        r.push_str(&format!("Authorization: {auth}\r\n"));
    }
    if let Some(body) = body {
        r.push_str(&format!("Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n", body.len()));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    bytes
}

/// A `POST` with a JSON body.
pub fn post(addr: SocketAddr, path: &str, auth: Option<&str>, body: &[u8]) -> Vec<u8> {
    request("POST", addr, path, auth, Some(body))
}

/// A `GET`.
pub fn get(addr: SocketAddr, path: &str, auth: Option<&str>) -> Vec<u8> {
    request("GET", addr, path, auth, None)
}

/// One keep-alive connection.
pub struct Conn {
    reader: Reader,
    writer: OwnedWriteHalf,
}

/// The read half and its buffer: `buf[start..filled]` is read but not yet handed out.
struct Reader {
    half: OwnedReadHalf,
    buf: Vec<u8>,
    start: usize,
    filled: usize,
}

/// Where an answer is, in the connection's buffer (valid until the next read).
struct Head {
    status: u16,
    body: Range<usize>,
}

/// An answer copied out of the connection.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON; panics with the body when it is none (a bench that misreads an answer
    /// must stop, not measure something else).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("answer {} is not JSON ({e}): {}", self.status, self.text()))
    }

    /// The body as text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(600)]).into_owned()
    }

    /// Panics unless the status is `want`.
    pub fn expect(self, want: u16, what: &str) -> Self {
        assert_eq!(self.status, want, "{what}: answered {} {}", self.status, self.text());
        self
    }
}

impl Conn {
    /// Connects to `addr` (always 127.0.0.1 here), Nagle off as wrk does.
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (half, writer) = stream.into_split();
        Ok(Conn { reader: Reader { half, buf: vec![0; 64 * 1024], start: 0, filled: 0 }, writer })
    }

    /// Sends one request and reads its answer; returns the status and the body's length.
    /// Nothing is copied: this is the load generator's step.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<(u16, usize)> {
        self.writer.write_all(request).await?;
        let head = self.reader.next().await?;
        Ok((head.status, head.body.len()))
    }

    /// Sends one request and returns its answer, copied.
    pub async fn call(&mut self, request: &[u8]) -> io::Result<Answer> {
        self.writer.write_all(request).await?;
        let head = self.reader.next().await?;
        Ok(Answer { status: head.status, body: self.reader.buf[head.body].to_vec() })
    }
}

impl Reader {
    /// The next answer: its head parsed, its body complete in the buffer.
    async fn next(&mut self) -> io::Result<Head> {
        loop {
            if let Some((head_len, status, body_len)) = parse_head(&self.buf[self.start..self.filled])? {
                let need = head_len + body_len;
                while self.filled - self.start < need {
                    self.read_more(need).await?;
                }
                let at = self.start;
                self.start += need;
                return Ok(Head { status, body: at + head_len..at + need });
            }
            let want = self.filled - self.start + 1;
            self.read_more(want).await?;
        }
    }

    /// Reads at least one more byte, first moving what is unread to the front of the buffer
    /// (at most one partial answer) and growing it so `want` unread bytes fit.
    async fn read_more(&mut self, want: usize) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.start = 0;
        }
        if self.buf.len() < want.max(self.filled + 4096) {
            let size = want.max(self.filled + 4096).next_power_of_two();
            self.buf.resize(size, 0);
        }
        let n = self.half.read(&mut self.buf[self.filled..]).await?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
        }
        self.filled += n;
        Ok(())
    }
}

/// `(head length, status, body length)` once the head is complete. Only `Content-Length`
/// bodies (or none, for 204/304) are understood; chunked answers are an error.
fn parse_head(bytes: &[u8]) -> io::Result<Option<(usize, u16, usize)>> {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = &bytes[..end];
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("bad answer: {what}"));
    let status = head
        .get(9..12)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| bad("no status"))?;
    let mut length = None;
    for line in head.split(|b| *b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.eq_ignore_ascii_case(b"content-length") {
            let v = std::str::from_utf8(value).map_err(|_| bad("Content-Length"))?.trim();
            length = Some(v.parse::<usize>().map_err(|_| bad("Content-Length"))?);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            return Err(bad("chunked answers are not understood by this client"));
        }
    }
    Ok(Some((end + 4, status, length.unwrap_or(0))))
}

/// Latencies in nanoseconds, log-linear: 128 buckets per power of two (under 0.8 % error),
/// like HdrHistogram at two significant digits. Recording is an index computation and an add.
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

const SUB: u64 = 128;

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; 64 * SUB as usize], total: 0, max: 0 }
    }
}

impl Histogram {
    fn index(v: u64) -> usize {
        if v < SUB {
            return v as usize;
        }
        let shift = 63 - v.leading_zeros() as u64 - 7; // v >> shift is in [128, 256)
        ((shift + 1) * SUB + (v >> shift) - SUB) as usize
    }

    /// The largest value of bucket `i`.
    fn value(i: usize) -> u64 {
        let i = i as u64;
        if i < SUB {
            return i;
        }
        let shift = i / SUB - 1;
        let upper = u128::from((i % SUB) + SUB + 1) << shift;
        u64::try_from(upper - 1).unwrap_or(u64::MAX)
    }

    /// Checks the bucket arithmetic (run at start: a bench must not report from a broken
    /// instrument, and a bench's `#[test]`s never run under `cargo test`).
    pub fn check_buckets() {
        for v in [0u64, 1, 127, 128, 129, 255, 256, 1000, 12_345, 999_999, 123_456_789, u64::MAX / 2] {
            let i = Self::index(v);
            let upper = Self::value(i);
            assert!(upper >= v && upper as f64 <= v as f64 * 1.008 + 1.0, "{v} → bucket {i} up to {upper}");
            assert!(i == 0 || Self::value(i - 1) < v, "{v} belongs to an earlier bucket than {i}");
        }
    }

    /// Adds one latency.
    pub fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.counts[Self::index(ns)] += 1;
        self.total += 1;
        self.max = self.max.max(ns);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// How many latencies.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// The `q` quantile (0..=1), as the upper bound of its bucket.
    pub fn quantile(&self, q: f64) -> Duration {
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total.max(1));
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_nanos(Self::value(i).min(self.max));
            }
        }
        Duration::from_nanos(self.max)
    }

    /// The largest latency.
    pub fn max(&self) -> Duration {
        Duration::from_nanos(self.max)
    }
}

/// What one block of closed-loop load measured.
pub struct Block {
    /// Answers received.
    pub requests: u64,
    /// From the common start to the last answer.
    pub elapsed: Duration,
    /// Every answer's latency.
    pub latencies: Histogram,
    /// Answers bytes (bodies), to check the target answered what it should.
    pub body_bytes: u64,
}

impl Block {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Closed-loop load as `wrk -c<connections>` makes it: each connection sends `request`, waits
/// for the answer, sends again, until `duration` has passed; every answer must have status
/// `want`. The connections are opened first and start together.
pub async fn load(addr: SocketAddr, request: Arc<Vec<u8>>, want: u16, connections: usize, duration: Duration) -> Block {
    let start_line = Arc::new(tokio::sync::Barrier::new(connections + 1));
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (request, start_line) = (request.clone(), start_line.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::connect(addr).await.expect("connect to the server under test");
            let mut hist = Histogram::default();
            let mut body_bytes = 0u64;
            start_line.wait().await;
            let deadline = Instant::now() + duration;
            loop {
                let t = Instant::now();
                if t >= deadline {
                    break;
                }
                let (status, len) = conn.exchange(&request).await.expect("an answer from the server under test");
                hist.record(t.elapsed());
                assert_eq!(status, want, "the server under test answered {status}, not {want}");
                body_bytes += len as u64;
            }
            (hist, body_bytes, Instant::now())
        }));
    }
    start_line.wait().await;
    let started = Instant::now();
    let mut latencies = Histogram::default();
    let (mut body_bytes, mut last) = (0, started);
    for t in tasks {
        let (h, b, end) = t.await.expect("a load connection panicked");
        latencies.merge(&h);
        body_bytes += b;
        last = last.max(end);
    }
    Block { requests: latencies.len(), elapsed: last - started, latencies, body_bytes }
}
