//! Connections: the fake's own accept loop over hyper's HTTP/1 server (what `axum::serve` runs
//! inside), for what `axum::serve` has no knobs for:
//!
//! - a **header-read timeout** (a request's header must arrive within it, counted from its
//!   first byte) and an **idle timeout** (a keep-alive connection with no request in progress
//!   is closed after it), so slow or idle clients do not hold connections forever. hyper has
//!   one timer, from the end of the previous answer to the end of the next header, which
//!   cannot tell an idle pooled connection (fine for a minute) from a client dribbling a
//!   header (not fine for long); [`TimedIo`] keeps the two apart;
//! - a **clean close after a refusal**: an answer given before the request's body was read to
//!   its end says `Connection: close` ([`Answering`]), and the connection reads and drops
//!   what the client still sends before closing ([`TimedIo`]'s `poll_shutdown`), so the client
//!   reads that answer instead of a reset (a broken pipe) on its next write;
//! - **no answer at all** when a fault says so (`reset`, `drop_after_effect`: the answer is
//!   marked [`AbortConnection`]): the connection ends with a TCP reset before writing a byte;
//! - a **shutdown deadline**: on the shutdown signal the listener closes, requests in
//!   progress are answered, idle connections are closed, and whatever is still open after
//!   [`ConnectionLimits::shutdown_timeout`] (a client stuck in the middle of a request) is
//!   dropped, so the process exits in bounded time.
//!
//! The cost per request is two counter updates and, for a request with a body, one shared
//! handle on the connection's state; timers are per connection and re-armed lazily (about
//! once per idle timeout, not once per request).

use crate::abort::{AbortConnection, Aborted};
use crate::service::Fake;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

/// How long a connection may keep the server waiting, and how long a shutdown waits for the
/// connections still open. `rms-mock serve` sets them with `--header-timeout`,
/// `--idle-timeout` and `--shutdown-timeout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the first byte of a request to the end of its header (default 10 s). A client
    /// that sends half a header and stops is disconnected after it.
    pub header_read_timeout: Duration,
    /// How long a connection may wait for its next request (default 60 s): from its opening,
    /// or from the answer to its last request. Longer than the header timeout, so a client's
    /// pool of keep-alive connections is not closed under it between two calls.
    pub idle_timeout: Duration,
    /// After the shutdown signal, how long requests in progress have to finish (default 5 s);
    /// connections still open then are dropped.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(5),
        }
    }
}

/// After an answer that ends a connection, how long it keeps reading (and dropping) what the
/// client still sends before closing, and how much at most: closing a socket with unread
/// data makes the kernel send a reset, which can destroy the answer before the client reads it.
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 8 * 1024 * 1024;

/// Serves `fake` on `listener` until `shutdown` completes, then for at most
/// `limits.shutdown_timeout` while connections finish.
pub(crate) async fn serve(
    listener: TcpListener,
    fake: Fake,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut listener = listener;
    let (stop, stopping) = watch::channel(());
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            // axum's accept: it retries after an error (too many open files) instead of failing.
            (tcp, _) = <TcpListener as axum::serve::Listener>::accept(&mut listener) => {
                // TCP_NODELAY: an answer goes out as soon as it is written. Without it a client
                // that pipelines requests waits on the peer's delayed ACK (~40 ms) for every
                // other answer. A socket that refuses it still serves, only slower.
                let _ = tcp.set_nodelay(true);
                connections.spawn(connection(tcp, fake.clone(), limits, stopping.clone()));
            }
            // Ended connections are collected as they end, so the set holds live ones only.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    drop(stopping);
    let _ = stop.send(());
    let drained =
        tokio::time::timeout(limits.shutdown_timeout, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "shutdown: {} connection(s) still open after {:?} (clients in the middle of a request) are dropped",
            connections.len(),
            limits.shutdown_timeout
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one connection until it ends, or until the shutdown signal and then the end of the
/// request in progress (an idle connection closes at once).
async fn connection(tcp: TcpStream, fake: Fake, limits: ConnectionLimits, mut stopping: watch::Receiver<()>) {
    let shared = Arc::new(Shared::default());
    let io = hyper_util::rt::TokioIo::new(TimedIo::new(tcp, shared.clone(), limits));
    let mut http = hyper::server::conn::http1::Builder::new();
    // hyper's own header timer also runs while the connection is idle; `TimedIo` times both.
    http.header_read_timeout(None);
    let mut conn = pin!(http.serve_connection(io, PerConnection { fake, shared }));
    tokio::select! {
        // The signal first: a request that arrives with it is answered as the last one.
        biased;
        _ = stopping.changed() => {}
        _ = conn.as_mut() => return,
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// What the connection's service and its socket share: written and read by the connection's
/// one task only (atomics for `Send`, relaxed loads and stores, no read-modify-write).
#[derive(Default)]
struct Shared {
    /// Requests begun plus requests answered: odd while one is being answered.
    turns: AtomicU32,
    /// Whether the request being answered had its body read to the end (or had none).
    body_read: AtomicBool,
    /// Whether a fault closes the connection without an answer (with a TCP reset).
    abort: AtomicBool,
}

impl Shared {
    fn next_turn(&self) {
        self.turns.store(self.turns.load(Relaxed).wrapping_add(1), Relaxed);
    }
}

/// The fake, as one connection's hyper service.
struct PerConnection {
    fake: Fake,
    shared: Arc<Shared>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for PerConnection {
    type Response = Response;
    type Error = Aborted;
    type Future = Answering;

    fn call(&self, request: hyper::Request<Incoming>) -> Answering {
        let no_body = request.body().is_end_stream();
        self.shared.body_read.store(no_body, Relaxed);
        self.shared.next_turn();
        let request = if no_body {
            request.map(Body::new)
        } else {
            let shared = self.shared.clone();
            request.map(|inner| Body::new(Tracked { inner, shared }))
        };
        Answering { answer: self.fake.answer(request), shared: self.shared.clone() }
    }
}

/// A request being answered: when the answer is ready, the connection is idle again, and an
/// answer given before the request's body was read to its end says `Connection: close`
/// (hyper would otherwise keep the connection open, find the rest of the body in the way of
/// the next request and close it without saying so).
struct Answering {
    answer: <Fake as tower_service::Service<axum::extract::Request>>::Future,
    shared: Arc<Shared>,
}

impl Future for Answering {
    type Output = Result<Response, Aborted>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Ok(mut response) = ready!(self.answer.as_mut().poll(cx));
        self.shared.next_turn();
        if response.extensions().get::<AbortConnection>().is_some() {
            // A fault: no answer at all. The error makes hyper end the connection before
            // writing anything; the socket then closes with a reset (`TimedIo`'s drop).
            self.shared.abort.store(true, Relaxed);
            return Poll::Ready(Err(Aborted));
        }
        if !self.shared.body_read.load(Relaxed) {
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        Poll::Ready(Ok(response))
    }
}

/// A request body that notes when it has been read to its end.
struct Tracked {
    inner: Incoming,
    shared: Arc<Shared>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let frame = ready!(Pin::new(&mut self.inner).poll_frame(cx));
        if frame.is_none() || self.inner.is_end_stream() {
            self.shared.body_read.store(true, Relaxed);
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// What a connection is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Its next request (the idle timeout runs).
    Idle,
    /// The rest of a request's header (the header-read timeout runs).
    Header,
    /// A request is being answered: no timeout (the answer may take its time: a journal long
    /// poll, a big catalog generation); the shutdown deadline bounds it.
    Busy,
}

/// The connection's socket, with its timeouts: a read that would wait past the phase's
/// deadline fails with `TimedOut`, which ends the connection.
struct TimedIo {
    tcp: TcpStream,
    shared: Arc<Shared>,
    limits: ConnectionLimits,
    phase: Phase,
    /// When the phase's time is up (unused while busy).
    deadline: Instant,
    /// `Shared::turns` when last looked at.
    turns_seen: u32,
    /// Wakes the connection's task at `deadline` or before: moved only when the deadline
    /// comes earlier, or when it went off before a deadline that has moved on since, so a
    /// busy connection re-arms it about once per idle timeout instead of once per request.
    timer: Pin<Box<Sleep>>,
    /// Once the write side is shut: until when the connection keeps reading, and how much it
    /// has read.
    lingering: Option<(Instant, usize)>,
}

impl TimedIo {
    fn new(tcp: TcpStream, shared: Arc<Shared>, limits: ConnectionLimits) -> Self {
        let deadline = Instant::now() + limits.idle_timeout;
        TimedIo {
            tcp,
            shared,
            limits,
            phase: Phase::Idle,
            deadline,
            turns_seen: 0,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
            lingering: None,
        }
    }

    /// Follows the service: busy while it answers, idle from when it has answered.
    fn observe(&mut self) {
        let turns = self.shared.turns.load(Relaxed);
        if turns == self.turns_seen {
            return;
        }
        self.turns_seen = turns;
        if turns % 2 == 1 {
            self.phase = Phase::Busy;
        } else {
            self.phase = Phase::Idle;
            self.deadline = Instant::now() + self.limits.idle_timeout;
        }
    }

    /// Starts the idle timeout when an answer is written. hyper reads again after an answer
    /// only if its last read found data; if it found none (it was waiting for the client
    /// to close while the request was answered), nothing would wake the connection when its
    /// idle time is up.
    fn arm_after_answer(&mut self, cx: &mut Context<'_>) {
        self.observe();
        if self.phase == Phase::Idle {
            // Expired or not, the next read (woken by the timer) ends the connection.
            let _ = self.expired(cx);
        }
    }

    /// Whether `deadline` has passed; if not, the task is woken when it does.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        loop {
            if self.timer.deadline() > self.deadline {
                self.timer.as_mut().reset(self.deadline);
            }
            if self.timer.as_mut().poll(cx).is_pending() {
                return false;
            }
            if Instant::now() >= self.deadline {
                return true;
            }
            // It went off for a deadline that has moved on since.
            self.timer.as_mut().reset(self.deadline);
        }
    }

    /// Reads and drops what the client still sends, until it closes, [`LINGER_BYTES`] or
    /// [`LINGER_TIME`], whichever comes first.
    fn poll_linger(&mut self, cx: &mut Context<'_>, until: Instant, mut read: usize) -> Poll<io::Result<()>> {
        self.deadline = until;
        let mut scratch = [0u8; 4096];
        loop {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut self.tcp).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if !buf.filled().is_empty() && read < LINGER_BYTES => {
                    read += buf.filled().len();
                }
                Poll::Pending if !self.expired(cx) => {
                    self.lingering = Some((until, read));
                    return Poll::Pending;
                }
                // The client closed, the socket failed, too much, or time is up.
                _ => return Poll::Ready(Ok(())),
            }
        }
    }
}

impl Drop for TimedIo {
    /// A connection a fault aborts ends with a reset (RST), as a connection reset by RMS's
    /// side would, rather than an orderly close: `SO_LINGER` 0 makes the close send it.
    fn drop(&mut self) {
        if self.shared.abort.load(Relaxed) {
            let _ = self.tcp.set_zero_linger();
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        this.observe();
        let before = buf.filled().len();
        match Pin::new(&mut this.tcp).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if this.phase == Phase::Idle && buf.filled().len() > before {
                    this.phase = Phase::Header;
                    this.deadline = Instant::now() + this.limits.header_read_timeout;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.phase != Phase::Busy && this.expired(cx) => {
                let (what, after) = match this.phase {
                    Phase::Header => ("the rest of a request header", this.limits.header_read_timeout),
                    _ => ("a request", this.limits.idle_timeout),
                };
                tracing::debug!("closing a connection: no {what} within {after:?}");
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, format!("no {what} within {after:?}"))))
            }
            other => other,
        }
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.arm_after_answer(cx);
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.arm_after_answer(cx);
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    /// Shuts the write side (the client reads the end of the answer), then lingers if the
    /// last request's body was left unread (the client may still be sending it). A connection
    /// closed while idle closes at once.
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let (until, read) = match this.lingering {
            Some(lingering) => lingering,
            None => {
                ready!(Pin::new(&mut this.tcp).poll_shutdown(cx))?;
                if this.shared.body_read.load(Relaxed) {
                    return Poll::Ready(Ok(()));
                }
                (Instant::now() + LINGER_TIME, 0)
            }
        };
        this.poll_linger(cx, until, read)
    }
}
