//! Fault points, in test builds only: a test arms one, and the next time this thread passes
//! it, it panics, as a bug there would. They sit where a panic would do the most harm (with
//! the shop locked, after an operation's checks and before its effects), so the tests of
//! panic containment can show that a shop is never left half-changed.

use std::cell::Cell;

/// Where a fault can be armed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultPoint {
    /// An RMS request's body, read, before the shop is locked.
    Prepare,
    /// An RMS operation, with the shop locked, before it runs.
    Operation,
    /// A stock write, planned and checked, before its first effect.
    StockWrite,
}

thread_local!(static ARMED: Cell<Option<FaultPoint>> = const { Cell::new(None) });

/// Arms `point` on this thread: the next pass panics (once).
pub fn arm(point: FaultPoint) {
    ARMED.set(Some(point));
}

/// Panics if `point` is armed on this thread (and disarms it).
pub fn hit(point: FaultPoint) {
    if ARMED.get() == Some(point) {
        ARMED.set(None);
        panic!("fault injected at {point:?}");
    }
}
