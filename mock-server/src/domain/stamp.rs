//! Stamps: which version of a piece of shop data (an order, an item) this is. A stamp is
//! renewed whenever the data changes and is never the same for two versions of anything in
//! the process (shops come and go; stamps are not reused), so whoever keeps something derived
//! from the data (the wire's encoded answers) knows it is still current while the stamp is
//! the same.

use std::sync::atomic::{AtomicU64, Ordering};

/// A version of a piece of data; see the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stamp(u64);

impl Stamp {
    /// A stamp no version of anything has had.
    pub fn next() -> Stamp {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Stamp(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// The stamp as a number (for hashing into a cache).
    pub fn get(self) -> u64 {
        self.0
    }
}
