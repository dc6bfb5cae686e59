//! Which entities of a shop changed: the keys `--state-dir` writes the after-images of.
//!
//! Each container that holds many entities (the order book, the stock, the catalog, the
//! schedule) keeps a [`Dirty`] set of the keys its mutators touched. It is off (None) unless
//! the shop's changes are tracked (`Shop::track_changes`, only with a state directory), so a
//! shop that is not persisted pays one branch per change and keeps nothing.

use std::collections::BTreeSet;

/// Keys changed since they were last taken; None while nobody tracks them.
#[derive(Clone, Debug)]
pub struct Dirty<K>(Option<BTreeSet<K>>);

impl<K> Default for Dirty<K> {
    fn default() -> Self {
        Dirty(None)
    }
}

impl<K: Ord> Dirty<K> {
    /// Starts tracking (keeps what is already marked).
    pub fn track(&mut self) {
        self.0.get_or_insert_with(BTreeSet::new);
    }

    /// True while changes are tracked.
    pub fn is_tracked(&self) -> bool {
        self.0.is_some()
    }

    /// Marks a key; `key` is only built while tracking.
    pub fn mark(&mut self, key: impl FnOnce() -> K) {
        if let Some(keys) = &mut self.0 {
            keys.insert(key());
        }
    }

    /// Unmarks a key; true when it was marked.
    pub fn unmark(&mut self, key: &K) -> bool {
        self.0.as_mut().is_some_and(|keys| keys.remove(key))
    }

    /// The marked keys, ascending, leaving none marked (tracking goes on).
    pub fn take(&mut self) -> Vec<K> {
        self.0.as_mut().map(std::mem::take).into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_kept_until_tracking_starts_and_keys_come_back_once_in_order() {
        let mut d = Dirty::default();
        d.mark(|| 3);
        assert!(!d.is_tracked() && d.take().is_empty());
        d.track();
        for k in [5, 1, 5, 3] {
            d.mark(|| k);
        }
        assert!(d.unmark(&3) && !d.unmark(&3));
        assert_eq!(d.take(), [1, 5]);
        assert!(d.take().is_empty() && d.is_tracked());
    }
}
