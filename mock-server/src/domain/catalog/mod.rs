//! The shop's items (Item API 2.0), keyed by lower-case manageNumber, with the gate that
//! decides which Item/Inventory functions a shop's settings allow ([`gate`]), the
//! generator of big catalogs ([`generate`]) and the read-after-write lag of items.get and
//! items.search ([`lag`]).

pub mod gate;
pub mod generate;
pub mod lag;

use super::item::{CheckedItem, Item};
use super::time::JstDateTime;
use std::collections::BTreeMap;

/// Every item of one shop.
#[derive(Clone, Debug)]
pub struct Catalog {
    items: BTreeMap<String, Item>,
    next_item_id: u64,
    /// Counts changes, so a reader (the simulated buyers' list of SKUs on sale) can tell
    /// whether what it derived is still current.
    revision: u64,
    /// Item API writes the lagging reads may not see yet.
    writes: lag::WriteLog,
    /// manageNumbers of the items put or removed since last taken (`--state-dir` only).
    pub(crate) dirty: super::dirty::Dirty<String>,
}

/// An item as a lagging read sees it.
#[derive(Clone, Copy, Debug)]
pub struct SeenItem<'a> {
    /// The version the read sees.
    pub item: &'a Item,
    /// True when the item has been deleted since (items.search then shows only its number).
    pub deleted: bool,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            items: BTreeMap::new(),
            next_item_id: 10_000_001,
            revision: 0,
            writes: lag::WriteLog::default(),
            dirty: Default::default(),
        }
    }
}

impl Catalog {
    /// The item with this (lower-case) manageNumber.
    pub fn get(&self, manage_number: &str) -> Option<&Item> {
        self.items.get(manage_number)
    }

    /// Every item, by manageNumber.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.values()
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// How many SKUs (variants) the items have together.
    pub fn sku_count(&self) -> usize {
        self.items.values().map(|i| i.variants().len()).sum()
    }

    /// Goes up with every change of an item (put or removed).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// True when the SKU exists (stock for anything else is orphaned).
    pub fn has_variant(&self, manage_number: &str, variant_id: &str) -> bool {
        self.items.get(manage_number).is_some_and(|i| i.has_variant(variant_id))
    }

    /// Stores a checked item; returns true when the item is new (201) and false when it
    /// replaced one (204).
    pub fn put(&mut self, manage_number: &str, checked: CheckedItem, now: JstDateTime) -> bool {
        self.revision += 1;
        self.dirty.mark(|| manage_number.to_string());
        if let Some(item) = self.items.get_mut(manage_number) {
            item.replace(checked, now);
            return false;
        }
        let item_id = self.next_item_id;
        self.next_item_id += 1;
        self.items.insert(manage_number.to_string(), Item::new(manage_number, item_id, checked, now));
        true
    }

    /// The catalog's counters and lagging writes, for a state document.
    pub fn counters_state(&self) -> CatalogState {
        CatalogState {
            next_item_id: self.next_item_id,
            revision: self.revision,
            lagging_writes: self.writes.to_state(),
        }
    }

    /// Sets the counters and lagging writes of a state document.
    pub fn restore_counters(&mut self, state: CatalogState) {
        self.next_item_id = state.next_item_id;
        self.revision = state.revision;
        self.writes = lag::WriteLog::from_state(state.lagging_writes);
    }

    /// Puts an item as a state document has it (the revision is the document's, not bumped).
    pub fn put_restored(&mut self, item: Item) {
        self.items.insert(item.manage_number.clone(), item);
    }

    /// Removes an item a state document's change log says is gone (revision not bumped).
    #[allow(dead_code, reason = "the change log of `--state-dir` applies entities; the tests do meanwhile")]
    pub fn remove_restored(&mut self, manage_number: &str) {
        self.items.remove(manage_number);
    }

    /// Removes an item.
    pub fn remove(&mut self, manage_number: &str) -> Option<Item> {
        self.revision += 1;
        self.dirty.mark(|| manage_number.to_string());
        self.items.remove(manage_number)
    }

    /// Remembers the item as it is, before an Item API write at `now`, for reads lagging up
    /// to `keep_seconds` behind (see [`lag`]).
    pub fn before_api_write(&mut self, manage_number: &str, now: JstDateTime, keep_seconds: u32) {
        // With the lags off (the default) nothing is kept, so nothing is copied.
        let before = if keep_seconds > 0 { self.items.get(manage_number).cloned() } else { None };
        self.writes.record(manage_number, before, now, keep_seconds);
    }

    /// The item as a read lagging `lag_seconds` behind `now` sees it.
    pub fn seen(&self, manage_number: &str, now: JstDateTime, lag_seconds: u32) -> Option<&Item> {
        match self.writes.seen(manage_number, now, lag_seconds) {
            Some(before) => before,
            None => self.items.get(manage_number),
        }
    }

    /// Every item such a read sees, by manageNumber: deleted ones it has not caught up with
    /// included, new ones it has not caught up with left out.
    pub fn seen_all(&self, now: JstDateTime, lag_seconds: u32) -> Vec<SeenItem<'_>> {
        let unseen = self.writes.seen_all(now, lag_seconds);
        if unseen.is_empty() {
            return self.items.values().map(|item| SeenItem { item, deleted: false }).collect();
        }
        let mut numbers: Vec<&str> = self.items.keys().map(String::as_str).chain(unseen.keys().copied()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
            .into_iter()
            .filter_map(|m| {
                let current = self.items.get(m);
                let item = match unseen.get(m) {
                    Some(before) => (*before)?,
                    None => current?,
                };
                Some(SeenItem { item, deleted: current.is_none() })
            })
            .collect()
    }
}

/// The catalog's counters, and the copies lagging reads still see.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogState {
    /// The `itemId` the next new item gets.
    pub next_item_id: u64,
    /// Changes so far (caches derived from the catalog compare it).
    pub revision: u64,
    /// Item API writes lagging reads may not see yet, oldest first.
    pub lagging_writes: Vec<lag::LaggingWrite>,
}
