//! The wall clock that shops in wall mode follow: the one place the server reads real time
//! for them. It hands out readings (wall time since it was made); the shops turn those into
//! virtual time (`domain/shop/wall.rs`), so a test decides what "now" is by choosing the
//! clock: [`WallClock::tokio`] (real time, which `tokio::time::pause` and `advance` control)
//! or [`WallClock::manual`] (stands still until advanced).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Where wall time comes from for one server. Cheap to clone; clones read the same clock.
#[derive(Clone, Debug)]
pub struct WallClock(Source);

#[derive(Clone, Debug)]
enum Source {
    Tokio(tokio::time::Instant),
    /// Nanoseconds the test has let pass.
    Manual(Arc<AtomicU64>),
}

impl WallClock {
    /// Real time, read with `tokio::time::Instant`: under `tokio::time::pause()` it moves only
    /// with `tokio::time::advance` (and the runtime's auto-advance).
    pub fn tokio() -> Self {
        WallClock(Source::Tokio(tokio::time::Instant::now()))
    }

    /// A clock that stands still until [`WallClock::advance`] moves it: a test of a shop in
    /// wall mode then decides exactly how much real time passes, with no sleep.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let wall = rms_mock::WallClock::manual();
    /// wall.advance(Duration::from_secs(3));
    /// assert_eq!(wall.elapsed(), Duration::from_secs(3));
    /// ```
    pub fn manual() -> Self {
        WallClock(Source::Manual(Arc::new(AtomicU64::new(0))))
    }

    /// Lets `by` pass on a manual clock. A Tokio clock is moved by `tokio::time::advance`
    /// instead, so this leaves it alone.
    pub fn advance(&self, by: Duration) {
        if let Source::Manual(nanos) = &self.0 {
            let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
            // The closure always returns Some, so this cannot fail.
            let _ = nanos.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| Some(n.saturating_add(by)));
        }
    }

    /// Wall time since the clock was made: the reading shops follow.
    pub fn elapsed(&self) -> Duration {
        match &self.0 {
            Source::Tokio(origin) => origin.elapsed(),
            Source::Manual(nanos) => Duration::from_nanos(nanos.load(Ordering::SeqCst)),
        }
    }
}

impl Default for WallClock {
    /// [`WallClock::tokio`].
    fn default() -> Self {
        WallClock::tokio()
    }
}
