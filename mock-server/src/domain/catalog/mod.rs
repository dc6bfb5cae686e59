//! The shop's items (Item API 2.0), keyed by lower-case manageNumber, with the gate that
//! decides which Item/Inventory functions a shop's settings allow ([`gate`]) and the
//! generator of big catalogs ([`generate`]).

pub mod gate;
pub mod generate;

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
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog { items: BTreeMap::new(), next_item_id: 10_000_001, revision: 0 }
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
        if let Some(item) = self.items.get_mut(manage_number) {
            item.replace(checked, now);
            return false;
        }
        let item_id = self.next_item_id;
        self.next_item_id += 1;
        self.items.insert(manage_number.to_string(), Item::new(manage_number, item_id, checked, now));
        true
    }

    /// Removes an item.
    pub fn remove(&mut self, manage_number: &str) -> Option<Item> {
        self.revision += 1;
        self.items.remove(manage_number)
    }
}
