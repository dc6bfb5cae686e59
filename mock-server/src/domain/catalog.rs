//! The shop's items (Item API 2.0), keyed by lower-case manageNumber.

use super::item::{Item, ItemBody};
use super::time::JstDateTime;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Catalog {
    items: BTreeMap<String, Item>,
    next_item_id: u64,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog { items: BTreeMap::new(), next_item_id: 10_000_001 }
    }
}

impl Catalog {
    pub fn get(&self, manage_number: &str) -> Option<&Item> {
        self.items.get(manage_number)
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.values()
    }

    /// True when the SKU exists (stock for anything else is orphaned).
    pub fn has_variant(&self, manage_number: &str, variant_id: &str) -> bool {
        self.items.get(manage_number).is_some_and(|i| i.variant(variant_id).is_some())
    }

    /// Stores a validated body; returns true when the item is new (201) and false when it
    /// replaced one (204).
    pub fn put(&mut self, manage_number: &str, body: ItemBody, now: JstDateTime) -> bool {
        if let Some(item) = self.items.get_mut(manage_number) {
            item.body = body;
            item.updated = now;
            return false;
        }
        let item_id = self.next_item_id;
        self.next_item_id += 1;
        self.items.insert(
            manage_number.to_string(),
            Item { manage_number: manage_number.to_string(), item_id, body, created: now, updated: now },
        );
        true
    }

    pub fn remove(&mut self, manage_number: &str) -> Option<Item> {
        self.items.remove(manage_number)
    }
}
