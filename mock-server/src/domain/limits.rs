//! Token buckets per (shop, function id): the RMS rate limits (auth-and-limits.md §7).
//!
//! Buckets run on wall-clock time by default, because that is what a client's retry loop
//! waits on. A shop can put them on its virtual clock instead (`rate_limit.clock =
//! "virtual"`), which makes throttling deterministic for replayed setups: a client then
//! "waits" by advancing the clock.

use super::function::FunctionId;
use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    /// Seconds on the limiter's time line.
    last: f64,
}

#[derive(Debug)]
pub struct RateLimiter {
    buckets: HashMap<FunctionId, Bucket>,
    origin: Instant,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter { buckets: HashMap::new(), origin: Instant::now() }
    }
}

impl RateLimiter {
    /// Takes one token for `function` at `per_second`; false when the bucket is empty.
    /// The burst is one second's worth of requests (at least one).
    pub fn try_take(&mut self, function: FunctionId, per_second: f64, now: Instant) -> bool {
        let secs = now.saturating_duration_since(self.origin).as_secs_f64();
        self.try_take_at(function, per_second, secs)
    }

    /// The same on any time line given in seconds (the shop's virtual clock).
    pub fn try_take_at(&mut self, function: FunctionId, per_second: f64, now_secs: f64) -> bool {
        let burst = per_second.max(1.0).ceil();
        let b = self.buckets.entry(function).or_insert(Bucket { tokens: burst, last: now_secs });
        let elapsed = (now_secs - b.last).max(0.0);
        let now = now_secs;
        b.tokens = (b.tokens + elapsed * per_second).min(burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn clear(&mut self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::function::OrderOperation;
    use std::time::Duration;

    #[test]
    fn one_per_second_refuses_the_second_call_and_refills_after_a_second() {
        let mut r = RateLimiter::default();
        let t0 = Instant::now();
        let (search, get) = (OrderOperation::SearchOrder.function_id(), OrderOperation::GetOrder.function_id());
        assert!(r.try_take(search, 1.0, t0));
        assert!(!r.try_take(search, 1.0, t0 + Duration::from_millis(500)));
        assert!(r.try_take(get, 1.0, t0), "functions have separate buckets");
        assert!(r.try_take(search, 1.0, t0 + Duration::from_millis(1600)));
    }
}
