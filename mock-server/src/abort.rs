//! A response that must never reach the client: the connection is to close without an
//! answer (a `reset` or `drop_after_effect` fault). The RMS endpoints mark such a response;
//! the connection layer ([`crate::conn`]) closes the connection instead of writing it (with
//! a TCP reset), and its body fails at once, so a server run by plain `axum::serve` (through
//! [`crate::router`]) closes the connection before any byte too.

use axum::body::Bytes;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The marker, in the response's extensions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AbortConnection;

/// Why a connection was closed without an answer (the error hyper is handed).
#[derive(Debug)]
pub(crate) struct Aborted;

impl std::fmt::Display for Aborted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a fault closes the connection without an answer")
    }
}

impl std::error::Error for Aborted {}

/// A body that fails before its first byte.
pub(crate) struct FailingBody;

impl HttpBody for FailingBody {
    type Data = Bytes;
    type Error = Aborted;

    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Aborted>>> {
        Poll::Ready(Some(Err(Aborted)))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// The real body of an answer, cut after its first `keep` bytes (a `truncate` fault): it
/// announces its full length, sends the beginning, waits a moment (so the connection writes
/// what it has to the socket), then fails, which makes the server close the connection.
pub(crate) struct TruncatedBody {
    /// What is sent, then taken.
    head: Option<Bytes>,
    /// The full body's length, announced in `Content-Length`.
    full: u64,
    /// The pause between the beginning and the failure, once started.
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// How long a truncated body waits after its beginning before failing: enough for the
/// connection to flush the beginning to the socket.
const TRUNCATE_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

impl TruncatedBody {
    /// `body` cut after `keep` bytes (at most all but one: a truncated answer is never whole).
    pub(crate) fn new(body: Bytes, keep: usize) -> Self {
        let full = body.len() as u64;
        let keep = keep.min(body.len().saturating_sub(1));
        TruncatedBody { head: Some(body.slice(..keep)), full, pause: None }
    }
}

impl HttpBody for TruncatedBody {
    type Data = Bytes;
    type Error = Aborted;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Aborted>>> {
        if let Some(head) = self.head.take().filter(|h| !h.is_empty()) {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        let pause = self.pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(Aborted))),
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.full)
    }
}
