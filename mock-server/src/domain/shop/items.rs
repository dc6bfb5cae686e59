//! The Item API 2.0 and Inventory API on a shop: items, stock writes and orphans, and the
//! insertion of generated catalogs. Each method is one short step under the shop's lock;
//! checking bodies and generating items happen before it (see `catalog::generate`).

use super::*;
use crate::domain::catalog::generate::{GenerateError, GeneratedItem};
use crate::domain::catalog::SeenItem;
use crate::domain::inventory::{StockNotFound, StockRefusal, StockWrite, ORPHAN_TTL_MINUTES};
use crate::domain::item::settings::{InventorySettingsUpdate, UnknownVariant};
use crate::domain::item::{first_violation, CheckedItem, GenreRules, Item, ItemData, ItemRefusal, ItemViolation};
use clock::Event;

impl Shop {
    /// Checks `draft` as a whole item against the stored one and the shop's genre table
    /// (items.upsert, or items.patch with the patch already merged into the stored item);
    /// nothing is stored.
    pub fn check_item(&self, manage_number: &str, draft: ItemData) -> Result<CheckedItem, Vec<ItemViolation>> {
        let genres = GenreRules::Shop(&self.settings.item_mandatory_attributes);
        draft.check(self.catalog.get(manage_number).map(|i| i.data()), genres)
    }

    /// items.upsert: a full replace. Ok(true) when the item was created.
    pub fn upsert_item(&mut self, manage_number: &str, draft: ItemData) -> Result<bool, Vec<ItemViolation>> {
        let checked = self.check_item(manage_number, draft)?;
        self.before_api_write(manage_number);
        Ok(self.catalog.put(manage_number, checked, self.now))
    }

    /// An item a shop document declares: it exists when the shop is created, so it is checked
    /// by every item rule but its genre's mandatory attributes (the shorthand cannot carry
    /// attributes), and every read sees it at once. Ok(true) when it was new.
    pub fn load_item(&mut self, manage_number: &str, draft: ItemData) -> Result<bool, Vec<ItemViolation>> {
        let checked = draft.check(self.catalog.get(manage_number).map(|i| i.data()), GenreRules::Unchecked)?;
        Ok(self.catalog.put(manage_number, checked, self.now))
    }

    /// items.patch: `merged` is the stored item with the patch merged in; it is checked as a
    /// whole and replaces the stored item. The SKUs stay the ones the item has: a patch that
    /// adds or removes one is refused once the rest passes (a live run saw 409 for it, and
    /// the 400s of an incomplete new SKU before that).
    pub fn patch_item(&mut self, manage_number: &str, merged: ItemData) -> Result<(), ItemRefusal> {
        let stored = self.catalog.get(manage_number).ok_or(ItemRefusal::NotFound)?.variant_ids();
        let patched: Vec<String> = merged.variants.iter().flat_map(|v| v.keys().cloned()).collect();
        let checked = self.check_item(manage_number, merged).map_err(ItemRefusal::Violations)?;
        let added: Vec<String> = patched.iter().filter(|v| !stored.contains(v)).cloned().collect();
        let removed: Vec<String> = stored.iter().filter(|v| !patched.contains(v)).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            return Err(ItemRefusal::VariantsChanged { added, removed });
        }
        self.before_api_write(manage_number);
        self.catalog.put(manage_number, checked, self.now);
        Ok(())
    }

    /// items.delete. The item's stock records become orphans (and expire in 24 h).
    pub fn delete_item(&mut self, manage_number: &str) -> Result<(), ItemRefusal> {
        if self.catalog.get(manage_number).is_none() {
            return Err(ItemRefusal::NotFound);
        }
        self.before_api_write(manage_number);
        let item = self.catalog.remove(manage_number).ok_or(ItemRefusal::NotFound)?;
        for v in item.variant_ids() {
            self.schedule_orphan_check(manage_number, &v);
        }
        Ok(())
    }

    /// The item as items.get and items.bulk.get see it: a write shows
    /// `item_get_lag_seconds` after it on the shop's clock (see `catalog::lag`).
    pub fn item_for_get(&self, manage_number: &str) -> Option<&Item> {
        self.catalog.seen(manage_number, self.now, self.settings.item_get_lag_seconds)
    }

    /// The items items.search sees, by manageNumber: a write shows
    /// `item_search_lag_seconds` after it.
    pub fn items_for_search(&self) -> Vec<SeenItem<'_>> {
        self.catalog.seen_all(self.now, self.settings.item_search_lag_seconds)
    }

    /// Before an Item API write: remembered for as long as a lagging read may miss it.
    fn before_api_write(&mut self, manage_number: &str) {
        let keep = self.settings.item_get_lag_seconds.max(self.settings.item_search_lag_seconds);
        self.catalog.before_api_write(manage_number, self.now, keep);
    }

    /// items.inventory-related-settings.update: merged into the item, which is checked again.
    pub fn update_inventory_settings(
        &mut self,
        manage_number: &str,
        update: &InventorySettingsUpdate,
    ) -> Result<(), ItemRefusal> {
        let item = self.catalog.get(manage_number).ok_or(ItemRefusal::NotFound)?;
        let merged =
            item.data().with_inventory_settings(update).map_err(|UnknownVariant(v)| ItemRefusal::VariantNotFound(v))?;
        let checked = self.check_item(manage_number, merged).map_err(ItemRefusal::Violations)?;
        self.before_api_write(manage_number);
        self.catalog.put(manage_number, checked, self.now);
        Ok(())
    }

    /// Stock writes (variants.upsert, bulk-upsert): all or nothing.
    pub fn write_stock(&mut self, writes: &[StockWrite]) -> Result<(), StockRefusal> {
        let quantities = self.inventory.plan(writes)?;
        #[cfg(test)]
        crate::domain::fault::hit(crate::domain::fault::FaultPoint::StockWrite);
        self.inventory.apply(writes, &quantities, self.now);
        for w in writes {
            if !self.catalog.has_variant(&w.manage_number, &w.variant_id) {
                self.schedule_orphan_check(&w.manage_number, &w.variant_id);
            }
        }
        Ok(())
    }

    /// inventories.variants.delete.
    pub fn delete_stock(&mut self, manage_number: &str, variant_id: &str) -> Result<(), StockNotFound> {
        if self.inventory.delete(manage_number, variant_id) {
            Ok(())
        } else {
            Err(StockNotFound)
        }
    }

    /// Adds generated items (built outside the lock by `catalog::generate::generate`) and
    /// their stock, in order. An item already stored under the same number is checked
    /// again against it, as an upsert would be. Returns the manage numbers.
    pub fn insert_generated(&mut self, generated: Vec<GeneratedItem>) -> Result<Vec<String>, GenerateError> {
        let mut made = Vec::with_capacity(generated.len());
        for g in generated {
            let checked = match self.catalog.get(&g.manage_number) {
                None => g.item,
                Some(stored) => g
                    .item
                    .into_data()
                    .check(Some(stored.data()), GenreRules::Unchecked)
                    .map_err(|v| GenerateError::Item(first_violation(v)))?,
            };
            self.catalog.put(&g.manage_number, checked, self.now);
            self.write_stock(&g.stock).map_err(GenerateError::Stock)?;
            made.push(g.manage_number);
        }
        Ok(made)
    }

    /// Generates and inserts a catalog in one go, for a shop nobody shares yet (a shop
    /// document being built); a shared shop generates outside its lock instead.
    pub fn generate_catalog(
        &mut self,
        items: usize,
        variants: usize,
        seed: u64,
        quantity: i64,
    ) -> Result<Vec<String>, GenerateError> {
        let generated =
            crate::domain::catalog::generate::generate(items, variants, seed, quantity).map_err(GenerateError::Item)?;
        self.insert_generated(generated)
    }

    fn schedule_orphan_check(&mut self, manage_number: &str, variant_id: &str) {
        let at = self.now.plus_minutes(ORPHAN_TTL_MINUTES);
        self.schedule_at(at, Event::OrphanExpiry(manage_number.to_string(), variant_id.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::catalog::generate::generate;
    use crate::domain::shop::{Shop, ShopHandle, GENERATE_STEP_SKUS};
    use crate::setup::{parse_toml, ShopDocument};

    fn empty_shop() -> Shop {
        let doc: ShopDocument =
            parse_toml("[shop]\nshop_id = \"123456\"\nservice_secret = \"s\"\nlicense_key = \"k\"\n", "t").unwrap();
        doc.build("t").unwrap()
    }

    #[test]
    fn a_catalog_inserted_in_steps_is_the_catalog_inserted_in_one_go() {
        let items = GENERATE_STEP_SKUS; // three SKUs each: several batches
        let mut whole = empty_shop();
        let expected = whole.insert_generated(generate(items, 3, 5, 7).unwrap()).unwrap();
        let handle = ShopHandle::new(empty_shop());
        let made = handle.insert_generated_in_steps(generate(items, 3, 5, 7).unwrap()).unwrap();
        assert_eq!(made, expected);
        let last = expected.last().unwrap();
        handle.with(|s| {
            assert_eq!(
                s.catalog().get(last).map(|i| i.title().to_string()),
                whole.catalog().get(last).map(|i| i.title().to_string())
            );
            assert_eq!(s.inventory().quantity(last, "v002"), 7);
        });
    }
}
